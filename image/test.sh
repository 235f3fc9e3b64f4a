#!/usr/bin/env bash
# `npm run image:test`: boots dist/image/mailroom-VERSION.qcow2 under qemu (software emulation)
# and checks mail over SMTP, POP3 and IMAP, the panel and the helper, then an A/B update that
# falls back: see image/boot-test.mjs. The update scenario needs root (it makes the test release
# in the tools chroot); without root only the mail scenario runs.
if [ "$(id -u)" != 0 ] && [ -z "${MAILROOM_IMAGE_SCENARIOS:-}" ]; then export MAILROOM_IMAGE_SCENARIOS=mail; fi
set -euo pipefail
cd "$(dirname "$0")/.."
missing=()
command -v qemu-system-x86_64 >/dev/null || missing+=(qemu-system-x86)
command -v qemu-img >/dev/null || missing+=(qemu-utils)
[ -f /usr/share/OVMF/OVMF_CODE_4M.fd ] || missing+=(ovmf)
command -v ssh >/dev/null || missing+=(openssh-client)
command -v gpg >/dev/null || missing+=(gpg)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "image:test needs: apt-get install ${missing[*]}" >&2; exit 1
  fi
fi
exec node image/boot-test.mjs
