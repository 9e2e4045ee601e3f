//! Bytes to JSON values: plain JSON and NDJSON (one document per line, as `jq -c` and many log
//! pipelines print), and the IAM credential report's CSV, each optionally gzip-compressed (exports are large and compress ~20×, so
//! admins send `.json.gz`). Errors carry the line and column so an auditor can open the file
//! there.

use serde_json::Value;
use std::borrow::Cow;
use std::fmt;

/// What the bytes turned out to be.
#[derive(Debug, Clone, PartialEq)]
pub enum Decoded {
    Json(Value),
    /// Each line's document, with its 1-based line number.
    Ndjson(Vec<(usize, Value)>),
}

/// The most a gzip file may expand to. Real exports stay far below it; a "zip bomb" hits it and
/// gets an error instead of exhausting the browser tab's memory.
pub const MAX_DECOMPRESSED: u64 = 1 << 30;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecodeError {
    Empty,
    NotText,
    /// A gzip stream that is corrupt, truncated or larger than [`MAX_DECOMPRESSED`].
    Gzip(String),
    /// Syntax error at a 1-based line and column.
    Syntax {
        line: usize,
        column: usize,
        message: String,
        truncated: bool,
    },
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeError::Empty => f.write_str("the file is empty"),
            DecodeError::NotText => {
                f.write_str("the file is not UTF-8 text (is it compressed or binary?)")
            }
            DecodeError::Gzip(why) => {
                write!(
                    f,
                    "the file is gzip-compressed but cannot be decompressed: {why}"
                )
            }
            DecodeError::Syntax {
                line,
                column,
                message,
                truncated: true,
            } => {
                write!(f, "the JSON ends early at line {line}, column {column}: the file looks truncated ({message})")
            }
            DecodeError::Syntax {
                line,
                column,
                message,
                ..
            } => {
                write!(
                    f,
                    "not valid JSON at line {line}, column {column}: {message}"
                )
            }
        }
    }
}

impl std::error::Error for DecodeError {}

/// The first columns of an IAM credential report in CSV.
pub const CREDENTIAL_REPORT_HEADER: &str = "user,arn,user_creation_time,";

/// Decodes one file's bytes.
pub fn decode(bytes: &[u8]) -> Result<Decoded, DecodeError> {
    decode_text(&text(bytes)?)
}

/// A file's text: decompressed when gzipped, without a byte-order mark, checked to be UTF-8.
/// Borrowed from `bytes` unless it had to be decompressed.
pub fn text(bytes: &[u8]) -> Result<Cow<'_, str>, DecodeError> {
    if bytes.starts_with(GZIP) {
        let mut plain = gunzip(bytes)?;
        if plain.starts_with(GZIP) {
            return text(&plain).map(|t| Cow::Owned(t.into_owned()));
        }
        if plain.starts_with(BOM) {
            plain.drain(..BOM.len());
        }
        // Decompressed text can be hundreds of megabytes: moved, never copied.
        let text = String::from_utf8(plain).map_err(|_| DecodeError::NotText)?;
        return non_empty(Cow::Owned(text));
    }
    let bytes = bytes.strip_prefix(BOM).unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|_| DecodeError::NotText)?;
    non_empty(Cow::Borrowed(text))
}

/// [`text`] of bytes the caller gives up: the text is the same buffer, not a copy of it (a
/// 100 MB export would otherwise be held twice while it is read).
pub fn text_owned(mut bytes: Vec<u8>) -> Result<Cow<'static, str>, DecodeError> {
    if bytes.starts_with(GZIP) {
        return text(&bytes).map(|t| Cow::Owned(t.into_owned()));
    }
    if bytes.starts_with(BOM) {
        bytes.drain(..BOM.len());
    }
    let text = String::from_utf8(bytes).map_err(|_| DecodeError::NotText)?;
    non_empty(Cow::Owned(text))
}

const GZIP: &[u8] = &[0x1f, 0x8b];
const BOM: &[u8] = b"\xEF\xBB\xBF";

fn non_empty(text: Cow<'_, str>) -> Result<Cow<'_, str>, DecodeError> {
    if text.trim().is_empty() {
        Err(DecodeError::Empty)
    } else {
        Ok(text)
    }
}

/// Decodes a file's [`text`].
pub fn decode_text(text: &str) -> Result<Decoded, DecodeError> {
    if text.starts_with(CREDENTIAL_REPORT_HEADER) {
        // The credential report as the console downloads it: CSV, not JSON. It is read as the
        // `Content` of `aws iam get-credential-report`, whose normaliser knows the columns.
        return Ok(Decoded::Json(serde_json::json!({
            "Content": text,
            "ReportFormat": "text/csv",
        })));
    }
    match serde_json::from_str::<Value>(text) {
        Ok(value) => Ok(Decoded::Json(value)),
        Err(whole) => {
            // "trailing characters" after a first complete document is how NDJSON looks to a
            // plain JSON parser; anything else is a genuine syntax error.
            if whole.is_syntax() && whole.to_string().starts_with("trailing characters") {
                if let Some(lines) = decode_ndjson(text)? {
                    return Ok(Decoded::Ndjson(lines));
                }
            }
            Err(syntax_error(&whole))
        }
    }
}

/// Decompresses a gzip stream (all members, as `cat a.gz b.gz` makes), refusing to grow past
/// [`MAX_DECOMPRESSED`].
fn gunzip(bytes: &[u8]) -> Result<Vec<u8>, DecodeError> {
    use std::io::Read;
    let mut out = Vec::new();
    let reader = flate2::read::MultiGzDecoder::new(bytes);
    reader
        .take(MAX_DECOMPRESSED + 1)
        .read_to_end(&mut out)
        .map_err(|e| DecodeError::Gzip(e.to_string()))?;
    if out.len() as u64 > MAX_DECOMPRESSED {
        return Err(DecodeError::Gzip(format!(
            "it expands past {} MiB",
            MAX_DECOMPRESSED >> 20
        )));
    }
    Ok(out)
}

fn decode_ndjson(text: &str) -> Result<Option<Vec<(usize, Value)>>, DecodeError> {
    let mut docs = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let line_no = index + 1;
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<Value>(line) {
            Ok(value) => docs.push((line_no, value)),
            Err(err) => {
                if docs.is_empty() {
                    return Ok(None);
                }
                let mut located = syntax_error(&err);
                if let DecodeError::Syntax { line, .. } = &mut located {
                    *line = line_no;
                }
                return Err(located);
            }
        }
    }
    Ok((docs.len() > 1).then_some(docs))
}

/// Whether `text` is one JSON document that parses into a tree, checked without building one:
/// what [`decode_text`]'s parser accepts, number ranges and nesting depth included, which merely
/// skipping over values (as `RawValue` does) does not check. Lets the streamed normalisers read
/// fragments of the text knowing the whole would have parsed.
pub fn parses_as_tree(text: &str) -> bool {
    serde_json::from_str::<Parses>(text).is_ok()
}

/// A value read and dropped as it is parsed: serde_json's tree reader without the tree.
struct Parses;

impl<'de> serde::Deserialize<'de> for Parses {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Parses, D::Error> {
        d.deserialize_any(Parses)
    }
}

impl<'de> serde::de::Visitor<'de> for Parses {
    type Value = Parses;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, _: bool) -> Result<Parses, E> {
        Ok(Parses)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Parses, E> {
        Ok(Parses)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Parses, E> {
        Ok(Parses)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Parses, E> {
        Ok(Parses)
    }
    fn visit_str<E>(self, _: &str) -> Result<Parses, E> {
        Ok(Parses)
    }
    fn visit_unit<E>(self) -> Result<Parses, E> {
        Ok(Parses)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Parses, A::Error> {
        while seq.next_element::<Parses>()?.is_some() {}
        Ok(Parses)
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Parses, A::Error> {
        while map.next_key::<Parses>()?.is_some() {
            map.next_value::<Parses>()?;
        }
        Ok(Parses)
    }
}

fn syntax_error(err: &serde_json::Error) -> DecodeError {
    let message = err.to_string();
    // serde_json appends " at line L column C"; we report those separately.
    let message = match message.rfind(" at line ") {
        Some(pos) => message[..pos].to_string(),
        None => message,
    };
    DecodeError::Syntax {
        line: err.line(),
        column: err.column(),
        message,
        truncated: err.is_eof(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Skipping over values accepts what the tree reader refuses; the check must not.
    #[test]
    fn parses_as_tree_is_what_the_tree_reader_accepts() {
        let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
        for text in [
            r#"{"a": [1, -2.5e3, "x\"", null, true]}"#,
            "[1e400]",
            "{\"a\": 1} 2",
            &deep,
            "[1,]",
            "7",
        ] {
            assert_eq!(
                parses_as_tree(text),
                serde_json::from_str::<Value>(text).is_ok(),
                "{text}"
            );
        }
        assert!(serde_json::from_str::<&serde_json::value::RawValue>("[1e400]").is_ok());
    }

    #[test]
    fn plain_json() {
        assert_eq!(
            decode(br#"{"a": 1}"#),
            Ok(Decoded::Json(serde_json::json!({"a": 1})))
        );
    }

    #[test]
    fn credential_report_csv_becomes_its_cli_shape() {
        let csv = "user,arn,user_creation_time,password_enabled\n<root_account>,arn:aws:iam::123456789012:root,2026-01-01T00:00:00+00:00,not_supported\n";
        assert_eq!(
            decode(csv.as_bytes()),
            Ok(Decoded::Json(
                serde_json::json!({"Content": csv, "ReportFormat": "text/csv"})
            ))
        );
    }

    #[test]
    fn strips_bom() {
        assert!(matches!(decode(b"\xEF\xBB\xBF[1]"), Ok(Decoded::Json(_))));
    }

    #[test]
    fn ndjson_lines_keep_numbers() {
        let got = decode(b"{\"a\":1}\n\n{\"a\":2}\n").expect("ndjson");
        assert_eq!(
            got,
            Decoded::Ndjson(vec![
                (1, serde_json::json!({"a":1})),
                (3, serde_json::json!({"a":2}))
            ])
        );
    }

    #[test]
    fn ndjson_bad_line_is_located() {
        let err = decode(b"{\"a\":1}\n{\"a\":2}\n{\"a\":\n").expect_err("bad line");
        assert!(
            matches!(err, DecodeError::Syntax { line: 3, .. }),
            "{err:?}"
        );
    }

    #[test]
    fn truncated_is_called_truncated() {
        let err = decode(b"{\n  \"Policies\": [\n    {\"a\": 1}").expect_err("truncated");
        assert!(err.to_string().contains("truncated"), "{err}");
        assert!(matches!(
            err,
            DecodeError::Syntax {
                line: 3,
                truncated: true,
                ..
            }
        ));
    }

    #[test]
    fn not_json_is_located() {
        let err = decode(b"hello, world").expect_err("text");
        assert!(
            err.to_string()
                .starts_with("not valid JSON at line 1, column 1"),
            "{err}"
        );
    }

    fn gzip(data: &[u8]) -> Vec<u8> {
        use std::io::Write;
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        enc.write_all(data).expect("in-memory write");
        enc.finish().expect("in-memory gzip")
    }

    #[test]
    fn owned_bytes_give_the_same_text_as_borrowed_ones() {
        let bom = [BOM, br#"{"a": 1}"#.as_slice()].concat();
        for bytes in [
            br#"{"a": 1}"#.to_vec(),
            bom,
            gzip(br#"{"a": 1}"#),
            gzip(&gzip(b"[]")),
            b"  \n".to_vec(),
            vec![0xff, 0xfe, b'{'],
        ] {
            let borrowed = text(&bytes).map(Cow::into_owned);
            assert_eq!(text_owned(bytes).map(Cow::into_owned), borrowed);
        }
    }

    #[test]
    fn gzip_is_transparent() {
        assert_eq!(
            decode(&gzip(br#"{"a": 1}"#)),
            Ok(Decoded::Json(serde_json::json!({"a": 1})))
        );
        assert!(matches!(
            decode(&gzip(b"{\"a\":1}\n{\"a\":2}\n")),
            Ok(Decoded::Ndjson(_))
        ));
    }

    #[test]
    fn truncated_gzip_is_an_error_not_a_panic() {
        let whole = gzip(&br#"{"Policies": []}"#.repeat(50));
        let err = decode(&whole[..whole.len() / 2]).expect_err("truncated");
        assert!(matches!(err, DecodeError::Gzip(_)), "{err:?}");
        assert!(err.to_string().contains("gzip"), "{err}");
    }

    #[test]
    fn empty_and_binary() {
        assert_eq!(decode(b"  \n"), Err(DecodeError::Empty));
        assert_eq!(decode(&[0x00, 0xff, 0xfe, 0x50]), Err(DecodeError::NotText));
    }
}
