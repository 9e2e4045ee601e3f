//! What the integration tests share: where the shared corpus is (and the skip when it is not),
//! reading files so a failure names the file, our own fixtures, and the built-in pack parsed once.
//! Each test file is its own crate and uses only part of this module, hence the `dead_code` allow.
#![allow(dead_code)]

use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use stratoscope::analyze::{build_inventory, Inventory};
use stratoscope::evaluate::{evaluate, Evaluation};
use stratoscope::report::InputStatus;
use stratoscope::{pack, Input, Resource, RulePack};

/// The shared corpus of real public exports: `STRATOSCOPE_CORPUS`, or `../shared/corpus` beside
/// the checkout. `None`, after saying on stderr where it looked, when it is absent, so callers
/// skip with `let Some(corpus) = common::corpus() else { return };`. Corpus files are read in
/// place and never copied into the repository.
pub fn corpus() -> Option<PathBuf> {
    let dir = std::env::var_os("STRATOSCOPE_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"));
    if dir.join("SOURCES.md").is_file() {
        Some(dir)
    } else {
        eprintln!(
            "SKIPPED: corpus absent at {} (set STRATOSCOPE_CORPUS to point at it)",
            dir.display()
        );
        None
    }
}

/// The exports in `dir` (not below it) whose file name `keep` accepts, sorted: `.json` files,
/// without the corpus's `expected.json` and `*.expected.json` statements of expected results.
pub fn json_files(dir: &Path, keep: impl Fn(&str) -> bool) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| rd.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    out.retain(|p| {
        let name = file_name(p);
        name.ends_with(".json")
            && name != "expected.json"
            && !name.ends_with(".expected.json")
            && keep(name)
    });
    out.sort();
    out
}

/// The last component of `path`, or `?` when it has none that is UTF-8.
pub fn file_name(path: &Path) -> &str {
    path.file_name().and_then(|n| n.to_str()).unwrap_or("?")
}

/// The bytes of `path`; a failure names the file.
pub fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The JSON document at `path`; a failure names the file.
pub fn json_at(path: &Path) -> Value {
    serde_json::from_slice(&read(path)).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The file at `path` as an input named by its file name, as a user would drop it.
pub fn input(path: &Path) -> Input {
    Input::new(file_name(path), read(path))
}

/// Our own sanitised fixture `tests/fixtures/<rel>`, as an input named `name`.
pub fn fixture(rel: &str, name: &str) -> Input {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(rel);
    Input::new(name, read(&path))
}

/// The inventory of one input, which must be recognised.
pub fn recognised_inventory(input: Input) -> Inventory {
    let inv = build_inventory(&[input]);
    recognised(&inv);
    inv
}

/// Every input of `inv` is recognised.
pub fn recognised(inv: &Inventory) {
    for v in &inv.inputs {
        assert_eq!(
            v.status,
            InputStatus::Recognized,
            "{}: {}",
            v.name,
            v.message
        );
    }
}

/// A collector bundle for one account in us-east-1, assembled from bundle `outputs` entries.
pub fn bundle(name: impl Into<String>, account: &str, outputs: Vec<Value>) -> Input {
    let doc = json!({"format": "stratoscope-aws-bundle", "format_version": 1,
        "manifest": {"account_id": account, "partition": "aws", "regions": ["us-east-1"]},
        "outputs": outputs});
    Input::new(name, doc.to_string())
}

/// The built-in pack, parsed once: the tests ask for dozens of outcomes.
pub fn builtin() -> &'static RulePack {
    static PACK: OnceLock<RulePack> = OnceLock::new();
    PACK.get_or_init(|| pack::builtin().expect("built-in pack"))
}

/// The built-in rule `rule` (id or name) on `r`, with the rule's own parameters.
pub fn evaluation(rule: &str, r: &Resource) -> Evaluation {
    let rule = builtin()
        .get(rule)
        .unwrap_or_else(|| panic!("no rule {rule}"));
    evaluate(rule, r, &rule.parameters)
}
