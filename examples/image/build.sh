#!/usr/bin/env bash
# Builds the image of a task-type binary: a statically linked release build (glibc with
# +crt-static, rustls for TLS) copied FROM scratch with the CA certificates.
#
#   examples/image/build.sh [PACKAGE] [BINARY] [TAG]
#   (defaults: flyte-examples flyte-examples flyte-examples:<crate version>)
#
# Uses the workspace's target directory (target/x86_64-unknown-linux-gnu/release), so a
# second build is incremental. Needs the Docker engine; pulls nothing.
set -euo pipefail
cd "$(dirname "$0")/../.."

package=${1:-flyte-examples}
binary=${2:-$package}
version=$(cargo metadata --no-deps --format-version 1 --locked |
  python3 -c "import json,sys; print(next(p['version'] for p in json.load(sys.stdin)['packages'] if p['name']=='$package'))")
tag=${3:-$package:$version}
target=x86_64-unknown-linux-gnu

echo "image: building $binary ($package $version), static, release"
# RUSTFLAGS with --target applies to the target's crates only, not to build scripts or
# proc macros (which cannot be static).
RUSTFLAGS="-C target-feature=+crt-static" \
  cargo build --release --locked -p "$package" --bin "$binary" --target "$target"

context=target/image-context/$package
rm -rf "$context"
mkdir -p "$context/bin" "$context/rootfs/tmp"
chmod 1777 "$context/rootfs/tmp"
cp "target/$target/release/$binary" "$context/bin/$binary"
strip "$context/bin/$binary" 2>/dev/null || true
cp /etc/ssl/certs/ca-certificates.crt "$context/ca-certificates.crt"
if readelf --program-headers "$context/bin/$binary" | grep -q "program interpreter"; then
  echo "image: $binary is dynamically linked; it would not start FROM scratch" >&2
  exit 1
fi

docker build --quiet --tag "$tag" --file examples/image/Dockerfile "$context" >/dev/null
echo "image: $tag ($(docker image inspect --format '{{.Size}}' "$tag") bytes)"
