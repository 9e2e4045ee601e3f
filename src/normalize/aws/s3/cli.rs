//! The `aws s3api` / `aws s3control` outputs. Every per-bucket command yields a fragment of the
//! bucket named by the call's `bucket` parameter; the inventory merges them.

use super::super::{list, required, Cx, Reply};
use super::{
    account_settings, acl as acls, bucket, bucket_arn, encryption_rules, policy as policies,
};
use super::{public_access_block as pab, region_of_location};
use crate::normalize::NormalizeError;
use crate::{time, Resource};
use serde_json::{json, Map, Value};

type Out = Result<Vec<Resource>, NormalizeError>;

/// The fragment for the bucket the call names, or nothing (with a note) for a lone output.
fn fragment(cx: &Cx, operation: &str, attrs: impl FnOnce(&str) -> Map<String, Value>) -> Out {
    let Some(name) = cx.arg_or_note("bucket", &format!("s3api {operation}")) else {
        return Ok(vec![]);
    };
    Ok(vec![bucket(cx, name, &cx.pointer, attrs(name), None)])
}

fn one(key: &str, v: Value) -> Map<String, Value> {
    Map::from_iter([(key.to_string(), v)])
}

pub fn list_buckets(cx: &Cx, reply: Reply) -> Out {
    let Reply::Output(doc) = reply else {
        return Ok(vec![]);
    };
    let owner = doc.get("Owner").and_then(|o| o.get("ID")).cloned();
    list(doc, "Buckets", cx)?
        .into_iter()
        .map(|(ptr, b)| {
            let name = required(b, "Name", &ptr)?;
            let mut attrs = Map::new();
            if let Some(created) = b.get("CreationDate") {
                // Botocore recordings spell times as `{"__class__": "datetime", …}`.
                let text = match created {
                    Value::String(s) => Value::String(s.clone()),
                    other => time::parse(other)
                        .map(|t| Value::String(time::format(t)))
                        .unwrap_or(Value::Null),
                };
                attrs.insert("creation_date".into(), text);
            }
            if let Some(owner) = &owner {
                attrs.insert("owner_id".into(), owner.clone());
            }
            // Newer CLIs print each bucket's region beside it.
            let region = b.get("BucketRegion").and_then(Value::as_str);
            Ok(bucket(cx, name, &ptr, attrs, region))
        })
        .collect()
}

pub fn location(cx: &Cx, reply: Reply) -> Out {
    let Reply::Output(doc) = reply else {
        return Ok(vec![]);
    };
    let Some(name) = cx.arg_or_note("bucket", "s3api get-bucket-location") else {
        return Ok(vec![]);
    };
    let constraint = doc.get("LocationConstraint").and_then(Value::as_str);
    let attrs = one(
        "location_constraint",
        doc.get("LocationConstraint")
            .cloned()
            .unwrap_or(Value::Null),
    );
    Ok(vec![bucket(
        cx,
        name,
        &cx.pointer,
        attrs,
        Some(region_of_location(constraint)),
    )])
}

pub fn policy(cx: &Cx, reply: Reply) -> Out {
    let Some(name) = cx.arg_or_note("bucket", "s3api get-bucket-policy") else {
        return Ok(vec![]);
    };
    let (raw, ptr) = match reply {
        Reply::Output(doc) => (doc.get("Policy"), cx.at("Policy")),
        Reply::Absent(_) => (None, cx.pointer.clone()),
    };
    match policies::attributes(
        raw,
        &cx.source(&ptr),
        name,
        &bucket_arn(cx.partition, name),
        cx.account,
    ) {
        Ok(attrs) => Ok(vec![bucket(cx, name, &cx.pointer, attrs, None)]),
        Err(e) => {
            cx.note(format!(
                "bucket {name}: {e}; what its policy allows stays unknown"
            ));
            Ok(vec![])
        }
    }
}

pub fn acl(cx: &Cx, reply: Reply) -> Out {
    let Reply::Output(doc) = reply else {
        return Ok(vec![]);
    };
    fragment(cx, "get-bucket-acl", |_| {
        acls::attributes(acls::from_cli(doc))
    })
}

pub fn public_access_block(cx: &Cx, reply: Reply) -> Out {
    let Some(name) = cx.arg("bucket") else {
        cx.note(
            "a lone `PublicAccessBlockConfiguration` output (from `aws s3api \
             get-public-access-block` or `aws s3control get-public-access-block`) does not say \
             which bucket or account it describes; collect it with collectors/aws.sh, whose \
             bundle records both"
                .into(),
        );
        return Ok(vec![]);
    };
    let config = match reply {
        Reply::Output(doc) => doc.get("PublicAccessBlockConfiguration"),
        Reply::Absent(_) => None,
    };
    let attrs = one("public_access_block", pab(config));
    Ok(vec![bucket(cx, name, &cx.pointer, attrs, None)])
}

pub fn encryption(cx: &Cx, reply: Reply) -> Out {
    let rules = match reply {
        Reply::Output(doc) => encryption_rules(
            doc.get("ServerSideEncryptionConfiguration")
                .and_then(|c| c.get("Rules")),
        ),
        Reply::Absent(_) => Value::Null,
    };
    fragment(cx, "get-bucket-encryption", |_| {
        one("encryption_rules", rules)
    })
}

pub fn versioning(cx: &Cx, reply: Reply) -> Out {
    let Reply::Output(doc) = reply else {
        return Ok(vec![]);
    };
    // An empty output means versioning was never enabled; MFADelete is printed only once it
    // has been configured.
    let status = doc.get("Status").and_then(Value::as_str).unwrap_or("Off");
    let mfa = doc.get("MFADelete").and_then(Value::as_str) == Some("Enabled");
    fragment(cx, "get-bucket-versioning", |_| {
        Map::from_iter([
            ("versioning_status".to_string(), json!(status)),
            ("mfa_delete_enabled".to_string(), json!(mfa)),
        ])
    })
}

pub fn logging(cx: &Cx, reply: Reply) -> Out {
    let Reply::Output(doc) = reply else {
        return Ok(vec![]);
    };
    // An empty output means server access logging is off.
    let enabled = doc.get("LoggingEnabled");
    let field = |k: &str| {
        enabled
            .and_then(|e| e.get(k))
            .cloned()
            .unwrap_or(Value::Null)
    };
    fragment(cx, "get-bucket-logging", |_| {
        Map::from_iter([
            ("logging_target_bucket".to_string(), field("TargetBucket")),
            ("logging_target_prefix".to_string(), field("TargetPrefix")),
        ])
    })
}

pub fn ownership(cx: &Cx, reply: Reply) -> Out {
    let value = match reply {
        Reply::Output(doc) => doc
            .pointer("/OwnershipControls/Rules/0/ObjectOwnership")
            .cloned()
            .unwrap_or(Value::Null),
        Reply::Absent(_) => Value::Null,
    };
    fragment(cx, "get-bucket-ownership-controls", |_| {
        one("object_ownership", value)
    })
}

pub fn policy_status(cx: &Cx, reply: Reply) -> Out {
    let value = match reply {
        Reply::Output(doc) => match doc.pointer("/PolicyStatus/IsPublic") {
            Some(v @ Value::Bool(_)) => v.clone(),
            _ => return Ok(vec![]),
        },
        // No policy: nothing in a policy can be public.
        Reply::Absent(_) => json!(false),
    };
    fragment(cx, "get-bucket-policy-status", |_| {
        one("policy_status_is_public", value)
    })
}

pub fn lifecycle(cx: &Cx, reply: Reply) -> Out {
    let rules = match reply {
        Reply::Output(doc) => match doc.get("Rules") {
            Some(rules @ Value::Array(_)) => super::super::snake_keys(rules),
            _ => Value::Null,
        },
        Reply::Absent(_) => Value::Null,
    };
    fragment(cx, "get-bucket-lifecycle-configuration", |_| {
        one("lifecycle_rules", rules)
    })
}

pub fn account_public_access_block(cx: &Cx, reply: Reply) -> Out {
    let config = match reply {
        Reply::Output(doc) => doc.get("PublicAccessBlockConfiguration"),
        Reply::Absent(_) => None,
    };
    // The call names its account; prefer that over the manifest's when they differ.
    let Some(account) = cx.arg("account-id").or(cx.account) else {
        let attrs = one("s3_public_access_block", pab(config));
        return Ok(cx
            .account_resource("s3control get-public-access-block", &cx.pointer, attrs)
            .into_iter()
            .collect());
    };
    Ok(vec![account_settings(
        cx,
        account,
        &cx.pointer,
        pab(config),
    )])
}
