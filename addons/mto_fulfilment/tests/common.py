from odoo.fields import Command
from odoo.tests import TransactionCase


class MtoCommon(TransactionCase):
    """A small make-to-order plant: a 3-level product, a bought component, a stock product."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        env = cls.env
        cls.company = env.company
        cls.warehouse = env["stock.warehouse"].search([("company_id", "=", cls.company.id)], limit=1)
        cls.stock_location = cls.warehouse.lot_stock_id
        cls.customer = env["res.partner"].create({"name": "Fjord Furniture AS", "is_company": True})
        cls.customer_contact = env["res.partner"].create(
            {"name": "Ingrid Buyer", "parent_id": cls.customer.id})
        cls.other_customer = env["res.partner"].create({"name": "Other Customer"})
        cls.vendor = env["res.partner"].create({"name": "Steel Supplies GmbH"})
        cls.categ_machines = env["product.category"].create({"name": "Custom Machines"})
        cls.categ_lathes = env["product.category"].create(
            {"name": "Lathes", "parent_id": cls.categ_machines.id})
        cls.categ_parts = env["product.category"].create({"name": "Spare parts"})

        def product(name, **vals):
            return env["product.product"].create(
                {"name": name, "type": "consu", "is_storable": True, **vals})

        buy = cls.warehouse.buy_pull_id.route_id
        # Level 3: bought components
        cls.screw = product("Screw M8", standard_price=0.1,
                            seller_ids=[Command.create({"partner_id": cls.vendor.id, "delay": 5,
                                                        "price": 0.1})], route_ids=[Command.set(buy.ids)])
        mto = env.ref("stock.route_warehouse0_mto")
        # bought specifically for each order (MTO + Buy)
        cls.steel = product("Steel tube", standard_price=12.0,
                            seller_ids=[Command.create({"partner_id": cls.vendor.id, "delay": 10,
                                                        "price": 12.0})],
                            route_ids=[Command.set((mto | buy).ids)])
        # Level 2: manufactured sub-assembly (MTO + Manufacture routes)
        manufacture = cls.warehouse.manufacture_pull_id.route_id
        cls.frame = product("Frame", route_ids=[Command.set((mto | manufacture).ids)])
        cls.bom_frame = env["mrp.bom"].create({
            "product_tmpl_id": cls.frame.product_tmpl_id.id, "product_qty": 1,
            "bom_line_ids": [Command.create({"product_id": cls.steel.id, "product_qty": 2}),
                             Command.create({"product_id": cls.screw.id, "product_qty": 8})],
        })
        # Level 1: finished machine, no route of its own (the routing rules decide)
        cls.machine = product("Lathe L200", categ_id=cls.categ_lathes.id, list_price=5000)
        cls.bom_machine = env["mrp.bom"].create({
            "product_tmpl_id": cls.machine.product_tmpl_id.id, "product_qty": 1,
            "bom_line_ids": [Command.create({"product_id": cls.frame.id, "product_qty": 1}),
                             Command.create({"product_id": cls.screw.id, "product_qty": 4})],
        })
        cls.spare = product("Belt", categ_id=cls.categ_parts.id, list_price=20)
        cls.rule_machines = env["mto.routing.rule"].create({
            "name": "Machines are made to order", "sequence": 20,
            "product_categ_id": cls.categ_machines.id, "strategy": "make_to_order"})

    def make_order(self, lines, partner=None, confirm=True):
        order = self.env["sale.order"].create({
            "partner_id": (partner or self.customer).id,
            "order_line": [Command.create({"product_id": p.id, "product_uom_qty": q})
                           for p, q in lines],
        })
        if confirm:
            order.action_confirm()
        return order

    def set_stock(self, product, qty):
        self.env["stock.quant"]._update_available_quantity(product, self.stock_location, qty)

    def produce(self, production, qty=None):
        """Produce an MO completely (or `qty`), consuming components as planned."""
        production.action_assign()
        production.qty_producing = qty or production.product_qty
        for move in production.move_raw_ids:
            move.quantity = move.product_uom_qty
        production.move_raw_ids.picked = True
        action = production.button_mark_done()
        if isinstance(action, dict) and action.get("res_model"):
            raise AssertionError(f"unexpected wizard {action['res_model']}: {action.get('context')}")
        return action

    def frames_from_stock(self):
        """Frames come from stock (no sub-MO), so a machine MO can start at once."""
        self.set_stock(self.frame, 5)
        self.set_stock(self.screw, 100)
        self.env["mto.routing.rule"].create({
            "name": "frames from stock", "sequence": 1, "product_id": self.frame.id, "strategy": "make_to_stock"})

    def start_production(self, production):
        """Start an MO: one unit being produced, components picked."""
        production.action_assign()
        production.qty_producing = 1
        production.move_raw_ids.picked = True
        return production
