# Copyright 2026 MTO Fulfilment contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "MTO Costing",
    "summary": "Planned vs actual cost, variances, margin and genealogy per make-to-order line",
    "version": "19.0.1.1.0",
    "category": "Manufacturing",
    "website": "https://github.com/mto-odoo/mto-odoo",
    "author": "MTO Fulfilment contributors",
    "license": "LGPL-3",
    "depends": ["mto_fulfilment", "mrp_account", "sale_margin"],
    "data": [
        "security/ir.model.access.csv",
        "security/mto_costing_security.xml",
        "views/mto_cost_line_views.xml",
        "views/sale_order_views.xml",
        "views/mrp_production_views.xml",
        "views/product_views.xml",
        "views/res_config_settings_views.xml",
        "views/menus.xml",
        "report/mto_cost_sheet_report.xml",
    ],
    "assets": {
        "web.assets_tests": ["mto_costing/static/tests/tours/*.js"],
    },
}
