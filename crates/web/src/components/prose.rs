//! Rule prose (explanations, console steps) as paragraphs with `code` spans, all text nodes.

use crate::view::{prose, Span};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ProseProps {
    pub text: AttrValue,
}

#[function_component]
pub fn Prose(props: &ProseProps) -> Html {
    let paragraphs = prose(&props.text);
    if paragraphs.is_empty() {
        return html! { <p class="muted">{ "—" }</p> };
    }
    html! {
        <>{ for paragraphs.into_iter().map(|spans| html! {
            <p>
                { for spans.into_iter().map(|span| match span {
                    Span::Text(t) => html! { { t.to_string() } },
                    Span::Code(c) => html! { <code>{ c.to_string() }</code> },
                }) }
            </p>
        }) }</>
    }
}
