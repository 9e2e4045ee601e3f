//! A compact binary form for what the worker sends the page: unsigned integers as LEB128
//! varints, strings as a length and their UTF-8 bytes, JSON values as a tag and their parts.
//!
//! The page spent most of its time taking a large report in on parsing JSON text (numbers in
//! digits, strings escaped and scanned for quotes, object keys matched by name); here every
//! length is known before it is read and nothing is escaped. Reading checks every length
//! against what is left and every string's UTF-8, so a malformed message is an error, never a
//! panic or an allocation larger than the message.

use serde_json::{Map, Number, Value};
use std::fmt;

/// Nesting a value may have: serde_json's own limit, which the JSON transfer this replaces
/// applied, so a value that crossed before crosses now, and a hostile message cannot exhaust
/// the page's stack.
const MAX_DEPTH: usize = 128;

const NULL: u8 = 0;
const FALSE: u8 = 1;
const TRUE: u8 = 2;
/// A non-negative integer (serde_json keeps these as `u64`).
const POS_INT: u8 = 3;
/// A negative integer, written as `!n` (so `-1` is `0`).
const NEG_INT: u8 = 4;
/// Any other number: its eight bytes, little-endian.
const FLOAT: u8 = 5;
const STRING: u8 = 6;
const ARRAY: u8 = 7;
const OBJECT: u8 = 8;

/// Appends values to a buffer.
#[derive(Default)]
pub struct Writer {
    pub bytes: Vec<u8>,
}

impl Writer {
    pub fn byte(&mut self, b: u8) {
        self.bytes.push(b);
    }

    pub fn uint(&mut self, mut n: u64) {
        while n >= 0x80 {
            self.bytes.push((n as u8) | 0x80);
            n >>= 7;
        }
        self.bytes.push(n as u8);
    }

    pub fn count(&mut self, n: usize) {
        self.uint(n as u64);
    }

    pub fn str(&mut self, s: &str) {
        self.count(s.len());
        self.bytes.extend_from_slice(s.as_bytes());
    }

    /// `None` as 0, a string as its length plus one, then its bytes.
    pub fn opt_str(&mut self, s: Option<&str>) {
        match s {
            None => self.uint(0),
            Some(s) => {
                self.uint(s.len() as u64 + 1);
                self.bytes.extend_from_slice(s.as_bytes());
            }
        }
    }

    pub fn value(&mut self, v: &Value) {
        match v {
            Value::Null => self.byte(NULL),
            Value::Bool(false) => self.byte(FALSE),
            Value::Bool(true) => self.byte(TRUE),
            Value::Number(n) => {
                if let Some(u) = n.as_u64() {
                    self.byte(POS_INT);
                    self.uint(u);
                } else if let Some(i) = n.as_i64() {
                    self.byte(NEG_INT);
                    self.uint(!i as u64);
                } else {
                    self.byte(FLOAT);
                    let f = n.as_f64().unwrap_or(f64::NAN);
                    self.bytes.extend_from_slice(&f.to_le_bytes());
                }
            }
            Value::String(s) => {
                self.byte(STRING);
                self.str(s);
            }
            Value::Array(items) => {
                self.byte(ARRAY);
                self.count(items.len());
                items.iter().for_each(|v| self.value(v));
            }
            Value::Object(map) => {
                self.byte(OBJECT);
                self.count(map.len());
                for (k, v) in map {
                    self.str(k);
                    self.value(v);
                }
            }
        }
    }
}

/// What is wrong with a message, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Malformed(pub String);

impl fmt::Display for Malformed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Malformed {}

/// Reads values back from a message, in the order they were written.
pub struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    pub fn new(bytes: &'a [u8]) -> Reader<'a> {
        Reader { bytes, at: 0 }
    }

    pub fn error(&self, what: &str) -> Malformed {
        Malformed(format!("{what} at byte {}", self.at))
    }

    pub fn byte(&mut self) -> Result<u8, Malformed> {
        let b = *self
            .bytes
            .get(self.at)
            .ok_or_else(|| self.error("the message ends early"))?;
        self.at += 1;
        Ok(b)
    }

    pub fn uint(&mut self) -> Result<u64, Malformed> {
        let mut n = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            let part = u64::from(b & 0x7f);
            if shift == 63 && part > 1 {
                return Err(self.error("an integer is too large"));
            }
            n |= part << shift;
            if b & 0x80 == 0 {
                return Ok(n);
            }
        }
        Err(self.error("an integer is too long"))
    }

    /// An index or a count.
    pub fn index(&mut self) -> Result<usize, Malformed> {
        let n = self.uint()?;
        usize::try_from(n).map_err(|_| self.error("an index is too large"))
    }

    /// A count of items that each take at least one byte, so it can be no more than the bytes
    /// left: a lying count cannot make the page reserve more than the message's size.
    pub fn count(&mut self) -> Result<usize, Malformed> {
        let n = self.index()?;
        if n > self.bytes.len() - self.at {
            return Err(self.error("a count is larger than the message"));
        }
        Ok(n)
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], Malformed> {
        let end = self
            .at
            .checked_add(n)
            .filter(|&end| end <= self.bytes.len())
            .ok_or_else(|| self.error("a string runs past the end of the message"))?;
        let out = &self.bytes[self.at..end];
        self.at = end;
        Ok(out)
    }

    fn utf8(&self, bytes: &'a [u8]) -> Result<&'a str, Malformed> {
        std::str::from_utf8(bytes).map_err(|_| self.error("a string is not UTF-8"))
    }

    pub fn str(&mut self) -> Result<&'a str, Malformed> {
        let n = self.index()?;
        let bytes = self.take(n)?;
        self.utf8(bytes)
    }

    pub fn string(&mut self) -> Result<String, Malformed> {
        self.str().map(str::to_string)
    }

    pub fn opt_string(&mut self) -> Result<Option<String>, Malformed> {
        match self.index()? {
            0 => Ok(None),
            n => {
                let bytes = self.take(n - 1)?;
                self.utf8(bytes).map(|s| Some(s.to_string()))
            }
        }
    }

    pub fn value(&mut self) -> Result<Value, Malformed> {
        self.value_at(0)
    }

    fn value_at(&mut self, depth: usize) -> Result<Value, Malformed> {
        if depth > MAX_DEPTH {
            return Err(self.error("a value is nested too deeply"));
        }
        Ok(match self.byte()? {
            NULL => Value::Null,
            FALSE => Value::Bool(false),
            TRUE => Value::Bool(true),
            POS_INT => Value::Number(self.uint()?.into()),
            NEG_INT => {
                let n = self.uint()?;
                let i = i64::try_from(n).map_err(|_| self.error("an integer is too small"))?;
                Value::Number((!i).into())
            }
            FLOAT => {
                let bytes = self.take(8)?;
                let mut eight = [0u8; 8];
                eight.copy_from_slice(bytes);
                Number::from_f64(f64::from_le_bytes(eight))
                    .map(Value::Number)
                    .ok_or_else(|| self.error("a number is not finite"))?
            }
            STRING => Value::String(self.string()?),
            ARRAY => {
                let n = self.count()?;
                let mut items = Vec::with_capacity(n);
                for _ in 0..n {
                    items.push(self.value_at(depth + 1)?);
                }
                Value::Array(items)
            }
            OBJECT => {
                let n = self.count()?;
                let mut map = Map::with_capacity(n);
                for _ in 0..n {
                    let key = self.string()?;
                    map.insert(key, self.value_at(depth + 1)?);
                }
                Value::Object(map)
            }
            _ => return Err(self.error("unknown value tag")),
        })
    }

    /// Whether every byte has been read: trailing bytes mean the message is not what was
    /// written.
    pub fn finish(&self) -> Result<(), Malformed> {
        if self.at == self.bytes.len() {
            Ok(())
        } else {
            Err(self.error("unexpected bytes after the message"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn values() -> Vec<Value> {
        vec![
            Value::Null,
            json!(true),
            json!(false),
            json!(0),
            json!(127),
            json!(128),
            json!(u64::MAX),
            json!(-1),
            json!(i64::MIN),
            json!(-12.5),
            json!(0.1),
            json!(-0.0),
            json!(1e300),
            json!(""),
            json!("<b>\"quoted\"</b>\n é 😀"),
            json!([]),
            json!({}),
            json!([1, "two", {"three": [3, null]}]),
            json!({"z": 1, "a": {"Effect": "Allow", "Action": ["s3:*"]}, "m": []}),
        ]
    }

    fn written(v: &Value) -> Vec<u8> {
        let mut w = Writer::default();
        w.value(v);
        w.bytes
    }

    /// Every kind of value comes back equal, with the same kind of number and the same key
    /// order (the exports print them in it).
    #[test]
    fn values_cross_back_identically() {
        for v in values() {
            let bytes = written(&v);
            let mut r = Reader::new(&bytes);
            let back = r.value().expect("reads");
            r.finish().expect("all read");
            assert_eq!(back, v);
            assert_eq!(back.to_string(), v.to_string());
            if let (Value::Number(a), Value::Number(b)) = (&back, &v) {
                assert_eq!(
                    (a.is_u64(), a.is_i64(), a.is_f64()),
                    (b.is_u64(), b.is_i64(), b.is_f64())
                );
            }
        }
    }

    #[test]
    fn integers_and_strings_cross_back() {
        let mut w = Writer::default();
        let numbers = [0, 1, 127, 128, 300, u32::MAX as u64, u64::MAX];
        numbers.iter().for_each(|&n| w.uint(n));
        w.str("héllo");
        w.opt_str(None);
        w.opt_str(Some(""));
        w.opt_str(Some("x"));
        let mut r = Reader::new(&w.bytes);
        for n in numbers {
            assert_eq!(r.uint().expect("reads"), n);
        }
        assert_eq!(r.str().expect("reads"), "héllo");
        assert_eq!(r.opt_string().expect("reads"), None);
        assert_eq!(r.opt_string().expect("reads"), Some(String::new()));
        assert_eq!(r.opt_string().expect("reads"), Some("x".into()));
        r.finish().expect("all read");
    }

    /// Cut short anywhere, a message is an error; so are bytes that were never written.
    #[test]
    fn malformed_bytes_are_errors_not_panics() {
        let v = json!({"a": [1, -2, 3.5, "four", null, true], "b": {"c": "d"}});
        let bytes = written(&v);
        for end in 0..bytes.len() {
            assert!(Reader::new(&bytes[..end]).value().is_err(), "cut at {end}");
        }
        let mut long = bytes.clone();
        long.push(0);
        let mut r = Reader::new(&long);
        r.value().expect("the value itself reads");
        assert!(r.finish().is_err());
        for bad in [
            &[9u8][..],
            &[FLOAT, 0, 0, 0, 0, 0, 0, 0xf8, 0x7f],
            &[STRING, 2, 0xff, 0xfe],
            &[ARRAY, 0xff, 0xff, 0xff, 0xff, 0x0f],
            &[
                NEG_INT, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01,
            ],
            &[
                POS_INT, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02,
            ],
            &[
                POS_INT, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0,
            ],
        ] {
            assert!(Reader::new(bad).value().is_err(), "{bad:?}");
        }
        // Flipping any byte may give another valid value, but never a panic.
        for i in 0..bytes.len() {
            for flip in [0x01, 0x80, 0xff] {
                let mut changed = bytes.clone();
                changed[i] ^= flip;
                let _ = Reader::new(&changed).value();
            }
        }
    }

    #[test]
    fn nesting_is_bounded() {
        let mut deep = json!(1);
        for _ in 0..MAX_DEPTH {
            deep = json!([deep]);
        }
        let bytes = written(&deep);
        assert_eq!(Reader::new(&bytes).value().expect("reads"), deep);
        let deeper = written(&json!([deep]));
        let error = Reader::new(&deeper).value().expect_err("too deep");
        assert!(error.to_string().contains("nested"), "{error}");
        // A message of nothing but array openings stops at the limit, not at the stack's.
        let mut hostile = Vec::new();
        for _ in 0..100_000 {
            hostile.extend_from_slice(&[ARRAY, 1]);
        }
        assert!(Reader::new(&hostile).value().is_err());
    }
}
