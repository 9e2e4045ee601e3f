//! Network ACLs: `describe-network-acls` and `AWS::EC2::NetworkAcl`. Unlike security groups,
//! ACLs are ordered and can deny: the lowest-numbered entry that matches a packet decides. So
//! besides the entries themselves, each ACL gets `public_ingress`: the TCP and UDP port ranges
//! it actually admits from `0.0.0.0/0` or `::/0` once earlier public deny entries are taken out.

use super::security_group::protocol;
use super::shape::{build, field, items, need, object, or_null, tags, text, Attrs, Loc, Place};
use crate::evaluate::cidr_is_public;
use crate::normalize::aws::Cx;
use crate::normalize::NormalizeError;
use crate::Resource;
use serde_json::{json, Map, Value};

pub const KIND: &str = "aws.ec2.network_acl";

pub fn acl(
    cx: &Cx,
    m: &Map<String, Value>,
    at: &Loc,
    region: Option<&str>,
    item_tags: Option<&Value>,
) -> Result<Resource, NormalizeError> {
    let id = need(m, "NetworkAclId", at)?;
    let mut entries: Vec<Entry> = items(m, "Entries", at)
        .into_iter()
        .map(|(loc, e)| Entry::read(cx, e, &loc))
        .collect();
    entries.sort_by_key(|e| (e.egress, e.number));
    let mut a = Attrs::default();
    a.set("network_acl_id", id)
        .copy("vpc_id", field(m, "VpcId"))
        .copy("is_default", field(m, "IsDefault"))
        .set(
            "associated_subnet_ids",
            items(m, "Associations", at)
                .into_iter()
                .filter_map(|(_, x)| text(x, "SubnetId").map(Value::from))
                .collect::<Vec<_>>(),
        )
        .set("tags", tags(m, item_tags));
    if field(m, "Entries").is_some() {
        a.set(
            "entries",
            entries.iter().map(Entry::to_json).collect::<Vec<_>>(),
        )
        .set("public_ingress", public_ingress(&entries));
    }
    Ok(build(
        cx,
        KIND,
        &format!("network-acl/{id}"),
        Place {
            region,
            owner: text(m, "OwnerId"),
        },
        at,
        None,
        a,
    ))
}

struct Entry {
    number: i64,
    egress: bool,
    allow: bool,
    protocol: Value,
    from: Option<i64>,
    to: Option<i64>,
    cidrs: Vec<Value>,
    source: Value,
}

impl Entry {
    fn read(cx: &Cx, e: &Map<String, Value>, at: &Loc) -> Entry {
        let range = object(e, "PortRange");
        let port = |k: &str| range.and_then(|r| field(r, k)).and_then(Value::as_i64);
        let mut cidrs = Vec::new();
        for k in ["CidrBlock", "Ipv6CidrBlock"] {
            if let Some(Value::String(c)) = field(e, k) {
                cidrs.push(Value::String(c.clone()));
            }
        }
        Entry {
            // The default entry prints as 32767 (IPv6: 32768); "*" only in the console.
            number: field(e, "RuleNumber")
                .and_then(Value::as_i64)
                .unwrap_or(i64::MAX),
            egress: field(e, "Egress").and_then(Value::as_bool).unwrap_or(false),
            allow: text(e, "RuleAction").is_some_and(|a| a.eq_ignore_ascii_case("allow")),
            protocol: protocol(field(e, "Protocol")),
            from: port("From"),
            to: port("To"),
            cidrs,
            source: at.source(cx),
        }
    }

    fn to_json(&self) -> Value {
        json!({
            "rule_number": self.number,
            "egress": self.egress,
            "rule_action": if self.allow { "allow" } else { "deny" },
            "ip_protocol": self.protocol,
            "from_port": or_null(self.from.map(Value::from).as_ref()),
            "to_port": or_null(self.to.map(Value::from).as_ref()),
            "cidrs": self.cidrs,
            "source": self.source,
        })
    }
}

/// First-match evaluation of the ingress entries for a source anywhere on the internet, per
/// address family: an allow counts for the ports no earlier public entry (allow or deny) has
/// already decided. A deny for part of the internet (`10.0.0.0/8`) does not stop the rest of it,
/// so only `/0` entries take ports out; several partial denies that together cover everything
/// are not recognised and leave the allow reported.
fn public_ingress(entries: &[Entry]) -> Vec<Value> {
    let mut out = Vec::new();
    for family_v6 in [false, true] {
        // Decided ranges for tcp and udp.
        let mut decided: [Vec<(i64, i64)>; 2] = [Vec::new(), Vec::new()];
        for e in entries.iter().filter(|e| !e.egress) {
            let Some(cidr) = e
                .cidrs
                .iter()
                .filter_map(Value::as_str)
                .find(|c| c.contains(':') == family_v6 && cidr_is_public(c))
            else {
                continue;
            };
            let (protocols, range): (&[usize], (i64, i64)) = match e.protocol.as_str() {
                Some("-1") => (&[0, 1], (0, 65_535)),
                Some(p @ ("tcp" | "udp")) => (
                    if p == "tcp" { &[0] } else { &[1] },
                    match (e.from, e.to) {
                        (Some(f), Some(t)) => (f, t),
                        _ => (0, 65_535),
                    },
                ),
                // ICMP and other protocols carry no ports.
                _ => continue,
            };
            for &p in protocols {
                if e.allow {
                    for (from, to) in subtract(range, &decided[p]) {
                        out.push(json!({
                            "ip_protocol": PROTOCOLS[p],
                            "from_port": from,
                            "to_port": to,
                            "cidrs": [cidr],
                            "rule_number": e.number,
                            "source": e.source,
                        }));
                    }
                }
                decided[p].push(range);
            }
        }
    }
    out
}

const PROTOCOLS: [&str; 2] = ["tcp", "udp"];

/// The parts of `range` no interval in `taken` covers.
fn subtract(range: (i64, i64), taken: &[(i64, i64)]) -> Vec<(i64, i64)> {
    let mut taken = taken.to_vec();
    taken.sort_unstable();
    let mut out = Vec::new();
    let mut next = range.0;
    for (f, t) in taken {
        if t < next || f > range.1 {
            continue;
        }
        if f > next {
            out.push((next, f - 1));
        }
        next = next.max(t + 1);
        if next > range.1 {
            return out;
        }
    }
    if next <= range.1 {
        out.push((next, range.1));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn acl_of(entries: Value, deep: bool) -> Resource {
        let cx = Cx::new("nacl.json", "");
        let doc = json!({"NetworkAclId": "acl-1", "VpcId": "vpc-1", "IsDefault": false, "OwnerId": "123456789012",
            "Associations": [{"NetworkAclAssociationId": "aclassoc-1", "NetworkAclId": "acl-1", "SubnetId": "subnet-1"}],
            "Entries": entries});
        let m = doc.as_object().cloned().unwrap_or_default();
        acl(&cx, &m, &Loc::new("/NetworkAcls/0", deep), None, None).expect("normalises")
    }

    fn ports(r: &Resource) -> Vec<(String, i64, i64, i64)> {
        r.attributes["public_ingress"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|v| {
                (
                    v["ip_protocol"].as_str().unwrap_or("").to_string(),
                    v["from_port"].as_i64().unwrap_or(-9),
                    v["to_port"].as_i64().unwrap_or(-9),
                    v["rule_number"].as_i64().unwrap_or(-9),
                )
            })
            .collect()
    }

    #[test]
    fn an_earlier_deny_shadows_part_of_a_later_allow() {
        let r = acl_of(
            json!([
                {"RuleNumber": 200, "Protocol": "-1", "RuleAction": "allow", "Egress": false, "CidrBlock": "0.0.0.0/0"},
                {"RuleNumber": 100, "Protocol": "6", "RuleAction": "deny", "Egress": false, "CidrBlock": "0.0.0.0/0", "PortRange": {"From": 22, "To": 22}},
                {"RuleNumber": 90, "Protocol": "6", "RuleAction": "deny", "Egress": false, "CidrBlock": "10.0.0.0/8", "PortRange": {"From": 3389, "To": 3389}},
                {"RuleNumber": 32767, "Protocol": "-1", "RuleAction": "deny", "Egress": false, "CidrBlock": "0.0.0.0/0"},
                {"RuleNumber": 100, "Protocol": "-1", "RuleAction": "allow", "Egress": true, "CidrBlock": "0.0.0.0/0"}
            ]),
            true,
        );
        assert_eq!(
            ports(&r),
            vec![
                ("tcp".into(), 0, 21, 200),
                ("tcp".into(), 23, 65_535, 200),
                ("udp".into(), 0, 65_535, 200)
            ]
        );
        assert_eq!(r.attributes["entries"][0]["rule_number"], json!(90));
        assert_eq!(r.attributes["entries"][0]["ip_protocol"], json!("tcp"));
        assert_eq!(r.attributes["associated_subnet_ids"], json!(["subnet-1"]));
        assert_eq!(r.id, "arn:aws:ec2::123456789012:network-acl/acl-1");
    }

    #[test]
    fn families_are_judged_apart_and_icmp_ignored() {
        let r = acl_of(
            json!([
                {"RuleNumber": 100, "Protocol": "-1", "RuleAction": "deny", "Egress": false, "CidrBlock": "0.0.0.0/0"},
                {"RuleNumber": 101, "Protocol": "6", "RuleAction": "allow", "Egress": false, "Ipv6CidrBlock": "::/0", "PortRange": {"From": 3389, "To": 3389}},
                {"RuleNumber": 102, "Protocol": "1", "RuleAction": "allow", "Egress": false, "Ipv6CidrBlock": "::/0", "IcmpTypeCode": {"Code": -1, "Type": -1}}
            ]),
            true,
        );
        assert_eq!(ports(&r), vec![("tcp".into(), 3389, 3389, 101)]);
        assert_eq!(r.attributes["public_ingress"][0]["cidrs"], json!(["::/0"]));
    }

    #[test]
    fn config_spelling() {
        let cx = Cx::new("c.json", "");
        let doc = json!({"networkAclId": "acl-2", "vpcId": "vpc-1", "isDefault": true,
            "entries": [{"ruleNumber": 100, "protocol": "6", "ruleAction": "allow", "egress": false, "cidrBlock": "0.0.0.0/0", "portRange": {"from": 20, "to": 25}}],
            "associations": []});
        let m = doc.as_object().cloned().unwrap_or_default();
        let r = acl(&cx, &m, &Loc::new("/c", false), Some("us-east-1"), None).expect("normalises");
        assert_eq!(ports(&r), vec![("tcp".into(), 20, 25, 100)]);
        assert_eq!(r.attributes["is_default"], json!(true));
        assert_eq!(r.attributes["entries"][0]["source"]["pointer"], json!("/c"));
    }

    #[test]
    fn subtraction() {
        assert_eq!(subtract((0, 10), &[(3, 4), (0, 1)]), vec![(2, 2), (5, 10)]);
        assert_eq!(subtract((0, 10), &[(0, 65_535)]), vec![]);
        assert_eq!(subtract((5, 5), &[(0, 4), (6, 9)]), vec![(5, 5)]);
    }
}
