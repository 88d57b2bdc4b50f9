import logging
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import html2plaintext
from odoo.tools.misc import format_datetime

_logger = logging.getLogger(__name__)


class MrpProduction(models.Model):
    """Work whose components are late is re-planned where it can still be in time, or keeps its
    place; work whose order changed quantity is booked again for its new duration."""

    _inherit = "mrp.production"

    @api.model
    def _mto_cron_replan_late_work(self, limit=200):
        """Re-plan the planned, not started manufacturing orders whose booked start has come while
        their components are still missing (late purchase, late sub-assembly).

        From when the components are expected (their forecast date; with no known date, the same
        time the next day), the order's work orders that can no longer keep their slot take the
        first free one where it is still in time for the order's next booked slot, or go ahead of
        work that can wait (`_mto_replan_from`; the order lines planned on those work centers are
        re-promised as for any capacity taken). Where neither is possible they keep their passed
        slot: the shop floor runs them first when the components come, as it would run any
        overdue work, and the orders booked after them (promised later, with their buffers)
        absorb a delay of the late work's duration, instead of the late order losing the weeks
        of a bottleneck's queue. The order's start moves to the components' date, so the cron
        looks at it again only then. Orders whose components are there but whose work center is
        behind keep their place in the queue. Runs from an hourly cron; `limit` bounds one run.
        """
        now = fields.Datetime.now()
        productions = self.search([
            ("state", "=", "confirmed"), ("is_planned", "=", True), ("date_start", "<", now),
            ("reservation_state", "!=", "assigned"), ("workorder_ids", "!=", False),
        ], order="date_start, id", limit=limit)
        # it books slots as confirmations do: in the company's turn, or in the next run
        turns = self.env["sale.order"]._mto_try_turn(productions.company_id.ids)
        productions = productions.filtered(lambda p: p.company_id.id in turns)
        if not productions:
            return True
        # in booked order: sub-assemblies are booked before the orders they feed, whose components
        # are then expected at the sub-assemblies' new finish. All in one savepoint (each one
        # flushes, and every move date written recomputes the products' reordering rules); when
        # Odoo cannot plan one of them, again each in its own, so that the others still are
        try:
            with self.env.cr.savepoint():
                for production in productions:
                    production._mto_replan_late(now)
        except UserError:
            for production in productions:
                try:
                    with self.env.cr.savepoint():
                        production._mto_replan_late(now)
                except UserError as exc:
                    _logger.warning("MTO: could not re-plan %s: %s", production.name, exc)
        return True

    def _mto_replan_late(self, now):
        """Re-plan this order from when its missing components are expected, if it still waits
        for some and has not started (see `_mto_cron_replan_late_work`)."""
        self.ensure_one()
        if self.state != "confirmed" or self.workorder_ids.filtered(lambda w: w.state in ("progress", "done")):
            return
        missing = self.move_raw_ids.filtered(lambda m: m.state not in ("assigned", "done", "cancel"))
        if not missing:
            return
        missing.invalidate_recordset(["forecast_expected_date", "forecast_availability"])
        expected = max((d for d in missing.mapped("forecast_expected_date") if d), default=None)
        # no news of them (nothing incoming, or what is incoming is overdue): not expected
        # within the hour. Planned from this time tomorrow, so that the slot it cannot use now
        # goes to work that can run, and looked at again then, not every hour
        known = bool(expected and expected > now)
        self._mto_replan_from(expected if known else now + timedelta(days=1), expected=known)

    def _mto_replan_from(self, start, expected=True):
        """Book this order's open work orders again from `start`, in operation sequence (each
        after the work orders it is blocked by, `_mto_dependency_order`).

        A work order whose booked slot still starts after `start` and after its predecessor's new
        end keeps it (its place in that work center's queue). The others take Odoo's first free
        slot (`mrp.workorder._plan_workorder`: after the order's start and their predecessors, on
        their work center or an alternative, whichever ends first) when it ends in time for the
        next booked slot that can still hold (or the order's booked finish). Otherwise they go
        ahead of work that can wait for them (`_mto_plan_ahead`), and where nobody in the way
        has slack they keep their passed slot: they are the overdue work the shop floor runs
        first when the components come, ahead of work booked after them (whose orders were
        promised later), instead of going to the end of a queue weeks long. The order's start
        is then its components' date (the cron looks at it again only after that), its finish
        that date plus the kept work. `expected`: whether `start` is when the components are
        expected (else no arrival is known and `start` is only when to look again).
        """
        self.ensure_one()
        _logger.info("MTO: re-planning %s from %s (components missing at its booked start)", self.name, start)
        booked_end = self.date_finished
        cursor, kept_names = start, []
        # the work orders' own order: a kit's operations (`mto.promise._production_operations`)
        # may share their sequence with the order's own, Odoo numbers them first then
        todo = self._mto_dependency_order(self.workorder_ids.filtered(lambda w: w.state in ("ready", "blocked")))
        for index, workorder in enumerate(todo):
            leave = workorder.leave_id
            if leave and leave.date_from >= cursor:
                cursor = leave.date_to
                continue
            # done in time for the next booked slot that can still hold, or else the order's
            # booked finish
            holding = todo[index + 1:].leave_id.filtered(lambda le, c=cursor: le.date_from >= c)
            before = min(holding.mapped("date_from"), default=booked_end)
            # its own passed slot is not counted in the searches: it is what may give way
            first_free = workorder._mto_first_free_end(cursor)
            too_late = before and first_free and first_free > before
            # ahead of others it would still end after `before` when that has passed
            booked_ahead = too_late and before > cursor and workorder._mto_plan_ahead(cursor, before)
            if too_late and not booked_ahead and leave:
                # keeps its slot as it is: no capacity taken, nothing re-promised, nothing written
                cursor += leave.date_to - leave.date_from
                kept_names.append(workorder.display_name)
                continue
            if not booked_ahead:
                workorder._mto_plan_from(cursor)
            cursor = workorder.leave_id.date_to or cursor
        leaves = self.workorder_ids.filtered(lambda w: w.state not in ("done", "cancel")).leave_id
        if leaves:
            # the reliability buffer then measures this order's lateness from here on, not the
            # components' (the vendor buffer's part)
            self._mto_write_booked_dates(max(start, min(leaves.mapped("date_from"))),
                                         max(cursor, max(leaves.mapped("date_to"))))
        if kept_names:
            self._mto_note_kept(kept_names, start if expected else None)

    def _mto_replan_resized(self, durations):
        """Book again the open work of these planned orders after their quantity changed
        (`change.production.qty`). Odoo changes how long their work orders take, not the slots
        booked for them, and the promise counts booked slots as the capacity taken: the extra
        hours of a grown order would be promised to the next quotation (the hours a shrunk one
        no longer needs, to nobody).

        In operation sequence (dependencies first), a work order not started whose expected duration changed (in
        whole minutes, against `durations`: {work order id: minutes before}), or whose
        booked start is now before its predecessors' end or the booked end of its order's
        sub-assembly orders, takes Odoo's first free slot from the latest of those
        (`mrp.workorder._mto_plan_from`): never earlier than it was booked, so a shrunk one keeps
        its start. Started and done work orders keep their slots. A sub-assembly order grows
        inside its parent's change (the parent's component moves grow), so it is booked before
        the parent waits for it. The order's booked dates follow. The lines planned on those
        work centers are re-promised as for any capacity taken, but for the order's own line:
        the quantity change re-promises it, with its own cause.
        """
        if self:
            # it books slots: in the company's turn, as confirmations
            self.env["sale.order"]._mto_take_turn(self.company_id.ids)
        for production in self:
            open_workorders = production.workorder_ids.filtered(lambda w: w.state not in ("done", "cancel"))
            todo = self._mto_dependency_order(open_workorders.filtered(
                lambda w: w.state in ("ready", "blocked") and not w.time_ids and w.leave_id))
            if not todo:
                continue
            started = any(w.state in ("progress", "done") or w.time_ids for w in production.workorder_ids)
            booked_start = production.date_start
            children = production._get_children().filtered(lambda p: p.state not in ("done", "cancel"))
            floor = max(children.workorder_ids.filtered(lambda w: w.state not in ("done", "cancel"))
                        .leave_id.mapped("date_to"), default=None)
            replanned = False
            for workorder in todo:
                before = workorder.blocked_by_workorder_ids.filtered(lambda w: w.state != "cancel")
                start = max(d for d in (workorder.date_start, floor, *before.mapped("date_finished")) if d)
                old = durations.get(workorder.id, workorder.duration_expected)
                if start == workorder.date_start and round(workorder.duration_expected) == round(old):
                    continue
                workorder.with_context(mto_replanned_line=production.mto_sale_line_id.id)._mto_plan_from(start)
                replanned = True
            if replanned:
                leaves = open_workorders.leave_id
                production._mto_write_booked_dates(
                    booked_start if started else min(leaves.mapped("date_from")), max(leaves.mapped("date_to")))

    @api.model
    def _mto_dependency_order(self, workorders):
        """`workorders` in their own order (sequence, id), each after those of them it is blocked
        by: with operation dependencies a work order may wait for one of a later sequence, and a
        re-plan that booked it first would put it before the work it waits for (as the promise
        plans them, `planning.operation_order`). Blocked in a loop: the rest by sequence."""
        ordered = workorders.sorted(lambda w: (w.sequence, w.id))
        ids = set(ordered.ids)
        waits = {w.id: set(w.blocked_by_workorder_ids.ids) & ids for w in ordered}
        pending, result = list(ordered.ids), []
        while pending:
            ready = next((i for i in pending if not waits[i] - set(result)), pending[0])
            pending.remove(ready)
            result.append(ready)
        return workorders.browse(result)

    def _split_productions(self, amounts=False, cancel_remaining_qty=False, set_consumed_qty=False):
        """Book the work of the backorders split off order-linked productions (backorder wizard,
        split wizard): Odoo creates their work orders unplanned, and work without a booked slot
        is capacity a promise would hand to the next quotation."""
        productions = super()._split_productions(
            amounts=amounts, cancel_remaining_qty=cancel_remaining_qty, set_consumed_qty=set_consumed_qty)
        (productions - self).filtered("mto_sale_line_id")._mto_book_split()
        return productions

    def _mto_book_split(self):
        """Book these new backorders' work orders not started in Odoo's first free slots from now
        (`mrp.workorder._mto_plan_from`, in operation sequence, after their predecessors), and
        their start and finish with them: the finish is the one the reliability buffer measures
        them against. The booking is the plant's side of the split: the operator recording the
        production need not be a planner. It takes free time only, so nobody else's promise moves."""
        if self:
            self.env["sale.order"]._mto_take_turn(self.company_id.ids)  # it books slots, as confirmations
        now = fields.Datetime.now()
        for production in self.sudo().with_context(mto_booking=True):
            if production.state != "confirmed":
                continue
            todo = production.workorder_ids.filtered(
                lambda w: w.state in ("ready", "blocked") and not w.leave_id and not w.time_ids).sorted(
                lambda w: (w.sequence, w.id))
            for workorder in todo:
                if not workorder.leave_id:  # a predecessor's booking may have booked it already
                    workorder._mto_plan_from(now)
            leaves = production.workorder_ids.filtered(lambda w: w.state not in ("done", "cancel")).leave_id
            if leaves:
                finish = max(leaves.mapped("date_to"))
                production.with_context(force_date=True).write({
                    "date_start": min(leaves.mapped("date_from")), "date_finished": finish,
                    "mto_date_planned_finished": finish})

    def _mto_write_booked_dates(self, date_start, date_finished):
        """Write this re-planned order's booked start and finish, only what changed: a
        production's dates are written through to its moves, and every move date written
        recomputes the stored forecasts of the products' reordering rules. The finish booked at
        confirmation follows: the production reliability buffer measures the plant against its
        plan, not against a plan the order no longer has."""
        self.ensure_one()
        vals = {"date_start": date_start, "date_finished": date_finished}
        if self.mto_date_planned_finished:
            vals["mto_date_planned_finished"] = date_finished
        vals = {name: value for name, value in vals.items() if self[name] != value}
        if vals:
            self.with_context(force_date=True).write(vals)

    def _mto_note_kept(self, kept_names, expected):
        """Say in the order's chatter that its late work keeps its place, unless its last message
        already says so: the cron looks at an order whose components have no known arrival
        again every day, and a planner wants to read the news, not the same note each day."""
        if expected:
            body = self.env._(
                "Components late (expected %(date)s): %(wos)s keep their place and run first when they "
                "come; the work centers have no free slot in time and nobody in the way can wait.",
                date=format_datetime(self.env, expected), wos=", ".join(kept_names))
        else:
            body = self.env._(
                "Components late, no arrival date known yet: %(wos)s keep their place and run first "
                "when they come; the work centers have no free slot in time and nobody in the way "
                "can wait.", wos=", ".join(kept_names))
        last = self.env["mail.message"].search(
            [("model", "=", self._name), ("res_id", "=", self.id)], order="id desc", limit=1)
        if html2plaintext(last.body or "").strip() != body:
            self.message_post(body=body)
