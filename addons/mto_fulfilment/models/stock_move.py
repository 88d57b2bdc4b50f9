from odoo import fields, models


class StockMove(models.Model):
    _inherit = "stock.move"

    mto_sale_line_id = fields.Many2one(
        "sale.order.line", string="Order line (MTO)", index="btree_not_null",
        help="The make-to-order sale order line this move serves.")

    def _prepare_procurement_values(self):
        values = super()._prepare_procurement_values()
        if self.mto_sale_line_id:
            values["mto_sale_line_id"] = self.mto_sale_line_id.id
        return values

    def _prepare_merge_moves_distinct_fields(self):
        return super()._prepare_merge_moves_distinct_fields() + ["mto_sale_line_id"]

    # ------------------------------------------------------------ order stock
    def _mto_peg_env(self):
        """This move may use its order line's stock (and free stock); other orders' stock never.

        Free stock that a make-to-order move reserves becomes its order's stock (`mto_peg_reserve`);
        a plain delivery only sees what was pegged to its line (e.g. re-pegged goods).
        """
        line = self.mto_sale_line_id or self.sale_line_id
        return self.with_context(mto_peg=line.id or False, mto_peg_reserve=bool(self.mto_sale_line_id))

    def _get_available_quantity(self, location_id, lot_id=None, package_id=None, owner_id=None, strict=False,
                                allow_negative=False):
        return super(StockMove, self._mto_peg_env())._get_available_quantity(
            location_id, lot_id=lot_id, package_id=package_id, owner_id=owner_id, strict=strict,
            allow_negative=allow_negative)

    def _update_reserved_quantity(self, need, location_id, lot_id=None, package_id=None, owner_id=None,
                                  strict=True):
        return super(StockMove, self._mto_peg_env())._update_reserved_quantity(
            need, location_id, lot_id=lot_id, package_id=package_id, owner_id=owner_id, strict=strict)

    def _update_reserved_quantity_vals(self, need, location_id, lot_id=None, package_id=None, owner_id=None,
                                       strict=True):
        return super(StockMove, self._mto_peg_env())._update_reserved_quantity_vals(
            need, location_id, lot_id=lot_id, package_id=package_id, owner_id=owner_id, strict=strict)

    def _prepare_move_line_vals(self, quantity=None, reserved_quant=None):
        vals = super()._prepare_move_line_vals(quantity=quantity, reserved_quant=reserved_quant)
        if reserved_quant:
            vals["mto_sale_line_id"] = reserved_quant.mto_sale_line_id.id or False
        elif self.mto_sale_line_id:
            vals["mto_sale_line_id"] = self.mto_sale_line_id.id
        return vals

    def _action_done(self, cancel_backorder=False):
        moves = super()._action_done(cancel_backorder=cancel_backorder)
        lost = moves.filtered(lambda m: m.state == "done" and m.location_id.usage == "internal"
                              and m.location_dest_id.usage == "inventory" and m.product_id.is_storable)
        for product in lost.product_id:
            qty = sum(lost.filtered(lambda m, p=product: m.product_id == p).mapped("product_qty"))
            cause = self.env._("%(qty)s %(uom)s of %(product)s lost (inventory adjustment or scrap)",
                               qty=qty, uom=product.uom_id.name, product=product.display_name)
            self.env["sale.order.line"]._mto_lines_for_products(product)._mto_enqueue_repromise(cause)
        return moves
