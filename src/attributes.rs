//! Attributes a normaliser keeps typed instead of as JSON trees, rendered as JSON when read.
//!
//! A managed policy's statements and a role's trust statements are the bulk of an IAM export,
//! and the IAM engine needs them typed anyway. Kept a second time as JSON attributes they were
//! nearly half of the inventory's heap (5k-role export: 72 of 157 MB) and 7 % of its
//! instructions to build. So they are kept once, typed, as attributes all the same: they merge,
//! serialise and read like any other attribute, and their JSON (exactly what
//! `serde_json::to_value` gives for the statements) is made when something reads it: a rule's
//! check, while that resource's rules run ([`Rendered`]), the resource view, drift, a snapshot.

use crate::attr_value::{AttrObject, AttrValue};
use crate::attribute_map::Key;
use crate::iam::policy::Statement;
use serde::Deserialize;
use std::borrow::Cow;
use std::cell::OnceCell;
use std::sync::Arc;

/// A managed policy's default-version statements.
pub const STATEMENTS: &str = "statements";
/// A role's trust policy statements.
pub const TRUST_STATEMENTS: &str = "trust_statements";

/// The attributes held typed, each `None` when the resource does not have it (the export does
/// not say). A key is held either here or in the resource's JSON attributes, never both.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Typed {
    /// Shared with the policy's `Facts::statements`, so holding it costs nothing more.
    pub statements: Option<Arc<Vec<Arc<Statement>>>>,
    pub trust_statements: Option<Vec<Statement>>,
}

impl Typed {
    /// Every typed attribute's name, in the order they serialise (after the JSON attributes).
    pub const KEYS: [&'static str; 2] = [STATEMENTS, TRUST_STATEMENTS];

    pub fn has(&self, key: &str) -> bool {
        match key {
            STATEMENTS => self.statements.is_some(),
            TRUST_STATEMENTS => self.trust_statements.is_some(),
            _ => false,
        }
    }

    /// The names of those held, in [`Typed::KEYS`] order.
    pub fn keys(&self) -> impl Iterator<Item = &'static str> + '_ {
        Self::KEYS.into_iter().filter(|k| self.has(k))
    }

    /// The attribute `key` as JSON, if held.
    pub fn render(&self, key: &str) -> Option<AttrValue> {
        self.render_fields(key, Fields::all())
    }

    /// [`Typed::render`] with only the statement fields `fields` names.
    fn render_fields(&self, key: &str, fields: &Fields) -> Option<AttrValue> {
        match key {
            STATEMENTS => self
                .statements
                .as_deref()
                .map(|s| statements_json_with(s, fields)),
            TRUST_STATEMENTS => self
                .trust_statements
                .as_deref()
                .map(|s| statements_json_with(s, fields)),
            _ => None,
        }
    }

    /// Drops the attribute `key`; whether it was held.
    pub fn remove(&mut self, key: &str) -> bool {
        match key {
            STATEMENTS => self.statements.take().is_some(),
            TRUST_STATEMENTS => self.trust_statements.take().is_some(),
            _ => false,
        }
    }

    /// Moves the attribute `key` from `other` into this one.
    pub fn adopt(&mut self, other: &mut Typed, key: &str) {
        match key {
            STATEMENTS => self.statements = other.statements.take(),
            TRUST_STATEMENTS => self.trust_statements = other.trust_statements.take(),
            _ => {}
        }
    }
}

/// A role's trust statements: typed as its normaliser kept them, or read back from the JSON
/// attribute (a resource read back from a serialised inventory). `None` when the export does not
/// include the trust policy.
pub fn trust_statements(r: &crate::Resource) -> Option<Cow<'_, [Statement]>> {
    if let Some(typed) = &r.typed.trust_statements {
        return Some(Cow::Borrowed(typed));
    }
    let tree = r.attributes.get(TRUST_STATEMENTS)?.to_json();
    Vec::<Statement>::deserialize(&tree).ok().map(Cow::Owned)
}

/// The typed attributes of one resource as JSON, each made the first time a rule reads it and
/// dropped with this value. The evaluator runs all of a resource's rules with one of these
/// (see `analyze::evaluate_group`), so each is made at most once per resource and never kept.
///
/// Most resources pass their rules, and deciding that reads a few of each statement's fields
/// (its effect, actions, resources): the rest (its condition tree, policy and source) was most
/// of the cost of rendering, 7 % of a scan of a 5,000-role export. So the checks first read a
/// *lean* rendering with only the fields they name ([`Rendered::lean`]); the whole rendering is
/// made only for a check that fails or cannot decide, whose evidence shows whole statements.
#[derive(Debug, Default)]
pub struct Rendered<'f> {
    cells: [OnceCell<Option<AttrValue>>; Typed::KEYS.len()],
    lean: [OnceCell<Option<AttrValue>>; Typed::KEYS.len()],
    /// The fields the lean rendering keeps; `None`: there is none, and [`Rendered::lean`] is
    /// the whole rendering.
    fields: Option<&'f Fields>,
}

impl<'f> Rendered<'f> {
    /// A cache whose lean rendering keeps `fields` (`None`: no lean rendering).
    pub fn new(fields: Option<&'f Fields>) -> Rendered<'f> {
        Rendered {
            fields,
            ..Rendered::default()
        }
    }

    /// The typed attribute `key` of `typed` as JSON, if held.
    pub fn get<'a>(&'a self, typed: &Typed, key: &str) -> Option<&'a AttrValue> {
        let i = Typed::KEYS.iter().position(|k| *k == key)?;
        self.cells[i].get_or_init(|| typed.render(key)).as_ref()
    }

    /// [`Rendered::get`] with only the statement fields given at [`Rendered::new`], for a
    /// check that reads no others; the whole rendering when it is already made.
    pub fn lean<'a>(&'a self, typed: &Typed, key: &str) -> Option<&'a AttrValue> {
        let Some(fields) = self.fields else {
            return self.get(typed, key);
        };
        let i = Typed::KEYS.iter().position(|k| *k == key)?;
        if let Some(whole) = self.cells[i].get() {
            return whole.as_ref();
        }
        self.lean[i]
            .get_or_init(|| typed.render_fields(key, fields))
            .as_ref()
    }
}

/// A set of a statement's fields (as its JSON names them), with their shared names.
#[derive(Debug, Clone)]
pub struct Fields {
    /// Bit `i` for `STATEMENT_FIELDS[i]`.
    mask: u16,
    names: Vec<Key>,
}

impl Fields {
    /// The fields among `names` (other names are not a statement's and are left out).
    pub fn of<'n>(names: impl IntoIterator<Item = &'n str>) -> Fields {
        let mut mask = 0u16;
        for name in names {
            if let Some(i) = STATEMENT_FIELDS.iter().position(|(f, _)| *f == name) {
                mask |= 1 << i;
            }
        }
        Fields::with_mask(mask)
    }

    /// The fields' names, in a statement's field order.
    #[cfg(test)]
    pub fn names(&self) -> Vec<String> {
        self.names.iter().map(|k| k.to_string()).collect()
    }

    /// Every field: a statement's whole JSON.
    fn all() -> &'static Fields {
        static ALL: std::sync::LazyLock<Fields> =
            std::sync::LazyLock::new(|| Fields::with_mask((1 << STATEMENT_FIELDS.len()) - 1));
        &ALL
    }

    fn with_mask(mask: u16) -> Fields {
        let names = STATEMENT_FIELDS
            .iter()
            .enumerate()
            .filter(|(i, _)| mask & (1 << i) != 0)
            .map(|(_, (name, _))| Key::from(*name));
        Fields {
            mask,
            names: names.collect(),
        }
    }
}

/// What `serde_json::to_value` gives for the statements, built directly as attribute values:
/// an export holds thousands of statements, and the serializer would grow every map from empty
/// and name each key anew. The test `statements_json_is_serde_json` keeps the two alike.
pub fn statements_json<S: std::borrow::Borrow<Statement>>(statements: &[S]) -> AttrValue {
    statements_json_with(statements, Fields::all())
}

/// [`statements_json`] with only the fields `fields` names, in the same order.
fn statements_json_with<S: std::borrow::Borrow<Statement>>(
    statements: &[S],
    fields: &Fields,
) -> AttrValue {
    AttrValue::Array(
        statements
            .iter()
            .map(|s| statement_json_with(s.borrow(), fields))
            .collect(),
    )
}

/// The object of `values` under the names `names`, in order.
fn object<const N: usize>(names: &[Key; N], values: [AttrValue; N]) -> AttrValue {
    AttrValue::Object(AttrObject::from_distinct(
        names.iter().cloned().zip(values).collect(),
    ))
}

/// The names of the objects a statement's JSON holds, in the field order of their types.
struct Shapes {
    principal: [Key; 5],
    policy: [Key; 4],
    source: [Key; 2],
}

static SHAPES: std::sync::LazyLock<Shapes> = std::sync::LazyLock::new(|| Shapes {
    principal: ["type", "value", "account", "other_account", "everyone"].map(Key::from),
    policy: ["name", "arn", "kind", "via_group"].map(Key::from),
    source: ["file", "pointer"].map(Key::from),
});

fn text(s: &str) -> AttrValue {
    AttrValue::String(s.into())
}

fn optional_text(s: Option<&str>) -> AttrValue {
    s.map_or(AttrValue::Null, text)
}

/// A statement's fields as its JSON names them, in the field order of [`Statement`], each with
/// what renders it.
type FieldJson = fn(&Statement) -> AttrValue;
const STATEMENT_FIELDS: [(&str, FieldJson); 13] = [
    ("sid", |s| optional_text(s.sid.as_deref())),
    ("effect", |s| text(&s.effect)),
    ("actions", |s| strings_json(&s.actions)),
    ("not_actions", |s| strings_json(&s.not_actions)),
    ("resources", |s| strings_json(&s.resources)),
    ("not_resources", |s| strings_json(&s.not_resources)),
    ("principals", |s| principals_json(&s.principals)),
    ("not_principals", |s| principals_json(&s.not_principals)),
    ("condition", |s| {
        s.condition
            .as_deref()
            .map_or(AttrValue::Null, AttrValue::from_json)
    }),
    ("condition_keys", |s| {
        AttrValue::Array(s.condition_keys.iter().map(|k| text(k)).collect())
    }),
    ("restricting_condition", |s| {
        AttrValue::Bool(s.restricting_condition)
    }),
    ("policy", |s| {
        object(
            &SHAPES.policy,
            [
                text(&s.policy.name),
                optional_text(s.policy.arn.as_deref()),
                text(&s.policy.kind),
                optional_text(s.policy.via_group.as_deref()),
            ],
        )
    }),
    ("source", |s| {
        object(
            &SHAPES.source,
            [text(&s.source.file), text(&s.source.pointer)],
        )
    }),
];

fn strings_json<T: AsRef<str>>(list: &Option<Box<[T]>>) -> AttrValue {
    match list {
        Some(list) => AttrValue::Array(list.iter().map(|s| text(s.as_ref())).collect()),
        None => AttrValue::Null,
    }
}

fn principals_json(list: &Option<Box<[crate::iam::policy::Principal]>>) -> AttrValue {
    match list {
        Some(list) => AttrValue::Array(
            list.iter()
                .map(|p| {
                    object(
                        &SHAPES.principal,
                        [
                            text(&p.kind),
                            text(&p.value),
                            optional_text(p.account.as_deref()),
                            AttrValue::Bool(p.other_account),
                            AttrValue::Bool(p.everyone),
                        ],
                    )
                })
                .collect(),
        ),
        None => AttrValue::Null,
    }
}

/// One statement's [`statements_json`].
pub fn statement_json(s: &Statement) -> AttrValue {
    statement_json_with(s, Fields::all())
}

/// The statement's JSON with only the fields `fields` names, in their order.
fn statement_json_with(s: &Statement, fields: &Fields) -> AttrValue {
    let wanted = STATEMENT_FIELDS
        .iter()
        .enumerate()
        .filter(|(i, _)| fields.mask & (1 << i) != 0);
    let members = fields
        .names
        .iter()
        .zip(wanted)
        .map(|(name, (_, (_, make)))| (name.clone(), make(s)))
        .collect();
    AttrValue::Object(AttrObject::from_distinct(members))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::iam::policy::PolicyRef;
    use crate::{Facts, Resource, Source};
    use serde_json::{json, Value};

    fn role(file: &str, trust: Option<Value>) -> Resource {
        Resource {
            provider: "aws".into(),
            kind: "aws.iam.role".into(),
            id: "arn:aws:iam::123456789012:role/r".into(),
            name: "r".into(),
            account: Some("123456789012".into()),
            region: None,
            attributes: Default::default(),
            typed: Typed {
                statements: None,
                trust_statements: trust.map(crate::iam::policy::test_statements),
            },
            source: Source {
                file: file.into(),
                pointer: "/Role".into(),
            },
            sources: Default::default(),
            facts: Facts::default(),
        }
    }

    fn trust(principal: &str) -> Value {
        json!({"Statement": [{"Effect": "Allow", "Principal": {"AWS": principal}, "Action": "sts:AssumeRole"}]})
    }

    /// Typed attributes merge like the others: the first fragment to state one wins, one
    /// adopted from another fragment records where it came from, and a key held as JSON is
    /// not held twice.
    #[test]
    fn typed_attributes_merge_like_json_ones() {
        let mut a = role("a.json", Some(trust("*")));
        assert!(!a.merge(role("b.json", Some(trust("111122223333")))));
        assert_eq!(
            a.typed.trust_statements,
            role("a.json", Some(trust("*"))).typed.trust_statements
        );
        assert!(a.sources.is_empty());

        let mut bare = role("a.json", None);
        assert!(bare.merge(role("b.json", Some(trust("*")))));
        assert!(bare.typed.has(TRUST_STATEMENTS));
        assert_eq!(&*bare.source_of("trust_statements.0").file, "b.json");

        let mut json_held = role("a.json", None);
        json_held.attributes.insert(TRUST_STATEMENTS, json!([]));
        json_held.merge(role("b.json", Some(trust("*"))));
        assert!(!json_held.typed.has(TRUST_STATEMENTS), "held once, as JSON");
        assert_eq!(
            json_held.attribute(TRUST_STATEMENTS).as_deref(),
            Some(&AttrValue::from(json!([])))
        );
    }

    /// A resource serialises its typed attributes among the others, and reads back with them
    /// as JSON attributes, which give the same statements.
    #[test]
    fn typed_attributes_serialise_and_read_back() {
        let mut r = role("a.json", Some(trust("*")));
        r.attributes.insert("path", json!("/"));
        let out = serde_json::to_value(&r).expect("serialises");
        assert_eq!(
            out["attributes"],
            Value::Object(r.all_attributes().to_json())
        );
        assert_eq!(
            out["attributes"][TRUST_STATEMENTS],
            statements_json(r.typed.trust_statements.as_deref().unwrap_or_default()).to_json()
        );
        let back: Resource = serde_json::from_value(out).expect("reads back");
        assert_eq!(back.typed, Typed::default());
        assert_eq!(back.all_attributes(), r.all_attributes());
        assert_eq!(trust_statements(&back), trust_statements(&r));
        assert!(trust_statements(&role("a.json", None)).is_none());
    }

    /// The evaluator's cache renders what the resource holds, and nothing it does not.
    #[test]
    fn rendered_is_the_typed_attribute_or_nothing() {
        let r = role("a.json", Some(trust("*")));
        let rendered = Rendered::default();
        assert_eq!(
            rendered.get(&r.typed, TRUST_STATEMENTS),
            r.typed.render(TRUST_STATEMENTS).as_ref()
        );
        assert!(rendered.get(&r.typed, STATEMENTS).is_none());
        assert!(rendered.get(&r.typed, "path").is_none());
    }

    /// The lean rendering is the whole one with only the named fields, and gives way to the
    /// whole one once that is made.
    #[test]
    fn lean_rendering_is_the_whole_one_restricted() {
        let mut r = role("a.json", Some(trust("*")));
        r.typed.statements = Some(Arc::new(
            crate::iam::policy::test_statements(json!({"Statement": [
                {"Sid": "A", "Effect": "Allow", "Action": ["s3:*"], "Resource": "*",
                 "Condition": {"Bool": {"aws:SecureTransport": "true"}}},
                {"Effect": "Deny", "NotAction": "iam:*", "NotResource": "arn:aws:s3:::b"}
            ]}))
            .into_iter()
            .map(Arc::new)
            .collect(),
        ));
        let fields = Fields::of(["not_resources", "nope", "effect"]);
        for key in Typed::KEYS {
            let rendered = Rendered::new(Some(&fields));
            let whole = r.typed.render(key).expect("held");
            let restricted: Vec<Value> = whole
                .as_array()
                .expect("list")
                .iter()
                .map(|s| {
                    let mut s = s.as_object().expect("object").to_json();
                    s.retain(|k, _| k == "effect" || k == "not_resources");
                    Value::Object(s)
                })
                .collect();
            let lean = rendered.lean(&r.typed, key).expect("held");
            assert_eq!(
                serde_json::to_string(lean).expect("json"),
                serde_json::to_string(&Value::Array(restricted)).expect("json"),
                "{key}: the same fields in the same order"
            );
            assert_eq!(rendered.get(&r.typed, key), Some(&whole));
            assert_eq!(
                rendered.lean(&r.typed, key),
                Some(&whole),
                "{key}: whole once made"
            );
        }
        // Without fields, the lean rendering is the whole one.
        let rendered = Rendered::default();
        assert_eq!(
            rendered.lean(&r.typed, TRUST_STATEMENTS),
            r.typed.render(TRUST_STATEMENTS).as_ref()
        );
        assert!(rendered.lean(&r.typed, "path").is_none());
    }

    #[test]
    fn statements_json_is_serde_json() {
        let doc = json!({"Statement": [
            {"Sid": "A", "Effect": "Allow", "Action": ["s3:*", "kms:Decrypt"], "NotResource": "*",
             "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-1"}}},
            {"Effect": "Deny", "NotAction": "iam:*", "Resource": []},
            {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"AWS": ["123456789012", "*"], "Service": "ec2.amazonaws.com"}},
            {"Effect": "Allow", "Action": "sts:AssumeRole", "NotPrincipal": "*"}
        ]});
        let mut statements = crate::iam::policy::test_statements(doc);
        statements[1].policy = Arc::new(PolicyRef {
            name: "p".into(),
            arn: Some("arn:aws:iam::123456789012:policy/p".into()),
            kind: "managed".into(),
            via_group: Some("g".into()),
        });
        if let Some(p) = statements[2].principals.as_mut() {
            p[0].other_account = true;
        }
        let want = serde_json::to_value(&statements).expect("serialises");
        assert_eq!(statements_json(&statements), want);
        assert_eq!(
            serde_json::to_string(&statements_json(&statements)).expect("json"),
            serde_json::to_string(&want).expect("json"),
            "same keys in the same order"
        );
    }
}
