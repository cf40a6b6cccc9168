#!/bin/sh
# deps.sh - install the Debian packages sysctl-guard needs, when they are
# missing; does nothing when everything is there.
#   deps.sh build   what building and running need (`make deps`, and so
#                   `make run` and `make install`): a compiler, pkg-config,
#                   the four libraries' -dev packages, augeas-lenses,
#                   xmllint (the shipped policies are validated at build)
#   deps.sh test    that, and what the tests need (`make deps-test`, and so
#                   `make test`, `make bench`, `make fuzz`): clang, valgrind,
#                   augparse, Ansible and its linters, pre-commit, the
#                   shell linter, git and GNU patch (they apply --emit
#                   patch), Chromium, jq, GNU time, cpio and zstd (they
#                   make initramfs images as Debian does), dracut-core
#                   (a real dracut image in tests/cli), tmux (the text
#                   view in a real terminal), zsh (its completion script),
#                   debootstrap (the README's first screen in a fresh
#                   Debian 12),
#                   iproute2 (veth
#                   interfaces in the live test's namespace), and the Debian
#                   python3 packages real Salt 3006 (../shared/salt-3006)
#                   runs on with /usr/bin/python3
set -eu

BUILD="build-essential pkg-config libaugeas-dev augeas-lenses libxml2-dev
libxml2-utils libcjson-dev libarchive-dev"
TEST="clang python3 valgrind augeas-tools
ansible ansible-lint yamllint python3-yaml python3-jinja2 shellcheck pre-commit
git patch acl strace util-linux iproute2 chromium jq time cpio zstd tmux zsh
debootstrap
dracut-core
python3-msgpack python3-psutil python3-zmq python3-pycryptodome python3-croniter
python3-setproctitle python3-requests python3-distro python3-packaging
python3-jmespath python3-cryptography python3-jsonschema"

case "${1:-test}" in
build) PKGS=$BUILD ;;
test) PKGS="$BUILD $TEST" ;;
*) echo "usage: deps.sh build|test" >&2; exit 2 ;;
esac

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
