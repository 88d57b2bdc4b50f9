"""The contracts of DESIGN.md over Odoo 19's JSON-2 API (``/json/2/<model>/<method>``, API key),
with the caller's access rights, as a modern integration would call them."""
import json
import subprocess
import urllib.error
import urllib.request
from datetime import date

import pytest
from odoo_live import ODOO_CONF, ODOO_SRC, PYTHON

KEY_SCRIPT = """
seller = env["res.users"].search([("login", "=", "json2_seller")])
print("KEY=" + env["res.users.apikeys"].with_user(seller).sudo()._generate(None, "e2e json2", None))
env.cr.commit()
"""


@pytest.fixture(scope="module")
def api(odoo_server, admin):
    """A salesperson with an API key, a made-to-order product with a bought component."""
    mto = admin.ref("stock.route_warehouse0_mto")
    warehouse = admin("stock.warehouse", "search_read", [], fields=["manufacture_pull_id"], limit=1)[0]
    manufacture = admin("stock.rule", "read", [warehouse["manufacture_pull_id"][0]], ["route_id"])[0]
    vendor = admin("res.partner", "create", {"name": "JSON-2 Vendor"})
    component = admin("product.product", "create", {
        "name": "JSON-2 Panel", "type": "consu", "is_storable": True,
        "seller_ids": [(0, 0, {"partner_id": vendor, "delay": 4, "price": 25})]})
    product = admin("product.product", "create", {
        "name": "JSON-2 Cabinet", "type": "consu", "is_storable": True, "list_price": 900,
        "route_ids": [(6, 0, [mto, manufacture["route_id"][0]])]})
    template = admin("product.product", "read", [product], ["product_tmpl_id"])[0]["product_tmpl_id"][0]
    admin("mrp.bom", "create", {"product_tmpl_id": template, "product_qty": 1,
                                "bom_line_ids": [(0, 0, {"product_id": component, "product_qty": 4})]})
    customer = admin("res.partner", "create", {"name": "JSON-2 Customer"})
    admin("res.users", "create", {
        "name": "JSON-2 Seller", "login": "json2_seller", "password": "json2_seller_pw",
        "group_ids": [(6, 0, [admin.ref("sales_team.group_sale_salesman")])]})
    out = subprocess.run(
        [PYTHON, f"{ODOO_SRC}/odoo-bin", "shell", "-c", ODOO_CONF, "-d", odoo_server.db, "--no-http",
         "--log-level=warn"], input=KEY_SCRIPT, capture_output=True, text=True, timeout=180, check=True)
    key = next(line[4:] for line in out.stdout.splitlines() if line.startswith("KEY="))

    def call(model, method, **body):
        request = urllib.request.Request(
            f"{odoo_server.url}/json/2/{model}/{method}", data=json.dumps(body).encode(), method="POST",
            headers={"Authorization": f"bearer {key}", "Content-Type": "application/json",
                     "X-Odoo-Database": odoo_server.db})
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")

    return {"call": call, "product": product, "customer": customer}


def test_simulate_promise_and_confirm_over_json2(api, admin):
    call = api["call"]
    status, result = call("mto.promise", "simulate", lines=[
        {"product_id": api["product"], "product_uom_qty": 2, "partner_id": api["customer"]}])
    assert status == 200, result
    (line,) = result
    assert line["strategy"] == "make_to_order"
    assert date.fromisoformat(line["promise_date"]) >= date.today()
    assert line["bottleneck"]["kind"] in ("component", "workcenter", "lead_time")
    assert "JSON-2 Panel" in line["explanation"]

    status, order_id = call("sale.order", "create", vals_list=[{
        "partner_id": api["customer"],
        "order_line": [[0, 0, {"product_id": api["product"], "product_uom_qty": 2}]]}])
    assert status == 200, order_id
    status, promised = call("sale.order", "action_mto_promise", ids=order_id)
    assert status == 200, promised
    assert promised[0]["promise_date"] == line["promise_date"]
    status, _ = call("sale.order", "action_confirm", ids=order_id)
    assert status == 200
    status, rows = call("sale.order", "read", ids=order_id,
                        fields=["mto_fulfilment_state", "mto_production_count", "mto_at_risk"])
    assert status == 200 and rows[0]["mto_production_count"] == 1
    assert rows[0]["mto_fulfilment_state"] == "waiting_material"
    status, lines = call("sale.order.line", "search_read", domain=[["order_id", "in", order_id]],
                         fields=["mto_strategy", "mto_promise_date", "mto_production_ids"])
    assert status == 200 and lines[0]["mto_promise_date"] == line["promise_date"]
    assert len(lines[0]["mto_production_ids"]) == 1


def test_json2_bad_input_and_rights(api, admin):
    call = api["call"]
    before = admin("sale.order", "search_count", [])
    status, error = call("mto.promise", "simulate", lines=[{"product_id": api["product"], "product_uom_qty": -1}])
    assert status in (400, 422), (status, error)
    assert "quantity" in json.dumps(error).lower()
    status, error = call("mto.promise", "simulate", lines=[{"product_id": 10**9, "product_uom_qty": 1}])
    assert status in (400, 404, 422), (status, error)
    # a salesperson never reads costs, and may not write routing rules
    status, error = call("sale.order.line", "search_read", domain=[], fields=["mto_planned_cost"], limit=1)
    assert status in (400, 403), (status, error)
    status, error = call("mto.routing.rule", "create", vals_list=[{"name": "x", "strategy": "make_to_order"}])
    assert status == 403, (status, error)
    assert admin("sale.order", "search_count", []) == before
