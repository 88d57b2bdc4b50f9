"""Metrics of a simulation run (from its plain-data result only), terminal table, JSON and PNG."""
import json
import math
import re
from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path

LATENESS_BUCKETS = [("on time", 0, 0), ("1 day", 1, 1), ("2-3 days", 2, 3), ("4-7 days", 4, 7),
                    ("8-14 days", 8, 14), (">14 days", 15, 10**6)]
CAUSES = [  # (category, words in the add-on's mto_risk_cause)
    ("vendor slippage", ("moved", "delivers only", "later than expected")),
    ("capacity: breakdown / time off", ("time off",)),
    ("capacity: work order overrun", ("now takes", "runs past its booked end")),
    ("capacity: booked outside the promise", ("capacity taken",)),
    ("material: production waits for components", ("waiting for",)),
    ("capacity: production running late", ("runs late",)),
    ("stock lost", ("lost",)),
]


# the promise's explanation names the production reliability buffer it added (the simulation runs
# in English): "production reliability buffer 6 d"
BUFFER_FRAGMENT = re.compile(r"production reliability buffer (\d+(?:\.\d+)?) d")
CONSTANT_BUFFERS = range(31)  # days tried for the smallest constant buffer


def _d(value):
    return date.fromisoformat(value) if value else None


def _pct(values, q):
    """Nearest-rank percentile (q in 0..100) of a non-empty list."""
    values = sorted(values)
    if not values:
        return None
    k = max(0, math.ceil(q / 100 * len(values)) - 1)
    return values[k]


def _median(values):
    values = sorted(values)
    if not values:
        return None
    n = len(values)
    return values[n // 2] if n % 2 else (values[n // 2 - 1] + values[n // 2]) / 2


def classify_cause(text):
    if not text:
        return None
    low = text.lower()
    for category, words in CAUSES:
        if any(w in low for w in words):
            return category
    return "other: " + text[:40]


def _ground_truth(rec, productions, late_receipt):
    """The simulation's own view of why a late line was late: what its production orders still
    waited for when their planned start had come (a sub-assembly counts only when nothing else was
    missing: its own wait shows as the root), else a late receipt for the order, else capacity."""
    waited, kinds = False, set()
    for m in rec["productions"]:
        mo = productions.get(str(m)) or productions.get(m)
        if mo and mo.get("ready_at") and mo.get("planned_start") and mo["ready_at"] > mo["planned_start"]:
            waited = True
            kinds.update(mo.get("waited_for") or ())
    roots = kinds - {"sub-assembly"} or kinds
    if "purchase for the order" in roots:
        return "material: purchase for the order late or short (vendor slippage)"
    if "stock component" in roots:
        return "material: stock component not there (used by other orders, replenished late)"
    if "sub-assembly" in roots:
        return "material: sub-assembly late (its own queue or work)"
    if waited:
        return "material wait (components not on time)"
    if late_receipt:
        return "vendor slippage (late/short receipt for the order)"
    return "capacity (queue, breakdowns, longer work orders)"


def _with_buffer(result, buffered, buffer_of):
    """`result` with each buffered line promised its unbuffered date plus `buffer_of(line)` days."""
    lines = dict(result["lines"])
    for lid, (rec, unbuffered) in buffered.items():
        lines[lid] = {**rec, "promise": (unbuffered + timedelta(days=buffer_of(rec, unbuffered))).isoformat()}
    return {**result, "lines": lines}


def buffer_what_if(result, target=0.95):
    """The same run with other production reliability buffers: what the buffer adds, and what the
    plan leaves to it.

    The buffer only pads a promise made for goods made to order (bookings, plan and shop floor do
    not see it), so the plant would have run nearly the same with any other buffer (not exactly:
    a rerun of seed 5 with another buffer parted from the first run at a purchase for an order
    asked for days later): each line's
    unbuffered promise is its promise less the buffer its explanation names. Reported: no buffer,
    the smallest constant buffer reaching `target` on-time, and a perfect buffer (each line
    shipped exactly by its promise, never earlier than unbuffered), each as the on-time share and
    how much shorter the median promise is than the plain-Odoo lead reaching that share.
    """
    buffered = {}
    for lid, rec in result["lines"].items():
        match = rec.get("promise") and BUFFER_FRAGMENT.search(rec.get("explanation") or "")
        if match:
            buffered[lid] = (rec, _d(rec["promise"]) - timedelta(days=math.ceil(float(match.group(1)))))
    if not buffered:
        return None

    def outcome(buffer_of):
        rep = build_report(_with_buffer(result, buffered, buffer_of), what_if=False)
        return {"on_time_share": rep["on_time"]["share"],
                "median_lead_days": rep["promised_lead_days"]["median"],
                "shorter_than_plain_odoo_by": rep["plain_odoo"]["our_median_shorter_by"]}

    constant = None
    for days in CONSTANT_BUFFERS:
        candidate = outcome(lambda _rec, _unbuffered, days=days: days)
        if (candidate["on_time_share"] or 0.0) >= target - 1e-9:
            constant = {"days": days, **candidate}
            break

    def needed(rec, unbuffered):
        # a line still open keeps the buffer it had: its need is not known
        if not rec.get("ship_day"):
            return (_d(rec["promise"]) - unbuffered).days
        return max(0, (_d(rec["ship_day"]) - unbuffered).days)

    return {"lines": len(buffered), "none": outcome(lambda _rec, _unbuffered: 0),
            "smallest_constant_reaching_target": constant, "target": target, "perfect": outcome(needed)}


def build_report(result, what_if=True):
    end = _d(result["end"])
    lines = result["lines"]
    # ---- per order: all its lines shipped by their promise
    orders = {}
    for lid, rec in lines.items():
        o = orders.setdefault(rec["order"], {"order_day": _d(rec["order_day"]), "lines": [],
                                             "window": rec.get("window", "measured")})
        o["lines"].append((lid, rec))
    rows = []
    for name, o in sorted(orders.items()):
        recs = [r for _l, r in o["lines"]]
        if not all(r["promise"] for r in recs):
            continue
        promise = max(_d(r["promise"]) for r in recs)
        plain = max(_d(r["plain"]) for r in recs)
        shipped = all(r["ship_day"] for r in recs)
        ship = max(_d(r["ship_day"]) for r in recs) if shipped else None
        late_lines = [r for r in recs if not r["ship_day"] or _d(r["ship_day"]) > _d(r["promise"])]
        rows.append({"order": name, "order_day": o["order_day"], "promise": promise, "plain": plain,
                     "ship": ship, "on_time": not late_lines and shipped, "late_lines": late_lines,
                     "kinds": sorted({r["kind"] for r in recs}), "window": o["window"]})
    # judged: the orders of the measured weeks that shipped, or whose promise has passed (late)
    warmup = [r for r in rows if r["window"] == "warm-up"]
    after = [r for r in rows if r["window"] == "drain"]
    rows = [r for r in rows if r["window"] == "measured"]
    due = [r for r in rows if r["ship"] or r["promise"] <= end]
    not_due = [r for r in rows if not (r["ship"] or r["promise"] <= end)]
    on_time = [r for r in due if r["on_time"]]
    share = len(on_time) / len(due) if due else None
    warmup_due = [r for r in warmup if r["ship"] or r["promise"] <= end]

    def lateness(r):
        """Days the latest of the order's late lines shipped after its own promise (a line still
        open: at least the days from its promise to the end of the run, plus one)."""
        return max(max(1, ((_d(rec["ship_day"]) - _d(rec["promise"])).days if rec["ship_day"]
                           else (end - _d(rec["promise"])).days + 1)) for rec in r["late_lines"])

    buckets = Counter()
    for r in due:
        days = 0 if r["on_time"] else lateness(r)
        for label, lo, hi in LATENESS_BUCKETS:
            if lo <= days <= hi:
                buckets[label] += 1
                break
    late_unshipped = sum(1 for r in due if not r["ship"])

    lead_all = [(r["promise"] - r["order_day"]).days for r in rows]
    lead_due = [(r["promise"] - r["order_day"]).days for r in due]
    plain_lead_all = [(r["plain"] - r["order_day"]).days for r in rows]
    plain_on_time = (sum(1 for r in due if r["ship"] and r["ship"] <= r["plain"]) / len(due)) if due else None

    # the constant customer lead time plain Odoo would need to reach our on-time share
    needed = None
    if due and share is not None:
        for lead in range(366):
            ok = sum(1 for r in due if r["ship"] and (r["ship"] - r["order_day"]).days <= lead)
            if ok / len(due) >= share - 1e-9:
                needed = lead
                break
    med_due = _median(lead_due)
    shorter = (1 - med_due / needed) if needed and med_due is not None else None
    # a perfect promise on this run's plant: each order promised the day it really shipped (one
    # still open: the day after the run), every order on time. How much shorter than plain Odoo
    # that would be at our share is what any promise could reach here; the rest is our padding
    exact = [((r["ship"] or end + timedelta(days=1)) - r["order_day"]).days for r in due]
    exact_med = _median(exact)
    exact_shorter = (1 - exact_med / needed) if needed and exact_med is not None else None

    shipped_rows = [r for r in rows if r["ship"]]
    dispatch = [(r["ship"] - r["order_day"]).days for r in shipped_rows]

    # ---- infeasible plans, as executed
    infeasible = []
    for mo in result["productions"].values():
        if "first_start" not in mo:
            continue
        start = datetime.fromisoformat(mo["first_start"])
        late_children = [t for t in mo.get("children_done_at") or [] if t and datetime.fromisoformat(t) > start]
        if mo.get("children_open") or mo.get("components_missing") or late_children:
            infeasible.append({"production": mo["name"], "started": mo["first_start"],
                               "children_open": mo.get("children_open"),
                               "components_missing": mo.get("components_missing")})
    started = sum(1 for mo in result["productions"].values() if "first_start" in mo)

    # ---- work centres
    busy, avail = result["workcenter_busy_minutes"], result["workcenter_available_minutes"]
    utilisation = {wc: (busy.get(wc, 0.0) / avail[wc] if avail.get(wc) else 0.0) for wc in avail}
    bottleneck_load = _bottleneck_load(result)

    # ---- why late: the add-on's cause (what re-promise said) and the simulation's ground truth
    late_receipt_lines = set()
    for rc in result["receipts"]:
        if rc["late_workdays"] or rc["short"]:
            late_receipt_lines.update(rc["sale_lines"])
    causes, truth, warned, warn_days = Counter(), Counter(), 0, []
    line_id = {id(rec): int(lid) for lid, rec in lines.items()}
    late_line_details = []
    for r in due:
        if r["on_time"]:
            continue
        for rec in r["late_lines"]:
            cause = classify_cause(rec.get("risk_cause") or rec.get("final_risk_cause"))
            causes[cause or "not flagged at risk (re-promise lag or missed)"] += 1
            truth[_ground_truth(rec, result["productions"], line_id[id(rec)] in late_receipt_lines)] += 1
            if rec["first_risk_day"] and rec["first_risk_day"] <= rec["promise"]:
                warned += 1
                warn_days.append((_d(rec["promise"]) - _d(rec["first_risk_day"])).days)
            late_line_details.append({"order": rec["order"], "product": rec["product"], "promise": rec["promise"],
                                      "ship_day": rec["ship_day"], "at_risk_since": rec["first_risk_day"],
                                      "cause": rec.get("risk_cause") or rec.get("final_risk_cause"),
                                      "forecast_when_flagged": rec.get("first_risk_forecast")})
    late_lines_n = sum(len(r["late_lines"]) for r in due if not r["on_time"])
    on_time_lines = [rec for r in due if r["on_time"] for _l, rec in orders[r["order"]]["lines"]
                     if rec.get("strategy") != "make_to_stock"]
    flagged_on_time = sum(1 for rec in on_time_lines if rec.get("first_risk_day"))

    return {
        "period": {"start": result["start"], "end": result["end"], "weeks": result["weeks"],
                   "measure_from": result.get("measure_from", result["start"]),
                   "measure_to": result.get("measure_to", result["end"]),
                   "warmup_weeks": result.get("warmup_weeks", 0), "drain_days": result.get("drain_days", 0),
                   "working_days": result["working_days"], "seed": result["seed"],
                   "orders_per_day": result["orders_per_day"]},
        "bottleneck_load": bottleneck_load,
        "orders": {"confirmed": len(rows), "quotations_left_draft": result["quotations_left_draft"],
                   "promise_failures": len(result["promise_failures"]), "judged": len(due),
                   "not_judged": len(not_due), "shipped": len(shipped_rows),
                   "lines_confirmed": sum(len(orders[r["order"]]["lines"]) for r in rows),
                   "warmup_confirmed": len(warmup), "after_confirmed": len(after)},
        "warmup_on_time": {"judged": len(warmup_due), "on_time": sum(1 for r in warmup_due if r["on_time"]),
                           "share": (sum(1 for r in warmup_due if r["on_time"]) / len(warmup_due))
                           if warmup_due else None},
        "on_time": {"on_time": len(on_time), "late_shipped": len(due) - len(on_time) - late_unshipped,
                    "late_not_shipped": late_unshipped, "share": share},
        "lateness_days": {label: buckets.get(label, 0) for label, _lo, _hi in LATENESS_BUCKETS},
        "promised_lead_days": {"median": med_due, "p90": _pct(lead_due, 90),
                               "median_all_orders": _median(lead_all), "p90_all_orders": _pct(lead_all, 90)},
        "plain_odoo": {"median_lead_days": _median(plain_lead_all), "p90_lead_days": _pct(plain_lead_all, 90),
                       "on_time_share_with_its_dates": plain_on_time,
                       "lead_needed_for_same_on_time_share": needed,
                       "our_median_shorter_by": shorter,
                       "median_lead_if_promised_the_ship_day": exact_med,
                       "shorter_by_if_promised_the_ship_day": exact_shorter},
        "order_to_dispatch_days": {"median": _median(dispatch), "p90": _pct(dispatch, 90), "n": len(dispatch)},
        "infeasible_plans": {"count": len(infeasible), "productions_started": started, "examples": infeasible[:10]},
        "workcenter_utilisation": {wc: round(u, 3) for wc, u in sorted(utilisation.items())},
        "late_causes_addon": dict(causes.most_common()),
        "late_causes_simulation": dict(truth.most_common()),
        "late_lines": late_lines_n,
        "late_lines_warned_before_promise": warned,
        "on_time_lines_flagged_at_risk": {"flagged": flagged_on_time, "of": len(on_time_lines)},
        "warning_days_before_promise_median": _median(warn_days),
        "late_line_details": late_line_details[:50],
        "vendor": {"receipts": len(result["receipts"]),
                   "late": sum(1 for rc in result["receipts"] if rc["late_workdays"]),
                   "short": sum(1 for rc in result["receipts"] if rc["short"])},
        "breakdowns": len(result["breakdowns"]),
        "workorders_done": len(result["workorders"]),
        "events": result["events"],
        "errors": len(result["errors"]),
        "runtime_seconds": result.get("runtime_seconds"),
        "production_buffer_what_if": buffer_what_if(result) if what_if else None,
        "targets": {
            "on_time_95": share is not None and share >= 0.95,
            "promise_25pct_shorter": shorter is not None and shorter >= 0.25,
            "zero_infeasible": not infeasible,
            "under_15_minutes": bool(result.get("runtime_seconds"))
            and result["runtime_seconds"]["total"] < 900,
        },
    }


def _fmt(v, pct=False, unit=""):
    if v is None:
        return "n/a"
    if pct:
        return f"{v * 100:.1f} %"
    if isinstance(v, float):
        return f"{v:.1f}{unit}"
    return f"{v}{unit}"


def _bottleneck_load(result):
    """The calibrated bottleneck pool's real load in the measured weeks: the minutes of the work
    orders started on it then over its working time then (breakdowns excluded). The demand is
    calibrated to `load` from the BoMs; this says whether the plant really ran at that load."""
    calibration = result.get("calibration") or {}
    avail = result.get("workcenter_available_minutes_measured")
    pool = calibration.get("bottleneck")
    if not (pool and avail):
        return None
    names = pool.split(" + ")
    start, end = result["measure_from"], result["measure_to"]
    busy = sum(w["minutes"] for w in result["workorders"]
               if w["wc"] in names and start <= w["start"][:10] <= end)
    working = sum(avail.get(n, 0.0) for n in names)
    return {"pool": pool, "calibrated": result.get("load"),
            "realised": round(busy / working, 3) if working else None}


def render_table(rep):
    p, o, ot, pl = rep["period"], rep["orders"], rep["on_time"], rep["plain_odoo"]
    wu = rep["warmup_on_time"]
    rows = [
        ("Period", f"{p['start']} .. {p['end']} ({p['working_days']} working days, seed {p['seed']}, "
                   f"{p['orders_per_day']} orders/day)"),
        ("Measured: orders placed", f"{p['measure_from']} .. {p['measure_to']} (after {p['warmup_weeks']} "
                                    f"warm-up weeks; then {p['drain_days']} days until they shipped or were due)"),
        ("Orders confirmed / left as quotation", f"{o['confirmed']} / {o['quotations_left_draft']}"
                                                 f" (promise failed: {o['promise_failures']}; all weeks)"),
        ("Orders judged / not judged (not due, open)", f"{o['judged']} / {o['not_judged']}"),
        ("Shipped on or before the promise", f"{ot['on_time']} of {o['judged']} = {_fmt(ot['share'], True)}"),
        ("Late (shipped / still open)", f"{ot['late_shipped']} / {ot['late_not_shipped']}"),
        ("Lateness", ", ".join(f"{k}: {v}" for k, v in rep["lateness_days"].items())),
        ("Promised lead time, median / p90 (judged orders)",
         f"{_fmt(rep['promised_lead_days']['median'], unit=' d')} / "
         f"{_fmt(rep['promised_lead_days']['p90'], unit=' d')}"),
        ("Promised lead time, median / p90 (measured orders)",
         f"{_fmt(rep['promised_lead_days']['median_all_orders'], unit=' d')} / "
         f"{_fmt(rep['promised_lead_days']['p90_all_orders'], unit=' d')}"),
        ("Plain Odoo quotation lead (sale_delay), median / p90",
         f"{_fmt(pl['median_lead_days'], unit=' d')} / {_fmt(pl['p90_lead_days'], unit=' d')}"),
        ("Plain Odoo dates kept (same orders)", _fmt(pl["on_time_share_with_its_dates"], True)),
        ("Plain Odoo lead needed for the same on-time share",
         _fmt(pl["lead_needed_for_same_on_time_share"], unit=" d")),
        ("Our median promise shorter by", _fmt(pl["our_median_shorter_by"], True)),
        ("Perfect promise (each order's real ship day) shorter by",
         f"{_fmt(pl.get('shorter_by_if_promised_the_ship_day'), True)} (median "
         f"{_fmt(pl.get('median_lead_if_promised_the_ship_day'), unit=' d')}: about the most any promise "
         f"can reach at this share on this plant)"),
        ("Order-to-dispatch, median / p90",
         f"{_fmt(rep['order_to_dispatch_days']['median'], unit=' d')} / "
         f"{_fmt(rep['order_to_dispatch_days']['p90'], unit=' d')} ({rep['order_to_dispatch_days']['n']} orders)"),
        ("Infeasible plans (started before sub-MOs/components)",
         f"{rep['infeasible_plans']['count']} of {rep['infeasible_plans']['productions_started']} MOs started"),
        ("Warm-up orders (not measured) on time", f"{wu['on_time']} of {wu['judged']} = {_fmt(wu['share'], True)}"),
        ("Work orders done / breakdowns", f"{rep['workorders_done']} / {rep['breakdowns']}"),
        ("Receipts: late / short / total", f"{rep['vendor']['late']} / {rep['vendor']['short']} / "
                                           f"{rep['vendor']['receipts']}"),
        ("Late lines warned before their promise",
         f"{rep['late_lines_warned_before_promise']} of {rep['late_lines']}"
         f" (median {_fmt(rep['warning_days_before_promise_median'], unit=' d')} ahead)"),
    ]
    wi = rep.get("production_buffer_what_if")
    if wi:
        def _outcome(o):
            return (f"{_fmt(o['on_time_share'], True)} on time, median {_fmt(o['median_lead_days'], unit=' d')}, "
                    f"{_fmt(o['shorter_than_plain_odoo_by'], True)} shorter")
        rows.append(("Same run, other production buffers", f"{wi['lines']} lines had one (it only pads their promise)"))
        rows.append(("  none", _outcome(wi["none"])))
        const = wi["smallest_constant_reaching_target"]
        rows.append((f"  smallest constant for {wi['target'] * 100:.0f} %",
                     f"{const['days']} d: {_outcome(const)}" if const else "none up to 30 d"))
        rows.append(("  perfect (each line's own need)", _outcome(wi["perfect"])))
    fa = rep["on_time_lines_flagged_at_risk"]
    rows.append(("On-time lines made to order flagged at risk", f"{fa['flagged']} of {fa['of']} (false alarms)"))
    for cause, n in rep["late_causes_addon"].items():
        rows.append(("  late, add-on cause", f"{n} x {cause}"))
    for cause, n in rep["late_causes_simulation"].items():
        rows.append(("  late, simulation's view", f"{n} x {cause}"))
    bl = rep.get("bottleneck_load")
    if bl:
        rows.append(("Bottleneck load in the measured weeks",
                     f"{bl['pool']}: {_fmt(bl['realised'], True)} of their working time "
                     f"(demand calibrated to {_fmt(bl['calibrated'], True)})"))
    rows.append(("Work-centre utilisation", ", ".join(
        f"{wc} {u * 100:.0f}%" for wc, u in rep["workcenter_utilisation"].items())))
    if rep.get("runtime_seconds"):
        rt = rep["runtime_seconds"]
        rows.append(("Runtime", f"{rt['total']:.0f} s (database {rt['database']:.0f} s, demo {rt['demo_data']:.0f} s, "
                                f"simulation {rt['simulation']:.0f} s)"))
    t = rep["targets"]
    rows.append(("Targets", ", ".join(f"{k}: {'met' if v else 'MISSED'}" for k, v in t.items())))
    if rep["errors"]:
        rows.append(("Simulation errors", f"{rep['errors']} (see the JSON)"))
    width = max(len(k) for k, _v in rows)
    line = "-" * (width + 60)
    out = [line, "MTO plant simulation", line]
    out += [f"{k.ljust(width)}  {v}" for k, v in rows]
    out.append(line)
    return "\n".join(out)


def write_outputs(result, report, out_dir, stem):
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    json_path = out_dir / f"{stem}.json"
    json_path.write_text(json.dumps({"report": report, "raw": result}, indent=1, default=str, sort_keys=True))
    png_path = out_dir / f"{stem}.png"
    from .chart import write_chart
    write_chart(report, png_path)
    return {"json": json_path, "chart": png_path}
