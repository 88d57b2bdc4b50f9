"""Load: parallel clients confirm orders that compete for the same work centers and the same last
units of stock (`stock_then_order`), against Odoo running with several worker processes, while
promise simulations run alongside.

* every order ends confirmed, or its client got a clear user error (never a traceback, never a
  serialization failure: the server retries transaction conflicts itself);
* no work center is booked twice at the same time; the last units are pegged once, only the
  shortage is made, pegged + free stock = on hand, every reservation sits on its own order's stock;
* simulations running at the same time never fail, and on a database copy where only simulations
  run, no table gains, loses or rewrites a single row.

In the suite: 8 clients x 4 orders (`MTO_LOAD_ORDERS` per client). The full-size run (8 x 25 = 200
orders) is `./setup/load`; its figures are in BENCHMARKS.md.
"""
import os
import re
import threading
import time
import xmlrpc.client

import pytest
from odoo_live import SOURCE_DB, OdooServer, _free_port, _psql, clone_database, query
from test_concurrency import receive

DB = f"{SOURCE_DB}_load"
SIM_DB = f"{SOURCE_DB}_simonly"
CLIENTS = 8
ORDERS = int(os.environ.get("MTO_LOAD_ORDERS", "4"))  # per client (the suite: 8 x 4)
STOCK = 6  # units of each contested product on hand at the start
LEAKS = re.compile(r"serializ|deadlock|psycopg|could not|Traceback|concurrent update", re.IGNORECASE)


def build_plant(admin, prefix, sellers_count=0):
    """Two products made on the same two work centers, a few units of each in stock (stock first,
    make the rest), plentiful components, and a product nobody can make (its orders must be refused)."""
    calendar = admin("resource.calendar", "create", {"name": f"{prefix} 40h", "tz": "UTC"})
    saw, welder = (admin("mrp.workcenter", "create", {"name": f"{prefix} {name}", "resource_calendar_id": calendar})
                   for name in ("Saw", "Welder"))
    tube = admin("product.product", "create", {"name": f"{prefix} Tube", "type": "consu", "is_storable": True})
    products = []
    for name, saw_min, weld_min in (("Frame", 20, 30), ("Rack", 15, 25)):
        product = admin("product.product", "create", {"name": f"{prefix} {name}", "type": "consu",
                                                      "is_storable": True, "list_price": 100})
        template = admin("product.product", "read", [product], ["product_tmpl_id"])[0]["product_tmpl_id"][0]
        admin("mrp.bom", "create", {
            "product_tmpl_id": template, "product_qty": 1,
            "bom_line_ids": [(0, 0, {"product_id": tube, "product_qty": 2})],
            "operation_ids": [
                (0, 0, {"name": "Cut", "workcenter_id": saw, "time_mode": "manual", "time_cycle_manual": saw_min,
                        "sequence": 1}),
                (0, 0, {"name": "Weld", "workcenter_id": welder, "time_mode": "manual",
                        "time_cycle_manual": weld_min, "sequence": 2})]})
        admin("mto.routing.rule", "create", {"name": f"{prefix} {name} stock first", "product_id": product,
                                             "strategy": "stock_then_order", "sequence": 1})
        products.append(product)
    prototype = admin("product.product", "create", {"name": f"{prefix} Prototype", "type": "consu",
                                                    "is_storable": True})
    admin("mto.routing.rule", "create", {"name": f"{prefix} prototypes to order", "product_id": prototype,
                                         "strategy": "make_to_order", "sequence": 1})
    warehouse = admin("stock.warehouse", "search_read", [], fields=["lot_stock_id", "in_type_id"], limit=1)[0]
    receive(admin, warehouse, {products[0]: STOCK, products[1]: STOCK, tube: 100000})
    customer = admin("res.partner", "create", {"name": f"{prefix} Customer"})
    sellers = []
    for index in range(sellers_count):
        login = f"{prefix.lower()}_seller_{index}"
        admin("res.users", "create", {"name": f"{prefix} Seller {index}", "login": login, "password": login,
                                      "group_ids": [(6, 0, [admin.ref("sales_team.group_sale_salesman_all_leads")])]})
        sellers.append(login)
    return {"workcenters": [saw, welder], "products": products, "prototype": prototype, "tube": tube,
            "customer": customer, "stock": warehouse["lot_stock_id"][0], "sellers": sellers}


def table_rows(db):
    """{table: row count} of every table of the database, and the newest transaction id so far."""
    tables = [r[0] for r in query("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1", db)]
    xid = int(query("SELECT pg_current_xact_id()::text", db)[0][0]) % 2 ** 32
    sql = " UNION ALL ".join(f"SELECT '{t}', count(*) FROM \"{t}\"" for t in tables)
    return {t: int(n) for t, n in query(sql, db)}, xid


def rows_written_since(db, xid):
    """{table: rows inserted or updated by a transaction newer than `xid`} (only tables with some)."""
    tables = [r[0] for r in query("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1", db)]
    sql = " UNION ALL ".join(
        f"SELECT '{t}', count(*) FROM \"{t}\" WHERE xmin::text::bigint > {xid}" for t in tables)
    return {t: int(n) for t, n in query(sql, db) if int(n)}


@pytest.fixture(scope="module")
def servers():
    clone_database(DB)
    clone_database(SIM_DB)
    load = OdooServer(DB, extra_args=["--workers=2", f"--gevent-port={_free_port()}", "--limit-time-real=600",
                                      "--limit-time-cpu=600"])
    sim = OdooServer(SIM_DB)
    try:
        yield load.start(), sim.start()
    finally:
        load.stop()
        sim.stop()
        _psql(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
        _psql(f'DROP DATABASE IF EXISTS "{SIM_DB}" WITH (FORCE)')


def _until(stop, deadline, call, calls, errors, limit=2000, pause=0.5):
    """Call `call` until `stop` is set (bounded by a deadline and a number of calls), as a
    salesperson would: a pause between two calls."""
    while not stop.is_set() and time.time() < deadline and len(calls) < limit:
        try:
            calls.append(call())
        except (OSError, xmlrpc.client.Error) as exc:
            errors.append(exc)
        stop.wait(pause)


def test_parallel_clients_under_load(servers, capsys):
    load, sim = servers
    setup_started = time.time()
    admin = load.login("admin", "admin")
    plant = build_plant(admin, "Load", sellers_count=2)
    sim_admin = sim.login("admin", "admin")
    sim_plant = build_plant(sim_admin, "Sim")
    for qty in (3, 9):  # some booked load for the simulations to plan around
        order = sim_admin("sale.order", "create", {"partner_id": sim_plant["customer"], "order_line": [
            (0, 0, {"product_id": sim_plant["products"][0], "product_uom_qty": qty})]})
        sim_admin("sale.order", "action_confirm", [order])
    # 8 clients (connections) of two salespeople
    clients = [load.login(login, login) for login in plant["sellers"] * (CLIENTS // 2)]
    sim_clients = [sim.login("admin", "admin") for _i in range(3)]
    mixed_clients = [load.login(login, login) for login in plant["sellers"]]
    assert all(clients) and all(sim_clients) and all(mixed_clients)
    sim_before, sim_xid = table_rows(SIM_DB)
    setup_time = time.time() - setup_started
    log_start = load.log_path.stat().st_size

    plan = {}  # (client, k) -> (product, qty)
    for c in range(CLIENTS):
        for k in range(ORDERS):
            i = c * ORDERS + k
            plan[c, k] = (plant["prototype"] if i % 5 == 4 else plant["products"][i % 2], 1 + i % 3)
    outcome = {}  # (client, k) -> (order id, None | Fault)

    def confirm(c):
        client = clients[c]
        for k in range(ORDERS):
            product, qty = plan[c, k]
            order = client("sale.order", "create", {"partner_id": plant["customer"], "order_line": [
                (0, 0, {"product_id": product, "product_uom_qty": qty})]})
            try:
                client("sale.order", "action_confirm", [order])
                outcome[c, k] = (order, None)
            except xmlrpc.client.Fault as fault:
                outcome[c, k] = (order, fault)

    stop = threading.Event()
    deadline = time.time() + 60 + ORDERS * 60
    simulated, sim_errors, mixed, mixed_errors = [], [], [], []
    sim_line = [{"product_id": sim_plant["products"][0], "product_uom_qty": 5, "partner_id": sim_plant["customer"]},
                {"product_id": sim_plant["products"][1], "product_uom_qty": 2}]
    mixed_line = [{"product_id": plant["products"][0], "product_uom_qty": 4, "partner_id": plant["customer"]},
                  {"product_id": plant["products"][1], "product_uom_qty": 1}]
    threads = [threading.Thread(target=confirm, args=(c,)) for c in range(CLIENTS)]
    threads += [threading.Thread(target=_until, args=(stop, deadline, lambda cl=cl: cl(
        "mto.promise", "simulate", sim_line), simulated, sim_errors)) for cl in sim_clients]
    threads += [threading.Thread(target=_until, args=(stop, deadline, lambda cl=cl: cl(
        "mto.promise", "simulate", mixed_line), mixed, mixed_errors)) for cl in mixed_clients]
    started = time.time()
    for thread in threads:
        thread.start()
    for thread in threads[:CLIENTS]:
        thread.join(max(deadline - time.time(), 1))
    elapsed = time.time() - started
    stop.set()
    for thread in threads:
        thread.join(max(deadline - time.time(), 1))
    assert not any(t.is_alive() for t in threads), "a client hung"
    with open(load.log_path, "rb") as log:
        log.seek(log_start)
        server_log = log.read().decode(errors="replace")
    retries = len(re.findall(r"serialization_failure, \d tries left", server_log, re.IGNORECASE))
    turns = len(re.findall(r"waited for another make-to-order confirmation", server_log))
    given_up = len(re.findall(r"maximum number of tries reached", server_log))
    with capsys.disabled():
        print(f"\nload run: {elapsed:.1f} s, {retries} serialization failures retried, {given_up} given up, "
              f"{turns} confirmations waited for their turn, "
              f"{sum(1 for _o, f in outcome.values() if f)} errors seen by clients")

    # every order is confirmed, or its client was told why in a sentence (a user error, code 2)
    assert len(outcome) == CLIENTS * ORDERS, "every client went through all its orders"
    states = {o["id"]: o["state"] for o in admin("sale.order", "read", [o for o, _f in outcome.values()], ["state"])}
    refused = []
    for key, (order, fault) in outcome.items():
        product, _qty = plan[key]
        if fault is None:
            assert states[order] == "sale", (key, states[order])
            continue
        refused.append(fault)
        assert fault.faultCode == 2 and not LEAKS.search(fault.faultString), fault.faultString[:500]
        assert states[order] == "draft", "a refused order is left as it was"
        assert product == plant["prototype"], f"only the unmakeable product is refused: {fault.faultString}"
        assert "neither a bill of materials nor a vendor" in fault.faultString
    assert len(refused) == sum(1 for p, _q in plan.values() if p == plant["prototype"])
    assert given_up == 0

    # capacity: each work center books one work order at a time, and every work order is booked
    resources = [w["resource_id"][0] for w in admin("mrp.workcenter", "read", plant["workcenters"], ["resource_id"])]
    res_list = ",".join(map(str, resources))
    overlaps = query(f"""
        SELECT a.resource_id, a.id, b.id FROM resource_calendar_leaves a JOIN resource_calendar_leaves b
            ON a.resource_id = b.resource_id AND a.id < b.id AND a.date_from < b.date_to AND b.date_from < a.date_to
         WHERE a.time_type = 'other' AND b.time_type = 'other' AND a.resource_id IN ({res_list})""", DB)
    assert not overlaps, f"work center booked beyond its capacity: {overlaps}"
    confirmed = [o for o, f in outcome.values() if f is None]
    lines = admin("sale.order.line", "search_read", [("order_id", "in", confirmed)],
                  fields=["product_id", "product_uom_qty"])
    productions = admin("mrp.production", "search_read", [("mto_sale_line_id", "in", [ln["id"] for ln in lines])],
                        fields=["product_id", "product_qty", "workorder_ids"])
    workorders = admin("mrp.workorder", "search_read", [("production_id", "in", [p["id"] for p in productions])],
                       fields=["leave_id", "workcenter_id"])
    assert workorders and all(w["leave_id"] for w in workorders), "every work order is booked"
    booked = query(f"SELECT count(*) FROM resource_calendar_leaves WHERE time_type = 'other' "
                   f"AND resource_id IN ({res_list})", DB)
    assert int(booked[0][0]) == len(workorders), "no booking without its work order"

    # stock: the last units are pegged once, only the shortage is made
    for product in plant["products"]:
        demand = sum(ln["product_uom_qty"] for ln in lines if ln["product_id"][0] == product)
        made = sum(p["product_qty"] for p in productions if p["product_id"][0] == product)
        taken = min(STOCK, demand)
        quants = admin("stock.quant", "search_read", [("product_id", "=", product),
                                                      ("location_id", "=", plant["stock"])],
                       fields=["quantity", "reserved_quantity", "mto_sale_line_id"])
        assert sum(q["quantity"] for q in quants) == STOCK
        assert sum(q["quantity"] for q in quants if q["mto_sale_line_id"]) == taken
        assert made == demand - taken, (product, demand, made, taken)
    # per product and location: pegged + free = on hand (from the done move history), and each
    # quant's reservation is exactly what its own order's move lines reserved
    products = ",".join(map(str, [*plant["products"], plant["tube"], plant["prototype"]]))
    on_hand = {(p, loc): float(q) for p, loc, q in query(f"""
        SELECT product_id, loc, sum(qty) FROM (
            SELECT product_id, location_dest_id AS loc, quantity AS qty FROM stock_move_line WHERE state = 'done'
            UNION ALL
            SELECT product_id, location_id, -quantity FROM stock_move_line WHERE state = 'done') m
         JOIN stock_location l ON l.id = m.loc AND l.usage = 'internal'
         WHERE product_id IN ({products}) GROUP BY product_id, loc""", DB)}
    quant_sum = {(p, loc): float(q) for p, loc, q in query(f"""
        SELECT q.product_id, q.location_id, sum(q.quantity) FROM stock_quant q
          JOIN stock_location l ON l.id = q.location_id AND l.usage = 'internal'
         WHERE q.product_id IN ({products}) GROUP BY q.product_id, q.location_id""", DB)}
    assert {k: v for k, v in quant_sum.items() if v} == {k: v for k, v in on_hand.items() if v}
    mismatched = query(f"""
        WITH q AS (SELECT product_id, location_id, coalesce(mto_sale_line_id, 0) AS peg,
                          sum(reserved_quantity) AS reserved FROM stock_quant
                    WHERE product_id IN ({products}) GROUP BY 1, 2, 3),
             ml AS (SELECT product_id, location_id, coalesce(mto_sale_line_id, 0) AS peg, sum(quantity) AS reserved
                      FROM stock_move_line WHERE state NOT IN ('done', 'cancel') AND product_id IN ({products})
                       AND location_id IN (SELECT id FROM stock_location WHERE usage = 'internal') GROUP BY 1, 2, 3)
        SELECT * FROM q FULL JOIN ml USING (product_id, location_id, peg)
         WHERE abs(coalesce(q.reserved, 0) - coalesce(ml.reserved, 0)) > 0.0001""", DB)
    assert not mismatched, f"reservations and quants disagree: {mismatched}"
    foreign = query(f"""
        SELECT ml.id FROM stock_move_line ml JOIN stock_move m ON m.id = ml.move_id
         WHERE ml.state NOT IN ('done', 'cancel') AND ml.mto_sale_line_id IS NOT NULL AND ml.product_id IN ({products})
           AND ml.mto_sale_line_id IS DISTINCT FROM m.sale_line_id
           AND ml.mto_sale_line_id IS DISTINCT FROM m.mto_sale_line_id""", DB)
    assert not foreign, f"a move reserved another order's stock: {foreign}"

    # simulations: never failed, and wrote nothing where only they ran
    assert not sim_errors and not mixed_errors, (sim_errors + mixed_errors)[:3]
    assert simulated and mixed and all(len(r) == 2 and r[0]["promise_date"] for r in simulated + mixed)
    sim_after, _xid = table_rows(SIM_DB)
    assert sim_after == sim_before, {t: (sim_before.get(t), n) for t, n in sim_after.items() if sim_before.get(t) != n}
    assert rows_written_since(SIM_DB, sim_xid) == {}, "simulate wrote rows"

    total = CLIENTS * ORDERS
    with capsys.disabled():
        print(f"\nload: set-up {setup_time:.0f} s; {CLIENTS} clients x {ORDERS} orders = {total} orders "
              f"on --workers=2 in {elapsed:.1f} s "
              f"({total / elapsed * 60:.1f} orders/min): {total - len(refused)} confirmed, {len(refused)} refused "
              f"with a user error, 0 other errors; {retries} serialization failures retried by the server "
              f"({given_up} given up), {turns} waited for their turn; "
              f"{len(mixed)} simulations alongside on the same database, {len(simulated)} on "
              f"a copy ({len(sim_before)} tables, row counts unchanged, 0 rows written); "
              f"{len(productions)} MOs, {len(workorders)} work orders booked without overlap")
