//! Above the findings table: search, sort and grouping; one select per filter dimension; the
//! active filters as removable chips with a "clear all"; and the "shown of total" count.

use crate::findings::{options, value_label, Dim, Filters, Grouping, SortKey};
use crate::state::Shared;
use crate::view::{count_text, SeverityFilter};
use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;
use stratoscope::Report;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::platform::spawn_local;
use yew::platform::time::sleep;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct FindingsToolbarProps {
    pub report: Shared<Report>,
    pub filters: Filters,
    pub query: AttrValue,
    pub sort: SortKey,
    pub group: Grouping,
    pub shown: usize,
    pub total: usize,
    pub on_severity: Callback<SeverityFilter>,
    pub on_filter: Callback<(Dim, Option<String>)>,
    pub on_clear: Callback<()>,
    pub on_query: Callback<String>,
    pub on_sort: Callback<SortKey>,
    pub on_group: Callback<Grouping>,
}

fn select_value(e: Event) -> String {
    let select: HtmlSelectElement = e.target_unchecked_into();
    select.value()
}

/// Every filter's options, computed once per report: a toolbar re-render (each keystroke in the
/// search, each filter change) must not walk every finding again for each dimension.
type Options = Vec<(Dim, Vec<(String, String)>)>;

/// Reports up to this many findings get their filter options in one task; larger ones a
/// dimension at a time, yielding to the page in between (100,000 findings took a quarter second
/// in one go).
const OPTIONS_AT_ONCE: usize = 20_000;

/// The filter options of `report`, or `None` until they are ready. Never computed in the render:
/// the first paint of the findings after an analysis is the longest task it leaves the page, and
/// the table is what the auditor looks at first, so the options follow a turn later (a
/// dimension per turn for a large report); until then the other filters are shown disabled, and
/// the toolbar says `data-options="pending"` (the browser tests wait for "ready").
#[hook]
fn use_options(report: &Shared<Report>) -> Option<Rc<Options>> {
    let ready = use_state(|| (None::<Shared<Report>>, Rc::new(Options::new())));
    {
        let ready = ready.clone();
        use_effect_with(report.clone(), move |report| {
            let cancelled = Rc::new(Cell::new(false));
            let (report, stop) = (report.clone(), cancelled.clone());
            let small = report.findings.len() <= OPTIONS_AT_ONCE;
            spawn_local(async move {
                let mut out = Options::new();
                for dim in filter_dims() {
                    if out.is_empty() || !small {
                        sleep(Duration::ZERO).await;
                    }
                    if stop.get() {
                        return;
                    }
                    out.push((dim, options(&report, dim)));
                }
                ready.set((Some(report), Rc::new(out)));
            });
            move || cancelled.set(true)
        });
    }
    match &*ready {
        (Some(r), options) if r == report => Some(options.clone()),
        _ => None,
    }
}

/// The dimensions with a select of their own, in the toolbar's order (severity has its own
/// control; controls are picked from the Compliance view).
fn filter_dims() -> impl Iterator<Item = Dim> {
    Dim::ALL
        .into_iter()
        .filter(|d| !matches!(d, Dim::Severity | Dim::Control))
}

/// One filter's select: "any", then each value the report has, with its count. While the
/// options are `pending` the select is there but disabled, holding only "any" and the value
/// the address chose (its count not yet known), so the table does not move when they arrive.
fn dim_select(
    props: &FindingsToolbarProps,
    dim: Dim,
    options: &[(String, String)],
    pending: bool,
) -> Html {
    let current = props.filters.get(dim).unwrap_or_default();
    // A value from the address that this report lacks stays selectable, so the filter is
    // visible and can be removed.
    let missing = (!current.is_empty() && !options.iter().any(|(v, _)| *v == current)).then(|| {
        let label = value_label(&props.report, dim, &current);
        let label = if pending {
            label
        } else {
            format!("{label} (0)")
        };
        (current.clone(), label)
    });
    let onchange = props
        .on_filter
        .reform(move |e: Event| (dim, Some(select_value(e))));
    html! {
        <select class="filter" data-testid={format!("filter-{}", dim.key())} aria-label={dim.label()} disabled={pending} {onchange}>
            <option value="" selected={current.is_empty()}>{ dim.any_label() }</option>
            { for options.iter().chain(missing.as_ref()).map(|(v, label)| {
                let selected = *v == current;
                html! { <option {selected} value={v.clone()}>{ label.clone() }</option> }
            }) }
        </select>
    }
}

#[function_component]
pub fn FindingsToolbar(props: &FindingsToolbarProps) -> Html {
    let options = use_options(&props.report);
    let options_state = if options.is_some() {
        "ready"
    } else {
        "pending"
    };
    let pending = options.is_none();
    let options =
        options.unwrap_or_else(|| Rc::new(filter_dims().map(|d| (d, Vec::new())).collect()));
    let on_severity = props
        .on_severity
        .reform(|e: Event| SeverityFilter::from_value(&select_value(e)));
    let oninput = props.on_query.reform(|e: InputEvent| {
        let input: HtmlInputElement = e.target_unchecked_into();
        input.value()
    });
    let on_sort = props
        .on_sort
        .reform(|e: Event| SortKey::from_value(&select_value(e)));
    let on_group = props
        .on_group
        .reform(|e: Event| Grouping::from_value(&select_value(e)));
    let chips = props.filters.chips(&props.report);
    let searching = !props.query.is_empty();
    html! {
        <div class="toolbar" role="search" aria-label="Filter findings" data-options={options_state}>
            <div class="toolbar-row">
                <input type="search" class="search" data-testid="search" value={props.query.clone()} {oninput}
                    aria-label="Search findings" placeholder="Search rule, resource, ARN, account or message"
                    autocomplete="off" spellcheck="false" />
                <label class="inline-field">
                    <span class="field-label">{ "Sort" }</span>
                    <select data-testid="sort" onchange={on_sort}>
                        { for SortKey::ALL.into_iter().map(|k| html! {
                            <option value={k.value()} selected={k == props.sort}>{ k.label() }</option>
                        }) }
                    </select>
                </label>
                <label class="inline-field">
                    <span class="field-label">{ "Group" }</span>
                    <select data-testid="group" onchange={on_group}>
                        { for Grouping::ALL.into_iter().map(|g| html! {
                            <option value={g.value()} selected={g == props.group}>{ g.label() }</option>
                        }) }
                    </select>
                </label>
                <p class="count" data-testid="finding-count" aria-live="polite">{ count_text(props.shown, props.total) }</p>
            </div>
            <div class="toolbar-row filters" aria-label="Filters">
                <select class="filter" data-testid="severity-filter" aria-label="Severity" onchange={on_severity}>
                    { for SeverityFilter::choices().into_iter().map(|c| html! {
                        <option value={c.value()} selected={c == props.filters.severity}>{ c.label() }</option>
                    }) }
                </select>
                // Controls are chosen in the Compliance view (there are hundreds); the chip shows one.
                { for options.iter().map(|(d, o)| dim_select(props, *d, o, pending)) }
            </div>
            if !chips.is_empty() || searching {
                <div class="toolbar-row chips-row">
                    <span class="field-label">{ "Active:" }</span>
                    <ul class="chips" data-testid="active-filters">
                        { for chips.into_iter().map(|(dim, text)| {
                            let onclick = props.on_filter.reform(move |_: MouseEvent| (dim, None));
                            html! {
                                <li class="chip filter-chip" data-testid="filter-chip" data-dim={dim.key()}>
                                    <span>{ text.clone() }</span>
                                    <button type="button" class="chip-remove" aria-label={format!("Remove filter {text}")} {onclick}>{ "×" }</button>
                                </li>
                            }
                        }) }
                        if searching {
                            <li class="chip filter-chip" data-testid="filter-chip" data-dim="q">
                                <span>{ format!("Search: “{}”", props.query) }</span>
                            </li>
                        }
                    </ul>
                    <button type="button" class="button subtle small" data-testid="clear-filters"
                        onclick={props.on_clear.reform(|_: MouseEvent| ())}>{ "Clear all filters" }</button>
                </div>
            }
        </div>
    }
}
