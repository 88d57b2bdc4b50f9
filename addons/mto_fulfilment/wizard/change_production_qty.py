from odoo import models


class ChangeProductionQty(models.TransientModel):
    _inherit = "change.production.qty"

    def change_prod_qty(self):
        """A planned order made for an order line is booked again for its new quantity
        (`mrp.production._mto_replan_resized`): Odoo changes how long its work orders take but
        keeps the slots booked for them. Odoo grows a line's production through this wizard on a
        quantity increase (`stock.rule._run_manufacture`), a decrease shrinks it here
        (`mrp.production._mto_set_quantity`), and so may a planner."""
        productions = self.mo_id.filtered(
            lambda p: p.mto_sale_line_id and p.is_planned and p.state in ("confirmed", "progress", "to_close"))
        durations = {workorder.id: workorder.duration_expected for workorder in productions.workorder_ids}
        res = super().change_prod_qty()
        # booking is the plant's side of the change: a salesperson changing the order need not be a planner
        productions.sudo()._mto_replan_resized(durations)
        return res
