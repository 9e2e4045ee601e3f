//! The findings table: a semantic table in a scrolling pane, virtualised (only the rows in view
//! exist, see [`super::virtual_scroll`]), with optional group headers that fold.
//!
//! Keyboard: one row is in the tab order at a time (the selected one, else the first); Enter or
//! Space opens it, the arrow keys move to the neighbouring finding and open it, Escape closes
//! the detail and focus returns to the row.

use crate::components::virtual_scroll::{use_virtual, virtual_table, TableShape};
use crate::components::{FindingRow, SeverityBadge};
use crate::findings::{position, step, Row};
use crate::state::Shared;
use crate::view::FindingKey;
use std::rc::Rc;
use stratoscope::Report;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct FindingsTableProps {
    pub report: Shared<Report>,
    /// The list to show: findings and group headers, in order.
    pub rows: Rc<Vec<Row>>,
    /// How many findings passed the filters (group headers aside).
    pub matching: usize,
    pub selected: Option<usize>,
    pub on_select: Callback<FindingKey>,
    pub on_close: Callback<()>,
    #[prop_or_default]
    pub on_toggle_group: Callback<String>,
}

/// Rows' height before the first one is measured (the stylesheet's `--row-h` at normal type).
const ROW_GUESS: u32 = 52;

fn focus_row(container: &NodeRef, index: usize) {
    let row = container
        .cast::<Element>()
        .and_then(|c| {
            c.query_selector(&format!("tr[data-index=\"{index}\"]"))
                .ok()
                .flatten()
        })
        .and_then(|r| r.dyn_into::<HtmlElement>().ok());
    if let Some(row) = row {
        let _ = row.focus();
    }
}

#[function_component]
pub fn FindingsTable(props: &FindingsTableProps) -> Html {
    let v = use_virtual(props.rows.len(), ROW_GUESS, props.rows.clone());
    // A row to focus once it has been rendered (after an arrow key moved past the window).
    let focus_next = use_mut_ref(|| None::<usize>);
    let previous = use_mut_ref(|| None::<usize>);
    {
        let container = v.container.clone();
        let focus_next = focus_next.clone();
        let previous = previous.clone();
        let selected = props.selected;
        use_effect(move || {
            if let Some(i) = focus_next.borrow_mut().take() {
                focus_row(&container, i);
            }
            // The detail closed (Escape, ×): focus goes back to its row.
            let was = previous.replace(selected);
            if let (Some(i), None) = (was, selected) {
                focus_row(&container, i);
            }
        });
    }

    let on_step = {
        let report = props.report.clone();
        let rows = props.rows.clone();
        let on_select = props.on_select.clone();
        let reveal = v.reveal.clone();
        let focus_next = focus_next.clone();
        Callback::from(move |(key, forward): (FindingKey, bool)| {
            if let Some(next) = step(&report, &rows, &key, forward) {
                if let Some(pos) = position(&rows, next) {
                    reveal.emit(pos);
                }
                *focus_next.borrow_mut() = Some(next);
                on_select.emit(FindingKey::of(&report.findings[next]));
            }
        })
    };

    let empty = if props.report.findings.is_empty() {
        Some("No findings: every rule that could be evaluated passed or did not apply.")
    } else if props.matching == 0 {
        Some("No findings match the filters and search.")
    } else {
        None
    };
    // The row that is in the tab order.
    let tabbable = props.selected.or_else(|| {
        props.rows.iter().find_map(|r| match r {
            Row::Finding(i) => Some(*i),
            Row::Group(_) => None,
        })
    });
    let w = v.window;
    // Keyed, so rows scrolling in and out move rather than re-render each other.
    let rendered: Html = props.rows[w.start..w.end]
        .iter()
        .map(|row| match row {
            Row::Finding(index) => html! {
                <FindingRow key={format!("f{index}")} report={props.report.clone()} index={*index}
                    selected={props.selected == Some(*index)} tabbable={tabbable == Some(*index)}
                    on_select={props.on_select.clone()} on_close={props.on_close.clone()}
                    on_step={on_step.clone()} />
            },
            Row::Group(g) => {
                let key = g.key.clone();
                let onclick = props.on_toggle_group.reform(move |_: MouseEvent| key.clone());
                let label = format!(
                    "{} {} — {} {}",
                    if g.collapsed { "Expand" } else { "Collapse" },
                    g.title,
                    g.count,
                    if g.count == 1 { "finding" } else { "findings" }
                );
                html! {
                    <tr key={format!("g{}", g.key)} class="group-row" data-vrow="" data-testid="group-row"
                        data-group={g.key.clone()} data-count={g.count.to_string()}>
                        <td colspan="5">
                            <button type="button" class="group-toggle" aria-expanded={(!g.collapsed).to_string()}
                                aria-label={label} {onclick}>
                                <span class="chevron" aria-hidden="true">{ if g.collapsed { "▸" } else { "▾" } }</span>
                                <SeverityBadge severity={g.worst} />
                                <span class="group-text">
                                    <span class="group-title">{ g.title.clone() }</span>
                                    <span class="group-sub">{ g.subtitle.clone() }</span>
                                </span>
                                <span class="group-count" data-testid="group-count">
                                    { format!("{} {}", g.count, if g.count == 1 { "finding" } else { "findings" }) }
                                </span>
                            </button>
                        </td>
                    </tr>
                }
            }
        })
        .collect();
    let shape = TableShape {
        class: "findings",
        ids: ("findings-scroll", "findings-table"),
        caption: "Findings. Select a row for the explanation and evidence; arrow keys move between findings.",
        columns: &[
            ("col-sev", "Severity"),
            ("col-rule", "Rule"),
            ("col-res", "Resource"),
            ("col-acct", "Account"),
            ("col-outcome", "Outcome"),
        ],
        empty,
        total_rows: props.rows.len(),
    };
    virtual_table(&v, shape, rendered)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::findings::{rows, Grouping};
    use crate::tests::{demo_report, render};
    use std::collections::BTreeSet;
    use stratoscope::report::{Finding, ResourceRef, RuleRef};
    use stratoscope::{Outcome, Severity};

    fn props(report: Shared<Report>, list: Vec<Row>) -> FindingsTableProps {
        let matching = list.iter().filter(|r| matches!(r, Row::Finding(_))).count();
        FindingsTableProps {
            report,
            rows: Rc::new(list),
            matching,
            selected: None,
            on_select: Callback::noop(),
            on_close: Callback::noop(),
            on_toggle_group: Callback::noop(),
        }
    }

    fn all(report: &Report) -> Vec<Row> {
        (0..report.findings.len()).map(Row::Finding).collect()
    }

    #[test]
    fn rows_carry_the_test_attributes_and_one_is_tabbable() {
        let (report, _) = demo_report();
        let html = render::<FindingsTable>(props(report.clone(), all(&report)));
        let n = html.matches("data-testid=\"finding-row\"").count();
        assert!(n >= 5 && n <= report.findings.len(), "{n}");
        let first = &report.findings[0];
        assert!(html.contains(&format!("data-rule-id=\"{}\"", first.rule_id())));
        assert!(html.contains(&format!("data-severity=\"{}\"", first.severity.as_str())));
        assert!(html.contains(&format!("data-outcome=\"{}\"", first.outcome.as_str())));
        assert_eq!(html.matches("tabindex=\"0\"").count(), 1);

        let html = render::<FindingsTable>(props(report, Vec::new()));
        assert_eq!(html.matches("data-testid=\"finding-row\"").count(), 0);
        assert!(html.contains("No findings match"));
    }

    #[test]
    fn a_long_list_renders_only_a_window_of_rows() {
        let (report, _) = demo_report();
        let mut big = (*report).clone();
        let one = big.findings[0].clone();
        big.findings = (0..5000)
            .map(|i| {
                let mut f = one.clone();
                std::sync::Arc::make_mut(&mut f.resource).id = format!("{}-{i}", one.resource.id);
                f
            })
            .collect();
        let big = Shared::new(big);
        let html = render::<FindingsTable>(props(big.clone(), all(&big)));
        let n = html.matches("data-testid=\"finding-row\"").count();
        assert!(n > 10 && n < 100, "{n} rows rendered of 5000");
        assert!(html.contains("data-total-rows=\"5000\""));
    }

    #[test]
    fn group_headers_show_counts_and_fold_state() {
        let (report, _) = demo_report();
        let visible: Vec<usize> = (0..report.findings.len()).collect();
        let collapsed: BTreeSet<String> = [report.findings[0].rule_id().to_string()].into();
        let list = rows(&report, &visible, Grouping::Rule, &collapsed);
        let html = render::<FindingsTable>(props(report.clone(), list));
        assert!(html.contains("data-testid=\"group-row\""));
        assert!(html.contains("aria-expanded=\"false\""));
        assert!(html.contains("aria-expanded=\"true\""));
        assert!(html.contains("data-testid=\"group-count\""));
    }

    #[test]
    fn hostile_resource_names_are_escaped_text() {
        let (report, _) = demo_report();
        let mut report = (*report).clone();
        report.findings = vec![Finding {
            rule: RuleRef {
                id: "R1".into(),
                name: "r1".into(),
                title: "<b>bold</b>".into(),
                service: "iam".into(),
                frameworks: Default::default(),
            }
            .into(),
            severity: Severity::High,
            outcome: Outcome::Fail,
            resource: ResourceRef {
                id: "arn:\"><script>alert(1)</script>".into(),
                kind: "aws.iam.role".into(),
                name: "<img src=x onerror=alert(1)>".into(),
                account: None,
                region: None,
            }
            .into(),
            message: "m".into(),
            evidence: Vec::new(),
            accepted: None,
        }];
        let report = Shared::new(report);
        let html = render::<FindingsTable>(props(report.clone(), all(&report)));
        assert!(!html.contains("<img"), "{html}");
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<b>"), "{html}");
        assert!(
            html.contains("&lt;img src=x onerror=alert(1)&gt;"),
            "{html}"
        );
    }
}
