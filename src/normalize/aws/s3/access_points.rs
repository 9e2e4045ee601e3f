//! S3 access points and Multi-Region Access Points, with their own block public access
//! settings (FSBP S3.19, S3.24).
//!
//! - `aws.s3.access_point` (id AccessPointArn, `arn:…:s3:REGION:ACCOUNT:accesspoint/NAME`):
//!   `bucket`, `network_origin` (`Internet` or `VPC`), `vpc_id` — `s3control list-access-points`;
//!   `public_access_block` (same shape as a bucket's) — `s3control get-access-point --name`,
//!   Config `AWS::S3::AccessPoint`.
//! - `aws.s3.multi_region_access_point` (id `arn:…:s3::ACCOUNT:accesspoint/ALIAS`): `alias`,
//!   `status`, `regions` (`[{bucket, region}]`), `public_access_block` —
//!   `s3control list-multi-region-access-points` (which prints each point's block settings),
//!   Config `AWS::S3::MultiRegionAccessPoint`.
//!
//! Unlike buckets, an access point's block settings cannot be changed after creation and an
//! output always states them; the account-level block still applies on top, which the rules
//! leave to `s3-account-public-access-block-disabled`.

use super::super::config::Item;
use super::super::{field, list, str_at, Cx, Reply};
use super::public_access_block;
use crate::normalize::NormalizeError;
use crate::Resource;
use serde_json::{json, Map, Value};

pub const ACCESS_POINT: &str = "aws.s3.access_point";
pub const MULTI_REGION: &str = "aws.s3.multi_region_access_point";

type Out = Result<Vec<Resource>, NormalizeError>;

/// The settings both the list and the get output (and Config) state about an access point.
fn point_attributes(m: &Map<String, Value>) -> Map<String, Value> {
    let mut a = Map::new();
    for (key, attr) in [("Bucket", "bucket"), ("NetworkOrigin", "network_origin")] {
        if let Some(v) = field(m, key) {
            a.insert(attr.into(), v.clone());
        }
    }
    if let Some(vpc) = field(m, "VpcConfiguration") {
        let id = vpc
            .as_object()
            .and_then(|v| field(v, "VpcId"))
            .cloned()
            .unwrap_or(Value::Null);
        a.insert("vpc_id".into(), id);
    } else if a.get("network_origin").and_then(Value::as_str) == Some("Internet") {
        a.insert("vpc_id".into(), Value::Null);
    }
    if let Some(b) = field(m, "PublicAccessBlockConfiguration") {
        a.insert("public_access_block".into(), public_access_block(Some(b)));
    }
    a
}

fn access_point(
    cx: &Cx,
    m: &Map<String, Value>,
    ptr: &str,
    known_arn: Option<&str>,
) -> Option<Resource> {
    let name = field(m, "Name").and_then(Value::as_str);
    let arn = field(m, "AccessPointArn")
        .or_else(|| field(m, "Arn"))
        .and_then(Value::as_str)
        .or(known_arn);
    let region = arn.and_then(super::super::region_of_arn).or(cx.region);
    let id = match (arn, name) {
        (Some(arn), _) => arn.to_string(),
        (None, Some(name)) => cx.arn("s3", region, &format!("accesspoint/{name}")),
        (None, None) => {
            cx.note(format!(
                "an access point at {ptr} has neither a name nor an ARN"
            ));
            return None;
        }
    };
    let name = name.unwrap_or(&id).to_string();
    Some(cx.resource(ACCESS_POINT, id, name, region, ptr, point_attributes(m)))
}

/// One resource per entry of a list output.
type Build = fn(&Cx, &Map<String, Value>, &str, Option<&str>) -> Option<Resource>;

fn listed(cx: &Cx, reply: Reply, key: &str, build: Build) -> Out {
    let Reply::Output(doc) = reply else {
        return Ok(vec![]);
    };
    Ok(list(doc, key, cx)?
        .into_iter()
        .filter_map(|(ptr, m)| build(cx, m, &ptr, None))
        .collect())
}

pub fn list_access_points(cx: &Cx, reply: Reply) -> Out {
    listed(cx, reply, "AccessPointList", access_point)
}

pub fn get_access_point(cx: &Cx, reply: Reply) -> Out {
    let Reply::Output(Value::Object(m)) = reply else {
        return Ok(vec![]);
    };
    Ok(access_point(cx, m, &cx.pointer, None).into_iter().collect())
}

fn multi_region(
    cx: &Cx,
    m: &Map<String, Value>,
    ptr: &str,
    known_arn: Option<&str>,
) -> Option<Resource> {
    let name = field(m, "Name").and_then(Value::as_str);
    let alias = field(m, "Alias").and_then(Value::as_str);
    let id = match (known_arn, alias) {
        (Some(arn), _) => arn.to_string(),
        (None, Some(alias)) => cx.arn("s3", None, &format!("accesspoint/{alias}")),
        (None, None) => cx.arn("s3", None, &format!("accesspoint/{}", name?)),
    };
    let mut a = Map::new();
    for (key, attr) in [("Alias", "alias"), ("Status", "status")] {
        if let Some(v) = field(m, key) {
            a.insert(attr.into(), v.clone());
        }
    }
    let regions: Vec<Value> = field(m, "Regions")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_object)
        .map(|r| json!({"bucket": field(r, "Bucket"), "region": field(r, "Region")}))
        .collect();
    a.insert("regions".into(), Value::Array(regions));
    if let Some(b) =
        field(m, "PublicAccessBlock").or_else(|| field(m, "PublicAccessBlockConfiguration"))
    {
        a.insert("public_access_block".into(), public_access_block(Some(b)));
    }
    let name = name.or(alias).unwrap_or(&id).to_string();
    let mut r = cx.resource(MULTI_REGION, id, name, Some("global"), ptr, a);
    r.region = Some("global".into());
    Some(r)
}

pub fn list_multi_region(cx: &Cx, reply: Reply) -> Out {
    listed(cx, reply, "AccessPoints", multi_region)
}

/// A Config item's configuration, named by the item when the configuration does not say.
fn from_config(cx: &Cx, it: &Item, build: Build) -> Out {
    let mut m = it
        .configuration
        .as_object()
        .ok_or_else(|| NormalizeError {
            pointer: it.pointer.clone(),
            message: format!("{} item has no configuration object", it.resource_type),
        })?
        .clone();
    if field(&m, "Name").is_none() {
        m.insert(
            "Name".into(),
            json!(it.resource_name.unwrap_or(it.resource_id)),
        );
    }
    let arn = it.arn.or_else(|| str_at(&m, "Arn")).map(str::to_string);
    Ok(build(cx, &m, &it.pointer, arn.as_deref())
        .into_iter()
        .collect())
}

pub fn config_access_point(cx: &Cx, it: &Item) -> Out {
    from_config(cx, it, access_point)
}

pub fn config_multi_region(cx: &Cx, it: &Item) -> Out {
    from_config(cx, it, multi_region)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::aws::{config as aws_config, lone};

    #[test]
    fn get_access_point_and_config_read_alike() {
        let (cli, _) = lone(
            "aws-s3control-get-access-point",
            json!({"Name": "uploads", "Bucket": "example-data", "NetworkOrigin": "Internet",
                "PublicAccessBlockConfiguration": {"BlockPublicAcls": true, "IgnorePublicAcls": true,
                    "BlockPublicPolicy": true, "RestrictPublicBuckets": false},
                "CreationDate": "2026-01-02T10:00:00+00:00", "Alias": "uploads-abc123-s3alias",
                "AccessPointArn": "arn:aws:s3:us-east-1:123456789012:accesspoint/uploads",
                "BucketAccountId": "123456789012"}),
        );
        let item = json!({"resourceType": "AWS::S3::AccessPoint", "resourceId": "uploads", "resourceName": "uploads",
            "arn": "arn:aws:s3:us-east-1:123456789012:accesspoint/uploads", "awsRegion": "us-east-1",
            "accountId": "123456789012", "configurationItemCaptureTime": "2026-11-01T00:00:00Z",
            "configuration": {"Name": "uploads", "Bucket": "example-data", "NetworkOrigin": "Internet",
                "PublicAccessBlockConfiguration": {"BlockPublicAcls": true, "IgnorePublicAcls": true,
                    "BlockPublicPolicy": true, "RestrictPublicBuckets": false}}});
        let (config, _) = aws_config::normalize(&item, "c.json", "").expect("config");
        assert_eq!(cli[0].id, config[0].id);
        assert_eq!(cli[0].attributes, config[0].attributes);
        assert_eq!(
            cli[0].attributes["public_access_block"]["restrict_public_buckets"],
            json!(false)
        );
        assert_eq!(cli[0].attributes["vpc_id"], Value::Null);
    }

    #[test]
    fn multi_region_points_carry_their_block() {
        let (rs, _) = lone(
            "aws-s3control-list-multi-region-access-points",
            json!({"AccessPoints": [{"Name": "global-data", "Alias": "mfzwi23gnjvgw.mrap",
                "CreatedAt": "2026-01-02T10:00:00+00:00", "Status": "READY",
                "PublicAccessBlock": {"BlockPublicAcls": true, "IgnorePublicAcls": true,
                    "BlockPublicPolicy": true, "RestrictPublicBuckets": true},
                "Regions": [{"Bucket": "example-data-use1", "Region": "us-east-1"}]}]}),
        );
        assert_eq!(rs[0].id, "arn:aws:s3:::accesspoint/mfzwi23gnjvgw.mrap");
        assert_eq!(rs[0].name, "global-data");
        assert_eq!(
            rs[0].attributes["public_access_block"]["configured"],
            json!(true)
        );
    }
}
