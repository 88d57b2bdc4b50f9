"""Command line: ``python -m sim --weeks 12 --seed 7`` (see ``--help``)."""
import argparse
import sys
import time as _time
from datetime import date
from pathlib import Path

from . import db as simdb

REPO = Path(__file__).resolve().parents[1]
DEFAULT_START = "2025-03-03"     # a Monday; the demo company is generated "today" = this date
_wall = (lambda f: (lambda: f()))(_time.monotonic)


def parse_args(argv=None):
    p = argparse.ArgumentParser(prog="simulate", description=(
        "Seeded plant simulation of the make-to-order add-on, run through Odoo's ORM: "
        "creates a fresh database (template + mto_fulfilment + demo company), simulates the "
        "plant working day by working day and reports how well the promises were kept."))
    p.add_argument("--weeks", type=int, default=12, help="measured weeks of demand (5 working days each): the "
                   "report judges the orders placed in them")
    p.add_argument("--warmup-weeks", type=int, default=4, help="weeks the plant runs first, demand included, "
                   "whose orders are reported apart: the demo company starts with no vendor or production "
                   "history for the reliability buffers to learn from (0: measure from the first day)")
    p.add_argument("--drain-weeks", type=int, default=14, help="at most this many weeks the plant keeps running "
                   "after the measured weeks (demand included) until every measured order has shipped or "
                   "is past its promise (0: stop with the measured weeks; orders not due are not judged)")
    p.add_argument("--seed", type=int, default=7, help="seed of every random choice (same seed, same numbers)")
    p.add_argument("--scale", type=int, default=1, help="demo company scale (setup/demo_data.py)")
    p.add_argument("--orders-per-day", type=float, help="mean customer orders per working day "
                   "(default: calibrated from the BoMs so that confirmed orders load the bottleneck to --load)")
    p.add_argument("--load", type=float, default=0.85, help="bottleneck load the demand is calibrated to")
    p.add_argument("--start", default=DEFAULT_START, help="first simulated day (YYYY-MM-DD)")
    p.add_argument("--db", default="mto_sim_run", help="database to (re)create, named mto_sim_* or mto_*_sim_*")
    p.add_argument("--template", default=simdb.TEMPLATE, help="template database with Odoo's apps")
    p.add_argument("--out", default=str(REPO / ".local" / "sim"), help="folder for the JSON and PNG report")
    p.add_argument("--repromise", choices=("inline", "cron"), default="cron",
                   help="cron (default): re-promise jobs stay queued and the add-on's cron runs at the end "
                        "of every simulated day (an installation without job runner); inline: queue jobs "
                        "run synchronously when triggered (queue_job__no_delay), plus the daily cron")
    p.add_argument("--reuse-db", action="store_true",
                   help="use the database as it is (mto_fulfilment installed; the demo company is loaded "
                        "unless it is already there, as after --demo-only)")
    p.add_argument("--days", type=int, help="measure only this many working days (overrides --weeks)")
    p.add_argument("--open-work", action="store_true",
                   help="start from the demo company's open orders (a running plant: about six weeks of booked "
                        "work on its bottleneck) instead of an idle one; the demand's warm-up weeks then do not "
                        "bring the plant to its calibrated load (the default until session 20)")
    p.add_argument("--demo-only", action="store_true", help="stop after loading the demo company")
    p.add_argument("--profile", help="write a cProfile of the simulation to this file")
    p.add_argument("--drop-db", action="store_true", help="drop the database after the run")
    p.add_argument("--log-handler", action="append", default=[], metavar="LOGGER:LEVEL",
                   help="Odoo log level of one logger, e.g. odoo.addons.mto_fulfilment:INFO to see "
                        "every re-plan and re-promise with its simulated time (repeatable)")
    return p.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    t0 = _wall()
    start = date.fromisoformat(args.start)
    if start.weekday() >= 5:
        sys.exit("--start must be a working day (Mon-Fri)")
    if not args.reuse_db:
        simdb.create(args.db, template=args.template, log=lambda m: print(m, flush=True))
    t_db = _wall() - t0

    import odoo
    from odoo.tools import config as odoo_config
    odoo_config.parse_config(["-c", simdb.ODOO_CONF, "--log-level=warn",
                              *(f"--log-handler={h}" for h in args.log_handler)])
    from freezegun import freeze_time

    import odoo.modules.registry

    sys.path.insert(0, str(REPO / "setup"))
    import demo_data

    from .plant import Simulation, local_dt
    from .report import build_report, render_table, write_outputs

    progress = lambda m: print(m, flush=True)
    registry = odoo.modules.registry.Registry(args.db)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        t = _wall()
        if env["ir.config_parameter"].sudo().get_param(demo_data.MARKER):
            progress("sim: the database already has the demo company (--reuse-db): not generated again")
        else:
            with freeze_time(local_dt(start, 6, 30)):
                demo_data.generate(env, scale=args.scale, seed=args.seed, progress=progress,
                                   vendor_delay=False, public_holidays=False, open_work=args.open_work)
            cr.commit()
        if args.demo_only:
            return 0
        t_demo = _wall() - t
        sim = Simulation(env, start=start, weeks=args.weeks, seed=args.seed, orders_per_day=args.orders_per_day,
                         clock=freeze_time, progress=progress, repromise=args.repromise, days=args.days,
                         load=args.load, warmup_weeks=args.warmup_weeks, drain_weeks=args.drain_weeks)
        if args.profile:
            import cProfile
            cProfile.runctx("sim.run()", globals(), locals(), args.profile)
        else:
            sim.run()
        cr.commit()
        result = sim.result()
    result["runtime_seconds"] = {"database": round(t_db, 1), "demo_data": round(t_demo, 1),
                                 "simulation": round(sim.runtime, 1), "total": round(_wall() - t0, 1)}
    result["database"] = args.db
    report = build_report(result)
    out = Path(args.out)
    paths = write_outputs(result, report, out, stem=f"sim_seed{args.seed}_{args.weeks}w")
    print(render_table(report))
    for label, path in paths.items():
        print(f"sim: {label}: {path}")
    if args.drop_db:
        registry.delete(args.db) if hasattr(registry, "delete") else None
        odoo.sql_db.close_all()
        simdb.drop(args.db)
    return 0


if __name__ == "__main__":
    sys.exit(main())
