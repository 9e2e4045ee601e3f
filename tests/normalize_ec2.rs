//! EC2 and VPC normalisation over our own sanitised fixtures: a collector bundle, the same
//! resources as AWS Config items, and each bundle output alone as a lone CLI file. The CLI and
//! Config shapes must give the same kinds, ids and attributes.

use serde_json::{Map, Value};
use stratoscope::analyze::build_inventory;
use stratoscope::report::InputStatus;
use stratoscope::{Input, Resource};

mod common;

fn fixture(rel: &str) -> Input {
    common::fixture(&format!("aws/ec2/{rel}"), rel)
}

#[test]
fn bundle_inventory() {
    let inv = build_inventory(&[fixture("bundle.json")]);
    common::recognised(&inv);
    let json = serde_json::to_string_pretty(&inv.resources).expect("serialises");
    insta::assert_snapshot!("ec2_bundle_resources", json);
    // The failed eu-west-1 flow-log listing is reported, not silently read as "no flow logs".
    assert!(
        inv.inputs[0].message.contains("UnauthorizedOperation"),
        "{}",
        inv.inputs[0].message
    );
}

/// Attributes without per-element provenance, which differs between shapes by design.
fn comparable(r: &Resource) -> Map<String, Value> {
    fn strip(v: &Value) -> Value {
        match v {
            Value::Object(m) => Value::Object(
                m.iter()
                    .filter(|(k, _)| k.as_str() != "source")
                    .map(|(k, v)| (k.clone(), strip(v)))
                    .collect(),
            ),
            Value::Array(a) => Value::Array(a.iter().map(strip).collect()),
            other => other.clone(),
        }
    }
    r.attributes
        .iter()
        // Kept as AWS printed them; Config prints IPv4 ranges as strings and objects both.
        .filter(|(k, _)| !k.starts_with("ip_permissions"))
        .map(|(k, v)| (k.to_string(), strip(&v.to_json())))
        .collect()
}

#[test]
fn config_items_match_the_cli_outputs() {
    let cli = build_inventory(&[fixture("bundle.json")]);
    let config = build_inventory(&[fixture("config-snapshot.json")]);
    common::recognised(&config);
    let kinds: Vec<&str> = config.resources.iter().map(|r| r.kind.as_str()).collect();
    for kind in [
        "aws.ec2.instance",
        "aws.ec2.security_group",
        "aws.ec2.network_acl",
        "aws.ec2.volume",
        "aws.ec2.vpc",
        "aws.ec2.subnet",
        "aws.ec2.flow_log",
    ] {
        assert!(kinds.contains(&kind), "Config gave no {kind}: {kinds:?}");
    }
    for c in &config.resources {
        let Some(b) = cli
            .resources
            .iter()
            .find(|b| b.kind == c.kind && b.id == c.id)
        else {
            panic!("{} {} from Config has no CLI counterpart", c.kind, c.id);
        };
        let (mut want, got) = (comparable(b), comparable(c));
        if c.id.ends_with("vpc/vpc-0a1b2c3d4e5f60002") {
            // The bundle listed every flow log of the region, so this VPC is known unlogged;
            // a Config export holds only the flow logs it recorded, so the fact stays unknown.
            assert_eq!(want.remove("has_active_flow_log"), Some(Value::Bool(false)));
            assert_eq!(want.remove("flow_log_ids"), Some(Value::Array(vec![])));
        }
        assert_eq!(want, got, "{} {}", c.kind, c.id);
        assert_eq!(
            (&b.name, &b.region, &b.account),
            (&c.name, &c.region, &c.account)
        );
    }
    // An item whose configuration is a JSON string: evidence stops at the item.
    let i2 = config
        .resources
        .iter()
        .find(|r| r.id.ends_with("instance/i-0a1b2c3d4e5f60002"))
        .expect("second instance");
    assert_eq!(i2.source.pointer, "/configurationItems/4");
}

/// Each bundle output saved alone, as `aws ec2 … > file.json` would: detected by shape and
/// normalised, with the account taken from OwnerId where the output carries it.
#[test]
fn lone_outputs_are_detected() {
    let bundle: Value =
        serde_json::from_slice(&fixture("bundle.json").bytes).expect("bundle parses");
    let outputs = bundle["outputs"].as_array().expect("outputs");
    for o in outputs.iter().filter(|o| !o["output"].is_null()) {
        let op = o["operation"].as_str().unwrap_or("");
        let text = serde_json::to_vec(&o["output"]).expect("serialises");
        let inv = build_inventory(&[Input::new(format!("{op}.json"), text)]);
        let v = &inv.inputs[0];
        assert_eq!(v.status, InputStatus::Recognized, "{op}: {}", v.message);
        assert_eq!(v.format.as_deref(), Some(format!("aws-ec2-{op}").as_str()));
        match op {
            "get-ebs-encryption-by-default" => {
                assert!(inv.resources.is_empty());
                assert!(v.message.contains("collectors/aws.sh"), "{}", v.message);
            }
            "describe-security-groups" => {
                assert!(inv.resources.iter().all(|r| r
                    .id
                    .starts_with("arn:aws:ec2::123456789012:security-group/")
                    && r.account.as_deref() == Some("123456789012")));
            }
            "describe-snapshot-attribute" => {
                assert_eq!(inv.resources.len(), 1, "the output names its snapshot");
                assert!(inv.resources[0]
                    .id
                    .starts_with("arn:aws:ec2:::snapshot/snap-"));
            }
            _ => assert!(!inv.resources.is_empty(), "{op}: no resources"),
        }
    }
}

#[test]
fn malformed_entries_are_located() {
    let inv = build_inventory(&[Input::new(
        "sg.json",
        br#"{"SecurityGroups": [{"GroupId": "sg-1", "GroupName": "a"}, {"GroupName": "no-id"}]}"#
            .to_vec(),
    )]);
    let v = &inv.inputs[0];
    assert_eq!(v.status, InputStatus::Error);
    assert!(v.message.contains("/SecurityGroups/1"), "{}", v.message);
    assert!(v.message.contains("GroupId"), "{}", v.message);
}

/// Elastic IPs, VPC endpoints, transit gateways, launch templates, VPN connections, Client VPN
/// endpoints, VPC Block Public Access and AWS Backup's protected volumes.
#[test]
fn network_services_bundle_inventory() {
    let inv = build_inventory(&[fixture("bundle-network.json")]);
    common::recognised(&inv);
    let json = serde_json::to_string_pretty(&inv.resources).expect("serialises");
    insta::assert_snapshot!("ec2_network_bundle_resources", json);
    let find = |suffix: &str| {
        inv.resources
            .iter()
            .find(|r| r.id.ends_with(suffix))
            .unwrap_or_else(|| panic!("no {suffix}"))
    };
    assert_eq!(
        find("vpc/vpc-0a1b2c3d4e5f63002").attributes["endpoint_services"],
        serde_json::json!(["s3"])
    );
    assert_eq!(
        find("volume/vol-0a1b2c3d4e5f63002").attributes["backup_protected"],
        Value::Bool(false)
    );
    assert_eq!(
        find("123456789012/us-east-1").attributes["vpc_bpa_internet_gateway_block_mode"],
        serde_json::json!("off")
    );
}

#[test]
fn network_services_config_items_match_the_cli_outputs() {
    let cli = build_inventory(&[fixture("bundle-network.json")]);
    let config = build_inventory(&[fixture("config-network.json")]);
    common::recognised(&config);
    assert_eq!(config.resources.len(), 7, "one resource per item");
    for c in &config.resources {
        let b = cli
            .resources
            .iter()
            .find(|b| b.kind == c.kind && b.id == c.id)
            .unwrap_or_else(|| panic!("{} {} from Config has no CLI counterpart", c.kind, c.id));
        // Config's item may carry less than the CLI outputs together (no tunnel telemetry in
        // some items), never something different.
        let (want, got) = (comparable(b), comparable(c));
        for (k, v) in &got {
            assert_eq!(want.get(k), Some(v), "{} {} attribute {k}", c.kind, c.id);
        }
        assert_eq!((&b.name, &b.region), (&c.name, &c.region), "{}", c.id);
    }
}
