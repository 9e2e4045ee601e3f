//! The check language: a small typed condition tree, parsed from TOML with errors that name the
//! exact place (`check.fail_if.some.where.all[2]: unknown operator "eqq"`).
//!
//! ```toml
//! fail_if = { some = "statements", where = { all = [
//!     { path = "effect", eq = "Allow" },
//!     { path = "actions", contains_any = ["*", "*:*"] },
//! ] } }
//! ```
//!
//! A leaf is `{ path = "a.b", <operator> = operand }`; an operand may be a literal or
//! `{ param = "name" }`, a rule parameter that settings can override.

use serde_json::Value;
use std::fmt;

/// Leaf operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Eq,
    Ne,
    In,
    Contains,
    ContainsAny,
    /// The array holds every one of the given values (a required set of categories).
    ContainsAll,
    Exists,
    Empty,
    Gt,
    Ge,
    Lt,
    Le,
    Matches,
    StartsWith,
    /// Any IAM action pattern in the array covers any of the given concrete actions.
    IamActionMatches,
    /// Any IAM action pattern in the array is a full-service wildcard (`svc:*`) for a listed service.
    IamServiceWildcard,
    /// The CIDR (or any CIDR in the array) is open to the whole internet (`0.0.0.0/0`, `::/0`)
    /// when the operand is true; none is when it is false.
    CidrIsPublic,
    /// A network rule `{ip_protocol, from_port, to_port}` (AWS's shape, snake_case) admits any
    /// of the listed ports; protocol `-1` / `all` and a missing range admit every port.
    PortRangeIncludes,
    /// A network rule of the same shape admits only listed ports (an "authorised ports" check);
    /// all-protocol rules and missing ranges admit every port, so they are never within a list.
    PortRangeWithin,
}

impl Op {
    const NAMES: [(&'static str, Op); 19] = [
        ("eq", Op::Eq),
        ("ne", Op::Ne),
        ("in", Op::In),
        ("contains", Op::Contains),
        ("contains_any", Op::ContainsAny),
        ("contains_all", Op::ContainsAll),
        ("exists", Op::Exists),
        ("empty", Op::Empty),
        ("gt", Op::Gt),
        ("ge", Op::Ge),
        ("lt", Op::Lt),
        ("le", Op::Le),
        ("matches", Op::Matches),
        ("starts_with", Op::StartsWith),
        ("iam_action_matches", Op::IamActionMatches),
        ("iam_service_wildcard", Op::IamServiceWildcard),
        ("cidr_is_public", Op::CidrIsPublic),
        ("port_range_includes", Op::PortRangeIncludes),
        ("port_range_within", Op::PortRangeWithin),
    ];

    pub fn parse(name: &str) -> Option<Op> {
        Op::NAMES
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, op)| *op)
    }

    pub fn name(self) -> &'static str {
        Op::NAMES
            .iter()
            .find(|(_, op)| *op == self)
            .map(|(n, _)| *n)
            .unwrap_or("?")
    }
}

/// A literal, or a reference to a rule parameter resolved at evaluation time.
#[derive(Debug, Clone, PartialEq)]
pub enum Operand {
    Literal(Value),
    Param(String),
}

/// An attribute path as a rule writes it (`a.b`, or `.` for the element a quantifier visits),
/// split into its keys once when the rule is loaded: leaves run for every element of every list
/// of every resource.
#[derive(Debug, Clone, PartialEq)]
pub struct AttrPath {
    text: String,
    keys: Vec<String>,
}

impl AttrPath {
    pub fn new(text: impl Into<String>) -> AttrPath {
        let text = text.into();
        let keys = text.split('.').map(str::to_string).collect();
        AttrPath { text, keys }
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The keys between the dots, in order (`.` itself reads as two empty keys).
    pub fn keys(&self) -> &[String] {
        &self.keys
    }
}

impl std::ops::Deref for AttrPath {
    type Target = str;

    fn deref(&self) -> &str {
        &self.text
    }
}

impl fmt::Display for AttrPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl From<&str> for AttrPath {
    fn from(text: &str) -> AttrPath {
        AttrPath::new(text)
    }
}

impl PartialEq<&str> for AttrPath {
    fn eq(&self, other: &&str) -> bool {
        self.text == *other
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Cond {
    All(Vec<Cond>),
    Any(Vec<Cond>),
    Not(Box<Cond>),
    /// True when the condition holds for at least one element of the array at `path`.
    Some {
        path: AttrPath,
        cond: Box<Cond>,
    },
    /// True when the condition holds for every element of the array at `path`.
    Every {
        path: AttrPath,
        cond: Box<Cond>,
    },
    Leaf {
        path: AttrPath,
        op: Op,
        operand: Operand,
    },
    /// A named, unit-tested Rust function (see [`super::functions`]).
    Func {
        name: String,
        args: Value,
    },
}

impl Cond {
    /// True when evaluating this condition calls a named function anywhere inside it. Function
    /// calls are the only conditions with an effect beyond their answer (they add the details
    /// a finding's message quotes), so only they must run even when the answer is already known.
    pub fn calls_function(&self) -> bool {
        match self {
            Cond::All(items) | Cond::Any(items) => items.iter().any(Cond::calls_function),
            Cond::Not(inner) => inner.calls_function(),
            Cond::Some { cond, .. } | Cond::Every { cond, .. } => cond.calls_function(),
            Cond::Leaf { .. } => false,
            Cond::Func { .. } => true,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckError {
    pub at: String,
    pub message: String,
}

impl fmt::Display for CheckError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.at, self.message)
    }
}

fn err(at: &str, message: impl Into<String>) -> CheckError {
    CheckError {
        at: at.to_string(),
        message: message.into(),
    }
}

/// Parses a condition from its TOML value. `at` names where it sits, for errors.
pub fn parse(v: &toml::Value, at: &str, known_functions: &[&str]) -> Result<Cond, CheckError> {
    let table = v.as_table().ok_or_else(|| {
        err(
            at,
            format!("a condition must be a table, found {}", v.type_str()),
        )
    })?;
    let list = |key: &str, items: &toml::Value| -> Result<Vec<Cond>, CheckError> {
        let arr = items
            .as_array()
            .ok_or_else(|| err(&format!("{at}.{key}"), "must be an array of conditions"))?;
        if arr.is_empty() {
            return Err(err(&format!("{at}.{key}"), "must not be empty"));
        }
        arr.iter()
            .enumerate()
            .map(|(i, c)| parse(c, &format!("{at}.{key}[{i}]"), known_functions))
            .collect()
    };
    let only = |keys: &[&str]| -> Result<(), CheckError> {
        match table.keys().find(|k| !keys.contains(&k.as_str())) {
            Some(extra) => Err(err(
                at,
                format!("unexpected key {extra:?} beside {:?}", keys[0]),
            )),
            None => Ok(()),
        }
    };
    if let Some(items) = table.get("all") {
        only(&["all"])?;
        return Ok(Cond::All(list("all", items)?));
    }
    if let Some(items) = table.get("any") {
        only(&["any"])?;
        return Ok(Cond::Any(list("any", items)?));
    }
    if let Some(inner) = table.get("not") {
        only(&["not"])?;
        return Ok(Cond::Not(Box::new(parse(
            inner,
            &format!("{at}.not"),
            known_functions,
        )?)));
    }
    for quantifier in ["some", "every"] {
        if let Some(path) = table.get(quantifier) {
            only(&[quantifier, "where"])?;
            let path = path
                .as_str()
                .ok_or_else(|| {
                    err(
                        &format!("{at}.{quantifier}"),
                        "must be an attribute path string",
                    )
                })?
                .to_string();
            let inner = table
                .get("where")
                .ok_or_else(|| err(at, format!("{quantifier:?} needs a `where` condition")))?;
            let cond = Box::new(parse(inner, &format!("{at}.where"), known_functions)?);
            let path = AttrPath::new(path);
            return Ok(if quantifier == "some" {
                Cond::Some { path, cond }
            } else {
                Cond::Every { path, cond }
            });
        }
    }
    if let Some(name) = table.get("fn") {
        only(&["fn", "args"])?;
        let name = name
            .as_str()
            .ok_or_else(|| err(&format!("{at}.fn"), "must be a function name"))?;
        if !known_functions.contains(&name) {
            return Err(err(
                &format!("{at}.fn"),
                format!(
                    "unknown function {name:?}; known: {}",
                    known_functions.join(", ")
                ),
            ));
        }
        let args = table.get("args").map(toml_to_json).unwrap_or(Value::Null);
        return Ok(Cond::Func {
            name: name.to_string(),
            args,
        });
    }
    let path = table
        .get("path")
        .ok_or_else(|| {
            err(
                at,
                "a condition needs one of all, any, not, some, every, fn, or path with an operator",
            )
        })?
        .as_str()
        .ok_or_else(|| err(&format!("{at}.path"), "must be a string"))?
        .to_string();
    let mut ops = table.iter().filter(|(k, _)| k.as_str() != "path");
    let (op_name, operand) = ops
        .next()
        .ok_or_else(|| err(at, format!("path {path:?} needs an operator")))?;
    if let Some((extra, _)) = ops.next() {
        return Err(err(
            at,
            format!("one operator per leaf; found {op_name:?} and {extra:?}"),
        ));
    }
    let op = Op::parse(op_name).ok_or_else(|| {
        err(
            at,
            format!(
                "unknown operator {op_name:?}; known: {}",
                Op::NAMES
                    .iter()
                    .map(|(n, _)| *n)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )
    })?;
    let operand = match operand.as_table().and_then(|t| t.get("param")) {
        Some(p) => Operand::Param(
            p.as_str()
                .ok_or_else(|| err(&format!("{at}.{op_name}.param"), "must be a parameter name"))?
                .to_string(),
        ),
        None => Operand::Literal(toml_to_json(operand)),
    };
    let at_op = format!("{at}.{op_name}");
    match (op, &operand) {
        (
            Op::In
            | Op::ContainsAny
            | Op::ContainsAll
            | Op::IamActionMatches
            | Op::IamServiceWildcard,
            Operand::Literal(v),
        ) if !v.is_array() => {
            return Err(err(&at_op, "expects an array"));
        }
        (Op::Gt | Op::Ge | Op::Lt | Op::Le, Operand::Literal(v)) if !v.is_number() => {
            return Err(err(&at_op, "expects a number"))
        }
        (Op::Exists | Op::Empty, Operand::Literal(v)) if !v.is_boolean() => {
            return Err(err(&at_op, "expects true or false"))
        }
        (Op::Matches | Op::StartsWith, Operand::Literal(v)) if !v.is_string() => {
            return Err(err(&at_op, "expects a string"))
        }
        _ => {}
    }
    Ok(Cond::Leaf {
        path: AttrPath::new(path),
        op,
        operand,
    })
}

/// TOML to JSON; TOML datetimes become strings.
pub fn toml_to_json(v: &toml::Value) -> Value {
    match v {
        toml::Value::String(s) => Value::String(s.clone()),
        toml::Value::Integer(i) => Value::from(*i),
        toml::Value::Float(f) => serde_json::Number::from_f64(*f)
            .map(Value::Number)
            .unwrap_or(Value::Null),
        toml::Value::Boolean(b) => Value::Bool(*b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(a) => Value::Array(a.iter().map(toml_to_json).collect()),
        toml::Value::Table(t) => Value::Object(
            t.iter()
                .map(|(k, v)| (k.clone(), toml_to_json(v)))
                .collect(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(src: &str) -> Result<Cond, CheckError> {
        let v: toml::Value = toml::from_str(src).expect("toml");
        parse(&v["c"], "check.fail_if", &["iam_admin_equivalent"])
    }

    #[test]
    fn finds_a_function_at_any_depth() {
        let leaves =
            p(r#"c = { all = [ { path = "a", eq = 1 }, { not = { path = "b", eq = 2 } } ] }"#);
        assert!(!leaves.expect("ok").calls_function());
        let deep = p(
            r#"c = { any = [ { path = "a", eq = 1 }, { some = "s", where = { not = { fn = "iam_admin_equivalent" } } } ] }"#,
        );
        assert!(deep.expect("ok").calls_function());
    }

    #[test]
    fn paths_are_split_once() {
        let c = p(r#"c = { some = "a.b", where = { path = ".", eq = 1 } }"#).expect("ok");
        let Cond::Some { path, cond } = c else {
            panic!("some")
        };
        assert_eq!(path.keys(), ["a", "b"]);
        assert_eq!(path.to_string(), "a.b");
        let Cond::Leaf { path, .. } = *cond else {
            panic!("leaf")
        };
        assert_eq!(path, ".");
        assert_eq!(path.keys(), ["", ""]);
    }

    #[test]
    fn parses_nested_tree() {
        let c = p(r#"c = { some = "statements", where = { all = [ { path = "effect", eq = "Allow" }, { path = "actions", contains_any = { param = "x" } } ] } }"#).expect("ok");
        let Cond::Some { path, cond } = c else {
            panic!("some")
        };
        assert_eq!(path, "statements");
        let Cond::All(items) = *cond else {
            panic!("all")
        };
        assert_eq!(
            items[1],
            Cond::Leaf {
                path: "actions".into(),
                op: Op::ContainsAny,
                operand: Operand::Param("x".into())
            }
        );
    }

    #[test]
    fn errors_name_the_place() {
        let e = p(r#"c = { all = [ { path = "a", eq = 1 }, { path = "b", eqq = 2 } ] }"#)
            .expect_err("bad op");
        assert_eq!(e.at, "check.fail_if.all[1]");
        assert!(e.message.contains("unknown operator \"eqq\""), "{e}");
        let e = p(r#"c = { path = "a", eq = 1, ne = 2 }"#).expect_err("two ops");
        assert!(e.message.contains("one operator per leaf"));
        let e = p(r#"c = { fn = "nope" }"#).expect_err("fn");
        assert_eq!(e.at, "check.fail_if.fn");
        let e = p(r#"c = { path = "a", in = 3 }"#).expect_err("in");
        assert_eq!(e.to_string(), "check.fail_if.in: expects an array");
        let e = p(r#"c = { some = "a" }"#).expect_err("where");
        assert!(e.message.contains("needs a `where`"));
        assert!(p(r#"c = { all = [] }"#).is_err());
    }
}
