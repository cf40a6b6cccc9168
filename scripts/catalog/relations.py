#!/usr/bin/env python3
"""relations.py - what the kernel does to one key when another is written,
read from one kernel tree (issue 27). regen.sh runs it on every tree after
gen.py, with gen.py's records of that tree, and gathers the rows into
catalog/relations.tsv.

    relations.py TREE RECORDS.jsonl SERIES [--config CONFIG]  -> rows

Rows (tab-separated): SERIES, KEY, RELATION, OTHER, DETAIL, SOURCE (the
file:line of the statement that makes it so, in TREE).

- `zeroes`: KEY's handler, after a successful write, stores 0 in the
  variable that is OTHER's data (mm/page-writeback.c: dirty_ratio_handler
  zeroes vm_dirty_bytes, and so on). Read from every custom handler of
  the tree: a statement `VAR = 0;` in its body, VAR the `.data` of exactly
  one other key. DETAIL `changed` when the statement sits under an `if`
  that compares the variable with its old value (the zeroing happens only
  when the write changed KEY), else `always`.
- `clamp-half`: the kernel halves KEY's threshold when it is at or above
  OTHER's (`if (bg_thresh >= thresh) bg_thresh = thresh / 2;`), found in
  mm/page-writeback.c in the function that reads both keys' variables;
  KEY is a key with `background_` in its name, OTHER the same name
  without it. DETAIL `-`.
- `names`: a name KEY takes (net.ipv4.tcp_congestion_control: every
  `struct tcp_congestion_ops` of net/ipv4 with its `.name`;
  net.core.default_qdisc: every `struct Qdisc_ops` of net/sched with its
  `.id`), OTHER the name, DETAIL how this build has it: `builtin`,
  `module:NAME` (Kbuild's object, CONFIG_...=m), `absent` (the config
  says "is not set" of an option it needs) or `-` (not known: a tree
  without a config, kernel.org's, or an option the config file does not
  list, such as a symbol another one selects in a distribution's source
  config).
- `combine`: how the kernel combines an IPv4 interface's own value of KEY
  (net.ipv4.conf.<iface>.NAME) with `all`'s, from the IN_DEV_* macros of
  include/linux/inetdevice.h: DETAIL `or`, `and`, `max`, or `forwarding`
  (IN_DEV_RX_REDIRECTS: AND on a forwarding interface, OR otherwise);
  OTHER `all`. The attribute's key name comes from net/ipv4/devinet.c's
  DEVINET_SYSCTL_*_ENTRY(ATTR, "name") rows.
- `all`: whether the kernel ever looks at `all`'s value of an IPv6
  interface key (net.ipv6.conf.<iface>.NAME, `.data` &ipv6_devconf.FIELD):
  DETAIL `used` when some source of the tree reads `devconf_all->FIELD`
  (or `ipv6_devconf.FIELD` outside a ctl_table row), at its first such
  file:line (forwarding and disable_ipv6 are copied to every interface by
  their handlers; proxy_ndp, force_mld_version and others are read
  beside the interface's); `ignored` when none does, at the key's
  ctl_table row: only each interface's own value counts, and a write to
  `all` changes nothing (accept_ra, autoconf, use_tempaddr, ...). OTHER
  `all`. Only writable keys.
- `field-max`: the highest value a field of a vector key may take
  (kernel.sem's fourth, semmni, from ipc/): OTHER the field's number
  (1-based, from `#define sc_semmni sem_ctls[N]`), DETAIL `refused:MAX`
  when the handler checks it (sem_check_semmni: the write fails with
  ERANGE and the field keeps its old value) or `capped:MAX` when the
  field is taken but ipc_addid never allocates beyond MAX (`if (size >
  IPCMNI)`); MAX is IPCMNI as ipc/util.h or include/linux/ipc.h defines
  it. With `field-max-extended`, DETAIL the limit the `ipcmni_extend`
  boot parameter raises it to (IPCMNI_EXTEND), at its early_param.
- `init`: the value KEY's variable is defined with at file scope (`int
  vm_dirty_ratio = 20;`; 0 without an initializer), for each key of a
  relation: DETAIL the number, OTHER `-`; only plain integer literals.
"""
import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gen import Kbuild, SrcFile, match_close  # noqa: E402

IDENT = re.compile(r'^[A-Za-z_]\w*$')
ZERO = re.compile(r'\b([A-Za-z_]\w*)\s*=\s*0\s*;')
CLAMP = re.compile(r'\bif\s*\(\s*(\w+)\s*>=\s*(\w+)\s*\)\s*\1\s*=\s*\2\s*/\s*2\s*;')


def data_var(rec):
    """The plain global a record's .data names, or None."""
    d = (rec.get('data') or '').strip()
    if d.startswith('&'):
        d = d[1:].strip()
    return d if IDENT.match(d) else None


def enclosing_if(body, pos):
    """The condition of the innermost `if` whose statement holds POS."""
    best = None
    for m in re.finditer(r'\bif\s*\(', body[:pos]):
        close = match_close(body, m.end() - 1, '(', ')')
        if close < 0 or close > pos:
            continue
        rest = body[close + 1:]
        lead = len(rest) - len(rest.lstrip())
        start = close + 1 + lead
        if start < len(body) and body[start] == '{':
            end = match_close(body, start)
        else:
            end = body.find(';', start)
        if end >= pos:
            best = body[m.end():close]
    return best


def handler_files(tree, names):
    """Every .c file of TREE that mentions one of NAMES followed by '('."""
    if not names:
        return []
    pat = r'\b(%s)\s*\(' % '|'.join(sorted(names))
    out = subprocess.run(['grep', '-rlE', '--include=*.c', pat, '.'],
                         cwd=tree, capture_output=True, text=True).stdout
    return sorted(p[2:] for p in out.split())


# The keys that take a name, where the names are defined and how.
NAMED = [
    ('net.ipv4.tcp_congestion_control', 'net/ipv4', 'tcp_congestion_ops',
     'name'),
    ('net.core.default_qdisc', 'net/sched', 'Qdisc_ops', 'id'),
]


def read_config(path):
    """A .config as a dict: y, m, a value, or n for "is not set"."""
    cfg = {}
    for ln in open(path, encoding='utf-8', errors='replace'):
        m = re.match(r'CONFIG_(\w+)=(.*)', ln.strip()) or \
            re.match(r'# CONFIG_(\w+) is not set', ln.strip())
        if m:
            cfg[m.group(1)] = m.group(2).strip('"') if m.lastindex == 2 \
                else 'n'
    return cfg


def names(tree, config, src, keys):
    """The `names` rows of TREE (CONFIG: a .config dict, or None) for the
    keys of KEYS (the tree's) that take names."""
    kb = Kbuild(tree)
    rows = set()
    for key, d, struct, field in NAMED:
        top = os.path.join(tree, d)
        if key not in keys or not os.path.isdir(top):
            continue
        start = re.compile(r'\bstruct\s+%s\s+\w+\s*(?:__read_mostly\s*)?='
                           r'\s*\{' % struct)
        for fn in sorted(os.listdir(top)):
            if not fn.endswith('.c'):
                continue
            rel = os.path.join(d, fn)
            f = src(rel)
            for m in start.finditer(f.code):
                close = match_close(f.code, m.end() - 1)
                body = f.code[m.end():close]
                nm = re.search(r'\.%s\s*=\s*"([^"]+)"' % field, body)
                if not nm:
                    continue
                how = '-'
                if config is not None:
                    r = kb.resolve(rel)
                    vals = [config.get(c) for c in r['configs']]
                    if 'n' in vals:
                        how = 'absent'
                    elif None in vals:
                        how = '-'  # not in the file: a symbol another selects
                    elif r['obj_config'] and \
                            config.get(r['obj_config']) == 'm':
                        how = 'module:' + (r['module'] or '?')
                    else:
                        how = 'builtin'
                rows.add((key, 'names', nm.group(1), how, '%s:%d' % (
                    rel, f.lineno(m.end() + nm.start()))))
    return rows


def combine(tree, src, keys):
    """The `combine` rows of TREE for the conf keys of KEYS."""
    hdr, dev = 'include/linux/inetdevice.h', 'net/ipv4/devinet.c'
    if not all(os.path.isfile(os.path.join(tree, p)) for p in (hdr, dev)):
        return set()
    names = {m.group(1): m.group(2) for m in re.finditer(
        r'DEVINET_SYSCTL_\w+_ENTRY\(\s*(\w+)\s*,\s*"([^"]+)"',
        src(dev).code)}
    raw = open(os.path.join(tree, hdr), encoding='utf-8',
               errors='replace').read()
    rows = set()
    for m in re.finditer(r'^#define\s+IN_DEV_\w+\(in_dev\)\s*((?:.*\\\n)*.*)$',
                         raw, re.M):
        body = re.sub(r'\\\n', ' ', m.group(1))
        modes = re.findall(r'IN_DEV_(OR|AND|MAX)CONF\(\s*\(?in_dev\)?\s*,'
                           r'\s*(\w+)\s*\)', body)
        attrs = {a for _, a in modes}
        if len(attrs) != 1:
            continue
        attr = attrs.pop()
        kinds = {k for k, _ in modes}
        if kinds == {'OR', 'AND'} and 'IN_DEV_FORWARD' in body:
            how = 'forwarding'
        elif len(kinds) == 1:
            how = kinds.pop().lower()
        else:
            continue
        key = 'net.ipv4.conf.<iface>.%s' % names.get(attr, '')
        if attr in names and key in keys:
            line = raw.count('\n', 0, m.start()) + 1
            rows.add((key, 'combine', 'all', how, '%s:%d' % (hdr, line)))
    return rows


def ipv6_all(tree, recs):
    """The `all` rows of TREE for its writable net.ipv6.conf keys."""
    fields = {}
    for r in recs:
        m = re.match(r'&\s*ipv6_devconf\.(\w+)$', (r.get('data') or '').strip())
        if m and r['key'].startswith('net.ipv6.conf.<iface>.') and \
                r.get('access') == 'rw':
            fields[m.group(1)] = (r['key'], '%s:%d' % (r['file'], r['line']))
    if not fields:
        return set()
    pat = r'devconf_all->\w+|\bipv6_devconf\.\w+'
    out = subprocess.run(['grep', '-rnE', '--include=*.c', '--include=*.h',
                          pat, '.'], cwd=tree, capture_output=True,
                         text=True).stdout
    used = {}
    for ln in out.splitlines():
        rel, line, text = ln[2:].split(':', 2)
        for m in re.finditer(r'(&\s*)?(?:devconf_all->|\bipv6_devconf\.)(\w+)',
                             text):
            if m.group(0).startswith('&') and 'devconf_all' not in m.group(0):
                continue  # &ipv6_devconf.FIELD: a ctl_table row's .data
            where = (not rel.startswith('net/'), rel, int(line))
            if m.group(2) not in used or where < used[m.group(2)]:
                used[m.group(2)] = where
    rows = set()
    for field, (key, row) in fields.items():
        if field in used:
            rows.add((key, 'all', 'all', 'used', '%s:%d' % used[field][1:]))
        else:
            rows.add((key, 'all', 'all', 'ignored', row))
    return rows


def ipc_defines(tree):
    """IPCMNI and IPCMNI_EXTEND of TREE as numbers (missing: absent)."""
    defs = {}
    for rel in ('include/linux/ipc.h', 'ipc/util.h'):
        path = os.path.join(tree, rel)
        if os.path.isfile(path):
            for m in re.finditer(r'^#define\s+(IPCMNI\w*)\s+(.+?)\s*(?:/\*.*)?$',
                                 open(path, encoding='utf-8',
                                      errors='replace').read(), re.M):
                defs[m.group(1)] = m.group(2)
    out = {}
    for name in ('IPCMNI', 'IPCMNI_EXTEND'):
        v = defs.get(name, '')
        m = re.match(r'^\(?\s*1\s*<<\s*(\w+)\s*\)?$', v)
        if m and re.match(r'^\d+$', defs.get(m.group(1), '')):
            out[name] = 1 << int(defs[m.group(1)])
        elif re.match(r'^\d+$', v):
            out[name] = int(v)
    return out


def sem_fields(tree, src):
    """The `field-max` rows of TREE for kernel.sem's semmni."""
    sem, util = 'ipc/sem.c', 'ipc/util.c'
    if not os.path.isfile(os.path.join(tree, sem)):
        return set()
    m = re.search(r'#define\s+sc_semmni\s+sem_ctls\[(\d+)\]',
                  open(os.path.join(tree, sem), encoding='utf-8',
                       errors='replace').read())
    lim = ipc_defines(tree)
    if not m or 'IPCMNI' not in lim:
        return set()
    field = str(int(m.group(1)) + 1)
    out = subprocess.run(['grep', '-rnE', '--include=*.h', '--include=*.c',
                          r'sem_ctls\[%s\]\s*>\s*(ipc_mni|IPCMNI)\b' %
                          m.group(1), 'ipc'], cwd=tree, capture_output=True,
                         text=True).stdout.split('\n')[0]
    rows = set()
    if out:
        rel, line = out.split(':')[:2]
        rows.add(('kernel.sem', 'field-max', field,
                  'refused:%d' % lim['IPCMNI'], '%s:%s' % (rel, line)))
    else:
        f = src(util)
        cap = re.search(r'\bif\s*\(\s*(\w+)\s*>\s*IPCMNI\s*\)\s*\1\s*='
                        r'\s*IPCMNI\s*;', f.code)
        if not cap:
            return set()
        rows.add(('kernel.sem', 'field-max', field,
                  'capped:%d' % lim['IPCMNI'],
                  '%s:%d' % (util, f.lineno(cap.start()))))
    out = subprocess.run(['grep', '-rn', '--include=*.c',
                          'early_param("ipcmni_extend"', 'ipc'], cwd=tree,
                         capture_output=True, text=True).stdout.split('\n')[0]
    if out and 'IPCMNI_EXTEND' in lim:
        rel, line = out.split(':')[:2]
        rows.add(('kernel.sem', 'field-max-extended', field,
                  str(lim['IPCMNI_EXTEND']), '%s:%s' % (rel, line)))
    return rows


def main():
    args = sys.argv[1:]
    config = None
    if '--config' in args:
        i = args.index('--config')
        config = read_config(args[i + 1])
        del args[i:i + 2]
    tree, jsonl, series = args[:3]
    recs = [json.loads(line) for line in open(jsonl) if line.strip()]
    keys_of = {}
    for r in recs:
        v = data_var(r)
        if v and '<' not in r['key']:
            keys_of.setdefault(v, set()).add(r['key'])
    owner = {v: next(iter(ks)) for v, ks in keys_of.items() if len(ks) == 1}
    handlers = {}
    for r in recs:
        h = (r.get('handler') or '').strip()
        v = data_var(r)
        if IDENT.match(h) and not h.startswith('proc_do') and v in owner:
            handlers.setdefault(h, set()).add(owner[v])
    rows = set()
    files = {}

    def src(rel):
        if rel not in files:
            files[rel] = SrcFile(tree, rel)
        return files[rel]

    related = set()
    for rel in handler_files(tree, handlers):
        f = src(rel)
        for name, _, s, e in f.functions():
            if name not in handlers or len(handlers[name]) != 1:
                continue
            key = next(iter(handlers[name]))
            body = f.code[s:e]
            for m in ZERO.finditer(body):
                other = owner.get(m.group(1))
                if not other or other == key:
                    continue
                cond = enclosing_if(body, m.start()) or ''
                when = 'changed' if re.search(r'!=', cond) and \
                    re.search(r'\bold', cond) else 'always'
                rows.add((key, 'zeroes', other, when,
                          '%s:%d' % (rel, f.lineno(s + m.start()))))
                related.update((key, other))
    wb = 'mm/page-writeback.c'
    if os.path.isfile(os.path.join(tree, wb)):
        f = src(wb)
        for name, _, s, e in f.functions():
            body = f.code[s:e]
            m = CLAMP.search(body)
            if not m:
                continue
            read = {owner[w] for w in re.findall(r'\w+', body) if w in owner}
            for key in sorted(read):
                other = key.replace('background_', '', 1)
                if other != key and other in read:
                    rows.add((key, 'clamp-half', other, '-',
                              '%s:%d' % (wb, f.lineno(s + m.start()))))
                    related.update((key, other))
    for key in sorted(related):
        var = next(v for v, k in owner.items() if k == key)
        decl = (r'^(?:static\s+)?(?:unsigned\s+)?(?:int|long)\s+'
                r'(?:__read_mostly\s+)?%s(?:\s+__read_mostly)?\s*' %
                re.escape(var))
        pat = re.compile(decl + r'(?:=\s*(\d+)\s*)?;', re.M)
        out = subprocess.run(['grep', '-rlw', '--include=*.c', var, '.'],
                             cwd=tree, capture_output=True, text=True).stdout
        for rel in sorted(p[2:] for p in out.split()):
            f = src(rel)
            m = pat.search(f.code)
            if m:
                # a file-scope variable without an initializer starts at 0
                rows.add((key, 'init', '-', m.group(1) or '0',
                          '%s:%d' % (rel, f.lineno(m.start()))))
                break
    rows |= names(tree, config, src, {r['key'] for r in recs})
    rows |= combine(tree, src, {r['key'] for r in recs})
    rows |= ipv6_all(tree, recs)
    if 'kernel.sem' in {r['key'] for r in recs}:
        rows |= sem_fields(tree, src)
    for row in sorted(rows):
        print('\t'.join((series,) + row))


if __name__ == '__main__':
    main()
