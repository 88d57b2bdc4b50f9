"""Keeping promises: triggers re-promise exactly the affected lines; at risk; accept; KPIs.

Times as in common_promise: now Monday 2026-12-07 08:00 UTC, 40 h/week UTC calendar.
"""
import importlib.util
from datetime import date, datetime

from freezegun import freeze_time

from odoo.fields import Command
from odoo.tests import tagged
from odoo.tools.misc import file_path

from .common_promise import NOW, PromiseCase


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestRepromise(PromiseCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, queue_job__no_delay=True))
        env = cls.env
        # An unrelated product: its own work center and component, always in stock
        cls.paint = env["mrp.workcenter"].create({"name": "Paint", "resource_calendar_id": cls.calendar.id})
        cls.leg = env["product.product"].create({"name": "Leg", "type": "consu", "is_storable": True})
        env["stock.quant"]._update_available_quantity(cls.leg, cls.warehouse.lot_stock_id, 100)
        cls.stool = env["product.product"].create({"name": "Stool", "type": "consu", "is_storable": True})
        env["mrp.bom"].create({
            "product_tmpl_id": cls.stool.product_tmpl_id.id, "product_qty": 1,
            "bom_line_ids": [Command.create({"product_id": cls.leg.id, "product_qty": 3})],
            "operation_ids": [Command.create({"name": "Paint", "workcenter_id": cls.paint.id,
                                              "time_mode": "manual", "time_cycle_manual": 60})]})
        env["mto.routing.rule"].create({"name": "Stools to order", "product_id": cls.stool.id,
                                        "strategy": "make_to_order"})

    def confirmed(self, product, qty):
        order = self.env["sale.order"].create({
            "partner_id": self.customer.id,
            "order_line": [Command.create({"product_id": product.id, "product_uom_qty": qty})]})
        order.action_mto_promise()
        order.action_confirm()
        return order

    def panel_po_line(self, order):
        po_line = self.env["purchase.order.line"].search([("mto_sale_line_id", "=", order.order_line.id)])
        self.assertEqual(po_line.product_id, self.panel)
        po_line.order_id.button_confirm()
        return po_line

    def received(self, order, po_line, arrival):
        """`po_line` received in full at `arrival`; the order's production reserves it."""
        with freeze_time(arrival):
            receipt = po_line.order_id.picking_ids
            receipt.move_ids.quantity = po_line.product_qty
            receipt.move_ids.picked = True
            receipt.button_validate()
            order.order_line.mto_production_ids.action_assign()

    def test_vendor_delay_puts_order_at_risk_with_one_activity(self):
        cabinets = self.confirmed(self.cabinet, 2)
        stools = self.confirmed(self.stool, 1)
        line = cabinets.order_line
        self.assertEqual(line.mto_promise_date, date(2026, 12, 10))
        po_line = self.panel_po_line(cabinets)
        po_line.date_planned = datetime(2026, 12, 16, 8, 0)
        # panels on Wed 16 08:00, assembly 08:00-12:00 on its (own, freed) slot
        self.assertEqual(line.mto_forecast_date, date(2026, 12, 16),
                         (line.mto_forecast_computed_at, line.mto_risk_cause, po_line.date_planned,
                          self.env["mto.promise"]._forecast(line)[line].explanation))
        self.assertTrue(line.mto_at_risk)
        self.assertTrue(cabinets.mto_at_risk)
        # the list of orders at risk says how late and why
        self.assertEqual((cabinets.mto_risk_promise_date, cabinets.mto_risk_date),
                         (date(2026, 12, 10), date(2026, 12, 16)))
        self.assertIn("Panel Vendor", cabinets.mto_risk_cause)
        self.assertEqual((stools.mto_risk_promise_date, stools.mto_risk_date, stools.mto_risk_cause),
                         (False, False, False))
        self.assertFalse(stools.order_line.mto_forecast_computed_at, "unaffected lines are not recomputed")
        activity_type = self.env.ref("mto_fulfilment.mail_activity_type_at_risk")
        activities = cabinets.activity_ids.filtered(lambda a: a.activity_type_id == activity_type)
        self.assertEqual(len(activities), 1)
        self.assertIn(po_line.order_id.name, activities.note)
        self.assertIn("Panel Vendor", activities.note)
        # beside the news that moved it, what the forecast waits for now
        self.assertEqual(line.mto_forecast_explanation, "Component Panel arrives on 2026-12-16 (already ordered); "
                         "ready 2026-12-16, delivered 2026-12-16.")
        self.assertIn("Why the forecast: Component Panel arrives on 2026-12-16", activities.note)
        # a second trigger updates the same activity
        po_line.date_planned = datetime(2026, 12, 17, 8, 0)
        self.assertEqual(line.mto_forecast_date, date(2026, 12, 17))
        self.assertEqual(line.mto_risk_cause, f"Panel Vendor moved {po_line.order_id.name} (Panel) by 6 days",
                         "a day more: the six days are still most of the delay")
        activities = cabinets.activity_ids.filtered(lambda a: a.activity_type_id == activity_type)
        self.assertEqual(len(activities), 1)
        self.assertIn("now expected 2026-12-17", activities.note, "the activity says the new date")
        # eight days more explain more of it than the first seven
        po_line.date_planned = datetime(2026, 12, 25, 8, 0)
        self.assertEqual(line.mto_forecast_date, date(2026, 12, 25))
        self.assertEqual(line.mto_risk_cause, f"Panel Vendor moved {po_line.order_id.name} (Panel) by 8 days")
        activities = cabinets.activity_ids.filtered(lambda a: a.activity_type_id == activity_type)
        self.assertEqual(len(activities), 1)
        self.assertEqual(line.mto_promise_date, date(2026, 12, 10), "the promise never moves silently")
        # the promise report lists the line with why it is at risk and what it waits for
        self.env.flush_all()
        row = self.env["mto.fulfilment.report"].search([("sale_line_id", "=", line.id)])
        self.assertEqual((row.at_risk, row.risk_cause, row.forecast_explanation),
                         (True, line.mto_risk_cause, line.mto_forecast_explanation))
        self.assertIn("2026-12-25", row.forecast_explanation)

        cabinets.action_mto_accept_forecast()
        self.assertEqual(line.mto_promise_date, date(2026, 12, 25))
        self.assertEqual(line.mto_promise_explanation, line.mto_forecast_explanation,
                         "why this date: the accepted forecast's reason, not the old promise's")
        self.assertTrue(line.mto_promise_explanation.endswith("delivered 2026-12-25."))
        self.assertEqual(cabinets.commitment_date.date(), date(2026, 12, 25))
        self.assertFalse(cabinets.mto_at_risk)
        self.assertFalse(cabinets.mto_risk_date)
        self.assertFalse(cabinets.activity_ids.filtered(lambda a: a.activity_type_id == activity_type))
        self.assertTrue(cabinets.message_ids.filtered(lambda m: "New delivery dates accepted" in (m.body or "")))

    def test_delivered_late_is_no_longer_at_risk(self):
        """Once delivered, a late line was late, not at risk: it leaves the orders at risk, its
        activity is done, and the cause stays to say why (the Delivery Promises report)."""
        boxed = self.env["product.product"].create({"name": "Boxed part", "type": "consu", "is_storable": True})
        self.env["stock.quant"]._update_available_quantity(boxed, self.warehouse.lot_stock_id, 10)
        order = self.confirmed(boxed, 1)
        line = order.order_line
        line.write({"mto_forecast_date": date(2026, 12, 31), "mto_risk_cause": "Packing overloaded"})
        order._mto_notify_risk()
        activity_type = self.env.ref("mto_fulfilment.mail_activity_type_at_risk")
        self.assertTrue(order.mto_at_risk)
        self.assertEqual(len(order.activity_ids.filtered(lambda a: a.activity_type_id == activity_type)), 1)
        order.picking_ids.move_ids.quantity = 1
        order.picking_ids.move_ids.picked = True
        order.picking_ids.button_validate()
        self.assertEqual(order.mto_fulfilment_state, "delivered")
        self.assertFalse(line.mto_at_risk)
        self.assertFalse(order.mto_at_risk)
        self.assertNotIn(order, self.env["sale.order"].search([("mto_at_risk", "=", True)]))
        self.assertFalse(order.activity_ids.filtered(lambda a: a.activity_type_id == activity_type))
        self.assertTrue(order.message_ids.filtered(lambda m: "Delivered." in (m.body or "")))
        self.env.flush_all()
        row = self.env["mto.fulfilment.report"].search([("sale_line_id", "=", line.id)])
        self.assertEqual((row.at_risk, row.risk_cause), (False, "Packing overloaded"))

    def test_back_on_time_clears_the_flag(self):
        cabinets = self.confirmed(self.cabinet, 2)
        po_line = self.panel_po_line(cabinets)
        original = po_line.date_planned
        po_line.date_planned = datetime(2026, 12, 16, 8, 0)
        self.assertTrue(cabinets.mto_at_risk)
        po_line.order_id.order_line.date_planned = original  # the vendor catches up
        self.assertFalse(cabinets.mto_at_risk, "re-promised at once, not only by the daily check")
        activity_type = self.env.ref("mto_fulfilment.mail_activity_type_at_risk")
        self.assertFalse(cabinets.activity_ids.filtered(lambda a: a.activity_type_id == activity_type))
        cabinets.action_mto_repromise()
        self.assertFalse(cabinets.mto_at_risk)

    def test_vendor_date_entered_on_the_receipt_repromises(self):
        """The vendor's new date entered on the receipt (or on the backorder left by a short
        delivery), not on the purchase, is the same news: the purchase line follows it, the order
        is re-promised, told why once; the date back, the order is back on time."""
        cabinets = self.confirmed(self.cabinet, 2)
        line = cabinets.order_line
        self.assertEqual(line.mto_promise_date, date(2026, 12, 10))
        po_line = self.panel_po_line(cabinets)
        receipt = po_line.order_id.picking_ids
        original = receipt.scheduled_date
        # 4 panels on Wed 16 08:00: assembly 240 min, 08:00-12:00 that day
        receipt.scheduled_date = datetime(2026, 12, 16, 8, 0)
        self.assertEqual(po_line.date_planned, datetime(2026, 12, 16, 8, 0))
        self.assertEqual(line.mto_forecast_date, date(2026, 12, 16))
        self.assertTrue(line.mto_at_risk)
        self.assertIn(po_line.order_id.name, line.mto_risk_cause)
        self.assertIn("(Panel)", line.mto_risk_cause)
        activity_type = self.env.ref("mto_fulfilment.mail_activity_type_at_risk")
        self.assertEqual(len(cabinets.activity_ids.filtered(lambda a: a.activity_type_id == activity_type)), 1)
        receipt.scheduled_date = original
        self.assertFalse(line.mto_at_risk)
        self.assertEqual(line.mto_forecast_date, date(2026, 12, 10))
        self.assertFalse(cabinets.activity_ids.filtered(lambda a: a.activity_type_id == activity_type))
        # 2 of the 4 panels come today; the other 2 on Thu 17 08:00: assembly 08:00-12:00 then
        receipt.move_ids.quantity = 2
        receipt.move_ids.picked = True
        receipt.with_context(skip_backorder=True).button_validate()
        backorder = po_line.order_id.picking_ids - receipt
        self.assertEqual(backorder.move_ids.product_uom_qty, 2)
        self.assertEqual(line.mto_forecast_date, date(2026, 12, 10), "the rest still comes on time")
        backorder.scheduled_date = datetime(2026, 12, 17, 8, 0)
        self.assertEqual(line.mto_forecast_date, date(2026, 12, 17))
        self.assertTrue(line.mto_at_risk)
        self.assertEqual(len(cabinets.activity_ids.filtered(lambda a: a.activity_type_id == activity_type)), 1)

    def test_cancelled_order_closes_its_at_risk_activity(self):
        cabinets = self.confirmed(self.cabinet, 2)
        self.panel_po_line(cabinets).date_planned = datetime(2026, 12, 16, 8, 0)
        activity_type = self.env.ref("mto_fulfilment.mail_activity_type_at_risk")
        self.assertTrue(cabinets.activity_ids.filtered(lambda a: a.activity_type_id == activity_type))
        cabinets._action_cancel()
        self.assertFalse(cabinets.mto_at_risk)
        self.assertFalse(cabinets.activity_ids.filtered(lambda a: a.activity_type_id == activity_type))
        self.assertTrue(cabinets.message_ids.filtered(lambda m: "Order cancelled." in (m.body or "")))

    def test_more_work_in_the_booked_slot_is_re_promised(self):
        """1 stool (60 min, Mon 08:00-09:00 booked) becomes 10 (600 min): the forecast follows at
        once, as it does when a work order not started is reported to take longer."""
        stools = self.confirmed(self.stool, 1)
        line = stools.order_line
        self.assertEqual(line.mto_promise_date, date(2026, 12, 7))
        line.product_uom_qty = 10
        self.assertEqual(line.mto_production_ids.product_qty, 10)
        # 600 min from Mon 08:00: Mon 8 h + Tue 2 h
        self.assertEqual(line.mto_forecast_date, date(2026, 12, 8))
        self.assertTrue(line.mto_at_risk)
        self.assertIn("Quantity increased", line.mto_risk_cause)
        other = self.confirmed(self.stool, 1)
        workorder = other.order_line.mto_production_ids.workorder_ids
        workorder.duration_expected = 600  # the planner learns it will take ten times as long
        self.assertTrue(other.order_line.mto_at_risk)
        self.assertGreater(other.order_line.mto_forecast_date, other.order_line.mto_promise_date)

    def test_daily_cron_clears_a_risk_the_plant_absorbed(self):
        """A line flagged at risk by a forecast that no longer holds (nothing touched it since):
        the hourly cron re-promises lines at risk once their forecast is a day old, so the flag
        goes then (and not every hour)."""
        stools = self.confirmed(self.stool, 1)
        line = stools.order_line
        line.write({"mto_forecast_date": date(2026, 12, 21), "mto_risk_cause": "Paint overloaded",
                    "mto_forecast_computed_at": datetime(2026, 12, 7, 7, 0)})
        self.assertTrue(line.mto_at_risk)
        self.env["sale.order.line"]._mto_cron_repromise()
        self.assertTrue(line.mto_at_risk, "re-promised an hour ago: left for now")
        line.mto_forecast_computed_at = datetime(2026, 12, 6, 7, 0)
        self.env["sale.order.line"]._mto_cron_repromise()
        self.assertFalse(line.mto_at_risk)
        self.assertEqual(line.mto_forecast_date, line.mto_promise_date)

    def test_upgrade_to_1_1_fills_the_forecast_reason(self):
        """Lines promised before 1.1.0 had no forecast reason: the migration gives on-time lines
        their promise's and has the others re-promised by the hourly cron."""
        on_time = self.confirmed(self.stool, 1).order_line
        late = self.confirmed(self.cabinet, 2).order_line
        late.mto_forecast_date = date(2026, 12, 16)
        (on_time | late).mto_forecast_explanation = False
        # delivered late before 1.1.0: still flagged at risk, its activity open
        boxed = self.env["product.product"].create({"name": "Boxed part", "type": "consu", "is_storable": True})
        self.env["stock.quant"]._update_available_quantity(boxed, self.warehouse.lot_stock_id, 10)
        delivered = self.confirmed(boxed, 1)
        delivered.order_line.mto_forecast_date = date(2026, 12, 31)
        delivered._mto_notify_risk()
        delivered.picking_ids.move_ids.quantity = 1
        delivered.picking_ids.move_ids.picked = True
        delivered.picking_ids.button_validate()
        self.env.flush_all()
        self.env.cr.execute("UPDATE sale_order_line SET mto_at_risk = TRUE WHERE order_id = %s", [delivered.id])
        self.env.cr.execute("UPDATE sale_order SET mto_at_risk = TRUE WHERE id = %s", [delivered.id])
        delivered.activity_schedule("mto_fulfilment.mail_activity_type_at_risk", summary="Delivery promise at risk")
        self.env.invalidate_all()
        path = file_path("mto_fulfilment/migrations/19.0.1.1.0/post-migration.py")
        spec = importlib.util.spec_from_file_location("mto_fulfilment_migration_1_1", path)
        migration = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(migration)
        migration.migrate(self.env.cr, "19.0.1.0.0")
        (on_time | late).invalidate_recordset()
        self.assertEqual(on_time.mto_forecast_explanation, on_time.mto_promise_explanation)
        self.assertFalse(on_time.mto_repromise_needed)
        self.assertTrue(late.mto_repromise_needed)
        self.assertFalse(delivered.mto_at_risk or delivered.order_line.mto_at_risk)
        self.assertFalse(delivered.activity_ids, "its at-risk activity is done")
        self.env["sale.order.line"]._mto_cron_repromise()
        self.assertEqual(late.mto_forecast_date, date(2026, 12, 10), "the panel is on time after all")
        self.assertEqual(late.mto_forecast_explanation, "Component Panel arrives on 2026-12-10 (already ordered); "
                         "ready 2026-12-10, delivered 2026-12-10.")

    def test_public_holiday_repromises_lines_planned_then(self):
        """A public holiday (no calendar, no resource: every calendar of the company keeps it)
        re-promises the lines with work planned from that day on, on any work center. Its cause
        names it, on the company's days (entered in Stuttgart, it starts at 23:00 UTC the day
        before)."""
        cabinets = self.confirmed(self.cabinet, 2)
        stools = self.confirmed(self.stool, 1)
        self.panel_po_line(cabinets)
        self.env.company.resource_calendar_id.tz = "Europe/Berlin"
        self.env["resource.calendar.leaves"].create({
            "name": "Plant closed", "calendar_id": False, "resource_id": False, "time_type": "leave",
            "date_from": datetime(2026, 12, 9, 23, 0), "date_to": datetime(2026, 12, 10, 22, 59, 59)})
        line = cabinets.order_line
        self.assertEqual(line.mto_forecast_date, date(2026, 12, 11), "Thursday off: Friday")
        self.assertTrue(line.mto_at_risk)
        self.assertEqual(line.mto_risk_cause,
                         f"Plant closed ({self.env.company.name}): time off 12/10/2026 – 12/10/2026 planned",
                         "named as entered, not as the list of every work center")
        self.assertFalse(stools.order_line.mto_forecast_computed_at, "painted on Monday: not affected")

    def test_workcenter_leave_repromises_lines_planned_there(self):
        cabinets = self.confirmed(self.cabinet, 2)
        stools = self.confirmed(self.stool, 1)
        self.panel_po_line(cabinets)
        self.env["resource.calendar.leaves"].create({
            "name": "Assembly line maintenance", "calendar_id": self.calendar.id,
            "resource_id": self.assembly.resource_id.id, "time_type": "leave",
            "date_from": datetime(2026, 12, 10, 0, 0), "date_to": datetime(2026, 12, 11, 23, 59)})
        line = cabinets.order_line
        self.assertTrue(line.mto_forecast_computed_at)
        self.assertEqual(line.mto_forecast_date, date(2026, 12, 14), "Thu and Fri off: Monday")
        self.assertIn("Assembly", line.mto_risk_cause)
        self.assertFalse(stools.order_line.mto_forecast_computed_at)

    def test_forecast_does_not_depend_on_batching(self):
        """Lines re-planned together get the dates each gets alone: a line gives back only its
        own bookings, stock and moves, never those of the other lines of its batch."""
        first = self.confirmed(self.cabinet, 2)
        second = self.confirmed(self.cabinet, 3)
        stools = self.confirmed(self.stool, 2)
        self.panel_po_line(first)
        self.panel_po_line(second)
        lines = (first | second | stools).order_line
        Promise = self.env["mto.promise"]
        together = Promise._forecast(lines)
        for line in lines:
            alone = Promise._forecast(line)[line]
            self.assertEqual(
                (alone.promise_date, [(b.workcenter_id, b.start, b.end) for b in alone.bookings]),
                (together[line].promise_date, [(b.workcenter_id, b.start, b.end) for b in together[line].bookings]),
                line.display_name)
        # nothing changed since confirmation: each line is forecast on its booked slots and date
        for line in lines:
            booked = sorted((wo.workcenter_id.id, wo.leave_id.date_from, wo.leave_id.date_to)
                            for wo in line.mto_production_ids.workorder_ids)
            self.assertEqual(sorted((b.workcenter_id, b.start, b.end) for b in together[line].bookings), booked)
            self.assertEqual(together[line].promise_date, line.mto_promise_date)

    def test_late_production_names_its_cause(self):
        """The watchdog cron re-promises lines whose MO is past its planned end and says why:
        the components it waits for, or work behind schedule."""
        cabinets = self.confirmed(self.cabinet, 2)  # panels bought for the order, not received
        stools = self.confirmed(self.stool, 1)  # legs in stock
        with freeze_time("2026-12-21 08:00:00"):
            self.env["sale.order.line"]._mto_cron_repromise()
        cabinet_mo = cabinets.order_line.mto_production_ids
        self.assertEqual(cabinets.order_line.mto_risk_cause,
                         f"{cabinet_mo.name} runs late: waiting for Panel")
        stool_mo = stools.order_line.mto_production_ids
        self.assertEqual(stools.order_line.mto_risk_cause, f"{stool_mo.name} runs late: work behind schedule")
        self.assertTrue(cabinets.mto_at_risk and stools.mto_at_risk)

    def test_late_production_names_the_purchase_that_came_late(self):
        """Its components there now, an order still past its planned end names the purchase made
        for it that arrived on a later day than expected when it was confirmed, not the shop
        floor; one that came on its day (hours late) does not count."""
        late, on_time = self.confirmed(self.cabinet, 2), self.confirmed(self.cabinet, 2)
        for order, arrival in ((late, "2026-12-18 09:00:00"), (on_time, "2026-12-10 15:00:00")):
            po_line = self.panel_po_line(order)
            self.assertEqual(po_line.mto_date_confirmed.date(), date(2026, 12, 10))
            self.received(order, po_line, arrival)
            self.assertEqual(order.order_line.mto_production_ids.reservation_state, "assigned")
        with freeze_time("2026-12-21 08:00:00"):
            self.env["sale.order.line"]._mto_cron_repromise()
        po = self.env["purchase.order.line"].search([("mto_sale_line_id", "=", late.order_line.id)]).order_id
        self.assertEqual(late.order_line.mto_risk_cause,
                         f"{late.order_line.mto_production_ids.name} runs late: Panel from Panel Vendor "
                         f"({po.name}) arrived 8 days later than expected")
        self.assertEqual(on_time.order_line.mto_risk_cause,
                         f"{on_time.order_line.mto_production_ids.name} runs late: work behind schedule")

    def test_late_purchase_days_are_the_plants_days(self):
        """The plant works in Brussels (UTC+1). The panels were expected Friday 12-11 00:30 there
        (Thursday 23:30 UTC) and came Friday 15:00 there: the same day, not a day late as UTC
        dates would say. Another order's panels expected on that Friday came on Saturday 00:30
        there (Friday 23:30 UTC): a day late, which UTC dates would not see."""
        self.env.company.resource_calendar_id.tz = "Europe/Brussels"
        same_day, next_day = self.confirmed(self.cabinet, 2), self.confirmed(self.cabinet, 2)
        for order, expected, arrival in (
                (same_day, datetime(2026, 12, 10, 23, 30), "2026-12-11 14:00:00"),
                (next_day, datetime(2026, 12, 11, 8, 0), "2026-12-11 23:30:00")):
            po_line = self.panel_po_line(order)
            po_line.mto_date_confirmed = expected
            self.received(order, po_line, arrival)
        with freeze_time("2026-12-21 08:00:00"):
            self.env["sale.order.line"]._mto_cron_repromise()
        po = self.env["purchase.order.line"].search([("mto_sale_line_id", "=", next_day.order_line.id)]).order_id
        self.assertEqual(same_day.order_line.mto_risk_cause,
                         f"{same_day.order_line.mto_production_ids.name} runs late: work behind schedule")
        self.assertEqual(next_day.order_line.mto_risk_cause,
                         f"{next_day.order_line.mto_production_ids.name} runs late: Panel from Panel Vendor "
                         f"({po.name}) arrived a day later than expected")

    def wardrobes(self, qty):
        """A 2-level order: Wardrobe (Paint, 60 min) of a Carcass made for it (Weld, 240 min, of
        legs in stock): Carcass Mon 08:00-12:00 (on a Welding line of its own), Wardrobe
        after it on Monday."""
        wardrobe, carcass = self.wardrobe_of_carcass(self.leg, self.paint, component_qty=2)
        order = self.confirmed(wardrobe, qty)
        productions = order.order_line.mto_production_ids
        top, sub = (productions.filtered(lambda p, prod=prod: p.product_id == prod) for prod in (wardrobe, carcass))
        self.assertEqual(sub.mto_date_planned_finished, datetime(2026, 12, 7, 12, 0))
        self.assertGreaterEqual(top.date_start, sub.date_finished)
        self.assertLessEqual(top.date_finished, datetime(2026, 12, 7, 17, 0))
        return order, top, sub

    def test_late_production_names_its_late_sub_assembly(self):
        """A production past its planned end, its sub-assembly there now but finished 2 days
        later than booked, names that sub-assembly (a day: in words); one 5 hours late is counted
        in hours."""
        for finished, late in (("2026-12-09 14:00:00", "2 days"), ("2026-12-08 14:00:00", "a day"),
                               ("2026-12-07 17:00:00", "5 hours")):
            order, top, sub = self.wardrobes(1)
            with freeze_time(finished):
                sub.action_assign()
                sub.qty_producing = 1
                sub._set_qty_producing(False)
                sub.move_raw_ids.picked = True
                sub.with_context(skip_consumption=True).button_mark_done()
            self.assertEqual(top.reservation_state, "assigned")
            with freeze_time("2026-12-09 15:00:00"):
                self.env["sale.order.line"]._mto_cron_repromise()
            self.assertEqual(order.order_line.mto_risk_cause,
                             f"{top.name} runs late: its sub-assembly {sub.name} (Carcass) finished {late} "
                             "later than planned")

    def test_late_sub_assembly_is_the_cause_not_its_waiting_parent(self):
        """Both orders of a line past their planned end: the parent only waits for the
        sub-assembly; the line's cause is the sub-assembly's own."""
        order, top, sub = self.wardrobes(1)
        with freeze_time("2026-12-09 15:00:00"):
            self.assertEqual(top._mto_late_causes()[top], f"{top.name} runs late: waiting for Carcass ({sub.name})")
            self.env["sale.order.line"]._mto_cron_repromise()
        self.assertEqual(order.order_line.mto_risk_cause, f"{sub.name} runs late: work behind schedule")

    def test_burst_of_triggers_queues_one_job_per_batch(self):
        cabinets = self.confirmed(self.cabinet, 2)
        po_line = self.panel_po_line(cabinets)
        po_line = po_line.with_context(queue_job__no_delay=False)
        jobs_before = self.env["queue.job"].search_count([("method_name", "=", "_mto_repromise_job")])
        for day in range(50):
            po_line.date_planned = datetime(2026, 12, 11, 8, 0).replace(day=11 + day % 10, hour=8 + day // 10)
        jobs = self.env["queue.job"].search([("method_name", "=", "_mto_repromise_job")])
        self.assertEqual(len(jobs) - jobs_before, 1)
        self.assertEqual(jobs[0].channel, "root.mto")
        self.assertTrue(cabinets.order_line.mto_repromise_needed)
        # without a job runner, the cron does the work
        self.env["sale.order.line"]._mto_cron_repromise()
        self.assertFalse(cabinets.order_line.mto_repromise_needed)
        self.assertTrue(cabinets.order_line.mto_forecast_date)

    def test_burst_of_different_triggers_re_promises_each_line_once(self):
        """A vendor's date and a manual re-check, queued before either job ran, are two jobs for
        two sets of lines (no common identity): the second one re-promises only the line the
        first did not, not the cabinets a second time."""
        from unittest.mock import patch

        from odoo.addons.queue_job.job import Job

        cabinets = self.confirmed(self.cabinet, 2)
        stools = self.confirmed(self.stool, 1)
        po_line = self.panel_po_line(cabinets).with_context(queue_job__no_delay=False)
        po_line.date_planned = datetime(2026, 12, 16, 8, 0)
        (cabinets | stools).with_context(queue_job__no_delay=False).action_mto_repromise()
        jobs = self.env["queue.job"].search([("method_name", "=", "_mto_repromise_job"), ("state", "=", "pending")],
                                            order="id")
        self.assertEqual(len(jobs), 2)
        Promise = type(self.env["mto.promise"])
        forecast = Promise._forecast
        forecasted = []

        def counting(promise, sale_lines):
            forecasted.append(sale_lines)
            return forecast(promise, sale_lines)

        with patch.object(Promise, "_forecast", counting):
            for job in jobs:
                Job.load(self.env, job.uuid).perform()
        self.assertEqual(forecasted, [cabinets.order_line, stools.order_line])
        self.assertEqual(cabinets.order_line.mto_forecast_date, date(2026, 12, 16))
        self.assertTrue(stools.order_line.mto_forecast_date)
        self.assertFalse((cabinets | stools).order_line.filtered("mto_repromise_needed"))

    def test_work_running_past_its_slot_re_promises_the_next_on_its_work_center(self):
        """Two stools painted on Monday, 15-16 and 16-17 (60 min each); the first one's painting
        starts at 15:00 and still runs at 16:30. The hourly check then re-promises the second
        one too: Paint is busy until 16:30 at least, its 60 min take 16:30-17:00 + Tuesday
        08:00-08:30, Tuesday 8 (the first one, finishing now, holds Monday 7)."""
        with freeze_time("2026-12-07 15:00:00"):
            first = self.confirmed(self.stool, 1)
            second = self.confirmed(self.stool, 1)
            self.assertEqual(second.order_line.mto_production_ids.workorder_ids.date_start,
                             datetime(2026, 12, 7, 16, 0))
            self.assertEqual(second.order_line.mto_promise_date, date(2026, 12, 7))
            workorder = first.order_line.mto_production_ids.workorder_ids
            workorder.button_start()
        with freeze_time("2026-12-07 16:30:00"):
            self.env["sale.order.line"]._mto_cron_repromise()
        self.assertEqual(first.order_line.mto_forecast_date, date(2026, 12, 7))
        self.assertEqual(second.order_line.mto_forecast_date, date(2026, 12, 8))
        self.assertTrue(second.order_line.mto_at_risk)
        self.assertEqual(second.order_line.mto_risk_cause,
                         f"{workorder.display_name} on Paint runs past its booked end")

    def test_stock_loss_and_efficiency_change(self):
        stools = self.confirmed(self.stool, 1)
        line = stools.order_line
        self.paint.time_efficiency = 50
        self.assertTrue(line.mto_forecast_computed_at)
        self.assertIn("Paint", line.mto_risk_cause or line.mto_pending_cause or "Paint")
        line.mto_forecast_computed_at = False
        quant = self.env["stock.quant"].search([("product_id", "=", self.leg.id),
                                                ("location_id", "=", self.warehouse.lot_stock_id.id)])
        quant.filtered(lambda q: not q.mto_sale_line_id).inventory_quantity = 0
        quant.filtered(lambda q: not q.mto_sale_line_id).action_apply_inventory()
        self.assertTrue(line.mto_forecast_computed_at, "losing a component re-promises its lines")


    def test_slot_that_still_holds_is_not_reported_late(self):
        """A stool is booked Monday 08:00-09:00 on Paint, the rest of Monday for seven more. Paint
        then works at half speed: the stool's forecast keeps its slot and runs over it to 10:00,
        still Monday, so the line is not at risk; a new plan would have found no two free hours
        before Tuesday."""
        first = self.confirmed(self.stool, 1)
        self.confirmed(self.stool, 7)
        workorder = first.order_line.mto_production_ids.workorder_ids
        self.assertEqual((workorder.date_start, workorder.date_finished),
                         (datetime(2026, 12, 7, 8, 0), datetime(2026, 12, 7, 9, 0)))
        line = first.order_line
        self.paint.time_efficiency = 50
        self.assertTrue(line.mto_forecast_computed_at)
        self.assertEqual(line.mto_forecast_date, line.mto_promise_date)
        self.assertFalse(line.mto_at_risk)
        # the line's slot given up (not started work orders only hold a slot): Tuesday
        workorder.leave_id.unlink()
        line._mto_repromise_job()
        self.assertGreater(line.mto_forecast_date, line.mto_promise_date)
        self.assertTrue(line.mto_at_risk)

    def test_started_production_keeps_its_components_and_its_slot(self):
        """Cabinets made from stocked panels, booked Monday 08:00-12:00 on Assembly, which is then
        booked until Tuesday evening. The production order reserved its panels (they became the
        order's stock) and its work order runs when Assembly starts working at half speed: the
        re-promise counts the panels as the order's and keeps the running work order in its slot
        until its expected remaining work is done (Monday 12:00); planned again at today's speed
        it would need 8 free hours: Wednesday."""
        self.panels_from_stock()
        self.env["stock.quant"]._update_available_quantity(self.panel, self.warehouse.lot_stock_id, 4)
        order = self.confirmed(self.cabinet, 2)
        line = order.order_line
        production = line.mto_production_ids
        production.action_assign()
        self.assertEqual(production.reservation_state, "assigned")
        self.assertEqual(self.panel.with_context(warehouse_id=self.warehouse.id).free_qty, 0)
        self.assertEqual((production.date_start, production.date_finished),
                         (datetime(2026, 12, 7, 8, 0), datetime(2026, 12, 7, 12, 0)))
        self.book(datetime(2026, 12, 7, 13, 0), datetime(2026, 12, 8, 17, 0))
        production.workorder_ids.button_start()
        self.assembly.time_efficiency = 50
        line._mto_repromise_job()
        self.assertTrue(line.mto_forecast_computed_at)
        self.assertEqual(line.mto_forecast_date, line.mto_promise_date)
        self.assertFalse(line.mto_at_risk)

    def test_failed_job_is_retried_with_the_same_result(self):
        """A re-promise job that dies half-way (after writing the lines, before notifying) is
        rolled back; running it again gives what an uninterrupted run gives."""
        from unittest.mock import patch

        from odoo.addons.queue_job.exception import RetryableJobError
        from odoo.addons.queue_job.job import Job

        cabinets = self.confirmed(self.cabinet, 2)
        po_line = self.panel_po_line(cabinets).with_context(queue_job__no_delay=False)
        po_line.date_planned = datetime(2026, 12, 16, 8, 0)
        line = cabinets.order_line
        self.assertFalse(line.mto_forecast_computed_at, "queued, not run yet")
        record = self.env["queue.job"].search([("method_name", "=", "_mto_repromise_job")], limit=1)
        job = Job.load(self.env, record.uuid)
        SaleOrder = type(self.env["sale.order"])
        with patch.object(SaleOrder, "_mto_notify_risk", side_effect=RetryableJobError("injected")), \
                self.assertRaises(RetryableJobError), self.env.cr.savepoint():
            job.perform()
        self.env.invalidate_all()
        self.assertFalse(line.mto_forecast_computed_at, "the failed run left nothing behind")
        Job.load(self.env, record.uuid).perform()  # the retry
        self.assertEqual(line.mto_forecast_date, date(2026, 12, 16))
        self.assertTrue(cabinets.mto_at_risk)
        activity_type = self.env.ref("mto_fulfilment.mail_activity_type_at_risk")
        self.assertEqual(len(cabinets.activity_ids.filtered(lambda a: a.activity_type_id == activity_type)), 1)


@tagged("post_install", "-at_install")
class TestFulfilmentKpi(PromiseCase):
    def test_on_time_rate_and_lateness(self):
        product = self.env["product.product"].create({"name": "Boxed part", "type": "consu", "is_storable": True})
        self.env["stock.quant"]._update_available_quantity(product, self.warehouse.lot_stock_id, 10)
        orders = self.env["sale.order"]
        with freeze_time("2026-12-01 09:00:00"):
            for _index in range(2):
                order = self.env["sale.order"].create({
                    "partner_id": self.customer.id,
                    "order_line": [Command.create({"product_id": product.id, "product_uom_qty": 1})]})
                order.action_confirm()
                order.order_line.mto_promise_date = date(2026, 12, 5)
                orders |= order
        for order, when in zip(orders, ("2026-12-04 10:00:00", "2026-12-08 10:00:00"), strict=True):
            with freeze_time(when):
                order.picking_ids.move_ids.picked = True
                order.picking_ids.button_validate()
        self.env.flush_all()
        report = self.env["mto.fulfilment.report"]
        rows = report.search([("order_id", "in", orders.ids)])
        self.assertEqual(len(rows), 2)
        [(rate, late, lead)] = report._read_group(
            [("order_id", "in", orders.ids)], [], ["on_time_rate:avg", "lateness_days:avg", "days_to_dispatch:avg"])
        self.assertEqual(rate, 50.0)
        self.assertEqual(late, 1.0, "one day early and three days late")
        self.assertAlmostEqual(lead, (3 + 1 / 24 + 7 + 1 / 24) / 2, places=4)
