//! SARIF 2.1.0, the format code-scanning dashboards import (GitHub code scanning, Azure DevOps,
//! VS Code's SARIF viewer). The inputs play the part of source files; the JSON pointer of each
//! piece of evidence stands in for a line number, which an export file does not have.

use crate::model::Evidence;
use crate::report::pretty_json;
use crate::report::{Finding, InputStatus, Report};
use crate::rules::{Rule, RulePack};
use crate::{Outcome, Severity};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// Characters kept as they are in an artifact URI: RFC 3986 unreserved ones and the path
/// separator. Everything else (spaces, `<`, `#`, non-ASCII) is percent-encoded so the name of
/// an input such as `<stdin>` or `prod export.json` is still a valid relative URI.
const URI_KEEP: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'/');

/// Renders the report as one SARIF 2.1.0 log with a single run.
///
/// Every rule of `pack` is listed in `tool.driver.rules` (so a dashboard can show what was
/// checked, not only what failed), with the explanation as help text. Failing findings are
/// results of kind `fail` with a level from the rule's severity; findings the export could not
/// decide are kind `review` (level `none`, as SARIF requires for non-failures). Accepted
/// findings carry an `accepted` external suppression with the auditor's reason.
pub fn sarif(report: &Report, pack: &RulePack) -> String {
    let rule_index: BTreeMap<&str, usize> = pack
        .rules
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.as_str(), i))
        .collect();
    let artifacts: Vec<&str> = report
        .inputs
        .iter()
        .filter(|i| i.status == InputStatus::Recognized)
        .map(|i| i.name.as_str())
        .collect();
    let results: Vec<Value> = report
        .findings
        .iter()
        .map(|f| result(f, &rule_index, &artifacts))
        .collect();
    pretty_json(&json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": report.tool.name,
                "version": report.tool.version,
                "semanticVersion": report.tool.version,
                "rules": pack.rules.iter().map(rule).collect::<Vec<_>>(),
            }},
            "artifacts": artifacts
                .iter()
                .map(|name| json!({"location": {"uri": uri(name)}}))
                .collect::<Vec<_>>(),
            "results": results,
        }],
    }))
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// GitHub's scale: ≥ 9.0 critical, 7.0–8.9 high, 4.0–6.9 medium, 0.1–3.9 low, 0 none.
fn security_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "0.0",
    }
}

fn uri(name: &str) -> String {
    utf8_percent_encode(name, URI_KEEP).to_string()
}

fn rule(r: &Rule) -> Value {
    let sections = r.explanation.sections();
    let text: Vec<String> = sections
        .iter()
        .map(|(_, heading, body)| format!("{heading}\n{}", body.trim()))
        .collect();
    let mut markdown: Vec<String> = sections
        .iter()
        .map(|(_, heading, body)| format!("## {heading}\n\n{}", body.trim()))
        .collect();
    if !r.references.is_empty() {
        let refs: Vec<String> = r.references.iter().map(|u| format!("- <{u}>")).collect();
        markdown.push(format!("## References\n\n{}", refs.join("\n")));
    }
    let mut v = json!({
        "id": r.id,
        "name": r.name,
        "shortDescription": {"text": r.title},
        "fullDescription": {"text": r.explanation.what.trim()},
        "help": {"text": text.join("\n\n"), "markdown": markdown.join("\n\n")},
        "defaultConfiguration": {"level": level(r.severity)},
        "properties": {
            "tags": r.categories,
            "severity": r.severity,
            "security-severity": security_severity(r.severity),
            "frameworks": r.frameworks,
        },
    });
    if let (Some(first), Some(obj)) = (r.references.first(), v.as_object_mut()) {
        obj.insert("helpUri".into(), json!(first));
    }
    v
}

/// The resource a finding is about, as a SARIF logical location: dashboards group by it.
fn resource_location(f: &Finding) -> Value {
    json!({
        "name": f.resource.name,
        "fullyQualifiedName": f.resource.id,
        "kind": "resource",
    })
}

fn result(f: &Finding, rule_index: &BTreeMap<&str, usize>, artifacts: &[&str]) -> Value {
    let location = |e: &Evidence| {
        let mut artifact = Map::new();
        artifact.insert("uri".into(), json!(uri(&e.file)));
        if let Some(i) = artifacts.iter().position(|a| **a == *e.file) {
            artifact.insert("index".into(), json!(i));
        }
        json!({
            "physicalLocation": {
                "artifactLocation": artifact,
                "properties": {"jsonPointer": e.pointer},
            },
            "logicalLocations": [resource_location(f)],
            "message": {"text": e.note},
        })
    };
    let mut v = Map::new();
    v.insert("ruleId".into(), json!(f.rule_id()));
    if let Some(i) = rule_index.get(f.rule_id()) {
        v.insert("ruleIndex".into(), json!(i));
    }
    if f.outcome == Outcome::Fail {
        v.insert("kind".into(), json!("fail"));
        v.insert("level".into(), json!(level(f.severity)));
    } else {
        v.insert("kind".into(), json!("review"));
        v.insert("level".into(), json!("none"));
    }
    v.insert("message".into(), json!({"text": f.message}));
    let mut evidence = f.evidence.iter();
    let primary = evidence
        .next()
        .map(location)
        .unwrap_or_else(|| json!({"logicalLocations": [resource_location(f)]}));
    v.insert("locations".into(), json!([primary]));
    let related: Vec<Value> = evidence
        .enumerate()
        .map(|(i, e)| {
            let mut l = location(e);
            if let Some(obj) = l.as_object_mut() {
                obj.insert("id".into(), json!(i + 1));
            }
            l
        })
        .collect();
    if !related.is_empty() {
        v.insert("relatedLocations".into(), json!(related));
    }
    v.insert(
        "partialFingerprints".into(),
        json!({"stratoscopeFinding/v1": format!("{}|{}", f.rule_id(), f.resource.id)}),
    );
    if let Some(a) = &f.accepted {
        v.insert(
            "suppressions".into(),
            json!([{
                "kind": "external",
                "status": "accepted",
                "justification": a.reason,
                "properties": {"acceptanceId": a.acceptance_id, "owner": a.owner, "expires": a.expires},
            }]),
        );
    }
    v.insert(
        "properties".into(),
        json!({
            "severity": f.severity,
            "outcome": f.outcome,
            "resourceKind": f.resource.kind,
            "account": f.resource.account,
            "region": f.resource.region,
            "frameworks": f.frameworks(),
        }),
    );
    Value::Object(v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::AcceptedBy;

    fn log() -> (Value, Report, RulePack) {
        let (mut report, pack) = super::super::fixture::hostile();
        report.findings[0].accepted = Some(Box::new(AcceptedBy {
            acceptance_id: "risk-1".into(),
            reason: "break-glass user, reviewed quarterly".into(),
            owner: Some("secops@example.com".into()),
            expires: Some("2031-01-31".into()),
        }));
        let text = sarif(&report, &pack);
        let v: Value = serde_json::from_str(&text).expect("SARIF is JSON");
        (v, report, pack)
    }

    /// The properties SARIF 2.1.0 requires of a log, a run, a tool and a result, checked the
    /// way the schema states them.
    #[test]
    fn has_the_required_sarif_structure() {
        let (v, report, _) = log();
        assert!(v["$schema"].as_str().is_some_and(|s| s.contains("2.1.0")));
        assert_eq!(v["version"], "2.1.0");
        let runs = v["runs"].as_array().expect("runs");
        assert_eq!(runs.len(), 1);
        assert_eq!(runs[0]["tool"]["driver"]["name"], "stratoscope");
        let results = runs[0]["results"].as_array().expect("results");
        assert_eq!(results.len(), report.findings.len());
        for r in results {
            assert!(r["ruleId"].as_str().is_some_and(|s| !s.is_empty()), "{r}");
            assert!(r["message"]["text"].as_str().is_some_and(|s| !s.is_empty()));
            let level = r["level"].as_str().expect("level");
            assert!(["error", "warning", "note", "none"].contains(&level));
            if r["kind"] != "fail" {
                assert_eq!(level, "none", "SARIF: non-failures have level none");
            }
        }
    }

    #[test]
    fn results_point_at_their_rule_and_the_evidence() {
        let (v, report, pack) = log();
        let run = &v["runs"][0];
        let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
        assert_eq!(rules.len(), pack.rules.len());
        for rule in rules {
            for key in ["id", "name"] {
                assert!(rule[key].is_string(), "{key}");
            }
            assert!(rule["shortDescription"]["text"].is_string());
            assert!(rule["fullDescription"]["text"].is_string());
            let md = rule["help"]["markdown"].as_str().expect("markdown help");
            let order: Vec<usize> = ["## What is wrong", "## Why it matters", "## How to fix"]
                .iter()
                .map(|h| md.find(h).expect("section"))
                .collect();
            assert!(order.windows(2).all(|w| w[0] < w[1]));
            assert!(rule["properties"]["security-severity"].is_string());
        }
        for (r, f) in run["results"]
            .as_array()
            .expect("results")
            .iter()
            .zip(&report.findings)
        {
            let i = r["ruleIndex"].as_u64().expect("ruleIndex") as usize;
            assert_eq!(rules[i]["id"], r["ruleId"]);
            let loc = &r["locations"][0];
            assert_eq!(
                loc["physicalLocation"]["properties"]["jsonPointer"],
                f.evidence[0].pointer.as_str()
            );
            assert_eq!(
                loc["physicalLocation"]["artifactLocation"]["uri"], "hostile%20%3Cexport%3E.json",
                "input names are percent-encoded into URIs"
            );
            assert_eq!(loc["physicalLocation"]["artifactLocation"]["index"], 0);
            assert_eq!(
                loc["logicalLocations"][0]["fullyQualifiedName"],
                f.resource.id.as_str()
            );
        }
        assert_eq!(
            run["artifacts"][0]["location"]["uri"],
            "hostile%20%3Cexport%3E.json"
        );
    }

    #[test]
    fn accepted_findings_are_suppressed_with_the_reason() {
        let (v, _, _) = log();
        let results = v["runs"][0]["results"].as_array().expect("results");
        let s = &results[0]["suppressions"][0];
        assert_eq!(s["kind"], "external");
        assert_eq!(s["status"], "accepted");
        assert_eq!(s["justification"], "break-glass user, reviewed quarterly");
        assert_eq!(s["properties"]["acceptanceId"], "risk-1");
        assert!(results[1..].iter().all(|r| r.get("suppressions").is_none()));
    }

    #[test]
    fn levels_follow_severity() {
        assert_eq!(level(Severity::Critical), "error");
        assert_eq!(level(Severity::Medium), "warning");
        assert_eq!(level(Severity::Info), "note");
        let scores: Vec<f64> = Severity::ALL
            .iter()
            .map(|s| security_severity(*s).parse().expect("a number"))
            .collect();
        assert!(scores.windows(2).all(|w| w[0] > w[1]), "{scores:?}");
        assert!(scores[0] >= 9.0 && (7.0..9.0).contains(&scores[1]));
    }
}
