import logging

from odoo import models
from odoo.tools.misc import format_datetime

_logger = logging.getLogger(__name__)


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
        """A work order that will take longer re-promises its order and those planned after it there
        (whole minutes longer: what a planner sees, and a fraction of a minute moves no date)."""
        # booking the promise's own slots (on an alternative work center) is what was promised
        watch = "duration_expected" in vals and not self.env.context.get("mto_booking")
        before = {wo.id: wo.duration_expected for wo in self} if watch else {}
        res = super().write(vals)
        for workorder in self:
            if workorder.id in before and round(workorder.duration_expected) > round(before[workorder.id]) \
                    and workorder.production_id.mto_sale_line_id:
                cause = self.env._("%(wo)s on %(wc)s now takes %(new)s min instead of %(old)s",
                                   wo=workorder.display_name, wc=workorder.workcenter_id.name,
                                   new=round(workorder.duration_expected), old=round(before[workorder.id]))
                lines = self.env["sale.order.line"]._mto_lines_for_workcenters(
                    workorder.workcenter_id, workorder.date_start or None)
                (lines | workorder.production_id.mto_sale_line_id)._mto_enqueue_repromise(cause)
        return res

    def _mto_need_by(self):
        """When this booked work order must be done for its order's plan to hold: the booked
        start of the work orders waiting for it; for the last one, its own booked end."""
        self.ensure_one()
        starts = self.needed_by_workorder_ids.filtered(
            lambda w: w.state not in ("done", "cancel") and w.leave_id).mapped("leave_id.date_from")
        return min(starts) if starts else self.leave_id.date_to

    def _mto_plan_from(self, start):
        """Book this work order again in Odoo's first free slot from `start` (`_plan_workorder`:
        after its predecessors, on its work center or an alternative, whichever ends first), its
        own slot given up first. Odoo plans from the order's start: that moves to `start`, without
        unplanning the order's other work orders."""
        self.ensure_one()
        self.leave_id.unlink()
        production = self.production_id
        if production.date_start != start:
            production.with_context(force_date=True).date_start = start
        self._plan_workorder()

    def _mto_first_free_end(self, start):
        """End of the slot Odoo's `_plan_workorder` would give this work order, re-planned, from
        `start`: the first free one on its work center or an alternative, whichever ends first,
        its own booking not counted (None when none is free within Odoo's planning horizon)."""
        self.ensure_one()
        ends = []
        for workcenter in self.workcenter_id | self.workcenter_id.alternative_workcenter_ids:
            duration = self.duration_expected if workcenter == self.workcenter_id else \
                self._get_duration_expected(alternative_workcenter=workcenter)
            date_from, date_to = workcenter._get_first_available_slot(
                start, duration, leaves_to_ignore=self.leave_id)
            if date_from:   # else date_to is Odoo's message saying why not
                ends.append(date_to)
        return min(ends, default=None)

    def _mto_plan_ahead(self, start, before):
        """Book this work order on its work center from `start`, ahead of booked work that can
        wait, so that it ends before `before`; for when Odoo's first free slot would not
        (`_mto_first_free_end`, checked by the caller). Its own booking, if any, is not counted
        and gives way to the new one.

        Only work orders of other orders, not started, make way, each only as far as its slack
        goes: it must still end before the work orders waiting for it begin (`_mto_need_by`),
        so no order's booked finish, and no promise, moves; a last operation never moves. The
        ones in the way move right in their queue order; when that fails, one of them with room
        to spare gives its slot and takes the first free one after it. Returns whether it booked
        (nothing is written otherwise).
        """
        self.ensure_one()
        workcenter = self.workcenter_id
        movable = self.search([
            ("workcenter_id", "=", workcenter.id), ("id", "!=", self.id),
            ("production_id", "!=", self.production_id.id),
            ("state", "in", ("ready", "blocked")), ("time_ids", "=", False),
            ("leave_id", "!=", False), ("date_finished", ">", start), ("date_start", "<", before),
        ], order="date_start, id")
        moves = self._mto_push_aside(movable, start, before) or self._mto_swap(movable, start, before)
        if not moves:
            return False
        (date_from, date_to), moved = moves[0], moves[1:]
        _logger.info("MTO: %s booked %s-%s ahead of %s", self.display_name, date_from, date_to,
                     ", ".join(w.display_name for w, _f, _t in moved))
        for workorder, new_from, new_to in moved:
            # the same work in a later slot of its slack: no new capacity taken, nothing re-promised
            workorder.with_context(bypass_duration_calculation=True, mto_booking=True).write(
                {"date_start": new_from, "date_finished": new_to})
        # Odoo books it (`_set_dates` creates the slot): capacity taken, planned lines re-promised
        self.leave_id.unlink()
        self.with_context(bypass_duration_calculation=True).write({"date_start": date_from, "date_finished": date_to})
        self._mto_note_plan_ahead(moved)
        return True

    def _mto_note_plan_ahead(self, moved):
        """Say on the orders concerned why their plan changed: a planner sees a cron's re-plan in
        the order's chatter, not only in the server log."""
        self.ensure_one()
        production = self.production_id
        production.message_post(body=self.env._(
            "%(wo)s (components late) is planned on %(wc)s from %(start)s, ahead of %(others)s, "
            "which can wait: each still ends before its next operation.",
            wo=self.display_name, wc=self.workcenter_id.name, start=format_datetime(self.env, self.date_start),
            others=", ".join(w.display_name for w, _f, _t in moved)))
        for workorder, _f, _t in moved:
            workorder.production_id.message_post(body=self.env._(
                "%(wo)s now starts %(start)s to let %(late)s (components late) go ahead; its next "
                "operation keeps its slot.",
                wo=workorder.display_name, start=format_datetime(self.env, workorder.date_start),
                late=production.name))

    def _mto_push_aside(self, movable, start, before):
        """[(from, to) of this one, (work order, from, to) moved...]: `movable` right-shifted."""
        workcenter = self.workcenter_id
        if not movable:
            return None
        ignored = movable.leave_id | self.leave_id
        date_from, date_to = workcenter._get_first_available_slot(
            start, self.duration_expected, leaves_to_ignore=ignored)
        if not date_from or date_to > before:
            return None
        placed, moves = [(date_from, date_to)], [(date_from, date_to)]
        for workorder in movable:
            leave = workorder.leave_id
            ignored -= leave
            if not any(leave.date_from < end and begin < leave.date_to for begin, end in placed):
                continue   # not in the way: stays, and counts as booked for the ones after it
            new_from, new_to = workcenter._get_first_available_slot(
                leave.date_from, workorder.duration_expected, leaves_to_ignore=ignored | leave,
                extra_leaves_slots=placed)
            if not new_from or new_to > workorder._mto_need_by():
                return None
            placed.append((new_from, new_to))
            moves.append((workorder, new_from, new_to))
        return moves

    def _mto_swap(self, movable, start, before, tries=20):
        """[(from, to) of this one, (work order, from, to)]: the first of `movable` from `start`
        whose slot this one can take while it still ends in time in the first free slot after."""
        workcenter = self.workcenter_id
        for workorder in movable.filtered(lambda w: w.date_start >= start)[:tries]:
            leave = workorder.leave_id
            date_from, date_to = workcenter._get_first_available_slot(
                leave.date_from, self.duration_expected, leaves_to_ignore=leave | self.leave_id)
            if not date_from or date_to > before:
                continue
            new_from, new_to = workcenter._get_first_available_slot(
                leave.date_from, workorder.duration_expected, leaves_to_ignore=leave | self.leave_id,
                extra_leaves_slots=[(date_from, date_to)])
            if new_from and new_to <= workorder._mto_need_by():
                return [(date_from, date_to), (workorder, new_from, new_to)]
        return None
