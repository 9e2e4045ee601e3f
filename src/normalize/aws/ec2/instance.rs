//! Instances: `describe-instances` (`Reservations[].Instances[]`, the owner on the reservation)
//! and `AWS::EC2::Instance`.
//!
//! How long a stopped instance has been stopped is read from `StateTransitionReason`
//! (`User initiated (2026-10-01 12:00:00 GMT)`), the only place either shape records it, and
//! judged against the export's time: the bundle manifest's, or the Config item's capture time.

use super::shape::{
    build, field, need, object, objects, or_null, tags, text, timestamp, zone_region, Attrs, Loc,
    Place,
};
use crate::normalize::aws::reads::Reads;
use crate::normalize::aws::Cx;
use crate::normalize::NormalizeError;
use crate::time::{self, Epoch};
use crate::Resource;
use serde_json::{Map, Value};

/// The time an export was taken and how to name it in evidence
/// (`2026-11-28T09:03:00Z (bundle manifest)`).
pub type AsOf = Option<(Epoch, String)>;

pub const KIND: &str = "aws.ec2.instance";

/// What [`instance`] reads of an instance (see [`crate::normalize::aws::reads`]); the test
/// `a_bundle_reads_every_field_of_an_instance_it_needs` holds it to that.
pub const READS: Reads = Reads::Keys(&[
    ("InstanceId", Reads::All),
    ("AvailabilityZone", Reads::All),
    (
        "Placement",
        Reads::Keys(&[("AvailabilityZone", Reads::All)]),
    ),
    ("InstanceType", Reads::All),
    ("ImageId", Reads::All),
    ("State", Reads::Keys(&[("Name", Reads::All)])),
    ("LaunchTime", Reads::All),
    ("VpcId", Reads::All),
    ("SubnetId", Reads::All),
    ("SecurityGroups", Reads::Keys(&[("GroupId", Reads::All)])),
    ("IamInstanceProfile", Reads::Keys(&[("Arn", Reads::All)])),
    (
        "BlockDeviceMappings",
        Reads::Keys(&[("Ebs", Reads::Keys(&[("VolumeId", Reads::All)]))]),
    ),
    ("VirtualizationType", Reads::All),
    ("StateTransitionReason", Reads::All),
    ("Tags", Reads::All),
    (
        "NetworkInterfaces",
        Reads::Keys(&[
            ("NetworkInterfaceId", Reads::All),
            ("Association", PUBLIC_IP),
            (
                "PrivateIpAddresses",
                Reads::Keys(&[("Association", PUBLIC_IP)]),
            ),
        ]),
    ),
    ("PublicIpAddress", Reads::All),
    (
        "MetadataOptions",
        Reads::Keys(&[
            ("HttpTokens", Reads::All),
            ("HttpEndpoint", Reads::All),
            ("HttpPutResponseHopLimit", Reads::All),
            ("State", Reads::All),
            ("InstanceMetadataTags", Reads::All),
        ]),
    ),
]);

/// An interface's or private address's `Association`, for [`public_ipv4`].
const PUBLIC_IP: Reads = Reads::Keys(&[("PublicIp", Reads::All)]);

pub fn instance(
    cx: &Cx,
    m: &Map<String, Value>,
    at: &Loc,
    account: Option<&str>,
    item_tags: Option<&Value>,
    as_of: &AsOf,
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
            objects(m, "SecurityGroups")
                .filter_map(|g| text(g, "GroupId").map(Value::from))
                .collect::<Vec<_>>(),
        )
        .set(
            "iam_instance_profile_arn",
            or_null(object(m, "IamInstanceProfile").and_then(|p| field(p, "Arn"))),
        )
        .set(
            "volume_ids",
            objects(m, "BlockDeviceMappings")
                .filter_map(|b| object(b, "Ebs").and_then(|e| text(e, "VolumeId")))
                .map(Value::from)
                .collect::<Vec<_>>(),
        )
        .copy("virtualization_type", field(m, "VirtualizationType"))
        .copy("state_transition_reason", field(m, "StateTransitionReason"))
        .set("tags", tags(m, item_tags));
    stopped_age(m, as_of, &mut a);
    // Without the interface list the count is unknown, not zero.
    if field(m, "NetworkInterfaces").is_some_and(Value::is_array) {
        let enis: Vec<&Map<String, Value>> = objects(m, "NetworkInterfaces").collect();
        let ids: Vec<Value> = enis
            .iter()
            .filter_map(|ni| field(ni, "NetworkInterfaceId").cloned())
            .collect();
        a.set("network_interface_count", enis.len())
            .set("network_interface_ids", ids);
    }
    let public = public_ipv4(m);
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

/// `stopped_since` and `stopped_days` for a stopped instance whose transition reason carries
/// the time (`User initiated (2026-10-01 12:00:00 GMT)`); a stopped instance without one, or an
/// export without a time, leaves both unknown.
fn stopped_age(m: &Map<String, Value>, as_of: &AsOf, a: &mut Attrs) {
    let stopped = object(m, "State")
        .and_then(|s| text(s, "Name"))
        .is_some_and(|s| s == "stopped");
    let Some(since) = text(m, "StateTransitionReason")
        .filter(|_| stopped)
        .and_then(transition_time)
    else {
        return;
    };
    a.set("stopped_since", time::format(since));
    if let Some((now, label)) = as_of {
        a.set("stopped_days", time::days_between(since, *now))
            .set("ages_as_of", label.as_str());
    }
}

/// The time in parentheses of a state transition reason, which EC2 prints in GMT.
fn transition_time(reason: &str) -> Option<Epoch> {
    let inner = reason.rsplit_once('(')?.1.split_once(')')?.0;
    time::parse_str(inner.trim().trim_end_matches("GMT").trim_end())
}

/// Every public IPv4 address on the instance: the primary one and any on secondary interfaces
/// or secondary private addresses (Elastic IPs included), without repeats.
fn public_ipv4(m: &Map<String, Value>) -> Vec<Value> {
    let mut out: Vec<Value> = Vec::new();
    let mut add = |v: Option<&Value>| {
        if let Some(ip) = v.filter(|v| v.as_str().is_some_and(|s| !s.is_empty())) {
            if !out.contains(ip) {
                out.push(ip.clone());
            }
        }
    };
    add(field(m, "PublicIpAddress"));
    for ni in objects(m, "NetworkInterfaces") {
        add(object(ni, "Association").and_then(|a| field(a, "PublicIp")));
        for pa in objects(ni, "PrivateIpAddresses") {
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
            &None,
        )
        .expect("cli");
        let b = instance(
            &cx,
            config.as_object().expect("o"),
            &Loc::new("/c", false),
            Some("123456789012"),
            None,
            &None,
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
            &None,
        )
        .expect("ok");
        assert!(!r.attributes.contains_key("http_tokens"));
        assert_eq!(r.attributes["iam_instance_profile_arn"], Value::Null);
        assert!(!r.attributes.contains_key("has_public_ipv4"));
    }

    #[test]
    fn stopped_age_from_the_transition_reason() {
        let cx = Cx::new("i.json", "");
        let doc = json!({"InstanceId": "i-3", "State": {"Code": 80, "Name": "stopped"},
            "StateTransitionReason": "User initiated (2026-10-01 12:00:00 GMT)",
            "VirtualizationType": "paravirtual",
            "NetworkInterfaces": [{"NetworkInterfaceId": "eni-1"}, {"NetworkInterfaceId": "eni-2"}]});
        let as_of = Some((
            time::parse_str("2026-11-28T09:03:00Z").expect("time"),
            "2026-11-28T09:03:00Z (bundle manifest)".to_string(),
        ));
        let r = instance(
            &cx,
            doc.as_object().expect("o"),
            &Loc::new("", true),
            None,
            None,
            &as_of,
        )
        .expect("ok");
        assert_eq!(r.attributes["stopped_since"], json!("2026-10-01T12:00:00Z"));
        assert_eq!(r.attributes["stopped_days"], json!(57));
        assert_eq!(r.attributes["virtualization_type"], json!("paravirtual"));
        assert_eq!(r.attributes["network_interface_count"], json!(2));
        assert_eq!(
            r.attributes["network_interface_ids"],
            json!(["eni-1", "eni-2"])
        );
        let lone = instance(
            &cx,
            doc.as_object().expect("o"),
            &Loc::new("", true),
            None,
            None,
            &None,
        )
        .expect("ok");
        assert!(!lone.attributes.contains_key("stopped_days"));
        assert_eq!(
            transition_time("Server.InternalError (2026-01-02 03:04:05 GMT)"),
            time::parse_str("2026-01-02T03:04:05Z")
        );
        assert_eq!(transition_time(""), None);
    }
}
