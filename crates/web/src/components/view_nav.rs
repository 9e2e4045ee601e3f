//! The workspace's views as a row of tabs, each with its count, the current one marked.

use crate::route::View;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ViewNavProps {
    pub current: View,
    pub findings: usize,
    pub resources: usize,
    pub accepted: usize,
    pub on_view: Callback<View>,
}

#[function_component]
pub fn ViewNav(props: &ViewNavProps) -> Html {
    html! {
        <nav class="view-nav" aria-label="Views" data-testid="view-nav">
            { for View::ALL.into_iter().map(|v| {
                let count = match v {
                    View::Overview
                    | View::Compliance
                    | View::Drift
                    | View::Export
                    | View::Access
                    | View::Settings => None,
                    View::Findings => Some(props.findings),
                    View::Resources => Some(props.resources),
                    View::Accepted => Some(props.accepted),
                };
                let current = v == props.current;
                html! {
                    <button type="button" class={classes!("view-tab", current.then_some("current"))}
                        data-testid={format!("nav-{}", v.value())} aria-current={current.then_some("page")}
                        onclick={props.on_view.reform(move |_: MouseEvent| v)}>
                        { v.label() }
                        if let Some(n) = count {
                            <span class="tab-count">{ n }</span>
                        }
                    </button>
                }
            }) }
        </nav>
    }
}
