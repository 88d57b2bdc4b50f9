from odoo import models


class MrpWorkorder(models.Model):
    _inherit = "mrp.workorder"

    def button_start(self, raise_on_invalid_state=False):
        """Starting a planned production keeps the slots booked for its other work orders.

        Odoo moves the production's start to now when its first work order starts, and a moved
        start unplans a planned production: every other work order would lose its booked slot
        (the capacity its order's promise counted on, now free for anybody else to book, and the
        work off the planning). The start moves without that side effect.
        """
        planned = self.filtered(lambda wo: wo.production_id.is_planned)
        res = None
        if planned:
            res = super(MrpWorkorder, planned.with_context(force_date=True)).button_start(
                raise_on_invalid_state=raise_on_invalid_state)
        if self - planned:
            res = super(MrpWorkorder, self - planned).button_start(
                raise_on_invalid_state=raise_on_invalid_state) or res
        return res

    def write(self, vals):
        """A work order that will take longer re-promises its order and those planned after it there."""
        # booking the promise's own slots (on an alternative work center) is what was promised
        watch = "duration_expected" in vals and not self.env.context.get("mto_booking")
        before = {wo.id: wo.duration_expected for wo in self} if watch else {}
        res = super().write(vals)
        for workorder in self:
            if workorder.id in before and workorder.duration_expected > before[workorder.id] + 1e-6 \
                    and workorder.production_id.mto_sale_line_id:
                cause = self.env._("%(wo)s on %(wc)s now takes %(new)s min instead of %(old)s",
                                   wo=workorder.display_name, wc=workorder.workcenter_id.name,
                                   new=round(workorder.duration_expected), old=round(before[workorder.id]))
                lines = self.env["sale.order.line"]._mto_lines_for_workcenters(
                    workorder.workcenter_id, workorder.date_start or None)
                (lines | workorder.production_id.mto_sale_line_id)._mto_enqueue_repromise(cause)
        return res
