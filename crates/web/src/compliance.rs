//! The Compliance view-model: per framework, its score and its controls with a status an
//! auditor reads as words (colour is the second channel), filtered by status. Plain Rust over
//! `report.compliance`, which the engine computes.

use crate::findings::{control_value, Dim, Filters};
use crate::route::ComplianceFilters;
use stratoscope::frameworks::{ControlResult, ControlStatus, FrameworkSummary};
use stratoscope::Report;

/// Every status, in the order the filter and the counts list them: what needs attention first.
pub const STATUSES: [ControlStatus; 6] = [
    ControlStatus::Fail,
    ControlStatus::Unknown,
    ControlStatus::Pass,
    ControlStatus::Manual,
    ControlStatus::NotEvaluable,
    ControlStatus::NoRule,
];

pub fn status_label(status: ControlStatus) -> &'static str {
    match status {
        ControlStatus::Fail => "Fail",
        ControlStatus::Unknown => "Unknown",
        ControlStatus::Pass => "Pass",
        ControlStatus::Manual => "Manual check",
        ControlStatus::NotEvaluable => "Not evaluable",
        ControlStatus::NoRule => "No rule yet",
    }
}

/// What a status means, for the tooltip and the legend.
pub fn status_hint(status: ControlStatus) -> &'static str {
    match status {
        ControlStatus::Fail => "A rule that automates this control has a failing finding.",
        ControlStatus::Unknown => {
            "The loaded exports cannot decide it: a rule saw no resources or lacked a fact."
        }
        ControlStatus::Pass => "Every rule that automates this control passed.",
        ControlStatus::Manual => "A person must verify this control; no export shows it.",
        ControlStatus::NotEvaluable => "No configuration export can decide this control.",
        ControlStatus::NoRule => {
            "Decidable from configuration, but no Stratoscope rule automates it yet."
        }
    }
}

pub fn parse_status(value: &str) -> Option<ControlStatus> {
    STATUSES.into_iter().find(|s| s.as_str() == value)
}

/// A score as a percentage; a framework where nothing could be measured has none.
pub fn score_text(score: Option<f64>) -> String {
    match score {
        Some(s) => format!("{:.0}%", s * 100.0),
        None => "—".to_string(),
    }
}

/// "CIS AWS Foundations Benchmark 5.0".
pub fn framework_title(summary: &FrameworkSummary) -> String {
    format!("{} {}", summary.name, summary.version)
}

/// The framework the view shows: the chosen one, else the first.
pub fn current<'a>(
    report: &'a Report,
    filters: &ComplianceFilters,
) -> Option<&'a FrameworkSummary> {
    let chosen = filters
        .framework
        .as_deref()
        .and_then(|id| report.compliance.iter().find(|s| s.framework == id));
    chosen.or(report.compliance.first())
}

/// The framework's controls with the chosen status (all of them without one), standard
/// controls first and in file order.
pub fn controls(summary: &FrameworkSummary, status: Option<ControlStatus>) -> Vec<&ControlResult> {
    let mut out: Vec<&ControlResult> = summary
        .controls
        .iter()
        .filter(|c| status.is_none_or(|s| c.status == s))
        .collect();
    out.sort_by_key(|c| !c.in_standard);
    out
}

/// How many of the framework's standard controls have `status` (the engine's counts).
pub fn count(summary: &FrameworkSummary, status: ControlStatus) -> usize {
    let c = &summary.counts;
    match status {
        ControlStatus::Fail => c.fail,
        ControlStatus::Unknown => c.unknown,
        ControlStatus::Pass => c.pass,
        ControlStatus::Manual => c.manual,
        ControlStatus::NotEvaluable => c.not_evaluable,
        ControlStatus::NoRule => c.no_rule,
    }
}

/// "12 of 20 measured controls pass", or why there is no score.
pub fn score_caption(summary: &FrameworkSummary) -> String {
    let c = &summary.counts;
    let measured = c.pass + c.fail + c.unknown;
    if measured == 0 {
        return "No control could be measured from the loaded exports.".to_string();
    }
    format!(
        "{} of {measured} measured controls pass ({} fail, {} unknown); {} manual, {} not evaluable and {} without a rule are not scored.",
        c.pass, c.fail, c.unknown, c.manual, c.not_evaluable, c.no_rule
    )
}

/// The Findings view's filter for one control's findings.
pub fn findings_filter(framework: &str, control: &str) -> Filters {
    let mut f = Filters::default();
    f.set(Dim::Control, Some(control_value(framework, control)));
    f
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::findings::visible;
    use crate::tests::demo_report;

    #[test]
    fn every_status_has_words_and_round_trips() {
        for s in STATUSES {
            assert_eq!(parse_status(s.as_str()), Some(s));
            assert!(!status_label(s).is_empty());
            assert!(status_hint(s).ends_with('.'));
        }
        assert_eq!(parse_status("maybe"), None);
        assert_eq!(score_text(Some(0.7333)), "73%");
        assert_eq!(score_text(Some(1.0)), "100%");
        assert_eq!(score_text(None), "—");
    }

    #[test]
    fn the_demo_has_both_frameworks_and_the_filter_and_counts_agree() {
        let (report, _) = demo_report();
        let ids: Vec<&str> = report
            .compliance
            .iter()
            .map(|s| s.framework.as_str())
            .collect();
        assert!(
            ids.contains(&"cis-aws-5.0") && ids.contains(&"fsbp"),
            "{ids:?}"
        );
        let first = current(&report, &ComplianceFilters::default()).expect("a framework");
        assert_eq!(first.framework, ids[0]);
        let fsbp = current(
            &report,
            &ComplianceFilters {
                framework: Some("fsbp".into()),
                status: None,
            },
        )
        .expect("fsbp");
        assert_eq!(fsbp.framework, "fsbp");
        for summary in &report.compliance {
            assert_eq!(controls(summary, None).len(), summary.controls.len());
            for s in STATUSES {
                let listed = controls(summary, Some(s));
                assert!(listed.iter().all(|c| c.status == s));
                let standard = listed.iter().filter(|c| c.in_standard).count();
                assert_eq!(standard, count(summary, s), "{} {s:?}", summary.framework);
            }
        }
    }

    #[test]
    fn a_failing_control_opens_exactly_the_findings_mapped_to_it() {
        let (report, _) = demo_report();
        let summary = report
            .compliance
            .iter()
            .find(|s| s.counts.fail > 0)
            .expect("the demo fails some control");
        let control = controls(summary, Some(ControlStatus::Fail))[0];
        let filters = findings_filter(&summary.framework, &control.id);
        let shown = visible(&report, &filters, "", Default::default());
        assert!(!shown.is_empty());
        for i in shown {
            let f = &report.findings[i];
            assert!(
                control.rules.contains(&f.rule_id().to_string()),
                "{}",
                f.rule_id()
            );
            assert!(f.frameworks()[&summary.framework].contains(&control.id));
        }
        assert!(score_caption(summary).contains("measured controls pass"));
    }
}
