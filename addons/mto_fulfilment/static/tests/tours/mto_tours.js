import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_utils";

// Quotation -> Promise -> see the date and why -> Confirm -> open the order's MO.
registry.category("web_tour.tours").add("mto_promise_tour", {
    steps: () => [
        {
            content: "Ask the plant for a date",
            trigger: ".o_form_view button[name='action_mto_promise']",
            run: "click",
        },
        {
            content: "Each line shows its promised date",
            trigger: ".o_field_one2many[name='order_line'] td[name='mto_promise_date']:not(:empty)",
        },
        {
            content: "... and why",
            trigger: ".o_field_one2many[name='order_line'] td[name='mto_promise_explanation']:contains('Panel')",
        },
        {
            content: "Confirm",
            trigger: ".o_form_statusbar button[name='action_confirm']",
            run: "click",
        },
        {
            content: "The order's fulfilment state sits with the delivery information",
            trigger: ".o_notebook .nav-link:contains('Other Info')",
            run: "click",
        },
        {
            content: "... on its own labelled row, not squeezed into the delivery date's",
            trigger: ".o_form_view .o_wrap_label label:contains('Fulfilment')",
        },
        {
            content: "Open the production made for this order",
            trigger: "button[name='action_view_mto_production']",
            run: "click",
        },
        {
            content: "The MO knows its order line",
            trigger: ".o_form_view .o_field_widget[name='mto_sale_line_id']:contains('Cabinet')",
        },
    ],
});

// A planner creates a routing rule from Manufacturing > Configuration.
registry.category("web_tour.tours").add("mto_routing_rule_tour", {
    steps: () => [
        {
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name='name'] input",
            run: "edit Tour: big lathes from stock first",
        },
        {
            trigger: ".o_field_widget[name='strategy'] input[data-value='stock_then_order']",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name='min_qty'] input",
            run: "edit 10",
        },
        ...stepUtils.saveForm(),
        {
            trigger: ".o_breadcrumb a:contains('MTO Routing Rules')",
            run: "click",
        },
        {
            trigger: ".o_data_row td:contains('Tour: big lathes from stock first')",
        },
    ],
});

// An inventory manager releases a cancelled order's goods from Inventory > Reporting > Order Stock.
registry.category("web_tour.tours").add("mto_order_stock_release_tour", {
    steps: () => [
        {
            trigger: ".o_group_header",
            run: "click",
        },
        {
            trigger: ".o_data_row .o_list_record_selector input",
            run: "click",
        },
        {
            trigger: ".o_control_panel button[name='action_mto_release'], .o_list_buttons button[name='action_mto_release']",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name='reason'] input",
            run: "edit customer cancelled",
        },
        {
            trigger: ".modal button[name='action_apply']",
            run: "click",
        },
        {
            content: "Nothing is pegged any more",
            trigger: ".o_action_manager:not(:has(.modal)):not(:has(.o_data_row))",
        },
    ],
});
