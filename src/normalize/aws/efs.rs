//! EFS file systems and their backup policies.
//!
//! Kind `aws.efs.file_system` (id: FileSystemArn). Attributes, from `describe-file-systems` and
//! Config's `AWS::EFS::FileSystem` (which follows the CloudFormation schema, PascalCase):
//! `file_system_id`, `encrypted`, `kms_key_id` (null when unencrypted), `performance_mode`,
//! `throughput_mode`, `life_cycle_state`; from `describe-backup-policy --file-system-id` (and
//! Config's `BackupPolicy`): `backup_policy_status` (ENABLED, ENABLING, DISABLED, DISABLING;
//! null when `PolicyNotFound` says the file system has none); from `describe-mount-targets
//! --file-system-id`: `mount_target_subnet_ids`, and derived with the EC2 subnets
//! `mount_targets_in_public_subnets` (see [`mount_target`]).
//!
//! Access points: see [`access_point`].

mod access_point;
mod mount_target;

use super::config::{ConfigType, Item};
use super::{copy_fields, field, field_or, list, region_of_arn, Command, Cx, Reply};
use crate::normalize::NormalizeError;
use crate::Resource;
use serde_json::{Map, Value};

pub const COMMANDS: &[Command] = &[
    Command {
        id: "aws-efs-describe-file-systems",
        service: "efs",
        operation: "describe-file-systems",
        signature: &["FileSystems"],
        kinds: &[KIND],
        absent_codes: &[],
        normalize: describe_file_systems,
    },
    Command {
        id: "aws-efs-describe-backup-policy",
        service: "efs",
        operation: "describe-backup-policy",
        signature: &["BackupPolicy"],
        kinds: &[KIND],
        absent_codes: &["PolicyNotFound"],
        normalize: describe_backup_policy,
    },
    Command {
        id: "aws-efs-describe-access-points",
        service: "efs",
        operation: "describe-access-points",
        signature: &["AccessPoints"],
        kinds: &[access_point::KIND],
        absent_codes: &[],
        normalize: describe_access_points,
    },
    Command {
        id: "aws-efs-describe-mount-targets",
        service: "efs",
        operation: "describe-mount-targets",
        signature: &["MountTargets"],
        kinds: &[KIND],
        absent_codes: &[],
        normalize: describe_mount_targets,
    },
];

/// AWS Config resource types read into the same kinds as the CLI outputs.
pub const CONFIG: &[ConfigType] = &[
    ConfigType {
        resource_type: "AWS::EFS::FileSystem",
        normalize: config_file_system,
    },
    ConfigType {
        resource_type: "AWS::EFS::AccessPoint",
        normalize: config_access_point,
    },
];

const KIND: &str = "aws.efs.file_system";

/// Facts that need several outputs together, run once all files are merged.
#[allow(clippy::ptr_arg)] // the signature every service's derive shares in aws::derive
pub fn derive(resources: &mut Vec<Resource>) {
    mount_target::derive_public_subnets(resources, KIND);
}

fn backup_status(policy: Option<&Value>) -> Option<Value> {
    policy
        .and_then(Value::as_object)
        .and_then(|p| field(p, "Status"))
        .cloned()
}

fn attributes(m: &Map<String, Value>) -> Map<String, Value> {
    let mut a = Map::new();
    copy_fields(
        m,
        &[
            ("FileSystemId", "file_system_id"),
            ("Encrypted", "encrypted"),
            ("PerformanceMode", "performance_mode"),
            ("ThroughputMode", "throughput_mode"),
            ("LifeCycleState", "life_cycle_state"),
        ],
        &mut a,
    );
    a.insert("kms_key_id".into(), field_or(m, "KmsKeyId", Value::Null));
    if let Some(status) = backup_status(field(m, "BackupPolicy")) {
        a.insert("backup_policy_status".into(), status);
    }
    a
}

/// The `Name` tag, which describe-file-systems also copies into `Name`.
fn name_of(m: &Map<String, Value>) -> Option<&str> {
    field(m, "Name").and_then(Value::as_str).or_else(|| {
        field(m, "Tags")
            .or_else(|| field(m, "FileSystemTags"))
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_object)
            .find(|t| field(t, "Key").and_then(Value::as_str) == Some("Name"))
            .and_then(|t| field(t, "Value"))
            .and_then(Value::as_str)
    })
}

fn file_system(
    cx: &Cx,
    m: &Map<String, Value>,
    ptr: &str,
    known_arn: Option<&str>,
) -> Result<Resource, NormalizeError> {
    let id = field(m, "FileSystemId").and_then(Value::as_str);
    let arn = field(m, "FileSystemArn")
        .or_else(|| field(m, "Arn"))
        .and_then(Value::as_str)
        .or(known_arn)
        .map(str::to_string)
        .or_else(|| id.map(|id| arn_for(cx, id)))
        .ok_or_else(|| NormalizeError {
            pointer: ptr.to_string(),
            message: "file system has neither FileSystemArn nor FileSystemId".into(),
        })?;
    let name = name_of(m).or(id).unwrap_or(&arn).to_string();
    let region = region_of_arn(&arn).map(str::to_string);
    Ok(cx.resource(
        KIND,
        arn.clone(),
        name,
        region.as_deref(),
        ptr,
        attributes(m),
    ))
}

fn arn_for(cx: &Cx, id: &str) -> String {
    cx.arn("elasticfilesystem", cx.region, &format!("file-system/{id}"))
}

fn describe_file_systems(cx: &Cx, reply: Reply) -> Result<Vec<Resource>, NormalizeError> {
    let Reply::Output(doc) = reply else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for (ptr, m) in list(doc, "FileSystems", cx)? {
        // FSx's describe-file-systems shares the top-level key; its entries say which FSx type.
        if field(m, "FileSystemType").is_some() {
            cx.note("FSx file systems are not read yet".into());
            continue;
        }
        out.push(file_system(cx, m, &ptr, None)?);
    }
    Ok(out)
}

fn describe_backup_policy(cx: &Cx, reply: Reply) -> Result<Vec<Resource>, NormalizeError> {
    let Some(id) = cx.arg_or_note("file-system-id", "efs describe-backup-policy") else {
        return Ok(Vec::new());
    };
    let arn = if id.starts_with("arn:") {
        id.to_string()
    } else {
        arn_for(cx, id)
    };
    let (status, ptr) = match reply {
        Reply::Output(doc) => (
            backup_status(doc.get("BackupPolicy")).unwrap_or(Value::Null),
            cx.at("BackupPolicy"),
        ),
        Reply::Absent(_) => (Value::Null, cx.pointer.clone()),
    };
    let mut a = Map::new();
    a.insert("backup_policy_status".into(), status);
    let region = region_of_arn(&arn).map(str::to_string);
    Ok(vec![cx.resource(KIND, arn, id, region.as_deref(), &ptr, a)])
}

fn describe_access_points(cx: &Cx, reply: Reply) -> Result<Vec<Resource>, NormalizeError> {
    let Reply::Output(doc) = reply else {
        return Ok(Vec::new());
    };
    list(doc, "AccessPoints", cx)?
        .into_iter()
        .map(|(ptr, m)| access_point::access_point(cx, m, &ptr, None))
        .collect()
}

fn describe_mount_targets(cx: &Cx, reply: Reply) -> Result<Vec<Resource>, NormalizeError> {
    let ptr = match reply {
        Reply::Output(_) => cx.at("MountTargets"),
        Reply::Absent(_) => cx.pointer.clone(),
    };
    Ok(mount_target::subnets_by_file_system(cx, reply)?
        .into_iter()
        .map(|(id, subnets)| {
            let arn = if id.starts_with("arn:") {
                id.clone()
            } else {
                arn_for(cx, &id)
            };
            let region = region_of_arn(&arn).map(str::to_string);
            cx.resource(
                KIND,
                arn,
                id,
                region.as_deref(),
                &ptr,
                mount_target::fragment(subnets),
            )
        })
        .collect())
}

fn config_access_point(cx: &Cx, it: &Item) -> Result<Vec<Resource>, NormalizeError> {
    let Some(m) = it.configuration.as_object() else {
        return Err(NormalizeError {
            pointer: it.pointer.clone(),
            message: "AWS::EFS::AccessPoint item has no configuration object".into(),
        });
    };
    Ok(vec![access_point::access_point(
        cx,
        m,
        &it.pointer,
        it.arn,
    )?])
}

fn config_file_system(cx: &Cx, it: &Item) -> Result<Vec<Resource>, NormalizeError> {
    let Some(m) = it.configuration.as_object() else {
        return Err(NormalizeError {
            pointer: it.pointer.clone(),
            message: "AWS::EFS::FileSystem item has no configuration object".into(),
        });
    };
    Ok(vec![file_system(cx, m, &it.pointer, it.arn)?])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::aws::{config, lone};
    use serde_json::json;

    #[test]
    fn cli_and_config_read_alike() {
        let (rs, _) = lone(
            "aws-efs-describe-file-systems",
            json!({"FileSystems": [{"FileSystemId": "fs-0123", "Name": "shared",
                "FileSystemArn": "arn:aws:elasticfilesystem:eu-west-1:123456789012:file-system/fs-0123",
                "Encrypted": false, "PerformanceMode": "generalPurpose", "LifeCycleState": "available"}]}),
        );
        let item = json!({"resourceType": "AWS::EFS::FileSystem", "resourceId": "fs-0123",
            "arn": "arn:aws:elasticfilesystem:eu-west-1:123456789012:file-system/fs-0123", "awsRegion": "eu-west-1",
            "configurationItemCaptureTime": "2026-11-01T00:00:00Z",
            "configuration": {"FileSystemId": "fs-0123", "Encrypted": false, "PerformanceMode": "generalPurpose",
                "LifeCycleState": "available", "FileSystemTags": [{"Key": "Name", "Value": "shared"}],
                "BackupPolicy": {"Status": "DISABLED"}}});
        let (cfg, _) = config::normalize(&item, "c.json", "").expect("config");
        assert_eq!(rs[0].id, cfg[0].id);
        assert_eq!(rs[0].name, cfg[0].name);
        assert_eq!(
            rs[0].attributes["encrypted"],
            cfg[0].attributes["encrypted"]
        );
        assert_eq!(rs[0].attributes["kms_key_id"], Value::Null);
        assert_eq!(cfg[0].attributes["backup_policy_status"], json!("DISABLED"));
        assert!(rs[0].attributes.get("backup_policy_status").is_none());
    }
}
