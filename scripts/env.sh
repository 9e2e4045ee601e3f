# Sourced by the scripts: one environment for setup, build and tests, so that cargo's target/
# stays valid between them (changing CARGO_HOME or PATH order would invalidate it).
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$root/node_modules/.bin:$HOME/.cargo/bin:$PATH"
# Trunk must never try to download tools or check for updates: only package registries are
# reachable from our machines.
export TRUNK_SKIP_VERSION_CHECK=true
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
