//! The detail pane for the selected finding: what the auditor reads and quotes. Order follows
//! DESIGN §5: the finding itself, the explanation sections in the rule pack's order, the
//! evidence, remediation, framework controls, references.

use crate::analysis::PackLoad;
use crate::components::{EvidenceItem, Prose, SeverityBadge};
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

fn explanation(rule: &Rule) -> Html {
    html! {
        <>{ for rule.explanation.sections().into_iter().map(|(key, heading, text)| html! {
            <section class="explanation" data-testid="explanation-section" data-key={key}>
                <h3>{ heading }</h3>
                <Prose text={AttrValue::from(text.to_string())} />
            </section>
        }) }</>
    }
}

fn remediation(rule: &Rule) -> Html {
    let r = &rule.remediation;
    html! {
        <section class="remediation">
            <h3>{ "Remediation" }</h3>
            <h4>{ "Console" }</h4>
            <Prose text={AttrValue::from(r.console.clone())} />
            <h4>{ "CLI" }</h4>
            <pre class="code"><code>{ r.cli.trim().to_string() }</code></pre>
            <h4>{ "Terraform" }</h4>
            <pre class="code"><code>{ r.terraform.trim().to_string() }</code></pre>
        </section>
    }
}

fn references(rule: &Rule) -> Html {
    if rule.references.is_empty() {
        return Html::default();
    }
    html! {
        <section class="references">
            <h3>{ "References" }</h3>
            <ul>
                { for rule.references.iter().map(|url| match safe_link(url) {
                    Some(href) => html! { <li><a href={href.to_string()} rel="noreferrer" target="_blank">{ href.to_string() }</a></li> },
                    None => html! { <li class="mono">{ url.clone() }</li> },
                }) }
            </ul>
        </section>
    }
}

#[function_component]
pub fn FindingDetail(props: &FindingDetailProps) -> Html {
    let Some(f) = props.report.findings.get(props.index) else {
        return Html::default();
    };
    let rule = props.pack.pack.get(&f.rule_id);
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
    let frameworks = framework_lines(&f.frameworks);
    html! {
        <aside class="detail" data-testid="detail" aria-labelledby="detail-title" {onkeydown}>
            <div class="detail-head">
                <SeverityBadge severity={f.severity} />
                <span class={classes!("outcome", format!("outcome-{outcome}"))} title={outcome_hint(f.outcome)}>
                    { outcome_label(f.outcome) }
                </span>
                <span class="detail-rule-id">{ f.rule_id.clone() }</span>
                <button type="button" class="close" aria-label="Close the finding detail" {onclick}>{ "×" }</button>
            </div>
            <h2 id="detail-title" class="detail-title">{ f.title.clone() }</h2>
            <p class="finding-message">{ f.message.clone() }</p>
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
            { match rule {
                Some(rule) => explanation(rule),
                None => html! {
                    <p class="notice">{ format!("Rule {} is not in the loaded rule pack, so its explanation is unavailable.", f.rule_id) }</p>
                },
            } }
            <section class="evidence-list">
                <h3>{ format!("Evidence ({})", f.evidence.len()) }</h3>
                if f.evidence.is_empty() {
                    <p class="muted">{ "The engine recorded no evidence for this finding." }</p>
                }
                { for f.evidence.iter().map(|e| html! { <EvidenceItem evidence={e.clone()} /> }) }
            </section>
            { rule.map(remediation).unwrap_or_default() }
            if !frameworks.is_empty() {
                <section class="frameworks">
                    <h3>{ "Framework controls" }</h3>
                    <ul class="chips">
                        { for frameworks.into_iter().map(|line| html! { <li class="chip">{ line }</li> }) }
                    </ul>
                </section>
            }
            { rule.map(references).unwrap_or_default() }
        </aside>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tests::{demo_report, render};

    #[test]
    fn detail_shows_sections_in_order_evidence_and_safe_references() {
        let (report, pack) = demo_report();
        let index = 0;
        let finding = &report.findings[index];
        let rule = pack.pack.get(&finding.rule_id).cloned();
        let html = render::<FindingDetail>(FindingDetailProps {
            report: report.clone(),
            index,
            pack,
            on_close: Callback::noop(),
        });
        assert!(html.contains("data-testid=\"detail\""));
        let keys: Vec<usize> = [
            "what",
            "why",
            "shared_responsibility",
            "least_privilege",
            "fix",
            "exceptions",
        ]
        .iter()
        .map(|k| {
            html.find(&format!("data-key=\"{k}\""))
                .unwrap_or(usize::MAX)
        })
        .collect();
        assert!(
            keys.windows(2).all(|w| w[0] < w[1]),
            "sections out of order or missing: {keys:?}"
        );
        assert_eq!(
            html.matches("data-testid=\"explanation-section\"").count(),
            6
        );
        assert_eq!(
            html.matches("data-testid=\"evidence\"").count(),
            finding.evidence.len()
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
