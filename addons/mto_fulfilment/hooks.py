def post_init_hook(env):
    """Make-to-order needs Odoo's "Replenish on Order (MTO)" route, archived by default."""
    route = env.ref("stock.route_warehouse0_mto", raise_if_not_found=False)
    if route and not route.active:
        route.active = True
    env["stock.warehouse"].search([])._mto_ensure_rules()
