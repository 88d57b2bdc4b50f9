from odoo.fields import Command
from odoo.tests import new_test_user, tagged

from .common import MtoCommon


@tagged("post_install", "-at_install")
class TestOrderStockReserve(MtoCommon):
    """Reservations Odoo makes outside `action_assign` (a work order start filling in the
    consumption, a scrap) stay within the order's own stock and free stock."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        welding = cls.env["mrp.workcenter"].create({"name": "Welding"})
        cls.bom_frame.operation_ids = [Command.create({
            "name": "Weld", "workcenter_id": welding.id, "time_mode": "manual", "time_cycle_manual": 30})]
        cls.env["stock.quant"]._update_available_quantity(cls.screw, cls.stock_location, 1000)

    def stock_of(self, product):
        """{order line id or False (free): (quantity, reserved)} in WH/Stock."""
        quants = self.env["stock.quant"].search(
            [("product_id", "=", product.id), ("location_id", "=", self.stock_location.id)])
        result = {}
        for quant in quants:
            qty, reserved = result.get(quant.mto_sale_line_id.id or False, (0.0, 0.0))
            result[quant.mto_sale_line_id.id or False] = (qty + quant.quantity, reserved + quant.reserved_quantity)
        return {peg: values for peg, values in result.items() if values != (0.0, 0.0)}

    def peg_stock(self, line, product, qty):
        """`qty` of `product` received for `line` (order stock, not reserved)."""
        self.env["stock.quant"].with_context(mto_peg=line.id)._update_available_quantity(
            product, self.stock_location, qty)

    def frame_production(self, line):
        return line.mto_production_ids.filtered(lambda p: p.product_id == self.frame)

    def receive_for(self, line):
        """Receive the steel bought for `line`: its order stock, reserved for its frame MO."""
        po_line = self.env["purchase.order.line"].search([("mto_sale_line_id", "=", line.id)])
        po_line.order_id.button_confirm()
        receipt = po_line.order_id.picking_ids
        receipt.move_ids.quantity = po_line.product_qty
        receipt.move_ids.picked = True
        receipt.button_validate()

    # ------------------------------------------------------------ work order start
    def test_start_without_own_part_leaves_other_orders_part_alone(self):
        line_a = self.make_order([(self.machine, 1)]).order_line
        self.receive_for(line_a)  # A's steel is in, B's is not
        frame_a = self.frame_production(line_a)
        frame_a.do_unreserve()
        self.assertEqual(self.stock_of(self.steel), {line_a.id: (2, 0)})
        line_b = self.make_order([(self.machine, 1)], partner=self.other_customer).order_line
        frame_b = self.frame_production(line_b)
        frame_b.workorder_ids[0].button_start()
        # B's consumption is filled in (2 steel) with nothing of its own: the reservation sits
        # on B's own (empty) order stock, not on A's 2 tubes
        self.assertEqual(self.stock_of(self.steel), {line_a.id: (2, 0), line_b.id: (0, 2)})
        frame_a.action_assign()
        self.assertEqual(frame_a.move_raw_ids.filtered(lambda m: m.product_id == self.steel).quantity, 2)
        self.assertEqual(self.stock_of(self.steel), {line_a.id: (2, 2), line_b.id: (0, 2)})

    def test_start_takes_own_order_stock_before_free_stock(self):
        line_a = self.make_order([(self.machine, 1)]).order_line
        line_b = self.make_order([(self.machine, 1)], partner=self.other_customer).order_line
        self.peg_stock(line_a, self.steel, 2)
        self.peg_stock(line_b, self.steel, 2)
        self.set_stock(self.steel, 3)
        self.frame_production(line_b).workorder_ids[0].button_start()
        self.assertEqual(self.stock_of(self.steel),
                         {line_a.id: (2, 0), line_b.id: (2, 2), False: (3, 0)})

    def test_start_with_some_free_stock_never_touches_other_orders_part(self):
        line_a = self.make_order([(self.machine, 1)]).order_line
        line_b = self.make_order([(self.machine, 1)], partner=self.other_customer).order_line
        self.peg_stock(line_a, self.steel, 2)
        self.set_stock(self.steel, 1)
        self.frame_production(line_b).workorder_ids[0].button_start()
        # 1 free tube reserved, the missing 1 on B's own (empty) order stock
        self.assertEqual(self.stock_of(self.steel), {line_a.id: (2, 0), line_b.id: (0, 1), False: (1, 1)})

    def test_quantity_set_by_hand_leaves_other_orders_subassembly_alone(self):
        line_a = self.make_order([(self.machine, 1)]).order_line
        self.receive_for(line_a)
        self.produce(self.frame_production(line_a))
        machine_a = line_a._mto_top_productions()
        machine_a.do_unreserve()
        self.assertEqual(self.stock_of(self.frame), {line_a.id: (1, 0)})
        line_b = self.make_order([(self.machine, 1)], partner=self.other_customer).order_line
        frame_move_b = line_b._mto_top_productions().move_raw_ids.filtered(lambda m: m.product_id == self.frame)
        frame_move_b.quantity = 1  # B's frame is not made yet: consumed by hand
        self.assertEqual(self.stock_of(self.frame), {line_a.id: (1, 0), line_b.id: (0, 1)})
        machine_a.action_assign()
        self.assertEqual(machine_a.move_raw_ids.filtered(lambda m: m.product_id == self.frame).quantity, 1)

    # ------------------------------------------------------------ scrap
    def test_scrap_from_production_consumes_its_order_stock(self):
        line_a = self.make_order([(self.machine, 1)]).order_line
        self.receive_for(line_a)
        frame_a = self.frame_production(line_a)
        steel_move = frame_a.move_raw_ids.filtered(lambda m: m.product_id == self.steel)
        self.assertEqual(steel_move.quantity, 2)
        self.assertEqual(self.stock_of(self.steel), {line_a.id: (2, 2)})
        scrap = self.env["stock.scrap"].create({
            "product_id": self.steel.id, "scrap_qty": 1, "production_id": frame_a.id})
        self.assertEqual(scrap.location_id, self.stock_location)
        self.assertIs(scrap.action_validate(), True)
        # one of A's two tubes is gone: A has 1 left (still reserved for its MO), free stock untouched
        self.assertEqual(self.stock_of(self.steel), {line_a.id: (1, 1)})
        self.assertEqual(scrap.move_ids.mto_sale_line_id, line_a)
        self.assertEqual(steel_move.quantity, 1)
        self.assertEqual(sum(line_a._mto_pegged_quants(self.steel).mapped("quantity")), 1)
        frame_a.action_assign()
        self.assertEqual(steel_move.quantity, 1)

    def test_scrap_from_delivery_consumes_the_orders_goods(self):
        self.frames_from_stock()
        order = self.make_order([(self.machine, 2)])
        self.produce(order.order_line._mto_top_productions())
        delivery = order.picking_ids.filtered(lambda p: p.picking_type_code == "outgoing")
        self.assertEqual(delivery.move_ids.quantity, 2)
        self.assertEqual(self.stock_of(self.machine), {order.order_line.id: (2, 2)})
        scrap = self.env["stock.scrap"].create({
            "product_id": self.machine.id, "scrap_qty": 1, "picking_id": delivery.id})
        self.assertIs(scrap.action_validate(), True)
        self.assertEqual(self.stock_of(self.machine), {order.order_line.id: (1, 1)})
        self.assertEqual(scrap.move_ids.mto_sale_line_id, order.order_line)
        self.assertEqual(delivery.move_ids.filtered(lambda m: not m.scrap_id).quantity, 1)

    def test_scrap_of_free_stock_stays_free(self):
        """No order stock of the product where the scrap is: plain Odoo's scrap of free stock."""
        line_a = self.make_order([(self.machine, 1)]).order_line
        self.set_stock(self.steel, 3)
        frame_a = self.frame_production(line_a)
        scrap = self.env["stock.scrap"].create({
            "product_id": self.steel.id, "scrap_qty": 1, "production_id": frame_a.id})
        self.assertIs(scrap.action_validate(), True)
        self.assertFalse(scrap.move_ids.mto_sale_line_id)
        self.assertEqual(self.stock_of(self.steel), {False: (2, 0)})

    def test_production_done_after_scrap_consumes_own_then_free_stock(self):
        """A scrap takes one of the order's pegged tubes and Odoo re-reserves the MO's line from
        free stock: the line's 2 are reserved 1 on the order's stock, 1 on free stock. Marking the
        MO done unreserves and consumes them the same way: no reservation left on free stock that
        no line holds, no pegged tube left for goods that are gone."""
        line_a = self.make_order([(self.machine, 1)]).order_line
        self.receive_for(line_a)
        self.set_stock(self.steel, 82)
        frame_a = self.frame_production(line_a)
        steel_move = frame_a.move_raw_ids.filtered(lambda m: m.product_id == self.steel)
        self.assertEqual(self.stock_of(self.steel), {line_a.id: (2, 2), False: (82, 0)})
        maker = new_test_user(self.env, "mto_scrap_maker", groups="mrp.group_mrp_user,stock.group_stock_user")
        scrap = self.env["stock.scrap"].with_user(maker).create({
            "product_id": self.steel.id, "scrap_qty": 1, "production_id": frame_a.id})
        self.assertIs(scrap.action_validate(), True)
        self.assertEqual(steel_move.quantity, 2)
        self.assertEqual(self.stock_of(self.steel), {line_a.id: (1, 1), False: (82, 1)})
        frame_a.workorder_ids.button_start()
        frame_a.workorder_ids.button_finish()
        frame_a.button_mark_done()
        self.assertEqual(frame_a.state, "done")
        self.assertEqual(steel_move.quantity, 2)
        # 1 of the order's tube and 1 free tube consumed, nothing reserved
        self.assertEqual(self.stock_of(self.steel), {False: (81, 0)})
        open_lines = self.env["stock.move.line"].search(
            [("product_id", "=", self.steel.id), ("state", "not in", ("done", "cancel"))])
        quants = self.env["stock.quant"].search([("product_id", "=", self.steel.id)])
        self.assertEqual(sum(quants.mapped("reserved_quantity")), sum(open_lines.mapped("quantity_product_uom")))
