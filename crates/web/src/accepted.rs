//! Accepted risks in the page: the "Accept risk…" form's draft and its checks, the list's
//! wording, merging an imported file, and where the list is kept. The acceptances themselves,
//! their file format and how they apply to a report are the engine's (`stratoscope::accept`),
//! so a file exported here is one the CLI reads with `--accept`.

use stratoscope::accept::{self, Acceptance, Scope};
use stratoscope::report::Finding;

/// Local-storage key of the acceptances, kept in the engine's file format.
pub const STORAGE_KEY: &str = "stratoscope.acceptances";

/// Which findings the form's acceptance covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScopeChoice {
    /// This rule on this resource.
    Finding,
    /// This rule on resources whose id matches a glob.
    Pattern,
    /// Every finding in this account (optionally of this rule only).
    Account,
}

impl ScopeChoice {
    pub const ALL: [ScopeChoice; 3] = [
        ScopeChoice::Finding,
        ScopeChoice::Pattern,
        ScopeChoice::Account,
    ];

    pub fn value(self) -> &'static str {
        match self {
            ScopeChoice::Finding => "finding",
            ScopeChoice::Pattern => "pattern",
            ScopeChoice::Account => "account",
        }
    }
}

/// What the auditor typed into the form, before it is an acceptance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    pub scope: ScopeChoice,
    pub rule_id: String,
    pub resource_id: String,
    /// For [`ScopeChoice::Pattern`]: the resource glob (`*` any run, `?` one character).
    pub resource_glob: String,
    /// For [`ScopeChoice::Account`]; `None` when the finding has no account.
    pub account: Option<String>,
    /// For [`ScopeChoice::Account`]: only this rule's findings there.
    pub account_rule_only: bool,
    pub reason: String,
    pub owner: String,
    /// `YYYY-MM-DD`, or empty for no expiry.
    pub expires: String,
}

impl Draft {
    /// The form as it opens on a finding: this finding only, the glob proposing the resource's
    /// siblings (its id with the last path segment as `*`).
    pub fn for_finding(f: &Finding) -> Draft {
        let id = &f.resource.id;
        let glob = match id.rfind(['/', ':']) {
            Some(i) if i + 1 < id.len() => format!("{}*", &id[..=i]),
            _ => id.clone(),
        };
        Draft {
            scope: ScopeChoice::Finding,
            rule_id: f.rule_id().to_string(),
            resource_id: id.clone(),
            resource_glob: glob,
            account: f.resource.account.clone(),
            account_rule_only: true,
            reason: String::new(),
            owner: String::new(),
            expires: String::new(),
        }
    }
}

/// The next free `risk-<n>` id.
pub fn next_id(existing: &[Acceptance]) -> String {
    let n = existing
        .iter()
        .filter_map(|a| a.id.strip_prefix("risk-")?.parse::<u64>().ok())
        .max()
        .unwrap_or(0);
    format!("risk-{}", n + 1)
}

/// The draft as an acceptance, or what to correct (one message per field at fault).
pub fn build(
    draft: &Draft,
    existing: &[Acceptance],
    today: &str,
) -> Result<Acceptance, Vec<(&'static str, String)>> {
    let mut errors = Vec::new();
    let reason = draft.reason.trim();
    if reason.is_empty() {
        errors.push((
            "reason",
            "Say why the risk is acceptable: an acceptance without a reason is not a record."
                .to_string(),
        ));
    }
    let expires = draft.expires.trim();
    if !expires.is_empty() {
        if !accept::is_date(expires) {
            errors.push((
                "expires",
                format!("{expires:?} is not a date (YYYY-MM-DD)."),
            ));
        } else if expires < today {
            errors.push((
                "expires",
                format!("{expires} is in the past; the acceptance would never apply."),
            ));
        }
    }
    let scope = match draft.scope {
        ScopeChoice::Finding => Scope::Finding {
            rule_id: draft.rule_id.clone(),
            resource_id: draft.resource_id.clone(),
        },
        ScopeChoice::Pattern => {
            let glob = draft.resource_glob.trim();
            if glob.is_empty() {
                errors.push(("glob", "Give the resources' pattern, for example arn:aws:iam::123456789012:role/vendor-*.".to_string()));
            }
            Scope::Pattern {
                rule: draft.rule_id.clone(),
                resource: glob.to_string(),
            }
        }
        ScopeChoice::Account => match &draft.account {
            Some(account) => Scope::Account {
                account: account.clone(),
                rule: draft.account_rule_only.then(|| draft.rule_id.clone()),
            },
            None => {
                errors.push(("scope", "This finding names no account.".to_string()));
                Scope::Account {
                    account: String::new(),
                    rule: None,
                }
            }
        },
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    let optional = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
    Ok(Acceptance {
        id: next_id(existing),
        scope,
        reason: reason.to_string(),
        owner: optional(&draft.owner),
        expires: optional(expires),
        created: Some(today.to_string()),
    })
}

/// What an acceptance covers, in words.
pub fn scope_text(scope: &Scope) -> String {
    match scope {
        Scope::Finding {
            rule_id,
            resource_id,
        } => format!("{rule_id} on {resource_id}"),
        Scope::Pattern { rule, resource } => {
            format!("rules matching {rule} on resources matching {resource}")
        }
        Scope::Account {
            account,
            rule: Some(rule),
        } => format!("rules matching {rule} in account {account}"),
        Scope::Account {
            account,
            rule: None,
        } => format!("every finding in account {account}"),
    }
}

/// An imported file's acceptances added to the list: an imported id replaces the entry with
/// that id (the file is the newer record), others are appended. Returns the list and how many
/// were replaced.
pub fn merge(existing: &[Acceptance], imported: Vec<Acceptance>) -> (Vec<Acceptance>, usize) {
    let mut out = existing.to_vec();
    let mut replaced = 0;
    for a in imported {
        match out.iter_mut().find(|o| o.id == a.id) {
            Some(slot) => {
                *slot = a;
                replaced += 1;
            }
            None => out.push(a),
        }
    }
    (out, replaced)
}

/// Reads an acceptances file; every problem as one line naming its entry and field.
pub fn import(text: &str) -> Result<Vec<Acceptance>, Vec<String>> {
    accept::parse_file(text).map_err(|errors| errors.iter().map(ToString::to_string).collect())
}

/// The stored list; a stored file this version cannot read is reported, never silently lost
/// (it stays in storage until the auditor changes the list).
pub fn load() -> (Vec<Acceptance>, Option<String>) {
    match crate::storage::get(STORAGE_KEY) {
        None => (Vec::new(), None),
        Some(text) => match import(&text) {
            Ok(list) => (list, None),
            Err(errors) => (
                Vec::new(),
                Some(format!(
                    "The accepted risks kept in this browser could not be read: {}",
                    errors.join("; ")
                )),
            ),
        },
    }
}

pub fn store(list: &[Acceptance]) {
    crate::storage::set(STORAGE_KEY, &accept::to_file(list));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tests::demo_report;
    use stratoscope::accept::apply;

    #[test]
    fn a_draft_becomes_an_acceptance_that_covers_what_it_says() {
        let (report, _) = demo_report();
        let f = &report.findings[0];
        let mut draft = Draft::for_finding(f);
        assert!(draft.resource_glob.ends_with('*'));
        assert!(f
            .resource
            .id
            .starts_with(draft.resource_glob.trim_end_matches('*')));
        let errors = build(&draft, &[], "2026-01-31").expect_err("no reason");
        assert_eq!(errors[0].0, "reason");
        draft.reason = "  Break-glass, alarmed  ".into();
        draft.owner = "secops@example.com".into();
        draft.expires = "2026-12-31".into();
        let a = build(&draft, &[], "2026-01-31").expect("valid");
        assert_eq!(a.id, "risk-1");
        assert_eq!(a.reason, "Break-glass, alarmed");
        assert_eq!(a.created.as_deref(), Some("2026-01-31"));
        assert!(a.scope.covers(f));
        let mut r = (*report).clone();
        let outcome = apply(&mut r, std::slice::from_ref(&a), "2026-01-31");
        assert_eq!(outcome.applied, vec![("risk-1".to_string(), 1)]);
        assert_eq!(r.summary.accepted, 1);

        draft.scope = ScopeChoice::Account;
        let account = build(&draft, std::slice::from_ref(&a), "2026-01-31").expect("valid");
        assert_eq!(account.id, "risk-2");
        let same_rule = report
            .findings
            .iter()
            .filter(|g| g.rule_id() == f.rule_id())
            .count();
        assert_eq!(
            report
                .findings
                .iter()
                .filter(|g| account.scope.covers(g))
                .count(),
            same_rule
        );
        draft.scope = ScopeChoice::Pattern;
        draft.resource_glob = " ".into();
        draft.expires = "2025-01-01".into();
        let errors = build(&draft, &[], "2026-01-31").expect_err("bad");
        let fields: Vec<&str> = errors.iter().map(|(f, _)| *f).collect();
        assert_eq!(fields, vec!["expires", "glob"]);
        draft.expires = "31/12/2026".into();
        assert!(build(&draft, &[], "2026-01-31").is_err());
    }

    #[test]
    fn ids_merge_and_wording() {
        let a = |id: &str| Acceptance {
            id: id.into(),
            scope: Scope::Account {
                account: "123456789012".into(),
                rule: None,
            },
            reason: "r".into(),
            owner: None,
            expires: None,
            created: None,
        };
        assert_eq!(
            next_id(&[a("risk-2"), a("vendor"), a("risk-10")]),
            "risk-11"
        );
        let (list, replaced) = merge(&[a("risk-1"), a("risk-2")], vec![a("risk-2"), a("x")]);
        assert_eq!(replaced, 1);
        assert_eq!(
            list.iter().map(|a| a.id.as_str()).collect::<Vec<_>>(),
            vec!["risk-1", "risk-2", "x"]
        );
        assert_eq!(
            scope_text(&a("x").scope),
            "every finding in account 123456789012"
        );
        let errors = import("{\"stratoscope_acceptances\": 1, \"acceptances\": [{\"id\": \"a\"}]}")
            .expect_err("incomplete");
        assert!(
            errors
                .iter()
                .any(|e| e.starts_with("acceptances[0].reason")),
            "{errors:?}"
        );
        assert_eq!(
            import(&accept::to_file(&[a("risk-1")])),
            Ok(vec![a("risk-1")])
        );
    }
}
