//! One line per loaded file: recognised as what, ignored and why, or the located error.

use crate::state::ReadFailure;
use crate::view::{status_label, status_value, verdict_text};
use stratoscope::report::{InputStatus, InputVerdict};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct VerdictListProps {
    pub verdicts: Vec<InputVerdict>,
    /// Files the browser could not read; they never reached the engine.
    pub unreadable: Vec<ReadFailure>,
}

fn line(status: InputStatus, message: String) -> Html {
    let value = status_value(status);
    html! {
        <li class={classes!("verdict", format!("status-{value}"))} data-testid="verdict" data-status={value}>
            <span class="status-tag">{ status_label(status) }</span>
            <span class="verdict-message">{ message }</span>
        </li>
    }
}

#[function_component]
pub fn VerdictList(props: &VerdictListProps) -> Html {
    html! {
        <ul class="verdicts" aria-label="Loaded files">
            { for props.verdicts.iter().map(|v| line(v.status, verdict_text(v).to_string())) }
            { for props.unreadable.iter().map(|f| line(InputStatus::Error, format!("{}: could not be read by the browser ({})", f.name, f.message))) }
        </ul>
    }
}
