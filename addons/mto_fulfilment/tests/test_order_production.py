from lxml import etree

from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged

from .common import MtoCommon


@tagged("post_install", "-at_install")
class TestOrderProduction(MtoCommon):
    def test_make_to_order_links_mo_and_sub_mos_both_ways(self):
        order = self.make_order([(self.machine, 2)])
        line = order.order_line
        top = line.mto_production_ids.filtered(lambda p: p.product_id == self.machine)
        sub = line.mto_production_ids.filtered(lambda p: p.product_id == self.frame)
        self.assertEqual(len(top), 1)
        self.assertEqual(top.product_qty, 2)
        self.assertEqual(top.sale_line_id, line)
        self.assertEqual(top.mto_sale_line_id, line)
        self.assertEqual(len(sub), 1, "the MTO sub-assembly gets its own MO, linked to the same line")
        self.assertEqual(sub.product_qty, 2)
        self.assertIn(sub, top._get_children())
        self.assertEqual(order.mto_production_count, 2)
        self.assertEqual(top.move_dest_ids.sale_line_id, line, "the MO feeds the order's delivery")
        # bought components of the sub-assembly become purchase demand linked to the line
        po_lines = self.env["purchase.order.line"].search([("mto_sale_line_id", "=", line.id)])
        self.assertTrue(po_lines)
        self.assertEqual(po_lines.product_id, self.steel)
        self.assertEqual(po_lines.product_qty, 4)
        action = order.action_view_mto_production()
        self.assertEqual(action["domain"], [("id", "in", line.mto_production_ids.ids)])

    def test_planner_sees_the_order_line_on_the_mo_form(self):
        """A planner without sales rights sees (without opening it) the order line an MO is made
        for; it was shown to salespeople only."""
        planner = new_test_user(self.env, "mto_mo_planner", groups="mrp.group_mrp_manager,stock.group_stock_user")
        seller = new_test_user(self.env, "mto_mo_seller", groups="sales_team.group_sale_salesman,mrp.group_mrp_user")
        for user, no_open in ((planner, True), (seller, False)):
            arch = etree.fromstring(self.env["mrp.production"].with_user(user).get_views(
                [(False, "form")])["views"]["form"]["arch"])
            fields = arch.xpath("//field[@name='mto_sale_line_id']")
            self.assertEqual(len(fields), 1, user.login)
            self.assertEqual("no_open" in (fields[0].get("options") or ""), no_open, user.login)

    def test_order_form_shows_fulfilment_and_forecast(self):
        """The order's fulfilment state has a row (and label) of its own, not a place in the
        delivery date's row; lines at risk show the date now expected without asking for it."""
        seller = new_test_user(self.env, "mto_form_seller", groups="sales_team.group_sale_salesman")
        arch = etree.fromstring(self.env["sale.order"].with_user(seller).get_views(
            [(False, "form")])["views"]["form"]["arch"])
        state = arch.xpath("//field[@name='mto_fulfilment_state']")[0]
        self.assertEqual(state.getparent().tag, "group")
        self.assertFalse(arch.xpath("//div[contains(@class, 'o_row')][field[@name='commitment_date']]"
                                    "//*[@name='mto_fulfilment_state' or contains(@class, 'text-danger')]"))
        forecast = arch.xpath("//field[@name='order_line']/list/field[@name='mto_forecast_date']")[0]
        self.assertEqual(forecast.get("optional"), "show")

    def test_orders_and_lines_never_share_a_production_order(self):
        order_a = self.make_order([(self.machine, 1), (self.machine, 3)])
        order_b = self.make_order([(self.machine, 1)])
        mos = (order_a | order_b).order_line.mto_production_ids.filtered(
            lambda p: p.product_id == self.machine)
        self.assertEqual(len(mos), 3)
        self.assertEqual(sorted(mos.mapped("product_qty")), [1, 1, 3])
        for line in (order_a | order_b).order_line:
            self.assertEqual(len(line._mto_top_productions()), 1)

    def test_make_to_stock_rule_never_triggers_production(self):
        self.env["mto.routing.rule"].create({
            "name": "Frames from stock", "sequence": 1, "product_id": self.frame.id,
            "strategy": "make_to_stock"})
        order = self.make_order([(self.frame, 2)])
        self.assertEqual(order.order_line.mto_strategy, "make_to_stock")
        self.assertFalse(order.mrp_production_ids)
        self.assertFalse(order.order_line.mto_production_ids)
        self.assertEqual(order.picking_ids.move_ids.procure_method, "make_to_stock")

    def test_stock_then_order_reserves_stock_and_chains_the_rest(self):
        self.rule_machines.strategy = "stock_then_order"
        self.set_stock(self.machine, 3)
        order = self.make_order([(self.machine, 10)])
        line = order.order_line
        delivery = order.picking_ids
        self.assertEqual(len(delivery), 1)
        top = line._mto_top_productions()
        self.assertEqual(top.product_qty, 7, "only the shortage is made")
        self.assertEqual(sum(delivery.move_ids.mapped("product_uom_qty")), 10)
        self.assertEqual(sum(delivery.move_ids.mapped("quantity")), 3, "the free stock is reserved")
        self.assertTrue(top.move_dest_ids & delivery.move_ids, "the MO is chained to the delivery")
        self.assertTrue(all(m.mto_sale_line_id == line for m in delivery.move_ids))
        # a second order finds no free stock left
        order_2 = self.make_order([(self.machine, 2)])
        self.assertEqual(order_2.order_line._mto_top_productions().product_qty, 2)

    def test_mo_done_reserves_delivery(self):
        self.set_stock(self.steel, 10)
        self.set_stock(self.screw, 100)
        order = self.make_order([(self.machine, 1)])
        self.assertEqual(order.mto_fulfilment_state, "waiting_material", "steel is being bought")
        line = order.order_line
        sub = line.mto_production_ids.filtered(lambda p: p.product_id == self.frame)
        self.produce(sub)
        self.assertEqual(order.mto_fulfilment_state, "in_production", "the frame is there")
        top = line._mto_top_productions()
        self.produce(top)
        self.assertEqual(top.state, "done")
        delivery = order.picking_ids.filtered(lambda p: p.picking_type_code == "outgoing")
        self.assertEqual(delivery.state, "assigned")
        self.assertEqual(delivery.move_ids.quantity, 1)
        self.assertEqual(order.mto_fulfilment_state, "ready")
        delivery.move_ids.picked = True
        delivery.button_validate()
        self.assertEqual(order.mto_fulfilment_state, "delivered")

    def test_waiting_material_state(self):
        order = self.make_order([(self.machine, 1)])
        self.assertEqual(order.mto_fulfilment_state, "waiting_material")
        self.assertEqual(self.make_order([(self.machine, 1)], confirm=False).mto_fulfilment_state,
                         "quotation")

    def test_make_to_order_without_bom_or_vendor_refused(self):
        gadget = self.env["product.product"].create({
            "name": "Gadget", "type": "consu", "is_storable": True, "categ_id": self.categ_machines.id})
        order = self.make_order([(gadget, 1)], confirm=False)
        with self.assertRaisesRegex(UserError, "Gadget.*neither a bill of materials nor a vendor"):
            order.action_confirm()
        self.assertEqual(order.state, "draft")

    def test_negative_quantity_refused(self):
        with self.assertRaisesRegex(UserError, "negative"):
            self.make_order([(self.machine, -1)], confirm=False)


@tagged("post_install", "-at_install")
class TestChangePropagation(MtoCommon):
    def test_increase_grows_not_started_mo(self):
        order = self.make_order([(self.machine, 2)])
        line = order.order_line
        line.product_uom_qty = 5
        top = line._mto_top_productions()
        self.assertEqual(len(top), 1)
        self.assertEqual(top.product_qty, 5)
        self.assertEqual(sum(order.picking_ids.move_ids.mapped("product_uom_qty")), 5)

    def test_increase_is_delivered_when_the_grown_mo_is_done(self):
        self.set_stock(self.steel, 10)
        self.set_stock(self.screw, 100)
        order = self.make_order([(self.machine, 2)])
        line = order.order_line
        line.product_uom_qty = 3
        top = line._mto_top_productions()
        sub = line.mto_production_ids.filtered(lambda p: p.product_id == self.frame)
        self.assertEqual((top.product_qty, sub.product_qty), (3, 3), "the MO and its sub-assembly MO grow")
        delivery = order.picking_ids.filtered(lambda p: p.picking_type_code == "outgoing")
        self.assertEqual(sum(delivery.move_ids.mapped("product_uom_qty")), 3)
        self.assertEqual(top.move_finished_ids.move_dest_ids, delivery.move_ids,
                         "the grown MO feeds the increase's delivery move too")
        self.produce(sub)
        self.produce(top)
        self.assertEqual(sum(delivery.move_ids.mapped("quantity")), 3, "all of it reserved at once")
        self.assertEqual(order.mto_fulfilment_state, "ready")

    def test_stock_then_order_quantity_changes_follow_on_the_made_part(self):
        self.rule_machines.strategy = "stock_then_order"
        self.set_stock(self.machine, 3)
        order = self.make_order([(self.machine, 5)])
        line = order.order_line
        delivery = order.picking_ids.filtered(lambda p: p.picking_type_code == "outgoing")

        def made():
            return sum(line._mto_top_productions().mapped("product_qty"))

        def demanded():
            return sum(delivery.move_ids.filtered(lambda m: m.state != "cancel").mapped("product_uom_qty"))

        self.assertEqual((made(), demanded()), (2, 5))
        steel = self.env["purchase.order.line"].search([("mto_sale_line_id", "=", line.id)])
        self.assertEqual(steel.product_qty, 4, "2 frames x 2 tubes, bought for the made part")
        line.product_uom_qty = 4
        self.assertEqual((made(), demanded()), (1, 4), "the made part shrinks first")
        self.assertEqual(steel.product_qty, 2, "the purchase follows the made part (1 of 2), not the line (4 of 5)")
        line.product_uom_qty = 7
        self.assertEqual((made(), demanded()), (4, 7), "an increase is made")
        line.product_uom_qty = 2
        self.assertEqual(made(), 0)
        self.assertEqual(demanded(), 2)
        self.assertEqual(sum(delivery.move_ids.mapped("quantity")), 2, "taken from the stock reserved")

    def test_increase_after_start_creates_new_linked_mo(self):
        self.frames_from_stock()
        order = self.make_order([(self.machine, 2)])
        line = order.order_line
        top = self.start_production(line._mto_top_productions())
        self.assertTrue(top._mto_is_started())
        line.product_uom_qty = 4
        tops = line._mto_top_productions()
        self.assertEqual(len(tops), 2)
        self.assertEqual(sorted(tops.mapped("product_qty")), [2, 2])
        self.assertTrue(all(p.mto_sale_line_id == line for p in tops))

    def test_decrease_shrinks_mo_sub_mo_and_rfq(self):
        order = self.make_order([(self.machine, 4)])
        line = order.order_line
        sub = line.mto_production_ids.filtered(lambda p: p.product_id == self.frame)
        po_line = self.env["purchase.order.line"].search([("mto_sale_line_id", "=", line.id)])
        self.assertEqual(po_line.product_qty, 8)
        line.product_uom_qty = 1
        top = line._mto_top_productions()
        self.assertEqual(top.product_qty, 1)
        self.assertEqual(sub.product_qty, 1)
        self.assertEqual(po_line.product_qty, 2)
        self.assertIn("decreased", order.message_ids[0].body)
        self.assertTrue(top.message_ids.filtered(lambda m: "decreased" in (m.body or "")))

    def test_decrease_after_an_increase_cancels_the_new_sub_order(self):
        """1 lathe, its frame's order started; 2 lathes: a second frame order for the second
        frame; back to 1: that frame order is no longer needed (cancelled), not halved (it made
        half a frame), and the started one, which makes the frame 1 lathe needs, is left as it is
        with nothing for the planner to decide."""
        self.set_stock(self.screw, 100)
        order = self.make_order([(self.machine, 1)])
        line = order.order_line
        started = line.mto_production_ids.filtered(lambda p: p.product_id == self.frame)
        self.start_production(started)
        line.product_uom_qty = 2
        frames = line.mto_production_ids.filtered(lambda p: p.product_id == self.frame)
        added = frames - started
        self.assertEqual((started.product_qty, added.product_qty), (1, 1))
        self.assertEqual(line._mto_top_productions().product_qty, 2)
        line.product_uom_qty = 1
        self.assertEqual(line._mto_top_productions().product_qty, 1)
        self.assertEqual(added.state, "cancel")
        self.assertEqual(started.product_qty, 1)
        self.assertFalse(started.activity_ids)

    def test_quantity_up_and_down_twice_keeps_production_at_the_ordered_quantity(self):
        """1, 2, 1, 2, 1 lathes: production and delivery follow each time. The first decrease
        cancels the line's first delivery move; Odoo then took the line's first move left, its
        MO's finished move, for the start of its delivery and counted it as a return: the next
        increase made 4 lathes, the decrease after it 8 (and a delivery of 9)."""
        self.set_stock(self.screw, 100)
        order = self.make_order([(self.machine, 1)])
        line = order.order_line
        for qty in (2, 1, 2, 1):
            line.product_uom_qty = qty
            tops = line._mto_top_productions()
            frames = line.mto_production_ids.filtered(lambda p: p.product_id == self.frame and p.state != "cancel")
            deliveries = line.move_ids.filtered(lambda m: m.state != "cancel" and m.location_dest_usage == "customer")
            self.assertEqual(sum(tops.mapped("product_qty")), qty)
            self.assertEqual(sum(frames.mapped("product_qty")), qty)
            self.assertEqual(sum(deliveries.mapped("product_uom_qty")), qty)

    def test_decrease_below_a_started_sub_order_flags_the_planner(self):
        """2 lathes, their frame order started: the lathe order shrinks to 1, the frame order makes
        2 frames still (never changed silently): the planner decides what to do with the extra."""
        self.set_stock(self.screw, 100)
        order = self.make_order([(self.machine, 2)])
        line = order.order_line
        frame = line.mto_production_ids.filtered(lambda p: p.product_id == self.frame)
        self.start_production(frame)
        line.product_uom_qty = 1
        self.assertEqual(line._mto_top_productions().product_qty, 1)
        self.assertEqual(frame.product_qty, 2)
        self.assertTrue(frame.activity_ids.filtered(lambda a: "started" in (a.note or "")))

    def test_decrease_after_an_increase_removes_the_new_rfq(self):
        """1 lathe: 2 steel tubes bought, confirmed by the buyer; 2 lathes: 2 more on a new RFQ;
        back to 1: the confirmed purchase covers the 2 tubes of 1 frame, the RFQ is no longer
        needed (it was halved: 1 tube bought too many)."""
        self.set_stock(self.screw, 100)
        order = self.make_order([(self.machine, 1)])
        line = order.order_line
        po_line = self.env["purchase.order.line"].search([("mto_sale_line_id", "=", line.id)])
        self.assertEqual(po_line.product_qty, 2)
        po_line.order_id.button_confirm()
        line.product_uom_qty = 2
        drafts = self.env["purchase.order.line"].search(
            [("mto_sale_line_id", "=", line.id), ("order_id.state", "in", ("draft", "sent"))])
        self.assertEqual(sum(drafts.mapped("product_qty")), 2)
        line.product_uom_qty = 1
        self.assertFalse(self.env["purchase.order.line"].search(
            [("mto_sale_line_id", "=", line.id), ("order_id.state", "in", ("draft", "sent"))]))
        self.assertEqual(po_line.product_qty, 2)

    def test_salesperson_decreases_a_confirmed_line(self):
        """The salesperson lowers the quantity; production, RFQ and order stock follow although
        the salesperson has no rights on them (it failed reading the RFQ lines)."""
        seller = new_test_user(self.env, "mto_decrease_seller", groups="sales_team.group_sale_salesman")
        self.set_stock(self.screw, 100)
        order = self.make_order([(self.machine, 4)], confirm=False)
        order.user_id = seller
        order.with_user(seller).action_confirm()
        line = order.order_line
        po_line = self.env["purchase.order.line"].search([("mto_sale_line_id", "=", line.id)])
        line.with_user(seller).product_uom_qty = 1
        self.assertEqual(line._mto_top_productions().product_qty, 1)
        self.assertEqual(po_line.product_qty, 2, "2 steel tubes for 1 frame")
        self.assertEqual(sum(line._mto_pegged_quants(self.screw).mapped("quantity")), 12, "4 + 8 screws")
        self.assertEqual(order.message_ids[0].author_id, seller.partner_id)
        self.assertIn("released to free stock", order.message_ids[0].body)

    def test_decrease_releases_the_order_stock_no_longer_needed(self):
        """Screws reserved from free stock for the order (4 x 4 for the lathes, 4 x 8 for their
        frames) are order stock; down to 1 lathe, 4 + 8 stay pegged, the rest is free again."""
        self.set_stock(self.screw, 100)
        order = self.make_order([(self.machine, 4)])
        line = order.order_line
        screws = lambda: sum(line._mto_pegged_quants(self.screw).mapped("quantity"))  # noqa: E731
        self.assertEqual(screws(), 48)
        line.product_uom_qty = 1
        self.assertEqual(screws(), 12)
        self.assertEqual(self.screw.with_context(location=self.stock_location.id).free_qty, 88)
        self.assertIn("released to free stock", order.message_ids[0].body)
        # a second order gets them
        other = self.make_order([(self.machine, 3)], partner=self.other_customer)
        self.assertEqual(sum(other.order_line._mto_pegged_quants(self.screw).mapped("quantity")), 36)

    def test_decrease_to_zero_cancels_production(self):
        order = self.make_order([(self.machine, 2)])
        line = order.order_line
        mos = line.mto_production_ids
        line.product_uom_qty = 0
        self.assertEqual(set(mos.mapped("state")), {"cancel"})

    def test_decrease_started_mo_gets_exception_activity(self):
        self.frames_from_stock()
        order = self.make_order([(self.machine, 3)])
        line = order.order_line
        top = self.start_production(line._mto_top_productions())
        line.product_uom_qty = 1
        self.assertEqual(top.product_qty, 3, "a started MO is never changed silently")
        activity = top.activity_ids.filtered(lambda a: "started" in (a.note or ""))
        self.assertTrue(activity)
        # Odoo made the MO as the superuser, without a responsible: the activity goes to a person
        # who plans, not to OdooBot
        self.assertFalse(top.user_id)
        self.assertTrue(top.create_uid._is_superuser())
        self.assertFalse(activity.user_id._is_superuser())
        self.assertTrue(activity.user_id.has_group("mrp.group_mrp_manager"))
        planner = new_test_user(self.env, "pia", groups="mrp.group_mrp_manager,stock.group_stock_user")
        self.machine.responsible_id = planner
        line.product_uom_qty = 0
        self.assertEqual(top.activity_ids.filtered(lambda a: "cancel" in (a.note or "") or "reduced" in (a.note or ""))
                         [-1:].user_id, planner, "the product's responsible, when it has one")

    def test_decrease_below_delivered_refused(self):
        self.rule_machines.strategy = "make_to_stock"
        self.set_stock(self.machine, 5)
        order = self.make_order([(self.machine, 3)])
        delivery = order.picking_ids
        delivery.move_ids.quantity = 2
        delivery.move_ids.picked = True
        delivery.with_context(cancel_backorder=False)._action_done()
        with self.assertRaisesRegex(UserError, "delivered"):
            order.order_line.product_uom_qty = 1

    def test_cancel_order_cancels_only_its_not_started_production(self):
        order_a = self.make_order([(self.machine, 1)])
        order_b = self.make_order([(self.machine, 1)])
        mos_a = order_a.order_line.mto_production_ids
        mos_b = order_b.order_line.mto_production_ids
        rfq_lines = self.env["purchase.order.line"].search(
            [("mto_sale_line_id", "in", (order_a | order_b).order_line.ids)])
        qty_b = sum(rfq_lines.filtered(lambda pol: pol.mto_sale_line_id == order_b.order_line)
                    .mapped("product_qty"))
        order_a._action_cancel()
        self.assertEqual(set(mos_a.mapped("state")), {"cancel"})
        self.assertNotIn("cancel", mos_b.mapped("state"))
        remaining = self.env["purchase.order.line"].search(
            [("mto_sale_line_id", "in", (order_a | order_b).order_line.ids)])
        self.assertFalse(remaining.filtered(lambda pol: pol.mto_sale_line_id == order_a.order_line))
        self.assertEqual(sum(remaining.mapped("product_qty")), qty_b)
        self.assertEqual(order_a.mto_fulfilment_state, "cancelled")

    def test_salesperson_cancels_her_confirmed_orders(self):
        """A salesperson (no purchase or inventory rights) cancels her orders from the form: one
        made to order (its frame's steel bought for it), one from stock. It failed reading the
        purchase lines: Odoo's walk up the delivery chain and the RFQs made for the order."""
        seller = new_test_user(self.env, "mto_cancel_seller", groups="sales_team.group_sale_salesman")
        self.set_stock(self.screw, 100)
        self.set_stock(self.spare, 5)
        made = self.make_order([(self.machine, 1)], confirm=False)
        stocked = self.make_order([(self.spare, 1)], confirm=False)
        (made | stocked).user_id = seller
        made.with_user(seller).action_confirm()
        stocked.with_user(seller).action_confirm()
        mos = made.order_line.mto_production_ids
        self.assertTrue(self.env["purchase.order.line"].search([("mto_sale_line_id", "=", made.order_line.id)]))
        for order in (made, stocked):
            self.env.invalidate_all()  # a new request: nothing read as superuser is cached
            order.with_user(seller).action_cancel()
            self.assertEqual(order.state, "cancel")
        self.assertEqual(set(mos.mapped("state")), {"cancel"})
        self.assertFalse(self.env["purchase.order.line"].search([("mto_sale_line_id", "=", made.order_line.id)]))
        self.assertEqual(stocked.picking_ids.state, "cancel")
        self.assertTrue(made.message_ids.filtered(
            lambda m: "not-started production cancelled" in (m.body or "") and m.author_id == seller.partner_id))

    def test_salesperson_cancels_a_confirmed_order(self):
        """The salesperson cancels her order: its production not started and its RFQs are
        cancelled, a started one is left to the planner (exception activity), although she has
        no rights on production or purchases (it failed reading the purchase of a component)."""
        seller = new_test_user(self.env, "mto_cancel_seller", groups="sales_team.group_sale_salesman")
        order = self.make_order([(self.machine, 2)], confirm=False)
        order.user_id = seller
        order.with_user(seller).action_confirm()
        line = order.order_line
        sub = line.mto_production_ids.filtered(lambda p: p.product_id == self.frame)
        top = self.start_production(line._mto_top_productions())
        self.env.invalidate_all()  # nothing read as the superuser: the seller's reads are checked
        order.with_user(seller).action_cancel()
        self.assertEqual(order.state, "cancel")
        self.assertEqual(sub.state, "cancel")
        self.assertNotEqual(top.state, "cancel")
        self.assertTrue(top.activity_ids.filtered(lambda a: "cancelled" in (a.note or "")))
        self.assertFalse(self.env["purchase.order.line"].search(
            [("mto_sale_line_id", "=", line.id), ("order_id.state", "in", ("draft", "sent"))]))

    def test_cancel_with_started_sub_order_gives_its_planner_one_activity(self):
        """The lathe order cancelled, its frame order started: one exception activity on the
        frame order, for a planner; not a second one from Odoo (for nobody: Odoo made the order
        as the superuser, without a responsible) saying its parent was cancelled."""
        self.set_stock(self.screw, 100)
        order = self.make_order([(self.machine, 1)])
        line = order.order_line
        top = line._mto_top_productions()
        frame = line.mto_production_ids.filtered(lambda p: p.product_id == self.frame)
        self.start_production(frame)
        order._action_cancel()
        self.assertEqual(top.state, "cancel")
        self.assertNotEqual(frame.state, "cancel")
        self.assertEqual(len(frame.activity_ids), 1, frame.activity_ids.mapped("note"))
        self.assertIn("was cancelled but this production has started", frame.activity_ids.note)
        self.assertTrue(frame.activity_ids.user_id.has_group("mrp.group_mrp_manager"))

    def test_cancel_with_started_mo_flags_planner(self):
        self.frames_from_stock()
        order = self.make_order([(self.machine, 2)])
        top = self.start_production(order.order_line._mto_top_productions())
        order._action_cancel()
        self.assertNotEqual(top.state, "cancel")
        self.assertTrue(top.activity_ids.filtered(lambda a: "cancelled" in (a.note or "")))
