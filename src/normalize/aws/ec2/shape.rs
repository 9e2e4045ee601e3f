//! Reading one EC2 object whichever way it is spelled: the CLI prints `GroupId`, AWS Config
//! prints `groupId`. Every EC2 normaliser reads through these helpers, so the CLI path and the
//! Config path cannot drift apart.

use crate::attr_value::AttrValue;
use crate::attribute_map::AttributeMap;
use crate::normalize::aws::{region_of_zone, Cx};
use crate::normalize::NormalizeError;
use crate::pointer::join;
use crate::Resource;
use serde_json::{json, Map, Value};

/// Where an object sits in its file. Config items from the API carry `configuration` as a JSON
/// string; pointers cannot reach inside it, so every pointer below such an item stops at it.
#[derive(Debug, Clone)]
pub struct Loc {
    pub ptr: String,
    deep: bool,
}

impl Loc {
    pub fn new(ptr: impl Into<String>, deep: bool) -> Loc {
        Loc {
            ptr: ptr.into(),
            deep,
        }
    }

    pub fn at(&self, token: impl std::fmt::Display) -> Loc {
        if self.deep {
            Loc::new(join(&self.ptr, token), true)
        } else {
            self.clone()
        }
    }

    /// `{"file", "pointer"}`, the provenance a list element carries so that evidence about one
    /// rule of a security group points at that rule in the export.
    pub fn source(&self, cx: &Cx) -> Value {
        json!({"file": cx.file, "pointer": self.ptr})
    }
}

/// The value at `key` (`GroupId`), or at its Config spelling (`groupId`).
pub fn field<'v>(m: &'v Map<String, Value>, key: &str) -> Option<&'v Value> {
    spelled(m, key).map(|(_, v)| v)
}

/// The key as the object spells it (`GroupId` or `groupId`) and its value. Describe outputs
/// omit what is unset, so the Config spelling is looked up often: it is built on the stack.
fn spelled<'v>(m: &'v Map<String, Value>, key: &str) -> Option<(&'v String, &'v Value)> {
    if m.len() <= SCANNED {
        return spelled_by_scan(m, key);
    }
    if let Some(found) = m.get_key_value(key) {
        return Some(found);
    }
    let first = *key.as_bytes().first()?;
    if !first.is_ascii_uppercase() {
        return None;
    }
    let mut buf = [0u8; 64];
    let lower = match buf.get_mut(..key.len()) {
        Some(b) => {
            b.copy_from_slice(key.as_bytes());
            b[0] = first.to_ascii_lowercase();
            std::str::from_utf8(b).ok()?
        }
        None => {
            return m.get_key_value(&format!(
                "{}{}",
                first.to_ascii_lowercase() as char,
                &key[1..]
            ))
        }
    };
    m.get_key_value(lower)
}

/// Up to this many members, [`spelled`] compares keys in one pass rather than hashing the key
/// (twice when the Describe spelling is missing): a SipHash costs more than a dozen length
/// checks, and most objects of these outputs (states, placements, attachments, rules, tags)
/// are small.
const SCANNED: usize = 16;

/// [`spelled`] by comparing each key: keys of a map are distinct, so the key found is the one
/// the map's lookup finds, and the Config spelling counts only when the Describe one is absent.
fn spelled_by_scan<'v>(m: &'v Map<String, Value>, key: &str) -> Option<(&'v String, &'v Value)> {
    let want = key.as_bytes();
    let lower = want
        .first()
        .filter(|c| c.is_ascii_uppercase())
        .map(u8::to_ascii_lowercase);
    let mut config = None;
    for (k, v) in m {
        let k_bytes = k.as_bytes();
        if k_bytes.len() != want.len() {
            continue;
        }
        if k_bytes == want {
            return Some((k, v));
        }
        if config.is_none() && lower == k_bytes.first().copied() && k_bytes[1..] == want[1..] {
            config = Some((k, v));
        }
    }
    config
}

pub fn text<'v>(m: &'v Map<String, Value>, key: &str) -> Option<&'v str> {
    field(m, key).and_then(Value::as_str)
}

/// A string the object must have, with a located error when it does not.
pub fn need<'v>(m: &'v Map<String, Value>, key: &str, at: &Loc) -> Result<&'v str, NormalizeError> {
    text(m, key).ok_or_else(|| NormalizeError {
        pointer: at.ptr.clone(),
        message: format!("entry has no {key} string"),
    })
}

pub fn object<'v>(m: &'v Map<String, Value>, key: &str) -> Option<&'v Map<String, Value>> {
    field(m, key).and_then(Value::as_object)
}

/// The objects of the array at `key`, each with its location; a missing key is an empty list.
pub fn items<'v>(
    m: &'v Map<String, Value>,
    key: &str,
    at: &Loc,
) -> Vec<(Loc, &'v Map<String, Value>)> {
    let Some((spelled, Value::Array(a))) = spelled(m, key) else {
        return Vec::new();
    };
    let list = at.at(spelled);
    a.iter()
        .enumerate()
        .filter_map(|(i, v)| Some((list.at(i), v.as_object()?)))
        .collect()
}

/// The objects of the array at `key`, as [`items`] finds them, for reading only: no pointers
/// are joined for elements no evidence will point at.
pub fn objects<'v>(
    m: &'v Map<String, Value>,
    key: &str,
) -> impl Iterator<Item = &'v Map<String, Value>> {
    let list = match spelled(m, key) {
        Some((_, Value::Array(a))) => a.as_slice(),
        _ => &[],
    };
    list.iter().filter_map(Value::as_object)
}

/// The value as it is, or an explicit `null` when the export omits it: describe outputs leave
/// out what is not set (no public IP, no KMS key), so absence there is known absence.
pub fn or_null(v: Option<&Value>) -> Value {
    v.cloned().unwrap_or(Value::Null)
}

/// Tags as a `{key: value}` object, from the CLI's `[{"Key", "Value"}]`, Config's
/// `[{"key", "value"}]`, or Config's item-level `{key: value}`.
pub fn tags(m: &Map<String, Value>, item_tags: Option<&Value>) -> Value {
    let mut out = Map::new();
    if let Some(list) = field(m, "Tags").and_then(Value::as_array) {
        for t in list.iter().filter_map(Value::as_object) {
            if let (Some(k), Some(v)) = (text(t, "Key"), field(t, "Value")) {
                out.insert(k.to_string(), v.clone());
            }
        }
    }
    if let Some(obj) = item_tags.and_then(Value::as_object) {
        for (k, v) in obj {
            out.entry(k.clone()).or_insert_with(|| v.clone());
        }
    }
    Value::Object(out)
}

/// The `Name` tag, the name people know an EC2 resource by.
pub fn name_tag(tags: &Value) -> Option<&str> {
    tags.get("Name")
        .and_then(Value::as_str)
        .filter(|n| !n.is_empty())
}

/// A timestamp in one spelling (`2026-11-28T09:03:00Z`), whatever the export used (ISO text,
/// botocore's datetime object, epoch milliseconds in Config flow logs are left as they are).
pub fn timestamp(v: Option<&Value>) -> Option<Value> {
    let v = v?;
    Some(match v {
        Value::Object(_) => crate::time::parse(v)
            .map(|t| Value::String(crate::time::format(t)))
            .unwrap_or_else(|| v.clone()),
        other => other.clone(),
    })
}

/// The region of an availability zone field, when the object has one.
pub fn zone_region(m: &Map<String, Value>) -> Option<&str> {
    text(m, "AvailabilityZone")
        .or_else(|| object(m, "Placement").and_then(|p| text(p, "AvailabilityZone")))
        .filter(|z| !z.is_empty())
        .map(region_of_zone)
}

/// `arn:aws:ec2:REGION:ACCOUNT:RESOURCE`, with the owner the object names when the call's
/// context does not know the account (a lone describe output carries `OwnerId`).
pub fn arn(cx: &Cx, region: Option<&str>, account: Option<&str>, resource: &str) -> String {
    format!(
        "arn:{}:ec2:{}:{}:{resource}",
        cx.partition,
        region.unwrap_or(""),
        account.unwrap_or("")
    )
}

/// Where an EC2 resource lives: its region, and the account the object names as owner (used
/// when the call's context does not know the account, as for a lone describe output).
pub struct Place<'a> {
    pub region: Option<&'a str>,
    pub owner: Option<&'a str>,
}

/// An EC2 resource with its ARN (`arn:aws:ec2:REGION:ACCOUNT:PATH`), named by `name`, else its
/// Name tag, else its id.
pub fn build(
    cx: &Cx,
    kind: &str,
    path: &str,
    place: Place,
    at: &Loc,
    name: Option<&str>,
    a: Attrs,
) -> Resource {
    let owner = cx.account.or(place.owner);
    let name = name
        .or_else(|| {
            // `name_tag` on the tags as kept.
            let name = a.get("tags")?.get("Name")?.as_str()?;
            Some(name).filter(|n| !n.is_empty())
        })
        .unwrap_or_else(|| path.rsplit('/').next().unwrap_or(path))
        .to_string();
    let mut r = cx.resource(
        kind,
        arn(cx, place.region, owner, path),
        name,
        place.region,
        &at.ptr,
        a.into_map(),
    );
    if r.account.is_none() {
        r.account = owner.map(str::to_string);
    }
    r
}

/// An attribute map under construction, set by chained calls. A key set twice keeps its first
/// place and its last value.
#[derive(Default)]
pub struct Attrs(AttributeMap);

impl Attrs {
    pub fn set(&mut self, key: &str, v: impl Into<Value>) -> &mut Self {
        self.0.insert(key, v.into());
        self
    }

    /// Sets `key` only when the export states it (absence stays "not collected").
    pub fn copy(&mut self, key: &str, v: Option<&Value>) -> &mut Self {
        if let Some(v) = v {
            self.0.insert(key, v.clone());
        }
        self
    }

    /// The value last set at `key`.
    pub fn get(&self, key: &str) -> Option<&AttrValue> {
        self.0.get(key)
    }

    pub fn into_map(self) -> AttributeMap {
        self.0
    }
}

/// An object with these keys in this order, made at its size: a literal map of four or more
/// keys grown insert by insert keeps room for nearly twice as many.
pub fn record<const N: usize>(pairs: [(&str, Value); N]) -> Value {
    Value::Object(pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
}

/// Strings of the array at `key` (each element itself, or its `inner` field).
pub fn strings(m: &Map<String, Value>, key: &str, inner: &str) -> Vec<Value> {
    field(m, key)
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|v| match v {
                    Value::String(s) => Some(Value::String(s.clone())),
                    Value::Object(o) => text(o, inner).map(|s| Value::String(s.to_string())),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Small maps are scanned, larger ones looked up: both find what the lookup finds.
    #[test]
    fn spelled_by_scan_and_by_lookup_agree() {
        fn lookup<'v>(m: &'v Map<String, Value>, key: &str) -> Option<(&'v String, &'v Value)> {
            m.get_key_value(key).or_else(|| {
                let first = key.chars().next().filter(char::is_ascii_uppercase)?;
                m.get_key_value(&format!("{}{}", first.to_ascii_lowercase(), &key[1..]))
            })
        }
        let keys = [
            "GroupId", "groupId", "VpcId", "vpcId", "State", "Tags", "", "x", "é",
        ];
        for size in [0, 1, 3, SCANNED, SCANNED + 1, 40] {
            for pick in 0..(1u32 << keys.len()) {
                let mut m = Map::new();
                for (i, k) in keys.iter().enumerate() {
                    if pick >> i & 1 == 1 {
                        m.insert(k.to_string(), json!(i));
                    }
                }
                for i in 0..size.saturating_sub(m.len()) {
                    m.insert(format!("Filler{i}"), json!(null));
                }
                for key in ["GroupId", "VpcId", "State", "Tags", "Absent", "", "x", "é"] {
                    assert_eq!(spelled(&m, key), lookup(&m, key), "{key} in {m:?}");
                    assert_eq!(spelled_by_scan(&m, key), lookup(&m, key), "{key} in {m:?}");
                }
            }
        }
    }

    #[test]
    fn both_spellings_and_tags() {
        let cli = json!({"GroupId": "sg-1", "Tags": [{"Key": "Name", "Value": "web"}]});
        let config = json!({"groupId": "sg-1", "tags": [{"key": "Name", "value": "web"}]});
        for doc in [cli, config] {
            let m = doc.as_object().expect("object");
            assert_eq!(text(m, "GroupId"), Some("sg-1"));
            assert_eq!(name_tag(&tags(m, None)), Some("web"));
        }
        let item_tags = json!({"Name": "db"});
        assert_eq!(name_tag(&tags(&Map::new(), Some(&item_tags))), Some("db"));
    }

    #[test]
    fn config_spelling_found_for_short_and_long_keys_only_from_upper_case() {
        let long = format!("a{}", "b".repeat(70));
        let doc = json!({"groupId": "sg-1", "lower": 1, long.clone(): 2, "Items": [{}, 3, {}]});
        let m = doc.as_object().expect("object");
        assert_eq!(text(m, "GroupId"), Some("sg-1"));
        assert_eq!(field(m, &format!("A{}", &long[1..])), Some(&json!(2)));
        assert_eq!(field(m, "Lower"), Some(&json!(1)));
        assert_eq!(field(m, "lower"), Some(&json!(1)));
        assert_eq!(field(m, "missing"), None);
        assert_eq!(field(m, ""), None);
        let listed = items(m, "Items", &Loc::new("/x", true));
        let ptrs: Vec<&str> = listed.iter().map(|(l, _)| l.ptr.as_str()).collect();
        assert_eq!(ptrs, ["/x/Items/0", "/x/Items/2"]);
        assert!(items(m, "GroupId", &Loc::new("/x", true)).is_empty());
        assert_eq!(objects(m, "Items").count(), 2);
        assert_eq!(objects(m, "GroupId").count(), 0);
        assert_eq!(objects(m, "Missing").count(), 0);
    }

    #[test]
    fn shallow_locations_stop_at_the_string() {
        let deep = Loc::new("/a", true);
        assert_eq!(deep.at("IpPermissions").at(0).ptr, "/a/IpPermissions/0");
        let flat = Loc::new("/configurationItems/0", false);
        assert_eq!(flat.at("ipPermissions").at(3).ptr, "/configurationItems/0");
    }

    #[test]
    fn botocore_datetimes_become_text() {
        let t = json!({"__class__": "datetime", "year": 2016, "month": 10, "day": 21, "hour": 15, "minute": 38, "second": 24, "microsecond": 0});
        assert_eq!(timestamp(Some(&t)), Some(json!("2016-10-21T15:38:24Z")));
        assert_eq!(
            timestamp(Some(&json!("2026-01-01T00:00:00Z"))),
            Some(json!("2026-01-01T00:00:00Z"))
        );
    }
}
