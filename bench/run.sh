#!/usr/bin/env bash
# `npm run bench`: Mailroom against the peers it replaces, side by side in one run on this machine:
#   inbound  SMTP delivery against Postfix 3.7   (dist/bench/inbound.js, bench/results/inbound.md)
#   imap     IMAP against Dovecot 2.3            (dist/bench/imap.js,    bench/results/imap.md)
#   outbound SMTP relay against Postfix 3.7      (dist/bench/outbound.js, bench/results/outbound.md)
#   agent    the agent's own CPU and memory      (dist/bench/agent-cost.js)
#   filters  inbound with rspamd + clamd vs none (dist/bench/filters.js,  bench/results/filters.md)
# With no suite named all run, inbound first. Name one to run only it, with its own options:
#   npm run bench -- imap --messages 20000 --only select,fetch
#   npm run bench -- --suite inbound --rounds 3
# Options given without a suite name go to the inbound bench, as they always did:
#   npm run bench -- --messages 2000 --rounds 3      (inbound with these options, then imap)
# Installs Postfix (unconfigured) and dovecot-imapd when missing; neither becomes a system service.
set -euo pipefail
cd "$(dirname "$0")/.."

suite=all
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    inbound|imap|outbound|agent|filters|all) if [ ${#args[@]} -eq 0 ] && [ "$suite" = all ]; then suite=$1; else args+=("$1"); fi ;;
    --suite) suite=${2:?--suite inbound|imap|outbound|agent|filters|all}; shift ;;
    --suite=*) suite=${1#--suite=} ;;
    *) args+=("$1") ;;
  esac
  shift
done
case "$suite" in inbound|imap|outbound|agent|filters|all) ;; *) echo "bench: unknown suite '$suite' (inbound, imap, outbound, agent, filters or all)" >&2; exit 2 ;; esac

if [ "$(id -u)" != 0 ]; then
  echo "bench: must run as root (private Postfix and Dovecot instances need their own users and ownerships)" >&2
  exit 1
fi

apt_updated=
apt_install() {
  export DEBIAN_FRONTEND=noninteractive
  [ -n "$apt_updated" ] || { apt-get update -qq; apt_updated=1; }
  apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

if [ "$suite" = inbound ] || [ "$suite" = outbound ] || [ "$suite" = all ]; then
  if ! command -v /usr/sbin/smtp-source >/dev/null || ! command -v postfix >/dev/null; then
    echo "bench: installing Postfix (unconfigured)" >&2
    echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
    apt_install postfix
  fi
  # The package's own instance is not part of the benchmark: make sure it is not running.
  if [ -f /etc/postfix/main.cf ] && postfix status >/dev/null 2>&1; then
    echo "bench: the system Postfix instance is running; stop it first (postfix stop)" >&2
    exit 1
  fi
fi
if [ "$suite" = outbound ] || [ "$suite" = all ]; then
  [ -x /usr/sbin/dnsmasq ] || { echo "bench: installing dnsmasq-base (the outbound bench's DNS)" >&2; apt_install dnsmasq-base; }
fi
if [ "$suite" = filters ]; then
  [ -x /usr/sbin/dnsmasq ] || { echo "bench: installing dnsmasq-base (rspamd's DNS in the filters bench)" >&2; apt_install dnsmasq-base; }
fi
if [ "$suite" = imap ] || [ "$suite" = all ]; then
  if ! command -v dovecot >/dev/null || [ ! -x /usr/lib/dovecot/imap ]; then
    echo "bench: installing dovecot-imapd (the benchmark runs its own instance; the system one is not started)" >&2
    apt_install dovecot-imapd
  fi
  # Ten thousand clients: the benchmark and both servers need the descriptors.
  ulimit -n 20000 2>/dev/null || ulimit -n "$(ulimit -Hn)"
fi

if [ ! -d node_modules ]; then
  npm ci --no-audit --no-fund
fi
# Others' work in progress may not type-check; tsc still emits, and the bench only needs dist/bench.
if ! npx tsc -p . >/tmp/mailroom-bench-tsc.log 2>&1; then
  echo "bench: tsc reported errors (see /tmp/mailroom-bench-tsc.log); running what it emitted" >&2
  grep -q '^bench/' /tmp/mailroom-bench-tsc.log && { grep '^bench/' /tmp/mailroom-bench-tsc.log >&2; exit 1; }
fi

status=0
if [ "$suite" = inbound ] || [ "$suite" = all ]; then
  node dist/bench/inbound.js ${args[@]+"${args[@]}"} || status=$?
fi
if [ "$suite" = imap ]; then
  node dist/bench/imap.js ${args[@]+"${args[@]}"} || status=$?
elif [ "$suite" = all ]; then
  node dist/bench/imap.js || status=$?
fi
if [ "$suite" = outbound ]; then
  node dist/bench/outbound.js ${args[@]+"${args[@]}"} || status=$?
elif [ "$suite" = all ]; then
  node dist/bench/outbound.js || status=$?
fi
if [ "$suite" = agent ]; then
  node dist/bench/agent-cost.js ${args[@]+"${args[@]}"} || status=$?
elif [ "$suite" = all ]; then
  node dist/bench/agent-cost.js --seconds 60 --daemon || status=$?
fi
# rspamd and clamd come from their Debian packages (rspamd, clamav-daemon); the bench says so if missing.
if [ "$suite" = filters ]; then
  node dist/bench/filters.js ${args[@]+"${args[@]}"} || status=$?
elif [ "$suite" = all ]; then
  node dist/bench/filters.js || status=$?
fi
exit $status
