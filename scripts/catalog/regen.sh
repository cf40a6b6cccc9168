#!/bin/sh
# regen.sh - regenerate catalog/keys.tsv (and relations.tsv) from Debian's kernel source
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
# release trees of the "tree=" lines are unpacked (kernel.org tarballs);
# CATALOG_GIT, where the repositories of the "rhel:" and "ubuntu:" lines
# are (OWNER+REPO, a bare clone of github.com/OWNER/REPO; default
# $CATALOG_WORK/git).
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

# CATALOG_ONLY="SERIES...": generate only these lines of sources.txt and
# take every other version's rows from the committed keys.tsv (build.py
# --keep): adds a version without the trees of all the others.
only=${CATALOG_ONLY:-}
wanted() { [ -z "$only" ] || case " $only " in *" $1 "*) true ;; *) false ;; esac; }
grep -v '^#' "$here/sources.txt" | while read -r series src cfgpkg; do
    [ -n "$series" ] || continue
    wanted "$series" || continue
    cfg=
    release=
    case $src in
    rhel:*|ubuntu:*|git:*)
        # BUILD:OWNER/REPO@COMMIT:RELEASE, a distribution's tree in git;
        # git:OWNER/REPO@COMMIT, a kernel.org release imported in one
        spec=${src#*:}
        repo=${spec%%@*} rest=${spec#*@}
        commit=${rest%%:*} release=${rest#*:}
        [ "$rest" != "$commit" ] || release=
        git=${CATALOG_GIT:-$work/git}/$(echo "$repo" | tr / +)
        tree=$work/src/$series
        if [ ! -f "$tree/Makefile" ]; then
            [ -d "$git" ] || { echo "catalog: no repository $git: git clone" \
                "--bare https://github.com/$repo $git (or set CATALOG_GIT)" >&2
                exit 1; }
            rm -rf "$tree" && mkdir -p "$tree"
            $slow python3 "$here/extract.py" "$git" "$commit" "$tree"
        fi
        ;;
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
    case $cfgpkg in
    ubuntu-flavour=*)
        # Ubuntu's config for amd64 and the flavour: its annotations, read
        # by its own script where the tree has it (20.04 and later), else
        # the common, architecture and flavour fragments (18.04)
        c=$tree/debian.master/config
        cfg=$work/config/$series.config
        mkdir -p "$work/config"
        if [ -f "$tree/debian/scripts/misc/annotations" ]; then
            (cd "$tree" && python3 debian/scripts/misc/annotations \
                -f debian.master/config/annotations --arch amd64 \
                --flavour "${cfgpkg#*=}" --export) >"$cfg"
        else
            cat "$c/config.common.ubuntu" "$c/amd64/config.common.amd64" \
                "$c/amd64/config.flavour.${cfgpkg#*=}" >"$cfg"
        fi
        cfgpkg=-
        ;;
    tree-config=*)
        # a config the distribution keeps in its tree (AlmaLinux's)
        cfg=$tree/${cfgpkg#*=}
        [ -f "$cfg" ] || { echo "catalog: no $cfg" >&2; exit 1; }
        cfgpkg=-
        ;;
    esac
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
        ${release:+--release "$release"} \
        -o "$work/$series.jsonl" --problems "$work/$series.problems.txt" \
        --stats "$work/$series.stats.json" 2>/dev/null
    # what writing one key does to another, read from the same tree
    $slow python3 "$here/relations.py" "$tree" "$work/$series.jsonl" \
        "$series" ${cfg:+--config "$cfg"} >"$work/$series.relations.tsv"
done
set --
for series in $(grep -v '^#' "$here/sources.txt" | awk 'NF {print $1}'); do
    wanted "$series" && set -- "$@" "$work/$series.jsonl"
done
keep=
[ -z "$only" ] || { cp "$top/catalog/keys.tsv" "$work/keys.kept.tsv"
    keep="--keep $work/keys.kept.tsv"; }
python3 "$here/build.py" -o "$top/catalog/keys.tsv" \
    --sources "$here/sources.txt" $keep "$@"
# The relations of every version, in sources.txt's order; for CATALOG_ONLY
# the other versions' rows are the committed file's.
rel=$top/catalog/relations.tsv
{
    echo "# sysctl-guard kernel relations: generated by scripts/catalog/relations.py; do not edit (catalog/README.md)"
    printf '# series\tkey\trelation\tother\tdetail\tsource\n'
    for series in $(grep -v '^#' "$here/sources.txt" | awk 'NF {print $1}'); do
        if wanted "$series"; then
            cat "$work/$series.relations.tsv"
        else
            awk -F'\t' -v s="$series" '$1 == s' "$rel"
        fi
    done
} >"$work/relations.tsv"
mv "$work/relations.tsv" "$rel"
# The documentation of the newest Debian tree (not redone for CATALOG_ONLY).
newest=$(grep -v '^#' "$here/sources.txt" | awk 'NF && $2 ~ /^linux-source/ {s=$1} END {print s}')
[ -n "$only" ] || python3 "$here/docs.py" "$work/src/$newest" \
    "$top/catalog/keys.tsv" -o "$top/catalog/docs.tsv"
