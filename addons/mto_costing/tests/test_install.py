from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestInstall(TransactionCase):
    def test_dependencies_installed(self):
        """The costing add-on sits on top of mto_fulfilment, mrp_account and sale_margin."""
        modules = self.env["ir.module.module"].search([
            ("name", "in", ["mto_fulfilment", "mto_costing", "mrp_account", "sale_margin"])])
        self.assertEqual(set(modules.mapped("state")), {"installed"})
        self.assertIn("purchase_price", self.env["sale.order.line"]._fields)
