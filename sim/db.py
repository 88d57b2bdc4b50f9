"""Scratch databases for the simulation: a copy of the template with ``mto_fulfilment`` installed."""
import os
import shutil
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
HOME_CACHE = Path(os.environ.get("MTO_HOME", Path.home() / ".cache" / "mto-odoo"))
ODOO_SRC = os.environ.get("MTO_ODOO_SRC") or os.environ.get("ODOO_SRC") or str(HOME_CACHE / "odoo-19.0")
ODOO_CONF = os.environ.get("MTO_ODOO_CONF") or os.environ.get("ODOO_CONF") or str(REPO / ".local" / "odoo.conf")
PYTHON = os.environ.get("MTO_PYTHON") or str(HOME_CACHE / "venv" / "bin" / "python")
TEMPLATE = os.environ.get("MTO_TEMPLATE_DB") or "mto_test_tpl_775ae74e"
PREFIX = "mto_sim_"


def _scratch(name):
    """Simulation databases: ``mto_sim_*`` or ``mto_<prefix>_sim_*`` (e.g. the test suite's
    ``$MTO_TEST_DB_sim_test``); nothing else is ever created or dropped."""
    return name.startswith(PREFIX) or (name.startswith("mto_") and "_sim_" in name)


def _psql(sql, db="postgres"):
    out = subprocess.run(["psql", "-d", db, "-qtAc", sql], check=True, capture_output=True, text=True)
    return out.stdout.strip()


def exists(name):
    return _psql(f"SELECT 1 FROM pg_database WHERE datname = '{name}'") == "1"


def _data_dir():
    for line in Path(ODOO_CONF).read_text().splitlines():
        key, _sep, value = line.partition("=")
        if key.strip() == "data_dir":
            return Path(value.strip())
    return Path.home() / ".local" / "share" / "Odoo"


def drop(name):
    if not _scratch(name):
        raise ValueError(f"refusing to drop {name}: the simulation only drops {PREFIX}* or mto_*_sim_* databases")
    subprocess.run(["dropdb", "--if-exists", "--force", name], check=True, capture_output=True)
    shutil.rmtree(_data_dir() / "filestore" / name, ignore_errors=True)


def create(name, template=TEMPLATE, log=print):
    """Fresh `name` = template + mto_fulfilment (dropped first when it exists)."""
    if not _scratch(name):
        raise ValueError(f"the simulation database must be named {PREFIX}* or mto_*_sim_*, not {name}")
    if not exists(template):
        raise RuntimeError(f"template database {template} missing: run ./setup/test or ./setup/simulate once")
    drop(name)
    log(f"sim: creating {name} from {template}")
    subprocess.run(["createdb", "-T", template, name], check=True, capture_output=True)
    filestore = _data_dir() / "filestore"
    if (filestore / template).is_dir():
        shutil.copytree(filestore / template, filestore / name)
    log_dir = REPO / ".local" / "log"
    log_dir.mkdir(parents=True, exist_ok=True)
    log_path = log_dir / f"{name}-install.log"
    with open(log_path, "wb") as out:
        res = subprocess.run(
            [PYTHON, f"{ODOO_SRC}/odoo-bin", "-c", ODOO_CONF, "-d", name, "-i", "mto_fulfilment",
             "--stop-after-init", "--log-level=warn"], stdout=out, stderr=subprocess.STDOUT)
    if res.returncode:
        raise RuntimeError(f"installing mto_fulfilment into {name} failed, see {log_path}")
    return name
