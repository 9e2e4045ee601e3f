//! The findings view-model: filters, sorting, grouping and the flat list of rows the virtualised
//! table shows. Plain Rust over the report, tested natively; the components only lay it out.

use crate::view::{severity_label, FindingKey, Query, SeverityFilter};
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use stratoscope::report::Finding;
use stratoscope::{Outcome, Report, Severity};

/// What the account and region filters call a finding without one (the engine's summary uses
/// the same mark).
pub const NONE_VALUE: &str = "-";

/// One filterable dimension of a finding. Severity has its own "at least / only" filter
/// ([`SeverityFilter`]); the others match one value exactly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Dim {
    Severity,
    Outcome,
    Service,
    Account,
    Region,
    Rule,
    Framework,
    /// One framework control, as `<framework>:<control id>` (the Compliance view links here).
    Control,
    /// Whether an accepted risk covers the finding: `open` or `accepted`.
    Accepted,
}

/// The [`Dim::Accepted`] values.
pub const OPEN: &str = "open";
pub const ACCEPTED: &str = "accepted";

impl Dim {
    pub const ALL: [Dim; 9] = [
        Dim::Severity,
        Dim::Accepted,
        Dim::Outcome,
        Dim::Service,
        Dim::Account,
        Dim::Region,
        Dim::Rule,
        Dim::Framework,
        Dim::Control,
    ];

    /// The key in the address (`#…&svc=iam`) and the suffix of the control's `data-testid`.
    pub fn key(self) -> &'static str {
        match self {
            Dim::Severity => "sev",
            Dim::Outcome => "outcome",
            Dim::Service => "svc",
            Dim::Account => "acct",
            Dim::Region => "region",
            Dim::Rule => "rule",
            Dim::Framework => "fw",
            Dim::Control => "ctl",
            Dim::Accepted => "acc",
        }
    }

    pub fn from_key(key: &str) -> Option<Dim> {
        Dim::ALL.into_iter().find(|d| d.key() == key)
    }

    pub fn label(self) -> &'static str {
        match self {
            Dim::Severity => "Severity",
            Dim::Outcome => "Outcome",
            Dim::Service => "Service",
            Dim::Account => "Account",
            Dim::Region => "Region",
            Dim::Rule => "Rule",
            Dim::Framework => "Framework",
            Dim::Control => "Control",
            Dim::Accepted => "Accepted risk",
        }
    }

    /// The select's first option, which means "no filter on this dimension".
    pub fn any_label(self) -> &'static str {
        match self {
            Dim::Severity => "All severities",
            Dim::Outcome => "Any outcome",
            Dim::Service => "Any service",
            Dim::Account => "Any account",
            Dim::Region => "Any region",
            Dim::Rule => "Any rule",
            Dim::Framework => "Any framework",
            Dim::Control => "Any control",
            Dim::Accepted => "Open and accepted",
        }
    }

    /// The finding's values on this dimension (a finding maps to several frameworks).
    pub(crate) fn values(self, f: &Finding) -> Vec<Cow<'_, str>> {
        let mut out = Vec::new();
        self.each_value(f, |v| out.push(v));
        out
    }

    /// [`Dim::values`] without collecting them: counting facets over 100,000 findings must not
    /// allocate a list per finding.
    pub(crate) fn each_value<'f>(self, f: &'f Finding, mut emit: impl FnMut(Cow<'f, str>)) {
        match self {
            Dim::Severity => emit(Cow::Borrowed(f.severity.as_str())),
            Dim::Outcome => emit(Cow::Borrowed(f.outcome.as_str())),
            Dim::Service => emit(Cow::Borrowed(f.service())),
            Dim::Account => emit(Cow::Borrowed(
                f.resource.account.as_deref().unwrap_or(NONE_VALUE),
            )),
            Dim::Region => emit(Cow::Borrowed(
                f.resource.region.as_deref().unwrap_or(NONE_VALUE),
            )),
            Dim::Rule => emit(Cow::Borrowed(f.rule_id())),
            Dim::Framework => f
                .frameworks()
                .iter()
                .filter(|(_, ids)| !ids.is_empty())
                .for_each(|(fw, _)| emit(Cow::Borrowed(fw.as_str()))),
            Dim::Control => f.frameworks().iter().for_each(|(fw, ids)| {
                ids.iter()
                    .for_each(|id| emit(Cow::Owned(control_value(fw, id))))
            }),
            Dim::Accepted => emit(Cow::Borrowed(if f.accepted.is_some() {
                ACCEPTED
            } else {
                OPEN
            })),
        }
    }
}

/// Every active filter. `None` means "any".
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Filters {
    pub severity: SeverityFilter,
    pub values: BTreeMap<Dim, String>,
}

impl Filters {
    /// The filter value on a dimension, as the address and the select spell it.
    pub fn get(&self, dim: Dim) -> Option<String> {
        match dim {
            Dim::Severity => {
                (self.severity != SeverityFilter::All).then(|| self.severity.value().to_string())
            }
            _ => self.values.get(&dim).cloned(),
        }
    }

    /// Sets (or, with `None` or an empty value, removes) the filter on one dimension.
    pub fn set(&mut self, dim: Dim, value: Option<String>) {
        let value = value.filter(|v| !v.is_empty());
        match dim {
            Dim::Severity => {
                self.severity = value
                    .map(|v| SeverityFilter::from_value(&v))
                    .unwrap_or_default();
            }
            _ => match value {
                Some(v) => {
                    self.values.insert(dim, v);
                }
                None => {
                    self.values.remove(&dim);
                }
            },
        }
    }

    pub fn is_empty(&self) -> bool {
        self.severity == SeverityFilter::All && self.values.is_empty()
    }

    pub fn admits(&self, f: &Finding) -> bool {
        self.severity.admits(f.severity)
            && self
                .values
                .iter()
                .all(|(dim, want)| dim.values(f).iter().any(|v| v == want))
    }

    /// The active filters as chips: (dimension, text), in the toolbar's order.
    pub fn chips(&self, report: &Report) -> Vec<(Dim, String)> {
        Dim::ALL
            .into_iter()
            .filter_map(|dim| {
                let value = self.get(dim)?;
                let text = match dim {
                    Dim::Severity => self.severity.label().to_string(),
                    _ => value_label(report, dim, &value),
                };
                Some((dim, format!("{}: {text}", dim.label())))
            })
            .collect()
    }
}

/// The [`Dim::Control`] value naming one control of one framework.
pub fn control_value(framework: &str, control: &str) -> String {
    format!("{framework}:{control}")
}

/// How a value reads in a select or a chip: outcomes and rules get words, the rest are shown as
/// they are.
pub fn value_label(report: &Report, dim: Dim, value: &str) -> String {
    match dim {
        Dim::Outcome => Outcome::parse(value)
            .map(|o| crate::view::outcome_label(o).to_string())
            .unwrap_or_else(|| value.to_string()),
        Dim::Severity => Severity::parse(value)
            .map(|s| severity_label(s).to_string())
            .unwrap_or_else(|| value.to_string()),
        Dim::Rule => match report.findings.iter().find(|f| f.rule_id() == value) {
            Some(f) => format!("{} — {}", f.rule_id(), f.rule_name()),
            None => value.to_string(),
        },
        Dim::Control => {
            let title = value.split_once(':').and_then(|(fw, id)| {
                report
                    .compliance
                    .iter()
                    .find(|s| s.framework == fw)
                    .and_then(|s| s.controls.iter().find(|c| c.id == id))
                    .map(|c| c.title.as_str())
            });
            match title {
                Some(t) => format!("{} — {t}", value.replacen(':', " ", 1)),
                None => value.replacen(':', " ", 1),
            }
        }
        Dim::Accepted => match value {
            OPEN => "Open (not accepted)".to_string(),
            ACCEPTED => "Accepted risks only".to_string(),
            _ => value.to_string(),
        },
        Dim::Account | Dim::Region if value == NONE_VALUE => "(none)".to_string(),
        _ => value.to_string(),
    }
}

/// The values a dimension takes in the report, with how many findings have each, for the
/// filter's options. Outcomes in their natural order; the rest sorted.
pub fn facet(report: &Report, dim: Dim) -> Vec<(String, usize)> {
    // Hashed while counting, sorted once: a tree map compared strings at every finding.
    let mut counts: HashMap<Cow<str>, usize> = HashMap::new();
    for f in &report.findings {
        dim.each_value(f, |v| *counts.entry(v).or_default() += 1);
    }
    let mut out: Vec<(String, usize)> = counts
        .into_iter()
        .map(|(v, n)| (v.into_owned(), n))
        .collect();
    if dim == Dim::Outcome {
        out.sort_by_key(|(v, _)| Outcome::parse(v));
    } else {
        out.sort();
    }
    out
}

/// A filter's options: each value the report has, with its label and count ("STRAT-AWS-S3-001 —
/// Bucket policy … (12)"). Rule names are gathered in the same pass as the counts: looking each
/// rule up among 100,000 findings per option held the page for a second.
pub fn options(report: &Report, dim: Dim) -> Vec<(String, String)> {
    let names: HashMap<&str, &str> = if dim == Dim::Rule {
        report
            .findings
            .iter()
            .map(|f| (f.rule_id(), f.rule_name()))
            .collect()
    } else {
        HashMap::new()
    };
    facet(report, dim)
        .into_iter()
        .map(|(v, n)| {
            let label = match names.get(v.as_str()) {
                Some(name) => format!("{v} — {name} ({n})"),
                None => format!("{} ({n})", value_label(report, dim, &v)),
            };
            (v, label)
        })
        .collect()
}

/// The order of the findings list. Every key falls back to the engine's order (severity, rule,
/// resource), so ties stay put.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortKey {
    #[default]
    Severity,
    Rule,
    Resource,
    Account,
}

impl SortKey {
    pub const ALL: [SortKey; 4] = [
        SortKey::Severity,
        SortKey::Rule,
        SortKey::Resource,
        SortKey::Account,
    ];

    pub fn value(self) -> &'static str {
        match self {
            SortKey::Severity => "severity",
            SortKey::Rule => "rule",
            SortKey::Resource => "resource",
            SortKey::Account => "account",
        }
    }

    pub fn from_value(v: &str) -> SortKey {
        SortKey::ALL
            .into_iter()
            .find(|k| k.value() == v)
            .unwrap_or_default()
    }

    pub fn label(self) -> &'static str {
        match self {
            SortKey::Severity => "Severity (most severe first)",
            SortKey::Rule => "Rule id",
            SortKey::Resource => "Resource name",
            SortKey::Account => "Account",
        }
    }
}

/// Whether the list is one run of findings or grouped under collapsible headers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Grouping {
    #[default]
    None,
    Rule,
    Resource,
}

impl Grouping {
    pub const ALL: [Grouping; 3] = [Grouping::None, Grouping::Rule, Grouping::Resource];

    pub fn value(self) -> &'static str {
        match self {
            Grouping::None => "none",
            Grouping::Rule => "rule",
            Grouping::Resource => "resource",
        }
    }

    pub fn from_value(v: &str) -> Grouping {
        Grouping::ALL
            .into_iter()
            .find(|g| g.value() == v)
            .unwrap_or_default()
    }

    pub fn label(self) -> &'static str {
        match self {
            Grouping::None => "No grouping",
            Grouping::Rule => "Group by rule",
            Grouping::Resource => "Group by resource",
        }
    }
}

/// Indices into `report.findings` that pass the filters and the search, in the chosen order.
/// Indices rather than clones, so rows take the shared report as a prop and compare cheaply.
pub fn visible(report: &Report, filters: &Filters, query: &str, sort: SortKey) -> Vec<usize> {
    let query = Query::parse(query);
    let mut rows: Vec<usize> = report
        .findings
        .iter()
        .enumerate()
        .filter(|(_, f)| filters.admits(f) && query.matches(f))
        .map(|(i, _)| i)
        .collect();
    let fs = &report.findings;
    // Stable sorts over the engine's order, so equal keys keep it.
    match sort {
        SortKey::Severity => {}
        SortKey::Rule => rows.sort_by(|&a, &b| fs[a].rule_id().cmp(fs[b].rule_id())),
        SortKey::Resource => rows.sort_by_cached_key(|&i| {
            (
                fs[i].resource.name.to_lowercase(),
                fs[i].resource.id.clone(),
            )
        }),
        SortKey::Account => rows.sort_by(|&a, &b| {
            fs[a]
                .resource
                .account
                .cmp(&fs[b].resource.account)
                .then(fs[a].severity.cmp(&fs[b].severity))
        }),
    }
    rows
}

/// One line of the findings list: a group header or a finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Row {
    Group(GroupHead),
    Finding(usize),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupHead {
    /// Rule id or resource id: what the group is collapsed by.
    pub key: String,
    pub title: String,
    pub subtitle: String,
    pub count: usize,
    /// The most severe finding in the group, shown on the header.
    pub worst: Severity,
    pub collapsed: bool,
}

/// The flat list the table renders: findings as they are, or under a header per rule or per
/// resource (groups in the order of their first finding, so a severity sort puts the worst
/// group first). A collapsed group keeps its header and hides its findings.
pub fn rows(
    report: &Report,
    visible: &[usize],
    grouping: Grouping,
    collapsed: &BTreeSet<String>,
) -> Vec<Row> {
    let key_of = |f: &Finding| match grouping {
        Grouping::None => String::new(),
        Grouping::Rule => f.rule_id().to_string(),
        Grouping::Resource => f.resource.id.clone(),
    };
    if grouping == Grouping::None {
        return visible.iter().map(|&i| Row::Finding(i)).collect();
    }
    let mut order: Vec<String> = Vec::new();
    let mut members: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for &i in visible {
        let key = key_of(&report.findings[i]);
        let list = members.entry(key.clone()).or_default();
        if list.is_empty() {
            order.push(key);
        }
        list.push(i);
    }
    let mut out = Vec::with_capacity(visible.len() + order.len());
    for key in order {
        let list = members.remove(&key).unwrap_or_default();
        let Some(&first) = list.first() else {
            continue;
        };
        let f = &report.findings[first];
        let (title, subtitle) = match grouping {
            Grouping::Rule => (f.title().to_string(), f.rule_id().to_string()),
            _ => (
                f.resource.name.clone(),
                format!(
                    "{} · {}",
                    f.resource.kind,
                    f.resource.account.as_deref().unwrap_or(NONE_VALUE)
                ),
            ),
        };
        let is_collapsed = collapsed.contains(&key);
        out.push(Row::Group(GroupHead {
            worst: list
                .iter()
                .map(|&i| report.findings[i].severity)
                .min()
                .unwrap_or(Severity::Info),
            count: list.len(),
            key,
            title,
            subtitle,
            collapsed: is_collapsed,
        }));
        if !is_collapsed {
            out.extend(list.into_iter().map(Row::Finding));
        }
    }
    out
}

/// The finding after (or before) `key` in the rows, skipping group headers: arrow keys step
/// through the findings however they are grouped.
pub fn step(report: &Report, rows: &[Row], key: &FindingKey, forward: bool) -> Option<usize> {
    let findings: Vec<usize> = rows
        .iter()
        .filter_map(|r| match r {
            Row::Finding(i) => Some(*i),
            Row::Group(_) => None,
        })
        .collect();
    let at = findings
        .iter()
        .position(|&i| key.matches(&report.findings[i]))?;
    let next = if forward {
        at.checked_add(1)?
    } else {
        at.checked_sub(1)?
    };
    findings.get(next).copied()
}

/// Position in `rows` of the finding with index `finding`.
pub fn position(rows: &[Row], finding: usize) -> Option<usize> {
    rows.iter().position(|r| *r == Row::Finding(finding))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use stratoscope::report::{ResourceRef, RuleRef};

    pub fn finding(rule: &str, sev: Severity, name: &str, account: &str) -> Finding {
        let mut frameworks = BTreeMap::new();
        if rule == "R1" {
            frameworks.insert("fsbp".to_string(), vec!["IAM.1".to_string()]);
        }
        Finding {
            rule: RuleRef {
                id: rule.into(),
                name: format!("{}-name", rule.to_lowercase()),
                title: format!("Title of {rule}"),
                service: if rule == "R3" { "s3" } else { "iam" }.into(),
                frameworks,
            }
            .into(),
            severity: sev,
            outcome: if name.starts_with('u') {
                Outcome::Unknown
            } else {
                Outcome::Fail
            },
            resource: ResourceRef {
                id: format!("arn:aws:iam::{account}:role/{name}"),
                kind: "aws.iam.role".into(),
                name: name.into(),
                account: Some(account.into()),
                region: (rule == "R3").then(|| "eu-west-1".to_string()),
            }
            .into(),
            message: format!("{name} fails {rule}"),
            evidence: Vec::new(),
            accepted: None,
        }
    }

    pub fn report() -> Report {
        let mut r = stratoscope::analyze(
            &[],
            &stratoscope::RulePack::default(),
            &stratoscope::Options::default(),
        );
        r.findings = vec![
            finding("R1", Severity::Critical, "zeta", "111111111111"),
            finding("R1", Severity::Critical, "alpha", "222222222222"),
            finding("R2", Severity::High, "alpha", "111111111111"),
            finding("R3", Severity::Medium, "mid", "222222222222"),
            finding("R2", Severity::High, "unknown-one", "111111111111"),
        ];
        r
    }

    fn names(r: &Report, rows: &[usize]) -> Vec<String> {
        rows.iter()
            .map(|&i| {
                format!(
                    "{}:{}",
                    r.findings[i].rule_id(),
                    r.findings[i].resource.name
                )
            })
            .collect()
    }

    #[test]
    fn each_dimension_filters_on_its_value() {
        let r = report();
        let count = |dim: Dim, v: &str| {
            let mut f = Filters::default();
            f.set(dim, Some(v.into()));
            visible(&r, &f, "", SortKey::Severity).len()
        };
        assert_eq!(count(Dim::Severity, "high"), 4, "at least high");
        assert_eq!(count(Dim::Severity, "high-only"), 2);
        assert_eq!(count(Dim::Outcome, "unknown"), 1);
        assert_eq!(count(Dim::Service, "s3"), 1);
        assert_eq!(count(Dim::Account, "111111111111"), 3);
        assert_eq!(count(Dim::Region, "eu-west-1"), 1);
        assert_eq!(count(Dim::Region, NONE_VALUE), 4);
        assert_eq!(count(Dim::Rule, "R2"), 2);
        assert_eq!(count(Dim::Framework, "fsbp"), 2);
        assert_eq!(count(Dim::Framework, "cis"), 0);
        // Filters combine; removing one widens again.
        let mut f = Filters::default();
        f.set(Dim::Rule, Some("R1".into()));
        f.set(Dim::Account, Some("222222222222".into()));
        assert_eq!(
            names(&r, &visible(&r, &f, "", SortKey::Severity)),
            vec!["R1:alpha"]
        );
        f.set(Dim::Account, None);
        assert_eq!(visible(&r, &f, "", SortKey::Severity).len(), 2);
        f.set(Dim::Rule, Some(String::new()));
        assert!(f.is_empty());
    }

    #[test]
    fn chips_name_each_active_filter() {
        let r = report();
        let mut f = Filters::default();
        assert!(f.chips(&r).is_empty());
        f.set(Dim::Severity, Some("critical".into()));
        f.set(Dim::Rule, Some("R2".into()));
        f.set(Dim::Outcome, Some("unknown".into()));
        assert_eq!(
            f.chips(&r),
            vec![
                (Dim::Severity, "Severity: Critical only".to_string()),
                (Dim::Outcome, "Outcome: Unknown".to_string()),
                (Dim::Rule, "Rule: R2 — r2-name".to_string()),
            ]
        );
    }

    #[test]
    fn facets_list_values_with_counts() {
        let r = report();
        assert_eq!(
            facet(&r, Dim::Account),
            vec![
                ("111111111111".to_string(), 3),
                ("222222222222".to_string(), 2)
            ]
        );
        assert_eq!(
            facet(&r, Dim::Outcome),
            vec![("fail".to_string(), 4), ("unknown".to_string(), 1)]
        );
        assert_eq!(facet(&r, Dim::Framework), vec![("fsbp".to_string(), 2)]);
        for dim in Dim::ALL {
            assert_eq!(Dim::from_key(dim.key()), Some(dim));
        }
    }

    #[test]
    fn sorting_orders_by_the_key_and_keeps_engine_order_for_ties() {
        let r = report();
        let f = Filters::default();
        let by = |k| names(&r, &visible(&r, &f, "", k));
        assert_eq!(
            by(SortKey::Severity),
            vec![
                "R1:zeta",
                "R1:alpha",
                "R2:alpha",
                "R3:mid",
                "R2:unknown-one"
            ]
        );
        assert_eq!(
            by(SortKey::Rule),
            vec![
                "R1:zeta",
                "R1:alpha",
                "R2:alpha",
                "R2:unknown-one",
                "R3:mid"
            ]
        );
        assert_eq!(
            by(SortKey::Resource),
            vec![
                "R2:alpha",
                "R1:alpha",
                "R3:mid",
                "R2:unknown-one",
                "R1:zeta"
            ]
        );
        assert_eq!(
            by(SortKey::Account),
            vec![
                "R1:zeta",
                "R2:alpha",
                "R2:unknown-one",
                "R1:alpha",
                "R3:mid"
            ]
        );
        for k in SortKey::ALL {
            assert_eq!(SortKey::from_value(k.value()), k);
        }
        assert_eq!(SortKey::from_value("bogus"), SortKey::Severity);
    }

    #[test]
    fn search_covers_rule_resource_and_message() {
        let r = report();
        let f = Filters::default();
        let hits = |q| names(&r, &visible(&r, &f, q, SortKey::Severity));
        assert_eq!(hits("zeta"), vec!["R1:zeta"]);
        assert_eq!(hits("r3-name"), vec!["R3:mid"]);
        assert_eq!(hits("title of r2"), vec!["R2:alpha", "R2:unknown-one"]);
        assert_eq!(hits("role/mid"), vec!["R3:mid"]);
        assert_eq!(hits("fails R1 alpha"), vec!["R1:alpha"]);
    }

    #[test]
    fn grouping_puts_headers_with_counts_and_collapses() {
        let r = report();
        let all = visible(&r, &Filters::default(), "", SortKey::Severity);
        let by_rule = rows(&r, &all, Grouping::Rule, &BTreeSet::new());
        let heads: Vec<(String, usize, Severity)> = by_rule
            .iter()
            .filter_map(|row| match row {
                Row::Group(g) => Some((g.key.clone(), g.count, g.worst)),
                Row::Finding(_) => None,
            })
            .collect();
        assert_eq!(
            heads,
            vec![
                ("R1".to_string(), 2, Severity::Critical),
                ("R2".to_string(), 2, Severity::High),
                ("R3".to_string(), 1, Severity::Medium)
            ]
        );
        assert_eq!(by_rule.len(), 8);
        // The grouped order follows the groups: R2's two findings sit together.
        assert_eq!(by_rule[4], Row::Finding(2));
        assert_eq!(by_rule[5], Row::Finding(4));

        let collapsed: BTreeSet<String> = ["R2".to_string()].into();
        let folded = rows(&r, &all, Grouping::Rule, &collapsed);
        assert_eq!(folded.len(), 6);
        assert!(matches!(&folded[3], Row::Group(g) if g.collapsed && g.count == 2));

        let by_res = rows(&r, &all, Grouping::Resource, &BTreeSet::new());
        let groups = by_res.iter().filter(|r| matches!(r, Row::Group(_))).count();
        assert_eq!(
            groups, 5,
            "one group per resource id (alpha is two roles in two accounts)"
        );
        assert_eq!(rows(&r, &all, Grouping::None, &collapsed).len(), 5);
        for g in Grouping::ALL {
            assert_eq!(Grouping::from_value(g.value()), g);
        }
    }

    #[test]
    fn arrow_steps_skip_headers() {
        let r = report();
        let all = visible(&r, &Filters::default(), "", SortKey::Severity);
        let grouped = rows(&r, &all, Grouping::Rule, &BTreeSet::new());
        let key = FindingKey::of(&r.findings[1]);
        assert_eq!(step(&r, &grouped, &key, true), Some(2));
        assert_eq!(step(&r, &grouped, &key, false), Some(0));
        let first = FindingKey::of(&r.findings[0]);
        assert_eq!(step(&r, &grouped, &first, false), None);
        assert_eq!(position(&grouped, 2), Some(4));
    }
}
