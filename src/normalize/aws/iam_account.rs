//! IAM account-level exports: credential report, password policy, account summary, virtual MFA
//! devices, server certificates, and the account's security alternate contact.
//!
//! Attributes produced:
//! - `aws.iam.user` (merged with the same user from authorization details, by ARN):
//!   `credential_report`, a list holding the user's row of the credential report (one row; a
//!   list so that a rule reading several of its facts says "the export does not include
//!   `credential_report`" once when only authorization details were loaded). A row has `line`,
//!   `ages_as_of`, `password_enabled`, `mfa_active`, `active_access_keys`, `source` and
//!   `credentials` (one entry per password / access key / signing certificate slot: `type`,
//!   `slot`, `active`, `last_used`, `last_rotated`, `days_since_use`, `days_since_rotation`,
//!   `days_unused` — days since last use, or since creation/rotation when never used).
//! - `aws.account`: from the report's `<root_account>` row `root_access_keys_active`,
//!   `root_mfa_active`, `root_credentials`, `root_days_since_use`; from the account summary
//!   `mfa_enabled`, `access_keys_present`, `signing_certificates_present`; `password_policy`
//!   (snake_case keys, `null` when the account has none); `root_virtual_mfa` (whether the root
//!   user's MFA is a virtual device, from list-virtual-mfa-devices); `security_contact`
//!   (`name`, `email_address`, `phone_number`, `title`; `null` when none is registered, from
//!   `account get-alternate-contact --alternate-contact-type SECURITY`); `ages_as_of`.
//! - `aws.iam.server_certificate`: `expiration`, `expired`, `days_to_expiry`, `upload_date`.
//!
//! Ages are judged against the credential report's own GeneratedTime (or the bundle's time), so
//! a report analysed next year says what was true when it was generated.

use super::config::ConfigType;
use super::{account_id, list, snake_keys, str_at, Command, Cx, Reply};
use crate::attr_value::AttrValue;
use crate::normalize::NormalizeError;
use crate::time::{self, Epoch};
use crate::Resource;
use serde_json::{json, Map, Value};

pub const COMMANDS: &[Command] = &[
    Command {
        id: "aws-iam-credential-report",
        service: "iam",
        operation: "get-credential-report",
        signature: &["Content", "ReportFormat"],
        kinds: &["aws.iam.user", "aws.account"],
        absent_codes: &[],
        normalize: credential_report,
    },
    Command {
        id: "aws-iam-generate-credential-report",
        service: "iam",
        operation: "generate-credential-report",
        signature: &["State", "Description"],
        kinds: &[],
        absent_codes: &[],
        normalize: nothing,
    },
    Command {
        id: "aws-iam-account-password-policy",
        service: "iam",
        operation: "get-account-password-policy",
        signature: &["PasswordPolicy"],
        kinds: &["aws.account"],
        absent_codes: &["NoSuchEntity"],
        normalize: password_policy,
    },
    Command {
        id: "aws-iam-account-summary",
        service: "iam",
        operation: "get-account-summary",
        signature: &["SummaryMap"],
        kinds: &["aws.account"],
        absent_codes: &[],
        normalize: account_summary,
    },
    Command {
        id: "aws-iam-virtual-mfa-devices",
        service: "iam",
        operation: "list-virtual-mfa-devices",
        signature: &["VirtualMFADevices"],
        kinds: &["aws.account"],
        absent_codes: &[],
        normalize: virtual_mfa_devices,
    },
    Command {
        id: "aws-iam-server-certificates",
        service: "iam",
        operation: "list-server-certificates",
        signature: &["ServerCertificateMetadataList"],
        kinds: &["aws.iam.server_certificate"],
        absent_codes: &[],
        normalize: server_certificates,
    },
    Command {
        id: "aws-account-alternate-contact",
        service: "account",
        operation: "get-alternate-contact",
        signature: &["AlternateContact"],
        kinds: &["aws.account"],
        absent_codes: &["ResourceNotFoundException"],
        normalize: alternate_contact,
    },
];

/// AWS Config records no account-level IAM settings; users and policies come through
/// authorization details.
pub const CONFIG: &[ConfigType] = &[];

/// Facts that need several outputs together, run once all files are merged:
/// - `root_has_access_keys` and `root_mfa`: the credential report's root row when loaded,
///   else the account summary's flags (both say the same; either suffices);
/// - `support_access_principals`: who holds the AWSSupportAccess managed policy, when the
///   account's authorization details are loaded (absent otherwise: unknown, not "nobody").
// Every service's derive shares one signature (some add resources), hence the Vec.
#[allow(clippy::ptr_arg)]
pub fn derive(resources: &mut Vec<Resource>) {
    let mut support: std::collections::BTreeMap<String, Vec<Value>> = Default::default();
    let mut authz_accounts: std::collections::BTreeSet<String> = Default::default();
    for r in resources.iter() {
        if !matches!(
            r.kind.as_str(),
            "aws.iam.user" | "aws.iam.group" | "aws.iam.role"
        ) {
            continue;
        }
        let Some(attached) = r
            .attributes
            .get("attached_policies")
            .and_then(AttrValue::as_array)
        else {
            continue;
        };
        let Some(account) = r.account.clone() else {
            continue;
        };
        authz_accounts.insert(account.clone());
        if attached.iter().any(|p| {
            p.get("arn")
                .and_then(AttrValue::as_str)
                .is_some_and(|a| a.ends_with(":policy/AWSSupportAccess"))
        }) {
            support.entry(account).or_default().push(json!(format!(
                "{} ({})",
                r.name,
                r.kind.trim_start_matches("aws.iam.")
            )));
        }
    }
    for r in resources.iter_mut().filter(|r| r.kind == "aws.account") {
        let a = &mut r.attributes;
        let first_known = |a: &crate::attribute_map::AttributeMap, keys: [&str; 2]| {
            keys.iter()
                .find_map(|k| a.get(k).filter(|v| !v.is_null()).cloned())
        };
        if let Some(v) = first_known(a, ["root_access_keys_active", "access_keys_present"]) {
            a.insert("root_has_access_keys", v);
        }
        if let Some(v) = first_known(a, ["root_mfa_active", "mfa_enabled"]) {
            a.insert("root_mfa", v);
        }
        if let Some(account) = r
            .account
            .as_deref()
            .filter(|acc| authz_accounts.contains(*acc))
        {
            let holders = support.get(account).cloned().unwrap_or_default();
            r.attributes
                .insert("support_access_principals", Value::Array(holders));
        }
    }
}

fn nothing(_: &Cx, _: Reply) -> Result<Vec<Resource>, NormalizeError> {
    Ok(Vec::new())
}

fn output<'v>(reply: Reply<'v>) -> Option<&'v Value> {
    match reply {
        Reply::Output(v) => Some(v),
        Reply::Absent(_) => None,
    }
}

/// The account a lone output belongs to, when the output itself names it (an ARN inside).
fn with_account<'a>(cx: &Cx<'a>, arn: Option<&'a str>) -> Option<String> {
    cx.account
        .map(str::to_string)
        .or_else(|| arn.and_then(crate::iam::policy::account_of_arn))
}

fn account_fragment(cx: &Cx, account: &str, ptr: &str, attributes: Map<String, Value>) -> Resource {
    cx.resource(
        "aws.account",
        account_id(cx.partition, account),
        format!("account {account}"),
        Some("global"),
        ptr,
        attributes,
    )
}

// ---- credential report ----

fn credential_report(cx: &Cx, reply: Reply) -> Result<Vec<Resource>, NormalizeError> {
    let Some(doc) = output(reply) else {
        return Ok(Vec::new());
    };
    let content_ptr = cx.at("Content");
    let content = doc
        .get("Content")
        .and_then(Value::as_str)
        .ok_or_else(|| NormalizeError {
            pointer: content_ptr.clone(),
            message: "Content must be a string".into(),
        })?;
    // The CLI prints the report base64-encoded; botocore recordings and the console's download
    // hold the CSV itself.
    let csv = if content.starts_with("user,") {
        content.to_string()
    } else {
        let bytes = base64_decode(content).ok_or_else(|| NormalizeError {
            pointer: content_ptr.clone(),
            message: "Content is neither the report's CSV nor base64".into(),
        })?;
        String::from_utf8(bytes).map_err(|_| NormalizeError {
            pointer: content_ptr.clone(),
            message: "Content decodes to bytes that are not UTF-8 text".into(),
        })?
    };
    let generated = doc.get("GeneratedTime").and_then(time::parse);
    let (as_of, as_of_text) = match (generated, cx.as_of) {
        (Some(t), _) => (
            Some(t),
            Some(format!(
                "{} (credential report GeneratedTime)",
                time::format(t)
            )),
        ),
        (None, Some(t)) => (
            Some(t),
            Some(format!("{} (bundle collection time)", time::format(t))),
        ),
        (None, None) => {
            cx.note(
                "the credential report carries no GeneratedTime, so credential ages are unknown; \
                 use the output of `aws iam get-credential-report` or a collector bundle"
                    .into(),
            );
            (None, None)
        }
    };
    let mut lines = csv.lines();
    let header: Vec<String> = lines.next().map(split_csv).unwrap_or_default();
    if header.first().map(String::as_str) != Some("user") || !header.iter().any(|h| h == "arn") {
        return Err(NormalizeError {
            pointer: content_ptr,
            message: "the report's first line is not the credential report header (user,arn,…)"
                .into(),
        });
    }
    let mut out = Vec::new();
    for (n, line) in lines.enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let cells = split_csv(line);
        let row: Map<String, Value> = header
            .iter()
            .zip(cells)
            .map(|(h, c)| (h.clone(), Value::String(c)))
            .collect();
        let Some(arn) = str_at(&row, "arn") else {
            continue;
        };
        let user = str_at(&row, "user").unwrap_or("");
        let creds = credentials(&row, as_of);
        let line_no = n + 2;
        let mut attrs = Map::new();
        if let Some(t) = &as_of_text {
            attrs.insert("ages_as_of".into(), json!(t));
        }
        if user == "<root_account>" {
            attrs.insert("credential_report_line".into(), json!(line_no));
            let keys_active = creds
                .iter()
                .any(|c| c["type"] == "access_key" && c["active"] == true);
            attrs.insert("root_access_keys_active".into(), json!(keys_active));
            attrs.insert("root_mfa_active".into(), flag(&row, "mfa_active"));
            let last_use = creds
                .iter()
                .filter_map(|c| c.get("days_since_use").and_then(Value::as_i64))
                .min();
            if as_of.is_some() {
                attrs.insert("root_days_since_use".into(), json!(last_use));
            }
            attrs.insert("root_credentials".into(), Value::Array(creds));
            let account = with_account(cx, Some(arn)).unwrap_or_default();
            out.push(account_fragment(cx, &account, &content_ptr, attrs));
            continue;
        }
        attrs.insert("line".into(), json!(line_no));
        attrs.insert("password_enabled".into(), flag(&row, "password_enabled"));
        attrs.insert("mfa_active".into(), flag(&row, "mfa_active"));
        let active_keys = creds
            .iter()
            .filter(|c| c["type"] == "access_key" && c["active"] == true)
            .count();
        attrs.insert("active_access_keys".into(), json!(active_keys));
        attrs.insert("credentials".into(), Value::Array(creds));
        attrs.insert(
            "source".into(),
            json!({"file": cx.file, "pointer": content_ptr}),
        );
        let mut user_attrs = Map::new();
        user_attrs.insert("credential_report".into(), json!([attrs]));
        out.push(cx.resource(
            "aws.iam.user",
            arn,
            user,
            Some("global"),
            &content_ptr,
            user_attrs,
        ));
    }
    Ok(out)
}

/// `true`/`false` cells as booleans; `not_supported` and `N/A` as null.
fn flag(row: &Map<String, Value>, key: &str) -> Value {
    match str_at(row, key) {
        Some("true") => json!(true),
        Some("false") => json!(false),
        _ => Value::Null,
    }
}

/// A date cell: `N/A`, `no_information` and `not_supported` are "no date".
fn date(row: &Map<String, Value>, key: &str) -> Option<Epoch> {
    str_at(row, key).and_then(time::parse_str)
}

fn credentials(row: &Map<String, Value>, as_of: Option<Epoch>) -> Vec<Value> {
    let created = date(row, "user_creation_time");
    let days = |t: Option<Epoch>| -> Value {
        match (t, as_of) {
            (Some(t), Some(now)) => json!(time::days_between(t, now)),
            _ => Value::Null,
        }
    };
    let mut out = Vec::new();
    let mut push = |kind: &str,
                    slot: u8,
                    active: Value,
                    used: Option<Epoch>,
                    rotated: Option<Epoch>,
                    used_raw: Option<&str>,
                    rotated_raw: Option<&str>| {
        let mut c = Map::new();
        c.insert("type".into(), json!(kind));
        c.insert("slot".into(), json!(slot));
        c.insert("active".into(), active);
        c.insert(
            "last_used".into(),
            used_raw.map(|s| json!(s)).unwrap_or(Value::Null),
        );
        c.insert(
            "last_rotated".into(),
            rotated_raw.map(|s| json!(s)).unwrap_or(Value::Null),
        );
        if as_of.is_some() {
            c.insert("days_since_use".into(), days(used));
            c.insert("days_since_rotation".into(), days(rotated));
            // Never used: unused since it was issued (or, lacking that, since the user was made).
            c.insert("days_unused".into(), days(used.or(rotated).or(created)));
        }
        out.push(Value::Object(c));
    };
    push(
        "password",
        1,
        flag(row, "password_enabled"),
        date(row, "password_last_used"),
        date(row, "password_last_changed"),
        str_at(row, "password_last_used"),
        str_at(row, "password_last_changed"),
    );
    for slot in [1u8, 2] {
        let k = |s: &str| format!("access_key_{slot}_{s}");
        push(
            "access_key",
            slot,
            flag(row, &k("active")),
            date(row, &k("last_used_date")),
            date(row, &k("last_rotated")),
            str_at(row, &k("last_used_date")),
            str_at(row, &k("last_rotated")),
        );
    }
    for slot in [1u8, 2] {
        let k = |s: &str| format!("cert_{slot}_{s}");
        push(
            "signing_certificate",
            slot,
            flag(row, &k("active")),
            None,
            date(row, &k("last_rotated")),
            None,
            str_at(row, &k("last_rotated")),
        );
    }
    out
}

/// One CSV line, RFC 4180 quoting (the report never needs it, but a hand-edited one might).
fn split_csv(line: &str) -> Vec<String> {
    let mut cells = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut chars = line.trim_end_matches('\r').chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => cells.push(std::mem::take(&mut cur)),
            (c, _) => cur.push(c),
        }
    }
    cells.push(cur);
    cells
}

/// Standard base64 with or without padding; whitespace (line breaks) ignored.
fn base64_decode(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len() / 4 * 3);
    let mut acc: u32 = 0;
    let mut bits = 0;
    for c in s.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            b'=' => break,
            b' ' | b'\n' | b'\r' | b'\t' => continue,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

// ---- password policy, account summary, MFA devices ----

fn password_policy(cx: &Cx, reply: Reply) -> Result<Vec<Resource>, NormalizeError> {
    let policy = match reply {
        Reply::Output(doc) => {
            let mut p = snake_keys(doc.get("PasswordPolicy").unwrap_or(&Value::Null));
            // The API omits the settings that are off; inside an existing policy an omitted
            // setting is known to be off, not unknown.
            if let Some(m) = p.as_object_mut() {
                for key in [
                    "password_reuse_prevention",
                    "max_password_age",
                    "hard_expiry",
                    "minimum_password_length",
                ] {
                    m.entry(key).or_insert(Value::Null);
                }
                for key in [
                    "require_symbols",
                    "require_numbers",
                    "require_uppercase_characters",
                    "require_lowercase_characters",
                    "allow_users_to_change_password",
                    "expire_passwords",
                ] {
                    m.entry(key).or_insert(json!(false));
                }
            }
            p
        }
        Reply::Absent(_) => Value::Null,
    };
    let mut attrs = Map::new();
    attrs.insert("password_policy".into(), policy);
    Ok(cx
        .account_resource("iam get-account-password-policy", &cx.pointer, attrs)
        .into_iter()
        .collect())
}

fn account_summary(cx: &Cx, reply: Reply) -> Result<Vec<Resource>, NormalizeError> {
    let Some(doc) = output(reply) else {
        return Ok(Vec::new());
    };
    let map = doc
        .get("SummaryMap")
        .and_then(Value::as_object)
        .ok_or_else(|| NormalizeError {
            pointer: cx.at("SummaryMap"),
            message: "SummaryMap must be an object".into(),
        })?;
    let one = |k: &str| {
        map.get(k)
            .and_then(Value::as_i64)
            .map(|n| json!(n > 0))
            .unwrap_or(Value::Null)
    };
    let mut attrs = Map::new();
    for (attr, key) in [
        ("mfa_enabled", "AccountMFAEnabled"),
        ("access_keys_present", "AccountAccessKeysPresent"),
        (
            "signing_certificates_present",
            "AccountSigningCertificatesPresent",
        ),
    ] {
        if map.contains_key(key) {
            attrs.insert(attr.into(), one(key));
        }
    }
    Ok(cx
        .account_resource("iam get-account-summary", &cx.at("SummaryMap"), attrs)
        .into_iter()
        .collect())
}

fn virtual_mfa_devices(cx: &Cx, reply: Reply) -> Result<Vec<Resource>, NormalizeError> {
    let Some(doc) = output(reply) else {
        return Ok(Vec::new());
    };
    let devices = list(doc, "VirtualMFADevices", cx)?;
    let mut root_device: Option<String> = None;
    let mut account = cx.account.map(str::to_string);
    for (ptr, d) in &devices {
        let serial = str_at(d, "SerialNumber");
        let user_arn = d
            .get("User")
            .and_then(|u| u.get("Arn"))
            .and_then(Value::as_str);
        if account.is_none() {
            account = serial.and_then(crate::iam::policy::account_of_arn);
        }
        let is_root = user_arn.is_some_and(|a| a.ends_with(":root"))
            || serial.is_some_and(|s| s.ends_with(":mfa/root-account-mfa-device"));
        if is_root && root_device.is_none() {
            root_device = Some(ptr.clone());
        }
    }
    let Some(account) = account else {
        cx.note("`aws iam list-virtual-mfa-devices` output names no account (it lists no devices); collect it with collectors/aws.sh".into());
        return Ok(Vec::new());
    };
    let mut attrs = Map::new();
    attrs.insert("root_virtual_mfa".into(), json!(root_device.is_some()));
    let ptr = root_device.unwrap_or_else(|| cx.at("VirtualMFADevices"));
    Ok(vec![account_fragment(cx, &account, &ptr, attrs)])
}

// ---- alternate contacts ----

/// Only the SECURITY contact is a control (CIS 1.2, FSBP Account.1); BILLING and OPERATIONS
/// contacts are read and ignored. An absent contact is only "known: none" when the bundle says
/// which type was asked for.
fn alternate_contact(cx: &Cx, reply: Reply) -> Result<Vec<Resource>, NormalizeError> {
    let (kind, contact) = match reply {
        Reply::Output(doc) => {
            let contact = doc.get("AlternateContact").ok_or_else(|| NormalizeError {
                pointer: cx.at("AlternateContact"),
                message: "AlternateContact is missing".into(),
            })?;
            let kind = contact
                .get("AlternateContactType")
                .and_then(Value::as_str)
                .or_else(|| cx.arg("alternate-contact-type"));
            let mut c = snake_keys(contact);
            if let Some(m) = c.as_object_mut() {
                m.remove("alternate_contact_type");
            }
            (kind, c)
        }
        Reply::Absent(_) => (
            cx.arg_or_note("alternate-contact-type", "account get-alternate-contact"),
            Value::Null,
        ),
    };
    if !kind.is_some_and(|k| k.eq_ignore_ascii_case("SECURITY")) {
        return Ok(Vec::new());
    }
    let mut attrs = Map::new();
    attrs.insert("security_contact".into(), contact);
    Ok(cx
        .account_resource("account get-alternate-contact", &cx.pointer, attrs)
        .into_iter()
        .collect())
}

// ---- server certificates ----

fn server_certificates(cx: &Cx, reply: Reply) -> Result<Vec<Resource>, NormalizeError> {
    let Some(doc) = output(reply) else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for (ptr, c) in list(doc, "ServerCertificateMetadataList", cx)? {
        let arn = super::required(c, "Arn", &ptr)?;
        let name = str_at(c, "ServerCertificateName").unwrap_or(arn);
        let expiration = c.get("Expiration").and_then(time::parse);
        let mut attrs = Map::new();
        attrs.insert(
            "expiration".into(),
            c.get("Expiration").cloned().unwrap_or(Value::Null),
        );
        attrs.insert(
            "upload_date".into(),
            c.get("UploadDate").cloned().unwrap_or(Value::Null),
        );
        if let (Some(exp), Some(now)) = (expiration, cx.as_of) {
            attrs.insert("expired".into(), json!(exp < now));
            attrs.insert("days_to_expiry".into(), json!(time::days_between(now, exp)));
            attrs.insert(
                "ages_as_of".into(),
                json!(format!("{} (bundle collection time)", time::format(now))),
            );
        }
        out.push(cx.resource(
            "aws.iam.server_certificate",
            arn,
            name,
            Some("global"),
            &ptr,
            attrs,
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::build_inventory;
    use crate::Input;

    const CSV: &str = "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated\n\
<root_account>,arn:aws:iam::123456789012:root,2020-01-01T00:00:00+00:00,not_supported,2026-11-01T10:00:00+00:00,not_supported,not_supported,true,true,2021-01-01T00:00:00+00:00,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n\
alice,arn:aws:iam::123456789012:user/alice,2024-01-01T00:00:00+00:00,true,2026-11-20T08:00:00+00:00,2026-06-01T00:00:00+00:00,N/A,false,true,2026-01-01T00:00:00+00:00,2026-11-27T00:00:00+00:00,us-east-1,s3,true,2026-10-01T00:00:00+00:00,N/A,N/A,N/A,false,N/A,false,N/A\n";

    fn b64(bytes: &[u8]) -> String {
        const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut s = String::new();
        for chunk in bytes.chunks(3) {
            let b = [
                chunk[0],
                *chunk.get(1).unwrap_or(&0),
                *chunk.get(2).unwrap_or(&0),
            ];
            let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
            for i in 0..4 {
                if i <= chunk.len() {
                    s.push(A[(n >> (18 - 6 * i) & 63) as usize] as char);
                } else {
                    s.push('=');
                }
            }
        }
        s
    }

    fn scan(doc: Value) -> crate::analyze::Inventory {
        build_inventory(&[Input::new("report.json", doc.to_string())])
    }

    #[test]
    fn cli_base64_report_judged_at_its_own_time() {
        let inv = scan(
            json!({"Content": b64(CSV.as_bytes()), "ReportFormat": "text/csv",
            "GeneratedTime": "2026-11-28T00:00:00+00:00"}),
        );
        assert_eq!(
            inv.inputs[0].format.as_deref(),
            Some("aws-iam-credential-report"),
            "{:?}",
            inv.inputs
        );
        let alice = inv
            .resources
            .iter()
            .find(|r| r.name == "alice")
            .expect("alice");
        assert_eq!(alice.kind, "aws.iam.user");
        let row = &alice.attributes["credential_report"][0];
        assert_eq!(row["active_access_keys"], json!(2));
        assert_eq!(row["line"], json!(3));
        assert_eq!(row["source"]["pointer"], json!("/Content"));
        let creds = row["credentials"].as_array().expect("creds");
        assert_eq!(creds[0]["days_since_use"], json!(7));
        assert_eq!(creds[1]["days_since_rotation"], json!(331));
        // Key 2 was never used: unused since it was issued.
        assert_eq!(creds[2]["days_unused"], json!(58));
        assert!(row["ages_as_of"]
            .as_str()
            .expect("as of")
            .contains("GeneratedTime"));
        let root = inv
            .resources
            .iter()
            .find(|r| r.kind == "aws.account")
            .expect("root");
        assert_eq!(root.id, "arn:aws:iam::123456789012:root");
        assert_eq!(root.attributes["root_access_keys_active"], json!(true));
        assert_eq!(root.attributes["root_days_since_use"], json!(26));
    }

    #[test]
    fn console_csv_has_no_time_so_ages_are_unknown() {
        let inv = build_inventory(&[Input::new("credential-report.csv", CSV)]);
        let alice = inv
            .resources
            .iter()
            .find(|r| r.name == "alice")
            .expect("alice");
        assert!(alice.attributes["credential_report"][0]["credentials"][0]
            .get("days_unused")
            .is_none());
        assert!(
            inv.inputs[0].message.contains("no GeneratedTime"),
            "{}",
            inv.inputs[0].message
        );
    }

    #[test]
    fn report_users_merge_with_authorization_details() {
        let authz = json!({"UserDetailList": [{"UserName": "alice", "Arn": "arn:aws:iam::123456789012:user/alice",
            "UserPolicyList": [], "AttachedManagedPolicies": [], "GroupList": []}], "RoleDetailList": [], "GroupDetailList": [], "Policies": []});
        let report = json!({"Content": CSV, "ReportFormat": "text/csv", "GeneratedTime": "2026-11-28T00:00:00Z"});
        let inv = build_inventory(&[
            Input::new("authz.json", authz.to_string()),
            Input::new("report.json", report.to_string()),
        ]);
        let alice: Vec<_> = inv.resources.iter().filter(|r| r.name == "alice").collect();
        assert_eq!(alice.len(), 1);
        assert!(alice[0].attributes.contains_key("credential_report"));
        assert_eq!(
            &*alice[0].source_of("credential_report").file,
            "report.json"
        );
        assert_eq!(
            &*alice[0].source_of("inline_policy_count").file,
            "authz.json"
        );
    }

    #[test]
    fn password_policy_absent_is_known_null() {
        let bundle = json!({"format": "stratoscope-aws-bundle", "format_version": 1,
            "manifest": {"account_id": "123456789012", "finished_at": "2026-11-28T09:00:00Z"},
            "outputs": [{"service": "iam", "operation": "get-account-password-policy", "region": null, "args": {},
                "exit_code": 254, "output": null, "error": {"code": "NoSuchEntity", "message": "The Password Policy with domain name 123456789012 cannot be found."}}]});
        let inv = scan(bundle);
        let acct = &inv.resources[0];
        assert_eq!(acct.kind, "aws.account");
        assert_eq!(acct.attributes["password_policy"], Value::Null);
        assert_eq!(acct.source.pointer, "/outputs/0/error");
    }

    #[test]
    fn lone_account_outputs_without_an_account_are_notes_not_errors() {
        let inv = scan(json!({"PasswordPolicy": {"MinimumPasswordLength": 8}}));
        assert_eq!(inv.inputs[0].status, crate::report::InputStatus::Recognized);
        assert!(inv.resources.is_empty());
        assert!(
            inv.inputs[0].message.contains("does not name its account"),
            "{}",
            inv.inputs[0].message
        );
    }

    #[test]
    fn security_contact_present_absent_and_other_types() {
        let out = |op: Value, err: Value, kind: &str| {
            json!({"service": "account", "operation": "get-alternate-contact", "region": null,
                "args": {"alternate-contact-type": kind}, "exit_code": if err.is_null() { 0 } else { 254 },
                "output": op, "error": err})
        };
        let bundle = |outputs: Vec<Value>| {
            json!({"format": "stratoscope-aws-bundle", "format_version": 1,
                "manifest": {"account_id": "123456789012", "finished_at": "2026-11-28T09:00:00Z"},
                "outputs": outputs})
        };
        let contact = json!({"AlternateContact": {"AlternateContactType": "SECURITY",
            "EmailAddress": "security@example.com", "Name": "Security team", "PhoneNumber": "+1 555 0100", "Title": "CISO"}});
        let inv = scan(bundle(vec![
            out(contact, Value::Null, "SECURITY"),
            out(
                Value::Null,
                json!({"code": "ResourceNotFoundException", "message": "No contact of the inputted alternate contact type found."}),
                "BILLING",
            ),
        ]));
        let acct = &inv.resources[0];
        assert_eq!(
            acct.attributes["security_contact"]["email_address"],
            json!("security@example.com")
        );
        assert!(acct.attributes["security_contact"]
            .get("alternate_contact_type")
            .is_none());
        let inv = scan(bundle(vec![out(
            Value::Null,
            json!({"code": "ResourceNotFoundException", "message": "No contact of the inputted alternate contact type found."}),
            "SECURITY",
        )]));
        assert_eq!(inv.resources[0].attributes["security_contact"], Value::Null);
    }

    #[test]
    fn base64_and_csv_helpers() {
        assert_eq!(
            base64_decode(&b64(b"hello, world")).as_deref(),
            Some(&b"hello, world"[..])
        );
        assert_eq!(split_csv("a,\"b,c\",\"d\"\"e\""), vec!["a", "b,c", "d\"e"]);
    }
}
