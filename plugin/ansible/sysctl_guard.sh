#!/bin/sh
# sysctl_guard - the sysctl-guard Ansible module, as Ansible runs it:
# `/bin/sh sysctl_guard ARGS-FILE` (WANT_JSON: the arguments as JSON).
# This header is text, so that ansible-doc -l reads the module's
# DOCUMENTATION stub here (the full documentation is sysctl_guard.yml,
# beside it); the sysctl-guard binary follows it, from byte OFFSET + 1.
# The header writes the binary into a private directory (mktemp -d, 0700)
# made in the module's own directory (Ansible's remote tmp, which must
# allow exec, as for every binary module) or else in $TMPDIR (/tmp), runs
# it on the arguments file, removes the directory and exits with its
# status. No other user may swap what runs as root:
# - a directory is used only when it is owned by this user or root (or,
#   for the module's own, by the module file's owner, who decides what
#   runs anyway) and is sticky or writable by its owner alone; in another
#   (a world-writable TMPDIR without the sticky bit) anyone could rename
#   the private directory away and put theirs in its place;
# - it is opened once, as descriptor 5, and checked through it; every
#   later path goes through /proc/self/fd/5, so no path that changes
#   afterwards (a symlink swapped above it) can lead elsewhere, and the
#   binary is executed by that path, never by a name in a shared
#   directory;
# - the binary runs in the caller's working directory, with TMPDIR set to
#   the private directory (for its built-in data, see data.h).
# Each directory refused says why in the failure. Built by
# scripts/module.sh; the padding after `exit` is never read.
# shellcheck disable=SC2034 # read by ansible-doc, not by the shell
DOCUMENTATION='
short_description: @SHORT_DESCRIPTION@
'
OFFSET=16384
set -u
umask 077
me=$(id -u)
priv=
cleanup() {
    [ -z "$priv" ] || rm -rf -- "/proc/self/fd/5/$priv"
    priv=
}
trap cleanup EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

# The owner (uid) of FILE.
owner() {
    # shellcheck disable=SC2046 # the fields of ls -n, split on purpose
    set -- $(LC_ALL=C ls -ldn -- "$1" 2>/dev/null)
    echo "${3:-}"
}

# Why the directory open as descriptor 5 must not hold the binary
# (nothing when it may); $1: a uid trusted besides this user and root.
unsafe() {
    also=$1
    # shellcheck disable=SC2046 # the fields of ls -n, split on purpose
    set -- $(LC_ALL=C ls -ldn /proc/self/fd/5/. 2>/dev/null)
    if [ $# -lt 3 ]; then
        echo "cannot be looked at through /proc/self/fd"
    elif [ "$3" != "$me" ] && [ "$3" != 0 ] && [ "$3" != "$also" ]; then
        echo "is owned by uid $3, not by uid $me or root"
    else
        case $1 in
        d????????[tT]*) ;; # sticky: only its owner renames what is ours
        d???????w*) echo "is writable by other users and is not sticky" ;;
        d????w*) echo "is writable by its group and is not sticky" ;;
        d?????????+*) echo "has an access control list and is not sticky" ;;
        d*) ;;
        *) echo "is not a directory" ;;
        esac
    fi
}

# TEXT as the inside of a JSON string.
json() {
    printf '%s' "$1" | sed 's/[\\"]/\\&/g' | LC_ALL=C tr '\001-\037' '?'
}

tried=
trusted=$(owner "$0")
for dir in "$(dirname -- "$0")" "${TMPDIR:-/tmp}"; do
    if ! [ -d "$dir" ] || ! [ -r "$dir" ] || ! command exec 5<"$dir"; then
        why="cannot be opened"
    elif why=$(unsafe "$trusted") && [ -n "$why" ]; then
        why="$why: refused"
    elif ! priv=$(mktemp -d /proc/self/fd/5/.sysctl-guard.XXXXXX 2>/dev/null)
    then
        why="no directory can be made there"
        priv=
    else
        priv=${priv##*/}
        d=/proc/self/fd/5/$priv
        why="the binary cannot be written there"
        if mkdir -- "$d/bin" 2>/dev/null &&
            tail -c +$((OFFSET + 1)) -- "$0" >"$d/bin/sysctl_guard" &&
            chmod 700 -- "$d/bin/sysctl_guard"; then
            # The binary itself never exits 126: that is the shell saying
            # it could not execute it (a noexec mount).
            TMPDIR=$d "$d/bin/sysctl_guard" "$@"
            rc=$?
            [ "$rc" -eq 126 ] || exit "$rc"
            why="does not allow exec"
        fi
        cleanup
    fi
    exec 5<&-
    tried="$tried${tried:+, }$(json "$dir") ($why)"
    # Only the module's own directory is trusted for its file's owner.
    trusted=$me
done
printf '{"failed": true, "msg": "sysctl_guard: %s %s; %s (%s)"}\n' \
    "the module binary could not be written and executed in" "$tried" \
    "a binary module needs a remote tmp directory that allows exec, owned by the user or root and sticky or writable by its owner alone" \
    "set remote_tmp, or TMPDIR"
exit 1
