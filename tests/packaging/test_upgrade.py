"""Upgrade path: data written on an installed database survives ``odoo-bin -u``.

A copy of ./setup/test's template database gets both add-ons installed by odoo-bin, then
routing rules (and a system parameter) are written through ``odoo-bin shell``, the add-ons are
updated with ``-u mto_fulfilment,mto_costing --stop-after-init`` and the same records are read
back. Everything runs as subprocesses; the database is dropped at the end. About a minute.
"""
import json
import os
import re
import shutil
import subprocess

import pytest
from packaging_env import ODOO_CONF, ODOO_SRC, PYTHON, REPO, TEMPLATE_DB, read_manifest, run

DB = os.environ.get("MTO_DB_PREFIX", "mto_pkg") + "_upgrade"  # ./setup/test sets the prefix per run

WRITE = r"""
import json
categ = env["product.category"].create({"name": "MTO upgrade check"})
partner = env["res.partner"].create({"name": "MTO upgrade customer", "is_company": True})
rules = env["mto.routing.rule"].create([
    {"name": "Upgrade: custom category made to order", "sequence": 3, "strategy": "make_to_order",
     "product_categ_id": categ.id, "min_qty": 2, "max_qty": 50, "note": "kept across -u"},
    {"name": "Upgrade: customer stock first", "sequence": 4, "strategy": "stock_then_order",
     "partner_id": partner.id},
    {"name": "Upgrade: archived rule", "sequence": 5, "strategy": "make_to_stock", "active": False},
])
env["ir.config_parameter"].set_param("mto_fulfilment.horizon_days", "200")
env.cr.commit()
print("IDS=" + json.dumps(rules.ids))
"""

READ = r"""
import json
rules = env["mto.routing.rule"].with_context(active_test=False).search(
    [("name", "=like", "Upgrade: %")], order="id")
mods = env["ir.module.module"].search([("name", "in", ["mto_fulfilment", "mto_costing"])])
print("STATE=" + json.dumps({
    "rules": rules.read(["name", "sequence", "strategy", "active", "product_categ_id", "partner_id",
                         "min_qty", "max_qty", "note"]),
    "param": env["ir.config_parameter"].get_param("mto_fulfilment.horizon_days"),
    "modules": {m.name: [m.state, m.latest_version] for m in mods},
}, default=str))
"""


def _psql(sql):
    run(["psql", "-d", "postgres", "-Atqc", sql])


def _filestore(db):
    return REPO / ".local" / "data" / "filestore" / db


def _odoo(*args, stdin=None, timeout=600):
    cmd = [PYTHON, str(ODOO_SRC / "odoo-bin"), *args[:1], "-c", str(ODOO_CONF), "-d", DB, *args[1:]]
    proc = subprocess.run(cmd, input=stdin, capture_output=True, text=True, timeout=timeout)
    log = proc.stdout + proc.stderr
    assert proc.returncode == 0, f"{' '.join(cmd)} exited {proc.returncode}:\n{log[-4000:]}"
    errors = [line for line in log.splitlines() if re.search(r"\s(ERROR|CRITICAL)\s", line)]
    assert not errors, f"{' '.join(cmd)} logged errors:\n" + "\n".join(errors[:20])
    return log


def _shell(script):
    return _odoo("shell", "--no-http", "--log-level=warn", stdin=script)


def _marker(out, name):
    line = next((x for x in out.splitlines() if x.startswith(name + "=")), None)
    assert line, f"no {name}= line in the shell output:\n{out[-3000:]}"
    return json.loads(line.split("=", 1)[1])


@pytest.fixture(scope="module")
def database():
    if not ODOO_CONF.is_file():
        pytest.fail(f"{ODOO_CONF} is missing: run ./setup/install (or ./setup/test) first")
    exists = subprocess.run(["psql", "-d", "postgres", "-Atqc",
                             f"SELECT 1 FROM pg_database WHERE datname='{TEMPLATE_DB}'"],
                            capture_output=True, text=True)
    if exists.stdout.strip() != "1":
        pytest.fail(f"template database {TEMPLATE_DB} is missing: ./setup/test builds it")
    _psql(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
    run(["createdb", "-T", TEMPLATE_DB, DB])
    shutil.rmtree(_filestore(DB), ignore_errors=True)
    if _filestore(TEMPLATE_DB).is_dir():
        shutil.copytree(_filestore(TEMPLATE_DB), _filestore(DB))
    try:
        yield DB
    finally:
        _psql(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
        shutil.rmtree(_filestore(DB), ignore_errors=True)


def test_update_keeps_data(database):
    _odoo("server", "-i", "mto_fulfilment,mto_costing", "--stop-after-init", "--no-http", "--log-level=warn")
    out = _shell(WRITE + READ)  # one registry load for both
    ids, before = _marker(out, "IDS"), _marker(out, "STATE")
    assert [r["id"] for r in before["rules"]] == ids

    _odoo("server", "-u", "mto_fulfilment,mto_costing", "--stop-after-init", "--no-http", "--log-level=warn")

    after = _marker(_shell(READ), "STATE")
    assert after["rules"] == before["rules"]
    assert after["param"] == "200"
    assert [r["active"] for r in after["rules"]] == [True, True, False]
    for name in ("mto_fulfilment", "mto_costing"):
        assert after["modules"][name] == ["installed", read_manifest(name)["version"]], after["modules"]
