from odoo import fields, models

from .mto_cost_line import COST_GROUPS


class SaleReport(models.Model):
    """Sales analysis: sale_margin's margin follows the costs (salespeople never see costs)."""

    _inherit = "sale.report"

    margin = fields.Float(groups=COST_GROUPS)
