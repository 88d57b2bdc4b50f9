from odoo import models


class MrpWorkcenter(models.Model):
    _inherit = "mrp.workcenter"

    def write(self, vals):
        res = super().write(vals)
        watched = {"resource_calendar_id", "time_efficiency", "time_start", "time_stop",
                   "alternative_workcenter_ids", "capacity_ids"}
        changed = watched & set(vals)
        if changed:
            for workcenter in self:
                cause = self.env._("%(wc)s: %(what)s changed", wc=workcenter.name, what=", ".join(
                    self._fields[f].get_description(self.env)["string"] for f in sorted(changed)))
                self.env["sale.order.line"]._mto_lines_for_workcenters(workcenter)._mto_enqueue_repromise(cause)
        return res
