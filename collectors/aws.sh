#!/usr/bin/env bash
# Stratoscope read-only AWS collector.
#
# Runs a fixed list of read-only AWS CLI calls against one account and writes every call's output,
# exit code and error into ONE JSON bundle (docs/bundle-format.md) that an auditor opens in
# Stratoscope without any cloud credentials.
#
# Permissions: the AWS managed policy SecurityAudit (arn:aws:iam::aws:policy/SecurityAudit) is
# all it needs. It only calls describe-*, get-* and list-* operations, plus
# `iam generate-credential-report`, which asks IAM to (re)build the account's credential report;
# it changes no configuration and is what every CIS benchmark tool calls (SecurityAudit allows it).
#
# Needs: bash, the AWS CLI (v1 or v2) and python3 (CloudShell has all three). Honours the usual
# AWS CLI environment: AWS_PROFILE, AWS_REGION / AWS_DEFAULT_REGION, AWS_ENDPOINT_URL, ….
#
# Usage: collectors/aws.sh [--regions a,b] [-o FILE] [--gzip] [--parallel N] [--raw-dir DIR]
#        collectors/aws.sh --help
#
# A failing call never stops the run: its exit code and the error code the CLI printed
# ("An error occurred (NoSuchBucketPolicy) …") are recorded, because a missing policy or an
# AccessDenied is evidence too. Only a failure to identify the account stops the collector.
set -uo pipefail

readonly COLLECTOR_VERSION="1.0.0"

usage() {
    cat <<'EOF'
Usage: collectors/aws.sh [options]

Collects a read-only snapshot of one AWS account's security configuration into one JSON file
for Stratoscope. Needs only the AWS managed policy SecurityAudit.

Options:
  --regions a,b,c   Regions to collect (default: every region enabled for the account, from
                    `aws ec2 describe-regions`). The environment variable STRATOSCOPE_REGIONS
                    does the same.
  -o, --output FILE Bundle file to write (default:
                    stratoscope-aws-<account>-<UTC timestamp>.json[.gz] in the current directory).
  --gzip            Compress the bundle with gzip (adds .gz to the default name).
  --parallel N      Regions collected at the same time (default 4).
  --raw-dir DIR     Also keep every call's raw stdout/stderr in DIR (for debugging and for
                    checking the sha256 values in the bundle).
  -v, --verbose     Print every call as it runs.
  -h, --help        Show this help.
  --version         Print the collector version.

Environment: AWS_PROFILE, AWS_REGION / AWS_DEFAULT_REGION, AWS_ENDPOINT_URL and the rest of the
AWS CLI's settings are honoured as usual.
EOF
}

log() { printf 'stratoscope-collector: %s\n' "$*" >&2; }
die() {
    log "error: $*"
    exit 2
}

output_file=""
gzip_bundle=0
parallel=4
raw_dir=""
verbose=0
regions_arg="${STRATOSCOPE_REGIONS:-}"

while [ $# -gt 0 ]; do
    opt="$1"
    shift
    case "$opt" in
        --regions | -o | --output | --parallel | --raw-dir)
            [ $# -ge 1 ] || die "$opt needs a value"
            case "$opt" in
                --regions) regions_arg="$1" ;;
                -o | --output) output_file="$1" ;;
                --parallel) parallel="$1" ;;
                --raw-dir) raw_dir="$1" ;;
            esac
            shift
            ;;
        --gzip) gzip_bundle=1 ;;
        -v | --verbose) verbose=1 ;;
        -h | --help)
            usage
            exit 0
            ;;
        --version)
            echo "$COLLECTOR_VERSION"
            exit 0
            ;;
        *)
            usage >&2
            die "unknown option: $opt"
            ;;
    esac
done

case "$parallel" in
    '' | *[!0-9]* | 0) die "--parallel needs a positive number, not '$parallel'" ;;
esac

for tool in aws python3 date mktemp; do
    command -v "$tool" >/dev/null 2>&1 || die "'$tool' is not installed or not on PATH (the collector needs bash, the AWS CLI and python3; AWS CloudShell has them all)"
done

# `wait -n` (bash 4.3+) lets regions run side by side; older shells collect one region at a time.
if [ "${BASH_VERSINFO[0]}" -lt 4 ] || { [ "${BASH_VERSINFO[0]}" -eq 4 ] && [ "${BASH_VERSINFO[1]}" -lt 3 ]; }; then
    parallel=1
fi

aws_version="$(aws --version 2>&1 | head -n 1)"
# CLI v2 pages output through `less` unless told not to; v1 has no pager and rejects the option.
pager_opt=()
case "$aws_version" in
    aws-cli/1.*) ;;
    *) pager_opt=(--no-cli-pager) ;;
esac
export AWS_PAGER=""

utc_now() { date -u +%Y-%m-%dT%H:%M:%SZ; }

work="$(mktemp -d "${TMPDIR:-/tmp}/stratoscope-aws.XXXXXX")" || die "cannot create a temporary directory"
cleanup() { rm -rf "$work"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

home_region="${AWS_REGION:-${AWS_DEFAULT_REGION:-}}"
if [ -z "$home_region" ]; then
    home_region="$(aws configure get region 2>/dev/null || true)"
fi
home_region="${home_region:-us-east-1}"

# --- recording ---------------------------------------------------------------------------------
# Every call is kept as files under $work/calls/<group>/<seq>.{meta,argv,out,err,rc}; the python
# assembler at the end turns them into the bundle. Groups are collected in parallel, each with its
# own sequence counter, and assembled in a fixed order.
group_dir=""
seq=0
last=""

start_group() {
    group_dir="$work/calls/$1"
    seq=0
    mkdir -p "$group_dir"
}

next_slot() {
    seq=$((seq + 1))
    last="$(printf '%s/%05d' "$group_dir" "$seq")"
}

# call_at SLOT REGION SERVICE OPERATION [OPTION...]: runs one CLI call into SLOT. REGION "-" marks
# a global call (recorded with region null, sent to the home region).
call_at() {
    local slot="$1" region="$2" service="$3" operation="$4"
    shift 4
    local cli_region="$region"
    [ "$region" = "-" ] && cli_region="$home_region"
    local argv=(aws "$service" "$operation" "$@" --region "$cli_region" --output json ${pager_opt[@]+"${pager_opt[@]}"})
    # AWS CLI v1 pins RDS in us-east-1 to its legacy endpoint unless --endpoint-url is given, even
    # when AWS_ENDPOINT_URL is set; say it explicitly so the CLI goes where the user pointed it.
    if [ "$service" = rds ] && [ -n "${AWS_ENDPOINT_URL:-}" ] && [ -z "${AWS_ENDPOINT_URL_RDS:-}" ]; then
        argv+=(--endpoint-url "$AWS_ENDPOINT_URL")
    fi
    printf '%s\0' "$service" "$operation" "$region" "$(utc_now)" >"$slot.meta"
    printf '%s\0' "${argv[@]}" >"$slot.argv"
    [ "$verbose" = 1 ] && log "${argv[*]}"
    "${argv[@]}" >"$slot.out" 2>"$slot.err" </dev/null
    echo "$?" >"$slot.rc"
}

# call REGION SERVICE OPERATION [OPTION...]: the next slot of the current group; $last names it.
call() {
    next_slot
    call_at "$last" "$@"
}

succeeded() { [ "$(cat "$1.rc" 2>/dev/null)" = 0 ]; }

# pluck SLOT PATH: values at PATH in a successful call's JSON output, one per line. PATH is
# dot-separated keys; "Key[]" walks every element of a list.
pluck() {
    succeeded "$1" || return 0
    python3 - "$1.out" "$2" <<'PY'
import json, sys
def walk(value, parts):
    if not parts:
        if value is not None and not isinstance(value, (dict, list)):
            yield value
        return
    head, rest = parts[0], parts[1:]
    many = head.endswith("[]")
    key = head[:-2] if many else head
    if not isinstance(value, dict) or key not in value:
        return
    child = value[key]
    if many:
        for item in child if isinstance(child, list) else []:
            yield from walk(item, rest)
    else:
        yield from walk(child, rest)
try:
    with open(sys.argv[1], "rb") as f:
        doc = json.load(f)
except ValueError:
    sys.exit(0)
for v in walk(doc, sys.argv[2].split(".")):
    print(v)
PY
}

# per SLOT PATH REGION SERVICE OPERATION [OPTION...]: one call for every value at PATH in SLOT's
# output, with "{}" in the options replaced by the value.
per() {
    local slot="$1" path="$2" value
    shift 2
    while IFS= read -r value; do
        call "${@//\{\}/"$value"}"
    done < <(pluck "$slot" "$path")
}

# --- what is collected -------------------------------------------------------------------------

collect_iam() {
    call - iam get-account-authorization-details
    # The report is built asynchronously: ask until IAM says COMPLETE (bounded), keeping only the
    # last answer, then fetch it.
    next_slot
    local report_slot="$last" attempt
    for attempt in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15; do
        call_at "$report_slot" - iam generate-credential-report
        [ "$(pluck "$report_slot" State)" = COMPLETE ] && break
        succeeded "$report_slot" || break
        [ "$attempt" = 15 ] || sleep 2
    done
    call - iam get-credential-report
    call - iam get-account-password-policy
    call - iam get-account-summary
    call - iam list-virtual-mfa-devices
    call - iam list-server-certificates
    call - account get-alternate-contact --alternate-contact-type SECURITY
}

# Organizations answers only in the management account (or a delegated administrator); anywhere
# else the calls fail with AWSOrganizationsNotInUseException or AccessDenied, which is recorded.
collect_organizations() {
    call - organizations describe-organization
    succeeded "$last" || return 0
    call - organizations list-roots
    local roots="$last" parent queue=()
    call - organizations list-accounts
    call - organizations list-policies --filter SERVICE_CONTROL_POLICY
    per "$last" 'Policies[].Id' - organizations describe-policy --policy-id {}
    per "$last" 'Policies[].Id' - organizations list-targets-for-policy --policy-id {}
    # Walk the tree from each root: every OU's children and accounts, breadth first.
    mapfile -t queue < <(pluck "$roots" 'Roots[].Id')
    while [ "${#queue[@]}" -gt 0 ]; do
        parent="${queue[0]}"
        queue=("${queue[@]:1}")
        call - organizations list-accounts-for-parent --parent-id "$parent"
        call - organizations list-organizational-units-for-parent --parent-id "$parent"
        mapfile -t -O "${#queue[@]}" queue < <(pluck "$last" 'OrganizationalUnits[].Id')
    done
}

collect_s3() {
    call - s3api list-buckets
    local buckets="$last" bucket location region op
    while IFS= read -r bucket; do
        call - s3api get-bucket-location --bucket "$bucket"
        location="$(pluck "$last" LocationConstraint)"
        # get-bucket-location answers null for us-east-1 and the legacy "EU" for eu-west-1.
        case "$location" in
            '' | None | null) region="us-east-1" ;;
            EU) region="eu-west-1" ;;
            *) region="$location" ;;
        esac
        succeeded "$last" || region="$home_region"
        for op in get-bucket-policy get-bucket-acl get-public-access-block get-bucket-encryption \
            get-bucket-versioning get-bucket-logging get-bucket-ownership-controls \
            get-bucket-policy-status get-bucket-lifecycle-configuration get-bucket-replication \
            get-bucket-notification-configuration get-object-lock-configuration; do
            call "$region" s3api "$op" --bucket "$bucket"
        done
    done < <(pluck "$buckets" 'Buckets[].Name')
    call - s3control get-public-access-block --account-id "$account_id"
    # Multi-Region Access Points are managed from us-west-2 only.
    call us-west-2 s3control list-multi-region-access-points --account-id "$account_id"
}

collect_ec2() {
    local r="$1"
    call "$r" ec2 describe-instances
    call "$r" ec2 describe-security-groups
    call "$r" ec2 describe-network-acls
    call "$r" ec2 describe-volumes
    call "$r" ec2 describe-snapshots --owner-ids self
    per "$last" 'Snapshots[].SnapshotId' \
        "$r" ec2 describe-snapshot-attribute --snapshot-id {} --attribute createVolumePermission
    call "$r" ec2 describe-vpcs
    call "$r" ec2 describe-subnets
    call "$r" ec2 describe-flow-logs
    call "$r" ec2 get-ebs-encryption-by-default
    call "$r" ec2 describe-route-tables
    call "$r" ec2 describe-addresses
    call "$r" ec2 describe-vpc-endpoints
    call "$r" ec2 describe-transit-gateways
    call "$r" ec2 describe-launch-templates
    # '$Default' is the literal version name the EC2 API takes, not a shell expansion.
    # shellcheck disable=SC2016
    per "$last" 'LaunchTemplates[].LaunchTemplateId' \
        "$r" ec2 describe-launch-template-versions --launch-template-id {} --versions '$Default'
    call "$r" ec2 describe-vpn-connections
    call "$r" ec2 describe-client-vpn-endpoints
    call "$r" ec2 describe-vpc-block-public-access-options
    call "$r" backup list-protected-resources
    call "$r" s3control list-access-points --account-id "$account_id"
    per "$last" 'AccessPointList[].Name' \
        "$r" s3control get-access-point --account-id "$account_id" --name {}
}

collect_rds() {
    local r="$1"
    call "$r" rds describe-db-instances
    call "$r" rds describe-db-clusters
    call "$r" rds describe-db-snapshots
    per "$last" 'DBSnapshots[].DBSnapshotIdentifier' \
        "$r" rds describe-db-snapshot-attributes --db-snapshot-identifier {}
    call "$r" rds describe-db-cluster-snapshots
    per "$last" 'DBClusterSnapshots[].DBClusterSnapshotIdentifier' \
        "$r" rds describe-db-cluster-snapshot-attributes --db-cluster-snapshot-identifier {}
    call "$r" rds describe-event-subscriptions
    call "$r" rds describe-db-parameter-groups
    per "$last" 'DBParameterGroups[].DBParameterGroupName' \
        "$r" rds describe-db-parameters --db-parameter-group-name {}
}

collect_cloudtrail() {
    local r="$1"
    # Without shadow trails each trail appears once, in its home region, where its status and
    # selectors are read.
    call "$r" cloudtrail describe-trails --no-include-shadow-trails
    local trails="$last"
    per "$trails" 'trailList[].TrailARN' "$r" cloudtrail get-trail-status --name {}
    per "$trails" 'trailList[].TrailARN' "$r" cloudtrail get-event-selectors --trail-name {}
}

collect_kms() {
    local r="$1" id
    call "$r" kms list-keys
    local keys="$last"
    while IFS= read -r id; do
        call "$r" kms describe-key --key-id "$id"
        # Rotation does not apply to AWS managed keys (AWS rotates them itself).
        if [ "$(pluck "$last" KeyMetadata.KeyManager)" = CUSTOMER ]; then
            call "$r" kms get-key-rotation-status --key-id "$id"
        fi
        call "$r" kms get-key-policy --key-id "$id" --policy-name default
    done < <(pluck "$keys" 'Keys[].KeyId')
    call "$r" kms list-aliases
}

collect_lambda() {
    local r="$1"
    call "$r" lambda list-functions
    per "$last" 'Functions[].FunctionName' "$r" lambda get-policy --function-name {}
}

collect_monitoring() {
    local r="$1"
    call "$r" logs describe-metric-filters
    call "$r" logs describe-log-groups
    call "$r" cloudwatch describe-alarms
    call "$r" sns list-topics
    per "$last" 'Topics[].TopicArn' "$r" sns get-topic-attributes --topic-arn {}
    call "$r" sns list-subscriptions
    call "$r" sqs list-queues
    per "$last" 'QueueUrls[]' "$r" sqs get-queue-attributes --queue-url {} --attribute-names All
    call "$r" secretsmanager list-secrets
    per "$last" 'SecretList[].ARN' "$r" secretsmanager get-resource-policy --secret-id {}
}

collect_account_services() {
    local r="$1"
    call "$r" configservice describe-configuration-recorders
    call "$r" configservice describe-configuration-recorder-status
    call "$r" accessanalyzer list-analyzers
    call "$r" efs describe-file-systems
    local file_systems="$last"
    per "$file_systems" 'FileSystems[].FileSystemId' \
        "$r" efs describe-mount-targets --file-system-id {}
    per "$file_systems" 'FileSystems[].FileSystemId' \
        "$r" efs describe-backup-policy --file-system-id {}
    call "$r" efs describe-access-points
    call "$r" guardduty list-detectors
    per "$last" 'DetectorIds[]' "$r" guardduty get-detector --detector-id {}
    call "$r" securityhub describe-hub
    per "$last" 'HubArn' "$r" securityhub list-tags-for-resource --resource-arn {}
}

collect_region() {
    local r="$1"
    collect_ec2 "$r"
    collect_rds "$r"
    collect_cloudtrail "$r"
    collect_kms "$r"
    collect_lambda "$r"
    collect_monitoring "$r"
    collect_account_services "$r"
}

# --- run ---------------------------------------------------------------------------------------

started_at="$(utc_now)"
start_group "g0-account"

call - sts get-caller-identity
if ! succeeded "$last"; then
    cat "$last.err" >&2
    die "cannot identify the account with 'aws sts get-caller-identity'; check the credentials (AWS_PROFILE, aws configure, or CloudShell's own session)"
fi
account_id="$(pluck "$last" Account)"
caller_arn="$(pluck "$last" Arn)"
[ -n "$account_id" ] || die "'aws sts get-caller-identity' printed no Account"

call - ec2 describe-regions --filters Name=opt-in-status,Values=opt-in-not-required,opted-in
regions_slot="$last"
if [ -n "$regions_arg" ]; then
    regions_list="$(printf '%s\n' "$regions_arg" | tr ',' '\n' | sed 's/^[[:space:]]*//; s/[[:space:]]*$//' | grep -v '^$' || true)"
else
    regions_list="$(pluck "$regions_slot" 'Regions[].RegionName' | sort)"
    if [ -z "$regions_list" ]; then
        cat "$regions_slot.err" >&2
        die "cannot list the account's regions with 'aws ec2 describe-regions'; pass --regions a,b to choose them"
    fi
fi

log "account $account_id as $caller_arn; regions: $(printf '%s' "$regions_list" | tr '\n' ' ')"

running=0
# throttle: keep at most $parallel collection jobs running.
throttle() {
    running=$((running + 1))
    if [ "$running" -ge "$parallel" ]; then
        if [ "$parallel" -gt 1 ]; then wait -n; else wait; fi
        running=$((running - 1))
    fi
}

# Groups sort by name into the bundle's order: account, IAM, S3, then the regions as listed.
(
    start_group "g1-iam"
    log "global: IAM"
    collect_iam
) &
throttle
(
    start_group "g2-s3"
    log "global: S3"
    collect_s3
) &
throttle
(
    start_group "g3-organizations"
    log "global: Organizations"
    collect_organizations
) &
throttle

index=0
for region in $regions_list; do
    index=$((index + 1))
    (
        start_group "$(printf 'r%03d' "$index")-$region"
        log "region $region"
        collect_region "$region"
    ) &
    throttle
done
wait

finished_at="$(utc_now)"

if [ -z "$output_file" ]; then
    output_file="stratoscope-aws-${account_id}-$(date -u +%Y%m%dT%H%M%SZ).json"
    [ "$gzip_bundle" = 1 ] && output_file="$output_file.gz"
fi

if [ -n "$raw_dir" ]; then
    if ! { mkdir -p "$raw_dir" && cp -R "$work/calls/." "$raw_dir/"; }; then
        log "warning: cannot copy raw outputs to $raw_dir"
    fi
fi

STRATOSCOPE_COLLECTOR_VERSION="$COLLECTOR_VERSION" \
    STRATOSCOPE_ACCOUNT="$account_id" \
    STRATOSCOPE_CALLER="$caller_arn" \
    STRATOSCOPE_STARTED="$started_at" \
    STRATOSCOPE_FINISHED="$finished_at" \
    STRATOSCOPE_REGION_LIST="$regions_list" \
    STRATOSCOPE_AWS_VERSION="$aws_version" \
    STRATOSCOPE_BASH_VERSION="$BASH_VERSION" \
    STRATOSCOPE_HOME_REGION="$home_region" \
    STRATOSCOPE_GZIP="$gzip_bundle" \
    python3 - "$work/calls" "$output_file" <<'PY' || die "could not write the bundle to $output_file"
"""Assembles the recorded calls into the bundle (docs/bundle-format.md)."""
import gzip, hashlib, json, os, platform, re, shlex, sys
from collections import Counter

calls_dir, output_file = sys.argv[1], sys.argv[2]
env = os.environ

# Options whose values say which resource a call is about; they become the output's "args".
IDENTIFYING = {"bucket", "key-id", "function-name", "trail-name", "name", "snapshot-id",
               "db-snapshot-identifier", "db-cluster-snapshot-identifier", "account-id",
               "detector-id", "launch-template-id", "file-system-id", "alternate-contact-type",
               "db-parameter-group-name", "resource-arn", "topic-arn", "queue-url", "secret-id",
               "policy-id", "parent-id", "filter"}
ERROR_CODE = re.compile(r"An error occurred \(([^)]*)\) when calling")
MAX_MESSAGE = 4000


def read(path, mode="rb"):
    try:
        with open(path, mode) as f:
            return f.read()
    except OSError:
        return b"" if "b" in mode else ""


def nul_fields(path):
    return read(path).decode("utf-8", "replace").split("\0")[:-1]


def one_output(slot):
    service, operation, region, started = nul_fields(slot + ".meta")
    argv = nul_fields(slot + ".argv")
    args = {}
    for i, word in enumerate(argv[3:-1], start=3):
        name = word[2:] if word.startswith("--") else None
        if name in IDENTIFYING:
            args[name] = argv[i + 1]
    stdout = read(slot + ".out")
    stderr = read(slot + ".err").decode("utf-8", "replace").strip()
    try:
        exit_code = int(read(slot + ".rc", "r").strip())
    except ValueError:
        exit_code = None
    output, error = None, None
    if exit_code == 0:
        if stdout.strip():
            try:
                output = json.loads(stdout)
            except ValueError as e:
                error = {"code": None, "message": f"stdout is not JSON: {e}"}
    else:
        match = ERROR_CODE.search(stderr)
        error = {"code": match.group(1) if match else None,
                 "message": stderr[:MAX_MESSAGE] or f"exit code {exit_code}, no message"}
    return {
        "service": service,
        "operation": operation,
        "region": None if region == "-" else region,
        "args": args,
        "command": shlex.join(argv),
        "started_at": started,
        "exit_code": exit_code,
        "sha256": hashlib.sha256(stdout).hexdigest(),
        "output": output,
        "error": error,
    }


outputs = []
for group in sorted(os.listdir(calls_dir)):
    group_path = os.path.join(calls_dir, group)
    slots = sorted(name[:-5] for name in os.listdir(group_path) if name.endswith(".meta"))
    outputs.extend(one_output(os.path.join(group_path, s)) for s in slots)

caller_arn = env["STRATOSCOPE_CALLER"]
manifest = {
    "collector": "collectors/aws.sh",
    "collector_version": env["STRATOSCOPE_COLLECTOR_VERSION"],
    "account_id": env["STRATOSCOPE_ACCOUNT"],
    "partition": caller_arn.split(":")[1] if caller_arn.count(":") >= 2 else "aws",
    "caller_arn": caller_arn,
    "started_at": env["STRATOSCOPE_STARTED"],
    "finished_at": env["STRATOSCOPE_FINISHED"],
    "regions": [r for r in env["STRATOSCOPE_REGION_LIST"].split("\n") if r],
    "home_region": env["STRATOSCOPE_HOME_REGION"],
    "endpoint_url": env.get("AWS_ENDPOINT_URL") or None,
    "profile": env.get("AWS_PROFILE") or None,
    "tool_versions": {
        "aws-cli": env["STRATOSCOPE_AWS_VERSION"],
        "bash": env["STRATOSCOPE_BASH_VERSION"],
        "python3": platform.python_version(),
    },
    "outputs": len(outputs),
}

# One output per line: the file stays greppable and diffable however large the outputs are.
head = json.dumps({"format": "stratoscope-aws-bundle", "format_version": 1, "manifest": manifest},
                  indent=2, ensure_ascii=False)
lines = ",\n".join(json.dumps(o, ensure_ascii=False, separators=(",", ":")) for o in outputs)
text = head[:-2] + ',\n  "outputs": [\n' + lines + "\n  ]\n}\n"

tmp = output_file + ".partial"
opener = gzip.open if env.get("STRATOSCOPE_GZIP") == "1" else open
with opener(tmp, "wb") as f:
    f.write(text.encode("utf-8"))
os.replace(tmp, output_file)

failed = Counter(o["error"]["code"] or "no error code" for o in outputs if o["error"])
print(f"stratoscope-collector: wrote {output_file}: {len(outputs)} calls, "
      f"{sum(failed.values())} recorded an error", file=sys.stderr)
for code, n in sorted(failed.items(), key=lambda kv: (-kv[1], kv[0])):
    print(f"stratoscope-collector:   {n:4d} × {code}", file=sys.stderr)
if any(c in failed for c in ("AccessDenied", "AccessDeniedException", "UnauthorizedOperation")):
    print("stratoscope-collector: some calls were denied: attach the AWS managed policy "
          "SecurityAudit to the identity running the collector for a complete bundle",
          file=sys.stderr)
PY
