"""Who may change order stock's pegging: the add-on's own code, never a user's direct write.

Goods are pegged to a sale order line on quants, moves and move lines (``mto_sale_line_id``).
The add-on pegs and unpegs them as superuser (Odoo's quant updates run in sudo, so do the
release, the re-peg and the surplus release); a user writing the field (read-only on screen only,
but reachable over XML-RPC) would free an order's goods or hand them to another order, unlogged.
No context key opens the door: an RPC client can set any context key, not ``env.su``.

Creating a record that designates an order line (a move, an MO, an RFQ line) is pegging too: a
user may create one only as part of a document of that order line, which the record names
(its MO, purchase line, picking, chained or returned move, production group). Procurement creates
them as superuser; the splits, backorders, returns, scraps and MO edits Odoo makes with the
user's rights name the document they come from.
"""
from odoo import models
from odoo.exceptions import AccessError


def peg_id(value):
    """The order line id a Many2one value designates (an id, a record or nothing)."""
    if isinstance(value, models.BaseModel):
        return value.id
    return value or False


def peg_error(env):
    return AccessError(env._(
        "Order stock is released or re-pegged with Release order stock (inventory managers); "
        "the order line goods are pegged to cannot be changed directly."))


def check_peg_write(records, vals, fnames=("mto_sale_line_id",)):
    """Refuse a user's write that changes which order line these records are pegged to.

    Writing the value a record already has passes: clients and Odoo write whole dicts.
    """
    if records.env.su:
        return
    for fname in fnames:
        if fname in vals:
            new = peg_id(vals[fname])
            if any((record[fname].id or False) != new for record in records):
                raise peg_error(records.env)


def peg_create_error(records):
    return AccessError(records.env._(
        "%(model)s cannot be created for an order line directly: records are made for an order line "
        "only through that order's own documents (its procurement, manufacturing and purchase orders, "
        "and the splits, backorders, returns and scraps of their moves).", model=records._description))


def move_pegs(move):
    """The pegging a move line of `move` may carry: none, its order line's, its sale line's."""
    return {False, move.mto_sale_line_id.id or False, move.sale_line_id.id or False}
