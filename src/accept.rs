//! Accepted risks: an auditor's record that a finding is known and tolerated, with a reason, an
//! owner and an expiry date. Accepted findings stay in the report, flagged with the acceptance,
//! so nothing disappears silently; they stop counting as open failures (summary counts, exit
//! codes) until the acceptance expires.
//!
//! The file format is JSON so the browser app and the CLI can exchange it:
//!
//! ```json
//! { "stratoscope_acceptances": 1,
//!   "acceptances": [
//!     { "id": "risk-1", "reason": "Break-glass role, MFA-only, alarmed",
//!       "owner": "secops@example.com", "expires": "2025-12-31", "created": "2025-01-31",
//!       "scope": { "type": "finding", "rule_id": "STRAT-AWS-IAM-001",
//!                  "resource_id": "arn:aws:iam::123456789012:policy/break-glass" } },
//!     { "id": "risk-2", "reason": "Sandbox account, isolated by SCPs",
//!       "scope": { "type": "account", "account": "123456789012" } },
//!     { "id": "risk-3", "reason": "Vendor roles are reviewed by the vendor programme",
//!       "scope": { "type": "pattern", "rule": "iam-role-trust-*",
//!                  "resource": "arn:aws:iam::*:role/vendor-*" } } ] }
//! ```
//!
//! Dates are `YYYY-MM-DD`. The engine has no clock: callers pass today's date to [`apply`].

use crate::iam::pattern::wildcard_match;
use crate::report::{AcceptedBy, Finding, Report};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::fmt;

/// The key and version that mark a Stratoscope acceptances file.
pub const FILE_KEY: &str = "stratoscope_acceptances";
pub const FILE_VERSION: u64 = 1;

/// One accepted risk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Acceptance {
    /// Unique within a file; copied onto the findings it covers.
    pub id: String,
    pub scope: Scope,
    /// Why the risk is acceptable. Required: an acceptance without a reason is not a record.
    pub reason: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// Last day (`YYYY-MM-DD`, inclusive) the acceptance holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<String>,
}

/// Which findings an acceptance covers. Rule patterns match a rule id (case-insensitively) or a
/// rule name; `*` in a pattern matches any run of characters and `?` one character.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Scope {
    /// Exactly one finding: one rule on one resource.
    Finding {
        rule_id: String,
        resource_id: String,
    },
    /// Findings of the rules matching `rule` on the resources whose id matches `resource`.
    Pattern { rule: String, resource: String },
    /// Every finding in an account, or only those of the rules matching `rule`.
    Account {
        account: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        rule: Option<String>,
    },
}

impl Scope {
    /// Narrower scopes win when several acceptances cover one finding.
    fn specificity(&self) -> u8 {
        match self {
            Scope::Finding { .. } => 0,
            Scope::Pattern { .. } => 1,
            Scope::Account { .. } => 2,
        }
    }

    /// True when the scope covers `f`.
    pub fn covers(&self, f: &Finding) -> bool {
        let rule_matches = |pattern: &str| {
            wildcard_match(pattern, f.rule_id(), true)
                || wildcard_match(pattern, f.rule_name(), false)
        };
        match self {
            Scope::Finding {
                rule_id,
                resource_id,
            } => {
                (rule_id.eq_ignore_ascii_case(f.rule_id()) || rule_id == f.rule_name())
                    && *resource_id == f.resource.id
            }
            Scope::Pattern { rule, resource } => {
                rule_matches(rule) && wildcard_match(resource, &f.resource.id, false)
            }
            Scope::Account { account, rule } => {
                f.resource.account.as_deref() == Some(account.as_str())
                    && rule.as_deref().is_none_or(rule_matches)
            }
        }
    }
}

/// A problem with one acceptances file, located by entry and field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AcceptError {
    /// Index into `acceptances`, or `None` for the file as a whole.
    pub index: Option<usize>,
    /// Field inside the entry (`reason`, `scope.resource`), when one is to blame.
    pub field: Option<String>,
    pub message: String,
}

impl fmt::Display for AcceptError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.index, &self.field) {
            (Some(i), Some(field)) => write!(f, "acceptances[{i}].{field}: {}", self.message),
            (Some(i), None) => write!(f, "acceptances[{i}]: {}", self.message),
            (None, Some(field)) => write!(f, "{field}: {}", self.message),
            (None, None) => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for AcceptError {}

/// Parses and validates an acceptances file, reporting every problem rather than the first,
/// so an auditor fixes a hand-edited file in one pass.
pub fn parse_file(text: &str) -> Result<Vec<Acceptance>, Vec<AcceptError>> {
    let whole = |field: Option<&str>, message: String| {
        vec![AcceptError {
            index: None,
            field: field.map(str::to_string),
            message,
        }]
    };
    let doc: Value =
        serde_json::from_str(text).map_err(|e| whole(None, format!("not a JSON document: {e}")))?;
    match doc.get(FILE_KEY).and_then(Value::as_u64) {
        Some(FILE_VERSION) => {}
        Some(v) => {
            return Err(whole(
                Some(FILE_KEY),
                format!("version {v} is not supported (this Stratoscope reads version {FILE_VERSION})"),
            ))
        }
        None => {
            return Err(whole(
                None,
                format!("not an acceptances file: expected {{\"{FILE_KEY}\": {FILE_VERSION}, \"acceptances\": [...]}}"),
            ))
        }
    }
    let entries = doc
        .get("acceptances")
        .and_then(Value::as_array)
        .ok_or_else(|| whole(Some("acceptances"), "must be an array".into()))?;
    let mut out: Vec<Acceptance> = Vec::new();
    let mut errors = Vec::new();
    for (i, entry) in entries.iter().enumerate() {
        let (acceptance, mut problems) = entry_of(entry);
        if let Some(a) = acceptance {
            problems.extend(validate(&a));
            if let Some(j) = out.iter().position(|o| o.id == a.id) {
                let message = format!("{:?} is also the id of acceptances[{j}]", a.id);
                problems.push((Some("id"), message));
            }
            if problems.is_empty() {
                out.push(a);
            }
        }
        errors.extend(problems.into_iter().map(|(field, message)| AcceptError {
            index: Some(i),
            field: field.map(str::to_string),
            message,
        }));
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// A problem inside one entry: the field to blame (if one is) and what is wrong.
type EntryProblem = (Option<&'static str>, String);

const FIELDS: [&str; 6] = ["id", "scope", "reason", "owner", "expires", "created"];

/// Reads one entry field by field, so each problem names its field (serde's own messages do
/// not say which field of which entry). The acceptance is built whenever its required fields
/// are readable, so the remaining checks can still run and report in the same pass.
fn entry_of(entry: &Value) -> (Option<Acceptance>, Vec<EntryProblem>) {
    let Some(obj) = entry.as_object() else {
        return (None, vec![(None, "must be an object".into())]);
    };
    let mut problems: Vec<EntryProblem> = obj
        .keys()
        .filter(|k| !FIELDS.contains(&k.as_str()))
        .map(|k| {
            (
                None,
                format!("unknown field {k:?} (expected {})", FIELDS.join(", ")),
            )
        })
        .collect();
    let mut text = |field: &'static str, required: bool| match obj.get(field) {
        Some(Value::String(s)) => Some(s.clone()),
        None | Some(Value::Null) => {
            if required {
                problems.push((Some(field), "is required".into()));
            }
            None
        }
        Some(_) => {
            problems.push((Some(field), "must be a string".into()));
            None
        }
    };
    let id = text("id", true);
    let reason = text("reason", true);
    let owner = text("owner", false);
    let expires = text("expires", false);
    let created = text("created", false);
    let scope = match obj.get("scope") {
        None => {
            problems.push((Some("scope"), "is required".into()));
            None
        }
        Some(v) => Scope::deserialize(v)
            .map_err(|e| problems.push((Some("scope"), e.to_string())))
            .ok(),
    };
    let acceptance = match (id, scope, reason) {
        (Some(id), Some(scope), Some(reason)) => Some(Acceptance {
            id,
            scope,
            reason,
            owner,
            expires,
            created,
        }),
        _ => None,
    };
    (acceptance, problems)
}

/// Field-level checks serde cannot express: non-empty text, real dates, non-empty patterns.
fn validate(a: &Acceptance) -> Vec<EntryProblem> {
    let mut problems = Vec::new();
    let mut require = |field: &'static str, value: &str| {
        if value.trim().is_empty() {
            problems.push((Some(field), "must not be empty".to_string()));
        }
    };
    require("id", &a.id);
    require("reason", &a.reason);
    match &a.scope {
        Scope::Finding {
            rule_id,
            resource_id,
        } => {
            require("scope.rule_id", rule_id);
            require("scope.resource_id", resource_id);
        }
        Scope::Pattern { rule, resource } => {
            require("scope.rule", rule);
            require("scope.resource", resource);
        }
        Scope::Account { account, rule } => {
            require("scope.account", account);
            if let Some(rule) = rule {
                require("scope.rule", rule);
            }
        }
    }
    for (field, value) in [("expires", &a.expires), ("created", &a.created)] {
        if let Some(d) = value {
            if !is_date(d) {
                problems.push((
                    Some(field),
                    format!("{d:?} is not a date in the form YYYY-MM-DD"),
                ));
            }
        }
    }
    problems
}

/// True for a real calendar date written `YYYY-MM-DD`. Such dates order correctly as strings,
/// which is all expiry needs.
pub fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let num = |r: std::ops::Range<usize>| {
        s.get(r)
            .filter(|p| p.bytes().all(|c| c.is_ascii_digit()))
            .and_then(|p| p.parse::<u32>().ok())
    };
    let (Some(year), Some(month), Some(day)) = (num(0..4), num(5..7), num(8..10)) else {
        return false;
    };
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&day)
}

/// Serialises acceptances as a file [`parse_file`] reads back (the web app's "export").
pub fn to_file(acceptances: &[Acceptance]) -> String {
    crate::report::pretty_json(&serde_json::json!({
        FILE_KEY: FILE_VERSION,
        "acceptances": acceptances,
    }))
}

/// What applying acceptances did, for the auditor to review.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplyOutcome {
    /// (acceptance id, number of findings it now covers), in file order; only those that matched.
    pub applied: Vec<(String, usize)>,
    /// Acceptances past their expiry date. They were not applied, whatever they would match.
    pub expired: Vec<String>,
    /// Unexpired acceptances that matched no finding: fixed, renamed, or mistyped.
    pub unmatched: Vec<String>,
}

/// Marks the findings each unexpired acceptance covers and recomputes the summary.
///
/// `today` is the caller's date, `YYYY-MM-DD`; an acceptance holds through its `expires` day.
/// When several acceptances cover one finding, the narrowest scope wins (finding, then pattern,
/// then account), then the earliest in the list. Any acceptance already on a finding is
/// replaced, so applying twice gives the same report.
pub fn apply(report: &mut Report, acceptances: &[Acceptance], today: &str) -> ApplyOutcome {
    let mut outcome = ApplyOutcome::default();
    let expired: Vec<bool> = acceptances
        .iter()
        .map(|a| a.expires.as_deref().is_some_and(|e| e < today))
        .collect();
    let mut active: Vec<(usize, &Acceptance)> = acceptances
        .iter()
        .enumerate()
        .filter(|(i, _)| !expired[*i])
        .collect();
    active.sort_by_key(|(i, a)| (a.scope.specificity(), *i));
    let mut counts = vec![0usize; acceptances.len()];
    for f in &mut report.findings {
        f.accepted = active
            .iter()
            .find(|(_, a)| a.scope.covers(f))
            .map(|(i, a)| {
                counts[*i] += 1;
                Box::new(AcceptedBy {
                    acceptance_id: a.id.clone(),
                    reason: a.reason.clone(),
                    owner: a.owner.clone(),
                    expires: a.expires.clone(),
                })
            });
    }
    for (i, a) in acceptances.iter().enumerate() {
        let id = a.id.clone();
        match (expired[i], counts[i]) {
            (true, _) => outcome.expired.push(id),
            (false, 0) => outcome.unmatched.push(id),
            (false, n) => outcome.applied.push((id, n)),
        }
    }
    report.summary.tally_findings(&report.findings);
    outcome
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{analyze, pack, Input, Options, Severity};

    fn report() -> Report {
        let pack = pack::builtin().expect("built-in pack");
        let input = Input::new(
            "authz-small.json",
            include_str!("../tests/fixtures/aws/authz-small.json"),
        );
        analyze(&[input], &pack, &Options::default())
    }

    fn acceptance(id: &str, scope: Scope, expires: Option<&str>) -> Acceptance {
        Acceptance {
            id: id.into(),
            scope,
            reason: format!("reason for {id}"),
            owner: Some("secops@example.com".into()),
            expires: expires.map(str::to_string),
            created: None,
        }
    }

    const DEPLOY_BOT: &str = "arn:aws:iam::123456789012:user/deploy-bot";

    #[test]
    fn the_documented_example_parses_and_round_trips() {
        let doc = include_str!("accept.rs");
        let example: String = doc
            .lines()
            .skip_while(|l| !l.starts_with("//! ```json"))
            .skip(1)
            .take_while(|l| !l.starts_with("//! ```"))
            .map(|l| l.trim_start_matches("//!"))
            .collect::<Vec<_>>()
            .join("\n");
        let parsed = parse_file(&example).expect("the module doc's example is valid");
        assert_eq!(parsed.len(), 3);
        assert_eq!(
            parsed[2].scope,
            Scope::Pattern {
                rule: "iam-role-trust-*".into(),
                resource: "arn:aws:iam::*:role/vendor-*".into()
            }
        );
        assert_eq!(parse_file(&to_file(&parsed)), Ok(parsed));
    }

    #[test]
    fn errors_name_the_entry_and_the_field() {
        let text = r#"{"stratoscope_acceptances": 1, "acceptances": [
            {"id": "ok", "reason": "fine", "scope": {"type": "account", "account": "123456789012"}},
            {"id": "a", "reason": "  ", "scope": {"type": "account", "account": "1"}, "expires": "2025-02-30"},
            {"id": "b", "scope": {"type": "finding", "rule_id": "X"}},
            {"id": "ok", "reason": "dup", "scope": {"type": "everything"}},
            {"id": "c", "reason": "r", "scope": {"type": "pattern", "rule": "*", "resource": ""}, "colour": "red"},
            {"id": 7, "reason": "r", "scope": {"type": "account", "account": "1"}}
        ]}"#;
        let errors: Vec<String> = parse_file(text)
            .expect_err("invalid")
            .iter()
            .map(ToString::to_string)
            .collect();
        let has = |needle: &str| {
            assert!(
                errors.iter().any(|e| e.contains(needle)),
                "no error containing {needle:?} in {errors:#?}"
            )
        };
        has("acceptances[1].reason: must not be empty");
        has("acceptances[1].expires: \"2025-02-30\" is not a date");
        has("acceptances[2].reason: is required");
        has("acceptances[2].scope: missing field `resource_id`");
        has("acceptances[3].scope: unknown variant `everything`");
        has("acceptances[4].scope.resource: must not be empty");
        has("acceptances[4]: unknown field \"colour\"");
        has("acceptances[5].id: must be a string");
        assert!(!errors.iter().any(|e| e.starts_with("acceptances[0]")));

        let whole = |text: &str| parse_file(text).expect_err("invalid")[0].to_string();
        assert!(whole("{").contains("not a JSON document"));
        assert!(whole("{\"acceptances\": []}").contains("not an acceptances file"));
        assert!(
            whole("{\"stratoscope_acceptances\": 2, \"acceptances\": []}")
                .starts_with("stratoscope_acceptances: version 2")
        );
        assert!(
            whole("{\"stratoscope_acceptances\": 1, \"acceptances\": {}}")
                .starts_with("acceptances: must be an array")
        );
        let dup = r#"{"stratoscope_acceptances": 1, "acceptances": [
            {"id": "x", "reason": "r", "scope": {"type": "account", "account": "1"}},
            {"id": "x", "reason": "r", "scope": {"type": "account", "account": "2"}}]}"#;
        assert_eq!(
            whole(dup),
            "acceptances[1].id: \"x\" is also the id of acceptances[0]"
        );
    }

    #[test]
    fn dates_are_real_calendar_days() {
        for ok in ["2024-02-29", "2000-02-29", "2025-12-31", "1999-01-01"] {
            assert!(is_date(ok), "{ok}");
        }
        for bad in [
            "2025-02-29",
            "1900-02-29",
            "2025-13-01",
            "2025-00-10",
            "2025-1-01",
            "2025/01/01",
            "2025-01-32",
            "+025-01-01",
            "",
            "2025-01-01T00:00:00Z",
        ] {
            assert!(!is_date(bad), "{bad}");
        }
    }

    #[test]
    fn apply_flags_findings_and_keeps_them_in_the_report() {
        let mut r = report();
        let total = r.findings.len();
        // Authorization details leave the credential-report rules unknown; exit codes count
        // failures only.
        let failing = r
            .findings
            .iter()
            .filter(|f| f.outcome == crate::Outcome::Fail)
            .count();
        let before = r.summary.failing_by_severity.clone();
        let outcome = apply(
            &mut r,
            &[
                acceptance(
                    "one",
                    Scope::Finding {
                        rule_id: "STRAT-AWS-IAM-002".into(),
                        resource_id: DEPLOY_BOT.into(),
                    },
                    Some("2025-06-30"),
                ),
                acceptance(
                    "trusts",
                    Scope::Pattern {
                        rule: "iam-role-trust-*".into(),
                        resource: "arn:aws:iam::123456789012:role/*".into(),
                    },
                    None,
                ),
                acceptance(
                    "old",
                    Scope::Account {
                        account: "123456789012".into(),
                        rule: None,
                    },
                    Some("2025-01-30"),
                ),
                acceptance(
                    "typo",
                    Scope::Pattern {
                        rule: "STRAT-AWS-S3-*".into(),
                        resource: "*".into(),
                    },
                    None,
                ),
            ],
            "2025-06-30",
        );
        assert_eq!(r.findings.len(), total, "accepted findings stay");
        assert_eq!(outcome.expired, ["old"]);
        assert_eq!(outcome.unmatched, ["typo"]);
        let accepted: Vec<(&str, &str, &str)> = r
            .findings
            .iter()
            .filter_map(|f| {
                let a = f.accepted.as_ref()?;
                Some((
                    a.acceptance_id.as_str(),
                    f.rule_id(),
                    f.resource.name.as_str(),
                ))
            })
            .collect();
        assert!(accepted.contains(&("one", "STRAT-AWS-IAM-002", "deploy-bot")));
        assert!(accepted.contains(&("trusts", "STRAT-AWS-IAM-004", "public-reader")));
        assert!(accepted.contains(&("trusts", "STRAT-AWS-IAM-005", "partner-audit")));
        assert_eq!(accepted.len(), 3, "{accepted:?}");
        assert_eq!(
            outcome.applied,
            [("one".to_string(), 1), ("trusts".to_string(), 2)]
        );
        assert_eq!(r.summary.accepted, 3);
        let open = |sev: &str, summary: &crate::report::Summary| summary.failing_by_severity[sev];
        assert_eq!(open("low", &r.summary), before["low"] - 1);
        assert_eq!(open("critical", &r.summary), before["critical"] - 1);
        assert_eq!(open("medium", &r.summary), before["medium"] - 1);
        assert_eq!(
            r.failing_at_least(Severity::Info),
            failing - 3,
            "exit codes count open failures only"
        );
    }

    #[test]
    fn narrower_scopes_win_and_applying_again_changes_nothing() {
        let mut r = report();
        let list = [
            acceptance(
                "account",
                Scope::Account {
                    account: "123456789012".into(),
                    rule: Some("STRAT-AWS-IAM-00?".into()),
                },
                None,
            ),
            acceptance(
                "exact",
                Scope::Finding {
                    rule_id: "iam-user-has-direct-policies".into(),
                    resource_id: DEPLOY_BOT.into(),
                },
                None,
            ),
        ];
        let first = apply(&mut r, &list, "2025-01-01");
        let by = |rule: &str| {
            r.findings
                .iter()
                .find(|f| f.rule_id() == rule && f.resource.id == DEPLOY_BOT)
                .and_then(|f| f.accepted.as_ref())
                .map(|a| a.acceptance_id.clone())
        };
        assert_eq!(by("STRAT-AWS-IAM-002").as_deref(), Some("exact"));
        assert_eq!(by("STRAT-AWS-IAM-006").as_deref(), Some("account"));
        // Both acceptances name STRAT-AWS-IAM-00x findings: every one of those, and no other.
        let in_scope = r
            .findings
            .iter()
            .filter(|f| f.rule_id().starts_with("STRAT-AWS-IAM-00"))
            .count();
        assert_eq!(r.summary.accepted, in_scope);
        assert!(r
            .findings
            .iter()
            .all(|f| f.accepted.is_some() == f.rule_id().starts_with("STRAT-AWS-IAM-00")));
        let snapshot = r.clone();
        assert_eq!(apply(&mut r, &list, "2025-01-01"), first);
        assert_eq!(r, snapshot);
        // An acceptance holds through its expiry day, and not after.
        let mut r = report();
        let last_day = [acceptance("a", list[1].scope.clone(), Some("2025-03-31"))];
        assert!(apply(&mut r, &last_day, "2025-03-31").expired.is_empty());
        assert_eq!(apply(&mut r, &last_day, "2025-04-01").expired, ["a"]);
        assert_eq!(
            r.summary.accepted, 0,
            "a later apply lifts expired acceptances"
        );
    }
}
