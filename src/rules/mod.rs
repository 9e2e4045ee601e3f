//! Rules: one TOML file each, holding metadata, a declarative check, the explanation an auditor
//! reads, remediation, references and inline fixtures. The same parser loads the built-in pack
//! and users' own rule files, in the browser and in the CLI.

pub mod check;
pub mod functions;

use crate::model::{Outcome, Severity};
use check::{CheckError, Cond};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt;

/// The explanation sections, in the order every front end shows them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Explanation {
    pub what: String,
    pub why: String,
    pub shared_responsibility: String,
    pub least_privilege: String,
    pub fix: String,
    pub exceptions: String,
}

impl Explanation {
    /// (key, heading, text) in display order.
    pub fn sections(&self) -> [(&'static str, &'static str, &str); 6] {
        [
            ("what", "What is wrong", &self.what),
            ("why", "Why it matters", &self.why),
            (
                "shared_responsibility",
                "Shared responsibility",
                &self.shared_responsibility,
            ),
            (
                "least_privilege",
                "Least-privilege alternative",
                &self.least_privilege,
            ),
            ("fix", "How to fix", &self.fix),
            ("exceptions", "When it may be acceptable", &self.exceptions),
        ]
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Remediation {
    pub console: String,
    pub cli: String,
    pub terraform: String,
}

/// An inline test case: an export document and the outcome expected for named resources.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fixture {
    pub name: String,
    /// The export, as JSON text, exactly as the CLI would print it.
    pub input: String,
    /// Resource id → expected outcome.
    pub expect: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    id: String,
    name: String,
    title: String,
    severity: String,
    provider: String,
    service: String,
    resource_kinds: Vec<String>,
    categories: Vec<String>,
    #[serde(default)]
    frameworks: BTreeMap<String, Vec<String>>,
    message: String,
    #[serde(default)]
    parameters: BTreeMap<String, toml::Value>,
    #[serde(default)]
    applies_if: Option<toml::Value>,
    check: RawCheck,
    explanation: Explanation,
    remediation: Remediation,
    references: Vec<String>,
    #[serde(default)]
    fixtures: Vec<Fixture>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCheck {
    fail_if: toml::Value,
}

/// A parsed rule.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    pub id: String,
    pub name: String,
    pub title: String,
    pub severity: Severity,
    pub provider: String,
    pub service: String,
    pub resource_kinds: Vec<String>,
    pub categories: Vec<String>,
    pub frameworks: BTreeMap<String, Vec<String>>,
    /// Finding message template: `{name}`, `{id}`, `{account}`, `{details}`, or `{attr.path}`.
    pub message: String,
    pub parameters: BTreeMap<String, Value>,
    /// When present and false for a resource, the outcome is `not_applicable`.
    pub applies_if: Option<Cond>,
    /// The failing condition: true → fail, false → pass, unknown → unknown.
    pub fail_if: Cond,
    pub explanation: Explanation,
    pub remediation: Remediation,
    pub references: Vec<String>,
    pub fixtures: Vec<Fixture>,
    /// Where the rule was loaded from (`aws/iam/x.toml`, or a user's file name).
    pub origin: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleError {
    pub origin: String,
    pub message: String,
}

impl fmt::Display for RuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.origin, self.message)
    }
}

impl std::error::Error for RuleError {}

impl RuleError {
    fn new(origin: &str, message: String) -> RuleError {
        RuleError {
            origin: origin.to_string(),
            message,
        }
    }
}

impl Rule {
    /// Parses one rule file. `origin` names it in errors.
    pub fn parse(origin: &str, text: &str) -> Result<Rule, RuleError> {
        let raw: RawRule = toml::from_str(text)
            .map_err(|err| RuleError::new(origin, err.to_string().trim_end().to_string()))?;
        Rule::from_raw(origin, raw)
    }

    /// Parses a rule that build.rs turned from TOML into JSON (see `pack::builtin_lean`): the
    /// same fields and checks, read several times faster than TOML.
    pub fn parse_json(origin: &str, text: &str) -> Result<Rule, RuleError> {
        let raw: RawRule =
            serde_json::from_str(text).map_err(|err| RuleError::new(origin, err.to_string()))?;
        Rule::from_raw(origin, raw)
    }

    fn from_raw(origin: &str, raw: RawRule) -> Result<Rule, RuleError> {
        let e = |message: String| RuleError::new(origin, message);
        let severity = Severity::parse(&raw.severity).ok_or_else(|| {
            e(format!(
                "severity {:?} is not one of critical, high, medium, low, info",
                raw.severity
            ))
        })?;
        let check_err = |c: CheckError| e(c.to_string());
        let fail_if = check::parse(&raw.check.fail_if, "check.fail_if", functions::NAMES)
            .map_err(check_err)?;
        let applies_if = raw
            .applies_if
            .as_ref()
            .map(|c| check::parse(c, "applies_if", functions::NAMES))
            .transpose()
            .map_err(check_err)?;
        let parameters: BTreeMap<String, Value> = raw
            .parameters
            .iter()
            .map(|(k, v)| (k.clone(), check::toml_to_json(v)))
            .collect();
        for name in params_used(&fail_if)
            .into_iter()
            .chain(applies_if.as_ref().map(params_used).unwrap_or_default())
        {
            if !parameters.contains_key(&name) {
                return Err(e(format!(
                    "check uses parameter {name:?}, which [parameters] does not define"
                )));
            }
        }
        for f in &raw.fixtures {
            for (resource, outcome) in &f.expect {
                if Outcome::parse(outcome).is_none() {
                    return Err(e(format!("fixture {:?}: outcome {outcome:?} for {resource} is not fail, pass, unknown or not_applicable", f.name)));
                }
            }
        }
        Ok(Rule {
            id: raw.id,
            name: raw.name,
            title: raw.title,
            severity,
            provider: raw.provider,
            service: raw.service,
            resource_kinds: raw.resource_kinds,
            categories: raw.categories,
            frameworks: raw.frameworks,
            message: raw.message,
            parameters,
            applies_if,
            fail_if,
            explanation: raw.explanation,
            remediation: raw.remediation,
            references: raw.references,
            fixtures: raw.fixtures,
            origin: origin.to_string(),
        })
    }
}

fn params_used(c: &Cond) -> Vec<String> {
    match c {
        Cond::All(items) | Cond::Any(items) => items.iter().flat_map(params_used).collect(),
        Cond::Not(inner) | Cond::Some { cond: inner, .. } | Cond::Every { cond: inner, .. } => {
            params_used(inner)
        }
        Cond::Leaf {
            operand: check::Operand::Param(p),
            ..
        } => vec![p.clone()],
        Cond::Leaf { .. } | Cond::Func { .. } => Vec::new(),
    }
}

/// A set of rules, ordered by id.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RulePack {
    pub rules: Vec<Rule>,
}

impl RulePack {
    /// Builds a pack from (origin, text) pairs, collecting every error rather than the first, so
    /// a rule author sees all problems at once. Duplicate ids and names are errors.
    pub fn from_sources<'a>(
        sources: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<RulePack, Vec<RuleError>> {
        RulePack::from_parsed(
            sources
                .into_iter()
                .map(|(origin, text)| Rule::parse(origin, text)),
        )
    }

    /// [`RulePack::from_sources`] over rules parsed already, in whatever form they came.
    pub fn from_parsed(
        parsed: impl IntoIterator<Item = Result<Rule, RuleError>>,
    ) -> Result<RulePack, Vec<RuleError>> {
        let mut rules = Vec::new();
        let mut errors = Vec::new();
        for rule in parsed {
            match rule {
                Ok(rule) => rules.push(rule),
                Err(e) => errors.push(e),
            }
        }
        let mut pack = RulePack { rules };
        if let Err(mut dupes) = pack.add(Vec::new()) {
            errors.append(&mut dupes);
        }
        if errors.is_empty() {
            Ok(pack)
        } else {
            Err(errors)
        }
    }

    /// Adds rules (for example a user's own files), keeping ids and names unique.
    pub fn add(&mut self, more: Vec<Rule>) -> Result<(), Vec<RuleError>> {
        self.rules.extend(more);
        self.rules.sort_by(|a, b| a.id.cmp(&b.id));
        let mut errors = Vec::new();
        for pair in self.rules.windows(2) {
            if pair[0].id == pair[1].id {
                errors.push(RuleError {
                    origin: pair[1].origin.clone(),
                    message: format!("id {} is also used by {}", pair[1].id, pair[0].origin),
                });
            }
        }
        let mut names: BTreeMap<&str, &str> = BTreeMap::new();
        for r in &self.rules {
            if let Some(other) = names.insert(&r.name, &r.origin) {
                errors.push(RuleError {
                    origin: r.origin.clone(),
                    message: format!("name {} is also used by {other}", r.name),
                });
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    pub fn get(&self, id_or_name: &str) -> Option<&Rule> {
        self.rules
            .iter()
            .find(|r| r.id.eq_ignore_ascii_case(id_or_name) || r.name == id_or_name)
    }
}
