//! The resource-policy and Organizations normalisers over our own sanitised bundles, and what
//! the IAM engine makes of them: snapshots of the inventory (merged fragments with provenance),
//! SCPs capping an administrator in a member account, and access review of resources through
//! their own policies.

use stratoscope::analyze::{evaluate_inventory, Inventory, Options};
use stratoscope::iam::resource_access::{review, PolicyState};
use stratoscope::{pack, Outcome};

mod common;

fn load(rel: &str) -> Inventory {
    common::recognised_inventory(common::fixture(&format!("aws/{rel}"), rel))
}

/// The inventory without IAM principals and policies, whose shape other snapshots cover.
fn snapshot_of(inv: &Inventory) -> String {
    let resources: Vec<_> = inv
        .resources
        .iter()
        .filter(|r| !r.kind.starts_with("aws.iam."))
        .collect();
    serde_json::to_string_pretty(&serde_json::json!({
        "message": inv.inputs[0].message,
        "resources": resources,
    }))
    .expect("serialises")
}

#[test]
fn organizations_inventory() {
    let inv = load("organizations/bundle.json");
    insta::assert_snapshot!("organizations_bundle", snapshot_of(&inv));
    let prod = inv
        .resources
        .iter()
        .find(|r| r.kind == "aws.organizations.account" && r.name == "prod")
        .expect("prod account");
    let levels = prod.attributes["service_control_policies"]
        .as_array()
        .expect("levels");
    let targets: Vec<&str> = levels.iter().filter_map(|l| l["target"].as_str()).collect();
    assert_eq!(
        targets,
        [
            "root r-ab12",
            "organizational unit ou-ab12-prod0001 (Prod)",
            "account 123456789012"
        ]
    );
    assert!(levels.iter().all(|l| l["complete"] == true), "{levels:?}");
    assert_eq!(prod.attributes["scp_path_complete"], true);
    let management = inv
        .resources
        .iter()
        .find(|r| r.kind == "aws.organizations.account" && r.name == "management")
        .expect("management account");
    assert_eq!(management.attributes["management_account"], true);
    assert_eq!(
        management.attributes["service_control_policies"],
        serde_json::json!([])
    );
    let policies = inv
        .resources
        .iter()
        .filter(|r| r.kind == "aws.organizations.policy")
        .count();
    assert_eq!(policies, 2, "target fragments merge into their policies");
}

#[test]
fn an_scp_denying_iam_caps_an_administrator() {
    let inv = load("organizations/bundle.json");
    let pack = pack::builtin().expect("pack");
    let report = evaluate_inventory(&inv, &pack, &Options::default());
    let dana = "arn:aws:iam::123456789012:user/dana";
    let finding = |rule: &str| {
        report
            .findings
            .iter()
            .find(|f| f.rule_id() == rule && f.resource.id == dana)
    };
    assert!(
        finding("STRAT-AWS-IAM-003").is_none(),
        "not admin-equivalent once the SCP denies iam:*"
    );
    let privesc = finding("STRAT-AWS-IAM-009").expect("escalation through other services remains");
    assert_eq!(privesc.outcome, Outcome::Fail);
    assert!(
        privesc
            .message
            .contains("service control policy deny-iam-changes blocks"),
        "{}",
        privesc.message
    );
    assert!(
        privesc
            .evidence
            .iter()
            .any(|e| e.note.contains("deny-iam-changes")
                && e.note.contains("organizational unit ou-ab12-prod0001")),
        "{:?}",
        privesc.evidence
    );
    let user = inv.resources.iter().find(|r| r.id == dana).expect("dana");
    assert_eq!(user.attributes["admin_equivalent"], false);
    let support = inv
        .resources
        .iter()
        .find(|r| r.name == "AWSServiceRoleForSupport")
        .expect("service-linked role");
    assert_eq!(
        support.attributes["admin_equivalent"], true,
        "SCPs do not apply to service-linked roles"
    );
}

#[test]
fn resource_policies_inventory_and_review() {
    let inv = load("resource-policies/bundle.json");
    insta::assert_snapshot!("resource_policies_bundle", snapshot_of(&inv));
    let secret = review(
        &inv.resources,
        "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-AbCdEf",
    )
    .expect("reviews");
    assert_eq!(secret.resource_policy, PolicyState::Known);
    assert_eq!(secret.access.len(), 1);
    let analytics = &secret.access[0];
    assert_eq!(
        analytics.principal,
        "arn:aws:iam::444455556666:role/analytics"
    );
    assert_eq!(analytics.relation, "other account 444455556666");
    assert!(analytics
        .note
        .as_deref()
        .is_some_and(|n| n.contains("the other account must also allow it")));
    assert_eq!(
        analytics.statements[0].pointer,
        "/outputs/7/output/ResourcePolicy"
    );

    let scratch =
        review(&inv.resources, "arn:aws:sqs:eu-west-1:123456789012:scratch").expect("reviews");
    assert_eq!(scratch.resource_policy, PolicyState::None);
    assert!(scratch.access.iter().all(|r| r.via == "identity policy"));

    let unknown =
        review(&inv.resources, "arn:aws:sns:eu-west-1:123456789012:other").expect("reviews");
    assert_eq!(unknown.resource_policy, PolicyState::NotExported);
    assert!(unknown.notes[0].contains("does not include"));
    assert!(review(&inv.resources, "not-an-arn").is_err());
}
