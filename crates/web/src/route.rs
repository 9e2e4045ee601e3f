//! The part of the state that lives in the address, so a reload (or a bookmark a trainer hands
//! out) comes back to the same view, filters, sort, grouping, search and open finding.
//!
//! The hash is `&`-separated `key=value` pairs with percent-encoded values, defaults left out.
//! `demo` (or `demo=<scenario-id>`) loads a built-in scenario: `#demo` opens the first one, as it
//! always has, and `#demo&view=findings&sev=high` opens it filtered.

use crate::findings::{Dim, Filters, Grouping, SortKey};
use crate::view::FindingKey;
use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// Percent-encode everything but what reads well in an ARN or rule id.
const VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b':')
    .remove(b'/')
    .remove(b'*');

/// The workspace's views, in the navigation's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum View {
    Overview,
    /// The default: the findings are the auditor's work product.
    #[default]
    Findings,
    Resources,
    Compliance,
    Accepted,
    Drift,
    Export,
    Access,
    Settings,
}

impl View {
    pub const ALL: [View; 9] = [
        View::Overview,
        View::Findings,
        View::Resources,
        View::Access,
        View::Compliance,
        View::Accepted,
        View::Drift,
        View::Export,
        View::Settings,
    ];

    pub fn value(self) -> &'static str {
        match self {
            View::Overview => "overview",
            View::Findings => "findings",
            View::Resources => "resources",
            View::Compliance => "compliance",
            View::Accepted => "accepted",
            View::Access => "access",
            View::Settings => "settings",
            View::Drift => "drift",
            View::Export => "export",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            View::Overview => "Overview",
            View::Findings => "Findings",
            View::Resources => "Resources",
            View::Compliance => "Compliance",
            View::Accepted => "Accepted risks",
            View::Access => "Access",
            View::Settings => "Settings",
            View::Drift => "Drift",
            View::Export => "Export",
        }
    }

    pub fn from_value(v: &str) -> View {
        View::ALL
            .into_iter()
            .find(|x| x.value() == v)
            .unwrap_or_default()
    }
}

/// Filters of the resource inventory. `None` means "any".
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ResourceFilters {
    pub kind: Option<String>,
    pub account: Option<String>,
    pub region: Option<String>,
    pub query: String,
}

/// The Compliance view's choices: which framework is shown (the first when `None`) and which
/// control status is listed (every status when `None`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ComplianceFilters {
    pub framework: Option<String>,
    pub status: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Route {
    /// `Some` when a built-in scenario is loaded: its id (empty for "the default one").
    pub scenario: Option<String>,
    pub view: View,
    pub filters: Filters,
    pub query: String,
    pub sort: SortKey,
    pub group: Grouping,
    pub selected: Option<FindingKey>,
    pub resource_filters: ResourceFilters,
    pub resource: Option<String>,
    pub compliance: ComplianceFilters,
    /// The Access view's principal (an id) and resource (an ARN).
    pub principal: Option<String>,
    pub arn: Option<String>,
}

fn enc(v: &str) -> String {
    utf8_percent_encode(v, VALUE).to_string()
}

fn dec(v: &str) -> String {
    percent_decode_str(v).decode_utf8_lossy().into_owned()
}

impl Route {
    /// The hash, without the leading `#`; empty when everything is at its default.
    pub fn encode(&self) -> String {
        let mut parts: Vec<String> = Vec::new();
        match self.scenario.as_deref() {
            Some("") => parts.push("demo".into()),
            Some(id) => parts.push(format!("demo={}", enc(id))),
            None => {}
        }
        let mut pair = |k: &str, v: &str| parts.push(format!("{k}={}", enc(v)));
        if self.view != View::default() {
            pair("view", self.view.value());
        }
        for dim in Dim::ALL {
            if let Some(v) = self.filters.get(dim) {
                pair(dim.key(), &v);
            }
        }
        if !self.query.is_empty() {
            pair("q", &self.query);
        }
        if self.sort != SortKey::default() {
            pair("sort", self.sort.value());
        }
        if self.group != Grouping::default() {
            pair("group", self.group.value());
        }
        if let Some(key) = &self.selected {
            pair("sel", &format!("{}|{}", key.rule_id, key.resource_id));
        }
        let rf = &self.resource_filters;
        for (k, v) in [
            ("rkind", &rf.kind),
            ("racct", &rf.account),
            ("rregion", &rf.region),
        ] {
            if let Some(v) = v {
                pair(k, v);
            }
        }
        if !rf.query.is_empty() {
            pair("rq", &rf.query);
        }
        if let Some(id) = &self.resource {
            pair("res", id);
        }
        for (k, v) in [
            ("cfw", &self.compliance.framework),
            ("cst", &self.compliance.status),
            ("who", &self.principal),
            ("arn", &self.arn),
        ] {
            if let Some(v) = v {
                pair(k, v);
            }
        }
        parts.join("&")
    }

    /// Reads a hash (with or without its `#`). Unknown keys and values are ignored: an old
    /// bookmark opens what it still can rather than nothing.
    pub fn decode(hash: &str) -> Route {
        let mut r = Route::default();
        for part in hash.trim_start_matches('#').split('&') {
            let (k, v) = match part.split_once('=') {
                Some((k, v)) => (k, dec(v)),
                None => (part, String::new()),
            };
            match k {
                "demo" => r.scenario = Some(v),
                "view" => r.view = View::from_value(&v),
                "q" => r.query = v,
                "sort" => r.sort = SortKey::from_value(&v),
                "group" => r.group = Grouping::from_value(&v),
                "sel" => {
                    r.selected = v.split_once('|').map(|(rule, res)| FindingKey {
                        rule_id: rule.to_string(),
                        resource_id: res.to_string(),
                    })
                }
                "rkind" => r.resource_filters.kind = Some(v),
                "racct" => r.resource_filters.account = Some(v),
                "rregion" => r.resource_filters.region = Some(v),
                "rq" => r.resource_filters.query = v,
                "res" => r.resource = Some(v).filter(|v| !v.is_empty()),
                "cfw" => r.compliance.framework = Some(v).filter(|v| !v.is_empty()),
                "cst" => r.compliance.status = Some(v).filter(|v| !v.is_empty()),
                "who" => r.principal = Some(v).filter(|v| !v.is_empty()),
                "arn" => r.arn = Some(v).filter(|v| !v.is_empty()),
                other => {
                    if let Some(dim) = Dim::from_key(other) {
                        r.filters.set(dim, Some(v));
                    }
                }
            }
        }
        r
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::view::SeverityFilter;
    use stratoscope::Severity;

    #[test]
    fn the_default_route_is_an_empty_hash() {
        assert_eq!(Route::default().encode(), "");
        assert_eq!(Route::decode(""), Route::default());
        assert_eq!(Route::decode("#"), Route::default());
    }

    #[test]
    fn demo_keeps_working_alone_and_with_state() {
        let r = Route::decode("#demo");
        assert_eq!(r.scenario.as_deref(), Some(""));
        assert_eq!(r.encode(), "demo");
        let r = Route::decode("#demo&view=findings&sev=high");
        assert_eq!(r.scenario.as_deref(), Some(""));
        assert_eq!(r.view, View::Findings);
        assert_eq!(r.filters.severity, SeverityFilter::AtLeast(Severity::High));
        let r = Route::decode("demo=passrole-lambda&view=overview");
        assert_eq!(r.scenario.as_deref(), Some("passrole-lambda"));
        assert_eq!(r.view, View::Overview);
    }

    #[test]
    fn every_part_round_trips_through_the_hash() {
        let mut filters = Filters::default();
        filters.set(Dim::Severity, Some("medium-only".into()));
        for (dim, v) in [
            (Dim::Outcome, "unknown"),
            (Dim::Service, "iam"),
            (Dim::Account, "123456789012"),
            (Dim::Region, "eu-west-1"),
            (Dim::Rule, "STRAT-AWS-IAM-009"),
            (Dim::Framework, "cis-aws-5.0"),
            (Dim::Control, "cis-aws-5.0:1.16"),
            (Dim::Accepted, "open"),
        ] {
            filters.set(dim, Some(v.into()));
        }
        let route = Route {
            scenario: Some("trust-anyone".into()),
            view: View::Resources,
            filters,
            query: "admin & co #1 100%|x".into(),
            sort: SortKey::Account,
            group: Grouping::Resource,
            selected: Some(FindingKey {
                rule_id: "STRAT-AWS-IAM-004".into(),
                resource_id: "arn:aws:iam::123456789012:role/a|b&c=d".into(),
            }),
            resource_filters: ResourceFilters {
                kind: Some("aws.iam.role".into()),
                account: Some("123456789012".into()),
                region: Some("global".into()),
                query: "ops ".into(),
            },
            resource: Some("arn:aws:iam::123456789012:policy/ops everything".into()),
            compliance: ComplianceFilters {
                framework: Some("fsbp".into()),
                status: Some("fail".into()),
            },
            principal: Some("arn:aws:iam::123456789012:user/alice.admin".into()),
            arn: Some("arn:aws:s3:::reports.example.com/*".into()),
        };
        let hash = route.encode();
        assert!(!hash.contains(' '), "{hash}");
        assert!(
            hash.contains("arn:aws:iam::123456789012:role/a"),
            "ARNs stay readable: {hash}"
        );
        assert_eq!(Route::decode(&hash), route);
        assert_eq!(Route::decode(&format!("#{hash}")), route);
    }

    #[test]
    fn unknown_parts_are_ignored() {
        let r = Route::decode("#view=nowhere&sev=extreme&bogus=1&sel=no-separator&sort=up");
        assert_eq!(r, Route::default());
    }
}
