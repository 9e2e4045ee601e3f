//! Totals at a glance: failing findings per severity, unknowns kept apart (unknown is neither a
//! pass nor a fail), what was analysed, and which rules could not be evaluated at all.

use crate::analysis::Timing;
use crate::components::{Prose, SeverityBadge};
use crate::view::Totals;
use std::collections::BTreeMap;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct SummaryProps {
    pub totals: Totals,
}

#[derive(Properties, PartialEq)]
pub struct ScopeProps {
    pub totals: Totals,
    #[prop_or_default]
    pub timing: Option<Timing>,
}

/// What was analysed, and how long it took in this browser.
#[function_component]
pub fn ScopeLine(props: &ScopeProps) -> Html {
    let t = &props.totals;
    html! {
            <p class="scope">
                { format!("{} ({} recognised) · {} · {} evaluated",
                    plural(t.files, "file", "files"),
                    t.recognised_files,
                    plural(t.resources, "resource", "resources"),
                    plural(t.rules, "rule", "rules")) }
                if let Some(timing) = props.timing {
                    // The data attributes are read by `cargo xtask bench` for in-browser figures.
                    <span class="timing" data-testid="timing"
                        data-normalise-ms={format!("{:.1}", timing.normalise_ms)}
                        data-evaluate-ms={format!("{:.1}", timing.evaluate_ms)}
                        data-memory-bytes={timing.memory_bytes.to_string()}
                        data-normalised-memory-bytes={timing.normalised_memory_bytes.to_string()}
                        data-read-ms={format!("{:.1}", timing.read_ms)}
                        data-split-ms={format!("{:.1}", timing.split_ms)}>
                        { format!(" · analysed in {} in this browser", duration(timing.total_ms())) }
                    </span>
                }
            </p>
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn duration(ms: f64) -> String {
    if ms >= 1000.0 {
        format!("{:.1} s", ms / 1000.0)
    } else {
        format!("{ms:.0} ms")
    }
}

/// Failing findings per severity and the unknowns, every count with its severity in words.
#[function_component]
pub fn SummaryStrip(props: &SummaryProps) -> Html {
    let t = &props.totals;
    html! {
        <section class="summary" aria-label="Failing findings by severity" data-testid="summary">
            <ul class="severity-counts">
                { for t.failing.iter().map(|(sev, n)| html! {
                    <li class={classes!("sev-count", (*n == 0).then_some("zero"))}>
                        <SeverityBadge severity={*sev} />
                        <span class="sev-number">{ *n }</span>
                    </li>
                }) }
                <li class={classes!("sev-count", (t.unknown == 0).then_some("zero"))}
                    title="The export lacks a fact the rule needs: neither a pass nor a fail.">
                    <span class="badge outcome-unknown-badge">{ "UNKNOWN" }</span>
                    <span class="sev-number">{ t.unknown }</span>
                </li>
                if t.accepted > 0 {
                    <li class="sev-count" data-testid="accepted-count"
                        title="Findings an accepted risk covers: still listed, no longer counted as open.">
                        <span class="badge accepted-badge">{ "ACCEPTED" }</span>
                        <span class="sev-number">{ t.accepted }</span>
                    </li>
                }
            </ul>
        </section>
    }
}

/// What the loaded exports could not show: the engine's coverage hints first (which collector
/// to run, which exports to add), then, folded, the rules waiting for each export. A missing
/// export must never read as compliant, nor bury the findings under a list of rule ids.
#[function_component]
pub fn CoverageNote(props: &SummaryProps) -> Html {
    let t = &props.totals;
    let mut gaps: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (rule, export) in &t.not_evaluable {
        let export = export
            .clone()
            .unwrap_or_else(|| "an export this version does not read yet".to_string());
        gaps.entry(export).or_default().push(rule.clone());
    }
    if gaps.is_empty() && t.hints.is_empty() {
        return Html::default();
    }
    html! {
        <div class="coverage" data-testid="coverage">
            <ul class="coverage-hints" data-testid="coverage-hints">
                { for t.hints.iter().map(|h| html! { <li data-testid="coverage-hint"><Prose text={AttrValue::from(format!("{h}."))} /></li> }) }
            </ul>
            if !gaps.is_empty() {
                <details class="coverage-details">
                    <summary>{ format!("Which export each of the {} would need", plural(t.not_evaluable.len(), "rule not evaluated", "rules not evaluated")) }</summary>
                    <ul>
                        { for gaps.into_iter().map(|(export, rules)| html! {
                            <li>
                                { "Add " }<code>{ export }</code>
                                { format!(" to evaluate {}", rules.join(", ")) }
                            </li>
                        }) }
                    </ul>
                </details>
            }
        </div>
    }
}
