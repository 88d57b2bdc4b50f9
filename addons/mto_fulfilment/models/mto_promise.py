"""ORM side of capable-to-promise: load one snapshot, run the pure-Python planner, apply results.

The snapshot is loaded in a number of batched queries that depends on the BoM depth and the
number of calendars, not on the number of lines, components or operations.
"""
import logging
import math
import types
from collections import defaultdict
from datetime import datetime, timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL
from odoo.tools.translate import get_translation

from ..planning import (
    LIKELY_PERCENTILE,
    Bom,
    BomLine,
    Holdings,
    LineRequest,
    Operation,
    Planner,
    PlanningError,
    PlanningInputError,
    Product,
    Snapshot,
    Workcenter,
    first_free_time,
    per_purchase_percentile,
    percentile_days,
    translation,
    working_minutes,
)
from .plant_time import plant_day, plant_tz

_logger = logging.getLogger(__name__)

MAX_BOM_DEPTH = 12
LEARN_SAMPLE = 200  # done work orders per work center the observed speed is learnt from, at most
MAX_OVERRUN = 3.0   # a done work order counts for learning as at most this many times its expected time
ACTIVE_MOVE_STATES = ("waiting", "confirmed", "partially_available", "assigned")
MIN_DATE_ORDER = datetime(2000, 1, 1)  # order dates a promise accepts: from 2000...
MAX_YEARS_AHEAD = 5                    # ...to five years from now


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
        if not math.isfinite(qty):
            raise ValidationError(env._("Line %(n)s: the quantity must be a finite number (got %(qty)s).",
                                        n=index + 1, qty=qty))
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
            self._check_id(index, line, "warehouse_id")
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
            key = self._check_id(index, line, "partner_id")
            if key not in cache["partners"]:
                cache["partners"][key] = partner.browse(key).exists()
                # a customer the caller may not see (another company's) is refused, not planned for
                cache["partners"][key].check_access("read")
            partner = cache["partners"][key]
            if not partner:
                raise UserError(env._("Line %(n)s: unknown customer (id %(id)s).", n=index + 1,
                                      id=line["partner_id"]))
        start = fields.Datetime.now()
        if line.get("date_order"):
            try:
                date_order = fields.Datetime.to_datetime(line["date_order"])
            except (TypeError, ValueError) as exc:
                raise ValidationError(env._("Line %(n)s: date_order %(d)r is not a date.",
                                            n=index + 1, d=line["date_order"])) from exc
            self._check_date_order(date_order, env._("Line %s", index + 1))
            start = max(start, date_order)
        return {"key": index, "product": product, "qty": qty, "partner": partner,
                "warehouse": warehouse, "company": company, "start": start}

    @api.model
    def _check_id(self, index, line, key):
        """`line[key]` as a record id, refused with a clear message when it is not an integer."""
        value = line[key]
        if not isinstance(value, int) or isinstance(value, bool):
            raise ValidationError(self.env._("Line %(n)s: %(key)s must be an integer id.", n=index + 1, key=key))
        return value

    @api.model
    def _check_date_order(self, date_order, label):
        """Refuse an order date outside [MIN_DATE_ORDER, MAX_YEARS_AHEAD years from now]: the
        promise plans from it over the horizon (a typo such as 9999 overflows Python's dates),
        and no quotation is dated before 2000 or several years ahead. `label` names the line
        or order in the message."""
        latest = fields.Datetime.add(fields.Datetime.now(), years=MAX_YEARS_AHEAD)
        if not MIN_DATE_ORDER <= date_order <= latest:
            raise ValidationError(self.env._(
                "%(what)s: order date %(date)s is out of range: it must lie between %(first)s and %(last)s.",
                what=label, date=fields.Datetime.to_string(date_order),
                first=fields.Date.to_string(MIN_DATE_ORDER), last=fields.Date.to_string(latest)))

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
    def _plan(self, requests, warehouse, now, exclude_sale_lines=None, lock=False, taken=None):
        """Run the planner for `requests` (dicts with key, product, qty, strategy, start).

        Returns {key: planning.LineResult}. Raises UserError with the planner's message. With
        `lock`, the work centers involved are row-locked before their load is read, so that two
        confirmations cannot book the same slot. `taken` ({workcenter id: [(start, end)]}): slots
        already counted on by the plan of the same order's lines of another warehouse, booked too.
        """
        snapshot = self._load_snapshot(
            self.env["product.product"].union(*[r["product"] for r in requests]), warehouse, now,
            exclude_sale_lines=exclude_sale_lines, lock=lock)
        for wc_id, intervals in (taken or {}).items():
            if wc_id in snapshot.workcenters and intervals:
                workcenter = snapshot.workcenters[wc_id]
                workcenter.booked = [*workcenter.booked, *intervals]
        planner = Planner(snapshot)
        results = {}
        with self._planning_translation():
            for request in requests:
                results[request["key"]] = self._promise_one(planner, request, now)
        return results

    def _planning_translation(self):
        """The planning core's explanations in the user's language (terms of this module)."""
        lang = self.env.lang or "en_US"
        return translation(lambda text: get_translation("mto_fulfilment", lang, text, ()))

    @api.model
    def _promise_one(self, planner, request, now):
        """One line through the planner; its errors as the user's errors."""
        line = LineRequest(key=request["key"], product_id=request["product"].id,
                           quantity=request["qty"], strategy=request["strategy"] or "make_to_stock",
                           earliest_start=request["start"] if request["start"] > now else None)
        try:
            return planner.promise(line)
        except PlanningInputError as exc:
            raise ValidationError(str(exc)) from exc
        except PlanningError as exc:
            raise UserError(self.env._("Cannot promise %(product)s: %(reason)s",
                                       product=request["product"].display_name, reason=exc)) from exc

    # ------------------------------------------------------------- snapshot
    @api.model
    def _load_snapshot(self, products, warehouse, now, exclude_sale_lines=None, lock=False, overdue_by_line=None,
                       vendor_percentile=None):
        """The plant as the planner sees it (see `_load_workcenters` for `overdue_by_line`;
        `vendor_percentile`: of the vendors' lateness counted on, instead of the company's
        reliability buffer: a forecast's likely date, `_buffers_of`)."""
        company = warehouse.company_id
        boms, _levels, kits = self._load_boms(products, company, warehouse.mto_pull_id.route_id,
                                              bought=self._bought_not_made(warehouse))
        consumed = products.browse()
        for bom_data in boms.values():
            consumed |= bom_data["components"]
        # a kit's components are delivered, not consumed: the line's strategy decides for them
        all_products = products | consumed | products.browse(
            sorted({line.product_id for lines in kits.values() for line in lines}))
        snap_products = self._snapshot_products(all_products, boms, company, vendor_percentile)
        if lock:
            workcenters = self.env["mrp.workcenter"].sudo().browse(
                {op.workcenter_id for data in boms.values() for op in data["bom"].operations})
            self._lock_workcenters((workcenters | workcenters.alternative_workcenter_ids).ids)
        workcenters = self._load_workcenters(boms, now, overdue_by_line=overdue_by_line, fresh=lock,
                                             company=company)
        free_qty, supply, demand = self._load_material(
            all_products, warehouse, now, exclude_sale_lines, vendor_percentile)
        for product in self._components_to_order(consumed - products, warehouse):
            # Odoo makes or buys these for the order whatever the stock (MTO route: the component
            # move waits for its own sub-MO or purchase), so free stock and other supply do not
            # count; a forecast still counts the line's own order stock (added per line).
            free_qty.pop(product.id, None)
            supply.pop(product.id, None)
            demand.pop(product.id, None)
        buffer_sample, buffer_finished = self._production_buffer_sample(company, now)
        return Snapshot(
            now=now,
            tz=plant_tz(company),
            products=snap_products,
            boms={key: data["bom"] for key, data in boms.items()},
            free_qty=free_qty,
            supply=supply,
            demand=demand,
            workcenters=workcenters,
            purchase_lead_days=company.days_to_purchase or 0.0,
            manufacturing_lead_days=0.0,
            production_buffer_sample=buffer_sample,
            production_buffer_finished=buffer_finished,
            order_vendor_percentile=(company.mto_vendor_buffer_percentile or 0.0)
            if company.mto_vendor_buffer_per_order else 0.0,
            security_lead_days=company.security_lead or 0.0,
            delivery_days=sum(warehouse.delivery_route_id.rule_ids.mapped("delay")),
            **self._manufacture_step_days(warehouse),
            horizon_days=self._horizon_days(),
            kits=kits,
        )

    @api.model
    def _manufacture_step_days(self, warehouse):
        """The delays of a warehouse's manufacturing steps: picking the components to
        pre-production (its pull rules, as Odoo's lead days of a production count them) and, in
        3 steps, storing the goods from post-production (its push rule)."""
        if warehouse.manufacture_steps == "mrp_one_step" or not warehouse.pbm_route_id:
            return {}
        rules = warehouse.pbm_route_id.rule_ids
        store = rules.filtered(lambda r: r.action == "push" and r.location_src_id == warehouse.sam_loc_id) \
            if warehouse.manufacture_steps == "pbm_sam" else rules.browse()
        return {"pre_production_days": float(sum(rules.filtered(
                    lambda r: r.action in ("pull", "pull_push")).mapped("delay"))),
                "post_production_days": float(sum(store.mapped("delay")))}

    @api.model
    def _components_to_order(self, components, warehouse):
        """Components that follow the warehouse's *Replenish on Order (MTO)* route."""
        mto_route = warehouse.mto_pull_id.route_id
        if not mto_route:
            return components.browse()
        return components.filtered(lambda p: mto_route in (p.route_ids | p.categ_id.total_route_ids))

    @api.model
    def _horizon_days(self):
        return int(self.env["ir.config_parameter"].sudo().get_param("mto_fulfilment.horizon_days", 365))

    @api.model
    def _bought_not_made(self, warehouse):
        """Predicate: whether Odoo buys this component although it has a bill of materials.

        As Odoo's procurement chooses (`stock.rule._get_rule`): among the product's and its
        category's routes, then the warehouse's that Odoo's `_filter_warehouse_routes` keeps (Buy
        only for a product with vendors, Manufacture only with a BoM), the product's own first,
        then by route sequence; the first that buys or manufactures decides. Out of the box
        Manufacture (sequence 5) comes before Buy (10): a component with a BoM is made unless Buy
        is put ahead of it. A bought one is planned at its vendor's lead time, not made from its
        BoM. No query: routes, their rules, BoMs and vendors are prefetched.
        """
        def action(route):
            rules = route.rule_ids.filtered(lambda r: not r.warehouse_id or r.warehouse_id == warehouse)
            actions = set(rules.mapped("action"))
            return "manufacture" if "manufacture" in actions else "buy" if "buy" in actions else None

        warehouse_routes = [(route, action(route)) for route in warehouse.route_ids]
        Rule = self.env["stock.rule"]

        def bought(product):
            own = product.route_ids
            candidates = [(route, action(route)) for route in own | product.categ_id.total_route_ids]
            # Odoo's own filter of the warehouse's routes (mrp: a BoM; purchase_stock: vendors)
            candidates += [(route, kind) for route, kind in warehouse_routes
                           if Rule._filter_warehouse_routes(product, warehouse, route)]
            candidates = sorted((c for c in candidates if c[1]), key=lambda c: (c[0] not in own, c[0].sequence))
            return bool(candidates) and candidates[0][1] == "buy"
        return bought

    @api.model
    def _load_boms(self, products, company, mto_route=None, bought=None):
        """Explode BoMs level by level (one `_bom_find` per level) into variant-specific BoMs.

        A sub-assembly is planned on the work centers only when Odoo will make it for the order
        (MTO route: a linked sub-MO whose slots confirmation books). Other manufactured components
        are replenished by their own MOs, so they count with the BoM's manufacturing lead time
        instead of capacity nobody would book for this order. Components for which `bought`
        (a predicate, `_bought_not_made`) holds are bought: their BoM is not exploded.

        Kits (phantom BoMs) are never planned as products of their own. A kit in a BoM is its
        components and operations on the parent's production, as Odoo's manufacturing order has
        them (`_explode_kits`); a kit ordered itself is delivered as its components (Odoo explodes
        its procurement), which are planned as ordered products are.

        Returns ({product_id: {"bom": planning.Bom, "record": mrp.bom, "components": products}},
        {level: products}, {kit product id: [planning.BomLine per unit of the kit]}).
        """
        MrpBom = self.env["mrp.bom"].sudo()
        Product = self.env["product.product"]
        result, levels, kits = {}, {}, {}
        sold = MrpBom._bom_find(products, company_id=company.id, bom_type="phantom")
        sold_kits = products.filtered(lambda p: sold.get(p))
        entries = []
        for product in sold_kits:
            kit = sold[product]
            # per unit of the product, as Odoo explodes a kit's procurement (`stock.rule.run`)
            runs = product.uom_id._compute_quantity(1.0, kit.product_uom_id, round=False) / (kit.product_qty or 1.0)
            entries += [(product.id, line, runs * line.product_qty, kit.picking_type_id, (index,))
                        for index, line in enumerate(kit.bom_line_ids) if not line._skip_bom_line(product)]
        exploded, _operations = self._explode_kits(entries, company)
        todo = products - sold_kits
        for product in sold_kits:
            lines = exploded.get(product.id, [])
            kits[product.id] = [BomLine(component.id, qty) for component, qty in lines]
            todo |= Product.union(*(component for component, _qty in lines))
        seen = Product
        for depth in range(MAX_BOM_DEPTH):
            todo -= seen
            if not todo:
                break
            seen |= todo
            levels[depth] = todo
            found = MrpBom._bom_find(todo, company_id=company.id, bom_type="normal")
            made = todo.filtered(lambda p, d=depth, f=found: f.get(p) and not (d and bought and bought(p)))
            exploded, kit_operations = self._explode_kits([
                (product.id, line, line.product_qty, found[product].picking_type_id, (index,))
                for product in made for index, line in enumerate(found[product].bom_line_ids)
                if not line._skip_bom_line(product)], company)
            components = Product
            for product in made:
                bom = found[product]
                lines = exploded.get(product.id, [])
                line_products = Product.union(*(component for component, _qty in lines))
                made_for_order = depth == 0 or (mto_route and mto_route in (
                    product.route_ids | product.categ_id.total_route_ids))
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
                        lines=[BomLine(component.id, qty) for component, qty in lines],
                        operations=self._production_operations(
                            bom, product, kit_operations.get(product.id, [])) if made_for_order else [],
                    ),
                }
                components |= line_products
            todo = components
        else:
            if todo - seen:
                raise UserError(self.env._("Bills of materials nest deeper than %s levels.", MAX_BOM_DEPTH))
        return result, levels, kits

    @api.model
    def _explode_kits(self, entries, company):
        """The components of BoM lines with every kit among them replaced by its components, as
        Odoo's `mrp.bom.explode` does for a manufacturing order (nested kits too, quantities
        multiplied), and the kits' operations Odoo adds to that order's work orders. One
        `_bom_find` per kit level (and BoM picking type), whatever the number of lines.

        `entries`: [(owner, mrp.bom.line, quantity in the line's unit per owner BoM, picking type
        of the owner BoM, position)]. Returns ({owner: [(component, quantity in its unit)]},
        {owner: [mrp.routing.workcenter]}), both in Odoo's order (depth first). Lines of no
        quantity and non-goods are left out, as the manufacturing order leaves them out.
        """
        MrpBom = self.env["mrp.bom"].sudo()
        components, operations = defaultdict(list), defaultdict(list)
        for _depth in range(MAX_BOM_DEPTH):
            if not entries:
                break
            found = {}
            for picking_type in {entry[3] for entry in entries}:
                group = self.env["product.product"].union(
                    *(entry[1].product_id for entry in entries if entry[3] == picking_type))
                found[picking_type] = MrpBom._bom_find(group, picking_type=picking_type or None,
                                                    company_id=company.id, bom_type="phantom")
            pending = []
            for owner, line, qty, picking_type, position in entries:
                product = line.product_id
                kit = found[picking_type].get(product)
                if not kit:
                    if product.type == "consu" and qty > 0:
                        components[owner].append((position, product, line.product_uom_id._compute_quantity(
                            qty, product.uom_id, round=False)))
                    continue
                runs = line.product_uom_id._compute_quantity(
                    qty / (kit.product_qty or 1.0), kit.product_uom_id, round=False)
                if kit.operation_ids and kit.operation_ids != line.bom_id.operation_ids:
                    operations[owner] += [(position, op) for op in kit.operation_ids
                                          if not op._skip_operation_line(product)]
                pending += [(owner, kit_line, runs * kit_line.product_qty, picking_type, (*position, index))
                            for index, kit_line in enumerate(kit.bom_line_ids)
                            if not kit_line._skip_bom_line(product)]
            entries = pending
        else:
            if entries:
                raise UserError(self.env._("Bills of materials nest deeper than %s levels.", MAX_BOM_DEPTH))
        # sorted() is stable: a kit's operations keep their order, under the line that brought it
        return ({owner: [(product, qty) for _pos, product, qty in sorted(lines, key=lambda c: c[0])]
                 for owner, lines in components.items()},
                {owner: [op for _pos, op in sorted(ops, key=lambda o: o[0])] for owner, ops in operations.items()})

    @api.model
    def _production_operations(self, bom, product, kit_operations):
        """The planning operations of a production of `product` from `bom`, in the order of the
        work orders Odoo gives it: the BoM's own, then the kits' (`_explode_kits`), by sequence;
        when sequences repeat, Odoo numbers the kits' work orders first
        (`mrp.production._resequence_workorders`). With operation dependencies on `bom`, each
        waits for the operations it is blocked by (among the production's), as Odoo links its
        work orders (`_link_workorders_and_moves`); the others start with the production."""
        own = [op for op in bom.operation_ids if not op._skip_operation_line(product)]
        if kit_operations:
            every = own + kit_operations
            if len({op.sequence for op in every}) < len(every):
                ordered = sorted(kit_operations, key=lambda op: op.sequence) + sorted(own, key=lambda op: op.sequence)
            else:
                ordered = sorted(every, key=lambda op: op.sequence)
            sequences = range(len(ordered))
        else:
            ordered, sequences = own, [op.sequence for op in own]
        ids = {op.id for op in ordered}
        return [Operation(op.id, op.name, sequence, op.workcenter_id.id,
                          op.time_cycle_manual if op.time_mode == "manual" else op.time_cycle,
                          tuple(b.id for b in op.blocked_by_operation_ids if b.id in ids)
                          if bom.allow_operation_dependencies else None)
                for op, sequence in zip(ordered, sequences, strict=True)]

    @api.model
    def _snapshot_products(self, products, boms, company, percentile=None):
        """Sourcing per product. The purchase delay is the one of the vendor Odoo will buy from
        (`_select_seller`: cheapest valid price, then sequence), not the fastest vendor, so the
        promise waits for the purchase order confirmation will really create; that vendor's
        reliability buffer (`_vendor_buffers`) comes on top."""
        today = fields.Date.context_today(self)
        sellers = {}
        for product in products.with_company(company):
            sellers[product] = product._select_seller(quantity=None, date=today, uom_id=product.uom_id)
        lateness = self._vendor_lateness(
            self.env["res.partner"].union(*[s.partner_id for s in sellers.values() if s]), company)
        buffers = self._buffers_of(lateness, company, percentile)
        per_order = company.mto_vendor_buffer_per_order
        result = {}
        for product, seller in sellers.items():
            result[product.id] = Product(
                id=product.id,
                name=product.display_name,
                bom_id=product.id if product.id in boms else None,
                purchase_delay_days=float(seller.delay) if seller else None,
                can_manufacture=product.id in boms,
                can_buy=bool(seller),
                vendor_name=seller.partner_id.display_name if seller else None,
                vendor_buffer_days=buffers.get(seller.partner_id.id, 0.0) if seller else 0.0,
                vendor_lateness=tuple(lateness.get(seller.partner_id.id, ())) if seller and per_order else (),
            )
        return result

    @api.model
    def _vendor_buffers(self, vendors, company, percentile=None):
        """{vendor id: days} the promise adds to the vendor's lead time: the company's percentile
        (`mto_vendor_buffer_percentile`, 0: off) of the vendor's lateness over its latest
        `mto_vendor_buffer_receipts` receipts (`_vendor_lateness`), rounded up to whole days."""
        return self._buffers_of(self._vendor_lateness(vendors, company), company, percentile)

    @api.model
    def _buffers_of(self, lateness, company, percentile=None):
        """{vendor id: days} at the company's percentile of each vendor's `lateness`, or at
        `percentile` when lower (a forecast's likely date: `LIKELY_PERCENTILE`)."""
        if not company.mto_vendor_buffer_percentile:
            return {}
        percentile = min(percentile or 100.0, company.mto_vendor_buffer_percentile)
        return {partner_id: percentile_days(values, percentile) for partner_id, values in lateness.items()}

    @api.model
    def _vendor_lateness(self, vendors, company):
        """{vendor id: [days late]} of each vendor's latest `mto_vendor_buffer_receipts` receipts,
        when the company counts a vendor reliability buffer (`mto_vendor_buffer_percentile`).

        A receipt's lateness is its arrival (done move from a vendor location) minus what was
        counted on at confirmation: the line's expected date then (`mto_date_confirmed`, else its
        current `date_planned`) or the confirmation plus the vendor's lead time for the product,
        whichever is later; early is 0. Backorders of short deliveries count with their own
        arrival. One query for all vendors.
        """
        percentile = company.mto_vendor_buffer_percentile
        if not percentile or not vendors:
            return {}
        self.env["stock.move"].flush_model(["state", "date", "purchase_line_id", "location_id", "company_id"])
        self.env["purchase.order.line"].flush_model(["mto_date_confirmed", "date_planned", "order_id", "product_id"])
        self.env["purchase.order"].flush_model(["partner_id", "date_approve"])
        self.env.cr.execute("""
            SELECT partner_id, lateness FROM (
                SELECT po.partner_id,
                       GREATEST(0, EXTRACT(EPOCH FROM sm.date - GREATEST(
                           COALESCE(pol.mto_date_confirmed, pol.date_planned, po.date_approve),
                           po.date_approve + make_interval(days => COALESCE(si.delay, 0))
                       )) / 86400.0) AS lateness,
                       row_number() OVER (PARTITION BY po.partner_id ORDER BY sm.date DESC, sm.id DESC) AS n
                  FROM stock_move sm
                  JOIN stock_location src ON src.id = sm.location_id AND src.usage = 'supplier'
                  JOIN purchase_order_line pol ON pol.id = sm.purchase_line_id
                  JOIN purchase_order po ON po.id = pol.order_id
                  JOIN product_product pp ON pp.id = pol.product_id
                  LEFT JOIN LATERAL (
                      SELECT delay FROM product_supplierinfo s
                       WHERE s.partner_id = po.partner_id AND s.product_tmpl_id = pp.product_tmpl_id
                         AND (s.product_id IS NULL OR s.product_id = pp.id)
                       ORDER BY s.product_id IS NULL, s.sequence, s.id LIMIT 1
                  ) si ON TRUE
                 WHERE sm.state = 'done' AND po.partner_id IN %s AND sm.company_id = %s
                   AND po.date_approve IS NOT NULL
            ) receipts WHERE n <= %s
        """, [tuple(vendors.ids), company.id, company.mto_vendor_buffer_receipts or 30])
        delays = defaultdict(list)
        for partner_id, lateness in self.env.cr.fetchall():
            delays[partner_id].append(float(lateness))
        return {partner_id: sorted(values) for partner_id, values in delays.items()}

    @api.model
    def _production_buffer_sample(self, company, now):
        """What the production reliability buffer learns from: the company's percentile
        (`mto_production_buffer_percentile`, 0: off) of how late its latest
        `mto_production_buffer_orders` done manufacturing orders for order lines (the line's own
        product: a late sub-assembly shows in it, unless the order was re-planned to wait for it,
        which moves its booked finish) finished against the finish booked at
        confirmation (`mrp.production.mto_date_planned_finished`), early is 0, together with every
        order still running past its booked finish (confirmed or in progress: one whose production
        is only waiting to be closed is not), as late as it already is: finished orders'
        lateness is weeks old (how the plant did while they were made), a plant falling behind
        shows in the running ones first. While fewer than that many have finished (a new company,
        or the first weeks after installing: made-to-order lead times are weeks long), the latest
        sub-assembly orders made for order lines (done, or running past their booked finish) fill
        the sample: the same plant's lateness over part of the chain, known weeks sooner, rather
        than counting on the booked plan as if it never slipped. They are booked days ahead, the
        line's goods weeks ahead, and lateness builds up over the queue ahead: each counts per day
        of its booked lead (booked finish - order confirmation), times the line's own lead
        (`reliability.production_buffer_days`, worked out per line by the planner). One query.

        Returns ((percentile, orders' lateness, sub-assemblies' (lateness, booked lead)), (orders
        finished, orders considered) when sub-assemblies fill in, else None); (None, None) when
        the buffer is off. Days throughout.
        """
        percentile = company.mto_production_buffer_percentile
        if not percentile:
            return None, None
        self.env["mrp.production"].flush_model(
            ["state", "date_finished", "mto_date_planned_finished", "mto_sale_line_id", "product_id", "company_id"])
        self.env["sale.order"].flush_model(["date_order"])
        orders = company.mto_production_buffer_orders or 30
        self.env.cr.execute("""
            SELECT top, done, lateness, lead FROM (
                SELECT sol.product_id = mp.product_id AS top, mp.state = 'done' AS done,
                       GREATEST(0, EXTRACT(EPOCH FROM CASE WHEN mp.state = 'done' THEN mp.date_finished
                                                           ELSE %(now)s END
                                                  - mp.mto_date_planned_finished) / 86400.0) AS lateness,
                       EXTRACT(EPOCH FROM mp.mto_date_planned_finished - so.date_order) / 86400.0 AS lead,
                       ROW_NUMBER() OVER (PARTITION BY sol.product_id = mp.product_id, mp.state = 'done'
                                          ORDER BY mp.date_finished DESC, mp.id DESC) AS n
                  FROM mrp_production mp
                  JOIN sale_order_line sol ON sol.id = mp.mto_sale_line_id
                  JOIN sale_order so ON so.id = sol.order_id
                 WHERE mp.company_id = %(company)s AND mp.mto_date_planned_finished IS NOT NULL
                       AND ((mp.state = 'done' AND mp.date_finished IS NOT NULL)
                            OR (mp.state IN ('confirmed', 'progress')
                                AND mp.mto_date_planned_finished < %(now)s))
            ) latest WHERE NOT done OR n <= %(orders)s ORDER BY n
        """, {"now": now, "company": company.id, "orders": orders})
        sample = defaultdict(list)
        for top, done, lateness, lead in self.env.cr.fetchall():
            sample[top, done].append((float(lateness), float(lead)))
        finished, running = sample[True, True], sample[True, False]
        filling = sample[False, True][:orders - len(finished)]
        if len(finished) + len(running) < orders:
            filling += sample[False, False]
        return ((float(percentile), tuple(late for late, _lead in finished + running), tuple(filling)),
                (len(finished), orders) if filling else None)

    @staticmethod
    def _warehouse_flows(location):
        """Move domains (into the warehouse, out of it) that count as supply and demand."""
        inside = ["&", ("location_dest_id", "child_of", location.id), "!", ("location_id", "child_of", location.id)]
        outside = ["&", ("location_id", "child_of", location.id), "!", ("location_dest_id", "child_of", location.id)]
        return inside, outside

    @api.model
    def _load_material(self, products, warehouse, now, exclude_sale_lines=None, vendor_percentile=None):
        """Free stock now, incoming supply (receipts dated by `_purchase_arrivals`) and
        already-promised demand, per product."""
        free = products.with_context(warehouse_id=warehouse.id)._mto_free_qty_for_promise()
        location = warehouse.view_location_id
        Move = self.env["stock.move"].sudo()
        base = [("product_id", "in", products.ids), ("state", "in", ACTIVE_MOVE_STATES)]
        if exclude_sale_lines:
            base.append(("sale_line_id", "not in", exclude_sale_lines.ids))
        inside, outside = self._warehouse_flows(location)
        supply = defaultdict(list)
        incoming = Move._read_group(base + inside, ["product_id", "date:day", "purchase_line_id"], ["product_qty:sum"])
        arrival = self._purchase_arrivals(
            self.env["purchase.order.line"].sudo().union(*[pol for _p, _d, pol, _q in incoming if pol]),
            warehouse.company_id, vendor_percentile)
        for product, date, po_line, qty in incoming:
            when = (arrival.get(po_line.id) or date) if po_line else date
            supply[product.id].append((max(now, when), qty))
        demand = defaultdict(list)
        for product, date, qty, reserved in Move._read_group(
                base + outside, ["product_id", "date:day"], ["product_qty:sum", "quantity:sum"]):
            open_qty = qty - reserved
            if open_qty > 0:
                demand[product.id].append((max(now, date), open_qty))
        return free, dict(supply), dict(demand)

    @api.model
    def _purchase_arrivals(self, po_lines, company, percentile=None):
        """{purchase line id: when its goods can be counted on} (one query for the vendors).

        A receipt arrives when its purchase line says (a vendor's new date moves that, not the
        move), but not before the date expected at confirmation plus the vendor's reliability
        buffer (at `percentile` of its lateness when lower, `_buffers_of`): a delay the vendor
        already announced is part of that buffer, not added to it.
        """
        if not po_lines:
            return {}
        # the plant's purchase dates, also for a salesperson who may not read purchase orders
        po_lines = po_lines.sudo()
        buffers = self._vendor_buffers(po_lines.partner_id, company, percentile)
        result = {}
        for po_line in po_lines:
            if not po_line.date_planned:
                continue
            when = po_line.date_planned
            buffer = buffers.get(po_line.partner_id.id)
            if buffer:
                when = max(when, (po_line.mto_date_confirmed or when) + timedelta(days=buffer))
            result[po_line.id] = when
        return result

    @api.model
    def _load_workcenters(self, boms, now, overdue_by_line=None, fresh=False, company=None):
        """Workcenters of all operations (and their alternatives), with calendars and load.

        The load is what is booked from now on, plus the work its booked slots no longer hold
        (`_work_beyond_bookings`) queued in the first free working time after them: it still has
        to be done, before what is planned later.
        `overdue_by_line` ({sale line id: {workcenter id: [intervals]}}, filled when given) tells
        a re-promise which of that queued work is each line's own.
        With `fresh` (work centers locked), the load also includes what other transactions committed
        after this one's snapshot was taken: the confirmation we waited for at the lock.
        `company`'s capacity reserve lowers every work center's planning efficiency.
        """
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
        working = self.env["resource.calendar"]._mto_working_ahead(workcenters, now, self._horizon_days())
        booked = defaultdict(list)
        # tens of thousands of booked slots on a busy plant: a few columns in one plain query
        Leave = self.env["resource.calendar.leaves"]
        Leave.flush_model(["resource_id", "time_type", "date_from", "date_to"])
        self.env.cr.execute(SQL(
            "SELECT id, resource_id, date_from, date_to FROM %s WHERE resource_id IN %s"
            " AND time_type = 'other' AND date_to > %s",
            SQL.identifier(Leave._table), tuple(workcenters.resource_id.ids), now))
        by_resource = {w.resource_id.id: w.id for w in workcenters}
        seen = set()
        for leave_id, resource_id, date_from, date_to in self.env.cr.fetchall():
            seen.add(leave_id)
            booked[by_resource[resource_id]].append((date_from, date_to))
        if fresh:
            for leave_id, resource_id, date_from, date_to in self._committed_bookings(workcenters.resource_id, now):
                if leave_id not in seen:
                    booked[by_resource[resource_id]].append((date_from, date_to))
        for wc_id, minutes, after, line_id in self._work_beyond_bookings(workcenters, now, working):
            placed = first_free_time(working[wc_id], booked[wc_id], after, minutes)
            booked[wc_id] += placed
            if overdue_by_line is not None and line_id:
                overdue_by_line[line_id][wc_id] += placed
        closed = self._time_off_ahead(workcenters, now)
        result = {}
        company = company or self.env.company
        reserve = min(max(company.mto_capacity_reserve or 0.0, 0.0), 99.0)
        speed = self._observed_speed(workcenters, now) if company.mto_learn_durations else {}
        made = self.env["product.product"].browse(sorted(pid for pid, data in boms.items() if data["bom"].operations))
        for workcenter in workcenters:
            result[workcenter.id] = Workcenter(
                id=workcenter.id, name=workcenter.name,
                # the company's capacity reserve: operations are booked on a share of the time
                time_efficiency=(workcenter.time_efficiency or 100.0) * (1.0 - reserve / 100.0)
                * speed.get(workcenter.id, 1.0),
                time_start=workcenter.time_start, time_stop=workcenter.time_stop,
                capacities=self._capacities(workcenter, made),
                alternative_ids=workcenter.alternative_workcenter_ids.ids,
                working=working[workcenter.id],
                booked=booked.get(workcenter.id, []),
                closed=closed.get(workcenter.id, []),
            )
        return result

    @api.model
    def _capacities(self, workcenter, products):
        """{product id: (capacity, setup, cleanup)} of `workcenter` for each of `products` (those
        made on work centers), the capacity in the product's own unit: the planner counts cycles
        of quantities in product units, a row may be kept in another (2 Dozens per cycle of a
        product stocked in Units is 24 units, as Odoo's work order converts it).

        Odoo's rule (`mrp.workcenter._get_capacity`): the product's row, else a row without
        product, which holds for every product; among rows in several units, the one in the
        product's unit first. A row of zero capacity counts the BoM's quantity per cycle, with
        its own setup and cleanup. No query: the rows and units are
        prefetched for all work centers.
        """
        rows = defaultdict(list)
        for c in workcenter.capacity_ids:
            # a row of zero capacity still holds: the BoM's quantity per cycle with its own setup
            # and cleanup (the planner's fallback), and the product's row hides the one for any
            rows[c.product_id.id or None].append(c)
        if not rows:
            return {}
        result = {}
        for product in products:
            mine = rows.get(product.id) or rows.get(None)
            if not mine:
                continue
            row = min(mine, key=lambda c, p=product: (c.product_uom_id != p.uom_id, c.id))
            result[product.id] = (row.product_uom_id._compute_quantity(row.capacity, product.uom_id, round=False),
                                  row.time_start, row.time_stop)
        return result

    @api.model
    def _time_off_ahead(self, workcenters, now):
        """{workcenter id: sorted [(from, to)]}: the time off closing each work center from `now`
        (its own, its calendar's, the company's public holidays), in one query: the promise names
        it when a line waited for it (the working time has it out already)."""
        Leave = self.env["resource.calendar.leaves"]
        Leave.flush_model(["resource_id", "calendar_id", "company_id", "time_type", "date_from", "date_to"])
        self.env.cr.execute(SQL(
            "SELECT resource_id, calendar_id, company_id, date_from, date_to FROM %s"
            " WHERE time_type = 'leave' AND date_to > %s AND date_from < %s"
            " AND (resource_id IN %s OR (resource_id IS NULL AND (calendar_id IS NULL OR calendar_id IN %s)))",
            SQL.identifier(Leave._table), now, now + timedelta(days=self._horizon_days()),
            tuple(workcenters.resource_id.ids), tuple(workcenters.resource_calendar_id.ids)))
        rows = self.env.cr.fetchall()
        closed = defaultdict(list)
        for workcenter in workcenters:
            resource, calendar = workcenter.resource_id.id, workcenter.resource_calendar_id.id
            company = workcenter.company_id.id
            for resource_id, calendar_id, company_id, date_from, date_to in rows:
                if resource_id == resource or (not resource_id and calendar_id == calendar) or (
                        not resource_id and not calendar_id and company_id in (company, None)):
                    closed[workcenter.id].append((date_from, date_to))
            closed[workcenter.id].sort()
        return closed

    @api.model
    def _observed_speed(self, workcenters, now, days=90):
        """{workcenter id: factor <= 1}: expected / real duration of the work orders done on it in
        the last `days` days (the latest ones), when they ran longer than expected.

        Real is the time logged on each work order counted in its work center's working hours
        (`_worked_minutes`), at most `MAX_OVERRUN` times what was expected: a timer forgotten for
        a week is not what the next order will take.
        """
        # the latest ones (about LEARN_SAMPLE per work center): a busy plant's quarter of time logs
        # is not read for every promise
        workorders = self.env["mrp.workorder"].sudo().search_fetch(
            [("workcenter_id", "in", workcenters.ids), ("state", "=", "done"),
             ("date_finished", ">=", now - timedelta(days=days)), ("duration_expected", ">", 0)],
            ["workcenter_id", "duration_expected", "duration"],
            order="date_finished desc, id desc", limit=LEARN_SAMPLE * len(workcenters))
        worked = self._worked_minutes(workorders, now)
        expected, real = defaultdict(float), defaultdict(float)
        for workorder in workorders:
            wc_id = workorder.workcenter_id.id
            expected[wc_id] += workorder.duration_expected
            real[wc_id] += min(worked.get(workorder.id) or workorder.duration,
                               MAX_OVERRUN * workorder.duration_expected)
        return {wc_id: expected[wc_id] / real[wc_id] for wc_id in expected if real[wc_id] > expected[wc_id] > 0}

    @api.model
    def _worked_minutes(self, workorders, now):
        """{work order id: minutes its time logs took its work center, in working hours}.

        Odoo's `duration` is wall-clock time: a work order started at 15:00 and finished the next
        morning logs the night. Work orders without productive time logs are left out (their
        `duration` was typed in). A fixed number of queries (one per calendar).
        """
        if not workorders:
            return {}
        logs = self.env["mrp.workcenter.productivity"].sudo().search_fetch(
            [("workorder_id", "in", workorders.ids), ("loss_id.loss_type", "in", ("productive", "performance"))],
            ["workorder_id", "date_start", "date_end"])
        spans = defaultdict(list)
        for log in logs:
            date_end = log.date_end or now
            if date_end > log.date_start:
                spans[log.workorder_id.id].append((log.date_start, date_end))
        if not spans:
            return {}
        start = min(s for logs in spans.values() for s, _e in logs)
        end = max(now, max(e for logs in spans.values() for _s, e in logs))
        logged = workorders.filtered(lambda w: w.id in spans)
        working = self.env["resource.calendar"]._mto_working_between(
            logged.workcenter_id.filtered("resource_calendar_id"), start, end)
        result = {}
        for workorder in logged:
            calendar = working.get(workorder.workcenter_id.id)
            minutes = working_minutes(calendar, spans[workorder.id]) if calendar is not None else 0.0
            if minutes > 0:
                result[workorder.id] = minutes
        return result

    @api.model
    def _work_beyond_bookings(self, workcenters, now, working):
        """[(workcenter id, minutes, not before, sale line id)]: open work its booked slot no longer holds.

        A work order whose slot has begun may not fit what is left of it: it waited for material
        (its whole slot may have passed), started late (Odoo shortens the slot to start now), or
        runs longer than booked. Its expected duration less the time worked (`_worked_minutes`),
        less the working time its slot still has, is queued after the slot; in booking order.

        An order's production whose work order has no booked slot at all (unplanned by hand, a
        booking Odoo dropped, a backorder split off before its work was booked) still has all of
        it to do, for a customer who waits: it is queued from now, in the same query. A plain
        production nobody planned is not: it is the planner's backlog (replenishment confirmed
        ahead of need, often by reorder rules), which Odoo's own planning ignores too until it
        is planned; counted from now it would go ahead of every customer order, and promises
        would disagree with the slots the planner then gets. Once planned, its slots count.
        """
        workorders = self.env["mrp.workorder"].sudo().search([
            ("workcenter_id", "in", workcenters.ids), ("state", "not in", ("done", "cancel")),
            ("production_id.state", "in", ("confirmed", "progress", "to_close")),
            "|", ("leave_id.date_from", "<=", now),
            "&", ("leave_id", "=", False), ("production_id.mto_sale_line_id", "!=", False)])
        worked = self._worked_minutes(workorders, now)
        result = []
        for workorder in workorders.sorted(lambda w: (w.leave_id.date_to or now, w.id)):
            # without time logs, a typed-in duration (Odoo's is not reliable while a timer runs)
            done = worked.get(workorder.id, max(workorder.duration, 0.0) if workorder.state != "progress" else 0.0)
            left = (workorder.duration_expected or 0.0) - done
            wc_id = workorder.workcenter_id.id
            leave = workorder.leave_id
            if leave and leave.date_to > now:
                left -= working_minutes(working[wc_id], [(max(now, leave.date_from), leave.date_to)])
            if left > 0.5:
                result.append((wc_id, left, max(now, leave.date_to or now),
                               workorder.production_id.mto_sale_line_id.id))
        return result

    # ------------------------------------------------------------- booking
    @api.model
    def _lock_workcenters(self, workcenter_ids):
        """Serialize confirmations that book the same work centers (fixed order: no deadlocks).

        A plain row lock: the rows are not written, so waiting for another confirmation does not
        end in a serialization failure; the load is then read fresh (`_committed_bookings`).
        """
        if workcenter_ids:
            ids = tuple(sorted(workcenter_ids))
            self.env.cr.execute("SELECT id FROM mrp_workcenter WHERE id IN %s ORDER BY id FOR UPDATE", [ids])

    @api.model
    def _committed_bookings(self, resources, now):
        """[(leave id, resource id, from, to)] booked on `resources`, as committed right now.

        Read on a cursor of its own, after the work centers are locked: it sees the bookings of
        the confirmation this transaction waited for, which this transaction's snapshot (taken at
        its first query) predates. (Touching the locked rows instead, to make the waiting
        transaction fail and be retried, made busy work centers starve under load: the retry found
        the next confirmation holding the lock, again and again, until Odoo gave up and showed
        the serialization failure to the user.)
        """
        if not resources:
            return []
        with self.env.registry.cursor() as cr:
            cr.execute("SELECT id, resource_id, date_from, date_to FROM resource_calendar_leaves "
                       "WHERE resource_id IN %s AND time_type = 'other' AND date_to > %s",
                       [tuple(resources.ids), now])
            return cr.fetchall()

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
                finish = max(s.end for _w, _c, s in workorders)
                production.with_context(force_date=True).write({
                    "date_start": min(s.start for _w, _c, s in workorders),
                    "date_finished": finish, "mto_date_planned_finished": finish,
                })
            elif not production.workorder_ids and material_ready > production.date_start:
                production.with_context(force_date=True).date_start = material_ready
        self._align_purchases(sale_line, productions)

    @api.model
    def _align_purchases(self, sale_line, productions):
        """Ask the vendors for the order's components ahead of the booked start of the MO that
        needs them by the vendor's reliability buffer (RFQ lines were dated from the MOs' dates
        before booking): just in time, as plain Odoo asks, any slip of the vendor would cost the
        order its booked slot, on a busy work center weeks. Never before the vendor can deliver
        (days to purchase + its lead time from now), never later than the need; an earlier date
        already asked for stays. The buffer is the one the promise counts on: per order
        (`mto_vendor_buffer_per_order`) it holds for all the products bought for the line."""
        need_by = {}
        for production in productions:
            for move in production.move_raw_ids:
                when = production.date_start
                need_by[move.product_id.id] = min(need_by.get(move.product_id.id, when), when)
        po_lines = self.env["purchase.order.line"].sudo().search([
            ("mto_sale_line_id", "=", sale_line.id), ("order_id.state", "in", ("draft", "sent"))])
        ahead = self._ask_ahead_days(po_lines, sale_line.company_id)
        now = fields.Datetime.now()
        for po_line in po_lines:
            when = need_by.get(po_line.product_id.id)
            if not when:
                continue
            days, delay = ahead.get(po_line.id, (0.0, 0.0))
            if days:
                earliest = now + timedelta(days=(sale_line.company_id.days_to_purchase or 0.0) + delay)
                when = max(when - timedelta(days=days), min(when, earliest))
            if po_line.date_planned and po_line.date_planned > when:
                po_line.date_planned = when

    @api.model
    def _ask_ahead_days(self, po_lines, company):
        """{purchase line id: (buffer days, vendor lead days)} for lines bought for one order line."""
        if not po_lines or not company.mto_vendor_buffer_percentile:
            return {}
        lateness = self._vendor_lateness(po_lines.partner_id, company)
        purchases = len(po_lines.product_id) if company.mto_vendor_buffer_per_order else 1
        percentile = per_purchase_percentile(company.mto_vendor_buffer_percentile, purchases)
        result = {}
        for po_line in po_lines:
            seller = po_line.product_id.with_company(company)._select_seller(
                partner_id=po_line.partner_id, quantity=po_line.product_qty, uom_id=po_line.product_uom_id)
            result[po_line.id] = (percentile_days(lateness.get(po_line.partner_id.id, ()), percentile),
                                  float(seller.delay) if seller else 0.0)
        return result

    # ------------------------------------------------------------ re-promise
    @api.model
    def _forecast(self, sale_lines):
        """What the plant expects now for confirmed lines: {line: LineResult}, nothing written.

        One snapshot and one planner per warehouse, loaded in a fixed number of queries; each
        line is re-planned against it with what it already holds given back (its work order
        bookings, order stock, own production and delivery moves), and the planner rolls that
        back afterwards, so a line's forecast does not depend on how lines are batched.
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
            overdue = defaultdict(lambda: defaultdict(list))
            # the likely date: receipts and purchases at the vendors' median lateness, not at the
            # reliability buffer the promise keeps in reserve (`LIKELY_PERCENTILE`)
            snapshot = self._load_snapshot(products, warehouse, now, overdue_by_line=overdue,
                                           vendor_percentile=LIKELY_PERCENTILE)
            planner = Planner(snapshot)
            todo_lines = self.env["sale.order.line"].union(*todo)
            own_leaves, own_slots, own_done = self._own_workorders(todo_lines, now)
            own_purchases = self._own_purchases(todo_lines, LIKELY_PERCENTILE)
            own_demand, own_supply = self._own_moves(todo_lines, snapshot.products, warehouse, now)
            with self._planning_translation():
                for line, request in todo.items():
                    booked = defaultdict(list, own_leaves.get(line.id, {}))
                    for wc_id, intervals in overdue.get(line.id, {}).items():
                        booked[wc_id] = booked[wc_id] + intervals
                    # own moves count only where the snapshot counted them (not for components
                    # made or bought for each order, whose stock and moves it leaves out)
                    demand = {p: d for p, d in own_demand.get(line.id, {}).items() if p in snapshot.demand}
                    supply = {p: d for p, d in own_supply.get(line.id, {}).items() if p in snapshot.supply}
                    holdings = Holdings(
                        booked=booked, stock=own_stock.get(line.id, {}), demand=demand, supply=supply,
                        purchases=own_purchases.get(line.id, {}), slots=own_slots.get(line.id, {}),
                        done=own_done.get(line.id, {}))
                    try:
                        results[line] = planner.forecast(LineRequest(
                            key=line.id, product_id=request["product"].id, quantity=request["qty"],
                            strategy=request["strategy"]), holdings)
                    except PlanningError as exc:
                        _logger.warning("MTO re-promise of %s skipped: %s", line.display_name, exc)
        return results

    @api.model
    def _delivery_only(self, warehouse, now):
        """Result for a line whose goods are all made: only the delivery lead times remain."""
        company = warehouse.company_id
        snapshot = Snapshot(now=now, security_lead_days=company.security_lead or 0.0,
                            delivery_days=sum(warehouse.delivery_route_id.rule_ids.mapped("delay")))
        days = snapshot.security_lead_days + snapshot.delivery_days
        return types.SimpleNamespace(
            promise_date=plant_day(now + timedelta(days=days), company), material_ready=now, capacity_ready=now,
            bottleneck=types.SimpleNamespace(kind="lead_time", name=self.env._("Goods ready"), date=now),
            explanation=self.env._("The goods are ready; only the delivery lead time remains."),
            bookings=[], allocations=[])

    @api.model
    def _own_workorders(self, lines, now):
        """The work orders of the lines' open production orders, for their re-plan:
        ({line id: {workcenter id: [(start, end)]}} booked, given back first;
        {line id: {(product id, operation id): [(workcenter id, start, end, minutes)]}} the slots
        a re-plan keeps (`Holdings.slots`; a running one from now, with the work it has left:
        expected less worked, as `_work_beyond_bookings` counts it);
        {line id: {(product id, operation id): count}} the ones done, not planned again)."""
        booked = defaultdict(lambda: defaultdict(list))
        slots = defaultdict(lambda: defaultdict(list))
        done = defaultdict(lambda: defaultdict(int))
        workorders = self.env["mrp.workorder"].sudo().search([
            ("production_id.mto_sale_line_id", "in", lines.ids), ("state", "!=", "cancel"),
            ("production_id.state", "not in", ("done", "cancel"))])
        worked = self._worked_minutes(workorders.filtered(lambda w: w.state == "progress"), now)
        for workorder in workorders:
            line_id = workorder.production_id.mto_sale_line_id.id
            key = (workorder.production_id.product_id.id, workorder.operation_id.id)
            if workorder.state == "done":
                if workorder.operation_id:
                    done[line_id][key] += 1
                continue
            leave = workorder.leave_id
            if not leave:
                continue
            booked[line_id][workorder.workcenter_id.id].append((leave.date_from, leave.date_to))
            if not workorder.operation_id:
                continue
            if workorder.state == "progress":
                left = max((workorder.duration_expected or 0.0) - worked.get(workorder.id, 0.0), 0.0)
                slots[line_id][key].append((workorder.workcenter_id.id, now, max(now, leave.date_to), left))
            else:
                # planned from the BoM (the plan's own speed), unless the work order is now
                # expected to take longer than Odoo computes (an overrun reported ahead)
                reported = workorder.duration_expected or 0.0
                minutes = reported if reported > workorder._get_duration_expected() + 0.5 else None
                slots[line_id][key].append((workorder.workcenter_id.id, leave.date_from, leave.date_to, minutes))
        return booked, slots, done

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
    def _own_purchases(self, lines, percentile=None):
        """{line id: {product id: latest expected arrival}} of purchases open for each line, dated
        as the snapshot dates receipts (`_purchase_arrivals`: vendor's date, reliability buffer,
        at `percentile` of the vendor's lateness when lower)."""
        result = defaultdict(dict)
        po_lines = self.env["purchase.order.line"].sudo().search([
            ("mto_sale_line_id", "in", lines.ids), ("state", "!=", "cancel")])
        po_lines = po_lines.filtered(
            lambda pol: pol.product_uom_id.compare(pol.qty_received, pol.product_qty) < 0 and pol.date_planned)
        arrivals = {}
        for company in po_lines.company_id:
            arrivals.update(self._purchase_arrivals(po_lines.filtered(lambda pol, c=company: pol.company_id == c),
                                                    company, percentile))
        for po_line in po_lines:
            mine = result[po_line.mto_sale_line_id.id]
            arrival = arrivals.get(po_line.id, po_line.date_planned)
            mine[po_line.product_id.id] = max(mine.get(po_line.product_id.id, arrival), arrival)
        return result

    @api.model
    def _own_moves(self, lines, product_ids, warehouse, now):
        """({line id: {product id: [(date, qty)]}} demand, same for supply) of the lines' own
        delivery and production moves, as the snapshot counted them (`_load_material`)."""
        location = warehouse.view_location_id
        Move = self.env["stock.move"].sudo()
        base = [("product_id", "in", list(product_ids)), ("state", "in", ACTIVE_MOVE_STATES)]
        inside, outside = self._warehouse_flows(location)
        demand = defaultdict(lambda: defaultdict(list))
        supply = defaultdict(lambda: defaultdict(list))
        owners = (
            # the delivery of the line itself
            ("sale_line_id", [("sale_line_id", "in", lines.ids)]),
            # the line's production orders (components consumed, goods made)
            ("mto_sale_line_id", [("mto_sale_line_id", "in", lines.ids), ("sale_line_id", "not in", lines.ids),
                                  "|", ("production_id", "!=", False), ("raw_material_production_id", "!=", False)]),
        )
        for owner, domain in owners:
            for line, product, date, qty in Move._read_group(
                    base + domain + inside, [owner, "product_id", "date:day"], ["product_qty:sum"]):
                supply[line.id][product.id].append((max(now, date), qty))
            for line, product, date, qty, reserved in Move._read_group(
                    base + domain + outside, [owner, "product_id", "date:day"], ["product_qty:sum", "quantity:sum"]):
                if qty - reserved > 0:
                    demand[line.id][product.id].append((max(now, date), qty - reserved))
        return demand, supply
