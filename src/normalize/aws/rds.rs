//! RDS: DB instances, clusters, snapshots and their restore attributes.
//!
//! The CLI spells keys in PascalCase and AWS Config in camelCase with irregular acronyms
//! (`DBSubnetGroup`, `dBSubnetGroup`, `dbsubnetGroup`); both are read through [`field`], so one
//! function per kind serves both shapes.
//!
//! Kinds and attributes:
//! - `aws.rds.db_instance` (id: DBInstanceArn): `engine`, `engine_version`, `status`,
//!   `storage_encrypted`, `kms_key_id`, `publicly_accessible`, `auto_minor_version_upgrade`,
//!   `multi_az`, `backup_retention_period` (days, 0 = automated backups off),
//!   `deletion_protection`, `iam_database_authentication_enabled`,
//!   `enabled_cloudwatch_logs_exports` (list), `copy_tags_to_snapshot`, `monitoring_interval`
//!   (seconds, 0 = Enhanced Monitoring off), `vpc_id` (null outside a VPC),
//!   `db_cluster_identifier` (null for a standalone instance), `read_replica_source` (null
//!   unless the instance is a read replica), `master_username`, `port` (the endpoint's),
//!   `db_parameter_groups` (names); derived: `ssl_required`, `ssl_required_via`
//!   ([`parameters`]), `backup_protected`, `backup_last_backup_time` ([`backup`]).
//! - `aws.rds.db_cluster` (id: DBClusterArn): `engine`, `engine_mode`, `status`,
//!   `storage_encrypted`, `kms_key_id`, `multi_az`, `backup_retention_period`,
//!   `deletion_protection`, `iam_database_authentication_enabled`,
//!   `enabled_cloudwatch_logs_exports`, `copy_tags_to_snapshot`, `publicly_accessible` (Multi-AZ
//!   DB clusters only), `auto_minor_version_upgrade` (likewise; for Aurora derived from the
//!   member instances, see [`aurora_minor_upgrades`]), `master_username`, `port`,
//!   `backtrack_window` (seconds; 0 when the API leaves it out: backtracking off).
//! - `aws.rds.event_subscription` ([`events`]), `aws.rds.db_parameter_group` ([`parameters`]).
//! - `aws.rds.db_snapshot`, `aws.rds.db_cluster_snapshot` (id: the snapshot ARN):
//!   `snapshot_type` (manual, automated, shared, public, awsbackup), `engine`, `encrypted`,
//!   `kms_key_id`, `source_identifier` (the instance or cluster); from
//!   `describe-db[-cluster]-snapshot-attributes` or Config's supplementary configuration:
//!   `public` (the `restore` attribute lists `all`) and `shared_with_accounts`.
//!
//! The API leaves out what is not set: an entry without `EnabledCloudwatchLogsExports` exports
//! no logs, one without `DBSubnetGroup` is outside a VPC, one without `DBClusterIdentifier` is
//! standalone. Those absences are recorded as known (`[]` or null). Settings that older
//! exports predate (`DeletionProtection`, `IAMDatabaseAuthenticationEnabled`) stay absent, so
//! rules on them say "unknown" for such exports.

mod backup;
mod events;
mod parameters;

use super::config::{ConfigType, Item};
use super::{
    copy_fields, field, field_or, list, region_of_arn, region_of_zone, str_at, Command, Cx, Reply,
};
use crate::attr_value::AttrValue;
use crate::normalize::NormalizeError;
use crate::Resource;
use serde_json::{json, Map, Value};

pub const COMMANDS: &[Command] = &[
    Command {
        id: "aws-rds-describe-db-instances",
        service: "rds",
        operation: "describe-db-instances",
        signature: &["DBInstances"],
        kinds: &["aws.rds.db_instance"],
        absent_codes: &[],
        normalize: describe_instances,
    },
    Command {
        id: "aws-rds-describe-db-clusters",
        service: "rds",
        operation: "describe-db-clusters",
        signature: &["DBClusters"],
        kinds: &["aws.rds.db_cluster"],
        absent_codes: &[],
        normalize: describe_clusters,
    },
    Command {
        id: "aws-rds-describe-db-snapshots",
        service: "rds",
        operation: "describe-db-snapshots",
        signature: &["DBSnapshots"],
        kinds: &["aws.rds.db_snapshot"],
        absent_codes: &[],
        normalize: describe_snapshots,
    },
    Command {
        id: "aws-rds-describe-db-cluster-snapshots",
        service: "rds",
        operation: "describe-db-cluster-snapshots",
        signature: &["DBClusterSnapshots"],
        kinds: &["aws.rds.db_cluster_snapshot"],
        absent_codes: &[],
        normalize: describe_cluster_snapshots,
    },
    Command {
        id: "aws-rds-describe-db-snapshot-attributes",
        service: "rds",
        operation: "describe-db-snapshot-attributes",
        signature: &["DBSnapshotAttributesResult"],
        kinds: &["aws.rds.db_snapshot"],
        absent_codes: &[],
        normalize: snapshot_attributes,
    },
    Command {
        id: "aws-rds-describe-db-cluster-snapshot-attributes",
        service: "rds",
        operation: "describe-db-cluster-snapshot-attributes",
        signature: &["DBClusterSnapshotAttributesResult"],
        kinds: &["aws.rds.db_cluster_snapshot"],
        absent_codes: &[],
        normalize: cluster_snapshot_attributes,
    },
    Command {
        id: "aws-rds-describe-event-subscriptions",
        service: "rds",
        operation: "describe-event-subscriptions",
        signature: &["EventSubscriptionsList"],
        kinds: &[events::KIND],
        absent_codes: &[],
        normalize: events::describe,
    },
    Command {
        id: "aws-rds-describe-db-parameters",
        service: "rds",
        operation: "describe-db-parameters",
        // `{"Parameters": […]}` is also SSM's and describe-db-cluster-parameters' shape, and a
        // lone output does not name its group anyway.
        signature: &[],
        kinds: &[parameters::KIND],
        absent_codes: &[],
        normalize: parameters::describe,
    },
    Command {
        id: "aws-backup-list-protected-resources",
        service: "backup",
        operation: "list-protected-resources",
        // `{"Results": […]}` says too little to be recognised alone.
        signature: &[],
        // Its list lands on `aws.region` only to be joined onto instances: listed under no
        // kind, so that coverage hints for regional settings keep naming their own commands.
        kinds: &[],
        absent_codes: &[],
        normalize: backup::protected,
    },
];

/// AWS Config resource types read into the same kinds as the CLI outputs.
pub const CONFIG: &[ConfigType] = &[
    ConfigType {
        resource_type: "AWS::RDS::DBInstance",
        normalize: config_instance,
    },
    ConfigType {
        resource_type: "AWS::RDS::DBCluster",
        normalize: config_cluster,
    },
    ConfigType {
        resource_type: "AWS::RDS::DBSnapshot",
        normalize: config_snapshot,
    },
    ConfigType {
        resource_type: "AWS::RDS::DBClusterSnapshot",
        normalize: config_cluster_snapshot,
    },
    ConfigType {
        resource_type: "AWS::RDS::EventSubscription",
        normalize: events::config,
    },
];

/// Facts that need several outputs together, run once all files are merged.
// The signature is every service's `derive`; these only edit resources in place.
#[allow(clippy::ptr_arg)]
pub fn derive(resources: &mut Vec<Resource>) {
    parameters::derive(resources);
    backup::derive(resources);
    aurora_minor_upgrades(resources);
}

/// Aurora applies minor versions per instance, and `describe-db-clusters` states
/// `AutoMinorVersionUpgrade` only for Multi-AZ DB clusters: an Aurora cluster's setting is
/// taken as its members' (true when every member in the export has it on, false when one has it
/// off), with evidence pointing at a member that decided it.
fn aurora_minor_upgrades(resources: &mut [Resource]) {
    let mut members: std::collections::BTreeMap<Place, Vec<(bool, crate::Source)>> =
        Default::default();
    for r in resources.iter().filter(|r| r.kind == INSTANCE.kind) {
        let (Some(cluster), Some(on)) = (
            r.attributes
                .get("db_cluster_identifier")
                .and_then(AttrValue::as_str),
            r.attributes
                .get("auto_minor_version_upgrade")
                .and_then(AttrValue::as_bool),
        ) else {
            continue;
        };
        members
            .entry((r.account.clone(), r.region.clone(), cluster.to_string()))
            .or_default()
            .push((on, r.source_of("auto_minor_version_upgrade").clone()));
    }
    for c in resources.iter_mut().filter(|r| r.kind == CLUSTER.kind) {
        if c.attributes.contains_key("auto_minor_version_upgrade") {
            continue;
        }
        let Some(list) = members.get(&(c.account.clone(), c.region.clone(), c.name.clone())) else {
            continue;
        };
        let Some(decided) = list.iter().find(|(on, _)| !on).or(list.first()) else {
            continue;
        };
        c.attributes
            .insert("auto_minor_version_upgrade", json!(decided.0));
        c.sources
            .insert("auto_minor_version_upgrade", decided.1.clone());
    }
}

/// Account, region and name: how outputs that name a resource (a parameter group, a cluster)
/// are joined onto the resources that refer to it.
type Place = (Option<String>, Option<String>, String);

/// What differs between the four listed kinds: the kind, the ARN and identifier keys, the ARN
/// resource prefix, and which attributes to read.
struct Shape {
    kind: &'static str,
    arn_key: &'static str,
    id_key: &'static str,
    arn_prefix: &'static str,
    attributes: fn(&Map<String, Value>) -> Map<String, Value>,
}

const INSTANCE: Shape = Shape {
    kind: "aws.rds.db_instance",
    arn_key: "DBInstanceArn",
    id_key: "DBInstanceIdentifier",
    arn_prefix: "db",
    attributes: instance_attributes,
};
const CLUSTER: Shape = Shape {
    kind: "aws.rds.db_cluster",
    arn_key: "DBClusterArn",
    id_key: "DBClusterIdentifier",
    arn_prefix: "cluster",
    attributes: cluster_attributes,
};
const SNAPSHOT: Shape = Shape {
    kind: "aws.rds.db_snapshot",
    arn_key: "DBSnapshotArn",
    id_key: "DBSnapshotIdentifier",
    arn_prefix: "snapshot",
    attributes: snapshot_attributes_of,
};
const CLUSTER_SNAPSHOT: Shape = Shape {
    kind: "aws.rds.db_cluster_snapshot",
    arn_key: "DBClusterSnapshotArn",
    id_key: "DBClusterSnapshotIdentifier",
    arn_prefix: "cluster-snapshot",
    attributes: snapshot_attributes_of,
};

const COMMON: &[(&str, &str)] = &[
    ("Engine", "engine"),
    ("EngineVersion", "engine_version"),
    ("StorageEncrypted", "storage_encrypted"),
    ("MultiAZ", "multi_az"),
    ("BackupRetentionPeriod", "backup_retention_period"),
    ("DeletionProtection", "deletion_protection"),
    (
        "IAMDatabaseAuthenticationEnabled",
        "iam_database_authentication_enabled",
    ),
    ("CopyTagsToSnapshot", "copy_tags_to_snapshot"),
    ("PubliclyAccessible", "publicly_accessible"),
    ("AutoMinorVersionUpgrade", "auto_minor_version_upgrade"),
    ("MasterUsername", "master_username"),
];

/// What instances and clusters share; the API omits `KmsKeyId` when unencrypted and
/// `EnabledCloudwatchLogsExports` when nothing is exported.
fn common_attributes(m: &Map<String, Value>) -> Map<String, Value> {
    let mut a = Map::new();
    copy_fields(m, COMMON, &mut a);
    a.insert("kms_key_id".into(), field_or(m, "KmsKeyId", Value::Null));
    a.insert(
        "enabled_cloudwatch_logs_exports".into(),
        field_or(m, "EnabledCloudwatchLogsExports", json!([])),
    );
    a
}

fn instance_attributes(m: &Map<String, Value>) -> Map<String, Value> {
    let mut a = common_attributes(m);
    copy_fields(
        m,
        &[
            ("DBInstanceStatus", "status"),
            ("MonitoringInterval", "monitoring_interval"),
        ],
        &mut a,
    );
    for (key, attr) in [
        ("DBClusterIdentifier", "db_cluster_identifier"),
        (
            "ReadReplicaSourceDBInstanceIdentifier",
            "read_replica_source",
        ),
    ] {
        a.insert(attr.into(), field_or(m, key, Value::Null));
    }
    let vpc = match field(m, "DBSubnetGroup") {
        Some(Value::Object(group)) => field_or(group, "VpcId", Value::Null),
        _ => Value::Null,
    };
    a.insert("vpc_id".into(), vpc);
    // `DbInstancePort` is 0 for instances that are not replicas of a custom port; the endpoint
    // says where clients connect (absent while the instance is still being created).
    if let Some(port) = field(m, "Endpoint")
        .and_then(Value::as_object)
        .and_then(|e| field(e, "Port"))
        .filter(|p| p.is_number())
    {
        a.insert("port".into(), port.clone());
    }
    if let Some(Value::Array(groups)) = field(m, "DBParameterGroups") {
        let names: Vec<Value> = groups
            .iter()
            .filter_map(Value::as_object)
            .filter_map(|g| field(g, "DBParameterGroupName").cloned())
            .collect();
        a.insert("db_parameter_groups".into(), Value::Array(names));
    }
    a
}

fn cluster_attributes(m: &Map<String, Value>) -> Map<String, Value> {
    let mut a = common_attributes(m);
    copy_fields(
        m,
        &[
            ("Status", "status"),
            ("EngineMode", "engine_mode"),
            ("Port", "port"),
        ],
        &mut a,
    );
    // The API leaves `BacktrackWindow` out when backtracking is off.
    a.insert(
        "backtrack_window".into(),
        field_or(m, "BacktrackWindow", json!(0)),
    );
    a
}

/// DB snapshots say `Encrypted`, cluster snapshots `StorageEncrypted`; both become `encrypted`.
fn snapshot_attributes_of(m: &Map<String, Value>) -> Map<String, Value> {
    let mut a = Map::new();
    copy_fields(
        m,
        &[
            ("SnapshotType", "snapshot_type"),
            ("Engine", "engine"),
            ("Status", "status"),
            ("Encrypted", "encrypted"),
            ("StorageEncrypted", "encrypted"),
            ("DBInstanceIdentifier", "source_identifier"),
            ("DBClusterIdentifier", "source_identifier"),
        ],
        &mut a,
    );
    a.insert("kms_key_id".into(), field_or(m, "KmsKeyId", Value::Null));
    a
}

/// The ARN of an RDS resource named by identifier (or already by ARN, as shared snapshots are).
fn arn_for(cx: &Cx, shape: &Shape, region: Option<&str>, identifier: &str) -> String {
    if identifier.starts_with("arn:") {
        identifier.to_string()
    } else {
        cx.arn("rds", region, &format!("{}:{identifier}", shape.arn_prefix))
    }
}

/// One listed entry (CLI) or configuration (Config) as a resource of `shape`.
fn entry(
    cx: &Cx,
    shape: &Shape,
    m: &Map<String, Value>,
    ptr: &str,
    known_arn: Option<&str>,
    known_name: Option<&str>,
) -> Result<Resource, NormalizeError> {
    let name = field(m, shape.id_key)
        .and_then(Value::as_str)
        .or(known_name);
    let arn = field(m, shape.arn_key)
        .and_then(Value::as_str)
        .or(known_arn)
        .filter(|a| !a.is_empty());
    let zone_region = field(m, "AvailabilityZone")
        .and_then(Value::as_str)
        .map(region_of_zone)
        .filter(|r| r.contains('-'));
    let region = arn.and_then(region_of_arn).or(zone_region).or(cx.region);
    let (arn, name) = match (arn, name) {
        (Some(arn), name) => (arn.to_string(), name.unwrap_or(arn).to_string()),
        (None, Some(name)) => (arn_for(cx, shape, region, name), name.to_string()),
        (None, None) => {
            return Err(NormalizeError {
                pointer: ptr.to_string(),
                message: format!("entry has neither {} nor {}", shape.arn_key, shape.id_key),
            })
        }
    };
    Ok(cx.resource(shape.kind, arn, name, region, ptr, (shape.attributes)(m)))
}

fn listed(
    cx: &Cx,
    reply: Reply,
    key: &str,
    shape: &Shape,
) -> Result<Vec<Resource>, NormalizeError> {
    let Reply::Output(doc) = reply else {
        return Ok(Vec::new());
    };
    list(doc, key, cx)?
        .into_iter()
        .map(|(ptr, m)| entry(cx, shape, m, &ptr, None, None))
        .collect()
}

fn describe_instances(cx: &Cx, reply: Reply) -> Result<Vec<Resource>, NormalizeError> {
    listed(cx, reply, "DBInstances", &INSTANCE)
}

fn describe_clusters(cx: &Cx, reply: Reply) -> Result<Vec<Resource>, NormalizeError> {
    listed(cx, reply, "DBClusters", &CLUSTER)
}

fn describe_snapshots(cx: &Cx, reply: Reply) -> Result<Vec<Resource>, NormalizeError> {
    listed(cx, reply, "DBSnapshots", &SNAPSHOT)
}

fn describe_cluster_snapshots(cx: &Cx, reply: Reply) -> Result<Vec<Resource>, NormalizeError> {
    listed(cx, reply, "DBClusterSnapshots", &CLUSTER_SNAPSHOT)
}

/// `public` and `shared_with_accounts` from a list of `{AttributeName, AttributeValues}`:
/// `restore` lists the accounts that may restore the snapshot, and `all` means anyone.
fn restore_attributes(attrs: &Value) -> Map<String, Value> {
    let values: Vec<&str> = attrs
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_object)
        .filter(|a| field(a, "AttributeName").and_then(Value::as_str) == Some("restore"))
        .flat_map(|a| {
            field(a, "AttributeValues")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
        })
        .collect();
    let mut out = Map::new();
    out.insert("public".into(), json!(values.contains(&"all")));
    let shared: Vec<&str> = values.into_iter().filter(|v| *v != "all").collect();
    out.insert("shared_with_accounts".into(), json!(shared));
    out
}

/// `describe-db[-cluster]-snapshot-attributes`: the result names its snapshot, so even a lone
/// output can be attached (by an ARN without account and region, which the bundle supplies).
fn attributes_result(
    cx: &Cx,
    reply: Reply,
    result_key: &str,
    list_key: &str,
    shape: &Shape,
    arg: &str,
) -> Result<Vec<Resource>, NormalizeError> {
    let Reply::Output(doc) = reply else {
        return Ok(Vec::new());
    };
    let ptr = cx.at(result_key);
    let Some(result) = doc.get(result_key).and_then(Value::as_object) else {
        return Err(NormalizeError {
            pointer: ptr,
            message: format!("{result_key} must be an object"),
        });
    };
    let Some(identifier) = str_at(result, shape.id_key).or_else(|| cx.arg(arg)) else {
        cx.note(format!(
            "a snapshot attributes output names no snapshot ({} is missing)",
            shape.id_key
        ));
        return Ok(Vec::new());
    };
    let attrs = restore_attributes(result.get(list_key).unwrap_or(&Value::Null));
    let arn = arn_for(cx, shape, cx.region, identifier);
    Ok(vec![
        cx.resource(shape.kind, arn, identifier, None, &ptr, attrs)
    ])
}

fn snapshot_attributes(cx: &Cx, reply: Reply) -> Result<Vec<Resource>, NormalizeError> {
    attributes_result(
        cx,
        reply,
        "DBSnapshotAttributesResult",
        "DBSnapshotAttributes",
        &SNAPSHOT,
        "db-snapshot-identifier",
    )
}

fn cluster_snapshot_attributes(cx: &Cx, reply: Reply) -> Result<Vec<Resource>, NormalizeError> {
    attributes_result(
        cx,
        reply,
        "DBClusterSnapshotAttributesResult",
        "DBClusterSnapshotAttributes",
        &CLUSTER_SNAPSHOT,
        "db-cluster-snapshot-identifier",
    )
}

// ---- AWS Config ----

fn config_entry(cx: &Cx, it: &Item, shape: &Shape) -> Result<Resource, NormalizeError> {
    let Some(m) = it.configuration.as_object() else {
        return Err(NormalizeError {
            pointer: it.pointer.clone(),
            message: format!("{} item has no configuration object", it.resource_type),
        });
    };
    let name = it.resource_name.or(Some(it.resource_id));
    let mut r = entry(cx, shape, m, &it.pointer, it.arn, name)?;
    if let Some(attrs) = it
        .supplementary
        .iter()
        .find(|(k, _)| k.ends_with("SnapshotAttributes"))
        .map(|(_, v)| v)
    {
        r.attributes.extend(restore_attributes(attrs));
    }
    Ok(r)
}

fn config_instance(cx: &Cx, it: &Item) -> Result<Vec<Resource>, NormalizeError> {
    Ok(vec![config_entry(cx, it, &INSTANCE)?])
}

fn config_cluster(cx: &Cx, it: &Item) -> Result<Vec<Resource>, NormalizeError> {
    Ok(vec![config_entry(cx, it, &CLUSTER)?])
}

fn config_snapshot(cx: &Cx, it: &Item) -> Result<Vec<Resource>, NormalizeError> {
    Ok(vec![config_entry(cx, it, &SNAPSHOT)?])
}

fn config_cluster_snapshot(cx: &Cx, it: &Item) -> Result<Vec<Resource>, NormalizeError> {
    Ok(vec![config_entry(cx, it, &CLUSTER_SNAPSHOT)?])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::aws::config;

    fn cli(command: &str, doc: Value) -> Vec<Resource> {
        super::super::lone(command, doc).0
    }

    #[test]
    fn cli_and_config_instances_read_alike() {
        let from_cli = cli(
            "aws-rds-describe-db-instances",
            json!({"DBInstances": [{"DBInstanceIdentifier": "orders", "Engine": "postgres",
                "DBInstanceArn": "arn:aws:rds:eu-west-1:123456789012:db:orders", "StorageEncrypted": false,
                "PubliclyAccessible": true, "MultiAZ": false, "AutoMinorVersionUpgrade": true,
                "BackupRetentionPeriod": 0, "DeletionProtection": false, "IAMDatabaseAuthenticationEnabled": false,
                "CopyTagsToSnapshot": false, "MonitoringInterval": 0, "AvailabilityZone": "eu-west-1a",
                "DBSubnetGroup": {"VpcId": "vpc-0abc"}}]}),
        );
        let item = json!({"resourceType": "AWS::RDS::DBInstance", "resourceId": "db-X", "resourceName": "orders",
            "arn": "arn:aws:rds:eu-west-1:123456789012:db:orders", "awsRegion": "eu-west-1", "accountId": "123456789012",
            "configurationItemCaptureTime": "2026-11-01T00:00:00Z",
            "configuration": {"dBInstanceIdentifier": "orders", "engine": "postgres", "storageEncrypted": false,
                "publiclyAccessible": true, "multiAZ": false, "autoMinorVersionUpgrade": true, "backupRetentionPeriod": 0,
                "deletionProtection": false, "iAMDatabaseAuthenticationEnabled": false, "copyTagsToSnapshot": false,
                "monitoringInterval": 0, "kmsKeyId": null, "availabilityZone": "eu-west-1a",
                "dBSubnetGroup": {"vpcId": "vpc-0abc"}, "dBClusterIdentifier": null}});
        let (from_config, _) = config::normalize(&item, "c.json", "").expect("config");
        assert_eq!(from_cli.len(), 1);
        assert_eq!(from_config.len(), 1);
        assert_eq!(from_cli[0].attributes, from_config[0].attributes);
        assert_eq!(from_cli[0].id, from_config[0].id);
        assert_eq!(from_cli[0].region.as_deref(), Some("eu-west-1"));
        assert_eq!(from_cli[0].attributes["vpc_id"], json!("vpc-0abc"));
        assert_eq!(
            from_cli[0].attributes["enabled_cloudwatch_logs_exports"],
            json!([])
        );
        assert_eq!(from_cli[0].attributes["db_cluster_identifier"], Value::Null);
    }

    #[test]
    fn snapshot_attributes_attach_by_identifier() {
        let rs = cli(
            "aws-rds-describe-db-snapshot-attributes",
            json!({"DBSnapshotAttributesResult": {"DBSnapshotIdentifier": "orders-final",
                "DBSnapshotAttributes": [{"AttributeName": "restore", "AttributeValues": ["all", "111122223333"]}]}}),
        );
        assert_eq!(rs[0].id, "arn:aws:rds:::snapshot:orders-final");
        assert_eq!(rs[0].attributes["public"], json!(true));
        assert_eq!(
            rs[0].attributes["shared_with_accounts"],
            json!(["111122223333"])
        );
        let private =
            restore_attributes(&json!([{"attributeName": "restore", "attributeValues": []}]));
        assert_eq!(private["public"], json!(false));
    }

    #[test]
    fn entries_without_identity_are_located_errors() {
        let c = super::super::command_by_id("aws-rds-describe-db-clusters").expect("command");
        let e = super::super::normalize_output(
            c,
            &json!({"DBClusters": [{"Engine": "aurora-mysql"}]}),
            "f.json",
            "",
        )
        .expect_err("no id");
        assert_eq!(e.pointer, "/DBClusters/0");
    }
}
