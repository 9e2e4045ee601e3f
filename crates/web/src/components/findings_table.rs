//! The findings table: a semantic table, one focusable row per visible finding, in the engine's
//! order. A large export has thousands of findings, and rendering them all at once froze the
//! page, so the app renders the first `limit` (growing a step at a time, see
//! [`crate::state::ROW_STEP`]) and, past a page, offers to show more.

use crate::components::FindingRow;
use crate::state::{Shared, ROW_PAGE};
use crate::view::FindingKey;
use stratoscope::Report;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct FindingsTableProps {
    pub report: Shared<Report>,
    /// Indices into `report.findings` to show.
    pub rows: Vec<usize>,
    pub selected: Option<usize>,
    pub on_select: Callback<FindingKey>,
    pub on_close: Callback<()>,
    /// At most this many rows are rendered; a "Show more" row follows when there are more
    /// and the table is not `filling` (growing by itself) any more.
    #[prop_or(usize::MAX)]
    pub limit: usize,
    #[prop_or_default]
    pub filling: bool,
    #[prop_or_default]
    pub on_more: Callback<()>,
}

#[function_component]
pub fn FindingsTable(props: &FindingsTableProps) -> Html {
    let empty = if props.report.findings.is_empty() {
        Some("No findings: every rule that could be evaluated passed or did not apply.")
    } else if props.rows.is_empty() {
        Some("No findings match the severity filter and search.")
    } else {
        None
    };
    // The rows as one keyed list of their own. Written as `{ for … }` they would be flattened
    // into the body's children beside the unkeyed `if` rows, and yew diffs an unkeyed list from
    // its end: every step that appended rows replaced all the rows already there.
    let rows: Html = props
        .rows
        .iter()
        .take(props.limit)
        .map(|&index| {
            html! {
                <FindingRow key={index} report={props.report.clone()} {index}
                    selected={props.selected == Some(index)}
                    on_select={props.on_select.clone()} on_close={props.on_close.clone()} />
            }
        })
        .collect();
    html! {
        <table class="findings" data-testid="findings-table">
            <caption class="visually-hidden">{ "Findings. Select a row for the explanation and evidence." }</caption>
            <thead>
                <tr>
                    <th scope="col" class="col-sev">{ "Severity" }</th>
                    <th scope="col" class="col-rule">{ "Rule" }</th>
                    <th scope="col" class="col-res">{ "Resource" }</th>
                    <th scope="col" class="col-acct">{ "Account" }</th>
                    <th scope="col" class="col-outcome">{ "Outcome" }</th>
                </tr>
            </thead>
            <tbody>
                if let Some(message) = empty {
                    <tr class="empty-row"><td colspan="5">{ message }</td></tr>
                }
                { rows }
                if props.rows.len() > props.limit && !props.filling {
                    <tr class="more-row" key="more">
                        <td colspan="5">
                            <span class="more-count" data-testid="rows-shown">
                                { format!("Showing the first {} of {} findings. Narrow them with the severity filter or search, or ", props.limit, props.rows.len()) }
                            </span>
                            <button type="button" class="button" data-testid="show-more"
                                onclick={props.on_more.reform(|_: MouseEvent| ())}>
                                { format!("show {} more", (props.rows.len() - props.limit).min(ROW_PAGE)) }
                            </button>
                        </td>
                    </tr>
                }
            </tbody>
        </table>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tests::{demo_report, render};
    use stratoscope::report::{Finding, ResourceRef};
    use stratoscope::{Outcome, Severity};

    fn props(report: Shared<Report>, rows: Vec<usize>) -> FindingsTableProps {
        FindingsTableProps {
            report,
            rows,
            selected: None,
            on_select: Callback::noop(),
            on_close: Callback::noop(),
            limit: usize::MAX,
            filling: false,
            on_more: Callback::noop(),
        }
    }

    #[test]
    fn one_row_per_visible_finding_with_the_test_attributes() {
        let (report, _) = demo_report();
        let all: Vec<usize> = (0..report.findings.len()).collect();
        let html = render::<FindingsTable>(props(report.clone(), all));
        assert_eq!(
            html.matches("data-testid=\"finding-row\"").count(),
            report.findings.len()
        );
        let first = &report.findings[0];
        assert!(html.contains(&format!("data-rule-id=\"{}\"", first.rule_id)));
        assert!(html.contains(&format!("data-severity=\"{}\"", first.severity.as_str())));
        assert!(html.contains(&format!("data-outcome=\"{}\"", first.outcome.as_str())));
        assert!(html.contains("tabindex=\"0\""));

        assert!(!html.contains("data-testid=\"show-more\""));

        let html = render::<FindingsTable>(props(report, Vec::new()));
        assert_eq!(html.matches("data-testid=\"finding-row\"").count(), 0);
        assert!(html.contains("No findings match"));
    }

    #[test]
    fn only_the_first_rows_are_rendered_then_a_show_more_button() {
        let (report, _) = demo_report();
        let all: Vec<usize> = (0..report.findings.len()).collect();
        assert!(all.len() > 3);
        let html = render::<FindingsTable>(FindingsTableProps {
            limit: 3,
            ..props(report.clone(), all.clone())
        });
        assert_eq!(html.matches("data-testid=\"finding-row\"").count(), 3);
        assert!(html.contains("data-testid=\"show-more\""));
        assert!(html.contains(&format!("Showing the first 3 of {} findings", all.len())));
    }

    #[test]
    fn hostile_resource_names_are_escaped_text() {
        let (report, _) = demo_report();
        let mut report = (*report).clone();
        report.findings = vec![Finding {
            rule_id: "R1".into(),
            rule_name: "r1".into(),
            title: "<b>bold</b>".into(),
            severity: Severity::High,
            outcome: Outcome::Fail,
            service: "iam".into(),
            resource: ResourceRef {
                id: "arn:\"><script>alert(1)</script>".into(),
                kind: "aws.iam.role".into(),
                name: "<img src=x onerror=alert(1)>".into(),
                account: None,
                region: None,
            },
            message: "m".into(),
            evidence: Vec::new(),
            frameworks: Default::default(),
            accepted: None,
        }];
        let html = render::<FindingsTable>(props(Shared::new(report), vec![0]));
        assert!(!html.contains("<img"), "{html}");
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<b>"), "{html}");
        assert!(
            html.contains("&lt;img src=x onerror=alert(1)&gt;"),
            "{html}"
        );
    }
}
