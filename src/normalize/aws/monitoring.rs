//! Monitoring: CloudWatch Logs metric filters, CloudWatch alarms, SNS topics and subscriptions,
//! and the chain CIS section 4 asks for (trail → log group → metric filter → alarm → topic with
//! a confirmed subscriber), see [`alarms`].
//!
//! - `aws.logs.metric_filter` (`logs describe-metric-filters`; id
//!   `arn:aws:logs:REGION:ACCOUNT:log-group:GROUP:metric-filter:NAME`, as metric filters have no
//!   ARN): `filter_name`, `log_group_name`, `filter_pattern`, `metric_transformations`
//!   (`[{metric_name, metric_namespace, metric_value, …}]`).
//! - `aws.cloudwatch.alarm` (`cloudwatch describe-alarms`, metric alarms; id AlarmArn):
//!   `alarm_name`, `metric_name`, `namespace`, `metrics` (the `[{namespace, metric_name}]` a
//!   metric-math alarm reads), `alarm_actions`, `actions_enabled`, `state_value`.
//! - `aws.sns.topic` (`sns list-topics`; id TopicArn): `topic_arn`; from
//!   `sns list-subscriptions` / `list-subscriptions-by-topic`: `subscriptions`
//!   (`[{subscription_arn, protocol, endpoint, confirmed}]`; `PendingConfirmation` is not
//!   confirmed) and, derived, `confirmed_subscriptions` (a count).
//! - `aws.logs.log_group` (`logs describe-log-groups`, Config `AWS::Logs::LogGroup`; id the
//!   group ARN without `:*`): `log_group_name`, `retention_in_days` (null: never expire),
//!   `kms_key_id` (null: CloudWatch Logs' own encryption).
//! - `aws.region` markers `logs_metric_filters_listed`, `cloudwatch_alarms_listed`,
//!   `sns_subscriptions_listed`: the list was collected for that account and region, so an
//!   empty answer is known to be empty.

mod alarms;
pub mod pattern;

use super::config::{ConfigType, Item};
use super::{field, field_or, list, required, snake_keys, str_at, Command, Cx, Reply};
use crate::normalize::NormalizeError;
use crate::Resource;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

pub const METRIC_FILTER: &str = "aws.logs.metric_filter";
pub const ALARM: &str = "aws.cloudwatch.alarm";
pub const TOPIC: &str = "aws.sns.topic";
pub const LOG_GROUP: &str = "aws.logs.log_group";

pub const COMMANDS: &[Command] = &[
    Command {
        id: "aws-logs-describe-metric-filters",
        service: "logs",
        operation: "describe-metric-filters",
        signature: &["metricFilters"],
        kinds: &[METRIC_FILTER],
        absent_codes: &[],
        normalize: metric_filters,
    },
    Command {
        id: "aws-cloudwatch-describe-alarms",
        service: "cloudwatch",
        operation: "describe-alarms",
        signature: &["MetricAlarms"],
        kinds: &[ALARM],
        absent_codes: &[],
        normalize: describe_alarms,
    },
    Command {
        id: "aws-sns-list-topics",
        service: "sns",
        operation: "list-topics",
        signature: &["Topics"],
        kinds: &[TOPIC],
        absent_codes: &[],
        normalize: list_topics,
    },
    Command {
        id: "aws-sns-list-subscriptions",
        service: "sns",
        operation: "list-subscriptions",
        signature: &["Subscriptions"],
        kinds: &[TOPIC],
        absent_codes: &[],
        normalize: subscriptions,
    },
    Command {
        id: "aws-logs-describe-log-groups",
        service: "logs",
        operation: "describe-log-groups",
        signature: &["logGroups"],
        kinds: &[LOG_GROUP],
        absent_codes: &[],
        normalize: log_groups,
    },
    // Same shape as list-subscriptions; a lone output is read as that.
    Command {
        id: "aws-sns-list-subscriptions-by-topic",
        service: "sns",
        operation: "list-subscriptions-by-topic",
        signature: &[],
        kinds: &[TOPIC],
        absent_codes: &[],
        normalize: subscriptions,
    },
];

/// AWS Config resource types read into the same kinds as the CLI outputs.
/// `AWS::SNS::Topic` stays generic: Config items carry no subscriptions, which is all the
/// alarm chain needs from a topic.
pub const CONFIG: &[ConfigType] = &[ConfigType {
    resource_type: "AWS::Logs::LogGroup",
    normalize: config_log_group,
}];

/// `{key: true}` on the call's `aws.region`, when the call says which account and region.
fn region_marker(cx: &Cx, command: &str, key: &str) -> Option<Resource> {
    cx.account.and(cx.region)?;
    let mut m = Map::new();
    m.insert(key.into(), Value::Bool(true));
    cx.region_resource(command, &cx.pointer, m)
}

fn copy(m: &Map<String, Value>, keys: &[(&str, &str)]) -> Map<String, Value> {
    keys.iter()
        .filter_map(|(from, to)| m.get(*from).map(|v| (to.to_string(), snake_keys(v))))
        .collect()
}

fn metric_filters(cx: &Cx, reply: Reply) -> Result<Vec<Resource>, NormalizeError> {
    let Reply::Output(doc) = reply else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for (ptr, f) in list(doc, "metricFilters", cx)? {
        let name = required(f, "filterName", &ptr)?;
        let group = required(f, "logGroupName", &ptr)?;
        let mut attrs = copy(
            f,
            &[
                ("filterName", "filter_name"),
                ("logGroupName", "log_group_name"),
                ("metricTransformations", "metric_transformations"),
            ],
        );
        // An empty pattern matches every event; keep it as the empty string it is.
        attrs.insert(
            "filter_pattern".into(),
            Value::String(str_at(f, "filterPattern").unwrap_or("").into()),
        );
        let id = cx.arn(
            "logs",
            cx.region,
            &format!("log-group:{group}:metric-filter:{name}"),
        );
        out.push(cx.resource(METRIC_FILTER, id, name, None, &ptr, attrs));
    }
    out.extend(region_marker(
        cx,
        "logs describe-metric-filters",
        "logs_metric_filters_listed",
    ));
    Ok(out)
}

/// One log group from the CLI's camelCase or Config's PascalCase; a group without
/// `retentionInDays` keeps its events forever, recorded as an explicit null.
fn log_group(
    cx: &Cx,
    g: &Map<String, Value>,
    ptr: &str,
    known_arn: Option<&str>,
) -> Result<Resource, NormalizeError> {
    let name = field(g, "logGroupName")
        .and_then(Value::as_str)
        .ok_or_else(|| NormalizeError {
            pointer: ptr.to_string(),
            message: "entry has no logGroupName string".into(),
        })?;
    let arn = field(g, "logGroupArn")
        .or_else(|| field(g, "arn"))
        .and_then(Value::as_str)
        .or(known_arn)
        .map(|a| a.trim_end_matches(":*").to_string())
        .unwrap_or_else(|| cx.arn("logs", cx.region, &format!("log-group:{name}")));
    let mut attrs = Map::new();
    attrs.insert("log_group_name".into(), Value::String(name.into()));
    for (key, attr) in [
        ("retentionInDays", "retention_in_days"),
        ("kmsKeyId", "kms_key_id"),
    ] {
        attrs.insert(attr.into(), field_or(g, key, Value::Null));
    }
    let region = super::region_of_arn(&arn).map(str::to_string);
    Ok(cx.resource(LOG_GROUP, arn, name, region.as_deref(), ptr, attrs))
}

fn log_groups(cx: &Cx, reply: Reply) -> Result<Vec<Resource>, NormalizeError> {
    let Reply::Output(doc) = reply else {
        return Ok(Vec::new());
    };
    list(doc, "logGroups", cx)?
        .into_iter()
        .map(|(ptr, g)| log_group(cx, g, &ptr, None))
        .collect()
}

fn config_log_group(cx: &Cx, it: &Item) -> Result<Vec<Resource>, NormalizeError> {
    let mut m = it.configuration.as_object().cloned().unwrap_or_default();
    if field(&m, "logGroupName").is_none() {
        m.insert(
            "logGroupName".into(),
            Value::String(it.resource_name.unwrap_or(it.resource_id).into()),
        );
    }
    Ok(vec![log_group(cx, &m, &it.pointer, it.arn)?])
}

fn describe_alarms(cx: &Cx, reply: Reply) -> Result<Vec<Resource>, NormalizeError> {
    let Reply::Output(doc) = reply else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for (ptr, a) in list(doc, "MetricAlarms", cx)? {
        let arn = required(a, "AlarmArn", &ptr)?;
        let mut attrs = copy(
            a,
            &[
                ("AlarmName", "alarm_name"),
                ("MetricName", "metric_name"),
                ("Namespace", "namespace"),
                ("AlarmActions", "alarm_actions"),
                ("ActionsEnabled", "actions_enabled"),
                ("StateValue", "state_value"),
            ],
        );
        let metrics: Vec<Value> = a
            .get("Metrics")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|m| m.pointer("/MetricStat/Metric"))
            .map(|m| {
                let mut x = Map::new();
                for (from, to) in [("Namespace", "namespace"), ("MetricName", "metric_name")] {
                    if let Some(v) = m.get(from) {
                        x.insert(to.into(), v.clone());
                    }
                }
                Value::Object(x)
            })
            .collect();
        attrs.insert("metrics".into(), Value::Array(metrics));
        let name = str_at(a, "AlarmName").unwrap_or(arn);
        let region = arn.split(':').nth(3).filter(|r| !r.is_empty());
        out.push(cx.resource(ALARM, arn, name, region, &ptr, attrs));
    }
    out.extend(region_marker(
        cx,
        "cloudwatch describe-alarms",
        "cloudwatch_alarms_listed",
    ));
    Ok(out)
}

fn topic(cx: &Cx, arn: &str, ptr: &str, attrs: Map<String, Value>) -> Resource {
    let name = arn.rsplit(':').next().unwrap_or(arn);
    let region = arn.split(':').nth(3).filter(|r| !r.is_empty());
    cx.resource(TOPIC, arn, name, region, ptr, attrs)
}

fn list_topics(cx: &Cx, reply: Reply) -> Result<Vec<Resource>, NormalizeError> {
    let Reply::Output(doc) = reply else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for (ptr, t) in list(doc, "Topics", cx)? {
        let arn = required(t, "TopicArn", &ptr)?;
        let mut attrs = Map::new();
        attrs.insert("topic_arn".into(), Value::String(arn.into()));
        out.push(topic(cx, arn, &ptr, attrs));
    }
    Ok(out)
}

/// A subscription that is still `PendingConfirmation` (or was `Deleted`) delivers to nobody.
fn confirmed(subscription_arn: &str) -> bool {
    subscription_arn.starts_with("arn:")
}

fn subscriptions(cx: &Cx, reply: Reply) -> Result<Vec<Resource>, NormalizeError> {
    let Reply::Output(doc) = reply else {
        return Ok(Vec::new());
    };
    let mut by_topic: BTreeMap<&str, (String, Vec<Value>)> = BTreeMap::new();
    // `list-subscriptions-by-topic` of a topic without subscriptions: known to have none.
    if let Some(t) = cx.arg("topic-arn") {
        by_topic.insert(t, (cx.pointer.clone(), Vec::new()));
    }
    for (ptr, s) in list(doc, "Subscriptions", cx)? {
        let topic_arn = required(s, "TopicArn", &ptr)?;
        let sub = str_at(s, "SubscriptionArn").unwrap_or("");
        let mut entry = copy(
            s,
            &[
                ("SubscriptionArn", "subscription_arn"),
                ("Protocol", "protocol"),
                ("Endpoint", "endpoint"),
            ],
        );
        entry.insert("confirmed".into(), Value::Bool(confirmed(sub)));
        by_topic
            .entry(topic_arn)
            .or_insert_with(|| (cx.at("Subscriptions"), Vec::new()))
            .1
            .push(Value::Object(entry));
    }
    let mut out: Vec<Resource> = by_topic
        .into_iter()
        .map(|(arn, (ptr, subs))| {
            let mut attrs = Map::new();
            attrs.insert("subscriptions".into(), Value::Array(subs));
            topic(cx, arn, &ptr, attrs)
        })
        .collect();
    if cx.arg("topic-arn").is_none() {
        out.extend(region_marker(
            cx,
            "sns list-subscriptions",
            "sns_subscriptions_listed",
        ));
    }
    Ok(out)
}

/// Facts that need several outputs together, run once all files are merged.
pub fn derive(resources: &mut Vec<Resource>) {
    alarms::count_subscriptions(resources);
    alarms::derive(resources);
}

#[cfg(test)]
mod tests {
    use super::super::lone;
    use serde_json::{json, Value};

    #[test]
    fn log_groups_without_retention_keep_forever() {
        let (rs, _) = lone(
            "aws-logs-describe-log-groups",
            json!({"logGroups": [
                {"logGroupName": "/aws/lambda/orders", "creationTime": 1767225600000_i64, "retentionInDays": 30,
                 "arn": "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/orders:*",
                 "logGroupArn": "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/orders"},
                {"logGroupName": "audit", "arn": "arn:aws:logs:us-east-1:123456789012:log-group:audit:*"}]}),
        );
        assert_eq!(rs[0].attributes["retention_in_days"], json!(30));
        assert_eq!(
            rs[1].id,
            "arn:aws:logs:us-east-1:123456789012:log-group:audit"
        );
        assert_eq!(rs[1].attributes["retention_in_days"], Value::Null);
        assert_eq!(rs[1].region.as_deref(), Some("us-east-1"));
    }
}
