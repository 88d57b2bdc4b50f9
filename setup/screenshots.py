"""Screenshots of the main screens from a running demo (./setup/run), for the README.

    ~/.cache/mto-odoo/venv/bin/python setup/screenshots.py [--url http://localhost:8069] [--db mto_demo]

Logs in over JSON-RPC, hands the session cookie to headless Chromium (Debian's `chromium`) and
captures each screen through the DevTools protocol. Only talks to the local Odoo server.
"""
import argparse
import base64
import json
import shutil
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

import requests
import websocket

OUT = Path(__file__).resolve().parents[1] / "docs" / "screenshots"


def login(url, db, user, password):
    session = requests.Session()
    response = session.post(f"{url}/web/session/authenticate", json={
        "jsonrpc": "2.0", "params": {"db": db, "login": user, "password": password}}, timeout=60)
    response.raise_for_status()
    return session


def rpc(session, url, model, method, args, kwargs=None):
    response = session.post(f"{url}/web/dataset/call_kw", json={"jsonrpc": "2.0", "params": {
        "model": model, "method": method, "args": args, "kwargs": kwargs or {}}}, timeout=120)
    data = response.json()
    if "error" in data:
        raise RuntimeError(data["error"]["data"]["message"])
    return data["result"]


class Browser:
    def __init__(self, port=9333):
        binary = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
        if not binary:
            raise SystemExit("Chromium not found (apt-get install chromium)")
        self.profile = tempfile.mkdtemp(prefix="mto-shots-")
        self.proc = subprocess.Popen([
            binary, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            f"--remote-debugging-port={port}", f"--user-data-dir={self.profile}", "--window-size=1440,900",
            "about:blank"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(50):
            try:
                targets = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json"))
                page = next(t for t in targets if t["type"] == "page")
                break
            except (OSError, StopIteration):
                time.sleep(0.2)
        self.ws = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=60)
        self.seq = 0

    def send(self, method, **params):
        self.seq += 1
        self.ws.send(json.dumps({"id": self.seq, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self.seq:
                return message.get("result", {})

    def shot(self, url, path, wait_for=".o_action_manager .o_view_controller", delay=1.5):
        self.send("Page.navigate", url=url)
        for _ in range(100):
            found = self.send("Runtime.evaluate", expression=f"!!document.querySelector({json.dumps(wait_for)})")
            if found.get("result", {}).get("value"):
                break
            time.sleep(0.2)
        time.sleep(delay)
        data = self.send("Page.captureScreenshot", format="png")["data"]
        path.write_bytes(base64.b64decode(data))
        print("wrote", path)

    def close(self):
        self.proc.terminate()
        shutil.rmtree(self.profile, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://localhost:8069")
    parser.add_argument("--db", default="mto_demo")
    args = parser.parse_args()
    session = login(args.url, args.db, "admin", "admin")
    OUT.mkdir(parents=True, exist_ok=True)
    quotation = rpc(session, args.url, "sale.order", "search",
                    [[("state", "=", "draft"), ("order_line.mto_strategy", "=", "make_to_order")]], {"limit": 1})
    if quotation:
        rpc(session, args.url, "sale.order", "action_mto_promise", [quotation])
    # the order at risk (the demo's vendor delay) when there is one: the screen shows the activity
    confirmed = rpc(session, args.url, "sale.order", "search",
                    [[("state", "=", "sale"), ("order_line.mto_production_ids", "!=", False)]],
                    {"limit": 1, "order": "mto_at_risk desc, id"})
    browser = Browser()
    browser.send("Network.enable")
    host = args.url.split("//", 1)[1].split(":")[0]
    browser.send("Network.setCookie", name="session_id", value=session.cookies["session_id"], domain=host, path="/")
    browser.send("Emulation.setDeviceMetricsOverride", width=1440, height=900, deviceScaleFactor=1, mobile=False)
    try:
        if quotation:
            browser.shot(f"{args.url}/odoo/action-sale.action_quotations_with_onboarding/{quotation[0]}",
                         OUT / "quotation_promise.png", wait_for=".o_form_view td[name='mto_promise_date']")
        if confirmed:
            browser.shot(f"{args.url}/odoo/action-sale.action_orders/{confirmed[0]}", OUT / "sale_order_production.png",
                         wait_for=".o_form_view button[name='action_view_mto_production']")
        browser.shot(f"{args.url}/odoo/action-mto_fulfilment.action_orders_at_risk", OUT / "orders_at_risk.png")
        browser.shot(f"{args.url}/odoo/action-mto_fulfilment.mto_routing_rule_action", OUT / "routing_rules.png")
        browser.shot(f"{args.url}/odoo/action-mto_fulfilment.action_mto_order_stock", OUT / "order_stock.png")
        browser.shot(f"{args.url}/odoo/action-mto_fulfilment.mto_fulfilment_report_action", OUT / "promise_kpis.png")
        browser.shot(f"{args.url}/odoo/action-mrp.action_mrp_workorder_workcenter", OUT / "workcenter_load.png",
                     delay=3)
    finally:
        browser.close()


if __name__ == "__main__":
    main()
