//! JSON pointers (RFC 6901) for provenance, and resolving many of them in a document's text.

use serde_json::Value;
use std::borrow::Cow;
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
/// way to a fragment is scanned once, however many pointers pass through it. The text must be
/// one that serde_json has accepted (the inventory keeps only such texts): it is split by
/// [`members`] and [`elements`], which do not check syntax.
pub fn resolve_many(text: &str, pointers: &[&str]) -> Vec<Option<Value>> {
    let mut out = vec![None; pointers.len()];
    let wanted: Vec<(Vec<String>, usize)> = pointers
        .iter()
        .enumerate()
        .filter_map(|(i, p)| Some((tokens(p)?, i)))
        .collect();
    walk(text.trim(), wanted, 0, &mut out);
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

fn walk(raw: &str, wanted: Wanted, depth: usize, out: &mut [Option<Value>]) {
    let (here, deeper): (Wanted, Wanted) = wanted.into_iter().partition(|(t, _)| t.len() == depth);
    if !here.is_empty() {
        if let Some(value) = self::value(raw) {
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
    if raw.starts_with('{') {
        let Some(map) = members(raw) else { return };
        for (token, group) in by_token {
            // A repeated key reads as its last occurrence, as in a parsed tree.
            if let Some((_, child)) = map.iter().rev().find(|(k, _)| *k == token) {
                walk(child, group, depth + 1, out);
            }
        }
    } else if raw.starts_with('[') {
        let Some(items) = elements(raw) else { return };
        for (token, group) in by_token {
            if let Some(child) = index(&token).and_then(|i| items.get(i)) {
                walk(child, group, depth + 1, out);
            }
        }
    }
}

/// The value of accepted JSON text (see [`members`]). Strings without escapes and the literals,
/// most of an entry's fields, are read directly: the parser's setup costs more than they do.
pub fn value(text: &str) -> Option<Value> {
    match text {
        "true" => Some(Value::Bool(true)),
        "false" => Some(Value::Bool(false)),
        "null" => Some(Value::Null),
        _ => match text.strip_prefix('"').and_then(|t| t.strip_suffix('"')) {
            Some(plain) if text.len() >= 2 && !plain.contains('\\') => {
                Some(Value::String(plain.to_string()))
            }
            _ => serde_json::from_str(text).ok(),
        },
    }
}

/// An object's members, in order: each key decoded, each value as its text.
pub type Members<'a> = Vec<(Cow<'a, str>, &'a str)>;

/// The members of the JSON object `text`; `None` when `text` is not an object. Reading text that
/// serde_json has already accepted needs no parser, only strings and brackets: several times
/// faster than having serde_json find the same boundaries again.
pub fn members(text: &str) -> Option<Members<'_>> {
    members_at(text, skip_ws(text.as_bytes(), 0)).map(|(m, _)| m)
}

/// The elements of the JSON array `text`, each as its text; `None` when `text` is not an array.
/// Like [`members`], for text serde_json has already accepted.
pub fn elements(text: &str) -> Option<Vec<&str>> {
    let mut out = Vec::new();
    each_element(text, |b, i| {
        let end = value_end(b, i)?;
        out.push(text.get(i..end)?);
        Some(end)
    })?;
    Some(out)
}

/// The elements of the JSON array `text`, each split into its members when it is an object
/// (`None` for an element that is not), in the same pass over the text.
pub fn objects(text: &str) -> Option<Vec<Option<Members<'_>>>> {
    let mut out = Vec::new();
    each_element(text, |b, i| {
        if b.get(i) == Some(&b'{') {
            let (m, end) = members_at(text, i)?;
            out.push(Some(m));
            Some(end)
        } else {
            out.push(None);
            value_end(b, i)
        }
    })?;
    Some(out)
}

/// The first element of the JSON array `text`, reading no further.
pub fn first_element(text: &str) -> Option<Option<&str>> {
    let b = text.as_bytes();
    let i = skip_ws(b, 0);
    if b.get(i) != Some(&b'[') {
        return None;
    }
    let i = skip_ws(b, i + 1);
    if b.get(i) == Some(&b']') {
        return Some(None);
    }
    Some(Some(text.get(i..value_end(b, i)?)?))
}

/// Calls `element(bytes, start)` for each element of the array `text`; it returns where the
/// element ends.
fn each_element(text: &str, mut element: impl FnMut(&[u8], usize) -> Option<usize>) -> Option<()> {
    let b = text.as_bytes();
    let mut i = skip_ws(b, 0);
    if b.get(i) != Some(&b'[') {
        return None;
    }
    i = skip_ws(b, i + 1);
    if b.get(i) == Some(&b']') {
        return Some(());
    }
    loop {
        let end = element(b, i)?;
        i = skip_ws(b, end);
        match b.get(i) {
            Some(b',') => i = skip_ws(b, i + 1),
            Some(b']') => return Some(()),
            _ => return None,
        }
    }
}

/// The object starting at `text[i]` split into members, and where it ends.
fn members_at(text: &str, mut i: usize) -> Option<(Members<'_>, usize)> {
    let b = text.as_bytes();
    if b.get(i) != Some(&b'{') {
        return None;
    }
    let mut out = Vec::new();
    i = skip_ws(b, i + 1);
    if b.get(i) == Some(&b'}') {
        return Some((out, i + 1));
    }
    loop {
        let key_end = string_end(b, i)?;
        let key = text.get(i..key_end)?;
        let key = if key.contains('\\') {
            Cow::Owned(serde_json::from_str::<String>(key).ok()?)
        } else {
            Cow::Borrowed(key.get(1..key.len() - 1)?)
        };
        i = skip_ws(b, key_end);
        if b.get(i) != Some(&b':') {
            return None;
        }
        let start = skip_ws(b, i + 1);
        let end = value_end(b, start)?;
        out.push((key, text.get(start..end)?));
        i = skip_ws(b, end);
        match b.get(i) {
            Some(b',') => i = skip_ws(b, i + 1),
            Some(b'}') => return Some((out, i + 1)),
            _ => return None,
        }
    }
}

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while matches!(b.get(i), Some(b' ' | b'\t' | b'\n' | b'\r')) {
        i += 1;
    }
    i
}

/// Where the string starting at `b[i]` (its opening quote) ends, past its closing quote. Most
/// of an export's bytes are inside strings, so they are read eight at a time.
fn string_end(b: &[u8], i: usize) -> Option<usize> {
    if b.get(i) != Some(&b'"') {
        return None;
    }
    let mut j = i + 1;
    loop {
        while let Some(chunk) = b.get(j..j + 8) {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            let w = u64::from_le_bytes(word);
            let found = has_byte(w, b'"') | has_byte(w, b'\\');
            if found != 0 {
                // The lowest flagged byte is exact (borrows only run upwards from it).
                j += (found.trailing_zeros() / 8) as usize;
                break;
            }
            j += 8;
        }
        match b.get(j)? {
            b'"' => return Some(j + 1),
            b'\\' => j += 2,
            _ => j += 1,
        }
    }
}

/// Non-zero when some byte of `w` is `c` (the classic zero-byte test on `w ^ c…c`).
fn has_byte(w: u64, c: u8) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let x = w ^ (ONES * u64::from(c));
    x.wrapping_sub(ONES) & !x & HIGHS
}

/// Where the value starting at `b[i]` ends.
fn value_end(b: &[u8], i: usize) -> Option<usize> {
    match b.get(i)? {
        b'"' => string_end(b, i),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut j = i;
            loop {
                match b.get(j)? {
                    b'"' => {
                        j = string_end(b, j)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(j + 1);
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
        }
        _ => {
            let len = b[i..]
                .iter()
                .position(|c| matches!(c, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r'))
                .unwrap_or(b.len() - i);
            (len > 0).then_some(i + len)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolves_as_the_tree(text: &str, pointers: &[&str]) {
        let tree: Value = serde_json::from_str(text).expect("json");
        let got = resolve_many(text, pointers);
        for (p, v) in pointers.iter().zip(got) {
            assert_eq!(v.as_ref(), tree.pointer(p), "{p}");
        }
    }

    #[test]
    fn resolves_like_value_pointer() {
        let text = r#"{"a": [1, {"b/c": {"d~e": "x"}, "f": null}], "g": {"h": [true]}, "a": [0, {"k": 2}]}"#;
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
        resolves_as_the_tree(text, &pointers);
        let nested = r#"{"a": [{"b/c": {"d~e": "x"}}]}"#;
        let tree: Value = serde_json::from_str(nested).expect("json");
        let p = "/a/0/b~1c/d~0e";
        assert_eq!(resolve_many(nested, &[p])[0].as_ref(), tree.pointer(p));
    }

    /// Strings holding brackets, quotes, backslashes and escapes, keys with escapes, repeated
    /// keys and whitespace must split exactly where the parser would.
    #[test]
    fn reads_awkward_text_like_the_parser() {
        let text = " {\"a\\\"b\" : [ \"x]}\\\\\", {\"c\":\"\\u005d\"} , -1.5e3 ,true,null,\"\\\"[\"],\n\t\"d\": {}, \"d\": {\"e\": [[], {}]}, \"\u{00e9}\": 7 } ";
        let pointers = [
            "",
            "/a\"b",
            "/a\"b/0",
            "/a\"b/1/c",
            "/a\"b/2",
            "/a\"b/3",
            "/a\"b/4",
            "/a\"b/5",
            "/a\"b/6",
            "/d",
            "/d/e/1",
            "/\u{00e9}",
        ];
        resolves_as_the_tree(text, &pointers);
        let keys: Vec<String> = members(text)
            .expect("object")
            .into_iter()
            .map(|(k, _)| k.into_owned())
            .collect();
        assert_eq!(keys, ["a\"b", "d", "d", "\u{00e9}"]);
        assert_eq!(elements("[]"), Some(Vec::new()));
        assert_eq!(members("{ }").map(|m| m.len()), Some(0));
        assert_eq!(members("[1]"), None);
        assert_eq!(elements("{}"), None);
        assert_eq!(elements("[1, 2"), None, "unterminated text is no array");
    }

    #[test]
    fn values_read_as_the_parser_reads_them() {
        for text in [
            "true",
            "false",
            "null",
            "\"\"",
            "\"a b\"",
            "\"a\\\"b\"",
            "\"\\u00e9\"",
            "-0",
            "1.5e3",
            "[1]",
            "{\"a\": 1}",
        ] {
            assert_eq!(
                value(text),
                serde_json::from_str::<Value>(text).ok(),
                "{text}"
            );
        }
    }

    #[test]
    fn escapes_slash_and_tilde() {
        assert_eq!(join("/Policies/0", "a/b~c"), "/Policies/0/a~1b~0c");
        assert_eq!(join("", 3), "/3");
    }
}
