//! The framework files against the rule pack: every control a rule cites exists and is one the
//! framework says configuration can decide. The `config` controls that no rule automates yet are
//! printed (not failed), so the coverage gap stays visible in test output.

use stratoscope::frameworks::{self, Decidability};
use stratoscope::pack;

#[test]
fn every_cited_control_exists_and_is_decidable_from_configuration() {
    let pack = pack::builtin().unwrap_or_else(|e| panic!("built-in pack: {e:#?}"));
    let fws = frameworks::builtin().unwrap_or_else(|e| panic!("built-in frameworks: {e:#?}"));
    let mut problems = Vec::new();
    for fw in &fws {
        let expected = format!("frameworks/{}.toml", fw.id);
        if fw.origin != expected {
            problems.push(format!(
                "{}: framework {} should be in {expected}",
                fw.origin, fw.id
            ));
        }
    }
    for rule in &pack.rules {
        for (fw_id, controls) in &rule.frameworks {
            let Some(fw) = fws.iter().find(|f| &f.id == fw_id) else {
                let known: Vec<&str> = fws.iter().map(|f| f.id.as_str()).collect();
                problems.push(format!(
                    "policies/{} ({}): unknown framework {fw_id:?}; known: {known:?}",
                    rule.origin, rule.id
                ));
                continue;
            };
            for id in controls {
                match fw.control(id) {
                    None => problems.push(format!(
                        "policies/{} ({}): cites {fw_id} control {id:?}, which policies/{} does not list",
                        rule.origin, rule.id, fw.origin
                    )),
                    Some(c) if c.decidability != Decidability::Config => problems.push(format!(
                        "policies/{} ({}): cites {fw_id} {id}, which policies/{} marks {:?}; if a rule decides it, mark it config",
                        rule.origin, rule.id, fw.origin, c.decidability
                    )),
                    Some(_) => {}
                }
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{} problem(s):\n{}",
        problems.len(),
        problems.join("\n")
    );

    // The gap: printed for whoever runs the tests (`cargo test --test frameworks -- --nocapture`).
    for fw in &fws {
        let cited = fw.rules_by_control(&pack);
        let gaps: Vec<&str> = fw
            .controls
            .iter()
            .filter(|c| c.decidability == Decidability::Config && !cited.contains_key(&c.id))
            .map(|c| c.id.as_str())
            .collect();
        let automatable = fw
            .controls
            .iter()
            .filter(|c| c.decidability == Decidability::Config)
            .count();
        println!(
            "{}: {} of {automatable} config-decidable controls have no rule yet: {}",
            fw.id,
            gaps.len(),
            gaps.join(", ")
        );
    }
}
