from collections import defaultdict

from odoo import fields, models


class ProductProduct(models.Model):
    _inherit = "product.product"

    mto_pegged_qty = fields.Float(
        "Order stock", compute="_compute_mto_pegged_qty", digits="Product Unit",
        help="On hand but pegged to sale order lines (not available to other orders).")

    def _mto_pegged_unreserved(self, domain_quant):
        """Other orders' pegged stock not reserved, per product: (all, of cancelled orders).

        Stock pegged to an open order is matched by that order's own outgoing demand in Odoo's
        forecast already; only a cancelled order's order stock must be taken out of it.
        """
        peg = self.env.context.get("mto_peg") or False
        domain = domain_quant + [("mto_sale_line_id", "!=", False)]
        if peg:
            domain.append(("mto_sale_line_id", "!=", peg))
        pegged, cancelled = defaultdict(float), defaultdict(float)
        for product, order, quantity, reserved in self.env["stock.quant"].sudo()._read_group(
                domain, ["product_id", "mto_sale_order_id"], ["quantity:sum", "reserved_quantity:sum"]):
            free = max(quantity - reserved, 0.0)
            pegged[product.id] += free
            if order.state == "cancel":
                cancelled[product.id] += free
        return pegged, cancelled

    def _compute_quantities_dict(self, lot_id, owner_id, package_id, from_date=False, to_date=False):
        """Other orders' pegged stock is not free (free_qty) nor available to forecasts."""
        res = super()._compute_quantities_dict(lot_id, owner_id, package_id, from_date=from_date, to_date=to_date)
        domain_quant_loc = self._get_domain_locations()[0]
        pegged, cancelled = self._mto_pegged_unreserved([("product_id", "in", self.ids)] + list(domain_quant_loc))
        for product_id, qty in pegged.items():
            if product_id in res and qty:
                values = res[product_id]
                values["free_qty"] = max(values["free_qty"] - qty, 0.0)
                values["virtual_available"] -= cancelled.get(product_id, 0.0)
        return res

    def _compute_mto_pegged_qty(self):
        domain_quant_loc = self._get_domain_locations()[0]
        rows = self.env["stock.quant"].sudo()._read_group(
            [("product_id", "in", self.ids), ("mto_sale_line_id", "!=", False)] + list(domain_quant_loc),
            ["product_id"], ["quantity:sum"])
        pegged = {product.id: quantity for product, quantity in rows}
        for product in self:
            product.mto_pegged_qty = pegged.get(product.id, 0.0)

    def _mto_free_qty_for_promise(self):
        """{product id: free quantity} in the context's warehouse, for the promise snapshot."""
        return {product.id: product.free_qty for product in self}

    def action_view_mto_order_stock(self):
        action = self.env["ir.actions.actions"]._for_xml_id("mto_fulfilment.action_mto_order_stock")
        action["domain"] = [("product_id", "in", self.ids), ("mto_sale_line_id", "!=", False)]
        return action


class ProductTemplate(models.Model):
    _inherit = "product.template"

    mto_pegged_qty = fields.Float(
        "Order stock", compute="_compute_mto_pegged_qty", digits="Product Unit",
        help="On hand but pegged to sale order lines (not available to other orders).")

    def _compute_mto_pegged_qty(self):
        for template in self:
            template.mto_pegged_qty = sum(template.product_variant_ids.mapped("mto_pegged_qty"))

    def action_view_mto_order_stock(self):
        return self.product_variant_ids.action_view_mto_order_stock()
