from odoo import fields, models, tools


class MtoFulfilmentReport(models.Model):
    """Promise keeping per confirmed order line: on-time delivery, promise accuracy and the
    order-to-dispatch lead time (confirmation -> production done -> delivered). A SQL view, so
    pivots and graphs aggregate in the database."""

    _name = "mto.fulfilment.report"
    _description = "Delivery promise performance"
    _auto = False
    _rec_name = "order_id"
    _order = "date_order desc"

    sale_line_id = fields.Many2one("sale.order.line", readonly=True)
    order_id = fields.Many2one("sale.order", readonly=True)
    partner_id = fields.Many2one("res.partner", "Customer", readonly=True)
    product_id = fields.Many2one("product.product", readonly=True)
    categ_id = fields.Many2one("product.category", "Product category", readonly=True)
    user_id = fields.Many2one("res.users", "Salesperson", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    mto_strategy = fields.Selection(
        [("make_to_order", "Make to order"), ("make_to_stock", "Take from stock"),
         ("stock_then_order", "Stock first, make the rest")], "Fulfilment", readonly=True)
    date_order = fields.Datetime("Confirmed on", readonly=True)
    promise_date = fields.Date("Promised", readonly=True)
    forecast_date = fields.Date("Forecast", readonly=True)
    risk_cause = fields.Char(
        "Why at risk", readonly=True,
        help="What last moved the line past its promise; kept once delivered, so a late delivery "
        "says why. Empty when the forecast got back on time.")
    forecast_explanation = fields.Char("Why the forecast", readonly=True)
    date_produced = fields.Datetime("Production done", readonly=True)
    date_delivered = fields.Datetime("Delivered", readonly=True)
    delivered = fields.Boolean("Is delivered", readonly=True)
    at_risk = fields.Boolean("At risk", readonly=True)
    nbr = fields.Integer("# Lines", readonly=True, aggregator="sum")
    on_time_rate = fields.Float("On-time delivery (%)", readonly=True, aggregator="avg",
                                help="100 for a line delivered on or before its promised date, 0 if later.")
    lateness_days = fields.Float("Days late (vs promise)", readonly=True, aggregator="avg",
                                 help="Delivery date minus promised date: negative means early.")
    promised_lead_days = fields.Float("Promised lead time (days)", readonly=True, aggregator="avg")
    days_to_production = fields.Float("Confirmation to production done (days)", readonly=True, aggregator="avg")
    days_production_to_dispatch = fields.Float("Production done to dispatch (days)", readonly=True,
                                               aggregator="avg")
    days_to_dispatch = fields.Float("Order to dispatch (days)", readonly=True, aggregator="avg")

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(f"""
            CREATE OR REPLACE VIEW {self._table} AS (
                SELECT l.id AS id, l.id AS sale_line_id, l.order_id, o.partner_id, l.product_id,
                       t.categ_id, o.user_id, o.company_id, l.mto_strategy,
                       o.date_order, l.mto_promise_date AS promise_date, l.mto_forecast_date AS forecast_date,
                       l.mto_risk_cause AS risk_cause, l.mto_forecast_explanation AS forecast_explanation,
                       mo.date_produced, dl.date_delivered,
                       dl.date_delivered IS NOT NULL AS delivered,
                       COALESCE(l.mto_at_risk, FALSE) AS at_risk,
                       1 AS nbr,
                       CASE WHEN dl.date_delivered IS NULL THEN NULL
                            WHEN dl.date_delivered::date <= l.mto_promise_date THEN 100.0 ELSE 0.0 END
                           AS on_time_rate,
                       (dl.date_delivered::date - l.mto_promise_date)::float AS lateness_days,
                       (l.mto_promise_date - o.date_order::date)::float AS promised_lead_days,
                       EXTRACT(EPOCH FROM mo.date_produced - o.date_order) / 86400.0 AS days_to_production,
                       EXTRACT(EPOCH FROM dl.date_delivered - mo.date_produced) / 86400.0
                           AS days_production_to_dispatch,
                       EXTRACT(EPOCH FROM dl.date_delivered - o.date_order) / 86400.0 AS days_to_dispatch
                  FROM sale_order_line l
                  JOIN sale_order o ON o.id = l.order_id
                  JOIN product_product p ON p.id = l.product_id
                  JOIN product_template t ON t.id = p.product_tmpl_id
             LEFT JOIN (SELECT mto_sale_line_id, max(date_finished) AS date_produced
                          FROM mrp_production WHERE state = 'done' AND mto_sale_line_id IS NOT NULL
                      GROUP BY mto_sale_line_id) mo ON mo.mto_sale_line_id = l.id
             LEFT JOIN (SELECT m.sale_line_id, max(m.date) AS date_delivered
                          FROM stock_move m JOIN stock_location d ON d.id = m.location_dest_id
                         WHERE m.state = 'done' AND d.usage = 'customer' AND m.sale_line_id IS NOT NULL
                      GROUP BY m.sale_line_id) dl ON dl.sale_line_id = l.id
                 WHERE o.state = 'sale' AND l.mto_promise_date IS NOT NULL AND l.display_type IS NULL
            )""")
