from odoo.tests import tagged

from .common import MtoCostCommon


@tagged("post_install", "-at_install")
class TestActualCost(MtoCostCommon):
    def _run_production(self, order):
        """Steel price 11.00 planned -> 13.00 consumed; 7 tubes instead of 6; Weld 70 min instead of
        56, Assemble 120 instead of 105; 1 steel tube scrapped on the frame MO."""
        line = order.order_line
        self.set_stock(self.steel, 20)
        self.set_stock(self.screw, 100)
        self.steel.standard_price = 13.0
        sub = line.mto_production_ids.filtered(lambda p: p.product_id == self.frame)
        top = line._mto_top_productions()
        scrap = self.env["stock.scrap"].create({
            "product_id": self.steel.id, "scrap_qty": 1, "production_id": sub.id,
            "product_uom_id": self.steel.uom_id.id})
        scrap.do_scrap()
        self.produce_as(sub, consumed={self.steel: 7}, minutes={self.wc_welding: 70})
        self.assertFalse(line.mto_cost_final, "the lathe MO is not done yet")
        self.produce_as(top, minutes={self.wc_assembly: 120})
        return sub, top

    def test_actual_cost_and_variances(self):
        order = self.make_order([(self.machine, 3)])
        line = order.order_line
        self._run_production(order)
        self.assertTrue(line.mto_cost_final)
        actual = self.rows(line, "actual")
        planned = self.rows(line, "planned")
        self.assertEqual(set(actual), {"material", "labour", "overhead", "scrap"})
        # Material: steel 7 x 13.00 = 91.00 + screws 36 x 0.10 = 3.60 -> 94.60. The 3 frames the
        # lathe MO consumed (3 x 50.00) are internal: counted through the frame MO's components.
        self.assertAlmostEqual(actual["material"].amount, 94.60)
        # price variance = (13.00 - 11.00) x 7 = 14.00; usage variance = (7 - 6) x 11.00 = 11.00
        self.assertAlmostEqual(actual["material"].price_variance, 14.00)
        self.assertAlmostEqual(actual["material"].usage_variance, 11.00)
        self.assertAlmostEqual(actual["material"].variance_amount, 25.00)
        # Labour: Assemble 120 min x 60/h = 120.00; Weld 70 min x 90/h = 105.00 -> 225.00
        self.assertAlmostEqual(actual["labour"].amount, 225.00)
        self.assertAlmostEqual(actual["labour"].quantity, 190)
        # efficiency = (120 - 105)/60 x 60 + (70 - 56)/60 x 90 = 15.00 + 21.00 = 36.00; no rate change
        self.assertAlmostEqual(actual["labour"].efficiency_variance, 36.00)
        self.assertAlmostEqual(actual["labour"].price_variance, 0.0)
        # Scrap: 1 steel tube at 13.00
        self.assertAlmostEqual(actual["scrap"].amount, 13.00)
        self.assertAlmostEqual(actual["scrap"].scrap_variance, 13.00)
        # Overhead: 10 % x (94.60 + 225.00) = 31.96 (planned 25.86 -> variance 6.10)
        self.assertAlmostEqual(actual["overhead"].amount, 31.96)
        self.assertAlmostEqual(actual["overhead"].variance_amount, 6.10)
        # Total: 94.60 + 225.00 + 13.00 + 31.96 = 364.56; variance 364.56 - 284.46 = 80.10
        self.assertAlmostEqual(line.mto_actual_cost, 364.56)
        self.assertAlmostEqual(line.mto_cost_variance, 80.10)
        self.assertAlmostEqual(line.mto_price_variance, 14.00)
        self.assertAlmostEqual(line.mto_usage_variance, 11.00)
        self.assertAlmostEqual(line.mto_efficiency_variance, 36.00)
        self.assertAlmostEqual(line.mto_scrap_variance, 13.00)
        self.assertAlmostEqual(order.mto_actual_cost, 364.56)
        self.assertAlmostEqual(order.mto_cost_variance, 80.10)
        self.assertAlmostEqual(sum(r.variance_amount for r in actual.values()),
                               line.mto_actual_cost - sum(r.amount for r in planned.values()))

    def test_multi_level_tree_counted_once(self):
        self.company.mto_overhead_rate = 0.0
        order = self.make_order([(self.machine, 1)])
        line = order.order_line
        self.set_stock(self.steel, 10)
        self.set_stock(self.screw, 100)
        sub = line.mto_production_ids.filtered(lambda p: p.product_id == self.frame)
        self.produce_as(sub, minutes={self.wc_welding: 31})
        self.produce_as(line._mto_top_productions(), minutes={self.wc_assembly: 45})
        # the frame's finished move (and the lathe's consumption of it) are valued at 50.00 ...
        frame_moves = sub.move_finished_ids | line._mto_top_productions().move_raw_ids.filtered(
            lambda m: m.product_id == self.frame)
        self.assertTrue(all(abs(m.value) == 50.0 for m in frame_moves))
        # ... but only the components and labour of both MOs count:
        # steel 2 x 12.00 + screws 12 x 0.10 = 25.20; Weld 31 min x 90/h = 46.50, Assemble 45 min = 45.00
        actual = self.rows(line, "actual")
        self.assertAlmostEqual(actual["material"].amount, 25.20)
        self.assertAlmostEqual(actual["labour"].amount, 91.50)
        self.assertAlmostEqual(line.mto_actual_cost, 116.70)
        self.assertAlmostEqual(line.mto_cost_variance, 0.0, msg="produced exactly as planned")
        self.assertNotIn(str(self.frame.id), actual["material"].detail)
        # recomputing on demand gives the same figures (no double counting)
        order.action_mto_update_actual_cost()
        self.assertAlmostEqual(line.mto_actual_cost, 116.70)

    def test_three_step_manufacturing_counts_components_once(self):
        """Components picked to pre-production and goods stored from post-production: the picks
        and store moves are transfers, not consumption; the same figures as in one step."""
        self.company.mto_overhead_rate = 0.0
        wh = self.warehouse
        wh.manufacture_steps = "pbm_sam"
        order = self.make_order([(self.machine, 1)])
        line = order.order_line
        self.set_stock(self.steel, 10)
        self.set_stock(self.screw, 100)
        sub = line.mto_production_ids.filtered(lambda p: p.product_id == self.frame)
        top = line._mto_top_productions()

        def transfer(pickings):
            for move in pickings.move_ids:
                move.quantity = move.product_uom_qty
            pickings.move_ids.picked = True
            pickings.button_validate()

        for production, minutes in ((sub, {self.wc_welding: 31}), (top, {self.wc_assembly: 45})):
            transfer(production.picking_ids.filtered(lambda p: p.picking_type_id == wh.pbm_type_id))
            self.produce_as(production, minutes=minutes)
            transfer(production.picking_ids.filtered(lambda p: p.picking_type_id == wh.sam_type_id))
        actual = self.rows(line, "actual")
        self.assertAlmostEqual(actual["material"].amount, 25.20)
        self.assertAlmostEqual(actual["material"].quantity, 14)
        self.assertAlmostEqual(actual["labour"].amount, 91.50)
        self.assertAlmostEqual(line.mto_actual_cost, 116.70)
        self.assertTrue(line.mto_cost_final)

    def test_extra_cost_and_purchase_for_order(self):
        self.company.mto_overhead_rate = 0.0
        order = self.make_order([(self.machine, 1), (self.steel, 10)])
        machine_line, steel_line = order.order_line
        # the steel bought for the lathe is consumed through its MO: not a purchase of the order
        pols = self.env["purchase.order.line"].search([("mto_sale_line_id", "in", order.order_line.ids)])
        pols.order_id.button_confirm()
        order.action_mto_update_actual_cost()
        # bought finished goods: 10 tubes at 11.00, committed on the confirmed PO
        self.assertAlmostEqual(self.rows(steel_line, "actual")["purchase"].amount, 110.0)
        self.assertNotIn("purchase", self.rows(machine_line, "actual"))
        self.set_stock(self.steel, 10)
        self.set_stock(self.screw, 100)
        sub = machine_line.mto_production_ids.filtered(lambda p: p.product_id == self.frame)
        sub.extra_cost = 7.5
        self.produce_as(sub, minutes={self.wc_welding: 31})
        # extra cost on the MO: 7.50 x 1 frame, unplanned -> price variance
        purchase = self.rows(machine_line, "actual")["purchase"]
        self.assertAlmostEqual(purchase.amount, 7.5)
        self.assertAlmostEqual(purchase.price_variance, 7.5)
