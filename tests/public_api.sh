#!/usr/bin/env bash
# flyte-runtime's public API, as cargo-public-api lists it from rustdoc's JSON (nightly; the
# build itself stays on stable), against the committed list flyte-runtime/public-api.txt, so
# that a change to the surface is a visible diff in review. `--bless` rewrites the list.
#
#   bash tests/public_api.sh [--bless]
set -euo pipefail
cd "$(dirname "$0")/.."

list=flyte-runtime/public-api.txt
now=$(mktemp)
log=$(mktemp)
trap 'rm -f "$now" "$log"' EXIT
# A target directory of its own: nightly's artifacts would not be reused by stable anyway.
if ! CARGO_TARGET_DIR="$PWD/target/public-api" .tools/bin/cargo-public-api public-api \
  -p flyte-runtime --all-features --simplified --simplified --simplified --color never \
  > "$now" 2> "$log"; then
  cat "$log" >&2
  echo "public API: cargo-public-api failed (above)" >&2
  exit 1
fi
if [ "${1:-}" = "--bless" ]; then
  cp "$now" "$list"
  echo "public API: $list rewritten ($(wc -l < "$list") lines)"
  exit 0
fi
if ! diff -u "$list" "$now"; then
  echo "public API: flyte-runtime's public surface differs from $list (above, - listed, +" \
    "now). If the change is meant, run \`bash tests/public_api.sh --bless\` and commit the" \
    "list with it." >&2
  exit 1
fi
echo "public API: as listed in $list ($(grep -cE '^pub (fn|struct|enum|trait|const|static|type|mod|use|macro)' "$list") items)"
