"""End-to-end fixtures: a real Odoo server on a free port, driven over XML-RPC."""
import pytest
from odoo_live import ODOO_CONF, ODOO_SRC, PYTHON, SOURCE_DB, OdooServer, _psql, clone_database


@pytest.fixture(scope="session")
def odoo_server():
    if not (ODOO_SRC and ODOO_CONF and PYTHON and SOURCE_DB):
        pytest.fail("end-to-end tests run through ./setup/test (MTO_* environment missing)")
    db = f"{SOURCE_DB}_e2e"
    clone_database(db)
    server = OdooServer(db).start()
    yield server
    server.stop()
    _psql(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')


@pytest.fixture(scope="session")
def admin(odoo_server):
    return odoo_server.login("admin", "admin")
