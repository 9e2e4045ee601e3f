//! The report: findings in a deterministic order, per-input verdicts, a summary and coverage.
//! Field names here are a public contract (`--format json`, the web app's export); rename none.

use crate::model::{Evidence, Outcome, Severity};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

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

/// A failing or undecidable rule outcome on one resource. Passes are counted in the summary.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    pub rule_id: String,
    pub rule_name: String,
    pub title: String,
    pub severity: Severity,
    pub outcome: Outcome,
    pub service: String,
    pub resource: ResourceRef,
    pub message: String,
    pub evidence: Vec<Evidence>,
    pub frameworks: BTreeMap<String, Vec<String>>,
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
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub resources: usize,
    pub rules_evaluated: usize,
    /// Outcome totals over every (rule, resource) pair evaluated.
    pub outcomes: RuleCounts,
    /// Failing findings by severity (every severity is present, zero or not).
    pub failing_by_severity: BTreeMap<String, usize>,
    pub failing_by_service: BTreeMap<String, usize>,
    pub failing_by_account: BTreeMap<String, usize>,
    pub by_rule: BTreeMap<String, RuleCounts>,
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
    /// Failing findings at or above `threshold`.
    pub fn failing_at_least(&self, threshold: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.outcome == Outcome::Fail && f.severity.at_least(threshold))
            .count()
    }

    /// Pretty JSON with a trailing newline; byte-identical for identical inputs.
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self)
            .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
        s.push('\n');
        s
    }
}

/// Orders findings: severity, then rule, then resource, then outcome.
pub fn sort_findings(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        (
            a.outcome != Outcome::Fail,
            a.severity,
            &a.rule_id,
            &a.resource.id,
        )
            .cmp(&(
                b.outcome != Outcome::Fail,
                b.severity,
                &b.rule_id,
                &b.resource.id,
            ))
    });
}
