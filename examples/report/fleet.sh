#!/bin/sh
# fleet.sh - a fleet report without Ansible or Salt: every host's
# `sysctl-guard check --format json --host HOST`, then one
# `sysctl-guard report` of them all, as HTML (and text on stdout).
#
# The hosts here are the sample roots of examples/ansible, each checked
# for the kernel examples/ansible/inventory/hosts.yml gives it. On a real
# fleet, each host checks itself and the results are gathered, e.g.
#   ssh "$h" sysctl-guard check --format json --host "$h" >"results/$h.json"
#
# Usage: fleet.sh [SYSCTL_GUARD [OUTDIR]]   (default: sysctl-guard, ./fleet)
# Exit: report's status (0, 1 when a finding is an error or a warning,
# 2 when a result could not be read).
set -eu

bin=${1:-sysctl-guard}
out=${2:-fleet}
roots=$(dirname "$0")/../ansible/roots

mkdir -p "$out/results"
# host, kernel, profile ("-": none), as in the inventory.
while read -r host kernel profile; do
    set -- check --format json --host "$host" --kernel "$kernel"
    [ "$profile" = - ] || set -- "$@" --profile "$profile"
    # 1 is "findings", the answer; 2 is a failure.
    rc=0
    "$bin" "$@" --root "$roots/$host" >"$out/results/$host.json" || rc=$?
    [ "$rc" -le 1 ] || { echo "fleet.sh: check of $host failed" >&2; exit 2; }
done <<HOSTS
rhel7 3.10.0-1160.el7.x86_64 -
ubuntu1804 4.15.0-30-generic -
debian12 6.1.0-13-amd64 server
debian13 6.12.38+deb13-amd64 -
ubuntu2404 6.8.0-31-generic -
HOSTS

"$bin" report --format html --output "$out/report.html" "$out/results" || :
exec "$bin" report --fail-on warning "$out/results"
