#!/bin/sh
# defaults.sh [DEBDIR] [WORKDIR] - catalog/defaults.tsv from Debian's
# kernels booted under QEMU (`make catalog-defaults`; catalog/README.md).
#
# For each kernel of PACKAGES (its packages downloaded into DEBDIR when
# missing; "," joins the packages of one kernel), the initramfs of scripts/catalog/verify (busybox, every
# module the catalog names) is booted twice, with 1 GiB and 1 CPU and
# with 4 GiB and 36 CPUs; scripts/catalog/defaults.py keeps the values
# both boots agree on. Needs qemu-system-x86 and busybox-static, and the
# suites of catalog/README.md in apt's sources. One QEMU at a time.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
DEBS=${1:-${CATALOG_DEBS:-$TOP/build/catalog/debs}}
WORK=${2:-${CATALOG_WORK:-$TOP/build/catalog}}/defaults
PACKAGES="linux-image-5.10.0-32-amd64-unsigned=5.10.223-1
linux-image-6.1.0-57-amd64-unsigned=6.1.192-3
linux-image-6.12.117+deb13-amd64-unsigned=6.12.117-1
linux-binary-7.2.13+deb14-amd64=7.2.13-1,linux-modules-7.2.13+deb14-amd64=7.2.13-1"
mkdir -p "$DEBS" "$WORK"
# modsel.py reads the module names of generator records: the catalog's.
awk -F'\t' '!/^#/ && $8 != "-" { print "{\"module\": \"" $8 "\"}" }' \
    "$TOP/catalog/keys.tsv" | sort -u > "$WORK/modules.jsonl"
pairs=
for p in $PACKAGES; do
    debs='' name=''
    for one in $(echo "$p" | tr ',' ' '); do
        n=${one%%=*} ver=${one#*=}
        deb=$DEBS/${n}_${ver}_amd64.deb
        [ -f "$deb" ] || (cd "$DEBS" && apt-get download "$one")
        debs=${debs:+$debs,}$deb name=${name:-$n}
    done
    out=$WORK/$name
    # A boot whose log is there is not made again (delete the log to).
    [ -f "$out/initrd.gz" ] ||
        "$HERE/verify/build-initramfs.sh" "$debs" "$WORK/modules.jsonl" "$out"
    if [ ! -f "$out/small.log" ]; then
        MEM=1024 SMP=1 "$HERE/verify/run.sh" "$out"
        mv "$out/console.log" "$out/small.log"
    fi
    if [ ! -f "$out/large.log" ]; then
        MEM=4096 SMP=36 "$HERE/verify/run.sh" "$out" 2400
        mv "$out/console.log" "$out/large.log"
    fi
    pairs="$pairs $out/small.log,$out/large.log"
done
# shellcheck disable=SC2086
python3 "$HERE/defaults.py" "$TOP/catalog/defaults.tsv" $pairs
