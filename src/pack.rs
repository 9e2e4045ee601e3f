//! The built-in rule pack, embedded at compile time from `policies/` by build.rs.

use crate::rules::{RuleError, RulePack};

include!(concat!(env!("OUT_DIR"), "/embedded_policies.rs"));

/// Rule files only: `concepts/` and `frameworks/` hold other data.
pub fn rule_sources() -> impl Iterator<Item = (&'static str, &'static str)> {
    EMBEDDED
        .iter()
        .copied()
        .filter(|(path, _)| !path.starts_with("concepts/") && !path.starts_with("frameworks/"))
}

/// Compliance framework files (`frameworks/*.toml`), parsed by [`crate::frameworks`].
pub fn framework_sources() -> impl Iterator<Item = (&'static str, &'static str)> {
    EMBEDDED
        .iter()
        .copied()
        .filter(|(path, _)| path.starts_with("frameworks/"))
}

/// Parses the built-in pack. It is validated by the test suite, so an error here means a broken
/// build rather than bad user input; callers still get the errors instead of a panic.
pub fn builtin() -> Result<RulePack, Vec<RuleError>> {
    RulePack::from_sources(rule_sources())
}
