from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    mto_vendor_buffer_percentile = fields.Integer(
        related="company_id.mto_vendor_buffer_percentile", readonly=False)
    mto_vendor_buffer_receipts = fields.Integer(
        related="company_id.mto_vendor_buffer_receipts", readonly=False)
    mto_vendor_buffer_per_order = fields.Boolean(
        related="company_id.mto_vendor_buffer_per_order", readonly=False)
    mto_production_buffer_percentile = fields.Integer(
        related="company_id.mto_production_buffer_percentile", readonly=False)
    mto_production_buffer_orders = fields.Integer(
        related="company_id.mto_production_buffer_orders", readonly=False)
    mto_capacity_reserve = fields.Float(related="company_id.mto_capacity_reserve", readonly=False)
    mto_learn_durations = fields.Boolean(related="company_id.mto_learn_durations", readonly=False)
