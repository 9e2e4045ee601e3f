#!/usr/bin/env bash
# Sets up whatever is missing, builds the app and serves it on http://127.0.0.1:8080 with the
# demo scenario loaded (the #demo address). Stop with Ctrl-C.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$root"
"$root/scripts/setup.sh"
trunk build --release
echo
echo "Stratoscope is at http://127.0.0.1:8080/#demo (demo scenario) or http://127.0.0.1:8080/ (empty)."
echo "Nothing you load there leaves the browser. Ctrl-C stops the server."
exec node "$root/e2e/serve.mjs" "$root/dist" 8080
