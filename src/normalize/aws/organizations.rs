//! AWS Organizations: the organisation tree and its service control policies (SCPs), so the IAM
//! engine can cap every principal's permissions by the SCPs between the root and its account.
//!
//! Kinds (ids are the Organizations ARNs, which carry the management account's id):
//! - `aws.organizations.organization` (`describe-organization`): `organization_id`,
//!   `management_account_id`, `feature_set`.
//! - `aws.organizations.root` (`list-roots`): `root_id`, `scp_enabled` (the root's policy types
//!   list SERVICE_CONTROL_POLICY as ENABLED).
//! - `aws.organizations.organizational_unit` (`list-organizational-units-for-parent
//!   --parent-id`): `ou_id`, `parent_id`.
//! - `aws.organizations.account` (`list-accounts`, `list-accounts-for-parent --parent-id`, and
//!   the ACCOUNT targets of `list-targets-for-policy`): `account_id`, `status`, `parent_id`
//!   (from `*-for-parent`); derived: `management_account` (SCPs never apply to it),
//!   `service_control_policies` (the levels from the root to the account, root first:
//!   `[{target_id, target_type, target, policies: [{policy_id, name, arn}], complete}]`, see
//!   [`crate::iam::grant::ScpLevel`]), `scp_path_complete` (every organizational unit between
//!   the root and the account is known; SCPs of unknown units are not applied, which can only
//!   overstate what principals may do).
//! - `aws.organizations.policy` (`list-policies --filter SERVICE_CONTROL_POLICY`, `describe-policy
//!   --policy-id`, `list-targets-for-policy --policy-id`): `policy_id`, `policy_type`,
//!   `aws_managed`, `listed` (true from `list-policies`: the export knows the policy set),
//!   `statements` (the content parsed by the IAM engine, also kept typed in the resource's facts),
//!   `targets` (`[{target_id, type, name}]`).
//!
//! `list-policies`, `describe-policy`, `list-targets-for-policy` and `list-accounts-for-parent`
//! share their shapes with other services' outputs (IAM's `Policies`, S3's `Policy`,
//! EventBridge's `Targets`, `list-accounts`), so only their bundle entries are read.

use super::{list, required, str_at, Command, Cx, Reply};
use crate::attr_value::AttrValue;
use crate::iam::grant::ScpLevel;
use crate::iam::policy::{account_of_arn, parse_document, PolicyRef, Statement};
use crate::normalize::NormalizeError;
use crate::Resource;
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

pub const ORGANIZATION: &str = "aws.organizations.organization";
pub const ROOT: &str = "aws.organizations.root";
pub const UNIT: &str = "aws.organizations.organizational_unit";
pub const ACCOUNT: &str = "aws.organizations.account";
pub const POLICY: &str = "aws.organizations.policy";

const SCP: &str = "SERVICE_CONTROL_POLICY";
/// The account belongs to no organisation: there is nothing to read, and no SCP applies.
const NOT_IN_USE: &str = "AWSOrganizationsNotInUseException";
/// The AWS-managed SCP attached everywhere by default. Its content is fixed and documented, so
/// an export that lists it without describing it still says what it allows.
const FULL_ACCESS: &str = "p-FullAWSAccess";
const FULL_ACCESS_CONTENT: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;

pub const COMMANDS: &[Command] = &[
    Command {
        id: "aws-organizations-describe-organization",
        service: "organizations",
        operation: "describe-organization",
        signature: &["Organization"],
        kinds: &[ORGANIZATION],
        absent_codes: &[NOT_IN_USE],
        normalize: describe_organization,
    },
    Command {
        id: "aws-organizations-list-roots",
        service: "organizations",
        operation: "list-roots",
        signature: &["Roots"],
        kinds: &[ROOT],
        absent_codes: &[NOT_IN_USE],
        normalize: list_roots,
    },
    Command {
        id: "aws-organizations-list-accounts",
        service: "organizations",
        operation: "list-accounts",
        signature: &["Accounts"],
        kinds: &[ACCOUNT],
        absent_codes: &[],
        normalize: list_accounts,
    },
    Command {
        id: "aws-organizations-list-accounts-for-parent",
        service: "organizations",
        operation: "list-accounts-for-parent",
        signature: &[],
        kinds: &[ACCOUNT],
        absent_codes: &[],
        normalize: list_accounts,
    },
    Command {
        id: "aws-organizations-list-organizational-units-for-parent",
        service: "organizations",
        operation: "list-organizational-units-for-parent",
        signature: &["OrganizationalUnits"],
        kinds: &[UNIT],
        absent_codes: &[],
        normalize: list_units,
    },
    Command {
        id: "aws-organizations-list-policies",
        service: "organizations",
        operation: "list-policies",
        signature: &[],
        kinds: &[POLICY],
        absent_codes: &[],
        normalize: list_policies,
    },
    Command {
        id: "aws-organizations-describe-policy",
        service: "organizations",
        operation: "describe-policy",
        signature: &[],
        kinds: &[POLICY],
        absent_codes: &[],
        normalize: describe_policy,
    },
    Command {
        id: "aws-organizations-list-targets-for-policy",
        service: "organizations",
        operation: "list-targets-for-policy",
        signature: &[],
        kinds: &[POLICY],
        absent_codes: &[],
        normalize: list_targets,
    },
];

fn output<'v>(reply: Reply<'v>) -> Option<&'v Value> {
    match reply {
        Reply::Output(doc) => Some(doc),
        Reply::Absent(_) => None,
    }
}

/// An Organizations resource. Its account is the one its ARN names (the management account),
/// not the account the call ran in, which may be a delegated administrator.
fn global(cx: &Cx, kind: &str, id: &str, name: &str, ptr: &str, a: Map<String, Value>) -> Resource {
    let mut r = cx.resource(kind, id, name, Some("global"), ptr, a);
    if let Some(owner) = account_of_arn(id) {
        r.account = Some(owner);
    }
    r
}

fn describe_organization(cx: &Cx, reply: Reply) -> Result<Vec<Resource>, NormalizeError> {
    let Some(doc) = output(reply) else {
        return Ok(Vec::new());
    };
    let ptr = cx.at("Organization");
    let Some(org) = doc.get("Organization").and_then(Value::as_object) else {
        return Err(NormalizeError {
            pointer: ptr,
            message: "Organization must be an object".into(),
        });
    };
    let arn = required(org, "Arn", &ptr)?;
    let id = required(org, "Id", &ptr)?;
    let mut a = Map::new();
    a.insert("organization_id".into(), json!(id));
    for (key, attr) in [
        ("MasterAccountId", "management_account_id"),
        ("FeatureSet", "feature_set"),
    ] {
        if let Some(v) = org.get(key) {
            a.insert(attr.into(), v.clone());
        }
    }
    Ok(vec![global(cx, ORGANIZATION, arn, id, &ptr, a)])
}

/// True when a `PolicyTypes` list enables SCPs.
fn scp_enabled(types: &Value) -> bool {
    types.as_array().into_iter().flatten().any(|t| {
        t.get("Type").and_then(Value::as_str) == Some(SCP)
            && t.get("Status").and_then(Value::as_str) == Some("ENABLED")
    })
}

/// The entries of an Organizations list (`Roots`, `Accounts`, `OrganizationalUnits`): each
/// with its ARN as id, its `Id` under `id_attr`, the `parent-id` it was listed under, and what
/// `extra` reads from the entry.
fn entries(
    cx: &Cx,
    reply: Reply,
    key: &str,
    kind: &str,
    id_attr: &str,
    extra: fn(&Map<String, Value>, &mut Map<String, Value>),
) -> Result<Vec<Resource>, NormalizeError> {
    let Some(doc) = output(reply) else {
        return Ok(Vec::new());
    };
    let parent = cx.arg("parent-id");
    let mut out = Vec::new();
    for (ptr, m) in list(doc, key, cx)? {
        let arn = required(m, "Arn", &ptr)?;
        let id = required(m, "Id", &ptr)?;
        let mut a = Map::new();
        a.insert(id_attr.into(), json!(id));
        if let Some(p) = parent {
            a.insert("parent_id".into(), json!(p));
        }
        extra(m, &mut a);
        let name = str_at(m, "Name").unwrap_or(id);
        out.push(global(cx, kind, arn, name, &ptr, a));
    }
    Ok(out)
}

fn list_roots(cx: &Cx, reply: Reply) -> Result<Vec<Resource>, NormalizeError> {
    entries(cx, reply, "Roots", ROOT, "root_id", |m, a| {
        if let Some(types) = m.get("PolicyTypes") {
            a.insert("scp_enabled".into(), json!(scp_enabled(types)));
        }
    })
}

fn list_accounts(cx: &Cx, reply: Reply) -> Result<Vec<Resource>, NormalizeError> {
    entries(cx, reply, "Accounts", ACCOUNT, "account_id", |m, a| {
        if let Some(status) = m.get("Status") {
            a.insert("status".into(), status.clone());
        }
    })
}

fn list_units(cx: &Cx, reply: Reply) -> Result<Vec<Resource>, NormalizeError> {
    if output(reply).is_some() {
        cx.arg_or_note(
            "parent-id",
            "organizations list-organizational-units-for-parent",
        );
    }
    entries(cx, reply, "OrganizationalUnits", UNIT, "ou_id", |_, _| {})
}

/// The policy's summary attributes (`list-policies` entries and `describe-policy`'s
/// `PolicySummary` share the shape).
fn summary(
    m: &Map<String, Value>,
    ptr: &str,
) -> Result<(String, Map<String, Value>), NormalizeError> {
    let arn = required(m, "Arn", ptr)?.to_string();
    let mut a = Map::new();
    a.insert("policy_id".into(), json!(required(m, "Id", ptr)?));
    for (key, attr) in [("Type", "policy_type"), ("AwsManaged", "aws_managed")] {
        if let Some(v) = m.get(key) {
            a.insert(attr.into(), v.clone());
        }
    }
    Ok((arn, a))
}

fn list_policies(cx: &Cx, reply: Reply) -> Result<Vec<Resource>, NormalizeError> {
    let Some(doc) = output(reply) else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for (ptr, m) in list(doc, "Policies", cx)? {
        let (arn, mut a) = summary(m, &ptr)?;
        a.insert("listed".into(), json!(true));
        let name = str_at(m, "Name").unwrap_or(&arn).to_string();
        out.push(global(cx, POLICY, &arn, &name, &ptr, a));
    }
    Ok(out)
}

fn policy_ref(name: &str, arn: &str) -> PolicyRef {
    PolicyRef {
        name: name.to_string(),
        arn: Some(arn.to_string()),
        kind: "service control".into(),
        via_group: None,
    }
}

fn describe_policy(cx: &Cx, reply: Reply) -> Result<Vec<Resource>, NormalizeError> {
    let Some(doc) = output(reply) else {
        return Ok(Vec::new());
    };
    let ptr = cx.at("Policy");
    let policy = doc.get("Policy").and_then(Value::as_object);
    let sum = policy
        .and_then(|p| p.get("PolicySummary"))
        .and_then(Value::as_object);
    let (Some(policy), Some(sum)) = (policy, sum) else {
        return Err(NormalizeError {
            pointer: ptr,
            message: "Policy must be an object with a PolicySummary".into(),
        });
    };
    let sum_ptr = crate::pointer::join(&ptr, "PolicySummary");
    let (arn, mut a) = summary(sum, &sum_ptr)?;
    let name = str_at(sum, "Name").unwrap_or(&arn).to_string();
    let mut r = global(cx, POLICY, &arn, &name, &ptr, a.clone());
    if let Some(content) = policy.get("Content") {
        let content_ptr = crate::pointer::join(&ptr, "Content");
        match parse_document(content, &cx.source(&content_ptr), &policy_ref(&name, &arn)) {
            Ok((_, statements)) => {
                a.insert(
                    "statements".into(),
                    serde_json::to_value(&statements).unwrap_or(Value::Null),
                );
                r.attributes = a.into();
                r.facts.statements = Some(Arc::new(statements.into_iter().map(Arc::new).collect()));
            }
            Err(e) => cx.note(format!("SCP {name} could not be read: {e}")),
        }
    }
    Ok(vec![r])
}

/// The ARN of an SCP from one of its targets' ARNs, which carry the management account and the
/// organisation: `arn:aws:organizations::111111111111:ou/o-abc/ou-…` →
/// `arn:aws:organizations::111111111111:policy/o-abc/service_control_policy/p-…`. AWS-managed
/// policies (mixed-case ids such as `p-FullAWSAccess`) live under the `aws` account instead.
fn scp_arn(cx: &Cx, policy_id: &str, target_arn: Option<&str>) -> String {
    let partition = cx.partition;
    if policy_id.bytes().any(|b| b.is_ascii_uppercase()) {
        return format!(
            "arn:{partition}:organizations::aws:policy/service_control_policy/{policy_id}"
        );
    }
    let parsed = target_arn.and_then(|t| {
        let (prefix, rest) = t.rsplit_once(':')?;
        let org = rest.split('/').nth(1)?;
        Some(format!(
            "{prefix}:policy/{org}/service_control_policy/{policy_id}"
        ))
    });
    parsed.unwrap_or_else(|| {
        format!(
            "arn:{partition}:organizations::{}:policy/service_control_policy/{policy_id}",
            cx.account.unwrap_or("")
        )
    })
}

fn list_targets(cx: &Cx, reply: Reply) -> Result<Vec<Resource>, NormalizeError> {
    let Some(doc) = output(reply) else {
        return Ok(Vec::new());
    };
    let Some(policy_id) = cx.arg_or_note("policy-id", "organizations list-targets-for-policy")
    else {
        return Ok(Vec::new());
    };
    let mut targets = Vec::new();
    let mut out = Vec::new();
    let mut first_arn = None;
    for (ptr, m) in list(doc, "Targets", cx)? {
        let id = required(m, "TargetId", &ptr)?;
        let kind = str_at(m, "Type").unwrap_or("");
        targets.push(json!({"target_id": id, "type": kind, "name": m.get("Name")}));
        let arn = str_at(m, "Arn");
        first_arn = first_arn.or(arn);
        // An account target is a member account even when list-accounts was not collected.
        if let (Some(arn), "ACCOUNT") = (arn, kind) {
            let mut a = Map::new();
            a.insert("account_id".into(), json!(id));
            out.push(global(
                cx,
                ACCOUNT,
                arn,
                str_at(m, "Name").unwrap_or(id),
                &ptr,
                a,
            ));
        }
    }
    let mut a = Map::new();
    a.insert("policy_id".into(), json!(policy_id));
    a.insert("targets".into(), Value::Array(targets));
    let arn = scp_arn(cx, policy_id, first_arn);
    out.push(global(cx, POLICY, &arn, policy_id, &cx.at("Targets"), a));
    Ok(out)
}

fn text<'r>(r: &'r Resource, key: &str) -> Option<&'r str> {
    r.attributes.get(key).and_then(AttrValue::as_str)
}

/// Joins the policy fragments by policy id (a `list-targets-for-policy` fragment's ARN is
/// reconstructed and may differ), fills in FullAWSAccess's content when only listed, and lays
/// out each member account's SCP levels.
pub fn derive(resources: &mut Vec<Resource>) {
    merge_policies(resources);
    let policies: BTreeMap<String, &Resource> = resources
        .iter()
        .filter(|r| r.kind == POLICY)
        .filter_map(|r| Some((text(r, "policy_id")?.to_string(), r)))
        .collect();
    if resources.iter().all(|r| r.kind != ACCOUNT) {
        return;
    }
    let is_scp = |r: &Resource| text(r, "policy_type").is_none_or(|t| t == SCP);
    let scps: Vec<(&String, &&Resource)> = policies.iter().filter(|(_, r)| is_scp(r)).collect();
    let listing_known = scps
        .iter()
        .any(|(_, r)| r.attributes.get("listed").and_then(AttrValue::as_bool) == Some(true));
    let all_targets_known = scps
        .iter()
        .all(|(_, r)| r.attributes.contains_key("targets"));
    // Target id → attached SCPs.
    let mut attached: BTreeMap<String, Vec<&Resource>> = BTreeMap::new();
    let mut target_names: BTreeMap<String, (String, String)> = BTreeMap::new();
    for (_, r) in &scps {
        for t in r
            .attributes
            .get("targets")
            .and_then(AttrValue::as_array)
            .into_iter()
            .flatten()
        {
            let Some(id) = t.get("target_id").and_then(AttrValue::as_str) else {
                continue;
            };
            attached.entry(id.to_string()).or_default().push(r);
            let kind = t.get("type").and_then(AttrValue::as_str).unwrap_or("");
            let name = t.get("name").and_then(AttrValue::as_str).unwrap_or("");
            target_names.insert(id.to_string(), (kind.to_string(), name.to_string()));
        }
    }
    let roots: Vec<&Resource> = resources.iter().filter(|r| r.kind == ROOT).collect();
    let scp_disabled = roots
        .iter()
        .any(|r| r.attributes.get("scp_enabled").and_then(AttrValue::as_bool) == Some(false));
    let root_id: Option<String> = roots
        .iter()
        .find_map(|r| text(r, "root_id").map(str::to_string))
        .or_else(|| {
            target_names
                .iter()
                .find(|(_, (kind, _))| kind == "ROOT")
                .map(|(id, _)| id.clone())
        });
    let mut parents: BTreeMap<String, String> = BTreeMap::new();
    let mut unit_names: BTreeMap<String, String> = BTreeMap::new();
    for r in resources.iter().filter(|r| r.kind == UNIT) {
        if let Some(id) = text(r, "ou_id") {
            unit_names.insert(id.to_string(), r.name.clone());
            if let Some(p) = text(r, "parent_id") {
                parents.insert(id.to_string(), p.to_string());
            }
        }
    }
    let management: Option<String> = resources
        .iter()
        .find(|r| r.kind == ORGANIZATION)
        .and_then(|r| text(r, "management_account_id").map(str::to_string))
        .or_else(|| {
            // Organizations ARNs carry the management account in their account field.
            resources
                .iter()
                .filter(|r| matches!(r.kind.as_str(), ROOT | UNIT | ACCOUNT))
                .find_map(|r| account_of_arn(&r.id))
        });
    let level = |target: &str, kind: &str, label: String| -> Value {
        let on: &[&Resource] = attached.get(target).map(Vec::as_slice).unwrap_or_default();
        let complete =
            listing_known && all_targets_known && on.iter().all(|p| p.facts.statements.is_some());
        json!({
            "target_id": target,
            "target_type": kind,
            "target": label,
            "policies": on.iter().map(|p| json!({
                "policy_id": text(p, "policy_id"), "name": p.name, "arn": p.id})).collect::<Vec<_>>(),
            "complete": complete,
        })
    };
    let mut updates: Vec<(usize, Map<String, Value>)> = Vec::new();
    for (i, r) in resources
        .iter()
        .enumerate()
        .filter(|(_, r)| r.kind == ACCOUNT)
    {
        let Some(account) = text(r, "account_id") else {
            continue;
        };
        let mut a = Map::new();
        let is_management = management.as_deref() == Some(account);
        a.insert("management_account".into(), json!(is_management));
        if is_management || scp_disabled {
            a.insert("service_control_policies".into(), json!([]));
            a.insert("scp_path_complete".into(), json!(true));
            updates.push((i, a));
            continue;
        }
        // Walk up from the account; a loop in bad input stops at the first repeat.
        let mut chain: Vec<String> = Vec::new();
        let mut seen = BTreeSet::new();
        let mut at = text(r, "parent_id").map(str::to_string);
        while let Some(p) = at {
            if !seen.insert(p.clone()) || Some(&p) == root_id.as_ref() || p.starts_with("r-") {
                break;
            }
            at = parents.get(&p).cloned();
            chain.push(p);
        }
        let reached_root = match chain.last().and_then(|l| parents.get(l)) {
            Some(p) => p.starts_with("r-"),
            None => text(r, "parent_id").is_some_and(|p| p.starts_with("r-")),
        };
        let mut levels = Vec::new();
        if let Some(root) = &root_id {
            levels.push(level(root, "ROOT", format!("root {root}")));
        }
        for ou in chain.iter().rev() {
            let name = unit_names
                .get(ou)
                .cloned()
                .or_else(|| target_names.get(ou).map(|(_, n)| n.clone()))
                .filter(|n| !n.is_empty() && n != ou);
            let label = match name {
                Some(n) => format!("organizational unit {ou} ({n})"),
                None => format!("organizational unit {ou}"),
            };
            levels.push(level(ou, "ORGANIZATIONAL_UNIT", label));
        }
        levels.push(level(account, "ACCOUNT", format!("account {account}")));
        a.insert("service_control_policies".into(), Value::Array(levels));
        a.insert("scp_path_complete".into(), json!(reached_root));
        updates.push((i, a));
    }
    for (i, a) in updates {
        resources[i].attributes.extend(a);
    }
}

/// Folds every fragment of one policy into the fragment that carries its real ARN (from
/// `list-policies` or `describe-policy`), and gives FullAWSAccess its known content.
fn merge_policies(resources: &mut Vec<Resource>) {
    let mut first: BTreeMap<String, usize> = BTreeMap::new();
    let mut moves: Vec<(usize, usize)> = Vec::new();
    for (i, r) in resources
        .iter()
        .enumerate()
        .filter(|(_, r)| r.kind == POLICY)
    {
        let Some(id) = text(r, "policy_id") else {
            continue;
        };
        match first.get(id) {
            None => {
                first.insert(id.to_string(), i);
            }
            Some(&j) => moves.push((i, j)),
        }
    }
    // A reconstructed fragment (targets only) yields to a summary fragment.
    let summary = |r: &Resource| r.attributes.contains_key("policy_type");
    let mut removed = BTreeSet::new();
    for (i, j) in moves {
        let (keep, drop) = if summary(&resources[j]) || !summary(&resources[i]) {
            (j, i)
        } else {
            (i, j)
        };
        let other = resources[drop].clone();
        resources[keep].merge(other);
        removed.insert(drop);
        if let Some(id) = text(&resources[keep], "policy_id") {
            first.insert(id.to_string(), keep);
        }
    }
    let mut idx = 0;
    resources.retain(|_| {
        idx += 1;
        !removed.contains(&(idx - 1))
    });
    for r in resources.iter_mut().filter(|r| r.kind == POLICY) {
        if text(r, "policy_id") == Some(FULL_ACCESS) && r.facts.statements.is_none() {
            let doc = Value::String(FULL_ACCESS_CONTENT.into());
            let policy = policy_ref(&r.name, &r.id);
            if let Ok((_, statements)) = parse_document(&doc, &r.source, &policy) {
                r.facts.statements = Some(Arc::new(statements.into_iter().map(Arc::new).collect()));
            }
        }
    }
}

/// The SCP levels recorded on an `aws.organizations.account` (root first) with each level's
/// statements, for the IAM derivation. `policies` maps policy ids to their statements; a level
/// naming a policy whose content the export lacks is incomplete.
pub fn scp_levels(
    account: &Resource,
    policies: &BTreeMap<String, Arc<Vec<Statement>>>,
) -> Vec<ScpLevel> {
    let mut out = Vec::new();
    for level in account
        .attributes
        .get("service_control_policies")
        .and_then(AttrValue::as_array)
        .into_iter()
        .flatten()
    {
        let label = level
            .get("target")
            .and_then(AttrValue::as_str)
            .unwrap_or("")
            .to_string();
        let mut complete = level.get("complete").and_then(AttrValue::as_bool) == Some(true);
        let mut statements = Vec::new();
        for p in level
            .get("policies")
            .and_then(AttrValue::as_array)
            .into_iter()
            .flatten()
        {
            match p
                .get("policy_id")
                .and_then(AttrValue::as_str)
                .and_then(|id| policies.get(id))
            {
                Some(s) => statements.extend(s.iter().cloned().map(Arc::new)),
                None => complete = false,
            }
        }
        out.push(ScpLevel::new(label, statements, complete));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn scp_arns_from_targets() {
        let cx = Cx {
            account: Some("111111111111"),
            ..Cx::new("b.json", "")
        };
        assert_eq!(
            scp_arn(
                &cx,
                "p-examplepolicyid111",
                Some("arn:aws:organizations::111111111111:ou/o-exampleorgid/ou-ab12-cd34ef56")
            ),
            "arn:aws:organizations::111111111111:policy/o-exampleorgid/service_control_policy/p-examplepolicyid111"
        );
        assert_eq!(
            scp_arn(&cx, FULL_ACCESS, None),
            "arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess"
        );
        assert!(
            scp_arn(&cx, "p-x", None).ends_with("111111111111:policy/service_control_policy/p-x")
        );
    }

    #[test]
    fn roots_say_whether_scps_are_enabled() {
        assert!(scp_enabled(
            &json!([{"Type": "SERVICE_CONTROL_POLICY", "Status": "ENABLED"}])
        ));
        assert!(!scp_enabled(
            &json!([{"Type": "TAG_POLICY", "Status": "ENABLED"}])
        ));
        assert!(!scp_enabled(&json!([])));
    }

    /// Runs one organizations command as a bundle entry would, with `args`.
    fn run(f: super::super::NormalizeFn, args: Value, doc: Value) -> Vec<Resource> {
        let cx = Cx {
            account: Some("111122223333"),
            args: args.as_object(),
            ..Cx::new("b.json", "/outputs/0/output")
        };
        f(&cx, Reply::Output(&doc)).expect("reads")
    }

    #[test]
    fn partial_exports_leave_levels_incomplete_and_paths_open() {
        let mut rs = run(
            list_accounts,
            json!({"parent-id": "ou-ab12-unknown1"}),
            json!({"Accounts": [{"Id": "123456789012", "Arn": "arn:aws:organizations::111122223333:account/o-a1b2c3d4e5/123456789012", "Name": "prod", "Status": "ACTIVE"}]}),
        );
        // Targets known for one SCP, but no list-policies and no content: only its Denies could
        // apply, and there are none to read.
        rs.extend(run(
            list_targets,
            json!({"policy-id": "p-denyiam01"}),
            json!({"Targets": [{"TargetId": "r-ab12", "Arn": "arn:aws:organizations::111122223333:root/o-a1b2c3d4e5/r-ab12", "Name": "Root", "Type": "ROOT"}]}),
        ));
        derive(&mut rs);
        let prod = rs.iter().find(|r| r.kind == ACCOUNT).expect("account");
        assert_eq!(prod.attributes["management_account"], json!(false));
        assert_eq!(prod.attributes["scp_path_complete"], json!(false));
        let levels = prod.attributes["service_control_policies"]
            .as_array()
            .expect("levels");
        assert_eq!(
            levels.len(),
            3,
            "root, the known OU, the account: {levels:?}"
        );
        assert_eq!(levels[0]["target"], json!("root r-ab12"));
        assert_eq!(levels[0]["policies"][0]["policy_id"], json!("p-denyiam01"));
        assert!(levels.iter().all(|l| l["complete"] == json!(false)));
        let policy = rs.iter().find(|r| r.kind == POLICY).expect("policy");
        assert_eq!(
            policy.id,
            "arn:aws:organizations::111122223333:policy/o-a1b2c3d4e5/service_control_policy/p-denyiam01"
        );
        assert!(scp_levels(prod, &BTreeMap::new())
            .iter()
            .all(|l| !l.complete));
    }

    #[test]
    fn scps_disabled_at_the_root_apply_nowhere() {
        let mut rs = run(
            list_roots,
            json!({}),
            json!({"Roots": [{"Id": "r-ab12", "Arn": "arn:aws:organizations::111122223333:root/o-a1b2c3d4e5/r-ab12", "Name": "Root", "PolicyTypes": []}]}),
        );
        rs.extend(run(
            list_accounts,
            json!({}),
            json!({"Accounts": [{"Id": "123456789012", "Arn": "arn:aws:organizations::111122223333:account/o-a1b2c3d4e5/123456789012", "Name": "prod"}]}),
        ));
        derive(&mut rs);
        let prod = rs.iter().find(|r| r.kind == ACCOUNT).expect("account");
        assert_eq!(prod.attributes["service_control_policies"], json!([]));
        assert_eq!(prod.account.as_deref(), Some("111122223333"));
    }
}
