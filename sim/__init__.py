"""Seeded plant simulation of the make-to-order add-on, driven through Odoo's ORM in-process.

``python -m sim --weeks 12 --seed 7`` (or ``./setup/simulate``) creates a fresh database from the
template with Odoo's apps, installs ``mto_fulfilment``, loads the demo company and then moves a
simulated clock working day by working day: customer orders are promised and confirmed, purchase
orders are confirmed and received with vendor slippage, work orders run on the work-center
calendars with noisy durations and breakdowns, production orders are completed and deliveries
shipped. The report compares the promises with what actually happened.
"""
