#!/usr/bin/env bash
# Inside the tools chroot: the appliance's root tree at /cache/rootfs, made by mmdebstrap from
# Debian's archive with the versions pinned by image/manifest.txt, the application from
# /cache/app/out and the provisioning files from the repository.
# Usage: build-rootfs.sh VERSION [--update-manifest]
set -euo pipefail
VERSION="$1"; UPDATE="${2:-}"
: "${SOURCE_DATE_EPOCH:?SOURCE_DATE_EPOCH must be set}"
R=/cache/rootfs
MANIFEST=/src/image/manifest.txt
PINS=/cache/manifest.pref

# Every package of the manifest pinned to its version: apt then installs exactly those or fails.
: > "$PINS"
if [ "$UPDATE" != --update-manifest ] && [ -f "$MANIFEST" ]; then
  grep -v '^#' "$MANIFEST" | while read -r name version; do
    printf 'Package: %s\nPin: version %s\nPin-Priority: 1001\n\n' "$name" "$version"
  done > "$PINS"
fi

include="$(sed -e 's/#.*//' -e 's/[[:space:]]//g' /src/image/packages.txt | grep -v '^$' | paste -sd,)"
rm -rf "$R"
mmdebstrap --mode=root --variant=minbase --format=directory \
  --include="$include" \
  --aptopt='Acquire::Retries "3"' \
  --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-include=/usr/share/doc/*/copyright' \
  --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/locale/*' \
  --dpkgopt='path-exclude=/usr/share/info/*' \
  --setup-hook="mkdir -p \"\$1/etc/apt/preferences.d\" && cp $PINS \"\$1/etc/apt/preferences.d/mailroom-manifest.pref\"" \
  --essential-hook='mkdir -p "$1/etc/initramfs-tools/conf.d" && echo "COMPRESS=zstd" > "$1/etc/initramfs-tools/conf.d/mailroom.conf"' \
  --customize-hook="bash /src/image/lib/customize-rootfs.sh \"\$1\" $VERSION" \
  trixie "$R" \
  "deb http://deb.debian.org/debian trixie main" \
  "deb http://deb.debian.org/debian trixie-updates main" \
  "deb http://deb.debian.org/debian-security trixie-security main"

# The manifest of what was installed: compared with the committed one, or written for it.
{
  echo "# Packages and versions in the Mailroom image (image/packages.txt plus what they need)."
  echo "# SOURCE_DATE_EPOCH=$SOURCE_DATE_EPOCH"
  dpkg-query --admindir="$R/var/lib/dpkg" -W -f '${Package} ${Version}\n' | LC_ALL=C sort
} > /out/manifest.txt
if [ "$UPDATE" != --update-manifest ] && [ -f "$MANIFEST" ]; then
  if ! diff -u <(grep -v '^#' "$MANIFEST") <(grep -v '^#' /out/manifest.txt) > /out/manifest.diff; then
    echo "build-rootfs: the installed packages differ from image/manifest.txt:" >&2
    cat /out/manifest.diff >&2
    echo "(run 'npm run image -- --update-manifest' to take the archive's current versions)" >&2
    exit 1
  fi
fi
echo "rootfs built: $(du -sh "$R" | cut -f1)"
