"""Late components: the order's work is re-planned from their expected date (hand-computed).

Calendar Mon-Fri 08-12 + 13-17 UTC; now Monday 2026-12-07 08:00. A Cabinet MO of 2 (240 min on
Assembly) was planned on Friday 2026-12-04 08:00-12:00; its 4 panels come with a purchase on
Wednesday 2026-12-09 08:00, where Assembly is already taken 08:00-09:00.
"""
import threading
from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo import sql_db
from odoo.exceptions import ConcurrencyError
from odoo.fields import Command
from odoo.tests import tagged

from ..models.sale_order import CONFIRM_LOCK
from .common_promise import NOW, PromiseCase


@tagged("post_install", "-at_install")
class TestReplanLateWork(PromiseCase):
    def planned_production(self, qty):
        production = self.env["mrp.production"].create({"product_id": self.cabinet.id, "product_qty": qty,
                                                        "bom_id": self.bom.id})
        production.action_confirm()
        production.button_plan()
        return production

    def panels_arrive_wednesday(self, when=datetime(2026, 12, 9, 8, 0), qty=4):
        purchase = self.env["purchase.order"].create({
            "partner_id": self.vendor.id,
            "order_line": [Command.create({"product_id": self.panel.id, "product_qty": qty,
                                           "date_planned": when})]})
        purchase.button_confirm()

    def add_inspection(self):
        """Inspect (Quality, 30 min a cabinet) after Assemble."""
        quality = self.env["mrp.workcenter"].create({
            "name": "Quality", "resource_calendar_id": self.calendar.id, "time_efficiency": 100,
            "time_start": 0, "time_stop": 0})
        self.bom.operation_ids = [(0, 0, {"name": "Inspect", "workcenter_id": quality.id, "sequence": 1000,
                                          "time_mode": "manual", "time_cycle_manual": 30})]
        return quality

    @staticmethod
    def slot(workorder):
        return workorder.date_start, workorder.date_finished

    def late_inspected_tuesday(self):
        """L (2 cabinets, panels bought to stock, none there) booked Friday 12-04: Assemble
        08-12, Inspect Tuesday 12-08 13-14 (Quality is taken until then)."""
        self.panels_from_stock()
        quality = self.add_inspection()
        with freeze_time("2026-12-04 08:00:00"):
            self.env["resource.calendar.leaves"].create({
                "name": "Other MO", "calendar_id": self.calendar.id, "resource_id": quality.resource_id.id,
                "date_from": datetime(2026, 12, 4, 8, 0), "date_to": datetime(2026, 12, 8, 13, 0),
                "time_type": "other"})
            return self.planned_production(2)

    def planned_at(self, production, assemble, inspect):
        """Book `production`'s Assemble (4 h) and Inspect (1 h) at the given starts."""
        dates = self.env["mrp.workorder"].with_context(bypass_duration_calculation=True)
        for workorder, start, hours in zip(production.workorder_ids.sorted("sequence"), (assemble, inspect), (4, 1),
                                           strict=True):
            dates.browse(workorder.id).write({"date_start": start, "date_finished": start + timedelta(hours=hours)})

    def assigned_production_at(self, assemble, inspect):
        """2 cabinets, panels from stock, Assemble and Inspect booked at the given starts."""
        with freeze_time("2026-12-04 08:00:00"):
            self.env["stock.quant"]._update_available_quantity(self.panel, self.warehouse.lot_stock_id, 4)
            production = self.planned_production(2)
            production.action_assign()
            self.planned_at(production, assemble, inspect)
        return production

    def late_and_other(self, other_inspect):
        """L as in `late_inspected_tuesday`, its panels come Tuesday 12-08 08:00. O (2 cabinets,
        panels in stock) has Assemble on Tuesday 08-12 and Inspect at `other_inspect`."""
        late = self.late_inspected_tuesday()
        with freeze_time("2026-12-04 08:00:00"):
            self.panels_arrive_wednesday(datetime(2026, 12, 8, 8, 0))
        other = self.assigned_production_at(datetime(2026, 12, 8, 8, 0), other_inspect)
        self.assertNotEqual(late.reservation_state, "assigned")
        self.assertEqual(other.reservation_state, "assigned")
        self.assertEqual([self.slot(w) for w in late.workorder_ids.sorted("sequence")],
                         [(datetime(2026, 12, 4, 8, 0), datetime(2026, 12, 4, 12, 0)),
                          (datetime(2026, 12, 8, 13, 0), datetime(2026, 12, 8, 14, 0))])
        return late, other

    def test_late_work_goes_ahead_of_work_that_can_wait(self):
        """Tuesday, Assembly's first free slot after the panels come is 13-17 (O has 08-12): L
        would lose its Inspect slot and go to the end of Quality's queue. O's Inspect is only on
        Thursday: O's Assemble moves to 13-17 (still well before), L's gets 08-12 and its Inspect
        keeps Tuesday 13-14. No order's booked finish moves."""
        late, other = self.late_and_other(datetime(2026, 12, 10, 8, 0))
        other_finish = other.date_finished
        with freeze_time(NOW):
            self.env["mrp.production"]._mto_cron_replan_late_work()
        assemble, inspect = late.workorder_ids.sorted("sequence")
        self.assertEqual(self.slot(assemble), (datetime(2026, 12, 8, 8, 0), datetime(2026, 12, 8, 12, 0)))
        self.assertEqual(self.slot(inspect), (datetime(2026, 12, 8, 13, 0), datetime(2026, 12, 8, 14, 0)))
        self.assertEqual((late.date_start, late.date_finished),
                         (datetime(2026, 12, 8, 8, 0), datetime(2026, 12, 8, 14, 0)))
        other_assemble, other_inspect = other.workorder_ids.sorted("sequence")
        self.assertEqual(self.slot(other_assemble), (datetime(2026, 12, 8, 13, 0), datetime(2026, 12, 8, 17, 0)))
        self.assertEqual(self.slot(other_inspect), (datetime(2026, 12, 10, 8, 0), datetime(2026, 12, 10, 9, 0)))
        self.assertEqual(other_assemble.leave_id.date_from, datetime(2026, 12, 8, 13, 0))
        self.assertEqual(other.date_finished, other_finish)
        # both orders' chatter says why their plan changed
        self.assertIn("ahead of", late.message_ids[0].body)
        self.assertIn(other_assemble.display_name, late.message_ids[0].body)
        self.assertIn(f"to let {late.name}", other.message_ids[0].body)

    def test_work_with_room_gives_its_slot(self):
        """As above, but P (2 cabinets) follows O on Assembly Tuesday 13-17 and its Inspect is
        Wednesday 08:00: pushing O right would push P past its Inspect. O gives its slot instead
        and takes Assembly's first free one after it, Wednesday 08-12 (its Inspect is Thursday);
        P does not move."""
        late, other = self.late_and_other(datetime(2026, 12, 10, 8, 0))
        third = self.assigned_production_at(datetime(2026, 12, 8, 13, 0), datetime(2026, 12, 9, 8, 0))
        third_slots = [self.slot(w) for w in third.workorder_ids.sorted("sequence")]
        with freeze_time(NOW):
            self.env["mrp.production"]._mto_cron_replan_late_work()
        assemble, inspect = late.workorder_ids.sorted("sequence")
        self.assertEqual(self.slot(assemble), (datetime(2026, 12, 8, 8, 0), datetime(2026, 12, 8, 12, 0)))
        self.assertEqual(self.slot(inspect), (datetime(2026, 12, 8, 13, 0), datetime(2026, 12, 8, 14, 0)))
        self.assertEqual([self.slot(w) for w in other.workorder_ids.sorted("sequence")],
                         [(datetime(2026, 12, 9, 8, 0), datetime(2026, 12, 9, 12, 0)),
                          (datetime(2026, 12, 10, 8, 0), datetime(2026, 12, 10, 9, 0))])
        self.assertEqual([self.slot(w) for w in third.workorder_ids.sorted("sequence")], third_slots)

    def test_unknown_arrival_is_replanned_from_tomorrow(self):
        """L's panels have no known arrival (nothing ordered): not expected within the hour, so it
        is re-planned from the same time tomorrow, Tuesday 08:00, not into the slot free now.
        Assembly is booked Monday 08-12 (O, Inspect Thursday), Monday 13-17 (P, Inspect Tuesday
        14:00) and Tuesday 08-12 (Q, Inspect Thursday): Odoo's first free slot, Tuesday 13-17,
        ends after L's Inspect (Tuesday 13:00). Q can wait (its Inspect is on Thursday): L goes
        ahead of it, Q moves to Tuesday 13-17; O and P do not move. An hour later nothing is
        re-planned again."""
        late = self.late_inspected_tuesday()
        first, second, third = (self.assigned_production_at(assemble, inspect) for assemble, inspect in (
            (datetime(2026, 12, 7, 8, 0), datetime(2026, 12, 10, 8, 0)),
            (datetime(2026, 12, 7, 13, 0), datetime(2026, 12, 8, 14, 0)),
            (datetime(2026, 12, 8, 8, 0), datetime(2026, 12, 10, 9, 0))))
        self.assertNotEqual(late.reservation_state, "assigned")
        untouched = [self.slot(w) for w in (first | second).workorder_ids.sorted("id")]
        with freeze_time(NOW):
            self.env["mrp.production"]._mto_cron_replan_late_work()
        assemble, inspect = late.workorder_ids.sorted("sequence")
        self.assertEqual(self.slot(assemble), (datetime(2026, 12, 8, 8, 0), datetime(2026, 12, 8, 12, 0)))
        self.assertEqual(self.slot(inspect), (datetime(2026, 12, 8, 13, 0), datetime(2026, 12, 8, 14, 0)))
        self.assertEqual(self.slot(third.workorder_ids.sorted("sequence")[0]),
                         (datetime(2026, 12, 8, 13, 0), datetime(2026, 12, 8, 17, 0)))
        self.assertEqual([self.slot(w) for w in (first | second).workorder_ids.sorted("id")], untouched)
        with freeze_time("2026-12-07 09:00:00"):
            self.env["mrp.production"]._mto_cron_replan_late_work()
        self.assertEqual(self.slot(late.workorder_ids.sorted("sequence")[0]),
                         (datetime(2026, 12, 8, 8, 0), datetime(2026, 12, 8, 12, 0)))

    def test_late_work_without_room_keeps_its_place(self):
        """O's Inspect comes right after its Assemble (Tuesday 13-14): O cannot wait, and Odoo's
        first free Assembly slot (13-17) ends after L's Inspect slot. L does not go to the end of
        the queue: its Assemble keeps its passed slot (Friday 08-12), overdue work the shop floor
        runs first when the panels come, and its Inspect keeps Tuesday 13-14. L now starts when
        its panels come, Tuesday 08:00, and finishes at 14:00; O's plan is not touched. The cron
        does not look at L again before Tuesday 08:00."""
        late, other = self.late_and_other(datetime(2026, 12, 8, 13, 0))
        other_slots = [self.slot(w) for w in other.workorder_ids.sorted("sequence")]
        assemble, inspect = late.workorder_ids.sorted("sequence")
        kept_slot = assemble.leave_id
        with freeze_time(NOW):
            self.env["mrp.production"]._mto_cron_replan_late_work()
        self.assertEqual([self.slot(w) for w in other.workorder_ids.sorted("sequence")], other_slots)
        # the booking itself stays: not removed and written again
        self.assertEqual(assemble.leave_id, kept_slot)
        self.assertEqual(self.slot(assemble), (datetime(2026, 12, 4, 8, 0), datetime(2026, 12, 4, 12, 0)))
        self.assertEqual(self.slot(inspect), (datetime(2026, 12, 8, 13, 0), datetime(2026, 12, 8, 14, 0)))
        self.assertEqual((late.date_start, late.date_finished),
                         (datetime(2026, 12, 8, 8, 0), datetime(2026, 12, 8, 14, 0)))
        self.assertTrue(late.is_planned)
        self.assertIn("keep their place", late.message_ids[0].body)
        self.assertIn(assemble.display_name, late.message_ids[0].body)
        with freeze_time("2026-12-07 09:00:00"):
            self.assertFalse(self.env["mrp.production"].search([("id", "=", late.id), ("date_start", "<", NOW)]))

    def test_late_work_takes_a_free_alternative_in_time(self):
        """As above, but Assembly has an alternative, Assembly 2, free on Tuesday: Odoo's first
        free slot there (08-12) is in time for L's Inspect, so L's Assemble takes it instead of
        keeping its passed slot."""
        late, other = self.late_and_other(datetime(2026, 12, 8, 13, 0))
        alternative = self.env["mrp.workcenter"].create({
            "name": "Assembly 2", "resource_calendar_id": self.calendar.id, "time_efficiency": 100,
            "time_start": 0, "time_stop": 0})
        self.assembly.alternative_workcenter_ids = alternative
        with freeze_time(NOW):
            self.env["mrp.production"]._mto_cron_replan_late_work()
        assemble, inspect = late.workorder_ids.sorted("sequence")
        self.assertEqual(assemble.workcenter_id, alternative)
        self.assertEqual(self.slot(assemble), (datetime(2026, 12, 8, 8, 0), datetime(2026, 12, 8, 12, 0)))
        self.assertEqual(self.slot(inspect), (datetime(2026, 12, 8, 13, 0), datetime(2026, 12, 8, 14, 0)))
        self.assertNotIn("keep their place", late.message_ids[0].body or "")

    def test_production_waiting_for_components_keeps_its_place(self):
        """L (one work order, 4 h) was booked Friday 08-12 and its panels come on Wednesday 08:00.
        Its booked finish has passed: no slot can be in time, so it keeps its place and runs
        first when the panels come; its start is then, its finish 4 hours later. R, whose panels
        are there, keeps its place too."""
        self.panels_from_stock()
        with freeze_time("2026-12-04 08:00:00"):
            late = self.planned_production(2)
            self.panels_arrive_wednesday()
            self.env["stock.quant"]._update_available_quantity(self.panel, self.warehouse.lot_stock_id, 2)
            ready = self.planned_production(1)
            ready.action_assign()
        self.assertEqual(late.workorder_ids.leave_id.date_from, datetime(2026, 12, 4, 8, 0))
        self.assertEqual(ready.reservation_state, "assigned")
        ready_slot = (ready.workorder_ids.date_start, ready.workorder_ids.date_finished)
        self.assertEqual(ready_slot, (datetime(2026, 12, 4, 13, 0), datetime(2026, 12, 4, 15, 0)))
        with freeze_time(NOW):
            self.book(datetime(2026, 12, 9, 8, 0), datetime(2026, 12, 9, 9, 0))
            self.env["mrp.production"]._mto_cron_replan_late_work()
        leave = late.workorder_ids.leave_id
        self.assertEqual((leave.date_from, leave.date_to), (datetime(2026, 12, 4, 8, 0), datetime(2026, 12, 4, 12, 0)))
        self.assertEqual((late.date_start, late.date_finished),
                         (datetime(2026, 12, 9, 8, 0), datetime(2026, 12, 9, 12, 0)))
        self.assertTrue(late.is_planned)
        self.assertEqual((ready.workorder_ids.date_start, ready.workorder_ids.date_finished), ready_slot)

    def test_kept_place_is_noted_once_until_news(self):
        """L (one work order, 4 h) was booked Friday 08-12; its panels have no known arrival.
        Monday's run keeps its place (its booked finish has passed) and notes that no arrival date
        is known, not a made-up one; Tuesday's and Wednesday's runs look at it again but add no
        second, identical note. On Wednesday the panels are bought for Friday 08:00: Thursday's
        run notes the expected date and L starts then."""
        self.panels_from_stock()
        with freeze_time("2026-12-04 08:00:00"):
            late = self.planned_production(2)

        def notes():
            return [m.body for m in late.message_ids if "keep their place" in (m.body or "")]

        # each run looks at L again: its start was moved to the same time the next day
        for moment in ("2026-12-07 09:00:00", "2026-12-08 10:00:00", "2026-12-09 11:00:00"):
            with freeze_time(moment):
                self.env["mrp.production"]._mto_cron_replan_late_work()
                self.assertGreater(late.date_start, datetime.now())
            self.assertEqual(len(notes()), 1, moment)
            self.assertIn("no arrival date known yet", notes()[0])
        with freeze_time("2026-12-09 11:30:00"):
            self.panels_arrive_wednesday(datetime(2026, 12, 11, 8, 0))
        with freeze_time("2026-12-10 12:00:00"):
            self.env["mrp.production"]._mto_cron_replan_late_work()
        self.assertEqual(len(notes()), 2)
        self.assertIn("Components late (expected", notes()[0])
        self.assertEqual(late.date_start, datetime(2026, 12, 11, 8, 0))

    def test_later_work_orders_keep_slots_that_still_hold(self):
        """Assemble (Assembly) then Inspect (Quality, 60 min): Inspect was booked Friday 11th 08-09
        behind other Quality work. Assemble moves to Wednesday 09-14; Inspect's slot still comes
        after that, so it keeps its place in Quality's queue (even though Quality has since become
        free earlier)."""
        self.panels_from_stock()
        quality = self.add_inspection()
        with freeze_time("2026-12-04 08:00:00"):
            other = self.env["resource.calendar.leaves"].create({
                "name": "Other MO", "calendar_id": self.calendar.id, "resource_id": quality.resource_id.id,
                "date_from": datetime(2026, 12, 4, 8, 0), "date_to": datetime(2026, 12, 10, 17, 0),
                "time_type": "other"})
            late = self.planned_production(2)
            self.panels_arrive_wednesday()
        assemble, inspect = late.workorder_ids.sorted(lambda w: w.operation_id.sequence)
        self.assertEqual((inspect.date_start, inspect.date_finished),
                         (datetime(2026, 12, 11, 8, 0), datetime(2026, 12, 11, 9, 0)))
        inspect_leave = inspect.leave_id
        with freeze_time(NOW):
            other.unlink()
            self.book(datetime(2026, 12, 9, 8, 0), datetime(2026, 12, 9, 9, 0))
            self.env["mrp.production"]._mto_cron_replan_late_work()
        self.assertEqual((assemble.date_start, assemble.date_finished),
                         (datetime(2026, 12, 9, 9, 0), datetime(2026, 12, 9, 14, 0)))
        self.assertEqual(inspect.leave_id, inspect_leave)
        self.assertEqual((inspect.date_start, inspect.date_finished),
                         (datetime(2026, 12, 11, 8, 0), datetime(2026, 12, 11, 9, 0)))
        self.assertEqual((late.date_start, late.date_finished),
                         (datetime(2026, 12, 9, 9, 0), datetime(2026, 12, 11, 9, 0)))
        self.assertFalse(late.mto_date_planned_finished, "not booked for an order line")

    def test_booked_finish_follows_a_replan(self):
        """An order line's MO re-planned for late components (no panels ever came: re-planned from
        now): its lateness is measured from the new plan."""
        self.panels_from_stock()
        with freeze_time("2026-12-04 08:00:00"):
            order = self.quotation()
            order.action_confirm()
            production = order.order_line.mto_production_ids
        booked = production.mto_date_planned_finished
        self.assertEqual(booked, production.date_finished)
        with freeze_time("2026-12-16 08:00:00"):
            self.env["mrp.production"]._mto_cron_replan_late_work()
        self.assertGreater(production.date_start, datetime(2026, 12, 16, 8, 0) - timedelta(minutes=1))
        self.assertEqual(production.mto_date_planned_finished, production.date_finished)
        self.assertGreater(production.mto_date_planned_finished, booked)

    def test_cron_leaves_a_company_in_a_confirmation_to_the_next_run(self):
        """A confirmation of the company is booking (it holds the company's turn on another
        connection): the re-plan books nothing now (it would plan on load the confirmation is
        still changing) and does it in the next run, once the turn is free. L (panels with no
        known arrival) is re-planned from tomorrow 08:00 then, as in the test above."""
        late = self.late_inspected_tuesday()
        booked = [self.slot(w) for w in late.workorder_ids.sorted("sequence")]
        other = sql_db.db_connect(self.env.cr.dbname).cursor()
        try:
            other.execute("SELECT pg_try_advisory_lock(%s, %s)", [CONFIRM_LOCK, self.env.company.id])
            self.assertTrue(other.fetchone()[0])
            with freeze_time(NOW):
                self.env["mrp.production"]._mto_cron_replan_late_work()
            self.assertEqual([self.slot(w) for w in late.workorder_ids.sorted("sequence")], booked,
                             "left to the next run")
        finally:
            other.execute("SELECT pg_advisory_unlock(%s, %s)", [CONFIRM_LOCK, self.env.company.id])
            other.close()
        with freeze_time(NOW):
            self.env["mrp.production"]._mto_cron_replan_late_work()
        self.assertEqual(self.slot(late.workorder_ids.sorted("sequence")[0]),
                         (datetime(2026, 12, 8, 8, 0), datetime(2026, 12, 8, 12, 0)))

    def test_booking_in_a_user_transaction_waits_for_the_company_turn(self):
        """A re-plan booking in a user's transaction (here of a resized order) while a confirmation
        holds the company's turn waits for it, then has Odoo retry the request with the turn in
        hand (its snapshot predates that confirmation's bookings), as a confirmation does."""
        with freeze_time("2026-12-04 08:00:00"):
            production = self.planned_production(2)
        other = sql_db.db_connect(self.env.cr.dbname).cursor()
        company = self.env.company.id
        other.execute("SELECT pg_try_advisory_lock(%s, %s)", [CONFIRM_LOCK, company])
        self.assertTrue(other.fetchone()[0])
        timer = threading.Timer(0.5, other.execute, ["SELECT pg_advisory_unlock(%s, %s)", [CONFIRM_LOCK, company]])
        timer.start()
        try:
            with self.assertRaises(ConcurrencyError), self.env.cr.savepoint():
                production._mto_replan_resized({})
        finally:
            timer.join()
            other.close()
            self.env["sale.order"]._mto_release_turns()

    def test_production_odoo_cannot_plan_is_left_as_it_was(self):
        """Assembly has no free slot in the 14 days Odoo searches (one planning iteration) from
        Wednesday: Odoo cannot plan A; A keeps its booking, the warning says so, and B (on
        another work center) is still re-planned in the same run (it keeps its passed slot and starts
        when the panels come)."""
        self.panels_from_stock()
        other_center = self.env["mrp.workcenter"].create({
            "name": "Assembly 2", "resource_calendar_id": self.calendar.id, "time_efficiency": 100,
            "time_start": 0, "time_stop": 0})
        with freeze_time("2026-12-04 08:00:00"):
            first = self.planned_production(2)
            second = self.planned_production(1)
            second.workorder_ids.workcenter_id = other_center
            self.panels_arrive_wednesday(qty=6)
        booked = (first.date_start, first.workorder_ids.leave_id.date_from, first.workorder_ids.leave_id.date_to)
        self.env["ir.config_parameter"].sudo().set_param("mrp.workcenter_max_planning_iterations", "1")
        with freeze_time(NOW):
            self.book(datetime(2026, 12, 9, 8, 0), datetime(2027, 1, 8, 17, 0))
            with self.assertLogs("odoo.addons.mto_fulfilment.models.mrp_production_replan", "WARNING") as logs:
                self.env["mrp.production"]._mto_cron_replan_late_work()
        self.assertIn(f"could not re-plan {first.name}", logs.output[0])
        self.assertEqual((first.date_start, first.workorder_ids.leave_id.date_from,
                          first.workorder_ids.leave_id.date_to), booked)
        self.assertEqual((second.workorder_ids.date_start, second.workorder_ids.date_finished),
                         (datetime(2026, 12, 4, 13, 0), datetime(2026, 12, 4, 15, 0)))
        self.assertEqual((second.date_start, second.date_finished),
                         (datetime(2026, 12, 9, 8, 0), datetime(2026, 12, 9, 10, 0)))

    def test_started_production_is_not_replanned(self):
        self.panels_from_stock()
        with freeze_time("2026-12-04 08:00:00"):
            late = self.planned_production(2)
            late.workorder_ids.button_start()
        with freeze_time(NOW):
            self.env["mrp.production"]._mto_cron_replan_late_work()
        self.assertEqual(late.workorder_ids.date_start, datetime(2026, 12, 4, 8, 0))
        self.assertEqual(late.workorder_ids.state, "progress")

    def test_cron_is_scheduled(self):
        cron = self.env.ref("mto_fulfilment.ir_cron_mto_replan_late_work")
        self.assertTrue(cron.active)
        self.assertEqual((cron.interval_number, cron.interval_type), (1, "hours"))
