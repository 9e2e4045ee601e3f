//! SNS topic policies and SQS queues with their queue policies: the resource-based policies
//! access review and exposure rules read beside identity policies.
//!
//! - `aws.sns.topic` (id TopicArn; the topic list itself is [`super::monitoring`]'s): from
//!   `sns get-topic-attributes --topic-arn` and Config's `AWS::SNS::Topic` (whose configuration
//!   is the same attribute map): `topic_arn`, `owner`, `kms_master_key_id` (null when the topic
//!   is not encrypted), `policy_statements` (the topic policy parsed by the IAM engine, each
//!   statement's `policy` naming the topic; `other_account` judged against the topic's account;
//!   null when the attributes carry no policy).
//! - `aws.sqs.queue` (id `arn:aws:sqs:REGION:ACCOUNT:NAME`): from `sqs list-queues`:
//!   `queue_url`; from `sqs get-queue-attributes --queue-url --attribute-names Policy` (or
//!   `All`) and Config's `AWS::SQS::Queue`: `policy_statements` (null when the queue has no
//!   policy: the attribute was asked for and is not there), and with `All`, `kms_master_key_id`
//!   and `sqs_managed_sse_enabled`.
//!
//! `get-topic-attributes` and `get-queue-attributes` print the same shape (`{"Attributes": …}`);
//! a lone output is read as whichever the attributes name (`TopicArn` or `QueueArn`).

use super::config::{ConfigType, Item};
use super::{field, region_of_arn, resource_policy, str_at, Command, Cx, Reply};
use crate::iam::policy::account_of_arn;
use crate::normalize::NormalizeError;
use crate::Resource;
use serde_json::{Map, Value};

pub const TOPIC: &str = "aws.sns.topic";
pub const QUEUE: &str = "aws.sqs.queue";

pub const COMMANDS: &[Command] = &[
    Command {
        id: "aws-sns-get-topic-attributes",
        service: "sns",
        operation: "get-topic-attributes",
        signature: &["Attributes"],
        kinds: &[TOPIC],
        absent_codes: &[],
        normalize: topic_attributes,
    },
    Command {
        id: "aws-sqs-list-queues",
        service: "sqs",
        operation: "list-queues",
        signature: &["QueueUrls"],
        kinds: &[QUEUE],
        absent_codes: &[],
        normalize: list_queues,
    },
    // Same shape as get-topic-attributes; a lone output is read there.
    Command {
        id: "aws-sqs-get-queue-attributes",
        service: "sqs",
        operation: "get-queue-attributes",
        signature: &[],
        kinds: &[QUEUE],
        absent_codes: &[],
        normalize: queue_attributes,
    },
];

pub const CONFIG: &[ConfigType] = &[
    ConfigType {
        resource_type: "AWS::SNS::Topic",
        normalize: config_topic,
    },
    ConfigType {
        resource_type: "AWS::SQS::Queue",
        normalize: config_queue,
    },
];

/// A resource policy's statements (see [`resource_policy`]) with the policy named on each
/// statement (`kind` `topic`, `name` the topic's, and the resource's ARN), so that evidence and
/// access review read "topic policy alerts". `null` when there is no policy; `None` (attribute
/// left out) when it does not parse.
pub(super) fn named_policy(
    cx: &Cx,
    raw: Option<&Value>,
    ptr: &str,
    (kind, name): (&str, &str),
    arn: &str,
) -> Option<Value> {
    let raw = match raw {
        None | Some(Value::Null) => return Some(Value::Null),
        Some(Value::String(s)) if s.trim().is_empty() => return Some(Value::Null),
        Some(raw) => raw,
    };
    let owner = account_of_arn(arn);
    let what = format!("{kind} policy of {name}");
    let mut statements = resource_policy(cx, raw, ptr, &what, owner.as_deref())?;
    for stmt in statements.as_array_mut().into_iter().flatten() {
        if let Some(policy) = stmt.get_mut("policy").and_then(Value::as_object_mut) {
            policy.insert("arn".into(), Value::String(arn.to_string()));
            policy.insert("kind".into(), Value::String(kind.to_string()));
            policy.insert("name".into(), Value::String(name.to_string()));
        }
    }
    Some(statements)
}

fn last_segment(arn: &str) -> &str {
    arn.rsplit(':').next().unwrap_or(arn)
}

fn topic(cx: &Cx, attrs: &Map<String, Value>, ptr: &str, arn: &str) -> Resource {
    let name = last_segment(arn);
    let mut a = Map::new();
    a.insert("topic_arn".into(), Value::String(arn.to_string()));
    if let Some(owner) = field(attrs, "Owner") {
        a.insert("owner".into(), owner.clone());
    }
    a.insert(
        "kms_master_key_id".into(),
        field(attrs, "KmsMasterKeyId")
            .filter(|v| v.as_str().is_some_and(|s| !s.is_empty()))
            .cloned()
            .unwrap_or(Value::Null),
    );
    let policy_ptr = crate::pointer::join(ptr, "Policy");
    if let Some(p) = named_policy(
        cx,
        field(attrs, "Policy"),
        &policy_ptr,
        ("topic", name),
        arn,
    ) {
        a.insert("policy_statements".into(), p);
    }
    let region = region_of_arn(arn).map(str::to_string);
    cx.resource(TOPIC, arn, name, region.as_deref(), ptr, a)
}

fn topic_attributes(cx: &Cx, reply: Reply) -> Result<Vec<Resource>, NormalizeError> {
    let Reply::Output(doc) = reply else {
        return Ok(Vec::new());
    };
    let ptr = cx.at("Attributes");
    let attrs = attributes(doc, &ptr)?;
    // A lone get-queue-attributes output has the same shape.
    if cx.args.is_none() && str_at(&attrs, "QueueArn").is_some() {
        return queue_attributes(cx, reply);
    }
    let arn = match str_at(&attrs, "TopicArn").or_else(|| cx.arg("topic-arn")) {
        Some(arn) => arn.to_string(),
        None => {
            cx.arg_or_note("topic-arn", "sns get-topic-attributes");
            return Ok(Vec::new());
        }
    };
    Ok(vec![topic(cx, &attrs, &ptr, &arn)])
}

/// The `Attributes` map; an output without one (SQS prints nothing for a queue that lacks the
/// attributes asked for) is an empty map.
fn attributes(doc: &Value, ptr: &str) -> Result<Map<String, Value>, NormalizeError> {
    match doc.get("Attributes") {
        None | Some(Value::Null) => Ok(Map::new()),
        Some(Value::Object(m)) => Ok(m.clone()),
        Some(_) => Err(NormalizeError {
            pointer: ptr.to_string(),
            message: "Attributes must be an object".into(),
        }),
    }
}

/// A queue URL's ARN: `https://sqs.eu-west-1.amazonaws.com/123456789012/orders` (and the legacy
/// `https://eu-west-1.queue.amazonaws.com/…`, or `https://queue.amazonaws.com/…` for
/// us-east-1) name the region in the host and the account and queue in the path.
pub fn queue_arn(cx: &Cx, url: &str) -> Option<String> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))?;
    let (host, path) = rest.split_once('/')?;
    let mut segments = path.trim_end_matches('/').split('/');
    let (account, name) = (segments.next()?, segments.next()?);
    if segments.next().is_some() || name.is_empty() {
        return None;
    }
    let is_region =
        |l: &&str| l.matches('-').count() >= 2 && l.ends_with(|c: char| c.is_ascii_digit());
    let region = host
        .split('.')
        .find(is_region)
        .map(str::to_string)
        .or_else(|| {
            host.starts_with("queue.amazonaws.com")
                .then(|| "us-east-1".into())
        })
        .or_else(|| cx.region.map(str::to_string))
        .unwrap_or_default();
    Some(format!(
        "arn:{}:sqs:{region}:{account}:{name}",
        cx.partition
    ))
}

fn queue(cx: &Cx, arn: &str, ptr: &str, a: Map<String, Value>) -> Resource {
    let region = region_of_arn(arn).map(str::to_string);
    cx.resource(QUEUE, arn, last_segment(arn), region.as_deref(), ptr, a)
}

fn list_queues(cx: &Cx, reply: Reply) -> Result<Vec<Resource>, NormalizeError> {
    let Reply::Output(doc) = reply else {
        return Ok(Vec::new());
    };
    let ptr = cx.at("QueueUrls");
    let urls = match doc.get("QueueUrls") {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Array(urls)) => urls,
        Some(_) => {
            return Err(NormalizeError {
                pointer: ptr,
                message: "QueueUrls must be an array".into(),
            })
        }
    };
    let mut out = Vec::new();
    for (i, url) in urls.iter().enumerate() {
        let p = crate::pointer::join(&ptr, i);
        let Some(url) = url.as_str() else {
            return Err(NormalizeError {
                pointer: p,
                message: "QueueUrls entries must be strings".into(),
            });
        };
        let Some(arn) = queue_arn(cx, url) else {
            cx.note(format!("queue URL {url:?} is not an SQS queue URL"));
            continue;
        };
        let mut a = Map::new();
        a.insert("queue_url".into(), Value::String(url.to_string()));
        out.push(queue(cx, &arn, &p, a));
    }
    Ok(out)
}

/// The queue's facts from its attributes; `asked_policy` says the call asked for `Policy`, so
/// its absence means the queue has none.
fn queue_facts(
    cx: &Cx,
    attrs: &Map<String, Value>,
    ptr: &str,
    arn: &str,
    asked_policy: bool,
) -> Map<String, Value> {
    let mut a = Map::new();
    let name = last_segment(arn);
    let policy_ptr = crate::pointer::join(ptr, "Policy");
    let policy = field(attrs, "Policy");
    if policy.is_none() && !asked_policy {
        // Not asked for, so not known to be absent.
    } else if let Some(p) = named_policy(cx, policy, &policy_ptr, ("queue", name), arn) {
        a.insert("policy_statements".into(), p);
    }
    // Encryption settings come only with `All`; without them they stay unknown.
    if field(attrs, "QueueArn").is_some() {
        a.insert(
            "kms_master_key_id".into(),
            field(attrs, "KmsMasterKeyId")
                .cloned()
                .unwrap_or(Value::Null),
        );
        if let Some(v) = field(attrs, "SqsManagedSseEnabled") {
            let b = match v {
                Value::String(s) => Value::Bool(s.eq_ignore_ascii_case("true")),
                other => other.clone(),
            };
            a.insert("sqs_managed_sse_enabled".into(), b);
        }
    }
    a
}

/// Whether the call asked for the queue policy: `--attribute-names Policy` or `All`. A call
/// recorded without the parameter is taken to be the collector's, which asks for `Policy`.
fn asked_for_policy(cx: &Cx) -> bool {
    let Some(names) = cx.args.and_then(|a| a.get("attribute-names")) else {
        return true;
    };
    let asks = |v: &Value| {
        v.as_str()
            .is_some_and(|s| s.split([' ', ',']).any(|n| n == "Policy" || n == "All"))
    };
    match names {
        Value::Array(items) => items.iter().any(asks),
        other => asks(other),
    }
}

fn queue_attributes(cx: &Cx, reply: Reply) -> Result<Vec<Resource>, NormalizeError> {
    let Reply::Output(doc) = reply else {
        return Ok(Vec::new());
    };
    let ptr = cx.at("Attributes");
    let attrs = attributes(doc, &ptr)?;
    let arn = match str_at(&attrs, "QueueArn") {
        Some(arn) => arn.to_string(),
        None => {
            let Some(url) = cx.arg_or_note("queue-url", "sqs get-queue-attributes") else {
                return Ok(Vec::new());
            };
            let Some(arn) = queue_arn(cx, url) else {
                cx.note(format!("queue URL {url:?} is not an SQS queue URL"));
                return Ok(Vec::new());
            };
            arn
        }
    };
    let a = queue_facts(cx, &attrs, &ptr, &arn, asked_for_policy(cx));
    let ptr = if doc.get("Attributes").is_some() {
        ptr
    } else {
        cx.pointer.clone()
    };
    Ok(vec![queue(cx, &arn, &ptr, a)])
}

fn configuration<'a>(it: &'a Item) -> Result<&'a Map<String, Value>, NormalizeError> {
    it.configuration.as_object().ok_or_else(|| NormalizeError {
        pointer: it.pointer.clone(),
        message: format!("{} item has no configuration object", it.resource_type),
    })
}

fn config_topic(cx: &Cx, it: &Item) -> Result<Vec<Resource>, NormalizeError> {
    let m = configuration(it)?;
    let arn = str_at(m, "TopicArn")
        .or(it.arn)
        .unwrap_or(it.resource_id)
        .to_string();
    // The policy sits inside the item's configuration, which may be a JSON string: point at it.
    let ptr = crate::pointer::join(&it.pointer, "configuration");
    Ok(vec![topic(cx, m, &ptr, &arn)])
}

fn config_queue(cx: &Cx, it: &Item) -> Result<Vec<Resource>, NormalizeError> {
    let m = configuration(it)?;
    let arn = match str_at(m, "QueueArn").or(it.arn) {
        Some(arn) => arn.to_string(),
        None => match field(m, "QueueUrl").and_then(Value::as_str) {
            Some(url) => queue_arn(cx, url).unwrap_or_else(|| it.resource_id.to_string()),
            None => it.resource_id.to_string(),
        },
    };
    let ptr = crate::pointer::join(&it.pointer, "configuration");
    let mut a = queue_facts(cx, m, &ptr, &arn, true);
    if let Some(url) = field(m, "QueueUrl") {
        a.insert("queue_url".into(), url.clone());
    }
    Ok(vec![queue(cx, &arn, &ptr, a)])
}

/// Nothing crosses outputs yet; kept so the module registers like every service.
pub fn derive(_resources: &mut Vec<Resource>) {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::aws::{config, lone};
    use serde_json::json;

    const TOPIC_POLICY: &str = r#"{"Version":"2008-10-17","Id":"__default_policy_ID","Statement":[{"Sid":"__default_statement_ID","Effect":"Allow","Principal":{"AWS":"*"},"Action":["SNS:Publish","SNS:Subscribe"],"Resource":"arn:aws:sns:eu-west-1:123456789012:alerts","Condition":{"StringEquals":{"AWS:SourceOwner":"123456789012"}}},{"Sid":"partner","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"SNS:Publish","Resource":"arn:aws:sns:eu-west-1:123456789012:alerts"}]}"#;

    #[test]
    fn topic_attributes_carry_the_named_policy() {
        let (rs, notes) = lone(
            "aws-sns-get-topic-attributes",
            json!({"Attributes": {"Policy": TOPIC_POLICY, "Owner": "123456789012",
                "TopicArn": "arn:aws:sns:eu-west-1:123456789012:alerts", "SubscriptionsConfirmed": "1"}}),
        );
        assert!(notes.is_empty(), "{notes:?}");
        assert_eq!(rs.len(), 1);
        let t = &rs[0];
        assert_eq!((t.kind.as_str(), t.name.as_str()), (TOPIC, "alerts"));
        assert_eq!(t.region.as_deref(), Some("eu-west-1"));
        assert_eq!(t.attributes["kms_master_key_id"], Value::Null);
        let s = &t.attributes["policy_statements"];
        assert_eq!(s[0]["policy"]["name"], json!("alerts"));
        assert_eq!(s[0]["policy"]["kind"], json!("topic"));
        assert_eq!(
            s[0]["policy"]["arn"],
            json!("arn:aws:sns:eu-west-1:123456789012:alerts")
        );
        assert_eq!(s[0]["principals"][0]["everyone"], json!(true));
        assert_eq!(s[1]["principals"][0]["other_account"], json!(true));
        assert_eq!(s[1]["source"]["pointer"], json!("/Attributes/Policy"));
    }

    #[test]
    fn queue_urls_become_arns() {
        let cx = Cx {
            region: Some("ap-southeast-2"),
            ..Cx::new("q.json", "")
        };
        for (url, arn) in [
            (
                "https://sqs.eu-west-1.amazonaws.com/123456789012/orders",
                "arn:aws:sqs:eu-west-1:123456789012:orders",
            ),
            (
                "https://eu-central-1.queue.amazonaws.com/123456789012/jobs.fifo",
                "arn:aws:sqs:eu-central-1:123456789012:jobs.fifo",
            ),
            (
                "https://queue.amazonaws.com/123456789012/legacy",
                "arn:aws:sqs:us-east-1:123456789012:legacy",
            ),
            (
                "https://vpce-0123-abcd.sqs.us-west-2.vpce.amazonaws.com/123456789012/private",
                "arn:aws:sqs:us-west-2:123456789012:private",
            ),
        ] {
            assert_eq!(queue_arn(&cx, url).as_deref(), Some(arn), "{url}");
        }
        assert_eq!(queue_arn(&cx, "not a url"), None);
        assert_eq!(
            queue_arn(&cx, "https://sqs.eu-west-1.amazonaws.com/123456789012"),
            None
        );
    }

    #[test]
    fn lone_queue_attributes_are_told_from_topic_attributes() {
        let (rs, _) = lone(
            "aws-sns-get-topic-attributes",
            json!({"Attributes": {"QueueArn": "arn:aws:sqs:eu-west-1:123456789012:orders",
                "SqsManagedSseEnabled": "true", "Policy": "{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"sqs:SendMessage\",\"Resource\":\"arn:aws:sqs:eu-west-1:123456789012:orders\"}]}"}}),
        );
        assert_eq!(rs[0].kind, QUEUE);
        assert_eq!(rs[0].attributes["sqs_managed_sse_enabled"], json!(true));
        assert_eq!(rs[0].attributes["kms_master_key_id"], Value::Null);
        assert_eq!(
            rs[0].attributes["policy_statements"][0]["policy"]["name"],
            json!("orders")
        );
    }

    #[test]
    fn a_queue_without_policy_is_known_to_have_none_only_when_named() {
        let args = json!({"queue-url": "https://sqs.eu-west-1.amazonaws.com/123456789012/orders", "attribute-names": "Policy"});
        let cx = Cx {
            args: args.as_object(),
            account: Some("123456789012"),
            ..Cx::new("b.json", "/outputs/3/output")
        };
        let rs = queue_attributes(&cx, Reply::Output(&json!({}))).expect("reads");
        assert_eq!(rs[0].id, "arn:aws:sqs:eu-west-1:123456789012:orders");
        assert_eq!(rs[0].attributes["policy_statements"], Value::Null);
        assert!(
            rs[0].attributes.get("kms_master_key_id").is_none(),
            "not asked for"
        );
        let other_args = json!({"queue-url": "https://sqs.eu-west-1.amazonaws.com/123456789012/orders", "attribute-names": ["QueueArn", "VisibilityTimeout"]});
        let other = Cx {
            args: other_args.as_object(),
            ..Cx::new("b.json", "/outputs/4/output")
        };
        let rs = queue_attributes(
            &other,
            Reply::Output(&json!({"Attributes": {"VisibilityTimeout": "30"}})),
        )
        .expect("reads");
        assert!(
            rs[0].attributes.get("policy_statements").is_none(),
            "Policy was not asked for, so it stays unknown"
        );
        let lone_cx = Cx::new("q.json", "");
        let none =
            queue_attributes(&lone_cx, Reply::Output(&json!({"Attributes": {}}))).expect("reads");
        assert!(none.is_empty());
        assert!(lone_cx.take_notes()[0].contains("queue-url"));
    }

    #[test]
    fn config_items_read_the_same_attributes() {
        let items = json!({"configurationItems": [
            {"version": "1.3", "configurationItemCaptureTime": "2026-11-28T09:00:00.000Z", "configurationItemStatus": "OK",
             "resourceType": "AWS::SNS::Topic", "resourceId": "arn:aws:sns:eu-west-1:123456789012:alerts",
             "ARN": "arn:aws:sns:eu-west-1:123456789012:alerts", "awsRegion": "eu-west-1", "awsAccountId": "123456789012",
             "configuration": {"Policy": TOPIC_POLICY, "Owner": "123456789012", "TopicArn": "arn:aws:sns:eu-west-1:123456789012:alerts"}},
            {"version": "1.3", "configurationItemCaptureTime": "2026-11-28T09:00:00.000Z", "configurationItemStatus": "OK",
             "resourceType": "AWS::SQS::Queue", "resourceId": "https://sqs.eu-west-1.amazonaws.com/123456789012/orders",
             "ARN": "arn:aws:sqs:eu-west-1:123456789012:orders", "awsRegion": "eu-west-1", "awsAccountId": "123456789012",
             "configuration": "{\"QueueUrl\":\"https://sqs.eu-west-1.amazonaws.com/123456789012/orders\",\"QueueArn\":\"arn:aws:sqs:eu-west-1:123456789012:orders\",\"KmsMasterKeyId\":\"alias/aws/sqs\"}"}]});
        let (rs, notes) = config::normalize(&items, "c.json", "").expect("normalises");
        assert!(notes.is_empty(), "{notes:?}");
        assert_eq!(rs[0].kind, TOPIC);
        assert_eq!(
            rs[0].attributes["policy_statements"][1]["principals"][0]["account"],
            json!("111122223333")
        );
        assert_eq!(rs[1].kind, QUEUE);
        assert_eq!(rs[1].attributes["policy_statements"], Value::Null);
        assert_eq!(
            rs[1].attributes["kms_master_key_id"],
            json!("alias/aws/sqs")
        );
        assert_eq!(
            rs[1].attributes["queue_url"],
            json!("https://sqs.eu-west-1.amazonaws.com/123456789012/orders")
        );
    }

    #[test]
    fn list_queues_reads_urls() {
        let (rs, _) = lone(
            "aws-sqs-list-queues",
            json!({"QueueUrls": ["https://sqs.eu-west-1.amazonaws.com/123456789012/orders"]}),
        );
        assert_eq!(rs[0].id, "arn:aws:sqs:eu-west-1:123456789012:orders");
        assert_eq!(rs[0].account.as_deref(), Some("123456789012"));
        assert_eq!(rs[0].source.pointer, "/QueueUrls/0");
    }
}
