from odoo.fields import Command
from odoo.tests import Form, tagged

from .common import MtoCostCommon


@tagged("post_install", "-at_install")
class TestCustomerReturns(MtoCostCommon):
    """5 Widgets made to order (Widget BoM: 1 Part at 25.00, Press 60 min at 60/h -> 85.00 each),
    sold at 200.00, delivered; then 1 returned."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.company.mto_overhead_rate = 0.0
        avco = env["product.category"].create({"name": "Widgets (AVCO)", "property_cost_method": "average"})
        cls.part = env["product.product"].create(
            {"name": "Part", "type": "consu", "is_storable": True, "standard_price": 25.0})
        cls.widget = env["product.product"].create({
            "name": "Widget", "type": "consu", "is_storable": True, "categ_id": avco.id, "list_price": 200.0,
            "invoice_policy": "delivery"})
        env["mto.routing.rule"].create({
            "name": "Widgets to order", "sequence": 5, "product_id": cls.widget.id, "strategy": "make_to_order"})
        press = env["mrp.workcenter"].create({"name": "Press", "costs_hour": 60.0, "time_efficiency": 100.0})
        env["mrp.bom"].create({
            "product_tmpl_id": cls.widget.product_tmpl_id.id, "product_qty": 1, "consumption": "flexible",
            "bom_line_ids": [Command.create({"product_id": cls.part.id, "product_qty": 1})],
            "operation_ids": [Command.create({"name": "Press", "workcenter_id": press.id,
                                              "time_mode": "manual", "time_cycle_manual": 60.0})]})
        cls.press = press

    def _return(self, picking, qty):
        wizard = Form(self.env["stock.return.picking"].with_context(
            active_ids=picking.ids, active_id=picking.id, active_model="stock.picking")).save()
        wizard.product_return_moves.quantity = qty
        wizard.product_return_moves.to_refund = True
        action = wizard.action_create_returns()
        returned = self.env["stock.picking"].browse(action["res_id"])
        returned.move_ids.quantity = qty
        returned.move_ids.picked = True
        returned.button_validate()
        self.assertEqual(returned.state, "done")
        return returned

    def test_returned_unit_leaves_the_cost(self):
        order = self.make_order([(self.widget, 5)])
        line = order.order_line
        self.set_stock(self.part, 5)
        self.produce_as(line._mto_top_productions(), minutes={self.press: 300})
        # 5 x (25.00 + 60 min at 60/h) = 425.00
        self.assertAlmostEqual(line.mto_actual_cost, 425.0)
        delivery = order.picking_ids.filtered(lambda p: p.picking_type_code == "outgoing")
        delivery.move_ids.quantity = 5
        delivery.move_ids.picked = True
        delivery.button_validate()
        order._create_invoices().action_post()
        self.assertAlmostEqual(line.mto_margin, 1000.0 - 425.0)
        back = self._return(delivery, 1)
        self.assertAlmostEqual(back.move_ids.value, 85.0)
        order._create_invoices(final=True).action_post()  # the credit note of the returned unit
        self.assertAlmostEqual(line.mto_revenue, 800.0)
        # the returned widget is free stock at 85.00: it leaves the order's cost
        actual = self.rows(line, "actual")
        self.assertAlmostEqual(actual["returns"].amount, -85.0)
        self.assertEqual(actual["returns"].quantity, 1)
        self.assertAlmostEqual(actual["material"].amount, 125.0, msg="what was made is unchanged")
        self.assertAlmostEqual(line.mto_actual_cost, 340.0)
        self.assertAlmostEqual(line.mto_planned_cost, 425.0, msg="the plan is unchanged")
        self.assertAlmostEqual(line.mto_margin, 460.0)
        widget = self.widget.with_context(warehouse_id=self.warehouse.id)
        self.assertEqual((widget.qty_available, widget.free_qty), (1, 1), "free stock, anybody's")
        # the customer wants it after all: the return of the return counts again
        self._return(back, 1)
        self.assertNotIn("returns", self.rows(line, "actual"))
        self.assertAlmostEqual(line.mto_actual_cost, 425.0)
