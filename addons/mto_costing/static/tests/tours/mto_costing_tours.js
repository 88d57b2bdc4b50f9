import { registry } from "@web/core/registry";

// An accountant opens the cost sheet from the sale order and switches to the pivot.
registry.category("web_tour.tours").add("mto_cost_sheet_tour", {
    steps: () => [
        {
            content: "Open the cost sheet from the order",
            trigger: ".o_form_view button[name='action_mto_cost_sheet']",
            run: "click",
        },
        {
            content: "The cost lines, grouped by order line",
            trigger: ".o_list_view .o_group_header",
        },
        {
            content: "Pivot view",
            trigger: ".o_switch_view.o_pivot",
            run: "click",
        },
        {
            trigger: ".o_pivot .o_pivot_cell_value",
        },
    ],
});
