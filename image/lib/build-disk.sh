#!/usr/bin/env bash
# Inside the tools chroot: from /cache/rootfs to the raw disk image /out/mailroom-VERSION.raw:
# a unified kernel image (ukify) and systemd-boot on an ESP, root slot A, and the var partition,
# laid out by `systemd-repart --offline` (no loop devices). Slot B is added on first boot.
# Usage: build-disk.sh VERSION
set -euo pipefail
VERSION="$1"
: "${SOURCE_DATE_EPOCH:?SOURCE_DATE_EPOCH must be set}"
R=/cache/rootfs
ESP=/cache/esp
RAW="/out/mailroom-$VERSION.raw"

# One fixed seed per version: partition and file system UUIDs are derived from it, so two
# builds of the same inputs give the same bytes.
h="$(printf 'mailroom-image %s' "$VERSION" | sha256sum)"
SEED="${h:0:8}-${h:8:4}-4${h:13:3}-8${h:17:3}-${h:20:12}"

kernel="$(ls "$R"/boot/vmlinuz-* | sort -V | tail -n1)"
kver="${kernel##*/vmlinuz-}"
initrd="$R/boot/initrd.img-$kver"
[ -f "$initrd" ] || { echo "build-disk: no initramfs for $kver" >&2; exit 1; }

# root slot by label, read-only; serial and screen consoles (the last one is /dev/console).
# fsck.mode=skip: the initramfs does not check the root slot. It is mounted read-only on every
# boot and never written in place (an update writes the other slot whole), so it is always clean
# and `fsck -p` would only read its superblock to say so, one more program start under emulation.
# The var partition is checked by the mailroom-var script (e2fsck -p, regardless of this).
cmdline() { echo "root=PARTLABEL=mailroom_$1 ro rootwait fsck.mode=skip console=tty0 console=ttyS0,115200 quiet loglevel=3 systemd.show_status=error"; }

rm -rf "$ESP"
mkdir -p "$ESP/EFI/BOOT" "$ESP/EFI/systemd" "$ESP/EFI/Linux" "$ESP/loader"
# The kernel command line is inside the UKI (signed along with it once Secure Boot is added).
ukify build \
  --linux="$kernel" --initrd="$initrd" --uname="$kver" \
  --stub="$R/usr/lib/systemd/boot/efi/linuxx64.efi.stub" \
  --os-release="@$R/usr/lib/os-release" \
  --cmdline="$(cmdline "$VERSION")" \
  --output="$ESP/EFI/Linux/mailroom_$VERSION.efi"
# What a UKI is made of, kept for image/lib/make-test-update.sh (the boot test's update scenario
# makes a UKI for a "next" version from the same kernel and initramfs).
rm -rf /cache/uki-parts; mkdir -p /cache/uki-parts
cp "$kernel" /cache/uki-parts/vmlinuz; cp "$initrd" /cache/uki-parts/initrd.img
cp "$R/usr/lib/systemd/boot/efi/linuxx64.efi.stub" /cache/uki-parts/linuxx64.efi.stub
cp "$R/usr/lib/os-release" /cache/uki-parts/os-release; echo "$kver" > /cache/uki-parts/uname
cmdline @VERSION@ > /cache/uki-parts/cmdline
cp "$R/usr/lib/systemd/boot/efi/systemd-bootx64.efi" "$ESP/EFI/systemd/systemd-bootx64.efi"
cp "$R/usr/lib/systemd/boot/efi/systemd-bootx64.efi" "$ESP/EFI/BOOT/BOOTX64.EFI"
printf 'timeout 0\neditor no\nconsole-mode keep\n' > "$ESP/loader/loader.conf"
# The UKI carries the initramfs: the root slot does not need a second copy.
rm -f "$R"/boot/initrd.img-*

# File times: nothing newer than SOURCE_DATE_EPOCH (what the build itself wrote, the app).
for d in "$R" "$ESP"; do
  find "$d" -xdev -newermt "@$SOURCE_DATE_EPOCH" -print0 | xargs -0r touch -h -d "@$SOURCE_DATE_EPOCH"
done

DEFS=/cache/repart.build.d
rm -rf "$DEFS"; mkdir -p "$DEFS"
cat > "$DEFS/10-esp.conf" <<CONF
[Partition]
Type=esp
Format=vfat
CopyFiles=/esp:/
SizeMinBytes=512M
SizeMaxBytes=512M
CONF
cat > "$DEFS/20-root-a.conf" <<CONF
[Partition]
Type=root
Label=mailroom_$VERSION
Format=ext4
CopyFiles=/rootfs:/
ExcludeFilesTarget=/var/
SizeMinBytes=2G
SizeMaxBytes=2G
CONF
cat > "$DEFS/40-var.conf" <<CONF
[Partition]
Type=var
Label=mailroom-var
Format=ext4
CopyFiles=/rootfs/var:/
SizeMinBytes=256M
SizeMaxBytes=256M
CONF

# mke2fs picks a random directory hash seed unless told one, and repart does not tell it:
# give every ext4 file system the seed through mke2fs's own config ("options" is prepended
# to -E, so repart's own -E options still apply).
sed "s/^\(\s*ext4 = {\)\$/\1\n\t\toptions = hash_seed=$SEED/" /etc/mke2fs.conf > /cache/mke2fs.conf
grep -q "hash_seed=$SEED" /cache/mke2fs.conf || { echo "build-disk: could not set hash_seed in mke2fs.conf" >&2; exit 1; }
export MKE2FS_CONFIG=/cache/mke2fs.conf

rm -f "$RAW"
systemd-repart --offline=yes --empty=create --size=auto --seed="$SEED" --dry-run=no --no-pager \
  --copy-source=/cache --definitions="$DEFS" "$RAW"
echo "disk built: $RAW ($(du -h --apparent-size "$RAW" | cut -f1), $(du -h "$RAW" | cut -f1) allocated)"
