//! The evidence fragment, pretty-printed a line at a time with the lines the rule looked at
//! marked, so the auditor's eye lands on `"Action": "*"` rather than on the whole statement.
//!
//! The engine records what a rule tested as the evidence's attribute path (`statements[0]`)
//! and, in its note, the normalised attributes of each leaf in backticks (`` `actions` ``).
//! Normalised names differ from the export's keys (`actions` for `Action`, `not_actions` for
//! `NotAction`), so keys are compared loosely: case, underscores and a plural `s` aside. Action
//! names quoted in the note (`iam:PassRole`) mark the lines that hold them. When nothing
//! matches, the whole fragment is the offending one and every line is marked.

use serde_json::Value;
use stratoscope::Evidence;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub text: String,
    pub marked: bool,
}

/// A key or term reduced for loose comparison: lower case, no underscores, no plural `s`.
fn loose(s: &str) -> String {
    let mut k: String = s
        .chars()
        .filter(|c| *c != '_' && *c != '-')
        .flat_map(char::to_lowercase)
        .collect();
    if k.len() > 3 && k.ends_with('s') {
        k.pop();
    }
    k
}

/// Normalised facts derived from an export key under another name (the IAM normaliser's
/// trust-statement facts): the key to mark for each.
const DERIVED_FROM: [(&str, &str); 4] = [
    ("everyone", "principal"),
    ("other_account", "principal"),
    ("restricting_condition", "condition"),
    ("condition_keys", "condition"),
];

/// What the rule looked at: attribute names from the note's code spans and the path's last
/// segment, and IAM action names (`service:Action`) mentioned anywhere in the note.
fn terms(evidence: &Evidence) -> (Vec<String>, Vec<String>) {
    let mut keys = Vec::new();
    let mut actions = Vec::new();
    for (i, piece) in evidence.note.split('`').enumerate() {
        if i % 2 == 1 && piece.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            keys.push(loose(piece));
            if let Some((_, key)) = DERIVED_FROM.iter().find(|(fact, _)| *fact == piece) {
                keys.push(loose(key));
            }
        }
    }
    let last = evidence.path.rsplit('.').next().unwrap_or("");
    let last = last.split('[').next().unwrap_or("");
    if !last.is_empty() {
        keys.push(loose(last));
    }
    for word in evidence
        .note
        .split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | '"' | '`' | '(' | ')'))
    {
        if let Some((svc, action)) = word.split_once(':') {
            if !svc.is_empty()
                && !action.is_empty()
                && svc.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                && action
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '*')
            {
                actions.push(word.to_ascii_lowercase());
            }
        }
    }
    (keys, actions)
}

fn key_matches(key: &str, terms: &[String]) -> bool {
    let k = loose(key);
    terms
        .iter()
        .any(|t| *t == k || (k.len() >= 5 && t.starts_with(&k)))
}

struct Printer<'a> {
    keys: &'a [String],
    actions: &'a [String],
    lines: Vec<Line>,
}

impl Printer<'_> {
    fn push(&mut self, depth: usize, text: String, marked: bool) {
        self.lines.push(Line {
            text: format!("{}{text}", "  ".repeat(depth)),
            marked,
        });
    }

    fn scalar_marked(&self, v: &Value) -> bool {
        v.as_str()
            .is_some_and(|s| self.actions.contains(&s.to_ascii_lowercase()))
    }

    /// Prints `value` at `depth`, after `prefix` (`"Key": ` or nothing) and before `comma`.
    fn value(&mut self, depth: usize, prefix: String, value: &Value, comma: &str, marked: bool) {
        let (open, close, items): (&str, &str, Vec<(Option<&String>, &Value)>) = match value {
            Value::Object(m) if !m.is_empty() => {
                ("{", "}", m.iter().map(|(k, v)| (Some(k), v)).collect())
            }
            Value::Array(a) if !a.is_empty() => ("[", "]", a.iter().map(|v| (None, v)).collect()),
            _ => {
                let text = serde_json::to_string(value).unwrap_or_default();
                let marked = marked || self.scalar_marked(value);
                self.push(depth, format!("{prefix}{text}{comma}"), marked);
                return;
            }
        };
        self.push(depth, format!("{prefix}{open}"), marked);
        let n = items.len();
        for (i, (key, v)) in items.into_iter().enumerate() {
            let comma = if i + 1 < n { "," } else { "" };
            let (prefix, hit) = match key {
                Some(k) => (
                    format!("{}: ", serde_json::to_string(k).unwrap_or_default()),
                    key_matches(k, self.keys),
                ),
                None => (String::new(), false),
            };
            self.value(depth + 1, prefix, v, comma, marked || hit);
        }
        self.push(depth, format!("{close}{comma}"), marked);
    }
}

/// The fragment as pretty JSON lines (the same text `serde_json::to_string_pretty` prints),
/// each marked or not.
pub fn evidence_lines(value: &Value, evidence: &Evidence) -> Vec<Line> {
    let (keys, actions) = terms(evidence);
    let mut p = Printer {
        keys: &keys,
        actions: &actions,
        lines: Vec::new(),
    };
    p.value(0, String::new(), value, "", false);
    let mut lines = p.lines;
    if !lines.iter().any(|l| l.marked) {
        for l in &mut lines {
            l.marked = true;
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ev(path: &str, note: &str) -> Evidence {
        Evidence {
            file: "f.json".into(),
            pointer: "/Policies/0".into(),
            path: path.into(),
            value: None,
            note: note.into(),
        }
    }

    fn marked(lines: &[Line]) -> Vec<String> {
        lines
            .iter()
            .filter(|l| l.marked)
            .map(|l| l.text.trim().to_string())
            .collect()
    }

    #[test]
    fn prints_exactly_like_serde_pretty() {
        let v = json!({"Sid": "A", "Effect": "Allow", "Action": ["s3:GetObject", "iam:*"], "Resource": "*", "Condition": {}, "X": {"Y": [1, {"Z": null}]}, "E": []});
        let text: Vec<String> = evidence_lines(&v, &ev("", ""))
            .into_iter()
            .map(|l| l.text)
            .collect();
        assert_eq!(
            text.join("\n"),
            serde_json::to_string_pretty(&v).expect("prints")
        );
    }

    #[test]
    fn marks_the_keys_the_rule_tested() {
        let v = json!({"Sid": "BreakGlass", "Effect": "Allow", "Action": ["*"], "Resource": "*"});
        let e = ev(
            "statements[0]",
            "`effect` eq \"Allow\"; `actions` contains_any [\"*\"]; `resources` contains \"*\"",
        );
        assert_eq!(
            marked(&evidence_lines(&v, &e)),
            vec![
                "\"Effect\": \"Allow\",",
                "\"Action\": [",
                "\"*\"",
                "],",
                "\"Resource\": \"*\""
            ]
        );
        let na = json!({"Effect": "Allow", "NotAction": "iam:*"});
        let e = ev("statements[1]", "`not_actions` exists");
        assert_eq!(
            marked(&evidence_lines(&na, &e)),
            vec!["\"NotAction\": \"iam:*\""]
        );
    }

    #[test]
    fn derived_trust_facts_mark_the_key_they_come_from() {
        let v = json!({"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::444455556666:root"}, "Action": "sts:AssumeRole"});
        let e = ev(
            "trust_statements[0]",
            "`effect` eq \"Allow\"; `other_account` eq true",
        );
        assert_eq!(
            marked(&evidence_lines(&v, &e)),
            vec![
                "\"Effect\": \"Allow\",",
                "\"Principal\": {",
                "\"AWS\": \"arn:aws:iam::444455556666:root\"",
                "},"
            ]
        );
    }

    #[test]
    fn marks_actions_named_in_the_note() {
        let v = json!({"Effect": "Allow", "Action": ["iam:PassRole", "lambda:CreateFunction", "s3:GetObject"], "Resource": "*"});
        let e = ev(
            "statements",
            "can pass a role (iam:PassRole) to lambda:CreateFunction",
        );
        assert_eq!(
            marked(&evidence_lines(&v, &e)),
            vec!["\"iam:PassRole\",", "\"lambda:CreateFunction\","]
        );
    }

    #[test]
    fn nothing_specific_marks_the_whole_fragment() {
        let v = json!({"Effect": "Allow"});
        let lines = evidence_lines(&v, &ev("statements", "grants everything"));
        assert!(lines.iter().all(|l| l.marked));
        assert_eq!(lines.len(), 3);
    }
}
