import logging
import threading
from collections import defaultdict

import psycopg2
from markupsafe import Markup

from odoo import api, fields, models, sql_db
from odoo.exceptions import ConcurrencyError, UserError

from . import batching
from .plant_time import plant_noon
from .sale_order_line import MTO_STRATEGIES

_logger = logging.getLogger(__name__)

# advisory lock class of "confirming make-to-order orders of a company" (object id: the company)
CONFIRM_LOCK = 0x6D746F

FULFILMENT_STATES = [
    ("quotation", "Quotation"),
    ("waiting_material", "Waiting for material"),
    ("in_production", "In production"),
    ("ready", "Ready to ship"),
    ("delivered", "Delivered"),
    ("cancelled", "Cancelled"),
]


class _Turn:
    """A company's confirmation turn held on a separate connection across Odoo's retry of the
    transaction; given back when the retried transaction ends, or after a minute if no retry
    claims it (Odoo gave up): a turn never stays taken."""

    def __init__(self, side, company_id):
        self.side, self.company_id = side, company_id
        self.claimed = self.done = False
        self.mutex = threading.Lock()
        self.timer = threading.Timer(60, self._expire)
        self.timer.daemon = True
        self.timer.start()

    def _expire(self):
        if not self.claimed:
            self.release()

    def release(self):
        with self.mutex:
            if self.done:
                return
            self.done = True
        self.timer.cancel()
        try:
            self.side.execute("SELECT pg_advisory_unlock(%s, %s)", [CONFIRM_LOCK, self.company_id])
        except psycopg2.Error:
            _logger.warning("MTO confirmation turn of company %s not given back cleanly", self.company_id)
        finally:
            self.side.close()


class SaleOrder(models.Model):
    _inherit = "sale.order"

    mto_fulfilment_state = fields.Selection(
        FULFILMENT_STATES, string="Fulfilment", compute="_compute_mto_fulfilment_state",
        store=True, index=True, tracking=True,
        help="Where the order stands, from its production orders and deliveries.",
    )
    mto_production_count = fields.Integer(
        "Order production", compute="_compute_mto_production_count")
    mto_at_risk = fields.Boolean(
        "At risk", compute="_compute_mto_at_risk", store=True, index=True,
        help="At least one line is forecast later than promised.")
    mto_risk_date = fields.Date(
        "Now expected", compute="_compute_mto_risk",
        help="The latest date the plant now expects for the lines at risk (what the customer gets "
             "if the new dates are accepted).")
    mto_risk_cause = fields.Char(
        "Why at risk", compute="_compute_mto_risk", help="The causes of the lines at risk.")

    @api.depends("state", "order_line.mto_production_ids.state",
                 "order_line.mto_production_ids.reservation_state", "picking_ids.state")
    def _compute_mto_fulfilment_state(self):
        for order in self:
            order.mto_fulfilment_state = order._mto_get_fulfilment_state()

    def _mto_get_fulfilment_state(self):
        self.ensure_one()
        if self.state == "cancel":
            return "cancelled"
        if self.state != "sale":
            return "quotation"
        outgoing = self.picking_ids.filtered(
            lambda p: p.picking_type_code == "outgoing" and p.state != "cancel")
        pending = self.picking_ids.filtered(lambda p: p.state not in ("done", "cancel"))
        # a delivery in 2 or 3 steps: its pick and pack are internal transfers, so goods still
        # on their way to the customer through them are not delivered (a backorder of the pick)
        delivering = pending.move_ids.filtered(
            lambda m: m.state not in ("done", "cancel")
            and (m.location_final_id or m.location_dest_id).usage == "customer")
        if outgoing and all(p.state == "done" for p in outgoing) and not delivering:
            return "delivered"
        productions = self.order_line.mto_production_ids.filtered(
            lambda p: p.state not in ("done", "cancel"))
        if productions:
            if any(p.state in ("progress", "to_close") or p.reservation_state == "assigned"
                   for p in productions):
                return "in_production"
            return "waiting_material"
        if pending and all(p.state == "assigned" or self._mto_goods_in_hand(
                p.move_ids.filtered(lambda m: m.state not in ("done", "cancel"))) for p in pending):
            return "ready"
        if not pending:
            return "delivered" if outgoing else "ready"
        return "waiting_material"

    @api.model
    def _mto_goods_in_hand(self, moves):
        """Whether these open moves have their goods: reserved, or waiting only for earlier steps
        that have them (e.g. a delivery's pick waiting for the store step that takes finished
        goods from post-production to stock, in a warehouse manufacturing in 3 steps)."""
        seen = set()

        def in_hand(move):
            if move.state == "assigned":
                return True
            if move.state != "waiting" or move.id in seen:
                return False
            seen.add(move.id)
            earlier = move.move_orig_ids.filtered(lambda m: m.state not in ("done", "cancel"))
            return bool(earlier) and all(in_hand(m) for m in earlier)

        return bool(moves) and all(in_hand(move) for move in moves)

    @api.depends("order_line.mto_at_risk")
    def _compute_mto_at_risk(self):
        for order in self:
            order.mto_at_risk = any(order.order_line.mapped("mto_at_risk"))

    @api.depends("order_line.mto_at_risk", "order_line.mto_forecast_date", "order_line.mto_risk_cause")
    def _compute_mto_risk(self):
        """For the list of orders at risk: how late and why, without opening each order."""
        for order in self:
            risky = order.order_line.filtered("mto_at_risk")
            order.mto_risk_date = max(risky.mapped("mto_forecast_date"), default=False)
            order.mto_risk_cause = "; ".join(dict.fromkeys(c for c in risky.mapped("mto_risk_cause") if c)) or False

    # --------------------------------------------------------------- promise
    def _mto_promise_lines(self):
        return self.order_line.filtered(
            lambda sol: not sol.display_type and sol.product_id.type == "consu" and sol.product_uom_qty > 0)

    def _mto_compute_promise(self, lock=False):
        """{sale line: planning.LineResult} for the order's goods lines, nothing written.

        Each line is planned from its own warehouse (the one Odoo sets from its route, where its
        production and delivery run: that warehouse's stock, supply and delivery lead time), one
        plan per warehouse, as the re-promise does. Work centers are the company's: the slots a
        plan counted on are taken for the next one, so that lines of two warehouses are not
        promised (and booked at confirmation) in the same slot.
        """
        self.ensure_one()
        lines = self._mto_promise_lines()
        if not lines:
            return {}
        lines.check_access("read")
        by_warehouse = {}
        for line in lines:
            by_warehouse.setdefault(line.warehouse_id or self.warehouse_id, []).append(line)
        now = fields.Datetime.now()
        Promise = self.env["mto.promise"]
        results, taken = {}, defaultdict(list)
        for warehouse, wh_lines in by_warehouse.items():
            requests = [line._mto_promise_request() for line in wh_lines]
            planned = Promise._plan(requests, warehouse, now, exclude_sale_lines=lines, lock=lock, taken=taken)
            for line in wh_lines:
                results[line] = planned[line.id]
                for booking in results[line].bookings:
                    taken[booking.workcenter_id].append((booking.start, booking.end))
        return {line: results[line] for line in lines}

    def _mto_commitment_from(self, results):
        return self._mto_commitment_of([r.promise_date for r in results.values()])

    def _mto_commitment_of(self, dates):
        """Noon of the promised day (the first line's or the last one's, as the order ships) in
        the plant's time zone, stored in UTC as Odoo stores it."""
        return plant_noon(min(dates) if self.picking_policy == "direct" else max(dates), self.company_id)

    def action_mto_promise(self):
        """Compute and store the promise of every goods line; set the order's commitment date.

        Writes all lines of all orders or nothing (any error rolls the whole call back).
        Returns one dict per line (as `mto.promise.simulate`, plus `sale_line_id`): `quantity` in
        the product's unit of measure, as simulate's (what was planned, whatever the line's unit).
        """
        self.check_access("write")
        answer = []
        for order in self:
            if order.state == "cancel":
                raise UserError(self.env._("%s is cancelled: nothing to promise.", order.name))
            results = order._mto_compute_promise()
            for line, result in results.items():
                line.sudo().write(line._mto_promise_values(result))  # access checked above; see PROMISE_FIELDS
                data = self.env["mto.promise"]._result_dict(
                    {"product": line.product_id, "qty": line._mto_product_qty(),
                     "strategy": line.mto_strategy}, result)
                data["sale_line_id"] = line.id
                answer.append(data)
            if results:
                order.commitment_date = order._mto_commitment_from(results)
        return answer

    # ------------------------------------------------------------- keep promises
    def _mto_notify_risk(self):
        """One activity per order at risk for its salesperson (updated, never duplicated); cleared
        when the order gets back on time."""
        activity_type = self.env.ref("mto_fulfilment.mail_activity_type_at_risk")
        activities = self.env["mail.activity"].sudo().search([
            ("res_model", "=", "sale.order"), ("res_id", "in", self.ids),
            ("activity_type_id", "=", activity_type.id)])
        by_order = {a.res_id: a for a in activities}
        to_create = []
        for order in self:
            activity = by_order.get(order.id)
            risky = order.order_line.filtered("mto_at_risk")
            if not risky:
                if activity:
                    state = order._mto_get_fulfilment_state()
                    activity.action_feedback(feedback=self.env._("Delivered.") if state == "delivered"
                                             else self.env._("Order cancelled.") if state == "cancelled"
                                             else self.env._("Back on time: the forecast meets the promise."))
                continue
            note = Markup("<ul>%s</ul>") % Markup().join(
                Markup("<li>%s%s</li>") % (
                    self.env._("%(product)s: promised %(promise)s, now expected %(forecast)s — %(cause)s",
                               product=line.product_id.display_name, promise=line.mto_promise_date,
                               forecast=line.mto_forecast_date, cause=line.mto_risk_cause or ""),
                    line._mto_forecast_reason_note())
                for line in risky)
            if activity:
                if str(activity.note or "") != str(note):
                    activity.note = note
            else:
                to_create.append({
                    "activity_type_id": activity_type.id, "automated": True, "note": note,
                    "summary": self.env._("Delivery promise at risk"),
                    "date_deadline": fields.Date.context_today(self),
                    "res_model_id": self.env["ir.model"]._get_id("sale.order"), "res_id": order.id,
                    "user_id": (order.user_id or self.env.user).id,
                })
        if to_create:
            # one create for all orders (what activity_schedule does per call)
            self.env["mail.activity"].sudo().create(to_create)

    def action_mto_accept_forecast(self):
        """Accept the plant's new date: the promise (and the customer-facing date) move to the
        forecast, logged in the chatter."""
        self.check_access("write")
        for order in self:
            lines = order.order_line.filtered("mto_at_risk")
            if not lines:
                continue
            changes = [self.env._("%(product)s: %(old)s → %(new)s", product=line.product_id.display_name,
                                  old=line.mto_promise_date, new=line.mto_forecast_date) for line in lines]
            for line in lines.sudo():  # the promise fields (PROMISE_FIELDS); access checked above
                line.mto_promise_date = line.mto_forecast_date
                if line.mto_forecast_explanation:  # "why this date" must end on the new date
                    line.mto_promise_explanation = line.mto_forecast_explanation
            dates = [d for d in order.order_line.mapped("mto_promise_date") if d]
            order.commitment_date = order._mto_commitment_of(dates)
            order.message_post(body=self.env._("New delivery dates accepted: %s", "; ".join(changes)))
            order._mto_notify_risk()
        return True

    def action_mto_repromise(self):
        """Re-check now (in the background) whether the order will keep its promise."""
        self.order_line.filtered("mto_promise_date")._mto_enqueue_repromise(self.env._("manual re-check"))
        return True

    def _compute_mto_production_count(self):
        for order in self:
            order.mto_production_count = len(order.order_line.mto_production_ids)

    def action_view_mto_production(self):
        self.ensure_one()
        productions = self.order_line.mto_production_ids
        action = self.env["ir.actions.act_window"]._for_xml_id("mrp.mrp_production_action")
        action.update({
            "domain": [("id", "in", productions.ids)],
            "context": {"default_mto_sale_line_id": False, "search_default_groupby_mto_line": 0},
            "name": self.env._("Production of %s", self.name),
        })
        if len(productions) == 1:
            action.update({"view_mode": "form", "views": [(False, "form")],
                           "res_id": productions.id})
        return action

    def action_confirm(self):
        if self.order_line.filtered(lambda sol: sol.mto_strategy in MTO_STRATEGIES):
            self._mto_confirmation_turn()
        # Refuse before anything is written: a make-to-order line needs a BoM or a vendor.
        self.order_line.filtered(lambda sol: sol.product_id.type == "consu")._mto_check_can_make()
        if len(self) > 1 and self.order_line.filtered(lambda sol: sol.mto_strategy in MTO_STRATEGIES):
            return self._mto_confirm_in_turn()
        promises = {}
        for order in self.filtered(lambda o: o.state in ("draft", "sent")):
            promises[order] = order._mto_promise_at_confirmation()
        # reorder rules are checked (and marked for recomputation) once for the whole
        # confirmation, not once per confirmed MO (and per move write)
        # the fulfilment state follows every MO and reservation change: computed once at the end
        state_field = self._fields["mto_fulfilment_state"]
        with self.env.protecting([state_field], self), \
                batching.deferring(self.env, batching.DEFER_SCHEDULER) as (env, to_check), \
                batching.deferring(env, batching.DEFER_ORDERPOINTS) as (env, to_mark):
            res = super(SaleOrder, self.with_env(env)).action_confirm()
            self.env["stock.move"].sudo()._mto_update_orderpoints_once(to_mark)
            ignored = sorted({mo_id for moves in to_check for mo_id in moves.env.context.get("ignore_mo_ids", ())})
            for moves in batching.collected(to_check, batching.DEFER_SCHEDULER, drop=("ignore_mo_ids",)).values():
                moves._mto_trigger_scheduler_once(ignored)
        self.env.add_to_compute(state_field, self)
        Promise = self.env["mto.promise"]
        with batching.deferring(self.env, batching.DEFER_ORDERPOINTS) as (env, to_mark):
            for results in promises.values():
                for line, result in results.items():
                    if line.mto_strategy in ("make_to_order", "stock_then_order"):
                        Promise.with_env(env)._book(line.with_env(env), result)
            self.env["stock.move"].sudo()._mto_update_orderpoints_once(to_mark)
        return res

    def _mto_confirm_in_turn(self):
        """Confirm the orders one after the other, each promised against the plant as the orders
        before it left it.

        A confirmation books the work-center slots and counts on the stock its promise planned
        with; the slots are written once the order's production orders exist. Promised all at
        once, every order of the batch would count on the same free slots and the same stock
        (double-booked work centers, promises nobody can keep). Odoo's own checks run for all of
        them first, and the call is one transaction as before: all of them or none.
        """
        for order in self:
            error = order._confirmation_error_message()
            if error:
                raise UserError(error)
        self.order_line._validate_analytic_distribution()
        for order in self:
            order.action_confirm()
        return True

    def _mto_confirmation_turn(self):
        """Make-to-order confirmations of a company take turns (they book the same work centers and
        reserve the same component stock): see `_mto_take_turn`."""
        self._mto_take_turn(self.company_id.ids)

    @api.model
    def _mto_take_turn(self, company_ids):
        """Take the companies' booking turn for this transaction: confirmations, and the re-plans
        that book work-center slots in a user's transaction (quantity changes, backorders).

        Odoo runs each request in a REPEATABLE READ transaction whose snapshot is taken at its first
        query: a confirmation that waited for another one inside its transaction plans on data that
        predates it and can only fail (serialization failure) and be retried. Retried after a random
        delay, it found the next confirmation holding the turn, again, and after five tries Odoo showed
        the user the serialization failure. So a confirmation that has to wait does it on a separate
        connection, keeps the turn there and asks Odoo to retry: the retry takes a fresh snapshot
        with the turn in hand, plans on current data and gives the turn back when it ends.
        """
        cr = self.env.cr
        turns = getattr(cr, "_mto_turns", None)
        if turns is None:
            turns = cr._mto_turns = {}
        for company_id in sorted(set(company_ids)):
            turn = turns.get(company_id)
            if turn and not turn.done:
                if not turn.claimed:
                    turn.claimed = True
                    cr.postcommit.add(self._mto_release_turns)
                    cr.postrollback.add(self._mto_release_turns)
                continue
            cr.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", [CONFIRM_LOCK, company_id])
            if cr.fetchone()[0]:
                continue  # our turn until this transaction ends
            side = sql_db.db_connect(cr.dbname).cursor()
            try:
                side.execute("SET lock_timeout = '120s'")
                side.execute("SELECT pg_advisory_lock(%s, %s)", [CONFIRM_LOCK, company_id])
            except psycopg2.errors.LockNotAvailable as exc:
                side.close()
                raise UserError(self.env._(
                    "Other orders are being confirmed and it takes long; try again in a minute.")) from exc
            turns[company_id] = _Turn(side, company_id)
            waits = getattr(cr, "_mto_turn_waits", 0)
            if waits < 3:
                cr._mto_turn_waits = waits + 1
                # our snapshot predates the confirmation we waited for: start again, turn in hand
                raise ConcurrencyError("waited for another make-to-order confirmation")
            turns[company_id].claimed = True
            cr.postcommit.add(self._mto_release_turns)
            cr.postrollback.add(self._mto_release_turns)

    @api.model
    def _mto_try_turn(self, company_ids):
        """The companies whose booking turn this transaction got without waiting (until it ends):
        for background work, which tries again later rather than waits for a confirmation."""
        got = []
        for company_id in sorted(set(company_ids)):
            self.env.cr.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", [CONFIRM_LOCK, company_id])
            if self.env.cr.fetchone()[0]:
                got.append(company_id)
        return got

    def _mto_release_turns(self):
        turns = getattr(self.env.cr, "_mto_turns", None) or {}
        for turn in turns.values():
            turn.release()
        turns.clear()

    def _mto_promise_at_confirmation(self):
        """Re-promise with the plant as it is now (work centers locked) and keep the slots to book.

        A date that changed since the quotation is written and logged, never silently kept. An
        order that cannot be promised (e.g. a product nobody can supply) is still confirmed, as in
        plain Odoo, with a note in the chatter.
        """
        self.ensure_one()
        try:
            with self.env.cr.savepoint():
                results = self._mto_compute_promise(lock=True)
        except UserError as exc:
            self.message_post(body=self.env._("No delivery promise at confirmation: %s", exc.args[0]))
            return {}
        changed = []
        for line, result in results.items():
            if line.mto_promise_date and line.mto_promise_date != result.promise_date:
                changed.append(self.env._(
                    "%(product)s: %(old)s → %(new)s (%(why)s)", product=line.product_id.display_name,
                    old=line.mto_promise_date, new=result.promise_date, why=result.explanation))
            line.sudo().write(line._mto_promise_values(result))  # access checked above; see PROMISE_FIELDS
        commitment = results and self._mto_commitment_from(results)
        if commitment and (not self.commitment_date or self.commitment_date.date() < commitment.date()):
            self.commitment_date = commitment
        if changed:
            self.message_post(body=self.env._(
                "The plant changed since the quotation was promised; new dates: %s", "; ".join(changed)))
        return results

    def _mto_release_delivered_order_stock(self):
        """Once an order is delivered its remaining order stock (e.g. spare components) is free."""
        for order in self:
            if order._mto_get_fulfilment_state() != "delivered":
                continue
            released = []
            for line in order.order_line.filtered("mto_strategy"):
                for product in line._mto_pegged_quants().product_id:
                    qty = line._mto_release_stock(product)
                    if qty:
                        released.append(f"{qty:g} {product.uom_id.name} {product.display_name}")
            if released:
                order.message_post(body=self.env._(
                    "Order delivered: its remaining order stock is free stock again (%s).", ", ".join(released)))

    def _action_cancel(self):
        lines = self.filtered(lambda o: o.state == "sale").order_line
        res = super()._action_cancel()
        # the salesperson cancels; cancelling the production and the RFQs it no longer needs
        # follows as the system's doing (as the decrease of a line: `_mto_propagate_quantity`)
        lines.sudo()._mto_cancel_production()
        lines.order_id._mto_notify_risk()  # the salesperson's at-risk activity is closed
        return res
