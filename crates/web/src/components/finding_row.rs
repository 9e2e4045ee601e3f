//! One finding as a table row. Rows are focusable: Enter or Space opens the detail, the arrow
//! keys move to the neighbouring row and open it, Escape closes the detail.

use crate::components::SeverityBadge;
use crate::state::Shared;
use crate::view::{outcome_hint, outcome_label, FindingKey};
use stratoscope::Report;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct FindingRowProps {
    pub report: Shared<Report>,
    pub index: usize,
    pub selected: bool,
    pub on_select: Callback<FindingKey>,
    pub on_close: Callback<()>,
}

/// Focuses and activates the row before or after `row`, if it is a finding row.
fn move_to(row: &HtmlElement, forward: bool) {
    let next = if forward {
        row.next_element_sibling()
    } else {
        row.previous_element_sibling()
    };
    if let Some(next) = next.and_then(|el| el.dyn_into::<HtmlElement>().ok()) {
        if next.get_attribute("data-testid").as_deref() == Some("finding-row") {
            let _ = next.focus();
            next.click();
        }
    }
}

#[function_component]
pub fn FindingRow(props: &FindingRowProps) -> Html {
    let Some(f) = props.report.findings.get(props.index) else {
        return Html::default();
    };
    let key = FindingKey::of(f);
    let onclick = props.on_select.reform({
        let key = key.clone();
        move |_: MouseEvent| key.clone()
    });
    let onkeydown = {
        let on_select = props.on_select.clone();
        let on_close = props.on_close.clone();
        Callback::from(move |e: KeyboardEvent| match e.key().as_str() {
            "Enter" | " " => {
                e.prevent_default();
                on_select.emit(key.clone());
            }
            "ArrowDown" | "ArrowUp" => {
                e.prevent_default();
                // Yew delegates events to the root, so find the row from the event's target.
                let row = e
                    .target()
                    .and_then(|t| t.dyn_into::<Element>().ok())
                    .and_then(|el| el.closest("tr").ok().flatten())
                    .and_then(|el| el.dyn_into::<HtmlElement>().ok());
                if let Some(row) = row {
                    move_to(&row, e.key() == "ArrowDown");
                }
            }
            "Escape" => on_close.emit(()),
            _ => {}
        })
    };
    let outcome = f.outcome.as_str();
    let place = match &f.resource.region {
        Some(region) => format!("{} · {region}", f.resource.kind),
        None => f.resource.kind.clone(),
    };
    html! {
        <tr class={classes!("finding-row", props.selected.then_some("selected"))}
            tabindex="0" data-testid="finding-row"
            data-rule-id={f.rule_id.clone()} data-severity={f.severity.as_str()}
            data-outcome={outcome} data-resource-id={f.resource.id.clone()}
            aria-current={props.selected.then_some("true")}
            {onclick} {onkeydown}>
            <td class="col-sev"><SeverityBadge severity={f.severity} /></td>
            <td class="col-rule">
                <span class="rule-title">{ f.title.clone() }</span>
                <span class="rule-id">{ f.rule_id.clone() }</span>
            </td>
            <td class="col-res">
                <span class="res-name">{ f.resource.name.clone() }</span>
                <span class="res-kind">{ place }</span>
            </td>
            <td class="col-acct mono">{ f.resource.account.clone().unwrap_or_else(|| "—".to_string()) }</td>
            <td class="col-outcome">
                <span class={classes!("outcome", format!("outcome-{outcome}"))} title={outcome_hint(f.outcome)}>
                    { outcome_label(f.outcome) }
                </span>
            </td>
        </tr>
    }
}
