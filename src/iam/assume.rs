//! Who can assume which role. Trust policies (the role's side) and identity policies (the
//! caller's side) together decide it, and chains of assumptions are how a weak principal reaches
//! an administrator role without holding a single dangerous permission itself.
//!
//! Rules, following IAM's evaluation for `sts:AssumeRole`:
//! - a trust statement naming the caller's own ARN (or a session of a role, `assumed-role/R/…`)
//!   lets it assume the role when both are in the same account, whatever the caller's identity
//!   policies say (an explicit Deny on the caller's side still wins);
//! - a trust statement naming an account (`…:root` or the bare id) or `*` delegates the decision
//!   to that account: a caller there needs its own Allow for `sts:AssumeRole` on the role;
//! - a trust statement with conditions gives a conditional edge.

use super::grant::{Access, Permissions};
use super::policy::{account_of_arn, Statement};
use std::borrow::Borrow;
use std::collections::{BTreeMap, VecDeque};

/// What a principal is, for the graph: its ARN, account, and (for roles) its trust statements.
pub struct Node<'a, S: Borrow<Statement>> {
    pub arn: &'a str,
    pub account: Option<&'a str>,
    /// `Some` for roles (which can be assumed), `None` for users and groups.
    pub trust: Option<&'a [Statement]>,
    pub permissions: Permissions<'a, S>,
    pub admin: bool,
}

/// An edge `from` → `to` (indices into the node list).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edge {
    pub from: usize,
    pub to: usize,
    pub conditional: bool,
    /// How the trust policy lets `from` in: `named`, `account` or `anyone`.
    pub via: &'static str,
}

fn covers_assume(stmt: &Statement) -> bool {
    stmt.is_allow() && super::grant::covers_action(stmt, "sts:AssumeRole")
}

/// The role ARN a principal value names: `arn:aws:sts::A:assumed-role/R/session` is a session of
/// role R, which is what holds the permissions.
fn principal_arn(value: &str) -> String {
    if let Some((prefix, rest)) = value.split_once(":assumed-role/") {
        let role = rest.split('/').next().unwrap_or(rest);
        return format!(
            "{}:role/{role}",
            prefix.replacen("arn:aws:sts:", "arn:aws:iam:", 1)
        );
    }
    value.to_string()
}

/// Every assumption edge among the nodes.
pub fn edges<S: Borrow<Statement>>(nodes: &[Node<S>]) -> Vec<Edge> {
    let by_arn: BTreeMap<&str, usize> = nodes.iter().enumerate().map(|(i, n)| (n.arn, i)).collect();
    // Role ARNs in trust policies omit paths (`role/name`), while exported ARNs keep them
    // (`role/path/name`); index by account and last segment as well.
    let by_name: BTreeMap<(Option<&str>, &str), usize> = nodes
        .iter()
        .enumerate()
        .map(|(i, n)| ((n.account, n.arn.rsplit('/').next().unwrap_or(n.arn)), i))
        .collect();
    // Only principals that hold some sts:AssumeRole grant can use account-wide trust.
    let assumers: Vec<usize> = (0..nodes.len())
        .filter(|&i| nodes[i].permissions.grant("sts:AssumeRole", None).access > Access::None)
        .collect();
    let mut out: Vec<Edge> = Vec::new();
    for (to, role) in nodes.iter().enumerate() {
        let Some(trust) = role.trust else { continue };
        for stmt in trust.iter().filter(|s| covers_assume(s)) {
            let conditional = stmt.restricts();
            for p in stmt
                .principals
                .iter()
                .flatten()
                .filter(|p| p.kind == "AWS" || p.kind == "*")
            {
                let mut push = |from: usize, via: &'static str| {
                    if from != to && !out.iter().any(|e| e.from == from && e.to == to) {
                        out.push(Edge {
                            from,
                            to,
                            conditional,
                            via,
                        });
                    }
                };
                if p.everyone {
                    for &from in &assumers {
                        if allowed_by_identity(&nodes[from], role.arn) {
                            push(from, "anyone");
                        }
                    }
                    continue;
                }
                let named = principal_arn(&p.value);
                let target = by_arn.get(named.as_str()).copied().or_else(|| {
                    let account = account_of_arn(&named);
                    let last = named.rsplit('/').next()?;
                    named
                        .contains(":role/")
                        .then_some(())
                        .and(by_name.get(&(account.as_deref(), last)).copied())
                });
                if let Some(from) = target {
                    let same_account =
                        nodes[from].account.is_some() && nodes[from].account == role.account;
                    let denied = nodes[from]
                        .permissions
                        .grant("sts:AssumeRole", Some(role.arn))
                        .denied_by
                        .len();
                    if (same_account && denied == 0) || allowed_by_identity(&nodes[from], role.arn)
                    {
                        push(from, "named");
                    }
                    continue;
                }
                let account = p
                    .account
                    .clone()
                    .or_else(|| (p.value.len() == 12).then(|| p.value.clone()));
                if let Some(account) = account {
                    if p.value == account || p.value.ends_with(":root") {
                        for &from in &assumers {
                            if nodes[from].account == Some(account.as_str())
                                && allowed_by_identity(&nodes[from], role.arn)
                            {
                                push(from, "account");
                            }
                        }
                    }
                }
            }
        }
    }
    out
}

fn allowed_by_identity<S: Borrow<Statement>>(node: &Node<S>, role_arn: &str) -> bool {
    node.permissions
        .grant("sts:AssumeRole", Some(role_arn))
        .access
        > Access::None
}

/// For each node, the shortest chain of roles leading to an administrator-equivalent role it
/// is not itself, if any (node indices, first hop first).
pub fn paths_to_admin<S: Borrow<Statement>>(
    nodes: &[Node<S>],
    edges: &[Edge],
) -> Vec<Option<Vec<usize>>> {
    let mut next: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for e in edges {
        next.entry(e.from).or_default().push(e.to);
    }
    (0..nodes.len())
        .map(|start| {
            let mut prev: BTreeMap<usize, usize> = BTreeMap::new();
            let mut queue = VecDeque::from([start]);
            while let Some(at) = queue.pop_front() {
                for &to in next.get(&at).map(Vec::as_slice).unwrap_or_default() {
                    if to == start || prev.contains_key(&to) {
                        continue;
                    }
                    prev.insert(to, at);
                    if nodes[to].admin {
                        let mut path = vec![to];
                        let mut cur = to;
                        while let Some(&p) = prev.get(&cur) {
                            if p == start {
                                break;
                            }
                            path.push(p);
                            cur = p;
                        }
                        path.reverse();
                        return Some(path);
                    }
                    queue.push_back(to);
                }
            }
            None
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn stmts(doc: serde_json::Value) -> Vec<Statement> {
        crate::iam::policy::test_statements(doc)
    }

    #[test]
    fn chains_through_named_and_account_trust() {
        let none: Vec<Statement> = Vec::new();
        let can_assume = stmts(
            json!({"Statement": {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}}),
        );
        let admin =
            stmts(json!({"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}));
        let trust_named = stmts(
            json!({"Statement": {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"AWS": "arn:aws:iam::123456789012:role/start"}}}),
        );
        let trust_account = stmts(
            json!({"Statement": {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}}}),
        );
        let trust_service = stmts(
            json!({"Statement": {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": "ec2.amazonaws.com"}}}),
        );
        let acct = Some("123456789012");
        let nodes = vec![
            Node {
                arn: "arn:aws:iam::123456789012:role/start",
                account: acct,
                trust: Some(&trust_service),
                permissions: Permissions::new(&none, None),
                admin: false,
            },
            Node {
                arn: "arn:aws:iam::123456789012:role/middle",
                account: acct,
                trust: Some(&trust_named),
                permissions: Permissions::new(&can_assume, None),
                admin: false,
            },
            Node {
                arn: "arn:aws:iam::123456789012:role/admin",
                account: acct,
                trust: Some(&trust_account),
                permissions: Permissions::new(&admin, None),
                admin: true,
            },
            Node {
                arn: "arn:aws:iam::123456789012:user/nobody",
                account: acct,
                trust: None,
                permissions: Permissions::new(&none, None),
                admin: false,
            },
        ];
        let e = edges(&nodes);
        assert!(
            e.iter()
                .any(|e| e.from == 0 && e.to == 1 && e.via == "named"),
            "named trust needs no identity grant: {e:?}"
        );
        assert!(
            e.iter()
                .any(|e| e.from == 1 && e.to == 2 && e.via == "account"),
            "account trust needs the caller's grant"
        );
        assert!(
            !e.iter().any(|e| e.from == 3),
            "no grant, not named: no edge"
        );
        let paths = paths_to_admin(&nodes, &e);
        assert_eq!(paths[0], Some(vec![1, 2]));
        assert_eq!(paths[1], Some(vec![2]));
        assert_eq!(paths[3], None);
    }

    #[test]
    fn sessions_map_to_their_role() {
        assert_eq!(
            principal_arn("arn:aws:sts::123456789012:assumed-role/ops/alice@example.com"),
            "arn:aws:iam::123456789012:role/ops"
        );
    }
}
