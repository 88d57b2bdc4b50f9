"""Build (or reuse) the benchmark databases: the same demo data on plain Odoo and with mto_fulfilment.

``mto_bench_plain_sN``: copy of the template (plain Odoo apps), demo data generated.
``mto_bench_mto_sN``: copy of the template, ``mto_fulfilment`` installed, then the same demo data.

A database is built under a temporary name and renamed once complete, so an interrupted build is
never reused; a finished one carries the ``mto_bench.built`` parameter.
"""
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time

from .common import BUILT_MARKER, REPO

SIDES = ("plain", "mto")
HASH_KEY = "mto_bench.addon_hash"
HORIZON_KEY = "mto_fulfilment.horizon_days"   # the promise horizon (mto.promise._horizon_days)


def db_name(side, scale):
    return f"mto_bench_{side}_s{scale}"


def _psql(sql, db="postgres"):
    out = subprocess.run(["psql", "-d", db, "-Atqc", sql], check=True, capture_output=True, text=True)
    return out.stdout.strip()


def _set_param(db, key, value):
    """Set a system parameter of `db` (ir.config_parameter) with plain SQL."""
    _psql(f"INSERT INTO ir_config_parameter (key, value) VALUES ('{key}', '{value}') "
          "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value", db=db)


def db_exists(name):
    return _psql(f"SELECT 1 FROM pg_database WHERE datname = '{name}'") == "1"


def built_info(name):
    """The build marker of database `name` (dict) or None."""
    if not db_exists(name):
        return None
    try:
        value = _psql(f"SELECT value FROM ir_config_parameter WHERE key = '{BUILT_MARKER}'", db=name)
    except subprocess.CalledProcessError:
        return None
    return json.loads(value) if value else None


def _drop(name):
    assert name.startswith("mto_bench_"), name
    subprocess.run(["dropdb", "--if-exists", "--force", name], check=True)


def _filestore(data_dir, name):
    return os.path.join(data_dir, "filestore", name)


def build(side, scale, seed, template, conf, odoo_src, python, data_dir, log_dir, rebuild=False, say=print):
    """Make sure the database of `side` at `scale` exists; returns (name, info, seconds spent)."""
    name = db_name(side, scale)
    info = built_info(name)
    if info and not rebuild:
        if info.get("seed") != seed:
            say(f"{name} was built with seed {info.get('seed')}, not {seed}: use --rebuild")
        if side == "mto":
            _update_addon(name, conf, odoo_src, python, log_dir, say)
            _fit_horizon(name, say)
        return name, info, 0.0
    t0 = time.perf_counter()
    tmp = f"{name}_tmp"
    _drop(tmp)
    _drop(name)
    subprocess.run(["createdb", "-T", template, tmp], check=True)
    src_fs, dst_fs = _filestore(data_dir, template), _filestore(data_dir, tmp)
    shutil.rmtree(dst_fs, ignore_errors=True)
    if os.path.isdir(src_fs):
        shutil.copytree(src_fs, dst_fs)
    os.makedirs(log_dir, exist_ok=True)
    log_path = os.path.join(log_dir, f"{name}-build.log")
    with open(log_path, "w") as log:
        if side == "mto":
            say(f"{name}: installing mto_fulfilment")
            subprocess.run([python, os.path.join(odoo_src, "odoo-bin"), "-c", conf, "-d", tmp,
                            "-i", "mto_fulfilment", "--stop-after-init", "--log-level=warn"],
                           check=True, stdout=log, stderr=subprocess.STDOUT)
        if side == "mto" and scale >= 10:
            # the demo's planned MOs book the 10 work centers years ahead at this scale: its sale
            # orders are confirmed (and promised) within a horizon that reaches past them
            _set_param(tmp, HORIZON_KEY, 365 * (1 + scale // 10))
        say(f"{name}: generating demo data (scale {scale}, seed {seed}); log {log_path}")
        subprocess.run([python, "-m", "bench", "generate", "-c", conf, "-d", tmp, "--scale", str(scale),
                        "--seed", str(seed)], check=True, stdout=log, stderr=subprocess.STDOUT, cwd=REPO)
    if side == "mto":
        _set_param(tmp, HASH_KEY, _addon_hash())
        _fit_horizon(tmp, say)
    _psql(f'ALTER DATABASE "{tmp}" RENAME TO "{name}"')
    shutil.rmtree(_filestore(data_dir, name), ignore_errors=True)
    if os.path.isdir(dst_fs):
        os.rename(dst_fs, _filestore(data_dir, name))
    seconds = time.perf_counter() - t0
    say(f"{name}: built in {seconds:.0f}s")
    return name, built_info(name), seconds


def _fit_horizon(name, say):
    """Promise horizon (system parameter `mto_fulfilment.horizon_days`) past the booked work.

    The demo multiplies products, orders and MOs by the scale but keeps the plant's 10 work
    centers: at x20 their booked work reaches about two years ahead, beyond the default 365-day
    horizon, and no promise could be made. A database whose booked work goes further than the
    default's last half year gets the booked days plus a year; the others keep the default.
    """
    booked = _psql("SELECT COALESCE(CEIL(EXTRACT(EPOCH FROM MAX(date_to) - NOW() AT TIME ZONE 'UTC') / 86400), 0)"
                   " FROM resource_calendar_leaves WHERE time_type = 'other'", db=name)
    days = int(float(booked or 0)) + 365
    if days <= 365 + 180:   # booked within half a year (x1, x5): the default horizon
        return
    say(f"{name}: work booked {int(float(booked))} days ahead, promise horizon set to {days} days")
    _set_param(name, HORIZON_KEY, days)


def _addon_hash():
    """Hash of mto_fulfilment's source files: a cached database older than them gets `-u`."""
    digest = hashlib.sha1()
    root = os.path.join(REPO, "addons", "mto_fulfilment")
    for folder, dirs, files in sorted(os.walk(root)):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for file in sorted(files):
            if not file.endswith(".pyc"):
                path = os.path.join(folder, file)
                digest.update(os.path.relpath(path, root).encode())
                with open(path, "rb") as handle:
                    digest.update(handle.read())
    return digest.hexdigest()[:12]


def _update_addon(name, conf, odoo_src, python, log_dir, say):
    """Bring a cached add-on database up to the working tree's mto_fulfilment (fields, views)."""
    wanted = _addon_hash()
    try:
        current = _psql(f"SELECT value FROM ir_config_parameter WHERE key = '{HASH_KEY}'", db=name)
    except subprocess.CalledProcessError:
        current = ""
    if current == wanted:
        return
    say(f"{name}: mto_fulfilment changed since the build, updating it (-u)")
    os.makedirs(log_dir, exist_ok=True)
    with open(os.path.join(log_dir, f"{name}-update.log"), "w") as log:
        subprocess.run([python, os.path.join(odoo_src, "odoo-bin"), "-c", conf, "-d", name,
                        "-u", "mto_fulfilment", "--stop-after-init", "--log-level=warn"],
                       check=True, stdout=log, stderr=subprocess.STDOUT)
    _set_param(name, HASH_KEY, wanted)


def generate(conf, db, scale, seed):
    """Child process: generate the demo data into `db` and set the build marker (committed)."""
    sys.path.insert(0, os.path.join(REPO, "setup"))
    from demo_data import generate as demo_generate

    from .common import odoo_setup

    odoo = odoo_setup(conf)
    reg = odoo.modules.registry.Registry(db)
    with reg.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        # the same data on both sides: no vendor delay (plain Odoo has no order-linked purchase)
        result = demo_generate(env, scale=scale, seed=seed, progress=lambda m: print(m, flush=True),
                               vendor_delay=False)
        modules = env["ir.module.module"].search([("state", "=", "installed"), ("name", "like", "mto_%")])
        env["ir.config_parameter"].sudo().set_param(BUILT_MARKER, json.dumps({
            "scale": scale, "seed": seed, "generated_on": time.strftime("%Y-%m-%d"),
            "generate_seconds": round(result["seconds"], 1), "counts": result["counts"],
            "mto_modules": sorted(modules.mapped("name")), "warnings": len(result["warnings"]),
        }))
        cr.commit()
