//! Normalisation of the logging and monitoring services (CloudTrail; CloudWatch Logs metric
//! filters, CloudWatch alarms, SNS; AWS Config recorders, Access Analyzer, GuardDuty, Security
//! Hub) over our own sanitised fixtures in tests/fixtures/aws/logging/: snapshots of the
//! inventory, plus assertions on the facts derived across outputs.

use serde_json::{json, Value};
use stratoscope::analyze::{build_inventory, Inventory};
use stratoscope::attr_value::AttrValue;
use stratoscope::report::InputStatus;
use stratoscope::{Input, Resource};

mod common;

fn fixture(name: &str) -> Input {
    common::fixture(&format!("aws/logging/{name}"), name)
}

fn find<'a>(inv: &'a Inventory, kind: &str, id: &str) -> &'a Resource {
    inv.resources
        .iter()
        .find(|r| r.kind == kind && r.id == id)
        .unwrap_or_else(|| panic!("no {kind} {id}"))
}

fn attr<'a>(r: &'a Resource, key: &str) -> &'a AttrValue {
    r.attributes
        .get(key)
        .unwrap_or_else(|| panic!("{} has no {key}", r.id))
}

const ACCOUNT: &str = "arn:aws:iam::123456789012:root";
const MAIN: &str = "arn:aws:cloudtrail:us-east-1:123456789012:trail/main";

#[test]
fn bundle_inventory() {
    let inv = build_inventory(&[fixture("bundle.json")]);
    assert_eq!(
        inv.inputs[0].status,
        InputStatus::Recognized,
        "{:?}",
        inv.inputs
    );
    let json = serde_json::to_string_pretty(&inv.resources).expect("serialises");
    insta::assert_snapshot!("logging_bundle_resources", json);
}

#[test]
fn trail_fragments_merge_across_regions_and_commands() {
    let inv = build_inventory(&[fixture("bundle.json")]);
    let trails: Vec<&Resource> = inv
        .resources
        .iter()
        .filter(|r| r.kind == "aws.cloudtrail.trail")
        .collect();
    assert_eq!(
        trails.len(),
        2,
        "the eu-west-1 listing of main is the same trail"
    );
    let main = find(&inv, "aws.cloudtrail.trail", MAIN);
    assert_eq!(main.region.as_deref(), Some("us-east-1"));
    assert_eq!(attr(main, "is_logging"), &json!(true));
    assert_eq!(attr(main, "log_group_name"), &json!("CloudTrail/main"));
    assert_eq!(attr(main, "management_events_read"), &json!(true));
    assert_eq!(
        attr(main, "s3_object_write_events_all_buckets"),
        &json!(true)
    );
    assert_eq!(
        attr(main, "s3_object_read_events_all_buckets"),
        &json!(false)
    );
    assert_eq!(
        attr(main, "latest_delivery_time"),
        &json!("2026-11-28T08:55:12Z")
    );
    // Provenance: the status came from get-trail-status, the selectors from get-event-selectors.
    assert_eq!(main.source_of("is_logging").pointer, "/outputs/2/output");
    assert_eq!(
        main.source_of("management_events_read").pointer,
        "/outputs/4/output"
    );
    let legacy = find(
        &inv,
        "aws.cloudtrail.trail",
        "arn:aws:cloudtrail:us-east-1:123456789012:trail/legacy-local",
    );
    assert_eq!(attr(legacy, "kms_key_id"), &Value::Null);
    assert_eq!(attr(legacy, "cloud_watch_logs_log_group_arn"), &Value::Null);
    // No custom selectors: AWS's default, every management event, inferred.
    assert_eq!(attr(legacy, "management_events_write"), &json!(true));
    assert_eq!(
        attr(legacy, "latest_delivery_error"),
        &json!("AccessDenied")
    );
}

#[test]
fn account_facts_name_what_was_found_and_what_is_missing() {
    let inv = build_inventory(&[fixture("bundle.json")]);
    let acct = find(&inv, "aws.account", ACCOUNT);
    assert_eq!(attr(acct, "cloudtrail_all_regions")["ok"], json!(true));
    assert_eq!(attr(acct, "cloudtrail_all_regions")["trail"], json!(MAIN));
    assert_eq!(attr(acct, "cloudtrail_s3_object_writes")["ok"], json!(true));
    let reads = attr(acct, "cloudtrail_s3_object_reads");
    assert_eq!(reads["ok"], json!(false));
    let why = reads["reason"].as_str().unwrap_or("");
    assert!(
        why.contains("trail main does not record S3 object-level read"),
        "{why}"
    );
    assert!(why.contains("legacy-local is single-region"), "{why}");

    let pass = attr(acct, "alarm_unauthorized_api_calls");
    assert_eq!(pass["ok"], json!(true), "{pass}");
    assert_eq!(pass["metric_filter"], json!("unauthorized-api-calls"));
    assert_eq!(pass["alarm"], json!("unauthorized-api-calls"));
    assert_eq!(
        pass["topic"],
        json!("arn:aws:sns:us-east-1:123456789012:security-alerts")
    );
    assert_eq!(pass["confirmed_subscriptions"], json!(1));
    let reason = |key: &str| {
        let v = attr(acct, key);
        assert_eq!(v["ok"], json!(false), "{key}: {v}");
        v["reason"].as_str().unwrap_or("").to_string()
    };
    let root = reason("alarm_root_usage");
    assert!(
        root.contains("pending-alerts of alarm root-usage has no confirmed subscription"),
        "{root}"
    );
    let trail = reason("alarm_cloudtrail_changes");
    assert!(
        trail.contains("cloudtrail-changes, does not cover $.eventName = \"StopLogging\""),
        "{trail}"
    );
    let mfa = reason("alarm_console_signin_without_mfa");
    assert!(
        mfa.contains("no alarm watches metric CISBenchmark/ConsoleSigninWithoutMFA"),
        "{mfa}"
    );
    let vpc = reason("alarm_vpc_changes");
    assert!(
        vpc.contains(
            "log group CloudTrail/main has no metric filter matching the pattern for VPC changes"
        ),
        "{vpc}"
    );
    assert!(vpc.contains("trail legacy-local is single-region"), "{vpc}");
}

#[test]
fn region_facts() {
    let inv = build_inventory(&[fixture("bundle.json")]);
    let us = find(&inv, "aws.region", "123456789012/us-east-1");
    let eu = find(&inv, "aws.region", "123456789012/eu-west-1");
    for key in [
        "config_recording",
        "config_service_linked_role",
        "access_analyzer_external",
        "guardduty_enabled",
    ] {
        assert_eq!(attr(us, key)["ok"], json!(true), "{key}: {}", attr(us, key));
        assert_eq!(
            attr(eu, key)["ok"],
            json!(false),
            "{key}: {}",
            attr(eu, key)
        );
    }
    assert_eq!(attr(eu, "security_hub"), &Value::Null);
    assert_eq!(eu.source_of("security_hub").pointer, "/outputs/19/error");
    assert_eq!(
        attr(us, "security_hub")["hub_arn"],
        json!("arn:aws:securityhub:us-east-1:123456789012:hub/default")
    );
}

#[test]
fn lone_outputs_and_config_items() {
    let inv = build_inventory(&[
        fixture("describe-trails.json"),
        fixture("get-event-selectors.json"),
        fixture("config-trail.json"),
    ]);
    common::recognised(&inv);
    assert_eq!(
        inv.inputs[1].format.as_deref(),
        Some("aws-cloudtrail-get-event-selectors")
    );
    let legacy = find(
        &inv,
        "aws.cloudtrail.trail",
        "arn:aws:cloudtrail:us-east-1:123456789012:trail/legacy-local",
    );
    assert_eq!(
        attr(legacy, "s3_object_read_events_all_buckets"),
        &json!(true)
    );
    // The CLI description and the Config item of the same trail agree attribute by attribute.
    let cli = build_inventory(&[fixture("describe-trails.json")]);
    let config = build_inventory(&[fixture("config-trail.json")]);
    let (a, b) = (
        find(&cli, "aws.cloudtrail.trail", MAIN),
        find(&config, "aws.cloudtrail.trail", MAIN),
    );
    for (k, v) in &a.attributes {
        assert_eq!(b.attributes.get(k), Some(v), "{k}");
    }
    // Multi-region trails are listed in every region, so a lone listing speaks for the
    // account its trail ARNs name; without the trail's status it cannot decide CIS 3.1.
    let acct = find(&cli, "aws.account", ACCOUNT);
    let v = attr(acct, "cloudtrail_all_regions");
    assert_eq!(v.get("ok"), None, "{v}");
    assert!(
        v["reason"]
            .as_str()
            .unwrap_or("")
            .contains("get-trail-status"),
        "{v}"
    );
}

#[test]
fn guardduty_plans_hub_tags_and_log_groups() {
    let inv = build_inventory(&[fixture("bundle-services.json")]);
    assert_eq!(
        inv.inputs[0].status,
        InputStatus::Recognized,
        "{}",
        inv.inputs[0].message
    );
    let region = find(&inv, "aws.region", "123456789012/us-east-1");
    let f = attr(region, "guardduty_features");
    assert_eq!(f["s3_data_events"], json!(true));
    assert_eq!(f["eks_audit_logs"], json!(false));
    assert_eq!(f["lambda_network_logs"], json!(false));
    assert_eq!(f["rds_login_events"], json!(true));
    assert_eq!(f["eks_runtime_agent"], json!(true));
    assert_eq!(f["ecs_fargate_runtime_agent"], json!(false));
    assert_eq!(f["ec2_runtime_agent"], json!(true));
    assert_eq!(
        region.source_of("guardduty_features").pointer,
        "/outputs/1/output"
    );
    assert_eq!(attr(region, "security_hub_tag_keys"), &json!(["owner"]));
    let trail_logs = find(
        &inv,
        "aws.logs.log_group",
        "arn:aws:logs:us-east-1:123456789012:log-group:cloudtrail",
    );
    assert_eq!(attr(trail_logs, "retention_in_days"), &json!(400));
    let lambda_logs = find(
        &inv,
        "aws.logs.log_group",
        "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/orders",
    );
    assert_eq!(attr(lambda_logs, "retention_in_days"), &Value::Null);
    assert_eq!(attr(lambda_logs, "kms_key_id"), &Value::Null);
}
