"""Make the pure-Python planning package importable as ``planning`` without Odoo.

The pytest-odoo plugin installed in the project venv adds autouse fixtures that open an Odoo
database; these unit tests need none, so the fixtures are overridden with no-ops here.
"""

import sys
from pathlib import Path

import pytest

_HERE = Path(__file__).resolve().parent
_ADDON = _HERE.parents[1] / "addons" / "mto_fulfilment"

for _path in (str(_ADDON), str(_HERE)):
    if _path not in sys.path:
        sys.path.insert(0, _path)


@pytest.fixture(scope="session", autouse=True)
def load_registry():
    """No Odoo registry for pure unit tests."""
    yield


@pytest.fixture(scope="session", autouse=True)
def load_http():
    """No Odoo HTTP server for pure unit tests."""
    yield


@pytest.fixture(scope="module", autouse=True)
def enable_odoo_test_flag():
    """Leave Odoo's global config alone."""
    yield
