//! The bridge to the engine: the built-in rule pack and one analysis run over the loaded files.
//!
//! It runs on the page's thread for now (no Web Worker yet); the caller yields to the browser
//! first so the busy indicator is painted before the engine takes the thread.

use crate::state::LoadedFile;
use stratoscope::analyze::{build_inventory, evaluate_inventory};
use stratoscope::{pack, Input, Options, Report, Rule, RulePack};

/// The demo export, embedded so "Load demo" works offline and from a single-file build without
/// a network request.
pub const DEMO_NAME: &str = "demo-authorization-details.json";
pub const DEMO_BYTES: &[u8] = include_bytes!("../../../www/demo/demo-authorization-details.json");

/// The rule pack the page evaluates, plus any built-in rule files that failed to parse.
#[derive(Debug, Default)]
pub struct PackLoad {
    pub pack: RulePack,
    pub errors: Vec<String>,
}

/// Loads the built-in pack. The pack is validated by the engine's tests, so errors mean a broken
/// build; even then the page keeps every rule that did parse and says which did not, rather
/// than refusing to work.
pub fn load_builtin() -> PackLoad {
    match pack::builtin() {
        Ok(pack) => PackLoad {
            pack,
            errors: Vec::new(),
        },
        Err(errors) => {
            let mut rules: Vec<Rule> = pack::rule_sources()
                .filter_map(|(origin, text)| Rule::parse(origin, text).ok())
                .collect();
            rules.sort_by(|a, b| a.id.cmp(&b.id));
            rules.dedup_by(|a, b| a.id == b.id || a.name == b.name);
            PackLoad {
                pack: RulePack { rules },
                errors: errors.iter().map(ToString::to_string).collect(),
            }
        }
    }
}

/// Where an analysis spent its time, and how large wasm memory grew. Shown to the user and read
/// by `cargo xtask bench` for the in-browser figures.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Timing {
    /// Decode, detect, normalise and derive.
    pub normalise_ms: f64,
    pub evaluate_ms: f64,
    /// Size of the wasm linear memory afterwards. Linear memory never shrinks, so this is the
    /// peak the page has reached so far.
    pub memory_bytes: u64,
}

impl Timing {
    pub fn total_ms(&self) -> f64 {
        self.normalise_ms + self.evaluate_ms
    }
}

/// Milliseconds from the page's high-resolution clock (0 outside a browser, where only the
/// report matters).
fn now_ms() -> f64 {
    #[cfg(target_arch = "wasm32")]
    {
        web_sys::window()
            .and_then(|w| w.performance())
            .map(|p| p.now())
            .unwrap_or(0.0)
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        0.0
    }
}

fn memory_bytes() -> u64 {
    #[cfg(target_arch = "wasm32")]
    {
        use wasm_bindgen::JsCast;
        wasm_bindgen::memory()
            .dyn_into::<js_sys::WebAssembly::Memory>()
            .ok()
            .and_then(|m| m.buffer().dyn_into::<js_sys::ArrayBuffer>().ok())
            .map(|b| b.byte_length() as u64)
            .unwrap_or(0)
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        0
    }
}

/// Analyses every loaded file together, in the order they were loaded.
pub fn analyze_files(files: &[LoadedFile], pack: &RulePack) -> Report {
    analyze_files_timed(files, pack).0
}

/// As [`analyze_files`], measuring the two halves of the pipeline.
pub fn analyze_files_timed(files: &[LoadedFile], pack: &RulePack) -> (Report, Timing) {
    let inputs: Vec<Input> = files
        .iter()
        .map(|f| Input::new(f.name.clone(), f.bytes.to_vec()))
        .collect();
    let start = now_ms();
    let inventory = build_inventory(&inputs);
    drop(inputs);
    let normalised = now_ms();
    let report = evaluate_inventory(&inventory, pack, &Options::default());
    let done = now_ms();
    let timing = Timing {
        normalise_ms: normalised - start,
        evaluate_ms: done - normalised,
        memory_bytes: memory_bytes(),
    };
    (report, timing)
}

#[cfg(test)]
mod tests {
    use super::*;
    use stratoscope::report::InputStatus;

    #[test]
    fn builtin_pack_loads_cleanly() {
        let load = load_builtin();
        assert!(load.errors.is_empty(), "{:?}", load.errors);
        assert!(!load.pack.rules.is_empty());
    }

    #[test]
    fn demo_export_is_recognised_and_has_findings_with_explanations() {
        let load = load_builtin();
        let report = analyze_files(
            &[LoadedFile::new(DEMO_NAME, DEMO_BYTES.to_vec())],
            &load.pack,
        );
        assert_eq!(report.inputs.len(), 1);
        assert_eq!(
            report.inputs[0].status,
            InputStatus::Recognized,
            "{}",
            report.inputs[0].message
        );
        assert!(report.inputs[0].resources > 10);
        assert!(!report.findings.is_empty());
        for f in &report.findings {
            assert_eq!(f.resource.account.as_deref(), Some("123456789012"));
            assert!(
                load.pack.get(&f.rule_id).is_some(),
                "finding names unknown rule {}",
                f.rule_id
            );
        }
    }

    #[test]
    fn a_malformed_file_gets_an_error_verdict_and_others_are_still_analysed() {
        let load = load_builtin();
        let files = [
            LoadedFile::new("broken.json", b"{\"Policies\": [".to_vec()),
            LoadedFile::new(DEMO_NAME, DEMO_BYTES.to_vec()),
        ];
        let report = analyze_files(&files, &load.pack);
        assert_eq!(report.inputs[0].status, InputStatus::Error);
        assert!(report.inputs[0].message.contains("broken.json"));
        assert_eq!(report.inputs[1].status, InputStatus::Recognized);
        assert!(!report.findings.is_empty());
    }
}
