//! Named checks that a condition tree cannot express cleanly: IAM evaluation with Deny,
//! NotAction, scope and conditions. Each is unit-tested here; rule files reference them by name
//! and still own the metadata, explanation and fixtures.

use crate::attr_value::AttrValue;
use crate::iam::catalogue::{AccessLevel, Catalogue, Selected};
use crate::iam::grant::{covers_all_resources, Access, ActionSet, Grant, Permissions};
use crate::iam::policy::account_of_arn;
use crate::iam::policy::Statement;
use crate::iam::privesc::{
    admin_equivalent_for, escalation_methods_for, MethodHit, ADMIN_PROBES, METHODS,
};
use crate::{Resource, Source};
use foldhash::{HashMap, HashMapExt};
use serde_json::Value;
use std::borrow::Borrow;
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fmt::Write;
use std::rc::Rc;
use std::sync::Arc;

/// Every function name a rule may use.
pub const NAMES: &[&str] = &[
    "iam_admin_equivalent",
    "iam_privilege_escalation",
    "iam_unrestricted_passrole",
    "iam_unrestricted_actions",
    "iam_permissions_management",
    "iam_own_unrestricted_actions",
    "iam_cross_account_trust",
    "iam_infrastructure_modification",
];

/// Three-valued truth, Kleene style.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tri {
    True,
    False,
    Unknown,
}

/// What a function found: its truth value, the statements behind it, and a sentence for the
/// finding message.
#[derive(Debug, Clone, PartialEq)]
pub struct FnResult {
    pub tri: Tri,
    pub statements: Cited,
    pub details: String,
}

/// Calls a named check. `params` are the rule's parameters (after settings overrides); checks
/// that take a list (of actions, say) read it from there so users can tune it.
pub fn call(
    name: &str,
    resource: &Resource,
    _args: &Value,
    params: &BTreeMap<String, Value>,
) -> FnResult {
    if name == "iam_own_unrestricted_actions" {
        return own_unrestricted_actions(resource, params);
    }
    // Trust policies are the role's own document; no permissions need resolving.
    if name == "iam_cross_account_trust" {
        return cross_account_trust(resource, params);
    }
    let Some(permissions) = resource.facts.permissions() else {
        return FnResult {
            tri: Tri::Unknown,
            statements: Vec::new(),
            details: "the export does not include this principal's policies".into(),
        };
    };
    let complete = resource
        .attributes
        .get("statements_complete")
        .and_then(AttrValue::as_bool)
        .unwrap_or(false);
    // Read only for the outcomes that name them; most calls pass or fail without.
    let missing = || {
        resource
            .attributes
            .get("missing_policies")
            .and_then(AttrValue::as_array)
            .into_iter()
            .flatten()
            .filter_map(AttrValue::as_str)
    };
    let found = match name {
        "iam_admin_equivalent" => admin(&permissions),
        "iam_privilege_escalation" => privesc(resource, &permissions).or_else(|| chain(resource)),
        "iam_unrestricted_passrole" => passrole(&permissions),
        "iam_unrestricted_actions" => unrestricted_actions(&permissions, params),
        "iam_permissions_management" => permissions_management(&permissions),
        "iam_infrastructure_modification" => infrastructure_modification(&permissions),
        _ => None,
    };
    let boundary_missing = || missing().filter(|m| m.starts_with("permissions boundary"));
    match found {
        // Held back by a service control policy: no policy the export lacks can undo that.
        Some(r) if r.tri == Tri::False => r,
        // A boundary we cannot see may remove exactly what we found: unknown, not fail.
        Some(r) if boundary_missing().next().is_some() => FnResult {
            tri: Tri::Unknown,
            statements: r.statements,
            details: format!(
                "its identity policies would allow it, but the {} is not in the export and may forbid it",
                boundary_missing().collect::<Vec<_>>().join(", ")
            ),
        },
        Some(r) => r,
        // Nothing found, but policies we could not see might grant it: unknown, not pass.
        None if !complete => FnResult {
            tri: Tri::Unknown,
            statements: Vec::new(),
            details: format!(
                "the export lacks attached policies or groups: {}",
                missing().collect::<Vec<_>>().join(", ")
            ),
        },
        None => FnResult {
            tri: Tri::False,
            statements: Vec::new(),
            details: String::new(),
        },
    }
}

/// Statements cited as evidence, each with the note that says what it grants.
pub type Cited = Vec<(Arc<Statement>, String)>;

/// A statement as evidence holds it: shared where the statement already is (a principal's
/// effective statements), copied once otherwise. Each cited statement was a copy of its own,
/// kept with the findings until the report was put together (5k-role export: 4.4 MB of the
/// heap's peak).
pub trait Cite: Borrow<Statement> {
    fn cited(&self) -> Arc<Statement>;
}

impl Cite for Arc<Statement> {
    fn cited(&self) -> Arc<Statement> {
        Arc::clone(self)
    }
}

impl Cite for Statement {
    fn cited(&self) -> Arc<Statement> {
        Arc::new(self.clone())
    }
}

/// Statements cited so far, each once with a note naming the actions it grants. A `*` statement
/// cites thousands of actions, so finding the statement and asking whether its note already
/// names an action must not rescan every note (that made citing quadratic and the slowest part
/// of evaluating a broad principal).
#[derive(Default)]
struct Citations<'a> {
    out: Cited,
    by_source: HashMap<Source, usize>,
    mentions: Vec<Mentions<'a>>,
}

/// What one note is made of: the sentence `note` wrote first (`head`, its length), then
/// `, action` for each action added. Kept apart so "does the note contain this action" can be
/// answered without scanning the whole note.
struct Mentions<'a> {
    head: usize,
    /// Where the head has a colon: a plain action can only sit in the head with its colon on
    /// one of them.
    head_colons: Vec<usize>,
    /// Names of the added actions of the plain `service:Name` shape, sorted, one list per
    /// service (in the order services were first added). A note's actions usually arrive in
    /// order, so most insertions append.
    names: Vec<Vec<&'a str>>,
    /// The service of each list in `names`.
    services: Vec<&'a str>,
    /// Every suffix of every added service (`ses`, `es`, `s` and `` for `ses`), with the
    /// services that end with it (the service itself among them): `es:ListTags` sits inside
    /// `ses:ListTags`.
    ending_with: HashMap<&'a str, Vec<usize>>,
    /// The service last asked about and its `ending_with` list, while no service has been
    /// added since: a note's actions come in runs of one service, and hashing the service for
    /// each of thousands of actions was most of the cost of citing a broad statement.
    recent: Option<(&'a str, Vec<usize>)>,
    /// Added actions of any other shape (a parameter may hold anything).
    other: Vec<&'a str>,
}

/// `service:Name` with one colon and no separator characters: such a string can only occur in
/// a note inside the head or inside one added action, with its colon on that action's colon.
fn plain_action(action: &str) -> Option<(&str, &str)> {
    let colon = action.bytes().position(|b| b == b':')?;
    let (service, name) = (&action[..colon], &action[colon + 1..]);
    let clean = |t: &str| !t.bytes().any(|b| matches!(b, b':' | b',' | b' '));
    (clean(service) && clean(name)).then_some((service, name))
}

impl<'a> Mentions<'a> {
    /// For a note that is only its head so far.
    fn new(head: &str) -> Mentions<'a> {
        Mentions {
            head: head.len(),
            head_colons: head
                .bytes()
                .enumerate()
                .filter(|&(_, b)| b == b':')
                .map(|(i, _)| i)
                .collect(),
            names: Vec::new(),
            services: Vec::new(),
            ending_with: HashMap::new(),
            recent: None,
            other: Vec::new(),
        }
    }

    /// Records `action` unless `note` (the note these mentions describe) contains it, and
    /// says whether it did: exactly `!note.contains(action)`, answered from the head's colons
    /// and the sorted names instead of a scan, with one map lookup and one binary search for
    /// a plain action.
    fn add_unless_contained(&mut self, note: &str, action: &'a str) -> bool {
        let Some((service, name)) = plain_action(action) else {
            if note.contains(action) {
                return false;
            }
            self.other.push(action);
            return true;
        };
        let head = &note.as_bytes()[..self.head];
        let in_head = self.head_colons.iter().any(|&c| {
            c >= service.len()
                && &head[c - service.len()..c] == service.as_bytes()
                && head[c + 1..].starts_with(name.as_bytes())
        });
        if in_head || self.other.iter().any(|t| t.contains(action)) {
            return false;
        }
        // Names starting with `name` are a run from the first name not below it; names mostly
        // arrive in order, so the last one is compared first.
        let first_not_below = |names: &[&str]| match names.last() {
            Some(last) if *last < name => names.len(),
            _ => names.partition_point(|n| *n < name),
        };
        if self.recent.as_ref().is_none_or(|(s, _)| *s != service) {
            let ks = self.ending_with.get(service).cloned().unwrap_or_default();
            self.recent = Some((service, ks));
        }
        let ks = self
            .recent
            .as_ref()
            .map(|(_, ks)| ks.as_slice())
            .unwrap_or_default();
        let mut own = None;
        for &k in ks {
            let names = &self.names[k];
            let at = first_not_below(names);
            if names.get(at).is_some_and(|n| n.starts_with(name)) {
                return false;
            }
            if self.services[k] == service {
                own = Some((k, at));
            }
        }
        match own {
            Some((k, at)) => self.names[k].insert(at, name),
            None => {
                let k = self.names.len();
                self.names.push(vec![name]);
                self.services.push(service);
                let starts = service.char_indices().map(|(i, _)| i);
                for i in starts.chain([service.len()]) {
                    self.ending_with.entry(&service[i..]).or_default().push(k);
                }
                self.recent = None;
            }
        }
        true
    }
}

impl<'a> Citations<'a> {
    /// Cites `s` for `action` once: a statement already cited gains the action in its note,
    /// otherwise `note` writes the first one.
    fn add(&mut self, s: &impl Cite, action: &'a str, note: impl FnOnce() -> String) {
        if let Some(at) = self.by_source.get(&s.borrow().source).copied() {
            self.mention(at, action);
        } else {
            self.first(s, note);
        }
    }

    /// Cites `s` (not cited yet) with the note `note` writes; returns where.
    fn first(&mut self, s: &impl Cite, note: impl FnOnce() -> String) -> usize {
        let note = note();
        let at = self.out.len();
        self.by_source.insert(s.borrow().source.clone(), at);
        self.mentions.push(Mentions::new(&note));
        self.out.push((s.cited(), note));
        at
    }

    /// Adds `action` to the note of the statement cited at `at`, unless the note has it.
    fn mention(&mut self, at: usize, action: &'a str) {
        let (_, existing) = &mut self.out[at];
        if self.mentions[at].add_unless_contained(existing, action) {
            existing.push_str(", ");
            existing.push_str(action);
        }
    }
}

fn cite<S: Cite>(permissions: &Permissions<S>, grants: &[Grant]) -> Cited {
    cite_each(
        permissions,
        grants
            .iter()
            .map(|g| (g.action.as_str(), g.allowed_by.as_slice())),
    )
}

/// [`cite`] for each action with the statements that allow it, without the grants.
fn cite_each<'g, S: Cite>(
    permissions: &Permissions<S>,
    grants: impl Iterator<Item = (&'g str, &'g [usize])>,
) -> Cited {
    let statements = permissions.statements();
    let mut out = Citations::default();
    // Where each statement index was cited: a broad statement is cited for thousands of
    // actions, and finding it by index skips hashing its source each time.
    let mut cited_at: Vec<Option<usize>> = vec![None; statements.len()];
    for (action, allowed_by) in grants {
        for &i in allowed_by {
            let Some(held) = statements.get(i) else {
                continue;
            };
            let s: &Statement = held.borrow();
            match cited_at[i] {
                Some(at) => out.mention(at, action),
                None => {
                    let at = match out.by_source.get(&s.source).copied() {
                        Some(at) => {
                            out.mention(at, action);
                            at
                        }
                        None => out.first(held, || {
                            let mut note = s.display_label();
                            note.push_str(" grants ");
                            note.push_str(action);
                            note
                        }),
                    };
                    cited_at[i] = Some(at);
                }
            }
        }
    }
    out.out
}

fn admin(permissions: &Permissions<Arc<Statement>>) -> Option<FnResult> {
    let Some(grants) = admin_equivalent_for(permissions) else {
        return scp_holds_back_admin(permissions);
    };
    Some(FnResult {
        tri: Tri::True,
        statements: cite(permissions, &grants),
        details: "every action on every resource, without condition".into(),
    })
}

/// The SCP statements and levels that took `grants` away, as evidence: each Deny statement
/// once, with the actions it removes; a level that simply does not allow them is named in the
/// returned sentence instead (there is no statement to point at).
fn cite_scps(grants: &[&Grant]) -> (Cited, String) {
    let mut out = Citations::default();
    let mut levels: Vec<String> = Vec::new();
    for g in grants {
        let Some(limit) = &g.limited_by_scp else {
            continue;
        };
        if !levels.contains(&limit.level) {
            levels.push(limit.level.clone());
        }
        for s in &limit.denied_by {
            out.add(s, &g.action, || {
                format!(
                    "{} (attached to {}) denies {}",
                    s.display_label(),
                    limit.level,
                    g.action
                )
            });
        }
    }
    let out = out.out;
    let names: Vec<String> =
        out.iter()
            .map(|(s, _)| s.policy.name.clone())
            .fold(Vec::new(), |mut acc, n| {
                if !acc.contains(&n) {
                    acc.push(n);
                }
                acc
            });
    let by = if names.is_empty() {
        format!("the service control policies of {}", levels.join(", "))
    } else {
        format!("service control policy {}", names.join(", "))
    };
    (out, by)
}

/// Identity policies (and boundary) that would make the principal an administrator, but
/// service control policies take some of it away: not admin-equivalent, and the SCP is the
/// evidence of why.
fn scp_holds_back_admin(permissions: &Permissions<Arc<Statement>>) -> Option<FnResult> {
    if permissions.scps().is_empty() {
        return None;
    }
    let grants: Vec<Grant> = ADMIN_PROBES
        .iter()
        .map(|p| permissions.grant(p, None))
        .collect();
    let held: Vec<&Grant> = grants
        .iter()
        .filter(|g| g.access != Access::Unconditional)
        .collect();
    let all_by_scp = held.iter().all(|g| {
        g.limited_by_scp
            .as_ref()
            .is_some_and(|l| l.before == Access::Unconditional)
    });
    if held.is_empty() || !all_by_scp {
        return None;
    }
    let (statements, by) = cite_scps(&held);
    let actions: Vec<&str> = held.iter().map(|g| g.action.as_str()).collect();
    Some(FnResult {
        tri: Tri::False,
        statements,
        details: format!(
            "its own policies grant every action on every resource, but {by} takes away {}",
            summarize(&actions, 4)
        ),
    })
}

/// Escalation methods that identity policies allow but SCPs block, for the finding's evidence.
fn scp_blocked_methods(permissions: &Permissions<Arc<Statement>>) -> Option<(Cited, String)> {
    if permissions.scps().is_empty() {
        return None;
    }
    let mut blocked: Vec<&str> = Vec::new();
    let mut grants: Vec<Grant> = Vec::new();
    for method in METHODS {
        // A method SCPs block: every step granted before the SCPs apply, some step not after.
        let mut granted_before = true;
        let mut held_back: Vec<Grant> = Vec::new();
        for step in method.steps {
            let gs: Vec<Grant> = step
                .any_of
                .iter()
                .map(|a| permissions.grant(a, None))
                .collect();
            let before = gs.iter().any(|g| {
                g.access > Access::None
                    || g.limited_by_scp
                        .as_ref()
                        .is_some_and(|l| l.before > Access::None)
            });
            if !before {
                granted_before = false;
                break;
            }
            if gs.iter().all(|g| g.access == Access::None) {
                held_back.extend(gs.into_iter().filter(|g| g.limited_by_scp.is_some()));
            }
        }
        if granted_before && !held_back.is_empty() {
            blocked.push(method.name);
            grants.extend(held_back);
        }
    }
    if blocked.is_empty() {
        return None;
    }
    let refs: Vec<&Grant> = grants.iter().collect();
    let (statements, by) = cite_scps(&refs);
    Some((
        statements,
        format!(
            "{by} blocks {} more: {}.",
            blocked.len(),
            summarize(&blocked, 4)
        ),
    ))
}

fn privesc(resource: &Resource, permissions: &Permissions<Arc<Statement>>) -> Option<FnResult> {
    let hits = escalation_methods_for(permissions);
    let first = hits.first()?;
    let names: Vec<String> = hits
        .iter()
        .map(|h| match h.access {
            Access::Conditional => format!("{} (conditional)", h.method.name),
            Access::Scoped => format!("{} (resource-scoped)", h.method.name),
            _ => h.method.name.to_string(),
        })
        .collect();
    let example: Vec<&str> = first.grants.iter().map(|g| g.action.as_str()).collect();
    let mut statements = cite_methods(permissions, &hits);
    let mut details = format!(
        "{} method(s): {}. For example, it can {} ({}). Least privilege: {}.",
        hits.len(),
        summarize(&names, 6),
        first.method.how,
        example.join(" + "),
        narrowing(resource, permissions, &hits)
    );
    if let Some((scp_statements, sentence)) = scp_blocked_methods(permissions) {
        statements.extend(scp_statements);
        details.push(' ');
        details.push_str(&sentence);
    }
    Some(FnResult {
        tri: Tri::True,
        statements,
        details,
    })
}

/// A required action one statement grants, with the methods it serves.
type ActionUse<'a> = (&'a str, Vec<String>);

/// Evidence for escalation: each statement once, naming every required action it grants and
/// the methods that action serves, so the auditor sees which policy to edit for which method.
fn cite_methods(permissions: &Permissions<Arc<Statement>>, hits: &[MethodHit]) -> Cited {
    let statements = permissions.statements();
    let mut cited: Vec<(usize, Vec<ActionUse>)> = Vec::new();
    for hit in hits {
        for g in &hit.grants {
            for &i in &g.allowed_by {
                let Some(s) = statements.get(i) else { continue };
                let at = match cited
                    .iter()
                    .position(|(j, _)| statements.get(*j).is_some_and(|o| o.source == s.source))
                {
                    Some(at) => at,
                    None => {
                        cited.push((i, Vec::new()));
                        cited.len() - 1
                    }
                };
                let actions = &mut cited[at].1;
                match actions.iter_mut().find(|(a, _)| *a == g.action) {
                    Some((_, methods)) => {
                        if !methods.iter().any(|m| m == hit.method.name) {
                            methods.push(hit.method.name.to_string());
                        }
                    }
                    None => actions.push((g.action.as_str(), vec![hit.method.name.to_string()])),
                }
            }
        }
    }
    cited
        .into_iter()
        .filter_map(|(i, actions)| {
            let s = statements.get(i)?;
            let what: Vec<String> = actions
                .iter()
                .map(|(a, methods)| format!("{a} for {}", summarize(methods, 4)))
                .collect();
            Some((
                Arc::clone(s),
                // A NotAction or `*` statement serves dozens of methods; the message lists them.
                format!(
                    "{} grants {}",
                    s.display_label(),
                    summarize_with(&what, 12, "; ")
                ),
            ))
        })
        .collect()
}

/// What to remove or scope so that no method remains: for each method its first step (the one
/// the catalogue names as the cut), with PassRole scoped to named roles and to the services the
/// methods hand the role to, rather than removed.
fn narrowing(
    resource: &Resource,
    permissions: &Permissions<Arc<Statement>>,
    hits: &[MethodHit],
) -> String {
    let mut remove: Vec<String> = Vec::new();
    let mut services: Vec<&str> = Vec::new();
    let mut passrole: Option<&Grant> = None;
    for hit in hits {
        let Some(cut) = hit.grants.first() else {
            continue;
        };
        if cut.action.eq_ignore_ascii_case("iam:PassRole") {
            passrole.get_or_insert(cut);
            if let Some(service) = hit.method.passed_to.first() {
                if !services.contains(service) {
                    services.push(service);
                }
            }
        } else if !remove.contains(&cut.action) {
            remove.push(cut.action.clone());
        }
    }
    let mut parts = Vec::new();
    if !remove.is_empty() {
        parts.push(format!("remove {}", summarize(&remove, 8)));
    }
    if let Some(g) = passrole {
        let statements = permissions.statements();
        let mut now: Vec<String> = Vec::new();
        for s in g.allowed_by.iter().filter_map(|&i| statements.get(i)) {
            let patterns = match (&s.resources, &s.not_resources) {
                (Some(r), _) => r.iter().map(|p| p.to_string()).collect(),
                (None, Some(n)) => vec![format!("everything but {}", n.join(", "))],
                (None, None) => Vec::new(),
            };
            for p in patterns {
                if !now.contains(&p) {
                    now.push(p);
                }
            }
        }
        let account = resource
            .account
            .clone()
            .or_else(|| account_of_arn(&resource.id))
            .unwrap_or_else(|| "<account-id>".into());
        parts.push(format!(
            "scope iam:PassRole (now on {}) to the roles the workload must hand over, e.g. arn:aws:iam::{account}:role/app-*, with iam:PassedToService = {}",
            summarize(&now, 3),
            summarize_with(&services.iter().map(|s| s.to_string()).collect::<Vec<_>>(), 4, " or ")
        ));
    }
    parts.join("; ")
}

/// Escalation by assuming roles: the principal holds no dangerous permission itself, but can
/// assume a role that (perhaps through further roles) is administrator-equivalent.
fn chain(resource: &Resource) -> Option<FnResult> {
    let path: Vec<String> = resource
        .attributes
        .get("admin_path")?
        .as_array()?
        .iter()
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect();
    let last = path.last()?;
    let first = path.first()?;
    let hops = path
        .iter()
        .map(|a| a.rsplit('/').next().unwrap_or(a))
        .collect::<Vec<_>>()
        .join(" → ");
    Some(FnResult {
        tri: Tri::True,
        statements: Vec::new(),
        details: format!(
            "1 method(s): AssumeRoleChain. It can assume {hops}, and {last} is administrator-equivalent (trust policies and sts:AssumeRole grants form the chain). Least privilege: remove its sts:AssumeRole grant on {first}, or narrow {first}'s trust policy so that it no longer admits this principal."
        ),
    })
}

/// Actions from the rule's `actions` parameter that the principal may perform on every resource
/// without condition (data-exfiltration and credential-exposure lists).
fn unrestricted_actions<S: Cite>(
    permissions: &Permissions<S>,
    params: &BTreeMap<String, Value>,
) -> Option<FnResult> {
    let wanted = wanted_actions(params);
    let allowed = permissions.may_allow_each(&wanted);
    let grants: Vec<Grant> = wanted
        .actions()
        .iter()
        .zip(allowed)
        .filter(|&(_, may)| may)
        .map(|(a, _)| permissions.grant(a, None))
        .filter(|g| g.access == Access::Unconditional)
        .collect();
    if grants.is_empty() {
        return None;
    }
    let names: Vec<&str> = grants.iter().map(|g| g.action.as_str()).collect();
    let mut details = summarize(&names, 6);
    details.push_str(" on every resource, without condition");
    Some(FnResult {
        tri: Tri::True,
        statements: cite(permissions, &grants),
        details,
    })
}

/// The rule's `actions` parameter as an [`ActionSet`], built once per distinct list: every
/// principal and policy of a run asks about the same few lists, and grouping a list cost more
/// than asking it.
fn wanted_actions(params: &BTreeMap<String, Value>) -> Rc<ActionSet> {
    /// Lists seen lately; a handful, since a rule set has a few such lists.
    const KEPT: usize = 8;
    thread_local! {
        static SETS: RefCell<Vec<Rc<ActionSet>>> = const { RefCell::new(Vec::new()) };
    }
    let wanted = params
        .get("actions")
        .and_then(Value::as_array)
        .map(|l| l.as_slice())
        .unwrap_or_default()
        .iter()
        .filter_map(Value::as_str);
    SETS.with(|sets| {
        let mut sets = sets.borrow_mut();
        let same = |s: &&Rc<ActionSet>| s.actions().iter().map(String::as_str).eq(wanted.clone());
        if let Some(set) = sets.iter().find(same) {
            return Rc::clone(set);
        }
        let set = Rc::new(ActionSet::new(&wanted.collect::<Vec<_>>()));
        if sets.len() == KEPT {
            sets.remove(0);
        }
        sets.push(Rc::clone(&set));
        set
    })
}

/// The rule's `actions` that a policy's own statements allow on every resource without
/// condition, judged on that policy alone: a customer managed policy's default version, or a
/// principal's inline policies (FSBP KMS.1 and KMS.2 judge the policy as written, whatever else
/// the principal holds). Statements missing from the export leave the answer unknown.
fn own_unrestricted_actions(resource: &Resource, params: &BTreeMap<String, Value>) -> FnResult {
    let Some(statements) = resource.facts.statements.as_deref() else {
        return FnResult {
            tri: Tri::Unknown,
            statements: Vec::new(),
            details: if resource.kind == "aws.iam.policy" {
                "the export does not include this policy's default version".into()
            } else {
                "the export does not include this principal's inline policies \
                 (aws iam get-account-authorization-details)"
                    .into()
            },
        };
    };
    // Asked about the rule's few actions once: sorting the statements by service would cost
    // more than the questions.
    let permissions = Permissions::unindexed(statements.as_slice());
    unrestricted_actions(&permissions, params).unwrap_or(FnResult {
        tri: Tri::False,
        statements: Vec::new(),
        details: String::new(),
    })
}

/// Actions the catalogue files under "Permissions management" that only read policies (`glue:
/// GetResourcePolicy`, `quicksight:DescribeFolderPermissions`) cannot expose anything; a verb
/// filter keeps read-only principals out of the resource-exposure finding.
fn changes_permissions(action: &str) -> bool {
    let verb = action.split_once(':').map(|(_, a)| a).unwrap_or(action);
    !["Get", "List", "Describe", "Validate", "Search", "View"]
        .iter()
        .any(|v| verb.starts_with(v))
}

/// Write actions (by the IAM action catalogue's access level) the principal may perform on every
/// resource without condition, counting only actions that can be scoped to a resource type:
/// for star-only actions `Resource: "*"` is the only possible grant, not a least-privilege
/// failure. Cloudsplaining calls this infrastructure modification.
fn infrastructure_modification(permissions: &Permissions<Arc<Statement>>) -> Option<FnResult> {
    unconditional_on_every_resource(
        permissions,
        AccessLevel::Write,
        |a| a.scopable,
        |n, services, actions| {
            format!(
                "{n} write action(s) that could be scoped to named resources, across {services} ({actions}), on every resource without condition"
            )
        },
    )
}

/// Permissions-management actions (by the IAM action catalogue's access level) the principal
/// may perform on every resource without condition: it can rewrite who has access to what, which
/// Cloudsplaining calls resource exposure.
fn permissions_management(permissions: &Permissions<Arc<Statement>>) -> Option<FnResult> {
    unconditional_on_every_resource(
        permissions,
        AccessLevel::PermissionsManagement,
        |a| changes_permissions(a.name),
        |n, services, actions| {
            format!(
                "{n} permissions-management action(s) across {services} ({actions}) on every resource, without condition"
            )
        },
    )
}

/// The catalogue's actions at `level` that `keep` accepts and that an Allow covering every
/// resource grants without condition. `message` words the finding from the grant count and the
/// summarised services and actions, so each risk class keeps its own sentence.
fn unconditional_on_every_resource(
    permissions: &Permissions<Arc<Statement>>,
    level: AccessLevel,
    keep: impl Fn(&Selected) -> bool,
    message: impl Fn(usize, &str, &str) -> String,
) -> Option<FnResult> {
    let catalogue = Catalogue::get();
    // Each distinct action judged once, in byte order: statements of several policies expand
    // to the same, and a broad one to thousands, gathered as a set rather than sorted.
    let mut selection = catalogue.selection();
    for stmt in permissions.statements() {
        if !stmt.is_allow() || stmt.restricts() || !covers_all_resources(stmt) {
            continue;
        }
        match (&stmt.actions, &stmt.not_actions) {
            (Some(patterns), _) => {
                for p in patterns {
                    catalogue.select_at_level(&mut selection, p, level);
                }
            }
            (None, Some(_)) => catalogue.select_level(&mut selection, level),
            (None, None) => {}
        }
    }
    let (candidates, services): (Vec<&'static str>, Vec<&'static str>) = catalogue
        .selected(selection)
        .filter(|a| keep(a))
        .map(|a| (a.name, a.service))
        .unzip();
    // The unconditional grants as actions and the statements allowing each (`allowed_by`
    // from `from`), not as grants: only these are cited, and a broad principal has thousands.
    // Most candidates are granted, and a statement allows each: room for that from the start.
    let mut names: Vec<&str> = Vec::with_capacity(candidates.len());
    let mut from: Vec<usize> = Vec::with_capacity(candidates.len() + 1);
    let mut allowed_by: Vec<usize> = Vec::with_capacity(candidates.len());
    // The service of each name, found by its position among the candidates: the callback is
    // given the candidate itself, so the next candidates are skipped up to it.
    let mut granted_services: Vec<&str> = Vec::new();
    let mut at = 0;
    permissions.unconditional_each(&candidates, |action, by| {
        while at < candidates.len() && !std::ptr::eq(candidates[at], action) {
            at += 1;
        }
        if let Some(&service) = services.get(at) {
            if granted_services.last() != Some(&service) {
                granted_services.push(service);
            }
        }
        names.push(action);
        from.push(allowed_by.len());
        allowed_by.extend_from_slice(by);
    });
    if names.is_empty() {
        return None;
    }
    from.push(allowed_by.len());
    let grants = names
        .iter()
        .zip(from.windows(2))
        .map(|(a, w)| (*a, &allowed_by[w[0]..w[1]]));
    Some(FnResult {
        tri: Tri::True,
        statements: cite_each(permissions, grants),
        details: message(
            names.len(),
            &summarize(&granted_services, 6),
            &summarize(&names, 4),
        ),
    })
}

/// The first `n` items, then "and K more", so messages stay readable for broad principals.
fn summarize<T: AsRef<str>>(items: &[T], n: usize) -> String {
    summarize_with(items, n, ", ")
}

/// As [`summarize`], joined by `separator`. Borrows the items and writes one buffer: a broad
/// principal's list runs to thousands of actions, of which only the first few are shown.
fn summarize_with<T: AsRef<str>>(items: &[T], n: usize, separator: &str) -> String {
    let shown = &items[..items.len().min(n)];
    let len: usize = shown
        .iter()
        .map(|i| i.as_ref().len() + separator.len())
        .sum();
    let mut out = String::with_capacity(len + 24);
    for (k, item) in shown.iter().enumerate() {
        if k > 0 {
            out.push_str(separator);
        }
        out.push_str(item.as_ref());
    }
    if items.len() > n {
        let _ = write!(out, " and {} more", items.len() - n);
    }
    out
}

/// PassRole is unrestricted when an Allow that no Deny cancels covers it on every role (`*`, or
/// a role ARN pattern ending in `role/*`) without an `iam:PassedToService` condition. Other
/// conditions (region, source IP) do not limit which service receives the role.
fn passrole(permissions: &Permissions<Arc<Statement>>) -> Option<FnResult> {
    let statements = permissions.statements();
    let g = permissions.grant("iam:PassRole", None);
    if g.access == Access::None {
        return None;
    }
    let broad: Vec<usize> = g
        .allowed_by
        .iter()
        .copied()
        .filter(|&i| {
            statements.get(i).is_some_and(|s| {
                covers_all_resources(s)
                    && !s.condition_keys.iter().any(|k| k == "iam:passedtoservice")
            })
        })
        .collect();
    if broad.is_empty() {
        return None;
    }
    let narrowed = Grant {
        allowed_by: broad,
        ..g
    };
    Some(FnResult {
        tri: Tri::True,
        statements: cite(permissions, std::slice::from_ref(&narrowed)),
        details: "iam:PassRole on every role, with no iam:PassedToService condition".into(),
    })
}

/// Trust statements that let principals of other accounts in without any of the rule's
/// `guarding_condition_keys` (external ID, MFA, organisation…), naming those accounts.
fn cross_account_trust(resource: &Resource, params: &BTreeMap<String, Value>) -> FnResult {
    let Some(trust) = crate::attributes::trust_statements(resource) else {
        return FnResult {
            tri: Tri::Unknown,
            statements: Vec::new(),
            details: "the export does not include this role's trust policy".into(),
        };
    };
    let guards: Vec<String> = params
        .get("guarding_condition_keys")
        .and_then(Value::as_array)
        .map(|l| {
            l.iter()
                .filter_map(Value::as_str)
                .map(str::to_ascii_lowercase)
                .collect()
        })
        .unwrap_or_default();
    let mut statements = Vec::new();
    let mut accounts: Vec<String> = Vec::new();
    for stmt in trust.iter().filter(|s| s.is_allow()) {
        if stmt.condition_keys.iter().any(|k| guards.contains(k)) {
            continue;
        }
        let others: Vec<String> = stmt
            .principals
            .iter()
            .flatten()
            .filter(|p| p.other_account)
            .filter_map(|p| {
                let account = p.account.as_deref()?;
                Some(if p.value == account || p.value.ends_with(":root") {
                    format!("account {account}")
                } else {
                    format!(
                        "{} in account {account}",
                        p.value.rsplit(':').next().unwrap_or(&p.value)
                    )
                })
            })
            .collect();
        if others.is_empty() {
            continue;
        }
        let which = stmt
            .sid
            .as_deref()
            .filter(|s| !s.is_empty())
            .map(|s| format!(" {s:?}"))
            .unwrap_or_default();
        let note = format!(
            "trust policy statement{which} trusts {} {}",
            others.join(", "),
            if stmt.conditional() {
                format!(
                    "with conditions only on {}, none of which pins the caller",
                    stmt.condition_keys.join(", ")
                )
            } else {
                "without any condition".into()
            }
        );
        statements.push((stmt.cited(), note));
        for o in others {
            if !accounts.contains(&o) {
                accounts.push(o);
            }
        }
    }
    if accounts.is_empty() {
        return FnResult {
            tri: Tri::False,
            statements: Vec::new(),
            details: String::new(),
        };
    }
    FnResult {
        tri: Tri::True,
        statements,
        details: summarize(&accounts, 6),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::iam::policy::{parse_document, PolicyRef};
    use crate::Source;
    use serde_json::{json, Map};

    /// The citation index must answer exactly as scanning the note would, including the odd
    /// cases where one action's text sits inside another's (`es:` in `ses:`, a prefix of a longer
    /// action name, text in the label, parameter strings of any shape).
    #[test]
    fn citations_answer_as_a_scan_of_the_note_would() {
        let label = "managed policy p s3:GetObject-ish".to_string();
        let actions = [
            "s3:GetObjectAcl",
            "s3:GetObject",
            "ses:ListTags",
            "es:ListTags",
            "s3:GetObjectAcl",
            "weird, thing",
            "thing",
            "a:b:c",
            "b:c",
            "s3:Get",
            "S3:GetObject",
            "x",
            ":",
            "ses:DeleteIdentity",
            "s:ListTag",
            ":ListT",
            "s:DeleteIdentity",
            "ses:Delete",
            "s3:A",
            "s3:GetObjectAclX",
            "s3:GetObjectAc",
            "s3:",
            "s3:Get",
            // Runs of one service with a service that ends with it added in between.
            "es:ListTagsZ",
            "es:ListTagsZZ",
            "zes:ListTags",
            "es:ListTags",
            "es:ListTagsZ",
            "es:A",
            "ses:ListTagsZZ",
            "es:ListTagsZZ",
        ];
        let mut naive = format!("{label} grants first:Action");
        let mut mentions = Mentions::new(&naive);
        for a in actions {
            let expected = naive.contains(a);
            assert_eq!(
                mentions.add_unless_contained(&naive, a),
                !expected,
                "{a:?} in {naive:?}"
            );
            if !expected {
                naive.push_str(", ");
                naive.push_str(a);
            }
        }
    }

    /// A statement reached twice (one managed policy through two groups) shares its source: it
    /// is cited once, whichever index a grant names, and its note gains each action once.
    #[test]
    fn cite_merges_statements_that_share_a_source() {
        let r = principal(
            json!({"Statement": [
                {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
                {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}]}),
            true,
        );
        let mut stmts: Vec<Arc<Statement>> =
            r.facts.effective.as_deref().cloned().unwrap_or_default();
        let twin = stmts[0].clone();
        stmts.push(twin);
        let p = Permissions::new(stmts.as_slice(), None);
        let grant = |action: &str, allowed_by: Vec<usize>| Grant {
            allowed_by,
            ..p.grant(action, None)
        };
        let grants = [
            grant("s3:GetObject", vec![2]),
            grant("iam:PassRole", vec![1]),
            grant("s3:PutObject", vec![0, 2]),
            grant("s3:GetObjectAcl", vec![0]),
            grant("s3:GetObject", vec![2, 0]),
        ];
        let cited = cite(&p, &grants);
        let notes: Vec<&str> = cited.iter().map(|(_, n)| n.as_str()).collect();
        assert_eq!(
            notes,
            [
                "inline policy p grants s3:GetObject, s3:PutObject, s3:GetObjectAcl",
                "inline policy p grants iam:PassRole",
            ]
        );
    }

    fn call_t(name: &str, r: &Resource, args: &Value) -> FnResult {
        call(name, r, args, &BTreeMap::new())
    }

    fn principal(doc: Value, complete: bool) -> Resource {
        let src = Source {
            file: "t".into(),
            pointer: String::new(),
        };
        let stmts = parse_document(
            &doc,
            &src,
            &PolicyRef {
                name: "p".into(),
                arn: None,
                kind: "inline".into(),
                via_group: None,
            },
        )
        .expect("valid")
        .1;
        let mut attributes = Map::new();
        attributes.insert("statements_complete".into(), json!(complete));
        attributes.insert(
            "missing_policies".into(),
            json!(if complete {
                vec![]
            } else {
                vec!["arn:aws:iam::aws:policy/X"]
            }),
        );
        Resource {
            provider: "aws".into(),
            kind: "aws.iam.user".into(),
            id: "u".into(),
            name: "u".into(),
            account: None,
            region: None,
            attributes: attributes.into(),
            source: src,
            sources: Default::default(),
            facts: crate::Facts {
                statements: None,
                effective_index: Some(Arc::new(crate::iam::grant::ServiceIndex::build(&stmts))),
                effective: Some(Arc::new(stmts.into_iter().map(Arc::new).collect())),
                boundary: None,
                boundary_index: None,
                scps: None,
            },
            typed: Default::default(),
        }
    }

    #[test]
    fn privesc_names_methods_and_statements() {
        let r = principal(
            json!({"Statement": [{"Effect": "Allow", "Action": ["iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction"], "Resource": "*"}]}),
            true,
        );
        let got = call_t("iam_privilege_escalation", &r, &Value::Null);
        assert_eq!(got.tri, Tri::True);
        assert!(
            got.details
                .contains("PassExistingRoleToNewLambdaThenInvoke"),
            "{}",
            got.details
        );
        assert_eq!(got.statements.len(), 1);
        assert_eq!(
            got.statements[0].1,
            "inline policy p grants iam:PassRole for PassExistingRoleToNewLambdaThenInvoke; lambda:CreateFunction for PassExistingRoleToNewLambdaThenInvoke; lambda:InvokeFunction for PassExistingRoleToNewLambdaThenInvoke"
        );
    }

    #[test]
    fn privesc_evidence_and_least_privilege_name_what_to_cut() {
        let mut r = principal(
            json!({"Statement": [
                {"Sid": "Deploy", "Effect": "Allow", "Action": ["iam:PassRole", "ec2:RunInstances", "lambda:CreateFunction", "lambda:InvokeFunction"], "Resource": "*"},
                {"Sid": "Policies", "Effect": "Allow", "Action": ["iam:CreatePolicyVersion", "lambda:UpdateFunctionCode"], "Resource": "*"}]}),
            true,
        );
        r.id = "arn:aws:iam::123456789012:user/dev".into();
        let got = call_t("iam_privilege_escalation", &r, &Value::Null);
        assert_eq!(got.tri, Tri::True);
        let notes: Vec<&str> = got.statements.iter().map(|(_, n)| n.as_str()).collect();
        assert_eq!(
            notes,
            vec![
                "inline policy p statement \"Policies\" grants iam:CreatePolicyVersion for CreateNewPolicyVersion; lambda:UpdateFunctionCode for EditExistingLambdaFunctionWithRole",
                "inline policy p statement \"Deploy\" grants iam:PassRole for CreateEC2WithExistingInstanceProfile, PassExistingRoleToNewLambdaThenInvoke; ec2:RunInstances for CreateEC2WithExistingInstanceProfile; lambda:CreateFunction for PassExistingRoleToNewLambdaThenInvoke; lambda:InvokeFunction for PassExistingRoleToNewLambdaThenInvoke",
            ]
        );
        assert!(
            got.details.ends_with(
                "Least privilege: remove iam:CreatePolicyVersion, lambda:UpdateFunctionCode; scope iam:PassRole (now on *) to the roles the workload must hand over, e.g. arn:aws:iam::123456789012:role/app-*, with iam:PassedToService = ec2.amazonaws.com or lambda.amazonaws.com."
            ),
            "{}",
            got.details
        );
        let broad = principal(
            json!({"Statement": [{"Effect": "Allow", "NotAction": "iam:Create*", "Resource": "*"}]}),
            true,
        );
        let got = call_t("iam_privilege_escalation", &broad, &Value::Null);
        assert_eq!(got.statements.len(), 1);
        assert!(
            got.statements[0].1.contains("more") && got.statements[0].1.len() < 1500,
            "a broad statement's note stays readable: {}",
            got.statements[0].1
        );
        assert!(
            got.details.contains("iam:PassedToService = ec2.amazonaws.com or lambda.amazonaws.com or glue.amazonaws.com or cloudformation.amazonaws.com and "),
            "{}",
            got.details
        );
    }

    #[test]
    fn incomplete_principal_is_unknown_not_pass() {
        let r = principal(
            json!({"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}),
            false,
        );
        let got = call_t("iam_admin_equivalent", &r, &Value::Null);
        assert_eq!(got.tri, Tri::Unknown);
        assert!(got.details.contains("arn:aws:iam::aws:policy/X"));
        assert_eq!(
            truth(
                "iam_admin_equivalent",
                json!({"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]})
            ),
            Tri::False
        );
    }

    /// The truth of one check on a principal whose whole policy set is `doc`.
    fn truth(name: &str, doc: Value) -> Tri {
        call_t(name, &principal(doc, true), &Value::Null).tri
    }

    #[test]
    fn passrole_with_service_condition_passes() {
        let passrole = |resource: &str, condition: Value| {
            let mut stmt =
                json!({"Effect": "Allow", "Action": "iam:PassRole", "Resource": resource});
            if !condition.is_null() {
                stmt["Condition"] = condition;
            }
            truth("iam_unrestricted_passrole", json!({"Statement": [stmt]}))
        };
        assert_eq!(
            passrole(
                "*",
                json!({"StringEquals": {"iam:PassedToService": "ec2.amazonaws.com"}})
            ),
            Tri::False
        );
        assert_eq!(
            passrole(
                "*",
                json!({"StringEquals": {"aws:RequestedRegion": "eu-west-1"}})
            ),
            Tri::True,
            "a region condition does not limit the receiving service"
        );
        assert_eq!(passrole("arn:aws:iam::*:role/*", Value::Null), Tri::True);
        assert_eq!(
            passrole("arn:aws:iam::123456789012:role/web", Value::Null),
            Tri::False
        );
    }

    #[test]
    fn unrestricted_actions_reads_the_rule_parameter() {
        let params = BTreeMap::from([(
            "actions".to_string(),
            json!(["secretsmanager:GetSecretValue", "ssm:GetParameter"]),
        )]);
        let r = principal(
            json!({"Statement": [{"Effect": "Allow", "Action": "secretsmanager:Get*", "Resource": "*"},
            {"Effect": "Allow", "Action": "ssm:GetParameter", "Resource": "arn:aws:ssm:eu-west-1:123456789012:parameter/app/*"}]}),
            true,
        );
        let got = call("iam_unrestricted_actions", &r, &Value::Null, &params);
        assert_eq!(got.tri, Tri::True);
        assert!(
            got.details
                .starts_with("secretsmanager:GetSecretValue on every resource"),
            "{}",
            got.details
        );
        assert!(
            !got.details.contains("ssm:GetParameter"),
            "a scoped grant is not unrestricted"
        );
    }

    #[test]
    fn own_unrestricted_actions_reads_only_the_resources_own_statements() {
        let params = BTreeMap::from([(
            "actions".to_string(),
            json!(["kms:Decrypt", "kms:ReEncryptFrom"]),
        )]);
        let own = |doc: Value| {
            let mut r = principal(json!({"Statement": []}), true);
            r.facts.statements = Some(Arc::new(
                parse_document(
                    &doc,
                    &r.source,
                    &PolicyRef {
                        name: "inline".into(),
                        arn: None,
                        kind: "inline".into(),
                        via_group: None,
                    },
                )
                .expect("valid")
                .1
                .into_iter()
                .map(Arc::new)
                .collect(),
            ));
            call("iam_own_unrestricted_actions", &r, &Value::Null, &params)
        };
        let got = own(
            json!({"Statement": [{"Effect": "Allow", "Action": "kms:*", "Resource": "arn:aws:kms:*:123456789012:key/*"}]}),
        );
        assert_eq!(got.tri, Tri::True);
        assert!(got.details.contains("kms:ReEncryptFrom"), "{}", got.details);
        let scoped = own(
            json!({"Statement": [{"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"}]}),
        );
        assert_eq!(scoped.tri, Tri::False);
        let mut missing = principal(json!({"Statement": []}), true);
        missing.kind = "aws.iam.policy".into();
        let got = call(
            "iam_own_unrestricted_actions",
            &missing,
            &Value::Null,
            &params,
        );
        assert_eq!(got.tri, Tri::Unknown);
        assert!(got.details.contains("default version"), "{}", got.details);
    }

    #[test]
    fn plain_actions_have_one_colon_and_no_separator() {
        assert_eq!(plain_action("s3:GetObject"), Some(("s3", "GetObject")));
        assert_eq!(plain_action(":x"), Some(("", "x")));
        assert_eq!(plain_action("x:"), Some(("x", "")));
        for odd in ["s3", "a:b:c", "s3:Get Object", "s3:Get,Object", "s 3:Get"] {
            assert_eq!(plain_action(odd), None, "{odd}");
        }
    }

    #[test]
    fn infrastructure_modification_counts_scopable_writes_on_every_resource() {
        let broad = principal(
            json!({"Statement": [{"Effect": "Allow", "Action": ["ec2:TerminateInstances", "ec2:Describe*"], "Resource": "*"}]}),
            true,
        );
        let got = call_t("iam_infrastructure_modification", &broad, &Value::Null);
        assert_eq!(got.tri, Tri::True);
        assert!(
            got.details.contains("ec2:TerminateInstances"),
            "{}",
            got.details
        );
        let scoped = principal(
            json!({"Statement": [{"Effect": "Allow", "Action": "ec2:TerminateInstances",
                "Resource": "arn:aws:ec2:eu-west-1:123456789012:instance/i-0abc"}]}),
            true,
        );
        assert_eq!(
            call_t("iam_infrastructure_modification", &scoped, &Value::Null).tri,
            Tri::False
        );
        let read_only = principal(
            json!({"Statement": [{"Effect": "Allow", "Action": "ec2:Describe*", "Resource": "*"}]}),
            true,
        );
        assert_eq!(
            call_t("iam_infrastructure_modification", &read_only, &Value::Null).tri,
            Tri::False
        );
    }

    #[test]
    fn permissions_management_uses_the_catalogue() {
        let r = principal(
            json!({"Statement": [{"Effect": "Allow", "Action": ["s3:*", "ec2:Describe*"], "Resource": "*"}]}),
            true,
        );
        let got = call_t("iam_permissions_management", &r, &Value::Null);
        assert_eq!(got.tri, Tri::True);
        assert!(got.details.contains("s3"), "{}", got.details);
        assert!(
            !got.details.contains("ec2"),
            "Describe* is not permissions management: {}",
            got.details
        );
        let denied = principal(
            json!({"Statement": [{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"},
            {"Effect": "Deny", "Action": "*", "Resource": "*"}]}),
            true,
        );
        assert_eq!(
            call_t("iam_permissions_management", &denied, &Value::Null).tri,
            Tri::False
        );
        assert!(!changes_permissions("glue:GetResourcePolicy"));
        assert!(changes_permissions("s3:PutBucketPolicy"));
        let read_only = principal(
            json!({"Statement": [{"Effect": "Allow", "Action": ["s3:GetObject", "iam:Get*"], "Resource": "*"}]}),
            true,
        );
        assert_eq!(
            call_t("iam_permissions_management", &read_only, &Value::Null).tri,
            Tri::False
        );
    }

    fn with_deny_iam_scp(mut r: Resource) -> Resource {
        let scp = crate::iam::policy::test_statements(json!({"Statement": [
            {"Effect": "Allow", "Action": "*", "Resource": "*"},
            {"Sid": "DenyIam", "Effect": "Deny", "Action": "iam:*", "Resource": "*"}]}))
        .into_iter()
        .map(|mut s| {
            let policy = Arc::make_mut(&mut s.policy);
            policy.name = "deny-iam".into();
            policy.kind = "service control".into();
            Arc::new(s)
        })
        .collect();
        r.facts.scps = Some(Arc::new(vec![crate::iam::grant::ScpLevel::new(
            "account 123456789012".into(),
            scp,
            true,
        )]));
        r
    }

    #[test]
    fn an_scp_denying_iam_holds_back_an_administrator() {
        let admin = json!({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]});
        assert_eq!(truth("iam_admin_equivalent", admin.clone()), Tri::True);
        let r = with_deny_iam_scp(principal(admin.clone(), true));
        let got = call_t("iam_admin_equivalent", &r, &Value::Null);
        assert_eq!(got.tri, Tri::False, "{}", got.details);
        assert!(got.details.contains("deny-iam"), "{}", got.details);
        assert_eq!(got.statements.len(), 1);
        assert_eq!(got.statements[0].0.sid.as_deref(), Some("DenyIam"));
        assert!(
            got.statements[0]
                .1
                .contains("attached to account 123456789012"),
            "{}",
            got.statements[0].1
        );
        // Missing policies cannot undo an SCP Deny: still a pass, not unknown.
        let incomplete = with_deny_iam_scp(principal(admin, false));
        assert_eq!(
            call_t("iam_admin_equivalent", &incomplete, &Value::Null).tri,
            Tri::False
        );
        // Escalation through other services remains, and the finding names what the SCP blocks.
        let got = call_t("iam_privilege_escalation", &r, &Value::Null);
        assert_eq!(got.tri, Tri::True);
        assert!(
            got.details
                .contains("service control policy deny-iam blocks"),
            "{}",
            got.details
        );
        assert!(!got.details.contains("1 method(s): CreateNewPolicyVersion"));
        assert!(got
            .statements
            .iter()
            .any(|(s, _)| s.sid.as_deref() == Some("DenyIam")));
    }

    #[test]
    fn cross_account_trust_names_the_accounts() {
        let mut r = principal(json!({"Statement": []}), true);
        let cases = [
            (
                json!({"Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::444455556666:root", "arn:aws:iam::111122223333:role/ops"]}, "Action": "sts:AssumeRole"}),
                Some("account 444455556666, role/ops in account 111122223333"),
            ),
            (
                json!({"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::444455556666:root"}, "Action": "sts:AssumeRole", "Condition": {"StringEquals": {"sts:ExternalId": "EXAMPLE"}}}),
                None,
            ),
            (
                json!({"Effect": "Allow", "Principal": {"AWS": "444455556666"}, "Action": "sts:AssumeRole", "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}),
                None,
            ),
            (
                json!({"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "sts:AssumeRole"}),
                None,
            ),
        ];
        let params = BTreeMap::from([(
            "guarding_condition_keys".to_string(),
            json!(["sts:externalid", "aws:multifactorauthpresent"]),
        )]);
        for (stmt, accounts) in cases {
            let mut trust = crate::iam::policy::test_statements(json!({"Statement": [stmt]}));
            for p in trust[0].principals.iter_mut().flatten() {
                p.other_account = p.account.as_deref() != Some("123456789012");
            }
            r.attributes.insert(
                "trust_statements",
                serde_json::to_value(&trust).expect("json"),
            );
            let got = call("iam_cross_account_trust", &r, &Value::Null, &params);
            match accounts {
                Some(names) => {
                    assert_eq!(got.tri, Tri::True);
                    assert_eq!(got.details, names);
                    assert!(got.statements[0].1.contains("without any condition"));
                }
                None => assert_eq!(got.tri, Tri::False, "{}", got.details),
            }
        }
        r.attributes.remove("trust_statements");
        assert_eq!(
            call("iam_cross_account_trust", &r, &Value::Null, &params).tri,
            Tri::Unknown
        );
    }
}
