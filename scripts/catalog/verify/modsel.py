#!/usr/bin/env python3
"""modsel.py MODDIR CATALOG.jsonl OUTDIR

Pick the modules to load in the guest from an (uncompressed) modules tree MODDIR
(= .../lib/modules/<kver>):
  OUTDIR/modules-catalog.txt  distinct `module` names of the catalog records, plus
                              bridge, br_netfilter, nf_conntrack, nf_log_syslog/ipv4/ipv6
                              (those found as .ko; '-' normalised to '_')
  OUTDIR/modules-extra.txt    every other .ko whose string table names a
                              register_*sysctl* function (superset: modules the
                              catalog does not name but that register sysctls)
  OUTDIR/modules-missing.txt  catalog module names with no .ko (built in or not built)
  OUTDIR/modules-files.txt    relative paths of the closure (selected + their depends=)
"""
import json, os, re, sys

moddir, catalog, outdir = sys.argv[1:4]
norm = lambda n: n.replace('-', '_')

paths = {}
for dp, dn, fn in os.walk(moddir):
    for f in fn:
        if f.endswith('.ko'):
            paths[norm(f[:-3])] = os.path.relpath(os.path.join(dp, f), moddir)

builtin = set()
bf = os.path.join(moddir, 'modules.builtin')
if os.path.exists(bf):
    builtin = {norm(os.path.basename(l.strip())[:-3]) for l in open(bf) if l.strip()}

want = set()
for l in open(catalog):
    r = json.loads(l)
    if r.get('module'):
        want.add(norm(r['module']))
want |= {'bridge', 'br_netfilter', 'nf_conntrack', 'nf_log_syslog', 'nf_log_ipv4', 'nf_log_ipv6',
         'binfmt_misc', 'ipv6'}
cat = sorted(m for m in want if m in paths)
missing = sorted(m for m in want if m not in paths)

rx = re.compile(rb'\0(__)?register_(net_)?sysctl[a-z_]*\0')
dep_rx = re.compile(rb'(?:^|\0)depends=([^\0]*)\0')
deps = {}
extra = []
for name, rel in sorted(paths.items()):
    data = open(os.path.join(moddir, rel), 'rb').read()
    m = dep_rx.search(data)
    deps[name] = [norm(d) for d in m.group(1).decode().split(',') if d] if m else []
    if name not in want and rx.search(data):
        extra.append(name)

# crypto modules (and everything they need) go in too: libcrc32c, sctp, rxrpc... ask for
# algorithms with request_module("crypto-...") at init time, which runs /sbin/modprobe.
crypto = [n for n, rel in paths.items() if rel.startswith(('kernel/crypto/', 'kernel/arch/x86/crypto/', 'kernel/lib/crypto/'))]
closure = set()
stack = cat + extra + crypto
while stack:
    n = stack.pop()
    if n in closure or n not in paths:
        continue
    closure.add(n)
    stack.extend(deps.get(n, []))

os.makedirs(outdir, exist_ok=True)
pre = [m for m in ('crc32c_generic', 'crc32c_intel') if m in paths]
open(os.path.join(outdir, 'modules-catalog.txt'), 'w').write(''.join(m + '\n' for m in pre + cat))
open(os.path.join(outdir, 'modules-extra.txt'), 'w').write(''.join(m + '\n' for m in extra))
open(os.path.join(outdir, 'modules-missing.txt'), 'w').write(
    ''.join('%s %s\n' % (m, 'builtin' if m in builtin else 'not-built') for m in missing))
open(os.path.join(outdir, 'modules-files.txt'), 'w').write(''.join(paths[n] + '\n' for n in sorted(closure)))
print('catalog modules: %d found, %d missing (%s); extra sysctl modules: %d; closure: %d files' % (
    len(cat), len(missing), ' '.join(missing), len(extra), len(closure)))
