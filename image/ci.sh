#!/usr/bin/env bash
# The image in CI: builds and boot-tests the image only when its inputs changed since the last
# green run on this machine (the build takes many minutes and the boot under software emulation
# more). Inputs: image/, provisioning/ (without the dev start script), the package files and
# the application sources that go into the image. The last green hash and its timings are kept
# in /var/cache/mailroom-image/last-green.
# MAILROOM_IMAGE_CI=always runs regardless; MAILROOM_IMAGE_CI=never skips (and says so).
set -euo pipefail
. "$(dirname "$0")/lib/common.sh"
cd "$REPO_DIR"
STATE="$CACHE_DIR/last-green"

inputs_hash() {
  find image provisioning bin core cli mail agent ui package.json package-lock.json tsconfig.json \
      -path provisioning/dev -prune -o -type f -print 2>/dev/null \
    | LC_ALL=C sort | xargs -d '\n' sha256sum | sha256sum | cut -c1-16
}
hash="$(inputs_hash)"
mode="${MAILROOM_IMAGE_CI:-changed}"
if [ "$mode" = never ]; then echo "image: skipped (MAILROOM_IMAGE_CI=never)"; exit 0; fi
if [ "$(id -u)" != 0 ]; then echo "image: skipped (the image build needs root for mmdebstrap and chroot)"; exit 0; fi
if [ "$mode" != always ] && [ -f "$STATE" ] && [ "$(sed -n 's/^hash=//p' "$STATE")" = "$hash" ]; then
  echo "image: skipped (inputs $hash unchanged since the last green build and boot test: $(sed -n 's/^when=//p' "$STATE"); $(sed -n 's/^timings=//p' "$STATE"))"
  exit 0
fi

echo "image: inputs $hash changed since the last green run; building and boot-testing"
t0=$(date +%s)
bash image/build.sh
t1=$(date +%s)
bash image/test.sh
t2=$(date +%s)
timings="build $((t1 - t0))s, boot test $((t2 - t1))s"
mkdir -p "$CACHE_DIR"
printf 'hash=%s\nwhen=%s\ntimings=%s\n' "$hash" "$(date -u +%FT%TZ)" "$timings" > "$STATE.tmp" && mv "$STATE.tmp" "$STATE"
echo "image: green ($timings)"
