from odoo import api, models


class ResourceCalendarAttendance(models.Model):
    """Working hours changed: the working time kept for promises is computed again."""

    _inherit = "resource.calendar.attendance"

    @api.model_create_multi
    def create(self, vals_list):
        attendances = super().create(vals_list)
        self.env["resource.calendar"]._mto_forget_working_time()
        return attendances

    def write(self, vals):
        res = super().write(vals)
        self.env["resource.calendar"]._mto_forget_working_time()
        return res

    def unlink(self):
        res = super().unlink()
        self.env["resource.calendar"]._mto_forget_working_time()
        return res
