from odoo.exceptions import AccessError, ValidationError
from odoo.fields import Command
from odoo.tests import new_test_user, tagged

from .common import MtoCommon


@tagged("post_install", "-at_install")
class TestRoutingRule(MtoCommon):
    def strategy(self, product, qty=1, partner=None):
        order = self.make_order([(product, qty)], partner=partner, confirm=False)
        return order.order_line.mto_strategy, order.order_line.mto_routing_rule_id

    def test_category_rule_matches_child_category(self):
        strategy, rule = self.strategy(self.machine)
        self.assertEqual(strategy, "make_to_order")
        self.assertEqual(rule, self.rule_machines)

    def test_no_rule_falls_back_to_product_routes(self):
        strategy, rule = self.strategy(self.spare)
        self.assertEqual((strategy, rule.id), ("make_to_stock", False))
        strategy, rule = self.strategy(self.frame)  # MTO route on the product itself
        self.assertEqual((strategy, rule.id), ("make_to_order", False))

    def test_sequence_decides_first_match(self):
        product_rule = self.env["mto.routing.rule"].create({
            "name": "This lathe from stock", "sequence": 5, "product_id": self.machine.id,
            "strategy": "make_to_stock"})
        self.assertEqual(self.strategy(self.machine)[1], product_rule)
        product_rule.sequence = 30
        self.assertEqual(self.strategy(self.machine)[1], self.rule_machines)
        product_rule.active = False
        product_rule.sequence = 1
        self.assertEqual(self.strategy(self.machine)[1], self.rule_machines, "archived rules are ignored")

    def test_customer_matches_through_contacts_and_quantity_band(self):
        rule = self.env["mto.routing.rule"].create({
            "name": "Fjord big orders: stock first", "sequence": 1, "partner_id": self.customer.id,
            "min_qty": 10, "max_qty": 50, "strategy": "stock_then_order"})
        self.assertEqual(self.strategy(self.machine, 10, self.customer_contact)[1], rule)
        self.assertEqual(self.strategy(self.machine, 50, self.customer)[1], rule)
        self.assertEqual(self.strategy(self.machine, 9, self.customer)[1], self.rule_machines)
        self.assertEqual(self.strategy(self.machine, 51, self.customer)[1], self.rule_machines)
        self.assertEqual(self.strategy(self.machine, 20, self.other_customer)[1], self.rule_machines)

    def test_attribute_values_all_required(self):
        color = self.env["product.attribute"].create({"name": "Color", "value_ids": [
            Command.create({"name": "Oak"}), Command.create({"name": "Black"})]})
        size = self.env["product.attribute"].create({"name": "Size", "value_ids": [
            Command.create({"name": "S"}), Command.create({"name": "L"})]})
        template = self.env["product.template"].create({
            "name": "Desk", "type": "consu", "is_storable": True, "attribute_line_ids": [
                Command.create({"attribute_id": color.id, "value_ids": [Command.set(color.value_ids.ids)]}),
                Command.create({"attribute_id": size.id, "value_ids": [Command.set(size.value_ids.ids)]}),
            ]})
        oak, black = color.value_ids
        large = size.value_ids[1]
        rule = self.env["mto.routing.rule"].create({
            "name": "Black large desks are custom", "attribute_value_ids": [Command.set((black | large).ids)],
            "strategy": "make_to_order"})

        def variant(*values):
            return template.product_variant_ids.filtered(lambda p: set(values) <= set(
                p.product_template_attribute_value_ids.product_attribute_value_id))

        self.assertEqual(self.strategy(variant(black, large))[1], rule)
        self.assertFalse(self.strategy(variant(oak, large))[1])
        self.assertFalse(self.strategy(variant(black, size.value_ids[0]))[1])

    def test_min_greater_than_max_refused(self):
        with self.assertRaisesRegex(ValidationError, "greater than the maximum"):
            self.env["mto.routing.rule"].create({
                "name": "Bad band", "min_qty": 10, "max_qty": 5, "strategy": "make_to_order"})
        with self.assertRaisesRegex(ValidationError, "negative"):
            self.env["mto.routing.rule"].create({"name": "Bad", "min_qty": -1})

    def test_access_salesperson_reads_manager_writes(self):
        salesman = new_test_user(self.env, "mto_salesman", groups="sales_team.group_sale_salesman")
        manager = new_test_user(self.env, "mto_sale_manager", groups="sales_team.group_sale_manager")
        rule = self.rule_machines.with_user(salesman)
        self.assertEqual(rule.read(["strategy"])[0]["strategy"], "make_to_order")
        with self.assertRaises(AccessError):
            rule.write({"strategy": "make_to_stock"})
        with self.assertRaises(AccessError):
            self.env["mto.routing.rule"].with_user(salesman).create({"name": "x"})
        self.rule_machines.with_user(manager).write({"strategy": "stock_then_order"})
        self.assertEqual(self.rule_machines.strategy, "stock_then_order")

    def test_override_by_sales_manager_only_and_frozen(self):
        salesman = new_test_user(self.env, "mto_salesman2",
                                 groups="sales_team.group_sale_salesman_all_leads")
        manager = new_test_user(self.env, "mto_sale_manager2", groups="sales_team.group_sale_manager")
        order = self.make_order([(self.machine, 1)], confirm=False)
        line = order.order_line
        with self.assertRaises(AccessError):
            line.with_user(salesman).write({"mto_strategy": "make_to_stock"})
        # sending back the computed value (as forms do) is not an override
        line.with_user(salesman).write({"mto_strategy": "make_to_order", "product_uom_qty": 2})
        self.assertFalse(line.mto_strategy_manual)
        line.with_user(manager).write({"mto_strategy": "make_to_stock"})
        self.assertEqual(line.mto_strategy, "make_to_stock")
        self.assertTrue(line.mto_strategy_manual)
        line.product_uom_qty = 3  # a manual choice survives edits
        self.assertEqual(line.mto_strategy, "make_to_stock")
        order.action_confirm()
        self.assertFalse(order.mrp_production_ids, "forced from stock: no production")
        self.rule_machines.strategy = "stock_then_order"
        self.assertEqual(line.mto_strategy, "make_to_stock")

    def test_multi_company_isolation(self):
        other = self.env["res.company"].create({"name": "Other Plant GmbH"})
        self.env["mto.routing.rule"].create({"name": "Other plant's rule", "company_id": other.id,
                                             "strategy": "make_to_stock", "sequence": 1})
        shared = self.env["mto.routing.rule"].create({"name": "Group-wide rule", "company_id": False,
                                                      "strategy": "make_to_order", "sequence": 99})
        user = new_test_user(self.env, "mto_company_a_user", groups="sales_team.group_sale_salesman",
                             company_id=self.company.id, company_ids=[Command.set(self.company.ids)])
        visible = self.env["mto.routing.rule"].with_user(user).search([])
        self.assertNotIn("Other plant's rule", visible.mapped("name"))
        self.assertIn(shared, visible)
        # the other company's rule never decides this company's lines, even first in sequence
        self.assertEqual(self.strategy(self.machine)[1], self.rule_machines)

    def test_warehouse_rule_matches_the_line_warehouse(self):
        """A line routed through another warehouse's delivery route ships from it (Odoo sets the
        line's warehouse so): a rule for that warehouse decides the line, not the order's."""
        wh2 = self.env["stock.warehouse"].create({"name": "Second Plant", "code": "WH2"})
        wh2.delivery_route_id.sale_selectable = True
        rule = self.env["mto.routing.rule"].create({
            "name": "Second plant ships lathes from stock", "sequence": 1, "warehouse_id": wh2.id,
            "strategy": "make_to_stock"})
        order = self.env["sale.order"].create({
            "partner_id": self.customer.id,
            "order_line": [Command.create({"product_id": self.machine.id, "product_uom_qty": 1}),
                           Command.create({"product_id": self.machine.id, "product_uom_qty": 1,
                                           "route_ids": [Command.set(wh2.delivery_route_id.ids)]})]})
        line1, line2 = order.order_line
        self.assertEqual((line1.warehouse_id, line2.warehouse_id), (self.warehouse, wh2))
        self.assertEqual(line1.mto_routing_rule_id, self.rule_machines)
        self.assertEqual((line2.mto_routing_rule_id, line2.mto_strategy), (rule, "make_to_stock"))
        line2.route_ids = [Command.clear()]
        self.assertEqual(line2.mto_routing_rule_id, self.rule_machines, "back in the order's warehouse")
