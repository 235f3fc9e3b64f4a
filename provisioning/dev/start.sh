#!/usr/bin/env bash
# `npm start`: a development Mailroom on this machine. Installs what is missing, builds, creates
# ./data with a demo domain and user on first run, then runs the mail daemon in the foreground.
set -euo pipefail
cd "$(dirname "$0")/../.."

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
if ! command -v openssl >/dev/null; then
  if [ "$(id -u)" = 0 ]; then apt-get install -y -qq openssl >/dev/null; else echo "start: openssl is needed (apt-get install openssl)"; exit 1; fi
fi
npx tsc -p .

DATA="${MAILROOM_DATA:-$PWD/data}"
CREDS="$DATA/dev-credentials.txt"
mailroom() { node bin/mailroom.js --data "$DATA" "$@"; }

if [ ! -f "$DATA/config.json" ]; then
  mailroom init --hostname mail.example.test
  mailroom domain add example.test
  PASSWORD="$(openssl rand -base64 18 | tr -d '/+=' | cut -c1-16)"
  printf '%s\n' "$PASSWORD" | mailroom user add demo@example.test --password-stdin --quota 1G
  mailroom alias add postmaster@example.test demo@example.test
  umask 077
  printf 'demo@example.test %s\n' "$PASSWORD" > "$CREDS"
fi

listen() { node -e 'const c=require(process.argv[1]); console.log(c.listen?.[process.argv[2]] ?? "127.0.0.1:2525")' "$DATA/config.json" "$1"; }
cat <<EOT

Mailroom (development) — data in $DATA
  SMTP (MX, STARTTLS)   $(listen smtp)
  Submission            $(listen submission) (STARTTLS), $(listen submissions) (TLS); AUTH PLAIN/LOGIN
  POP3                  $(listen pop3) (STLS), $(listen pop3s) (TLS)
  Demo domain           example.test (postmaster@ is an alias of demo@)
  Demo login            $(cat "$CREDS" 2>/dev/null || echo "see $CREDS")

  Send a message:       swaks --server $(listen smtp | tr : ' ' | awk '{print $1":"$2}') --to demo@example.test
  Read the mailbox:     node bin/mailroom.js --data $DATA mail ls demo@example.test
  Manage:               node bin/mailroom.js --data $DATA help

EOT
exec node bin/mailroom.js --data "$DATA" serve
