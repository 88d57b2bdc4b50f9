"""Kits (phantom bills of materials) in promises and make-to-order confirmations.

Calendar: Mon-Fri 08:00-12:00 + 13:00-17:00 UTC. Now: Monday 2026-12-07 08:00 UTC.
A kit is never made: inside a manufactured product Odoo puts its components (and operations) on
the parent's manufacturing order; sold on its own, Odoo delivers its components.
"""
from datetime import date, datetime

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.fields import Command
from odoo.tests import new_test_user, tagged

from .common_promise import NOW, PromiseCase


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestKits(PromiseCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        mto = env.ref("stock.route_warehouse0_mto")
        buy = cls.warehouse.buy_pull_id.route_id

        def product(name, **vals):
            return env["product.product"].create({"name": name, "type": "consu", "is_storable": True, **vals})

        # Desk (made to order) = 1 LegKit (kit of 4 Legs, bought to order in 5 days) + 1 Top (stock)
        cls.leg = product("Leg", standard_price=5, route_ids=[Command.set((mto | buy).ids)],
                          seller_ids=[Command.create({"partner_id": cls.vendor.id, "delay": 5, "price": 5})])
        cls.leg_kit = product("LegKit")
        cls.leg_kit_bom = env["mrp.bom"].create({
            "product_tmpl_id": cls.leg_kit.product_tmpl_id.id, "product_qty": 1, "type": "phantom",
            "bom_line_ids": [Command.create({"product_id": cls.leg.id, "product_qty": 4})]})
        cls.top = product("Top", standard_price=30)
        env["stock.quant"]._update_available_quantity(cls.top, cls.warehouse.lot_stock_id, 10)
        cls.desk = product("Desk")
        env["mrp.bom"].create({
            "product_tmpl_id": cls.desk.product_tmpl_id.id, "product_qty": 1,
            "bom_line_ids": [Command.create({"product_id": cls.leg_kit.id, "product_qty": 1}),
                             Command.create({"product_id": cls.top.id, "product_qty": 1})],
            "operation_ids": [Command.create({"name": "Assemble desk", "workcenter_id": cls.assembly.id,
                                              "time_mode": "manual", "time_cycle_manual": 60})]})
        env["mto.routing.rule"].create({"name": "Desks", "product_id": cls.desk.id, "strategy": "make_to_order"})

        # StoolSet (kit, sold to order) = 4 Stools (made: 1 Wood in stock, Turn 30 min) + 1
        # Cushion pack (bought in 3 days); neither component has a route of its own
        cls.wood = product("Wood")
        env["stock.quant"]._update_available_quantity(cls.wood, cls.warehouse.lot_stock_id, 100)
        cls.stool = product("Stool")
        env["mrp.bom"].create({
            "product_tmpl_id": cls.stool.product_tmpl_id.id, "product_qty": 1,
            "bom_line_ids": [Command.create({"product_id": cls.wood.id, "product_qty": 1})],
            "operation_ids": [Command.create({"name": "Turn", "workcenter_id": cls.assembly.id,
                                              "time_mode": "manual", "time_cycle_manual": 30})]})
        cls.cushion = product("Cushion pack", seller_ids=[
            Command.create({"partner_id": cls.vendor.id, "delay": 3, "price": 8})])
        cls.stool_set = product("StoolSet")
        cls.stool_set_bom = env["mrp.bom"].create({
            "product_tmpl_id": cls.stool_set.product_tmpl_id.id, "product_qty": 1, "type": "phantom",
            "bom_line_ids": [Command.create({"product_id": cls.stool.id, "product_qty": 4}),
                             Command.create({"product_id": cls.cushion.id, "product_qty": 1})]})
        env["mto.routing.rule"].create({"name": "Stool sets", "product_id": cls.stool_set.id,
                                        "strategy": "make_to_order"})

    def order(self, product, qty):
        return self.env["sale.order"].create({
            "partner_id": self.customer.id,
            "order_line": [Command.create({"product_id": product.id, "product_uom_qty": qty})]})

    # ------------------------------------------------------------------ kit inside a BoM
    def test_kit_component_is_promised_as_its_components(self):
        """2 Desks: 8 Legs arrive Sat 12 08:00 (5 days), so 2 x 60 min Mon 14 08:00-10:00."""
        result = self.env["mto.promise"].simulate([{"product_id": self.desk.id, "product_uom_qty": 2}])
        self.assertEqual(result[0]["promise_date"], "2026-12-14")
        self.assertEqual(result[0]["material_ready_date"], "2026-12-12 08:00:00")
        self.assertEqual(result[0]["capacity_ready_date"], "2026-12-14 10:00:00")
        self.assertEqual(result[0]["bottleneck"]["name"], "Leg")
        order = self.order(self.desk, 2)
        order.action_mto_promise()
        line = order.order_line
        self.assertEqual(line.mto_promise_date, date(2026, 12, 14))
        self.assertIn("Leg arrives on 2026-12-12", line.mto_promise_explanation)
        self.assertEqual(order.commitment_date.date(), date(2026, 12, 14))

    def test_confirmation_books_the_desk_with_its_kit_exploded(self):
        order = self.order(self.desk, 2)
        order.action_mto_promise()
        order.action_confirm()
        self.assertFalse(order.message_ids.filtered(lambda m: "No delivery promise" in str(m.body or "")))
        production = order.order_line.mto_production_ids
        self.assertEqual(production.product_id, self.desk)
        raw = {m.product_id: m.product_uom_qty for m in production.move_raw_ids}
        self.assertEqual(raw, {self.leg: 8, self.top: 2}, "Odoo explodes the kit on the MO")
        workorder = production.workorder_ids
        self.assertEqual((workorder.leave_id.date_from, workorder.leave_id.date_to),
                         (datetime(2026, 12, 14, 8, 0), datetime(2026, 12, 14, 10, 0)))
        self.assertEqual(production.mto_date_planned_finished, datetime(2026, 12, 14, 10, 0))
        self.assertEqual(order.commitment_date.date(), date(2026, 12, 14))
        legs = self.env["purchase.order.line"].search([("mto_sale_line_id", "=", order.order_line.id)])
        self.assertEqual((legs.product_id, legs.product_qty), (self.leg, 8))

    def test_kit_operations_are_planned_on_the_parent_order(self):
        """The kit's own operation (Fit legs, 30 min) becomes a work order of the Desk MO, for
        the Desk quantity (2 x 30 min); both operations have Odoo's default sequence, so Odoo
        puts the kit's first: Fit legs Mon 14 08:00-09:00, Assemble desk 09:00-11:00."""
        self.leg_kit_bom.operation_ids = [Command.create({
            "name": "Fit legs", "workcenter_id": self.assembly.id, "time_mode": "manual",
            "time_cycle_manual": 30})]
        order = self.order(self.desk, 2)
        order.action_mto_promise()
        self.assertEqual(order.order_line.mto_capacity_ready_date, datetime(2026, 12, 14, 11, 0))
        order.action_confirm()
        workorders = order.order_line.mto_production_ids.workorder_ids.sorted(lambda w: (w.sequence, w.id))
        self.assertEqual(workorders.mapped("name"), ["Fit legs", "Assemble desk"])
        self.assertEqual(workorders.mapped("duration_expected"), [60, 120])
        self.assertEqual([(w.leave_id.date_from, w.leave_id.date_to) for w in workorders],
                         [(datetime(2026, 12, 14, 8, 0), datetime(2026, 12, 14, 9, 0)),
                          (datetime(2026, 12, 14, 9, 0), datetime(2026, 12, 14, 11, 0))])

    def test_nested_kit_quantities_multiply(self):
        """LegKit becomes 2 half-kits of 2 Legs each (a kit in a kit): still 8 Legs for 2 Desks,
        and a Top from stock: the same date."""
        half = self.env["product.product"].create({"name": "Half kit", "type": "consu"})
        self.env["mrp.bom"].create({
            "product_tmpl_id": half.product_tmpl_id.id, "product_qty": 1, "type": "phantom",
            "bom_line_ids": [Command.create({"product_id": self.leg.id, "product_qty": 2})]})
        self.leg_kit_bom.bom_line_ids = [Command.clear(), Command.create({"product_id": half.id, "product_qty": 2})]
        order = self.order(self.desk, 2)
        order.action_mto_promise()
        self.assertEqual(order.order_line.mto_promise_date, date(2026, 12, 14))
        order.action_confirm()
        raw = order.order_line.mto_production_ids.move_raw_ids
        self.assertEqual(sum(raw.filtered(lambda m: m.product_id == self.leg).mapped("product_uom_qty")), 8)
        legs = self.env["purchase.order.line"].search([("mto_sale_line_id", "=", order.order_line.id)])
        self.assertEqual(sum(legs.mapped("product_qty")), 8)

    # ------------------------------------------------------------------ kit sold to order
    def test_kit_sold_to_order_is_promised_by_its_last_component(self):
        """2 StoolSets: 8 Stools turned Mon 08:00-12:00 (8 x 30 min), 2 Cushion packs bought to
        order arrive Thu 10 08:00: the cushions set the date."""
        result = self.env["mto.promise"].simulate([{"product_id": self.stool_set.id, "product_uom_qty": 2}])
        self.assertEqual(result[0]["strategy"], "make_to_order")
        self.assertEqual(result[0]["promise_date"], "2026-12-10")
        self.assertEqual(result[0]["capacity_ready_date"], "2026-12-10 08:00:00")
        self.assertEqual(result[0]["bottleneck"]["name"], "Cushion pack")
        self.assertIn("Cushion pack", result[0]["explanation"])
        self.assertIn("StoolSet", result[0]["explanation"])
        # without the cushions, the stools' turning sets it: Mon 12:00
        self.stool_set_bom.bom_line_ids.filtered(lambda bl: bl.product_id == self.cushion).unlink()
        result = self.env["mto.promise"].simulate([{"product_id": self.stool_set.id, "product_uom_qty": 2}])
        self.assertEqual(result[0]["capacity_ready_date"], "2026-12-07 12:00:00")
        self.assertEqual(result[0]["promise_date"], "2026-12-07")

    def test_kit_sold_to_order_makes_and_buys_its_components_for_the_line(self):
        order = self.order(self.stool_set, 2)
        order.action_mto_promise()
        self.assertEqual(order.order_line.mto_promise_date, date(2026, 12, 10))
        order.action_confirm()
        line = order.order_line
        self.assertFalse(order.message_ids.filtered(lambda m: "No delivery promise" in str(m.body or "")))
        production = line.mto_production_ids
        self.assertEqual((production.product_id, production.product_qty), (self.stool, 8))
        self.assertEqual(production.sale_line_id, line)
        self.assertEqual(production.workorder_ids.leave_id.date_from, datetime(2026, 12, 7, 8, 0))
        self.assertEqual(production.workorder_ids.leave_id.date_to, datetime(2026, 12, 7, 12, 0))
        cushions = self.env["purchase.order.line"].search([("mto_sale_line_id", "=", line.id)])
        self.assertEqual((cushions.product_id, cushions.product_qty), (self.cushion, 2))
        delivery = order.picking_ids.move_ids
        self.assertEqual({m.product_id: m.product_uom_qty for m in delivery}, {self.stool: 8, self.cushion: 2})
        self.assertEqual(set(delivery.mapped("procure_method")), {"make_to_order"})
        self.assertEqual(production.move_dest_ids, delivery.filtered(lambda m: m.product_id == self.stool))
        self.assertEqual(order.commitment_date.date(), date(2026, 12, 10))
        # the plant's forecast sees the same plan: not at risk
        forecast = self.env["mto.promise"]._forecast(line)[line]
        self.assertEqual(forecast.promise_date, date(2026, 12, 10))
        # the stools made for the order are reserved for its delivery at once, then the cushions
        self.produce(production)
        stools = delivery.filtered(lambda m: m.product_id == self.stool)
        self.assertEqual((stools.state, stools.quantity), ("assigned", 8))
        cushions.order_id.button_confirm()
        cushions.order_id.picking_ids.button_validate()
        self.assertEqual(order.picking_ids.filtered(lambda p: p.picking_type_code == "outgoing").state, "assigned")
        self.assertEqual(self.env["mto.promise"]._forecast(line)[line].promise_date, date(2026, 12, 7))

    def test_kit_sold_to_order_needs_a_way_to_get_each_component(self):
        orphan = self.env["product.product"].create({"name": "Orphan screw", "type": "consu", "is_storable": True})
        self.stool_set_bom.bom_line_ids = [Command.create({"product_id": orphan.id, "product_qty": 2})]
        order = self.order(self.stool_set, 1)
        with self.assertRaisesRegex(UserError, "Orphan screw"):
            order.action_mto_promise()
        with self.assertRaisesRegex(UserError, "StoolSet.*Orphan screw"):
            order.action_confirm()
        self.assertEqual(order.state, "draft")

    def test_quantity_changes_and_cancellation_of_a_kit_line(self):
        """2 sets: 8 Stools made, 2 Cushion packs bought. 3 sets: 12 and 3 (the Stool order grows);
        1 set: 4 and 1 (Odoo lowers the purchase and the delivery, the line's production
        follows); cancelled: the production is cancelled and the request for quotation emptied."""
        order = self.order(self.stool_set, 2)
        order.action_confirm()
        line = order.order_line
        production = line.mto_production_ids
        cushions = self.env["purchase.order.line"].search([("mto_sale_line_id", "=", line.id)])
        line.product_uom_qty = 3
        self.assertEqual((line.mto_production_ids, production.product_qty), (production, 12))
        self.assertEqual(cushions.product_qty, 3)
        line.product_uom_qty = 1
        self.assertEqual(production.product_qty, 4)
        self.assertEqual(cushions.product_qty, 1, "lowered once, by Odoo, not scaled again")
        open_moves = order.picking_ids.move_ids.filtered(lambda m: m.state != "cancel")
        self.assertEqual({m.product_id: m.product_uom_qty for m in open_moves}, {self.stool: 4, self.cushion: 1})
        self.assertEqual(production.move_finished_ids.move_dest_ids.filtered(lambda m: m.state != "cancel"),
                         open_moves.filtered(lambda m: m.product_id == self.stool))
        order._action_cancel()
        self.assertEqual(production.state, "cancel")
        self.assertFalse(cushions.exists())

    def test_salesperson_changes_a_confirmed_kit_line(self):
        """The salesperson who sold 2 sets raises them to 3, then lowers them to 1: the Stool
        order follows (12, then 4); it failed on the production groups, read with her rights."""
        seller = new_test_user(self.env, "mto_kit_seller", groups="sales_team.group_sale_salesman")
        order = self.order(self.stool_set, 2)
        order.user_id = seller
        order.action_confirm()
        line = order.order_line.with_user(seller)
        production = order.order_line.mto_production_ids
        line.product_uom_qty = 3
        self.assertEqual(production.product_qty, 12)
        line.product_uom_qty = 1
        self.assertEqual(production.product_qty, 4)

    def test_stock_then_order_kit_takes_whole_kits_from_stock(self):
        """6 Stools and 3 Cushion packs in stock make 1 complete set: 1 of 2 sets from stock, the
        other's 4 Stools made (Mon 08:00-10:00) and its Cushion pack bought (Thu 10)."""
        stock = self.warehouse.lot_stock_id
        self.env["stock.quant"]._update_available_quantity(self.stool, stock, 6)
        self.env["stock.quant"]._update_available_quantity(self.cushion, stock, 3)
        self.env["mto.routing.rule"].search([("product_id", "=", self.stool_set.id)]).strategy = "stock_then_order"
        order = self.order(self.stool_set, 2)
        order.action_mto_promise()
        line = order.order_line
        self.assertEqual(line.mto_promise_date, date(2026, 12, 10))
        self.assertIn("1 from stock, 1 to order", line.mto_promise_explanation)
        order.action_confirm()
        production = line.mto_production_ids
        self.assertEqual((production.product_id, production.product_qty), (self.stool, 4))
        self.assertEqual((production.workorder_ids.leave_id.date_from, production.workorder_ids.leave_id.date_to),
                         (datetime(2026, 12, 7, 8, 0), datetime(2026, 12, 7, 10, 0)))
        moves = order.picking_ids.move_ids
        self.assertEqual(sorted((m.product_id.name, m.product_uom_qty, m.quantity, m.procure_method) for m in moves),
                         [("Cushion pack", 1, 0, "make_to_order"), ("Cushion pack", 1, 1, "make_to_stock"),
                          ("Stool", 4, 0, "make_to_order"), ("Stool", 4, 4, "make_to_stock")])
        cushions = self.env["purchase.order.line"].search([("mto_sale_line_id", "=", line.id)])
        self.assertEqual(cushions.product_qty, 1)

    def test_stock_then_order_kit_decrease_lowers_the_part_made_first(self):
        """3 sets, 2 complete from stock (8 Stools, 2 Cushion packs), 1 made to order; lowered to
        1: the set made to order goes (its Stool order is cancelled, its purchase emptied), then
        one of those from stock (unreserved)."""
        stock = self.warehouse.lot_stock_id
        self.env["stock.quant"]._update_available_quantity(self.stool, stock, 8)
        self.env["stock.quant"]._update_available_quantity(self.cushion, stock, 2)
        self.env["mto.routing.rule"].search([("product_id", "=", self.stool_set.id)]).strategy = "stock_then_order"
        order = self.order(self.stool_set, 3)
        order.action_confirm()
        line = order.order_line
        self.assertEqual(line.mto_production_ids.product_qty, 4)
        line.product_uom_qty = 1
        self.assertEqual(line.mto_production_ids.state, "cancel")
        self.assertFalse(self.env["purchase.order.line"].search([("mto_sale_line_id", "=", line.id)]))
        moves = order.picking_ids.move_ids.filtered(lambda m: m.state != "cancel")
        self.assertEqual(sorted((m.product_id.name, m.product_uom_qty, m.quantity) for m in moves),
                         [("Cushion pack", 1, 1), ("Stool", 4, 4)])

    def test_kit_size_does_not_add_queries(self):
        """The snapshot explodes kits per BoM level, not per line: a kit of 1, 6 or 12 components
        costs the same queries."""
        Promise = self.env["mto.promise"]
        line = {"product_id": self.desk.id, "product_uom_qty": 2}
        Promise.simulate([line])  # warm caches
        counts = []
        for n in (1, 6, 12):
            legs = self.env["product.product"].create([{
                "name": f"Leg {n}-{i}", "type": "consu", "is_storable": True,
                "seller_ids": [Command.create({"partner_id": self.vendor.id, "delay": 5, "price": 5})],
            } for i in range(n)])
            self.leg_kit_bom.bom_line_ids = [Command.clear()] + [
                Command.create({"product_id": leg.id, "product_qty": 4}) for leg in legs]
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            Promise.simulate([line])
            counts.append(self.env.cr.sql_log_count - before)
        self.assertLessEqual(counts[2] - counts[0], 2, f"queries for kits of 1/6/12 components: {counts}")

    def produce(self, production):
        production.action_assign()
        production.qty_producing = production.product_qty
        for move in production.move_raw_ids:
            move.quantity = move.product_uom_qty
        production.move_raw_ids.picked = True
        production.button_mark_done()
