"""The simulated plant: clock, demand, vendors, shop floor, shipping, re-promise.

Everything goes through Odoo's ORM (the add-on's promise, confirmation, booking and re-promise
code runs unchanged); the simulation only decides *when* things happen and *how long* they take:

* the clock: freezegun moves Odoo's "now" to each event of each simulated working day;
* demand: orders arrive at a seeded Poisson rate, are promised (``action_mto_promise``) and ~80 %
  confirmed (``action_confirm``, which books the promised work-center slots); the rate is
  calibrated so that the work the confirmed orders bring (at the shop floor's mean duration)
  loads the busiest work-center pool to ``load``;
* vendors: each morning the buyer runs the replenishment (reordering rules and the replenishment
  report) and confirms the RFQs (purchase orders confirmed elsewhere, e.g. the demo company's, are
  delivered too); the vendor ships each purchase line on its own date (one shipment per day asked
  for); each shipment is on time, a few days late or very late, and
  sometimes short; a known delay is written to the purchase line's ``date_planned`` (the add-on's
  re-promise trigger) and the receipt is validated on the actual day;
* shop floor: every work center runs its planned work orders whose production order has its
  components, in plan order (``date_start``), with durations drawn around the expected ones, in its
  calendar's working time minus time off; a few breakdowns per month become time off
  (``resource.calendar.leaves``, ``time_type='leave'``) on a work center;
* production orders are marked done when their last work order ends, deliveries are shipped as soon
  as they are ready;
* re-promise runs as in production: queue jobs execute synchronously
  (``queue_job__no_delay``) and the add-on's cron runs at the end of every day.

The plant starts idle: the demo company's products, BoMs, work centers, vendors and stock, without
its open orders (``--open-work`` keeps them: weeks of booked work on the bottleneck that a plant
loaded below 100 % works off only over months, so the measured weeks would queue behind them).
The run has three phases, demand in each: warm-up weeks (the plant fills at the demand's own rate,
and the reliability buffers learn the vendors and the shop floor; their orders are reported apart), the
measured weeks (the report judges the orders placed in them), then as many days as it takes for
every measured order to ship or pass its promise (at most ``drain_weeks``), so that every measured
order is judged, not only those whose promise falls inside the measured weeks.
"""
import bisect
import heapq
import logging
import math
import random
import time as _time
from collections import defaultdict
from datetime import date, datetime, time, timedelta

import pytz

_logger = logging.getLogger("sim")

TZ = pytz.timezone("Europe/Berlin")
# wall clock (freezegun patches module attributes that *are* time.monotonic; a closure it cannot see)
_wall = (lambda f: (lambda: f()))(_time.monotonic)


def local_dt(day, hour, minute=0):
    """Naive UTC datetime of `day` at hour:minute Europe/Berlin."""
    return TZ.localize(datetime.combine(day, time(hour, minute))).astimezone(pytz.utc).replace(tzinfo=None)


def local_day(dt):
    """Local (Europe/Berlin) calendar date of a naive UTC datetime."""
    return pytz.utc.localize(dt).astimezone(TZ).date()


def workdays(start, n):
    """The first n working days (Mon-Fri) from `start` on."""
    days, day = [], start
    while len(days) < n:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


def add_workdays(day, n):
    while n > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            n -= 1
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _poisson(rng, lam):
    """Knuth's Poisson draw (small lambda)."""
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


FAR = datetime(2999, 1, 1)       # planned start of a work order without a slot


class Intervals:
    """Working intervals of one work center (naive UTC), with time off subtracted."""

    def __init__(self, intervals):
        self.iv = sorted(intervals)
        self._starts = [s for s, _e in self.iv]

    def _index(self, t):
        i = bisect.bisect_right(self._starts, t) - 1
        return max(i, 0)

    def next_work(self, t):
        """The first working instant >= t (None past the horizon)."""
        for s, e in self.iv[self._index(t):]:
            if e > t:
                return max(s, t)
        return None

    def advance(self, t, minutes):
        """When `minutes` of work started at t end (None past the horizon)."""
        left = timedelta(minutes=minutes)
        for s, e in self.iv[self._index(t):]:
            if e <= t:
                continue
            s = max(s, t)
            if e - s >= left:
                return s + left
            left -= e - s
        return None

    def work_minutes(self, t0, t1):
        total = 0.0
        for s, e in self.iv[self._index(t0):]:
            if s >= t1:
                break
            lo, hi = max(s, t0), min(e, t1)
            if hi > lo:
                total += (hi - lo).total_seconds() / 60
        return total

    def subtract(self, a, b):
        out = []
        for s, e in self.iv:
            if e <= a or s >= b:
                out.append((s, e))
                continue
            if s < a:
                out.append((s, a))
            if e > b:
                out.append((b, e))
        self.iv = out
        self._starts = [s for s, _e in out]


class Simulation:
    """One simulation run on `env` (superuser, demo company loaded)."""

    CONFIRM_SHARE = 0.8
    SLIP = (0.75, 0.93)           # on time below 0.75, 1-4 days late below 0.93, else 5-12 days
    UNANNOUNCED_SHARE = 0.3       # late shipments whose delay is only known on the due date
    SHORT_SHARE = 0.08
    DURATION_NOISE = (0.8, 1.2)   # a work order's actual time over its expected one, uniform
    OVERRUN_SHARE = 0.05          # work orders taking OVERRUN times their expected time instead
    OVERRUN = (1.5, 2.5)
    BREAKDOWNS_PER_MONTH = 3.0

    MACHINE_QTY = [1, 1, 1, 1, 2, 2, 3]
    FURNITURE_QTY = [1, 1, 2, 2, 2, 3, 3, 4, 5]
    FURNITURE_LARGE = (0.08, 6, 10)   # share of furniture lines for 6-10 pieces instead

    def __init__(self, env, *, start, weeks, seed, orders_per_day, clock, progress=print,
                 repromise="inline", commit=True, days=None, load=0.85, warmup_weeks=0, drain_weeks=0):
        self.env = env(context=dict(env.context, tz=TZ.zone, tracking_disable=True, mail_notrack=True,
                                    mail_create_nolog=True, mail_auto_subscribe_no_notify=True,
                                    queue_job__no_delay=repromise == "inline"), su=True)
        self.start, self.weeks, self.seed = start, weeks, seed
        self.warmup_weeks, self.drain_weeks = warmup_weeks, drain_weeks
        # demand days: the warm-up weeks, then the measured ones; the drain days follow as needed
        self.days = workdays(start, warmup_weeks * 5 + (days or weeks * 5))
        self.measure_from = self.days[warmup_weeks * 5]
        self.measure_to = self.days[-1]
        self.simulated = []            # every day run (demand, then drain)
        self.orders_per_day = orders_per_day
        self.load = load
        self.calibration = None
        self.freeze = clock            # freezegun.freeze_time
        self.progress = progress
        self.repromise = repromise
        self.commit = commit
        self.rng_demand = random.Random(f"{seed}-demand")
        self.rng_vendor = random.Random(f"{seed}-vendor")
        self.rng_shop = random.Random(f"{seed}-shop")
        self.rng_break = random.Random(f"{seed}-breakdown")
        self.now = None
        self._frozen = None
        # records of what happened (plain data: JSON-able, the report reads only these)
        self.lines = {}                # sale line id -> dict
        self.orders = {}               # sale order id -> dict
        self.quotations = 0
        self.promise_failures = []
        self.receipts = []             # dicts: po, vendor, quoted, arrival, late_days, short
        self.breakdowns = []
        self.mo_log = {}               # mo id -> dict
        self.wo_log = []               # finished work orders: wc, minutes, expected
        self.events = defaultdict(int)
        self.errors = []
        self.day_stats = []
        # shop-floor state
        self.running = {}              # wc id -> {"wo", "start", "finish", "minutes"}
        self.to_close = set()          # MOs whose work orders are done, waiting for components
        self.failed_close = set()      # MOs Odoo refused to mark done (see errors)
        self.mo_ready_at = {}          # mo id -> first time seen with all components
        self.mo_waiting_for = {}       # mo id -> kinds of components it waited for past its planned start
        self.vendor_events = []        # heap (time, seq, kind, payload)
        self.fated = set()             # receipt moves whose arrival is scheduled
        self._seq = 0
        self.timing = defaultdict(float)

    # ------------------------------------------------------------------ clock
    def _move(self, t):
        self.now = t
        self._frozen.move_to(t)

    def _push(self, t, kind, payload):
        self._seq += 1
        heapq.heappush(self.vendor_events, (t, self._seq, kind, payload))

    # ------------------------------------------------------------------ setup
    def setup(self):
        env = self.env
        self.warehouse = env["stock.warehouse"].search([("company_id", "=", env.company.id)], limit=1, order="id")
        self.out_type = self.warehouse.out_type_id
        self.customers = env["res.partner"].search(
            [("customer_rank", ">", 0), ("is_company", "=", True)], order="id")
        categ = {c.name: c for c in env["product.category"].search([])}
        sellable = env["product.product"].search([("sale_ok", "=", True), ("type", "=", "consu")], order="id")
        self.machines = sellable.filtered(lambda p: p.categ_id == categ.get("Custom Machines"))
        self.furniture = sellable.filtered(lambda p: p.categ_id == categ.get("Furniture"))
        self.spares = sellable.filtered(lambda p: p.categ_id == categ.get("Spare parts"))
        self.workcenters = env["mrp.workcenter"].search([], order="id")
        horizon_end = self.days[-1] + timedelta(days=7 * self.drain_weeks + 200)
        t0 = pytz.utc.localize(local_dt(self.days[0] - timedelta(days=1), 0))
        t1 = pytz.utc.localize(local_dt(horizon_end, 0))
        self.intervals, self.available, self.available_measured = {}, {}, defaultdict(float)
        for wc in self.workcenters:
            cal = wc.resource_calendar_id
            iv = cal._work_intervals_batch(t0, t1, resources=wc.resource_id, tz=pytz.timezone(cal.tz or "UTC"))
            self.intervals[wc.id] = Intervals(
                [(s.astimezone(pytz.utc).replace(tzinfo=None), e.astimezone(pytz.utc).replace(tzinfo=None))
                 for s, e, _r in iv[wc.resource_id.id]])
        self.wc_name = {wc.id: wc.name for wc in self.workcenters}
        self.wc_busy = defaultdict(float)
        self.demo_orders = set(env["sale.order"].search([]).ids)
        if not self.orders_per_day:
            self.orders_per_day, self.calibration = self.calibrate(self.load)
            self.progress(f"sim: demand calibrated to {self.orders_per_day:.2f} orders/day "
                          f"({self.load * 100:.0f} % of the bottleneck {self.calibration['bottleneck']})")

    def calibrate(self, load):
        """Orders per day that load the busiest work-centre pool (a centre and its alternatives) to
        `load`: the minutes its work orders really take (their expected time at the simulated
        duration noise's mean), from the BoMs and the product/quantity mix `day_demand` draws
        (confirmed orders only)."""
        env = self.env
        bom_find = env["mrp.bom"]._bom_find
        structure = {}      # product id -> (operations, made components): looked up once each

        def parts(product):
            if product.id not in structure:
                bom = bom_find(product)[product]
                structure[product.id] = (
                    [(op.workcenter_id.id, op.time_cycle_manual, op.workcenter_id.time_efficiency,
                      op.workcenter_id.time_start, op.workcenter_id.time_stop)
                     for op in bom.operation_ids if not op._skip_operation_line(product)],
                    [(bl.product_id, bl.product_qty) for bl in bom.bom_line_ids
                     if not bl._skip_bom_line(product) and bl.product_id.bom_ids])
            return structure[product.id]

        def minutes(product, qty, weight, acc):
            operations, components = parts(product)
            for wc_id, cycle, efficiency, time_start, time_stop in operations:
                acc[wc_id] += weight * (cycle * qty * 100.0 / (efficiency or 100.0) + time_start + time_stop)
            for component, component_qty in components:
                minutes(component, qty * component_qty, weight, acc)

        def mix(products, qtys):
            """Mean minutes per line on each work centre; `qtys`: (quantity, probability)."""
            acc = defaultdict(float)
            for p in products:
                for q, w in qtys:
                    minutes(p, q, w / max(1, len(products)), acc)
            return acc

        def uniform(values, share=1.0):
            return [(v, share / len(values)) for v in values]

        large, low, high = self.FURNITURE_LARGE
        machine = mix(self.machines, uniform(self.MACHINE_QTY))
        furniture = mix(self.furniture, uniform(self.FURNITURE_QTY, 1 - large) +
                        uniform(range(low, high + 1), large))
        # a work order takes its expected time times the noise's mean factor
        noise = ((1 - self.OVERRUN_SHARE) * sum(self.DURATION_NOISE) / 2 +
                 self.OVERRUN_SHARE * sum(self.OVERRUN) / 2)
        lines_per_order = 1.2
        per_order = defaultdict(float)
        for k in set(machine) | set(furniture):
            per_order[k] = noise * lines_per_order * (0.35 * machine.get(k, 0.0) + 0.55 * furniture.get(k, 0.0))
        pools, seen = [], set()
        for wc in self.workcenters:
            if wc.id in seen:
                continue
            pool = wc | wc.alternative_workcenter_ids
            seen |= set(pool.ids)
            pools.append(pool)
        best = None
        for pool in pools:
            demand = sum(per_order.get(w.id, 0.0) for w in pool) * self.CONFIRM_SHARE
            if demand <= 0:
                continue
            capacity = 480.0 * len(pool)
            rate = capacity / demand
            if best is None or rate < best[0]:
                best = (rate, " + ".join(pool.mapped("name")))
        rate = round(load * best[0], 2)
        return rate, {"bottleneck": best[1], "max_orders_per_day": round(best[0], 2),
                      "minutes_per_order": {self.wc_name[k]: round(v) for k, v in sorted(per_order.items())}}

    # ------------------------------------------------------------------ main loop
    def run(self):
        self.setup()
        t_start = _wall()
        drain_end = add_workdays(self.measure_to, 5 * self.drain_weeks)
        day = self.days[0]
        while day <= self.measure_to or (day <= drain_end and not self._measured_judged(day)):
            t_day = _wall()
            with self.freeze(local_dt(day, 7)) as frozen:
                self._frozen = frozen
                self.now = local_dt(day, 7)
                self.run_day(day)
            self.simulated.append(day)
            if self.commit:
                self.env.cr.commit()
            self.env.invalidate_all()
            stats = defaultdict(int, self.day_stats[-1])
            phase = ("warm-up" if day < self.measure_from else "measured" if day <= self.measure_to
                     else "drain")
            self.progress(
                f"sim: day {len(self.simulated)} ({phase}) {day} {day.strftime('%a')}: {stats['orders']} orders "
                f"({stats['confirmed']} confirmed), {stats['wo_done']} WOs, {stats['mo_done']} MOs done, "
                f"{stats['shipped']} deliveries, {stats['receipts']} receipts, {stats['at_risk']} lines at risk "
                f"({_wall() - t_day:.1f}s, total {_wall() - t_start:.0f}s)")
            day = add_workdays(day, 1)
        self.runtime = _wall() - t_start
        with self.freeze(local_dt(self.simulated[-1], 18)):
            self.final_snapshot()
        return self

    def _measured_judged(self, day):
        """Whether every line ordered in the measured weeks is shipped or past its promise (late)
        by the end of `day`: the plant keeps running, demand included, until then."""
        return all(rec["ship_day"] or rec["promise"] < day.isoformat()
                   for rec in self.lines.values() if rec["window"] == "measured")

    def run_day(self, day):
        self.today = day
        self.stat = defaultdict(int)
        day_end = local_dt(day, 17, 30)
        self.morning(day)
        events = []
        for t, kind, payload in self.day_demand(day) + self.day_breakdowns(day) + self.day_crons(day):
            events.append((t, kind, payload))
        events.sort(key=lambda e: (e[0], e[1]))
        ext = []
        for i, (t, kind, payload) in enumerate(events):
            heapq.heappush(ext, (t, i, kind, payload))
        self._load_workorders()
        self._refresh_ready()
        while True:
            # candidates: external events, vendor events, work-order finishes, work-order starts
            cands = []
            if ext:
                cands.append((ext[0][0], 1, "ext"))
            if self.vendor_events and self.vendor_events[0][0] <= day_end:
                cands.append((max(self.vendor_events[0][0], self.now), 0, "vendor"))
            for wc_id, run in self.running.items():
                cands.append((run["finish"], 2, ("finish", wc_id)))
            start = self._next_start(day_end)
            if start:
                cands.append((start[0], 3, ("start", start[1], start[2])))
            cands = [c for c in cands if c[0] <= day_end]
            if not cands:
                break
            t, _prio, what = min(cands, key=lambda c: (c[0], c[1], str(c[2])))
            self._move(max(t, self.now))
            if what == "ext":
                _t, _i, kind, payload = heapq.heappop(ext)
                if kind == "order":
                    self.new_order(payload)
                elif kind == "breakdown":
                    self.breakdown(*payload)
                elif kind == "cron":
                    self.hourly_cron()
            elif what == "vendor":
                _t, _s, kind, payload = heapq.heappop(self.vendor_events)
                self.vendor_event(kind, payload)
            elif what[0] == "finish":
                self.finish_workorder(what[1])
            else:
                self.start_workorder(what[1], what[2])
        self._move(day_end)
        self.end_of_day(day)

    # ------------------------------------------------------------------ morning: buyer
    def morning(self, day):
        env = self.env
        t = _wall()
        # replenishment: reordering rules (auto) and the replenishment report (manual)
        env["stock.rule"].run_scheduler()
        Orderpoint = env["stock.warehouse.orderpoint"]
        try:
            with env.cr.savepoint():
                Orderpoint._get_orderpoint_action()
                manual = Orderpoint.search([("trigger", "=", "manual"), ("qty_to_order", ">", 0)], order="id")
                if manual:
                    manual.action_replenish()
        except Exception as exc:  # noqa: BLE001 - the buyer tries again tomorrow
            self.errors.append(f"{day}: replenishment failed: {exc}")
        self.timing["replenish"] += _wall() - t
        t = _wall()
        rfqs = env["purchase.order"].search([("state", "in", ("draft", "sent"))], order="id")
        for po in rfqs:
            try:
                with env.cr.savepoint():
                    po.button_confirm()
            except Exception as exc:  # noqa: BLE001
                self.errors.append(f"{day}: confirming {po.name} failed: {exc}")
                continue
            self._vendor_fate(po)
        # purchase orders confirmed elsewhere (the demo company's, or by hand) are delivered too
        unscheduled = env["stock.move"].search([
            ("picking_code", "=", "incoming"), ("state", "not in", ("draft", "done", "cancel")),
            ("purchase_line_id.order_id.state", "=", "purchase"), ("id", "not in", list(self.fated))])
        for po in unscheduled.purchase_line_id.order_id.sorted("id"):
            self._vendor_fate(po)
        self.timing["purchase"] += _wall() - t
        self.retry_close()
        self.ship_ready()

    def _vendor_fate(self, po):
        """Decide when the vendor really delivers this PO's open receipt moves (and tell Odoo what
        is known): one shipment per day asked for (a purchase line is delivered on its own date,
        not with the PO's latest line), each on time, late or very late, sometimes short."""
        rng, now = self.rng_vendor, self.now
        moves = po.order_line.move_ids.filtered(
            lambda m: m.state not in ("draft", "done", "cancel") and m.picking_code == "incoming"
            and m.id not in self.fated).sorted("id")
        if not moves:
            return
        self.fated.update(moves.ids)
        # the vendor's confirmed date per line: what was asked, but never faster than its lead time
        quoted = {}
        for pol in moves.purchase_line_id.sorted("id"):
            seller = pol.product_id._select_seller(partner_id=po.partner_id, quantity=pol.product_qty)
            earliest = (po.date_approve or now) + timedelta(days=seller.delay if seller else 0)
            quoted[pol.id] = max(pol.date_planned or earliest, earliest)
            if pol.date_planned and quoted[pol.id] > pol.date_planned + timedelta(hours=1):
                pol.date_planned = quoted[pol.id]
                self.events["vendor_quoted_later"] += 1
        shipments = defaultdict(lambda: self.env["stock.move"])
        for move in moves:
            shipments[local_day(quoted[move.purchase_line_id.id])] |= move
        for due_day in sorted(shipments):
            group = shipments[due_day]
            po_lines = group.purchase_line_id.sorted("id")
            due = max(quoted[pol.id] for pol in po_lines)
            r = rng.random()
            late = 0 if r < self.SLIP[0] else (rng.randint(1, 4) if r < self.SLIP[1] else rng.randint(5, 12))
            arrival_day = add_workdays(due_day, late) if late else due_day
            if arrival_day.weekday() >= 5:
                arrival_day = add_workdays(arrival_day, 0)
            arrival = due if not late and arrival_day == due_day else local_dt(arrival_day, 7, 30)
            arrival = max(arrival, local_dt(arrival_day, 7, 0))
            shorts = {}
            for pol in po_lines:
                if rng.random() < self.SHORT_SHARE:
                    shorts[pol.id] = rng.uniform(0.5, 0.9)
            info = {"po": po.name, "vendor": po.partner_id.name, "quoted": due.isoformat(),
                    "arrival": arrival.isoformat(), "late_workdays": late,
                    "short": bool(shorts), "lines": po_lines.ids,
                    "sale_lines": sorted(set(po_lines.mto_sale_line_id.ids))}
            self.receipts.append(info)
            if late:
                unannounced = rng.random() < self.UNANNOUNCED_SHARE
                notice = 0 if unannounced else rng.randint(1, 3)
                news_day = due_day
                for _ in range(notice):
                    news_day -= timedelta(days=1)
                    while news_day.weekday() >= 5:
                        news_day -= timedelta(days=1)
                news = max(local_dt(news_day, 7, 5), now)
                self._push(news, "news", {"lines": po_lines.ids, "date": local_dt(arrival_day, 10)})
            self._push(arrival, "receipt", {"moves": group.ids, "shorts": shorts, "info": len(self.receipts) - 1})

    def vendor_event(self, kind, payload):
        env = self.env
        if kind == "news":
            lines = env["purchase.order.line"].browse(payload["lines"]).exists()
            lines = lines.filtered(lambda pol: pol.qty_received < pol.product_qty)
            if lines:
                t = _wall()
                lines.write({"date_planned": payload["date"]})
                self.timing["repromise_triggers"] += _wall() - t
                self.events["vendor_delay_news"] += 1
            return
        moves = env["stock.move"].browse(payload["moves"]).exists().filtered(
            lambda m: m.state not in ("done", "cancel"))
        if not moves:
            return
        t = _wall()
        shorts = payload.get("shorts") or {}
        short_lines = env["purchase.order.line"]
        for picking in moves.picking_id.sorted("id"):
            # only this shipment's moves are picked: the others stay in a backorder for their own day
            for move in moves.filtered(lambda m, p=picking: m.picking_id == p):
                qty = move.product_uom_qty
                frac = shorts.get(move.purchase_line_id.id)
                if frac:
                    part = move.product_uom.round(qty * frac)
                    if move.product_uom.rounding >= 1 or move.product_uom.name.lower() in ("units", "unit"):
                        part = math.floor(qty * frac)
                    if 0 < part < qty:
                        qty = part
                        short_lines |= move.purchase_line_id
                move.quantity = qty
                move.picked = True
            picking.with_context(skip_backorder=True, skip_sms=True, skip_expired=True).button_validate()
            self.stat["receipts"] += 1
            if picking.state != "done":
                self.errors.append(f"{self.today}: receipt {picking.name} not validated")
        if short_lines:
            self.events["short_receipts"] += 1
            rest = self.rng_vendor.randint(3, 8)
            day = add_workdays(self.today, rest)
            short_lines.write({"date_planned": local_dt(day, 10)})   # the vendor's new date for the rest
            backorder = short_lines.move_ids.filtered(
                lambda m: m.state not in ("draft", "done", "cancel") and m.picking_code == "incoming"
                and m.id not in self.fated)
            self.fated.update(backorder.ids)
            if backorder:
                self._push(local_dt(day, 7, 30), "receipt", {"moves": backorder.ids, "shorts": {}})
        self.timing["receipts"] += _wall() - t
        self._material_event()
        self.retry_close()
        self.ship_ready()

    # ------------------------------------------------------------------ demand
    def day_demand(self, day):
        rng = self.rng_demand
        n = _poisson(rng, self.orders_per_day)
        events = []
        for _i in range(n):
            minute = rng.randint(8 * 60, 16 * 60 + 30)
            t = local_dt(day, minute // 60, minute % 60)
            lines = []
            n_lines = 1 if rng.random() < 0.8 else 2
            for _l in range(n_lines):
                r = rng.random()
                if r < 0.1 and self.spares:
                    product = self.spares[rng.randrange(len(self.spares))]
                    qty = rng.choice([1, 1, 2, 2, 3, 4, 5])
                elif r < 0.45 and self.machines:
                    product = self.machines[rng.randrange(len(self.machines))]
                    qty = rng.choice(self.MACHINE_QTY)
                else:
                    product = self.furniture[rng.randrange(len(self.furniture))]
                    large, low, high = self.FURNITURE_LARGE
                    qty = rng.choice(self.FURNITURE_QTY) if rng.random() < 1 - large else rng.randint(low, high)
                if product.id not in [p for p, _q in lines]:
                    lines.append((product.id, float(qty)))
            partner = self.customers[rng.randrange(len(self.customers))]
            confirm = rng.random() < self.CONFIRM_SHARE
            events.append((t, "order", {"partner": partner.id, "lines": lines, "confirm": confirm}))
        return events

    def new_order(self, spec):
        env = self.env
        t = _wall()
        so = env["sale.order"].create({
            "partner_id": spec["partner"], "date_order": self.now,
            "order_line": [(0, 0, {"product_id": p, "product_uom_qty": q}) for p, q in spec["lines"]],
        })
        self.stat["orders"] += 1
        try:
            with env.cr.savepoint():
                so.action_mto_promise()
        except Exception as exc:  # noqa: BLE001 - a quotation that cannot be promised stays a quotation
            self.promise_failures.append({"order": so.name, "error": str(exc)[:200]})
            self.timing["promise"] += _wall() - t
            return
        self.timing["promise"] += _wall() - t
        quoted = {line.id: line.mto_promise_date for line in so.order_line}
        if not spec["confirm"]:
            self.quotations += 1
            return
        t = _wall()
        so.action_confirm()
        self.timing["confirm"] += _wall() - t
        self.stat["confirmed"] += 1
        order_day = local_day(self.now)
        window = ("warm-up" if order_day < self.measure_from else "measured" if order_day <= self.measure_to
                  else "drain")
        self.orders[so.id] = {"window": window, "name": so.name, "date_order": self.now.isoformat(),
                              "order_day": order_day.isoformat(),
                              "lines": so.order_line.ids, "commitment": so.commitment_date and
                              local_day(so.commitment_date).isoformat()}
        for line in so.order_line:
            plain = local_day(self.now + timedelta(days=line.customer_lead or 0.0))
            productions = line.mto_production_ids
            self.lines[line.id] = {
                "order": so.name, "order_id": so.id, "product": line.product_id.display_name,
                "kind": ("machine" if line.product_id in self.machines else
                         "spare" if line.product_id in self.spares else "furniture"),
                "qty": line.product_uom_qty, "strategy": line.mto_strategy,
                "order_day": order_day.isoformat(), "window": window,
                "quoted": quoted.get(line.id) and quoted[line.id].isoformat(),
                "promise": line.mto_promise_date and line.mto_promise_date.isoformat(),
                "customer_lead": line.customer_lead, "plain": plain.isoformat(),
                "bottleneck": line.mto_bottleneck_kind, "bottleneck_name": line.mto_bottleneck_name,
                "explanation": line.mto_promise_explanation,
                "productions": productions.ids,
                "ship_day": None, "shipped_qty": 0.0,
                "first_risk_day": None, "risk_cause": None, "forecast": None,
            }
            for mo in productions:
                self.mo_log[mo.id] = {
                    "name": mo.name, "line": line.id, "product": mo.product_id.display_name,
                    "planned_start": mo.date_start and mo.date_start.isoformat(),
                    "planned_finish": mo.date_finished and mo.date_finished.isoformat(),
                    "children": mo._get_children().ids, "wo_planned": bool(mo.workorder_ids.leave_id),
                }
        self._load_workorders()
        self._refresh_ready()
        self.ship_ready(so)

    # ------------------------------------------------------------------ hourly crons
    def day_crons(self, day):
        """The add-on's hourly cron that re-plans orders whose components are late, every working hour."""
        return [(local_dt(day, hour), "cron", None) for hour in range(8, 18)]

    def hourly_cron(self):
        t = _wall()
        self.env["mrp.production"]._mto_cron_replan_late_work()
        self.timing["replan_cron"] += _wall() - t
        self._load_workorders()
        self._refresh_ready()

    # ------------------------------------------------------------------ breakdowns
    def day_breakdowns(self, day):
        rng = self.rng_break
        lam = self.BREAKDOWNS_PER_MONTH / 21.0
        events = []
        for _i in range(_poisson(rng, lam)):
            wc = self.workcenters[rng.randrange(len(self.workcenters))]
            minute = rng.randint(8 * 60, 16 * 60)
            hours = rng.choice([1, 2, 2, 3, 4, 4, 6, 8]) if rng.random() < 0.8 else rng.choice([12, 16, 24])
            events.append((local_dt(day, minute // 60, minute % 60), "breakdown", (wc.id, hours * 60)))
        return events

    def breakdown(self, wc_id, minutes):
        wc = self.env["mrp.workcenter"].browse(wc_id)
        iv = self.intervals[wc_id]
        begin = iv.next_work(self.now)
        end = iv.advance(begin, minutes)
        t = _wall()
        self.env["resource.calendar.leaves"].create({
            "name": f"{wc.name}: breakdown (simulated)", "calendar_id": wc.resource_calendar_id.id,
            "resource_id": wc.resource_id.id, "date_from": begin, "date_to": end, "time_type": "leave",
        })
        self.timing["repromise_triggers"] += _wall() - t
        run = self.running.get(wc_id)
        left = iv.work_minutes(self.now, run["finish"]) if run else 0.0
        iv.subtract(begin, end)
        if run:
            run["finish"] = iv.advance(self.now, left)
        self.breakdowns.append({"workcenter": wc.name, "from": begin.isoformat(), "to": end.isoformat(),
                                "work_minutes": minutes})

    # ------------------------------------------------------------------ shop floor
    def _load_workorders(self):
        """Open work orders of open production orders, per work center in plan order."""
        wos = self.env["mrp.workorder"].search_read(
            [("state", "not in", ("done", "cancel")),
             ("production_id.state", "in", ("confirmed", "progress", "to_close"))],
            ["workcenter_id", "production_id", "date_start", "duration_expected", "operation_id"])
        self.queue = defaultdict(list)
        self.wo_info = {}
        far = FAR
        for w in wos:
            info = {"id": w["id"], "wc": w["workcenter_id"][0], "mo": w["production_id"][0],
                    "plan": w["date_start"] or far, "expected": w["duration_expected"] or 0.0}
            self.wo_info[w["id"]] = info
            self.queue[info["wc"]].append(info)
        for q in self.queue.values():
            q.sort(key=lambda i: (i["plan"], i["id"]))
        running = {r["wo"] for r in self.running.values()}
        # predecessor in its MO: work orders run in operation sequence
        by_mo = defaultdict(list)
        for wo in self.env["mrp.workorder"].browse([w["id"] for w in wos]):
            by_mo[wo.production_id.id].append(wo)
        self.blocked_by = {}
        self.mo_open_wos = {}
        for mo_id, mo_wos in by_mo.items():
            mo_wos.sort(key=lambda w: (w.operation_id.sequence, w.id))
            self.mo_open_wos[mo_id] = [w.id for w in mo_wos]
            for prev, nxt in zip(mo_wos, mo_wos[1:], strict=False):
                self.blocked_by[nxt.id] = prev.id
        self.running_ids = running

    def _refresh_ready(self):
        """Production orders whose components are all reserved (or already started).

        Reservation itself is Odoo's: the morning scheduler, receipts and finished production
        orders assign the moves waiting for them.
        """
        mos = self.env["mrp.production"].browse(sorted(self.mo_open_wos)).exists()
        self.ready = set()
        for mo in mos:
            if mo.state in ("progress", "to_close") or mo.reservation_state == "assigned":
                self.ready.add(mo.id)
                self.mo_ready_at.setdefault(mo.id, self.now)
            elif mo.id not in self.mo_ready_at and mo.date_start and mo.date_start <= self.now:
                self.mo_waiting_for[mo.id] = self._missing_kinds(mo)

    @staticmethod
    def _missing_kinds(mo):
        """What a production order past its planned start still waits for: its sub-assembly's order,
        a purchase made for the order (MTO route), or a component taken from stock."""
        kinds = set()
        for move in mo.move_raw_ids:
            if move.state in ("assigned", "done", "cancel"):
                continue
            origins = move.move_orig_ids
            if origins.production_id:
                kinds.add("sub-assembly")
            elif origins.purchase_line_id or move.created_purchase_line_ids:
                kinds.add("purchase for the order")
            else:
                kinds.add("stock component")
        return sorted(kinds)

    def _material_event(self):
        self._refresh_ready()

    def _eligible(self, info):
        if info["id"] in self.running_ids or info.get("done"):
            return False
        if info["mo"] not in self.ready:
            return False
        prev = self.blocked_by.get(info["id"])
        return not (prev and prev in self.wo_info and not self.wo_info[prev].get("done"))

    def _next_start(self, day_end):
        best = None
        for wc_id, queue in self.queue.items():
            if wc_id in self.running:
                continue
            t = self.intervals[wc_id].next_work(self.now)
            if t is None or t > day_end:
                continue
            info = self._pick(wc_id, queue, t)
            if not info:
                continue
            if best is None or (t, wc_id) < (best[0], best[1]):
                best = (t, wc_id, info["id"])
        return best

    def _pick(self, wc_id, queue, t):
        """The work order to start at `t`: in the order the plan says.

        The first one that can start; one planned later goes ahead of work orders still waiting
        (for the operation before them, or their components) only if it is expected to end before
        the earliest of their planned starts, as a foreman would not start a three-day job planned
        next week an hour before the job planned next.
        """
        hold = None
        for info in queue:
            if info["id"] in self.running_ids or info.get("done"):
                continue
            if self._eligible(info):
                if hold is None:
                    return info
                end = self.intervals[wc_id].advance(t, info["expected"] or 1.0)
                if end is not None and end <= hold:
                    return info
            elif t <= info["plan"] < FAR and (hold is None or info["plan"] < hold):
                hold = info["plan"]
        return None

    def start_workorder(self, wc_id, wo_id):
        env = self.env
        info = self.wo_info[wo_id]
        wo = env["mrp.workorder"].browse(wo_id)
        t = _wall()
        mo = wo.production_id
        first = mo.id in self.mo_log and "first_start" not in self.mo_log[mo.id]
        if mo.id not in self.mo_log:
            self.mo_log[mo.id] = {"name": mo.name, "line": mo.mto_sale_line_id.id or None,
                                  "product": mo.product_id.display_name,
                                  "planned_start": mo.date_start and mo.date_start.isoformat(),
                                  "children": mo._get_children().ids}
            first = True
        if first:
            # feasibility as executed: children done and every component reserved right now
            log = self.mo_log[mo.id]
            log["first_start"] = self.now.isoformat()
            children = mo._get_children()
            log["children_open"] = children.filtered(lambda c: c.state != "done").mapped("name")
            log["children_done_at"] = [self.mo_log.get(c.id, {}).get("done_at") for c in children]
            missing = [m.product_id.display_name for m in mo.move_raw_ids
                       if m.state not in ("done", "cancel") and
                       m.product_uom.compare(m.quantity, m.product_uom_qty) < 0]
            log["components_missing"] = missing
            log["ready_at"] = self.mo_ready_at.get(mo.id, self.now).isoformat()
            log["waited_for"] = self.mo_waiting_for.get(mo.id, [])
        wo.button_start()
        expected = info["expected"] or wo.duration_expected or 1.0
        rng = self.rng_shop
        factor = (rng.uniform(*self.OVERRUN) if rng.random() < self.OVERRUN_SHARE
                  else rng.uniform(*self.DURATION_NOISE))
        minutes = expected * factor
        if factor >= self.OVERRUN[0]:
            # the operator reports it: the planner updates the expected duration (a re-promise trigger)
            wo.duration_expected = minutes
            self.events["overruns_reported"] += 1
        finish = self.intervals[wc_id].advance(self.now, minutes)
        self.running[wc_id] = {"wo": wo_id, "start": self.now, "finish": finish, "minutes": minutes,
                               "expected": expected, "plan": info["plan"]}
        self.running_ids.add(wo_id)
        self.timing["workorders"] += _wall() - t

    def finish_workorder(self, wc_id):
        env = self.env
        run = self.running.pop(wc_id)
        self.running_ids.discard(run["wo"])
        t = _wall()
        wo = env["mrp.workorder"].browse(run["wo"])
        wo.button_finish()
        info = self.wo_info.get(run["wo"])
        if info:
            info["done"] = True
        self.wc_busy[wc_id] += run["minutes"]
        self.wo_log.append({"wc": self.wc_name[wc_id], "start": run["start"].isoformat(),
                            "finish": self.now.isoformat(), "minutes": round(run["minutes"], 1),
                            "expected": round(run["expected"], 1), "mo": wo.production_id.id,
                            "planned_start": run["plan"].isoformat() if run["plan"].year < 2999 else None})
        self.stat["wo_done"] += 1
        mo = wo.production_id
        self.timing["workorders"] += _wall() - t
        if all(w.state in ("done", "cancel") for w in mo.workorder_ids):
            self.finish_production(mo)

    def finish_production(self, mo):
        """Close the MO whose last work order ended; with components missing it waits for them."""
        t = _wall()
        mo.action_assign()
        missing = [m for m in mo.move_raw_ids if m.state not in ("done", "cancel")
                   and m.product_uom.compare(m.quantity, m.product_uom_qty) < 0]
        if missing:
            if mo.id not in self.to_close:
                self.errors.append(f"{self.now}: {mo.name} finished its work orders without "
                                   f"{', '.join(m.product_id.display_name for m in missing)}: waits to be closed")
            self.to_close.add(mo.id)
            self.timing["productions"] += _wall() - t
            return
        self.to_close.discard(mo.id)
        try:
            with self.env.cr.savepoint():
                mo.qty_producing = mo.product_qty
                mo._set_qty_producing(False)
                mo.move_raw_ids.filtered(lambda m: m.state not in ("done", "cancel")).picked = True
                res = mo.with_context(skip_redirection=True, skip_consumption=True, skip_backorder=True,
                                      mo_ids_to_backorder=[]).button_mark_done()
        except Exception as exc:  # noqa: BLE001 - recorded, the MO stays open
            self.errors.append(f"{self.now}: marking {mo.name} done failed: {type(exc).__name__}: {exc}")
            self.failed_close.add(mo.id)
            self.env.invalidate_all()
            self.timing["productions"] += _wall() - t
            return
        if mo.state != "done":
            self.errors.append(f"{self.now}: {mo.name} not done ({res!r:.100})")
        log = self.mo_log.setdefault(mo.id, {"name": mo.name, "line": mo.mto_sale_line_id.id or None})
        log["done_at"] = self.now.isoformat()
        self.stat["mo_done"] += 1
        self.timing["productions"] += _wall() - t
        self._material_event()
        orders = mo.mto_sale_line_id.order_id | mo.sale_line_id.order_id
        self.ship_ready(orders if orders else None)

    def retry_close(self):
        for mo_id in sorted(self.to_close - self.failed_close):
            mo = self.env["mrp.production"].browse(mo_id)
            if mo.state not in ("done", "cancel"):
                self.finish_production(mo)
            else:
                self.to_close.discard(mo_id)

    # ------------------------------------------------------------------ shipping
    def ship_ready(self, orders=None):
        env = self.env
        t = _wall()
        domain = [("picking_type_code", "=", "outgoing"), ("state", "in", ("confirmed", "waiting", "assigned"))]
        if orders:
            domain.append(("sale_id", "in", orders.ids))
        pickings = env["stock.picking"].search(domain, order="id")
        todo = pickings.filtered(lambda p: p.state in ("confirmed", "waiting"))
        if todo and orders:
            todo.action_assign()
        for picking in pickings.filtered(lambda p: p.state == "assigned"):
            moves = picking.move_ids.filtered(lambda m: m.state not in ("done", "cancel"))
            if not any(m.quantity > 0 for m in moves):
                continue
            for move in moves:
                move.picked = True
            try:
                with env.cr.savepoint():
                    picking.with_context(skip_backorder=True, skip_sms=True, skip_expired=True).button_validate()
            except Exception as exc:  # noqa: BLE001
                self.errors.append(f"{self.now}: shipping {picking.name} failed: {exc}")
                continue
            if picking.state == "done":
                self.stat["shipped"] += 1
                self._record_shipment(picking)
        self.timing["shipping"] += _wall() - t

    def _record_shipment(self, picking):
        for move in picking.move_ids.filtered(lambda m: m.state == "done" and m.sale_line_id):
            rec = self.lines.get(move.sale_line_id.id)
            if not rec:
                continue
            rec["shipped_qty"] = move.sale_line_id.qty_delivered
            if move.sale_line_id.product_uom_id.compare(rec["shipped_qty"], rec["qty"]) >= 0 and not rec["ship_day"]:
                rec["ship_day"] = local_day(self.now).isoformat()
                rec["ship_at"] = self.now.isoformat()

    # ------------------------------------------------------------------ end of day
    def end_of_day(self, day):
        env = self.env
        t = _wall()
        env["sale.order.line"]._mto_cron_repromise()
        self.timing["repromise_cron"] += _wall() - t
        open_ids = [lid for lid, rec in self.lines.items() if not rec["ship_day"]]
        at_risk = 0
        for line in env["sale.order.line"].browse(open_ids):
            rec = self.lines[line.id]
            rec["forecast"] = line.mto_forecast_date and line.mto_forecast_date.isoformat()
            if rec["forecast"] and (not rec.get("max_forecast") or rec["forecast"] > rec["max_forecast"]):
                rec["max_forecast"] = rec["forecast"]
            if line.mto_at_risk:
                at_risk += 1
                rec["days_at_risk"] = rec.get("days_at_risk", 0) + 1
                if not rec["first_risk_day"]:  # what the forecast waited for when first flagged
                    rec["first_risk_forecast"] = f"{line.mto_forecast_date}: {line.mto_forecast_explanation}"
                rec["first_risk_day"] = rec["first_risk_day"] or day.isoformat()
                rec["risk_cause"] = line.mto_risk_cause or rec["risk_cause"]
        busy_wcs = {wc: self.intervals[wc].work_minutes(local_dt(day, 0), local_dt(day, 23, 59))
                    for wc in self.intervals}
        for wc, minutes in busy_wcs.items():
            self.available[wc] = self.available.get(wc, 0.0) + minutes
            if self.measure_from <= day <= self.measure_to:
                self.available_measured[wc] += minutes
        self.day_stats.append({"day": day.isoformat(), "at_risk": at_risk, **self.stat})

    def final_snapshot(self):
        """Risk flags and causes of what is still open at the end (for the late-order analysis)."""
        for line in self.env["sale.order.line"].browse(list(self.lines)):
            rec = self.lines[line.id]
            rec["final_forecast"] = line.mto_forecast_date and line.mto_forecast_date.isoformat()
            rec["final_risk_cause"] = line.mto_risk_cause or None
            rec["state"] = line.order_id.mto_fulfilment_state

    # ------------------------------------------------------------------ results
    def result(self):
        return {
            "start": self.days[0].isoformat(), "end": self.simulated[-1].isoformat(), "weeks": self.weeks,
            "measure_from": self.measure_from.isoformat(), "measure_to": self.measure_to.isoformat(),
            "warmup_weeks": self.warmup_weeks, "drain_weeks": self.drain_weeks,
            "drain_days": sum(1 for d in self.simulated if d > self.measure_to),
            "seed": self.seed, "orders_per_day": self.orders_per_day, "working_days": len(self.simulated),
            "load": self.load, "calibration": self.calibration, "repromise": self.repromise,
            "lines": self.lines, "orders": self.orders, "quotations_left_draft": self.quotations,
            "promise_failures": self.promise_failures, "receipts": self.receipts,
            "breakdowns": self.breakdowns, "productions": self.mo_log, "workorders": self.wo_log,
            "events": dict(self.events), "errors": self.errors,
            "productions_waiting_to_close": sorted(self.to_close),
            "productions_failed_to_close": sorted(self.failed_close), "day_stats": self.day_stats,
            "workcenter_busy_minutes": {self.wc_name[k]: round(v, 1) for k, v in sorted(self.wc_busy.items())},
            "workcenter_available_minutes": {self.wc_name[k]: round(v, 1) for k, v in sorted(self.available.items())},
            "workcenter_available_minutes_measured": {self.wc_name[k]: round(v, 1)
                                                      for k, v in sorted(self.available_measured.items())},
            "timing_seconds": {k: round(v, 1) for k, v in sorted(self.timing.items())},
        }


def _iso(d):
    return d.isoformat() if isinstance(d, date | datetime) else d
