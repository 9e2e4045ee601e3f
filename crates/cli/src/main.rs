//! `stratoscope`: the engine as a command for pipelines and batches. Same rules, same results as
//! the browser app; only reading files and printing are added here.

mod access;
mod clock;
mod compliance;
mod output;

/// See `stratoscope_native_alloc` for why this allocator.
#[global_allocator]
static ALLOCATOR: stratoscope_native_alloc::Allocator = stratoscope_native_alloc::Allocator {};

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use stratoscope::analyze::Inventory;
use stratoscope::{pack, Input, Options, RulePack, Severity};

#[derive(Parser)]
#[command(
    name = "stratoscope",
    version,
    about = "Explain cloud misconfigurations in exported configuration, offline."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Most threads to read and evaluate with (default, or 0: every core this process may
    /// use, up to 8). Results are the same on any number.
    #[arg(long, global = true, value_name = "N")]
    jobs: Option<usize>,
}

#[derive(Subcommand)]
enum Command {
    /// Scan export files (or directories of them; `-` reads standard input).
    ///
    /// Exit status: 0 when no failing finding is at or above --min-severity, 1 when there is
    /// one, 2 on a usage error or when no input could be read and recognised.
    Scan {
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        /// text and json for people and pipelines; csv (findings, one per row), sarif (code
        /// scanning dashboards), ocsf (SIEMs: OCSF 1.1 Detection Findings), html (a printable,
        /// self-contained report).
        #[arg(long, value_enum, default_value_t = ScanFormat::Text)]
        format: ScanFormat,
        /// Report only findings mapped to this framework (cis-aws-5.0, fsbp) and print its
        /// control table; the exit status then counts only those findings.
        #[arg(long, value_name = "ID")]
        framework: Option<String>,
        #[command(flatten)]
        eval: EvalArgs,
    },
    /// Compare a baseline with a current set of exports: new, resolved and unchanged findings,
    /// added and removed resources, and changed attributes.
    ///
    /// Exit status: 0 when no new open failing finding is at or above --min-severity, 1 when
    /// there is one, 2 on a usage error or when either side has no recognised input.
    Drift {
        /// Export files (or directories) of the earlier run.
        #[arg(long, required = true, num_args = 1.., value_name = "FILE")]
        baseline: Vec<PathBuf>,
        /// Export files (or directories) of the later run.
        #[arg(long, required = true, num_args = 1.., value_name = "FILE")]
        current: Vec<PathBuf>,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        #[command(flatten)]
        eval: EvalArgs,
    },
    /// List the rule pack with its metadata, or with --framework which rules automate which
    /// control.
    Rules {
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        #[arg(long, value_name = "ID")]
        framework: Option<String>,
    },
    /// Review access: what a principal can do (`--principal NAME|ARN`), or who can act on a
    /// resource (`--resource ARN`), from the same export files `scan` reads.
    Access {
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        #[arg(
            long,
            value_name = "NAME|ARN",
            conflicts_with = "resource",
            required_unless_present = "resource"
        )]
        principal: Option<String>,
        #[arg(long, value_name = "ARN")]
        resource: Option<String>,
        #[arg(long, value_enum, default_value_t = AccessFormat::Text)]
        format: AccessFormat,
    },
    /// Print one rule's explanation, remediation and references.
    Explain {
        /// Rule id (STRAT-AWS-IAM-001) or name (iam-policy-full-admin-attached).
        rule: String,
    },
}

/// Options shared by the commands that evaluate exports (`scan`, and `drift` for both runs).
#[derive(Args)]
struct EvalArgs {
    /// Lowest severity of an open failing finding (for `drift`: of a new one) that makes the
    /// exit status 1.
    #[arg(long, value_name = "S", default_value = "info", value_parser = parse_severity)]
    min_severity: Severity,
    /// Extra rule files (TOML) to evaluate beside the built-in pack.
    #[arg(long = "rules", value_name = "FILE")]
    rule_files: Vec<PathBuf>,
    /// Accepted risks (a `stratoscope_acceptances` JSON file). Covered findings stay in the
    /// output, flagged, and no longer count towards the exit status; expired acceptances are
    /// ignored (judged by today's date) and listed on standard error.
    #[arg(long, value_name = "FILE")]
    accepted: Option<PathBuf>,
    /// Settings file (TOML) overriding rule parameters:
    /// `[parameters."STRAT-AWS-IAM-007"] sensitive_services = ["iam", "kms"]`.
    #[arg(long, value_name = "FILE")]
    settings: Option<PathBuf>,
}

/// What `EvalArgs` loads: the rule pack, the parameter settings and the acceptances.
struct Loaded {
    pack: RulePack,
    options: Options,
    acceptances: Option<Vec<stratoscope::accept::Acceptance>>,
}

impl EvalArgs {
    fn load(&self) -> Result<Loaded, String> {
        let pack = load_pack(&self.rule_files)?;
        let options = match &self.settings {
            Some(path) => compliance::load_settings(path, &pack)?,
            None => Options::default(),
        };
        let acceptances = self.accepted.as_deref().map(load_acceptances).transpose()?;
        Ok(Loaded {
            pack,
            options,
            acceptances,
        })
    }
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum AccessFormat {
    Text,
    Json,
    Csv,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ScanFormat {
    Text,
    Json,
    Csv,
    Sarif,
    Ocsf,
    Html,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Text,
    Json,
}

fn parse_severity(s: &str) -> Result<Severity, String> {
    Severity::parse(s)
        .ok_or_else(|| format!("{s:?} is not one of critical, high, medium, low, info"))
}

/// Writes to standard output. A closed pipe (`stratoscope rules | head`) is how a reader says
/// "enough", not an error: stop quietly instead of panicking like `print!` does.
fn emit(text: impl AsRef<str>) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    if let Err(e) = out
        .write_all(text.as_ref().as_bytes())
        .and_then(|()| out.flush())
    {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("stratoscope: cannot write the output: {e}");
        std::process::exit(2);
    }
}

fn emitln(text: String) {
    emit(text + "\n");
}

fn main() -> ExitCode {
    stratoscope_native_alloc::tune();
    let cli = Cli::parse();
    if let Some(jobs) = cli.jobs {
        stratoscope::parallel::set_limit(jobs);
    }
    match run(cli) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("stratoscope: {message}");
            ExitCode::from(2)
        }
    }
}

/// The built-in rules without their fixtures (which only the test suite runs), read from the
/// JSON the build made of them: parsing the TOML, half of it fixtures, was 85 % of the
/// instructions of a scan of a small export. Then the `--rules` files.
fn load_pack(extra: &[PathBuf]) -> Result<RulePack, String> {
    let mut pack = pack::builtin_lean()
        .map_err(|errors| format!("built-in rule pack is invalid:\n{}", join_errors(&errors)))?;
    let mut rules = Vec::new();
    let mut errors = Vec::new();
    for path in extra {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read rule file {}: {e}", path.display()))?;
        match stratoscope::Rule::parse(&path.display().to_string(), &text) {
            Ok(rule) => rules.push(rule),
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        pack.add(rules).map_err(|errors| join_errors(&errors))?;
        Ok(pack)
    } else {
        Err(format!("invalid rule file(s):\n{}", join_errors(&errors)))
    }
}

fn load_acceptances(path: &Path) -> Result<Vec<stratoscope::accept::Acceptance>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read acceptances {}: {e}", path.display()))?;
    stratoscope::accept::parse_file(&text).map_err(|errors| {
        let lines: Vec<String> = errors.iter().map(|e| format!("  {e}")).collect();
        format!(
            "invalid acceptances file {}:\n{}",
            path.display(),
            lines.join("\n")
        )
    })
}

fn join_errors(errors: &[stratoscope::rules::RuleError]) -> String {
    errors
        .iter()
        .map(|e| format!("  {e}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Reads files, expanding directories (sorted, so results do not depend on the file system's
/// order). Unreadable files become error verdicts rather than aborting the scan.
fn read_inputs(paths: &[PathBuf]) -> (Vec<Input>, Vec<String>) {
    let mut inputs = Vec::new();
    let mut errors = Vec::new();
    let mut stack: Vec<PathBuf> = paths.iter().rev().cloned().collect();
    while let Some(path) = stack.pop() {
        if path == Path::new("-") {
            let mut bytes = Vec::new();
            match std::io::stdin().read_to_end(&mut bytes) {
                Ok(_) => inputs.push(Input::new("<stdin>", bytes)),
                Err(e) => errors.push(format!("<stdin>: {e}")),
            }
            continue;
        }
        if path.is_dir() {
            match std::fs::read_dir(&path) {
                Ok(entries) => {
                    let mut children: Vec<PathBuf> = entries
                        .flatten()
                        .map(|e| e.path())
                        .filter(|p| p.is_dir() || is_export_name(p))
                        .collect();
                    children.sort();
                    stack.extend(children.into_iter().rev());
                }
                Err(e) => errors.push(format!("{}: {e}", path.display())),
            }
            continue;
        }
        match std::fs::read(&path) {
            Ok(bytes) => inputs.push(Input::new(path.display().to_string(), bytes)),
            Err(e) => errors.push(format!("{}: {e}", path.display())),
        }
    }
    (inputs, errors)
}

fn is_export_name(p: &Path) -> bool {
    p.extension().and_then(|e| e.to_str()).is_some_and(|e| {
        matches!(
            e.to_ascii_lowercase().as_str(),
            "json" | "ndjson" | "jsonl" | "gz" | "zip" | "csv"
        )
    })
}

/// Reads, analyses and (when given) applies acceptances to one set of export files, printing
/// unreadable files and acceptance warnings on standard error with `label` in front.
fn evaluate_files(
    files: &[PathBuf],
    loaded: &Loaded,
    label: &str,
) -> (Inventory, stratoscope::Report) {
    let pack = &loaded.pack;
    let acceptances = loaded.acceptances.as_deref();
    let (inputs, read_errors) = read_inputs(files);
    for e in &read_errors {
        eprintln!("stratoscope: {label}cannot read {e}");
    }
    let inventory = stratoscope::analyze::build_inventory_from(inputs);
    let mut report = stratoscope::analyze::evaluate_inventory(&inventory, pack, &loaded.options);
    if let Some(list) = acceptances {
        let today = clock::today();
        let outcome = stratoscope::accept::apply(&mut report, list, &today);
        for id in &outcome.expired {
            eprintln!(
                "stratoscope: {label}acceptance {id} expired before {today} and was not applied"
            );
        }
        for id in &outcome.unmatched {
            eprintln!("stratoscope: {label}acceptance {id} matches no finding");
        }
    }
    (inventory, report)
}

/// Frees `value` on a thread of its own while the command goes on: a large account's inventory
/// is millions of small blocks, and dropping it cost 200 M instructions (7 % of a 5,000-role
/// scan's) before the report was even printed. Not joined: if the command ends first, the
/// process's exit takes the rest back. Only for what the command no longer needs.
fn drop_aside<T: Send + 'static>(value: T) {
    // Where no thread can be started, the value is dropped here, with the refused closure.
    let _ = std::thread::Builder::new()
        .name("drop".into())
        .spawn(move || drop(value));
}

/// Whether anything was evaluated; says so on standard error when not (exit status 2).
fn any_recognized(report: &stratoscope::Report) -> bool {
    let recognized = report
        .inputs
        .iter()
        .any(|i| i.status == stratoscope::report::InputStatus::Recognized);
    if !recognized {
        eprintln!("stratoscope: no input could be read and recognised; nothing was evaluated");
    }
    recognized
}

fn render_scan(report: &stratoscope::Report, pack: &RulePack, format: ScanFormat) -> String {
    use stratoscope::export;
    match format {
        ScanFormat::Text => output::text_report(report, pack),
        ScanFormat::Json => report.to_json(),
        ScanFormat::Csv => export::findings_csv(&report.findings),
        ScanFormat::Sarif => export::sarif(report, pack),
        ScanFormat::Ocsf => export::ocsf_findings(report, pack, clock::now_ms()),
        ScanFormat::Html => export::html_report(report, pack, &clock::today()),
    }
}

fn run(cli: Cli) -> Result<ExitCode, String> {
    match cli.command {
        Command::Scan {
            files,
            format,
            framework,
            eval,
        } => {
            let loaded = eval.load()?;
            let framework = framework.map(|id| compliance::framework(&id)).transpose()?;
            let (inventory, mut report) = evaluate_files(&files, &loaded, "");
            drop_aside(inventory);
            if let Some(fw) = &framework {
                compliance::restrict(&mut report, &fw.id);
            }
            emit(render_scan(&report, &loaded.pack, format));
            if format == ScanFormat::Text {
                for summary in framework.iter().flat_map(|_| &report.compliance) {
                    emit(compliance::table_text(summary));
                }
            }
            if !any_recognized(&report) {
                return Ok(ExitCode::from(2));
            }
            Ok(if report.failing_at_least(eval.min_severity) > 0 {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        }
        Command::Drift {
            baseline,
            current,
            format,
            eval,
        } => {
            let loaded = eval.load()?;
            let before = evaluate_files(&baseline, &loaded, "baseline: ");
            let after = evaluate_files(&current, &loaded, "current: ");
            let drift = stratoscope::drift::drift((&before.0, &before.1), (&after.0, &after.1));
            drop_aside((before.0, after.0));
            match format {
                Format::Json => emit(drift.to_json()),
                Format::Text => emit(output::drift_text(&drift)),
            }
            if !any_recognized(&before.1) || !any_recognized(&after.1) {
                return Ok(ExitCode::from(2));
            }
            let new_failing = drift
                .findings
                .new
                .iter()
                .any(|f| f.is_open_failure() && f.severity.at_least(eval.min_severity));
            Ok(if new_failing {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        }
        Command::Rules { format, framework } => {
            // With its fixtures: the JSON listing counts each rule's.
            let pack = pack::builtin().map_err(|errors| {
                format!("built-in rule pack is invalid:\n{}", join_errors(&errors))
            })?;
            match (framework, format) {
                (Some(id), Format::Json) => emitln(compliance::mapping_json(
                    &compliance::framework(&id)?,
                    &pack,
                )),
                (Some(id), Format::Text) => emit(compliance::mapping_text(
                    &compliance::framework(&id)?,
                    &pack,
                )),
                (None, Format::Json) => emitln(output::rules_json(&pack)),
                (None, Format::Text) => emit(output::rules_text(&pack)),
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Access {
            files,
            principal,
            resource,
            format,
        } => {
            let (inputs, read_errors) = read_inputs(&files);
            for e in &read_errors {
                eprintln!("stratoscope: cannot read {e}");
            }
            let inv = stratoscope::analyze::build_inventory(&inputs);
            for i in inv
                .inputs
                .iter()
                .filter(|i| i.status != stratoscope::report::InputStatus::Recognized)
            {
                eprintln!("stratoscope: {}", i.message);
            }
            let format = match format {
                AccessFormat::Text => "text",
                AccessFormat::Json => "json",
                AccessFormat::Csv => "csv",
            };
            let out = match (principal, resource) {
                (Some(who), _) => access::principal(&inv, &who, format)?,
                (None, Some(arn)) => access::resource(&inv, &arn, format)?,
                (None, None) => return Err("give --principal or --resource".into()),
            };
            emit(out);
            Ok(ExitCode::SUCCESS)
        }
        Command::Explain { rule } => {
            let pack = load_pack(&[])?;
            let found = pack
                .get(&rule)
                .ok_or_else(|| format!("no rule {rule:?}; `stratoscope rules` lists them"))?;
            emit(output::explain_text(found));
            Ok(ExitCode::SUCCESS)
        }
    }
}
