//! Accepted risks on screen: the badge an accepted finding carries, the "Accept risk…" form of
//! a finding's detail, the notice of expired acceptances, and the Accepted risks view (the list
//! with delete, export and import).

use crate::accepted::{build, import, merge, scope_text, Draft, ScopeChoice};
use crate::app::AppContext;
use crate::download::{read_chosen_text, save, today};
use crate::state::Action;
use std::collections::BTreeMap;
use stratoscope::accept::{self, ApplyOutcome};
use stratoscope::report::{AcceptedBy, Finding};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

/// "Accepted — reason · owner · until date", for a row's tooltip and the detail.
pub fn accepted_text(a: &AcceptedBy) -> String {
    let mut parts = vec![a.reason.clone()];
    if let Some(owner) = &a.owner {
        parts.push(format!("owner {owner}"));
    }
    if let Some(expires) = &a.expires {
        parts.push(format!("until {expires}"));
    }
    format!("Accepted ({}): {}", a.acceptance_id, parts.join(" · "))
}

#[derive(Properties, PartialEq)]
pub struct AcceptedBoxProps {
    pub accepted: AcceptedBy,
}

/// The acceptance on a finding's detail.
#[function_component]
pub fn AcceptedBox(props: &AcceptedBoxProps) -> Html {
    let a = &props.accepted;
    html! {
        <div class="accepted-box" data-testid="accepted-box">
            <p><span class="badge accepted-badge">{ "ACCEPTED" }</span>
                <span class="mono small">{ format!(" {}", a.acceptance_id) }</span></p>
            <dl class="resource-facts">
                <dt>{ "Reason" }</dt><dd data-testid="accepted-reason">{ a.reason.clone() }</dd>
                <dt>{ "Owner" }</dt><dd>{ a.owner.clone().unwrap_or_else(|| "—".into()) }</dd>
                <dt>{ "Expires" }</dt><dd>{ a.expires.clone().unwrap_or_else(|| "never".into()) }</dd>
            </dl>
            <p class="muted small">{ "The finding stays listed; it no longer counts as open. Change or delete the acceptance in Accepted risks." }</p>
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct AcceptFormProps {
    pub finding: Finding,
    pub on_done: Callback<()>,
}

fn text_of(e: InputEvent) -> String {
    let input: HtmlInputElement = e.target_unchecked_into();
    input.value()
}

/// The "Accept risk…" form: scope, reason (required), owner and expiry (optional).
#[function_component]
pub fn AcceptForm(props: &AcceptFormProps) -> Html {
    let ctx = use_context::<AppContext>();
    let draft = use_state(|| Draft::for_finding(&props.finding));
    let errors = use_state(Vec::<(&'static str, String)>::new);
    let Some(ctx) = ctx else {
        return Html::default();
    };
    // Editing a field clears the complaints about the last attempt.
    let set = |f: fn(&mut Draft, String)| {
        let (draft, errors) = (draft.clone(), errors.clone());
        Callback::from(move |e: InputEvent| {
            let mut d = (*draft).clone();
            f(&mut d, text_of(e));
            draft.set(d);
            errors.set(Vec::new());
        })
    };
    let on_scope = {
        let draft = draft.clone();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            let mut d = (*draft).clone();
            d.scope = ScopeChoice::ALL
                .into_iter()
                .find(|s| s.value() == select.value())
                .unwrap_or(ScopeChoice::Finding);
            draft.set(d);
        })
    };
    let on_rule_only = {
        let draft = draft.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let mut d = (*draft).clone();
            d.account_rule_only = input.checked();
            draft.set(d);
        })
    };
    let onsubmit = {
        let (draft, errors, state, on_done) = (
            draft.clone(),
            errors.clone(),
            ctx.state.clone(),
            props.on_done.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            match build(&draft, &state.records.acceptances, &state.records.today) {
                Ok(a) => {
                    state.dispatch(Action::AddAcceptance(a));
                    on_done.emit(());
                }
                Err(list) => errors.set(list),
            }
        })
    };
    let error = |field: &str| {
        errors
            .iter()
            .filter(|(f, _)| *f == field)
            .map(|(_, m)| html! { <p class="field-error" role="alert" data-testid="accept-error">{ m.clone() }</p> })
            .collect::<Html>()
    };
    let d = &*draft;
    let account = d.account.clone().unwrap_or_else(|| "—".into());
    html! {
        <form class="accept-form" data-testid="accept-form" {onsubmit} novalidate=true>
            <h3>{ "Accept this risk" }</h3>
            <label class="field">
                <span class="field-label">{ "Scope" }</span>
                <select data-testid="accept-scope" onchange={on_scope}>
                    <option value="finding" selected={d.scope == ScopeChoice::Finding}>{ "This finding only" }</option>
                    <option value="pattern" selected={d.scope == ScopeChoice::Pattern}>{ format!("Rule {} on resources matching a pattern", d.rule_id) }</option>
                    <option value="account" selected={d.scope == ScopeChoice::Account} disabled={d.account.is_none()}>{ format!("Account {account}") }</option>
                </select>
            </label>
            if d.scope == ScopeChoice::Pattern {
                <label class="field">
                    <span class="field-label">{ "Resources matching (* any run, ? one character)" }</span>
                    <input type="text" class="mono" data-testid="accept-glob" value={d.resource_glob.clone()}
                        oninput={set(|d, v| d.resource_glob = v)} spellcheck="false" />
                    { error("glob") }
                </label>
            }
            if d.scope == ScopeChoice::Account {
                <label class="check">
                    <input type="checkbox" data-testid="accept-rule-only" checked={d.account_rule_only} onchange={on_rule_only} />
                    { format!(" Only rule {} (otherwise every finding in the account)", d.rule_id) }
                </label>
                { error("scope") }
            }
            <label class="field">
                <span class="field-label">{ "Reason (required)" }</span>
                <textarea data-testid="accept-reason" rows="2" value={d.reason.clone()}
                    oninput={set(|d, v| d.reason = v)} aria-invalid={errors.iter().any(|(f, _)| *f == "reason").to_string()} />
                { error("reason") }
            </label>
            <div class="row-wrap">
                <label class="field grow">
                    <span class="field-label">{ "Owner" }</span>
                    <input type="text" data-testid="accept-owner" value={d.owner.clone()} oninput={set(|d, v| d.owner = v)} placeholder="secops@example.com" />
                </label>
                <label class="field">
                    <span class="field-label">{ "Expires" }</span>
                    <input type="date" data-testid="accept-expires" value={d.expires.clone()} oninput={set(|d, v| d.expires = v)} />
                    { error("expires") }
                </label>
            </div>
            <div class="row-wrap">
                <button type="submit" class="button primary" data-testid="accept-save">{ "Accept risk" }</button>
                <button type="button" class="button subtle" data-testid="accept-cancel" onclick={props.on_done.reform(|_: MouseEvent| ())}>{ "Cancel" }</button>
            </div>
        </form>
    }
}

#[derive(Properties, PartialEq)]
pub struct ExpiredNoticeProps {
    pub outcome: ApplyOutcome,
    pub on_review: Callback<()>,
}

/// Acceptances past their expiry no longer apply; the page says so wherever the auditor is.
#[function_component]
pub fn ExpiredNotice(props: &ExpiredNoticeProps) -> Html {
    let Some(ctx) = use_context::<AppContext>() else {
        return Html::default();
    };
    if props.outcome.expired.is_empty() {
        return Html::default();
    }
    let records = &ctx.state.records;
    let items = props.outcome.expired.iter().map(|id| {
        let until = records
            .acceptances
            .iter()
            .find(|a| &a.id == id)
            .and_then(|a| a.expires.clone())
            .unwrap_or_default();
        html! { <li><span class="mono">{ id.clone() }</span>{ format!(" (expired after {until})") }</li> }
    });
    html! {
        <div class="notice warn" role="status" data-testid="expired-notice">
            <p>{ format!("{} accepted risk{} expired and no longer appl{}; the findings they covered count as open again:",
                props.outcome.expired.len(),
                if props.outcome.expired.len() == 1 { "" } else { "s" },
                if props.outcome.expired.len() == 1 { "ies" } else { "y" }) }</p>
            <ul class="plain">{ for items }</ul>
            <p><button type="button" class="link" onclick={props.on_review.reform(|_: MouseEvent| ())}>{ "Review them in Accepted risks" }</button></p>
        </div>
    }
}

/// The Accepted risks view.
#[function_component]
pub fn AcceptedRisks() -> Html {
    let ctx = use_context::<AppContext>();
    let message = use_state(|| None::<Result<String, Vec<String>>>);
    let Some(ctx) = ctx else {
        return Html::default();
    };
    let state = ctx.state.clone();
    let records = &state.records;
    let outcome = &state.accept_outcome;
    let covered: BTreeMap<&str, usize> = outcome
        .applied
        .iter()
        .map(|(id, n)| (id.as_str(), *n))
        .collect();
    let on_export = {
        let (list, message) = (records.acceptances.clone(), message.clone());
        Callback::from(move |_: MouseEvent| {
            let name = format!("stratoscope-acceptances-{}.json", today());
            let result = save(&name, "application/json", &accept::to_file(&list))
                .map(|()| format!("Saved {name}."))
                .map_err(|e| vec![e]);
            message.set(Some(result));
        })
    };
    let on_import = {
        let (state, message) = (state.clone(), message.clone());
        Callback::from(move |e: Event| {
            let (state, message) = (state.clone(), message.clone());
            read_chosen_text(&e, move |name, text| {
                let result = text.map_err(|e| vec![e]).and_then(|text| {
                    import(&text).map_err(|errors| {
                        errors.into_iter().map(|e| format!("{name}: {e}")).collect()
                    })
                });
                match result {
                    Ok(list) => {
                        let n = list.len();
                        let (merged, replaced) = merge(&state.records.acceptances, list);
                        state.dispatch(Action::SetAcceptances(merged));
                        message.set(Some(Ok(format!(
                            "Imported {n} acceptance{} from {name}{}.",
                            if n == 1 { "" } else { "s" },
                            if replaced > 0 {
                                format!(" ({replaced} replaced one with the same id)")
                            } else {
                                String::new()
                            }
                        ))));
                    }
                    Err(errors) => message.set(Some(Err(errors))),
                }
            });
        })
    };
    html! {
        <section class="accepted-risks stack" data-testid="accepted-risks" aria-label="Accepted risks">
            <div class="row-wrap">
                <p class="muted grow">{ "Accepted risks stay in this browser (local storage) and apply to every analysis. Accepted findings remain listed, flagged, and are counted apart from open ones. Export the list to keep it with the audit file or to use it with the CLI (--accept)." }</p>
                <button type="button" class="button" data-testid="acceptances-export" onclick={on_export}
                    disabled={records.acceptances.is_empty()}>{ "Export…" }</button>
                <label class="button file-button">
                    { "Import…" }
                    <input type="file" class="visually-hidden" accept=".json,application/json" data-testid="acceptances-import" onchange={on_import} />
                </label>
            </div>
            if let Some(e) = &records.load_error {
                <p class="notice error" role="alert">{ e.clone() }</p>
            }
            { match &*message {
                Some(Ok(m)) => html! { <p class="notice ok" role="status" data-testid="acceptances-message">{ m.clone() }</p> },
                Some(Err(list)) => html! {
                    <div class="notice error" role="alert" data-testid="acceptances-errors">
                        <p>{ "Nothing was imported; correct these and try again:" }</p>
                        <ul>{ for list.iter().map(|e| html! { <li class="mono" data-testid="import-error">{ e.clone() }</li> }) }</ul>
                    </div>
                },
                None => Html::default(),
            } }
            if records.acceptances.is_empty() {
                <p class="panel muted" data-testid="no-acceptances">{ "No accepted risks yet. Open a finding and choose “Accept risk…”." }</p>
            } else {
                <div class="table-wrap">
                    <table class="data" data-testid="acceptances-table">
                        <thead><tr>
                            <th scope="col">{ "Id" }</th><th scope="col">{ "Covers" }</th><th scope="col">{ "Reason" }</th>
                            <th scope="col">{ "Owner" }</th><th scope="col">{ "Expires" }</th><th scope="col" class="num">{ "Findings" }</th><th scope="col"></th>
                        </tr></thead>
                        <tbody>
                            { for records.acceptances.iter().map(|a| {
                                let expired = outcome.expired.contains(&a.id);
                                let id = a.id.clone();
                                let onclick = { let state = state.clone(); Callback::from(move |_: MouseEvent| state.dispatch(Action::RemoveAcceptance(id.clone()))) };
                                html! {
                                    <tr data-testid="acceptance-row" data-id={a.id.clone()} data-expired={expired.to_string()}>
                                        <td class="mono">{ a.id.clone() }</td>
                                        <td class="mono small">{ scope_text(&a.scope) }</td>
                                        <td>{ a.reason.clone() }</td>
                                        <td>{ a.owner.clone().unwrap_or_else(|| "—".into()) }</td>
                                        <td class="nowrap">
                                            { a.expires.clone().unwrap_or_else(|| "never".into()) }
                                            if expired { <span class="cstatus cstatus-fail">{ " expired" }</span> }
                                        </td>
                                        <td class="num">{ covered.get(a.id.as_str()).copied().unwrap_or(0) }</td>
                                        <td><button type="button" class="button small subtle" data-testid="acceptance-delete"
                                            aria-label={format!("Delete acceptance {}", a.id)} {onclick}>{ "Delete" }</button></td>
                                    </tr>
                                }
                            }) }
                        </tbody>
                    </table>
                </div>
            }
        </section>
    }
}
