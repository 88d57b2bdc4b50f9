from odoo import models


class StockPicking(models.Model):
    _inherit = "stock.picking"

    def _action_done(self):
        res = super()._action_done()
        orders = self.sale_id.filtered(lambda o: o.state == "sale")
        if orders:
            orders._mto_release_delivered_order_stock()
            # delivered lines are no longer at risk: their activity is done or updated
            orders.sudo()._mto_notify_risk()
        return res
