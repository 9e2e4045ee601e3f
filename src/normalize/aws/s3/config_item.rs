//! AWS Config's `AWS::S3::Bucket` and `AWS::S3::AccountPublicAccessBlock` items, into the same
//! kinds and attributes as the CLI outputs. Config keeps a bucket's settings in
//! `supplementaryConfiguration`, in camelCase, with its own enum spellings (`FullControl`,
//! `"status": "Off"`, `isMfaDeleteEnabled: null`).

use super::super::config::Item;
use super::super::{snake_keys, Cx};
use super::{
    account_settings, acl, bucket, bucket_arn, delivery, encryption_rules, policy,
    public_access_block,
};
use crate::normalize::NormalizeError;
use crate::{pointer, Resource};
use serde_json::{json, Map, Value};

pub fn bucket_item(cx: &Cx, it: &Item) -> Result<Vec<Resource>, NormalizeError> {
    let conf = snake_keys(&it.configuration);
    let name = conf
        .get("name")
        .and_then(Value::as_str)
        .or(it.resource_name)
        .unwrap_or(it.resource_id);
    let sup = &it.supplementary;
    let sup_ptr =
        |k: &str| pointer::join(&pointer::join(&it.pointer, "supplementaryConfiguration"), k);
    let mut attrs = Map::new();
    if let Some(c) = conf.get("creation_date") {
        attrs.insert("creation_date".into(), c.clone());
    }
    if let Some(o) = conf.get("owner").and_then(|o| o.get("id")) {
        attrs.insert("owner_id".into(), o.clone());
    }
    if let Some(a) = sup.get("AccessControlList").and_then(acl::from_config) {
        attrs.extend(acl::attributes(a));
    }
    if let Some(p) = sup.get("BucketPolicy") {
        let text = p.get("policyText").filter(|t| !t.is_null());
        let arn = it
            .arn
            .map(str::to_string)
            .unwrap_or_else(|| bucket_arn(cx.partition, name));
        match policy::attributes(
            text,
            &cx.source(&sup_ptr("BucketPolicy")),
            name,
            &arn,
            cx.account,
        ) {
            Ok(a) => attrs.extend(a),
            Err(e) => cx.note(format!(
                "bucket {name}: {e}; what its policy allows stays unknown"
            )),
        }
    }
    if let Some(p) = sup.get("PublicAccessBlockConfiguration") {
        attrs.insert("public_access_block".into(), public_access_block(Some(p)));
    }
    if let Some(e) = sup.get("ServerSideEncryptionConfiguration") {
        attrs.insert(
            "encryption_rules".into(),
            encryption_rules(e.get("rules").or(e.get("Rules"))),
        );
    }
    if let Some(v) = sup.get("BucketVersioningConfiguration") {
        // Config says `Off` where the CLI prints nothing: never enabled.
        let status = v.get("status").and_then(Value::as_str).unwrap_or("Off");
        attrs.insert("versioning_status".into(), json!(status));
        attrs.insert(
            "mfa_delete_enabled".into(),
            json!(v.get("isMfaDeleteEnabled").and_then(Value::as_bool) == Some(true)),
        );
    }
    if let Some(l) = sup.get("BucketLoggingConfiguration") {
        let field = |k: &str| l.get(k).cloned().unwrap_or(Value::Null);
        attrs.insert(
            "logging_target_bucket".into(),
            field("destinationBucketName"),
        );
        attrs.insert("logging_target_prefix".into(), field("logFilePrefix"));
    }
    // Config omits the key when a bucket has no lifecycle configuration, but only items that
    // carry the core keys are complete enough to say so.
    let lifecycle = sup.get("BucketLifecycleConfiguration");
    if lifecycle.is_some() || sup.contains_key("BucketVersioningConfiguration") {
        let rules = lifecycle
            .and_then(|l| l.get("rules"))
            .filter(|r| r.is_array())
            .map(snake_keys)
            .unwrap_or(Value::Null);
        attrs.insert("lifecycle_rules".into(), rules);
    }
    // Config records notifications for every bucket (`{"configurations": {}}` when none) but
    // replication only when configured, so its absence counts only in a complete item.
    if let Some(n) = sup.get("BucketNotificationConfiguration") {
        attrs.insert(
            "event_notifications".into(),
            delivery::config_notifications(n),
        );
    }
    let replication = sup.get("BucketReplicationConfiguration");
    if replication.is_some() || sup.contains_key("BucketVersioningConfiguration") {
        let rules = replication
            .map(delivery::replication_rules)
            .unwrap_or(Value::Null);
        attrs.insert("replication_rules".into(), rules);
    }
    if let Some(t) = it.tags {
        attrs.insert("tags".into(), t.clone());
    }
    let mut r = bucket(cx, name, &it.pointer, attrs, it.region);
    if let Some(arn) = it.arn {
        r.id = arn.to_string();
    }
    Ok(vec![r])
}

pub fn account_public_access_block(cx: &Cx, it: &Item) -> Result<Vec<Resource>, NormalizeError> {
    let config = Some(&*it.configuration).filter(|c| c.is_object());
    let account = it.account.unwrap_or(it.resource_id);
    Ok(vec![account_settings(
        cx,
        account,
        &it.pointer,
        public_access_block(config),
    )])
}
