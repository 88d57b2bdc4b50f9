"""The harness and the core chain over XML-RPC against a live server, as an integration would."""
import xmlrpc.client

import pytest


@pytest.fixture(scope="module")
def plant(admin):
    """An MTO product (MTO + Manufacture routes) with a BoM, a customer and a salesperson."""
    mto = admin.ref("stock.route_warehouse0_mto")
    warehouse = admin("stock.warehouse", "search_read", [], fields=["manufacture_pull_id"], limit=1)[0]
    manufacture = admin("stock.rule", "read", [warehouse["manufacture_pull_id"][0]], ["route_id"])[0]
    vendor = admin("res.partner", "create", {"name": "E2E Vendor"})
    component = admin("product.product", "create", {
        "name": "E2E Panel", "type": "consu", "is_storable": True,
        "seller_ids": [(0, 0, {"partner_id": vendor, "delay": 4, "price": 25})]})
    product = admin("product.product", "create", {
        "name": "E2E Cabinet", "type": "consu", "is_storable": True, "list_price": 900,
        "route_ids": [(6, 0, [mto, manufacture["route_id"][0]])]})
    template = admin("product.product", "read", [product], ["product_tmpl_id"])[0]["product_tmpl_id"][0]
    admin("mrp.bom", "create", {"product_tmpl_id": template, "product_qty": 1,
                                "bom_line_ids": [(0, 0, {"product_id": component, "product_qty": 4})]})
    customer = admin("res.partner", "create", {"name": "E2E Customer"})
    admin("res.users", "create", {
        "name": "E2E Seller", "login": "e2e_seller", "password": "e2e_seller_pw",
        "group_ids": [(6, 0, [admin.ref("sales_team.group_sale_salesman")])]})
    return {"product": product, "customer": customer}


def test_salesperson_confirms_quotation_and_mo_is_linked(odoo_server, admin, plant):
    seller = odoo_server.login("e2e_seller", "e2e_seller_pw")
    assert seller, "the salesperson can log in"
    order_id = seller("sale.order", "create", {
        "partner_id": plant["customer"],
        "order_line": [(0, 0, {"product_id": plant["product"], "product_uom_qty": 3})]})
    line = seller("sale.order", "read", [order_id], ["order_line"])[0]["order_line"][0]
    assert seller("sale.order.line", "read", [line], ["mto_strategy"])[0]["mto_strategy"] == "make_to_order"
    seller("sale.order", "action_confirm", [order_id])
    productions = admin("mrp.production", "search_read", [("sale_line_id", "=", line)],
                        fields=["product_qty", "mto_sale_line_id", "state"])
    assert len(productions) == 1
    assert productions[0]["product_qty"] == 3
    assert productions[0]["mto_sale_line_id"][0] == line
    read = seller("sale.order.line", "read", [line], ["mto_production_ids"])[0]
    assert read["mto_production_ids"] == [productions[0]["id"]]
    state = seller("sale.order", "read", [order_id], ["mto_fulfilment_state"])[0]
    assert state["mto_fulfilment_state"] == "waiting_material"


def test_wrong_password_refused(odoo_server):
    assert odoo_server.login("admin", "not-the-password") is None
    models = xmlrpc.client.ServerProxy(f"{odoo_server.url}/xmlrpc/2/object")
    with pytest.raises(xmlrpc.client.Fault, match="Access Denied|AccessDenied"):
        models.execute_kw(odoo_server.db, 2, "wrong", "res.partner", "search", [[]])


def test_negative_quantity_refused_and_nothing_written(admin, plant):
    before = admin("sale.order", "search_count", [])
    with pytest.raises(xmlrpc.client.Fault, match="cannot be negative"):
        admin("sale.order", "create", {
            "partner_id": plant["customer"],
            "order_line": [(0, 0, {"product_id": plant["product"], "product_uom_qty": -2})]})
    assert admin("sale.order", "search_count", []) == before


def test_salesperson_promises_over_xmlrpc(odoo_server, admin, plant):
    seller = odoo_server.login("e2e_seller", "e2e_seller_pw")
    counts = {m: admin(m, "search_count", []) for m in ("sale.order", "mrp.production", "resource.calendar.leaves")}
    simulated = seller("mto.promise", "simulate", [{"product_id": plant["product"], "product_uom_qty": 2,
                                                    "partner_id": plant["customer"]}])
    assert len(simulated) == 1
    result = simulated[0]
    assert result["strategy"] == "make_to_order"
    assert result["bottleneck"]["kind"] in ("component", "workcenter", "lead_time")
    assert result["promise_date"] >= result["material_ready_date"][:10]
    assert result["explanation"]
    assert counts == {m: admin(m, "search_count", []) for m in counts}, "simulate writes nothing"

    order_id = seller("sale.order", "create", {
        "partner_id": plant["customer"],
        "order_line": [(0, 0, {"product_id": plant["product"], "product_uom_qty": 2})]})
    promised = seller("sale.order", "action_mto_promise", [order_id])
    order = seller("sale.order", "read", [order_id], ["commitment_date", "order_line"])[0]
    line = seller("sale.order.line", "read", order["order_line"], ["mto_promise_date", "mto_promise_explanation"])[0]
    assert promised[0]["promise_date"] == line["mto_promise_date"]
    assert order["commitment_date"][:10] == line["mto_promise_date"]
    assert line["mto_promise_explanation"]
