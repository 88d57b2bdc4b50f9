"""Pure-Python capable-to-promise core of mto_fulfilment (standard library only).

Why a separate package: the ORM layer copies the plant into a :class:`Snapshot`, and this code
computes promise dates from it in memory, deterministically, and testable without Odoo.
"""

from .capacity import MAX_DURATION, CapacityBoard, Slot, minutes_to_timedelta, operation_minutes
from .errors import PlanningError, PlanningInputError
from .i18n import _, translation
from .intervals import (
    WorkTimeline,
    clip_intervals,
    first_free_time,
    merge_intervals,
    subtract_intervals,
    working_minutes,
)
from .material import Ledger
from .promise import Planner, operation_order, promise_lines
from .reliability import LIKELY_PERCENTILE, per_purchase_percentile, percentile_days, production_buffer_days
from .results import (
    MAKE_TO_ORDER,
    MAKE_TO_STOCK,
    STOCK_THEN_ORDER,
    STRATEGIES,
    Allocation,
    Booking,
    Bottleneck,
    LineRequest,
    LineResult,
)
from .snapshot import Bom, BomLine, Holdings, Operation, Product, Snapshot, Workcenter

__all__ = [
    "LIKELY_PERCENTILE",
    "MAKE_TO_ORDER",
    "MAKE_TO_STOCK",
    "MAX_DURATION",
    "STOCK_THEN_ORDER",
    "STRATEGIES",
    "Allocation",
    "Bom",
    "BomLine",
    "Booking",
    "Bottleneck",
    "CapacityBoard",
    "Holdings",
    "Ledger",
    "LineRequest",
    "LineResult",
    "Operation",
    "Planner",
    "PlanningError",
    "PlanningInputError",
    "Product",
    "Slot",
    "Snapshot",
    "WorkTimeline",
    "Workcenter",
    "_",
    "clip_intervals",
    "first_free_time",
    "merge_intervals",
    "minutes_to_timedelta",
    "operation_minutes",
    "per_purchase_percentile",
    "percentile_days",
    "production_buffer_days",
    "operation_order",
    "promise_lines",
    "subtract_intervals",
    "working_minutes",
    "translation",
]
