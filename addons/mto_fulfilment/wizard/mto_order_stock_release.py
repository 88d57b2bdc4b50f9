from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError


class MtoOrderStockRelease(models.TransientModel):
    """Release an order line's order stock to free stock, or re-peg it to another open order line.

    Typical use: the order was cancelled after its goods were made. Only stock managers may do it,
    and every move is logged on the orders involved.
    """

    _name = "mto.order.stock.release"
    _description = "Release or re-peg order stock"

    sale_line_id = fields.Many2one("sale.order.line", "From order line", required=True, readonly=True)
    product_id = fields.Many2one("product.product", required=True,
                                 domain="[('id', 'in', available_product_ids)]")
    available_product_ids = fields.Many2many("product.product", compute="_compute_available")
    pegged_qty = fields.Float("Order stock (unreserved)", compute="_compute_available", digits="Product Unit")
    quantity = fields.Float(required=True, digits="Product Unit")
    action = fields.Selection(
        [("release", "Release to free stock"), ("repeg", "Re-peg to another order line")],
        required=True, default="release")
    target_line_id = fields.Many2one(
        "sale.order.line", "To order line",
        domain="[('product_id', '=', product_id), ('state', '=', 'sale'), ('id', '!=', sale_line_id), "
               "('company_id', '=', company_id)]")
    company_id = fields.Many2one(related="sale_line_id.company_id")
    reason = fields.Char()

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        line = self.env["sale.order.line"].browse(values.get("sale_line_id") or self.env.context.get("active_id"))
        if self.env.context.get("active_model") == "sale.order":
            order = self.env["sale.order"].browse(self.env.context.get("active_id"))
            line = order.order_line.filtered(lambda sol: sol.mto_pegged_qty)[:1]
        if line:
            values["sale_line_id"] = line.id
            quants = line._mto_pegged_quants()
            if quants:
                product = quants[0].product_id
                values.setdefault("product_id", product.id)
                values.setdefault("quantity", sum(
                    q.quantity - q.reserved_quantity for q in quants if q.product_id == product))
        return values

    @api.model_create_multi
    def create(self, vals_list):
        """An unknown order line or product is refused by name, before the database's foreign
        key does it with a message about archiving."""
        labels = {"sale_line_id": self.env._("order line"), "target_line_id": self.env._("order line"),
                  "product_id": self.env._("product")}
        for vals in vals_list:
            for fname, label in labels.items():
                record_id = vals.get(fname)
                if record_id and not self.env[self._fields[fname].comodel_name].browse(record_id).exists():
                    raise ValidationError(self.env._(
                        "Unknown %(what)s (id %(id)s): it does not exist or was deleted.",
                        what=label, id=record_id))
        return super().create(vals_list)

    @api.depends("sale_line_id", "product_id")
    def _compute_available(self):
        for wizard in self:
            quants = wizard.sale_line_id._mto_pegged_quants() if wizard.sale_line_id else self.env["stock.quant"]
            wizard.available_product_ids = quants.product_id
            wizard.pegged_qty = sum(
                q.quantity - q.reserved_quantity for q in quants if q.product_id == wizard.product_id)

    def action_apply(self):
        self.ensure_one()
        if not self.env.user.has_group("stock.group_stock_manager"):
            raise AccessError(self.env._("Only inventory managers can release or re-peg order stock."))
        if self.quantity <= 0:
            raise ValidationError(self.env._("The quantity to release must be positive."))
        uom = self.product_id.uom_id
        if uom.compare(self.quantity, self.pegged_qty) > 0:
            raise ValidationError(self.env._(
                "Only %(available)s %(uom)s of %(product)s is pegged to %(order)s and not reserved; "
                "you asked for %(qty)s.", available=self.pegged_qty, uom=uom.name,
                product=self.product_id.display_name, order=self.sale_line_id.order_id.name, qty=self.quantity))
        target = self.target_line_id if self.action == "repeg" else self.env["sale.order.line"]
        if self.action == "repeg":
            if not target:
                raise ValidationError(self.env._("Choose the order line that takes over the stock."))
            if target.product_id != self.product_id:
                raise ValidationError(self.env._(
                    "%(order)s orders %(other)s, not %(product)s: order stock can only be re-pegged to a "
                    "line of the same product.", order=target.order_id.name,
                    other=target.product_id.display_name, product=self.product_id.display_name))
            if target.company_id != self.sale_line_id.company_id:
                raise ValidationError(self.env._("Order stock cannot be re-pegged to another company's order."))
            if target.state != "sale":
                raise ValidationError(self.env._("%s is not a confirmed order.", target.order_id.name))
        moved = self.sale_line_id._mto_release_stock(self.product_id, self.quantity, to_line=target or None)
        if uom.compare(moved, self.quantity) < 0:
            raise UserError(self.env._(
                "Only %(moved)s of %(qty)s could be moved: part of the stock is being used right now. "
                "Try again.", moved=moved, qty=self.quantity))
        reason = f" ({self.reason})" if self.reason else ""
        source = self.sale_line_id.order_id
        if target:
            message = self.env._("%(qty)s %(uom)s %(product)s of order stock re-pegged from %(src)s to %(dst)s%(why)s.",
                                 qty=moved, uom=uom.name, product=self.product_id.display_name,
                                 src=source.name, dst=target.order_id.name, why=reason)
            target.order_id.message_post(body=message)
        else:
            message = self.env._("%(qty)s %(uom)s %(product)s of order stock released to free stock%(why)s.",
                                 qty=moved, uom=uom.name, product=self.product_id.display_name, why=reason)
        source.message_post(body=message)
        return {"type": "ir.actions.client", "tag": "soft_reload"}
