"""Capable-to-promise: earliest delivery date per order line, with its reason.

Why: sales need a date the plant can keep. Each line is planned forward from now through
material availability (ATP, purchase or multi-level manufacture) and finite work center
capacity; later lines see the stock and capacity taken by earlier ones.

Promise date formula (all offsets in calendar days)::

    goods_ready   = end of the operation ending last (made; operations run in sequence or, with
                    dependencies, after those they wait for; + post_production_days, the store
                    step of a 3-step manufacturing), stock/supply date, or purchase arrival
    ship_ready    = goods_ready + manufacturing_lead_days + production buffer
                    (only for goods made for the line; the buffer may depend on how far
                    ahead goods_ready is: reliability.production_buffer_days)
    promise_date  = the plant's day (snapshot.tz) of ship_ready + delivery_days + security_lead_days

For 'stock_then_order' the later of the stock part and the ordered part counts. A line's
``earliest_start`` is a floor for production starts and for goods readiness.
"""
# pylint: disable=prefer-env-translation,translation-not-lazy  # planning has no env: its _ uses the translator the ORM layer installs (i18n.py)

import dataclasses
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from .capacity import CapacityBoard, Slot, minutes_to_timedelta, operation_minutes
from .errors import PlanningError, PlanningInputError
from .explain import (
    COMPONENT,
    LEAD_TIME,
    buffer_fragments,
    day,
    local_day,
    product_name,
    production_bottleneck,
    production_fragments,
    purchase_terms,
    qty_text,
    sentence,
)
from .i18n import _
from .journal import Journal
from .material import EPS, Ledger
from .reliability import per_purchase_percentile, percentile_days, production_buffer_days
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
    Production,
    Sourcing,
    Wait,
)
from .snapshot import Bom, Holdings, Operation, Product, Snapshot

ZERO = timedelta(0)


@dataclass
class _Part:
    """Outcome of one way of serving (part of) a line."""

    material_ready: datetime
    goods_ready: datetime
    ship_ready: datetime
    bottleneck: Bottleneck
    fragments: list[str] = field(default_factory=list)


class Planner:
    """One promise run over a snapshot.

    Lines promised through the same planner share allocations and bookings (line 2 sees
    line 1's), while the snapshot itself is never modified. A line that raises leaves no
    trace, so the planner stays usable.
    """

    def __init__(self, snapshot: Snapshot) -> None:
        self.snapshot = snapshot
        self.now = snapshot.now
        self._journal = Journal()
        self._ledger = Ledger(
            snapshot.now, snapshot.free_qty, snapshot.supply, snapshot.demand, self._journal
        )
        horizon_end = snapshot.now + timedelta(days=snapshot.horizon_days)
        self._board = CapacityBoard(snapshot.workcenters, horizon_end, self._journal)
        self._bookings: list[Booking] = []
        self._allocations: list[Allocation] = []
        self._ordered: dict[int, datetime] = {}  # per-forecast: when what it already buys arrives
        self._held: dict[tuple[int, int], list] = {}  # per-forecast: the line's booked slots
        self._done: dict[tuple[int, int], int] = {}  # per-forecast: its work orders already done
        self._own: dict[int, float] = {}  # per-forecast: its order stock, no other order's to take
        self._likely = False  # forecasting: the likely date, without the promise's reserves
        # per-run: held slots taken, and how many of them run past their booked end (explanations)
        self._held_taken, self._held_overrun = 0, 0

    # --- public -----------------------------------------------------------------------

    def promise(self, line: LineRequest) -> LineResult:
        """Promise one line, keeping its allocations and bookings for the following lines."""
        self._validate(line)
        self._journal.commit()
        try:
            return self._run(line)
        except BaseException:
            self._journal.rollback(0)
            raise

    def forecast(self, line: LineRequest, holdings: Holdings | None = None) -> LineResult:
        """Re-plan a confirmed line with what it holds given back first; leaves no trace.

        Its own bookings become free, its order stock is its own (taken first, before any other
        stock or supply, whatever other orders are projected to need: pegged, nobody else can
        reserve it), its own moves leave the projected stock, and components it already buys
        arrive as their purchase orders say (sooner or later than a new purchase would: they are
        ordered; not before now).
        Every line of a batch is forecast against the same unchanged state, so a line's forecast
        does not depend on the other lines re-planned with it.
        """
        self._validate(line)
        self._journal.commit()
        try:
            if holdings:
                self._give_back(holdings)
                self._held = {key: sorted(slots, key=lambda s: s[1]) for key, slots in holdings.slots.items()}
                self._done = dict(holdings.done)
                self._own = {pid: qty for pid, qty in holdings.stock.items() if qty > EPS}
                self._ordered = {pid: max(when, self.now) for pid, when in holdings.purchases.items()}
            # the likely date: no production buffer and no vendor buffer per order (the snapshot
            # of a forecast counts receipts at the vendors' likely lateness, LIKELY_PERCENTILE).
            # Those are the promise's reserve against noise: a line is at risk when its plan no
            # longer fits even with the reserve used, not when the statistic has grown since
            self._likely = True
            return self._run(line)
        finally:
            self._journal.rollback(0)
            self._held, self._done, self._own, self._ordered, self._likely = {}, {}, {}, {}, False

    def _give_back(self, holdings: Holdings) -> None:
        for wc_id, intervals in holdings.booked.items():
            self._board.release(wc_id, intervals)
        for product_id in holdings.demand.keys() | holdings.supply.keys():
            changes = list(holdings.demand.get(product_id, []))
            changes += [(when, -qty) for when, qty in holdings.supply.get(product_id, [])]
            self._ledger.adjust(product_id, changes)

    def _run(self, line: LineRequest) -> LineResult:
        self._bookings, self._allocations = [], []
        mark = self._journal.mark()
        part = self._serve(line)
        raised = {} if self._likely else self._order_vendor_buffers()
        if raised:
            # the line buys several components: planned again, counting on each vendor at the
            # percentile that brings all of them in time (the first plan is undone)
            self._journal.rollback(mark)
            plain = self.snapshot
            self.snapshot = dataclasses.replace(plain, products={**plain.products, **raised})
            try:
                part = self._serve(line)
            finally:
                self.snapshot = plain
        snap = self.snapshot
        lead = timedelta(days=snap.delivery_days + snap.security_lead_days)
        promise_date = local_day(part.ship_ready + lead, snap.tz)
        return LineResult(
            key=line.key,
            product_id=line.product_id,
            quantity=line.quantity,
            strategy=line.strategy,
            promise_date=promise_date,
            material_ready=part.material_ready,
            capacity_ready=part.goods_ready,
            bottleneck=part.bottleneck,
            explanation=sentence(part.fragments, part.goods_ready, promise_date, snap.tz),
            # copies: a forecast's rollback empties the working lists
            bookings=list(self._bookings),
            allocations=list(self._allocations),
        )

    def _serve(self, line: LineRequest) -> _Part:
        self._held_taken, self._held_overrun = 0, 0
        not_before = max(self.now, line.earliest_start or self.now)
        if line.product_id in self.snapshot.kits:
            return self._serve_kit(line, not_before)
        if line.strategy == MAKE_TO_ORDER:
            return self._to_order(line.product_id, line.quantity, not_before)
        if line.strategy == MAKE_TO_STOCK:
            return self._make_to_stock(line.product_id, line.quantity, not_before)
        return self._stock_then_order(line.product_id, line.quantity, not_before)

    def _serve_kit(self, line: LineRequest, not_before: datetime) -> _Part:
        """A kit is delivered as its components (Odoo explodes its delivery), each served by the
        line's strategy; the last one ready sets the date and the explanation.

        Stock then order splits whole kits, as confirmation does (Odoo's free quantity of a kit:
        the complete kits its components in stock make): those from stock, the components of the
        rest to order. A forecast counts the components the line already holds (made or bought
        for it) first, as it counts the goods of a line made to order.
        """
        kit = self._product(line.product_id)
        needs = [(c.product_id, c.qty * line.quantity) for c in self.snapshot.kits[line.product_id]]
        needs = [(product_id, qty) for product_id, qty in needs if qty > EPS]
        if not needs:
            raise PlanningError(
                _("%(kit)s is a kit without components.") % {"kit": kit.name}
            )
        for product_id, _qty in needs:
            self._product(product_id)
        strategy, split = line.strategy, None
        stock_kits = 0.0
        if strategy == STOCK_THEN_ORDER:
            stock_kits = min(line.quantity, self._kits_in_stock(needs, line.quantity))
            strategy = MAKE_TO_ORDER
            if stock_kits > EPS and line.quantity - stock_kits > EPS:
                split = _("%(stock)s from stock, %(rest)s to order") % {
                    "stock": qty_text(stock_kits),
                    "rest": qty_text(line.quantity - stock_kits),
                }
        rests = []
        for product_id, qty in needs:
            from_stock = qty * stock_kits / line.quantity
            if from_stock > EPS:
                self._take(product_id, from_stock, self.now, (product_id,))
            rest = qty - from_stock
            if strategy != MAKE_TO_STOCK:
                # what the line delivers first, before its productions take it as components
                rest -= self._take_own(product_id, rest, (product_id,))
            rests.append((product_id, rest))
        parts = []
        for product_id, rest in rests:
            if rest <= EPS:
                parts.append((product_id, self._from_stock_part(product_id, self.now, not_before)))
            elif strategy == MAKE_TO_ORDER:
                parts.append((product_id, self._to_order(product_id, rest, not_before)))
            else:
                parts.append((product_id, self._make_to_stock(product_id, rest, not_before)))
        last_id, last = max(parts, key=lambda p: (p[1].ship_ready, p[1].goods_ready))
        head = _("kit %(kit)s: %(component)s is its last component") % {
            "kit": kit.name,
            "component": product_name(self.snapshot, last_id),
        }
        bottleneck = last.bottleneck
        bought = strategy == MAKE_TO_ORDER and dict(rests)[last_id] > EPS
        if bottleneck.kind == LEAD_TIME and bought and not self._can_make(self._product(last_id)):
            # a component bought to order: for the kit it is a component arriving
            bottleneck = dataclasses.replace(bottleneck, kind=COMPONENT)
        return _Part(
            max(p.material_ready for _pid, p in parts),
            max(p.goods_ready for _pid, p in parts),
            last.ship_ready,
            bottleneck,
            [head, *([split] if split else []), *last.fragments],
        )

    def _kits_in_stock(self, needs: list[tuple[int, float]], quantity: float) -> float:
        """Complete kits the components usable now make (whole kits, as Odoo counts a kit's
        free quantity: the scarcest component decides)."""
        per_kit: dict[int, float] = {}
        for product_id, qty in needs:
            per_kit[product_id] = per_kit.get(product_id, 0.0) + qty / quantity
        kits = min(max(0.0, self._ledger.atp(pid, self.now)) / each for pid, each in per_kit.items())
        return float(math.floor(kits + EPS))

    def _take_own(self, product_id: int, qty: float, path: tuple) -> float:
        """Take up to `qty` from the line's own order stock (a forecast's); returns what it took."""
        own = min(qty, self._own.get(product_id, 0.0))
        if own <= EPS:
            return 0.0
        self._own[product_id] -= own
        self._journal.record(lambda: self._own.__setitem__(product_id, self._own[product_id] + own))
        self._record_allocation(Allocation(product_id, own, self.now, "stock", path))
        return own

    def _order_vendor_buffers(self) -> dict[int, Product]:
        """The products the line just planned buys, with their vendor buffer raised so that all
        of them arrive in time in ``Snapshot.order_vendor_percentile`` % of orders; empty when the
        buffers hold per receipt or the line buys fewer than two products."""
        target = self.snapshot.order_vendor_percentile
        bought = {a.product_id for a in self._allocations if a.source == "purchase"}
        if not target or len(bought) < 2:
            return {}
        percentile = per_purchase_percentile(target, len(bought))
        raised = {}
        for product_id in sorted(bought):
            product = self._product(product_id)
            days = percentile_days(product.vendor_lateness, percentile)
            if days > product.vendor_buffer_days:
                raised[product_id] = dataclasses.replace(product, vendor_buffer_days=days)
        return raised

    # --- validation and look-ups ---------------------------------------------------------

    def _validate(self, line: LineRequest) -> None:
        if line.product_id not in self.snapshot.products:
            raise PlanningInputError(
                _("Unknown product id %(id)s for line %(key)s.")
                % {"id": line.product_id, "key": line.key}
            )
        qty = line.quantity
        if not isinstance(qty, (int, float)) or not math.isfinite(qty) or qty <= 0:
            raise PlanningInputError(
                _("Quantity of line %(key)s must be a positive number, got %(qty)r.")
                % {"key": line.key, "qty": qty}
            )
        start = line.earliest_start
        if start is not None and (not isinstance(start, datetime) or start.tzinfo is not None):
            raise PlanningInputError(
                _("Earliest start of line %(key)s must be a naive UTC datetime, got %(value)r.")
                % {"key": line.key, "value": start}
            )
        if line.strategy not in STRATEGIES:
            raise PlanningInputError(
                _("Unknown strategy %(strategy)r for line %(key)s; expected one of %(all)s.")
                % {"strategy": line.strategy, "key": line.key, "all": ", ".join(STRATEGIES)}
            )

    def _product(self, product_id: int) -> Product:
        try:
            return self.snapshot.products[product_id]
        except KeyError:
            raise PlanningInputError(
                _("Unknown product id %(id)s in a bill of materials.") % {"id": product_id}
            ) from None

    def _bom(self, product: Product) -> Bom:
        try:
            return self.snapshot.boms[product.bom_id]
        except KeyError:
            raise PlanningInputError(
                _("Bill of materials %(bom)s of %(product)s is missing from the snapshot.")
                % {"bom": product.bom_id, "product": product.name}
            ) from None

    @staticmethod
    def _can_make(product: Product) -> bool:
        return product.can_manufacture and product.bom_id is not None

    def _can_buy(self, product: Product) -> bool:
        """A vendor to buy from, or (forecast) the line's own purchase order already placed."""
        return product.id in self._ordered or (product.can_buy and product.purchase_delay_days is not None)

    def _production_buffer(self, ready: datetime) -> float:
        """Days of production reliability buffer for goods made for a line, ready at `ready`."""
        snap = self.snapshot
        if self._likely:
            return 0.0
        if snap.production_buffer_sample is None:
            return snap.production_buffer_days
        percentile, orders, fill = snap.production_buffer_sample
        lead = (ready - snap.now).total_seconds() / 86400.0
        return production_buffer_days(orders, fill, percentile, lead)

    def _made_lead(self, ready: datetime) -> timedelta:
        """What is added to goods made for a line, ready at `ready`, before they can ship."""
        return timedelta(days=self.snapshot.manufacturing_lead_days + self._production_buffer(ready))

    def _buffer_fragments(self, ready: datetime) -> list[str]:
        return [] if self._likely else buffer_fragments(self.snapshot, self._production_buffer(ready))

    def _purchase_date(self, product: Product) -> datetime:
        """Days to purchase (RFQ to confirmed order), then the vendor's lead time and its
        reliability buffer; for a component the forecast line already buys, its order's date."""
        ordered = self._ordered.get(product.id)
        if ordered is not None:
            return ordered
        days = (
            self.snapshot.purchase_lead_days
            + (product.purchase_delay_days or 0.0)
            + (product.vendor_buffer_days or 0.0)
        )
        return self.now + timedelta(days=days)

    # --- journaled records ---------------------------------------------------------------

    def _record_allocation(self, allocation: Allocation) -> None:
        self._allocations.append(allocation)
        self._journal.record(self._allocations.pop)

    def _record_booking(self, booking: Booking) -> None:
        self._bookings.append(booking)
        self._journal.record(self._bookings.pop)

    def _take(self, product_id: int, qty: float, when: datetime, path: tuple) -> Sourcing:
        """Allocate from stock (``when`` = now) or incoming supply (``when`` > now)."""
        self._ledger.allocate(product_id, qty, when)
        method = "stock" if when <= self.now else "supply"
        self._record_allocation(Allocation(product_id, qty, when, method, path))
        return Sourcing(product_id, qty, when, method)

    # --- material ------------------------------------------------------------------------

    def _source(
        self, product_id: int, qty: float, parent_path: tuple, not_before: datetime
    ) -> Sourcing:
        """Cover a component need from the line's own order stock first, the rest by the earlier
        of stock/supply and replenishing it."""
        self._product(product_id)
        path = (*parent_path, product_id)
        own = self._take_own(product_id, qty, path)
        if own > EPS:
            qty -= own
            if qty <= EPS:
                return Sourcing(product_id, own, self.now, "stock")
        covered = self._ledger.earliest_cover(product_id, qty)
        if covered is not None and covered <= self.now:
            return self._take(product_id, qty, covered, path)
        mark = self._journal.mark()
        try:
            replenished = self._replenish(product_id, qty, parent_path, not_before)
        except PlanningInputError:
            raise
        except PlanningError:
            if covered is None:
                raise
            replenished = None
        if covered is not None and (replenished is None or covered <= replenished.ready):
            self._journal.rollback(mark)
            return self._take(product_id, qty, covered, path)
        return replenished

    def _replenish(
        self, product_id: int, qty: float, parent_path: tuple, not_before: datetime
    ) -> Sourcing:
        """Use the stock usable now, then make (BoM) or buy (vendor) the shortage."""
        product = self._product(product_id)
        make, buy = self._can_make(product), self._can_buy(product)
        if not make and not buy:
            raise PlanningError(
                _("%(product)s has no stock, no bill of materials and no vendor to cover %(qty)s.")
                % {"product": product.name, "qty": qty_text(qty)}
            )
        path = (*parent_path, product_id)
        stock_qty = min(qty, max(0.0, self._ledger.atp(product_id, self.now)))
        if stock_qty > EPS:
            self._take(product_id, stock_qty, self.now, path)
        else:
            stock_qty = 0.0
        shortage = qty - stock_qty
        made = None
        if make:
            made = self._make(product_id, shortage, parent_path, not_before)
            ready, method = made.capacity_ready, "manufacture"
        else:
            ready, method = self._purchase_date(product), "purchase"
        self._record_allocation(Allocation(product_id, shortage, ready, method, path))
        if product_id in self._ordered:
            method = "ordered"
        return Sourcing(product_id, qty, ready, method, made)

    # --- manufacturing -------------------------------------------------------------------

    def _make(
        self, product_id: int, qty: float, parent_path: tuple, not_before: datetime
    ) -> Production:
        """Plan one manufacturing run: components first, then operations in sequence."""
        product = self._product(product_id)
        if product_id in parent_path:
            raise PlanningInputError(
                _("Bill of materials loop: %(product)s contains itself.")
                % {"product": product.name}
            )
        path = (*parent_path, product_id)
        bom = self._bom(product)
        bom_qty = bom.product_qty if bom.product_qty and bom.product_qty > 0 else 1.0
        floor = max(self.now + timedelta(days=bom.days_to_prepare_mo or 0.0), not_before)
        material_ready, critical = floor, None
        for bom_line in bom.lines:
            need = bom_line.qty * qty / bom_qty
            if need <= EPS:
                continue
            src = self._source(bom_line.product_id, need, path, not_before)
            if src.ready > material_ready:
                material_ready, critical = src.ready, src
        start = material_ready
        if bom.lines and self.snapshot.pre_production_days:
            # the components are picked to pre-production before the work starts
            start = material_ready + timedelta(days=self.snapshot.pre_production_days)
        cursor, wait, ends = start, None, {}
        for op in operation_order(bom.operations, product.name):
            # after the previous operation, or (dependencies) after those it waits for
            earliest = cursor if op.blocked_by is None else max([start, *(ends[b] for b in op.blocked_by if b in ends)])
            if self._is_done(product_id, op.id):
                continue
            slot = self._held_slot(op, product_id, qty, bom_qty, earliest) or self._board.best_slot(
                op, product_id, qty, bom_qty, earliest, product.name)
            self._board.book(slot)
            self._record_booking(
                Booking(slot.workcenter_id, op.id, product_id, slot.start, slot.end, path)
            )
            if slot.wait > ZERO and (wait is None or slot.wait > wait.duration):
                wait = Wait(slot.workcenter_id, slot.start, slot.wait)
            closed = self._board.time_off_before(slot, earliest)
            if closed and (wait is None or closed[1] > wait.duration):
                wait = Wait(slot.workcenter_id, closed[0], closed[1], time_off=True)
            ends[op.id] = slot.end
            # the production ends with its last operation to end (parallel ones: not the last planned)
            cursor = slot.end if op.blocked_by is None else max(cursor, slot.end)
        if not bom.operations:
            cursor = cursor + timedelta(days=bom.produce_delay or 0.0)
        # stored from post-production before it ships or goes into the next level
        cursor += timedelta(days=self.snapshot.post_production_days)
        return Production(product_id, qty, floor, material_ready, cursor, critical, wait)

    def _is_done(self, product_id: int, operation_id: int) -> bool:
        """Whether a confirmed line already did this operation (one done work order used up,
        journaled): a re-plan only plans the work still to do."""
        key = (product_id, operation_id)
        if not self._done.get(key):
            return False
        self._done[key] -= 1
        self._journal.record(lambda: self._done.__setitem__(key, self._done[key] + 1))
        return True

    def _held_slot(
        self, op: Operation, product_id: int, qty: float, bom_qty: float, earliest: datetime
    ) -> Slot | None:
        """The first slot a confirmed line still holds for ``op`` (taken: journaled), kept where
        the plan put it, as the shop floor keeps it: an operation
        that can start only later (its previous one ran long) starts then and pushes its slot by
        that much, and one now expected to take longer runs over its end. A slot over before the
        operation can start (its components or previous operation late) keeps its place too, as
        the re-plan of late work (`mrp.production._mto_replan_from`) and the shop floor keep it:
        it runs first when it can start, for its duration, ahead of the work booked then (or in a
        free slot still in time for the order's next one, which ends no later)."""
        held = self._held.get((product_id, op.id))
        if not held:
            return None
        entry = held.pop(0)
        self._journal.record(lambda: held.insert(0, entry))
        wc_id, start, end, minutes = entry
        if minutes is None:
            minutes = operation_minutes(op, self._board.workcenter(wc_id), product_id, qty, bom_qty)
        timeline = self._board.timeline(wc_id)
        begin = max(start, earliest)
        wait = begin - earliest
        if end <= earliest:
            # from the first working instant it can start (no wait for capacity)
            begin = timeline.start_at(timeline.worked(begin)) or begin
        length = max(timeline.worked(end) - timeline.worked(start), minutes_to_timedelta(minutes))
        finish = timeline.add_working(begin, length) or end
        self._held_taken += 1
        self._held_overrun += finish > end
        return Slot(wc_id, begin, max(end, finish), wait)

    # --- strategies ----------------------------------------------------------------------

    def _to_order(self, product_id: int, qty: float, not_before: datetime) -> _Part:
        """Make the quantity for this line, or buy it when the product cannot be made."""
        snap = self.snapshot
        product = self._product(product_id)
        path = (product_id,)
        if self._can_make(product):
            prod = self._make(product_id, qty, (), not_before)
            ready = prod.capacity_ready
            self._record_allocation(Allocation(product_id, qty, ready, "manufacture", path))
            fragments = production_fragments(snap, prod)
            if not fragments and self._held_overrun:
                fragments = [_("made to order in the slots booked for it, its work running past their end")]
            elif not fragments and self._held_taken:
                fragments = [_("made to order in the slots booked for it")]
            elif not fragments:
                fragments = [_("made to order without waiting for material or capacity")]
            fragments += self._buffer_fragments(ready)
            return _Part(
                prod.material_ready,
                ready,
                ready + self._made_lead(ready),
                production_bottleneck(snap, prod),
                fragments,
            )
        if self._can_buy(product):
            arrival = self._purchase_date(product)
            self._record_allocation(Allocation(product_id, qty, arrival, "purchase", path))
            ready = max(arrival, not_before)
            fragment = _("%(product)s is purchased to order and arrives on %(date)s") % {
                "product": product.name,
                "date": day(arrival, self.snapshot.tz),
            } + purchase_terms(snap, product_id, product_id in self._ordered)
            return _Part(
                ready,
                ready,
                ready,
                Bottleneck(LEAD_TIME, product.name, arrival, product_id),
                [fragment],
            )
        raise PlanningError(
            _("%(product)s cannot be made to order: it has no bill of materials and no vendor.")
            % {"product": product.name}
        )

    def _from_stock_part(self, product_id: int, when: datetime, not_before: datetime) -> _Part:
        name = product_name(self.snapshot, product_id)
        ready = max(when, not_before)
        if when > self.now:
            return _Part(
                ready,
                ready,
                ready,
                Bottleneck(COMPONENT, name, when, product_id),
                [_("%(product)s arrives on %(date)s") % {"product": name, "date": day(when, self.snapshot.tz)}],
            )
        return _Part(
            ready,
            ready,
            ready,
            Bottleneck(LEAD_TIME, name, ready, product_id),
            [_("%(product)s is in stock") % {"product": name}],
        )

    def _make_to_stock(self, product_id: int, qty: float, not_before: datetime) -> _Part:
        """Serve from ATP; if nothing ever covers the line, replenish and say so."""
        covered = self._ledger.earliest_cover(product_id, qty)
        if covered is not None:
            self._take(product_id, qty, covered, (product_id,))
            return self._from_stock_part(product_id, covered, not_before)
        snap = self.snapshot
        name = product_name(snap, product_id)
        src = self._replenish(product_id, qty, (), not_before)
        if src.made is not None:
            prod = src.made
            ready = prod.capacity_ready
            fragments = [
                _("%(product)s is not covered by stock or planned supply, so it will be made")
                % {"product": name},
                *production_fragments(snap, prod),
                *self._buffer_fragments(ready),
            ]
            return _Part(
                prod.material_ready,
                ready,
                ready + self._made_lead(ready),
                production_bottleneck(snap, prod),
                fragments,
            )
        ready = max(src.ready, not_before)
        fragment = _(
            "%(product)s is not covered by stock or planned supply, so it will be purchased "
            "and arrives on %(date)s"
        ) % {"product": name, "date": day(src.ready, snap.tz)} + purchase_terms(snap, product_id)
        return _Part(
            ready, ready, ready, Bottleneck(LEAD_TIME, name, src.ready, product_id), [fragment]
        )

    def _stock_then_order(self, product_id: int, qty: float, not_before: datetime) -> _Part:
        """Take what is usable now, order the rest; the later part sets the date."""
        stock_qty = min(qty, max(0.0, self._ledger.atp(product_id, self.now)))
        if stock_qty > qty - EPS:
            self._take(product_id, qty, self.now, (product_id,))
            return self._from_stock_part(product_id, self.now, not_before)
        if stock_qty <= EPS:
            return self._to_order(product_id, qty, not_before)
        self._take(product_id, stock_qty, self.now, (product_id,))
        rest = qty - stock_qty
        part = self._to_order(product_id, rest, not_before)
        stock_ready = max(self.now, not_before)
        split = _("%(stock)s from stock, %(rest)s to order") % {
            "stock": qty_text(stock_qty),
            "rest": qty_text(rest),
        }
        part.fragments.insert(0, split)
        part.goods_ready = max(part.goods_ready, stock_ready)
        part.ship_ready = max(part.ship_ready, stock_ready)
        return part


def operation_order(operations: Iterable[Operation], product: str = "") -> list[Operation]:
    """The operations in the order they are planned: by sequence, as Odoo chains work orders;
    with dependencies (``blocked_by`` set), an operation only after those it waits for (by
    sequence among those ready), whatever its own sequence: Odoo blocks its work order until
    they are done, so a slot booked before theirs would never be kept."""
    ordered = sorted(operations, key=lambda o: (o.sequence, o.id))
    if all(op.blocked_by is None for op in ordered):
        return ordered
    ids = {op.id for op in ordered}
    result, placed = [], set()
    while len(result) < len(ordered):
        ready = next((op for op in ordered if op.id not in placed
                      and all(b in placed or b not in ids for b in op.blocked_by or ())), None)
        if ready is None:
            raise PlanningInputError(
                _("The operations of %(product)s wait for each other in a loop.") % {"product": product}
            )
        result.append(ready)
        placed.add(ready.id)
    return result


def promise_lines(snapshot: Snapshot, lines: Iterable[LineRequest]) -> list[LineResult]:
    """Promise ``lines`` in order; each sees the allocations and bookings of earlier ones."""
    planner = Planner(snapshot)
    return [planner.promise(line) for line in lines]
