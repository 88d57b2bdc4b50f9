"""Benchmarks of the make-to-order add-on against plain Odoo on the same demo data (see setup/bench)."""
