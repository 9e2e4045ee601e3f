//! Synthetic but realistic `get-account-authorization-details` exports for benchmarks: the
//! shapes, nesting and policy sizes of a real account (several versions per policy, inline and
//! attached policies, group membership, trust policies, a sprinkling of misconfigurations), made
//! deterministically from a seed so runs are comparable.

use serde_json::{json, Value};

/// A tiny deterministic generator (xorshift); benchmarks must not depend on a crate's RNG stream.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn pick<'a>(&mut self, items: &'a [&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
}

const SERVICES: &[&str] = &[
    "s3",
    "ec2",
    "iam",
    "kms",
    "lambda",
    "dynamodb",
    "sqs",
    "sns",
    "logs",
    "cloudwatch",
    "rds",
    "ssm",
    "secretsmanager",
    "sts",
];
const VERBS: &[&str] = &[
    "Get", "List", "Describe", "Put", "Create", "Delete", "Update", "Tag",
];
const NOUNS: &[&str] = &[
    "Object",
    "Bucket",
    "Instances",
    "Role",
    "Key",
    "Function",
    "Item",
    "Queue",
    "Topic",
    "LogEvents",
    "Parameter",
    "Secret",
];

fn statement(rng: &mut Rng, account: &str) -> Value {
    let n = 1 + rng.below(6);
    let actions: Vec<String> = (0..n)
        .map(|_| match rng.below(20) {
            0 => format!("{}:*", rng.pick(SERVICES)),
            1 => format!("{}:{}*", rng.pick(SERVICES), rng.pick(VERBS)),
            _ => format!(
                "{}:{}{}",
                rng.pick(SERVICES),
                rng.pick(VERBS),
                rng.pick(NOUNS)
            ),
        })
        .collect();
    let resource = match rng.below(4) {
        0 => json!("*"),
        1 => json!(format!(
            "arn:aws:s3:::data-{}.example.com/*",
            rng.below(500)
        )),
        2 => json!([
            format!(
                "arn:aws:dynamodb:eu-west-1:{account}:table/t{}",
                rng.below(900)
            ),
            format!("arn:aws:sqs:eu-west-1:{account}:q{}", rng.below(900))
        ]),
        _ => json!(format!(
            "arn:aws:iam::{account}:role/app-{}",
            rng.below(3000)
        )),
    };
    let mut s = json!({"Effect": if rng.below(15) == 0 { "Deny" } else { "Allow" }, "Action": actions, "Resource": resource});
    if rng.below(6) == 0 {
        s["Condition"] = json!({"StringEquals": {"aws:RequestedRegion": "eu-west-1"}});
    }
    if rng.below(4) == 0 {
        s["Sid"] = json!(format!("S{}", rng.below(100_000)));
    }
    s
}

fn document(rng: &mut Rng, account: &str) -> Value {
    let n = 1 + rng.below(5);
    json!({"Version": "2012-10-17", "Statement": (0..n).map(|_| statement(rng, account)).collect::<Vec<_>>()})
}

/// An export with about `resources` resources, split like a mature account: many roles and
/// policies, fewer users and groups. `roles`/`policies` override the split when given.
pub fn authorization_details(
    resources: usize,
    roles: Option<usize>,
    policies: Option<usize>,
    seed: u64,
) -> Value {
    let account = "123456789012";
    let mut rng = Rng(seed | 1);
    let n_policies = policies.unwrap_or(resources * 3 / 10);
    let n_roles = roles.unwrap_or(resources * 4 / 10);
    let rest = resources.saturating_sub(n_policies + n_roles);
    let n_groups = (rest / 6).max(1);
    let n_users = rest.saturating_sub(n_groups);
    let policy_arn = |i: usize| format!("arn:aws:iam::{account}:policy/p{i}");
    let attach = |rng: &mut Rng| -> Vec<Value> {
        (0..rng.below(4))
            .map(|_| {
                if n_policies == 0 {
                    0
                } else {
                    rng.below(n_policies as u64) as usize
                }
            })
            .map(|i| json!({"PolicyName": format!("p{i}"), "PolicyArn": policy_arn(i)}))
            .collect()
    };
    let policies: Vec<Value> = (0..n_policies)
        .map(|i| {
            let versions = 1 + rng.below(4) as usize;
            let list: Vec<Value> = (0..versions)
                .map(|v| json!({"Document": document(&mut rng, account), "VersionId": format!("v{}", versions - v), "IsDefaultVersion": v == 0, "CreateDate": "2024-01-01T00:00:00+00:00"}))
                .collect();
            let mut p = json!({"PolicyName": format!("p{i}"), "PolicyId": format!("ANPA{i:016}"), "Arn": policy_arn(i), "Path": "/", "DefaultVersionId": format!("v{versions}"),
                "AttachmentCount": rng.below(5), "PermissionsBoundaryUsageCount": 0, "IsAttachable": true,
                "CreateDate": "2023-01-01T00:00:00+00:00", "UpdateDate": "2024-01-01T00:00:00+00:00", "PolicyVersionList": list});
            if i % 97 == 0 {
                p["PolicyVersionList"][0]["Document"] = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]});
            }
            p
        })
        .collect();
    let groups: Vec<Value> = (0..n_groups)
        .map(|i| json!({"Path": "/", "GroupName": format!("g{i}"), "GroupId": format!("AGPA{i:016}"), "Arn": format!("arn:aws:iam::{account}:group/g{i}"),
            "CreateDate": "2023-01-01T00:00:00+00:00", "GroupPolicyList": [], "AttachedManagedPolicies": attach(&mut rng)}))
        .collect();
    let users: Vec<Value> = (0..n_users)
        .map(|i| {
            let inline: Vec<Value> = (0..rng.below(2)).map(|k| json!({"PolicyName": format!("u{i}-inline{k}"), "PolicyDocument": document(&mut rng, account)})).collect();
            let groups: Vec<String> = (0..rng.below(3)).map(|_| format!("g{}", rng.below(n_groups as u64))).collect();
            json!({"Path": "/", "UserName": format!("user{i}"), "UserId": format!("AIDA{i:016}"), "Arn": format!("arn:aws:iam::{account}:user/user{i}"),
                "CreateDate": "2023-01-01T00:00:00+00:00", "UserPolicyList": inline, "GroupList": groups, "AttachedManagedPolicies": attach(&mut rng),
                "Tags": [{"Key": "team", "Value": format!("t{}", rng.below(40))}]})
        })
        .collect();
    let roles: Vec<Value> = (0..n_roles)
        .map(|i| {
            let principal = match rng.below(10) {
                0 => json!({"AWS": format!("arn:aws:iam::{}:root", 111_122_223_333u64 + rng.below(5))}),
                1 => json!({"Federated": "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"}),
                _ => json!({"Service": format!("{}.amazonaws.com", rng.pick(&["ec2", "lambda", "ecs-tasks", "glue"]))}),
            };
            let trust = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}]});
            let inline: Vec<Value> = (0..rng.below(2)).map(|k| json!({"PolicyName": format!("r{i}-inline{k}"), "PolicyDocument": document(&mut rng, account)})).collect();
            json!({"Path": "/", "RoleName": format!("app-{i}"), "RoleId": format!("AROA{i:016}"), "Arn": format!("arn:aws:iam::{account}:role/app-{i}"),
                "CreateDate": "2023-01-01T00:00:00+00:00", "AssumeRolePolicyDocument": trust, "InstanceProfileList": [], "RolePolicyList": inline,
                "AttachedManagedPolicies": attach(&mut rng), "Tags": [], "RoleLastUsed": {"LastUsedDate": "2024-06-01T00:00:00+00:00", "Region": "eu-west-1"}})
        })
        .collect();
    json!({"UserDetailList": users, "GroupDetailList": groups, "RoleDetailList": roles, "Policies": policies})
}

/// Grows an export until its serialised size reaches `bytes`, for the "100 MB" row.
pub fn authorization_details_of_size(bytes: usize, seed: u64) -> Vec<u8> {
    // Roughly 1.1 KB per resource in this generator; aim, then top up if short.
    let mut n = bytes / 1100;
    loop {
        let out =
            serde_json::to_vec(&authorization_details(n, None, None, seed)).unwrap_or_default();
        if out.len() >= bytes || n > 10_000_000 {
            return out;
        }
        n = n * bytes / out.len().max(1) + 100;
    }
}
