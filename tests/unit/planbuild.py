"""Builders shared by the planning unit tests (calendar and a small furniture plant)."""

from datetime import datetime, timedelta

from planning import (
    Bom,
    BomLine,
    Operation,
    Product,
    Snapshot,
    Workcenter,
    subtract_intervals,
)

MON = datetime(2026, 3, 2)  # a Monday
TABLE, LEG, TOP, BOARD = 1, 2, 3, 4
ASSEMBLY, SAW, ASSEMBLY_2 = 1, 2, 3


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """``day`` days after Monday 2026-03-02, at hour:minute."""
    return MON + timedelta(days=day, hours=hour, minutes=minute)


def week_calendar(weeks: int = 8, start: datetime = MON, leaves=()) -> list:
    """Mon-Fri 08:00-12:00 and 13:00-17:00 from ``start`` (a Monday), minus ``leaves``."""
    intervals = []
    for offset in range(weeks * 7):
        day = start + timedelta(days=offset)
        if day.weekday() >= 5:
            continue
        intervals.append((day.replace(hour=8), day.replace(hour=12)))
        intervals.append((day.replace(hour=13), day.replace(hour=17)))
    return subtract_intervals(intervals, leaves)


def plant(**settings) -> Snapshot:
    """Table = 4 Leg + 1 Top, assembled 60 min per table on the Assembly Line.

    Top can be made from 1 Board by 30 min of sawing (or bought); Leg can only be bought.
    Everything starts at Monday 08:00 with nothing in stock; tests add what they need.
    """
    snapshot = Snapshot(
        now=at(0, 8),
        products={
            TABLE: Product(TABLE, "Table", bom_id=10, can_manufacture=True),
            LEG: Product(LEG, "Leg", purchase_delay_days=3.0, can_buy=True),
            TOP: Product(
                TOP, "Top", bom_id=30, purchase_delay_days=10.0, can_manufacture=True, can_buy=True
            ),
            BOARD: Product(BOARD, "Board", purchase_delay_days=2.0, can_buy=True),
        },
        boms={
            10: Bom(
                10,
                TABLE,
                1.0,
                lines=[BomLine(LEG, 4), BomLine(TOP, 1)],
                operations=[Operation(100, "Assembly", 10, ASSEMBLY, 60.0)],
            ),
            30: Bom(
                30,
                TOP,
                1.0,
                lines=[BomLine(BOARD, 1)],
                operations=[Operation(300, "Cut", 10, SAW, 30.0)],
            ),
        },
        workcenters={
            ASSEMBLY: Workcenter(ASSEMBLY, "Assembly Line", working=week_calendar()),
            SAW: Workcenter(SAW, "Saw", working=week_calendar()),
        },
        purchase_lead_days=2.0,
    )
    for name, value in settings.items():
        setattr(snapshot, name, value)
    return snapshot
