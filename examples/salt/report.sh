#!/bin/sh
# report.sh - the fleet report from Salt: every minion's audit.sls run
# (the sysctl_guard.checked state's return carries the check as
# "sysctl_guard"), as Salt's JSON, then one sysctl-guard report of it.
#
# On the master, as here:
#   salt --out=json --static '*' state.apply audit >audit.json
# (without --static, Salt prints one JSON document per minion as each
# returns; the report reads that the same way). On a minion, or from its
# schedule, one file per host to gather later:
#   salt-call --out=json state.apply audit >"$(hostname).json"
# (salt-call names the minion "local": the state passes the minion id,
# and the report uses it).
#
# Usage: report.sh [TARGET [OUTDIR]]   (default: '*', ./sysctl-report)
# Exit: the report's status (0, 1 when a finding is an error or a warning,
# 2 when a result could not be read).
set -eu

target=${1:-*}
out=${2:-sysctl-report}
mkdir -p "$out"
# state.apply exits non-zero when a state fails (a host with findings at
# or over fail_on): its JSON is still the answer.
salt --out=json --static "$target" state.apply audit >"$out/audit.json" || :
sysctl-guard report --format html --output "$out/report.html" \
    "$out/audit.json" || :
exec sysctl-guard report --fail-on warning "$out/audit.json"
