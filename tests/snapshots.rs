//! Snapshot tests: the normalised inventory and the full report for our own sanitised fixtures.
//! A change to normalisation or to any rule's outcome shows up as a reviewed snapshot diff
//! (`cargo insta review`, or `INSTA_UPDATE=always cargo test --test snapshots` then read the diff).

use stratoscope::analyze::build_inventory;
use stratoscope::{pack, Input, Options};

mod common;

fn fixture(rel: &str) -> Input {
    common::fixture(rel, rel)
}

#[test]
fn normalised_authorization_details() {
    let inv = build_inventory(&[fixture("aws/authz-small.json")]);
    // Typed facts are not serialised with resources; show principals' effective statements
    // beside them so the snapshot covers group and managed-policy resolution too.
    let with_facts: Vec<serde_json::Value> = inv
        .resources
        .iter()
        .map(|r| {
            let effective: Option<Vec<&stratoscope::iam::Statement>> = r
                .facts
                .effective
                .as_deref()
                .map(|v| v.iter().map(|s| &**s).collect());
            serde_json::json!({"resource": r, "effective_statements": effective})
        })
        .collect();
    let json = serde_json::to_string_pretty(&with_facts).expect("serialises");
    insta::assert_snapshot!("authz_small_resources", json);
}

#[test]
fn report_for_fixtures_and_bad_inputs() {
    let pack = pack::builtin().expect("built-in pack");
    let inputs = [
        fixture("aws/authz-small.json"),
        fixture("bad/not-json.txt"),
        fixture("bad/truncated.json"),
        fixture("bad/unknown-shape.json"),
        fixture("hostile/authz-hostile-names.json"),
    ];
    let report = stratoscope::analyze(&inputs, &pack, &Options::default());
    insta::assert_snapshot!("report_fixtures", report.to_json());
}

#[test]
fn report_is_deterministic() {
    let pack = pack::builtin().expect("built-in pack");
    let a = stratoscope::analyze(
        &[fixture("aws/authz-small.json")],
        &pack,
        &Options::default(),
    )
    .to_json();
    let b = stratoscope::analyze(
        &[fixture("aws/authz-small.json")],
        &pack,
        &Options::default(),
    )
    .to_json();
    assert_eq!(a, b);
}

/// The exports over a small pack (three rules that fire on the fixture) with the fixture's
/// acceptances applied, and with the event time and report date fixed, so a snapshot changes
/// only when an export's shape does or when one of these rules' texts is edited.
fn export_fixture() -> (stratoscope::Report, stratoscope::RulePack) {
    let mut pack = pack::builtin().expect("built-in pack");
    pack.rules.retain(|r| {
        [
            "STRAT-AWS-IAM-001",
            "STRAT-AWS-IAM-002",
            "STRAT-AWS-IAM-005",
        ]
        .contains(&r.id.as_str())
    });
    let mut report = stratoscope::analyze(
        &[fixture("aws/authz-small.json")],
        &pack,
        &Options::default(),
    );
    let acceptances = fixture("accept/authz-small-acceptances.json");
    let acceptances = stratoscope::accept::parse_file(&String::from_utf8_lossy(&acceptances.bytes))
        .expect("valid acceptances");
    let applied = stratoscope::accept::apply(&mut report, &acceptances, "2025-01-31");
    assert_eq!(applied.applied.len(), 2, "{applied:?}");
    (report, pack)
}

/// 2025-01-31T00:00:00Z.
const EXPORT_TIME_MS: i64 = 1_738_281_600_000;

#[test]
fn export_csv() {
    let (report, _) = export_fixture();
    insta::assert_snapshot!(
        "export_csv",
        stratoscope::export::findings_csv(&report.findings)
    );
}

#[test]
fn export_sarif() {
    let (report, pack) = export_fixture();
    insta::assert_snapshot!("export_sarif", stratoscope::export::sarif(&report, &pack));
}

#[test]
fn export_ocsf() {
    let (report, pack) = export_fixture();
    insta::assert_snapshot!(
        "export_ocsf",
        stratoscope::export::ocsf_findings(&report, &pack, EXPORT_TIME_MS)
    );
}

#[test]
fn export_html() {
    let (report, pack) = export_fixture();
    insta::assert_snapshot!(
        "export_html",
        stratoscope::export::html_report(&report, &pack, "2025-01-31")
    );
}

#[test]
fn drift_between_fixture_runs() {
    let pack = pack::builtin().expect("built-in pack");
    let side = |rel: &str| {
        let inv = build_inventory(&[fixture(rel)]);
        let report = stratoscope::analyze::evaluate_inventory(&inv, &pack, &Options::default());
        (inv, report)
    };
    let before = side("aws/authz-small.json");
    let after = side("drift/authz-small-later.json");
    let drift = stratoscope::drift::drift((&before.0, &before.1), (&after.0, &after.1));
    insta::assert_snapshot!("drift_authz_small", drift.to_json());
}
