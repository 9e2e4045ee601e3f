//! The Access view-model: a principal's effective permissions by service and access level with
//! the policies that grant them, and who can act on one resource through which policies. The
//! answers are the engine's (`stratoscope::iam::access`, as `stratoscope access` uses them),
//! computed in the worker over the inventory it keeps and sent over as JSON; the CSV exports are
//! made here.

use serde::{Deserialize, Serialize};
use std::borrow::Borrow;
use std::collections::BTreeSet;
use stratoscope::analyze::Inventory;
use stratoscope::iam::access::{actions_on, summary};
use stratoscope::iam::grant::Permissions;
use stratoscope::iam::policy::Statement;
use stratoscope::Resource;

/// The resource kinds an access review treats as principals.
pub const PRINCIPALS: [&str; 3] = ["aws.iam.user", "aws.iam.group", "aws.iam.role"];

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrincipalAccess {
    pub id: String,
    pub kind: String,
    pub name: String,
    /// Managed policies the exports reference but do not contain: the principal may hold more.
    pub missing_policies: Vec<String>,
    pub actions: usize,
    /// Actions granted on every resource without condition.
    pub unconditional: usize,
    pub services: Vec<ServiceAccess>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceAccess {
    pub service: String,
    pub levels: Vec<LevelAccess>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LevelAccess {
    /// `Read`, `Write`, `List`, `Tagging`, `Permissions management`.
    pub level: String,
    pub actions: Vec<HeldAction>,
    /// Every policy statement that grants one of these actions.
    pub policies: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeldAction {
    pub action: String,
    /// `unconditional`, `resource-scoped` or `conditional`.
    pub access: String,
    pub policies: Vec<String>,
}

/// Who can act on one resource.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResourceAccess {
    pub arn: String,
    pub rows: Vec<WhoCan>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WhoCan {
    pub principal: String,
    pub kind: String,
    pub level: String,
    pub actions: Vec<String>,
    pub policies: Vec<String>,
}

/// The statements that allow `action` (on `arn`, when given), named as the auditor edits them.
fn granting<S: Borrow<Statement>>(
    permissions: &Permissions<S>,
    action: &str,
    arn: Option<&str>,
) -> Vec<String> {
    let statements = permissions.statements();
    let labels: BTreeSet<String> = permissions
        .grant(action, arn)
        .allowed_by
        .iter()
        .filter_map(|&i| statements.get(i))
        .map(|s| s.borrow().display_label())
        .collect();
    labels.into_iter().collect()
}

fn principal_of<'a>(inv: &'a Inventory, id: &str) -> Result<&'a Resource, String> {
    inv.resources
        .iter()
        .find(|r| PRINCIPALS.contains(&r.kind.as_str()) && r.id == id)
        .ok_or_else(|| format!("no user, group or role {id} in the analysed files"))
}

/// What one principal can do.
pub fn principal(inv: &Inventory, id: &str) -> Result<PrincipalAccess, String> {
    let r = principal_of(inv, id)?;
    let permissions = r
        .facts
        .permissions()
        .ok_or_else(|| format!("{id} has no resolved permissions in these exports"))?;
    let sum = summary(&permissions);
    let services = sum
        .services
        .iter()
        .map(|(service, levels)| ServiceAccess {
            service: service.clone(),
            levels: levels
                .iter()
                .map(|(level, held)| {
                    let actions: Vec<HeldAction> = held
                        .iter()
                        .map(|h| HeldAction {
                            action: h.action.to_string(),
                            access: h.access.to_string(),
                            policies: granting(&permissions, h.action, None),
                        })
                        .collect();
                    let policies: BTreeSet<String> = actions
                        .iter()
                        .flat_map(|a| a.policies.iter().cloned())
                        .collect();
                    LevelAccess {
                        level: level.to_string(),
                        actions,
                        policies: policies.into_iter().collect(),
                    }
                })
                .collect(),
        })
        .collect();
    let missing_policies = r
        .attributes
        .get("missing_policies")
        .and_then(|v| v.as_array())
        .map(|l| {
            l.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    Ok(PrincipalAccess {
        id: r.id.clone(),
        kind: r.kind.clone(),
        name: r.name.clone(),
        missing_policies,
        actions: sum.actions,
        unconditional: sum.unconditional,
        services,
    })
}

/// Who can act on `arn`, by principal and access level, through which identity policies.
pub fn resource(inv: &Inventory, arn: &str) -> Result<ResourceAccess, String> {
    let arn = arn.trim();
    let service = arn
        .strip_prefix("arn:")
        .and_then(|rest| rest.split(':').nth(1))
        .filter(|s| !s.is_empty())
        .ok_or_else(|| {
            format!("{arn:?} is not an ARN (arn:partition:service:region:account:resource)")
        })?;
    let mut rows = Vec::new();
    for r in inv
        .resources
        .iter()
        .filter(|r| PRINCIPALS.contains(&r.kind.as_str()))
    {
        let Some(permissions) = r.facts.permissions() else {
            continue;
        };
        for (level, actions) in actions_on(&permissions, service, arn) {
            let policies: BTreeSet<String> = actions
                .iter()
                .flat_map(|a| granting(&permissions, a, Some(arn)))
                .collect();
            rows.push(WhoCan {
                principal: r.id.clone(),
                kind: r.kind.clone(),
                level: level.to_string(),
                actions: actions.iter().map(|a| a.to_string()).collect(),
                policies: policies.into_iter().collect(),
            });
        }
    }
    Ok(ResourceAccess {
        arn: arn.to_string(),
        rows,
    })
}

/// One CSV field: quoted when it holds a comma, quote or line break; a leading formula
/// character is neutralised (names come from the audited account).
fn field(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

fn csv(header: &str, rows: impl Iterator<Item = Vec<String>>) -> String {
    let mut out = format!("{header}\r\n");
    for row in rows {
        let cells: Vec<String> = row.iter().map(|c| field(c)).collect();
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    }
    out
}

/// The principal's permissions, one row per action (the CLI's columns, plus the policies).
pub fn principal_csv(p: &PrincipalAccess) -> String {
    csv(
        "principal,service,access_level,action,access,policies",
        p.services.iter().flat_map(|s| {
            s.levels.iter().flat_map(move |l| {
                l.actions.iter().map(move |a| {
                    vec![
                        p.id.clone(),
                        s.service.clone(),
                        l.level.clone(),
                        a.action.clone(),
                        a.access.clone(),
                        a.policies.join("; "),
                    ]
                })
            })
        }),
    )
}

/// Who can act on the resource, one row per principal and access level.
pub fn resource_csv(r: &ResourceAccess) -> String {
    csv(
        "resource,principal,access_level,actions,policies",
        r.rows.iter().map(|w| {
            vec![
                r.arn.clone(),
                w.principal.clone(),
                w.level.clone(),
                w.actions.join(" "),
                w.policies.join("; "),
            ]
        }),
    )
}

/// `ops-admin.csv`-style file-name part from a principal or resource id.
pub fn file_part(id: &str) -> String {
    let tail = id
        .rsplit(['/', ':'])
        .find(|s| !s.is_empty())
        .unwrap_or("access");
    tail.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{DEMO_BYTES, DEMO_NAME};
    use stratoscope::analyze::build_inventory;

    fn inventory() -> Inventory {
        build_inventory(&[stratoscope::Input::new(DEMO_NAME, DEMO_BYTES.to_vec())])
    }

    #[test]
    fn a_principal_summary_names_its_granting_policies() {
        let inv = inventory();
        let admin = inv
            .resources
            .iter()
            .find(|r| r.kind == "aws.iam.user" && r.name == "alice.admin")
            .expect("the demo has alice.admin");
        let p = principal(&inv, &admin.id).expect("resolved");
        assert!(p.actions > 100, "an administrator: {}", p.actions);
        let iam = p.services.iter().find(|s| s.service == "iam").expect("iam");
        let write = iam
            .levels
            .iter()
            .find(|l| l.level == "Write")
            .expect("write");
        assert!(!write.policies.is_empty());
        assert!(write.actions.iter().all(|a| !a.policies.is_empty()));
        let csv = principal_csv(&p);
        assert!(csv.starts_with("principal,service,access_level,action,access,policies\r\n"));
        assert_eq!(csv.lines().count(), p.actions + 1);
        assert!(principal(&inv, "arn:nope").is_err());
    }

    #[test]
    fn who_can_act_on_a_resource_and_through_what() {
        let inv = inventory();
        let r = resource(&inv, "arn:aws:s3:::reports.example.com/q3.csv").expect("an ARN");
        assert!(!r.rows.is_empty(), "administrators can read any object");
        assert!(r
            .rows
            .iter()
            .all(|w| !w.policies.is_empty() && !w.actions.is_empty()));
        let csv = resource_csv(&r);
        assert_eq!(csv.lines().count(), r.rows.len() + 1);
        assert!(resource(&inv, "not an arn").is_err());
        assert_eq!(field("=SUM(A1)"), "'=SUM(A1)");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(
            file_part("arn:aws:iam::123456789012:user/alice.admin"),
            "alice.admin"
        );
        assert_eq!(file_part("arn:aws:s3:::b/k y"), "k_y");
    }
}
