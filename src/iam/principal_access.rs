//! What one principal can do: its effective permissions by service and access level, each action
//! with the statements that grant it. The CLI's `access` command and the web app's Access view
//! both answer from here, so an auditor sees the same answer, and the same CSV, in either.

use super::access::summary;
use super::grant::Permissions;
use super::policy::Statement;
use crate::Resource;
use serde::{Deserialize, Serialize};
use std::borrow::Borrow;
use std::collections::BTreeSet;

/// The resource kinds an access review treats as principals.
pub const PRINCIPALS: [&str; 3] = ["aws.iam.user", "aws.iam.group", "aws.iam.role"];

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrincipalAccess {
    pub id: String,
    pub kind: String,
    pub name: String,
    /// Managed policies the exports reference but do not contain: the principal may hold more.
    pub missing_policies: Vec<String>,
    /// The organisation levels (root, OUs, account) whose service control policies cap it.
    pub scp_levels: Vec<String>,
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
    /// Every statement that grants one of these actions.
    pub policies: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeldAction {
    pub action: String,
    /// `unconditional`, `resource-scoped` or `conditional`.
    pub access: String,
    /// The statements that allow it, named as the auditor edits them.
    pub policies: Vec<String>,
}

/// The principal `who` names: its ARN or its name. A name shared by several principals (a user
/// and a role both called `deploy`) is an error listing their ARNs, never a guess.
pub fn find<'r>(resources: &'r [Resource], who: &str) -> Result<&'r Resource, String> {
    let matches: Vec<&Resource> = resources
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

/// The statements that allow `action` (anywhere), by label.
fn granting<S: Borrow<Statement>>(permissions: &Permissions<S>, action: &str) -> Vec<String> {
    let statements = permissions.statements();
    let labels: BTreeSet<String> = permissions
        .grant(action, None)
        .allowed_by
        .iter()
        .filter_map(|&i| statements.get(i))
        .map(|s| s.borrow().display_label())
        .collect();
    labels.into_iter().collect()
}

/// What the principal `who` (ARN or unambiguous name) can do.
pub fn review(resources: &[Resource], who: &str) -> Result<PrincipalAccess, String> {
    let r = find(resources, who)?;
    let permissions = r
        .facts
        .permissions()
        .ok_or_else(|| format!("{} has no resolved permissions in these exports", r.id))?;
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
                            policies: granting(&permissions, h.action),
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
        scp_levels: permissions
            .scps()
            .iter()
            .map(|l| l.target.clone())
            .collect(),
        actions: sum.actions,
        unconditional: sum.unconditional,
        services,
    })
}
