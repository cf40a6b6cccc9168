#!/usr/bin/env python3
"""qcompare.py CATALOG.jsonl OUTDIR [--json FILE]

Compare a gen.py catalog with the lists parse.py wrote to OUTDIR/lists/ after a
QEMU boot (before / after-catalog / after-extra and the netns-* variants).
Templated keys are matched the way compare.py/netns_check.py do it: every <...>
placeholder matches one path component ([^.]+), so <iface> covers lo, all,
default and any interface the loaded modules created.

Prints (and writes as JSON):
  counts; keys in both / only booted / only catalog (full = after-extra, host netns);
  catalog-only records grouped by `expected` and, for modules, by load result;
  keys present before any module load whose records say module/no;
  keys that appeared only after a module load whose records say yes (built in);
  per-netns flag vs the netns listing; read-only / write-only modes vs stat.
"""
import json, os, re, sys
from collections import Counter, defaultdict

cat_path, out = sys.argv[1], sys.argv[2]
jout = sys.argv[sys.argv.index('--json') + 1] if '--json' in sys.argv else None
L = os.path.join(out, 'lists')
recs = [json.loads(l) for l in open(cat_path)]
norm = lambda n: (n or '').replace('-', '_')


def load(name):
    p = os.path.join(L, name + '.modes')
    if not os.path.exists(p):
        return {}
    return {k: int(m, 8) for m, k in (l.split() for l in open(p) if l.strip())}


stages = ['before', 'after-catalog', 'after-extra']
S = {s: load(s) for s in stages}
N = {s: load('netns-' + s) for s in stages}
summary = json.load(open(os.path.join(L, 'summary.json')))
ifaces = summary['ifaces']

# module load results
modres = {}
for l in open(os.path.join(L, 'modules.txt')):
    p = l.split()
    if len(p) >= 3:
        modres[norm(p[1])] = p[2]
lsmod = set()
if os.path.exists(os.path.join(L, 'lsmod.txt')):
    for l in open(os.path.join(L, 'lsmod.txt')):
        p = l.split()
        if p and p[0] != 'Module':
            lsmod.add(norm(p[0]))
missing = {}
mp = os.path.join(out, 'modules-missing.txt')
if os.path.exists(mp):
    for l in open(mp):
        a, b = l.split()
        missing[a] = b

exact = defaultdict(list)
templ = []
for r in recs:
    k = r['key']
    if '<' in k:
        rx = '^' + re.sub(r'<[^>]*>', '[^.]+', re.escape(k).replace('\\<', '<').replace('\\>', '>')) + '$'
        templ.append((re.compile(rx), r))
    else:
        exact[k].append(r)


def find(k):
    """records for a booted key: exact ones first; templates only if no exact record."""
    if k in exact:
        return exact[k]
    return [r for rx, r in templ if rx.match(k)]


def expclass(r):
    e = r.get('expected')
    if e is None:
        return 'none'
    return 'no' if e.startswith('no') else e


MODE_SYM = {'S_IRUGO': 0o444, 'S_IWUGO': 0o222, 'S_IXUGO': 0o111, 'S_IRUSR': 0o400, 'S_IWUSR': 0o200,
            'S_IXUSR': 0o100, 'S_IRGRP': 0o040, 'S_IWGRP': 0o020, 'S_IROTH': 0o004, 'S_IWOTH': 0o002,
            'S_IRWXU': 0o700, 'S_IRWXG': 0o070, 'S_IRWXO': 0o007, 'S_IALLUGO': 0o7777}


def mode_of(r):
    m = r.get('mode')
    if m is None:
        return None
    s = re.sub(r'\b0([0-7]+)\b', r'0o\1', m)
    for a, b in MODE_SYM.items():
        s = re.sub(r'\b%s\b' % a, str(b), s)
    if not re.fullmatch(r'[0-9o |()]+', s):
        return None
    try:
        return eval(s)
    except Exception:
        return None


res = {'catalog': cat_path, 'counts': summary['counts'], 'ifaces': ifaces}
full = S['after-extra']
allrecs_matched = set()
both, only_b = [], []
for k in sorted(full):
    rs = find(k)
    if rs:
        both.append(k)
        allrecs_matched.update(id(r) for r in rs)
    else:
        only_b.append(k)
# netns-only keys can match records too (e.g. per-netns variants)
for k in N['after-extra']:
    for r in find(k):
        allrecs_matched.add(id(r))
only_g = [r for r in recs if id(r) not in allrecs_matched]


def gclass(r):
    e = expclass(r)
    if e == 'module':
        m = norm(r.get('module'))
        st = 'loaded' if m in lsmod else ('modprobe ' + modres[m] if m in modres else
                                           ('no .ko: ' + missing.get(m, '?')))
        return 'module %s (%s)' % (r.get('module'), st)
    if e == 'no':
        return 'no: ' + r['expected'][3:].strip('()')
    return e


grp = defaultdict(list)
for r in only_g:
    grp[gclass(r)].append(r['key'])
res['full'] = {'booted_keys': len(full), 'matched': len(both), 'only_booted': only_b,
               'catalog_records': len(recs), 'catalog_only_records': len(only_g),
               'catalog_only_by_class': {c: sorted(v) for c, v in sorted(grp.items())}}

# present before any module load, but the records say module / not built
pre_bad = []
for k in sorted(S['before']):
    rs = find(k)
    if rs and not any(expclass(r) == 'yes' for r in rs):
        pre_bad.append((k, sorted({'%s/%s' % (expclass(r), r.get('module')) for r in rs})))
res['before_but_catalog_not_builtin'] = pre_bad
# appeared only after module loading, but a record says built in
post = sorted(set(full) - set(S['before']))
newif = set(ifaces.get('after-extra', [])) - set(ifaces.get('before', []))
post_if = [k for k in post if any(('.%s.' % i) in k for i in newif)]
post = [k for k in post if k not in set(post_if)]
res['new_iface_keys_after_modules'] = {'ifaces': sorted(newif), 'keys': len(post_if)}
post_bad = []
for k in post:
    rs = find(k)
    if rs and all(expclass(r) == 'yes' for r in rs):
        post_bad.append((k, [r.get('file') for r in rs][:2]))
res['after_modules_but_catalog_builtin'] = post_bad
# which modules the new keys belong to (per catalog)
mod_keys = Counter()
for k in post:
    for r in find(k)[:1]:
        mod_keys[r.get('module') or '(none)'] += 1
res['new_keys_by_catalog_module'] = dict(mod_keys.most_common())

# per-netns check (host after-extra vs netns-after-extra)
host, ns = set(full), set(N['after-extra'])
nsif = set(ifaces.get('netns-after-extra', []))
hostif = set(ifaces.get('after-extra', [])) - nsif


def iface_key(k):
    return any(('.%s.' % i) in k or k.endswith('.' + i) for i in hostif)


gone = sorted(k for k in host - ns if not iface_key(k))
ns_wrong_pernetns = [k for k in gone if any(r.get('per_netns') for r in find(k))]
ns_ok = [k for k in gone if find(k) and not any(r.get('per_netns') for r in find(k))]
ns_present_marked_init = sorted(k for k in ns if k.startswith('net.') and find(k)
                                and not any(r.get('per_netns') for r in find(k)))
ns_only = sorted(ns - host)
res['netns'] = {'host_keys': len(host), 'netns_keys': len(ns), 'host_only_non_iface': len(gone),
                'host_only_catalog_init_net_only(correct)': len(ns_ok),
                'host_only_but_catalog_per_netns(wrong)': ns_wrong_pernetns,
                'in_netns_but_catalog_init_net_only(wrong)': ns_present_marked_init,
                'host_only_not_in_catalog': [k for k in gone if not find(k)],
                'netns_only_keys': ns_only,
                'non_net_keys_missing_in_netns': [k for k in gone if not k.startswith('net.')]}

# modes
mode_bad = []
mode_checked = 0
for where, lst in (('host', full), ('netns', N['after-extra'])):
    for k, m in sorted(lst.items()):
        rs = find(k)
        if not rs:
            continue
        exp = {mode_of(r) for r in rs} - {None}
        if not exp:
            continue
        mode_checked += 1
        rc = [r.get('runtime_changes') for r in rs if r.get('runtime_changes')]
        if where == 'netns':
            for c in rc:
                for x in (c if isinstance(c, list) else [c]):
                    mm = re.search(r'mode = (0[0-7]+)', str(x))
                    if mm:
                        exp.add(int(mm.group(1), 8))
        if m & 0o777 not in exp:
            mode_bad.append((where, k, oct(m), sorted(oct(e) for e in exp), rc[:1]))
res['modes'] = {'checked': mode_checked, 'mismatch': mode_bad}
acc = Counter()
for k, m in full.items():
    acc['ro' if not m & 0o222 else ('wo' if not m & 0o444 else 'rw')] += 1
res['modes']['booted_access_counts'] = dict(acc)

if jout:
    json.dump(res, open(jout, 'w'), indent=1)
# plain lists next to the lists/ directory
D = os.path.join(out, 'diff')
os.makedirs(D, exist_ok=True)
open(os.path.join(D, 'both.txt'), 'w').write(''.join(k + '\n' for k in both))
open(os.path.join(D, 'only-booted.txt'), 'w').write(''.join(k + '\n' for k in only_b))
open(os.path.join(D, 'only-catalog.txt'), 'w').write(''.join(
    '%s\t%s\n' % (r['key'], gclass(r)) for r in sorted(only_g, key=lambda r: r['key'])))


def show(title, items, n=400):
    print('%s: %d' % (title, len(items)))
    for x in items[:n]:
        print('   ', x if isinstance(x, str) else ' '.join(map(str, x)))


print('== counts', json.dumps(summary['counts']))
f = res['full']
print('== full (after-extra): booted %d, matched %d (%.1f%%), only booted %d; catalog records %d, not seen %d' % (
    f['booted_keys'], f['matched'], 100.0 * f['matched'] / max(1, f['booted_keys']), len(only_b), len(recs), len(only_g)))
show('only booted', only_b)
print('catalog-only records by class:')
for c, v in sorted(grp.items(), key=lambda x: -len(x[1])):
    print('  [%d] %s: %s' % (len(v), c, ' '.join(sorted(v)[:60]) + (' ...' if len(v) > 60 else '')))
show('present before module loading, catalog says module/no', pre_bad)
show('appeared after module loading, catalog says built in', post_bad)
print('new keys after module loading by catalog module (%d keys of new interfaces %s not counted):' % (
    len(post_if), ' '.join(sorted(newif))), res['new_keys_by_catalog_module'])
nn = res['netns']
print('== netns: host %d, netns %d, host-only (non-iface) %d, correct init_net-only %d' % (
    nn['host_keys'], nn['netns_keys'], nn['host_only_non_iface'], len(ns_ok)))
show('host-only but catalog per_netns (wrong)', ns_wrong_pernetns)
show('in netns but catalog init_net only (wrong)', ns_present_marked_init)
show('host-only, not in catalog', nn['host_only_not_in_catalog'])
show('netns-only keys', ns_only)
print('== modes: checked %d' % mode_checked)
show('mode mismatches', mode_bad)
