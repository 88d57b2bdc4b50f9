from odoo import api, fields, models
from odoo.exceptions import AccessError

from .mto_cost_line import COST_GROUPS


class SaleOrder(models.Model):
    _inherit = "sale.order"

    mto_cost_currency_id = fields.Many2one(
        related="company_id.currency_id", string="Cost currency", groups=COST_GROUPS)
    mto_planned_cost = fields.Monetary(
        "Planned cost", currency_field="mto_cost_currency_id", compute="_compute_mto_costs", store=True,
        groups=COST_GROUPS)
    mto_actual_cost = fields.Monetary(
        "Actual cost", currency_field="mto_cost_currency_id", compute="_compute_mto_costs", store=True,
        groups=COST_GROUPS)
    mto_cost_variance = fields.Monetary(
        "Cost variance", currency_field="mto_cost_currency_id", compute="_compute_mto_costs", store=True,
        groups=COST_GROUPS, help="Actual minus planned cost of the make-to-order lines (positive = over plan).")
    mto_price_variance = fields.Monetary(
        "Price variance", currency_field="mto_cost_currency_id", compute="_compute_mto_costs", store=True,
        groups=COST_GROUPS)
    mto_usage_variance = fields.Monetary(
        "Usage variance", currency_field="mto_cost_currency_id", compute="_compute_mto_costs", store=True,
        groups=COST_GROUPS)
    mto_efficiency_variance = fields.Monetary(
        "Efficiency variance", currency_field="mto_cost_currency_id", compute="_compute_mto_costs",
        store=True, groups=COST_GROUPS)
    mto_scrap_variance = fields.Monetary(
        "Scrap variance", currency_field="mto_cost_currency_id", compute="_compute_mto_costs", store=True,
        groups=COST_GROUPS)
    mto_margin = fields.Monetary(
        "MTO margin", currency_field="mto_cost_currency_id", compute="_compute_mto_margin", compute_sudo=True,
        groups=COST_GROUPS, help="Sum of the make-to-order lines' margins (company currency).")
    mto_cost_line_count = fields.Integer(compute="_compute_mto_cost_line_count", groups=COST_GROUPS)

    @api.depends("order_line.mto_planned_cost", "order_line.mto_actual_cost", "order_line.mto_cost_variance",
                 "order_line.mto_price_variance", "order_line.mto_usage_variance",
                 "order_line.mto_efficiency_variance", "order_line.mto_scrap_variance")
    def _compute_mto_costs(self):
        fnames = ("mto_planned_cost", "mto_actual_cost", "mto_cost_variance", "mto_price_variance",
                  "mto_usage_variance", "mto_efficiency_variance", "mto_scrap_variance")
        for order in self:
            lines = order.sudo().order_line
            for fname in fnames:
                order[fname] = sum(lines.mapped(fname))

    @api.depends("order_line.mto_margin")
    def _compute_mto_margin(self):
        for order in self:
            order.mto_margin = sum(order.order_line.mapped("mto_margin"))

    def _compute_mto_cost_line_count(self):
        counts = dict(self.env["mto.cost.line"]._read_group(
            [("order_id", "in", self.ids)], ["order_id"], ["__count"]))
        for order in self:
            order.mto_cost_line_count = counts.get(order, 0)

    def action_confirm(self):
        to_plan = self.filtered(lambda o: o.state in ("draft", "sent"))
        res = super().action_confirm()
        # freeze the planned cost of the make-to-order lines now that their production exists
        to_plan.filtered(lambda o: o.state == "sale").order_line._mto_freeze_planned_cost()
        return res

    # ----------------------------------------------------------------- actions
    def _mto_check_cost_access(self):
        if not self.env.su and not self.env.user.has_groups(COST_GROUPS):
            raise AccessError(self.env._("Only manufacturing managers and accountants can see order costs."))

    def action_mto_update_actual_cost(self):
        """Recompute the actual cost, variances and margin of the orders' make-to-order lines now."""
        self._mto_check_cost_access()
        self.check_access("read")
        self.order_line._mto_compute_actual_cost()
        return True

    def _mto_cost_sheet_action(self, sale_lines=None):
        self._mto_check_cost_access()
        action = self.env["ir.actions.act_window"]._for_xml_id("mto_costing.mto_cost_line_action")
        domain = [("order_id", "in", self.ids)]
        if sale_lines:
            domain = [("sale_line_id", "in", sale_lines.ids)]
        action.update({
            "domain": domain,
            "name": self.env._("Cost sheet of %s", ", ".join(self.mapped("name"))),
            "context": {"search_default_group_line": 1, "pivot_row_groupby": ["sale_line_id", "category"]},
            "view_mode": "list,pivot,graph",
            "views": [(self.env.ref("mto_costing.mto_cost_line_view_list_sheet").id, "list"),
                      (False, "pivot"), (False, "graph")],
        })
        return action

    def action_mto_cost_sheet(self):
        return self._mto_cost_sheet_action()

    def action_mto_print_cost_sheet(self):
        self._mto_check_cost_access()
        self.check_access("read")  # the report action reads nothing: refuse other companies' orders here
        return self.env.ref("mto_costing.action_report_mto_cost_sheet").report_action(self)
