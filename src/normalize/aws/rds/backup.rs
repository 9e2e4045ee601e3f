//! AWS Backup's protected resources (`backup list-protected-resources`), per region on
//! `aws.region` as `backup_protected_resources` (`[{resource_arn, resource_type,
//! last_backup_time}]`), and, derived on `aws.rds.db_instance` of that account and region,
//! `backup_protected` (AWS Backup holds a recovery point of the instance) with
//! `backup_last_backup_time`. An instance of a region whose list was not collected keeps
//! `backup_protected` absent (unknown).

use super::super::{list, str_at, Cx, Reply};
use crate::attr_value::AttrValue;
use crate::normalize::NormalizeError;
use crate::Resource;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

pub fn protected(cx: &Cx, reply: Reply) -> Result<Vec<Resource>, NormalizeError> {
    let Reply::Output(doc) = reply else {
        return Ok(Vec::new());
    };
    let entries: Vec<Value> = list(doc, "Results", cx)?
        .into_iter()
        .map(|(_, m)| {
            json!({
                "resource_arn": str_at(m, "ResourceArn"),
                "resource_type": str_at(m, "ResourceType"),
                "last_backup_time": m.get("LastBackupTime").map(|t| match crate::time::parse(t) {
                    Some(e) => json!(crate::time::format(e)),
                    None => t.clone(),
                }),
            })
        })
        .collect();
    let attrs = Map::from_iter([(
        "backup_protected_resources".to_string(),
        Value::Array(entries),
    )]);
    Ok(cx
        .region_resource("backup list-protected-resources", &cx.pointer, attrs)
        .into_iter()
        .collect())
}

pub fn derive(resources: &mut [Resource]) {
    // Keyed by account and region; the name part of the place is unused.
    let regions: BTreeMap<super::Place, (Vec<AttrValue>, crate::Source)> = resources
        .iter()
        .filter(|r| r.kind == "aws.region")
        .filter_map(|r| {
            let list = r.attributes.get("backup_protected_resources")?.as_array()?;
            Some((
                (r.account.clone(), r.region.clone(), String::new()),
                (
                    list.to_vec(),
                    r.source_of("backup_protected_resources").clone(),
                ),
            ))
        })
        .collect();
    for r in resources
        .iter_mut()
        .filter(|r| r.kind == "aws.rds.db_instance")
    {
        let Some((list, src)) = regions.get(&(r.account.clone(), r.region.clone(), String::new()))
        else {
            continue;
        };
        let hit = list
            .iter()
            .find(|e| e.get("resource_arn").and_then(AttrValue::as_str) == Some(r.id.as_str()));
        r.attributes
            .insert("backup_protected", json!(hit.is_some()));
        if let Some(t) = hit.and_then(|e| e.get("last_backup_time")) {
            r.attributes.insert("backup_last_backup_time", t.clone());
        }
        r.sources.insert("backup_protected", src.clone());
    }
}
