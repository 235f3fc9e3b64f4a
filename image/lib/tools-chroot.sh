#!/usr/bin/env bash
# Creates (or re-creates, when its recipe changed) the trixie tools chroot under the cache dir.
# This is the one step that runs the host's own mmdebstrap: everything after it runs inside.
set -euo pipefail
. "$(dirname "$0")/common.sh"

recipe_hash() { cat "$IMAGE_DIR/tools-packages.txt" "$IMAGE_DIR/lib/tools-chroot.sh" | sha256sum | cut -c1-16; }

want="$(recipe_hash)"
if [ -f "$TOOLS_DIR/.recipe" ] && [ "$(cat "$TOOLS_DIR/.recipe")" = "$want" ]; then
  log "tools chroot up to date ($TOOLS_DIR)"
  exit 0
fi

[ "$(id -u)" = 0 ] || die "the image build runs as root (mmdebstrap root mode, chroot)"
if ! command -v mmdebstrap >/dev/null; then
  log "installing mmdebstrap on the host (it makes the tools chroot; nothing else of the host is used)"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends mmdebstrap >/dev/null
fi

log "creating the trixie tools chroot in $TOOLS_DIR"
rm -rf "$TOOLS_DIR.new"
mkdir -p "$CACHE_DIR"
mmdebstrap --mode=root --variant=apt --format=directory \
  --include="$(read_list "$IMAGE_DIR/tools-packages.txt" | paste -sd,)" \
  --aptopt='Acquire::Retries "3"' \
  --customize-hook='mkdir -p "$1/src" "$1/cache" "$1/out"' \
  "$SUITE" "$TOOLS_DIR.new" "${APT_SOURCES[@]}"
echo "$want" > "$TOOLS_DIR.new/.recipe"
rm -rf "$TOOLS_DIR"
mv "$TOOLS_DIR.new" "$TOOLS_DIR"
log "tools chroot ready"
