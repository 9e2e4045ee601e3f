//! EFS access points (`describe-access-points`, Config `AWS::EFS::AccessPoint`, whose item
//! follows the CloudFormation schema). Kind `aws.efs.access_point` (id: AccessPointArn):
//! `access_point_id`, `file_system_id`, `life_cycle_state`, `root_directory_path` (`/` when the
//! access point sets none, which is what EFS exposes then), `posix_user` (`{uid, gid,
//! secondary_gids}`, null when clients' own identities are used), `tags`.

use crate::normalize::aws::{copy_fields, field, region_of_arn, snake_keys, Cx};
use crate::normalize::NormalizeError;
use crate::Resource;
use serde_json::{Map, Value};

pub const KIND: &str = "aws.efs.access_point";

pub fn access_point(
    cx: &Cx,
    m: &Map<String, Value>,
    ptr: &str,
    known_arn: Option<&str>,
) -> Result<Resource, NormalizeError> {
    let id = field(m, "AccessPointId").and_then(Value::as_str);
    let arn = field(m, "AccessPointArn")
        .or_else(|| field(m, "Arn"))
        .and_then(Value::as_str)
        .or(known_arn)
        .map(str::to_string)
        .or_else(|| {
            id.map(|id| {
                cx.arn(
                    "elasticfilesystem",
                    cx.region,
                    &format!("access-point/{id}"),
                )
            })
        })
        .ok_or_else(|| NormalizeError {
            pointer: ptr.to_string(),
            message: "access point has neither AccessPointArn nor AccessPointId".into(),
        })?;
    let mut a = Map::new();
    copy_fields(
        m,
        &[
            ("AccessPointId", "access_point_id"),
            ("FileSystemId", "file_system_id"),
            ("LifeCycleState", "life_cycle_state"),
        ],
        &mut a,
    );
    let path = field(m, "RootDirectory")
        .and_then(Value::as_object)
        .and_then(|r| field(r, "Path"))
        .cloned()
        .unwrap_or_else(|| Value::from("/"));
    a.insert("root_directory_path".into(), path);
    let user = field(m, "PosixUser")
        .filter(|u| u.as_object().is_some_and(|o| !o.is_empty()))
        .map(snake_keys)
        .unwrap_or(Value::Null);
    a.insert("posix_user".into(), user);
    let name = field(m, "Name")
        .and_then(Value::as_str)
        .or(id)
        .unwrap_or(&arn)
        .to_string();
    let region = region_of_arn(&arn).map(str::to_string);
    Ok(cx.resource(KIND, arn.clone(), name, region.as_deref(), ptr, a))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn cli_and_cloudformation_shapes_agree() {
        let cx = Cx::new("a.json", "");
        let arn = "arn:aws:elasticfilesystem:eu-west-1:123456789012:access-point/fsap-1";
        let cli = json!({"AccessPointId": "fsap-1", "AccessPointArn": arn, "FileSystemId": "fs-1",
            "PosixUser": {"Uid": 1000, "Gid": 1000}, "RootDirectory": {"Path": "/app"},
            "LifeCycleState": "available"});
        let cfn = json!({"AccessPointId": "fsap-1", "Arn": arn, "FileSystemId": "fs-1",
            "PosixUser": {"Uid": "1000", "Gid": "1000"}, "RootDirectory": {"Path": "/app"}});
        let a = access_point(&cx, cli.as_object().expect("o"), "", None).expect("cli");
        let b = access_point(&cx, cfn.as_object().expect("o"), "", None).expect("cfg");
        assert_eq!(a.id, b.id);
        assert_eq!(a.attributes["root_directory_path"], json!("/app"));
        assert_eq!(b.attributes["posix_user"]["uid"], json!("1000"));
        let bare = json!({"AccessPointId": "fsap-2", "FileSystemId": "fs-1"});
        let c = access_point(&cx, bare.as_object().expect("o"), "", None).expect("bare");
        assert_eq!(c.attributes["root_directory_path"], json!("/"));
        assert_eq!(c.attributes["posix_user"], Value::Null);
    }
}
