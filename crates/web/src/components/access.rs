//! The Access view: pick a principal to see what it can do (by service and access level, with
//! the policies granting it); pick a resource to see which principals can act on it and through
//! which policies. Both answers come from the worker and export as CSV.

use crate::access::{file_part, PrincipalAccess, ResourceAccess, PRINCIPALS};
use crate::download::save;
use crate::inventory::ResourceEntry;
use crate::state::Fetched;
use std::rc::Rc;
use stratoscope::export::{principal_csv, resource_csv};
use stratoscope::iam::resource_access::PolicyState;
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct AccessProps {
    pub list: Option<Fetched<Vec<ResourceEntry>>>,
    pub principal: Option<AttrValue>,
    pub arn: Option<AttrValue>,
    pub principal_access: Option<Fetched<PrincipalAccess>>,
    pub resource_access: Option<Fetched<ResourceAccess>>,
    pub on_principal: Callback<Option<String>>,
    pub on_arn: Callback<Option<String>>,
}

/// Principals shown in the picker at most; the search narrows the rest.
const PICKER_MAX: usize = 60;
/// Actions listed per access level; an administrator holds thousands, the CSV has them all.
const LIST_MAX: usize = 300;

/// A download button; the CSV is made on click, not on every render (an administrator's runs to
/// thousands of rows).
fn csv_button(testid: &'static str, name: String, make: impl Fn() -> String + 'static) -> Html {
    let onclick = Callback::from(move |_: MouseEvent| {
        let _ = save(&name, "text/csv;charset=utf-8", &make());
    });
    html! { <button type="button" class="button small" data-testid={testid} {onclick}>{ "Download CSV" }</button> }
}

fn principal_view(p: &PrincipalAccess) -> Html {
    html! {
        <div class="stack" data-testid="principal-access" data-id={p.id.clone()}>
            <div class="row-wrap">
                <div class="grow">
                    <h3>{ p.name.clone() }<span class="muted mono small">{ format!("  {}", p.kind) }</span></h3>
                    <p class="mono small muted">{ p.id.clone() }</p>
                    <p data-testid="principal-summary">{ format!("{} actions in {} services; {} of them on every resource without condition.",
                        p.actions, p.services.len(), p.unconditional) }</p>
                </div>
                { {
                    let p = Rc::new(p.clone());
                    csv_button("principal-csv", format!("stratoscope-access-{}.csv", file_part(&p.id)), move || principal_csv(&p))
                } }
            </div>
            if !p.missing_policies.is_empty() {
                <p class="notice" role="status">{ format!("Incomplete: the exports lack {}; the principal may be able to do more.", p.missing_policies.join(", ")) }</p>
            }
            if p.services.is_empty() {
                <p class="muted">{ "No effective permissions in these exports." }</p>
            } else {
                <div class="table-wrap">
                    <table class="data" data-testid="principal-table">
                        <thead><tr><th scope="col">{ "Service" }</th><th scope="col">{ "Access level" }</th><th scope="col" class="num">{ "Actions" }</th><th scope="col">{ "Granted by" }</th></tr></thead>
                        <tbody>
                            { for p.services.iter().flat_map(|s| s.levels.iter().enumerate().map(move |(i, l)| {
                                let unconditional = l.actions.iter().filter(|a| a.access == "unconditional").count();
                                html! {
                                    <tr data-testid="access-level-row" data-service={s.service.clone()} data-level={l.level.clone()} data-count={l.actions.len().to_string()}>
                                        <td class="mono">{ if i == 0 { s.service.clone() } else { String::new() } }</td>
                                        <td>{ l.level.clone() }</td>
                                        <td class="num">
                                            <details class="actions">
                                                <summary>{ l.actions.len() }</summary>
                                                <ul class="action-list mono small">
                                                    { for l.actions.iter().take(LIST_MAX).map(|a| html! { <li title={a.policies.join("; ")}>{ format!("{} ({})", a.action, a.access) }</li> }) }
                                                </ul>
                                                if l.actions.len() > LIST_MAX {
                                                    <p class="muted small">{ format!("…and {} more; the CSV lists them all.", l.actions.len() - LIST_MAX) }</p>
                                                }
                                            </details>
                                            if unconditional < l.actions.len() {
                                                <span class="muted small">{ format!("{unconditional} unconditional") }</span>
                                            }
                                        </td>
                                        <td class="small">{ for l.policies.iter().map(|pol| html! { <span class="policy">{ pol.clone() }</span> }) }</td>
                                    </tr>
                                }
                            })) }
                        </tbody>
                    </table>
                </div>
            }
        </div>
    }
}

/// Actions in a cell: the first few, then how many more (the CSV has them all).
fn some_actions(actions: &[String]) -> String {
    if actions.len() > 6 {
        format!("{} and {} more", actions[..6].join(", "), actions.len() - 6)
    } else {
        actions.join(", ")
    }
}

fn resource_view(r: &ResourceAccess) -> Html {
    let principals = r
        .access
        .iter()
        .map(|w| &w.principal)
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    let policy = match r.resource_policy {
        PolicyState::Known => "Identity policies of the exported users, groups and roles, and the resource's own policy.",
        PolicyState::None => "Identity policies of the exported users, groups and roles; the resource has no resource policy.",
        PolicyState::NotExported => "Identity policies of the exported users, groups and roles only: the resource's own policy is not in these exports.",
    };
    let make = {
        let r = Rc::new(r.clone());
        move || resource_csv(&r)
    };
    html! {
        <div class="stack" data-testid="resource-access" data-arn={r.resource.clone()}>
            <div class="row-wrap">
                <div class="grow">
                    <p data-testid="who-summary">{ format!("{principals} principal{} can act on ", if principals == 1 { "" } else { "s" }) }<span class="mono">{ r.resource.clone() }</span>{ "." }</p>
                    <p class="muted small">{ policy }</p>
                </div>
                { csv_button("resource-csv", format!("stratoscope-who-can-{}.csv", file_part(&r.resource)), make) }
            </div>
            { for r.notes.iter().map(|n| html! { <p class="notice" role="status">{ n.clone() }</p> }) }
            if r.access.is_empty() {
                <p class="muted">{ "Nobody in these exports." }</p>
            } else {
                <div class="table-wrap">
                    <table class="data who-table" data-testid="who-table">
                        <thead><tr><th scope="col">{ "Principal" }</th><th scope="col">{ "Through" }</th><th scope="col">{ "Access level" }</th><th scope="col">{ "Actions" }</th><th scope="col">{ "Statements" }</th></tr></thead>
                        <tbody>
                            { for r.access.iter().flat_map(|w| w.actions.iter().enumerate().map(move |(i, (level, actions))| {
                                let first = i == 0;
                                html! {
                                    <tr data-testid="who-row" data-principal={w.principal.clone()} data-via={w.via.clone()} data-level={level.clone()} data-conditional={w.conditional.to_string()}>
                                        <td class="mono small">{ if first { w.principal.clone() } else { String::new() } }</td>
                                        <td class="small">
                                            if first {
                                                { format!("{}; {}", w.via, w.relation) }
                                                if w.conditional { <span class="cond-tag">{ "conditional" }</span> }
                                                if let Some(note) = &w.note { <p class="muted">{ note.clone() }</p> }
                                            }
                                        </td>
                                        <td>{ level.clone() }</td>
                                        <td class="mono small">{ some_actions(actions) }</td>
                                        <td class="small">{ for w.statements.iter().map(|c| {
                                            let deny = c.effect.eq_ignore_ascii_case("deny");
                                            html! { <span class={classes!("policy", deny.then_some("deny"))} title={format!("{}#{}", c.file, c.pointer)}>{ if deny { format!("denied by {}", c.label) } else { c.label.clone() } }</span> }
                                        }) }</td>
                                    </tr>
                                }
                            })) }
                        </tbody>
                    </table>
                </div>
            }
        </div>
    }
}

fn fetched<T>(value: &Option<Fetched<T>>, render: impl Fn(&T) -> Html) -> Html {
    match value {
        None => html! { <p class="muted" aria-busy="true">{ "Asking the analysis…" }</p> },
        Some(Err(e)) => html! { <p class="notice error" role="alert">{ e.clone() }</p> },
        Some(Ok(v)) => render(v),
    }
}

#[function_component]
pub fn Access(props: &AccessProps) -> Html {
    let query = use_state(String::new);
    let arn_text = use_state(|| {
        props
            .arn
            .as_ref()
            .map(|a| a.to_string())
            .unwrap_or_default()
    });
    let entries: Vec<ResourceEntry> = match &props.list {
        Some(Ok(list)) => list.iter().cloned().collect(),
        _ => Vec::new(),
    };
    let q = query.to_lowercase();
    let principals: Vec<&ResourceEntry> = entries
        .iter()
        .filter(|e| PRINCIPALS.contains(&e.kind.as_str()))
        .filter(|e| {
            q.is_empty() || e.name.to_lowercase().contains(&q) || e.id.to_lowercase().contains(&q)
        })
        .collect();
    let oninput = {
        let query = query.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            query.set(input.value());
        })
    };
    let on_arn_input = {
        let arn_text = arn_text.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            arn_text.set(input.value());
        })
    };
    let onsubmit = {
        let (arn_text, on_arn) = (arn_text.clone(), props.on_arn.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            on_arn.emit(Some((*arn_text).clone()));
        })
    };
    html! {
        <section class="access" data-testid="access" aria-label="Access review">
            <div class="access-grid">
                <section class="panel" aria-label="Principal">
                    <h2>{ "What can a principal do?" }</h2>
                    <input type="search" data-testid="principal-search" placeholder="Search users, groups and roles" aria-label="Search principals"
                        value={(*query).clone()} {oninput} autocomplete="off" spellcheck="false" />
                    <ul class="picker" data-testid="principal-picker">
                        { for principals.iter().take(PICKER_MAX).map(|e| {
                            let chosen = props.principal.as_deref() == Some(e.id.as_str());
                            let id = e.id.clone();
                            let onclick = props.on_principal.reform(move |_: MouseEvent| Some(id.clone()));
                            html! {
                                <li><button type="button" class={classes!("link-button", chosen.then_some("current"))} aria-pressed={chosen.to_string()}
                                    data-testid="principal-option" data-id={e.id.clone()} title={e.id.clone()} {onclick}>
                                    <span>{ e.name.clone() }</span><span class="muted mono small">{ e.kind.trim_start_matches("aws.iam.") }</span>
                                </button></li>
                            }
                        }) }
                    </ul>
                    if principals.len() > PICKER_MAX {
                        <p class="muted small">{ format!("{} more; search to narrow.", principals.len() - PICKER_MAX) }</p>
                    }
                    if props.list.is_none() {
                        <p class="muted">{ "Fetching the principals…" }</p>
                    }
                </section>
                <section class="panel access-result" aria-label="Effective permissions">
                    if props.principal.is_some() {
                        { fetched(&props.principal_access, principal_view) }
                    } else {
                        <p class="muted">{ "Pick a user, group or role to see its effective permissions by service and access level, and the policies that grant them." }</p>
                    }
                </section>
            </div>
            <section class="panel" aria-label="Resource">
                <h2>{ "Who can act on a resource?" }</h2>
                <form class="row-wrap" {onsubmit}>
                    <input type="text" class="mono grow" data-testid="arn-input" list="resource-arns" placeholder="arn:aws:s3:::bucket-name/key"
                        aria-label="Resource ARN" value={(*arn_text).clone()} oninput={on_arn_input} spellcheck="false" />
                    <datalist id="resource-arns">
                        { for entries.iter().filter(|e| e.id.starts_with("arn:")).map(|e| html! { <option value={e.id.clone()} /> }) }
                    </datalist>
                    <button type="submit" class="button primary" data-testid="arn-check">{ "Show who can" }</button>
                </form>
                if props.arn.is_some() {
                    { fetched(&props.resource_access, resource_view) }
                }
            </section>
        </section>
    }
}
