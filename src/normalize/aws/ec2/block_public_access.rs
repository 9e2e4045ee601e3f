//! VPC Block Public Access (`describe-vpc-block-public-access-options`), a per-region account
//! setting, on `aws.region`: `vpc_bpa_internet_gateway_block_mode` (`off`,
//! `block-bidirectional`, `block-ingress`), `vpc_bpa_exclusions_allowed`, `vpc_bpa_state`,
//! `vpc_bpa_managed_by`. The output names its account and region, so a lone file is enough.

use super::shape::{field, Attrs};
use crate::normalize::aws::{region_id, Cx};
use crate::normalize::NormalizeError;
use crate::Resource;
use serde_json::Value;

pub fn options(cx: &Cx, doc: &Value) -> Result<Vec<Resource>, NormalizeError> {
    let key = "VpcBlockPublicAccessOptions";
    let Some(m) = doc.get(key).and_then(Value::as_object) else {
        return Err(NormalizeError {
            pointer: cx.at(key),
            message: format!("{key} must be an object"),
        });
    };
    let mut a = Attrs::default();
    a.copy(
        "vpc_bpa_internet_gateway_block_mode",
        field(m, "InternetGatewayBlockMode"),
    )
    .copy("vpc_bpa_exclusions_allowed", field(m, "ExclusionsAllowed"))
    .copy("vpc_bpa_state", field(m, "State"))
    .copy("vpc_bpa_managed_by", field(m, "ManagedBy"));
    let ptr = cx.at(key);
    let account = cx.account.or(m.get("AwsAccountId").and_then(Value::as_str));
    let region = cx.region.or(m.get("AwsRegion").and_then(Value::as_str));
    let (Some(account), Some(region)) = (account, region) else {
        return Ok(cx
            .region_resource(
                "ec2 describe-vpc-block-public-access-options",
                &ptr,
                a.into_map(),
            )
            .into_iter()
            .collect());
    };
    let mut r = cx.resource(
        "aws.region",
        region_id(account, region),
        format!("{region} ({account})"),
        Some(region),
        &ptr,
        a.into_map(),
    );
    r.account = Some(account.to_string());
    Ok(vec![r])
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_lone_output_names_its_region() {
        let cx = Cx::new("b.json", "");
        let doc = json!({"VpcBlockPublicAccessOptions": {"AwsAccountId": "123456789012",
            "AwsRegion": "us-east-1", "State": "default-state", "InternetGatewayBlockMode": "off"}});
        let rs = options(&cx, &doc).expect("ok");
        assert_eq!(rs[0].id, "123456789012/us-east-1");
        assert_eq!(
            rs[0].attributes["vpc_bpa_internet_gateway_block_mode"],
            json!("off")
        );
        assert!(options(&cx, &json!({"VpcBlockPublicAccessOptions": 3})).is_err());
    }
}
