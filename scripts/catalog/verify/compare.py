#!/usr/bin/env python3
"""Compare a gen.py catalog with a list of keys from a booted kernel.

Usage: compare.py CATALOG.jsonl BOOTED_KEYS.txt [--netns] [--json out.json]
--netns: the list was taken inside `unshare -n`; net.* records that are not
         per-netns are then expected to be absent.
"""
import json
import re
import sys
from collections import Counter, defaultdict


def main():
    import argparse
    ap = argparse.ArgumentParser()
    ap.add_argument('catalog')
    ap.add_argument('booted')
    ap.add_argument('--netns', action='store_true')
    ap.add_argument('--json')
    ap.add_argument('--show', type=int, default=40)
    a = ap.parse_args()
    recs = [json.loads(l) for l in open(a.catalog)]
    booted = set(l.strip() for l in open(a.booted) if l.strip())
    if a.netns:
        recs = [r for r in recs if not (r['key'].startswith('net.') and not r.get('per_netns'))]
    exact = defaultdict(list)
    templ = []
    for r in recs:
        k = r['key']
        if '<' in k:
            rx = '^' + re.sub(r'<[^>]*>', '[^.]+', re.escape(k).replace('\\<', '<').replace('\\>', '>')) + '$'
            templ.append((re.compile(rx), r))
        else:
            exact[k].append(r)
    matched_recs = set()
    both, only_b = [], []
    for k in sorted(booted):
        if k in exact:
            both.append(k)
            for r in exact[k]:
                matched_recs.add(id(r))
            continue
        hit = False
        for rx, r in templ:
            if rx.match(k):
                hit = True
                matched_recs.add(id(r))
        if hit:
            both.append(k)
        else:
            only_b.append(k)
    only_g = [r for r in recs if id(r) not in matched_recs]
    # classify
    def pfx(k, n=2):
        return '.'.join(k.split('.')[:n])
    cls_g = Counter()
    g_by = defaultdict(list)
    for r in only_g:
        exp = r.get('expected')
        if exp is None:
            c = 'no .config given'
        elif exp.startswith('no'):
            c = 'config: not built'
        elif exp == 'module':
            c = 'config: module (not loaded)'
        else:
            c = 'config says built in, but absent'
        if r.get('instances') or '<' in r['key']:
            c += ' [template]'
        cls_g[c] += 1
        g_by[c].append(r['key'])
    res = {
        'catalog': a.catalog, 'booted': a.booted, 'netns': a.netns,
        'booted_keys': len(booted), 'catalog_records': len(recs),
        'booted_matched': len(both), 'only_booted': len(only_b),
        'only_generator': len(only_g), 'only_generator_by_class': dict(cls_g),
        'only_booted_by_prefix': Counter(pfx(k, 3) for k in only_b).most_common(),
        'only_booted_keys': only_b,
        'only_generator_unexpected': sorted(g_by.get('config says built in, but absent', [])),
    }
    if a.json:
        json.dump(res, open(a.json, 'w'), indent=1)
    print('booted keys %d, matched %d (%.1f%%), only booted %d; catalog records %d, not seen in booted %d' % (
        len(booted), len(both), 100.0 * len(both) / max(1, len(booted)), len(only_b), len(recs), len(only_g)))
    print('only-generator classes:', dict(cls_g))
    print('only-booted by prefix:', res['only_booted_by_prefix'][:a.show])
    for k in only_b[:a.show]:
        print('  B', k)
    for k in res['only_generator_unexpected'][:a.show]:
        print('  G?', k)


if __name__ == '__main__':
    main()
