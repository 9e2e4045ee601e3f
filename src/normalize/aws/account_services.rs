//! Account services per region, all on `aws.region` (id `ACCOUNT/REGION`):
//! - AWS Config (`configservice describe-configuration-recorders`,
//!   `describe-configuration-recorder-status`): `config_recorders` (`[{name, role_arn,
//!   recording_group: {all_supported, include_global_resource_types, …}, …}]`) and
//!   `config_recorder_statuses` (`[{name, recording, last_status, last_error_code, …}]`);
//!   derived `config_recording` (CIS 3.3: a recorder of every supported type, global types
//!   included, that is recording and last succeeded) and `config_service_linked_role` (FSBP
//!   Config.1: that recorder uses `AWSServiceRoleForConfig`);
//! - IAM Access Analyzer (`accessanalyzer list-analyzers`): `access_analyzers`
//!   (`[{name, arn, type, status}]`); derived `access_analyzer_external` (an ACTIVE analyzer of
//!   type ACCOUNT or ORGANIZATION; unused-access analyzers do not watch external access);
//! - GuardDuty (`guardduty list-detectors`, `get-detector --detector-id`):
//!   `guardduty_detector_ids`, `guardduty_detector` (`{detector_id, status,
//!   finding_publishing_frequency, …}`; a region has at most one detector); derived
//!   `guardduty_enabled` and `guardduty_features` (which protection plans run, see
//!   [`guardduty_features`]);
//! - Security Hub (`securityhub describe-hub`): `security_hub` (`{hub_arn, subscribed_at,
//!   auto_enable_controls, …}`), null when the call says the account is not subscribed
//!   (`InvalidAccessException`); `security_hub_tag_keys` (the hub's tag keys without `aws:`
//!   ones) from `securityhub list-tags-for-resource --resource-arn <hub ARN>`.
//!
//! Derived facts are `{"ok": bool, "reason": text, …}` with `ok` absent when the export cannot
//! decide, the same shape as the account-level facts of [`super::cloudtrail`].

use super::config::ConfigType;
use super::{list, snake_keys, Command, Cx, Reply};
use crate::attr_value::AttrValue;
use crate::normalize::NormalizeError;
use crate::Resource;
use serde_json::{json, Map, Value};

pub const COMMANDS: &[Command] = &[
    Command {
        id: "aws-configservice-describe-configuration-recorders",
        service: "configservice",
        operation: "describe-configuration-recorders",
        signature: &["ConfigurationRecorders"],
        kinds: &["aws.region"],
        absent_codes: &[],
        normalize: recorders,
    },
    Command {
        id: "aws-configservice-describe-configuration-recorder-status",
        service: "configservice",
        operation: "describe-configuration-recorder-status",
        signature: &["ConfigurationRecordersStatus"],
        kinds: &["aws.region"],
        absent_codes: &[],
        normalize: recorder_status,
    },
    Command {
        id: "aws-accessanalyzer-list-analyzers",
        service: "accessanalyzer",
        operation: "list-analyzers",
        signature: &["analyzers"],
        kinds: &["aws.region"],
        absent_codes: &[],
        normalize: analyzers,
    },
    Command {
        id: "aws-guardduty-list-detectors",
        service: "guardduty",
        operation: "list-detectors",
        signature: &["DetectorIds"],
        kinds: &["aws.region"],
        absent_codes: &[],
        normalize: detectors,
    },
    Command {
        id: "aws-guardduty-get-detector",
        service: "guardduty",
        operation: "get-detector",
        signature: &["FindingPublishingFrequency", "ServiceRole", "Status"],
        kinds: &["aws.region"],
        absent_codes: &[],
        normalize: detector,
    },
    Command {
        id: "aws-securityhub-describe-hub",
        service: "securityhub",
        operation: "describe-hub",
        signature: &["HubArn", "SubscribedAt"],
        kinds: &["aws.region"],
        // "Account 123456789012 is not subscribed to AWS Security Hub".
        absent_codes: &["InvalidAccessException"],
        normalize: hub,
    },
    Command {
        id: "aws-securityhub-list-tags-for-resource",
        service: "securityhub",
        operation: "list-tags-for-resource",
        // `{"Tags": {…}}` is many services' shape; the bundle's `resource-arn` says whose.
        signature: &[],
        kinds: &["aws.region"],
        absent_codes: &[],
        normalize: hub_tags,
    },
];

/// AWS Config resource types read into the same kinds as the CLI outputs.
pub const CONFIG: &[ConfigType] = &[];

/// The call's region resource with one attribute.
fn region_fact(cx: &Cx, command: &str, key: &str, value: Value) -> Vec<Resource> {
    let mut m = Map::new();
    m.insert(key.into(), value);
    cx.region_resource(command, &cx.pointer, m)
        .into_iter()
        .collect()
}

/// A response list in snake_case, each entry as AWS prints it.
fn snake_list(doc: &Value, key: &str, cx: &Cx) -> Result<Value, NormalizeError> {
    Ok(Value::Array(
        list(doc, key, cx)?
            .into_iter()
            .map(|(_, m)| snake_keys(&Value::Object(m.clone())))
            .collect(),
    ))
}

/// A list output kept whole, in snake_case, as one `aws.region` attribute.
fn list_fact(
    cx: &Cx,
    reply: Reply,
    command: &str,
    key: &str,
    attr: &str,
) -> Result<Vec<Resource>, NormalizeError> {
    let Reply::Output(doc) = reply else {
        return Ok(Vec::new());
    };
    let v = snake_list(doc, key, cx)?;
    Ok(region_fact(cx, command, attr, v))
}

fn recorders(cx: &Cx, reply: Reply) -> Result<Vec<Resource>, NormalizeError> {
    list_fact(
        cx,
        reply,
        "configservice describe-configuration-recorders",
        "ConfigurationRecorders",
        "config_recorders",
    )
}

fn recorder_status(cx: &Cx, reply: Reply) -> Result<Vec<Resource>, NormalizeError> {
    list_fact(
        cx,
        reply,
        "configservice describe-configuration-recorder-status",
        "ConfigurationRecordersStatus",
        "config_recorder_statuses",
    )
}

fn analyzers(cx: &Cx, reply: Reply) -> Result<Vec<Resource>, NormalizeError> {
    list_fact(
        cx,
        reply,
        "accessanalyzer list-analyzers",
        "analyzers",
        "access_analyzers",
    )
}

fn detectors(cx: &Cx, reply: Reply) -> Result<Vec<Resource>, NormalizeError> {
    let Reply::Output(doc) = reply else {
        return Ok(Vec::new());
    };
    let ids = doc.get("DetectorIds").cloned().unwrap_or(json!([]));
    if !ids.is_array() {
        return Err(NormalizeError {
            pointer: cx.at("DetectorIds"),
            message: "DetectorIds must be an array".into(),
        });
    }
    Ok(region_fact(
        cx,
        "guardduty list-detectors",
        "guardduty_detector_ids",
        ids,
    ))
}

fn detector(cx: &Cx, reply: Reply) -> Result<Vec<Resource>, NormalizeError> {
    let Reply::Output(doc) = reply else {
        return Ok(Vec::new());
    };
    let Some(m) = doc.as_object() else {
        return Ok(Vec::new());
    };
    let mut d = Map::new();
    if let Some(id) = cx.arg("detector-id") {
        d.insert("detector_id".into(), json!(id));
    }
    for (from, to) in [
        ("Status", "status"),
        ("FindingPublishingFrequency", "finding_publishing_frequency"),
        ("ServiceRole", "service_role"),
        ("Features", "features"),
        ("DataSources", "data_sources"),
    ] {
        if let Some(v) = m.get(from) {
            d.insert(to.into(), snake_keys(v));
        }
    }
    Ok(region_fact(
        cx,
        "guardduty get-detector",
        "guardduty_detector",
        Value::Object(d),
    ))
}

fn hub(cx: &Cx, reply: Reply) -> Result<Vec<Resource>, NormalizeError> {
    let v = match reply {
        Reply::Absent(_) => Value::Null,
        Reply::Output(doc) => snake_keys(doc),
    };
    let v = match v {
        Value::Object(mut m) => {
            m.remove("response_metadata");
            Value::Object(m)
        }
        other => other,
    };
    Ok(region_fact(
        cx,
        "securityhub describe-hub",
        "security_hub",
        v,
    ))
}

/// `security_hub_tag_keys`: the hub's tag keys, less AWS's own `aws:` keys, which nobody can
/// set or remove. Only the hub's own ARN (`…:hub/default`) is read.
fn hub_tags(cx: &Cx, reply: Reply) -> Result<Vec<Resource>, NormalizeError> {
    let Reply::Output(doc) = reply else {
        return Ok(Vec::new());
    };
    let arn = cx.arg_or_note("resource-arn", "securityhub list-tags-for-resource");
    if !arn.is_some_and(|a| a.contains(":securityhub:") && a.ends_with(":hub/default")) {
        return Ok(Vec::new());
    }
    let Some(tags) = doc.get("Tags").and_then(Value::as_object) else {
        return Err(NormalizeError {
            pointer: cx.at("Tags"),
            message: "Tags must be an object".into(),
        });
    };
    let keys: Vec<Value> = tags
        .keys()
        .filter(|k| !k.starts_with("aws:"))
        .map(|k| json!(k))
        .collect();
    Ok(region_fact(
        cx,
        "securityhub list-tags-for-resource",
        "security_hub_tag_keys",
        Value::Array(keys),
    ))
}

// ---- derived facts ----

fn ok(reason: String) -> Value {
    json!({"ok": true, "reason": reason})
}

fn fail(reason: String) -> Value {
    json!({"ok": false, "reason": reason})
}

fn undecided(reason: String) -> Value {
    json!({"reason": format!("cannot tell: {reason}")})
}

fn text<'v>(v: &'v AttrValue, key: &str) -> &'v str {
    v.get(key).and_then(AttrValue::as_str).unwrap_or("?")
}

/// CIS 3.3: some recorder records every supported type, global types included, is recording,
/// and its last delivery attempt succeeded.
fn config_recording(r: &Resource) -> Option<Value> {
    let recorders = r.attributes.get("config_recorders")?.as_array()?;
    if recorders.is_empty() {
        return Some(fail(
            "no configuration recorder exists in this region".into(),
        ));
    }
    let statuses = r
        .attributes
        .get("config_recorder_statuses")
        .and_then(AttrValue::as_array);
    let mut reasons = Vec::new();
    let mut unknown = false;
    for rec in recorders {
        let name = text(rec, "name");
        let group = rec.get("recording_group");
        let flag = |k: &str| group.and_then(|g| g.get(k)).and_then(AttrValue::as_bool);
        if flag("all_supported") != Some(true) {
            reasons.push(format!(
                "recorder {name} records only selected resource types"
            ));
            continue;
        }
        if flag("include_global_resource_types") != Some(true) {
            reasons.push(format!(
                "recorder {name} does not record global resource types (IAM)"
            ));
            continue;
        }
        let Some(statuses) = statuses else {
            unknown = true;
            reasons.push(format!(
                "the status of recorder {name} was not collected \
                 (configservice describe-configuration-recorder-status)"
            ));
            continue;
        };
        let Some(st) = statuses.iter().find(|s| text(s, "name") == name) else {
            reasons.push(format!("recorder {name} has no status (never started)"));
            continue;
        };
        if st.get("recording").and_then(AttrValue::as_bool) != Some(true) {
            reasons.push(format!("recorder {name} is stopped"));
            continue;
        }
        let last = text(st, "last_status");
        if !last.eq_ignore_ascii_case("success") {
            reasons.push(format!(
                "recorder {name} is recording but its last status is {last}"
            ));
            continue;
        }
        return Some(ok(format!(
            "recorder {name} records every supported resource type, global types included, \
             and is recording (last status SUCCESS)"
        )));
    }
    Some(if unknown {
        undecided(reasons.join("; "))
    } else {
        fail(reasons.join("; "))
    })
}

/// FSBP Config.1: the recorders use the service-linked role.
fn config_service_linked_role(r: &Resource) -> Option<Value> {
    let recorders = r.attributes.get("config_recorders")?.as_array()?;
    if recorders.is_empty() {
        return Some(fail(
            "no configuration recorder exists in this region".into(),
        ));
    }
    let bad: Vec<String> = recorders
        .iter()
        .filter(|rec| {
            !text(rec, "role_arn")
                .ends_with(":role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig")
        })
        .map(|rec| {
            format!(
                "recorder {} uses {}",
                text(rec, "name"),
                text(rec, "role_arn")
            )
        })
        .collect();
    Some(if bad.is_empty() {
        ok("every recorder uses AWSServiceRoleForConfig".into())
    } else {
        fail(bad.join("; "))
    })
}

/// CIS 1.19: an active analyzer of external access (zone of trust: account or organization).
fn access_analyzer(r: &Resource) -> Option<Value> {
    let analyzers = r.attributes.get("access_analyzers")?.as_array()?;
    if let Some(a) = analyzers.iter().find(|a| {
        text(a, "status") == "ACTIVE" && matches!(text(a, "type"), "ACCOUNT" | "ORGANIZATION")
    }) {
        return Some(ok(format!(
            "analyzer {} ({}) is ACTIVE",
            text(a, "name"),
            text(a, "type")
        )));
    }
    Some(fail(if analyzers.is_empty() {
        "no IAM Access Analyzer analyzer exists in this region".into()
    } else {
        let list: Vec<String> = analyzers
            .iter()
            .map(|a| {
                format!(
                    "{} is {} {}",
                    text(a, "name"),
                    text(a, "type"),
                    text(a, "status")
                )
            })
            .collect();
        format!(
            "no ACTIVE external-access analyzer (type ACCOUNT or ORGANIZATION): {}",
            list.join("; ")
        )
    }))
}

fn guardduty(r: &Resource) -> Option<Value> {
    let ids = r
        .attributes
        .get("guardduty_detector_ids")
        .and_then(AttrValue::as_array);
    let detector = r.attributes.get("guardduty_detector");
    if ids.is_some_and(|i| i.is_empty()) {
        return Some(fail("no GuardDuty detector exists in this region".into()));
    }
    match detector.map(|d| text(d, "status")) {
        Some("ENABLED") => Some(ok(format!(
            "detector {} is ENABLED",
            detector.map_or("?", |d| text(d, "detector_id"))
        ))),
        Some(status) => Some(fail(format!(
            "detector {} is {status}",
            detector.map_or("?", |d| text(d, "detector_id"))
        ))),
        None if ids.is_some() => Some(undecided(
            "a detector exists but its status was not collected (guardduty get-detector)".into(),
        )),
        None => None,
    }
}

/// `guardduty_features`: which protection plans the detector runs, from `Features` (or, for
/// outputs that predate it, the three `DataSources` it replaced). Keys: `s3_data_events`,
/// `eks_audit_logs`, `ebs_malware_protection`, `rds_login_events`, `lambda_network_logs`,
/// `runtime_monitoring`, and the agent management that makes runtime monitoring reach a
/// workload: `eks_runtime_agent` (EKS add-on managed, under Runtime Monitoring or the older
/// EKS Runtime Monitoring), `ecs_fargate_runtime_agent`, `ec2_runtime_agent`. A feature the
/// output does not list is left out (unknown): GuardDuty lists only the features offered in
/// the region.
fn guardduty_features(r: &Resource) -> Option<Value> {
    let d = r.attributes.get("guardduty_detector")?;
    let enabled = |v: &AttrValue| text(v, "status") == "ENABLED";
    let mut out = Map::new();
    if let Some(features) = d.get("features").and_then(AttrValue::as_array) {
        let find = |name: &str| features.iter().find(|f| text(f, "name") == name);
        let extra = |f: Option<&AttrValue>, name: &str| -> Option<bool> {
            let list = f?.get("additional_configuration")?.as_array()?;
            Some(list.iter().any(|c| text(c, "name") == name && enabled(c)))
        };
        for name in [
            "S3_DATA_EVENTS",
            "EKS_AUDIT_LOGS",
            "EBS_MALWARE_PROTECTION",
            "RDS_LOGIN_EVENTS",
            "LAMBDA_NETWORK_LOGS",
            "RUNTIME_MONITORING",
        ] {
            if let Some(f) = find(name) {
                out.insert(name.to_ascii_lowercase(), json!(enabled(f)));
            }
        }
        let runtime = find("RUNTIME_MONITORING");
        let runtime_on = runtime.map(enabled);
        let agent = |name: &str| match runtime_on {
            Some(true) => extra(runtime, name),
            other => other,
        };
        for (key, name) in [
            ("ecs_fargate_runtime_agent", "ECS_FARGATE_AGENT_MANAGEMENT"),
            ("ec2_runtime_agent", "EC2_AGENT_MANAGEMENT"),
        ] {
            if let Some(v) = agent(name) {
                out.insert(key.into(), json!(v));
            }
        }
        // EKS runtime coverage: either feature, with the add-on managed by GuardDuty.
        let eks = [runtime, find("EKS_RUNTIME_MONITORING")]
            .into_iter()
            .flatten()
            .filter(|f| enabled(f))
            .filter_map(|f| extra(Some(f), "EKS_ADDON_MANAGEMENT"))
            .reduce(|a, b| a || b);
        let eks_known = runtime.is_some() || find("EKS_RUNTIME_MONITORING").is_some();
        if let Some(v) = eks.or(eks_known.then_some(false)) {
            out.insert("eks_runtime_agent".into(), json!(v));
        }
    } else if let Some(ds) = d.get("data_sources") {
        for (key, path) in [
            ("s3_data_events", "/s3_logs/status"),
            ("eks_audit_logs", "/kubernetes/audit_logs/status"),
            (
                "ebs_malware_protection",
                "/malware_protection/scan_ec2_instance_with_findings/ebs_volumes/status",
            ),
        ] {
            if let Some(st) = ds.pointer(path).and_then(AttrValue::as_str) {
                out.insert(key.into(), json!(st == "ENABLED"));
            }
        }
    }
    (!out.is_empty()).then_some(Value::Object(out))
}

/// Facts that need several outputs together, run once all files are merged.
// The signature is every service's `derive`; this one only edits resources in place.
#[allow(clippy::ptr_arg)]
pub fn derive(resources: &mut Vec<Resource>) {
    type Fact = fn(&Resource) -> Option<Value>;
    let facts: [(&str, &str, Fact); 5] = [
        ("config_recording", "config_recorders", config_recording),
        (
            "config_service_linked_role",
            "config_recorders",
            config_service_linked_role,
        ),
        (
            "access_analyzer_external",
            "access_analyzers",
            access_analyzer,
        ),
        ("guardduty_enabled", "guardduty_detector_ids", guardduty),
        (
            "guardduty_features",
            "guardduty_detector",
            guardduty_features,
        ),
    ];
    for r in resources.iter_mut().filter(|r| r.kind == "aws.region") {
        for (key, from, f) in facts {
            if r.attributes.contains_key(key) {
                continue;
            }
            let Some(v) = f(r) else { continue };
            // Evidence points at the output the fact was read from.
            let from = if r.attributes.contains_key(from) {
                from
            } else {
                "guardduty_detector"
            };
            let src = r.source_of(from).clone();
            if src != r.source {
                r.sources.insert(key, src);
            }
            r.attributes.insert(key, v);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Facts, Source};

    fn region(detector: Value) -> Resource {
        Resource {
            provider: "aws".into(),
            kind: "aws.region".into(),
            id: "123456789012/us-east-1".into(),
            name: "us-east-1".into(),
            account: Some("123456789012".into()),
            region: Some("us-east-1".into()),
            attributes: [("guardduty_detector", detector)].into_iter().collect(),
            source: Source {
                file: "f".into(),
                pointer: String::new(),
            },
            sources: Default::default(),
            facts: Facts::default(),
            typed: Default::default(),
        }
    }

    #[test]
    fn guardduty_features_and_runtime_agents() {
        let d = snake_keys(&json!({"Status": "ENABLED", "Features": [
            {"Name": "S3_DATA_EVENTS", "Status": "ENABLED"},
            {"Name": "EKS_AUDIT_LOGS", "Status": "DISABLED"},
            {"Name": "RUNTIME_MONITORING", "Status": "ENABLED", "AdditionalConfiguration": [
                {"Name": "EKS_ADDON_MANAGEMENT", "Status": "ENABLED"},
                {"Name": "ECS_FARGATE_AGENT_MANAGEMENT", "Status": "DISABLED"}]}]}));
        let f = guardduty_features(&region(d)).expect("features");
        assert_eq!(f["s3_data_events"], json!(true));
        assert_eq!(f["eks_audit_logs"], json!(false));
        assert_eq!(f["runtime_monitoring"], json!(true));
        assert_eq!(f["eks_runtime_agent"], json!(true));
        assert_eq!(f["ecs_fargate_runtime_agent"], json!(false));
        // Not listed: unknown, not false.
        assert_eq!(f["ec2_runtime_agent"], json!(false));
        assert!(f.get("rds_login_events").is_none());
        // Runtime monitoring off: every agent is off.
        let off = snake_keys(
            &json!({"Features": [{"Name": "RUNTIME_MONITORING", "Status": "DISABLED"}]}),
        );
        let f = guardduty_features(&region(off)).expect("features");
        assert_eq!(f["ec2_runtime_agent"], json!(false));
        assert_eq!(f["eks_runtime_agent"], json!(false));
        // Older outputs: DataSources only.
        let old = snake_keys(&json!({"DataSources": {"S3Logs": {"Status": "DISABLED"},
            "Kubernetes": {"AuditLogs": {"Status": "ENABLED"}}}}));
        let f = guardduty_features(&region(old)).expect("features");
        assert_eq!(f["s3_data_events"], json!(false));
        assert_eq!(f["eks_audit_logs"], json!(true));
        assert!(f.get("lambda_network_logs").is_none());
    }
}
