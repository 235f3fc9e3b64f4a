# Shared settings for the image scripts (sourced, not run). Paths, the Debian mirror and a few
# helpers; nothing here has side effects beyond defining them.

IMAGE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REPO_DIR="$(cd "$IMAGE_DIR/.." && pwd)"
# Intermediate files live outside the repository: the tools chroot, the npm cache, root trees.
CACHE_DIR="${MAILROOM_IMAGE_CACHE:-/var/cache/mailroom-image}"
TOOLS_DIR="$CACHE_DIR/tools"
OUT_DIR="${MAILROOM_IMAGE_OUT:-$REPO_DIR/dist/image}"
SUITE=trixie
MIRROR="http://deb.debian.org/debian"
SECURITY_MIRROR="http://deb.debian.org/debian-security"
# One list for both chroots: the release, its point updates and its security updates.
APT_SOURCES=(
  "deb $MIRROR $SUITE main"
  "deb $MIRROR $SUITE-updates main"
  "deb $SECURITY_MIRROR $SUITE-security main"
)

log() { printf '[image %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { printf '[image] error: %s\n' "$*" >&2; exit 1; }

# Reads a package list file: one name per line, '#' starts a comment.
read_list() { sed -e 's/#.*//' -e 's/[[:space:]]//g' "$1" | grep -v '^$'; }
