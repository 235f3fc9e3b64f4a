#!/usr/bin/env bash
# mmdebstrap's customize hook (inside the tools chroot): puts the application and the
# provisioning into the root tree, removes what must differ per machine or per build, and
# regenerates the initramfs with the mailroom-var script.
# Usage: customize-rootfs.sh ROOT VERSION
set -euo pipefail
R="$1"; VERSION="$2"

# The application, read-only under /usr like the rest of the OS.
rm -rf "$R/usr/lib/mailroom"
mkdir -p "$R/usr/lib/mailroom"
cp -a /cache/app/out/. "$R/usr/lib/mailroom/"
cp /src/README.md "$R/usr/lib/mailroom/README.md"
chown -R 0:0 "$R/usr/lib/mailroom"
# The admin's command. Run as root (over SSH), it becomes the mailroom user first: files it
# creates in the data directory (the database's -wal and -shm among them) must stay the mail
# daemon's. The agent's commands (admin, updates) become the agent's user instead: they write
# the agent's database in its state directory (/var/lib/mailroom-agent, config agent.stateDir).
# The privileged helper runs node directly.
# dist/bundle/start.js (image/lib/app-start.cjs) does bin/mailroom.js's work from one bundled file
# with a V8 code cache made at build time: the same commands, a fraction of the start time.
cat > "$R/usr/bin/mailroom" <<'SH'
#!/bin/sh
if [ "$(id -u)" = 0 ]; then
  user=mailroom
  # The command is the first argument that is not an option (--data DIR takes a value).
  skip=
  for a in "$@"; do
    if [ -n "$skip" ]; then skip=; continue; fi
    case "$a" in
      --data) skip=1 ;;
      -*) ;;
      admin|updates) user=mailroom-admin; break ;;
      *) break ;;
    esac
  done
  cd / && exec runuser -u "$user" -- /usr/bin/node /usr/lib/mailroom/dist/bundle/start.js "$@"
fi
exec /usr/bin/node /usr/lib/mailroom/dist/bundle/start.js "$@"
SH
chmod 0755 "$R/usr/bin/mailroom"

bash /src/provisioning/install-into.sh "$R"
# unbound and chrony start once mail answers (provisioning/systemd/dropins/after-mail-start.conf).
for unit in unbound.service chrony.service; do
  install -d "$R/usr/lib/systemd/system/$unit.d"
  install -m 0644 /src/provisioning/systemd/dropins/after-mail-start.conf "$R/usr/lib/systemd/system/$unit.d/50-mailroom-after-mail.conf"
done
# networkd gets time to start on a CPU-starved machine (provisioning/systemd/dropins/slow-start-networkd.conf).
install -d "$R/usr/lib/systemd/system/systemd-networkd.service.d"
install -m 0644 /src/provisioning/systemd/dropins/slow-start-networkd.conf "$R/usr/lib/systemd/system/systemd-networkd.service.d/50-mailroom-slow-start.conf"
# networkd gets the CPU first while the machine boots, beside mail (provisioning/systemd/dropins/startup-cpu-networkd.conf).
install -m 0644 /src/provisioning/systemd/dropins/startup-cpu-networkd.conf "$R/usr/lib/systemd/system/systemd-networkd.service.d/50-mailroom-startup-cpu.conf"

# For systemd-sysupdate and the banner: which image and version this root slot holds.
printf 'IMAGE_ID=mailroom\nIMAGE_VERSION=%s\n' "$VERSION" >> "$R/usr/lib/os-release"
echo mailroom > "$R/etc/hostname"
printf '127.0.0.1\tlocalhost\n127.0.1.1\tmailroom\n::1\t\tlocalhost ip6-localhost ip6-loopback\n' > "$R/etc/hosts"
# /var is its own partition, mounted by the initramfs (root is ro by the kernel command line).
# The ESP at /efi, mounted on first use: systemd-sysupdate writes UKIs there and
# systemd-bless-boot renames them (boot counting); nothing else needs it.
printf '# Mailroom: root (read-only) and /var are mounted by the initramfs.\nPARTLABEL=esp /efi vfat noauto,x-systemd.automount,x-systemd.idle-timeout=60,umask=0077,nodev,nosuid,noexec 0 0\n' > "$R/etc/fstab"

# The keys systemd-sysupdate (systemd-pull) accepts on a release's SHA256SUMS.gpg: the vendor's
# release key (image/update-signing-key.asc, public, when the repository has one), else none:
# an empty keyring refuses every update until the operator installs a key. Debian's own
# /usr/lib/systemd/import-pubring.gpg (other distributions' keys) is never consulted while
# this file exists.
if [ -f /src/image/update-signing-key.asc ]; then
  chroot "$R" gpg --batch --quiet --no-options --homedir /nonexistent --dearmor \
    < /src/image/update-signing-key.asc > "$R/etc/systemd/import-pubring.gpg"
else
  : > "$R/etc/systemd/import-pubring.gpg"
fi
chmod 0644 "$R/etc/systemd/import-pubring.gpg"

# Per machine, made on first boot: never in the image.
rm -f "$R"/etc/ssh/ssh_host_*
printf 'uninitialized\n' > "$R/etc/machine-id"
rm -f "$R/var/lib/dbus/machine-id"
# No password for root (locked), nor for anyone else.
sed -i -E 's/^root:[^:]*:/root:!*:/' "$R/etc/shadow"

# Per build: logs, caches and lists that carry the time of the build.
rm -rf "$R"/var/log/*.log "$R"/var/log/apt/* "$R"/var/cache/apt/*.bin "$R"/var/cache/ldconfig/aux-cache \
  "$R"/var/lib/apt/lists/* "$R"/var/cache/debconf/*-old "$R"/var/lib/dpkg/*-old
rm -f "$R/etc/apt/preferences.d/mailroom-manifest.pref"

# Nothing to redo on first boot: ld.so.cache and the rest are made here, so ldconfig.service and
# systemd-update-done.service (ConditionNeedsUpdate: /usr newer than /etc/.updated) would only
# cost seconds before sysinit.target. build-disk.sh clamps /usr's time to SOURCE_DATE_EPOCH:
# the stamps say exactly that.
for d in etc var; do
  printf '# Written by the Mailroom image build in place of systemd-update-done.\nTIMESTAMP_NSEC=%s000000000\n' "$SOURCE_DATE_EPOCH" > "$R/$d/.updated"
  touch -d "@$SOURCE_DATE_EPOCH" "$R/$d/.updated"
done
# e2scrub_reap cleans up LVM snapshots of e2scrub runs; there is no LVM here, and on first boot it
# competes with the mail daemon's start.
systemctl --root="$R" mask e2scrub_reap.service e2scrub_all.timer
# systemd-boot-random-seed (from the systemd-boot package) mounts the ESP and rewrites its seed
# file on every boot, inside sysinit.target: a minute before anything else under emulation. The
# kernel seeds itself (jitter entropy, RDRAND); the ESP is left to updates and boot counting.
systemctl --root="$R" mask systemd-boot-random-seed.service
# Before sysinit.target, so before first boot and mail, and of no use here (each one a modprobe
# or mount start, seconds apiece under emulation): systemd-repart.service is for a root that
# carries /usr/lib/repart.d (this one's repart runs in the initramfs, from
# /usr/lib/mailroom/repart.d) and pulled in modprobe@loop and modprobe@dm_mod; configfs (USB
# gadgets, NVMe targets) and fusectl are never used on the appliance. The kernel still loads any
# of these modules on demand (kmod-static-nodes makes their device nodes). modprobe@drm is
# logind's, for graphical seats.
systemctl --root="$R" mask systemd-repart.service sys-kernel-config.mount sys-fs-fuse-connections.mount \
  modprobe@configfs.service modprobe@fuse.service modprobe@loop.service modprobe@dm_mod.service modprobe@drm.service

# The initramfs, now with the mailroom hook; mkinitramfs honours SOURCE_DATE_EPOCH. Only the
# modules of provisioning/initramfs/modules (storage for VMs and servers, ext4, vfat, overlay)
# instead of Debian's MODULES=most: a third of the size, less to read and unpack on every boot.
install -m 0644 /src/provisioning/initramfs/modules "$R/etc/initramfs-tools/modules"
grep -qx 'MODULES=list' "$R/etc/initramfs-tools/conf.d/mailroom.conf" 2>/dev/null \
  || echo 'MODULES=list' >> "$R/etc/initramfs-tools/conf.d/mailroom.conf"
chroot "$R" update-initramfs -u -k all
echo "initramfs: $(du -h "$R"/boot/initrd.img-* | cut -f1)"
