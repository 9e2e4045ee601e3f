//! One finding as a table row of fixed height (the list is virtualised). Rows are focusable:
//! Enter or Space opens the detail, the arrow keys ask the table for the neighbouring finding,
//! Escape closes the detail.

use crate::components::accepted::accepted_text;
use crate::components::SeverityBadge;
use crate::state::Shared;
use crate::view::{outcome_hint, outcome_label, FindingKey};
use stratoscope::Report;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct FindingRowProps {
    pub report: Shared<Report>,
    pub index: usize,
    pub selected: bool,
    /// In the tab order (one row of the table is).
    #[prop_or_default]
    pub tabbable: bool,
    pub on_select: Callback<FindingKey>,
    pub on_close: Callback<()>,
    /// (this finding, forward): move to the next or previous finding.
    #[prop_or_default]
    pub on_step: Callback<(FindingKey, bool)>,
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
        let on_step = props.on_step.clone();
        Callback::from(move |e: KeyboardEvent| match e.key().as_str() {
            "Enter" | " " => {
                e.prevent_default();
                on_select.emit(key.clone());
            }
            "ArrowDown" | "ArrowUp" => {
                e.prevent_default();
                on_step.emit((key.clone(), e.key() == "ArrowDown"));
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
            tabindex={if props.tabbable { "0" } else { "-1" }} data-testid="finding-row" data-vrow=""
            data-index={props.index.to_string()}
            data-rule-id={f.rule_id().to_string()} data-severity={f.severity.as_str()}
            data-outcome={outcome} data-resource-id={f.resource.id.clone()}
            data-accepted={f.accepted.is_some().to_string()}
            aria-current={props.selected.then_some("true")}
            {onclick} {onkeydown}>
            <td class="col-sev"><SeverityBadge severity={f.severity} /></td>
            <td class="col-rule">
                <span class="rule-title" title={f.title().to_string()}>{ f.title().to_string() }</span>
                <span class="rule-id">{ f.rule_id().to_string() }</span>
            </td>
            <td class="col-res">
                <span class="res-name" title={f.resource.id.clone()}>{ f.resource.name.clone() }</span>
                <span class="res-kind">{ place }</span>
            </td>
            <td class="col-acct mono">{ f.resource.account.clone().unwrap_or_else(|| "—".to_string()) }</td>
            <td class="col-outcome">
                <span class={classes!("outcome", format!("outcome-{outcome}"))} title={outcome_hint(f.outcome)}>
                    { outcome_label(f.outcome) }
                </span>
                if let Some(a) = &f.accepted {
                    <span class="accepted-tag" data-testid="accepted-tag" title={accepted_text(a)}>{ "Accepted" }</span>
                }
            </td>
        </tr>
    }
}
