//! The built-in rule pack, embedded at compile time from `policies/` by build.rs.

use crate::rules::{Rule, RuleError, RulePack};

include!(concat!(env!("OUT_DIR"), "/embedded_policies.rs"));

/// Rule files, as TOML.
pub fn rule_sources() -> impl Iterator<Item = (&'static str, &'static str)> {
    RULES.iter().copied()
}

/// Compliance framework files (`frameworks/*.toml`), parsed by [`crate::frameworks`].
pub fn framework_sources() -> impl Iterator<Item = (&'static str, &'static str)> {
    FRAMEWORKS.iter().copied()
}

/// Parses the built-in pack. It is validated by the test suite, so an error here means a broken
/// build rather than bad user input; callers still get the errors instead of a panic.
pub fn builtin() -> Result<RulePack, Vec<RuleError>> {
    RulePack::from_sources(rule_sources())
}

/// The built-in pack without its fixtures, read from the JSON build.rs made of each rule: for
/// the web app, which parses the pack on the page's main thread at start-up (and again in the
/// worker) and never runs fixtures. TOML parsing of the whole pack, half of it fixtures, held
/// the page's first render for a noticeable time.
pub fn builtin_lean() -> Result<RulePack, Vec<RuleError>> {
    RulePack::from_parsed(lean_rules())
}

/// Each lean rule parsed on its own, errors included, for a caller that keeps what parses.
pub fn lean_rules() -> impl Iterator<Item = Result<Rule, RuleError>> {
    RULES_LEAN
        .iter()
        .map(|(origin, text)| Rule::parse_json(origin, text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lean_pack_is_the_pack_without_fixtures() {
        let mut full = builtin().expect("the built-in pack parses");
        let lean = builtin_lean().expect("the lean pack parses");
        assert!(full.rules.iter().all(|r| !r.fixtures.is_empty()));
        for rule in &mut full.rules {
            rule.fixtures.clear();
        }
        assert_eq!(full, lean);
    }
}
