//! The report: findings in a deterministic order, per-input verdicts, a summary and coverage.
//! Field names here are a public contract (`--format json`, the web app's export); rename none.

use crate::model::{Evidence, Outcome, Severity};
use foldhash::{HashMap, HashMapExt};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Arc;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub tool: Tool,
    pub inputs: Vec<InputVerdict>,
    pub findings: Vec<Finding>,
    pub summary: Summary,
    pub coverage: Vec<RuleCoverage>,
    /// Per-framework control status and score (see `frameworks::summarize`).
    #[serde(default)]
    pub compliance: Vec<crate::frameworks::FrameworkSummary>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tool {
    pub name: String,
    pub version: String,
    pub rules: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InputStatus {
    Recognized,
    Ignored,
    Error,
}

/// What became of one input file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InputVerdict {
    pub name: String,
    /// Format id when recognised, otherwise null.
    pub format: Option<String>,
    pub status: InputStatus,
    pub resources: usize,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResourceRef {
    pub id: String,
    pub kind: String,
    pub name: String,
    pub account: Option<String>,
    pub region: Option<String>,
}

impl ResourceRef {
    /// The reference a finding or a drift entry carries for a resource.
    pub fn of(r: &crate::model::Resource) -> ResourceRef {
        ResourceRef {
            id: r.id.clone(),
            kind: r.kind.clone(),
            name: r.name.clone(),
            account: r.account.clone(),
            region: r.region.clone(),
        }
    }
}

/// What a finding says of its rule: made once per rule and shared by all of the rule's findings
/// (a rule can have tens of thousands). One pointer in a finding rather than five made each
/// finding 64 bytes smaller: 17 MB of a 100 MB authorization export's 266,850 findings.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RuleRef {
    pub id: String,
    pub name: String,
    pub title: String,
    pub service: String,
    pub frameworks: BTreeMap<String, Vec<String>>,
}

/// A failing or undecidable rule outcome on one resource. Passes are counted in the summary.
/// Serialises with the rule's fields among its own, as when each finding had its copy.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub rule: Arc<RuleRef>,
    pub severity: Severity,
    pub outcome: Outcome,
    /// Shared by all of the resource's findings.
    pub resource: Arc<ResourceRef>,
    pub message: String,
    pub evidence: Vec<Evidence>,
    /// Set when an auditor accepted the risk (see `accept`); the finding stays in the report.
    /// Boxed: most findings have none, and inline it would add 96 bytes to every one.
    pub accepted: Option<Box<AcceptedBy>>,
}

impl Finding {
    pub fn rule_id(&self) -> &str {
        &self.rule.id
    }

    pub fn rule_name(&self) -> &str {
        &self.rule.name
    }

    pub fn title(&self) -> &str {
        &self.rule.title
    }

    pub fn service(&self) -> &str {
        &self.rule.service
    }

    pub fn frameworks(&self) -> &BTreeMap<String, Vec<String>> {
        &self.rule.frameworks
    }
}

/// A finding as it is written: flat, in this field order.
#[derive(Serialize)]
struct FindingOut<'a> {
    rule_id: &'a str,
    rule_name: &'a str,
    title: &'a str,
    severity: Severity,
    outcome: Outcome,
    service: &'a str,
    resource: &'a ResourceRef,
    message: &'a str,
    evidence: &'a [Evidence],
    frameworks: &'a BTreeMap<String, Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    accepted: &'a Option<Box<AcceptedBy>>,
}

impl Serialize for Finding {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        FindingOut {
            rule_id: &self.rule.id,
            rule_name: &self.rule.name,
            title: &self.rule.title,
            severity: self.severity,
            outcome: self.outcome,
            service: &self.rule.service,
            resource: &self.resource,
            message: &self.message,
            evidence: &self.evidence,
            frameworks: &self.rule.frameworks,
            accepted: &self.accepted,
        }
        .serialize(serializer)
    }
}

/// A finding as it is read back: each with its own rule reference.
#[derive(Deserialize)]
struct FindingIn {
    rule_id: String,
    rule_name: String,
    title: String,
    severity: Severity,
    outcome: Outcome,
    service: String,
    resource: Arc<ResourceRef>,
    message: String,
    evidence: Vec<Evidence>,
    frameworks: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    accepted: Option<Box<AcceptedBy>>,
}

impl<'de> Deserialize<'de> for Finding {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Finding, D::Error> {
        let f = FindingIn::deserialize(deserializer)?;
        Ok(Finding {
            rule: Arc::new(RuleRef {
                id: f.rule_id,
                name: f.rule_name,
                title: f.title,
                service: f.service,
                frameworks: f.frameworks,
            }),
            severity: f.severity,
            outcome: f.outcome,
            resource: f.resource,
            message: f.message,
            evidence: f.evidence,
            accepted: f.accepted,
        })
    }
}

/// The acceptance that covers a finding, copied onto it so every export can show why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AcceptedBy {
    pub acceptance_id: String,
    pub reason: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// Last day (YYYY-MM-DD) the acceptance holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
}

impl Finding {
    /// A failure nobody has accepted: what exit codes, `failing_*` counts and "open" views mean.
    pub fn is_open_failure(&self) -> bool {
        self.outcome == Outcome::Fail && self.accepted.is_none()
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RuleCounts {
    pub fail: usize,
    pub pass: usize,
    pub unknown: usize,
    pub not_applicable: usize,
}

impl RuleCounts {
    pub fn add(&mut self, outcome: Outcome) {
        match outcome {
            Outcome::Fail => self.fail += 1,
            Outcome::Pass => self.pass += 1,
            Outcome::Unknown => self.unknown += 1,
            Outcome::NotApplicable => self.not_applicable += 1,
        }
    }

    pub fn merge(&mut self, other: &RuleCounts) {
        self.fail += other.fail;
        self.pass += other.pass;
        self.unknown += other.unknown;
        self.not_applicable += other.not_applicable;
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub resources: usize,
    pub rules_evaluated: usize,
    /// Outcome totals over every (rule, resource) pair evaluated.
    pub outcomes: RuleCounts,
    /// Failing findings by severity (every severity is present, zero or not). Here and in the
    /// other `failing_by_*` maps, accepted findings are left out: they are counted in `accepted`
    /// instead, so the headline numbers show what is still open.
    pub failing_by_severity: BTreeMap<String, usize>,
    pub failing_by_service: BTreeMap<String, usize>,
    pub failing_by_account: BTreeMap<String, usize>,
    pub by_rule: BTreeMap<String, RuleCounts>,
    /// Findings (failing or unknown) covered by an accepted risk. `outcomes` and `by_rule` still
    /// count them as the rule decided: acceptance changes what is open, not what is true.
    #[serde(default)]
    pub accepted: usize,
}

impl Summary {
    /// Recomputes the finding-derived counts (`failing_by_*`, `accepted`), for example after
    /// acceptances were applied.
    pub fn tally_findings(&mut self, findings: &[Finding]) {
        self.failing_by_severity = Severity::ALL
            .iter()
            .map(|s| (s.as_str().to_string(), 0))
            .collect();
        self.failing_by_service.clear();
        self.failing_by_account.clear();
        self.accepted = findings.iter().filter(|f| f.accepted.is_some()).count();
        for f in findings.iter().filter(|f| f.is_open_failure()) {
            *self
                .failing_by_severity
                .entry(f.severity.as_str().to_string())
                .or_default() += 1;
            *self
                .failing_by_service
                .entry(f.service().to_string())
                .or_default() += 1;
            *self
                .failing_by_account
                .entry(f.resource.account.clone().unwrap_or_else(|| "-".into()))
                .or_default() += 1;
        }
    }
}

/// Whether a rule could be evaluated at all, and what export would let it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RuleCoverage {
    pub rule_id: String,
    pub evaluated: bool,
    pub resources: usize,
    /// When not evaluated: the export that carries the resources the rule needs.
    pub missing_export: Option<String>,
    /// When evaluated but every outcome was unknown: the facts (attribute paths) the loaded
    /// exports lack, so the auditor knows what to ask the admin for.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub missing_facts: Vec<String>,
}

impl Report {
    /// One sentence per kind of gap, for the CLI and the web app: which rules could not be
    /// evaluated and what to load so they can.
    pub fn coverage_hints(&self) -> Vec<String> {
        let mut hints = Vec::new();
        let missing: Vec<&RuleCoverage> = self.coverage.iter().filter(|c| !c.evaluated).collect();
        if !missing.is_empty() {
            let mut exports: Vec<&str> = missing
                .iter()
                .filter_map(|c| c.missing_export.as_deref())
                .collect();
            exports.sort();
            exports.dedup();
            let list = exports
                .iter()
                .map(|e| format!("`{e}`"))
                .collect::<Vec<_>>()
                .join(", ");
            hints.push(format!(
                "{} rule{} not evaluable: run collectors/aws.sh{}",
                missing.len(),
                if missing.len() == 1 { "" } else { "s" },
                if list.is_empty() {
                    String::new()
                } else {
                    format!(", or add the output of {list}")
                }
            ));
        }
        let blind: Vec<&RuleCoverage> = self
            .coverage
            .iter()
            .filter(|c| c.evaluated && !c.missing_facts.is_empty())
            .collect();
        if !blind.is_empty() {
            let mut facts: Vec<&str> = blind
                .iter()
                .flat_map(|c| c.missing_facts.iter().map(String::as_str))
                .collect();
            facts.sort();
            facts.dedup();
            hints.push(format!(
                "{} rule{} could only answer unknown: the loaded exports lack {}; collectors/aws.sh gathers them",
                blind.len(),
                if blind.len() == 1 { "" } else { "s" },
                facts
                    .iter()
                    .map(|f| format!("`{f}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        hints
    }
}

impl Report {
    /// Open (failing, not accepted) findings at or above `threshold`.
    pub fn failing_at_least(&self, threshold: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.is_open_failure() && f.severity.at_least(threshold))
            .count()
    }

    /// Pretty JSON with a trailing newline; byte-identical for identical inputs.
    pub fn to_json(&self) -> String {
        pretty_json(self)
    }
}

/// Pretty JSON with a trailing newline, the form every JSON output of the engine takes.
pub fn pretty_json<T: Serialize + ?Sized>(value: &T) -> String {
    let mut s =
        serde_json::to_string_pretty(value).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    s.push('\n');
    s
}

/// Orders findings: failures first, then severity, rule and resource; findings alike keep
/// their order. Their positions are sorted, and the findings then moved into place: a stable
/// sort of the findings themselves borrowed room for half of them (18 MB of the 100 MB
/// bundle's 257,000), at the end of a scan whose memory is at its height.
///
/// The positions are first gathered by (outcome, severity, rule), which a scan produces in long
/// runs (rule by rule), and only each group is sorted, by resource: one comparison of every
/// key per finding sorted 257,000 findings in 134 ms, mostly comparing rule ids that were equal.
pub fn sort_findings(findings: &mut [Finding]) {
    /// Failures first, then severity and rule.
    type Key<'a> = (bool, Severity, &'a str);
    fn key(f: &Finding) -> Key<'_> {
        (f.outcome != Outcome::Fail, f.severity, f.rule_id())
    }
    let mut groups: Vec<(Key, Vec<usize>)> = Vec::new();
    let mut by_key: HashMap<Key, usize> = HashMap::new();
    let mut last: Option<usize> = None;
    for (i, f) in findings.iter().enumerate() {
        let k = key(f);
        let g = match last.filter(|&g| groups[g].0 == k) {
            Some(g) => g,
            None => *by_key.entry(k).or_insert_with(|| {
                groups.push((k, Vec::new()));
                groups.len() - 1
            }),
        };
        groups[g].1.push(i);
        last = Some(g);
    }
    groups.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let mut order: Vec<usize> = Vec::with_capacity(findings.len());
    for (_, mut members) in groups {
        // Stable, and the positions start ascending: findings alike keep their order.
        members.sort_by(|&a, &b| findings[a].resource.id.cmp(&findings[b].resource.id));
        order.extend(members);
    }
    permute(findings, &mut order);
}

/// Moves `items[order[i]]` to position `i`, for every `i`, by following each cycle of the
/// permutation with swaps; `order` is left as the identity.
fn permute<T>(items: &mut [T], order: &mut [usize]) {
    for start in 0..items.len() {
        let mut at = start;
        while order[at] != at {
            let from = order[at];
            order[at] = at;
            if from == start {
                break;
            }
            items.swap(at, from);
            at = from;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Failures first, then severity, rule and resource, and findings alike in the order they
    /// came: what a stable sort on those keys gives.
    #[test]
    fn findings_sort_as_a_stable_sort_would() {
        let mut findings = Vec::new();
        for i in 0..40usize {
            let severity = ["critical", "high", "low"][i % 5 % 3];
            let outcome = ["fail", "unknown"][i % 7 % 2];
            let f: Finding = serde_json::from_value(serde_json::json!({
                "rule_id": format!("R{}", i % 3), "rule_name": "r", "title": "t",
                "severity": severity, "outcome": outcome, "service": "iam",
                "resource": {"id": format!("arn:aws:iam::123456789012:role/r{}", i % 4),
                             "kind": "aws.iam.role", "name": "r", "account": null, "region": null},
                "message": i.to_string(), "evidence": [], "frameworks": {}
            }))
            .expect("a finding");
            findings.push(f);
        }
        // As interleaved as they come, and rule by rule, as a scan produces them.
        let mut by_rule = findings.clone();
        by_rule.sort_by(|a, b| a.rule_id().cmp(b.rule_id()));
        for findings in [findings, by_rule] {
            sorts_as_a_stable_sort_would(findings);
        }
    }

    fn sorts_as_a_stable_sort_would(mut findings: Vec<Finding>) {
        let mut stable = findings.clone();
        stable.sort_by(|a, b| {
            let key = |f: &Finding| {
                (
                    f.outcome != Outcome::Fail,
                    f.severity,
                    f.rule_id().to_string(),
                    f.resource.id.clone(),
                )
            };
            key(a).cmp(&key(b))
        });
        sort_findings(&mut findings);
        let order = |fs: &[Finding]| fs.iter().map(|f| f.message.clone()).collect::<Vec<_>>();
        assert_eq!(order(&findings), order(&stable));
    }

    /// Every permutation of five items, as `order` gives it, lands each item where it says.
    #[test]
    fn permute_moves_each_item_to_its_place() {
        let mut orders = vec![vec![]];
        for n in 0..5usize {
            orders = orders
                .into_iter()
                .flat_map(|o: Vec<usize>| {
                    (0..=n).map(move |at| {
                        let mut o = o.clone();
                        o.insert(at, n);
                        o
                    })
                })
                .collect();
        }
        assert_eq!(orders.len(), 120);
        for order in orders {
            let mut items: Vec<char> = "abcde".chars().collect();
            let want: Vec<char> = order.iter().map(|&i| items[i]).collect();
            let mut order = order.clone();
            permute(&mut items, &mut order);
            assert_eq!(items, want);
            assert!(order.iter().enumerate().all(|(i, &o)| i == o));
        }
    }

    /// Findings share their rule's metadata in memory; stored reports (the web app's, drift's
    /// baselines) still read back, and write out byte for byte as before.
    #[test]
    fn shared_rule_metadata_reads_and_writes_as_plain_fields() {
        let text = r#"{
  "rule_id": "STRAT-AWS-IAM-001",
  "rule_name": "iam-root-access-keys",
  "title": "Root has access keys",
  "severity": "critical",
  "outcome": "fail",
  "service": "iam",
  "resource": {
    "id": "arn:aws:iam::123456789012:root",
    "kind": "aws.account",
    "name": "root",
    "account": "123456789012",
    "region": null
  },
  "message": "root has keys",
  "evidence": [],
  "frameworks": {
    "cis-aws-5.0": [
      "1.3"
    ]
  }
}"#;
        let finding: Finding = serde_json::from_str(text).expect("reads");
        assert_eq!(finding.rule_id(), "STRAT-AWS-IAM-001");
        assert_eq!(finding.frameworks()["cis-aws-5.0"], vec!["1.3".to_string()]);
        assert_eq!(pretty_json(&finding), format!("{text}\n"));
        let copy = finding.clone();
        assert!(Arc::ptr_eq(&copy.rule, &finding.rule));
    }
}
