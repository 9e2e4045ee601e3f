//! RDS, KMS, Lambda and EFS over the shared corpus of real public exports, when it is present
//! (skipped, saying so, when it is not). Corpus files are never copied into this repository.
//!
//! Every corpus file for these services must be recognised and normalised without error. Where
//! a placebo folder's expected.json states an expectation and a rule covers the concept, the
//! rule's outcome is asserted; concepts no rule covers are listed in `UNCOVERED` with the reason,
//! and the inventory fact behind them is still checked.

use serde_json::{json, Value};
use std::path::PathBuf;
use stratoscope::analyze::Inventory;
use stratoscope::attr_value::AttrValue;
use stratoscope::{Input, Outcome, Resource};

mod common;

use common::{corpus, json_at, recognised_inventory};

fn outcome(rule_id: &str, resource: &Resource) -> Outcome {
    common::evaluation(rule_id, resource).outcome
}

fn find<'a>(inv: &'a Inventory, id: &str) -> &'a Resource {
    inv.resources
        .iter()
        .find(|r| r.id == id)
        .unwrap_or_else(|| panic!("no resource {id}"))
}

const KINDS: &[&str] = &[
    "aws.rds.",
    "aws.kms.key",
    "aws.lambda.function",
    "aws.efs.file_system",
];

/// Every corpus file for these services: recognised, normalised, and yielding their kinds.
#[test]
fn every_file_for_these_services_is_recognised() {
    let Some(corpus) = corpus() else { return };
    let aws = corpus.join("aws");
    let mut files: Vec<PathBuf> = Vec::new();
    let cli = aws.join("cli-json/aws-cli-doc-examples");
    for entry in std::fs::read_dir(&cli).into_iter().flatten().flatten() {
        let name = entry.file_name().to_string_lossy().to_string();
        if ["kms_", "rds_", "lambda_", "efs_"]
            .iter()
            .any(|p| name.starts_with(p))
        {
            files.push(entry.path());
        }
    }
    for name in [
        "AWS_RDS_DBCluster.json",
        "AWS_RDS_DBInstance.json",
        "AWS_RDS_DBSnapshot.json",
        "AWS_KMS_Key.json",
        "AWS_LAMBDA_FUNCTION.json",
    ] {
        files.push(aws.join("config-items/aws-config-rdk-sample-ci").join(name));
    }
    for name in ["rds-cluster.json", "rds-from-rule.json"] {
        files.push(aws.join("config-items/cloud-custodian").join(name));
    }
    for name in [
        "test_key_rotation/kms.DescribeKey_1.json",
        "test_key_rotation/kms.GetKeyRotationStatus_1.json",
        "test_key_rotation/kms.ListAliases_1.json",
        "test_key_rotation/kms.ListKeys_1.json",
        "test_rds_default_vpc/rds.DescribeDBInstances_1.json",
    ] {
        files.push(aws.join("api-responses-placebo").join(name));
    }
    files.sort();
    assert!(files.len() >= 14, "corpus files missing: {files:?}");
    for file in files {
        let name = file.to_string_lossy().to_string();
        let inv = recognised_inventory(Input::new(name.clone(), common::read(&file)));
        let ours = inv
            .resources
            .iter()
            .filter(|r| KINDS.iter().any(|k| r.kind.starts_with(k)))
            .count();
        // ListAliases_1 is empty and the lone rotation status without KeyId names no key.
        let empty_by_nature = name.ends_with("kms.ListAliases_1.json")
            || name.ends_with("kms.GetKeyRotationStatus_1.json");
        if empty_by_nature {
            assert_eq!(ours, 0, "{name}");
            eprintln!("{name}: {}", inv.inputs[0].message);
        } else {
            assert!(ours > 0, "{name}: no resources of our kinds");
        }
    }
}

/// `test_key_rotation`: Cloud Custodian's filter matches the one key with rotation enabled.
/// The placebo folder holds one call per file without parameters; the bundle is assembled as
/// the collector would have recorded it: ListKeys names the key, and DescribeKey_1 and
/// GetKeyRotationStatus_1 are that key's calls (the account and region come from its ARN).
#[test]
fn key_rotation_agrees_with_cloud_custodian() {
    let Some(corpus) = corpus() else { return };
    let dir = corpus.join("aws/api-responses-placebo/test_key_rotation");
    let expected = json_at(&dir.join("expected.json"));
    let want = expected["expectations"][0]["expected_match_count"]
        .as_u64()
        .expect("count");
    let data = |f: &str| json_at(&dir.join(f))["data"].clone();
    let keys = data("kms.ListKeys_1.json");
    let key = &keys["Keys"][0];
    let arn = key["KeyArn"].as_str().expect("arn");
    let key_id = key["KeyId"].as_str().expect("id");
    let account = arn.split(':').nth(4).expect("account");
    let region = arn.split(':').nth(3).expect("region");
    let call = |op: &str, file: &str, args: Value| {
        json!({"service": "kms", "operation": op, "region": region, "args": args,
               "exit_code": 0, "output": data(file), "error": null})
    };
    let bundle = json!({"format": "stratoscope-aws-bundle", "format_version": 1,
    "manifest": {"account_id": account, "partition": "aws", "regions": [region]},
    "outputs": [
        call("list-keys", "kms.ListKeys_1.json", json!({})),
        call("list-aliases", "kms.ListAliases_1.json", json!({})),
        call("describe-key", "kms.DescribeKey_1.json", json!({"key-id": key_id})),
        call("get-key-rotation-status", "kms.GetKeyRotationStatus_1.json", json!({"key-id": key_id})),
    ]});
    let inv = recognised_inventory(Input::new("test_key_rotation bundle", bundle.to_string()));
    let keys: Vec<&Resource> = inv
        .resources
        .iter()
        .filter(|r| r.kind == "aws.kms.key")
        .collect();
    let rotating = keys
        .iter()
        .filter(|k| {
            k.attributes
                .get("rotation_enabled")
                .and_then(AttrValue::as_bool)
                == Some(true)
        })
        .count();
    assert_eq!(rotating as u64, want, "keys with rotation enabled");
    let passing = keys
        .iter()
        .filter(|k| outcome("STRAT-AWS-KMS-001", k) == Outcome::Pass)
        .count();
    assert_eq!(passing as u64, want, "STRAT-AWS-KMS-001 passes");
}

/// Concepts an expected.json states that no rule of ours covers, with the reason.
const UNCOVERED: &[(&str, &str)] = &[(
    "rds-instance-in-default-vpc",
    "neither CIS v5.0 nor FSBP has an RDS-in-default-VPC control (FSBP's default-VPC concern is EC2.2, the default security group); the fact itself, `vpc_id`, is normalised and checked here against the recording's default VPC",
)];

/// `test_rds_default_vpc`: Cloud Custodian finds 2 instances in the default VPC.
#[test]
fn rds_default_vpc_fact_agrees_with_cloud_custodian() {
    let Some(corpus) = corpus() else { return };
    let dir = corpus.join("aws/api-responses-placebo/test_rds_default_vpc");
    let expected = json_at(&dir.join("expected.json"));
    let concept = expected["expectations"][0]["rule_concept"]
        .as_str()
        .expect("concept");
    assert!(
        UNCOVERED.iter().any(|(c, _)| *c == concept),
        "{concept} is not listed as uncovered"
    );
    let want = expected["expectations"][0]["expected_match_count"]
        .as_u64()
        .expect("count");
    let vpcs = json_at(&dir.join("ec2.DescribeVpcs_1.json"));
    let defaults: Vec<&str> = vpcs["data"]["Vpcs"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|v| v["IsDefault"] == json!(true))
        .filter_map(|v| v["VpcId"].as_str())
        .collect();
    let file = dir.join("rds.DescribeDBInstances_1.json");
    let inv = recognised_inventory(common::input(&file));
    let in_default = inv
        .resources
        .iter()
        .filter(|r| r.kind == "aws.rds.db_instance")
        .filter(|r| {
            r.attributes
                .get("vpc_id")
                .and_then(AttrValue::as_str)
                .is_some_and(|v| defaults.contains(&v))
        })
        .count();
    assert_eq!(in_default as u64, want);
    // Outcomes follow the recorded settings, read per instance rather than assumed.
    for r in inv
        .resources
        .iter()
        .filter(|r| r.kind == "aws.rds.db_instance")
    {
        let public = r
            .attributes
            .get("publicly_accessible")
            .and_then(AttrValue::as_bool)
            == Some(true);
        let got = outcome("STRAT-AWS-RDS-002", r);
        assert_eq!(
            got,
            if public { Outcome::Fail } else { Outcome::Pass },
            "{}",
            r.id
        );
        // The 2016 recording predates deletion protection: unknown, not pass.
        assert_eq!(
            outcome("STRAT-AWS-RDS-008", r),
            Outcome::Unknown,
            "{}",
            r.id
        );
    }
}

/// The Config samples read into the same attributes the rules need, with the outcomes their
/// configurations state (these are facts of the samples, not third-party expectations).
#[test]
fn config_samples_give_the_outcomes_their_settings_state() {
    let Some(corpus) = corpus() else { return };
    let dir = corpus.join("aws/config-items");
    let load = |rel: &str| recognised_inventory(Input::new(rel, common::read(&dir.join(rel))));
    let inv = load("aws-config-rdk-sample-ci/AWS_RDS_DBInstance.json");
    let db = find(&inv, "arn:aws:rds:us-east-1:264683526309:db:myrdstest");
    for (rule, want) in [
        ("STRAT-AWS-RDS-001", Outcome::Pass),
        ("STRAT-AWS-RDS-002", Outcome::Fail),
        ("STRAT-AWS-RDS-003", Outcome::Pass),
        ("STRAT-AWS-RDS-004", Outcome::Pass),
        ("STRAT-AWS-RDS-007", Outcome::Pass),
        ("STRAT-AWS-RDS-012", Outcome::Fail),
    ] {
        assert_eq!(outcome(rule, db), want, "{rule} on myrdstest");
    }
    let inv = load("aws-config-rdk-sample-ci/AWS_RDS_DBSnapshot.json");
    let snap = find(
        &inv,
        "arn:aws:rds:us-east-1:264683526309:snapshot:rds:myrdstest-2016-10-20-23-52",
    );
    assert_eq!(outcome("STRAT-AWS-RDS-005", snap), Outcome::Pass);
    assert_eq!(outcome("STRAT-AWS-RDS-006", snap), Outcome::Pass);
    let inv = load("aws-config-rdk-sample-ci/AWS_RDS_DBCluster.json");
    let cluster = find(&inv, "arn:aws:rds:us-east-2:123456789012:cluster:test");
    assert_eq!(outcome("STRAT-AWS-RDS-008", cluster), Outcome::Fail);
    assert_eq!(outcome("STRAT-AWS-RDS-010", cluster), Outcome::Fail);
    let inv = load("cloud-custodian/rds-from-rule.json");
    let c7n = find(&inv, "arn:aws:rds:us-east-1:644160558196:db:c7n-data-index");
    assert_eq!(outcome("STRAT-AWS-RDS-001", c7n), Outcome::Fail);
    assert_eq!(outcome("STRAT-AWS-RDS-010", c7n), Outcome::Fail);
    // The AWS managed Lambda key opens "*" only with kms:CallerAccount and kms:ViaService.
    let inv = load("aws-config-rdk-sample-ci/AWS_KMS_Key.json");
    let key = find(&inv, "arn:aws:kms:us-east-1:123456789012:key/test");
    assert_eq!(outcome("STRAT-AWS-KMS-003", key), Outcome::Pass);
    assert_eq!(outcome("STRAT-AWS-KMS-001", key), Outcome::NotApplicable);
    let inv = load("aws-config-rdk-sample-ci/AWS_LAMBDA_FUNCTION.json");
    let f = find(
        &inv,
        "arn:aws:lambda:us-east-1:823362693882:function:test-function",
    );
    assert_eq!(
        outcome("STRAT-AWS-LAMBDA-002", f),
        Outcome::Fail,
        "nodejs6.10"
    );
    assert_eq!(outcome("STRAT-AWS-LAMBDA-003", f), Outcome::Pass);
    assert_eq!(outcome("STRAT-AWS-LAMBDA-001", f), Outcome::Unknown);
}
