#!/usr/bin/env bash
# Runs a command inside the trixie tools chroot: the repository read-only at /src, the cache dir
# at /cache, the output dir at /out. The mounts live in a private mount namespace, so they are
# gone when the command ends, whatever way it ends.
set -euo pipefail
. "$(dirname "$0")/common.sh"
[ -f "$TOOLS_DIR/.recipe" ] || die "no tools chroot: run image/lib/tools-chroot.sh first"
mkdir -p "$OUT_DIR" "$CACHE_DIR/work"
SRC="$REPO_DIR" CACHE="$CACHE_DIR/work" OUT="$OUT_DIR" exec unshare --mount --propagation private -- bash -euc '
  t="$1"; shift
  mount -t proc proc "$t/proc"
  mount --rbind /sys "$t/sys"
  mount --rbind /dev "$t/dev"
  mount -t tmpfs -o mode=1777 tmpfs "$t/tmp"
  mount --bind "$SRC" "$t/src"; mount -o remount,bind,ro "$t/src"
  mount --bind "$CACHE" "$t/cache"
  mount --bind "$OUT" "$t/out"
  cp /etc/resolv.conf "$t/etc/resolv.conf"
  # The machine may reach registries through a proxy with its own CA: npm in the chroot trusts
  # what the host trusts. Only the tools chroot sees it; nothing of it goes into the image.
  cp /etc/ssl/certs/ca-certificates.crt "$t/etc/ssl/host-ca.crt"
  exec chroot "$t" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 TZ=UTC \
    npm_config_cafile=/etc/ssl/host-ca.crt NODE_EXTRA_CA_CERTS=/etc/ssl/host-ca.crt \
    ${SOURCE_DATE_EPOCH:+SOURCE_DATE_EPOCH=$SOURCE_DATE_EPOCH} "$@"
' in-tools "$TOOLS_DIR" "$@"
