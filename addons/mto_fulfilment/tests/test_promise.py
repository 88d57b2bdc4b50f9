"""Capable-to-promise through the ORM, against hand-computed dates.

Calendar: Mon-Fri 08:00-12:00 + 13:00-17:00 UTC. Now: Monday 2026-12-07 08:00 UTC.
Cabinet = 2 x Panel (bought, vendor delay 3 days) + operation Assembly, 120 min per unit.
"""
from datetime import date, datetime, timedelta

import psycopg2
from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Command
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from ..planning import production_buffer_days
from .common_promise import NOW, PromiseCase


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestPromise(PromiseCase):
    def test_component_lead_time_sets_the_date(self):
        order = self.quotation()
        result = order.action_mto_promise()
        line = order.order_line
        # Panels arrive Thu 10 08:00; 2 cycles x 120 min = Thu 08:00-12:00.
        self.assertEqual(line.mto_material_ready_date, datetime(2026, 12, 10, 8, 0))
        self.assertEqual(line.mto_capacity_ready_date, datetime(2026, 12, 10, 12, 0))
        self.assertEqual(line.mto_promise_date, date(2026, 12, 10))
        self.assertEqual(order.commitment_date.date(), date(2026, 12, 10))
        self.assertEqual(result[0]["promise_date"], "2026-12-10")
        self.assertEqual(result[0]["sale_line_id"], line.id)
        self.assertIn("Panel", line.mto_promise_explanation)

    def test_promise_is_the_plants_day(self):
        """A plant in Tokyo: 3 cabinets take Thu 10 08:00-12:00 + 13:00-15:00 UTC, done at
        midnight in Tokyo: promised Friday 11 there (Thursday in UTC), committed at its noon."""
        self.company.resource_calendar_id.tz = "Asia/Tokyo"
        order = self.quotation(qty=3)
        result = order.action_mto_promise()
        line = order.order_line
        self.assertEqual(line.mto_capacity_ready_date, datetime(2026, 12, 10, 15, 0))
        self.assertEqual(line.mto_promise_date, date(2026, 12, 11))
        self.assertEqual(result[0]["promise_date"], "2026-12-11")
        self.assertIn("ready 2026-12-11, delivered 2026-12-11", line.mto_promise_explanation)
        self.assertIn("arrives on 2026-12-10", line.mto_promise_explanation, "panels: 17:00 in Tokyo")
        self.assertEqual(order.commitment_date, datetime(2026, 12, 11, 3, 0))

    def test_capacity_reserve_leaves_slack_on_work_centers(self):
        """A 20 % reserve books 240 min of assembly on 300 min of the calendar."""
        self.company.mto_capacity_reserve = 20
        order = self.quotation()
        order.action_mto_promise()
        line = order.order_line
        # panels Thu 10 08:00; 300 min: 08:00-12:00 + 13:00-14:00
        self.assertEqual(line.mto_capacity_ready_date, datetime(2026, 12, 10, 14, 0))
        order.action_confirm()
        leave = line.mto_production_ids.workorder_ids.leave_id
        self.assertEqual((leave.date_from, leave.date_to),
                         (datetime(2026, 12, 10, 8, 0), datetime(2026, 12, 10, 14, 0)))
        with self.assertRaises(psycopg2.errors.CheckViolation), self.env.cr.savepoint(), mute_logger("odoo.sql_db"):
            self.company.mto_capacity_reserve = 100
            self.env.flush_all()

    def test_work_center_capacity_for_any_product_counts(self):
        """Assembly takes 2 cabinets per cycle (a capacity row without product, which Odoo applies
        to every product): 4 cabinets = 2 cycles x 120 min, Thu 08:00-12:00, as Odoo's work order."""
        self.env["mrp.workcenter.capacity"].create({
            "workcenter_id": self.assembly.id, "product_uom_id": self.cabinet.uom_id.id, "capacity": 2})
        order = self.quotation(qty=4)
        order.action_mto_promise()
        line = order.order_line
        self.assertEqual(line.mto_capacity_ready_date, datetime(2026, 12, 10, 12, 0))
        order.action_confirm()
        workorder = line.mto_production_ids.workorder_ids
        self.assertEqual(workorder.duration_expected, 240)
        self.assertEqual((workorder.leave_id.date_from, workorder.leave_id.date_to),
                         (datetime(2026, 12, 10, 8, 0), datetime(2026, 12, 10, 12, 0)))

    def gadget_by_the_dozen(self):
        """Gadget, stocked in Units, made by the dozen (BoM for 1 Dozen, no components) on WC-B,
        60 min per cycle; sold to order. Returns (gadget, WC-B)."""
        env = self.env
        wc_b = env["mrp.workcenter"].create({"name": "WC-B", "resource_calendar_id": self.calendar.id})
        gadget = env["product.product"].create({"name": "Gadget", "type": "consu", "is_storable": True})
        env["mrp.bom"].create({
            "product_tmpl_id": gadget.product_tmpl_id.id, "product_qty": 1,
            "product_uom_id": env.ref("uom.product_uom_dozen").id,
            "operation_ids": [Command.create({"name": "Make", "workcenter_id": wc_b.id,
                                              "time_mode": "manual", "time_cycle_manual": 60})]})
        env["mto.routing.rule"].create({"name": "Gadgets", "product_id": gadget.id, "strategy": "make_to_order"})
        return gadget, wc_b

    def test_work_center_capacity_in_another_unit(self):
        """WC-B makes 2 Dozens of Gadget (stocked in Units) per cycle: 4 Dozens sold = 2 cycles x
        60 min, Mon 08:00-10:00, as Odoo's work order (not 48 units / 2 = 24 cycles, 3 days)."""
        gadget, wc_b = self.gadget_by_the_dozen()
        dozen = self.env.ref("uom.product_uom_dozen")
        self.assertEqual(gadget.uom_id, self.env.ref("uom.product_uom_unit"))
        self.env["mrp.workcenter.capacity"].create({
            "workcenter_id": wc_b.id, "product_id": gadget.id, "product_uom_id": dozen.id, "capacity": 2})
        order = self.env["sale.order"].create({"partner_id": self.customer.id, "order_line": [Command.create(
            {"product_id": gadget.id, "product_uom_qty": 4, "product_uom_id": dozen.id})]})
        result = order.action_mto_promise()
        line = order.order_line
        self.assertEqual(line.mto_capacity_ready_date, datetime(2026, 12, 7, 10, 0))
        self.assertEqual(line.mto_promise_date, date(2026, 12, 7))
        self.assertEqual(result[0]["quantity"], 48, "in the product's unit, as simulate answers")
        simulated = self.env["mto.promise"].simulate([{"product_id": gadget.id, "product_uom_qty": 48}])
        self.assertEqual(simulated[0]["capacity_ready_date"], "2026-12-07 10:00:00")
        self.assertEqual(simulated[0]["quantity"], 48)
        order.action_confirm()
        workorder = line.mto_production_ids.workorder_ids
        self.assertEqual(workorder.duration_expected, 120)
        self.assertEqual((workorder.leave_id.date_from, workorder.leave_id.date_to),
                         (datetime(2026, 12, 7, 8, 0), datetime(2026, 12, 7, 10, 0)))

    def test_work_center_capacity_for_any_product_in_another_unit(self):
        """The same capacity as a row without product (2 Dozens per cycle, for every product): 48
        Gadgets = 2 cycles. Without any row, the BoM's 1 Dozen per cycle: 4 cycles, Mon 08:00-12:00."""
        gadget, wc_b = self.gadget_by_the_dozen()

        def ready():
            return self.env["mto.promise"].simulate(
                [{"product_id": gadget.id, "product_uom_qty": 48}])[0]["capacity_ready_date"]

        self.assertEqual(ready(), "2026-12-07 12:00:00")
        self.env["mrp.workcenter.capacity"].create({
            "workcenter_id": wc_b.id, "product_uom_id": self.env.ref("uom.product_uom_dozen").id, "capacity": 2})
        self.assertEqual(ready(), "2026-12-07 10:00:00")

    def test_observed_durations_slow_the_plan_down(self):
        """Done assembly work took 150 min where 120 were expected: with learning on, 240 min of
        expected work is planned as 300 min."""
        production = self.env["mrp.production"].create({"product_id": self.cabinet.id, "product_qty": 1})
        production.action_confirm()
        workorder = production.workorder_ids
        self.assertEqual(workorder.duration_expected, 120)
        workorder.write({"duration": 150, "state": "done", "date_finished": datetime(2026, 12, 4, 12, 0)})
        order = self.quotation()
        order.action_mto_promise()
        self.assertEqual(order.order_line.mto_capacity_ready_date, datetime(2026, 12, 10, 12, 0), "learning off")
        self.company.mto_learn_durations = True
        order.action_mto_promise()
        self.assertEqual(order.order_line.mto_capacity_ready_date, datetime(2026, 12, 10, 14, 0))

    def test_learning_counts_time_logs_in_working_hours(self):
        """A 120-min work order timed from Thursday 16:00 to Friday 09:30 took the work center 150 min
        (60 + 90), not the 17.5 hours its timer shows: the plan slows down as in the test above."""
        production = self.env["mrp.production"].create({"product_id": self.cabinet.id, "product_qty": 1})
        production.action_confirm()
        workorder = production.workorder_ids
        with freeze_time("2026-12-03 16:00:00"):
            workorder.button_start()
        with freeze_time("2026-12-04 09:30:00"):
            workorder.button_finish()
        self.assertGreater(workorder.duration, 1000, "Odoo's duration is wall-clock time")
        self.company.mto_learn_durations = True
        order = self.quotation()
        order.action_mto_promise()
        self.assertEqual(order.order_line.mto_capacity_ready_date, datetime(2026, 12, 10, 14, 0))

    def test_production_buffer_learns_from_late_finishes(self):
        """An order booked to finish Monday 12:00 finished Tuesday 20:00 (1.33 days late): with the
        90th percentile, promises of made goods add 2 days (whole days, rounded up)."""
        self.panels_from_stock()
        self.env["stock.quant"]._update_available_quantity(self.panel, self.warehouse.lot_stock_id, 8)
        order = self.quotation()
        order.action_confirm()
        production = order.order_line.mto_production_ids
        self.assertEqual(production.mto_date_planned_finished, datetime(2026, 12, 7, 12, 0))
        with freeze_time("2026-12-08 20:00:00"):
            production.action_assign()
            production.qty_producing = production.product_qty
            production._set_qty_producing(False)
            production.move_raw_ids.picked = True
            production.with_context(skip_consumption=True).button_mark_done()
        self.assertEqual(production.state, "done")
        self.assertFalse(production.copy().mto_date_planned_finished)
        base = self.quotation()
        base.action_mto_promise()
        self.assertNotIn("reliability buffer", base.order_line.mto_promise_explanation)
        self.company.mto_production_buffer_percentile = 90
        late = self.quotation()
        late.action_mto_promise()
        self.assertEqual(late.order_line.mto_capacity_ready_date, base.order_line.mto_capacity_ready_date)
        self.assertEqual((late.order_line.mto_promise_date - base.order_line.mto_promise_date).days, 2)
        self.assertIn("production reliability buffer 2 d", late.order_line.mto_promise_explanation)

    def test_production_buffer_counts_orders_running_late(self):
        """An order booked to finish Monday 12:00 is still running on Thursday 18:00 (3.25 days
        past its booked finish): it counts as that late before it finishes (4 days, rounded up);
        one not yet at its booked finish does not count."""
        self.panels_from_stock()
        self.env["stock.quant"]._update_available_quantity(self.panel, self.warehouse.lot_stock_id, 8)
        self.company.mto_production_buffer_percentile = 90
        order = self.quotation()
        order.action_confirm()
        self.assertEqual(order.order_line.mto_production_ids.mto_date_planned_finished, datetime(2026, 12, 7, 12, 0))
        self.assertEqual(self.env["mto.promise"]._production_buffer_sample(self.company, datetime(2026, 12, 7, 11, 0)),
                         ((90.0, (), ()), None))
        with freeze_time("2026-12-10 18:00:00"):
            quote = self.quotation()
            quote.action_mto_promise()
        self.assertIn("production reliability buffer 4 d", quote.order_line.mto_promise_explanation)

    def test_production_buffer_learns_from_sub_assemblies_until_orders_finish(self):
        """No order's own production has finished yet (a new company; made-to-order lead times are
        weeks long): a sub-assembly made for an order, booked to finish Monday 12:00, finished
        Tuesday 20:00 (1.33 days late), so promises add 2 days as in the test above (the quote's
        goods are ready within hours, as the sub-assembly's: its lateness counts about as it is).
        Once the orders considered (here 1) have finished, on time, only they count: no buffer."""
        self.panels_from_stock()
        self.env["stock.quant"]._update_available_quantity(self.panel, self.warehouse.lot_stock_id, 8)
        self.company.write({"mto_production_buffer_percentile": 90, "mto_production_buffer_orders": 1})
        order = self.quotation()
        order.action_confirm()
        line = order.order_line
        booked = datetime(2026, 12, 7, 12, 0)
        self.assertEqual(line.mto_production_ids.mto_date_planned_finished, booked)
        sub_assembly = self.env["mrp.production"].create({"product_id": self.panel.id, "product_qty": 1})
        sub_assembly.action_confirm()
        sub_assembly.write({"mto_sale_line_id": line.id, "mto_date_planned_finished": booked})

        def mark_done(production, when):
            with freeze_time(when):
                production.action_assign()
                production.qty_producing = production.product_qty
                production._set_qty_producing(False)
                production.move_raw_ids.picked = True
                production.with_context(skip_consumption=True).button_mark_done()
            self.assertEqual((production.state, production.date_finished), ("done", when))

        quote = self.quotation()
        quote.action_mto_promise()
        self.assertNotIn("reliability buffer", quote.order_line.mto_promise_explanation, "nothing done yet")
        mark_done(sub_assembly, datetime(2026, 12, 8, 20, 0))
        # 1.33 days late on a lead of 4 hours (confirmed Monday 08:00, booked to finish 12:00): it
        # counts per half day of lead at least, so goods made 3 days ahead add 1.33 x 3 / 0.5 = 8
        Promise = self.env["mto.promise"]
        (percentile, orders, fill), finished = Promise._production_buffer_sample(self.company, booked)
        self.assertEqual((percentile, orders, finished), (90.0, (), (0, 1)))
        self.assertEqual([(round(late, 3), round(lead, 3)) for late, lead in fill], [(1.333, 0.167)])
        self.assertEqual(production_buffer_days(orders, fill, percentile, 3.0), 8.0)
        quote.action_mto_promise()
        self.assertIn("production reliability buffer 2 d (the order it learns from has not finished yet, "
                      "sub-assemblies fill in)", quote.order_line.mto_promise_explanation)
        buffered = quote.order_line.mto_promise_date
        mark_done(line.mto_production_ids - sub_assembly, booked)
        quote.action_mto_promise()
        self.assertNotIn("reliability buffer", quote.order_line.mto_promise_explanation)
        self.assertEqual((buffered - quote.order_line.mto_promise_date).days, 2)

    def test_salesperson_promises_with_purchases_on_the_way(self):
        """A salesperson may not read purchase orders; the promise still counts their dates."""
        purchase = self.env["purchase.order"].create({
            "partner_id": self.vendor.id,
            "order_line": [Command.create({"product_id": self.panel.id, "product_qty": 10,
                                           "date_planned": datetime(2026, 12, 9, 8, 0)})]})
        purchase.button_confirm()
        seller = new_test_user(self.env, "mto_seller_po", groups="sales_team.group_sale_salesman")
        order = self.env["sale.order"].with_user(seller).create({
            "partner_id": self.customer.id,
            "order_line": [Command.create({"product_id": self.cabinet.id, "product_uom_qty": 2})]})
        result = order.action_mto_promise()
        self.assertEqual(result[0]["promise_date"], "2026-12-10")
        self.assertEqual(order.order_line.mto_promise_date, date(2026, 12, 10))
        # the dates are the promise's: not written by hand, even over the API
        for vals in ({"mto_promise_date": date(2027, 1, 1)}, {"mto_forecast_date": date(2026, 12, 10)},
                     {"mto_risk_cause": "customer's fault"}):
            with self.assertRaisesRegex(AccessError, "set by the promise"):
                order.order_line.write(vals)
            with self.assertRaisesRegex(AccessError, "set by the promise"):  # any RPC client sets context keys
                order.order_line.with_context(mto_promise_write=True).write(vals)
        self.assertEqual(order.order_line.mto_promise_date, date(2026, 12, 10))
        order.order_line.product_uom_qty = 3  # the rest of the line stays the salesperson's

    def test_explanation_in_the_users_language(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        order = self.quotation().with_context(lang="fr_FR")
        order.action_mto_promise()
        explanation = order.order_line.mto_promise_explanation
        self.assertIn("prêt le 2026-12-10, livré le 2026-12-10", explanation)
        self.assertIn("Panel", explanation)
        # the next caller in English gets English
        self.assertIn("ready 2026-12-10, delivered 2026-12-10",
                      self.quotation().with_context(lang="en_US").action_mto_promise()[0]["explanation"])

    def test_booked_workcenter_pushes_the_date(self):
        self.book(datetime(2026, 12, 10, 8, 0), datetime(2026, 12, 11, 12, 0))
        order = self.quotation()
        order.action_mto_promise()
        line = order.order_line
        self.assertEqual(line.mto_capacity_ready_date, datetime(2026, 12, 11, 17, 0))
        self.assertEqual(line.mto_promise_date, date(2026, 12, 11))
        self.assertEqual(line.mto_bottleneck_kind, "workcenter")
        self.assertEqual(line.mto_bottleneck_name, "Assembly")

    def panels_get_a_bom(self):
        """Panel made of a Board (in stock) by Cut, 30 min on Assembly; to order (MTO route), and
        how the warehouse's routes say."""
        board = self.env["product.product"].create({"name": "Board", "type": "consu", "is_storable": True})
        self.env["stock.quant"]._update_available_quantity(board, self.warehouse.lot_stock_id, 10)
        self.env["mrp.bom"].create({
            "product_tmpl_id": self.panel.product_tmpl_id.id, "product_qty": 1,
            "bom_line_ids": [Command.create({"product_id": board.id, "product_qty": 1})],
            "operation_ids": [Command.create({"name": "Cut", "workcenter_id": self.assembly.id,
                                              "time_mode": "manual", "time_cycle_manual": 30})]})
        self.panel.route_ids = [Command.set(self.env.ref("stock.route_warehouse0_mto").ids)]

    def test_component_with_a_bom_is_made_or_bought_as_odoo_would(self):
        """Odoo 19 makes or buys a component by its routes (the warehouse's Manufacture for a
        product with a BoM, Buy for one with vendors, by route sequence): out of the box a panel
        that gets a BoM is made; with Buy put ahead of Manufacture it is bought again."""
        self.panels_get_a_bom()
        Production, PurchaseLine = self.env["mrp.production"], self.env["purchase.order.line"]
        made = self.quotation()
        made.action_mto_promise()
        # 4 panels x 30 min Mon 08:00-10:00, then 2 cabinets x 120 min 10:00-12:00 + 13:00-15:00
        self.assertEqual(made.order_line.mto_capacity_ready_date, datetime(2026, 12, 7, 15, 0))
        self.assertEqual(made.order_line.mto_promise_date, date(2026, 12, 7))
        made.action_confirm()
        self.assertTrue(Production.search([("product_id", "=", self.panel.id)]), "Odoo makes the panels")
        self.assertFalse(PurchaseLine.search([("mto_sale_line_id", "=", made.order_line.id)]))

        self.warehouse.buy_pull_id.route_id.sequence = 1
        bought = self.quotation()
        bought.action_mto_promise()
        # panels from the vendor Thu 10 08:00, assembly Thu 08:00-12:00
        line = bought.order_line
        self.assertEqual(line.mto_material_ready_date, datetime(2026, 12, 10, 8, 0))
        self.assertEqual(line.mto_promise_date, date(2026, 12, 10))
        panel_mos = Production.search([("product_id", "=", self.panel.id)])
        bought.action_confirm()
        self.assertEqual(Production.search([("product_id", "=", self.panel.id)]), panel_mos, "no MO for them")
        self.assertTrue(PurchaseLine.search([("mto_sale_line_id", "=", line.id)]), "Odoo buys them")

    def test_component_on_a_buy_route_of_its_own_is_bought(self):
        """A route of the product's own that buys (its rule for no warehouse in particular) comes
        before the warehouse's Manufacture, as in Odoo's rule search."""
        self.panels_get_a_bom()
        route = self.env["stock.route"].create({
            "name": "Bought in", "product_selectable": True, "sequence": 20,
            "rule_ids": [Command.create({
                "name": "Buy to stock", "action": "buy", "location_dest_id": self.warehouse.lot_stock_id.id,
                "picking_type_id": self.warehouse.in_type_id.id, "warehouse_id": False})]})
        self.panel.route_ids |= route
        order = self.quotation()
        order.action_mto_promise()
        self.assertEqual(order.order_line.mto_material_ready_date, datetime(2026, 12, 10, 8, 0))
        order.action_confirm()
        self.assertFalse(self.env["mrp.production"].search([("product_id", "=", self.panel.id)]))
        self.assertTrue(self.env["purchase.order.line"].search([("mto_sale_line_id", "=", order.order_line.id)]))

    def test_public_holiday_is_not_worked(self):
        """A day off of the calendar for no one in particular (as Odoo's public holidays can be)
        closes every work center on that calendar."""
        self.env["resource.calendar.leaves"].create({
            "name": "Plant closed", "calendar_id": self.calendar.id, "resource_id": False, "time_type": "leave",
            "date_from": datetime(2026, 12, 10, 0, 0), "date_to": datetime(2026, 12, 10, 23, 59, 59)})
        order = self.quotation()
        order.action_mto_promise()
        line = order.order_line
        # panels Thu 10 08:00 (the vendor delivers), assembly Fri 11 08:00-12:00
        self.assertEqual(line.mto_material_ready_date, datetime(2026, 12, 10, 8, 0))
        self.assertEqual(line.mto_capacity_ready_date, datetime(2026, 12, 11, 12, 0))
        self.assertEqual(line.mto_promise_date, date(2026, 12, 11))
        # the day off is what the line waited for, and the promise says so
        self.assertEqual((line.mto_bottleneck_kind, line.mto_bottleneck_name), ("workcenter", "Assembly"))
        self.assertIn("Assembly is closed (time off) until 2026-12-10", line.mto_promise_explanation)
        order.action_confirm()
        leave = line.mto_production_ids.workorder_ids.leave_id
        self.assertEqual((leave.date_from, leave.date_to),
                         (datetime(2026, 12, 11, 8, 0), datetime(2026, 12, 11, 12, 0)))

    def test_working_time_kept_for_the_day_follows_time_off_and_hours(self):
        """Working time is computed once a day per calendar and kept: time off and working hours
        changed since count at once, in this transaction or committed by another one."""
        def ready():
            return self.env["mto.promise"].simulate(
                [{"product_id": self.cabinet.id, "product_uom_qty": 2}])[0]["capacity_ready_date"]

        Calendar = self.env["resource.calendar"]
        now = datetime(2026, 12, 7, 10, 30)
        self.assertEqual(Calendar._mto_working_ahead(self.assembly, now, 30),
                         Calendar._mto_working_between(self.assembly, now, now + timedelta(days=30)),
                         "kept from midnight, cut at now: what Odoo gives from now")
        # panels Thu 10 08:00, assembly 240 min
        self.assertEqual(ready(), "2026-12-10 12:00:00")
        leave = self.env["resource.calendar.leaves"].create({
            "name": "Breakdown", "calendar_id": self.calendar.id, "resource_id": self.assembly.resource_id.id,
            "time_type": "leave", "date_from": datetime(2026, 12, 10, 0, 0), "date_to": datetime(2026, 12, 10, 23, 0)})
        self.assertEqual(ready(), "2026-12-11 12:00:00")
        leave.date_to = datetime(2026, 12, 10, 10, 0)  # repaired at 10:00: 10-12 and 13-15
        self.assertEqual(ready(), "2026-12-10 15:00:00")
        leave.unlink()
        self.assertEqual(ready(), "2026-12-10 12:00:00")
        thursday_morning = self.calendar.attendance_ids.filtered(lambda a: a.dayofweek == "3" and a.hour_from == 8)
        thursday_morning.hour_from = 10
        self.assertEqual(ready(), "2026-12-10 15:00:00")
        # moved back by another worker (not through this process's ORM): a new row version
        with self.env.cr.savepoint():
            self.env.cr.execute("UPDATE resource_calendar_attendance SET hour_from = 8 WHERE id = %s",
                                [thursday_morning.id])
        self.env.invalidate_all()
        self.assertEqual(ready(), "2026-12-10 12:00:00")

    def test_stock_makes_it_today_and_efficiency_counts(self):
        self.panels_from_stock()
        self.env["stock.quant"]._update_available_quantity(self.panel, self.warehouse.lot_stock_id, 4)
        self.assertEqual(self.quotation().action_mto_promise()[0]["capacity_ready_date"], "2026-12-07 12:00:00")
        self.assembly.time_efficiency = 50  # 480 min: Mon 08-12 + 13-17
        self.assertEqual(self.quotation().action_mto_promise()[0]["capacity_ready_date"], "2026-12-07 17:00:00")

    def test_confirmation_books_the_promised_slots_and_next_promise_sees_them(self):
        order = self.quotation()
        order.action_mto_promise()
        order.action_confirm()
        production = order.order_line.mto_production_ids
        self.assertEqual(len(production), 1)
        workorder = production.workorder_ids
        self.assertEqual(workorder.date_start, datetime(2026, 12, 10, 8, 0))
        self.assertEqual(workorder.date_finished, datetime(2026, 12, 10, 12, 0))
        self.assertEqual(workorder.leave_id.time_type, "other")
        self.assertTrue(production.is_planned)
        self.assertGreaterEqual(production.date_start, datetime(2026, 12, 10, 8, 0),
                                "never planned before its components arrive")
        # the next order's panels still arrive Thursday, but Assembly is taken until 12:00
        second = self.quotation(1)
        second.action_mto_promise()
        self.assertEqual(second.order_line.mto_capacity_ready_date, datetime(2026, 12, 10, 15, 0))

    def test_changed_plant_is_recomputed_and_logged_at_confirmation(self):
        order = self.quotation()
        order.action_mto_promise()
        self.book(datetime(2026, 12, 10, 8, 0), datetime(2026, 12, 11, 12, 0))
        order.action_confirm()
        self.assertEqual(order.order_line.mto_promise_date, date(2026, 12, 11))
        self.assertTrue(order.message_ids.filtered(lambda m: "2026-12-11" in (m.body or "")))

    def test_simulate_writes_nothing(self):
        count = self.env["sale.order"].search_count([])
        leaves = self.env["resource.calendar.leaves"].search_count([])
        result = self.env["mto.promise"].simulate([
            {"product_id": self.cabinet.id, "product_uom_qty": 2, "partner_id": self.customer.id},
            {"product_id": self.cabinet.id, "product_uom_qty": 1}])
        self.assertEqual([r["promise_date"] for r in result], ["2026-12-10", "2026-12-10"])
        self.assertEqual(result[1]["capacity_ready_date"], "2026-12-10 15:00:00",
                         "the second line sees the capacity the first one took")
        self.assertEqual(result[0]["strategy"], "make_to_order")
        self.assertEqual(set(result[0]["bottleneck"]), {"kind", "name", "date"})
        self.assertEqual(self.env["sale.order"].search_count([]), count)
        self.assertEqual(self.env["resource.calendar.leaves"].search_count([]), leaves)

    def test_bad_input(self):
        Promise = self.env["mto.promise"]
        with self.assertRaisesRegex(ValidationError, "positive"):
            Promise.simulate([{"product_id": self.cabinet.id, "product_uom_qty": 0}])
        with self.assertRaisesRegex(ValidationError, "positive"):
            Promise.simulate([{"product_id": self.cabinet.id, "product_uom_qty": -3}])
        with self.assertRaisesRegex(UserError, "unknown or archived product"):
            Promise.simulate([{"product_id": 999999999, "product_uom_qty": 1}])
        with self.assertRaisesRegex(ValidationError, "misses product_uom_qty"):
            Promise.simulate([{"product_id": self.cabinet.id}])
        with self.assertRaisesRegex(ValidationError, "non-empty list"):
            Promise.simulate([])
        nobody = self.env["product.product"].create({"name": "Orphan", "type": "consu", "is_storable": True})
        with self.assertRaisesRegex(UserError, "Orphan"):
            Promise.simulate([{"product_id": nobody.id, "product_uom_qty": 1}])
        self.assembly.resource_calendar_id = False
        with self.assertRaisesRegex(UserError, "Assembly has no working hours"):
            Promise.simulate([{"product_id": self.cabinet.id, "product_uom_qty": 1}])

    def test_bad_ids_dates_and_quantities_are_refused_cleanly(self):
        """Ids of the wrong type, an order date out of range (2000-01-01 to five years from now:
        2031-12-07 here) and quantities that are no finite number get a ValidationError naming the
        line (1-based), never a database or Python error; nothing is written."""
        Promise = self.env["mto.promise"]
        ok = {"product_id": self.cabinet.id, "product_uom_qty": 1}
        counted = ("sale.order", "resource.calendar.leaves", "mrp.production", "purchase.order.line")
        before = {model: self.env[model].search_count([]) for model in counted}
        cases = [
            ({"warehouse_id": "abc"}, "Line 2: warehouse_id must be an integer id"),
            ({"warehouse_id": [self.warehouse.id]}, "Line 2: warehouse_id must be an integer id"),
            ({"partner_id": [self.customer.id]}, "Line 2: partner_id must be an integer id"),
            ({"partner_id": True}, "Line 2: partner_id must be an integer id"),
            ({"date_order": "9999-12-31 00:00:00"},
             "Line 2: order date 9999-12-31 00:00:00 is out of range: it must lie between 2000-01-01 and 2031-12-07"),
            ({"date_order": "1999-12-31 23:59:59"}, "Line 2: order date 1999-12-31 23:59:59 is out of range"),
            ({"product_uom_qty": float("nan")}, "Line 2: the quantity must be a finite number"),
            ({"product_uom_qty": float("inf")}, "Line 2: the quantity must be a finite number"),
        ]
        for overrides, message in cases:
            with self.subTest(overrides), self.assertRaisesRegex(ValidationError, f"^{message}"):
                Promise.simulate([ok, {**ok, **overrides}])
        # the latest date accepted plans (capacity is free then: made from its first working hour)
        latest = Promise.simulate([{**ok, "date_order": "2031-12-07 08:00:00"}])
        self.assertEqual(latest[0]["promise_date"], "2031-12-10", "panels 3 days after the order date")
        with self.assertRaisesRegex(UserError, "No free capacity on Assembly"):
            Promise.simulate([{**ok, "product_uom_qty": 1e12}])  # longer than any horizon, no overflow
        order = self.quotation()
        order.date_order = datetime(9999, 12, 31)
        with self.assertRaisesRegex(ValidationError, r"S\d+: order date 9999-12-31 00:00:00 is out of range"):
            order.action_mto_promise()
        self.assertFalse(order.order_line.mto_promise_date)
        self.assertFalse(order.commitment_date)
        self.assertEqual({model: self.env[model].search_count([]) for model in counted},
                         {**before, "sale.order": before["sale.order"] + 1})

    def test_user_without_sales_rights(self):
        user = new_test_user(self.env, "mto_no_sales", groups="base.group_user")
        with self.assertRaises(AccessError):
            self.env["mto.promise"].with_user(user).simulate(
                [{"product_id": self.cabinet.id, "product_uom_qty": 1}])

    def test_promise_writes_all_lines_or_none(self):
        order = self.quotation()
        orphan = self.env["product.product"].create({"name": "Orphan", "type": "consu", "is_storable": True})
        order.order_line = [Command.create({"product_id": orphan.id, "product_uom_qty": 1})]
        with self.assertRaisesRegex(UserError, "Orphan"):
            order.action_mto_promise()
        self.assertFalse(any(order.order_line.mapped("mto_promise_date")))

    def test_sub_assembly_is_booked_before_its_parent(self):
        """A 2-level order: the sub-assembly MO (MTO route) gets its own promised slot, and its
        parent never starts before it ends nor before the panels arrive (Thu 10 08:00)."""
        env = self.env
        wardrobe, carcass = self.wardrobe_of_carcass(self.panel, self.assembly)
        order = env["sale.order"].create({
            "partner_id": self.customer.id,
            "order_line": [Command.create({"product_id": wardrobe.id, "product_uom_qty": 1})]})
        order.action_mto_promise()
        # panel Thu 08:00 -> weld 08:00-12:00 + 13:00-... 240 min: Thu 08-12; assemble 60 min Thu 13-14
        self.assertEqual(order.order_line.mto_capacity_ready_date, datetime(2026, 12, 10, 14, 0))
        order.action_confirm()
        top = order.order_line.mto_production_ids.filtered(lambda p: p.product_id == wardrobe)
        sub = order.order_line.mto_production_ids.filtered(lambda p: p.product_id == carcass)
        self.assertEqual(len(sub), 1)
        self.assertEqual(sub.workorder_ids.date_start, datetime(2026, 12, 10, 8, 0))
        self.assertEqual(sub.workorder_ids.date_finished, datetime(2026, 12, 10, 12, 0))
        self.assertEqual(top.workorder_ids.date_start, datetime(2026, 12, 10, 13, 0))
        self.assertGreaterEqual(top.date_start, sub.date_finished, "feasible: parent after its sub-assembly")

    def test_simulate_query_count_does_not_grow_with_lines(self):
        Promise = self.env["mto.promise"]
        line = {"product_id": self.cabinet.id, "product_uom_qty": 1, "partner_id": self.customer.id}
        Promise.simulate([line])  # warm caches
        counts = []
        for n in (1, 5, 20):
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            Promise.simulate([line] * n)
            counts.append(self.env.cr.sql_log_count - before)
        self.assertLessEqual(counts[2] - counts[0], 3, f"queries for 1/5/20 lines: {counts}")

    def two_warehouse_order(self):
        """WH2 (no panels) next to WH (8 panels): line 1 ships from WH, line 2 takes WH2's delivery
        route, so Odoo sets its warehouse to WH2 (its production and delivery are WH2's)."""
        self.panels_from_stock()
        self.env["stock.quant"]._update_available_quantity(self.panel, self.warehouse.lot_stock_id, 8)
        wh2 = self.env["stock.warehouse"].create({"name": "Second Plant", "code": "WH2"})
        wh2.delivery_route_id.sale_selectable = True
        order = self.env["sale.order"].create({
            "partner_id": self.customer.id, "picking_policy": "one",
            "order_line": [Command.create({"product_id": self.cabinet.id, "product_uom_qty": 1}),
                           Command.create({"product_id": self.cabinet.id, "product_uom_qty": 1,
                                           "route_ids": [Command.set(wh2.delivery_route_id.ids)]})]})
        self.assertEqual(order.order_line.warehouse_id.mapped("code"), [self.warehouse.code, "WH2"])
        return order, wh2

    def test_each_line_is_promised_from_its_own_warehouse(self):
        """Line 1: WH's panels, Assembly Mon 08:00-10:00, promised Monday. Line 2: WH2 has no
        panel, bought (3 days): Thu 08:00, Assembly Thu 08:00-10:00, promised Thursday (it was
        promised Monday 10:00-12:00 from WH's panels). The order ships complete: Thursday."""
        order, wh2 = self.two_warehouse_order()
        line1, line2 = order.order_line
        order.action_mto_promise()
        self.assertEqual((line1.mto_capacity_ready_date, line1.mto_promise_date),
                         (datetime(2026, 12, 7, 10, 0), date(2026, 12, 7)))
        self.assertEqual((line2.mto_material_ready_date, line2.mto_capacity_ready_date, line2.mto_promise_date),
                         (datetime(2026, 12, 10, 8, 0), datetime(2026, 12, 10, 10, 0), date(2026, 12, 10)))
        self.assertEqual(order.commitment_date.date(), date(2026, 12, 10))
        order.action_confirm()
        self.assertEqual(line2.mto_promise_date, date(2026, 12, 10), "the same at confirmation")
        self.assertEqual(line2.mto_production_ids.picking_type_id.warehouse_id, wh2)
        workorders = (line1 | line2).mto_production_ids.workorder_ids
        slots = [(wo.leave_id.date_from, wo.leave_id.date_to) for wo in workorders]
        self.assertEqual(slots, [(datetime(2026, 12, 7, 8, 0), datetime(2026, 12, 7, 10, 0)),
                                 (datetime(2026, 12, 10, 8, 0), datetime(2026, 12, 10, 10, 0))])
        order.order_line._mto_repromise_job()
        self.assertFalse(order.mto_at_risk, "the re-promise (per line warehouse) agrees")

    def test_lines_of_two_warehouses_share_the_work_centers(self):
        """With panels in WH2 too, both lines can start at once, but on the one Assembly: line 1
        08:00-10:00, line 2 after it 10:00-12:00, promised and booked so (not both 08:00-10:00)."""
        order, wh2 = self.two_warehouse_order()
        self.env["stock.quant"]._update_available_quantity(self.panel, wh2.lot_stock_id, 8)
        line1, line2 = order.order_line
        order.action_confirm()
        self.assertEqual(line1.mto_capacity_ready_date, datetime(2026, 12, 7, 10, 0))
        self.assertEqual(line2.mto_capacity_ready_date, datetime(2026, 12, 7, 12, 0))
        self.assertEqual(line2.mto_production_ids.workorder_ids.leave_id.date_from, datetime(2026, 12, 7, 10, 0))
        self.assertEqual(line2.mto_production_ids.workorder_ids.leave_id.date_to, datetime(2026, 12, 7, 12, 0))
