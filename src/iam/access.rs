//! Access review: what one principal can do (its effective permissions by service and access
//! level), and who can act on one resource. The same answers the rules rely on, laid out for an
//! auditor reviewing a principal or a resource rather than a rule.

use super::catalogue::{AccessLevel, Catalogue};
use super::grant::{covers_all_resources, Access, Permissions};
use super::pattern::wildcard_match;
use super::policy::Statement;
use serde::Serialize;
use std::borrow::Borrow;
use std::collections::BTreeMap;

/// One action a principal holds, with how broadly.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Held {
    pub action: &'static str,
    pub level: &'static str,
    /// `unconditional`, `resource-scoped` or `conditional`.
    pub access: &'static str,
}

/// Effective permissions by service, then access level, each with its actions. Services and
/// actions are sorted, so the result is stable for exports.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub services: BTreeMap<String, BTreeMap<&'static str, Vec<Held>>>,
    pub actions: usize,
    /// Actions granted on every resource without condition.
    pub unconditional: usize,
}

/// Expands every Allow against the action catalogue and keeps what survives Deny and the
/// permissions boundary.
pub fn summary<S: Borrow<Statement>>(permissions: &Permissions<S>) -> Summary {
    let catalogue = Catalogue::get();
    let mut candidates: Vec<&'static str> = Vec::new();
    for stmt in permissions.statements() {
        let stmt: &Statement = stmt.borrow();
        if !stmt.is_allow() {
            continue;
        }
        match (&stmt.actions, &stmt.not_actions) {
            (Some(patterns), _) => patterns
                .iter()
                .for_each(|p| candidates.extend(catalogue.expand(p))),
            (None, Some(_)) => candidates.extend(catalogue.expand("*")),
            (None, None) => {}
        }
    }
    candidates.sort_unstable();
    candidates.dedup();
    let mut out = Summary::default();
    for action in candidates {
        let g = permissions.grant(action, None);
        if g.access == Access::None {
            continue;
        }
        let level = catalogue
            .access_level(action)
            .map(AccessLevel::as_str)
            .unwrap_or("Unknown");
        let service = action
            .split_once(':')
            .map(|(s, _)| s)
            .unwrap_or(action)
            .to_string();
        out.actions += 1;
        if g.access == Access::Unconditional {
            out.unconditional += 1;
        }
        out.services
            .entry(service)
            .or_default()
            .entry(level)
            .or_default()
            .push(Held {
                action,
                level,
                access: g.access.as_str(),
            });
    }
    out
}

/// Does this statement's resource part reach `arn`?
fn reaches(stmt: &Statement, arn: &str) -> bool {
    match (&stmt.resources, &stmt.not_resources) {
        (Some(patterns), _) => {
            covers_all_resources(stmt) || patterns.iter().any(|p| wildcard_match(p, arn, false))
        }
        (None, Some(excluded)) => !excluded.iter().any(|p| wildcard_match(p, arn, false)),
        (None, None) => false,
    }
}

/// The actions of `service` that `permissions` may perform on the resource `arn`, by access
/// level (Deny and boundary applied through [`Permissions::grant`] with the ARN as filter).
pub fn actions_on<S: Borrow<Statement>>(
    permissions: &Permissions<S>,
    service: &str,
    arn: &str,
) -> BTreeMap<&'static str, Vec<&'static str>> {
    let catalogue = Catalogue::get();
    let mut candidates: Vec<&'static str> = Vec::new();
    for stmt in permissions.statements() {
        let stmt: &Statement = stmt.borrow();
        if !stmt.is_allow() || !reaches(stmt, arn) {
            continue;
        }
        match (&stmt.actions, &stmt.not_actions) {
            (Some(patterns), _) => {
                for p in patterns {
                    candidates.extend(catalogue.expand(p).into_iter().filter(|a| {
                        a.split_once(':')
                            .is_some_and(|(s, _)| s.eq_ignore_ascii_case(service))
                    }));
                }
            }
            (None, Some(_)) => candidates.extend(catalogue.actions_of_service(service)),
            (None, None) => {}
        }
    }
    candidates.sort_unstable();
    candidates.dedup();
    let mut out: BTreeMap<&'static str, Vec<&'static str>> = BTreeMap::new();
    for action in candidates {
        if permissions.grant(action, Some(arn)).access > Access::None {
            let level = catalogue
                .access_level(action)
                .map(AccessLevel::as_str)
                .unwrap_or("Unknown");
            out.entry(level).or_default().push(action);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::iam::policy::test_statements;
    use serde_json::json;

    #[test]
    fn summary_groups_by_service_and_level_after_deny() {
        let s = test_statements(json!({"Statement": [
            {"Effect": "Allow", "Action": ["s3:Get*", "s3:PutBucketPolicy", "iam:PassRole"], "Resource": "*"},
            {"Effect": "Deny", "Action": "s3:GetObject", "Resource": "*"}]}));
        let sum = summary(&Permissions::new(&s, None));
        let s3 = &sum.services["s3"];
        assert!(s3["Read"].iter().any(|h| h.action == "s3:GetBucketPolicy"));
        assert!(
            !s3["Read"].iter().any(|h| h.action == "s3:GetObject"),
            "denied"
        );
        assert_eq!(s3["Permissions management"][0].action, "s3:PutBucketPolicy");
        assert_eq!(sum.services["iam"]["Write"][0].action, "iam:PassRole");
        assert_eq!(sum.actions, sum.unconditional);
    }

    #[test]
    fn actions_on_one_resource() {
        let s = test_statements(json!({"Statement": [
            {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": "arn:aws:s3:::reports.example.com/*"},
            {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::other.example.com"}]}));
        let p = Permissions::new(&s, None);
        let on = actions_on(&p, "s3", "arn:aws:s3:::reports.example.com/2026/q3.csv");
        assert_eq!(on["Read"], vec!["s3:GetObject"]);
        assert_eq!(on["Write"], vec!["s3:PutObject"]);
        assert!(actions_on(&p, "s3", "arn:aws:s3:::third.example.com/x").is_empty());
    }
}
