//! Facts about a bucket that need several outputs: the public access block S3 actually applies
//! (the bucket's and the account's together) and, through it, whether the policy or the ACL
//! really opens the bucket to everyone. Three-valued throughout: a fact that depends on a
//! missing output is left out, and `unknown_facts` says which outputs were missing.

use crate::attr_value::AttrValue;
use crate::{Resource, Source};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

const FLAGS: [&str; 4] = [
    "block_public_acls",
    "ignore_public_acls",
    "block_public_policy",
    "restrict_public_buckets",
];

/// Kleene logic over "known true / known false / unknown".
fn or(a: Option<bool>, b: Option<bool>) -> Option<bool> {
    match (a, b) {
        (Some(true), _) | (_, Some(true)) => Some(true),
        (Some(false), Some(false)) => Some(false),
        _ => None,
    }
}

fn and(a: Option<bool>, b: Option<bool>) -> Option<bool> {
    match (a, b) {
        (Some(false), _) | (_, Some(false)) => Some(false),
        (Some(true), Some(true)) => Some(true),
        _ => None,
    }
}

fn not(a: Option<bool>) -> Option<bool> {
    a.map(|v| !v)
}

fn flag(block: Option<&AttrValue>, name: &str) -> Option<bool> {
    block?.get(name)?.as_bool()
}

fn bool_at(r: &Resource, key: &str) -> Option<bool> {
    r.attributes.get(key)?.as_bool()
}

/// Facts that need several outputs together, run once all files are merged.
// The signature is shared by every service's `derive` in the framework's table.
#[allow(clippy::ptr_arg)]
pub fn derive(resources: &mut Vec<Resource>) {
    let accounts: BTreeMap<String, (AttrValue, Source)> = resources
        .iter()
        .filter(|r| r.kind == "aws.account")
        .filter_map(|r| {
            let block = r.attributes.get("s3_public_access_block")?.clone();
            Some((
                r.account.clone()?,
                (block, r.source_of("s3_public_access_block").clone()),
            ))
        })
        .collect();
    for r in resources.iter_mut().filter(|r| r.kind == "aws.s3.bucket") {
        let account = r.account.as_ref().and_then(|a| accounts.get(a));
        bucket(r, account);
    }
}

fn bucket(r: &mut Resource, account: Option<&(AttrValue, Source)>) {
    let mut missing: Vec<&str> = Vec::new();
    let own = r.attributes.get("public_access_block").cloned();
    if own.is_none() {
        missing.push("`s3api get-public-access-block` for this bucket");
    }
    if account.is_none() {
        missing.push("`s3control get-public-access-block` for the bucket's account");
    }
    let mut effective = Map::new();
    for f in FLAGS {
        if let Some(v) = or(flag(own.as_ref(), f), flag(account.map(|a| &a.0), f)) {
            effective.insert(f.to_string(), json!(v));
        }
    }
    let effective_flag = |f: &str| effective.get(f).and_then(Value::as_bool);
    let restrict = effective_flag("restrict_public_buckets");
    let ignore = effective_flag("ignore_public_acls");

    let has_policy = r.attributes.contains_key("policy_public");
    let has_acl = r.attributes.contains_key("acl_global_permissions");
    let policy_read = bool_at(r, "policy_public_read");
    let policy_write = bool_at(r, "policy_public_write");
    // AWS's own verdict (get-bucket-policy-status) also counts: it sees what our reading of
    // conditions might not.
    let policy_any = or(
        bool_at(r, "policy_public"),
        bool_at(r, "policy_status_is_public"),
    );
    let acl_read = bool_at(r, "acl_public_read");
    let acl_write = bool_at(r, "acl_public_write");
    let acl_any = r
        .attributes
        .get("acl_global_permissions")
        .and_then(AttrValue::as_array)
        .map(|a| !a.is_empty());

    let via_policy = |open: Option<bool>| and(open, not(restrict));
    let via_acl = |open: Option<bool>| and(open, not(ignore));
    let read = or(via_policy(policy_read), via_acl(acl_read));
    let write = or(via_policy(policy_write), via_acl(acl_write));
    let any = or(via_policy(policy_any), via_acl(acl_any));

    let policy_src = r.source_of("policy_public").clone();
    let acl_src = r.source_of("acl_global_permissions").clone();
    let why = |by_policy: Option<bool>, by_acl: Option<bool>, what: &str| {
        let mut parts = Vec::new();
        if by_policy == Some(true) {
            parts.push(format!(
                "the bucket policy {what} to everyone and RestrictPublicBuckets is off"
            ));
        }
        if by_acl == Some(true) {
            parts.push(format!(
                "the ACL {what} to AllUsers or AuthenticatedUsers and IgnorePublicAcls is off"
            ));
        }
        parts.join("; ")
    };
    let mut unknown: Map<String, Value> = Map::new();
    let mut missing_for = |attr: &str, inputs: &[bool; 2]| {
        let mut m: Vec<&str> = missing.clone();
        if !inputs[0] {
            m.push("`s3api get-bucket-policy`");
        }
        if !inputs[1] {
            m.push("`s3api get-bucket-acl`");
        }
        unknown.insert(
            attr.to_string(),
            json!(format!("unknown: the export lacks {}", m.join(", "))),
        );
    };
    for (attr, value, by_policy, by_acl, what) in [
        (
            "public_read",
            read,
            via_policy(policy_read),
            via_acl(acl_read),
            "grants read",
        ),
        (
            "public_write",
            write,
            via_policy(policy_write),
            via_acl(acl_write),
            "grants write",
        ),
        (
            "publicly_accessible",
            any,
            via_policy(policy_any),
            via_acl(acl_any),
            "grants access",
        ),
    ] {
        match value {
            Some(v) => {
                r.attributes.insert(attr, json!(v));
                if v {
                    r.attributes
                        .insert(format!("{attr}_via"), json!(why(by_policy, by_acl, what)));
                }
                let src = if by_policy == Some(true) || by_acl != Some(true) {
                    &policy_src
                } else {
                    &acl_src
                };
                if *src != r.source {
                    r.sources.insert(attr, src.clone());
                }
            }
            None => missing_for(attr, &[has_policy, has_acl]),
        }
    }
    if effective.len() < FLAGS.len() {
        let m = missing.join(", ");
        unknown.insert(
            "effective_public_access_block".into(),
            json!(format!("some flags unknown: the export lacks {m}")),
        );
    }
    if let Some((_, src)) = account {
        if own.is_none() {
            r.sources
                .insert("effective_public_access_block", src.clone());
        } else {
            let own_src = r.source_of("public_access_block").clone();
            if own_src != r.source {
                r.sources.insert("effective_public_access_block", own_src);
            }
        }
    }
    r.attributes
        .insert("effective_public_access_block", Value::Object(effective));
    if !unknown.is_empty() {
        r.attributes.insert("unknown_facts", Value::Object(unknown));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resource(kind: &str, account: &str, attrs: Value) -> Resource {
        Resource {
            provider: "aws".into(),
            kind: kind.into(),
            id: format!("{kind}-{account}"),
            name: "x".into(),
            account: Some(account.into()),
            region: None,
            attributes: attrs.as_object().cloned().unwrap_or_default().into(),
            source: Source {
                file: "f".into(),
                pointer: String::new(),
            },
            sources: Default::default(),
            facts: Default::default(),
            typed: Default::default(),
        }
    }

    fn off() -> Value {
        json!({"configured": false, "block_public_acls": false, "ignore_public_acls": false,
               "block_public_policy": false, "restrict_public_buckets": false})
    }

    #[test]
    fn account_block_covers_an_open_bucket() {
        let mut rs = vec![
            resource(
                "aws.s3.bucket",
                "123456789012",
                json!({"public_access_block": off(), "policy_public": true, "policy_public_read": true,
                       "policy_public_write": false, "acl_public_read": false, "acl_public_write": false,
                       "acl_global_permissions": []}),
            ),
            resource(
                "aws.account",
                "123456789012",
                json!({"s3_public_access_block": {"configured": true, "block_public_acls": true,
                    "ignore_public_acls": true, "block_public_policy": true, "restrict_public_buckets": true}}),
            ),
        ];
        derive(&mut rs);
        let b = &rs[0].attributes;
        assert_eq!(
            b["effective_public_access_block"]["restrict_public_buckets"],
            json!(true)
        );
        assert_eq!(b["public_read"], json!(false));
        assert_eq!(b["publicly_accessible"], json!(false));
        assert!(b.get("unknown_facts").is_none(), "{b:?}");
    }

    #[test]
    fn missing_account_setting_leaves_an_open_bucket_unknown_not_public() {
        let mut rs = vec![resource(
            "aws.s3.bucket",
            "123456789012",
            json!({"public_access_block": off(), "policy_public": true, "policy_public_read": true,
                   "policy_public_write": false, "acl_public_read": false, "acl_public_write": true,
                   "acl_global_permissions": ["WRITE"]}),
        )];
        derive(&mut rs);
        let b = &rs[0].attributes;
        assert!(b.get("public_read").is_none());
        assert!(b["effective_public_access_block"]
            .get("ignore_public_acls")
            .is_none());
        assert!(b["unknown_facts"]["public_read"]
            .as_str()
            .is_some_and(|s| s.contains("s3control")));
        // A bucket-level block decides on its own, whatever the account says.
        let mut blocked = off();
        blocked["ignore_public_acls"] = json!(true);
        blocked["restrict_public_buckets"] = json!(true);
        let mut rs = vec![resource(
            "aws.s3.bucket",
            "123456789012",
            json!({"public_access_block": blocked, "policy_public": true, "policy_public_read": true,
                   "policy_public_write": false, "acl_public_read": false, "acl_public_write": true,
                   "acl_global_permissions": ["WRITE"]}),
        )];
        derive(&mut rs);
        assert_eq!(rs[0].attributes["publicly_accessible"], json!(false));
    }

    #[test]
    fn open_acl_without_blocks_is_public_write_with_a_reason() {
        let mut rs = vec![
            resource(
                "aws.s3.bucket",
                "123456789012",
                json!({"public_access_block": off(), "acl_public_read": false, "acl_public_write": true,
                       "acl_global_permissions": ["WRITE"]}),
            ),
            resource(
                "aws.account",
                "123456789012",
                json!({"s3_public_access_block": off()}),
            ),
        ];
        derive(&mut rs);
        let b = &rs[0].attributes;
        assert_eq!(b["public_write"], json!(true));
        assert!(b["public_write_via"]
            .as_str()
            .is_some_and(|s| s.contains("ACL")));
        // The policy was not collected: read access through it is unknown.
        assert!(b.get("public_read").is_none());
        assert_eq!(b["publicly_accessible"], json!(true));
    }
}
