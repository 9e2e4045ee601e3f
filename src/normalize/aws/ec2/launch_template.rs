//! Launch templates (`describe-launch-templates`, `describe-launch-template-versions`,
//! `AWS::EC2::LaunchTemplate`). What a launch does is decided by the template's DEFAULT version,
//! so only that version's data is read: `default_version_number`, and from its
//! `LaunchTemplateData` `network_interfaces_assign_public_ip` (any interface with
//! `AssociatePublicIpAddress: true`), `http_tokens` and `http_endpoint` (null when the version
//! sets no metadata options, so a launch takes the AMI's or the account's default). A version
//! listing without the default version says nothing about these.

use super::shape::{build, field, items, object, or_null, tags, text, Attrs, Loc, Place};
use crate::normalize::aws::Cx;
use crate::normalize::NormalizeError;
use crate::Resource;
use serde_json::{Map, Value};

pub const KIND: &str = "aws.ec2.launch_template";

fn id_of<'v>(m: &'v Map<String, Value>, at: &Loc) -> Result<&'v str, NormalizeError> {
    text(m, "LaunchTemplateId").ok_or_else(|| NormalizeError {
        pointer: at.ptr.clone(),
        message: "entry has no LaunchTemplateId string".into(),
    })
}

/// A `describe-launch-templates` entry (and the summary part of a Config item).
pub fn template(
    cx: &Cx,
    m: &Map<String, Value>,
    at: &Loc,
    item_tags: Option<&Value>,
) -> Result<Resource, NormalizeError> {
    let id = id_of(m, at)?;
    let mut a = Attrs::default();
    a.set("launch_template_id", id)
        .copy("launch_template_name", field(m, "LaunchTemplateName"))
        .copy("default_version_number", field(m, "DefaultVersionNumber"))
        .copy("latest_version_number", field(m, "LatestVersionNumber"))
        .set("tags", tags(m, item_tags));
    if let Some(data) = object(m, "LaunchTemplateData") {
        version_data(data, &at.at("LaunchTemplateData"), &mut a);
    }
    Ok(finish(cx, m, id, at, a))
}

/// A `describe-launch-template-versions` entry; `None` unless it is the default version.
pub fn version(
    cx: &Cx,
    m: &Map<String, Value>,
    at: &Loc,
) -> Result<Option<Resource>, NormalizeError> {
    if field(m, "DefaultVersion").and_then(Value::as_bool) != Some(true) {
        return Ok(None);
    }
    let id = id_of(m, at)?;
    let mut a = Attrs::default();
    a.set("launch_template_id", id)
        .copy("launch_template_name", field(m, "LaunchTemplateName"))
        .copy("default_version_number", field(m, "VersionNumber"));
    let data = object(m, "LaunchTemplateData");
    version_data(
        data.unwrap_or(&Map::new()),
        &at.at("LaunchTemplateData"),
        &mut a,
    );
    Ok(Some(finish(cx, m, id, at, a)))
}

fn finish(cx: &Cx, m: &Map<String, Value>, id: &str, at: &Loc, a: Attrs) -> Resource {
    let place = Place {
        region: cx.region,
        owner: None,
    };
    let name = text(m, "LaunchTemplateName");
    build(
        cx,
        KIND,
        &format!("launch-template/{id}"),
        place,
        at,
        name,
        a,
    )
}

fn version_data(data: &Map<String, Value>, at: &Loc, a: &mut Attrs) {
    let public = items(data, "NetworkInterfaces", at).iter().any(|(_, ni)| {
        field(ni, "AssociatePublicIpAddress").and_then(Value::as_bool) == Some(true)
    });
    let md = object(data, "MetadataOptions");
    a.set("network_interfaces_assign_public_ip", public)
        .set(
            "http_tokens",
            or_null(md.and_then(|m| field(m, "HttpTokens"))),
        )
        .set(
            "http_endpoint",
            or_null(md.and_then(|m| field(m, "HttpEndpoint"))),
        );
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_the_default_version_counts() {
        let cx = Cx::new("v.json", "");
        let old = json!({"LaunchTemplateId": "lt-1", "VersionNumber": 1, "DefaultVersion": false,
            "LaunchTemplateData": {"NetworkInterfaces": [{"AssociatePublicIpAddress": true}]}});
        assert!(
            version(&cx, old.as_object().expect("o"), &Loc::new("", true))
                .expect("ok")
                .is_none()
        );
        let cur = json!({"LaunchTemplateId": "lt-1", "LaunchTemplateName": "web", "VersionNumber": 2,
            "DefaultVersion": true, "LaunchTemplateData": {"NetworkInterfaces": [{"DeviceIndex": 0,
            "AssociatePublicIpAddress": true}], "MetadataOptions": {"HttpTokens": "required"}}});
        let r = version(&cx, cur.as_object().expect("o"), &Loc::new("", true))
            .expect("ok")
            .expect("default");
        assert_eq!(
            r.attributes["network_interfaces_assign_public_ip"],
            json!(true)
        );
        assert_eq!(r.attributes["http_tokens"], json!("required"));
        assert_eq!(r.attributes["http_endpoint"], Value::Null);
        assert_eq!(r.name, "web");
        let config = json!({"launchTemplateId": "lt-1", "launchTemplateName": "web", "defaultVersionNumber": 2,
            "launchTemplateData": {"networkInterfaces": [{"associatePublicIpAddress": false}]}});
        let c = template(
            &cx,
            config.as_object().expect("o"),
            &Loc::new("", false),
            None,
        )
        .expect("cfg");
        assert_eq!(
            c.attributes["network_interfaces_assign_public_ip"],
            json!(false)
        );
        assert_eq!(c.attributes["http_tokens"], Value::Null);
        let listed = json!({"LaunchTemplateId": "lt-1", "DefaultVersionNumber": 2});
        let l = template(
            &cx,
            listed.as_object().expect("o"),
            &Loc::new("", true),
            None,
        )
        .expect("cli");
        assert!(!l.attributes.contains_key("http_tokens"));
        assert_eq!(l.id, r.id);
    }
}
