//! A resource's JSON attributes: an ordered list of entries with interned names.
//!
//! `serde_json::Map` (ordered, as this crate builds it) keeps each entry in a 112-byte slot
//! beside a hash index, with its name in a heap string of its own: for the dozen or so
//! attributes of a typical resource that was 1.9 KB a resource, the largest single part of the
//! inventory (21 of 75 MB on the 5k-role export, 23 of 72 MB on the 10 MB bundle). Here an entry
//! is its value (a compact [`AttrValue`], 24 bytes) and a shared name, nothing else. A resource
//! has a few dozen attributes at most, so finding one by comparing names (most differ in length)
//! costs no more than hashing it.

use crate::attr_value::AttrValue;
use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;
use std::cell::RefCell;
use std::collections::HashSet;
use std::fmt;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::Arc;

/// An attribute's name, shared by every resource that has the attribute.
pub type Key = Arc<str>;

/// Texts one thread shares: see [`share`].
#[derive(Default)]
pub struct SharedTexts(RefCell<HashSet<Arc<str>, BuildHasherDefault<NameHasher>>>);

thread_local! {
    /// Names seen on this thread. Attribute names are the normalisers' own small vocabulary (a
    /// few hundred), but a resource read back from a file may bring any.
    static NAMES: SharedTexts = SharedTexts::default();
}

/// How many names one thread shares at most.
const SHARED_NAMES: usize = 4096;

/// The shared copy of `name`.
pub fn intern(name: &str) -> Key {
    share(&NAMES, SHARED_NAMES, name)
}

/// The copy of `text` shared through `set`. Per thread, so that normalising files in parallel
/// takes no lock. Past `cap` texts a text is not shared, so that the set, which lives as long
/// as its thread, stays small whatever a file brings.
pub fn share(set: &'static std::thread::LocalKey<SharedTexts>, cap: usize, text: &str) -> Arc<str> {
    set.with(|set| {
        let mut set = set.0.borrow_mut();
        if let Some(shared) = set.get(text) {
            return shared.clone();
        }
        let shared: Arc<str> = Arc::from(text);
        if set.len() < cap {
            set.insert(shared.clone());
        }
        shared
    })
}

/// Hashes a text with [`crate::word_hash`]. Every attribute a normaliser sets is interned, and
/// SipHash made that 2.6 % of the 10 MB bundle's instructions.
#[derive(Default)]
struct NameHasher(u64);

impl Hasher for NameHasher {
    fn write(&mut self, bytes: &[u8]) {
        self.0 = crate::word_hash::mix_bytes(self.0, bytes, 0);
    }

    fn write_u8(&mut self, byte: u8) {
        self.0 = crate::word_hash::mix(self.0, u64::from(byte));
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// Attributes in the order they were first set, as the normaliser wrote them and as they
/// serialise.
#[derive(Clone, Default)]
pub struct AttributeMap {
    entries: Vec<(Key, AttrValue)>,
}

impl AttributeMap {
    pub fn new() -> AttributeMap {
        AttributeMap::default()
    }

    pub fn with_capacity(n: usize) -> AttributeMap {
        AttributeMap {
            entries: Vec::with_capacity(n),
        }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    fn position(&self, key: &str) -> Option<usize> {
        self.entries.iter().position(|(k, _)| &**k == key)
    }

    pub fn get(&self, key: &str) -> Option<&AttrValue> {
        self.position(key).map(|i| &self.entries[i].1)
    }

    pub fn get_mut(&mut self, key: &str) -> Option<&mut AttrValue> {
        self.position(key).map(|i| &mut self.entries[i].1)
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.position(key).is_some()
    }

    /// Sets `key`, in place when it is already set (keeping its position); the value it
    /// replaced.
    pub fn insert(
        &mut self,
        key: impl AsRef<str>,
        value: impl Into<AttrValue>,
    ) -> Option<AttrValue> {
        let key = key.as_ref();
        let value = value.into();
        match self.position(key) {
            Some(i) => Some(std::mem::replace(&mut self.entries[i].1, value)),
            None => {
                self.entries.push((intern(key), value));
                None
            }
        }
    }

    /// Drops `key`, keeping the others in their order; the value it had.
    pub fn remove(&mut self, key: &str) -> Option<AttrValue> {
        let i = self.position(key)?;
        Some(self.entries.remove(i).1)
    }

    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&str, &AttrValue)> + '_ {
        self.entries.iter().map(|(k, v)| (&**k, v))
    }

    pub fn iter_mut(&mut self) -> impl ExactSizeIterator<Item = (&str, &mut AttrValue)> + '_ {
        self.entries.iter_mut().map(|(k, v)| (&**k, v))
    }

    pub fn keys(&self) -> impl ExactSizeIterator<Item = &str> + '_ {
        self.entries.iter().map(|(k, _)| &**k)
    }

    pub fn values(&self) -> impl ExactSizeIterator<Item = &AttrValue> + '_ {
        self.entries.iter().map(|(_, v)| v)
    }

    /// Gives back what growing left over: the inventory keeps every resource to the end.
    pub fn shrink_to_fit(&mut self) {
        self.entries.shrink_to_fit();
    }

    /// A JSON object of the same members, in the same order.
    pub fn to_json(&self) -> serde_json::Map<String, Value> {
        self.iter()
            .map(|(k, v)| (k.to_string(), v.to_json()))
            .collect()
    }
}

/// Equal when they hold the same members, in whatever order, as `serde_json::Map` compares:
/// two exports of one resource (CLI and Config) name its attributes in their own order.
impl PartialEq for AttributeMap {
    fn eq(&self, other: &AttributeMap) -> bool {
        self.len() == other.len() && self.iter().all(|(k, v)| other.get(k) == Some(v))
    }
}

impl fmt::Debug for AttributeMap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

/// `attributes["name"]`, for tests: panics when the attribute is not set, as
/// `serde_json::Map` does.
impl std::ops::Index<&str> for AttributeMap {
    type Output = AttrValue;

    fn index(&self, key: &str) -> &AttrValue {
        match self.get(key) {
            Some(v) => v,
            None => panic!("no attribute {key:?}"),
        }
    }
}

impl<K: AsRef<str>, V: Into<AttrValue>> Extend<(K, V)> for AttributeMap {
    fn extend<I: IntoIterator<Item = (K, V)>>(&mut self, iter: I) {
        for (k, v) in iter {
            self.insert(k, v);
        }
    }
}

impl<K: AsRef<str>, V: Into<AttrValue>> FromIterator<(K, V)> for AttributeMap {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> AttributeMap {
        let mut map = AttributeMap::new();
        map.extend(iter);
        map
    }
}

/// The members of a JSON object, which has no repeated names.
impl From<serde_json::Map<String, Value>> for AttributeMap {
    fn from(map: serde_json::Map<String, Value>) -> AttributeMap {
        AttributeMap {
            entries: map
                .into_iter()
                .map(|(k, v)| (intern(&k), AttrValue::from(v)))
                .collect(),
        }
    }
}

impl IntoIterator for AttributeMap {
    type Item = (Key, AttrValue);
    type IntoIter = std::vec::IntoIter<(Key, AttrValue)>;

    fn into_iter(self) -> Self::IntoIter {
        self.entries.into_iter()
    }
}

impl<'a> IntoIterator for &'a AttributeMap {
    type Item = (&'a str, &'a AttrValue);
    type IntoIter = std::iter::Map<
        std::slice::Iter<'a, (Key, AttrValue)>,
        fn(&'a (Key, AttrValue)) -> (&'a str, &'a AttrValue),
    >;

    fn into_iter(self) -> Self::IntoIter {
        self.entries.iter().map(|(k, v)| (&**k, v))
    }
}

impl Serialize for AttributeMap {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.len()))?;
        for (k, v) in self {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for AttributeMap {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<AttributeMap, D::Error> {
        struct Members;
        impl<'de> Visitor<'de> for Members {
            type Value = AttributeMap;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON object of attributes")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<AttributeMap, A::Error> {
                let mut map = AttributeMap::new();
                while let Some((k, v)) = access.next_entry::<std::borrow::Cow<str>, AttrValue>()? {
                    map.insert(k, v);
                }
                Ok(map)
            }
        }
        deserializer.deserialize_map(Members)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn map(v: Value) -> AttributeMap {
        match v {
            Value::Object(m) => m.into(),
            _ => AttributeMap::new(),
        }
    }

    #[test]
    fn keeps_order_replaces_in_place_and_removes_without_reordering() {
        let mut m = map(json!({"b": 1, "a": 2, "c": 3}));
        assert_eq!(m.insert("a", json!(20)), Some(json!(2).into()));
        assert_eq!(m.insert("d", json!(4)), None);
        assert_eq!(m.keys().collect::<Vec<_>>(), ["b", "a", "c", "d"]);
        assert_eq!(m.remove("b"), Some(json!(1).into()));
        assert_eq!(m.remove("b"), None);
        assert_eq!(m.keys().collect::<Vec<_>>(), ["a", "c", "d"]);
        assert_eq!(m["a"], json!(20));
        assert!(m.contains_key("c") && !m.contains_key("b"));
    }

    #[test]
    fn serialises_as_the_json_object_in_order_and_reads_back() {
        let m = map(json!({"z": [1, {"y": null}], "a": "x"}));
        let text = serde_json::to_string(&m).unwrap();
        assert_eq!(text, r#"{"z":[1,{"y":null}],"a":"x"}"#);
        let back: AttributeMap = serde_json::from_str(&text).unwrap();
        assert_eq!(back.keys().collect::<Vec<_>>(), ["z", "a"]);
        assert_eq!(
            Value::Object(back.to_json()),
            json!({"z": [1, {"y": null}], "a": "x"})
        );
        assert!(serde_json::from_str::<AttributeMap>("[1]").is_err());
    }

    #[test]
    fn equality_ignores_order_as_json_objects_do() {
        assert_eq!(map(json!({"a": 1, "b": 2})), map(json!({"b": 2, "a": 1})));
        assert_ne!(map(json!({"a": 1, "b": 2})), map(json!({"a": 1, "b": 3})));
        assert_ne!(map(json!({"a": 1})), map(json!({"a": 1, "b": 2})));
    }

    #[test]
    fn names_are_shared_up_to_a_bound() {
        let a = map(json!({"encrypted": true}));
        let b = map(json!({"encrypted": false}));
        assert!(Arc::ptr_eq(&a.entries[0].0, &b.entries[0].0));
        // A file full of made-up names does not grow the set without end.
        for i in 0..SHARED_NAMES + 10 {
            intern(&format!("made_up_{i}"));
        }
        let shared = NAMES.with(|n| n.0.borrow().len());
        assert_eq!(shared, SHARED_NAMES);
        let late = format!("made_up_{}", SHARED_NAMES + 100);
        assert_eq!(&*intern(&late), late);
        assert!(Arc::ptr_eq(&intern("encrypted"), &a.entries[0].0));
    }
}
