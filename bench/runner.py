"""Build the databases, run every benchmark on both sides, print the table and write BENCHMARKS.md."""
import os
import time
import traceback

from . import build as builder
from . import report
from .cases import selected
from .common import REPO, Row, rolled_back_env


def _say(msg):
    print(f"\033[1;34m==>\033[0m {msg}", flush=True)


def _warn(msg):
    print(f"\033[1;33m!!\033[0m {msg}", flush=True)


def _data_dir(conf):
    from odoo.tools import config

    from .common import odoo_setup

    odoo_setup(conf)
    return config["data_dir"]


def _build(args, side, scale):
    data_dir = _data_dir(args.config)
    return builder.build(side, scale, args.seed, args.template, args.config, args.odoo_src, args.python,
                         data_dir, os.path.join(REPO, ".local", "log"), rebuild=args.rebuild, say=_say)


def main_build(args):
    _build(args, args.side, args.scale)
    return 0


def run_case(conf, db, name, fn, side, scale):
    """Run one case on one side; a failure becomes an error row (and a traceback on stderr)."""
    t0 = time.perf_counter()
    try:
        with rolled_back_env(conf, db) as env:
            rows = fn(env, side, scale)
    except Exception as exc:  # noqa: BLE001 - a failing benchmark must not stop the others
        traceback.print_exc()
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        rows = [Row(name, scale, side, error=f"{type(exc).__name__}: {first}"[:200])]
    _say(f"{name} [{side}, scale {scale}] done in {time.perf_counter() - t0:.1f}s")
    return rows


def main_run(args):
    try:
        scales = sorted({int(s) for s in args.scales.split(",") if s.strip()})
    except ValueError:
        _warn(f"--scales expects comma-separated integers, got {args.scales!r}")
        return 2
    cases = selected(args.only)
    if not cases or not scales:
        _warn(f"nothing to run (--only {args.only}, --scales {args.scales})")
        return 2
    started = time.perf_counter()
    rows, builds = [], {}
    for scale in scales:
        for side in builder.SIDES:
            try:
                builds[side, scale] = _build(args, side, scale)
            except Exception as exc:  # noqa: BLE001 - setup error: report and stop
                traceback.print_exc()
                _warn(f"building the {side} database at scale {scale} failed: {exc}")
                return 1
        for name, fn in cases:
            for side in builder.SIDES:
                _say(f"{name} [{side}, scale {scale}]")
                rows.extend(run_case(args.config, builds[side, scale][0], name, fn, side, scale))
    print()
    print(report.text_table(rows))
    if args.output != "-":
        report.write_markdown(args.output, rows, builds, args, time.perf_counter() - started)
        _say(f"results written to {args.output}")
    return 0
