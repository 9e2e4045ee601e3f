//! IAM policy documents as exports actually carry them: a JSON object, a JSON string holding the
//! object (AWS Config, CloudFormation), or a URL-encoded JSON string (the raw IAM API, some
//! `get-*-policy` outputs). `Action`, `Resource` and `Principal` may each be a string or a list.

use crate::pointer;
use crate::Source;
use foldhash::HashMap;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::borrow::Cow;
use std::cell::RefCell;
use std::fmt;
use std::fmt::Write;
use std::sync::{Arc, Weak};

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
    pub sid: Option<Box<str>>,
    /// Shared, as the names below are.
    pub effect: Arc<str>,
    /// Shared (see [`shared_text`]): an export names the same few thousand actions, and often
    /// the same resources, in statement after statement.
    pub actions: Option<Box<[Arc<str>]>>,
    pub not_actions: Option<Box<[Arc<str>]>>,
    pub resources: Option<Box<[Arc<str>]>>,
    pub not_resources: Option<Box<[Arc<str>]>>,
    pub principals: Option<Box<[Principal]>>,
    pub not_principals: Option<Box<[Principal]>>,
    /// The raw `Condition` block, if any. Shared by the statements the text reader reads it
    /// for, where it is written alike (see [`shared_condition`]).
    pub condition: Option<Arc<Value>>,
    /// Lower-cased condition keys, e.g. `sts:externalid`, so rules can ask for them simply.
    pub condition_keys: Box<[String]>,
    /// True when some condition key narrows who or what the statement applies to. Keys such as
    /// `aws:SecureTransport` or `aws:RequestedRegion` only shape how a request is made, so an
    /// Allow guarded by them alone is still, for an auditor, an unconditional grant.
    #[serde(default)]
    pub restricting_condition: bool,
    /// Which policy this statement came from; set by the normaliser. Shared by the statements
    /// of one document: a copy per statement was a fifth of a statement's heap.
    pub policy: Arc<PolicyRef>,
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
            pointer::join_index(&statements_ptr, i)
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
    let policy = Arc::new(policy.clone());
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
                shared_text(e)
            }
            Some(other) => {
                return Err(err(
                    &ptr,
                    format!("Effect must be \"Allow\" or \"Deny\", found {other}"),
                ))
            }
            None => return Err(err(&ptr, "statement has no Effect".into())),
        };
        let parts = text::Statement {
            sid: obj.get("Sid").and_then(Value::as_str).map(str::to_string),
            effect,
            action: string_list(obj.get("Action"), &ptr, "Action", shared_text)?,
            not_action: string_list(obj.get("NotAction"), &ptr, "NotAction", shared_text)?,
            resource: string_list(obj.get("Resource"), &ptr, "Resource", shared_text)?,
            not_resource: string_list(obj.get("NotResource"), &ptr, "NotResource", shared_text)?,
            principal: principal_list(obj.get("Principal"), &ptr, "Principal")?,
            not_principal: principal_list(obj.get("NotPrincipal"), &ptr, "NotPrincipal")?,
            condition: obj.get("Condition").cloned().map(Arc::new),
        };
        out.push(statement(parts, &policy, source, ptr));
    }
    Ok((doc, out))
}

/// A statement from its fields as read, at `ptr` in the document at `source`: an empty or
/// non-object `Condition` counts as none, and the condition keys and whether they restrict
/// follow from it.
fn statement(
    s: text::Statement,
    policy: &Arc<PolicyRef>,
    source: &Source,
    ptr: String,
) -> Statement {
    let condition = s
        .condition
        .filter(|c| c.as_object().is_some_and(|m| !m.is_empty()));
    let condition_keys = condition_keys(condition.as_deref());
    // Boxed slices at their length: most of these are empty or short, and a statement is kept
    // for the whole analysis (the struct itself was half of the statements' heap).
    Statement {
        sid: s.sid.map(String::into_boxed_str),
        effect: s.effect,
        actions: s.action.map(Vec::into_boxed_slice),
        not_actions: s.not_action.map(Vec::into_boxed_slice),
        resources: s.resource.map(Vec::into_boxed_slice),
        not_resources: s.not_resource.map(Vec::into_boxed_slice),
        principals: s.principal.map(Vec::into_boxed_slice),
        not_principals: s.not_principal.map(Vec::into_boxed_slice),
        condition,
        restricting_condition: condition_keys
            .iter()
            .any(|k| !NON_RESTRICTING_KEYS.contains(&k.as_str())),
        condition_keys: condition_keys.into_boxed_slice(),
        policy: policy.clone(),
        source: Source {
            file: source.file.clone(),
            pointer: ptr,
        },
    }
}

thread_local! {
    static TEXTS: crate::attribute_map::SharedTexts = Default::default();
}

/// How many action and resource names one thread shares at most: an export names a few
/// thousand actions (the IAM catalogue has about 22,000) and, mostly, its own resources.
const SHARED_TEXTS: usize = 16_384;

/// The shared copy of an action or resource name or pattern. Kept once per statement they were
/// a third of a statement's heap (5k-role export: 5.2 of 17.7 MB).
pub fn shared_text(text: &str) -> Arc<str> {
    crate::attribute_map::share(&TEXTS, SHARED_TEXTS, text)
}

/// Condition texts seen on one thread, each with its shared tree while a statement holds it.
#[derive(Default)]
struct Conditions {
    seen: HashMap<Box<str>, Weak<Value>>,
    /// Conditions parsed since the last clearing of the dead entries.
    parsed: usize,
}

thread_local! {
    static CONDITIONS: RefCell<Conditions> = RefCell::default();
}

/// How many condition texts one thread remembers at most.
const SHARED_CONDITIONS: usize = 4096;

/// The condition block written as `text`, shared with the statements before it that wrote it
/// alike: policies repeat the same few conditions (an organisation, a region, a source VPC),
/// and each was a tree of its own, a fifth of a statement's heap. Held weakly, so a
/// condition no statement keeps any more is freed with its last statement; once the texts
/// fill [`SHARED_CONDITIONS`], those no statement holds are forgotten (at most once per that
/// many parses), so that a long-lived thread (the web worker's) goes on sharing.
fn shared_condition(text: &str) -> serde_json::Result<Arc<Value>> {
    CONDITIONS.with(|conditions| {
        let mut c = conditions.borrow_mut();
        if let Some(shared) = c.seen.get(text).and_then(Weak::upgrade) {
            return Ok(shared);
        }
        let condition = Arc::new(serde_json::from_str::<Value>(text)?);
        c.parsed += 1;
        if c.seen.len() >= SHARED_CONDITIONS && c.parsed >= SHARED_CONDITIONS {
            c.seen.retain(|_, held| held.strong_count() > 0);
            c.parsed = 0;
        }
        if c.seen.len() < SHARED_CONDITIONS || c.seen.contains_key(text) {
            c.seen.insert(text.into(), Arc::downgrade(&condition));
        }
        Ok(condition)
    })
}

/// [`parse_document`]'s statements for a document given as the text of a JSON object (a
/// fragment of text serde_json has accepted), read straight into statements: building the
/// document's tree first cost more than the statements themselves. Only the plain shapes are
/// read here; `None` for anything else (a string document, an invalid or unusual statement, a
/// repeated key), which [`parse_document`] then reads with its located errors.
pub fn parse_document_text(
    text: &str,
    source: &Source,
    policy: &PolicyRef,
) -> Option<Vec<Statement>> {
    if !text.starts_with('{') {
        return None;
    }
    let doc: text::Document = serde_json::from_str(text).ok()?;
    let statements_ptr = pointer::join(&source.pointer, "Statement");
    let text::Statements { list, single } = doc.statement;
    let mut out = Vec::with_capacity(list.len());
    let policy = Arc::new(policy.clone());
    for (i, s) in list.into_iter().enumerate() {
        if !(s.effect.eq_ignore_ascii_case("allow") || s.effect.eq_ignore_ascii_case("deny")) {
            return None;
        }
        let ptr = if single {
            statements_ptr.clone()
        } else {
            pointer::join_index(&statements_ptr, i)
        };
        out.push(statement(s, &policy, source, ptr));
    }
    Some(out)
}

/// The shapes [`parse_document_text`] reads. Each refuses (a deserialisation error) what
/// [`parse_document`] would refuse or read differently, so that only documents both read alike
/// take this path.
mod text {
    use super::{anyone, principal, shared_text, Principal};
    use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
    use serde::Deserialize;
    use serde_json::Value;
    use std::fmt;
    use std::sync::Arc;

    /// A repeated field is refused by the derived reader, where a tree keeps the last.
    #[derive(Deserialize)]
    pub struct Document {
        #[serde(rename = "Statement", default)]
        pub statement: Statements,
    }

    /// A document's statements, and whether `Statement` held one object rather than a list.
    #[derive(Default)]
    pub struct Statements {
        pub list: Vec<Statement>,
        pub single: bool,
    }

    /// A statement's fields as read, by either reader.
    #[derive(Deserialize)]
    pub struct Statement {
        #[serde(rename = "Sid", default, deserialize_with = "read::<Sid, _, _>")]
        pub sid: Option<String>,
        #[serde(rename = "Effect", deserialize_with = "read::<Shared, _, _>")]
        pub effect: Arc<str>,
        #[serde(rename = "Action", default, deserialize_with = "read::<Strings, _, _>")]
        pub action: Option<Vec<Arc<str>>>,
        #[serde(
            rename = "NotAction",
            default,
            deserialize_with = "read::<Strings, _, _>"
        )]
        pub not_action: Option<Vec<Arc<str>>>,
        #[serde(
            rename = "Resource",
            default,
            deserialize_with = "read::<Strings, _, _>"
        )]
        pub resource: Option<Vec<Arc<str>>>,
        #[serde(
            rename = "NotResource",
            default,
            deserialize_with = "read::<Strings, _, _>"
        )]
        pub not_resource: Option<Vec<Arc<str>>>,
        #[serde(
            rename = "Principal",
            default,
            deserialize_with = "read::<Principals, _, _>"
        )]
        pub principal: Option<Vec<Principal>>,
        #[serde(
            rename = "NotPrincipal",
            default,
            deserialize_with = "read::<Principals, _, _>"
        )]
        pub not_principal: Option<Vec<Principal>>,
        #[serde(rename = "Condition", default, deserialize_with = "condition")]
        pub condition: Option<Arc<Value>>,
    }

    /// A field through its reader, which wraps what it reads.
    fn read<'de, W: Deserialize<'de> + Into<T>, T, D: Deserializer<'de>>(
        d: D,
    ) -> Result<T, D::Error> {
        W::deserialize(d).map(Into::into)
    }

    /// Refuses every kind of value it is not written for.
    fn refuse<E: de::Error>(what: &str) -> E {
        E::custom(format_args!("not read here: {what}"))
    }

    /// `Deserialize` for `$ty` through `deserialize_any` with the given visit methods; every
    /// other kind of value is refused.
    macro_rules! read_any {
        ($ty:ty, $expecting:literal, { $($visit:item)* }) => {
            impl<'de> Deserialize<'de> for $ty {
                fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                    struct V;
                    impl<'de> Visitor<'de> for V {
                        type Value = $ty;
                        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                            f.write_str($expecting)
                        }
                        $($visit)*
                    }
                    d.deserialize_any(V)
                }
            }
        };
    }

    read_any!(Statements, "a statement or a list of them", {
        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Statements, A::Error> {
            Ok(Statements {
                list: vec![Statement::deserialize(
                    de::value::MapAccessDeserializer::new(map),
                )?],
                single: true,
            })
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Statements, A::Error> {
            let mut list = Vec::with_capacity(seq.size_hint().unwrap_or(0));
            while let Some(Object(s)) = seq.next_element()? {
                list.push(s);
            }
            Ok(Statements {
                list,
                single: false,
            })
        }
    });

    /// A statement only from an object: the derived reader would also take an array.
    struct Object(Statement);

    read_any!(Object, "a statement object", {
        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Object, A::Error> {
            Statement::deserialize(de::value::MapAccessDeserializer::new(map)).map(Object)
        }
    });

    /// `Sid`: a string, or none for any other value, as the tree reader takes it.
    struct Sid(Option<String>);

    impl From<Sid> for Option<String> {
        fn from(s: Sid) -> Self {
            s.0
        }
    }

    read_any!(Sid, "any value", {
        fn visit_str<E: de::Error>(self, s: &str) -> Result<Sid, E> {
            Ok(Sid(Some(s.to_string())))
        }
        fn visit_bool<E>(self, _: bool) -> Result<Sid, E> {
            Ok(Sid(None))
        }
        fn visit_i64<E>(self, _: i64) -> Result<Sid, E> {
            Ok(Sid(None))
        }
        fn visit_u64<E>(self, _: u64) -> Result<Sid, E> {
            Ok(Sid(None))
        }
        fn visit_f64<E>(self, _: f64) -> Result<Sid, E> {
            Ok(Sid(None))
        }
        fn visit_unit<E>(self) -> Result<Sid, E> {
            Ok(Sid(None))
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Sid, A::Error> {
            while seq.next_element::<IgnoredAny>()?.is_some() {}
            Ok(Sid(None))
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Sid, A::Error> {
            while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
            Ok(Sid(None))
        }
    });

    /// `Action` and friends: `null` (none), a string, or a list of strings, each shared
    /// ([`shared_text`]) as it is read, without a copy of its own first.
    struct Strings(Option<Vec<Arc<str>>>);

    impl From<Strings> for Option<Vec<Arc<str>>> {
        fn from(s: Strings) -> Self {
            s.0
        }
    }

    read_any!(Strings, "null, a string or a list of strings", {
        fn visit_unit<E>(self) -> Result<Strings, E> {
            Ok(Strings(None))
        }
        fn visit_str<E: de::Error>(self, s: &str) -> Result<Strings, E> {
            Ok(Strings(Some(vec![shared_text(s)])))
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Strings, A::Error> {
            let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0));
            while let Some(Shared(s)) = seq.next_element()? {
                out.push(s);
            }
            Ok(Strings(Some(out)))
        }
    });

    /// One string of a list, shared.
    struct Shared(Arc<str>);

    impl From<Shared> for Arc<str> {
        fn from(s: Shared) -> Self {
            s.0
        }
    }

    /// `Condition` through its text, shared ([`super::shared_condition`]).
    fn condition<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Arc<Value>>, D::Error> {
        let raw = <&'de serde_json::value::RawValue>::deserialize(d)?;
        super::shared_condition(raw.get())
            .map(Some)
            .map_err(de::Error::custom)
    }

    read_any!(Shared, "a string", {
        fn visit_str<E: de::Error>(self, s: &str) -> Result<Shared, E> {
            Ok(Shared(shared_text(s)))
        }
    });

    /// `Principal` and `NotPrincipal`: `"*"`, or an object of kinds each naming one principal
    /// or a list (`null`: none), flattened in the object's order. A repeated kind is refused
    /// (a tree keeps the first one's place and the last one's value).
    struct Principals(Option<Vec<Principal>>);

    impl From<Principals> for Option<Vec<Principal>> {
        fn from(s: Principals) -> Self {
            s.0
        }
    }

    read_any!(Principals, "\"*\" or an object", {
        fn visit_str<E: de::Error>(self, s: &str) -> Result<Principals, E> {
            if s == "*" {
                Ok(Principals(Some(vec![anyone()])))
            } else {
                Err(refuse("a principal string other than *"))
            }
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Principals, A::Error> {
            let mut kinds: Vec<String> = Vec::new();
            let mut out = Vec::new();
            while let Some(kind) = map.next_key::<String>()? {
                if kinds.contains(&kind) {
                    return Err(refuse("a repeated principal kind"));
                }
                let values = map.next_value::<Strings>()?.0.unwrap_or_default();
                out.extend(values.iter().map(|v| principal(&kind, v.to_string())));
                kinds.push(kind);
            }
            Ok(Principals(Some(out)))
        }
    });
}

/// `field`'s string or strings, each made by `make`.
fn string_list<T>(
    v: Option<&Value>,
    ptr: &str,
    field: &str,
    make: impl Fn(&str) -> T,
) -> Result<Option<Vec<T>>, PolicyError> {
    match v {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(vec![make(s)])),
        Some(Value::Array(items)) => items
            .iter()
            .map(|i| match i {
                Value::String(s) => Ok(make(s)),
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
        Value::String(s) if s == "*" => out.push(anyone()),
        Value::Object(map) => {
            for (kind, values) in map {
                let list = string_list(
                    Some(values),
                    &pointer::join(ptr, field),
                    kind,
                    str::to_string,
                )?
                .unwrap_or_default();
                out.extend(list.into_iter().map(|value| principal(kind, value)));
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

/// `"Principal": "*"`: anyone at all.
fn anyone() -> Principal {
    Principal {
        everyone: true,
        ..principal("*", "*".into())
    }
}

/// One flattened entry of a principal object, `{kind: value}`.
fn principal(kind: &str, value: String) -> Principal {
    let aws = kind == "AWS";
    Principal {
        kind: kind.to_string(),
        everyone: aws && value == "*",
        account: if aws {
            account_of_principal(&value)
        } else {
            None
        },
        value,
        other_account: false,
    }
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

    /// Past the texts it remembers, a thread forgets the conditions no statement holds, and
    /// goes on sharing.
    #[test]
    fn conditions_stay_shared_once_the_remembered_texts_fill() {
        for i in 0..2 * SHARED_CONDITIONS {
            let text = format!(r#"{{"StringEquals": {{"aws:SourceVpc": "vpc-{i}"}}}}"#);
            drop(shared_condition(&text).expect("json"));
        }
        let text = r#"{"Bool": {"aws:SecureTransport": "true"}}"#;
        let a = shared_condition(text).expect("json");
        let b = shared_condition(text).expect("json");
        assert!(Arc::ptr_eq(&a, &b));
        CONDITIONS.with(|c| assert!(c.borrow().seen.len() <= SHARED_CONDITIONS));
    }

    /// Both readers share each action and resource name among the statements that repeat it,
    /// and the text reader each condition written alike.
    #[test]
    fn repeated_names_are_shared() {
        let org = json!({"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}});
        let doc = json!({"Statement": [
            {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": "*",
             "Condition": org},
            {"Effect": "Deny", "NotAction": "s3:GetObject", "NotResource": ["*"], "Condition": org},
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": null}
        ]});
        let by_tree = parse_document(&doc, &src(), &PolicyRef::default())
            .expect("parses")
            .1;
        let by_text = parse_document_text(&doc.to_string(), &src(), &PolicyRef::default())
            .expect("the text reader takes it");
        for stmts in [&by_tree, &by_text] {
            let [a, d, plain] = &stmts[..] else {
                panic!("three statements")
            };
            let first = |l: &Option<Box<[Arc<str>]>>| l.as_deref().expect("set")[0].clone();
            assert!(Arc::ptr_eq(&first(&a.actions), &first(&d.not_actions)));
            assert!(Arc::ptr_eq(&first(&a.resources), &first(&d.not_resources)));
            assert!(Arc::ptr_eq(&a.effect, &plain.effect));
            assert_eq!(a.condition.as_deref(), Some(&org));
            assert!(plain.condition.is_none() && plain.condition_keys.is_empty());
        }
        let (a, d) = (&by_text[0], &by_text[1]);
        assert!(Arc::ptr_eq(
            a.condition.as_ref().expect("set"),
            d.condition.as_ref().expect("set")
        ));
        assert_eq!(by_tree, by_text);
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
                Some(&[Arc::from("s3:GetObject")][..])
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
        assert_eq!(*stmts[0].condition_keys, ["sts:externalid"]);
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
            s.sid = sid.map(Into::into);
            s.policy = Arc::new(PolicyRef {
                name: name.into(),
                kind: kind.into(),
                via_group: group.map(str::to_string),
                ..PolicyRef::default()
            });
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

    /// Documents read straight from their text give what their tree gives; shapes the text
    /// reader does not take (so that the tree reader locates the error, or keeps a repeated
    /// key's last value) are left to the tree.
    #[test]
    fn text_reads_as_the_tree() {
        let read = |text: &str| {
            let tree: Value = serde_json::from_str(text).expect("json");
            let want = parse_document(&tree, &src(), &PolicyRef::default()).map(|(_, s)| s);
            let got = parse_document_text(text, &src(), &PolicyRef::default());
            if let Some(got) = &got {
                assert_eq!(Ok(got.clone()), want, "{text}");
            }
            got.is_some()
        };
        for plain in [
            r#"{"Version": "2012-10-17"}"#,
            r#"{"Statement": []}"#,
            r#"{"Statement": {"Sid": "S\"1", "Effect": "deny", "NotAction": ["s3:*", "kms:*"], "NotResource": "*"}}"#,
            r#"{"Statement": [{"Sid": 7, "Effect": "Allow", "Action": null, "Resource": [], "Condition": {}},
                {"Sid": ["x"], "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
                 "Condition": {"Bool": {"aws:SecureTransport": "true"}, "StringEquals": {"aws:PrincipalOrgID": ["o-1"]}}}]}"#,
            r#"{"Id": {"x": [1]}, "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                "Principal": {"Service": ["ec2.amazonaws.com"], "AWS": ["123456789012", "*", "arn:aws:iam::111122223333:root"], "Federated": null},
                "NotPrincipal": "*", "Condition": null, "Other": 1}]}"#,
            r#"{"Statement": [{"Effect": "Allow", "Principal": {"*": "*"}, "Action": "s3:*"}]}"#,
        ] {
            assert!(read(plain), "read from the text: {plain}");
        }
        for unusual in [
            r#""{\"Statement\": []}""#,
            r#"{"Statement": null}"#,
            r#"{"Statement": "x"}"#,
            r#"{"Statement": [{"Effect": "Allow"}, ["Allow"]]}"#,
            r#"{"Statement": [{"Action": "x"}]}"#,
            r#"{"Statement": [{"Effect": "Maybe"}]}"#,
            r#"{"Statement": [{"Effect": 1}]}"#,
            r#"{"Statement": [{"Effect": "Allow", "Action": ["a", 1]}]}"#,
            r#"{"Statement": [{"Effect": "Allow", "Resource": {}}]}"#,
            r#"{"Statement": [{"Effect": "Allow", "Principal": null}]}"#,
            r#"{"Statement": [{"Effect": "Allow", "Principal": "arn:aws:iam::123456789012:root"}]}"#,
            r#"{"Statement": [{"Effect": "Allow", "Principal": {"AWS": "a", "Service": "s", "AWS": "b"}}]}"#,
            r#"{"Statement": [{"Effect": "Allow", "Effect": "Deny"}]}"#,
            r#"{"Statement": [], "Statement": {"Effect": "Allow"}}"#,
        ] {
            assert!(!read(unusual), "left to the tree: {unusual}");
        }
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
