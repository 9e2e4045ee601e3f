#!/usr/bin/env bash
# Seeds a moto server with a small account holding one compliant and one misconfigured resource
# per control the end-to-end test checks (tests/collector/expectations.json), using the AWS CLI
# exactly as an administrator would. Prints the generated ids (security groups, volumes, keys…)
# as one JSON object on stdout, so expectations can name resources whose ids moto invents.
#
# The sections run side by side (each AWS CLI call is mostly CPU spent starting the CLI).
#
# Needs: AWS_ENDPOINT_URL pointing at moto, fake credentials, `aws` and python3 on PATH.
set -euo pipefail

: "${AWS_ENDPOINT_URL:?seed.sh only ever talks to a local moto server: set AWS_ENDPOINT_URL}"
case "$AWS_ENDPOINT_URL" in
    http://127.0.0.1:* | http://localhost:*) ;;
    *)
        echo "seed.sh: refusing to seed $AWS_ENDPOINT_URL: not a local moto server" >&2
        exit 2
        ;;
esac

east=us-east-1
west=eu-west-1
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

a() { aws --output json "$@"; }
# q QUERY CMD…: one value from a call's output (the CLI's own --query, as text).
q() {
    local query="$1"
    shift
    aws --output text --query "$query" "$@"
}
# keep NAME VALUE: an id for the JSON this script prints. (Ids are assigned to a variable first:
# `keep x "$(failing)"` would not stop the script under set -e.)
keep() { printf '%s' "$2" >"$work/ids/$1"; }
mkdir "$work/ids"

# --- IAM ---------------------------------------------------------------------------------------
seed_iam() {
    # Weak password policy: 8 characters, no symbols, no reuse prevention, no expiry.
    a iam update-account-password-policy --minimum-password-length 8 --require-numbers \
        --no-require-symbols --allow-users-to-change-password >/dev/null

    cat >"$work/admin.json" <<'EOF'
{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
EOF
    # An inline policy, not a customer managed one: moto leaves PolicyName and PolicyId out of
    # get-account-authorization-details' Policies list, which real AWS always prints.
    a iam create-user --user-name e2e-direct-user >/dev/null
    a iam put-user-policy --user-name e2e-direct-user --policy-name admin-everything \
        --policy-document "file://$work/admin.json"

    cat >"$work/read.json" <<'EOF'
{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
  "Resource": "arn:aws:s3:::stratoscope-e2e-private/*"}]}
EOF
    a iam create-group --group-name e2e-readers >/dev/null
    a iam put-group-policy --group-name e2e-readers --policy-name read-private \
        --policy-document "file://$work/read.json"
    a iam create-user --user-name e2e-grouped-user >/dev/null
    a iam add-user-to-group --group-name e2e-readers --user-name e2e-grouped-user

    cat >"$work/trust-any.json" <<'EOF'
{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"},
  "Action": "sts:AssumeRole"}]}
EOF
    a iam create-role --role-name e2e-trust-anyone \
        --assume-role-policy-document "file://$work/trust-any.json" >/dev/null
    cat >"$work/trust-partner.json" <<'EOF'
{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
  "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "sts:AssumeRole",
  "Condition": {"StringEquals": {"sts:ExternalId": "e2e-partner-7f3a"}}}]}
EOF
    a iam create-role --role-name e2e-trust-partner \
        --assume-role-policy-document "file://$work/trust-partner.json" >/dev/null
}

# --- S3 and CloudTrail ------------------------------------------------------------------------
seed_s3_and_trail() {
    # Public: public-read ACL, no public access block, no policy, no default encryption set by us.
    a s3api create-bucket --bucket stratoscope-e2e-public --region "$east" >/dev/null
    a s3api put-bucket-acl --bucket stratoscope-e2e-public --acl public-read

    # Private, in another region: TLS-only policy, every public access block setting, versioning, KMS.
    a s3api create-bucket --bucket stratoscope-e2e-private --region "$west" \
        --create-bucket-configuration LocationConstraint="$west" >/dev/null
    cat >"$work/tls-only.json" <<'EOF'
{"Version": "2012-10-17", "Statement": [{"Sid": "DenyInsecureTransport", "Effect": "Deny",
  "Principal": "*", "Action": "s3:*",
  "Resource": ["arn:aws:s3:::stratoscope-e2e-private", "arn:aws:s3:::stratoscope-e2e-private/*"],
  "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}
EOF
    a s3api put-bucket-policy --bucket stratoscope-e2e-private --region "$west" \
        --policy "file://$work/tls-only.json"
    a s3api put-public-access-block --bucket stratoscope-e2e-private --region "$west" \
        --public-access-block-configuration \
        BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true
    a s3api put-bucket-versioning --bucket stratoscope-e2e-private --region "$west" \
        --versioning-configuration Status=Enabled
    a s3api put-bucket-encryption --bucket stratoscope-e2e-private --region "$west" \
        --server-side-encryption-configuration \
        '{"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"}}]}'

    # A trail without log file validation, logging to the private bucket (moto wants it to exist).
    local trail_arn
    trail_arn="$(q TrailARN cloudtrail create-trail --region "$east" --name e2e-trail \
        --s3-bucket-name stratoscope-e2e-private)"
    keep trail_arn "$trail_arn"
}

# --- EC2 ---------------------------------------------------------------------------------------
seed_ec2() {
    local vpc sg_open sg_tight vol_plain vol_encrypted instance snap
    vpc="$(q 'Vpcs[?IsDefault].VpcId | [0]' ec2 describe-vpcs --region "$east")"
    sg_open="$(q GroupId ec2 create-security-group --region "$east" --vpc-id "$vpc" \
        --group-name e2e-open-admin --description "SSH and RDP from anywhere")"
    a ec2 authorize-security-group-ingress --region "$east" --group-id "$sg_open" --ip-permissions \
        'IpProtocol=tcp,FromPort=22,ToPort=22,IpRanges=[{CidrIp=0.0.0.0/0}]' \
        'IpProtocol=tcp,FromPort=3389,ToPort=3389,IpRanges=[{CidrIp=0.0.0.0/0}]' >/dev/null
    sg_tight="$(q GroupId ec2 create-security-group --region "$east" --vpc-id "$vpc" \
        --group-name e2e-tight --description "HTTPS from the corporate range only")"
    a ec2 authorize-security-group-ingress --region "$east" --group-id "$sg_tight" --ip-permissions \
        'IpProtocol=tcp,FromPort=443,ToPort=443,IpRanges=[{CidrIp=10.20.0.0/16}]' >/dev/null

    vol_plain="$(q VolumeId ec2 create-volume --region "$east" --availability-zone "${east}a" --size 1)"
    vol_encrypted="$(q VolumeId ec2 create-volume --region "$east" \
        --availability-zone "${east}a" --size 1 --encrypted)"
    # Attached, so that encryption rules for volumes in use apply (moto accepts any image id).
    instance="$(q 'Instances[0].InstanceId' ec2 run-instances --region "$east" \
        --image-id ami-0123456789abcdef0 --instance-type t3.micro --count 1)"
    a ec2 attach-volume --region "$east" --volume-id "$vol_plain" --instance-id "$instance" \
        --device /dev/sdf >/dev/null
    a ec2 attach-volume --region "$east" --volume-id "$vol_encrypted" --instance-id "$instance" \
        --device /dev/sdg >/dev/null
    snap="$(q SnapshotId ec2 create-snapshot --region "$east" --volume-id "$vol_plain" \
        --description "e2e public snapshot")"
    a ec2 modify-snapshot-attribute --region "$east" --snapshot-id "$snap" \
        --attribute createVolumePermission --operation-type add --group-names all
    # eu-west-1 turns EBS encryption by default on; us-east-1 leaves it off.
    a ec2 enable-ebs-encryption-by-default --region "$west" >/dev/null
    keep sg_open_admin "$sg_open"
    keep sg_tight "$sg_tight"
    keep vol_plain "$vol_plain"
    keep vol_encrypted "$vol_encrypted"
    keep snap_public "$snap"
}

# --- KMS ---------------------------------------------------------------------------------------
seed_kms() {
    local key_norotation key_rotation
    key_norotation="$(q KeyMetadata.KeyId kms create-key --region "$east" \
        --description "e2e key without rotation")"
    key_rotation="$(q KeyMetadata.KeyId kms create-key --region "$east" \
        --description "e2e key with rotation")"
    a kms enable-key-rotation --region "$east" --key-id "$key_rotation"
    keep key_rotation "$key_rotation"
    keep key_norotation "$key_norotation"
}

# --- RDS, Lambda, GuardDuty: one of each so the per-resource calls run -------------------------
seed_rds_lambda_guardduty() {
    local lambda_role detector
    a rds create-db-instance --region "$east" --endpoint-url "$AWS_ENDPOINT_URL" \
        --db-instance-identifier e2e-db --db-instance-class db.t3.micro --engine postgres \
        --master-username dbadmin --master-user-password 'e2e-Not-A-Secret-1' \
        --allocated-storage 20 >/dev/null
    a rds create-db-snapshot --region "$east" --endpoint-url "$AWS_ENDPOINT_URL" \
        --db-instance-identifier e2e-db --db-snapshot-identifier e2e-db-public-snap >/dev/null
    a rds modify-db-snapshot-attribute --region "$east" --endpoint-url "$AWS_ENDPOINT_URL" \
        --db-snapshot-identifier e2e-db-public-snap --attribute-name restore \
        --values-to-add all >/dev/null

    cat >"$work/trust-lambda.json" <<'EOF'
{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
  "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
EOF
    lambda_role="$(q Role.Arn iam create-role --role-name e2e-lambda-exec \
        --assume-role-policy-document "file://$work/trust-lambda.json")"
    python3 - "$work/fn.zip" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w") as z:
    z.writestr("index.py", "def handler(event, context):\n    return 'ok'\n")
PY
    a lambda create-function --region "$east" --function-name e2e-public-fn --runtime python3.12 \
        --role "$lambda_role" --handler index.handler --zip-file "fileb://$work/fn.zip" >/dev/null
    a lambda add-permission --region "$east" --function-name e2e-public-fn --statement-id everyone \
        --action lambda:InvokeFunction --principal '*' >/dev/null

    detector="$(q DetectorId guardduty create-detector --region "$east" --enable)"
    keep detector "$detector"
}

pids=()
for section in seed_iam seed_s3_and_trail seed_ec2 seed_kms seed_rds_lambda_guardduty; do
    "$section" &
    pids+=("$!")
done
failed=0
for pid in "${pids[@]}"; do
    wait "$pid" || failed=1
done
if [ "$failed" != 0 ]; then
    echo "seed.sh: a section failed (its AWS CLI error is above)" >&2
    exit 1
fi

python3 - "$work/ids" <<'PY'
import json, os, sys
folder = sys.argv[1]
ids = {}
for name in sorted(os.listdir(folder)):
    with open(os.path.join(folder, name), encoding="utf-8") as f:
        ids[name] = f.read()
print(json.dumps(ids, indent=2))
PY
