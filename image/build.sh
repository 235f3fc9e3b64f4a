#!/usr/bin/env bash
# `npm run image`: builds the Mailroom appliance image into dist/image/.
#   1. the trixie tools chroot (once; again when image/tools-packages.txt changes)
#   2. the application, compiled and installed without dev dependencies, inside it
#   3. the root tree: mmdebstrap from Debian's archive at the versions of image/manifest.txt
#   4. the disk: UKI + systemd-boot on the ESP, root slot A, var (systemd-repart --offline)
#   5. raw.zst, qcow2, OVA and SHA256SUMS
# SOURCE_DATE_EPOCH comes from the manifest, so two builds of the same inputs are identical.
# Options: --update-manifest  take the archive's current versions and write image/manifest.txt
set -euo pipefail
. "$(dirname "$0")/lib/common.sh"
UPDATE=""
for a in "$@"; do
  case "$a" in
    --update-manifest) UPDATE=--update-manifest ;;
    *) die "unknown option $a (usage: npm run image [-- --update-manifest])" ;;
  esac
done
[ "$(id -u)" = 0 ] || die "the image build runs as root (mmdebstrap root mode, chroot)"

VERSION="$(node -p 'require(process.argv[1]).version' "$REPO_DIR/package.json" 2>/dev/null \
  || sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' "$REPO_DIR/package.json" | head -n1)"
[ -n "$VERSION" ] || die "no version in package.json"
if [ -z "$UPDATE" ] && [ -f "$IMAGE_DIR/manifest.txt" ]; then
  SOURCE_DATE_EPOCH="$(sed -n 's/^# SOURCE_DATE_EPOCH=\([0-9]*\)$/\1/p' "$IMAGE_DIR/manifest.txt")"
  [ -n "$SOURCE_DATE_EPOCH" ] || die "image/manifest.txt has no SOURCE_DATE_EPOCH line"
else
  # A new manifest: the build's day (UTC midnight), so rebuilds on the same day agree.
  SOURCE_DATE_EPOCH=$(( $(date +%s) / 86400 * 86400 ))
fi
export SOURCE_DATE_EPOCH

T0=$(date +%s)
step() { local s; s=$(date +%s); log "$1"; shift; "$@"; log "  took $(( $(date +%s) - s ))s"; }
step "tools chroot" bash "$IMAGE_DIR/lib/tools-chroot.sh"
step "application (trixie's node, no dev dependencies)" bash "$IMAGE_DIR/lib/in-tools.sh" bash /src/image/lib/build-app.sh
step "root tree (mmdebstrap $SUITE, SOURCE_DATE_EPOCH=$SOURCE_DATE_EPOCH)" \
  bash "$IMAGE_DIR/lib/in-tools.sh" bash /src/image/lib/build-rootfs.sh "$VERSION" $UPDATE
if [ -n "$UPDATE" ]; then
  cp "$OUT_DIR/manifest.txt" "$IMAGE_DIR/manifest.txt"
  log "wrote image/manifest.txt ($(grep -vc '^#' "$IMAGE_DIR/manifest.txt") packages): commit it"
fi
step "disk (ukify, systemd-boot, systemd-repart --offline)" bash "$IMAGE_DIR/lib/in-tools.sh" bash /src/image/lib/build-disk.sh "$VERSION"
step "outputs (raw.zst, qcow2, ova, SHA256SUMS)" bash "$IMAGE_DIR/lib/in-tools.sh" bash /src/image/lib/build-outputs.sh "$VERSION"
log "done in $(( $(date +%s) - T0 ))s: $OUT_DIR"
cat "$OUT_DIR/SHA256SUMS"
