//! Bucket ACLs in one shape, whether `get-bucket-acl` printed them (`Grants[].Grantee.URI`,
//! `Permission: "FULL_CONTROL"`) or AWS Config serialised them (`grantList[].grantee:
//! "AllUsers"`, `permission: "FullControl"`, often as a JSON string inside a JSON string).

use super::super::snake;
use serde_json::{json, Map, Value};

/// The five ACL permissions, as the S3 API spells them. FULL_CONTROL implies the other four.
pub const PERMISSIONS: [&str; 5] = ["READ", "WRITE", "READ_ACP", "WRITE_ACP", "FULL_CONTROL"];

/// `FullControl` (Config) and `FULL_CONTROL` (CLI) → `FULL_CONTROL`.
fn permission(p: &str) -> String {
    snake(p).to_ascii_uppercase()
}

/// One grant: `grantee_type` is `CanonicalUser`, `Group` or `AmazonCustomerByEmail`;
/// `grantee_group` names predefined groups (`AllUsers`, `AuthenticatedUsers`, `LogDelivery`).
fn grant(
    grantee_type: &str,
    id: Option<&str>,
    uri: Option<&str>,
    email: Option<&str>,
    perm: &str,
) -> Value {
    let group = uri.map(|u| u.rsplit('/').next().unwrap_or(u).to_string());
    json!({
        "grantee_type": grantee_type,
        "grantee_id": id,
        "grantee_uri": uri,
        "grantee_email": email,
        "grantee_group": group,
        "permission": permission(perm),
    })
}

/// `get-bucket-acl` output → `acl` attribute.
pub fn from_cli(doc: &Value) -> Value {
    let s = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
    let grants: Vec<Value> = doc
        .get("Grants")
        .and_then(Value::as_array)
        .map(|gs| {
            gs.iter()
                .map(|g| {
                    let e = g.get("Grantee").cloned().unwrap_or(Value::Null);
                    grant(
                        s(&e, "Type").as_deref().unwrap_or("CanonicalUser"),
                        s(&e, "ID").as_deref(),
                        s(&e, "URI").as_deref(),
                        s(&e, "EmailAddress").as_deref(),
                        s(g, "Permission").as_deref().unwrap_or(""),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    json!({
        "owner_id": doc.get("Owner").and_then(|o| s(o, "ID")),
        "grants": grants,
    })
}

/// Config's `AccessControlList` → `acl` attribute; `None` when it is not an ACL at all.
pub fn from_config(v: &Value) -> Option<Value> {
    // Config nests the ACL as a JSON string, sometimes a JSON string of a JSON string.
    let mut cur = v.clone();
    for _ in 0..3 {
        match cur {
            Value::String(ref text) => cur = serde_json::from_str(text).ok()?,
            _ => break,
        }
    }
    let m = cur.as_object()?;
    let s = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
    let mut grants = Vec::new();
    for key in ["grantList", "grantSet"] {
        for g in m.get(key).and_then(Value::as_array).into_iter().flatten() {
            let perm = s(g, "permission").unwrap_or_default();
            let e = g.get("grantee").cloned().unwrap_or(Value::Null);
            let entry = match &e {
                // GroupGrantee serialises as its enum name.
                Value::String(group) => grant("Group", None, Some(&group_uri(group)), None, &perm),
                Value::Object(o) => match (
                    o.get("typeIdentifier").and_then(Value::as_str),
                    s(&e, "identifier"),
                ) {
                    (Some("uri"), Some(uri)) => grant("Group", None, Some(&uri), None, &perm),
                    (Some("emailAddress"), Some(mail)) => {
                        grant("AmazonCustomerByEmail", None, None, Some(&mail), &perm)
                    }
                    (Some(_), Some(id)) => grant("CanonicalUser", Some(&id), None, None, &perm),
                    _ if o.contains_key("emailAddress") => grant(
                        "AmazonCustomerByEmail",
                        None,
                        None,
                        s(&e, "emailAddress").as_deref(),
                        &perm,
                    ),
                    _ => grant("CanonicalUser", s(&e, "id").as_deref(), None, None, &perm),
                },
                _ => continue,
            };
            grants.push(entry);
        }
    }
    Some(json!({
        "owner_id": m.get("owner").and_then(|o| s(o, "id")),
        "grants": grants,
    }))
}

fn group_uri(name: &str) -> String {
    match name {
        "LogDelivery" => "http://acs.amazonaws.com/groups/s3/LogDelivery".into(),
        other => format!("http://acs.amazonaws.com/groups/global/{other}"),
    }
}

/// The permissions the ACL gives one predefined group, FULL_CONTROL expanded into all five, in
/// [`PERMISSIONS`] order.
fn group_permissions(acl: &Value, group: &str) -> Vec<&'static str> {
    let held: Vec<&str> = acl
        .get("grants")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|g| g.get("grantee_group").and_then(Value::as_str) == Some(group))
        .filter_map(|g| g.get("permission").and_then(Value::as_str))
        .collect();
    let full = held.contains(&"FULL_CONTROL");
    PERMISSIONS
        .into_iter()
        .filter(|p| full || held.contains(p))
        .collect()
}

/// Attributes derived from the ACL alone: what everyone and every AWS account holder may do.
/// READ on a bucket lists its objects; WRITE creates and overwrites objects; WRITE_ACP lets the
/// grantee rewrite the ACL, so it counts as write; READ_ACP discloses the ACL only.
pub fn attributes(acl: Value) -> Map<String, Value> {
    let all = group_permissions(&acl, "AllUsers");
    let auth = group_permissions(&acl, "AuthenticatedUsers");
    let global: Vec<&str> = PERMISSIONS
        .into_iter()
        .filter(|p| all.contains(p) || auth.contains(p))
        .collect();
    let has = |p: &str| global.contains(&p);
    let mut out = Map::new();
    out.insert("acl_all_users_permissions".into(), json!(all));
    out.insert("acl_authenticated_users_permissions".into(), json!(auth));
    out.insert("acl_global_permissions".into(), json!(global));
    out.insert("acl_public_read".into(), json!(has("READ")));
    out.insert(
        "acl_public_write".into(),
        json!(has("WRITE") || has("WRITE_ACP")),
    );
    out.insert("acl".into(), acl);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cli_and_config_acls_agree() {
        let cli = from_cli(&json!({"Owner": {"ID": "abc"}, "Grants": [
            {"Grantee": {"Type": "CanonicalUser", "ID": "abc"}, "Permission": "FULL_CONTROL"},
            {"Grantee": {"Type": "Group", "URI": "http://acs.amazonaws.com/groups/global/AllUsers"}, "Permission": "READ"}]}));
        let inner = json!({"grantSet": null, "grantList": [
            {"grantee": {"id": "abc", "displayName": null}, "permission": "FullControl"},
            {"grantee": "AllUsers", "permission": "Read"}], "owner": {"id": "abc"}});
        // As Config often stores it: a JSON string holding a JSON string.
        let twice = Value::String(Value::String(inner.to_string()).to_string());
        let config = from_config(&twice).expect("an ACL");
        assert_eq!(cli, config);
        let a = attributes(cli);
        assert_eq!(a["acl_all_users_permissions"], json!(["READ"]));
        assert_eq!(a["acl_public_read"], json!(true));
        assert_eq!(a["acl_public_write"], json!(false));
    }

    #[test]
    fn full_control_implies_every_permission() {
        let acl = from_cli(&json!({"Grants": [
            {"Grantee": {"Type": "Group", "URI": "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"}, "Permission": "FULL_CONTROL"},
            {"Grantee": {"Type": "Group", "URI": "http://acs.amazonaws.com/groups/s3/LogDelivery"}, "Permission": "WRITE"}]}));
        let a = attributes(acl);
        assert_eq!(a["acl_authenticated_users_permissions"], json!(PERMISSIONS));
        assert_eq!(a["acl_all_users_permissions"], json!([]));
        assert_eq!(a["acl_public_write"], json!(true));
    }

    #[test]
    fn not_an_acl_is_none() {
        assert_eq!(from_config(&json!("not json")), None);
        assert_eq!(from_config(&json!(7)), None);
    }
}
