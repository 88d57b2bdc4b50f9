from . import test_install
from . import test_planned_cost
from . import test_actual_cost
from . import test_margin_security_report
from . import test_genealogy
from . import test_ui_tour
from . import test_byproduct_cost
from . import test_customer_returns
