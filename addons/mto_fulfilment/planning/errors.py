"""Exceptions raised by the planning core.

Why two classes: the ORM layer shows :class:`PlanningError` to the user as "cannot promise"
(no capacity in the horizon, no way to source a component), while :class:`PlanningInputError`
means the request or the snapshot is malformed and is also a ``ValueError`` for callers that
only care about bad input.
"""


class PlanningError(Exception):
    """No date can be promised with the data in the snapshot."""


class PlanningInputError(PlanningError, ValueError):
    """The line request or the snapshot data is invalid."""
