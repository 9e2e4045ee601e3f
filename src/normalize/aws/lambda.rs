//! Lambda functions: configuration and resource-based policy, merged by function ARN.
//!
//! Kind `aws.lambda.function` (id: the unqualified function ARN). Attributes, from
//! `list-functions`, `get-function`, `get-function-configuration` and Config alike:
//! `function_name`, `runtime` (null for container images, which bring their own), `package_type`,
//! `role`, `handler`, `architectures`, `in_vpc`, `vpc_id`, `subnet_ids`, `security_group_ids`,
//! `environment_variable_names`, `secret_like_environment_variables`, `dead_letter_target` (null
//! without a dead-letter queue), `tracing_mode`, `kms_key_arn` (null: Lambda's AWS managed key),
//! `layers` (layer version ARNs), `last_modified`; derived with the EC2 normaliser's subnets:
//! `availability_zones` and `availability_zone_count` of a VPC function's subnets, set only when
//! every subnet's zone is in the export.
//! From `get-policy` (and Config's supplementary `Policy`, when present): `policy_statements`,
//! parsed by the IAM engine; `ResourceNotFoundException` (no policy) records null.
//!
//! Environment variable VALUES are never copied: they often hold credentials, and whatever is in
//! an attribute may end up in a report. Only the names are kept, and names that look like
//! secrets are listed separately.

use super::config::{ConfigType, Item};
use super::{
    copy_fields, field, field_or, list, region_of_arn, resource_policy, Command, Cx, Reply,
};
use crate::attr_value::AttrValue;
use crate::iam::policy::account_of_arn;
use crate::normalize::NormalizeError;
use crate::Resource;
use serde_json::{json, Map, Value};

pub const COMMANDS: &[Command] = &[
    Command {
        id: "aws-lambda-list-functions",
        service: "lambda",
        operation: "list-functions",
        signature: &["Functions"],
        kinds: &[KIND],
        absent_codes: &[],
        normalize: list_functions,
    },
    Command {
        id: "aws-lambda-get-function",
        service: "lambda",
        operation: "get-function",
        signature: &["Configuration", "Code"],
        kinds: &[KIND],
        absent_codes: &[],
        normalize: get_function,
    },
    Command {
        id: "aws-lambda-get-function-configuration",
        service: "lambda",
        operation: "get-function-configuration",
        signature: &["FunctionName", "FunctionArn", "Role"],
        kinds: &[KIND],
        absent_codes: &[],
        normalize: get_function_configuration,
    },
    Command {
        id: "aws-lambda-get-policy",
        service: "lambda",
        operation: "get-policy",
        signature: &["Policy", "RevisionId"],
        kinds: &[KIND],
        absent_codes: &["ResourceNotFoundException"],
        normalize: get_policy,
    },
];

/// AWS Config resource types read into the same kinds as the CLI outputs.
pub const CONFIG: &[ConfigType] = &[ConfigType {
    resource_type: "AWS::Lambda::Function",
    normalize: config_function,
}];

const KIND: &str = "aws.lambda.function";

/// Facts that need several outputs together, run once all files are merged.
#[allow(clippy::ptr_arg)] // the signature every service's derive shares in aws::derive
pub fn derive(resources: &mut Vec<Resource>) {
    subnet_zones(resources);
}

/// The Availability Zones a VPC function can run in: those of its subnets, which only
/// `describe-subnets` (or Config's subnet items) state.
fn subnet_zones(resources: &mut [Resource]) {
    let zones: std::collections::BTreeMap<String, (AttrValue, crate::Source)> = resources
        .iter()
        .filter(|r| r.kind == "aws.ec2.subnet")
        .filter_map(|r| {
            let id = r.attributes.get("subnet_id")?.as_str()?.to_string();
            let zone = r.attributes.get("availability_zone")?.clone();
            Some((id, (zone, r.source_of("availability_zone").clone())))
        })
        .collect();
    for f in resources.iter_mut().filter(|r| r.kind == KIND) {
        let Some(subnets) = f.attributes.get("subnet_ids").and_then(AttrValue::as_array) else {
            continue;
        };
        if subnets.is_empty() {
            continue;
        }
        let found: Option<Vec<&(AttrValue, crate::Source)>> = subnets
            .iter()
            .map(|s| s.as_str().and_then(|s| zones.get(s)))
            .collect();
        let Some(found) = found else { continue };
        let mut distinct: Vec<AttrValue> = Vec::new();
        for (zone, _) in &found {
            if !distinct.contains(zone) {
                distinct.push(zone.clone());
            }
        }
        let src = found[0].1.clone();
        for (k, v) in [
            ("availability_zone_count", json!(distinct.len()).into()),
            ("availability_zones", AttrValue::from(distinct)),
        ] {
            f.attributes.insert(k, v);
            if src != f.source {
                f.sources.insert(k, src.clone());
            }
        }
    }
}

/// `arn:aws:lambda:r:a:function:name:qualifier` without the version or alias qualifier, so that
/// every output about a function lands on one resource.
fn unqualified(arn: &str) -> String {
    arn.splitn(8, ':').take(7).collect::<Vec<_>>().join(":")
}

/// Parts of a variable name that suggest a credential. Matched on the name lower-cased with
/// `_` and `-` removed, so `DB_PASSWORD`, `dbPassword` and `db-password` all match.
const SECRET_HINTS: &[&str] = &[
    "secret",
    "password",
    "passwd",
    "pwd",
    "token",
    "apikey",
    "privatekey",
    "accesskey",
    "credential",
    "connectionstring",
];

fn looks_secret(name: &str) -> bool {
    let squashed: String = name
        .chars()
        .filter(|c| *c != '_' && *c != '-')
        .flat_map(char::to_lowercase)
        .collect();
    SECRET_HINTS.iter().any(|h| squashed.contains(h))
}

fn strings(v: Option<&Value>) -> Vec<Value> {
    v.and_then(Value::as_array)
        .map(|a| a.iter().filter(|s| s.is_string()).cloned().collect())
        .unwrap_or_default()
}

/// A function's configuration, as list-functions, get-function-configuration and Config give it.
fn configuration(m: &Map<String, Value>) -> Map<String, Value> {
    let mut a = Map::new();
    copy_fields(
        m,
        &[
            ("FunctionName", "function_name"),
            ("PackageType", "package_type"),
            ("Role", "role"),
            ("Handler", "handler"),
            ("Architectures", "architectures"),
            ("LastModified", "last_modified"),
        ],
        &mut a,
    );
    // The API omits what is not set: no Runtime for a container image, no KMSKeyArn when
    // Lambda's own key encrypts the environment, no DeadLetterConfig without a queue. A zip
    // function always has a runtime, so a missing one there stays unknown.
    let image = field(m, "PackageType").and_then(Value::as_str) == Some("Image");
    match field(m, "Runtime") {
        Some(v) => {
            a.insert("runtime".into(), v.clone());
        }
        None if image => {
            a.insert("runtime".into(), Value::Null);
        }
        None => {}
    }
    a.insert("kms_key_arn".into(), field_or(m, "KMSKeyArn", Value::Null));
    let dlq = field(m, "DeadLetterConfig")
        .and_then(Value::as_object)
        .and_then(|d| field(d, "TargetArn"))
        .cloned()
        .unwrap_or(Value::Null);
    a.insert("dead_letter_target".into(), dlq);
    if let Some(mode) = field(m, "TracingConfig")
        .and_then(Value::as_object)
        .and_then(|t| field(t, "Mode"))
    {
        a.insert("tracing_mode".into(), mode.clone());
    }
    let vpc = field(m, "VpcConfig").and_then(Value::as_object);
    let subnets = strings(vpc.and_then(|v| field(v, "SubnetIds")));
    let groups = strings(vpc.and_then(|v| field(v, "SecurityGroupIds")));
    let vpc_id = vpc
        .and_then(|v| field(v, "VpcId"))
        .filter(|v| v.as_str().is_some_and(|s| !s.is_empty()))
        .cloned()
        .unwrap_or(Value::Null);
    a.insert("in_vpc".into(), json!(!subnets.is_empty()));
    a.insert("vpc_id".into(), vpc_id);
    a.insert("subnet_ids".into(), Value::Array(subnets));
    a.insert("security_group_ids".into(), Value::Array(groups));
    let names: Vec<&str> = field(m, "Environment")
        .and_then(Value::as_object)
        .and_then(|e| field(e, "Variables"))
        .and_then(Value::as_object)
        .map(|vars| vars.keys().map(String::as_str).collect())
        .unwrap_or_default();
    let secret: Vec<&str> = names.iter().copied().filter(|n| looks_secret(n)).collect();
    a.insert("environment_variable_names".into(), json!(names));
    a.insert("secret_like_environment_variables".into(), json!(secret));
    let layers: Vec<Value> = field(m, "Layers")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|l| match l {
            Value::Object(o) => field(o, "Arn").cloned(),
            s @ Value::String(_) => Some(s.clone()),
            _ => None,
        })
        .collect();
    a.insert("layers".into(), Value::Array(layers));
    a
}

fn function(
    cx: &Cx,
    m: &Map<String, Value>,
    ptr: &str,
    known_arn: Option<&str>,
) -> Result<Resource, NormalizeError> {
    let name = field(m, "FunctionName").and_then(Value::as_str);
    let arn = field(m, "FunctionArn")
        .and_then(Value::as_str)
        .or(known_arn)
        .map(unqualified);
    let arn = match (arn, name) {
        (Some(arn), _) => arn,
        (None, Some(name)) => cx.arn("lambda", cx.region, &format!("function:{name}")),
        (None, None) => {
            return Err(NormalizeError {
                pointer: ptr.to_string(),
                message: "function has neither FunctionArn nor FunctionName".into(),
            })
        }
    };
    let region = region_of_arn(&arn).map(str::to_string);
    let name = name.unwrap_or(&arn).to_string();
    Ok(cx.resource(
        KIND,
        arn.clone(),
        name,
        region.as_deref(),
        ptr,
        configuration(m),
    ))
}

fn list_functions(cx: &Cx, reply: Reply) -> Result<Vec<Resource>, NormalizeError> {
    let Reply::Output(doc) = reply else {
        return Ok(Vec::new());
    };
    list(doc, "Functions", cx)?
        .into_iter()
        .map(|(ptr, m)| function(cx, m, &ptr, None))
        .collect()
}

fn one_configuration(
    cx: &Cx,
    doc: &Value,
    key: Option<&str>,
) -> Result<Vec<Resource>, NormalizeError> {
    let (m, ptr) = match key {
        Some(k) => (doc.get(k), cx.at(k)),
        None => (Some(doc), cx.pointer.clone()),
    };
    let Some(m) = m.and_then(Value::as_object) else {
        return Err(NormalizeError {
            pointer: ptr,
            message: "function configuration must be an object".into(),
        });
    };
    Ok(vec![function(cx, m, &ptr, None)?])
}

fn get_function(cx: &Cx, reply: Reply) -> Result<Vec<Resource>, NormalizeError> {
    match reply {
        Reply::Output(doc) => one_configuration(cx, doc, Some("Configuration")),
        Reply::Absent(_) => Ok(Vec::new()),
    }
}

fn get_function_configuration(cx: &Cx, reply: Reply) -> Result<Vec<Resource>, NormalizeError> {
    match reply {
        Reply::Output(doc) => one_configuration(cx, doc, None),
        Reply::Absent(_) => Ok(Vec::new()),
    }
}

/// The function a policy is about: the `function-name` argument, else the statements' own
/// `Resource` (Lambda writes the function ARN there), so a lone get-policy output attaches too.
fn policy_function_arn(cx: &Cx, statements: Option<&Value>) -> Option<String> {
    if let Some(name) = cx.arg("function-name") {
        return Some(if name.starts_with("arn:") {
            unqualified(name)
        } else {
            cx.arn("lambda", cx.region, &format!("function:{name}"))
        });
    }
    let from_resource = statements
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|s| s.get("resources")?.as_array()?.first()?.as_str())
        .find(|r| r.starts_with("arn:") && r.contains(":function:"))
        .map(unqualified);
    if from_resource.is_none() {
        cx.arg_or_note("function-name", "lambda get-policy");
    }
    from_resource
}

fn get_policy(cx: &Cx, reply: Reply) -> Result<Vec<Resource>, NormalizeError> {
    let mut a = Map::new();
    let (arn, ptr) = match reply {
        Reply::Output(doc) => {
            let ptr = cx.at("Policy");
            let Some(raw) = doc.get("Policy") else {
                return Ok(Vec::new());
            };
            // The owner is judged below, once the function (and so its account) is known.
            let first = resource_policy(cx, raw, &ptr, "function policy", None);
            let Some(arn) = policy_function_arn(cx, first.as_ref()) else {
                return Ok(Vec::new());
            };
            let owner = account_of_arn(&arn);
            if let Some(statements) =
                resource_policy(cx, raw, &ptr, "function policy", owner.as_deref())
            {
                a.insert("policy_statements".into(), statements);
            }
            (arn, ptr)
        }
        Reply::Absent(_) => {
            a.insert("policy_statements".into(), Value::Null);
            let Some(arn) = policy_function_arn(cx, None) else {
                return Ok(Vec::new());
            };
            (arn, cx.pointer.clone())
        }
    };
    let region = region_of_arn(&arn).map(str::to_string);
    let name = arn.rsplit(':').next().unwrap_or(&arn).to_string();
    Ok(vec![cx.resource(
        KIND,
        arn,
        name,
        region.as_deref(),
        &ptr,
        a,
    )])
}

fn config_function(cx: &Cx, it: &Item) -> Result<Vec<Resource>, NormalizeError> {
    let Some(m) = it.configuration.as_object() else {
        return Err(NormalizeError {
            pointer: it.pointer.clone(),
            message: "AWS::Lambda::Function item has no configuration object".into(),
        });
    };
    let mut r = function(cx, m, &it.pointer, it.arn)?;
    if let Some(raw) = it.supplementary.get("Policy") {
        let ptr = crate::pointer::join(
            &crate::pointer::join(&it.pointer, "supplementaryConfiguration"),
            "Policy",
        );
        let owner = account_of_arn(&r.id);
        if let Some(statements) =
            resource_policy(cx, raw, &ptr, "function policy", owner.as_deref())
        {
            r.attributes.insert("policy_statements", statements);
        }
    }
    Ok(vec![r])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::aws::{config, lone as cli};

    #[test]
    fn secret_values_never_reach_attributes() {
        let (rs, _) = cli(
            "aws-lambda-list-functions",
            json!({"Functions": [{"FunctionName": "api", "FunctionArn": "arn:aws:lambda:eu-west-1:123456789012:function:api",
                "Runtime": "python3.12", "Role": "arn:aws:iam::123456789012:role/api",
                "Environment": {"Variables": {"DB_PASSWORD": "hunter2-value", "stripeApiKey": "sk_live_value", "LOG_LEVEL": "info"}},
                "VpcConfig": {"SubnetIds": [], "SecurityGroupIds": [], "VpcId": ""}}]}),
        );
        let text = serde_json::to_string(&rs[0]).expect("json");
        assert!(
            !text.contains("hunter2") && !text.contains("sk_live"),
            "{text}"
        );
        let a = &rs[0].attributes;
        assert_eq!(
            a["secret_like_environment_variables"],
            json!(["DB_PASSWORD", "stripeApiKey"])
        );
        assert_eq!(a["in_vpc"], json!(false));
        assert_eq!(a["vpc_id"], Value::Null);
        assert_eq!(a["dead_letter_target"], Value::Null);
    }

    #[test]
    fn lone_policy_attaches_through_its_resource() {
        let policy = json!({"Version": "2012-10-17", "Statement": [{"Sid": "public", "Effect": "Allow", "Principal": "*",
            "Action": "lambda:InvokeFunction", "Resource": "arn:aws:lambda:eu-west-1:123456789012:function:api"}]});
        let (rs, notes) = cli(
            "aws-lambda-get-policy",
            json!({"Policy": policy.to_string(), "RevisionId": "r1"}),
        );
        assert!(notes.is_empty(), "{notes:?}");
        assert_eq!(
            rs[0].id,
            "arn:aws:lambda:eu-west-1:123456789012:function:api"
        );
        assert_eq!(
            rs[0].attributes["policy_statements"][0]["principals"][0]["everyone"],
            json!(true)
        );
    }

    #[test]
    fn config_function_matches_the_cli_shape() {
        let item = json!({"resourceType": "AWS::Lambda::Function", "resourceId": "api", "resourceName": "api",
            "arn": "arn:aws:lambda:eu-west-1:123456789012:function:api", "awsRegion": "eu-west-1", "accountId": "123456789012",
            "configurationItemCaptureTime": "2026-11-01T00:00:00Z",
            "configuration": {"functionName": "api", "functionArn": "arn:aws:lambda:eu-west-1:123456789012:function:api",
                "runtime": "nodejs16.x", "role": "arn:aws:iam::123456789012:role/api",
                "vpcConfig": {"subnetIds": ["subnet-1"], "securityGroupIds": ["sg-1"]},
                "environment": {"variables": {"API_TOKEN": "value"}}, "tracingConfig": {"mode": "PassThrough"}}});
        let (rs, _) = config::normalize(&item, "c.json", "").expect("config");
        let a = &rs[0].attributes;
        assert_eq!(a["runtime"], json!("nodejs16.x"));
        assert_eq!(a["in_vpc"], json!(true));
        assert_eq!(a["environment_variable_names"], json!(["API_TOKEN"]));
        assert_eq!(a["tracing_mode"], json!("PassThrough"));
        assert_eq!(
            unqualified("arn:aws:lambda:eu-west-1:123456789012:function:api:prod"),
            "arn:aws:lambda:eu-west-1:123456789012:function:api"
        );
    }
}
