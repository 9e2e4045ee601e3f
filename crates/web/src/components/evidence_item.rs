//! One piece of evidence: where it sits in the export (file and JSON pointer, so the auditor can
//! find it in the file they were handed), what the rule looked at, and the fragment itself.

use crate::components::Prose;
use crate::view::pretty_json;
use stratoscope::Evidence;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct EvidenceItemProps {
    pub evidence: Evidence,
}

#[function_component]
pub fn EvidenceItem(props: &EvidenceItemProps) -> Html {
    let e = &props.evidence;
    let pointer = if e.pointer.is_empty() {
        "(whole document)".to_string()
    } else {
        e.pointer.clone()
    };
    html! {
        <article class="evidence" data-testid="evidence">
            if !e.note.is_empty() {
                <div class="evidence-note"><Prose text={AttrValue::from(e.note.clone())} /></div>
            }
            <dl class="evidence-meta">
                <dt>{ "File" }</dt>
                <dd class="mono">{ e.file.clone() }</dd>
                <dt>{ "JSON pointer" }</dt>
                <dd><code class="pointer">{ pointer }</code></dd>
                if !e.path.is_empty() {
                    <dt>{ "Attribute" }</dt>
                    <dd><code>{ e.path.clone() }</code></dd>
                }
            </dl>
            { match &e.value {
                Some(value) => html! { <pre class="json"><code>{ pretty_json(value) }</code></pre> },
                None => html! { <p class="absent">{ "Not present in the export: the rule needs this fact and the file does not contain it." }</p> },
            } }
        </article>
    }
}
