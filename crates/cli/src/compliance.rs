//! `--framework` and `--settings`: a report narrowed to one compliance framework with its control
//! table, the rule-to-control mapping, and rule parameter settings read from a file.

use serde_json::json;
use std::fmt::Write as _;
use std::path::Path;
use stratoscope::frameworks::{self, ControlStatus, Decidability, Framework, FrameworkSummary};
use stratoscope::{Options, Report, RulePack};

/// The built-in framework with this id, or an error listing the known ids.
pub fn framework(id: &str) -> Result<Framework, String> {
    let all = frameworks::builtin().map_err(|errors| {
        let list: Vec<String> = errors.iter().map(|e| format!("  {e}")).collect();
        format!("built-in frameworks are invalid:\n{}", list.join("\n"))
    })?;
    let known: Vec<String> = all.iter().map(|f| f.id.clone()).collect();
    all.into_iter().find(|f| f.id == id).ok_or_else(|| {
        format!(
            "no framework {id:?}; known frameworks: {}",
            known.join(", ")
        )
    })
}

/// Keeps only the findings mapped to `framework` and that framework's compliance summary, so
/// the output (and the exit status) are about that framework alone.
pub fn restrict(report: &mut Report, framework: &str) {
    report
        .findings
        .retain(|f| f.frameworks().get(framework).is_some_and(|c| !c.is_empty()));
    report.compliance.retain(|c| c.framework == framework);
}

/// Reads a settings file (TOML) into analysis options, validated against the pack.
pub fn load_settings(path: &Path, pack: &RulePack) -> Result<Options, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read settings file {}: {e}", path.display()))?;
    stratoscope::settings::parse(&path.display().to_string(), &text, pack)
        .map_err(|e| format!("invalid settings: {e}"))
}

fn score_text(s: &FrameworkSummary) -> String {
    s.score.map_or_else(
        || "no score (no control could be measured)".to_string(),
        |v| format!("score {:.0}%", v * 100.0),
    )
}

/// The control table printed after the findings.
pub fn table_text(s: &FrameworkSummary) -> String {
    let mut out = String::new();
    let c = &s.counts;
    let _ = writeln!(
        out,
        "\nCompliance: {} {} ({})\n  {}: {} pass, {} fail, {} unknown (passed / measured); {} manual, {} not evaluable, {} without a rule yet\n  The findings above are those mapped to {}; the summary line counts every rule.",
        s.name, s.version, s.framework, score_text(s), c.pass, c.fail, c.unknown, c.manual, c.not_evaluable, c.no_rule, s.framework
    );
    let _ = writeln!(
        out,
        "\n  {:<14} {:<14} {:>7}  {:<40} title",
        "control", "status", "failing", "rules"
    );
    for r in &s.controls {
        let id = if r.in_standard {
            r.id.clone()
        } else {
            format!("{}*", r.id)
        };
        let failing = if r.failing > 0 {
            r.failing.to_string()
        } else {
            String::new()
        };
        let rules = if r.rules.is_empty() {
            "-".to_string()
        } else {
            r.rules.join(",")
        };
        let _ = writeln!(
            out,
            "  {:<14} {:<14} {:>7}  {:<40} {}",
            id,
            r.status.as_str(),
            failing,
            rules,
            r.title
        );
        match (r.status, &r.check, &r.reason) {
            (ControlStatus::Manual, Some(check), _) => {
                let _ = writeln!(out, "  {:<14} check: {check}", "");
            }
            (ControlStatus::NotEvaluable, _, Some(reason)) => {
                let _ = writeln!(out, "  {:<14} reason: {reason}", "");
            }
            _ => {}
        }
    }
    if s.controls.iter().any(|r| !r.in_standard) {
        let _ = writeln!(
            out,
            "\n  * listed so rules can cite it, but not part of this standard; not counted or scored"
        );
    }
    out
}

fn decidability(d: Decidability) -> &'static str {
    match d {
        Decidability::Config => "config",
        Decidability::Manual => "manual",
        Decidability::NotEvaluable => "not_evaluable",
    }
}

/// `stratoscope rules --framework X`: which rules automate which control.
pub fn mapping_text(fw: &Framework, pack: &RulePack) -> String {
    let rules = fw.rules_by_control(pack);
    let mut out = format!("{} {} ({})\n\n", fw.name, fw.version, fw.id);
    for c in &fw.controls {
        let by = match (c.decidability, rules.get(&c.id)) {
            (_, Some(ids)) => ids.join(", "),
            (Decidability::Config, None) => "no rule yet".to_string(),
            (_, None) => String::new(),
        };
        let _ = writeln!(
            out,
            "{:<14} {:<13} {:<40} {}",
            c.id,
            decidability(c.decidability),
            by,
            c.title
        );
    }
    let automated = fw
        .controls
        .iter()
        .filter(|c| rules.contains_key(&c.id))
        .count();
    let _ = writeln!(
        out,
        "\n{automated} of {} controls are automated by the pack.",
        fw.controls.len()
    );
    out
}

pub fn mapping_json(fw: &Framework, pack: &RulePack) -> String {
    let rules = fw.rules_by_control(pack);
    let controls: Vec<_> = fw
        .controls
        .iter()
        .map(|c| {
            json!({
                "id": c.id, "title": c.title, "section": c.section, "level": c.level,
                "status": decidability(c.decidability), "check": c.check, "reason": c.reason,
                "in_standard": c.in_standard, "rules": rules.get(&c.id).cloned().unwrap_or_default(),
            })
        })
        .collect();
    serde_json::to_string_pretty(&json!({
        "framework": fw.id, "name": fw.name, "version": fw.version, "source": fw.source,
        "note": fw.note, "controls": controls,
    }))
    .unwrap_or_default()
}
