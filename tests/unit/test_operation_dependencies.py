"""Operations with dependencies (Odoo's BoM "operation dependencies"): run in parallel where
they may, after what they wait for otherwise, whatever their sequence.

Calendar Mon-Fri 08:00-12:00 + 13:00-17:00; now Monday 08:00; Leg in stock.
"""

import pytest
from planbuild import ASSEMBLY, LEG, SAW, TABLE, at, plant, week_calendar
from planning import LineRequest, Operation, Planner, PlanningInputError, Workcenter, operation_order

PAINT = 4


def table_plant(operations):
    """Table of 4 Legs (in stock) with the given operations and no Top."""
    snapshot = plant(free_qty={LEG: 100.0})
    snapshot.boms[10].lines = snapshot.boms[10].lines[:1]
    snapshot.boms[10].operations = operations
    snapshot.workcenters[PAINT] = Workcenter(PAINT, "Paint shop", working=week_calendar())
    return snapshot


def promise(snapshot, qty=1.0):
    return Planner(snapshot).promise(LineRequest(1, TABLE, qty, "make_to_order"))


def test_independent_operations_run_in_parallel():
    # Saw 60 and Paint 120 both from Mon 08:00 (09:00 and 10:00); Assembly 30 after both:
    # 10:00-10:30 (in sequence it would be 08:00-09:00, 09:00-11:00, 11:00-11:30)
    result = promise(table_plant([
        Operation(1, "Saw", 10, SAW, 60.0, ()),
        Operation(2, "Paint", 20, PAINT, 120.0, ()),
        Operation(3, "Assembly", 30, ASSEMBLY, 30.0, (1, 2)),
    ]))
    slots = {b.operation_id: (b.start, b.end) for b in result.bookings}
    assert slots == {1: (at(0, 8), at(0, 9)), 2: (at(0, 8), at(0, 10)), 3: (at(0, 10), at(0, 10, 30))}
    assert result.capacity_ready == at(0, 10, 30)


def test_parallel_operation_ending_last_ends_the_production():
    # Paint 300 min from 08:00 (08-12 + 13-14) ends after Saw 60 + Assembly 30 (08:00-09:30)
    result = promise(table_plant([
        Operation(1, "Saw", 10, SAW, 60.0, ()),
        Operation(2, "Assembly", 20, ASSEMBLY, 30.0, (1,)),
        Operation(3, "Paint", 30, PAINT, 300.0, ()),
    ]))
    assert result.capacity_ready == at(0, 14)


def test_dependency_against_the_sequence():
    # Assembly (sequence 10) waits for Saw (sequence 20): Saw 08:00-09:00, Assembly 09:00-09:30
    result = promise(table_plant([
        Operation(1, "Assembly", 10, ASSEMBLY, 30.0, (2,)),
        Operation(2, "Saw", 20, SAW, 60.0, ()),
    ]))
    slots = {b.operation_id: (b.start, b.end) for b in result.bookings}
    assert slots == {2: (at(0, 8), at(0, 9)), 1: (at(0, 9), at(0, 9, 30))}


def test_without_dependencies_operations_follow_their_sequence():
    ops = [Operation(2, "B", 20, SAW, 1.0), Operation(1, "A", 20, SAW, 1.0), Operation(3, "C", 10, SAW, 1.0)]
    assert [op.id for op in operation_order(ops)] == [3, 1, 2]


def test_operations_waiting_for_each_other_are_refused():
    ops = [Operation(1, "A", 10, SAW, 1.0, (2,)), Operation(2, "B", 20, SAW, 1.0, (1,))]
    with pytest.raises(PlanningInputError):
        operation_order(ops, "Table")
