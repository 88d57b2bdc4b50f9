"""Kits sold on their own (``Snapshot.kits``) on the furniture plant of ``planbuild``.

A Table set is a kit of 1 Table + 2 spare Legs: Odoo delivers its components, so a line of sets
is served as its components by the line's strategy, the last one setting the date. Monday
08:00 is now; Legs are bought in 2 + 3 days (Saturday 08:00), Boards in 2 + 2 (Friday 08:00), a
Top is cut from a Board in 30 min on the Saw, a Table takes 60 min on the Assembly Line.
"""

from datetime import date

import pytest
from planbuild import LEG, TABLE, TOP, at, plant
from planning import BomLine, Bottleneck, Holdings, LineRequest, Planner, PlanningError, Product, promise_lines

SET = 50


def kit_plant(**settings):
    snap = plant(**settings)
    snap.products[SET] = Product(SET, "Table set")
    snap.kits = {SET: [BomLine(TABLE, 1), BomLine(LEG, 2)]}
    return snap


def line(qty, strategy="make_to_order"):
    return LineRequest(1, SET, qty, strategy)


def test_kit_to_order_waits_for_its_last_component():
    """2 sets: 2 Tables made (8 Legs Sat 08:00, Tops cut Fri 08:00-09:00, assembly Mon 9 08:00-10:00)
    and 4 Legs bought to order (Sat 08:00): the Tables come last."""
    res = promise_lines(kit_plant(), [line(2)])[0]
    assert res.capacity_ready == at(7, 10)
    assert res.material_ready == at(5, 8)
    assert res.promise_date == date(2026, 3, 9)
    assert res.bottleneck == Bottleneck("component", "Leg", at(5, 8), LEG)
    assert res.explanation.startswith("Kit Table set: Table is its last component; component Leg arrives on 2026-03-07")
    # each component for the line: 8 + 4 Legs bought, Tables made, nothing of the kit itself
    delivered = [(a.product_id, a.quantity, a.source) for a in res.allocations if len(a.path) == 1]
    assert sorted(delivered) == sorted([(TABLE, 2, "manufacture"), (LEG, 4, "purchase")])
    assert [(a.quantity, a.source) for a in res.allocations if a.path == (TABLE, LEG)] == [(8, "purchase")]
    assert {b.product_id for b in res.bookings} == {TABLE, TOP}


def test_kit_of_bought_components_is_promised_at_the_purchase():
    snap = kit_plant()
    snap.kits[SET] = [BomLine(LEG, 4)]
    res = promise_lines(snap, [line(1)])[0]
    assert res.capacity_ready == at(5, 8)
    # the kit waits for its component's arrival (the Leg itself would say its lead time)
    assert res.bottleneck == Bottleneck("component", "Leg", at(5, 8), LEG)
    assert "Leg is purchased to order and arrives on 2026-03-07" in res.explanation


def test_stock_then_order_splits_whole_kits():
    """3 Tables and 3 Legs in stock make 1 complete set (2 Legs each): 1 set from stock, the
    components of the other to order: 1 Table made (1 Leg left in stock + 3 bought Sat 08:00,
    assembly Mon 9 08:00-09:00) and 2 Legs bought."""
    res = promise_lines(kit_plant(free_qty={TABLE: 3, LEG: 3}), [line(2, "stock_then_order")])[0]
    stock = [(a.product_id, a.quantity) for a in res.allocations if a.source == "stock" and len(a.path) == 1]
    assert sorted(stock) == sorted([(TABLE, 1), (LEG, 2)])
    assert res.capacity_ready == at(7, 9)
    assert "1 from stock, 1 to order" in res.explanation


def test_stock_then_order_all_in_stock():
    res = promise_lines(kit_plant(free_qty={TABLE: 4, LEG: 4}), [line(2, "stock_then_order")])[0]
    assert res.capacity_ready == at(0, 8)
    assert res.promise_date == date(2026, 3, 2)
    assert not res.bookings
    assert res.bottleneck.kind == "lead_time", "all in stock: only lead times set the date"


def test_kit_from_stock_takes_each_component_from_stock_or_supply():
    snap = kit_plant(free_qty={TABLE: 2}, supply={LEG: [(at(1, 8), 4.0)]})
    res = promise_lines(snap, [line(2, "make_to_stock")])[0]
    assert res.capacity_ready == at(1, 8)
    assert res.bottleneck == Bottleneck("component", "Leg", at(1, 8), LEG)
    assert "Leg arrives on 2026-03-03" in res.explanation


def test_forecast_counts_the_components_the_line_holds_and_leaves_no_trace():
    planner = Planner(kit_plant())
    held = Holdings(stock={TABLE: 2.0, LEG: 4.0})
    res = planner.forecast(line(2), held)
    assert res.capacity_ready == at(0, 8)
    assert not res.bookings
    # one Table still to make: the line's 4 Legs are the set's spare ones (what it delivers is
    # counted first), so its Legs are bought (Sat) and it is assembled Mon 9 08:00-09:00
    res = planner.forecast(line(2), Holdings(stock={TABLE: 1.0, LEG: 4.0}))
    assert res.capacity_ready == at(7, 9)
    assert planner.forecast(line(2), held).capacity_ready == at(0, 8)


def test_kit_without_components():
    snap = kit_plant()
    snap.kits[SET] = [BomLine(LEG, 0.0)]
    with pytest.raises(PlanningError, match="Table set is a kit without components"):
        promise_lines(snap, [line(1)])
