#!/usr/bin/env bash
# The benchmark command: flyte-rs against flytekit 1.16.31 on this machine, one table.
#
#   bash tests/bench/run.sh [--runs N] [--py-runs N] [--tasks N] [--scale F] [--only-transfers]
#     [--transfer-mib N] [--transfer-files N] [--table-mib N]
#
# Sets up the flytekit venv (tests/setup.sh), builds the binaries as the image ships them
# (static release, the flags and target directory of `cargo flyte image`), then runs
# tests/bench/bench.py. Takes a few minutes, most of it flytekit converting a million
# integers. Not part of the test command: numbers are reported, never asserted.
set -euo pipefail
cd "$(dirname "$0")/../.."

bash tests/setup.sh
target=x86_64-unknown-linux-gnu
dir=target/$target/release
export RUSTFLAGS="-C target-feature=+crt-static"
# The lean binary: the examples without their `sqlite` feature (no SQLite, arrow, parquet or
# archive readers), in a build of its own so that cargo does not unify it with the others'.
cargo build --release --locked --target "$target" -p flyte-examples --no-default-features \
  --bin flyte-examples
cp "$dir/flyte-examples" "$dir/flyte-examples-lean"
cargo build --release --locked --target "$target" \
  -p flyte-examples -p flyte-tests --bin flyte-examples --bin flyte-bench --bin flyte-floor
echo "machine: $(nproc) cores, $(uname -sr); $(date -u +%Y-%m-%d)"
.venv/bin/python tests/bench/bench.py --examples "$dir/flyte-examples" --bench "$dir/flyte-bench" \
  --lean "$dir/flyte-examples-lean" --floor "$dir/flyte-floor" --fixtures tests/fixtures \
  --s3s-fs .tools/bin/s3s-fs "$@"
