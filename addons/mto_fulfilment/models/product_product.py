from odoo import models


class ProductProduct(models.Model):
    _inherit = "product.product"

    def _mto_free_qty_for_promise(self):
        """{product id: free quantity} in the context's warehouse, for the promise snapshot."""
        return {product.id: product.free_qty for product in self}
