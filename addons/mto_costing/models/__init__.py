from . import res_company
from . import mto_cost_line
from . import sale_order_line
from . import sale_order
from . import mrp_production
from . import genealogy
from . import stock_move
