"""A deterministic, busy plant for the performance test (not a test module itself).

10 work centers with ~2,000 booked intervals in total, 5 finished products with 3-level BoMs
of ~40 components and 4-6 operations per manufactured item, and 20 order lines.
"""

import random
from datetime import timedelta

from planbuild import MON, at, week_calendar
from planning import Bom, BomLine, LineRequest, Operation, Product, Snapshot, Workcenter


def build_large_snapshot():
    rng = random.Random(42)
    calendar = week_calendar(weeks=100)
    workcenters = {}
    for wc_id in range(1, 11):
        booked = []
        for start, end in calendar[:240]:  # ~24 weeks of half-days, mostly booked
            if rng.random() < 0.85:
                offset = timedelta(minutes=rng.choice((0, 30, 60)))
                length = timedelta(minutes=rng.choice((60, 120, 180)))
                booked.append((start + offset, min(start + offset + length, end)))
        alternatives = [wc_id % 10 + 1] if wc_id % 3 == 0 else []
        workcenters[wc_id] = Workcenter(
            wc_id,
            f"WC {wc_id}",
            time_efficiency=rng.choice((80, 100, 120)),
            time_start=5,
            time_stop=5,
            alternative_ids=alternatives,
            working=calendar,
            booked=booked,
        )
    products, boms, free, supply = {}, {}, {}, {}
    next_id = [1000]

    def new_id():
        next_id[0] += 1
        return next_id[0]

    def bought():
        pid = new_id()
        products[pid] = Product(
            pid, f"Part {pid}", purchase_delay_days=rng.choice((3, 7, 14)), can_buy=True
        )
        free[pid] = rng.choice((0, 5, 50, 500))
        if rng.random() < 0.5:
            supply[pid] = [(at(rng.randint(1, 30), 8), float(rng.choice((20, 100))))]
        return pid

    def made(level):
        pid = new_id()
        children = [made(level + 1) for _ in range((2, 2, 0)[level])]
        children += [bought() for _ in range(3)]
        ops = [
            Operation(pid * 10 + k, f"Op {k}", k, rng.randint(1, 10), rng.choice((5, 15, 30)))
            for k in range(rng.randint(4, 6))
        ]
        boms[pid] = Bom(
            pid, pid, 1.0, lines=[BomLine(c, rng.choice((1, 2))) for c in children], operations=ops
        )
        products[pid] = Product(pid, f"Item {pid}", bom_id=pid, can_manufacture=True)
        return pid

    finished = []
    for _ in range(5):
        top = made(0)
        boms[top].lines.append(BomLine(made(1), 1))
        finished.append(top)
    snapshot = Snapshot(
        now=MON.replace(hour=8),
        products=products,
        boms=boms,
        free_qty=free,
        supply=supply,
        workcenters=workcenters,
        purchase_lead_days=1.0,
        manufacturing_lead_days=1.0,
        delivery_days=1.0,
        security_lead_days=1.0,
    )
    strategies = ("make_to_order", "make_to_order", "stock_then_order", "make_to_stock")
    lines = [
        LineRequest(i, finished[i % 5], rng.choice((1, 3, 10)), strategies[i % 4])
        for i in range(20)
    ]
    return snapshot, lines
