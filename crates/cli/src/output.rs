//! Text and JSON renderings of reports and rules for the terminal.

use serde_json::json;
use std::fmt::Write as _;
use stratoscope::report::InputStatus;
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
    for i in &report.inputs {
        let mark = match i.status {
            InputStatus::Recognized => "ok     ",
            InputStatus::Ignored => "ignored",
            InputStatus::Error => "ERROR  ",
        };
        let _ = writeln!(s, "  {mark} {}", i.message);
    }
    let fails = report
        .findings
        .iter()
        .filter(|f| f.outcome == Outcome::Fail)
        .count();
    let unknown = report.findings.len() - fails;
    let _ = writeln!(
        s,
        "\nFindings: {fails} failing, {unknown} not decidable from these exports\n"
    );
    for f in &report.findings {
        let label = if f.outcome == Outcome::Fail {
            f.severity.as_str().to_uppercase()
        } else {
            "UNKNOWN".into()
        };
        let _ = writeln!(s, "  [{label}] {} {}", f.rule_id, f.title);
        let _ = writeln!(
            s,
            "      {} {} (account {})",
            f.resource.kind,
            f.resource.name,
            f.resource.account.as_deref().unwrap_or("-")
        );
        s.push_str(&wrap(&f.message, "      "));
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
