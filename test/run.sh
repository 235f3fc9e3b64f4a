#!/usr/bin/env bash
# `npm test`: installs what the tests need, type-checks, lints, and runs every test.
# As root on Debian it also installs the real peers the end-to-end tests talk to.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages: real clients and peers (see ../shared/PEERS.md).
DEBIAN_PACKAGES=(openssl swaks postfix python3 ca-certificates dnsmasq-base fetchmail isync rspamd clamav-daemon chromium nftables iproute2 restic pebble sieve-connect)
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

# The appliance image (image/ci.sh) beside the main suite: built and boot-tested only when its
# inputs changed since the last green image run on this machine (else one "image: skipped" line);
# its outputs stay in its cache dir, not in dist/. Its own process group, so a failing step
# below takes it down with this script. Its result is printed after the main suite.
# On by default (MAILROOM_IMAGE_CI unset, `changed` or `always`; ci.sh itself skips when the inputs
# are unchanged since its last green run): both scenarios, mail and the A/B update that falls
# back, passed whole runs; the boot test resets a boot that hangs silently once, and fails on a
# second. MAILROOM_IMAGE_CI=0 or `never` skips it.
IMAGE_PID=""
IMAGE_LOG=""
case "${MAILROOM_IMAGE_CI:-changed}" in 0|never) run_image=no ;; *) run_image=yes ;; esac
if [ "$run_image" = yes ]; then
  IMAGE_LOG="$(mktemp /tmp/mailroom-image-ci.XXXXXX)"
  setsid -w bash image/ci.sh > "$IMAGE_LOG" 2>&1 &
  IMAGE_PID=$!
  trap 'kill -- -"$IMAGE_PID" 2>/dev/null || true' EXIT
  echo "test: image job started beside the main suite (log: $IMAGE_LOG)"
else
  echo "test: image job not run (MAILROOM_IMAGE_CI=${MAILROOM_IMAGE_CI}; unset, changed or always runs it beside the suite)"
fi

rm -rf dist
npx tsc -p .
# The admin panel's bundle (ui/client/dist), which the agent serves and the Chromium test loads.
npm run --silent build:ui
npx eslint .

# Test files run two at a time (the machine has two cores); each e2e file starts its own daemons
# on free loopback ports, so files do not share state.
# (Copied to a file through tee, so that its summary can be printed again after the image job's
# result: the suite's summary stays the last thing printed. The reporter is node's default for
# where stdout goes: spec on a terminal, tap otherwise.)
SUITE_LOG="$(mktemp /tmp/mailroom-suite.XXXXXX)"
reporter=tap; [ -t 1 ] && reporter=spec
set +e
node --test --test-reporter="$reporter" --test-concurrency=2 --test-timeout=600000 $(find dist/test -name "*.test.js" | sort) | tee "$SUITE_LOG"
suite_status=${PIPESTATUS[0]}
image_status=0
if [ -n "$IMAGE_PID" ]; then
  wait "$IMAGE_PID"; image_status=$?
fi
set -e
trap - EXIT
echo
if [ -n "$IMAGE_PID" ]; then
  if [ "$image_status" = 0 ]; then grep '^image: ' "$IMAGE_LOG" | tail -n 1; else
    echo "image job FAILED (exit $image_status); the end of its log ($IMAGE_LOG):"; tail -n 60 "$IMAGE_LOG"
  fi
fi
echo "test summary (again, after the image job):"
grep -aE '^(# |ℹ )(tests|suites|pass|fail|cancelled|skipped|todo|duration_ms) ' "$SUITE_LOG" | tail -n 8
rm -f "$SUITE_LOG"
[ "$suite_status" = 0 ] && [ "$image_status" = 0 ]
