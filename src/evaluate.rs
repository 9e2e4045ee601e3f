//! Runs a rule's condition tree over one resource with Kleene (three-valued) logic. A missing
//! attribute is unknown, never pass and never fail, and every failing or unknown leaf leaves
//! evidence behind: the value and where it sits in the export.

use crate::attr_value::{AttrObject, AttrValue};
use crate::attributes::{Fields, Rendered};
use crate::iam::pattern::action_matches;
use crate::iam::policy::Statement;
use crate::model::{Evidence, Outcome, Resource};
use crate::rules::check::{AttrPath, Cond, Op, Operand};
use crate::rules::functions::{self, FnResult, Tri};
use crate::rules::Rule;
use serde_json::Value;
use std::collections::BTreeMap;
use std::sync::Arc;

/// The outcome of one rule on one resource.
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluation {
    pub outcome: Outcome,
    pub evidence: Vec<Evidence>,
    pub message: String,
    /// Evidence whose value was left unset for the report to quote from the export (see
    /// [`evaluate_unquoted`]), by index; empty from [`evaluate`].
    pub deferred: Vec<usize>,
}

struct Ctx<'a> {
    resource: &'a Resource,
    /// The resource's typed attributes as JSON, made when a check first reads one.
    rendered: &'a Rendered<'a>,
    /// Read the lean rendering of typed attributes (see [`Rendered`]): while only deciding,
    /// before any evidence is gathered.
    lean: bool,
    params: &'a BTreeMap<String, Value>,
    details: Vec<String>,
    /// Each function node's answer on this resource, by node: a function reads only the
    /// resource and the parameters, so deciding the outcome and then explaining it call each
    /// function once.
    calls: Vec<(*const Cond, FnResult)>,
    /// Leave the values of statement evidence unset (see [`evaluate_unquoted`]).
    unquoted: bool,
    /// Leave unset the object and array values of evidence that points into the export
    /// elsewhere than at the resource itself, noting where (pointer, path): the report quotes
    /// those from the export (see [`evaluate_unquoted`]).
    defer: bool,
    deferred: std::cell::RefCell<Vec<(String, String)>>,
}

impl<'a> Ctx<'a> {
    fn new(
        resource: &'a Resource,
        params: &'a BTreeMap<String, Value>,
        rendered: &'a Rendered<'a>,
    ) -> Ctx<'a> {
        Ctx {
            resource,
            rendered,
            lean: false,
            params,
            details: Vec::new(),
            calls: Vec::new(),
            unquoted: false,
            defer: false,
            deferred: Default::default(),
        }
    }

    /// Where `cond`'s answer sits in [`Ctx::calls`], calling the function the first time.
    fn call(&mut self, cond: &Cond, name: &str, args: &Value) -> usize {
        let node: *const Cond = cond;
        if let Some(i) = self.calls.iter().position(|(c, _)| *c == node) {
            return i;
        }
        let r = functions::call(name, self.resource, args, self.params);
        self.calls.push((node, r));
        self.calls.len() - 1
    }
}

struct Res {
    tri: Tri,
    evidence: Vec<Evidence>,
}

impl Res {
    fn new(tri: Tri) -> Res {
        Res {
            tri,
            evidence: Vec::new(),
        }
    }
}

/// Evaluates `rule` on `resource`. `params` are the rule's parameters after settings overrides.
pub fn evaluate(rule: &Rule, resource: &Resource, params: &BTreeMap<String, Value>) -> Evaluation {
    let fields = statement_reads([rule]);
    let (mut evaluation, statements) = evaluate_unquoted(
        rule,
        resource,
        params,
        &Rendered::new(fields.as_ref()),
        false,
    );
    for (k, statement) in statements {
        evaluation.evidence[k].value = statement_value(&statement);
    }
    evaluation
}

/// The value statement evidence shows unless the export is quoted instead: the statement as
/// its attribute renders it (`attributes::statement_json`, which is `serde_json::to_value`'s
/// output built directly).
pub fn statement_value(statement: &Statement) -> Option<Arc<Value>> {
    Some(Arc::new(
        crate::attributes::statement_json(statement).to_json(),
    ))
}

/// [`evaluate`], except that when the check is a single function call, the statements it cites
/// come back beside the evidence (with the index of the evidence each one explains) instead of
/// as its values. The report quotes those fragments from the export, which replaces the value;
/// serialising every cited statement first was a sizeable part of evaluating failing principals.
/// `rendered` holds the resource's typed attributes as JSON once a check has read them: one for
/// all the rules run on the resource makes each at most once. With `defer`, the object and array
/// values of other evidence that the report will quote from the export are left unset too
/// ([`Evaluation::deferred`]): copies of statements and rules, they were held with every finding
/// until the quotes replaced them (5k-role export: 3.2 MB of the heap's peak). Where the export
/// gives no quote, [`evaluate`] makes the value.
pub fn evaluate_unquoted(
    rule: &Rule,
    resource: &Resource,
    params: &BTreeMap<String, Value>,
    rendered: &Rendered,
    defer: bool,
) -> (Evaluation, Vec<(usize, Arc<Statement>)>) {
    let mut cx = Ctx::new(resource, params, rendered);
    cx.unquoted = matches!(rule.fail_if, Cond::Func { .. });
    cx.defer = defer;
    cx.lean = true;
    let quiet = |outcome| Evaluation {
        outcome,
        evidence: Vec::new(),
        message: String::new(),
        deferred: Vec::new(),
    };
    // The precondition's evidence and details are never shown, and most resources pass: both
    // are first only decided, which builds nothing. Only a failing or undecided check is
    // evaluated again with its evidence.
    if let Some(applies) = &rule.applies_if {
        if decide(&mut cx, applies, None) == Tri::False {
            return (quiet(Outcome::NotApplicable), Vec::new());
        }
    }
    if decide(&mut cx, &rule.fail_if, None) == Tri::False {
        return (quiet(Outcome::Pass), Vec::new());
    }
    // Evidence shows whole statements.
    cx.lean = false;
    let root = Scope {
        value: None,
        source: None,
        path: String::new(),
    };
    let r = eval(&mut cx, &rule.fail_if, &root);
    let outcome = match r.tri {
        Tri::True => Outcome::Fail,
        Tri::False => Outcome::Pass,
        Tri::Unknown => Outcome::Unknown,
    };
    let mut evidence = if outcome == Outcome::Pass {
        Vec::new()
    } else {
        r.evidence
    };
    if outcome != Outcome::Pass && evidence.is_empty() {
        evidence.push(Evidence {
            file: resource.source.file.clone(),
            pointer: resource.source.pointer.clone(),
            path: String::new(),
            value: None,
            note: if outcome == Outcome::Fail {
                "the resource as a whole meets the failing condition".into()
            } else {
                "the export does not decide this rule".into()
            },
        });
    }
    let details = cx.details.join(" ");
    let message = match outcome {
        Outcome::Fail => render(&rule.message, resource, rendered, &details),
        Outcome::Unknown => format!(
            "Cannot decide for {}: {}",
            resource.name,
            if details.is_empty() {
                evidence
                    .iter()
                    .map(|e| e.note.clone())
                    .collect::<Vec<_>>()
                    .join("; ")
            } else {
                details
            }
        ),
        Outcome::Pass | Outcome::NotApplicable => String::new(),
    };
    // With `unquoted`, the check is the one function call, whose statements are the evidence
    // in order.
    let statements = if cx.unquoted {
        let root: *const Cond = &rule.fail_if;
        cx.calls
            .iter_mut()
            .find(|(c, _)| *c == root)
            .map(|(_, r)| std::mem::take(&mut r.statements))
            .unwrap_or_default()
            .into_iter()
            .map(|(s, _)| s)
            .enumerate()
            .collect()
    } else {
        Vec::new()
    };
    let deferred = cx.deferred.into_inner();
    let deferred = evidence
        .iter()
        .enumerate()
        .filter(|(_, e)| {
            e.value.is_none()
                && deferred
                    .iter()
                    .any(|(p, at)| *p == e.pointer && *at == e.path)
        })
        .map(|(k, _)| k)
        .collect();
    let evaluation = Evaluation {
        outcome,
        evidence,
        message,
        deferred,
    };
    (evaluation, statements)
}

/// The statement fields that deciding `rules` reads, for [`Rendered::new`]: the first key of
/// every path their checks read inside an element of a typed statement list. `None` when a
/// check reads a whole statement (`.`) or a whole list, which only the whole rendering answers.
/// Functions read the resource's typed facts, never its rendering.
pub fn statement_reads<'r>(rules: impl IntoIterator<Item = &'r Rule>) -> Option<Fields> {
    /// Where a condition sits: on the resource, on an element of a typed statement list, or
    /// anywhere deeper (on a regular attribute's element, or inside a statement's field).
    #[derive(Clone, Copy)]
    enum At {
        Resource,
        Statement,
        Deeper,
    }
    fn walk<'c>(cond: &'c Cond, at: At, names: &mut Vec<&'c str>) -> bool {
        fn first(path: &AttrPath) -> &str {
            path.keys().first().map(String::as_str).unwrap_or("")
        }
        let typed = |path: &AttrPath| crate::attributes::Typed::KEYS.contains(&first(path));
        match cond {
            Cond::All(items) | Cond::Any(items) => items.iter().all(|c| walk(c, at, names)),
            Cond::Not(inner) => walk(inner, at, names),
            Cond::Func { .. } => true,
            Cond::Some { path, cond } | Cond::Every { path, cond } => match at {
                At::Resource if typed(path) => {
                    path.keys().len() == 1 && walk(cond, At::Statement, names)
                }
                At::Resource | At::Deeper => walk(cond, At::Deeper, names),
                At::Statement => {
                    names.push(first(path));
                    path.as_str() != "." && walk(cond, At::Deeper, names)
                }
            },
            Cond::Leaf { path, .. } => match at {
                At::Resource => !typed(path),
                At::Statement => {
                    names.push(first(path));
                    path.as_str() != "."
                }
                At::Deeper => true,
            },
        }
    }
    let mut names = Vec::new();
    for rule in rules {
        for cond in rule.applies_if.iter().chain([&rule.fail_if]) {
            if !walk(cond, At::Resource, &mut names) {
                return None;
            }
        }
    }
    Some(Fields::of(names))
}

/// Fills `{name}`, `{id}`, `{account}`, `{kind}`, `{details}` and `{attribute.path}`.
pub fn render(template: &str, resource: &Resource, rendered: &Rendered, details: &str) -> String {
    let mut out = String::new();
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let Some(len) = rest[start..].find('}') else {
            out.push_str(&rest[start..]);
            return out;
        };
        let key = &rest[start + 1..start + len];
        let value = match key {
            "name" => resource.name.clone(),
            "id" => resource.id.clone(),
            "kind" => resource.kind.clone(),
            "account" => resource.account.clone().unwrap_or_else(|| "-".into()),
            "details" => details.to_string(),
            path => lookup_attribute(resource, rendered, false, path.split('.'))
                .map(display)
                .unwrap_or_else(|| format!("{{{path}}}")),
        };
        out.push_str(&value);
        rest = &rest[start + len + 1..];
    }
    out.push_str(rest);
    out.trim().to_string()
}

fn display(v: &AttrValue) -> String {
    match v {
        AttrValue::String(s) => s.to_string(),
        AttrValue::Array(items) => items.iter().map(display).collect::<Vec<_>>().join(", "),
        other => other.to_string(),
    }
}

/// Where a sub-condition is being evaluated: the element a quantifier is visiting, if any.
struct Scope<'v> {
    value: Option<&'v AttrValue>,
    source: Option<(Arc<str>, String)>,
    path: String,
}

/// The value at the keys `keys` under the object `map`.
fn lookup<'v, 'k>(
    map: &'v AttrObject,
    keys: impl IntoIterator<Item = &'k str>,
) -> Option<&'v AttrValue> {
    let mut keys = keys.into_iter();
    descend(map.get(keys.next()?)?, keys)
}

/// The resource's attribute at the keys `keys`, a typed attribute read through `rendered`.
fn lookup_attribute<'v, 'k>(
    resource: &'v Resource,
    rendered: &'v Rendered,
    lean: bool,
    keys: impl IntoIterator<Item = &'k str>,
) -> Option<&'v AttrValue> {
    let mut keys = keys.into_iter();
    let first = keys.next()?;
    let top = match resource.attributes.get(first) {
        Some(v) => v,
        None if lean => rendered.lean(&resource.typed, first)?,
        None => rendered.get(&resource.typed, first)?,
    };
    descend(top, keys)
}

/// The value at the keys `keys` under `cur`.
fn descend<'v, 'k>(
    mut cur: &'v AttrValue,
    keys: impl Iterator<Item = &'k str>,
) -> Option<&'v AttrValue> {
    for key in keys {
        cur = cur.get(key)?;
    }
    Some(cur)
}

fn get<'v>(cx: &Ctx<'v>, at: Option<&'v AttrValue>, path: &AttrPath) -> Option<&'v AttrValue> {
    let keys = path.keys().iter().map(String::as_str);
    match at {
        // `.` is the element itself, for quantifiers over lists of plain values.
        Some(v) if path.as_str() == "." => Some(v),
        Some(AttrValue::Object(map)) => lookup(map, keys),
        Some(_) => None,
        None => lookup_attribute(cx.resource, cx.rendered, cx.lean, keys),
    }
}

fn element_source(v: &AttrValue) -> Option<(Arc<str>, String)> {
    let s = v.get("source")?;
    Some((
        crate::model::shared_file(s.get("file")?.as_str()?),
        s.get("pointer")?.as_str()?.to_string(),
    ))
}

fn evidence_at(
    cx: &Ctx,
    scope: &Scope,
    path: &str,
    value: Option<Value>,
    note: String,
) -> Evidence {
    let full_path = if scope.path.is_empty() {
        path.to_string()
    } else if path.is_empty() {
        scope.path.clone()
    } else {
        format!("{}.{path}", scope.path)
    };
    let (file, ptr) = scope.source.clone().unwrap_or_else(|| {
        let src = cx.resource.source_of(&full_path);
        (src.file.clone(), src.pointer.clone())
    });
    let value = match value {
        Some(Value::Object(_) | Value::Array(_))
            if cx.defer && ptr != cx.resource.source.pointer =>
        {
            cx.deferred
                .borrow_mut()
                .push((ptr.clone(), full_path.clone()));
            None
        }
        v => v.map(Arc::new),
    };
    Evidence {
        file,
        pointer: ptr,
        path: full_path,
        value,
        note: note.into(),
    }
}

fn eval<'v>(cx: &mut Ctx<'v>, cond: &Cond, scope: &Scope<'v>) -> Res {
    match cond {
        Cond::All(items) => {
            let mut results: Vec<Res> = Vec::with_capacity(items.len());
            for (k, item) in items.iter().enumerate() {
                let r = eval(cx, item, scope);
                // One false item decides the answer and drops all evidence; the rest need not
                // run (building their evidence was most of the time spent on statement lists)
                // unless a function among them would add to the message.
                if r.tri == Tri::False && !items[k + 1..].iter().any(Cond::calls_function) {
                    return Res::new(Tri::False);
                }
                results.push(r);
            }
            if results.iter().any(|r| r.tri == Tri::False) {
                Res::new(Tri::False)
            } else {
                let tri = if results.iter().all(|r| r.tri == Tri::True) {
                    Tri::True
                } else {
                    Tri::Unknown
                };
                let keep = |r: &Res| tri == Tri::True || r.tri == Tri::Unknown;
                Res {
                    tri,
                    evidence: results
                        .into_iter()
                        .filter(keep)
                        .flat_map(|r| r.evidence)
                        .collect(),
                }
            }
        }
        Cond::Any(items) => {
            let results: Vec<Res> = items.iter().map(|c| eval(cx, c, scope)).collect();
            let tri = if results.iter().any(|r| r.tri == Tri::True) {
                Tri::True
            } else if results.iter().all(|r| r.tri == Tri::False) {
                Tri::False
            } else {
                Tri::Unknown
            };
            let wanted = if tri == Tri::True {
                Tri::True
            } else {
                Tri::Unknown
            };
            Res {
                tri,
                evidence: results
                    .into_iter()
                    .filter(|r| r.tri == wanted)
                    .flat_map(|r| r.evidence)
                    .collect(),
            }
        }
        Cond::Not(inner) => {
            let r = eval(cx, inner, scope);
            match r.tri {
                Tri::True => Res::new(Tri::False),
                Tri::False => Res::new(Tri::True),
                Tri::Unknown => r,
            }
        }
        Cond::Some { path, cond } => quantify(cx, scope, path, cond, true),
        Cond::Every { path, cond } => quantify(cx, scope, path, cond, false),
        Cond::Leaf { path, op, operand } => leaf(cx, scope, path, *op, operand),
        Cond::Func { name, args } => {
            let i = cx.call(cond, name, args);
            let r = &cx.calls[i].1;
            if !r.details.is_empty() {
                cx.details.push(r.details.clone());
            }
            let evidence = r
                .statements
                .iter()
                .map(|(s, note)| Evidence {
                    file: s.source.file.clone(),
                    pointer: s.source.pointer.clone(),
                    path: "statements".into(),
                    value: if cx.unquoted {
                        None
                    } else {
                        statement_value(s)
                    },
                    note: note.as_str().into(),
                })
                .collect::<Vec<_>>();
            let evidence = if evidence.is_empty() && r.tri == Tri::Unknown {
                vec![evidence_at(
                    cx,
                    scope,
                    "statements",
                    None,
                    r.details.clone(),
                )]
            } else {
                evidence
            };
            Res {
                tri: r.tri,
                evidence,
            }
        }
    }
}

/// The answer [`eval`] gives, without its evidence or details, stopping as soon as the answer
/// is known. `at` is the element a quantifier is visiting, if any.
fn decide<'v>(cx: &mut Ctx<'v>, cond: &Cond, at: Option<&'v AttrValue>) -> Tri {
    match cond {
        Cond::All(items) => decide_each(cx, Tri::False, items.iter().map(|c| (c, at))),
        Cond::Any(items) => decide_each(cx, Tri::True, items.iter().map(|c| (c, at))),
        Cond::Not(inner) => match decide(cx, inner, at) {
            Tri::True => Tri::False,
            Tri::False => Tri::True,
            Tri::Unknown => Tri::Unknown,
        },
        Cond::Some { path, cond: inner } | Cond::Every { path, cond: inner } => {
            let items: &'v [AttrValue] = match get(cx, at, path) {
                Some(AttrValue::Array(items)) => items,
                Some(AttrValue::Null) => &[],
                _ => return Tri::Unknown,
            };
            // `some` stops at a hit, `every` at a miss.
            let decisive = if matches!(cond, Cond::Some { .. }) {
                Tri::True
            } else {
                Tri::False
            };
            decide_each(cx, decisive, items.iter().map(|v| (&**inner, Some(v))))
        }
        Cond::Leaf { path, op, operand } => {
            let (Some(expected), Some(actual)) = (resolve(cx, operand), get(cx, at, path)) else {
                return Tri::Unknown;
            };
            match compare(*op, actual, expected) {
                Some(true) => Tri::True,
                Some(false) => Tri::False,
                None => Tri::Unknown,
            }
        }
        Cond::Func { name, args } => {
            let i = cx.call(cond, name, args);
            cx.calls[i].1.tri
        }
    }
}

/// Kleene AND (`decisive` false: `all`, `every`) or OR (`decisive` true: `any`, `some`) of
/// conditions, each on its element; it stops at the first decisive answer.
fn decide_each<'c, 'v>(
    cx: &mut Ctx<'v>,
    decisive: Tri,
    items: impl Iterator<Item = (&'c Cond, Option<&'v AttrValue>)>,
) -> Tri {
    let mut tri = if decisive == Tri::True {
        Tri::False
    } else {
        Tri::True
    };
    for (cond, at) in items {
        match decide(cx, cond, at) {
            t if t == decisive => return decisive,
            Tri::Unknown => tri = Tri::Unknown,
            _ => {}
        }
    }
    tri
}

/// `some` (any element satisfies) or `every` (all elements satisfy) over an array attribute.
/// A missing array is unknown; an explicit null is an empty array (known to have no elements).
fn quantify<'v>(
    cx: &mut Ctx<'v>,
    scope: &Scope<'v>,
    path: &AttrPath,
    cond: &Cond,
    some: bool,
) -> Res {
    let items: &'v [AttrValue] = match get(cx, scope.value, path) {
        None => {
            let note = format!("the export does not include `{path}`");
            return Res {
                tri: Tri::Unknown,
                evidence: vec![evidence_at(cx, scope, path, None, note)],
            };
        }
        Some(AttrValue::Null) => &[],
        Some(AttrValue::Array(items)) => items,
        Some(other) => {
            let note = format!("`{path}` is not a list");
            return Res {
                tri: Tri::Unknown,
                evidence: vec![evidence_at(cx, scope, path, Some(other.to_json()), note)],
            };
        }
    };
    let base_path = if scope.path.is_empty() {
        path.to_string()
    } else {
        format!("{}.{path}", scope.path)
    };
    let mut hits = Vec::new();
    let mut unknown = Vec::new();
    let mut misses = Vec::new();
    // The evidence of a false answer is never shown (every enclosing condition drops it), so an
    // element that misses is only decided, unless a function in the condition must add its
    // details. A miss still makes an `every` false.
    let quiet = !cond.calls_function();
    for (i, item) in items.iter().enumerate() {
        if quiet && decide(cx, cond, Some(item)) == Tri::False {
            misses.push(Vec::new());
            continue;
        }
        let inner = Scope {
            value: Some(item),
            source: element_source(item).or_else(|| scope.source.clone()),
            path: format!("{base_path}[{i}]"),
        };
        let r = eval(cx, cond, &inner);
        let mut ev = r.evidence;
        // Misses need no evidence; building it for every element would dominate run time.
        if ev.is_empty() && r.tri != Tri::False {
            ev.push(evidence_at(
                cx,
                &inner,
                "",
                Some(strip_source(item)),
                String::new(),
            ));
        }
        match r.tri {
            Tri::True => hits.push(collapse(cx, &inner, item, ev)),
            Tri::Unknown => unknown.push(ev),
            Tri::False => misses.push(ev),
        }
    }
    let flatten = |v: Vec<Vec<Evidence>>| v.into_iter().flatten().collect::<Vec<_>>();
    if some {
        if !hits.is_empty() {
            Res {
                tri: Tri::True,
                evidence: flatten(hits),
            }
        } else if !unknown.is_empty() {
            Res {
                tri: Tri::Unknown,
                evidence: flatten(unknown),
            }
        } else {
            Res::new(Tri::False)
        }
    } else if !misses.is_empty() {
        Res {
            tri: Tri::False,
            evidence: flatten(misses),
        }
    } else if !unknown.is_empty() {
        Res {
            tri: Tri::Unknown,
            evidence: flatten(unknown),
        }
    } else {
        Res::new(Tri::True)
    }
}

/// The leaves that made one element match all point at that element; the auditor wants one
/// evidence item per offending element (the fragment, with the reasons), not one per leaf.
fn collapse(cx: &Ctx, scope: &Scope, item: &AttrValue, evidence: Vec<Evidence>) -> Vec<Evidence> {
    let here = evidence_at(cx, scope, "", Some(strip_source(item)), String::new());
    let (same, other): (Vec<Evidence>, Vec<Evidence>) = evidence
        .into_iter()
        .partition(|e| e.file == here.file && e.pointer == here.pointer);
    if same.is_empty() {
        return other;
    }
    let mut notes: Vec<Arc<str>> = same
        .into_iter()
        .map(|e| e.note)
        .filter(|n| !n.is_empty())
        .collect();
    notes.dedup();
    let mut out = vec![Evidence {
        note: notes.join("; ").into(),
        ..here
    }];
    out.extend(other);
    out
}

/// Elements carry their own provenance; evidence shows the fact without it.
fn strip_source(v: &AttrValue) -> Value {
    match v {
        AttrValue::Object(map) => Value::Object(
            map.iter()
                .filter(|(k, _)| *k != "source" && *k != "policy")
                .map(|(k, v)| (k.to_string(), v.to_json()))
                .collect(),
        ),
        other => other.to_json(),
    }
}

/// The operand's value, borrowed: leaves run for every element of every list of every
/// resource, and copying a parameter's list each time showed in profiles.
fn resolve<'a>(cx: &Ctx<'a>, operand: &'a Operand) -> Option<&'a Value> {
    match operand {
        Operand::Literal(v) => Some(v),
        Operand::Param(name) => cx.params.get(name),
    }
}

/// A value as the list a list operator sees: an array's items, nothing for null, else the one
/// value. Borrowed, for the same reason as [`resolve`].
fn as_list(v: &Value) -> &[Value] {
    match v {
        Value::Array(items) => items,
        Value::Null => &[],
        other => std::slice::from_ref(other),
    }
}

/// [`as_list`] for an attribute's value.
fn attr_list(v: &AttrValue) -> &[AttrValue] {
    match v {
        AttrValue::Array(items) => items,
        AttrValue::Null => &[],
        other => std::slice::from_ref(other),
    }
}

/// Equal as rules compare: numbers by value, whatever their JSON spelling.
fn str_eq(a: &AttrValue, b: &Value) -> bool {
    match (a, b) {
        (x, Value::Number(y)) if x.is_number() => x.as_f64() == y.as_f64(),
        _ => a == b,
    }
}

fn leaf<'v>(
    cx: &mut Ctx<'v>,
    scope: &Scope<'v>,
    path: &AttrPath,
    op: Op,
    operand: &Operand,
) -> Res {
    let Some(expected) = resolve(cx, operand) else {
        let note = format!("rule parameter for `{path}` is not set");
        return Res {
            tri: Tri::Unknown,
            evidence: vec![evidence_at(cx, scope, path, None, note)],
        };
    };
    let actual = get(cx, scope.value, path);
    let Some(actual) = actual else {
        let note = format!("the export does not include `{path}`");
        return Res {
            tri: Tri::Unknown,
            evidence: vec![evidence_at(cx, scope, path, None, note)],
        };
    };
    match compare(op, actual, expected) {
        Some(true) => {
            let note = format!("`{path}` {} {}", op.name(), operand_text(operand, expected));
            Res {
                tri: Tri::True,
                evidence: vec![evidence_at(cx, scope, path, Some(actual.to_json()), note)],
            }
        }
        Some(false) => Res::new(Tri::False),
        None => {
            let note = format!("`{path}` has a value that `{}` cannot compare", op.name());
            Res {
                tri: Tri::Unknown,
                evidence: vec![evidence_at(cx, scope, path, Some(actual.to_json()), note)],
            }
        }
    }
}

/// A leaf's answer: `None` when the value is not of a kind `op` can judge.
fn compare(op: Op, actual: &AttrValue, expected: &Value) -> Option<bool> {
    match op {
        Op::Eq => Some(str_eq(actual, expected)),
        Op::Ne => Some(!str_eq(actual, expected)),
        Op::In => Some(as_list(expected).iter().any(|e| str_eq(actual, e))),
        Op::Contains => Some(attr_list(actual).iter().any(|a| str_eq(a, expected))),
        Op::ContainsAny => {
            let want = as_list(expected);
            Some(
                attr_list(actual)
                    .iter()
                    .any(|a| want.iter().any(|e| str_eq(a, e))),
            )
        }
        Op::ContainsAll => {
            let have = attr_list(actual);
            Some(
                as_list(expected)
                    .iter()
                    .all(|e| have.iter().any(|a| str_eq(a, e))),
            )
        }
        Op::Exists => Some(actual.is_null() != expected.as_bool().unwrap_or(true)),
        Op::Empty => {
            let empty = match actual {
                AttrValue::Null => true,
                AttrValue::Array(a) => a.is_empty(),
                AttrValue::Object(o) => o.is_empty(),
                AttrValue::String(s) => s.is_empty(),
                _ => false,
            };
            Some(empty == expected.as_bool().unwrap_or(true))
        }
        Op::Gt | Op::Ge | Op::Lt | Op::Le => match (actual.as_f64(), expected.as_f64()) {
            (Some(a), Some(e)) => Some(match op {
                Op::Gt => a > e,
                Op::Ge => a >= e,
                Op::Lt => a < e,
                _ => a <= e,
            }),
            _ => None,
        },
        Op::Matches => actual
            .as_str()
            .zip(expected.as_str())
            .map(|(a, p)| crate::iam::pattern::wildcard_match(p, a, false)),
        Op::StartsWith => actual
            .as_str()
            .zip(expected.as_str())
            .map(|(a, p)| a.starts_with(p)),
        Op::IamActionMatches => {
            let patterns = attr_list(actual);
            let wanted = as_list(expected);
            Some(patterns.iter().filter_map(AttrValue::as_str).any(|p| {
                wanted
                    .iter()
                    .filter_map(Value::as_str)
                    .any(|w| action_matches(p, w))
            }))
        }
        Op::IamServiceWildcard => {
            let services = as_list(expected);
            Some(
                attr_list(actual)
                    .iter()
                    .filter_map(AttrValue::as_str)
                    .any(|p| {
                        p.split_once(':').is_some_and(|(svc, rest)| {
                            rest == "*"
                                && services
                                    .iter()
                                    .filter_map(Value::as_str)
                                    .any(|s| s.eq_ignore_ascii_case(svc))
                        })
                    }),
            )
        }
        Op::CidrIsPublic => {
            let public = attr_list(actual)
                .iter()
                .filter_map(AttrValue::as_str)
                .any(cidr_is_public);
            expected.as_bool().map(|want| public == want)
        }
        Op::PortRangeIncludes => port_range_includes(actual, as_list(expected)),
        Op::PortRangeWithin => port_range_within(actual, as_list(expected)),
    }
}

fn operand_text(operand: &Operand, value: &Value) -> String {
    match operand {
        Operand::Literal(_) => value.to_string(),
        Operand::Param(name) => format!("parameter {name} ({value})"),
    }
}

/// `0.0.0.0/0` and `::/0`, however spelled: the whole internet.
pub fn cidr_is_public(cidr: &str) -> bool {
    let Some((addr, len)) = cidr.trim().split_once('/') else {
        return false;
    };
    len.trim() == "0" && (addr.parse::<std::net::IpAddr>().is_ok())
}

/// The ports an AWS-shaped network rule (`ip_protocol`, `from_port`, `to_port`) admits, as an
/// inclusive range; `None` when the rule has no recognisable range.
fn admitted_ports(rule: &AttrValue) -> Option<(i64, i64)> {
    let protocol = rule
        .get("ip_protocol")
        .or_else(|| rule.get("protocol"))
        .map(|p| match p {
            AttrValue::String(s) => s.to_ascii_lowercase(),
            other => other.to_string(),
        });
    if matches!(protocol.as_deref(), Some("-1" | "all")) {
        return Some((0, 65_535));
    }
    let from = rule.get("from_port").and_then(AttrValue::as_i64);
    let to = rule.get("to_port").and_then(AttrValue::as_i64).or(from);
    match (from, to) {
        (Some(-1), Some(-1)) => Some((0, 65_535)),
        (Some(f), Some(t)) => Some((f, t)),
        // ICMP and friends carry no ports; TCP/UDP without a range mean all ports.
        (None, None) if matches!(protocol.as_deref(), Some("tcp" | "udp" | "6" | "17")) => {
            Some((0, 65_535))
        }
        _ => None,
    }
}

/// Whether an AWS-shaped network rule admits one of `ports`.
fn port_range_includes(rule: &AttrValue, ports: &[Value]) -> Option<bool> {
    let (from, to) = admitted_ports(rule)?;
    Some(
        ports
            .iter()
            .filter_map(Value::as_i64)
            .any(|p| from <= p && p <= to),
    )
}

/// Whether every port an AWS-shaped network rule admits is one of `ports`.
fn port_range_within(rule: &AttrValue, ports: &[Value]) -> Option<bool> {
    let (from, to) = admitted_ports(rule)?;
    let listed: std::collections::BTreeSet<i64> = ports
        .iter()
        .filter_map(Value::as_i64)
        .filter(|p| from <= *p && *p <= to)
        .collect();
    Some(to >= from && listed.len() as i64 == to - from + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Source;
    use serde_json::json;

    fn res(attrs: Value) -> Resource {
        Resource {
            provider: "aws".into(),
            kind: "k".into(),
            id: "id".into(),
            name: "n".into(),
            account: None,
            region: None,
            attributes: attrs.as_object().cloned().unwrap_or_default().into(),
            source: Source {
                file: "f".into(),
                pointer: "/R/0".into(),
            },
            sources: Default::default(),
            facts: crate::Facts::default(),
            typed: Default::default(),
        }
    }

    fn cond(src: &str) -> Cond {
        let v: toml::Value = toml::from_str(&format!("c = {src}")).expect("toml");
        crate::rules::check::parse(&v["c"], "c", crate::rules::functions::NAMES).expect("cond")
    }

    fn run(c: &str, attrs: Value) -> (Tri, Vec<Evidence>) {
        let r = res(attrs);
        let params = BTreeMap::from([("svcs".to_string(), json!(["iam", "s3"]))]);
        let rendered = Rendered::default();
        let mut cx = Ctx::new(&r, &params, &rendered);
        let out = eval(
            &mut cx,
            &cond(c),
            &Scope {
                value: None,
                source: None,
                path: String::new(),
            },
        );
        (out.tri, out.evidence)
    }

    /// Details the functions of `c` added while it was evaluated on a resource without facts.
    fn details_of(c: &str) -> Vec<String> {
        let r = res(json!({"flag": false}));
        let params = BTreeMap::new();
        let rendered = Rendered::default();
        let mut cx = Ctx::new(&r, &params, &rendered);
        let scope = Scope {
            value: None,
            source: None,
            path: String::new(),
        };
        eval(&mut cx, &cond(c), &scope);
        cx.details
    }

    #[test]
    fn a_false_item_stops_an_all_unless_a_function_follows() {
        let func = r#"{ fn = "iam_admin_equivalent" }"#;
        let alone = details_of(func);
        assert!(!alone.is_empty(), "the function says why it cannot tell");
        // The leaf is false, so the answer is known, but the function still adds its details.
        let after_false = format!(r#"{{ all = [{{ path = "flag", eq = true }}, {func}] }}"#);
        assert_eq!(details_of(&after_false), alone);
        let nested = format!(
            r#"{{ all = [{{ path = "flag", eq = true }}, {{ not = {{ any = [{func}] }} }}] }}"#
        );
        assert_eq!(details_of(&nested), alone);
        // Without a function after it, the answer is the same as evaluating every item.
        let c = r#"{ all = [{ path = "flag", eq = true }, { path = "missing", eq = 1 }] }"#;
        assert_eq!(run(c, json!({"flag": false})).0, Tri::False);
        assert!(run(c, json!({"flag": false})).1.is_empty());
    }

    /// A rule of the embedded pack with its conditions replaced, run through [`evaluate`].
    fn evaluate_with(applies_if: Option<&str>, fail_if: &str, attrs: Value) -> Evaluation {
        let pack = crate::pack::builtin().expect("pack");
        let mut rule = pack.rules[0].clone();
        rule.message = "{name} fails: {details}".into();
        rule.applies_if = applies_if.map(cond);
        rule.fail_if = cond(fail_if);
        evaluate(&rule, &res(attrs), &BTreeMap::new())
    }

    /// The fields a check names inside a statement list are what deciding reads; a check that
    /// reads a whole statement, or the whole list, gets the whole rendering.
    #[test]
    fn statement_reads_are_the_fields_named_inside_statement_lists() {
        let reads = |applies_if: Option<&str>, fail_if: &str| {
            let pack = crate::pack::builtin().expect("pack");
            let mut rule = pack.rules[0].clone();
            rule.applies_if = applies_if.map(cond);
            rule.fail_if = cond(fail_if);
            statement_reads([&rule]).map(|f| f.names().join(" "))
        };
        let named = reads(
            Some(r#"{ path = "sid", exists = false }"#),
            r#"{ some = "statements", where = { all = [
                { path = "effect", eq = "Allow" },
                { some = "principals", where = { path = "everyone", eq = true } },
                { some = "actions", where = { path = ".", eq = "s3:*" } },
                { not = { path = "condition.Bool", exists = true } },
            ] } }"#,
        );
        // `sid` is a resource attribute here, not a statement's; `everyone` is a principal's.
        assert_eq!(
            named,
            Some("effect actions principals condition".to_string())
        );
        assert_eq!(
            reads(
                None,
                r#"{ every = "trust_statements", where = { fn = "iam_admin_equivalent" } }"#
            ),
            Some(String::new())
        );
        assert_eq!(
            reads(
                None,
                r#"{ some = "statements", where = { path = ".", exists = true } }"#
            ),
            None
        );
        assert_eq!(
            reads(None, r#"{ path = "statements", exists = true }"#),
            None
        );
        assert_eq!(
            reads(
                Some(r#"{ path = "trust_statements", exists = true }"#),
                r#"{ fn = "iam_admin_equivalent" }"#
            ),
            None
        );
    }

    #[test]
    fn deciding_answers_as_evaluating_does() {
        let conds = [
            r#"{ path = "a", eq = 1 }"#,
            r#"{ path = "a", gt = 0 }"#,
            r#"{ path = "a", eq = { param = "unset" } }"#,
            r#"{ all = [{ path = "a", eq = 1 }, { path = "b", eq = 2 }] }"#,
            r#"{ any = [{ path = "a", eq = 1 }, { path = "b", eq = 2 }] }"#,
            r#"{ not = { any = [{ path = "a", eq = 1 }, { path = "b", eq = 2 }] } }"#,
            r#"{ some = "xs", where = { path = "v", eq = 1 } }"#,
            r#"{ every = "xs", where = { path = "v", eq = 1 } }"#,
            r#"{ not = { every = "xs", where = { not = { path = "v", eq = 1 } } } }"#,
            r#"{ some = "xs", where = { all = [{ path = "v", eq = 1 }, { path = "w", exists = true }] } }"#,
            r#"{ every = "xs", where = { any = [{ path = "v", ne = 1 }, { fn = "iam_admin_equivalent" }] } }"#,
            r#"{ all = [{ path = "a", eq = 1 }, { fn = "iam_admin_equivalent" }] }"#,
        ];
        let attrs = [
            json!({}),
            json!({"a": 1, "b": 2}),
            json!({"a": 1, "b": 3}),
            json!({"a": 0, "b": 2}),
            json!({"a": "x", "xs": null}),
            json!({"a": 0, "xs": 7}),
            json!({"xs": []}),
            json!({"xs": [{"v": 1}, {"v": 1, "w": 0}]}),
            json!({"xs": [{"v": 2}, {"v": 1, "w": null}]}),
            json!({"xs": [{"w": 1}, {"v": 2}]}),
            json!({"xs": [{"v": 1}, {"x": 1}]}),
        ];
        for c in conds {
            for a in &attrs {
                let r = res(a.clone());
                let params = BTreeMap::new();
                let c = cond(c);
                let decided = decide(&mut Ctx::new(&r, &params, &Rendered::default()), &c, None);
                let scope = Scope {
                    value: None,
                    source: None,
                    path: String::new(),
                };
                let evaluated =
                    eval(&mut Ctx::new(&r, &params, &Rendered::default()), &c, &scope).tri;
                assert_eq!(decided, evaluated, "{c:?} on {a}");
            }
        }
    }

    #[test]
    fn an_any_decided_by_its_second_item_shows_that_item() {
        let e = evaluate_with(
            None,
            r#"{ any = [{ path = "a", eq = 1 }, { path = "b", eq = 2 }] }"#,
            json!({"a": 0, "b": 2}),
        );
        assert_eq!(e.outcome, Outcome::Fail);
        assert_eq!(e.evidence.len(), 1);
        assert_eq!(e.evidence[0].path, "b");
        assert_eq!(e.evidence[0].value.as_deref(), Some(&json!(2)));
        assert_eq!(&*e.evidence[0].note, "`b` eq 2");
        assert_eq!(e.message, "n fails:");
    }

    #[test]
    fn a_not_around_a_quantifier() {
        let c = r#"{ not = { some = "xs", where = { path = "v", eq = 1 } } }"#;
        let fail = evaluate_with(None, c, json!({"xs": [{"v": 2}, {"v": 3}]}));
        assert_eq!(fail.outcome, Outcome::Fail);
        assert_eq!(fail.evidence.len(), 1);
        assert_eq!(fail.evidence[0].path, "");
        assert_eq!(
            &*fail.evidence[0].note,
            "the resource as a whole meets the failing condition"
        );
        let pass = evaluate_with(None, c, json!({"xs": [{"v": 2}, {"v": 1}]}));
        assert_eq!(pass.outcome, Outcome::Pass);
        assert!(pass.evidence.is_empty() && pass.message.is_empty());
        let unknown = evaluate_with(None, c, json!({"xs": [{"v": 2}, {"w": 1}]}));
        assert_eq!(unknown.outcome, Outcome::Unknown);
        assert_eq!(unknown.evidence.len(), 1);
        assert_eq!(unknown.evidence[0].path, "xs[1].v");
        assert_eq!(unknown.evidence[0].value, None);
    }

    /// Elements that miss are only decided: they still make an `every` false (over an unknown
    /// one), and the elements that hit or cannot be decided keep their places and evidence.
    #[test]
    fn misses_are_only_decided() {
        let xs = json!({"xs": [{"v": 2}, {"v": 1}, {"w": 1}, {"v": 1}]});
        let every = r#"{ every = "xs", where = { path = "v", eq = 1 } }"#;
        assert_eq!(run(every, xs.clone()).0, Tri::False);
        let e = evaluate_with(None, &format!("{{ not = {every} }}"), xs.clone());
        assert_eq!(e.outcome, Outcome::Fail);
        assert_eq!(e.evidence[0].path, "");
        let some = r#"{ some = "xs", where = { path = "v", eq = 1 } }"#;
        let (tri, ev) = run(some, xs.clone());
        assert_eq!(tri, Tri::True);
        let paths: Vec<&str> = ev.iter().map(|e| e.path.as_str()).collect();
        assert_eq!(paths, ["xs[1]", "xs[3]"]);
        let none = json!({"xs": [{"v": 2}, {"w": 1}, {"v": 3}]});
        let (tri, ev) = run(some, none);
        assert_eq!(tri, Tri::Unknown);
        assert_eq!(ev.len(), 1);
        assert_eq!(ev[0].path, "xs[1].v");
    }

    #[test]
    fn unknown_evidence_names_the_missing_path() {
        let c = r#"{ all = [{ path = "a", eq = 1 }, { path = "missing", eq = 1 }] }"#;
        let e = evaluate_with(None, c, json!({"a": 1}));
        assert_eq!(e.outcome, Outcome::Unknown);
        assert_eq!(e.evidence.len(), 1, "the true item's evidence is dropped");
        assert_eq!(e.evidence[0].path, "missing");
        assert_eq!(e.evidence[0].value, None);
        assert_eq!(
            e.message,
            "Cannot decide for n: the export does not include `missing`"
        );
    }

    #[test]
    fn a_precondition_is_only_decided() {
        let applies = Some(r#"{ path = "kind", eq = "x" }"#);
        let c = r#"{ path = "a", eq = 1 }"#;
        let na = evaluate_with(applies, c, json!({"kind": "y", "a": 1}));
        assert_eq!(na.outcome, Outcome::NotApplicable);
        assert!(na.evidence.is_empty() && na.message.is_empty());
        let fail = evaluate_with(applies, c, json!({"kind": "x", "a": 1}));
        assert_eq!(fail.outcome, Outcome::Fail);
        assert_eq!(fail.evidence[0].path, "a");
        // An undecided precondition still lets the check speak, without its own details.
        let fail = evaluate_with(applies, c, json!({"a": 1}));
        assert_eq!(fail.outcome, Outcome::Fail);
        let func = Some(r#"{ fn = "iam_admin_equivalent" }"#);
        assert_eq!(evaluate_with(func, c, json!({"a": 1})).message, "n fails:");
    }

    #[test]
    fn a_function_runs_once_but_speaks_each_time_it_is_evaluated() {
        let c = cond(r#"{ some = "xs", where = { fn = "iam_admin_equivalent" } }"#);
        let r = res(json!({"xs": [1, 2]}));
        let params = BTreeMap::new();
        let rendered = Rendered::default();
        let mut cx = Ctx::new(&r, &params, &rendered);
        assert_eq!(decide(&mut cx, &c, None), Tri::Unknown);
        let scope = Scope {
            value: None,
            source: None,
            path: String::new(),
        };
        let out = eval(&mut cx, &c, &scope);
        assert_eq!(out.tri, Tri::Unknown);
        assert_eq!(cx.calls.len(), 1);
        assert_eq!(cx.details.len(), 2);
        assert_eq!(cx.details[0], cx.details[1]);
        assert_eq!(out.evidence.len(), 2);
        assert_eq!(out.evidence[1].path, "xs[1].statements");
    }

    /// Objects small and large find the same members, nested or not, and neither finds a
    /// missing one.
    #[test]
    fn paths_read_alike_in_small_and_large_objects() {
        for size in [3, 32, 33, 80] {
            let mut attrs = serde_json::Map::new();
            for i in 0..size {
                attrs.insert(format!("k{i}"), json!(i));
            }
            let last = format!("k{}", size - 1);
            attrs.insert("nested".into(), Value::Object(attrs.clone()));
            attrs.insert("xs".into(), json!([Value::Object(attrs.clone()), 5]));
            let attrs = Value::Object(attrs);
            let eq = |path: &str, n: usize| format!(r#"{{ path = "{path}", eq = {n} }}"#);
            for (c, want) in [
                (eq(&last, size - 1), Tri::True),
                (eq(&format!("nested.{last}"), size - 1), Tri::True),
                (eq("nested.k0", 1), Tri::False),
                (eq("nested.absent", 1), Tri::Unknown),
                (eq("k0.deeper", 0), Tri::Unknown),
                (
                    format!(r#"{{ some = "xs", where = {} }}"#, eq(&last, size - 1)),
                    Tri::True,
                ),
                (
                    format!(r#"{{ every = "xs", where = {} }}"#, eq("nested.k1", 1)),
                    Tri::Unknown,
                ),
            ] {
                assert_eq!(run(&c, attrs.clone()).0, want, "{c} with {size} members");
                let r = res(attrs.clone());
                let params = BTreeMap::new();
                assert_eq!(
                    decide(
                        &mut Ctx::new(&r, &params, &Rendered::default()),
                        &cond(&c),
                        None
                    ),
                    want
                );
            }
        }
    }

    #[test]
    fn contains_all_needs_every_value() {
        let c = r#"{ path = "cats", contains_all = ["failure", "maintenance"] }"#;
        assert_eq!(
            run(c, json!({"cats": ["maintenance", "failure", "backup"]})).0,
            Tri::True
        );
        assert_eq!(run(c, json!({"cats": ["failure"]})).0, Tri::False);
        assert_eq!(run(c, json!({})).0, Tri::Unknown);
    }

    #[test]
    fn kleene_and_or() {
        let c = r#"{ all = [ { path = "a", eq = 1 }, { path = "missing", eq = 1 } ] }"#;
        assert_eq!(run(c, json!({"a": 1})).0, Tri::Unknown);
        assert_eq!(
            run(c, json!({"a": 2})).0,
            Tri::False,
            "false AND unknown is false"
        );
        let c = r#"{ any = [ { path = "a", eq = 1 }, { path = "missing", eq = 1 } ] }"#;
        assert_eq!(
            run(c, json!({"a": 1})).0,
            Tri::True,
            "true OR unknown is true"
        );
        assert_eq!(run(c, json!({"a": 2})).0, Tri::Unknown);
        assert_eq!(
            run(r#"{ not = { path = "missing", eq = 1 } }"#, json!({})).0,
            Tri::Unknown
        );
    }

    #[test]
    fn some_collects_element_provenance() {
        let attrs = json!({"statements": [
            {"effect": "Allow", "actions": ["s3:*"], "source": {"file": "x.json", "pointer": "/P/0/S/0"}},
            {"effect": "Allow", "actions": ["ec2:*"], "source": {"file": "x.json", "pointer": "/P/0/S/1"}}]});
        let (tri, ev) = run(
            r#"{ some = "statements", where = { path = "actions", iam_service_wildcard = { param = "svcs" } } }"#,
            attrs,
        );
        assert_eq!(tri, Tri::True);
        assert_eq!(ev.len(), 1);
        assert_eq!(ev[0].pointer, "/P/0/S/0");
        assert_eq!(ev[0].path, "statements[0]");
        assert_eq!(
            ev[0].value.as_deref(),
            Some(&json!({"effect": "Allow", "actions": ["s3:*"]}))
        );
        assert!(
            ev[0].note.contains("iam_service_wildcard"),
            "{}",
            ev[0].note
        );
    }

    #[test]
    fn null_is_known_absent_but_missing_is_unknown() {
        let c = r#"{ some = "xs", where = { path = "v", eq = 1 } }"#;
        assert_eq!(run(c, json!({"xs": null})).0, Tri::False);
        let (tri, ev) = run(c, json!({}));
        assert_eq!(tri, Tri::Unknown);
        assert!(ev[0].note.contains("does not include `xs`"));
        assert_eq!(
            run(
                r#"{ every = "xs", where = { path = "v", eq = 1 } }"#,
                json!({"xs": [{"v": 1}, {"v": 1}]})
            )
            .0,
            Tri::True
        );
    }

    #[test]
    fn dot_is_the_element_itself() {
        let c = r#"{ some = "keys", where = { path = ".", matches = "*:sub" } }"#;
        assert_eq!(
            run(
                c,
                json!({"keys": ["token.actions.githubusercontent.com:aud"]})
            )
            .0,
            Tri::False
        );
        assert_eq!(
            run(
                c,
                json!({"keys": ["token.actions.githubusercontent.com:sub"]})
            )
            .0,
            Tri::True
        );
    }

    #[test]
    fn network_operators() {
        let includes =
            |rule: &Value, ports: &[Value]| port_range_includes(&AttrValue::from_json(rule), ports);
        let within =
            |rule: &Value, ports: &[Value]| port_range_within(&AttrValue::from_json(rule), ports);
        assert!(cidr_is_public("0.0.0.0/0") && cidr_is_public("::/0"));
        assert!(!cidr_is_public("10.0.0.0/8") && !cidr_is_public("0.0.0.0/1"));
        let ssh = json!({"ip_protocol": "tcp", "from_port": 22, "to_port": 22});
        let all = json!({"ip_protocol": "-1"});
        let wide = json!({"ip_protocol": "tcp", "from_port": 0, "to_port": 65535});
        let icmp = json!({"ip_protocol": "icmp", "from_port": -1, "to_port": -1});
        let p = [json!(22), json!(3389)];
        assert_eq!(includes(&ssh, &p), Some(true));
        assert_eq!(includes(&all, &p), Some(true));
        assert_eq!(includes(&wide, &p), Some(true));
        assert_eq!(includes(&icmp, &p), Some(true));
        assert_eq!(
            includes(
                &json!({"ip_protocol": "tcp", "from_port": 443, "to_port": 443}),
                &p
            ),
            Some(false)
        );
        let web = [json!(80), json!(443)];
        let https = json!({"ip_protocol": "tcp", "from_port": 443, "to_port": 443});
        let two = json!({"ip_protocol": "tcp", "from_port": 80, "to_port": 81});
        assert_eq!(within(&https, &web), Some(true));
        assert_eq!(within(&two, &web), Some(false));
        assert_eq!(within(&two, &[json!(81), json!(80)]), Some(true));
        assert_eq!(within(&all, &web), Some(false));
        assert_eq!(within(&wide, &web), Some(false));
        assert_eq!(
            within(&json!({"ip_protocol": "50"}), &web),
            None,
            "ESP has no ports to judge"
        );
        assert_eq!(
            run(
                r#"{ path = "cidrs", cidr_is_public = true }"#,
                json!({"cidrs": ["10.0.0.0/8", "0.0.0.0/0"]})
            )
            .0,
            Tri::True
        );
        assert_eq!(
            run(
                r#"{ some = "ingress", where = { path = ".", port_range_includes = [22] } }"#,
                json!({"ingress": [ssh]})
            )
            .0,
            Tri::True
        );
    }

    #[test]
    fn leaf_operators() {
        assert_eq!(
            run(r#"{ path = "n", gt = 0 }"#, json!({"n": 2})).0,
            Tri::True
        );
        assert_eq!(
            run(r#"{ path = "n", gt = 0 }"#, json!({"n": "x"})).0,
            Tri::Unknown
        );
        assert_eq!(
            run(
                r#"{ path = "a", iam_action_matches = ["iam:PassRole"] }"#,
                json!({"a": ["iam:Pass*"]})
            )
            .0,
            Tri::True
        );
        assert_eq!(
            run(
                r#"{ path = "a", contains_any = ["*", "*:*"] }"#,
                json!({"a": "*"})
            )
            .0,
            Tri::True
        );
        assert_eq!(
            run(r#"{ path = "a", exists = true }"#, json!({"a": null})).0,
            Tri::False
        );
        assert_eq!(
            run(
                r#"{ path = "a", matches = "arn:*:role/x" }"#,
                json!({"a": "arn:aws:iam::1:role/x"})
            )
            .0,
            Tri::True
        );
    }

    #[test]
    fn render_fills_placeholders() {
        let r = res(json!({"attachment_count": 3, "nested": {"x": "y"}}));
        assert_eq!(
            render(
                "{name} is attached {attachment_count} times ({nested.x}) {details}",
                &r,
                &Rendered::default(),
                "d"
            ),
            "n is attached 3 times (y) d"
        );
        assert_eq!(
            render("{nope} and {", &r, &Rendered::default(), ""),
            "{nope} and {"
        );
    }
}
