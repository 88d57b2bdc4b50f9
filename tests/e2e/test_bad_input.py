"""Bad input over XML-RPC, table-driven: each case gets a clear error and writes nothing.

The table of cases is printed in the test output (run pytest with -s to see it live).
"""
import re
import xmlrpc.client

import pytest
from test_concurrency import receive

COUNTED = ("sale.order", "sale.order.line", "mrp.production", "resource.calendar.leaves", "mto.routing.rule",
           "purchase.order.line", "stock.quant", "mail.activity", "mto.cost.line", "mail.message")


@pytest.fixture(scope="module")
def world(odoo_server, admin):
    vendor = admin("res.partner", "create", {"name": "Bad-input Vendor"})
    product = admin("product.product", "create", {
        "name": "Bad-input Table", "type": "consu", "is_storable": True,
        "seller_ids": [(0, 0, {"partner_id": vendor, "delay": 2, "price": 5})]})
    archived = admin("product.product", "create", {"name": "Bad-input Archived", "type": "consu"})
    admin("product.product", "write", [archived], {"active": False})
    customer = admin("res.partner", "create", {"name": "Bad-input Customer"})
    other_company = admin("res.company", "create", {"name": "Other Company Ltd"})
    admin("res.users", "write", [admin.uid], {"company_ids": [(4, other_company)]})
    main_company = admin("res.users", "read", [admin.uid], ["company_id"])[0]["company_id"][0]
    allowed = {"allowed_company_ids": [other_company, main_company]}
    other_warehouse = (admin("stock.warehouse", "search", [("company_id", "=", other_company)], context=allowed)
                       or [admin("stock.warehouse", "create", {"name": "Other WH", "code": "OTH",
                                                               "company_id": other_company}, context=allowed)])[0]
    # order stock: 2 units pegged to a line whose order was then cancelled (unreserved, releasable)
    pegged_product = admin("product.product", "create", {
        "name": "Bad-input Pegged", "type": "consu", "is_storable": True,
        "seller_ids": [(0, 0, {"partner_id": vendor, "delay": 2, "price": 5})]})
    admin("mto.routing.rule", "create", {"name": "Bad-input stock first", "product_id": pegged_product,
                                         "strategy": "stock_then_order", "sequence": 1})
    warehouse = admin("stock.warehouse", "search_read", [("company_id", "=", main_company)],
                      fields=["lot_stock_id", "in_type_id"], limit=1)[0]
    receive(admin, warehouse, {pegged_product: 2})
    pegging = admin("sale.order", "create", {"partner_id": customer, "order_line": [
        (0, 0, {"product_id": pegged_product, "product_uom_qty": 2})]})
    admin("sale.order", "action_confirm", [pegging])
    admin("sale.order", "action_cancel", [pegging])
    pegged_line = admin("sale.order", "read", [pegging], ["order_line"])[0]["order_line"][0]
    draft_pegged = admin("sale.order", "create", {"partner_id": customer, "order_line": [
        (0, 0, {"product_id": pegged_product, "product_uom_qty": 1})]})
    other_order = admin("sale.order", "create", {
        "partner_id": customer, "company_id": other_company,
        "order_line": [(0, 0, {"product_id": pegged_product, "product_uom_qty": 1})]},
        context={"allowed_company_ids": [other_company, main_company]})
    other_line = admin("sale.order.line", "search", [("order_id", "=", other_order)], context=allowed)[0]
    admin("res.users", "write", [admin.uid], {"company_ids": [(3, other_company)]})
    admin("res.users", "create", {"login": "bad_accountant", "password": "bad_accountant_pw", "name": "Bad Accountant",
                                  "group_ids": [(6, 0, [admin.ref("account.group_account_user"),
                                                        admin.ref("sales_team.group_sale_salesman_all_leads")])]})
    admin("res.users", "create", {"login": "bad_nobody", "password": "bad_nobody_pw", "name": "No Sales Rights",
                                  "group_ids": [(6, 0, [admin.ref("base.group_user")])]})
    admin("res.users", "create", {"login": "bad_seller", "password": "bad_seller_pw", "name": "Bad Seller",
                                  "group_ids": [(6, 0, [admin.ref("sales_team.group_sale_salesman_all_leads")])]})
    order = admin("sale.order", "create", {"partner_id": customer, "order_line": [
        (0, 0, {"product_id": product, "product_uom_qty": 2})]})
    cancelled = admin("sale.order", "create", {"partner_id": customer, "order_line": [
        (0, 0, {"product_id": product, "product_uom_qty": 1})]})
    admin("sale.order", "action_cancel", [cancelled])
    line = admin("sale.order", "read", [order], ["order_line"])[0]["order_line"][0]
    return {"product": product, "archived": archived, "customer": customer, "order": order, "line": line,
            "cancelled": cancelled, "other_warehouse": other_warehouse, "pegged_product": pegged_product,
            "pegged_line": pegged_line, "other_order": other_order,
            "other_line": other_line,
            "draft_pegged_line": admin("sale.order", "read", [draft_pegged], ["order_line"])[0]["order_line"][0],
            "nobody": odoo_server.login("bad_nobody", "bad_nobody_pw"),
            "seller": odoo_server.login("bad_seller", "bad_seller_pw"),
            "accountant": odoo_server.login("bad_accountant", "bad_accountant_pw")}



def line(w, **overrides):
    return {"product_id": w["product"], "product_uom_qty": 1, **overrides}


CASES = [
    # (name, caller, model, method, args builder, expected message pattern)
    ("simulate: empty list", "admin", "mto.promise", "simulate", lambda w: [[]], "non-empty list"),
    ("simulate: not a list", "admin", "mto.promise", "simulate", lambda w: ["table"], "non-empty list"),
    ("simulate: line not a dict", "admin", "mto.promise", "simulate", lambda w: [[42]], "must be a dictionary"),
    ("simulate: missing quantity", "admin", "mto.promise", "simulate",
     lambda w: [[{"product_id": w["product"]}]], "misses product_uom_qty"),
    ("simulate: product id not an int", "admin", "mto.promise", "simulate",
     lambda w: [[line(w, product_id="abc")]], "product_id must be an integer"),
    ("simulate: quantity not a number", "admin", "mto.promise", "simulate",
     lambda w: [[line(w, product_uom_qty="ten")]], "must be a number"),
    ("simulate: unknown product", "admin", "mto.promise", "simulate",
     lambda w: [[line(w, product_id=987654321)]], "unknown or archived product"),
    ("simulate: archived product", "admin", "mto.promise", "simulate",
     lambda w: [[line(w, product_id=w["archived"])]], "unknown or archived product"),
    ("simulate: zero quantity", "admin", "mto.promise", "simulate",
     lambda w: [[line(w, product_uom_qty=0)]], "must be positive"),
    ("simulate: negative quantity", "admin", "mto.promise", "simulate",
     lambda w: [[line(w, product_uom_qty=-5)]], "must be positive"),
    ("simulate: bad date", "admin", "mto.promise", "simulate",
     lambda w: [[line(w, date_order="next tuesday")]], "is not a date"),
    ("simulate: unknown warehouse", "admin", "mto.promise", "simulate",
     lambda w: [[line(w, warehouse_id=987654)]], "unknown warehouse"),
    ("simulate: other company's warehouse", "admin", "mto.promise", "simulate",
     lambda w: [[line(w, warehouse_id=w["other_warehouse"])]], "another company"),
    ("simulate: unknown customer", "admin", "mto.promise", "simulate",
     lambda w: [[line(w, partner_id=987654)]], "unknown customer"),
    ("simulate: warehouse id not an int", "admin", "mto.promise", "simulate",
     lambda w: [[line(w, warehouse_id="abc")]], "warehouse_id must be an integer"),
    ("simulate: customer id a list", "admin", "mto.promise", "simulate",
     lambda w: [[line(w, partner_id=[w["customer"]])]], "partner_id must be an integer"),
    ("simulate: date out of range", "admin", "mto.promise", "simulate",
     lambda w: [[line(w, date_order="9999-12-31 00:00:00")]], "is out of range"),
    ("simulate: user without sales rights", "nobody", "mto.promise", "simulate",
     lambda w: [[line(w)]], "Only sales users"),
    ("promise: cancelled order", "admin", "sale.order", "action_mto_promise",
     lambda w: [[w["cancelled"]]], "cancelled"),
    ("promise: unknown order", "admin", "sale.order", "action_mto_promise",
     lambda w: [[987654]], "does not exist|has been deleted|Missing"),
    ("promise: user without sales rights", "nobody", "sale.order", "action_mto_promise",
     lambda w: [[w["order"]]], "not allowed|Access"),
    ("strategy override by a salesperson", "seller", "sale.order.line", "write",
     lambda w: [[w["line"]], {"mto_strategy": "make_to_order"}], "Only a sales manager"),
    ("routing rule: min > max", "admin", "mto.routing.rule", "create",
     lambda w: [{"name": "bad band", "min_qty": 9, "max_qty": 3}], "greater than the maximum"),
    ("routing rule: written by a salesperson", "seller", "mto.routing.rule", "create",
     lambda w: [{"name": "sneaky"}], "not allowed|Access"),
    ("order line: negative quantity", "admin", "sale.order.line", "write",
     lambda w: [[w["line"]], {"product_uom_qty": -1}], "cannot be negative"),
    ("release wizard: salesperson", "seller", "mto.order.stock.release", "create",
     lambda w: [{"sale_line_id": w["line"], "product_id": w["product"], "quantity": 1}], "not allowed|Access"),
    ("release wizard: more than pegged", "admin", "mto.order.stock.release", "create_and_apply",
     lambda w: [{"sale_line_id": w["line"], "product_id": w["product"], "quantity": 5}], "Only 0"),
    ("accept new date: user without sales rights", "nobody", "sale.order", "action_mto_accept_forecast",
     lambda w: [[w["order"]]], "not allowed|Access"),
    ("accept new date: other company's order", "seller", "sale.order", "action_mto_accept_forecast",
     lambda w: [[w["other_order"]]], "not allowed|Access|multi-company"),
    ("accept new date: unknown order", "admin", "sale.order", "action_mto_accept_forecast",
     lambda w: [[987654]], "does not exist|has been deleted|Missing"),
    ("accept new date: nothing forecast (no-op)", "admin", "sale.order", "action_mto_accept_forecast",
     lambda w: [[w["order"]]], None),
    ("cost sheet: salesperson", "seller", "sale.order", "action_mto_cost_sheet",
     lambda w: [[w["order"]]], "Only manufacturing managers and accountants"),
    ("cost sheet PDF: salesperson", "seller", "sale.order", "action_mto_print_cost_sheet",
     lambda w: [[w["order"]]], "Only manufacturing managers and accountants"),
    ("actual cost update: salesperson", "seller", "sale.order", "action_mto_update_actual_cost",
     lambda w: [[w["order"]]], "Only manufacturing managers and accountants"),
    ("cost sheet: unknown order", "accountant", "sale.order", "action_mto_cost_sheet",
     lambda w: [[987654]], "does not exist|has been deleted|Missing"),
    ("cost sheet: other company's order", "accountant", "sale.order", "action_mto_cost_sheet",
     lambda w: [[w["other_order"]]], "not allowed|Access|multi-company"),
    ("cost sheet PDF: other company's order", "accountant", "sale.order", "action_mto_print_cost_sheet",
     lambda w: [[w["other_order"]]], "not allowed|Access|multi-company"),
    ("actual cost update: other company's order", "accountant", "sale.order", "action_mto_update_actual_cost",
     lambda w: [[w["other_order"]]], "not allowed|Access|multi-company"),
    ("MO cost sheet: unknown MO", "admin", "mrp.production", "action_mto_cost_sheet",
     lambda w: [[987654]], "does not exist|has been deleted|Missing"),
    ("cost lines: read by a salesperson", "seller", "mto.cost.line", "search_read",
     lambda w: [[]], "not allowed|Access"),
    ("release wizard: zero quantity", "admin", "mto.order.stock.release", "create_and_apply",
     lambda w: [{"sale_line_id": w["pegged_line"], "product_id": w["pegged_product"], "quantity": 0}],
     "must be positive"),
    ("release wizard: negative quantity", "admin", "mto.order.stock.release", "create_and_apply",
     lambda w: [{"sale_line_id": w["pegged_line"], "product_id": w["pegged_product"], "quantity": -1}],
     "must be positive"),
    ("release wizard: unknown order line", "admin", "mto.order.stock.release", "create_and_apply",
     lambda w: [{"sale_line_id": 987654, "product_id": w["pegged_product"], "quantity": 1}],
     "Unknown order line \\(id 987654\\)"),
    ("re-peg: no target line", "admin", "mto.order.stock.release", "create_and_apply",
     lambda w: [{"sale_line_id": w["pegged_line"], "product_id": w["pegged_product"], "quantity": 1,
                 "action": "repeg"}], "Choose the order line"),
    ("re-peg: line of another product", "admin", "mto.order.stock.release", "create_and_apply",
     lambda w: [{"sale_line_id": w["pegged_line"], "product_id": w["pegged_product"], "quantity": 1,
                 "action": "repeg", "target_line_id": w["line"]}], "same product"),
    ("re-peg: line of a quotation", "admin", "mto.order.stock.release", "create_and_apply",
     lambda w: [{"sale_line_id": w["pegged_line"], "product_id": w["pegged_product"], "quantity": 1,
                 "action": "repeg", "target_line_id": w["draft_pegged_line"]}], "not a confirmed order"),
    ("re-peg: other company's line", "admin", "mto.order.stock.release", "create_and_apply",
     lambda w: [{"sale_line_id": w["pegged_line"], "product_id": w["pegged_product"], "quantity": 1,
                 "action": "repeg", "target_line_id": w["other_line"]}], "another company|multi-company"),
    ("re-peg: more than pegged", "admin", "mto.order.stock.release", "create_and_apply",
     lambda w: [{"sale_line_id": w["pegged_line"], "product_id": w["pegged_product"], "quantity": 3,
                 "action": "repeg", "target_line_id": w["draft_pegged_line"]}], "Only 2"),
]


def counts(admin):
    return {model: admin(model, "search_count", []) for model in COUNTED}


def test_bad_input_table(admin, world, capsys):
    rows, failures = [], []
    before = counts(admin)
    for name, caller, model, method, args, pattern in CASES:
        client = admin if caller == "admin" else world[caller]
        call_args = args(world)
        try:
            if method == "create_and_apply":
                wizard = client(model, "create", *call_args)
                client(model, "action_apply", [wizard])
            else:
                client(model, method, *call_args)
            outcome, message = ("ok", "(no error expected: writes nothing)") if pattern is None else ("NO ERROR", "")
        except xmlrpc.client.Fault as fault:
            message = fault.faultString.strip().splitlines()[-1][:110]
            outcome = "ok" if pattern and re.search(pattern, fault.faultString) and fault.faultCode != 1 \
                else "WRONG ERROR"
        rows.append((name, caller, outcome, message))
        if outcome != "ok":
            failures.append((name, outcome, message))
    after = counts(admin)
    # the release wizard leaves a transient record behind only when it succeeds; nothing else may change
    with capsys.disabled():
        print(f"\n{'case':45} {'caller':7} {'outcome':11} error message")
        for name, caller, outcome, message in rows:
            print(f"{name:45} {caller:7} {outcome:11} {message}")
        print("rows before/after:", {m: (before[m], after[m]) for m in COUNTED})
    assert not failures, failures
    assert before == after, "bad input wrote something"
