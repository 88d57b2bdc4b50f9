"""Translation hook.

Why: the planning core has no Odoo environment, yet its explanations are read by salespeople
in their language. Every user-facing string goes through ``_``; the Odoo layer installs a
translator for the duration of a planning call with :func:`translation` (a context variable,
so concurrent requests in threads each keep their own language). Without one, ``_`` returns
the English source.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_translator: ContextVar[Callable[[str], str] | None] = ContextVar("mto_planning_translator", default=None)


def _(text: str) -> str:
    """``text`` translated by the translator installed by :func:`translation`, if any."""
    translate = _translator.get()
    return translate(text) if translate else text


@contextmanager
def translation(translate: Callable[[str], str]) -> Iterator[None]:
    """Translate the planning core's messages with ``translate`` inside the ``with`` block."""
    token = _translator.set(translate)
    try:
        yield
    finally:
        _translator.reset(token)
