from odoo.tests import HttpCase, new_test_user, tagged

from .common import MtoCostCommon


@tagged("post_install", "-at_install")
class TestCostSheetTour(HttpCase, MtoCostCommon):
    def test_cost_sheet_from_the_order(self):
        new_test_user(self.env, "mto_tour_accountant", password="mto_tour_accountant",
                      groups="account.group_account_manager,sales_team.group_sale_salesman_all_leads")
        order = self.make_order([(self.machine, 3)])
        self.assertTrue(order.mto_cost_line_count)
        self.start_tour(f"/odoo/action-sale.action_orders/{order.id}", "mto_cost_sheet_tour",
                        login="mto_tour_accountant", timeout=120)
