//! View-models: what the page shows, computed from the report and the filters in plain Rust.
//!
//! Components only lay these values out, so filtering, searching, counting and labelling are
//! tested natively here instead of through a browser.

use crate::analysis::Stage;
use crate::state::AppState;
use stratoscope::report::{Finding, InputStatus, InputVerdict};
use stratoscope::{Outcome, Report, Severity};

/// The severity filter. "At least" semantics by default: choosing High shows critical and high
/// findings, which is how auditors triage (nobody wants "high but not critical"). A chart
/// segment on the overview opens exactly its own severity instead, so the list matches the
/// number that was clicked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SeverityFilter {
    #[default]
    All,
    AtLeast(Severity),
    Only(Severity),
}

impl SeverityFilter {
    /// Every choice, in the order the select lists them ("only critical" is "at least
    /// critical", so it is listed once).
    pub fn choices() -> Vec<SeverityFilter> {
        std::iter::once(SeverityFilter::All)
            .chain(Severity::ALL.into_iter().map(SeverityFilter::AtLeast))
            .chain(Severity::ALL[1..].iter().copied().map(SeverityFilter::Only))
            .collect()
    }

    /// The `<option value>` and the address's `sev=`: `all`, the severity's lowercase name, or
    /// `<name>-only`. Part of the browser-test contract.
    pub fn value(self) -> String {
        match self {
            SeverityFilter::All => "all".to_string(),
            SeverityFilter::AtLeast(s) => s.as_str().to_string(),
            SeverityFilter::Only(Severity::Critical) => Severity::Critical.as_str().to_string(),
            SeverityFilter::Only(s) => format!("{}-only", s.as_str()),
        }
    }

    /// Parses an option value; anything unknown means "all" rather than hiding findings.
    pub fn from_value(value: &str) -> SeverityFilter {
        if let Some(only) = value.strip_suffix("-only").and_then(Severity::parse) {
            return match only {
                Severity::Critical => SeverityFilter::AtLeast(only),
                _ => SeverityFilter::Only(only),
            };
        }
        Severity::parse(value)
            .map(SeverityFilter::AtLeast)
            .unwrap_or(SeverityFilter::All)
    }

    pub fn label(self) -> &'static str {
        match self {
            SeverityFilter::All => "All severities",
            SeverityFilter::AtLeast(Severity::Critical) => "Critical only",
            SeverityFilter::AtLeast(Severity::High) => "High and above",
            SeverityFilter::AtLeast(Severity::Medium) => "Medium and above",
            SeverityFilter::AtLeast(Severity::Low) => "Low and above",
            SeverityFilter::AtLeast(Severity::Info) => "Info and above",
            SeverityFilter::Only(Severity::Critical) => "Critical only",
            SeverityFilter::Only(Severity::High) => "Exactly high",
            SeverityFilter::Only(Severity::Medium) => "Exactly medium",
            SeverityFilter::Only(Severity::Low) => "Exactly low",
            SeverityFilter::Only(Severity::Info) => "Exactly info",
        }
    }

    pub fn admits(self, severity: Severity) -> bool {
        match self {
            SeverityFilter::All => true,
            SeverityFilter::AtLeast(threshold) => severity.at_least(threshold),
            SeverityFilter::Only(s) => severity == s,
        }
    }
}

/// Identifies a finding across re-analyses: the engine reports one finding per rule and
/// resource.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FindingKey {
    pub rule_id: String,
    pub resource_id: String,
}

impl FindingKey {
    pub fn of(finding: &Finding) -> FindingKey {
        FindingKey {
            rule_id: finding.rule_id().to_string(),
            resource_id: finding.resource.id.clone(),
        }
    }

    pub fn matches(&self, finding: &Finding) -> bool {
        *finding.rule_id() == *self.rule_id && finding.resource.id == self.resource_id
    }
}

/// A parsed search box: whitespace-separated terms, all of which must occur (case-insensitively)
/// somewhere in the finding's searchable text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    terms: Vec<String>,
}

impl Query {
    pub fn parse(text: &str) -> Query {
        Query {
            terms: text.split_whitespace().map(str::to_lowercase).collect(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// Searches title, rule id and name, resource name, id and kind, account, service and the
    /// message, which together hold everything an auditor types to find a finding.
    pub fn matches(&self, finding: &Finding) -> bool {
        if self.terms.is_empty() {
            return true;
        }
        let haystack = [
            finding.title(),
            finding.rule_id(),
            finding.rule_name(),
            finding.resource.name.as_str(),
            finding.resource.id.as_str(),
            finding.resource.kind.as_str(),
            finding.resource.account.as_deref().unwrap_or(""),
            finding.service(),
            finding.message.as_str(),
        ]
        .join("\n")
        .to_lowercase();
        self.terms.iter().all(|t| haystack.contains(t.as_str()))
    }
}

/// Index of the finding a key names, if the report still has it.
pub fn find(report: &Report, key: &FindingKey) -> Option<usize> {
    report.findings.iter().position(|f| key.matches(f))
}

/// "12 of 40 findings", with the singular when the total is one.
pub fn count_text(shown: usize, total: usize) -> String {
    let noun = if total == 1 { "finding" } else { "findings" };
    format!("{shown} of {total} {noun}")
}

/// Severity as the badge shows it. Colour is only a second channel: the text carries it.
pub fn severity_label(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "CRITICAL",
        Severity::High => "HIGH",
        Severity::Medium => "MEDIUM",
        Severity::Low => "LOW",
        Severity::Info => "INFO",
    }
}

pub fn outcome_label(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Fail => "Fail",
        Outcome::Unknown => "Unknown",
        Outcome::Pass => "Pass",
        Outcome::NotApplicable => "Not applicable",
    }
}

/// A tooltip for the outcome: "unknown" must not be mistaken for a pass or a fail.
pub fn outcome_hint(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Fail => "The export shows the misconfiguration.",
        Outcome::Unknown => "The export lacks a fact this rule needs; neither a pass nor a fail.",
        Outcome::Pass => "The rule passed.",
        Outcome::NotApplicable => "The rule does not apply to this resource.",
    }
}

pub fn status_value(status: InputStatus) -> &'static str {
    match status {
        InputStatus::Recognized => "recognized",
        InputStatus::Ignored => "ignored",
        InputStatus::Error => "error",
    }
}

pub fn status_label(status: InputStatus) -> &'static str {
    match status {
        InputStatus::Recognized => "Recognised",
        InputStatus::Ignored => "Ignored",
        InputStatus::Error => "Error",
    }
}

/// Counts for the summary strip.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Totals {
    /// Open (unaccepted) failing findings per severity, most severe first, every severity
    /// present.
    pub failing: Vec<(Severity, usize)>,
    /// Undecided findings nobody accepted.
    pub unknown: usize,
    /// Findings an accepted risk covers, counted here and not as failing or unknown.
    pub accepted: usize,
    pub resources: usize,
    pub rules: usize,
    /// Rules that could not be evaluated at all, with the export that would allow it.
    pub not_evaluable: Vec<(String, Option<String>)>,
    /// The engine's sentences on what to collect next (`Report::coverage_hints`): they name the
    /// collector and the missing exports.
    pub hints: Vec<String>,
    pub files: usize,
    pub recognised_files: usize,
}

pub fn totals(report: &Report) -> Totals {
    let failing = Severity::ALL
        .into_iter()
        .map(|s| {
            (
                s,
                report
                    .findings
                    .iter()
                    .filter(|f| f.is_open_failure() && f.severity == s)
                    .count(),
            )
        })
        .collect();
    Totals {
        failing,
        unknown: report
            .findings
            .iter()
            .filter(|f| f.outcome == Outcome::Unknown && f.accepted.is_none())
            .count(),
        accepted: report.summary.accepted,
        resources: report.summary.resources,
        rules: report.tool.rules,
        not_evaluable: report
            .coverage
            .iter()
            .filter(|c| !c.evaluated)
            .map(|c| (c.rule_id.clone(), c.missing_export.clone()))
            .collect(),
        hints: report.coverage_hints(),
        files: report.inputs.len(),
        recognised_files: report
            .inputs
            .iter()
            .filter(|i| i.status == InputStatus::Recognized)
            .count(),
    }
}

/// What the busy indicator says, and how far its progress bar is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BusyStatus {
    pub label: String,
    /// `(value, max)` of the progress bar; `None` while the browser reads files, when how long
    /// that takes is unknown (an indeterminate bar).
    pub progress: Option<(u32, u32)>,
}

/// The busy indicator for the current state: the browser reading files, then the stages the
/// analysis reports as it goes.
pub fn busy_status(state: &AppState) -> BusyStatus {
    if state.reading > 0 {
        return BusyStatus {
            label: "Reading files…".to_string(),
            progress: None,
        };
    }
    match state.progress {
        Some(stage) => BusyStatus {
            label: stage.label(),
            progress: Some((stage.step(), Stage::STEPS)),
        },
        None => {
            let n = state.files.len();
            BusyStatus {
                label: format!("Analysing {n} {}…", if n == 1 { "file" } else { "files" }),
                progress: Some((0, Stage::STEPS)),
            }
        }
    }
}

/// The slice of a long list worth rendering: the rows inside the scrolled viewport plus
/// `overscan` on each side, for rows of one fixed height. Everything else is two spacers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub start: usize,
    pub end: usize,
    /// Height of the rows above `start` and below `end`, in pixels.
    pub above: u32,
    pub below: u32,
}

pub fn window(
    total: usize,
    row_height: u32,
    scroll_top: u32,
    viewport: u32,
    overscan: usize,
) -> Window {
    let h = row_height.max(1) as usize;
    let first = (scroll_top as usize / h).min(total);
    let shown = (viewport as usize).div_ceil(h) + 1;
    let start = first.saturating_sub(overscan);
    let end = first
        .saturating_add(shown)
        .saturating_add(overscan)
        .min(total);
    let px = |rows: usize| u32::try_from(rows.saturating_mul(h)).unwrap_or(u32::MAX);
    Window {
        start,
        end,
        above: px(start),
        below: px(total - end),
    }
}

/// The scroll offset that brings row `pos` into a viewport scrolled to `scroll_top`, or `None`
/// when it is visible already.
pub fn scroll_into_view(
    pos: usize,
    row_height: u32,
    scroll_top: u32,
    viewport: u32,
) -> Option<u32> {
    let top = u32::try_from(pos)
        .unwrap_or(u32::MAX)
        .saturating_mul(row_height);
    let bottom = top.saturating_add(row_height);
    if top < scroll_top {
        Some(top)
    } else if bottom > scroll_top.saturating_add(viewport) {
        Some(bottom.saturating_sub(viewport))
    } else {
        None
    }
}

/// The verdict line for a file. The engine's message already names the file and, for errors,
/// the line and column, so it is shown as is.
pub fn verdict_text(verdict: &InputVerdict) -> &str {
    &verdict.message
}

/// Evidence values pretty-printed for a `<pre>`; a fragment that cannot be printed says so
/// rather than disappearing.
pub fn pretty_json(value: &serde_json::Value) -> String {
    serde_json::to_string_pretty(value)
        .unwrap_or_else(|e| format!("(could not print this value: {e})"))
}

/// Framework mappings as "framework: control, control" lines, in a stable order.
pub fn framework_lines(
    frameworks: &std::collections::BTreeMap<String, Vec<String>>,
) -> Vec<String> {
    frameworks
        .iter()
        .filter(|(_, ids)| !ids.is_empty())
        .map(|(fw, ids)| format!("{fw}: {}", ids.join(", ")))
        .collect()
}

/// A reference URL that is safe to render as a link: http(s) only. Rule packs may one day come
/// from users, and a `javascript:` reference must never become clickable.
pub fn safe_link(url: &str) -> Option<&str> {
    let trimmed = url.trim();
    let lower = trimmed.to_ascii_lowercase();
    (lower.starts_with("https://") || lower.starts_with("http://")).then_some(trimmed)
}

/// A piece of rule prose: plain text, or a `backticked` code span.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Span<'a> {
    Text(&'a str),
    Code(&'a str),
}

/// Splits rule prose into paragraphs (blank-line separated) of text and code spans. Rule files
/// use backticks for identifiers and JSON; everything stays a text node either way.
pub fn prose(text: &str) -> Vec<Vec<Span<'_>>> {
    let mut paragraphs = Vec::new();
    let mut rest = text.trim();
    while !rest.is_empty() {
        let (para, tail) = match rest.find("\n\n") {
            Some(i) => (&rest[..i], &rest[i + 2..]),
            None => (rest, ""),
        };
        rest = tail.trim_start();
        let para = para.trim();
        if para.is_empty() {
            continue;
        }
        let mut spans = Vec::new();
        // Odd pieces between backticks are code; an unmatched trailing backtick stays text.
        let pieces: Vec<&str> = para.split('`').collect();
        let balanced = pieces.len() % 2 == 1;
        for (i, piece) in pieces.iter().enumerate() {
            if piece.is_empty() {
                continue;
            }
            let unmatched = !balanced && i + 1 == pieces.len();
            if unmatched {
                spans.push(Span::Text("`"));
                spans.push(Span::Text(piece));
            } else if i % 2 == 1 {
                spans.push(Span::Code(piece));
            } else {
                spans.push(Span::Text(piece));
            }
        }
        paragraphs.push(spans);
    }
    paragraphs
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::LoadedFile;
    use std::collections::BTreeMap;
    use stratoscope::report::{ResourceRef, RuleRef};

    fn finding(rule_id: &str, severity: Severity, name: &str, message: &str) -> Finding {
        Finding {
            rule: RuleRef {
                id: rule_id.into(),
                name: format!("{}-name", rule_id.to_lowercase()),
                title: format!("Title of {rule_id}"),
                service: "iam".into(),
                frameworks: Default::default(),
            }
            .into(),
            severity,
            outcome: Outcome::Fail,
            resource: ResourceRef {
                id: format!("arn:aws:iam::123456789012:role/{name}"),
                kind: "aws.iam.role".into(),
                name: name.into(),
                account: Some("123456789012".into()),
                region: None,
            }
            .into(),
            message: message.into(),
            evidence: Vec::new(),
            accepted: None,
        }
    }

    fn report(findings: Vec<Finding>) -> Report {
        let mut r = stratoscope::analyze(
            &[],
            &stratoscope::RulePack::default(),
            &stratoscope::Options::default(),
        );
        r.findings = findings;
        r
    }

    #[test]
    fn severity_filter_values_round_trip_and_use_at_least_semantics() {
        let values: Vec<_> = SeverityFilter::choices()
            .into_iter()
            .map(SeverityFilter::value)
            .collect();
        assert_eq!(
            values,
            vec![
                "all",
                "critical",
                "high",
                "medium",
                "low",
                "info",
                "high-only",
                "medium-only",
                "low-only",
                "info-only"
            ]
        );
        for choice in SeverityFilter::choices() {
            assert_eq!(SeverityFilter::from_value(&choice.value()), choice);
        }
        assert_eq!(SeverityFilter::from_value("nonsense"), SeverityFilter::All);
        let high = SeverityFilter::AtLeast(Severity::High);
        assert!(high.admits(Severity::Critical));
        assert!(high.admits(Severity::High));
        assert!(!high.admits(Severity::Medium));
        assert!(SeverityFilter::All.admits(Severity::Info));
        let only = SeverityFilter::Only(Severity::High);
        assert!(!only.admits(Severity::Critical));
        assert!(only.admits(Severity::High));
        assert_eq!(
            SeverityFilter::from_value("critical-only"),
            SeverityFilter::AtLeast(Severity::Critical)
        );
    }

    #[test]
    fn search_is_case_insensitive_and_every_term_must_match() {
        let f = finding(
            "STRAT-AWS-IAM-001",
            Severity::High,
            "ci-deploy",
            "Role ci-deploy trusts GitHub without a subject",
        );
        assert!(Query::parse("").matches(&f));
        assert!(Query::parse("  ").is_empty());
        assert!(Query::parse("github").matches(&f));
        assert!(Query::parse("strat-aws-iam-001").matches(&f));
        assert!(Query::parse("CI-DEPLOY 123456789012").matches(&f));
        assert!(Query::parse("aws.iam.role").matches(&f));
        assert!(Query::parse("arn:aws:iam::123456789012:role/ci").matches(&f));
        assert!(!Query::parse("github bucket").matches(&f));
    }

    #[test]
    fn a_key_finds_its_finding_across_reports() {
        let r = report(vec![
            finding("R1", Severity::Critical, "admin", "a"),
            finding("R2", Severity::High, "deploy", "b"),
        ]);
        let key = FindingKey::of(&r.findings[1]);
        assert_eq!(find(&r, &key), Some(1));
        assert_eq!(
            find(
                &r,
                &FindingKey {
                    rule_id: "R2".into(),
                    resource_id: "other".into()
                }
            ),
            None
        );
    }

    #[test]
    fn the_window_covers_the_viewport_plus_overscan() {
        // 10 000 rows of 40 px, a 400 px viewport at the top: 11 rows plus 5 below.
        let w = window(10_000, 40, 0, 400, 5);
        assert_eq!((w.start, w.end, w.above), (0, 16, 0));
        assert_eq!(w.below, (10_000 - 16) * 40);
        // Scrolled to row 500: 5 rows of overscan above.
        let w = window(10_000, 40, 500 * 40 + 10, 400, 5);
        assert_eq!((w.start, w.end), (495, 516));
        assert_eq!(w.above, 495 * 40);
        // Past the end (a list that just shrank): an empty window at the end, no underflow.
        let w = window(3, 40, 10_000, 400, 5);
        assert_eq!((w.start, w.end, w.below), (0, 3, 0));
        let w = window(0, 40, 0, 400, 5);
        assert_eq!((w.start, w.end, w.above, w.below), (0, 0, 0, 0));
        // A zero row height (not measured yet) does not divide by zero.
        assert!(window(10, 0, 0, 400, 5).end <= 10);
    }

    #[test]
    fn scrolling_brings_a_row_into_view_only_when_needed() {
        assert_eq!(scroll_into_view(3, 40, 0, 400), None);
        assert_eq!(scroll_into_view(20, 40, 0, 400), Some(21 * 40 - 400));
        assert_eq!(scroll_into_view(2, 40, 200, 400), Some(80));
    }

    #[test]
    fn counts_read_naturally() {
        assert_eq!(count_text(12, 40), "12 of 40 findings");
        assert_eq!(count_text(0, 1), "0 of 1 finding");
        assert_eq!(count_text(0, 0), "0 of 0 findings");
    }

    #[test]
    fn totals_count_failures_by_severity_and_unknowns_apart() {
        let mut unknown = finding("R9", Severity::High, "x", "m");
        unknown.outcome = Outcome::Unknown;
        let r = report(vec![
            finding("R1", Severity::Critical, "a", "m"),
            finding("R2", Severity::Critical, "b", "m"),
            unknown,
        ]);
        let t = totals(&r);
        assert_eq!(t.failing[0], (Severity::Critical, 2));
        assert_eq!(t.failing[1], (Severity::High, 0));
        assert_eq!(t.failing.len(), 5);
        assert_eq!(t.unknown, 1);
    }

    #[test]
    fn labels_are_text_not_just_colour() {
        assert_eq!(severity_label(Severity::Critical), "CRITICAL");
        assert_eq!(outcome_label(Outcome::Unknown), "Unknown");
        assert_eq!(status_value(InputStatus::Recognized), "recognized");
        assert_eq!(status_label(InputStatus::Ignored), "Ignored");
    }

    #[test]
    fn only_http_links_become_links() {
        assert_eq!(
            safe_link(" https://docs.aws.amazon.com/x "),
            Some("https://docs.aws.amazon.com/x")
        );
        assert_eq!(safe_link("HTTP://example.com"), Some("HTTP://example.com"));
        assert_eq!(safe_link("javascript:alert(1)"), None);
        assert_eq!(safe_link("data:text/html,hi"), None);
    }

    #[test]
    fn prose_splits_paragraphs_and_code_spans() {
        let p = prose("Allows `*` on `Resource`.\n\nSecond `para");
        assert_eq!(p.len(), 2);
        assert_eq!(
            p[0],
            vec![
                Span::Text("Allows "),
                Span::Code("*"),
                Span::Text(" on "),
                Span::Code("Resource"),
                Span::Text(".")
            ]
        );
        // An unmatched backtick is not a code span.
        assert_eq!(
            p[1],
            vec![Span::Text("Second "), Span::Text("`"), Span::Text("para")]
        );
        assert!(prose("  \n\n ").is_empty());
    }

    #[test]
    fn pretty_json_and_frameworks() {
        assert_eq!(
            pretty_json(&serde_json::json!({"Action": "*"})),
            "{\n  \"Action\": \"*\"\n}"
        );
        let mut fw = BTreeMap::new();
        fw.insert("fsbp".to_string(), vec!["IAM.1".to_string()]);
        fw.insert(
            "cis-aws-5.0".to_string(),
            vec!["1.15".to_string(), "1.16".to_string()],
        );
        fw.insert("empty".to_string(), Vec::new());
        assert_eq!(
            framework_lines(&fw),
            vec!["cis-aws-5.0: 1.15, 1.16", "fsbp: IAM.1"]
        );
    }

    #[test]
    fn busy_status_follows_reading_then_the_reported_stages() {
        let mut state = AppState {
            reading: 1,
            ..AppState::default()
        };
        assert_eq!(
            busy_status(&state),
            BusyStatus {
                label: "Reading files…".into(),
                progress: None
            }
        );
        state.reading = 0;
        state.files = vec![
            LoadedFile::new("a.json", b"{}".to_vec()),
            LoadedFile::new("b.json", b"[]".to_vec()),
        ];
        assert_eq!(
            busy_status(&state),
            BusyStatus {
                label: "Analysing 2 files…".into(),
                progress: Some((0, Stage::STEPS))
            }
        );
        state.progress = Some(Stage::Evaluating { rules: 40 });
        assert_eq!(
            busy_status(&state),
            BusyStatus {
                label: "Evaluating 40 rules…".into(),
                progress: Some((3, Stage::STEPS))
            }
        );
    }
}
