import logging
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

_logger = logging.getLogger(__name__)


class MrpProduction(models.Model):
    """Late work is re-planned where promises counted it, not run in front of promised work."""

    _inherit = "mrp.production"

    @api.model
    def _mto_cron_replan_late_work(self, limit=200):
        """Re-plan the planned, not started manufacturing orders whose booked start has come while
        their components are still missing (late purchase, late sub-assembly).

        Left as it is, such an order's slot passes unused, and when its components arrive its
        work orders are the earliest planned on the shop floor's list: they run first and push
        every order planned after them, promised ones included. A promise, though, counts late
        work in the first free working time (`mto.promise._work_beyond_bookings`). Re-planning
        makes the shop floor's plan the same: the order's work orders that can no longer keep
        their slot get the first free ones from when its components are expected (their forecast
        date; with no known date, from the same time the next day), or go ahead of work that can
        wait (`_mto_replan_from`), and the order lines
        planned on those work centers are re-promised as for any capacity taken. Orders whose
        components are there but whose work center is behind keep their place in the queue.
        Runs from an hourly cron; `limit` bounds one run.
        """
        now = fields.Datetime.now()
        productions = self.search([
            ("state", "=", "confirmed"), ("is_planned", "=", True), ("date_start", "<", now),
            ("reservation_state", "!=", "assigned"), ("workorder_ids", "!=", False),
        ], order="date_start, id", limit=limit)
        # in booked order: sub-assemblies are booked before the orders they feed, whose components
        # are then expected at the sub-assemblies' new finish
        for production in productions:
            if production.state != "confirmed" or production.workorder_ids.filtered(
                    lambda w: w.state in ("progress", "done")):
                continue
            missing = production.move_raw_ids.filtered(
                lambda m: m.state not in ("assigned", "done", "cancel"))
            if not missing:
                continue
            missing.invalidate_recordset(["forecast_expected_date", "forecast_availability"])
            expected = max((d for d in missing.mapped("forecast_expected_date") if d), default=None)
            # no news of them (nothing incoming, or what is incoming is overdue): not expected
            # within the hour. Planned from this time tomorrow, so that the slot it cannot use now
            # goes to work that can run, and looked at again then, not every hour
            start = expected if expected and expected > now else now + timedelta(days=1)
            try:
                with self.env.cr.savepoint():
                    production._mto_replan_from(start)
            except UserError as exc:
                _logger.warning("MTO: could not re-plan %s: %s", production.name, exc)
        return True

    def _mto_replan_from(self, start):
        """Book this order's open work orders again from `start`, in operation sequence.

        A work order whose booked slot still starts after `start` and after its predecessor's new
        end keeps it (its place in that work center's queue); the others are planned by Odoo
        (`mrp.workorder._plan_workorder`: the first free slot after the order's start and their
        predecessors, on their work center or an alternative, whichever ends first). Where that
        slot ends too late for the next booked slot that can still hold (or the order's finish),
        the work order goes ahead of work that can wait for it (`_mto_plan_ahead`): a late
        component costs the order the time it is late, not a place at the end of a long queue.
        """
        self.ensure_one()
        _logger.info("MTO: re-planning %s from %s (components missing at its booked start)", self.name, start)
        booked_end = self.date_finished
        # Odoo plans a work order from the order's start: the components' date
        self.with_context(force_date=True).date_start = start
        cursor = start
        todo = self.workorder_ids.filtered(lambda w: w.state in ("ready", "blocked")).sorted(
            lambda w: (w.operation_id.sequence, w.id))
        for index, workorder in enumerate(todo):
            leave = workorder.leave_id
            if not (leave and leave.date_from >= cursor):
                # done in time for the next booked slot that can still hold, or else the order's
                # booked finish
                holding = todo[index + 1:].leave_id.filtered(lambda le, c=cursor: le.date_from >= c)
                before = min(holding.mapped("date_from"), default=booked_end)
                leave.unlink()
                if not (before and workorder._mto_plan_ahead(cursor, before)):
                    workorder._plan_workorder()
            cursor = workorder.leave_id.date_to or cursor
        leaves = self.workorder_ids.filtered(lambda w: w.state not in ("done", "cancel")).leave_id
        if leaves:
            vals = {"date_start": min(leaves.mapped("date_from")), "date_finished": max(leaves.mapped("date_to"))}
            if self.mto_date_planned_finished:
                # the production reliability buffer measures the plant against its plan: this
                # order's lateness from here on, not the components' (the vendor buffer's part)
                vals["mto_date_planned_finished"] = vals["date_finished"]
            self.with_context(force_date=True).write(vals)
