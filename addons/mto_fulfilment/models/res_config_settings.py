from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    mto_vendor_buffer_percentile = fields.Integer(
        related="company_id.mto_vendor_buffer_percentile", readonly=False)
    mto_vendor_buffer_receipts = fields.Integer(
        related="company_id.mto_vendor_buffer_receipts", readonly=False)
