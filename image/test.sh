#!/usr/bin/env bash
# `npm run image:test`: boots dist/image/mailroom-VERSION.qcow2 under qemu (software emulation)
# and checks mail over SMTP, POP3 and IMAP: see image/boot-test.mjs.
set -euo pipefail
cd "$(dirname "$0")/.."
missing=()
command -v qemu-system-x86_64 >/dev/null || missing+=(qemu-system-x86)
command -v qemu-img >/dev/null || missing+=(qemu-utils)
[ -f /usr/share/OVMF/OVMF_CODE_4M.fd ] || missing+=(ovmf)
command -v ssh >/dev/null || missing+=(openssh-client)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "image:test needs: apt-get install ${missing[*]}" >&2; exit 1
  fi
fi
exec node image/boot-test.mjs
