"""Packaging, upgrade and translation checks: plain pytest; Odoo, pip and git run as subprocesses.

Inside ./setup/test they share the session with pytest-odoo (whose session fixtures must not be
overridden here: the HTTP server of the browser tours depends on them). Alone:
`pytest -p no:odoo tests/packaging`.
"""
