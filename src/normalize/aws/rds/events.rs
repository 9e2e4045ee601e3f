//! RDS event subscriptions (`rds describe-event-subscriptions`, AWS Config
//! `AWS::RDS::EventSubscription`): which sources and event categories notify an SNS topic.
//!
//! `aws.rds.event_subscription` (id EventSubscriptionArn): `source_type` (`db-instance`,
//! `db-cluster`, `db-parameter-group`, `db-security-group`, …; null when the subscription covers
//! every source type, as the API then leaves it out), `event_categories` (the listed categories;
//! `[]` means every category), `all_event_categories` (true when none are listed), `source_ids`
//! (`[]` means every source of the type), `enabled`, `status`, `sns_topic_arn`.

use super::super::config::Item;
use super::super::{copy_fields, field, field_or, list, Cx, Reply};
use crate::normalize::NormalizeError;
use crate::Resource;
use serde_json::{json, Map, Value};

pub const KIND: &str = "aws.rds.event_subscription";

fn attributes(m: &Map<String, Value>) -> Map<String, Value> {
    let mut a = Map::new();
    copy_fields(
        m,
        &[
            ("Enabled", "enabled"),
            ("Status", "status"),
            ("SnsTopicArn", "sns_topic_arn"),
        ],
        &mut a,
    );
    a.insert("source_type".into(), field_or(m, "SourceType", Value::Null));
    let categories = field_or(m, "EventCategoriesList", json!([]));
    let all = categories.as_array().map(Vec::is_empty);
    a.insert("event_categories".into(), categories);
    if let Some(all) = all {
        a.insert("all_event_categories".into(), json!(all));
    }
    a.insert("source_ids".into(), field_or(m, "SourceIdsList", json!([])));
    a
}

/// One subscription from either shape; the ARN is built from the name when the entry has none.
fn subscription(
    cx: &Cx,
    m: &Map<String, Value>,
    ptr: &str,
    known_arn: Option<&str>,
) -> Result<Resource, NormalizeError> {
    let name = field(m, "CustSubscriptionId").and_then(Value::as_str);
    let arn = field(m, "EventSubscriptionArn")
        .and_then(Value::as_str)
        .or(known_arn)
        .filter(|a| !a.is_empty());
    let region = arn.and_then(super::super::region_of_arn).or(cx.region);
    let (id, name) = match (arn, name) {
        (Some(arn), name) => (arn.to_string(), name.unwrap_or(arn)),
        (None, Some(name)) => (cx.arn("rds", region, &format!("es:{name}")), name),
        (None, None) => {
            return Err(NormalizeError {
                pointer: ptr.to_string(),
                message: "entry has neither EventSubscriptionArn nor CustSubscriptionId".into(),
            })
        }
    };
    Ok(cx.resource(KIND, id, name, region, ptr, attributes(m)))
}

pub fn describe(cx: &Cx, reply: Reply) -> Result<Vec<Resource>, NormalizeError> {
    let Reply::Output(doc) = reply else {
        return Ok(Vec::new());
    };
    list(doc, "EventSubscriptionsList", cx)?
        .into_iter()
        .map(|(ptr, m)| subscription(cx, m, &ptr, None))
        .collect()
}

pub fn config(cx: &Cx, it: &Item) -> Result<Vec<Resource>, NormalizeError> {
    let Some(m) = it.configuration.as_object() else {
        return Err(NormalizeError {
            pointer: it.pointer.clone(),
            message: format!("{} item has no configuration object", it.resource_type),
        });
    };
    let mut m = m.clone();
    if field(&m, "CustSubscriptionId").is_none() {
        if let Some(name) = it.resource_name.or(Some(it.resource_id)) {
            m.insert("CustSubscriptionId".into(), json!(name));
        }
    }
    Ok(vec![subscription(cx, &m, &it.pointer, it.arn)?])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::aws::config as aws_config;

    #[test]
    fn cli_and_config_subscriptions_read_alike() {
        let cli = super::super::super::lone(
            "aws-rds-describe-event-subscriptions",
            json!({"EventSubscriptionsList": [{"CustomerAwsId": "123456789012", "CustSubscriptionId": "db-alerts",
                "SnsTopicArn": "arn:aws:sns:eu-west-1:123456789012:db-alerts", "Status": "active",
                "SubscriptionCreationTime": "2026-01-05 10:00:00.000", "SourceType": "db-cluster",
                "EventCategoriesList": ["failure", "maintenance"], "Enabled": true,
                "EventSubscriptionArn": "arn:aws:rds:eu-west-1:123456789012:es:db-alerts"}]}),
        )
        .0;
        let item = json!({"resourceType": "AWS::RDS::EventSubscription", "resourceId": "db-alerts",
            "resourceName": "db-alerts", "arn": "arn:aws:rds:eu-west-1:123456789012:es:db-alerts",
            "awsRegion": "eu-west-1", "accountId": "123456789012", "configurationItemCaptureTime": "2026-11-01T00:00:00Z",
            "configuration": {"customerAwsId": "123456789012", "custSubscriptionId": "db-alerts",
                "snsTopicArn": "arn:aws:sns:eu-west-1:123456789012:db-alerts", "status": "active",
                "sourceType": "db-cluster", "eventCategoriesList": ["failure", "maintenance"], "enabled": true,
                "eventSubscriptionArn": "arn:aws:rds:eu-west-1:123456789012:es:db-alerts"}});
        let (config, _) = aws_config::normalize(&item, "c.json", "").expect("config");
        assert_eq!(cli[0].attributes, config[0].attributes);
        assert_eq!(cli[0].id, config[0].id);
        assert_eq!(cli[0].attributes["all_event_categories"], json!(false));
        assert_eq!(cli[0].attributes["source_ids"], json!([]));
    }

    #[test]
    fn every_source_and_category_when_left_out() {
        let rs = super::super::super::lone(
            "aws-rds-describe-event-subscriptions",
            json!({"EventSubscriptionsList": [{"CustSubscriptionId": "everything", "Enabled": false,
                "SnsTopicArn": "arn:aws:sns:eu-west-1:123456789012:ops"}]}),
        )
        .0;
        assert_eq!(rs[0].id, "arn:aws:rds:::es:everything");
        assert_eq!(rs[0].attributes["source_type"], Value::Null);
        assert_eq!(rs[0].attributes["all_event_categories"], json!(true));
        assert_eq!(rs[0].attributes["enabled"], json!(false));
    }
}
