//! Text and JSON renderings of reports and rules for the terminal.

use serde_json::json;
use std::fmt::Write as _;
use stratoscope::drift::DriftReport;
use stratoscope::report::{Finding, InputStatus, InputVerdict};
use stratoscope::{Outcome, Report, Rule, RulePack};

/// Long text columns wrap at this width so reports read well in an 100-column terminal.
const WIDTH: usize = 96;

fn wrap(text: &str, indent: &str) -> String {
    let mut out = String::new();
    for para in text.trim().split("\n\n") {
        let mut line = String::new();
        for word in para.split_whitespace() {
            if !line.is_empty() && indent.len() + line.len() + 1 + word.len() > WIDTH {
                let _ = writeln!(out, "{indent}{line}");
                line.clear();
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        if !line.is_empty() {
            let _ = writeln!(out, "{indent}{line}");
        }
        out.push('\n');
    }
    out.pop();
    out
}

fn indent_block(text: &str, indent: &str) -> String {
    text.trim_end()
        .lines()
        .map(|l| format!("{indent}{l}\n"))
        .collect()
}

pub fn text_report(report: &Report, _pack: &RulePack) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "Inputs");
    input_lines(&mut s, &report.inputs);
    let fails = report
        .findings
        .iter()
        .filter(|f| f.is_open_failure())
        .count();
    let accepted = report.summary.accepted;
    let unknown = report.findings.len() - fails - accepted;
    let _ = write!(
        s,
        "\nFindings: {fails} failing, {unknown} not decidable from these exports"
    );
    if accepted > 0 {
        let _ = write!(s, ", {accepted} accepted");
    }
    s.push_str("\n\n");
    for f in &report.findings {
        finding_head(&mut s, f);
        s.push_str(&wrap(&f.message, "      "));
        if let Some(a) = &f.accepted {
            let mut line = format!("accepted as {}: {}", a.acceptance_id, a.reason);
            if let Some(owner) = &a.owner {
                line.push_str(&format!(" (owner {owner})"));
            }
            if let Some(expires) = &a.expires {
                line.push_str(&format!(" until {expires}"));
            }
            s.push_str(&wrap(&line, "      "));
        }
        for e in f.evidence.iter().take(3) {
            let _ = writeln!(s, "      evidence: {}#{}  {}", e.file, e.pointer, e.note);
        }
        if f.evidence.len() > 3 {
            let _ = writeln!(
                s,
                "      … and {} more evidence items (--format json shows all)",
                f.evidence.len() - 3
            );
        }
        s.push('\n');
    }
    let sum = &report.summary;
    let _ = writeln!(
        s,
        "Summary: {} resources, {} rules evaluated; {} fail, {} pass, {} unknown, {} not applicable",
        sum.resources, sum.rules_evaluated, sum.outcomes.fail, sum.outcomes.pass, sum.outcomes.unknown, sum.outcomes.not_applicable
    );
    let sev: Vec<String> = stratoscope::Severity::ALL
        .iter()
        .map(|v| {
            format!(
                "{} {}",
                sum.failing_by_severity
                    .get(v.as_str())
                    .copied()
                    .unwrap_or(0),
                v.as_str()
            )
        })
        .collect();
    let _ = writeln!(s, "Failing by severity: {}", sev.join(", "));
    for hint in report.coverage_hints() {
        let _ = writeln!(s, "Coverage: {hint}");
    }
    s
}

/// The two lines that introduce a finding: state and rule, then the resource.
fn finding_head(s: &mut String, f: &Finding) {
    let label = match (&f.accepted, f.outcome) {
        (Some(_), _) => format!("ACCEPTED {}", f.severity.as_str()),
        (None, Outcome::Fail) => f.severity.as_str().to_uppercase(),
        (None, _) => "UNKNOWN".into(),
    };
    let _ = writeln!(s, "  [{label}] {} {}", f.rule_id(), f.title());
    let _ = writeln!(
        s,
        "      {} {} (account {})",
        f.resource.kind,
        f.resource.name,
        f.resource.account.as_deref().unwrap_or("-")
    );
}

fn input_lines(s: &mut String, inputs: &[InputVerdict]) {
    for i in inputs {
        let mark = match i.status {
            InputStatus::Recognized => "ok     ",
            InputStatus::Ignored => "ignored",
            InputStatus::Error => "ERROR  ",
        };
        let _ = writeln!(s, "  {mark} {}", i.message);
    }
}

/// Attribute values in a drift listing: compact JSON, cut to one readable line.
fn short_value(v: Option<&serde_json::Value>) -> String {
    const MAX: usize = 100;
    match v {
        None => "(absent)".into(),
        Some(v) => {
            let text = v.to_string();
            match text.char_indices().nth(MAX) {
                Some((cut, _)) => format!("{}…", &text[..cut]),
                None => text,
            }
        }
    }
}

pub fn drift_text(d: &DriftReport) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "Baseline");
    input_lines(&mut s, &d.baseline_inputs);
    let _ = writeln!(s, "Current");
    input_lines(&mut s, &d.current_inputs);
    let sum = &d.summary;
    let _ = writeln!(
        s,
        "\nFindings: {} new, {} resolved, {} unchanged ({} of the current ones accepted)",
        sum.new, sum.resolved, sum.unchanged, sum.accepted
    );
    for (title, list) in [("New", &d.findings.new), ("Resolved", &d.findings.resolved)] {
        if list.is_empty() {
            continue;
        }
        let _ = writeln!(s, "\n{title}");
        for f in list {
            finding_head(&mut s, f);
        }
    }
    let _ = writeln!(
        s,
        "\nResources: {} added, {} removed, {} changed",
        sum.resources_added, sum.resources_removed, sum.resources_changed
    );
    for (mark, list) in [("+", &d.resources.added), ("-", &d.resources.removed)] {
        for r in list {
            let _ = writeln!(s, "  {mark} {} {}  {}", r.kind, r.name, r.id);
        }
    }
    for c in &d.resources.changed {
        let r = &c.resource;
        let _ = writeln!(s, "  ~ {} {}  {}", r.kind, r.name, r.id);
        for change in &c.changes {
            let _ = writeln!(
                s,
                "      {}: {} → {}",
                change.path,
                short_value(change.before.as_ref()),
                short_value(change.after.as_ref())
            );
        }
    }
    s
}

pub fn rules_json(pack: &RulePack) -> String {
    let rules: Vec<_> = pack
        .rules
        .iter()
        .map(|r| {
            json!({
                "id": r.id, "name": r.name, "title": r.title, "severity": r.severity, "provider": r.provider,
                "service": r.service, "resource_kinds": r.resource_kinds, "categories": r.categories,
                "frameworks": r.frameworks, "parameters": r.parameters, "explanation": r.explanation,
                "remediation": r.remediation, "references": r.references, "fixtures": r.fixtures.len(),
                "origin": r.origin,
            })
        })
        .collect();
    serde_json::to_string_pretty(&json!({ "rules": rules })).unwrap_or_default()
}

pub fn rules_text(pack: &RulePack) -> String {
    let mut s = String::new();
    for r in &pack.rules {
        let fw: Vec<String> = r
            .frameworks
            .iter()
            .map(|(k, v)| format!("{k} {}", v.join(",")))
            .collect();
        let _ = writeln!(
            s,
            "{:<20} {:<9} {:<50} {}",
            r.id,
            r.severity.as_str(),
            r.name,
            fw.join("; ")
        );
    }
    let _ = writeln!(
        s,
        "\n{} rules. `stratoscope explain ID` prints one in full.",
        pack.rules.len()
    );
    s
}

pub fn explain_text(r: &Rule) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{} {} [{}]\n{}\n",
        r.id,
        r.name,
        r.severity.as_str().to_uppercase(),
        r.title
    );
    let _ = writeln!(s, "Applies to: {}", r.resource_kinds.join(", "));
    if !r.frameworks.is_empty() {
        let fw: Vec<String> = r
            .frameworks
            .iter()
            .map(|(k, v)| format!("{k} {}", v.join(", ")))
            .collect();
        let _ = writeln!(s, "Frameworks: {}", fw.join("; "));
    }
    s.push('\n');
    for (_, heading, text) in r.explanation.sections() {
        let _ = writeln!(s, "{heading}\n{}\n", wrap(text, "  "));
    }
    let _ = writeln!(
        s,
        "Remediation: console\n{}",
        indent_block(&r.remediation.console, "  ")
    );
    let _ = writeln!(
        s,
        "Remediation: CLI\n{}",
        indent_block(&r.remediation.cli, "  ")
    );
    let _ = writeln!(
        s,
        "Remediation: Terraform\n{}",
        indent_block(&r.remediation.terraform, "  ")
    );
    let _ = writeln!(s, "References");
    for reference in &r.references {
        let _ = writeln!(s, "  {reference}");
    }
    s
}
