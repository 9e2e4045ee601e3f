//! CIS AWS 4.1–4.15 (FSBP CloudWatch.1–14): for each monitored event class, whether the account
//! has the whole chain — a multi-region trail that logs every management event and delivers to
//! a CloudWatch Logs group, a metric filter on that group whose pattern covers the benchmark's,
//! an alarm on the filter's metric with actions enabled, and an SNS topic among its actions with
//! at least one confirmed subscription.
//!
//! The result is an `aws.account` attribute per control (`alarm_unauthorized_api_calls`, …):
//! `{"ok": true, "trail", "log_group", "metric_filter", "filter_pattern", "alarm", "topic",
//! "confirmed_subscriptions"}` naming what was found, `{"ok": false, "reason"}` naming the
//! first missing link of every candidate trail, or `{"reason"}` (no `ok`) when the export
//! cannot decide, saying which output is missing.

use super::pattern::{self, Requirement};
use super::{ALARM, METRIC_FILTER, TOPIC};
use crate::attr_value::AttrValue;
use crate::normalize::aws::cloudtrail::{
    account_of, flag, meets, set_account_fact, ALL_REGIONS_MANAGEMENT, TRAIL,
};
use crate::normalize::aws::region_id;
use crate::{Resource, Source};
use serde_json::{json, Map, Value};

/// One monitored event class (CIS 4.1–4.15, in order): the attribute it sets, and the benchmark's pattern
/// with the narrowing terms the benchmark's own variants add.
pub struct Control {
    pub attr: &'static str,
    pub label: &'static str,
    pub pattern: &'static str,
    pub narrowing: &'static str,
}

pub const CONTROLS: &[Control] = &[
    Control {
        attr: "alarm_unauthorized_api_calls",
        label: "unauthorized API calls",
        pattern: r#"{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }"#,
        narrowing: r#"{ $.sourceIPAddress != "delivery.logs.amazonaws.com" && $.eventName != "HeadBucket" }"#,
    },
    Control {
        attr: "alarm_console_signin_without_mfa",
        label: "console sign-in without MFA",
        pattern: r#"{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") }"#,
        narrowing: r#"{ $.userIdentity.type = "IAMUser" && $.responseElements.ConsoleLogin = "Success" }"#,
    },
    Control {
        attr: "alarm_root_usage",
        label: "use of the root user",
        pattern: r#"{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }"#,
        narrowing: "",
    },
    Control {
        attr: "alarm_iam_policy_changes",
        label: "IAM policy changes",
        pattern: "{ ($.eventName=DeleteGroupPolicy) || ($.eventName=DeleteRolePolicy) || ($.eventName=DeleteUserPolicy) || ($.eventName=PutGroupPolicy) || ($.eventName=PutRolePolicy) || ($.eventName=PutUserPolicy) || ($.eventName=CreatePolicy) || ($.eventName=DeletePolicy) || ($.eventName=CreatePolicyVersion) || ($.eventName=DeletePolicyVersion) || ($.eventName=AttachRolePolicy) || ($.eventName=DetachRolePolicy) || ($.eventName=AttachUserPolicy) || ($.eventName=DetachUserPolicy) || ($.eventName=AttachGroupPolicy) || ($.eventName=DetachGroupPolicy) }",
        narrowing: "{ $.eventSource = iam.amazonaws.com }",
    },
    Control {
        attr: "alarm_cloudtrail_changes",
        label: "CloudTrail configuration changes",
        pattern: "{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging) }",
        narrowing: "{ $.eventSource = cloudtrail.amazonaws.com }",
    },
    Control {
        attr: "alarm_console_auth_failures",
        label: "failed console authentication",
        pattern: r#"{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }"#,
        narrowing: "",
    },
    Control {
        attr: "alarm_cmk_disable_or_deletion",
        label: "disabling or scheduled deletion of customer-managed KMS keys",
        pattern: "{ ($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion) }",
        narrowing: "{ $.eventSource = kms.amazonaws.com }",
    },
    Control {
        attr: "alarm_s3_bucket_policy_changes",
        label: "S3 bucket policy changes",
        pattern: "{ ($.eventName = PutBucketAcl) || ($.eventName = PutBucketPolicy) || ($.eventName = PutBucketCors) || ($.eventName = PutBucketLifecycle) || ($.eventName = PutBucketReplication) || ($.eventName = DeleteBucketPolicy) || ($.eventName = DeleteBucketCors) || ($.eventName = DeleteBucketLifecycle) || ($.eventName = DeleteBucketReplication) }",
        narrowing: "{ $.eventSource = s3.amazonaws.com }",
    },
    Control {
        attr: "alarm_config_changes",
        label: "AWS Config configuration changes",
        pattern: "{ ($.eventName = StopConfigurationRecorder) || ($.eventName = DeleteDeliveryChannel) || ($.eventName = PutDeliveryChannel) || ($.eventName = PutConfigurationRecorder) }",
        narrowing: "{ $.eventSource = config.amazonaws.com }",
    },
    Control {
        attr: "alarm_security_group_changes",
        label: "security group changes",
        pattern: "{ ($.eventName = AuthorizeSecurityGroupIngress) || ($.eventName = AuthorizeSecurityGroupEgress) || ($.eventName = RevokeSecurityGroupIngress) || ($.eventName = RevokeSecurityGroupEgress) || ($.eventName = CreateSecurityGroup) || ($.eventName = DeleteSecurityGroup) }",
        narrowing: "{ $.eventSource = ec2.amazonaws.com }",
    },
    Control {
        attr: "alarm_nacl_changes",
        label: "network ACL changes",
        pattern: "{ ($.eventName = CreateNetworkAcl) || ($.eventName = CreateNetworkAclEntry) || ($.eventName = DeleteNetworkAcl) || ($.eventName = DeleteNetworkAclEntry) || ($.eventName = ReplaceNetworkAclEntry) || ($.eventName = ReplaceNetworkAclAssociation) }",
        narrowing: "{ $.eventSource = ec2.amazonaws.com }",
    },
    Control {
        attr: "alarm_network_gateway_changes",
        label: "network gateway changes",
        pattern: "{ ($.eventName = CreateCustomerGateway) || ($.eventName = DeleteCustomerGateway) || ($.eventName = AttachInternetGateway) || ($.eventName = CreateInternetGateway) || ($.eventName = DeleteInternetGateway) || ($.eventName = DetachInternetGateway) }",
        narrowing: "{ $.eventSource = ec2.amazonaws.com }",
    },
    Control {
        attr: "alarm_route_table_changes",
        label: "route table changes",
        pattern: "{ ($.eventName = CreateRoute) || ($.eventName = CreateRouteTable) || ($.eventName = ReplaceRoute) || ($.eventName = ReplaceRouteTableAssociation) || ($.eventName = DeleteRouteTable) || ($.eventName = DeleteRoute) || ($.eventName = DisassociateRouteTable) }",
        narrowing: "{ $.eventSource = ec2.amazonaws.com }",
    },
    Control {
        attr: "alarm_vpc_changes",
        label: "VPC changes",
        pattern: "{ ($.eventName = CreateVpc) || ($.eventName = DeleteVpc) || ($.eventName = ModifyVpcAttribute) || ($.eventName = AcceptVpcPeeringConnection) || ($.eventName = CreateVpcPeeringConnection) || ($.eventName = DeleteVpcPeeringConnection) || ($.eventName = RejectVpcPeeringConnection) || ($.eventName = AttachClassicLinkVpc) || ($.eventName = DetachClassicLinkVpc) || ($.eventName = DisableVpcClassicLink) || ($.eventName = EnableVpcClassicLink) }",
        narrowing: "{ $.eventSource = ec2.amazonaws.com }",
    },
    Control {
        attr: "alarm_organizations_changes",
        label: "AWS Organizations changes",
        pattern: "{ ($.eventName = AcceptHandshake) || ($.eventName = AttachPolicy) || ($.eventName = CreateAccount) || ($.eventName = CreateOrganizationalUnit) || ($.eventName = CreatePolicy) || ($.eventName = DeclineHandshake) || ($.eventName = DeleteOrganization) || ($.eventName = DeleteOrganizationalUnit) || ($.eventName = DeletePolicy) || ($.eventName = DetachPolicy) || ($.eventName = DisablePolicyType) || ($.eventName = EnablePolicyType) || ($.eventName = InviteAccountToOrganization) || ($.eventName = LeaveOrganization) || ($.eventName = MoveAccount) || ($.eventName = RemoveAccountFromOrganization) || ($.eventName = UpdatePolicy) || ($.eventName = UpdateOrganizationalUnit) }",
        narrowing: "{ $.eventSource = organizations.amazonaws.com }",
    },
];

fn s<'r>(r: &'r Resource, key: &str) -> Option<&'r str> {
    r.attributes.get(key).and_then(AttrValue::as_str)
}

/// Same account and region, where both sides say (a lone output knows neither).
fn near(r: &Resource, account: Option<&str>, region: Option<&str>) -> bool {
    let same = |a: Option<&str>, b: Option<&str>| a.is_none() || b.is_none() || a == b;
    same(r.account.as_deref(), account) && same(r.region.as_deref(), region)
}

/// Whether a list command was collected for this account and region: its marker is there, or
/// it yielded at least one resource there.
fn listed(
    resources: &[Resource],
    kind: &str,
    marker: &str,
    account: Option<&str>,
    region: Option<&str>,
) -> bool {
    let region_key = account.zip(region).map(|(a, r)| region_id(a, r));
    resources.iter().any(|r| {
        (r.kind == "aws.region"
            && Some(&r.id) == region_key.as_ref()
            && flag(r, marker) == Some(true))
            || (r.kind == kind && near(r, account, region))
    })
}

/// Gives every topic a confirmed-subscription count where its subscriptions are known.
pub fn count_subscriptions(resources: &mut [Resource]) {
    let markers: Vec<(String, Source)> = resources
        .iter()
        .filter(|r| r.kind == "aws.region" && flag(r, "sns_subscriptions_listed") == Some(true))
        .map(|r| {
            (
                r.id.clone(),
                r.source_of("sns_subscriptions_listed").clone(),
            )
        })
        .collect();
    for r in resources.iter_mut().filter(|r| r.kind == TOPIC) {
        if r.attributes.contains_key("confirmed_subscriptions") {
            continue;
        }
        let count = match r
            .attributes
            .get("subscriptions")
            .and_then(AttrValue::as_array)
        {
            Some(subs) => subs
                .iter()
                .filter(|s| s.get("confirmed").and_then(AttrValue::as_bool) == Some(true))
                .count(),
            None => {
                let key = r
                    .account
                    .as_deref()
                    .zip(r.region.as_deref())
                    .map(|(a, g)| region_id(a, g));
                let Some((_, src)) = markers.iter().find(|(id, _)| Some(id) == key.as_ref()) else {
                    continue;
                };
                r.attributes
                    .insert("subscriptions", Value::Array(Vec::new()));
                r.sources.insert("subscriptions", src.clone());
                r.sources.insert("confirmed_subscriptions", src.clone());
                0
            }
        };
        r.attributes.insert("confirmed_subscriptions", json!(count));
    }
}

/// One way through the chain, or why it stops.
enum Link {
    Pass(Map<String, Value>, Source),
    Fail(String),
    Unknown(String),
}

/// The chain below one log group: filters → alarms → topics.
fn below_group(
    resources: &[Resource],
    req: &Requirement,
    label: &str,
    group: &str,
    account: Option<&str>,
    region: Option<&str>,
) -> Vec<Link> {
    let filters: Vec<&Resource> = resources
        .iter()
        .filter(|r| {
            r.kind == METRIC_FILTER
                && s(r, "log_group_name") == Some(group)
                && near(r, account, region)
        })
        .collect();
    let mut out = Vec::new();
    let mut near_miss: Option<(usize, String)> = None;
    for f in &filters {
        let pat = s(f, "filter_pattern").unwrap_or("");
        let gaps = match pattern::parse(pat) {
            Ok(dnf) => req.uncovered(&dnf),
            Err(_) => req.required.iter().collect(),
        };
        if !gaps.is_empty() {
            let shown: Vec<String> = gaps
                .iter()
                .take(3)
                .map(|g| {
                    g.iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join(" && ")
                })
                .collect();
            let more = if gaps.len() > 3 {
                format!(" and {} more", gaps.len() - 3)
            } else {
                String::new()
            };
            let text = format!(
                "the closest filter, {}, does not cover {}{more}",
                f.name,
                shown.join(" || ")
            );
            // Only a filter that covers part of the requirement is worth naming.
            let partial = gaps.len() < req.required.len();
            if partial && near_miss.as_ref().is_none_or(|(n, _)| gaps.len() < *n) {
                near_miss = Some((gaps.len(), text));
            }
            continue;
        }
        out.extend(below_filter(resources, f, account, region));
    }
    if out.is_empty() {
        let here = format!("log group {group}");
        if filters.is_empty()
            && !listed(
                resources,
                METRIC_FILTER,
                "logs_metric_filters_listed",
                account,
                region,
            )
        {
            out.push(Link::Unknown(format!(
                "the metric filters of {here} were not collected (logs describe-metric-filters)"
            )));
        } else {
            let extra = near_miss
                .map(|(_, t)| format!(" ({t})"))
                .unwrap_or_default();
            out.push(Link::Fail(format!(
                "{here} has no metric filter matching the pattern for {}{extra}",
                label
            )));
        }
    }
    out
}

fn below_filter(
    resources: &[Resource],
    f: &Resource,
    account: Option<&str>,
    region: Option<&str>,
) -> Vec<Link> {
    let metrics: Vec<(String, String)> = f
        .attributes
        .get("metric_transformations")
        .and_then(AttrValue::as_array)
        .into_iter()
        .flatten()
        .filter_map(|m| {
            Some((
                m.get("metric_namespace")?.as_str()?.to_string(),
                m.get("metric_name")?.as_str()?.to_string(),
            ))
        })
        .collect();
    let reads = |a: &Resource, ns: &str, name: &str| {
        (s(a, "namespace") == Some(ns) && s(a, "metric_name") == Some(name))
            || a.attributes
                .get("metrics")
                .and_then(AttrValue::as_array)
                .is_some_and(|ms| {
                    ms.iter().any(|m| {
                        m.get("namespace").and_then(AttrValue::as_str) == Some(ns)
                            && m.get("metric_name").and_then(AttrValue::as_str) == Some(name)
                    })
                })
    };
    let mut out = Vec::new();
    for (ns, name) in &metrics {
        let alarms: Vec<&Resource> = resources
            .iter()
            .filter(|a| a.kind == ALARM && near(a, account, region) && reads(a, ns, name))
            .collect();
        for a in &alarms {
            out.extend(below_alarm(resources, f, a, ns, name));
        }
        if alarms.is_empty() {
            let what = format!("metric {ns}/{name} of filter {}", f.name);
            out.push(
                if listed(
                    resources,
                    ALARM,
                    "cloudwatch_alarms_listed",
                    account,
                    region,
                ) {
                    Link::Fail(format!("no alarm watches {what}"))
                } else {
                    Link::Unknown(format!(
                        "the alarms on {what} were not collected (cloudwatch describe-alarms)"
                    ))
                },
            );
        }
    }
    if metrics.is_empty() {
        out.push(Link::Fail(format!(
            "metric filter {} publishes no metric",
            f.name
        )));
    }
    out
}

fn below_alarm(
    resources: &[Resource],
    f: &Resource,
    a: &Resource,
    ns: &str,
    name: &str,
) -> Vec<Link> {
    if flag(a, "actions_enabled") == Some(false) {
        return vec![Link::Fail(format!(
            "alarm {} has its actions disabled",
            a.name
        ))];
    }
    let topics: Vec<&str> = a
        .attributes
        .get("alarm_actions")
        .and_then(AttrValue::as_array)
        .into_iter()
        .flatten()
        .filter_map(AttrValue::as_str)
        .filter(|arn| arn.split(':').nth(2) == Some("sns"))
        .collect();
    if topics.is_empty() {
        return vec![if a.attributes.contains_key("alarm_actions") {
            Link::Fail(format!("alarm {} notifies no SNS topic", a.name))
        } else {
            Link::Unknown(format!(
                "the actions of alarm {} are not in the export",
                a.name
            ))
        }];
    }
    topics
        .into_iter()
        .map(|arn| {
            let topic = resources.iter().find(|t| t.kind == TOPIC && t.id == arn);
            let count = topic.and_then(|t| t.attributes.get("confirmed_subscriptions"));
            match count.and_then(AttrValue::as_u64) {
                Some(n) if n > 0 => {
                    let mut found = Map::new();
                    for (k, v) in [
                        ("log_group", json!(s(f, "log_group_name"))),
                        ("metric_filter", json!(f.name)),
                        ("filter_pattern", json!(s(f, "filter_pattern"))),
                        ("metric", json!(format!("{ns}/{name}"))),
                        ("alarm", json!(a.name)),
                        ("topic", json!(arn)),
                        ("confirmed_subscriptions", json!(n)),
                    ] {
                        found.insert(k.into(), v);
                    }
                    Link::Pass(found, f.source.clone())
                }
                Some(_) => Link::Fail(format!(
                    "topic {arn} of alarm {} has no confirmed subscription",
                    a.name
                )),
                None => Link::Unknown(format!(
                    "the subscriptions of topic {arn} (alarm {}) were not collected (sns list-subscriptions)",
                    a.name
                )),
            }
        })
        .collect()
}

/// The control's verdict over every trail of the account.
fn evaluate(
    resources: &[Resource],
    trails: &[&Resource],
    label: &str,
    req: &Requirement,
) -> (Value, Option<Source>) {
    let mut failed = Vec::new();
    let mut unknown = Vec::new();
    for t in trails {
        let (trail_ok, why) = meets(t, ALL_REGIONS_MANAGEMENT);
        if trail_ok == Some(false) {
            failed.push(format!("trail {} {}", t.name, why.join(", ")));
            continue;
        }
        let links = match t.attributes.get("cloud_watch_logs_log_group_arn") {
            None => vec![Link::Unknown(
                "its CloudWatch Logs delivery is not in the export".into(),
            )],
            Some(AttrValue::String(arn)) => match super::super::cloudtrail::log_group_name(arn) {
                Some(group) => {
                    let parts: Vec<&str> = arn.split(':').collect();
                    let region = parts.get(3).copied().filter(|r| !r.is_empty());
                    let account = parts.get(4).copied().filter(|a| !a.is_empty());
                    below_group(resources, req, label, group, account, region)
                }
                None => vec![Link::Fail(format!(
                    "its log group ARN {arn} names no group"
                ))],
            },
            Some(_) => vec![Link::Fail("does not deliver to CloudWatch Logs".into())],
        };
        let (mut passed, mut t_failed, mut t_unknown) = (false, Vec::new(), Vec::new());
        for link in links {
            match link {
                Link::Pass(found, src) => {
                    if trail_ok == Some(true) {
                        let mut v = Map::new();
                        v.insert("ok".into(), Value::Bool(true));
                        v.insert("trail".into(), json!(t.id));
                        v.extend(found);
                        return (Value::Object(v), Some(src));
                    }
                    passed = true;
                }
                Link::Fail(why) => t_failed.push(format!("trail {}: {why}", t.name)),
                Link::Unknown(why) => t_unknown.push(format!("trail {}: {why}", t.name)),
            }
        }
        // A broken chain fails the trail whatever is unknown about the trail itself; a chain
        // that holds, or may hold, leaves it undecided.
        if passed || !t_unknown.is_empty() {
            unknown.extend(why.iter().map(|w| format!("trail {}: {w}", t.name)));
            unknown.extend(t_unknown);
            unknown.extend(t_failed);
        } else {
            failed.extend(t_failed);
        }
    }
    let source = trails.first().map(|t| t.source.clone());
    let dedup = |v: Vec<String>| {
        let mut out: Vec<String> = Vec::new();
        for x in v {
            if !out.contains(&x) {
                out.push(x);
            }
        }
        out.join("; ")
    };
    if !unknown.is_empty() {
        let mut all = unknown;
        all.extend(failed);
        return (
            json!({"reason": format!("cannot tell: {}", dedup(all))}),
            source,
        );
    }
    let reason = if failed.is_empty() {
        "describe-trails lists no trail for this account".to_string()
    } else {
        dedup(failed)
    };
    (json!({"ok": false, "reason": reason}), source)
}

pub fn derive(resources: &mut Vec<Resource>) {
    let requirements: Vec<(&Control, Requirement)> = CONTROLS
        .iter()
        .filter_map(|c| {
            Requirement::new(c.pattern, c.narrowing)
                .ok()
                .map(|r| (c, r))
        })
        .collect();
    let accounts: Vec<((String, String), Source)> = resources
        .iter()
        .filter(|r| r.kind == "aws.account" && r.attributes.contains_key("cloudtrail_all_regions"))
        .filter_map(|r| {
            Some((
                account_of(r)?,
                r.source_of("cloudtrail_all_regions").clone(),
            ))
        })
        .collect();
    for (key, account_source) in accounts {
        let mut facts = Vec::new();
        {
            let trails: Vec<&Resource> = resources
                .iter()
                .filter(|r| r.kind == TRAIL && account_of(r).as_ref() == Some(&key))
                .collect();
            for (control, req) in &requirements {
                let (value, source) = evaluate(resources, &trails, control.label, req);
                facts.push((
                    control.attr,
                    value,
                    source.unwrap_or_else(|| account_source.clone()),
                ));
            }
        }
        for (attr, value, source) in facts {
            set_account_fact(resources, &key, attr, value, source);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_control_pattern_parses_and_covers_itself() {
        assert_eq!(CONTROLS.len(), 15);
        for c in CONTROLS {
            let req = Requirement::new(c.pattern, c.narrowing)
                .unwrap_or_else(|e| panic!("{}: {e}", c.attr));
            let own = pattern::parse(c.pattern).expect("parses");
            assert!(req.uncovered(&own).is_empty(), "{}", c.attr);
        }
    }

    #[test]
    fn route_table_pattern_as_the_benchmark_prints_it() {
        // CIS prints 4.13 with an eventSource term before the first OR and no parentheses
        // around the alternatives; read either way, it covers the requirement.
        let c = CONTROLS
            .iter()
            .find(|c| c.attr == "alarm_route_table_changes")
            .expect("4.13");
        let req = Requirement::new(c.pattern, c.narrowing).expect("parses");
        let cis = pattern::parse("{($.eventSource = ec2.amazonaws.com) && ($.eventName = CreateRoute) || ($.eventName = CreateRouteTable) || ($.eventName = ReplaceRoute) || ($.eventName = ReplaceRouteTableAssociation) || ($.eventName = DeleteRouteTable) || ($.eventName = DeleteRoute) || ($.eventName = DisassociateRouteTable) }").expect("parses");
        assert!(req.uncovered(&cis).is_empty());
    }
}
