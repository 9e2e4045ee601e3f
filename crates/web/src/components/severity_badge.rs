//! Severity as a coloured badge whose text carries the meaning on its own (colour-blind users,
//! black-and-white printouts).

use crate::view::severity_label;
use stratoscope::Severity;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct SeverityBadgeProps {
    pub severity: Severity,
}

#[function_component]
pub fn SeverityBadge(props: &SeverityBadgeProps) -> Html {
    let class = classes!("badge", format!("sev-{}", props.severity.as_str()));
    html! { <span {class}>{ severity_label(props.severity) }</span> }
}
