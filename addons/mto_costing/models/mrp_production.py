from odoo import fields, models


class MrpProduction(models.Model):
    _inherit = "mrp.production"

    mto_cost_sheet_available = fields.Boolean(compute="_compute_mto_cost_sheet_available")

    def _compute_mto_cost_sheet_available(self):
        for production in self:
            production.mto_cost_sheet_available = bool(production.mto_sale_line_id)

    def _post_inventory(self, cancel_backorder=False):
        res = super()._post_inventory(cancel_backorder=cancel_backorder)
        # the order line's actual cost follows its production (final once every MO is done)
        self.mto_sale_line_id._mto_compute_actual_cost()
        return res

    def action_mto_cost_sheet(self):
        """The cost sheet of the order line this MO is made for."""
        self.ensure_one()
        return self.mto_sale_line_id.order_id._mto_cost_sheet_action(self.mto_sale_line_id)


class StockScrap(models.Model):
    _inherit = "stock.scrap"

    def do_scrap(self):
        res = super().do_scrap()
        productions = self.production_id | self.workorder_id.production_id
        productions.mto_sale_line_id._mto_compute_actual_cost()
        return res
