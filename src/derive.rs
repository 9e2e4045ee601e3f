//! Facts that need the whole inventory, computed once before any rule runs: a principal's
//! effective statements (its inline policies, the managed policies attached to it, and those of
//! its groups, which may come from another file), and whether a trusted principal lies in
//! another account. Rules read these facts rather than re-deriving them.

use crate::iam::policy::Statement;
use crate::Resource;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::sync::Arc;

/// Derives inventory-level facts in place.
pub fn derive(resources: &mut [Resource]) {
    let policies: BTreeMap<String, Arc<Vec<Statement>>> = resources
        .iter()
        .filter(|r| r.kind == "aws.iam.policy")
        .filter_map(|r| Some((r.id.clone(), r.facts.statements.clone()?)))
        .collect();
    // Groups by (account, name): GroupList in a user entry names groups, not ARNs.
    let groups: BTreeMap<(Option<String>, String), Group> = resources
        .iter()
        .filter(|r| r.kind == "aws.iam.group")
        .map(|r| {
            let group = Group {
                inline: r.facts.statements.clone().unwrap_or_default(),
                attached: attached_arns(r),
            };
            ((r.account.clone(), r.name.clone()), group)
        })
        .collect();

    for r in resources.iter_mut() {
        match r.kind.as_str() {
            "aws.iam.user" | "aws.iam.group" => effective(r, &policies, &groups),
            "aws.iam.role" => {
                effective(r, &policies, &groups);
                mark_other_accounts(r);
            }
            _ => {}
        }
    }
}

struct Group {
    inline: Arc<Vec<Statement>>,
    attached: Vec<String>,
}

fn attached_arns(r: &Resource) -> Vec<String> {
    r.attributes
        .get("attached_policies")
        .and_then(Value::as_array)
        .map(|l| {
            l.iter()
                .filter_map(|p| p.get("arn").and_then(Value::as_str).map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

fn effective(
    r: &mut Resource,
    policies: &BTreeMap<String, Arc<Vec<Statement>>>,
    groups: &BTreeMap<(Option<String>, String), Group>,
) {
    let mut all: Vec<Statement> = r.facts.statements.as_deref().cloned().unwrap_or_default();
    let mut missing: Vec<String> = Vec::new();
    let add_managed = |arn: &str,
                       via: Option<&str>,
                       all: &mut Vec<Statement>,
                       missing: &mut Vec<String>| match policies.get(arn) {
        Some(stmts) => all.extend(stmts.iter().cloned().map(|mut s| {
            s.policy.via_group = via.map(str::to_string);
            s
        })),
        None => missing.push(arn.to_string()),
    };
    for arn in attached_arns(r) {
        add_managed(&arn, None, &mut all, &mut missing);
    }
    let group_names: Vec<String> = r
        .attributes
        .get("groups")
        .and_then(Value::as_array)
        .map(|l| {
            l.iter()
                .filter_map(|g| g.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    for name in group_names {
        match groups.get(&(r.account.clone(), name.clone())) {
            Some(group) => {
                all.extend(group.inline.iter().cloned().map(|mut s| {
                    s.policy.via_group = Some(name.clone());
                    s
                }));
                for arn in &group.attached {
                    add_managed(arn, Some(&name), &mut all, &mut missing);
                }
            }
            None => missing.push(format!("group {name}")),
        }
    }
    missing.sort();
    missing.dedup();
    r.attributes
        .insert("effective_statement_count".into(), json!(all.len()));
    r.attributes
        .insert("statements_complete".into(), json!(missing.is_empty()));
    r.attributes
        .insert("missing_policies".into(), json!(missing));
    r.facts.effective = Some(Arc::new(all));
}

fn mark_other_accounts(r: &mut Resource) {
    let Some(own) = r.account.clone() else { return };
    let Some(Value::Array(stmts)) = r.attributes.get_mut("trust_statements") else {
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
}
