#!/usr/bin/env python3
"""Unpack from a git repository the files of one commit that gen.py and
docs.py read (C sources and headers, Makefiles, Kbuild, Kconfig, the sysctl
documentation, Ubuntu's config fragments or annotations with the scripts
that read them, and changelog; AlmaLinux's x86_64 config).

Usage: extract.py GIT_DIR COMMIT DEST

For a distribution's kernel tree kept in a public repository (sources.txt
"rhel:" and "ubuntu:" lines). Snapshots of such repositories may lack
their largest blobs (generated register headers of GPU drivers): those are
skipped and counted, and `git archive` (which stops at the first) is not
used. No file outside DEST is written; paths with ".." are refused.
"""
import os
import re
import subprocess
import sys

WANTED = re.compile(
    r'(^|/)(Makefile|Kbuild|Kconfig[^/]*)$|\.[ch]$'
    r'|^Documentation/(admin-guide/sysctl|sysctl|networking)/'
    r'|^debian\.master/(config/|changelog$)|^debian/scripts/'
    r'|^almalinux/kernel-x86_64(-rhel)?\.config$')


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__.strip().splitlines()[2])
    gitdir, commit, dest = sys.argv[1:]
    tree = subprocess.run(['git', '--git-dir', gitdir, 'ls-tree', '-r', '-z',
                           commit], capture_output=True, check=True).stdout
    want = []
    for entry in tree.split(b'\0'):
        if not entry:
            continue
        meta, path = entry.split(b'\t', 1)
        mode, kind, sha = meta.split()
        p = path.decode('utf-8', 'replace')
        if kind == b'blob' and mode != b'120000' and WANTED.search(p):
            if p.startswith('/') or '..' in p.split('/'):
                sys.exit('extract: refusing path %r' % p)
            want.append((sha.decode(), p))
    cat = subprocess.Popen(['git', '--git-dir', gitdir, 'cat-file', '--batch'],
                           stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    missing = []
    for sha, p in want:
        cat.stdin.write((sha + '\n').encode())
        cat.stdin.flush()
        head = cat.stdout.readline().split()
        if len(head) < 3:
            missing.append(p)
            continue
        data = cat.stdout.read(int(head[2]))
        cat.stdout.read(1)
        out = os.path.join(dest, p)
        os.makedirs(os.path.dirname(out), exist_ok=True)
        with open(out, 'wb') as f:
            f.write(data)
    cat.stdin.close()
    cat.wait()
    sys.stderr.write('extract: %d files, %d missing%s\n' % (
        len(want), len(missing),
        (': ' + ', '.join(missing[:8])) if missing else ''))


if __name__ == '__main__':
    main()
