from datetime import datetime, timedelta

from odoo.addons.mto_fulfilment.tests.common import MtoCommon
from odoo.fields import Command


class MtoCostCommon(MtoCommon):
    """MtoCommon's 3-level lathe (Lathe L200 > Frame > Steel tube + Screws), with operations and prices.

    Lathe BoM (1 unit): 1 Frame, 4 Screws; operation Assemble on Assembly, 30 min/cycle.
    Frame BoM (1 unit): 2 Steel tubes, 8 Screws; operation Weld on Welding, 20 min/cycle.
    Assembly: 60/h, setup 10 min, cleanup 5 min, efficiency 100 %, capacity 1 (the BoM quantity).
    Welding: 90/h, setup 6 min, cleanup 0, efficiency 80 %, capacity 2 units per cycle.
    Steel tube: vendor price 12.00, 11.00 from 5 units; Screw: vendor price 0.10. Overhead 10 %.
    Frame standard cost 50 and lathe 400 are deliberately unrelated: sub-assemblies are exploded.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.company.mto_overhead_rate = 10.0
        unit = env.ref("uom.product_uom_unit")
        cls.wc_assembly = env["mrp.workcenter"].create({
            "name": "Assembly", "costs_hour": 60.0, "time_start": 10.0, "time_stop": 5.0, "time_efficiency": 100.0})
        cls.wc_welding = env["mrp.workcenter"].create({
            "name": "Welding", "costs_hour": 90.0, "time_start": 6.0, "time_stop": 0.0, "time_efficiency": 80.0,
            "capacity_ids": [Command.create({"product_uom_id": unit.id, "capacity": 2.0, "time_start": 6.0,
                                             "time_stop": 0.0})]})
        cls.op_assemble = env["mrp.routing.workcenter"].create({
            "name": "Assemble", "bom_id": cls.bom_machine.id, "workcenter_id": cls.wc_assembly.id,
            "time_mode": "manual", "time_cycle_manual": 30.0})
        cls.op_weld = env["mrp.routing.workcenter"].create({
            "name": "Weld", "bom_id": cls.bom_frame.id, "workcenter_id": cls.wc_welding.id,
            "time_mode": "manual", "time_cycle_manual": 20.0})
        (cls.bom_machine | cls.bom_frame).consumption = "flexible"
        env["product.supplierinfo"].create({
            "partner_id": cls.vendor.id, "product_tmpl_id": cls.steel.product_tmpl_id.id, "min_qty": 5,
            "price": 11.0, "delay": 10})
        cls.frame.standard_price = 50.0
        cls.machine.standard_price = 400.0
        cls.machine.invoice_policy = "order"
        cls.productive = env["mrp.workcenter.productivity.loss"].search([("loss_type", "=", "productive")], limit=1)
        cls.operator = env["res.users"].create({
            "name": "Olaf Operator", "login": "olaf.operator", "group_ids": [Command.set([
                env.ref("mrp.group_mrp_user").id])]})

    def log_time(self, workorder, minutes, user=None):
        end = datetime.now().replace(microsecond=0) - timedelta(hours=1)
        return self.env["mrp.workcenter.productivity"].create({
            "workorder_id": workorder.id, "workcenter_id": workorder.workcenter_id.id,
            "loss_id": self.productive.id, "user_id": (user or self.operator).id,
            "date_start": end - timedelta(minutes=minutes), "date_end": end})

    def produce_as(self, production, consumed=None, minutes=None):
        """Produce an MO completely, consuming `consumed` {product: qty} (else as planned) and
        logging `minutes` {workcenter: minutes} on its work orders."""
        consumed = consumed or {}
        production.action_assign()
        production.qty_producing = production.product_qty
        for move in production.move_raw_ids:
            move.quantity = consumed.get(move.product_id, move.product_uom_qty)
        production.move_raw_ids.picked = True
        for workorder in production.workorder_ids:
            if minutes and workorder.workcenter_id in minutes:
                self.log_time(workorder, minutes[workorder.workcenter_id])
        action = production.button_mark_done()
        if isinstance(action, dict) and action.get("res_model"):
            raise AssertionError(f"unexpected wizard {action['res_model']}: {action.get('context')}")
        self.assertEqual(production.state, "done")

    def rows(self, line, kind):
        return {r.category: r for r in self.env["mto.cost.line"].search(
            [("sale_line_id", "=", line.id), ("kind", "=", kind)])}
