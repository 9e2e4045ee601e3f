//! The Resources view: the analysed inventory as a filterable, searchable, virtualised table,
//! and for the selected resource its normalised attributes as a tree and the findings on it.
//! The list and the attributes come from the worker that holds the inventory.

use crate::components::virtual_scroll::{use_virtual, virtual_table, TableShape};
use crate::components::SeverityBadge;
use crate::inventory::{facet, visible, ResDim, ResourceDetail, ResourceEntry};
use crate::route::ResourceFilters;
use crate::state::{Fetched, Shared};
use crate::view::{outcome_label, FindingKey};
use serde_json::Value;
use std::collections::HashMap;
use std::rc::Rc;
use stratoscope::Report;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ResourcesProps {
    pub report: Shared<Report>,
    pub list: Option<Fetched<Vec<ResourceEntry>>>,
    pub filters: ResourceFilters,
    pub selected: Option<AttrValue>,
    pub detail: Option<Fetched<ResourceDetail>>,
    pub on_filter: Callback<(ResDim, Option<String>)>,
    pub on_query: Callback<String>,
    pub on_select: Callback<Option<String>>,
    pub on_open_finding: Callback<FindingKey>,
}

const ROW_GUESS: u32 = 40;

#[function_component]
pub fn Resources(props: &ResourcesProps) -> Html {
    let list = match &props.list {
        None => {
            return html! {
                <section class="resources" data-testid="resources" aria-busy="true">
                    <p class="muted">{ "Fetching the inventory from the analysis…" }</p>
                </section>
            }
        }
        Some(Err(e)) => {
            return html! {
                <section class="resources" data-testid="resources">
                    <p class="notice error" role="alert">{ format!("The inventory is unavailable: {e}.") }</p>
                </section>
            }
        }
        Some(Ok(list)) => list.clone(),
    };
    html! {
        <ResourceList report={props.report.clone()} {list} filters={props.filters.clone()}
            selected={props.selected.clone()} detail={props.detail.clone()}
            on_filter={props.on_filter.clone()} on_query={props.on_query.clone()}
            on_select={props.on_select.clone()} on_open_finding={props.on_open_finding.clone()} />
    }
}

#[derive(Properties, PartialEq)]
struct ResourceListProps {
    report: Shared<Report>,
    list: Shared<Vec<ResourceEntry>>,
    filters: ResourceFilters,
    selected: Option<AttrValue>,
    detail: Option<Fetched<ResourceDetail>>,
    on_filter: Callback<(ResDim, Option<String>)>,
    on_query: Callback<String>,
    on_select: Callback<Option<String>>,
    on_open_finding: Callback<FindingKey>,
}

#[function_component]
fn ResourceList(props: &ResourceListProps) -> Html {
    let rows = {
        let list = props.list.clone();
        use_memo((list, props.filters.clone()), |(list, f)| {
            Rc::new(visible(list, f))
        })
    };
    let counts = use_memo(props.report.clone(), |report| {
        let mut m: HashMap<String, usize> = HashMap::new();
        for f in &report.findings {
            *m.entry(f.resource.id.clone()).or_default() += 1;
        }
        m
    });
    let rows: Rc<Vec<usize>> = (*rows).clone();
    let v = use_virtual(rows.len(), ROW_GUESS, rows.clone());
    let oninput = props.on_query.reform(|e: InputEvent| {
        let input: HtmlInputElement = e.target_unchecked_into();
        input.value()
    });
    let selects = ResDim::ALL.into_iter().map(|dim| {
        let current = dim.get(&props.filters).cloned().unwrap_or_default();
        let onchange = props.on_filter.reform(move |e: Event| {
            let s: HtmlSelectElement = e.target_unchecked_into();
            (dim, Some(s.value()))
        });
        html! {
            <select class="filter" data-testid={format!("resource-filter-{}", dim.key())} aria-label={dim.label()} {onchange}>
                <option value="" selected={current.is_empty()}>{ dim.any_label() }</option>
                { for facet(&props.list, dim).into_iter().map(|(v, n)| html! {
                    <option selected={v == current} value={v.clone()}>{ format!("{v} ({n})") }</option>
                }) }
            </select>
        }
    });
    let w = v.window;
    let selected = props.selected.as_deref();
    let tabbable = selected
        .and_then(|id| rows.iter().copied().find(|&i| props.list[i].id == id))
        .or_else(|| rows.first().copied());
    let rendered: Html = rows[w.start..w.end]
        .iter()
        .map(|&i| {
            let e = &props.list[i];
            let is_selected = selected == Some(e.id.as_str());
            let id = e.id.clone();
            let onclick = props.on_select.reform({
                let id = id.clone();
                move |_: MouseEvent| Some(id.clone())
            });
            let onkeydown = {
                let on_select = props.on_select.clone();
                Callback::from(move |k: KeyboardEvent| match k.key().as_str() {
                    "Enter" | " " => {
                        k.prevent_default();
                        on_select.emit(Some(id.clone()));
                    }
                    "Escape" => on_select.emit(None),
                    _ => {}
                })
            };
            let n = counts.get(&e.id).copied().unwrap_or(0);
            html! {
                <tr key={e.id.clone()} class={classes!("resource-row", is_selected.then_some("selected"))}
                    data-testid="resource-row" data-vrow="" data-id={e.id.clone()} data-kind={e.kind.clone()}
                    tabindex={if tabbable == Some(i) { "0" } else { "-1" }}
                    aria-current={is_selected.then_some("true")} {onclick} {onkeydown}>
                    <td class="col-kind mono">{ e.kind.clone() }</td>
                    <td class="col-name"><span class="res-name" title={e.id.clone()}>{ e.name.clone() }</span></td>
                    <td class="col-acct mono">{ e.account.clone().unwrap_or_else(|| "—".into()) }</td>
                    <td class="col-region mono">{ e.region.clone().unwrap_or_else(|| "—".into()) }</td>
                    <td class="col-n">
                        if n > 0 {
                            <span class="finding-count">{ format!("{n} {}", if n == 1 { "finding" } else { "findings" }) }</span>
                        } else {
                            <span class="muted">{ "none" }</span>
                        }
                    </td>
                </tr>
            }
        })
        .collect();
    html! {
        <section class="resources" data-testid="resources" aria-label="Resources">
            <div class="toolbar" role="search" aria-label="Filter resources">
                <div class="toolbar-row">
                    <input type="search" class="search" data-testid="resource-search" value={props.filters.query.clone()} {oninput}
                        aria-label="Search resources" placeholder="Search name, ARN or kind" autocomplete="off" spellcheck="false" />
                    { for selects }
                    <p class="count" data-testid="resource-count" aria-live="polite">
                        { format!("{} of {} resources", rows.len(), props.list.len()) }
                    </p>
                </div>
            </div>
            <div class={classes!("workspace", props.selected.is_some().then_some("with-detail"))}>
                { virtual_table(&v, TableShape {
                    class: "findings resource-table",
                    ids: ("resources-scroll", "resource-table"),
                    caption: "Resources in the analysed files. Select one for its attributes and findings.",
                    columns: &[
                        ("col-kind", "Kind"),
                        ("col-name", "Name"),
                        ("col-acct", "Account"),
                        ("col-region", "Region"),
                        ("col-n", "Findings"),
                    ],
                    empty: rows.is_empty().then_some("No resources match the filters and search."),
                    total_rows: rows.len(),
                }, rendered) }
                if let Some(id) = &props.selected {
                    <ResourcePane key={id.to_string()} report={props.report.clone()} id={id.clone()}
                        detail={props.detail.clone()} on_close={props.on_select.reform(|_: ()| None)}
                        on_open_finding={props.on_open_finding.clone()} />
                }
            </div>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct ResourcePaneProps {
    report: Shared<Report>,
    id: AttrValue,
    detail: Option<Fetched<ResourceDetail>>,
    on_close: Callback<()>,
    on_open_finding: Callback<FindingKey>,
}

#[function_component]
fn ResourcePane(props: &ResourcePaneProps) -> Html {
    let onkeydown = {
        let on_close = props.on_close.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" {
                on_close.emit(());
            }
        })
    };
    let findings: Vec<usize> = props
        .report
        .findings
        .iter()
        .enumerate()
        .filter(|(_, f)| f.resource.id == *props.id)
        .map(|(i, _)| i)
        .collect();
    let body = match &props.detail {
        None => html! { <p class="muted">{ "Fetching the attributes…" }</p> },
        Some(Err(e)) => html! { <p class="notice error" role="alert">{ e.clone() }</p> },
        Some(Ok(d)) => html! {
            <>
                <h2 class="detail-title">{ d.entry.name.clone() }</h2>
                <dl class="resource-facts">
                    <dt>{ "Identifier" }</dt>
                    <dd class="mono break">{ d.entry.id.clone() }</dd>
                    <dt>{ "Kind" }</dt>
                    <dd class="mono">{ d.entry.kind.clone() }</dd>
                    <dt>{ "Account" }</dt>
                    <dd class="mono">{ d.entry.account.clone().unwrap_or_else(|| "—".into()) }</dd>
                    <dt>{ "Region" }</dt>
                    <dd class="mono">{ d.entry.region.clone().unwrap_or_else(|| "—".into()) }</dd>
                    <dt>{ "Source" }</dt>
                    <dd class="mono break">{ format!("{} at {}", d.entry.file, d.entry.pointer) }</dd>
                </dl>
                <section class="resource-findings" data-testid="resource-findings">
                    <h3>{ format!("Findings on this resource ({})", findings.len()) }</h3>
                    if findings.is_empty() {
                        <p class="muted">{ "None: every rule that applies to it passed, or none applies." }</p>
                    }
                    <ul class="plain-list">
                        { for findings.iter().map(|&i| {
                            let f = &props.report.findings[i];
                            let key = FindingKey::of(f);
                            let onclick = props.on_open_finding.reform(move |_: MouseEvent| key.clone());
                            html! {
                                <li>
                                    <button type="button" class="link-button" data-testid="resource-finding" {onclick}>
                                        <SeverityBadge severity={f.severity} />
                                        <span>{ format!("{} ({})", f.title(), outcome_label(f.outcome)) }</span>
                                    </button>
                                </li>
                            }
                        }) }
                    </ul>
                </section>
                <section class="attributes">
                    <h3>{ "Normalised attributes" }</h3>
                    <p class="muted small">{ "What the rules read: the export's fields in Stratoscope's resource model." }</p>
                    <div class="tree-root" data-testid="attribute-tree">
                        { tree_object(&d.attributes, 0) }
                    </div>
                </section>
            </>
        },
    };
    html! {
        <aside class="detail resource-detail" data-testid="resource-detail" aria-label="Resource" {onkeydown}>
            <div class="detail-head">
                <span class="detail-rule-id">{ "Resource" }</span>
                <button type="button" class="close" data-testid="close-resource" aria-label="Close the resource (Escape)"
                    onclick={props.on_close.reform(|_: MouseEvent| ())}>{ "×" }</button>
            </div>
            { body }
        </aside>
    }
}

/// Objects and arrays deeper than this start folded.
const OPEN_DEPTH: usize = 2;

fn scalar(v: &Value) -> Html {
    let (class, text) = match v {
        Value::String(s) => ("v-str", format!("\"{s}\"")),
        Value::Number(n) => ("v-num", n.to_string()),
        Value::Bool(b) => ("v-bool", b.to_string()),
        Value::Null => ("v-null", "null".to_string()),
        Value::Array(a) if a.is_empty() => ("v-empty", "[]".to_string()),
        _ => ("v-empty", "{}".to_string()),
    };
    html! { <span class={class}>{ text }</span> }
}

fn node(key: String, v: &Value, depth: usize) -> Html {
    let children = match v {
        Value::Object(m) if !m.is_empty() => {
            Some((format!("{{{} keys}}", m.len()), tree_object(m, depth + 1)))
        }
        Value::Array(a) if !a.is_empty() => Some((
            format!("[{} items]", a.len()),
            html! {
                <ul class="tree">
                    { for a.iter().enumerate().map(|(i, item)| node(format!("[{i}]"), item, depth + 1)) }
                </ul>
            },
        )),
        _ => None,
    };
    match children {
        Some((summary, inner)) => html! {
            <li>
                <details open={depth < OPEN_DEPTH}>
                    <summary><span class="k">{ key }</span>{ " " }<span class="muted">{ summary }</span></summary>
                    { inner }
                </details>
            </li>
        },
        None => html! { <li><span class="k">{ key }</span>{ ": " }{ scalar(v) }</li> },
    }
}

fn tree_object(m: &serde_json::Map<String, Value>, depth: usize) -> Html {
    html! {
        <ul class="tree">
            { for m.iter().map(|(k, v)| node(k.clone(), v, depth)) }
        </ul>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tests::{demo_report, render};
    use serde_json::json;

    #[test]
    fn attributes_render_as_a_tree_of_text() {
        let attrs = json!({"name": "<b>x</b>", "tags": {"team": "ops"}, "list": [1, true, null], "empty": []});
        let Value::Object(m) = attrs else {
            unreachable!()
        };
        let (report, _) = demo_report();
        let entry = ResourceEntry {
            id: "arn:x".into(),
            kind: "aws.iam.role".into(),
            name: "x".into(),
            account: None,
            region: None,
            file: "f.json".into(),
            pointer: "/RoleDetailList/0".into(),
        };
        let html = render::<ResourcePane>(ResourcePaneProps {
            report,
            id: "arn:x".into(),
            detail: Some(Ok(Shared::new(ResourceDetail {
                entry,
                attributes: m,
            }))),
            on_close: Callback::noop(),
            on_open_finding: Callback::noop(),
        });
        assert!(html.contains("data-testid=\"attribute-tree\""));
        assert!(
            html.contains("&quot;&lt;b&gt;x&lt;/b&gt;&quot;")
                || html.contains("\"&lt;b&gt;x&lt;/b&gt;\""),
            "{html}"
        );
        assert!(html.contains("[3 items]"));
        assert!(html.contains(">team<"));
        assert!(html.contains("f.json at /RoleDetailList/0"));
    }
}
