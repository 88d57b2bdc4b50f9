"""Reliability percentiles (hand-computed)."""

import pytest
from planning import per_purchase_percentile, percentile_days, production_buffer_days


def test_percentile_days_nearest_rank_rounded_up_to_days():
    values = [5.0, 0.0, 1.0, 2.0, 0.0]
    assert percentile_days(values, 80) == 2.0   # 4th of 5
    assert percentile_days(values, 100) == 5.0
    assert percentile_days(values, 40) == 0.0   # 2nd of 5
    assert percentile_days([0.2, 1.02], 100) == 2.0
    assert percentile_days([1.001], 100) == 1.0  # minutes of timestamp noise are not a day
    assert percentile_days([], 90) == 0.0


def test_per_purchase_percentile_keeps_the_order_at_its_target():
    assert per_purchase_percentile(90, 1) == 90
    assert per_purchase_percentile(90, 2) == pytest.approx(94.868, abs=1e-3)
    assert per_purchase_percentile(90, 3) == pytest.approx(96.549, abs=1e-3)
    assert (per_purchase_percentile(95, 4) / 100) ** 4 == pytest.approx(0.95)
    assert per_purchase_percentile(100, 5) == 100
    assert per_purchase_percentile(0, 5) == 0


def test_production_buffer_scales_sub_assemblies_to_the_lines_lead():
    """Orders count as late as they were; a sub-assembly 2 d late on an 8-day booked lead counts
    4 d for goods made 16 days ahead, one 0.5 d late on a 1-day lead 8 d (nearest rank, up)."""
    orders, fill = [1.0, 0.0], [(0.5, 1.0), (2.0, 8.0)]
    assert production_buffer_days(orders, fill, 100, 16.0) == 8.0   # values 1, 0, 8, 4
    assert production_buffer_days(orders, fill, 75, 16.0) == 4.0    # 3rd of 4
    assert production_buffer_days(orders, fill, 100, 4.0) == 2.0    # 1, 0, 2, 1
    assert production_buffer_days(orders, fill, 100) == 2.0         # unscaled: 1, 0, 0.5, 2
    assert production_buffer_days(orders, [], 100, 16.0) == 1.0     # orders alone are not scaled
    # leads shorter than half a day count as half a day (an hour ahead is not 1/24 of a day's lateness)
    assert production_buffer_days([], [(1.0, 0.05)], 100, 0.1) == 1.0
    assert production_buffer_days([], [], 90, 10.0) == 0.0
