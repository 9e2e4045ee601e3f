//! One piece of evidence: where it sits in the export (file and JSON pointer, so the auditor can
//! find it in the file they were handed), the attribute the rule looked at, and the fragment
//! itself pretty-printed with the lines the rule tested marked ([`crate::highlight`]).

use crate::components::Prose;
use crate::highlight::evidence_lines;
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
                <div class="evidence-note"><Prose text={AttrValue::from(&*e.note)} /></div>
            }
            <dl class="evidence-meta">
                <dt>{ "File" }</dt>
                <dd class="mono" data-testid="evidence-file">{ e.file.clone() }</dd>
                <dt>{ "JSON pointer" }</dt>
                <dd><code class="pointer" data-testid="evidence-pointer">{ pointer }</code></dd>
                if !e.path.is_empty() {
                    <dt>{ "Attribute checked" }</dt>
                    <dd><code data-testid="evidence-path">{ e.path.clone() }</code></dd>
                }
            </dl>
            { match &e.value {
                Some(value) => html! {
                    <figure class="fragment">
                        <figcaption class="fragment-caption">
                            { "Offending fragment " }
                            <span class="muted">{ "(marked lines: what the rule tested)" }</span>
                        </figcaption>
                        <pre class="json" data-testid="evidence-json"><code>
                            { for evidence_lines(value, e).into_iter().map(|line| if line.marked {
                                html! { <mark class="hl" data-testid="evidence-mark">{ line.text }{ "\n" }</mark> }
                            } else {
                                html! { <span class="ln">{ line.text }{ "\n" }</span> }
                            }) }
                        </code></pre>
                    </figure>
                },
                None => html! { <p class="absent">{ "Not present in the export: the rule needs this fact and the file does not contain it." }</p> },
            } }
        </article>
    }
}
