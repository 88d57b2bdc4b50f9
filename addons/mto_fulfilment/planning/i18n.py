"""Translation hook.

Why: every user-facing string goes through ``_`` so the Odoo layer can later route them to its
translation machinery without touching the planning code; here it is the identity.
"""


def _(text: str) -> str:
    """Return ``text`` unchanged (placeholder for a translation lookup)."""
    return text
