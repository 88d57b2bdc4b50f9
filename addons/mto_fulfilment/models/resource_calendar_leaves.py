from odoo import api, models
from odoo.tools.misc import format_date

from .plant_time import plant_day


class ResourceCalendarLeaves(models.Model):
    """Time off on a work center (or its whole calendar, or a public holiday of the company)
    re-promises the order lines planned there; capacity booked outside the promise (a planner
    planning an MO by hand) does too. Time off (not booked slots) changed through the ORM makes
    this process compute the working time kept for promises again
    (`resource.calendar._mto_working_ahead`): a counter, no query."""

    _inherit = "resource.calendar.leaves"

    def _mto_affected_workcenters(self):
        workcenters = self.env["mrp.workcenter"].sudo()
        with_resource = self.filtered("resource_id")
        result = workcenters
        if with_resource:
            result = workcenters.search([("resource_id", "in", with_resource.resource_id.ids)])
        calendar_wide = (self - with_resource).filtered(lambda le: le.time_type == "leave")
        if calendar_wide.calendar_id:
            result |= workcenters.search([("resource_calendar_id", "in", calendar_wide.calendar_id.ids)])
        # no calendar either: a public holiday of the company, which every calendar of it keeps
        company_wide = calendar_wide.filtered(lambda le: not le.calendar_id)
        if company_wide:
            result |= workcenters.search([("company_id", "in", [*company_wide.company_id.ids, False])])
        return result

    def _mto_day(self, moment):
        """The day `moment` falls on where the leave applies, in the user's date format."""
        self.ensure_one()
        return format_date(self.env, plant_day(moment, self.company_id, self.calendar_id))

    def _mto_trigger(self, verb):
        if self.env.context.get("mto_booking"):
            return
        SaleLine = self.env["sale.order.line"]
        for leave in self:
            workcenters = leave._mto_affected_workcenters()
            if not workcenters:
                continue
            period = {"start": leave._mto_day(leave.date_from), "end": leave._mto_day(leave.date_to), "verb": verb}
            if leave.time_type == "other" and leave.resource_id:
                cause = self.env._("%(wc)s: capacity taken by %(what)s", wc=", ".join(workcenters.mapped("name")),
                                   what=leave.name or "")
            elif leave.resource_id:
                cause = self.env._("%(wc)s: time off %(start)s – %(end)s %(verb)s",
                                   wc=", ".join(workcenters.mapped("name")), **period)
            else:
                # a whole calendar or the whole company: named as the planner entered it (a public
                # holiday), not as the list of every work center that keeps it
                cause = self.env._("%(what)s (%(scope)s): time off %(start)s – %(end)s %(verb)s",
                                   what=leave.name or self.env._("Time off"),
                                   scope=leave.calendar_id.name or leave.company_id.name
                                   or self.env._("every company"), **period)
            lines = SaleLine._mto_lines_for_workcenters(workcenters, leave.date_from, None)
            # an order's work booked again for its new quantity takes no capacity from its own
            # line: the change re-promises it, with its own cause
            lines -= SaleLine.browse(self.env.context.get("mto_replanned_line"))
            lines._mto_enqueue_repromise(cause)

    @api.model_create_multi
    def create(self, vals_list):
        leaves = super().create(vals_list)
        if any(le.time_type == "leave" for le in leaves):
            self.env["resource.calendar"]._mto_forget_working_time()
        leaves._mto_trigger(self.env._("planned"))
        return leaves

    def write(self, vals):
        moved = {"date_from", "date_to", "resource_id", "calendar_id", "time_type", "company_id"} & set(vals)
        closed_before = moved and any(le.time_type == "leave" for le in self)
        res = super().write(vals)
        if moved and (closed_before or any(le.time_type == "leave" for le in self)):
            self.env["resource.calendar"]._mto_forget_working_time()
        if {"date_from", "date_to", "resource_id", "calendar_id", "time_type"} & set(vals):
            # a work order's own booking moving as it starts/finishes is not new capacity taken
            self.filtered(lambda le: le.time_type == "leave")._mto_trigger(self.env._("changed"))
        return res

    def unlink(self):
        # time off removed: lines may get back on time (the flag clears after the re-promise)
        self.filtered(lambda le: le.time_type == "leave")._mto_trigger(self.env._("removed"))
        closed = any(le.time_type == "leave" for le in self)
        res = super().unlink()
        if closed:
            self.env["resource.calendar"]._mto_forget_working_time()
        return res
