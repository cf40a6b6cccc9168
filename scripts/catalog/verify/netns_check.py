#!/usr/bin/env python3
"""netns_check.py CATALOG HOST_KEYS NETNS_KEYS IFACE,IFACE..  - check per_netns flags.
Interfaces listed exist only in the host netns (their per-interface keys are ignored)."""
import json, re, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
host = set(open(sys.argv[2]).read().split()); ns = set(open(sys.argv[3]).read().split())
ifs = sys.argv[4].split(',')
gone = sorted(k for k in host - ns if not any('.%s.' % i in k for i in ifs))
print('host keys', len(host), 'netns keys', len(ns), 'host-only (excluding per-interface keys of %s):' % ','.join(ifs), len(gone))
ex = {}
for r in recs: ex.setdefault(r['key'], []).append(r)
tm = [(re.compile('^' + re.sub(r'<[^>]*>', '[^.]+', re.escape(r['key']).replace('\\<', '<').replace('\\>', '>')) + '$'), r) for r in recs if '<' in r['key']]
def find(k):
    return ex.get(k) or [r for rx, r in tm if rx.match(k)]
ok = [k for k in gone if find(k) and not any(r.get('per_netns') for r in find(k))]
bad1 = [k for k in gone if any(r.get('per_netns') for r in find(k))]
print('host-only keys the catalog marks init_net-only (correct):', len(ok))
print('host-only keys the catalog marks per-netns (wrong):', len(bad1))
for k in bad1: print('   ', k, [r['register'] for r in find(k)][:1])
bad2 = [k for k in ns if k.startswith('net.') and find(k) and not any(r.get('per_netns') for r in find(k))]
print('netns keys the catalog marks init_net-only (wrong):', len(bad2))
for k in sorted(bad2): print('   ', k)
nomatch = [k for k in gone if not find(k)]
print('host-only keys not in catalog:', nomatch)
