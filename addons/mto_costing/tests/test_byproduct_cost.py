from odoo.fields import Command
from odoo.tests import tagged

from .common import MtoCostCommon


@tagged("post_install", "-at_install")
class TestByproductCost(MtoCostCommon):
    """Gadget (BoM: 1 Subassembly, 1 Bought part, 1 Comp A; Mill 30 min; by-product 1 Offcut, 10 %).

    Subassembly (BoM: 1 Comp B; Mill 15 min), made to order for the gadget's MO.
    Mill: 60/h, no setup or cleanup, capacity 1. Comp A 10.00, Comp B 5.00, Bought part 22.00
    (product costs, no vendor). Gadget, Subassembly, Offcut and Shavings are valued at average cost,
    so Odoo gives the by-products their cost share of the MO.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.company.mto_overhead_rate = 0.0
        avco = env["product.category"].create({"name": "Made (AVCO)", "property_cost_method": "average"})
        mto = env.ref("stock.route_warehouse0_mto")
        manufacture = cls.warehouse.manufacture_pull_id.route_id

        def product(name, price=0.0, **vals):
            return env["product.product"].create(
                {"name": name, "type": "consu", "is_storable": True, "standard_price": price, **vals})

        cls.comp_a = product("Comp A", 10.0)
        cls.comp_b = product("Comp B", 5.0)
        cls.bought = product("Bought part", 22.0)
        cls.offcut = product("Offcut", categ_id=avco.id)
        cls.shavings = product("Shavings", categ_id=avco.id)
        cls.sub = product("Subassembly", categ_id=avco.id, route_ids=[Command.set((mto | manufacture).ids)])
        cls.gadget = product("Gadget", categ_id=avco.id, list_price=200.0, invoice_policy="order")
        env["mto.routing.rule"].create({
            "name": "Gadgets to order", "sequence": 5, "product_id": cls.gadget.id, "strategy": "make_to_order"})
        cls.wc_mill = env["mrp.workcenter"].create({"name": "Mill", "costs_hour": 60.0, "time_efficiency": 100.0})
        cls.bom_sub = env["mrp.bom"].create({
            "product_tmpl_id": cls.sub.product_tmpl_id.id, "product_qty": 1, "consumption": "flexible",
            "bom_line_ids": [Command.create({"product_id": cls.comp_b.id, "product_qty": 1})],
            "operation_ids": [Command.create({"name": "Turn", "workcenter_id": cls.wc_mill.id,
                                              "time_mode": "manual", "time_cycle_manual": 15.0})]})
        cls.bom_gadget = env["mrp.bom"].create({
            "product_tmpl_id": cls.gadget.product_tmpl_id.id, "product_qty": 1, "consumption": "flexible",
            "bom_line_ids": [Command.create({"product_id": p.id, "product_qty": 1})
                             for p in (cls.sub, cls.bought, cls.comp_a)],
            "operation_ids": [Command.create({"name": "Mill", "workcenter_id": cls.wc_mill.id,
                                              "time_mode": "manual", "time_cycle_manual": 30.0})],
            "byproduct_ids": [Command.create({"product_id": cls.offcut.id, "product_qty": 1, "cost_share": 10})]})

    def _make(self, scrap_comp_a=0):
        order = self.make_order([(self.gadget, 2)])
        line = order.order_line
        for comp in (self.comp_a, self.comp_b, self.bought):
            self.set_stock(comp, 10)
        sub = line.mto_production_ids.filtered(lambda p: p.product_id == self.sub)
        top = line._mto_top_productions()
        self.assertTrue(sub and top)
        if scrap_comp_a:
            self.env["stock.scrap"].create({
                "product_id": self.comp_a.id, "scrap_qty": scrap_comp_a, "production_id": top.id,
                "product_uom_id": self.comp_a.uom_id.id}).do_scrap()
        self.produce_as(sub, minutes={self.wc_mill: 30})
        self.produce_as(top, minutes={self.wc_mill: 60})
        return line, sub, top

    def test_byproduct_share_credited(self):
        line, _sub, top = self._make(scrap_comp_a=1)
        # Planned: material 2 x 5.00 + 2 x 22.00 + 2 x 10.00 = 74.00; labour (60 + 30) min x 60/h = 90.00;
        # the offcut takes 10 % of the gadget MO's 164.00 -> -16.40; planned 147.60
        planned = self.rows(line, "planned")
        self.assertAlmostEqual(planned["material"].amount, 74.0)
        self.assertAlmostEqual(planned["labour"].amount, 90.0)
        self.assertAlmostEqual(planned["byproduct"].amount, -16.40)
        self.assertEqual(planned["byproduct"].detail[str(self.offcut.id)]["qty"], 2)
        self.assertAlmostEqual(line.mto_planned_cost, 147.60)
        # Odoo's own valuation of the gadget MO: 164.00 split 90 % gadgets / 10 % offcuts
        finished = top.move_finished_ids
        gadgets = finished.filtered(lambda m: m.product_id == self.gadget)
        offcuts = finished.filtered(lambda m: m.product_id == self.offcut)
        self.assertAlmostEqual(gadgets.value, 147.60)
        self.assertAlmostEqual(offcuts.value, 16.40)
        # Actual: material 74.00 + labour 90.00 + scrap 1 Comp A 10.00 - offcuts 16.40 = 157.60,
        # i.e. the gadgets' stock value plus the scrap
        actual = self.rows(line, "actual")
        self.assertAlmostEqual(actual["material"].amount, 74.0)
        self.assertAlmostEqual(actual["labour"].amount, 90.0)
        self.assertAlmostEqual(actual["scrap"].amount, 10.0)
        self.assertAlmostEqual(actual["byproduct"].amount, -16.40)
        self.assertEqual(actual["byproduct"].quantity, 2)
        self.assertAlmostEqual(line.mto_actual_cost, 157.60)
        self.assertAlmostEqual(line.mto_actual_cost, gadgets.value + 10.0)
        self.assertAlmostEqual(actual["byproduct"].variance_amount, 0.0)
        labels = [row[0] for row in actual["byproduct"]._detail_rows()]
        self.assertEqual(labels, [self.offcut.display_name])

    def test_byproducts_on_both_levels_with_overhead(self):
        self.company.mto_overhead_rate = 10.0
        self.env["mrp.bom.byproduct"].create({
            "bom_id": self.bom_sub.id, "product_id": self.shavings.id, "product_qty": 3, "cost_share": 20})
        line, sub, top = self._make()
        # Subassembly MO: Comp B 10.00 + labour 30 min 30.00 = 40.00; shavings 20 % = 8.00, the 2
        # subassemblies 32.00. Gadget MO: 32.00 + 44.00 + 20.00 + labour 60.00 = 156.00;
        # offcuts 10 % = 15.60, gadgets 140.40.
        planned = self.rows(line, "planned")
        self.assertAlmostEqual(planned["byproduct"].amount, -23.60)
        detail = planned["byproduct"].detail
        self.assertAlmostEqual(detail[str(self.shavings.id)]["value"], -8.0)
        self.assertAlmostEqual(detail[str(self.shavings.id)]["qty"], 6)
        self.assertAlmostEqual(detail[str(self.offcut.id)]["value"], -15.60)
        # overhead on the net production cost: 10 % x (74.00 + 90.00 - 23.60) = 14.04
        self.assertAlmostEqual(planned["overhead"].amount, 14.04)
        self.assertAlmostEqual(line.mto_planned_cost, 154.44)
        gadgets = top.move_finished_ids.filtered(lambda m: m.product_id == self.gadget)
        self.assertAlmostEqual(sub.move_finished_ids.filtered(lambda m: m.product_id == self.shavings).value, 8.0)
        self.assertAlmostEqual(gadgets.value, 140.40)
        actual = self.rows(line, "actual")
        self.assertAlmostEqual(actual["byproduct"].amount, -23.60)
        self.assertAlmostEqual(actual["overhead"].amount, 14.04)
        # 140.40 (the gadgets' value) + 14.04 overhead
        self.assertAlmostEqual(line.mto_actual_cost, 154.44)
        self.assertAlmostEqual(line.mto_cost_variance, 0.0, msg="made exactly as planned")

    def test_byproduct_without_cost_share_carries_no_cost(self):
        self.bom_gadget.byproduct_ids.cost_share = 0
        line, _sub, _top = self._make()
        self.assertNotIn("byproduct", self.rows(line, "planned"))
        self.assertNotIn("byproduct", self.rows(line, "actual"))
        self.assertAlmostEqual(line.mto_actual_cost, 164.0)

    def test_byproduct_at_standard_cost_is_credited_at_its_standard_price(self):
        """Odoo values a standard-cost by-product at its standard price, not at its cost share
        (mrp_account): the plan credits what the actual will, so no variance appears from it."""
        standard = self.env["product.category"].create({"name": "Standard", "property_cost_method": "standard"})
        self.offcut.write({"categ_id": standard.id, "standard_price": 3.0})
        line, _sub, top = self._make()
        # 2 offcuts x 3.00 = 6.00 (not 10 % of 164.00); Odoo keeps no value on their move
        offcuts = top.move_finished_ids.filtered(lambda m: m.product_id == self.offcut)
        self.assertEqual((offcuts.state, offcuts.quantity), ("done", 2))
        self.assertAlmostEqual(self.rows(line, "planned")["byproduct"].amount, -6.0)
        actual = self.rows(line, "actual")
        self.assertAlmostEqual(actual["byproduct"].amount, -6.0)
        self.assertAlmostEqual(actual["byproduct"].variance_amount, 0.0)
        self.assertAlmostEqual(line.mto_planned_cost, 158.0)  # 74.00 + 90.00 - 6.00
