//! The collector's bundle (`collectors/aws.sh`; format in docs/bundle-format.md): many CLI
//! outputs in one file, each with the account, region and parameters the output itself omits.
//! A failed call is evidence too: `NoSuchBucketPolicy` means "no policy", while `AccessDenied`
//! means "we do not know", and the verdict says which calls could not be read.

use super::reads::Reads;
use super::{commands_for, Command, Cx, Reply};
use crate::normalize::NormalizeError;
use crate::time::{self, Epoch};
use crate::Resource;
use serde_json::value::RawValue;
use serde_json::Value;
use std::collections::BTreeMap;

pub const FORMAT: &str = "stratoscope-aws-bundle";

/// `{"format": "stratoscope-aws-bundle", …}`.
pub fn is_bundle(doc: &Value) -> bool {
    doc.get("format").and_then(Value::as_str) == Some(FORMAT)
}

/// What the bundle says about when and where it was collected.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Manifest {
    pub account: Option<String>,
    pub partition: String,
    /// `finished_at`, else `started_at`: the time age-based controls are judged against.
    pub as_of: Option<Epoch>,
    pub as_of_text: Option<String>,
}

pub fn manifest(doc: &Value) -> Manifest {
    let m = doc.get("manifest");
    let s = |k: &str| m.and_then(|m| m.get(k)).and_then(Value::as_str);
    let as_of_text = s("finished_at").or_else(|| s("started_at"));
    Manifest {
        account: s("account_id").map(str::to_string),
        partition: s("partition").unwrap_or("aws").to_string(),
        as_of: as_of_text.and_then(time::parse_str),
        as_of_text: as_of_text.map(str::to_string),
    }
}

pub fn normalize(
    doc: &Value,
    file: &str,
    base: &str,
) -> Result<(Vec<Resource>, Vec<String>), NormalizeError> {
    check_version(doc, base)?;
    let outputs_ptr = crate::pointer::join(base, "outputs");
    let outputs = doc
        .get("outputs")
        .and_then(Value::as_array)
        .ok_or_else(|| NormalizeError {
            pointer: outputs_ptr.clone(),
            message: "a bundle needs an outputs array".into(),
        })?;
    let mut reader = Reader::new(doc, file);
    for (i, out) in outputs.iter().enumerate() {
        reader.read(&crate::pointer::join(&outputs_ptr, i), out, None)?;
    }
    Ok(reader.finish())
}

/// [`normalize`] over the file's text in one pass, reading each output as the parser reaches it:
/// a tree of a 100 MB bundle costs about nine times the file, one output's tree only that
/// output. Only for a plain JSON bundle that normalises without error and whose `format` comes
/// before any key a bundle does not have (so that any other file is turned away at its first
/// key); anything else is left to the tree-based path (`None`), which locates syntax and shape
/// errors and reports them as it always has.
pub fn normalize_text(text: &str, file: &str) -> Option<crate::normalize::Normalized> {
    use serde::Deserializer as _;
    let mut de = serde_json::Deserializer::from_str(text);
    let mut reader = de.deserialize_map(Bundle { file, text }).ok()?;
    de.end().ok()?;
    let entries = std::mem::take(&mut reader.entries);
    let (resources, notes) = reader.finish();
    Some(crate::normalize::Normalized {
        resources,
        notes,
        entries,
    })
}

/// The bundle's top-level object. The collector writes `format`, `format_version` and
/// `manifest` before `outputs`, so the outputs are read as they stream past; in any other order
/// they are kept as text and read once the rest is known.
struct Bundle<'f> {
    file: &'f str,
    /// The whole file, where outputs read from text are found.
    text: &'f str,
}

impl<'de, 'f> serde::de::Visitor<'de> for Bundle<'f> {
    type Value = Reader<'f>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a collector bundle")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Reader<'f>, A::Error> {
        use serde::de::Error;
        let mut head = serde_json::Map::new();
        let mut reader: Option<Reader<'f>> = None;
        let mut later: Option<&'de RawValue> = None;
        while let Some(key) = map.next_key::<String>()? {
            // A repeated key reads as its last occurrence in a tree; the tree path handles it.
            if head.contains_key(&key)
                || (key == "outputs" && (reader.is_some() || later.is_some()))
            {
                return Err(A::Error::custom("repeated key"));
            }
            if key == "outputs" {
                if ["format", "format_version", "manifest"]
                    .iter()
                    .all(|k| head.contains_key(*k))
                {
                    let mut r = self.reader(&head)?;
                    map.next_value_seed(Outputs(&mut r))?;
                    reader = Some(r);
                } else {
                    later = Some(map.next_value()?);
                }
                continue;
            }
            if !head.contains_key("format")
                && !matches!(key.as_str(), "format" | "format_version" | "manifest")
            {
                return Err(A::Error::custom("not a bundle"));
            }
            let value: Value = map.next_value()?;
            if key == "format" && value.as_str() != Some(FORMAT) {
                return Err(A::Error::custom("not a bundle"));
            }
            head.insert(key, value);
        }
        if !head.contains_key("format") {
            return Err(A::Error::custom("not a bundle"));
        }
        match (reader, later) {
            (Some(r), _) => Ok(r),
            (None, Some(raw)) => {
                use serde::Deserializer as _;
                let mut r = self.reader(&head)?;
                serde_json::Deserializer::from_str(raw.get())
                    .deserialize_seq(Outputs(&mut r))
                    .map_err(A::Error::custom)?;
                Ok(r)
            }
            (None, None) => Err(A::Error::custom("no outputs")),
        }
    }
}

impl<'f> Bundle<'f> {
    fn reader<E: serde::de::Error>(
        &self,
        head: &serde_json::Map<String, Value>,
    ) -> Result<Reader<'f>, E> {
        let head = Value::Object(head.clone());
        check_version(&head, "").map_err(E::custom)?;
        let mut reader = Reader::new(&head, self.file);
        reader.text = Some(self.text);
        Ok(reader)
    }
}

/// The `outputs` array, each output read by the [`Reader`] as soon as it is parsed.
struct Outputs<'r, 'f>(&'r mut Reader<'f>);

impl<'de> serde::de::DeserializeSeed<'de> for Outputs<'_, '_> {
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> serde::de::Visitor<'de> for Outputs<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an array of outputs")
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let outputs_ptr = crate::pointer::join("", "outputs");
        let mut scratch = Scratch::default();
        let mut i = 0usize;
        // Where each output starts in the file, while every one is known (see `Kept`).
        let mut starts = self.0.text.map(|_| Vec::new());
        while let Some((out, kept)) = seq.next_element_seed(Entry(&mut scratch))? {
            let file = self.0.text.unwrap_or_default();
            starts = starts.and_then(|mut starts| {
                starts.push(crate::pointer::object_start(file, kept.first_key?)?);
                Some(starts)
            });
            self.0
                .read(&crate::pointer::join(&outputs_ptr, i), &out, kept.output)
                .map_err(serde::de::Error::custom)?;
            i += 1;
        }
        // Evidence citing an output read from its tree (a security group, a bucket's policy) is
        // quoted from the output's text, not from a walk of the whole file.
        if let (Some(file), Some(starts)) = (self.0.text, starts) {
            if let Some(spans) = crate::pointer::element_spans(file, &starts) {
                self.0.entries.insert(outputs_ptr, spans);
            }
        }
        Ok(())
    }
}

/// One output entry, read into a tree like any value except for an output its command reads
/// from text ([`super::reads_text`]), which is kept as its text (and left out of the tree).
/// Where the command is not known yet when `output` comes (its `service` and `operation` come
/// after it), the output is kept as text too, and [`Reader::read`] decides.
struct Entry<'s>(&'s mut Scratch);

/// What [`Entry`] keeps of an entry's text besides its tree.
#[derive(Default)]
struct Kept<'de> {
    /// The output, when kept as text.
    output: Option<&'de str>,
    /// The entry's first key as it lies in the file, which tells where the entry starts;
    /// `None` when serde_json could not lend it (a key spelt with escapes) or there is none.
    first_key: Option<&'de str>,
}

impl<'de> serde::de::DeserializeSeed<'de> for Entry<'_> {
    type Value = (Value, Kept<'de>);

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for Entry<'_> {
    type Value = (Value, Kept<'de>);

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a bundle output")
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        let mut kept = Kept::default();
        let tree = object(self.0, map, Some(&mut kept), &Reads::All)?;
        Ok((tree, kept))
    }
    // Anything else is left to the tree path, which turns it away with its location.
}

/// An object key, and the key itself as it lies in the text when serde_json lends it.
struct Key;

impl<'de> serde::de::DeserializeSeed<'de> for Key {
    type Value = (String, Option<&'de str>);

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> serde::de::Visitor<'de> for Key {
    type Value = (String, Option<&'de str>);

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a key")
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok((v.to_string(), Some(v)))
    }
    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok((v.to_string(), None))
    }
    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Ok((v, None))
    }
}

/// How an output entry whose members so far are `members` reads its `output`: as text, when
/// its command reads text or is not known yet (`None`); else as a tree of what its command
/// reads (all of it when more than one command reads the output).
fn output_reads(members: &[(String, Value)]) -> Option<&'static Reads> {
    // A repeated key reads as its last occurrence, as in the tree.
    let field = |k: &str| {
        members
            .iter()
            .rev()
            .find(|(key, _)| key == k)
            .and_then(|(_, v)| v.as_str())
    };
    let (service, operation) = (field("service")?, field("operation")?);
    if read_from_text(commands_for(service, operation)) {
        return None;
    }
    let mut commands = commands_for(service, operation);
    Some(match (commands.next(), commands.next()) {
        (Some(only), None) => super::output_reads(only),
        _ => &Reads::All,
    })
}

/// Whether an output is read from its text: there are commands for it, and each reads text.
fn read_from_text<'c>(commands: impl IntoIterator<Item = &'c Command>) -> bool {
    let mut any = false;
    commands.into_iter().all(|c| {
        any = true;
        super::reads_text(c)
    }) && any
}

/// The members and elements of the objects and arrays being parsed, on one stack shared by the
/// whole output: each object and array is made once its last member is read, at its final size,
/// instead of growing (and rehashing) as serde_json's own tree reader does.
#[derive(Default)]
struct Scratch {
    members: Vec<(String, Value)>,
    elements: Vec<Value>,
}

/// Reads one JSON value into the same [`Value`] serde_json's tree reader makes: same numbers,
/// strings, key order, and a repeated key keeping its first place and its last value; except
/// that members the [`Reads`] leaves out are not in the tree (see [`Skip`]).
struct Tree<'s>(&'s mut Scratch, &'static Reads);

impl<'de> serde::de::DeserializeSeed<'de> for Tree<'_> {
    type Value = Value;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for Tree<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let start = self.0.elements.len();
        while let Some(v) = seq.next_element_seed(Tree(&mut *self.0, self.1))? {
            self.0.elements.push(v);
        }
        Ok(Value::Array(self.0.elements.drain(start..).collect()))
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Value, A::Error> {
        object(self.0, map, None, self.1)
    }
}

/// An object read member by member onto the stack, then made at its size, with the members
/// `reads` leaves out skipped. With `kept`, an output entry's: its `output` is kept there as
/// its text instead when [`output_reads`] says so, and its first key as it lies in the text.
fn object<'de, A: serde::de::MapAccess<'de>>(
    scratch: &mut Scratch,
    mut map: A,
    mut kept: Option<&mut Kept<'de>>,
    reads: &'static Reads,
) -> Result<Value, A::Error> {
    use serde::de::Error;
    let start = scratch.members.len();
    let mut first = true;
    // What an entry's output was read for, when only part of it was.
    let mut pruned_for: Option<&'static Reads> = None;
    // Only an output entry's first key is asked to be lent.
    let mut lend = kept.is_some();
    while let Some(key) = if std::mem::take(&mut lend) {
        map.next_key_seed(Key)?.map(|(key, lent)| {
            if let Some(kept) = kept.as_deref_mut() {
                kept.first_key = lent;
            }
            key
        })
    } else {
        map.next_key::<String>()?
    } {
        // serde_json's tree reader turns an object whose first key is this token into the
        // value its string holds; such a file is left to it.
        if std::mem::take(&mut first) && key == RAW_VALUE_TOKEN {
            return Err(A::Error::custom("serde_json's raw value token as a key"));
        }
        let mut below = reads.member(&key);
        if let Some(kept) = kept.as_deref_mut().filter(|_| key == "output") {
            // The tree keeps a repeated key's last value; the tree path reads such a file.
            if kept.output.is_some() {
                return Err(A::Error::custom("repeated output"));
            }
            match output_reads(&scratch.members[start..]) {
                None => {
                    kept.output = Some(map.next_value::<&'de RawValue>()?.get());
                    continue;
                }
                Some(output) => {
                    below = Some(output);
                    pruned_for = Some(output).filter(|r| !matches!(r, Reads::All));
                }
            }
        }
        let Some(below) = below else {
            map.next_value_seed(Skip)?;
            continue;
        };
        let v = map.next_value_seed(Tree(&mut *scratch, below))?;
        scratch.members.push((key, v));
    }
    if kept.is_some_and(|k| k.output.is_some())
        && scratch.members[start..].iter().any(|(k, _)| k == "output")
    {
        return Err(A::Error::custom("repeated output"));
    }
    // A `service` or `operation` repeated after a partly read output names the command the
    // tree path reads the output for (a repeated key reads as its last value): when that is
    // not the command it was read for, the tree path reads the file.
    if let Some(read_for) = pruned_for {
        if !output_reads(&scratch.members[start..]).is_some_and(|now| std::ptr::eq(now, read_for)) {
            return Err(A::Error::custom(
                "the output's command named again after it",
            ));
        }
    }
    Ok(Value::Object(scratch.members.drain(start..).collect()))
}

/// A value left out of the tree, parsed as strictly as the tree parses it: every string and
/// number is read (not merely scanned, as serde's `IgnoredAny` has serde_json do) and each
/// object's first key checked, so a file is turned away from this path for the same lone
/// surrogates, out-of-range numbers and [`RAW_VALUE_TOKEN`]s whether the value is in the tree
/// or not, and the tree path still decides what such a file says. It builds nothing: strings
/// are borrowed from the text unless they hold escapes.
struct Skip;

impl<'de> serde::de::DeserializeSeed<'de> for Skip {
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for Skip {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(Skip)?.is_some() {}
        Ok(())
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        use serde::de::Error;
        match map.next_key_seed(IsRawValueToken)? {
            None => return Ok(()),
            Some(true) => return Err(A::Error::custom("serde_json's raw value token as a key")),
            Some(false) => map.next_value_seed(Skip)?,
        }
        while map.next_key_seed(Skip)?.is_some() {
            map.next_value_seed(Skip)?;
        }
        Ok(())
    }
}

/// Whether a key is [`RAW_VALUE_TOKEN`], read without a copy.
struct IsRawValueToken;

impl<'de> serde::de::DeserializeSeed<'de> for IsRawValueToken {
    type Value = bool;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> serde::de::Visitor<'de> for IsRawValueToken {
    type Value = bool;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a key")
    }
    fn visit_str<E>(self, v: &str) -> Result<bool, E> {
        Ok(v == RAW_VALUE_TOKEN)
    }
}

/// The key serde_json's tree reader (with its `raw_value` feature, which this crate enables)
/// treats specially when it comes first in an object.
const RAW_VALUE_TOKEN: &str = "$serde_json::private::RawValue";

/// How many containers enclose an output in a bundle (the bundle, its outputs array, the
/// entry), for nesting limits counted from the top of the file.
const OUTPUT_DEPTH: usize = 3;

/// An entry's output: in its tree, or as text kept by [`Entry`].
#[derive(Clone, Copy)]
enum Output<'a> {
    Tree(&'a Value),
    Text(&'a str),
}

/// What a command's normaliser is given: a reply, or an output's text for its text reader.
enum Call<'a> {
    Reply(Reply<'a>),
    Text(&'a str),
}

/// The tree of an output kept as text, when surely the one the tree path reads from the file
/// (its nesting counted from the top of the file); `None` otherwise.
fn tree_of(text: &str) -> Option<Value> {
    use serde::de::DeserializeSeed;
    crate::pointer::checked_end(text, 0, OUTPUT_DEPTH).filter(|&end| end == text.len())?;
    let mut de = serde_json::Deserializer::from_str(text);
    Tree(&mut Scratch::default(), &Reads::All)
        .deserialize(&mut de)
        .ok()
}

/// A lone output file's tree, as the tree path reads the file but with only what `reads`
/// reads of the member `key`: for a text that is one JSON object whose one member is `key`
/// (`{"Reservations": [...]}`, as `aws ec2 describe-instances` prints it), and that serde_json
/// reads whole (the same files are turned away: see `Skip`). `None` for any other text, which
/// the tree path reads as it always has. This is the bundle's reader of outputs, applied to an
/// output that came as a file of its own.
pub fn lone_output_tree(text: &str, key: &str, reads: &'static Reads) -> Option<Value> {
    use serde::Deserializer as _;
    let mut de = serde_json::Deserializer::from_str(text);
    let tree = de
        .deserialize_map(LoneOutput {
            key,
            reads,
            scratch: &mut Scratch::default(),
        })
        .ok()?;
    de.end().ok()?;
    Some(tree)
}

/// The top of a lone output file: its one member `key`, read as [`Tree`] reads it.
struct LoneOutput<'a> {
    key: &'a str,
    reads: &'static Reads,
    scratch: &'a mut Scratch,
}

impl<'de> serde::de::Visitor<'de> for LoneOutput<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        write!(f, "an object whose one member is {}", self.key)
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        use serde::de::Error;
        let other = || A::Error::custom("not this output alone");
        let key = map.next_key::<String>()?.ok_or_else(other)?;
        if key != self.key {
            return Err(other());
        }
        let reads = self.reads.member(&key).ok_or_else(other)?;
        let value = map.next_value_seed(Tree(self.scratch, reads))?;
        if map.next_key_seed(Skip)?.is_some() {
            return Err(other());
        }
        Ok(Value::Object([(key, value)].into_iter().collect()))
    }
}

/// Whether `text` may hold [`RAW_VALUE_TOKEN`] as a key (plainly, or spelt with escapes), which
/// only the tree path reads as serde_json does.
fn may_hold_raw_value_token(text: &str) -> bool {
    text.contains("RawValue") || text.contains("\\u")
}

fn check_version(doc: &Value, base: &str) -> Result<(), NormalizeError> {
    let version = doc.get("format_version").and_then(Value::as_u64);
    if version != Some(1) {
        return Err(NormalizeError {
            pointer: crate::pointer::join(base, "format_version"),
            message: format!(
                "this Stratoscope reads bundle format_version 1, the file says {}",
                doc.get("format_version")
                    .map(Value::to_string)
                    .unwrap_or_else(|| "nothing".into())
            ),
        });
    }
    Ok(())
}

/// Reads a bundle's outputs one by one (from a tree or from text) and gathers the resources
/// and the remarks for the input's verdict.
struct Reader<'f> {
    file: &'f str,
    /// The whole file, when read from its text.
    text: Option<&'f str>,
    /// Where the entries of outputs read from text lie in the file.
    entries: crate::pointer::EntrySpans,
    man: Manifest,
    resources: Vec<Resource>,
    notes: Vec<String>,
    /// Unreadable calls, grouped by error code, then by command, with a count.
    failed: BTreeMap<String, BTreeMap<String, usize>>,
    unknown: BTreeMap<String, usize>,
    /// Outputs a normaliser could not read: reported, and only their own facts are lost.
    unreadable: Vec<String>,
}

impl<'f> Reader<'f> {
    fn new(doc: &Value, file: &'f str) -> Reader<'f> {
        Reader {
            file,
            text: None,
            entries: crate::pointer::EntrySpans::default(),
            man: manifest(doc),
            resources: Vec::new(),
            notes: Vec::new(),
            failed: BTreeMap::new(),
            unknown: BTreeMap::new(),
            unreadable: Vec::new(),
        }
    }

    /// Reads the output entry `out` found at pointer `ptr`; `text`, when [`Entry`] kept the
    /// entry's `output` as text. An error while reading from the file's text only means the
    /// text path gives way to the tree path, which reads the file as it always has.
    fn read(&mut self, ptr: &str, out: &Value, text: Option<&str>) -> Result<(), NormalizeError> {
        // A successful call that printed nothing (`get-bucket-versioning` on a bucket that
        // never had versioning) says "nothing configured", which the normalisers read from an
        // empty object.
        let empty = Value::Object(serde_json::Map::new());
        let entry = out.as_object().ok_or_else(|| NormalizeError {
            pointer: ptr.to_string(),
            message: "bundle outputs must be objects".into(),
        })?;
        let field = |k: &str| entry.get(k).and_then(Value::as_str);
        let (Some(service), Some(operation)) = (field("service"), field("operation")) else {
            return Err(NormalizeError {
                pointer: ptr.to_string(),
                message: "a bundle output needs service and operation strings".into(),
            });
        };
        let matching: Vec<&Command> = commands_for(service, operation).collect();
        let error = entry.get("error").filter(|e| !e.is_null());
        let parsed: Value;
        let output = match text {
            None => entry.get("output").map(Output::Tree),
            Some(text)
                if error.is_none()
                    && read_from_text(matching.iter().copied())
                    && !may_hold_raw_value_token(text) =>
            {
                Some(Output::Text(text))
            }
            // Not to be read from its text after all, yet it must be one the tree path reads.
            Some(text) => {
                parsed = tree_of(text).ok_or_else(|| NormalizeError {
                    pointer: crate::pointer::join(ptr, "output"),
                    message: "left to the tree path".into(),
                })?;
                Some(Output::Tree(&parsed))
            }
        };
        if matching.is_empty() {
            *self
                .unknown
                .entry(format!("aws {service} {operation}"))
                .or_default() += 1;
            return Ok(());
        }
        // A failure without an AWS error code (no connection, a crashed CLI) is still a failure.
        let error_code = error.map(|e| {
            e.get("code")
                .and_then(Value::as_str)
                .unwrap_or("an error without an AWS error code")
        });
        let succeeded = error.is_none()
            && entry
                .get("exit_code")
                .and_then(Value::as_i64)
                .is_none_or(|c| c == 0);
        // One output may serve several services' tables (AWS Backup's protected resources
        // decide facts of EC2 volumes and of RDS instances); each reads it.
        for (n, command) in matching.into_iter().enumerate() {
            let (reply, at) = match (output, error_code) {
                (_, Some(code)) if command.absent_codes.contains(&code) => (
                    Call::Reply(Reply::Absent(code)),
                    crate::pointer::join(ptr, "error"),
                ),
                (_, Some(code)) => {
                    if n == 0 {
                        *self
                            .failed
                            .entry(code.to_string())
                            .or_default()
                            .entry(command.cli())
                            .or_default() += 1;
                    }
                    continue;
                }
                (Some(Output::Tree(v)), None) if !v.is_null() => (
                    Call::Reply(Reply::Output(v)),
                    crate::pointer::join(ptr, "output"),
                ),
                (Some(Output::Text(text)), None) if text != "null" => {
                    (Call::Text(text), crate::pointer::join(ptr, "output"))
                }
                _ if succeeded => (
                    Call::Reply(Reply::Output(&empty)),
                    crate::pointer::join(ptr, "output"),
                ),
                _ => continue,
            };
            let cx = Cx {
                account: self.man.account.as_deref(),
                partition: &self.man.partition,
                region: field("region"),
                args: entry.get("args").and_then(Value::as_object),
                as_of: self.man.as_of,
                ..Cx::new(self.file, at)
            };
            let read = match reply {
                Call::Reply(reply) => (command.normalize)(&cx, reply),
                Call::Text(text) => super::normalize_output_text(command, &cx, text, OUTPUT_DEPTH)
                    .ok_or_else(|| NormalizeError {
                        pointer: cx.pointer.clone(),
                        message: "left to the tree path".into(),
                    })?
                    .map(|(resources, entries)| {
                        let at = self.text.and_then(|t| crate::pointer::offset_in(t, text));
                        if let Some(at) = at {
                            self.entries.append(entries, at);
                        }
                        resources
                    }),
            };
            match read {
                Ok(mut rs) => self.resources.append(&mut rs),
                Err(e) => self.unreadable.push(format!(
                    "`{}` at {}: {}",
                    command.cli(),
                    e.pointer,
                    e.message
                )),
            }
            for note in cx.take_notes() {
                if !self.notes.contains(&note) {
                    self.notes.push(note);
                }
            }
        }
        Ok(())
    }

    fn finish(self) -> (Vec<Resource>, Vec<String>) {
        let Reader {
            man,
            resources,
            mut notes,
            failed,
            unknown,
            unreadable,
            ..
        } = self;
        for (code, commands) in failed {
            let total: usize = commands.values().sum();
            let list: Vec<String> = commands
                .iter()
                .map(|(c, n)| {
                    if *n == 1 {
                        format!("`{c}`")
                    } else {
                        format!("`{c}` ×{n}")
                    }
                })
                .collect();
            notes.push(format!(
                "{total} call(s) failed with {code} ({}); what they would have told is unknown",
                list.join(", ")
            ));
        }
        if !unreadable.is_empty() {
            notes.push(format!(
                "{} output(s) could not be read, so what they say is unknown: {}",
                unreadable.len(),
                unreadable.join("; ")
            ));
        }
        if !unknown.is_empty() {
            let list: Vec<String> = unknown.iter().map(|(c, n)| format!("`{c}` ×{n}")).collect();
            notes.push(format!(
                "outputs this version does not read were skipped: {}",
                list.join(", ")
            ));
        }
        if let Some(t) = &man.as_of_text {
            notes.push(format!(
                "collected at {t} (ages are judged against this time)"
            ));
        }
        (resources, notes)
    }
}

#[cfg(test)]
mod tests {
    use crate::analyze::build_inventory;
    use crate::report::InputStatus;
    use crate::Input;
    use serde_json::json;

    /// [`super::normalize_text`]'s resources and notes.
    fn text_read(text: &str, file: &str) -> Option<(Vec<crate::Resource>, Vec<String>)> {
        super::normalize_text(text, file).map(|n| (n.resources, n.notes))
    }

    fn bundle(outputs: serde_json::Value) -> Input {
        let doc = json!({
            "format": "stratoscope-aws-bundle", "format_version": 1,
            "manifest": {"account_id": "123456789012", "partition": "aws",
                         "started_at": "2026-11-28T09:00:00Z", "finished_at": "2026-11-28T09:03:00Z",
                         "regions": ["us-east-1"]},
            "outputs": outputs});
        Input::new("bundle.json", doc.to_string())
    }

    /// A successful read, a denied call and an output this version does not know.
    fn reading_and_failed_calls() -> serde_json::Value {
        json!([
            {"service": "iam", "operation": "get-account-authorization-details", "region": null, "args": {},
             "exit_code": 0, "output": {"UserDetailList": [{"UserName": "alice", "Arn": "arn:aws:iam::123456789012:user/alice",
                "UserPolicyList": [], "AttachedManagedPolicies": [], "GroupList": []}], "RoleDetailList": [], "GroupDetailList": [], "Policies": []},
             "error": null},
            {"service": "iam", "operation": "get-account-authorization-details", "region": null, "args": {},
             "exit_code": 254, "output": null, "error": {"code": "AccessDenied", "message": "An error occurred (AccessDenied)"}},
            {"service": "frobnicate", "operation": "describe-widgets", "region": "us-east-1", "args": {},
             "exit_code": 0, "output": {"Widgets": []}, "error": null}
        ])
    }

    /// An empty success, an output that cannot be read, and a call that could not connect.
    fn empty_and_unreadable_outputs() -> serde_json::Value {
        json!([
            {"service": "s3api", "operation": "list-buckets", "region": null, "args": {}, "exit_code": 0,
             "output": {"Buckets": [{"Name": "example-logs", "CreationDate": "2026-01-01T00:00:00+00:00"}], "Owner": {"ID": "abc"}}, "error": null},
            {"service": "s3api", "operation": "get-bucket-versioning", "region": "us-east-1", "args": {"bucket": "example-logs"},
             "exit_code": 0, "output": null, "error": null},
            {"service": "ec2", "operation": "describe-security-groups", "region": "us-east-1", "args": {}, "exit_code": 0,
             "output": {"SecurityGroups": "not a list"}, "error": null},
            {"service": "ec2", "operation": "describe-volumes", "region": "us-east-1", "args": {}, "exit_code": 255,
             "output": null, "error": {"code": null, "message": "Could not connect to the endpoint URL"}}
        ])
    }

    /// Output by output from the text must read exactly as the tree does; a bundle the tree
    /// path would reject is left to it, so its error stays located the same way.
    #[test]
    fn text_path_reads_as_the_tree_path_and_leaves_errors_to_it() {
        let mut outputs = reading_and_failed_calls();
        if let (Some(all), serde_json::Value::Array(more)) =
            (outputs.as_array_mut(), empty_and_unreadable_outputs())
        {
            all.extend(more);
        }
        let text = String::from_utf8(bundle(outputs).bytes).expect("utf-8");
        let doc: serde_json::Value = serde_json::from_str(&text).expect("json");
        let tree = super::normalize(&doc, "bundle.json", "").expect("tree path reads it");
        let streamed = text_read(&text, "bundle.json").expect("text path reads it");
        assert_eq!(streamed, tree);
        assert!(!tree.0.is_empty() && tree.1.len() >= 3, "{:?}", tree.1);

        let mut wrong = doc.clone();
        wrong["format_version"] = json!(2);
        assert!(text_read(&wrong.to_string(), "bundle.json").is_none());
        let mut bad_entry = doc;
        bad_entry["outputs"][1] = json!("not an object");
        assert!(text_read(&bad_entry.to_string(), "bundle.json").is_none());
    }

    /// The outputs are read as they stream past only once format, version and manifest are
    /// known; in any other order they are read after the rest, the same way. A file whose first
    /// key is not a bundle's is turned away at once, and a repeated key is left to the tree.
    #[test]
    fn text_path_reads_any_key_order_and_turns_other_files_away() {
        let outputs = reading_and_failed_calls();
        let manifest = json!({"account_id": "123456789012", "finished_at": "2026-11-28T09:03:00Z"});
        let tree = |text: &str| {
            let doc: serde_json::Value = serde_json::from_str(text).expect("json");
            super::normalize(&doc, "bundle.json", "").expect("tree path reads it")
        };
        for doc in [
            json!({"outputs": outputs, "manifest": manifest, "format": "stratoscope-aws-bundle", "format_version": 1}),
            json!({"format": "stratoscope-aws-bundle", "outputs": outputs, "format_version": 1, "manifest": manifest}),
            json!({"format": "stratoscope-aws-bundle", "format_version": 1, "collector": {"version": "1"},
                   "manifest": manifest, "outputs": outputs}),
        ] {
            let text = doc.to_string();
            let streamed = text_read(&text, "bundle.json").expect("text path reads it");
            assert_eq!(streamed, tree(&text), "{text}");
            // Where each output lies is known in every order, so evidence about one is quoted
            // from its own text.
            let read = super::normalize_text(&text, "bundle.json").expect("text path reads it");
            assert!(read.entries.has_list("/outputs"), "{text}");
            let pointers: Vec<String> = (0..doc["outputs"].as_array().map_or(0, Vec::len))
                .flat_map(|i| [format!("/outputs/{i}"), format!("/outputs/{i}/service")])
                .collect();
            let pointers: Vec<&str> = pointers.iter().map(String::as_str).collect();
            let packed = crate::packed_text::PackedText::pack(&text);
            let quoted = read.entries.resolve_many(&packed, &pointers, 1);
            for (p, v) in pointers.iter().zip(&quoted) {
                assert_eq!(v.as_ref(), doc.pointer(p), "{p} in {text}");
            }
        }
        let others = [
            json!({"collector": {"version": "1"}, "format": "stratoscope-aws-bundle", "format_version": 1,
                   "manifest": manifest, "outputs": outputs})
            .to_string(),
            json!({"UserDetailList": [], "RoleDetailList": [], "GroupDetailList": [], "Policies": []}).to_string(),
            json!({"format": "something-else", "format_version": 1, "manifest": manifest, "outputs": []}).to_string(),
            format!(
                r#"{{"format": "stratoscope-aws-bundle", "format_version": 1, "manifest": {manifest}, "outputs": [], "outputs": {outputs}}}"#
            ),
            format!(r#"{{"format": "stratoscope-aws-bundle", "format_version": 1, "manifest": {manifest}, "outputs": []}} []"#),
        ];
        for text in others {
            assert!(text_read(&text, "bundle.json").is_none(), "{text}");
        }
    }

    /// An authorization-details output with a role, a managed policy and a user, as the CLI
    /// prints it (with a member that is not a list, which the tree path ignores).
    fn authz_output() -> serde_json::Value {
        let trust = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::210987654321:root"}, "Action": "sts:AssumeRole"}]});
        let admin = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]});
        json!({
            "UserDetailList": [{"UserName": "alice", "Arn": "arn:aws:iam::123456789012:user/alice",
                "UserPolicyList": [{"PolicyName": "inline", "PolicyDocument": admin}],
                "AttachedManagedPolicies": [], "GroupList": [], "Tags": [{"Key": "team", "Value": "a"}]}],
            "GroupDetailList": [],
            "RoleDetailList": [{"RoleName": "deploy", "Arn": "arn:aws:iam::123456789012:role/deploy", "Path": "/",
                "AssumeRolePolicyDocument": trust, "RolePolicyList": [],
                "AttachedManagedPolicies": [{"PolicyName": "admin", "PolicyArn": "arn:aws:iam::123456789012:policy/admin"}]}],
            "Policies": [{"PolicyName": "admin", "Arn": "arn:aws:iam::123456789012:policy/admin", "DefaultVersionId": "v1",
                "AttachmentCount": 1, "IsAttachable": true,
                "PolicyVersionList": [{"Document": admin, "VersionId": "v1", "IsDefaultVersion": true}]}],
            "IsTruncated": false
        })
    }

    /// Whether [`super::Entry`] keeps the first output of `text`'s bundle as text.
    fn first_output_kept_as_text(text: &str) -> bool {
        use serde::de::DeserializeSeed;
        let doc: serde_json::Value = serde_json::from_str(text).expect("json");
        let entry = doc["outputs"][0].to_string();
        let mut de = serde_json::Deserializer::from_str(&entry);
        let (tree, kept) = super::Entry(&mut super::Scratch::default())
            .deserialize(&mut de)
            .expect("an entry");
        assert_eq!(
            kept.output.is_some(),
            tree.get("output").is_none(),
            "{entry}"
        );
        kept.output.is_some()
    }

    /// Reads `outputs` both ways and checks they agree; `Some` with what the text path read,
    /// `None` when it gave way to the tree path.
    fn both_ways(outputs: serde_json::Value) -> Option<(Vec<crate::Resource>, Vec<String>)> {
        let text = String::from_utf8(bundle(outputs).bytes).expect("utf-8");
        let doc: serde_json::Value = serde_json::from_str(&text).expect("json");
        let tree = super::normalize(&doc, "bundle.json", "").expect("tree path reads it");
        let streamed = text_read(&text, "bundle.json");
        if let Some(streamed) = &streamed {
            assert_eq!(streamed, &tree, "{text}");
        }
        streamed
    }

    /// An authorization-details output is read from its text whether the entry names its
    /// command before or after its output, with the same resources and pointers as its tree.
    #[test]
    fn authorization_details_read_from_text_in_either_key_order() {
        let output = authz_output();
        let before = json!([{"service": "iam", "operation": "get-account-authorization-details",
            "region": null, "args": {}, "exit_code": 0, "output": output, "error": null}]);
        let after = json!([{"output": output, "error": null, "exit_code": 0, "args": {},
            "region": null, "operation": "get-account-authorization-details", "service": "iam"}]);
        let mut read = Vec::new();
        for outputs in [before, after] {
            let text = String::from_utf8(bundle(outputs.clone()).bytes).expect("utf-8");
            assert!(first_output_kept_as_text(&text), "{text}");
            let (resources, notes) = both_ways(outputs).expect("text path reads it");
            assert_eq!(resources.len(), 3, "{notes:?}");
            assert!(resources
                .iter()
                .all(|r| r.source.pointer.starts_with("/outputs/0/output/")));
            read.push((resources, notes));
        }
        assert_eq!(read[0], read[1]);
        let role = read[0]
            .0
            .iter()
            .find(|r| r.kind == "aws.iam.role")
            .expect("role");
        assert_eq!(role.source.pointer, "/outputs/0/output/RoleDetailList/0");
    }

    /// Outputs of other commands stay trees; an output kept as text because its command came
    /// later, yet not read from it (another command, a failed call, an unknown command), is read
    /// as the tree path reads it.
    #[test]
    fn text_kept_for_other_outputs_reads_as_the_tree() {
        let groups = json!({"SecurityGroups": [{"GroupId": "sg-0a1b2c3d4e5f60001", "GroupName": "default",
            "OwnerId": "123456789012", "VpcId": "vpc-0a1b2c3d", "IpPermissions": [], "IpPermissionsEgress": []}]});
        let known_first = json!([{"service": "ec2", "operation": "describe-security-groups",
            "region": "us-east-1", "args": {}, "exit_code": 0, "output": groups, "error": null}]);
        let text = String::from_utf8(bundle(known_first).bytes).expect("utf-8");
        assert!(!first_output_kept_as_text(&text));
        let outputs = json!([
            {"output": groups, "service": "ec2", "operation": "describe-security-groups",
             "region": "us-east-1", "args": {}, "exit_code": 0, "error": null},
            {"output": authz_output(), "service": "iam", "operation": "get-account-authorization-details",
             "region": null, "args": {}, "exit_code": 254, "error": {"code": "AccessDenied", "message": "denied"}},
            {"output": {"Widgets": [1]}, "service": "frobnicate", "operation": "describe-widgets",
             "region": "us-east-1", "args": {}, "exit_code": 0, "error": null},
            {"output": null, "service": "iam", "operation": "get-account-authorization-details",
             "region": null, "args": {}, "exit_code": 0, "error": null}
        ]);
        let (resources, notes) = both_ways(outputs).expect("text path reads it");
        assert_eq!(resources.len(), 1, "{resources:?}");
        assert!(
            notes.iter().any(|n| n.contains("failed with AccessDenied")),
            "{notes:?}"
        );
    }

    /// A bad authorization-details output read from text loses only its own facts, with the
    /// message and location the tree path gives; text the checking reader is not sure of (an
    /// exponent, an escape that might spell serde_json's raw value token) is read as a tree,
    /// and a repeated output is left to the tree path.
    #[test]
    fn bad_authorization_details_in_a_bundle_keep_their_errors() {
        let entry = |output: serde_json::Value| {
            json!([{"service": "iam", "operation": "get-account-authorization-details", "region": null,
                    "args": {}, "exit_code": 0, "output": output, "error": null}])
        };
        let mut no_arn = authz_output();
        no_arn["RoleDetailList"][0]
            .as_object_mut()
            .expect("role")
            .remove("Arn");
        let not_a_list = json!({"UserDetailList": "not a list", "Policies": []});
        let not_an_entry = json!({"UserDetailList": [], "Policies": ["not an object"]});
        for (output, at, message) in [
            (
                no_arn,
                "/outputs/0/output/RoleDetailList/0",
                "entry has no Arn string",
            ),
            (
                not_a_list,
                "/outputs/0/output/UserDetailList",
                "UserDetailList must be an array",
            ),
            (
                not_an_entry,
                "/outputs/0/output/Policies/0",
                "Policies entries must be objects",
            ),
        ] {
            let (resources, notes) = both_ways(entry(output)).expect("text path reads it");
            assert!(resources.is_empty(), "{resources:?}");
            let expected = format!(
                "1 output(s) could not be read, so what they say is unknown: \
                 `aws iam get-account-authorization-details` at {at}: {message}"
            );
            assert!(notes.contains(&expected), "{notes:?}");
        }
        let mut exponent = authz_output();
        exponent["Policies"][0]["AttachmentCount"] = json!(1e300);
        assert!(
            both_ways(entry(exponent)).is_none(),
            "left to the tree path"
        );
        let mut escaped = authz_output();
        escaped["UserDetailList"][0]["Tags"][0]["Value"] = json!("\u{1}");
        assert_eq!(both_ways(entry(escaped)).expect("read").0.len(), 3);
        let repeated = bundle(json!([])).bytes;
        let repeated = String::from_utf8(repeated).expect("utf-8").replace(
            r#""outputs":[]"#,
            r#""outputs":[{"service":"iam","operation":"get-account-authorization-details","output":{},"output":{}}]"#,
        );
        assert!(repeated.contains(r#""output":{},"output""#));
        assert!(text_read(&repeated, "bundle.json").is_none());
    }

    /// The tree each output is read into is the one serde_json's own reader makes.
    /// A `describe-instances` output with every field the CLI prints for an instance and its
    /// reservation: a running instance with an Elastic IP on a secondary address, a stopped
    /// one, and one spelled as AWS Config spells it.
    fn complete_describe_instances() -> serde_json::Value {
        let association = |ip: &str| json!({"IpOwnerId": "amazon", "PublicDnsName": format!("ec2-{ip}.compute-1.amazonaws.com"), "PublicIp": ip});
        let eni = |i: u32, public: Option<&str>, secondary: Option<&str>| {
            let mut primary = json!({"Primary": true, "PrivateDnsName": "ip-10-0-0-10.ec2.internal", "PrivateIpAddress": "10.0.0.10"});
            if let Some(ip) = public {
                primary["Association"] = association(ip);
            }
            let mut second = json!({"Primary": false, "PrivateDnsName": "ip-10-0-0-11.ec2.internal", "PrivateIpAddress": "10.0.0.11"});
            if let Some(ip) = secondary {
                second["Association"] = association(ip);
            }
            let mut ni = json!({
                "Attachment": {"AttachTime": "2026-10-01T08:00:00+00:00", "AttachmentId": format!("eni-attach-{i:017x}"),
                    "DeleteOnTermination": true, "DeviceIndex": 0, "Status": "attached", "NetworkCardIndex": 0},
                "Description": "", "Groups": [{"GroupName": "web", "GroupId": "sg-0123456789abcdef0"}],
                "Ipv6Addresses": [], "MacAddress": "0a:1b:2c:3d:4e:5f", "NetworkInterfaceId": format!("eni-{i:017x}"),
                "OwnerId": "123456789012", "PrivateDnsName": "ip-10-0-0-10.ec2.internal", "PrivateIpAddress": "10.0.0.10",
                "PrivateIpAddresses": [primary, second], "SourceDestCheck": true, "Status": "in-use",
                "SubnetId": "subnet-0123456789abcdef0", "VpcId": "vpc-0123456789abcdef0", "InterfaceType": "interface"});
            if let Some(ip) = public {
                ni["Association"] = association(ip);
            }
            ni
        };
        let instance = |i: u32,
                        state: (u32, &str),
                        reason: &str,
                        public: Option<&str>,
                        secondary: Option<&str>| {
            let mut m = json!({
                "AmiLaunchIndex": 0, "ImageId": "ami-0abcdef1234567890", "InstanceId": format!("i-{i:017x}"),
                "InstanceType": "t3.micro", "KernelId": "", "KeyName": "ops", "LaunchTime": "2026-10-01T08:00:00+00:00",
                "Monitoring": {"State": "disabled"},
                "Placement": {"AvailabilityZone": "us-east-1a", "AvailabilityZoneId": "use1-az4", "GroupName": "", "Tenancy": "default"},
                "Platform": "windows", "PrivateDnsName": "ip-10-0-0-10.ec2.internal", "PrivateIpAddress": "10.0.0.10",
                "ProductCodes": [], "PublicDnsName": "", "RamdiskId": "",
                "State": {"Code": state.0, "Name": state.1}, "StateTransitionReason": reason,
                "SubnetId": "subnet-0123456789abcdef0", "VpcId": "vpc-0123456789abcdef0", "Architecture": "x86_64",
                "BlockDeviceMappings": [{"DeviceName": "/dev/xvda", "Ebs": {"AttachTime": "2026-10-01T08:00:01+00:00",
                    "DeleteOnTermination": true, "Status": "attached", "VolumeId": format!("vol-{i:017x}")}}],
                "ClientToken": "", "EbsOptimized": false, "EnaSupport": true, "Hypervisor": "xen",
                "IamInstanceProfile": {"Arn": "arn:aws:iam::123456789012:instance-profile/web", "Id": "AIPAEXAMPLEID1234567"},
                "InstanceLifecycle": "spot", "ElasticGpuAssociations": [], "ElasticInferenceAcceleratorAssociations": [],
                "NetworkInterfaces": [eni(i, public, secondary)]});
            // Two literals: one is past the `json!` macro's recursion limit.
            let more = json!({
                "OutpostArn": "", "RootDeviceName": "/dev/xvda", "RootDeviceType": "ebs",
                "SecurityGroups": [{"GroupName": "web", "GroupId": "sg-0123456789abcdef0"}], "SourceDestCheck": true,
                "SpotInstanceRequestId": "sir-example1", "SriovNetSupport": "simple",
                "StateReason": {"Code": "Client.UserInitiatedShutdown", "Message": "Client.UserInitiatedShutdown: User initiated shutdown"},
                "Tags": [{"Key": "Name", "Value": format!("web-{i}")}, {"Key": "team", "Value": "payments"}],
                "VirtualizationType": "hvm", "CpuOptions": {"CoreCount": 1, "ThreadsPerCore": 2},
                "CapacityReservationId": "", "CapacityReservationSpecification": {"CapacityReservationPreference": "open"},
                "HibernationOptions": {"Configured": false}, "Licenses": [],
                "MetadataOptions": {"State": "applied", "HttpTokens": "optional", "HttpPutResponseHopLimit": 1,
                    "HttpEndpoint": "enabled", "HttpProtocolIpv6": "disabled", "InstanceMetadataTags": "disabled"},
                "EnclaveOptions": {"Enabled": false}, "BootMode": "uefi-preferred", "PlatformDetails": "Windows",
                "UsageOperation": "RunInstances:0002", "UsageOperationUpdateTime": "2026-10-01T08:00:00+00:00",
                "PrivateDnsNameOptions": {"HostnameType": "ip-name", "EnableResourceNameDnsARecord": false, "EnableResourceNameDnsAAAARecord": false},
                "Ipv6Address": "", "TpmSupport": "v2.0", "MaintenanceOptions": {"AutoRecovery": "default"},
                "CurrentInstanceBootMode": "uefi", "NetworkPerformanceOptions": {"BandwidthWeighting": "default"},
                "Operator": {"Managed": false}});
            if let (Some(m), serde_json::Value::Object(more)) = (m.as_object_mut(), more) {
                m.extend(more);
            }
            if let Some(ip) = public {
                m["PublicIpAddress"] = json!(ip);
                m["PublicDnsName"] = json!(format!("ec2-{ip}.compute-1.amazonaws.com"));
            }
            m
        };
        let reservation = |i: u32, instances: Vec<serde_json::Value>| {
            json!({"Groups": [], "Instances": instances, "OwnerId": "123456789012",
                   "RequesterId": "AIDAEXAMPLEREQUESTER", "ReservationId": format!("r-{i:017x}")})
        };
        /// AWS Config's spelling, which the normaliser reads too: a lower-case first letter.
        fn config_spelling(v: &serde_json::Value) -> serde_json::Value {
            match v {
                serde_json::Value::Object(m) => serde_json::Value::Object(
                    m.iter()
                        .map(|(k, v)| (k[..1].to_lowercase() + &k[1..], config_spelling(v)))
                        .collect(),
                ),
                serde_json::Value::Array(a) => a.iter().map(config_spelling).collect(),
                other => other.clone(),
            }
        }
        let running = instance(
            1,
            (16, "running"),
            "",
            Some("198.51.100.7"),
            Some("198.51.100.8"),
        );
        let stopped = instance(
            2,
            (80, "stopped"),
            "User initiated (2026-10-01 12:00:00 GMT)",
            None,
            None,
        );
        let config = config_spelling(&instance(3, (16, "running"), "", Some("203.0.113.9"), None));
        json!({"Reservations": [reservation(1, vec![running, stopped]), reservation(2, vec![config])]})
    }

    /// What the bundle's reader leaves out of an output's tree it leaves out of no resource: a
    /// complete `describe-instances` output reads the same from the bundle's text as from its
    /// tree, though the text path's tree lacks the fields no check reads.
    #[test]
    fn a_bundle_reads_every_field_of_an_instance_it_needs() {
        use serde::de::DeserializeSeed;
        let outputs = json!([{"service": "ec2", "operation": "describe-instances", "region": "us-east-1",
            "args": {}, "exit_code": 0, "output": complete_describe_instances()}]);
        let (resources, _) = both_ways(outputs.clone()).expect("read from the bundle's text");
        assert_eq!(resources.len(), 3);
        let a = |i: usize, k: &str| resources[i].attributes.get(k).map(|v| v.to_json());
        assert_eq!(
            a(0, "public_ipv4_addresses"),
            Some(json!(["198.51.100.7", "198.51.100.8"]))
        );
        assert_eq!(a(0, "volume_ids"), Some(json!(["vol-00000000000000001"])));
        assert_eq!(
            a(0, "iam_instance_profile_arn"),
            Some(json!("arn:aws:iam::123456789012:instance-profile/web"))
        );
        assert_eq!(a(1, "stopped_days"), Some(json!(57)));
        assert_eq!(a(2, "instance_id"), Some(json!("i-00000000000000003")));
        assert_eq!(a(2, "http_tokens"), Some(json!("optional")));
        assert_eq!(a(2, "public_ipv4_addresses"), Some(json!(["203.0.113.9"])));
        assert_eq!(resources[2].region.as_deref(), Some("us-east-1"));
        // The text path's tree holds what the normaliser reads, and not the rest.
        let entry = outputs[0].to_string();
        let mut de = serde_json::Deserializer::from_str(&entry);
        let (tree, _) = super::Entry(&mut super::Scratch::default())
            .deserialize(&mut de)
            .expect("an entry");
        let first = &tree["output"]["Reservations"][0]["Instances"][0];
        assert_eq!(first["InstanceId"], json!("i-00000000000000001"));
        assert_eq!(
            first["Placement"],
            json!({"AvailabilityZone": "us-east-1a"})
        );
        assert!(first.get("CpuOptions").is_none() && first.get("PrivateDnsName").is_none());
    }

    /// A lone `describe-instances` file is read as a bundle reads the output: into a tree of
    /// what the normaliser reads, with the inventory the whole file's tree gives (the same file
    /// with a `NextToken` member, which leaves it to the tree path). A file the normaliser
    /// turns away, or one serde_json would not read, is still reported by the tree path.
    #[test]
    fn a_lone_describe_instances_file_reads_as_its_tree() {
        let inventory = |doc: &serde_json::Value| {
            let text = serde_json::to_string_pretty(doc).expect("json");
            let fast = crate::normalize::aws::lone_output(&text).is_some();
            (fast, build_inventory(&[Input::new("instances.json", text)]))
        };
        let output = complete_describe_instances();
        let mut paged = output.clone();
        paged["NextToken"] = serde_json::Value::Null;
        let ((fast, lone), (slow, tree)) = (inventory(&output), inventory(&paged));
        assert!(fast && !slow);
        assert_eq!(lone.resources.len(), 3);
        assert_eq!(lone.resources, tree.resources);
        assert_eq!(lone.inputs, tree.inputs);
        assert_eq!(lone.inputs[0].status, InputStatus::Recognized);

        let mut nameless = output.clone();
        if let Some(m) = nameless["Reservations"][0]["Instances"][0].as_object_mut() {
            m.remove("InstanceId");
        }
        let mut paged = nameless.clone();
        paged["NextToken"] = serde_json::Value::Null;
        let ((fast, lone), (_, tree)) = (inventory(&nameless), inventory(&paged));
        assert!(fast, "the file reads; its normaliser turns it away");
        assert_eq!(lone.inputs[0].status, InputStatus::Error);
        assert!(
            lone.inputs[0].message.contains("InstanceId"),
            "{:?}",
            lone.inputs
        );
        assert_eq!(lone.inputs, tree.inputs);

        let odd =
            r#"{"Reservations": [{"Instances": [{"InstanceId": "i-1", "CpuOptions": 1e400}]}]}"#;
        assert!(crate::normalize::aws::lone_output(odd).is_none());
        let inv = build_inventory(&[Input::new("instances.json", odd)]);
        assert_eq!(inv.inputs[0].status, InputStatus::Error);
    }

    /// An output read in part for the command its entry names before it is read again, whole,
    /// by the tree path when the entry names another command after it (the last occurrence of a
    /// repeated key is the one that counts); with the same command named again, it is not.
    #[test]
    fn an_output_read_in_part_gives_way_when_its_command_is_named_again() {
        let entry = |again: &str| {
            format!(
                r#"{{"format": "stratoscope-aws-bundle", "format_version": 1, "manifest": {{"account_id": "123456789012"}},
                "outputs": [{{"service": "ec2", "operation": "describe-instances", "region": "us-east-1", "exit_code": 0,
                "output": {{"Volumes": [{{"VolumeId": "vol-1", "Size": 8}}], "Reservations": []}}, "operation": "{again}"}}]}}"#
            )
        };
        assert!(text_read(&entry("describe-volumes"), "bundle.json").is_none());
        let (resources, _) =
            text_read(&entry("describe-instances"), "bundle.json").expect("read from text");
        assert!(resources.is_empty());
        let doc: serde_json::Value =
            serde_json::from_str(&entry("describe-volumes")).expect("json");
        let (tree, _) = super::normalize(&doc, "bundle.json", "").expect("tree path reads it");
        assert_eq!(tree.len(), 1, "the tree path reads the volume");
    }

    /// A value left out of the tree is parsed as strictly as the tree parses it, so the same
    /// files give way to the tree path whether a check reads the value or not.
    #[test]
    fn values_left_out_of_the_tree_are_parsed_as_strictly_as_the_tree() {
        for odd in [
            "1e400",
            r#""\ud800""#,
            r#"{"$serde_json::private::RawValue": "1"}"#,
        ] {
            let text = format!(
                r#"{{"format": "stratoscope-aws-bundle", "format_version": 1, "manifest": {{"account_id": "123456789012"}},
                "outputs": [{{"service": "ec2", "operation": "describe-instances", "region": "us-east-1", "exit_code": 0,
                "output": {{"Reservations": [{{"Instances": [{{"InstanceId": "i-1", "CpuOptions": [{odd}]}}]}}]}}}}]}}"#
            );
            assert!(text_read(&text, "bundle.json").is_none(), "{text}");
            let plain = text.replace(odd, "1");
            assert!(text_read(&plain, "bundle.json").is_some(), "{plain}");
        }
    }

    #[test]
    fn output_trees_are_serde_jsons_trees() {
        use serde::de::DeserializeSeed;
        let read = |text: &str| {
            let mut de = serde_json::Deserializer::from_str(text);
            super::Tree(&mut super::Scratch::default(), &super::Reads::All).deserialize(&mut de)
        };
        let text = r#"{"b": [1, -2, 3.5, 1e3, 18446744073709551615, true, null, "x\u00e9\n", [], {}],
            "a": {"k": 1, "j": [{"z": 0, "y": [[]]}], "k": 2}, "": "", "$serde_json::private::RawValue": 1,
            "nested": [[[{"q": [1, {"r": {}}]}]]]}"#;
        let expected: serde_json::Value = serde_json::from_str(text).expect("json");
        assert_eq!(read(text).expect("reads"), expected);
        let keys: Vec<&String> = expected["a"].as_object().expect("object").keys().collect();
        let tree = read(text).expect("reads");
        let got: Vec<&String> = tree["a"].as_object().expect("object").keys().collect();
        assert_eq!(got, keys, "a repeated key keeps its first place");
        assert_eq!(tree["a"]["k"], json!(2), "and its last value");
        assert!(read(r#"{"$serde_json::private::RawValue": "{}"}"#).is_err());
        let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
        assert!(read(&deep).is_err() && serde_json::from_str::<serde_json::Value>(&deep).is_err());
    }

    #[test]
    fn reads_outputs_and_reports_failed_and_unknown_calls() {
        let inv = build_inventory(&[bundle(reading_and_failed_calls())]);
        assert_eq!(
            inv.inputs[0].status,
            InputStatus::Recognized,
            "{:?}",
            inv.inputs
        );
        assert_eq!(
            inv.inputs[0].format.as_deref(),
            Some("aws-collector-bundle")
        );
        let msg = &inv.inputs[0].message;
        assert!(msg.contains("1 call(s) failed with AccessDenied"), "{msg}");
        assert!(
            msg.contains("`aws frobnicate describe-widgets` ×1"),
            "{msg}"
        );
        assert!(msg.contains("collected at 2026-11-28T09:03:00Z"), "{msg}");
        let alice = &inv.resources[0];
        assert_eq!(alice.source.pointer, "/outputs/0/output/UserDetailList/0");
    }

    #[test]
    fn empty_success_is_not_configured_and_one_bad_output_loses_only_itself() {
        let inv = build_inventory(&[bundle(empty_and_unreadable_outputs())]);
        assert_eq!(
            inv.inputs[0].status,
            InputStatus::Recognized,
            "{:?}",
            inv.inputs
        );
        let msg = &inv.inputs[0].message;
        assert!(
            msg.contains("1 output(s) could not be read")
                && msg.contains("/outputs/2/output/SecurityGroups"),
            "{msg}"
        );
        assert!(
            msg.contains("failed with an error without an AWS error code"),
            "{msg}"
        );
        let bucket = inv
            .resources
            .iter()
            .find(|r| r.kind == "aws.s3.bucket")
            .expect("bucket");
        assert_eq!(
            bucket.attributes["versioning_status"],
            json!("Off"),
            "{:?}",
            bucket.attributes
        );
    }

    #[test]
    fn two_accounts_stay_apart() {
        let bundle_for = |account: &str| {
            let doc = json!({
                "format": "stratoscope-aws-bundle", "format_version": 1,
                "manifest": {"account_id": account, "finished_at": "2026-11-28T09:03:00Z"},
                "outputs": [{"service": "ec2", "operation": "describe-security-groups", "region": "eu-west-1",
                    "args": {}, "exit_code": 0, "error": null,
                    "output": {"SecurityGroups": [{"GroupId": "sg-0a1b2c3d4e5f60001", "GroupName": "default",
                        "OwnerId": account, "VpcId": "vpc-0a1b2c3d", "IpPermissions": [], "IpPermissionsEgress": []}]}}]});
            Input::new(format!("{account}.json"), doc.to_string())
        };
        let inv = build_inventory(&[bundle_for("123456789012"), bundle_for("210987654321")]);
        let groups: Vec<_> = inv
            .resources
            .iter()
            .filter(|r| r.kind == "aws.ec2.security_group")
            .collect();
        assert_eq!(
            groups.len(),
            2,
            "the same group id in two accounts is two resources"
        );
        let accounts: Vec<_> = groups
            .iter()
            .map(|g| g.account.clone().unwrap_or_default())
            .collect();
        assert_eq!(accounts, ["123456789012", "210987654321"]);
        assert!(groups
            .iter()
            .all(|g| g.region.as_deref() == Some("eu-west-1")));
        assert_ne!(groups[0].id, groups[1].id);
    }

    #[test]
    fn wrong_version_and_shape_are_located_errors() {
        let doc = json!({"format": "stratoscope-aws-bundle", "format_version": 7, "outputs": []});
        let inv = build_inventory(&[Input::new("b.json", doc.to_string())]);
        assert_eq!(inv.inputs[0].status, InputStatus::Error);
        assert!(
            inv.inputs[0].message.contains("format_version"),
            "{}",
            inv.inputs[0].message
        );
        let inv = build_inventory(&[bundle(json!([{"service": "s3api"}]))]);
        assert_eq!(inv.inputs[0].status, InputStatus::Error);
        assert!(
            inv.inputs[0].message.contains("/outputs/0"),
            "{}",
            inv.inputs[0].message
        );
    }
}

#[cfg(test)]
mod lone_role_tests {
    use crate::analyze::build_inventory;
    use crate::Input;
    use serde_json::json;

    /// `aws iam get-role` alone: its trust policy is read, and its permissions are reported as
    /// not exported rather than taken for "none".
    #[test]
    fn get_role_reads_trust_and_leaves_permissions_unknown() {
        let doc = json!({"Role": {"RoleName": "deploy", "Arn": "arn:aws:iam::123456789012:role/deploy", "Path": "/",
            "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
                "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}]}}});
        let inv = build_inventory(&[Input::new("role.json", doc.to_string())]);
        assert_eq!(inv.inputs[0].format.as_deref(), Some("aws-iam-get-role"));
        let role = &inv.resources[0];
        assert!(role.all_attributes()["trust_statements"].is_array());
        assert_eq!(role.attributes["statements_complete"], json!(false));
        assert!(
            role.attributes.get("admin_equivalent").is_none(),
            "unknown, not false"
        );
    }
}
