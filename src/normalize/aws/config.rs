//! AWS Config: configuration items in every envelope Config hands them out in, reduced to one
//! [`Item`] so the same service normaliser (and so the same rules) serve them all:
//! - snapshot and history files: `{"configurationItems": […]}` (snapshot items spell `ARN` and
//!   `awsAccountId`, API items `arn` and `accountId`);
//! - `batch-get-resource-config`: `{"baseConfigurationItems": […]}`;
//! - one item alone, or a change notification `{"configurationItem": {…}}`;
//! - a Config rule's Lambda event, whose `invokingEvent` is that notification as a JSON string;
//! - `select-resource-config`: `{"Results": ["{…}", …], "QueryInfo": …}`, rows as JSON strings.
//!
//! `configuration` is an object in snapshots and a JSON string from the API; supplementary
//! configuration values are JSON strings or objects. Both are parsed here.

use super::{snake_keys, Cx};
use crate::normalize::NormalizeError;
use crate::pointer::join;
use crate::Resource;
use serde_json::{Map, Value};
use std::borrow::Cow;

/// One configuration item, whatever envelope it came in.
pub struct Item<'a> {
    pub resource_type: &'a str,
    pub resource_id: &'a str,
    pub resource_name: Option<&'a str>,
    pub arn: Option<&'a str>,
    pub account: Option<&'a str>,
    pub region: Option<&'a str>,
    pub capture_time: Option<&'a str>,
    pub configuration: Cow<'a, Value>,
    /// Supplementary configuration with JSON-string values parsed.
    pub supplementary: Map<String, Value>,
    pub tags: Option<&'a Value>,
    /// Pointer of the item in its file.
    pub pointer: String,
}

pub type ConfigFn = fn(&Cx, &Item) -> Result<Vec<Resource>, NormalizeError>;

/// Config resource types a service module reads into its own kinds. Types not listed become a
/// generic resource so that every item is recognised and browsable.
pub struct ConfigType {
    pub resource_type: &'static str,
    pub normalize: ConfigFn,
}

fn handler(resource_type: &str) -> Option<&'static ConfigType> {
    super::CONFIG_TABLES
        .iter()
        .flat_map(|t| t.iter())
        .find(|t| t.resource_type == resource_type)
}

/// True for any of the envelopes above.
pub fn is_config(doc: &Value) -> bool {
    // A bare list of items, as some tools and samples save them.
    if let Some(items) = doc.as_array() {
        return !items.is_empty() && items.iter().all(|i| i.as_object().is_some_and(is_item));
    }
    let Some(m) = doc.as_object() else {
        return false;
    };
    m.get("configurationItems").is_some_and(Value::is_array)
        || m.get("baseConfigurationItems").is_some_and(Value::is_array)
        || m.get("configurationItem").is_some_and(Value::is_object)
        || m.get("invokingEvent").is_some_and(Value::is_string)
        || (m.get("Results").is_some_and(Value::is_array) && m.contains_key("QueryInfo"))
        || is_item(m)
}

fn is_item(m: &Map<String, Value>) -> bool {
    m.get("resourceType").is_some_and(Value::is_string)
        && m.contains_key("configurationItemCaptureTime")
}

pub fn normalize(
    doc: &Value,
    file: &str,
    base: &str,
) -> Result<(Vec<Resource>, Vec<String>), NormalizeError> {
    let mut out = Vec::new();
    let mut notes = Vec::new();
    collect(doc, file, base, &mut out, &mut notes)?;
    Ok((out, notes))
}

fn collect(
    doc: &Value,
    file: &str,
    base: &str,
    out: &mut Vec<Resource>,
    notes: &mut Vec<String>,
) -> Result<(), NormalizeError> {
    if let Some(items) = doc.as_array() {
        for (i, item) in items.iter().enumerate() {
            collect(item, file, &join(base, i), out, notes)?;
        }
        return Ok(());
    }
    let Some(m) = doc.as_object() else {
        return Err(NormalizeError {
            pointer: base.to_string(),
            message: "a configuration item must be an object".into(),
        });
    };
    for key in ["configurationItems", "baseConfigurationItems"] {
        if let Some(items) = m.get(key).and_then(Value::as_array) {
            for (i, item) in items.iter().enumerate() {
                collect(item, file, &join(&join(base, key), i), out, notes)?;
            }
            return Ok(());
        }
    }
    if let Some(item) = m.get("configurationItem").filter(|v| v.is_object()) {
        return collect(item, file, &join(base, "configurationItem"), out, notes);
    }
    if let Some(event) = m.get("invokingEvent").and_then(Value::as_str) {
        let parsed: Value = serde_json::from_str(event).map_err(|e| NormalizeError {
            pointer: join(base, "invokingEvent"),
            message: format!("invokingEvent is not valid JSON: {e}"),
        })?;
        // Evidence pointers cannot reach inside a string; they point at the event instead.
        let before = out.len();
        if parsed
            .get("configurationItem")
            .is_some_and(Value::is_object)
            || parsed.get("configurationItems").is_some()
        {
            collect(&parsed, file, &join(base, "invokingEvent"), out, notes)?;
        }
        if out.len() == before {
            let kind = parsed
                .get("messageType")
                .and_then(Value::as_str)
                .unwrap_or("event");
            notes.push(format!(
                "a Config rule invocation ({kind}) that carries no configuration item"
            ));
        }
        return Ok(());
    }
    if let Some(rows) = m.get("Results").and_then(Value::as_array) {
        for (i, row) in rows.iter().enumerate() {
            let ptr = join(&join(base, "Results"), i);
            let parsed: Value = match row {
                Value::String(s) => serde_json::from_str(s).map_err(|e| NormalizeError {
                    pointer: ptr.clone(),
                    message: format!("select-resource-config row is not valid JSON: {e}"),
                })?,
                other => other.clone(),
            };
            if parsed.get("resourceType").is_some() {
                item(&parsed, file, &ptr, out, notes)?;
            } else if i == 0 {
                notes.push(
                    "select-resource-config rows without resourceType cannot be attached to a \
                     resource kind; select resourceType, resourceId, arn, accountId, awsRegion \
                     and configuration"
                        .into(),
                );
            }
        }
        return Ok(());
    }
    item(doc, file, base, out, notes)
}

fn item(
    doc: &Value,
    file: &str,
    ptr: &str,
    out: &mut Vec<Resource>,
    notes: &mut Vec<String>,
) -> Result<(), NormalizeError> {
    let Some(m) = doc.as_object() else {
        return Err(NormalizeError {
            pointer: ptr.to_string(),
            message: "a configuration item must be an object".into(),
        });
    };
    let s = |k: &str| m.get(k).and_then(Value::as_str);
    let Some(resource_type) = s("resourceType") else {
        return Err(NormalizeError {
            pointer: ptr.to_string(),
            message: "configuration item has no resourceType".into(),
        });
    };
    // Deleted resources are history, not posture.
    if matches!(
        s("configurationItemStatus"),
        Some("ResourceDeleted" | "ResourceDeletedNotRecorded")
    ) {
        return Ok(());
    }
    let resource_id = s("resourceId").or(s("resourceName")).unwrap_or("");
    let configuration = match m.get("configuration") {
        Some(Value::String(text)) => {
            Cow::Owned(serde_json::from_str(text).map_err(|e| NormalizeError {
                pointer: crate::pointer::join(ptr, "configuration"),
                message: format!("configuration is a string but not valid JSON: {e}"),
            })?)
        }
        Some(v) => Cow::Borrowed(v),
        None => Cow::Owned(Value::Null),
    };
    let supplementary = m
        .get("supplementaryConfiguration")
        .and_then(Value::as_object)
        .map(|sup| {
            sup.iter()
                .map(|(k, v)| {
                    let parsed = match v {
                        Value::String(t) if t.starts_with(['{', '[']) => {
                            serde_json::from_str(t).unwrap_or_else(|_| v.clone())
                        }
                        other => other.clone(),
                    };
                    (k.clone(), parsed)
                })
                .collect()
        })
        .unwrap_or_default();
    let it = Item {
        resource_type,
        resource_id,
        resource_name: s("resourceName"),
        arn: s("ARN").or(s("arn")),
        account: s("awsAccountId").or(s("accountId")),
        region: s("awsRegion"),
        capture_time: s("configurationItemCaptureTime"),
        configuration,
        supplementary,
        tags: m.get("tags"),
        pointer: ptr.to_string(),
    };
    let cx = Cx {
        account: it.account,
        region: it.region,
        ..Cx::new(file, ptr)
    };
    let mut rs = match handler(resource_type) {
        Some(h) => (h.normalize)(&cx, &it)?,
        None => vec![generic(&cx, &it)],
    };
    out.append(&mut rs);
    for n in cx.take_notes() {
        if !notes.contains(&n) {
            notes.push(n);
        }
    }
    Ok(())
}

/// `AWS::DynamoDB::Table` → `aws.dynamodb.table`.
pub fn kind_of(resource_type: &str) -> String {
    // The service part is lower-cased whole (`DynamoDB` → `dynamodb`, as in ARNs); the type
    // part is snake_case (`SecurityGroup` → `security_group`).
    let parts: Vec<String> = resource_type
        .split("::")
        .enumerate()
        .map(|(i, p)| {
            if i < 2 {
                p.to_ascii_lowercase()
            } else {
                super::snake(p)
            }
        })
        .collect();
    parts.join(".")
}

/// A resource type no rule reads yet: kept whole, with its configuration in snake_case, so it
/// shows in the inventory and a custom rule can reach it.
fn generic(cx: &Cx, it: &Item) -> Resource {
    let mut attrs = Map::new();
    attrs.insert(
        "resource_type".into(),
        Value::String(it.resource_type.into()),
    );
    attrs.insert("configuration".into(), snake_keys(&it.configuration));
    if !it.supplementary.is_empty() {
        attrs.insert(
            "supplementary_configuration".into(),
            snake_keys(&Value::Object(it.supplementary.clone())),
        );
    }
    if let Some(t) = it.tags {
        attrs.insert("tags".into(), t.clone());
    }
    let id = it
        .arn
        .map(str::to_string)
        .unwrap_or_else(|| format!("{}:{}", it.resource_type, it.resource_id));
    cx.resource(
        &kind_of(it.resource_type),
        id,
        it.resource_name.unwrap_or(it.resource_id),
        it.region,
        &it.pointer,
        attrs,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn kinds_from_resource_types() {
        assert_eq!(kind_of("AWS::DynamoDB::Table"), "aws.dynamodb.table");
        assert_eq!(kind_of("AWS::EC2::SecurityGroup"), "aws.ec2.security_group");
    }

    #[test]
    fn every_envelope_yields_the_same_item() {
        let api = json!({"version": "1.3", "accountId": "123456789012", "arn": "arn:aws:dynamodb:us-east-1:123456789012:table/alerts",
            "resourceType": "AWS::DynamoDB::Table", "resourceId": "arn:aws:dynamodb:us-east-1:123456789012:table/alerts", "awsRegion": "us-east-1",
            "configurationItemCaptureTime": "2026-11-01T00:00:00.000Z", "configurationItemStatus": "OK",
            "configuration": "{\"TableArn\": \"arn:aws:dynamodb:us-east-1:123456789012:table/alerts\"}", "supplementaryConfiguration": {}});
        let snapshot = json!({"configurationItems": [api.clone()]});
        let bare_list = json!([api.clone()]);
        let event = json!({"invokingEvent": serde_json::to_string(&json!({"configurationItem": api.clone(), "messageType": "ConfigurationItemChangeNotification"})).unwrap_or_default()});
        let select =
            json!({"QueryInfo": {}, "Results": [serde_json::to_string(&api).unwrap_or_default()]});
        for doc in [api, snapshot, bare_list, event, select] {
            assert!(is_config(&doc), "{doc}");
            let (rs, _) = normalize(&doc, "c.json", "").expect("normalises");
            assert_eq!(rs.len(), 1, "{doc}");
            assert_eq!(rs[0].kind, "aws.dynamodb.table");
            assert_eq!(rs[0].account.as_deref(), Some("123456789012"));
            assert_eq!(
                rs[0].attributes["configuration"]["table_arn"],
                json!("arn:aws:dynamodb:us-east-1:123456789012:table/alerts")
            );
        }
    }

    #[test]
    fn deleted_items_are_skipped_and_bad_strings_located() {
        let deleted = json!({"resourceType": "AWS::S3::Bucket", "resourceId": "b", "configurationItemCaptureTime": "x",
            "configurationItemStatus": "ResourceDeleted", "configuration": null});
        assert!(normalize(&deleted, "c.json", "").expect("ok").0.is_empty());
        let bad = json!({"configurationItems": [{"resourceType": "AWS::S3::Bucket", "resourceId": "b",
            "configurationItemCaptureTime": "x", "configuration": "{not json"}]});
        let e = normalize(&bad, "c.json", "").expect_err("bad configuration string");
        assert_eq!(e.pointer, "/configurationItems/0/configuration");
    }
}
