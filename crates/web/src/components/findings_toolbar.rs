//! Severity filter, search box and the "shown of total" count above the findings table.

use crate::view::{count_text, SeverityFilter};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct FindingsToolbarProps {
    pub severity: SeverityFilter,
    pub query: AttrValue,
    pub shown: usize,
    pub total: usize,
    pub on_severity: Callback<SeverityFilter>,
    pub on_query: Callback<String>,
}

#[function_component]
pub fn FindingsToolbar(props: &FindingsToolbarProps) -> Html {
    let onchange = props.on_severity.reform(|e: Event| {
        let select: HtmlSelectElement = e.target_unchecked_into();
        SeverityFilter::from_value(&select.value())
    });
    let oninput = props.on_query.reform(|e: InputEvent| {
        let input: HtmlInputElement = e.target_unchecked_into();
        input.value()
    });
    html! {
        <div class="toolbar">
            <label class="field">
                <span class="field-label">{ "Minimum severity" }</span>
                <select data-testid="severity-filter" {onchange}>
                    { for SeverityFilter::choices().into_iter().map(|c| html! {
                        <option value={c.value()} selected={c == props.severity}>{ c.label() }</option>
                    }) }
                </select>
            </label>
            <label class="field grow">
                <span class="field-label">{ "Search" }</span>
                <input type="search" data-testid="search" value={props.query.clone()} {oninput}
                    placeholder="Rule, resource, ARN, account or message" autocomplete="off" spellcheck="false" />
            </label>
            <p class="count" data-testid="finding-count" aria-live="polite">{ count_text(props.shown, props.total) }</p>
        </div>
    }
}
