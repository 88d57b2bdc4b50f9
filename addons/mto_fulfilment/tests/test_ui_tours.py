"""The main screens in a real browser (headless Chromium): salesperson, planner, storekeeper.

A missing browser fails these tests instead of skipping them: CI must prove the screens work.
"""
import shutil

from odoo.tests import HttpCase, tagged

from .common import MtoCommon


@tagged("post_install", "-at_install")
class TestUiTours(HttpCase, MtoCommon):
    def setUp(self):
        super().setUp()
        if not any(shutil.which(b) for b in ("chromium", "chromium-browser", "google-chrome")):
            self.fail("Chromium is required for the UI tours (setup/install installs Debian's chromium)")

    def test_promise_and_confirm_from_the_quotation(self):
        calendar = self.env["resource.calendar"].create({"name": "Tour 40h", "tz": "UTC"})
        workcenter = self.env["mrp.workcenter"].create({"name": "Tour Assembly", "resource_calendar_id": calendar.id})
        panel = self.env["product.product"].create({
            "name": "Panel", "type": "consu", "is_storable": True,
            "seller_ids": [(0, 0, {"partner_id": self.vendor.id, "delay": 2, "price": 10})]})
        cabinet = self.env["product.product"].create({
            "name": "Cabinet", "type": "consu", "is_storable": True, "categ_id": self.categ_machines.id})
        self.env["mrp.bom"].create({
            "product_tmpl_id": cabinet.product_tmpl_id.id,
            "bom_line_ids": [(0, 0, {"product_id": panel.id, "product_qty": 2})],
            "operation_ids": [(0, 0, {"name": "Assemble", "workcenter_id": workcenter.id,
                                      "time_mode": "manual", "time_cycle_manual": 60})]})
        order = self.make_order([(cabinet, 2)], confirm=False)
        self.start_tour(f"/odoo/action-sale.action_quotations_with_onboarding/{order.id}", "mto_promise_tour",
                        login="admin", timeout=120)
        self.assertEqual(order.state, "sale")
        self.assertTrue(order.order_line.mto_promise_date)
        self.assertEqual(order.commitment_date.date(), order.order_line.mto_promise_date)
        self.assertTrue(order.order_line.mto_production_ids.workorder_ids.leave_id, "the slot is booked")

    def test_create_routing_rule(self):
        self.start_tour("/odoo/action-mto_fulfilment.mto_routing_rule_action", "mto_routing_rule_tour",
                        login="admin", timeout=120)
        rule = self.env["mto.routing.rule"].search([("name", "=", "Tour: big lathes from stock first")])
        self.assertEqual((rule.strategy, rule.min_qty), ("stock_then_order", 10))

    def test_release_order_stock(self):
        self.env["stock.quant"].search([("mto_sale_line_id", "!=", False)]).mto_sale_line_id = False
        self.rule_machines.strategy = "stock_then_order"
        self.set_stock(self.machine, 2)
        order = self.make_order([(self.machine, 1)])
        order.picking_ids.do_unreserve()
        order._action_cancel()
        self.assertEqual(order.order_line.mto_pegged_qty, 1)
        self.start_tour("/odoo/action-mto_fulfilment.action_mto_order_stock", "mto_order_stock_release_tour",
                        login="admin", timeout=120)
        self.assertEqual(order.order_line.mto_pegged_qty, 0)
        self.assertTrue(order.message_ids.filtered(lambda m: "customer cancelled" in (m.body or "")))
