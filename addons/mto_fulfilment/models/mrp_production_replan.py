import logging

from odoo import api, fields, models

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
        date), and the order lines planned on those work centers are re-promised as for any
        capacity taken. Orders whose components are there but whose work center is behind keep their place
        in the queue. Runs from an hourly cron; `limit` bounds one run.
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
            expected = [d for d in missing.mapped("forecast_expected_date") if d]
            start = max([now, *expected])
            production._mto_replan_from(start)
        return True

    def _mto_replan_from(self, start):
        """Book this order's open work orders again from `start`, in operation sequence.

        A work order whose booked slot still starts after `start` and after its predecessor's new
        end keeps it (its place in that work center's queue); the others get the first free slot
        from then on their work center or an alternative, whichever ends first (Odoo's planning
        search, `mrp.workcenter._get_first_available_slot`).
        """
        self.ensure_one()
        _logger.info("MTO: re-planning %s from %s (components missing at its booked start)", self.name, start)
        Leave = self.env["resource.calendar.leaves"]
        cursor = start
        for workorder in self.workorder_ids.filtered(lambda w: w.state in ("ready", "blocked")).sorted(
                lambda w: (w.operation_id.sequence, w.id)):
            if workorder.leave_id and workorder.leave_id.date_from >= cursor:
                cursor = workorder.leave_id.date_to
                continue
            best = None
            for workcenter in workorder.workcenter_id | workorder.workcenter_id.alternative_workcenter_ids:
                duration = workorder.duration_expected if workcenter == workorder.workcenter_id \
                    else workorder._get_duration_expected(alternative_workcenter=workcenter)
                date_from, date_to = workcenter._get_first_available_slot(
                    cursor, duration, leaves_to_ignore=workorder.leave_id)
                if date_from and (best is None or date_to < best[1]):
                    best = (date_from, date_to, workcenter, duration)
            if best is None:
                _logger.warning("MTO: no free slot to re-plan %s of %s", workorder.name, self.name)
                return
            date_from, date_to, workcenter, duration = best
            workorder.leave_id.unlink()
            leave = Leave.create({
                "name": workorder.display_name, "calendar_id": workcenter.resource_calendar_id.id,
                "date_from": date_from, "date_to": date_to, "resource_id": workcenter.resource_id.id,
                "time_type": "other",
            })
            vals = {"leave_id": leave.id}
            if workcenter != workorder.workcenter_id:
                vals.update(workcenter_id=workcenter.id, duration_expected=duration)
            workorder.write(vals)
            cursor = date_to
        leaves = self.workorder_ids.filtered(lambda w: w.state not in ("done", "cancel")).leave_id
        if leaves:
            vals = {"date_start": min(leaves.mapped("date_from")), "date_finished": max(leaves.mapped("date_to"))}
            if self.mto_date_planned_finished:
                # the production reliability buffer measures the plant against its plan: this
                # order's lateness from here on, not the components' (the vendor buffer's part)
                vals["mto_date_planned_finished"] = vals["date_finished"]
            self.with_context(force_date=True).write(vals)
