"""Working-time arithmetic on sorted interval lists.

Why: finite forward scheduling asks "where do N working minutes from t end?" and "what is the
first gap between booked intervals that holds N working minutes?" many times per promise.
Keeping the cumulative working time at every interval boundary turns both into bisect
look-ups instead of rescans.
"""

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from datetime import datetime, timedelta

ZERO = timedelta(0)

Interval = tuple[datetime, datetime]


def merge_intervals(intervals: Iterable[Interval]) -> list[Interval]:
    """Sorted, non-overlapping copy; empty intervals are dropped, touching ones fused."""
    merged: list[Interval] = []
    for start, end in sorted(intervals):
        if end <= start:
            continue
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def subtract_intervals(base: Iterable[Interval], holes: Iterable[Interval]) -> list[Interval]:
    """``base`` minus ``holes`` (e.g. calendar attendances minus leaves), merged and sorted."""
    result: list[Interval] = []
    cuts = merge_intervals(holes)
    cut_starts = [s for s, _ in cuts]
    for start, end in merge_intervals(base):
        i = max(bisect_right(cut_starts, start) - 1, 0)
        cursor = start
        while i < len(cuts) and cuts[i][0] < end:
            cut_start, cut_end = cuts[i]
            if cut_end > cursor:
                if cut_start > cursor:
                    result.append((cursor, cut_start))
                cursor = max(cursor, cut_end)
            i += 1
        if cursor < end:
            result.append((cursor, end))
    return result


def clip_intervals(intervals: Iterable[Interval], start: datetime, end: datetime) -> list[Interval]:
    """The part of the sorted ``intervals`` between ``start`` and ``end``.

    Why: a calendar's working time is computed once a day from midnight (and kept); each
    promise that day takes the part from its own "now".
    """
    result: list[Interval] = []
    for s, e in intervals:
        if e <= start:
            continue
        if s >= end:
            break
        result.append((max(s, start), min(e, end)))
    return result


def first_free_time(
    working: Iterable[Interval], booked: Iterable[Interval], start: datetime, minutes: float
) -> list[Interval]:
    """The first ``minutes`` of working time from ``start`` that ``booked`` leaves free.

    Used to queue work that is overdue (its booked slot has passed, the work is still to do) in
    front of everything planned later: it takes the first free working time from now on.
    """
    left = timedelta(minutes=minutes)
    result: list[Interval] = []
    for free_start, free_end in subtract_intervals(
        [(max(s, start), e) for s, e in working if e > start], booked
    ):
        if left <= ZERO:
            break
        take = min(free_end - free_start, left)
        result.append((free_start, free_start + take))
        left -= take
    return result


def working_minutes(working: Iterable[Interval], spans: Iterable[Interval]) -> float:
    """Minutes of ``spans`` that fall in ``working`` time; overlapping spans count once.

    Why: Odoo's time logs measure a work order in wall-clock time, so one left running over
    night or a weekend reads as many hours of work. Counted in its work center's working hours,
    it measures how long the work center was really taken.
    """
    total = ZERO
    calendar = merge_intervals(working)
    ends = [e for _s, e in calendar]
    for start, end in merge_intervals(spans):
        i = bisect_right(ends, start)
        while i < len(calendar) and calendar[i][0] < end:
            overlap = min(end, calendar[i][1]) - max(start, calendar[i][0])
            if overlap > ZERO:
                total += overlap
            i += 1
    return total.total_seconds() / 60.0


class WorkTimeline:
    """Working intervals of one resource plus its booked intervals (capacity 1).

    ``worked(t)`` is the working time elapsed between the first working instant and ``t``.
    Booked intervals carry their ``worked`` value at both ends so a free gap's working
    capacity is a subtraction. Bookings added with :meth:`reserve` never overlap (they come
    from :meth:`first_slot`), so booked starts and ends stay sorted together.
    """

    __slots__ = (
        "_b_end",
        "_b_start",
        "_b_wend",
        "_b_wstart",
        "_cum_before",
        "_cum_end",
        "_starts",
        "total",
    )

    def __init__(self, working: Iterable[Interval], booked: Iterable[Interval] = ()) -> None:
        self._starts: list[datetime] = []
        self._cum_before: list[timedelta] = []
        self._cum_end: list[timedelta] = []
        total = ZERO
        for start, end in merge_intervals(working):
            self._starts.append(start)
            self._cum_before.append(total)
            total += end - start
            self._cum_end.append(total)
        self.total = total
        merged = merge_intervals(booked)
        self._b_start = [s for s, _ in merged]
        self._b_end = [e for _, e in merged]
        self._b_wstart = [self.worked(s) for s in self._b_start]
        self._b_wend = [self.worked(e) for e in self._b_end]

    def worked(self, when: datetime) -> timedelta:
        """Working time accumulated from the start of the timeline up to ``when``."""
        i = bisect_right(self._starts, when) - 1
        if i < 0:
            return ZERO
        span = self._cum_end[i] - self._cum_before[i]
        return self._cum_before[i] + min(when - self._starts[i], span)

    def start_at(self, worked: timedelta) -> datetime | None:
        """Earliest instant where work can begin after ``worked`` working time (None: beyond)."""
        j = bisect_right(self._cum_end, worked)
        if j >= len(self._starts):
            return None
        return self._starts[j] + (worked - self._cum_before[j])

    def end_at(self, worked: timedelta) -> datetime | None:
        """Earliest instant at which ``worked`` working time has been accumulated."""
        j = bisect_left(self._cum_end, worked)
        if j >= len(self._starts):
            return None
        return self._starts[j] + max(worked - self._cum_before[j], ZERO)

    def add_working(self, start: datetime, duration: timedelta) -> datetime | None:
        """End of ``duration`` working time counted from ``start``, ignoring bookings."""
        return self.end_at(self.worked(start) + duration)

    def first_slot(
        self, earliest: datetime, duration: timedelta
    ) -> tuple[datetime, datetime, timedelta] | None:
        """Earliest ``(start, end, wait)`` with ``start >= earliest`` free of bookings.

        The slot starts inside working time and accumulates ``duration`` of working time
        (crossing nights and weekends) without touching any booked interval. ``wait`` is how
        much the booked load pushed the start compared with an empty resource. ``None`` when
        the working intervals run out first.
        """
        base = self.worked(earliest)
        unconstrained = self.start_at(base)
        if unconstrained is None:
            return None
        b_start, b_end, b_wstart, b_wend = self._b_start, self._b_end, self._b_wstart, self._b_wend
        count = len(b_start)
        i = bisect_right(b_end, earliest)
        cursor, worked = earliest, base
        while True:
            if i < count and b_start[i] <= cursor:
                cursor, worked = b_end[i], b_wend[i]
                i += 1
                continue
            limit = b_wstart[i] if i < count else self.total
            if limit - worked >= duration:
                start = self.start_at(worked)
                if start is not None and (duration > ZERO or i >= count or start < b_start[i]):
                    end = self.end_at(worked + duration) if duration > ZERO else start
                    return start, max(end, start), start - unconstrained
            if i >= count:
                return None
            cursor, worked = b_end[i], b_wend[i]
            i += 1

    def reserve(self, start: datetime, end: datetime) -> int:
        """Book ``[start, end)``; returns the index to pass to :meth:`release`."""
        i = bisect_right(self._b_start, start)
        self._b_start.insert(i, start)
        self._b_end.insert(i, end)
        self._b_wstart.insert(i, self.worked(start))
        self._b_wend.insert(i, self.worked(end))
        return i

    def release(self, index: int) -> None:
        """Undo the most recent :meth:`reserve` that returned ``index``."""
        del self._b_start[index], self._b_end[index]
        del self._b_wstart[index], self._b_wend[index]

    def free(self, start: datetime, end: datetime, keep: Iterable[Interval] = ()):
        """Make ``[start, end)`` bookable again, except the parts of it covered by ``keep``.

        Booked intervals are stored merged, so one booking cannot be dropped by itself: the
        range is cut out of them and ``keep`` (other bookings overlapping it) put back. Returns
        a callable that restores the previous state (for a journal).
        """
        i = bisect_right(self._b_end, start)
        j = bisect_left(self._b_start, end)
        if i >= j:
            return _noop
        pieces = []
        if self._b_start[i] < start:
            pieces.append((self._b_start[i], start))
        if self._b_end[j - 1] > end:
            pieces.append((end, self._b_end[j - 1]))
        for k_start, k_end in keep:
            k_start, k_end = max(k_start, start), min(k_end, end)
            if k_start < k_end:
                pieces.append((k_start, k_end))
        merged = merge_intervals(pieces)
        lists = (self._b_start, self._b_end, self._b_wstart, self._b_wend)
        old = [lst[i:j] for lst in lists]
        new = (
            [s for s, _ in merged],
            [e for _, e in merged],
            [self.worked(s) for s, _ in merged],
            [self.worked(e) for _, e in merged],
        )
        for lst, values in zip(lists, new, strict=True):
            lst[i:j] = values
        size = len(merged)

        def undo() -> None:
            for lst, values in zip(lists, old, strict=True):
                lst[i:i + size] = values

        return undo


def _noop() -> None:
    return None
