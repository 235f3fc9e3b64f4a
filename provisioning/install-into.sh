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
# the ESP is mounted at /efi by systemd-gpt-auto-generator (an empty directory on the root).
install -m 0644 "$P"/sysupdate.d/*.transfer "$R/usr/lib/sysupdate.d/"
install -m 0644 "$P"/repart.d/*.conf "$R/usr/lib/mailroom/repart.d/"
install -m 0644 "$P/etc/config.appliance.json" "$R/usr/lib/mailroom/provisioning/"
install -m 0644 "$P"/network/*.network "$R/usr/lib/systemd/network/"
install -m 0755 "$P/initramfs/hooks/mailroom" "$R/etc/initramfs-tools/hooks/"
install -m 0755 "$P/initramfs/scripts/local-bottom/mailroom-var" "$R/etc/initramfs-tools/scripts/local-bottom/"
install -m 0644 "$P/etc/sshd-mailroom.conf" "$R/etc/ssh/sshd_config.d/mailroom.conf"
install -m 0644 "$P/etc/unbound-mailroom.conf" "$R/etc/unbound/unbound.conf.d/mailroom.conf"
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
systemd-sysusers --root="$R"
