#!/usr/bin/env bash
# `npm run bench`: inbound delivery, Mailroom against Postfix 3.7, side by side in one run.
# Installs Postfix (unconfigured: it is a baseline, never the system's MTA) when missing, compiles
# the tree and runs dist/bench/inbound.js. Options are passed on, e.g.
#   npm run bench -- --messages 2000 --rounds 3
# Results: stdout and bench/results/inbound.md.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v /usr/sbin/smtp-source >/dev/null || ! command -v postfix >/dev/null; then
  if [ "$(id -u)" != 0 ]; then
    echo "bench: Postfix (smtp-source and the baseline) is missing and only root can install it" >&2
    exit 1
  fi
  echo "bench: installing Postfix (unconfigured)" >&2
  echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends postfix >/dev/null
fi
if [ "$(id -u)" != 0 ]; then
  echo "bench: must run as root (a private Postfix instance needs its postfix/postdrop ownerships)" >&2
  exit 1
fi

# The package's own instance is not part of the benchmark: make sure it is not running.
if [ -f /etc/postfix/main.cf ] && postfix status >/dev/null 2>&1; then
  echo "bench: the system Postfix instance is running; stop it first (postfix stop)" >&2
  exit 1
fi

if [ ! -d node_modules ]; then
  npm ci --no-audit --no-fund
fi
# Others' work in progress may not type-check; tsc still emits, and the bench only needs dist/bench.
if ! npx tsc -p . >/tmp/mailroom-bench-tsc.log 2>&1; then
  echo "bench: tsc reported errors (see /tmp/mailroom-bench-tsc.log); running what it emitted" >&2
  grep -q '^bench/' /tmp/mailroom-bench-tsc.log && { grep '^bench/' /tmp/mailroom-bench-tsc.log >&2; exit 1; }
fi
exec node dist/bench/inbound.js "$@"
