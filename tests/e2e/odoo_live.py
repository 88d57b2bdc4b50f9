"""A live Odoo server on a free port, driven over XML-RPC, for end-to-end tests.

The fixtures copy the test database (add-ons installed) into a scratch database so the
end-to-end tests never disturb the Odoo tests, starts `odoo-bin` on it, and stops it after.
"""
import os
import socket
import subprocess
import time
import xmlrpc.client
from pathlib import Path

ODOO_SRC = os.environ.get("MTO_ODOO_SRC")
ODOO_CONF = os.environ.get("MTO_ODOO_CONF")
PYTHON = os.environ.get("MTO_PYTHON")
SOURCE_DB = os.environ.get("MTO_TEST_DB")
LOG_DIR = Path(__file__).resolve().parents[2] / ".local" / "log"


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _psql(sql, db="postgres"):
    subprocess.run(["psql", "-d", db, "-qtAc", sql], check=True, capture_output=True)


def query(sql, db, extra=()):
    """Rows of a read-only SQL query (psql, tab-separated), for checks the ORM cannot express."""
    out = subprocess.run(["psql", *extra, "-d", db, "-qtAX", "-F", "\t", "-c", sql], check=True,
                         capture_output=True, text=True).stdout
    return [tuple(line.split("\t")) for line in out.splitlines() if line]


class OdooServer:
    """A live Odoo server process on 127.0.0.1 with a small XML-RPC client."""

    def __init__(self, db, extra_args=(), env=None):
        self.db = db
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        LOG_DIR.mkdir(parents=True, exist_ok=True)
        self.log_path = LOG_DIR / f"e2e-{db}.log"
        self.extra_args = list(extra_args)
        self.env = env
        self.proc = None

    def start(self, timeout=120):
        log = open(self.log_path, "ab")  # noqa: SIM115 - kept open for the child's lifetime
        self.proc = subprocess.Popen(
            [PYTHON, f"{ODOO_SRC}/odoo-bin", "-c", ODOO_CONF, "-d", self.db,
             f"--db-filter=^{self.db}$", "--http-interface=127.0.0.1",
             f"--http-port={self.port}", "--max-cron-threads=0", *self.extra_args],
            stdout=log, stderr=subprocess.STDOUT, env={**os.environ, **(self.env or {})})
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"Odoo exited early, see {self.log_path}")
            try:
                xmlrpc.client.ServerProxy(f"{self.url}/xmlrpc/2/common").version()
                return self
            except OSError:
                time.sleep(0.5)
        raise RuntimeError(f"Odoo did not answer within {timeout}s, see {self.log_path}")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()

    def login(self, login, password):
        uid = xmlrpc.client.ServerProxy(f"{self.url}/xmlrpc/2/common").authenticate(
            self.db, login, password, {})
        if not uid:
            return None
        return RpcClient(self, uid, password)


class RpcClient:
    def __init__(self, server, uid, password):
        self.server, self.uid, self.password = server, uid, password
        self.models = xmlrpc.client.ServerProxy(f"{server.url}/xmlrpc/2/object", allow_none=True)

    def __call__(self, model, method, *args, **kwargs):
        return self.models.execute_kw(self.server.db, self.uid, self.password, model, method,
                                      list(args), kwargs)

    def ref(self, xmlid):
        module, name = xmlid.split(".")
        rows = self("ir.model.data", "search_read", [("module", "=", module), ("name", "=", name)],
                    fields=["res_id"])
        return rows[0]["res_id"]


def clone_database(name):
    _psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _psql(f'CREATE DATABASE "{name}" TEMPLATE "{SOURCE_DB}"')


