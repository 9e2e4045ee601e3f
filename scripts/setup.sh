#!/usr/bin/env bash
# Installs everything the build and the tests need, and nothing that is already there.
# Idempotent: on a machine that is set up it only checks versions and returns in seconds.
# Only package registries are reachable here, so every tool comes from one of them (see
# ../shared/TOOLCHAIN.md for why trunk and wasm-bindgen-cli are built the way they are).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$root"

TRUNK_VERSION=0.21.14

log() { printf '\033[1m[setup]\033[0m %s\n' "$*" >&2; }

# Build tools, not shipped code: trunk's own release profile asks for fat LTO and one codegen
# unit, which triples its compile time on 2 cores. These overrides apply only to the installs
# below and keep a cold machine well inside the 30-minute budget.
tool_build() {
  CARGO_PROFILE_RELEASE_LTO=off CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 CARGO_PROFILE_RELEASE_OPT_LEVEL=2 "$@"
}

# 1. The wasm target.
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# 2. Crate sources, so that trunk's offline build (which passes --offline to cargo) finds them.
cargo fetch --locked >/dev/null 2>&1 || cargo fetch --locked

# 3. wasm-bindgen-cli at exactly the version in Cargo.lock, or trunk tries to download one.
wb_version=$(awk '/^name = "wasm-bindgen"$/ {getline; gsub(/version = |"/, ""); print; exit}' Cargo.lock)
have_wb=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [ "$have_wb" != "$wb_version" ]; then
  log "building wasm-bindgen-cli $wb_version (its published lockfile needs a patch here)"
  scratch=$(mktemp -d)
  mkdir -p "$scratch/src" && echo 'fn main() {}' > "$scratch/src/main.rs"
  cat > "$scratch/Cargo.toml" <<TOML
[package]
name = "wb-fetch"
version = "0.0.0"
edition = "2021"
[dependencies]
wasm-bindgen-cli = "=$wb_version"
TOML
  (cd "$scratch" && cargo fetch >/dev/null 2>&1 || true)
  src=$(cd "$scratch" && cargo metadata --format-version 1 2>/dev/null \
    | python3 -c 'import json,sys; m=json.load(sys.stdin); print([p["manifest_path"] for p in m["packages"] if p["name"]=="wasm-bindgen-cli"][0])')
  build=$(mktemp -d)
  cp -r "$(dirname "$src")/." "$build/"
  (cd "$build" && cargo update -p webpki-roots --precise 1.0.10 >/dev/null 2>&1 || true)
  (cd "$build" && tool_build cargo install --locked --path . --force)
  rm -rf "$scratch" "$build"
  have_wb=$(wasm-bindgen --version | awk '{print $2}')
  [ "$have_wb" = "$wb_version" ] || { echo "wasm-bindgen-cli $have_wb does not match Cargo.lock $wb_version" >&2; exit 1; }
fi

# 4. trunk (0.22 needs a newer rustc than this machine has).
if [ "$(trunk --version 2>/dev/null | awk '{print $2}')" != "$TRUNK_VERSION" ]; then
  log "installing trunk $TRUNK_VERSION (10-15 minutes on 2 cores)"
  tool_build cargo install trunk --locked --version "$TRUNK_VERSION"
fi

# 5. npm packages: playwright-core (driving Debian's Chromium) and binaryen's wasm-opt.
if [ ! -x node_modules/.bin/wasm-opt ] || [ ! -d node_modules/playwright-core ] \
   || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "installing npm packages"
  npm ci --no-audit --no-fund --loglevel=error
fi

# 6. Chromium and ChromeDriver from Debian (never a test tool's own browser download).
if ! command -v chromium >/dev/null 2>&1; then
  log "installing Debian chromium"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium chromium-driver >/dev/null
fi

log "toolchain ready: $(trunk --version), wasm-bindgen $have_wb, $(node_modules/.bin/wasm-opt --version | head -1)"
