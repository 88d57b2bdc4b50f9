"""Scale-out: two Odoo servers on one database share a burst of re-promise jobs.

queue_job elects one job runner per database; it dispatches jobs over HTTP to the address it is
given, which in a multi-server installation is the load balancer in front of all servers. Here a
small round-robin TCP proxy on loopback plays that role.
"""
import contextlib
import itertools
import socket
import threading
import time

import pytest
from odoo_live import SOURCE_DB, OdooServer, _free_port, _psql, clone_database

DB = f"{SOURCE_DB}_scale"  # named after the suite's databases
JOBS = 30


class RoundRobinProxy:
    def __init__(self, backends):
        self.port = _free_port()
        self.backends = itertools.cycle(backends)
        self.sock = socket.create_server(("127.0.0.1", self.port))
        self.running = True
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        self.sock.settimeout(0.5)
        while self.running:
            try:
                client, _addr = self.sock.accept()
            except TimeoutError:
                continue
            try:
                upstream = socket.create_connection(("127.0.0.1", next(self.backends)), timeout=30)
            except OSError:
                client.close()
                continue
            for src, dst in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(src, dst), daemon=True).start()

    @staticmethod
    def _pipe(src, dst):
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for end in (src, dst):
                with contextlib.suppress(OSError):
                    end.shutdown(socket.SHUT_RDWR)

    def close(self):
        self.running = False
        self.sock.close()


@pytest.fixture(scope="module")
def burst():
    """The burst is queued first, by a server without job runner (nothing runs yet)."""
    clone_database(DB)
    server = OdooServer(DB, extra_args=["--load=base,web"]).start()
    admin = server.login("admin", "admin")
    vendor = admin("res.partner", "create", {"name": "Scale Vendor"})
    product = admin("product.product", "create", {
        "name": "Scale Bolt", "type": "consu", "is_storable": True,
        "seller_ids": [(0, 0, {"partner_id": vendor, "delay": 5, "price": 1})]})
    customer = admin("res.partner", "create", {"name": "Scale Customer"})
    orders = [admin("sale.order", "create", {"partner_id": customer, "order_line": [
        (0, 0, {"product_id": product, "product_uom_qty": 1 + i})]}) for i in range(JOBS)]
    for order in orders:
        admin("sale.order", "action_mto_promise", [order])
        admin("sale.order", "action_confirm", [order])
    for order in orders:  # each order triggers twice: identity keys keep one pending job per line
        admin("sale.order", "action_mto_repromise", [order])
        admin("sale.order", "action_mto_repromise", [order])
    lines = admin("sale.order.line", "search", [("order_id", "in", orders)])
    server.stop()
    return lines


@pytest.fixture(scope="module")
def two_servers(burst):
    ports = [_free_port(), _free_port()]
    proxy = RoundRobinProxy(ports)
    env = {"ODOO_QUEUE_JOB_PORT": str(proxy.port), "ODOO_QUEUE_JOB_CHANNELS": "root:4"}
    servers = []
    for port in ports:
        server = OdooServer(DB, env=env)
        server.port, server.url = port, f"http://127.0.0.1:{port}"
        servers.append(server.start())
    yield servers
    for server in servers:
        server.stop()
    proxy.close()
    _psql(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')


def test_burst_of_repromise_jobs_is_shared_by_both_servers(burst, two_servers):
    admin = two_servers[0].login("admin", "admin")
    lines = burst
    deadline = time.time() + 240
    while time.time() < deadline:
        jobs = admin("queue.job", "search_read", [("method_name", "=", "_mto_repromise_job")],
                     fields=["state", "worker_pid"])
        if all(j["state"] in ("done", "failed") for j in jobs):
            break
        time.sleep(1)
    assert len(jobs) == JOBS, "one job per line despite the duplicate triggers"
    assert {j["state"] for j in jobs} == {"done"}
    pids = {j["worker_pid"] for j in jobs}
    server_pids = {s.proc.pid for s in two_servers}
    assert pids <= server_pids and len(pids) == 2, f"work split between both servers: {pids} vs {server_pids}"
    computed = admin("sale.order.line", "search_count", [("id", "in", lines), ("mto_forecast_computed_at", "!=", False),
                                                         ("mto_repromise_needed", "=", False)])
    assert computed == len(lines), "every line recomputed"
