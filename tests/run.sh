#!/usr/bin/env bash
# The one test command (README, .ci/run): installs what it needs, then runs formatting,
# lints, every test (unit, doc, conformance with flyteidl, golden and interop with flytekit)
# and the docs build. One target directory serves them all (the nightly fuzz build goes to
# target/fuzz: its sanitizer flags rebuild every crate anyway).
set -euo pipefail
cd "$(dirname "$0")/.."

# The venv (pip, mostly waiting on downloads) is made while cargo works; the tests wait for it.
setup_log=$(mktemp)
bash tests/setup.sh > "$setup_log" 2>&1 &
setup_pid=$!
export FLYTE_RS_PYTHON="$PWD/.venv/bin/python"

echo "== cargo fmt --check"
cargo fmt --all -- --check
rustfmt --edition 2021 --check fuzz/fuzz_targets/*.rs
echo "== cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings
# The examples without their default `sqlite` feature (the lean binary tests/bench builds).
cargo clippy -p flyte-examples --no-default-features --all-targets --locked -- -D warnings
echo "== image (cargo flyte image -p flyte-examples)"
if docker info >/dev/null 2>&1; then
  started=$(date +%s)
  cargo run --locked --quiet -p cargo-flyte -- image --locked -p flyte-examples
  echo "image built in $(( $(date +%s) - started )) s"
else
  echo "SKIP: no Docker engine here; the image is not built and the container tests skip"
fi
echo "== venv (tests/setup.sh)"
if ! wait "$setup_pid"; then
  cat "$setup_log"
  echo "tests/setup.sh failed" >&2
  exit 1
fi
cat "$setup_log"
echo "== cargo test"
cargo test --workspace --locked
echo "== cargo doc"
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --locked
# flyte-runtime alone, without the `dataframe` feature the examples turn on.
RUSTDOCFLAGS="-D warnings" cargo doc -p flyte-runtime --no-deps --locked
echo "== public API (tests/public_api.sh: cargo-public-api over nightly rustdoc JSON)"
bash tests/public_api.sh
echo "== fuzz replay (cargo fuzz targets over their corpus and regressions; nightly)"
started=$(date +%s)
bash tests/fuzz/run.sh --replay
echo "fuzz replay took $(( $(date +%s) - started )) s"
echo "all checks passed"
