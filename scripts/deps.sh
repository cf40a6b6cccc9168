#!/bin/sh
# deps.sh - install the Debian packages sysctl-guard builds and tests with,
# when they are missing. Called by `make deps` (and so by `make run` and
# `make test`); does nothing when everything is there. The python3-*
# packages after `time` are what real Salt 3006 (../shared/salt-3006, the
# Salt tests) runs on with Debian's /usr/bin/python3.
set -eu

PKGS="build-essential pkg-config clang libaugeas-dev augeas-tools augeas-lenses
libxml2-dev libxml2-utils libcjson-dev python3 valgrind
ansible ansible-lint yamllint python3-yaml python3-jinja2 shellcheck pre-commit git acl strace util-linux chromium jq time
python3-msgpack python3-psutil python3-zmq python3-pycryptodome python3-croniter
python3-setproctitle python3-requests python3-distro python3-packaging
python3-jmespath python3-cryptography"

missing=""
for p in $PKGS; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
        missing="$missing $p"
    fi
done
[ -z "$missing" ] && exit 0

echo "deps: installing:$missing" >&2
if [ "$(id -u)" -ne 0 ]; then
    SUDO=sudo
else
    SUDO=
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
