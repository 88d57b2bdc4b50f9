"""Reliability buffers: how much of a supplier's observed lateness a promise counts on.

Why: a vendor buffer at the 90th percentile covers one purchase nine times in ten, but an order
waiting for several purchases is complete only when all of them are in: with k independent
purchases at 90 % each it is on time ~0.9^k of the time. Counting each purchase at the k-th root
of the target keeps the *order* at the target.
"""

import math
from collections.abc import Sequence


def percentile_days(values: Sequence[float], percentile: float) -> float:
    """Nearest-rank percentile of `values` (days), rounded up to whole days (a few minutes of
    timestamp noise do not make a day); 0 for no values."""
    if not values:
        return 0.0
    values = sorted(values)
    rank = min(len(values), max(1, math.ceil(round(percentile / 100.0 * len(values), 9))))
    return float(math.ceil(round(values[rank - 1], 2)))


# the percentile of a vendor's lateness a forecast counts each receipt at: the likely date. The
# promise counts the reliability buffer (e.g. the 90th percentile) as its reserve against noise; a
# forecast counting every receipt at that reserve again sees most lines late (each line waits for
# the latest of several receipts, each at its 90th percentile) while the vendors mostly deliver on
# time: on-time lines were flagged at risk, weeks ahead, for components that came when asked.
LIKELY_PERCENTILE = 50.0


def per_purchase_percentile(order_percentile: float, purchases: int) -> float:
    """The percentile each of `purchases` independent purchases must be counted at for all of
    them to arrive in time in `order_percentile` % of orders (e.g. 90 % over 3 purchases: 96.6 %)."""
    if purchases <= 1 or order_percentile <= 0 or order_percentile >= 100:
        return order_percentile
    return 100.0 * (order_percentile / 100.0) ** (1.0 / purchases)


# a booked lead shorter than this counts as this long when lateness is scaled by lead time (a
# sub-assembly booked an hour ahead that ran a day late is not 24 times late per day of lead)
MIN_LEAD_DAYS = 0.5


def production_buffer_days(
    orders: Sequence[float],
    fill: Sequence[tuple[float, float]],
    percentile: float,
    lead_days: float | None = None,
) -> float:
    """The production reliability buffer for goods ready `lead_days` from now.

    `orders`: how late the orders considered finished (or already are), in days; `fill`: (how
    late, booked lead in days) of the sub-assemblies standing in while too few orders have
    finished. Why scale those: lateness builds up over the work queued ahead, so a sub-assembly
    booked a week ahead that finished a day late says a line made eight weeks ahead should expect
    about eight; its own day would understate it (a new company's first weeks). The orders' own
    lateness is taken as it is. Without `lead_days` the sub-assemblies count as they are.
    """
    values = list(orders)
    if lead_days is None:
        values += [late for late, _lead in fill]
    else:
        lead = max(MIN_LEAD_DAYS, lead_days)
        values += [late * lead / max(MIN_LEAD_DAYS, own) for late, own in fill]
    return percentile_days(values, percentile)
