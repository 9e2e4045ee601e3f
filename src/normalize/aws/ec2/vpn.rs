//! Site-to-Site VPN connections (`describe-vpn-connections`, `AWS::EC2::VPNConnection`) and
//! Client VPN endpoints (`describe-client-vpn-endpoints`, `AWS::EC2::ClientVpnEndpoint`).
//!
//! A VPN connection's tunnel states come from `VgwTelemetry` (`tunnels_up`, `tunnel_count`);
//! its tunnel logging from `Options.TunnelOptions[].LogOptions.CloudWatchLogOptions.LogEnabled`
//! (`tunnels_logging`, `all_tunnels_logging`). Config items may lack either; those facts then
//! stay unknown. A Client VPN endpoint's `connection_logging_enabled` comes from
//! `ConnectionLogOptions.Enabled`.

use super::shape::{build, field, items, need, object, or_null, tags, text, Attrs, Loc, Place};
use crate::normalize::aws::Cx;
use crate::normalize::NormalizeError;
use crate::Resource;
use serde_json::{Map, Value};

pub const VPN: &str = "aws.ec2.vpn_connection";
pub const CLIENT_VPN: &str = "aws.ec2.client_vpn_endpoint";

pub fn connection(
    cx: &Cx,
    m: &Map<String, Value>,
    at: &Loc,
    item_tags: Option<&Value>,
) -> Result<Resource, NormalizeError> {
    let id = need(m, "VpnConnectionId", at)?;
    let mut a = Attrs::default();
    a.set("vpn_connection_id", id)
        .copy("state", field(m, "State"))
        .copy("type", field(m, "Type"))
        .set("vpn_gateway_id", or_null(field(m, "VpnGatewayId")))
        .set("transit_gateway_id", or_null(field(m, "TransitGatewayId")))
        .copy("customer_gateway_id", field(m, "CustomerGatewayId"))
        .set("tags", tags(m, item_tags));
    if field(m, "VgwTelemetry").is_some_and(Value::is_array) {
        let tunnels = items(m, "VgwTelemetry", at);
        let up = tunnels
            .iter()
            .filter(|(_, t)| text(t, "Status").is_some_and(|s| s.eq_ignore_ascii_case("UP")))
            .count();
        a.set("tunnel_count", tunnels.len()).set("tunnels_up", up);
    }
    let tunnel_options = object(m, "Options").map(|o| items(o, "TunnelOptions", &at.at("Options")));
    if let Some(opts) = tunnel_options.filter(|o| !o.is_empty()) {
        let logging: Vec<Value> = opts
            .iter()
            .map(|(_, t)| {
                Value::Bool(
                    object(t, "LogOptions")
                        .and_then(|l| object(l, "CloudWatchLogOptions"))
                        .and_then(|c| field(c, "LogEnabled"))
                        .and_then(Value::as_bool)
                        == Some(true),
                )
            })
            .collect();
        a.set(
            "all_tunnels_logging",
            logging.iter().all(|v| v == &Value::Bool(true)),
        )
        .set("tunnels_logging", logging);
    }
    let place = Place {
        region: cx.region,
        owner: None,
    };
    Ok(build(
        cx,
        VPN,
        &format!("vpn-connection/{id}"),
        place,
        at,
        None,
        a,
    ))
}

pub fn client_endpoint(
    cx: &Cx,
    m: &Map<String, Value>,
    at: &Loc,
    item_tags: Option<&Value>,
) -> Result<Resource, NormalizeError> {
    let id = need(m, "ClientVpnEndpointId", at)?;
    let log = object(m, "ConnectionLogOptions");
    let mut a = Attrs::default();
    a.set("client_vpn_endpoint_id", id)
        .copy("description", field(m, "Description"))
        .copy("status", object(m, "Status").and_then(|s| field(s, "Code")))
        .copy("vpc_id", field(m, "VpcId"))
        .set("tags", tags(m, item_tags));
    if let Some(log) = log {
        a.set(
            "connection_logging_enabled",
            field(log, "Enabled").and_then(Value::as_bool) == Some(true),
        )
        .set(
            "connection_log_group",
            or_null(field(log, "CloudwatchLogGroup")),
        );
    }
    let place = Place {
        region: cx.region,
        owner: None,
    };
    Ok(build(
        cx,
        CLIENT_VPN,
        &format!("client-vpn-endpoint/{id}"),
        place,
        at,
        None,
        a,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn tunnels_and_logging() {
        let cx = Cx::new("v.json", "");
        let cli = json!({"VpnConnectionId": "vpn-1", "State": "available", "Type": "ipsec.1",
            "CustomerGatewayId": "cgw-1", "VpnGatewayId": "vgw-1",
            "Options": {"TunnelOptions": [
                {"OutsideIpAddress": "203.0.113.1", "LogOptions": {"CloudWatchLogOptions": {"LogEnabled": true}}},
                {"OutsideIpAddress": "203.0.113.2", "LogOptions": {"CloudWatchLogOptions": {"LogEnabled": false}}}]},
            "VgwTelemetry": [{"OutsideIpAddress": "203.0.113.1", "Status": "UP"},
                             {"OutsideIpAddress": "203.0.113.2", "Status": "DOWN"}]});
        let config = json!({"vpnConnectionId": "vpn-1", "state": "available", "type": "ipsec.1",
            "customerGatewayId": "cgw-1", "vpnGatewayId": "vgw-1",
            "options": {"tunnelOptions": [
                {"outsideIpAddress": "203.0.113.1", "logOptions": {"cloudWatchLogOptions": {"logEnabled": true}}},
                {"outsideIpAddress": "203.0.113.2", "logOptions": {"cloudWatchLogOptions": {"logEnabled": false}}}]},
            "vgwTelemetry": [{"outsideIpAddress": "203.0.113.1", "status": "UP"},
                             {"outsideIpAddress": "203.0.113.2", "status": "DOWN"}]});
        let a =
            connection(&cx, cli.as_object().expect("o"), &Loc::new("", true), None).expect("cli");
        let b = connection(
            &cx,
            config.as_object().expect("o"),
            &Loc::new("", false),
            None,
        )
        .expect("cfg");
        assert_eq!(a.attributes, b.attributes);
        assert_eq!(a.attributes["tunnels_up"], json!(1));
        assert_eq!(a.attributes["tunnel_count"], json!(2));
        assert_eq!(a.attributes["all_tunnels_logging"], json!(false));
        let bare = json!({"VpnConnectionId": "vpn-2"});
        let c =
            connection(&cx, bare.as_object().expect("o"), &Loc::new("", true), None).expect("bare");
        assert!(!c.attributes.contains_key("tunnels_up"));
        assert!(!c.attributes.contains_key("all_tunnels_logging"));
    }

    #[test]
    fn client_vpn_logging() {
        let cx = Cx::new("c.json", "");
        let cli = json!({"ClientVpnEndpointId": "cvpn-endpoint-1", "Status": {"Code": "available"},
            "ConnectionLogOptions": {"Enabled": false}});
        let r = client_endpoint(&cx, cli.as_object().expect("o"), &Loc::new("", true), None)
            .expect("ok");
        assert_eq!(r.attributes["connection_logging_enabled"], json!(false));
        assert_eq!(r.attributes["connection_log_group"], Value::Null);
        assert_eq!(r.attributes["status"], json!("available"));
    }
}
