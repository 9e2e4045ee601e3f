//! Transit gateways (`describe-transit-gateways`, `AWS::EC2::TransitGateway`): whether they
//! accept cross-account attachment requests without review.

use super::shape::{build, field, need, object, tags, text, Attrs, Loc, Place};
use crate::normalize::aws::Cx;
use crate::normalize::NormalizeError;
use crate::Resource;
use serde_json::{Map, Value};

pub const KIND: &str = "aws.ec2.transit_gateway";

pub fn gateway(
    cx: &Cx,
    m: &Map<String, Value>,
    at: &Loc,
    item_tags: Option<&Value>,
) -> Result<Resource, NormalizeError> {
    let id = need(m, "TransitGatewayId", at)?;
    // Config's CloudFormation-style items keep the options at the top level.
    let options = object(m, "Options").unwrap_or(m);
    let mut a = Attrs::default();
    a.set("transit_gateway_id", id)
        .copy("state", field(m, "State"))
        .copy("owner_id", field(m, "OwnerId"))
        .copy("description", field(m, "Description"))
        .copy(
            "auto_accept_shared_attachments",
            field(options, "AutoAcceptSharedAttachments"),
        )
        .copy(
            "default_route_table_association",
            field(options, "DefaultRouteTableAssociation"),
        )
        .copy(
            "default_route_table_propagation",
            field(options, "DefaultRouteTablePropagation"),
        )
        .set("tags", tags(m, item_tags));
    let place = Place {
        region: cx.region,
        owner: text(m, "OwnerId"),
    };
    Ok(build(
        cx,
        KIND,
        &format!("transit-gateway/{id}"),
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
    fn cli_config_and_cloudformation_shapes_agree() {
        let cx = Cx::new("t.json", "");
        let cli = json!({"TransitGatewayId": "tgw-1", "State": "available", "OwnerId": "123456789012",
            "Options": {"AmazonSideAsn": 64512, "AutoAcceptSharedAttachments": "enable",
            "DefaultRouteTableAssociation": "enable", "DefaultRouteTablePropagation": "enable"}});
        let config = json!({"transitGatewayId": "tgw-1", "state": "available", "ownerId": "123456789012",
            "options": {"amazonSideAsn": 64512, "autoAcceptSharedAttachments": "enable",
            "defaultRouteTableAssociation": "enable", "defaultRouteTablePropagation": "enable"}});
        let a = gateway(&cx, cli.as_object().expect("o"), &Loc::new("", true), None).expect("cli");
        let b = gateway(
            &cx,
            config.as_object().expect("o"),
            &Loc::new("", false),
            None,
        )
        .expect("cfg");
        assert_eq!(a.attributes, b.attributes);
        assert_eq!(
            a.attributes["auto_accept_shared_attachments"],
            json!("enable")
        );
        assert_eq!(a.id, "arn:aws:ec2::123456789012:transit-gateway/tgw-1");
        let cfn = json!({"TransitGatewayId": "tgw-1", "AutoAcceptSharedAttachments": "disable"});
        let c = gateway(&cx, cfn.as_object().expect("o"), &Loc::new("", false), None).expect("cfn");
        assert_eq!(
            c.attributes["auto_accept_shared_attachments"],
            json!("disable")
        );
    }
}
