#!/usr/bin/env bash
# Inside the tools chroot: from the raw disk to what people download, in /out:
#   mailroom-VERSION.raw.zst  for flashing onto a disk (`zstd -dc ... | dd of=/dev/sdX`, or an
#                             imager that reads zstd): zstd -12 is as small as xz -6 on this
#                             image and ten times faster
#   mailroom-VERSION.qcow2    Proxmox, KVM, libvirt (compressed clusters)
#   mailroom-VERSION.ova      VMware, VirtualBox: OVF descriptor + manifest + stream VMDK
#   SHA256SUMS
#   update/                   the same release for systemd-sysupdate (root file system, UKI)
# Usage: build-outputs.sh VERSION
set -euo pipefail
VERSION="$1"
: "${SOURCE_DATE_EPOCH:?SOURCE_DATE_EPOCH must be set}"
cd /out
name="mailroom-$VERSION"
raw="$name.raw"
[ -f "$raw" ] || { echo "build-outputs: no $raw" >&2; exit 1; }
rm -f "$name.raw.zst" "$name.raw.xz" "$name.qcow2" "$name.ova" SHA256SUMS
work=/cache/outputs; rm -rf "$work"; mkdir -p "$work"

qemu-img convert -q -f raw -O qcow2 -c -o compression_type=zlib "$raw" "$name.qcow2"

# OVA: the descriptor first, then its manifest, then the disk (the order OVF 1.x asks for).
qemu-img convert -q -f raw -O vmdk -o subformat=streamOptimized,adapter_type=lsilogic "$raw" "$work/$name-disk1.vmdk"
# qemu writes a random content id (CID) into the VMDK's descriptor: pin it, same length.
python3 - "$work/$name-disk1.vmdk" <<'PY'
import re, sys
p = sys.argv[1]
with open(p, 'r+b') as f:
    head = f.read(1 << 20)
    new = re.sub(rb'(?m)^CID=[0-9a-f]{8}$', b'CID=4d61696c', head, count=1)
    if len(new) != len(head):
        raise SystemExit('CID replacement changed the length')
    f.seek(0); f.write(new)
PY
capacity="$(stat -c %s "$raw")"
vmdk_size="$(stat -c %s "$work/$name-disk1.vmdk")"
bash /src/image/lib/ovf.sh "$name" "$VERSION" "$capacity" "$vmdk_size" > "$work/$name.ovf"
(cd "$work" && for f in "$name.ovf" "$name-disk1.vmdk"; do echo "SHA256($f)= $(sha256sum "$f" | cut -d' ' -f1)"; done > "$name.mf")
tar --format=ustar --owner=0 --group=0 --numeric-owner --mode=0644 --mtime="@$SOURCE_DATE_EPOCH" \
  -C "$work" -cf "$name.ova" "$name.ovf" "$name.mf" "$name-disk1.vmdk"
rm -rf "$work"

# zstd's multi-threaded mode writes the same bytes for any number of workers.
zstd -q -T2 -12 -f "$raw" -o "$name.raw.zst.tmp" && mv "$name.raw.zst.tmp" "$name.raw.zst"

# The release as systemd-sysupdate fetches it (provisioning/sysupdate.d): the root slot's file
# system and the UKI, named mailroom_VERSION.*, with their own SHA256SUMS. Signing that file
# (SHA256SUMS.gpg, detached) is the release step, with the vendor's key, outside this build.
# The root file system is gzip'ed, not zstd'ed: Debian's systemd-pull (257) decompresses xz,
# gzip and bzip2 only, and writes anything else into the slot as it comes (a zstd stream in
# place of ext4: slot B did not mount, seen in the boot test). gzip -n: no name or time in the
# header, so the bytes are reproducible; it decompresses faster than xz on a small machine.
rm -rf update && mkdir update
read -r start size < <(sfdisk -d "$raw" | sed -n 's/.*start= *\([0-9]*\), size= *\([0-9]*\),.*name="mailroom_[^"]*".*/\1 \2/p' | head -n1)
[ -n "${size:-}" ] || { echo "build-outputs: no mailroom_ root partition in $raw" >&2; exit 1; }
dd if="$raw" bs=512 skip="$start" count="$size" status=none | gzip -n -6 > "update/mailroom_$VERSION.root.raw.gz"
cp "/cache/esp/EFI/Linux/mailroom_$VERSION.efi" "update/mailroom_$VERSION.efi"
touch -d "@$SOURCE_DATE_EPOCH" update/*
(cd update && sha256sum "mailroom_$VERSION.root.raw.gz" "mailroom_$VERSION.efi" > SHA256SUMS)

sha256sum "$name.raw.zst" "$name.qcow2" "$name.ova" > SHA256SUMS
ls -l "$name.raw.zst" "$name.qcow2" "$name.ova" SHA256SUMS update/*
