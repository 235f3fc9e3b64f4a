#!/usr/bin/env bash
# The image in CI (test/run.sh starts it beside the main suite): builds and boot-tests the image
# (image:test; see MAILROOM_IMAGE_SCENARIOS below) only when its inputs changed
# since the last green run on this machine: the build takes minutes and the boots under software
# emulation many more. Inputs: image/, provisioning/ (without the dev start script), the package
# files and the application sources that go into the image (not the panel bundle ui/client/dist,
# which `npm test` rebuilds meanwhile; the image builds its own). The outputs go to the cache dir
# (CACHE/out), not dist/: `npm test` deletes dist/ while this runs.
# The stamp of the last green run (inputs hash, when, timings, load) is CACHE/last-green.
# MAILROOM_IMAGE_CI=always runs regardless; MAILROOM_IMAGE_CI=never skips (and says so).
# Every outcome ends with one line starting "image: " (skipped, green or FAILED).
set -euo pipefail
. "$(dirname "$0")/lib/common.sh"
cd "$REPO_DIR"
STATE="$CACHE_DIR/last-green"
export MAILROOM_IMAGE_OUT="${MAILROOM_IMAGE_OUT:-$CACHE_DIR/out}"
# Both scenarios: the mail one, then the A/B update that falls back (first passed whole on
# 2026-11-23). MAILROOM_IMAGE_SCENARIOS=mail runs the first only.
export MAILROOM_IMAGE_SCENARIOS="${MAILROOM_IMAGE_SCENARIOS:-mail,update}"

inputs_hash() {
  find image provisioning bin core cli mail agent ui package.json package-lock.json tsconfig.json \
      -path provisioning/dev -prune -o -path ui/client/dist -prune -o -type f -print 2>/dev/null \
    | LC_ALL=C sort | xargs -d '\n' sha256sum | sha256sum | cut -c1-16
}
mode="${MAILROOM_IMAGE_CI:-changed}"
if [ "$mode" = never ]; then echo "image: skipped (MAILROOM_IMAGE_CI=never)"; exit 0; fi
if [ "$(id -u)" != 0 ]; then echo "image: skipped (the image build needs root for mmdebstrap and chroot)"; exit 0; fi
hash="$(inputs_hash)"
if [ "$mode" != always ] && [ -f "$STATE" ] && [ "$(sed -n 's/^hash=//p' "$STATE")" = "$hash" ]; then
  echo "image: skipped (inputs $hash unchanged since the last green build and boot test: $(sed -n 's/^when=//p' "$STATE"); $(sed -n 's/^timings=//p' "$STATE"))"
  exit 0
fi

# One image job at a time on this machine: the cache (tools chroot, root tree) is shared.
mkdir -p "$CACHE_DIR"
exec 9>"$CACHE_DIR/ci.lock"
if ! flock -n 9; then
  echo "image: waiting for another image job on this machine"
  flock 9
fi

echo "image: inputs $hash changed since the last green run; building into $MAILROOM_IMAGE_OUT and boot-testing (load $(cut -d' ' -f1-3 /proc/loadavg))"
t0=$(date +%s)
if ! bash image/build.sh; then echo "image: FAILED (build, after $(( $(date +%s) - t0 ))s)"; exit 1; fi
t1=$(date +%s)
if ! bash image/test.sh; then echo "image: FAILED (boot test, after $(( $(date +%s) - t1 ))s; build $((t1 - t0))s)"; exit 1; fi
t2=$(date +%s)
timings="build $((t1 - t0))s, boot test $((t2 - t1))s, load $(cut -d' ' -f1-3 /proc/loadavg)"
printf 'hash=%s\nwhen=%s\ntimings=%s\n' "$hash" "$(date -u +%FT%TZ)" "$timings" > "$STATE.tmp" && mv "$STATE.tmp" "$STATE"
echo "image: green ($timings)"
