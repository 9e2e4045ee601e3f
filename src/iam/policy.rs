//! IAM policy documents as exports actually carry them: a JSON object, a JSON string holding the
//! object (AWS Config, CloudFormation), or a URL-encoded JSON string (the raw IAM API, some
//! `get-*-policy` outputs). `Action`, `Resource` and `Principal` may each be a string or a list.

use crate::pointer;
use crate::Source;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::borrow::Cow;
use std::fmt;
use std::fmt::Write;

/// One principal entry of a resource or trust policy, flattened: `{"AWS": ["a", "b"]}` becomes
/// two entries. `account` is the 12-digit account the principal belongs to, when it names one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Principal {
    /// `AWS`, `Service`, `Federated`, `CanonicalUser`, or `*` for `"Principal": "*"`.
    #[serde(rename = "type")]
    pub kind: String,
    pub value: String,
    pub account: Option<String>,
    /// Filled in by the inventory stage: true when `account` differs from the policy owner's.
    #[serde(default)]
    pub other_account: bool,
    /// True for `*` and `{"AWS": "*"}`: anyone at all.
    pub everyone: bool,
}

/// A normalised statement. Exactly one of `actions`/`not_actions` is set for a valid statement,
/// and likewise for resources (trust policies carry neither resource field).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Statement {
    pub sid: Option<String>,
    pub effect: String,
    pub actions: Option<Vec<String>>,
    pub not_actions: Option<Vec<String>>,
    pub resources: Option<Vec<String>>,
    pub not_resources: Option<Vec<String>>,
    pub principals: Option<Vec<Principal>>,
    pub not_principals: Option<Vec<Principal>>,
    /// The raw `Condition` block, if any.
    pub condition: Option<Value>,
    /// Lower-cased condition keys, e.g. `sts:externalid`, so rules can ask for them simply.
    pub condition_keys: Vec<String>,
    /// True when some condition key narrows who or what the statement applies to. Keys such as
    /// `aws:SecureTransport` or `aws:RequestedRegion` only shape how a request is made, so an
    /// Allow guarded by them alone is still, for an auditor, an unconditional grant.
    #[serde(default)]
    pub restricting_condition: bool,
    /// Which policy this statement came from; set by the normaliser.
    pub policy: PolicyRef,
    /// Where the statement sits in the export.
    pub source: Source,
}

/// Names the policy a statement belongs to, so findings can say exactly what to edit.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PolicyRef {
    pub name: String,
    pub arn: Option<String>,
    /// `inline`, `managed`, `trust`, or with a `group:` prefix when inherited through a group.
    pub kind: String,
    /// The group the statement is inherited through, if any.
    pub via_group: Option<String>,
}

impl Statement {
    pub fn is_allow(&self) -> bool {
        self.effect.eq_ignore_ascii_case("allow")
    }

    pub fn is_deny(&self) -> bool {
        self.effect.eq_ignore_ascii_case("deny")
    }

    /// Any condition at all. A Deny with any condition only cancels some requests.
    pub fn conditional(&self) -> bool {
        !self.condition_keys.is_empty()
    }

    /// A condition that limits an Allow to some principals, resources or contexts (see
    /// [`Statement::restricting_condition`]).
    pub fn restricts(&self) -> bool {
        self.restricting_condition
    }

    /// The statement as the auditor wrote it, for evidence.
    /// Written into one buffer: every citation of every finding starts with it.
    pub fn display_label(&self) -> String {
        // Resource policies are named in full by their normaliser ("bucket policy of x", "key
        // policy"); only identity policies need their kind put in front.
        let (kind, name) = (self.policy.kind.as_str(), self.policy.name.as_str());
        let named_in_full = kind == "resource"
            || name
                .strip_prefix(kind)
                .is_some_and(|rest| rest.starts_with(" policy"));
        let mut out = String::with_capacity(kind.len() + name.len() + 48);
        if !named_in_full {
            out.push_str(kind);
            out.push_str(" policy ");
        }
        out.push_str(name);
        if let Some(sid) = self.sid.as_deref().filter(|s| !s.is_empty()) {
            let _ = write!(out, " statement {sid:?}");
        }
        if let Some(group) = self.policy.via_group.as_deref() {
            out.push_str(" (via group ");
            out.push_str(group);
            out.push(')');
        }
        out
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyError {
    pub pointer: String,
    pub message: String,
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "policy document at {}: {}", self.pointer, self.message)
    }
}

impl std::error::Error for PolicyError {}

/// Decodes a policy document however it is encoded. Returns the document as an object.
pub fn decode_document<'a>(raw: &'a Value, at: &str) -> Result<Cow<'a, Value>, PolicyError> {
    let err = |message: String| PolicyError {
        pointer: at.to_string(),
        message,
    };
    match raw {
        // Borrowed: large exports hold thousands of documents, and copying each one doubled the
        // memory normalisation needed.
        Value::Object(_) => Ok(Cow::Borrowed(raw)),
        Value::String(text) => {
            let trimmed = text.trim();
            let json_text = if trimmed.starts_with('{') {
                trimmed.to_string()
            } else {
                percent_encoding::percent_decode_str(trimmed)
                    .decode_utf8()
                    .map_err(|e| err(format!("URL-encoded document is not UTF-8: {e}")))?
                    // RFC 3986 encoding, as IAM documents it: no `+` for space.
                    .into_owned()
            };
            let value: Value = serde_json::from_str(&json_text)
                .map_err(|e| err(format!("document string is not JSON: {e}")))?;
            if value.is_object() {
                Ok(Cow::Owned(value))
            } else {
                Err(err("document string does not hold a JSON object".into()))
            }
        }
        other => Err(err(format!(
            "expected an object or a string, found {}",
            type_name(other)
        ))),
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Parses a decoded or encoded document into statements. `source` locates the document itself;
/// each statement gets a pointer beneath it.
pub fn parse_document<'a>(
    raw: &'a Value,
    source: &Source,
    policy: &PolicyRef,
) -> Result<(Cow<'a, Value>, Vec<Statement>), PolicyError> {
    let doc = decode_document(raw, &source.pointer)?;
    let err = |ptr: &str, message: String| PolicyError {
        pointer: ptr.to_string(),
        message,
    };
    // Inside an encoded string no pointer can reach a statement, so evidence points at the string.
    let encoded = raw.is_string();
    let statements_ptr = if encoded {
        source.pointer.clone()
    } else {
        pointer::join(&source.pointer, "Statement")
    };
    let item_ptr = |i: usize| {
        if encoded {
            statements_ptr.clone()
        } else {
            pointer::join(&statements_ptr, i)
        }
    };
    let raw_statements: Vec<(String, &Value)> = match doc.get("Statement") {
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(i, s)| (item_ptr(i), s))
            .collect(),
        Some(single @ Value::Object(_)) => vec![(statements_ptr.clone(), single)],
        Some(other) => {
            return Err(err(
                &statements_ptr,
                format!(
                    "Statement must be an object or an array, found {}",
                    type_name(other)
                ),
            ))
        }
        None => Vec::new(),
    };
    let mut out = Vec::with_capacity(raw_statements.len());
    for (ptr, raw) in raw_statements {
        let obj = raw.as_object().ok_or_else(|| {
            err(
                &ptr,
                format!("statement must be an object, found {}", type_name(raw)),
            )
        })?;
        let effect = match obj.get("Effect") {
            Some(Value::String(e))
                if e.eq_ignore_ascii_case("allow") || e.eq_ignore_ascii_case("deny") =>
            {
                e.clone()
            }
            Some(other) => {
                return Err(err(
                    &ptr,
                    format!("Effect must be \"Allow\" or \"Deny\", found {other}"),
                ))
            }
            None => return Err(err(&ptr, "statement has no Effect".into())),
        };
        let condition = obj
            .get("Condition")
            .filter(|c| c.as_object().is_some_and(|m| !m.is_empty()))
            .cloned();
        let condition_keys = condition_keys(condition.as_ref());
        out.push(Statement {
            sid: obj.get("Sid").and_then(Value::as_str).map(str::to_string),
            effect,
            actions: string_list(obj.get("Action"), &ptr, "Action")?,
            not_actions: string_list(obj.get("NotAction"), &ptr, "NotAction")?,
            resources: string_list(obj.get("Resource"), &ptr, "Resource")?,
            not_resources: string_list(obj.get("NotResource"), &ptr, "NotResource")?,
            principals: principal_list(obj.get("Principal"), &ptr, "Principal")?,
            not_principals: principal_list(obj.get("NotPrincipal"), &ptr, "NotPrincipal")?,
            condition,
            restricting_condition: condition_keys
                .iter()
                .any(|k| !NON_RESTRICTING_KEYS.contains(&k.as_str())),
            condition_keys,
            policy: policy.clone(),
            source: Source {
                file: source.file.clone(),
                pointer: ptr,
            },
        });
    }
    Ok((doc, out))
}

fn string_list(
    v: Option<&Value>,
    ptr: &str,
    field: &str,
) -> Result<Option<Vec<String>>, PolicyError> {
    match v {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(vec![s.clone()])),
        Some(Value::Array(items)) => items
            .iter()
            .map(|i| match i {
                Value::String(s) => Ok(s.clone()),
                other => Err(PolicyError {
                    pointer: pointer::join(ptr, field),
                    message: format!(
                        "{field} entries must be strings, found {}",
                        type_name(other)
                    ),
                }),
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some),
        Some(other) => Err(PolicyError {
            pointer: pointer::join(ptr, field),
            message: format!(
                "{field} must be a string or a list, found {}",
                type_name(other)
            ),
        }),
    }
}

fn principal_list(
    v: Option<&Value>,
    ptr: &str,
    field: &str,
) -> Result<Option<Vec<Principal>>, PolicyError> {
    let Some(v) = v else { return Ok(None) };
    let mut out = Vec::new();
    match v {
        Value::String(s) if s == "*" => out.push(Principal {
            kind: "*".into(),
            value: "*".into(),
            account: None,
            other_account: false,
            everyone: true,
        }),
        Value::Object(map) => {
            for (kind, values) in map {
                let list = string_list(Some(values), &pointer::join(ptr, field), kind)?
                    .unwrap_or_default();
                for value in list {
                    let everyone = kind == "AWS" && value == "*";
                    let account = if kind == "AWS" {
                        account_of_principal(&value)
                    } else {
                        None
                    };
                    out.push(Principal {
                        kind: kind.clone(),
                        value,
                        account,
                        other_account: false,
                        everyone,
                    });
                }
            }
        }
        other => {
            return Err(PolicyError {
                pointer: pointer::join(ptr, field),
                message: format!(
                    "{field} must be \"*\" or an object, found {}",
                    type_name(other)
                ),
            });
        }
    }
    Ok(Some(out))
}

/// The account an `AWS` principal names: a bare 12-digit id or the account field of an ARN.
pub fn account_of_principal(value: &str) -> Option<String> {
    if value.len() == 12 && value.bytes().all(|b| b.is_ascii_digit()) {
        return Some(value.to_string());
    }
    account_of_arn(value)
}

/// The account field (fifth) of an ARN, when it is a 12-digit id.
pub fn account_of_arn(arn: &str) -> Option<String> {
    let account = arn.strip_prefix("arn:")?.split(':').nth(3)?;
    (account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit()))
        .then(|| account.to_string())
}

/// Condition keys that constrain how a request travels, not who makes it or on what: a grant
/// guarded only by these is as broad as an unconditional one. `aws:UserAgent` and `aws:Referer`
/// are caller-supplied and spoofable, so they restrict nothing either.
const NON_RESTRICTING_KEYS: &[&str] = &[
    "aws:securetransport",
    "aws:requestedregion",
    "aws:useragent",
    "aws:referer",
    "s3:tlsversion",
    "s3:signatureversion",
];

fn condition_keys(condition: Option<&Value>) -> Vec<String> {
    let mut keys: Vec<String> = condition
        .and_then(Value::as_object)
        .map(|ops| {
            ops.values()
                .filter_map(Value::as_object)
                .flat_map(|m| m.keys().map(|k| k.to_ascii_lowercase()))
                .collect()
        })
        .unwrap_or_default();
    keys.sort();
    keys.dedup();
    keys
}

/// Parses a policy document for unit tests across the IAM modules.
#[cfg(test)]
pub(crate) fn test_statements(doc: Value) -> Vec<Statement> {
    let src = Source {
        file: "t".into(),
        pointer: String::new(),
    };
    parse_document(&doc, &src, &PolicyRef::default())
        .expect("valid test policy")
        .1
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn src() -> Source {
        Source {
            file: "f.json".into(),
            pointer: "/Doc".into(),
        }
    }

    #[test]
    fn decodes_object_string_and_url_encoded() {
        let obj = json!({"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}});
        let as_string = Value::String(obj.to_string());
        let url = Value::String("%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22s3%3AGetObject%22%2C%22Resource%22%3A%22%2A%22%7D%7D".into());
        for (raw, ptr) in [
            (obj.clone(), "/Doc/Statement"),
            (as_string, "/Doc"),
            (url, "/Doc"),
        ] {
            let (doc, stmts) = parse_document(&raw, &src(), &PolicyRef::default()).expect("parses");
            assert_eq!(*doc, obj);
            assert_eq!(stmts.len(), 1);
            assert_eq!(
                stmts[0].actions.as_deref(),
                Some(&["s3:GetObject".to_string()][..])
            );
            assert_eq!(
                stmts[0].source.pointer, ptr,
                "encoded documents are pointed at as a whole"
            );
        }
    }

    #[test]
    fn flattens_principals_and_condition_keys() {
        let raw = json!({"Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
            "Principal": {"AWS": ["arn:aws:iam::111122223333:root", "*"], "Service": "ec2.amazonaws.com"},
            "Condition": {"StringEquals": {"sts:ExternalId": "x"}}}]});
        let (_, stmts) = parse_document(&raw, &src(), &PolicyRef::default()).expect("parses");
        let p = stmts[0].principals.as_ref().expect("principals");
        assert_eq!(p.len(), 3);
        assert_eq!(p[0].account.as_deref(), Some("111122223333"));
        assert!(p[1].everyone);
        assert_eq!(stmts[0].condition_keys, vec!["sts:externalid"]);
        assert!(stmts[0].restricting_condition);
        let (_, tls_only) = parse_document(
            &json!({"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "true"}}}]}),
            &src(),
            &PolicyRef::default(),
        )
        .expect("parses");
        assert!(
            tls_only[0].conditional() && !tls_only[0].restricts(),
            "TLS-only is conditional but not restricting"
        );
        assert_eq!(stmts[0].source.pointer, "/Doc/Statement/0");
    }

    #[test]
    fn labels_name_the_policy_once() {
        let label = |kind: &str, name: &str, sid: Option<&str>, group: Option<&str>| {
            let mut s = test_statements(
                json!({"Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}}),
            )
            .remove(0);
            s.sid = sid.map(str::to_string);
            s.policy = PolicyRef {
                name: name.into(),
                kind: kind.into(),
                via_group: group.map(str::to_string),
                ..PolicyRef::default()
            };
            s.display_label()
        };
        assert_eq!(label("managed", "p", None, None), "managed policy p");
        assert_eq!(
            label("inline", "p", Some("A\"b"), Some("devs")),
            "inline policy p statement \"A\\\"b\" (via group devs)"
        );
        assert_eq!(label("inline", "p", Some(""), None), "inline policy p");
        assert_eq!(label("key", "key policy", None, None), "key policy");
        assert_eq!(
            label("key", "keys policy", None, None),
            "key policy keys policy"
        );
        assert_eq!(
            label("resource", "bucket policy of b", Some("S"), None),
            "bucket policy of b statement \"S\""
        );
    }

    #[test]
    fn bad_documents_are_located() {
        let e = parse_document(
            &json!({"Statement": [{"Action": "x"}]}),
            &src(),
            &PolicyRef::default(),
        )
        .expect_err("no effect");
        assert_eq!(e.pointer, "/Doc/Statement/0");
        let e = parse_document(&json!("not json"), &src(), &PolicyRef::default())
            .expect_err("bad string");
        assert!(e.message.contains("not JSON"), "{e}");
        let e = parse_document(&json!(42), &src(), &PolicyRef::default()).expect_err("number");
        assert!(e.message.contains("a number"));
    }
}
