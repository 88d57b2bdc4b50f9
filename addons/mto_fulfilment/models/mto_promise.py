"""ORM side of capable-to-promise: load one snapshot, run the pure-Python planner, apply results.

The snapshot is loaded in a number of batched queries that depends on the BoM depth and the
number of calendars, not on the number of lines, components or operations.
"""
import dataclasses
import logging
import types
from collections import defaultdict
from datetime import timedelta

import pytz

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from ..planning import (
    Bom,
    BomLine,
    LineRequest,
    Operation,
    Planner,
    PlanningError,
    PlanningInputError,
    Product,
    Snapshot,
    Workcenter,
)

_logger = logging.getLogger(__name__)

MAX_BOM_DEPTH = 12
ACTIVE_MOVE_STATES = ("waiting", "confirmed", "partially_available", "assigned")


def _naive_utc(value):
    return value.astimezone(pytz.utc).replace(tzinfo=None)


class MtoPromise(models.AbstractModel):
    _name = "mto.promise"
    _description = "MTO capable-to-promise engine"

    # ------------------------------------------------------------------ API
    @api.model
    def simulate(self, lines):
        """What-if promise for `lines` (list of dicts), without writing anything.

        Each dict: product_id, product_uom_qty, and optionally partner_id, warehouse_id,
        date_order. Returns one dict per line (see DESIGN.md, `mto.promise.simulate`).
        """
        if not self.env.user.has_group("sales_team.group_sale_salesman"):
            raise AccessError(self.env._("Only sales users can ask for a delivery promise."))
        if not isinstance(lines, list | tuple) or not lines:
            raise ValidationError(self.env._("simulate() expects a non-empty list of lines."))
        # batched look-ups: the query count must not grow with the number of lines
        ids = [line["product_id"] for line in lines
               if isinstance(line, dict) and type(line.get("product_id")) is int]
        cache = {"products": set(self.env["product.product"].browse(ids).exists().ids),
                 "warehouses": {}, "partners": {}}
        requests = [self._simulate_request(index, line, cache) for index, line in enumerate(lines)]
        self.env["product.product"].union(*[r["product"] for r in requests]).check_access("read")
        rules = self.env["mto.routing.rule"].sudo()._find_rules(
            (r["key"], r["product"], r["partner"], r["qty"], r["warehouse"], r["company"]) for r in requests)
        for request in requests:
            rule = rules[request["key"]]
            request["strategy"] = rule.strategy if rule else self._native_strategy(request["product"],
                                                                                     request["warehouse"])
        warehouses = {r["warehouse"] for r in requests}
        results = {}
        for warehouse in warehouses:
            group = [r for r in requests if r["warehouse"] == warehouse]
            now = min(r["start"] for r in group)
            planned = self._plan(group, warehouse, now)
            results.update(planned)
        return [self._result_dict(requests[i], results[i]) for i in range(len(requests))]

    def _simulate_request(self, index, line, cache):
        env = self.env
        if not isinstance(line, dict):
            raise ValidationError(env._("Line %s must be a dictionary.", index + 1))
        missing = [k for k in ("product_id", "product_uom_qty") if k not in line]
        if missing:
            raise ValidationError(env._("Line %(n)s misses %(keys)s.", n=index + 1, keys=", ".join(missing)))
        product_id, qty = line["product_id"], line["product_uom_qty"]
        if not isinstance(product_id, int) or isinstance(product_id, bool):
            raise ValidationError(env._("Line %s: product_id must be an integer id.", index + 1))
        if not isinstance(qty, int | float) or isinstance(qty, bool):
            raise ValidationError(env._("Line %s: product_uom_qty must be a number.", index + 1))
        if qty <= 0:
            raise ValidationError(env._("Line %(n)s: the quantity must be positive (got %(qty)s).",
                                        n=index + 1, qty=qty))
        product = env["product.product"].browse(product_id if product_id in cache["products"] else [])
        if not product or not product.active:
            raise UserError(env._("Line %(n)s: unknown or archived product (id %(id)s).",
                                  n=index + 1, id=product_id))
        if product.sudo().company_id and product.sudo().company_id not in env.companies:
            raise AccessError(env._("Line %s: the product belongs to another company.", index + 1))
        company = env.company
        warehouse = env["stock.warehouse"]
        if line.get("warehouse_id"):
            warehouse = warehouse.browse(line["warehouse_id"]).exists()
            if not warehouse:
                raise UserError(env._("Line %(n)s: unknown warehouse (id %(id)s).", n=index + 1,
                                      id=line["warehouse_id"]))
            if warehouse.sudo().company_id not in env.companies:
                raise AccessError(env._("Line %s: the warehouse belongs to another company.", index + 1))
            warehouse.check_access("read")
            company = warehouse.company_id
        else:
            if company.id not in cache["warehouses"]:
                cache["warehouses"][company.id] = warehouse.search([("company_id", "=", company.id)], limit=1)
            warehouse = cache["warehouses"][company.id]
            if not warehouse:
                raise UserError(env._("Company %s has no warehouse.", company.name))
        partner = env["res.partner"]
        if line.get("partner_id"):
            key = line["partner_id"]
            if key not in cache["partners"]:
                cache["partners"][key] = partner.browse(key).exists() if isinstance(key, int) else partner
            partner = cache["partners"][key]
            if not partner:
                raise UserError(env._("Line %(n)s: unknown customer (id %(id)s).", n=index + 1,
                                      id=line["partner_id"]))
        start = fields.Datetime.now()
        if line.get("date_order"):
            try:
                start = max(start, fields.Datetime.to_datetime(line["date_order"]))
            except (TypeError, ValueError) as exc:
                raise ValidationError(env._("Line %(n)s: date_order %(d)r is not a date.",
                                            n=index + 1, d=line["date_order"])) from exc
        return {"key": index, "product": product, "qty": qty, "partner": partner,
                "warehouse": warehouse, "company": company, "start": start}

    @api.model
    def _native_strategy(self, product, warehouse):
        mto_route = warehouse.mto_pull_id.route_id
        routes = product.route_ids | product.categ_id.total_route_ids
        return "make_to_order" if mto_route and mto_route in routes else "make_to_stock"

    def _result_dict(self, request, result):
        data = result.to_dict()
        bottleneck = data["bottleneck"]
        return {
            "product_id": request["product"].id,
            "quantity": request["qty"],
            "promise_date": data["promise_date"],
            "material_ready_date": data["material_ready"],
            "capacity_ready_date": data["capacity_ready"],
            "strategy": request["strategy"],
            "bottleneck": {"kind": bottleneck["kind"], "name": bottleneck["name"],
                           "date": bottleneck["date"]},
            "explanation": data["explanation"],
        }

    # ------------------------------------------------------------- planning
    @api.model
    def _plan(self, requests, warehouse, now, exclude_sale_lines=None, lock=False):
        """Run the planner for `requests` (dicts with key, product, qty, strategy, start).

        Returns {key: planning.LineResult}. Raises UserError with the planner's message. With
        `lock`, the work centers involved are row-locked before their load is read, so that two
        confirmations cannot book the same slot.
        """
        snapshot = self._load_snapshot(
            self.env["product.product"].union(*[r["product"] for r in requests]), warehouse, now,
            exclude_sale_lines=exclude_sale_lines, lock=lock)
        planner = Planner(snapshot)
        results = {}
        for request in requests:
            line = LineRequest(key=request["key"], product_id=request["product"].id,
                               quantity=request["qty"], strategy=request["strategy"] or "make_to_stock",
                               earliest_start=request["start"] if request["start"] > now else None)
            try:
                results[request["key"]] = planner.promise(line)
            except PlanningInputError as exc:
                raise ValidationError(str(exc)) from exc
            except PlanningError as exc:
                raise UserError(self.env._("Cannot promise %(product)s: %(reason)s",
                                           product=request["product"].display_name, reason=exc)) from exc
        return results

    # ------------------------------------------------------------- snapshot
    @api.model
    def _load_snapshot(self, products, warehouse, now, exclude_sale_lines=None, lock=False,
                       exclude_production_of=None):
        company = warehouse.company_id
        boms, _levels = self._load_boms(products, company, warehouse.mto_pull_id.route_id)
        all_products = products
        for bom_data in boms.values():
            all_products |= bom_data["components"]
        snap_products = self._snapshot_products(all_products, boms, company)
        if lock:
            workcenters = self.env["mrp.workcenter"].sudo().browse(
                {op.workcenter_id for data in boms.values() for op in data["bom"].operations})
            self._lock_workcenters((workcenters | workcenters.alternative_workcenter_ids).ids)
        workcenters = self._load_workcenters(boms, now)
        free_qty, supply, demand = self._load_material(
            all_products, warehouse, now, exclude_sale_lines, exclude_production_of)
        return Snapshot(
            now=now,
            products=snap_products,
            boms={key: data["bom"] for key, data in boms.items()},
            free_qty=free_qty,
            supply=supply,
            demand=demand,
            workcenters=workcenters,
            purchase_lead_days=company.days_to_purchase or 0.0,
            manufacturing_lead_days=0.0,
            security_lead_days=company.security_lead or 0.0,
            delivery_days=sum(warehouse.delivery_route_id.rule_ids.mapped("delay")),
            horizon_days=self._horizon_days(),
        )

    @api.model
    def _horizon_days(self):
        return int(self.env["ir.config_parameter"].sudo().get_param("mto_fulfilment.horizon_days", 365))

    @api.model
    def _load_boms(self, products, company, mto_route=None):
        """Explode BoMs level by level (one `_bom_find` per level) into variant-specific BoMs.

        A sub-assembly is planned on the work centers only when Odoo will make it for the order
        (MTO route: a linked sub-MO whose slots confirmation books). Other manufactured components
        are replenished by their own MOs, so they count with the BoM's manufacturing lead time
        instead of capacity nobody would book for this order.

        Returns ({product_id: {"bom": planning.Bom, "record": mrp.bom, "components": products}},
        {level: products}).
        """
        result = {}
        levels = {}
        todo = products
        seen = self.env["product.product"]
        for depth in range(MAX_BOM_DEPTH):
            todo -= seen
            if not todo:
                break
            seen |= todo
            levels[depth] = todo
            found = self.env["mrp.bom"].sudo()._bom_find(todo, company_id=company.id, bom_type="normal")
            components = self.env["product.product"]
            for product in todo:
                bom = found.get(product)
                if not bom:
                    continue
                lines = []
                line_products = self.env["product.product"]
                for bom_line in bom.bom_line_ids:
                    if bom_line._skip_bom_line(product) or bom_line.product_qty <= 0:
                        continue
                    qty = bom_line.product_uom_id._compute_quantity(
                        bom_line.product_qty, bom_line.product_id.uom_id, round=False)
                    lines.append(BomLine(bom_line.product_id.id, qty))
                    line_products |= bom_line.product_id
                made_for_order = depth == 0 or (mto_route and mto_route in (
                    product.route_ids | product.categ_id.total_route_ids))
                operations = [
                    Operation(op.id, op.name, op.sequence, op.workcenter_id.id,
                              op.time_cycle_manual if op.time_mode == "manual" else op.time_cycle)
                    for op in bom.operation_ids if not op._skip_operation_line(product)
                ] if made_for_order else []
                result[product.id] = {
                    "record": bom,
                    "components": line_products,
                    "bom": Bom(
                        id=product.id,  # one planning BoM per variant: keyed by the product
                        product_id=product.id,
                        product_qty=bom.product_uom_id._compute_quantity(
                            bom.product_qty, product.uom_id, round=False) or 1.0,
                        days_to_prepare_mo=bom.days_to_prepare_mo or 0.0,
                        produce_delay=bom.produce_delay or 0.0,
                        lines=lines,
                        operations=operations,
                    ),
                }
                components |= line_products
            todo = components
        else:
            if todo - seen:
                raise UserError(self.env._("Bills of materials nest deeper than %s levels.", MAX_BOM_DEPTH))
        return result, levels

    @api.model
    def _snapshot_products(self, products, boms, company):
        """Sourcing per product. The purchase delay is the one of the vendor Odoo will buy from
        (`_select_seller`: cheapest valid price, then sequence), not the fastest vendor, so the
        promise waits for the purchase order confirmation will really create."""
        today = fields.Date.context_today(self)
        result = {}
        for product in products.with_company(company):
            seller = product._select_seller(quantity=None, date=today, uom_id=product.uom_id)
            result[product.id] = Product(
                id=product.id,
                name=product.display_name,
                bom_id=product.id if product.id in boms else None,
                purchase_delay_days=float(seller.delay) if seller else None,
                can_manufacture=product.id in boms,
                can_buy=bool(seller),
            )
        return result

    @api.model
    def _load_material(self, products, warehouse, now, exclude_sale_lines=None, exclude_production_of=None):
        """Free stock now, incoming supply and already-promised demand, per product.

        `exclude_production_of`: sale lines whose own production moves (component demand,
        finished goods) are left out, because the forecast re-plans that production itself.
        """
        free = products.with_context(warehouse_id=warehouse.id)._mto_free_qty_for_promise()
        location = warehouse.view_location_id
        Move = self.env["stock.move"].sudo()
        base = [("product_id", "in", products.ids), ("state", "in", ACTIVE_MOVE_STATES)]
        if exclude_sale_lines:
            base.append(("sale_line_id", "not in", exclude_sale_lines.ids))
        if exclude_production_of:
            base += ["|", ("mto_sale_line_id", "not in", exclude_production_of.ids), "&",
                     ("production_id", "=", False), ("raw_material_production_id", "=", False)]
        inside = ["&", ("location_dest_id", "child_of", location.id), "!", ("location_id", "child_of", location.id)]
        outside = ["&", ("location_id", "child_of", location.id), "!", ("location_dest_id", "child_of", location.id)]
        supply = defaultdict(list)
        # a receipt arrives when its purchase line says (a vendor's new date moves that, not the move)
        for product, date, po_line, qty in Move._read_group(
                base + inside, ["product_id", "date:day", "purchase_line_id"], ["product_qty:sum"]):
            when = po_line.date_planned if po_line and po_line.date_planned else date
            supply[product.id].append((max(now, when), qty))
        demand = defaultdict(list)
        for product, date, qty, reserved in Move._read_group(
                base + outside, ["product_id", "date:day"], ["product_qty:sum", "quantity:sum"]):
            open_qty = qty - reserved
            if open_qty > 0:
                demand[product.id].append((max(now, date), open_qty))
        return free, dict(supply), dict(demand)

    @api.model
    def _load_workcenters(self, boms, now):
        """Workcenters of all operations (and their alternatives), with calendars and load."""
        ids = {op.workcenter_id for data in boms.values() for op in data["bom"].operations}
        workcenters = self.env["mrp.workcenter"].sudo().browse(sorted(ids))
        workcenters |= workcenters.alternative_workcenter_ids
        if not workcenters:
            return {}
        no_calendar = workcenters.filtered(lambda w: not w.resource_calendar_id)
        if no_calendar:
            raise UserError(self.env._(
                "Work center %s has no working hours: set its calendar to promise dates.",
                ", ".join(no_calendar.mapped("name"))))
        end = now + timedelta(days=self._horizon_days())
        start_utc, end_utc = pytz.utc.localize(now), pytz.utc.localize(end)
        working = {}
        for calendar in workcenters.resource_calendar_id:
            members = workcenters.filtered(lambda w, c=calendar: w.resource_calendar_id == c)
            intervals = calendar._work_intervals_batch(
                start_utc, end_utc, resources=members.resource_id, tz=pytz.timezone(calendar.tz or "UTC"))
            for workcenter in members:
                working[workcenter.id] = [
                    (_naive_utc(s), _naive_utc(e)) for s, e, _r in intervals[workcenter.resource_id.id]]
        booked = defaultdict(list)
        leaves = self.env["resource.calendar.leaves"].sudo().search_read(
            [("resource_id", "in", workcenters.resource_id.ids), ("time_type", "=", "other"),
             ("date_to", ">", now)], ["resource_id", "date_from", "date_to"])
        by_resource = {w.resource_id.id: w.id for w in workcenters}
        for leave in leaves:
            booked[by_resource[leave["resource_id"][0]]].append((leave["date_from"], leave["date_to"]))
        result = {}
        for workcenter in workcenters:
            capacities = {
                c.product_id.id: (c.capacity, c.time_start, c.time_stop)
                for c in workcenter.capacity_ids if c.product_id and c.capacity > 0
            }
            result[workcenter.id] = Workcenter(
                id=workcenter.id, name=workcenter.name,
                time_efficiency=workcenter.time_efficiency or 100.0,
                time_start=workcenter.time_start, time_stop=workcenter.time_stop,
                capacities=capacities,
                alternative_ids=workcenter.alternative_workcenter_ids.ids,
                working=working[workcenter.id],
                booked=booked.get(workcenter.id, []),
            )
        return result

    # ------------------------------------------------------------- booking
    @api.model
    def _lock_workcenters(self, workcenter_ids):
        """Serialize confirmations that book the same work centers (fixed order: no deadlocks).

        The rows are also touched, so that a concurrent transaction whose snapshot predates our
        commit fails with a serialization error when it locks them, and is retried by Odoo with a
        fresh view of the booked intervals (a plain row lock would let it plan on stale data).
        """
        if workcenter_ids:
            ids = tuple(sorted(workcenter_ids))
            self.env.cr.execute("SELECT id FROM mrp_workcenter WHERE id IN %s ORDER BY id FOR UPDATE", [ids])
            self.env.cr.execute("UPDATE mrp_workcenter SET write_date = write_date WHERE id IN %s", [ids])

    @api.model
    def _book(self, sale_line, result):
        """Plan the line's production orders into exactly the slots the promise counted on."""
        bookings = defaultdict(list)
        for booking in result.bookings:
            bookings[(booking.product_id, booking.operation_id)].append(booking)
        Leave = self.env["resource.calendar.leaves"].sudo().with_context(mto_booking=True)
        workcenters = self.env["mrp.workcenter"].sudo()
        material_ready = result.material_ready
        productions = sale_line.mto_production_ids.filtered(lambda p: p.state in ("draft", "confirmed"))
        # booking is the plant's side of a confirmation: a salesperson confirming need not be a planner
        for production in productions.sudo().with_context(mto_booking=True).sorted("id"):
            leaves_vals, workorders = [], []
            for workorder in production.workorder_ids.sorted(lambda w: (w.operation_id.sequence, w.id)):
                queue = bookings.get((production.product_id.id, workorder.operation_id.id))
                if not queue:
                    continue
                slot = queue.pop(0)
                workcenter = workcenters.browse(slot.workcenter_id)
                leaves_vals.append({
                    "name": workorder.display_name,
                    "calendar_id": workcenter.resource_calendar_id.id,
                    "date_from": slot.start, "date_to": slot.end,
                    "resource_id": workcenter.resource_id.id, "time_type": "other",
                })
                workorders.append((workorder, workcenter, slot))
            if workorders:
                workorder_leaves = Leave.create(leaves_vals)
                for (workorder, workcenter, _slot), leave in zip(workorders, workorder_leaves, strict=True):
                    vals = {"leave_id": leave.id}
                    if workorder.workcenter_id != workcenter:
                        vals["workcenter_id"] = workcenter.id
                        vals["duration_expected"] = workorder._get_duration_expected(alternative_workcenter=workcenter)
                    workorder.write(vals)
                production.with_context(force_date=True).write({
                    "date_start": min(s.start for _w, _c, s in workorders),
                    "date_finished": max(s.end for _w, _c, s in workorders),
                })
            elif not production.workorder_ids and material_ready > production.date_start:
                production.with_context(force_date=True).date_start = material_ready
        self._align_purchases(sale_line, productions)

    @api.model
    def _align_purchases(self, sale_line, productions):
        """Ask the vendors for the order's components by the booked start of the MO that needs them
        (RFQ lines were dated from the MOs' dates before booking)."""
        need_by = {}
        for production in productions:
            for move in production.move_raw_ids:
                when = production.date_start
                need_by[move.product_id.id] = min(need_by.get(move.product_id.id, when), when)
        po_lines = self.env["purchase.order.line"].sudo().search([
            ("mto_sale_line_id", "=", sale_line.id), ("order_id.state", "in", ("draft", "sent"))])
        for po_line in po_lines:
            when = need_by.get(po_line.product_id.id)
            if when and po_line.date_planned and po_line.date_planned > when:
                po_line.date_planned = when

    # ------------------------------------------------------------ re-promise
    @api.model
    def _forecast(self, sale_lines):
        """What the plant expects now for confirmed lines: {line: LineResult}, nothing written.

        One snapshot per warehouse; each line is re-planned on its own (its own work order
        bookings and production moves set aside, its own order stock counted as available), so
        the result does not depend on how lines are batched.
        """
        results = {}
        now = fields.Datetime.now()
        for warehouse in sale_lines.warehouse_id:
            lines = sale_lines.filtered(lambda sol, w=warehouse: sol.warehouse_id == w)
            own_stock = self._own_order_stock(lines)
            requests = {line: line._mto_forecast_request(now, own_stock.get(line.id, {})) for line in lines}
            todo = {line: req for line, req in requests.items() if req}
            ready = lines - self.env["sale.order.line"].union(*todo) if todo else lines
            if ready:
                delivery = self._delivery_only(warehouse, now)
                for line in ready:
                    results[line] = delivery
            if not todo:
                continue
            products = self.env["product.product"].union(*[r["product"] for r in todo.values()])
            snapshot = self._load_snapshot(products, warehouse, now, exclude_sale_lines=lines,
                                           exclude_production_of=lines)
            own_leaves = self._own_booked_intervals(lines)
            own_purchases = self._own_purchases(lines)
            for line, request in todo.items():
                planner = Planner(self._snapshot_for_line(
                    snapshot, own_leaves.get(line.id), own_stock.get(line.id), own_purchases.get(line.id)))
                try:
                    results[line] = planner.promise(LineRequest(
                        key=line.id, product_id=request["product"].id, quantity=request["qty"],
                        strategy=request["strategy"]))
                except PlanningError as exc:
                    _logger.warning("MTO re-promise of %s skipped: %s", line.display_name, exc)
        return results

    @api.model
    def _delivery_only(self, warehouse, now):
        """Result for a line whose goods are all made: only the delivery lead times remain."""
        snapshot = Snapshot(now=now, security_lead_days=warehouse.company_id.security_lead or 0.0,
                            delivery_days=sum(warehouse.delivery_route_id.rule_ids.mapped("delay")))
        days = snapshot.security_lead_days + snapshot.delivery_days
        return types.SimpleNamespace(
            promise_date=(now + timedelta(days=days)).date(), material_ready=now, capacity_ready=now,
            bottleneck=types.SimpleNamespace(kind="lead_time", name=self.env._("Goods ready"), date=now),
            explanation=self.env._("The goods are ready; only the delivery lead time remains."),
            bookings=[], allocations=[])

    @api.model
    def _own_booked_intervals(self, lines):
        """{line id: {workcenter id: [(start, end)]}} of the lines' own planned work orders."""
        result = defaultdict(lambda: defaultdict(list))
        workorders = self.env["mrp.workorder"].sudo().search([
            ("production_id.mto_sale_line_id", "in", lines.ids), ("leave_id", "!=", False),
            ("state", "not in", ("done", "cancel"))])
        for workorder in workorders:
            leave = workorder.leave_id
            result[workorder.production_id.mto_sale_line_id.id][workorder.workcenter_id.id].append(
                (leave.date_from, leave.date_to))
        return result

    @api.model
    def _own_order_stock(self, lines):
        """{line id: {product id: qty}} pegged to each line (its goods and components on hand)."""
        result = defaultdict(dict)
        for line, product, qty in self.env["stock.quant"].sudo()._read_group(
                [("mto_sale_line_id", "in", lines.ids), ("location_id.usage", "=", "internal")],
                ["mto_sale_line_id", "product_id"], ["quantity:sum"]):
            result[line.id][product.id] = qty
        return result

    @api.model
    def _own_purchases(self, lines):
        """{line id: {product id: latest expected arrival}} of purchases open for each line."""
        result = defaultdict(dict)
        for po_line in self.env["purchase.order.line"].sudo().search([
                ("mto_sale_line_id", "in", lines.ids), ("state", "!=", "cancel")]):
            if po_line.product_uom_id.compare(po_line.qty_received, po_line.product_qty) >= 0:
                continue
            mine = result[po_line.mto_sale_line_id.id]
            product_id = po_line.product_id.id
            mine[product_id] = max(mine.get(product_id, po_line.date_planned), po_line.date_planned)
        return result

    @api.model
    def _snapshot_for_line(self, snapshot, own_intervals, own_stock, own_purchases=None):
        """The snapshot as one confirmed line sees it: its own bookings free, its own order stock
        available, and components it already buys not re-bought faster than their purchase order."""
        if not own_intervals and not own_stock and not own_purchases:
            return snapshot
        products = snapshot.products
        if own_purchases:
            products = dict(products)
            for product_id, arrival in own_purchases.items():
                product = products.get(product_id)
                if product and product.purchase_delay_days is not None:
                    days = (arrival - snapshot.now).total_seconds() / 86400 - snapshot.purchase_lead_days
                    products[product_id] = dataclasses.replace(
                        product, purchase_delay_days=max(product.purchase_delay_days, days))
        workcenters = dict(snapshot.workcenters)
        for wc_id, intervals in (own_intervals or {}).items():
            if wc_id in workcenters:
                mine = set(intervals)
                wc = workcenters[wc_id]
                workcenters[wc_id] = dataclasses.replace(wc, booked=[i for i in wc.booked if i not in mine])
        free_qty = dict(snapshot.free_qty)
        for product_id, qty in (own_stock or {}).items():
            free_qty[product_id] = free_qty.get(product_id, 0.0) + qty
        return dataclasses.replace(snapshot, workcenters=workcenters, free_qty=free_qty, products=products)
