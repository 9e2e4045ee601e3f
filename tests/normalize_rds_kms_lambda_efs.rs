//! Snapshot tests of the RDS, KMS, Lambda and EFS normalisers over our own sanitised fixtures:
//! a collector bundle and AWS Config items per service. The inventory (merged fragments with
//! their provenance) is what rules see, so a change to any attribute shows as a snapshot diff.

use stratoscope::analyze::build_inventory;
use stratoscope::report::InputStatus;
use stratoscope::Input;

fn inventory(rel: &str) -> String {
    let path = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/aws")
        .join(rel);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let inv = build_inventory(&[Input::new(rel, bytes)]);
    assert_eq!(
        inv.inputs[0].status,
        InputStatus::Recognized,
        "{rel}: {}",
        inv.inputs[0].message
    );
    serde_json::to_string_pretty(&serde_json::json!({
        "message": inv.inputs[0].message,
        "resources": inv.resources,
    }))
    .expect("serialises")
}

#[test]
fn rds() {
    insta::assert_snapshot!("rds_bundle", inventory("rds/bundle.json"));
    insta::assert_snapshot!("rds_config", inventory("rds/config-items.json"));
}

#[test]
fn kms() {
    insta::assert_snapshot!("kms_bundle", inventory("kms/bundle.json"));
    insta::assert_snapshot!("kms_config", inventory("kms/config-items.json"));
}

#[test]
fn lambda() {
    let bundle = inventory("lambda/bundle.json");
    let config = inventory("lambda/config-items.json");
    for text in [&bundle, &config] {
        assert!(
            !text.contains("not-a-real"),
            "an environment variable value reached the inventory"
        );
    }
    insta::assert_snapshot!("lambda_bundle", bundle);
    insta::assert_snapshot!("lambda_config", config);
}

#[test]
fn efs() {
    insta::assert_snapshot!("efs_bundle", inventory("efs/bundle.json"));
    insta::assert_snapshot!("efs_config", inventory("efs/config-items.json"));
}
