"""Both add-ons uninstall and reinstall cleanly, through Odoo's own module buttons over XML-RPC."""
import pytest
from odoo_live import SOURCE_DB, OdooServer, _psql, clone_database


@pytest.fixture(scope="module")
def scratch_server():
    server = OdooServer(clone_database_name := f"{SOURCE_DB}_uninstall")  # named after the suite's databases
    clone_database(clone_database_name)
    server.start()
    yield server
    server.stop()
    _psql(f'DROP DATABASE IF EXISTS "{clone_database_name}" WITH (FORCE)')


def module_states(client):
    rows = client("ir.module.module", "search_read", [("name", "in", ["mto_fulfilment", "mto_costing"])],
                  fields=["name", "state"])
    return {r["name"]: r["state"] for r in rows}


def test_uninstall_then_reinstall(scratch_server):
    admin = scratch_server.login("admin", "admin")
    assert module_states(admin) == {"mto_fulfilment": "installed", "mto_costing": "installed"}
    fulfilment = admin("ir.module.module", "search", [("name", "=", "mto_fulfilment")])
    admin("ir.module.module", "button_immediate_uninstall", fulfilment)
    assert module_states(admin) == {"mto_fulfilment": "uninstalled", "mto_costing": "uninstalled"}
    assert not admin("ir.model", "search", [("model", "=", "mto.routing.rule")])
    columns = admin("ir.model.fields", "search",
                    [("name", "like", "mto_%"), ("model", "=", "sale.order.line")])
    assert not columns
    costing = admin("ir.module.module", "search", [("name", "=", "mto_costing")])
    admin("ir.module.module", "button_immediate_install", costing)
    assert module_states(admin) == {"mto_fulfilment": "installed", "mto_costing": "installed"}
    assert admin("mto.routing.rule", "search_count", []) == 0
