//! The one harness that runs every inline fixture of every rule in the built-in pack through the
//! whole pipeline (decode → detect → normalise → derive → evaluate), exactly as a user's file
//! would go.

use stratoscope::analyze::build_inventory;
use stratoscope::evaluate::evaluate;
use stratoscope::{pack, Input, Outcome};

#[test]
fn every_fixture_yields_its_expected_outcomes() {
    let pack = pack::builtin()
        .unwrap_or_else(|errors| panic!("built-in pack does not parse: {errors:#?}"));
    assert!(!pack.rules.is_empty(), "the built-in pack is empty");
    let mut failures = Vec::new();
    let mut checked = 0;
    for rule in &pack.rules {
        for fixture in &rule.fixtures {
            let inv = build_inventory(&[Input::new(
                format!("{}.json", fixture.name),
                fixture.input.as_bytes(),
            )]);
            for verdict in &inv.inputs {
                if verdict.status != stratoscope::report::InputStatus::Recognized {
                    failures.push(format!(
                        "{} / {:?}: input not recognised: {}",
                        rule.id, fixture.name, verdict.message
                    ));
                }
            }
            for (resource_id, expected) in &fixture.expect {
                let expected = Outcome::parse(expected).expect("validated by the rule parser");
                let Some(resource) = inv
                    .resources
                    .iter()
                    .find(|r| &r.id == resource_id && rule.resource_kinds.contains(&r.kind))
                else {
                    failures.push(format!(
                        "{} / {:?}: no {:?} resource with id {resource_id}",
                        rule.id, fixture.name, rule.resource_kinds
                    ));
                    continue;
                };
                let got = evaluate(rule, resource, &rule.parameters);
                checked += 1;
                if got.outcome != expected {
                    failures.push(format!(
                        "{} / {:?}: {resource_id}: expected {expected}, got {} ({}; evidence: {:?})",
                        rule.id, fixture.name, got.outcome, got.message, got.evidence.iter().map(|e| &e.note).collect::<Vec<_>>()
                    ));
                }
                if got.outcome == Outcome::Fail && got.message.contains('{') {
                    failures.push(format!(
                        "{} / {:?}: message has an unfilled placeholder: {}",
                        rule.id, fixture.name, got.message
                    ));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} fixture expectation(s) failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(checked > 0);
    eprintln!(
        "checked {checked} fixture expectations across {} rules",
        pack.rules.len()
    );
}
