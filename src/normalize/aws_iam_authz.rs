//! `aws iam get-account-authorization-details`: users, groups, roles and managed policies with
//! every version. Principals keep references to managed policies and groups; the inventory stage
//! ([`crate::derive`]) resolves them, because the policies may arrive in another file.

use super::NormalizeError;
use crate::iam::policy::{account_of_arn, parse_document, PolicyRef, Statement};
use crate::{pointer, Facts, Resource, Source};
use serde_json::value::RawValue;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use std::sync::Arc;

pub fn normalize(doc: &Value, file: &str, base: &str) -> Result<Vec<Resource>, NormalizeError> {
    let mut out = Vec::new();
    let cx = Cx { doc, file, base };
    for (list, f) in LISTS {
        let Some(items) = doc.get(list) else { continue };
        let list_ptr = pointer::join(base, list);
        let items = items.as_array().ok_or_else(|| NormalizeError {
            pointer: list_ptr.clone(),
            message: format!("{list} must be an array"),
        })?;
        for (i, item) in items.iter().enumerate() {
            let ptr = pointer::join(&list_ptr, i);
            let entry = item.as_object().ok_or_else(|| NormalizeError {
                pointer: ptr.clone(),
                message: format!("{list} entries must be objects"),
            })?;
            out.push(f(&cx, entry, &ptr)?);
        }
    }
    Ok(out)
}

type EntryFn = fn(&Cx, &Map<String, Value>, &str) -> Result<Resource, NormalizeError>;

/// The lists in the order [`normalize`] reads them, with the function for their entries.
const LISTS: [(&str, EntryFn); 4] = [
    ("Policies", managed_policy as EntryFn),
    ("UserDetailList", user),
    ("GroupDetailList", group),
    ("RoleDetailList", role),
];

/// [`normalize`] over the file's text, parsing one entry at a time: a tree of a large export
/// costs about nine times the file, an entry's tree a few kilobytes. Only for a plain document
/// holding nothing but these lists (as the CLI prints it), and only when detection agrees;
/// anything else is left to the tree-based path (`None`), which also locates syntax errors.
pub fn normalize_text(text: &str, file: &str) -> Option<Result<Vec<Resource>, NormalizeError>> {
    let lists: BTreeMap<String, &RawValue> = serde_json::from_str(text).ok()?;
    if lists.len() < 2
        || !lists
            .iter()
            .all(|(k, v)| LISTS.iter().any(|(l, _)| l == k) && v.get().starts_with('['))
    {
        return None;
    }
    let mut parsed: Vec<(&str, EntryFn, Vec<&RawValue>)> = Vec::new();
    for (list, f) in LISTS {
        if let Some(raw) = lists.get(list) {
            parsed.push((list, f, serde_json::from_str(raw.get()).ok()?));
        }
    }
    // Detection sees the same keys with each list's first entry, as it would see the file.
    let mut sample = Map::new();
    for (list, _, items) in &parsed {
        let first: Vec<Value> = match items.first() {
            Some(raw) => vec![serde_json::from_str(raw.get()).ok()?],
            None => Vec::new(),
        };
        sample.insert(list.to_string(), Value::Array(first));
    }
    let sample = Value::Object(sample);
    if crate::detect::detect(&sample)
        != crate::detect::Detection::Recognized(crate::detect::Format::AwsIamAuthorizationDetails)
    {
        return None;
    }
    let cx = Cx {
        doc: &sample,
        file,
        base: "",
    };
    let mut out = Vec::new();
    for (list, f, items) in parsed {
        let list_ptr = pointer::join("", list);
        for (i, raw) in items.into_iter().enumerate() {
            let ptr = pointer::join(&list_ptr, i);
            let item: Value = serde_json::from_str(raw.get()).ok()?;
            let Some(entry) = item.as_object() else {
                return Some(Err(NormalizeError {
                    pointer: ptr,
                    message: format!("{list} entries must be objects"),
                }));
            };
            match f(&cx, entry, &ptr) {
                Ok(r) => out.push(r),
                Err(e) => return Some(Err(e)),
            }
        }
    }
    Some(Ok(out))
}

struct Cx<'a> {
    #[allow(dead_code)]
    doc: &'a Value,
    file: &'a str,
    #[allow(dead_code)]
    base: &'a str,
}

impl Cx<'_> {
    fn source(&self, ptr: &str) -> Source {
        Source {
            file: self.file.to_string(),
            pointer: ptr.to_string(),
        }
    }
}

fn required_str<'a>(
    entry: &'a Map<String, Value>,
    key: &str,
    ptr: &str,
) -> Result<&'a str, NormalizeError> {
    entry
        .get(key)
        .and_then(Value::as_str)
        .ok_or_else(|| NormalizeError {
            pointer: ptr.to_string(),
            message: format!("entry has no {key} string"),
        })
}

fn opt(entry: &Map<String, Value>, key: &str) -> Value {
    entry.get(key).cloned().unwrap_or(Value::Null)
}

fn is_aws_managed(arn: &str) -> bool {
    arn.split(':').nth(4) == Some("aws")
}

fn statements_json(statements: &[Statement]) -> Value {
    serde_json::to_value(statements).unwrap_or(Value::Array(Vec::new()))
}

fn shared(statements: Vec<Statement>) -> Arc<Vec<Arc<Statement>>> {
    Arc::new(statements.into_iter().map(Arc::new).collect())
}

fn policy_error(e: crate::iam::PolicyError) -> NormalizeError {
    NormalizeError {
        pointer: e.pointer,
        message: e.message,
    }
}

fn base_resource(
    cx: &Cx,
    kind: &str,
    arn: &str,
    name: &str,
    ptr: &str,
    attributes: Map<String, Value>,
) -> Resource {
    Resource {
        provider: "aws".into(),
        kind: kind.into(),
        id: arn.into(),
        name: name.into(),
        account: account_of_arn(arn),
        region: Some("global".into()),
        attributes,
        source: cx.source(ptr),
        sources: Default::default(),
        facts: Facts::default(),
    }
}

fn managed_policy(
    cx: &Cx,
    entry: &Map<String, Value>,
    ptr: &str,
) -> Result<Resource, NormalizeError> {
    let arn = required_str(entry, "Arn", ptr)?;
    let name = required_str(entry, "PolicyName", ptr)?;
    let default_id = entry.get("DefaultVersionId").and_then(Value::as_str);
    let versions_ptr = pointer::join(ptr, "PolicyVersionList");
    let versions = entry
        .get("PolicyVersionList")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let policy_ref = PolicyRef {
        name: name.into(),
        arn: Some(arn.into()),
        kind: "managed".into(),
        via_group: None,
    };
    let mut attrs = Map::new();
    attrs.insert("arn".into(), json!(arn));
    attrs.insert("path".into(), opt(entry, "Path"));
    attrs.insert("aws_managed".into(), json!(is_aws_managed(arn)));
    attrs.insert("attachment_count".into(), opt(entry, "AttachmentCount"));
    attrs.insert(
        "attached".into(),
        entry
            .get("AttachmentCount")
            .and_then(Value::as_u64)
            .map(|n| json!(n > 0))
            .unwrap_or(Value::Null),
    );
    attrs.insert(
        "permissions_boundary_usage_count".into(),
        opt(entry, "PermissionsBoundaryUsageCount"),
    );
    attrs.insert("default_version_id".into(), opt(entry, "DefaultVersionId"));
    attrs.insert("version_count".into(), json!(versions.len()));
    attrs.insert("create_date".into(), opt(entry, "CreateDate"));
    attrs.insert("update_date".into(), opt(entry, "UpdateDate"));
    let mut default_statements = None;
    for (i, version) in versions.iter().enumerate() {
        let vptr = pointer::join(&versions_ptr, i);
        let is_default = version
            .get("IsDefaultVersion")
            .and_then(Value::as_bool)
            .unwrap_or(false)
            || (default_id.is_some()
                && version.get("VersionId").and_then(Value::as_str) == default_id);
        if !is_default {
            continue;
        }
        let raw = version.get("Document").ok_or_else(|| NormalizeError {
            pointer: vptr.clone(),
            message: "policy version has no Document".into(),
        })?;
        let (_, statements) = parse_document(
            raw,
            &cx.source(&pointer::join(&vptr, "Document")),
            &policy_ref,
        )
        .map_err(policy_error)?;
        attrs.insert("statements".into(), statements_json(&statements));
        default_statements = Some(shared(statements));
        break;
    }
    // No default version in the export: the statements are unknown, not empty.
    let mut r = base_resource(cx, "aws.iam.policy", arn, name, ptr, attrs);
    r.facts.statements = default_statements;
    Ok(r)
}

/// Inline policies (`UserPolicyList` and friends): names plus their parsed statements.
fn inline_policies(
    cx: &Cx,
    entry: &Map<String, Value>,
    list: &str,
    ptr: &str,
) -> Result<(Vec<Value>, Vec<Statement>), NormalizeError> {
    let mut names = Vec::new();
    let mut statements = Vec::new();
    let list_ptr = pointer::join(ptr, list);
    for (i, p) in entry
        .get(list)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        let pptr = pointer::join(&list_ptr, i);
        let name = p
            .get("PolicyName")
            .and_then(Value::as_str)
            .unwrap_or("(unnamed)");
        let raw = p.get("PolicyDocument").ok_or_else(|| NormalizeError {
            pointer: pptr.clone(),
            message: "inline policy has no PolicyDocument".into(),
        })?;
        let policy_ref = PolicyRef {
            name: name.into(),
            arn: None,
            kind: "inline".into(),
            via_group: None,
        };
        let (_, mut stmts) = parse_document(
            raw,
            &cx.source(&pointer::join(&pptr, "PolicyDocument")),
            &policy_ref,
        )
        .map_err(policy_error)?;
        names.push(json!(name));
        statements.append(&mut stmts);
    }
    Ok((names, statements))
}

fn attached(entry: &Map<String, Value>) -> Vec<Value> {
    entry
        .get("AttachedManagedPolicies")
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .map(|p| json!({"name": p.get("PolicyName"), "arn": p.get("PolicyArn")}))
                .collect()
        })
        .unwrap_or_default()
}

fn principal_common(
    cx: &Cx,
    entry: &Map<String, Value>,
    inline_list: &str,
    ptr: &str,
    attrs: &mut Map<String, Value>,
) -> Result<Vec<Statement>, NormalizeError> {
    let (inline_names, inline_statements) = inline_policies(cx, entry, inline_list, ptr)?;
    let attached = attached(entry);
    attrs.insert("path".into(), opt(entry, "Path"));
    attrs.insert("create_date".into(), opt(entry, "CreateDate"));
    attrs.insert("inline_policy_count".into(), json!(inline_names.len()));
    attrs.insert("inline_policies".into(), Value::Array(inline_names));
    attrs.insert("attached_policy_count".into(), json!(attached.len()));
    attrs.insert("attached_policies".into(), Value::Array(attached));
    attrs.insert(
        "permissions_boundary".into(),
        entry
            .get("PermissionsBoundary")
            .and_then(|b| b.get("PermissionsBoundaryArn"))
            .cloned()
            .unwrap_or(Value::Null),
    );
    if let Some(tags) = entry.get("Tags") {
        attrs.insert("tags".into(), tags.clone());
    }
    Ok(inline_statements)
}

fn user(cx: &Cx, entry: &Map<String, Value>, ptr: &str) -> Result<Resource, NormalizeError> {
    let arn = required_str(entry, "Arn", ptr)?;
    let name = required_str(entry, "UserName", ptr)?;
    let mut attrs = Map::new();
    attrs.insert("arn".into(), json!(arn));
    let inline = principal_common(cx, entry, "UserPolicyList", ptr, &mut attrs)?;
    attrs.insert(
        "groups".into(),
        entry
            .get("GroupList")
            .cloned()
            .unwrap_or(Value::Array(Vec::new())),
    );
    let mut r = base_resource(cx, "aws.iam.user", arn, name, ptr, attrs);
    r.facts.statements = Some(shared(inline));
    Ok(r)
}

fn group(cx: &Cx, entry: &Map<String, Value>, ptr: &str) -> Result<Resource, NormalizeError> {
    let arn = required_str(entry, "Arn", ptr)?;
    let name = required_str(entry, "GroupName", ptr)?;
    let mut attrs = Map::new();
    attrs.insert("arn".into(), json!(arn));
    let inline = principal_common(cx, entry, "GroupPolicyList", ptr, &mut attrs)?;
    let mut r = base_resource(cx, "aws.iam.group", arn, name, ptr, attrs);
    r.facts.statements = Some(shared(inline));
    Ok(r)
}

fn role(cx: &Cx, entry: &Map<String, Value>, ptr: &str) -> Result<Resource, NormalizeError> {
    let arn = required_str(entry, "Arn", ptr)?;
    let name = required_str(entry, "RoleName", ptr)?;
    let mut attrs = Map::new();
    attrs.insert("arn".into(), json!(arn));
    let inline = principal_common(cx, entry, "RolePolicyList", ptr, &mut attrs)?;
    let path = entry.get("Path").and_then(Value::as_str).unwrap_or("/");
    attrs.insert(
        "service_linked".into(),
        json!(path.starts_with("/aws-service-role/")),
    );
    // Every role has a trust policy; an export without it leaves trust rules unknown, so the key
    // stays absent rather than null ("known to be empty").
    if let Some(raw) = entry.get("AssumeRolePolicyDocument") {
        let policy_ref = PolicyRef {
            name: format!("{name} trust policy"),
            arn: None,
            kind: "trust".into(),
            via_group: None,
        };
        let (_, stmts) = parse_document(
            raw,
            &cx.source(&pointer::join(ptr, "AssumeRolePolicyDocument")),
            &policy_ref,
        )
        .map_err(policy_error)?;
        attrs.insert("trust_statements".into(), statements_json(&stmts));
    }
    let profiles: Vec<Value> = entry
        .get("InstanceProfileList")
        .and_then(Value::as_array)
        .map(|l| l.iter().filter_map(|p| p.get("Arn").cloned()).collect())
        .unwrap_or_default();
    attrs.insert("instance_profiles".into(), Value::Array(profiles));
    attrs.insert(
        "last_used".into(),
        entry
            .get("RoleLastUsed")
            .and_then(|r| r.get("LastUsedDate"))
            .cloned()
            .unwrap_or(Value::Null),
    );
    let mut r = base_resource(cx, "aws.iam.role", arn, name, ptr, attrs);
    r.facts.statements = Some(shared(inline));
    Ok(r)
}

/// `aws iam get-role`: one role and its trust policy, but none of its permission policies. The
/// policy attributes stay absent, so the inventory stage reports the role's permissions as not
/// exported (unknown) instead of taking "none listed" for "none". A trust policy that does not
/// parse (documentation examples carry placeholders) leaves the trust facts unknown, with a note.
pub fn lone_role(
    doc: &Value,
    file: &str,
    base: &str,
) -> Result<(Vec<Resource>, Vec<String>), NormalizeError> {
    let ptr = pointer::join(base, "Role");
    let entry = doc
        .get("Role")
        .and_then(Value::as_object)
        .ok_or_else(|| NormalizeError {
            pointer: ptr.clone(),
            message: "Role must be an object".into(),
        })?;
    let cx = Cx { doc, file, base };
    let mut notes = Vec::new();
    let mut r = match role(&cx, entry, &ptr) {
        Ok(r) => r,
        Err(e) => {
            notes.push(format!(
                "the trust policy at {} could not be read ({}), so trust rules are unknown for this role",
                e.pointer, e.message
            ));
            let mut without = entry.clone();
            without.remove("AssumeRolePolicyDocument");
            role(&cx, &without, &ptr)?
        }
    };
    for key in [
        "inline_policies",
        "inline_policy_count",
        "attached_policies",
        "attached_policy_count",
        "statements",
    ] {
        r.attributes.remove(key);
    }
    r.facts.statements = None;
    if !entry.contains_key("PermissionsBoundary") {
        r.attributes.remove("permissions_boundary");
    }
    Ok((vec![r], notes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_each_list_with_pointers() {
        let doc = json!({
            "UserDetailList": [{"UserName": "alice", "Arn": "arn:aws:iam::123456789012:user/alice", "GroupList": ["admins"],
                "UserPolicyList": [{"PolicyName": "p", "PolicyDocument": "%7B%22Statement%22%3A%5B%5D%7D"}]}],
            "GroupDetailList": [], "RoleDetailList": [{"RoleName": "r", "Arn": "arn:aws:iam::123456789012:role/r", "Path": "/aws-service-role/x/",
                "AssumeRolePolicyDocument": {"Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}}],
            "Policies": [{"PolicyName": "AdministratorAccess", "Arn": "arn:aws:iam::aws:policy/AdministratorAccess", "AttachmentCount": 1, "DefaultVersionId": "v1",
                "PolicyVersionList": [{"VersionId": "v1", "IsDefaultVersion": true, "Document": {"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}}]}]
        });
        let rs = normalize(&doc, "authz.json", "").expect("normalises");
        let kinds: Vec<_> = rs.iter().map(|r| r.kind.as_str()).collect();
        assert_eq!(
            kinds,
            vec!["aws.iam.policy", "aws.iam.user", "aws.iam.role"]
        );
        assert_eq!(
            rs[0].account, None,
            "AWS-managed policies belong to no customer account"
        );
        assert_eq!(rs[0].attributes["aws_managed"], json!(true));
        assert_eq!(
            rs[0].attributes["statements"][0]["source"]["pointer"],
            json!("/Policies/0/PolicyVersionList/0/Document/Statement/0")
        );
        assert_eq!(rs[1].source.pointer, "/UserDetailList/0");
        assert_eq!(rs[1].account.as_deref(), Some("123456789012"));
        assert_eq!(rs[2].attributes["service_linked"], json!(true));
    }

    #[test]
    fn missing_arn_is_located() {
        let err = normalize(&json!({"RoleDetailList": [{"RoleName": "x"}]}), "f", "")
            .expect_err("no arn");
        assert_eq!(err.pointer, "/RoleDetailList/0");
        assert!(err.message.contains("Arn"));
    }
}
