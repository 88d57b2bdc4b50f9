"""The benchmarks. Each case runs on one side (plain Odoo or the add-on) in a rolled-back transaction.

A case is a function ``case(env, side, scale) -> list[Row]``; it may raise, the runner records the
error in the table and goes on. Records are chosen by default_code / name, never by id, so both
databases pick the same products, customers and work centers.
"""
import math
from collections import defaultdict
from datetime import datetime, timedelta

from .common import Row, measure

FINISHED_CATEGORIES = ("Custom Machines", "Furniture")
CONFIRM_LINES = 20
CONFIRM_QTY = 3  # above the demo's "small furniture orders (up to 2) from stock first" routing rule
ASSIGN_MOVES = 500
ASSIGN_QUANTS = 5000
QUANT_QTY = 10.0
MOVE_QTY = 20.0
PROMISE_SIZES = (1, 5, 20)


# ----------------------------------------------------------------------------------- helpers
def _admin_env(env):
    """Admin user (not the superuser): the add-on checks sales rights, and so would a real user."""
    admin = env.ref("base.user_admin")
    return env(user=admin.id, su=False)


def _customer(env):
    """A deterministic ordinary customer (not the demo's big account, which has its own rule)."""
    partners = env["res.partner"].search([("customer_rank", ">", 0), ("is_company", "=", True),
                                          ("parent_id", "=", False)], order="name")
    others = partners.filtered(lambda p: not p.name.startswith("Hansa Office Outfitters"))
    return (others or partners)[:1]


def _bom_tree(env, product, depth=0, seen=None):
    """(depth of the BoM tree, number of exploded BoM lines, number of operations) of `product`."""
    seen = seen or set()
    bom = env["mrp.bom"]._bom_find(product, bom_type="normal").get(product)
    if not bom or product.id in seen or depth > 12:
        return 0, 0, 0
    seen = seen | {product.id}
    max_depth, lines, ops = 0, 0, len([op for op in bom.operation_ids if not op._skip_operation_line(product)])
    for line in bom.bom_line_ids:
        if line._skip_bom_line(product):
            continue
        sub_depth, sub_lines, sub_ops = _bom_tree(env, line.product_id, depth + 1, seen)
        max_depth, lines, ops = max(max_depth, sub_depth), lines + 1 + sub_lines, ops + sub_ops
    return 1 + max_depth, lines, ops


def _finished_products(env):
    """Sellable finished variants with a BoM, with their BoM tree: [(product, bom, depth, lines, ops)]."""
    products = env["product.product"].search([
        ("sale_ok", "=", True), ("categ_id.name", "in", FINISHED_CATEGORIES), ("default_code", "!=", False),
    ], order="default_code")
    found = env["mrp.bom"]._bom_find(products, bom_type="normal")
    result = []
    for product in products:
        bom = found.get(product)
        if bom:
            result.append((product, bom, *_bom_tree(env, product)))
    return result


def pick_confirm_products(env, n=CONFIRM_LINES):
    """n finished products, one per template, whose BoM has manufactured sub-assemblies (3 levels)."""
    chosen, templates = [], set()
    for product, _bom, depth, _lines, _ops in _finished_products(env):
        if depth >= 2 and product.product_tmpl_id.id not in templates:
            templates.add(product.product_tmpl_id.id)
            chosen.append(product)
    # spread over the catalogue (machines and furniture), deterministically
    step = max(1, len(chosen) // n)
    picked = chosen[::step][:n]
    if len(picked) < n:
        picked += [p for p in chosen if p not in picked][: n - len(picked)]
    return picked


def pick_deepest_products(env, n):
    """The n variants with the deepest, then largest BoM trees (one per template)."""
    rows = sorted(_finished_products(env), key=lambda r: (-r[2], -(r[3] + r[4]), r[0].default_code))
    chosen, templates = [], set()
    for product, bom, *_rest in rows:
        if product.product_tmpl_id.id not in templates:
            templates.add(product.product_tmpl_id.id)
            chosen.append((product, bom))
        if len(chosen) == n:
            break
    return chosen


def _max_id(env, model):
    env.cr.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{env[model]._table}"')
    return env.cr.fetchone()[0]


def _infeasible(mos):
    """MOs planned to start before a child MO finishes or before a component purchase arrives."""
    before_child = before_purchase = 0
    for mo in mos:
        if not mo.date_start:
            continue
        children = mo._get_children().filtered(lambda c: c.state != "cancel" and c.date_finished)
        if children and mo.date_start < max(children.mapped("date_finished")):
            before_child += 1
        raw = mo.move_raw_ids
        po_lines = (raw.created_purchase_line_ids | raw.move_orig_ids.purchase_line_id).filtered(
            lambda pol: pol.state != "cancel" and pol.date_planned)
        if po_lines and mo.date_start < max(po_lines.mapped("date_planned")):
            before_purchase += 1
    return before_child, before_purchase


# ----------------------------------------------------------------------------------- 1. confirm
def confirm_20_lines(env, side, scale):
    env = _admin_env(env)
    products = pick_confirm_products(env)
    customer = _customer(env)
    order = env["sale.order"].create({
        "partner_id": customer.id,
        "order_line": [(0, 0, {"product_id": p.id, "product_uom_qty": CONFIRM_QTY}) for p in products],
    })
    if side == "mto" and hasattr(order, "action_mto_promise"):
        order.action_mto_promise()  # a salesperson promises before confirming (not timed)
    before = {m: _max_id(env, m) for m in ("mrp.production", "purchase.order", "purchase.order.line")}
    with measure(env) as confirm:
        order.action_confirm()
    new_mos = env["mrp.production"].search([("id", ">", before["mrp.production"])])
    new_pos = env["purchase.order"].search([("id", ">", before["purchase.order"])])
    new_pols = env["purchase.order.line"].search([("id", ">", before["purchase.order.line"])])
    touched_pos = new_pols.order_id
    plan = None
    if side == "plain":
        to_plan = new_mos.filtered(lambda m: m.state == "confirmed" and m.workorder_ids)
        with measure(env) as plan:
            to_plan.button_plan()
    new_mos.invalidate_recordset()
    before_child, before_purchase = _infeasible(new_mos)
    counts = (f"{len(products)} lines x {CONFIRM_QTY}; {len(new_mos)} MOs "
              f"({len(new_mos.filtered(lambda m: not m._get_sources()))} top-level), "
              f"{len(new_pos)} new POs + {len(touched_pos - new_pos)} existing RFQs extended, "
              f"{len(new_pols)} PO lines")
    feasibility = (f"{before_child} MOs start before a child MO ends, {before_purchase} before a component "
                   f"purchase arrives" + (" (after button_plan)" if side == "plain" else " (as booked)"))
    rows = [Row("confirm_20_lines", scale, side, confirm.seconds, confirm.queries, notes=[counts, feasibility],
                extra={"mos": len(new_mos), "pos": len(new_pos), "po_lines": len(new_pols),
                       "before_child": before_child, "before_purchase": before_purchase})]
    if plan is not None:
        rows.append(Row("confirm_20_lines+plan", scale, side, confirm.seconds + plan.seconds,
                        confirm.queries + plan.queries,
                        notes=[f"action_confirm + button_plan of {len(new_mos)} MOs "
                               f"(button_plan {plan.seconds:.2f}s, {plan.queries} queries)"]))
    else:
        rows.append(Row("confirm_20_lines+plan", scale, side, confirm.seconds, confirm.queries,
                        notes=["confirmation books the work orders into the promised slots"]))
    return rows


# ----------------------------------------------------------------------------------- 2. assign
def _assign_products(env):
    return env["product.product"].search([
        ("is_storable", "=", True), ("default_code", "!=", False),
        "|", "|", ("default_code", "=like", "CP-%"), ("default_code", "=like", "RM-%"),
        ("default_code", "=like", "SP-%"),
    ], order="default_code", limit=100)


def action_assign_500(env, side, scale, peg=True):
    warehouse = env["stock.warehouse"].search([("company_id", "=", env.company.id)], order="id", limit=1)
    stock = warehouse.lot_stock_id
    products = _assign_products(env)
    n_locations = math.ceil(ASSIGN_QUANTS / len(products))
    locations = env["stock.location"].create([
        {"name": f"Bench Bin {i:03d}", "location_id": stock.id, "usage": "internal"} for i in range(n_locations)])
    pairs = [(p, loc, (i + j) % 2 == 0) for i, loc in enumerate(locations)
             for j, p in enumerate(products)][:ASSIGN_QUANTS]
    pegged = env["sale.order.line"]
    if side == "mto" and peg:
        pegged = env["sale.order.line"].search([("state", "=", "sale"), ("display_type", "=", False)], order="id")
        if not pegged:
            raise RuntimeError("no confirmed sale order line to peg quants to")
    start = datetime(2020, 1, 1)
    vals = []
    for i, (product, location, peg_quant) in enumerate(pairs):
        v = {"product_id": product.id, "location_id": location.id, "quantity": QUANT_QTY,
             "in_date": start + timedelta(minutes=i)}
        if pegged and peg_quant:  # every second quant of each product and of each bin
            v["mto_sale_line_id"] = pegged[i % len(pegged)].id
        vals.append(v)
    quants = env["stock.quant"].sudo().create(vals)
    n_pegged = sum(1 for v in vals if v.get("mto_sale_line_id"))
    # a direct delivery of 500 moves, reserved by hand (not at confirmation)
    picking_type = warehouse.out_type_id
    picking_type.reservation_method = "manual"
    customers = env.ref("stock.stock_location_customers")
    picking = env["stock.picking"].create({
        "picking_type_id": picking_type.id, "location_id": stock.id, "location_dest_id": customers.id,
    })
    moves = env["stock.move"].create([{
        "product_id": product.id, "product_uom_qty": MOVE_QTY, "product_uom": product.uom_id.id,
        "location_id": stock.id, "location_dest_id": customers.id, "picking_id": picking.id,
        "picking_type_id": picking_type.id,
    } for product in (products[i % len(products)] for i in range(ASSIGN_MOVES))])
    moves = moves._action_confirm(merge=False)  # 500 separate moves (a picking would merge them)
    first = _assign_rounds(env, moves)
    reserved, demand = sum(moves.mapped("quantity")), sum(moves.mapped("product_uom_qty"))
    took_pegged = env["stock.move.line"].search_count([("move_id", "in", moves.ids),
                                                       ("mto_sale_line_id", "!=", False)]) if side == "mto" else 0
    setup = (f"{len(moves)} moves of {len(products)} products, {len(quants)} quants in {n_locations} bins "
             f"({n_pegged} pegged); reserved {reserved:g}/{demand:g}, {len(moves.move_line_ids)} move lines")
    runs = lambda ms: ("runs " + "/".join(f"{m.seconds:.2f}" for m in ms) + "s (Python CPU "
                       + "/".join(f"{m.cpu:.2f}" for m in ms) + "s), best shown")
    notes = [setup, runs(first)]
    if side == "mto":
        notes.append(f"{took_pegged} move lines took pegged stock (must be 0)")
    best = min(first, key=lambda m: m.seconds)
    name = "action_assign_500" if peg else "action_assign_500_unpegged"
    return [Row(name, scale, side, best.seconds, best.queries, notes=notes,
                extra={"reserved": reserved, "took_pegged": took_pegged, "cpu": best.cpu})]


def action_assign_500_unpegged(env, side, scale):
    """The add-on's own overhead: the same 5,000 quants, none pegged (plain: the same as above)."""
    if side == "plain":
        return [Row("action_assign_500_unpegged", scale, side,
                    notes=["plain Odoo has no pegging: compare with its action_assign_500 row"])]
    return action_assign_500(env, side, scale, peg=False)


def _assign_rounds(env, moves, rounds=3):
    """Unreserve and reserve the moves `rounds` times; the measures of `_action_assign`."""
    result = []
    for _i in range(rounds):
        moves._do_unreserve()
        env.flush_all()
        env.invalidate_all()
        with measure(env) as m:
            moves._action_assign()
        result.append(m)
    moves.invalidate_recordset()
    return result


# ----------------------------------------------------------------------------------- 3. promise
def promise(env, side, scale):
    env = _admin_env(env)
    chosen = pick_deepest_products(env, max(PROMISE_SIZES))
    rows = []
    if side == "mto":
        # warm-up: the first simulate pays for loading ORM caches that the plain report never needs
        env["mto.promise"].simulate([{"product_id": chosen[0][0].id, "product_uom_qty": 1}])
    else:
        env["report.mrp.report_bom_structure"]._get_report_data(
            chosen[0][1].id, searchQty=1, searchVariant=chosen[0][0].id)
    for n in PROMISE_SIZES:
        subset = chosen[:n]
        env.invalidate_all()
        if side == "mto":
            lines = [{"product_id": p.id, "product_uom_qty": 1} for p, _bom in subset]
            with measure(env) as m:
                results = env["mto.promise"].simulate(lines)
            latest = max(r["promise_date"] for r in results)
            note = f"one simulate() of {n} lines; latest promise {latest}"
        else:
            with measure(env) as m:
                for product, bom in subset:
                    env["report.mrp.report_bom_structure"]._get_report_data(
                        bom.id, searchQty=1, searchVariant=product.id)
            note = f"{n} BoM Overview simulations (_get_report_data, one per product)"
        levels = sorted({_bom_tree(env, p)[0] + 1 for p, _b in subset})
        rows.append(Row(f"promise_{n}", scale, side, m.seconds, m.queries,
                        notes=[note + f"; {'/'.join(map(str, levels))}-level products"]))
    return rows


# ----------------------------------------------------------------------------------- 4. re-promise
def repromise_lines(env, side, scale):
    if side != "mto":
        return [Row("repromise_lines", scale, side, notes=["no plain equivalent (Odoo does not re-promise)"])]
    SaleLine = env["sale.order.line"]
    open_lines = SaleLine.search(SaleLine._mto_open_promised_domain())
    workcenters = env["mrp.workcenter"].search([], order="code")
    now = datetime.now().replace(microsecond=0)
    affected = {wc: SaleLine._mto_lines_for_workcenters(wc, now) for wc in workcenters}
    wc = max(workcenters, key=lambda w: (len(affected[w]), w.code))
    leave_vals = {"name": "Benchmark: unplanned repair", "resource_id": wc.resource_id.id,
                  "calendar_id": wc.resource_calendar_id.id, "time_type": "leave",
                  "date_from": now + timedelta(days=1), "date_to": now + timedelta(days=3)}
    with measure(env) as trigger:
        env["resource.calendar.leaves"].create(leave_vals)
    lines = SaleLine._mto_lines_for_workcenters(wc, leave_vals["date_from"]).sorted("id")
    jobs = env["queue.job"].search_count([("method_name", "=", "_mto_repromise_job"), ("state", "=", "pending")])
    if not lines:
        return [Row("repromise_lines", scale, side, notes=[f"no open promised line on any work center "
                                                           f"({len(open_lines)} open promised lines)"])]
    from odoo.addons.mto_fulfilment.models.sale_order_line_repromise import BATCH_SIZE

    # a queue job runs in a fresh transaction of a warm server: one warm-up run (its figures are
    # shown too: the first one also creates the at-risk activities), then the record cache is emptied
    with measure(env) as cold:
        lines._mto_repromise_job()
    env.invalidate_all()
    done = 0
    with measure(env) as m:
        for start in range(0, len(lines), BATCH_SIZE):
            done += lines[start:start + BATCH_SIZE]._mto_repromise_job()
    env.invalidate_all()
    with measure(env) as one:
        lines[:1]._mto_repromise_job()
    env.invalidate_all()
    with measure(env) as everything:
        n_all = open_lines._mto_repromise_job() if open_lines else 0
    per_line = max((m.seconds - one.seconds) / (done - 1), 0.0) if done > 1 else m.seconds
    per_line_q = (m.queries - one.queries) / (done - 1) if done > 1 else 0.0
    rate = done / m.seconds if m.seconds else float("inf")
    # 2,000 lines in batches of BATCH_SIZE: a fixed cost per batch (the snapshot) plus a marginal cost
    # per line, measured at this scale. The fixed part grows with the plant's data (open moves, work
    # orders, calendars), so at 10,000 lines this is a lower bound, not a forecast.
    batches = math.ceil(2000 / BATCH_SIZE)
    estimate = batches * one.seconds + 2000 * per_line
    notes = [
        f"time off on {wc.name} (affects {len(lines)} of {len(open_lines)} open promised lines): leave create "
        f"{trigger.seconds:.2f}s/{trigger.queries} q, {jobs} job(s) pending",
        f"{done} lines re-promised: {rate:.1f} lines/s (first, cold run {cold.seconds:.2f}s/{cold.queries} q); "
        f"1 line {one.seconds:.3f}s/{one.queries} q; all {n_all} open lines {everything.seconds:.2f}s/"
        f"{everything.queries} q",
        f"linear model: {one.seconds:.2f}s per batch + {per_line * 1000:.1f} ms and {per_line_q:.1f} queries per "
        f"extra line -> 2,000 lines in {batches} batches ~{estimate:.0f}s (lower bound, data of scale {scale})",
    ]
    return [Row("repromise_lines", scale, side, m.seconds, m.queries, notes=notes,
                extra={"lines": done, "lines_per_s": rate, "per_line_ms": per_line * 1000,
                       "batch_fixed_s": one.seconds, "estimate_2000_s": estimate})]


CASES = [
    ("confirm_20_lines", confirm_20_lines),
    ("action_assign_500", action_assign_500),
    ("action_assign_500_unpegged", action_assign_500_unpegged),
    ("promise", promise),
    ("repromise_lines", repromise_lines),
]


def selected(only):
    if not only:
        return CASES
    return [(name, fn) for name, fn in CASES
            if any(name.startswith(o) or o.startswith(name) for o in only)]


def group_by_bench(rows):
    grouped = defaultdict(dict)
    for row in rows:
        grouped[(row.bench, row.scale)][row.side] = row
    return grouped
