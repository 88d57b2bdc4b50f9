"""Command line of the benchmarks (called by setup/bench).

    python -m bench run   -c CONF --template TPL [--scales 1,5] [--only NAME] [--rebuild] [--seed 42]
    python -m bench build -c CONF --template TPL --scale N --side plain|mto
    python -m bench run   -c CONF --template TPL --volume [--rebuild] [--profile]   (issue #6 at real size)
    python -m bench generate -c CONF -d DB --scale N --seed S      (internal: child of build)
    python -m bench run   -c CONF --template TPL --pivot [--rebuild]   (profitability pivot over ~10,000 lines)
    python -m bench volume-generate|volume-verify|pivot-freeze -c CONF -d DB    (internal: children of builds)
"""
import argparse
import os
import sys

from .common import DEFAULT_CONF, REPO


def _args(argv):
    parser = argparse.ArgumentParser(prog="setup/bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)

    def common(p):
        p.add_argument("-c", "--config", default=DEFAULT_CONF)
        p.add_argument("--seed", type=int, default=42)

    gen = sub.add_parser("generate")
    common(gen)
    gen.add_argument("-d", "--database", required=True)
    gen.add_argument("--scale", type=int, default=1)
    for name in ("volume-generate", "volume-verify", "pivot-freeze"):
        p = sub.add_parser(name)
        common(p)
        p.add_argument("-d", "--database", required=True)

    for name in ("run", "build"):
        p = sub.add_parser(name)
        common(p)
        p.add_argument("--template", required=True, help="template database with Odoo's apps")
        p.add_argument("--odoo-src", default=os.environ.get("ODOO_SRC", ""))
        p.add_argument("--python", default=sys.executable)
        p.add_argument("--rebuild", action="store_true", help="recreate the cached databases")
        if name == "run":
            p.add_argument("--scales", default="1", help="comma-separated demo scales (default 1)")
            p.add_argument("--only", action="append", default=[],
                           help="run only benchmarks whose name starts with this (repeatable)")
            p.add_argument("--output", default=os.path.join(REPO, "BENCHMARKS.md"),
                           help="Markdown report to write ('-' for none)")
            p.add_argument("--volume", action="store_true",
                           help="issue #6 at real size: ~10,000 open lines (cached mto_vol_10k), a time off "
                                "re-promising ~2,000 of them on a live server with 2 job workers")
            p.add_argument("--profile", action="store_true",
                           help="with --volume: also cProfile one re-promise batch in-process")
            p.add_argument("--pivot", action="store_true",
                           help="Order profitability pivot over ~10,000 lines (cached mto_vol_pivot, built "
                                "from mto_vol_10k) against plain Odoo's Sales Analysis pivot")
        else:
            p.add_argument("--scale", type=int, default=1)
            p.add_argument("--side", choices=("plain", "mto"), required=True)
    return parser.parse_args(argv)


def main(argv=None):
    args = _args(argv)
    if args.command == "generate":
        from .build import generate
        generate(args.config, args.database, args.scale, args.seed)
        return 0
    if args.command in ("volume-generate", "volume-verify"):
        from . import volume
        (volume.generate if args.command == "volume-generate" else volume.verify)(args.config, args.database)
        return 0
    if args.command == "pivot-freeze":
        from .pivot import freeze
        freeze(args.config, args.database)
        return 0
    if args.command == "run" and args.pivot:
        from .pivot import main_pivot
        return main_pivot(args)
    if args.command == "run" and args.volume:
        from .volume import main_volume
        return main_volume(args)
    from .runner import main_build, main_run
    return main_run(args) if args.command == "run" else main_build(args)


if __name__ == "__main__":
    sys.exit(main())
