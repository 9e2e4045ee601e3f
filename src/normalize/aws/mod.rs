//! AWS CLI outputs, however they arrive: alone (`aws ec2 describe-security-groups > sg.json`),
//! inside the collector's bundle (`collectors/aws.sh`, see docs/bundle-format.md), or as a
//! botocore recording (`{"status_code": 200, "data": …}`). AWS Config items live in [`config`].
//!
//! Each service module owns its commands in a `COMMANDS` table: the CLI service and operation,
//! the top-level keys that identify a lone output, the resource kinds it yields, the error codes
//! that mean "not configured", and one normalising function. Adding a command means adding a
//! table row; detection, bundles, recordings and coverage hints all read the same table.
//!
//! Resources are emitted as fragments: `get-bucket-policy` yields the bucket with only its
//! `policy` attribute. The inventory stage merges fragments with the same kind and id, so every
//! attribute keeps the file and pointer it came from.

pub mod account_services;
pub mod bundle;
pub mod cloudtrail;
pub mod config;
pub mod ec2;
pub mod efs;
pub mod iam_account;
pub mod kms;
pub mod lambda;
pub mod monitoring;
pub mod organizations;
pub mod rds;
pub mod reads;
pub mod s3;
pub mod secretsmanager;
pub mod sns_sqs;

use super::NormalizeError;
use crate::time::Epoch;
use crate::{Facts, Resource, Source};
use serde_json::{Map, Value};
use std::cell::RefCell;

/// What a normaliser is given for one call.
#[derive(Debug, Clone, Copy)]
pub enum Reply<'a> {
    /// The call's JSON output.
    Output(&'a Value),
    /// The call failed with an error code the command lists in `absent_codes`: the setting is
    /// known not to exist (for example `NoSuchBucketPolicy`). Normalisers record an explicit
    /// `null`, which rules read as "known to be absent", unlike a missing key ("not collected").
    Absent(&'a str),
}

/// The context of one call: where it sits, and what the bundle says about it.
pub struct Cx<'a> {
    pub file: &'a str,
    /// JSON pointer of the output (or of the error, for [`Reply::Absent`]) within the file.
    pub pointer: String,
    /// The account the call ran in, from the bundle manifest; `None` for a lone output.
    pub account: Option<&'a str>,
    pub partition: &'a str,
    /// The region the call ran in; `None` for global calls and lone outputs.
    pub region: Option<&'a str>,
    /// The identifying parameters (`bucket`, `key-id`, `function-name`, …).
    pub args: Option<&'a Map<String, Value>>,
    /// The export's own time, for age-based facts.
    pub as_of: Option<Epoch>,
    /// Remarks for the input's verdict, e.g. "this output names no bucket".
    notes: RefCell<Vec<String>>,
}

impl<'a> Cx<'a> {
    pub fn new(file: &'a str, pointer: impl Into<String>) -> Cx<'a> {
        Cx {
            file,
            pointer: pointer.into(),
            account: None,
            partition: "aws",
            region: None,
            args: None,
            as_of: None,
            notes: RefCell::new(Vec::new()),
        }
    }

    pub fn source(&self, ptr: &str) -> Source {
        Source {
            file: crate::model::shared_file(self.file),
            pointer: ptr.to_string(),
        }
    }

    /// Pointer of a token below the output, e.g. `cx.at("SecurityGroups/3")`.
    pub fn at(&self, rel: &str) -> String {
        if rel.is_empty() {
            self.pointer.clone()
        } else {
            rel.split('/')
                .fold(self.pointer.clone(), |p, t| crate::pointer::join(&p, t))
        }
    }

    /// An identifying parameter the call was made with.
    pub fn arg(&self, name: &str) -> Option<&'a str> {
        self.args?.get(name)?.as_str()
    }

    /// Like [`Cx::arg`], but when it is missing (a lone per-resource output such as
    /// `get-bucket-policy`, which does not name its bucket) records why nothing was read.
    pub fn arg_or_note(&self, name: &str, command: &str) -> Option<&'a str> {
        let v = self.arg(name);
        if v.is_none() {
            self.note(format!(
                "`aws {command}` output does not say which {name} it describes, so it cannot be \
                 attached to one; collect it with collectors/aws.sh, whose bundle records the {name}"
            ));
        }
        v
    }

    pub fn note(&self, message: String) {
        let mut notes = self.notes.borrow_mut();
        if !notes.contains(&message) {
            notes.push(message);
        }
    }

    pub fn take_notes(&self) -> Vec<String> {
        std::mem::take(&mut *self.notes.borrow_mut())
    }

    /// `arn:aws:{service}:{region}:{account}:{resource}`; account and region stay empty when
    /// unknown, as in a lone output.
    pub fn arn(&self, service: &str, region: Option<&str>, resource: &str) -> String {
        format!(
            "arn:{}:{service}:{}:{}:{resource}",
            self.partition,
            region.unwrap_or(""),
            self.account.unwrap_or("")
        )
    }

    /// A resource fragment with provenance; `region` overrides the call's region when the item
    /// says where it lives (an instance's availability zone, a trail's home region).
    pub fn resource(
        &self,
        kind: &str,
        id: impl Into<String>,
        name: impl Into<String>,
        region: Option<&str>,
        ptr: &str,
        attributes: impl Into<crate::attribute_map::AttributeMap>,
    ) -> Resource {
        let id = id.into();
        Resource {
            provider: "aws".into(),
            kind: kind.into(),
            account: self
                .account
                .map(str::to_string)
                .or_else(|| crate::iam::policy::account_of_arn(&id)),
            region: region.or(self.region).map(str::to_string),
            id,
            name: name.into(),
            attributes: attributes.into(),
            source: self.source(ptr),
            sources: Default::default(),
            facts: Facts::default(),
            typed: Default::default(),
        }
    }

    /// The account-wide settings resource (`aws.account`, id `arn:aws:iam::ACCOUNT:root`, as the
    /// credential report names the root user), or `None` with a note when the account is unknown.
    pub fn account_resource(
        &self,
        command: &str,
        ptr: &str,
        attributes: impl Into<crate::attribute_map::AttributeMap>,
    ) -> Option<Resource> {
        let Some(account) = self.account else {
            self.note(format!(
                "`aws {command}` output does not name its account; collect it with \
                 collectors/aws.sh, whose bundle records the account"
            ));
            return None;
        };
        Some(self.resource(
            "aws.account",
            account_id(self.partition, account),
            format!("account {account}"),
            Some("global"),
            ptr,
            attributes,
        ))
    }

    /// The per-region settings resource (`aws.region`, id `ACCOUNT/REGION`): EBS default
    /// encryption, AWS Config recorders, GuardDuty, Security Hub, Access Analyzer.
    pub fn region_resource(
        &self,
        command: &str,
        ptr: &str,
        attributes: impl Into<crate::attribute_map::AttributeMap>,
    ) -> Option<Resource> {
        let (Some(account), Some(region)) = (self.account, self.region) else {
            self.note(format!(
                "`aws {command}` output does not name its account and region; collect it with \
                 collectors/aws.sh, whose bundle records both"
            ));
            return None;
        };
        Some(self.resource(
            "aws.region",
            region_id(account, region),
            format!("{region} ({account})"),
            Some(region),
            ptr,
            attributes,
        ))
    }
}

pub fn account_id(partition: &str, account: &str) -> String {
    format!("arn:{partition}:iam::{account}:root")
}

pub fn region_id(account: &str, region: &str) -> String {
    format!("{account}/{region}")
}

pub type NormalizeFn = fn(&Cx, Reply) -> Result<Vec<Resource>, NormalizeError>;

/// One AWS CLI command the engine reads.
pub struct Command {
    /// Stable format id shown to users, e.g. `aws-ec2-describe-security-groups`.
    pub id: &'static str,
    /// CLI service and operation as typed: `s3api`, `get-bucket-policy`.
    pub service: &'static str,
    pub operation: &'static str,
    /// Top-level keys that, all present, identify this command's output when it arrives alone.
    /// Empty when a lone output cannot be told apart from other commands'.
    pub signature: &'static [&'static str],
    /// Resource kinds the command yields, for coverage hints.
    pub kinds: &'static [&'static str],
    /// Error codes meaning "this setting does not exist" rather than "could not read".
    pub absent_codes: &'static [&'static str],
    pub normalize: NormalizeFn,
}

impl Command {
    /// `aws s3api get-bucket-policy`, as a user would type it.
    pub fn cli(&self) -> String {
        format!("aws {} {}", self.service, self.operation)
    }
}

/// Every command table, one per service module.
const TABLES: &[&[Command]] = &[
    IAM,
    iam_account::COMMANDS,
    s3::COMMANDS,
    ec2::COMMANDS,
    rds::COMMANDS,
    cloudtrail::COMMANDS,
    kms::COMMANDS,
    lambda::COMMANDS,
    monitoring::COMMANDS,
    account_services::COMMANDS,
    efs::COMMANDS,
    sns_sqs::COMMANDS,
    secretsmanager::COMMANDS,
    organizations::COMMANDS,
];

/// Every service module's AWS Config types.
pub(crate) const CONFIG_TABLES: &[&[config::ConfigType]] = &[
    iam_account::CONFIG,
    s3::CONFIG,
    ec2::CONFIG,
    rds::CONFIG,
    cloudtrail::CONFIG,
    kms::CONFIG,
    lambda::CONFIG,
    monitoring::CONFIG,
    account_services::CONFIG,
    efs::CONFIG,
    sns_sqs::CONFIG,
    secretsmanager::CONFIG,
];

/// Cross-output facts of every service, after all inputs are merged and before IAM's own
/// derivation (which may read them).
pub fn derive(resources: &mut Vec<Resource>) {
    for f in [
        iam_account::derive,
        s3::derive,
        ec2::derive,
        rds::derive,
        cloudtrail::derive,
        kms::derive,
        lambda::derive,
        monitoring::derive,
        account_services::derive,
        efs::derive,
        sns_sqs::derive,
        secretsmanager::derive,
        organizations::derive,
    ] {
        f(resources);
    }
}

/// `get-account-authorization-details` predates this table; its normaliser lives beside it.
const IAM: &[Command] = &[
    Command {
        id: "aws-iam-authorization-details",
        service: "iam",
        operation: "get-account-authorization-details",
        signature: &[],
        kinds: &[
            "aws.iam.user",
            "aws.iam.group",
            "aws.iam.role",
            "aws.iam.policy",
        ],
        absent_codes: &[],
        normalize: authz,
    },
    Command {
        id: "aws-iam-get-role",
        service: "iam",
        operation: "get-role",
        signature: &["Role"],
        kinds: &["aws.iam.role"],
        absent_codes: &[],
        normalize: get_role,
    },
];

fn get_role(cx: &Cx, reply: Reply) -> Result<Vec<Resource>, NormalizeError> {
    match reply {
        Reply::Output(doc) => {
            let (rs, notes) = super::aws_iam_authz::lone_role(doc, cx.file, &cx.pointer)?;
            for n in notes {
                cx.note(n);
            }
            Ok(rs)
        }
        Reply::Absent(_) => Ok(Vec::new()),
    }
}

fn authz(cx: &Cx, reply: Reply) -> Result<Vec<Resource>, NormalizeError> {
    match reply {
        Reply::Output(doc) => super::aws_iam_authz::normalize(doc, cx.file, &cx.pointer),
        Reply::Absent(_) => Ok(Vec::new()),
    }
}

/// Whether [`normalize_output_text`] reads `command`'s output: authorization details, the
/// largest output of a bundle by far, whose tree would cost more than its reading.
pub fn reads_text(command: &Command) -> bool {
    command.id == IAM[0].id
}

/// What `command`'s normaliser reads of its output (see [`reads`]): everything, unless
/// declared.
pub fn output_reads(command: &Command) -> &'static reads::Reads {
    match (command.service, command.operation) {
        ("ec2", "describe-instances") => &ec2::DESCRIBE_INSTANCES_READS,
        _ => &reads::Reads::All,
    }
}

/// A lone output file read from its text into a tree of what its normaliser reads (see
/// [`reads`]), for the commands whose reads are declared and whose output is known by one key:
/// the command and the tree; `None` for any other file.
pub fn lone_output(text: &str) -> Option<(&'static Command, Value)> {
    commands()
        .filter_map(|c| match (output_reads(c), c.signature) {
            (reads @ reads::Reads::Keys(_), [key]) => Some((c, *key, reads)),
            _ => None,
        })
        .find_map(|(c, key, reads)| bundle::lone_output_tree(text, key, reads).map(|t| (c, t)))
}

/// `command`'s output read from its text, found in the file at `cx.pointer`, `depth`
/// containers deep. `None` when the text is not surely what serde_json reads into a tree (or
/// the command has no text reader): the caller then reads it as a tree.
pub fn normalize_output_text(
    command: &Command,
    cx: &Cx,
    text: &str,
    depth: usize,
) -> Option<Result<super::aws_iam_authz::Read, NormalizeError>> {
    if !reads_text(command) {
        return None;
    }
    super::aws_iam_authz::normalize_output_text(text, cx.file, &cx.pointer, depth)
}

pub fn commands() -> impl Iterator<Item = &'static Command> {
    TABLES.iter().flat_map(|t| t.iter())
}

pub fn command_by_id(id: &str) -> Option<&'static Command> {
    commands().find(|c| c.id == id)
}

pub fn command_for(service: &str, operation: &str) -> Option<&'static Command> {
    commands_for(service, operation).next()
}

/// Every table row for a CLI command: an output may serve several services' facts.
pub fn commands_for<'a>(
    service: &'a str,
    operation: &'a str,
) -> impl Iterator<Item = &'static Command> + 'a {
    commands().filter(move |c| c.service == service && c.operation == operation)
}

/// Keys every AWS response may carry that say nothing about its shape.
const NOISE: [&str; 5] = [
    "ResponseMetadata",
    "NextToken",
    "Marker",
    "IsTruncated",
    "NextMarker",
];

/// A botocore recording wraps the response: `{"status_code": 200, "data": {…}}`.
pub fn unwrap_recording(doc: &Value) -> Option<&Value> {
    let m = doc.as_object()?;
    if m.len() == 2 && m.get("status_code").is_some_and(Value::is_number) {
        m.get("data").filter(|d| d.is_object())
    } else {
        None
    }
}

/// The command whose lone output has this shape. The most specific signature wins, so that
/// `{"Policy", "RevisionId"}` (Lambda) beats `{"Policy"}` (S3).
pub fn detect_output(doc: &Value) -> Option<&'static Command> {
    let m = doc.as_object()?;
    if m.keys().all(|k| NOISE.contains(&k.as_str())) {
        return None;
    }
    commands()
        .filter(|c| !c.signature.is_empty() && c.signature.iter().all(|k| m.contains_key(*k)))
        .max_by_key(|c| c.signature.len())
}

/// Where to get the resources of a kind, for coverage hints.
pub fn command_for_kind(kind: &str) -> Option<&'static Command> {
    commands().find(|c| c.kinds.contains(&kind))
}

/// Normalises one lone CLI output (possibly inside a botocore recording).
pub fn normalize_output(
    command: &Command,
    doc: &Value,
    file: &str,
    base: &str,
) -> Result<(Vec<Resource>, Vec<String>), NormalizeError> {
    let (doc, base) = match unwrap_recording(doc) {
        Some(data) => (data, crate::pointer::join(base, "data")),
        None => (doc, base.to_string()),
    };
    let cx = Cx::new(file, base);
    let resources = (command.normalize)(&cx, Reply::Output(doc))?;
    Ok((resources, cx.take_notes()))
}

// ---- small readers shared by the service normalisers ----

/// The string at `key`, if any.
pub fn str_at<'v>(m: &'v Map<String, Value>, key: &str) -> Option<&'v str> {
    m.get(key).and_then(Value::as_str)
}

/// A required string, with a located error when absent.
pub fn required<'v>(
    m: &'v Map<String, Value>,
    key: &str,
    ptr: &str,
) -> Result<&'v str, NormalizeError> {
    str_at(m, key).ok_or_else(|| NormalizeError {
        pointer: ptr.to_string(),
        message: format!("entry has no {key} string"),
    })
}

/// One entry of a response list, with its pointer.
pub type Entry<'v> = (String, &'v Map<String, Value>);

/// The array at `key` of a response, with a located error when it is not an array; a missing
/// key is an empty list (the CLI omits empty lists for some commands).
pub fn list<'v>(doc: &'v Value, key: &str, cx: &Cx) -> Result<Vec<Entry<'v>>, NormalizeError> {
    let ptr = cx.at(key);
    let Some(v) = doc.get(key) else {
        return Ok(Vec::new());
    };
    let items = v.as_array().ok_or_else(|| NormalizeError {
        pointer: ptr.clone(),
        message: format!("{key} must be an array"),
    })?;
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let p = crate::pointer::join(&ptr, i);
            item.as_object()
                .map(|o| (p.clone(), o))
                .ok_or_else(|| NormalizeError {
                    pointer: p,
                    message: format!("{key} entries must be objects"),
                })
        })
        .collect()
}

/// A JSON document that AWS hands over as a string (bucket and key policies, ACLs in Config
/// items); `null` when it is not valid JSON, so the raw text is never mistaken for a policy.
pub fn json_string(v: &Value) -> Value {
    match v {
        Value::String(s) => serde_json::from_str(s).unwrap_or(Value::Null),
        other => other.clone(),
    }
}

/// The region of an availability zone (`eu-west-1a` → `eu-west-1`; `use1-az1` ids stay as is).
pub fn region_of_zone(zone: &str) -> &str {
    zone.strip_suffix(|c: char| c.is_ascii_lowercase())
        .filter(|r| r.ends_with(|c: char| c.is_ascii_digit()))
        .unwrap_or(zone)
}

/// A key in `snake_case` from AWS's `PascalCase` or Config's `camelCase`, so one attribute name
/// serves both shapes.
///
/// Only ASCII letters and digits decide, so the neighbours of an upper-case letter are read as
/// bytes: a byte of a non-ASCII character is neither, as the character itself is not.
pub fn snake(key: &str) -> String {
    let bytes = key.as_bytes();
    let mut out = String::with_capacity(key.len() + 4);
    for (i, c) in key.char_indices() {
        if c.is_ascii_uppercase() {
            let prev = i.checked_sub(1).and_then(|p| bytes.get(p));
            let prev_lower = prev.is_some_and(|p| p.is_ascii_lowercase() || p.is_ascii_digit());
            let prev_upper = prev.is_some_and(u8::is_ascii_uppercase);
            let next_lower = bytes.get(i + 1).is_some_and(u8::is_ascii_lowercase);
            if prev_lower || (prev_upper && next_lower) {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// The value at `key`, matched regardless of case: one reader for the CLI's PascalCase and
/// Config's camelCase when AWS capitalises acronyms inconsistently (`DBSubnetGroup`,
/// `dBSubnetGroup`, `dbsubnetGroup`; `IAMDatabaseAuthenticationEnabled`,
/// `iAMDatabaseAuthenticationEnabled`), which [`snake`] cannot bring together.
pub fn field<'v>(m: &'v Map<String, Value>, key: &str) -> Option<&'v Value> {
    m.get(key).or_else(|| {
        m.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v)
    })
}

/// Copies the `(AWS key, attribute)` pairs an entry states (explicit `null` included) into
/// `out`, reading keys through [`field`].
pub fn copy_fields(m: &Map<String, Value>, pairs: &[(&str, &str)], out: &mut Map<String, Value>) {
    for (key, attr) in pairs {
        if let Some(v) = field(m, key) {
            out.insert((*attr).to_string(), v.clone());
        }
    }
}

/// The value at `key`, or `default` when the entry leaves it out: for settings the API omits
/// when they are unset (no `KmsKeyId` when unencrypted), whose absence is itself a known fact.
pub fn field_or(m: &Map<String, Value>, key: &str, default: Value) -> Value {
    field(m, key).cloned().unwrap_or(default)
}

/// Normalises one lone output of the command with this id, for the service modules' tests.
#[cfg(test)]
pub(crate) fn lone(command: &str, doc: Value) -> (Vec<Resource>, Vec<String>) {
    let c = command_by_id(command).expect("command");
    normalize_output(c, &doc, "f.json", "").expect("normalises")
}

/// The region field (fourth) of an ARN, when it names one.
pub fn region_of_arn(arn: &str) -> Option<&str> {
    arn.strip_prefix("arn:")?
        .split(':')
        .nth(2)
        .filter(|r| !r.is_empty())
}

/// A resource policy (key policy, function policy, bucket or topic policy) as the statement
/// list rules read, parsed by the IAM engine. `other_account` on each principal is judged
/// against `owner`, and left out when the owner is unknown, so that a lone output says
/// "unknown" rather than "same account". A document that does not parse leaves the policy
/// unknown with a note, rather than failing the whole file.
pub fn resource_policy(
    cx: &Cx,
    raw: &Value,
    ptr: &str,
    name: &str,
    owner: Option<&str>,
) -> Option<Value> {
    let policy = crate::iam::policy::PolicyRef {
        name: name.to_string(),
        arn: None,
        kind: "resource".into(),
        via_group: None,
    };
    let statements = match crate::iam::policy::parse_document(raw, &cx.source(ptr), &policy) {
        Ok((_, statements)) => statements,
        Err(e) => {
            cx.note(format!("{name} could not be read: {e}"));
            return None;
        }
    };
    let mut value = serde_json::to_value(statements).ok()?;
    for stmt in value.as_array_mut().into_iter().flatten() {
        for key in ["principals", "not_principals"] {
            let Some(Value::Array(principals)) = stmt.get_mut(key) else {
                continue;
            };
            for p in principals.iter_mut().filter_map(Value::as_object_mut) {
                match owner {
                    Some(own) => {
                        let other = p
                            .get("account")
                            .and_then(Value::as_str)
                            .is_some_and(|a| a != own);
                        p.insert("other_account".into(), Value::Bool(other));
                    }
                    None => {
                        p.remove("other_account");
                    }
                }
            }
        }
    }
    Some(value)
}

/// Deep copy with every object key in `snake_case`: the generic shape for attributes whose AWS
/// structure is already what a rule needs (a security group's permissions, a trail's selectors).
pub fn snake_keys(v: &Value) -> Value {
    match v {
        Value::Object(m) => {
            Value::Object(m.iter().map(|(k, v)| (snake(k), snake_keys(v))).collect())
        }
        Value::Array(a) => Value::Array(a.iter().map(snake_keys).collect()),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn snake_case_from_both_spellings() {
        assert_eq!(snake("IpPermissions"), "ip_permissions");
        assert_eq!(snake("ipPermissions"), "ip_permissions");
        assert_eq!(snake("CidrIp"), "cidr_ip");
        assert_eq!(snake("KMSMasterKeyID"), "kms_master_key_id");
        assert_eq!(snake("SSEAlgorithm"), "sse_algorithm");
        assert_eq!(snake("HttpTokens"), "http_tokens");
        assert_eq!(snake("Ipv6Ranges"), "ipv6_ranges");
        assert_eq!(snake("already_snake"), "already_snake");
        assert_eq!(snake("ÉtatIP"), "État_ip");
        assert_eq!(snake("NamÉTag"), "namÉtag");
        assert_eq!(snake("ZoneÅBc"), "zoneÅbc");
        assert_eq!(snake("Ab1Cd"), "ab1_cd");
        assert_eq!(
            snake_keys(&json!({"IpRanges": [{"CidrIp": "0.0.0.0/0"}]})),
            json!({"ip_ranges": [{"cidr_ip": "0.0.0.0/0"}]})
        );
    }

    #[test]
    fn zones_to_regions() {
        assert_eq!(region_of_zone("eu-west-1a"), "eu-west-1");
        assert_eq!(region_of_zone("us-gov-west-1b"), "us-gov-west-1");
        assert_eq!(region_of_zone("use1-az1"), "use1-az1");
    }

    #[test]
    fn recordings_unwrap() {
        let rec = json!({"status_code": 200, "data": {"Buckets": []}});
        assert_eq!(unwrap_recording(&rec), Some(&json!({"Buckets": []})));
        assert_eq!(unwrap_recording(&json!({"data": {}})), None);
    }

    #[test]
    fn fields_match_either_spelling() {
        let cli =
            json!({"DBSubnetGroup": {"VpcId": "vpc-1"}, "IAMDatabaseAuthenticationEnabled": true});
        let config =
            json!({"dBSubnetGroup": {"vpcId": "vpc-1"}, "iAMDatabaseAuthenticationEnabled": true});
        for doc in [cli, config] {
            let m = doc.as_object().expect("object");
            let group = field(m, "DBSubnetGroup")
                .and_then(Value::as_object)
                .expect("group");
            assert_eq!(field(group, "VpcId"), Some(&json!("vpc-1")));
            assert_eq!(
                field(m, "IAMDatabaseAuthenticationEnabled"),
                Some(&json!(true))
            );
        }
        assert_eq!(
            region_of_arn("arn:aws:rds:eu-west-1:123456789012:db:x"),
            Some("eu-west-1")
        );
        assert_eq!(region_of_arn("arn:aws:iam::123456789012:root"), None);
    }

    #[test]
    fn resource_policies_judge_accounts_only_when_the_owner_is_known() {
        let doc = json!({"Statement": [{"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*",
            "Principal": {"AWS": ["arn:aws:iam::111122223333:root", "arn:aws:iam::123456789012:root"]}}]});
        let cx = Cx::new("k.json", "");
        let known = resource_policy(&cx, &doc, "/Policy", "key policy", Some("123456789012"))
            .expect("parses");
        assert_eq!(known[0]["principals"][0]["other_account"], json!(true));
        assert_eq!(known[0]["principals"][1]["other_account"], json!(false));
        assert_eq!(known[0]["source"]["pointer"], json!("/Policy/Statement/0"));
        let unknown = resource_policy(&cx, &doc, "/Policy", "key policy", None).expect("parses");
        assert!(unknown[0]["principals"][0].get("other_account").is_none());
        assert!(resource_policy(&cx, &json!("{not json"), "/Policy", "key policy", None).is_none());
        assert!(cx.take_notes()[0].contains("key policy could not be read"));
    }

    #[test]
    fn lone_arg_missing_is_a_note() {
        let cx = Cx::new("f.json", "");
        assert_eq!(cx.arg_or_note("bucket", "s3api get-bucket-policy"), None);
        let notes = cx.take_notes();
        assert_eq!(notes.len(), 1);
        assert!(notes[0].contains("collectors/aws.sh"), "{notes:?}");
    }
}
