//! The detail pane for the selected finding: what the auditor reads and quotes. Top to bottom:
//! the finding and its resource, the evidence (the offending JSON, marked), then the rule's
//! explanation sections in DESIGN §5's order (what, why, shared responsibility, least
//! privilege, how to fix with the remediation tabs, when it may be acceptable, references),
//! then the framework controls. Evidence comes before the prose because it is what this
//! finding is about; the prose is the same for every finding of the rule.

use crate::analysis::PackLoad;
use crate::components::{AcceptForm, AcceptedBox, CopyButton, EvidenceItem, Prose, SeverityBadge};
use crate::state::Shared;
use crate::view::{framework_lines, outcome_hint, outcome_label, safe_link};
use stratoscope::{Report, Rule};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct FindingDetailProps {
    pub report: Shared<Report>,
    pub index: usize,
    pub pack: Shared<PackLoad>,
    pub on_close: Callback<()>,
}

/// The remediation tabs, in the order an auditor hands them on: console steps for whoever
/// clicks, then the CLI, then Terraform for whoever owns the code.
const TABS: [(&str, &str); 3] = [
    ("console", "Console"),
    ("cli", "CLI"),
    ("terraform", "Terraform"),
];

#[derive(Properties, PartialEq)]
struct RemediationProps {
    console: AttrValue,
    cli: AttrValue,
    terraform: AttrValue,
}

#[function_component]
fn Remediation(props: &RemediationProps) -> Html {
    let active = use_state(|| 0usize);
    let texts = [&props.console, &props.cli, &props.terraform];
    let choose = |i: usize| {
        let active = active.clone();
        Callback::from(move |_: MouseEvent| active.set(i))
    };
    // Left and right arrows move between the tabs, as in any tab list.
    let onkeydown = {
        let active = active.clone();
        Callback::from(move |e: KeyboardEvent| {
            let n = TABS.len();
            let next = match e.key().as_str() {
                "ArrowRight" => (*active + 1) % n,
                "ArrowLeft" => (*active + n - 1) % n,
                _ => return,
            };
            e.prevent_default();
            active.set(next);
            if let Some(tab) = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.get_element_by_id(&format!("remedy-tab-{}", TABS[next].0)))
            {
                use wasm_bindgen::JsCast;
                if let Ok(tab) = tab.dyn_into::<web_sys::HtmlElement>() {
                    let _ = tab.focus();
                }
            }
        })
    };
    let (key, label) = TABS[*active];
    let text = texts[*active].clone();
    html! {
        <div class="remediation" data-testid="remediation">
            <div class="tabs-head">
                <div class="tabs" role="tablist" aria-label="Remediation" {onkeydown}>
                    { for TABS.iter().enumerate().map(|(i, (k, l))| html! {
                        <button type="button" role="tab" id={format!("remedy-tab-{k}")}
                            class={classes!("tab", (i == *active).then_some("active"))}
                            aria-selected={(i == *active).to_string()} aria-controls="remedy-panel"
                            tabindex={if i == *active { "0" } else { "-1" }}
                            data-testid="remedy-tab" data-tab={*k} onclick={choose(i)}>{ *l }</button>
                    }) }
                </div>
                <CopyButton key={key} text={text.clone()} label={format!("Copy {label}")} />
            </div>
            <div id="remedy-panel" role="tabpanel" aria-labelledby={format!("remedy-tab-{key}")}
                class="tab-panel" data-testid="remedy-panel" data-tab={key}>
                if key == "console" {
                    <Prose text={text} />
                } else {
                    <pre class="code"><code>{ text }</code></pre>
                }
            </div>
        </div>
    }
}

fn explanation(rule: &Rule) -> Html {
    html! {
        <>{ for rule.explanation.sections().into_iter().map(|(key, heading, text)| html! {
            <section class="explanation" data-testid="explanation-section" data-key={key} data-section={key}>
                <h3>{ heading }</h3>
                <Prose text={AttrValue::from(text.to_string())} />
                if key == "fix" {
                    <Remediation console={AttrValue::from(rule.remediation.console.trim().to_string())}
                        cli={AttrValue::from(rule.remediation.cli.trim().to_string())}
                        terraform={AttrValue::from(rule.remediation.terraform.trim().to_string())} />
                }
            </section>
        }) }</>
    }
}

fn references(rule: &Rule) -> Html {
    html! {
        <section class="references" data-section="references">
            <h3>{ "References" }</h3>
            if rule.references.is_empty() {
                <p class="muted">{ "This rule lists no references." }</p>
            }
            <ul>
                { for rule.references.iter().map(|url| match safe_link(url) {
                    Some(href) => html! { <li><a href={href.to_string()} rel="noreferrer" target="_blank">{ href.to_string() }</a></li> },
                    None => html! { <li class="mono">{ url.clone() }</li> },
                }) }
            </ul>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct AcceptToggleProps {
    finding: stratoscope::report::Finding,
}

/// "Accept risk…", opening the form in place.
#[function_component]
fn AcceptToggle(props: &AcceptToggleProps) -> Html {
    let open = use_state(|| false);
    if *open {
        let close = open.clone();
        return html! { <AcceptForm finding={props.finding.clone()} on_done={Callback::from(move |_| close.set(false))} /> };
    }
    html! {
        <p><button type="button" class="button small" data-testid="accept-risk" onclick={Callback::from(move |_: MouseEvent| open.set(true))}>{ "Accept risk…" }</button></p>
    }
}

#[function_component]
pub fn FindingDetail(props: &FindingDetailProps) -> Html {
    let Some(f) = props.report.findings.get(props.index) else {
        return Html::default();
    };
    let rule = props.pack.pack.get(f.rule_id());
    let onclick = props.on_close.reform(|_: MouseEvent| ());
    let onkeydown = {
        let on_close = props.on_close.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" {
                on_close.emit(());
            }
        })
    };
    let outcome = f.outcome.as_str();
    let frameworks = framework_lines(f.frameworks());
    let accept = match &f.accepted {
        Some(a) => html! { <AcceptedBox accepted={(**a).clone()} /> },
        None => html! { <AcceptToggle finding={f.clone()} /> },
    };
    html! {
        <aside class="detail" data-testid="detail" aria-labelledby="detail-title" {onkeydown}>
            <div class="detail-head">
                <SeverityBadge severity={f.severity} />
                <span class={classes!("outcome", format!("outcome-{outcome}"))} title={outcome_hint(f.outcome)}>
                    { outcome_label(f.outcome) }
                </span>
                <span class="detail-rule-id">{ f.rule_id().to_string() }</span>
                <button type="button" class="close" data-testid="close-detail" aria-label="Close the finding detail (Escape)" {onclick}>{ "×" }</button>
            </div>
            <h2 id="detail-title" class="detail-title">{ f.title().to_string() }</h2>
            <p class="finding-message">{ f.message.clone() }</p>
            { accept }
            <dl class="resource-facts">
                <dt>{ "Resource" }</dt>
                <dd>{ f.resource.name.clone() }</dd>
                <dt>{ "Identifier" }</dt>
                <dd class="mono break">{ f.resource.id.clone() }</dd>
                <dt>{ "Kind" }</dt>
                <dd class="mono">{ f.resource.kind.clone() }</dd>
                <dt>{ "Account" }</dt>
                <dd class="mono">{ f.resource.account.clone().unwrap_or_else(|| "—".to_string()) }</dd>
                if let Some(region) = &f.resource.region {
                    <dt>{ "Region" }</dt>
                    <dd class="mono">{ region.clone() }</dd>
                }
            </dl>
            <section class="evidence-list" data-section="evidence">
                <h3>{ format!("Evidence ({})", f.evidence.len()) }</h3>
                if f.evidence.is_empty() {
                    <p class="muted">{ "The engine recorded no evidence for this finding." }</p>
                }
                { for f.evidence.iter().map(|e| html! { <EvidenceItem evidence={e.clone()} /> }) }
            </section>
            { match rule {
                Some(rule) => html! { <>{ explanation(rule) }{ references(rule) }</> },
                None => html! {
                    <p class="notice">{ format!("Rule {} is not in the loaded rule pack, so its explanation is unavailable.", f.rule_id()) }</p>
                },
            } }
            if !frameworks.is_empty() {
                <section class="frameworks" data-section="frameworks">
                    <h3>{ "Framework controls" }</h3>
                    <ul class="chips">
                        { for frameworks.into_iter().map(|line| html! { <li class="chip">{ line }</li> }) }
                    </ul>
                </section>
            }
        </aside>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tests::{demo_report, render};

    /// Every `attr="key"` occurs, in the order given.
    fn assert_in_order(html: &str, attr: &str, keys: &[&str]) {
        let at: Vec<usize> = keys
            .iter()
            .map(|k| html.find(&format!("{attr}=\"{k}\"")).unwrap_or(usize::MAX))
            .collect();
        assert!(
            at.windows(2).all(|w| w[0] < w[1]),
            "{attr} out of order or missing: {at:?}"
        );
    }

    #[test]
    fn detail_shows_sections_in_order_evidence_and_safe_references() {
        let (report, pack) = demo_report();
        let index = 0;
        let finding = &report.findings[index];
        let rule = pack.pack.get(finding.rule_id()).cloned();
        let html = render::<FindingDetail>(FindingDetailProps {
            report: report.clone(),
            index,
            pack,
            on_close: Callback::noop(),
        });
        assert!(html.contains("data-testid=\"detail\""));
        let sections = [
            "what",
            "why",
            "shared_responsibility",
            "least_privilege",
            "fix",
            "exceptions",
            "references",
        ];
        assert_in_order(&html, "data-key", &sections[..6]);
        assert_eq!(
            html.matches("data-testid=\"explanation-section\"").count(),
            6
        );
        assert_eq!(
            html.matches("data-testid=\"evidence\"").count(),
            finding.evidence.len()
        );
        // Every explanation section and the references, in DESIGN §5's order.
        assert_in_order(&html, "data-section", &sections);
        // Remediation tabs, the first one showing, with a copy button.
        assert_eq!(html.matches("data-testid=\"remedy-tab\"").count(), 3);
        assert!(html.contains("aria-selected=\"true\""));
        assert!(html.contains("data-testid=\"copy-button\""));
        assert!(
            html.contains("<mark"),
            "the evidence marks what the rule looked at"
        );
        for heading in [
            "What is wrong",
            "Why it matters",
            "Shared responsibility",
            "Least-privilege alternative",
            "How to fix",
            "When it may be acceptable",
        ] {
            assert!(html.contains(heading), "{heading}");
        }
        if let Some(rule) = rule {
            for url in &rule.references {
                assert!(html.contains(&format!("href=\"{url}\"")), "{url}");
            }
            assert!(html.contains("rel=\"noreferrer\""));
        }
    }
}
