//! JSON pointers (RFC 6901) for provenance, and resolving many of them in a document's text.

use crate::packed_text::PackedText;
use serde_json::Value;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;

/// Escapes one reference token: `~` → `~0`, `/` → `~1`.
pub fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Appends a token to a pointer. Written in place, escaping only a token that needs it: every
/// entry and statement of an export is given a pointer, and formatting and escaping each into
/// new strings cost more than reading the entry's fields.
pub fn join(base: &str, token: impl std::fmt::Display) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(base.len() + 16);
    out.push_str(base);
    out.push('/');
    let start = out.len();
    let _ = write!(out, "{token}");
    if out[start..].contains(['~', '/']) {
        let escaped = escape(&out[start..]);
        out.truncate(start);
        out.push_str(&escaped);
    }
    out
}

/// [`join`] for an array index, which never needs escaping, its digits written directly: the
/// formatter's machinery cost more than the rest of the pointer, and the authorization-details
/// normaliser makes one for every entry, version, inline policy and statement.
pub fn join_index(base: &str, index: usize) -> String {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    let mut n = index;
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    let digits = &digits[at..];
    let mut out = String::with_capacity(base.len() + 1 + digits.len());
    out.push_str(base);
    out.push('/');
    out.extend(digits.iter().map(|&d| char::from(d)));
    out
}

/// Resolves `pointers` in the JSON `text` as [`Value::pointer`] would on the parsed text, but
/// builds values only for the fragments asked for: a whole tree costs about nine times the
/// file, and evidence quotes a few thousand small fragments of it. The text is read once, in
/// order: a container on the way to a fragment is split as its end is sought, and everything
/// else is only skipped. The text must be one that serde_json has accepted (the inventory keeps
/// only such texts): it is split by the same scanning as [`members`] and [`elements`], which
/// does not check syntax.
pub fn resolve_many(text: &str, pointers: &[&str]) -> Vec<Option<Value>> {
    let mut walk = Walk {
        text: text.trim(),
        tokens: pointers.iter().map(|p| tokens(p)).collect(),
        out: vec![None; pointers.len()],
    };
    let all: Vec<usize> = (0..pointers.len())
        .filter(|&i| walk.tokens[i].is_some())
        .collect();
    walk.value_at(0, &all, 0);
    walk.out
}

/// Where the entries of a document's large lists lie in its text (byte ranges), by the list's
/// pointer, so that evidence citing a fragment of an entry is resolved in that entry's text
/// alone instead of in the whole file. Filled by the readers that split those lists anyway; only
/// a list as the whole-text walk reaches it belongs here (for a repeated key, its last
/// occurrence), so that quoting from an entry gives what [`resolve_many`] on the text gives.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EntrySpans {
    lists: BTreeMap<String, Vec<Range<usize>>>,
}

impl EntrySpans {
    /// Records the spans of the elements of the array at `list` (a pointer), in order.
    pub fn insert(&mut self, list: String, spans: Vec<Range<usize>>) {
        self.lists.insert(list, spans);
    }

    /// Adds the lists of `other`, whose spans are relative to a part of this document's text
    /// starting at `offset`.
    pub fn append(&mut self, other: EntrySpans, offset: usize) {
        for (list, mut spans) in other.lists {
            for span in &mut spans {
                *span = span.start + offset..span.end + offset;
            }
            self.lists.insert(list, spans);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.lists.is_empty()
    }

    #[cfg(test)]
    pub fn has_list(&self, list: &str) -> bool {
        self.lists.contains_key(list)
    }

    /// [`resolve_many`] on `text` (the text these spans were taken from): each pointer into an
    /// entry of a known list is resolved in that entry's text, the others in the whole text,
    /// which is then unpacked and read only when some pointer is not into an entry. Entries are
    /// independent, so runs of them, and the walk of the whole text, are read on `threads`
    /// threads; each run in the order of the text, so that it unpacks each block once.
    pub fn resolve_many(
        &self,
        text: &PackedText,
        pointers: &[&str],
        threads: usize,
    ) -> Vec<Option<Value>> {
        let mut out = vec![None; pointers.len()];
        // Each pointer into an entry, and where the rest of it starts (past the entry's index).
        let mut by_entry: BTreeMap<(&str, usize), Vec<(usize, usize)>> = BTreeMap::new();
        let mut elsewhere = Vec::new();
        for (i, pointer) in pointers.iter().enumerate() {
            match self.entry_of(pointer) {
                Some((list, k, rest)) => by_entry.entry((list, k)).or_default().push((i, rest)),
                None => elsewhere.push(i),
            }
        }
        let mut entries: Vec<Cited> = Vec::with_capacity(by_entry.len());
        for ((list, k), at) in by_entry {
            let span = self.lists[list][k].clone();
            if span.start <= span.end && span.end <= text.len() {
                entries.push((span, at));
            } else {
                elsewhere.extend(at.into_iter().map(|(i, _)| i));
            }
        }
        entries.sort_unstable_by_key(|(span, _)| span.start);
        // Pointers outside the entries are resolved over the whole text, as one more run, and
        // the first taken: it is the longest.
        let mut runs: Vec<Run> = Vec::new();
        if !elsewhere.is_empty() {
            runs.push(Run::Whole(elsewhere));
        }
        let mut entries = entries.into_iter().peekable();
        while entries.peek().is_some() {
            runs.push(Run::Entries(
                entries.by_ref().take(ENTRIES_PER_QUOTE_RUN).collect(),
            ));
        }
        let quoted = crate::parallel::map_ordered(runs, threads, |run| match run {
            Run::Whole(at) => {
                let whole = text.unpack().unwrap_or_default();
                let asked: Vec<&str> = at.iter().map(|&i| pointers[i]).collect();
                at.into_iter()
                    .zip(resolve_many(&whole, &asked))
                    .collect::<Vec<_>>()
            }
            Run::Entries(run) => {
                let mut reader = text.reader();
                run.into_iter()
                    .flat_map(|(span, at)| {
                        let rests: Vec<&str> =
                            at.iter().map(|&(i, rest)| &pointers[i][rest..]).collect();
                        let quoted = match reader.get(span) {
                            Some(entry) => resolve_many(entry, &rests),
                            None => vec![None; rests.len()],
                        };
                        at.into_iter().map(|(i, _)| i).zip(quoted)
                    })
                    .collect()
            }
        });
        for (i, v) in quoted.into_iter().flatten() {
            out[i] = v;
        }
        out
    }

    /// The innermost known list (its pointer as recorded) and element that `pointer` leads
    /// into, and where the rest of the pointer starts (`/L/7/Statement/0` → `/Statement/0`,
    /// `/L/7` → the empty pointer). Innermost, because lists nest (a bundle's outputs, and the
    /// resources listed in an output) and the smallest entry is the least text to read.
    fn entry_of<'s>(&'s self, pointer: &str) -> Option<(&'s str, usize, usize)> {
        for (at, _) in pointer.rmatch_indices('/').filter(|&(at, _)| at > 0) {
            let Some((list, spans)) = self.lists.get_key_value(&pointer[..at]) else {
                continue;
            };
            let token = pointer[at + 1..].split('/').next().unwrap_or("");
            if let Some(k) = index(token).filter(|&k| k < spans.len()) {
                return Some((list.as_str(), k, at + 1 + token.len()));
            }
        }
        None
    }
}

/// Where the object whose first key is `key` starts in `text`: `key` must be the key's own
/// characters as they lie in `text` (lent by serde_json), so that its opening brace is found
/// by stepping back over the quote and whitespace. `None` when `key` is not in `text` or no
/// brace comes before it.
pub fn object_start(text: &str, key: &str) -> Option<usize> {
    let b = text.as_bytes();
    let quote = offset_in(text, key)?.checked_sub(1)?;
    if b[quote] != b'"' {
        return None;
    }
    let brace = b[..quote].iter().rposition(|&c| !is_ws(c))?;
    (b[brace] == b'{').then_some(brace)
}

/// The spans of an array's elements in `text`, given where each starts (all of them, in
/// order): each ends where the next begins, less the comma and whitespace between them; the
/// last where its value ends. For the readers that see each element's start as they parse, so
/// that finding the spans reads only the separators and the last element. `None` if the text
/// between two starts does not end in a comma after something.
pub fn element_spans(text: &str, starts: &[usize]) -> Option<Vec<Range<usize>>> {
    let b = text.as_bytes();
    let mut spans = Vec::with_capacity(starts.len());
    for pair in starts.windows(2) {
        let between = b.get(pair[0]..pair[1])?;
        let comma = between.iter().rposition(|&c| !is_ws(c))?;
        let end = between[..comma].iter().rposition(|&c| !is_ws(c))? + 1;
        if between[comma] != b',' {
            return None;
        }
        spans.push(pair[0]..pair[0] + end);
    }
    if let Some(&last) = starts.last() {
        spans.push(last..value_end(b, last)?);
    }
    Some(spans)
}

/// A piece of [`EntrySpans::resolve_many`]'s work: pointers (by index) resolved in the whole
/// text, or in the entries cited.
enum Run {
    Whole(Vec<usize>),
    Entries(Vec<Cited>),
}

/// An entry's span, and the pointers into it: each by its index and where its rest starts.
type Cited = (Range<usize>, Vec<(usize, usize)>);

/// Entries quoted as one piece of work: enough that taking one costs nothing beside quoting
/// it, few enough that the threads finish together.
const ENTRIES_PER_QUOTE_RUN: usize = 64;

/// Where `part`, a slice of `whole`, starts in it; `None` when it is not such a slice.
pub fn offset_in(whole: &str, part: &str) -> Option<usize> {
    let at = part.as_ptr().addr().checked_sub(whole.as_ptr().addr())?;
    let inside = whole.get(at..at + part.len())?;
    std::ptr::eq(inside, part).then_some(at)
}

/// A pointer's reference tokens, unescaped; `None` for a malformed pointer (no leading `/`).
fn tokens(pointer: &str) -> Option<Vec<Cow<'_, str>>> {
    if pointer.is_empty() {
        return Some(Vec::new());
    }
    let rest = pointer.strip_prefix('/')?;
    Some(
        rest.split('/')
            .map(|t| {
                if t.contains('~') {
                    Cow::Owned(t.replace("~1", "/").replace("~0", "~"))
                } else {
                    Cow::Borrowed(t)
                }
            })
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

/// One [`resolve_many`]: the text, each pointer's tokens, and the fragments found so far.
struct Walk<'t> {
    text: &'t str,
    tokens: Vec<Option<Vec<Cow<'t, str>>>>,
    out: Vec<Option<Value>>,
}

impl Walk<'_> {
    /// Resolves the pointers `wanted` (indices into `tokens`), whose first `depth` tokens lead
    /// to the value starting at `text[i]`; returns where that value ends.
    fn value_at(&mut self, i: usize, wanted: &[usize], depth: usize) -> Option<usize> {
        let b = self.text.as_bytes();
        let len = |w: &usize| self.tokens[*w].as_ref().map_or(0, Vec::len);
        let here: Vec<usize> = wanted.iter().copied().filter(|w| len(w) == depth).collect();
        let deeper: Vec<usize> = wanted.iter().copied().filter(|w| len(w) > depth).collect();
        let end = match b.get(i) {
            Some(b'{') if !deeper.is_empty() => self.object_at(i, &deeper, depth)?,
            Some(b'[') if !deeper.is_empty() => self.array_at(i, &deeper, depth)?,
            _ => value_end(b, i)?,
        };
        if !here.is_empty() {
            if let Some(value) = value(self.text.get(i..end)?) {
                for w in here {
                    self.out[w] = Some(value.clone());
                }
            }
        }
        Some(end)
    }

    /// The token of pointer `w` at `depth` (only asked of pointers that go that deep).
    fn token(&self, w: usize, depth: usize) -> &str {
        self.tokens[w]
            .as_ref()
            .and_then(|t| t.get(depth))
            .map_or("", |t| t.as_ref())
    }

    fn object_at(&mut self, i: usize, wanted: &[usize], depth: usize) -> Option<usize> {
        let text = self.text;
        let mut by_key: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for &w in wanted {
            by_key.entry(self.token(w, depth)).or_default().push(w);
        }
        let by_key: BTreeMap<String, Vec<usize>> = by_key
            .into_iter()
            .map(|(k, group)| (k.to_string(), group))
            .collect();
        each_member_at(text, i, |key, start| {
            let Some(group) = by_key.get(key.as_ref()) else {
                return value_end(text.as_bytes(), start);
            };
            // A repeated key reads as its last occurrence, as in a parsed tree: what an earlier
            // one gave is forgotten.
            for &w in group {
                self.out[w] = None;
            }
            self.value_at(start, group, depth + 1)
        })
    }

    fn array_at(&mut self, i: usize, wanted: &[usize], depth: usize) -> Option<usize> {
        let text = self.text;
        let mut by_index: Vec<(usize, usize)> = wanted
            .iter()
            .filter_map(|&w| Some((index(self.token(w, depth))?, w)))
            .collect();
        by_index.sort_unstable();
        let mut next = by_index.iter().peekable();
        let mut k = 0;
        each_element_at(text, i, |b, start| {
            let mut group = Vec::new();
            while let Some(&(_, w)) = next.next_if(|(at, _)| *at == k) {
                group.push(w);
            }
            k += 1;
            if group.is_empty() {
                value_end(b, start)
            } else {
                self.value_at(start, &group, depth + 1)
            }
        })
    }
}

/// The value of accepted JSON text (see [`members`]). Strings without escapes and the literals,
/// most of an entry's fields, are read directly: the parser's setup costs more than they do.
pub fn value(text: &str) -> Option<Value> {
    match text {
        "true" => Some(Value::Bool(true)),
        "false" => Some(Value::Bool(false)),
        "null" => Some(Value::Null),
        // Empty lists and counts are common too (`Tags`, `GroupList`, `AttachmentCount`).
        "[]" => Some(Value::Array(Vec::new())),
        "{}" => Some(Value::Object(serde_json::Map::new())),
        _ if is_count(text) => text.parse::<u64>().ok().map(Value::from),
        _ => match text.strip_prefix('"').and_then(|t| t.strip_suffix('"')) {
            Some(plain) if text.len() >= 2 && !plain.contains('\\') => {
                Some(Value::String(plain.to_string()))
            }
            _ => serde_json::from_str(text).ok(),
        },
    }
}

/// A non-negative integer serde_json reads as one (no sign, fraction, exponent or leading zero)
/// and that surely fits a u64.
fn is_count(text: &str) -> bool {
    (1..=18).contains(&text.len())
        && text.bytes().all(|c| c.is_ascii_digit())
        && (text == "0" || !text.starts_with('0'))
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
fn each_element(text: &str, element: impl FnMut(&[u8], usize) -> Option<usize>) -> Option<()> {
    each_element_at(text, skip_ws(text.as_bytes(), 0), element).map(|_| ())
}

/// [`each_element`] for the array starting at `text[i]`; returns where the array ends.
fn each_element_at(
    text: &str,
    mut i: usize,
    mut element: impl FnMut(&[u8], usize) -> Option<usize>,
) -> Option<usize> {
    let b = text.as_bytes();
    if b.get(i) != Some(&b'[') {
        return None;
    }
    i = skip_ws(b, i + 1);
    if b.get(i) == Some(&b']') {
        return Some(i + 1);
    }
    loop {
        let end = element(b, i)?;
        i = skip_ws(b, end);
        match b.get(i) {
            Some(b',') => i = skip_ws(b, i + 1),
            Some(b']') => return Some(i + 1),
            _ => return None,
        }
    }
}

/// The object starting at `text[i]` split into members, and where it ends.
fn members_at(text: &str, i: usize) -> Option<(Members<'_>, usize)> {
    let mut out = Vec::new();
    let end = each_member_at(text, i, |key, start| {
        let end = value_end(text.as_bytes(), start)?;
        out.push((key, text.get(start..end)?));
        Some(end)
    })?;
    Some((out, end))
}

/// Calls `member(key, start)` for each member of the object starting at `text[i]`, its key
/// decoded; it returns where the member's value (starting at `text[start]`) ends. Returns
/// where the object ends.
fn each_member_at<'a>(
    text: &'a str,
    i: usize,
    member: impl FnMut(Cow<'a, str>, usize) -> Option<usize>,
) -> Option<usize> {
    each_member::<false, _>(text, i, member)
}

/// [`each_member_at`], with keys checked as [`checked_end`] checks strings when `CHECK`.
fn each_member<'a, const CHECK: bool, F: FnMut(Cow<'a, str>, usize) -> Option<usize>>(
    text: &'a str,
    mut i: usize,
    mut member: F,
) -> Option<usize> {
    let b = text.as_bytes();
    if b.get(i) != Some(&b'{') {
        return None;
    }
    i = skip_ws(b, i + 1);
    if b.get(i) == Some(&b'}') {
        return Some(i + 1);
    }
    loop {
        let key_end = if CHECK {
            checked_string_end(b, i)?
        } else {
            string_end(b, i)?
        };
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
        let end = member(key, skip_ws(b, i + 1))?;
        i = skip_ws(b, end);
        match b.get(i) {
            Some(b',') => i = skip_ws(b, i + 1),
            Some(b'}') => return Some(i + 1),
            _ => return None,
        }
    }
}

/// Checked splitting: the members of the JSON object `text`, each value checked to be JSON
/// that serde_json reads into a tree, by `member(key, start)`, which returns where the value
/// ends (through [`checked_end`] or [`checked_objects`]); nothing but whitespace may follow the
/// object. Splitting and checking in one pass spares a separate validating pass over a large
/// export. `None` when the text is not surely such an object (see [`checked_end`]).
pub fn checked_object<'a>(
    text: &'a str,
    member: impl FnMut(Cow<'a, str>, usize) -> Option<usize>,
) -> Option<()> {
    let b = text.as_bytes();
    let end = each_member::<true, _>(text, skip_ws(b, 0), member)?;
    (skip_ws(b, end) == b.len()).then_some(())
}

/// Where the value starting at `text[i]`, nested `depth` containers deep, ends, having checked
/// that serde_json reads it. Only a plain subset of what serde_json accepts is taken: numbers
/// without exponent and with at most 18 integer digits (so none is out of range), escapes other
/// than surrogates (which serde_json may refuse when unpaired), nesting under 64 deep (serde_json
/// stops at 128). `None` for anything else, which is for serde_json to judge.
pub fn checked_end(text: &str, i: usize, depth: usize) -> Option<usize> {
    // One loop with the open containers as bits (set: an object), not a call per value: the
    // check reads every token of the export.
    let b = text.as_bytes();
    let mut objects = 0u64;
    let mut open = 0usize;
    let mut j = i;
    loop {
        // A value starts at `j`.
        match *b.get(j)? {
            b'"' => j = checked_string_end(b, j)?,
            c @ (b'{' | b'[') => {
                if depth + open >= MAX_CHECKED_DEPTH {
                    return None;
                }
                let (object, close) = if c == b'{' { (1, b'}') } else { (0, b']') };
                j = skip_ws(b, j + 1);
                if b.get(j) == Some(&close) {
                    j += 1;
                } else {
                    objects = (objects & !(1 << open)) | (object << open);
                    open += 1;
                    if object == 1 {
                        j = checked_key(b, j)?;
                    }
                    continue;
                }
            }
            b't' => j = b[j..].starts_with(b"true").then_some(j + 4)?,
            b'f' => j = b[j..].starts_with(b"false").then_some(j + 5)?,
            b'n' => j = b[j..].starts_with(b"null").then_some(j + 4)?,
            b'-' | b'0'..=b'9' => j = checked_number_end(b, j)?,
            _ => return None,
        }
        // The value ends at `j`: close what it ends, up to the next value.
        loop {
            if open == 0 {
                return Some(j);
            }
            j = skip_ws(b, j);
            let object = objects >> (open - 1) & 1 == 1;
            match *b.get(j)? {
                b',' => {
                    j = skip_ws(b, j + 1);
                    if object {
                        j = checked_key(b, j)?;
                    }
                    break;
                }
                b'}' if object => {
                    j += 1;
                    open -= 1;
                }
                b']' if !object => {
                    j += 1;
                    open -= 1;
                }
                _ => return None,
            }
        }
    }
}

/// Past the checked key starting at `b[i]` and its colon, to where its value starts.
fn checked_key(b: &[u8], i: usize) -> Option<usize> {
    let j = skip_ws(b, checked_string_end(b, i)?);
    (b.get(j) == Some(&b':')).then(|| skip_ws(b, j + 1))
}

/// [`objects`] of the array starting at `text[i]`, checked as [`checked_end`] checks it, nested
/// `depth` containers deep; with `ahead`, a later part of it may have been checked on another
/// thread (see [`Ahead`]), which changes nothing in what is returned.
pub fn checked_objects<'a>(
    text: &'a str,
    i: usize,
    depth: usize,
    ahead: Option<&mut Ahead<'a>>,
) -> Option<CheckedList<'a>> {
    if depth + 1 >= MAX_CHECKED_DEPTH {
        return None;
    }
    let b = text.as_bytes();
    if b.get(i) != Some(&b'[') {
        return None;
    }
    let mut list = CheckedList {
        items: Vec::new(),
        spans: Vec::new(),
        end: 0,
    };
    let i = skip_ws(b, i + 1);
    list.end = if b.get(i) == Some(&b']') {
        i + 1
    } else {
        checked_elements(text, i, depth, &mut list, ahead, None)?
    };
    Some(list)
}

/// The elements of a list from the one starting at `text[i]` on, checked and split into
/// `list`; returns where the list ends. With `ahead`, the rest of the list is taken from it at
/// the element where it started; with `stop`, gives up when told to.
fn checked_elements<'a>(
    text: &'a str,
    mut i: usize,
    depth: usize,
    list: &mut CheckedList<'a>,
    mut ahead: Option<&mut Ahead<'a>>,
    stop: Option<&AtomicBool>,
) -> Option<usize> {
    let b = text.as_bytes();
    loop {
        if let Some(rest) = ahead.as_deref_mut().and_then(|a| a.adopt(i, depth)) {
            list.items.extend(rest.items);
            list.spans.extend(rest.spans);
            return Some(rest.end);
        }
        if stop.is_some_and(|s| s.load(Ordering::Relaxed)) {
            return None;
        }
        let end = if b.get(i) != Some(&b'{') {
            list.items.push(None);
            checked_end(text, i, depth + 1)?
        } else {
            let mut members = Vec::new();
            let end = each_member::<true, _>(text, i, |key, at| {
                let end = checked_end(text, at, depth + 2)?;
                members.push((key, text.get(at..end)?));
                Some(end)
            })?;
            list.items.push(Some(members));
            end
        };
        list.spans.push(i..end);
        i = skip_ws(b, end);
        match b.get(i) {
            Some(b',') => i = skip_ws(b, i + 1),
            Some(b']') => return Some(i + 1),
            _ => return None,
        }
    }
}

/// Runs `check` with an [`Ahead`] for the lists `level` containers deep in `text` that it
/// checks at `depth`, when `threads` allow one: a guess at a later part of those lists checked
/// on another thread while this one checks up to it.
pub fn with_ahead<'a, R>(
    text: &'a str,
    level: usize,
    depth: usize,
    threads: usize,
    check: impl FnOnce(Option<&mut Ahead<'a>>) -> R,
) -> R {
    if threads < 2 || text.len() < AHEAD_MIN_BYTES {
        return check(None);
    }
    let from = text.len() / 100 * AHEAD_FROM_PERCENT;
    with_ahead_from(text, from, level, depth, |ahead| check(Some(ahead)))
}

/// [`with_ahead`] with the other thread's guess made from `from` on.
fn with_ahead_from<'a, R>(
    text: &'a str,
    from: usize,
    level: usize,
    depth: usize,
    check: impl FnOnce(&mut Ahead<'a>) -> R,
) -> R {
    let shared = Arc::new(AheadShared {
        at: AtomicUsize::new(usize::MAX),
        stop: AtomicBool::new(false),
    });
    let (send, receive) = std::sync::mpsc::channel();
    std::thread::scope(|scope| {
        let theirs = shared.clone();
        scope.spawn(move || {
            // Nobody listening any more is no error: the guess was not used.
            let _ = send.send(check_ahead(text, from, level, depth, &theirs));
        });
        let mut ahead = Ahead {
            depth,
            shared,
            result: Some(receive),
            adopted: false,
        };
        let out = check(&mut ahead);
        // The scope waits for the other thread: it is told to give up first.
        ahead.shared.stop.store(true, Ordering::Relaxed);
        out
    })
}

/// A later part of a top-level list checked on another thread while this one checks up to it
/// (see [`checked_objects`]). Where entries start is only known by reading from the start, so
/// the other thread guesses: from a point well into the text, it counts the brackets to the end
/// of the text (which closes every container open at that point), so finds an element start
/// `level` containers deep, and checks the elements from there. The guess is used only when
/// this thread, checking in order, reaches exactly that position as an element start of a list
/// checked at the same depth: then the other thread was in the very state this one is in, and
/// its results are this one's. Otherwise (a guess inside a string, or in a nested list) it is
/// dropped and this thread checks on as it would alone; so the results, and whether the text is
/// taken at all, never depend on the guess.
pub struct Ahead<'a> {
    depth: usize,
    shared: Arc<AheadShared>,
    /// Where the other thread's results arrive; `None` once taken or given up.
    result: Option<std::sync::mpsc::Receiver<Option<CheckedList<'a>>>>,
    adopted: bool,
}

/// What the guessing thread tells this one: where its element start is (`usize::MAX` until
/// known); and what this one tells it: to give up.
struct AheadShared {
    at: AtomicUsize,
    stop: AtomicBool,
}

/// A text worth a second thread: below this, starting one costs more than it saves.
const AHEAD_MIN_BYTES: usize = 1 << 20;

/// Where the guessing thread starts, as a share of the text: it counts brackets from there to
/// the end before it checks, which costs about a third of checking, so a little past the
/// middle the two threads finish together.
const AHEAD_FROM_PERCENT: usize = 56;

impl<'a> Ahead<'a> {
    /// At an element start `i` of a list checked at `depth`: the rest of the list as the other
    /// thread checked it, when it started right here and got through; `None` to check on.
    fn adopt(&mut self, i: usize, depth: usize) -> Option<CheckedList<'a>> {
        if depth != self.depth || self.result.is_none() {
            return None;
        }
        let at = self.shared.at.load(Ordering::Acquire);
        if i < at {
            return None;
        }
        let result = self.result.take()?;
        if i > at {
            // Passed it: the guess was no element start of these lists.
            self.shared.stop.store(true, Ordering::Relaxed);
            return None;
        }
        // A panic over there leaves no result here; the scope then passes the panic on.
        let rest = result.recv().ok().flatten()?;
        self.adopted = true;
        Some(rest)
    }

    /// An `Ahead` whose other thread's work was done on this thread, before any checking.
    #[cfg(test)]
    fn done_first(text: &'a str, from: usize, level: usize, depth: usize) -> Ahead<'a> {
        let shared = Arc::new(AheadShared {
            at: AtomicUsize::new(usize::MAX),
            stop: AtomicBool::new(false),
        });
        let (send, receive) = std::sync::mpsc::channel();
        let _ = send.send(check_ahead(text, from, level, depth, &shared));
        Ahead {
            depth,
            shared,
            result: Some(receive),
            adopted: false,
        }
    }

    /// Whether the other thread's results were used.
    pub fn adopted(&self) -> bool {
        self.adopted
    }
}

/// The other thread of an [`Ahead`]: guesses an element start (see [`guess_element`]),
/// publishes it, and checks the elements from there to the end of their list.
fn check_ahead<'a>(
    text: &'a str,
    from: usize,
    level: usize,
    depth: usize,
    shared: &AheadShared,
) -> Option<CheckedList<'a>> {
    let at = guess_element(text, from, level, &shared.stop)?;
    shared.at.store(at, Ordering::Release);
    let mut list = CheckedList {
        items: Vec::new(),
        spans: Vec::new(),
        end: 0,
    };
    list.end = checked_elements(text, at, depth, &mut list, None, Some(&shared.stop))?;
    Some(list)
}

/// A position after `from` where, if the text there is outside a string past a key's colon,
/// an element of an array `level` containers deep starts: the first `{` after a `,` at the
/// depth that the count of brackets to the end of the text says is `level`. `None` when there
/// is none, or when told to stop.
fn guess_element(text: &str, from: usize, level: usize, stop: &AtomicBool) -> Option<usize> {
    let b = text.as_bytes();
    // Past a key's closing quote and colon (`":`, its quote not escaped): outside a string
    // unless the text is unusual.
    let mut i = from;
    loop {
        let at = i + text.get(i..)?.find("\":")?;
        i = at + 2;
        if at > 0 && b[at - 1] != b'\\' {
            break;
        }
    }
    // The first element-like start at each depth relative to `i`, for depths -64..64.
    const SPAN: isize = 64;
    let mut first = [usize::MAX; 2 * SPAN as usize];
    let mut depth: isize = 0;
    let mut after_comma = false;
    let mut asked = i;
    while let Some(&c) = b.get(i) {
        match c {
            b'"' => {
                i = string_end(b, i)?;
                after_comma = false;
                if i - asked > 1 << 16 {
                    if stop.load(Ordering::Relaxed) {
                        return None;
                    }
                    asked = i;
                }
                continue;
            }
            b'{' | b'[' => {
                if after_comma && c == b'{' {
                    let slot = usize::try_from(depth + SPAN).ok();
                    if let Some(f) = slot.and_then(|s| first.get_mut(s)) {
                        if *f == usize::MAX {
                            *f = i;
                        }
                    }
                }
                depth += 1;
                after_comma = false;
            }
            b'}' | b']' => {
                depth -= 1;
                after_comma = false;
            }
            b',' => after_comma = true,
            b' ' | b'\t' | b'\n' | b'\r' => {}
            _ => after_comma = false,
        }
        i += 1;
    }
    // At the end every container is closed, so `depth` is minus the depth where counting
    // started, and an element start `level` deep is at `level + depth` from there.
    let slot = usize::try_from(level as isize + depth + SPAN).ok()?;
    first.get(slot).copied().filter(|&at| at != usize::MAX)
}

/// An array split by [`checked_objects`].
#[derive(Debug, PartialEq)]
pub struct CheckedList<'a> {
    /// Each element's members (`None` for an element that is not an object).
    pub items: Vec<Option<Members<'a>>>,
    /// Where each element lies in the text.
    pub spans: Vec<Range<usize>>,
    /// Where the array ends.
    pub end: usize,
}

const MAX_CHECKED_DEPTH: usize = 64;

/// [`string_end`] for a string serde_json reads: no control characters, only its escapes.
fn checked_string_end(b: &[u8], i: usize) -> Option<usize> {
    if b.get(i) != Some(&b'"') {
        return None;
    }
    let mut j = i + 1;
    loop {
        j = skip_plain(b, j, |w| {
            has_byte(w, b'"') | has_byte(w, b'\\') | has_less(w, 0x20)
        });
        match *b.get(j)? {
            b'"' => return Some(j + 1),
            b'\\' => match *b.get(j + 1)? {
                b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => j += 2,
                b'u' => {
                    let hex = std::str::from_utf8(b.get(j + 2..j + 6)?).ok()?;
                    if !hex.bytes().all(|c| c.is_ascii_hexdigit()) {
                        return None;
                    }
                    let unit = u16::from_str_radix(hex, 16).ok()?;
                    if (0xD800..=0xDFFF).contains(&unit) {
                        return None;
                    }
                    j += 6;
                }
                _ => return None,
            },
            c if c < 0x20 => return None,
            _ => j += 1,
        }
    }
}

/// Where the number starting at `b[i]` ends, for the numbers [`checked_end`] takes.
fn checked_number_end(b: &[u8], i: usize) -> Option<usize> {
    let digits = |mut j: usize| {
        while b.get(j).is_some_and(u8::is_ascii_digit) {
            j += 1;
        }
        j
    };
    let start = i + usize::from(b.get(i) == Some(&b'-'));
    let mut j = match b.get(start)? {
        b'0' => start + 1,
        b'1'..=b'9' => digits(start),
        _ => return None,
    };
    if j - start > 18 {
        return None;
    }
    if b.get(j) == Some(&b'.') {
        let fraction = digits(j + 1);
        if fraction == j + 1 {
            return None;
        }
        j = fraction;
    }
    if matches!(b.get(j), Some(b'e' | b'E')) {
        return None;
    }
    Some(j)
}

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while b.get(i).is_some_and(|&c| is_ws(c)) {
        i += 1;
    }
    i
}

/// JSON's whitespace.
fn is_ws(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r')
}

/// Where the string starting at `b[i]` (its opening quote) ends, past its closing quote. Most
/// of an export's bytes are inside strings, so they are read eight at a time.
fn string_end(b: &[u8], i: usize) -> Option<usize> {
    if b.get(i) != Some(&b'"') {
        return None;
    }
    let mut j = i + 1;
    loop {
        j = skip_plain(b, j, |w| has_byte(w, b'"') | has_byte(w, b'\\'));
        match b.get(j)? {
            b'"' => return Some(j + 1),
            b'\\' => j += 2,
            _ => j += 1,
        }
    }
}

/// The first index from `j` whose byte `flag` marks in its eight-byte word, or where fewer than
/// eight bytes are left. The lowest flagged byte is exact (borrows only run upwards from it).
fn skip_plain(b: &[u8], mut j: usize, flag: impl Fn(u64) -> u64) -> usize {
    while let Some(chunk) = b.get(j..j + 8) {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let found = flag(u64::from_le_bytes(word));
        if found != 0 {
            return j + (found.trailing_zeros() / 8) as usize;
        }
        j += 8;
    }
    j
}

/// Non-zero when some byte of `w` is `c` (the classic zero-byte test on `w ^ c…c`).
fn has_byte(w: u64, c: u8) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let x = w ^ (ONES * u64::from(c));
    x.wrapping_sub(ONES) & !x & HIGHS
}

/// Non-zero when some byte of `w` is below `n` (at most 128); as in [`has_byte`], the lowest
/// flagged byte is exact.
fn has_less(w: u64, n: u8) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    w.wrapping_sub(ONES * u64::from(n)) & !w & HIGHS
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
                    // An indented file's lines start with runs of spaces (most of what lies
                    // between its strings), passed eight at a time. A compact file has none;
                    // testing words for quotes and brackets everywhere slowed its short gaps.
                    b'\n' | b' ' => {
                        // The bytes other than a space are the non-zero ones of `w` xor
                        // eight spaces.
                        j = skip_plain(b, j + 1, |w| w ^ 0x2020_2020_2020_2020);
                        continue;
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
    fn join_index_is_join() {
        for base in ["", "/a", "/a~1b/0"] {
            for i in [0, 7, 10, 99, 1234, usize::MAX] {
                assert_eq!(join_index(base, i), join(base, i));
            }
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

    /// The text is read once, so an earlier occurrence of a repeated key is walked too: what it
    /// gave must not survive the last occurrence, which has no such fragment.
    #[test]
    fn a_repeated_key_forgets_its_earlier_occurrence() {
        let text = r#"{"a": {"b": [1, {"c": 2}], "d": 3}, "e": [], "a": {"b": [4]}, "f": "g"}"#;
        resolves_as_the_tree(
            text,
            &["/a/b/1/c", "/a/b/1", "/a/b/0", "/a/d", "/a", "/f", "/e/0"],
        );
    }

    /// Pointers in any order, repeated, into strings or past an array's end, resolve each on
    /// its own.
    #[test]
    fn pointers_in_any_order_resolve_each() {
        let text = r#"{"l": [{"s": "x/y"}, [0, 1, 2], "str", {"t~": {"u": null}}], "n": 1}"#;
        resolves_as_the_tree(
            text,
            &[
                "/l/3/t~0/u",
                "/l/1/2",
                "/l/0/s",
                "/l/1/2",
                "/l/2/0",
                "/l/9",
                "/l/1",
                "/n",
                "/n/x",
                "",
                "/l/3/t~0",
            ],
        );
        assert_eq!(resolve_many("[1]", &[]), Vec::<Option<Value>>::new());
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

    /// Whatever the checking split takes, serde_json reads into a tree; the plain shapes of an
    /// export it takes itself, and anything unusual it leaves to serde_json.
    #[test]
    fn checked_split_takes_only_what_serde_json_reads() {
        let deep = |n: usize| format!("{{\"a\": {}{}}}", "[".repeat(n), "]".repeat(n));
        let (shallow, too_deep) = (deep(40), deep(100));
        let cases: &[(&str, bool)] = &[
            (
                r#"{"a": [1, -2.5, 0, -0, 0.25, "x\"\\\/\b\f\n\r\t\u00e9", null, true, false, {}, []], "b": {"c": "d"}}"#,
                true,
            ),
            ("{}", true),
            (" \n{\"\\u0041\": \"\u{e9}\", \"a\": 1, \"a\": 2}\t\r", true),
            (
                "{\"abcdefghijklmn\\nop\": \"abcdefghijklmnopq\\\"rstuvwxyz\\u20ac\"}",
                true,
            ),
            (&shallow, true),
            (&too_deep, false),
            ("{\"a\": 1e5}", false),
            ("{\"a\": 2E-3}", false),
            ("{\"a\": 1234567890123456789}", false),
            ("{\"a\": 1e400}", false),
            ("{\"a\": \"\\ud83d\\ude00\"}", false),
            ("{\"a\": \"\\ud800\"}", false),
            ("{\"a\": \"\\udc00\"}", false),
            ("{\"a\": \"tab\there\"}", false),
            ("{\"a\": \"abcdefghijklmnop\u{1}qrs\"}", false),
            ("{\"k\u{1f}\": 1}", false),
            ("{\"a\": [1,]}", false),
            ("{\"a\": 1,}", false),
            ("{\"a\": 01}", false),
            ("{\"a\": -01}", false),
            ("{\"a\": 1.}", false),
            ("{\"a\": .5}", false),
            ("{\"a\": +1}", false),
            ("{\"a\": -}", false),
            ("{\"a\": tru}", false),
            ("{\"a\": truex}", false),
            ("{\"a\": nul}", false),
            ("{\"a\": \"\\x\"}", false),
            ("{\"a\": \"\\u12g4\"}", false),
            ("{\"a\": \"\\u12\"}", false),
            ("{\"a\": 1} x", false),
            ("{\"a\": 1}\n{\"a\": 2}", false),
            ("{\"a\" 1}", false),
            ("{a: 1}", false),
            ("{\"a\": 1 \"b\": 2}", false),
            ("{\"a\": [1 2]}", false),
            ("{\"a\": \"unterminated}", false),
            ("{\"a\": {\"b\": 1}", false),
            ("\u{feff}{}", false),
            ("{\"a\": 1}\u{a0}", false),
            ("[1]", false),
            ("", false),
        ];
        for &(text, plain) in cases {
            let checked = checked_object(text, |_, start| checked_end(text, start, 1));
            assert_eq!(checked.is_some(), plain, "{text}");
            if checked.is_some() {
                assert!(serde_json::from_str::<Value>(text).is_ok(), "{text}");
            }
        }
        let list = r#"[{"a": 1, "b": [2, {"c": "d"}]}, 3, "x", {}, {"e": {"f": null}}]"#;
        let split = checked_objects(list, 0, 1, None).expect("plain list");
        assert_eq!(split.end, list.len());
        assert_eq!(Some(split.items), objects(list));
        let spans: Vec<&str> = split.spans.into_iter().map(|s| &list[s]).collect();
        assert_eq!(Some(spans), elements(list));
        for bad in ["[{\"a\": 1e3}]", "[{\"a\": 1},]", "[{\"a\" : \"\u{7}\"}]"] {
            assert!(checked_objects(bad, 0, 1, None).is_none(), "{bad}");
        }
    }

    /// Pointers into a known entry are resolved in it, all others (the list itself, an index
    /// past the end or not as serde_json reads one, another member, a malformed pointer) in the
    /// whole text, and both give what the tree gives; spans found in a part of the text are
    /// moved by where that part starts.
    #[test]
    fn entry_spans_resolve_as_the_whole_text() {
        let text = r#" {"x": {"L": [{"a": [1, {"b": 2}]}, 3, {"c~/": null}]}, "y": [4]}"#;
        let part = &text[7..text.find(", \"y\"").expect("y")];
        let list = checked_objects(part, 6, 2, None).expect("plain list");
        let mut inner = EntrySpans::default();
        inner.insert("/x/L".into(), list.spans);
        let mut entries = EntrySpans::default();
        entries.append(inner, offset_in(text, part).expect("a slice of it"));
        let pointers = [
            "/x/L/0/a/1/b",
            "/x/L/0",
            "/x/L/1",
            "/x/L/2/c~0~1",
            "/x/L/0/a/5",
            "/x/L",
            "/x/L/3",
            "/x/L/01",
            "/x/L/",
            "/x/L/-",
            "/y/0",
            "/x",
            "",
            "x/L/0",
        ];
        assert_resolve_as_the_tree(&entries, text, &pointers);
        assert_eq!(entries.entry_of("/x/L/2/c~0~1"), Some(("/x/L", 2, 6)));
        assert_eq!(entries.entry_of("/x/L/3"), None);
        assert_eq!(offset_in(text, "{\"x\""), None, "not a slice of the text");
    }

    /// [`EntrySpans::resolve_many`] on one thread and on two gives what the tree gives.
    fn assert_resolve_as_the_tree(entries: &EntrySpans, text: &str, pointers: &[&str]) {
        let tree: Value = serde_json::from_str(text).expect("json");
        let packed = PackedText::pack(text);
        for threads in [1, 2] {
            let got = entries.resolve_many(&packed, pointers, threads);
            for (p, v) in pointers.iter().zip(&got) {
                assert_eq!(v.as_ref(), tree.pointer(p), "{p}");
            }
        }
    }

    /// Lists nest (a bundle's outputs, the resources in an output): a pointer is resolved in
    /// the innermost entry holding it, or in an outer one where its index is not an inner
    /// entry; the entries are found from where their first keys lie, as a streaming reader
    /// sees them.
    #[test]
    fn nested_entries_resolve_in_the_innermost() {
        let text = r#"{"outs": [ {"k": 1, "L": [{"a": 1},
            {"b": [2]}]} ,{"k":2},	{"m": {"n": 3}}  ], "z": 0}"#;
        // The key's own characters in the text, as serde_json lends them.
        let key = |quoted: &str, nth: usize| {
            let (at, _) = text.match_indices(quoted).nth(nth).expect("in the sample");
            &text[at + 1..at + quoted.len() - 1]
        };
        let starts = |keys: &[&str]| -> Vec<usize> {
            keys.iter()
                .map(|k| object_start(text, k).expect("an object's first key"))
                .collect()
        };
        let outs = element_spans(
            text,
            &starts(&[key("\"k\"", 0), key("\"k\"", 1), key("\"m\"", 0)]),
        )
        .expect("spans");
        let texts: Vec<&str> = outs.iter().map(|s| &text[s.clone()]).collect();
        assert_eq!(texts[1..], [r#"{"k":2}"#, r#"{"m": {"n": 3}}"#]);
        assert!(texts[0].starts_with(r#"{"k": 1"#) && texts[0].ends_with("]}"));
        let inner = element_spans(text, &starts(&[key("\"a\"", 0), key("\"b\"", 0)]));
        let mut entries = EntrySpans::default();
        entries.insert("/outs".into(), outs);
        entries.insert("/outs/0/L".into(), inner.expect("spans"));
        assert_eq!(
            entries.entry_of("/outs/0/L/1/b/0"),
            Some(("/outs/0/L", 1, 11))
        );
        assert_eq!(entries.entry_of("/outs/0/L/7"), Some(("/outs", 0, 7)));
        assert_eq!(entries.entry_of("/outs/2/m/n"), Some(("/outs", 2, 7)));
        let pointers = [
            "/outs/0/L/1/b/0",
            "/outs/0/L/7",
            "/outs/0/L",
            "/outs/2/m/n",
            "/z",
        ];
        assert_resolve_as_the_tree(&entries, text, &pointers);
        // Not a key's own characters, or not the first key of an object.
        assert_eq!(object_start(text, "\"k\""), None);
        assert_eq!(object_start(text, key("\"L\"", 0)), None);
        // Starts not of one array's elements: no comma between them.
        assert_eq!(
            element_spans(text, &starts(&[key("\"k\"", 0), key("\"a\"", 0)])),
            None
        );
    }

    /// Each top-level list of `text` as the checking split gives it.
    fn checked_lists_of<'a>(
        text: &'a str,
        mut ahead: Option<&mut Ahead<'a>>,
    ) -> Option<Vec<CheckedList<'a>>> {
        let mut lists = Vec::new();
        checked_object(text, |_, start| {
            let list = checked_objects(text, start, 1, ahead.as_deref_mut())?;
            let end = list.end;
            lists.push(list);
            Some(end)
        })?;
        Some(lists)
    }

    /// Wherever the other thread starts guessing (inside strings that hold brackets, commas
    /// and `":`, in nested lists of objects, in another list), checking with it gives exactly
    /// what checking alone gives, and its work is used where its guess was an entry.
    #[test]
    fn checking_ahead_changes_nothing_but_who_checks() {
        let entry = |i: usize| {
            format!(
                r#"{{"Name": "e{i}", "Tags": [{{"Key": "k", "Value": "a\":[{{,"}}, {{"Key": "x", "Value": "],{{"}}], "N": [1, {{"a": [{{"b": 2}}, {{"c": [3, {{}}]}}]}}], "S": "\\\",{{\"x\": [", "E": []}}"#
            )
        };
        let list = |n: usize| (0..n).map(entry).collect::<Vec<_>>().join(",\n ");
        let text = format!(
            r#"{{"A": [{}], "B": [], "C": [{}, 7, "s"], "D": [{}]}}"#,
            list(12),
            list(20),
            list(3)
        );
        let alone = checked_lists_of(&text, None).expect("plain");
        let mut adopted = 0;
        for from in (0..text.len()).step_by(5) {
            // The other thread done first, so that its guess is surely in time to be used...
            let mut ahead = Ahead::done_first(&text, from, 2, 1);
            let lists = checked_lists_of(&text, Some(&mut ahead));
            assert_eq!(lists.as_ref(), Some(&alone), "from {from}");
            adopted += usize::from(ahead.adopted());
            // ...and on its own thread, in time or not.
            let lists = with_ahead_from(&text, from, 2, 1, |a| checked_lists_of(&text, Some(a)));
            assert_eq!(lists.as_ref(), Some(&alone), "from {from}");
        }
        assert!(adopted > 100, "{adopted}");
        // Text that is not plain after the guess, or before it, is not taken either way.
        for bad in [
            text.replace("\"c\": [3", "\"c\": [3e0"),
            text.replacen("[1,", "[1,,", 1),
        ] {
            assert!(checked_lists_of(&bad, None).is_none());
            for from in (0..bad.len()).step_by(31) {
                let mut ahead = Ahead::done_first(&bad, from, 2, 1);
                assert!(
                    checked_lists_of(&bad, Some(&mut ahead)).is_none(),
                    "from {from}"
                );
                let lists = with_ahead_from(&bad, from, 2, 1, |a| checked_lists_of(&bad, Some(a)));
                assert!(lists.is_none(), "from {from}");
            }
        }
        // Too small a text, or one core, is checked alone.
        assert!(with_ahead(&text, 2, 1, 2, |a| a.is_none()));
        let big = format!(r#"{{"A": [{}]}}"#, list(8000));
        assert!(with_ahead(&big, 2, 1, 1, |a| a.is_none()));
        let lists = with_ahead(&big, 2, 1, 2, |a| {
            checked_lists_of(&big, Some(a.expect("a second thread")))
        });
        assert_eq!(lists, checked_lists_of(&big, None));
    }

    /// A container ends where serde_json's reading of it ends, whatever lies around it and at
    /// whatever alignment: brackets and quotes inside strings, escapes, runs of whitespace,
    /// characters of several bytes, and containers shorter and longer than a word.
    #[test]
    fn containers_end_where_the_parser_stops() {
        let values = [
            "{}",
            "[]",
            "[1]",
            r#"{"a": "]}", "b": ["[", "{", "\"]"], "c": {"d": [[], {}]}}"#,
            "[\n        {\n            \"Key\": \"Name\",\n            \"Value\": \"web\"\n        }\n    ]",
            r#"{"é": "ü€𝄞", "k": "\\", "q": "\\\"]"}"#,
            r#"[12345678, -0.5e+3, true, false, null, "aaaaaaaaaaaaaaaa", [[[[[[[[1]]]]]]]]]"#,
        ];
        for v in values {
            for pad in 0..9 {
                let text = format!("{}{v}  , \"next\": [1]}}", " ".repeat(pad));
                let raw: &serde_json::value::RawValue =
                    serde_json::Deserializer::from_str(&text[pad..])
                        .into_iter()
                        .next()
                        .and_then(Result::ok)
                        .expect("a value");
                assert_eq!(
                    value_end(text.as_bytes(), pad),
                    Some(pad + raw.get().len()),
                    "{text}"
                );
            }
        }
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
            "[]",
            "{}",
            "[ ]",
            "0",
            "7",
            "-7",
            "00",
            "012",
            "123456789012345678",
            "12345678901234567890123",
            "1.0",
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
        assert_eq!(
            join("/a~0b", "plain"),
            "/a~0b/plain",
            "the base is kept as it is"
        );
        assert_eq!(join("/a", "~"), "/a/~0");
        assert_eq!(join("/a", ""), "/a/");
    }
}
