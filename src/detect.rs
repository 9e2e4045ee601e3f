//! Recognises an export by its shape, never by its file name: auditors rename files, and
//! collectors name them by date. Each decoded document gets a verdict the user can read.

use crate::normalize::aws::{self, bundle, config};
use serde_json::Value;
use std::fmt;

/// Every format the engine normalises. The string form is what reports and the UI show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Format {
    /// `aws iam get-account-authorization-details`.
    AwsIamAuthorizationDetails,
    /// The collector's bundle of many CLI outputs (`collectors/aws.sh`).
    AwsBundle,
    /// AWS Config configuration items, in any of their envelopes.
    AwsConfig,
    /// One AWS CLI command's output, by the command's id in [`aws::commands`].
    AwsCli(&'static str),
}

impl Format {
    pub fn id(self) -> &'static str {
        match self {
            Format::AwsIamAuthorizationDetails => "aws-iam-authorization-details",
            Format::AwsBundle => "aws-collector-bundle",
            Format::AwsConfig => "aws-config-items",
            Format::AwsCli(id) => id,
        }
    }

    /// The command that produces it, for coverage hints.
    pub fn produced_by(self) -> String {
        match self {
            Format::AwsIamAuthorizationDetails => {
                "aws iam get-account-authorization-details --output json".into()
            }
            Format::AwsBundle => "collectors/aws.sh".into(),
            Format::AwsConfig => {
                "aws configservice get-resource-config-history, select-resource-config, or a Config snapshot file".into()
            }
            Format::AwsCli(id) => aws::command_by_id(id)
                .map(|c| format!("{} --output json", c.cli()))
                .unwrap_or_else(|| id.to_string()),
        }
    }
}

/// What the load screen lists as accepted: one line per family of exports.
pub fn supported() -> Vec<String> {
    let mut out = vec![
        "collectors/aws.sh (one bundle with everything below)".to_string(),
        Format::AwsIamAuthorizationDetails.produced_by(),
    ];
    out.extend(
        aws::commands()
            .filter(|c| c.id != Format::AwsIamAuthorizationDetails.id())
            .map(|c| c.cli()),
    );
    out.push(Format::AwsConfig.produced_by());
    out
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// Why a document was not recognised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Detection {
    Recognized(Format),
    Ignored(String),
}

const AUTHZ_KEYS: [&str; 4] = [
    "UserDetailList",
    "GroupDetailList",
    "RoleDetailList",
    "Policies",
];

/// Looks at the top-level structure of one document.
pub fn detect(doc: &Value) -> Detection {
    match doc {
        Value::Object(map) => {
            if bundle::is_bundle(doc) {
                return Detection::Recognized(Format::AwsBundle);
            }
            if config::is_config(doc) {
                return Detection::Recognized(Format::AwsConfig);
            }
            let inner = aws::unwrap_recording(doc).unwrap_or(doc);
            if let Some(command) = aws::detect_output(inner) {
                return Detection::Recognized(Format::AwsCli(command.id));
            }
            if let Some(code) = inner
                .get("Error")
                .and_then(|e| e.get("Code"))
                .and_then(Value::as_str)
                .filter(|_| inner != doc)
            {
                return Detection::Ignored(format!(
                    "a recorded API error ({code}); alone it does not say which call failed —                      the collector's bundle records errors with their call"
                ));
            }
            if map.contains_key("detail-type") && map.contains_key("source") {
                return Detection::Ignored(
                    "an EventBridge event (an activity record such as an API call), not \
                     configuration"
                        .into(),
                );
            }
            if inner.get("ResponseMetadata").is_some() && inner != doc {
                return Detection::Ignored(
                    "a recorded API response that carries no configuration Stratoscope reads"
                        .into(),
                );
            }
            let authz: Vec<&str> = AUTHZ_KEYS
                .iter()
                .copied()
                .filter(|k| map.get(*k).is_some_and(Value::is_array))
                .collect();
            if !authz.is_empty()
                && (authz.len() >= 2
                    || authz[0] != "Policies"
                    || looks_like_managed_policies(map.get("Policies")))
            {
                return Detection::Recognized(Format::AwsIamAuthorizationDetails);
            }
            let mut keys: Vec<&str> = map.keys().map(String::as_str).take(6).collect();
            if map.len() > keys.len() {
                keys.push("…");
            }
            if keys.is_empty() {
                Detection::Ignored("an empty JSON object: no resources to analyse".into())
            } else {
                Detection::Ignored(format!(
                    "a JSON object with keys {} is not an export format Stratoscope knows yet",
                    keys.join(", ")
                ))
            }
        }
        Value::Array(_) if config::is_config(doc) => Detection::Recognized(Format::AwsConfig),
        Value::Array(items) => Detection::Ignored(format!(
            "a top-level JSON array of {} items is not an export format Stratoscope knows yet",
            items.len()
        )),
        other => Detection::Ignored(format!("a bare JSON {} is not an export", kind(other))),
    }
}

/// `{"Policies": [...]}` alone is ambiguous (several AWS list calls return that key), so we only
/// accept it when the entries carry authorization-details' PolicyVersionList.
fn looks_like_managed_policies(policies: Option<&Value>) -> bool {
    policies.and_then(Value::as_array).is_some_and(|items| {
        items.is_empty() || items.iter().any(|p| p.get("PolicyVersionList").is_some())
    })
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn authz_details_by_shape() {
        assert_eq!(
            detect(&json!({"UserDetailList": [], "RoleDetailList": []})),
            Detection::Recognized(Format::AwsIamAuthorizationDetails)
        );
        assert_eq!(
            detect(&json!({"Policies": [{"PolicyVersionList": []}]})),
            Detection::Recognized(Format::AwsIamAuthorizationDetails)
        );
    }

    #[test]
    fn list_policies_output_is_not_authz_details() {
        let got = detect(&json!({"Policies": [{"PolicyName": "x", "Arn": "arn"}]}));
        assert!(
            matches!(got, Detection::Ignored(ref r) if r.contains("Policies")),
            "{got:?}"
        );
    }

    #[test]
    fn unknown_shapes_say_what_they_saw() {
        assert!(
            matches!(detect(&json!({"Buckets": []})), Detection::Ignored(r) if r.contains("Buckets"))
        );
        assert!(matches!(detect(&json!([1, 2])), Detection::Ignored(r) if r.contains("2 items")));
        assert!(matches!(detect(&json!(3)), Detection::Ignored(r) if r.contains("number")));
    }
}
