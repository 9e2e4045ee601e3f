//! VPCs, subnets and flow logs (`describe-vpcs`, `describe-subnets`, `describe-flow-logs`, and
//! their Config types). Whether a VPC is logged is a cross-output fact, derived here.

use super::shape::{build, field, need, or_null, tags, text, zone_region, Attrs, Loc, Place};
use crate::attr_value::AttrValue;
use crate::normalize::aws::{region_id, Cx};
use crate::normalize::NormalizeError;
use crate::{Resource, Source};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

pub const VPC: &str = "aws.ec2.vpc";
pub const SUBNET: &str = "aws.ec2.subnet";
pub const FLOW_LOG: &str = "aws.ec2.flow_log";
/// Set on `aws.region` by `describe-flow-logs` in a bundle: every flow log of that account and
/// region is in the inventory, so a VPC without one is known to have none.
pub const LISTED: &str = "vpc_flow_logs_listed";

pub fn vpc(
    cx: &Cx,
    m: &Map<String, Value>,
    at: &Loc,
    item_tags: Option<&Value>,
) -> Result<Resource, NormalizeError> {
    let id = need(m, "VpcId", at)?;
    let mut a = Attrs::default();
    a.set("vpc_id", id)
        .copy("cidr_block", field(m, "CidrBlock"))
        .copy("is_default", field(m, "IsDefault"))
        .copy("state", field(m, "State"))
        .set("tags", tags(m, item_tags));
    let place = Place {
        region: cx.region,
        owner: text(m, "OwnerId"),
    };
    Ok(build(cx, VPC, &format!("vpc/{id}"), place, at, None, a))
}

pub fn subnet(
    cx: &Cx,
    m: &Map<String, Value>,
    at: &Loc,
    item_tags: Option<&Value>,
) -> Result<Resource, NormalizeError> {
    let id = need(m, "SubnetId", at)?;
    let region = zone_region(m).or(cx.region);
    let mut a = Attrs::default();
    a.set("subnet_id", id)
        .copy("vpc_id", field(m, "VpcId"))
        .copy("cidr_block", field(m, "CidrBlock"))
        .copy("availability_zone", field(m, "AvailabilityZone"))
        .copy("default_for_az", field(m, "DefaultForAz"))
        .copy("map_public_ip_on_launch", field(m, "MapPublicIpOnLaunch"))
        .set("tags", tags(m, item_tags));
    let place = Place {
        region,
        owner: text(m, "OwnerId"),
    };
    Ok(build(
        cx,
        SUBNET,
        &format!("subnet/{id}"),
        place,
        at,
        None,
        a,
    ))
}

pub fn flow_log(
    cx: &Cx,
    m: &Map<String, Value>,
    at: &Loc,
    item_tags: Option<&Value>,
) -> Result<Resource, NormalizeError> {
    let id = need(m, "FlowLogId", at)?;
    let status = text(m, "FlowLogStatus");
    let mut a = Attrs::default();
    a.set("flow_log_id", id)
        .copy("resource_id", field(m, "ResourceId"))
        .copy("flow_log_status", field(m, "FlowLogStatus"))
        .set(
            "deliver_logs_status",
            or_null(field(m, "DeliverLogsStatus")),
        )
        .copy("traffic_type", field(m, "TrafficType"))
        .copy("log_destination_type", field(m, "LogDestinationType"))
        .set("log_destination", or_null(field(m, "LogDestination")))
        .set("log_group_name", or_null(field(m, "LogGroupName")))
        .set("tags", tags(m, item_tags));
    if let Some(s) = status {
        a.set("active", s.eq_ignore_ascii_case("ACTIVE"));
    }
    let place = Place {
        region: cx.region,
        owner: None,
    };
    Ok(build(
        cx,
        FLOW_LOG,
        &format!("vpc-flow-log/{id}"),
        place,
        at,
        None,
        a,
    ))
}

/// The listing marker of [`LISTED`], or a note when the output cannot say which region it lists.
pub fn listing(cx: &Cx) -> Option<Resource> {
    let mut a = Map::new();
    a.insert(LISTED.into(), Value::Bool(true));
    cx.region_resource("ec2 describe-flow-logs", &cx.pointer, a)
}

/// Each VPC's `flow_log_ids` and `has_active_flow_log`. A VPC with an active flow log is
/// logged whatever else is known; one without is known unlogged only when its region's flow
/// logs were listed completely ([`LISTED`]); otherwise (an AWS Config export holds only the
/// flow logs it recorded) the facts stay unknown.
pub fn derive_flow_logs(resources: &mut [Resource]) {
    struct Log {
        account: Option<String>,
        region: Option<String>,
        vpc: String,
        id: String,
        active: bool,
        source: Source,
    }
    let listed: BTreeMap<String, Source> = resources
        .iter()
        .filter(|r| {
            r.kind == "aws.region"
                && r.attributes.get(LISTED).and_then(AttrValue::as_bool) == Some(true)
        })
        .map(|r| (r.id.clone(), r.source_of(LISTED).clone()))
        .collect();
    let logs: Vec<Log> = resources
        .iter()
        .filter(|r| r.kind == FLOW_LOG)
        .filter_map(|r| {
            Some(Log {
                account: r.account.clone(),
                region: r.region.clone(),
                vpc: r.attributes.get("resource_id")?.as_str()?.to_string(),
                id: r.id.clone(),
                active: r.attributes.get("active").and_then(AttrValue::as_bool) == Some(true),
                source: r.source.clone(),
            })
        })
        .collect();
    // A side the export leaves unknown (a lone output's region) does not rule a match out.
    let same = |a: &Option<String>, b: &Option<String>| match (a, b) {
        (Some(x), Some(y)) => x == y,
        _ => true,
    };
    for v in resources.iter_mut().filter(|r| r.kind == VPC) {
        let Some(vpc_id) = v.attributes.get("vpc_id").and_then(AttrValue::as_str) else {
            continue;
        };
        let mine: Vec<&Log> = logs
            .iter()
            .filter(|l| {
                l.vpc == vpc_id && same(&l.account, &v.account) && same(&l.region, &v.region)
            })
            .collect();
        let complete = match (&v.account, &v.region) {
            (Some(a), Some(r)) => listed.get(&region_id(a, r)),
            _ => None,
        };
        let evidence = match mine.iter().find(|l| l.active) {
            Some(l) => l.source.clone(),
            None => match complete {
                Some(src) => src.clone(),
                None => continue,
            },
        };
        let ids: Vec<Value> = mine.iter().map(|l| Value::String(l.id.clone())).collect();
        let active = mine.iter().any(|l| l.active);
        for (k, val) in [
            ("flow_log_ids", Value::Array(ids)),
            ("has_active_flow_log", Value::Bool(active)),
        ] {
            v.attributes.insert(k, val);
            if evidence != v.source {
                v.sources.insert(k, evidence.clone());
            }
        }
    }
}
