from odoo import models


class StockScrap(models.Model):
    _inherit = "stock.scrap"

    def _prepare_move_values(self):
        """Scrapping goods of an order's production or delivery scraps that order's stock.

        Without the pegging the scrap would consume free stock (driving it negative) and leave the
        order a pegged unit that no longer exists.
        """
        vals = super()._prepare_move_values()
        line = self._mto_scrapped_line()
        if line:
            vals["mto_sale_line_id"] = line.id
            for command in vals.get("move_line_ids", []):
                command[2]["mto_sale_line_id"] = line.id
        return vals

    def _mto_scrapped_line(self):
        """The order line whose order stock this scrap takes: the one its MO or transfer serves,
        if that line has stock of the product where the scrap is taken."""
        self.ensure_one()
        production = self.production_id or self.workorder_id.production_id
        lines = production.mto_sale_line_id
        if not lines and self.picking_id:
            moves = self.picking_id.move_ids.filtered(lambda m: m.product_id == self.product_id)
            lines = moves.mto_sale_line_id | moves.sale_line_id
        if not lines:
            return lines
        rows = self.env["stock.quant"].sudo()._read_group(
            [("mto_sale_line_id", "in", lines.ids), ("product_id", "=", self.product_id.id),
             ("location_id", "child_of", self.location_id.id), ("quantity", ">", 0)],
            ["mto_sale_line_id"], ["quantity:sum"], order="quantity:sum desc")
        return rows[0][0] if rows else lines.browse()
