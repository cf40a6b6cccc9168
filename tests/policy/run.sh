#!/bin/sh
# Policy tests: the schema with the real xmllint, and every bad policy in
# bad/ refused by `sysctl-guard policy validate` (exit 2) with an error that
# names the file and the line given in its .expect file ("LINE text").
# Usage: tests/policy/run.sh BINARY
set -u
bin=$1
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
export SYSCTL_GUARD_LENSDIR="$top/lenses" SYSCTL_GUARD_POLICYDIR="$top/policies"
pass=0 fail=0
ok() { pass=$((pass + 1)); }
ko() { fail=$((fail + 1)); echo "FAIL $*"; }

# The shipped policies follow the schema, for xmllint as for us.
if xmllint --noout --relaxng "$top/policies/policy.rng" "$top"/policies/*.xml 2>/dev/null
then ok; else ko "xmllint: shipped policies do not validate"; fi
if "$bin" policy validate "$top"/policies/*.xml >/dev/null; then ok
else ko "policy validate: shipped policies"; fi

# Schema-level mistakes are caught by xmllint as well.
for f in wrong-namespace xinclude bad-kernel-version; do
    if xmllint --noout --relaxng "$top/policies/policy.rng" "$here/bad/$f.xml" 2>/dev/null
    then ko "xmllint accepted bad/$f.xml"; else ok; fi
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# A huge policy: refused before it is parsed.
{ printf '<?xml version="1.0"?>\n<policy xmlns="urn:sysctl-guard:policy:1" id="x">\n'
  i=0; while [ $i -lt 14000 ]; do
      printf '<!-- padding padding padding padding padding padding padding padding padding -->\n'
      i=$((i + 1)); done
  printf '</policy>\n'; } > "$tmp/huge.xml"
echo "0 larger than" > "$tmp/huge.expect"
cp "$here"/bad/*.xml "$here"/bad/*.expect "$tmp"/

for f in "$tmp"/*.xml; do
    name=$(basename "$f" .xml)
    read -r line text < "$tmp/$name.expect"
    out=$("$bin" policy validate "$f" 2>&1); rc=$?
    if [ "$line" = 0 ]; then where="$f: "; else where="$f:$line: "; fi
    if [ $rc -ne 2 ]; then ko "$name: exit $rc, expected 2"; continue; fi
    case $out in
    *"$where"*"$text"*) ok ;;
    *) ko "$name: expected \"$where...$text\" in: $out" ;;
    esac
done
# The shipped policies are validated at build time and trusted at run time
# by their exact bytes; a file of the same name with other bytes is
# validated like any other, and the schema is read only when a file needs
# it.
root="$top/tests/cases/check-famous-advice/root"
mkdir "$tmp/same" "$tmp/schema"
cp "$top/policies/time-wait.xml" "$tmp/same/"
"$bin" check --kernel 6.1 --root "$root" --policy "$tmp/same/time-wait.xml" \
    >/dev/null 2>&1
[ $? -eq 1 ] && ok || ko "an unchanged copy of time-wait.xml did not load"
sed 's|</policy>|<bogus/></policy>|' "$top/policies/time-wait.xml" \
    > "$tmp/time-wait.xml"
out=$("$bin" check --kernel 6.1 --root "$root" --policy "$tmp/time-wait.xml" 2>&1)
rc=$?
case "$rc $out" in
"2 $tmp/time-wait.xml"*) ok ;;
*) ko "a changed time-wait.xml was not validated: $rc $out" ;;
esac
# A schema that does not load: the shipped policies never need it.
cp "$top"/policies/*.xml "$tmp/schema/"
echo 'not a schema' > "$tmp/schema/policy.rng"
SYSCTL_GUARD_POLICYDIR="$tmp/schema" "$bin" check --kernel 6.1 \
    --root "$root" >/dev/null 2>&1
[ $? -eq 1 ] && ok || ko "the shipped policies needed the schema"
out=$(SYSCTL_GUARD_POLICYDIR="$tmp/schema" "$bin" check --kernel 6.1 \
    --root "$root" --policy "$tmp/time-wait.xml" 2>&1); rc=$?
case "$rc $out" in
2*"$tmp/schema/policy.rng"*) ok ;;
*) ko "a broken schema was not reported for a file that needs it: $rc $out" ;;
esac
out=$(SYSCTL_GUARD_POLICYDIR="$tmp/schema" "$bin" policy validate \
    "$tmp/schema/time-wait.xml" 2>&1); rc=$?
[ $rc -eq 2 ] && ok || ko "policy validate trusted a shipped policy: $rc $out"

echo "policy: $pass passed, $fail failed"
[ $fail -eq 0 ]
