#!/usr/bin/env bash
# End-to-end test of collectors/aws.sh: a local moto server stands in for AWS, seed.sh creates
# compliant and misconfigured resources with the AWS CLI, the collector writes a bundle, the
# Stratoscope CLI scans it, and check.py compares bundle and findings with expectations.json.
#
# Python tools come from tests/collector/requirements.txt (moto[server] and AWS CLI v1, every
# version pinned) in the venv target/collector-venv, rebuilt only when that file changes.
# Everything runs on 127.0.0.1; any HTTPS request that would leave for real AWS is sent to a
# closed local port instead and fails.
#
# STRATOSCOPE_CLI=/path/to/stratoscope uses a built binary instead of `cargo run`.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
venv="$root/target/collector-venv"
out="$root/target/collector-e2e"
requirements="$here/requirements.txt"

phase_start=$SECONDS
phase() {
    printf '  [%3ss] %s\n' "$((SECONDS - phase_start))" "$*"
}

for tool in python3 cargo; do
    command -v "$tool" >/dev/null || {
        echo "collector e2e: '$tool' is needed" >&2
        exit 2
    }
done

# --- tools -------------------------------------------------------------------------------------
stamp="$venv/.stratoscope-requirements"
want="$(python3 -V 2>&1) $(python3 -c 'import hashlib,sys; print(hashlib.sha256(open(sys.argv[1],"rb").read()).hexdigest())' "$requirements")"
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    phase "installing moto and the AWS CLI into $venv"
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check --no-input -r "$requirements"
    echo "$want" >"$stamp"
fi
phase "tools ready: $("$venv/bin/aws" --version 2>&1), moto $("$venv/bin/python" -c 'import moto; print(moto.__version__)')"

# --- a clean, local-only AWS environment -------------------------------------------------------
rm -rf "$out"
mkdir -p "$out"
for v in $(env | sed -n 's/^\(AWS_[A-Z0-9_]*\)=.*/\1/p'); do unset "$v"; done
export PATH="$venv/bin:$PATH"
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_DEFAULT_REGION=us-east-1
export AWS_CONFIG_FILE="$out/no-aws-config" AWS_SHARED_CREDENTIALS_FILE="$out/no-aws-credentials"
export AWS_EC2_METADATA_DISABLED=true
# moto answers 500 for services it lacks; retrying those only costs time.
export AWS_MAX_ATTEMPTS=1
export HTTPS_PROXY="http://127.0.0.1:9" https_proxy="http://127.0.0.1:9"
export NO_PROXY="127.0.0.1,localhost" no_proxy="127.0.0.1,localhost"
unset HTTP_PROXY http_proxy

port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
export AWS_ENDPOINT_URL="http://127.0.0.1:$port"

# --- moto --------------------------------------------------------------------------------------
# Without its ~hundreds of default AMIs moto owns no snapshots, so `describe-snapshots
# --owner-ids self` lists only what seed.sh made.
MOTO_EC2_LOAD_DEFAULT_AMIS=false "$venv/bin/moto_server" -H 127.0.0.1 -p "$port" >"$out/moto.log" 2>&1 &
moto_pid=$!
stop_moto() {
    kill "$moto_pid" 2>/dev/null || return 0
    wait "$moto_pid" 2>/dev/null || true
}
trap stop_moto EXIT
python3 - "$AWS_ENDPOINT_URL" <<'PY' || { cat "$out/moto.log" >&2; exit 1; }
import sys, time, urllib.request
for _ in range(120):
    try:
        urllib.request.urlopen(sys.argv[1] + "/moto-api/", timeout=1)
        sys.exit(0)
    except Exception:
        time.sleep(0.25)
sys.exit("moto_server did not start within 30 s")
PY
phase "moto_server on $AWS_ENDPOINT_URL (log: $out/moto.log)"

# --- seed, collect, scan, check ----------------------------------------------------------------
"$here/seed.sh" >"$out/ids.json"
phase "seeded (ids: $out/ids.json)"

"$root/collectors/aws.sh" --regions us-east-1,eu-west-1 -o "$out/bundle.json" --raw-dir "$out/raw" \
    2>"$out/collector.log" || {
    cat "$out/collector.log" >&2
    exit 1
}
phase "collected: $(sed -n 's/^stratoscope-collector: wrote //p' "$out/collector.log")"

if [ -n "${STRATOSCOPE_CLI:-}" ]; then
    cli=("$STRATOSCOPE_CLI")
else
    (cd "$root" && cargo build -q -p stratoscope-cli)
    cli=("$root/target/debug/stratoscope")
fi
# Exit 1 (failing findings) and 2 (bundle not recognised) are verdicts check.py reads.
scan_status=0
"${cli[@]}" scan "$out/bundle.json" --format json >"$out/report.json" 2>"$out/scan.log" || scan_status=$?
"${cli[@]}" rules --format json >"$out/rules.json"
phase "scanned (exit $scan_status; report: $out/report.json)"

python3 "$here/check.py" "$here/expectations.json" "$out/bundle.json" "$out/raw" "$out/ids.json" \
    "$out/report.json" "$out/rules.json"
phase "done"
