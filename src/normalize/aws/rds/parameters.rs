//! DB parameter groups (`rds describe-db-parameters --db-parameter-group-name NAME`) and what
//! they say about an instance: whether the engine refuses unencrypted connections.
//!
//! `aws.rds.db_parameter_group` (id `arn:…:rds:REGION:ACCOUNT:pg:NAME`): `parameters`, a map of
//! the security parameters this module reads (`rds.force_ssl` for PostgreSQL,
//! `require_secure_transport` for MySQL and MariaDB) to their `ParameterValue`, null when the
//! group leaves the engine default. Other parameters are not kept: a group lists hundreds.
//!
//! Derived on `aws.rds.db_instance` ([`derive`]): `ssl_required` (true, false, or absent when
//! the instance's group or the parameter was not collected) and `ssl_required_via` (which
//! group and value decided it, or that the engine default did).

use super::super::{list, str_at, Cx, Reply};
use crate::attr_value::AttrValue;
use crate::normalize::NormalizeError;
use crate::Resource;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

pub const KIND: &str = "aws.rds.db_parameter_group";

/// The parameters kept, one per engine family.
const READ: &[&str] = &["rds.force_ssl", "require_secure_transport"];

pub fn describe(cx: &Cx, reply: Reply) -> Result<Vec<Resource>, NormalizeError> {
    let Reply::Output(doc) = reply else {
        return Ok(Vec::new());
    };
    let Some(name) = cx.arg_or_note("db-parameter-group-name", "rds describe-db-parameters") else {
        return Ok(Vec::new());
    };
    let mut params = Map::new();
    for (_, p) in list(doc, "Parameters", cx)? {
        let Some(key) = str_at(p, "ParameterName").filter(|k| READ.contains(k)) else {
            continue;
        };
        params.insert(
            key.into(),
            p.get("ParameterValue").cloned().unwrap_or(Value::Null),
        );
    }
    let attrs = Map::from_iter([("parameters".to_string(), Value::Object(params))]);
    let id = cx.arn("rds", cx.region, &format!("pg:{name}"));
    Ok(vec![cx.resource(KIND, id, name, None, &cx.pointer, attrs)])
}

/// The parameter that requires TLS on this engine, and its engine default: PostgreSQL turns
/// `rds.force_ssl` on by default from major version 15, MySQL `require_secure_transport` from
/// 9, MariaDB from 11.8.
fn tls_parameter(engine: &str, version: &str) -> Option<(&'static str, bool)> {
    let mut parts = version.split('.').filter_map(|p| p.parse::<u32>().ok());
    let major = parts.next().unwrap_or(0);
    let minor = parts.next().unwrap_or(0);
    match engine {
        "postgres" => Some(("rds.force_ssl", major >= 15)),
        "mysql" => Some(("require_secure_transport", major >= 9)),
        "mariadb" => Some(("require_secure_transport", (major, minor) >= (11, 8))),
        _ => None,
    }
}

/// `1`/`ON`/`true` in any case; MySQL instances say `1`, clusters `ON`.
fn on(v: &str) -> bool {
    matches!(v.to_ascii_lowercase().as_str(), "1" | "on" | "true")
}

pub fn derive(resources: &mut [Resource]) {
    let groups: BTreeMap<super::Place, (AttrValue, crate::Source)> = resources
        .iter()
        .filter(|r| r.kind == KIND)
        .filter_map(|r| {
            let params = r.attributes.get("parameters")?.clone();
            Some((
                (r.account.clone(), r.region.clone(), r.name.clone()),
                (params, r.source_of("parameters").clone()),
            ))
        })
        .collect();
    for r in resources
        .iter_mut()
        .filter(|r| r.kind == "aws.rds.db_instance")
    {
        let text = |k: &str| {
            r.attributes
                .get(k)
                .and_then(AttrValue::as_str)
                .unwrap_or("")
        };
        let Some((param, default)) = tls_parameter(text("engine"), text("engine_version")) else {
            continue;
        };
        let Some(group) = r
            .attributes
            .get("db_parameter_groups")
            .and_then(|g| g.as_array()?.first())
            .and_then(AttrValue::as_str)
            .map(str::to_string)
        else {
            continue;
        };
        let key = (r.account.clone(), r.region.clone(), group.clone());
        let Some((params, src)) = groups.get(&key) else {
            continue;
        };
        let (required, via) = match params.get(param) {
            Some(AttrValue::String(v)) => {
                (on(v), format!("{param} = {v} in parameter group {group}"))
            }
            Some(AttrValue::Null) => (
                default,
                format!(
                    "parameter group {group} leaves {param} at the engine default ({})",
                    if default { "on" } else { "off" }
                ),
            ),
            _ => continue,
        };
        r.attributes.insert("ssl_required", json!(required));
        r.attributes.insert("ssl_required_via", json!(via));
        r.sources.insert("ssl_required", src.clone());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn engine_defaults_by_version() {
        assert_eq!(
            tls_parameter("postgres", "16.3"),
            Some(("rds.force_ssl", true))
        );
        assert_eq!(
            tls_parameter("postgres", "14.12"),
            Some(("rds.force_ssl", false))
        );
        assert_eq!(
            tls_parameter("mysql", "8.0.39"),
            Some(("require_secure_transport", false))
        );
        assert_eq!(
            tls_parameter("mariadb", "11.8.2"),
            Some(("require_secure_transport", true))
        );
        assert_eq!(tls_parameter("aurora-postgresql", "16.1"), None);
        assert!(on("ON") && on("1") && !on("0") && !on("OFF"));
    }
}
