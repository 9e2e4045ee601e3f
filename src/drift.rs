//! Drift: what changed between a baseline and a current run. Findings are compared by rule,
//! resource and outcome class (so "was unknown, now fails" is one resolved unknown and one new
//! failure), resources by kind and id, with the attribute paths whose values changed.
//!
//! Both sides are plain values the caller already holds (reports and inventories), so the web
//! app can compare a saved report with a fresh one and the CLI two sets of export files.

use crate::analyze::Inventory;
use crate::model::{Outcome, Resource};
use crate::pointer;
use crate::report::{Finding, InputVerdict, Report, ResourceRef};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};

/// Arrays up to this length, when both sides have the same length, are compared element by
/// element so a change inside one policy statement is reported at its own path; longer or
/// resized arrays are reported whole, since index-wise paths would mostly describe a shift.
const ELEMENTWISE_MAX: usize = 16;

/// Everything that drifted between two runs.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DriftReport {
    pub summary: DriftSummary,
    /// The input verdicts of each side, so a reader can tell which exports were compared.
    pub baseline_inputs: Vec<InputVerdict>,
    pub current_inputs: Vec<InputVerdict>,
    pub findings: FindingDrift,
    pub resources: ResourceDrift,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DriftSummary {
    pub new: usize,
    pub resolved: usize,
    pub unchanged: usize,
    /// New or unchanged findings that an acceptance covers in the current run.
    pub accepted: usize,
    pub resources_added: usize,
    pub resources_removed: usize,
    pub resources_changed: usize,
}

/// Findings by what became of them. `new` and `unchanged` hold the current run's findings
/// (with its acceptances); `resolved` holds the baseline's.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FindingDrift {
    pub new: Vec<Finding>,
    pub resolved: Vec<Finding>,
    pub unchanged: Vec<Finding>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ResourceDrift {
    pub added: Vec<ResourceRef>,
    pub removed: Vec<ResourceRef>,
    pub changed: Vec<ResourceChange>,
}

/// A resource present on both sides whose attributes differ.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResourceChange {
    pub resource: ResourceRef,
    /// Ordered by path.
    pub changes: Vec<AttributeChange>,
}

/// One changed value. `path` is a JSON pointer into the resource's normalised `attributes`.
/// A missing `before` means the attribute was added; a missing `after`, that it was removed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttributeChange {
    pub path: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<Value>,
}

impl DriftReport {
    /// Pretty JSON with a trailing newline.
    pub fn to_json(&self) -> String {
        crate::report::pretty_json(self)
    }
}

/// Compares a baseline run with a current one: findings from the reports, resources from the
/// inventories the reports were made from.
pub fn drift(baseline: (&Inventory, &Report), current: (&Inventory, &Report)) -> DriftReport {
    let findings = diff_findings(baseline.1, current.1);
    let resources = diff_resources(&baseline.0.resources, &current.0.resources);
    let summary = DriftSummary {
        new: findings.new.len(),
        resolved: findings.resolved.len(),
        unchanged: findings.unchanged.len(),
        accepted: findings
            .new
            .iter()
            .chain(&findings.unchanged)
            .filter(|f| f.accepted.is_some())
            .count(),
        resources_added: resources.added.len(),
        resources_removed: resources.removed.len(),
        resources_changed: resources.changed.len(),
    };
    DriftReport {
        summary,
        baseline_inputs: baseline.1.inputs.clone(),
        current_inputs: current.1.inputs.clone(),
        findings,
        resources,
    }
}

/// The identity of a finding across runs: rule, resource, and whether it failed or could not
/// be decided.
fn finding_key(f: &Finding) -> (&str, &str, bool) {
    (f.rule_id(), &f.resource.id, f.outcome == Outcome::Fail)
}

/// New, resolved and unchanged findings, each list in its report's order.
pub fn diff_findings(baseline: &Report, current: &Report) -> FindingDrift {
    let before: BTreeSet<_> = baseline.findings.iter().map(finding_key).collect();
    let after: BTreeSet<_> = current.findings.iter().map(finding_key).collect();
    let (unchanged, new) = current
        .findings
        .iter()
        .cloned()
        .partition(|f| before.contains(&finding_key(f)));
    FindingDrift {
        new,
        resolved: baseline
            .findings
            .iter()
            .filter(|f| !after.contains(&finding_key(f)))
            .cloned()
            .collect(),
        unchanged,
    }
}

/// Added, removed and changed resources, ordered by kind then id.
pub fn diff_resources(baseline: &[Resource], current: &[Resource]) -> ResourceDrift {
    let index = |rs: &'_ [Resource]| -> BTreeMap<(String, String), usize> {
        rs.iter()
            .enumerate()
            .map(|(i, r)| ((r.kind.clone(), r.id.clone()), i))
            .collect()
    };
    let before = index(baseline);
    let after = index(current);
    let mut out = ResourceDrift::default();
    for (key, &i) in &before {
        match after.get(key) {
            None => out.removed.push(ResourceRef::of(&baseline[i])),
            Some(&j) => {
                let mut changes = Vec::new();
                diff_maps(
                    "",
                    &baseline[i].all_attributes().to_json(),
                    &current[j].all_attributes().to_json(),
                    &mut changes,
                );
                if !changes.is_empty() {
                    out.changed.push(ResourceChange {
                        resource: ResourceRef::of(&current[j]),
                        changes,
                    });
                }
            }
        }
    }
    out.added = after
        .iter()
        .filter(|(key, _)| !before.contains_key(*key))
        .map(|(_, &j)| ResourceRef::of(&current[j]))
        .collect();
    out
}

fn diff_maps(
    path: &str,
    a: &Map<String, Value>,
    b: &Map<String, Value>,
    out: &mut Vec<AttributeChange>,
) {
    let keys: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    for key in keys {
        diff_values(&pointer::join(path, key), a.get(key), b.get(key), out);
    }
}

fn diff_values(path: &str, a: Option<&Value>, b: Option<&Value>, out: &mut Vec<AttributeChange>) {
    match (a, b) {
        (Some(x), Some(y)) if is_provenance(x) && is_provenance(y) => {}
        (Some(Value::Object(x)), Some(Value::Object(y))) => diff_maps(path, x, y, out),
        (Some(Value::Array(x)), Some(Value::Array(y))) if same_elements(x, y) => {}
        (Some(Value::Array(x)), Some(Value::Array(y)))
            if x.len() == y.len() && x.len() <= ELEMENTWISE_MAX =>
        {
            for (i, (v, w)) in x.iter().zip(y).enumerate() {
                diff_values(&pointer::join(path, i), Some(v), Some(w), out);
            }
        }
        (x, y) if x == y => {}
        (x, y) => out.push(AttributeChange {
            path: path.to_string(),
            before: x.cloned(),
            after: y.cloned(),
        }),
    }
}

/// A `{file, pointer}` object records where a fact was read. It differs whenever the two runs
/// read different files or the export lists items in another order, which is not drift.
fn is_provenance(v: &Value) -> bool {
    v.as_object().is_some_and(|o| {
        o.len() == 2
            && o.get("file").is_some_and(Value::is_string)
            && o.get("pointer").is_some_and(Value::is_string)
    })
}

/// Equal up to order. Cloud APIs return most lists (attached policies, tags, statements) in no
/// guaranteed order, so a reordering alone is not drift.
fn same_elements(x: &[Value], y: &[Value]) -> bool {
    if x.len() != y.len() {
        return false;
    }
    let sorted = |v: &[Value]| {
        let mut s: Vec<String> = v.iter().map(Value::to_string).collect();
        s.sort();
        s
    };
    sorted(x) == sorted(y)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::{build_inventory, evaluate_inventory};
    use crate::{pack, Input, Options};
    use serde_json::json;

    fn run(name: &str, text: &str) -> (Inventory, Report) {
        let inv = build_inventory(&[Input::new(name, text)]);
        let pack = pack::builtin().expect("built-in pack");
        let report = evaluate_inventory(&inv, &pack, &Options::default());
        (inv, report)
    }

    fn both() -> DriftReport {
        let before = run(
            "before.json",
            include_str!("../tests/fixtures/aws/authz-small.json"),
        );
        let after = run(
            "after.json",
            include_str!("../tests/fixtures/drift/authz-small-later.json"),
        );
        drift((&before.0, &before.1), (&after.0, &after.1))
    }

    fn changes(a: Value, b: Value) -> Vec<(String, Option<Value>, Option<Value>)> {
        let (Value::Object(a), Value::Object(b)) = (a, b) else {
            panic!("objects")
        };
        let mut out = Vec::new();
        diff_maps("", &a, &b, &mut out);
        out.into_iter()
            .map(|c| (c.path, c.before, c.after))
            .collect()
    }

    #[test]
    fn deep_diff_reports_paths_with_before_and_after() {
        let got = changes(
            json!({"a": {"x": 1, "gone": true}, "k/ey": 1, "list": [1, 2], "same": [3, 4, 5], "nul": null,
                   "source": {"file": "before.json", "pointer": "/Roles/0"}}),
            json!({"a": {"x": 2, "new": "v"}, "k/ey": 2, "list": [1, 3], "same": [5, 3, 4], "nul": 0,
                   "source": {"file": "after.json", "pointer": "/Roles/3"}}),
        );
        assert_eq!(
            got,
            [
                ("/a/gone".into(), Some(json!(true)), None),
                ("/a/new".into(), None, Some(json!("v"))),
                ("/a/x".into(), Some(json!(1)), Some(json!(2))),
                ("/k~1ey".into(), Some(json!(1)), Some(json!(2))),
                ("/list/1".into(), Some(json!(2)), Some(json!(3))),
                ("/nul".into(), Some(Value::Null), Some(json!(0))),
            ],
            "sorted by key; reordering and provenance are not changes; null differs from absent"
        );
        let long: Vec<u32> = (0..=ELEMENTWISE_MAX as u32).collect();
        let mut longer = long.clone();
        longer[0] = 99;
        assert_eq!(
            changes(
                json!({"l": long, "r": [1]}),
                json!({"l": longer, "r": [1, 2]})
            ),
            [
                ("/l".into(), Some(json!(long)), Some(json!(longer))),
                ("/r".into(), Some(json!([1])), Some(json!([1, 2]))),
            ],
            "long or resized arrays are reported whole"
        );
    }

    #[test]
    fn findings_are_new_resolved_or_unchanged() {
        let d = both();
        let keys = |fs: &[Finding]| -> Vec<(String, String)> {
            fs.iter()
                .map(|f| (f.rule_id().to_string(), f.resource.name.clone()))
                .collect()
        };
        assert_eq!(
            keys(&d.findings.new),
            [("STRAT-AWS-IAM-005".to_string(), "ci-deployer".to_string())]
        );
        let resolved = keys(&d.findings.resolved);
        assert!(resolved.contains(&("STRAT-AWS-IAM-006".into(), "deploy-bot".into())));
        assert!(resolved.contains(&("STRAT-AWS-IAM-009".into(), "deploy-bot".into())));
        assert!(keys(&d.findings.unchanged)
            .contains(&("STRAT-AWS-IAM-001".into(), "ops-everything".into())));
        assert_eq!(d.summary.new, 1);
        assert_eq!(d.summary.resolved, resolved.len());
        assert_eq!(d.summary.unchanged + d.summary.new, {
            let (_, r) = run(
                "after.json",
                include_str!("../tests/fixtures/drift/authz-small-later.json"),
            );
            r.findings.len()
        });
    }

    #[test]
    fn an_outcome_class_change_is_a_new_and_a_resolved_finding() {
        let (_, report) = run(
            "before.json",
            include_str!("../tests/fixtures/aws/authz-small.json"),
        );
        let mut later = report.clone();
        later.findings[0].outcome = Outcome::Unknown;
        let d = diff_findings(&report, &later);
        assert_eq!(d.new.len(), 1);
        assert_eq!(d.resolved.len(), 1);
        assert_eq!(d.new[0].rule_id(), d.resolved[0].rule_id());
        assert_eq!(d.unchanged.len(), report.findings.len() - 1);
    }

    #[test]
    fn resources_are_added_removed_or_changed_at_attribute_paths() {
        let d = both();
        let names =
            |rs: &[ResourceRef]| -> Vec<String> { rs.iter().map(|r| r.name.clone()).collect() };
        assert_eq!(names(&d.resources.added), ["ci-deployer"]);
        assert_eq!(names(&d.resources.removed), ["alice"]);
        let changed: BTreeMap<&str, &ResourceChange> = d
            .resources
            .changed
            .iter()
            .map(|c| (c.resource.name.as_str(), c))
            .collect();
        let paths = |name: &str| -> Vec<&str> {
            changed[name]
                .changes
                .iter()
                .map(|c| c.path.as_str())
                .collect()
        };
        assert!(
            paths("partner-audit")
                .iter()
                .any(|p| p.starts_with("/tags")),
            "{:?}",
            paths("partner-audit")
        );
        let policy = changed["developer-read"];
        assert!(
            policy.changes.iter().any(|c| c
                .after
                .as_ref()
                .is_some_and(|v| v.to_string().contains("s3:GetObjectVersion"))),
            "{:#?}",
            policy.changes
        );
        assert!(changed.contains_key("deploy-bot"));
        assert!(
            !changed.contains_key("public-reader"),
            "untouched resources do not drift"
        );
        for c in changed.values() {
            let p: Vec<&str> = c.changes.iter().map(|c| c.path.as_str()).collect();
            let mut sorted = p.clone();
            sorted.sort();
            assert_eq!(p, sorted);
        }
        assert_eq!(d.summary.resources_changed, d.resources.changed.len());
        assert_eq!(both(), d, "deterministic");
    }
}
