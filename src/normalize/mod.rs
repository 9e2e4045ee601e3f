//! Each format's own semantics become the one resource model here. Normalisers own the quirks
//! (double-encoded policies, optional keys, list-or-string fields) so rules never see them.

pub mod aws;
mod aws_iam_authz;

use crate::detect::Format;
use crate::Resource;
use serde_json::Value;
use std::fmt;

/// A document that has the right shape but contents we cannot make sense of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NormalizeError {
    pub pointer: String,
    pub message: String,
}

impl fmt::Display for NormalizeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.pointer.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "at {}: {}", self.pointer, self.message)
        }
    }
}

impl std::error::Error for NormalizeError {}

/// What a document normalised into, with remarks for its verdict ("this output names no
/// bucket", "3 calls failed with AccessDenied").
#[derive(Debug, Clone, Default)]
pub struct Normalized {
    pub resources: Vec<Resource>,
    pub notes: Vec<String>,
    /// Where the entries of the document's large lists lie in the file's text, for quoting
    /// evidence from an entry alone; filled only by the readers of [`streamed`].
    pub entries: crate::pointer::EntrySpans,
}

/// Normalises the largest exports straight from their text, so that no tree of the whole file
/// is ever built: authorization details (entry by entry), the collector's bundle (output by
/// output), and lone outputs whose normaliser declares what it reads (`describe-instances`: a
/// tree of only that). `None` when the text is not plainly one of them (the caller then
/// decodes, detects and normalises it like any other file). The bundle and the lone outputs
/// are tried first: they turn a file that does not start like one away at its first key,
/// while authorization details first check that the whole text parses.
pub fn streamed(text: &str, file: &str) -> Option<(Format, Result<Normalized, NormalizeError>)> {
    if let Some(normalized) = aws::bundle::normalize_text(text, file) {
        return Some((Format::AwsBundle, Ok(normalized)));
    }
    if let Some((command, tree)) = aws::lone_output(text) {
        // The tree has the file's one top-level member, so detection sees what it would see
        // in the file; should it say otherwise, the tree path decides.
        let format = Format::AwsCli(command.id);
        if crate::detect::detect(&tree) != crate::detect::Detection::Recognized(format) {
            return None;
        }
        // A file that does not normalise is left to the tree path, which reports it as it
        // reports any other.
        return normalize(format, &tree, file, "")
            .ok()
            .map(|n| (format, Ok(n)));
    }
    let result = aws_iam_authz::normalize_text(text, file)?;
    let normalized = result.map(|(resources, entries)| Normalized {
        resources,
        notes: Vec::new(),
        entries,
    });
    Some((Format::AwsIamAuthorizationDetails, normalized))
}

/// Normalises one recognised document. `base` is the pointer of the document within its file
/// (empty for plain JSON, `/N` for line N+1 of an NDJSON file).
pub fn normalize(
    format: Format,
    doc: &Value,
    file: &str,
    base: &str,
) -> Result<Normalized, NormalizeError> {
    let (resources, notes) = match format {
        Format::AwsIamAuthorizationDetails => {
            (aws_iam_authz::normalize(doc, file, base)?, Vec::new())
        }
        Format::AwsBundle => aws::bundle::normalize(doc, file, base)?,
        Format::AwsConfig => aws::config::normalize(doc, file, base)?,
        Format::AwsCli(id) => match aws::command_by_id(id) {
            Some(command) => aws::normalize_output(command, doc, file, base)?,
            None => (Vec::new(), vec![format!("no normaliser for {id}")]),
        },
    };
    Ok(Normalized {
        resources,
        notes,
        entries: crate::pointer::EntrySpans::default(),
    })
}
