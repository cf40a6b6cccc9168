# shellcheck shell=sh
# functions.sh - the functions every `plan --emit sh` script defines
# (plugin/cli/plan/sh.c prints this file, built into the binary, after the
# parameters and before the steps; nothing above the first blank line is
# printed). They read and set the script's variables: dry, changed and
# failed. `make lint-plan` and tests/plan/run.py lint it with shellcheck.
# shellcheck disable=SC2154,SC2034 # dry, changed, failed: the script's

# digest FILE: its sha256, "absent", or "symlink".
digest() {
    if [ -L "$1" ]; then echo symlink
    elif [ -e "$1" ]; then sha256sum < "$1" | cut -c1-64
    else echo absent; fi
}

# check FILE BEFORE AFTER: the file is as the plan found it, or as it
# leaves it; else nothing is done at all.
check() {
    d=$(digest "$1")
    if [ "$d" != "$2" ] && [ "$d" != "$3" ]; then
        printf 'sysctl-guard plan: %s is not the file this plan was computed from (sha256 %s): nothing was changed; run sysctl-guard plan for this host\n' "$1" "$d" >&2
        exit 3
    fi
}

# kver_num RELEASE: major * 1000000 + minor * 1000 + patch.
kver_num() {
    printf '%s\n' "$1" | awk -F'[.+-]' '{ printf "%d\n", $1 * 1000000 + $2 * 1000 + ($3 ~ /^[0-9]+$/ ? $3 : 0) }'
}

# names DIR: its *.conf entries (not hidden), sorted, joined by /.
names() {
    out=''
    for f in "$1"/*.conf; do
        if [ -e "$f" ] || [ -L "$f" ]; then out="$out${out:+/}${f##*/}"; fi
    done
    printf '%s' "$out"
}

# check_dir DIR BEFORE AFTER: DIR holds the *.conf files the plan
# found there, or those it leaves; another one (another host's,
# which could win over the plan's) refuses everything.
check_dir() {
    n=$(names "$1")
    if [ "$n" != "$2" ] && [ "$n" != "$3" ]; then
        printf 'sysctl-guard plan: %s holds other *.conf files (%s) than this plan was computed from: nothing was changed; run sysctl-guard plan for this host\n' "$1" "$n" >&2
        exit 3
    fi
}

# write FILE BEFORE TEXT: FILE gets TEXT when it still holds what it
# held (BEFORE), through a copy (cp -p: owner, group, mode) renamed
# over it.
write() {
    [ "$(digest "$1")" = "$2" ] || return 0
    if [ "$dry" = 1 ]; then
        printf 'would write %s\n' "$1"; changed=1; return 0
    fi
    dir=$(dirname "$1")
    mkdir -p "$dir" || return 1
    tmp=$(mktemp "$dir/.sysctl-guard.XXXXXX") || return 1
    if [ -e "$1" ]; then
        cp -p "$1" "$tmp" || { rm -f "$tmp"; return 1; }
    else
        chmod 0644 "$tmp" || { rm -f "$tmp"; return 1; }
    fi
    if printf '%s' "$3" > "$tmp" && mv -f "$tmp" "$1"; then
        changed=1; printf 'wrote %s\n' "$1"
    else
        rm -f "$tmp"; return 1
    fi
}

# step WHAT COMMAND...: run one step; a failure is noted, not fatal.
step() {
    what=$1; shift
    "$@" || failed="$failed
  $what"
}
