"""Reliability percentiles (hand-computed)."""

import pytest
from planning import per_purchase_percentile, percentile_days


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
