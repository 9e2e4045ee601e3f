//! Secrets Manager secrets and their resource policies.
//!
//! Kind `aws.secretsmanager.secret` (id: the secret ARN). Attributes:
//! - from `secretsmanager list-secrets` (and Config's `AWS::SecretsManager::Secret`): `name`,
//!   `kms_key_id` (null when the secret uses the account's `aws/secretsmanager` key),
//!   `rotation_enabled` (false when the entry leaves it out, as `list-secrets` does for secrets
//!   that do not rotate), `rotation_rules` (snake_case, null when none);
//! - from `secretsmanager get-resource-policy --secret-id`: `policy_statements`, the resource
//!   policy parsed by the IAM engine (each statement's `policy` names the secret;
//!   `other_account` judged against the secret's account), null when the secret has none.

use super::config::{ConfigType, Item};
use super::sns_sqs::named_policy;
use super::{field, field_or, list, region_of_arn, snake_keys, str_at, Command, Cx, Reply};
use crate::normalize::NormalizeError;
use crate::Resource;
use serde_json::{Map, Value};

pub const KIND: &str = "aws.secretsmanager.secret";

pub const COMMANDS: &[Command] = &[
    Command {
        id: "aws-secretsmanager-list-secrets",
        service: "secretsmanager",
        operation: "list-secrets",
        signature: &["SecretList"],
        kinds: &[KIND],
        absent_codes: &[],
        normalize: list_secrets,
    },
    Command {
        id: "aws-secretsmanager-get-resource-policy",
        service: "secretsmanager",
        operation: "get-resource-policy",
        // A secret without a policy prints only ARN and Name, which says too little to detect.
        signature: &["ARN", "Name", "ResourcePolicy"],
        kinds: &[KIND],
        absent_codes: &[],
        normalize: resource_policy,
    },
];

pub const CONFIG: &[ConfigType] = &[ConfigType {
    resource_type: "AWS::SecretsManager::Secret",
    normalize: config_secret,
}];

fn secret(cx: &Cx, arn: &str, name: &str, ptr: &str, a: Map<String, Value>) -> Resource {
    let region = region_of_arn(arn).map(str::to_string);
    cx.resource(KIND, arn, name, region.as_deref(), ptr, a)
}

/// The secret's own settings, shared by `list-secrets` entries and Config items.
fn settings(m: &Map<String, Value>) -> Map<String, Value> {
    let mut a = Map::new();
    if let Some(name) = field(m, "Name") {
        a.insert("name".into(), name.clone());
    }
    a.insert("kms_key_id".into(), field_or(m, "KmsKeyId", Value::Null));
    a.insert(
        "rotation_enabled".into(),
        field_or(m, "RotationEnabled", Value::Bool(false)),
    );
    a.insert(
        "rotation_rules".into(),
        field(m, "RotationRules")
            .map(snake_keys)
            .unwrap_or(Value::Null),
    );
    a
}

fn list_secrets(cx: &Cx, reply: Reply) -> Result<Vec<Resource>, NormalizeError> {
    let Reply::Output(doc) = reply else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for (ptr, m) in list(doc, "SecretList", cx)? {
        let arn = super::required(m, "ARN", &ptr)?;
        let name = str_at(m, "Name").unwrap_or_else(|| secret_name(arn));
        out.push(secret(cx, arn, name, &ptr, settings(m)));
    }
    Ok(out)
}

/// `arn:…:secret:prod/db-AbCdEf` → `prod/db`: Secrets Manager appends six random characters.
fn secret_name(arn: &str) -> &str {
    let tail = arn.split_once(":secret:").map(|(_, t)| t).unwrap_or(arn);
    match tail.rsplit_once('-') {
        Some((name, suffix)) if suffix.len() == 6 => name,
        _ => tail,
    }
}

fn resource_policy(cx: &Cx, reply: Reply) -> Result<Vec<Resource>, NormalizeError> {
    let Reply::Output(doc) = reply else {
        return Ok(Vec::new());
    };
    let arn = match doc.get("ARN").and_then(Value::as_str) {
        Some(arn) => arn,
        None => match cx.arg_or_note("secret-id", "secretsmanager get-resource-policy") {
            Some(id) if id.starts_with("arn:") => id,
            Some(id) => {
                cx.note(format!(
                    "`aws secretsmanager get-resource-policy` for {id:?} printed no ARN; call it \
                     with the secret's ARN so it can be attached"
                ));
                return Ok(Vec::new());
            }
            None => return Ok(Vec::new()),
        },
    };
    let name = doc
        .get("Name")
        .and_then(Value::as_str)
        .unwrap_or_else(|| secret_name(arn));
    let ptr = cx.at("ResourcePolicy");
    let mut a = Map::new();
    if let Some(p) = named_policy(
        cx,
        doc.get("ResourcePolicy"),
        &ptr,
        ("secret resource", name),
        arn,
    ) {
        a.insert("policy_statements".into(), p);
    }
    let at = if doc.get("ResourcePolicy").is_some() {
        ptr
    } else {
        cx.pointer.clone()
    };
    Ok(vec![secret(cx, arn, name, &at, a)])
}

fn config_secret(cx: &Cx, it: &Item) -> Result<Vec<Resource>, NormalizeError> {
    let Some(m) = it.configuration.as_object() else {
        return Err(NormalizeError {
            pointer: it.pointer.clone(),
            message: "AWS::SecretsManager::Secret item has no configuration object".into(),
        });
    };
    let arn = field(m, "ARN")
        .and_then(Value::as_str)
        .or(it.arn)
        .unwrap_or(it.resource_id);
    let name = field(m, "Name")
        .and_then(Value::as_str)
        .or(it.resource_name)
        .unwrap_or_else(|| secret_name(arn));
    Ok(vec![secret(cx, arn, name, &it.pointer, settings(m))])
}

/// Nothing crosses outputs yet; kept so the module registers like every service.
pub fn derive(_resources: &mut Vec<Resource>) {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::aws::{config, lone};
    use serde_json::json;

    const ARN: &str = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-AbCdEf";

    #[test]
    fn list_secrets_reads_settings() {
        let (rs, _) = lone(
            "aws-secretsmanager-list-secrets",
            json!({"SecretList": [
                {"ARN": ARN, "Name": "prod/db", "KmsKeyId": "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
                 "RotationEnabled": true, "RotationRules": {"AutomaticallyAfterDays": 30}, "LastChangedDate": 1764320580.0},
                {"ARN": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:legacy-api-key-Zz9Yy8", "Name": "legacy-api-key"}]}),
        );
        assert_eq!(rs.len(), 2);
        assert_eq!(rs[0].name, "prod/db");
        assert_eq!(rs[0].attributes["rotation_enabled"], json!(true));
        assert_eq!(
            rs[0].attributes["rotation_rules"],
            json!({"automatically_after_days": 30})
        );
        assert_eq!(rs[1].attributes["rotation_enabled"], json!(false));
        assert_eq!(rs[1].attributes["kms_key_id"], Value::Null);
        assert_eq!(rs[1].region.as_deref(), Some("eu-west-1"));
    }

    #[test]
    fn resource_policy_present_and_absent() {
        let (rs, notes) = lone(
            "aws-secretsmanager-get-resource-policy",
            json!({"ARN": ARN, "Name": "prod/db",
                "ResourcePolicy": "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::111122223333:role/reader\"},\"Action\":\"secretsmanager:GetSecretValue\",\"Resource\":\"*\"}]}"}),
        );
        assert!(notes.is_empty(), "{notes:?}");
        let s = &rs[0].attributes["policy_statements"];
        assert_eq!(s[0]["policy"]["arn"], json!(ARN));
        assert_eq!(s[0]["principals"][0]["other_account"], json!(true));
        assert_eq!(s[0]["source"]["pointer"], json!("/ResourcePolicy"));
        let cx = Cx::new("b.json", "/outputs/1/output");
        let none = resource_policy(&cx, Reply::Output(&json!({"ARN": ARN, "Name": "prod/db"})))
            .expect("reads");
        assert_eq!(none[0].attributes["policy_statements"], Value::Null);
        assert_eq!(none[0].source.pointer, "/outputs/1/output");
    }

    #[test]
    fn names_from_arns() {
        assert_eq!(secret_name(ARN), "prod/db");
        assert_eq!(
            secret_name("arn:aws:secretsmanager:eu-west-1:123456789012:secret:x"),
            "x"
        );
    }

    #[test]
    fn config_items_read_settings() {
        let item = json!({"version": "1.3", "configurationItemCaptureTime": "2026-11-28T09:00:00.000Z", "configurationItemStatus": "OK",
            "resourceType": "AWS::SecretsManager::Secret", "resourceId": ARN, "resourceName": "prod/db", "ARN": ARN,
            "awsRegion": "eu-west-1", "awsAccountId": "123456789012",
            "configuration": {"name": "prod/db", "kmsKeyId": null, "rotationEnabled": false}});
        let (rs, _) = config::normalize(&item, "c.json", "").expect("normalises");
        assert_eq!(rs[0].kind, KIND);
        assert_eq!(rs[0].attributes["rotation_enabled"], json!(false));
        assert_eq!(rs[0].attributes["kms_key_id"], Value::Null);
        assert_eq!(rs[0].attributes["name"], json!("prod/db"));
    }
}
