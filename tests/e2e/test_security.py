"""Security over XML-RPC and HTTP: a user of company A never sees company B's routing rules, cost
lines, order stock or promises through any method (read, search, simulate, reports); costs are
invisible to salespeople in every view and RPC read; answers computed with sudo() carry no field
the caller may not read.
"""
import http.cookiejar
import json
import urllib.error
import urllib.request
import xmlrpc.client

import pytest
from test_concurrency import receive

COST_FIELDS = ("mto_planned_cost", "mto_actual_cost", "mto_cost_variance", "mto_margin", "mto_price_variance",
               "mto_usage_variance", "mto_efficiency_variance", "mto_scrap_variance", "mto_cost_line_ids",
               "mto_revenue")
SIMULATE_KEYS = {"product_id", "quantity", "promise_date", "material_ready_date", "capacity_ready_date", "strategy",
                 "bottleneck", "explanation"}


@pytest.fixture(scope="module")
def companies(odoo_server, admin):
    """Company B with its own rule, product, customer, work center, order stock, production and
    cost lines; in company A a manager with every right and a salesperson."""
    main = admin("res.users", "read", [admin.uid], ["company_id"])[0]["company_id"][0]
    company_b = admin("res.company", "create", {"name": "Security B Ltd"})
    admin("res.users", "write", [admin.uid], {"company_ids": [(4, company_b)]})
    ctx = {"allowed_company_ids": [company_b, main]}

    def b(model, method, *args, **kwargs):
        return admin(model, method, *args, context=ctx, **kwargs)

    b.ref = admin.ref

    if not b("stock.warehouse", "search", [("company_id", "=", company_b)]):
        b("stock.warehouse", "create", {"name": "Security B WH", "code": "SECB", "company_id": company_b})
    warehouse = b("stock.warehouse", "search_read", [("company_id", "=", company_b)],
                  fields=["lot_stock_id", "in_type_id"], limit=1)[0]
    calendar = b("resource.calendar", "create", {"name": "Security B 40h", "tz": "UTC", "company_id": company_b})
    workcenter = b("mrp.workcenter", "create", {"name": "Security B Press", "resource_calendar_id": calendar,
                                                "company_id": company_b})
    component = b("product.product", "create", {"name": "Security B Sheet", "type": "consu", "is_storable": True,
                                                 "company_id": company_b, "standard_price": 7})
    product = b("product.product", "create", {"name": "Security B Widget", "type": "consu", "is_storable": True,
                                               "company_id": company_b, "list_price": 50})
    template = b("product.product", "read", [product], ["product_tmpl_id"])[0]["product_tmpl_id"][0]
    b("mrp.bom", "create", {"product_tmpl_id": template, "company_id": company_b,
                            "bom_line_ids": [(0, 0, {"product_id": component, "product_qty": 2})],
                            "operation_ids": [(0, 0, {"name": "Press", "workcenter_id": workcenter,
                                                      "time_mode": "manual", "time_cycle_manual": 10})]})
    rule = b("mto.routing.rule", "create", {"name": "Security B stock first", "product_id": product,
                                            "company_id": company_b, "strategy": "stock_then_order", "sequence": 1})
    customer = b("res.partner", "create", {"name": "Security B Customer", "company_id": company_b})
    receive(b, warehouse, {product: 2, component: 50})
    order = b("sale.order", "create", {"partner_id": customer, "company_id": company_b, "order_line": [
        (0, 0, {"product_id": product, "product_uom_qty": 5})]})
    b("sale.order", "action_mto_promise", [order])
    b("sale.order", "action_confirm", [order])
    line = b("sale.order", "read", [order], ["order_line"])[0]["order_line"][0]
    records = {
        "company_b": company_b, "rule": rule, "order": order, "line": line, "product": product, "customer": customer,
        "cost_lines": b("mto.cost.line", "search", [("order_id", "=", order)]),
        "quants": b("stock.quant", "search", [("mto_sale_line_id", "=", line)]),
        "productions": b("mrp.production", "search", [("mto_sale_line_id", "=", line)]),
    }
    assert records["cost_lines"] and records["quants"] and records["productions"], records
    admin("res.users", "write", [admin.uid], {"company_ids": [(3, company_b)]})
    groups = ["sales_team.group_sale_manager", "mrp.group_mrp_manager", "stock.group_stock_manager",
              "account.group_account_manager", "purchase.group_purchase_manager"]
    admin("res.users", "create", {"login": "sec_manager_a", "password": "sec_manager_a_pw", "name": "Manager A",
                                  "company_id": main, "company_ids": [(6, 0, [main])],
                                  "group_ids": [(6, 0, [admin.ref(g) for g in groups])]})
    admin("res.users", "create", {"login": "sec_seller_a", "password": "sec_seller_a_pw", "name": "Seller A",
                                  "company_id": main, "company_ids": [(6, 0, [main])],
                                  "group_ids": [(6, 0, [admin.ref("sales_team.group_sale_salesman_all_leads")])]})
    return records


def _denied(call):
    """The call is refused with an access error (XML-RPC fault code 4), not a crash or a user error."""
    with pytest.raises(xmlrpc.client.Fault) as info:
        call()
    assert info.value.faultCode == 4, info.value.faultString[-500:]


def test_company_a_sees_nothing_of_company_b(odoo_server, companies):
    b = companies
    manager = odoo_server.login("sec_manager_a", "sec_manager_a_pw")
    # search never finds B's records, read is refused
    for model, key, domain in (
            ("mto.routing.rule", "rule", []),
            ("mto.cost.line", "cost_lines", []),
            ("stock.quant", "quants", [("mto_sale_line_id", "!=", False)]),
            ("sale.order.line", "line", [("mto_promise_date", "!=", False)]),
            ("mrp.production", "productions", [("mto_sale_line_id", "!=", False)])):
        ids = b[key] if isinstance(b[key], list) else [b[key]]
        found = manager(model, "search", domain)
        assert not set(ids) & set(found), f"{model}: company B's records found by a company A user"
        assert not manager(model, "search_count", [("id", "in", ids)])
        _denied(lambda m=model, i=ids: manager(m, "read", i, ["display_name"]))
    report = manager("mto.fulfilment.report", "search_read", [], fields=["order_id"])
    assert b["order"] not in [r["order_id"][0] for r in report if r["order_id"]]
    # grouped reads and the pegged quantity computed with sudo() do not leak B either
    groups = manager("mto.cost.line", "read_group", [], ["amount:sum"], ["company_id"], lazy=False)
    assert all(not g["company_id"] or g["company_id"][0] != b["company_b"] for g in groups)
    assert not manager("mto.cost.line", "search", [("order_id", "=", b["order"])])
    # simulate on company B's product or customer is refused
    _denied(lambda: manager("mto.promise", "simulate", [{"product_id": b["product"], "product_uom_qty": 1}]))
    admin = odoo_server.login("admin", "admin")
    vendor = admin("res.partner", "create", {"name": "Security A Vendor"})
    product_a = admin("product.product", "create", {"name": "Security A Bolt", "type": "consu",
                                                    "seller_ids": [(0, 0, {"partner_id": vendor, "delay": 2})]})
    assert manager("mto.promise", "simulate", [{"product_id": product_a, "product_uom_qty": 1}])
    _denied(lambda: manager("mto.promise", "simulate", [
        {"product_id": product_a, "product_uom_qty": 1, "partner_id": b["customer"]}]))
    # cost sheet actions and the printed cost sheet of B's order
    for method in ("action_mto_cost_sheet", "action_mto_print_cost_sheet", "action_mto_update_actual_cost",
                   "action_mto_accept_forecast", "action_mto_promise"):
        _denied(lambda m=method: manager("sale.order", m, [b["order"]]))
    status, body = _http_get(odoo_server, "sec_manager_a", "sec_manager_a_pw",
                             f"/report/html/mto_costing.report_mto_cost_sheet/{b['order']}")
    assert status != 200 and "Security B Widget" not in body, (status, body[:300])


def test_costs_invisible_to_salespeople(odoo_server, admin, companies):
    seller = odoo_server.login("sec_seller_a", "sec_seller_a_pw")
    vendor = admin("res.partner", "create", {"name": "Security A Frame Vendor"})
    product = admin("product.product", "create", {"name": "Security A Frame", "type": "consu", "list_price": 9,
                                                  "seller_ids": [(0, 0, {"partner_id": vendor, "delay": 2})]})
    customer = admin("res.partner", "create", {"name": "Security A Customer"})
    order = seller("sale.order", "create", {"partner_id": customer, "order_line": [
        (0, 0, {"product_id": product, "product_uom_qty": 2})]})
    line = seller("sale.order", "read", [order], ["order_line"])[0]["order_line"][0]
    for model, record in (("sale.order", order), ("sale.order.line", line)):
        fields = seller(model, "fields_get", [], attributes=["string"])
        assert not set(COST_FIELDS) & set(fields), f"{model}.fields_get shows costs to a salesperson"
        # every add-on field the salesperson is shown can be read, and none of them is a cost
        mto_fields = [f for f in fields if f.startswith("mto_")]
        assert mto_fields
        rows = seller(model, "search_read", [("id", "=", record)], fields=mto_fields)
        assert rows and not set(COST_FIELDS) & set(rows[0])
        if model == "sale.order":
            everything = seller(model, "read", [record])[0]  # no field list: all the fields they may read
            assert not set(COST_FIELDS) & set(everything)
        for fname in ("mto_planned_cost", "mto_margin"):
            _denied(lambda m=model, r=record, f=fname: seller(m, "read", [r], [f]))
            _denied(lambda m=model, f=fname: seller(m, "search", [(f, ">", 0)]))
        views = seller(model, "get_views", [[False, "form"], [False, "list"]])
        for view in views["views"].values():
            assert not any(f in view["arch"] for f in COST_FIELDS), f"{model} view shows costs"
            assert "action_mto_cost_sheet" not in view["arch"]
    _denied(lambda: seller("mto.cost.line", "search_read", [], fields=["amount"]))
    _denied(lambda: seller("mto.cost.line", "read_group", [], ["amount:sum"], ["category"]))
    # answers computed with sudo() (rules, snapshot) hold only the documented promise fields
    simulated = seller("mto.promise", "simulate", [{"product_id": product, "product_uom_qty": 1}])
    assert set(simulated[0]) == SIMULATE_KEYS
    promised = seller("sale.order", "action_mto_promise", [order])
    assert set(promised[0]) == SIMULATE_KEYS | {"sale_line_id"}
    status, body = _http_get(odoo_server, "sec_seller_a", "sec_seller_a_pw",
                             f"/report/html/mto_costing.report_mto_cost_sheet/{order}")
    assert status != 200 and "Planned cost" not in body, (status, body[:300])


def _http_get(server, login, password, path):
    """GET `path` in a browser session of `login`: (status, body)."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    payload = json.dumps({"jsonrpc": "2.0", "params": {"db": server.db, "login": login, "password": password}})
    request = urllib.request.Request(f"{server.url}/web/session/authenticate", payload.encode(),
                                     {"Content-Type": "application/json"})
    answer = json.loads(opener.open(request, timeout=60).read())
    assert answer.get("result", {}).get("uid"), answer
    try:
        response = opener.open(f"{server.url}{path}", timeout=60)
        return response.status, response.read().decode(errors="replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(errors="replace")


def test_order_stock_cannot_be_created_for_another_order(odoo_server, admin):
    """Pegging by creation: an inventory, manufacturing or purchase user cannot create a move, an
    MO or an RFQ line made for an order line that is not part of that order's documents (they
    would take its goods or make goods for it); the order's own backorder, done by the inventory
    user over XML-RPC, keeps its pegging."""
    warehouse = admin("stock.warehouse", "search_read", [("company_id", "=", admin("res.users", "read", [
        admin.uid], ["company_id"])[0]["company_id"][0])], fields=["lot_stock_id", "in_type_id"], limit=1)[0]
    stock, customers = warehouse["lot_stock_id"][0], admin.ref("stock.stock_location_customers")
    product = admin("product.product", "create", {"name": "Security Pegged Lathe", "type": "consu",
                                                  "is_storable": True})
    component = admin("product.product", "create", {"name": "Security Pegged Bed", "type": "consu"})
    admin("mrp.bom", "create", {"product_tmpl_id": admin("product.product", "read", [product], ["product_tmpl_id"])[
        0]["product_tmpl_id"][0], "bom_line_ids": [(0, 0, {"product_id": component, "product_qty": 1})]})
    admin("mto.routing.rule", "create", {"name": "Security pegged stock first", "product_id": product,
                                         "strategy": "stock_then_order", "sequence": 1})
    receive(admin, warehouse, {product: 3})
    customer = admin("res.partner", "create", {"name": "Security Pegged Customer"})
    order = admin("sale.order", "create", {"partner_id": customer, "order_line": [
        (0, 0, {"product_id": product, "product_uom_qty": 3})]})
    admin("sale.order", "action_confirm", [order])
    line = admin("sale.order", "read", [order], ["order_line"])[0]["order_line"][0]
    delivery = admin("stock.picking", "search_read", [("sale_id", "=", order)], fields=["move_ids"])[0]
    move = delivery["move_ids"][0]
    assert admin("stock.move", "read", [move], ["mto_sale_line_id", "quantity"])[0]["quantity"] == 3

    def pegged():
        return sum(q["quantity"] for q in admin("stock.quant", "search_read", [("mto_sale_line_id", "=", line)],
                                                fields=["quantity"]))

    assert pegged() == 3
    users = {}
    for login, groups in (("sec_peg_clerk", ["stock.group_stock_user"]), ("sec_peg_maker", ["mrp.group_mrp_user"]),
                          ("sec_peg_buyer", ["purchase.group_purchase_user"])):
        admin("res.users", "create", {"login": login, "password": f"{login}_pw", "name": login,
                                      "group_ids": [(6, 0, [admin.ref(g) for g in groups])]})
        users[login] = odoo_server.login(login, f"{login}_pw")
    clerk, maker, buyer = users["sec_peg_clerk"], users["sec_peg_maker"], users["sec_peg_buyer"]
    moves_before = admin("stock.move", "search_count", [("mto_sale_line_id", "=", line)])
    taken = {"product_id": product, "product_uom_qty": 3, "location_id": stock, "location_dest_id": customers}
    _denied(lambda: clerk("stock.move", "create", dict(taken, mto_sale_line_id=line, move_line_ids=[(0, 0, {
        "product_id": product, "quantity": 3, "location_id": stock, "location_dest_id": customers,
        "mto_sale_line_id": line})])))
    _denied(lambda: clerk("stock.move", "create", dict(taken, sale_line_id=line)))
    _denied(lambda: clerk("stock.move", "copy", [move], {"picking_id": False}))
    _denied(lambda: maker("mrp.production", "create", {"product_id": product, "product_qty": 1,
                                                       "mto_sale_line_id": line}))
    _denied(lambda: maker("mrp.production", "create", {"product_id": product, "product_qty": 1, "sale_line_id": line}))
    vendor = admin("res.partner", "create", {"name": "Security Pegged Vendor"})
    _denied(lambda: buyer("purchase.order", "create", {"partner_id": vendor, "order_line": [
        (0, 0, {"product_id": product, "product_qty": 1, "mto_sale_line_id": line})]}))
    assert admin("stock.move", "search_count", [("mto_sale_line_id", "=", line)]) == moves_before
    assert not admin("mrp.production", "search", [("mto_sale_line_id", "=", line)])
    assert pegged() == 3 and admin("stock.move", "read", [move], ["quantity"])[0]["quantity"] == 3
    # the clerk ships 1 and backorders 2: the backorder's move is split off with the order's pegging
    clerk("stock.move", "write", [move], {"quantity": 1, "picked": True})
    clerk("stock.picking", "button_validate", [delivery["id"]], context={"skip_backorder": True})
    backorder = admin("stock.picking", "search_read", [("backorder_id", "=", delivery["id"])], fields=["move_ids"])
    rest = admin("stock.move", "read", backorder[0]["move_ids"], ["mto_sale_line_id", "quantity"])
    assert [(m["mto_sale_line_id"][0], m["quantity"]) for m in rest] == [(line, 2)]
    assert pegged() == 2
