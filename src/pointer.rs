//! JSON pointers (RFC 6901) for provenance, and resolving many of them in a document's text.

use serde_json::value::RawValue;
use serde_json::Value;
use std::collections::BTreeMap;

/// Escapes one reference token: `~` → `~0`, `/` → `~1`.
pub fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Appends a token to a pointer.
pub fn join(base: &str, token: impl std::fmt::Display) -> String {
    format!("{base}/{}", escape(&token.to_string()))
}

/// Resolves `pointers` in the JSON `text` as [`Value::pointer`] would on the parsed text, but
/// builds values only for the fragments asked for: a whole tree costs about nine times the
/// file, and evidence quotes a few thousand small fragments of it. Each object or array on the
/// way to a fragment is scanned once, however many pointers pass through it.
pub fn resolve_many(text: &str, pointers: &[&str]) -> Vec<Option<Value>> {
    let mut out = vec![None; pointers.len()];
    let Ok(root) = serde_json::from_str::<&RawValue>(text) else {
        return out;
    };
    let wanted: Vec<(Vec<String>, usize)> = pointers
        .iter()
        .enumerate()
        .filter_map(|(i, p)| Some((tokens(p)?, i)))
        .collect();
    walk(root, wanted, 0, &mut out);
    out
}

/// A pointer's reference tokens, unescaped; `None` for a malformed pointer (no leading `/`).
fn tokens(pointer: &str) -> Option<Vec<String>> {
    if pointer.is_empty() {
        return Some(Vec::new());
    }
    let rest = pointer.strip_prefix('/')?;
    Some(
        rest.split('/')
            .map(|t| t.replace("~1", "/").replace("~0", "~"))
            .collect(),
    )
}

/// An array index token as serde_json reads one: no sign, no leading zeros.
fn index(token: &str) -> Option<usize> {
    if token.starts_with('+') || (token.starts_with('0') && token.len() != 1) {
        return None;
    }
    token.parse().ok()
}

type Wanted = Vec<(Vec<String>, usize)>;

fn walk(raw: &RawValue, wanted: Wanted, depth: usize, out: &mut [Option<Value>]) {
    let (here, deeper): (Wanted, Wanted) = wanted.into_iter().partition(|(t, _)| t.len() == depth);
    if !here.is_empty() {
        if let Ok(value) = serde_json::from_str::<Value>(raw.get()) {
            for (_, i) in here {
                out[i] = Some(value.clone());
            }
        }
    }
    if deeper.is_empty() {
        return;
    }
    let mut by_token: BTreeMap<String, Wanted> = BTreeMap::new();
    for w in deeper {
        by_token.entry(w.0[depth].clone()).or_default().push(w);
    }
    let text = raw.get();
    if text.starts_with('{') {
        let Ok(map) = serde_json::from_str::<BTreeMap<String, &RawValue>>(text) else {
            return;
        };
        for (token, group) in by_token {
            if let Some(child) = map.get(&token) {
                walk(child, group, depth + 1, out);
            }
        }
    } else if text.starts_with('[') {
        let Ok(items) = serde_json::from_str::<Vec<&RawValue>>(text) else {
            return;
        };
        for (token, group) in by_token {
            if let Some(child) = index(&token).and_then(|i| items.get(i)) {
                walk(child, group, depth + 1, out);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_like_value_pointer() {
        let text = r#"{"a": [1, {"b/c": {"d~e": "x"}, "f": null}], "g": {"h": [true]}, "a": [0, {"k": 2}]}"#;
        let tree: Value = serde_json::from_str(text).expect("json");
        let pointers = [
            "",
            "/a",
            "/a/1",
            "/a/1/k",
            "/a/01",
            "/a/+1",
            "/a/9",
            "/g/h/0",
            "/g/h/0/x",
            "x",
            "/a/1/b~1c/d~0e",
            "/g",
        ];
        let got = resolve_many(text, &pointers);
        for (p, v) in pointers.iter().zip(got) {
            assert_eq!(v.as_ref(), tree.pointer(p), "{p}");
        }
        let nested = r#"{"a": [{"b/c": {"d~e": "x"}}]}"#;
        let tree: Value = serde_json::from_str(nested).expect("json");
        let p = "/a/0/b~1c/d~0e";
        assert_eq!(resolve_many(nested, &[p])[0].as_ref(), tree.pointer(p));
    }

    #[test]
    fn escapes_slash_and_tilde() {
        assert_eq!(join("/Policies/0", "a/b~c"), "/Policies/0/a~1b~0c");
        assert_eq!(join("", 3), "/3");
    }
}
