//! `stratoscope access`: review one principal (what can it do?) or one resource (who can act on
//! it, and how?) from the same exports `scan` reads.

use std::fmt::Write as _;
use stratoscope::analyze::Inventory;
use stratoscope::iam::access::{actions_on, summary};
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
    let mut s = String::new();
    match format {
        "json" => {
            let v = serde_json::json!({"principal": r.id, "kind": r.kind, "missing_policies": missing, "summary": sum});
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

/// Who can act on a resource ARN, as text, JSON or CSV.
pub fn resource(inv: &Inventory, arn: &str, format: &str) -> Result<String, String> {
    let service = arn
        .split(':')
        .nth(2)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| format!("{arn:?} is not an ARN"))?;
    let mut rows: Vec<(String, &'static str, Vec<&'static str>)> = Vec::new();
    for r in inv
        .resources
        .iter()
        .filter(|r| PRINCIPALS.contains(&r.kind.as_str()))
    {
        let Some(permissions) = r.facts.permissions() else {
            continue;
        };
        for (level, actions) in actions_on(&permissions, service, arn) {
            rows.push((r.id.clone(), level, actions));
        }
    }
    let mut s = String::new();
    match format {
        "json" => {
            let v: Vec<_> = rows.iter().map(|(p, l, a)| serde_json::json!({"principal": p, "access_level": l, "actions": a})).collect();
            s = serde_json::to_string_pretty(&serde_json::json!({"resource": arn, "access": v}))
                .unwrap_or_default();
            s.push('\n');
        }
        "csv" => {
            s.push_str("resource,principal,access_level,actions\n");
            for (p, l, a) in &rows {
                let _ = writeln!(
                    s,
                    "{},{},{},{}",
                    csv_field(arn),
                    csv_field(p),
                    csv_field(l),
                    csv_field(&a.join(" "))
                );
            }
        }
        _ => {
            let _ = writeln!(
                s,
                "Who can act on {arn} (identity policies; resource policies are not exported yet):"
            );
            if rows.is_empty() {
                let _ = writeln!(s, "  nobody in these exports");
            }
            for (p, l, a) in &rows {
                let _ = writeln!(
                    s,
                    "  {p:<60} {l:<22} {}",
                    if a.len() > 4 {
                        format!("{} and {} more", a[..4].join(", "), a.len() - 4)
                    } else {
                        a.join(", ")
                    }
                );
            }
        }
    }
    Ok(s)
}
