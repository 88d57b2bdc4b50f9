"""Plain-data picture of the plant that the ORM layer builds once per promise request.

Why: the planning core must run without Odoo (fast, testable, deterministic), so everything it
needs is copied here first. All datetimes are naive UTC; all day counts are calendar days.
"""

from dataclasses import dataclass, field
from datetime import datetime

Interval = tuple[datetime, datetime]
Dated = tuple[datetime, float]


@dataclass
class Product:
    """A product as far as sourcing is concerned.

    ``purchase_delay_days`` is the best vendor's delay; ``None`` means no vendor, so the product
    cannot be bought even if ``can_buy`` is set. ``vendor_buffer_days`` is added to it: the
    vendor's observed lateness (its reliability buffer, see ``vendor_name``).
    ``vendor_lateness``: that vendor's recent lateness in days, one value per receipt (filled when
    the buffer is counted per order, see ``Snapshot.order_vendor_percentile``).
    """

    id: int
    name: str
    bom_id: int | None = None
    purchase_delay_days: float | None = None
    can_manufacture: bool = False
    can_buy: bool = False
    vendor_name: str | None = None
    vendor_buffer_days: float = 0.0
    vendor_lateness: tuple[float, ...] = ()


@dataclass
class BomLine:
    """``qty`` of ``product_id`` is consumed per ``Bom.product_qty`` of output."""

    product_id: int
    qty: float


@dataclass
class Operation:
    """One routing step; ``time_cycle`` is minutes per cycle at 100 % efficiency.

    ``blocked_by``: None, the operation starts when the one before it (by sequence) ends, as
    Odoo chains work orders; else the ids of the operations it waits for (a BoM with operation
    dependencies: Odoo runs the others in parallel, from the production's start).
    """

    id: int
    name: str
    sequence: int
    workcenter_id: int
    time_cycle: float
    blocked_by: tuple[int, ...] | None = None


@dataclass
class Bom:
    """Bill of materials; ``produce_delay`` (days) is used only when there are no operations."""

    id: int
    product_id: int
    product_qty: float = 1.0
    days_to_prepare_mo: float = 0.0
    produce_delay: float = 0.0
    lines: list[BomLine] = field(default_factory=list)
    operations: list[Operation] = field(default_factory=list)


@dataclass
class Workcenter:
    """A machine or team that runs one work order at a time.

    ``capacities`` maps product id to ``(capacity, setup minutes, cleanup minutes)``; the key
    ``None`` holds the row for every other product. Capacities are in each product's own unit,
    as the quantities planned (the ORM layer converts rows kept in another unit).
    ``working`` are the working intervals over the horizon (calendar minus leaves), ``booked``
    the intervals already taken by planned work orders. Neither needs to be sorted or merged.
    ``closed``: its time off over the horizon, sorted (already out of ``working``), to say so when it
    is what a line waited for.
    """

    id: int
    name: str
    time_efficiency: float = 100.0
    time_start: float = 0.0
    time_stop: float = 0.0
    capacities: dict[int | None, tuple[float, float, float]] = field(default_factory=dict)
    alternative_ids: list[int] = field(default_factory=list)
    working: list[Interval] = field(default_factory=list)
    booked: list[Interval] = field(default_factory=list)
    closed: list[Interval] = field(default_factory=list)


@dataclass
class Snapshot:
    """Everything a promise computation reads; it is never modified by the planner.

    ``free_qty``: free stock now (on hand - reserved - pegged to other orders).
    ``supply``: incoming quantities (confirmed POs, MOs) at their expected dates.
    ``demand``: quantities already promised to other orders at their dates.
    ``purchase_lead_days``: company days to purchase + purchase security lead.
    ``manufacturing_lead_days``: company manufacturing security lead, added once to made goods.
    ``production_buffer_days``: a flat production reliability buffer, added likewise, when no
    ``production_buffer_sample`` is given.
    ``production_buffer_finished``: (orders finished, orders considered) while fewer orders than
    considered have finished and sub-assemblies fill the buffer's sample (the explanation says so).
    ``production_buffer_sample``: what the production reliability buffer learns from (how late
    the plant's recent order-linked manufacturing orders finished, or those still running already
    are, against their booked finish): (percentile, orders' lateness, sub-assemblies' (lateness,
    booked lead)); the buffer is worked out per line from how far ahead its goods are made
    (``reliability.production_buffer_days``).
    ``security_lead_days``: sales security lead; ``delivery_days``: picking/shipping steps.
    ``pre_production_days``: a warehouse manufacturing in 2 or 3 steps picks each production's
    components to pre-production first: its work starts this long after they are ready.
    ``post_production_days``: in 3 steps, made goods are stored from post-production to stock
    this long after their production ends (before they ship or go into the next level).
    ``horizon_days``: operations may not start later than ``now`` + this many days.
    ``tz``: the plant's time zone (IANA name): a promise is the plant's day, not UTC's.
    ``order_vendor_percentile``: when set, the vendor buffers hold per order: a line that buys
    several components counts on each vendor at the percentile that brings all of them in time in
    this share of orders (``reliability.per_purchase_percentile``); 0: per receipt.
    ``kits``: products sold as kits (Odoo's phantom BoM), with their components per unit of the kit
    (nested kits flattened): a kit is never made, bought or stocked itself, Odoo delivers its
    components, so an order line of one is served as its components. A kit *inside* a bill of
    materials needs no entry: its parent's ``Bom`` already holds its components and operations,
    as Odoo puts them on the parent's manufacturing order.
    """

    now: datetime
    products: dict[int, Product] = field(default_factory=dict)
    boms: dict[int, Bom] = field(default_factory=dict)
    free_qty: dict[int, float] = field(default_factory=dict)
    supply: dict[int, list[Dated]] = field(default_factory=dict)
    demand: dict[int, list[Dated]] = field(default_factory=dict)
    workcenters: dict[int, Workcenter] = field(default_factory=dict)
    purchase_lead_days: float = 0.0
    manufacturing_lead_days: float = 0.0
    production_buffer_days: float = 0.0
    production_buffer_finished: tuple[int, int] | None = None
    production_buffer_sample: tuple[float, tuple[float, ...], tuple[tuple[float, float], ...]] | None = None
    security_lead_days: float = 0.0
    delivery_days: float = 0.0
    pre_production_days: float = 0.0
    post_production_days: float = 0.0
    horizon_days: int = 700
    order_vendor_percentile: float = 0.0
    tz: str = "UTC"
    kits: dict[int, list[BomLine]] = field(default_factory=dict)


@dataclass
class Holdings:
    """What a confirmed line already holds in a snapshot, set aside while it is re-planned.

    ``booked``: its work orders' intervals per work center; ``stock``: order stock pegged to it;
    ``demand``/``supply``: its own delivery and production moves counted in the snapshot;
    ``purchases``: latest expected arrival of the components it already buys (they come when their
    purchase order says, sooner or later than a new purchase would); ``slots``: its booked work
    orders per (product, operation) as (work center, start, end, minutes): a re-plan keeps a slot
    not yet over when its operation can start (pushed by that much if it can start only later), so
    the forecast judges the booked plan, not a new one made with today's duration estimates, which
    may no longer fit the slot the plan gave it; the slot runs over its end when the work takes
    longer than it holds (``minutes`` of work left, for a running work order whose slot starts now;
    None: the operation's expected duration); ``done``: how many work orders per (product,
    operation) of its open production orders are already done (a re-plan does not plan them again).
    """

    booked: dict[int, list[Interval]] = field(default_factory=dict)
    stock: dict[int, float] = field(default_factory=dict)
    demand: dict[int, list[Dated]] = field(default_factory=dict)
    supply: dict[int, list[Dated]] = field(default_factory=dict)
    purchases: dict[int, datetime] = field(default_factory=dict)
    slots: dict[tuple[int, int], list[tuple[int, datetime, datetime, float | None]]] = field(default_factory=dict)
    done: dict[tuple[int, int], int] = field(default_factory=dict)
