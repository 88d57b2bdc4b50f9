"""Suite-wide rule: a skipped test is a failed test when MTO_NO_SKIP is set (./setup/test sets it).

Odoo skips browser tours when no Chromium is found and pytest-odoo skips HTTP tests without
--odoo-http: in CI either would silently prove nothing.
"""
import os

import pytest


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.skipped and os.environ.get("MTO_NO_SKIP"):
        report.outcome = "failed"
        report.longrepr = f"skipped, which the suite does not allow: {report.longrepr}"
