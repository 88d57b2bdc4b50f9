from . import mto_order_stock_release
