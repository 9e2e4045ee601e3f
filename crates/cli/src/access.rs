//! `stratoscope access`: review one principal (what can it do?) or one resource (who can act on
//! it, and how?) from the same exports `scan` reads.

use std::fmt::Write as _;
use stratoscope::analyze::Inventory;
use stratoscope::export::{principal_csv, resource_csv};
use stratoscope::iam::principal_access;
use stratoscope::iam::resource_access::{review, PolicyState};

/// What a principal can do, as text, JSON or CSV.
pub fn principal(inv: &Inventory, who: &str, format: &str) -> Result<String, String> {
    let p = principal_access::review(&inv.resources, who)?;
    let mut s = String::new();
    match format {
        "json" => {
            s = serde_json::to_string_pretty(&p).unwrap_or_default();
            s.push('\n');
        }
        "csv" => s = principal_csv(&p),
        _ => {
            let _ = writeln!(s, "{} ({})", p.id, p.kind);
            let _ = writeln!(
                s,
                "{} actions in {} services, {} of them on every resource without condition",
                p.actions,
                p.services.len(),
                p.unconditional
            );
            if !p.missing_policies.is_empty() {
                let _ = writeln!(
                    s,
                    "Incomplete: the exports lack {}; the principal may be able to do more.",
                    p.missing_policies.join(", ")
                );
            }
            if !p.scp_levels.is_empty() {
                let _ = writeln!(
                    s,
                    "Capped by the service control policies of: {}",
                    p.scp_levels.join(", ")
                );
            }
            for service in &p.services {
                let counts: Vec<String> = service
                    .levels
                    .iter()
                    .map(|l| format!("{} {}", l.actions.len(), l.level))
                    .collect();
                let _ = writeln!(s, "  {:<24} {}", service.service, counts.join(", "));
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
        "csv" => s = resource_csv(&review),
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
