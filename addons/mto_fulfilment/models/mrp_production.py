from odoo import api, fields, models
from odoo.fields import Command

from . import batching
from .pegging import check_peg_write, peg_create_error
from .plant_time import plant_day


class MrpProduction(models.Model):
    _inherit = "mrp.production"

    mto_sale_line_id = fields.Many2one(
        "sale.order.line", string="Made for order line", index="btree_not_null", copy=False,
        readonly=True,
        help="The sale order line this order (or the order it feeds, for sub-assemblies) is "
        "made for. Never shared with another order line.",
    )
    mto_date_planned_finished = fields.Datetime(
        string="Finish booked at confirmation", copy=False, readonly=True,
        help="When this order was booked to finish as its order line was confirmed (or re-planned "
             "because its components were late or its quantity changed); the production reliability "
             "buffer of promises learns from how late orders finish against it.")
    mto_sale_order_id = fields.Many2one(
        related="mto_sale_line_id.order_id", string="Made for order", store=True, index=True)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if "mto_sale_line_id" not in vals and vals.get("sale_line_id"):
                line = self.env["sale.order.line"].browse(vals["sale_line_id"])
                if line.mto_strategy in ("make_to_order", "stock_then_order"):
                    vals["mto_sale_line_id"] = line.id
        if batching.buffer_of(self.env, batching.DEFER_MO_CONFIRM) is not None:
            # created (draft) by a batched procurement run: their new work orders have nothing to
            # confirm yet, so do not make each MO compute its state as its work orders are created
            productions = super(MrpProduction, self.with_context(skip_confirm=True)).create(
                vals_list).with_env(self.env)
        else:
            productions = super().create(vals_list)
        if not self.env.su:
            productions._mto_check_created_pegging()
        return productions

    def _mto_check_created_pegging(self):
        """Refuse new MOs (created by a user) made for an order line that is not their origin's.

        Procurement makes an order line's MOs (as superuser); a user makes one only by splitting
        one off an MO of the line (backorder, split wizard): same production group, same product.
        """
        productions = self.sudo().filtered("mto_sale_line_id")
        if not productions:
            return
        origins = productions.production_group_id.production_ids - productions
        known = {(p.production_group_id.id, p.product_id.id, p.mto_sale_line_id.id) for p in origins}
        if any((p.production_group_id.id, p.product_id.id, p.mto_sale_line_id.id) not in known
               for p in productions):
            raise peg_create_error(self)

    def _get_backorder_mo_vals(self):
        """A backorder is made for its MO's order line (sub-assemblies included)."""
        return dict(super()._get_backorder_mo_vals(), mto_sale_line_id=self.mto_sale_line_id.id)

    def copy_data(self, default=None):
        """A duplicate is not made for the order line (nor are its components and goods), unless
        it says so (backorders): the order's procurement decides what the order needs."""
        vals_list = super().copy_data(default=default)
        for vals in vals_list:
            if not vals.setdefault("mto_sale_line_id", False):
                for fname in ("move_raw_ids", "move_finished_ids"):
                    for command in vals.get(fname) or []:
                        if command[0] == Command.CREATE:
                            command[2]["mto_sale_line_id"] = False
        return vals_list

    def write(self, vals):
        """Which order line an MO is made for is set when it is created (procurement, backorder)
        and never rewritten by a user: it steers the pegging of what it consumes and makes."""
        check_peg_write(self, vals)
        return super().write(vals)

    def action_confirm(self):
        deferred = batching.buffer_of(self.env, batching.DEFER_MO_CONFIRM)
        if deferred is not None:
            # created for order lines by a procurement run: confirmed with the run's other MOs
            # (stock.rule._run_manufacture)
            batch = self.filtered(lambda p: p.mto_sale_line_id and p.state == "draft")
            if batch:
                deferred.append(batch)
            rest = self - batch
            return super(MrpProduction, rest).action_confirm() if rest else True
        return super().action_confirm()

    def _get_move_raw_values(self, product, product_uom_qty, product_uom, operation_id=False,
                             bom_line=False):
        values = super()._get_move_raw_values(product, product_uom_qty, product_uom,
                                              operation_id=operation_id, bom_line=bom_line)
        values["mto_sale_line_id"] = self.mto_sale_line_id.id
        return values

    def _get_move_finished_values(self, product_id, product_uom_qty, product_uom,
                                  operation_id=False, byproduct_id=False, cost_share=0):
        values = super()._get_move_finished_values(
            product_id, product_uom_qty, product_uom, operation_id=operation_id,
            byproduct_id=byproduct_id, cost_share=cost_share)
        if not byproduct_id and product_id == self.product_id.id:
            # only what the order needs is order stock: by-products are free stock
            values["mto_sale_line_id"] = self.mto_sale_line_id.id
        return values

    # ------------------------------------------------------------ propagation
    def _mto_is_started(self):
        """Started: anything produced, consumed or clocked; such orders are never changed silently."""
        self.ensure_one()
        return (
            self.state in ("progress", "to_close", "done")
            or self.qty_producing > 0
            or any(wo.state in ("progress", "done") or wo.duration for wo in self.workorder_ids)
            or any(m.picked for m in self.move_raw_ids)
        )

    def _mto_late_causes(self):
        """{production: why it is past its planned end}, in the words of the at-risk activity: the
        components it still waits for (with the sub-assembly order making one); else a purchase
        made for its order line that arrived on a later day (the plant's) than expected when the
        purchase order was confirmed (the latest one: the work could only start then, whatever the
        shop floor does now); else one of its sub-assemblies that finished later than booked (the
        most late one: it held the work up); else work behind schedule. A fixed number of queries
        for all of them (their purchases' arrivals and their finished sub-assemblies, read
        together)."""
        if not self:
            return {}
        arrivals = self.env["stock.move"].sudo().search_fetch([
            ("purchase_line_id.mto_sale_line_id", "in", self.mto_sale_line_id.ids),
            ("state", "=", "done"), ("location_id.usage", "=", "supplier"),
        ], ["date", "purchase_line_id"])
        late_purchase = {}
        for move in arrivals:
            po_line = move.purchase_line_id
            expected = po_line.mto_date_confirmed or po_line.date_planned
            company = po_line.company_id
            days = (plant_day(move.date, company) - plant_day(expected, company)).days if expected else 0
            line = po_line.mto_sale_line_id
            if days > 0 and days > late_purchase.get(line, (0, None))[0]:
                late_purchase[line] = (days, po_line)
        late_subs = self._mto_late_sub_assemblies()
        causes = {}
        for production in self:
            waiting = production.move_raw_ids.filtered(
                lambda m: m.state in ("confirmed", "waiting", "partially_available")).product_id
            sub = late_subs.get(production)
            if waiting:
                # a component its own sub-assembly order makes is named with that order
                making = {child.product_id: child for child in production._get_children()
                          if child.state not in ("done", "cancel")}
                names = ", ".join(f"{product.display_name} ({making[product].name})" if product in making
                                  else product.display_name for product in waiting[:3])
                names += ", …" if len(waiting) > 3 else ""
                causes[production] = self.env._("%(mo)s runs late: waiting for %(components)s",
                                                mo=production.name, components=names)
            elif production.mto_sale_line_id in late_purchase:
                days, po_line = late_purchase[production.mto_sale_line_id]
                values = {"mo": production.name, "product": po_line.product_id.display_name,
                          "vendor": po_line.partner_id.name, "po": po_line.order_id.name}
                causes[production] = self.env._(
                    "%(mo)s runs late: %(product)s from %(vendor)s (%(po)s) arrived %(days)s days later "
                    "than expected", days=days, **values) if days > 1 else self.env._(
                    "%(mo)s runs late: %(product)s from %(vendor)s (%(po)s) arrived a day later than "
                    "expected", **values)
            elif sub:
                causes[production] = production._mto_late_sub_assembly_cause(*sub)
            else:
                causes[production] = self.env._("%(mo)s runs late: work behind schedule", mo=production.name)
        return causes

    def _mto_late_sub_assembly_cause(self, late, child):
        """The at-risk cause of this production held up by `child`, a sub-assembly that finished
        `late` (a timedelta) against its booked finish: in days, or in hours when under a day
        (work is booked by the hour: hours late can hold the parent up)."""
        values = {"mo": self.name, "sub": child.name, "product": child.product_id.display_name}
        hours = max(1, round(late.total_seconds() / 3600))
        if late.days > 1:
            return self.env._("%(mo)s runs late: its sub-assembly %(sub)s (%(product)s) finished %(days)s days "
                              "later than planned", days=late.days, **values)
        if late.days:
            return self.env._("%(mo)s runs late: its sub-assembly %(sub)s (%(product)s) finished a day later "
                              "than planned", **values)
        if hours > 1:
            return self.env._("%(mo)s runs late: its sub-assembly %(sub)s (%(product)s) finished %(hours)s hours "
                              "later than planned", hours=hours, **values)
        return self.env._("%(mo)s runs late: its sub-assembly %(sub)s (%(product)s) finished an hour later "
                          "than planned", **values)

    def _mto_late_sub_assemblies(self):
        """{production: (lateness, child)}: the done sub-assembly order of each production (its
        children, made for the same order line) that finished latest against the finish booked for
        it (`mto_date_planned_finished`); productions none of whose children finished late are left
        out. Children of all of them read together."""
        children = self.production_group_id.child_ids.production_ids.filtered(
            lambda p: p.state == "done" and p.date_finished and p.mto_date_planned_finished
            and p.date_finished > p.mto_date_planned_finished)
        result = {}
        for production in self:
            for child in production._get_children() & children:
                if child.mto_sale_line_id != production.mto_sale_line_id:
                    continue
                late = child.date_finished - child.mto_date_planned_finished
                if production not in result or late > result[production][0]:
                    result[production] = (late, child)
        return result

    def _mto_late_cause_per_line(self):
        """{order line: the cause its re-promise reports}: of the line's late productions, the one
        none of whose sub-assembly orders is also late (the hold-up is upstream: a parent waits
        for it), the earliest booked of those; the parent's own cause ("waiting for Frame") would
        hide the sub-assembly's ("waiting for Panel")."""
        causes = self._mto_late_causes()
        per_line = {}
        for production in self.sorted(lambda p: (p.date_start or p.date_finished, p.id)):
            line = production.mto_sale_line_id
            if line in per_line or production._get_children() & self:
                continue
            per_line[line] = causes[production]
        for production in self:  # a cycle of late orders cannot happen, but no line goes silent
            per_line.setdefault(production.mto_sale_line_id, causes[production])
        return per_line

    def _mto_set_quantity(self, qty):
        """Set the quantity (product UoM) of a not-started order; its sub-orders follow in proportion."""
        self.ensure_one()
        old = self.product_uom_id._compute_quantity(self.product_qty, self.product_id.uom_id)
        children = self._get_children().filtered(
            lambda p: p.state not in ("done", "cancel") and p.mto_sale_line_id == self.mto_sale_line_id)
        if self.product_id.uom_id.is_zero(qty):
            self.with_context(mto_propagation=True, skip_activity=True).action_cancel()
        else:
            self.env["change.production.qty"].with_context(skip_activity=True).create({
                "mo_id": self.id,
                "product_qty": self.product_id.uom_id._compute_quantity(qty, self.product_uom_id),
            }).change_prod_qty()
        factor = qty / old if old else 0.0
        for product in children.product_id:
            kids = children.filtered(lambda p, product=product: p.product_id == product)
            kids._mto_shrink_together(factor, self)

    def _mto_shrink_together(self, factor, parent):
        """Bring these orders of one sub-assembly for `parent` to `factor` x what they make
        together. The ones not started give up the quantity, the newest first (an increase
        after one started added an order for the rest: that one goes, not half of each);
        started ones never change silently: what they make beyond the need is the planner's
        to decide (exception activity)."""
        uom = self.product_id.uom_id
        made = {kid: kid.product_uom_id._compute_quantity(kid.product_qty, uom) for kid in self}
        surplus = sum(made.values()) * (1 - factor)
        for kid in self.sorted("id", reverse=True):
            if uom.compare(surplus, 0) <= 0:
                break
            if kid._mto_is_started():
                continue
            removed = min(made[kid], surplus)
            kid._mto_set_quantity(uom.round(made[kid] - removed))
            surplus -= removed
        started = self.filtered(lambda p: p._mto_is_started())
        if started and uom.compare(surplus, 0) > 0:
            started._mto_exception_activity(self.env._(
                "%(parent)s, which this production feeds, now needs %(qty)s %(uom)s less of "
                "%(product)s, but this production has started. Decide what to do with the extra "
                "quantity.", parent=parent.name, qty=uom.round(surplus), uom=uom.name,
                product=self.product_id.display_name))

    def _log_manufacture_exception(self, documents, cancel=False):
        """An order's change cancelling or shrinking its production (`mto_propagation`) gives each
        of the order's started productions one exception activity, for a planner
        (`_mto_exception_activity`): Odoo's note on them that this one was cancelled would be a
        second, for nobody (Odoo makes them as the superuser, without a responsible). Its notes
        on other documents (the purchases, other productions) stay."""
        if self.env.context.get("mto_propagation"):
            documents = {key: value for key, value in documents.items()
                         if not (key[0]._name == "mrp.production" and key[0].mto_sale_line_id)}
        return super()._log_manufacture_exception(documents, cancel=cancel)

    def _mto_exception_activity(self, note):
        """One exception activity per order for its planner (`_mto_planner`)."""
        activity_type = self.env.ref("mail.mail_activity_data_warning")
        for production in self:
            user = production._mto_planner()
            production.activity_schedule(
                activity_type_id=activity_type.id, note=note, user_id=user.id,
                summary=self.env._("Sale order changed after production started"))

    def _mto_planner(self):
        """Who resolves this order's exceptions: its responsible, else the product's, else the
        first manufacturing manager of its company. Odoo creates the MOs of a procurement as the
        superuser, which is then their responsible: an activity for OdooBot is one nobody sees."""
        self.ensure_one()

        def person(user):
            return user.active and not user.share and not user._is_superuser() \
                and self.company_id in user.company_ids

        for user in (self.user_id, self.product_id.responsible_id, self.create_uid):
            if user and person(user):
                return user
        managers = self.env.ref("mrp.group_mrp_manager").sudo().all_user_ids.filtered(person)
        return managers.sorted("id")[:1] or self.env.user

    # ------------------------------------------------------------ order stock
    def _post_inventory(self, cancel_backorder=False):
        res = super()._post_inventory(cancel_backorder=cancel_backorder)
        self.filtered("mto_sale_line_id")._mto_release_overproduction()
        return res

    def _mto_release_overproduction(self):
        """What an order's MO made beyond its planned quantity is free stock, not order stock."""
        for production in self:
            uom = production.product_id.uom_id
            planned = production.product_uom_id._compute_quantity(production.product_qty, uom)
            produced = production.product_uom_id._compute_quantity(production.qty_produced, uom)
            excess = produced - planned
            if uom.compare(excess, 0) <= 0:
                continue
            released = production.mto_sale_line_id._mto_release_stock(
                production.product_id, excess, production.location_dest_id)
            if released:
                production.message_post(body=self.env._(
                    "%(qty)s %(uom)s produced beyond the order quantity became free stock.",
                    qty=released, uom=uom.name))
