//! The resource model every format normalises into, and the vocabulary of outcomes.

use crate::attr_value::AttrValue;
use crate::attribute_map::{intern, share, AttributeMap, Key, SharedTexts};
use crate::attributes::Typed;
use crate::iam::grant::{Permissions, ScpLevel, ServiceIndex};
use crate::iam::policy::Statement;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

/// Typed facts kept beside the JSON attributes for the checks that need them many times per
/// resource (IAM evaluation). Holding them typed avoids re-parsing JSON on every rule.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Facts {
    /// A managed policy's default-version statements, or a principal's own inline statements.
    /// Each one shared, so principals holding the policy point at it rather than copy it.
    pub statements: Option<Arc<Vec<Arc<Statement>>>>,
    /// A principal's effective statements: inline, attached, and inherited through groups.
    /// `None` until the inventory stage has resolved them.
    /// Shared with the policies and groups they come from rather than copied per principal.
    pub effective: Option<Arc<Vec<Arc<Statement>>>>,
    /// The permissions boundary's statements, when the principal has a boundary and the export
    /// holds that policy.
    pub boundary: Option<Arc<Vec<Arc<Statement>>>>,
    /// Service indices of `effective` and `boundary`, built once with them.
    pub effective_index: Option<Arc<ServiceIndex>>,
    pub boundary_index: Option<Arc<ServiceIndex>>,
    /// The service control policies between the organisation root and the principal's account,
    /// when an Organizations export covers that account; shared by its principals.
    pub scps: Option<Arc<Vec<ScpLevel>>>,
}

impl Facts {
    /// The principal's permissions (boundary and SCPs included) over the cached indices, or
    /// `None` when the inventory stage has not resolved its statements.
    pub fn permissions(&self) -> Option<Permissions<'_, Arc<Statement>>> {
        let effective = (
            self.effective.as_deref()?.as_slice(),
            self.effective_index.as_deref()?,
        );
        let boundary = match (&self.boundary, &self.boundary_index) {
            (Some(b), Some(i)) => Some((b.as_slice(), &**i)),
            _ => None,
        };
        let scps = self.scps.as_deref().map(Vec::as_slice).unwrap_or_default();
        Some(Permissions::with_indices(effective, boundary).with_scps(scps))
    }
}

thread_local! {
    /// File names seen on this thread (see [`shared_file`]).
    static FILES: SharedTexts = SharedTexts::default();
}

/// The shared copy of the file name `name`. Per thread, as attribute names are; an analysis
/// reads a few files, or a few thousand at most.
pub fn shared_file(name: &str) -> Arc<str> {
    share(&FILES, 4096, name)
}

/// Where a fact came from: the input file and the JSON pointer inside it, so that an auditor can
/// find the exact fragment in the export they were handed.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Source {
    /// Shared (see [`shared_file`]): every statement, resource and piece of evidence names its
    /// file, and a copy each was 3 to 6 MB of the 100 MB exports' peaks.
    pub file: Arc<str>,
    pub pointer: String,
}

/// Where a resource's attributes merged in from other outputs came from, by attribute name, in
/// name order (as they serialise). A `BTreeMap` gave even one entry a node with room for eleven
/// (about 800 bytes): 12 MB of the 100 MB bundle's inventory. Most resources have none, the
/// others one to three, so a sorted list is as quick to search.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Sources {
    entries: Vec<(Key, Source)>,
}

impl Sources {
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn get(&self, key: &str) -> Option<&Source> {
        let i = self
            .entries
            .binary_search_by(|(k, _)| (**k).cmp(key))
            .ok()?;
        Some(&self.entries[i].1)
    }

    /// Sets where `key` came from; what it replaced.
    pub fn insert(&mut self, key: &str, source: Source) -> Option<Source> {
        match self.entries.binary_search_by(|(k, _)| (**k).cmp(key)) {
            Ok(i) => Some(std::mem::replace(&mut self.entries[i].1, source)),
            Err(i) => {
                self.entries.insert(i, (intern(key), source));
                None
            }
        }
    }

    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&str, &Source)> + '_ {
        self.entries.iter().map(|(k, s)| (&**k, s))
    }
}

impl Serialize for Sources {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.iter())
    }
}

impl<'de> Deserialize<'de> for Sources {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Sources, D::Error> {
        let map = std::collections::BTreeMap::<String, Source>::deserialize(deserializer)?;
        Ok(Sources {
            entries: map.into_iter().map(|(k, s)| (intern(&k), s)).collect(),
        })
    }
}

/// One cloud resource, whatever export it came from.
///
/// Serialised by hand (see [`ResourceOut`]) so that the typed attributes appear among the
/// attributes; read back, they land in `attributes` as JSON, which every reader accepts too.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Resource {
    pub provider: String,
    /// Dotted kind, e.g. `aws.iam.role`; rules select resources by it.
    pub kind: String,
    /// Globally unique id: an ARN, an Azure resource id or a GCP full name.
    pub id: String,
    pub name: String,
    pub account: Option<String>,
    pub region: Option<String>,
    /// Normalised attributes. A key that is absent means "the export does not say"; an explicit
    /// `null` means "known to be absent". Rules rely on that difference.
    /// Read them through [`Resource::attribute`] or [`Resource::all_attributes`], which see
    /// the typed ones too.
    pub attributes: AttributeMap,
    /// Attributes kept typed rather than as JSON ([`crate::attributes`]).
    #[serde(skip)]
    pub typed: Typed,
    pub source: Source,
    /// Where attributes merged in from other outputs came from (a bucket's `policy` from
    /// `get-bucket-policy`, its `acl` from `get-bucket-acl`), by top-level attribute name.
    /// Attributes not listed here came from `source`.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub sources: Sources,
    #[serde(skip)]
    pub facts: Facts,
}

impl Resource {
    /// The attribute `key`, typed ones rendered as JSON.
    pub fn attribute(&self, key: &str) -> Option<Cow<'_, AttrValue>> {
        match self.attributes.get(key) {
            Some(v) => Some(Cow::Borrowed(v)),
            None => self.typed.render(key).map(Cow::Owned),
        }
    }

    pub fn has_attribute(&self, key: &str) -> bool {
        self.attributes.contains_key(key) || self.typed.has(key)
    }

    /// Every attribute as JSON, the typed ones after the others: what the resource serialises
    /// as. Borrowed unless it has typed ones.
    pub fn all_attributes(&self) -> Cow<'_, AttributeMap> {
        if self.typed == Typed::default() {
            return Cow::Borrowed(&self.attributes);
        }
        let mut all = self.attributes.clone();
        for key in self.typed.keys() {
            if let Some(v) = self.typed.render(key) {
                all.insert(key, v);
            }
        }
        Cow::Owned(all)
    }

    /// Drops the attribute `key`, typed or not.
    pub fn remove_attribute(&mut self, key: &str) {
        self.attributes.remove(key);
        self.typed.remove(key);
    }

    /// The export location of the attribute at a dotted `path`.
    pub fn source_of(&self, path: &str) -> &Source {
        let top = path.split('.').next().unwrap_or(path);
        self.sources.get(top).unwrap_or(&self.source)
    }

    /// Folds another fragment of the same resource into this one. Attributes already known are
    /// kept (the first export to state a fact wins; fragments of one resource state disjoint
    /// facts), new ones are added with their provenance. Returns whether anything was added.
    pub fn merge(&mut self, mut other: Resource) -> bool {
        let mut added = false;
        let provenance = |this: &mut Resource, other: &Resource, key: &str| {
            let src = other.sources.get(key).unwrap_or(&other.source);
            if *src != this.source {
                this.sources.insert(key, src.clone());
            }
        };
        for key in Typed::KEYS {
            if other.typed.has(key) && !self.has_attribute(key) {
                provenance(self, &other, key);
                self.typed.adopt(&mut other.typed, key);
                added = true;
            }
        }
        for (key, value) in std::mem::take(&mut other.attributes) {
            if self.has_attribute(&key) {
                continue;
            }
            provenance(self, &other, &key);
            self.attributes.insert(key, value);
            added = true;
        }
        if self.facts == Facts::default() && other.facts != Facts::default() {
            self.facts = other.facts;
            added = true;
        }
        if self.account.is_none() {
            self.account = other.account;
        }
        if self.region.is_none() {
            self.region = other.region;
        }
        added
    }
}

/// How a [`Resource`] serialises: as derived, with the typed attributes rendered among the
/// others.
#[derive(Serialize)]
struct ResourceOut<'a> {
    provider: &'a str,
    kind: &'a str,
    id: &'a str,
    name: &'a str,
    account: &'a Option<String>,
    region: &'a Option<String>,
    attributes: AttributesOut<'a>,
    source: &'a Source,
    #[serde(skip_serializing_if = "no_sources")]
    sources: &'a Sources,
}

fn no_sources(s: &&Sources) -> bool {
    s.is_empty()
}

/// A resource's attributes as [`Resource::all_attributes`] gives them, written without the copy.
struct AttributesOut<'a>(&'a Resource);

impl Serialize for AttributesOut<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let r = self.0;
        let typed: Vec<&str> = r.typed.keys().collect();
        let mut map = serializer.serialize_map(Some(r.attributes.len() + typed.len()))?;
        for (k, v) in &r.attributes {
            map.serialize_entry(k, v)?;
        }
        for key in typed {
            map.serialize_entry(key, &r.typed.render(key))?;
        }
        map.end()
    }
}

impl Serialize for Resource {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        ResourceOut {
            provider: &self.provider,
            kind: &self.kind,
            id: &self.id,
            name: &self.name,
            account: &self.account,
            region: &self.region,
            attributes: AttributesOut(self),
            source: &self.source,
            sources: &self.sources,
        }
        .serialize(serializer)
    }
}

/// Three-valued result of one rule on one resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Fail,
    Unknown,
    Pass,
    NotApplicable,
}

impl Outcome {
    pub const ALL: [Outcome; 4] = [
        Outcome::Fail,
        Outcome::Unknown,
        Outcome::Pass,
        Outcome::NotApplicable,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Fail => "fail",
            Outcome::Unknown => "unknown",
            Outcome::Pass => "pass",
            Outcome::NotApplicable => "not_applicable",
        }
    }

    pub fn parse(s: &str) -> Option<Outcome> {
        Outcome::ALL.into_iter().find(|o| o.as_str() == s)
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Severity, ordered from most to least severe so that sorting puts critical first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Critical,
    High,
    Medium,
    Low,
    Info,
}

impl Severity {
    pub const ALL: [Severity; 5] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Critical => "critical",
            Severity::High => "high",
            Severity::Medium => "medium",
            Severity::Low => "low",
            Severity::Info => "info",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        let lower = s.to_ascii_lowercase();
        Severity::ALL.into_iter().find(|v| v.as_str() == lower)
    }

    /// True when `self` is at least as severe as `threshold`.
    pub fn at_least(self, threshold: Severity) -> bool {
        self <= threshold
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A concrete fact behind an outcome: the offending (or missing) value and where it sits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    pub file: std::sync::Arc<str>,
    /// JSON pointer into `file` of the fragment shown in `value`.
    pub pointer: String,
    /// The attribute path inside the normalised resource that the rule looked at.
    pub path: String,
    /// The fragment itself (absent for "the export does not contain this"). Shared: most
    /// fragments are cited by several findings (a policy statement by each rule it breaks, a
    /// managed policy by each role it is attached to), and the report holds one copy of each.
    /// Serialised as the value itself.
    pub value: Option<std::sync::Arc<Value>>,
    /// Shared for the same reason: a rule's note is mostly the same on every resource.
    pub note: std::sync::Arc<str>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(pointer: &str) -> Source {
        Source {
            file: "f.json".into(),
            pointer: pointer.into(),
        }
    }

    /// Sources read, replace and serialise as the map they replaced did: by name, sorted.
    #[test]
    fn sources_are_a_sorted_map() {
        let mut s = Sources::default();
        assert!(s.is_empty() && s.get("acl").is_none());
        assert_eq!(s.insert("policy", at("/p")), None);
        assert_eq!(s.insert("acl", at("/a")), None);
        assert_eq!(s.insert("logging", at("/l")), None);
        assert_eq!(s.insert("acl", at("/a2")), Some(at("/a")));
        assert_eq!(s.len(), 3);
        assert_eq!(s.get("acl"), Some(&at("/a2")));
        assert_eq!(s.get("nope"), None);
        let map: std::collections::BTreeMap<&str, &Source> = s.iter().collect();
        let text = serde_json::to_string(&s).expect("serialises");
        assert_eq!(text, serde_json::to_string(&map).expect("serialises"));
        assert_eq!(
            s.iter().map(|(k, _)| k).collect::<Vec<_>>(),
            ["acl", "logging", "policy"]
        );
        let back: Sources = serde_json::from_str(&text).expect("reads back");
        assert_eq!(back, s);
    }
}
