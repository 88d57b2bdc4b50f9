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

    mto_vendor_buffer_per_order = fields.Boolean(
        string="Vendor reliability per order", default=False,
        help="The percentile holds for the order, not for each receipt: an order that buys "
             "several components to order counts on each vendor at the higher percentile that "
             "brings all of them in time (with 90 and three purchases, the 96.6th percentile for "
             "each), since it is complete only when the last one is in.")

    mto_production_buffer_percentile = fields.Integer(
        string="Production reliability buffer (percentile)", default=0,
        help="Promises add to goods made for an order the lateness the plant's manufacturing orders "
             "for order lines did not exceed in this percentage of the latest ones (their finish "
             "against the finish booked at confirmation; e.g. 90: the 90th percentile, in whole "
             "days); orders still running past their booked finish count too, as late as they "
             "already are. While fewer orders than considered have finished, the latest "
             "sub-assemblies made for order lines fill in, their lateness per day of their booked lead "
             "times how far ahead the line's goods are made. 0 counts on the booked plan as it is.")
    mto_production_buffer_orders = fields.Integer(
        string="Production reliability: orders considered", default=30,
        help="How many of the latest done manufacturing orders made for order lines the "
             "production reliability buffer is learnt from.")

    mto_capacity_reserve = fields.Float(
        string="Capacity reserve (%)", default=0.0,
        help="Share of every work center's working time that promises leave free, so that work "
             "running longer than expected, breakdowns and small rush jobs do not push the whole "
             "plan: an operation is booked on (100 - reserve) percent of the time it would use. 0 books "
             "work back to back.")

    mto_learn_durations = fields.Boolean(
        string="Plan with observed work order durations", default=False,
        help="Promises plan each work center at the speed its work orders of the last 90 days "
             "really had (real duration against expected duration of the done work orders), when "
             "they ran longer than expected; without it, at the speed the routings say.")

    _mto_capacity_reserve_range = models.Constraint(
        "CHECK(mto_capacity_reserve >= 0 AND mto_capacity_reserve < 100)",
        "The capacity reserve must be at least 0 and less than 100 (percent).")
    _mto_vendor_buffer_percentile_range = models.Constraint(
        "CHECK(mto_vendor_buffer_percentile >= 0 AND mto_vendor_buffer_percentile <= 100)",
        "The vendor reliability percentile must be between 0 and 100.")
    _mto_production_buffer_percentile_range = models.Constraint(
        "CHECK(mto_production_buffer_percentile >= 0 AND mto_production_buffer_percentile <= 100)",
        "The production reliability percentile must be between 0 and 100.")
    _mto_production_buffer_orders_positive = models.Constraint(
        "CHECK(mto_production_buffer_orders > 0)",
        "The production reliability buffer needs at least one manufacturing order to learn from.")
    _mto_vendor_buffer_receipts_positive = models.Constraint(
        "CHECK(mto_vendor_buffer_receipts > 0)",
        "The vendor reliability buffer needs at least one receipt to learn from.")
