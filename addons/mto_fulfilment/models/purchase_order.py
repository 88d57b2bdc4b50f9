from odoo import models


class PurchaseOrder(models.Model):
    _inherit = "purchase.order"

    def button_confirm(self):
        """Remember the date each line was confirmed for: the vendor's reliability is measured
        against it (see `mto.promise._vendor_buffers`)."""
        res = super().button_confirm()
        for line in self.filtered(lambda o: o.state == "purchase").order_line:
            if not line.mto_date_confirmed and line.date_planned:
                line.mto_date_confirmed = line.date_planned
        return res
