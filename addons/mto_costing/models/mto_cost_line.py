from odoo import api, fields, models

CATEGORIES = [
    ("material", "Material"),
    ("labour", "Labour / machine"),
    ("purchase", "Purchase / subcontracting"),
    ("overhead", "Overhead"),
    ("scrap", "Scrap"),
    ("byproduct", "By-products (credit)"),
    ("returns", "Customer returns (credit)"),
]
KINDS = [("planned", "Planned"), ("actual", "Actual")]
COST_GROUPS = "mrp.group_mrp_manager,account.group_account_user,account.group_account_manager"


class MtoCostLine(models.Model):
    """One row per make-to-order sale line x cost category x kind (planned or actual).

    Planned rows are frozen when the order is confirmed; actual rows are rewritten by
    ``sale.order.line._mto_compute_actual_cost`` (MO done, or the *Update actual cost* button).
    Every measure of the profitability report is a stored column, so the report is one grouped
    SQL query whatever the number of lines.
    """

    _name = "mto.cost.line"
    _description = "Make-to-order cost line"
    _order = "order_id desc, sale_line_id, category, kind desc"
    _rec_name = "sale_line_id"

    sale_line_id = fields.Many2one(
        "sale.order.line", "Order line", required=True, ondelete="cascade", index=True, readonly=True)
    order_id = fields.Many2one(
        related="sale_line_id.order_id", store=True, index=True, string="Order")
    company_id = fields.Many2one(related="sale_line_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id", string="Currency")
    product_id = fields.Many2one(related="sale_line_id.product_id", store=True, string="Product")
    product_categ_id = fields.Many2one(
        related="sale_line_id.product_id.categ_id", store=True, string="Product category")
    partner_id = fields.Many2one(
        "res.partner", "Customer", compute="_compute_order_data", store=True, index=True)
    user_id = fields.Many2one("res.users", "Salesperson", compute="_compute_order_data", store=True)
    date = fields.Date("Order date", compute="_compute_order_data", store=True, index=True)
    category = fields.Selection(CATEGORIES, required=True, readonly=True)
    kind = fields.Selection(KINDS, required=True, readonly=True)
    amount = fields.Monetary(readonly=True)
    quantity = fields.Float(
        readonly=True, digits="Product Unit",
        help="Material/purchase/scrap: quantity of goods (summed over products); by-products and "
        "customer returns: quantity that came out or back (their value is credited); labour: minutes.")
    planned_amount = fields.Monetary("Planned cost", compute="_compute_split", store=True)
    actual_amount = fields.Monetary("Actual cost", compute="_compute_split", store=True)
    variance_amount = fields.Monetary(
        "Variance", readonly=True,
        help="On actual rows: actual minus planned cost of the category (positive = over plan).")
    price_variance = fields.Monetary(
        readonly=True, help="(actual unit price - planned unit price) x actual quantity; for labour, "
        "(actual cost per hour - planned cost per hour) x actual hours; for purchases it includes "
        "the MO extra costs.")
    usage_variance = fields.Monetary(
        readonly=True, help="(actual quantity - planned quantity) x planned unit price.")
    efficiency_variance = fields.Monetary(
        readonly=True, help="(actual minutes - expected minutes) / 60 x planned cost per hour.")
    scrap_variance = fields.Monetary(readonly=True, help="Value of what was scrapped.")
    detail = fields.Json(
        readonly=True, help="Breakdown by product (qty, unit price) or work center (minutes, rate).")

    _line_category_kind_uniq = models.Constraint(
        "UNIQUE(sale_line_id, category, kind)", "One cost row per order line, category and kind.")

    @api.depends("order_id.partner_id", "order_id.user_id", "order_id.date_order")
    def _compute_order_data(self):
        for line in self:
            order = line.order_id
            line.partner_id = order.partner_id.commercial_partner_id
            line.user_id = order.user_id
            line.date = order.date_order and order.date_order.date()

    @api.depends("kind", "amount")
    def _compute_split(self):
        for line in self:
            line.planned_amount = line.amount if line.kind == "planned" else 0.0
            line.actual_amount = line.amount if line.kind == "actual" else 0.0

    def _detail_rows(self):
        """Readable breakdown for the cost sheet: [(label, quantity, unit, unit price, amount)]."""
        self.ensure_one()
        rows = []
        detail = self.detail or {}
        if self.category == "labour":
            centers = self.env["mrp.workcenter"].browse(int(k) for k in detail)
            for center in centers:
                data = detail[str(center.id)]
                rows.append((center.display_name, data["minutes"], self.env._("min"), data["rate"],
                             data.get("cost", data["minutes"] / 60.0 * data["rate"])))
        elif self.category in ("material", "purchase", "scrap", "byproduct", "returns"):
            products = self.env["product.product"].browse(int(k) for k in detail if k.isdigit())
            for product in products:
                data = detail[str(product.id)]
                rows.append((product.display_name, data["qty"], product.uom_id.name, data["price"],
                             data.get("value", data["qty"] * data["price"])))
            if detail.get("extra"):
                rows.append((self.env._("MO extra cost"), 0.0, "", 0.0, detail["extra"]))
        elif self.category == "overhead":
            rows.append((self.env._("%s %% of material and labour", detail.get("rate", 0.0)), 0.0, "", 0.0,
                         self.amount))
        return rows
