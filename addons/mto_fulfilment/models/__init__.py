from . import (
    mrp_production,
    mto_routing_rule,
    purchase_order_line,
    sale_order,
    sale_order_line,
    stock_move,
    stock_rule,
    stock_warehouse,
)
