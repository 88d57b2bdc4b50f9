"""A confirmed line's quantity changes: its production's open work is booked again (hand-computed).

Calendar Mon-Fri 08-12 + 13-17 UTC; now Monday 2026-12-07 08:00. Cabinet (panels in stock):
Assemble, 120 min a cabinet on Assembly, then Inspect, 30 min a cabinet on Quality.
"""
from datetime import datetime

from freezegun import freeze_time

from odoo.fields import Command
from odoo.tests import tagged

from .common_promise import NOW, PromiseCase


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestReplanQuantityChange(PromiseCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, queue_job__no_delay=True))
        cls.quality = cls.env["mrp.workcenter"].create({
            "name": "Quality", "resource_calendar_id": cls.calendar.id, "time_efficiency": 100,
            "time_start": 0, "time_stop": 0})
        cls.bom.operation_ids = [Command.create({
            "name": "Inspect", "workcenter_id": cls.quality.id, "sequence": 1000,
            "time_mode": "manual", "time_cycle_manual": 30})]
        cls.panel.route_ids = cls.warehouse.buy_pull_id.route_id
        cls.env["stock.quant"]._update_available_quantity(cls.panel, cls.warehouse.lot_stock_id, 100)

    def confirmed(self, qty, product=None):
        order = self.env["sale.order"].create({
            "partner_id": self.customer.id,
            "order_line": [Command.create({"product_id": (product or self.cabinet).id, "product_uom_qty": qty})]})
        order.action_mto_promise()
        order.action_confirm()
        return order

    @staticmethod
    def slots(production):
        return [(w.date_start, w.date_finished) for w in production.workorder_ids.sorted(
            lambda w: (w.operation_id.sequence, w.id))]

    def test_grown_work_is_booked_for_its_new_duration(self):
        """Assembly is booked all Monday for another order. 1 cabinet: Assemble Tue 08:00-10:00,
        Inspect 10:00-10:30. Grown to 3: Assemble takes 360 min from its start, Tue 08:00-12:00 +
        13:00-15:00, Inspect 90 min after it, 15:00-16:30. The next quotation's cabinet is
        assembled after that, 15:00-17:00, and inspected Wednesday 08:00-08:30; with the old
        slots it would have been promised Assembly 10:00-12:00 and Quality 13:00-13:30, time the
        grown order needs."""
        self.book(datetime(2026, 12, 7, 8, 0), datetime(2026, 12, 7, 17, 0))
        order = self.confirmed(1)
        line = order.order_line
        production = line.mto_production_ids
        self.assertEqual(self.slots(production), [(datetime(2026, 12, 8, 8, 0), datetime(2026, 12, 8, 10, 0)),
                                                  (datetime(2026, 12, 8, 10, 0), datetime(2026, 12, 8, 10, 30))])
        line.product_uom_qty = 3
        self.assertEqual(production.product_qty, 3)
        assemble, inspect = production.workorder_ids.sorted(lambda w: w.operation_id.sequence)
        self.assertEqual((assemble.duration_expected, inspect.duration_expected), (360, 90))
        self.assertEqual(self.slots(production), [(datetime(2026, 12, 8, 8, 0), datetime(2026, 12, 8, 15, 0)),
                                                  (datetime(2026, 12, 8, 15, 0), datetime(2026, 12, 8, 16, 30))])
        for workorder in (assemble, inspect):
            self.assertEqual((workorder.leave_id.date_from, workorder.leave_id.date_to),
                             (workorder.date_start, workorder.date_finished), "the capacity booked")
        self.assertEqual((production.date_start, production.date_finished),
                         (datetime(2026, 12, 8, 8, 0), datetime(2026, 12, 8, 16, 30)))
        self.assertEqual(production.mto_date_planned_finished, datetime(2026, 12, 8, 16, 30))
        # the re-promise queued by the increase sees the new finish
        self.assertEqual(self.env["mto.promise"]._forecast(line)[line].capacity_ready, datetime(2026, 12, 8, 16, 30))
        self.assertEqual(line.mto_forecast_date, line.mto_promise_date)
        result = self.env["mto.promise"].simulate([{"product_id": self.cabinet.id, "product_uom_qty": 1}])[0]
        self.assertEqual(result["capacity_ready_date"], "2026-12-09 08:30:00")
        second = self.confirmed(1).order_line.mto_production_ids
        self.assertEqual(self.slots(second), [(datetime(2026, 12, 8, 15, 0), datetime(2026, 12, 8, 17, 0)),
                                              (datetime(2026, 12, 9, 8, 0), datetime(2026, 12, 9, 8, 30))])

    def test_grown_work_takes_the_first_free_slot_from_its_start(self):
        """Assembly is booked Mon 13:00-14:00 for another order: the grown Assemble (360 min)
        does not fit before it, and a booked slot is not interrupted (Odoo's planning): Mon
        14:00-17:00 + Tue 08:00-11:00. Inspect follows, Tue 11:00-12:00 + 13:00-13:30."""
        self.book(datetime(2026, 12, 7, 13, 0), datetime(2026, 12, 7, 14, 0))
        order = self.confirmed(1)
        production = order.order_line.mto_production_ids
        self.assertEqual(self.slots(production)[0], (datetime(2026, 12, 7, 8, 0), datetime(2026, 12, 7, 10, 0)))
        order.order_line.product_uom_qty = 3
        self.assertEqual(self.slots(production), [(datetime(2026, 12, 7, 14, 0), datetime(2026, 12, 8, 11, 0)),
                                                  (datetime(2026, 12, 8, 11, 0), datetime(2026, 12, 8, 13, 30))])
        self.assertEqual((production.date_start, production.date_finished),
                         (datetime(2026, 12, 7, 14, 0), datetime(2026, 12, 8, 13, 30)))

    def test_shrunk_work_keeps_its_start(self):
        """3 cabinets (Assemble Mon 08:00-15:00, Inspect 15:00-16:30) down to 1: each slot keeps
        its start and gives back what it no longer needs: Assemble 08:00-10:00, Inspect
        15:00-15:30."""
        order = self.confirmed(3)
        production = order.order_line.mto_production_ids
        self.assertEqual(self.slots(production), [(datetime(2026, 12, 7, 8, 0), datetime(2026, 12, 7, 15, 0)),
                                                  (datetime(2026, 12, 7, 15, 0), datetime(2026, 12, 7, 16, 30))])
        order.order_line.product_uom_qty = 1
        self.assertEqual(production.product_qty, 1)
        self.assertEqual(self.slots(production), [(datetime(2026, 12, 7, 8, 0), datetime(2026, 12, 7, 10, 0)),
                                                  (datetime(2026, 12, 7, 15, 0), datetime(2026, 12, 7, 15, 30))])
        self.assertEqual(production.date_finished, datetime(2026, 12, 7, 15, 30))

    def test_grown_sub_assembly_is_booked_before_its_parent(self):
        """1 wardrobe: Weld its carcass Mon 08:00-12:00 (Welding), Assemble 13:00-14:00. Grown to 2:
        the carcass order grows first, Weld 480 min Mon 08:00-17:00; the wardrobe's Assemble
        (120 min) then waits for it: Tuesday 08:00-10:00, not in its old slot before the
        carcasses are welded."""
        wardrobe, carcass = self.wardrobe_of_carcass(self.panel, self.assembly)
        order = self.confirmed(1, wardrobe)
        productions = order.order_line.mto_production_ids
        top, sub = (productions.filtered(lambda p, prod=prod: p.product_id == prod) for prod in (wardrobe, carcass))
        self.assertEqual(self.slots(sub), [(datetime(2026, 12, 7, 8, 0), datetime(2026, 12, 7, 12, 0))])
        self.assertEqual(self.slots(top), [(datetime(2026, 12, 7, 13, 0), datetime(2026, 12, 7, 14, 0))])
        order.order_line.product_uom_qty = 2
        self.assertEqual((top.product_qty, sub.product_qty), (2, 2))
        self.assertEqual(self.slots(sub), [(datetime(2026, 12, 7, 8, 0), datetime(2026, 12, 7, 17, 0))])
        self.assertEqual(self.slots(top), [(datetime(2026, 12, 8, 8, 0), datetime(2026, 12, 8, 10, 0))])
        self.assertEqual((top.date_start, top.date_finished),
                         (datetime(2026, 12, 8, 8, 0), datetime(2026, 12, 8, 10, 0)))

    def test_started_work_order_keeps_its_slot(self):
        """Assemble of 1 cabinet has started (Mon 08:00-10:00 booked) when the planner sets the
        order to 3 cabinets: Assemble keeps its slot (the re-promise counts the work it has left
        past it), Inspect, not started, is booked for 90 min after it: 10:00-11:30. (An order
        line's increase makes a new order once its production has started.)"""
        order = self.confirmed(1)
        production = order.order_line.mto_production_ids
        assemble, inspect = production.workorder_ids.sorted(lambda w: w.operation_id.sequence)
        assemble.button_start()
        self.env["change.production.qty"].create({"mo_id": production.id, "product_qty": 3}).change_prod_qty()
        self.assertEqual(inspect.duration_expected, 90)
        self.assertEqual(self.slots(production), [(datetime(2026, 12, 7, 8, 0), datetime(2026, 12, 7, 10, 0)),
                                                  (datetime(2026, 12, 7, 10, 0), datetime(2026, 12, 7, 11, 30))])
        self.assertEqual(assemble.state, "progress")
        self.assertEqual((production.date_start, production.date_finished),
                         (datetime(2026, 12, 7, 8, 0), datetime(2026, 12, 7, 11, 30)))
