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
//!   `guardduty_enabled`;
//! - Security Hub (`securityhub describe-hub`): `security_hub` (`{hub_arn, subscribed_at,
//!   auto_enable_controls, …}`), null when the call says the account is not subscribed
//!   (`InvalidAccessException`).
//!
//! Derived facts are `{"ok": bool, "reason": text, …}` with `ok` absent when the export cannot
//! decide, the same shape as the account-level facts of [`super::cloudtrail`].

use super::config::ConfigType;
use super::{list, snake_keys, Command, Cx, Reply};
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

fn text<'v>(v: &'v Value, key: &str) -> &'v str {
    v.get(key).and_then(Value::as_str).unwrap_or("?")
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
        .and_then(Value::as_array);
    let mut reasons = Vec::new();
    let mut unknown = false;
    for rec in recorders {
        let name = text(rec, "name");
        let group = rec.get("recording_group");
        let flag = |k: &str| group.and_then(|g| g.get(k)).and_then(Value::as_bool);
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
        if st.get("recording").and_then(Value::as_bool) != Some(true) {
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
        .and_then(Value::as_array);
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

/// Facts that need several outputs together, run once all files are merged.
// The signature is every service's `derive`; this one only edits resources in place.
#[allow(clippy::ptr_arg)]
pub fn derive(resources: &mut Vec<Resource>) {
    type Fact = fn(&Resource) -> Option<Value>;
    let facts: [(&str, &str, Fact); 4] = [
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
                r.sources.insert(key.into(), src);
            }
            r.attributes.insert(key.into(), v);
        }
    }
}
