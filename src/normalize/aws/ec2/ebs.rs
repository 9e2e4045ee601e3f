//! EBS: volumes (`describe-volumes`, `AWS::EC2::Volume`), snapshots (`describe-snapshots
//! --owner-ids self`) and who may restore them (`describe-snapshot-attribute --attribute
//! createVolumePermission`), and the per-region default (`get-ebs-encryption-by-default`).

use super::shape::{
    arn, build, field, items, name_tag, need, or_null, record, tags, text, timestamp, zone_region,
    Attrs, Loc, Place,
};
use crate::attr_value::AttrValue;
use crate::normalize::aws::{snake_keys, Cx};
use crate::normalize::NormalizeError;
use crate::Resource;
use serde_json::{Map, Value};

pub const VOLUME: &str = "aws.ec2.volume";
pub const SNAPSHOT: &str = "aws.ec2.snapshot";

pub fn volume(
    cx: &Cx,
    m: &Map<String, Value>,
    at: &Loc,
    item_tags: Option<&Value>,
) -> Result<Resource, NormalizeError> {
    let id = need(m, "VolumeId", at)?;
    let region = zone_region(m).or(cx.region);
    let attachments: Vec<Value> = items(m, "Attachments", at)
        .into_iter()
        .map(|(loc, x)| {
            record([
                ("instance_id", or_null(field(x, "InstanceId"))),
                ("device", or_null(field(x, "Device"))),
                ("state", or_null(field(x, "State"))),
                ("source", loc.source(cx)),
            ])
        })
        .collect();
    let mut a = Attrs::default();
    a.set("volume_id", id)
        .copy("encrypted", field(m, "Encrypted"))
        .set("kms_key_id", or_null(field(m, "KmsKeyId")))
        .copy("state", field(m, "State"))
        .copy("size", field(m, "Size"))
        .copy("volume_type", field(m, "VolumeType"))
        .copy("availability_zone", field(m, "AvailabilityZone"))
        .set(
            "snapshot_id",
            or_null(field(m, "SnapshotId").filter(|s| s.as_str() != Some(""))),
        )
        .set(
            "attached",
            !attachments.is_empty() || text(m, "State") == Some("in-use"),
        )
        .set("attachments", attachments)
        .set("tags", tags(m, item_tags));
    let place = Place {
        region,
        owner: None,
    };
    Ok(build(
        cx,
        VOLUME,
        &format!("volume/{id}"),
        place,
        at,
        None,
        a,
    ))
}

/// Snapshot ARNs carry no account (`arn:aws:ec2:REGION::snapshot/ID`), like AMIs.
fn snapshot_id(cx: &Cx, id: &str) -> String {
    arn(cx, cx.region, None, &format!("snapshot/{id}"))
}

pub fn snapshot(cx: &Cx, m: &Map<String, Value>, at: &Loc) -> Result<Resource, NormalizeError> {
    let id = need(m, "SnapshotId", at)?;
    // Redshift and ElastiCache also answer with a `Snapshots` list, keyed differently.
    let tags = tags(m, None);
    let name = name_tag(&tags).unwrap_or(id).to_string();
    let owner = text(m, "OwnerId");
    let mut a = Attrs::default();
    a.set("snapshot_id", id)
        .set("owner_id", or_null(field(m, "OwnerId")))
        .copy("volume_id", field(m, "VolumeId"))
        .copy("encrypted", field(m, "Encrypted"))
        .set("kms_key_id", or_null(field(m, "KmsKeyId")))
        .copy("state", field(m, "State"))
        .copy("volume_size", field(m, "VolumeSize"))
        .copy("start_time", timestamp(field(m, "StartTime")).as_ref())
        .copy("description", field(m, "Description"))
        .set("tags", tags);
    let mut r = cx.resource(
        SNAPSHOT,
        snapshot_id(cx, id),
        name,
        cx.region,
        &at.ptr,
        a.into_map(),
    );
    if r.account.is_none() {
        r.account = owner.map(str::to_string);
    }
    Ok(r)
}

/// `describe-snapshot-attribute --attribute createVolumePermission`: who may create a volume
/// from the snapshot. `{"Group": "all"}` is everyone; `{"UserId": …}` one account.
pub fn create_volume_permissions(cx: &Cx, doc: &Value) -> Result<Vec<Resource>, NormalizeError> {
    let Some(perms) = doc.get("CreateVolumePermissions") else {
        return Ok(Vec::new());
    };
    // The output names its snapshot; the bundle's argument covers outputs that do not.
    let Some(id) = doc
        .get("SnapshotId")
        .and_then(Value::as_str)
        .or_else(|| cx.arg_or_note("snapshot-id", "ec2 describe-snapshot-attribute"))
    else {
        return Ok(Vec::new());
    };
    let list = perms.as_array().ok_or_else(|| NormalizeError {
        pointer: cx.at("CreateVolumePermissions"),
        message: "CreateVolumePermissions must be an array".into(),
    })?;
    let public = list
        .iter()
        .any(|p| p.get("Group").and_then(Value::as_str) == Some("all"));
    let accounts: Vec<Value> = list
        .iter()
        .filter_map(|p| p.get("UserId").cloned())
        .collect();
    let mut a = Attrs::default();
    a.set("create_volume_permissions", snake_keys(perms))
        .set("public", public)
        .set("shared_with_accounts", accounts);
    let ptr = cx.at("CreateVolumePermissions");
    Ok(vec![cx.resource(
        SNAPSHOT,
        snapshot_id(cx, id),
        id,
        cx.region,
        &ptr,
        a.into_map(),
    )])
}

/// Accounts other than the owner that may restore the snapshot, once both the owner and the
/// permissions are known (they come from two different calls).
pub fn derive_external_sharing(resources: &mut [Resource]) {
    for r in resources.iter_mut().filter(|r| r.kind == SNAPSHOT) {
        let Some(shared) = r
            .attributes
            .get("shared_with_accounts")
            .and_then(AttrValue::as_array)
        else {
            continue;
        };
        let owner = r
            .attributes
            .get("owner_id")
            .and_then(AttrValue::as_str)
            .or(r.account.as_deref());
        let external: Vec<AttrValue> = match owner {
            Some(o) => shared
                .iter()
                .filter(|a| a.as_str() != Some(o))
                .cloned()
                .collect(),
            // Without the owner, only an empty list decides anything.
            None if shared.is_empty() => Vec::new(),
            None => continue,
        };
        let src = r.source_of("shared_with_accounts").clone();
        if src != r.source {
            r.sources.insert("shared_with_external_accounts", src);
        }
        r.attributes
            .insert("shared_with_external_accounts", external);
    }
}

/// `get-ebs-encryption-by-default`: a fact about a region, which the output does not name.
pub fn default_encryption(cx: &Cx, doc: &Value) -> Vec<Resource> {
    let mut a = Map::new();
    a.insert(
        "ebs_encryption_by_default".into(),
        doc.get("EbsEncryptionByDefault")
            .cloned()
            .unwrap_or(Value::Null),
    );
    cx.region_resource(
        "ec2 get-ebs-encryption-by-default",
        &cx.at("EbsEncryptionByDefault"),
        a,
    )
    .into_iter()
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn volume_shapes_agree() {
        let cx = Cx::new("v.json", "");
        let cli = json!({"VolumeId": "vol-1", "Encrypted": false, "State": "in-use", "Size": 8, "AvailabilityZone": "us-east-1c",
            "SnapshotId": "", "VolumeType": "gp3",
            "Attachments": [{"VolumeId": "vol-1", "InstanceId": "i-1", "Device": "/dev/xvda", "State": "attached"}]});
        let config = json!({"volumeId": "vol-1", "encrypted": false, "state": "in-use", "size": 8, "availabilityZone": "us-east-1c",
            "snapshotId": "", "volumeType": "gp3",
            "attachments": [{"volumeId": "vol-1", "instanceId": "i-1", "device": "/dev/xvda", "state": "attached"}]});
        let a = volume(
            &cx,
            cli.as_object().expect("o"),
            &Loc::new("/Volumes/0", true),
            None,
        )
        .expect("cli");
        let b = volume(
            &cx,
            config.as_object().expect("o"),
            &Loc::new("/Volumes/0", false),
            None,
        )
        .expect("config");
        let strip = |r: &Resource| {
            let mut m = r.attributes.clone();
            m.remove("attachments");
            m
        };
        assert_eq!(strip(&a), strip(&b));
        assert_eq!(a.region.as_deref(), Some("us-east-1"));
        assert_eq!(a.attributes["kms_key_id"], Value::Null);
        assert_eq!(a.attributes["snapshot_id"], Value::Null);
        assert_eq!(a.attributes["attached"], json!(true));
        assert_eq!(
            a.attributes["attachments"][0]["source"]["pointer"],
            json!("/Volumes/0/Attachments/0")
        );
    }

    #[test]
    fn snapshot_permissions_and_external_accounts() {
        let cx = Cx::new("s.json", "");
        let listing =
            json!({"SnapshotId": "snap-1", "OwnerId": "123456789012", "Encrypted": false});
        let mut rs = vec![snapshot(
            &cx,
            listing.as_object().expect("o"),
            &Loc::new("/Snapshots/0", true),
        )
        .expect("s")];
        let perms = json!({"SnapshotId": "snap-1", "CreateVolumePermissions": [{"UserId": "123456789012"}, {"UserId": "111122223333"}, {"Group": "all"}]});
        let frag = create_volume_permissions(&cx, &perms).expect("p");
        assert_eq!(frag[0].id, rs[0].id);
        assert_eq!(rs[0].id, "arn:aws:ec2:::snapshot/snap-1");
        assert_eq!(rs[0].account.as_deref(), Some("123456789012"));
        for f in frag {
            rs[0].merge(f);
        }
        derive_external_sharing(&mut rs);
        assert_eq!(rs[0].attributes["public"], json!(true));
        assert_eq!(
            rs[0].attributes["shared_with_external_accounts"],
            json!(["111122223333"])
        );
        assert_eq!(
            rs[0].source_of("shared_with_external_accounts").pointer,
            "/CreateVolumePermissions"
        );
    }

    #[test]
    fn lone_permissions_without_an_id_are_a_note() {
        let cx = Cx::new("s.json", "");
        let rs =
            create_volume_permissions(&cx, &json!({"CreateVolumePermissions": []})).expect("ok");
        assert!(rs.is_empty());
        assert_eq!(cx.take_notes().len(), 1);
    }
}
