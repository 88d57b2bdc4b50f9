import contextlib

from odoo import api, models
from odoo.fields import Command

from . import batching


class StockRule(models.Model):
    _inherit = "stock.rule"

    def _get_stock_move_values(self, product_id, product_qty, product_uom, location_dest_id, name,
                               origin, company_id, values):
        move_values = super()._get_stock_move_values(
            product_id, product_qty, product_uom, location_dest_id, name, origin, company_id, values)
        if values.get("mto_sale_line_id"):
            move_values["mto_sale_line_id"] = values["mto_sale_line_id"]
            routes = self._mto_kit_component_routes(product_id, values)
            if routes:
                move_values["route_ids"] = [Command.set(routes.ids)]
        return move_values

    def _mto_kit_component_routes(self, product, values):
        """The routes that make or buy a kit's component for the line ordering the kit to order.

        Odoo delivers a kit as its components, each procured with the line's routes (those that
        make or buy the kit itself, which is neither made nor bought): each component's delivery
        instead gets the routes the line's strategy gives the component itself (`_mto_routes_for`:
        made when it has a bill of materials, else bought), for its own make-to-order supply.
        Empty for anything but the part of such a line made to order (not the part of a
        stock-then-order line taken from stock).
        """
        line = self.env["sale.order.line"].browse(values["mto_sale_line_id"])
        if values.get("sale_line_id") != line.id or product == line.product_id:
            return self.env["stock.route"]
        if line.mto_strategy == "stock_then_order" and \
                line.warehouse_id.mto_pull_id.route_id not in (values.get("route_ids") or self.env["stock.route"]):
            return self.env["stock.route"]
        return line.warehouse_id._mto_routes_for("make_to_order", product)

    def _should_auto_confirm_procurement_mo(self, p):
        """An MO made for a confirmed order line is confirmed, also when its BoM has no
        components (operations only): Odoo leaves such an MO in draft, where its work orders
        are never booked into the slots the order's promise counted on."""
        return super()._should_auto_confirm_procurement_mo(p) or bool(p.mto_sale_line_id)

    def _prepare_mo_vals(self, product_id, product_qty, product_uom, location_dest_id, name, origin,
                         company_id, values, bom):
        mo_values = super()._prepare_mo_vals(product_id, product_qty, product_uom, location_dest_id,
                                             name, origin, company_id, values, bom)
        if values.get("mto_sale_line_id"):
            mo_values["mto_sale_line_id"] = values["mto_sale_line_id"]
        return mo_values

    def _update_purchase_order_line(self, product_id, product_qty, product_uom, company_id, values, line):
        """Keep the request for quotation line's unit when no vendor price fits the merged quantity.

        Odoo 19 then takes the unit of the vendor price it did not find (odoo/odoo#263367, fixed
        upstream since): the line is left without a unit, and its receipt fails on a division by
        zero when the order is confirmed. Orders confirmed in turn add to the same request more
        often than one batch did (e.g. two orders' 22 units each, the vendor's minimum 50).
        """
        res = super()._update_purchase_order_line(product_id, product_qty, product_uom, company_id, values, line)
        if "product_uom_id" in res and not res["product_uom_id"]:
            del res["product_uom_id"]
            res["product_qty"] = line.product_qty + product_uom._compute_quantity(
                product_qty, line.product_uom_id, rounding_method="HALF-UP")
        return res

    @api.model
    def _run_manufacture(self, procurements):
        """Order lines' MOs of one procurement run are confirmed together, not one by one.

        Plain Odoo confirms each new MO on its own, so each one procures its sub-assemblies and
        checks its components' reorder rules separately. Confirmed as a batch, the next BoM level
        of all the lines is procured (and created) in one run: one run per BoM level. The
        components are reserved once the whole tree is confirmed, in plain Odoo's order.
        """
        if not any(procurement.values.get("mto_sale_line_id") for procurement, _rule in procurements):
            return super()._run_manufacture(procurements)
        outermost = batching.buffer_of(self.env, batching.DEFER_ASSIGN) is None
        with contextlib.ExitStack() as scopes:
            env = self.env
            if outermost:
                env, to_assign = scopes.enter_context(batching.deferring(env, batching.DEFER_ASSIGN))
            env, to_confirm = scopes.enter_context(batching.deferring(env, batching.DEFER_MO_CONFIRM))
            res = super(StockRule, self.with_env(env))._run_manufacture(procurements)
            self.with_env(env)._mto_chain_grown_productions(procurements)
            for productions in batching.collected(to_confirm, batching.DEFER_MO_CONFIRM).values():
                productions.action_confirm()
            if outermost:
                for moves in batching.collected(to_assign, batching.DEFER_ASSIGN).values():
                    moves._mto_assign_in_tree_order()
        return res

    def _mto_chain_grown_productions(self, procurements):
        """Chain the delivery moves of a line's quantity increase to the MO that grew for them.

        Odoo grows an existing MO by changing its quantity (see `_make_mo_get_domain`), which
        does not make it feed the new delivery move: that move would wait for goods nobody makes
        and never be reserved when the MO is done.
        """
        for procurement, rule in procurements:
            dests = procurement.values.get("move_dest_ids")
            if not (dests and procurement.values.get("mto_sale_line_id")) or \
                    procurement.product_uom.compare(procurement.product_qty, 0) <= 0:
                continue
            waiting = dests.filtered(lambda m: not m.move_orig_ids and m.state not in ("done", "cancel"))
            if not waiting:
                continue
            bom = rule._get_matching_bom(procurement.product_id, procurement.company_id, procurement.values)
            production = self.env["mrp.production"].sudo().search(
                rule._make_mo_get_domain(procurement, bom), limit=1)
            finished = production.move_finished_ids.filtered(
                lambda m, product=procurement.product_id: m.product_id == product
                and m.state not in ("done", "cancel"))[:1]
            if finished:
                finished.move_dest_ids = [Command.link(move.id) for move in waiting]
                waiting._recompute_state()

    def _get_procurements_to_merge_groupby(self, procurement):
        """Purchases for different order lines never merge into one RFQ line (Buy rule)."""
        return (*super()._get_procurements_to_merge_groupby(procurement),
                procurement.values.get("mto_sale_line_id") or False)

    def _make_mo_get_domain(self, procurement, bom):
        """An order line's production is never merged into another line's or order's MO.

        For a line's own procurement (e.g. a quantity increase) its not-started MO grows, even
        when already planned: that is the order's MO.
        """
        domain = super()._make_mo_get_domain(procurement, bom)
        line_id = procurement.values.get("mto_sale_line_id")
        if not line_id:
            return domain + (("mto_sale_line_id", "=", False),)
        domain = tuple(d for d in domain if not (isinstance(d, tuple) and d[0] == "is_planned"))
        return domain + (("mto_sale_line_id", "=", line_id), ("qty_producing", "=", 0))
