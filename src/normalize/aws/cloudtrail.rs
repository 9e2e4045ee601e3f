//! CloudTrail: trails (`describe-trails`, AWS Config `AWS::CloudTrail::Trail`), their status
//! (`get-trail-status`) and event selectors (`get-event-selectors`, basic and advanced).
//!
//! `aws.cloudtrail.trail`: id = TrailARN (a multi-region trail is listed by every region's
//! `describe-trails`; the ARN makes those listings one resource), region = home region.
//! - trail settings: `name`, `home_region`, `is_multi_region_trail`, `is_organization_trail`,
//!   `include_global_service_events`, `log_file_validation_enabled`, `s3_bucket_name`,
//!   `s3_key_prefix`, `sns_topic_arn`, `has_custom_event_selectors`, `has_insight_selectors`,
//!   `cloud_watch_logs_role_arn`; `kms_key_id` and `cloud_watch_logs_log_group_arn` are null
//!   when the trail has none (both shapes omit them then), and `log_group_name` is the group's
//!   name from that ARN;
//! - `get-trail-status`: `is_logging`, `latest_delivery_time`, `latest_delivery_error`,
//!   `latest_cloud_watch_logs_delivery_time`, `latest_cloud_watch_logs_delivery_error`,
//!   `start_logging_time`, `stop_logging_time` (times as `2026-11-28T09:00:00Z`);
//! - `get-event-selectors`: `event_selectors` and `advanced_event_selectors` (snake_case copies,
//!   null for the style not in use) and what they add up to ([`selectors`]):
//!   `management_events_read`, `management_events_write`, `s3_object_read_events_all_buckets`,
//!   `s3_object_write_events_all_buckets`. A trail whose `has_custom_event_selectors` is false
//!   has AWS's default selector (all management events, no data events); [`derive`] says so
//!   when `get-event-selectors` was not collected;
//! - derived: `s3_bucket_logging`, the trail bucket's server access logging as its
//!   `aws.s3.bucket` resource states it: `{target_bucket, target_prefix}`, null when off,
//!   absent when the bucket is not in the export; `s3_bucket_publicly_accessible`, the S3
//!   normaliser's `publicly_accessible` verdict on that bucket (absent when it cannot decide).
//!
//! On `aws.account`, for every account whose trails were listed: `cloudtrail_all_regions`
//! (CIS 3.1), `cloudtrail_s3_object_writes` (3.8), `cloudtrail_s3_object_reads` (3.9),
//! `cloudtrail_any_logging` (some trail, of any scope, is logging; FSBP CloudTrail.3). Each is
//! `{"ok": bool, "trail": ARN, "reason": text}`; `ok` is absent when the export cannot decide
//! and `reason` then says what is missing. `cloudtrail_trails_listed` marks an account whose
//! `describe-trails` was collected, so that "no trail" is known rather than unknown.

mod selectors;

use super::config::{ConfigType, Item};
use super::{list, required, snake_keys, str_at, Command, Cx, Reply};
use crate::attr_value::AttrValue;
use crate::normalize::NormalizeError;
use crate::{Facts, Resource, Source};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

pub const TRAIL: &str = "aws.cloudtrail.trail";

pub const COMMANDS: &[Command] = &[
    Command {
        id: "aws-cloudtrail-describe-trails",
        service: "cloudtrail",
        operation: "describe-trails",
        signature: &["trailList"],
        // The account-level CloudTrail and alarm verdicts start from this listing.
        kinds: &[TRAIL, "aws.account"],
        absent_codes: &[],
        normalize: describe_trails,
    },
    Command {
        id: "aws-cloudtrail-get-trail-status",
        service: "cloudtrail",
        operation: "get-trail-status",
        signature: &["IsLogging"],
        kinds: &[TRAIL],
        absent_codes: &[],
        normalize: trail_status,
    },
    Command {
        id: "aws-cloudtrail-get-event-selectors",
        service: "cloudtrail",
        operation: "get-event-selectors",
        signature: &["TrailARN", "EventSelectors"],
        kinds: &[TRAIL],
        absent_codes: &[],
        normalize: event_selectors,
    },
    // The same command with advanced selectors: a second row only so a lone output of that
    // shape is recognised too (bundles find the first row by service and operation).
    Command {
        id: "aws-cloudtrail-get-event-selectors-advanced",
        service: "cloudtrail",
        operation: "get-event-selectors",
        signature: &["TrailARN", "AdvancedEventSelectors"],
        kinds: &[TRAIL],
        absent_codes: &[],
        normalize: event_selectors,
    },
];

/// AWS Config resource types read into the same kinds as the CLI outputs.
pub const CONFIG: &[ConfigType] = &[ConfigType {
    resource_type: "AWS::CloudTrail::Trail",
    normalize: config_trail,
}];

const TRAIL_KEYS: &[&str] = &[
    "name",
    "home_region",
    "is_multi_region_trail",
    "is_organization_trail",
    "include_global_service_events",
    "log_file_validation_enabled",
    "s3_bucket_name",
    "s3_key_prefix",
    "sns_topic_arn",
    "has_custom_event_selectors",
    "has_insight_selectors",
    "cloud_watch_logs_role_arn",
];

/// A trail description omits these when the trail has none: absent here means "known: none".
const NULL_WHEN_ABSENT: &[&str] = &["kms_key_id", "cloud_watch_logs_log_group_arn"];

/// Trail settings from a description with snake_case keys (CLI or AWS Config).
fn trail_attributes(t: &Map<String, Value>) -> Map<String, Value> {
    let mut attrs = Map::new();
    for k in TRAIL_KEYS {
        if let Some(v) = t.get(*k) {
            attrs.insert(k.to_string(), v.clone());
        }
    }
    for k in NULL_WHEN_ABSENT {
        let v = t
            .get(*k)
            .filter(|v| v.as_str().is_some_and(|s| !s.is_empty()))
            .cloned()
            .unwrap_or(Value::Null);
        attrs.insert(k.to_string(), v);
    }
    let group = attrs["cloud_watch_logs_log_group_arn"]
        .as_str()
        .and_then(log_group_name)
        .map_or(Value::Null, |n| Value::String(n.into()));
    attrs.insert("log_group_name".into(), group);
    if let Some(v) = t.get("is_logging").filter(|v| v.is_boolean()) {
        attrs.insert("is_logging".into(), v.clone());
    }
    selector_attributes(t, &mut attrs);
    attrs
}

/// `arn:aws:logs:us-east-1:123456789012:log-group:CloudTrail/logs:*` → `CloudTrail/logs`.
pub(super) fn log_group_name(arn: &str) -> Option<&str> {
    let rest = arn.split_once(":log-group:")?.1;
    rest.split(':').next().filter(|n| !n.is_empty())
}

/// Selectors and their coverage, when the (snake_case) object carries selectors.
fn selector_attributes(t: &Map<String, Value>, attrs: &mut Map<String, Value>) {
    let advanced = t
        .get("advanced_event_selectors")
        .and_then(Value::as_array)
        .filter(|a| !a.is_empty());
    let basic = t.get("event_selectors").and_then(Value::as_array);
    let coverage = match (advanced, basic) {
        (Some(a), _) => selectors::advanced(a),
        (None, Some(b)) => selectors::basic(b),
        (None, None) => return,
    };
    let array_or_null = |v: Option<&Vec<Value>>| v.map_or(Value::Null, |a| Value::Array(a.clone()));
    attrs.insert(
        "event_selectors".into(),
        array_or_null(basic.filter(|_| advanced.is_none())),
    );
    attrs.insert("advanced_event_selectors".into(), array_or_null(advanced));
    for (k, v) in [
        ("management_events_read", coverage.management_read),
        ("management_events_write", coverage.management_write),
        (
            "s3_object_read_events_all_buckets",
            coverage.s3_object_read_all_buckets,
        ),
        (
            "s3_object_write_events_all_buckets",
            coverage.s3_object_write_all_buckets,
        ),
    ] {
        attrs.insert(k.into(), Value::Bool(v));
    }
}

fn describe_trails(cx: &Cx, reply: Reply) -> Result<Vec<Resource>, NormalizeError> {
    let Reply::Output(doc) = reply else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for (ptr, t) in list(doc, "trailList", cx)? {
        let arn = required(t, "TrailARN", &ptr)?;
        let snake = snake_keys(&Value::Object(t.clone()));
        let attrs = snake.as_object().map(trail_attributes).unwrap_or_default();
        let name = str_at(t, "Name").unwrap_or(arn);
        out.push(cx.resource(TRAIL, arn, name, str_at(t, "HomeRegion"), &ptr, attrs));
    }
    // "No trail" is a fact only when we know whose trails were listed.
    if cx.account.is_some() {
        let mut marker = Map::new();
        marker.insert("cloudtrail_trails_listed".into(), Value::Bool(true));
        out.extend(cx.account_resource("cloudtrail describe-trails", &cx.pointer, marker));
    }
    Ok(out)
}

/// A trail named by ARN or by name (then in the call's region, as `get-trail-status` resolves it).
fn trail_id(cx: &Cx, name_or_arn: &str) -> (String, String, Option<String>) {
    if name_or_arn.starts_with("arn:") {
        let region = name_or_arn.split(':').nth(3).map(str::to_string);
        let name = name_or_arn
            .rsplit_once(":trail/")
            .map_or(name_or_arn, |(_, n)| n);
        (name_or_arn.to_string(), name.to_string(), region)
    } else {
        let id = cx.arn("cloudtrail", cx.region, &format!("trail/{name_or_arn}"));
        (id, name_or_arn.to_string(), None)
    }
}

/// A timestamp as `2026-11-28T09:00:00Z`, whichever way the output spells it.
fn time_text(v: &Value) -> Option<Value> {
    match v {
        Value::String(s) if s.is_empty() => None,
        other => crate::time::parse(other).map(|t| Value::String(crate::time::format(t))),
    }
}

fn trail_status(cx: &Cx, reply: Reply) -> Result<Vec<Resource>, NormalizeError> {
    let Reply::Output(doc) = reply else {
        return Ok(Vec::new());
    };
    let Some(name) = cx
        .arg("name")
        .or_else(|| cx.arg_or_note("trail-name", "cloudtrail get-trail-status"))
    else {
        return Ok(Vec::new());
    };
    let Some(m) = doc.as_object() else {
        return Ok(Vec::new());
    };
    let mut attrs = Map::new();
    if let Some(v) = m.get("IsLogging").filter(|v| v.is_boolean()) {
        attrs.insert("is_logging".into(), v.clone());
    }
    for key in [
        "LatestDeliveryTime",
        "LatestCloudWatchLogsDeliveryTime",
        "StartLoggingTime",
        "StopLoggingTime",
    ] {
        if let Some(t) = m.get(key).and_then(time_text) {
            attrs.insert(super::snake(key), t);
        }
    }
    for key in ["LatestDeliveryError", "LatestCloudWatchLogsDeliveryError"] {
        let v = m
            .get(key)
            .filter(|v| v.as_str().is_some_and(|s| !s.is_empty()))
            .cloned()
            .unwrap_or(Value::Null);
        attrs.insert(super::snake(key), v);
    }
    Ok(vec![trail_fragment(cx, name, attrs)])
}

/// A fragment of the trail a per-trail call names.
fn trail_fragment(cx: &Cx, name_or_arn: &str, attrs: Map<String, Value>) -> Resource {
    let (id, name, region) = trail_id(cx, name_or_arn);
    cx.resource(TRAIL, id, name, region.as_deref(), &cx.pointer, attrs)
}

fn event_selectors(cx: &Cx, reply: Reply) -> Result<Vec<Resource>, NormalizeError> {
    let Reply::Output(doc) = reply else {
        return Ok(Vec::new());
    };
    let Some(m) = doc.as_object() else {
        return Ok(Vec::new());
    };
    let Some(arn) = str_at(m, "TrailARN")
        .or_else(|| cx.arg_or_note("trail-name", "cloudtrail get-event-selectors"))
    else {
        return Ok(Vec::new());
    };
    let snake = snake_keys(doc);
    let mut attrs = Map::new();
    if let Some(s) = snake.as_object() {
        selector_attributes(s, &mut attrs);
    }
    if attrs.is_empty() {
        return Ok(Vec::new());
    }
    Ok(vec![trail_fragment(cx, arn, attrs)])
}

fn config_trail(cx: &Cx, it: &Item) -> Result<Vec<Resource>, NormalizeError> {
    let conf = snake_keys(&it.configuration);
    let Some(m) = conf.as_object() else {
        return Err(NormalizeError {
            pointer: crate::pointer::join(&it.pointer, "configuration"),
            message: "an AWS::CloudTrail::Trail item needs a configuration object".into(),
        });
    };
    let Some(arn) = it.arn.or_else(|| str_at(m, "trail_arn")) else {
        return Err(NormalizeError {
            pointer: it.pointer.clone(),
            message: "an AWS::CloudTrail::Trail item needs an ARN".into(),
        });
    };
    let mut attrs = trail_attributes(m);
    if let Some(tags) = it.tags {
        attrs.insert("tags".into(), tags.clone());
    }
    let name = it
        .resource_name
        .or(str_at(m, "name"))
        .unwrap_or(it.resource_id);
    let region = str_at(m, "home_region").or(it.region);
    Ok(vec![cx.resource(
        TRAIL,
        arn,
        name,
        region,
        &it.pointer,
        attrs,
    )])
}

// ---- facts across outputs ----

/// A boolean attribute: `Some` when the export states it.
pub(super) fn flag(r: &Resource, key: &str) -> Option<bool> {
    r.attributes.get(key).and_then(AttrValue::as_bool)
}

/// Whether a trail meets every requirement: `(truth, reasons it does not, or may not)`.
/// Each requirement is (boolean attribute, what false means, what is missing when unknown).
pub(super) fn meets(
    r: &Resource,
    requirements: &[(&str, &str, &str)],
) -> (Option<bool>, Vec<String>) {
    let mut failed = Vec::new();
    let mut unknown = Vec::new();
    for (key, when_false, when_unknown) in requirements {
        match flag(r, key) {
            Some(true) => {}
            Some(false) => failed.push(when_false.to_string()),
            None => unknown.push(when_unknown.to_string()),
        }
    }
    if !failed.is_empty() {
        (Some(false), failed)
    } else if !unknown.is_empty() {
        (None, unknown)
    } else {
        (Some(true), Vec::new())
    }
}

/// What CIS 3.1 (and the CloudWatch alarms of section 4) ask of a trail: multi-region, logging,
/// every management event read and write.
pub(super) const ALL_REGIONS_MANAGEMENT: &[(&str, &str, &str)] = &[
    (
        "is_multi_region_trail",
        "is single-region",
        "its multi-region setting is not in the export",
    ),
    (
        "is_logging",
        "is not logging (get-trail-status IsLogging false)",
        "its logging status was not collected (cloudtrail get-trail-status)",
    ),
    (
        "management_events_read",
        "does not record every read management event",
        "its event selectors were not collected (cloudtrail get-event-selectors)",
    ),
    (
        "management_events_write",
        "does not record every write management event",
        "its event selectors were not collected (cloudtrail get-event-selectors)",
    ),
];

const S3_WRITES: &[(&str, &str, &str)] = &[
    ALL_REGIONS_MANAGEMENT[0],
    ALL_REGIONS_MANAGEMENT[1],
    (
        "s3_object_write_events_all_buckets",
        "does not record S3 object-level write events for all buckets",
        "its event selectors were not collected (cloudtrail get-event-selectors)",
    ),
];

/// What FSBP CloudTrail.3 asks of at least one trail: that it is logging.
const LOGGING: &[(&str, &str, &str)] = &[ALL_REGIONS_MANAGEMENT[1]];

const S3_READS: &[(&str, &str, &str)] = &[
    ALL_REGIONS_MANAGEMENT[0],
    ALL_REGIONS_MANAGEMENT[1],
    (
        "s3_object_read_events_all_buckets",
        "does not record S3 object-level read events for all buckets",
        "its event selectors were not collected (cloudtrail get-event-selectors)",
    ),
];

/// `arn:aws:iam::123456789012:root` for an account, with the partition of an ARN it owns.
pub(super) fn account_of(r: &Resource) -> Option<(String, String)> {
    let account = r.account.clone()?;
    let partition = r.id.split(':').nth(1).unwrap_or("aws").to_string();
    Some((partition, account))
}

/// Puts a derived fact on the account's `aws.account` resource, creating it when no output
/// described the account itself. A fact already present (from an earlier derivation) is kept.
pub(super) fn set_account_fact(
    resources: &mut Vec<Resource>,
    (partition, account): &(String, String),
    key: &str,
    value: Value,
    source: Source,
) {
    let id = super::account_id(partition, account);
    let i = match resources
        .iter()
        .position(|r| r.kind == "aws.account" && r.id == id)
    {
        Some(i) => i,
        None => {
            resources.push(Resource {
                provider: "aws".into(),
                kind: "aws.account".into(),
                id,
                name: format!("account {account}"),
                account: Some(account.clone()),
                region: Some("global".into()),
                attributes: Default::default(),
                source: source.clone(),
                sources: Default::default(),
                facts: Facts::default(),
                typed: Default::default(),
            });
            resources.len() - 1
        }
    };
    let r = &mut resources[i];
    if r.attributes.contains_key(key) {
        return;
    }
    if source != r.source {
        r.sources.insert(key, source);
    }
    r.attributes.insert(key, value);
}

/// The best of several candidates: a passing one, else "unknown" when any might pass.
pub(super) fn verdict(
    found: Option<(&Resource, String)>,
    undecided: &[String],
    failed: &[String],
    none: &str,
) -> Value {
    if let Some((r, detail)) = found {
        return json!({"ok": true, "trail": r.id, "reason": detail});
    }
    if !undecided.is_empty() {
        let mut parts = undecided.to_vec();
        parts.extend(failed.iter().cloned());
        return json!({"reason": format!("cannot tell: {}", parts.join("; "))});
    }
    let reason = if failed.is_empty() {
        none.to_string()
    } else {
        failed.join("; ")
    };
    json!({"ok": false, "reason": reason})
}

fn account_facts(resources: &mut Vec<Resource>) {
    let mut accounts: BTreeMap<(String, String), Vec<usize>> = BTreeMap::new();
    let mut listed: BTreeMap<(String, String), Source> = BTreeMap::new();
    for (i, r) in resources.iter().enumerate() {
        let Some(key) = account_of(r) else { continue };
        if r.kind == TRAIL {
            accounts.entry(key).or_default().push(i);
        } else if r.kind == "aws.account" && flag(r, "cloudtrail_trails_listed") == Some(true) {
            listed.insert(key.clone(), r.source_of("cloudtrail_trails_listed").clone());
            accounts.entry(key).or_default();
        }
    }
    for (key, trails) in accounts {
        let mut facts = Vec::new();
        for (attr, reqs, what) in [
            (
                "cloudtrail_all_regions",
                ALL_REGIONS_MANAGEMENT,
                "multi-region, logging, all management events read and write",
            ),
            (
                "cloudtrail_s3_object_writes",
                S3_WRITES,
                "multi-region, logging, S3 object-level writes of all buckets",
            ),
            (
                "cloudtrail_s3_object_reads",
                S3_READS,
                "multi-region, logging, S3 object-level reads of all buckets",
            ),
            ("cloudtrail_any_logging", LOGGING, "logging"),
        ] {
            let mut found = None;
            let (mut undecided, mut failed) = (Vec::new(), Vec::new());
            for &i in &trails {
                let t = &resources[i];
                match meets(t, reqs) {
                    (Some(true), _) => {
                        found.get_or_insert((t, format!("trail {} is {what}", t.name)));
                    }
                    (Some(false), why) => {
                        failed.push(format!("trail {} {}", t.name, why.join(", ")))
                    }
                    (None, why) => undecided.push(format!("trail {}: {}", t.name, why.join(", "))),
                }
            }
            let source = found
                .as_ref()
                .map(|(t, _)| t.source.clone())
                .or_else(|| trails.first().map(|&i| resources[i].source.clone()))
                .or_else(|| listed.get(&key).cloned());
            let value = verdict(
                found,
                &undecided,
                &failed,
                "describe-trails lists no trail for this account",
            );
            if let Some(source) = source {
                facts.push((attr, value, source));
            }
        }
        for (attr, value, source) in facts {
            set_account_fact(resources, &key, attr, value, source);
        }
    }
}

/// Trails whose `get-event-selectors` was not collected but whose description says they keep
/// AWS's default selector: every management event, read and write, and no data events.
fn default_selectors(resources: &mut [Resource]) {
    for r in resources.iter_mut().filter(|r| r.kind == TRAIL) {
        if flag(r, "has_custom_event_selectors") != Some(false)
            || r.attributes.contains_key("management_events_read")
        {
            continue;
        }
        let src = r.source_of("has_custom_event_selectors").clone();
        for (k, v) in [
            ("management_events_read", true),
            ("management_events_write", true),
            ("s3_object_read_events_all_buckets", false),
            ("s3_object_write_events_all_buckets", false),
        ] {
            r.attributes.insert(k, Value::Bool(v));
            if src != r.source {
                r.sources.insert(k, src.clone());
            }
        }
    }
}

/// A bucket's server access logging as `{target_bucket, target_prefix}`, or null when off;
/// `None` when the bucket's resource does not say. Reads the S3 normaliser's attributes (`logging`
/// as an object, or `logging_target_bucket` / `logging_target_prefix`) and, for an AWS Config
/// bucket item no S3 normaliser has claimed, its `BucketLoggingConfiguration`.
fn logging_of(r: &Resource) -> Option<(AttrValue, Source)> {
    let at = |k: &str| r.source_of(k).clone();
    if let Some(v) = r.attributes.get("logging") {
        return Some((v.clone(), at("logging")));
    }
    let pair = |bucket: Option<&AttrValue>, prefix: Option<&AttrValue>| match bucket {
        Some(AttrValue::String(b)) if !b.is_empty() => AttrValue::from(
            json!({"target_bucket": b, "target_prefix": prefix.cloned().unwrap_or_default()}),
        ),
        _ => AttrValue::Null,
    };
    if let Some(b) = r.attributes.get("logging_target_bucket") {
        let v = pair(Some(b), r.attributes.get("logging_target_prefix"));
        return Some((v, at("logging_target_bucket")));
    }
    let c = r
        .attributes
        .get("supplementary_configuration")?
        .get("bucket_logging_configuration")?;
    let v = pair(c.get("destination_bucket_name"), c.get("log_file_prefix"));
    Some((v, at("supplementary_configuration")))
}

/// The trail bucket's access logging (CIS 3.4), from the bucket's resource.
fn bucket_logging(resources: &mut [Resource]) {
    from_trail_bucket(resources, "s3_bucket_logging", true, logging_of);
}

/// Whether the trail's bucket is publicly accessible (FSBP CloudTrail.6), as the S3
/// normaliser's derivation judged it from policy, ACL and public access blocks.
fn bucket_public(resources: &mut [Resource]) {
    from_trail_bucket(resources, "s3_bucket_publicly_accessible", false, |r| {
        let v = r.attributes.get("publicly_accessible")?.clone();
        Some((v, r.source_of("publicly_accessible").clone()))
    });
}

/// Sets `key` on every trail whose `s3_bucket_name` names a bucket in the export, to what `of`
/// reads from that bucket, with the bucket's evidence; `keep_existing` leaves a trail that
/// already has `key` as it is. Trails whose bucket is not in the export stay without `key`.
fn from_trail_bucket(
    resources: &mut [Resource],
    key: &str,
    keep_existing: bool,
    of: impl Fn(&Resource) -> Option<(AttrValue, Source)>,
) {
    let buckets: BTreeMap<String, (AttrValue, Source)> = resources
        .iter()
        .filter(|r| r.kind == "aws.s3.bucket")
        .filter_map(|r| Some((r.name.clone(), of(r)?)))
        .collect();
    for r in resources.iter_mut().filter(|r| r.kind == TRAIL) {
        if keep_existing && r.attributes.contains_key(key) {
            continue;
        }
        let Some((v, src)) = r
            .attributes
            .get("s3_bucket_name")
            .and_then(AttrValue::as_str)
            .and_then(|b| buckets.get(b))
        else {
            continue;
        };
        r.attributes.insert(key, v.clone());
        r.sources.insert(key, src.clone());
    }
}

/// Facts that need several outputs together, run once all files are merged.
pub fn derive(resources: &mut Vec<Resource>) {
    default_selectors(resources);
    bucket_logging(resources);
    bucket_public(resources);
    account_facts(resources);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_group_names_from_arns() {
        assert_eq!(
            log_group_name("arn:aws:logs:us-east-1:123456789012:log-group:CloudTrail/logs:*"),
            Some("CloudTrail/logs")
        );
        assert_eq!(
            log_group_name("arn:aws:logs:us-east-1:123456789012:log-group:ct"),
            Some("ct")
        );
        assert_eq!(log_group_name("arn:aws:s3:::bucket"), None);
    }

    #[test]
    fn trails_named_by_arn_or_name() {
        let cx = Cx {
            account: Some("123456789012"),
            region: Some("eu-west-1"),
            ..Cx::new("f.json", "")
        };
        assert_eq!(
            trail_id(&cx, "main"),
            (
                "arn:aws:cloudtrail:eu-west-1:123456789012:trail/main".into(),
                "main".into(),
                None
            )
        );
        let (id, name, region) =
            trail_id(&cx, "arn:aws:cloudtrail:us-east-1:123456789012:trail/org");
        assert_eq!(id, "arn:aws:cloudtrail:us-east-1:123456789012:trail/org");
        assert_eq!(
            (name.as_str(), region.as_deref()),
            ("org", Some("us-east-1"))
        );
    }

    #[test]
    fn botocore_and_cli_times() {
        assert_eq!(
            time_text(
                &json!({"__class__": "datetime", "year": 2016, "month": 8, "day": 7, "hour": 19, "minute": 7, "second": 56})
            ),
            Some(json!("2016-08-07T19:07:56Z"))
        );
        assert_eq!(
            time_text(&json!("2026-11-28T09:00:00.123Z")),
            Some(json!("2026-11-28T09:00:00Z"))
        );
        assert_eq!(time_text(&json!("")), None);
    }
}
