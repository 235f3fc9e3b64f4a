#!/usr/bin/env bash
# `npm test`: installs what the tests need, type-checks, lints, and runs every test.
# As root on Debian it also installs the real peers the end-to-end tests talk to.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages: real clients and peers (see ../shared/PEERS.md).
DEBIAN_PACKAGES=(openssl swaks postfix python3 ca-certificates dnsmasq-base fetchmail isync rspamd clamav-daemon chromium)
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  missing=()
  for p in "${DEBIAN_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "test: installing Debian packages: ${missing[*]}"
    # Postfix is a peer and benchmark baseline, never the system's MTA: install it unconfigured.
    echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
else
  echo "test: not root; skipping Debian packages (${DEBIAN_PACKAGES[*]}); tests that need them will say so"
fi

# npm packages, exactly as locked.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi

rm -rf dist
npx tsc -p .
# The admin panel's bundle (ui/client/dist), which the agent serves and the Chromium test loads.
npm run --silent build:ui
npx eslint .

# Test files run two at a time (the machine has two cores); each e2e file starts its own daemons
# on free loopback ports, so files do not share state.
node --test --test-concurrency=2 --test-timeout=300000 $(find dist/test -name "*.test.js" | sort)
