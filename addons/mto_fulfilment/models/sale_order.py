from odoo import api, fields, models

FULFILMENT_STATES = [
    ("quotation", "Quotation"),
    ("waiting_material", "Waiting for material"),
    ("in_production", "In production"),
    ("ready", "Ready to ship"),
    ("delivered", "Delivered"),
    ("cancelled", "Cancelled"),
]


class SaleOrder(models.Model):
    _inherit = "sale.order"

    mto_fulfilment_state = fields.Selection(
        FULFILMENT_STATES, string="Fulfilment", compute="_compute_mto_fulfilment_state",
        store=True, index=True, tracking=True,
        help="Where the order stands, from its production orders and deliveries.",
    )
    mto_production_count = fields.Integer(
        "Order production", compute="_compute_mto_production_count")

    @api.depends("state", "order_line.mto_production_ids.state",
                 "order_line.mto_production_ids.reservation_state", "picking_ids.state")
    def _compute_mto_fulfilment_state(self):
        for order in self:
            order.mto_fulfilment_state = order._mto_get_fulfilment_state()

    def _mto_get_fulfilment_state(self):
        self.ensure_one()
        if self.state == "cancel":
            return "cancelled"
        if self.state != "sale":
            return "quotation"
        outgoing = self.picking_ids.filtered(
            lambda p: p.picking_type_code == "outgoing" and p.state != "cancel")
        if outgoing and all(p.state == "done" for p in outgoing):
            return "delivered"
        productions = self.order_line.mto_production_ids.filtered(
            lambda p: p.state not in ("done", "cancel"))
        if productions:
            if any(p.state in ("progress", "to_close") or p.reservation_state == "assigned"
                   for p in productions):
                return "in_production"
            return "waiting_material"
        pending = self.picking_ids.filtered(lambda p: p.state not in ("done", "cancel"))
        if pending and all(p.state == "assigned" for p in pending):
            return "ready"
        if not pending:
            return "delivered" if outgoing else "ready"
        return "waiting_material"

    def _compute_mto_production_count(self):
        for order in self:
            order.mto_production_count = len(order.order_line.mto_production_ids)

    def action_view_mto_production(self):
        self.ensure_one()
        productions = self.order_line.mto_production_ids
        action = self.env["ir.actions.act_window"]._for_xml_id("mrp.mrp_production_action")
        action.update({
            "domain": [("id", "in", productions.ids)],
            "context": {"default_mto_sale_line_id": False, "search_default_groupby_mto_line": 0},
            "name": self.env._("Production of %s", self.name),
        })
        if len(productions) == 1:
            action.update({"view_mode": "form", "views": [(False, "form")],
                           "res_id": productions.id})
        return action

    def action_confirm(self):
        # Refuse before anything is written: a make-to-order line needs a BoM or a vendor.
        self.order_line.filtered(lambda sol: sol.product_id.type == "consu")._mto_check_can_make()
        return super().action_confirm()

    def _action_cancel(self):
        lines = self.filtered(lambda o: o.state == "sale").order_line
        res = super()._action_cancel()
        lines._mto_cancel_production()
        return res
