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

/// One bundle output entry, as `collectors/aws.sh` records a call.
fn call(service: &str, operation: &str, region: &str, args: Value, output: Value) -> Value {
    json!({"service": service, "operation": operation, "region": region, "args": args,
        "exit_code": 0, "output": output, "error": null})
}

fn failed(service: &str, operation: &str, region: &str, args: Value, code: &str) -> Value {
    json!({"service": service, "operation": operation, "region": region, "args": args,
        "exit_code": 254, "output": null,
        "error": {"code": code, "message": format!("An error occurred ({code}) when calling the operation")}})
}

fn hex(rng: &mut Rng, n: usize) -> String {
    (0..n)
        .map(|_| char::from_digit(rng.below(16) as u32, 16).unwrap_or('0'))
        .collect()
}

fn instance(rng: &mut Rng, region: &str, i: usize, sgs: usize) -> Value {
    let id = format!("i-{i:017x}");
    let sg = format!("sg-{:017x}", rng.below(sgs as u64));
    let public = rng.below(5) == 0;
    let mut inst = json!({"InstanceId": id, "ImageId": format!("ami-{}", hex(rng, 17)), "InstanceType": rng.pick(&["t3.micro", "m5.large", "c6i.xlarge", "r6g.2xlarge"]),
        "LaunchTime": "2026-10-01T08:00:00+00:00", "Placement": {"AvailabilityZone": format!("{region}a"), "GroupName": "", "Tenancy": "default"},
        "PrivateIpAddress": format!("10.{}.{}.{}", rng.below(256), rng.below(256), rng.below(256)), "State": {"Code": 16, "Name": "running"},
        "SubnetId": format!("subnet-{:017x}", rng.below(64)), "VpcId": format!("vpc-{:017x}", rng.below(8)),
        "BlockDeviceMappings": [{"DeviceName": "/dev/xvda", "Ebs": {"AttachTime": "2026-10-01T08:00:01+00:00", "DeleteOnTermination": true, "Status": "attached", "VolumeId": format!("vol-{i:017x}")}}],
        "NetworkInterfaces": [{"NetworkInterfaceId": format!("eni-{i:017x}"), "PrivateIpAddresses": [{"Primary": true, "PrivateIpAddress": "10.0.0.10"}], "Groups": [{"GroupName": "app", "GroupId": sg}]}],
        "SecurityGroups": [{"GroupName": "app", "GroupId": sg}],
        "MetadataOptions": {"State": "applied", "HttpTokens": if rng.below(3) == 0 { "optional" } else { "required" }, "HttpPutResponseHopLimit": 1, "HttpEndpoint": "enabled"},
        "Tags": [{"Key": "Name", "Value": format!("app-{i}")}, {"Key": "team", "Value": format!("t{}", rng.below(40))}]});
    if public {
        inst["PublicIpAddress"] = json!(format!("198.51.100.{}", rng.below(250)));
    }
    if rng.below(2) == 0 {
        inst["IamInstanceProfile"] = json!({"Arn": format!("arn:aws:iam::123456789012:instance-profile/app-{}", rng.below(500)), "Id": format!("AIPA{}", hex(rng, 16))});
    }
    json!({"Groups": [], "OwnerId": "123456789012", "ReservationId": format!("r-{i:017x}"), "Instances": [inst]})
}

fn security_group(rng: &mut Rng, i: usize) -> Value {
    let rules: Vec<Value> = (0..1 + rng.below(4))
        .map(|_| {
            let port = [22, 80, 443, 3389, 5432, 8080][rng.below(6) as usize];
            let cidr = if rng.below(4) == 0 { "0.0.0.0/0".to_string() } else { format!("10.{}.0.0/16", rng.below(256)) };
            json!({"FromPort": port, "IpProtocol": "tcp", "IpRanges": [{"CidrIp": cidr}], "Ipv6Ranges": [], "PrefixListIds": [], "ToPort": port, "UserIdGroupPairs": []})
        })
        .collect();
    json!({"Description": format!("security group {i}"), "GroupName": format!("sg-{i}"), "IpPermissions": rules, "OwnerId": "123456789012",
        "GroupId": format!("sg-{i:017x}"), "IpPermissionsEgress": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}], "Ipv6Ranges": [], "PrefixListIds": [], "UserIdGroupPairs": []}],
        "Tags": [], "VpcId": format!("vpc-{:017x}", rng.below(8))})
}

fn volume(rng: &mut Rng, region: &str, i: usize) -> Value {
    json!({"Attachments": [{"AttachTime": "2026-10-01T08:00:01+00:00", "Device": "/dev/xvda", "InstanceId": format!("i-{i:017x}"), "State": "attached", "VolumeId": format!("vol-{i:017x}"), "DeleteOnTermination": true}],
        "AvailabilityZone": format!("{region}a"), "CreateTime": "2026-10-01T08:00:00.000Z", "Encrypted": rng.below(4) != 0, "Size": 8 + rng.below(500),
        "SnapshotId": "", "State": "in-use", "VolumeId": format!("vol-{i:017x}"), "Iops": 3000, "VolumeType": "gp3"})
}

/// The per-bucket calls the collector makes, some answered with "not configured" errors.
fn bucket_calls(rng: &mut Rng, name: &str, out: &mut Vec<Value>) {
    let r = "us-east-1";
    let args = json!({"bucket": name});
    out.push(call(
        "s3api",
        "get-bucket-location",
        r,
        args.clone(),
        json!({"LocationConstraint": rng.pick(&["eu-west-1", "us-east-2"])}),
    ));
    if rng.below(3) == 0 {
        let public = rng.below(10) == 0;
        let policy = json!({"Version": "2012-10-17", "Statement": [
            {"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": [format!("arn:aws:s3:::{name}"), format!("arn:aws:s3:::{name}/*")], "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
            {"Sid": "Read", "Effect": "Allow", "Principal": if public { json!("*") } else { json!({"AWS": "arn:aws:iam::111122223333:root"}) }, "Action": "s3:GetObject", "Resource": format!("arn:aws:s3:::{name}/*")}]});
        out.push(call(
            "s3api",
            "get-bucket-policy",
            r,
            args.clone(),
            json!({"Policy": policy.to_string()}),
        ));
        out.push(call(
            "s3api",
            "get-bucket-policy-status",
            r,
            args.clone(),
            json!({"PolicyStatus": {"IsPublic": public}}),
        ));
    } else {
        out.push(failed(
            "s3api",
            "get-bucket-policy",
            r,
            args.clone(),
            "NoSuchBucketPolicy",
        ));
    }
    let owner = json!({"DisplayName": "example-owner", "ID": "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0"});
    out.push(call("s3api", "get-bucket-acl", r, args.clone(), json!({"Owner": owner, "Grants": [{"Grantee": {"DisplayName": "example-owner", "ID": owner["ID"], "Type": "CanonicalUser"}, "Permission": "FULL_CONTROL"}]})));
    if rng.below(2) == 0 {
        out.push(call("s3api", "get-public-access-block", r, args.clone(), json!({"PublicAccessBlockConfiguration": {"BlockPublicAcls": true, "IgnorePublicAcls": true, "BlockPublicPolicy": true, "RestrictPublicBuckets": true}})));
    } else {
        out.push(failed(
            "s3api",
            "get-public-access-block",
            r,
            args.clone(),
            "NoSuchPublicAccessBlockConfiguration",
        ));
    }
    out.push(call("s3api", "get-bucket-encryption", r, args.clone(), json!({"ServerSideEncryptionConfiguration": {"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}, "BucketKeyEnabled": false}]}})));
    out.push(call(
        "s3api",
        "get-bucket-versioning",
        r,
        args.clone(),
        if rng.below(2) == 0 {
            json!({"Status": "Enabled"})
        } else {
            json!({})
        },
    ));
    out.push(call(
        "s3api",
        "get-bucket-logging",
        r,
        args.clone(),
        json!({}),
    ));
    out.push(call(
        "s3api",
        "get-bucket-ownership-controls",
        r,
        args.clone(),
        json!({"OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}}),
    ));
    out.push(failed(
        "s3api",
        "get-bucket-lifecycle-configuration",
        r,
        args,
        "NoSuchLifecycleConfiguration",
    ));
}

/// A collector bundle (`collectors/aws.sh`) of an account at scale `n`: authorization details
/// with `n` IAM resources, and per region EC2 instances, security groups and volumes, plus S3
/// buckets with every per-bucket call, KMS keys, Lambda functions, CloudTrail trails, and the
/// odd call that was denied, in the proportions of a mid-sized production account.
pub fn bundle(n: usize, seed: u64) -> Value {
    let mut rng = Rng(seed | 1);
    let regions = ["us-east-1", "eu-west-1"];
    let mut outputs = vec![call(
        "iam",
        "get-account-authorization-details",
        "us-east-1",
        json!({}),
        authorization_details(n, None, None, seed),
    )];
    let buckets: Vec<String> = (0..(n / 20).max(1))
        .map(|i| format!("data-{i}.example.com"))
        .collect();
    outputs.push(call("s3api", "list-buckets", "us-east-1", json!({}), json!({
        "Buckets": buckets.iter().map(|b| json!({"Name": b, "CreationDate": "2024-03-01T10:00:00+00:00"})).collect::<Vec<_>>(),
        "Owner": {"DisplayName": "example-owner", "ID": "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0"}})));
    outputs.push(failed(
        "s3control",
        "get-public-access-block",
        "us-east-1",
        json!({"account-id": "123456789012"}),
        "NoSuchPublicAccessBlockConfiguration",
    ));
    for b in &buckets {
        bucket_calls(&mut rng, b, &mut outputs);
    }
    let per_region = n / 2 / regions.len();
    for (k, region) in regions.iter().enumerate() {
        let first = k * per_region;
        let sgs = (per_region / 5).max(1);
        let reservations: Vec<Value> = (first..first + per_region)
            .map(|i| instance(&mut rng, region, i, sgs))
            .collect();
        outputs.push(call(
            "ec2",
            "describe-instances",
            region,
            json!({}),
            json!({"Reservations": reservations}),
        ));
        let groups: Vec<Value> = (0..sgs)
            .map(|i| security_group(&mut rng, i + first))
            .collect();
        outputs.push(call(
            "ec2",
            "describe-security-groups",
            region,
            json!({}),
            json!({"SecurityGroups": groups}),
        ));
        let volumes: Vec<Value> = (first..first + per_region)
            .map(|i| volume(&mut rng, region, i))
            .collect();
        outputs.push(call(
            "ec2",
            "describe-volumes",
            region,
            json!({}),
            json!({"Volumes": volumes}),
        ));
        outputs.push(call(
            "ec2",
            "get-ebs-encryption-by-default",
            region,
            json!({}),
            json!({"EbsEncryptionByDefault": k == 0}),
        ));
        let keys: Vec<String> = (0..(n / 100).max(1))
            .map(|_| {
                format!(
                    "{}-{}-{}-{}-{}",
                    hex(&mut rng, 8),
                    hex(&mut rng, 4),
                    hex(&mut rng, 4),
                    hex(&mut rng, 4),
                    hex(&mut rng, 12)
                )
            })
            .collect();
        outputs.push(call("kms", "list-keys", region, json!({}), json!({"Keys": keys.iter().map(|id| json!({"KeyId": id, "KeyArn": format!("arn:aws:kms:{region}:123456789012:key/{id}")})).collect::<Vec<_>>()})));
        for id in &keys {
            let args = json!({"key-id": id});
            outputs.push(call("kms", "describe-key", region, args.clone(), json!({"KeyMetadata": {"AWSAccountId": "123456789012", "KeyId": id, "Arn": format!("arn:aws:kms:{region}:123456789012:key/{id}"),
                "CreationDate": "2025-03-02T10:11:12.000000+00:00", "Enabled": true, "Description": "application data", "KeyUsage": "ENCRYPT_DECRYPT", "KeyState": "Enabled",
                "Origin": "AWS_KMS", "KeyManager": "CUSTOMER", "CustomerMasterKeySpec": "SYMMETRIC_DEFAULT", "KeySpec": "SYMMETRIC_DEFAULT", "EncryptionAlgorithms": ["SYMMETRIC_DEFAULT"], "MultiRegion": false}})));
            outputs.push(call(
                "kms",
                "get-key-rotation-status",
                region,
                args,
                json!({"KeyRotationEnabled": rng.below(2) == 0}),
            ));
        }
        let functions: Vec<Value> = (0..(n / 40).max(1)).map(|i| json!({"FunctionName": format!("fn-{k}-{i}"), "FunctionArn": format!("arn:aws:lambda:{region}:123456789012:function:fn-{k}-{i}"),
            "Runtime": rng.pick(&["python3.12", "nodejs20.x", "python3.7", "java21"]), "Role": format!("arn:aws:iam::123456789012:role/app-{}", rng.below(3000)),
            "Handler": "app.handler", "CodeSize": 5120, "Timeout": 30, "MemorySize": 512, "LastModified": "2026-10-01T08:00:00.000+0000", "Version": "$LATEST",
            "PackageType": "Zip", "Architectures": ["x86_64"]})).collect();
        outputs.push(call(
            "lambda",
            "list-functions",
            region,
            json!({}),
            json!({"Functions": functions}),
        ));
        outputs.push(call("cloudtrail", "describe-trails", region, json!({}), json!({"trailList": [{"Name": "main", "S3BucketName": "example-cloudtrail-logs",
            "IncludeGlobalServiceEvents": true, "IsMultiRegionTrail": true, "HomeRegion": "us-east-1", "TrailARN": "arn:aws:cloudtrail:us-east-1:123456789012:trail/main",
            "LogFileValidationEnabled": true, "HasCustomEventSelectors": false, "HasInsightSelectors": false, "IsOrganizationTrail": false}]})));
        outputs.push(failed(
            "ec2",
            "describe-flow-logs",
            region,
            json!({}),
            "UnauthorizedOperation",
        ));
    }
    json!({"format": "stratoscope-aws-bundle", "format_version": 1,
        "manifest": {"account_id": "123456789012", "partition": "aws", "started_at": "2026-11-28T09:00:00Z", "finished_at": "2026-11-28T09:03:00Z", "regions": regions},
        "outputs": outputs})
}

/// Grows a generated export until its serialised size reaches `bytes`, for the 100 MB rows.
pub fn of_size(bytes: usize, make: impl Fn(usize) -> Value) -> Vec<u8> {
    // Aim from a small sample, then top up if short.
    let sample = serde_json::to_vec(&make(1000))
        .unwrap_or_default()
        .len()
        .max(1);
    let mut n = bytes / sample * 1000;
    loop {
        let out = serde_json::to_vec(&make(n)).unwrap_or_default();
        if out.len() >= bytes || n > 10_000_000 {
            return out;
        }
        n = n * bytes / out.len().max(1) + 100;
    }
}
