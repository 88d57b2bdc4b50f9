# Copyright 2026 MTO Fulfilment contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "MTO Fulfilment",
    "summary": "Make-to-order routing rules, order-linked production, order stock "
    "and capacity-aware delivery promises",
    "version": "19.0.1.1.0",
    "category": "Manufacturing",
    "website": "https://github.com/mto-odoo/mto-odoo",
    "author": "MTO Fulfilment contributors",
    "license": "LGPL-3",
    "depends": ["sale_mrp", "purchase_stock", "queue_job"],
    "data": [
        "security/mto_security.xml",
        "security/ir.model.access.csv",
        "data/queue_job_data.xml",
        "views/mto_routing_rule_views.xml",
        "views/sale_order_views.xml",
        "views/mrp_production_views.xml",
        "views/order_stock_views.xml",
        "views/mto_fulfilment_report_views.xml",
        "views/menus.xml",
        "views/res_config_settings_views.xml",
    ],
    "assets": {
        "web.assets_tests": ["mto_fulfilment/static/tests/tours/*.js"],
    },
    "post_init_hook": "post_init_hook",
}
