//! The shared corpus's IAM account-level exports through the engine (skipped, saying so, when
//! the corpus is absent): every file of ours is recognised and normalised without error, and
//! where the corpus states an expectation that one of our rules covers, the outcome is asserted
//! or the disagreement listed with its reason.
//!
//! Lone outputs such as `get-account-summary` and `get-account-password-policy` do not name
//! their account, so they produce no resource on their own (a note says why). To judge them we
//! assemble a collector bundle: the account comes from an ARN in a sibling recording of the
//! same placebo folder (`iam.ListRoles_1.json`; the folder is one account's recording), or, for
//! the AWS CLI documentation examples, the documentation's placeholder account 123456789012.
//! Placebo recordings are unwrapped (`data`), and a recorded error (`data.Error`) becomes the
//! bundle's `error` with `output: null`, as the collector writes it.

use serde_json::{json, Value};
use std::path::Path;
use stratoscope::analyze::build_inventory;
use stratoscope::{Input, Outcome, Resource};

mod common;

use common::{corpus, json_at, read, recognised};

fn outcome(rule_name: &str, r: &Resource) -> (Outcome, String) {
    let e = common::evaluation(rule_name, r);
    (e.outcome, e.message)
}

fn account(rs: &[Resource]) -> &Resource {
    rs.iter()
        .find(|r| r.kind == "aws.account")
        .expect("an aws.account resource")
}

/// The account of a placebo folder, from the role ARNs its ListRoles recording holds.
fn folder_account(dir: &Path) -> String {
    let roles = json_at(&dir.join("iam.ListRoles_1.json"));
    roles["data"]["Roles"][0]["Arn"]
        .as_str()
        .and_then(|a| a.split(':').nth(4))
        .expect("a role ARN with an account")
        .to_string()
}

/// One bundle entry from a placebo recording: its data, or its recorded error.
fn entry(service: &str, operation: &str, recording: &Value) -> Value {
    let data = &recording["data"];
    match data.get("Error") {
        Some(e) => json!({"service": service, "operation": operation, "region": null, "args": {},
            "exit_code": 254, "output": null,
            "error": {"code": e["Code"], "message": e["Message"]}}),
        None => json!({"service": service, "operation": operation, "region": null, "args": {},
            "exit_code": 0, "output": data, "error": null}),
    }
}

fn bundle(account: &str, outputs: Vec<Value>) -> Input {
    common::bundle("assembled-bundle.json", account, outputs)
}

fn expectations(dir: &Path) -> Vec<Value> {
    json_at(&dir.join("expected.json"))["expectations"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

/// Disagreements with the corpus's stated expectations, each with its reason. None so far: every
/// stated expectation that one of our rules covers agrees.
const KNOWN: &[(&str, &str)] = &[];

#[test]
fn lone_placebo_recordings_are_recognised() {
    let Some(c) = corpus() else { return };
    let base = c.join("aws/api-responses-placebo");
    for (folder, file) in [
        (
            "test_account_credential_report",
            "iam.GetCredentialReport_1.json",
        ),
        ("test_account_root_mfa", "iam.GetAccountSummary_1.json"),
        ("test_account_root_api_keys", "iam.GetAccountSummary_1.json"),
    ] {
        let inv = build_inventory(&[Input::new(file, read(&base.join(folder).join(file)))]);
        recognised(&inv);
        eprintln!("{folder}/{file}: {}", inv.inputs[0].message);
    }
    // A recorded NoSuchEntity is an error response, not an export: it names no operation, so on
    // its own it cannot be told apart from any other error. It is judged inside a bundle below.
    let lone_error =
        base.join("test_account_missing_password_policy/iam.GetAccountPasswordPolicy_1.json");
    let inv = build_inventory(&[Input::new("policy-404.json", read(&lone_error))]);
    eprintln!(
        "lone 404 recording: {:?}: {}",
        inv.inputs[0].status, inv.inputs[0].message
    );
    assert!(inv.resources.is_empty());
}

#[test]
fn placebo_credential_report() {
    let Some(c) = corpus() else { return };
    let dir = c.join("aws/api-responses-placebo/test_account_credential_report");
    let inv = build_inventory(&[Input::new(
        "iam.GetCredentialReport_1.json",
        read(&dir.join("iam.GetCredentialReport_1.json")),
    )]);
    recognised(&inv);
    let users: Vec<&Resource> = inv
        .resources
        .iter()
        .filter(|r| r.kind == "aws.iam.user")
        .collect();
    let user = |name: &str| {
        *users
            .iter()
            .find(|r| r.name == name)
            .unwrap_or_else(|| panic!("no user {name}"))
    };
    let row = |r: &Resource| r.attributes["credential_report"][0].clone();
    let with_mfa = users
        .iter()
        .filter(|r| row(r)["mfa_active"] == json!(true))
        .count();
    // The recording's GeneratedTime is a botocore datetime; ages are judged at it.
    assert!(row(user("andrew"))["ages_as_of"]
        .as_str()
        .unwrap_or("")
        .starts_with("2017-02-22T23:07:48Z"));
    let acct = account(&inv.resources);
    assert_eq!(acct.id, "arn:aws:iam::644160558196:root");

    let mut disagreements = Vec::new();
    for e in expectations(&dir) {
        let concept = e["rule_concept"].as_str().unwrap_or("");
        if concept.contains("mfa_active == true") {
            // Custodian's filter matched the account because some user has MFA; our rules judge
            // users, so the same fact is "at least one user row with mfa_active true".
            let matched = usize::from(with_mfa > 0);
            if Some(matched as u64) != e["expected_match_count"].as_u64() {
                disagreements.push(concept.to_string());
            }
        }
    }
    let known: Vec<&str> = KNOWN.iter().map(|(c, _)| *c).collect();
    assert_eq!(disagreements, known, "a disagreement appeared or vanished");

    let o = |rule: &str, name: &str| outcome(rule, user(name)).0;
    assert_eq!(
        o("iam-user-console-access-without-mfa", "andrew"),
        Outcome::Fail
    );
    assert_eq!(
        o("iam-user-console-access-without-mfa", "anthony"),
        Outcome::Pass
    );
    assert_eq!(o("iam-user-without-mfa", "c7n-iam-test"), Outcome::Fail);
    assert_eq!(
        o("iam-user-multiple-active-access-keys", "kit"),
        Outcome::Fail
    );
    assert_eq!(
        o("iam-user-multiple-active-access-keys", "andrew"),
        Outcome::Fail
    );
    assert_eq!(
        o("iam-user-multiple-active-access-keys", "david"),
        Outcome::Pass
    );
    // ryanwolfe has a console password and an active key never used.
    assert_eq!(
        o("iam-user-console-user-unused-access-key", "ryanwolfe"),
        Outcome::Fail
    );
    // kapil's key was last rotated 2016-06-24, 243 days before the report.
    assert_eq!(o("iam-user-access-key-not-rotated", "kapil"), Outcome::Fail);
    // Jennifer's key is the newest (2016-11-21): 93 days at the report's time, just over 90.
    assert_eq!(
        o("iam-user-access-key-not-rotated", "Jennifer"),
        Outcome::Fail
    );
    assert_eq!(
        o("iam-user-access-key-not-rotated", "anthony"),
        Outcome::Pass
    );
    // steven last used his password and key in September 2016, five months before the report.
    assert_eq!(
        o("iam-user-credentials-unused-45-days", "steven"),
        Outcome::Fail
    );
    assert_eq!(
        o("iam-user-credentials-unused-90-days", "steven"),
        Outcome::Fail
    );
    // The recording's activity ends in November 2016 while its GeneratedTime is February 2017,
    // so every active credential is idle by then; only a user with none passes.
    assert_eq!(
        o("iam-user-credentials-unused-45-days", "kit"),
        Outcome::Fail
    );
    assert_eq!(
        o("iam-user-credentials-unused-45-days", "c7n-test"),
        Outcome::Pass
    );
    // The root row: MFA on, no keys.
    assert_eq!(outcome("iam-root-user-without-mfa", acct).0, Outcome::Pass);
    assert_eq!(
        outcome("iam-root-user-has-access-keys", acct).0,
        Outcome::Pass
    );
}

#[test]
fn placebo_account_summary_and_missing_password_policy() {
    let Some(c) = corpus() else { return };
    let base = c.join("aws/api-responses-placebo");
    let mut disagreements = Vec::new();
    for (folder, rule) in [
        ("test_account_root_mfa", "iam-root-user-without-mfa"),
        (
            "test_account_root_api_keys",
            "iam-root-user-has-access-keys",
        ),
    ] {
        let dir = base.join(folder);
        let summary = json_at(&dir.join("iam.GetAccountSummary_1.json"));
        let inv = build_inventory(&[bundle(
            &folder_account(&dir),
            vec![entry("iam", "get-account-summary", &summary)],
        )]);
        recognised(&inv);
        let (got, message) = outcome(rule, account(&inv.resources));
        for e in expectations(&dir) {
            let want = Outcome::parse(e["result"].as_str().unwrap_or(""));
            if want != Some(got) {
                let concept = e["rule_concept"].as_str().unwrap_or("").to_string();
                eprintln!("{concept}: expected {want:?}, got {got}: {message}");
                disagreements.push(concept);
            }
        }
    }

    let dir = base.join("test_account_missing_password_policy");
    let policy = json_at(&dir.join("iam.GetAccountPasswordPolicy_1.json"));
    let inv = build_inventory(&[bundle(
        &folder_account(&dir),
        vec![entry("iam", "get-account-password-policy", &policy)],
    )]);
    recognised(&inv);
    let acct = account(&inv.resources);
    assert_eq!(acct.attributes["password_policy"], Value::Null);
    // "No password policy configured" fails every password-policy rule; the one that speaks to
    // it most directly is the length rule (CIS 1.7).
    for rule in [
        "iam-password-policy-short-minimum-length",
        "iam-password-policy-allows-reuse",
        "iam-password-policy-no-uppercase",
        "iam-password-policy-below-fsbp-minimum-length",
        "iam-password-policy-below-pci-minimums",
    ] {
        let (got, message) = outcome(rule, acct);
        assert_eq!(got, Outcome::Fail, "{rule}: {message}");
    }
    for e in expectations(&dir) {
        let want = Outcome::parse(e["result"].as_str().unwrap_or(""));
        let got = outcome("iam-password-policy-short-minimum-length", acct).0;
        if want != Some(got) {
            disagreements.push(e["rule_concept"].as_str().unwrap_or("").to_string());
        }
    }
    let known: Vec<String> = KNOWN.iter().map(|(c, _)| c.to_string()).collect();
    assert_eq!(disagreements, known, "a disagreement appeared or vanished");
}

#[test]
fn cli_doc_examples_in_an_assembled_bundle() {
    let Some(c) = corpus() else { return };
    let dir = c.join("aws/cli-json/aws-cli-doc-examples");
    let policy = json_at(&dir.join("iam_get-account-password-policy.json"));
    let summary = json_at(&dir.join("iam_get-account-summary.json"));
    // Alone, neither names its account: recognised, with a note, and no resource.
    let lone = build_inventory(&[
        Input::new("policy.json", policy.to_string()),
        Input::new("summary.json", summary.to_string()),
    ]);
    recognised(&lone);
    assert!(lone.resources.is_empty());
    assert!(lone.inputs[0].message.contains("does not name its account"));

    let wrap = |doc: &Value| json!({"data": doc});
    let inv = build_inventory(&[bundle(
        "123456789012",
        vec![
            entry("iam", "get-account-password-policy", &wrap(&policy)),
            entry("iam", "get-account-summary", &wrap(&summary)),
        ],
    )]);
    recognised(&inv);
    let acct = account(&inv.resources);
    let o = |rule: &str| outcome(rule, acct).0;
    // MinimumPasswordLength 8, numbers and symbols required, letters' case not, no reuse history,
    // no expiry; AccountMFAEnabled 1, AccountAccessKeysPresent 0.
    assert_eq!(o("iam-password-policy-short-minimum-length"), Outcome::Fail);
    assert_eq!(
        o("iam-password-policy-below-fsbp-minimum-length"),
        Outcome::Pass
    );
    assert_eq!(o("iam-password-policy-no-uppercase"), Outcome::Fail);
    assert_eq!(o("iam-password-policy-no-lowercase"), Outcome::Fail);
    assert_eq!(o("iam-password-policy-no-symbols"), Outcome::Pass);
    assert_eq!(o("iam-password-policy-no-numbers"), Outcome::Pass);
    assert_eq!(o("iam-password-policy-allows-reuse"), Outcome::Fail);
    assert_eq!(o("iam-password-policy-no-expiry"), Outcome::Fail);
    assert_eq!(o("iam-root-user-without-mfa"), Outcome::Pass);
    assert_eq!(o("iam-root-user-has-access-keys"), Outcome::Pass);
    // Nothing says whether the root MFA device is virtual.
    assert_eq!(o("iam-root-user-virtual-mfa"), Outcome::Unknown);
    assert_eq!(o("account-security-contact-not-set"), Outcome::Unknown);
}
