//! Who can act on one resource: the principals whose identity policies allow it, and the
//! principals (other accounts and `*` included) the resource's own policy grants — bucket, key,
//! function, topic, queue or secret policy, as the export carries it in `policy_statements`.
//! Each answer names the statements that decide it, and the resource policy's explicit Denies
//! are applied to both sides.
//!
//! IAM's rules this follows: within one account, either an identity policy or the resource
//! policy suffices (except for KMS, whose key policy must enable IAM policies); across accounts,
//! both the caller's identity policy and the resource policy must allow, so a resource policy
//! naming another account is only half of the access.

use super::access::{actions_for, actions_on, by_level};
use super::grant::{covers_action, overlaps};
use super::policy::{Principal, Statement};
use crate::Resource;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use super::principal_access::PRINCIPALS;

/// A statement that decides some access, for evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cited {
    /// `bucket policy of reports.example.com statement "PartnerRead"`.
    pub label: String,
    pub policy_arn: Option<String>,
    pub effect: String,
    pub file: String,
    pub pointer: String,
}

impl Cited {
    fn of(s: &Statement) -> Cited {
        Cited {
            label: s.display_label(),
            policy_arn: s.policy.arn.clone(),
            effect: s.effect.to_string(),
            file: s.source.file.to_string(),
            pointer: s.source.pointer.clone(),
        }
    }
}

/// One principal's access to the resource.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reach {
    /// An inventory principal's ARN, or the principal as the resource policy names it.
    pub principal: String,
    /// `identity policy` or `resource policy`.
    pub via: String,
    /// `same account`, `other account 444455556666`, `anyone`, `AWS service`, `federated`, …
    pub relation: String,
    /// What else must hold, e.g. "the other account must also allow it".
    pub note: Option<String>,
    /// True when the granting statements are conditional (a principal granted both ways has a
    /// row for each).
    pub conditional: bool,
    /// Actions by access level (owned, so the browser's worker can hand a review over as JSON).
    pub actions: BTreeMap<String, Vec<String>>,
    pub statements: Vec<Cited>,
}

/// Whether the resource policy is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PolicyState {
    /// The export holds the resource policy.
    Known,
    /// The export says the resource has no policy.
    None,
    /// The resource, or its policy, is not in the export.
    NotExported,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Review {
    pub resource: String,
    pub owner: Option<String>,
    pub resource_policy: PolicyState,
    pub access: Vec<Reach>,
    /// Remarks on what the answer rests on.
    pub notes: Vec<String>,
}

/// The resource a (possibly object-level) ARN belongs to in the inventory: the resource itself,
/// or for an S3 object its bucket.
fn holder<'r>(resources: &'r [Resource], arn: &str) -> Option<&'r Resource> {
    let exact = resources.iter().find(|r| r.id == arn);
    exact.or_else(|| {
        let bucket = arn
            .strip_prefix("arn:aws:s3:::")
            .and_then(|rest| rest.split_once('/'))
            .map(|(b, _)| format!("arn:aws:s3:::{b}"))?;
        resources
            .iter()
            .find(|r| r.id == bucket && r.kind == "aws.s3.bucket")
    })
}

/// True when the principal entry names `who` (an inventory principal in `account`): its ARN,
/// its account (root or bare id), or anyone.
fn names(p: &Principal, who: &str, account: Option<&str>) -> bool {
    if p.everyone {
        return true;
    }
    if p.kind != "AWS" {
        return false;
    }
    p.value == who
        || (account.is_some_and(|a| p.value == a || p.value == format!("arn:aws:iam::{a}:root")))
}

/// Does this resource-policy statement apply to `who`? `NotPrincipal` applies to everyone it
/// does not name.
fn applies_to(s: &Statement, who: &str, account: Option<&str>) -> bool {
    match (&s.principals, &s.not_principals) {
        (Some(ps), _) => ps.iter().any(|p| names(p, who, account)),
        (None, Some(ex)) => !ex.iter().any(|p| names(p, who, account)),
        (None, None) => false,
    }
}

/// Actions the resource policy denies outright to `who` on `filter`.
fn denied(
    policy: &[Statement],
    action: &str,
    filter: &str,
    who: &str,
    account: Option<&str>,
) -> Option<Statement> {
    policy
        .iter()
        .find(|s| {
            s.is_deny()
                && !s.conditional()
                && covers_action(s, action)
                && overlaps(s, filter)
                && applies_to(s, who, account)
        })
        .cloned()
}

/// How a resource-policy principal relates to the resource's owner, and what else must hold.
fn relation(p: &Principal, owner: Option<&str>, service: &str) -> (String, Option<String>) {
    if p.everyone {
        return (
            "anyone".into(),
            Some("any principal of any account; principals in other accounts also need their own account's IAM policies to allow it".into()),
        );
    }
    match p.kind.as_str() {
        "Service" => ("AWS service".into(), None),
        "Federated" => ("federated identities".into(), None),
        "CanonicalUser" => ("S3 canonical user".into(), None),
        _ => {
            let whole_account =
                p.value.ends_with(":root") || p.account.as_deref() == Some(p.value.as_str());
            match (&p.account, owner) {
                (Some(a), Some(o)) if a == o => {
                    let note = whole_account.then(|| {
                        if service == "kms" {
                            "enables the account's IAM policies: its principals act with an identity-policy Allow".to_string()
                        } else {
                            "the account as a whole: its principals still need an identity-policy Allow, or are named themselves".to_string()
                        }
                    });
                    ("same account".into(), note)
                }
                (Some(a), _) => (
                    format!("other account {a}"),
                    Some(format!(
                        "the other account must also allow it: account {a}'s own IAM policies must grant {} these actions",
                        if whole_account { "its principals" } else { "this principal" }
                    )),
                ),
                (None, _) => ("unknown account".into(), None),
            }
        }
    }
}

fn owned(levels: BTreeMap<&'static str, Vec<&'static str>>) -> BTreeMap<String, Vec<String>> {
    levels
        .into_iter()
        .map(|(level, actions)| {
            (
                level.to_string(),
                actions.into_iter().map(str::to_string).collect(),
            )
        })
        .collect()
}

/// Who can act on `arn`, from the inventory.
pub fn review(resources: &[Resource], arn: &str) -> Result<Review, String> {
    let service = arn
        .split(':')
        .nth(2)
        .filter(|s| !s.is_empty() && arn.starts_with("arn:"))
        .ok_or_else(|| format!("{arn:?} is not an ARN"))?;
    let target = holder(resources, arn);
    let owner: Option<String> = target
        .and_then(|r| r.account.clone())
        .or_else(|| super::policy::account_of_arn(arn));
    let (state, policy): (PolicyState, Vec<Statement>) =
        match target.and_then(|r| r.attributes.get("policy_statements")) {
            Some(crate::attr_value::AttrValue::Null) => (PolicyState::None, Vec::new()),
            Some(v) => (
                PolicyState::Known,
                serde_json::from_value(v.to_json()).unwrap_or_default(),
            ),
            None => (PolicyState::NotExported, Vec::new()),
        };
    let mut notes = Vec::new();
    if state == PolicyState::NotExported {
        notes.push(format!(
            "the export does not include {}'s resource policy: principals it may grant, including other accounts, are not shown, and cross-account identity grants cannot be confirmed",
            arn
        ));
    }
    let candidates = actions_for(arn);
    // KMS: identity policies count only when the key policy enables them for the account.
    let kms_iam_enabled = service != "kms"
        || state != PolicyState::Known
        || policy.iter().any(|s| {
            s.is_allow()
                && s.principals.iter().flatten().any(|p| {
                    owner.as_deref().is_some_and(|o| {
                        p.kind == "AWS"
                            && (p.value == o || p.value == format!("arn:aws:iam::{o}:root"))
                    })
                })
        });
    if !kms_iam_enabled {
        notes.push("the key policy does not enable IAM policies for the key's account, so identity policies alone grant nothing on this key".into());
    }
    let mut reach = Vec::new();
    for r in resources
        .iter()
        .filter(|r| PRINCIPALS.contains(&r.kind.as_str()) && kms_iam_enabled)
    {
        let Some(permissions) = r.facts.permissions() else {
            continue;
        };
        let on = actions_on(&permissions, arn);
        if on.is_empty() {
            continue;
        }
        let account = r.account.as_deref();
        let cross = matches!((account, owner.as_deref()), (Some(a), Some(o)) if a != o);
        let filter_of = |a: &str| {
            candidates
                .iter()
                .find(|(c, _)| *c == a)
                .map(|(_, f)| f.as_str())
                .unwrap_or(arn)
        };
        let mut kept = Vec::new();
        let mut cited: Vec<Cited> = Vec::new();
        for &a in on.values().flatten() {
            let filter = filter_of(a);
            if let Some(d) = denied(&policy, a, filter, &r.id, account) {
                let c = Cited::of(&d);
                if !cited.contains(&c) {
                    cited.push(c);
                }
                continue;
            }
            // Across accounts the resource policy must allow it too.
            if cross && state != PolicyState::NotExported {
                let allowed = policy.iter().any(|s| {
                    s.is_allow()
                        && covers_action(s, a)
                        && overlaps(s, filter)
                        && applies_to(s, &r.id, account)
                });
                if !allowed {
                    continue;
                }
            }
            kept.push(a);
        }
        if kept.is_empty() {
            continue;
        }
        let g = permissions.grant(kept[0], Some(filter_of(kept[0])));
        let conditional = g.access == super::grant::Access::Conditional;
        let mut statements: Vec<Cited> = g
            .allowed_by
            .iter()
            .filter_map(|&i| permissions.statements().get(i))
            .map(|s| Cited::of(s))
            .collect();
        statements.extend(cited);
        let (relation, note) = if cross {
            (
                format!("other account {}", account.unwrap_or("?")),
                Some(match state {
                    PolicyState::NotExported => {
                        "only if the resource policy (not in the export) also allows it".to_string()
                    }
                    _ => "the resource policy allows it as well".to_string(),
                }),
            )
        } else {
            ("same account".into(), None)
        };
        reach.push(Reach {
            principal: r.id.clone(),
            via: "identity policy".into(),
            relation,
            note,
            conditional,
            actions: owned(by_level(&kept)),
            statements,
        });
    }
    reach.extend(resource_policy_reach(
        &policy,
        owner.as_deref(),
        service,
        &candidates,
    ));
    Ok(Review {
        resource: arn.to_string(),
        owner,
        resource_policy: state,
        access: reach,
        notes,
    })
}

/// What the resource policy grants one principal, conditionally or not: the actions, the
/// statements, and which of the two it is.
type Granted = (Principal, Vec<&'static str>, Vec<Cited>, bool);

/// The principals the resource policy itself grants, merged per principal.
fn resource_policy_reach(
    policy: &[Statement],
    owner: Option<&str>,
    service: &str,
    candidates: &[(&'static str, String)],
) -> Vec<Reach> {
    let mut by_principal: BTreeMap<String, Granted> = BTreeMap::new();
    for s in policy.iter().filter(|s| s.is_allow()) {
        let principals: Vec<Principal> = match (&s.principals, &s.not_principals) {
            (Some(ps), _) => ps.to_vec(),
            // NotPrincipal in an Allow grants everyone it does not name.
            (None, Some(_)) => vec![Principal {
                kind: "*".into(),
                value: "*".into(),
                account: None,
                other_account: false,
                everyone: true,
            }],
            (None, None) => continue,
        };
        for p in principals {
            let who = p.value.clone();
            let actions: Vec<&'static str> = candidates
                .iter()
                .filter(|(a, f)| covers_action(s, a) && overlaps(s, f))
                .filter(|(a, f)| denied(policy, a, f, &who, p.account.as_deref()).is_none())
                .map(|(a, _)| *a)
                .collect();
            if actions.is_empty() {
                continue;
            }
            // Conditional and unconditional grants stay apart, so a row never shows an action
            // as open that only a condition lets through.
            let conditional = s.restricts();
            let entry = by_principal
                .entry(format!("{}|{}|{conditional}", p.kind, who))
                .or_insert_with(|| (p.clone(), Vec::new(), Vec::new(), conditional));
            entry.1.extend(actions);
            entry.2.push(Cited::of(s));
        }
    }
    by_principal
        .into_values()
        .map(|(p, actions, statements, conditional)| {
            let (relation, note) = relation(&p, owner, service);
            let principal = if p.everyone {
                "*".to_string()
            } else {
                p.value.clone()
            };
            Reach {
                principal,
                via: "resource policy".into(),
                relation,
                note,
                conditional,
                actions: owned(by_level(&actions)),
                statements,
            }
        })
        .collect()
}
