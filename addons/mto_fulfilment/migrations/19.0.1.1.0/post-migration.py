"""1.1.0: order lines keep why their forecast is what it is (``mto_forecast_explanation``), and a
delivered line is no longer at risk.

Lines whose forecast is their promise share its reason; the other open lines are flagged for the
background re-promise, which writes theirs (within the hour, by the job runner or the cron).
Delivered lines still flagged at risk are recomputed, and their orders' at-risk activities done.
"""
from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    cr.execute("""
        UPDATE sale_order_line
           SET mto_forecast_explanation = mto_promise_explanation
         WHERE mto_forecast_explanation IS NULL AND mto_promise_date IS NOT NULL
           AND mto_forecast_date = mto_promise_date
    """)
    cr.execute("""
        UPDATE sale_order_line l
           SET mto_repromise_needed = TRUE
          FROM sale_order o
         WHERE o.id = l.order_id AND l.state = 'sale' AND l.mto_promise_date IS NOT NULL
           AND l.mto_forecast_explanation IS NULL
           AND COALESCE(o.mto_fulfilment_state, '') NOT IN ('delivered', 'cancelled')
    """)
    env = api.Environment(cr, SUPERUSER_ID, {})
    flagged = env["sale.order.line"].search([("mto_at_risk", "=", True)])
    flagged.modified(["qty_delivered"])  # the at-risk flags (lines and orders) depend on it now
    flagged.order_id._mto_notify_risk()
