from datetime import timedelta

import pytest
from planbuild import at, week_calendar
from planning import (
    MAX_DURATION,
    CapacityBoard,
    Operation,
    PlanningError,
    PlanningInputError,
    Workcenter,
    minutes_to_timedelta,
    operation_minutes,
)
from planning.journal import Journal

OP = Operation(7, "Assembly", 10, 1, 60.0)


def test_duration_formula_with_setup_and_cleanup():
    wc = Workcenter(1, "WC", time_start=10, time_stop=5)
    assert operation_minutes(OP, wc, 99, 3, 1.0) == 10 + 5 + 3 * 60
    # BoM producing 2 per run: 3 units need 2 cycles
    assert operation_minutes(OP, wc, 99, 3, 2.0) == 10 + 5 + 2 * 60


def test_efficiency_50_percent_doubles_cycle_time_only():
    wc = Workcenter(1, "WC", time_efficiency=50, time_start=10, time_stop=5)
    assert operation_minutes(OP, wc, 99, 3, 1.0) == 10 + 5 + 3 * 120


def test_capacity_per_product_overrides_bom_qty_and_setup():
    wc = Workcenter(1, "WC", time_start=10, time_stop=5, capacities={42: (4, 20, 0)})
    assert operation_minutes(OP, wc, 42, 10, 1.0) == 20 + 0 + 3 * 60  # ceil(10 / 4) = 3
    assert operation_minutes(OP, wc, 43, 10, 1.0) == 10 + 5 + 10 * 60
    wc.capacities[42] = (0, 0, 0)  # nonsense capacity falls back to the BoM quantity
    assert operation_minutes(OP, wc, 42, 10, 5.0) == 2 * 60


def test_capacity_for_any_product_applies_when_the_product_has_none():
    # Odoo's work center capacity row without a product holds for every product
    wc = Workcenter(1, "WC", time_start=10, time_stop=5, capacities={42: (4, 20, 0), None: (2, 1, 1)})
    assert operation_minutes(OP, wc, 43, 10, 1.0) == 1 + 1 + 5 * 60  # ceil(10 / 2) = 5
    assert operation_minutes(OP, wc, 42, 10, 1.0) == 20 + 0 + 3 * 60  # the product's own row first


def test_non_positive_efficiency_is_rejected():
    wc = Workcenter(1, "Broken Press", time_efficiency=0)
    with pytest.raises(ValueError, match="Broken Press has an efficiency of 0"):
        operation_minutes(OP, wc, 99, 1, 1.0)


def test_minutes_round_up_to_whole_seconds():
    assert minutes_to_timedelta(100 / 3) == timedelta(seconds=2000)
    assert minutes_to_timedelta(0.0101) == timedelta(seconds=1)


def _board(primary_booked=(), alt_efficiency=50.0):
    wcs = {
        1: Workcenter(
            1,
            "Line A",
            alternative_ids=[3, 99],
            working=week_calendar(),
            booked=list(primary_booked),
        ),
        3: Workcenter(3, "Line B", time_efficiency=alt_efficiency, working=week_calendar()),
    }
    return CapacityBoard(wcs, at(700, 0), Journal())


def test_alternative_chosen_when_it_finishes_earlier():
    board = _board(primary_booked=[(at(0, 8), at(0, 17))])
    # 2 h job: Line A free Tuesday 08-10; Line B (50 %) needs 4 h, Monday 08-12
    slot = board.best_slot(OP, 5, 2, 1.0, at(0, 8))
    assert (slot.workcenter_id, slot.start, slot.end, slot.wait) == (
        3,
        at(0, 8),
        at(0, 12),
        timedelta(0),
    )


def test_primary_kept_when_alternative_is_slower_or_equal():
    board = _board(primary_booked=[(at(0, 8), at(0, 9))])
    slot = board.best_slot(OP, 5, 2, 1.0, at(0, 8))  # A: 09-11, B: 08-12
    assert (slot.workcenter_id, slot.end, slot.wait) == (1, at(0, 11), timedelta(hours=1))
    board = _board(alt_efficiency=100.0)
    assert board.best_slot(OP, 5, 2, 1.0, at(0, 8)).workcenter_id == 1  # tie: primary


def test_booking_is_seen_by_the_next_search_and_journaled():
    journal = Journal()
    wcs = {1: Workcenter(1, "Line A", working=week_calendar())}
    board = CapacityBoard(wcs, at(700, 0), journal)
    board.book(board.best_slot(OP, 5, 2, 1.0, at(0, 8)))
    assert board.best_slot(OP, 5, 1, 1.0, at(0, 8)).start == at(0, 10)
    journal.rollback(0)
    assert board.best_slot(OP, 5, 1, 1.0, at(0, 8)).start == at(0, 8)
    assert wcs[1].booked == []


def test_no_capacity_in_horizon_raises():
    wcs = {1: Workcenter(1, "Line A", working=week_calendar(weeks=1))}
    board = CapacityBoard(wcs, at(700, 0), Journal())
    with pytest.raises(PlanningError, match="No free capacity on Line A"):
        board.best_slot(OP, 5, 41, 1.0, at(0, 8))
    board = CapacityBoard(wcs, at(1, 0), Journal())  # horizon ends Tuesday 00:00
    with pytest.raises(PlanningError):
        board.best_slot(OP, 5, 1, 1.0, at(1, 8))


def test_unknown_workcenter_is_an_input_error():
    board = CapacityBoard({}, at(700, 0), Journal())
    with pytest.raises(PlanningInputError, match="Unknown work center id 1"):
        board.best_slot(OP, 5, 1, 1.0, at(0, 8))


def test_absurd_quantity_fits_no_horizon_instead_of_overflowing():
    # 10^12 units x 60 min: more minutes than Python's timedelta holds; the duration is capped
    # (far beyond any horizon), so the search reports no capacity rather than an OverflowError
    assert minutes_to_timedelta(60.0 * 10**12) == MAX_DURATION
    assert minutes_to_timedelta(float("inf")) == MAX_DURATION
    board = _board()
    with pytest.raises(PlanningError, match="No free capacity on Line A"):
        board.best_slot(OP, 5, 10**12, 1.0, at(0, 8))
