from odoo.tests import tagged

from .common import MtoCostCommon


@tagged("post_install", "-at_install")
class TestPlannedCost(MtoCostCommon):
    def test_planned_cost_three_level_bom(self):
        order = self.make_order([(self.machine, 3)])
        line = order.order_line
        planned = self.rows(line, "planned")
        self.assertEqual(set(planned), {"material", "labour", "overhead"})
        # Material (sub-assembly Frame exploded, not at its 50.00 standard cost):
        #   Steel: 3 lathes x 1 frame x 2 = 6 tubes -> quantity band >= 5 -> 11.00: 6 x 11.00 = 66.00
        #   Screws: 3 x 4 (lathe) + 3 x 8 (frame) = 36 x 0.10 = 3.60
        #   material = 69.60
        self.assertAlmostEqual(planned["material"].amount, 69.60)
        self.assertAlmostEqual(planned["material"].quantity, 42)
        # Labour:
        #   Assemble: 10 + 5 + ceil(3 / 1) x 30 x 100/100 = 105 min -> 105/60 x 60.00 = 105.00
        #   Weld:      6 + 0 + ceil(3 / 2) x 20 x 100/80 = 6 + 50 = 56 min -> 56/60 x 90.00 = 84.00
        #   labour = 189.00 (161 min)
        self.assertAlmostEqual(planned["labour"].amount, 189.00)
        self.assertAlmostEqual(planned["labour"].quantity, 161)
        # Overhead: 10 % x (69.60 + 189.00) = 25.86
        self.assertAlmostEqual(planned["overhead"].amount, 25.86)
        # Total: 69.60 + 189.00 + 25.86 = 284.46
        self.assertAlmostEqual(line.mto_planned_cost, 284.46)
        self.assertAlmostEqual(order.mto_planned_cost, 284.46)
        self.assertEqual(planned["material"].partner_id, self.customer)
        self.assertEqual(planned["material"].date, order.date_order.date())
        # frozen: later price changes do not move the plan
        self.steel.standard_price = 99.0
        self.env["product.supplierinfo"].search([("product_tmpl_id", "=", self.steel.product_tmpl_id.id)]).price = 50
        self.wc_assembly.costs_hour = 1000
        self.assertAlmostEqual(line.mto_planned_cost, 284.46)
        self.assertFalse(self.rows(line, "actual"), "no actual cost before anything happened")

    def test_quantity_band_and_no_overhead(self):
        self.company.mto_overhead_rate = 0.0
        order = self.make_order([(self.machine, 2)])
        planned = self.rows(order.order_line, "planned")
        # Steel 2 x 2 = 4 tubes -> below the 5 band -> 12.00: 48.00; screws 2 x 12 = 24 x 0.10 = 2.40
        self.assertAlmostEqual(planned["material"].amount, 50.40)
        # Assemble 10 + 5 + 2 x 30 = 75 min = 75.00; Weld 6 + ceil(2/2) x 20 x 1.25 = 31 min = 46.50
        self.assertAlmostEqual(planned["labour"].amount, 121.50)
        self.assertNotIn("overhead", planned)

    def test_vendor_price_in_its_own_unit(self):
        """The screws' vendor sells boxes of 100 at 6.00: Odoo's discounted vendor price is
        already per product unit (0.06 a screw), converted once, not twice (0.0006)."""
        self.company.mto_overhead_rate = 0.0
        box = self.env["uom.uom"].create({
            "name": "Box of 100", "relative_factor": 100.0, "relative_uom_id": self.env.ref("uom.product_uom_unit").id})
        self.env["product.supplierinfo"].search([("product_tmpl_id", "=", self.screw.product_tmpl_id.id)]).write(
            {"price": 6.0, "product_uom_id": box.id})
        order = self.make_order([(self.machine, 2)])
        planned = self.rows(order.order_line, "planned")
        # Steel 2 x 2 = 4 tubes x 12.00 = 48.00; screws 2 x 12 = 24 x 0.06 = 1.44
        self.assertAlmostEqual(planned["material"].amount, 49.44)

    def test_bought_finished_goods_planned_as_purchase(self):
        self.company.mto_overhead_rate = 0.0
        order = self.make_order([(self.steel, 10)])
        self.assertEqual(order.order_line.mto_strategy, "make_to_order")
        planned = self.rows(order.order_line, "planned")
        self.assertEqual(set(planned), {"purchase"})
        self.assertAlmostEqual(planned["purchase"].amount, 110.0)  # 10 x 11.00 (band >= 5)

    def test_stock_then_order_plans_stock_part_at_cost(self):
        self.company.mto_overhead_rate = 0.0
        self.rule_machines.strategy = "stock_then_order"
        self.set_stock(self.machine, 1)
        order = self.make_order([(self.machine, 2)])
        planned = self.rows(order.order_line, "planned")
        # 1 lathe from stock at 400.00 + 1 made: steel 2 x 12.00 + screws 12 x 0.10 = 25.20 -> 425.20
        self.assertAlmostEqual(planned["material"].amount, 425.20)
        # Assemble 10 + 5 + 30 = 45 min = 45.00; Weld 6 + 1 x 25 = 31 min = 46.50
        self.assertAlmostEqual(planned["labour"].amount, 91.50)

    def test_non_mto_lines_have_no_cost(self):
        order = self.make_order([(self.spare, 1)])
        self.assertFalse(self.env["mto.cost.line"].search([("order_id", "=", order.id)]))
