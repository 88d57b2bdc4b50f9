from odoo.exceptions import AccessError
from odoo.fields import Command
from odoo.tests import new_test_user, tagged

from .common import MtoCostCommon


@tagged("post_install", "-at_install")
class TestMargin(MtoCostCommon):
    def test_margin_with_partial_invoicing(self):
        order = self.make_order([(self.machine, 3)])
        line = order.order_line
        # nothing invoiced: revenue = untaxed line amount 3 x 5000 = 15000; cost = planned 284.46
        self.assertAlmostEqual(line.mto_revenue, 15000.0)
        self.assertAlmostEqual(line.mto_margin, 15000.0 - 284.46)
        invoice = order._create_invoices()
        invoice.invoice_line_ids.filtered(lambda aml: aml.sale_line_ids == line).quantity = 1
        self.assertAlmostEqual(line.mto_revenue, 15000.0, msg="draft invoices are not revenue")
        invoice.action_post()
        # 1 of 3 invoiced: revenue 5000, still planned cost: 5000 - 284.46 = 4715.54
        self.assertAlmostEqual(line.mto_revenue, 5000.0)
        self.assertAlmostEqual(line.mto_margin, 4715.54)
        self.assertAlmostEqual(order.mto_margin, 4715.54)
        # production done with the variances of TestActualCost: actual cost 364.56
        self.set_stock(self.steel, 20)
        self.set_stock(self.screw, 100)
        self.steel.standard_price = 13.0
        sub = line.mto_production_ids.filtered(lambda p: p.product_id == self.frame)
        self.env["stock.scrap"].create({"product_id": self.steel.id, "scrap_qty": 1, "production_id": sub.id,
                                        "product_uom_id": self.steel.uom_id.id}).do_scrap()
        self.produce_as(sub, consumed={self.steel: 7}, minutes={self.wc_welding: 70})
        self.produce_as(line._mto_top_productions(), minutes={self.wc_assembly: 120})
        self.assertAlmostEqual(line.mto_actual_cost, 364.56)
        # 5000 - 364.56 = 4635.44
        self.assertAlmostEqual(line.mto_margin, 4635.44)
        # a credit note of the invoiced unit: revenue back to 0 -> margin = -364.56
        reversal = invoice._reverse_moves()
        reversal.action_post()
        self.assertAlmostEqual(line.mto_revenue, 0.0)
        self.assertAlmostEqual(line.mto_margin, -364.56)


@tagged("post_install", "-at_install")
class TestSecurity(MtoCostCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesman = cls.env["res.users"].create({
            "name": "Sam Sales", "login": "sam.sales", "group_ids": [Command.set([
                cls.env.ref("sales_team.group_sale_salesman").id,
                # mto_fulfilment books work orders when confirming: needs write access on them
                cls.env.ref("mrp.group_mrp_user").id])]})
        cls.accountant = cls.env["res.users"].create({
            "name": "Anna Accountant", "login": "anna.accountant", "group_ids": [Command.set([
                cls.env.ref("account.group_account_user").id])]})
        cls.mrp_manager = cls.env["res.users"].create({
            "name": "Mia Plant", "login": "mia.plant", "group_ids": [Command.set([
                cls.env.ref("mrp.group_mrp_manager").id])]})

    def test_salesperson_cannot_read_costs(self):
        order = self.make_order([(self.machine, 1)], confirm=False)
        order.user_id = self.salesman
        order.with_user(self.salesman).action_confirm()  # freezing the plan works for salespeople
        self.assertTrue(self.env["mto.cost.line"].search([("order_id", "=", order.id)]))
        with self.assertRaises(AccessError):
            self.env["mto.cost.line"].with_user(self.salesman).search([("order_id", "=", order.id)]).read(["amount"])
        with self.assertRaises(AccessError):
            self.env["mto.cost.line"].with_user(self.salesman).browse(
                self.env["mto.cost.line"].search([("order_id", "=", order.id)], limit=1).id).read(["amount"])
        with self.assertRaises(AccessError):
            order.with_user(self.salesman).read(["mto_planned_cost"])
        with self.assertRaises(AccessError):
            order.order_line.with_user(self.salesman).read(["mto_margin"])
        self.assertNotIn("mto_planned_cost", order.with_user(self.salesman).fields_get())
        arch = order.with_user(self.salesman).get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertNotIn("mto_planned_cost", arch)
        self.assertNotIn("action_mto_cost_sheet", arch)
        with self.assertRaises(AccessError):
            order.with_user(self.salesman).action_mto_update_actual_cost()
        # nor, on the order screen, Odoo's own cost and margin (sale_margin: the product's cost)
        for name in ("margin", "margin_percent", "purchase_price"):
            self.assertNotIn(f'name="{name}"', arch)
        # a salesperson still creates and changes order lines (Odoo computes the margin behind)
        line = order.order_line.with_user(self.salesman)
        line.product_uom_qty = 2
        self.assertEqual(order.order_line.product_uom_qty, 2)

    def test_salesperson_sees_no_product_cost(self):
        """The product screens show a salesperson no cost (the product form showed it); those who
        buy, stock, make or account for the product still see it."""
        seller = new_test_user(self.env, "mto_cost_seller", groups="sales_team.group_sale_salesman")
        views = [("product.template", "product.product_template_only_form_view", "form"),
                 ("product.template", "product.product_template_tree_view", "list"),
                 ("product.product", "product.product_normal_form_view", "form"),
                 ("product.product", "product.product_variant_easy_edit_view", "form"),
                 ("product.product", "product.product_product_tree_view", "list")]
        for user, shown in ((seller, False), (self.accountant, True), (self.mrp_manager, True)):
            for model, xmlid, view_type in views:
                arch = self.env[model].with_user(user).get_views(
                    [(self.env.ref(xmlid).id, view_type)])["views"][view_type]["arch"]
                self.assertEqual('name="standard_price"' in arch, shown, (user.login, xmlid))

    def test_manufacturing_user_finishes_an_orders_production(self):
        """A manufacturing user (no cost rights) finishes the order's MOs; the actual cost follows
        behind the scenes (it failed: the line's cost fields were written with the user's rights)."""
        self.company.mto_overhead_rate = 0.0
        order = self.make_order([(self.machine, 1)])
        line = order.order_line
        self.set_stock(self.steel, 10)
        self.set_stock(self.screw, 100)
        sub = line.mto_production_ids.filtered(lambda p: p.product_id == self.frame)
        self.produce_as(sub.with_user(self.operator))
        self.assertFalse(line.mto_cost_final, "the lathe MO is not done yet")
        self.produce_as(line._mto_top_productions().with_user(self.operator))
        self.assertTrue(line.mto_cost_final)
        # steel 2 x 12.00 + screws (8 + 4) x 0.10 = 25.20; the work orders, closed without time
        # logged, take their expected time: Weld 31 min x 90/h = 46.50, Assemble 45 min x 60/h = 45.00
        self.assertAlmostEqual(line.mto_actual_cost, 116.70)

    def test_cost_groups_read_costs(self):
        order = self.make_order([(self.machine, 1)])
        for user in (self.accountant, self.mrp_manager):
            rows = self.env["mto.cost.line"].with_user(user).search([("order_id", "=", order.id)])
            self.assertTrue(rows.read(["amount", "category"]))
            self.assertAlmostEqual(order.with_user(user).mto_planned_cost, order.mto_planned_cost)
            self.assertTrue(order.order_line.with_user(user).read(["mto_margin", "mto_revenue"]))
        arch = order.with_user(self.mrp_manager).get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn("action_mto_cost_sheet", arch)
        self.assertIn('name="margin"', arch)
        action = order.with_user(self.accountant).action_mto_cost_sheet()
        self.assertEqual(action["res_model"], "mto.cost.line")
        mo = order.order_line._mto_top_productions()
        action = mo.with_user(self.mrp_manager).action_mto_cost_sheet()
        self.assertEqual(action["domain"], [("sale_line_id", "in", order.order_line.ids)])

    def test_profitability_leaves_cancelled_orders_out_by_default(self):
        kept, cancelled = self.make_order([(self.machine, 1)]), self.make_order([(self.machine, 1)])
        cancelled._action_cancel()
        action = self.env["ir.actions.act_window"]._for_xml_id("mto_costing.mto_cost_line_action")
        self.assertIn("search_default_not_cancelled", action["context"])
        arch = self.env["mto.cost.line"].get_views([(False, "search")])["views"]["search"]["arch"]
        self.assertIn('name="not_cancelled"', arch)
        rows = self.env["mto.cost.line"].search([("order_id.state", "!=", "cancel"),
                                                 ("order_id", "in", (kept | cancelled).ids)])
        self.assertEqual(rows.order_id, kept, "the cancelled order keeps its rows, out of the default view")

    def test_multi_company_rule(self):
        order = self.make_order([(self.machine, 1)])
        other = self.env["res.company"].create({"name": "Other plant"})
        self.accountant.write({"company_ids": [Command.link(other.id)], "company_id": other.id})
        rows = self.env["mto.cost.line"].with_user(self.accountant).with_context(
            allowed_company_ids=[other.id]).search([("order_id", "=", order.id)])
        self.assertFalse(rows)


@tagged("post_install", "-at_install")
class TestReports(MtoCostCommon):
    def test_cost_sheet_pdf_renders(self):
        order = self.make_order([(self.machine, 2)])
        order.action_mto_update_actual_cost()
        report = self.env.ref("mto_costing.action_report_mto_cost_sheet")
        html, _fmt = report._render_qweb_html(report.report_name, order.ids)
        self.assertIn(order.name, html.decode())
        self.assertIn("Welding", html.decode())
        pdf, fmt = report.with_context(force_report_rendering=True)._render_qweb_pdf(
            report.report_name, order.ids)
        self.assertEqual(fmt, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))

    def test_profitability_is_one_grouped_query(self):
        orders = [self.make_order([(self.machine, 1)], partner=p) for p in (self.customer, self.other_customer)]
        CostLine = self.env["mto.cost.line"]
        CostLine.flush_model()
        with self.assertQueryCount(1):
            groups = CostLine._read_group(
                [], ["partner_id", "product_id", "date:month", "category"],
                ["planned_amount:sum", "actual_amount:sum", "variance_amount:sum"])
        self.assertTrue(groups)
        by_partner = dict(CostLine._read_group([("order_id", "in", [o.id for o in orders])], ["partner_id"],
                                               ["planned_amount:sum"]))
        self.assertAlmostEqual(by_partner[self.customer], orders[0].mto_planned_cost)

    def _count_queries(self, lines):
        self.env.invalidate_all()
        start = self.cr.sql_log_count
        lines._mto_plan_cost()
        planned = self.cr.sql_log_count
        self.env.invalidate_all()
        lines._mto_compute_actual_cost()
        self.env.flush_all()
        return planned - start, self.cr.sql_log_count - planned

    def test_twenty_line_order_is_batched(self):
        one = self.make_order([(self.machine, 1)])
        twenty = self.make_order([(self.machine, 1)] * 20)
        self.assertEqual(len(twenty.order_line.mto_cost_line_ids.filtered(lambda r: r.kind == "planned")), 60)
        plan_1, actual_1 = self._count_queries(one.order_line)
        plan_20, actual_20 = self._count_queries(twenty.order_line)
        # 3-level explosion and actual cost of 20 lines: BoMs, moves, work orders, purchases are read
        # in a fixed number of queries; what is left per line is at most a couple of queries
        # (currency rate lookup, row writes), not one per BoM line, move or work order.
        self.assertLessEqual(plan_20 - plan_1, 2 * 19, (plan_1, plan_20))
        self.assertLessEqual(actual_20 - actual_1, 2 * 19, (actual_1, actual_20))
