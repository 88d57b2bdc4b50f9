from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    mto_vendor_buffer_percentile = fields.Integer(
        string="Vendor reliability buffer (percentile)", default=0,
        help="Promises add to a purchased component's vendor lead time the lateness this vendor did "
             "not exceed in this percentage of its recent receipts (e.g. 90: the 90th percentile of "
             "its delays, in whole days). 0 counts on the vendor's lead time as quoted.")
    mto_vendor_buffer_receipts = fields.Integer(
        string="Vendor reliability: receipts considered", default=30,
        help="How many of the vendor's latest receipts (purchase order lines received, backorders "
             "included) the reliability buffer is learnt from.")

    _mto_vendor_buffer_percentile_range = models.Constraint(
        "CHECK(mto_vendor_buffer_percentile >= 0 AND mto_vendor_buffer_percentile <= 100)",
        "The vendor reliability percentile must be between 0 and 100.")
    _mto_vendor_buffer_receipts_positive = models.Constraint(
        "CHECK(mto_vendor_buffer_receipts > 0)",
        "The vendor reliability buffer needs at least one receipt to learn from.")
