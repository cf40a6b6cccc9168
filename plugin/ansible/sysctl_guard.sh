#!/bin/sh
# sysctl_guard - the sysctl-guard Ansible module, as Ansible runs it:
# `/bin/sh sysctl_guard ARGS-FILE` (WANT_JSON: the arguments as JSON).
# This header is text, so that ansible-doc -l reads the module's
# DOCUMENTATION stub here (the full documentation is sysctl_guard.yml,
# beside it); the sysctl-guard binary follows it, from byte OFFSET + 1.
# The header copies the binary next to itself (Ansible's remote tmp
# directory, which must allow exec, as for every binary module) or else
# to $TMPDIR, runs it on the arguments file, removes it and exits with
# its status.
# Built by scripts/module.sh; the padding after `exit` is never read.
# shellcheck disable=SC2034 # read by ansible-doc, not by the shell
DOCUMENTATION='
short_description: @SHORT_DESCRIPTION@
'
OFFSET=16384
set -u
umask 077
bin=
trap 'rm -f -- "$bin"' EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM
# Beside the module first (Ansible's remote tmp); then $TMPDIR or /tmp,
# for when that directory is not writable (become to another unprivileged
# user) or not exec-able (noexec). The binary itself never exits 126: that
# is the shell saying it could not execute it.
tried=
for dir in "$(dirname -- "$0")" "${TMPDIR:-/tmp}"; do
    tried="$tried${tried:+, }$dir"
    bin=$(mktemp "$dir/.sysctl-guard.XXXXXX" 2>/dev/null) || continue
    if tail -c +$((OFFSET + 1)) -- "$0" >"$bin" && chmod 700 -- "$bin"; then
        "$bin" "$@"
        rc=$?
        [ "$rc" -eq 126 ] || exit "$rc"
    fi
    rm -f -- "$bin"
    bin=
done
printf '{"failed": true, "msg": "sysctl_guard: %s %s; %s (%s)"}\n' \
    "the module binary could not be written and executed in" "$tried" \
    "a binary module needs a remote tmp directory that allows exec" \
    "set remote_tmp, or TMPDIR"
exit 1
