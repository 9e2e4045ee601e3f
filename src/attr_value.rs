//! A resource attribute's JSON value, kept compact: the inventory holds every attribute of
//! every resource to the end of a scan.
//!
//! `serde_json::Value` is 72 bytes with the `preserve_order` feature this crate needs (its map
//! is an `IndexMap`, with a hash table and a hasher inline), and each of its objects owns a
//! heap string per member name and a hash table beside its members. Resource attributes are
//! mostly scalars and small objects (a tag, a grant, an attached policy): on the 100 MB bundle
//! the attribute slots alone were 139 MB and their values 171 MB of a 484 MB inventory (292 MB
//! with this type). Here a value is 24 bytes (12 in wasm32), an object is a boxed list of members
//! whose names are interned (an export repeats a small vocabulary of names), and nothing is kept
//! for growth. Objects have a few
//! dozen members at most, so finding one by comparing names costs no more than hashing it.
//!
//! The API reads like `serde_json::Value`'s, so rules and views read attributes as they read
//! JSON; [`AttrValue::to_json`] gives the JSON value where one is shown (evidence) or kept.

use crate::attribute_map::{intern, Key};
use serde::de::{MapAccess, SeqAccess, Visitor};
use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Number, Value};
use std::fmt;

/// A JSON value as an attribute holds it.
#[derive(Clone, Debug, Default)]
pub enum AttrValue {
    #[default]
    Null,
    Bool(bool),
    /// A JSON number, as `serde_json::Number` holds it: a non-negative integer, a negative
    /// one, or a finite float (its bits).
    PosInt(Bits),
    NegInt(Bits),
    Float(Bits),
    String(Box<str>),
    Array(Box<[AttrValue]>),
    Object(AttrObject),
}

#[cfg(target_pointer_width = "64")]
const _: () = assert!(std::mem::size_of::<AttrValue>() == 24);
#[cfg(target_pointer_width = "32")]
const _: () = assert!(std::mem::size_of::<AttrValue>() == 12);

/// A number's 64 bits in two 32-bit halves. Held as a `u64`, a number would align the value to
/// 8 bytes: in wasm32, where the other variants are a 4-byte pointer and a length, that made
/// every attribute value 24 bytes instead of 12, and the browser holds millions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Bits([u32; 2]);

impl Bits {
    fn new(n: u64) -> Bits {
        Bits([n as u32, (n >> 32) as u32])
    }

    fn get(self) -> u64 {
        u64::from(self.0[0]) | (u64::from(self.0[1]) << 32)
    }
}

/// A JSON object's members in their order, names shared (see [`intern`]). Built whole: no
/// member is added or removed once it is made.
#[derive(Clone, Default)]
pub struct AttrObject {
    members: Box<[(Key, AttrValue)]>,
}

/// What [`AttrValue`]'s index operators give for a missing member, as `serde_json` does.
static NULL: AttrValue = AttrValue::Null;

impl AttrObject {
    /// The object of `members`; a name given twice keeps its first place and its last value,
    /// as a JSON object read by `serde_json` does.
    pub fn from_members(members: Vec<(Key, AttrValue)>) -> AttrObject {
        let mut members = members;
        let repeated = if members.len() <= 32 {
            members
                .iter()
                .enumerate()
                .any(|(i, (k, _))| members[..i].iter().any(|(j, _)| j == k))
        } else {
            let mut seen =
                <foldhash::HashSet<_> as foldhash::HashSetExt>::with_capacity(members.len());
            !members.iter().all(|(k, _)| seen.insert(&**k))
        };
        if repeated {
            let mut unique: Vec<(Key, AttrValue)> = Vec::with_capacity(members.len());
            for (k, v) in members {
                match unique.iter_mut().find(|(j, _)| *j == k) {
                    Some(slot) => slot.1 = v,
                    None => unique.push((k, v)),
                }
            }
            members = unique;
        }
        AttrObject {
            members: members.into_boxed_slice(),
        }
    }

    /// The object of `members`, whose names the caller knows to be distinct.
    pub fn from_distinct(members: Vec<(Key, AttrValue)>) -> AttrObject {
        debug_assert!(members
            .iter()
            .enumerate()
            .all(|(i, (k, _))| members[..i].iter().all(|(j, _)| j != k)));
        AttrObject {
            members: members.into_boxed_slice(),
        }
    }

    pub fn len(&self) -> usize {
        self.members.len()
    }

    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }

    pub fn get(&self, key: &str) -> Option<&AttrValue> {
        self.members
            .iter()
            .find(|(k, _)| &**k == key)
            .map(|(_, v)| v)
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&str, &AttrValue)> + '_ {
        self.members.iter().map(|(k, v)| (&**k, v))
    }

    pub fn keys(&self) -> impl ExactSizeIterator<Item = &str> + '_ {
        self.members.iter().map(|(k, _)| &**k)
    }

    pub fn values(&self) -> impl ExactSizeIterator<Item = &AttrValue> + '_ {
        self.members.iter().map(|(_, v)| v)
    }

    /// The JSON object of the same members, in the same order.
    pub fn to_json(&self) -> serde_json::Map<String, Value> {
        self.iter()
            .map(|(k, v)| (k.to_string(), v.to_json()))
            .collect()
    }
}

impl AttrValue {
    pub fn is_null(&self) -> bool {
        matches!(self, AttrValue::Null)
    }

    pub fn is_boolean(&self) -> bool {
        matches!(self, AttrValue::Bool(_))
    }

    pub fn is_string(&self) -> bool {
        matches!(self, AttrValue::String(_))
    }

    pub fn is_number(&self) -> bool {
        matches!(
            self,
            AttrValue::PosInt(_) | AttrValue::NegInt(_) | AttrValue::Float(_)
        )
    }

    /// The number, as `serde_json` holds it; `None` for anything else.
    pub fn as_number(&self) -> Option<Number> {
        match *self {
            AttrValue::PosInt(b) => Some(b.get().into()),
            AttrValue::NegInt(b) => Some((b.get() as i64).into()),
            AttrValue::Float(b) => Number::from_f64(f64::from_bits(b.get())),
            _ => None,
        }
    }

    /// The value of the number `n`, in the variant `serde_json` holds it in.
    fn number(n: &Number) -> AttrValue {
        if let Some(u) = n.as_u64() {
            AttrValue::PosInt(Bits::new(u))
        } else if let Some(i) = n.as_i64() {
            AttrValue::NegInt(Bits::new(i as u64))
        } else {
            n.as_f64().map_or(AttrValue::Null, |f| {
                AttrValue::Float(Bits::new(f.to_bits()))
            })
        }
    }

    pub fn is_array(&self) -> bool {
        matches!(self, AttrValue::Array(_))
    }

    pub fn is_object(&self) -> bool {
        matches!(self, AttrValue::Object(_))
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            AttrValue::Bool(b) => Some(*b),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            AttrValue::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_i64(&self) -> Option<i64> {
        match self {
            AttrValue::PosInt(b) => i64::try_from(b.get()).ok(),
            AttrValue::NegInt(b) => Some(b.get() as i64),
            _ => None,
        }
    }

    pub fn as_u64(&self) -> Option<u64> {
        match self {
            AttrValue::PosInt(b) => Some(b.get()),
            _ => None,
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        match self {
            AttrValue::PosInt(b) => Some(b.get() as f64),
            AttrValue::NegInt(b) => Some(b.get() as i64 as f64),
            AttrValue::Float(b) => Some(f64::from_bits(b.get())),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&[AttrValue]> {
        match self {
            AttrValue::Array(items) => Some(items),
            _ => None,
        }
    }

    pub fn as_object(&self) -> Option<&AttrObject> {
        match self {
            AttrValue::Object(o) => Some(o),
            _ => None,
        }
    }

    /// The member `key` of an object; `None` for anything else.
    pub fn get(&self, key: &str) -> Option<&AttrValue> {
        self.as_object()?.get(key)
    }

    /// The value at the JSON pointer `pointer` (RFC 6901), as `serde_json::Value::pointer`.
    pub fn pointer(&self, pointer: &str) -> Option<&AttrValue> {
        if pointer.is_empty() {
            return Some(self);
        }
        let rest = pointer.strip_prefix('/')?;
        rest.split('/').try_fold(self, |cur, token| {
            let token = token.replace("~1", "/").replace("~0", "~");
            match cur {
                AttrValue::Object(o) => o.get(&token),
                AttrValue::Array(items) => token.parse::<usize>().ok().and_then(|i| items.get(i)),
                _ => None,
            }
        })
    }

    /// The JSON value, as evidence shows it and as `serde_json` compares it.
    pub fn to_json(&self) -> Value {
        match self {
            AttrValue::Null => Value::Null,
            AttrValue::Bool(b) => Value::Bool(*b),
            AttrValue::PosInt(_) | AttrValue::NegInt(_) | AttrValue::Float(_) => {
                self.as_number().map_or(Value::Null, Value::Number)
            }
            AttrValue::String(s) => Value::String(s.to_string()),
            AttrValue::Array(items) => Value::Array(items.iter().map(AttrValue::to_json).collect()),
            AttrValue::Object(o) => Value::Object(o.to_json()),
        }
    }

    /// The value of a JSON value borrowed, copied in one pass.
    pub fn from_json(value: &Value) -> AttrValue {
        match value {
            Value::Null => AttrValue::Null,
            Value::Bool(b) => AttrValue::Bool(*b),
            Value::Number(n) => AttrValue::number(n),
            Value::String(s) => AttrValue::String(s.as_str().into()),
            Value::Array(items) => {
                AttrValue::Array(items.iter().map(AttrValue::from_json).collect())
            }
            Value::Object(map) => AttrValue::Object(AttrObject {
                members: map
                    .iter()
                    .map(|(k, v)| (intern(k), AttrValue::from_json(v)))
                    .collect(),
            }),
        }
    }
}

impl From<Value> for AttrValue {
    fn from(value: Value) -> AttrValue {
        match value {
            Value::Null => AttrValue::Null,
            Value::Bool(b) => AttrValue::Bool(b),
            Value::Number(n) => AttrValue::number(&n),
            Value::String(s) => AttrValue::String(s.into_boxed_str()),
            Value::Array(items) => {
                AttrValue::Array(items.into_iter().map(AttrValue::from).collect())
            }
            Value::Object(map) => AttrValue::Object(AttrObject {
                members: map
                    .into_iter()
                    .map(|(k, v)| (intern(&k), AttrValue::from(v)))
                    .collect(),
            }),
        }
    }
}

impl From<&Value> for AttrValue {
    fn from(value: &Value) -> AttrValue {
        AttrValue::from_json(value)
    }
}

impl From<bool> for AttrValue {
    fn from(b: bool) -> AttrValue {
        AttrValue::Bool(b)
    }
}

impl From<&str> for AttrValue {
    fn from(s: &str) -> AttrValue {
        AttrValue::String(s.into())
    }
}

impl From<String> for AttrValue {
    fn from(s: String) -> AttrValue {
        AttrValue::String(s.into_boxed_str())
    }
}

impl From<Vec<AttrValue>> for AttrValue {
    fn from(items: Vec<AttrValue>) -> AttrValue {
        AttrValue::Array(items.into_boxed_slice())
    }
}

impl From<AttrObject> for AttrValue {
    fn from(o: AttrObject) -> AttrValue {
        AttrValue::Object(o)
    }
}

/// Equal as the JSON values are: objects whatever their members' order.
impl PartialEq for AttrValue {
    fn eq(&self, other: &AttrValue) -> bool {
        match (self, other) {
            (AttrValue::Null, AttrValue::Null) => true,
            (AttrValue::Bool(a), AttrValue::Bool(b)) => a == b,
            (a, b) if a.is_number() => a.as_number().is_some_and(|n| b.as_number() == Some(n)),
            (AttrValue::String(a), AttrValue::String(b)) => a == b,
            (AttrValue::Array(a), AttrValue::Array(b)) => a == b,
            (AttrValue::Object(a), AttrValue::Object(b)) => a == b,
            _ => false,
        }
    }
}

impl PartialEq for AttrObject {
    fn eq(&self, other: &AttrObject) -> bool {
        self.len() == other.len() && self.iter().all(|(k, v)| other.get(k) == Some(v))
    }
}

/// Equal when the JSON value `other` is this one: rules compare attributes with their
/// operands, which are JSON.
impl PartialEq<Value> for AttrValue {
    fn eq(&self, other: &Value) -> bool {
        match (self, other) {
            (AttrValue::Null, Value::Null) => true,
            (AttrValue::Bool(a), Value::Bool(b)) => a == b,
            (a, Value::Number(b)) if a.is_number() => a.as_number().as_ref() == Some(b),
            (AttrValue::String(a), Value::String(b)) => **a == **b,
            (AttrValue::Array(a), Value::Array(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x == y)
            }
            (AttrValue::Object(a), Value::Object(b)) => {
                a.len() == b.len() && a.iter().all(|(k, v)| b.get(k).is_some_and(|w| v == w))
            }
            _ => false,
        }
    }
}

impl PartialEq<AttrValue> for Value {
    fn eq(&self, other: &AttrValue) -> bool {
        other == self
    }
}

impl PartialEq<bool> for AttrValue {
    fn eq(&self, other: &bool) -> bool {
        self.as_bool() == Some(*other)
    }
}

impl PartialEq<&str> for AttrValue {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == Some(*other)
    }
}

impl PartialEq<str> for AttrValue {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == Some(other)
    }
}

impl PartialEq<i64> for AttrValue {
    fn eq(&self, other: &i64) -> bool {
        self.as_i64() == Some(*other)
    }
}

impl PartialEq<u64> for AttrValue {
    fn eq(&self, other: &u64) -> bool {
        self.as_u64() == Some(*other)
    }
}

impl PartialEq<f64> for AttrValue {
    fn eq(&self, other: &f64) -> bool {
        self.as_f64() == Some(*other)
    }
}

impl fmt::Debug for AttrObject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

/// The JSON text, compact (`{:#}`: indented), as `serde_json::Value` displays.
impl fmt::Display for AttrValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = if f.alternate() {
            serde_json::to_string_pretty(self)
        } else {
            serde_json::to_string(self)
        };
        f.write_str(&text.map_err(|_| fmt::Error)?)
    }
}

impl std::ops::Index<&str> for AttrValue {
    type Output = AttrValue;

    /// The member `key`, or null, as `serde_json::Value` indexes.
    fn index(&self, key: &str) -> &AttrValue {
        self.get(key).unwrap_or(&NULL)
    }
}

impl std::ops::Index<usize> for AttrValue {
    type Output = AttrValue;

    /// The element `i`, or null, as `serde_json::Value` indexes.
    fn index(&self, i: usize) -> &AttrValue {
        self.as_array().and_then(|a| a.get(i)).unwrap_or(&NULL)
    }
}

impl Serialize for AttrValue {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            AttrValue::Null => serializer.serialize_unit(),
            AttrValue::Bool(b) => serializer.serialize_bool(*b),
            AttrValue::PosInt(_) | AttrValue::NegInt(_) | AttrValue::Float(_) => {
                self.as_number().serialize(serializer)
            }
            AttrValue::String(s) => serializer.serialize_str(s),
            AttrValue::Array(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items.iter() {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            AttrValue::Object(o) => o.serialize(serializer),
        }
    }
}

impl Serialize for AttrObject {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.len()))?;
        for (k, v) in self.iter() {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for AttrValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<AttrValue, D::Error> {
        struct Any;
        impl<'de> Visitor<'de> for Any {
            type Value = AttrValue;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON value")
            }

            fn visit_unit<E>(self) -> Result<AttrValue, E> {
                Ok(AttrValue::Null)
            }

            fn visit_none<E>(self) -> Result<AttrValue, E> {
                Ok(AttrValue::Null)
            }

            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<AttrValue, D::Error> {
                AttrValue::deserialize(d)
            }

            fn visit_bool<E>(self, b: bool) -> Result<AttrValue, E> {
                Ok(AttrValue::Bool(b))
            }

            fn visit_i64<E>(self, n: i64) -> Result<AttrValue, E> {
                Ok(AttrValue::number(&n.into()))
            }

            fn visit_u64<E>(self, n: u64) -> Result<AttrValue, E> {
                Ok(AttrValue::PosInt(Bits::new(n)))
            }

            fn visit_f64<E>(self, n: f64) -> Result<AttrValue, E> {
                Ok(Number::from_f64(n).map_or(AttrValue::Null, |n| AttrValue::number(&n)))
            }

            fn visit_str<E>(self, s: &str) -> Result<AttrValue, E> {
                Ok(AttrValue::String(s.into()))
            }

            fn visit_string<E>(self, s: String) -> Result<AttrValue, E> {
                Ok(AttrValue::String(s.into_boxed_str()))
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<AttrValue, A::Error> {
                let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(AttrValue::Array(items.into_boxed_slice()))
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<AttrValue, A::Error> {
                let mut members = Vec::new();
                while let Some((k, v)) = map.next_entry::<std::borrow::Cow<str>, AttrValue>()? {
                    members.push((intern(&k), v));
                }
                Ok(AttrValue::Object(AttrObject::from_members(members)))
            }
        }
        deserializer.deserialize_any(Any)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn sample() -> Value {
        json!({"z": [1, -2, 2.5, {"y": null, "t": true}], "a": "x<b>", "e": {}, "n": []})
    }

    #[test]
    fn converts_both_ways_keeping_member_order() {
        let v = sample();
        let a = AttrValue::from(v.clone());
        assert_eq!(a.to_json(), v);
        assert_eq!(AttrValue::from_json(&v).to_json(), v);
        assert_eq!(serde_json::to_string(&a).unwrap(), v.to_string());
        assert_eq!(a.to_string(), v.to_string());
        assert_eq!(format!("{a:#}"), format!("{v:#}"));
        let keys: Vec<&str> = a.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["z", "a", "e", "n"]);
    }

    #[test]
    fn reads_back_from_text_as_serde_json_does() {
        let text = r#"{"b": 1, "a": [true, "s", 1e400], "b": 2}"#;
        let a: AttrValue = serde_json::from_str(&text.replace("1e400", "null")).unwrap();
        let v: Value = serde_json::from_str(&text.replace("1e400", "null")).unwrap();
        assert_eq!(a, v);
        // A repeated name keeps its first place and its last value.
        assert_eq!(a.to_json().to_string(), v.to_string());
        assert_eq!(a["b"], json!(2));
    }

    #[test]
    fn reads_like_a_serde_json_value() {
        let a = AttrValue::from(sample());
        assert_eq!(a["z"][0].as_i64(), Some(1));
        assert_eq!(a["z"][1].as_i64(), Some(-2));
        assert_eq!(a["z"][2].as_f64(), Some(2.5));
        assert_eq!(a["z"][3]["t"].as_bool(), Some(true));
        assert!(a["z"][3]["y"].is_null() && a["missing"].is_null() && a["z"][9].is_null());
        assert_eq!(a["a"].as_str(), Some("x<b>"));
        assert_eq!(
            a.get("e")
                .and_then(AttrValue::as_object)
                .map(AttrObject::len),
            Some(0)
        );
        assert_eq!(a["n"].as_array().map(<[_]>::len), Some(0));
        assert_eq!(a.get("a"), Some(&AttrValue::from("x<b>")));
        assert!(a["a"].get("x").is_none());
        assert_eq!(a.pointer("/z/3/t"), Some(&AttrValue::Bool(true)));
        assert_eq!(a.pointer(""), Some(&a));
        assert!(a.pointer("/z/x").is_none() && a.pointer("z").is_none());
        let odd = AttrValue::from(json!({"a/b": {"~": 1}}));
        assert_eq!(odd.pointer("/a~1b/~0").and_then(AttrValue::as_i64), Some(1));
    }

    /// Numbers keep serde_json's three kinds and their values at the extremes.
    #[test]
    fn numbers_round_trip_exactly() {
        let v = json!([
            0,
            1,
            u64::MAX,
            -1,
            i64::MIN,
            i64::MAX,
            0.5,
            -0.0,
            1e300,
            -2.5e-300
        ]);
        let a = AttrValue::from(v.clone());
        assert_eq!(a.to_json(), v);
        assert_eq!(a, v);
        assert_eq!(serde_json::to_string(&a).unwrap(), v.to_string());
        let back: AttrValue = serde_json::from_str(&v.to_string()).unwrap();
        assert_eq!(back.to_json(), v);
        assert_eq!(a[2].as_u64(), Some(u64::MAX));
        assert_eq!(a[2].as_i64(), None);
        assert_eq!(a[4].as_i64(), Some(i64::MIN));
        assert_eq!(a[4].as_u64(), None);
        assert_eq!(a[3].as_f64(), Some(-1.0));
        assert_eq!(a[6].as_f64(), Some(0.5));
        assert_eq!(a[6].as_i64(), None);
        assert!(a[0].is_number() && !a[0].is_string());
    }

    #[test]
    fn equality_is_json_equality() {
        let a = AttrValue::from(json!({"a": 1, "b": [2]}));
        let b = AttrValue::from(json!({"b": [2], "a": 1}));
        assert_eq!(a, b);
        assert_eq!(a, json!({"b": [2], "a": 1}));
        assert_ne!(a, json!({"a": 1, "b": [3]}));
        assert_ne!(a, json!({"a": 1}));
        // As in serde_json, an integer and a float are different numbers.
        assert_ne!(AttrValue::from(json!(1)), json!(1.0));
        assert_ne!(AttrValue::from(json!("1")), json!(1));
    }

    #[test]
    fn members_names_are_shared() {
        let a = AttrValue::from(json!({"PolicyArn": "x"}));
        let b = AttrValue::from_json(&json!({"PolicyArn": "y"}));
        let name = |v: &AttrValue| match v {
            AttrValue::Object(o) => o.members[0].0.clone(),
            _ => unreachable!(),
        };
        assert!(std::sync::Arc::ptr_eq(&name(&a), &name(&b)));
    }
}
