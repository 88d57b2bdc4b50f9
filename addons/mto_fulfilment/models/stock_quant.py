import logging
from collections import defaultdict

import psycopg2

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Domain

from .pegging import check_peg_write, peg_error, peg_id

_logger = logging.getLogger(__name__)

# Context key carrying the sale order line whose order stock may be used (int), or False.
PEG = "mto_peg"
# Context key of a move's own look-ups: a strict one (the goods its previous step brought: same
# lot, package and owner) sees free stock too, as a non-strict one does; quant updates ignore it.
PEG_FREE = "mto_peg_free"


class StockQuant(models.Model):
    """Order stock: quants pegged to a sale order line are invisible to every other reservation.

    The pegging is one more dimension of a quant's identity (like lot, package and owner): the
    context key ``mto_peg`` says which order line's stock the current operation may see. Without
    it only free stock is visible, so any code path that does not know about pegging (Odoo's own
    reservation, the replenishment report, other add-ons) can never take an order's stock.
    """

    _inherit = "stock.quant"

    mto_sale_line_id = fields.Many2one(
        "sale.order.line", string="Pegged to order line", index="btree_not_null", readonly=True,
        help="Order stock: made or bought for this sale order line, reserved for it alone.")
    mto_sale_order_id = fields.Many2one(
        related="mto_sale_line_id.order_id", string="Pegged to order", store=True, index="btree_not_null")

    def _mto_peg_loose(self, strict):
        """Whether a look-up sees free stock besides the context's order stock: not for a strict
        one (a quant update: pegging is part of the quant's identity) unless a move asks for it
        (`PEG_FREE`: the goods a previous step of a multi-step transfer brought free)."""
        return not strict or bool(self.env.context.get(PEG_FREE))

    def _mto_peg_domain(self, strict):
        peg = self.env.context.get(PEG) or False
        if not peg or not self._mto_peg_loose(strict):
            return Domain("mto_sale_line_id", "=", peg)
        return Domain("mto_sale_line_id", "in", [peg, False])

    def _get_gather_domain(self, product_id, location_id, lot_id=None, package_id=None, owner_id=None,
                           strict=False):
        domain = super()._get_gather_domain(product_id, location_id, lot_id, package_id, owner_id, strict)
        return Domain(domain) & self._mto_peg_domain(strict)

    def _gather(self, product_id, location_id, lot_id=None, package_id=None, owner_id=None, strict=False,
                qty=0):
        quants = super()._gather(product_id, location_id, lot_id=lot_id, package_id=package_id,
                                 owner_id=owner_id, strict=strict, qty=qty)
        peg = self.env.context.get(PEG) or False
        loose = peg and self._mto_peg_loose(strict)
        if self.env.context.get("quants_cache") is not None:
            # the reservation cache bypasses the domain: filter it the same way
            allowed = {peg, False} if loose else {peg}
            quants = quants.filtered(lambda q: (q.mto_sale_line_id.id or False) in allowed)
        if loose:
            quants = quants.sorted(lambda q: q.mto_sale_line_id.id != peg)  # the order's own stock first
        return quants

    def _update_available_quantity(self, product_id, location_id, quantity=False, reserved_quantity=False,
                                   lot_id=None, package_id=None, owner_id=None, in_date=None):
        if self.env.context.get(PEG_FREE):
            self = self.with_context(**{PEG_FREE: False})  # an update hits the quant of its own pegging
        if self.env.context.get(PEG) and location_id.usage != "internal":
            # pegging ends where stock leaves the warehouse (customers, production, scrap...)
            self = self.with_context(**{PEG: False})
        parts = None
        if location_id.usage == "internal" and (
                (reserved_quantity and not quantity) or (quantity and quantity < 0 and not reserved_quantity)):
            parts = self._mto_split(product_id, location_id, lot_id, package_id, owner_id,
                                    quantity or reserved_quantity, reserve=bool(reserved_quantity))
        peg = self.env.context.get(PEG) or False
        if not parts or parts == [(peg, quantity or reserved_quantity)]:
            return super()._update_available_quantity(
                product_id, location_id, quantity=quantity, reserved_quantity=reserved_quantity, lot_id=lot_id,
                package_id=package_id, owner_id=owner_id, in_date=in_date)
        results = [super(StockQuant, self.with_context(**{PEG: part_peg}))._update_available_quantity(
            product_id, location_id, quantity=False if reserved_quantity else part_qty,
            reserved_quantity=part_qty if reserved_quantity else False, lot_id=lot_id, package_id=package_id,
            owner_id=owner_id, in_date=in_date) for part_peg, part_qty in parts]
        # the most overdrawn part is the one whose reservations Odoo must free
        return min(available for available, _date in results), min(date for _available, date in results)

    def _mto_split(self, product_id, location_id, lot_id, package_id, owner_id, quantity, reserve):
        """Split a reservation change or a consumption of one quant key between the peggings.

        Plain Odoo reserves and consumes a move line on one quant per key (product, location,
        lot, package, owner); pegging splits that key into the order's own stock and free stock,
        so a line's reservation may span both (e.g. re-reserved from free stock after a scrap
        took one of its pegged units). Each change is split the same way: the context's own
        stock first, then free stock, never another order's goods, the rest on the own stock as
        plain Odoo over-reserves or overdraws its one quant. A reservation takes room (quantity
        not reserved), an unreservation what is reserved, a consumption what is not reserved
        (its own reservation is released just before). Unreserving may fall back on another
        order's reserved quant: a move line can outlive the pegging it was reserved under (a
        release, or Odoo's `_free_reservation` shifting another line's reservation).

        :return: [(pegged order line id or False, signed quantity)], the parts of `quantity`
        """
        peg = self.env.context.get(PEG) or False
        unreserve = reserve and quantity < 0
        if not peg and not unreserve:
            return [(False, quantity)]  # free stock only: plain Odoo
        quants = self.sudo().search([
            ("product_id", "=", product_id.id), ("location_id", "=", location_id.id),
            ("lot_id", "=", lot_id.id if lot_id else False),
            ("package_id", "=", package_id.id if package_id else False),
            ("owner_id", "=", owner_id.id if owner_id else False)])
        room = defaultdict(float)
        for quant in quants:
            if unreserve:
                room[quant.mto_sale_line_id.id or False] += max(quant.reserved_quantity, 0.0)
            else:
                room[quant.mto_sale_line_id.id or False] += max(quant.quantity - quant.reserved_quantity, 0.0)
        order = [peg] + ([False] if peg else [])
        if unreserve:
            order += sorted(key for key in room if key not in order)
        uom = product_id.uom_id
        left, parts = abs(quantity), defaultdict(float)
        for key in order:
            take = uom.round(min(left, room[key]))
            if uom.compare(take, 0) > 0:
                parts[key] += take
                left = uom.round(left - take)
        if uom.compare(left, 0) > 0:
            parts[peg] += left
        sign = -1 if quantity < 0 else 1
        return [(key, sign * qty) for key, qty in parts.items()]

    @api.model_create_multi
    def create(self, vals_list):
        """Quants are pegged as they are created: by Odoo's quant updates and the add-on's transfers,
        both as superuser. A user creating a pegged quant (-2 for an order and +2 free unpegs 2)
        is refused."""
        peg = self.env.context.get(PEG)
        if peg:
            locations = self.env["stock.location"].browse(
                {vals["location_id"] for vals in vals_list if vals.get("location_id")})
            internal = set(locations.filtered(lambda loc: loc.usage == "internal").ids)
            for vals in vals_list:
                if "mto_sale_line_id" not in vals and vals.get("location_id") in internal:
                    vals["mto_sale_line_id"] = peg
        if not self.env.su and any(peg_id(vals.get(fname)) for vals in vals_list
                                   for fname in ("mto_sale_line_id", "mto_sale_order_id")):
            raise peg_error(self.env)
        return super().create(vals_list)

    def write(self, vals):
        check_peg_write(self, vals, ("mto_sale_line_id", "mto_sale_order_id"))
        return super().write(vals)

    def _get_reserve_quantity(self, product_id, location_id, quantity, uom_id=None, lot_id=None, package_id=None,
                              owner_id=None, strict=False):
        """For an order's move, free stock it reserves becomes that order's stock (pegged)."""
        reserved = super()._get_reserve_quantity(
            product_id, location_id, quantity, uom_id=uom_id, lot_id=lot_id, package_id=package_id,
            owner_id=owner_id, strict=strict)
        peg = self.env.context.get(PEG)
        if not peg or not self.env.context.get("mto_peg_reserve") or product_id.uom_id.compare(quantity, 0) <= 0:
            return reserved
        return [(quant._mto_peg(qty, peg) if not quant.mto_sale_line_id else quant, qty)
                for quant, qty in reserved]

    def _mto_peg(self, quantity, sale_line_id):
        """Move `quantity` of this free quant into the quant of the same identity pegged to the line."""
        self.ensure_one()
        return self._mto_transfer(quantity, sale_line_id)

    def _mto_transfer(self, quantity, sale_line_id):
        """Move `quantity` (unreserved) from this quant to its twin pegged to `sale_line_id` (False: free)."""
        self.ensure_one()
        quant = self.sudo()
        twin = quant.search([
            ("product_id", "=", quant.product_id.id), ("location_id", "=", quant.location_id.id),
            ("lot_id", "=", quant.lot_id.id), ("package_id", "=", quant.package_id.id),
            ("owner_id", "=", quant.owner_id.id), ("mto_sale_line_id", "=", sale_line_id or False),
        ], limit=1)
        quant.write({"quantity": quant.quantity - quantity})
        if twin:
            twin.write({"quantity": twin.quantity + quantity})
        else:
            twin = quant.with_context(**{PEG: False}).create({
                "product_id": quant.product_id.id, "location_id": quant.location_id.id,
                "lot_id": quant.lot_id.id, "package_id": quant.package_id.id, "owner_id": quant.owner_id.id,
                "in_date": quant.in_date, "quantity": quantity, "mto_sale_line_id": sale_line_id or False,
            })
        return twin.sudo(self.env.su)

    @api.model
    def _merge_quants(self):
        """Merge duplicate quants without merging order stock of different order lines.

        Odoo's merge (run by the scheduler's ``_quant_tasks``) groups quants by product,
        location, lot, package and owner only: it would fold every order line's pegged quant into
        one (keeping the first quant's pegging), so one order would own everybody's stock and the
        other orders' production would wait for components forever. Pegging is part of a quant's
        identity here, so while any quant in scope is pegged, duplicates are merged per pegging.
        """
        Quant = self.sudo()
        domain = Domain.TRUE
        if self._ids:
            domain = Domain("location_id", "in", self.location_id.ids) & Domain("product_id", "in", self.product_id.ids)
        if not Quant.search_count(domain & Domain("mto_sale_line_id", "!=", False), limit=1):
            return super()._merge_quants()
        groups = Quant._read_group(
            domain, ["product_id", "company_id", "location_id", "lot_id", "package_id", "owner_id", "mto_sale_line_id"],
            ["id:recordset"], having=[("__count", ">", 1)])
        try:
            with self.env.cr.savepoint():
                for *_identity, quants in groups:
                    quants = quants.sorted("id")
                    self.env.cr.execute(
                        "UPDATE stock_quant SET quantity = %s, reserved_quantity = %s, inventory_quantity = %s, "
                        "in_date = %s WHERE id = %s",
                        (sum(quants.mapped("quantity")), max(0.0, sum(quants.mapped("reserved_quantity"))),
                         sum(quants.mapped("inventory_quantity")),
                         min((q.in_date for q in quants if q.in_date), default=None), quants[0].id))
                    self.env.cr.execute("DELETE FROM stock_quant WHERE id IN %s", (tuple(quants[1:].ids),))
                self.env.invalidate_all()
        except psycopg2.Error as exc:  # like Odoo's merge: a concurrent update wins, merged next run
            _logger.info("an error occurred while merging quants: %s", exc.pgerror)
        return None

    def _get_inventory_move_values(self, qty, location_id, location_dest_id, package_id=False,
                                   package_dest_id=False):
        """Counting order stock adjusts that order's stock, not the free stock."""
        values = super()._get_inventory_move_values(
            qty, location_id, location_dest_id, package_id=package_id, package_dest_id=package_dest_id)
        if self.mto_sale_line_id:
            values["mto_sale_line_id"] = self.mto_sale_line_id.id
            for command in values.get("move_line_ids", []):
                command[2]["mto_sale_line_id"] = self.mto_sale_line_id.id
        return values

    def action_mto_release(self):
        """Open the release / re-peg wizard for the order line these quants are pegged to."""
        lines = self.mto_sale_line_id
        if len(lines) != 1:
            raise UserError(self.env._("Select order stock of exactly one order line."))
        return {
            "type": "ir.actions.act_window", "res_model": "mto.order.stock.release", "view_mode": "form",
            "target": "new", "name": self.env._("Release order stock"),
            "context": {"default_sale_line_id": lines.id, "default_product_id": self.product_id[:1].id},
        }
