from odoo.fields import Command
from odoo.tests import tagged

from .common import MtoCostCommon


@tagged("post_install", "-at_install")
class TestGenealogy(MtoCostCommon):
    def test_serial_tracked_product_genealogy(self):
        env = self.env
        env.user.group_ids = [Command.link(env.ref("stock.group_production_lot").id)]
        shaft = env["product.product"].create({
            "name": "Shaft", "type": "consu", "is_storable": True, "tracking": "lot", "standard_price": 30.0})
        gearbox = env["product.product"].create({
            "name": "Gearbox G1", "type": "consu", "is_storable": True, "tracking": "serial",
            "categ_id": self.categ_machines.id, "list_price": 900})
        env["mrp.bom"].create({
            "product_tmpl_id": gearbox.product_tmpl_id.id, "product_qty": 1,
            "bom_line_ids": [Command.create({"product_id": shaft.id, "product_qty": 2})],
            "operation_ids": [Command.create({"name": "Mount", "workcenter_id": self.wc_assembly.id,
                                              "time_mode": "manual", "time_cycle_manual": 15})],
        })
        lot_a = env["stock.lot"].create({"name": "SHAFT-A", "product_id": shaft.id})
        lot_b = env["stock.lot"].create({"name": "SHAFT-B", "product_id": shaft.id})
        env["stock.quant"]._update_available_quantity(shaft, self.stock_location, 5, lot_id=lot_a)
        env["stock.quant"]._update_available_quantity(shaft, self.stock_location, 5, lot_id=lot_b)
        order = self.make_order([(gearbox, 1)])
        production = order.order_line._mto_top_productions()
        serial = env["stock.lot"].create({"name": "GB-0001", "product_id": gearbox.id})
        production.action_assign()
        production.lot_producing_ids = serial
        production.qty_producing = 1
        raw = production.move_raw_ids
        raw.move_line_ids.unlink()
        raw.move_line_ids = [Command.create({
            "product_id": shaft.id, "lot_id": lot_a.id, "quantity": 2, "location_id": self.stock_location.id,
            "location_dest_id": raw.location_dest_id.id})]
        raw.picked = True
        self.log_time(production.workorder_ids, 25)
        production.button_mark_done()
        self.assertEqual(production.state, "done")
        delivery = order.picking_ids.filtered(lambda p: p.picking_type_code == "outgoing")
        delivery.action_assign()
        self.assertEqual(delivery.move_line_ids.lot_id, serial)
        delivery.move_ids.picked = True
        delivery.button_validate()
        self.assertEqual(delivery.state, "done")

        rows = order._mto_genealogy()
        by_kind = {}
        for row in rows:
            by_kind.setdefault(row["kind"], []).append(row)
        self.assertEqual([r["lot"] for r in by_kind["delivered"]], ["GB-0001"])
        self.assertEqual([r["lot"] for r in by_kind["produced"]], ["GB-0001"])
        self.assertEqual([(r["product"], r["lot"], r["quantity"]) for r in by_kind["consumed"]],
                         [("Shaft", "SHAFT-A", 2.0)], "the lot traced into the serial, not SHAFT-B")
        self.assertEqual(by_kind["production"][0]["name"], production.name)
        self.assertEqual(by_kind["workorder"][0]["workcenter"], "Assembly")
        self.assertEqual([(r["user"], r["minutes"]) for r in by_kind["time"]], [("Olaf Operator", 25.0)])
        # the consumed row hangs under the produced serial (traceability consume_line_ids)
        produced_index = rows.index(by_kind["produced"][0])
        self.assertEqual(rows[produced_index + 1]["kind"], "consumed")

        action = order.action_mto_genealogy()
        move_lines = env["stock.move.line"].search(action["domain"])
        self.assertEqual(move_lines.lot_id, serial | lot_a)
        action = order.action_mto_time_logs()
        logs = env["mrp.workcenter.productivity"].search(action["domain"])
        self.assertEqual(logs.user_id.name, "Olaf Operator")

    def test_sub_mo_rows_nested(self):
        order = self.make_order([(self.machine, 1)])
        rows = order._mto_genealogy()
        productions = [r for r in rows if r["kind"] == "production"]
        self.assertEqual([(r["product"], r["level"]) for r in productions],
                         [("Lathe L200", 0), ("Frame", 1)])
