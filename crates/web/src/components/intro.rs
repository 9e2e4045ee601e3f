//! The empty state: what to hand Stratoscope, and what happens to it.

use stratoscope::detect::supported;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct IntroProps {
    pub rules: usize,
}

#[function_component]
pub fn Intro(props: &IntroProps) -> Html {
    html! {
        <section class="intro" aria-label="Getting started">
            <div class="intro-col">
                <h2>{ "What to load" }</h2>
                <p>{ "Ask an administrator to run a read-only export and hand you the file. You need no cloud credentials yourself." }</p>
                <ul class="formats">
                    { for supported().into_iter().map(|s| html! {
                        <li><code>{ s }</code></li>
                    }) }
                </ul>
                <p class="muted">{ "Formats are recognised by their content, not by file name." }</p>
            </div>
            <div class="intro-col">
                <h2>{ "What you get" }</h2>
                <ul class="plain">
                    <li>{ format!("Findings from {} built-in rules, each explained: what is wrong, why it matters, who owns it, and the least-privilege alternative.", props.rules) }</li>
                    <li>{ "Evidence for every finding: the file, the JSON pointer and the offending fragment." }</li>
                    <li>{ "Remediation for the console, the CLI and Terraform, with framework control ids." }</li>
                    <li>{ "“Unknown” where an export lacks a fact: never counted as a pass." }</li>
                </ul>
            </div>
        </section>
    }
}
