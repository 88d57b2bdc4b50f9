from odoo import models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    def _mto_genealogy_records(self):
        """What went into the orders, from Odoo's own traceability data.

        Returns a dict of recordsets: productions (MOs and sub-MOs of the make-to-order lines),
        workorders, time_logs (mrp.workcenter.productivity), consumed / produced / delivered
        (done stock.move.line).
        """
        productions = self.env["mrp.production"].search([
            ("mto_sale_line_id", "in", self.order_line.ids), ("state", "!=", "cancel")])
        workorders = productions.workorder_ids
        consumed = productions.move_raw_ids.filtered(lambda m: m.state == "done").move_line_ids
        produced = productions.move_finished_ids.filtered(lambda m: m.state == "done").move_line_ids
        delivered = self.order_line.move_ids.filtered(
            lambda m: m.state == "done" and m.location_dest_usage in ("customer", "transit")).move_line_ids
        return {
            "productions": productions,
            "workorders": workorders,
            "time_logs": workorders.time_ids,
            "consumed": consumed,
            "produced": produced,
            "delivered": delivered,
        }

    def _mto_genealogy(self):
        """One list of rows per order, top-down: delivered lots, then each MO with its work orders
        (work center, operator, minutes), the lots it produced and, through the produced move lines'
        ``consume_line_ids``, the component lots that went into them; sub-MOs follow one level deeper.

        Each row is a dict: level, kind (delivered / production / workorder / time / produced /
        consumed), name, product, lot, quantity, uom, workcenter, user, minutes, date, res_model, res_id.
        """
        records = self._mto_genealogy_records()
        rows = []

        def move_line_row(ml, kind, level):
            return {
                "level": level, "kind": kind, "name": ml.reference or ml.move_id.reference or "",
                "product": ml.product_id.display_name, "lot": ml.lot_id.name or ml.lot_name or "",
                "quantity": ml.quantity, "uom": ml.product_uom_id.name, "workcenter": "", "user": "",
                "minutes": 0.0, "date": ml.date, "res_model": "stock.move.line", "res_id": ml.id,
            }

        for ml in records["delivered"]:
            rows.append(move_line_row(ml, "delivered", 0))
        productions = records["productions"]
        done = set()

        def walk(production, level):
            if production in done:
                return
            done.add(production)
            rows.append({
                "level": level, "kind": "production", "name": production.name,
                "product": production.product_id.display_name, "lot": production.lot_producing_ids[:1].name or "",
                "quantity": production.qty_produced or production.product_qty,
                "uom": production.product_uom_id.name, "workcenter": "", "user": "", "minutes": 0.0,
                "date": production.date_finished or production.date_start, "res_model": "mrp.production",
                "res_id": production.id,
            })
            for workorder in production.workorder_ids:
                rows.append({
                    "level": level + 1, "kind": "workorder", "name": workorder.name,
                    "product": production.product_id.display_name, "lot": "", "quantity": workorder.qty_produced,
                    "uom": production.product_uom_id.name, "workcenter": workorder.workcenter_id.name, "user": "",
                    "minutes": workorder.duration, "date": workorder.date_start, "res_model": "mrp.workorder",
                    "res_id": workorder.id,
                })
                for log in workorder.time_ids:
                    rows.append({
                        "level": level + 2, "kind": "time", "name": log.loss_id.name or "",
                        "product": "", "lot": "", "quantity": 0.0, "uom": "",
                        "workcenter": log.workcenter_id.name, "user": log.user_id.name or "",
                        "minutes": log.duration, "date": log.date_start,
                        "res_model": "mrp.workcenter.productivity", "res_id": log.id,
                    })
            produced = production.move_finished_ids.filtered(lambda m: m.state == "done").move_line_ids
            traced = self.env["stock.move.line"]
            for ml in produced:
                rows.append(move_line_row(ml, "produced", level + 1))
                for consumed in ml.consume_line_ids:
                    rows.append(move_line_row(consumed, "consumed", level + 2))
                traced |= ml.consume_line_ids
            # components not traced to a produced move line (e.g. untracked finished product)
            untraced = production.move_raw_ids.filtered(lambda m: m.state == "done").move_line_ids - traced
            for ml in untraced:
                rows.append(move_line_row(ml, "consumed", level + 1))
            for child in production._get_children() & productions:
                walk(child, level + 1)

        children = self.env["mrp.production"].union(*(p._get_children() for p in productions))
        for production in productions - children:
            walk(production, 0)
        for production in productions:  # sub-MOs not reached from a top MO
            walk(production, 0)
        return rows

    def action_mto_genealogy(self):
        """Move lines consumed, produced and delivered for the orders (lots and serials)."""
        records = self._mto_genealogy_records()
        move_lines = records["consumed"] | records["produced"] | records["delivered"]
        action = self.env["ir.actions.act_window"]._for_xml_id("mto_costing.mto_genealogy_move_line_action")
        action["domain"] = [("id", "in", move_lines.ids)]
        action["name"] = self.env._("Genealogy of %s", ", ".join(self.mapped("name")))
        return action

    def action_mto_time_logs(self):
        """Work order time logs (work center, operator, duration) of the orders' production."""
        records = self._mto_genealogy_records()
        action = self.env["ir.actions.act_window"]._for_xml_id("mto_costing.mto_time_log_action")
        action["domain"] = [("id", "in", records["time_logs"].ids)]
        action["name"] = self.env._("Time logs of %s", ", ".join(self.mapped("name")))
        return action
