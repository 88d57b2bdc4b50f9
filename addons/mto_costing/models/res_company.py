from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    mto_overhead_rate = fields.Float(
        "MTO overhead (%)", default=0.0,
        help="Overhead added to the cost of make-to-order lines, as a percentage of their material and "
        "labour cost (planned and actual).")


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    mto_overhead_rate = fields.Float(related="company_id.mto_overhead_rate", readonly=False)
