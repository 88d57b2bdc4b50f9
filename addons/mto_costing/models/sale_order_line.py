from collections import defaultdict

from odoo import api, fields, models
from odoo.addons.mto_fulfilment.models.sale_order_line import MTO_STRATEGIES
from odoo.tools import float_round

from .mto_cost_line import COST_GROUPS

MAX_BOM_DEPTH = 20
# overhead is absorbed by the net production cost: material and labour less the by-products' share
OVERHEAD_BASE = ("material", "labour", "byproduct")


def _product_variances(planned, actual):
    """Price and usage variances of a {product id: {qty, price[, value]}} breakdown.

    usage = (actual qty - planned qty) x planned unit price
    price = (actual unit price - planned unit price) x actual qty
    A product that was not planned is valued at its actual price (all usage variance).
    """
    price = usage = 0.0
    for key in set(planned) | set(actual):
        if not key.isdigit():
            continue
        plan, act = planned.get(key, {}), actual.get(key, {})
        qty_planned, qty_actual = plan.get("qty", 0.0), act.get("qty", 0.0)
        value_actual = act.get("value", 0.0)
        unit_planned = plan["price"] if "price" in plan else (value_actual / qty_actual if qty_actual else 0.0)
        usage += (qty_actual - qty_planned) * unit_planned
        price += value_actual - qty_actual * unit_planned
    return price, usage


def _labour_variances(planned, actual):
    """efficiency = (actual - expected minutes) / 60 x planned rate; price = actual cost - actual hours x
    planned rate."""
    price = efficiency = 0.0
    for key in set(planned) | set(actual):
        plan, act = planned.get(key, {}), actual.get(key, {})
        minutes_actual = act.get("minutes", 0.0)
        rate = plan["rate"] if "rate" in plan else act.get("rate", 0.0)
        efficiency += (minutes_actual - plan.get("minutes", 0.0)) / 60.0 * rate
        price += act.get("cost", 0.0) - minutes_actual / 60.0 * rate
    return price, efficiency


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    mto_cost_line_ids = fields.One2many(
        "mto.cost.line", "sale_line_id", string="Cost lines", groups=COST_GROUPS)
    mto_cost_currency_id = fields.Many2one(
        related="company_id.currency_id", string="Cost currency", groups=COST_GROUPS)
    mto_planned_cost = fields.Monetary(
        "Planned cost", currency_field="mto_cost_currency_id", compute="_compute_mto_costs", store=True,
        groups=COST_GROUPS, help="Cost of the line planned at confirmation (frozen).")
    mto_actual_cost = fields.Monetary(
        "Actual cost", currency_field="mto_cost_currency_id", compute="_compute_mto_costs", store=True,
        groups=COST_GROUPS, help="What the line really cost so far (final once its production is done).")
    mto_cost_variance = fields.Monetary(
        "Cost variance", currency_field="mto_cost_currency_id", compute="_compute_mto_costs", store=True,
        groups=COST_GROUPS, help="Actual minus planned cost: positive means over plan. Zero until the actual "
        "cost has been computed once.")
    mto_price_variance = fields.Monetary(
        "Price variance", currency_field="mto_cost_currency_id", compute="_compute_mto_costs", store=True,
        groups=COST_GROUPS)
    mto_usage_variance = fields.Monetary(
        "Usage variance", currency_field="mto_cost_currency_id", compute="_compute_mto_costs", store=True,
        groups=COST_GROUPS)
    mto_efficiency_variance = fields.Monetary(
        "Efficiency variance", currency_field="mto_cost_currency_id", compute="_compute_mto_costs",
        store=True, groups=COST_GROUPS)
    mto_scrap_variance = fields.Monetary(
        "Scrap variance", currency_field="mto_cost_currency_id", compute="_compute_mto_costs", store=True,
        groups=COST_GROUPS)
    mto_cost_final = fields.Boolean(
        "Production done", copy=False, readonly=True, groups=COST_GROUPS,
        help="All production (or order-specific purchases) of the line is done: the actual cost is final.")
    mto_cost_updated_at = fields.Datetime("Actual cost updated", copy=False, readonly=True, groups=COST_GROUPS)
    mto_revenue = fields.Monetary(
        "Revenue", currency_field="mto_cost_currency_id", compute="_compute_mto_margin", compute_sudo=True,
        groups=COST_GROUPS, help="Invoiced amount (untaxed, posted invoices minus credit notes) if anything "
        "was invoiced, else the untaxed amount of the line; in company currency.")
    mto_margin = fields.Monetary(
        "MTO margin", currency_field="mto_cost_currency_id", compute="_compute_mto_margin", compute_sudo=True,
        groups=COST_GROUPS, help="Revenue minus actual cost once production is done, minus planned cost before.")

    @api.depends("mto_cost_line_ids.amount", "mto_cost_line_ids.kind", "mto_cost_line_ids.variance_amount",
                 "mto_cost_line_ids.price_variance", "mto_cost_line_ids.usage_variance",
                 "mto_cost_line_ids.efficiency_variance", "mto_cost_line_ids.scrap_variance")
    def _compute_mto_costs(self):
        for line in self:
            rows = line.sudo().mto_cost_line_ids
            planned = rows.filtered(lambda r: r.kind == "planned")
            actual = rows - planned
            line.mto_planned_cost = sum(planned.mapped("amount"))
            line.mto_actual_cost = sum(actual.mapped("amount"))
            line.mto_cost_variance = sum(actual.mapped("variance_amount"))
            line.mto_price_variance = sum(actual.mapped("price_variance"))
            line.mto_usage_variance = sum(actual.mapped("usage_variance"))
            line.mto_efficiency_variance = sum(actual.mapped("efficiency_variance"))
            line.mto_scrap_variance = sum(actual.mapped("scrap_variance"))

    @api.depends("price_subtotal", "invoice_lines.balance", "invoice_lines.parent_state", "mto_planned_cost",
                 "mto_actual_cost", "mto_cost_final")
    def _compute_mto_margin(self):
        for line in self:
            line.mto_revenue = line._mto_revenue()
            if not line.mto_cost_line_ids:
                line.mto_margin = 0.0
                continue
            cost = line.mto_actual_cost if line.mto_cost_final else line.mto_planned_cost
            line.mto_margin = line.mto_revenue - cost

    def _mto_revenue(self):
        self.ensure_one()
        company = self.company_id or self.env.company
        invoiced = self.invoice_lines.filtered(
            lambda aml: aml.parent_state == "posted" and aml.move_id.move_type in ("out_invoice", "out_refund"))
        if invoiced:
            return -sum(invoiced.mapped("balance"))
        order = self.order_id
        return order.currency_id._convert(
            self.price_subtotal, company.currency_id, company, order.date_order or fields.Date.today())

    # ------------------------------------------------------------------ planned
    def _mto_costing_lines(self):
        return self.filtered(lambda sol: sol.mto_strategy in MTO_STRATEGIES and not sol.display_type
                             and sol.product_id)

    def _mto_freeze_planned_cost(self):
        """Write the planned cost rows of the make-to-order lines (replacing previous ones)."""
        lines = self.sudo()._mto_costing_lines()
        if not lines:
            return
        plans = lines._mto_plan_cost()
        CostLine = self.env["mto.cost.line"].sudo()
        CostLine.search([("sale_line_id", "in", lines.ids), ("kind", "=", "planned")]).unlink()
        CostLine.create([
            {"sale_line_id": line.id, "kind": "planned", "category": category, **values}
            for line, categories in plans.items() for category, values in categories.items()
        ])

    def _mto_plan_cost(self):
        """{line: {category: {amount, quantity, detail}}}: multi-level BoM explosion, nothing written.

        All lines are exploded level by level together, so BoMs are searched once per level.
        By-products with a cost share take that share of their BoM level's cost (sub-levels
        included, net of their own by-products), as Odoo values them: each exploded item carries
        the fractions of its cost credited to the by-products of the levels above it.
        """
        explosion = {line: {"material": defaultdict(float), "purchase": defaultdict(float),
                            "labour": defaultdict(float), "stock": defaultdict(float),
                            "byproduct": defaultdict(lambda: defaultdict(float)),
                            "byproduct_qty": defaultdict(float)} for line in self}
        todo = []
        for line in self:
            product = line.product_id
            qty = line.product_uom_id._compute_quantity(line.product_uom_qty, product.uom_id, round=False)
            if line.mto_strategy == "stock_then_order":
                # only what the line's MOs make is planned as manufacturing; the rest comes from stock
                made = sum(p.product_uom_id._compute_quantity(p.product_qty, product.uom_id, round=False)
                           for p in line._mto_top_productions())
                from_stock = max(qty - made, 0.0)
                explosion[line]["stock"][product] += from_stock
                qty -= from_stock
            if product.uom_id.compare(qty, 0) > 0:
                todo.append((line, product, qty, 0, {}))
        boms = {}
        while todo:
            for company in {line.company_id for line, *_rest in todo}:
                products = self.env["product.product"].union(*(
                    p for line, p, *_rest in todo if line.company_id == company and (p, company) not in boms))
                found = self.env["mrp.bom"]._bom_find(products, company_id=company.id) if products else {}
                for product in products:
                    bom = found.get(product)
                    boms[product, company] = bom if bom and bom.type in ("normal", "phantom") else None
            next_todo = []
            for line, product, qty, depth, shares in todo:
                bom = boms[product, line.company_id]
                credited = explosion[line]["byproduct"]
                if not bom or depth >= MAX_BOM_DEPTH:
                    explosion[line]["purchase" if depth == 0 else "material"][product] += qty
                    for byproduct, share in shares.items():
                        credited[byproduct][product] += qty * share
                    continue
                bom_qty = product.uom_id._compute_quantity(qty, bom.product_uom_id, round=False)
                factor = bom_qty / (bom.product_qty or 1.0)
                if bom.type == "normal":
                    shares = self._mto_byproduct_shares(explosion[line], bom, product, factor, shares)
                for operation in bom.operation_ids:
                    if operation._skip_operation_line(product):
                        continue
                    minutes = self._mto_operation_minutes(operation, product, bom, bom_qty)
                    explosion[line]["labour"][operation.workcenter_id] += minutes
                    for byproduct, share in shares.items():
                        credited[byproduct][operation.workcenter_id] += minutes * share
                for bom_line in bom.bom_line_ids:
                    if bom_line._skip_bom_line(product):
                        continue
                    component = bom_line.product_id
                    comp_qty = bom_line.product_uom_id._compute_quantity(
                        bom_line.product_qty * factor, component.uom_id, round=False)
                    next_todo.append((line, component, comp_qty, depth + 1, shares))
            todo = next_todo
        return {line: line._mto_price_plan(explosion[line]) for line in self}

    @api.model
    def _mto_byproduct_shares(self, exploded, bom, product, factor, shares):
        """Fractions of the cost of this BoM level's items credited to by-products: its own
        by-products take their cost share, those of the levels above get their share of the rest.
        Also adds the level's by-product quantities to `exploded`."""
        own = {}
        for byproduct in bom.byproduct_ids:
            if byproduct._skip_byproduct_line(product):
                continue
            exploded["byproduct_qty"][byproduct.product_id] += byproduct.product_uom_id._compute_quantity(
                byproduct.product_qty * factor, byproduct.product_id.uom_id, round=False)
            if byproduct.cost_share:
                own[byproduct.product_id] = own.get(byproduct.product_id, 0.0) + byproduct.cost_share / 100.0
        if not own:
            return shares
        keep = 1.0 - sum(own.values())
        result = {p: share * keep for p, share in shares.items()}
        for byproduct, share in own.items():
            result[byproduct] = result.get(byproduct, 0.0) + share
        return result

    @api.model
    def _mto_operation_minutes(self, operation, product, bom, qty):
        """Expected minutes of an operation for `qty` (BoM unit), as Odoo plans the work order:
        setup + cleanup + ceil(qty / capacity) x time_cycle x 100 / efficiency, capacity defaulting
        to the BoM quantity."""
        workcenter = operation.workcenter_id
        capacity, setup, cleanup = workcenter._get_capacity(product, bom.product_uom_id, bom.product_qty or 1.0)
        cycles = float_round(qty / (capacity or 1.0), precision_digits=0, rounding_method="UP")
        return setup + cleanup + cycles * operation.time_cycle * 100.0 / (workcenter.time_efficiency or 100.0)

    def _mto_planned_unit_price(self, product, qty):
        """Vendor price for `qty` (the line's quantity band) in company currency per product unit
        (Odoo's `price_discounted` is already per product unit), else the product cost."""
        self.ensure_one()
        company = self.company_id
        product = product.with_company(company)
        today = fields.Date.context_today(self)
        seller = product._select_seller(quantity=qty, uom_id=product.uom_id, date=today)
        if seller:
            return seller.currency_id._convert(seller.price_discounted, company.currency_id, company, today)
        return product.standard_price

    def _mto_price_plan(self, exploded):
        self.ensure_one()
        company = self.company_id
        currency = company.currency_id
        plan = {}
        material = {str(p.id): {"qty": q, "price": self._mto_planned_unit_price(p, q)}
                    for p, q in exploded["material"].items()}
        for product, qty in exploded["stock"].items():
            if product.uom_id.compare(qty, 0) > 0:
                key = str(product.id)
                material[key] = {"qty": material.get(key, {}).get("qty", 0.0) + qty,
                                 "price": product.with_company(company).standard_price}
                material["stock"] = {"product": product.id, "qty": qty}
        purchase = {str(p.id): {"qty": q, "price": self._mto_planned_unit_price(p, q)}
                    for p, q in exploded["purchase"].items()}
        labour = {str(wc.id): {"minutes": m, "rate": wc.costs_hour, "cost": m / 60.0 * wc.costs_hour}
                  for wc, m in exploded["labour"].items()}
        for category, detail in (("material", material), ("purchase", purchase)):
            if detail:
                plan[category] = {
                    "amount": currency.round(sum(d["qty"] * d["price"] for k, d in detail.items() if k.isdigit())),
                    "quantity": sum(d["qty"] for k, d in detail.items() if k.isdigit()),
                    "detail": detail}
        if labour:
            plan["labour"] = {"amount": currency.round(sum(d["cost"] for d in labour.values())),
                              "quantity": sum(d["minutes"] for d in labour.values()), "detail": labour}
        byproducts = {}
        for byproduct, credited in exploded["byproduct"].items():
            qty = exploded["byproduct_qty"].get(byproduct, 0.0)
            if byproduct.with_company(company).cost_method in ("fifo", "average"):
                # the credit is priced like the material and labour it is a share of
                value = sum(amount * (labour[str(key.id)]["rate"] / 60.0 if key._name == "mrp.workcenter"
                                      else material[str(key.id)]["price"])
                            for key, amount in credited.items())
            else:
                # at standard cost Odoo values the by-product at its standard price, not at its
                # cost share (mrp_account `_cal_price`): the actual credit will be that value
                value = qty * byproduct.with_company(company).standard_price
            byproducts[str(byproduct.id)] = {"qty": qty, "value": -value, "price": value / qty if qty else 0.0}
        if byproducts:
            plan["byproduct"] = {
                "amount": currency.round(sum(d["value"] for d in byproducts.values())),
                "quantity": sum(d["qty"] for d in byproducts.values()), "detail": byproducts}
        rate = company.mto_overhead_rate
        if rate:
            base = sum(plan[c]["amount"] for c in OVERHEAD_BASE if c in plan)
            plan["overhead"] = {"amount": currency.round(base * rate / 100.0), "quantity": 0.0,
                                "detail": {"rate": rate, "base": base}}
        return plan

    # ------------------------------------------------------------------ actual
    def _mto_compute_actual_cost(self):
        """Rewrite the actual cost rows (and variances) of the lines from what really happened.

        Batched: a fixed number of searches for any number of lines; no query per record.
        """
        lines = self.sudo()._mto_costing_lines().filtered(lambda sol: sol.state != "draft")
        if not lines:
            return
        env = lines.env
        productions = env["mrp.production"].search(
            [("mto_sale_line_id", "in", lines.ids), ("state", "!=", "cancel")])
        moves = env["stock.move"].search([
            "|", ("raw_material_production_id", "in", productions.ids), ("production_id", "in", productions.ids),
            ("state", "=", "done")])
        po_lines = env["purchase.order.line"].search([
            ("mto_sale_line_id", "in", lines.ids), ("order_id.state", "=", "purchase")])
        receipts = env["stock.move"].search([("purchase_line_id", "in", po_lines.ids), ("state", "=", "done")])
        # customer returns of the lines' goods, and re-deliveries of those returns (return of return)
        returns = env["stock.move"].search([
            ("sale_line_id", "in", lines.ids), ("state", "=", "done"),
            "|", ("location_id.usage", "=", "customer"),
            ("origin_returned_move_id.location_id.usage", "=", "customer")])
        rows = env["mto.cost.line"].search([("sale_line_id", "in", lines.ids)])
        productions.workorder_ids.time_ids.fetch(["date_start", "date_end", "duration"])

        productions_by_line = productions.grouped("mto_sale_line_id")
        moves_by_production = defaultdict(lambda: env["stock.move"])
        for move in moves:
            moves_by_production[move.raw_material_production_id or move.production_id] |= move
        po_by_line = po_lines.grouped("mto_sale_line_id")
        receipts_by_pol = receipts.grouped("purchase_line_id")
        returns_by_line = returns.grouped("sale_line_id")
        rows_by_key = {(r.sale_line_id, r.category, r.kind): r for r in rows}

        to_create = []
        final_lines = {True: lines.browse(), False: lines.browse()}  # sudo, like `lines`
        now = fields.Datetime.now()
        for line in lines:
            prods = productions_by_line.get(line, env["mrp.production"])
            line_moves = env["stock.move"].union(*(moves_by_production[p] for p in prods))
            actual = line._mto_actual_breakdown(
                prods, line_moves, po_by_line.get(line, env["purchase.order.line"]), receipts_by_pol, rows_by_key,
                returns=returns_by_line.get(line, env["stock.move"]))
            planned = {c: rows_by_key.get((line, c, "planned")) for c in dict(env["mto.cost.line"]._fields[
                "category"].selection)}
            categories = {c for c, r in planned.items() if r} | set(actual)
            for category in categories:
                values = line._mto_actual_values(category, planned[category], actual.get(category))
                row = rows_by_key.get((line, category, "actual"))
                if row:
                    row.write(values)
                else:
                    to_create.append({"sale_line_id": line.id, "kind": "actual", "category": category, **values})
            stale = env["mto.cost.line"].union(*(
                r for (sol, c, k), r in rows_by_key.items() if sol == line and k == "actual" and c not in categories))
            stale.unlink()
            done = prods.filtered(lambda p: p.state == "done")
            if prods:
                final = bool(done) and not (prods - done)
            else:
                pols = po_by_line.get(line, env["purchase.order.line"])
                final = bool(pols) and all(
                    pol.product_uom_id.compare(pol.qty_received, pol.product_qty) >= 0 for pol in pols)
            final_lines[final] |= line
        for final, sale_lines in final_lines.items():
            sale_lines.write({"mto_cost_final": final, "mto_cost_updated_at": now})
        env["mto.cost.line"].create(to_create)

    def _mto_move_value(self, move, qty):
        """Company-currency value of a done move (Odoo 19 keeps it on the move, lot-valuated if used);
        goods that are not valued in stock count at their product cost. A standard-cost product
        coming out of production keeps no value on its move (Odoo values it only with FIFO or
        average cost) while its stock counts at the standard price: that price, then."""
        product = move.product_id.with_company(self.company_id)
        if product.is_storable:
            value = abs(move.value)
            if not value and product.cost_method == "standard":
                value = qty * product.standard_price
            return value
        return qty * product.standard_price

    def _mto_actual_breakdown(self, productions, moves, po_lines, receipts_by_pol, rows_by_key, returns=None):
        """{category: {amount, quantity, detail}} of what the line really cost.

        By-products with a cost share and customer returns leave the order's cost at the value
        they entered stock with (negative "byproduct" and "returns" categories).
        """
        self.ensure_one()
        company = self.company_id
        currency = company.currency_id
        consumed = defaultdict(lambda: [0.0, 0.0])  # product -> [qty, value]
        made = defaultdict(float)
        scrap = defaultdict(lambda: [0.0, 0.0])
        byproducts = defaultdict(lambda: [0.0, 0.0])
        for move in moves:
            qty = move.product_uom._compute_quantity(move.quantity, move.product_id.uom_id, round=False)
            value = self._mto_move_value(move, qty)
            if move.scrap_id:
                scrap[move.product_id][0] += qty
                scrap[move.product_id][1] += value
            elif move.raw_material_production_id:
                consumed[move.product_id][0] += qty
                consumed[move.product_id][1] += value
            elif move.production_id and move.product_id != move.production_id.product_id:
                if move.cost_share:
                    byproducts[move.product_id][0] += qty
                    byproducts[move.product_id][1] += value
            elif move.production_id:
                made[move.product_id] += qty
        returned = defaultdict(lambda: [0.0, 0.0])
        for move in returns or ():
            qty = move.product_uom._compute_quantity(move.quantity, move.product_id.uom_id, round=False)
            # a return of the customer's return (re-delivered to the order) counts again
            sign = 1 if move.location_usage == "customer" else -1
            returned[move.product_id][0] += sign * qty
            returned[move.product_id][1] += sign * self._mto_move_value(move, qty)
        material = {}
        for product, (qty, value) in consumed.items():
            # a sub-assembly made by another MO of the line is internal: its components and labour
            # are counted on the sub-MO, so its consumption is not counted again
            internal = min(made.get(product, 0.0), qty)
            if internal:
                value = value * (qty - internal) / qty if qty else 0.0
                qty -= internal
            if product.uom_id.compare(qty, 0) > 0:
                material[str(product.id)] = {"qty": qty, "value": value, "price": value / qty}
        planned_material = rows_by_key.get((self, "material", "planned"))
        stock_part = (planned_material.detail or {}).get("stock") if planned_material else None
        if stock_part:
            product = self.env["product.product"].browse(stock_part["product"])
            price = product.with_company(company).standard_price
            entry = material.setdefault(str(product.id), {"qty": 0.0, "value": 0.0})
            entry["qty"] += stock_part["qty"]
            entry["value"] += stock_part["qty"] * price
            entry["price"] = entry["value"] / entry["qty"]
        labour = {}
        for workorder in productions.workorder_ids.filtered(lambda wo: wo.state != "cancel"):
            center = workorder.workcenter_id
            if workorder._should_estimate_cost():
                minutes = workorder.duration_expected
            else:
                minutes = sum(t.duration for t in workorder.time_ids if t.date_end)
            entry = labour.setdefault(str(center.id), {"minutes": 0.0, "cost": 0.0})
            entry["minutes"] += minutes
            entry["cost"] += workorder._cal_cost()
        for entry in labour.values():
            entry["rate"] = entry["cost"] / entry["minutes"] * 60.0 if entry["minutes"] else 0.0
        consumed_products = productions.move_raw_ids.product_id
        purchase = {}
        for pol in po_lines.filtered(lambda pol: pol.product_id not in consumed_products):
            product = pol.product_id
            unit = pol.price_subtotal / pol.product_qty if pol.product_qty else 0.0
            unit = pol.currency_id._convert(unit, currency, company, pol.date_order or fields.Date.today())
            value = qty = 0.0
            for move in receipts_by_pol.get(pol, ()):
                move_qty = move.product_uom._compute_quantity(move.quantity, product.uom_id, round=False)
                sign = -1 if move.location_dest_id.usage == "supplier" else 1
                move_value = abs(move.value) if product.is_storable else move.product_uom_qty * unit
                qty += sign * move_qty
                value += sign * move_value
            remaining = max(pol.product_qty - pol.qty_received, 0.0)
            value += remaining * unit
            qty += pol.product_uom_id._compute_quantity(remaining, product.uom_id, round=False)
            entry = purchase.setdefault(str(product.id), {"qty": 0.0, "value": 0.0})
            entry["qty"] += qty
            entry["value"] += value
        for entry in purchase.values():
            entry["price"] = entry["value"] / entry["qty"] if entry["qty"] else 0.0
        extra = sum(p.extra_cost * p.product_uom_id._compute_quantity(p.qty_produced, p.product_id.uom_id)
                    for p in productions if p.extra_cost)
        if extra:
            purchase["extra"] = extra
        result = {}
        for category, detail in (("material", material), ("purchase", purchase)):
            if detail:
                result[category] = {
                    "amount": currency.round(sum(d["value"] for k, d in detail.items() if k.isdigit())
                                             + (detail.get("extra", 0.0) if category == "purchase" else 0.0)),
                    "quantity": sum(d["qty"] for k, d in detail.items() if k.isdigit()),
                    "detail": detail}
        if labour:
            result["labour"] = {"amount": currency.round(sum(d["cost"] for d in labour.values())),
                                "quantity": sum(d["minutes"] for d in labour.values()), "detail": labour}
        # credits are negative: quantities are what came out (by-products) or back (returns)
        for category, entries, sign in (("scrap", scrap, 1), ("byproduct", byproducts, -1),
                                        ("returns", returned, -1)):
            entries = {p: (q, v) for p, (q, v) in entries.items() if p.uom_id.compare(q, 0) or currency.round(v)}
            if entries:
                detail = {str(p.id): {"qty": q, "value": sign * v, "price": abs(v / q) if q else 0.0}
                          for p, (q, v) in entries.items()}
                result[category] = {"amount": currency.round(sum(d["value"] for d in detail.values())),
                                    "quantity": sum(d["qty"] for d in detail.values()), "detail": detail}
        planned_overhead = rows_by_key.get((self, "overhead", "planned"))
        rate = (planned_overhead.detail or {}).get("rate") if planned_overhead else company.mto_overhead_rate
        if rate:
            base = sum(result[c]["amount"] for c in OVERHEAD_BASE if c in result)
            result["overhead"] = {"amount": currency.round(base * rate / 100.0), "quantity": 0.0,
                                  "detail": {"rate": rate, "base": base}}
        return result

    def _mto_actual_values(self, category, planned_row, actual):
        """Values of an actual row: amount, variance and its split (see readme/USAGE.md)."""
        actual = actual or {"amount": 0.0, "quantity": 0.0, "detail": {}}
        planned_amount = planned_row.amount if planned_row else 0.0
        planned_detail = (planned_row.detail or {}) if planned_row else {}
        values = {
            "amount": actual["amount"], "quantity": actual["quantity"], "detail": actual["detail"],
            "variance_amount": self.company_id.currency_id.round(actual["amount"] - planned_amount),
            "price_variance": 0.0, "usage_variance": 0.0, "efficiency_variance": 0.0, "scrap_variance": 0.0,
        }
        currency = self.company_id.currency_id
        if category in ("material", "purchase"):
            price, usage = _product_variances(planned_detail, actual["detail"])
            price += actual["detail"].get("extra", 0.0)
            values["price_variance"] = currency.round(price)
            values["usage_variance"] = currency.round(values["variance_amount"] - values["price_variance"])
        elif category == "labour":
            _price, efficiency = _labour_variances(planned_detail, actual["detail"])
            values["efficiency_variance"] = currency.round(efficiency)
            values["price_variance"] = currency.round(values["variance_amount"] - values["efficiency_variance"])
        elif category == "scrap":
            values["scrap_variance"] = values["variance_amount"]
        return values
