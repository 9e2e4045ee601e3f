//! Facts that need the whole inventory, computed once before any rule runs: a principal's
//! effective statements (its inline policies, the managed policies attached to it, and those of
//! its groups, which may come from another file), and whether a trusted principal lies in
//! another account. Rules read these facts rather than re-deriving them.

use crate::attr_value::AttrValue;
use crate::attributes::{trust_statements, TRUST_STATEMENTS};
use crate::iam::assume::{self, Node};
use crate::iam::grant::{Permissions, ScpLevel, ServiceIndex};
use crate::iam::policy::{PolicyRef, Statement};
use crate::iam::privesc::admin_equivalent_for;
use crate::Resource;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::sync::Arc;

/// Derives inventory-level facts in place.
pub fn derive(resources: &mut [Resource]) {
    // Each managed policy's statements are wrapped once and shared by every principal holding it.
    let policies: BTreeMap<String, Vec<Arc<Statement>>> = resources
        .iter()
        .filter(|r| r.kind == "aws.iam.policy")
        .filter_map(|r| Some((r.id.clone(), r.facts.statements.as_deref()?.clone())))
        .collect();
    // Groups by (account, name): GroupList in a user entry names groups, not ARNs. A group's
    // statements are tagged with the group once, then shared by all its members.
    let mut groups: GroupFacts = BTreeMap::new();
    for r in resources.iter().filter(|r| r.kind == "aws.iam.group") {
        let mut via_group = Vec::new();
        let mut missing = Vec::new();
        // One tagged reference per policy, shared by its statements as the untagged one is.
        let mut tagged: Vec<(*const PolicyRef, Arc<PolicyRef>)> = Vec::new();
        let mut tag = |s: &Arc<Statement>| {
            let untagged = Arc::as_ptr(&s.policy);
            let policy = match tagged.iter().find(|(p, _)| *p == untagged) {
                Some((_, t)) => t.clone(),
                None => {
                    let mut p = PolicyRef::clone(&s.policy);
                    p.via_group = Some(r.name.clone());
                    let t = Arc::new(p);
                    tagged.push((untagged, t.clone()));
                    t
                }
            };
            Arc::new(Statement {
                policy,
                ..Statement::clone(s)
            })
        };
        via_group.extend(
            r.facts
                .statements
                .as_deref()
                .into_iter()
                .flatten()
                .map(&mut tag),
        );
        for arn in attached_arns(r) {
            match policies.get(&arn) {
                Some(stmts) => via_group.extend(stmts.iter().map(&mut tag)),
                None => missing.push(arn),
            }
        }
        groups.insert((r.account.clone(), r.name.clone()), (via_group, missing));
    }

    let scps = scps_by_account(resources);
    // Each principal's facts depend only on the tables above: runs of resources are done on
    // the machine's cores.
    let runs: Vec<&mut [Resource]> = resources.chunks_mut(RESOURCES_PER_RUN).collect();
    crate::parallel::map_ordered(runs, crate::parallel::threads(), |run| {
        for r in run {
            // SCPs do not apply to service-linked roles (nor, by construction, to the
            // management account, which has no levels).
            let capped = r
                .attributes
                .get("service_linked")
                .and_then(AttrValue::as_bool)
                != Some(true);
            let levels = r
                .account
                .as_ref()
                .and_then(|a| scps.get(a))
                .filter(|_| capped)
                .cloned();
            match r.kind.as_str() {
                "aws.iam.user" | "aws.iam.group" => effective(r, &policies, &groups, levels),
                "aws.iam.role" => {
                    effective(r, &policies, &groups, levels);
                    mark_other_accounts(r);
                }
                _ => {}
            }
        }
    });
    assumption_chains(resources);
}

/// Resources given their principal facts as one piece of work (see [`derive`]).
const RESOURCES_PER_RUN: usize = 128;

/// Records who can assume which role, and the shortest chain from each user or role to an
/// administrator-equivalent role (`admin_path`), for the privilege-escalation rule.
fn assumption_chains(resources: &mut [Resource]) {
    let members: Vec<usize> = (0..resources.len())
        .filter(|&i| matches!(resources[i].kind.as_str(), "aws.iam.user" | "aws.iam.role"))
        .collect();
    let empty: Vec<Arc<Statement>> = Vec::new();
    let (edges, paths) = {
        let trusts: Vec<_> = members
            .iter()
            .map(|&i| trust_statements(&resources[i]))
            .collect();
        let nodes: Vec<Node<Arc<Statement>>> = members
            .iter()
            .zip(&trusts)
            .map(|(&i, trust)| {
                let r = &resources[i];
                Node {
                    arn: r.id.as_str(),
                    account: r.account.as_deref(),
                    trust: trust.as_deref(),
                    permissions: r
                        .facts
                        .permissions()
                        .unwrap_or_else(|| Permissions::new(&empty, None)),
                    admin: r
                        .attributes
                        .get("admin_equivalent")
                        .and_then(AttrValue::as_bool)
                        == Some(true),
                }
            })
            .collect();
        let edges = assume::edges(&nodes);
        let paths = assume::paths_to_admin(&nodes, &edges);
        (edges, paths)
    };
    let arn = |k: usize| resources[members[k]].id.clone();
    let mut can_assume: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    let mut assumable_by: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    for e in &edges {
        can_assume.entry(e.from).or_default().push(arn(e.to));
        assumable_by.entry(e.to).or_default().push(arn(e.from));
    }
    let paths: Vec<Option<Vec<String>>> = paths
        .into_iter()
        .map(|p| p.map(|p| p.into_iter().map(arn).collect()))
        .collect();
    for (k, &i) in members.iter().enumerate() {
        let r = &mut resources[i];
        r.attributes.insert(
            "can_assume",
            json!(can_assume.remove(&k).unwrap_or_default()),
        );
        if r.kind == "aws.iam.role" {
            r.attributes.insert(
                "assumable_by",
                json!(assumable_by.remove(&k).unwrap_or_default()),
            );
        }
        if let Some(path) = &paths[k] {
            r.attributes.insert("admin_path", json!(path));
        }
    }
}

/// The SCP levels of every member account an Organizations export describes, shared by the
/// account's principals.
fn scps_by_account(resources: &[Resource]) -> BTreeMap<String, Arc<Vec<ScpLevel>>> {
    use crate::normalize::aws::organizations;
    let policies: BTreeMap<String, Arc<Vec<Statement>>> = resources
        .iter()
        .filter(|r| r.kind == organizations::POLICY)
        .filter_map(|r| {
            let id = r.attributes.get("policy_id")?.as_str()?;
            // SCPs are few and small: a plain copy keeps `scp_levels` independent of sharing.
            let statements = r.facts.statements.as_deref()?;
            Some((
                id.to_string(),
                Arc::new(statements.iter().map(|s| Statement::clone(s)).collect()),
            ))
        })
        .collect();
    resources
        .iter()
        .filter(|r| r.kind == organizations::ACCOUNT)
        .filter_map(|r| {
            let account = r.attributes.get("account_id")?.as_str()?;
            let levels = organizations::scp_levels(r, &policies);
            (!levels.is_empty()).then(|| (account.to_string(), Arc::new(levels)))
        })
        .collect()
}

/// Per group (account, name): its statements tagged with the group, and the attached policies
/// the export lacks.
type GroupFacts = BTreeMap<(Option<String>, String), (Vec<Arc<Statement>>, Vec<String>)>;

fn attached_arns(r: &Resource) -> Vec<String> {
    r.attributes
        .get("attached_policies")
        .and_then(AttrValue::as_array)
        .map(|l| {
            l.iter()
                .filter_map(|p| p.get("arn").and_then(AttrValue::as_str).map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

fn effective(
    r: &mut Resource,
    policies: &BTreeMap<String, Vec<Arc<Statement>>>,
    groups: &GroupFacts,
    scps: Option<Arc<Vec<ScpLevel>>>,
) {
    let mut all: Vec<Arc<Statement>> = r
        .facts
        .statements
        .as_deref()
        .into_iter()
        .flatten()
        .cloned()
        .collect();
    let mut missing: Vec<String> = Vec::new();
    if !r.attributes.contains_key("attached_policies") {
        // Known only from an output such as `aws iam get-role`, which lists no policies.
        missing.push(
            "its permission policies (the export holds only the principal itself; add \
             `aws iam get-account-authorization-details`)"
                .into(),
        );
    }
    for arn in attached_arns(r) {
        match policies.get(&arn) {
            Some(stmts) => all.extend(stmts.iter().cloned()),
            None => missing.push(arn),
        }
    }
    let group_names: Vec<String> = r
        .attributes
        .get("groups")
        .and_then(AttrValue::as_array)
        .map(|l| {
            l.iter()
                .filter_map(|g| g.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    for name in group_names {
        match groups.get(&(r.account.clone(), name.clone())) {
            Some((stmts, group_missing)) => {
                all.extend(stmts.iter().cloned());
                missing.extend(group_missing.iter().cloned());
            }
            None => missing.push(format!("group {name}")),
        }
    }
    // A permissions boundary caps everything above; without its policy we cannot say what the
    // principal may do, so it counts as missing.
    let boundary_arn = r
        .attributes
        .get("permissions_boundary")
        .and_then(AttrValue::as_str)
        .map(str::to_string);
    let boundary: Option<Arc<Vec<Arc<Statement>>>> = match boundary_arn {
        Some(arn) => match policies.get(&arn) {
            Some(stmts) => Some(Arc::new(stmts.clone())),
            None => {
                missing.push(format!("permissions boundary {arn}"));
                None
            }
        },
        None => None,
    };
    missing.sort();
    missing.dedup();
    // Admin-equivalence is asked by several rules (and by preconditions); decide it once. It is
    // left out (unknown) when policies are missing and what we see is not already admin.
    let effective_index = ServiceIndex::build(&all);
    let boundary_index = boundary.as_deref().map(|b| ServiceIndex::build(b));
    let admin = {
        let permissions = Permissions::with_indices(
            (&all, &effective_index),
            boundary
                .as_deref()
                .map(Vec::as_slice)
                .zip(boundary_index.as_ref()),
        )
        .with_scps(scps.as_deref().map(Vec::as_slice).unwrap_or_default());
        admin_equivalent_for(&permissions).is_some()
    };
    let boundary_missing = missing
        .iter()
        .any(|m| m.starts_with("permissions boundary"));
    match (admin, missing.is_empty()) {
        (true, _) if !boundary_missing => r.attributes.insert("admin_equivalent", json!(true)),
        (false, true) => r.attributes.insert("admin_equivalent", json!(false)),
        _ => None,
    };
    r.attributes
        .insert("effective_statement_count", json!(all.len()));
    r.attributes
        .insert("statements_complete", json!(missing.is_empty()));
    r.attributes.insert("missing_policies", json!(missing));
    r.facts.effective_index = Some(Arc::new(effective_index));
    r.facts.boundary_index = boundary_index.map(Arc::new);
    r.facts.effective = Some(Arc::new(all));
    r.facts.boundary = boundary;
    if let Some(levels) = &scps {
        r.attributes.insert(
            "service_control_policy_levels",
            json!(levels.iter().map(|l| &l.target).collect::<Vec<_>>()),
        );
    }
    r.facts.scps = scps;
}

fn mark_other_accounts(r: &mut Resource) {
    let Some(own) = r.account.clone() else { return };
    for s in r.typed.trust_statements.iter_mut().flatten() {
        for p in s.principals.iter_mut().flatten() {
            p.other_account = p.account.as_deref().is_some_and(|a| a != own);
        }
    }
    // Trust statements read back as JSON (see `attributes::trust_statements`) alike.
    // Rare (only a resource read back from a serialised inventory), so edited as JSON.
    let Some(tree) = r.attributes.get(TRUST_STATEMENTS) else {
        return;
    };
    let mut tree = tree.to_json();
    let Value::Array(stmts) = &mut tree else {
        return;
    };
    for stmt in stmts {
        if let Some(Value::Array(principals)) = stmt.get_mut("principals") {
            for p in principals {
                let other = p
                    .get("account")
                    .and_then(Value::as_str)
                    .is_some_and(|a| a != own);
                if let Some(obj) = p.as_object_mut() {
                    obj.insert("other_account".into(), json!(other));
                }
            }
        }
    }
    r.attributes.insert(TRUST_STATEMENTS, tree);
}
