//! Security groups: `describe-security-groups` and `AWS::EC2::SecurityGroup`. Each permission is
//! flattened into one rule object (`ingress[]`, `egress[]`) that the network leaf operators read
//! directly; the permissions as AWS printed them stay beside it.

use super::shape::{build, field, items, need, record, strings, tags, text, Attrs, Loc, Place};
use crate::normalize::aws::{snake_keys, Cx};
use crate::normalize::NormalizeError;
use crate::Resource;
use serde_json::{Map, Value};

pub const KIND: &str = "aws.ec2.security_group";

/// One security group, from a describe entry or a Config configuration.
pub fn group(
    cx: &Cx,
    m: &Map<String, Value>,
    at: &Loc,
    region: Option<&str>,
    item_tags: Option<&Value>,
) -> Result<Resource, NormalizeError> {
    let id = need(m, "GroupId", at)?;
    let owner = text(m, "OwnerId");
    let name = text(m, "GroupName").unwrap_or(id);
    let mut a = Attrs::default();
    a.set("group_id", id)
        .set("group_name", name)
        .copy("description", field(m, "Description"))
        .copy("vpc_id", field(m, "VpcId"))
        // AWS names every VPC's default group "default" and forbids that name for others.
        .set("is_default", name == "default")
        .set("tags", tags(m, item_tags));
    for (key, raw, out) in [
        ("IpPermissions", "ip_permissions", "ingress"),
        ("IpPermissionsEgress", "ip_permissions_egress", "egress"),
    ] {
        if let Some(v) = field(m, key) {
            a.set(raw, snake_keys(v));
            let rules: Vec<Value> = items(m, key, at)
                .into_iter()
                .map(|(loc, p)| permission(cx, p, &loc))
                .collect();
            a.set(out, rules);
        }
    }
    Ok(build(
        cx,
        KIND,
        &format!("security-group/{id}"),
        Place { region, owner },
        at,
        Some(name),
        a,
    ))
}

/// `{ip_protocol, from_port, to_port, cidrs, ipv6_cidrs, prefix_list_ids, referenced_groups,
/// source}` from one IpPermission. Config spells IPv4 ranges three ways over its versions:
/// `ipRanges` as plain strings, `ipRanges` as `{cidrIp}`, and `ipv4Ranges` as `{cidrIp}`.
pub fn permission(cx: &Cx, p: &Map<String, Value>, at: &Loc) -> Value {
    let mut cidrs = strings(p, "IpRanges", "CidrIp");
    for c in strings(p, "Ipv4Ranges", "CidrIp") {
        if !cidrs.contains(&c) {
            cidrs.push(c);
        }
    }
    let mut rule = record([
        ("ip_protocol", protocol(field(p, "IpProtocol"))),
        (
            "from_port",
            field(p, "FromPort").cloned().unwrap_or(Value::Null),
        ),
        (
            "to_port",
            field(p, "ToPort").cloned().unwrap_or(Value::Null),
        ),
        ("cidrs", Value::from(cidrs)),
        (
            "ipv6_cidrs",
            Value::from(strings(p, "Ipv6Ranges", "CidrIpv6")),
        ),
        (
            "prefix_list_ids",
            Value::from(strings(p, "PrefixListIds", "PrefixListId")),
        ),
        (
            "referenced_groups",
            Value::from(strings(p, "UserIdGroupPairs", "GroupId")),
        ),
        ("source", at.source(cx)),
    ]);
    // A permission without a protocol cannot be judged: absent, not "no protocol".
    if let Some(obj) = rule.as_object_mut().filter(|o| o["ip_protocol"].is_null()) {
        obj.remove("ip_protocol");
    }
    rule
}

/// One spelling per protocol: names for the ones with ports (`6` → `tcp`, `17` → `udp`), `-1`
/// for all; security groups print names, network ACLs print numbers.
pub fn protocol(v: Option<&Value>) -> Value {
    let raw = match v {
        Some(Value::String(s)) => s.trim().to_ascii_lowercase(),
        Some(Value::Number(n)) => n.to_string(),
        _ => return Value::Null,
    };
    Value::String(
        match raw.as_str() {
            "6" => "tcp",
            "17" => "udp",
            "1" => "icmp",
            "58" => "icmpv6",
            "all" => "-1",
            other => other,
        }
        .to_string(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn one(doc: Value, deep: bool) -> Resource {
        let cx = Cx::new("sg.json", "");
        let m = doc.as_object().expect("object").clone();
        group(
            &cx,
            &m,
            &Loc::new("/SecurityGroups/0", deep),
            Some("us-east-1"),
            None,
        )
        .expect("normalises")
    }

    #[test]
    fn cli_and_config_shapes_give_the_same_rules() {
        let cli = one(
            json!({"GroupId": "sg-1", "GroupName": "web", "OwnerId": "123456789012", "VpcId": "vpc-1",
                "IpPermissions": [{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
                    "IpRanges": [{"CidrIp": "0.0.0.0/0", "Description": "ssh"}], "Ipv6Ranges": [{"CidrIpv6": "::/0"}],
                    "PrefixListIds": [{"PrefixListId": "pl-1"}], "UserIdGroupPairs": [{"GroupId": "sg-2", "UserId": "123456789012"}]}],
                "IpPermissionsEgress": []}),
            true,
        );
        let config = one(
            json!({"groupId": "sg-1", "groupName": "web", "ownerId": "123456789012", "vpcId": "vpc-1",
                "ipPermissions": [{"ipProtocol": "tcp", "fromPort": 22, "toPort": 22,
                    "ipRanges": ["0.0.0.0/0"], "ipv4Ranges": [{"cidrIp": "0.0.0.0/0"}], "ipv6Ranges": [{"cidrIpv6": "::/0"}],
                    "prefixListIds": [{"prefixListId": "pl-1"}], "userIdGroupPairs": [{"groupId": "sg-2", "userId": "123456789012"}]}],
                "ipPermissionsEgress": []}),
            false,
        );
        assert_eq!(
            cli.id,
            "arn:aws:ec2:us-east-1:123456789012:security-group/sg-1"
        );
        assert_eq!(cli.id, config.id);
        assert_eq!(cli.account.as_deref(), Some("123456789012"));
        let strip = |r: &Resource| {
            let mut v = r.attributes["ingress"][0].to_json();
            v.as_object_mut().map(|o| o.remove("source"));
            v
        };
        assert_eq!(strip(&cli), strip(&config));
        assert_eq!(
            strip(&cli),
            json!({"ip_protocol": "tcp", "from_port": 22, "to_port": 22, "cidrs": ["0.0.0.0/0"],
                "ipv6_cidrs": ["::/0"], "prefix_list_ids": ["pl-1"], "referenced_groups": ["sg-2"]})
        );
        assert_eq!(
            cli.attributes["ingress"][0]["source"]["pointer"],
            json!("/SecurityGroups/0/IpPermissions/0")
        );
        assert_eq!(
            config.attributes["ingress"][0]["source"]["pointer"],
            json!("/SecurityGroups/0")
        );
        assert_eq!(cli.attributes["egress"], json!([]));
        assert_eq!(cli.attributes["is_default"], json!(false));
    }

    #[test]
    fn protocols_are_spelled_once() {
        assert_eq!(protocol(Some(&json!("6"))), json!("tcp"));
        assert_eq!(protocol(Some(&json!(17))), json!("udp"));
        assert_eq!(protocol(Some(&json!("-1"))), json!("-1"));
        assert_eq!(protocol(Some(&json!("TCP"))), json!("tcp"));
        assert_eq!(protocol(None), Value::Null);
    }

    #[test]
    fn missing_group_id_is_located() {
        let cx = Cx::new("sg.json", "");
        let m = json!({"GroupName": "x"})
            .as_object()
            .cloned()
            .unwrap_or_default();
        let e =
            group(&cx, &m, &Loc::new("/SecurityGroups/4", true), None, None).expect_err("no id");
        assert_eq!(e.pointer, "/SecurityGroups/4");
    }
}
