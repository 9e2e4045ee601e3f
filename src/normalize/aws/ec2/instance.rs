//! Instances: `describe-instances` (`Reservations[].Instances[]`, the owner on the reservation)
//! and `AWS::EC2::Instance`.

use super::shape::{
    build, field, items, need, object, or_null, tags, text, timestamp, zone_region, Attrs, Loc,
    Place,
};
use crate::normalize::aws::Cx;
use crate::normalize::NormalizeError;
use crate::Resource;
use serde_json::{Map, Value};

pub const KIND: &str = "aws.ec2.instance";

pub fn instance(
    cx: &Cx,
    m: &Map<String, Value>,
    at: &Loc,
    account: Option<&str>,
    item_tags: Option<&Value>,
) -> Result<Resource, NormalizeError> {
    let id = need(m, "InstanceId", at)?;
    let region = zone_region(m).or(cx.region);
    let mut a = Attrs::default();
    a.set("instance_id", id)
        .copy("instance_type", field(m, "InstanceType"))
        .copy("image_id", field(m, "ImageId"))
        .copy("state", object(m, "State").and_then(|s| field(s, "Name")))
        .copy("launch_time", timestamp(field(m, "LaunchTime")).as_ref())
        .set("vpc_id", or_null(field(m, "VpcId")))
        .set("subnet_id", or_null(field(m, "SubnetId")))
        .set(
            "security_group_ids",
            items(m, "SecurityGroups", at)
                .into_iter()
                .filter_map(|(_, g)| text(g, "GroupId").map(Value::from))
                .collect::<Vec<_>>(),
        )
        .set(
            "iam_instance_profile_arn",
            or_null(object(m, "IamInstanceProfile").and_then(|p| field(p, "Arn"))),
        )
        .set(
            "volume_ids",
            items(m, "BlockDeviceMappings", at)
                .into_iter()
                .filter_map(|(_, b)| object(b, "Ebs").and_then(|e| text(e, "VolumeId")))
                .map(Value::from)
                .collect::<Vec<_>>(),
        )
        .set("tags", tags(m, item_tags));
    let public = public_ipv4(m, at);
    a.set("public_ip_address", or_null(field(m, "PublicIpAddress")));
    // Secondary interfaces can carry Elastic IPs: without the interface list, only a found
    // address decides.
    if !public.is_empty() || field(m, "NetworkInterfaces").is_some_and(Value::is_array) {
        a.set("has_public_ipv4", !public.is_empty())
            .set("public_ipv4_addresses", public);
    }
    // Exports from before 2019 (and old Config items) lack metadata options: unknown, not v1.
    if let Some(md) = object(m, "MetadataOptions") {
        a.copy("http_tokens", field(md, "HttpTokens"))
            .copy("http_endpoint", field(md, "HttpEndpoint"))
            .copy(
                "http_put_response_hop_limit",
                field(md, "HttpPutResponseHopLimit"),
            )
            .copy("metadata_options_state", field(md, "State"))
            .copy("instance_metadata_tags", field(md, "InstanceMetadataTags"));
    }
    let place = Place {
        region,
        owner: account,
    };
    Ok(build(
        cx,
        KIND,
        &format!("instance/{id}"),
        place,
        at,
        None,
        a,
    ))
}

/// Every public IPv4 address on the instance: the primary one and any on secondary interfaces
/// or secondary private addresses (Elastic IPs included), without repeats.
fn public_ipv4(m: &Map<String, Value>, at: &Loc) -> Vec<Value> {
    let mut out: Vec<Value> = Vec::new();
    let mut add = |v: Option<&Value>| {
        if let Some(ip) = v.filter(|v| v.as_str().is_some_and(|s| !s.is_empty())) {
            if !out.contains(ip) {
                out.push(ip.clone());
            }
        }
    };
    add(field(m, "PublicIpAddress"));
    for (loc, ni) in items(m, "NetworkInterfaces", at) {
        add(object(ni, "Association").and_then(|a| field(a, "PublicIp")));
        for (_, pa) in items(ni, "PrivateIpAddresses", &loc) {
            add(object(pa, "Association").and_then(|a| field(a, "PublicIp")));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn cli_and_config_agree() {
        let cx = Cx::new("i.json", "");
        let cli = json!({"InstanceId": "i-1", "InstanceType": "t3.micro", "State": {"Code": 16, "Name": "running"},
            "Placement": {"AvailabilityZone": "eu-west-1b"}, "VpcId": "vpc-1", "SubnetId": "subnet-1",
            "LaunchTime": "2026-01-01T00:00:00+00:00",
            "SecurityGroups": [{"GroupName": "web", "GroupId": "sg-1"}],
            "IamInstanceProfile": {"Arn": "arn:aws:iam::123456789012:instance-profile/web", "Id": "AIPA"},
            "NetworkInterfaces": [{"Association": {"PublicIp": "198.51.100.7"}, "PrivateIpAddresses": [{"Association": {"PublicIp": "198.51.100.8"}}]}],
            "BlockDeviceMappings": [{"DeviceName": "/dev/xvda", "Ebs": {"VolumeId": "vol-1"}}],
            "MetadataOptions": {"State": "applied", "HttpTokens": "required", "HttpPutResponseHopLimit": 2, "HttpEndpoint": "enabled"},
            "Tags": [{"Key": "Name", "Value": "web-1"}]});
        let config = json!({"instanceId": "i-1", "instanceType": "t3.micro", "state": {"code": 16, "name": "running"},
            "placement": {"availabilityZone": "eu-west-1b"}, "vpcId": "vpc-1", "subnetId": "subnet-1",
            "launchTime": "2026-01-01T00:00:00+00:00",
            "securityGroups": [{"groupName": "web", "groupId": "sg-1"}],
            "iamInstanceProfile": {"arn": "arn:aws:iam::123456789012:instance-profile/web", "id": "AIPA"},
            "networkInterfaces": [{"association": {"publicIp": "198.51.100.7"}, "privateIpAddresses": [{"association": {"publicIp": "198.51.100.8"}}]}],
            "blockDeviceMappings": [{"deviceName": "/dev/xvda", "ebs": {"volumeId": "vol-1"}}],
            "metadataOptions": {"state": "applied", "httpTokens": "required", "httpPutResponseHopLimit": 2, "httpEndpoint": "enabled"},
            "tags": [{"key": "Name", "value": "web-1"}]});
        let a = instance(
            &cx,
            cli.as_object().expect("o"),
            &Loc::new("/R/0/Instances/0", true),
            Some("123456789012"),
            None,
        )
        .expect("cli");
        let b = instance(
            &cx,
            config.as_object().expect("o"),
            &Loc::new("/c", false),
            Some("123456789012"),
            None,
        )
        .expect("config");
        assert_eq!(a.attributes, b.attributes);
        assert_eq!(a.id, "arn:aws:ec2:eu-west-1:123456789012:instance/i-1");
        assert_eq!(a.id, b.id);
        assert_eq!(a.name, "web-1");
        assert_eq!(a.attributes["public_ip_address"], Value::Null);
        assert_eq!(
            a.attributes["public_ipv4_addresses"],
            json!(["198.51.100.7", "198.51.100.8"])
        );
        assert_eq!(a.attributes["has_public_ipv4"], json!(true));
        assert_eq!(a.attributes["http_tokens"], json!("required"));
        assert_eq!(a.attributes["security_group_ids"], json!(["sg-1"]));
    }

    #[test]
    fn no_metadata_options_means_unknown() {
        let cx = Cx::new("i.json", "");
        let old = json!({"InstanceId": "i-2"});
        let r = instance(
            &cx,
            old.as_object().expect("o"),
            &Loc::new("", true),
            None,
            None,
        )
        .expect("ok");
        assert!(!r.attributes.contains_key("http_tokens"));
        assert_eq!(r.attributes["iam_instance_profile_arn"], Value::Null);
        assert!(!r.attributes.contains_key("has_public_ipv4"));
    }
}
