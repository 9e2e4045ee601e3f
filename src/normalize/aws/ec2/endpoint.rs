//! VPC endpoints (`describe-vpc-endpoints`, `AWS::EC2::VPCEndpoint`), and which AWS services each
//! VPC reaches through one: [`derive_endpoint_services`] puts `endpoint_services` (`["ec2",
//! "s3", …]`, the short names of its interface and gateway endpoints that are not being deleted
//! or failed) on every VPC of a region whose endpoints were listed completely ([`LISTED`]).
//! An AWS Config export holds only the endpoints it recorded, so there the list stays unknown
//! unless an endpoint itself shows the service is reached.

use super::shape::{build, field, strings, tags, text, Attrs, Loc, Place};
use super::vpc::VPC;
use crate::attr_value::AttrValue;
use crate::normalize::aws::{region_id, Cx};
use crate::normalize::NormalizeError;
use crate::{Resource, Source};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

pub const KIND: &str = "aws.ec2.vpc_endpoint";
/// Set on `aws.region` by `describe-vpc-endpoints` in a bundle.
pub const LISTED: &str = "vpc_endpoints_listed";
/// States in which an endpoint no longer carries traffic.
const GONE: &[&str] = &["deleting", "deleted", "failed", "rejected", "expired"];

pub fn endpoint(
    cx: &Cx,
    m: &Map<String, Value>,
    at: &Loc,
    item_tags: Option<&Value>,
) -> Result<Resource, NormalizeError> {
    let id = super::shape::need(m, "VpcEndpointId", at)?;
    let service = text(m, "ServiceName");
    let mut a = Attrs::default();
    a.set("vpc_endpoint_id", id)
        .copy("vpc_id", field(m, "VpcId"))
        .copy("service_name", field(m, "ServiceName"))
        .copy("vpc_endpoint_type", field(m, "VpcEndpointType"))
        .copy("state", field(m, "State"))
        .copy("private_dns_enabled", field(m, "PrivateDnsEnabled"))
        .set("subnet_ids", strings(m, "SubnetIds", ""))
        .set("tags", tags(m, item_tags));
    if let Some(s) = service {
        a.set("service", short_service(s));
    }
    let place = Place {
        region: cx.region,
        owner: text(m, "OwnerId"),
    };
    Ok(build(
        cx,
        KIND,
        &format!("vpc-endpoint/{id}"),
        place,
        at,
        None,
        a,
    ))
}

/// `com.amazonaws.us-east-1.ec2` → `ec2`; `com.amazonaws.us-east-1.ecr.api` → `ecr.api`. Names
/// of other providers' endpoint services are kept whole.
pub fn short_service(name: &str) -> String {
    let parts: Vec<&str> = name.splitn(4, '.').collect();
    match parts.as_slice() {
        ["com", "amazonaws", region, rest] if region.ends_with(|c: char| c.is_ascii_digit()) => {
            (*rest).to_string()
        }
        _ => name.to_string(),
    }
}

pub fn listing(cx: &Cx) -> Option<Resource> {
    let mut a = Map::new();
    a.insert(LISTED.into(), Value::Bool(true));
    cx.region_resource("ec2 describe-vpc-endpoints", &cx.pointer, a)
}

/// Each VPC's `endpoint_services`, when its region's endpoints were listed completely.
pub fn derive_endpoint_services(resources: &mut [Resource]) {
    let listed: BTreeMap<String, Source> = resources
        .iter()
        .filter(|r| {
            r.kind == "aws.region"
                && r.attributes.get(LISTED).and_then(AttrValue::as_bool) == Some(true)
        })
        .map(|r| (r.id.clone(), r.source_of(LISTED).clone()))
        .collect();
    // (account, region, vpc) → services
    let mut services: BTreeMap<(String, String, String), Vec<AttrValue>> = BTreeMap::new();
    for r in resources.iter().filter(|r| r.kind == KIND) {
        let live = r
            .attributes
            .get("state")
            .and_then(AttrValue::as_str)
            .is_none_or(|s| !GONE.contains(&s.to_ascii_lowercase().as_str()));
        let (Some(acc), Some(reg), Some(vpc), Some(svc)) = (
            r.account.clone(),
            r.region.clone(),
            r.attributes.get("vpc_id").and_then(AttrValue::as_str),
            r.attributes.get("service"),
        ) else {
            continue;
        };
        let list = services.entry((acc, reg, vpc.to_string())).or_default();
        if live && !list.contains(svc) {
            list.push(svc.clone());
        }
    }
    for v in resources.iter_mut().filter(|r| r.kind == VPC) {
        let (Some(acc), Some(reg), Some(vpc)) = (
            v.account.clone(),
            v.region.clone(),
            v.attributes
                .get("vpc_id")
                .and_then(AttrValue::as_str)
                .map(str::to_string),
        ) else {
            continue;
        };
        let Some(src) = listed.get(&region_id(&acc, &reg)) else {
            continue;
        };
        let found = services.remove(&(acc, reg, vpc)).unwrap_or_default();
        v.attributes.insert("endpoint_services", found);
        if *src != v.source {
            v.sources.insert("endpoint_services", src.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn service_names_shorten() {
        assert_eq!(short_service("com.amazonaws.us-east-1.ec2"), "ec2");
        assert_eq!(short_service("com.amazonaws.eu-west-1.ecr.api"), "ecr.api");
        assert_eq!(
            short_service("com.amazonaws.vpce.us-east-1.vpce-svc-1"),
            "com.amazonaws.vpce.us-east-1.vpce-svc-1"
        );
        assert_eq!(
            short_service("aws.sagemaker.us-east-1.notebook"),
            "aws.sagemaker.us-east-1.notebook"
        );
    }

    #[test]
    fn cli_and_config_agree() {
        let cx = Cx::new("e.json", "");
        let cli = json!({"VpcEndpointId": "vpce-1", "VpcEndpointType": "Interface", "VpcId": "vpc-1",
            "ServiceName": "com.amazonaws.us-east-1.ec2", "State": "available", "SubnetIds": ["subnet-1"],
            "PrivateDnsEnabled": true, "OwnerId": "123456789012"});
        let config = json!({"vpcEndpointId": "vpce-1", "vpcEndpointType": "Interface", "vpcId": "vpc-1",
            "serviceName": "com.amazonaws.us-east-1.ec2", "state": "available", "subnetIds": ["subnet-1"],
            "privateDnsEnabled": true, "ownerId": "123456789012"});
        let a = endpoint(&cx, cli.as_object().expect("o"), &Loc::new("", true), None).expect("cli");
        let b = endpoint(
            &cx,
            config.as_object().expect("o"),
            &Loc::new("", false),
            None,
        )
        .expect("cfg");
        assert_eq!(a.attributes, b.attributes);
        assert_eq!(a.attributes["service"], json!("ec2"));
    }
}
