from . import test_order_production, test_routing_rule
