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
