from . import test_routing_rule
from . import test_order_production
from . import test_confirm_batch
from . import test_order_stock
from . import test_promise
from . import test_repromise
from . import test_ui_tours
