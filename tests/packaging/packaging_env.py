"""Paths and helpers shared by the packaging tests (imported by name, like tests/e2e/odoo_live)."""
import hashlib
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
ADDONS_DIR = REPO / "addons"
ADDONS = ("mto_fulfilment", "mto_costing")
MTO_HOME = Path(os.environ.get("MTO_HOME") or Path.home() / ".cache" / "mto-odoo")
# ./setup/test exports the MTO_* variables; the fallbacks follow setup/common.sh and setup/test.
PYTHON = os.environ.get("MTO_PYTHON") or sys.executable
ODOO_SRC = Path(os.environ.get("MTO_ODOO_SRC") or os.environ.get("ODOO_SRC") or MTO_HOME / "odoo-19.0")
ODOO_CONF = Path(os.environ.get("MTO_ODOO_CONF") or REPO / ".local" / "odoo.conf")
_DEPS = "sale_mrp,purchase_stock,mrp_account,sale_margin,queue_job"
TEMPLATE_DB = os.environ.get("MTO_TEMPLATE_DB") or "mto_test_tpl_" + hashlib.sha1(f"{_DEPS}\n".encode()).hexdigest()[:8]


def run(cmd, timeout=300, **kwargs):
    """Run a command, returning its CompletedProcess; on failure the assertion shows its output."""
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, **kwargs)
    assert proc.returncode == 0, (
        f"{' '.join(map(str, cmd))} exited {proc.returncode}\n"
        f"--- stdout (tail)\n{proc.stdout[-3000:]}\n--- stderr (tail)\n{proc.stderr[-3000:]}"
    )
    return proc


def read_manifest(addon):
    import ast

    return ast.literal_eval((ADDONS_DIR / addon / "__manifest__.py").read_text(encoding="utf-8"))
