"""Keeping promises on a live server: a vendor's new date entered on the receipt is re-promised
by the job runner (queue_job, channel root.mto); a salesperson cancels her own order.

Plant: calendar Mon-Fri 08-12 + 13-17 UTC; Table = Frame (Weld 60 min on Welding, 2 Tubes
bought to order, vendor lead 5 days) + 4 Bolts in stock, Assemble 120 min on Assembly.
"""
import time
import xmlrpc.client
from datetime import date, timedelta

import pytest


def call(client, model, method, ids):
    """A method that answers None: done, but XML-RPC cannot send the answer back."""
    try:
        client(model, method, ids)
    except xmlrpc.client.Fault as fault:
        if "cannot marshal None" not in fault.faultString:
            raise


def wait_jobs(admin, timeout=120):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if not admin("queue.job", "search_count", [("state", "in", ("pending", "enqueued", "started"))]):
            return
        time.sleep(0.5)
    pytest.fail("re-promise jobs still pending: is the job runner (server_wide_modules queue_job) running?")


@pytest.fixture(scope="module")
def plant(odoo_server, admin):
    attendances = [(0, 0, {"name": f"{day} {start}", "dayofweek": str(day), "hour_from": start,
                           "hour_to": start + 4, "day_period": "morning" if start < 12 else "afternoon"})
                   for day in range(5) for start in (8, 13)]
    calendar = admin("resource.calendar", "create", {"name": "E2E plant", "tz": "UTC",
                                                     "attendance_ids": [(5, 0, 0), *attendances]})
    welding, assembly = (admin("mrp.workcenter", "create", {
        "name": name, "resource_calendar_id": calendar, "time_start": 0, "time_stop": 0})
        for name in ("E2E Welding", "E2E Assembly"))
    warehouse = admin("stock.warehouse", "search_read", [],
                      fields=["buy_pull_id", "manufacture_pull_id", "lot_stock_id"], limit=1)[0]
    route = {key: admin("stock.rule", "read", [warehouse[key][0]], ["route_id"])[0]["route_id"][0]
             for key in ("buy_pull_id", "manufacture_pull_id")}
    mto = admin.ref("stock.route_warehouse0_mto")
    vendor = admin("res.partner", "create", {"name": "E2E Steel Vendor"})
    tube = admin("product.product", "create", {
        "name": "E2E Tube", "type": "consu", "is_storable": True,
        "route_ids": [(6, 0, [mto, route["buy_pull_id"]])],
        "seller_ids": [(0, 0, {"partner_id": vendor, "delay": 5, "price": 10})]})
    bolt = admin("product.product", "create", {"name": "E2E Bolt", "type": "consu", "is_storable": True})
    quant = admin("stock.quant", "create", {"product_id": bolt, "location_id": warehouse["lot_stock_id"][0],
                                            "inventory_quantity": 1000})
    call(admin, "stock.quant", "action_apply_inventory", [quant])
    frame = admin("product.product", "create", {
        "name": "E2E Frame", "type": "consu", "is_storable": True,
        "route_ids": [(6, 0, [mto, route["manufacture_pull_id"]])]})
    table = admin("product.product", "create", {"name": "E2E Table", "type": "consu", "is_storable": True})

    def template(product):
        return admin("product.product", "read", [product], ["product_tmpl_id"])[0]["product_tmpl_id"][0]

    admin("mrp.bom", "create", {
        "product_tmpl_id": template(frame), "product_qty": 1,
        "bom_line_ids": [(0, 0, {"product_id": tube, "product_qty": 2})],
        "operation_ids": [(0, 0, {"name": "Weld", "workcenter_id": welding, "time_mode": "manual",
                                  "time_cycle_manual": 60})]})
    admin("mrp.bom", "create", {
        "product_tmpl_id": template(table), "product_qty": 1,
        "bom_line_ids": [(0, 0, {"product_id": frame, "product_qty": 1}),
                         (0, 0, {"product_id": bolt, "product_qty": 4})],
        "operation_ids": [(0, 0, {"name": "Assemble", "workcenter_id": assembly, "time_mode": "manual",
                                  "time_cycle_manual": 120})]})
    admin("mto.routing.rule", "create", {"name": "E2E tables", "product_id": table, "strategy": "make_to_order"})
    admin("res.users", "create", {
        "name": "E2E Promise Seller", "login": "e2e_promise_seller", "password": "e2e_promise_pw",
        "group_ids": [(6, 0, [admin.ref("sales_team.group_sale_salesman")])]})
    seller = odoo_server.login("e2e_promise_seller", "e2e_promise_pw")
    customer = admin("res.partner", "create", {"name": "E2E Promise Customer"})
    return {"seller": seller, "customer": customer, "table": table, "frame": frame}


def confirmed_order(admin, plant):
    seller = plant["seller"]
    order = seller("sale.order", "create", {
        "partner_id": plant["customer"], "order_line": [(0, 0, {"product_id": plant["table"], "product_uom_qty": 1})]})
    seller("sale.order", "action_mto_promise", [order])
    seller("sale.order", "action_confirm", [order])
    line = seller("sale.order", "read", [order], ["order_line"])[0]["order_line"][0]
    po_line = admin("purchase.order.line", "search_read", [("mto_sale_line_id", "=", line)], fields=["order_id"])[0]
    admin("purchase.order", "button_confirm", [po_line["order_id"][0]])
    wait_jobs(admin)
    return order, line, po_line


def test_vendor_date_on_the_receipt_is_re_promised_in_the_background(admin, plant):
    order, line, po_line = confirmed_order(admin, plant)
    promised = admin("sale.order.line", "read", [line], ["mto_promise_date"])[0]["mto_promise_date"]
    receipt = admin("stock.picking", "search_read", [("purchase_id", "=", po_line["order_id"][0])],
                    fields=["scheduled_date"])[0]
    # the vendor now delivers on a Wednesday three weeks ahead, 10:00: Weld 10-11, Assemble
    # 11-12 + 13-14 that day (nothing else is booked then)
    today = date.today()
    wednesday = today + timedelta(days=21 + (2 - today.weekday()) % 7)
    admin("stock.picking", "write", [receipt["id"]], {"scheduled_date": f"{wednesday} 10:00:00"})
    wait_jobs(admin)
    read = admin("sale.order.line", "read", [line], ["mto_forecast_date", "mto_at_risk", "mto_risk_cause"])[0]
    assert read["mto_forecast_date"] == str(wednesday)
    assert read["mto_at_risk"]
    assert po_line["order_id"][1] in read["mto_risk_cause"] and "E2E Tube" in read["mto_risk_cause"]
    activity_type = admin.ref("mto_fulfilment.mail_activity_type_at_risk")
    activities = [("res_model", "=", "sale.order"), ("res_id", "=", order), ("activity_type_id", "=", activity_type)]
    assert admin("mail.activity", "search_count", activities) == 1
    admin("stock.picking", "write", [receipt["id"]], {"scheduled_date": receipt["scheduled_date"]})
    wait_jobs(admin)
    read = admin("sale.order.line", "read", [line], ["mto_forecast_date", "mto_at_risk"])[0]
    assert (read["mto_forecast_date"], read["mto_at_risk"]) == (promised, False)
    assert admin("mail.activity", "search_count", activities) == 0


def test_salesperson_cancels_her_order_with_started_production(admin, plant):
    order, line, _po_line = confirmed_order(admin, plant)
    frame = admin("mrp.production", "search_read",
                  [("mto_sale_line_id", "=", line), ("product_id", "=", plant["frame"])], fields=["workorder_ids"])[0]
    call(admin, "mrp.workorder", "button_start", frame["workorder_ids"])
    plant["seller"]("sale.order", "action_cancel", [order])
    productions = admin("mrp.production", "search_read", [("mto_sale_line_id", "=", line)],
                        fields=["product_id", "state", "activity_ids"])
    states = {p["product_id"][0]: p["state"] for p in productions}
    assert states == {plant["table"]: "cancel", plant["frame"]: "progress"}
    started = next(p for p in productions if p["product_id"][0] == plant["frame"])
    activities = admin("mail.activity", "read", started["activity_ids"], ["note", "user_id"])
    assert len(activities) == 1 and "cancelled" in activities[0]["note"] and activities[0]["user_id"]
