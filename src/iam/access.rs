//! Access review: what one principal can do (its effective permissions by service and access
//! level), and who can act on one resource. The same answers the rules rely on, laid out for an
//! auditor reviewing a principal or a resource rather than a rule.

use super::catalogue::{AccessLevel, Catalogue};
use super::grant::{overlaps, Access, Permissions};
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

/// What an ARN names, as the catalogue's resource types (lower-cased), each with the ARN pattern
/// it is evaluated against. A bucket stands for itself and its objects, because "who can reach
/// this bucket" means its data too; other ARNs name one type, read from the ARN's resource part
/// (`role/…`, `function:…`, `secret:…`) or, for services whose ARNs carry only a name, from the
/// service (`sns` topics, `sqs` queues).
pub fn resource_targets(arn: &str) -> Vec<(String, String)> {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    let [_, _, service, _, _, resource] = parts.as_slice() else {
        return Vec::new();
    };
    match *service {
        "s3" if !resource.contains('/') => vec![
            ("bucket".into(), arn.to_string()),
            ("object".into(), format!("{arn}/*")),
        ],
        "s3" => vec![("object".into(), arn.to_string())],
        "sns" => vec![("topic".into(), arn.to_string())],
        "sqs" => vec![("queue".into(), arn.to_string())],
        _ => {
            let ty = resource.split(['/', ':']).next().unwrap_or(resource);
            vec![(ty.to_ascii_lowercase(), arn.to_string())]
        }
    }
}

/// The actions of `service` the catalogue lets act on resources of type `ty`. When no action of
/// the service names that type (an ARN form the catalogue spells differently), every action
/// that acts on some resource of the service counts, so the review errs towards showing more.
fn typed_actions(catalogue: &Catalogue, service: &str, ty: &str) -> Vec<&'static str> {
    let all = catalogue.actions_of_service(service);
    let types = |a: &str| catalogue.resource_types(a).unwrap_or_default();
    let exact: Vec<&'static str> = all
        .iter()
        .copied()
        .filter(|a| types(a).iter().any(|t| t.eq_ignore_ascii_case(ty)))
        .collect();
    if exact.is_empty() {
        all.into_iter().filter(|a| !types(a).is_empty()).collect()
    } else {
        exact
    }
}

/// The actions that can act on `arn`, each with the ARN pattern to evaluate it against.
pub fn actions_for(arn: &str) -> Vec<(&'static str, String)> {
    let catalogue = Catalogue::get();
    let Some(service) = arn.split(':').nth(2).filter(|s| !s.is_empty()) else {
        return Vec::new();
    };
    let mut out: Vec<(&'static str, String)> = Vec::new();
    for (ty, filter) in resource_targets(arn) {
        for a in typed_actions(catalogue, service, &ty) {
            if !out.iter().any(|(o, _)| *o == a) {
                out.push((a, filter.clone()));
            }
        }
    }
    out
}

/// Groups actions by the catalogue's access level, sorted, for display.
pub fn by_level(actions: &[&'static str]) -> BTreeMap<&'static str, Vec<&'static str>> {
    let catalogue = Catalogue::get();
    let mut out: BTreeMap<&'static str, Vec<&'static str>> = BTreeMap::new();
    for &a in actions {
        let level = catalogue
            .access_level(a)
            .map(AccessLevel::as_str)
            .unwrap_or("Unknown");
        out.entry(level).or_default().push(a);
    }
    for list in out.values_mut() {
        list.sort_unstable();
        list.dedup();
    }
    out
}

/// The actions `permissions` may perform on the resource `arn`, by access level: only actions
/// whose resource types fit the ARN, only statements whose resource patterns reach it, and Deny,
/// boundary and SCPs applied through [`Permissions::grant`] with the ARN as filter.
pub fn actions_on<S: Borrow<Statement>>(
    permissions: &Permissions<S>,
    arn: &str,
) -> BTreeMap<&'static str, Vec<&'static str>> {
    let candidates = actions_for(arn);
    let reachable = |filter: &str| {
        permissions.statements().iter().any(|s| {
            let s: &Statement = s.borrow();
            s.is_allow() && overlaps(s, filter)
        })
    };
    let held: Vec<&'static str> = candidates
        .iter()
        .filter(|(_, filter)| reachable(filter))
        .filter(|(a, filter)| permissions.grant(a, Some(filter)).access > Access::None)
        .map(|(a, _)| *a)
        .collect();
    by_level(&held)
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
        let on = actions_on(&p, "arn:aws:s3:::reports.example.com/2026/q3.csv");
        assert_eq!(on["Read"], vec!["s3:GetObject"]);
        assert_eq!(on["Write"], vec!["s3:PutObject"]);
        assert!(actions_on(&p, "arn:aws:s3:::third.example.com/x").is_empty());
        let bucket = actions_on(&p, "arn:aws:s3:::reports.example.com");
        assert_eq!(
            bucket["Read"],
            vec!["s3:GetObject"],
            "a bucket includes its objects"
        );
        assert!(
            !bucket.contains_key("List"),
            "ListBucket is granted on another bucket"
        );
    }

    #[test]
    fn resource_types_keep_services_apart() {
        let s = test_statements(json!({"Statement": [
            {"Effect": "Allow", "Action": ["iam:PassRole", "s3:DeleteBucket", "s3:GetObject"], "Resource": "arn:aws:iam::*:role/*"},
            {"Effect": "Allow", "Action": "sns:*", "Resource": "*"},
            {"Effect": "Deny", "Action": "sns:DeleteTopic", "Resource": "arn:aws:sns:eu-west-1:123456789012:alerts"}]}));
        let p = Permissions::new(&s, None);
        assert!(
            actions_on(&p, "arn:aws:s3:::reports.example.com").is_empty(),
            "a role pattern never reaches a bucket"
        );
        let topic = actions_on(&p, "arn:aws:sns:eu-west-1:123456789012:alerts");
        assert!(topic["Write"].contains(&"sns:Publish"));
        assert!(
            !topic["Write"].contains(&"sns:DeleteTopic"),
            "denied on this topic"
        );
        assert!(
            !topic.values().flatten().any(|a| *a == "sns:ListTopics"),
            "ListTopics acts on no topic"
        );
        let role = actions_on(&p, "arn:aws:iam::123456789012:role/app");
        assert_eq!(role["Write"], vec!["iam:PassRole"]);
        assert_eq!(
            resource_targets("arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-AbCdEf"),
            vec![(
                "secret".to_string(),
                "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-AbCdEf".to_string()
            )]
        );
    }
}
