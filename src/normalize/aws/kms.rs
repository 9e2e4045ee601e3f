//! KMS keys: metadata, rotation status, key policy and aliases, merged by key ARN.
//!
//! Kind `aws.kms.key` (id: the key ARN). Attributes:
//! - from `list-keys`: `key_id` (so that a key whose details were not collected still shows,
//!   and rules on it say "unknown");
//! - from `describe-key` (and Config): `key_id`, `key_manager` (CUSTOMER or AWS), `key_spec`
//!   (`KeySpec`, or the older `CustomerMasterKeySpec`), `key_usage`, `key_state`, `enabled`,
//!   `origin` (AWS_KMS, EXTERNAL, AWS_CLOUDHSM, EXTERNAL_KEY_STORE), `deletion_date` (null
//!   unless deletion is scheduled), `multi_region`, `description`;
//! - from `get-key-rotation-status`: `rotation_enabled`, `rotation_period_in_days` (newer CLIs);
//!   `UnsupportedOperationException` (asymmetric, HMAC, imported or custom-store keys) records
//!   `rotation_enabled: null`, known not to apply;
//! - from `get-key-policy --policy-name default` (and Config's supplementary `Policy`):
//!   `policy_statements`, the key policy parsed by the IAM engine, with `other_account` judged
//!   against the key's own account;
//! - from `list-aliases`: `aliases` (alias names pointing at the key), which also name the key.

use super::config::{ConfigType, Item};
use super::{
    copy_fields, field, field_or, list, region_of_arn, resource_policy, str_at, Command, Cx, Reply,
};
use crate::attr_value::AttrValue;
use crate::iam::policy::account_of_arn;
use crate::normalize::NormalizeError;
use crate::Resource;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

pub const COMMANDS: &[Command] = &[
    Command {
        id: "aws-kms-list-keys",
        service: "kms",
        operation: "list-keys",
        signature: &["Keys"],
        kinds: &["aws.kms.key"],
        absent_codes: &[],
        normalize: list_keys,
    },
    Command {
        id: "aws-kms-describe-key",
        service: "kms",
        operation: "describe-key",
        signature: &["KeyMetadata"],
        kinds: &["aws.kms.key"],
        absent_codes: &[],
        normalize: describe_key,
    },
    Command {
        id: "aws-kms-get-key-rotation-status",
        service: "kms",
        operation: "get-key-rotation-status",
        signature: &["KeyRotationEnabled"],
        kinds: &["aws.kms.key"],
        absent_codes: &["UnsupportedOperationException"],
        normalize: rotation_status,
    },
    Command {
        id: "aws-kms-get-key-policy",
        service: "kms",
        operation: "get-key-policy",
        // Older CLIs print only `Policy`, which S3's get-bucket-policy shares; such a lone
        // output names no key anyway.
        signature: &["Policy", "PolicyName"],
        kinds: &["aws.kms.key"],
        absent_codes: &[],
        normalize: key_policy,
    },
    Command {
        id: "aws-kms-list-aliases",
        service: "kms",
        operation: "list-aliases",
        signature: &["Aliases"],
        kinds: &["aws.kms.key"],
        absent_codes: &[],
        normalize: list_aliases,
    },
];

/// AWS Config resource types read into the same kinds as the CLI outputs.
pub const CONFIG: &[ConfigType] = &[ConfigType {
    resource_type: "AWS::KMS::Key",
    normalize: config_key,
}];

const KIND: &str = "aws.kms.key";

/// A key's name is its first alias when one is known (customer aliases before `alias/aws/…`),
/// else its key id, whichever output arrived first.
// The signature is the one every service's derive shares (mod.rs), which takes the Vec.
#[allow(clippy::ptr_arg)]
pub fn derive(resources: &mut Vec<Resource>) {
    for r in resources.iter_mut().filter(|r| r.kind == KIND) {
        let aliases: Vec<&str> = r
            .attributes
            .get("aliases")
            .and_then(AttrValue::as_array)
            .into_iter()
            .flatten()
            .filter_map(AttrValue::as_str)
            .collect();
        let best = aliases
            .iter()
            .find(|a| !a.starts_with("alias/aws/"))
            .or(aliases.first());
        if let Some(alias) = best {
            r.name = alias.to_string();
        }
    }
}

/// The ARN of a key named by id or ARN; `None` for an alias, which cannot be resolved alone.
fn key_arn(cx: &Cx, key: &str) -> Option<String> {
    if key.starts_with("arn:") && key.contains(":key/") {
        Some(key.to_string())
    } else if key.starts_with("alias/") || key.starts_with("arn:") {
        None
    } else {
        Some(cx.arn("kms", cx.region, &format!("key/{key}")))
    }
}

fn key_resource(cx: &Cx, arn: String, ptr: &str, attributes: Map<String, Value>) -> Resource {
    let name = arn.rsplit('/').next().unwrap_or(&arn).to_string();
    let region = region_of_arn(&arn).map(str::to_string);
    cx.resource(KIND, arn, name, region.as_deref(), ptr, attributes)
}

/// The key a per-key output is about: its own `KeyId` (newer rotation-status outputs carry
/// one) or the `key-id` the call was made with.
fn per_key_arn(cx: &Cx, doc: &Value, command: &str) -> Option<String> {
    let named = doc.get("KeyId").and_then(Value::as_str);
    let key = match named {
        Some(k) => k,
        None => cx.arg_or_note("key-id", command)?,
    };
    let arn = key_arn(cx, key);
    if arn.is_none() {
        cx.note(format!(
            "`aws {command}` was called with alias {key}; call it with the key id so it can be attached"
        ));
    }
    arn
}

fn list_keys(cx: &Cx, reply: Reply) -> Result<Vec<Resource>, NormalizeError> {
    let Reply::Output(doc) = reply else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for (ptr, m) in list(doc, "Keys", cx)? {
        let arn = match (str_at(m, "KeyArn"), str_at(m, "KeyId")) {
            (Some(arn), _) => arn.to_string(),
            (None, Some(id)) => cx.arn("kms", cx.region, &format!("key/{id}")),
            (None, None) => {
                return Err(NormalizeError {
                    pointer: ptr,
                    message: "entry has neither KeyArn nor KeyId".into(),
                })
            }
        };
        let mut a = Map::new();
        if let Some(id) = m.get("KeyId") {
            a.insert("key_id".into(), id.clone());
        }
        out.push(key_resource(cx, arn, &ptr, a));
    }
    Ok(out)
}

const METADATA: &[(&str, &str)] = &[
    ("KeyId", "key_id"),
    ("KeyManager", "key_manager"),
    ("KeyUsage", "key_usage"),
    ("KeyState", "key_state"),
    ("Enabled", "enabled"),
    ("Origin", "origin"),
    ("MultiRegion", "multi_region"),
    ("Description", "description"),
];

/// Key metadata, as describe-key and Config both give it.
fn metadata(m: &Map<String, Value>) -> Map<String, Value> {
    let mut a = Map::new();
    copy_fields(m, METADATA, &mut a);
    if let Some(spec) = field(m, "KeySpec").or_else(|| field(m, "CustomerMasterKeySpec")) {
        a.insert("key_spec".into(), spec.clone());
    }
    a.insert(
        "deletion_date".into(),
        field_or(m, "DeletionDate", Value::Null),
    );
    a
}

fn describe_key(cx: &Cx, reply: Reply) -> Result<Vec<Resource>, NormalizeError> {
    let Reply::Output(doc) = reply else {
        return Ok(Vec::new());
    };
    let ptr = cx.at("KeyMetadata");
    let Some(m) = doc.get("KeyMetadata").and_then(Value::as_object) else {
        return Err(NormalizeError {
            pointer: ptr,
            message: "KeyMetadata must be an object".into(),
        });
    };
    let arn = match str_at(m, "Arn") {
        Some(arn) => arn.to_string(),
        None => match str_at(m, "KeyId").and_then(|k| key_arn(cx, k)) {
            Some(arn) => arn,
            None => {
                return Err(NormalizeError {
                    pointer: ptr,
                    message: "KeyMetadata has neither Arn nor KeyId".into(),
                })
            }
        },
    };
    Ok(vec![key_resource(cx, arn, &ptr, metadata(m))])
}

fn rotation_status(cx: &Cx, reply: Reply) -> Result<Vec<Resource>, NormalizeError> {
    let command = "kms get-key-rotation-status";
    let mut a = Map::new();
    let arn = match reply {
        Reply::Output(doc) => {
            a.insert(
                "rotation_enabled".into(),
                doc.get("KeyRotationEnabled")
                    .cloned()
                    .unwrap_or(Value::Null),
            );
            if let Some(days) = doc.get("RotationPeriodInDays") {
                a.insert("rotation_period_in_days".into(), days.clone());
            }
            per_key_arn(cx, doc, command)
        }
        Reply::Absent(_) => {
            a.insert("rotation_enabled".into(), Value::Null);
            per_key_arn(cx, &Value::Null, command)
        }
    };
    Ok(arn
        .map(|arn| key_resource(cx, arn, &cx.pointer, a))
        .into_iter()
        .collect())
}

fn key_policy(cx: &Cx, reply: Reply) -> Result<Vec<Resource>, NormalizeError> {
    let Reply::Output(doc) = reply else {
        return Ok(Vec::new());
    };
    let Some(arn) = per_key_arn(cx, &Value::Null, "kms get-key-policy") else {
        return Ok(Vec::new());
    };
    let Some(raw) = doc.get("Policy") else {
        return Ok(Vec::new());
    };
    let owner = account_of_arn(&arn);
    let ptr = cx.at("Policy");
    let mut a = Map::new();
    if let Some(statements) = resource_policy(cx, raw, &ptr, "key policy", owner.as_deref()) {
        a.insert("policy_statements".into(), statements);
    }
    Ok(vec![key_resource(cx, arn, &ptr, a)])
}

fn list_aliases(cx: &Cx, reply: Reply) -> Result<Vec<Resource>, NormalizeError> {
    let Reply::Output(doc) = reply else {
        return Ok(Vec::new());
    };
    // One fragment per key holding all its aliases: fragments merge attribute by attribute and
    // the first wins, so one fragment per alias would keep only one of them.
    let mut by_key: BTreeMap<String, (String, Vec<String>)> = BTreeMap::new();
    for (ptr, m) in list(doc, "Aliases", cx)? {
        // Aliases not pointing at a key (unused AWS aliases), and Lambda's list-aliases, which
        // shares the top-level key, carry no TargetKeyId.
        let (Some(target), Some(name)) = (str_at(m, "TargetKeyId"), str_at(m, "AliasName")) else {
            continue;
        };
        let Some(arn) = key_arn(cx, target) else {
            continue;
        };
        let entry = by_key.entry(arn).or_insert_with(|| (ptr, Vec::new()));
        entry.1.push(name.to_string());
    }
    Ok(by_key
        .into_iter()
        .map(|(arn, (ptr, names))| {
            let mut a = Map::new();
            a.insert("aliases".into(), json!(names));
            key_resource(cx, arn, &ptr, a)
        })
        .collect())
}

fn config_key(cx: &Cx, it: &Item) -> Result<Vec<Resource>, NormalizeError> {
    let Some(m) = it.configuration.as_object() else {
        return Err(NormalizeError {
            pointer: it.pointer.clone(),
            message: "AWS::KMS::Key item has no configuration object".into(),
        });
    };
    let arn = match it.arn.or_else(|| str_at(m, "arn")) {
        Some(arn) => arn.to_string(),
        None => cx.arn("kms", it.region, &format!("key/{}", it.resource_id)),
    };
    let mut a = metadata(m);
    if let Some(raw) = it.supplementary.get("Policy") {
        // Config parses JSON-string supplementary values; the evidence points at the item.
        let ptr = crate::pointer::join(
            &crate::pointer::join(&it.pointer, "supplementaryConfiguration"),
            "Policy",
        );
        let owner = account_of_arn(&arn);
        if let Some(statements) = resource_policy(cx, raw, &ptr, "key policy", owner.as_deref()) {
            a.insert("policy_statements".into(), statements);
        }
    }
    Ok(vec![key_resource(cx, arn, &it.pointer, a)])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::aws::{config, lone as cli};

    #[test]
    fn describe_key_reads_old_and_new_spellings() {
        let (rs, _) = cli(
            "aws-kms-describe-key",
            json!({"KeyMetadata": {"KeyId": "k1", "Arn": "arn:aws:kms:eu-west-1:123456789012:key/k1",
                "KeyManager": "CUSTOMER", "CustomerMasterKeySpec": "SYMMETRIC_DEFAULT", "KeyState": "PendingDeletion",
                "DeletionDate": "2026-12-05T00:00:00Z", "Enabled": false, "Origin": "AWS_KMS"}}),
        );
        let a = &rs[0].attributes;
        assert_eq!(a["key_spec"], json!("SYMMETRIC_DEFAULT"));
        assert_eq!(a["deletion_date"], json!("2026-12-05T00:00:00Z"));
        assert_eq!(rs[0].region.as_deref(), Some("eu-west-1"));
    }

    #[test]
    fn rotation_status_attaches_by_its_own_key_id_or_notes_why_not() {
        let (rs, _) = cli(
            "aws-kms-get-key-rotation-status",
            json!({"KeyId": "arn:aws:kms:eu-west-1:123456789012:key/k1", "KeyRotationEnabled": true, "RotationPeriodInDays": 365}),
        );
        assert_eq!(rs[0].id, "arn:aws:kms:eu-west-1:123456789012:key/k1");
        assert_eq!(rs[0].attributes["rotation_period_in_days"], json!(365));
        let (rs, notes) = cli(
            "aws-kms-get-key-rotation-status",
            json!({"KeyRotationEnabled": true}),
        );
        assert!(rs.is_empty());
        assert!(notes[0].contains("key-id"), "{notes:?}");
    }

    #[test]
    fn aliases_group_per_key_and_name_it() {
        let (mut rs, _) = cli(
            "aws-kms-list-aliases",
            json!({"Aliases": [
                {"AliasName": "alias/aws/s3", "TargetKeyId": "k2"},
                {"AliasName": "alias/app", "TargetKeyId": "k1"},
                {"AliasName": "alias/app-old", "TargetKeyId": "k1"},
                {"AliasName": "alias/aws/unused"}]}),
        );
        assert_eq!(rs.len(), 2);
        derive(&mut rs);
        let k1 = rs.iter().find(|r| r.id.ends_with("key/k1")).expect("k1");
        assert_eq!(
            k1.attributes["aliases"],
            json!(["alias/app", "alias/app-old"])
        );
        assert_eq!(k1.name, "alias/app");
    }

    #[test]
    fn config_key_policy_is_parsed_against_the_key_account() {
        let item = json!({"resourceType": "AWS::KMS::Key", "resourceId": "k1", "accountId": "123456789012",
            "arn": "arn:aws:kms:eu-west-1:123456789012:key/k1", "awsRegion": "eu-west-1",
            "configurationItemCaptureTime": "2026-11-01T00:00:00Z",
            "configuration": {"keyId": "k1", "keyManager": "CUSTOMER", "keySpec": "SYMMETRIC_DEFAULT", "keyState": "Enabled"},
            "supplementaryConfiguration": {"Policy": "{\"Statement\": [{\"Effect\": \"Allow\", \"Principal\": {\"AWS\": \"arn:aws:iam::111122223333:root\"}, \"Action\": \"kms:Decrypt\", \"Resource\": \"*\"}]}"}});
        let (rs, _) = config::normalize(&item, "c.json", "").expect("config");
        let stmts = &rs[0].attributes["policy_statements"];
        assert_eq!(stmts[0]["principals"][0]["other_account"], json!(true));
        assert_eq!(rs[0].attributes["deletion_date"], Value::Null);
    }
}
