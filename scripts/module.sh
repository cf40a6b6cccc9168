#!/bin/sh
# module.sh HEADER YML BINARY OUT - build the Ansible module: HEADER
# (plugin/ansible/sysctl_guard.sh) with YML's short_description filled
# in, padded with newlines to the OFFSET it names, then BINARY.
set -eu
header=$1 yml=$2 binary=$3 out=$4
offset=$(sed -n 's/^OFFSET=\([0-9][0-9]*\)$/\1/p' "$header")
desc=$(sed -n 's/^  short_description: //p' "$yml")
if [ -z "$offset" ] || [ -z "$desc" ]; then
    echo "module.sh: no OFFSET in $header or no short_description in $yml" >&2
    exit 1
fi
tmp="$out.tmp"
# A description with "/", "&" or "\" would be taken by sed; there is none.
sed "s/@SHORT_DESCRIPTION@/$desc/" "$header" >"$tmp"
size=$(wc -c <"$tmp")
if [ "$size" -ge "$offset" ]; then
    echo "module.sh: $header is $size bytes, over its OFFSET $offset" >&2
    rm -f "$tmp"
    exit 1
fi
head -c $((offset - size)) /dev/zero | tr '\0' '\n' >>"$tmp"
cat "$binary" >>"$tmp"
chmod 755 "$tmp"
mv -f "$tmp" "$out"
