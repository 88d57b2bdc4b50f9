"""Keeping promises: background re-promise of confirmed lines, at-risk flags and activities."""
from collections import defaultdict
from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.addons.queue_job.job import identity_exact

BATCH_SIZE = 200


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    # -------------------------------------------------------------- triggers
    @api.model
    def _mto_open_promised_domain(self):
        return [("state", "=", "sale"), ("mto_promise_date", "!=", False),
                ("order_id.mto_fulfilment_state", "not in", ("delivered", "cancelled"))]

    @api.model
    def _mto_lines_for_products(self, products):
        """Open promised lines that need `products`: ordered, delivered as a kit's components, or
        consumed by their production."""
        if not products:
            return self.browse()
        moves = self.env["stock.move"].sudo()._read_group(
            [("product_id", "in", products.ids), ("state", "not in", ("done", "cancel")),
             "|", ("mto_sale_line_id", "!=", False), ("sale_line_id", "!=", False)],
            ["mto_sale_line_id", "sale_line_id"])
        candidates = self.browse([line.id for pair in moves for line in pair if line])
        return self.sudo().search(self._mto_open_promised_domain() + [
            "|", ("product_id", "in", products.ids), ("id", "in", candidates.ids)])

    @api.model
    def _mto_lines_for_workcenters(self, workcenters, date_from=None, date_to=None):
        """Open promised lines with work orders still to do on `workcenters` (in the period)."""
        if not workcenters:
            return self.browse()
        domain = [("workcenter_id", "in", workcenters.ids), ("state", "not in", ("done", "cancel")),
                  ("production_id.mto_sale_line_id", "!=", False)]
        if date_from:
            domain += ["|", ("date_finished", "=", False), ("date_finished", ">=", date_from)]
        if date_to:
            domain += ["|", ("date_start", "=", False), ("date_start", "<=", date_to)]
        rows = self.env["mrp.workorder"].sudo()._read_group(domain, ["production_id"])
        lines = self.env["mrp.production"].browse([p.id for (p,) in rows]).mto_sale_line_id
        return lines.filtered_domain(self._mto_open_promised_domain())

    def _mto_enqueue_repromise(self, cause):
        """Queue a re-promise of these lines (batched; a burst of the same trigger queues it once).

        The lines are also flagged, so the hourly cron re-promises them on installations that run
        no job runner.
        """
        lines = self.sudo().filtered_domain(self._mto_open_promised_domain())
        if not lines:
            return
        lines.write({"mto_repromise_needed": True, "mto_pending_cause": cause})
        ids = sorted(lines.ids)
        for start in range(0, len(ids), BATCH_SIZE):
            batch = self.browse(ids[start:start + BATCH_SIZE]).sudo()
            # the cause travels on the lines, not in the job's arguments: a burst of triggers on
            # the same lines then has one identity and is queued once
            batch.with_delay(
                channel="root.mto", identity_key=identity_exact, priority=20,
                description=self.env._("Re-promise %(n)s order lines: %(cause)s", n=len(batch), cause=cause),
            )._mto_repromise_job(flagged_only=True)

    # -------------------------------------------------------------- the job
    def _mto_repromise_job(self, flagged_only=False):
        """Recompute the forecast of these lines; flag and notify what will miss its promise.

        Queued (`flagged_only`), it skips the lines another job re-promised since they were
        flagged: a burst of several triggers (a vendor's dates and a leave) queues jobs for
        different sets of lines, and each line is re-promised once, not once per set. A trigger
        committed after that job read the plant flags its lines again (writing the same rows,
        one of the two transactions is retried), so no news is lost.
        """
        lines = self.exists().filtered_domain(self._mto_open_promised_domain())
        if flagged_only:
            lines = lines.filtered("mto_repromise_needed")
            if not lines:
                return 0
        results = self.env["mto.promise"]._forecast(lines)
        now = fields.Datetime.now()
        to_write = defaultdict(list)  # one write per distinct outcome, not one per line
        for line in lines:
            result = results.get(line)
            values = {"mto_repromise_needed": False, "mto_forecast_computed_at": now, "mto_pending_cause": False}
            if result:
                values["mto_forecast_date"] = result.promise_date
                values["mto_forecast_explanation"] = result.explanation
                if line.mto_promise_date and result.promise_date > line.mto_promise_date:
                    if line._mto_new_cause_explains_more(result.promise_date) or not line.mto_risk_cause:
                        values["mto_risk_cause"] = line.mto_pending_cause or result.explanation
                else:
                    values["mto_risk_cause"] = False
            to_write[tuple(sorted(values.items()))].append(line.id)
        for values, ids in to_write.items():
            self.browse(ids).sudo().write(dict(values))  # the promise fields: see PROMISE_FIELDS
        lines.order_id._mto_notify_risk()
        return len(lines)

    @api.model
    def _mto_enqueue_held_up(self, now):
        """Re-promise the lines whose work a work order running past its booked end holds up:
        its own, and those booked on its work center within a day (any production's, an order's
        or not: the work center is busy). Time running on is news nobody writes: only this
        watchdog sees it; the next lines' own slots lapse only later (their orders late in
        turn), by when their customers could have been told."""
        overrun = self.env["mrp.workorder"].sudo().search([
            ("state", "=", "progress"), ("leave_id.date_to", "<", now)])
        for workcenter in overrun.workcenter_id:
            running = overrun.filtered(lambda w, wc=workcenter: w.workcenter_id == wc)
            lines = self._mto_lines_for_workcenters(workcenter, now, now + timedelta(days=1))
            (lines | running.production_id.mto_sale_line_id)._mto_enqueue_repromise(self.env._(
                "%(wo)s on %(wc)s runs past its booked end", wo=", ".join(running.mapped("display_name")),
                wc=workcenter.name))

    def _mto_new_cause_explains_more(self, forecast):
        """Whether the news behind `forecast` explains more of the line's delay than its cause.

        The cause shown is the one that explains most of the days past the promise: a vendor's
        week stays the cause when a work order then runs an hour long and costs one more day,
        which is not what a planner should chase. The days the line already was late are its
        cause's; the days the forecast slips further now are the new news'.
        """
        self.ensure_one()
        before = self.mto_forecast_date
        if not before or before <= self.mto_promise_date:
            return True
        return (forecast - before).days > (before - self.mto_promise_date).days

    def _mto_forecast_reason_note(self):
        """The forecast's own reason under the cause in the at-risk activity: the cause is the
        news that moved the line, which is not always what it waits for now (a work order ran
        long while a bought component, later still, holds the line)."""
        self.ensure_one()
        why = self.mto_forecast_explanation
        if not why or why == self.mto_risk_cause:
            return Markup()
        return Markup("<br/>") + self.env._("Why the forecast: %(why)s", why=why)

    @api.model
    def _mto_cron_repromise(self):
        """Fallback and watchdog: late production orders, then every line still flagged, and the
        lines at risk not re-promised for a day: a risk seen once (a delay the plant has since
        absorbed) must not stay flagged until the next trigger happens to touch the line."""
        late = self.env["mrp.production"].sudo().search([
            ("state", "in", ("confirmed", "progress", "to_close")), ("mto_sale_line_id", "!=", False),
            ("date_finished", "<", fields.Datetime.now())])
        for line, cause in late._mto_late_cause_per_line().items():
            line._mto_enqueue_repromise(cause)
        self._mto_enqueue_held_up(fields.Datetime.now())
        day_ago = fields.Datetime.now() - timedelta(days=1)
        flagged = self.sudo().search(self._mto_open_promised_domain() + [
            "|", ("mto_repromise_needed", "=", True),
            "&", ("mto_at_risk", "=", True), ("mto_forecast_computed_at", "<", day_ago)])
        for start in range(0, len(flagged), BATCH_SIZE):
            flagged[start:start + BATCH_SIZE]._mto_repromise_job()
