//! OCSF 1.1 Detection Finding events (class 2004), the shape SIEMs and security lakes ingest
//! (Amazon Security Lake, Splunk, Sentinel). One event per finding, as a JSON array.

use crate::report::pretty_json;
use crate::report::{Finding, Report};
use crate::rules::RulePack;
use crate::{Outcome, Severity};
use serde_json::{json, Map, Value};

/// OCSF schema version the events follow.
pub const OCSF_VERSION: &str = "1.1.0";

/// Renders every finding of `report` as an OCSF Detection Finding "Create" event.
///
/// `time_ms` is the event time in milliseconds since the Unix epoch (OCSF `timestamp_t`); the
/// caller supplies it because the engine has no clock. Accepted findings have status
/// `Suppressed` with the acceptance reason as `status_detail`; findings the export could not
/// decide keep status `New` and say so in `status_detail`. The JSON pointer of each piece of
/// evidence, which OCSF has no attribute for, travels in `evidences[].data` and in `unmapped`.
pub fn ocsf_findings(report: &Report, pack: &RulePack, time_ms: i64) -> String {
    let events: Vec<Value> = report
        .findings
        .iter()
        .map(|f| event(f, report, pack, time_ms))
        .collect();
    pretty_json(&Value::Array(events))
}

/// OCSF severity_id: 1 Informational … 5 Critical.
fn severity(s: Severity) -> (u8, &'static str) {
    match s {
        Severity::Critical => (5, "Critical"),
        Severity::High => (4, "High"),
        Severity::Medium => (3, "Medium"),
        Severity::Low => (2, "Low"),
        Severity::Info => (1, "Informational"),
    }
}

/// OCSF `cloud.provider` and the account type for a resource kind's provider prefix.
fn provider(kind: &str) -> (&'static str, Option<(u8, &'static str)>) {
    match kind.split('.').next().unwrap_or("") {
        "aws" => ("AWS", Some((10, "AWS Account"))),
        "gcp" => ("GCP", Some((5, "GCP Account"))),
        "azure" => ("Azure", None),
        _ => ("Other", None),
    }
}

/// The partition segment of an ARN (`aws`, `aws-cn`, `aws-us-gov`).
fn partition(id: &str) -> Option<&str> {
    id.strip_prefix("arn:")?
        .split(':')
        .next()
        .filter(|p| !p.is_empty())
}

fn put(obj: &mut Map<String, Value>, key: &str, value: Option<Value>) {
    if let Some(v) = value {
        obj.insert(key.into(), v);
    }
}

fn event(f: &Finding, report: &Report, pack: &RulePack, time_ms: i64) -> Value {
    let (severity_id, severity) = severity(f.severity);
    let (status_id, status, status_detail) = match (&f.accepted, f.outcome) {
        (Some(a), _) => (3, "Suppressed", Some(format!("Accepted risk {}: {}", a.acceptance_id, a.reason))),
        (None, Outcome::Fail) => (1, "New", None),
        (None, _) => (
            1,
            "New",
            Some("Not decidable from the exported configuration: the export lacks a fact the rule needs.".to_string()),
        ),
    };
    let (provider, account_type) = provider(&f.resource.kind);
    let account = f.resource.account.as_ref().map(|uid| {
        let mut a = Map::new();
        a.insert("uid".into(), json!(uid));
        if let Some((type_id, name)) = account_type {
            a.insert("type_id".into(), json!(type_id));
            a.insert("type".into(), json!(name));
        }
        Value::Object(a)
    });
    let region = f.resource.region.as_ref().map(|r| json!(r));

    let mut resource = Map::new();
    resource.insert("uid".into(), json!(f.resource.id));
    resource.insert("type".into(), json!(f.resource.kind));
    resource.insert("name".into(), json!(f.resource.name));
    put(
        &mut resource,
        "cloud_partition",
        partition(&f.resource.id).map(|p| json!(p)),
    );
    put(&mut resource, "region", region.clone());
    put(&mut resource, "account", account.clone());

    let mut cloud = Map::new();
    cloud.insert("provider".into(), json!(provider));
    put(&mut cloud, "account", account);
    put(&mut cloud, "region", region);

    let rule = pack.get(f.rule_id());
    let types: Vec<&str> = match rule {
        Some(r) if !r.categories.is_empty() => r.categories.iter().map(String::as_str).collect(),
        _ => vec![f.service()],
    };
    let mut finding_info = Map::new();
    finding_info.insert(
        "uid".into(),
        json!(format!("{}:{}", f.rule_id(), f.resource.id)),
    );
    finding_info.insert("title".into(), json!(f.title()));
    finding_info.insert("desc".into(), json!(f.message));
    finding_info.insert("types".into(), json!(types));
    put(
        &mut finding_info,
        "src_url",
        rule.and_then(|r| r.references.first()).map(|u| json!(u)),
    );

    let evidences: Vec<Value> = f.evidence.iter().map(|e| json!({"data": e})).collect();

    let mut v = Map::new();
    v.insert("activity_id".into(), json!(1));
    v.insert("activity_name".into(), json!("Create"));
    v.insert("category_uid".into(), json!(2));
    v.insert("category_name".into(), json!("Findings"));
    v.insert("class_uid".into(), json!(2004));
    v.insert("class_name".into(), json!("Detection Finding"));
    v.insert("type_uid".into(), json!(200401));
    v.insert("type_name".into(), json!("Detection Finding: Create"));
    v.insert("severity_id".into(), json!(severity_id));
    v.insert("severity".into(), json!(severity));
    v.insert("status_id".into(), json!(status_id));
    v.insert("status".into(), json!(status));
    put(&mut v, "status_detail", status_detail.map(Value::String));
    v.insert("time".into(), json!(time_ms));
    v.insert("message".into(), json!(f.message));
    v.insert(
        "metadata".into(),
        json!({
            "version": OCSF_VERSION,
            "product": {
                "name": "Stratoscope",
                "vendor_name": "Stratoscope",
                "version": report.tool.version,
            },
        }),
    );
    v.insert("finding_info".into(), Value::Object(finding_info));
    v.insert("resources".into(), json!([Value::Object(resource)]));
    v.insert("cloud".into(), Value::Object(cloud));
    if !evidences.is_empty() {
        v.insert("evidences".into(), Value::Array(evidences));
    }
    v.insert(
        "unmapped".into(),
        json!({
            "rule_id": f.rule_id(),
            "rule_name": f.rule_name(),
            "outcome": f.outcome,
            "service": f.service(),
            "frameworks": f.frameworks(),
            "json_pointers": f.evidence.iter().map(|e| format!("{}#{}", e.file, e.pointer)).collect::<Vec<_>>(),
            "accepted": f.accepted,
        }),
    );
    Value::Object(v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::AcceptedBy;

    #[test]
    fn events_are_ocsf_detection_findings() {
        let (mut report, pack) = super::super::fixture::hostile();
        report.findings[1].accepted = Some(Box::new(AcceptedBy {
            acceptance_id: "risk-2".into(),
            reason: "sandbox".into(),
            owner: None,
            expires: None,
        }));
        let events: Vec<Value> =
            serde_json::from_str(&ocsf_findings(&report, &pack, 1_738_368_000_000))
                .expect("a JSON array");
        assert_eq!(events.len(), report.findings.len());
        for (e, f) in events.iter().zip(&report.findings) {
            assert_eq!(e["class_uid"], 2004);
            assert_eq!(e["category_uid"], 2);
            assert_eq!(e["activity_id"], 1);
            assert_eq!(e["type_uid"], 200401, "class_uid * 100 + activity_id");
            assert_eq!(e["time"], 1_738_368_000_000_i64);
            assert_eq!(e["metadata"]["version"], OCSF_VERSION);
            for key in ["name", "vendor_name", "version"] {
                assert!(e["metadata"]["product"][key].is_string(), "{key}");
            }
            assert_eq!(e["severity_id"], severity(f.severity).0);
            assert_eq!(e["finding_info"]["title"], f.title());
            assert!(e["finding_info"]["uid"]
                .as_str()
                .is_some_and(|u| u.contains(f.rule_id()) && u.contains(&f.resource.id)));
            assert!(e["finding_info"]["types"]
                .as_array()
                .is_some_and(|t| !t.is_empty()));
            let resource = &e["resources"][0];
            assert_eq!(resource["uid"], f.resource.id.as_str());
            assert_eq!(resource["cloud_partition"], "aws");
            assert_eq!(resource["account"]["uid"], "123456789012");
            assert_eq!(e["cloud"]["provider"], "AWS");
            assert_eq!(e["cloud"]["account"]["uid"], "123456789012");
            assert_eq!(
                e["evidences"][0]["data"]["pointer"],
                f.evidence[0].pointer.as_str()
            );
        }
        assert_eq!(events[0]["status"], "New");
        assert_eq!(events[1]["status_id"], 3);
        assert_eq!(events[1]["status"], "Suppressed");
        assert!(events[1]["status_detail"]
            .as_str()
            .is_some_and(|d| d.contains("sandbox")));
    }

    #[test]
    fn severities_map_to_ocsf_ids() {
        let ids: Vec<u8> = Severity::ALL.iter().map(|s| severity(*s).0).collect();
        assert_eq!(ids, [5, 4, 3, 2, 1]);
        assert_eq!(
            partition("arn:aws-cn:iam::123456789012:root"),
            Some("aws-cn")
        );
        assert_eq!(partition("projects/x"), None);
    }
}
