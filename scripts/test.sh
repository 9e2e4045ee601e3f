#!/usr/bin/env bash
# Sets up whatever is missing, then runs every check CI runs, in order of cost: formatting,
# clippy, every workspace test (unit, rule fixtures, snapshots, CLI, corpus), the release web
# build into dist/, and the browser tests in headless Chromium.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$root"
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "setup"
"$root/scripts/setup.sh"

step "cargo fmt --check"
cargo fmt --all -- --check

step "clippy (native and wasm32), warnings are errors"
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo clippy -p stratoscope -p stratoscope-web -p stratoscope-wasm-mem --target wasm32-unknown-unknown --locked -- -D warnings

step "cargo test (workspace)"
cargo test --workspace --locked

step "generated rule docs are current"
cargo xtask docs --check

step "release web build into dist/"
trunk build --release

step "browser tests (headless Chromium)"
node --test --test-reporter=spec e2e/

step "collector end-to-end against a moto server"
"$root/tests/collector/run.sh"
