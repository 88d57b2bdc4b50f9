"""A short plant simulation (one week, demo company at scale 1) checks the simulation's mechanics.

The simulation runs in a subprocess on its own database (``mto_sim_test``: the template with Odoo's
apps + ``mto_fulfilment``), so it never meets pytest-odoo's in-process registry.
"""
import json
import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
HOME_CACHE = Path.home() / ".cache" / "mto-odoo"
PYTHON = os.environ.get("MTO_PYTHON") or str(HOME_CACHE / "venv" / "bin" / "python")
DB = os.environ.get("MTO_DB_PREFIX", "mto") + "_sim_test"  # ./setup/test sets the prefix per run
START = date(2025, 3, 3)
DAYS = 5


def _psql(sql, db=DB):
    out = subprocess.run(["psql", "-d", db, "-qtAc", sql], check=True, capture_output=True, text=True)
    return out.stdout.strip()


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    out = tmp_path_factory.mktemp("sim")
    env = {**os.environ, "MTO_PYTHON": PYTHON}
    env.setdefault("MTO_ODOO_CONF", str(REPO / ".local" / "odoo.conf"))
    env.setdefault("MTO_ODOO_SRC", str(HOME_CACHE / "odoo-19.0"))
    cmd = [PYTHON, "-m", "sim", "--db", DB, "--days", str(DAYS), "--seed", "3", "--start", START.isoformat(),
           "--orders-per-day", "2.5", "--out", str(out), "--warmup-weeks", "0", "--drain-weeks", "0",
           "--open-work"]   # a running plant: in one week from an idle one, nothing would ship
    if os.environ.get("MTO_TEMPLATE_DB"):
        cmd += ["--template", os.environ["MTO_TEMPLATE_DB"]]
    proc = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, f"simulation failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-5000:]}"
    data = json.loads(next(out.glob("*.json")).read_text())
    yield {"stdout": proc.stdout, "report": data["report"], "raw": data["raw"], "out": out}
    subprocess.run(["dropdb", "--if-exists", "--force", DB], capture_output=True)


def test_clock_moves_day_by_day(run):
    raw = run["raw"]
    days = [date.fromisoformat(d["day"]) for d in raw["day_stats"]]
    assert len(days) == DAYS and days[0] == START
    assert all(b > a and b.weekday() < 5 for a, b in zip(days, days[1:], strict=False))
    # Odoo's own "now" followed the simulated clock: its stamps are inside the simulated week
    end = days[-1] + timedelta(days=1)
    first, last = _psql(
        "SELECT min(date_finished), max(date_finished) FROM mrp_workorder WHERE state = 'done' "
        f"AND date_finished >= '{START}'").split("|")
    assert first and last and str(START) <= first[:10] and last[:10] < str(end)
    order_days = {line["order_day"] for line in raw["lines"].values()}
    assert len(order_days) >= 2, "orders arrive on several simulated days"
    assert all(START.isoformat() <= d < end.isoformat() for d in order_days)


def test_orders_promised_and_confirmed(run):
    raw, rep = run["raw"], run["report"]
    created = sum(d.get("orders", 0) for d in raw["day_stats"])
    confirmed = sum(d.get("confirmed", 0) for d in raw["day_stats"])
    assert confirmed > 0 and created > confirmed
    assert created == confirmed + raw["quotations_left_draft"] + len(raw["promise_failures"])
    assert rep["orders"]["confirmed"] == confirmed == len(raw["orders"])
    assert all(line["promise"] and line["promise"] >= line["order_day"] for line in raw["lines"].values())
    names = ",".join(f"'{o['name']}'" for o in raw["orders"].values())
    assert _psql(f"SELECT count(*) FROM sale_order WHERE name IN ({names}) AND state = 'sale'") == str(confirmed)
    # the promise booked the work orders of the order's production
    assert int(_psql(
        "SELECT count(*) FROM mrp_workorder wo JOIN mrp_production mo ON mo.id = wo.production_id "
        f"WHERE mo.mto_sale_order_id IN (SELECT id FROM sale_order WHERE name IN ({names})) "
        "AND wo.leave_id IS NOT NULL")) > 0
    # quotations never confirmed stay draft
    assert int(_psql("SELECT count(*) FROM sale_order WHERE state = 'draft' "
                     f"AND date_order >= '{START}'")) == raw["quotations_left_draft"] + len(raw["promise_failures"])


def test_work_orders_finish_and_deliveries_ship(run):
    raw, rep = run["raw"], run["report"]
    assert rep["workorders_done"] == len(raw["workorders"]) == sum(d.get("wo_done", 0) for d in raw["day_stats"])
    assert rep["workorders_done"] > 10
    assert sum(d.get("mo_done", 0) for d in raw["day_stats"]) > 0
    assert sum(d.get("shipped", 0) for d in raw["day_stats"]) > 0
    # (the demo company ships a few orders itself just before the first simulated day, 07:00 Berlin)
    done = int(_psql("SELECT count(*) FROM stock_picking p JOIN stock_picking_type t ON t.id = p.picking_type_id "
                     f"WHERE t.code = 'outgoing' AND p.state = 'done' AND p.date_done >= '{START} 06:00'"))
    assert done == sum(d.get("shipped", 0) for d in raw["day_stats"])
    # work orders ran inside working hours, one at a time per work centre
    by_wc = {}
    for wo in raw["workorders"]:
        by_wc.setdefault(wo["wc"], []).append((wo["start"], wo["finish"]))
    for spans in by_wc.values():
        spans.sort()
        assert all(prev[1] <= nxt[0] for prev, nxt in zip(spans, spans[1:], strict=False))
    assert rep["infeasible_plans"]["count"] == 0


def test_report_counts_add_up(run):
    rep = run["report"]
    o, ot = rep["orders"], rep["on_time"]
    assert o["judged"] + o["not_judged"] == o["confirmed"]
    assert o["warmup_confirmed"] == o["after_confirmed"] == 0
    assert ot["on_time"] + ot["late_shipped"] + ot["late_not_shipped"] == o["judged"]
    assert sum(rep["lateness_days"].values()) == o["judged"]
    assert rep["lateness_days"]["on time"] == ot["on_time"]
    assert sum(rep["late_causes_addon"].values()) == rep["late_lines"] == sum(rep["late_causes_simulation"].values())
    assert set(rep["workcenter_utilisation"]) and all(0 <= u <= 1.0 for u in rep["workcenter_utilisation"].values())
    # the report is a pure function of the recorded data (same data, same numbers)
    sys.path.insert(0, str(REPO))
    from sim.report import build_report
    assert json.loads(json.dumps(build_report(run["raw"]), default=str)) == run["report"]
    assert (run["out"] / next(run["out"].glob("*.png")).name).stat().st_size > 1000
    assert "MTO plant simulation" in run["stdout"] and "Shipped on or before the promise" in run["stdout"]
