"""Requests, results, and the internal trace the explanation is built from.

Why: results are plain dataclasses with ``to_dict()`` so the ORM can store or send them as
JSON, and the bookings/allocations let it later reserve exactly what was promised.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

MAKE_TO_ORDER = "make_to_order"
MAKE_TO_STOCK = "make_to_stock"
STOCK_THEN_ORDER = "stock_then_order"
STRATEGIES = (MAKE_TO_ORDER, MAKE_TO_STOCK, STOCK_THEN_ORDER)

DATETIME_FORMAT = "%Y-%m-%d %H:%M:%S"


def format_datetime(value: datetime) -> str:
    return value.strftime(DATETIME_FORMAT)


@dataclass(frozen=True)
class LineRequest:
    """One order line to promise; ``earliest_start`` forbids production before that time."""

    key: object
    product_id: int
    quantity: float
    strategy: str = MAKE_TO_ORDER
    earliest_start: datetime | None = None


@dataclass(frozen=True)
class Booking:
    """A work center slot taken by the promise; ``path`` runs from the line's product down to
    the product made by this operation, so ``level`` 0 is the ordered product itself."""

    workcenter_id: int
    operation_id: int
    product_id: int
    start: datetime
    end: datetime
    path: tuple[int, ...]

    @property
    def level(self) -> int:
        return len(self.path) - 1

    def to_dict(self) -> dict:
        return {
            "workcenter_id": self.workcenter_id,
            "operation_id": self.operation_id,
            "product_id": self.product_id,
            "start": format_datetime(self.start),
            "end": format_datetime(self.end),
            "path": list(self.path),
            "level": self.level,
        }


@dataclass(frozen=True)
class Allocation:
    """How a quantity is covered.

    ``source``: 'stock' (free stock now), 'supply' (incoming supply at ``date``), 'purchase' or
    'manufacture' (new replenishment ready at ``date``). Only 'stock'/'supply' reduce the ATP
    of later lines; a replenishment is consumed by this line. ``path`` as in :class:`Booking`.
    """

    product_id: int
    quantity: float
    date: datetime
    source: str
    path: tuple[int, ...]

    def to_dict(self) -> dict:
        return {
            "product_id": self.product_id,
            "quantity": self.quantity,
            "date": format_datetime(self.date),
            "source": self.source,
            "path": list(self.path),
        }


@dataclass(frozen=True)
class Bottleneck:
    """What set the date: kind 'component', 'workcenter' or 'lead_time'.

    ``res_id`` is the product id (component, lead_time) or work center id (workcenter);
    ``date`` is when the component is ready or the work center becomes free for this line.
    """

    kind: str
    name: str
    date: datetime
    res_id: int | None = None
    time_off: bool = False  # a work center closed (time off), not booked, until ``date``

    def to_dict(self) -> dict:
        return {
            "kind": self.kind,
            "name": self.name,
            "date": format_datetime(self.date),
            "res_id": self.res_id,
        }


@dataclass
class LineResult:
    """Promise for one line.

    ``material_ready``: when material for the line's own production is available (for goods
    taken from stock or bought: when they are available). ``capacity_ready``: when all goods of
    the line are ready (last operation end, or stock/purchase availability), before the
    manufacturing, delivery and sales security leads that lead to ``promise_date``.
    """

    key: object
    product_id: int
    quantity: float
    strategy: str
    promise_date: date
    material_ready: datetime
    capacity_ready: datetime
    bottleneck: Bottleneck
    explanation: str
    bookings: list[Booking] = field(default_factory=list)
    allocations: list[Allocation] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "key": self.key,
            "product_id": self.product_id,
            "quantity": self.quantity,
            "strategy": self.strategy,
            "promise_date": self.promise_date.isoformat(),
            "material_ready": format_datetime(self.material_ready),
            "capacity_ready": format_datetime(self.capacity_ready),
            "bottleneck": self.bottleneck.to_dict(),
            "explanation": self.explanation,
            "bookings": [b.to_dict() for b in self.bookings],
            "allocations": [a.to_dict() for a in self.allocations],
        }


# --- internal trace ---------------------------------------------------------------------


@dataclass(frozen=True)
class Wait:
    """The operation of a production that waited longest for a booked work center, or for one
    closed by time off (``time_off``: ``free_at`` is when the time off ends)."""

    workcenter_id: int
    free_at: datetime
    duration: timedelta
    time_off: bool = False


@dataclass
class Sourcing:
    """How one need was covered: method 'stock', 'supply', 'purchase' or 'manufacture'."""

    product_id: int
    quantity: float
    ready: datetime
    method: str
    made: "Production | None" = None


@dataclass
class Production:
    """One manufacturing run in the plan; ``critical`` is the component that pushed
    ``material_ready`` past ``floor`` (prepare time / earliest start), if any."""

    product_id: int
    quantity: float
    floor: datetime
    material_ready: datetime
    capacity_ready: datetime
    critical: Sourcing | None = None
    wait: Wait | None = None
