//! Runs the engine over the shared corpus of real public exports (../shared/corpus) when it is
//! present, and skips, saying so, when it is not. Corpus files are never copied into this
//! repository.
//!
//! Where the corpus states expected results, every disagreement must be listed in `KNOWN` with
//! its reason; a new disagreement (a regression) or a vanished one (an improvement to record)
//! both fail the test.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use stratoscope::analyze::build_inventory;
use stratoscope::evaluate::evaluate;
use stratoscope::report::InputStatus;
use stratoscope::{Input, Outcome};

mod common;

use common::corpus;

#[test]
fn every_authorization_details_file_is_recognised_without_error() {
    let Some(corpus) = corpus() else { return };
    let files = common::json_files(&corpus.join("aws/iam-authorization-details"), |_| true);
    assert!(
        files.len() >= 5,
        "expected the five authorization-details files, found {files:?}"
    );
    for file in files {
        let name = common::file_name(&file);
        let inv = common::recognised_inventory(common::input(&file));
        let verdict = &inv.inputs[0];
        assert!(verdict.resources > 0, "{name}: no resources");
        assert_eq!(
            verdict.format.as_deref(),
            Some("aws-iam-authorization-details")
        );
        eprintln!("{}", verdict.message);
    }
}

/// Disagreements with iam-vulnerable's stated design intent, each with the reason we accept it.
/// (The fp5 principals, whose only grant is conditioned on a token issued before 2020, agree
/// since such a date condition is recognised as one that can never hold.)
const KNOWN: &[(&str, &str)] = &[
    (
        "user/privesc-AssumeRole-start-user",
        "the export grants this user no permission at all (no policy, no group); the chain iam-vulnerable builds starts from an SSO session named in the starting role's trust policy, not from this user; with no permission at all, no catalogue method can apply either",
    ),
];

#[test]
fn privilege_escalation_agrees_with_iam_vulnerable() {
    let Some(corpus) = corpus() else { return };
    let dir = corpus.join("aws/iam-authorization-details");
    let export = common::read(&dir.join("cloudsplaining_examples_example.json"));
    let expected = common::json_at(&dir.join("cloudsplaining_examples_example.expected.json"));
    let pack = common::builtin();
    let rule = pack
        .get("iam-principal-privilege-escalation")
        .expect("the privilege-escalation rule exists");
    let inv = build_inventory(&[Input::new("example.json", export)]);
    let mut disagreements: BTreeMap<String, String> = BTreeMap::new();
    let mut agreed = 0;
    for e in expected["expectations"].as_array().expect("expectations") {
        if e["rule_concept"] != "iam-privilege-escalation-path" {
            continue;
        }
        let want = match e["result"].as_str() {
            Some("fail") => Outcome::Fail,
            Some("pass") => Outcome::Pass,
            _ => continue,
        };
        let id = e["resource_id"].as_str().expect("resource id");
        let resource = inv
            .resources
            .iter()
            .find(|r| r.id == id)
            .unwrap_or_else(|| panic!("{id} not in the inventory"));
        let got = evaluate(rule, resource, &rule.parameters).outcome;
        let short = id.rsplit(':').next().unwrap_or(id).to_string();
        if got == want {
            agreed += 1;
        } else {
            disagreements.insert(short, format!("expected {want}, got {got}"));
        }
    }
    eprintln!(
        "privilege escalation: {agreed} agree, {} disagree",
        disagreements.len()
    );
    for (who, what) in &disagreements {
        let reason = KNOWN
            .iter()
            .find(|(k, _)| k == who)
            .map(|(_, r)| *r)
            .unwrap_or("NOT EXPLAINED");
        eprintln!("  {who}: {what} — {reason}");
    }
    let unexplained: Vec<_> = disagreements
        .keys()
        .filter(|k| !KNOWN.iter().any(|(w, _)| w == k))
        .collect();
    assert!(unexplained.is_empty(), "new disagreements: {unexplained:?}");
    let vanished: Vec<_> = KNOWN
        .iter()
        .filter(|(k, _)| !disagreements.contains_key(*k))
        .map(|(k, _)| k)
        .collect();
    assert!(
        vanished.is_empty(),
        "these no longer disagree; remove them from KNOWN: {vanished:?}"
    );
    assert!(agreed >= 80, "only {agreed} agreements");
}

/// Cloudsplaining's unit-test expectations, mapped to our rules. Cloudsplaining judges single
/// policies; where it names a group's inline policy we judge the group, which holds exactly
/// that policy's statements (plus its attached ones).
const CLOUDSPLAINING_MAP: &[(&str, &str)] = &[
    (
        "iam-role-trust-cross-account-principal",
        "iam-role-trust-cross-account-without-external-id",
    ),
    (
        "iam-role-trust-any-principal",
        "iam-role-trust-any-principal",
    ),
    (
        "iam-policy-data-exfiltration",
        "iam-principal-data-exfiltration",
    ),
    (
        "iam-policy-resource-exposure",
        "iam-principal-resource-exposure",
    ),
    (
        "iam-policy-privilege-escalation",
        "iam-principal-privilege-escalation",
    ),
    (
        "iam-policy-credentials-exposure",
        "iam-principal-credentials-exposure",
    ),
];

/// Expectations we deliberately do not share, with the reason.
const CLOUDSPLAINING_NOT_SHARED: &[(&str, &str)] = &[
    (
        "iam-role-trust-assumable-by-compute-service",
        "a role that EC2 may assume is how instances get credentials at all; we report what such a role can do (admin, escalation, exposure) rather than the trust itself",
    ),
    (
        "iam-policy-service-wildcard",
        "our service-wildcard rule (STRAT-AWS-IAM-007, FSBP IAM.21) judges customer-managed policies, not inline policies; the group's inline policy has no service wildcard either way",
    ),
];

#[test]
fn cloudsplaining_unit_expectations_agree() {
    let Some(corpus) = corpus() else { return };
    let dir = corpus.join("aws/iam-authorization-details");
    let export = common::read(&dir.join("cloudsplaining_test_example-authz-details.json"));
    let expected =
        common::json_at(&dir.join("cloudsplaining_test_example-authz-details.expected.json"));
    let pack = common::builtin();
    let inv = build_inventory(&[Input::new("example-authz-details.json", export)]);
    let mut checked = 0;
    let mut problems = Vec::new();
    for e in expected["expectations"].as_array().expect("expectations") {
        let concept = e["rule_concept"].as_str().unwrap_or_default();
        let want = match e["result"].as_str() {
            Some("fail") => Outcome::Fail,
            Some("pass") => Outcome::Pass,
            _ => continue,
        };
        if let Some((_, reason)) = CLOUDSPLAINING_NOT_SHARED
            .iter()
            .find(|(c, _)| concept.starts_with(c))
        {
            eprintln!("  not shared: {concept} ({want}) — {reason}");
            continue;
        }
        let Some((_, rule_name)) = CLOUDSPLAINING_MAP
            .iter()
            .find(|(c, _)| concept.starts_with(c))
        else {
            problems.push(format!("no mapping for concept {concept:?}"));
            continue;
        };
        let rule = pack
            .get(rule_name)
            .unwrap_or_else(|| panic!("rule {rule_name} exists"));
        let raw_id = e["resource_id"].as_str().unwrap_or_default();
        let id = match raw_id
            .strip_prefix("group/")
            .and_then(|g| g.split_whitespace().next())
        {
            Some(group) => format!("arn:aws:iam::012345678901:group/{group}"),
            None => raw_id.to_string(),
        };
        let resource = inv
            .resources
            .iter()
            .find(|r| r.id == id)
            .unwrap_or_else(|| panic!("{id} not in inventory"));
        let got = evaluate(rule, resource, &rule.parameters).outcome;
        checked += 1;
        if got != want {
            problems.push(format!("{concept} on {id}: expected {want}, got {got}"));
        }
    }
    eprintln!(
        "cloudsplaining unit expectations: {checked} checked, {} disagreements",
        problems.len()
    );
    assert!(problems.is_empty(), "{problems:#?}");
    assert!(checked >= 6);
}

/// Every file of a folder tree, sorted, skipping the corpus's own expectation files.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = entry.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == "json") {
                let name = p.to_string_lossy();
                if !name.ends_with("expected.json") {
                    out.push(p);
                }
            }
        }
    }
    out.sort();
    out
}

/// The bar for AWS formats: every AWS export in the corpus (the cloud-custodian
/// recordings, the Config items, the CLI documentation examples, the authorization details) is
/// recognised and normalised without error. Recordings of create/put/delete calls and of API
/// errors carry no configuration; they may be ignored, but only with a reason. Each file is
/// analysed alone, so one file's verdict never depends on another's.
#[test]
fn every_aws_export_is_recognised_and_normalised_without_error() {
    let Some(root) = corpus() else { return };
    // Files that are deliberately not recognised, with the reason.
    let not_exports: BTreeMap<&str, &str> = BTreeMap::from([
        (
            "cli-json/aws-cli-doc-examples/ec2_describe-volumes.json",
            "a --query projection of describe-volumes without VolumeId or Encrypted, not the command's output",
        ),
        (
            "config-items/cloud-custodian/event-cloudsearch.json",
            "an EventBridge 'AWS API Call via CloudTrail' event: activity, not configuration",
        ),
    ]);
    let mut problems = Vec::new();
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for group in [
        "api-responses-placebo",
        "config-items",
        "cli-json",
        "iam-authorization-details",
    ] {
        for path in files_under(&root.join("aws").join(group)) {
            let rel = path
                .strip_prefix(root.join("aws"))
                .map(|p| p.to_string_lossy().into_owned())
                .unwrap_or_default();
            let bytes = std::fs::read(&path).unwrap_or_default();
            let inv = build_inventory(&[Input::new(rel.clone(), bytes)]);
            let verdict = &inv.inputs[0];
            *counts.entry(group).or_default() += 1;
            let ok = match verdict.status {
                InputStatus::Error => false,
                InputStatus::Recognized => true,
                // A recording may be a create/put/delete response or an error: no configuration.
                InputStatus::Ignored => {
                    group == "api-responses-placebo" || not_exports.contains_key(rel.as_str())
                }
            };
            if !ok {
                problems.push(format!("{rel}: {:?}: {}", verdict.status, verdict.message));
            }
        }
    }
    eprintln!("AWS corpus files checked: {counts:?}");
    assert!(counts.values().sum::<usize>() > 100, "{counts:?}");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
