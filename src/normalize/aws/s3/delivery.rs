//! Where a bucket's objects and events go: replication rules (`get-bucket-replication`, Config
//! `BucketReplicationConfiguration`), event notifications
//! (`get-bucket-notification-configuration`, Config `BucketNotificationConfiguration`) and
//! Object Lock (`get-object-lock-configuration`; Config does not record it).
//!
//! Attributes on `aws.s3.bucket`:
//! - `replication_rules`: `[{id, status, destination_bucket}]`, null when the bucket has no
//!   replication configuration; derived `replicates_cross_region` (an Enabled rule whose
//!   destination bucket is in the export and lives in another region: true; no Enabled rule,
//!   or every Enabled destination known to be in the bucket's own region: false; otherwise
//!   absent) with `replication_destination_regions`;
//! - `event_notifications`: `[{type, target, events}]` (`type` topic, queue, lambda or
//!   eventbridge), `[]` when none is configured;
//! - `object_lock_enabled` (bool) and `object_lock_default_retention` (`{mode, days, years}` or
//!   null).
//!
//! The CLI prints rules as a list and Config as a map keyed by rule id (with `bucketARN` under
//! `destinationConfig`); notifications likewise (Config: `configurations` keyed by id with a
//! `type` of `TopicConfiguration`, `QueueConfiguration` or `LambdaConfiguration`).

use super::super::{field, Cx, Reply};
use super::{bucket, region_of_location};
use crate::attr_value::AttrValue;
use crate::normalize::NormalizeError;
use crate::Resource;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

type Out = Result<Vec<Resource>, NormalizeError>;

fn one(cx: &Cx, operation: &str, key: &str, v: Value) -> Out {
    let Some(name) = cx.arg_or_note("bucket", &format!("s3api {operation}")) else {
        return Ok(vec![]);
    };
    let attrs = Map::from_iter([(key.to_string(), v)]);
    Ok(vec![bucket(cx, name, &cx.pointer, attrs, None)])
}

/// A bucket name from a destination (`arn:aws:s3:::NAME`) or the name itself.
fn bucket_name(dest: &str) -> &str {
    dest.rsplit(":::").next().unwrap_or(dest)
}

/// Replication rules in our shape from the CLI's list or Config's map.
pub fn replication_rules(config: &Value) -> Value {
    let rules: Vec<(Option<&str>, &Map<String, Value>)> =
        match config.as_object().and_then(|c| field(c, "Rules")) {
            Some(Value::Array(a)) => a
                .iter()
                .filter_map(Value::as_object)
                .map(|r| (field(r, "ID").and_then(Value::as_str), r))
                .collect(),
            Some(Value::Object(m)) => m
                .iter()
                .filter_map(|(k, r)| Some((Some(k.as_str()), r.as_object()?)))
                .collect(),
            _ => Vec::new(),
        };
    Value::Array(
        rules
            .into_iter()
            .map(|(id, r)| {
                let dest = ["Destination", "destinationConfig"]
                    .iter()
                    .find_map(|k| field(r, k))
                    .and_then(Value::as_object);
                let target = dest
                    .and_then(|d| field(d, "Bucket").or_else(|| field(d, "bucketARN")))
                    .and_then(Value::as_str)
                    .map(bucket_name);
                json!({"id": id, "status": field(r, "Status"), "destination_bucket": target})
            })
            .collect(),
    )
}

pub fn replication(cx: &Cx, reply: Reply) -> Out {
    let v = match reply {
        Reply::Output(doc) => match doc.get("ReplicationConfiguration") {
            Some(c) => replication_rules(c),
            None => return Ok(vec![]),
        },
        Reply::Absent(_) => Value::Null,
    };
    one(cx, "get-bucket-replication", "replication_rules", v)
}

/// Notification targets from the CLI's three lists plus EventBridge.
fn cli_notifications(doc: &Value) -> Value {
    let mut out = Vec::new();
    for (key, kind, arn) in [
        ("TopicConfigurations", "topic", "TopicArn"),
        ("QueueConfigurations", "queue", "QueueArn"),
        (
            "LambdaFunctionConfigurations",
            "lambda",
            "LambdaFunctionArn",
        ),
    ] {
        for c in doc.get(key).and_then(Value::as_array).into_iter().flatten() {
            out.push(json!({"type": kind, "target": c.get(arn), "events": c.get("Events")}));
        }
    }
    if doc.get("EventBridgeConfiguration").is_some() {
        out.push(json!({"type": "eventbridge", "target": null, "events": ["*"]}));
    }
    Value::Array(out)
}

/// Notification targets from Config's `{"configurations": {id: {type, topicARN, …}}}`.
pub fn config_notifications(v: &Value) -> Value {
    let configs = v.get("configurations").and_then(Value::as_object);
    Value::Array(
        configs
            .into_iter()
            .flatten()
            .map(|(_, c)| {
                let (kind, arn) = match c.get("type").and_then(Value::as_str) {
                    Some("TopicConfiguration") => ("topic", "topicARN"),
                    Some("QueueConfiguration") => ("queue", "queueARN"),
                    Some("LambdaConfiguration") => ("lambda", "functionARN"),
                    _ => ("other", ""),
                };
                json!({"type": kind, "target": c.get(arn), "events": c.get("events")})
            })
            .collect(),
    )
}

pub fn notifications(cx: &Cx, reply: Reply) -> Out {
    let Reply::Output(doc) = reply else {
        return Ok(vec![]);
    };
    one(
        cx,
        "get-bucket-notification-configuration",
        "event_notifications",
        cli_notifications(doc),
    )
}

pub fn object_lock(cx: &Cx, reply: Reply) -> Out {
    let Some(name) = cx.arg_or_note("bucket", "s3api get-object-lock-configuration") else {
        return Ok(vec![]);
    };
    let config = match reply {
        Reply::Output(doc) => match doc.get("ObjectLockConfiguration") {
            Some(c) => Some(c),
            None => return Ok(vec![]),
        },
        Reply::Absent(_) => None,
    };
    let enabled = config
        .and_then(|c| c.get("ObjectLockEnabled"))
        .and_then(Value::as_str)
        == Some("Enabled");
    let retention = config
        .and_then(|c| c.pointer("/Rule/DefaultRetention"))
        .map(super::super::snake_keys)
        .unwrap_or(Value::Null);
    let attrs = Map::from_iter([
        ("object_lock_enabled".to_string(), json!(enabled)),
        ("object_lock_default_retention".to_string(), retention),
    ]);
    Ok(vec![bucket(cx, name, &cx.pointer, attrs, None)])
}

/// `replicates_cross_region`, from each Enabled rule's destination bucket's region.
pub fn derive(resources: &mut [Resource]) {
    let regions: BTreeMap<String, String> = resources
        .iter()
        .filter(|r| r.kind == "aws.s3.bucket")
        .filter_map(|r| {
            let region = r.region.clone().or_else(|| {
                let c = r.attributes.get("location_constraint")?;
                Some(region_of_location(c.as_str()).to_string())
            })?;
            Some((r.name.clone(), region))
        })
        .collect();
    for r in resources.iter_mut().filter(|r| r.kind == "aws.s3.bucket") {
        let Some(rules) = r.attributes.get("replication_rules") else {
            continue;
        };
        let own = regions.get(&r.name);
        let enabled: Vec<Option<&str>> = rules
            .as_array()
            .into_iter()
            .flatten()
            .filter(|rule| rule.get("status").and_then(AttrValue::as_str) == Some("Enabled"))
            .map(|rule| {
                rule.get("destination_bucket")
                    .and_then(AttrValue::as_str)
                    .and_then(|b| regions.get(b))
                    .map(String::as_str)
            })
            .collect();
        let known: Vec<&str> = enabled.iter().flatten().copied().collect();
        let verdict = if enabled.is_empty() {
            Some(false)
        } else if own.is_some_and(|o| known.iter().any(|d| d != o)) {
            Some(true)
        } else if own.is_some() && known.len() == enabled.len() {
            Some(false)
        } else {
            None
        };
        let known = json!(known);
        if let Some(v) = verdict {
            r.attributes.insert("replicates_cross_region", json!(v));
            r.attributes
                .insert("replication_destination_regions", known);
            let src = r.source_of("replication_rules").clone();
            if src != r.source {
                r.sources.insert("replicates_cross_region", src);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_shapes_of_rules_and_notifications() {
        let cli = json!({"Role": "arn:aws:iam::123456789012:role/repl", "Rules": [{"ID": "all", "Status": "Enabled",
            "Priority": 1, "Filter": {}, "Destination": {"Bucket": "arn:aws:s3:::example-dr"}}]});
        let config = json!({"roleARN": "arn:aws:iam::123456789012:role/repl", "rules": {"all": {"prefix": "",
            "status": "Enabled", "destinationConfig": {"bucketARN": "arn:aws:s3:::example-dr", "storageClass": null}}}});
        assert_eq!(replication_rules(&cli), replication_rules(&config));
        assert_eq!(
            replication_rules(&cli)[0]["destination_bucket"],
            json!("example-dr")
        );
        let cli = cli_notifications(&json!({"QueueConfigurations": [{"Id": "q",
            "QueueArn": "arn:aws:sqs:us-east-1:123456789012:uploads", "Events": ["s3:ObjectCreated:*"]}]}));
        let config = config_notifications(
            &json!({"configurations": {"q": {"type": "QueueConfiguration",
            "queueARN": "arn:aws:sqs:us-east-1:123456789012:uploads", "events": ["s3:ObjectCreated:*"], "objectPrefixes": []}}}),
        );
        assert_eq!(cli, config);
        assert_eq!(cli_notifications(&json!({})), json!([]));
        assert_eq!(
            cli_notifications(&json!({"EventBridgeConfiguration": {}}))[0]["type"],
            json!("eventbridge")
        );
    }
}
