"""Late components: the order's work is re-planned from their expected date (hand-computed).

Calendar Mon-Fri 08-12 + 13-17 UTC; now Monday 2026-12-07 08:00. A Cabinet MO of 2 (240 min on
Assembly) was planned on Friday 2026-12-04 08:00-12:00; its 4 panels come with a purchase on
Wednesday 2026-12-09 08:00, where Assembly is already taken 08:00-09:00.
"""
from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo.fields import Command
from odoo.tests import tagged

from .common_promise import NOW, PromiseCase


@tagged("post_install", "-at_install")
class TestReplanLateWork(PromiseCase):
    def planned_production(self, qty):
        production = self.env["mrp.production"].create({"product_id": self.cabinet.id, "product_qty": qty,
                                                        "bom_id": self.bom.id})
        production.action_confirm()
        production.button_plan()
        return production

    def panels_arrive_wednesday(self):
        purchase = self.env["purchase.order"].create({
            "partner_id": self.vendor.id,
            "order_line": [Command.create({"product_id": self.panel.id, "product_qty": 4,
                                           "date_planned": datetime(2026, 12, 9, 8, 0)})]})
        purchase.button_confirm()

    def test_production_waiting_for_components_is_replanned_from_their_arrival(self):
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
        # 240 min from Wednesday 09:00: 09-12 + 13-14
        leave = late.workorder_ids.leave_id
        self.assertEqual((leave.date_from, leave.date_to), (datetime(2026, 12, 9, 9, 0), datetime(2026, 12, 9, 14, 0)))
        self.assertEqual((late.date_start, late.date_finished),
                         (datetime(2026, 12, 9, 9, 0), datetime(2026, 12, 9, 14, 0)))
        self.assertTrue(late.is_planned)
        # its components are here: it keeps its place in the queue
        self.assertEqual((ready.workorder_ids.date_start, ready.workorder_ids.date_finished), ready_slot)
        # nothing more to do an hour later
        with freeze_time("2026-12-07 09:00:00"):
            self.env["mrp.production"]._mto_cron_replan_late_work()
        self.assertEqual(late.workorder_ids.leave_id.date_from, datetime(2026, 12, 9, 9, 0))

    def test_later_work_orders_keep_slots_that_still_hold(self):
        """Assemble (Assembly) then Inspect (Quality, 60 min): Inspect was booked Friday 11th 08-09
        behind other Quality work. Assemble moves to Wednesday 09-14; Inspect's slot still comes
        after that, so it keeps its place in Quality's queue (even though Quality has since become
        free earlier)."""
        self.panels_from_stock()
        quality = self.env["mrp.workcenter"].create({
            "name": "Quality", "resource_calendar_id": self.calendar.id, "time_efficiency": 100,
            "time_start": 0, "time_stop": 0})
        self.bom.operation_ids = [(0, 0, {"name": "Inspect", "workcenter_id": quality.id, "sequence": 1000,
                                          "time_mode": "manual", "time_cycle_manual": 30})]
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
