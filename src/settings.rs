//! User settings files: rule parameter overrides, for example
//!
//! ```toml
//! [parameters."STRAT-AWS-IAM-007"]
//! sensitive_services = ["iam", "kms"]
//! ```
//!
//! Validated against the rule pack, because a misspelt rule id or parameter name would otherwise
//! be ignored without a word and the auditor would believe a setting applied that did not.

use crate::analyze::Options;
use crate::rules::{check::toml_to_json, RuleError, RulePack};
use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSettings {
    #[serde(default)]
    parameters: BTreeMap<String, BTreeMap<String, toml::Value>>,
}

/// The JSON kind of a value, with the element kind for lists, for "expects …" messages.
fn kind(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(_) => "a boolean".into(),
        Value::Number(_) => "a number".into(),
        Value::String(_) => "a string".into(),
        Value::Array(items) => match items.first() {
            Some(first) => format!("a list of {}s", kind(first).trim_start_matches("a ")),
            None => "a list".into(),
        },
        Value::Object(_) => "a table".into(),
    }
}

/// Whether `value` has the shape of the rule's default, so a check never meets a string where
/// it expects a list. An empty list matches any list.
fn same_shape(default: &Value, value: &Value) -> bool {
    match (default, value) {
        (Value::Array(d), Value::Array(v)) => match d.first() {
            Some(first) => v.iter().all(|item| same_shape(first, item)),
            None => true,
        },
        (Value::Bool(_), Value::Bool(_))
        | (Value::Number(_), Value::Number(_))
        | (Value::String(_), Value::String(_))
        | (Value::Object(_), Value::Object(_)) => true,
        _ => false,
    }
}

/// Parses a settings file into analysis options. `origin` names the file in errors; every error
/// also names the offending key.
pub fn parse(origin: &str, text: &str, pack: &RulePack) -> Result<Options, RuleError> {
    let err = |message: String| RuleError {
        origin: origin.to_string(),
        message,
    };
    let raw: RawSettings =
        toml::from_str(text).map_err(|e| err(e.to_string().trim_end().to_string()))?;
    let mut options = Options::default();
    for (rule_key, values) in raw.parameters {
        let table = format!("[parameters.{rule_key:?}]");
        let rule = pack.get(&rule_key).ok_or_else(|| {
            err(format!(
                "{table}: no rule {rule_key:?} in the pack (`stratoscope rules` lists them)"
            ))
        })?;
        let overrides = options.parameters.entry(rule.id.clone()).or_default();
        for (name, value) in values {
            let Some(default) = rule.parameters.get(&name) else {
                let known: Vec<&str> = rule.parameters.keys().map(String::as_str).collect();
                return Err(err(format!(
                    "{table}: rule {} has no parameter {name:?}; {}",
                    rule.id,
                    if known.is_empty() {
                        "it takes none".to_string()
                    } else {
                        format!("it has: {}", known.join(", "))
                    }
                )));
            };
            let value = toml_to_json(&value);
            if !same_shape(default, &value) {
                return Err(err(format!(
                    "{table}: {name} must be {} like its default, not {}",
                    kind(default),
                    kind(&value)
                )));
            }
            overrides.insert(name, value);
        }
    }
    Ok(options)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pack;

    fn builtin() -> RulePack {
        pack::builtin().expect("built-in pack")
    }

    #[test]
    fn overrides_are_keyed_by_rule_id_even_when_given_by_name() {
        let text = "[parameters.iam-policy-sensitive-service-wildcard]\nsensitive_services = [\"iam\", \"kms\"]\n";
        let options = parse("settings.toml", text, &builtin()).expect("valid");
        assert_eq!(
            options.parameters["STRAT-AWS-IAM-007"]["sensitive_services"],
            serde_json::json!(["iam", "kms"])
        );
    }

    #[test]
    fn unknown_rules_parameters_and_shapes_are_errors_naming_file_and_key() {
        let pack = builtin();
        let cases = [
            ("[parameters.\"STRAT-AWS-IAM-999\"]\nx = 1\n", "settings.toml: [parameters.\"STRAT-AWS-IAM-999\"]: no rule"),
            ("[parameters.\"STRAT-AWS-IAM-007\"]\nservices = [\"iam\"]\n", "settings.toml: [parameters.\"STRAT-AWS-IAM-007\"]: rule STRAT-AWS-IAM-007 has no parameter \"services\"; it has: sensitive_services"),
            ("[parameters.\"STRAT-AWS-IAM-007\"]\nsensitive_services = \"iam\"\n", "sensitive_services must be a list of strings like its default, not a string"),
            ("[parameters.\"STRAT-AWS-IAM-007\"]\nsensitive_services = [1]\n", "not a list of numbers"),
            ("[parameter.\"STRAT-AWS-IAM-007\"]\n", "unknown field `parameter`, expected `parameters`"),
        ];
        for (text, expected) in cases {
            let msg = parse("settings.toml", text, &pack)
                .expect_err(text)
                .to_string();
            assert!(
                msg.contains(expected),
                "{msg}\n  should contain: {expected}"
            );
        }
    }
}
