#!/usr/bin/env bash
# `npm start`: a development Mailroom on this machine. Installs what is missing, builds, creates
# ./data with a demo domain, user and panel admin on first run, then runs the mail daemon and
# the agent (admin panel) in the foreground; Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/../.."

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
if ! command -v openssl >/dev/null; then
  if [ "$(id -u)" = 0 ]; then apt-get install -y -qq openssl >/dev/null; else echo "start: openssl is needed (apt-get install openssl)"; exit 1; fi
fi
npx tsc -p .
npm run --silent build:ui

DATA="${MAILROOM_DATA:-$PWD/data}"
CREDS="$DATA/dev-credentials.txt"
mailroom() { node bin/mailroom.js --data "$DATA" "$@"; }

if [ ! -f "$DATA/config.json" ]; then
  mailroom init --hostname mail.example.test
  mailroom domain add example.test
  PASSWORD="$(openssl rand -base64 18 | tr -d '/+=' | cut -c1-16)"
  printf '%s\n' "$PASSWORD" | mailroom user add demo@example.test --password-stdin --quota 1G
  mailroom alias add postmaster@example.test demo@example.test
  ADMIN_PASSWORD="$(openssl rand -base64 18 | tr -d '/+=' | cut -c1-16)"
  printf '%s\n' "$ADMIN_PASSWORD" | mailroom admin add admin --password-stdin
  umask 077
  printf 'demo@example.test %s\npanel admin %s\n' "$PASSWORD" "$ADMIN_PASSWORD" > "$CREDS"
fi

listen() { node -e 'const c=require(process.argv[1]); console.log(c.listen?.[process.argv[2]] ?? "127.0.0.1:2525")' "$DATA/config.json" "$1"; }
cat <<EOT

Mailroom (development) — data in $DATA
  SMTP (MX, STARTTLS)   $(listen smtp)
  Submission            $(listen submission) (STARTTLS), $(listen submissions) (TLS); AUTH PLAIN/LOGIN
  IMAP                  $(listen imap) (STARTTLS), $(listen imaps) (TLS)
  POP3                  $(listen pop3) (STLS), $(listen pop3s) (TLS)
  Admin panel           https://$(listen admin)/ (self-signed certificate)
  Demo domain           example.test (postmaster@ is an alias of demo@)
  Logins                $(sed "s/^/                        /" "$CREDS" 2>/dev/null | sed "1s/^ *//" || echo "see $CREDS")

  Send a message:       swaks --server $(listen smtp | tr : ' ' | awk '{print $1":"$2}') --to demo@example.test
  Read the mailbox:     node bin/mailroom.js --data $DATA mail ls demo@example.test
  Manage:               node bin/mailroom.js --data $DATA help

EOT
# The same V8 limits as mailroom-agent.service: the agent stays under 80 MB resident.
NODE_OPTIONS="--max-semi-space-size=1 --v8-pool-size=1" node bin/mailroom.js --data "$DATA" agent &
AGENT=$!
trap 'kill $AGENT 2>/dev/null || true' EXIT INT TERM
node bin/mailroom.js --data "$DATA" serve
