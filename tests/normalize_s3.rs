//! S3 normalisation over our own sanitised fixtures: a collector bundle (every per-bucket
//! command, "not configured" errors, an AccessDenied) and an AWS Config snapshot. The snapshots
//! show every attribute; the assertions pin the facts rules depend on.

use serde_json::{json, Value};
use stratoscope::analyze::build_inventory;
use stratoscope::report::InputStatus;
use stratoscope::{Input, Resource};

mod common;

fn fixture(rel: &str) -> Input {
    common::fixture(&format!("aws/s3/{rel}"), rel)
}

fn find<'a>(rs: &'a [Resource], id: &str) -> &'a Resource {
    rs.iter()
        .find(|r| r.id == id)
        .unwrap_or_else(|| panic!("no resource {id}"))
}

#[test]
fn bundle_buckets_merge_every_output() {
    let inv = build_inventory(&[fixture("bundle.json")]);
    let v = &inv.inputs[0];
    assert_eq!(v.status, InputStatus::Recognized, "{}", v.message);
    assert!(
        v.message
            .contains("1 call(s) failed with AccessDenied (`aws s3api get-bucket-policy`)"),
        "{}",
        v.message
    );
    let public = find(&inv.resources, "arn:aws:s3:::example-public-site");
    let a = &public.attributes;
    assert_eq!(public.region.as_deref(), Some("eu-west-1"));
    assert_eq!(public.account.as_deref(), Some("123456789012"));
    assert_eq!(a["public_read"], json!(true));
    assert_eq!(a["public_write"], json!(false));
    assert_eq!(a["versioning_status"], json!("Off"));
    assert_eq!(a["logging_target_bucket"], Value::Null);
    assert_eq!(a["object_ownership"], Value::Null);
    assert_eq!(a["lifecycle_rules"], Value::Null);
    assert_eq!(a["public_access_block"]["configured"], json!(false));
    // Evidence for the policy points at the policy output, not at list-buckets.
    assert_eq!(
        public.source_of("policy_statements").pointer,
        "/outputs/3/output"
    );
    let partner = &a["policy_statements"][1]["principals"][0];
    assert_eq!(partner["other_account"], json!(true));

    let data = find(&inv.resources, "arn:aws:s3:::example-data");
    let a = &data.attributes;
    assert_eq!(data.region.as_deref(), Some("us-east-1"));
    assert_eq!(a["policy_denies_insecure_transport"], json!(true));
    assert_eq!(a["publicly_accessible"], json!(false));
    assert_eq!(a["mfa_delete_enabled"], json!(true));
    assert_eq!(a["encryption_rules"][0]["sse_algorithm"], json!("aws:kms"));
    assert_eq!(a["lifecycle_rules"][0]["status"], json!("Enabled"));

    // The policy could not be read: what depends on it stays unknown, and says why.
    let logs = find(&inv.resources, "arn:aws:s3:::example-logs");
    let a = &logs.attributes;
    assert_eq!(logs.region.as_deref(), Some("us-west-2"));
    assert!(a.get("policy").is_none());
    assert!(a.get("public_read").is_none());
    let why = a["unknown_facts"]["public_read"].as_str().unwrap_or("");
    assert!(
        why.contains("get-bucket-policy") && why.contains("get-bucket-acl"),
        "{why}"
    );

    let account = find(&inv.resources, "arn:aws:iam::123456789012:root");
    assert_eq!(
        account.attributes["s3_public_access_block"]["configured"],
        json!(false)
    );

    let json = serde_json::to_string_pretty(&inv.resources).expect("serialises");
    insta::assert_snapshot!("s3_bundle_resources", json);
}

#[test]
fn config_items_yield_the_same_attributes() {
    let inv = build_inventory(&[fixture("config-snapshot.json")]);
    assert_eq!(inv.inputs[0].status, InputStatus::Recognized);
    let b = find(&inv.resources, "arn:aws:s3:::example-config-bucket");
    let a = &b.attributes;
    assert_eq!(b.kind, "aws.s3.bucket");
    assert_eq!(b.region.as_deref(), Some("eu-west-1"));
    assert_eq!(a["acl_all_users_permissions"], json!(["WRITE"]));
    assert_eq!(a["policy"], Value::Null);
    assert_eq!(a["versioning_status"], json!("Off"));
    assert_eq!(a["mfa_delete_enabled"], json!(false));
    assert_eq!(a["encryption_rules"][0]["sse_algorithm"], json!("AES256"));
    // The bucket ignores nothing itself, but the account-level block does.
    assert_eq!(a["public_access_block"]["ignore_public_acls"], json!(false));
    assert_eq!(
        a["effective_public_access_block"]["ignore_public_acls"],
        json!(true)
    );
    assert_eq!(a["public_write"], json!(false));
    // Config does not record ownership controls.
    assert!(a.get("object_ownership").is_none());
    let json = serde_json::to_string_pretty(&inv.resources).expect("serialises");
    insta::assert_snapshot!("s3_config_resources", json);
}

#[test]
fn lone_outputs_are_recognised_and_say_what_they_lack() {
    let lone = |doc: Value| {
        let inv = build_inventory(&[Input::new("lone.json", doc.to_string())]);
        (inv.inputs[0].clone(), inv.resources)
    };
    let (v, rs) = lone(
        json!({"Buckets": [{"Name": "example-a", "CreationDate": "2024-01-01T00:00:00+00:00"}],
                              "Owner": {"ID": "abc"}}),
    );
    assert_eq!(v.format.as_deref(), Some("aws-s3api-list-buckets"));
    assert_eq!(rs[0].id, "arn:aws:s3:::example-a");
    assert_eq!(rs[0].region, None);
    let (v, rs) = lone(json!({"Policy": "{\"Statement\": []}"}));
    assert_eq!(v.format.as_deref(), Some("aws-s3api-get-bucket-policy"));
    assert!(rs.is_empty());
    assert!(v.message.contains("which bucket"), "{}", v.message);
    let (v, _) = lone(json!({"PublicAccessBlockConfiguration": {"BlockPublicAcls": true}}));
    assert_eq!(v.status, InputStatus::Recognized);
    assert!(v.message.contains("s3control"), "{}", v.message);
    let (v, _) = lone(json!({"Owner": {"ID": "abc"}, "Grants": []}));
    assert_eq!(v.format.as_deref(), Some("aws-s3api-get-bucket-acl"));
}

#[test]
fn a_broken_policy_is_a_note_not_a_failed_file() {
    let doc = json!({"format": "stratoscope-aws-bundle", "format_version": 1,
        "manifest": {"account_id": "123456789012", "partition": "aws", "regions": ["us-east-1"]},
        "outputs": [{"service": "s3api", "operation": "get-bucket-policy", "region": "us-east-1",
            "args": {"bucket": "example-a"}, "exit_code": 0, "output": {"Policy": "{\"Statement\": 7}"}, "error": null}]});
    let inv = build_inventory(&[Input::new("b.json", doc.to_string())]);
    let v = &inv.inputs[0];
    assert_eq!(v.status, InputStatus::Recognized);
    assert!(v.message.contains("bucket example-a"), "{}", v.message);
}

#[test]
fn replication_notifications_object_lock_and_access_points() {
    let inv = build_inventory(&[fixture("bundle-delivery.json")]);
    assert_eq!(
        inv.inputs[0].status,
        InputStatus::Recognized,
        "{}",
        inv.inputs[0].message
    );
    let data = find(&inv.resources, "arn:aws:s3:::example-data");
    let a = &data.attributes;
    assert_eq!(
        a["replication_rules"][0]["destination_bucket"],
        json!("example-data-dr")
    );
    assert_eq!(a["replicates_cross_region"], json!(true));
    assert_eq!(a["replication_destination_regions"], json!(["eu-west-1"]));
    assert_eq!(a["event_notifications"][0]["type"], json!("topic"));
    assert_eq!(a["event_notifications"][1]["type"], json!("eventbridge"));
    assert_eq!(a["object_lock_enabled"], json!(true));
    assert_eq!(
        a["object_lock_default_retention"]["mode"],
        json!("GOVERNANCE")
    );
    let tmp = find(&inv.resources, "arn:aws:s3:::example-tmp");
    let a = &tmp.attributes;
    assert_eq!(a["replication_rules"], Value::Null);
    assert_eq!(a["replicates_cross_region"], json!(false));
    assert_eq!(a["event_notifications"], json!([]));
    assert_eq!(a["object_lock_enabled"], json!(false));
    // Nothing collected for the destination bucket itself: its replication stays unknown.
    let dr = find(&inv.resources, "arn:aws:s3:::example-data-dr");
    assert!(dr.attributes.get("replicates_cross_region").is_none());

    let ap = find(
        &inv.resources,
        "arn:aws:s3:us-east-1:123456789012:accesspoint/analytics",
    );
    assert_eq!(ap.kind, "aws.s3.access_point");
    assert_eq!(ap.attributes["vpc_id"], json!("vpc-0abc1234"));
    assert_eq!(
        ap.attributes["public_access_block"]["restrict_public_buckets"],
        json!(true)
    );
    let mrap = find(
        &inv.resources,
        "arn:aws:s3::123456789012:accesspoint/mfzwi23gnjvgw.mrap",
    );
    assert_eq!(mrap.kind, "aws.s3.multi_region_access_point");
    assert_eq!(mrap.name, "global-data");
    assert_eq!(
        mrap.attributes["public_access_block"]["restrict_public_buckets"],
        json!(false)
    );
    assert_eq!(mrap.attributes["regions"][1]["region"], json!("eu-west-1"));
}
