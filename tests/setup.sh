#!/usr/bin/env bash
# Installs what the tests need that cargo does not: a Python venv (.venv) with flytekit
# 1.16.31 (the peer that judges our bytes), moto's S3 server, the Kubernetes client and
# Kubernetes' schemas (kubernetes-validate); and
# dnsmasq (Debian's dnsmasq-base), the DNS server the container tests start on loopback.
# Chromium (Debian's), the browser the deck tests open decks in. And s3s-fs, the second S3
# server (tests/setup_s3.sh), and cargo-public-api, which lists
# flyte-runtime's public API (tests/setup_public_api.sh). Idempotent: a venv that already has
# the pinned versions is kept, and so is an installed s3s-fs of its pinned version.
set -euo pipefail
cd "$(dirname "$0")/.."

bash tests/setup_s3.sh
bash tests/setup_public_api.sh

if ! command -v dnsmasq >/dev/null && [ ! -x /usr/sbin/dnsmasq ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "setup: installing dnsmasq-base"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dnsmasq-base >/dev/null
  else
    echo "setup: dnsmasq is missing and cannot be installed here (need root and apt-get);" \
      "the container tests will fail" >&2
  fi
fi

# Chromium (Debian's), the real browser tests/deck_browser.rs opens decks in, headless.
if ! command -v chromium >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "setup: installing chromium"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "setup: chromium is missing and cannot be installed here (need root and apt-get);" \
      "the deck browser tests will fail" >&2
  fi
fi

venv=.venv
req=tests/python/requirements.txt
stamp="$venv/.requirements.sha256"
want=$(sha256sum "$req" | cut -d' ' -f1)

if [ -x "$venv/bin/python" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
  echo "setup: $venv is current (flytekit $("$venv/bin/python" -c 'import flytekit; print(flytekit.__version__)'))"
  exit 0
fi

echo "setup: creating $venv with $(grep -v '^#' "$req" | tr '\n' ' ')"
python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check -r "$req"
echo "$want" > "$stamp"
echo "setup: flytekit $("$venv/bin/python" -c 'import flytekit; print(flytekit.__version__)') ready in $venv"
