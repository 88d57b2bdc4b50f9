"""Packaging, upgrade and translation checks: plain pytest, no in-process Odoo registry.

The pytest-odoo plugin (loaded for the whole ./setup/test session) adds autouse fixtures that
open the --odoo-database registry; these tests run Odoo, pip and git as subprocesses instead,
so the fixtures are overridden with no-ops here (as in tests/unit).
"""
import pytest


@pytest.fixture(scope="session", autouse=True)
def load_registry():
    """No Odoo registry in this process."""
    yield


@pytest.fixture(scope="session", autouse=True)
def load_http():
    """No Odoo HTTP server in this process."""
    yield


@pytest.fixture(scope="module", autouse=True)
def enable_odoo_test_flag():
    """Leave Odoo's global config alone."""
    yield
