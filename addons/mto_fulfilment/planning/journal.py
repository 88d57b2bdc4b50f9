"""Undo log shared by the stock ledger and the capacity board.

Why: a component can be covered either by later supply or by replenishing it now; the
replenishment is evaluated for real (allocations, bookings) and discarded if it loses, and a
failed line must leave no trace for the following lines.
"""

from collections.abc import Callable


class Journal:
    """LIFO list of undo callbacks; ``rollback(mark)`` restores the state at ``mark()``."""

    __slots__ = ("_undo",)

    def __init__(self) -> None:
        self._undo: list[Callable[[], object]] = []

    def record(self, undo: Callable[[], object]) -> None:
        self._undo.append(undo)

    def mark(self) -> int:
        return len(self._undo)

    def rollback(self, mark: int) -> None:
        undo = self._undo
        while len(undo) > mark:
            undo.pop()()

    def commit(self) -> None:
        """Forget the undo history: what is recorded so far becomes permanent."""
        self._undo.clear()
