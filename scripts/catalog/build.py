#!/usr/bin/env python3
"""Merge per-version generator outputs into the catalog sysctl-guard ships.

Usage: build.py -o catalog/keys.tsv [--sources sources.txt] [--keep KEYS.TSV]
                VERSION.jsonl...

Each input is what gen.py wrote for one kernel source tree (one JSON record
per key, with the tree's version in "kernel"). The output is one line per
key and set of facts, sorted by key, with the catalogued versions that have
the key with exactly these facts (see catalog/README.md for the format).
Only what the kernel enforces is kept: a bound the handler does not apply,
or one the generator could not resolve to a number, is left out ("-").
"""
import argparse
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gen import TEST_FILE_RE  # noqa: E402  the generator's rule for test code

COLUMNS = ('key', 'versions', 'type', 'min', 'max', 'access', 'netns',
           'module', 'source')

INT_TYPES = {
    'int': 'int', 'unsigned int': 'uint', 'u8': 'u8',
    'unsigned long': 'ulong', 'bool': 'bool',
}


def short_version(release):
    """"6.1.192" -> "6.1": a catalogued version stands for its series."""
    m = re.match(r'(\d+)\.(\d+)', release)
    if not m:
        raise ValueError('not a kernel version: %r' % release)
    return '%s.%s' % m.groups()


def release_build(release):
    """The distribution a release string names where the catalog keeps a
    build of its own beside the series' kernel.org or Debian one (as the
    product's kver.c reads it): "rhel" (.el7), "ubuntu" (-213-generic)."""
    if re.search(r'[.\-_]el\d', release) or 'uek' in release:
        return 'rhel'
    if re.search(r'^\d+\.\d+\.\d+-\d+(\.\d+)*-(generic|lowlatency)$', release):
        return 'ubuntu'
    return None


def token(release):
    """The name rows use for a catalogued version: its series ("6.1"), and
    the distribution where it is one build among others ("3.10-rhel")."""
    b = release_build(release)
    return short_version(release) + ('-' + b if b else '')


def version_key(release):
    """Oldest first: the release's numbers."""
    m = re.match(r'(\d+)\.(\d+)(?:\.(\d+))?', release)
    return tuple(int(x or 0) for x in m.groups())


def kind(rec):
    """The value type as the handler parses it: int, uint, u8, ulong, bool,
    string, bitmap, or "-" when the generator could not tell; "*N" for a
    vector of N values."""
    t = rec.get('type')
    if not t:
        return '-'
    m = re.match(r'vector of (\d+) (.+)$', t)
    n = 1
    if m:
        n, t = int(m.group(1)), m.group(2)
    t = re.sub(r'\s*\(.*\)$', '', t)
    if t in INT_TYPES:
        base = INT_TYPES[t]
    elif t.startswith('string'):
        base = 'string'
    elif t.startswith('bitmap'):
        base = 'bitmap'
    else:
        return '-'
    return base if n == 1 else '%s*%d' % (base, n)


def bound(rec, which):
    """A bound the handler enforces, as a decimal number; "?" when it takes
    one the generator could not read; else "-" (none)."""
    b = rec.get('bounds') or ''
    if b != 'enforced' and not b.startswith('via '):
        return '-'
    v = rec.get(which)
    extra = (rec.get('extra1' if which == 'min' else 'extra2') or '').strip()
    if isinstance(v, bool) or not isinstance(v, int):
        # a bound the handler takes but the generator could not read: "?"
        return '?' if extra and extra != 'NULL' else '-'
    if not -2**63 <= v < 2**63:
        return '-'  # ULONG_MAX: the type's own limit, no bound of the handler
    return str(v)


def access(rec):
    a = rec.get('access')
    if a in ('rw', 'ro', 'wo'):
        return a
    mode = rec.get('mode') or ''
    if re.fullmatch(r'0[0-7]{3}', mode):
        m = int(mode, 8)
        r, w = bool(m & 0o444), bool(m & 0o222)
        return 'rw' if r and w else 'ro' if r else 'wo' if w else '-'
    if 'S_IRUGO' in mode or 'S_IWUSR' in mode:
        r, w = 'S_IRUGO' in mode or 'S_IRUSR' in mode, 'S_IWUSR' in mode
        return 'rw' if r and w else 'ro' if r else 'wo' if w else '-'
    return '-'


def netns(rec):
    ns = rec.get('namespace') or ''
    if ns.startswith('init_net'):
        return 'init'
    if ns == 'net':
        return 'net'
    if ns.startswith('ipc'):
        return 'ipc'
    if ns.startswith('user'):
        return 'user'
    return '-'


def module(rec):
    """The module that provides the key where the distribution's config of
    that version builds it as one (the generator's "expected")."""
    if rec.get('expected') == 'module' and rec.get('module'):
        return rec['module']
    return '-'


def key_module(recs):
    """A key's module: that of the newest version whose config says (a
    version generated without a config says nothing; a kept row says what
    its catalog said)."""
    for rec in reversed(recs):
        if '_module' in rec:
            return rec['_module']
        if rec.get('expected') is not None:
            return module(rec)
    return '-'


def arch_only(rec):
    return (rec.get('expected') or '').startswith('no (arch/')


def facts(rec, mod):
    if '_facts' in rec:  # a row of the kept catalog (read_kept)
        return tuple(rec['_facts']) + (mod,)
    return (kind(rec), bound(rec, 'min'), bound(rec, 'max'), access(rec),
            netns(rec), mod)


def read_kept(path, wanted):
    """The committed catalog's rows of the versions in WANTED (tokens), as
    records: the facts of versions whose trees are not at hand, so that a
    new version (a distribution's tree) is merged without regenerating
    every other. Every fact comes from gen.py over real sources, once."""
    recs, releases = [], {}
    with open(path, encoding='utf-8') as f:
        lines = f.read().splitlines()
    rels = next(l.split('\t')[1:] for l in lines if l.startswith('# versions\t'))
    for rel in rels:
        releases[token(rel)] = rel
    for line in lines:
        if line.startswith('#'):
            continue
        key, vers, typ, mn, mx, acc, ns, mod, src = line.split('\t')
        # what gen.py no longer catalogues: test code, by its own rule
        if TEST_FILE_RE.search(src.rpartition(':')[0].rsplit('/', 1)[-1]):
            continue
        for v in vers.split(','):
            if v not in wanted:
                continue
            file, _, num = src.rpartition(':')
            recs.append({'key': key, 'kernel': releases[v],
                         '_facts': [typ, mn, mx, acc, ns], '_module': mod,
                         'file': file, 'line': num})
    return recs


def clean(field):
    if re.search(r'[\t\n\r]', field):
        raise ValueError('field with a tab or newline: %r' % field)
    return field


def source_builds(path):
    """series -> the build its rows describe, from sources.txt: a
    kernel.org tarball (tree=RELEASE) or a distribution's source package
    (Debian's linux-source-X; ubuntu:/rhel: for a tree of theirs; git:
    for a kernel.org release kept in a repository)."""
    builds = {}
    with open(path, encoding='utf-8') as f:
        for line in f:
            fields = line.split()
            if not fields or fields[0].startswith('#'):
                continue
            src = fields[1]
            builds[fields[0]] = ('kernel.org'
                                 if src.startswith(('tree=', 'git:')) else
                                 src.split(':', 1)[0]
                                 if src.startswith(('ubuntu:', 'rhel:')) else
                                 'debian')
    return builds


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('-o', '--out', required=True)
    ap.add_argument('--sources', help='sources.txt: whose build each '
                    'series was read from (tree= kernel.org, a package '
                    'Debian); without it, kernel.org')
    ap.add_argument('--keep', metavar='KEYS.TSV',
                    help='take the versions of sources.txt that no input '
                    'covers from this catalog (their trees are not at hand)')
    ap.add_argument('inputs', nargs='*')
    a = ap.parse_args()
    builds = source_builds(a.sources) if a.sources else {}

    def records():
        for path in a.inputs:
            with open(path, encoding='utf-8') as f:
                for n, line in enumerate(f, 1):
                    try:
                        rec = json.loads(line)
                        rec['key'], rec['kernel']
                    except (ValueError, KeyError) as e:
                        sys.exit('%s:%d: not a generator record (%s)'
                                 % (path, n, e))
                    yield path, rec

    given = {token(r['kernel']) for _, r in records()}
    kept = []
    if a.keep:
        wanted = set(builds) - given if builds else None
        kept = [('(kept) ' + a.keep, r)
                for r in read_kept(a.keep, wanted if wanted is not None
                                   else set())]

    releases = {}           # version token -> release
    per_key = {}            # key -> {version token: record}
    for path, rec in list(records()) + kept:
        key, rel = rec['key'], rec['kernel']
        v = token(rel)
        if releases.setdefault(v, rel) != rel:
            sys.exit('%s: two releases of %s: %s and %s'
                     % (path, v, releases[v], rel))
        if key.startswith('<') or not re.fullmatch(r'[\x21-\x7e]+', key):
            continue  # a runtime name at the top (s390 appldata)
        slot = per_key.setdefault(key, {})
        old = slot.get(v)
        # One record per key and version: a generic one before one that
        # only an architecture other than x86 builds.
        if old is None or (arch_only(old) and not arch_only(rec)):
            slot[v] = rec
    versions = sorted(releases, key=lambda v: version_key(releases[v]))
    rows = []
    for key in sorted(per_key):
        groups = {}
        mod = key_module([per_key[key][v] for v in versions
                          if v in per_key[key]])
        for v in versions:
            rec = per_key[key].get(v)
            if rec is not None:
                groups.setdefault(facts(rec, mod), []).append((v, rec))
        for fs, members in sorted(groups.items(),
                                  key=lambda g: version_key(releases[g[1][0][0]])):
            newest = members[-1][1]
            src = '%s:%s' % (newest.get('file'), newest.get('line'))
            rows.append((key, ','.join(v for v, _ in members)) + fs + (src,))
    with open(a.out + '.tmp', 'w', encoding='utf-8', newline='\n') as out:
        out.write('# sysctl-guard kernel key catalog: generated by '
                  'scripts/catalog/build.py; do not edit (catalog/README.md)\n')
        out.write('# versions\t%s\n' % '\t'.join(releases[v] for v in versions))
        out.write('# builds\t%s\n' % '\t'.join(builds.get(v, 'kernel.org')
                                                for v in versions))
        out.write('# %s\n' % '\t'.join(COLUMNS))
        for r in rows:
            out.write('\t'.join(clean(x) for x in r) + '\n')
    os.replace(a.out + '.tmp', a.out)
    sys.stderr.write('%s: %d keys, %d rows, versions %s\n'
                     % (a.out, len(per_key), len(rows), ' '.join(versions)))


if __name__ == '__main__':
    main()
