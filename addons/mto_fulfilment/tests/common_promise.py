from odoo.fields import Command
from odoo.tests import TransactionCase

NOW = "2026-12-07 08:00:00"


class PromiseCase(TransactionCase):
    """Calendar: Mon-Fri 08:00-12:00 + 13:00-17:00 UTC. Now: Monday 2026-12-07 08:00 UTC.

    Cabinet = 2 x Panel (bought, vendor delay 3 days) + operation Assembly, 120 min per unit.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.company = env.company
        cls.company.write({"security_lead": 0, "days_to_purchase": 0})
        cls.warehouse = env["stock.warehouse"].search([("company_id", "=", cls.company.id)], limit=1)
        cls.calendar = env["resource.calendar"].create({"name": "40h UTC", "tz": "UTC"})
        cls.assembly = env["mrp.workcenter"].create({
            "name": "Assembly", "resource_calendar_id": cls.calendar.id, "time_efficiency": 100,
            "time_start": 0, "time_stop": 0})
        cls.vendor = env["res.partner"].create({"name": "Panel Vendor"})
        cls.customer = env["res.partner"].create({"name": "Customer"})
        mto = env.ref("stock.route_warehouse0_mto")
        cls.panel = env["product.product"].create({
            "name": "Panel", "type": "consu", "is_storable": True,
            "route_ids": [Command.set((mto | cls.warehouse.buy_pull_id.route_id).ids)],
            "seller_ids": [Command.create({"partner_id": cls.vendor.id, "delay": 3, "price": 10})]})
        cls.cabinet = env["product.product"].create({"name": "Cabinet", "type": "consu", "is_storable": True})
        cls.bom = env["mrp.bom"].create({
            "product_tmpl_id": cls.cabinet.product_tmpl_id.id, "product_qty": 1,
            "bom_line_ids": [Command.create({"product_id": cls.panel.id, "product_qty": 2})],
            "operation_ids": [Command.create({"name": "Assemble", "workcenter_id": cls.assembly.id,
                                              "time_mode": "manual", "time_cycle_manual": 120})],
        })
        env["mto.routing.rule"].create({"name": "Cabinets to order", "product_id": cls.cabinet.id,
                                        "strategy": "make_to_order"})

    def panels_from_stock(self):
        """Panels bought to stock instead of to order (the Buy route only): stock and open
        purchases serve orders (with the MTO route every order gets its own purchase)."""
        self.panel.route_ids = self.warehouse.buy_pull_id.route_id

    def wardrobe_of_carcass(self, component, top_workcenter, component_qty=1):
        """Wardrobe (60 min on `top_workcenter`) of a Carcass made for its order (MTO and
        Manufacture routes; Weld 240 min on a Welding line of its own, from `component`); sold
        to order. Returns (wardrobe, carcass)."""
        env = self.env
        welding = env["mrp.workcenter"].create({"name": "Welding", "resource_calendar_id": self.calendar.id})
        mto = env.ref("stock.route_warehouse0_mto")
        carcass = env["product.product"].create({
            "name": "Carcass", "type": "consu", "is_storable": True,
            "route_ids": [Command.set((mto | self.warehouse.manufacture_pull_id.route_id).ids)]})
        env["mrp.bom"].create({
            "product_tmpl_id": carcass.product_tmpl_id.id, "product_qty": 1,
            "bom_line_ids": [Command.create({"product_id": component.id, "product_qty": component_qty})],
            "operation_ids": [Command.create({"name": "Weld", "workcenter_id": welding.id,
                                              "time_mode": "manual", "time_cycle_manual": 240})]})
        wardrobe = env["product.product"].create({"name": "Wardrobe", "type": "consu", "is_storable": True})
        env["mrp.bom"].create({
            "product_tmpl_id": wardrobe.product_tmpl_id.id, "product_qty": 1,
            "bom_line_ids": [Command.create({"product_id": carcass.id, "product_qty": 1})],
            "operation_ids": [Command.create({"name": "Assemble", "workcenter_id": top_workcenter.id,
                                              "time_mode": "manual", "time_cycle_manual": 60})]})
        env["mto.routing.rule"].create({"name": "Wardrobes", "product_id": wardrobe.id, "strategy": "make_to_order"})
        return wardrobe, carcass

    def quotation(self, qty=2):
        return self.env["sale.order"].create({
            "partner_id": self.customer.id,
            "order_line": [Command.create({"product_id": self.cabinet.id, "product_uom_qty": qty})]})

    def book(self, start, stop):
        self.env["resource.calendar.leaves"].create({
            "name": "Other MO", "calendar_id": self.calendar.id, "resource_id": self.assembly.resource_id.id,
            "date_from": start, "date_to": stop, "time_type": "other"})

