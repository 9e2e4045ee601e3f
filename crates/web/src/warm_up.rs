//! Warming the engine before the user's first file.
//!
//! A browser runs freshly loaded wasm on its baseline compiler (V8's Liftoff) and recompiles a
//! function with its optimising compiler only once that function has run for a while. A first
//! analysis in a fresh page therefore ran 2–3× slower than a second one of the same file
//! (measured on the 10 MB bundle: 1.3 s against 0.56 s of engine time), and most of a 10 MB
//! export was analysed before the hot code was optimised. So the worker, once it has said
//! `ready` and while the page sends it nothing, analyses the built-in demo scenarios
//! [`ROUNDS`] times, as the page would have them analysed, and throws the results away. That
//! takes 2–3 s on the 2-core machine, one core busy most of it, while the user is still picking
//! files.
//!
//! The scenarios are the warm-up because they are real export formats of every kind the page
//! takes (authorization details, collector bundles) that ship in the worker anyway; they are not
//! the benchmark's inputs, so the benchmark does not measure code warmed on its own data.

use crate::scenarios::SCENARIOS;
use stratoscope::{Input, Options, RulePack};

/// Rounds of every scenario. Measured on the 2-core machine: 80 rounds brought the 10 MB
/// bundle from 1.29 to 0.45 s of engine time and the 5,000-role export from 1.53 to 0.44 s (as
/// fast as a second run of the same file in one page); 10 rounds did about half of that.
pub const ROUNDS: u32 = 100;

/// A slow machine stops warming after this long rather than keep a core busy.
pub const LIMIT_MS: f64 = 5_000.0;

/// One round: each scenario analysed on its own, and its report split for the page as the
/// worker would send it. Returns the number of findings made, so a round that did no work shows.
pub fn round(pack: &RulePack) -> usize {
    let options = Options::default();
    SCENARIOS
        .iter()
        .map(|scenario| {
            let inputs = scenario
                .files
                .iter()
                .map(|f| Input::new(f.name, f.bytes.to_vec()))
                .collect();
            let (mut report, _, _) =
                crate::analysis::analyze_inputs_kept(inputs, pack, &options, &mut |_| {});
            let findings = report.findings.len();
            // The split is part of every real job; its result is what gets thrown away.
            let _ =
                crate::transfer::split_each(&mut report, crate::transfer::FINDINGS_PER_SLICE, drop);
            findings
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::load_builtin;

    #[test]
    fn a_round_analyses_every_scenario_and_makes_findings() {
        let pack = load_builtin();
        let first = round(&pack.pack);
        assert!(first > SCENARIOS.len(), "{first} findings");
        // Deterministic: every round does the same work.
        assert_eq!(round(&pack.pack), first);
    }
}
