//! The overview's numbers: failing findings by severity, service, account and framework, each
//! bar carrying the filter that opens exactly its findings.

use crate::findings::{Dim, Filters, ACCEPTED, OPEN};
use crate::view::{severity_label, SeverityFilter};
use std::collections::BTreeMap;
use stratoscope::{Outcome, Report, Severity};

/// One bar of a chart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bar {
    /// Written beside the bar (the bar's colour is never the only cue).
    pub label: String,
    pub count: usize,
    /// A CSS class for the bar's colour: `sev-high`, `outcome-unknown`, or `plain`.
    pub tone: String,
    /// What the Findings view is filtered to when the bar is chosen.
    pub filters: Filters,
    /// `data-value` for tests and assistive text: the filter value this bar stands for.
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chart {
    /// `data-chart`: severity, service, account, framework.
    pub id: &'static str,
    pub title: &'static str,
    pub bars: Vec<Bar>,
}

/// Open (not accepted) findings with `outcome` and, when given, `dim` at `value`.
fn open(outcome: Outcome, by: Option<(Dim, &str)>) -> Filters {
    let mut f = Filters::default();
    f.set(Dim::Outcome, Some(outcome.as_str().to_string()));
    f.set(Dim::Accepted, Some(OPEN.to_string()));
    if let Some((dim, value)) = by {
        f.set(dim, Some(value.to_string()));
    }
    f
}

fn failing(dim: Dim, value: &str) -> Filters {
    open(Outcome::Fail, Some((dim, value)))
}

/// Open failing findings per severity, every severity listed, then the unknowns (a rule that
/// could not decide is shown beside the failures, never folded into them), then the findings
/// an accepted risk covers, counted apart.
pub fn by_severity(report: &Report) -> Chart {
    let mut bars: Vec<Bar> = Severity::ALL
        .into_iter()
        .map(|s| {
            let filter = SeverityFilter::Only(s).value();
            Bar {
                label: severity_label(s).to_string(),
                count: report
                    .findings
                    .iter()
                    .filter(|f| f.is_open_failure() && f.severity == s)
                    .count(),
                tone: format!("sev-{}", s.as_str()),
                filters: failing(Dim::Severity, &filter),
                value: s.as_str().to_string(),
            }
        })
        .collect();
    bars.push(Bar {
        label: "UNKNOWN".to_string(),
        count: report
            .findings
            .iter()
            .filter(|f| f.outcome == Outcome::Unknown && f.accepted.is_none())
            .count(),
        tone: "outcome-unknown".to_string(),
        filters: open(Outcome::Unknown, None),
        value: "unknown".to_string(),
    });
    if report.summary.accepted > 0 {
        let mut accepted = Filters::default();
        accepted.set(Dim::Accepted, Some(ACCEPTED.to_string()));
        bars.push(Bar {
            label: "ACCEPTED".to_string(),
            count: report.summary.accepted,
            tone: "accepted".to_string(),
            filters: accepted,
            value: ACCEPTED.to_string(),
        });
    }
    Chart {
        id: "severity",
        title: "Open findings by severity",
        bars,
    }
}

/// Failing findings per value of `dim`, most first (ties alphabetical), at most `limit` bars.
fn by_dim(report: &Report, dim: Dim, id: &'static str, title: &'static str, limit: usize) -> Chart {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for f in report.findings.iter().filter(|f| f.is_open_failure()) {
        for v in dim.values(f) {
            *counts.entry(v.to_string()).or_default() += 1;
        }
    }
    let mut pairs: Vec<(String, usize)> = counts.into_iter().collect();
    pairs.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    pairs.truncate(limit);
    Chart {
        id,
        title,
        bars: pairs
            .into_iter()
            .map(|(v, n)| Bar {
                label: v.clone(),
                count: n,
                tone: "plain".to_string(),
                filters: failing(dim, &v),
                value: v,
            })
            .collect(),
    }
}

/// Bars per chart at most; the Findings view's filters reach the rest.
pub const MAX_BARS: usize = 12;

pub fn by_service(report: &Report) -> Chart {
    by_dim(
        report,
        Dim::Service,
        "service",
        "Failing findings by service",
        MAX_BARS,
    )
}

pub fn by_account(report: &Report) -> Chart {
    by_dim(
        report,
        Dim::Account,
        "account",
        "Failing findings by account",
        MAX_BARS,
    )
}

/// Failing findings per framework, from each finding's own mappings (the scores per control are
/// in the report's compliance section, shown beside this chart).
pub fn by_framework(report: &Report) -> Chart {
    by_dim(
        report,
        Dim::Framework,
        "framework",
        "Failing findings mapped to each framework",
        MAX_BARS,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::findings::tests::report;
    use crate::findings::{visible, SortKey};

    #[test]
    fn severity_bars_count_failures_and_open_exactly_them() {
        let r = report();
        let chart = by_severity(&r);
        let counts: Vec<(String, usize)> = chart
            .bars
            .iter()
            .map(|b| (b.label.clone(), b.count))
            .collect();
        assert_eq!(
            counts,
            vec![
                ("CRITICAL".to_string(), 2),
                ("HIGH".to_string(), 1),
                ("MEDIUM".to_string(), 1),
                ("LOW".to_string(), 0),
                ("INFO".to_string(), 0),
                ("UNKNOWN".to_string(), 1),
            ]
        );
        // Every bar's filter shows exactly as many findings as the bar says.
        for bar in &chart.bars {
            assert_eq!(
                visible(&r, &bar.filters, "", SortKey::Severity).len(),
                bar.count,
                "{}",
                bar.label
            );
        }
    }

    #[test]
    fn dimension_bars_are_sorted_by_count_and_filter_to_their_value() {
        let r = report();
        for chart in [by_service(&r), by_account(&r), by_framework(&r)] {
            assert!(chart.bars.windows(2).all(|w| w[0].count >= w[1].count));
            for bar in &chart.bars {
                assert_eq!(
                    visible(&r, &bar.filters, "", SortKey::Severity).len(),
                    bar.count,
                    "{} {}",
                    chart.id,
                    bar.label
                );
            }
        }
        let svc = by_service(&r);
        assert_eq!((svc.bars[0].label.as_str(), svc.bars[0].count), ("iam", 3));
        let fw = by_framework(&r);
        assert_eq!((fw.bars[0].label.as_str(), fw.bars[0].count), ("fsbp", 2));
    }
}
