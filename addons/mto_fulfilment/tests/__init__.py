from . import test_routing_rule
from . import test_order_production
from . import test_confirm_batch
from . import test_order_stock
from . import test_promise
from . import test_repromise
from . import test_ui_tours
from . import test_vendor_reliability
from . import test_overdue_work
from . import test_promise_material
from . import test_replan_late_work
from . import test_replan_quantity_change
from . import test_kits
from . import test_order_stock_reserve
<<<<<<< HEAD
from . import test_promise_workcenters
=======
from . import test_order_stock_guard
>>>>>>> 94d114d (Order stock: a user can no longer create a move, MO or RFQ line made for an order line outside that order's documents)
