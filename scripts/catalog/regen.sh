#!/bin/sh
# regen.sh - regenerate catalog/keys.tsv from Debian's kernel source
# packages (`make catalog`). For each line of scripts/catalog/sources.txt:
# download the linux-source package and the package with that kernel's
# config (apt-get download: the suites that carry them - bullseye,
# bookworm, trixie, sid - must be in apt's sources, see catalog/README.md),
# extract the files the generator reads, run gen.py with the config, then
# merge every version with build.py. Nothing is installed.
#
# Environment: CATALOG_WORK (default build/catalog), where sources are
# unpacked (about 1.5 GB a version); CATALOG_DEBS, a directory that already
# holds the .deb files (skips the download); CATALOG_TREES, where the
# release trees of the "tree=" lines are unpacked (kernel.org tarballs).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
work=${CATALOG_WORK:-$top/build/catalog}
debs=${CATALOG_DEBS:-$work/debs}
mkdir -p "$work" "$debs"
slow="nice -n 19"
command -v ionice >/dev/null && slow="$slow ionice -c3"

fetch() { # PACKAGE=VERSION -> path of the .deb
    name=${1%%=*} ver=${1#*=}
    f=$(ls "$debs/${name}_$(echo "$ver" | sed 's/:/%3a/')_"*.deb 2>/dev/null | head -1 || true)
    if [ -z "$f" ]; then
        (cd "$debs" && apt-get download -qq "$1" >&2)
        f=$(ls "$debs/${name}_"*.deb | head -1)
    fi
    echo "$f"
}

grep -v '^#' "$here/sources.txt" | while read -r series src cfgpkg; do
    [ -n "$series" ] || continue
    cfg=
    case $src in
    tree=*)
        rel=${src#tree=}
        tree=${CATALOG_TREES:-$work/trees}/$rel
        if [ ! -f "$tree/Makefile" ]; then
            major=${rel%%.*}
            echo "catalog: no tree $tree: unpack" \
                "https://cdn.kernel.org/pub/linux/kernel/v$major.x/linux-$rel.tar.xz" \
                "there (or set CATALOG_TREES)" >&2
            exit 1
        fi
        ;;
    *)
        tree=$work/src/$series
        sdeb=$(fetch "$src")
        ;;
    esac
    if [ ! -f "$tree/Makefile" ]; then
        echo "catalog: extracting $(basename "$sdeb")" >&2
        rm -rf "$tree" && mkdir -p "$tree"
        inner=$(dpkg-deb -c "$sdeb" | awk '{print $6}' |
            grep 'usr/src/linux-source-.*\.tar\.xz$')
        $slow dpkg-deb --fsys-tarfile "$sdeb" | $slow tar -xO "$inner" |
            $slow tar -xJ -C "$tree" --strip-components=1 --wildcards \
                '*.c' '*.h' '*Makefile' '*Kbuild' '*Kconfig*' \
                '*/Documentation/admin-guide/sysctl/*' \
                '*/Documentation/networking/*sysctl*'
    fi
    if [ "$cfgpkg" != - ]; then
        cdeb=$(fetch "$cfgpkg")
        cdir=$work/config/$series
        rm -rf "$cdir" && mkdir -p "$cdir"
        dpkg-deb --fsys-tarfile "$cdeb" | tar -x -C "$cdir" --wildcards \
            './boot/config-*' './usr/lib/modules/*/config' 2>/dev/null || true
        cfg=$(find "$cdir" -type f \( -name 'config-*' -o -name config \) | head -1)
        [ -n "$cfg" ] || { echo "catalog: no config in $cdeb" >&2; exit 1; }
    fi
    echo "catalog: generating $series${cfg:+ with $(basename "$cfg")}" >&2
    $slow python3 "$here/gen.py" "$tree" ${cfg:+--config "$cfg"} \
        -o "$work/$series.jsonl" --problems "$work/$series.problems.txt" \
        --stats "$work/$series.stats.json" 2>/dev/null
done
set --
for series in $(grep -v '^#' "$here/sources.txt" | awk 'NF {print $1}'); do
    set -- "$@" "$work/$series.jsonl"
done
python3 "$here/build.py" -o "$top/catalog/keys.tsv" \
    --sources "$here/sources.txt" "$@"
# The documentation of the newest Debian tree.
newest=$(grep -v '^#' "$here/sources.txt" | awk 'NF && $2 !~ /^tree=/ {s=$1} END {print s}')
python3 "$here/docs.py" "$work/src/$newest" "$top/catalog/keys.tsv" \
    -o "$top/catalog/docs.tsv"
