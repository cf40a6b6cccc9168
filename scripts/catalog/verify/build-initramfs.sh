#!/bin/sh
# build-initramfs.sh IMAGE.deb[,MORE.deb...] CATALOG.jsonl OUTDIR [BUSYBOX]
#
# Extracts a Debian linux-image(-unsigned) .deb (or, from 7.x on, the
# linux-binary and linux-modules packages it is split into, comma-joined), decompresses its modules
# (.ko.xz/.ko.zst/.ko.gz), selects the modules to load (modsel.py: the catalog's
# `module` names + bridge/br_netfilter/nf_conntrack, and every other module that
# calls register_*sysctl*), and writes
#   OUTDIR/vmlinuz, OUTDIR/initrd.gz, OUTDIR/kver, OUTDIR/modules-*.txt
# The initramfs holds busybox (static), /init (init.sh next to this script) and the
# selected modules with their dependencies; modules.dep is made by `busybox depmod -b`.
set -eu
DEB=$1; CAT=$2; OUT=$3; BB=${4:-/bin/busybox}
HERE=$(cd "$(dirname "$0")" && pwd)
NICE="nice -n 10"
command -v ionice >/dev/null && NICE="$NICE ionice -c3"
mkdir -p "$OUT"; OUT=$(cd "$OUT" && pwd)
X=$OUT/extract; R=$OUT/root
rm -rf "$X" "$R"; mkdir -p "$X" "$R"
file "$BB" | grep -q 'statically linked' || { echo "need a static busybox: $BB" >&2; exit 1; }

for d in $(echo "$DEB" | tr ',' ' '); do
    echo "extracting $d"
    $NICE dpkg-deb -x "$d" "$X"
done
MD=$(ls -d "$X"/lib/modules/* "$X"/usr/lib/modules/* 2>/dev/null | head -1)
KVER=$(basename "$MD")
echo "$KVER" > "$OUT/kver"
if [ -f "$X/boot/vmlinuz-$KVER" ]; then
    cp "$X/boot/vmlinuz-$KVER" "$OUT/vmlinuz"
    cp "$X/boot/config-$KVER" "$OUT/config"
else # the split packages: the image beside the modules, no config
    cp "$MD/vmlinuz" "$OUT/vmlinuz"
fi

echo "decompressing modules of $KVER"
find "$MD" -name '*.ko.xz'  -print0 | $NICE xargs -0 -r -n 200 xz -d
find "$MD" -name '*.ko.zst' -print0 | $NICE xargs -0 -r -n 200 zstd -q -d --rm
find "$MD" -name '*.ko.gz'  -print0 | $NICE xargs -0 -r -n 200 gzip -d

$NICE python3 "$HERE/modsel.py" "$MD" "$CAT" "$OUT"

echo "assembling initramfs"
mkdir -p "$R"/bin "$R"/sbin "$R"/etc "$R"/proc "$R"/sys "$R"/dev "$R"/tmp "$R/lib/modules/$KVER"
cp "$BB" "$R/bin/busybox"
for a in $("$BB" --list); do [ "$a" = busybox ] || ln -s busybox "$R/bin/$a"; done
for a in modprobe insmod rmmod depmod poweroff; do ln -s ../bin/busybox "$R/sbin/$a"; done   # kernel request_module() runs /sbin/modprobe
cp "$HERE/init.sh" "$R/init"; chmod 755 "$R/init"
cp "$OUT"/modules-catalog.txt "$OUT"/modules-extra.txt "$R/etc/"
(cd "$MD" && cp --parents $(cat "$OUT/modules-files.txt") "$R/lib/modules/$KVER/")
cp "$MD"/modules.builtin "$MD"/modules.order "$R/lib/modules/$KVER/" 2>/dev/null || true
"$BB" depmod -b "$R" "$KVER"
test -s "$R/lib/modules/$KVER/modules.dep"
(cd "$R" && find . | $NICE "$BB" cpio -o -H newc 2>/dev/null | $NICE gzip -6 > "$OUT/initrd.gz")
rm -rf "$X" "$R"   # keep only vmlinuz/initrd.gz; re-run to inspect the tree
echo "initrd: $(du -h "$OUT/initrd.gz" | cut -f1), $(wc -l < "$OUT/modules-files.txt") module files, kernel $KVER"
