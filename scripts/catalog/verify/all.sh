#!/bin/sh
# all.sh [DEBDIR] [CATDIR] [OUTROOT] - build, boot, parse and compare the
# Debian kernels of the catalog (`make verify-catalog`). DEBDIR holds the
# linux-image .deb files, CATDIR the generator's <series>.jsonl (both as
# `make catalog` leaves them in build/catalog); results go to OUTROOT/<series>.
# Needs qemu-system-x86 and busybox-static (apt-get install -t bookworm).
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../../.." && pwd)
DEBS=${1:-${CATALOG_DEBS:-$TOP/build/catalog/debs}}
CATS=${2:-${CATALOG_WORK:-$TOP/build/catalog}}
ROOT=${3:-$TOP/build/catalog/verify}
# VERIFY_ONLY="SERIES...": boot only these.
for v in ${VERIFY_ONLY:-5.10 6.1 6.12 7.2}; do
    case $v in
        5.10) pkgs="linux-image-5.10.0-32-amd64-unsigned=5.10.223-1" ;;
        6.1)  pkgs="linux-image-6.1.0-57-amd64-unsigned=6.1.192-3" ;;
        6.12) pkgs="linux-image-6.12.117+deb13-amd64-unsigned=6.12.117-1" ;;
        # from 7.x Debian splits the image from its modules
        7.2)  pkgs="linux-binary-7.2.13+deb14-amd64=7.2.13-1 linux-modules-7.2.13+deb14-amd64=7.2.13-1" ;;
        *) echo "verify: no Debian image known for $v" >&2; exit 2 ;;
    esac
    deb=
    for p in $pkgs; do
        f=$DEBS/$(echo "${p%%=*}_${p#*=}" | sed 's/:/%3a/')_amd64.deb
        [ -f "$f" ] || (cd "$DEBS" && apt-get download "$p")
        deb=${deb:+$deb,}$f
    done
    "$HERE/build-initramfs.sh" "$deb" "$CATS/$v.jsonl" "$ROOT/$v"
    "$HERE/run.sh" "$ROOT/$v"
    python3 "$HERE/parse.py" "$ROOT/$v"
    python3 "$HERE/qcompare.py" "$CATS/$v.jsonl" "$ROOT/$v" --json "$ROOT/$v/compare.json" > "$ROOT/$v/compare.txt"
    python3 "$HERE/compare.py" "$CATS/$v.jsonl" "$ROOT/$v/lists/after-extra.keys" > "$ROOT/$v/compare-py.txt" || true
    python3 "$HERE/compare.py" "$CATS/$v.jsonl" "$ROOT/$v/lists/netns-after-extra.keys" --netns > "$ROOT/$v/compare-py-netns.txt" || true
    python3 "$HERE/netns_check.py" "$CATS/$v.jsonl" "$ROOT/$v/lists/after-extra.keys" "$ROOT/$v/lists/netns-after-extra.keys" \
        "$(python3 -c 'import json,sys; s=json.load(open(sys.argv[1]))["ifaces"]; print(",".join(sorted(set(s["after-extra"])-set(s["netns-after-extra"]))) or "none")' "$ROOT/$v/lists/summary.json")" \
        > "$ROOT/$v/netns-check.txt" || true
done
