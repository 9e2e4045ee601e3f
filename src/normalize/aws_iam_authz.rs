//! `aws iam get-account-authorization-details`: users, groups, roles and managed policies with
//! every version. Principals keep references to managed policies and groups; the inventory stage
//! ([`crate::derive`]) resolves them, because the policies may arrive in another file.

use super::NormalizeError;
use crate::attribute_map::AttributeMap;
use crate::iam::policy::{
    account_of_arn, parse_document, parse_document_text, PolicyRef, Statement,
};
use crate::{pointer, Facts, Resource, Source};
use serde_json::{json, Map, Value};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::Arc;

pub fn normalize(doc: &Value, file: &str, base: &str) -> Result<Vec<Resource>, NormalizeError> {
    let mut out = Vec::new();
    let cx = Cx { file };
    for list in LISTS {
        let Some(items) = doc.get(list) else { continue };
        let list_ptr = pointer::join(base, list);
        let items = items.as_array().ok_or_else(|| not_array(list, &list_ptr))?;
        for (i, item) in items.iter().enumerate() {
            let ptr = pointer::join_index(&list_ptr, i);
            let entry = item.as_object().ok_or_else(|| not_object(list, &ptr))?;
            out.push(entry_resource(&cx, list, &Tree(Some(entry)), &ptr)?);
        }
    }
    Ok(out)
}

/// The lists in the order [`normalize`] reads them.
const LISTS: [&str; 4] = [
    "Policies",
    "UserDetailList",
    "GroupDetailList",
    "RoleDetailList",
];

fn not_array(list: &str, ptr: &str) -> NormalizeError {
    NormalizeError {
        pointer: ptr.to_string(),
        message: format!("{list} must be an array"),
    }
}

fn not_object(list: &str, ptr: &str) -> NormalizeError {
    NormalizeError {
        pointer: ptr.to_string(),
        message: format!("{list} entries must be objects"),
    }
}

fn entry_resource<F: Fields>(
    cx: &Cx,
    list: &str,
    entry: &F,
    ptr: &str,
) -> Result<Resource, NormalizeError> {
    match list {
        "Policies" => managed_policy(cx, entry, ptr),
        "UserDetailList" => user(cx, entry, ptr),
        "GroupDetailList" => group(cx, entry, ptr),
        _ => role(cx, entry, ptr),
    }
}

/// [`normalize`] over the file's text, one entry at a time and without a tree of any entry:
/// a tree of a large export costs about nine times the file, and most of an entry (the managed
/// policies' other versions, ids, dates) is never read. Only for a plain document holding
/// nothing but these lists (as the CLI prints it), and only when detection agrees; anything
/// else is left to the tree-based path (`None`), which also locates syntax errors.
pub fn normalize_text(text: &str, file: &str) -> Option<Result<Read, NormalizeError>> {
    let lists = match checked_lists(text) {
        Checked::Lists(lists) => lists,
        Checked::NotPlain => return None,
        // Something the checking split does not take: serde_json decides whether the text
        // parses, and the plain split reads it.
        Checked::Unsure => {
            if !crate::decode::parses_as_tree(text) {
                return None;
            }
            pointer::members(text)?
                .into_iter()
                .map(|(k, raw)| (k, List::unsplit(raw)))
                .collect()
        }
    };
    let last: BTreeMap<&str, &str> = lists.iter().map(|(k, l)| (k.as_ref(), l.raw)).collect();
    if last.len() < 2
        || !last
            .iter()
            .all(|(k, v)| LISTS.contains(k) && v.starts_with('['))
    {
        return None;
    }
    // Detection sees the same keys with each list's first entry, as it would see the file.
    let mut sample = Map::new();
    for list in LISTS {
        if let Some(raw) = last.get(list) {
            let first: Vec<Value> = match pointer::first_element(raw)? {
                Some(raw) => vec![serde_json::from_str(raw).ok()?],
                None => Vec::new(),
            };
            sample.insert(list.to_string(), Value::Array(first));
        }
    }
    if crate::detect::detect(&Value::Object(sample))
        != crate::detect::Detection::Recognized(crate::detect::Format::AwsIamAuthorizationDetails)
    {
        return None;
    }
    Some(normalize_lists(lists, file, ""))
}

/// A list's text, and its entries when already split.
struct List<'a> {
    raw: &'a str,
    items: Option<Entries<'a>>,
    /// Where the entries lie in the text that was split, when it was.
    spans: Vec<Range<usize>>,
}

impl<'a> List<'a> {
    fn unsplit(raw: &'a str) -> List<'a> {
        List {
            raw,
            items: None,
            spans: Vec::new(),
        }
    }

    fn split(text: &'a str, start: usize, list: pointer::CheckedList<'a>) -> Option<List<'a>> {
        Some(List {
            raw: text.get(start..list.end)?,
            items: Some(list.items),
            spans: list.spans,
        })
    }
}

/// An export's resources, and where its entries lie in the text it was read from (see
/// [`pointer::EntrySpans`]).
pub type Read = (Vec<Resource>, pointer::EntrySpans);

/// A list's elements, each an object's members (`None` for one that is not an object).
type Entries<'a> = Vec<Option<pointer::Members<'a>>>;

/// What [`checked_lists`] made of a text.
enum Checked<'a> {
    /// The top-level members, every list split into its entries, the whole text checked to be
    /// what serde_json reads into a tree.
    Lists(Vec<(Cow<'a, str>, List<'a>)>),
    /// Whether or not it parses, the text is no plain export: a member other than the lists,
    /// or one of them not an array.
    NotPlain,
    /// Not surely JSON serde_json reads (see [`pointer::checked_end`]).
    Unsure,
}

/// The top-level lists of `text`, split into entries in the same pass that checks the text,
/// stopping at the first member that shows the text is no plain export (a bundle is not read
/// to its end to learn that).
fn checked_lists(text: &str) -> Checked<'_> {
    if !text.trim_start().starts_with('{') {
        return Checked::NotPlain;
    }
    let mut lists = Vec::new();
    let mut plain = true;
    let checked = with_ahead(text, 1, |mut ahead| {
        pointer::checked_object(text, |key, start| {
            if !LISTS.contains(&key.as_ref()) || text.as_bytes().get(start) != Some(&b'[') {
                plain = false;
                return None;
            }
            let list = pointer::checked_objects(text, start, 1, ahead.as_deref_mut())?;
            let end = list.end;
            lists.push((key, List::split(text, start, list)?));
            Some(end)
        })
    });
    match checked {
        _ if !plain => Checked::NotPlain,
        Some(()) => Checked::Lists(lists),
        None => Checked::Unsure,
    }
}

/// [`normalize`] of an export found inside a larger file (an output of the collector's bundle),
/// from its text: `base` is its pointer in the file and `depth` the number of containers around
/// it, so pointers, errors and the nesting limit are the file's. Members other than the lists
/// are checked and passed over, as the tree path ignores them. `None` when the text is not
/// surely what serde_json reads into a tree (see [`pointer::checked_end`]), for the caller to
/// read it as a tree.
pub fn normalize_output_text(
    text: &str,
    file: &str,
    base: &str,
    depth: usize,
) -> Option<Result<Read, NormalizeError>> {
    let b = text.as_bytes();
    if b.first() != Some(&b'{') {
        // Not an object: the tree path finds no lists in it.
        let end = pointer::checked_end(text, 0, depth)?;
        return (end == text.len()).then(|| Ok(Read::default()));
    }
    let mut lists = Vec::new();
    with_ahead(text, depth + 1, |mut ahead| {
        pointer::checked_object(text, |key, start| {
            let list = LISTS.contains(&key.as_ref());
            if list && b.get(start) == Some(&b'[') {
                let list = pointer::checked_objects(text, start, depth + 1, ahead.as_deref_mut())?;
                let end = list.end;
                lists.push((key, List::split(text, start, list)?));
                return Some(end);
            }
            let end = pointer::checked_end(text, start, depth + 1)?;
            if list {
                lists.push((key, List::unsplit(text.get(start..end)?)));
            }
            Some(end)
        })
    })?;
    Some(normalize_lists(lists, file, base))
}

/// Runs `check` over the object `text`, whose lists it checks at `depth`, with a second thread
/// checking a later part of them where there are cores for it (see [`pointer::Ahead`]): the
/// split is the one part of reading an export that is sequential by nature.
fn with_ahead<'a, R>(
    text: &'a str,
    depth: usize,
    check: impl FnOnce(Option<&mut pointer::Ahead<'a>>) -> R,
) -> R {
    // An entry of a list of the object is two containers deep: the object, the list.
    pointer::with_ahead(text, 2, depth, crate::parallel::threads(), check)
}

/// [`normalize`] over the top-level members of a document serde_json accepts (see
/// [`crate::decode::parses_as_tree`]), with the same results and the same located errors.
fn normalize_lists(
    mut lists: Vec<(Cow<str>, List)>,
    file: &str,
    base: &str,
) -> Result<Read, NormalizeError> {
    let mut out = Vec::new();
    let mut entries = pointer::EntrySpans::default();
    let cx = Cx { file };
    for list in LISTS {
        // A repeated key reads as its last occurrence, as in a parsed tree.
        let Some(at) = lists.iter().rposition(|(k, _)| k == list) else {
            continue;
        };
        let list_ptr = pointer::join(base, list);
        let List { raw, items, spans } = std::mem::replace(&mut lists[at].1, List::unsplit(""));
        if items.is_some() {
            entries.insert(list_ptr.clone(), spans);
        }
        let items = items
            .or_else(|| pointer::objects(raw))
            .ok_or_else(|| not_array(list, &list_ptr))?;
        out.reserve(items.len());
        // Entries are independent of each other: runs of them are read on the machine's cores
        // and put back in the list's order, so the first bad entry in that order is the error.
        let mut runs = Vec::new();
        let mut items = items.into_iter();
        let mut first = 0;
        loop {
            let run: Entries = items.by_ref().take(ENTRIES_PER_RUN).collect();
            if run.is_empty() {
                break;
            }
            let next = first + run.len();
            runs.push((first, run));
            first = next;
        }
        let read =
            crate::parallel::map_ordered(runs, crate::parallel::threads(), |(first, run)| {
                run.into_iter()
                    .enumerate()
                    .map(|(k, entry)| {
                        let ptr = pointer::join_index(&list_ptr, first + k);
                        let entry = entry.map(Text).ok_or_else(|| not_object(list, &ptr))?;
                        entry_resource(&cx, list, &entry, &ptr)
                    })
                    .collect::<Result<Vec<_>, _>>()
            });
        for run in read {
            out.extend(run?);
        }
    }
    Ok((out, entries))
}

/// Entries read as one piece of work: enough that taking one costs nothing beside reading it,
/// few enough that the threads finish together.
const ENTRIES_PER_RUN: usize = 128;

/// An entry's fields, from a parsed tree or read straight from the export's text, so that one
/// set of functions normalises both.
trait Fields: Sized {
    /// A field's value.
    fn value(&self, key: &str) -> Option<Value>;
    /// The fields of an object-valued field; `None` when absent or not an object.
    fn object(&self, key: &str) -> Option<Self>;
    /// An array field's elements (one that is not an object has no fields); `None` when absent
    /// or not an array.
    fn items(&self, key: &str) -> Option<Vec<Self>>;
    /// A field's value as the policy parser takes it.
    fn document(&self, key: &str) -> Option<Document<'_>>;

    /// The statements of the policy document in a field; `None` when the field is absent.
    fn statements(
        &self,
        key: &str,
        source: &Source,
        policy: &PolicyRef,
    ) -> Option<Result<Vec<Statement>, NormalizeError>> {
        let raw = match self.document(key)? {
            Document::Tree(raw) => Cow::Borrowed(raw),
            // Read straight from the text where the document has a plain shape; otherwise from
            // its tree, which gives the same statements or the located error.
            Document::Text(raw) => match parse_document_text(raw, source, policy) {
                Some(statements) => return Some(Ok(statements)),
                None => Cow::Owned(pointer::value(raw)?),
            },
        };
        Some(
            parse_document(&raw, source, policy)
                .map(|(_, statements)| statements)
                .map_err(|e| NormalizeError {
                    pointer: e.pointer,
                    message: e.message,
                }),
        )
    }

    fn str(&self, key: &str) -> Option<String> {
        match self.value(key)? {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// A field's value, or `null` when absent.
    fn opt(&self, key: &str) -> Value {
        self.value(key).unwrap_or(Value::Null)
    }
}

/// A policy document as an entry holds it.
enum Document<'a> {
    Tree(&'a Value),
    Text(&'a str),
}

/// An entry of a parsed tree (`None`: a value that is not an object, which has no fields).
struct Tree<'a>(Option<&'a Map<String, Value>>);

impl Fields for Tree<'_> {
    fn value(&self, key: &str) -> Option<Value> {
        self.0?.get(key).cloned()
    }
    fn object(&self, key: &str) -> Option<Self> {
        Some(Tree(Some(self.0?.get(key)?.as_object()?)))
    }
    fn items(&self, key: &str) -> Option<Vec<Self>> {
        let items = self.0?.get(key)?.as_array()?;
        Some(items.iter().map(|v| Tree(v.as_object())).collect())
    }
    fn document(&self, key: &str) -> Option<Document<'_>> {
        self.0?.get(key).map(Document::Tree)
    }
}

/// An entry read from text: each member's key and the text of its value.
struct Text<'a>(pointer::Members<'a>);

impl<'a> Text<'a> {
    /// `None` when `raw` is not an object.
    fn of(raw: &'a str) -> Option<Text<'a>> {
        pointer::members(raw).map(Text)
    }

    /// A repeated key reads as its last occurrence, as in a parsed tree.
    fn raw(&self, key: &str) -> Option<&'a str> {
        self.0.iter().rev().find(|(k, _)| k == key).map(|(_, v)| *v)
    }
}

impl Fields for Text<'_> {
    fn value(&self, key: &str) -> Option<Value> {
        pointer::value(self.raw(key)?)
    }
    fn object(&self, key: &str) -> Option<Self> {
        Text::of(self.raw(key)?)
    }
    fn items(&self, key: &str) -> Option<Vec<Self>> {
        let items = pointer::objects(self.raw(key)?)?;
        Some(
            items
                .into_iter()
                .map(|m| Text(m.unwrap_or_default()))
                .collect(),
        )
    }
    fn document(&self, key: &str) -> Option<Document<'_>> {
        self.raw(key).map(Document::Text)
    }
}

struct Cx<'a> {
    file: &'a str,
}

impl Cx<'_> {
    fn source(&self, ptr: &str) -> Source {
        Source {
            file: crate::model::shared_file(self.file),
            pointer: ptr.to_string(),
        }
    }
}

fn required_str<F: Fields>(entry: &F, key: &str, ptr: &str) -> Result<String, NormalizeError> {
    entry.str(key).ok_or_else(|| NormalizeError {
        pointer: ptr.to_string(),
        message: format!("entry has no {key} string"),
    })
}

fn is_aws_managed(arn: &str) -> bool {
    arn.split(':').nth(4) == Some("aws")
}

fn shared(statements: Vec<Statement>) -> Arc<Vec<Arc<Statement>>> {
    Arc::new(statements.into_iter().map(Arc::new).collect())
}

fn base_resource(
    cx: &Cx,
    kind: &str,
    arn: String,
    name: String,
    ptr: &str,
    attributes: AttributeMap,
) -> Resource {
    Resource {
        provider: "aws".into(),
        kind: kind.into(),
        account: account_of_arn(&arn),
        id: arn,
        name,
        region: Some("global".into()),
        attributes,
        source: cx.source(ptr),
        sources: Default::default(),
        facts: Facts::default(),
        typed: Default::default(),
    }
}

// How many attributes each kind ends up with: what this file sets, and for principals what
// `crate::derive` adds (admin_equivalent, effective_statement_count, statements_complete,
// missing_policies, service_control_policy_levels; can_assume and admin_path for users and
// roles; assumable_by for roles), less the statements, which are typed ([`crate::attributes`]).
// A map made at its size stays there, where one grown by insertion holds up to 28 slots of
// 112 bytes for a role's 20; the inventory keeps them all through evaluation. A miscount costs
// memory, never results.
const POLICY_KEYS: usize = 10;
const PRINCIPAL_KEYS: usize = 9;
const DERIVED_KEYS: usize = 5;
const USER_KEYS: usize = PRINCIPAL_KEYS + 1 + DERIVED_KEYS + 2;
const GROUP_KEYS: usize = PRINCIPAL_KEYS + DERIVED_KEYS;
const ROLE_KEYS: usize = PRINCIPAL_KEYS + 3 + DERIVED_KEYS + 3;

fn managed_policy<F: Fields>(cx: &Cx, entry: &F, ptr: &str) -> Result<Resource, NormalizeError> {
    let arn = required_str(entry, "Arn", ptr)?;
    let name = required_str(entry, "PolicyName", ptr)?;
    let default_id = entry.str("DefaultVersionId");
    let versions_ptr = pointer::join(ptr, "PolicyVersionList");
    let versions = entry.items("PolicyVersionList").unwrap_or_default();
    let policy_ref = PolicyRef {
        name: name.clone(),
        arn: Some(arn.clone()),
        kind: "managed".into(),
        via_group: None,
    };
    let mut attrs = AttributeMap::with_capacity(POLICY_KEYS);
    attrs.insert("arn", json!(arn));
    attrs.insert("path", entry.opt("Path"));
    attrs.insert("aws_managed", json!(is_aws_managed(&arn)));
    let attachment_count = entry.opt("AttachmentCount");
    let attached = attachment_count
        .as_u64()
        .map(|n| json!(n > 0))
        .unwrap_or(Value::Null);
    attrs.insert("attachment_count", attachment_count);
    attrs.insert("attached", attached);
    attrs.insert(
        "permissions_boundary_usage_count",
        entry.opt("PermissionsBoundaryUsageCount"),
    );
    attrs.insert("default_version_id", entry.opt("DefaultVersionId"));
    attrs.insert("version_count", json!(versions.len()));
    attrs.insert("create_date", entry.opt("CreateDate"));
    attrs.insert("update_date", entry.opt("UpdateDate"));
    let mut default_statements = None;
    for (i, version) in versions.iter().enumerate() {
        let is_default = version
            .value("IsDefaultVersion")
            .and_then(|v| v.as_bool())
            .unwrap_or(false)
            || (default_id.is_some() && version.str("VersionId") == default_id);
        if !is_default {
            continue;
        }
        let vptr = pointer::join_index(&versions_ptr, i);
        let statements = version
            .statements(
                "Document",
                &cx.source(&pointer::join(&vptr, "Document")),
                &policy_ref,
            )
            .ok_or_else(|| NormalizeError {
                pointer: vptr.clone(),
                message: "policy version has no Document".into(),
            })??;
        default_statements = Some(shared(statements));
        break;
    }
    // No default version in the export: the statements are unknown, not empty.
    let mut r = base_resource(cx, "aws.iam.policy", arn, name, ptr, attrs);
    r.typed.statements = default_statements.clone();
    r.facts.statements = default_statements;
    Ok(r)
}
/// Inline policies (`UserPolicyList` and friends): names plus their parsed statements.
fn inline_policies<F: Fields>(
    cx: &Cx,
    entry: &F,
    list: &str,
    ptr: &str,
) -> Result<(Vec<Value>, Vec<Statement>), NormalizeError> {
    let mut names = Vec::new();
    let mut statements = Vec::new();
    let list_ptr = pointer::join(ptr, list);
    for (i, p) in entry.items(list).unwrap_or_default().iter().enumerate() {
        let pptr = pointer::join_index(&list_ptr, i);
        let name = p.str("PolicyName");
        let name = name.as_deref().unwrap_or("(unnamed)");
        let policy_ref = PolicyRef {
            name: name.into(),
            arn: None,
            kind: "inline".into(),
            via_group: None,
        };
        let mut stmts = p
            .statements(
                "PolicyDocument",
                &cx.source(&pointer::join(&pptr, "PolicyDocument")),
                &policy_ref,
            )
            .ok_or_else(|| NormalizeError {
                pointer: pptr.clone(),
                message: "inline policy has no PolicyDocument".into(),
            })??;
        names.push(json!(name));
        statements.append(&mut stmts);
    }
    Ok((names, statements))
}

fn attached<F: Fields>(entry: &F) -> Vec<Value> {
    entry
        .items("AttachedManagedPolicies")
        .map(|list| {
            list.iter()
                .map(|p| {
                    // Made at its size: `json!` leaves room for a third key in each of these.
                    let mut m = Map::with_capacity(2);
                    m.insert("name".into(), p.opt("PolicyName"));
                    m.insert("arn".into(), p.opt("PolicyArn"));
                    Value::Object(m)
                })
                .collect()
        })
        .unwrap_or_default()
}

fn principal_common<F: Fields>(
    cx: &Cx,
    entry: &F,
    inline_list: &str,
    ptr: &str,
    attrs: &mut AttributeMap,
) -> Result<Vec<Statement>, NormalizeError> {
    let (inline_names, inline_statements) = inline_policies(cx, entry, inline_list, ptr)?;
    let attached = attached(entry);
    attrs.insert("path", entry.opt("Path"));
    attrs.insert("create_date", entry.opt("CreateDate"));
    attrs.insert("inline_policy_count", json!(inline_names.len()));
    attrs.insert("inline_policies", Value::Array(inline_names));
    attrs.insert("attached_policy_count", json!(attached.len()));
    attrs.insert("attached_policies", Value::Array(attached));
    attrs.insert(
        "permissions_boundary",
        entry
            .object("PermissionsBoundary")
            .and_then(|b| b.value("PermissionsBoundaryArn"))
            .unwrap_or(Value::Null),
    );
    if let Some(tags) = entry.value("Tags") {
        attrs.insert("tags", tags);
    }
    Ok(inline_statements)
}

fn user<F: Fields>(cx: &Cx, entry: &F, ptr: &str) -> Result<Resource, NormalizeError> {
    let arn = required_str(entry, "Arn", ptr)?;
    let name = required_str(entry, "UserName", ptr)?;
    let mut attrs = AttributeMap::with_capacity(USER_KEYS);
    attrs.insert("arn", json!(arn));
    let inline = principal_common(cx, entry, "UserPolicyList", ptr, &mut attrs)?;
    attrs.insert(
        "groups",
        entry.value("GroupList").unwrap_or(Value::Array(Vec::new())),
    );
    let mut r = base_resource(cx, "aws.iam.user", arn, name, ptr, attrs);
    r.facts.statements = Some(shared(inline));
    Ok(r)
}

fn group<F: Fields>(cx: &Cx, entry: &F, ptr: &str) -> Result<Resource, NormalizeError> {
    let arn = required_str(entry, "Arn", ptr)?;
    let name = required_str(entry, "GroupName", ptr)?;
    let mut attrs = AttributeMap::with_capacity(GROUP_KEYS);
    attrs.insert("arn", json!(arn));
    let inline = principal_common(cx, entry, "GroupPolicyList", ptr, &mut attrs)?;
    let mut r = base_resource(cx, "aws.iam.group", arn, name, ptr, attrs);
    r.facts.statements = Some(shared(inline));
    Ok(r)
}

fn role<F: Fields>(cx: &Cx, entry: &F, ptr: &str) -> Result<Resource, NormalizeError> {
    let arn = required_str(entry, "Arn", ptr)?;
    let name = required_str(entry, "RoleName", ptr)?;
    let mut attrs = AttributeMap::with_capacity(ROLE_KEYS);
    attrs.insert("arn", json!(arn));
    let inline = principal_common(cx, entry, "RolePolicyList", ptr, &mut attrs)?;
    let path = entry.str("Path");
    attrs.insert(
        "service_linked",
        json!(path
            .as_deref()
            .unwrap_or("/")
            .starts_with("/aws-service-role/")),
    );
    // Every role has a trust policy; an export without it leaves trust rules unknown, so the key
    // stays absent rather than null ("known to be empty").
    let policy_ref = PolicyRef {
        name: format!("{name} trust policy"),
        arn: None,
        kind: "trust".into(),
        via_group: None,
    };
    let mut trust = None;
    if let Some(stmts) = entry.statements(
        "AssumeRolePolicyDocument",
        &cx.source(&pointer::join(ptr, "AssumeRolePolicyDocument")),
        &policy_ref,
    ) {
        trust = Some(stmts?);
    }
    let profiles: Vec<Value> = entry
        .items("InstanceProfileList")
        .map(|l| l.iter().filter_map(|p| p.value("Arn")).collect())
        .unwrap_or_default();
    attrs.insert("instance_profiles", Value::Array(profiles));
    attrs.insert(
        "last_used",
        entry
            .object("RoleLastUsed")
            .and_then(|r| r.value("LastUsedDate"))
            .unwrap_or(Value::Null),
    );
    let mut r = base_resource(cx, "aws.iam.role", arn, name, ptr, attrs);
    r.facts.statements = Some(shared(inline));
    r.typed.trust_statements = trust;
    Ok(r)
}

/// `aws iam get-role`: one role and its trust policy, but none of its permission policies. The
/// policy attributes stay absent, so the inventory stage reports the role's permissions as not
/// exported (unknown) instead of taking "none listed" for "none". A trust policy that does not
/// parse (documentation examples carry placeholders) leaves the trust facts unknown, with a note.
pub fn lone_role(
    doc: &Value,
    file: &str,
    base: &str,
) -> Result<(Vec<Resource>, Vec<String>), NormalizeError> {
    let ptr = pointer::join(base, "Role");
    let entry = doc
        .get("Role")
        .and_then(Value::as_object)
        .ok_or_else(|| NormalizeError {
            pointer: ptr.clone(),
            message: "Role must be an object".into(),
        })?;
    let cx = Cx { file };
    let mut notes = Vec::new();
    let mut r = match role(&cx, &Tree(Some(entry)), &ptr) {
        Ok(r) => r,
        Err(e) => {
            notes.push(format!(
                "the trust policy at {} could not be read ({}), so trust rules are unknown for this role",
                e.pointer, e.message
            ));
            let mut without = entry.clone();
            without.remove("AssumeRolePolicyDocument");
            role(&cx, &Tree(Some(&without)), &ptr)?
        }
    };
    for key in [
        "inline_policies",
        "inline_policy_count",
        "attached_policies",
        "attached_policy_count",
        "statements",
    ] {
        r.remove_attribute(key);
    }
    // No facts, so that merging this fragment with an authorization-details entry of the same
    // role takes that entry's facts.
    r.facts.statements = None;
    if !entry.contains_key("PermissionsBoundary") {
        r.attributes.remove("permissions_boundary");
    }
    Ok((vec![r], notes))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// [`normalize_text`]'s resources.
    fn text_resources(text: &str, file: &str) -> Option<Result<Vec<Resource>, NormalizeError>> {
        normalize_text(text, file).map(|read| read.map(|(resources, _)| resources))
    }

    fn normalize_members(
        text: &str,
        file: &str,
        base: &str,
    ) -> Result<Vec<Resource>, NormalizeError> {
        let lists = pointer::members(text)
            .expect("object")
            .into_iter()
            .map(|(k, raw)| (k, List::unsplit(raw)))
            .collect();
        normalize_lists(lists, file, base).map(|(resources, _)| resources)
    }

    #[test]
    fn normalises_each_list_with_pointers() {
        let doc = json!({
            "UserDetailList": [{"UserName": "alice", "Arn": "arn:aws:iam::123456789012:user/alice", "GroupList": ["admins"],
                "UserPolicyList": [{"PolicyName": "p", "PolicyDocument": "%7B%22Statement%22%3A%5B%5D%7D"}]}],
            "GroupDetailList": [], "RoleDetailList": [{"RoleName": "r", "Arn": "arn:aws:iam::123456789012:role/r", "Path": "/aws-service-role/x/",
                "AssumeRolePolicyDocument": {"Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}}],
            "Policies": [{"PolicyName": "AdministratorAccess", "Arn": "arn:aws:iam::aws:policy/AdministratorAccess", "AttachmentCount": 1, "DefaultVersionId": "v1",
                "PolicyVersionList": [{"VersionId": "v1", "IsDefaultVersion": true, "Document": {"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}}]}]
        });
        let rs = normalize(&doc, "authz.json", "").expect("normalises");
        let kinds: Vec<_> = rs.iter().map(|r| r.kind.as_str()).collect();
        assert_eq!(
            kinds,
            vec!["aws.iam.policy", "aws.iam.user", "aws.iam.role"]
        );
        assert_eq!(
            rs[0].account, None,
            "AWS-managed policies belong to no customer account"
        );
        assert_eq!(rs[0].attributes["aws_managed"], json!(true));
        assert_eq!(
            rs[0].all_attributes()["statements"][0]["source"]["pointer"],
            json!("/Policies/0/PolicyVersionList/0/Document/Statement/0")
        );
        assert_eq!(rs[1].source.pointer, "/UserDetailList/0");
        assert_eq!(rs[1].account.as_deref(), Some("123456789012"));
        assert_eq!(rs[2].attributes["service_linked"], json!(true));
    }

    /// The text path reads every shape exactly as the tree path does: fields that are not
    /// objects or arrays, versions that are not objects, a version picked by DefaultVersionId,
    /// repeated and escaped keys, a missing document.
    #[test]
    fn text_reads_as_the_tree() {
        let doc = r#"{
            "Policies": [{"PolicyName": "p", "Arn": "arn:aws:iam::123456789012:policy/p", "AttachmentCount": 0,
                "DefaultVersionId": "v2", "PolicyVersionList": [7, {"VersionId": "v1", "Document": {"Statement": []}},
                {"VersionId": "v2", "Document": "%7B%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22s3%3A*%22%2C%22Resource%22%3A%22*%22%7D%5D%7D"}]},
                {"PolicyName": "q", "Arn": "arn:aws:iam::aws:policy/q", "PolicyVersionList": "none"}],
            "UserDetailList": [{"UserName": "a\u006c\"ice", "Arn": "arn:aws:iam::123456789012:user/alice", "Path": "/x/", "Path": "/y/",
                "UserPolicyList": [{"PolicyDocument": {"Statement": {"Effect": "Deny", "Action": "*", "Resource": "*"}}}],
                "AttachedManagedPolicies": [{"PolicyArn": "arn:aws:iam::123456789012:policy/p"}, "x"],
                "PermissionsBoundary": "none", "Tags": [{"Key": "k", "Value": "v"}]}],
            "RoleDetailList": [{"RoleName": "r", "Arn": "arn:aws:iam::123456789012:role/r", "Path": 3,
                "PermissionsBoundary": {"PermissionsBoundaryArn": "arn:aws:iam::123456789012:policy/p"},
                "InstanceProfileList": [{"Arn": "arn:aws:iam::123456789012:instance-profile/r"}, {}],
                "RoleLastUsed": {}, "AssumeRolePolicyDocument": {"Statement": [{"Effect": "Allow",
                "Principal": {"AWS": ["arn:aws:iam::210987654321:root"]}, "Action": "sts:AssumeRole"}]}}],
            "GroupDetailList": []
        }"#;
        let tree: Value = serde_json::from_str(doc).expect("json");
        let want = normalize(&tree, "f.json", "/b").expect("tree reads it");
        assert_eq!(normalize_members(doc, "f.json", "/b"), Ok(want.clone()));
        assert_eq!(want.len(), 4);
        assert_eq!(want[2].attributes["path"], json!("/y/"));
        let streamed = text_resources(doc, "f.json")
            .expect("plain export")
            .expect("reads");
        assert_eq!(streamed, normalize(&tree, "f.json", "").expect("tree"));
        assert!(matches!(checked_lists(doc), Checked::Lists(_)));

        // A number with an exponent is left to serde_json to judge, then read by the plain split.
        let unusual = doc.replace("\"AttachmentCount\": 0", "\"AttachmentCount\": 0e0");
        assert!(matches!(checked_lists(&unusual), Checked::Unsure));
        let tree: Value = serde_json::from_str(&unusual).expect("json");
        assert_eq!(
            text_resources(&unusual, "f.json").expect("plain export"),
            normalize(&tree, "f.json", "")
        );
        // Another document is known not to be an export at its first other member.
        assert!(matches!(
            checked_lists(r#"{"format": "x", "outputs": [1e400, ]}"#),
            Checked::NotPlain
        ));
        assert!(matches!(checked_lists("[1, 2]"), Checked::NotPlain));

        let not_array = r#"{"UserDetailList": [], "RoleDetailList": {"x": 1}}"#;
        let tree: Value = serde_json::from_str(not_array).expect("json");
        assert_eq!(
            normalize_members(not_array, "f", ""),
            normalize(&tree, "f", "")
        );
        assert!(text_resources(not_array, "f").is_none());
        for bad in [
            r#"{"RoleDetailList": [{"RoleName": "r", "Arn": "arn:aws:iam::123456789012:role/r"}, 3]}"#,
            r#"{"RoleDetailList": [{"RoleName": "r", "Arn": "arn:aws:iam::123456789012:role/r", "AssumeRolePolicyDocument": {"Statement": 3}}]}"#,
            r#"{"Policies": [{"PolicyName": "p", "Arn": "a", "PolicyVersionList": [{"IsDefaultVersion": true}]}]}"#,
            r#"{"UserDetailList": [{"UserName": "u", "Arn": 7}]}"#,
            r#"{"UserDetailList": [{"UserName": "u", "Arn": "arn:aws:iam::123456789012:user/u", "UserPolicyList": [5]}]}"#,
        ] {
            let tree: Value = serde_json::from_str(bad).expect("json");
            let err = normalize(&tree, "f", "").expect_err(bad);
            assert_eq!(normalize_members(bad, "f", ""), Err(err), "{bad}");
        }
        assert!(
            text_resources(
                r#"{"UserDetailList": [], "RoleDetailList": [], "x": [1e400]}"#,
                "f"
            )
            .is_none(),
            "not a plain export"
        );
        assert!(
            text_resources(r#"{"UserDetailList": [], "RoleDetailList": [1e400]}"#, "f").is_none(),
            "left to the tree path, which reports the number"
        );
    }

    /// The capacities the attribute maps are made with cover what normalisation and derivation
    /// give each kind (a larger count only costs memory, but the constants should say so).
    #[test]
    fn attribute_maps_are_made_at_their_final_size() {
        let doc = r#"{
            "Policies": [{"PolicyName": "p", "Arn": "arn:aws:iam::123456789012:policy/p", "Path": "/", "AttachmentCount": 2,
                "PermissionsBoundaryUsageCount": 1, "DefaultVersionId": "v1", "CreateDate": "2024-01-01T00:00:00Z", "UpdateDate": "2024-01-01T00:00:00Z",
                "PolicyVersionList": [{"VersionId": "v1", "IsDefaultVersion": true, "Document": {"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}}]}],
            "UserDetailList": [{"UserName": "u", "Arn": "arn:aws:iam::123456789012:user/u", "Path": "/", "CreateDate": "2024-01-01T00:00:00Z",
                "GroupList": ["g"], "AttachedManagedPolicies": [{"PolicyName": "p", "PolicyArn": "arn:aws:iam::123456789012:policy/p"}],
                "PermissionsBoundary": {"PermissionsBoundaryArn": "arn:aws:iam::123456789012:policy/p"}, "Tags": [{"Key": "k", "Value": "v"}]}],
            "GroupDetailList": [{"GroupName": "g", "Arn": "arn:aws:iam::123456789012:group/g", "Path": "/", "CreateDate": "2024-01-01T00:00:00Z",
                "GroupPolicyList": [], "AttachedManagedPolicies": []}],
            "RoleDetailList": [{"RoleName": "r", "Arn": "arn:aws:iam::123456789012:role/r", "Path": "/", "CreateDate": "2024-01-01T00:00:00Z",
                "AssumeRolePolicyDocument": {"Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:user/u"}, "Action": "sts:AssumeRole"}]},
                "RolePolicyList": [], "AttachedManagedPolicies": [{"PolicyName": "p", "PolicyArn": "arn:aws:iam::123456789012:policy/p"}],
                "PermissionsBoundary": {"PermissionsBoundaryArn": "arn:aws:iam::123456789012:policy/other"}, "Tags": [],
                "InstanceProfileList": [], "RoleLastUsed": {"LastUsedDate": "2024-01-01T00:00:00Z"}}]
        }"#;
        let inv = crate::analyze::build_inventory(&[crate::Input::new("authz.json", doc)]);
        assert_eq!(inv.resources.len(), 4);
        for r in &inv.resources {
            let keys = match r.kind.as_str() {
                "aws.iam.policy" => POLICY_KEYS,
                "aws.iam.user" => USER_KEYS,
                "aws.iam.group" => GROUP_KEYS,
                _ => ROLE_KEYS,
            };
            // Without an Organizations export there are no SCP levels, one key fewer.
            let expected = keys - usize::from(r.kind != "aws.iam.policy");
            let mut names: Vec<&str> = r.attributes.keys().collect();
            names.sort();
            assert!(r.attributes.len() <= expected, "{}: {names:?}", r.kind);
        }
    }

    /// Trust statements kept typed, and the same read back as a JSON attribute (a resource
    /// read back from a serialised inventory), give the same assumption graph.
    #[test]
    fn typed_trust_is_what_the_attribute_reads_back_as() {
        use crate::attributes::TRUST_STATEMENTS;
        let trust = |principal: Value| json!({"Statement": [{"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}]});
        let doc = json!({
            "UserDetailList": [{"UserName": "u", "Arn": "arn:aws:iam::123456789012:user/u",
                "UserPolicyList": [{"PolicyName": "assume", "PolicyDocument": {"Statement": [
                    {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}]}}]}],
            "RoleDetailList": [
                {"RoleName": "admin", "Arn": "arn:aws:iam::123456789012:role/admin",
                 "AssumeRolePolicyDocument": trust(json!({"AWS": "arn:aws:iam::123456789012:root"})),
                 "RolePolicyList": [{"PolicyName": "all", "PolicyDocument": {"Statement": [
                     {"Effect": "Allow", "Action": "*", "Resource": "*"}]}}]},
                {"RoleName": "other", "Arn": "arn:aws:iam::123456789012:role/other",
                 "AssumeRolePolicyDocument": trust(json!({"AWS": ["arn:aws:iam::111122223333:root",
                     "arn:aws:iam::123456789012:user/u"]}))}],
            "Policies": []
        });
        let derived = |edit: &dyn Fn(&mut Vec<Resource>)| {
            let mut rs = normalize(&doc, "authz.json", "").expect("normalises");
            assert!(rs.iter().filter(|r| r.kind == "aws.iam.role").all(|r| r
                .typed
                .trust_statements
                .is_some()
                && !r.attributes.contains_key(TRUST_STATEMENTS)));
            edit(&mut rs);
            crate::derive::derive(&mut rs);
            rs.iter()
                .map(|r| r.all_attributes().into_owned())
                .collect::<Vec<_>>()
        };
        let typed = derived(&|_| {});
        let user = &typed[0];
        assert!(user["can_assume"]
            .as_array()
            .is_some_and(|l| l.contains(&"arn:aws:iam::123456789012:role/other".into())));
        assert!(user.contains_key("admin_path"), "{user:?}");
        assert_eq!(
            typed[2][TRUST_STATEMENTS][0]["principals"][0]["other_account"],
            json!(true)
        );
        let as_json = |rs: &mut Vec<Resource>| {
            for r in rs.iter_mut() {
                if let Some(v) = r.typed.render(TRUST_STATEMENTS) {
                    r.typed.trust_statements = None;
                    r.attributes.insert(TRUST_STATEMENTS, v);
                }
            }
        };
        assert_eq!(derived(&as_json), typed);
    }

    /// Runs of entries read on several threads come back in order, and of two bad entries in
    /// different runs the earlier is the error, as when they were read one by one.
    #[test]
    fn entries_read_in_runs_keep_their_order_and_first_error() {
        let role = |i: usize| {
            format!(r#"{{"RoleName": "r{i}", "Arn": "arn:aws:iam::123456789012:role/r{i}"}}"#)
        };
        let roles: Vec<String> = (0..ENTRIES_PER_RUN * 3 + 5).map(role).collect();
        // The export's text, what the text path reads from it, and what the tree path does.
        let read = |roles: &[String]| {
            let doc = format!(
                r#"{{"UserDetailList": [], "RoleDetailList": [{}]}}"#,
                roles.join(",")
            );
            let tree: Value = serde_json::from_str(&doc).expect("json");
            let text = text_resources(&doc, "f").expect("plain export");
            (text, normalize(&tree, "f", ""))
        };
        let (text, tree) = read(&roles);
        let text = text.expect("reads");
        assert_eq!(Ok(text.clone()), tree);
        assert_eq!(text.len(), roles.len());
        assert_eq!(
            text[ENTRIES_PER_RUN * 2 + 1].source.pointer,
            format!("/RoleDetailList/{}", ENTRIES_PER_RUN * 2 + 1)
        );

        let mut bad = roles.clone();
        bad[ENTRIES_PER_RUN * 2 + 3] = "7".into();
        bad[ENTRIES_PER_RUN + 1] = r#"{"RoleName": "x"}"#.into();
        let (text, tree) = read(&bad);
        let err = text.expect_err("bad");
        assert_eq!(
            err.pointer,
            format!("/RoleDetailList/{}", ENTRIES_PER_RUN + 1)
        );
        assert_eq!(tree, Err(err));
    }

    #[test]
    fn missing_arn_is_located() {
        let err = normalize(&json!({"RoleDetailList": [{"RoleName": "x"}]}), "f", "")
            .expect_err("no arn");
        assert_eq!(err.pointer, "/RoleDetailList/0");
        assert!(err.message.contains("Arn"));
    }
}
