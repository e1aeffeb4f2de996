#!/usr/bin/env bash
# Installs cargo-public-api (crates.io), which lists flyte-runtime's public API from the
# nightly toolchain's rustdoc JSON for tests/public_api.sh, into .tools/bin.
#
# Pinned: 0.52.0 reads rustdoc JSON format 57, which the machine's nightly (2026-05-19)
# writes; a newer cargo-public-api wants a newer format and refuses it. Built with its own
# Cargo.lock (--locked) in a target directory of its own. Idempotent: an installed binary
# of the pinned version is kept.
set -euo pipefail
cd "$(dirname "$0")/.."

version=0.52.0
bin=.tools/bin/cargo-public-api
if [ -x "$bin" ] && "$bin" --version 2>/dev/null | grep -qx "cargo-public-api $version"; then
  echo "setup: $bin $version is installed"
  exit 0
fi
echo "setup: installing cargo-public-api $version into .tools (cargo install, a few minutes)"
started=$(date +%s)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cargo install --quiet --locked --force --root .tools --target-dir "$work/target" \
  cargo-public-api --version "=$version"
echo "setup: cargo-public-api $version installed in $(( $(date +%s) - started )) s"
