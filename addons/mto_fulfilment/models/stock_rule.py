from odoo import models


class StockRule(models.Model):
    _inherit = "stock.rule"

    def _get_stock_move_values(self, product_id, product_qty, product_uom, location_dest_id, name,
                               origin, company_id, values):
        move_values = super()._get_stock_move_values(
            product_id, product_qty, product_uom, location_dest_id, name, origin, company_id, values)
        if values.get("mto_sale_line_id"):
            move_values["mto_sale_line_id"] = values["mto_sale_line_id"]
        return move_values

    def _prepare_mo_vals(self, product_id, product_qty, product_uom, location_dest_id, name, origin,
                         company_id, values, bom):
        mo_values = super()._prepare_mo_vals(product_id, product_qty, product_uom, location_dest_id,
                                             name, origin, company_id, values, bom)
        if values.get("mto_sale_line_id"):
            mo_values["mto_sale_line_id"] = values["mto_sale_line_id"]
        return mo_values

    def _make_mo_get_domain(self, procurement, bom):
        """An order line's production is never merged into another line's or order's MO.

        For a line's own procurement (e.g. a quantity increase) its not-started MO grows, even
        when already planned: that is the order's MO.
        """
        domain = super()._make_mo_get_domain(procurement, bom)
        line_id = procurement.values.get("mto_sale_line_id")
        if not line_id:
            return domain + (("mto_sale_line_id", "=", False),)
        domain = tuple(d for d in domain if not (isinstance(d, tuple) and d[0] == "is_planned"))
        return domain + (("mto_sale_line_id", "=", line_id), ("qty_producing", "=", 0))
