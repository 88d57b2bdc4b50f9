from collections import defaultdict

from odoo import api, fields, models

from .pegging import check_peg_write, move_pegs, peg_error, peg_id


def _pegged(records, peg):
    """`records` touching the quants of pegging `peg` only (a move's look-up key `mto_peg_free`,
    see stock.move._mto_peg_env, does not reach a move line's own quant updates)."""
    return records.with_context(mto_peg=peg, mto_peg_free=False)


class StockMoveLine(models.Model):
    _inherit = "stock.move.line"

    mto_sale_line_id = fields.Many2one(
        "sale.order.line", string="Order stock of", index="btree_not_null",
        help="The goods of this line belong to this sale order line's order stock.")

    @api.model_create_multi
    def create(self, vals_list):
        """Create per pegging so that the reservation each line makes hits the right quants.

        A line takes its move's pegging; one a user creates may name no other order line than its
        move's (a detailed operation of B's delivery pegged to A would ship A's goods).
        """
        moves = self.env["stock.move"].browse({vals["move_id"] for vals in vals_list if vals.get("move_id")})
        moves = {move.id: move for move in moves}
        groups = defaultdict(list)
        for index, vals in enumerate(vals_list):
            move = moves.get(vals.get("move_id"), self.env["stock.move"])
            if "mto_sale_line_id" not in vals:
                vals["mto_sale_line_id"] = move.mto_sale_line_id.id
            elif not self.env.su and peg_id(vals["mto_sale_line_id"]) not in move_pegs(move):
                raise peg_error(self.env)
            groups[peg_id(vals["mto_sale_line_id"])].append(index)
        if len(groups) == 1:
            peg = next(iter(groups))
            return super(StockMoveLine, _pegged(self, peg)).create(vals_list).with_env(self.env)
        records = {}
        for peg, indexes in groups.items():
            created = super(StockMoveLine, _pegged(self, peg)).create([vals_list[i] for i in indexes])
            records.update(zip(indexes, created.ids, strict=True))
        return self.browse([records[i] for i in range(len(vals_list))])

    def write(self, vals):
        """Neither a line's pegging nor, for a pegged line, a move of another order line (its
        reservation stays on the order's goods) may be written by a user; Odoo's splits and
        merges keep lines with moves of the same pegging."""
        check_peg_write(self, vals)
        if vals.get("move_id") and not self.env.su:
            allowed = move_pegs(self.env["stock.move"].browse(peg_id(vals["move_id"])))
            if any(line.mto_sale_line_id.id not in allowed for line in self):
                raise peg_error(self.env)
        return super().write(vals)

    def _synchronize_quant(self, quantity, location, action="available", in_date=False, **quants_value):
        return super(StockMoveLine, _pegged(self, self.mto_sale_line_id.id or False))._synchronize_quant(
            quantity, location, action=action, in_date=in_date, **quants_value)

    def unlink(self):
        """Unreserving on delete must release the pegged quants the lines reserved."""
        pegs = defaultdict(lambda: self.browse())
        for line in self:
            pegs[line.mto_sale_line_id.id or False] |= line
        for peg, lines in pegs.items():
            super(StockMoveLine, _pegged(lines, peg)).unlink()
        return True

    def _free_reservation(self, product_id, location_id, quantity, lot_id=None, package_id=None, owner_id=None,
                          ml_ids_to_ignore=None):
        return super(StockMoveLine, _pegged(self, self.mto_sale_line_id.id or False))._free_reservation(
            product_id, location_id, quantity, lot_id=lot_id, package_id=package_id, owner_id=owner_id,
            ml_ids_to_ignore=ml_ids_to_ignore)
