#!/usr/bin/env bash
# Inside the tools chroot: says where two raw images differ: which partitions, and within the
# ext4 ones which files (listed with debugfs, hashed with debugfs dump; no mounts needed).
# Usage: compare-raw.sh A.raw B.raw
set -uo pipefail
a="$1" b="$2"
sfdisk -d "$a" > /tmp/a.parts; sfdisk -d "$b" > /tmp/b.parts
diff /tmp/a.parts /tmp/b.parts && echo "partition tables: same"
n=0
while read -r start size; do
  n=$((n + 1))
  if cmp -s <(dd if="$a" bs=512 skip="$start" count="$size" status=none) <(dd if="$b" bs=512 skip="$start" count="$size" status=none); then
    echo "partition $n: same"; continue
  fi
  echo "partition $n: DIFFERENT"
  dd if="$a" of=/tmp/pa bs=512 skip="$start" count="$size" status=none conv=sparse
  dd if="$b" of=/tmp/pb bs=512 skip="$start" count="$size" status=none conv=sparse
  if dumpe2fs -h /tmp/pa >/tmp/ha 2>/dev/null; then
    dumpe2fs -h /tmp/pb >/tmp/hb 2>/dev/null; diff /tmp/ha /tmp/hb | head -20
    # Every regular file's path and content hash, from both sides.
    for side in a b; do
      rm -rf "/tmp/tree-$side"; mkdir -p "/tmp/tree-$side"
      debugfs -R "rdump / /tmp/tree-$side" "/tmp/p$side" >/dev/null 2>&1
    done
    diff -rq --no-dereference /tmp/tree-a /tmp/tree-b | head -50
    rm -rf /tmp/tree-a /tmp/tree-b
  else
    echo "  (not ext4: $(file -b /tmp/pa 2>/dev/null || echo unknown))"
    cmp -l /tmp/pa /tmp/pb | head -5
  fi
  rm -f /tmp/pa /tmp/pb
done < <(sfdisk -d "$a" | sed -n 's/.*start= *\([0-9]*\), size= *\([0-9]*\).*/\1 \2/p')
