from odoo import api, fields, models

from . import batching
from .pegging import check_peg_write, peg_create_error


class StockMove(models.Model):
    _inherit = "stock.move"

    mto_sale_line_id = fields.Many2one(
        "sale.order.line", string="Order line (MTO)", index="btree_not_null",
        help="The make-to-order sale order line this move serves.")

    @api.model_create_multi
    def create(self, vals_list):
        moves = super().create(vals_list)
        if not self.env.su:
            moves._mto_check_created_pegging()
        return moves

    def _mto_check_created_pegging(self):
        """Refuse new moves (created by a user) made for an order line none of their documents has.

        A move designates its order line (``mto_sale_line_id``) and, where it reserves stock, its
        sale line (which sees that line's order stock, `_mto_peg_env`). It may designate those of
        its MO (components, finished goods, consumption warnings, resizes), of its purchase line
        (receipts of a confirmed RFQ), of the moves it was split, copied or returned from or is
        chained to, or of the other moves of its transfer (backorders, kit components, scraps of a
        transfer); a relocation (or an inventory manager's count), those of the order stock it
        moves. All checked at once: the caller's transaction is undone with the refusal.
        """
        moves = self.sudo()
        needed = {}
        for move in moves:
            lines = move.mto_sale_line_id
            if not move.location_id.should_bypass_reservation():
                lines |= move.sale_line_id
            if lines:
                needed[move] = lines
        if not needed:
            return
        moves = moves.browse([move.id for move in needed])
        related = (moves.move_orig_ids | moves.move_dest_ids | moves.origin_returned_move_id
                   | moves.picking_id.move_ids) - moves.browse(self.ids)
        related.fetch(["mto_sale_line_id", "sale_line_id"])  # once for all the moves
        counted = set()
        # relocations keep the goods in the warehouse; counts (to or from inventory loss) are an
        # inventory manager's, as Odoo's own applied counts
        usages = {"internal", "inventory"} if self.env.user.has_group("stock.group_stock_manager") else {"internal"}
        inventory = moves.filtered(lambda m: m.is_inventory and m.mto_sale_line_id and {
            m.location_id.usage, m.location_dest_id.usage} <= usages)
        if inventory:
            rows = self.env["stock.quant"].sudo()._read_group(
                [("product_id", "in", inventory.product_id.ids),
                 ("mto_sale_line_id", "in", inventory.mto_sale_line_id.ids),
                 ("location_id", "in", (inventory.location_id | inventory.location_dest_id).ids)],
                ["product_id", "location_id", "mto_sale_line_id"])
            counted = {(product.id, location.id, line.id) for product, location, line in rows}
        for move, lines in needed.items():
            documents = (move.move_orig_ids | move.move_dest_ids | move.origin_returned_move_id
                         | move.picking_id.move_ids) & related
            allowed = (documents.mto_sale_line_id | documents.sale_line_id
                       | (move.raw_material_production_id | move.production_id).mto_sale_line_id
                       | move.purchase_line_id.mto_sale_line_id)
            if move in inventory and {(move.product_id.id, location.id, move.mto_sale_line_id.id)
                                      for location in move.location_id | move.location_dest_id} & counted:
                allowed |= move.mto_sale_line_id
            if lines - allowed:
                raise peg_create_error(self)

    def write(self, vals):
        """A move's pegging is set where it is created (procurement, production, purchase,
        inventory adjustment, copies) and never rewritten by a user: see `pegging`."""
        check_peg_write(self, vals)
        receipts = self.env["stock.move"]
        if "date" in vals and "state" not in vals:   # a move done gets its date too: not news
            receipts = self.filtered(lambda m: m._mto_is_open_receipt())
        before = {move.id: move.date for move in receipts}
        res = super().write(vals)
        receipts.filtered(lambda m: m.date != before[m.id])._mto_follow_receipt_date()
        return res

    def _mto_is_open_receipt(self):
        return bool(self.purchase_line_id) and self.state not in ("done", "cancel") \
            and self.location_id.usage == "supplier"

    def _mto_follow_receipt_date(self):
        """The vendor's new date entered on a receipt (its scheduled date, a backorder's after a
        short delivery) is its purchase line's new date: the arrival promises count on
        (`mto.promise._purchase_arrivals`) and the re-promise of the orders waiting for it
        (`purchase.order.line.write`, which names the vendor, purchase and component) follow.
        Odoo does not do it: only the buyer's date on the purchase line moves the receipt's
        deadline, never the other way."""
        for po_line in self.sudo().purchase_line_id:   # a stock user reschedules the receipt
            dates = po_line.move_ids.filtered(lambda m: m._mto_is_open_receipt()).mapped("date")
            if dates and max(dates) != po_line.date_planned:
                po_line.date_planned = max(dates)

    def _prepare_procurement_values(self):
        values = super()._prepare_procurement_values()
        if self.mto_sale_line_id:
            values["mto_sale_line_id"] = self.mto_sale_line_id.id
        return values

    def _prepare_merge_moves_distinct_fields(self):
        return super()._prepare_merge_moves_distinct_fields() + ["mto_sale_line_id"]

    def _get_upstream_documents_and_responsibles(self, visited):
        """Walk the chain with the system's rights: a salesperson cancelling or reducing her
        order reaches the purchases and productions made for it (Odoo reads their purchase lines
        here only to leave them a note, which it schedules as superuser anyway)."""
        if self.env.su:
            return super()._get_upstream_documents_and_responsibles(visited)
        return super(StockMove, self.sudo())._get_upstream_documents_and_responsibles(visited.sudo())

    # ------------------------------------------------------------ batched confirmation
    def _action_assign(self, force_qty=False):
        deferred = batching.buffer_of(self.env, batching.DEFER_ASSIGN)
        if deferred is not None and not force_qty:
            # components of order lines' MOs confirmed in a batch: reserved once the batch is
            # confirmed, in plain Odoo's order (stock.rule._run_manufacture)
            later = self.filtered(lambda m: (m.raw_material_production_id or m.production_id).mto_sale_line_id)
            if later:
                deferred.append(later)
                rest = self - later
                return super(StockMove, rest)._action_assign() if rest else None
        return super()._action_assign(force_qty=force_qty)

    def _trigger_scheduler(self):
        deferred = batching.buffer_of(self.env, batching.DEFER_SCHEDULER)
        if deferred is not None:
            # checked once when the sale order is confirmed (sale.order.action_confirm)
            deferred.append(self)
            return None
        return super()._trigger_scheduler()

    def _update_orderpoints(self):
        deferred = batching.buffer_of(self.env, batching.DEFER_ORDERPOINTS)
        if deferred is None:
            return super()._update_orderpoints()
        # what decides which rules to mark, as it is now (a move may change or go before the end)
        deferred.extend((move.product_id.id, move.location_id.id, move.location_dest_id.id) for move in self)
        return None

    @api.model
    def _mto_update_orderpoints_once(self, keys):
        """Mark the reorder rules of these (product, source, destination) once (deferred)."""
        keys = list(dict.fromkeys(keys))
        if keys:
            moves = self.env["stock.move"].concat(*(self.new(
                {"product_id": product_id, "location_id": location_id, "location_dest_id": dest_id})
                for product_id, location_id, dest_id in keys))
            moves._update_orderpoints()

    def _mto_trigger_scheduler_once(self, ignore_mo_ids=()):
        """One reorder rule check for all these moves (deferred while an order was confirmed).

        Only moves of products that have an automatic reorder rule can trigger one: the others are
        left out before Odoo looks for a rule move by move. MOs confirmed meanwhile are ignored by
        the rules' in-progress quantities, as when Odoo checks right after confirming them.
        """
        moves = self.exists()
        if not moves:
            return
        products = self.env["stock.warehouse.orderpoint"].search(
            [("product_id", "in", moves.product_id.ids), ("trigger", "=", "auto")]).product_id
        moves = moves.filtered(lambda m: m.product_id in products)
        if moves:
            moves.with_context(ignore_mo_ids=list(ignore_mo_ids))._trigger_scheduler()

    def _mto_assign_in_tree_order(self):
        """Reserve these MO moves in the order plain Odoo would have: MO by MO as confirmed one at
        a time, i.e. each MO after its sub-assembly MOs (depth first), the top-level MOs (order
        lines) in creation order."""
        paths = {}

        def path(production):
            if production not in paths:
                parents = production._get_sources()
                paths[production] = (path(parents.sorted("id")[0]) if parents else ()) + (production.id,)
            return paths[production]

        def tree_order(move):
            production = move.raw_material_production_id or move.production_id
            # a parent's path is a prefix of its children's: the sentinel puts it after them
            return (*path(production), float("inf"), move.id)

        return self.sorted(tree_order)._action_assign()

    # ------------------------------------------------------------ order stock
    def _mto_peg_env(self):
        """This move may use its order line's stock (and free stock); other orders' stock never.

        Free stock that a make-to-order move reserves becomes its order's stock (`mto_peg_reserve`);
        a plain delivery sees what was pegged to its line (e.g. re-pegged goods) and free stock.
        So does a strict look-up (`mto_peg_free`): a step of a multi-step transfer reserves the
        goods its previous step brought, free ones too (a make-to-stock line's pick, components
        picked by hand from free stock to pre-production).
        """
        line = self.mto_sale_line_id or self.sale_line_id
        return self.with_context(mto_peg=line.id or False, mto_peg_reserve=bool(self.mto_sale_line_id),
                                 mto_peg_free=True)

    def _get_available_quantity(self, location_id, lot_id=None, package_id=None, owner_id=None, strict=False,
                                allow_negative=False):
        return super(StockMove, self._mto_peg_env())._get_available_quantity(
            location_id, lot_id=lot_id, package_id=package_id, owner_id=owner_id, strict=strict,
            allow_negative=allow_negative)

    def _update_reserved_quantity(self, need, location_id, lot_id=None, package_id=None, owner_id=None,
                                  strict=True):
        return super(StockMove, self._mto_peg_env())._update_reserved_quantity(
            need, location_id, lot_id=lot_id, package_id=package_id, owner_id=owner_id, strict=strict)

    def _update_reserved_quantity_vals(self, need, location_id, lot_id=None, package_id=None, owner_id=None,
                                       strict=True):
        return super(StockMove, self._mto_peg_env())._update_reserved_quantity_vals(
            need, location_id, lot_id=lot_id, package_id=package_id, owner_id=owner_id, strict=strict)

    def _set_quantity_done_prepare_vals(self, qty):
        """A quantity set by hand (or filled in by a work order start) takes the order's own stock
        first, then free stock, like the reservation: Odoo looks for quants without the move.

        Free stock taken here is not pegged (Odoo asks for more than it takes when the move has
        lines already): the line keeps it as free stock it consumes.
        """
        line = self.mto_sale_line_id or self.sale_line_id
        return super(StockMove, self.with_context(mto_peg=line.id or False, mto_peg_reserve=False)
                     )._set_quantity_done_prepare_vals(qty)

    def _prepare_move_line_vals(self, quantity=None, reserved_quant=None):
        vals = super()._prepare_move_line_vals(quantity=quantity, reserved_quant=reserved_quant)
        if reserved_quant:
            vals["mto_sale_line_id"] = reserved_quant.mto_sale_line_id.id or False
        elif self.mto_sale_line_id:
            vals["mto_sale_line_id"] = self.mto_sale_line_id.id
        return vals

    def _action_done(self, cancel_backorder=False):
        moves = super()._action_done(cancel_backorder=cancel_backorder)
        lost = moves.filtered(lambda m: m.state == "done" and m.location_id.usage == "internal"
                              and m.location_dest_id.usage == "inventory" and m.product_id.is_storable)
        for product in lost.product_id:
            qty = sum(lost.filtered(lambda m, p=product: m.product_id == p).mapped("product_qty"))
            cause = self.env._("%(qty)s %(uom)s of %(product)s lost (inventory adjustment or scrap)",
                               qty=qty, uom=product.uom_id.name, product=product.display_name)
            self.env["sale.order.line"]._mto_lines_for_products(product)._mto_enqueue_repromise(cause)
        return moves
