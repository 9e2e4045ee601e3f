//! `cargo xtask bench`: generates synthetic exports in several sizes, scans each natively (and,
//! with a built `dist/`, in headless Chromium), and prints one table. Each measurement runs in a
//! fresh child process so peak memory (VmHWM) belongs to that one input.

use crate::gen;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// A named input and the function that makes it.
type Spec = (&'static str, Box<dyn Fn() -> Vec<u8>>);

pub struct Case {
    pub name: &'static str,
    pub file: PathBuf,
}

/// Writes the inputs (once; reused when present with the same size) and returns them.
pub fn prepare(dir: &Path, quick: bool) -> Result<Vec<Case>, String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut specs: Vec<Spec> = vec![
        (
            "1k resources",
            Box::new(|| to_vec(&gen::authorization_details(1_000, None, None, 7))),
        ),
        (
            "10k resources",
            Box::new(|| to_vec(&gen::authorization_details(10_000, None, None, 11))),
        ),
        (
            "5k roles + 5k policies",
            Box::new(|| {
                to_vec(&gen::authorization_details(
                    11_000,
                    Some(5_000),
                    Some(5_000),
                    13,
                ))
            }),
        ),
    ];
    if !quick {
        specs.push((
            "100k resources",
            Box::new(|| to_vec(&gen::authorization_details(100_000, None, None, 17))),
        ));
        specs.push((
            "100 MB export",
            Box::new(|| gen::authorization_details_of_size(100 * 1024 * 1024, 19)),
        ));
    }
    let mut cases = Vec::new();
    for (name, make) in specs {
        let file = dir.join(format!(
            "{}.json",
            name.replace(' ', "-").replace('+', "and")
        ));
        if !file.exists() {
            eprintln!("generating {name} → {}", file.display());
            std::fs::write(&file, make()).map_err(|e| format!("{}: {e}", file.display()))?;
        }
        cases.push(Case { name, file });
    }
    Ok(cases)
}

fn to_vec(v: &Value) -> Vec<u8> {
    serde_json::to_vec(v).unwrap_or_default()
}

/// Peak resident set size of this process, in bytes (Linux).
fn peak_rss() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace()
        .nth(1)?
        .parse::<u64>()
        .ok()
        .map(|kb| kb * 1024)
}

/// Child-process entry: measure one file, print one JSON line.
pub fn measure_one(file: &Path, floor: bool) -> Result<(), String> {
    let bytes = std::fs::read(file).map_err(|e| format!("{}: {e}", file.display()))?;
    if floor {
        let t = Instant::now();
        let v: Value = serde_json::from_slice(&bytes).map_err(|e| e.to_string())?;
        let parse_ms = t.elapsed().as_secs_f64() * 1e3;
        drop(v);
        println!("{}", json!({"parse_ms": parse_ms}));
        return Ok(());
    }
    let pack = stratoscope::pack::builtin().map_err(|e| format!("{e:?}"))?;
    let size = bytes.len();
    let t = Instant::now();
    let inv =
        stratoscope::analyze::build_inventory(&[stratoscope::Input::new("bench.json", bytes)]);
    let normalise_ms = t.elapsed().as_secs_f64() * 1e3;
    let t = Instant::now();
    let report =
        stratoscope::analyze::evaluate_inventory(&inv, &pack, &stratoscope::Options::default());
    let evaluate_ms = t.elapsed().as_secs_f64() * 1e3;
    println!(
        "{}",
        json!({
            "bytes": size, "resources": report.summary.resources, "rules": report.summary.rules_evaluated,
            "evaluations": report.summary.outcomes.fail + report.summary.outcomes.pass + report.summary.outcomes.unknown + report.summary.outcomes.not_applicable,
            "findings": report.findings.len(), "normalise_ms": normalise_ms, "evaluate_ms": evaluate_ms, "peak_bytes": peak_rss(),
        })
    );
    Ok(())
}

fn child(file: &Path, floor: bool) -> Result<Value, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let mut cmd = Command::new(exe);
    cmd.arg("bench-one").arg(file);
    if floor {
        cmd.arg("--floor");
    }
    let out = cmd.output().map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(format!(
            "measuring {} failed: {}",
            file.display(),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    serde_json::from_slice(&out.stdout).map_err(|e| format!("bad child output: {e}"))
}

/// One row of native figures.
pub struct Native {
    pub mb: f64,
    pub resources: u64,
    pub rules: u64,
    pub normalise_ms: f64,
    pub evaluate_ms: f64,
    pub total_ms: f64,
    pub peak_mb: f64,
    pub floor_ms: f64,
}

pub fn native(case: &Case) -> Result<Native, String> {
    let floor = child(&case.file, true)?;
    let m = child(&case.file, false)?;
    let f = |k: &str| m[k].as_f64().unwrap_or(0.0);
    let normalise_ms = f("normalise_ms");
    let evaluate_ms = f("evaluate_ms");
    Ok(Native {
        mb: f("bytes") / 1_048_576.0,
        resources: m["resources"].as_u64().unwrap_or(0),
        rules: m["rules"].as_u64().unwrap_or(0),
        normalise_ms,
        evaluate_ms,
        total_ms: normalise_ms + evaluate_ms,
        peak_mb: f("peak_bytes") / 1_048_576.0,
        floor_ms: floor["parse_ms"].as_f64().unwrap_or(0.0),
    })
}
