//! What a bucket policy says about the bucket: whether it opens the bucket to everyone (for
//! reading, for writing), whether it refuses plain-HTTP requests, and which principals of other
//! accounts it names. Statements are parsed by [`crate::iam::policy`], so a condition is judged
//! "restricting" (aws:SourceIp, aws:SourceVpce, aws:PrincipalOrgID, …) exactly as the IAM rules
//! judge it.

use crate::iam::catalogue::{AccessLevel, Catalogue};
use crate::iam::grant::covers_action;
use crate::iam::pattern::wildcard_match;
use crate::iam::policy::{parse_document, PolicyRef, Statement};
use crate::Source;
use serde_json::{json, Map, Value};

/// S3 actions classified without the catalogue, so that the core of the answer survives a
/// catalogue that failed to load (the catalogue then expands to nothing).
const CORE: &[(&str, Class)] = &[
    ("s3:GetObject", Class::Read),
    ("s3:ListBucket", Class::Read),
    ("s3:PutObject", Class::Write),
    ("s3:DeleteObject", Class::Write),
    ("s3:PutBucketPolicy", Class::Write),
    ("s3:PutBucketAcl", Class::Write),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Read,
    Write,
    Other,
}

fn class_of(level: Option<AccessLevel>) -> Class {
    match level {
        Some(AccessLevel::Read | AccessLevel::List) => Class::Read,
        Some(AccessLevel::Write | AccessLevel::PermissionsManagement) => Class::Write,
        _ => Class::Other,
    }
}

/// Every S3 action we can name, with its class.
fn s3_actions() -> Vec<(&'static str, Class)> {
    let cat = Catalogue::get();
    let mut out: Vec<(&'static str, Class)> = cat
        .actions_of_service("s3")
        .into_iter()
        .map(|a| (a, class_of(cat.access_level(a))))
        .collect();
    for &(a, c) in CORE {
        if !out.iter().any(|(b, _)| b.eq_ignore_ascii_case(a)) {
            out.push((a, c));
        }
    }
    out
}

/// The policy facts of one bucket, as attributes. `raw` is the policy as exported (a JSON
/// string from the CLI and Config, or an object); `None` means the bucket has no policy.
/// `bucket_arn` decides which Deny statements cover the bucket; `account` (the bucket owner's,
/// when the export says) decides which principals are in other accounts.
pub fn attributes(
    raw: Option<&Value>,
    source: &Source,
    bucket: &str,
    bucket_arn: &str,
    account: Option<&str>,
) -> Result<Map<String, Value>, String> {
    let mut out = Map::new();
    let Some(raw) = raw else {
        out.insert("policy".into(), Value::Null);
        out.insert("policy_statements".into(), Value::Null);
        out.insert("policy_denies_insecure_transport".into(), json!(false));
        out.insert("policy_public".into(), json!(false));
        out.insert("policy_public_read".into(), json!(false));
        out.insert("policy_public_write".into(), json!(false));
        out.insert("policy_public_statements".into(), json!([]));
        return Ok(out);
    };
    let policy = PolicyRef {
        name: format!("bucket policy of {bucket}"),
        arn: Some(bucket_arn.to_string()),
        kind: "bucket".into(),
        via_group: None,
    };
    let (doc, statements) = parse_document(raw, source, &policy).map_err(|e| e.to_string())?;
    let public = public_statements(&statements, bucket_arn);
    let reads = public.iter().any(|p| p.reads);
    let writes = public.iter().any(|p| p.writes);
    out.insert("policy".into(), doc.into_owned());
    out.insert(
        "policy_statements".into(),
        Value::Array(
            statements
                .iter()
                .map(|s| statement_json(s, account))
                .collect(),
        ),
    );
    out.insert(
        "policy_denies_insecure_transport".into(),
        json!(statements
            .iter()
            .any(|s| denies_insecure_transport(s, bucket_arn))),
    );
    out.insert("policy_public".into(), json!(!public.is_empty()));
    out.insert("policy_public_read".into(), json!(reads));
    out.insert("policy_public_write".into(), json!(writes));
    out.insert(
        "policy_public_statements".into(),
        Value::Array(
            public
                .iter()
                .map(|p| {
                    json!({
                        "statement": p.label,
                        "reads": p.reads,
                        "writes": p.writes,
                        "examples": p.examples,
                        "source": statements[p.index].source,
                    })
                })
                .collect(),
        ),
    );
    Ok(out)
}

/// A statement as JSON, with each principal marked `other_account` when the bucket's account is
/// known (and the key left out when it is not, so a rule reading it is unknown, not false).
fn statement_json(s: &Statement, account: Option<&str>) -> Value {
    let mut v = serde_json::to_value(s).unwrap_or(Value::Null);
    for key in ["principals", "not_principals"] {
        if let Some(Value::Array(ps)) = v.get_mut(key) {
            for p in ps.iter_mut().filter_map(Value::as_object_mut) {
                let named = p.get("account").and_then(Value::as_str).map(str::to_string);
                match (account, named) {
                    (Some(own), Some(named)) => {
                        p.insert("other_account".into(), json!(own != named));
                    }
                    (_, None) => {
                        p.insert("other_account".into(), json!(false));
                    }
                    (None, Some(_)) => {
                        p.remove("other_account");
                    }
                }
            }
        }
    }
    v
}

fn names_everyone(s: &Statement) -> bool {
    s.principals
        .as_deref()
        .is_some_and(|ps| ps.iter().any(|p| p.everyone))
}

/// A grant to everyone that no condition narrows.
struct Public {
    index: usize,
    label: String,
    reads: bool,
    writes: bool,
    /// A few of the actions it opens, for the finding.
    examples: Vec<String>,
}

/// Allow statements that open the bucket to anyone, less what a Deny to everyone takes back.
/// A Deny cancels an action when it is unconditional or of the "deny unless" form (negated
/// operators on restricting keys: `StringNotEquals aws:SourceVpce`, `NotIpAddress aws:SourceIp`),
/// which confines the bucket to that network or organisation.
fn public_statements(statements: &[Statement], bucket_arn: &str) -> Vec<Public> {
    let open = |s: &Statement| s.is_allow() && names_everyone(s) && !s.restricts();
    // Classifying every S3 action takes a catalogue look-up each: only worth it when some
    // statement opens the bucket to everyone, which most policies' statements do not.
    if !statements.iter().any(open) {
        return Vec::new();
    }
    let actions = s3_actions();
    let cancelled = |action: &str| {
        statements.iter().any(|d| {
            d.is_deny()
                && (names_everyone(d) || d.not_principals.is_some())
                && covers_action(d, action)
                && covers_bucket(d, bucket_arn)
                && (d.condition.is_none() || (d.restricts() && only_negated_operators(d)))
        })
    };
    statements
        .iter()
        .enumerate()
        .filter(|(_, s)| open(s))
        .filter_map(|(index, s)| {
            let opened: Vec<(&str, Class)> = actions
                .iter()
                .copied()
                .filter(|(a, _)| covers_action(s, a) && !cancelled(a))
                .collect();
            if opened.is_empty() {
                return None;
            }
            let reads = opened.iter().any(|(_, c)| *c == Class::Read);
            let writes = opened.iter().any(|(_, c)| *c == Class::Write);
            let mut examples: Vec<String> = opened
                .iter()
                .filter(|(_, c)| *c != Class::Other)
                .take(5)
                .map(|(a, _)| a.to_string())
                .collect();
            if examples.is_empty() {
                examples = opened.iter().take(5).map(|(a, _)| a.to_string()).collect();
            }
            Some(Public {
                index,
                label: s.display_label(),
                reads,
                writes,
                examples,
            })
        })
        .collect()
}

fn only_negated_operators(s: &Statement) -> bool {
    s.condition
        .as_deref()
        .and_then(Value::as_object)
        .is_some_and(|ops| ops.keys().all(|op| op.contains("Not")))
}

/// The statement's Resource reaches the whole bucket or all of its objects.
fn covers_bucket(s: &Statement, bucket_arn: &str) -> bool {
    let objects = format!("{bucket_arn}/*");
    s.resources.as_deref().is_some_and(|rs| {
        rs.iter()
            .any(|p| wildcard_match(p, bucket_arn, false) || wildcard_match(p, &objects, false))
    })
}

/// A Deny to everyone, for every S3 action on the bucket and its objects, when
/// `aws:SecureTransport` is false, and under no other condition (which would deny only some
/// plain-HTTP requests).
pub fn denies_insecure_transport(s: &Statement, bucket_arn: &str) -> bool {
    let all_actions = s.actions.as_deref().is_some_and(|a| {
        a.iter()
            .any(|p| &**p == "*" || p.eq_ignore_ascii_case("s3:*"))
    });
    let objects = format!("{bucket_arn}/*");
    let both = s.resources.as_deref().is_some_and(|rs| {
        [bucket_arn, objects.as_str()]
            .iter()
            .all(|t| rs.iter().any(|p| wildcard_match(p, t, false)))
    });
    let tls_only = *s.condition_keys == ["aws:securetransport"]
        && s.condition
            .as_deref()
            .and_then(Value::as_object)
            .is_some_and(|ops| {
                ops.iter().all(|(op, m)| {
                    op.to_ascii_lowercase().starts_with("bool")
                        && m.as_object().is_some_and(|m| m.values().all(is_false))
                })
            });
    s.is_deny() && names_everyone(s) && all_actions && both && tls_only
}

fn is_false(v: &Value) -> bool {
    match v {
        Value::Bool(b) => !b,
        Value::String(s) => s.eq_ignore_ascii_case("false"),
        Value::Array(items) => !items.is_empty() && items.iter().all(is_false),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ARN: &str = "arn:aws:s3:::example-data";

    fn facts(doc: Value) -> Map<String, Value> {
        let src = Source {
            file: "f.json".into(),
            pointer: "/Policy".into(),
        };
        let text = Value::String(doc.to_string());
        attributes(Some(&text), &src, "example-data", ARN, Some("123456789012"))
            .expect("valid policy")
    }

    #[test]
    fn public_read_and_write_are_told_apart() {
        let f = facts(json!({"Statement": [
            {"Sid": "Read", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::example-data/*"}]}));
        assert_eq!(f["policy_public_read"], json!(true));
        assert_eq!(f["policy_public_write"], json!(false));
        let f = facts(json!({"Statement": [
            {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "s3:*", "Resource": ["arn:aws:s3:::example-data", "arn:aws:s3:::example-data/*"]}]}));
        assert_eq!(f["policy_public_read"], json!(true));
        assert_eq!(f["policy_public_write"], json!(true));
        assert_eq!(
            f["policy_public_statements"][0]["source"]["pointer"],
            json!("/Policy")
        );
    }

    #[test]
    fn restricting_conditions_and_deny_unless_close_the_bucket() {
        let f = facts(json!({"Statement": [
            {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::example-data/*",
             "Condition": {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}}]}));
        assert_eq!(f["policy_public"], json!(false));
        let f = facts(json!({"Statement": [
            {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::example-data/*"},
            {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "arn:aws:s3:::example-data/*",
             "Condition": {"StringNotEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}}}]}));
        assert_eq!(f["policy_public"], json!(false));
        // A TLS-only condition restricts nobody, and a TLS Deny takes nothing back.
        let f = facts(json!({"Statement": [
            {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::example-data/*",
             "Condition": {"Bool": {"aws:SecureTransport": "true"}}},
            {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "arn:aws:s3:::example-data/*",
             "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}));
        assert_eq!(f["policy_public_read"], json!(true));
    }

    #[test]
    fn insecure_transport_deny_must_cover_bucket_and_objects() {
        let deny = |resource: Value, cond: Value| {
            facts(
                json!({"Statement": [{"Effect": "Deny", "Principal": "*", "Action": "s3:*",
                "Resource": resource, "Condition": cond}]}),
            )["policy_denies_insecure_transport"]
                .clone()
        };
        let tls = json!({"Bool": {"aws:SecureTransport": "false"}});
        assert_eq!(
            deny(json!([ARN, "arn:aws:s3:::example-data/*"]), tls.clone()),
            json!(true)
        );
        assert_eq!(
            deny(
                json!("arn:aws:s3:::example-data*"),
                json!({"Bool": {"aws:SecureTransport": false}})
            ),
            json!(true)
        );
        assert_eq!(deny(json!(ARN), tls.clone()), json!(false));
        assert_eq!(
            deny(
                json!([ARN, "arn:aws:s3:::example-data/*"]),
                json!({"Bool": {"aws:SecureTransport": "true"}})
            ),
            json!(false)
        );
        assert_eq!(
            deny(
                json!("*"),
                json!({"Bool": {"aws:SecureTransport": "false"}, "IpAddress": {"aws:SourceIp": "203.0.113.0/24"}})
            ),
            json!(false)
        );
    }

    #[test]
    fn other_accounts_are_marked_only_when_the_owner_is_known() {
        let doc = json!({"Statement": [{"Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::111122223333:root", "123456789012"]},
            "Action": "s3:PutObjectAcl", "Resource": "arn:aws:s3:::example-data/*"}]});
        let f = facts(doc.clone());
        let ps = &f["policy_statements"][0]["principals"];
        assert_eq!(ps[0]["other_account"], json!(true));
        assert_eq!(ps[1]["other_account"], json!(false));
        let src = Source {
            file: "f.json".into(),
            pointer: String::new(),
        };
        let f = attributes(Some(&doc), &src, "example-data", ARN, None).expect("valid");
        assert!(f["policy_statements"][0]["principals"][0]
            .get("other_account")
            .is_none());
    }

    #[test]
    fn no_policy_is_known_and_closed() {
        let src = Source {
            file: "f.json".into(),
            pointer: String::new(),
        };
        let f = attributes(None, &src, "example-data", ARN, None).expect("ok");
        assert_eq!(f["policy"], Value::Null);
        assert_eq!(f["policy_public"], json!(false));
        assert_eq!(f["policy_denies_insecure_transport"], json!(false));
    }
}
