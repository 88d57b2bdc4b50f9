"""The simulation report judges the orders of the measured weeks only, each once it is due or shipped."""
import sys
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from planning.explain import buffer_fragments  # noqa: E402

from sim.report import BUFFER_FRAGMENT, build_report, classify_cause  # noqa: E402


def _line(order, window, order_day, promise, ship, plain):
    return {"order": order, "window": window, "order_day": order_day, "promise": promise, "plain": plain,
            "ship_day": ship, "kind": "furniture", "product": "P", "productions": [], "first_risk_day": None,
            "risk_cause": None}


def _result(lines, end="2025-06-30"):
    return {"start": "2025-03-03", "end": end, "weeks": 2, "measure_from": "2025-03-31",
            "measure_to": "2025-04-11", "warmup_weeks": 4, "drain_days": 20, "working_days": 90, "seed": 1,
            "orders_per_day": 1.0, "lines": lines, "productions": {}, "receipts": [], "breakdowns": [],
            "workorders": [], "events": {}, "errors": [], "quotations_left_draft": 0, "promise_failures": [],
            "workcenter_busy_minutes": {"Cutting": 240.0}, "workcenter_available_minutes": {"Cutting": 480.0}}


def test_only_measured_orders_are_judged():
    lines = {
        # warm-up: late, reported apart
        "1": _line("S1", "warm-up", "2025-03-05", "2025-04-01", "2025-04-20", "2025-03-20"),
        # measured: on time (with its plain-Odoo date missed), late by 3 days, late and still open
        "2": _line("S2", "measured", "2025-04-01", "2025-05-06", "2025-05-06", "2025-04-15"),
        "3": _line("S3", "measured", "2025-04-02", "2025-05-07", "2025-05-10", "2025-04-16"),
        "4": _line("S4", "measured", "2025-04-03", "2025-06-20", None, "2025-04-17"),
        # measured, not due and open when the run stopped: not judged
        "5": _line("S5", "measured", "2025-04-10", "2025-07-15", None, "2025-04-24"),
        # ordered during the drain: not judged
        "6": _line("S6", "drain", "2025-04-20", "2025-05-20", "2025-06-25", "2025-05-04"),
    }
    rep = build_report(_result(lines))
    assert rep["orders"]["judged"] == 3 and rep["orders"]["not_judged"] == 1
    assert rep["orders"]["warmup_confirmed"] == 1 and rep["orders"]["after_confirmed"] == 1
    assert rep["on_time"] == {"on_time": 1, "late_shipped": 1, "late_not_shipped": 1, "share": 1 / 3}
    # S3 3 days late, S4 open 10 days after its promise (at least 11 days late)
    assert rep["lateness_days"]["on time"] == 1
    assert rep["lateness_days"]["2-3 days"] == 1 and rep["lateness_days"]["8-14 days"] == 1
    assert rep["warmup_on_time"] == {"judged": 1, "on_time": 0, "share": 0.0}
    # promised lead of the judged orders: 35, 35, 78 days
    assert rep["promised_lead_days"]["median"] == 35
    # plain Odoo reaches one in three by 35 days (S2 shipped 35 days after its order)
    assert rep["plain_odoo"]["lead_needed_for_same_on_time_share"] == 35
    assert rep["period"]["measure_from"] == "2025-03-31" and rep["period"]["drain_days"] == 20


def test_late_line_counts_against_its_own_promise():
    """A line shipped two days after its own promise makes its order late, even when the order's
    latest promise (another line's) is later still."""
    lines = {
        "1": _line("S1", "measured", "2025-04-01", "2025-05-06", "2025-05-08", "2025-04-15"),
        "2": _line("S1", "measured", "2025-04-01", "2025-05-20", "2025-05-08", "2025-04-15"),
    }
    rep = build_report(_result(lines))
    assert rep["on_time"]["on_time"] == 0 and rep["on_time"]["late_shipped"] == 1
    assert rep["lateness_days"]["2-3 days"] == 1 and rep["lateness_days"]["on time"] == 0


def test_ground_truth_names_the_root_material_wait():
    """A late line whose order waited for its sub-assembly, which itself waited for a purchase made
    for the order, is late for the purchase; one that waited only for its sub-assembly is late for
    the sub-assembly's own work; on-time lines flagged at risk are counted as false alarms."""
    lines = {
        "1": _line("S1", "measured", "2025-04-01", "2025-05-06", "2025-05-09", "2025-04-15"),
        "2": _line("S2", "measured", "2025-04-01", "2025-05-06", "2025-05-09", "2025-04-15"),
        "3": _line("S3", "measured", "2025-04-01", "2025-05-06", "2025-05-06", "2025-04-15"),
    }
    lines["1"]["productions"], lines["2"]["productions"] = [10, 11], [12]
    lines["3"]["first_risk_day"] = "2025-04-02"
    productions = {
        "10": {"name": "MO10", "planned_start": "2025-05-01T07:00:00", "ready_at": "2025-05-05T07:00:00",
               "waited_for": ["sub-assembly"]},
        "11": {"name": "MO11", "planned_start": "2025-04-25T07:00:00", "ready_at": "2025-05-02T07:00:00",
               "waited_for": ["purchase for the order"]},
        "12": {"name": "MO12", "planned_start": "2025-05-01T07:00:00", "ready_at": "2025-05-05T07:00:00",
               "waited_for": ["sub-assembly"]},
    }
    rep = build_report({**_result(lines), "productions": productions})
    assert rep["late_causes_simulation"] == {
        "material: purchase for the order late or short (vendor slippage)": 1,
        "material: sub-assembly late (its own queue or work)": 1,
    }
    assert rep["on_time_lines_flagged_at_risk"] == {"flagged": 1, "of": 1}


def test_perfect_promise_shows_what_any_promise_could_reach():
    """Orders shipped 20, 30, 40 and 50 days after they were placed, all on time: plain Odoo needs
    50 days for every one of them; promising each its real ship day has a median of 35 days,
    30 % shorter. Ours (median 45) is 10 % shorter."""
    lines = {
        str(i): _line(f"S{i}", "measured", "2025-04-01", promise, ship, "2025-04-15")
        for i, (promise, ship) in enumerate([("2025-04-26", "2025-04-21"), ("2025-05-11", "2025-05-01"),
                                             ("2025-05-21", "2025-05-11"), ("2025-05-21", "2025-05-21")])
    }
    rep = build_report(_result(lines))
    plain = rep["plain_odoo"]
    assert rep["on_time"]["share"] == 1.0 and plain["lead_needed_for_same_on_time_share"] == 50
    assert rep["promised_lead_days"]["median"] == 45
    assert abs(plain["our_median_shorter_by"] - 0.1) < 1e-9
    assert plain["median_lead_if_promised_the_ship_day"] == 35
    assert abs(plain["shorter_by_if_promised_the_ship_day"] - 0.3) < 1e-9


def test_buffer_what_if_replays_the_same_plant_with_other_buffers():
    """Two lines made to order carried a 5-day production buffer, one from stock none: their
    unbuffered promises are 6 and 16 May. Without a buffer the first (shipped 8 May) is late;
    2 days are the smallest constant keeping all; the perfect buffer promises 8 and 16 May."""
    buffered = "Assembly is booked until 2025-05-05; production reliability buffer 5 d; ready ..."
    lines = {
        "1": {**_line("S1", "measured", "2025-04-01", "2025-05-11", "2025-05-08", "2025-04-15"),
              "explanation": buffered},
        "2": {**_line("S2", "measured", "2025-04-01", "2025-05-21", "2025-05-15", "2025-04-15"),
              "explanation": buffered},
        "3": {**_line("S3", "measured", "2025-04-01", "2025-04-05", "2025-04-05", "2025-04-15"),
              "explanation": "[P] is in stock; ready 2025-04-05, delivered 2025-04-05."},
    }
    rep = build_report(_result(lines))
    assert rep["on_time"]["share"] == 1.0 and rep["promised_lead_days"]["median"] == 40
    what_if = rep["production_buffer_what_if"]
    assert what_if["lines"] == 2
    assert abs(what_if["none"]["on_time_share"] - 2 / 3) < 1e-9
    assert what_if["smallest_constant_reaching_target"]["days"] == 2
    assert what_if["smallest_constant_reaching_target"]["on_time_share"] == 1.0
    assert what_if["smallest_constant_reaching_target"]["median_lead_days"] == 37
    # plain Odoo needs 44 days (S2 shipped 44 days after its order) for all of them
    assert what_if["perfect"]["on_time_share"] == 1.0 and what_if["perfect"]["median_lead_days"] == 37
    assert abs(what_if["perfect"]["shorter_than_plain_odoo_by"] - (1 - 37 / 44)) < 1e-9
    # the run's own promises are left as they were
    assert lines["1"]["promise"] == "2025-05-11"


def test_buffer_what_if_reads_the_planners_own_wording():
    """The replay finds the buffer in both of the planner's explanation fragments."""
    for finished in (None, (12, 30)):
        snapshot = SimpleNamespace(production_buffer_finished=finished)
        (fragment,) = buffer_fragments(snapshot, 7.0)
        assert BUFFER_FRAGMENT.search(f"Assembly is booked until 2025-05-05; {fragment}; ready ...").group(1) == "7"


def test_add_on_causes_are_classified_by_their_wording():
    """The at-risk causes the add-on writes (English, as the simulation runs) land in the
    report's categories: a production late because a purchase for the order came late is the
    vendor's slippage, not the shop floor's."""
    assert classify_cause("WH/MO/00227 runs late: Panel from Panel Vendor (P00116) arrived 8 days "
                          "later than expected") == "vendor slippage"
    assert classify_cause("WH/MO/00227 runs late: waiting for Panel") == "material: production waits for components"
    assert classify_cause("WH/MO/00227 runs late: work behind schedule") == "capacity: production running late"
    assert classify_cause("WH/MO/00227 runs late: its sub-assembly WH/MO/00226 (Frame) finished 2 days later "
                          "than planned") == "capacity: production running late"
    assert classify_cause("Panel Vendor moved P00116 (Panel) by 3 days") == "vendor slippage"
    assert classify_cause("WH/MO/00101 - Powder coat guard on Paint runs past its booked end") \
        == "capacity: work order overrun"
    assert classify_cause(None) is None
