//! Which EBS volumes AWS Backup protects: `backup list-protected-resources` lists every resource
//! with at least one recovery point in the region (`aws.backup.protected_resource`, id the
//! resource's ARN: `resource_arn`, `resource_type`, `last_backup_time`,
//! `last_backup_vault_arn`). [`derive_volume_protection`] puts `backup_protected` and
//! `last_backup_time` on each `aws.ec2.volume`: true when listed, false when its region's
//! listing was collected ([`LISTED`] on `aws.region`) and does not name it, unknown otherwise.

use super::ebs::VOLUME;
use super::shape::timestamp;
use crate::attr_value::AttrValue;
use crate::normalize::aws::{list, region_id, region_of_arn, str_at, Cx, Reply};
use crate::normalize::NormalizeError;
use crate::{Resource, Source};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

pub const KIND: &str = "aws.backup.protected_resource";
pub const LISTED: &str = "backup_protected_resources_listed";

pub fn protected_resources(cx: &Cx, reply: Reply) -> Result<Vec<Resource>, NormalizeError> {
    let Reply::Output(doc) = reply else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for (ptr, m) in list(doc, "Results", cx)? {
        let Some(arn) = str_at(m, "ResourceArn") else {
            cx.note("a protected resource without ResourceArn was skipped".into());
            continue;
        };
        let mut a = Map::new();
        a.insert("resource_arn".into(), Value::from(arn));
        for (key, attr) in [
            ("ResourceType", "resource_type"),
            ("LastBackupVaultArn", "last_backup_vault_arn"),
            ("ResourceName", "resource_name"),
        ] {
            if let Some(v) = m.get(key) {
                a.insert(attr.into(), v.clone());
            }
        }
        if let Some(t) = timestamp(m.get("LastBackupTime")) {
            a.insert("last_backup_time".into(), t);
        }
        let region = region_of_arn(arn).or(cx.region);
        out.push(cx.resource(KIND, arn, arn, region, &ptr, a));
    }
    let mut marker = Map::new();
    marker.insert(LISTED.into(), Value::Bool(true));
    out.extend(cx.region_resource("backup list-protected-resources", &cx.pointer, marker));
    Ok(out)
}

pub fn derive_volume_protection(resources: &mut [Resource]) {
    let listed: BTreeMap<String, Source> = resources
        .iter()
        .filter(|r| {
            r.kind == "aws.region"
                && r.attributes.get(LISTED).and_then(AttrValue::as_bool) == Some(true)
        })
        .map(|r| (r.id.clone(), r.source_of(LISTED).clone()))
        .collect();
    let protected: BTreeMap<String, (AttrValue, Source)> = resources
        .iter()
        .filter(|r| r.kind == KIND)
        .map(|r| {
            let t = r
                .attributes
                .get("last_backup_time")
                .cloned()
                .unwrap_or_default();
            (r.id.clone(), (t, r.source.clone()))
        })
        .collect();
    for v in resources.iter_mut().filter(|r| r.kind == VOLUME) {
        let (value, last, src) = match protected.get(&v.id) {
            Some((t, src)) => (true, t.clone(), src.clone()),
            None => {
                let (Some(acc), Some(reg)) = (&v.account, &v.region) else {
                    continue;
                };
                match listed.get(&region_id(acc, reg)) {
                    Some(src) => (false, AttrValue::Null, src.clone()),
                    None => continue,
                }
            }
        };
        for (k, val) in [
            ("backup_protected", AttrValue::Bool(value)),
            ("last_backup_time", last),
        ] {
            v.attributes.insert(k, val);
            if src != v.source {
                v.sources.insert(k, src.clone());
            }
        }
    }
}
