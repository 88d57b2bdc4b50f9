"""Work whose booked slot has passed is still to do: promises queue it first (hand-computed).

Calendar Mon-Fri 08-12 + 13-17 UTC; now Monday 2026-12-07 08:00. A Cabinet MO of 2 (2 x 120 min
on Assembly) was planned on Friday 2026-12-04 08:00-12:00 and has not run (it waits for panels).
"""
from datetime import datetime

from freezegun import freeze_time

from odoo.tests import Form, tagged

from .common_promise import NOW, PromiseCase


@tagged("post_install", "-at_install")
class TestOverdueWork(PromiseCase):
    def overdue_production(self):
        with freeze_time("2026-12-04 08:00:00"):
            production = self.env["mrp.production"].create({"product_id": self.cabinet.id, "product_qty": 2,
                                                            "bom_id": self.bom.id})
            production.action_confirm()
            production.button_plan()
        self.assertEqual(production.workorder_ids.leave_id.date_from, datetime(2026, 12, 4, 8, 0))
        self.assertEqual(production.workorder_ids.leave_id.date_to, datetime(2026, 12, 4, 12, 0))
        return production

    @freeze_time(NOW)
    def test_overdue_work_order_is_queued_before_new_orders(self):
        self.panels_from_stock()
        self.env["stock.quant"]._update_available_quantity(self.panel, self.warehouse.lot_stock_id, 8)
        order = self.quotation()
        order.action_mto_promise()
        self.assertEqual(order.order_line.mto_capacity_ready_date, datetime(2026, 12, 7, 12, 0))
        production = self.overdue_production()
        order.action_mto_promise()
        # the overdue 240 min take Monday 08-12; this order's 240 min Monday 13-17
        self.assertEqual(order.order_line.mto_capacity_ready_date, datetime(2026, 12, 7, 17, 0))
        self.assertEqual(order.order_line.mto_bottleneck_kind, "workcenter")
        # once it has been done it no longer counts
        production.workorder_ids.button_start()
        production.workorder_ids.button_finish()
        order.action_mto_promise()
        self.assertEqual(order.order_line.mto_capacity_ready_date, datetime(2026, 12, 7, 12, 0))

    def test_work_started_late_counts_what_is_left_in_working_hours(self):
        """Started on Friday 16:00, after its Friday 08-12 slot, and still running on Monday 08:00:
        the timer ran 64 hours but the work center worked 60 min of the 240; 180 min are left."""
        self.panels_from_stock()
        self.env["stock.quant"]._update_available_quantity(self.panel, self.warehouse.lot_stock_id, 8)
        production = self.overdue_production()
        with freeze_time("2026-12-04 16:00:00"):
            production.workorder_ids.button_start()
        with freeze_time(NOW):
            order = self.quotation()
            order.action_mto_promise()
        # left 180 min: Monday 08-11; this order's 240 min: 11-12 + 13-16
        self.assertEqual(order.order_line.mto_capacity_ready_date, datetime(2026, 12, 7, 16, 0))

    @freeze_time(NOW)
    def test_starting_a_planned_production_keeps_its_other_slots(self):
        """Odoo unplans a production whose start moves; its first work order starting must not."""
        self.bom.operation_ids = [(0, 0, {"name": "Inspect", "workcenter_id": self.assembly.id, "sequence": 1000,
                                          "time_mode": "manual", "time_cycle_manual": 60})]
        self.panels_from_stock()
        self.env["stock.quant"]._update_available_quantity(self.panel, self.warehouse.lot_stock_id, 8)
        order = self.quotation(qty=1)
        order.action_confirm()
        production = order.order_line.mto_production_ids
        first, second = production.workorder_ids.sorted(lambda w: w.operation_id.sequence)
        # booked at confirmation: Assemble 08:00-10:00, Inspect 10:00-11:00
        self.assertEqual((second.date_start, second.date_finished),
                         (datetime(2026, 12, 7, 10, 0), datetime(2026, 12, 7, 11, 0)))
        first.button_start()
        self.assertTrue(production.is_planned)
        self.assertEqual((second.date_start, second.date_finished),
                         (datetime(2026, 12, 7, 10, 0), datetime(2026, 12, 7, 11, 0)), "Inspect keeps its slot")
        self.assertTrue(second.leave_id)
        # the next promise still sees Inspect's slot: Assemble 11:00-12:00 + 13:00-14:00, Inspect 14:00-15:00
        # (with Inspect unplanned it would take 10:00-12:00 + 13:00-14:00)
        other = self.quotation(qty=1)
        other.action_mto_promise()
        self.assertEqual(other.order_line.mto_capacity_ready_date, datetime(2026, 12, 7, 15, 0))

    def test_backorder_of_an_order_is_booked_and_counted(self):
        """Confirmed Friday 08:00, 3 Cabinets booked Fri 08:00-15:00 (360 min); 2 made by Friday
        17:30, the backorder wizard splits off -002 for 1 (120 min). Odoo leaves its work order
        unplanned: it is booked from now in Assembly's first free time, Monday 08:00-10:00, so a
        quote for 1 Cabinet then gets Monday 10:00-12:00 (it got 08:00-09:00 -> 10:00 before)."""
        self.panels_from_stock()
        self.env["stock.quant"]._update_available_quantity(self.panel, self.warehouse.lot_stock_id, 10)
        with freeze_time("2026-12-04 08:00:00"):
            order = self.quotation(qty=3)
            order.action_confirm()
        line = order.order_line
        production = line.mto_production_ids
        self.assertEqual((production.workorder_ids.date_start, production.workorder_ids.date_finished),
                         (datetime(2026, 12, 4, 8, 0), datetime(2026, 12, 4, 15, 0)))
        with freeze_time("2026-12-04 17:30:00"):
            production.action_assign()
            production.qty_producing = 2
            production._set_qty_producing(False)
            production.move_raw_ids.picked = True
            action = production.with_context(skip_consumption=True).button_mark_done()
            Form(self.env["mrp.production.backorder"].with_context(**action["context"])).save().action_backorder()
            backorder = line.mto_production_ids - production
            self.assertEqual((backorder.product_qty, backorder.state), (1, "confirmed"))
            workorder = backorder.workorder_ids
            self.assertEqual(workorder.duration_expected, 120)
            self.assertEqual((workorder.leave_id.date_from, workorder.leave_id.date_to),
                             (datetime(2026, 12, 7, 8, 0), datetime(2026, 12, 7, 10, 0)))
            self.assertEqual((backorder.date_start, backorder.date_finished, backorder.mto_date_planned_finished),
                             (datetime(2026, 12, 7, 8, 0), datetime(2026, 12, 7, 10, 0), datetime(2026, 12, 7, 10, 0)))
            simulated = self.env["mto.promise"].simulate([{"product_id": self.cabinet.id, "product_uom_qty": 1}])
        self.assertEqual(simulated[0]["capacity_ready_date"], "2026-12-07 12:00:00")

    @freeze_time(NOW)
    def test_order_work_without_booked_slot_is_load(self):
        """An order's production whose slot is gone (unplanned by hand: Monday 08:00-10:00 freed)
        still has 120 min to do: queued from now, Monday 08:00-10:00, the next quote runs
        10:00-12:00. A plain production nobody planned is not counted (the planner's backlog)."""
        self.panels_from_stock()
        self.env["stock.quant"]._update_available_quantity(self.panel, self.warehouse.lot_stock_id, 10)
        order = self.quotation(qty=1)
        order.action_confirm()
        production = order.order_line.mto_production_ids
        self.assertEqual(production.workorder_ids.leave_id.date_to, datetime(2026, 12, 7, 10, 0))
        production.button_unplan()
        self.assertFalse(production.workorder_ids.leave_id)

        def ready():
            return self.env["mto.promise"].simulate(
                [{"product_id": self.cabinet.id, "product_uom_qty": 1}])[0]["capacity_ready_date"]

        self.assertEqual(ready(), "2026-12-07 12:00:00")
        plain = self.env["mrp.production"].create({"product_id": self.cabinet.id, "product_qty": 1,
                                                   "bom_id": self.bom.id})
        plain.action_confirm()
        self.assertFalse(plain.is_planned)
        self.assertEqual(ready(), "2026-12-07 12:00:00")
