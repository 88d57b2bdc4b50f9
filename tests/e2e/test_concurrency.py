"""Concurrent confirmations over XML-RPC on a live server: no shared slot, no shared unit."""
import threading
from datetime import datetime

import pytest


def _run_parallel(calls):
    errors, threads = [], []

    def run(call):
        try:
            call()
        except Exception as exc:  # noqa: BLE001 - collected and reported by the test
            errors.append(exc)

    for call in calls:
        threads.append(threading.Thread(target=run, args=(call,)))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return errors


@pytest.fixture(scope="module")
def contested(admin):
    """A product everyone wants: stock-first rule, 5 units in stock, one work center."""
    calendar = admin("resource.calendar", "create", {"name": "E2E 40h", "tz": "UTC"})
    workcenter = admin("mrp.workcenter", "create", {"name": "E2E Press", "resource_calendar_id": calendar})
    product = admin("product.product", "create", {"name": "E2E Press part", "type": "consu", "is_storable": True})
    component = admin("product.product", "create", {"name": "E2E Sheet", "type": "consu", "is_storable": True})
    template = admin("product.product", "read", [product], ["product_tmpl_id"])[0]["product_tmpl_id"][0]
    admin("mrp.bom", "create", {
        "product_tmpl_id": template, "product_qty": 1,
        "bom_line_ids": [(0, 0, {"product_id": component, "product_qty": 1})],
        "operation_ids": [(0, 0, {"name": "Press", "workcenter_id": workcenter, "time_mode": "manual",
                                  "time_cycle_manual": 90})]})
    admin("mto.routing.rule", "create", {"name": "E2E stock first", "product_id": product,
                                         "strategy": "stock_then_order", "sequence": 1})
    warehouse = admin("stock.warehouse", "search_read", [], fields=["lot_stock_id", "in_type_id"], limit=1)[0]
    receive(admin, warehouse, {product: 5, component: 1000})
    customer = admin("res.partner", "create", {"name": "E2E Concurrent Customer"})
    return {"product": product, "workcenter": workcenter, "customer": customer,
            "stock": warehouse["lot_stock_id"][0]}


def receive(admin, warehouse, quantities):
    """Receive goods through a real receipt, as a storekeeper would."""
    supplier = admin.ref("stock.stock_location_suppliers")
    picking = admin("stock.picking", "create", {
        "picking_type_id": warehouse["in_type_id"][0], "location_id": supplier,
        "location_dest_id": warehouse["lot_stock_id"][0],
        "move_ids": [(0, 0, {"product_id": product, "product_uom_qty": qty, "location_id": supplier,
                             "location_dest_id": warehouse["lot_stock_id"][0]})
                     for product, qty in quantities.items()]})
    admin("stock.picking", "action_confirm", [picking])
    for move in admin("stock.move", "search_read", [("picking_id", "=", picking)], fields=["product_uom_qty"]):
        admin("stock.move", "write", [move["id"]], {"quantity": move["product_uom_qty"], "picked": True})
    assert admin("stock.picking", "button_validate", [picking]) is True


def _quotation(client, data, qty):
    return client("sale.order", "create", {
        "partner_id": data["customer"],
        "order_line": [(0, 0, {"product_id": data["product"], "product_uom_qty": qty})]})


def test_parallel_confirmations_share_neither_stock_nor_capacity(odoo_server, admin, contested):
    clients = [odoo_server.login("admin", "admin") for _ in range(4)]
    orders = [_quotation(admin, contested, 4) for _ in range(4)]
    errors = _run_parallel([lambda c=c, o=o: c("sale.order", "action_confirm", [o])
                            for c, o in zip(clients, orders, strict=True)])
    assert not errors, errors
    states = admin("sale.order", "read", orders, ["state"])
    assert {s["state"] for s in states} == {"sale"}

    # stock: the 5 units went to the orders, each unit once
    lines = admin("sale.order.line", "search_read", [("order_id", "in", orders)], fields=["id"])
    line_ids = [line["id"] for line in lines]
    quants = admin("stock.quant", "search_read",
                   [("product_id", "=", contested["product"]), ("location_id", "=", contested["stock"])],
                   fields=["quantity", "reserved_quantity", "mto_sale_line_id"])
    assert sum(q["quantity"] for q in quants) == 5
    pegged = [q for q in quants if q["mto_sale_line_id"]]
    assert sum(q["quantity"] for q in pegged) == 5
    assert all(q["mto_sale_line_id"][0] in line_ids for q in pegged)
    moves = admin("stock.move", "search_read",
                  [("sale_line_id", "in", line_ids), ("picking_code", "=", "outgoing")],
                  fields=["quantity", "product_uom_qty"])
    assert sum(m["quantity"] for m in moves) == 5, "the units are reserved once in all"
    productions = admin("mrp.production", "search_read", [("mto_sale_line_id", "in", line_ids)],
                        fields=["product_qty"])
    assert sum(p["product_qty"] for p in productions) == 4 * 4 - 5, "only the shortage is made"

    # capacity: the press is never booked twice at the same time
    resource = admin("mrp.workcenter", "read", [contested["workcenter"]], ["resource_id"])[0]["resource_id"][0]
    leaves = admin("resource.calendar.leaves", "search_read",
                   [("resource_id", "=", resource), ("time_type", "=", "other")],
                   fields=["date_from", "date_to"], order="date_from")
    assert len(leaves) == len(productions)
    spans = [(datetime.fromisoformat(le["date_from"]), datetime.fromisoformat(le["date_to"])) for le in leaves]
    for (_s1, end), (start, _e2) in zip(spans, spans[1:], strict=False):
        assert start >= end, f"overlapping bookings: {spans}"
