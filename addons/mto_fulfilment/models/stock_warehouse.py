from odoo import models


class StockWarehouse(models.Model):
    _inherit = "stock.warehouse"

    def _mto_ensure_rules(self):
        """Unarchive the warehouses' MTO pull rules: the strategies route procurements through them."""
        rules = self.with_context(active_test=False).mto_pull_id
        rules.filtered(lambda r: not r.active).write({"active": True})

    def _mto_routes_for(self, strategy, product):
        """Routes that force `strategy` for `product` in this warehouse (empty: keep product routes).

        make_to_order goes through the warehouse's MTO rule, then Manufacture when the product has
        a bill of materials, else Buy; make_to_stock uses the plain delivery route.
        """
        self.ensure_one()
        if strategy == "make_to_stock":
            return self.delivery_route_id
        mto_route = self.mto_pull_id.route_id
        if product.bom_ids.filtered(lambda b: b.type == "normal" and b.active):
            return mto_route | self.manufacture_pull_id.route_id
        return mto_route | self.buy_pull_id.route_id
