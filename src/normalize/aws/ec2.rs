//! EC2 and VPC: instances, security groups, network ACLs, volumes, snapshots, VPCs, subnets,
//! flow logs, EBS default encryption. The CLI outputs and the AWS Config items of each type go
//! through one normaliser per kind ([`shape::field`] reads both spellings), so they yield the
//! same kinds and attributes.
//!
//! Vocabulary (absent = the export does not say; `null` = known not to be set):
//! - `aws.ec2.instance`: `instance_id`, `instance_type`, `image_id`, `state`, `launch_time`,
//!   `vpc_id`, `subnet_id`, `security_group_ids`, `iam_instance_profile_arn`, `volume_ids`,
//!   `public_ip_address`, `public_ipv4_addresses` (every interface), `has_public_ipv4`,
//!   `http_tokens` (`required` = IMDSv2 only), `http_endpoint`, `http_put_response_hop_limit`,
//!   `metadata_options_state`, `instance_metadata_tags`, `tags`.
//! - `aws.ec2.security_group`: `group_id`, `group_name`, `description`, `vpc_id`, `is_default`,
//!   `ingress` / `egress` (one object per permission: `ip_protocol` (`tcp`, `udp`, `icmp`,
//!   `-1` …), `from_port`, `to_port`, `cidrs`, `ipv6_cidrs`, `prefix_list_ids`,
//!   `referenced_groups`, `source`), `ip_permissions` / `ip_permissions_egress` (as AWS printed
//!   them, snake_case), `tags`.
//! - `aws.ec2.network_acl`: `network_acl_id`, `vpc_id`, `is_default`, `associated_subnet_ids`,
//!   `entries` (`rule_number`, `egress`, `rule_action`, `ip_protocol`, `from_port`, `to_port`,
//!   `cidrs`, `source`), `public_ingress` (TCP/UDP ranges admitted from `0.0.0.0/0` or `::/0`
//!   after first-match evaluation, see [`network_acl`]), `tags`.
//! - `aws.ec2.volume`: `volume_id`, `encrypted`, `kms_key_id`, `state`, `size`, `volume_type`,
//!   `availability_zone`, `snapshot_id`, `attached`, `attachments`, `tags`.
//! - `aws.ec2.snapshot` (id `arn:aws:ec2:REGION::snapshot/ID`): `snapshot_id`, `owner_id`,
//!   `volume_id`, `encrypted`, `kms_key_id`, `state`, `volume_size`, `start_time`,
//!   `description`, `tags`; from `describe-snapshot-attribute`: `create_volume_permissions`,
//!   `public`, `shared_with_accounts`; derived: `shared_with_external_accounts` (not the owner).
//! - `aws.ec2.vpc`: `vpc_id`, `cidr_block`, `is_default`, `state`, `tags`; derived:
//!   `flow_log_ids`, `has_active_flow_log`.
//! - `aws.ec2.subnet`: `subnet_id`, `vpc_id`, `cidr_block`, `availability_zone`,
//!   `default_for_az`, `map_public_ip_on_launch`, `tags`.
//! - `aws.ec2.flow_log`: `flow_log_id`, `resource_id`, `flow_log_status`, `active`,
//!   `deliver_logs_status`, `traffic_type`, `log_destination_type`, `log_destination`,
//!   `log_group_name`, `tags`.
//! - `aws.region`: `ebs_encryption_by_default`, `vpc_flow_logs_listed`,
//!   `vpc_endpoints_listed`, `backup_protected_resources_listed`, and VPC Block Public Access
//!   (see [`block_public_access`]).
//! - Instances also carry `virtualization_type`, `state_transition_reason`,
//!   `network_interface_count` / `network_interface_ids` (only when the interface list is in the
//!   export), and for stopped instances `stopped_since`, `stopped_days`, `ages_as_of`.
//! - `aws.ec2.elastic_ip` ([`address`]), `aws.ec2.vpc_endpoint` and the VPCs'
//!   `endpoint_services` ([`endpoint`]), `aws.ec2.transit_gateway` ([`transit_gateway`]),
//!   `aws.ec2.launch_template` ([`launch_template`]), `aws.ec2.vpn_connection` and
//!   `aws.ec2.client_vpn_endpoint` ([`vpn`]), and the volumes' `backup_protected` from AWS
//!   Backup ([`backup`]).

mod address;
mod backup;
mod block_public_access;
mod ebs;
mod endpoint;
mod instance;
mod launch_template;
mod network_acl;
mod security_group;
mod shape;
mod transit_gateway;
mod vpc;
mod vpn;

use super::config::{ConfigType, Item};
use super::reads::Reads;
use super::{list, Command, Cx, Reply};
use crate::normalize::NormalizeError;
use crate::Resource;
use serde_json::{Map, Value};
use shape::Loc;
use std::borrow::Cow;

type Out = Result<Vec<Resource>, NormalizeError>;

const fn cmd(
    operation: &'static str,
    signature: &'static [&'static str],
    kinds: &'static [&'static str],
    normalize: super::NormalizeFn,
) -> Command {
    Command {
        id: operation_id(operation),
        service: "ec2",
        operation,
        signature,
        kinds,
        absent_codes: &[],
        normalize,
    }
}

/// `aws-ec2-<operation>`, spelled out because `const fn` cannot build strings.
const fn operation_id(operation: &'static str) -> &'static str {
    match operation.as_bytes() {
        b"describe-instances" => "aws-ec2-describe-instances",
        b"describe-security-groups" => "aws-ec2-describe-security-groups",
        b"describe-network-acls" => "aws-ec2-describe-network-acls",
        b"describe-volumes" => "aws-ec2-describe-volumes",
        b"describe-snapshots" => "aws-ec2-describe-snapshots",
        b"describe-snapshot-attribute" => "aws-ec2-describe-snapshot-attribute",
        b"describe-vpcs" => "aws-ec2-describe-vpcs",
        b"describe-subnets" => "aws-ec2-describe-subnets",
        b"describe-flow-logs" => "aws-ec2-describe-flow-logs",
        b"get-ebs-encryption-by-default" => "aws-ec2-get-ebs-encryption-by-default",
        b"describe-addresses" => "aws-ec2-describe-addresses",
        b"describe-vpc-endpoints" => "aws-ec2-describe-vpc-endpoints",
        b"describe-transit-gateways" => "aws-ec2-describe-transit-gateways",
        b"describe-launch-templates" => "aws-ec2-describe-launch-templates",
        b"describe-launch-template-versions" => "aws-ec2-describe-launch-template-versions",
        b"describe-vpn-connections" => "aws-ec2-describe-vpn-connections",
        b"describe-client-vpn-endpoints" => "aws-ec2-describe-client-vpn-endpoints",
        b"describe-vpc-block-public-access-options" => {
            "aws-ec2-describe-vpc-block-public-access-options"
        }
        _ => "aws-ec2",
    }
}

pub const COMMANDS: &[Command] = &[
    cmd(
        "describe-instances",
        &["Reservations"],
        &[instance::KIND],
        describe_instances,
    ),
    cmd(
        "describe-security-groups",
        &["SecurityGroups"],
        &[security_group::KIND],
        describe_security_groups,
    ),
    cmd(
        "describe-network-acls",
        &["NetworkAcls"],
        &[network_acl::KIND],
        describe_network_acls,
    ),
    cmd(
        "describe-volumes",
        &["Volumes"],
        &[ebs::VOLUME],
        describe_volumes,
    ),
    cmd(
        "describe-snapshots",
        &["Snapshots"],
        &[ebs::SNAPSHOT],
        describe_snapshots,
    ),
    cmd(
        "describe-snapshot-attribute",
        &["SnapshotId", "CreateVolumePermissions"],
        &[],
        describe_snapshot_attribute,
    ),
    cmd("describe-vpcs", &["Vpcs"], &[vpc::VPC], describe_vpcs),
    cmd(
        "describe-subnets",
        &["Subnets"],
        &[vpc::SUBNET],
        describe_subnets,
    ),
    cmd(
        "describe-flow-logs",
        &["FlowLogs"],
        &[vpc::FLOW_LOG],
        describe_flow_logs,
    ),
    cmd(
        "get-ebs-encryption-by-default",
        &["EbsEncryptionByDefault"],
        &[],
        get_ebs_encryption_by_default,
    ),
    cmd(
        "describe-addresses",
        &["Addresses"],
        &[address::KIND],
        describe_addresses,
    ),
    cmd(
        "describe-vpc-endpoints",
        &["VpcEndpoints"],
        &[endpoint::KIND],
        describe_vpc_endpoints,
    ),
    cmd(
        "describe-transit-gateways",
        &["TransitGateways"],
        &[transit_gateway::KIND],
        describe_transit_gateways,
    ),
    cmd(
        "describe-launch-templates",
        &["LaunchTemplates"],
        &[launch_template::KIND],
        describe_launch_templates,
    ),
    cmd(
        "describe-launch-template-versions",
        &["LaunchTemplateVersions"],
        &[launch_template::KIND],
        describe_launch_template_versions,
    ),
    cmd(
        "describe-vpn-connections",
        &["VpnConnections"],
        &[vpn::VPN],
        describe_vpn_connections,
    ),
    cmd(
        "describe-client-vpn-endpoints",
        &["ClientVpnEndpoints"],
        &[vpn::CLIENT_VPN],
        describe_client_vpn_endpoints,
    ),
    cmd(
        "describe-vpc-block-public-access-options",
        &["VpcBlockPublicAccessOptions"],
        // `aws.region` is listed by the AWS-services table, whose commands coverage hints name.
        &[],
        describe_vpc_block_public_access_options,
    ),
    // Read here because it decides the EBS backup control; `Results` is too common a key to
    // recognise a lone output by, and only a bundle's listing can show a volume unprotected.
    Command {
        id: "aws-backup-list-protected-resources",
        service: "backup",
        operation: "list-protected-resources",
        signature: &[],
        kinds: &[backup::KIND],
        absent_codes: &[],
        normalize: backup::protected_resources,
    },
];

/// AWS Config resource types read into the same kinds as the CLI outputs.
pub const CONFIG: &[ConfigType] = &[
    ConfigType {
        resource_type: "AWS::EC2::Instance",
        normalize: config_instance,
    },
    ConfigType {
        resource_type: "AWS::EC2::SecurityGroup",
        normalize: config_security_group,
    },
    ConfigType {
        resource_type: "AWS::EC2::NetworkAcl",
        normalize: config_network_acl,
    },
    ConfigType {
        resource_type: "AWS::EC2::Volume",
        normalize: config_volume,
    },
    ConfigType {
        resource_type: "AWS::EC2::VPC",
        normalize: config_vpc,
    },
    ConfigType {
        resource_type: "AWS::EC2::Subnet",
        normalize: config_subnet,
    },
    ConfigType {
        resource_type: "AWS::EC2::FlowLog",
        normalize: config_flow_log,
    },
    ConfigType {
        resource_type: "AWS::EC2::EIP",
        normalize: config_address,
    },
    ConfigType {
        resource_type: "AWS::EC2::VPCEndpoint",
        normalize: config_vpc_endpoint,
    },
    ConfigType {
        resource_type: "AWS::EC2::TransitGateway",
        normalize: config_transit_gateway,
    },
    ConfigType {
        resource_type: "AWS::EC2::LaunchTemplate",
        normalize: config_launch_template,
    },
    ConfigType {
        resource_type: "AWS::EC2::VPNConnection",
        normalize: config_vpn_connection,
    },
    ConfigType {
        resource_type: "AWS::EC2::ClientVpnEndpoint",
        normalize: config_client_vpn_endpoint,
    },
];

/// Facts that need several outputs together, run once all files are merged.
#[allow(clippy::ptr_arg)] // the signature every service's derive shares in aws::derive
pub fn derive(resources: &mut Vec<Resource>) {
    vpc::derive_flow_logs(resources);
    ebs::derive_external_sharing(resources);
    endpoint::derive_endpoint_services(resources);
    backup::derive_volume_protection(resources);
}

/// The entries of a describe output's list, each normalised by `each`.
fn each_entry(
    cx: &Cx,
    reply: Reply,
    key: &str,
    each: impl Fn(&Map<String, Value>, &Loc) -> Result<Resource, NormalizeError>,
) -> Out {
    let Reply::Output(doc) = reply else {
        return Ok(Vec::new());
    };
    list(doc, key, cx)?
        .into_iter()
        .map(|(ptr, m)| each(m, &Loc::new(ptr, true)))
        .collect()
}

/// What [`describe_instances`] reads of its output. A static, so that it has one address to
/// compare by.
pub static DESCRIBE_INSTANCES_READS: Reads = Reads::Keys(&[(
    "Reservations",
    Reads::Keys(&[("OwnerId", Reads::All), ("Instances", instance::READS)]),
)]);

fn describe_instances(cx: &Cx, reply: Reply) -> Out {
    let Reply::Output(doc) = reply else {
        return Ok(Vec::new());
    };
    let as_of = cx
        .as_of
        .map(|t| (t, format!("{} (bundle manifest)", crate::time::format(t))));
    let mut out = Vec::new();
    for (ptr, reservation) in list(doc, "Reservations", cx)? {
        let at = Loc::new(ptr, true);
        let owner = cx.account.or(shape::text(reservation, "OwnerId"));
        for (loc, m) in shape::items(reservation, "Instances", &at) {
            out.push(instance::instance(cx, m, &loc, owner, None, &as_of)?);
        }
    }
    Ok(out)
}

fn describe_security_groups(cx: &Cx, reply: Reply) -> Out {
    each_entry(cx, reply, "SecurityGroups", |m, at| {
        security_group::group(cx, m, at, cx.region, None)
    })
}

fn describe_network_acls(cx: &Cx, reply: Reply) -> Out {
    each_entry(cx, reply, "NetworkAcls", |m, at| {
        network_acl::acl(cx, m, at, cx.region, None)
    })
}

fn describe_volumes(cx: &Cx, reply: Reply) -> Out {
    each_entry(cx, reply, "Volumes", |m, at| ebs::volume(cx, m, at, None))
}

fn describe_snapshots(cx: &Cx, reply: Reply) -> Out {
    each_entry(cx, reply, "Snapshots", |m, at| ebs::snapshot(cx, m, at))
}

fn describe_snapshot_attribute(cx: &Cx, reply: Reply) -> Out {
    match reply {
        Reply::Output(doc) => ebs::create_volume_permissions(cx, doc),
        Reply::Absent(_) => Ok(Vec::new()),
    }
}

fn describe_vpcs(cx: &Cx, reply: Reply) -> Out {
    each_entry(cx, reply, "Vpcs", |m, at| vpc::vpc(cx, m, at, None))
}

fn describe_subnets(cx: &Cx, reply: Reply) -> Out {
    each_entry(cx, reply, "Subnets", |m, at| vpc::subnet(cx, m, at, None))
}

fn describe_flow_logs(cx: &Cx, reply: Reply) -> Out {
    let mut out = each_entry(cx, reply, "FlowLogs", |m, at| {
        vpc::flow_log(cx, m, at, None)
    })?;
    if matches!(reply, Reply::Output(_)) {
        out.extend(vpc::listing(cx));
    }
    Ok(out)
}

fn get_ebs_encryption_by_default(cx: &Cx, reply: Reply) -> Out {
    match reply {
        Reply::Output(doc) => Ok(ebs::default_encryption(cx, doc)),
        Reply::Absent(_) => Ok(Vec::new()),
    }
}

fn describe_addresses(cx: &Cx, reply: Reply) -> Out {
    each_entry(cx, reply, "Addresses", |m, at| {
        address::address(cx, m, at, None)
    })
}

fn describe_vpc_endpoints(cx: &Cx, reply: Reply) -> Out {
    let mut out = each_entry(cx, reply, "VpcEndpoints", |m, at| {
        endpoint::endpoint(cx, m, at, None)
    })?;
    if matches!(reply, Reply::Output(_)) {
        out.extend(endpoint::listing(cx));
    }
    Ok(out)
}

fn describe_transit_gateways(cx: &Cx, reply: Reply) -> Out {
    each_entry(cx, reply, "TransitGateways", |m, at| {
        transit_gateway::gateway(cx, m, at, None)
    })
}

fn describe_launch_templates(cx: &Cx, reply: Reply) -> Out {
    each_entry(cx, reply, "LaunchTemplates", |m, at| {
        launch_template::template(cx, m, at, None)
    })
}

fn describe_launch_template_versions(cx: &Cx, reply: Reply) -> Out {
    let Reply::Output(doc) = reply else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for (ptr, m) in list(doc, "LaunchTemplateVersions", cx)? {
        out.extend(launch_template::version(cx, m, &Loc::new(ptr, true))?);
    }
    Ok(out)
}

fn describe_vpn_connections(cx: &Cx, reply: Reply) -> Out {
    each_entry(cx, reply, "VpnConnections", |m, at| {
        vpn::connection(cx, m, at, None)
    })
}

fn describe_client_vpn_endpoints(cx: &Cx, reply: Reply) -> Out {
    each_entry(cx, reply, "ClientVpnEndpoints", |m, at| {
        vpn::client_endpoint(cx, m, at, None)
    })
}

fn describe_vpc_block_public_access_options(cx: &Cx, reply: Reply) -> Out {
    match reply {
        Reply::Output(doc) => block_public_access::options(cx, doc),
        Reply::Absent(_) => Ok(Vec::new()),
    }
}

// ---- AWS Config ----

/// The item's configuration object and where it sits; `None`, with a note, for items that carry
/// none (Config records some resources without their configuration).
fn configuration<'i>(cx: &Cx, it: &'i Item) -> Option<(&'i Map<String, Value>, Loc)> {
    let Some(m) = it.configuration.as_object() else {
        cx.note(format!(
            "a Config item of {} has no configuration object, so nothing is known about it",
            it.resource_type
        ));
        return None;
    };
    let loc = match it.configuration {
        Cow::Borrowed(_) => Loc::new(crate::pointer::join(&it.pointer, "configuration"), true),
        Cow::Owned(_) => Loc::new(it.pointer.clone(), false),
    };
    Some((m, loc))
}

fn config_with(
    cx: &Cx,
    it: &Item,
    f: impl Fn(&Map<String, Value>, &Loc) -> Result<Resource, NormalizeError>,
) -> Out {
    match configuration(cx, it) {
        Some((m, loc)) => Ok(vec![f(m, &loc)?]),
        None => Ok(Vec::new()),
    }
}

/// The item's capture time, against which Config-only ages are judged.
fn capture_time(it: &Item) -> instance::AsOf {
    let text = it.capture_time?;
    let t = crate::time::parse_str(text)?;
    Some((t, format!("{text} (Config item capture time)")))
}

fn config_instance(cx: &Cx, it: &Item) -> Out {
    config_with(cx, it, |m, at| {
        instance::instance(cx, m, at, it.account, it.tags, &capture_time(it))
    })
}

fn config_security_group(cx: &Cx, it: &Item) -> Out {
    config_with(cx, it, |m, at| {
        security_group::group(cx, m, at, it.region, it.tags)
    })
}

fn config_network_acl(cx: &Cx, it: &Item) -> Out {
    config_with(cx, it, |m, at| {
        network_acl::acl(cx, m, at, it.region, it.tags)
    })
}

fn config_volume(cx: &Cx, it: &Item) -> Out {
    config_with(cx, it, |m, at| ebs::volume(cx, m, at, it.tags))
}

fn config_vpc(cx: &Cx, it: &Item) -> Out {
    config_with(cx, it, |m, at| vpc::vpc(cx, m, at, it.tags))
}

fn config_subnet(cx: &Cx, it: &Item) -> Out {
    config_with(cx, it, |m, at| vpc::subnet(cx, m, at, it.tags))
}

fn config_flow_log(cx: &Cx, it: &Item) -> Out {
    config_with(cx, it, |m, at| vpc::flow_log(cx, m, at, it.tags))
}

fn config_address(cx: &Cx, it: &Item) -> Out {
    config_with(cx, it, |m, at| address::address(cx, m, at, it.tags))
}

fn config_vpc_endpoint(cx: &Cx, it: &Item) -> Out {
    config_with(cx, it, |m, at| endpoint::endpoint(cx, m, at, it.tags))
}

fn config_transit_gateway(cx: &Cx, it: &Item) -> Out {
    config_with(cx, it, |m, at| transit_gateway::gateway(cx, m, at, it.tags))
}

fn config_launch_template(cx: &Cx, it: &Item) -> Out {
    config_with(cx, it, |m, at| {
        launch_template::template(cx, m, at, it.tags)
    })
}

fn config_vpn_connection(cx: &Cx, it: &Item) -> Out {
    config_with(cx, it, |m, at| vpn::connection(cx, m, at, it.tags))
}

fn config_client_vpn_endpoint(cx: &Cx, it: &Item) -> Out {
    config_with(cx, it, |m, at| vpn::client_endpoint(cx, m, at, it.tags))
}
