//! The CLI as a pipeline sees it: real binary, real files, exit codes and the JSON contract.

use serde_json::Value;
use std::path::PathBuf;
use std::process::{Command, Output};

fn fixture(rel: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures")
        .join(rel)
        .display()
        .to_string()
}

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_stratoscope"))
        .args(args)
        .output()
        .expect("the stratoscope binary runs")
}

/// The exit code of a run whose output the test does not look at.
fn exit_code(args: &[&str]) -> Option<i32> {
    run(args).status.code()
}

fn stdout_of(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr_of(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The JSON report of `scan file extra... --format json`.
fn scan_json(file: &str, extra: &[&str]) -> Value {
    let mut args = vec!["scan", file];
    args.extend_from_slice(extra);
    args.extend_from_slice(&["--format", "json"]);
    json_of(&run(&args))
}

fn json_of(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("stdout is not one JSON document ({e}):\n{}", stdout_of(out)))
}

/// A temporary file that is removed when dropped, so a failing assertion leaves nothing behind.
struct TempFile(PathBuf);

impl TempFile {
    fn new(name: &str, contents: &str) -> TempFile {
        let path = std::env::temp_dir().join(format!("stratoscope-{}-{name}", std::process::id()));
        std::fs::write(&path, contents).expect("write temp file");
        TempFile(path)
    }
    fn path(&self) -> &str {
        self.0.to_str().expect("utf-8 temp path")
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Files are read and rules evaluated on several threads; the report is the same on one.
#[test]
fn jobs_change_nothing_in_the_report() {
    let dir = fixture("aws");
    let one = run(&["scan", &dir, "--format", "json", "--jobs", "1"]);
    let four = run(&["scan", &dir, "--jobs", "4", "--format", "json"]);
    assert_eq!(one.status.code(), Some(1), "{}", stderr_of(&one));
    assert!(json_of(&one)["findings"]
        .as_array()
        .is_some_and(|f| f.len() > 100));
    assert_eq!(stdout_of(&one), stdout_of(&four));
    assert_eq!(exit_code(&["scan", &dir, "--jobs", "many"]), Some(2));
}

#[test]
fn scan_json_keeps_the_contract_names() {
    let out = run(&["scan", &fixture("aws/authz-small.json"), "--format", "json"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "failing findings exit 1; stderr: {}",
        stderr_of(&out)
    );
    let report = json_of(&out);
    let input = &report["inputs"][0];
    for key in ["name", "format", "status", "resources", "message"] {
        assert!(input.get(key).is_some(), "inputs[0] lacks {key}");
    }
    assert_eq!(input["status"], "recognized");
    assert_eq!(input["format"], "aws-iam-authorization-details");
    assert_eq!(input["resources"], 8);
    let findings = report["findings"].as_array().expect("findings array");
    assert!(!findings.is_empty());
    for f in findings {
        for key in [
            "rule_id",
            "rule_name",
            "title",
            "severity",
            "outcome",
            "resource",
            "message",
            "evidence",
            "frameworks",
        ] {
            assert!(f.get(key).is_some(), "finding lacks {key}: {f}");
        }
        for key in ["id", "kind", "account", "region"] {
            assert!(
                f["resource"].get(key).is_some(),
                "finding.resource lacks {key}"
            );
        }
    }
    let admin = findings
        .iter()
        .find(|f| f["rule_id"] == "STRAT-AWS-IAM-001")
        .expect("the *:* policy is found");
    assert_eq!(
        admin["resource"]["id"],
        "arn:aws:iam::123456789012:policy/ops-everything"
    );
    assert_eq!(admin["frameworks"]["cis-aws-5.0"][0], "1.15");
    assert_eq!(admin["frameworks"]["fsbp"][0], "IAM.1");
    assert_eq!(
        admin["evidence"][0]["pointer"],
        "/Policies/0/PolicyVersionList/0/Document/Statement/0"
    );
    assert_eq!(
        admin["evidence"][0]["value"]["Action"], "*",
        "evidence quotes the export verbatim"
    );
    assert!(
        report["summary"]["failing_by_severity"]["critical"]
            .as_u64()
            .unwrap_or(0)
            >= 1
    );
}

#[test]
fn min_severity_sets_the_exit_code() {
    // The fixture has a critical finding, so even the narrowest threshold exits 1 ...
    assert_eq!(
        exit_code(&[
            "scan",
            &fixture("aws/authz-small.json"),
            "--min-severity",
            "critical"
        ]),
        Some(1)
    );
    // ... while an export with no failing finding exits 0 at any threshold.
    let clean = TempFile::new(
        "clean.json",
        r#"{"UserDetailList": [], "GroupDetailList": [], "RoleDetailList": [], "Policies": []}"#,
    );
    let out = run(&["scan", clean.path()]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout_of(&out));
}

#[test]
fn bad_inputs_are_reported_and_good_ones_still_scanned() {
    let out = run(&[
        "scan",
        &fixture("bad/not-json.txt"),
        &fixture("bad/truncated.json"),
        &fixture("bad/unknown-shape.json"),
        &fixture("aws/authz-small.json"),
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let report = json_of(&out);
    let by_name = |suffix: &str| {
        report["inputs"]
            .as_array()
            .and_then(|a| {
                a.iter()
                    .find(|i| i["name"].as_str().is_some_and(|n| n.ends_with(suffix)))
            })
            .cloned()
            .expect("input listed")
    };
    for (suffix, status, needles) in [
        (
            "not-json.txt",
            "error",
            &["not-json.txt", "line 1, column 1"][..],
        ),
        ("truncated.json", "error", &["truncated"][..]),
        ("unknown-shape.json", "ignored", &["Reservations"][..]),
    ] {
        let input = by_name(suffix);
        assert_eq!(input["status"], status);
        assert!(
            input["message"]
                .as_str()
                .is_some_and(|m| needles.iter().all(|n| m.contains(n))),
            "{input}"
        );
    }
    assert!(
        !report["findings"].as_array().expect("findings").is_empty(),
        "the good file's findings remain"
    );
}

#[test]
fn usage_errors_and_unreadable_inputs_exit_2() {
    assert_eq!(exit_code(&["scan"]), Some(2), "no files is a usage error");
    assert_eq!(
        exit_code(&["scan", "x.json", "--min-severity", "severe"]),
        Some(2)
    );
    let out = run(&["scan", "/nonexistent/export.json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_of(&out).contains("/nonexistent/export.json"));
    assert_eq!(
        exit_code(&["scan", &fixture("bad/not-json.txt")]),
        Some(2),
        "nothing recognised, nothing evaluated"
    );
}

#[test]
fn rules_json_lists_metadata_and_fixture_counts() {
    let out = run(&["rules", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0));
    let v = json_of(&out);
    let rules = v["rules"].as_array().expect("rules");
    assert!(rules.len() >= 8, "at least 8 rules, got {}", rules.len());
    for r in rules {
        assert!(r["fixtures"].as_u64().unwrap_or(0) >= 1, "{}", r["id"]);
        for key in [
            "what",
            "why",
            "shared_responsibility",
            "least_privilege",
            "fix",
            "exceptions",
        ] {
            assert!(
                r["explanation"][key]
                    .as_str()
                    .is_some_and(|s| !s.is_empty()),
                "{} lacks {key}",
                r["id"]
            );
        }
    }
}

#[test]
fn explain_prints_sections_in_order() {
    let out = run(&["explain", "STRAT-AWS-IAM-001"]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout_of(&out);
    let headings = [
        "What is wrong",
        "Why it matters",
        "Shared responsibility",
        "Least-privilege alternative",
        "How to fix",
        "When it may be acceptable",
        "Remediation: console",
        "References",
    ];
    let positions: Vec<usize> = headings
        .iter()
        .map(|h| text.find(h).unwrap_or_else(|| panic!("missing {h}")))
        .collect();
    assert!(
        positions.windows(2).all(|w| w[0] < w[1]),
        "sections out of order"
    );
    assert_eq!(
        exit_code(&["explain", "iam-policy-full-admin-attached"]),
        Some(0),
        "names work too"
    );
    assert_eq!(exit_code(&["explain", "NOPE"]), Some(2));
}

#[test]
fn json_output_is_deterministic() {
    let a = run(&["scan", &fixture("aws/authz-small.json"), "--format", "json"]);
    let b = run(&["scan", &fixture("aws/authz-small.json"), "--format", "json"]);
    assert_eq!(a.stdout, b.stdout);
}

#[test]
fn access_reviews_a_principal_and_a_resource() {
    let out = run(&[
        "access",
        &fixture("aws/authz-small.json"),
        "--principal",
        "deploy-bot",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let text = stdout_of(&out);
    assert!(
        text.contains("arn:aws:iam::123456789012:user/deploy-bot"),
        "{text}"
    );
    assert!(
        text.lines()
            .any(|l| l.trim_start().starts_with("iam ") && l.contains("Write")),
        "PassRole is an IAM Write action: {text}"
    );

    let csv = run(&[
        "access",
        &fixture("aws/authz-small.json"),
        "--principal",
        "alice",
        "--format",
        "csv",
    ]);
    let csv = stdout_of(&csv);
    assert!(
        csv.starts_with("principal,service,access_level,action,access,policies\r\n"),
        "{csv}"
    );
    assert!(
        csv.lines().any(|l| l.starts_with(
            "arn:aws:iam::123456789012:user/alice,s3,Read,s3:GetObject,resource-scoped,"
        ) && l.contains("developers")),
        "inherited through the developers group: {csv}"
    );

    let who = run(&[
        "access",
        &fixture("aws/authz-small.json"),
        "--resource",
        "arn:aws:s3:::app.example.com/index.html",
        "--format",
        "json",
    ]);
    let v = json_of(&who);
    let principals: Vec<&str> = v["access"]
        .as_array()
        .expect("access")
        .iter()
        .filter_map(|a| a["principal"].as_str())
        .collect();
    assert!(principals.contains(&"arn:aws:iam::123456789012:user/alice"));
    assert!(
        !principals.contains(&"arn:aws:iam::123456789012:role/public-reader"),
        "its policy names another bucket"
    );

    assert_eq!(
        exit_code(&[
            "access",
            &fixture("aws/authz-small.json"),
            "--principal",
            "nobody"
        ]),
        Some(2)
    );
    assert_eq!(
        exit_code(&["access", &fixture("aws/authz-small.json")]),
        Some(2),
        "needs --principal or --resource"
    );
}

#[test]
fn access_to_a_resource_includes_its_resource_policy() {
    let bundle = fixture("aws/resource-policies/bundle.json");
    let out = run(&[
        "access",
        &bundle,
        "--resource",
        "arn:aws:s3:::reports.example.com",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout_of(&out);
    assert!(
        text.contains(
            "arn:aws:iam::444455556666:root [resource policy; other account 444455556666]"
        ),
        "{text}"
    );
    assert!(
        text.contains("the other account must also allow it"),
        "{text}"
    );
    assert!(
        text.contains("* [resource policy; anyone; conditional]"),
        "{text}"
    );
    assert!(
        text.contains("denied by bucket policy") && text.contains("NoWritesByAlice"),
        "the bucket policy's Deny is applied to alice's identity grant: {text}"
    );
    assert!(
        !text.contains("s3:DeleteBucket"),
        "a grant on role ARNs does not reach the bucket: {text}"
    );

    let v = json_of(&run(&[
        "access",
        &bundle,
        "--resource",
        "arn:aws:sqs:eu-west-1:123456789012:orders",
        "--format",
        "json",
    ]));
    assert_eq!(v["resource_policy"], "known");
    let rows = v["access"].as_array().expect("access");
    let bob = rows
        .iter()
        .find(|r| r["principal"] == "arn:aws:iam::123456789012:user/bob")
        .expect("bob");
    let writes: Vec<&str> = bob["actions"]["Write"]
        .as_array()
        .expect("writes")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(writes.contains(&"sqs:SendMessage"));
    assert!(
        !writes.contains(&"sqs:PurgeQueue"),
        "denied to everyone by the queue policy"
    );
    let anyone = rows.iter().find(|r| r["principal"] == "*").expect("anyone");
    assert_eq!(anyone["via"], "resource policy");
    assert_eq!(anyone["conditional"], false);
    assert!(anyone["statements"][0]["label"]
        .as_str()
        .is_some_and(|l| l.contains("queue policy orders")));

    let csv = run(&[
        "access",
        &bundle,
        "--resource",
        "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-AbCdEf",
        "--format",
        "csv",
    ]);
    let csv = stdout_of(&csv);
    assert!(
        csv.contains(
            "arn:aws:iam::444455556666:role/analytics,resource policy,other account 444455556666"
        ),
        "{csv}"
    );

    let principal = run(&[
        "access",
        &fixture("aws/organizations/bundle.json"),
        "--principal",
        "dana",
    ]);
    let text = stdout_of(&principal);
    assert!(
        text.contains("Capped by the service control policies of: root r-ab12, organizational unit ou-ab12-prod0001 (Prod), account 123456789012"),
        "{text}"
    );
    assert!(
        !text.lines().any(|l| l.trim_start().starts_with("iam ")),
        "the SCP denies iam:*: {text}"
    );
}

#[test]
fn gzip_exports_scan_like_plain_ones() {
    let plain = scan_json(&fixture("aws/authz-small.json"), &[]);
    let gz = scan_json(&fixture("aws/authz-small.json.gz"), &[]);
    assert_eq!(
        gz["inputs"][0]["status"], "recognized",
        "{}",
        gz["inputs"][0]
    );
    assert_eq!(
        gz["findings"].as_array().map(Vec::len),
        plain["findings"].as_array().map(Vec::len)
    );
}

#[test]
fn framework_scan_keeps_mapped_findings_and_prints_the_control_table() {
    let out = run(&[
        "scan",
        &fixture("aws/authz-small.json"),
        "--framework",
        "cis-aws-5.0",
    ]);
    let text = stdout_of(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    let table = text
        .split_once("Compliance: CIS Amazon Web Services Foundations Benchmark 5.0.0 (cis-aws-5.0)")
        .map(|(_, t)| t)
        .unwrap_or_else(|| panic!("no compliance table after the findings:\n{text}"));
    let row = |id: &str| {
        table
            .lines()
            .find(|l| l.split_whitespace().next() == Some(id))
            .unwrap_or_else(|| panic!("no row for {id}:\n{table}"))
            .to_string()
    };
    let admin = row("1.15");
    assert!(
        admin.contains("fail") && admin.contains("STRAT-AWS-IAM-001"),
        "{admin}"
    );
    assert!(row("1.1").contains("manual"), "manual controls are listed");
    assert!(
        table.contains("check: "),
        "manual controls carry their check"
    );
    assert!(
        row("5.7").contains("unknown"),
        "a control whose rule found nothing to evaluate is unknown, never a pass"
    );

    let json = scan_json(
        &fixture("aws/authz-small.json"),
        &["--framework", "cis-aws-5.0"],
    );
    let findings = json["findings"].as_array().expect("findings");
    assert!(!findings.is_empty());
    for f in findings {
        assert!(
            f["frameworks"]["cis-aws-5.0"].is_array(),
            "only findings mapped to CIS remain: {f}"
        );
    }
    let all = scan_json(&fixture("aws/authz-small.json"), &[]);
    assert!(
        all["findings"].as_array().map_or(0, Vec::len) > findings.len(),
        "the fixture also has findings mapped only to FSBP or to nothing"
    );
    let compliance = json["compliance"].as_array().expect("compliance");
    assert_eq!(compliance.len(), 1);
    assert_eq!(compliance[0]["framework"], "cis-aws-5.0");
    let control = compliance[0]["controls"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["id"] == "1.15"))
        .expect("1.15 in the summary");
    assert_eq!(control["status"], "fail");
    assert_eq!(control["rules"][0], "STRAT-AWS-IAM-001");
    assert!(control["failing"].as_u64().unwrap_or(0) >= 1);
    assert!(compliance[0]["score"].is_number());
}

#[test]
fn unknown_framework_is_a_usage_error_listing_the_known_ones() {
    let out = run(&[
        "scan",
        &fixture("aws/authz-small.json"),
        "--framework",
        "cis-9",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr_of(&out);
    assert!(
        err.contains("no framework \"cis-9\"") && err.contains("cis-aws-5.0, fsbp"),
        "{err}"
    );
}

#[test]
fn rules_framework_lists_which_rules_automate_which_control() {
    let out = run(&["rules", "--framework", "fsbp"]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout_of(&out);
    let line = |id: &str| {
        text.lines()
            .find(|l| l.split_whitespace().next() == Some(id))
            .unwrap_or_else(|| panic!("no {id}:\n{text}"))
            .to_string()
    };
    assert!(line("IAM.2").contains("STRAT-AWS-IAM-002"));
    assert!(line("S3.1").contains("STRAT-AWS-S3-004"));
    let json = json_of(&run(&[
        "rules",
        "--framework",
        "cis-aws-5.0",
        "--format",
        "json",
    ]));
    let controls = json["controls"].as_array().expect("controls");
    let manual = controls.iter().find(|c| c["id"] == "1.1").expect("1.1");
    assert_eq!(manual["status"], "manual");
    assert!(manual["check"].is_string());
}

#[test]
fn settings_override_rule_parameters_and_reject_unknown_keys() {
    let export = TempFile::new(
        "tables-policy.json",
        r#"{"Policies": [{"PolicyName": "tables", "Arn": "arn:aws:iam::123456789012:policy/tables", "AttachmentCount": 1, "DefaultVersionId": "v1",
            "PolicyVersionList": [{"VersionId": "v1", "IsDefaultVersion": true, "Document": {"Version": "2012-10-17",
              "Statement": [{"Effect": "Allow", "Action": "dynamodb:*", "Resource": "*"}]}}]}]}"#,
    );
    let wildcard_findings = |extra: &[&str]| {
        let mut args = vec!["scan", export.path(), "--format", "json"];
        args.extend_from_slice(extra);
        let out = run(&args);
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "{}",
            stderr_of(&out)
        );
        json_of(&out)["findings"]
            .as_array()
            .map(|f| {
                f.iter()
                    .filter(|f| f["rule_id"] == "STRAT-AWS-IAM-007")
                    .count()
            })
            .unwrap_or(0)
    };
    assert_eq!(
        wildcard_findings(&[]),
        0,
        "dynamodb is not sensitive by default"
    );
    let settings = TempFile::new(
        "settings.toml",
        "[parameters.\"STRAT-AWS-IAM-007\"]\nsensitive_services = [\"dynamodb\"]\n",
    );
    assert_eq!(wildcard_findings(&["--settings", settings.path()]), 1);

    for (name, text, expected) in [
        (
            "bad-rule.toml",
            "[parameters.\"STRAT-AWS-IAM-999\"]\nx = 1\n",
            "[parameters.\"STRAT-AWS-IAM-999\"]: no rule",
        ),
        (
            "bad-param.toml",
            "[parameters.\"STRAT-AWS-IAM-007\"]\nservices = [\"iam\"]\n",
            "has no parameter \"services\"; it has: sensitive_services",
        ),
    ] {
        let bad = TempFile::new(name, text);
        let out = run(&["scan", export.path(), "--settings", bad.path()]);
        assert_eq!(out.status.code(), Some(2));
        let err = stderr_of(&out);
        assert!(err.contains(bad.path()) && err.contains(expected), "{err}");
    }
}

#[test]
fn scan_exports_csv_sarif_ocsf_and_html() {
    let file = fixture("aws/authz-small.json");
    let report = scan_json(&file, &[]);
    let findings = report["findings"].as_array().expect("findings").len();

    let csv = run(&["scan", &file, "--format", "csv"]);
    assert_eq!(
        csv.status.code(),
        Some(1),
        "exit codes do not depend on format"
    );
    let csv = stdout_of(&csv);
    assert!(csv.starts_with("rule_id,rule_name,severity,outcome,accepted,service,"));
    assert_eq!(csv.matches("\r\n").count(), findings + 1, "{csv}");

    let sarif = json_of(&run(&["scan", &file, "--format", "sarif"]));
    assert_eq!(sarif["version"], "2.1.0");
    assert_eq!(sarif["runs"][0]["tool"]["driver"]["name"], "stratoscope");
    assert_eq!(
        sarif["runs"][0]["results"].as_array().map(Vec::len),
        Some(findings)
    );

    let ocsf = json_of(&run(&["scan", &file, "--format", "ocsf"]));
    let events = ocsf.as_array().expect("an array of events");
    assert_eq!(events.len(), findings);
    assert_eq!(events[0]["class_uid"], 2004);
    assert!(
        events[0]["time"]
            .as_i64()
            .is_some_and(|t| t > 1_700_000_000_000),
        "the CLI stamps events with the current time"
    );

    let html = run(&["scan", &file, "--format", "html"]);
    assert_eq!(html.status.code(), Some(1));
    let html = stdout_of(&html);
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("ops-everything"));
    assert!(!html.contains("<script"));
}

#[test]
fn accepted_risks_are_flagged_reported_and_leave_the_exit_status() {
    let file = fixture("aws/authz-small.json");
    let accepted = fixture("accept/authz-small-acceptances.json");
    let out = run(&["scan", &file, "--accepted", &accepted, "--format", "json"]);
    let stderr = stderr_of(&out);
    assert!(
        stderr.contains("RISK-2023-002 expired"),
        "expired acceptances are named: {stderr}"
    );
    assert!(
        stderr.contains("RISK-2024-030 matches no finding"),
        "{stderr}"
    );
    let report = json_of(&out);
    let findings = report["findings"].as_array().expect("findings");
    let accepted_ids: Vec<&str> = findings
        .iter()
        .filter_map(|f| f["accepted"]["acceptance_id"].as_str())
        .collect();
    assert_eq!(accepted_ids, ["RISK-2024-017", "RISK-2024-018"]);
    assert_eq!(report["summary"]["accepted"], 2);
    assert_eq!(
        report["summary"]["failing_by_severity"]["critical"], 1,
        "the accepted critical is no longer counted as failing"
    );
    assert!(
        findings.iter().all(|f| f.get("accepted").is_none()
            || f["accepted"]["reason"]
                .as_str()
                .is_some_and(|r| !r.is_empty())),
        "an acceptance carries its reason"
    );
    // With the critical accepted, only the unaccepted critical trust policy fails at that level.
    assert_eq!(
        exit_code(&[
            "scan",
            &file,
            "--accepted",
            &accepted,
            "--min-severity",
            "critical"
        ]),
        Some(1)
    );
    let accept_all = TempFile::new(
        "accept-all.json",
        r#"{"stratoscope_acceptances": 1, "acceptances": [
            {"id": "all", "reason": "test account", "scope": {"type": "account", "account": "123456789012"}}]}"#,
    );
    let all = run(&["scan", &file, "--accepted", accept_all.path()]);
    assert_eq!(
        all.status.code(),
        Some(0),
        "every finding accepted: nothing open"
    );
    assert!(stdout_of(&all).contains("[ACCEPTED critical]"));

    let bad = run(&[
        "scan",
        &file,
        "--accepted",
        &fixture("accept/invalid-acceptances.json"),
    ]);
    assert_eq!(bad.status.code(), Some(2));
    let stderr = stderr_of(&bad);
    assert!(
        stderr.contains("acceptances[0].reason: must not be empty"),
        "{stderr}"
    );
    assert!(stderr.contains("acceptances[1].expires"), "{stderr}");
}

#[test]
fn drift_compares_a_baseline_with_a_current_run() {
    let before = fixture("aws/authz-small.json");
    let after = fixture("drift/authz-small-later.json");
    let out = run(&[
        "drift",
        "--baseline",
        &before,
        "--current",
        &after,
        "--format",
        "json",
    ]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "a new failing finding exits 1; stderr: {}",
        stderr_of(&out)
    );
    let d = json_of(&out);
    assert_eq!(d["summary"]["new"], 1);
    assert_eq!(d["findings"]["new"][0]["rule_id"], "STRAT-AWS-IAM-005");
    assert_eq!(
        d["findings"]["new"][0]["resource"]["id"],
        "arn:aws:iam::123456789012:role/ci-deployer"
    );
    let resolved = d["findings"]["resolved"].as_array().expect("resolved");
    let resolved_failures: Vec<&str> = resolved
        .iter()
        .filter(|f| f["outcome"] == "fail")
        .filter_map(|f| f["rule_id"].as_str())
        .collect();
    // The removed broad grant closed PassRole, escalation and infrastructure modification.
    assert_eq!(
        resolved_failures,
        [
            "STRAT-AWS-IAM-006",
            "STRAT-AWS-IAM-009",
            "STRAT-AWS-IAM-051"
        ]
    );
    // Authorization details carry no credential report, so the credential-report rules are
    // unknown for every user; alice's unknowns go away with her.
    for f in resolved.iter().filter(|f| f["outcome"] != "fail") {
        assert_eq!(f["outcome"], "unknown", "{f}");
        assert_eq!(
            f["resource"]["id"], "arn:aws:iam::123456789012:user/alice",
            "{f}"
        );
    }
    assert_eq!(
        d["resources"]["removed"][0]["id"],
        "arn:aws:iam::123456789012:user/alice"
    );
    let changed = d["resources"]["changed"].as_array().expect("changed");
    let partner = changed
        .iter()
        .find(|c| c["resource"]["name"] == "partner-audit")
        .expect("the tagged role changed");
    assert_eq!(partner["changes"][0]["path"], "/tags");
    assert_eq!(partner["changes"][0]["before"], serde_json::json!([]));
    assert_eq!(
        partner["changes"][0]["after"][0]["Value"],
        "audit@example.com"
    );

    // The same run against itself: nothing drifts and nothing new fails.
    let same = run(&["drift", "--baseline", &before, "--current", &before]);
    assert_eq!(same.status.code(), Some(0));
    let text = stdout_of(&same);
    assert!(
        // 10 failing findings, and 14 unknown ones: 7 credential-report rules for each of the
        // two users, whose credential report the authorization details do not include.
        text.contains("Findings: 0 new, 0 resolved, 24 unchanged"),
        "{text}"
    );
    assert!(
        text.contains("Resources: 0 added, 0 removed, 0 changed"),
        "{text}"
    );

    // An acceptance that covers the new finding clears the exit status; one that does not
    // (the fixture's covers partner-* roles only) leaves it.
    let exit_with = |acceptances: &str| {
        exit_code(&[
            "drift",
            "--baseline",
            &before,
            "--current",
            &after,
            "--accepted",
            acceptances,
        ])
    };
    assert_eq!(
        exit_with(&fixture("accept/authz-small-acceptances.json")),
        Some(1)
    );
    let ci = TempFile::new(
        "accept-ci.json",
        r#"{"stratoscope_acceptances": 1, "acceptances": [{"id": "ci", "reason": "vendor CI, external ID pending",
            "scope": {"type": "pattern", "rule": "STRAT-AWS-IAM-005", "resource": "*:role/ci-*"}}]}"#,
    );
    assert_eq!(exit_with(ci.path()), Some(0));
    assert_eq!(
        exit_code(&[
            "drift",
            "--baseline",
            &before,
            "--current",
            &after,
            "--min-severity",
            "high"
        ]),
        Some(0),
        "the new finding is medium"
    );
    assert_eq!(
        exit_code(&["drift", "--baseline", &before]),
        Some(2),
        "--current is required"
    );
    assert_eq!(
        exit_code(&[
            "drift",
            "--baseline",
            &fixture("bad/not-json.txt"),
            "--current",
            &after
        ]),
        Some(2),
        "a side with nothing recognised"
    );
}

#[test]
fn a_reader_closing_the_pipe_early_is_not_a_crash() {
    use std::io::Read;
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_stratoscope"))
        .args(["rules", "--format", "json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut first = [0u8; 16];
    child
        .stdout
        .take()
        .expect("stdout")
        .read_exact(&mut first)
        .expect("some output");
    // The pipe's reading end is now closed, as `| head -c 16` would leave it.
    let out = child.wait_with_output().expect("exit");
    let err = stderr_of(&out);
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(out.status.code(), Some(0), "{err}");
}
