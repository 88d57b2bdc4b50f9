from datetime import date, datetime

from freezegun import freeze_time

from odoo.fields import Command
from odoo.tests import Form, tagged

from .common import MtoCommon
from .common_promise import NOW, PromiseCase


@tagged("post_install", "-at_install")
class TestMultiStep(MtoCommon):
    """A warehouse that manufactures in 3 steps (pick components to pre-production, manufacture,
    store from post-production), delivers in 3 (pick, pack, ship) and receives in 3 (input,
    quality, stock): the order's goods stay its own at every step."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.warehouse.write({"manufacture_steps": "pbm_sam", "delivery_steps": "pick_pack_ship",
                             "reception_steps": "three_steps"})
        cls.pre_production = cls.warehouse.pbm_loc_id
        cls.post_production = cls.warehouse.sam_loc_id
        cls.set_stock(cls, cls.screw, 1000)

    def validate(self, pickings, only=None):
        """Validate these pickings for what they hold (only `only`'s moves: a backorder for the rest)."""
        pickings = pickings.filtered(lambda p: p.state not in ("done", "cancel"))
        self.assertTrue(pickings, "nothing to validate")
        pickings.action_assign()
        for move in pickings.move_ids:
            move.quantity = move.product_uom_qty if not only or move.product_id in only else 0
            move.picked = not only or move.product_id in only
        action = pickings.button_validate()
        if isinstance(action, dict):
            Form(self.env[action["res_model"]].with_context(**action["context"])).save().process()

    def open_pickings(self, picking_type):
        return self.env["stock.picking"].search(
            [("picking_type_id", "=", picking_type.id), ("state", "not in", ("done", "cancel"))])

    def pegged(self, line, product, location):
        """{order line id or False (free): quantity} of `product` at `location`."""
        quants = self.env["stock.quant"].search(
            [("product_id", "=", product.id), ("location_id", "=", location.id)])
        result = {}
        for quant in quants.filtered("quantity"):
            key = quant.mto_sale_line_id.id or False
            result[key] = result.get(key, 0.0) + quant.quantity
        return result

    def frames_bought_to_stock(self, qty):
        """Frames from stock: no sub-assembly order, the machine's MO picks them at once."""
        self.frame.route_ids = [Command.clear()]
        self.set_stock(self.frame, qty)

    # ------------------------------------------------------------ the whole chain
    def test_order_goods_stay_pegged_through_every_step(self):
        order = self.make_order([(self.machine, 2)])
        line = order.order_line
        top = line._mto_top_productions()
        frame_mo = line.mto_production_ids - top
        self.assertEqual(len(top), 1)
        self.assertEqual(frame_mo.product_id, self.frame, "the sub-assembly order is the line's too")
        self.assertEqual((top | frame_mo).mto_sale_line_id, line)
        self.assertEqual(top.location_src_id, self.pre_production)
        self.assertEqual(top.location_dest_id, self.post_production)
        self.assertEqual(order.mto_fulfilment_state, "waiting_material")
        # the steel bought for the order comes in through input and quality control
        po_line = self.env["purchase.order.line"].search([("mto_sale_line_id", "=", line.id)])
        po_line.order_id.button_confirm()
        for picking_type in (self.warehouse.in_type_id, self.warehouse.qc_type_id, self.warehouse.store_type_id):
            self.validate(self.open_pickings(picking_type).filtered(lambda p: self.steel in p.product_id))
        self.assertEqual(self.pegged(line, self.steel, self.stock_location), {line.id: 4})
        # picked to pre-production: still the order's, out of any other order's reach
        self.validate(frame_mo.picking_ids)
        self.assertEqual(self.pegged(line, self.steel, self.pre_production), {line.id: 4})
        self.assertEqual(self.pegged(line, self.screw, self.pre_production), {line.id: 16})
        other = self.make_order([(self.machine, 1)], partner=self.other_customer).order_line
        Quant = self.env["stock.quant"]
        self.assertEqual(Quant._get_available_quantity(self.steel, self.pre_production), 0)
        self.assertEqual(Quant.with_context(mto_peg=other.id)._get_available_quantity(
            self.screw, self.pre_production), 0)
        self.assertEqual(frame_mo.reservation_state, "assigned")
        self.produce(frame_mo)
        self.assertEqual(self.pegged(line, self.frame, self.post_production), {line.id: 2})
        self.validate(frame_mo.picking_ids.filtered(lambda p: p.picking_type_id == self.warehouse.sam_type_id))
        # stored, the frames are reserved at once by the pick to the machine's pre-production
        machine_pick = top.picking_ids.filtered(lambda p: p.picking_type_id == self.warehouse.pbm_type_id)
        self.assertEqual(machine_pick.state, "assigned")
        self.validate(machine_pick)
        self.assertEqual(self.pegged(line, self.frame, self.pre_production), {line.id: 2})
        self.produce(top)
        self.assertEqual(self.pegged(line, self.machine, self.post_production), {line.id: 2})
        self.validate(top.picking_ids.filtered(lambda p: p.picking_type_id == self.warehouse.sam_type_id))
        self.assertEqual(self.pegged(line, self.machine, self.stock_location), {line.id: 2})
        pick = order.picking_ids.filtered(lambda p: p.picking_type_id == self.warehouse.pick_type_id)
        self.assertEqual(pick.move_ids.quantity, 2, "finished goods ship right after completion")
        # another order's delivery of the machine never takes them, even unreserved
        pick.do_unreserve()
        self.rule_machines.strategy = "make_to_stock"
        stock_order = self.make_order([(self.machine, 2)], partner=self.other_customer)
        stock_order.picking_ids.action_assign()
        self.assertEqual(stock_order.picking_ids.move_ids.quantity, 0)
        pick.action_assign()
        self.assertEqual(pick.move_ids.quantity, 2)
        for location in (self.warehouse.wh_pack_stock_loc_id, self.warehouse.wh_output_stock_loc_id):
            self.validate(order.picking_ids.filtered(lambda p: p.state == "assigned"))
            self.assertEqual(self.pegged(line, self.machine, location), {line.id: 2})
            self.assertEqual(Quant._get_available_quantity(self.machine, location), 0)
        self.validate(order.picking_ids.filtered(lambda p: p.state == "assigned"))
        self.assertEqual(order.mto_fulfilment_state, "delivered")
        self.assertEqual(line.qty_delivered, 2)
        self.assertFalse(line._mto_pegged_quants(self.machine))

    def test_stock_line_ship_step_reserves_what_its_pick_brought(self):
        """A make-to-stock line in a 2-step delivery: its ship step reserves the free goods its
        pick brought to Output (its own line's stock only was looked for)."""
        self.warehouse.delivery_steps = "pick_ship"
        self.set_stock(self.spare, 5)
        order = self.make_order([(self.spare, 2)])
        self.validate(order.picking_ids)
        ship = order.picking_ids.filtered(lambda p: p.state != "done")
        self.assertEqual(ship.location_id, self.warehouse.wh_output_stock_loc_id)
        self.assertEqual(ship.state, "assigned")
        self.assertEqual(ship.move_ids.quantity, 2)
        self.validate(ship)
        self.assertEqual(order.order_line.qty_delivered, 2)

    def test_components_picked_from_free_stock_are_reserved_by_the_order(self):
        """The pick to pre-production is validated with free frames before the frame order is
        done (the worker took what was on the shelf): the machine's MO reserves them, as the
        order's stock, and no other order can take them."""
        order = self.make_order([(self.machine, 1)])
        line = order.order_line
        top = line._mto_top_productions()
        self.set_stock(self.frame, 3)
        self.validate(top.picking_ids)
        frame_move = top.move_raw_ids.filtered(lambda m: m.product_id == self.frame)
        self.assertEqual(frame_move.quantity, 1)
        self.assertEqual(top.reservation_state, "assigned")
        self.assertEqual(self.pegged(line, self.frame, self.pre_production), {line.id: 1})
        self.produce(top)
        self.assertEqual(self.pegged(line, self.machine, self.post_production), {line.id: 1})

    # ------------------------------------------------------------ fulfilment state
    def test_ready_while_finished_goods_wait_for_the_store_step(self):
        """Made, the goods wait at post-production for the store step: ready to ship, not
        waiting for material; delivered when the last of pick, pack and ship is done."""
        self.frames_bought_to_stock(10)
        order = self.make_order([(self.machine, 1)])
        top = order.order_line._mto_top_productions()
        self.validate(top.picking_ids)
        self.assertEqual(order.mto_fulfilment_state, "in_production")
        self.produce(top)
        self.assertEqual(self.open_pickings(self.warehouse.sam_type_id).state, "assigned")
        self.assertEqual(order.mto_fulfilment_state, "ready")
        self.validate(top.picking_ids.filtered(lambda p: p.picking_type_id == self.warehouse.sam_type_id))
        for _step in ("pick", "pack"):
            self.assertEqual(order.mto_fulfilment_state, "ready")
            self.validate(order.picking_ids.filtered(lambda p: p.state == "assigned"))
        self.assertEqual(order.mto_fulfilment_state, "ready")
        self.validate(order.picking_ids.filtered(lambda p: p.state == "assigned"))
        self.assertEqual(order.mto_fulfilment_state, "delivered")

    def test_not_delivered_while_a_pick_backorder_is_on_its_way(self):
        """The belt ships first; the machine's pick is a backorder (an internal transfer): the
        order is not delivered while the machine has not been shipped."""
        self.frames_bought_to_stock(10)
        self.set_stock(self.spare, 5)
        order = self.make_order([(self.machine, 1), (self.spare, 1)])
        self.validate(order.picking_ids.filtered(lambda p: p.picking_type_id == self.warehouse.pick_type_id),
                      only=self.spare)
        for _step in ("pack", "ship"):
            self.validate(order.picking_ids.filtered(lambda p: p.state == "assigned" and self.spare in p.product_id))
        self.assertEqual(order.order_line.filtered(lambda sol: sol.product_id == self.spare).qty_delivered, 1)
        self.assertEqual(order.mto_fulfilment_state, "waiting_material")
        machine_line = order.order_line.filtered(lambda sol: sol.product_id == self.machine)
        top = machine_line._mto_top_productions()
        self.validate(top.picking_ids)
        self.produce(top)
        self.validate(top.picking_ids.filtered(lambda p: p.picking_type_id == self.warehouse.sam_type_id))
        self.assertEqual(order.mto_fulfilment_state, "ready")
        self.assertEqual(self.pegged(machine_line, self.machine, self.stock_location),
                         {machine_line.id: 1}, "the machine is still the order's")
        for _step in ("pick", "pack"):
            self.validate(order.picking_ids.filtered(lambda p: p.state == "assigned"))
            self.assertEqual(order.mto_fulfilment_state, "ready")
        self.validate(order.picking_ids.filtered(lambda p: p.state == "assigned"))
        self.assertEqual(order.mto_fulfilment_state, "delivered")

    # ------------------------------------------------------------ changes
    def test_decrease_releases_components_picked_to_pre_production(self):
        """3 machines, their screws picked to pre-production (the frames still to make); down
        to 1: 4 screws stay the order's there, the 8 picked for the 2 machines removed are free
        stock; the frame order's own 8 screws still come by its own pick, pegged in stock."""
        order = self.make_order([(self.machine, 3)])
        line = order.order_line
        top = line._mto_top_productions()
        frame_mo = line.mto_production_ids - top
        machine_pick = top.picking_ids.filtered(lambda p: p.picking_type_id == self.warehouse.pbm_type_id)
        self.validate(machine_pick, only=self.screw)
        self.assertEqual(self.pegged(line, self.screw, self.pre_production), {line.id: 12})
        line.product_uom_qty = 1
        self.assertEqual(top.product_qty, 1)
        self.assertEqual(frame_mo.product_qty, 1)
        self.assertEqual(self.pegged(line, self.screw, self.pre_production), {line.id: 4, False: 8})
        frame_pick = frame_mo.picking_ids.filtered(lambda p: p.state not in ("done", "cancel"))
        self.assertEqual(frame_pick.move_ids.filtered(lambda m: m.product_id == self.screw).product_uom_qty, 8)
        self.assertEqual(self.pegged(line, self.screw, self.stock_location)[line.id], 8)
        frames_to_pick = top.picking_ids.filtered(lambda p: p.state not in ("done", "cancel")).move_ids
        self.assertEqual(frames_to_pick.product_id, self.frame)
        self.assertEqual(frames_to_pick.product_uom_qty, 1, "no pick waits for frames nobody makes")
        top.action_assign()
        self.assertEqual(top.move_raw_ids.filtered(lambda m: m.product_id == self.screw).quantity, 4)
        # cancelled: nothing of the order is left waiting
        order._action_cancel()
        self.assertFalse(self.env["stock.move"].search(
            [("mto_sale_line_id", "=", line.id), ("state", "not in", ("done", "cancel"))]))


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestMultiStepPromise(PromiseCase):
    """The promise in a warehouse manufacturing in 3 steps whose pick of components takes a day
    and whose store step takes another: the panels arrive Thu 10 08:00 (vendor 3 days), are
    picked to pre-production by Fri 11 08:00, assembled 08:00-12:00 (2 x 120 min), the cabinets
    stored by Sat 12 12:00 (the day, without these steps: Thu 10)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        wh = cls.warehouse
        wh.write({"manufacture_steps": "pbm_sam", "delivery_steps": "pick_pack_ship"})
        rules = wh.pbm_route_id.rule_ids
        rules.filtered(lambda r: r.location_dest_id == wh.pbm_loc_id).delay = 1
        rules.filtered(lambda r: r.location_src_id == wh.sam_loc_id).delay = 1

    def test_promise_counts_the_pick_and_store_steps(self):
        order = self.quotation()
        result = order.action_mto_promise()
        line = order.order_line
        self.assertEqual(line.mto_material_ready_date, datetime(2026, 12, 10, 8, 0))
        self.assertEqual(line.mto_capacity_ready_date, datetime(2026, 12, 12, 12, 0))
        self.assertEqual(line.mto_promise_date, date(2026, 12, 12))
        self.assertEqual(result[0]["promise_date"], "2026-12-12")
        simulated = self.env["mto.promise"].simulate([{"product_id": self.cabinet.id, "product_uom_qty": 2}])
        self.assertEqual(simulated[0]["promise_date"], "2026-12-12")
        order.action_confirm()
        production = line.mto_production_ids
        self.assertEqual(len(production), 1)
        self.assertEqual(production.mto_sale_line_id, line)
        self.assertEqual(line.mto_promise_date, date(2026, 12, 12), "the same date at confirmation")
        self.assertEqual(production.workorder_ids.date_start, datetime(2026, 12, 11, 8, 0),
                         "the work is booked once the panels are picked")
