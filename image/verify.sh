#!/usr/bin/env bash
# `npm run image:verify`: builds the image twice from the same inputs and compares the bytes.
# Both builds run from one snapshot of the working tree (so edits made meanwhile cannot differ
# between them), each into its own output dir. If anything differs, lib/compare-raw.sh lists
# the partitions and the files inside them that do (debugfs, no loop devices or mounts).
set -euo pipefail
. "$(dirname "$0")/lib/common.sh"
SNAP="$CACHE_DIR/verify-src"
A="$CACHE_DIR/verify-a" B="$CACHE_DIR/verify-b"

rm -rf "$SNAP" "$A" "$B"; mkdir -p "$SNAP" "$A" "$B"
(cd "$REPO_DIR" && tar --exclude=./node_modules --exclude=./dist --exclude='./dist-*' --exclude=./.git --exclude=./data -cf - .) \
  | tar -C "$SNAP" -xf -
ver="$(sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' "$SNAP/package.json" | head -n1)"
t0=$(date +%s)
log "first build (from the snapshot in $SNAP)"
MAILROOM_IMAGE_OUT="$A" bash "$SNAP/image/build.sh"
t1=$(date +%s)
log "second build"
MAILROOM_IMAGE_OUT="$B" bash "$SNAP/image/build.sh"
t2=$(date +%s)
log "builds took $((t1 - t0))s and $((t2 - t1))s"

if cmp -s "$A/SHA256SUMS" "$B/SHA256SUMS" && cmp -s "$A/mailroom-$ver.raw" "$B/mailroom-$ver.raw"; then
  log "reproducible: both builds gave identical bytes"
  cat "$B/SHA256SUMS"
  rm -rf "$SNAP" "$A"
  exit 0
fi
log "NOT reproducible: the builds differ"
diff "$A/SHA256SUMS" "$B/SHA256SUMS" || true
mkdir -p "$CACHE_DIR/work/verify"
mv "$A/mailroom-$ver.raw" "$CACHE_DIR/work/verify/a.raw"
mv "$B/mailroom-$ver.raw" "$CACHE_DIR/work/verify/b.raw"
bash "$IMAGE_DIR/lib/in-tools.sh" bash /src/image/lib/compare-raw.sh /cache/verify/a.raw /cache/verify/b.raw || true
exit 1
