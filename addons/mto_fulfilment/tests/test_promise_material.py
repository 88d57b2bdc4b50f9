"""Components Odoo makes or buys for each order (MTO route) are promised that way (hand-computed).

Calendar Mon-Fri 08-12 + 13-17 UTC; now Monday 2026-12-07 08:00. Panel: MTO + Buy routes,
vendor delay 3 days; Cabinet = 2 Panels + 120 min Assembly per unit.
"""
from datetime import datetime

from freezegun import freeze_time

from odoo.tests import tagged

from .common_promise import NOW, PromiseCase


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestPromiseMaterial(PromiseCase):
    def test_mto_component_in_stock_is_still_bought_for_the_order(self):
        self.env["stock.quant"]._update_available_quantity(self.panel, self.warehouse.lot_stock_id, 10)
        order = self.quotation()
        order.action_mto_promise()
        # not the 10 panels in stock: Thursday 08:00 when the order's own purchase arrives
        self.assertEqual(order.order_line.mto_material_ready_date, datetime(2026, 12, 10, 8, 0))
        order.action_confirm()
        production = order.order_line.mto_production_ids
        panel_move = production.move_raw_ids.filtered(lambda m: m.product_id == self.panel)
        # ...which is what Odoo does: the component move waits for the order's own purchase
        self.assertEqual(panel_move.procure_method, "make_to_order")
        rfq_line = self.env["purchase.order.line"].search([("move_dest_ids", "in", panel_move.ids)])
        self.assertEqual(rfq_line.product_qty, 4, "an RFQ for the whole need")
        self.assertEqual(panel_move.quantity, 0, "the stock is not reserved for it")

    def test_component_bought_to_stock_uses_stock(self):
        self.panels_from_stock()
        self.env["stock.quant"]._update_available_quantity(self.panel, self.warehouse.lot_stock_id, 10)
        order = self.quotation()
        order.action_mto_promise()
        self.assertEqual(order.order_line.mto_material_ready_date, datetime(2026, 12, 7, 8, 0))
