//! `cargo xtask bench`: generates synthetic exports in several sizes, scans each natively (and,
//! with a built `dist/`, in headless Chromium), and prints one table. Each measurement runs in a
//! fresh child process so peak memory (VmHWM) belongs to that one input.

use crate::gen;
use serde_json::{json, Value};
use std::alloc::{GlobalAlloc, Layout};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

/// A global allocator that counts live and peak heap bytes, so each stage's memory can be
/// attributed (RSS only ever shows the high-water mark of the whole process).
pub struct Counting<A>(pub A);

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn note_alloc(size: usize) {
    let live = LIVE.fetch_add(size, Ordering::Relaxed) + size;
    PEAK.fetch_max(live, Ordering::Relaxed);
}

// SAFETY: every call is forwarded unchanged to the wrapped allocator; the counters are plain
// atomics that allocate nothing.
unsafe impl<A: GlobalAlloc> GlobalAlloc for Counting<A> {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note_alloc(layout.size());
        self.0.alloc(layout)
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        note_alloc(layout.size());
        self.0.alloc_zeroed(layout)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        self.0.dealloc(ptr, layout)
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        note_alloc(new_size);
        self.0.realloc(ptr, layout, new_size)
    }
}

/// Live heap bytes now.
pub fn live_bytes() -> usize {
    LIVE.load(Ordering::Relaxed)
}

/// Live heap now and its peak since the last call, in MiB.
fn heap_mb() -> (f64, f64) {
    let live = LIVE.load(Ordering::Relaxed);
    let peak = PEAK.swap(live, Ordering::Relaxed);
    (live as f64 / 1_048_576.0, peak as f64 / 1_048_576.0)
}

/// CPU time the whole process has run, in ms, every thread's included (evaluation spreads over
/// the cores). Beside the wall time: on a machine shared with other builds, wall time measures
/// the neighbours as much as the engine, and CPU time says what the engine itself spent.
fn cpu_ms() -> f64 {
    let mut t = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `t` is a valid, writable timespec for the call's duration.
    if unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut t) } != 0 {
        return f64::NAN;
    }
    t.tv_sec as f64 * 1e3 + t.tv_nsec as f64 / 1e6
}

/// Milliseconds since `start`.
fn since(start: Instant) -> f64 {
    start.elapsed().as_secs_f64() * 1e3
}

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
        (
            "10 MB bundle",
            Box::new(|| gen::of_size(10 * 1024 * 1024, |n| gen::bundle(n, 29))),
        ),
    ];
    if !quick {
        specs.push((
            "100k resources",
            Box::new(|| to_vec(&gen::authorization_details(100_000, None, None, 17))),
        ));
        specs.push((
            "100 MB authz export",
            Box::new(|| {
                gen::of_size(100 * 1024 * 1024, |n| {
                    gen::authorization_details(n, None, None, 19)
                })
            }),
        ));
        specs.push((
            "100 MB bundle",
            Box::new(|| gen::of_size(100 * 1024 * 1024, |n| gen::bundle(n, 23))),
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
        // The floor is the best of three: a single parse of a large file is at the mercy of page
        // faults and the other core, and a noisy floor makes every ratio meaningless.
        let mut best = f64::INFINITY;
        for _ in 0..3 {
            let t = cpu_ms();
            let v: Value = serde_json::from_slice(&bytes).map_err(|e| e.to_string())?;
            best = best.min(cpu_ms() - t);
            drop(v);
        }
        println!("{}", json!({"parse_ms": best}));
        return Ok(());
    }
    // As the CLI and the web worker load it: without the fixtures, which only tests run.
    let pack = stratoscope::pack::builtin_lean().map_err(|e| format!("{e:?}"))?;
    let size = bytes.len();
    // Given up, as the CLI and the web worker give theirs: the file becomes the inventory's text.
    let input = vec![stratoscope::Input::new("bench.json", bytes)];
    heap_mb();
    let (cpu, wall) = (cpu_ms(), Instant::now());
    let inv = stratoscope::analyze::build_inventory_from(input);
    let normalise_ms = since(wall);
    let (inventory_mb, normalise_peak_mb) = heap_mb();
    let t = Instant::now();
    let report =
        stratoscope::analyze::evaluate_inventory(&inv, &pack, &stratoscope::Options::default());
    let evaluate_ms = since(t);
    let (cpu_ms, wall_ms) = (cpu_ms() - cpu, since(wall));
    let (after_mb, evaluate_peak_mb) = heap_mb();
    // Read before the report is written out below, which is no part of a scan.
    let peak_bytes = peak_rss();
    // Optimisations must not change a byte of the report: `XTASK_BENCH_REPORT=out.json` keeps it
    // for comparing before and after.
    if let Some(out) = std::env::var_os("XTASK_BENCH_REPORT") {
        let text = serde_json::to_vec_pretty(&report).map_err(|e| e.to_string())?;
        std::fs::write(&out, text).map_err(|e| format!("{}: {e}", Path::new(&out).display()))?;
    }
    println!(
        "{}",
        json!({
            "bytes": size, "resources": report.summary.resources, "rules": report.summary.rules_evaluated,
            "evaluations": report.summary.outcomes.fail + report.summary.outcomes.pass + report.summary.outcomes.unknown + report.summary.outcomes.not_applicable,
            "findings": report.findings.len(), "normalise_ms": normalise_ms, "evaluate_ms": evaluate_ms, "wall_ms": wall_ms, "cpu_ms": cpu_ms, "threads": stratoscope::parallel::threads(),
            "peak_bytes": peak_bytes, "heap": {"normalise_peak_mb": normalise_peak_mb, "inventory_mb": inventory_mb,
            "evaluate_peak_mb": evaluate_peak_mb, "inventory_and_report_mb": after_mb},
        })
    );
    Ok(())
}

/// What a child process measures: the engine, or the bare parse with either page setting.
#[derive(Clone, Copy)]
enum Measure {
    Engine,
    Floor { huge_pages: bool },
}

fn child(file: &Path, what: Measure) -> Result<Value, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let mut cmd = Command::new(exe);
    cmd.arg("bench-one").arg(file);
    if let Measure::Floor { huge_pages } = what {
        cmd.arg("--floor");
        if huge_pages {
            cmd.arg("--huge-pages");
        }
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
    /// CPU time of every thread, normalising and evaluating.
    pub cpu_ms: f64,
    pub peak_mb: f64,
    pub floor_ms: f64,
}

pub fn native(case: &Case) -> Result<Native, String> {
    // The faster of the two page settings (see `main`).
    let floor = [true, false]
        .into_iter()
        .map(|huge_pages| child(&case.file, Measure::Floor { huge_pages }))
        .map(|v| v.map(|v| v["parse_ms"].as_f64().unwrap_or(f64::INFINITY)))
        .try_fold(f64::INFINITY, |best, ms| ms.map(|ms| best.min(ms)))?;
    // Best of two runs, each in a fresh process (peak memory stays per run).
    let a = child(&case.file, Measure::Engine)?;
    let b = child(&case.file, Measure::Engine)?;
    let total = |v: &Value| {
        v["normalise_ms"].as_f64().unwrap_or(f64::MAX)
            + v["evaluate_ms"].as_f64().unwrap_or(f64::MAX)
    };
    let m = if total(&a) <= total(&b) { a } else { b };
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
        cpu_ms: f("cpu_ms"),
        peak_mb: f("peak_bytes") / 1_048_576.0,
        floor_ms: floor,
    })
}

/// One row of in-browser figures, as `e2e/bench.mjs` reports them.
pub struct Browser {
    pub file: PathBuf,
    pub normalise_ms: f64,
    pub evaluate_ms: f64,
    pub wall_ms: f64,
    pub memory_mb: f64,
    /// Wasm memory once normalisation was done (memory only grows): where the peak was set.
    pub normalised_memory_mb: f64,
    /// The worker reading the file in, before the engine, and cutting the report up after it.
    pub read_ms: f64,
    pub split_ms: f64,
    pub longest_block_ms: f64,
    /// The worker's warm-up, over before the file went in: rounds and ms after the page loaded.
    pub warm_rounds: f64,
    pub warm_ms: f64,
    pub ok: bool,
}

/// Runs the release build in headless Chromium over every case (needs `dist/`, Node and
/// Chromium, which `scripts/setup.sh` installs).
pub fn browser(root: &Path, cases: &[Case]) -> Result<Vec<Browser>, String> {
    if !root.join("dist/index.html").exists() {
        return Err("dist/ is not built; run `trunk build --release` first".into());
    }
    let out = Command::new("node")
        .arg(root.join("e2e/bench.mjs"))
        .args(cases.iter().map(|c| &c.file))
        .current_dir(root)
        .output()
        .map_err(|e| format!("cannot run node: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "e2e/bench.mjs failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let mut rows = Vec::new();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let Ok(v) = serde_json::from_str::<Value>(line) else {
            continue;
        };
        let f = |k: &str| v[k].as_f64().unwrap_or(f64::NAN);
        rows.push(Browser {
            file: PathBuf::from(v["file"].as_str().unwrap_or_default()),
            normalise_ms: f("normalise_ms"),
            evaluate_ms: f("evaluate_ms"),
            wall_ms: f("wall_ms"),
            memory_mb: f("memory_bytes") / 1_048_576.0,
            normalised_memory_mb: f("normalised_memory_bytes") / 1_048_576.0,
            read_ms: f("read_ms"),
            split_ms: f("split_ms"),
            longest_block_ms: f("longest_block_ms"),
            warm_rounds: f("warm_rounds"),
            warm_ms: f("warm_ms"),
            ok: v["status"] == "recognized" && v["outside_requests"] == 0,
        });
    }
    Ok(rows)
}

fn browser_for<'a>(rows: &'a [Browser], case: &Case) -> Option<&'a Browser> {
    rows.iter()
        .find(|b| b.file.file_name() == case.file.file_name())
}

pub fn table(cases: &[Case], natives: &[Native], browser: &[Browser]) -> String {
    let mut s = format!(
        "\n{:<24} {:>7} {:>9} {:>5} | {:>8} {:>8} {:>8} {:>8} {:>6} {:>7} | {:>8} {:>8} {:>8} {:>8} {:>7} {:>8} | {:>8} {:>6} {:>6}\n",
        "input", "MB", "resources", "rules", "norm ms", "eval ms", "total", "cpu ms", "MB/s", "peak MB", "norm ms", "eval ms", "total", "wall ms", "mem MB", "block ms", "parse ms", "×parse", "×nat"
    );
    s.push_str(&format!(
        "{:<48} | {:^57} | {:^58} | {:^22}\n",
        "", "native", "wasm (headless Chromium)", "floor"
    ));
    for (case, n) in cases.iter().zip(natives) {
        let b = browser_for(browser, case);
        let wasm = match b {
            Some(b) => format!(
                "{:>8.0} {:>8.0} {:>8.0} {:>8.0} {:>7.0} {:>8.0}",
                b.normalise_ms,
                b.evaluate_ms,
                b.normalise_ms + b.evaluate_ms,
                b.wall_ms,
                b.memory_mb,
                b.longest_block_ms
            ),
            None => format!("{:>58}", "(not measured)"),
        };
        let ratio = b
            .map(|b| {
                format!(
                    "{:>6.2}",
                    (b.normalise_ms + b.evaluate_ms) / n.total_ms.max(0.001)
                )
            })
            .unwrap_or_else(|| format!("{:>6}", "-"));
        s.push_str(&format!(
            "{:<24} {:>7.1} {:>9} {:>5} | {:>8.0} {:>8.0} {:>8.0} {:>8.0} {:>6.1} {:>7.0} | {} | {:>8.0} {:>6.2} {}\n",
            case.name,
            n.mb,
            n.resources,
            n.rules,
            n.normalise_ms,
            n.evaluate_ms,
            n.total_ms,
            n.cpu_ms,
            n.mb / (n.total_ms / 1e3).max(1e-9),
            n.peak_mb,
            wasm,
            n.floor_ms,
            n.total_ms / n.floor_ms.max(0.001),
            ratio
        ));
    }
    s.push_str(&format!("\nnative norm, eval and total are wall-clock ms, evaluation on {} threads; cpu = CPU time of all threads;\n", stratoscope::parallel::threads()));
    s.push_str("norm = decode + detect + normalise + derive; parse = serde_json parsing the same file into a Value (the floor: the faster page setting);\n");
    s.push_str("×parse = native total / parse; ×nat = wasm total / native total; block = longest main-thread stall seen by a 10 ms timer.\n");
    if let Some(first) = browser.first() {
        let (low, high) = browser.iter().fold((f64::MAX, 0f64), |(lo, hi), b| {
            (lo.min(b.warm_ms), hi.max(b.warm_ms))
        });
        s.push_str(&format!(
            "wasm: each file went in once the page's worker had warmed up ({:.0} rounds of the demo scenarios, {low:.0}–{high:.0} ms after it started).\n",
            first.warm_rounds
        ));
        let grown: Vec<String> = cases
            .iter()
            .filter_map(|c| {
                browser_for(browser, c).map(|b| {
                    format!(
                        "{} {:.0} → {:.0}",
                        c.name, b.normalised_memory_mb, b.memory_mb
                    )
                })
            })
            .collect();
        s.push_str(&format!(
            "wasm memory once normalised → at the end, MiB: {}.\n",
            grown.join("; ")
        ));
        // What the wall time holds beside the engine: the rest is the file going to the worker,
        // the page taking the report in, and its first paint of it.
        let walls: Vec<String> = cases
            .iter()
            .filter_map(|c| {
                browser_for(browser, c).map(|b| {
                    let engine = b.normalise_ms + b.evaluate_ms;
                    format!(
                        "{} {:.0} = {:.0} + {engine:.0} + {:.0} + {:.0}",
                        c.name,
                        b.wall_ms,
                        b.read_ms,
                        b.split_ms,
                        b.wall_ms - b.read_ms - engine - b.split_ms
                    )
                })
            })
            .collect();
        s.push_str(&format!(
            "wasm wall ms = the worker reading the file + the engine + cutting the report up + the rest (the page): {}.\n",
            walls.join("; ")
        ));
    }
    s
}

/// "met", or by how much the measured figure misses its limit (lower is better).
fn verdict(actual: f64, limit: f64) -> String {
    if actual <= limit {
        "met".to_string()
    } else if limit <= 0.0 {
        // A yes/no target (recognised, measured at all): no factor to give.
        "MISSED".to_string()
    } else {
        // Near the limit one decimal would say "by 1.0×": two there.
        let by = actual / limit;
        let places = if by < 1.1 { 2 } else { 1 };
        format!("MISSED by {by:.places$}×")
    }
}

/// Checks each target from issue 7 and says by how much a missed one is missed.
pub fn targets(cases: &[Case], natives: &[Native], browser: &[Browser]) -> String {
    let mut s = String::from("\nTargets\n");
    // One target: the measured figure against its limit (lower is better).
    let mut line = |actual: f64, limit: f64, text: String| {
        s.push_str(&format!("  {:<15} {text}\n", verdict(actual, limit)))
    };
    for (case, n) in cases.iter().zip(natives) {
        let ratio = n.total_ms / n.floor_ms.max(0.001);
        line(
            ratio,
            3.0,
            format!(
                "{}: native end-to-end {ratio:.2}× the bare parse (target ≤ 3×)",
                case.name
            ),
        );
        let mem = n.peak_mb / n.mb.max(1e-9);
        line(
            mem,
            4.0,
            format!(
                "{}: native peak memory {mem:.1}× the input (target < 4×)",
                case.name
            ),
        );
        if let Some(b) = browser_for(browser, case) {
            let wasm_ratio = (b.normalise_ms + b.evaluate_ms) / n.total_ms.max(0.001);
            line(
                wasm_ratio,
                2.0,
                format!("{}: wasm {wasm_ratio:.2}× native (target ≤ 2×)", case.name),
            );
            let wmem = b.memory_mb / n.mb.max(1e-9);
            line(
                wmem,
                4.0,
                format!(
                    "{}: wasm memory {wmem:.1}× the input (target < 4×)",
                    case.name
                ),
            );
            if !b.ok {
                line(
                    1.0,
                    0.0,
                    format!(
                        "{}: the page did not recognise the file, or made an outside request",
                        case.name
                    ),
                );
            }
        }
        if case.name.starts_with("5k roles") {
            line(
                n.total_ms,
                500.0,
                format!(
                    "{}: native {:.0} ms (target < 500 ms)",
                    case.name, n.total_ms
                ),
            );
        }
        if case.name == "100 MB bundle" {
            match browser_for(browser, case) {
                Some(b) => {
                    line(
                        b.wall_ms,
                        5000.0,
                        format!(
                            "{}: in the browser {:.1} s end to end (target < 5 s)",
                            case.name,
                            b.wall_ms / 1e3
                        ),
                    );
                    line(b.longest_block_ms, 200.0, format!("{}: UI blocked at most {:.0} ms (target: responsive throughout; < 200 ms)", case.name, b.longest_block_ms));
                }
                None => line(
                    1.0,
                    0.0,
                    format!("{}: not measured in the browser", case.name),
                ),
            }
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::verdict;

    #[test]
    fn a_near_miss_says_by_how_much() {
        assert_eq!(verdict(1.9, 2.0), "met");
        assert_eq!(verdict(2.0, 2.0), "met");
        assert_eq!(verdict(2.04, 2.0), "MISSED by 1.02×");
        assert_eq!(verdict(7.8, 5.0), "MISSED by 1.6×");
        assert_eq!(verdict(1.0, 0.0), "MISSED");
    }
}
