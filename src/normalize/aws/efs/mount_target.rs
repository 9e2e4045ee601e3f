//! Where a file system can be mounted from: `describe-mount-targets --file-system-id ID` gives
//! the file system `mount_target_subnet_ids` (the complete list, since the call is per file
//! system), and [`derive_public_subnets`] joins them to the EC2 normaliser's `aws.ec2.subnet`
//! resources: `mount_targets_in_public_subnets` lists those whose subnet assigns public IPv4
//! addresses on launch. It is left out while any subnet's setting is unknown and none is known
//! public.

use crate::attr_value::AttrValue;
use crate::normalize::aws::{list, str_at, Cx, Reply};
use crate::normalize::NormalizeError;
use crate::{Resource, Source};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// File system id → its mount targets' subnet ids, from one `describe-mount-targets` output.
pub fn subnets_by_file_system(
    cx: &Cx,
    reply: Reply,
) -> Result<BTreeMap<String, Vec<Value>>, NormalizeError> {
    let mut by_fs: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    if let Some(id) = cx.arg("file-system-id") {
        by_fs.entry(id.to_string()).or_default();
    }
    let Reply::Output(doc) = reply else {
        return Ok(by_fs);
    };
    for (_, m) in list(doc, "MountTargets", cx)? {
        let Some(fs) = str_at(m, "FileSystemId").or(cx.arg("file-system-id")) else {
            continue;
        };
        if let Some(subnet) = str_at(m, "SubnetId") {
            by_fs
                .entry(fs.to_string())
                .or_default()
                .push(Value::from(subnet));
        }
    }
    if by_fs.is_empty() {
        cx.note(
            "`aws efs describe-mount-targets` output lists no mount target and does not say which \
             file system it describes; collect it with collectors/aws.sh, whose bundle records it"
                .into(),
        );
    }
    Ok(by_fs)
}

pub fn derive_public_subnets(resources: &mut [Resource], kind: &str) {
    let subnets: BTreeMap<String, (Option<bool>, Source)> = resources
        .iter()
        .filter(|r| r.kind == "aws.ec2.subnet")
        .filter_map(|r| {
            let id = r.attributes.get("subnet_id")?.as_str()?.to_string();
            let public = r
                .attributes
                .get("map_public_ip_on_launch")
                .and_then(AttrValue::as_bool);
            Some((id, (public, r.source_of("map_public_ip_on_launch").clone())))
        })
        .collect();
    for fs in resources.iter_mut().filter(|r| r.kind == kind) {
        let Some(ids) = fs
            .attributes
            .get("mount_target_subnet_ids")
            .and_then(AttrValue::as_array)
        else {
            continue;
        };
        let mut public = Vec::new();
        let mut undecided = false;
        let mut evidence: Option<Source> = None;
        for id in ids.iter().filter_map(AttrValue::as_str) {
            match subnets.get(id) {
                Some((Some(true), src)) => {
                    public.push(Value::from(id));
                    evidence.get_or_insert_with(|| src.clone());
                }
                Some((Some(false), _)) => {}
                _ => undecided = true,
            }
        }
        if undecided && public.is_empty() {
            continue;
        }
        let src = evidence.unwrap_or_else(|| fs.source_of("mount_target_subnet_ids").clone());
        let key = "mount_targets_in_public_subnets";
        fs.attributes.insert(key, Value::Array(public));
        if src != fs.source {
            fs.sources.insert(key, src);
        }
    }
}

/// A file system fragment carrying its mount targets' subnets.
pub fn fragment(subnets: Vec<Value>) -> Map<String, Value> {
    let mut a = Map::new();
    a.insert("mount_target_subnet_ids".into(), Value::Array(subnets));
    a
}
