from odoo.exceptions import AccessError, ValidationError
from odoo.fields import Command
from odoo.tests import Form, new_test_user, tagged

from .common import MtoCommon


@tagged("post_install", "-at_install")
class TestOrderStock(MtoCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Frames from stock keep these tests on one MO level; screws are plentiful
        cls.env["mto.routing.rule"].create({
            "name": "frames from stock", "sequence": 1, "product_id": cls.frame.id, "strategy": "make_to_stock"})
        cls.env["stock.quant"]._update_available_quantity(cls.frame, cls.stock_location, 100)
        cls.env["stock.quant"]._update_available_quantity(cls.screw, cls.stock_location, 1000)
        cls.manager = new_test_user(cls.env, "mto_stock_manager", groups="stock.group_stock_manager")

    def build(self, order, qty=None):
        """Produce the order's machine MO (all of it, or `qty` with a backorder)."""
        production = order.order_line._mto_top_productions()[:1]
        production.action_assign()
        production.qty_producing = qty or production.product_qty
        for move in production.move_raw_ids:
            move.quantity = move.product_uom_qty * production.qty_producing / production.product_qty
        production.move_raw_ids.picked = True
        action = production.button_mark_done()
        if isinstance(action, dict) and action.get("res_model") == "mrp.production.backorder":
            Form(self.env["mrp.production.backorder"].with_context(**action["context"])).save().action_backorder()
        return production

    def pegged(self, line, product=None):
        return sum(line._mto_pegged_quants(product or line.product_id).mapped("quantity"))

    def test_other_order_cannot_take_produced_goods_after_unreserve(self):
        order_a = self.make_order([(self.machine, 2)])
        self.build(order_a)
        self.assertEqual(self.pegged(order_a.order_line), 2)
        delivery_a = order_a.picking_ids.filtered(lambda p: p.picking_type_code == "outgoing")
        self.assertEqual(delivery_a.move_ids.quantity, 2)
        delivery_a.do_unreserve()
        self.rule_machines.strategy = "make_to_stock"
        order_b = self.make_order([(self.machine, 2)])
        delivery_b = order_b.picking_ids
        delivery_b.action_assign()
        self.assertEqual(delivery_b.move_ids.quantity, 0, "A's goods are A's")
        self.assertEqual(self.machine.with_context(warehouse_id=self.warehouse.id).free_qty, 0)
        self.assertEqual(self.machine.with_context(warehouse_id=self.warehouse.id).qty_available, 2)
        delivery_a.action_assign()
        self.assertEqual(delivery_a.move_ids.quantity, 2, "but A still gets them")

    def test_multi_step_delivery_keeps_pegging(self):
        self.warehouse.delivery_steps = "pick_ship"
        order_a = self.make_order([(self.machine, 1)])
        self.build(order_a)
        pick = order_a.picking_ids.filtered(lambda p: p.location_dest_id == self.warehouse.wh_output_stock_loc_id)
        self.assertTrue(pick)
        pick.move_ids.picked = True
        pick.button_validate()
        output_quants = order_a.order_line._mto_pegged_quants(self.machine, self.warehouse.wh_output_stock_loc_id)
        self.assertEqual(sum(output_quants.mapped("quantity")), 1, "still A's at Output")
        ship = order_a.picking_ids.filtered(lambda p: p.state not in ("done", "cancel"))
        ship.do_unreserve()
        output = self.warehouse.wh_output_stock_loc_id
        quant_free = self.env["stock.quant"]._get_available_quantity(self.machine, output)
        self.assertEqual(quant_free, 0, "nobody else sees it at Output")
        ship.action_assign()
        ship.move_ids.picked = True
        ship.button_validate()
        self.assertEqual(order_a.mto_fulfilment_state, "delivered")
        left = order_a.order_line._mto_pegged_quants(self.machine)
        self.assertFalse(left, [(q.product_id.name, q.location_id.name, q.quantity, q.reserved_quantity) for q in left])

    def test_partial_production_is_pegged(self):
        order_a = self.make_order([(self.machine, 5)])
        self.build(order_a, qty=2)
        self.assertEqual(self.pegged(order_a.order_line), 2)
        self.rule_machines.strategy = "make_to_stock"
        order_b = self.make_order([(self.machine, 2)])
        order_b.picking_ids.action_assign()
        self.assertEqual(order_b.picking_ids.move_ids.quantity, 0)

    def test_overproduction_becomes_free(self):
        order_a = self.make_order([(self.machine, 2)])
        self.build(order_a, qty=3)
        self.assertEqual(self.pegged(order_a.order_line), 2)
        self.assertEqual(self.machine.with_context(warehouse_id=self.warehouse.id).free_qty, 1)

    def test_components_bought_for_an_order_stay_with_it(self):
        self.env["mto.routing.rule"].search([("product_id", "=", self.frame.id)]).unlink()
        self.env["stock.quant"].search([("product_id", "=", self.frame.id)]).unlink()
        order_a = self.make_order([(self.machine, 1)])
        line_a = order_a.order_line
        po_line = self.env["purchase.order.line"].search([("mto_sale_line_id", "=", line_a.id)])
        po_line.order_id.button_confirm()
        receipt = po_line.order_id.picking_ids
        receipt.move_ids.quantity = 2
        receipt.move_ids.picked = True
        receipt.button_validate()
        self.assertEqual(self.pegged(line_a, self.steel), 2, "received steel is A's order stock")
        # an MO for another purpose (no order) cannot take A's steel
        frame_mo = self.env["mrp.production"].create({"product_id": self.frame.id, "product_qty": 1,
                                                       "bom_id": self.bom_frame.id})
        frame_mo.action_confirm()
        frame_mo.action_assign()
        steel_move = frame_mo.move_raw_ids.filtered(lambda m: m.product_id == self.steel)
        self.assertEqual(steel_move.quantity, 0)
        # A's own sub-assembly MO consumes it
        sub_a = line_a.mto_production_ids.filtered(lambda p: p.product_id == self.frame)
        sub_a.action_assign()
        self.assertEqual(sub_a.move_raw_ids.filtered(lambda m: m.product_id == self.steel).quantity, 2)

    def test_cancel_release_and_repeg(self):
        order_a = self.make_order([(self.machine, 2)])
        self.build(order_a)
        line_a = order_a.order_line
        order_a._action_cancel()
        self.assertEqual(self.pegged(line_a), 2, "a cancelled order's goods stay pegged")
        self.assertEqual(self.machine.with_context(warehouse_id=self.warehouse.id).free_qty, 0)
        self.rule_machines.strategy = "make_to_stock"
        order_b = self.make_order([(self.machine, 3)])
        line_b = order_b.order_line
        wizard_model = self.env["mto.order.stock.release"].with_user(self.manager)
        wizard = wizard_model.create({"sale_line_id": line_a.id, "product_id": self.machine.id,
                                      "quantity": 5, "action": "release"})
        with self.assertRaisesRegex(ValidationError, "Only 2.0"):
            wizard.action_apply()
        with self.assertRaisesRegex(ValidationError, r"Unknown order line \(id 987654\)"):
            wizard_model.create({"sale_line_id": 987654, "product_id": self.machine.id, "quantity": 1})
        with self.assertRaisesRegex(ValidationError, r"Unknown order line \(id 987655\)"):
            wizard_model.create({"sale_line_id": line_a.id, "product_id": self.machine.id, "quantity": 1,
                                 "action": "repeg", "target_line_id": 987655})
        other = self.make_order([(self.spare, 1)])
        wizard = wizard_model.create({"sale_line_id": line_a.id, "product_id": self.machine.id, "quantity": 1,
                                      "action": "repeg", "target_line_id": other.order_line.id})
        with self.assertRaisesRegex(ValidationError, "same product"):
            wizard.action_apply()
        wizard_model.create({"sale_line_id": line_a.id, "product_id": self.machine.id, "quantity": 1,
                             "action": "repeg", "target_line_id": line_b.id}).action_apply()
        wizard_model.create({"sale_line_id": line_a.id, "product_id": self.machine.id, "quantity": 1,
                             "action": "release", "reason": "customer cancelled"}).action_apply()
        self.assertEqual(self.pegged(line_a), 0)
        self.assertEqual(self.pegged(line_b), 1)
        self.assertTrue(order_a.message_ids.filtered(lambda m: "re-pegged" in (m.body or "")))
        self.assertTrue(order_b.message_ids.filtered(lambda m: "re-pegged" in (m.body or "")))
        self.assertTrue(order_a.message_ids.filtered(lambda m: "customer cancelled" in (m.body or "")))
        order_b.picking_ids.do_unreserve()
        order_b.picking_ids.action_assign()
        self.assertEqual(order_b.picking_ids.move_ids.quantity, 2, "B's re-pegged unit and the released one")

    def test_release_requires_stock_manager(self):
        order_a = self.make_order([(self.machine, 1)])
        self.build(order_a)
        salesman = new_test_user(self.env, "mto_release_salesman", groups="sales_team.group_sale_salesman")
        with self.assertRaises(AccessError):
            self.env["mto.order.stock.release"].with_user(salesman).create({
                "sale_line_id": order_a.order_line.id, "product_id": self.machine.id, "quantity": 1})

    def test_stock_then_order_pegs_reserved_stock(self):
        self.rule_machines.strategy = "stock_then_order"
        self.set_stock(self.machine, 3)
        order_a = self.make_order([(self.machine, 5)])
        self.assertEqual(self.pegged(order_a.order_line), 3)
        self.assertEqual(order_a.order_line.mto_pegged_qty, 3)
        order_a.picking_ids.do_unreserve()
        self.assertEqual(self.machine.with_context(warehouse_id=self.warehouse.id).free_qty, 0)
        action = self.machine.action_view_mto_order_stock()
        self.assertEqual(self.env["stock.quant"].search(action["domain"]).mapped("quantity"), [3])

    def test_inventory_adjustment_of_order_stock(self):
        order_a = self.make_order([(self.machine, 2)])
        self.build(order_a)
        quant = order_a.order_line._mto_pegged_quants(self.machine)
        quant.inventory_quantity = 1
        quant.action_apply_inventory()
        self.assertEqual(self.pegged(order_a.order_line), 1, "the count adjusts the order's stock")
        self.assertEqual(self.machine.with_context(warehouse_id=self.warehouse.id).free_qty, 0)

    def test_scheduler_quant_merge_keeps_each_orders_stock(self):
        """Odoo's nightly quant merge must not fold two orders' stock (and free stock) into one quant."""
        order_a = self.make_order([(self.machine, 2)])
        order_b = self.make_order([(self.machine, 1)])
        self.build(order_a)
        self.build(order_b)
        Quant = self.env["stock.quant"]
        # a duplicate of A's quant, as a concurrent update creates them: merged into A's
        Quant.create({"product_id": self.machine.id, "location_id": self.stock_location.id, "quantity": 1,
                      "mto_sale_line_id": order_a.order_line.id})
        Quant._update_available_quantity(self.machine, self.stock_location, 4)       # free stock
        Quant.with_context(mto_peg=False).create({"product_id": self.machine.id, "location_id": self.stock_location.id,
                                                  "quantity": 1})
        Quant._quant_tasks()
        quants = Quant.search([("product_id", "=", self.machine.id), ("location_id", "=", self.stock_location.id)])
        by_peg = {q.mto_sale_line_id.id: q.quantity for q in quants}
        self.assertEqual(len(quants), 3, "one quant per pegging")
        self.assertEqual(by_peg, {order_a.order_line.id: 3, order_b.order_line.id: 1, False: 5})
        self.assertEqual(self.pegged(order_b.order_line), 1, "B keeps its goods")

    def test_pegging_cannot_be_changed_directly(self):
        """An Inventory User moves goods but cannot change whose order stock they are: found by an
        audit, a clerk freed A's lathes (or handed them to B) over XML-RPC, nothing logged."""
        order_a = self.make_order([(self.machine, 2)])
        self.build(order_a)
        self.rule_machines.strategy = "make_to_stock"
        order_b = self.make_order([(self.machine, 1)], partner=self.other_customer)
        line_a, line_b = order_a.order_line, order_b.order_line
        delivery_a = order_a.picking_ids.filtered(lambda p: p.picking_type_code == "outgoing")
        move = delivery_a.move_ids
        quant = line_a._mto_pegged_quants(self.machine)
        self.assertEqual((move.mto_sale_line_id, move.move_line_ids.mto_sale_line_id, quant.mto_sale_line_id),
                         (line_a, line_a, line_a))
        clerk = new_test_user(self.env, "mto_stock_clerk", groups="stock.group_stock_user")
        messages = len(order_a.message_ids), len(order_b.message_ids)
        for record in (quant, move, move.move_line_ids):
            for value in (False, line_b.id):
                with self.assertRaisesRegex(AccessError, "Release order stock"):
                    record.with_user(clerk).write({"mto_sale_line_id": value})
        with self.assertRaisesRegex(AccessError, "Release order stock"):
            quant.with_user(clerk).write({"mto_sale_order_id": order_b.id})
        # nor by making order stock out of thin air: -2 pegged to A and +2 free would free A's lathes
        Quant = self.env["stock.quant"].with_user(clerk)
        values = {"product_id": self.machine.id, "location_id": self.stock_location.id, "quantity": -2}
        with self.assertRaisesRegex(AccessError, "Release order stock"):
            Quant.create(dict(values, mto_sale_line_id=line_a.id))
        with self.assertRaisesRegex(AccessError, "Release order stock"):
            Quant.with_context(mto_peg=line_a.id).create(values)
        # nor by a detailed operation of B's delivery taking A's goods
        delivery_b = order_b.picking_ids
        with self.assertRaisesRegex(AccessError, "Release order stock"):
            self.env["stock.move.line"].with_user(clerk).create({
                "move_id": delivery_b.move_ids.id, "picking_id": delivery_b.id, "product_id": self.machine.id,
                "location_id": self.stock_location.id, "location_dest_id": delivery_b.location_dest_id.id,
                "quantity": 1, "mto_sale_line_id": line_a.id})
        move.with_user(clerk).write({"mto_sale_line_id": line_a.id})  # unchanged: allowed
        self.assertEqual((move.mto_sale_line_id, move.move_line_ids.mto_sale_line_id, quant.mto_sale_line_id),
                         (line_a, line_a, line_a))
        self.assertEqual(quant.mto_sale_order_id, order_a)
        self.assertEqual(self.pegged(line_a), 2)
        self.assertEqual(self.pegged(line_b), 0)
        self.assertEqual(delivery_b.move_ids.quantity, 0)
        self.assertEqual(self.machine.with_context(warehouse_id=self.warehouse.id).free_qty, 0)
        self.assertEqual((len(order_a.message_ids), len(order_b.message_ids)), messages)

    def test_order_links_of_productions_and_purchases_cannot_be_changed_directly(self):
        """Which order line an MO is made for, or an RFQ line buys for, steers the pegging of what
        they consume, make and receive: a manufacturing or purchase user cannot rewrite it over
        the API (read-only on screen) any more than the pegging itself."""
        order_a = self.make_order([(self.machine, 1)])
        order_b = self.make_order([(self.machine, 1)], partner=self.other_customer)
        line_a, line_b = order_a.order_line, order_b.order_line
        production = line_a.mto_production_ids.filtered(lambda p: p.product_id == self.machine)
        purchase = self.env["purchase.order.line"].search([("mto_sale_line_id", "=", line_a.id)])
        self.assertEqual((len(production), len(purchase)), (1, 1))
        maker = new_test_user(self.env, "mto_link_maker", groups="mrp.group_mrp_user,stock.group_stock_user")
        buyer = new_test_user(self.env, "mto_link_buyer", groups="purchase.group_purchase_user")
        for record, user in ((production, maker), (purchase, buyer)):
            for value in (False, line_b.id):
                with self.assertRaises(AccessError):
                    record.with_user(user).write({"mto_sale_line_id": value})
            record.with_user(user).write({"mto_sale_line_id": line_a.id})  # unchanged: allowed
        self.assertEqual((production.mto_sale_line_id, purchase.mto_sale_line_id), (line_a, line_a))

    def test_order_stock_follows_the_work_of_ordinary_users(self):
        """Pegging changes only through the add-on's own paths, and those work for the people who
        trigger them: a salesperson confirming, a manufacturing user producing, an inventory user
        receiving, counting and shipping, an inventory manager releasing."""
        salesman = new_test_user(self.env, "mto_peg_seller", groups="sales_team.group_sale_salesman")
        maker = new_test_user(self.env, "mto_peg_maker", groups="mrp.group_mrp_user,stock.group_stock_user")
        clerk = new_test_user(self.env, "mto_peg_clerk", groups="stock.group_stock_user")
        # the confirmation reserves (and pegs) the lathe in stock, the other 2 are made
        self.rule_machines.strategy = "stock_then_order"
        self.set_stock(self.machine, 1)
        order = self.env["sale.order"].with_user(salesman).create({
            "partner_id": self.customer.id,
            "order_line": [Command.create({"product_id": self.machine.id, "product_uom_qty": 3})]})
        order.with_user(salesman).action_confirm()
        line = order.order_line
        self.assertEqual(self.pegged(line), 1)
        production = line._mto_top_productions().with_user(maker)
        self.assertEqual(production.product_qty, 2)
        production.action_assign()
        self.assertEqual(self.pegged(line, self.screw), 24, "2 x 4 for the lathes, 2 x 8 for their frames")
        for move in production.move_raw_ids:
            move.quantity = move.product_uom_qty  # the frames picked from stock by hand
        production.move_raw_ids.picked = True
        production.qty_producing = 2
        production.button_mark_done()
        self.assertEqual(production.state, "done")
        self.assertEqual(self.pegged(line), 3)
        self.assertEqual(self.pegged(line, self.screw), 16, "the lathes' consumed, the frames' still theirs")
        # a count of the order's stock adjusts the order's stock (counted by the clerk)
        quant = line._mto_pegged_quants(self.machine).with_user(clerk).with_context(inventory_mode=True)
        quant.inventory_quantity = 4
        quant.with_user(self.manager).action_apply_inventory()
        self.assertEqual(self.pegged(line), 4)
        # a second order's salesperson lowers it: what it reserved for its MO is free again
        self.rule_machines.strategy = "make_to_order"
        other = self.env["sale.order"].with_user(salesman).create({
            "partner_id": self.other_customer.id,
            "order_line": [Command.create({"product_id": self.machine.id, "product_uom_qty": 4})]})
        other.with_user(salesman).action_confirm()
        self.assertEqual(self.pegged(other.order_line, self.screw), 48)
        other.order_line.with_user(salesman).product_uom_qty = 1
        self.assertEqual(self.pegged(other.order_line, self.screw), 12)
        self.assertIn("released to free stock", other.message_ids[0].body)
        # the manager releases the counted extra lathe, logged
        self.env["mto.order.stock.release"].with_user(self.manager).create({
            "sale_line_id": line.id, "product_id": self.machine.id, "quantity": 1, "action": "release",
            "reason": "counted one too many"}).action_apply()
        self.assertEqual(self.pegged(line), 3)
        self.assertTrue(order.message_ids.filtered(lambda m: "counted one too many" in (m.body or "")))
        # the clerk ships: pegging ends at the customer
        delivery = order.picking_ids.filtered(lambda p: p.state not in ("done", "cancel")).with_user(clerk)
        delivery.action_assign()
        self.assertEqual(sum(delivery.move_ids.mapped("quantity")), 3)
        delivery.move_ids.picked = True
        delivery.button_validate()
        self.assertEqual(order.mto_fulfilment_state, "delivered")
        self.assertFalse(line._mto_pegged_quants(self.machine))

    def test_components_received_by_an_inventory_user_are_order_stock(self):
        self.env["mto.routing.rule"].search([("product_id", "=", self.frame.id)]).unlink()
        self.env["stock.quant"].search([("product_id", "=", self.frame.id)]).unlink()
        order = self.make_order([(self.machine, 1)])
        line = order.order_line
        po_line = self.env["purchase.order.line"].search([("mto_sale_line_id", "=", line.id)])
        buyer = new_test_user(self.env, "mto_peg_buyer", groups="purchase.group_purchase_user,stock.group_stock_user")
        clerk = new_test_user(self.env, "mto_peg_receiver", groups="stock.group_stock_user")
        po_line.order_id.with_user(buyer).button_confirm()
        receipt = po_line.order_id.picking_ids.with_user(clerk)
        receipt.move_ids.quantity = 2
        receipt.move_ids.picked = True
        receipt.button_validate()
        self.assertEqual(self.pegged(line, self.steel), 2, "received steel is the order's stock")
    def test_byproducts_are_free_stock(self):
        """Only what the MO is for is order stock: its by-products go to free stock at once."""
        offcut = self.env["product.product"].create({"name": "Offcut", "type": "consu", "is_storable": True})
        self.env["mrp.bom.byproduct"].create({
            "bom_id": self.bom_machine.id, "product_id": offcut.id, "product_qty": 1, "cost_share": 10})
        order = self.make_order([(self.machine, 2)])
        production = order.order_line._mto_top_productions()
        byproduct_move = production.move_byproduct_ids
        self.assertEqual(byproduct_move.product_uom_qty, 2)
        self.assertFalse(byproduct_move.mto_sale_line_id)
        self.assertEqual(production.move_finished_ids.filtered(
            lambda m: m.product_id == self.machine).mto_sale_line_id, order.order_line)
        self.build(order)
        self.assertEqual(self.pegged(order.order_line), 2, "the machines are the order's")
        self.assertEqual(self.pegged(order.order_line, offcut), 0)
        offcut = offcut.with_context(warehouse_id=self.warehouse.id)
        self.assertEqual(offcut.qty_available, 2)
        self.assertEqual(offcut.free_qty, 2, "the offcuts are anybody's")
        # another order's delivery can take them
        other = self.make_order([(offcut, 2)], partner=self.other_customer)
        other.picking_ids.action_assign()
        self.assertEqual(other.picking_ids.move_ids.quantity, 2)
