from contextlib import contextmanager

from odoo.exceptions import AccessError
from odoo.fields import Command
from odoo.tests import Form, new_test_user, tagged

from .common import MtoCommon

REFUSED = "only through that order's own documents"


@tagged("post_install", "-at_install")
class TestOrderStockCreateGuard(MtoCommon):
    """Records made for an order line (moves, manufacturing orders, RFQ lines) can be created by a
    user only as part of that order's own documents: found by an audit, an inventory user created a
    move pegged to another order's line over XML-RPC and shipped that order's goods; a
    manufacturing user made an MO for an order they had nothing to do with."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["mto.routing.rule"].create({
            "name": "frames from stock", "sequence": 1, "product_id": cls.frame.id, "strategy": "make_to_stock"})
        cls.env["stock.quant"]._update_available_quantity(cls.frame, cls.stock_location, 100)
        cls.env["stock.quant"]._update_available_quantity(cls.screw, cls.stock_location, 1000)
        cls.clerk = new_test_user(cls.env, "mto_guard_clerk", groups="stock.group_stock_user")
        # Odoo's MO backorder reads the MO's journal and analytic entries (mrp_account), not the guard
        cls.maker = new_test_user(cls.env, "mto_guard_maker",
                                  groups="mrp.group_mrp_user,account.group_account_readonly")
        cls.buyer = new_test_user(cls.env, "mto_guard_buyer", groups="purchase.group_purchase_user")
        cls.customers = cls.env.ref("stock.stock_location_customers")

    @contextmanager
    def refused(self):
        """The create is refused and nothing of it is left (assertRaisesRegex keeps no savepoint)."""
        with self.assertRaises(AccessError) as caught:
            yield
        self.assertIn(REFUSED, str(caught.exception))

    def pegged(self, line, product=None):
        return sum(line._mto_pegged_quants(product or line.product_id).mapped("quantity"))

    def built_order(self, qty=2, partner=None):
        """An order whose machines are made (pegged to its line, reserved by its delivery)."""
        order = self.make_order([(self.machine, qty)], partner=partner)
        self.produce(order.order_line._mto_top_productions())
        delivery = order.picking_ids.filtered(lambda p: p.picking_type_code == "outgoing")
        self.assertEqual((self.pegged(order.order_line), delivery.move_ids.quantity), (qty, qty))
        return order, delivery

    def move_vals(self, **vals):
        return {"product_id": self.machine.id, "product_uom_qty": 2, "location_id": self.stock_location.id,
                "location_dest_id": self.customers.id, **vals}

    # ------------------------------------------------------------ forged creates
    def test_inventory_user_cannot_create_moves_pegged_to_another_order(self):
        order_a, delivery_a = self.built_order()
        line_a = order_a.order_line
        self.rule_machines.strategy = "make_to_stock"
        order_b = self.make_order([(self.machine, 2)], partner=self.other_customer)
        delivery_b = order_b.picking_ids
        Move = self.env["stock.move"].with_user(self.clerk)
        pegged_moves = self.env["stock.move"].search_count([("mto_sale_line_id", "=", line_a.id)])
        forged = [
            # a move of its own taking A's machines to a customer, with its detailed operation
            self.move_vals(mto_sale_line_id=line_a.id, move_line_ids=[Command.create({
                "product_id": self.machine.id, "quantity": 2, "location_id": self.stock_location.id,
                "location_dest_id": self.customers.id, "mto_sale_line_id": line_a.id})]),
            # ... in B's delivery, so B ships A's machines
            self.move_vals(mto_sale_line_id=line_a.id, picking_id=delivery_b.id),
            # a "delivery" of A's line: it would see A's stock (in B's delivery Odoo makes it B's)
            self.move_vals(sale_line_id=line_a.id),
            # a "count" of A's machines down to nothing (and up again as free stock)
            self.move_vals(mto_sale_line_id=line_a.id, is_inventory=True,
                           location_dest_id=self.machine.property_stock_inventory.id),
            # goods received for A (order stock A never asked for)
            self.move_vals(mto_sale_line_id=line_a.id, location_id=self.env.ref("stock.stock_location_suppliers").id,
                           location_dest_id=self.stock_location.id),
        ]
        for index, vals in enumerate(forged):
            with self.subTest(forged=index), self.refused():
                Move.create(vals)
        # nor by copying A's delivery move out of A's delivery
        with self.refused():
            delivery_a.move_ids.with_user(self.clerk).copy({"picking_id": delivery_b.id})
        self.assertEqual(self.pegged(line_a), 2)
        self.assertEqual(delivery_a.move_ids.quantity, 2)
        self.assertEqual(self.env["stock.move"].search_count([("mto_sale_line_id", "=", line_a.id)]), pegged_moves,
                         "nothing written")
        # moves without pegging (or of the move's own order) are created as before
        Move.create(self.move_vals(picking_id=delivery_b.id))
        copy = delivery_a.move_ids.with_user(self.clerk).copy({"product_uom_qty": 1})
        self.assertEqual((copy.picking_id, copy.mto_sale_line_id), (delivery_a, line_a), "a copy within A's delivery")

    def test_manufacturing_user_cannot_create_productions_for_another_order(self):
        order = self.make_order([(self.machine, 1)])
        line = order.order_line
        Production = self.env["mrp.production"].with_user(self.maker)
        with self.refused():
            Production.create({"product_id": self.machine.id, "product_qty": 1, "mto_sale_line_id": line.id})
        # nor through the origin sale line, which makes an MO for a make-to-order line
        with self.refused():
            Production.create({"product_id": self.machine.id, "product_qty": 1, "sale_line_id": line.id})
        # a duplicate of the order's MO is not made for the order
        duplicate = line._mto_top_productions().with_user(self.maker).copy()
        self.assertFalse(duplicate.mto_sale_line_id)
        self.assertFalse((duplicate.move_raw_ids | duplicate.move_finished_ids).mto_sale_line_id)
        self.assertEqual(self.env["mrp.production"].search_count(
            [("mto_sale_line_id", "=", line.id), ("product_id", "=", self.machine.id)]), 1, "nothing written")

    def test_purchase_user_cannot_create_rfq_lines_for_an_order(self):
        self.env["mto.routing.rule"].search([("product_id", "=", self.frame.id)]).unlink()
        self.env["stock.quant"].search([("product_id", "=", self.frame.id)]).unlink()
        line = self.make_order([(self.machine, 1)]).order_line
        po_line = self.env["purchase.order.line"].search([("mto_sale_line_id", "=", line.id)])
        self.assertEqual(len(po_line), 1)
        with self.refused():
            self.env["purchase.order"].with_user(self.buyer).create({
                "partner_id": self.vendor.id, "order_line": [Command.create({
                    "product_id": self.steel.id, "product_qty": 5, "mto_sale_line_id": line.id})]})
        with self.refused():
            self.env["purchase.order.line"].with_user(self.buyer).create({
                "order_id": po_line.order_id.id, "product_id": self.steel.id, "product_qty": 5,
                "mto_sale_line_id": line.id})
        copy = po_line.with_user(self.buyer).copy()
        self.assertFalse(copy.mto_sale_line_id)
        self.assertEqual(self.env["purchase.order.line"].search([("mto_sale_line_id", "=", line.id)]), po_line)

    # ------------------------------------------------------------ legitimate paths
    def test_inventory_user_backorder_return_and_scrap_keep_pegging(self):
        order, delivery = self.built_order(3)
        line = order.order_line
        delivery = delivery.with_user(self.clerk)
        # ship 1 of 3, the rest on a backorder (a split of the pegged move)
        delivery.move_ids.quantity = 1
        delivery.move_ids.picked = True
        action = delivery.button_validate()
        Form(self.env[action["res_model"]].with_user(self.clerk).with_context(**action["context"])).save().process()
        backorder = delivery.backorder_ids
        self.assertEqual(backorder.move_ids.mapped("mto_sale_line_id"), line)
        self.assertEqual(backorder.move_ids.quantity, 2)
        self.assertEqual(self.pegged(line), 2)
        # the customer sends it back: the return is the order's stock again
        wizard = Form(self.env["stock.return.picking"].with_user(self.clerk).with_context(
            active_id=delivery.id, active_ids=delivery.ids, active_model="stock.picking")).save()
        wizard.product_return_moves.quantity = 1
        returned = self.env["stock.picking"].browse(wizard.action_create_returns()["res_id"]).with_user(self.clerk)
        self.assertEqual(returned.move_ids.mto_sale_line_id, line)
        returned.move_ids.quantity = 1
        returned.move_ids.picked = True
        returned.button_validate()
        self.assertEqual(self.pegged(line), 3)
        # a machine of the backorder is scrapped: the order's stock
        scrap = self.env["stock.scrap"].with_user(self.clerk).create({
            "product_id": self.machine.id, "scrap_qty": 1, "picking_id": backorder.id,
            "location_id": self.stock_location.id})
        scrap.action_validate()
        self.assertEqual(scrap.move_ids.mto_sale_line_id, line)
        self.assertEqual(self.pegged(line), 2)
        # the order's machines are put on a shelf: still the order's
        shelf = self.env["stock.location"].create({"name": "Shelf 1", "location_id": self.stock_location.id})
        backorder.do_unreserve()
        line._mto_pegged_quants(self.machine).with_user(self.clerk).move_quants(location_dest_id=shelf)
        self.assertEqual(line._mto_pegged_quants(self.machine).location_id, shelf)
        self.assertEqual(self.pegged(line), 2)

    def test_manufacturing_user_component_edit_backorder_and_resize_keep_pegging(self):
        self.bom_machine.consumption = "flexible"  # the oil added by hand is no deviation to confirm
        order = self.make_order([(self.machine, 3)])
        line = order.order_line
        production = line._mto_top_productions().with_user(self.maker)
        oil = self.env["product.product"].create({"name": "Oil", "type": "consu", "is_storable": True})
        self.set_stock(oil, 10)
        # a component added to the order's MO is the order's
        production.move_raw_ids = [Command.create({
            "product_id": oil.id, "product_uom_qty": 3, "mto_sale_line_id": line.id})]
        self.assertEqual(production.move_raw_ids.filtered(lambda m: m.product_id == oil).mto_sale_line_id, line)
        # 1 of 3 made, the rest on a backorder carrying the order's pegging
        production.action_assign()
        production.qty_producing = 1
        for move in production.move_raw_ids:
            move.quantity = move.product_uom_qty / 3
        production.move_raw_ids.picked = True
        action = production.button_mark_done()
        Form(self.env["mrp.production.backorder"].with_user(self.maker).with_context(
            **action["context"])).save().action_backorder()
        backorder = production.production_group_id.production_ids - production
        self.assertEqual(backorder.product_qty, 2)
        self.assertEqual(backorder.mto_sale_line_id, line)
        self.assertEqual((backorder.move_raw_ids | backorder.move_finished_ids.filtered(
            lambda m: m.product_id == self.machine)).mapped("mto_sale_line_id"), line)
        self.assertEqual(self.pegged(line), 1)
        # the backorder grows by one: its new components are the order's
        wizard = self.env["change.production.qty"].with_user(self.maker).create(
            {"mo_id": backorder.id, "product_qty": 3})
        wizard.change_prod_qty()
        self.assertEqual(backorder.product_qty, 3)
        self.assertEqual((backorder.move_raw_ids | backorder.move_finished_ids).mapped("mto_sale_line_id"), line)
        self.produce(backorder.with_user(self.maker))
        self.assertEqual(self.pegged(line), 4)

    def test_sub_assembly_backorder_stays_the_orders(self):
        """A sub-assembly MO is made for the order line without being its sale line's MO: its
        backorder is made for the line too (it was split off unpegged, its frames free stock)."""
        self.env["mto.routing.rule"].search([("product_id", "=", self.frame.id)]).unlink()
        self.env["stock.quant"].search([("product_id", "=", self.frame.id)]).unlink()
        self.env["stock.quant"]._update_available_quantity(self.steel, self.stock_location, 10)
        line = self.make_order([(self.machine, 2)]).order_line
        frame_mo = line.mto_production_ids.filtered(lambda p: p.product_id == self.frame).with_user(self.maker)
        self.assertEqual((frame_mo.product_qty, frame_mo.mto_sale_line_id), (2, line))
        frame_mo.action_assign()
        frame_mo.qty_producing = 1
        for move in frame_mo.move_raw_ids:
            move.quantity = move.product_uom_qty / 2
        frame_mo.move_raw_ids.picked = True
        action = frame_mo.button_mark_done()
        Form(self.env["mrp.production.backorder"].with_user(self.maker).with_context(
            **action["context"])).save().action_backorder()
        backorder = frame_mo.production_group_id.production_ids - frame_mo
        self.assertEqual((backorder.product_qty, backorder.mto_sale_line_id), (1, line))
        self.assertEqual(backorder.move_raw_ids.mapped("mto_sale_line_id"), line)
        self.produce(backorder)
        self.assertEqual(self.pegged(line, self.frame), 2, "both frames are the order's")

    def test_purchase_user_confirms_the_order_rfq(self):
        self.env["mto.routing.rule"].search([("product_id", "=", self.frame.id)]).unlink()
        self.env["stock.quant"].search([("product_id", "=", self.frame.id)]).unlink()
        line = self.make_order([(self.machine, 1)]).order_line
        po_line = self.env["purchase.order.line"].search([("mto_sale_line_id", "=", line.id)])
        po_line.order_id.with_user(self.buyer).button_confirm()
        self.assertEqual(po_line.move_ids.mto_sale_line_id, line)
