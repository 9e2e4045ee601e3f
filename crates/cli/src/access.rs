//! `stratoscope access`: review one principal (what can it do?) or one resource (who can act on
//! it, and how?) from the same exports `scan` reads.

use std::fmt::Write as _;
use stratoscope::analyze::Inventory;
use stratoscope::iam::access::summary;
use stratoscope::iam::resource_access::{review, PolicyState};
use stratoscope::Resource;

const PRINCIPALS: [&str; 3] = ["aws.iam.user", "aws.iam.group", "aws.iam.role"];

fn find_principal<'a>(inv: &'a Inventory, who: &str) -> Result<&'a Resource, String> {
    let matches: Vec<&Resource> = inv
        .resources
        .iter()
        .filter(|r| PRINCIPALS.contains(&r.kind.as_str()) && (r.id == who || r.name == who))
        .collect();
    match matches.as_slice() {
        [one] => Ok(one),
        [] => Err(format!(
            "no user, group or role named {who:?} in these exports"
        )),
        many => Err(format!(
            "{who:?} is ambiguous; use one of: {}",
            many.iter()
                .map(|r| r.id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// What a principal can do, as text, JSON or CSV.
pub fn principal(inv: &Inventory, who: &str, format: &str) -> Result<String, String> {
    let r = find_principal(inv, who)?;
    let permissions = r
        .facts
        .permissions()
        .ok_or_else(|| format!("{} has no resolved permissions", r.id))?;
    let sum = summary(&permissions);
    let missing = r
        .attributes
        .get("missing_policies")
        .and_then(|v| v.as_array())
        .map(|l| {
            l.iter()
                .filter_map(|v| v.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        })
        .unwrap_or_default();
    let scp_levels: Vec<&str> = permissions
        .scps()
        .iter()
        .map(|l| l.target.as_str())
        .collect();
    let mut s = String::new();
    match format {
        "json" => {
            let v = serde_json::json!({"principal": r.id, "kind": r.kind, "missing_policies": missing,
                "service_control_policy_levels": scp_levels, "summary": sum});
            s = serde_json::to_string_pretty(&v).unwrap_or_default();
            s.push('\n');
        }
        "csv" => {
            s.push_str("principal,service,access_level,action,access\n");
            for (service, levels) in &sum.services {
                for (level, held) in levels {
                    for h in held {
                        let _ = writeln!(
                            s,
                            "{},{},{},{},{}",
                            csv_field(&r.id),
                            service,
                            csv_field(level),
                            h.action,
                            h.access
                        );
                    }
                }
            }
        }
        _ => {
            let _ = writeln!(s, "{} ({})", r.id, r.kind);
            let _ = writeln!(
                s,
                "{} actions in {} services, {} of them on every resource without condition",
                sum.actions,
                sum.services.len(),
                sum.unconditional
            );
            if !missing.is_empty() {
                let _ = writeln!(
                    s,
                    "Incomplete: the exports lack {missing}; the principal may be able to do more."
                );
            }
            if !scp_levels.is_empty() {
                let _ = writeln!(
                    s,
                    "Capped by the service control policies of: {}",
                    scp_levels.join(", ")
                );
            }
            for (service, levels) in &sum.services {
                let counts: Vec<String> = levels
                    .iter()
                    .map(|(level, held)| format!("{} {level}", held.len()))
                    .collect();
                let _ = writeln!(s, "  {service:<24} {}", counts.join(", "));
            }
        }
    }
    Ok(s)
}

/// Who can act on a resource ARN, as text, JSON or CSV: identity-policy grants and the
/// resource policy's own grants, with the statements behind each.
pub fn resource(inv: &Inventory, arn: &str, format: &str) -> Result<String, String> {
    let review = review(&inv.resources, arn)?;
    let mut s = String::new();
    match format {
        "json" => {
            s = serde_json::to_string_pretty(&review).unwrap_or_default();
            s.push('\n');
        }
        "csv" => {
            s.push_str("resource,principal,via,relation,conditional,access_level,actions,statements,note\n");
            for r in &review.access {
                let cited: Vec<String> = r
                    .statements
                    .iter()
                    .map(|c| format!("{} ({}#{})", c.label, c.file, c.pointer))
                    .collect();
                for (level, actions) in &r.actions {
                    let _ = writeln!(
                        s,
                        "{},{},{},{},{},{},{},{},{}",
                        csv_field(arn),
                        csv_field(&r.principal),
                        r.via,
                        csv_field(&r.relation),
                        r.conditional,
                        csv_field(level),
                        csv_field(&actions.join(" ")),
                        csv_field(&cited.join("; ")),
                        csv_field(r.note.as_deref().unwrap_or("")),
                    );
                }
            }
        }
        _ => {
            let _ = writeln!(s, "Who can act on {arn}:");
            let policy = match review.resource_policy {
                PolicyState::Known => "its resource policy is in the export",
                PolicyState::None => "it has no resource policy",
                PolicyState::NotExported => "its resource policy is not in the export",
            };
            let _ = writeln!(
                s,
                "  (identity policies of the exported users, groups and roles; {policy})"
            );
            if review.access.is_empty() {
                let _ = writeln!(s, "  nobody in these exports");
            }
            for r in &review.access {
                let _ = writeln!(
                    s,
                    "  {} [{}; {}{}]",
                    r.principal,
                    r.via,
                    r.relation,
                    if r.conditional { "; conditional" } else { "" }
                );
                for (level, actions) in &r.actions {
                    let listed = if actions.len() > 6 {
                        format!("{} and {} more", actions[..6].join(", "), actions.len() - 6)
                    } else {
                        actions.join(", ")
                    };
                    let _ = writeln!(s, "      {level:<22} {listed}");
                }
                for c in &r.statements {
                    let arn = c
                        .policy_arn
                        .as_deref()
                        .map(|a| format!(" [{a}]"))
                        .unwrap_or_default();
                    let _ = writeln!(
                        s,
                        "      {} {}{arn} at {}#{}",
                        if c.effect.eq_ignore_ascii_case("deny") {
                            "denied by"
                        } else {
                            "granted by"
                        },
                        c.label,
                        c.file,
                        c.pointer
                    );
                }
                if let Some(note) = &r.note {
                    let _ = writeln!(s, "      note: {note}");
                }
            }
            for n in &review.notes {
                let _ = writeln!(s, "  note: {n}");
            }
        }
    }
    Ok(s)
}
