//! Elastic IP addresses (`describe-addresses`, `AWS::EC2::EIP`). An address is in use when it
//! is associated with an instance or a network interface; an unassociated one is billed and
//! forgotten.

use super::shape::{build, field, or_null, tags, text, Attrs, Loc, Place};
use crate::normalize::aws::Cx;
use crate::normalize::NormalizeError;
use crate::Resource;
use serde_json::{Map, Value};

pub const KIND: &str = "aws.ec2.elastic_ip";

pub fn address(
    cx: &Cx,
    m: &Map<String, Value>,
    at: &Loc,
    item_tags: Option<&Value>,
) -> Result<Resource, NormalizeError> {
    // EC2-Classic addresses have no allocation id; their public IP names them.
    let id = text(m, "AllocationId")
        .or_else(|| text(m, "PublicIp"))
        .ok_or_else(|| NormalizeError {
            pointer: at.ptr.clone(),
            message: "address has neither AllocationId nor PublicIp".into(),
        })?;
    let present = |k: &str| field(m, k).is_some_and(|v| v.as_str().is_some_and(|s| !s.is_empty()));
    let mut a = Attrs::default();
    a.set("allocation_id", or_null(field(m, "AllocationId")))
        .copy("public_ip", field(m, "PublicIp"))
        .copy("domain", field(m, "Domain"))
        .set("association_id", or_null(field(m, "AssociationId")))
        .set(
            "instance_id",
            or_null(field(m, "InstanceId").filter(|v| v.as_str() != Some(""))),
        )
        .set(
            "network_interface_id",
            or_null(field(m, "NetworkInterfaceId")),
        )
        .set("private_ip_address", or_null(field(m, "PrivateIpAddress")))
        .set(
            "associated",
            present("AssociationId") || present("InstanceId") || present("NetworkInterfaceId"),
        )
        .set("tags", tags(m, item_tags));
    let place = Place {
        region: cx.region,
        owner: text(m, "NetworkInterfaceOwnerId"),
    };
    Ok(build(
        cx,
        KIND,
        &format!("elastic-ip/{id}"),
        place,
        at,
        text(m, "PublicIp"),
        a,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn cli_and_config_agree_on_association() {
        let cx = Cx::new("a.json", "");
        let cli = json!({"PublicIp": "198.51.100.10", "AllocationId": "eipalloc-1", "Domain": "vpc",
            "PublicIpv4Pool": "amazon", "NetworkBorderGroup": "us-east-1"});
        let config =
            json!({"publicIp": "198.51.100.10", "allocationId": "eipalloc-1", "domain": "vpc"});
        let a = address(
            &cx,
            cli.as_object().expect("o"),
            &Loc::new("/Addresses/0", true),
            None,
        )
        .expect("cli");
        let b = address(
            &cx,
            config.as_object().expect("o"),
            &Loc::new("/c", false),
            None,
        )
        .expect("config");
        assert_eq!(a.attributes, b.attributes);
        assert_eq!(a.attributes["associated"], json!(false));
        assert_eq!(a.attributes["association_id"], Value::Null);
        assert_eq!(a.name, "198.51.100.10");
        assert_eq!(a.id, "arn:aws:ec2:::elastic-ip/eipalloc-1");
        let used = json!({"PublicIp": "198.51.100.11", "AllocationId": "eipalloc-2",
            "AssociationId": "eipassoc-2", "InstanceId": "i-2"});
        let c =
            address(&cx, used.as_object().expect("o"), &Loc::new("", true), None).expect("used");
        assert_eq!(c.attributes["associated"], json!(true));
    }
}
