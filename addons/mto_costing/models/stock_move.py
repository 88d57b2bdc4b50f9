from odoo import models


class StockMove(models.Model):
    _inherit = "stock.move"

    def _action_done(self, cancel_backorder=False):
        moves = super()._action_done(cancel_backorder=cancel_backorder)
        # a customer return (or its re-delivery) changes what the order line's goods cost it
        returns = moves.filtered(lambda m: m.state == "done" and m.sale_line_id and (
            m.location_usage == "customer" or m.origin_returned_move_id.location_usage == "customer"))
        if returns:
            returns.sale_line_id._mto_compute_actual_cost()
        return moves
