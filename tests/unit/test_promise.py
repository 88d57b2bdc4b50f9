"""End-to-end promises on the small furniture plant of ``planbuild`` (hand-computed).

Monday 2026-03-02 08:00 is "now". Legs are bought in 2 + 3 = 5 days (Saturday 08:00), a Table
takes 60 min per unit on the Assembly Line, a Top 30 min per unit on the Saw.
"""

import copy
from datetime import date, datetime, timedelta

import pytest
from planbuild import ASSEMBLY, BOARD, LEG, SAW, TABLE, TOP, at, plant, week_calendar
from planning import (
    Allocation,
    Booking,
    Bottleneck,
    LineRequest,
    Planner,
    PlanningError,
    PlanningInputError,
    Workcenter,
    promise_lines,
)


def mto(qty, key=1, product=TABLE, **kw):
    return LineRequest(key, product, qty, "make_to_order", **kw)


def one(snapshot, line):
    return promise_lines(snapshot, [line])[0]


def test_all_material_in_stock_only_lead_times():
    snap = plant(
        free_qty={LEG: 8, TOP: 2}, manufacturing_lead_days=1, delivery_days=1, security_lead_days=1
    )
    res = one(snap, mto(2))
    assert res.material_ready == at(0, 8)
    assert res.capacity_ready == at(0, 10)
    # 10:00 + 1 day manufacturing lead + 1 day delivery + 1 day security = Thursday
    assert res.promise_date == date(2026, 3, 5)
    assert res.bottleneck == Bottleneck("lead_time", "Table", at(0, 10), TABLE)
    assert res.explanation == (
        "Made to order without waiting for material or capacity; "
        "ready 2026-03-02, delivered 2026-03-05."
    )
    assert res.bookings == [Booking(ASSEMBLY, 100, TABLE, at(0, 8), at(0, 10), (TABLE,))]
    assert res.allocations == [
        Allocation(LEG, 8, at(0, 8), "stock", (TABLE, LEG)),
        Allocation(TOP, 2, at(0, 8), "stock", (TABLE, TOP)),
        Allocation(TABLE, 2, at(0, 10), "manufacture", (TABLE,)),
    ]


def test_manufacturing_in_three_steps_picks_and_stores_at_every_level():
    """Components are picked to pre-production a day before each production starts, made goods
    stored a day after it ends (Top, then Table): boards in stock Monday 08:00 are picked by
    Tuesday 08:00, sawn until 09:00, the tops stored by Wednesday 09:00, picked for the tables by
    Thursday 09:00, assembled until 11:00 and the tables stored by Friday 11:00."""
    snap = plant(free_qty={LEG: 8, BOARD: 2}, pre_production_days=1, post_production_days=1)
    res = one(snap, mto(2))
    assert res.bookings == [
        Booking(SAW, 300, TOP, at(1, 8), at(1, 9), (TABLE, TOP)),
        Booking(ASSEMBLY, 100, TABLE, at(3, 9), at(3, 11), (TABLE,)),
    ]
    assert res.material_ready == at(2, 9)
    assert res.capacity_ready == at(4, 11)
    assert res.promise_date == date(2026, 3, 6)


def test_partial_stock_then_purchase():
    res = one(plant(free_qty={LEG: 5, TOP: 2}), mto(2))
    assert res.allocations[:2] == [
        Allocation(LEG, 5, at(0, 8), "stock", (TABLE, LEG)),
        Allocation(LEG, 3, at(5, 8), "purchase", (TABLE, LEG)),
    ]
    assert res.material_ready == at(5, 8)  # Saturday: assembly waits for Monday
    assert res.capacity_ready == at(7, 10)
    assert res.promise_date == date(2026, 3, 9)
    assert res.bottleneck == Bottleneck("component", "Leg", at(5, 8), LEG)
    assert res.explanation == (
        "Component Leg arrives on 2026-03-07; ready 2026-03-09, delivered 2026-03-09."
    )


def test_supply_arriving_before_purchase_lead_is_used():
    snap = plant(free_qty={LEG: 5, TOP: 2}, supply={LEG: [(at(2, 8), 3.0)]})
    res = one(snap, mto(2))
    assert res.allocations[0] == Allocation(LEG, 8, at(2, 8), "supply", (TABLE, LEG))
    assert [a.source for a in res.allocations] == ["supply", "stock", "manufacture"]
    assert res.capacity_ready == at(2, 10)
    assert res.bottleneck == Bottleneck("component", "Leg", at(2, 8), LEG)
    assert res.explanation.startswith("Component Leg arrives on 2026-03-04;")


def test_later_demand_protects_stock_and_purchase_beats_late_supply():
    # 8 legs free, but 6 are promised to another order on Thursday; 10 more arrive in 2 weeks
    snap = plant(
        free_qty={LEG: 8, TOP: 2},
        demand={LEG: [(at(3, 8), 6.0)]},
        supply={LEG: [(at(14, 8), 10.0)]},
    )
    res = one(snap, mto(2))
    assert res.allocations[:2] == [
        Allocation(LEG, 2, at(0, 8), "stock", (TABLE, LEG)),
        Allocation(LEG, 6, at(5, 8), "purchase", (TABLE, LEG)),
    ]
    # without a vendor the line waits for the supply instead of stealing Thursday's legs
    snap.products[LEG].purchase_delay_days = None
    res = one(snap, mto(2))
    assert res.allocations[0] == Allocation(LEG, 8, at(14, 8), "supply", (TABLE, LEG))
    assert res.capacity_ready == at(14, 10)


def test_multi_level_sub_assembly_is_made_before_parent_operation():
    snap = plant(free_qty={LEG: 8, BOARD: 2})
    res = one(snap, mto(2))
    assert res.bookings == [
        Booking(SAW, 300, TOP, at(0, 8), at(0, 9), (TABLE, TOP)),
        Booking(ASSEMBLY, 100, TABLE, at(0, 9), at(0, 11), (TABLE,)),
    ]
    assert [b.level for b in res.bookings] == [1, 0]
    assert Allocation(BOARD, 2, at(0, 8), "stock", (TABLE, TOP, BOARD)) in res.allocations
    assert Allocation(TOP, 2, at(0, 9), "manufacture", (TABLE, TOP)) in res.allocations
    assert res.material_ready == at(0, 9)
    assert res.bottleneck == Bottleneck("component", "Top", at(0, 9), TOP)
    assert res.explanation == (
        "Component Top is made by 2026-03-02; ready 2026-03-02, delivered 2026-03-02."
    )


def test_booked_sub_assembly_workcenter_is_the_root_cause():
    snap = plant(free_qty={LEG: 8, BOARD: 2})
    snap.workcenters[SAW].booked = [(at(0, 8), at(1, 17))]
    res = one(snap, mto(2))
    assert [(b.start, b.end) for b in res.bookings] == [(at(2, 8), at(2, 9)), (at(2, 9), at(2, 11))]
    assert res.bottleneck == Bottleneck("workcenter", "Saw", at(2, 8), SAW)
    assert res.explanation == (
        "Saw is booked until 2026-03-04 for Top; component Top is made by 2026-03-04; "
        "ready 2026-03-04, delivered 2026-03-04."
    )


def test_sub_assembly_wait_names_what_it_was_for():
    # the sub-assembly waits for the saw, the table then for the assembly line: each wait is
    # said once, the sub-assembly's with the product it was for
    snap = plant(free_qty={LEG: 8, BOARD: 2})
    snap.workcenters[SAW].booked = [(at(0, 8), at(1, 17))]
    snap.workcenters[ASSEMBLY].booked = [(at(2, 8), at(2, 17))]
    res = one(snap, mto(2))
    assert [(b.start, b.end) for b in res.bookings] == [(at(2, 8), at(2, 9)), (at(3, 8), at(3, 10))]
    assert res.bottleneck == Bottleneck("workcenter", "Assembly Line", at(3, 8), ASSEMBLY)
    assert res.explanation == (
        "Saw is booked until 2026-03-04 for Top; component Top is made by 2026-03-04; "
        "Assembly Line is booked until 2026-03-05; ready 2026-03-05, delivered 2026-03-05."
    )


def test_two_lines_compete_for_the_same_workcenter():
    snap = plant(free_qty={LEG: 64, TOP: 16})
    first, second = promise_lines(snap, [mto(8, key="a"), mto(8, key="b")])
    assert (first.bookings[0].start, first.bookings[0].end) == (at(0, 8), at(0, 17))
    assert (second.bookings[0].start, second.bookings[0].end) == (at(1, 8), at(1, 17))
    assert first.bottleneck.kind == "lead_time"
    assert second.bottleneck == Bottleneck("workcenter", "Assembly Line", at(1, 8), ASSEMBLY)
    assert second.explanation == (
        "Assembly Line is booked until 2026-03-03; ready 2026-03-03, delivered 2026-03-03."
    )
    assert second.promise_date > first.promise_date
    assert second.bookings == [b for b in second.bookings if b.start >= at(1, 8)]


def test_second_line_sees_stock_taken_by_the_first():
    snap = plant(free_qty={LEG: 8, TOP: 4})
    first, second = promise_lines(snap, [mto(2, key="a"), mto(2, key="b")])
    assert first.allocations[0].source == "stock"
    assert second.allocations[0] == Allocation(LEG, 8, at(5, 8), "purchase", (TABLE, LEG))


def test_stock_then_order_splits_the_line():
    snap = plant(free_qty={TABLE: 3, LEG: 8, TOP: 2}, manufacturing_lead_days=1)
    res = one(snap, LineRequest(1, TABLE, 5, "stock_then_order"))
    assert res.allocations[0] == Allocation(TABLE, 3, at(0, 8), "stock", (TABLE,))
    assert res.allocations[-1] == Allocation(TABLE, 2, at(0, 10), "manufacture", (TABLE,))
    assert res.capacity_ready == at(0, 10)
    assert res.promise_date == date(2026, 3, 3)  # made part + 1 day manufacturing lead
    assert res.explanation == (
        "3 from stock, 2 to order; made to order without waiting for material or capacity; "
        "ready 2026-03-02, delivered 2026-03-03."
    )


def test_stock_then_order_fully_in_stock_and_fully_ordered():
    snap = plant(free_qty={TABLE: 5, LEG: 8, TOP: 2}, delivery_days=2)
    res = one(snap, LineRequest(1, TABLE, 5, "stock_then_order"))
    assert res.bookings == []
    assert res.promise_date == date(2026, 3, 4)
    assert res.explanation == "Table is in stock; ready 2026-03-02, delivered 2026-03-04."
    snap.free_qty[TABLE] = 0
    res = one(snap, LineRequest(1, TABLE, 2, "stock_then_order"))
    assert [a.source for a in res.allocations] == ["stock", "stock", "manufacture"]


def test_make_to_stock_covered_now_and_by_supply():
    snap = plant(free_qty={TABLE: 2}, supply={TABLE: [(at(3, 8), 5.0)]})
    now_res, later = promise_lines(
        snap, [LineRequest(1, TABLE, 2, "make_to_stock"), LineRequest(2, TABLE, 3, "make_to_stock")]
    )
    assert now_res.bottleneck == Bottleneck("lead_time", "Table", at(0, 8), TABLE)
    assert later.bottleneck == Bottleneck("component", "Table", at(3, 8), TABLE)
    assert later.allocations == [Allocation(TABLE, 3, at(3, 8), "supply", (TABLE,))]
    assert later.explanation == (
        "Table arrives on 2026-03-05; ready 2026-03-05, delivered 2026-03-05."
    )


def test_make_to_stock_never_covered_falls_back_to_manufacture():
    snap = plant(free_qty={TABLE: 1, LEG: 8, TOP: 2})
    res = one(snap, LineRequest(1, TABLE, 3, "make_to_stock"))
    assert res.allocations[0] == Allocation(TABLE, 1, at(0, 8), "stock", (TABLE,))
    assert res.allocations[-1] == Allocation(TABLE, 2, at(0, 10), "manufacture", (TABLE,))
    assert res.explanation == (
        "Table is not covered by stock or planned supply, so it will be made; "
        "ready 2026-03-02, delivered 2026-03-02."
    )


def test_make_to_stock_never_covered_falls_back_to_purchase():
    res = one(plant(), LineRequest(1, LEG, 4, "make_to_stock"))
    assert res.capacity_ready == at(5, 8)
    assert res.bottleneck.kind == "lead_time"
    assert res.explanation == (
        "Leg is not covered by stock or planned supply, so it will be purchased and arrives "
        "on 2026-03-07; ready 2026-03-07, delivered 2026-03-07."
    )


def test_make_to_order_of_a_bought_product_buys_it():
    res = one(plant(free_qty={LEG: 100}), mto(4, product=LEG))
    assert res.allocations == [Allocation(LEG, 4, at(5, 8), "purchase", (LEG,))]
    assert res.bottleneck == Bottleneck("lead_time", "Leg", at(5, 8), LEG)


def test_earliest_start_and_days_to_prepare_delay_operations():
    snap = plant(free_qty={LEG: 8, TOP: 2})
    res = one(snap, mto(2, earliest_start=at(2, 10, 30)))
    assert (res.bookings[0].start, res.bookings[0].end) == (at(2, 10, 30), at(2, 13, 30))
    snap.boms[10].days_to_prepare_mo = 1.0
    res = one(snap, mto(2))
    assert res.material_ready == at(1, 8)
    assert res.capacity_ready == at(1, 10)
    assert res.bottleneck.kind == "lead_time"


def test_bom_without_operations_uses_produce_delay():
    snap = plant(free_qty={LEG: 8, TOP: 2})
    snap.boms[10].operations = []
    snap.boms[10].produce_delay = 2.0
    res = one(snap, mto(2))
    assert res.bookings == []
    assert res.capacity_ready == at(2, 8)


def test_promise_date_formula_with_fractional_days():
    snap = plant(free_qty={LEG: 8, TOP: 2}, manufacturing_lead_days=0.5, delivery_days=0.25)
    res = one(snap, mto(2))
    # Monday 10:00 + 12 h + 6 h = Tuesday 04:00
    assert res.promise_date == date(2026, 3, 3)


def test_efficiency_and_bom_quantity_in_end_to_end_duration():
    snap = plant(free_qty={LEG: 12, TOP: 3})
    snap.workcenters[ASSEMBLY].time_efficiency = 50
    snap.workcenters[ASSEMBLY].capacities = {TABLE: (2, 15, 15)}
    res = one(snap, mto(3))
    # ceil(3 / 2) = 2 cycles * 120 min + 30 min = 4 h 30 -> 08:00-12:00, 13:00-13:30
    assert res.capacity_ready == at(0, 13, 30)


def test_to_dict_uses_iso_strings():
    res = one(plant(free_qty={LEG: 5, TOP: 2}), mto(2))
    data = res.to_dict()
    assert data["promise_date"] == "2026-03-09"
    assert data["material_ready"] == "2026-03-07 08:00:00"
    assert data["capacity_ready"] == "2026-03-09 10:00:00"
    assert data["bottleneck"] == {
        "kind": "component",
        "name": "Leg",
        "date": "2026-03-07 08:00:00",
        "res_id": LEG,
    }
    assert data["bookings"][0]["start"] == "2026-03-09 08:00:00"
    assert data["bookings"][0]["level"] == 0
    assert data["allocations"][1]["source"] == "purchase"


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (LineRequest(1, 999, 1, "make_to_order"), "Unknown product id 999"),
        (LineRequest(1, TABLE, 0, "make_to_order"), "must be a positive number"),
        (LineRequest(1, TABLE, -2, "make_to_order"), "must be a positive number"),
        (LineRequest(1, TABLE, float("nan"), "make_to_order"), "must be a positive number"),
        (LineRequest(1, TABLE, 1, "make_to_whatever"), "Unknown strategy 'make_to_whatever'"),
        (LineRequest(1, TABLE, 1, "make_to_order", date(2026, 3, 4)), "naive UTC datetime"),
    ],
)
def test_input_errors(line, message):
    with pytest.raises(PlanningInputError, match=message) as info:
        one(plant(), line)
    assert isinstance(info.value, ValueError)


def test_component_without_any_source_is_named():
    snap = plant(free_qty={TOP: 2, LEG: 1})
    snap.products[LEG].can_buy = False
    with pytest.raises(PlanningError, match="Leg has no stock, no bill of materials and no vendor"):
        one(snap, mto(2))


def test_bom_loop_is_reported():
    snap = plant()
    snap.boms[30].lines.append(snap.boms[10].lines[0].__class__(TABLE, 1))
    with pytest.raises(PlanningInputError, match="Bill of materials loop: Table"):
        one(snap, mto(1))


def test_failed_line_leaves_no_trace():
    snap = plant(free_qty={LEG: 8})
    snap.products[TOP].can_buy = False  # Top needs a Board nobody can supply
    snap.products[BOARD].can_buy = False
    planner = Planner(snap)
    with pytest.raises(PlanningError, match="Board has no stock"):
        planner.promise(mto(2))
    res = planner.promise(LineRequest(2, LEG, 8, "make_to_stock"))
    assert res.allocations == [Allocation(LEG, 8, at(0, 8), "stock", (LEG,))]


def test_discarded_replenishment_leaves_no_booking():
    # Top can be made (Saw, free) but supply of Tops arrives earlier than the Board purchase
    snap = plant(free_qty={LEG: 8}, supply={TOP: [(at(1, 8), 2.0)]})
    res = one(snap, mto(2))
    assert [b.workcenter_id for b in res.bookings] == [ASSEMBLY]
    assert Allocation(TOP, 2, at(1, 8), "supply", (TABLE, TOP)) in res.allocations
    assert all(a.product_id != BOARD for a in res.allocations)


def test_snapshot_is_not_mutated():
    snap = plant(
        free_qty={LEG: 5, TOP: 1, BOARD: 1},
        supply={LEG: [(at(2, 8), 3.0)]},
        demand={TOP: [(at(9, 8), 1.0)]},
    )
    snap.workcenters[SAW].booked = [(at(0, 9), at(0, 10))]
    before = copy.deepcopy(snap)
    promise_lines(snap, [mto(2, key=k) for k in range(3)])
    assert snap == before


def test_large_plan_is_fast():
    import time

    from perfdata import build_large_snapshot

    snap, lines = build_large_snapshot()
    started = time.perf_counter()
    results = promise_lines(snap, lines)
    elapsed = time.perf_counter() - started
    assert len(results) == 20
    assert all(r.bookings for r in results)
    assert elapsed < 1.0, f"20 lines took {elapsed:.3f}s"


def test_deterministic():
    snap = plant(free_qty={LEG: 8, BOARD: 4}, supply={LEG: [(at(3, 8), 8.0)]})
    lines = [mto(2, key=k) for k in range(3)]
    assert [r.to_dict() for r in promise_lines(snap, lines)] == [
        r.to_dict() for r in promise_lines(snap, lines)
    ]


def test_vendor_reliability_buffer_delays_purchase_and_is_explained():
    """Leg: 2 days to purchase + 3 days lead + 2 days buffer = Monday 08:00 + 7 d = next Monday."""
    snap = plant(free_qty={TOP: 1})
    snap.products[LEG].vendor_name = "Acme"
    snap.products[LEG].vendor_buffer_days = 2.0
    res = one(snap, mto(1))
    assert res.allocations[0] == Allocation(LEG, 4, at(7, 8), "purchase", (TABLE, LEG))
    assert res.material_ready == at(7, 8)
    assert res.capacity_ready == at(7, 9)
    assert res.promise_date == date(2026, 3, 9)
    assert res.explanation == (
        "Component Leg arrives on 2026-03-09 (from Acme: 2 d to purchase + lead 3 d"
        " + 2 d reliability buffer); ready 2026-03-09, delivered 2026-03-09."
    )


def test_vendor_without_buffer_named_in_explanation():
    snap = plant(free_qty={TOP: 1}, purchase_lead_days=0.0)
    snap.products[LEG].vendor_name = "Acme"
    res = one(snap, mto(1))
    assert res.material_ready == at(3, 8)
    assert res.explanation.startswith("Component Leg arrives on 2026-03-05 (from Acme: lead 3 d);")


def test_leg_bought_to_order_names_vendor_and_buffer():
    snap = plant(purchase_lead_days=1.0)
    snap.products[LEG].vendor_name = "Acme"
    snap.products[LEG].vendor_buffer_days = 3.0
    res = one(snap, LineRequest(1, LEG, 2, "make_to_order"))
    # 1 + 3 + 3 = 7 days: Monday 2026-03-09 08:00
    assert res.promise_date == date(2026, 3, 9)
    assert res.explanation.startswith(
        "Leg is purchased to order and arrives on 2026-03-09 (from Acme: 1 d to purchase + lead 3 d"
        " + 3 d reliability buffer);"
    )


def test_production_buffer_is_added_to_made_goods_and_explained():
    base = plant(free_qty={LEG: 8, TOP: 2})
    plain = one(base, mto(2))
    buffered = one(plant(free_qty={LEG: 8, TOP: 2}, production_buffer_days=2), mto(2))
    assert buffered.capacity_ready == plain.capacity_ready
    assert buffered.promise_date == plain.promise_date + timedelta(days=2)
    assert "production reliability buffer 2 d" in buffered.explanation
    assert "reliability buffer" not in plain.explanation


def test_production_buffer_grows_with_how_far_ahead_goods_are_made():
    """Only a sub-assembly has finished: 1 d late on a 2-day booked lead. Two tables made now are
    ready Monday 10:00 (half a day at least: 1 x 0.5 / 2 = 0.25, one day rounded up); made from
    Wednesday week 2 08:00 on, ready 10:00, 9.08 days from now: 1 x 9.08 / 2 = 4.54, 5 days."""
    sample = (100.0, (), ((1.0, 2.0),))
    now = one(plant(free_qty={LEG: 8, TOP: 2}, production_buffer_sample=sample), mto(2))
    later = one(plant(free_qty={LEG: 8, TOP: 2}, production_buffer_sample=sample),
                mto(2, earliest_start=at(9, 8)))
    plain = one(plant(free_qty={LEG: 8, TOP: 2}), mto(2, earliest_start=at(9, 8)))
    assert now.capacity_ready == at(0, 10)
    assert "production reliability buffer 1 d" in now.explanation
    assert later.capacity_ready == plain.capacity_ready == at(9, 10)
    assert later.promise_date == plain.promise_date + timedelta(days=5)
    assert "production reliability buffer 5 d" in later.explanation


def test_production_buffer_says_when_sub_assemblies_fill_in():
    """12 of the 30 orders the buffer learns from have finished: the planner is told the buffer
    leans on sub-assemblies for now."""
    snap = plant(free_qty={LEG: 8, TOP: 2}, production_buffer_days=3, production_buffer_finished=(12, 30))
    res = one(snap, mto(2))
    assert ("production reliability buffer 3 d (12 of the 30 orders it learns from finished so far, "
            "sub-assemblies fill in)") in res.explanation
    single = one(plant(free_qty={LEG: 8, TOP: 2}, production_buffer_days=3, production_buffer_finished=(0, 1)),
                 mto(2))
    assert ("production reliability buffer 3 d (the order it learns from has not finished yet, "
            "sub-assemblies fill in)") in single.explanation


def _vendor_history(snap):
    """Leg's vendor was 2 and 6 days late in its last 10 receipts (90th percentile 2 d), Board's
    4 days late once (90th percentile 0 d)."""
    snap.products[LEG].vendor_name = "Acme"
    snap.products[LEG].vendor_buffer_days = 2.0
    snap.products[LEG].vendor_lateness = (0.0,) * 8 + (2.0, 6.0)
    snap.products[BOARD].vendor_name = "Boards Ltd"
    snap.products[BOARD].vendor_lateness = (0.0,) * 9 + (4.0,)
    return snap


def test_per_order_vendor_buffer_covers_every_purchase_of_the_line():
    """A Table buys Leg and Board (for its Top): two purchases, so at 90 % per order each counts at
    the 94.9th percentile, the 10th of 10 receipts: Leg 3 + 6 d = Wednesday, Board 2 + 4 d."""
    snap = _vendor_history(plant(purchase_lead_days=0.0, order_vendor_percentile=90.0))
    res = one(snap, mto(1))
    bought = {a.product_id: a.date for a in res.allocations if a.source == "purchase"}
    assert bought == {LEG: at(9, 8), BOARD: at(6, 8)}
    assert res.material_ready == at(9, 8)
    assert res.capacity_ready == at(9, 9)
    assert res.promise_date == date(2026, 3, 11)
    assert "(from Acme: lead 3 d + 6 d reliability buffer)" in res.explanation
    # the planner's snapshot is left as it was
    assert snap.products[LEG].vendor_buffer_days == 2.0


def test_vendor_buffer_per_receipt_or_single_purchase_keeps_the_percentile():
    # per receipt: Leg 3 + 2 d = Saturday, assembled Monday
    res = one(_vendor_history(plant(purchase_lead_days=0.0)), mto(1))
    assert res.material_ready == at(5, 8)
    assert res.promise_date == date(2026, 3, 9)
    # per order, but the Top is in stock: one purchase, its percentile is the order's
    snap = _vendor_history(plant(purchase_lead_days=0.0, order_vendor_percentile=90.0, free_qty={TOP: 1}))
    res = one(snap, mto(1))
    assert [(a.product_id, a.date) for a in res.allocations if a.source == "purchase"] == [(LEG, at(5, 8))]


def test_forecast_counts_each_purchase_at_the_receipt_percentile():
    """The re-promise judges the likely date: the per-order reserve is what the promise holds."""
    snap = _vendor_history(plant(purchase_lead_days=0.0, order_vendor_percentile=90.0))
    res = Planner(snap).forecast(mto(1))
    assert res.material_ready == at(5, 8)


def test_promise_day_is_the_plants_day():
    from planning.explain import day, local_day

    # 23:30 UTC is the next morning in Tokyo, the same afternoon in Los Angeles
    late = datetime(2026, 11, 30, 23, 30)
    assert local_day(late) == date(2026, 11, 30)
    assert local_day(late, "Asia/Tokyo") == date(2026, 12, 1)
    assert local_day(datetime(2026, 12, 1, 1, 0), "America/Los_Angeles") == date(2026, 11, 30)
    assert day(late, "Asia/Tokyo") == "2026-12-01"
    assert day(date(2026, 11, 30), "Asia/Tokyo") == "2026-11-30", "a date is a day already"


def test_time_off_that_held_the_work_is_named():
    # the Assembly Line is off all Monday: 8 tables (480 min) run Tuesday
    off = [(at(0, 0), at(1, 0))]
    snap = plant(free_qty={LEG: 32, TOP: 8})
    snap.workcenters[ASSEMBLY] = Workcenter(ASSEMBLY, "Assembly Line", working=week_calendar(leaves=off),
                                            closed=off)
    (line,) = promise_lines(snap, [mto(8)])
    assert (line.bookings[0].start, line.bookings[0].end) == (at(1, 8), at(1, 17))
    assert line.bottleneck == Bottleneck("workcenter", "Assembly Line", at(1, 0), ASSEMBLY, time_off=True)
    assert line.explanation == (
        "Assembly Line is closed (time off) until 2026-03-03; ready 2026-03-03, delivered 2026-03-03."
    )
    # time off after the work does not count
    snap.workcenters[ASSEMBLY] = Workcenter(ASSEMBLY, "Assembly Line", working=week_calendar(
        leaves=[(at(2, 0), at(3, 0))]), closed=[(at(2, 0), at(3, 0))])
    (line,) = promise_lines(snap, [mto(8)])
    assert line.bottleneck.kind == "lead_time"
