"""Make the pure-Python planning package importable as ``planning`` without Odoo.

They need no database: run them alone with `pytest -p no:odoo tests/unit` (pytest-odoo's
session fixtures would otherwise ask for one); ./setup/test runs them in its one pytest session.
"""

import sys
from pathlib import Path

_HERE = Path(__file__).resolve().parent
_ADDON = _HERE.parents[1] / "addons" / "mto_fulfilment"

for _path in (str(_ADDON), str(_HERE)):
    if _path not in sys.path:
        sys.path.insert(0, _path)
