"""Work centers' working time ahead, computed once a day per calendar.

Why: every promise needs the working intervals of its work centers over the planning horizon
(a year by default). Odoo's ``_work_intervals_batch`` took a third of a promise's time to give
them, yet they change only when working hours or time off do. They are kept in this process,
a few entries per calendar, under a key that holds the row versions of the calendar, its
attendances and its time off as this transaction sees them (any transaction's change is a new
key, in every worker) and a counter of the changes made through this process's ORM (a second
change to the same row in one transaction keeps its row version).
"""
from datetime import datetime, time, timedelta

import pytz

from odoo import api, models
from odoo.tools import SQL
from odoo.tools.lru import LRU

from ..planning import clip_intervals

# (database, calendar, resources, day, days, revision, generation): ((resource id, intervals), ...)
# About a megabyte per entry on a plant of ten work centers over a year; old days and revisions
# are never asked again and leave as new ones come.
_KEPT = LRU(32)
# database: changes to working hours or time off made through this process (any transaction)
_GENERATION = {}


def naive_utc(value):
    """The aware `value` as naive UTC (the same as astimezone(utc) made naive, twice as fast:
    a year of working intervals per work center is converted)."""
    return value.replace(tzinfo=None) - value.utcoffset()


class ResourceCalendar(models.Model):
    _inherit = "resource.calendar"

    @api.model
    def _mto_working_ahead(self, workcenters, now, days):
        """{work center id: [(from, to)]} naive UTC working time of `workcenters` (each with a
        calendar) from the naive UTC `now` for `days` days, time off deducted."""
        workcenters = workcenters.sudo()
        end = now + timedelta(days=days)
        # flexible hours are spread from the first day asked: not the same from midnight
        flexible = workcenters.filtered(lambda w: w.resource_calendar_id.flexible_hours)
        working = self._mto_working_between(flexible, now, end)
        fixed = workcenters - flexible
        if not fixed:
            return working
        calendars = fixed.resource_calendar_id
        # all work centers of these calendars: one entry per calendar a day, whatever is promised
        peers = fixed | self.env["mrp.workcenter"].sudo().search([("resource_calendar_id", "in", calendars.ids)])
        revision = self._mto_working_revision(calendars, peers.resource_id, now)
        for calendar in calendars:
            members = peers.filtered(lambda w, c=calendar: w.resource_calendar_id == c)
            # public holidays close the work centers of their company only
            resources = tuple(sorted({(w.resource_id.id, w.resource_id.company_id.id) for w in members}))
            key = (self.env.cr.dbname, calendar.id, resources, now.date(), days + 1, revision,
                   _GENERATION.get(self.env.cr.dbname, 0))
            kept = _KEPT.get(key)
            if kept is None:
                kept = _KEPT[key] = self._mto_working_from(calendar.id, resources, now.date(), days + 1)
            ahead = dict(kept)
            for workcenter in fixed & members:
                working[workcenter.id] = clip_intervals(ahead[workcenter.resource_id.id], now, end)
        return working

    @api.model
    def _mto_working_between(self, workcenters, start, end):
        """{work center id: [(from, to)]} naive UTC working time between the naive UTC `start`
        and `end`, one `_work_intervals_batch` per calendar (time off deducted)."""
        working = {}
        start, end = pytz.utc.localize(start), pytz.utc.localize(end)
        for calendar in workcenters.resource_calendar_id:
            members = workcenters.filtered(lambda w, c=calendar: w.resource_calendar_id == c)
            intervals = calendar._work_intervals_batch(
                start, end, resources=members.resource_id, tz=pytz.timezone(calendar.tz or "UTC"))
            for workcenter in members:
                working[workcenter.id] = [
                    (naive_utc(s), naive_utc(e)) for s, e, _r in intervals[workcenter.resource_id.id]]
        return working

    @api.model
    def _mto_working_from(self, calendar_id, resources, day, days):
        """((resource id, ((from, to), ...)), ...): naive UTC working time of `resources` ((id,
        company id) pairs) on the calendar for `days` days from `day` 00:00 UTC."""
        calendar = self.sudo().browse(calendar_id)
        start = pytz.utc.localize(datetime.combine(day, time.min))
        records = calendar.env["resource.resource"].browse([resource_id for resource_id, _c in resources])
        intervals = calendar._work_intervals_batch(
            start, start + timedelta(days=days), resources=records, tz=pytz.timezone(calendar.tz or "UTC"))
        return tuple(
            (resource_id, tuple((naive_utc(s), naive_utc(e)) for s, e, _r in intervals[resource_id]))
            for resource_id, _c in resources)

    @api.model
    def _mto_working_revision(self, calendars, resources, now):
        """A digest of the row versions (id, xmin) of `calendars`, their attendances and the
        time off that can close `resources` from `now`, as this transaction sees them. One query."""
        for model in ("resource.calendar", "resource.calendar.attendance", "resource.calendar.leaves"):
            self.env[model].flush_model()
        self.env.cr.execute(SQL(
            """SELECT md5(concat_ws('|',
                   (SELECT string_agg(id::text || ':' || xmin::text, ',' ORDER BY id)
                      FROM resource_calendar WHERE id IN %(calendars)s),
                   (SELECT string_agg(id::text || ':' || xmin::text, ',' ORDER BY id)
                      FROM resource_calendar_attendance WHERE calendar_id IN %(calendars)s),
                   (SELECT string_agg(id::text || ':' || xmin::text, ',' ORDER BY id)
                      FROM resource_calendar_leaves
                     WHERE time_type = 'leave' AND date_to > %(now)s
                       AND (calendar_id IS NULL OR calendar_id IN %(calendars)s)
                       AND (resource_id IS NULL OR resource_id IN %(resources)s))))""",
            calendars=tuple(calendars.ids), resources=tuple(resources.ids) or (None,), now=now))
        return self.env.cr.fetchone()[0]

    def _mto_forget_working_time(self):
        """Working hours or time off changed through the ORM: what this process kept is not
        used again (another process sees the new row versions once this transaction commits)."""
        dbname = self.env.cr.dbname
        _GENERATION[dbname] = _GENERATION.get(dbname, 0) + 1

    def write(self, vals):
        res = super().write(vals)
        self._mto_forget_working_time()
        return res

    def unlink(self):
        res = super().unlink()
        self.env["resource.calendar"]._mto_forget_working_time()
        return res
