from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from .mto_routing_rule import STRATEGIES

MTO_STRATEGIES = ("make_to_order", "stock_then_order")
# written by the promise and the re-promise only (as superuser, after their own access checks):
# read-only on screen, and not writable through the API either, so that nobody clears a risk by
# hand (a context key would not do: an RPC client can set any)
PROMISE_FIELDS = frozenset({
    "mto_promise_date", "mto_forecast_date", "mto_promise_explanation", "mto_forecast_explanation",
    "mto_material_ready_date", "mto_capacity_ready_date", "mto_bottleneck_kind", "mto_bottleneck_name",
    "mto_forecast_computed_at", "mto_risk_cause", "mto_pending_cause", "mto_repromise_needed",
})


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    mto_strategy = fields.Selection(
        STRATEGIES, string="Fulfilment", compute="_compute_mto_strategy", store=True,
        readonly=False, precompute=True, copy=False,
        help="Decided by the MTO routing rules (or the product's routes when no rule matches); "
        "a sales manager may override it on quotations. Frozen at confirmation.",
    )
    mto_routing_rule_id = fields.Many2one(
        "mto.routing.rule", string="Routing rule", compute="_compute_mto_strategy", store=True,
        readonly=True, precompute=True, copy=False, index="btree_not_null",
    )
    mto_strategy_manual = fields.Boolean(copy=False, readonly=True)
    mto_production_ids = fields.One2many(
        "mrp.production", "mto_sale_line_id", string="Order production",
        help="Manufacturing orders made for this line, sub-assembly orders included.",
    )
    mto_production_count = fields.Integer(compute="_compute_mto_production_count")
    # Promise (capable-to-promise): what the customer was told, and why.
    mto_promise_date = fields.Date(
        "Promised date", copy=False, readonly=True,
        help="The delivery date promised to the customer for this line (capacity-aware).")
    mto_forecast_date = fields.Date(
        "Forecast date", copy=False, readonly=True,
        help="The date the plant expects now; later than the promise means the line is at risk.")
    mto_promise_explanation = fields.Char("Why this date", copy=False, readonly=True)
    mto_forecast_explanation = fields.Char(
        "Why the forecast", copy=False, readonly=True,
        help="What the plant's forecast waits for now: the line's components and work centers as "
        "the last re-promise found them (the cause says what moved it).")
    mto_material_ready_date = fields.Datetime("Material ready", copy=False, readonly=True)
    mto_capacity_ready_date = fields.Datetime("Production ready", copy=False, readonly=True)
    mto_bottleneck_kind = fields.Selection(
        [("component", "Component"), ("workcenter", "Work center"), ("lead_time", "Lead time")],
        "Bottleneck", copy=False, readonly=True)
    mto_bottleneck_name = fields.Char("Bottleneck detail", copy=False, readonly=True)
    mto_pegged_qty = fields.Float(
        "Order stock", compute="_compute_mto_pegged_qty", digits="Product Unit",
        help="Goods and components on hand pegged to this line (reserved for it alone).")
    mto_forecast_computed_at = fields.Datetime("Forecast computed", copy=False, readonly=True)
    mto_risk_cause = fields.Char("Cause", copy=False, readonly=True,
                                 help="The last change in the plant that moved this line's forecast.")
    mto_pending_cause = fields.Char(copy=False, readonly=True,
                                    help="What triggered the re-promise waiting for this line.")
    mto_repromise_needed = fields.Boolean(copy=False, readonly=True, index="btree_not_null",
                                          help="Waiting for a background re-promise.")
    mto_at_risk = fields.Boolean(
        "At risk", compute="_compute_mto_at_risk", store=True,
        help="The plant's forecast is later than the date promised to the customer.")

    # the line's warehouse follows from its route and the order's (sale_stock), not precomputed
    @api.depends("product_id", "product_uom_qty", "product_uom_id", "order_id.partner_id",
                 "order_id.warehouse_id", "route_ids", "company_id")
    def _compute_mto_strategy(self):
        todo = self.filtered(
            lambda sol: sol.product_id and sol.product_id.type == "consu" and not sol.mto_strategy_manual
            and (sol.state not in ("sale", "cancel") or not sol.mto_strategy))
        (self - todo).filtered(lambda sol: not sol.product_id or sol.product_id.type != "consu").update(
            {"mto_strategy": False, "mto_routing_rule_id": False})
        if not todo:
            return
        requests = []
        for line in todo:
            qty = line.product_uom_id._compute_quantity(
                line.product_uom_qty, line.product_id.uom_id, round=False
            ) if line.product_uom_id else line.product_uom_qty
            requests.append((line, line.product_id, line.order_id.partner_id, qty,
                             line.warehouse_id or line.order_id.warehouse_id, line.company_id))
        matches = self.env["mto.routing.rule"].sudo()._find_rules(requests)
        for line in todo:
            rule = matches[line]
            line.mto_routing_rule_id = rule.id
            line.mto_strategy = rule.strategy if rule else line._mto_native_strategy()

    def _mto_native_strategy(self):
        """What the product's own routes do, shown when no routing rule applies (in the line's
        warehouse: a route on the line may ship it from another one than the order's)."""
        self.ensure_one()
        mto_route = (self.warehouse_id or self.order_id.warehouse_id).mto_pull_id.route_id or self.env.ref(
            "stock.route_warehouse0_mto", raise_if_not_found=False)
        routes = self.route_ids or (self.product_id.route_ids | self.product_id.categ_id.total_route_ids)
        return "make_to_order" if mto_route and mto_route in routes else "make_to_stock"

    @api.depends("mto_promise_date", "mto_forecast_date", "state", "qty_delivered", "product_uom_qty")
    def _compute_mto_at_risk(self):
        """A promise is at risk until the line is delivered: then it was kept or not, which the
        Delivery Promises report measures (the cause stays on the line to say why)."""
        for line in self:
            undelivered = (line.product_uom_id.compare(line.qty_delivered, line.product_uom_qty) < 0
                           if line.product_uom_id else line.qty_delivered < line.product_uom_qty)
            line.mto_at_risk = bool(
                line.state == "sale" and line.mto_promise_date and line.mto_forecast_date
                and line.mto_forecast_date > line.mto_promise_date and undelivered)

    def _mto_product_qty(self):
        """The line's quantity in its product's unit: what the planner plans."""
        self.ensure_one()
        return self.product_uom_id._compute_quantity(self.product_uom_qty, self.product_id.uom_id)

    def _mto_promise_request(self):
        self.ensure_one()
        qty = self._mto_product_qty()
        if self.product_id.uom_id.compare(qty, 0) <= 0:
            raise ValidationError(self.env._(
                "%(product)s on %(order)s: the quantity must be positive to promise a date.",
                product=self.product_id.display_name, order=self.order_id.name))
        now = fields.Datetime.now()
        if self.order_id.date_order and self.order_id.date_order > now:
            # planned from a date ahead: within reach of the horizon (a past one counts as now)
            self.env["mto.promise"]._check_date_order(self.order_id.date_order, self.order_id.name)
        start = max(now, self.order_id.date_order or now)
        return {"key": self.id, "product": self.product_id, "qty": qty,
                "strategy": self.mto_strategy or "make_to_stock", "start": start}

    def _mto_forecast_request(self, now, own_stock):
        """Request for the part of a confirmed line still to be made/delivered, None when all made.

        `own_stock`: {product id: quantity} pegged to this line (loaded for all lines at once).
        """
        self.ensure_one()
        uom = self.product_id.uom_id
        ordered = self.product_uom_id._compute_quantity(self.product_uom_qty - self.qty_delivered, uom)
        if self.mto_strategy in MTO_STRATEGIES:
            ordered -= own_stock.get(self.product_id.id, 0.0)
        if uom.compare(ordered, 0) <= 0:
            return None
        return {"key": self.id, "product": self.product_id, "qty": ordered,
                "strategy": self.mto_strategy or "make_to_stock", "start": now}

    def _mto_promise_values(self, result):
        bottleneck = result.bottleneck
        return {
            "mto_promise_date": result.promise_date,
            "mto_forecast_date": result.promise_date,
            "mto_promise_explanation": result.explanation,
            "mto_forecast_explanation": result.explanation,
            "mto_material_ready_date": result.material_ready,
            "mto_capacity_ready_date": result.capacity_ready,
            "mto_bottleneck_kind": bottleneck.kind,
            "mto_bottleneck_name": bottleneck.name,
        }

    def _compute_mto_pegged_qty(self):
        rows = self.env["stock.quant"].sudo()._read_group(
            [("mto_sale_line_id", "in", self.ids), ("location_id.usage", "=", "internal"),
             ("product_id", "in", self.product_id.ids)],
            ["mto_sale_line_id"], ["quantity:sum"])
        pegged = {line.id: qty for line, qty in rows}
        for line in self:
            line.mto_pegged_qty = pegged.get(line.id, 0.0)

    def _mto_pegged_quants(self, product=None, location=None):
        domain = [("mto_sale_line_id", "in", self.ids), ("location_id.usage", "=", "internal"), ("quantity", "!=", 0)]
        if product:
            domain.append(("product_id", "=", product.id))
        if location:
            domain.append(("location_id", "child_of", location.id))
        return self.env["stock.quant"].sudo().search(domain, order="in_date desc, id desc")

    def _mto_release_stock(self, product=None, quantity=None, location=None, to_line=None):
        """Unpeg (or re-peg to `to_line`) up to `quantity` of this line's unreserved order stock.

        Returns the quantity moved. Quants are row-locked, so two releases cannot move the same goods.
        """
        self.ensure_one()
        quants = self._mto_pegged_quants(product, location)
        if not quants:
            return 0.0
        quants = quants.try_lock_for_update(allow_referencing=True)
        moved = 0.0
        for quant in quants:
            available = quant.quantity - quant.reserved_quantity
            if quantity is not None:
                available = min(available, quantity - moved)
            if quant.product_uom_id.compare(available, 0) <= 0:
                continue
            quant._mto_transfer(available, to_line.id if to_line else False)
            moved += available
            if quantity is not None and quant.product_uom_id.compare(moved, quantity) >= 0:
                break
        return moved

    def _compute_mto_production_count(self):
        for line in self:
            line.mto_production_count = len(line.mto_production_ids)

    # ------------------------------------------------------------------ writes
    @api.model_create_multi
    def create(self, vals_list):
        strategies = []
        for vals in vals_list:
            if vals.get("product_uom_qty", 0) < 0:
                raise UserError(self.env._("The quantity of an order line cannot be negative."))
            strategies.append(vals.pop("mto_strategy", None))
        lines = super().create(vals_list)
        for line, strategy in zip(lines, strategies, strict=True):
            if strategy is not None:
                line._mto_apply_strategy(strategy)
        return lines

    def write(self, vals):
        if PROMISE_FIELDS.intersection(vals) and not self.env.su:
            raise AccessError(self.env._(
                "Promised and forecast dates are set by the promise (the Promise button, the "
                "re-promise, Accept new date), not written directly."))
        if "product_uom_qty" in vals and vals["product_uom_qty"] < 0:
            raise UserError(self.env._("The quantity of an order line cannot be negative."))
        strategy = None
        if "mto_strategy" in vals:
            vals = dict(vals)
            strategy = vals.pop("mto_strategy")
        previous = {}
        if "product_uom_qty" in vals:
            previous = {line.id: line.product_uom_qty for line in self
                        if line.state == "sale" and line.mto_strategy in MTO_STRATEGIES}
        res = super().write(vals) if vals else True
        if strategy is not None:
            for line in self:
                line._mto_apply_strategy(strategy)
        if previous:
            self.filtered(lambda sol: sol.id in previous)._mto_propagate_quantity(previous)
        return res

    def _mto_apply_strategy(self, strategy):
        """Apply a strategy sent by a client: a no-op when it is what the rules decided already
        (forms send computed values back), else a manual override for sales managers only."""
        self.ensure_one()
        if (self.mto_strategy or False) == (strategy or False):
            return
        if self.state in ("sale", "cancel"):
            raise UserError(self.env._(
                "The fulfilment strategy of %(product)s on %(order)s is frozen since the order was "
                "confirmed.", product=self.product_id.display_name, order=self.order_id.name))
        self._mto_check_override_rights()
        super().write(
            {"mto_strategy": strategy, "mto_strategy_manual": bool(strategy)})

    def _mto_check_override_rights(self):
        if not self.env.su and not self.env.user.has_group("sales_team.group_sale_manager"):
            raise AccessError(self.env._(
                "Only a sales manager can override the fulfilment strategy of an order line."))

    def _get_outgoing_incoming_moves(self, strict=True):
        """The line's delivery, not its production: Odoo (not strict) takes the rule of the
        line's first move as the one its delivery started from, and sale_mrp puts the line on
        its MO's finished move too. Once a decrease cancelled the first delivery move, that
        finished move came first: counted as goods returned, the next increase procured them
        again (1 then 2 lathes made 4). Then the delivery moves are the ones to the customer."""
        if not strict and self.mto_strategy in MTO_STRATEGIES:
            first = self.move_ids.filtered(
                lambda m: m.state != "cancel" and m.location_dest_usage != "inventory"
                and m.product_id == self.product_id).sorted("id")[:1]
            if first.production_id:
                strict = True
        return super()._get_outgoing_incoming_moves(strict=strict)

    # ------------------------------------------------------------ procurement
    def _prepare_procurement_values(self):
        values = super()._prepare_procurement_values()
        if self.mto_strategy in MTO_STRATEGIES:
            values["mto_sale_line_id"] = self.id
        # a kit made to order by its own routes too: Odoo drops the kit's routes as it explodes
        # its procurement into its components'
        if self.mto_routing_rule_id or self.mto_strategy_manual or (
                self.mto_strategy in MTO_STRATEGIES and self.product_id.with_company(self.company_id).is_kits):
            routes = self.warehouse_id._mto_routes_for(self.mto_strategy, self.product_id)
            if routes:
                values["route_ids"] = routes
        return values

    def _action_launch_stock_rule(self, *, previous_product_uom_qty=False):
        confirmed = self.filtered(lambda sol: sol.state == "sale" and sol.product_id.type == "consu")
        confirmed._mto_check_can_make()
        split = confirmed.filtered(lambda sol: sol.mto_strategy == "stock_then_order"
                                   and not sol.move_ids.filtered(lambda m: m.state != "cancel"))
        for line in split:
            line._mto_launch_stock_then_order()
        return super(SaleOrderLine, self - split)._action_launch_stock_rule(
            previous_product_uom_qty=previous_product_uom_qty)

    def _get_qty_procurement(self, previous_product_uom_qty=False):
        """A stock-then-order line's quantity already procured counts both of its parts.

        Odoo counts the moves made by the rule of the line's first move only; this line's part
        made to order went through the MTO rule, so a quantity change would procure it again
        (e.g. 3 from stock + 2 made, changed to 4: 4 − 3 = 1 more instead of 1 less).
        """
        qty = super()._get_qty_procurement(previous_product_uom_qty=previous_product_uom_qty)
        if self.mto_strategy != "stock_then_order":
            return qty
        outgoing, incoming = self._get_outgoing_incoming_moves(strict=False)
        counted_rules = (outgoing | incoming).rule_id
        moves = self.move_ids.filtered(
            lambda m: m.state != "cancel" and m.location_dest_usage != "inventory"
            and m.product_id == self.product_id)
        # the first step of the other part's delivery (later steps are fed by the line's moves
        # that rules made; the first is fed by the MO's finished goods, which no rule made)
        stepped = moves.filtered("rule_id")
        others = moves.filtered(
            lambda m: m.rule_id and m.rule_id not in counted_rules and not m.origin_returned_move_id
            and not (m.move_orig_ids & stepped)
            and (m.location_final_id or m.location_dest_id)._is_outgoing())
        for move in others:
            done_or_planned = move.quantity if move.state == "done" else move.product_uom_qty
            qty += move.product_uom._compute_quantity(
                done_or_planned, self.product_uom_id, rounding_method="HALF-UP")
        return qty

    def _create_procurements(self, product_qty, procurement_uom, values):
        """A stock-then-order line's decrease takes from the part made to order first (whose
        production `_mto_decrease` shrank), then from the part taken from stock: Odoo would send
        it all through the line's MTO route, which cannot lower the stock part."""
        if self.mto_strategy != "stock_then_order" or procurement_uom.compare(product_qty, 0) >= 0:
            return super()._create_procurements(product_qty, procurement_uom, values)
        made_moves = self.move_ids.filtered(
            lambda move: move.procure_method == "make_to_order" and move.state not in ("done", "cancel")
            and move.rule_id and (move.location_final_id or move.location_dest_id)._is_outgoing())
        per_unit = self._mto_delivered_quantities(1.0)[0]
        if self.product_id in per_unit:
            made = sum(move.product_uom._compute_quantity(move.product_uom_qty, procurement_uom) for move in made_moves)
        else:
            # a kit: the complete kits its components made to order make
            made_qty = defaultdict(float)
            for move in made_moves:
                made_qty[move.product_id] += move.product_uom._compute_quantity(
                    move.product_uom_qty, move.product_id.uom_id)
            made = self.product_id.uom_id._compute_quantity(
                min((made_qty[p] / q for p, q in per_unit.items() if q > 0), default=0.0), procurement_uom)
        from_made = max(product_qty, -made)
        from_stock = procurement_uom.round(product_qty - from_made)
        procurements = []
        if procurement_uom.compare(from_made, 0) < 0:
            procurements += super()._create_procurements(from_made, procurement_uom, values)
        if procurement_uom.compare(from_stock, 0) < 0:
            stock_values = dict(values, route_ids=self.warehouse_id._mto_routes_for(
                "make_to_stock", self.product_id))
            procurements += super()._create_procurements(from_stock, procurement_uom, stock_values)
        return procurements

    def _mto_check_can_make(self):
        """A make-to-order line needs a way to get the goods: a bill of materials or a vendor;
        for a kit (delivered as its components, each made or bought for the line), each of its
        components does."""
        lines = self.filtered(lambda sol: sol.mto_strategy in MTO_STRATEGIES
                              and (sol.mto_routing_rule_id or sol.mto_strategy_manual))
        kits = lines._mto_kit_boms()
        for line in lines:
            product = line.product_id
            kit = kits.get(line)
            if kit:
                exploded = kit.explode(product, 1.0)[1]
                components = self.env["product.product"].union(*(bom_line.product_id for bom_line, _data in exploded))
                for component in components:
                    if component.type == "consu" and not component.bom_ids.filtered(lambda b: b.type == "normal") \
                            and not component.seller_ids:
                        raise UserError(self.env._(
                            "%(product)s is to be made to order (order %(order)s): its component %(component)s "
                            "has neither a bill of materials nor a vendor. Add one, or change the routing rule.",
                            product=product.display_name, order=line.order_id.name,
                            component=component.display_name))
                continue
            if not product.bom_ids.filtered(lambda b: b.type == "normal") \
                    and not product.seller_ids:
                raise UserError(self.env._(
                    "%(product)s is to be made to order (order %(order)s) but has neither a bill "
                    "of materials nor a vendor. Add one, or change the routing rule.",
                    product=product.display_name, order=line.order_id.name))

    def _mto_kit_boms(self):
        """{line: kit (phantom BoM)} for the lines whose product Odoo delivers as a kit's
        components (one look-up per company)."""
        kits = {}
        for company in self.company_id:
            lines = self.filtered(lambda sol, c=company: sol.company_id == c)
            found = self.env["mrp.bom"].sudo()._bom_find(lines.product_id, company_id=company.id, bom_type="phantom")
            kits.update({line: found[line.product_id] for line in lines if found.get(line.product_id)})
        return kits

    def _mto_launch_stock_then_order(self):
        """Reserve the free stock for this line and make only the rest to order.

        Unlike Odoo's "MTS else MTO" rule, the rest is procured through the MTO route, so its
        manufacturing order is chained to this order's delivery.
        """
        self.ensure_one()
        line = self.with_company(self.company_id)
        product = line.product_id
        qty_uom = line.product_uom_id._compute_quantity(
            line.product_uom_qty, product.uom_id, round=False)
        free = line._mto_free_qty_for_line()
        from_stock = max(min(free, qty_uom), 0.0)
        rest = product.uom_id.round(qty_uom - from_stock)
        if not line.order_id.stock_reference_ids:
            self.env["stock.reference"].create(line._prepare_reference_vals())
        procurements = []
        location = line._get_location_final()
        for qty, strategy in ((from_stock, "make_to_stock"), (rest, "make_to_order")):
            if product.uom_id.compare(qty, 0) <= 0:
                continue
            values = line._prepare_procurement_values()
            values["route_ids"] = line.warehouse_id._mto_routes_for(strategy, product)
            procurements.append(self.env["stock.rule"].Procurement(
                product, qty, product.uom_id, location, line.product_id.display_name,
                line.order_id.name, line.order_id.company_id, values))
        if procurements:
            self.env["stock.rule"].run(procurements)
        line.order_id.picking_ids.filtered(
            lambda p: p.state not in ("cancel", "done")).action_confirm()

    def _mto_free_qty_for_line(self):
        """Free quantity in the line's warehouse, locked so two confirmations cannot share it.

        Reserving then updates these quants, so a concurrent confirmation that read them before we
        committed fails to lock them (serialization error) and is retried by Odoo on fresh data.
        """
        self.ensure_one()
        location = self.warehouse_id.lot_stock_id
        products = self.product_id
        kit = self._mto_kit_boms().get(self)
        if kit:  # a kit's free quantity is the complete kits its components in stock make
            products |= products.union(*(bom_line.product_id for bom_line, _d in kit.explode(self.product_id, 1.0)[1]))
        self.env.cr.execute(
            "SELECT id FROM stock_quant WHERE product_id IN %s AND location_id IN "
            "(SELECT id FROM stock_location WHERE parent_path LIKE %s) ORDER BY id FOR UPDATE",
            [tuple(products.ids), location.parent_path + "%"])
        return self.product_id.with_context(location=location.id).free_qty

    # ------------------------------------------------------------ propagation
    def _mto_top_productions(self):
        """The line's manufacturing orders of the ordered product (not sub-assemblies)."""
        self.ensure_one()
        return self.mto_production_ids.filtered(
            lambda p: p.product_id == self.product_id and p.state != "cancel")

    def _mto_delivered_quantities(self, qty):
        """{product: quantity (its unit)} the line delivers for `qty` of its product (its unit):
        the product itself, or a kit's components (as Odoo explodes the kit's delivery); and
        the line's manufacturing orders that make them for the delivery (not sub-assemblies)."""
        self.ensure_one()
        kit = self._mto_kit_boms().get(self)
        if not kit:
            return {self.product_id: qty}, self._mto_top_productions()
        runs = self.product_id.uom_id._compute_quantity(qty, kit.product_uom_id, round=False) / kit.product_qty
        quantities = defaultdict(float)
        for bom_line, data in kit.explode(self.product_id, runs)[1]:
            quantities[bom_line.product_id] += bom_line.product_uom_id._compute_quantity(
                data["qty"], bom_line.product_id.uom_id, round=False)
        # sudo: a salesperson changing the line reads the production groups (manufacturing rights)
        productions = self.sudo().mto_production_ids.filtered(lambda p: p.state != "cancel")
        return dict(quantities), productions.filtered(
            lambda p: p.product_id in quantities and not p._get_sources() & productions).with_env(self.env)

    def _mto_propagate_quantity(self, previous):
        for line in self:
            old = previous[line.id]
            new = line.product_uom_qty
            if line.product_uom_id.compare(new, old) == 0:
                continue
            if line.product_uom_id.compare(new, old) > 0:
                line._mto_log(self.env._(
                    "Quantity increased from %(old)s to %(new)s: production follows.",
                    old=old, new=new), line._mto_delivered_quantities(0.0)[1])
                # its work is booked again for the new quantity (change.production.qty): the
                # forecast says whether the date holds
                line._mto_enqueue_repromise(self.env._(
                    "Quantity increased from %(old)s to %(new)s", old=old, new=new))
                continue
            # the salesperson changes the quantity; shrinking the production, the RFQs and the
            # order stock it no longer needs follows as the system's doing (as Odoo procures)
            line.sudo()._mto_decrease(old, new)

    def _mto_decrease(self, old, new):
        """Shrink the not-started production of the line; flag what is already started."""
        self.ensure_one()
        to_remove, productions = self._mto_delivered_quantities(
            self.product_uom_id._compute_quantity(old - new, self.product_id.uom_id))
        kit = self.product_id not in to_remove
        bought = self.env["purchase.order.line"].search([
            ("mto_sale_line_id", "=", self.id), ("order_id.state", "!=", "cancel")])
        if kit:
            # a kit's components bought for its delivery: Odoo lowered their purchase with it
            bought = bought.filtered(lambda pol: not pol.move_dest_ids.sale_line_id & self)
        purchases = bought.filtered(lambda pol: pol.order_id.state in ("draft", "sent"))
        purchased = {pol: pol.product_qty for pol in purchases}
        # what is bought for the line, confirmed purchases included (the drafts give up their
        # share of the decrease, not only their proportion of it)
        bought_qty = defaultdict(float)
        for pol in bought:
            bought_qty[pol.product_id] += pol.product_uom_id._compute_quantity(pol.product_qty, pol.product_id.uom_id)
        productions = productions.sorted("id", reverse=True)
        made_before = self._mto_made_qty(productions)
        touched = self.env["mrp.production"]
        for production in productions:
            uom = production.product_id.uom_id
            if uom.compare(to_remove[production.product_id], 0) <= 0:
                continue
            if not production._mto_is_started():
                qty = production.product_uom_id._compute_quantity(production.product_qty, uom)
                removed = min(qty, to_remove[production.product_id])
                production._mto_set_quantity(qty - removed)
                to_remove[production.product_id] -= removed
                touched |= production
        started = productions.filtered(
            lambda p: p._mto_is_started() and p.product_id.uom_id.compare(to_remove[p.product_id], 0) > 0)
        if started:
            started._mto_exception_activity(self.env._(
                "Order %(order)s: quantity of %(product)s reduced from %(old)s to %(new)s, but "
                "this production has started. Decide what to do with the extra quantity.",
                order=self.order_id.name, product=self.product_id.display_name, old=old, new=new))
        if self.mto_strategy == "stock_then_order" or kit:
            # the purchases were made for the part made to order, not for the whole line
            made_after = self._mto_made_qty(productions)
            factor = made_after / made_before if made_before else 0.0
        else:
            factor = new / old if old else 0.0
        purchases._mto_scale(purchased, factor, self.order_id, bought_qty)
        self._mto_log(self.env._(
            "Quantity decreased from %(old)s to %(new)s: not-started production adjusted.",
            old=old, new=new), touched | started)
        self._mto_release_surplus()

    def _mto_release_surplus(self):
        """Order stock the line no longer needs after a decrease is free stock again (logged).

        Components and goods reserved for the line were pegged to it; shrinking its production
        unreserves what is no longer needed but would leave it pegged, out of every other
        order's reach until this one ships. Per product and location, what the line's open
        moves from there still need stays pegged, less what its open transfers from other
        locations of the warehouse still bring there (in a warehouse manufacturing in 2 or 3
        steps, components come to pre-production by the line's own picks: what was picked for
        the quantity removed is surplus, a sub-assembly's components still to pick are pegged in
        stock); only unreserved goods are released.
        """
        self.ensure_one()
        quants = self._mto_pegged_quants()
        if not quants:
            return
        moves = (self.mto_production_ids.move_raw_ids | self.move_ids | self.env["stock.move"].search(
            [("mto_sale_line_id", "=", self.id), ("state", "not in", ("done", "cancel"))])).filtered(
            lambda m: m.state not in ("done", "cancel"))
        pegged = defaultdict(float)
        for quant in quants:
            pegged[quant.product_id, quant.location_id] += quant.quantity
        released = []
        for (product, location), quantity in pegged.items():
            needed = 0.0
            for move in moves.filtered(lambda m, p=product: m.product_id == p):
                qty = move.product_uom._compute_quantity(move.product_uom_qty, product.uom_id)
                if location._child_of(move.location_id):
                    needed += qty
                elif move.location_id.usage == "internal" and location._child_of(move.location_dest_id):
                    needed -= qty  # the line's goods on their way there, pegged where they are now
            surplus = product.uom_id.round(quantity - needed)
            if product.uom_id.compare(surplus, 0) > 0:
                moved = self._mto_release_stock(product, surplus, location)
                if product.uom_id.compare(moved, 0) > 0:
                    released.append(f"{product.uom_id.round(moved):g} {product.uom_id.name} {product.display_name}")
        if released:
            self.order_id.message_post(body=self.env._(
                "Order stock no longer needed by %(product)s released to free stock: %(goods)s.",
                product=self.product_id.display_name, goods=", ".join(released)))

    def _mto_made_qty(self, productions):
        """How much `productions` make (product unit; cancelled: none)."""
        return sum(p.product_uom_id._compute_quantity(p.product_qty, p.product_id.uom_id)
                   for p in productions if p.state != "cancel")

    def _mto_cancel_production(self):
        """Cancel the lines' not-started production and draft RFQs; flag started production."""
        productions = self.mto_production_ids.filtered(lambda p: p.state not in ("done", "cancel"))
        started = productions.filtered(lambda p: p._mto_is_started())
        to_cancel = productions - started
        if to_cancel:
            to_cancel.with_context(mto_propagation=True).action_cancel()
        purchases = self.env["purchase.order.line"]._mto_draft_lines(self)
        purchases._mto_scale({pol: pol.product_qty for pol in purchases}, 0.0, self.order_id)
        for line in self:
            line_started = started.filtered(lambda p, line=line: p.mto_sale_line_id == line)
            if line_started:
                line_started._mto_exception_activity(self.env._(
                    "Order %(order)s was cancelled but this production has started. "
                    "Decide whether to finish it for stock or scrap it.", order=line.order_id.name))
            line._mto_log(self.env._("Order cancelled: not-started production cancelled."),
                          to_cancel.filtered(lambda p, line=line: p.mto_sale_line_id == line) | line_started)

    def _mto_log(self, body, productions):
        """Log a propagation on the order and on each production order it touched."""
        self.ensure_one()
        self.order_id.message_post(body=body)
        for production in productions:
            production.message_post(body=self.env._(
                "%(order)s / %(product)s: %(body)s", order=self.order_id.name,
                product=self.product_id.display_name, body=body))
