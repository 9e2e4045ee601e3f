//! Attributes a normaliser keeps typed instead of as JSON trees, rendered as JSON when read.
//!
//! A managed policy's statements and a role's trust statements are the bulk of an IAM export,
//! and the IAM engine needs them typed anyway. Kept a second time as JSON attributes they were
//! nearly half of the inventory's heap (5k-role export: 72 of 157 MB) and 7 % of its
//! instructions to build. So they are kept once, typed, as attributes all the same: they merge,
//! serialise and read like any other attribute, and their JSON (exactly what
//! `serde_json::to_value` gives for the statements) is made when something reads it: a rule's
//! check, while that resource's rules run ([`Rendered`]), the resource view, drift, a snapshot.

use crate::iam::policy::Statement;
use serde::Deserialize;
use serde_json::{json, Map, Value};
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
    pub fn render(&self, key: &str) -> Option<Value> {
        match key {
            STATEMENTS => self.statements.as_deref().map(|s| statements_json(s)),
            TRUST_STATEMENTS => self.trust_statements.as_deref().map(statements_json),
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
    let tree = r.attributes.get(TRUST_STATEMENTS)?;
    // Read from the tree in place: a copy of it would be dropped straight away.
    Vec::<Statement>::deserialize(tree).ok().map(Cow::Owned)
}

/// The typed attributes of one resource as JSON, each made the first time a rule reads it and
/// dropped with this value. The evaluator runs all of a resource's rules with one of these
/// (see `analyze::evaluate_group`), so each is made at most once per resource and never kept.
#[derive(Debug, Default)]
pub struct Rendered {
    cells: [OnceCell<Option<Value>>; Typed::KEYS.len()],
}

impl Rendered {
    /// The typed attribute `key` of `typed` as JSON, if held.
    pub fn get<'a>(&'a self, typed: &Typed, key: &str) -> Option<&'a Value> {
        let i = Typed::KEYS.iter().position(|k| *k == key)?;
        self.cells[i].get_or_init(|| typed.render(key)).as_ref()
    }
}

/// What `serde_json::to_value` gives for the statements, built directly: the serializer grows
/// every map from empty (rehashing each key on the way) and names each key anew, and an export
/// holds thousands of statements. Each map is a copy of one made once with its keys, its values
/// then set in order: copying a map copies its hash table, so no key is hashed again. The test
/// `statements_json_is_serde_json` keeps the two alike.
pub fn statements_json<S: std::borrow::Borrow<Statement>>(statements: &[S]) -> Value {
    Value::Array(
        statements
            .iter()
            .map(|s| statement_json(s.borrow()))
            .collect(),
    )
}

/// A map with the given keys, each value `null`, for [`filled`] copies.
fn shape(keys: &[&str]) -> Map<String, Value> {
    keys.iter().map(|k| (k.to_string(), Value::Null)).collect()
}

/// A copy of `shape` with `values` in its keys' order.
fn filled<const N: usize>(shape: &Map<String, Value>, values: [Value; N]) -> Value {
    let mut m = shape.clone();
    debug_assert_eq!(m.len(), N);
    for (slot, value) in m.values_mut().zip(values) {
        *slot = value;
    }
    Value::Object(m)
}

/// The maps [`statement_json`] copies, in the field order of [`Statement`] and its parts.
struct Shapes {
    statement: Map<String, Value>,
    principal: Map<String, Value>,
    policy: Map<String, Value>,
    source: Map<String, Value>,
}

static SHAPES: std::sync::LazyLock<Shapes> = std::sync::LazyLock::new(|| Shapes {
    statement: shape(&[
        "sid",
        "effect",
        "actions",
        "not_actions",
        "resources",
        "not_resources",
        "principals",
        "not_principals",
        "condition",
        "condition_keys",
        "restricting_condition",
        "policy",
        "source",
    ]),
    principal: shape(&["type", "value", "account", "other_account", "everyone"]),
    policy: shape(&["name", "arn", "kind", "via_group"]),
    source: shape(&["file", "pointer"]),
});

pub fn statement_json(s: &Statement) -> Value {
    let shapes = &*SHAPES;
    let strings = |list: &Option<Box<[String]>>| match list {
        Some(list) => Value::Array(list.iter().map(|s| json!(s)).collect()),
        None => Value::Null,
    };
    let principals = |list: &Option<Box<[crate::iam::policy::Principal]>>| match list {
        Some(list) => Value::Array(
            list.iter()
                .map(|p| {
                    filled(
                        &shapes.principal,
                        [
                            json!(p.kind),
                            json!(p.value),
                            json!(p.account),
                            json!(p.other_account),
                            json!(p.everyone),
                        ],
                    )
                })
                .collect(),
        ),
        None => Value::Null,
    };
    let policy = filled(
        &shapes.policy,
        [
            json!(s.policy.name),
            json!(s.policy.arn),
            json!(s.policy.kind),
            json!(s.policy.via_group),
        ],
    );
    let source = filled(
        &shapes.source,
        [json!(s.source.file), json!(s.source.pointer)],
    );
    filled(
        &shapes.statement,
        [
            json!(s.sid),
            json!(s.effect),
            strings(&s.actions),
            strings(&s.not_actions),
            strings(&s.resources),
            strings(&s.not_resources),
            principals(&s.principals),
            principals(&s.not_principals),
            json!(s.condition),
            json!(s.condition_keys),
            json!(s.restricting_condition),
            policy,
            source,
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::iam::policy::PolicyRef;
    use crate::{Facts, Resource, Source};

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
        assert_eq!(bare.source_of("trust_statements.0").file, "b.json");

        let mut json_held = role("a.json", None);
        json_held.attributes.insert(TRUST_STATEMENTS, json!([]));
        json_held.merge(role("b.json", Some(trust("*"))));
        assert!(!json_held.typed.has(TRUST_STATEMENTS), "held once, as JSON");
        assert_eq!(
            json_held.attribute(TRUST_STATEMENTS).as_deref(),
            Some(&json!([]))
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
            statements_json(r.typed.trust_statements.as_deref().unwrap_or_default())
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
