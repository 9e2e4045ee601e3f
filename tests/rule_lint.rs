//! Metadata rules every rule file must meet. They keep the pack consistent for auditors: every
//! finding explains itself, cites official sources, and is proven by fixtures.

use stratoscope::{pack, Outcome};

const FRAMEWORKS: &[&str] = &["cis-aws-5.0", "fsbp"];
const KNOWN_KIND_PREFIXES: &[&str] = &["aws.iam.", "aws.ec2.", "aws.region"];

#[test]
fn every_rule_meets_the_metadata_rules() {
    let pack = pack::builtin().unwrap_or_else(|errors| {
        panic!("built-in pack does not parse (ids and names must be unique): {errors:#?}")
    });
    let mut problems = Vec::new();
    for rule in &pack.rules {
        let mut p = |msg: String| problems.push(format!("{} ({}): {msg}", rule.origin, rule.id));
        let expected_origin = format!("{}/{}/{}.toml", rule.provider, rule.service, rule.name);
        if rule.origin != expected_origin {
            p(format!("file should be policies/{expected_origin}"));
        }
        let id_ok = rule.id.starts_with(&format!(
            "STRAT-{}-{}-",
            rule.provider.to_uppercase(),
            rule.service.to_uppercase()
        )) && rule
            .id
            .rsplit('-')
            .next()
            .is_some_and(|n| n.len() == 3 && n.bytes().all(|b| b.is_ascii_digit()));
        if !id_ok {
            p("id must be STRAT-<PROVIDER>-<SERVICE>-NNN".into());
        }
        if rule.name.is_empty()
            || !rule
                .name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        {
            p("name must be kebab-case".into());
        }
        for (key, heading, text) in rule.explanation.sections() {
            if text.trim().len() < 40 {
                p(format!(
                    "explanation.{key} ({heading}) is empty or too short to explain anything"
                ));
            }
        }
        for (key, text) in [
            ("console", &rule.remediation.console),
            ("cli", &rule.remediation.cli),
            ("terraform", &rule.remediation.terraform),
        ] {
            if text.trim().is_empty() {
                p(format!("remediation.{key} is empty"));
            }
        }
        if rule.title.trim().is_empty() || rule.message.trim().is_empty() {
            p("title and message are required".into());
        }
        if rule.categories.is_empty() {
            p("at least one category".into());
        }
        if rule.references.is_empty() {
            p("at least one reference".into());
        }
        for r in &rule.references {
            if !r.starts_with("https://") {
                p(format!("reference {r} is not https"));
            }
        }
        for fw in rule.frameworks.keys() {
            if !FRAMEWORKS.contains(&fw.as_str()) {
                p(format!("unknown framework {fw}; known: {FRAMEWORKS:?}"));
            }
        }
        for kind in &rule.resource_kinds {
            if !KNOWN_KIND_PREFIXES.iter().any(|k| kind.starts_with(k)) {
                p(format!(
                    "resource kind {kind} is not produced by any normaliser"
                ));
            }
        }
        let outcomes: Vec<Outcome> = rule
            .fixtures
            .iter()
            .flat_map(|f| f.expect.values())
            .filter_map(|o| Outcome::parse(o))
            .collect();
        for needed in [Outcome::Fail, Outcome::Pass] {
            if !outcomes.contains(&needed) {
                p(format!("needs at least one {needed} fixture"));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{} problem(s):\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn rule_errors_are_precise() {
    let err =
        stratoscope::Rule::parse("user/bad.toml", "id = \"x\"\nname = 3\n").expect_err("invalid");
    assert!(err.to_string().starts_with("user/bad.toml: "), "{err}");
    assert!(err.to_string().contains("line 2"), "{err}");
}
