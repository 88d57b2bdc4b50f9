# Copyright 2026 MTO Fulfilment contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "MTO Costing",
    "summary": "Planned vs actual cost, variances, margin and genealogy per make-to-order line",
    "version": "19.0.1.0.0",
    "category": "Manufacturing",
    "website": "https://github.com/mto-odoo/mto-odoo",
    "author": "MTO Fulfilment contributors",
    "license": "LGPL-3",
    "installable": True,
    "depends": ["mto_fulfilment", "mrp_account", "sale_margin"],
    "data": [],
}
