#!/usr/bin/env python3
"""parse.py OUTDIR  - split OUTDIR/console.log into lists.

For every @@BEGIN NAME / @@END NAME block of `stat -c '%a %n'` lines writes
  OUTDIR/lists/NAME.modes   "MODE key" (octal mode, dotted key), sorted
  OUTDIR/lists/NAME.keys    dotted keys only (the format compare.py reads)
plus OUTDIR/lists/modules.txt (@@MOD lines), writes.txt (@@WRITE lines) and
summary.json (counts, interfaces, timings).
Lines are matched strictly ("^[0-7]{3,4} /proc/sys/..."), so kernel messages that
interleave with the listing are dropped (and counted as 'garbled').
"""
import json, os, re, sys

out = sys.argv[1]
log = open(os.path.join(out, 'console.log'), errors='replace').read().replace('\r', '')
os.makedirs(os.path.join(out, 'lists'), exist_ok=True)
blocks, cur, garbled = {}, None, {}
mods, writes, ifaces, misc = [], [], {}, {}
line_rx = re.compile(r'^([0-7]{3,4}) /proc/sys/(\S+)$')
for line in log.split('\n'):
    if line.startswith('@@BEGIN '):
        cur = line.split()[1]; blocks[cur] = []; garbled[cur] = 0; continue
    if line.startswith('@@END '):
        cur = None; continue
    if line.startswith('@@MOD '):
        mods.append(line[6:]); continue
    if line.startswith('@@WRITE '):
        writes.append(line[8:]); continue
    if line.startswith('@@IFACES '):
        p = line.split()
        ifaces[p[1]] = p[2:]; continue
    if line.startswith(('@@UNAME', '@@UPTIME', '@@MODSET')):
        misc.setdefault(line.split()[0][2:], []).append(line.split(None, 1)[1]); continue
    if cur is not None:
        if cur.startswith('values-'):  # the defaults' (scripts/catalog/defaults.py)
            continue
        if cur in ('lsmod', 'dmesg-sysctl'):
            blocks[cur].append(line); continue
        m = line_rx.match(line)
        if m:
            blocks[cur].append((m.group(1), m.group(2).replace('.', '\x00').replace('/', '.').replace('\x00', '/')))
        elif line.strip():
            garbled[cur] += 1
summary = {'counts': {}, 'garbled': garbled, 'ifaces': ifaces, 'misc': misc}
for name, rows in blocks.items():
    if name.startswith('values-'):
        continue
    if name in ('lsmod', 'dmesg-sysctl'):
        open(os.path.join(out, 'lists', name + '.txt'), 'w').write('\n'.join(rows) + '\n')
        continue
    rows = sorted(set(rows), key=lambda r: r[1])
    open(os.path.join(out, 'lists', name + '.modes'), 'w').write(''.join('%s %s\n' % r for r in rows))
    open(os.path.join(out, 'lists', name + '.keys'), 'w').write(''.join(r[1] + '\n' for r in rows))
    summary['counts'][name] = len(rows)
    summary['counts'][name + ' (net.*)'] = sum(1 for r in rows if r[1].startswith('net.'))
open(os.path.join(out, 'lists', 'modules.txt'), 'w').write('\n'.join(mods) + '\n')
open(os.path.join(out, 'lists', 'writes.txt'), 'w').write('\n'.join(writes) + '\n')
json.dump(summary, open(os.path.join(out, 'lists', 'summary.json'), 'w'), indent=1)
print(json.dumps(summary['counts']), 'garbled:', {k: v for k, v in garbled.items() if v})
