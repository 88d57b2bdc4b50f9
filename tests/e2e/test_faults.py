"""Faults: the server is killed (SIGKILL) in the middle of confirming a batch of orders.

After a restart every order is either fully confirmed (its MOs, their booked work orders and the
order stock all there) or untouched (a quotation with nothing attached): nothing half-written.
"""
import threading
import time
import xmlrpc.client

import pytest
from odoo_live import SOURCE_DB, OdooServer, _psql, clone_database

DB = f"{SOURCE_DB}_faults"  # named after the suite's databases: two suites can run side by side


@pytest.fixture(scope="module")
def fault_server():
    clone_database(DB)
    server = OdooServer(DB).start()
    yield server
    server.stop()
    _psql(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')


def test_sigkill_during_confirmations_leaves_orders_whole(fault_server):
    admin = fault_server.login("admin", "admin")
    calendar = admin("resource.calendar", "create", {"name": "Fault 40h", "tz": "UTC"})
    workcenter = admin("mrp.workcenter", "create", {"name": "Fault Lathe", "resource_calendar_id": calendar})
    vendor = admin("res.partner", "create", {"name": "Fault Vendor"})
    component = admin("product.product", "create", {
        "name": "Fault Bar", "type": "consu", "is_storable": True,
        "seller_ids": [(0, 0, {"partner_id": vendor, "delay": 1, "price": 3})]})
    product = admin("product.product", "create", {"name": "Fault Shaft", "type": "consu", "is_storable": True})
    template = admin("product.product", "read", [product], ["product_tmpl_id"])[0]["product_tmpl_id"][0]
    admin("mrp.bom", "create", {
        "product_tmpl_id": template, "bom_line_ids": [(0, 0, {"product_id": component, "product_qty": 1})],
        "operation_ids": [(0, 0, {"name": "Turn", "workcenter_id": workcenter, "time_mode": "manual",
                                  "time_cycle_manual": 30})]})
    admin("mto.routing.rule", "create", {"name": "Shafts to order", "product_id": product, "strategy": "make_to_order"})
    customer = admin("res.partner", "create", {"name": "Fault Customer"})
    orders = [admin("sale.order", "create", {"partner_id": customer, "order_line": [
        (0, 0, {"product_id": product, "product_uom_qty": 3 + i})]}) for i in range(12)]

    confirmed_calls = []

    def confirm_all():
        client = fault_server.login("admin", "admin")
        for order in orders:
            try:
                client("sale.order", "action_confirm", [order])
                confirmed_calls.append(order)
            except (OSError, xmlrpc.client.Error):
                return

    thread = threading.Thread(target=confirm_all)
    thread.start()
    deadline = time.time() + 60
    while len(confirmed_calls) < 3 and time.time() < deadline:
        time.sleep(0.05)
    fault_server.proc.kill()  # SIGKILL, mid-batch
    fault_server.proc.wait(10)
    thread.join(30)
    assert 3 <= len(confirmed_calls) < len(orders), "the kill should land in the middle of the batch"

    fault_server.start()
    admin = fault_server.login("admin", "admin")
    resource = admin("mrp.workcenter", "read", [workcenter], ["resource_id"])[0]["resource_id"][0]
    states = {o["id"]: o for o in admin("sale.order", "read", orders, ["state", "order_line"])}
    whole, untouched = 0, 0
    for order in orders:
        line = states[order]["order_line"][0]
        productions = admin("mrp.production", "search_read", [("mto_sale_line_id", "=", line)],
                            fields=["state", "workorder_ids", "product_qty"])
        pickings = admin("stock.picking", "search_count", [("sale_id", "=", order)])
        if states[order]["state"] == "sale":
            assert len(productions) == 1 and pickings == 1, (order, productions, pickings)
            workorders = admin("mrp.workorder", "read", productions[0]["workorder_ids"], ["leave_id"])
            assert all(wo["leave_id"] for wo in workorders), "its work orders are booked"
            assert admin("purchase.order.line", "search_count", [("mto_sale_line_id", "=", line)]) >= 0
            whole += 1
        else:
            assert states[order]["state"] == "draft"
            assert not productions and not pickings, "an untouched quotation has nothing attached"
            untouched += 1
    assert whole >= len(confirmed_calls) and untouched >= 1
    leaves = admin("resource.calendar.leaves", "search_read", [("resource_id", "=", resource)],
                   fields=["date_from", "date_to"], order="date_from")
    assert len(leaves) == whole, "no orphan booking from the killed transaction"
