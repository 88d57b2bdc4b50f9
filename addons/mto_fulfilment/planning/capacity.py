"""Operation durations and finite-capacity slot search across work centers.

Why: a promise is only honest if the work orders it implies fit between the work already
planned; this module finds those slots (with alternative work centers) and keeps the ones
taken during a promise run in working copies of each work center's timeline.
"""
# pylint: disable=prefer-env-translation,translation-not-lazy  # planning has no env: its _ uses the translator the ORM layer installs (i18n.py)

import math
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from .errors import PlanningError, PlanningInputError
from .i18n import _
from .intervals import Interval, WorkTimeline, merge_intervals
from .journal import Journal
from .snapshot import Operation, Workcenter


def operation_minutes(
    op: Operation, workcenter: Workcenter, product_id: int, qty: float, bom_qty: float
) -> float:
    """Expected minutes of ``op`` on ``workcenter`` for ``qty`` of ``product_id``.

    Same rule as the manufacturing app: setup + cleanup + cycles * cycle time scaled by the
    work center efficiency, where cycles = ceil(qty / capacity); the capacity is the work
    center's row for the product, else its row for any product (key ``None``), else the BoM
    output quantity.
    """
    efficiency = workcenter.time_efficiency
    if efficiency is None or efficiency <= 0:
        raise PlanningInputError(
            _("Work center %(wc)s has an efficiency of %(eff)s%%; it must be positive.")
            % {"wc": workcenter.name, "eff": efficiency}
        )
    default = (bom_qty or 1.0, workcenter.time_start, workcenter.time_stop)
    capacity, setup, cleanup = workcenter.capacities.get(
        product_id, workcenter.capacities.get(None, default))
    if not capacity or capacity <= 0:
        capacity = bom_qty or 1.0
    cycles = max(math.ceil(qty / capacity - 1e-9), 0)
    return (setup or 0.0) + (cleanup or 0.0) + cycles * op.time_cycle * 100.0 / efficiency


# longer than any planning horizon, yet far from the limits of Python's dates
MAX_DURATION = timedelta(days=365 * 1000)


def minutes_to_timedelta(minutes: float) -> timedelta:
    """Whole seconds, rounded up, so booked slots never fall short once stored by the ORM.

    At most ``MAX_DURATION``: an operation that long (an absurd quantity) fits in no horizon
    and is reported so, instead of overflowing ``timedelta``.
    """
    seconds = minutes * 60.0
    if not seconds < MAX_DURATION.total_seconds():  # also infinity and NaN
        return MAX_DURATION
    return timedelta(seconds=max(math.ceil(seconds - 1e-6), 0))


@dataclass(frozen=True)
class Slot:
    """A candidate placement of one operation; ``wait`` is the delay caused by booked load."""

    workcenter_id: int
    start: datetime
    end: datetime
    wait: timedelta


class CapacityBoard:
    """Per-promise-run working copies of the work center timelines.

    Timelines are built lazily from the snapshot (which is never modified) and every
    reservation is journaled so a discarded alternative or a failed line can be undone.
    """

    def __init__(
        self, workcenters: dict[int, Workcenter], horizon_end: datetime, journal: Journal
    ) -> None:
        self._workcenters = workcenters
        self._horizon_end = horizon_end
        self._journal = journal
        self._timelines: dict[int, WorkTimeline] = {}
        self._booked_index: dict[int, tuple] = {}

    def workcenter(self, wc_id: int) -> Workcenter:
        try:
            return self._workcenters[wc_id]
        except KeyError:
            raise PlanningInputError(
                _("Unknown work center id %(id)s in the snapshot.") % {"id": wc_id}
            ) from None

    def timeline(self, wc_id: int) -> WorkTimeline:
        line = self._timelines.get(wc_id)
        if line is None:
            wc = self.workcenter(wc_id)
            line = self._timelines[wc_id] = WorkTimeline(wc.working, wc.booked)
        return line

    def candidates(self, op: Operation) -> list[int]:
        """Primary work center first, then its known alternatives (unknown ids are skipped)."""
        primary = self.workcenter(op.workcenter_id)
        ids = [primary.id]
        for alt in primary.alternative_ids:
            if alt in self._workcenters and alt not in ids:
                ids.append(alt)
        return ids

    def best_slot(
        self,
        op: Operation,
        product_id: int,
        qty: float,
        bom_qty: float,
        earliest: datetime,
        product_name: str = "",
    ) -> Slot:
        """Slot that finishes first among the operation's work centers.

        Ties go to the primary work center, then to the lowest id.
        """
        best: tuple | None = None
        for rank, wc_id in enumerate(self.candidates(op)):
            wc = self._workcenters[wc_id]
            duration = minutes_to_timedelta(operation_minutes(op, wc, product_id, qty, bom_qty))
            found = self.timeline(wc_id).first_slot(earliest, duration)
            if found is None or found[0] > self._horizon_end:
                continue
            start, end, wait = found
            key = (end, 0 if rank == 0 else 1, wc_id)
            if best is None or key < best[0]:
                best = (key, Slot(wc_id, start, end, wait))
        if best is None:
            raise PlanningError(
                _(
                    "No free capacity on %(wc)s or its alternatives for operation %(op)s of "
                    "%(product)s before %(horizon)s."
                )
                % {
                    "wc": self._workcenters[op.workcenter_id].name,
                    "op": op.name,
                    "product": product_name or product_id,
                    "horizon": self._horizon_end.strftime("%Y-%m-%d"),
                }
            )
        return best[1]

    def time_off_before(self, slot: Slot, earliest: datetime) -> tuple[datetime, timedelta] | None:
        """The work center's time off that kept ``slot`` from starting at ``earliest`` (before the
        bookings pushed it): when the last such time off ends, and how long they overlap
        ``[earliest, start)``; ``None`` when no time off did."""
        until = slot.start - slot.wait
        ended, overlap = None, timedelta(0)
        for begin, end in self._workcenters[slot.workcenter_id].closed:
            if begin >= until:
                break
            if end > earliest:
                overlap += min(end, until) - max(begin, earliest)
                ended = end
        return (ended, overlap) if ended is not None and overlap > timedelta(0) else None

    def release(self, wc_id: int, intervals: list[Interval]) -> None:
        """Give back booked ``intervals`` of ``wc_id`` (a line's own work orders, journaled).

        Other bookings overlapping them stay booked; unknown work centers are ignored.
        """
        wc = self._workcenters.get(wc_id)
        if wc is None or not intervals:
            return
        line = self.timeline(wc_id)
        starts, booked, longest = self._sorted_booked(wc_id)
        mine = Counter(intervals)
        for start, end in merge_intervals(intervals):
            # other bookings overlapping [start, end): a start before ``end``, an end after ``start``
            lo = bisect_left(starts, start - longest)
            hi = bisect_left(starts, end)
            keep = []
            for interval in booked[lo:hi]:
                if interval[1] <= start:
                    continue
                if mine[interval] > 0:
                    mine[interval] -= 1
                    continue
                keep.append(interval)
            self._journal.record(line.free(start, end, keep))

    def _sorted_booked(self, wc_id: int) -> tuple[list[datetime], list[Interval], timedelta]:
        """The snapshot's bookings of ``wc_id`` sorted by start, and the longest one (cached)."""
        cached = self._booked_index.get(wc_id)
        if cached is None:
            booked = sorted(self._workcenters[wc_id].booked)
            longest = max((end - start for start, end in booked), default=timedelta(0))
            cached = self._booked_index[wc_id] = ([s for s, _ in booked], booked, longest)
        return cached

    def book(self, slot: Slot) -> None:
        """Take the slot in the working copy (journaled)."""
        line = self.timeline(slot.workcenter_id)
        index = line.reserve(slot.start, slot.end)
        self._journal.record(lambda: line.release(index))
