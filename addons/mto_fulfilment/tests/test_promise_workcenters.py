"""Capable-to-promise against Odoo 19's work-center features, dates computed by hand.

Calendar "40h UTC": Mon-Fri 08:00-12:00 + 13:00-17:00 UTC. Now: Monday 2026-12-07 08:00 UTC.
Products made here take a Screw, in stock (material ready now), unless said otherwise; each test
checks the promise (simulate and the quotation's) and then the work orders its confirmation
books, which must be the slots the promise counted on.
"""
from datetime import date, datetime

from freezegun import freeze_time

from odoo.fields import Command
from odoo.tests import tagged

from .common_promise import NOW, PromiseCase


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestPromiseWorkcenters(PromiseCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.screw = cls.env["product.product"].create({"name": "Screw", "type": "consu", "is_storable": True})
        cls.env["stock.quant"]._update_available_quantity(cls.screw, cls.warehouse.lot_stock_id, 1000)

    def workcenter(self, name, calendar=None, **vals):
        return self.env["mrp.workcenter"].create({
            "name": name, "resource_calendar_id": (calendar or self.calendar).id, **vals})

    def made(self, name, operations, bom_qty=1, components=None, **bom_vals):
        """A product made to order from a BoM for `bom_qty` units with `operations`
        ([(name, work center, minutes per cycle)]); returns (product, bom)."""
        product = self.env["product.product"].create({"name": name, "type": "consu", "is_storable": True})
        components = [(self.screw, 1)] if components is None else components
        bom = self.env["mrp.bom"].create({
            "product_tmpl_id": product.product_tmpl_id.id, "product_qty": bom_qty,
            "bom_line_ids": [Command.create({"product_id": p.id, "product_qty": q}) for p, q in components],
            "operation_ids": [Command.create({"name": op, "workcenter_id": wc.id, "sequence": 10 * (i + 1),
                                              "time_mode": "manual", "time_cycle_manual": minutes})
                              for i, (op, wc, minutes) in enumerate(operations)],
            **bom_vals})
        self.env["mto.routing.rule"].create({"name": name, "product_id": product.id, "strategy": "make_to_order"})
        return product, bom

    def simulate(self, product, qty):
        return self.env["mto.promise"].simulate([{"product_id": product.id, "product_uom_qty": qty}])[0]

    def sell(self, product, qty):
        order = self.env["sale.order"].create({
            "partner_id": self.customer.id,
            "order_line": [Command.create({"product_id": product.id, "product_uom_qty": qty})]})
        order.action_mto_promise()
        return order

    def slots(self, order):
        """{operation name: (work center, start, end)} of the order's work orders."""
        workorders = order.order_line.mto_production_ids.workorder_ids
        return {wo.name: (wo.workcenter_id, wo.date_start, wo.date_finished) for wo in workorders}

    # --- a. efficiency, setup/cleanup, cycles of a BoM for several units -------------------------

    def test_efficiency_setup_cleanup_and_cycles(self):
        slow = self.workcenter("Slow", time_efficiency=50, time_start=10, time_stop=5)
        fast = self.workcenter("Fast", time_efficiency=200, time_start=10, time_stop=5)
        slow_p, _bom = self.made("Slow part", [("Turn", slow, 30)], bom_qty=5)
        fast_p, _bom = self.made("Fast part", [("Mill", fast, 30)], bom_qty=5)
        # cycles = ceil(12 / 5) = 3; Slow: 10 + 5 + 3 x 30 x 100/50 = 195 min -> Mon 08:00-11:15
        self.assertEqual(self.simulate(slow_p, 12)["capacity_ready_date"], "2026-12-07 11:15:00")
        # Fast: 10 + 5 + 3 x 30 x 100/200 = 60 min -> Mon 08:00-09:00
        self.assertEqual(self.simulate(fast_p, 12)["capacity_ready_date"], "2026-12-07 09:00:00")
        order = self.sell(slow_p, 12)
        self.assertEqual(order.order_line.mto_capacity_ready_date, datetime(2026, 12, 7, 11, 15))
        order.action_confirm()
        self.assertEqual(order.order_line.mto_production_ids.state, "confirmed")
        workorder = order.order_line.mto_production_ids.workorder_ids
        self.assertEqual(workorder.duration_expected, 195, "Odoo's own expected duration")
        self.assertEqual((workorder.date_start, workorder.date_finished),
                         (datetime(2026, 12, 7, 8, 0), datetime(2026, 12, 7, 11, 15)))

    # --- b. capacity rows ------------------------------------------------------------------------

    def test_capacity_rows_for_any_product_and_per_product(self):
        press = self.workcenter("Press", time_start=10, time_stop=5)
        part, _bom = self.made("Pressed part", [("Press", press, 30)])
        other, _bom = self.made("Other part", [("Press", press, 30)])
        unit = self.env.ref("uom.product_uom_unit")
        Capacity = self.env["mrp.workcenter.capacity"]
        Capacity.create({"workcenter_id": press.id, "product_uom_id": unit.id, "capacity": 2,
                         "time_start": 10, "time_stop": 5})
        Capacity.create({"workcenter_id": press.id, "product_id": part.id, "capacity": 4,
                         "time_start": 20, "time_stop": 10})
        # Pressed part: its row, ceil(12 / 4) = 3 cycles: 20 + 10 + 3 x 30 = 120 min -> 08:00-10:00
        self.assertEqual(self.simulate(part, 12)["capacity_ready_date"], "2026-12-07 10:00:00")
        # Other part: the row for any product (10 + 5 setup/cleanup), ceil(12 / 2) = 6 cycles:
        # 15 + 6 x 30 = 195 min -> 08:00-11:15
        self.assertEqual(self.simulate(other, 12)["capacity_ready_date"], "2026-12-07 11:15:00")
        order = self.sell(part, 12)
        order.action_confirm()
        workorder = order.order_line.mto_production_ids.workorder_ids
        self.assertEqual(workorder.duration_expected, 120)
        self.assertEqual((workorder.date_start, workorder.date_finished),
                         (datetime(2026, 12, 7, 8, 0), datetime(2026, 12, 7, 10, 0)))

    def test_capacity_row_of_zero_keeps_its_setup_and_cleanup(self):
        """A product's row of capacity 0 (the BoM's quantity per cycle) still holds its own setup
        and cleanup, and is the product's row: the row for any product does not apply
        (`mrp.workcenter._get_capacity`)."""
        press = self.workcenter("Press", time_start=10, time_stop=5)
        part, _bom = self.made("Pressed part", [("Press", press, 30)], bom_qty=3)
        unit = self.env.ref("uom.product_uom_unit")
        Capacity = self.env["mrp.workcenter.capacity"]
        Capacity.create({"workcenter_id": press.id, "product_uom_id": unit.id, "capacity": 6,
                         "time_start": 10, "time_stop": 5})
        Capacity.create({"workcenter_id": press.id, "product_id": part.id, "capacity": 0,
                         "time_start": 40, "time_stop": 20})
        # ceil(12 / 3) = 4 cycles (BoM for 3): 40 + 20 + 4 x 30 = 180 min -> 08:00-11:00
        # (not the any-product row: ceil(12 / 6) = 2 cycles, 10 + 5 + 60 = 75 min)
        self.assertEqual(self.simulate(part, 12)["capacity_ready_date"], "2026-12-07 11:00:00")
        order = self.sell(part, 12)
        order.action_confirm()
        workorder = order.order_line.mto_production_ids.workorder_ids
        self.assertEqual(workorder.duration_expected, 180)
        self.assertEqual((workorder.date_start, workorder.date_finished),
                         (datetime(2026, 12, 7, 8, 0), datetime(2026, 12, 7, 11, 0)))

    # --- c. alternative work centers -------------------------------------------------------------

    def test_alternative_work_center_when_the_main_one_is_booked(self):
        main = self.workcenter("Main")
        spare = self.workcenter("Spare", time_efficiency=50)
        main.alternative_workcenter_ids = spare
        part, _bom = self.made("Part", [("Cut", main, 60)])
        self.env["resource.calendar.leaves"].create({
            "name": "Other MO", "calendar_id": self.calendar.id, "resource_id": main.resource_id.id,
            "date_from": datetime(2026, 12, 7, 8, 0), "date_to": datetime(2026, 12, 8, 17, 0),
            "time_type": "other"})
        # Main: free Wed 08:00 -> 2 x 60 = 120 min, Wed 10:00. Spare: 2 x 60 x 100/50 = 240 min,
        # Mon 08:00-12:00: it finishes first, as Odoo's `_plan_workorder` picks
        self.assertEqual(self.simulate(part, 2)["capacity_ready_date"], "2026-12-07 12:00:00")
        order = self.sell(part, 2)
        order.action_confirm()
        workcenter, start, end = self.slots(order)["Cut"]
        self.assertEqual(workcenter, spare)
        self.assertEqual((start, end), (datetime(2026, 12, 7, 8, 0), datetime(2026, 12, 7, 12, 0)))
        workorder = order.order_line.mto_production_ids.workorder_ids
        self.assertEqual(workorder.duration_expected, 240)

    # --- d. operation dependencies -----------------------------------------------------------------

    def parallel_product(self):
        """Frame: Weld (Welder, 60 min) and Paint (Painter, 120 min) in parallel, Pack (Packer,
        30 min) after both (BoM with operation dependencies)."""
        welder, painter, packer = (self.workcenter(n) for n in ("Welder", "Painter", "Packer"))
        frame, bom = self.made("Frame", [("Weld", welder, 60), ("Paint", painter, 120), ("Pack", packer, 30)],
                               allow_operation_dependencies=True)
        weld, paint, pack = bom.operation_ids.sorted("sequence")
        pack.blocked_by_operation_ids = weld | paint
        return frame

    def test_operations_in_parallel(self):
        frame = self.parallel_product()
        # Weld Mon 08:00-09:00 and Paint 08:00-10:00 in parallel; Pack after both 10:00-10:30
        self.assertEqual(self.simulate(frame, 1)["capacity_ready_date"], "2026-12-07 10:30:00")
        order = self.sell(frame, 1)
        order.action_confirm()
        slots = self.slots(order)
        self.assertEqual(slots["Weld"][1:], (datetime(2026, 12, 7, 8, 0), datetime(2026, 12, 7, 9, 0)))
        self.assertEqual(slots["Paint"][1:], (datetime(2026, 12, 7, 8, 0), datetime(2026, 12, 7, 10, 0)))
        self.assertEqual(slots["Pack"][1:], (datetime(2026, 12, 7, 10, 0), datetime(2026, 12, 7, 10, 30)))

    def test_dependency_against_the_sequence(self):
        """Inspect (sequence 10) is blocked by Build (sequence 20): Build runs first."""
        builder, inspector = self.workcenter("Builder"), self.workcenter("Inspector")
        box, bom = self.made("Box", [("Inspect", inspector, 30), ("Build", builder, 60)],
                             allow_operation_dependencies=True)
        inspect, build = bom.operation_ids.sorted("sequence")
        inspect.blocked_by_operation_ids = build
        # Build 08:00-09:00, Inspect 09:00-09:30
        self.assertEqual(self.simulate(box, 1)["capacity_ready_date"], "2026-12-07 09:30:00")
        order = self.sell(box, 1)
        order.action_confirm()
        slots = self.slots(order)
        self.assertEqual(slots["Build"][1:], (datetime(2026, 12, 7, 8, 0), datetime(2026, 12, 7, 9, 0)))
        self.assertEqual(slots["Inspect"][1:], (datetime(2026, 12, 7, 9, 0), datetime(2026, 12, 7, 9, 30)))
        # a re-plan from now keeps both slots: Build's starts at now, Inspect's at Build's end (in
        # sequence, Inspect would be kept first and Build booked again after it, 09:30-10:30)
        production = order.order_line.mto_production_ids
        self.assertEqual(production._mto_dependency_order(production.workorder_ids).mapped("name"),
                         ["Build", "Inspect"])
        production._mto_replan_from(datetime(2026, 12, 7, 8, 0))
        self.assertEqual(self.slots(order), slots)

    # --- e. calendars, time zones, time off --------------------------------------------------------

    def calendar_of(self, name, tz, hours, lunch=None):
        """Mon-Fri `hours` (from, to) in `tz`, with an optional `lunch` (from, to) break."""
        pieces = [hours] if not lunch else [(hours[0], lunch[0]), (lunch[1], hours[1])]
        return self.env["resource.calendar"].create({
            "name": name, "tz": tz,
            "attendance_ids": [Command.create({"name": f"{day} {start}", "dayofweek": str(day),
                                               "hour_from": start, "hour_to": end})
                               for day in range(5) for start, end in pieces]})

    def test_two_shifts_then_day_shift_in_another_time_zone(self):
        shifts = self.calendar_of("2 shifts", "UTC", (6, 22))
        new_york = self.calendar_of("NY days", "America/New_York", (8, 17), lunch=(12, 13))
        saw = self.workcenter("Saw", shifts)
        bench = self.workcenter("Bench", new_york)
        chair, _bom = self.made("Chair", [("Saw", saw, 600), ("Finish", bench, 240)])
        # Saw: 600 min from now (Mon 08:00 UTC, in the 06-22 shift) -> Mon 18:00 UTC.
        # Bench in New York (UTC-5 in December): Mon 13:00 local = 18:00 UTC, 240 min: 13:00-17:00
        # local = Mon 22:00 UTC
        self.assertEqual(self.simulate(chair, 1)["capacity_ready_date"], "2026-12-07 22:00:00")
        order = self.sell(chair, 1)
        order.action_confirm()
        slots = self.slots(order)
        self.assertEqual(slots["Saw"][1:], (datetime(2026, 12, 7, 8, 0), datetime(2026, 12, 7, 18, 0)))
        self.assertEqual(slots["Finish"][1:], (datetime(2026, 12, 7, 18, 0), datetime(2026, 12, 7, 22, 0)))

    def test_time_off_in_the_middle_of_an_operation(self):
        saw = self.workcenter("Saw")
        plank, _bom = self.made("Plank", [("Saw", saw, 360)])
        Leave = self.env["resource.calendar.leaves"]
        # the work center's own time off Mon 10:00-15:00: 08-10 (120) + 15-17 (120) + Tue 08-10
        leave = Leave.create({"name": "Repair", "calendar_id": self.calendar.id, "resource_id": saw.resource_id.id,
                              "date_from": datetime(2026, 12, 7, 10, 0), "date_to": datetime(2026, 12, 7, 15, 0),
                              "time_type": "leave"})
        self.assertEqual(self.simulate(plank, 1)["capacity_ready_date"], "2026-12-08 10:00:00")
        # the whole calendar closed Tue 09:00-11:00 too: 08-10, 15-17, Tue 08-09 + 11-12
        Leave.create({"name": "Audit", "calendar_id": self.calendar.id,
                      "date_from": datetime(2026, 12, 8, 9, 0), "date_to": datetime(2026, 12, 8, 11, 0)})
        self.assertEqual(self.simulate(plank, 1)["capacity_ready_date"], "2026-12-08 12:00:00")
        order = self.sell(plank, 1)
        order.action_confirm()
        self.assertEqual(self.slots(order)["Saw"][1:], (datetime(2026, 12, 7, 8, 0), datetime(2026, 12, 8, 12, 0)))
        self.assertTrue(leave)

    # --- f. lead times ----------------------------------------------------------------------------

    def test_lead_times(self):
        saw = self.workcenter("Saw")
        self.company.security_lead = 2
        self.panel.seller_ids.delay = 3
        self.company.days_to_purchase = 1
        shelf, bom = self.made("Shelf", [("Saw", saw, 60)], components=[(self.panel, 1)])
        # panel bought to order: now + 1 (days to purchase) + 3 (vendor) = Fri 11 08:00; Saw
        # 08:00-09:00; + security lead 2 days -> Sun 13
        result = self.simulate(shelf, 1)
        self.assertEqual(result["material_ready_date"], "2026-12-11 08:00:00")
        self.assertEqual(result["capacity_ready_date"], "2026-12-11 09:00:00")
        self.assertEqual(result["promise_date"], "2026-12-13")
        # days to prepare the MO (2): production no earlier than Wed 09 08:00 -> unchanged here
        bom.days_to_prepare_mo = 2
        self.assertEqual(self.simulate(shelf, 1)["capacity_ready_date"], "2026-12-11 09:00:00")
        bom.days_to_prepare_mo = 5  # Sat 12 08:00: Saw on Mon 14 08:00-09:00
        self.assertEqual(self.simulate(shelf, 1)["capacity_ready_date"], "2026-12-14 09:00:00")

    def test_manufacturing_lead_time_without_operations(self):
        glue = self.env["product.product"].create({"name": "Glue", "type": "consu", "is_storable": True})
        self.env["mrp.bom"].create({"product_tmpl_id": glue.product_tmpl_id.id, "produce_delay": 3})
        self.env["mto.routing.rule"].create({"name": "Glue", "product_id": glue.id, "strategy": "make_to_order"})
        # now + 3 days = Thu 10 08:00
        self.assertEqual(self.simulate(glue, 1)["capacity_ready_date"], "2026-12-10 08:00:00")

    def test_bom_of_operations_only_is_confirmed_and_booked(self):
        """A BoM without components (the work is the product: engraving, a service on the
        customer's goods): Odoo leaves the MO procurement creates for it in draft (it confirms one
        without components only when it has no work orders either), so nothing would be booked.
        Made for a confirmed order line, it is confirmed and booked like any other: Engrave
        90 min, Mon 08:00-09:30."""
        engraving, _bom = self.made("Engraving", [("Engrave", self.assembly, 90)], components=[])
        self.assertEqual(self.simulate(engraving, 1)["capacity_ready_date"], "2026-12-07 09:30:00")
        order = self.sell(engraving, 1)
        order.action_confirm()
        production = order.order_line.mto_production_ids
        self.assertEqual(production.state, "confirmed")
        self.assertEqual(self.slots(order)["Engrave"][1:], (datetime(2026, 12, 7, 8, 0), datetime(2026, 12, 7, 9, 30)))

    # --- g. multi-level -----------------------------------------------------------------------------

    def test_sub_assembly_end_starts_the_parent(self):
        wardrobe, _carcass = self.wardrobe_of_carcass(self.panel, self.assembly)
        self.env["stock.quant"]._update_available_quantity(self.panel, self.warehouse.lot_stock_id, 10)
        self.panels_from_stock()
        # Weld 2 x 240 = 480 min Mon 08:00-17:00 on Welding; Assemble 2 x 60 Tue 08:00-10:00
        self.assertEqual(self.simulate(wardrobe, 2)["capacity_ready_date"], "2026-12-08 10:00:00")
        order = self.sell(wardrobe, 2)
        order.action_confirm()
        slots = self.slots(order)
        self.assertEqual(slots["Weld"][1:], (datetime(2026, 12, 7, 8, 0), datetime(2026, 12, 7, 17, 0)))
        self.assertEqual(slots["Assemble"][1:], (datetime(2026, 12, 8, 8, 0), datetime(2026, 12, 8, 10, 0)))
        self.assertEqual(order.order_line.mto_promise_date, date(2026, 12, 8))
