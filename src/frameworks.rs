//! Compliance frameworks as data (`policies/frameworks/*.toml`) and the per-framework compliance
//! summary of a report.
//!
//! A framework file lists controls and says, for each, whether exported configuration can decide
//! it (`config`), whether it needs a person (`manual`, with the `check` to perform) or whether no
//! export can decide it (`not_evaluable`, with the `reason`). Which rules automate a `config`
//! control is not written here: each rule declares the controls it covers in its own
//! `[frameworks]` table, so adding a rule never means editing a framework file. A `config` control
//! that no rule cites yet is reported as `no_rule`, visibly, rather than hidden or counted as met.

use crate::pack;
use crate::report::Report;
use crate::rules::{RuleError, RulePack};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

/// How a control can be decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decidability {
    Config,
    Manual,
    NotEvaluable,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Control {
    pub id: String,
    /// Our own short wording: benchmark prose is copyrighted.
    pub title: String,
    /// Benchmark section, or the service for Security Hub controls.
    pub section: String,
    /// CIS profile level, where the framework has levels.
    pub level: Option<u8>,
    pub decidability: Decidability,
    /// For manual controls: what the auditor verifies.
    pub check: Option<String>,
    /// For controls no export can decide: why.
    pub reason: Option<String>,
    /// False for controls listed only so rules can cite their ids (for example Security Hub
    /// controls that belong to another standard); they are summarised but not scored.
    pub in_standard: bool,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Framework {
    pub id: String,
    pub name: String,
    pub version: String,
    pub source: String,
    pub note: String,
    pub controls: Vec<Control>,
    /// Where the framework was loaded from (`frameworks/fsbp.toml`).
    pub origin: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFramework {
    id: String,
    name: String,
    version: String,
    source: String,
    note: String,
    controls: Vec<RawControl>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawControl {
    id: String,
    title: String,
    section: String,
    #[serde(default)]
    level: Option<u8>,
    status: String,
    #[serde(default)]
    check: Option<String>,
    #[serde(default)]
    reason: Option<String>,
    #[serde(default)]
    in_standard: Option<bool>,
    #[serde(default)]
    note: Option<String>,
}

/// 1-based line of the `index`-th `[[controls]]` header, so semantic errors point into the file
/// the way TOML syntax errors do.
fn control_line(text: &str, index: usize) -> Option<usize> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| l.trim() == "[[controls]]")
        .nth(index)
        .map(|(n, _)| n + 1)
}

impl Framework {
    /// Parses and validates one framework file. `origin` names it in errors.
    pub fn parse(origin: &str, text: &str) -> Result<Framework, RuleError> {
        let err = |message: String| RuleError {
            origin: origin.to_string(),
            message,
        };
        let raw: RawFramework =
            toml::from_str(text).map_err(|e| err(e.to_string().trim_end().to_string()))?;
        for (key, value) in [
            ("id", &raw.id),
            ("name", &raw.name),
            ("version", &raw.version),
        ] {
            if value.trim().is_empty() {
                return Err(err(format!("`{key}` is empty")));
            }
        }
        if !raw.source.starts_with("https://") {
            return Err(err(format!("source {:?} is not an https URL", raw.source)));
        }
        if raw.controls.is_empty() {
            return Err(err("no [[controls]]".into()));
        }
        let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
        let mut controls = Vec::with_capacity(raw.controls.len());
        for (i, c) in raw.controls.iter().enumerate() {
            let at = |message: String| {
                let line = control_line(text, i)
                    .map(|n| format!("line {n}: "))
                    .unwrap_or_default();
                err(format!("{line}controls[{i}] ({}): {message}", c.id))
            };
            if c.id.trim().is_empty() || c.title.trim().is_empty() || c.section.trim().is_empty() {
                return Err(at("id, title and section must not be empty".into()));
            }
            if let Some(first) = seen.insert(&c.id, i) {
                return Err(at(format!("id {} is also used by controls[{first}]", c.id)));
            }
            if c.level.is_some_and(|l| !(1..=2).contains(&l)) {
                return Err(at("level must be 1 or 2".into()));
            }
            let non_empty = |s: &Option<String>| s.as_deref().is_some_and(|s| !s.trim().is_empty());
            let decidability = match c.status.as_str() {
                "config" => {
                    if c.check.is_some() || c.reason.is_some() {
                        return Err(at(
                            "a `config` control takes no `check` or `reason`: the rules that cite it decide it".into(),
                        ));
                    }
                    Decidability::Config
                }
                "manual" if non_empty(&c.check) && c.reason.is_none() => Decidability::Manual,
                "manual" => {
                    return Err(at(
                        "a `manual` control needs a `check` (what the auditor verifies) and no `reason`".into(),
                    ))
                }
                "not_evaluable" if non_empty(&c.reason) && c.check.is_none() => {
                    Decidability::NotEvaluable
                }
                "not_evaluable" => {
                    return Err(at(
                        "a `not_evaluable` control needs a `reason` (why no export decides it) and no `check`".into(),
                    ))
                }
                other => {
                    return Err(at(format!(
                        "status {other:?} is not one of config, manual, not_evaluable"
                    )))
                }
            };
            controls.push(Control {
                id: c.id.clone(),
                title: c.title.clone(),
                section: c.section.clone(),
                level: c.level,
                decidability,
                check: c.check.clone(),
                reason: c.reason.clone(),
                in_standard: c.in_standard.unwrap_or(true),
                note: c.note.clone(),
            });
        }
        Ok(Framework {
            id: raw.id,
            name: raw.name,
            version: raw.version,
            source: raw.source,
            note: raw.note,
            controls,
            origin: origin.to_string(),
        })
    }

    pub fn control(&self, id: &str) -> Option<&Control> {
        self.controls.iter().find(|c| c.id == id)
    }

    /// Rule ids that cite each control of this framework, in rule-id order.
    pub fn rules_by_control<'a>(&self, pack: &'a RulePack) -> BTreeMap<String, Vec<&'a str>> {
        let mut map: BTreeMap<String, Vec<&str>> = BTreeMap::new();
        for rule in &pack.rules {
            for control in rule.frameworks.get(&self.id).into_iter().flatten() {
                map.entry(control.clone()).or_default().push(&rule.id);
            }
        }
        map
    }
}

/// Parses framework files, collecting every error; framework ids must be unique.
pub fn from_sources<'a>(
    sources: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Result<Vec<Framework>, Vec<RuleError>> {
    let mut frameworks: Vec<Framework> = Vec::new();
    let mut errors = Vec::new();
    for (origin, text) in sources {
        match Framework::parse(origin, text) {
            Ok(f) => match frameworks.iter().find(|other| other.id == f.id) {
                Some(other) => errors.push(RuleError {
                    origin: origin.to_string(),
                    message: format!("framework id {} is also used by {}", f.id, other.origin),
                }),
                None => frameworks.push(f),
            },
            Err(e) => errors.push(e),
        }
    }
    frameworks.sort_by(|a, b| a.id.cmp(&b.id));
    if errors.is_empty() {
        Ok(frameworks)
    } else {
        Err(errors)
    }
}

/// The built-in frameworks. Validated by the test suite, so an error here is a broken build;
/// callers still get the errors rather than a panic.
pub fn builtin() -> Result<Vec<Framework>, Vec<RuleError>> {
    from_sources(pack::framework_sources())
}

/// The built-in frameworks, parsed once per process (every report summarises against them). A
/// broken built-in file yields no frameworks here; `builtin()` reports why.
pub fn builtin_cached() -> &'static [Framework] {
    static CACHE: OnceLock<Vec<Framework>> = OnceLock::new();
    CACHE.get_or_init(|| builtin().unwrap_or_default())
}

/// A control's result in one report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ControlStatus {
    Fail,
    Unknown,
    Pass,
    Manual,
    NotEvaluable,
    /// Decidable from configuration, but no rule in the pack automates it yet.
    NoRule,
}

impl ControlStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ControlStatus::Fail => "fail",
            ControlStatus::Unknown => "unknown",
            ControlStatus::Pass => "pass",
            ControlStatus::Manual => "manual",
            ControlStatus::NotEvaluable => "not_evaluable",
            ControlStatus::NoRule => "no_rule",
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ControlCounts {
    pub pass: usize,
    pub fail: usize,
    pub unknown: usize,
    pub manual: usize,
    pub not_evaluable: usize,
    pub no_rule: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ControlResult {
    pub id: String,
    pub title: String,
    pub section: String,
    pub status: ControlStatus,
    /// Rules that automate the control.
    pub rules: Vec<String>,
    /// Failing and undecidable findings of those rules.
    pub failing: usize,
    pub unknown: usize,
    pub in_standard: bool,
    /// For manual controls: what the auditor verifies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check: Option<String>,
    /// For controls no export can decide: why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// One framework's compliance in a report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FrameworkSummary {
    pub framework: String,
    pub name: String,
    pub version: String,
    /// Controls by status, counting only controls that belong to the standard (`in_standard`).
    pub counts: ControlCounts,
    /// passed / (passed + failed + unknown) over the standard's controls; manual, not-evaluable
    /// and no-rule controls are left out because nothing was measured for them, and unknown
    /// counts against the score because an unproven control is not a met one. A fraction
    /// between 0 and 1, rounded to four decimals; null when no control could be measured.
    pub score: Option<f64>,
    pub controls: Vec<ControlResult>,
}

/// The ids of the rules that had resources to evaluate in `report`'s inputs: a control none of
/// whose rules is among them is not evaluated, never passed.
pub(crate) fn evaluated_rules(report: &Report) -> BTreeSet<&str> {
    report
        .coverage
        .iter()
        .filter(|c| c.evaluated)
        .map(|c| c.rule_id.as_str())
        .collect()
}

/// Summarises `report` against one framework. Semantics per `config` control: fail if any rule
/// that automates it has a failing finding; otherwise unknown if any of them was not evaluated
/// (no resources of its kind in the inputs) or has undecidable outcomes; otherwise pass (every
/// rule evaluated, only pass and not-applicable outcomes).
pub fn summarize(framework: &Framework, report: &Report, pack: &RulePack) -> FrameworkSummary {
    let rules = framework.rules_by_control(pack);
    let evaluated = evaluated_rules(report);
    let mut counts = ControlCounts::default();
    let mut controls = Vec::with_capacity(framework.controls.len());
    for control in &framework.controls {
        let ids: Vec<&str> = rules.get(&control.id).cloned().unwrap_or_default();
        let outcome = |id: &str| report.summary.by_rule.get(id).cloned().unwrap_or_default();
        let failing: usize = ids.iter().map(|id| outcome(id).fail).sum();
        let unknown: usize = ids.iter().map(|id| outcome(id).unknown).sum();
        let status = match control.decidability {
            Decidability::Manual => ControlStatus::Manual,
            Decidability::NotEvaluable => ControlStatus::NotEvaluable,
            Decidability::Config if ids.is_empty() => ControlStatus::NoRule,
            Decidability::Config if failing > 0 => ControlStatus::Fail,
            Decidability::Config if unknown > 0 || ids.iter().any(|id| !evaluated.contains(id)) => {
                ControlStatus::Unknown
            }
            Decidability::Config => ControlStatus::Pass,
        };
        if control.in_standard {
            let slot = match status {
                ControlStatus::Pass => &mut counts.pass,
                ControlStatus::Fail => &mut counts.fail,
                ControlStatus::Unknown => &mut counts.unknown,
                ControlStatus::Manual => &mut counts.manual,
                ControlStatus::NotEvaluable => &mut counts.not_evaluable,
                ControlStatus::NoRule => &mut counts.no_rule,
            };
            *slot += 1;
        }
        controls.push(ControlResult {
            id: control.id.clone(),
            title: control.title.clone(),
            section: control.section.clone(),
            status,
            rules: ids.iter().map(|s| s.to_string()).collect(),
            failing,
            unknown,
            in_standard: control.in_standard,
            check: control.check.clone(),
            reason: control.reason.clone(),
        });
    }
    let measured = counts.pass + counts.fail + counts.unknown;
    FrameworkSummary {
        framework: framework.id.clone(),
        name: framework.name.clone(),
        version: framework.version.clone(),
        // Four decimals: short enough that every JSON parser reads back the same f64, so the
        // report round-trips byte for byte (the web worker hands it to the page as JSON).
        score: (measured > 0)
            .then(|| (counts.pass as f64 / measured as f64 * 10_000.0).round() / 10_000.0),
        counts,
        controls,
    }
}

/// Summaries for every built-in framework, in framework-id order.
pub fn compliance(report: &Report, pack: &RulePack) -> Vec<FrameworkSummary> {
    builtin_cached()
        .iter()
        .map(|f| summarize(f, report, pack))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{RuleCounts, RuleCoverage};

    const FW: &str = r#"
id = "demo"
name = "Demo benchmark"
version = "1.0"
source = "https://example.com/demo"
note = "Titles are our own."

[[controls]]
id = "1.1"
title = "Failing control"
section = "1 Identity"
status = "config"

[[controls]]
id = "1.2"
title = "Unknown because one rule saw no resources"
section = "1 Identity"
status = "config"

[[controls]]
id = "1.3"
title = "Passing control"
section = "1 Identity"
level = 2
status = "config"

[[controls]]
id = "1.4"
title = "Nobody automates this yet"
section = "1 Identity"
status = "config"

[[controls]]
id = "1.5"
title = "A person checks this"
section = "1 Identity"
status = "manual"
check = "Look at the thing."

[[controls]]
id = "1.6"
title = "Nothing exports this"
section = "1 Identity"
status = "not_evaluable"
reason = "Lives outside the cloud."

[[controls]]
id = "X.1"
title = "Listed for citing only"
section = "Other"
status = "config"
in_standard = false
"#;

    fn rule(id: &str, controls: &[&str]) -> crate::Rule {
        let text = format!(
            r#"
id = "{id}"
name = "{name}"
title = "t"
severity = "low"
provider = "aws"
service = "iam"
resource_kinds = ["aws.iam.user"]
categories = ["identity"]
message = "m"
references = ["https://example.com"]
[frameworks]
demo = [{controls}]
[check]
fail_if = {{ path = "x", eq = true }}
[explanation]
what = "w"
why = "w"
shared_responsibility = "w"
least_privilege = "w"
fix = "w"
exceptions = "w"
[remediation]
console = "c"
cli = "c"
terraform = "c"
"#,
            name = id.to_ascii_lowercase(),
            controls = controls
                .iter()
                .map(|c| format!("{c:?}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        crate::Rule::parse(id, &text).expect("test rule parses")
    }

    fn report(outcomes: &[(&str, bool, RuleCounts)]) -> Report {
        let mut r = crate::analyze(&[], &RulePack::default(), &crate::Options::default());
        for (id, evaluated, counts) in outcomes {
            r.coverage.push(RuleCoverage {
                rule_id: id.to_string(),
                evaluated: *evaluated,
                resources: usize::from(*evaluated),
                missing_export: None,
                missing_facts: Vec::new(),
            });
            if *evaluated {
                r.summary.by_rule.insert(id.to_string(), counts.clone());
            }
        }
        r
    }

    fn counts(fail: usize, pass: usize, unknown: usize, na: usize) -> RuleCounts {
        RuleCounts {
            fail,
            pass,
            unknown,
            not_applicable: na,
        }
    }

    #[test]
    fn control_status_follows_the_automating_rules() {
        let fw = Framework::parse("demo.toml", FW).expect("parses");
        let pack = RulePack {
            rules: vec![
                rule("R-1", &["1.1", "1.2"]),
                rule("R-2", &["1.1", "1.3"]),
                rule("R-3", &["1.2"]),
                rule("R-4", &["X.1"]),
            ],
        };
        let r = report(&[
            ("R-1", true, counts(2, 1, 1, 0)),
            ("R-2", true, counts(0, 3, 0, 2)),
            ("R-3", false, RuleCounts::default()),
            ("R-4", true, counts(1, 0, 0, 0)),
        ]);
        let s = summarize(&fw, &r, &pack);
        let by_id: BTreeMap<&str, &ControlResult> =
            s.controls.iter().map(|c| (c.id.as_str(), c)).collect();
        assert_eq!(by_id["1.1"].status, ControlStatus::Fail);
        assert_eq!(by_id["1.1"].rules, vec!["R-1", "R-2"]);
        assert_eq!((by_id["1.1"].failing, by_id["1.1"].unknown), (2, 1));
        // R-3 saw no resources, but R-1's failure already decides 1.2.
        assert_eq!(by_id["1.2"].status, ControlStatus::Fail);
        assert_eq!(by_id["1.3"].status, ControlStatus::Pass);
        assert_eq!(by_id["1.4"].status, ControlStatus::NoRule);
        assert_eq!(by_id["1.5"].status, ControlStatus::Manual);
        assert_eq!(by_id["1.5"].check.as_deref(), Some("Look at the thing."));
        assert_eq!(by_id["1.6"].status, ControlStatus::NotEvaluable);
        assert_eq!(by_id["X.1"].status, ControlStatus::Fail);
        assert!(!by_id["X.1"].in_standard);
        // X.1 is outside the standard: neither counted nor scored.
        assert_eq!(
            s.counts,
            ControlCounts {
                pass: 1,
                fail: 2,
                unknown: 0,
                manual: 1,
                not_evaluable: 1,
                no_rule: 1
            }
        );
        assert_eq!(s.score, Some(0.3333));
        let json = serde_json::to_string(&s).expect("serialises");
        let back: FrameworkSummary = serde_json::from_str(&json).expect("deserialises");
        assert_eq!(back, s, "the summary round-trips through JSON exactly");
    }

    #[test]
    fn unevaluated_or_undecided_rules_make_a_control_unknown_not_pass() {
        let fw = Framework::parse("demo.toml", FW).expect("parses");
        let pack = RulePack {
            rules: vec![
                rule("R-1", &["1.1"]),
                rule("R-2", &["1.3"]),
                rule("R-3", &["1.3"]),
            ],
        };
        let r = report(&[
            ("R-1", true, counts(0, 4, 1, 0)),
            ("R-2", true, counts(0, 0, 0, 3)),
            ("R-3", false, RuleCounts::default()),
        ]);
        let s = summarize(&fw, &r, &pack);
        let status = |id: &str| s.controls.iter().find(|c| c.id == id).map(|c| c.status);
        assert_eq!(status("1.1"), Some(ControlStatus::Unknown));
        assert_eq!(status("1.3"), Some(ControlStatus::Unknown));
        assert_eq!(s.score, Some(0.0));
        // Nothing measured at all: no score rather than a fake 0 or 100 %.
        let empty = summarize(&fw, &report(&[]), &RulePack::default());
        assert_eq!(empty.score, None);
        assert_eq!(empty.counts.no_rule, 4);
    }

    #[test]
    fn errors_name_the_file_the_line_and_the_control() {
        let bad_status = FW.replacen("status = \"config\"", "status = \"automatic\"", 1);
        let e = Framework::parse("frameworks/demo.toml", &bad_status).expect_err("invalid");
        let msg = e.to_string();
        assert!(
            msg.starts_with(
                "frameworks/demo.toml: line 8: controls[0] (1.1): status \"automatic\""
            ),
            "{msg}"
        );

        let no_check = FW.replace("check = \"Look at the thing.\"\n", "");
        let msg = Framework::parse("f.toml", &no_check)
            .expect_err("invalid")
            .to_string();
        assert!(
            msg.contains("controls[4] (1.5)") && msg.contains("needs a `check`"),
            "{msg}"
        );

        let dup = FW.replace("id = \"1.2\"", "id = \"1.1\"");
        let msg = Framework::parse("f.toml", &dup)
            .expect_err("invalid")
            .to_string();
        assert!(msg.contains("id 1.1 is also used by controls[0]"), "{msg}");

        let syntax = FW.replace("level = 2", "level = two");
        let msg = Framework::parse("f.toml", &syntax)
            .expect_err("invalid")
            .to_string();
        assert!(
            msg.starts_with("f.toml: ") && msg.contains("line 24"),
            "{msg}"
        );

        let both = from_sources([("a.toml", FW), ("b.toml", FW)]).expect_err("duplicate id");
        assert_eq!(both.len(), 1);
        assert!(both[0]
            .to_string()
            .contains("framework id demo is also used by a.toml"));
    }

    #[test]
    fn builtin_frameworks_parse() {
        let fws = builtin().unwrap_or_else(|e| panic!("{e:#?}"));
        let ids: Vec<&str> = fws.iter().map(|f| f.id.as_str()).collect();
        assert_eq!(ids, vec!["cis-aws-5.0", "fsbp"]);
    }
}
