#!/usr/bin/env bash
# Installs the appliance's provisioning into a root tree (the image build calls it on the
# mmdebstrap root): systemd units, sysusers and tmpfiles, first-boot and banner scripts, the
# initramfs hook that mounts var and /etc, repart definitions, network and service configs.
# Usage: install-into.sh ROOT
set -euo pipefail
P="$(cd "$(dirname "$0")" && pwd)"
R="${1:?usage: install-into.sh ROOT}"

install -d "$R/usr/lib/systemd/system" "$R/usr/lib/sysusers.d" "$R/usr/lib/tmpfiles.d" \
  "$R/usr/libexec/mailroom" "$R/usr/lib/mailroom/repart.d" "$R/usr/lib/mailroom/provisioning" \
  "$R/usr/lib/systemd/network" "$R/etc/initramfs-tools/hooks" \
  "$R/etc/initramfs-tools/scripts/local-bottom" "$R/etc/ssh/sshd_config.d" \
  "$R/etc/unbound/unbound.conf.d" "$R/etc/ssh/authorized_keys.d" "$R/usr/lib/sysupdate.d" "$R/efi"
install -m 0644 "$P"/systemd/*.service "$R/usr/lib/systemd/system/"
install -m 0644 "$P/sysusers.d/mailroom.conf" "$R/usr/lib/sysusers.d/"
install -m 0644 "$P/tmpfiles.d/mailroom.conf" "$R/usr/lib/tmpfiles.d/"
install -m 0755 "$P/libexec/firstboot" "$P/libexec/banner" "$P/libexec/wait-mail" \
  "$P/libexec/health-check" "$P/libexec/health-failed" "$R/usr/libexec/mailroom/"
# A/B updates: systemd-sysupdate writes the inactive root slot and the ESP (see sysupdate.d/);
# the ESP is mounted at /efi on first use (an automount in /etc/fstab, written by the image build;
# an empty directory on the root).
install -m 0644 "$P"/sysupdate.d/*.transfer "$R/usr/lib/sysupdate.d/"
install -m 0644 "$P"/repart.d/*.conf "$R/usr/lib/mailroom/repart.d/"
install -m 0644 "$P/etc/config.appliance.json" "$R/usr/lib/mailroom/provisioning/"
install -m 0644 "$P"/network/*.network "$R/usr/lib/systemd/network/"
install -m 0755 "$P/initramfs/hooks/mailroom" "$R/etc/initramfs-tools/hooks/"
install -m 0755 "$P/initramfs/scripts/local-bottom/mailroom-var" "$R/etc/initramfs-tools/scripts/local-bottom/"
install -m 0644 "$P/etc/sshd-mailroom.conf" "$R/etc/ssh/sshd_config.d/mailroom.conf"
install -m 0644 "$P/etc/unbound-mailroom.conf" "$R/etc/unbound/unbound.conf.d/mailroom.conf"
# Kernel modules udev would load for nothing (hypervisor, VGA KMS, wireless, speaker, parallel port).
install -D -m 0644 "$P/etc/modprobe-mailroom.conf" "$R/usr/lib/modprobe.d/mailroom.conf"
# rspamd as Mailroom uses it (worker count, Bayes on SQLite, our SPF/DKIM/DMARC results); the
# test fixture and the filter bench run this same local.d.
install -d "$R/etc/rspamd/local.d"
install -m 0644 "$P"/etc/rspamd/local.d/* "$R/etc/rspamd/local.d/"
for unit in rspamd.service clamav-daemon.service clamav-freshclam.service; do
  install -d "$R/usr/lib/systemd/system/$unit.d"
  install -m 0644 "$P/systemd/dropins/after-mail-ready.conf" "$R/usr/lib/systemd/system/$unit.d/50-mailroom.conf"
done

# The machine resolves through its own unbound.
rm -f "$R/etc/resolv.conf"
printf 'nameserver 127.0.0.1\noptions edns0 trust-ad\n' > "$R/etc/resolv.conf"

systemctl --root="$R" enable mailroom-firstboot.service mailroom-mail.service \
  mailroom-agent.service mailroom-helper.service mailroom-banner.service mailroom-health.service \
  mailroom-firstboot-late.service \
  systemd-networkd.service unbound.service chrony.service ssh.service \
  rspamd.service clamav-daemon.service clamav-freshclam.service
# Our first boot replaces systemd's, which would ask for a locale and a root password on the
# console and wait there.
systemctl --root="$R" mask systemd-firstboot.service
# Generators that have nothing to do on the appliance: each is one more program PID 1 starts
# and waits for before the first unit, seconds each under emulation. Kept: bless-boot (A/B
# boot counting), fstab (/efi), getty (serial console) and debug (systemd.mask=, debug shell
# on the kernel command line, for rescue). Masked: gpt-auto (root and var are mounted by the
# initramfs, /efi by fstab), sysv and rc-local (every init.d script here has a native unit; no
# rc.local), hibernate-resume (no swap), import, run, ssh (vsock/unix sshd sockets; sshd runs
# on the network), system-update (no offline updates; sysupdate writes the other slot), tpm2.
install -d "$R/etc/systemd/system-generators"
for g in gpt-auto sysv rc-local hibernate-resume import run ssh system-update tpm2; do
  [ -e "$R/usr/lib/systemd/system-generators/systemd-$g-generator" ] || { echo "install-into: no generator systemd-$g-generator to mask" >&2; exit 1; }
  ln -sfn /dev/null "$R/etc/systemd/system-generators/systemd-$g-generator"
done
# Early units that each start a program (mount, or the generator service) before sysinit.target
# and are of no use here, 5-7 s apiece in systemd-analyze blame under emulation: the debugfs and
# tracefs mounts (nothing here traces; not mounting them is also less kernel surface), huge
# pages (unused), /dev/mqueue (a view of POSIX message queues; mq_open does not need it) and
# systemd-network-generator (networkd config from ip= on the kernel command line: the appliance
# has its own .network file). Kept: tmp.mount (root is read-only) and run-lock.mount.
systemctl --root="$R" mask sys-kernel-debug.mount sys-kernel-tracing.mount dev-hugepages.mount \
  dev-mqueue.mount systemd-network-generator.service
systemd-sysusers --root="$R"
