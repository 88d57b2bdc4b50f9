"""Command line of the benchmarks (called by setup/bench).

    python -m bench run   -c CONF --template TPL [--scales 1,5] [--only NAME] [--rebuild] [--seed 42]
    python -m bench build -c CONF --template TPL --scale N --side plain|mto
    python -m bench generate -c CONF -d DB --scale N --seed S      (internal: child of build)
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
    from .runner import main_build, main_run
    return main_run(args) if args.command == "run" else main_build(args)


if __name__ == "__main__":
    sys.exit(main())
