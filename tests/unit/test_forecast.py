"""Re-planning confirmed lines (``Planner.forecast``) on the furniture plant of ``planbuild``.

A confirmed line holds bookings, order stock, its own moves and purchases; its forecast gives
them back first and leaves the planner as it was, so any batching of lines gives the same
dates. Hand-computed: Monday 08:00 is now, a Table takes 60 min on the Assembly Line, Legs are
bought in 2 + 3 days (Saturday 08:00).
"""

import dataclasses

from planbuild import ASSEMBLY, BOARD, LEG, SAW, TABLE, TOP, at, plant
from planning import Holdings, LineRequest, Planner

DAY_A = (at(0, 8), at(0, 17))  # line A's 8 tables booked on Monday
DAY_B = (at(1, 8), at(1, 17))  # line B's 8 tables booked on Tuesday


def mto(qty, key):
    return LineRequest(key, TABLE, qty, "make_to_order")


def booked_plant():
    return plant(free_qty={LEG: 64, TOP: 16}, workcenters={
        **plant().workcenters,
        ASSEMBLY: dataclasses.replace(plant().workcenters[ASSEMBLY], booked=[DAY_A, DAY_B]),
    })


def test_own_bookings_are_given_back_only_to_their_line():
    planner = Planner(booked_plant())
    a = planner.forecast(mto(8, "a"), Holdings(booked={ASSEMBLY: [DAY_A]}))
    b = planner.forecast(mto(8, "b"), Holdings(booked={ASSEMBLY: [DAY_B]}))
    assert (a.bookings[0].start, a.bookings[0].end) == DAY_A
    assert (b.bookings[0].start, b.bookings[0].end) == DAY_B
    # in the other order, and again: nothing of one forecast stays for the next
    planner = Planner(booked_plant())
    assert planner.forecast(mto(8, "b"), Holdings(booked={ASSEMBLY: [DAY_B]})).bookings == b.bookings
    assert planner.forecast(mto(8, "a"), Holdings(booked={ASSEMBLY: [DAY_A]})).bookings == a.bookings
    # a new line still sees both days booked: first free slot is Wednesday
    c = planner.promise(mto(1, "c"))
    assert (c.bookings[0].start, c.bookings[0].end) == (at(2, 8), at(2, 9))


def test_overlapping_booking_of_another_order_stays_booked():
    snap = booked_plant()
    snap.workcenters[ASSEMBLY].booked.append((at(0, 8), at(0, 10)))  # someone else, Monday 08-10
    a = Planner(snap).forecast(mto(1, "a"), Holdings(booked={ASSEMBLY: [DAY_A]}))
    assert (a.bookings[0].start, a.bookings[0].end) == (at(0, 10), at(0, 11))


def test_own_demand_and_order_stock_are_available_again():
    # 8 legs on hand, all needed by line A's own production move (demand now)
    snap = plant(free_qty={LEG: 8, TOP: 2}, demand={LEG: [(at(0, 8), 8.0)]})
    planner = Planner(snap)
    blind = planner.forecast(mto(2, "a"))
    assert blind.material_ready == at(5, 8)  # the legs look taken: bought by Saturday
    mine = planner.forecast(mto(2, "a"), Holdings(demand={LEG: [(at(0, 8), 8.0)]}))
    assert mine.material_ready == at(0, 8)
    # order stock pegged to the line counts as its own
    pegged = Planner(plant(free_qty={TOP: 2})).forecast(mto(2, "a"), Holdings(stock={LEG: 8.0}))
    assert pegged.material_ready == at(0, 8)


def test_order_stock_is_the_lines_own_whatever_others_need():
    """Line A holds 8 legs pegged to it; another order needs 8 legs on Tuesday and none are free:
    the projected stock would protect that need, but pegged legs are A's alone."""
    snap = plant(free_qty={TOP: 2}, demand={LEG: [(at(1, 8), 8.0)]})
    forecast = Planner(snap).forecast(mto(2, "a"), Holdings(stock={LEG: 8.0}))
    assert forecast.material_ready == at(0, 8)
    assert forecast.allocations[0].source == "stock"
    # only what it holds: 4 pegged, 4 more bought by Saturday (the other order keeps its claim)
    short = Planner(snap).forecast(mto(2, "a"), Holdings(stock={LEG: 4.0}))
    assert short.material_ready == at(5, 8)
    assert [(a.quantity, a.source) for a in short.allocations if a.product_id == LEG] == [
        (4.0, "stock"), (4.0, "purchase")]


def test_own_production_output_is_not_counted_twice():
    # the line's own MO will bring 2 tables on Tuesday: the forecast re-plans that MO instead
    snap = plant(free_qty={LEG: 8, TOP: 2}, supply={TABLE: [(at(1, 8), 2.0)]})
    forecast = Planner(snap).forecast(
        LineRequest("a", TABLE, 2, "make_to_stock"), Holdings(supply={TABLE: [(at(1, 8), 2.0)]}))
    assert forecast.bookings  # made, not taken from its own future output
    assert forecast.capacity_ready == at(0, 10)


def test_components_already_bought_arrive_as_their_purchase_order_says():
    planner = Planner(plant(free_qty={TOP: 2}))
    late = planner.forecast(mto(2, "a"), Holdings(purchases={LEG: at(7, 8)}))
    assert late.material_ready == at(7, 8)  # vendor's date, not a new 5-day purchase
    # and the override is gone for the next line
    assert planner.forecast(mto(2, "b")).material_ready == at(5, 8)


def test_components_already_bought_can_arrive_sooner_than_a_new_purchase():
    """Legs ordered last week arrive on Wednesday, a new purchase would take until Saturday: the
    forecast waits for the order, not for a purchase nobody will make (that made lines whose
    components were on their way look a vendor lead time late)."""
    planner = Planner(plant(free_qty={TOP: 2}))
    soon = planner.forecast(mto(2, "a"), Holdings(purchases={LEG: at(2, 8)}))
    assert soon.material_ready == at(2, 8)
    assert soon.explanation.startswith("Component Leg arrives on 2026-03-04 (already ordered);")
    # an order past its date comes from now on, not in the past
    overdue = planner.forecast(mto(2, "a"), Holdings(purchases={LEG: at(-3, 8)}))
    assert overdue.material_ready == at(0, 8)
    # a line that buys nothing yet still plans the new purchase
    assert planner.forecast(mto(2, "b")).material_ready == at(5, 8)
    # the vendor since removed from the product: the order placed still comes
    snap = plant(free_qty={TOP: 2})
    snap.products[LEG] = dataclasses.replace(snap.products[LEG], can_buy=False, purchase_delay_days=None)
    assert Planner(snap).forecast(mto(2, "a"), Holdings(purchases={LEG: at(2, 8)})).material_ready == at(2, 8)


def test_explanations_use_the_installed_translator_only_inside_its_block():
    from planning import promise_lines, translation

    snap = plant(free_qty={LEG: 8, TOP: 2})
    french = {"ready %(ready)s, delivered %(delivered)s": "prêt le %(ready)s, livré le %(delivered)s"}
    with translation(lambda text: french.get(text, text)):
        (inside,) = promise_lines(snap, [mto(2, "a")])
    (outside,) = promise_lines(snap, [mto(2, "a")])
    assert inside.explanation.endswith("prêt le 2026-03-02, livré le 2026-03-02.")
    assert outside.explanation.endswith("ready 2026-03-02, delivered 2026-03-02.")


def test_own_purchase_date_already_contains_the_reliability_buffer():
    snap = plant(free_qty={TOP: 2})
    snap.products[LEG] = dataclasses.replace(snap.products[LEG], vendor_buffer_days=2.0)
    planner = Planner(snap)
    # a new purchase: 2 days to purchase + 3 days lead + 2 days buffer = Monday + 7 days
    assert planner.forecast(mto(2, "b")).material_ready == at(7, 8)
    # the line's own purchase order, honestly dated (buffer included) Tuesday of next week
    assert planner.forecast(mto(2, "a"), Holdings(purchases={LEG: at(8, 8)})).material_ready == at(8, 8)


def test_a_slot_that_still_holds_is_kept_as_booked():
    """Line A's 2 tables hold Monday 10:00-12:00 on the Assembly Line, booked solid around it;
    tables now take 90 min each. A new plan would not fit the slot again (the next free time is
    Wednesday): the forecast keeps the slot and runs over it by the extra hour (after the lunch
    break: 14:00), as the shop floor would, so A is not reported days late for an hour's work."""
    held = (at(0, 10), at(0, 12))
    snap = plant(free_qty={LEG: 8, TOP: 2})
    slower = dataclasses.replace(snap.boms[10], operations=[dataclasses.replace(snap.boms[10].operations[0],
                                                                                 time_cycle=90.0)])
    snap.boms = {**snap.boms, 10: slower}
    snap.workcenters[ASSEMBLY] = dataclasses.replace(
        snap.workcenters[ASSEMBLY], booked=[(at(0, 8), at(0, 10)), held, (at(0, 13), at(1, 17))])
    planner = Planner(snap)
    kept = planner.forecast(mto(2, "a"), Holdings(booked={ASSEMBLY: [held]},
                                                  slots={(TABLE, 100): [(ASSEMBLY, *held, None)]}))
    assert [(b.start, b.end) for b in kept.bookings] == [(at(0, 10), at(0, 14))]
    assert kept.capacity_ready == at(0, 14)
    # without the slot (a new plan with today's 90 min a table) it would be Wednesday
    replanned = planner.forecast(mto(2, "a"), Holdings(booked={ASSEMBLY: [held]}))
    assert [(b.start, b.end) for b in replanned.bookings] == [(at(2, 8), at(2, 11))]
    # as fast as booked: the slot as it is
    snap.boms = {**snap.boms, 10: plant().boms[10]}
    same = Planner(snap).forecast(mto(2, "a"), Holdings(booked={ASSEMBLY: [held]},
                                                       slots={(TABLE, 100): [(ASSEMBLY, *held, None)]}))
    assert [(b.start, b.end) for b in same.bookings] == [held]


def test_a_slot_before_the_material_is_ready_keeps_its_place():
    """The legs are bought (ready Saturday): Monday's slot cannot hold. The Assembly Line is
    booked solid next Monday and Tuesday; the late table keeps its place in the queue (as the
    re-plan of late work keeps it), next Monday 08-09, not after Tuesday's work."""
    held = (at(0, 10), at(0, 11))
    snap = plant(free_qty={TOP: 1})
    snap.workcenters[ASSEMBLY] = dataclasses.replace(
        snap.workcenters[ASSEMBLY], booked=[held, (at(7, 8), at(8, 17))])
    planner = Planner(snap)
    result = planner.forecast(mto(1, "a"), Holdings(booked={ASSEMBLY: [held]},
                                                    slots={(TABLE, 100): [(ASSEMBLY, *held, None)]}))
    assert result.material_ready == at(5, 8)
    assert [(b.start, b.end) for b in result.bookings] == [(at(7, 8), at(7, 9))]
    replanned = planner.forecast(mto(1, "a"), Holdings(booked={ASSEMBLY: [held]}))
    assert [(b.start, b.end) for b in replanned.bookings] == [(at(9, 8), at(9, 9))]


def test_work_already_done_is_not_planned_again():
    """Line A's table was assembled already (its production order waits to be closed): the
    forecast plans no assembly again and the goods are ready now."""
    planner = Planner(plant(free_qty={LEG: 4, TOP: 1}))
    blind = planner.forecast(mto(1, "a"))
    assert [(b.start, b.end) for b in blind.bookings] == [(at(0, 8), at(0, 9))]
    done = planner.forecast(mto(1, "a"), Holdings(done={(TABLE, 100): 1}))
    assert done.bookings == [] and done.capacity_ready == at(0, 8)


def test_an_operation_whose_predecessor_runs_long_pushes_its_slot():
    """Line A's top is cut Monday 08:00-08:30 and its table assembled 08:30-09:30, the Assembly
    Line booked solid after it until Tuesday evening. Cutting now takes 45 min: the assembly
    starts at 08:45 and pushes its slot to 09:45, as the shop floor would, instead of being
    planned again on Wednesday."""
    snap = plant(free_qty={LEG: 4, BOARD: 1})
    slower_cut = dataclasses.replace(snap.boms[30], operations=[dataclasses.replace(snap.boms[30].operations[0],
                                                                                    time_cycle=45.0)])
    snap.boms = {**snap.boms, 30: slower_cut}
    cut, assemble = (at(0, 8), at(0, 8, 30)), (at(0, 8, 30), at(0, 9, 30))
    snap.workcenters[ASSEMBLY] = dataclasses.replace(
        snap.workcenters[ASSEMBLY], booked=[assemble, (at(0, 9, 30), at(1, 17))])
    snap.workcenters[SAW] = dataclasses.replace(snap.workcenters[SAW], booked=[cut])
    holdings = Holdings(booked={ASSEMBLY: [assemble], SAW: [cut]},
                        slots={(TOP, 300): [(SAW, *cut, None)], (TABLE, 100): [(ASSEMBLY, *assemble, None)]})
    result = Planner(snap).forecast(mto(1, "a"), holdings)
    assert [(b.start, b.end) for b in result.bookings] == [(at(0, 8), at(0, 8, 45)), (at(0, 8, 45), at(0, 9, 45))]
    assert result.capacity_ready == at(0, 9, 45)


def test_a_running_work_order_holds_its_slot_for_the_work_it_has_left():
    """Line A's assembly runs, its slot ending at 09:00; 90 minutes of work are left (now Monday
    08:00): it holds the Assembly Line until 09:30, whatever a table is now expected to take."""
    snap = plant(free_qty={LEG: 4, TOP: 1})
    snap.workcenters[ASSEMBLY] = dataclasses.replace(snap.workcenters[ASSEMBLY], booked=[(at(0, 8), at(0, 9))])
    result = Planner(snap).forecast(mto(1, "a"), Holdings(
        booked={ASSEMBLY: [(at(0, 8), at(0, 9))]}, slots={(TABLE, 100): [(ASSEMBLY, at(0, 8), at(0, 9), 90.0)]}))
    assert [(b.start, b.end) for b in result.bookings] == [(at(0, 8), at(0, 9, 30))]
    # nothing waited for: it runs past its own slot (not "without waiting for material or capacity")
    assert result.explanation.startswith("Made to order in the slots booked for it, its work running past their end;")
    on_time = Planner(snap).forecast(mto(1, "a"), Holdings(
        booked={ASSEMBLY: [(at(0, 8), at(0, 9))]}, slots={(TABLE, 100): [(ASSEMBLY, at(0, 8), at(0, 9), 60.0)]}))
    assert on_time.explanation.startswith("Made to order in the slots booked for it;")


def test_forecast_is_the_likely_date_without_the_production_buffer():
    """The production buffer is the promise's reserve: the forecast leaves it out, so a line is
    at risk when its plan no longer fits even with the reserve used up."""
    snap = plant(free_qty={LEG: 8, TOP: 2}, production_buffer_days=2)
    promised = Planner(snap).promise(mto(2, "a"))
    forecast = Planner(snap).forecast(mto(2, "a"))
    assert forecast.capacity_ready == promised.capacity_ready == at(0, 10)
    assert (promised.promise_date - forecast.promise_date).days == 2
    assert "production reliability buffer" in promised.explanation
    assert "production reliability buffer" not in forecast.explanation


def test_a_passed_slot_kept_for_late_material_runs_first_when_the_material_comes():
    """Line A's table kept its slot of last Friday 10-11 (its legs were late; they now come on
    Saturday). The Assembly Line is booked solid next Monday and Tuesday: the shop floor runs the
    overdue table first, next Monday 08-09, not after Tuesday's work as a new plan would."""
    held = (at(-3, 10), at(-3, 11))
    snap = plant(free_qty={TOP: 1})
    snap.workcenters[ASSEMBLY] = dataclasses.replace(snap.workcenters[ASSEMBLY], booked=[(at(7, 8), at(8, 17))])
    planner = Planner(snap)
    result = planner.forecast(mto(1, "a"), Holdings(slots={(TABLE, 100): [(ASSEMBLY, *held, None)]}))
    assert result.material_ready == at(5, 8)
    assert [(b.start, b.end) for b in result.bookings] == [(at(7, 8), at(7, 9))]
    assert result.capacity_ready == at(7, 9)
    assert result.bottleneck.kind != "workcenter"
    replanned = planner.forecast(mto(1, "a"))
    assert [(b.start, b.end) for b in replanned.bookings] == [(at(9, 8), at(9, 9))]
