//! The busy indicator shown while files are read or analysed. It is a live region so screen
//! readers announce it, and it only exists while work is in progress.

use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct BusyProps {
    pub label: AttrValue,
}

#[function_component]
pub fn Busy(props: &BusyProps) -> Html {
    html! {
        <div class="busy" data-testid="busy" role="status" aria-live="polite">
            <span class="spinner" aria-hidden="true"></span>
            <span>{ props.label.clone() }</span>
        </div>
    }
}
