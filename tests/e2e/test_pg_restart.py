"""Faults: PostgreSQL restarts while Odoo runs; the next requests succeed.

The machine's PostgreSQL is shared, so the test starts a throw-away cluster of its own (initdb in a
temporary folder, its own port and socket folder), loads a copy of the test database into it,
points an Odoo server at it, restarts that cluster (`pg_ctl restart -m fast`: every connection is
cut) and removes it at the end.
"""
import glob
import os
import shutil
import subprocess
import tempfile
import time
import xmlrpc.client

import pytest
from odoo_live import SOURCE_DB, OdooServer, _free_port

DB = f"{SOURCE_DB}_pgrestart"


def _pg_bin(name):
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return found[-1] if found else shutil.which(name)


def _as_postgres(*cmd, **kwargs):
    """Run a PostgreSQL server tool as the `postgres` user when we are root (initdb refuses root)."""
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    return subprocess.run([*prefix, *cmd], check=True, capture_output=True, text=True, timeout=180, **kwargs)


class ThrowAwayCluster:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="mto_pgrestart_")
        os.chmod(self.dir, 0o777)  # noqa: S103 - the postgres user writes its data and socket here
        self.data, self.socket, self.port = f"{self.dir}/data", self.dir, _free_port()
        self.started = False

    def pg_ctl(self, *args):
        # -l: the server writes to its own log, never to our pipes (else run() waits for it forever)
        return _as_postgres(_pg_bin("pg_ctl"), "-D", self.data, "-w", "-t", "60", "-l", f"{self.dir}/server.log",
                            *args)

    def start(self):
        _as_postgres(_pg_bin("initdb"), "-D", self.data, "-A", "trust", "-U", "postgres", "--no-sync")
        self.pg_ctl("-o", f"-p {self.port} -k {self.socket} -c listen_addresses='' -c fsync=off", "start")
        self.started = True
        user = os.environ.get("PGUSER") or subprocess.run(["id", "-un"], capture_output=True, text=True).stdout.strip()
        self.psql("postgres", f'CREATE ROLE "{user}" SUPERUSER LOGIN', user="postgres")
        return self

    def psql(self, db, sql, user=None):
        return subprocess.run(["psql", "-h", self.socket, "-p", str(self.port), *(["-U", user] if user else []),
                               "-d", db, "-qtAc", sql], check=True, capture_output=True, text=True).stdout

    def backends(self, db):
        return set(self.psql("postgres", f"SELECT pid FROM pg_stat_activity WHERE datname = '{db}'").split())

    def load(self, source, target):
        self.psql("postgres", f'CREATE DATABASE "{target}"')
        dump = subprocess.Popen(["pg_dump", "--no-owner", "-d", source], stdout=subprocess.PIPE)
        subprocess.run(["psql", "-h", self.socket, "-p", str(self.port), "-d", target, "-q", "-v",
                        "ON_ERROR_STOP=1"], stdin=dump.stdout, check=True, capture_output=True)
        assert dump.wait(300) == 0

    def stop(self):
        if self.started:
            self.pg_ctl("-m", "immediate", "stop")
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture(scope="module")
def own_cluster_server():
    cluster = ThrowAwayCluster()
    server = None
    try:
        cluster.start()
        cluster.load(SOURCE_DB, DB)
        server = OdooServer(DB, extra_args=[f"--db_host={cluster.socket}", f"--db_port={cluster.port}"])
        yield server.start(), cluster
    finally:
        if server:
            server.stop()
        cluster.stop()


def test_postgresql_restart_while_odoo_runs(own_cluster_server):
    server, cluster = own_cluster_server
    admin = server.login("admin", "admin")
    customer = admin("res.partner", "create", {"name": "Restart Customer"})
    vendor = admin("res.partner", "create", {"name": "Restart Vendor"})
    product = admin("product.product", "create", {"name": "Restart Bolt", "type": "consu", "list_price": 3,
                                                  "seller_ids": [(0, 0, {"partner_id": vendor, "delay": 3})]})
    before = admin("sale.order", "search_count", [])

    backends = cluster.backends(DB)
    assert backends, "the server is connected"
    started = time.time()
    cluster.pg_ctl("-m", "fast", "restart")  # every connection of the running server is cut
    assert time.time() - started < 60

    # the next requests, read and write, succeed: the server reconnects by itself
    results = []
    for i in range(5):
        order = admin("sale.order", "create", {"partner_id": customer, "order_line": [
            (0, 0, {"product_id": product, "product_uom_qty": 1 + i})]})
        admin("sale.order", "action_confirm", [order])
        results.append(admin("sale.order", "read", [order], ["state"])[0]["state"])
    assert results == ["sale"] * 5
    assert admin("sale.order", "search_count", []) == before + 5
    assert not backends & cluster.backends(DB), "the server works on new connections"
    promised = admin("mto.promise", "simulate", [{"product_id": product, "product_uom_qty": 2}])
    assert promised[0]["promise_date"]
    fresh = server.login("admin", "admin")
    assert fresh and fresh("res.partner", "read", [customer], ["name"])[0]["name"] == "Restart Customer"
    with pytest.raises(xmlrpc.client.Fault, match="does not exist|Missing"):
        admin("sale.order", "action_confirm", [987654321])  # and errors are still the user's, not the link's
