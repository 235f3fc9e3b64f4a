#!/usr/bin/env bash
# Inside the tools chroot, for the boot test's update scenario: turns the release just built
# (/out/update: mailroom_VERSION.root.raw.gz and .efi) into a release of a made-up next version
# NEXT, as systemd-sysupdate would find it on the update server: the same root file system
# (sysupdate labels the slot it writes mailroom_NEXT), a UKI whose command line boots
# root=PARTLABEL=mailroom_NEXT and whose os-release says IMAGE_VERSION=NEXT (systemd-boot picks
# the newest version), and SHA256SUMS. The caller signs SHA256SUMS (SHA256SUMS.gpg).
# Usage: make-test-update.sh VERSION NEXT OUTDIR
set -euo pipefail
VERSION="$1" NEXT="$2" OUT="$3"
P=/cache/uki-parts
[ -f "$P/vmlinuz" ] || { echo "make-test-update: no $P (build the image first)" >&2; exit 1; }
rm -rf "$OUT"; mkdir -p "$OUT"
ln "/out/update/mailroom_$VERSION.root.raw.gz" "$OUT/mailroom_$NEXT.root.raw.gz" 2>/dev/null \
  || cp "/out/update/mailroom_$VERSION.root.raw.gz" "$OUT/mailroom_$NEXT.root.raw.gz"
sed "s/^IMAGE_VERSION=.*/IMAGE_VERSION=$NEXT/" "$P/os-release" > /tmp/os-release.next
# The test's slot B boots with a talkative console, so that a boot that hangs shows where
# (session 5: one boot of slot B printed nothing for 25 min after the loader had picked it):
# kernel messages from the earliest point (earlyprintk on the 16550 before the console driver),
# at info level, and systemd's unit status lines, on the serial console only (a framebuffer
# console that scrolls hundreds of lines costs minutes under TCG). The shipped command line
# (build-disk.sh) stays quiet.
cmdline="$(sed -e "s/@VERSION@/$NEXT/" -e 's/ quiet\b//; s/ loglevel=[0-9]*//; s/ systemd\.show_status=[a-z0-9]*//; s/ console=tty0\b//' "$P/cmdline")"
cmdline="$cmdline earlyprintk=serial,ttyS0,115200 loglevel=6 systemd.show_status=1"
case "$cmdline" in *quiet*|*tty0*) echo "make-test-update: could not make slot B's command line verbose: $cmdline" >&2; exit 1 ;; esac
echo "make-test-update: slot B's command line: $cmdline" >&2
ukify build --linux="$P/vmlinuz" --initrd="$P/initrd.img" --uname="$(cat "$P/uname")" \
  --stub="$P/linuxx64.efi.stub" --os-release=@/tmp/os-release.next \
  --cmdline="$cmdline" --output="$OUT/mailroom_$NEXT.efi" >/dev/null
(cd "$OUT" && sha256sum "mailroom_$NEXT.root.raw.gz" "mailroom_$NEXT.efi" > SHA256SUMS)
ls -l "$OUT"
