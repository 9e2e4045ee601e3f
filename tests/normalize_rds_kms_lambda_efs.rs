//! Snapshot tests of the RDS, KMS, Lambda and EFS normalisers over our own sanitised fixtures:
//! a collector bundle and AWS Config items per service. The inventory (merged fragments with
//! their provenance) is what rules see, so a change to any attribute shows as a snapshot diff.

mod common;

fn inventory(rel: &str) -> String {
    let inv = common::recognised_inventory(common::fixture(&format!("aws/{rel}"), rel));
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

/// Event subscriptions, parameter groups and AWS Backup joined onto instances and clusters.
#[test]
fn rds_subscriptions_parameters_and_backups() {
    let text = inventory("rds/bundle-gaps.json");
    let doc: serde_json::Value = serde_json::from_str(&text).expect("json");
    let find = |id: &str| {
        doc["resources"]
            .as_array()
            .and_then(|rs| rs.iter().find(|r| r["id"] == id))
            .unwrap_or_else(|| panic!("no {id}"))
            .clone()
    };
    let orders = find("arn:aws:rds:eu-west-1:123456789012:db:orders");
    let a = &orders["attributes"];
    assert_eq!(a["port"], 5432);
    assert_eq!(a["master_username"], "postgres");
    assert_eq!(a["ssl_required"], false);
    assert!(a["ssl_required_via"]
        .as_str()
        .is_some_and(|s| s.contains("rds.force_ssl = 0 in parameter group postgres14-app")));
    assert_eq!(a["backup_protected"], true);
    assert_eq!(a["backup_last_backup_time"], "2026-11-28T03:10:00Z");
    // Evidence for a joined fact points at the output that decided it.
    assert_eq!(
        orders["sources"]["ssl_required"]["pointer"],
        "/outputs/3/output"
    );
    let member = find("arn:aws:rds:eu-west-1:123456789012:db:ledger-1");
    // Aurora members are not judged through the AWS Backup list, nor a parameter group that
    // was not collected.
    assert!(member["attributes"].get("ssl_required").is_none());
    let cluster = find("arn:aws:rds:eu-west-1:123456789012:cluster:ledger");
    assert_eq!(cluster["attributes"]["backtrack_window"], 86400);
    assert_eq!(cluster["attributes"]["auto_minor_version_upgrade"], false);
    assert_eq!(
        cluster["sources"]["auto_minor_version_upgrade"]["pointer"],
        "/outputs/0/output/DBInstances/1"
    );
    let sub = find("arn:aws:rds:eu-west-1:123456789012:es:db-events");
    assert_eq!(sub["attributes"]["source_type"], "db-instance");
    assert_eq!(sub["attributes"]["event_categories"][0], "failure");
    assert_eq!(sub["attributes"]["source_ids"][0], "orders");
}
