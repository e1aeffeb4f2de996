#!/usr/bin/env bash
# Installs s3s-fs, the S3-compatible server (Rust, from crates.io) that the storage tests run
# against beside moto and that the transfer benchmark measures, into .tools/bin.
#
# Pinned: 0.14.1 is the newest that builds with Rust 1.92-1.95 (0.15 and later need 1.96).
# Patched (tests/s3s-fs.patch) where 0.14.1 answers otherwise than S3, which flytekit's s3fs
# trips on: a HEAD or GET of a key that is a folder on its disk answers 404 NoSuchKey, not
# 500 (s3fs HEADs a table's folder before listing it); and ListObjectsV2 takes an empty
# delimiter as none (s3fs's `find`, which a FlyteDirectory's download uses, sends one). The crate comes from crates.io through cargo and is built from its own
# Cargo.lock in a target directory of its own (about 3 minutes on 2 cores). Idempotent: a
# binary installed from the same version and patch is kept, and nothing is fetched.
set -euo pipefail
cd "$(dirname "$0")/.."

version=0.14.1
bin=.tools/bin/s3s-fs
stamp=.tools/s3s-fs.stamp
want="$version $(sha256sum tests/s3s-fs.patch | cut -d' ' -f1)"
if [ -x "$bin" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
  echo "setup: $bin $version (patched) is installed"
  exit 0
fi
echo "setup: installing s3s-fs $version into .tools (cargo install, a few minutes)"
started=$(date +%s)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The crate's source, through cargo (a manifest that depends on it, fetched).
mkdir -p "$work/fetch/src"
touch "$work/fetch/src/lib.rs"
cat > "$work/fetch/Cargo.toml" <<TOML
[package]
name = "fetch-s3s-fs"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
s3s-fs = "=$version"

[workspace]
TOML
cargo fetch --quiet --manifest-path "$work/fetch/Cargo.toml"
crate=$(ls "${CARGO_HOME:-$HOME/.cargo}"/registry/cache/*/"s3s-fs-$version.crate" | head -n 1)
tar xzf "$crate" -C "$work"
patch --quiet -d "$work" -p1 < tests/s3s-fs.patch
cargo install --quiet --locked --force --root .tools --target-dir "$work/target" \
  --features binary --path "$work/s3s-fs-$version"
echo "$want" > "$stamp"
echo "setup: s3s-fs $version installed in $(( $(date +%s) - started )) s"
