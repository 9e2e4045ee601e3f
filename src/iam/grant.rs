//! What a principal's statements grant for one action, following IAM's evaluation order: an
//! explicit Deny wins; otherwise any Allow grants. We classify the Allow by how broad it is
//! because that is what an auditor needs to weigh (a conditional grant is not an unconditional
//! one, and a grant on `*` is not a grant on one bucket).

use super::catalogue::cmp_ci;
use super::pattern::{action_matches, wildcard_match};
use super::policy::Statement;
use std::borrow::{Borrow, Cow};
use std::sync::Arc;

/// How broadly an action is granted, from nothing to everything.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Access {
    /// No Allow, or an unconditional Deny on every resource cancels it.
    None,
    /// Allowed only when a condition holds.
    Conditional,
    /// Allowed without condition on named resources only.
    Scoped,
    /// Allowed without condition on every resource.
    Unconditional,
}

impl Access {
    pub fn as_str(self) -> &'static str {
        match self {
            Access::None => "none",
            Access::Conditional => "conditional",
            Access::Scoped => "resource-scoped",
            Access::Unconditional => "unconditional",
        }
    }
}

/// The answer for one action, with the statements that decided it (indices into the input).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    pub action: String,
    pub access: Access,
    pub allowed_by: Vec<usize>,
    pub denied_by: Vec<usize>,
    /// True when a permissions boundary narrowed (or removed) what the identity policies grant.
    pub limited_by_boundary: bool,
    /// Set when a service control policy narrowed (or removed) what identity policies and
    /// boundary grant.
    pub limited_by_scp: Option<ScpLimit>,
}

/// How a service control policy narrowed a grant, for evidence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScpLimit {
    /// The organisation level whose SCPs did it (see [`ScpLevel::target`]).
    pub level: String,
    /// The SCP statements that deny the action outright; empty when the level's SCPs simply do
    /// not allow it (or allow it only conditionally).
    pub denied_by: Vec<Statement>,
    /// What identity policies and boundary granted before the SCPs were applied.
    pub before: Access,
}

/// The service control policies attached at one level of an organisation between its root and
/// an account: the root, each organizational unit on the way, and the account itself. AWS allows
/// an action only when every level's SCPs allow it, and any SCP Deny wins.
#[derive(Debug, Clone, PartialEq)]
pub struct ScpLevel {
    /// Names the level for evidence: `root r-ab12`, `organizational unit ou-ab12-cd34 (Prod)`,
    /// `account 123456789012`.
    pub target: String,
    /// The statements of every SCP attached at this level.
    pub statements: Vec<Arc<Statement>>,
    pub index: ServiceIndex,
    /// False when the export may lack some SCP attached here (the policy list, a policy's
    /// targets or its content were not collected). Only this level's explicit Denies apply
    /// then: a missing SCP could only allow more at this level, so capping by the known ones
    /// could hide a real grant.
    pub complete: bool,
}

impl ScpLevel {
    pub fn new(target: String, statements: Vec<Arc<Statement>>, complete: bool) -> ScpLevel {
        let index = ServiceIndex::build(&statements);
        ScpLevel {
            target,
            statements,
            index,
            complete,
        }
    }
}

/// True when the statement's Action/NotAction covers `action`.
pub fn covers_action(stmt: &Statement, action: &str) -> bool {
    if let Some(actions) = &stmt.actions {
        return actions.iter().any(|p| action_matches(p, action));
    }
    if let Some(not_actions) = &stmt.not_actions {
        return !not_actions.iter().any(|p| action_matches(p, action));
    }
    false
}

/// True when the statement applies to every resource: `Resource: "*"`, a pattern that names
/// every resource of its type (`arn:aws:s3:::*`, `arn:aws:iam::*:role/*`,
/// `arn:aws:secretsmanager:*:*:secret:*`), or a `NotResource` (which grants all but a few, and
/// is treated as broad). Writing the ARN prefix out does not narrow a grant.
pub fn covers_all_resources(stmt: &Statement) -> bool {
    match (&stmt.resources, &stmt.not_resources) {
        (Some(r), _) => r.iter().any(|p| pattern_covers_all(p)),
        (None, Some(_)) => true,
        (None, None) => false,
    }
}

/// A resource pattern whose resource part is `*`, `*/*`, or a bare type followed by `/*` or
/// `:*` (`role/*`, `secret:*`, `table/*`). Region and account fields are not considered: the
/// grant still reaches every resource of that type where the principal can act.
pub fn pattern_covers_all(pattern: &str) -> bool {
    if pattern == "*" {
        return true;
    }
    // Fields found by their colons in one byte pass: this runs for every statement of every
    // principal a check asks about.
    if !pattern.starts_with("arn:") {
        return false;
    }
    let mut colons = [0usize; 5];
    let mut found = 0;
    for (i, b) in pattern.bytes().enumerate() {
        if b == b':' {
            colons[found] = i;
            found += 1;
            if found == colons.len() {
                break;
            }
        }
    }
    if found < colons.len() {
        return false;
    }
    let service = &pattern[colons[1] + 1..colons[2]];
    let resource = &pattern[colons[4] + 1..];
    if resource == "*" || resource == "*/*" {
        return true;
    }
    // S3 ARNs carry no resource type: `name/*` is one bucket's objects, not a type.
    if service == "s3" {
        return false;
    }
    let type_only = |prefix: &str| !prefix.is_empty() && !prefix.contains(['*', '?', '/', ':']);
    match resource
        .strip_suffix("/*")
        .or_else(|| resource.strip_suffix(":*"))
    {
        Some(prefix) => type_only(prefix),
        None => false,
    }
}

/// No request this engine judges was made, or signed with a token issued, before this instant:
/// the engine did not exist then. Seconds since the epoch for 2025-01-01T00:00:00Z.
const EARLIEST_REQUEST_EPOCH: i64 = 1_735_689_600;
const EARLIEST_REQUEST_DATE: &str = "2025-01-01";

/// An Allow that can never apply: a `DateLessThan` (or `…Equals`) on `aws:CurrentTime` or
/// `aws:TokenIssueTime` with only dates before [`EARLIEST_REQUEST_DATE`]. Time only moves on, and
/// long-term keys carry no token issue time, which fails the test rather than passing it
/// (without `IfExists`). iam-vulnerable's fp5 principals are built this way, as a grant that
/// looks dangerous but cannot be used.
fn never_applies(stmt: &Statement) -> bool {
    let Some(operators) = stmt.condition.as_ref().and_then(|c| c.as_object()) else {
        return false;
    };
    operators.iter().any(|(operator, block)| {
        let op = operator.to_ascii_lowercase();
        if op != "datelessthan" && op != "datelessthanequals" {
            return false;
        }
        block.as_object().is_some_and(|keys| {
            keys.iter().any(|(key, value)| {
                let key = key.to_ascii_lowercase();
                if key != "aws:currenttime" && key != "aws:tokenissuetime" {
                    return false;
                }
                let values: Vec<&serde_json::Value> = match value {
                    serde_json::Value::Array(items) => items.iter().collect(),
                    one => vec![one],
                };
                !values.is_empty() && values.iter().all(|v| date_before_earliest(v))
            })
        })
    })
}

/// A condition date (ISO 8601 or epoch seconds) before [`EARLIEST_REQUEST_DATE`]; anything we
/// cannot read is not.
fn date_before_earliest(value: &serde_json::Value) -> bool {
    let text = match value {
        serde_json::Value::String(s) => s.as_str(),
        serde_json::Value::Number(n) => {
            return n.as_i64().is_some_and(|e| e < EARLIEST_REQUEST_EPOCH)
        }
        _ => return false,
    };
    if let Ok(epoch) = text.parse::<i64>() {
        return epoch < EARLIEST_REQUEST_EPOCH;
    }
    let day = text.get(..10).unwrap_or_default();
    let well_formed = day.len() == 10
        && day.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    well_formed && day < EARLIEST_REQUEST_DATE
}

/// Resource patterns that a customer could act on. ARNs in the `aws` pseudo-account (AWS managed
/// policies) cannot be modified by anyone but AWS, so a grant scoped to them grants nothing.
fn customer_reachable(stmt: &Statement, resource_filter: Option<&str>) -> bool {
    match (&stmt.resources, &stmt.not_resources) {
        (Some(patterns), _) => patterns.iter().any(|p| {
            !p.starts_with("arn:aws:iam::aws:")
                && resource_filter
                    .is_none_or(|f| wildcard_match(p, f, false) || wildcard_match(f, p, false))
        }),
        (None, Some(_)) => true,
        (None, None) => false,
    }
}

/// True when the statement's resource part can reach some resource the ARN (or ARN pattern)
/// `filter` names. Matching is per pattern, so `arn:aws:iam::*:role/*` never reaches an S3
/// bucket however broad it is for IAM; a statement without a resource element (a resource
/// policy's implied "this resource") reaches it.
pub fn overlaps(stmt: &Statement, filter: &str) -> bool {
    match (&stmt.resources, &stmt.not_resources) {
        (Some(patterns), _) => patterns.iter().any(|p| {
            &**p == "*" || wildcard_match(p, filter, false) || wildcard_match(filter, p, false)
        }),
        (None, Some(excluded)) => !excluded.iter().any(|p| wildcard_match(p, filter, false)),
        (None, None) => true,
    }
}

/// True when the statement's resource part covers everything `filter` names, so that a Deny
/// there removes the action for the whole filter.
fn covers(stmt: &Statement, filter: &str) -> bool {
    match (&stmt.resources, &stmt.not_resources) {
        (Some(patterns), _) => patterns.iter().any(|p| wildcard_match(p, filter, false)),
        (None, Some(excluded)) => !excluded
            .iter()
            .any(|p| wildcard_match(p, filter, false) || wildcard_match(filter, p, false)),
        (None, None) => true,
    }
}

/// What a statement that covers the action contributes to its grant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    /// An unconditional Deny covering the whole filter: the action is denied.
    Deny,
    /// An Allow that counts, at this breadth.
    Allow(Access),
}

/// The statement's part in a grant of any action it covers, or `None` when it takes no part
/// (a conditional or narrower Deny, an Allow that `keep` rejects, that can never apply or that
/// reaches nothing of the filter). It does not depend on the action, so a batch of actions
/// works it out once per statement.
fn role(
    stmt: &Statement,
    resource_filter: Option<&str>,
    keep: &dyn Fn(&Statement) -> bool,
) -> Option<Role> {
    if stmt.is_deny() {
        let whole = match resource_filter {
            Some(f) => (covers_all_resources(stmt) && overlaps(stmt, f)) || covers(stmt, f),
            None => covers_all_resources(stmt),
        };
        return (whole && !stmt.conditional()).then_some(Role::Deny);
    }
    if !stmt.is_allow()
        || !keep(stmt)
        || never_applies(stmt)
        || resource_filter.is_some_and(|f| !overlaps(stmt, f))
    {
        return None;
    }
    let access = if stmt.restricts() {
        if !customer_reachable(stmt, resource_filter) {
            return None;
        }
        Access::Conditional
    } else if covers_all_resources(stmt) {
        // `arn:aws:s3:::*` covers every bucket but no role: with a filter, the broad
        // pattern must still be of the kind asked about.
        if resource_filter.is_some() && !customer_reachable(stmt, resource_filter) {
            return None;
        }
        Access::Unconditional
    } else if customer_reachable(stmt, resource_filter) {
        Access::Scoped
    } else {
        return None;
    };
    Some(Role::Allow(access))
}

/// How a statement's action element covers the actions of one service.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ServiceCover {
    /// Every action of the service (`*`, `s3:*`).
    All,
    /// Some, perhaps: ask [`covers_action`] per action.
    Ask,
    /// None (a NotAction that names `*` or `s3:*`).
    Nothing,
}

/// `*`, or `service:*` with the given (lower-case) service: a pattern every action of that
/// service matches.
fn names_whole_service(pattern: &str, service: &str) -> bool {
    pattern == "*"
        || pattern
            .strip_suffix(":*")
            .is_some_and(|s| s.eq_ignore_ascii_case(service))
}

fn service_cover(stmt: &Statement, service: &str) -> ServiceCover {
    let whole = |patterns: &[Arc<str>]| patterns.iter().any(|p| names_whole_service(p, service));
    match (&stmt.actions, &stmt.not_actions) {
        (Some(actions), _) if whole(actions) => ServiceCover::All,
        (Some(_), _) => ServiceCover::Ask,
        (None, Some(not_actions)) if whole(not_actions) => ServiceCover::Nothing,
        (None, Some(_)) => ServiceCover::Ask,
        (None, None) => ServiceCover::Nothing,
    }
}

/// How a statement covers the actions of one service in [`Grants::grant_each`].
#[derive(Debug, Clone, PartialEq, Eq)]
enum Cover {
    /// Every one.
    All,
    /// Those some of these patterns match; with `true`, a NotAction's: those none matches.
    Matching(std::ops::Range<usize>, bool),
}

/// Whether the action pattern can match an action of `service` (lower-case): a pattern whose
/// service is written out (`iam:Put*`) only matches actions that start with that service and
/// its colon; one with a wildcard before its colon, or without a colon, may match anything.
fn may_name_service(pattern: &str, service: &str) -> bool {
    literal_service(pattern).is_none_or(|s| s.eq_ignore_ascii_case(service))
}

/// The service an action pattern writes out before its colon (`iam` for `iam:Put*`), or
/// `None` when a wildcard comes first or there is no colon.
fn literal_service(pattern: &str) -> Option<&str> {
    let at = pattern
        .bytes()
        .position(|b| matches!(b, b':' | b'*' | b'?'))?;
    (pattern.as_bytes()[at] == b':').then(|| &pattern[..at])
}

/// The service part of an action, lower-cased only when it has to be.
fn service_key(action: &str) -> Cow<'_, str> {
    // One byte pass: this runs for every action asked about.
    let mut upper = false;
    for (i, b) in action.bytes().enumerate() {
        if b == b':' {
            let service = &action[..i];
            return if upper {
                Cow::Owned(service.to_ascii_lowercase())
            } else {
                Cow::Borrowed(service)
            };
        }
        upper |= b.is_ascii_uppercase();
    }
    Cow::Borrowed("")
}

/// The grant that the parts of the statements covering `action` add up to, in statement order:
/// any Deny wins, otherwise the broadest Allow.
fn decide(action: &str, parts: impl Iterator<Item = (usize, Role)>) -> Grant {
    let mut allowed_by = Vec::new();
    let mut denied_by = Vec::new();
    let access = tally(parts, &mut allowed_by, &mut denied_by);
    Grant {
        action: action.to_string(),
        access,
        allowed_by,
        denied_by,
        limited_by_boundary: false,
        limited_by_scp: None,
    }
}

/// What [`decide`] works out, into the caller's lists (appended to): the access, with the
/// statements that allow and deny.
fn tally(
    parts: impl Iterator<Item = (usize, Role)>,
    allowed_by: &mut Vec<usize>,
    denied_by: &mut Vec<usize>,
) -> Access {
    let mut best = Access::None;
    let mut denied = false;
    for (i, role) in parts {
        match role {
            Role::Deny => {
                denied_by.push(i);
                denied = true;
            }
            Role::Allow(access) => {
                allowed_by.push(i);
                best = best.max(access);
            }
        }
    }
    if denied {
        Access::None
    } else {
        best
    }
}

/// Evaluates `action` against the statements. `resource_filter`, when given, is an ARN or ARN
/// pattern the caller cares about (e.g. `arn:aws:iam::*:role/*` for PassRole, or one bucket):
/// grants whose resources cannot overlap it do not count, and a Deny covering it does. For many actions over the same statements, build [`Grants`] once.
pub fn grant<S: Borrow<Statement>>(
    statements: &[S],
    action: &str,
    resource_filter: Option<&str>,
) -> Grant {
    Grants::new(statements).grant(action, resource_filter)
}

/// Which statements can mention which service. Built once per principal (the inventory stage
/// keeps it in [`crate::Facts`]) because every IAM check on that principal asks dozens of
/// questions of the same statements.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ServiceIndex {
    /// The lower-cased service names, one after another, in the order statements first name
    /// them.
    names: String,
    /// For each service in `names`: where its name ends there, and where its statements end in
    /// `lists` (each starts where the one before ends). One flat layout: built for every
    /// principal, a map with a key and a list per service cost an allocation or two per pattern.
    /// Positions and statement numbers are `u32`s: the index is kept for every principal
    /// through the analysis, and no principal holds four billion statements.
    ends: Vec<(u32, u32)>,
    /// The statements of each service, ascending.
    lists: Vec<u32>,
    /// Statements whose service is a wildcard (`*`, `s*:Get*`) or that use NotAction.
    always: Vec<u32>,
}

/// A statement number or position as the index keeps it. Never past `u32`: the statements are
/// in memory, and 2^32 of them would take a terabyte.
fn index(i: usize) -> u32 {
    u32::try_from(i).expect("fewer than 2^32 statements and service names")
}

impl ServiceIndex {
    pub fn build<S: Borrow<Statement>>(statements: &[S]) -> ServiceIndex {
        // The services named, numbered in the order they first appear (as first written), and
        // a (service, statement) pair for each pattern naming one. A principal names a handful
        // of services, so finding one by a scan (the last pattern's first) costs less than
        // sorting or hashing the patterns.
        let mut services: Vec<&str> = Vec::new();
        let mut pairs: Vec<(usize, u32)> = Vec::new();
        let mut always = Vec::new();
        for (i, stmt) in statements.iter().enumerate() {
            let stmt: &Statement = stmt.borrow();
            let i = index(i);
            match (&stmt.actions, &stmt.not_actions) {
                (Some(actions), _) => {
                    let mut wild = false;
                    for pattern in actions {
                        let Some(service) = literal_service(pattern) else {
                            wild = true;
                            continue;
                        };
                        let k = match pairs.last() {
                            Some(&(k, _)) if services[k].eq_ignore_ascii_case(service) => k,
                            _ => services
                                .iter()
                                .position(|s| s.eq_ignore_ascii_case(service))
                                .unwrap_or_else(|| {
                                    services.push(service);
                                    services.len() - 1
                                }),
                        };
                        // Once per statement and service: this statement's pairs are the last.
                        let mut seen = pairs.iter().rev().take_while(|&&(_, j)| j == i);
                        if !seen.any(|&(g, _)| g == k) {
                            pairs.push((k, i));
                        }
                    }
                    if wild {
                        always.push(i);
                    }
                }
                (None, Some(_)) => always.push(i),
                (None, None) => {}
            }
        }
        // Each service's statements placed at once: its list starts where the services before
        // it end, and pairs come in statement order, so each list is ascending.
        let mut next = vec![0; services.len()];
        for &(k, _) in &pairs {
            next[k] += 1;
        }
        let mut names = String::with_capacity(services.iter().map(|s| s.len()).sum());
        let mut ends = Vec::with_capacity(services.len());
        let mut end = 0;
        for (k, service) in services.iter().enumerate() {
            let at = names.len();
            names.push_str(service);
            names[at..].make_ascii_lowercase();
            end += next[k];
            next[k] = end - next[k];
            ends.push((index(names.len()), index(end)));
        }
        let mut lists = vec![0; pairs.len()];
        for (k, i) in pairs {
            lists[next[k]] = i;
            next[k] += 1;
        }
        always.shrink_to_fit();
        ServiceIndex {
            names,
            ends,
            lists,
            always,
        }
    }

    /// An index that names every one of `len` statements for every service: for statements
    /// asked about a handful of times (one policy judged on its own), a scan of them all costs
    /// less than sorting them by service first, and the answers are the same (the index only
    /// ever skips statements that cannot cover the action).
    pub fn every(len: usize) -> ServiceIndex {
        ServiceIndex {
            always: (0..index(len)).collect(),
            ..ServiceIndex::default()
        }
    }

    /// The statements listed under `service` (lower-case). Found by a scan, so that `build`
    /// (once per principal) need not sort the names: a principal names a handful of services,
    /// most of another length than the one asked about.
    fn listed(&self, service: &str) -> &[u32] {
        let (mut name_from, mut list_from) = (0, 0);
        for &(name_end, list_end) in &self.ends {
            let (name_end, list_end) = (name_end as usize, list_end as usize);
            if self.names.get(name_from..name_end) == Some(service) {
                return &self.lists[list_from..list_end];
            }
            (name_from, list_from) = (name_end, list_end);
        }
        &[]
    }

    /// Statement indices that may cover an action of `service`, ascending and each once: the
    /// two sorted lists merged as they are read, since this runs for every action asked about.
    fn candidates<'s>(&'s self, service: &str) -> impl Iterator<Item = usize> + 's {
        let specific = self.listed(service);
        let (mut a, mut b) = (specific.iter().peekable(), self.always.iter().peekable());
        std::iter::from_fn(move || match (a.peek(), b.peek()) {
            (Some(&&x), Some(&&y)) => {
                if x <= y {
                    a.next();
                }
                if y <= x {
                    b.next();
                }
                Some(x.min(y) as usize)
            }
            (Some(&&x), None) => {
                a.next();
                Some(x as usize)
            }
            (None, Some(&&y)) => {
                b.next();
                Some(y as usize)
            }
            (None, None) => None,
        })
    }
}

/// A fixed list of actions asked about together ([`Grants::may_allow_each`]): the privilege-
/// escalation catalogue's actions, or a rule's `actions` parameter. Grouped by service and
/// sorted by name (case-insensitively) once, so that each pattern of a principal's statements
/// is matched only against the actions of its service whose names start with the pattern's
/// literal part, instead of every action asking about every statement.
#[derive(Debug, Clone, PartialEq)]
pub struct ActionSet {
    actions: Vec<String>,
    /// Each distinct service (as first written) with its actions: the position of each in
    /// `actions` and where its name starts, sorted by name.
    services: Vec<(String, Vec<(usize, usize)>)>,
}

impl ActionSet {
    pub fn new<T: AsRef<str>>(actions: &[T]) -> ActionSet {
        let actions: Vec<String> = actions.iter().map(|a| a.as_ref().to_string()).collect();
        let mut services: Vec<(String, Vec<(usize, usize)>)> = Vec::new();
        for (k, action) in actions.iter().enumerate() {
            // An action without a colon has no service: only a pattern without a literal
            // service (`*`, `Odd`) can match it, and those are matched against every action.
            let Some((service, _)) = action.split_once(':') else {
                continue;
            };
            let name_at = service.len() + 1;
            match services
                .iter_mut()
                .find(|(s, _)| s.eq_ignore_ascii_case(service))
            {
                Some((_, ks)) => ks.push((k, name_at)),
                None => services.push((service.to_string(), vec![(k, name_at)])),
            }
        }
        for (_, ks) in &mut services {
            ks.sort_by(|&(a, at), &(b, bt)| cmp_ci(&actions[a][at..], &actions[b][bt..]));
        }
        ActionSet { actions, services }
    }

    pub fn actions(&self) -> &[String] {
        &self.actions
    }

    pub fn len(&self) -> usize {
        self.actions.len()
    }

    pub fn is_empty(&self) -> bool {
        self.actions.is_empty()
    }

    /// Calls `f` with the position of every action `pattern` may match: with a literal service
    /// (`iam:Put*`), only that service's actions whose names start with the literal part (the
    /// pattern's head up to its first wildcard must match the action's start); otherwise all.
    fn reachable(&self, pattern: &str, mut f: impl FnMut(usize)) {
        let Some(service) = literal_service(pattern) else {
            return (0..self.len()).for_each(f);
        };
        let colon = service.len();
        let Some((_, ks)) = self
            .services
            .iter()
            .find(|(s, _)| s.eq_ignore_ascii_case(service))
        else {
            return;
        };
        let rest = &pattern[colon + 1..];
        let head = &rest[..rest
            .bytes()
            .position(|b| matches!(b, b'*' | b'?'))
            .unwrap_or(rest.len())];
        let name = |&(k, at): &(usize, usize)| &self.actions[k][at..];
        let from = ks.partition_point(|e| cmp_ci(name(e), head).is_lt());
        ks[from..]
            .iter()
            .take_while(|e| {
                name(e)
                    .as_bytes()
                    .get(..head.len())
                    .is_some_and(|h| h.eq_ignore_ascii_case(head.as_bytes()))
            })
            .for_each(|&(k, _)| f(k));
    }
}

/// Statements indexed by the service their actions name, so asking about `iam:PassRole` only
/// looks at statements that could mention IAM. Principals hold dozens of statements and the
/// privilege-escalation catalogue asks about dozens of actions; without the index that product
/// dominated evaluation time.
pub struct Grants<'a, S: Borrow<Statement>> {
    statements: &'a [S],
    index: Cow<'a, ServiceIndex>,
}

impl<'a, S: Borrow<Statement>> Grants<'a, S> {
    pub fn new(statements: &'a [S]) -> Grants<'a, S> {
        Grants {
            statements,
            index: Cow::Owned(ServiceIndex::build(statements)),
        }
    }

    /// With an index built earlier for exactly these statements.
    pub fn with_index(statements: &'a [S], index: &'a ServiceIndex) -> Grants<'a, S> {
        Grants {
            statements,
            index: Cow::Borrowed(index),
        }
    }

    pub fn statements(&self) -> &'a [S] {
        self.statements
    }

    /// See [`grant`].
    pub fn grant(&self, action: &str, resource_filter: Option<&str>) -> Grant {
        self.grant_where(action, resource_filter, &|_| true)
    }

    /// False when no Allow statement covers `action`, so that every grant of it (any filter,
    /// any `keep`) is [`Access::None`]; a cheap test before asking for the grant itself.
    pub fn may_allow(&self, action: &str) -> bool {
        self.index.candidates(&service_key(action)).any(|i| {
            let stmt: &Statement = self.statements[i].borrow();
            stmt.is_allow() && covers_action(stmt, action)
        })
    }

    /// [`Grants::may_allow`] for each action of `set`, by position, with the same answers:
    /// every Allow statement's patterns are read once, each against its own service's actions.
    pub fn may_allow_each(&self, set: &ActionSet) -> Vec<bool> {
        let mut out = vec![false; set.len()];
        let mark = |pattern: &str, out: &mut [bool]| {
            set.reachable(pattern, |k| {
                if !out[k] && action_matches(pattern, &set.actions[k]) {
                    out[k] = true;
                }
            })
        };
        for stmt in self.statements {
            let stmt: &Statement = stmt.borrow();
            if !stmt.is_allow() {
                continue;
            }
            match (&stmt.actions, &stmt.not_actions) {
                (Some(patterns), _) => {
                    for p in patterns {
                        mark(p, &mut out);
                    }
                }
                (None, Some(_)) => {
                    for (k, allowed) in out.iter_mut().enumerate() {
                        if !*allowed && covers_action(stmt, &set.actions[k]) {
                            *allowed = true;
                        }
                    }
                }
                (None, None) => {}
            }
        }
        out
    }

    /// As [`Grants::grant`], counting only the Allow statements `keep` accepts: a PassRole
    /// Allow whose `iam:PassedToService` names another service grants nothing to a method that
    /// hands the role to EC2. Deny statements always count.
    pub fn grant_where(
        &self,
        action: &str,
        resource_filter: Option<&str>,
        keep: &dyn Fn(&Statement) -> bool,
    ) -> Grant {
        let service = service_key(action);
        let parts = self.index.candidates(&service).filter_map(|i| {
            let stmt: &Statement = self.statements[i].borrow();
            if !covers_action(stmt, action) {
                return None;
            }
            role(stmt, resource_filter, keep).map(|r| (i, r))
        });
        decide(action, parts)
    }

    /// `grant(action, None)` for each of `actions`, in order, with the same answers. Each
    /// statement's part is worked out once, and once per service whether it names the whole
    /// service, so a run of actions of one service (the catalogue's write actions that a `*`
    /// statement expands to) costs a few comparisons each instead of a full evaluation.
    pub fn grant_each(&self, actions: &[&str]) -> Vec<Grant> {
        let mut out = Vec::with_capacity(actions.len());
        self.visit_each(actions, |_, action, access, allowed_by, denied_by| {
            out.push(Grant {
                action: action.to_string(),
                access,
                allowed_by: allowed_by.to_vec(),
                denied_by: denied_by.to_vec(),
                limited_by_boundary: false,
                limited_by_scp: None,
            })
        });
        out
    }

    /// [`Grants::grant_each`] without building the grants: `visit` is called for each action in
    /// order with its position, the action, its access and the statements that allow and deny
    /// it, in lists it may only borrow. A broad principal is asked about thousands of actions,
    /// and a grant (the action copied, two lists) for each cost more than judging it.
    fn visit_each(
        &self,
        actions: &[&str],
        mut visit: impl FnMut(usize, &str, Access, &[usize], &[usize]),
    ) {
        let keep_all: &dyn Fn(&Statement) -> bool = &|_| true;
        // Worked out when a statement is first a candidate: a statement that names none of the
        // services asked about is never judged, and a part (conditions read, resources
        // matched) is not free.
        let mut roles: Vec<Option<Option<Role>>> = vec![None; self.statements.len()];
        // The statements that take part in grants of the current service, with how they cover
        // it: every action, or those that match (or, for a NotAction, do not match) the
        // statement's patterns that can name an action of the service, kept in `patterns`.
        let mut service: Option<Cow<str>> = None;
        let mut parts: Vec<(usize, Role, Cover)> = Vec::new();
        let mut patterns: Vec<&'a str> = Vec::new();
        let (mut allowed_by, mut denied_by) = (Vec::new(), Vec::new());
        for (k, &action) in actions.iter().enumerate() {
            // Without a colon the service key is empty, as for `:Name`, but `:*` covers only
            // the latter: such an action (never a catalogue one) is asked about on its own.
            if !action.contains(':') {
                let g = self.grant(action, None);
                visit(k, action, g.access, &g.allowed_by, &g.denied_by);
                continue;
            }
            let key = service_key(action);
            if service.as_deref() != Some(&*key) {
                parts.clear();
                patterns.clear();
                for i in self.index.candidates(&key) {
                    let Some(role) = *roles[i]
                        .get_or_insert_with(|| role(self.statements[i].borrow(), None, keep_all))
                    else {
                        continue;
                    };
                    let stmt: &'a Statement = self.statements[i].borrow();
                    let cover = match (service_cover(stmt, &key), &stmt.actions) {
                        (ServiceCover::Nothing, _) => continue,
                        (ServiceCover::All, _) => Cover::All,
                        (ServiceCover::Ask, listed) => {
                            let negated = listed.is_none();
                            let from = patterns.len();
                            let named = listed.as_ref().or(stmt.not_actions.as_ref());
                            patterns.extend(
                                named
                                    .into_iter()
                                    .flatten()
                                    .filter(|p| may_name_service(p, &key))
                                    .map(|p| &**p),
                            );
                            match (negated, from == patterns.len()) {
                                // No pattern names the service: an Action covers none of its
                                // actions, a NotAction all of them.
                                (false, true) => continue,
                                (true, true) => Cover::All,
                                _ => Cover::Matching(from..patterns.len(), negated),
                            }
                        }
                    };
                    parts.push((i, role, cover));
                }
                service = Some(key);
            }
            let parts = parts
                .iter()
                .filter(|(_, _, cover)| match cover {
                    Cover::All => true,
                    Cover::Matching(range, negated) => {
                        let matched = patterns[range.clone()]
                            .iter()
                            .any(|p| action_matches(p, action));
                        matched != *negated
                    }
                })
                .map(|&(i, role, _)| (i, role));
            allowed_by.clear();
            denied_by.clear();
            let access = tally(parts, &mut allowed_by, &mut denied_by);
            visit(k, action, access, &allowed_by, &denied_by);
        }
    }
}

/// A principal's permissions: what its identity policies grant, capped by its permissions
/// boundary when it has one and by the service control policies of its account's organisation.
/// IAM allows an action only when all of them allow it, so the effective access is the narrowest
/// of them, and a Deny in any wins.
pub struct Permissions<'a, S: Borrow<Statement>> {
    identity: Grants<'a, S>,
    boundary: Option<Grants<'a, S>>,
    scps: &'a [ScpLevel],
}

impl<'a, S: Borrow<Statement>> Permissions<'a, S> {
    pub fn new(identity: &'a [S], boundary: Option<&'a [S]>) -> Permissions<'a, S> {
        Permissions {
            identity: Grants::new(identity),
            boundary: boundary.map(Grants::new),
            scps: &[],
        }
    }

    /// Without a boundary or a service index (see [`ServiceIndex::every`]), for statements asked
    /// about only a few times.
    pub fn unindexed(identity: &'a [S]) -> Permissions<'a, S> {
        Permissions {
            identity: Grants {
                statements: identity,
                index: Cow::Owned(ServiceIndex::every(identity.len())),
            },
            boundary: None,
            scps: &[],
        }
    }

    /// With indices the inventory stage built once for these statements (see [`crate::Facts`]).
    pub fn with_indices(
        identity: (&'a [S], &'a ServiceIndex),
        boundary: Option<(&'a [S], &'a ServiceIndex)>,
    ) -> Permissions<'a, S> {
        Permissions {
            identity: Grants::with_index(identity.0, identity.1),
            boundary: boundary.map(|(s, i)| Grants::with_index(s, i)),
            scps: &[],
        }
    }

    /// Capped as well by the SCP levels from the organisation root to the principal's account
    /// (none for the management account, or outside an organisation).
    pub fn with_scps(mut self, scps: &'a [ScpLevel]) -> Permissions<'a, S> {
        self.scps = scps;
        self
    }

    pub fn scps(&self) -> &'a [ScpLevel] {
        self.scps
    }

    /// Statement indices in grants refer to the identity statements.
    pub fn statements(&self) -> &'a [S] {
        self.identity.statements()
    }

    pub fn grant(&self, action: &str, resource_filter: Option<&str>) -> Grant {
        self.grant_where(action, resource_filter, &|_| true)
    }

    /// False when the identity statements allow `action` nowhere, so that every grant of it is
    /// [`Access::None`] (a boundary or SCP only narrows); see [`Grants::may_allow`].
    pub fn may_allow(&self, action: &str) -> bool {
        self.identity.may_allow(action)
    }

    /// [`Permissions::may_allow`] for each action of `set`; see [`Grants::may_allow_each`].
    pub fn may_allow_each(&self, set: &ActionSet) -> Vec<bool> {
        self.identity.may_allow_each(set)
    }

    /// See [`Grants::grant_where`]; `keep` applies to the boundary's Allows as well, since a
    /// boundary that lets the role pass only to Lambda does not let it pass to EC2.
    pub fn grant_where(
        &self,
        action: &str,
        resource_filter: Option<&str>,
        keep: &dyn Fn(&Statement) -> bool,
    ) -> Grant {
        let g = self.identity.grant_where(action, resource_filter, keep);
        let boundary = self
            .boundary
            .as_ref()
            .map(|b| b.grant_where(action, resource_filter, keep).access);
        self.capped(g, boundary, resource_filter)
    }

    /// `grant(action, None)` for each of `actions`, in order, with the same answers; see
    /// [`Grants::grant_each`].
    pub fn grant_each(&self, actions: &[&str]) -> Vec<Grant> {
        let identity = self.identity.grant_each(actions);
        // Nothing to cap by: the identity grants are the answer.
        if self.boundary.is_none() && self.scps.is_empty() {
            return identity;
        }
        let boundary = self.boundary.as_ref().map(|b| b.grant_each(actions));
        identity
            .into_iter()
            .enumerate()
            .map(|(k, g)| {
                let b = boundary.as_ref().and_then(|b| b.get(k)).map(|b| b.access);
                self.capped(g, b, None)
            })
            .collect()
    }

    /// Calls `f` with each of `actions` (in order) that is granted [`Access::Unconditional`],
    /// and the identity statements that allow it: the grants [`Permissions::grant_each`] gives
    /// that are unconditional, without building the others. Without a boundary or SCPs to cap
    /// them, no grant is built at all.
    pub fn unconditional_each<'x>(
        &self,
        actions: &[&'x str],
        mut f: impl FnMut(&'x str, &[usize]),
    ) {
        if self.boundary.is_none() && self.scps.is_empty() {
            self.identity
                .visit_each(actions, |k, _, access, allowed_by, _| {
                    if access == Access::Unconditional {
                        f(actions[k], allowed_by);
                    }
                });
            return;
        }
        for (k, g) in self.grant_each(actions).into_iter().enumerate() {
            if g.access == Access::Unconditional {
                f(actions[k], &g.allowed_by);
            }
        }
    }

    /// The identity grant `g` capped by what the boundary grants (`boundary`, when there is
    /// one) and by each SCP level.
    fn capped(
        &self,
        mut g: Grant,
        boundary: Option<Access>,
        resource_filter: Option<&str>,
    ) -> Grant {
        if let Some(b) = boundary {
            if b < g.access {
                g.access = b;
                g.limited_by_boundary = true;
            }
        }
        for level in self.scps {
            if g.access == Access::None {
                break;
            }
            let s = Grants::with_index(&level.statements, &level.index)
                .grant(&g.action, resource_filter);
            let denied = !s.denied_by.is_empty();
            if denied || (level.complete && s.access < g.access) {
                let before = g.limited_by_scp.as_ref().map_or(g.access, |l| l.before);
                g.access = if denied { Access::None } else { s.access };
                g.limited_by_scp = Some(ScpLimit {
                    level: level.target.clone(),
                    denied_by: s
                        .denied_by
                        .iter()
                        .map(|&i| Statement::clone(&level.statements[i]))
                        .collect(),
                    before,
                });
            }
        }
        g
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn stmts(doc: serde_json::Value) -> Vec<Statement> {
        crate::iam::policy::test_statements(doc)
    }

    /// Scanning every statement must answer exactly as the service index does, for actions of
    /// any case and shape, wildcard services and NotAction included.
    #[test]
    fn unindexed_answers_as_the_index_does() {
        let s = stmts(json!({"Statement": [
            {"Effect": "Allow", "Action": ["s3:GetObject", "IAM:PassRole"], "Resource": "*"},
            {"Effect": "Allow", "Action": "s*:List*", "Resource": "arn:aws:s3:::b/*"},
            {"Effect": "Allow", "Action": ["kms:*", ":Odd"], "Resource": "*",
             "Condition": {"StringEquals": {"kms:ViaService": "s3.eu-west-1.amazonaws.com"}}},
            {"Effect": "Deny", "NotAction": "ec2:*", "Resource": "*"},
            {"Effect": "Allow", "NotAction": "iam:*", "NotResource": "arn:aws:s3:::x"},
            {"Effect": "Deny", "Action": "S3:Get*", "Resource": "arn:aws:s3:::b/*"}]}));
        let indexed = Permissions::new(s.as_slice(), None);
        let scanned = Permissions::unindexed(s.as_slice());
        let actions = [
            "s3:GetObject",
            "S3:getobject",
            "iam:PassRole",
            "iam:passrole",
            "sqs:ListQueues",
            "kms:Decrypt",
            "ec2:RunInstances",
            ":Odd",
            "Odd",
            "",
            "sts:AssumeRole",
            "s3x:Get",
        ];
        for a in actions {
            assert_eq!(indexed.may_allow(a), scanned.may_allow(a), "{a}");
            assert_eq!(indexed.grant(a, None), scanned.grant(a, None), "{a}");
            let filter = Some("arn:aws:s3:::b/k");
            assert_eq!(indexed.grant(a, filter), scanned.grant(a, filter), "{a}");
        }
        assert_eq!(indexed.grant_each(&actions), scanned.grant_each(&actions));
    }

    /// Asking a set of actions at once answers as asking each: patterns with and without a
    /// literal service, without a colon, with a wildcard in the service, NotAction, Deny, and
    /// actions of any case, without a colon, empty or repeated.
    #[test]
    fn may_allow_each_answers_as_may_allow() {
        let actions = vec![
            "iam:PassRole",
            "IAM:PASSROLE",
            "iam",
            "Odd",
            "",
            ":Odd",
            "s3x:Get",
            "s3:GetObject",
            "sqs:ListQueues",
            "ec2:RunInstances",
            "kms:Decrypt",
            "é:x",
            "lambda:CreateFunction",
        ];
        let docs = [
            json!({"Statement": [
                {"Effect": "Allow", "Action": ["s3:GetObject", "IAM:pass*"], "Resource": "*"},
                {"Effect": "Deny", "Action": "*", "Resource": "*"}]}),
            json!({"Statement": {"Effect": "Allow", "Action": ["iam", ":Odd", "?c2:Run*"], "Resource": "*"}}),
            json!({"Statement": {"Effect": "Allow", "Action": ["s*:List*", "É:x", "é:*"], "Resource": "*"}}),
            json!({"Statement": {"Effect": "Allow", "Action": "*", "Resource": "arn:aws:s3:::b"}}),
            json!({"Statement": {"Effect": "Allow", "Action":
                ["iam:Pass", "iam:PassRole2", "s3:Get*ct", "sqs:List?ueues", "lambda:createfunction", "kms:"],
                "Resource": "*"}}),
            json!({"Statement": {"Effect": "Allow", "NotAction": ["iam:*", "s3x:*"], "Resource": "*"}}),
            json!({"Statement": {"Effect": "Allow", "NotAction": "*", "Resource": "*"}}),
            json!({"Statement": [
                {"Effect": "Allow", "Action": "kms:*", "Resource": "*",
                 "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}},
                {"Effect": "Deny", "NotAction": "ec2:*", "Resource": "*"}]}),
        ];
        let set = ActionSet::new(&actions);
        let asked = actions.len() * docs.len();
        let mut allowed = 0;
        for doc in docs {
            let s = stmts(doc);
            let p = Permissions::new(s.as_slice(), None);
            let one_by_one: Vec<bool> = actions.iter().map(|a| p.may_allow(a)).collect();
            assert_eq!(p.may_allow_each(&set), one_by_one, "{s:?}");
            allowed += one_by_one.iter().filter(|&&a| a).count();
        }
        // Both answers occur, so the comparison can fail.
        assert!(allowed > 0 && allowed < asked, "{allowed}");
    }

    /// The flat index lists, under each service up to ASCII case, exactly the statements with a
    /// pattern naming it before its colon, ascending and once, whatever the order and case the
    /// services come in; services no statement names list none.
    #[test]
    fn index_lists_each_statement_under_the_services_it_names() {
        let s = stmts(json!({"Statement": [
            {"Effect": "Allow", "Action": ["sqs:Send*", "S3:GetObject", "s3:Put*", "iam:PassRole"], "Resource": "*"},
            {"Effect": "Deny", "Action": ["IAM:passrole", "É:x", "s3-outposts:Get*"], "Resource": "*"},
            {"Effect": "Allow", "Action": ["s*:List*", "ec2:Run*", "odd", ":Odd"], "Resource": "*"},
            {"Effect": "Allow", "NotAction": "kms:*", "Resource": "*"},
            {"Effect": "Allow", "Action": "é:y", "Resource": "*"},
            {"Effect": "Allow", "Action": ["s3:*", "sqs:*", "S3:List*"], "Resource": "*"}]}));
        let index = ServiceIndex::build(&s);
        let names = |i: usize| -> Vec<String> {
            s[i].actions
                .iter()
                .flatten()
                .filter_map(|p| p.split_once(':').map(|(service, _)| service))
                .filter(|service| !service.contains(['*', '?']))
                .map(str::to_ascii_lowercase)
                .collect()
        };
        for service in [
            "s3",
            "sqs",
            "iam",
            "é",
            "É",
            "s3-outposts",
            "ec2",
            "",
            "kms",
            "s",
            "s3x",
        ] {
            let expected: Vec<u32> = (0..s.len())
                .filter(|&i| names(i).iter().any(|n| n == service))
                .map(super::index)
                .collect();
            assert_eq!(index.listed(service), expected.as_slice(), "{service}");
        }
        assert_eq!(index.listed("s3"), &[0, 5]);
        assert_eq!(index.listed("é"), &[4]);
        assert_eq!(index.always, vec![2, 3]);
        assert_eq!(
            ServiceIndex::build::<Statement>(&[]),
            ServiceIndex::default()
        );
    }

    #[test]
    fn index_keeps_wildcard_and_not_action_statements() {
        let s = stmts(json!({"Statement": [
            {"Effect": "Allow", "Action": ["s3:GetObject", "IAM:PassRole"], "Resource": "*"},
            {"Effect": "Allow", "Action": "s*:List*", "Resource": "*"},
            {"Effect": "Deny", "NotAction": "ec2:*", "Resource": "*"}]}));
        let g = Grants::new(&s);
        assert_eq!(
            g.grant("iam:PassRole", None).allowed_by,
            vec![0],
            "service names are case-insensitive"
        );
        assert_eq!(g.grant("sqs:ListQueues", None).allowed_by, vec![1]);
        assert_eq!(g.grant("sqs:ListQueues", None).denied_by, vec![2]);
        assert_eq!(g.grant("ec2:RunInstances", None).access, Access::None);
    }

    #[test]
    fn permissions_boundary_caps_identity_grants() {
        let identity =
            stmts(json!({"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}));
        let boundary = stmts(json!({"Statement": [
            {"Effect": "Allow", "Action": ["s3:*", "iam:PassRole"], "Resource": "*"},
            {"Effect": "Allow", "Action": "iam:CreateAccessKey", "Resource": "*", "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}]}));
        let p = Permissions::new(&identity, Some(&boundary));
        assert_eq!(p.grant("s3:GetObject", None).access, Access::Unconditional);
        let g = p.grant("iam:PutRolePolicy", None);
        assert_eq!(g.access, Access::None);
        assert!(g.limited_by_boundary);
        assert_eq!(
            p.grant("iam:CreateAccessKey", None).access,
            Access::Conditional
        );
        let unbounded = Permissions::new(&identity, None);
        assert_eq!(
            unbounded.grant("iam:PutRolePolicy", None).access,
            Access::Unconditional
        );
    }

    fn level(target: &str, doc: serde_json::Value, complete: bool) -> ScpLevel {
        ScpLevel::new(
            target.into(),
            stmts(doc).into_iter().map(Arc::new).collect(),
            complete,
        )
    }

    #[test]
    fn scps_cap_every_level_and_deny_wins() {
        let identity =
            stmts(json!({"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}));
        let full = json!({"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}});
        let levels = vec![
            level("root r-ab12", full.clone(), true),
            level(
                "organizational unit ou-ab12-cd34ef56 (Prod)",
                json!({"Statement": [
                    {"Effect": "Allow", "Action": "*", "Resource": "*"},
                    {"Sid": "DenyIam", "Effect": "Deny", "Action": "iam:*", "Resource": "*"}]}),
                true,
            ),
            level(
                "account 123456789012",
                json!({"Statement": {"Effect": "Allow", "Action": ["s3:*", "iam:*", "ec2:*"], "Resource": "*"}}),
                true,
            ),
        ];
        let p = Permissions::new(&identity, None).with_scps(&levels);
        let g = p.grant("iam:CreateUser", None);
        assert_eq!(g.access, Access::None);
        let limit = g.limited_by_scp.expect("limited");
        assert_eq!(limit.level, "organizational unit ou-ab12-cd34ef56 (Prod)");
        assert_eq!(limit.denied_by[0].sid.as_deref(), Some("DenyIam"));
        assert_eq!(limit.before, Access::Unconditional);
        let g = p.grant("kms:Decrypt", None);
        assert_eq!(g.access, Access::None, "the account level allows no KMS");
        let limit = g.limited_by_scp.expect("limited");
        assert!(limit.denied_by.is_empty());
        assert_eq!(limit.level, "account 123456789012");
        let g = p.grant("s3:GetObject", None);
        assert_eq!(g.access, Access::Unconditional);
        assert!(g.limited_by_scp.is_none());
        assert_eq!(
            Permissions::new(&identity, None)
                .grant("iam:CreateUser", None)
                .access,
            Access::Unconditional,
            "without SCPs nothing changes"
        );
    }

    #[test]
    fn an_incomplete_scp_level_only_denies() {
        let identity =
            stmts(json!({"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}));
        let partial = vec![level(
            "account 123456789012",
            json!({"Statement": [
                {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
                {"Effect": "Deny", "Action": "organizations:LeaveOrganization", "Resource": "*"}]}),
            false,
        )];
        let p = Permissions::new(&identity, None).with_scps(&partial);
        assert_eq!(
            p.grant("ec2:RunInstances", None).access,
            Access::Unconditional,
            "an SCP the export lacks may allow it"
        );
        assert_eq!(
            p.grant("organizations:LeaveOrganization", None).access,
            Access::None
        );
        let conditional = vec![level(
            "root r-ab12",
            json!({"Statement": [
                {"Effect": "Allow", "Action": "*", "Resource": "*"},
                {"Effect": "Deny", "Action": "iam:*", "Resource": "*", "Condition": {"StringNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/admin"}}}]}),
            true,
        )];
        let p = Permissions::new(&identity, None).with_scps(&conditional);
        assert_eq!(
            p.grant("iam:CreateUser", None).access,
            Access::Unconditional,
            "a conditional SCP Deny spares some principals"
        );
    }

    /// Statements of every shape `grant` distinguishes: whole-service and partial patterns in
    /// either case, NotAction, NotResource, restricting and never-applying conditions, Denies
    /// that do and do not cancel, and `:*`, which covers `:Name` but not a name without colon.
    fn every_shape() -> Vec<Statement> {
        stmts(json!({"Statement": [
            {"Effect": "Allow", "Action": ["S3:*", "iam:Pass*", "ec2:RunInstances"], "Resource": "*"},
            {"Effect": "Allow", "Action": "s3:Get*", "Resource": "arn:aws:s3:::reports.example.com/*"},
            {"Effect": "Allow", "NotAction": ["iam:*", "s3:Put*"], "Resource": "*", "Condition": {"StringEquals": {"aws:PrincipalTag/team": "a"}}},
            {"Effect": "Allow", "Action": ":*", "Resource": "*"},
            {"Effect": "Allow", "Action": "kms:*", "NotResource": "arn:aws:kms:*:*:key/k"},
            {"Effect": "Allow", "Action": "sqs:*", "Resource": "*", "Condition": {"DateLessThan": {"aws:CurrentTime": "2019-01-01"}}},
            {"Effect": "Allow", "Action": "lambda:*", "Resource": "arn:aws:iam::aws:policy/x"},
            {"Effect": "Allow", "NotAction": "sqs:*", "Resource": "arn:aws:s3:::b"},
            {"Effect": "Deny", "Action": "s3:DeleteBucket", "Resource": "*"},
            {"Effect": "Deny", "NotAction": "ec2:*", "Resource": "arn:aws:s3:::b"},
            {"Effect": "Deny", "Action": "iam:PassRole", "Resource": "*", "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "false"}}},
            {"Effect": "Deny", "NotAction": ["s3:*", "iam:*", "ec2:*", "kms:*", "sqs:*", "lambda:*", ":*"], "Resource": "*"}]}))
    }

    #[test]
    fn grant_each_answers_as_grant_does() {
        let actions = [
            "s3:GetObject",
            "S3:getobject",
            "s3:PutObject",
            "s3:DeleteBucket",
            "iam:PassRole",
            "iam:CreateUser",
            "ec2:RunInstances",
            "ec2:StopInstances",
            "kms:Decrypt",
            "sqs:SendMessage",
            "lambda:CreateFunction",
            "sts:AssumeRole",
            "foo",
            ":foo",
            "",
            "s3:ListBucket",
            "iam:PassRole",
        ];
        let shapes = every_shape();
        let allow_all =
            stmts(json!({"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}));
        let boundary = stmts(json!({"Statement": [
            {"Effect": "Allow", "Action": ["s3:*", "iam:PassRole"], "Resource": "*"},
            {"Effect": "Allow", "Action": "ec2:*", "Resource": "*", "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}]}));
        let levels = vec![
            level(
                "root r-ab12",
                json!({"Statement": [
                {"Effect": "Allow", "Action": "*", "Resource": "*"},
                {"Effect": "Deny", "Action": "s3:Put*", "Resource": "*"}]}),
                true,
            ),
            level(
                "account 123456789012",
                json!({"Statement":
                {"Effect": "Allow", "Action": ["s3:*", "iam:*", "kms:*"], "Resource": "*"}}),
                true,
            ),
        ];
        // Lists naming several services, NotActions naming only other services, wildcards
        // before the colon and patterns without one: each service sees only what can name it.
        let mixed = stmts(json!({"Statement": [
            {"Effect": "Allow", "Action": ["sqs:Send*", "s3:GetObject", "IAM:passrole", "kms:*"], "Resource": "arn:aws:s3:::b"},
            {"Effect": "Allow", "Action": ["ec2:StopInstances", "lambda:Create*"], "Resource": "*"},
            {"Effect": "Allow", "NotAction": ["sts:*", "s3x:*"], "Resource": "arn:aws:iam::*:role/*"},
            {"Effect": "Allow", "Action": ["s?:Get*", "foo", "*:Decrypt", "ec2"], "Resource": "*"},
            {"Effect": "Deny", "NotAction": ["iam:*", "s3:Get*", "ec2:Run*"], "Resource": "*"},
            {"Effect": "Deny", "Action": ["lambda:CreateFunction", "sqs:*"], "Resource": "*"}]}));
        let mut sorted = actions.to_vec();
        sorted.sort_unstable();
        for identity in [&shapes, &allow_all, &shapes[..8].to_vec(), &mixed] {
            let cases = [
                Permissions::new(identity.as_slice(), None),
                Permissions::new(identity.as_slice(), Some(boundary.as_slice())),
                Permissions::new(identity.as_slice(), None).with_scps(&levels),
                Permissions::new(identity.as_slice(), Some(boundary.as_slice())).with_scps(&levels),
            ];
            for p in &cases {
                for a in actions {
                    if !p.may_allow(a) {
                        for filter in [None, Some("arn:aws:iam::*:role/*")] {
                            assert_eq!(p.grant(a, filter).access, Access::None, "{a}");
                        }
                    }
                }
                for list in [&actions[..], &sorted[..]] {
                    let one_by_one: Vec<Grant> = list.iter().map(|a| p.grant(a, None)).collect();
                    assert_eq!(p.grant_each(list), one_by_one);
                    // Without grants (no boundary or SCPs) or from them, the same answers.
                    let mut unconditional = Vec::new();
                    p.unconditional_each(list, |a, by| unconditional.push((a, by.to_vec())));
                    let expected: Vec<(&str, Vec<usize>)> = one_by_one
                        .iter()
                        .zip(list)
                        .filter(|(g, _)| g.access == Access::Unconditional)
                        .map(|(g, a)| (*a, g.allowed_by.clone()))
                        .collect();
                    assert_eq!(unconditional, expected);
                }
            }
        }
        // The shapes do reach every answer, so the comparison above means something.
        let p = Permissions::new(shapes.as_slice(), None);
        let access = |a: &str| p.grant(a, None).access;
        assert_eq!(access("s3:GetObject"), Access::Unconditional);
        assert_eq!(access("s3:DeleteBucket"), Access::None);
        assert_eq!(access("sts:AssumeRole"), Access::None);
        assert_eq!(access(":foo"), Access::Unconditional);
        assert_eq!(access("foo"), Access::None);
        assert!(p.may_allow("s3:DeleteBucket"), "allowed, then denied");
        let narrow = Permissions::new(&shapes[..2], None);
        assert!(!narrow.may_allow("kms:Decrypt"));
        assert!(narrow.may_allow("IAM:passrole"));
        assert_eq!(access("kms:Decrypt"), Access::Unconditional);
        assert_eq!(access("ec2:StopInstances"), Access::Scoped);
        assert_eq!(access("sqs:SendMessage"), Access::Conditional);
        assert_eq!(p.grant("iam:PassRole", None).denied_by, Vec::<usize>::new());
    }

    #[test]
    fn type_wide_patterns_cover_all() {
        for p in [
            "*",
            "arn:aws:s3:::*",
            "arn:aws:s3:::*/*",
            "arn:aws:iam::*:role/*",
            "arn:aws:iam::123456789012:role/*",
            "arn:aws:secretsmanager:*:*:secret:*",
            "arn:aws:dynamodb:eu-west-1:123456789012:table/*",
        ] {
            assert!(pattern_covers_all(p), "{p}");
        }
        for p in [
            "arn:aws:s3:::reports.example.com/*",
            "arn:aws:iam::*:role/app-*",
            "arn:aws:secretsmanager:*:*:secret:app/*",
            "arn:aws:iam::123456789012:role/web",
            "not-an-arn",
            "arn:aws:s3",
            "arn:aws:iam::123456789012",
            "arn:aws:s3:::",
            "arnx:aws:s3:::*",
            "arn:aws:ec2:eu-west-1:123456789012:instance/i-1:*",
        ] {
            assert!(!pattern_covers_all(p), "{p}");
        }
        assert!(pattern_covers_all(
            "arn:aws:logs:eu-west-1:123456789012:log-group:*"
        ));
    }

    #[test]
    fn expired_date_conditions_grant_nothing() {
        let with = |condition: serde_json::Value| {
            let s = stmts(
                json!({"Statement": {"Effect": "Allow", "Action": "iam:CreatePolicyVersion", "Resource": "*", "Condition": condition}}),
            );
            grant(&s, "iam:CreatePolicyVersion", None).access
        };
        assert_eq!(
            with(json!({"DateLessThan": {"aws:TokenIssueTime": "2020-01-01T00:00:01Z"}})),
            Access::None
        );
        assert_eq!(
            with(json!({"DateLessThanEquals": {"aws:CurrentTime": ["2019-06-30", "1577836800"]}})),
            Access::None
        );
        assert_eq!(
            with(json!({"DateGreaterThan": {"aws:TokenIssueTime": "2020-01-01T00:00:01Z"}})),
            Access::Conditional,
            "after a past date: holds today"
        );
        assert_eq!(
            with(json!({"DateLessThan": {"aws:CurrentTime": ["2019-01-01", "2099-01-01"]}})),
            Access::Conditional,
            "one future date keeps it possible"
        );
        assert_eq!(
            with(json!({"DateLessThan": {"aws:CurrentTime": "soon"}})),
            Access::Conditional,
            "unreadable dates are not judged"
        );
    }

    #[test]
    fn explicit_deny_wins() {
        let s = stmts(json!({"Statement": [
            {"Effect": "Allow", "Action": "iam:*", "Resource": "*"},
            {"Effect": "Deny", "Action": "iam:*", "Resource": "*"}]}));
        let g = grant(&s, "iam:PassRole", None);
        assert_eq!(g.access, Access::None);
        assert_eq!(g.denied_by, vec![1]);
    }

    #[test]
    fn conditional_deny_does_not_cancel() {
        let s = stmts(json!({"Statement": [
            {"Effect": "Allow", "Action": "*", "Resource": "*"},
            {"Effect": "Deny", "Action": "*", "Resource": "*", "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "false"}}}]}));
        assert_eq!(
            grant(&s, "iam:PassRole", None).access,
            Access::Unconditional
        );
    }

    #[test]
    fn not_action_grants_the_rest() {
        let s = stmts(
            json!({"Statement": {"Effect": "Allow", "NotAction": ["iam:Update*", "iam:Create*"], "Resource": "*"}}),
        );
        assert_eq!(
            grant(&s, "iam:PutUserPolicy", None).access,
            Access::Unconditional
        );
        assert_eq!(grant(&s, "iam:CreateAccessKey", None).access, Access::None);
    }

    #[test]
    fn scope_and_conditions_are_classified() {
        let s = stmts(json!({"Statement": [
            {"Effect": "Allow", "Action": "iam:CreatePolicyVersion", "Resource": "arn:aws:iam::*:policy/team-*"},
            {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*", "Condition": {"StringEquals": {"iam:PassedToService": "ec2.amazonaws.com"}}},
            {"Effect": "Allow", "Action": "iam:SetDefaultPolicyVersion", "Resource": "arn:aws:iam::aws:policy/x-*"}]}));
        assert_eq!(
            grant(&s, "iam:CreatePolicyVersion", None).access,
            Access::Scoped
        );
        assert_eq!(grant(&s, "iam:PassRole", None).access, Access::Conditional);
        assert_eq!(
            grant(&s, "iam:SetDefaultPolicyVersion", None).access,
            Access::None,
            "AWS-managed ARNs are not customer reachable"
        );
    }
}
