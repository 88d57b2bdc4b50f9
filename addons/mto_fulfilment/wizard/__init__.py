from . import mto_order_stock_release
from . import change_production_qty
