//! The printable report: one self-contained HTML document an auditor can open from disk, hand
//! over, or print to PDF. It makes no requests at all: styles are inline, there are no scripts,
//! images or fonts, and references are printed as text rather than links, so the document is
//! as complete on paper as on screen. Every string from the export or a rule file is escaped.

use super::state_label;
use crate::model::Evidence;
use crate::report::{Finding, InputStatus, Report};
use crate::rules::{Rule, RulePack};
use crate::{Outcome, Severity};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

/// Evidence fragments longer than this many lines are cut in the report (the JSON export and
/// the file itself hold them whole); a single policy document can otherwise fill pages.
const EVIDENCE_MAX_LINES: usize = 60;

/// Renders the report as one HTML document.
///
/// `date` is printed as the report date (the engine has no clock; pass e.g. `2025-01-31`).
/// Sections: executive summary (severity counts of open findings, outcome totals, inputs with
/// their verdicts, coverage), compliance by framework control, then findings grouped by
/// severity and, within a severity, by rule, so the rule's explanation and remediation are
/// printed once above every resource it affects with that resource's evidence.
pub fn html_report(report: &Report, pack: &RulePack, date: &str) -> String {
    let mut h = String::with_capacity(64 * 1024);
    let _ = writeln!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>Stratoscope security report, {date}</title>\n<style>{CSS}</style>\n</head>\n<body>",
        date = esc(date),
    );
    let _ = writeln!(
        h,
        "<header class=\"cover\"><p class=\"brand\">Stratoscope</p>\
         <h1>Cloud configuration security report</h1>\
         <p class=\"meta\">Report date <strong>{}</strong> · {} {} · {} rules in the pack</p></header>",
        esc(date),
        esc(&report.tool.name),
        esc(&report.tool.version),
        report.tool.rules,
    );
    h.push_str(
        "<nav class=\"toc\" aria-label=\"Contents\"><ol>\
         <li><a href=\"#summary\">Executive summary</a></li>\
         <li><a href=\"#compliance\">Compliance by framework control</a></li>\
         <li><a href=\"#findings\">Findings</a></li></ol></nav>\n<main>\n",
    );
    summary(&mut h, report, pack);
    compliance(&mut h, report, pack);
    findings(&mut h, report, pack);
    h.push_str("</main>\n<footer>Generated offline by Stratoscope from the exported configuration listed above. \
                Nothing was sent anywhere.</footer>\n</body>\n</html>\n");
    h
}

/// Escapes text for HTML element content and quoted attribute values.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Rule prose as paragraphs: blank lines separate paragraphs and `backticks` mark code, as in
/// the rule files.
fn prose(text: &str) -> String {
    text.trim()
        .split("\n\n")
        .filter(|p| !p.trim().is_empty())
        .map(|p| format!("<p>{}</p>", inline(p.trim())))
        .collect()
}

/// Escapes `text` and turns `backtick` spans into `<code>`. Escaping happens first, so the
/// `<code>` tags added here are the only markup.
fn inline(text: &str) -> String {
    let escaped = esc(text);
    let parts: Vec<&str> = escaped.split('`').collect();
    let mut out = String::with_capacity(escaped.len() + 16);
    for (i, part) in parts.iter().enumerate() {
        // Odd parts sit between a pair of backticks; an unpaired last one stays literal.
        if i % 2 == 0 {
            out.push_str(part);
        } else if i + 1 < parts.len() {
            let _ = write!(out, "<code>{part}</code>");
        } else {
            out.push('`');
            out.push_str(part);
        }
    }
    out
}

fn severity_label(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "Critical",
        Severity::High => "High",
        Severity::Medium => "Medium",
        Severity::Low => "Low",
        Severity::Info => "Info",
    }
}

fn state_text(f: &Finding) -> &'static str {
    match state_label(f) {
        "accepted" => "Accepted risk",
        "fail" => "Fail",
        "unknown" => "Not decidable",
        _ => "Other",
    }
}

fn summary(h: &mut String, report: &Report, pack: &RulePack) {
    let sum = &report.summary;
    let open: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|f| f.is_open_failure())
        .collect();
    let unknown = report
        .findings
        .iter()
        .filter(|f| f.outcome == Outcome::Unknown && f.accepted.is_none())
        .count();
    let accounts: BTreeSet<&str> = report
        .findings
        .iter()
        .filter_map(|f| f.resource.account.as_deref())
        .collect();
    h.push_str("<section id=\"summary\"><h2>1. Executive summary</h2>\n");
    let count = |s: Severity| open.iter().filter(|f| f.severity == s).count();
    let worst = Severity::ALL.into_iter().find(|s| count(*s) > 0);
    let _ = writeln!(
        h,
        "<p class=\"lead\">{} resource{} from {} input file{} were checked against {} rule{}. \
         <strong>{} open failing finding{}</strong>{}; {} finding{} could not be decided from these exports \
         and {} {} accepted as a known risk.</p>",
        sum.resources,
        plural(sum.resources),
        report.inputs.len(),
        plural(report.inputs.len()),
        sum.rules_evaluated,
        plural(sum.rules_evaluated),
        open.len(),
        plural(open.len()),
        match worst {
            Some(s) => format!(
                ", the most severe rated <span class=\"sev sev-{}\">{}</span>",
                s.as_str(),
                severity_label(s)
            ),
            None => String::new(),
        },
        unknown,
        plural(unknown),
        sum.accepted,
        if sum.accepted == 1 { "was" } else { "were" },
    );
    h.push_str("<div class=\"cards\">");
    for s in Severity::ALL {
        let _ = write!(
            h,
            "<div class=\"card sev-{}\"><span class=\"n\">{}</span><span class=\"l\">{}</span></div>",
            s.as_str(),
            count(s),
            severity_label(s)
        );
    }
    h.push_str("</div>\n<p class=\"note\">Open failing findings by severity. Accepted findings are counted separately below.</p>\n");

    h.push_str("<div class=\"cols\"><table class=\"kv\"><caption>Findings</caption><tbody>");
    for (label, n) in [
        ("Open failing", open.len()),
        ("Not decidable", unknown),
        ("Accepted risks", sum.accepted),
    ] {
        let _ = write!(h, "<tr><th scope=\"row\">{label}</th><td>{n}</td></tr>");
    }
    h.push_str("</tbody></table><table class=\"kv\"><caption>Rule outcomes (rule × resource)</caption><tbody>");
    for (label, n) in [
        ("Fail", sum.outcomes.fail),
        ("Pass", sum.outcomes.pass),
        ("Unknown", sum.outcomes.unknown),
        ("Not applicable", sum.outcomes.not_applicable),
    ] {
        let _ = write!(h, "<tr><th scope=\"row\">{label}</th><td>{n}</td></tr>");
    }
    h.push_str("</tbody></table>");
    if !sum.failing_by_account.is_empty() {
        h.push_str("<table class=\"kv\"><caption>Open failing by account</caption><tbody>");
        for (account, n) in &sum.failing_by_account {
            let _ = write!(
                h,
                "<tr><th scope=\"row\">{}</th><td>{n}</td></tr>",
                esc(account)
            );
        }
        h.push_str("</tbody></table>");
    }
    let _ = writeln!(
        h,
        "</div>\n<p class=\"note\">Findings concern {} account{}.</p>",
        accounts.len(),
        plural(accounts.len())
    );

    h.push_str("<h3>Inputs analysed</h3>\n<table class=\"grid\"><thead><tr><th scope=\"col\">File</th>\
                <th scope=\"col\">Verdict</th><th scope=\"col\">Format</th><th scope=\"col\" class=\"num\">Resources</th>\
                <th scope=\"col\">Detail</th></tr></thead><tbody>");
    for i in &report.inputs {
        let (class, verdict) = match i.status {
            InputStatus::Recognized => ("ok", "Recognised"),
            InputStatus::Ignored => ("ignored", "Ignored"),
            InputStatus::Error => ("error", "Error"),
        };
        let _ = write!(
            h,
            "<tr><td class=\"mono file\">{}</td><td><span class=\"verdict {class}\">{verdict}</span></td>\
             <td>{}</td><td class=\"num\">{}</td><td>{}</td></tr>",
            esc(&i.name),
            esc(i.format.as_deref().unwrap_or("—")),
            i.resources,
            esc(&i.message),
        );
    }
    h.push_str("</tbody></table>\n");

    let missing: Vec<&str> = report
        .coverage
        .iter()
        .filter(|c| !c.evaluated)
        .map(|c| &*c.rule_id)
        .collect();
    if !missing.is_empty() {
        let exports: BTreeSet<&str> = report
            .coverage
            .iter()
            .filter_map(|c| c.missing_export.as_deref())
            .collect();
        let _ = write!(
            h,
            "<h3>Coverage</h3>\n<p>{} of {} rules had no resources to evaluate in these inputs: {}.",
            missing.len(),
            pack.rules.len().max(report.coverage.len()),
            missing
                .iter()
                .map(|id| format!("<span class=\"mono\">{}</span>", esc(id)))
                .collect::<Vec<_>>()
                .join(", ")
        );
        if !exports.is_empty() {
            let _ = write!(
                h,
                " Adding the output of {} would let them run.",
                exports
                    .iter()
                    .map(|e| format!("<code>{}</code>", esc(e)))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
        h.push_str("</p>\n");
    }
    h.push_str("</section>\n");
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// Sort key for control ids such as `1.2` < `1.15` < `IAM.1`: numeric segments compare as
/// numbers.
fn control_key(id: &str) -> Vec<(u64, String)> {
    id.split(['.', '-'])
        .map(|part| match part.parse::<u64>() {
            Ok(n) => (n, String::new()),
            Err(_) => (u64::MAX, part.to_string()),
        })
        .collect()
}

#[derive(Default)]
struct Control<'a> {
    rules: BTreeSet<&'a str>,
    open: usize,
    unknown: usize,
    accepted: usize,
}

/// Framework → control → the rules mapped to it and the state of their findings. Controls come
/// from the rule pack (so passing controls are listed) and from the findings (so a report made
/// with rules this pack lacks still shows its failures).
fn controls<'a>(
    report: &'a Report,
    pack: &'a RulePack,
) -> BTreeMap<&'a str, BTreeMap<&'a str, Control<'a>>> {
    let mut out: BTreeMap<&str, BTreeMap<&str, Control>> = BTreeMap::new();
    let mapped = pack
        .rules
        .iter()
        .map(|r| (r.id.as_str(), &r.frameworks))
        .chain(
            report
                .findings
                .iter()
                .map(|f| (f.rule_id(), f.frameworks())),
        );
    for (rule, frameworks) in mapped {
        for (fw, ids) in frameworks {
            for id in ids {
                out.entry(fw)
                    .or_default()
                    .entry(id)
                    .or_default()
                    .rules
                    .insert(rule);
            }
        }
    }
    for f in &report.findings {
        for (fw, ids) in f.frameworks().iter() {
            for id in ids {
                if let Some(c) = out
                    .get_mut(fw.as_str())
                    .and_then(|m| m.get_mut(id.as_str()))
                {
                    match (&f.accepted, f.outcome) {
                        (Some(_), _) => c.accepted += 1,
                        (None, Outcome::Fail) => c.open += 1,
                        (None, _) => c.unknown += 1,
                    }
                }
            }
        }
    }
    out
}

fn compliance(h: &mut String, report: &Report, pack: &RulePack) {
    h.push_str("<section id=\"compliance\"><h2>2. Compliance by framework control</h2>\n\
                <p class=\"note\">Each control lists the rules mapped to it. A control fails when any of its rules has an open \
                failing finding; it is not evaluated when none of its rules had resources in these inputs. \
                Only automated checks are shown; a passing control here does not certify the control as a whole.</p>\n");
    let evaluated = crate::frameworks::evaluated_rules(report);
    let all = controls(report, pack);
    if all.is_empty() {
        h.push_str("<p>No rule in the pack is mapped to a framework.</p>\n");
    }
    for (fw, controls) in all {
        let mut rows: Vec<(&str, Control)> = controls.into_iter().collect();
        rows.sort_by_key(|(id, _)| control_key(id));
        let _ = write!(
            h,
            "<h3>{}</h3>\n<table class=\"grid\"><thead><tr><th scope=\"col\">Control</th>\
             <th scope=\"col\">Status</th><th scope=\"col\">Rules</th><th scope=\"col\" class=\"num\">Open failing</th>\
             <th scope=\"col\" class=\"num\">Not decidable</th><th scope=\"col\" class=\"num\">Accepted</th></tr></thead><tbody>",
            esc(fw)
        );
        for (id, c) in rows {
            let (class, status) = if c.open > 0 {
                ("fail", "Fail")
            } else if c.unknown > 0 {
                ("unknown", "Not decidable")
            } else if !c.rules.iter().any(|r| evaluated.contains(r)) {
                ("na", "Not evaluated")
            } else if c.accepted > 0 {
                ("accepted", "Pass with accepted risks")
            } else {
                ("pass", "Pass")
            };
            let _ = write!(
                h,
                "<tr><td class=\"mono\">{}</td><td><span class=\"status {class}\">{status}</span></td><td class=\"mono small\">{}</td>\
                 <td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
                esc(id),
                c.rules.iter().map(|r| esc(r)).collect::<Vec<_>>().join(", "),
                c.open,
                c.unknown,
                c.accepted,
            );
        }
        h.push_str("</tbody></table>\n");
    }
    h.push_str("</section>\n");
}

fn findings(h: &mut String, report: &Report, pack: &RulePack) {
    h.push_str("<section id=\"findings\"><h2>3. Findings</h2>\n");
    if report.findings.is_empty() {
        h.push_str("<p>No failing or undecidable findings.</p>\n");
    }
    for s in Severity::ALL {
        let mut of_severity: Vec<&Finding> =
            report.findings.iter().filter(|f| f.severity == s).collect();
        if of_severity.is_empty() {
            continue;
        }
        // Open failures first, then undecidable, then accepted; the report's order otherwise.
        of_severity.sort_by_key(|f| match state_label(f) {
            "fail" => 0,
            "unknown" => 1,
            _ => 2,
        });
        let _ = writeln!(
            h,
            "<h3 class=\"sev-head sev-{}\">{} <span class=\"count\">{} finding{}</span></h3>",
            s.as_str(),
            severity_label(s),
            of_severity.len(),
            plural(of_severity.len()),
        );
        let mut by_rule: Vec<(&str, Vec<&Finding>)> = Vec::new();
        for f in of_severity {
            match by_rule.iter_mut().find(|(id, _)| *id == f.rule_id()) {
                Some((_, list)) => list.push(f),
                None => by_rule.push((f.rule_id(), vec![f])),
            }
        }
        for (rule_id, list) in by_rule {
            rule_block(h, pack.get(rule_id), &list);
        }
    }
    h.push_str("</section>\n");
}

fn rule_block(h: &mut String, rule: Option<&Rule>, list: &[&Finding]) {
    let Some(first) = list.first() else { return };
    let frameworks: Vec<String> = first
        .frameworks()
        .iter()
        .map(|(fw, ids)| format!("{} {}", esc(fw), esc(&ids.join(", "))))
        .collect();
    let _ = writeln!(
        h,
        "<section class=\"rule sev-{sev}\" id=\"rule-{id}\">\n<header class=\"rule-head\">\
         <span class=\"sev sev-{sev}\">{label}</span><h4>{title}</h4>\
         <p class=\"rule-meta\"><span class=\"mono\">{id}</span> · <span class=\"mono\">{name}</span> · {n} resource{s}{fw}</p></header>",
        sev = first.severity.as_str(),
        label = severity_label(first.severity),
        id = esc(first.rule_id()),
        title = esc(first.title()),
        name = esc(first.rule_name()),
        n = list.len(),
        s = plural(list.len()),
        fw = if frameworks.is_empty() {
            String::new()
        } else {
            format!(" · {}", frameworks.join("; "))
        },
    );
    match rule {
        Some(r) => {
            h.push_str("<div class=\"explain\">");
            for (key, heading, text) in r.explanation.sections() {
                let _ = write!(
                    h,
                    "<div class=\"part {key}\"><h5>{heading}</h5>{}</div>",
                    prose(text)
                );
            }
            h.push_str("</div>\n");
        }
        None => h.push_str(
            "<p class=\"note\">This rule is not in the rule pack the report was rendered with, \
             so its explanation and remediation are not available here.</p>\n",
        ),
    }
    let _ = writeln!(
        h,
        "<h5 class=\"affected\">Affected resource{}</h5>",
        plural(list.len())
    );
    for f in list {
        finding(h, f);
    }
    if let Some(r) = rule {
        h.push_str("<div class=\"remedy\"><h5>Remediation</h5>");
        for (label, text) in [
            ("Console", &r.remediation.console),
            ("CLI", &r.remediation.cli),
            ("Terraform", &r.remediation.terraform),
        ] {
            let _ = write!(
                h,
                "<div class=\"fix\"><h6>{label}</h6><pre>{}</pre></div>",
                esc(text.trim())
            );
        }
        h.push_str("</div>\n");
        if !r.references.is_empty() {
            h.push_str("<div class=\"refs\"><h5>References</h5><ul>");
            for u in &r.references {
                let _ = write!(h, "<li class=\"mono\">{}</li>", esc(u));
            }
            h.push_str("</ul></div>\n");
        }
    }
    h.push_str("</section>\n");
}

fn finding(h: &mut String, f: &Finding) {
    let _ = writeln!(
        h,
        "<article class=\"finding {state}\">\n<header><h6>{name}</h6><span class=\"state {state}\">{text}</span></header>\n\
         <dl class=\"res\"><dt>ID</dt><dd class=\"mono\">{id}</dd><dt>Kind</dt><dd class=\"mono\">{kind}</dd>\
         <dt>Account</dt><dd class=\"mono\">{account}</dd><dt>Region</dt><dd class=\"mono\">{region}</dd></dl>\n\
         <p class=\"message\">{message}</p>",
        state = state_label(f),
        text = state_text(f),
        name = esc(&f.resource.name),
        id = esc(&f.resource.id),
        kind = esc(&f.resource.kind),
        account = esc(f.resource.account.as_deref().unwrap_or("—")),
        region = esc(f.resource.region.as_deref().unwrap_or("global")),
        message = esc(&f.message),
    );
    if let Some(a) = &f.accepted {
        let _ = writeln!(
            h,
            "<p class=\"accepted-by\"><strong>Accepted risk</strong> <span class=\"mono\">{}</span>: {}{}{}</p>",
            esc(&a.acceptance_id),
            esc(&a.reason),
            a.owner
                .as_deref()
                .map(|o| format!(" · owner {}", esc(o)))
                .unwrap_or_default(),
            a.expires
                .as_deref()
                .map(|e| format!(" · expires {}", esc(e)))
                .unwrap_or_default(),
        );
    }
    for e in &f.evidence {
        evidence(h, e);
    }
    h.push_str("</article>\n");
}

fn evidence(h: &mut String, e: &Evidence) {
    let _ = write!(
        h,
        "<div class=\"evidence\"><p class=\"where\"><span class=\"label\">Evidence</span> \
         <span class=\"mono\">{}</span> at <code>{}</code></p><p class=\"evnote\">{}</p>",
        esc(&e.file),
        esc(if e.pointer.is_empty() {
            "/"
        } else {
            &e.pointer
        }),
        inline(&e.note),
    );
    match &e.value {
        Some(v) => {
            let pretty = serde_json::to_string_pretty(v).unwrap_or_default();
            let lines: Vec<&str> = pretty.lines().collect();
            let shown = lines
                .iter()
                .take(EVIDENCE_MAX_LINES)
                .copied()
                .collect::<Vec<_>>()
                .join("\n");
            let _ = write!(h, "<pre class=\"json\">{}", esc(&shown));
            if lines.len() > EVIDENCE_MAX_LINES {
                let _ = write!(
                    h,
                    "\n… {} more lines in the file at this pointer",
                    lines.len() - EVIDENCE_MAX_LINES
                );
            }
            h.push_str("</pre>");
        }
        None => h.push_str("<p class=\"absent\">The export does not contain this value.</p>"),
    }
    h.push_str("</div>\n");
}

const CSS: &str = r#"
:root{--ink:#1f2933;--muted:#5f6b7a;--line:#d9dee5;--soft:#f5f7fa;--accent:#1d4e89;
--crit:#8b1a1a;--crit-bg:#fde8e8;--high:#9a3b0b;--high-bg:#feeedc;--med:#7a5a00;--med-bg:#fdf5d3;
--low:#1e4b8f;--low-bg:#e3edfb;--info:#475260;--info-bg:#eef0f3;--ok:#1e6b3a;--ok-bg:#e2f3e8}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;color:var(--ink);background:#fff;font:15px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
.cover,.toc,main,footer{max-width:980px;margin:0 auto;padding:0 32px}
.cover{padding-top:40px;padding-bottom:20px;border-bottom:3px solid var(--accent)}
.brand{margin:0;color:var(--accent);font-weight:700;letter-spacing:.12em;text-transform:uppercase;font-size:13px}
h1{margin:6px 0 4px;font-size:30px;line-height:1.2}
.meta{margin:0;color:var(--muted)}
.toc{padding-top:14px;padding-bottom:6px;color:var(--muted)}
.toc ol{margin:0;padding-left:20px;display:flex;gap:28px;flex-wrap:wrap}
a{color:var(--accent)}
h2{font-size:22px;margin:36px 0 12px;padding-bottom:6px;border-bottom:1px solid var(--line)}
h3{font-size:17px;margin:26px 0 10px}
h4{font-size:17px;margin:0}
h5{font-size:13px;margin:14px 0 4px;text-transform:uppercase;letter-spacing:.06em;color:var(--muted)}
h6{font-size:15px;margin:0}
p{margin:6px 0}
.lead{font-size:16px}
.note{color:var(--muted);font-size:13px}
.mono,code,pre{font-family:ui-monospace,"SFMono-Regular",Menlo,Consolas,"Liberation Mono",monospace}
.mono{font-size:.92em;overflow-wrap:anywhere}
code{font-size:.9em;background:var(--soft);border:1px solid var(--line);border-radius:3px;padding:0 3px;overflow-wrap:anywhere}
pre{font-size:12.5px;line-height:1.45;background:var(--soft);border:1px solid var(--line);border-radius:4px;padding:10px 12px;margin:4px 0 8px;white-space:pre-wrap;overflow-wrap:anywhere}
.cards{display:grid;grid-template-columns:repeat(5,1fr);gap:10px;margin:14px 0 4px}
.card{border:1px solid var(--line);border-top-width:5px;border-radius:6px;padding:10px 12px;display:flex;flex-direction:column}
.card .n{font-size:28px;font-weight:700;line-height:1.1}
.card .l{font-size:13px;color:var(--muted);text-transform:uppercase;letter-spacing:.05em}
.card.sev-critical{border-top-color:var(--crit)}.card.sev-high{border-top-color:var(--high)}
.card.sev-medium{border-top-color:var(--med)}.card.sev-low{border-top-color:var(--low)}.card.sev-info{border-top-color:var(--info)}
.cols{display:flex;gap:24px;flex-wrap:wrap;align-items:flex-start;margin-top:12px}
table{border-collapse:collapse;font-size:13.5px}
caption{text-align:left;font-weight:600;padding-bottom:4px}
.kv th{text-align:left;font-weight:normal;color:var(--muted);padding:3px 18px 3px 0;border-bottom:1px solid var(--line)}
.kv td{text-align:right;font-variant-numeric:tabular-nums;padding:3px 0;border-bottom:1px solid var(--line);min-width:40px}
.grid{width:100%}
.grid th,.grid td{text-align:left;vertical-align:top;padding:6px 8px;border-bottom:1px solid var(--line)}
.grid thead th{border-bottom:2px solid var(--ink);font-size:12px;text-transform:uppercase;letter-spacing:.04em}
.grid tbody tr:nth-child(even){background:#fafbfc}
.num{text-align:right!important;font-variant-numeric:tabular-nums}
.small{font-size:12px}
.file{min-width:16em;width:34%}
.sev,.state,.status,.verdict{display:inline-block;font-size:11.5px;font-weight:700;text-transform:uppercase;letter-spacing:.05em;padding:1px 7px;border-radius:3px;border:1px solid currentColor;white-space:nowrap}
.sev-critical .sev,.sev.sev-critical{color:var(--crit);background:var(--crit-bg)}
.sev.sev-high{color:var(--high);background:var(--high-bg)}
.sev.sev-medium{color:var(--med);background:var(--med-bg)}
.sev.sev-low{color:var(--low);background:var(--low-bg)}
.sev.sev-info{color:var(--info);background:var(--info-bg)}
.state.fail,.status.fail,.verdict.error{color:var(--crit);background:var(--crit-bg)}
.state.unknown,.status.unknown,.verdict.ignored{color:var(--med);background:var(--med-bg)}
.state.accepted,.status.accepted{color:var(--info);background:var(--info-bg)}
.status.pass,.verdict.ok{color:var(--ok);background:var(--ok-bg)}
.status.na{color:var(--muted);background:#fff}
.sev-head{display:flex;align-items:baseline;gap:10px;padding:6px 10px;border-left:6px solid;background:var(--soft)}
.sev-head .count{font-weight:normal;color:var(--muted);font-size:14px}
.sev-head.sev-critical{border-color:var(--crit)}.sev-head.sev-high{border-color:var(--high)}
.sev-head.sev-medium{border-color:var(--med)}.sev-head.sev-low{border-color:var(--low)}.sev-head.sev-info{border-color:var(--info)}
.rule{border:1px solid var(--line);border-radius:6px;padding:14px 18px;margin:14px 0 22px}
.rule-head{display:grid;grid-template-columns:auto 1fr;gap:4px 10px;align-items:baseline;border-bottom:1px solid var(--line);padding-bottom:10px}
.rule-meta{grid-column:1/-1;margin:0;color:var(--muted);font-size:13px}
.explain{display:grid;grid-template-columns:1fr 1fr;gap:0 26px}
.part p{font-size:14px}
.affected{margin-top:18px}
.finding{border:1px solid var(--line);border-left:4px solid var(--crit);border-radius:4px;padding:10px 14px;margin:8px 0}
.finding.unknown{border-left-color:var(--med)}.finding.accepted{border-left-color:var(--info);background:#fcfcfd}
.finding header{display:flex;justify-content:space-between;gap:12px;align-items:baseline}
.finding h6{overflow-wrap:anywhere}
.res{display:grid;grid-template-columns:max-content 1fr;gap:1px 12px;margin:6px 0;font-size:13px}
.res dt{color:var(--muted)}.res dd{margin:0}
.message{font-size:14px}
.accepted-by{font-size:13.5px;background:var(--info-bg);border-radius:4px;padding:6px 10px}
.evidence{margin-top:8px}
.where{font-size:13px;margin:0}
.where .label{font-weight:600}
.evnote{font-size:13px;color:var(--muted);margin:2px 0}
.absent{font-style:italic;color:var(--muted);font-size:13px}
.remedy{margin-top:10px}
.fix h6{font-size:13px;margin-top:8px}
.refs ul{margin:4px 0;padding-left:18px;font-size:12.5px}
footer{color:var(--muted);font-size:12px;border-top:1px solid var(--line);margin-top:40px;padding-top:12px;padding-bottom:40px}
@media (max-width:760px){.cards{grid-template-columns:repeat(2,1fr)}.explain{grid-template-columns:1fr}}
@media print{
@page{size:A4;margin:16mm 14mm 18mm}
body{font-size:10.5pt;background:#fff;color:#000;-webkit-print-color-adjust:exact;print-color-adjust:exact}
.cover,.toc,main,footer{max-width:none;padding:0}
.toc{display:none}
h2{break-before:page;margin-top:0}
#summary h2{break-before:avoid}
h2,h3,h4,h5,h6,.rule-head,.sev-head{break-after:avoid}
.finding,.part,.fix,.card,tr,.evidence,.accepted-by{break-inside:avoid}
pre{font-size:8.5pt;background:#fff}
.grid tbody tr:nth-child(even){background:#fff}
.rule{border:none;border-top:2px solid var(--line);border-radius:0;padding:10px 0}
a{color:inherit;text-decoration:none}
a[href^="http"]::after{content:" (" attr(href) ")"}
}
"#;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::AcceptedBy;

    #[test]
    fn hostile_strings_are_text_and_nothing_is_loaded() {
        let (mut report, pack) = super::super::fixture::hostile();
        report.findings[0].accepted = Some(Box::new(AcceptedBy {
            acceptance_id: "<b>id</b>".into(),
            reason: "\"><script>alert(2)</script>".into(),
            owner: Some("<i>me</i>".into()),
            expires: None,
        }));
        let html = html_report(&report, &pack, "2025-01-31<script>");
        assert!(html.contains(
            "&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"
        ));
        // Every `<` starts a tag this module writes, and every tag carries only inert attributes:
        // escaped text cannot open a tag, so this covers all strings from the export.
        const TAGS: &[&str] = &[
            "!DOCTYPE", "html", "head", "meta", "title", "style", "body", "header", "nav", "ol",
            "ul", "li", "a", "main", "section", "h1", "h2", "h3", "h4", "h5", "h6", "p", "strong",
            "span", "div", "table", "caption", "thead", "tbody", "tr", "th", "td", "dl", "dt",
            "dd", "article", "pre", "code", "footer",
        ];
        const ATTRS: &[&str] = &[
            "lang",
            "charset",
            "name",
            "content",
            "class",
            "id",
            "scope",
            "aria-label",
            "href",
        ];
        assert!(!CSS.contains('<'), "the style element holds no markup");
        let mut rest = &html[..];
        while let Some(i) = rest.find('<') {
            let tag_end = rest[i..].find('>').expect("tag closes") + i;
            let tag = &rest[i + 1..tag_end];
            let name = tag
                .trim_start_matches('/')
                .split([' ', '>'])
                .next()
                .unwrap_or("");
            assert!(TAGS.contains(&name), "unexpected tag <{tag}>");
            let mut attrs = tag[tag.find(' ').unwrap_or(tag.len())..].trim_start();
            while !attrs.is_empty() {
                let key_end = attrs.find(['=', ' ']).unwrap_or(attrs.len());
                let key = &attrs[..key_end];
                assert!(
                    ATTRS.contains(&key) || key == "html",
                    "attribute {key} in <{tag}>"
                );
                attrs = &attrs[key_end..];
                if let Some(quoted) = attrs.strip_prefix("=\"") {
                    let close = quoted.find('"').expect("value closes");
                    if key == "href" {
                        assert!(quoted.starts_with('#'), "only in-document links: <{tag}>");
                    }
                    attrs = &quoted[close + 1..];
                }
                attrs = attrs.trim_start();
            }
            rest = &rest[tag_end + 1..];
        }
        for banned in ["url(", "@import", "@font-face", "expression("] {
            assert!(!CSS.contains(banned), "{banned} in CSS");
        }
    }

    #[test]
    fn sections_come_in_order_with_every_explanation_part() {
        let (report, pack) = super::super::fixture::hostile();
        let html = html_report(&report, &pack, "2025-01-31");
        let at = |needle: &str| {
            html.find(needle)
                .unwrap_or_else(|| panic!("missing {needle}"))
        };
        assert!(at("id=\"summary\"") < at("id=\"compliance\""));
        assert!(at("id=\"compliance\"") < at("id=\"findings\""));
        let first_rule = at("class=\"rule ");
        let rule = pack
            .get(report.findings[0].rule_id())
            .expect("rule in pack");
        let positions: Vec<usize> = rule
            .explanation
            .sections()
            .iter()
            .map(|(_, heading, _)| *heading)
            .chain(["Evidence", "Remediation", "Console", "CLI", "Terraform"])
            .map(|h| first_rule + html[first_rule..].find(h).expect(h))
            .collect();
        assert!(positions.windows(2).all(|w| w[0] < w[1]), "{positions:?}");
        assert!(html.contains("Report date <strong>2025-01-31</strong>"));
        assert!(html.contains("@media print"));
        assert!(html.contains("break-inside:avoid"));
        assert!(html.ends_with("</html>\n"));
    }

    #[test]
    fn controls_sort_numerically_and_inline_code_is_marked() {
        let mut ids = ["1.15", "IAM.1", "1.2", "1.14", "IAM.21", "IAM.3"];
        ids.sort_by_key(|id| control_key(id));
        assert_eq!(ids, ["1.2", "1.14", "1.15", "IAM.1", "IAM.3", "IAM.21"]);
        assert_eq!(
            inline("use `a<b` then `x"),
            "use <code>a&lt;b</code> then `x"
        );
        assert_eq!(prose("one\n\n\n\ntwo"), "<p>one</p><p>two</p>");
    }
}
