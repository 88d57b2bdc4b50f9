"""Available-to-promise per product.

Why: a new order may use free stock and incoming supply only as long as it does not make an
already promised future demand go short, so the usable quantity at ``d`` is the minimum of
the projected stock over all ``t >= d``. That minimum is kept as a suffix-min array per
product, which is non-decreasing in time, so "earliest date covering q" is one bisect.
"""

from bisect import bisect_left, bisect_right
from datetime import datetime

from .journal import Journal
from .snapshot import Dated

EPS = 1e-6


class _Position:
    """Projected stock of one product: event dates, projection, and ATP (suffix minimum)."""

    __slots__ = ("atp", "dates", "deltas", "projected")

    def __init__(self, free: float, deltas: dict[datetime, float], now: datetime) -> None:
        self.deltas = deltas
        self.dates = sorted(set(deltas) | {now})
        running = free
        self.projected = []
        for day in self.dates:
            running += deltas.get(day, 0.0)
            self.projected.append(running)
        self.atp = list(self.projected)
        for i in range(len(self.atp) - 2, -1, -1):
            if self.atp[i + 1] < self.atp[i]:
                self.atp[i] = self.atp[i + 1]


class Ledger:
    """ATP over the snapshot plus the allocations made in this promise run (journaled).

    Supply or demand dated before ``now`` counts at ``now``.
    """

    def __init__(
        self,
        now: datetime,
        free_qty: dict[int, float],
        supply: dict[int, list[Dated]],
        demand: dict[int, list[Dated]],
        journal: Journal,
    ) -> None:
        self.now = now
        self._free = free_qty
        self._supply = supply
        self._demand = demand
        self._journal = journal
        self._positions: dict[int, _Position] = {}

    def _position(self, product_id: int) -> _Position:
        pos = self._positions.get(product_id)
        if pos is None:
            deltas: dict[datetime, float] = {}
            for day, qty in self._supply.get(product_id, ()):
                day = max(day, self.now)
                deltas[day] = deltas.get(day, 0.0) + qty
            for day, qty in self._demand.get(product_id, ()):
                day = max(day, self.now)
                deltas[day] = deltas.get(day, 0.0) - qty
            pos = _Position(self._free.get(product_id, 0.0), deltas, self.now)
            self._positions[product_id] = pos
        return pos

    def projected(self, product_id: int, when: datetime) -> float:
        """Projected stock at ``when`` (free + supply - demand - allocations up to then)."""
        pos = self._position(product_id)
        i = max(bisect_right(pos.dates, when) - 1, 0)
        return pos.projected[i]

    def atp(self, product_id: int, when: datetime) -> float:
        """Quantity usable at ``when`` without starving any later demand (may be negative)."""
        pos = self._position(product_id)
        i = max(bisect_right(pos.dates, when) - 1, 0)
        return pos.atp[i]

    def earliest_cover(self, product_id: int, qty: float) -> datetime | None:
        """Earliest date (``now`` or a supply date) whose ATP covers ``qty``; None if never."""
        pos = self._position(product_id)
        i = bisect_left(pos.atp, qty - EPS)
        return pos.dates[i] if i < len(pos.dates) else None

    def allocate(self, product_id: int, qty: float, when: datetime) -> None:
        """Record ``qty`` taken at ``when`` as demand for the rest of the run (journaled)."""
        self.adjust(product_id, [(when, -qty)])

    def adjust(self, product_id: int, changes: list[Dated]) -> None:
        """Add signed quantities at their dates (negative: demand), in one step (journaled)."""
        if not changes:
            return
        old = self._position(product_id)
        deltas = dict(old.deltas)
        for when, qty in changes:
            when = max(when, self.now)
            deltas[when] = deltas.get(when, 0.0) + qty
        self._positions[product_id] = _Position(self._free.get(product_id, 0.0), deltas, self.now)
        self._journal.record(lambda: self._positions.__setitem__(product_id, old))
