//! Above the findings table: search, sort and grouping; one select per filter dimension; the
//! active filters as removable chips with a "clear all"; and the "shown of total" count.

use crate::findings::{facet, value_label, Dim, Filters, Grouping, SortKey};
use crate::state::Shared;
use crate::view::{count_text, SeverityFilter};
use stratoscope::Report;
use web_sys::{HtmlInputElement, HtmlSelectElement};
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

/// One filter's select: "any", then each value the report has, with its count.
fn dim_select(props: &FindingsToolbarProps, dim: Dim) -> Html {
    let current = props.filters.get(dim).unwrap_or_default();
    let mut options = facet(&props.report, dim);
    // A value from the address that this report lacks stays selectable, so the filter is
    // visible and can be removed.
    if !current.is_empty() && !options.iter().any(|(v, _)| *v == current) {
        options.push((current.clone(), 0));
    }
    let onchange = props
        .on_filter
        .reform(move |e: Event| (dim, Some(select_value(e))));
    html! {
        <select class="filter" data-testid={format!("filter-{}", dim.key())} aria-label={dim.label()} {onchange}>
            <option value="" selected={current.is_empty()}>{ dim.any_label() }</option>
            { for options.into_iter().map(|(v, n)| {
                let label = format!("{} ({n})", value_label(&props.report, dim, &v));
                let selected = v == current;
                html! { <option {selected} value={v}>{ label }</option> }
            }) }
        </select>
    }
}

#[function_component]
pub fn FindingsToolbar(props: &FindingsToolbarProps) -> Html {
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
        <div class="toolbar" role="search" aria-label="Filter findings">
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
                { for Dim::ALL.into_iter().filter(|d| !matches!(d, Dim::Severity | Dim::Control)).map(|d| dim_select(props, d)) }
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
