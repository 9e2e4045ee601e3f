//! The Export view-model: which files the page offers, what they are called and what goes in
//! them. Every format is the engine's own (`stratoscope::export`, `Report::to_json`), so a file
//! saved from the browser is the file the CLI writes for the same input.

use stratoscope::export::{findings_csv, html_report, ocsf_findings, sarif};
use stratoscope::report::Finding;
use stratoscope::{Report, RulePack};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportKind {
    Json,
    Csv,
    Sarif,
    Ocsf,
    Html,
}

impl ExportKind {
    pub const ALL: [ExportKind; 5] = [
        ExportKind::Json,
        ExportKind::Csv,
        ExportKind::Sarif,
        ExportKind::Ocsf,
        ExportKind::Html,
    ];

    /// `data-testid` suffix and the CLI's `--format` name.
    pub fn value(self) -> &'static str {
        match self {
            ExportKind::Json => "json",
            ExportKind::Csv => "csv",
            ExportKind::Sarif => "sarif",
            ExportKind::Ocsf => "ocsf",
            ExportKind::Html => "html",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ExportKind::Json => "JSON report",
            ExportKind::Csv => "CSV of the findings shown",
            ExportKind::Sarif => "SARIF 2.1.0",
            ExportKind::Ocsf => "OCSF Detection Findings",
            ExportKind::Html => "Printable report",
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            ExportKind::Json => "The whole report in the CLI's schema (`stratoscope scan --format json`): findings with evidence, per-file verdicts, summary, coverage and compliance. Load it as a baseline later to see what drifted.",
            ExportKind::Csv => "One row per finding the Findings view shows now, with its filters and search applied, for a spreadsheet or a ticket import. Cells that would start a formula are neutralised.",
            ExportKind::Sarif => "For code-scanning dashboards. Every rule is listed; failures are results, undecided findings are reviews, accepted risks are suppressions with the reason.",
            ExportKind::Ocsf => "One OCSF Detection Finding per finding, for a SIEM or a security lake; accepted risks are Suppressed.",
            ExportKind::Html => "One self-contained HTML document for people: summary, compliance, then findings by severity with evidence and remediation. Open it from disk and print it or save it as PDF; it loads nothing.",
        }
    }

    /// What follows `stratoscope-<date>` in the file name.
    pub fn suffix(self) -> &'static str {
        match self {
            ExportKind::Json => ".json",
            ExportKind::Csv => ".csv",
            ExportKind::Sarif => ".sarif.json",
            ExportKind::Ocsf => ".ocsf.json",
            ExportKind::Html => ".html",
        }
    }

    pub fn mime(self) -> &'static str {
        match self {
            ExportKind::Csv => "text/csv;charset=utf-8",
            ExportKind::Html => "text/html;charset=utf-8",
            ExportKind::Sarif => "application/sarif+json",
            ExportKind::Json | ExportKind::Ocsf => "application/json",
        }
    }
}

/// `stratoscope-2026-01-31.sarif.json`.
pub fn file_name(kind: ExportKind, date: &str) -> String {
    format!("stratoscope-{date}{}", kind.suffix())
}

/// What an export needs besides the report: the rule pack, the findings the Findings view
/// shows (for the CSV), and the date and time of the export.
pub struct ExportInput<'a> {
    pub report: &'a Report,
    pub pack: &'a RulePack,
    pub shown: &'a [usize],
    pub date: &'a str,
    pub now_ms: i64,
}

/// The file's text.
pub fn render(kind: ExportKind, input: &ExportInput) -> String {
    let report = input.report;
    match kind {
        ExportKind::Json => report.to_json(),
        ExportKind::Csv => {
            let shown: Vec<Finding> = input
                .shown
                .iter()
                .filter_map(|&i| report.findings.get(i).cloned())
                .collect();
            findings_csv(&shown)
        }
        ExportKind::Sarif => sarif(report, input.pack),
        ExportKind::Ocsf => ocsf_findings(report, input.pack, input.now_ms),
        ExportKind::Html => html_report(report, input.pack, input.date),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::findings::{visible, Dim, Filters, SortKey};
    use crate::tests::demo_report;

    #[test]
    fn names_follow_the_date_and_kind() {
        assert_eq!(
            file_name(ExportKind::Sarif, "2026-01-31"),
            "stratoscope-2026-01-31.sarif.json"
        );
        assert_eq!(
            file_name(ExportKind::Html, "2026-01-31"),
            "stratoscope-2026-01-31.html"
        );
        let values: std::collections::BTreeSet<&str> =
            ExportKind::ALL.iter().map(|k| k.value()).collect();
        assert_eq!(values.len(), ExportKind::ALL.len());
    }

    #[test]
    fn each_export_is_the_engines_and_the_csv_follows_the_view() {
        let (report, pack) = demo_report();
        let mut filters = Filters::default();
        filters.set(Dim::Severity, Some("critical".into()));
        let shown = visible(&report, &filters, "", SortKey::Severity);
        assert!(!shown.is_empty() && shown.len() < report.findings.len());
        let input = ExportInput {
            report: &report,
            pack: &pack.pack,
            shown: &shown,
            date: "2026-01-31",
            now_ms: 1_700_000_000_000,
        };
        let json = render(ExportKind::Json, &input);
        assert_eq!(json, report.to_json());
        let csv = render(ExportKind::Csv, &input);
        assert_eq!(
            csv.lines().count(),
            shown.len() + 1,
            "a header and the rows shown"
        );
        assert!(csv.lines().skip(1).all(|l| l.contains(",critical,")));
        let sarif: serde_json::Value =
            serde_json::from_str(&render(ExportKind::Sarif, &input)).expect("SARIF is JSON");
        assert_eq!(sarif["version"], "2.1.0");
        let ocsf: serde_json::Value =
            serde_json::from_str(&render(ExportKind::Ocsf, &input)).expect("OCSF is JSON");
        assert!(ocsf.is_array() || ocsf.is_object());
        let html = render(ExportKind::Html, &input);
        assert!(html.starts_with("<!DOCTYPE html>"));
        assert!(html.contains("2026-01-31"));
        assert!(
            !html.contains("<script"),
            "the printable report runs nothing"
        );
    }
}
