//! S3: buckets and their per-bucket settings, and the account-level public access block.
//!
//! `aws.s3.bucket` (id `arn:aws:s3:::NAME`, region from `get-bucket-location` or Config's
//! `awsRegion`) carries, each from its own output so evidence points at it:
//! - `creation_date`, `owner_id` — `list-buckets`, Config `configuration`;
//! - `location_constraint` — raw `get-bucket-location` value (`null` is us-east-1, `EU` is
//!   eu-west-1);
//! - `policy` (document or `null`), `policy_statements` (parsed statements; each principal has
//!   `other_account` when the bucket's account is known), `policy_public`, `policy_public_read`,
//!   `policy_public_write` (an Allow to `*` with no restricting condition, less what a Deny to
//!   everyone takes back), `policy_public_statements`, `policy_denies_insecure_transport` —
//!   `get-bucket-policy` (`NoSuchBucketPolicy`: no policy), Config `BucketPolicy.policyText`;
//! - `policy_status_is_public` — AWS's own judgement, `get-bucket-policy-status`;
//! - `acl` (`{owner_id, grants: [{grantee_type, grantee_id, grantee_uri, grantee_email,
//!   grantee_group, permission}]}`), `acl_all_users_permissions`,
//!   `acl_authenticated_users_permissions`, `acl_global_permissions` (FULL_CONTROL expanded),
//!   `acl_public_read`, `acl_public_write` — `get-bucket-acl`, Config `AccessControlList`;
//! - `public_access_block` (`{configured, block_public_acls, ignore_public_acls,
//!   block_public_policy, restrict_public_buckets}`; no configuration is recorded as
//!   `configured: false` with the four flags false, which is what S3 enforces then) —
//!   `get-public-access-block`, Config `PublicAccessBlockConfiguration`;
//! - `encryption_rules` (`[{sse_algorithm, kms_master_key_id, bucket_key_enabled}]` or `null`)
//!   — `get-bucket-encryption`, Config `ServerSideEncryptionConfiguration`;
//! - `versioning_status` (`Enabled`, `Suspended`, or `Off` for never enabled),
//!   `mfa_delete_enabled` — `get-bucket-versioning`, Config `BucketVersioningConfiguration`;
//! - `logging_target_bucket` (`null`: logging off), `logging_target_prefix` —
//!   `get-bucket-logging`, Config `BucketLoggingConfiguration`;
//! - `object_ownership` (`BucketOwnerEnforced`, `BucketOwnerPreferred`, `ObjectWriter`, or
//!   `null` for no ownership controls, where ACLs apply) — `get-bucket-ownership-controls`;
//! - `lifecycle_rules` (snake_case rules or `null`) — `get-bucket-lifecycle-configuration`,
//!   Config `BucketLifecycleConfiguration`;
//! - `replication_rules`, `event_notifications`, `object_lock_enabled`,
//!   `object_lock_default_retention`, derived `replicates_cross_region` — see [`delivery`];
//! - derived across outputs (see [`derive`]): `effective_public_access_block` (bucket OR account
//!   per flag; a flag is left out when unknown), `public_read`, `public_write`,
//!   `publicly_accessible` with `public_read_via` / `public_write_via`, and `unknown_facts`
//!   (attribute → which missing outputs left it unknown).
//!
//! `aws.s3.access_point` and `aws.s3.multi_region_access_point`: see [`access_points`].
//!
//! `aws.account` carries `s3_public_access_block` (same shape as the bucket's) from
//! `s3control get-public-access-block` or Config `AWS::S3::AccountPublicAccessBlock`.
//!
//! In AWS Config items, `PublicAccessBlockConfiguration` and `ServerSideEncryptionConfiguration`
//! were added to the recorded supplementary configuration later than the rest, so an item
//! without them says nothing (unknown); the older keys (policy, ACL, logging, versioning,
//! lifecycle) are recorded whenever set, so their absence means "not configured" only for
//! lifecycle, whose key Config omits when there is none. Config does not record ownership
//! controls, so `object_ownership` stays unknown from Config.

mod access_points;
mod acl;
mod cli;
mod config_item;
mod delivery;
mod derive;
mod policy;

use super::config::ConfigType;
use super::{Command, Cx};
use crate::Resource;
use serde_json::{json, Map, Value};

/// Facts that need several outputs together, run once all files are merged.
pub fn derive(resources: &mut Vec<Resource>) {
    derive::derive(resources);
    delivery::derive(resources);
}

const BUCKET: &[&str] = &["aws.s3.bucket"];

pub const COMMANDS: &[Command] = &[
    Command {
        id: "aws-s3api-list-buckets",
        service: "s3api",
        operation: "list-buckets",
        signature: &["Buckets", "Owner"],
        kinds: BUCKET,
        absent_codes: &[],
        normalize: cli::list_buckets,
    },
    Command {
        id: "aws-s3api-get-bucket-location",
        service: "s3api",
        operation: "get-bucket-location",
        signature: &["LocationConstraint"],
        kinds: BUCKET,
        absent_codes: &[],
        normalize: cli::location,
    },
    Command {
        id: "aws-s3api-get-bucket-policy",
        service: "s3api",
        operation: "get-bucket-policy",
        signature: &["Policy"],
        kinds: BUCKET,
        absent_codes: &["NoSuchBucketPolicy"],
        normalize: cli::policy,
    },
    Command {
        id: "aws-s3api-get-bucket-acl",
        service: "s3api",
        operation: "get-bucket-acl",
        signature: &["Owner", "Grants"],
        kinds: BUCKET,
        absent_codes: &[],
        normalize: cli::acl,
    },
    Command {
        id: "aws-s3api-get-public-access-block",
        service: "s3api",
        operation: "get-public-access-block",
        // `s3control get-public-access-block` prints the same shape; a lone file of either is
        // recognised here and its note names both.
        signature: &["PublicAccessBlockConfiguration"],
        kinds: BUCKET,
        absent_codes: &["NoSuchPublicAccessBlockConfiguration"],
        normalize: cli::public_access_block,
    },
    Command {
        id: "aws-s3api-get-bucket-encryption",
        service: "s3api",
        operation: "get-bucket-encryption",
        signature: &["ServerSideEncryptionConfiguration"],
        kinds: BUCKET,
        absent_codes: &["ServerSideEncryptionConfigurationNotFoundError"],
        normalize: cli::encryption,
    },
    Command {
        id: "aws-s3api-get-bucket-versioning",
        service: "s3api",
        operation: "get-bucket-versioning",
        // `{"Status": "Enabled"}` alone could be many services' output.
        signature: &["Status", "MFADelete"],
        kinds: BUCKET,
        absent_codes: &[],
        normalize: cli::versioning,
    },
    Command {
        id: "aws-s3api-get-bucket-logging",
        service: "s3api",
        operation: "get-bucket-logging",
        signature: &["LoggingEnabled"],
        kinds: BUCKET,
        absent_codes: &[],
        normalize: cli::logging,
    },
    Command {
        id: "aws-s3api-get-bucket-ownership-controls",
        service: "s3api",
        operation: "get-bucket-ownership-controls",
        signature: &["OwnershipControls"],
        kinds: BUCKET,
        absent_codes: &["OwnershipControlsNotFoundError"],
        normalize: cli::ownership,
    },
    Command {
        id: "aws-s3api-get-bucket-policy-status",
        service: "s3api",
        operation: "get-bucket-policy-status",
        signature: &["PolicyStatus"],
        kinds: BUCKET,
        absent_codes: &["NoSuchBucketPolicy"],
        normalize: cli::policy_status,
    },
    Command {
        id: "aws-s3api-get-bucket-lifecycle-configuration",
        service: "s3api",
        operation: "get-bucket-lifecycle-configuration",
        // `{"Rules": […]}` is also EventBridge's list-rules and others'.
        signature: &[],
        kinds: BUCKET,
        absent_codes: &["NoSuchLifecycleConfiguration"],
        normalize: cli::lifecycle,
    },
    Command {
        id: "aws-s3api-get-bucket-replication",
        service: "s3api",
        operation: "get-bucket-replication",
        signature: &["ReplicationConfiguration"],
        kinds: BUCKET,
        absent_codes: &["ReplicationConfigurationNotFoundError"],
        normalize: delivery::replication,
    },
    Command {
        id: "aws-s3api-get-bucket-notification-configuration",
        service: "s3api",
        operation: "get-bucket-notification-configuration",
        // An empty `{}` is the usual answer, and a lone output names no bucket anyway.
        signature: &[],
        kinds: BUCKET,
        absent_codes: &[],
        normalize: delivery::notifications,
    },
    Command {
        id: "aws-s3api-get-object-lock-configuration",
        service: "s3api",
        operation: "get-object-lock-configuration",
        signature: &["ObjectLockConfiguration"],
        kinds: BUCKET,
        absent_codes: &["ObjectLockConfigurationNotFoundError"],
        normalize: delivery::object_lock,
    },
    Command {
        id: "aws-s3control-list-access-points",
        service: "s3control",
        operation: "list-access-points",
        signature: &["AccessPointList"],
        kinds: &[access_points::ACCESS_POINT],
        absent_codes: &[],
        normalize: access_points::list_access_points,
    },
    Command {
        id: "aws-s3control-get-access-point",
        service: "s3control",
        operation: "get-access-point",
        signature: &[
            "Name",
            "Bucket",
            "NetworkOrigin",
            "PublicAccessBlockConfiguration",
        ],
        kinds: &[access_points::ACCESS_POINT],
        absent_codes: &[],
        normalize: access_points::get_access_point,
    },
    Command {
        id: "aws-s3control-list-multi-region-access-points",
        service: "s3control",
        operation: "list-multi-region-access-points",
        // `{"AccessPoints": […]}` is also EFS's describe-access-points.
        signature: &[],
        kinds: &[access_points::MULTI_REGION],
        absent_codes: &[],
        normalize: access_points::list_multi_region,
    },
    Command {
        id: "aws-s3control-get-public-access-block",
        service: "s3control",
        operation: "get-public-access-block",
        signature: &[],
        kinds: &["aws.account"],
        absent_codes: &["NoSuchPublicAccessBlockConfiguration"],
        normalize: cli::account_public_access_block,
    },
];

/// AWS Config resource types read into the same kinds as the CLI outputs.
pub const CONFIG: &[ConfigType] = &[
    ConfigType {
        resource_type: "AWS::S3::Bucket",
        normalize: config_item::bucket_item,
    },
    ConfigType {
        resource_type: "AWS::S3::AccountPublicAccessBlock",
        normalize: config_item::account_public_access_block,
    },
    ConfigType {
        resource_type: "AWS::S3::AccessPoint",
        normalize: access_points::config_access_point,
    },
    ConfigType {
        resource_type: "AWS::S3::MultiRegionAccessPoint",
        normalize: access_points::config_multi_region,
    },
];

pub fn bucket_arn(partition: &str, name: &str) -> String {
    format!("arn:{partition}:s3:::{name}")
}

/// A bucket fragment. Only outputs that know where the bucket lives give a region: the call's
/// own region says where the CLI ran, not where the bucket is.
fn bucket(
    cx: &Cx,
    name: &str,
    ptr: &str,
    attributes: Map<String, Value>,
    region: Option<&str>,
) -> Resource {
    let mut r = cx.resource(
        "aws.s3.bucket",
        bucket_arn(cx.partition, name),
        name,
        region,
        ptr,
        attributes,
    );
    r.region = region.map(str::to_string);
    r
}

/// The account's S3 public access block, on `aws.account`. The account comes from the call or
/// the item itself, which may differ from (or stand in for) the bundle manifest's.
fn account_settings(cx: &Cx, account: &str, ptr: &str, block: Value) -> Resource {
    let attrs = Map::from_iter([("s3_public_access_block".to_string(), block)]);
    let mut r = cx.resource(
        "aws.account",
        super::account_id(cx.partition, account),
        format!("account {account}"),
        Some("global"),
        ptr,
        attrs,
    );
    r.account = Some(account.to_string());
    r
}

/// The region a `LocationConstraint` names: none (or empty) is us-east-1, `EU` the legacy name
/// of eu-west-1.
fn region_of_location(constraint: Option<&str>) -> &str {
    match constraint {
        None | Some("") => "us-east-1",
        Some("EU") => "eu-west-1",
        Some(r) => r,
    }
}

/// A public access block in our shape, from the CLI's PascalCase or Config's camelCase. No
/// configuration means all four protections are off.
fn public_access_block(config: Option<&Value>) -> Value {
    let snake = config.map(super::snake_keys);
    let flag = |k: &str| {
        snake
            .as_ref()
            .and_then(|c| c.get(k))
            .and_then(Value::as_bool)
            .unwrap_or(false)
    };
    json!({
        "configured": config.is_some(),
        "block_public_acls": flag("block_public_acls"),
        "ignore_public_acls": flag("ignore_public_acls"),
        "block_public_policy": flag("block_public_policy"),
        "restrict_public_buckets": flag("restrict_public_buckets"),
    })
}

/// Default-encryption rules in our shape, from either spelling.
fn encryption_rules(rules: Option<&Value>) -> Value {
    let Some(Value::Array(rules)) = rules else {
        return Value::Null;
    };
    Value::Array(
        rules
            .iter()
            .map(|r| {
                let r = super::snake_keys(r);
                let d = r.get("apply_server_side_encryption_by_default");
                let s = |k: &str| d.and_then(|d| d.get(k)).cloned().unwrap_or(Value::Null);
                json!({
                    "sse_algorithm": s("sse_algorithm"),
                    "kms_master_key_id": s("kms_master_key_id"),
                    "bucket_key_enabled": r.get("bucket_key_enabled").and_then(Value::as_bool).unwrap_or(false),
                })
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_to_regions() {
        assert_eq!(region_of_location(None), "us-east-1");
        assert_eq!(region_of_location(Some("EU")), "eu-west-1");
        assert_eq!(region_of_location(Some("ap-south-1")), "ap-south-1");
    }

    #[test]
    fn both_spellings_of_settings_agree() {
        let cli = json!({"BlockPublicAcls": true, "IgnorePublicAcls": false, "BlockPublicPolicy": true, "RestrictPublicBuckets": true});
        let config = json!({"blockPublicAcls": true, "ignorePublicAcls": false, "blockPublicPolicy": true, "restrictPublicBuckets": true});
        assert_eq!(
            public_access_block(Some(&cli)),
            public_access_block(Some(&config))
        );
        assert_eq!(public_access_block(None)["configured"], json!(false));
        let cli = json!([{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": "arn:aws:kms:us-east-1:123456789012:key/1"}, "BucketKeyEnabled": true}]);
        let config = json!([{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "aws:kms", "kmsMasterKeyID": "arn:aws:kms:us-east-1:123456789012:key/1"}, "bucketKeyEnabled": true}]);
        assert_eq!(
            encryption_rules(Some(&cli)),
            encryption_rules(Some(&config))
        );
        assert_eq!(
            encryption_rules(Some(&cli))[0]["sse_algorithm"],
            json!("aws:kms")
        );
    }
}
