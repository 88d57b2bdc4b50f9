from odoo import api, fields, models
from odoo.exceptions import ValidationError

STRATEGIES = [
    ("make_to_order", "Make to order"),
    ("make_to_stock", "Take from stock"),
    ("stock_then_order", "Stock first, make the rest"),
]


class MtoRoutingRule(models.Model):
    """Decides per order line whether to make to order, take from stock, or both.

    Rules are evaluated by sequence; the first one whose every set condition holds wins. Without
    a matching rule the product's own routes apply, as in plain Odoo.
    """

    _name = "mto.routing.rule"
    _description = "MTO Routing Rule"
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", default=lambda self: self.env.company, index=True,
        help="Leave empty to apply the rule in every company.",
    )
    strategy = fields.Selection(STRATEGIES, required=True, default="make_to_order")
    product_id = fields.Many2one("product.product", string="Product variant", check_company=True)
    product_tmpl_id = fields.Many2one("product.template", string="Product", check_company=True)
    product_categ_id = fields.Many2one(
        "product.category", string="Product category", help="Child categories match too."
    )
    partner_id = fields.Many2one(
        "res.partner", string="Customer", check_company=True,
        help="Matches the customer's company and all of its contacts.",
    )
    attribute_value_ids = fields.Many2many(
        "product.attribute.value", string="Attribute values",
        help="The variant must carry all of these values.",
    )
    min_qty = fields.Float("Minimum quantity", digits="Product Unit",
                           help="In the product's unit of measure; 0 means no minimum.")
    max_qty = fields.Float("Maximum quantity", digits="Product Unit",
                           help="In the product's unit of measure; 0 means no maximum.")
    warehouse_id = fields.Many2one("stock.warehouse", check_company=True)
    note = fields.Text()

    @api.constrains("min_qty", "max_qty")
    def _check_quantities(self):
        for rule in self:
            if rule.min_qty < 0 or rule.max_qty < 0:
                raise ValidationError(self.env._(
                    "Rule %(rule)s: quantities cannot be negative.", rule=rule.name))
            if rule.max_qty and rule.min_qty > rule.max_qty:
                raise ValidationError(self.env._(
                    "Rule %(rule)s: the minimum quantity (%(min)s) is greater than the maximum "
                    "quantity (%(max)s).", rule=rule.name, min=rule.min_qty, max=rule.max_qty))

    def _matches(self, product, partner, qty, warehouse, company):
        """True when every condition set on the rule holds; `qty` is in the product's UoM."""
        self.ensure_one()
        if self.company_id and self.company_id != company:
            return False
        if self.product_id and self.product_id != product:
            return False
        if self.product_tmpl_id and self.product_tmpl_id != product.product_tmpl_id:
            return False
        if self.product_categ_id and not self._category_within(product.categ_id):
            return False
        if self.partner_id and self.partner_id.commercial_partner_id != partner.commercial_partner_id:
            return False
        if self.attribute_value_ids and (
                self.attribute_value_ids
                - product.product_template_attribute_value_ids.product_attribute_value_id):
            return False
        if self.warehouse_id and self.warehouse_id != warehouse:
            return False
        rounding = product.uom_id
        if self.min_qty and rounding.compare(qty, self.min_qty) < 0:
            return False
        return not (self.max_qty and rounding.compare(qty, self.max_qty) > 0)

    def _category_within(self, category):
        while category:
            if category == self.product_categ_id:
                return True
            category = category.parent_id
        return False

    @api.model
    def _find_rules(self, requests):
        """Batch matching. `requests`: iterable of (key, product, partner, qty, warehouse, company).

        Loads the active rules once and returns {key: rule or empty recordset}.
        """
        requests = list(requests)
        companies = {r[5].id for r in requests}
        rules = self.search(["|", ("company_id", "=", False), ("company_id", "in", list(companies))])
        result = {}
        for key, product, partner, qty, warehouse, company in requests:
            result[key] = next(
                (r for r in rules if r._matches(product, partner, qty, warehouse, company)),
                self.browse(),
            )
        return result
