//! The Settings view-model: rule parameter overrides, kept as the settings TOML the CLI reads
//! with `--settings` (`[parameters."<rule id>"]`), validated by the engine's own parser so the
//! page refuses exactly what the CLI refuses.

use crate::analysis::Parameters;
use serde_json::Value;
use stratoscope::{Rule, RulePack};

/// Local-storage key of the settings TOML.
pub const STORAGE_KEY: &str = "stratoscope.settings";

/// The settings file for these overrides (empty overrides: a file with no tables).
pub fn to_toml(parameters: &Parameters) -> String {
    #[derive(serde::Serialize)]
    struct File<'a> {
        parameters: &'a Parameters,
    }
    let mut out = String::from(
        "# Stratoscope settings: rule parameter overrides (stratoscope scan --settings FILE).\n",
    );
    if parameters.values().all(|p| p.is_empty()) {
        return out;
    }
    match toml::to_string(&File { parameters }) {
        Ok(text) => out.push_str(&text),
        Err(e) => out.push_str(&format!("# could not write the overrides: {e}\n")),
    }
    out
}

/// Reads a settings file against the pack: the overrides, or the engine's located error.
pub fn parse(origin: &str, text: &str, pack: &RulePack) -> Result<Parameters, String> {
    stratoscope::settings::parse(origin, text, pack)
        .map(|o| o.parameters)
        .map_err(|e| e.to_string())
}

/// The rules that take parameters, in pack order, with their defaults.
pub fn rules_with_parameters(pack: &RulePack) -> Vec<&Rule> {
    pack.rules
        .iter()
        .filter(|r| !r.parameters.is_empty())
        .collect()
}

/// A value as the inputs show it: compact JSON.
pub fn value_text(v: &Value) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

/// The overrides with one parameter set to `text` (JSON, or a bare word taken as a string), or
/// why not. Checked by writing the settings file and reading it back through the engine.
pub fn with_value(
    parameters: &Parameters,
    rule: &str,
    name: &str,
    text: &str,
    pack: &RulePack,
) -> Result<Parameters, String> {
    let text = text.trim();
    let value: Value =
        serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.to_string()));
    let mut next = parameters.clone();
    next.entry(rule.to_string())
        .or_default()
        .insert(name.to_string(), value);
    parse("settings", &to_toml(&next), pack)
}

/// The overrides without one parameter (back to the rule's default).
pub fn without(parameters: &Parameters, rule: &str, name: &str) -> Parameters {
    let mut next = parameters.clone();
    if let Some(p) = next.get_mut(rule) {
        p.remove(name);
        if p.is_empty() {
            next.remove(rule);
        }
    }
    next
}

/// The stored overrides, or why the stored file could not be read (it stays stored until the
/// auditor changes the settings).
pub fn load(pack: &RulePack) -> (Parameters, Option<String>) {
    match crate::storage::get(STORAGE_KEY) {
        None => (Parameters::new(), None),
        Some(text) => match parse("settings kept in this browser", &text, pack) {
            Ok(p) => (p, None),
            Err(e) => (Parameters::new(), Some(e)),
        },
    }
}

pub fn store(parameters: &Parameters) {
    crate::storage::set(STORAGE_KEY, &to_toml(parameters));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::load_builtin;
    use serde_json::json;

    #[test]
    fn overrides_round_trip_through_the_clis_settings_file() {
        let pack = load_builtin().pack;
        assert!(rules_with_parameters(&pack).len() > 5);
        let empty = Parameters::new();
        assert_eq!(parse("s", &to_toml(&empty), &pack), Ok(empty.clone()));
        let p = with_value(
            &empty,
            "STRAT-AWS-IAM-007",
            "sensitive_services",
            "[\"kms\"]",
            &pack,
        )
        .expect("a list of strings like the default");
        assert_eq!(p["STRAT-AWS-IAM-007"]["sensitive_services"], json!(["kms"]));
        let text = to_toml(&p);
        assert!(
            text.contains("[parameters.STRAT-AWS-IAM-007]")
                || text.contains("[parameters.\"STRAT-AWS-IAM-007\"]"),
            "{text}"
        );
        assert_eq!(parse("s", &text, &pack), Ok(p.clone()));
        // The engine's checks: shape and names.
        let wrong = with_value(
            &empty,
            "STRAT-AWS-IAM-007",
            "sensitive_services",
            "kms",
            &pack,
        )
        .expect_err("a string where a list is expected");
        assert!(wrong.contains("must be a list of strings"), "{wrong}");
        assert!(with_value(&empty, "STRAT-AWS-IAM-007", "nope", "1", &pack).is_err());
        assert!(without(&p, "STRAT-AWS-IAM-007", "sensitive_services").is_empty());
        assert_eq!(value_text(&json!([22, 3389])), "[22,3389]");
    }

    #[test]
    fn an_override_changes_the_analysis() {
        use crate::analysis::{analyze_files_kept, options};
        use crate::state::LoadedFile;
        let pack = load_builtin().pack;
        let bundle = include_bytes!("../../../tests/fixtures/aws/ec2/bundle.json");
        let files = [LoadedFile::new("bundle.json", bundle.to_vec())];
        let failing = |p: &Parameters| {
            analyze_files_kept(&files, &pack, &options(p), &mut |_| {})
                .0
                .findings
                .iter()
                .filter(|f| {
                    f.rule_id() == "STRAT-AWS-EC2-001" && f.outcome == stratoscope::Outcome::Fail
                })
                .count()
        };
        let winrm_only = with_value(
            &Parameters::new(),
            "STRAT-AWS-EC2-001",
            "admin_ports",
            "[5985]",
            &pack,
        )
        .expect("valid");
        assert!(failing(&Parameters::new()) > 0);
        assert_eq!(
            failing(&winrm_only),
            0,
            "SSH and RDP no longer count as admin ports"
        );
    }
}
