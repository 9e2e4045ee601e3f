//! The Drift view: load an earlier export set as the baseline; the worker analyses it and
//! compares it with the current analysis. New, resolved and unchanged findings with their
//! counts, and the resources added, removed or changed, with each changed attribute's path and
//! its value before and after.

use crate::components::drop_zone::files_of;
use crate::components::SeverityBadge;
use crate::drift_view::{accepted_keys, head, headline, tiles, value_text};
use crate::state::{Fetched, LoadedFile, Shared};
use crate::view::FindingKey;
use stratoscope::drift::DriftReport;
use stratoscope::report::{Finding, ResourceRef};
use stratoscope::Report;
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct DriftProps {
    pub report: Shared<Report>,
    pub baseline: Vec<LoadedFile>,
    pub drift: Option<Fetched<DriftReport>>,
    pub on_baseline: Callback<Vec<web_sys::File>>,
    pub on_open_finding: Callback<FindingKey>,
}

fn more(n: usize) -> Html {
    if n == 0 {
        return Html::default();
    }
    html! { <p class="muted small">{ format!("…and {n} more (the JSON export of both reports holds them all).") }</p> }
}

/// A table of at most [`crate::drift_view::LIMIT`] rows, "None." when empty, then how many
/// were left out.
fn limited<T>(kind: &'static str, list: &[T], columns: &[&str], row: impl Fn(&T) -> Html) -> Html {
    if list.is_empty() {
        return html! { <p class="muted">{ "None." }</p> };
    }
    let (shown, rest) = head(list);
    html! {
        <>
            <div class="table-wrap">
                <table class="data" data-testid={format!("drift-{kind}")}>
                    <thead><tr>{ for columns.iter().map(|c| html! { <th scope="col">{ *c }</th> }) }</tr></thead>
                    <tbody>{ for shown.iter().map(row) }</tbody>
                </table>
            </div>
            { more(rest) }
        </>
    }
}

fn finding_table(
    kind: &'static str,
    list: &[Finding],
    accepted: &std::collections::HashSet<FindingKey>,
    open: Option<&Callback<FindingKey>>,
) -> Html {
    limited(
        kind,
        list,
        &["Severity", "Finding", "Resource", "Outcome"],
        |f| {
            let key = FindingKey::of(f);
            let is_accepted = accepted.contains(&key);
            let title = match open {
                Some(cb) => {
                    let onclick = cb.reform(move |_: MouseEvent| key.clone());
                    html! { <button type="button" class="link" {onclick}>{ f.title().to_string() }</button> }
                }
                None => html! { { f.title().to_string() } },
            };
            html! {
                <tr data-testid="drift-finding" data-kind={kind} data-rule-id={f.rule_id().to_string()} data-resource-id={f.resource.id.clone()}>
                    <td><SeverityBadge severity={f.severity} /></td>
                    <td>{ title }<span class="ctl-section muted mono">{ f.rule_id().to_string() }</span></td>
                    <td><span title={f.resource.id.clone()}>{ f.resource.name.clone() }</span><span class="ctl-section muted mono">{ f.resource.kind.clone() }</span></td>
                    <td>
                        <span class={classes!("outcome", format!("outcome-{}", f.outcome.as_str()))}>{ crate::view::outcome_label(f.outcome) }</span>
                        if is_accepted { <span class="accepted-tag">{ "Accepted" }</span> }
                    </td>
                </tr>
            }
        },
    )
}

fn resource_table(kind: &'static str, list: &[ResourceRef]) -> Html {
    limited(kind, list, &["Resource", "Kind", "Identifier"], |r| {
        html! {
            <tr data-testid="drift-resource" data-kind={kind} data-id={r.id.clone()}>
                <td>{ r.name.clone() }</td><td class="mono small">{ r.kind.clone() }</td><td class="mono small">{ r.id.clone() }</td>
            </tr>
        }
    })
}

fn body(d: &DriftReport, report: &Report, open: &Callback<FindingKey>) -> Html {
    let accepted = accepted_keys(report);
    let (changed, rest) = head(&d.resources.changed);
    html! {
        <>
            <p class="drift-headline" data-testid="drift-headline">{ headline(d) }</p>
            <ul class="drift-tiles">
                { for tiles(d).into_iter().map(|(label, n, kind)| html! {
                    <li class={classes!("drift-tile", format!("drift-{kind}"), (n == 0).then_some("zero"))} data-testid="drift-tile" data-kind={kind} data-count={n.to_string()}>
                        <span class="drift-number">{ n }</span><span class="drift-label">{ label }</span>
                    </li>
                }) }
            </ul>
            <p class="muted small">
                { format!("Baseline: {}. Current: {}.",
                    d.baseline_inputs.iter().map(|i| i.name.as_str()).collect::<Vec<_>>().join(", "),
                    d.current_inputs.iter().map(|i| i.name.as_str()).collect::<Vec<_>>().join(", ")) }
                if !accepted.is_empty() {
                    { format!(" {} of the new and unchanged findings are accepted risks.", d.findings.new.iter().chain(&d.findings.unchanged).filter(|f| accepted.contains(&FindingKey::of(f))).count()) }
                }
            </p>
            <section class="panel" aria-label="New findings">
                <h2>{ format!("New findings ({})", d.summary.new) }</h2>
                { finding_table("new", &d.findings.new, &accepted, Some(open)) }
            </section>
            <section class="panel" aria-label="Resolved findings">
                <h2>{ format!("Resolved findings ({})", d.summary.resolved) }</h2>
                <p class="muted small">{ "In the baseline, gone now: fixed, or the resource is no longer in the exports." }</p>
                { finding_table("resolved", &d.findings.resolved, &accepted, None) }
            </section>
            <section class="panel" aria-label="Changed resources">
                <h2>{ format!("Changed resources ({})", d.summary.resources_changed) }</h2>
                if changed.is_empty() {
                    <p class="muted">{ "None." }</p>
                }
                { for changed.iter().map(|c| html! {
                    <div class="drift-change" data-testid="drift-changed" data-id={c.resource.id.clone()}>
                        <h3>{ c.resource.name.clone() }<span class="muted mono small">{ format!("  {} · {}", c.resource.kind, c.resource.id) }</span></h3>
                        <div class="table-wrap">
                            <table class="data drift-attrs">
                                <thead><tr><th scope="col">{ "Attribute" }</th><th scope="col">{ "Before" }</th><th scope="col">{ "After" }</th></tr></thead>
                                <tbody>
                                    { for c.changes.iter().map(|a| html! {
                                        <tr data-testid="drift-attribute" data-path={a.path.clone()}>
                                            <td class="mono small">{ a.path.clone() }</td>
                                            <td class="mono small before">{ value_text(a.before.as_ref()) }</td>
                                            <td class="mono small after">{ value_text(a.after.as_ref()) }</td>
                                        </tr>
                                    }) }
                                </tbody>
                            </table>
                        </div>
                    </div>
                }) }
                { more(rest) }
            </section>
            <section class="panel" aria-label="Resources added">
                <h2>{ format!("Resources added ({})", d.summary.resources_added) }</h2>
                { resource_table("added", &d.resources.added) }
            </section>
            <section class="panel" aria-label="Resources removed">
                <h2>{ format!("Resources removed ({})", d.summary.resources_removed) }</h2>
                { resource_table("removed", &d.resources.removed) }
            </section>
            <details class="panel">
                <summary>{ format!("Unchanged findings ({})", d.summary.unchanged) }</summary>
                { finding_table("unchanged", &d.findings.unchanged, &accepted, Some(open)) }
            </details>
        </>
    }
}

#[function_component]
pub fn Drift(props: &DriftProps) -> Html {
    let onchange = props.on_baseline.reform(|e: Event| {
        let input: HtmlInputElement = e.target_unchecked_into();
        let files = input.files().map(|l| files_of(&l)).unwrap_or_default();
        input.set_value("");
        files
    });
    let names: Vec<&str> = props.baseline.iter().map(|f| f.name.as_str()).collect();
    html! {
        <section class="drift stack" data-testid="drift" aria-label="Drift">
            <div class="panel row-wrap">
                <p class="grow">
                    { "Compare this analysis with an earlier export set of the same account: the baseline is analysed here, in the background, with the same rules and settings." }
                    if !names.is_empty() {
                        <br /><span class="muted small" data-testid="baseline-files">{ format!("Baseline: {}", names.join(", ")) }</span>
                    }
                </p>
                <label class="button primary file-button">
                    { if names.is_empty() { "Load baseline…" } else { "Load another baseline…" } }
                    <input type="file" multiple=true class="visually-hidden" data-testid="baseline-input" {onchange} />
                </label>
            </div>
            { match (&props.drift, names.is_empty()) {
                (_, true) => html! { <p class="muted">{ "No baseline loaded yet." }</p> },
                (None, false) => html! { <p class="muted" aria-busy="true" data-testid="drift-busy">{ "Analysing the baseline and comparing…" }</p> },
                (Some(Err(e)), false) => html! { <p class="notice error" role="alert">{ format!("The comparison failed: {e}.") }</p> },
                (Some(Ok(d)), false) => body(d, &props.report, &props.on_open_finding),
            } }
        </section>
    }
}
