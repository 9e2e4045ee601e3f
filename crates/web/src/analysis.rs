//! The bridge to the engine: the built-in rule pack and one analysis run over the loaded files.
//!
//! In the browser the run happens in a Web Worker ([`crate::worker`]), which reports each
//! [`Stage`] as it starts so the page can show progress; the same code runs on the page's
//! thread when no worker can be started, and natively in the tests.

use crate::state::LoadedFile;
use stratoscope::analyze::{build_inventory_from, evaluate_inventory, Inventory};
use stratoscope::{pack, Input, Options, Report, Rule, RulePack};

/// The demo export, embedded so "Load demo" works offline and from a single-file build without
/// a network request.
pub const DEMO_NAME: &str = "demo-authorization-details.json";
pub const DEMO_BYTES: &[u8] =
    include_bytes!("../demos/overprivileged-account/demo-authorization-details.json");

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
    match pack::builtin_lean() {
        Ok(pack) => PackLoad {
            pack,
            errors: Vec::new(),
        },
        Err(errors) => {
            let mut rules: Vec<Rule> = pack::lean_rules().filter_map(Result::ok).collect();
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
    /// Size of the linear memory of the wasm instance that ran the analysis (the worker's, or
    /// the page's when it ran in the page) afterwards. Linear memory never shrinks, so this is
    /// the peak that instance has reached so far.
    pub memory_bytes: u64,
    /// The same, once normalisation was done: beside [`Timing::memory_bytes`], it says whether
    /// reading and normalising or evaluating and handing the report over set the peak.
    pub normalised_memory_bytes: u64,
    /// The worker taking the files' bytes into its memory, before normalising: with
    /// [`Timing::split_ms`], what the wall time of an analysis holds beside the engine's. Zero
    /// when the page ran the analysis itself.
    pub read_ms: f64,
    /// The worker cutting the report up for the page ([`crate::transfer`]), after evaluating.
    pub split_ms: f64,
}

impl Timing {
    pub fn total_ms(&self) -> f64 {
        self.normalise_ms + self.evaluate_ms
    }
}

/// One step of an analysis run, reported as it starts. The worker posts these to the page,
/// which shows the label and a progress bar at `step` of [`Stage::STEPS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Taking the files' bytes in.
    Reading { files: usize },
    /// Decoding, detecting, normalising and deriving facts.
    Normalising { files: usize },
    /// Evaluating the rule pack over the inventory.
    Evaluating { rules: usize },
    /// The page taking the worker's report in, a slice of findings at a time.
    Preparing { findings: usize },
}

impl Stage {
    /// Steps on the progress bar, one per stage.
    pub const STEPS: u32 = 4;

    /// Position on the progress bar once this stage has started (1-based).
    pub fn step(self) -> u32 {
        match self {
            Stage::Reading { .. } => 1,
            Stage::Normalising { .. } => 2,
            Stage::Evaluating { .. } => 3,
            Stage::Preparing { .. } => 4,
        }
    }

    /// What the busy indicator says.
    pub fn label(self) -> String {
        fn plural(n: usize, one: &str, many: &str) -> String {
            format!("{n} {}", if n == 1 { one } else { many })
        }
        match self {
            Stage::Reading { files } => format!("Reading {}…", plural(files, "file", "files")),
            Stage::Normalising { files } => format!(
                "Decoding and normalising {}…",
                plural(files, "file", "files")
            ),
            Stage::Evaluating { rules } => {
                format!("Evaluating {}…", plural(rules, "rule", "rules"))
            }
            Stage::Preparing { findings } => {
                format!("Preparing {}…", plural(findings, "finding", "findings"))
            }
        }
    }

    /// The stage as a (name, count) pair, which is how it crosses the worker boundary.
    pub fn to_wire(self) -> (&'static str, usize) {
        match self {
            Stage::Reading { files } => ("reading", files),
            Stage::Normalising { files } => ("normalising", files),
            Stage::Evaluating { rules } => ("evaluating", rules),
            Stage::Preparing { findings } => ("preparing", findings),
        }
    }

    /// The inverse of [`Stage::to_wire`]; `None` for a name this version does not know.
    pub fn from_wire(name: &str, count: usize) -> Option<Stage> {
        match name {
            "reading" => Some(Stage::Reading { files: count }),
            "normalising" => Some(Stage::Normalising { files: count }),
            "evaluating" => Some(Stage::Evaluating { rules: count }),
            "preparing" => Some(Stage::Preparing { findings: count }),
            _ => None,
        }
    }
}

/// Milliseconds from the high-resolution clock of the page or the worker, whichever runs this
/// (0 outside a browser, where only the report matters).
pub(crate) fn now_ms() -> f64 {
    #[cfg(target_arch = "wasm32")]
    {
        use wasm_bindgen::JsCast;
        // `performance` exists on both the window and a worker's global scope.
        js_sys::Reflect::get(&js_sys::global(), &"performance".into())
            .ok()
            .and_then(|p| p.dyn_into::<web_sys::Performance>().ok())
            .map(|p| p.now())
            .unwrap_or(0.0)
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        0.0
    }
}

/// Size of this wasm instance's linear memory (the worker's own, when called in the worker).
pub fn memory_bytes() -> u64 {
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

/// Rule parameter overrides by rule id, as the settings carry them and the worker receives them.
pub type Parameters =
    std::collections::BTreeMap<String, std::collections::BTreeMap<String, serde_json::Value>>;

/// Analysis options with these parameter overrides.
pub fn options(parameters: &Parameters) -> Options {
    Options {
        parameters: parameters.clone(),
    }
}

/// Analyses every loaded file together, in the order they were loaded.
pub fn analyze_files(files: &[LoadedFile], pack: &RulePack) -> Report {
    analyze_files_timed(files, pack, &mut |_| {}).0
}

/// As [`analyze_files`], measuring the two halves of the pipeline and reporting each stage to
/// `on_stage` as it starts.
pub fn analyze_files_timed(
    files: &[LoadedFile],
    pack: &RulePack,
    on_stage: &mut dyn FnMut(Stage),
) -> (Report, Timing) {
    let (report, timing, _) = analyze_files_kept(files, pack, &Options::default(), on_stage);
    (report, timing)
}

/// As [`analyze_files_timed`], keeping the inventory (see [`analyze_inputs_kept`]).
pub fn analyze_files_kept(
    files: &[LoadedFile],
    pack: &RulePack,
    options: &Options,
    on_stage: &mut dyn FnMut(Stage),
) -> (Report, Timing, Inventory) {
    on_stage(Stage::Reading { files: files.len() });
    analyze_inputs_kept(held_inputs(files), pack, options, on_stage)
}

/// The files as the engine's inputs, from the bytes this page holds; a file from disk it has
/// not read (see [`crate::state::Content::Disk`]) is empty here, as a file the worker could
/// not read is there.
pub fn held_inputs(files: &[LoadedFile]) -> Vec<Input> {
    files
        .iter()
        .map(|f| {
            Input::new(
                f.name.clone(),
                f.content.bytes().unwrap_or_default().to_vec(),
            )
        })
        .collect()
}

/// The pipeline over inputs that are already in memory (the worker builds them straight from
/// the bytes it was sent, without another copy). Reports [`Stage::Normalising`] and
/// [`Stage::Evaluating`]; the caller reports [`Stage::Reading`]. Hands back the inventory too,
/// for the Resources view's questions. The decoded documents (and where their entries lie) are
/// dropped from it: evidence has quoted them already, and they are the larger half of its memory.
pub fn analyze_inputs_kept(
    inputs: Vec<Input>,
    pack: &RulePack,
    options: &Options,
    on_stage: &mut dyn FnMut(Stage),
) -> (Report, Timing, Inventory) {
    on_stage(Stage::Normalising {
        files: inputs.len(),
    });
    let start = now_ms();
    let inventory = build_inventory_from(inputs);
    let normalised = now_ms();
    let normalised_memory_bytes = memory_bytes();
    on_stage(Stage::Evaluating {
        rules: pack.rules.len(),
    });
    let report = evaluate_inventory(&inventory, pack, options);
    let done = now_ms();
    let mut inventory = inventory;
    inventory.documents.clear();
    inventory.entries.clear();
    let timing = Timing {
        normalise_ms: normalised - start,
        evaluate_ms: done - normalised,
        memory_bytes: memory_bytes(),
        normalised_memory_bytes,
        ..Timing::default()
    };
    (report, timing, inventory)
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
                load.pack.get(f.rule_id()).is_some(),
                "finding names unknown rule {}",
                f.rule_id()
            );
        }
    }

    #[test]
    fn stages_are_reported_in_order_with_their_counts() {
        let load = load_builtin();
        let mut stages = Vec::new();
        let files = [
            LoadedFile::new(DEMO_NAME, DEMO_BYTES.to_vec()),
            LoadedFile::new("x.json", b"{}".to_vec()),
        ];
        analyze_files_timed(&files, &load.pack, &mut |s| stages.push(s));
        assert_eq!(
            stages,
            vec![
                Stage::Reading { files: 2 },
                Stage::Normalising { files: 2 },
                Stage::Evaluating {
                    rules: load.pack.rules.len()
                },
            ]
        );
        let steps: Vec<u32> = stages.iter().map(|s| s.step()).collect();
        assert_eq!(steps, vec![1, 2, 3]);
        assert!(steps.iter().all(|&s| s < Stage::STEPS));
        assert_eq!(Stage::Preparing { findings: 1 }.step(), Stage::STEPS);
    }

    #[test]
    fn stage_labels_and_wire_form() {
        assert_eq!(Stage::Reading { files: 1 }.label(), "Reading 1 file…");
        assert_eq!(
            Stage::Normalising { files: 3 }.label(),
            "Decoding and normalising 3 files…"
        );
        assert_eq!(
            Stage::Evaluating { rules: 57 }.label(),
            "Evaluating 57 rules…"
        );
        assert_eq!(
            Stage::Preparing { findings: 1 }.label(),
            "Preparing 1 finding…"
        );
        for stage in [
            Stage::Reading { files: 2 },
            Stage::Normalising { files: 0 },
            Stage::Evaluating { rules: 9 },
            Stage::Preparing { findings: 7 },
        ] {
            let (name, count) = stage.to_wire();
            assert_eq!(Stage::from_wire(name, count), Some(stage));
        }
        assert_eq!(Stage::from_wire("rendering", 1), None);
    }

    /// The worker sends the report to the page as JSON: it must come back identical.
    #[test]
    fn the_report_survives_the_trip_from_the_worker() {
        let load = load_builtin();
        let files = [
            LoadedFile::new("broken.json", b"{\"Policies\": [".to_vec()),
            LoadedFile::new(DEMO_NAME, DEMO_BYTES.to_vec()),
        ];
        let report = analyze_files(&files, &load.pack);
        let bytes = serde_json::to_vec(&report).expect("serialises");
        let back: Report = serde_json::from_slice(&bytes).expect("deserialises");
        assert_eq!(back, report);
        assert_eq!(back.to_json(), report.to_json());
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
