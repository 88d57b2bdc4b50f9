"""Odoo bootstrap, rolled-back transactions and measurement helpers shared by the benchmarks."""
import contextlib
import os
import time
from dataclasses import dataclass, field

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_CONF = os.path.join(REPO, ".local", "odoo.conf")
TZ_NAME = "Europe/Berlin"
BUILT_MARKER = "mto_bench.built"

_CONFIGURED = []


def odoo_setup(conf):
    """Parse the Odoo configuration once per process; returns the odoo package."""
    import odoo
    import odoo.modules.registry  # noqa: F401 - make sure the submodule is loaded
    from odoo.tools import config

    if not _CONFIGURED:
        config.parse_config(["-c", conf, "--log-level=warn"])
        _CONFIGURED.append(conf)
    return odoo


def registry(conf, db):
    odoo = odoo_setup(conf)
    return odoo.modules.registry.Registry(db)


class CommitForbidden(RuntimeError):
    pass


@contextlib.contextmanager
def rolled_back_env(conf, db):
    """An environment (superuser, company tz) whose work is always rolled back.

    `cr.commit` raises while inside, so nothing a benchmark runs can persist by accident.
    """
    odoo = odoo_setup(conf)
    reg = registry(conf, db)
    with reg.cursor() as cr:
        real_commit = cr.commit

        def refuse_commit():
            raise CommitForbidden("a benchmark tried to commit; benchmarks run in a rolled-back transaction")

        cr.commit = refuse_commit
        try:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {"tz": TZ_NAME, "tracking_disable": True,
                                                                "mail_notrack": True, "mail_create_nolog": True})
            yield env
        finally:
            cr.rollback()
            cr.commit = real_commit
            # the ORM caches may hold records of the rolled-back transaction
            reg.clear_all_caches()


@dataclass
class Measure:
    seconds: float = 0.0
    queries: int = 0
    cpu: float = 0.0  # this process's CPU seconds (Python/ORM side; PostgreSQL runs elsewhere)


@contextlib.contextmanager
def measure(env):
    """Time (perf_counter) and count SQL queries of the block; pending ORM writes are flushed inside."""
    m = Measure()
    env.flush_all()
    cr = env.cr
    q0, t0, c0 = cr.sql_log_count, time.perf_counter(), time.process_time()
    yield m
    env.flush_all()
    m.seconds = time.perf_counter() - t0
    m.cpu = time.process_time() - c0
    m.queries = cr.sql_log_count - q0


@dataclass
class Row:
    """One line of the results table."""

    bench: str
    scale: int
    side: str
    seconds: float | None = None
    queries: int | None = None
    notes: list = field(default_factory=list)
    error: str | None = None
    extra: dict = field(default_factory=dict)


def replace_section(path, begin, end, section, after=None):
    """Write `section` (which starts with `begin` and ends with `end`) into the Markdown file at
    `path`: in place of the previous one, else right after the `after` marker, else at the end."""
    text = ""
    if os.path.exists(path):
        with open(path) as f:
            text = f.read()
    section = section.rstrip("\n")
    if begin in text and end in text:
        head, rest = text.split(begin, 1)
        text = head + section + rest.split(end, 1)[1]
    elif after and after in text:
        head, tail = text.split(after, 1)
        text = head + after + "\n\n" + section + tail
    else:
        text = text + "\n" + section + "\n"
    with open(path, "w") as f:
        f.write(text)
