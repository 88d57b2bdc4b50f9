"""Batched order confirmation: what plain Odoo does once per manufacturing order, done once.

Plain Odoo confirms the MOs a procurement creates one at a time (``_run_manufacture``), so each
MO's components are procured, and the reorder rules of its components checked, on their own: a
20-line order of 3-level products runs the procurement, the MO creation computes and the
orderpoint check some 80 times. Where the add-on owns the flow (an order line's make-to-order
production, a sale order confirmation), these steps are collected and run once:

* ``DEFER_MO_CONFIRM``: the MOs created for order lines by one procurement run are confirmed
  together, so the next BoM level of every line is procured, created and confirmed in one batch;
* ``DEFER_ASSIGN``: the components of those MOs are reserved after the whole tree is confirmed,
  in the order plain Odoo reserves them (line by line, each MO after its sub-assemblies), so that
  batching does not change which order line gets which free stock;
* ``DEFER_SCHEDULER``: reorder rules are checked once at the end of the order's confirmation, for
  all the moves that asked for a check, instead of once per confirmed MO;
* ``DEFER_ORDERPOINTS``: the reorder rules whose forecast a move changes are marked for
  recomputation once, before that check, instead of at every write of every move (each marking is
  an orderpoint search, and each flush in between recomputed the marked rules' quantities).

A deferral is scoped by a token in the context whose buffer lives here only while the scope is
open: records that outlive it (with the token still in their context) behave as in plain Odoo.
"""
import contextlib
import itertools

DEFER_MO_CONFIRM = "mto_defer_mo_confirm"
DEFER_ASSIGN = "mto_defer_assign"
DEFER_SCHEDULER = "mto_defer_scheduler"
DEFER_ORDERPOINTS = "mto_defer_orderpoints"

_buffers = {}
_tokens = itertools.count(1)


@contextlib.contextmanager
def deferring(env, key):
    """Open a deferral scope: yields (env with the scope's token, buffer of deferred recordsets)."""
    token = next(_tokens)
    buffer = _buffers[token] = []
    try:
        yield env(context=dict(env.context, **{key: token})), buffer
    finally:
        _buffers.pop(token, None)


def buffer_of(env, key):
    """The buffer of the open deferral scope `key` in `env`'s context, else None."""
    token = env.context.get(key)
    return _buffers.get(token) if token else None


def collected(buffer, key, drop=()):
    """{environment without the scope's token (nor the `drop` context keys): union of the deferred
    records}, in first-seen order."""
    groups = {}
    for records in buffer:
        env = records.env(context={k: v for k, v in records.env.context.items() if k != key and k not in drop})
        groups.setdefault(env, []).append(records.with_env(env))
    return {env: env[parts[0]._name].union(*parts) for env, parts in groups.items()}
