from collections import defaultdict

from odoo import api, fields, models

from .pegging import check_peg_write, peg_create_error, peg_id


class PurchaseOrderLine(models.Model):
    _inherit = "purchase.order.line"

    mto_sale_line_id = fields.Many2one(
        "sale.order.line", string="Bought for order line", index="btree_not_null", copy=False,
        readonly=True)
    mto_date_confirmed = fields.Datetime(
        string="Expected at confirmation", copy=False, readonly=True,
        help="The expected arrival when the purchase order was confirmed; the vendor's lateness "
             "(reliability buffer of promises) is measured from this date or from the confirmation "
             "plus the vendor's lead time, whichever is later.")

    @api.model_create_multi
    def create(self, vals_list):
        """Only procurement (as superuser) buys for an order line; a copy does not (not copied)."""
        if not self.env.su and any(peg_id(vals.get("mto_sale_line_id")) for vals in vals_list):
            raise peg_create_error(self)
        return super().create(vals_list)

    @api.model
    def _prepare_purchase_order_line_from_procurement(self, product_id, product_qty, product_uom,
                                                       location_dest_id, name, origin, company_id,
                                                       values, po):
        res = super()._prepare_purchase_order_line_from_procurement(
            product_id, product_qty, product_uom, location_dest_id, name, origin, company_id,
            values, po)
        if values.get("mto_sale_line_id"):
            res["mto_sale_line_id"] = values["mto_sale_line_id"]
        return res

    def _find_candidate(self, product_id, product_qty, product_uom, location_id, name, origin,
                        company_id, values):
        """Purchases made for an order line are kept on their own RFQ line."""
        line_id = values.get("mto_sale_line_id") or False
        candidates = self.filtered(lambda pol: pol.mto_sale_line_id.id == line_id)
        return super(PurchaseOrderLine, candidates)._find_candidate(
            product_id, product_qty, product_uom, location_id, name, origin, company_id, values)

    @api.model
    def _mto_draft_lines(self, sale_lines):
        return self.search([
            ("mto_sale_line_id", "in", sale_lines.ids),
            ("order_id.state", "in", ("draft", "sent")),
        ])

    def _mto_scale(self, quantities, factor, sale_orders, bought=None):
        """Lower these draft RFQ lines (`quantities`: each one's before the change) so that what
        is bought for the order line comes to `factor` x what it was: `bought` {product: quantity
        in its unit, confirmed purchases included; the drafts' by default}. The drafts give up
        the difference, the newest first: an increase after the buyer confirmed the purchase
        went to a new RFQ, which the decrease then takes back whole (halving each line left a
        tube bought too many); confirmed purchases are the buyer's to change. Absolute
        quantities, so Odoo's own decrease of chained moves is not applied twice; 0 removes
        them and empty RFQs are cancelled."""
        def in_product_uom(po_line, qty):
            return po_line.product_uom_id._compute_quantity(qty, po_line.product_id.uom_id)

        if bought is None:
            bought = defaultdict(float)
            for po_line in self:
                bought[po_line.product_id] += in_product_uom(po_line, quantities[po_line])
        surplus = {product: qty * (1 - factor) for product, qty in bought.items()}
        orders = self.order_id
        for po_line in self.sorted("id", reverse=True):
            before = in_product_uom(po_line, quantities[po_line])
            removed = max(min(before, surplus.get(po_line.product_id, 0.0)), 0.0)
            surplus[po_line.product_id] = surplus.get(po_line.product_id, 0.0) - removed
            qty = po_line.product_uom_id.round(
                po_line.product_id.uom_id._compute_quantity(before - removed, po_line.product_uom_id))
            if po_line.product_uom_id.is_zero(qty):
                po_line.unlink()
            elif po_line.product_uom_id.compare(qty, po_line.product_qty):
                po_line.product_qty = qty
        for order in orders:
            if not order.order_line:
                order.button_cancel()
            order.message_post(body=self.env._(
                "Quantities adjusted after a change on %s.", ", ".join(sale_orders.mapped("name"))))

    def _prepare_stock_move_vals(self, picking, price_unit, product_uom_qty, product_uom):
        vals = super()._prepare_stock_move_vals(picking, price_unit, product_uom_qty, product_uom)
        if self.mto_sale_line_id:
            vals["mto_sale_line_id"] = self.mto_sale_line_id.id  # received goods are order stock
        return vals

    def write(self, vals):
        """A later expected date or a smaller quantity re-promises the order lines that wait for
        it; an earlier one, those it put at risk. Which order line it buys for is set when it is
        created and never rewritten by a user: received goods are pegged to it."""
        check_peg_write(self, vals)
        watched = self.env["purchase.order.line"]
        before = {}
        if "date_planned" in vals or "product_qty" in vals:
            watched = self.filtered(lambda pol: pol.state in ("purchase", "done") or pol.mto_sale_line_id)
            before = {pol.id: (pol.date_planned, pol.product_qty) for pol in watched}
        res = super().write(vals)
        for pol in watched:
            old_date, old_qty = before[pol.id]
            causes = []
            if pol.date_planned and old_date and pol.date_planned > old_date:
                days = (pol.date_planned - old_date).days or 1
                values = {"vendor": pol.partner_id.name, "po": pol.order_id.name,
                          "product": pol.product_id.display_name}
                causes.append(self.env._("%(vendor)s moved %(po)s (%(product)s) by %(days)s days",
                                         days=days, **values) if days > 1 else
                              self.env._("%(vendor)s moved %(po)s (%(product)s) by a day", **values))
            if pol.product_uom_id.compare(pol.product_qty, old_qty) < 0:
                causes.append(self.env._("%(vendor)s delivers only %(qty)s %(product)s on %(po)s",
                                         vendor=pol.partner_id.name, qty=pol.product_qty,
                                         product=pol.product_id.display_name, po=pol.order_id.name))
            if not causes and pol.date_planned and old_date and pol.date_planned < old_date:
                # earlier again: the lines it put at risk may be back on time (the others keep
                # their plan: nothing to re-promise)
                lines = (self.env["sale.order.line"]._mto_lines_for_products(pol.product_id)
                         | pol.mto_sale_line_id).filtered("mto_at_risk")
                lines._mto_enqueue_repromise(self.env._(
                    "%(vendor)s brought %(po)s (%(product)s) forward", vendor=pol.partner_id.name,
                    po=pol.order_id.name, product=pol.product_id.display_name))
            if causes:
                lines = self.env["sale.order.line"]._mto_lines_for_products(pol.product_id) | pol.mto_sale_line_id
                lines._mto_enqueue_repromise("; ".join(causes))
        return res
