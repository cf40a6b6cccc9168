#!/usr/bin/env python3
"""Prototype: build a sysctl key catalog from a Linux kernel source tree.

Usage: gen.py SRC_TREE [--config .config] [-o out.jsonl] [--stats stats.json]

Stdlib only.  Static, heuristic parser (no C preprocessor run):
  * finds `struct ctl_table NAME[] = {...}` arrays and ctl_table arrays that are
    members of a struct initialiser (`.devinet_vars = {...}`),
  * expands file-local (and local-header) function-like macros used as entries,
  * finds registrations (register_sysctl*, register_net_sysctl*, __register_sysctl_*,
    register_sysctl_paths + struct ctl_path, register_sysctl_table + .child nesting,
    DECLARE_SYSCTL_BASE), resolving table variables through kmemdup()/assignments
    and path variables through snprintf()/kasprintf(),
  * special-cases devinet / addrconf / neighbour templates,
  * resolves bounds (SYSCTL_* constants parsed from include/linux/sysctl.h,
    static variables, #defines), maxlen/vector length, type from the handler,
  * attaches #if conditions and Kbuild (Makefile obj-$(CONFIG_X)) info, Kconfig
    type (tristate => module capable) and, with --config, whether the key is
    expected to exist in a kernel built with that .config.
"""
import json
import os
import re
import sys
from collections import defaultdict

# ----------------------------------------------------------------------------
# C text helpers

def strip_comments(src):
    """Replace comments by spaces (keep newlines); keep string/char literals."""
    out = []
    i, n = 0, len(src)
    while i < n:
        c = src[i]
        if c == '/' and i + 1 < n and src[i + 1] == '*':
            j = src.find('*/', i + 2)
            j = n if j < 0 else j + 2
            out.append(''.join('\n' if ch == '\n' else ' ' for ch in src[i:j]))
            i = j
        elif c == '/' and i + 1 < n and src[i + 1] == '/':
            j = src.find('\n', i)
            j = n if j < 0 else j
            out.append(' ' * (j - i))
            i = j
        elif c == '"' or c == "'":
            j = i + 1
            while j < n and src[j] != c:
                if src[j] == '\\':
                    j += 1
                elif src[j] == '\n':
                    break
                j += 1
            out.append(src[i:j + 1])
            i = j + 1
        else:
            out.append(c)
            i += 1
    return ''.join(out)


def match_close(s, i, op='{', cl='}'):
    """s[i] == op; return index of matching close (skips string literals)."""
    depth = 0
    n = len(s)
    while i < n:
        c = s[i]
        if c == '"' or c == "'":
            j = i + 1
            while j < n and s[j] != c:
                if s[j] == '\\':
                    j += 1
                j += 1
            i = j
        elif c == op:
            depth += 1
        elif c == cl:
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return -1


def split_top(s, sep=','):
    """Split at top-level separators (outside (), {}, [] and strings)."""
    parts, depth, cur, i, n = [], 0, [], 0, len(s)
    start = 0
    while i < n:
        c = s[i]
        if c == '"' or c == "'":
            j = i + 1
            while j < n and s[j] != c:
                if s[j] == '\\':
                    j += 1
                j += 1
            i = j + 1
            continue
        if c in '({[':
            depth += 1
        elif c in ')}]':
            depth -= 1
        elif c == sep and depth == 0:
            parts.append((start, s[start:i]))
            start = i + 1
        i += 1
    parts.append((start, s[start:]))
    return parts


STR_RE = re.compile(r'"((?:[^"\\]|\\.)*)"')


def c_string(expr):
    """Concatenated C string literal -> python str, or None."""
    e = expr.strip()
    if not e.startswith('"'):
        return None
    parts = STR_RE.findall(e)
    rest = STR_RE.sub('', e).strip()
    if rest:
        return None
    return ''.join(parts)


# ----------------------------------------------------------------------------
# Source file model

DIRECTIVE_RE = re.compile(r'^[ \t]*#[ \t]*(\w+)(.*)$')
DEFINE_RE = re.compile(r'^[ \t]*#[ \t]*define[ \t]+(\w+)(\(([^)]*)\))?[ \t]*(.*)$', re.S)


class SrcFile:
    def __init__(self, root, rel):
        self.root, self.rel = root, rel
        with open(os.path.join(root, rel), encoding='utf-8', errors='replace') as f:
            raw = f.read()
        self.clean = strip_comments(raw)
        lines = self.clean.split('\n')
        self.line_starts = [0]
        for ln in lines:
            self.line_starts.append(self.line_starts[-1] + len(ln) + 1)
        self.macros = {}
        self.conds = []           # per line: tuple of condition strings
        code_lines = []
        stack = []
        i = 0
        while i < len(lines):
            ln = lines[i]
            m = DIRECTIVE_RE.match(ln)
            if m:
                # join continuation lines
                j = i
                full = ln
                while full.endswith('\\') and j + 1 < len(lines):
                    j += 1
                    full = full[:-1] + ' ' + lines[j]
                d, arg = m.group(1), DIRECTIVE_RE.match(full).group(2).strip()
                if d == 'define':
                    dm = DEFINE_RE.match(full)
                    if dm:
                        params = None
                        if dm.group(2) is not None and full[full.find(dm.group(1)) + len(dm.group(1))] == '(':
                            params = [p.strip() for p in dm.group(3).split(',') if p.strip()]
                        self.macros.setdefault(dm.group(1), (params, dm.group(4).strip()))
                elif d == 'ifdef':
                    stack.append('defined(%s)' % arg)
                elif d == 'ifndef':
                    stack.append('!defined(%s)' % arg)
                elif d == 'if':
                    stack.append(arg)
                elif d == 'elif':
                    if stack:
                        prev = stack.pop()
                        stack.append('!(%s) && (%s)' % (prev, arg))
                elif d == 'else':
                    if stack:
                        stack.append('!(%s)' % stack.pop())
                elif d == 'endif':
                    if stack:
                        stack.pop()
                for k in range(i, j + 1):
                    self.conds.append(tuple(stack))
                    code_lines.append(' ' * len(lines[k]))
                i = j + 1
                continue
            self.conds.append(tuple(stack))
            code_lines.append(ln)
            i += 1
        self.code = '\n'.join(code_lines)
        self._funcs = None

    def lineno(self, off):
        lo, hi = 0, len(self.line_starts) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self.line_starts[mid] <= off:
                lo = mid
            else:
                hi = mid - 1
        return lo + 1

    def cond_at(self, off):
        ln = self.lineno(off)
        return self.conds[ln - 1] if ln - 1 < len(self.conds) else ()

    def functions(self):
        """List of (name, params, body_start, body_end) for top-level functions."""
        if self._funcs is None:
            self._funcs = []
            code = self.code
            i, n = 0, len(code)
            depth = 0
            blocks = []
            while i < n:
                c = code[i]
                if c == '"' or c == "'":
                    j = i + 1
                    while j < n and code[j] != c:
                        if code[j] == '\\':
                            j += 1
                        j += 1
                    i = j + 1
                    continue
                if c == '{':
                    if depth == 0:
                        bstart = i
                    depth += 1
                elif c == '}':
                    depth -= 1
                    if depth == 0:
                        blocks.append((bstart, i))
                    if depth < 0:
                        depth = 0
                i += 1
            for (s, e) in blocks:
                head = code[max(0, s - 400):s]
                m = re.search(r'(\w+)\s*\(([^;{}()]*(?:\([^()]*\)[^;{}()]*)*)\)\s*$', head)
                if m and m.group(1) not in ('if', 'while', 'for', 'switch', 'sizeof'):
                    self._funcs.append((m.group(1), m.group(2), s, e))
        return self._funcs

    def func_at(self, off):
        for f in self.functions():
            if f[2] <= off <= f[3]:
                return f
        return None

    def expand(self, text, extra_macros=None, depth=0):
        """Expand function-like and object-like macros known to this file."""
        macros = dict(extra_macros or {})
        macros.update(self.macros)
        return expand_macros(text, macros, depth)


IDENT_RE = re.compile(r'[A-Za-z_]\w*')


def expand_macros(text, macros, depth=0):
    if depth > 12:
        return text
    out, i, changed = [], 0, False
    n = len(text)
    while i < n:
        c = text[i]
        if c == '"':
            j = i + 1
            while j < n and text[j] != '"':
                if text[j] == '\\':
                    j += 1
                j += 1
            out.append(text[i:j + 1])
            i = j + 1
            continue
        m = IDENT_RE.match(text, i)
        if m and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] == '_')):
            name = m.group(0)
            mac = macros.get(name)
            if mac is not None:
                params, body = mac
                if params is None:
                    if body and body != name:
                        out.append(body)
                        changed = True
                        i = m.end()
                        continue
                else:
                    k = m.end()
                    while k < n and text[k] in ' \t\n':
                        k += 1
                    if k < n and text[k] == '(':
                        e = match_close(text, k, '(', ')')
                        if e > 0:
                            args = [a.strip() for _, a in split_top(text[k + 1:e])]
                            out.append(subst_macro(params, body, args))
                            changed = True
                            i = e + 1
                            continue
            out.append(name)
            i = m.end()
            continue
        out.append(c)
        i += 1
    res = ''.join(out)
    if changed:
        return expand_macros(res, macros, depth + 1)
    return res


def subst_macro(params, body, args):
    pm = {}
    for idx, p in enumerate(params):
        if p == '...':
            pm['__VA_ARGS__'] = ', '.join(args[idx:])
        else:
            pm[p] = args[idx] if idx < len(args) else ''
    # stringification
    def strfy(m):
        return '"%s"' % pm.get(m.group(1), m.group(1)).replace('"', '\\"')
    body = re.sub(r'(?<!#)#\s*(\w+)', lambda m: strfy(m) if m.group(1) in pm else m.group(0), body)
    body = IDENT_RE.sub(lambda m: pm.get(m.group(0), m.group(0)), body)
    body = re.sub(r'\s*##\s*', '', body)
    return body


# ----------------------------------------------------------------------------
# Kconfig / Kbuild

def parse_kconfig(root):
    types = {}
    for dp, dns, fns in os.walk(root):
        if '/.git' in dp or dp.startswith(os.path.join(root, 'tools')) or dp.startswith(os.path.join(root, 'Documentation')):
            continue
        for fn in fns:
            if not fn.startswith('Kconfig'):
                continue
            cur = None
            try:
                txt = open(os.path.join(dp, fn), encoding='utf-8', errors='replace').read()
            except OSError:
                continue
            for ln in txt.split('\n'):
                m = re.match(r'\s*(?:menu)?config\s+(\w+)', ln)
                if m:
                    cur = m.group(1)
                    continue
                if cur:
                    m = re.match(r'\s*(def_)?(tristate|bool|int|hex|string)\b', ln)
                    if m:
                        if cur not in types or types[cur] != 'tristate':
                            types[cur] = m.group(2)
                        cur = None
    return types


class Kbuild:
    def __init__(self, root):
        self.root = root
        self.cache = {}

    def assigns(self, d):
        """Parse d/Makefile + d/Kbuild -> list of (lhs, [rhs words])."""
        if d in self.cache:
            return self.cache[d]
        res = []
        for fn in ('Makefile', 'Kbuild'):
            p = os.path.join(self.root, d, fn)
            if not os.path.isfile(p):
                continue
            txt = open(p, encoding='utf-8', errors='replace').read()
            txt = txt.replace('\\\n', ' ')
            for ln in txt.split('\n'):
                ln = ln.split('#')[0]
                m = re.match(r'\s*([\w\-\$\(\),]+)\s*[:+]?=\s*(.*)$', ln)
                if m:
                    res.append((m.group(1), m.group(2).split()))
        self.cache[d] = res
        return res

    @staticmethod
    def lhs_config(lhs):
        m = re.search(r'CONFIG_(\w+)', lhs)
        return m.group(1) if m else None

    def resolve(self, relpath):
        """-> dict(configs=[...], module=name|None, chain=[...])"""
        d, fn = os.path.split(relpath)
        if fn.endswith('.h'):
            # a header holding a table: attribute it to the .c file including it
            pd = os.path.join(self.root, d)
            for cand in sorted(os.listdir(pd)) if os.path.isdir(pd) else []:
                if cand.endswith('.c'):
                    try:
                        txt = open(os.path.join(pd, cand), encoding='utf-8', errors='replace').read()
                    except OSError:
                        continue
                    if re.search(r'#\s*include\s+"%s"' % re.escape(fn), txt):
                        r = self.resolve(os.path.join(d, cand))
                        r['chain'] = ['%s included by %s' % (relpath, cand)] + r['chain']
                        return r
        obj = fn[:-2] + '.o'
        chain, configs = [], []
        module = None
        seen = set()
        # find the object in its dir or in a parent dir (as sub/foo.o)
        cur_dir, cur_obj = d, obj
        top_obj_cfg = None
        for _ in range(6):
            found = None
            for lhs, words in self.assigns(cur_dir):
                if cur_obj in words:
                    found = (lhs, words)
                    if lhs.startswith('obj-'):
                        break
            if not found and cur_dir:
                pd, sub = os.path.split(cur_dir)
                for lhs, words in self.assigns(pd):
                    if sub + '/' + cur_obj in words:
                        found = (lhs, words)
                        cur_dir = pd
                        cur_obj = sub + '/' + cur_obj
                        break
            if not found:
                break
            lhs, _ = found
            cfg = self.lhs_config(lhs)
            chain.append('%s/%s: %s += %s' % (cur_dir or '.', 'Makefile', lhs, cur_obj))
            if lhs.startswith('obj-'):
                if cfg:
                    configs.append(cfg)
                    top_obj_cfg = cfg
                module = os.path.basename(cur_obj)[:-2] if cfg else None
                break
            # composite object NAME-y / NAME-objs / NAME-$(CONFIG_Y)
            m = re.match(r'([\w\-]+?)-(?:y|objs|\$\(CONFIG_\w+\)|m)$', lhs)
            if not m:
                break
            if cfg:
                configs.append(cfg)
            comp = m.group(1) + '.o'
            if (cur_dir, comp) in seen:
                break
            seen.add((cur_dir, comp))
            cur_obj = comp
        # directory chain: dir/ listed in parent Makefile
        dd = cur_dir
        while dd:
            pd, sub = os.path.split(dd)
            hit = None
            for lhs, words in self.assigns(pd):
                if sub + '/' in words or sub in words and lhs.startswith('obj-'):
                    hit = lhs
                    if self.lhs_config(lhs):
                        break
            if hit:
                c = self.lhs_config(hit)
                chain.append('%s/Makefile: %s += %s/' % (pd or '.', hit, sub))
                if c:
                    configs.append(c)
            dd = pd
        return {'configs': configs, 'module': module, 'obj_config': top_obj_cfg, 'chain': chain}


# ----------------------------------------------------------------------------
# Numeric evaluation

BUILTIN_CONST = {
    'INT_MAX': 2**31 - 1, 'INT_MIN': -2**31, 'UINT_MAX': 2**32 - 1,
    'LONG_MAX': 2**63 - 1, 'LONG_MIN': -2**63, 'ULONG_MAX': 2**64 - 1,
    'U8_MAX': 255, 'U16_MAX': 65535, 'U32_MAX': 2**32 - 1, 'S32_MAX': 2**31 - 1,
    'U64_MAX': 2**64 - 1, 'S64_MAX': 2**63 - 1, 'USHRT_MAX': 65535, 'SHRT_MAX': 32767,
    'UCHAR_MAX': 255, 'NULL': 0, 'true': 1, 'false': 0,
    'PAGE_SIZE': 4096, 'PAGE_SHIFT': 12, 'BITS_PER_LONG': 64, 'IFNAMSIZ': 16,
    'MSEC_PER_SEC': 1000, 'USEC_PER_SEC': 1000000, 'NSEC_PER_SEC': 1000000000,
    'NSEC_PER_MSEC': 1000000, 'NSEC_PER_USEC': 1000, 'USEC_PER_MSEC': 1000,
    'SZ_1K': 1024, 'SZ_4K': 4096, 'SZ_1M': 1 << 20, 'SZ_16M': 1 << 24, 'SZ_1G': 1 << 30,
    'MAX_SCHEDULE_TIMEOUT': 2**63 - 1,
}
# Config-dependent constants (Debian amd64 values)
CONFIG_CONST = {'HZ': 250, 'USER_HZ': 100}


# sizeof of the scalar types bounds are written with, on x86-64 (LP64).
C_SIZEOF = {'char': 1, 'short': 2, 'int': 4, 'long': 8, 'long long': 8,
            'unsigned': 4, 'u8': 1, 'u16': 2, 'u32': 4, 'u64': 8, 's8': 1,
            's16': 2, 's32': 4, 's64': 8, 'size_t': 8, 'gid_t': 4,
            'uid_t': 4, 'pid_t': 4, 'bool': 1}
SIZEOF_RE = re.compile(r'\bsizeof\s*\(\s*(?:(?:unsigned|signed)\s+)?(%s)\s*\)'
                       % '|'.join(sorted((k.replace(' ', r'\s+') for k in C_SIZEOF),
                                         key=len, reverse=True)))


def c_ternary(s):
    """A C expression of numbers and operators with `c ? a : b` written as
    Python's conditional expression (right-associative, lowest precedence,
    as in C); ValueError when a `?` has no `:`."""
    out, i = [], 0
    while i < len(s):
        if s[i] == '(':
            j = match_close(s, i, '(', ')')
            if j < 0:
                raise ValueError(s)
            out.append('(' + c_ternary(s[i + 1:j]) + ')')
            i = j + 1
        else:
            out.append(s[i])
            i += 1
    s = ''.join(out)
    q = s.find('?')
    if q < 0:
        return s
    depth = nest = 0
    for k in range(q + 1, len(s)):
        c = s[k]
        if c == '(':
            depth += 1
        elif c == ')':
            depth -= 1
        elif depth == 0 and c == '?':
            nest += 1
        elif depth == 0 and c == ':':
            if nest == 0:
                break
            nest -= 1
    else:
        raise ValueError(s)
    return '((%s) if (%s) else (%s))' % (c_ternary(s[q + 1:k]), s[:q],
                                        c_ternary(s[k + 1:]))


def eval_num(expr, lookup, depth=0):
    """Evaluate a C integer constant expression; lookup(name)->int|None.
    Knows sizeof of scalar types (LP64), IS_ENABLED(CONFIG_X) (looked up
    as CONFIG_X), the unsigned all-ones ~0U/~0UL, comparisons and `?:`
    (PID_MAX_LIMIT: `CONFIG_BASE_SMALL ? PAGE_SIZE * 8 : (sizeof(long) >
    4 ? 4 * 1024 * 1024 : PID_MAX_DEFAULT)`)."""
    if expr is None or depth > 8:
        return None
    e = expr.strip()
    e = SIZEOF_RE.sub(lambda m: str(C_SIZEOF[' '.join(m.group(1).split())]), e)
    e = re.sub(r'\bIS_ENABLED\s*\(\s*(CONFIG_\w+)\s*\)', r'\1', e)
    # all ones of an unsigned type: a cast of ~0 (`(u32)~0`), or ~0U/~0UL
    for types, ones in ((r'u8|unsigned\s+char', 2**8 - 1),
                        (r'u16|unsigned\s+short', 2**16 - 1),
                        (r'u32|__u32|unsigned\s+int|unsigned|gid_t|uid_t', 2**32 - 1),
                        (r'u64|unsigned\s+long(?:\s+long)?|size_t', 2**64 - 1)):
        e = re.sub(r'\(\s*(?:%s)\s*\)\s*~\s*0+[uUlL]*\b' % types, str(ones), e)
    e = re.sub(r'~\s*0+(?:[uU][lL]{1,2}|[lL]{1,2}[uU])\b', str(2**64 - 1), e)
    e = re.sub(r'~\s*0+[uU]\b', str(2**32 - 1), e)
    e = re.sub(r'\(\s*(?:const\s+)?(?:unsigned\s+)?(?:int|long|long\s+long|u8|u16|u32|u64|s32|s64|__u32|size_t|unsigned|gid_t|uid_t|pid_t)\s*\)', '', e)
    e = re.sub(r'\b(0[xX][0-9a-fA-F]+|\d+)(?:[uU]?[lL]{0,2}|[lL]{1,2}[uU]?)\b', r'\1', e)
    def rep(m):
        name = m.group(0)
        if re.match(r'0[xX]', name):
            return name
        v = lookup(name, depth + 1)
        if v is None:
            raise KeyError(name)
        return '(%d)' % v
    try:
        e2 = re.sub(r'\b[A-Za-z_]\w*\b', rep, e)
    except KeyError:
        return None
    if not re.fullmatch(r'[\s\d()+\-*/%<>=!|&~^?:xXa-fA-F]*', e2):
        return None
    if re.search(r'&&|\|\||![^=]|[^<>=!]=[^=]', e2):
        return None  # logical operators and assignment: not evaluated
    e2 = e2.replace('/', '//').replace('////', '//')
    try:
        e2 = c_ternary(e2)
        v = eval(e2, {'__builtins__': {}})
    except Exception:
        return None
    return int(v) if isinstance(v, (int, float, bool)) else None


# ----------------------------------------------------------------------------
# Handler knowledge

HANDLER_TYPE = {
    'proc_dointvec': 'int', 'proc_dointvec_minmax': 'int', 'proc_dointvec_jiffies': 'int',
    'proc_dointvec_userhz_jiffies': 'int', 'proc_dointvec_ms_jiffies': 'int',
    'proc_dointvec_ms_jiffies_minmax': 'int', 'proc_dointvec_minmax_warn_RT_change': 'int',
    'proc_douintvec': 'unsigned int', 'proc_douintvec_minmax': 'unsigned int',
    'proc_dou8vec_minmax': 'u8', 'proc_dobool': 'bool',
    'proc_doulongvec_minmax': 'unsigned long', 'proc_doulongvec_ms_jiffies_minmax': 'unsigned long',
    'proc_dostring': 'string', 'proc_do_large_bitmap': 'bitmap (list of ranges)',
    'proc_do_static_key': 'int (static key 0/1)', 'proc_dointvec_minmax_coredump': 'int',
    'proc_dostring_coredump': 'string', 'proc_dointvec_minmax_sysadmin': 'int',
    'proc_do_uuid': 'string (uuid)', 'proc_do_rointvec': 'int', 'proc_taint': 'unsigned long',
    'proc_dopipe_max_size': 'unsigned int', 'proc_do_cad_pid': 'int',
    'proc_dointvec_minmax_bpf_enable': 'int', 'proc_dointvec_minmax_bpf_restricted': 'int',
    'proc_do_dev_weight': 'int', 'proc_do_rss_key': 'string (hex)',
    'proc_dohung_task_timeout_secs': 'unsigned long', 'proc_watchdog_cpumask': 'bitmap (cpu list)',
    'proc_do_cad_pid': 'int', 'proc_soft_watchdog': 'int', 'proc_nmi_watchdog': 'int',
    'proc_watchdog': 'int', 'proc_watchdog_thresh': 'int', 'proc_dointvec_ms_jiffies_minmax': 'int',
    'proc_douintvec_conv': 'unsigned int', 'proc_do_sync_threshold': 'int',
    'proc_allowed_congestion_control': 'string', 'proc_tcp_congestion_control': 'string',
    'proc_tcp_available_congestion_control': 'string', 'proc_tcp_fastopen_key': 'string (hex keys)',
    'proc_tcp_available_ulp': 'string',
    'proc_do_cad_pid': 'int',
    'sysrq_sysctl_handler': 'int', 'proc_cap_handler': 'unsigned int',
    'devinet_conf_proc': 'int', 'devinet_sysctl_forward': 'int', 'ipv4_doint_and_flush': 'int',
    'addrconf_sysctl_stable_secret': 'string (ipv6 addr)',
    'proc_do_uts_string': 'string', 'proc_ipc_dointvec_minmax': 'int',
    'proc_ipc_doulongvec_minmax': 'unsigned long', 'proc_ipc_dointvec_minmax_orphans': 'int',
    'proc_ipc_auto_msgmni': 'int', 'proc_ipc_sem_dointvec': 'int',
    'proc_mq_dointvec': 'int', 'proc_mq_dointvec_minmax': 'int',
    'neigh_proc_dointvec': 'int', 'neigh_proc_dointvec_jiffies': 'int',
    'neigh_proc_dointvec_ms_jiffies': 'int', 'neigh_proc_dointvec_userhz_jiffies': 'int',
    'neigh_proc_dointvec_zero_intmax': 'int', 'neigh_proc_dointvec_ms_jiffies_positive': 'int',
    'neigh_proc_dointvec_unres_qlen': 'int', 'neigh_proc_base_reachable_time': 'int',
    'proc_do_cad_pid': 'int', 'proc_dointvec_minmax_schedstats': 'int',
    # Handlers of their own whose values are read as these (issue 25: rows
    # with no type): the handler's body in the sources named.
    'sysctl_sys_info_handler': 'string (sys_info names)',   # lib/sys_info.c
    'seccomp_actions_logged_handler': 'string (action names)',  # kernel/seccomp.c
    'flow_limit_cpu_sysctl': 'bitmap (cpu mask)',  # cpumask_parse
    'rps_default_mask_sysctl': 'bitmap (cpu mask)',  # bitmap_parse
    'ipvs_proc_est_cpulist': 'bitmap (cpu list)',  # cpulist_parse
    'ipv4_sysctl_rtcache_flush': 'int',  # write-only: proc_dointvec on a local
    'rds_tcp_skbuf_handler': 'int',  # proc_dointvec_minmax
    'vsock_net_mode_string': 'string', 'vsock_net_child_mode_string': 'string',
    'proc_dodebug': 'unsigned int',  # net/sunrpc/sysctl.c: simple_strtol
    'read_reset_stat': 'int',  # svc_rdma counters: any write resets
    'proc_do_xprt': 'string',  # read-only list of transports
    'sysctl_compaction_handler': 'int',  # write-only trigger
    'hugetlb_sysctl_handler': 'unsigned long',  # proc_doulongvec_minmax
    'hugetlb_mempolicy_sysctl_handler': 'unsigned long',
    'hugetlb_overcommit_handler': 'unsigned long',
    'pdflush_proc_obsolete': 'int', 'vmstat_refresh': 'int',
    'dn_def_dev_handler': 'string', 'dn_node_address_handler': 'string',
}
MINMAX_HANDLERS = {
    'proc_dointvec_minmax', 'proc_douintvec_minmax', 'proc_dou8vec_minmax',
    'proc_doulongvec_minmax', 'proc_doulongvec_ms_jiffies_minmax',
    'proc_dointvec_ms_jiffies_minmax', 'proc_dointvec_minmax_coredump',
    'proc_dointvec_minmax_sysadmin', 'proc_ipc_dointvec_minmax', 'proc_mq_dointvec_minmax',
    'proc_ipc_doulongvec_minmax', 'proc_dointvec_minmax_bpf_enable',
    'proc_dointvec_minmax_bpf_restricted', 'proc_dointvec_minmax_warn_RT_change',
}
PROC_CALL_RE = re.compile(r'\b(proc_do\w+|proc_douintvec\w*|proc_dou8vec_minmax|neigh_proc_\w+)\s*\(')

REG_FUNCS = {
    # name: (net_arg_index|None, path_arg_index|None, table_arg_index, kind)
    'register_sysctl': (None, 0, 1, 'path'),
    'register_sysctl_sz': (None, 0, 1, 'path'),
    'register_sysctl_init': (None, 0, 1, 'path'),
    '__register_sysctl_init': (None, 0, 1, 'path'),
    'register_net_sysctl': (0, 1, 2, 'path'),
    'register_net_sysctl_sz': (0, 1, 2, 'path'),
    'register_sysctl_paths': (None, 0, 1, 'ctl_path'),
    '__register_sysctl_paths': (0, 1, 2, 'ctl_path'),
    'register_sysctl_table': (None, None, 0, 'root'),
    '__register_sysctl_table': (0, 1, 2, 'path'),
}
REG_RE = re.compile(r'\b(' + '|'.join(sorted(REG_FUNCS, key=len, reverse=True)) + r')\s*\(')
SKIP_REG_FILES = {'fs/proc/proc_sysctl.c', 'net/sysctl_net.c', 'include/linux/sysctl.h',
                  'include/net/net_namespace.h'}

TABLE_RE = re.compile(
    r'(?:\bstruct\s+|(?<![\w.>])(?<!struct )(?<!struct\t))ctl_table\s+(?:__\w+\s+)*(\w+)\s*\[\s*([^\]]*)\]\s*(?:__\w+(?:\([^)]*\))?\s*)*=\s*\{')
# old kernels (<=3.x): `typedef struct ctl_table ctl_table;` so `static ctl_table foo[] = {` is common
MEMBER_RE = re.compile(r'(?:\bstruct\s+|(?<![\w.>]))ctl_table\s+(\w+)\s*\[[^\]]*\]\s*;')
CTLPATH_RE = re.compile(r'\bstruct\s+ctl_path\s+(\w+)\s*\[\s*\]\s*(?:__\w+\s*)*=\s*\{')


TEST_FILE_RE = re.compile(r'^test_\w+\.c$|[-_](?:test|kunit)\.c$')


class Entry:
    __slots__ = ('fields', 'index', 'off', 'file', 'conds', 'table')


class Table:
    def __init__(self, name, f, off):
        self.name, self.file, self.off = name, f, off
        self.entries = []
        self.used = False
        self._cur_conds = ()


class Generator:
    def __init__(self, root, config=None):
        self.root = root
        self.files = {}
        self.tables = defaultdict(list)      # name -> [Table]
        self.ctl_paths = {}                  # (file, name) -> path
        self.regs = []
        self.stats = defaultdict(int)
        self.problems = []
        self.config = config
        self.kbuild = Kbuild(root)
        self.kconfig = parse_kconfig(root)
        self.sysctl_consts = {}
        self.global_vals = None
        self.hdr_macros = None
        self.version = self.read_version()
        self.load_sysctl_consts()

    def read_version(self):
        try:
            mk = open(os.path.join(self.root, 'Makefile')).read()
            g = lambda k: re.search(r'^%s\s*=\s*(\S*)' % k, mk, re.M).group(1)
            return '%s.%s.%s' % (g('VERSION'), g('PATCHLEVEL'), g('SUBLEVEL'))
        except Exception:
            return None

    def load_sysctl_consts(self):
        hdr = os.path.join(self.root, 'include/linux/sysctl.h')
        arrays = {}
        for rel in ('kernel/sysctl.c', 'fs/proc/proc_sysctl.c'):
            p = os.path.join(self.root, rel)
            if os.path.isfile(p):
                t = strip_comments(open(p, encoding='utf-8', errors='replace').read())
                for m in re.finditer(r'\b(sysctl_vals|sysctl_long_vals)\s*\[\s*\]\s*=\s*\{([^}]*)\}', t):
                    vals = [eval_num(x, self.const_lookup) for x in m.group(2).split(',') if x.strip()]
                    arrays[m.group(1)] = vals
        if os.path.isfile(hdr):
            t = strip_comments(open(hdr, encoding='utf-8', errors='replace').read())
            for m in re.finditer(r'#define\s+(SYSCTL_\w+)\s+(.*)', t):
                body = m.group(2)
                am = re.search(r'(sysctl_vals|sysctl_long_vals)\s*\[\s*(\d+)\s*\]', body)
                if am and am.group(1) in arrays:
                    idx = int(am.group(2))
                    if idx < len(arrays[am.group(1)]):
                        self.sysctl_consts[m.group(1)] = arrays[am.group(1)][idx]
                else:
                    v = eval_num(re.sub(r'\(\s*void\s*\*\s*\)', '', body), self.const_lookup)
                    if v is not None:
                        self.sysctl_consts[m.group(1)] = v
        # 6.x: SYSCTL_MAXOLDUID etc come from the array; make sure the basics exist
        for k, v in (('SYSCTL_ZERO', 0), ('SYSCTL_ONE', 1), ('SYSCTL_INT_MAX', 2**31 - 1)):
            self.sysctl_consts.setdefault(k, v)

    def const_lookup(self, name, depth=0):
        if name in BUILTIN_CONST:
            return BUILTIN_CONST[name]
        if name in CONFIG_CONST:
            return CONFIG_CONST[name]
        return None

    # -- file scanning -----------------------------------------------------
    def scan(self):
        for dp, dns, fns in os.walk(self.root):
            reld = os.path.relpath(dp, self.root)
            if reld.startswith(('tools', 'Documentation', 'scripts', 'samples', '.git')):
                dns[:] = []
                continue
            dns.sort()
            for fn in sorted(fns):
                if not (fn.endswith('.c') or (fn.endswith('.h') and not reld.startswith(('include', 'arch/x86/include')) and '/include' not in reld)):
                    continue
                # Test code registers keys no kernel a fleet runs has
                # (lib/test_sysctl.c's debug.test_sysctl.*, the KUnit
                # tests' foo.bar in kernel/sysctl-test.c).
                if TEST_FILE_RE.search(fn):
                    continue
                rel = os.path.normpath(os.path.join(reld, fn))
                try:
                    with open(os.path.join(dp, fn), 'rb') as fh:
                        data = fh.read()
                except OSError:
                    continue
                if b'ctl_table' not in data and b'register_sysctl' not in data and b'DECLARE_SYSCTL_BASE' not in data:
                    continue
                self.stats['files_with_ctl_table'] += 1
                f = SrcFile(self.root, rel)
                self.files[rel] = f
                self.parse_tables(f)
        for f in self.files.values():
            self.parse_regs(f)

    def local_header_macros(self, f):
        macros = {}
        for m in re.finditer(r'^\s*#\s*include\s+"([^"]+)"', open(os.path.join(self.root, f.rel), encoding='utf-8', errors='replace').read(), re.M):
            p = os.path.normpath(os.path.join(os.path.dirname(f.rel), m.group(1)))
            if os.path.isfile(os.path.join(self.root, p)) and p.endswith('.h'):
                try:
                    h = SrcFile(self.root, p)
                    macros.update(h.macros)
                except Exception:
                    pass
        return macros

    def parse_tables(self, f):
        code = f.code
        extra = None
        spans = []
        for m in TABLE_RE.finditer(code):
            spans.append((m.group(1), m.end() - 1, m.start()))
        for mm in MEMBER_RE.finditer(code):
            member = mm.group(1)
            for m in re.finditer(r'\.\s*%s\s*=\s*\{' % re.escape(member), code):
                spans.append((member, m.end() - 1, m.start()))
        for name, ob, start in spans:
            cb = match_close(code, ob)
            if cb < 0:
                continue
            if extra is None:
                extra = self.local_header_macros(f)
            t = Table(name, f, start)
            self.parse_entries(f, t, ob + 1, code[ob + 1:cb], extra)
            self.tables[name].append(t)
            self.stats['tables'] += 1
        for m in CTLPATH_RE.finditer(code):
            cb = match_close(code, m.end() - 1)
            body = code[m.end():cb]
            comps = re.findall(r'\.procname\s*=\s*"([^"]*)"', body)
            self.ctl_paths[(f.rel, m.group(1))] = '/'.join(comps)

    def parse_entries(self, f, t, base, body, extra, depth=0):
        for off, part in split_top(body):
            s = part.strip()
            if not s:
                continue
            lead = len(part) - len(part.lstrip())
            idx = None
            m = re.match(r'\[\s*([^\]]+)\]\s*=\s*', s)
            if m:
                idx = m.group(1).strip()
                s = s[m.end():]
            if s.startswith('{'):
                cb = match_close(s, 0)
                inner = s[1:cb]
                if not inner.strip():
                    continue
                fields = {}
                alts = defaultdict(list)
                ent_off = base + off + lead + m.end() if m else base + off + lead
                ent_conds = f.cond_at(ent_off) if depth == 0 else t._cur_conds
                for foff, fp in split_top(inner):
                    fm = re.match(r'\s*\.\s*(\w+)\s*=\s*(.*)$', fp, re.S)
                    if fm:
                        val = ' '.join(fm.group(2).split())
                        fields[fm.group(1)] = val
                        fc = f.cond_at(ent_off + 1 + foff + len(fp) - len(fp.lstrip())) if depth == 0 else ent_conds
                        alts[fm.group(1)].append((val, tuple(c for c in fc if c not in ent_conds)))
                if not fields:
                    continue
                multi = [k for k, v in alts.items() if len(v) > 1]
                if multi and depth == 0:
                    # One variant per condition under which fields take
                    # other values (#ifdef X .extra1 = A, .extra2 = B
                    # #else .extra1 = C ...): every multi-valued field
                    # takes its value for that condition.
                    condsets = []
                    for k in multi:
                        for val, fc in alts[k]:
                            if fc not in condsets:
                                condsets.append(fc)
                    for fc in condsets:
                        e = Entry()
                        e.fields = dict(fields)
                        for k in multi:
                            pick = [v for v, c in alts[k] if c == fc]
                            e.fields[k] = pick[0] if pick else alts[k][0][0]
                        e.index, e.off, e.file, e.table = idx, ent_off, f, t
                        e.conds = tuple(ent_conds) + fc
                        if 'procname' in e.fields:
                            t.entries.append(e)
                    self.stats['entries_with_conditional_fields'] += 1
                    continue
                if 'procname' not in fields:
                    if depth == 0:
                        self.stats['entries_without_procname'] += 1
                    continue
                e = Entry()
                e.fields, e.index, e.off, e.file, e.table = fields, idx, base + off + lead, f, t
                e.conds = f.cond_at(e.off) if depth == 0 else t._cur_conds
                t.entries.append(e)
            elif re.match(r'[A-Za-z_]\w*\s*\(', s) and depth < 6:
                exp = f.expand(s, extra)
                if exp == s:
                    self.stats['unexpanded_macro_entries'] += 1
                    self.problems.append('unexpanded entry macro %s:%d %s' % (f.rel, f.lineno(base + off), s[:60]))
                    continue
                t._cur_conds = f.cond_at(base + off + lead)
                sub_t = Table(t.name, f, t.off)
                sub_t._cur_conds = t._cur_conds
                self.parse_entries(f, sub_t, base + off + lead, exp, extra, depth + 1)
                for e in sub_t.entries:
                    e.off = base + off + lead
                    e.conds = t._cur_conds
                    e.table = t
                    e.fields['_macro'] = s.split('(')[0].strip()
                    t.entries.append(e)
                self.stats['macro_entries_expanded'] += len(sub_t.entries)
            else:
                if s not in ('NULL', '0'):
                    self.problems.append('unparsed table element %s:%d %s' % (f.rel, f.lineno(base + off), s[:60]))

    # -- registrations -------------------------------------------------------
    def parse_regs(self, f):
        if f.rel in SKIP_REG_FILES:
            return
        code = f.code
        for m in REG_RE.finditer(code):
            fn = m.group(1)
            # skip declarations/definitions (preceded by a type)
            pre = code[max(0, m.start() - 40):m.start()]
            if re.search(r'(struct\s+ctl_table_header\s*\*|\bint|\bvoid)\s*$', pre):
                continue
            ob = m.end() - 1
            cb = match_close(code, ob, '(', ')')
            if cb < 0:
                continue
            args = [a.strip() for _, a in split_top(code[ob + 1:cb])]
            neti, pathi, tabi, kind = REG_FUNCS[fn]
            if tabi >= len(args):
                continue
            self.regs.append(dict(func=fn, file=f, off=m.start(), args=args,
                                  net=args[neti] if neti is not None and neti < len(args) else None,
                                  path=args[pathi] if pathi is not None and pathi < len(args) else None,
                                  table=args[tabi], kind=kind))
        for m in re.finditer(r'\bDECLARE_SYSCTL_BASE\s*\(\s*(\w+)\s*,\s*(\w+)\s*\)', code):
            self.regs.append(dict(func='DECLARE_SYSCTL_BASE', file=f, off=m.start(), args=[m.group(1), m.group(2)],
                                  net=None, path='"%s"' % m.group(1), table=m.group(2), kind='path'))
        for m in re.finditer(r'\bregister_sysctl_mount_point\s*\(\s*"([^"]*)"', code):
            self.stats['mount_points'] += 1
            self.mounts = getattr(self, 'mounts', [])
            self.mounts.append((m.group(1), f.rel, f.lineno(m.start())))

    def find_table(self, name, f):
        cands = self.tables.get(name, [])
        same = [t for t in cands if t.file is f]
        if same:
            return same
        if len(cands) >= 1:
            # prefer same directory
            d = os.path.dirname(f.rel)
            sd = [t for t in cands if os.path.dirname(t.file.rel) == d]
            return sd or cands[:1]
        return []

    def resolve_table_arg(self, arg, f, off, depth=0):
        """-> list of Table."""
        a = re.sub(r'\(\s*(?:const\s+)?(?:struct\s+)?ctl_table\s*\*\s*\)', '', arg).strip().lstrip('&').strip()
        ids = re.findall(r'[A-Za-z_]\w*', a)
        if not ids:
            return []
        last = ids[-1]
        t = self.find_table(last, f)
        if t:
            return t
        # local variable: look at assignments in the enclosing function (then file)
        fun = f.func_at(off)
        scopes = []
        if fun:
            scopes.append(f.code[fun[2]:off])
        scopes.append(f.code)
        pat = re.compile(r'(?:\b|->|\.)%s\s*=\s*([^;]+);' % re.escape(last))
        for sc in scopes:
            found = []
            for am in pat.finditer(sc):
                rhs = am.group(1)
                km = re.search(r'\bkmemdup(?:_array)?\s*\(\s*&?\s*([\w.>-]+)', rhs)
                cand = None
                if km:
                    cand = km.group(1)
                else:
                    cm = re.match(r'\s*(?:\(\s*(?:struct\s+)?ctl_table\s*\*\s*\))?\s*&?\s*([A-Za-z_][\w.>-]*)\s*(\(.*\))?\s*$', rhs, re.S)
                    if cm:
                        cand = cm.group(1)
                        if cm.group(2) and depth < 2:
                            res = self.resolve_func_table(cand, f, depth)
                            if res:
                                found.extend(res)
                            continue
                if cand:
                    cid = re.findall(r'[A-Za-z_]\w*', cand)
                    if cid and cid[-1] != last:
                        tt = self.find_table(cid[-1], f)
                        if tt:
                            found.extend(tt)
                        elif depth < 3:
                            found.extend(self.resolve_table_arg(cid[-1], f, off, depth + 1))
            if found:
                uniq = []
                for x in found:
                    if x not in uniq:
                        uniq.append(x)
                return uniq
        return []

    def resolve_func_table(self, fname, f, depth):
        """Table returned by a helper function (e.g. ipv6_route_sysctl_init)."""
        for ff in [f] + [x for x in self.files.values() if x is not f]:
            for fun in ff.functions():
                if fun[0] == fname:
                    body = ff.code[fun[2]:fun[3]]
                    km = re.search(r'\bkmemdup(?:_array)?\s*\(\s*&?\s*(\w+)', body)
                    if km:
                        return self.find_table(km.group(1), ff)
                    rm = re.search(r'\breturn\s+&?(\w+)\s*;', body)
                    if rm:
                        return self.find_table(rm.group(1), ff)
                    return []
        return []

    def resolve_path_arg(self, arg, f, off):
        """-> (list of (path_template, instances or None), note)."""
        if arg is None:
            return [('', None)], None
        s = c_string(arg)
        if s is not None:
            return [(s, None)], None
        exp = f.expand(arg)
        s = c_string(exp)
        if s is not None:
            return [(s, None)], None
        ids = re.findall(r'[A-Za-z_]\w*', arg)
        if not ids:
            return [], 'unresolved path %s' % arg
        v = ids[-1]
        fun = f.func_at(off)
        scope = f.code[fun[2]:off] if fun else f.code[:off]
        pm = None
        for pm in re.finditer(r'\b(?:snprintf|sprintf|scnprintf)\s*\(\s*%s\s*,' % re.escape(v), scope):
            pass
        fmt_args = None
        if pm:
            cb = match_close(scope, scope.find('(', pm.start()), '(', ')')
            a = [x.strip() for _, x in split_top(scope[scope.find('(', pm.start()) + 1:cb])]
            fi = 1 if 'sprintf' == pm.group(0).split('(')[0].strip() else 2
            fmt_args = a[fi:]
        else:
            for pm in re.finditer(r'\b%s\s*=\s*kasprintf\s*\(' % re.escape(v), scope):
                pass
            if pm:
                ob = pm.end() - 1
                cb = match_close(scope, ob, '(', ')')
                a = [x.strip() for _, x in split_top(scope[ob + 1:cb])]
                fmt_args = a[1:]
        if fmt_args:
            fmt = c_string(f.expand(fmt_args[0]))
            if fmt is None:
                return [], 'unresolved path format %s' % fmt_args[0]
            vals = fmt_args[1:]
            k = [0]
            def rep(m):
                i = k[0]
                k[0] += 1
                val = vals[i] if i < len(vals) else ''
                lit = c_string(val)
                if lit is not None:
                    return lit
                return '<%s>' % placeholder_name(fmt, m.start(), val)
            path = re.sub(r'%[-\d.]*[sdiu]', rep, fmt)
            return [(path, None)], 'path from printf format "%s"' % fmt
        # function parameter: look at callers in this file
        if fun and re.search(r'\b%s\b' % re.escape(v), fun[1]):
            params = [p.strip() for p in fun[1].split(',')]
            pidx = [i for i, p in enumerate(params) if re.search(r'\b%s$' % re.escape(v), p)]
            out = []
            if pidx:
                for cm in re.finditer(r'\b%s\s*\(' % re.escape(fun[0]), f.code):
                    if fun[2] <= cm.start() <= fun[3]:
                        continue
                    ob = cm.end() - 1
                    cb = match_close(f.code, ob, '(', ')')
                    ca = [x.strip() for _, x in split_top(f.code[ob + 1:cb])]
                    if pidx[0] < len(ca):
                        lit = c_string(ca[pidx[0]])
                        if lit is not None:
                            out.append((lit, None))
            if out:
                return out, 'path from callers of %s' % fun[0]
        return [], 'unresolved path variable %s' % v

    # -- numbers -------------------------------------------------------------
    def build_global_vals(self):
        self.global_vals = defaultdict(list)
        for f in self.files.values():
            for name, v in self.file_vars(f).items():
                if v[0] == 'scalar' and v[3] is not None:
                    self.global_vals[name].append((f, v[3]))
            continue
            for m in re.finditer(r'^\s*(?:static\s+)?(?:const\s+)?(?:__read_mostly\s+)?(?:unsigned\s+)?(?:int|long|long long|u8|u16|u32|u64|s32|s64|__u32|size_t|unsigned|short)\s+(?:__read_mostly\s+|__maybe_unused\s+)?(\w+)\s*(?:__read_mostly\s*|__maybe_unused\s*)?=\s*([^;{]+);', f.code, re.M):
                self.global_vals[m.group(1)].append((f, m.group(2)))

    def tree_var(self, var):
        """Non-static scalar definition anywhere in core dirs (lazy index)."""
        if not hasattr(self, '_tree_vars'):
            self._tree_vars = defaultdict(list)
            rx = re.compile(rb'^(?:const\s+)?(?:unsigned\s+)?(?:int|long|long long|u32|u64|s32|size_t|unsigned)\s+(?:__read_mostly\s+)?(\w+)\s*(?:__read_mostly\s*)?=\s*([^;{\n]+);', re.M)
            for top in ('kernel', 'mm', 'fs', 'net', 'ipc', 'security', 'init', 'lib', 'drivers/char', 'drivers/tty', 'block', 'arch/x86'):
                for dp, dns, fns in os.walk(os.path.join(self.root, top)):
                    for fn in fns:
                        if fn.endswith('.c'):
                            rel = os.path.relpath(os.path.join(dp, fn), self.root)
                            try:
                                data = open(os.path.join(dp, fn), 'rb').read()
                            except OSError:
                                continue
                            for m in rx.finditer(data):
                                self._tree_vars[m.group(1).decode()].append((rel, m.group(2).decode('utf-8', 'replace')))
        out = []
        for rel, expr in self._tree_vars.get(var, [])[:1]:
            ff = self.files.get(rel)
            if ff is None:
                try:
                    ff = SrcFile(self.root, rel)
                except Exception:
                    continue
            out.append((ff, expr))
        return out

    def header_macro(self, name):
        if self.hdr_macros is None:
            self.hdr_macros = {}
            hdrs = []
            for top in ('include', 'arch/x86/include'):
                for dp, dns, fns in os.walk(os.path.join(self.root, top)):
                    dns.sort()
                    hdrs.extend(os.path.join(dp, fn) for fn in sorted(fns))
            for hp in hdrs:
                p, fn = os.path.split(hp)
                if True:
                    if not fn.endswith('.h'):
                        continue
                    try:
                        txt = open(os.path.join(p, fn), encoding='utf-8', errors='replace').read()
                    except OSError:
                        continue
                    # a definition continued over lines (PID_MAX_LIMIT)
                    txt = re.sub(r'\\[ \t]*\n', ' ', txt)
                    for m in re.finditer(r'^[ \t]*#[ \t]*define[ \t]+([A-Z_][A-Z0-9_]*)[ \t]+([^\n\\]+)$', txt, re.M):
                        body = re.sub(r'/\*.*?\*/', '', m.group(2)).split('//')[0].strip()
                        if body and m.group(1) not in self.hdr_macros:
                            self.hdr_macros[m.group(1)] = body
        return self.hdr_macros.get(name)

    def config_value(self, opt):
        """CONFIG_<opt> as C code sees it: 1 when set (y or m), its number,
        0 when unset; None without a config (a kernel.org tree: unknown)."""
        if self.config is None:
            return None
        v = self.config.get(opt)
        if v in (None, 'n'):
            return 0
        if v in ('y', 'm'):
            return 1
        try:
            return int(v, 0)
        except ValueError:
            return None

    def num_lookup_for(self, f):
        def lookup(name, depth=0):
            if depth > 8:
                return None
            if name.startswith('CONFIG_'):
                return self.config_value(name[7:])
            v = self.const_lookup(name)
            if v is not None:
                return v
            if name in self.sysctl_consts:
                return self.sysctl_consts[name]
            mac = f.macros.get(name)
            if mac is None:
                if not hasattr(f, '_hdrm'):
                    f._hdrm = self.local_header_macros(f)
                mac = f._hdrm.get(name)
            if mac and mac[0] is None:
                return eval_num(mac[1], lookup, depth + 1)
            hb = self.header_macro(name)
            if hb:
                return eval_num(hb, lookup, depth + 1)
            # enum constants in the same file
            em = re.search(r'\b%s\s*=\s*([^,}\n]+)[,}\n]' % re.escape(name), f.code)
            if em and not re.search(r'[;(]', em.group(1)):
                return eval_num(em.group(1), lookup, depth + 1)
            return None
        return lookup

    DECL_RE = re.compile(r'^[ \t]*((?:(?:static|const|__read_mostly|volatile|extern)\s+)*)((?:unsigned\s+|signed\s+)?(?:int|long\s+long|long|u8|u16|u32|u64|s8|s16|s32|s64|__u32|__s32|size_t|unsigned|short|char|bool|kuid_t|kgid_t|time64_t|u_int32_t|int32_t|uint32_t|__kernel_ulong_t))\s+([^;(){}]*(?:\{[^;{}]*\}[^;(){}]*)*);', re.M)

    def file_vars(self, f):
        fv = getattr(f, '_vars', None)
        if fv is not None:
            return fv
        fv = {}
        for m in self.DECL_RE.finditer(f.code):
            quals, typ, decls = m.group(1), m.group(2), m.group(3)
            if 'extern' in quals:
                continue
            for _, d in split_top(decls):
                d = d.strip()
                dm = re.match(r'(?:__read_mostly\s+|__maybe_unused\s+)*(\w+)\s*(\[[^\]]*\])?\s*(?:__read_mostly\s*|__maybe_unused\s*|__ro_after_init\s*)*(?:=\s*(.*))?$', d, re.S)
                if not dm:
                    continue
                name, arr, init = dm.group(1), dm.group(2), dm.group(3)
                if name in fv:
                    continue
                if arr is not None:
                    items = None
                    if init and init.strip().startswith('{'):
                        items = [x for _, x in split_top(init.strip()[1:match_close(init.strip(), 0)])]
                    fv[name] = ('array', typ, arr[1:-1].strip(), items)
                else:
                    fv[name] = ('scalar', typ, None, init.strip() if init else ('0' if 'static' in quals or m.start() == 0 or f.code[m.start()-1] == '\n' else None))
        f._vars = fv
        return fv

    WDECL = r'(?:static|const|extern|unsigned|signed|int|long|short|char|bool|u8|u16|u32|u64|s8|s16|s32|s64|size_t)'

    def written(self, var, f):
        """Whether F's code assigns the file's VAR besides its definition:
        a bound raised at boot (3.10's sysctl_nr_open_max, "raised later";
        pid_max_min, scaled by the CPUs in pid_idr_init) is no constant.
        Declarations (`static int zero = 0, u8_max = 0xFF;`) and a
        function's own local or parameter of that name do not count.
        Memoised per file: every entry bounded by VAR asks again."""
        memo = f.__dict__.setdefault('_written', {})
        if var not in memo:
            memo[var] = self._written(var, f)
        return memo[var]

    def _written(self, var, f):
        code = f.code
        for m in re.finditer(r'(?<![\w.>&])%s\s*(?:[-+*/|&^]|<<|>>)?=(?!=)' % re.escape(var), code):
            stmt = code[max(code.rfind(';', 0, m.start()), code.rfind('{', 0, m.start()),
                            code.rfind('}', 0, m.start())) + 1:m.start()]
            if re.match(r'\s*%s\b' % self.WDECL, stmt):
                continue  # a declaration
            fn = f.func_at(m.start())
            if fn:
                own = fn[1] + ')' + code[fn[2]:fn[3]]
                if re.search(r'\b%s\s+(?:%s\s+)*\**\s*%s\b\s*(?:[=;,)\[])' % (self.WDECL, self.WDECL, re.escape(var)), own):
                    continue  # the function's own variable
            return True
        return False

    def resolve_bound(self, expr, f):
        """extra1/extra2 expression -> (value|None, note)."""
        if expr is None:
            return None, None
        e = expr.strip()
        e = re.sub(r'^\(\s*(?:const\s+)?(?:void|int|unsigned\s+int|long|unsigned\s+long|u8|u32|u64)\s*\*\s*\)\s*', '', e)
        e = e.strip()
        if e.startswith('(') and e.endswith(')') and match_close(e, 0, '(', ')') == len(e) - 1:
            e = e[1:-1].strip()
        if e in self.sysctl_consts:
            return self.sysctl_consts[e], e
        m = re.fullmatch(r'&\s*(\w+)(?:\s*\[\s*(\w+)\s*\])?', e)
        if m:
            var, idx = m.group(1), m.group(2)
            lookup = self.num_lookup_for(f)
            fv = self.file_vars(f).get(var)
            if fv and fv[0] == 'array' and idx is None:
                if fv[3]:
                    return eval_num(fv[3][0], lookup), '%s[0] = %s' % (var, fv[3][0].strip())
                return 0, '%s[] (static, zero-initialised)' % var
            if idx is None and self.written(var, f):
                return None, '%s is changed at run time' % var
            if fv and fv[0] == 'scalar' and idx is None and fv[3] is not None:
                return eval_num(fv[3], lookup), '%s = %s' % (var, fv[3])
            if fv and fv[0] == 'array' and idx is not None and fv[3]:
                i = eval_num(idx, lookup)
                if i is not None and i < len(fv[3]):
                    return eval_num(fv[3][i], lookup), '%s[%s] = %s' % (var, idx, fv[3][i].strip())
            if idx is None:
                mm = re.search(r'(?:^|[\s;])(?:static\s+)?(?:const\s+)?(?:__read_mostly\s+)?(?:unsigned\s+)?(?:int|long|long long|u8|u16|u32|u64|s32|s64|__u32|size_t|unsigned|short)\s+(?:__read_mostly\s+)?%s\s*(?:__read_mostly\s*)?=\s*([^;{]+);' % re.escape(var), f.code)
                if mm:
                    v = eval_num(mm.group(1), lookup)
                    return v, '%s = %s' % (var, mm.group(1).strip())
                if self.global_vals is None:
                    self.build_global_vals()
                cands = self.global_vals.get(var, []) or self.tree_var(var)
                if len(cands) >= 1:
                    gf, gexpr = cands[0]
                    if gf is not f and self.written(var, gf):
                        return None, '%s is changed at run time (%s)' % (var, gf.rel)
                    v = eval_num(gexpr, self.num_lookup_for(gf))
                    return v, '%s = %s (%s)' % (var, gexpr.strip(), gf.rel)
                return None, 'unresolved variable %s' % var
            mm = re.search(r'\b%s\s*\[[^\]]*\]\s*(?:__read_mostly\s*)?=\s*\{([^}]*)\}' % re.escape(var), f.code)
            if mm:
                items = [x for _, x in split_top(mm.group(1))]
                i = eval_num(idx, lookup)
                if i is not None and i < len(items):
                    return eval_num(items[i], lookup), '%s[%s] = %s' % (var, idx, items[i].strip())
            return None, 'unresolved %s' % e
        return None, 'non-constant %s' % e

    def handler_body(self, h, f):
        for ff in [f] + [x for x in self.files.values() if x is not f]:
            for fun in ff.functions():
                if fun[0] == h:
                    return ff, ff.code[fun[2]:fun[3]]
        return None, None

    def tmp_table(self, h, f):
        """Custom handler that calls the proc_do* on a table of its own:
        `struct ctl_table tmp = {...}` (ipv4_ping_group_range) or `tmp =
        *ctl` then `tmp.extra1 = ...;` (neigh_proc_dointvec_zero_intmax).
        Its fields (the assignments after the copy), file and body."""
        ff, body = self.handler_body(h, f)
        if not body:
            return None
        m = re.search(r'(?:struct\s+)?\bctl_table\s+(\w+)\s*=\s*(\{|\*\s*\w+\s*;)', body)
        if not m:
            return None
        flds = {}
        if m.group(2) == '{':
            cb = match_close(body, m.end() - 1)
            for _, fp in split_top(body[m.end():cb]):
                fm = re.match(r'\s*\.\s*(\w+)\s*=\s*(.*)$', fp, re.S)
                if fm:
                    flds[fm.group(1)] = ' '.join(fm.group(2).split())
        for am in re.finditer(r'\b%s\s*\.\s*(\w+)\s*=\s*([^;=][^;]*);' % re.escape(m.group(1)), body):
            flds[am.group(1)] = ' '.join(am.group(2).split())
        return ff, body, flds

    def handler_base(self, h, f):
        """Custom handler -> the proc_do* it delegates to (itself for the
        proc_do* family and a typed handler that calls none; None when
        unknown)."""
        if h in HANDLER_TYPE and (h in MINMAX_HANDLERS or h.startswith('proc_do')):
            return h
        for ff in [f] + [x for x in self.files.values() if x is not f]:
            for fun in ff.functions():
                if fun[0] == h:
                    body = ff.code[fun[2]:fun[3]]
                    m = PROC_CALL_RE.search(body)
                    if m and m.group(1) != h:
                        return m.group(1)
        return h if h in HANDLER_TYPE else None

    def vec_len(self, maxlen, data, f, elsize_hint):
        if not maxlen:
            return None, None
        ml = maxlen.strip()
        lookup = self.num_lookup_for(f)
        m = re.fullmatch(r'(?:\(\s*)?(\w+)\s*\*\s*sizeof\s*\(\s*([^)]*)\)\s*\)?|sizeof\s*\(\s*([^)]*)\)\s*\*\s*(\w+)', ml)
        if m:
            n = m.group(1) or m.group(4)
            v = eval_num(n, lookup)
            return v, None
        m = re.fullmatch(r'sizeof\s*\(?\s*([^()]*?)\s*\)?', ml)
        if m:
            what = m.group(1).strip()
            if re.fullmatch(r'(?:unsigned\s+)?(?:int|long|u8|u16|u32|u64|s32|s64|bool|char|short|unsigned|__u32|u_int32_t)', what):
                return 1, None
            last = re.findall(r'\w+', what)
            if not last:
                return None, None
            nm = last[-1]
            fv = self.file_vars(f).get(nm) if len(last) == 1 else None
            if fv:
                if fv[0] == 'scalar':
                    return 1, None
                v = eval_num(fv[2], lookup) if fv[2] else (len(fv[3]) if fv[3] else None)
                return v, 'array %s[%s]' % (nm, fv[2])
            # look for an array declaration of that name: in the file, the
            # netns structs, or a header's extern (sysctl_tcp_mem[3] in
            # include/net/tcp.h, defined in tcp.c)
            for text in (f.code, self.netns_headers(), self.extern_arrays()):
                dm = re.search(r'\b(?:int|unsigned\s+int|u32|long|unsigned\s+long|u8|s32|kuid_t|kgid_t|char|__u32|unsigned)\s+%s\s*\[\s*([^\]]+)\]' % re.escape(nm), text)
                if dm:
                    v = eval_num(dm.group(1), lookup)
                    return v, 'array %s[%s]' % (nm, dm.group(1))
            return 1, 'sizeof(%s)' % what
        v = eval_num(ml, lookup)
        if v is not None and elsize_hint:
            return max(1, v // elsize_hint), None
        return None, None

    def extern_arrays(self):
        """The extern array declarations of include/net and include/linux."""
        if not hasattr(self, '_extern_arrays'):
            parts = []
            for d in ('include/net', 'include/linux'):
                p = os.path.join(self.root, d)
                if not os.path.isdir(p):
                    continue
                for fn in sorted(os.listdir(p)):
                    if not fn.endswith('.h'):
                        continue
                    try:
                        t = open(os.path.join(p, fn), encoding='utf-8', errors='replace').read()
                    except OSError:
                        continue
                    parts.extend(re.findall(r'^\s*extern\s+[^;(]*\[[^\]]+\]\s*;', t, re.M))
            self._extern_arrays = '\n'.join(parts)
        return self._extern_arrays

    def netns_headers(self):
        if not hasattr(self, '_netns_txt'):
            parts = []
            for d in ('include/net/netns',):
                p = os.path.join(self.root, d)
                if os.path.isdir(p):
                    for fn in sorted(os.listdir(p)):
                        parts.append(strip_comments(open(os.path.join(p, fn), encoding='utf-8', errors='replace').read()))
            self._netns_txt = '\n'.join(parts)
        return self._netns_txt

    # -- output --------------------------------------------------------------
    def walk(self, table, path, reg, out, conds_extra, depth=0, seen=None):
        seen = seen or set()
        if id(table) in seen or depth > 8:
            return
        seen = seen | {id(table)}
        table.used = True
        for e in table.entries:
            pn = e.fields.get('procname', '')
            pname = c_string(pn)
            if pname is None:
                exp = e.file.expand(pn)
                pname = c_string(exp)
            if pname is None and re.fullmatch(r'\w+', pn.strip()):
                # a constant string of the file:
                # static const char ipv4_route_flush_procname[] = "flush";
                cm = re.search(r'\bchar\s+%s\s*\[\s*\]\s*=\s*("[^"]*")\s*;'
                               % re.escape(pn.strip()), e.file.code)
                pname = c_string(cm.group(1)) if cm else None
            if pname is None:
                self.stats['procname_unresolved'] += 1
                pname = '<%s>' % pn
            child = e.fields.get('child')
            if child and child not in ('NULL', '0'):
                cts = self.find_table(re.sub(r'[&()]', '', child).strip(), e.file)
                if not cts:
                    self.problems.append('unresolved .child %s in %s:%d' % (child, e.file.rel, e.file.lineno(e.off)))
                for ct in cts:
                    self.walk(ct, (path + '/' if path else '') + pname, reg, out, conds_extra + list(e.conds), depth + 1, seen)
                continue
            out.append((e, (path + '/' if path else '') + pname, reg, conds_extra))

    def add_nf_ct_proto_regs(self):
        """<= 4.19: conntrack protocol tables are kmemdup'd into pn->ctl_table / pn->ctl_compat_table
        (in->ctl_table for the ipv4 l3proto) and registered by nf_ct_register_sysctl() in
        nf_conntrack_proto.c with the literal paths "net/netfilter" (l4 tables) and "net/ipv4/netfilter"
        (compat tables and l3proto_ipv4 ctl_table_path). Added as synthetic register_net_sysctl calls
        at the kmemdup site, so the #if stack of that site applies."""
        f0 = self.files.get('net/netfilter/nf_conntrack_proto.c')
        if not f0 or 'nf_ct_register_sysctl' not in f0.code:
            return
        for f in list(self.files.values()):
            for m in re.finditer(r'\b(\w+)->(ctl_table|ctl_compat_table)\s*=\s*kmemdup\s*\(\s*(\w+)', f.code):
                tab = m.group(3)
                if m.group(2) == 'ctl_compat_table' or 'l3proto' in f.rel:
                    path = '"net/ipv4/netfilter"'
                else:
                    path = '"net/netfilter"'
                self.stats['nf_ct_proto_synthetic_regs'] += 1
                self.regs.append(dict(func='register_net_sysctl', file=f, off=m.start(), args=['net', path, tab],
                                      net='net', path=path, table=tab, kind='path',
                                      synthetic='nf_ct_register_sysctl (net/netfilter/nf_conntrack_proto.c)'))

    def run(self):
        self.scan()
        self.add_nf_ct_proto_regs()
        leaves = []
        for r in self.regs:
            f = r['file']
            tabs = self.resolve_table_arg(r['table'], f, r['off'])
            if not tabs:
                self.stats['regs_table_unresolved'] += 1
                self.problems.append('unresolved table arg %s(%s) %s:%d' % (r['func'], r['table'], f.rel, f.lineno(r['off'])))
                continue
            if r['kind'] == 'ctl_path':
                nm = re.sub(r'[&()]', '', r['path'] or '').strip()
                p = self.ctl_paths.get((f.rel, nm))
                if p is None:
                    cands = [v for (ff, n), v in self.ctl_paths.items() if n == nm]
                    p = cands[0] if cands else None
                paths = [(p, None)] if p is not None else []
                note = None if paths else 'unresolved ctl_path %s' % nm
            else:
                paths, note = self.resolve_path_arg(r['path'], f, r['off'])
            if not paths:
                self.stats['regs_path_unresolved'] += 1
                self.problems.append('%s: %s(%s) %s:%d' % (note, r['func'], r['path'], f.rel, f.lineno(r['off'])))
                continue
            reg_conds = list(f.cond_at(r['off']))
            for t in tabs:
                for p, inst in paths:
                    rr = dict(r, path_resolved=p, path_note=note)
                    self.walk(t, p, rr, leaves, reg_conds)
            self.stats['regs_resolved'] += 1
        recs = []
        for e, path, reg, conds_extra in leaves:
            recs.extend(self.make_records(e, path, reg, conds_extra))
        recs.extend(self.special_records())
        # unreached tables
        for name, ts in self.tables.items():
            for t in ts:
                if not t.used and t.entries:
                    self.stats['tables_unregistered'] += 1
                    self.problems.append('table never reached: %s (%s:%d, %d entries)' % (name, t.file.rel, t.file.lineno(t.off), len(t.entries)))
        # dedupe (same key from same file/line)
        # (variants of one entry under #if alternatives share its line:
        # keep the one the config builds)
        uniq, seen = [], {}
        for r in recs:
            k = (r['key'], r['file'], r['line'])
            if k in seen:
                old = uniq[seen[k]]
                if (str(old.get('expected')).startswith('no') and
                        not str(r.get('expected')).startswith('no')):
                    uniq[seen[k]] = r
                continue
            seen[k] = len(uniq)
            uniq.append(r)
        return uniq

    SPECIAL = {
        ('net/ipv4/devinet.c', 'devinet_vars'): ('net/ipv4/conf/<iface>', ['all', 'default', '<iface>']),
        ('net/ipv6/addrconf.c', 'addrconf_sysctl'): ('net/ipv6/conf/<iface>', ['all', 'default', '<iface>']),
    }

    def make_records(self, e, path, reg, conds_extra):
        f = e.file
        out = []
        fl = e.fields
        instances = None
        for (sf, tn), (tmpl, inst) in self.SPECIAL.items():
            if f.rel == sf and e.table.name == tn:
                last = path.rsplit('/', 1)[-1]
                path = tmpl + '/' + last
                instances = inst
        if f.rel == 'net/core/neighbour.c' and e.table.name == 'neigh_vars':
            last = path.rsplit('/', 1)[-1]
            gc_only_default = e.index and re.search(r'GC_(INTERVAL|THRESH)', e.index)
            # 'default' = parms of the global arp_tbl/nd_tbl: registered in init_net only;
            # per-device directories exist in every netns. gc_* exist only under default.
            for fam in ('ipv4', 'ipv6'):
                r = self.record(e, 'net/%s/neigh/default/%s' % (fam, last), reg, conds_extra, None)
                r['per_netns'], r['namespace'] = False, 'init_net only (neigh table default parms)'
                out.append(r)
                if not gc_only_default:
                    out.append(self.record(e, 'net/%s/neigh/<iface>/%s' % (fam, last), reg, conds_extra, ['<iface>']))
            return out
        else:
            paths = [path]
        for p in paths:
            out.append(self.record(e, p, reg, conds_extra, instances))
        return out

    def record(self, e, path, reg, conds_extra, instances):
        f = e.file
        fl = e.fields
        h = fl.get('proc_handler', '').strip()
        h = re.sub(r'^&', '', h)
        base = self.handler_base(h, f) if h else None
        typ = (HANDLER_TYPE.get(h) or HANDLER_TYPE.get(base)) if base else None
        if typ is None and h:
            self.stats['type_unknown'] += 1
        elsize = {'int': 4, 'unsigned int': 4, 'u8': 1, 'unsigned long': 8, 'bool': 1}.get(typ)
        vlen, vnote = (None, None)
        if typ in ('int', 'unsigned int', 'u8', 'unsigned long', 'bool'):
            vlen, vnote = self.vec_len(fl.get('maxlen'), fl.get('data'), f, elsize)
            if vlen and vlen > 1:
                typ = 'vector of %d %s' % (vlen, typ)
        tmp = self.tmp_table(h, f) if (h and base and base != h) else None
        if tmp:
            tf, tbody, tfl = tmp
            mm = re.fullmatch(r'sizeof\s*\(?\s*(\w+)\s*\)?', tfl.get('maxlen', ''))
            if mm and typ in ('int', 'unsigned int', 'u8', 'unsigned long'):
                dm = re.search(r'\b(?:int|unsigned\s+int|u32|u8|unsigned\s+long|long|kgid_t|kuid_t|gid_t|uid_t)\s+%s\s*\[\s*(\d+)\s*\]' % re.escape(mm.group(1)), tbody)
                if dm and int(dm.group(1)) > 1:
                    typ = 'vector of %s %s' % (dm.group(1), typ)
                    vnote = 'handler %s copies into %s[%s]' % (h, mm.group(1), dm.group(1))
        maxlen_v = eval_num(re.sub(r'sizeof\s*\(\s*(?:unsigned\s+)?int\s*\)', '4', re.sub(r'sizeof\s*\(\s*(?:unsigned\s+)?long\s*\)', '8', fl.get('maxlen', ''))), self.num_lookup_for(f)) if fl.get('maxlen') else None
        if maxlen_v is None and elsize and vlen:
            maxlen_v = elsize * vlen
        if maxlen_v is None and typ == 'string' and fl.get('maxlen'):
            mm = re.fullmatch(r'sizeof\s*\(?\s*(\w+)\s*\)?', fl['maxlen'])
            if mm:
                dm = re.search(r'\bchar\s+%s\s*\[\s*([^\]]+)\]' % re.escape(mm.group(1)), f.code)
                if dm:
                    maxlen_v = eval_num(dm.group(1), self.num_lookup_for(f))
        mode_s = fl.get('mode', '').strip()
        mode = None
        mm = re.fullmatch(r'0?([0-7]{3,4})', mode_s)
        if mm:
            mode = int(mm.group(1), 8)
        elif mode_s:
            mode = eval_num(mode_s.replace('S_IRUGO', '0o444').replace('S_IWUSR', '0o200').replace('S_IRUSR', '0o400').replace('|', '|'), lambda n, d=0: None)
        access = None
        if mode is not None:
            r_, w_ = bool(mode & 0o444), bool(mode & 0o222)
            access = 'rw' if r_ and w_ else 'ro' if r_ else 'wo' if w_ else 'none'
        bounds = None
        mn = mx = mn_note = mx_note = None
        if base in MINMAX_HANDLERS or (base and 'minmax' in base):
            bounds = 'enforced' if h == base else 'via %s->%s' % (h, base)
            bf, e1, e2 = f, fl.get('extra1'), fl.get('extra2')
            if tmp and (tmp[2].get('extra1') or tmp[2].get('extra2')) and not (e1 or e2):
                bf, e1, e2 = tmp[0], tmp[2].get('extra1'), tmp[2].get('extra2')
                bounds = 'via %s (temporary ctl_table in handler)' % h
                fl = dict(fl, extra1=e1, extra2=e2)
            mn, mn_note = self.resolve_bound(e1, bf)
            mx, mx_note = self.resolve_bound(e2, bf)
            if fl.get('extra1') and mn is None:
                self.stats['bound_unresolved'] += 1
            if fl.get('extra2') and mx is None:
                self.stats['bound_unresolved'] += 1
            if f.rel in ('net/ipv4/devinet.c', 'net/core/neighbour.c') or (f.rel == 'net/ipv6/addrconf.c' and not fl.get('extra1') and not fl.get('extra2')):
                pass
        elif fl.get('extra1') or fl.get('extra2'):
            bounds = 'extra1/extra2 not used as min/max by handler (or unknown handler)'
        conds = []
        for c in list(conds_extra) + list(e.conds):
            if c not in conds:
                conds.append(c)
        kb = self.kbuild.resolve(f.rel)
        cfgs = []
        for c in conds:
            for cm in re.finditer(r'CONFIG_(\w+)', c):
                if cm.group(1) not in cfgs:
                    cfgs.append(cm.group(1))
        for c in kb['configs']:
            if c not in cfgs:
                cfgs.append(c)
        objcfg = kb['obj_config']
        mod_capable = bool(objcfg and self.kconfig.get(objcfg) == 'tristate')
        net = reg.get('net')
        ns = None
        if reg['func'] in ('register_net_sysctl', 'register_net_sysctl_sz'):
            ns = 'init_net only' if net and net.replace(' ', '') == '&init_net' else 'net'
        elif reg['func'] in ('__register_sysctl_table', '__register_sysctl_paths'):
            n = (net or '').lower()
            ns = 'ipc' if 'ipc' in n else 'user' if ('user' in n or f.rel == 'kernel/ucount.c') else 'net' if 'net' in n else 'mq' if 'mq' in n else 'set:' + (net or '')
            if f.rel.startswith('ipc/mq'):
                ns = 'ipc (mqueue)'
        # Before 6.1 the IPC keys were registered once, for every IPC
        # namespace: their handlers (proc_ipc_*, proc_mq_*) read and write
        # the current namespace's copy (get_ipc(), get_mq()).
        if ns is None and re.match(r'proc_(ipc|mq)_', h or ''):
            ns = 'ipc (mqueue)' if h.startswith('proc_mq_') else 'ipc'
        if ns == 'net' and self.init_only_branch(reg['file'], reg['off']):
            ns = 'init_net only (registered in a net_eq(net, &init_net) branch)'
        rt = []
        if e.index:
            for rm in re.finditer(r'\w+\s*\[\s*%s\s*\]\s*\.\s*(mode|procname)\s*=\s*([^;]+);' % re.escape(e.index), f.code):
                rt.append('%s = %s at %s:%d' % (rm.group(1), rm.group(2).strip(), f.rel, f.lineno(rm.start())))
        key = path.replace('/', '.')
        rec = {
            'key': key,
            'type': typ,
            'min': mn, 'max': mx,
            'extra1': fl.get('extra1'), 'extra2': fl.get('extra2'),
            'bounds': bounds, 'min_src': mn_note, 'max_src': mx_note,
            'maxlen': maxlen_v, 'maxlen_expr': fl.get('maxlen'),
            'mode': ('0%o' % mode) if mode is not None else mode_s or None, 'access': access,
            'handler': h or None, 'handler_base': base if base != h else None,
            'data': fl.get('data'),
            'file': f.rel, 'line': f.lineno(e.off), 'table': e.table.name,
            'macro': fl.get('_macro'),
            'register': '%s %s:%d' % (reg['func'], reg['file'].rel, reg['file'].lineno(reg['off'])) + (' [synthetic: kmemdup site; registered by %s]' % reg['synthetic'] if reg.get('synthetic') else ''),
            'path_note': reg.get('path_note'),
            'per_netns': (ns == 'net') if ns else False,
            'namespace': ns,
            'instances': instances,
            'runtime_changes': rt or None,
            'vector_note': vnote,
            'conds': conds or None,
            'configs': cfgs or None,
            'kbuild': kb['chain'] or None,
            'module': kb['module'] if mod_capable else None,
            'module_capable': mod_capable,
        }
        if self.config is not None:
            rec['expected'] = self.expected(conds, kb, f.rel)
        return rec

    def init_only_branch(self, f, off):
        """Is the call inside `if (net_eq(net, &init_net)) {` or the else of `if (!net_eq(...))`?"""
        code = f.code
        depth, i = 0, off
        fun = f.func_at(off)
        lo = fun[2] if fun else max(0, off - 3000)
        while i > lo:
            i -= 1
            c = code[i]
            if c == '}':
                depth += 1
            elif c == '{':
                if depth == 0:
                    head = code[max(lo, i - 300):i]
                    if re.search(r'\bif\s*\(\s*net_eq\s*\([^)]*init_net\s*\)\s*\)\s*$', head):
                        return True
                    em = re.search(r'\}\s*else\s*$', head)
                    if em:
                        # find the matching if
                        j = max(lo, i - 300) + em.start()
                        d2, k = 0, j + 1
                        while k > lo:
                            k -= 1
                            if code[k] == '}':
                                d2 += 1
                            elif code[k] == '{':
                                d2 -= 1
                                if d2 == 0:
                                    h2 = code[max(lo, k - 300):k]
                                    return bool(re.search(r'\bif\s*\(\s*!\s*net_eq\s*\([^)]*init_net\s*\)\s*\)\s*$', h2))
                        return False
                    return False
                depth -= 1
        return False

    def special_records(self):
        recs = []
        nfl = self.files.get('net/netfilter/nf_log.c')
        if nfl and 'nf_log_sysctl_fnames' in nfl.code:
            n = None
            try:
                t = strip_comments(open(os.path.join(self.root, 'include/uapi/linux/netfilter.h')).read())
                em = re.search(r'enum\s*\{([^}]*NFPROTO_NUMPROTO[^}]*)\}', t)
                vals = [int(x) for x in re.findall(r'NFPROTO_\w+\s*=\s*(\d+)', em.group(1))]
                n = max(vals) + 1
            except Exception:
                pass
            kb = self.kbuild.resolve('net/netfilter/nf_log.c')
            recs.append({'key': 'net.netfilter.nf_log.<proto>', 'type': 'string (logger name or NONE)', 'maxlen': None,
                         'mode': '0644', 'access': 'rw', 'handler': 'nf_log_proc_dostring', 'file': 'net/netfilter/nf_log.c',
                         'line': nfl.lineno(nfl.code.find('nf_log_sysctl_fnames')), 'table': 'nf_log_sysctl_table (built at run time)',
                         'register': 'register_net_sysctl(_sz) net/netfilter/nf_log.c', 'per_netns': True, 'namespace': 'net',
                         'instances': [str(i) for i in range(n)] if n else None,
                         'configs': kb['configs'] or None, 'kbuild': kb['chain'] or None,
                         'module': kb['module'] if self.kconfig.get(kb['obj_config']) == 'tristate' else None,
                         'module_capable': self.kconfig.get(kb['obj_config']) == 'tristate',
                         'note': 'one file per NFPROTO_* number 0..NFPROTO_NUMPROTO-1 (special-cased in gen.py)'})
            if self.config is not None:
                recs[-1]['expected'] = self.expected([], kb, 'net/netfilter/nf_log.c')
        # arm64's deprecated-instruction emulation registers one "abi" key
        # per emulated instruction at run time, named by the .name of each
        # struct insn_emulation (abi.swp, abi.cp15_barrier, abi.setend):
        # 0 undef, 1 emulate, 2 hardware (extra1/extra2 are per
        # instruction: not resolved).
        rel = 'arch/arm64/kernel/armv8_deprecated.c'
        try:
            code = strip_comments(open(os.path.join(self.root, rel),
                                       encoding='utf-8', errors='replace').read())
        except OSError:
            code = ''
        if 'register_sysctl' in code and 'emulation_proc_handler' in code:
            kb = self.kbuild.resolve(rel)
            for m in re.finditer(r'\.name\s*=\s*"(\w+)"', code):
                recs.append({'key': 'abi.' + m.group(1), 'type': 'int', 'maxlen': 'sizeof(int)',
                             'mode': '0644', 'access': 'rw', 'handler': 'emulation_proc_handler',
                             'file': rel, 'line': code[:m.start()].count('\n') + 1,
                             'table': 'insn->sysctl (built at run time)',
                             'register': 'register_sysctl(_sz)("abi") %s' % rel,
                             'per_netns': False, 'namespace': None,
                             'configs': kb['configs'] or None, 'kbuild': kb['chain'] or None,
                             'module': None, 'module_capable': False,
                             'note': 'one key per emulated instruction (special-cased in gen.py)'})
                if self.config is not None:
                    recs[-1]['expected'] = self.expected([], kb, rel)
        for mp, rel, ln in getattr(self, 'mounts', []):
            if mp == 'fs/binfmt_misc':
                for k, typ, acc in (('status', 'string (enabled/disabled; write 1/0/-1)', 'rw'),
                                    ('register', 'string (:name:type:offset:magic:mask:interpreter:flags)', 'wo'),
                                    ('<name>', 'string (enabled/disabled; write 1/0/-1)', 'rw')):
                    kb = self.kbuild.resolve('fs/binfmt_misc.c')
                    objcfg = kb['obj_config']
                    recs.append({'key': 'fs.binfmt_misc.' + k, 'type': typ, 'access': acc,
                                 'file': 'fs/binfmt_misc.c', 'line': None, 'register': 'binfmt_misc filesystem mounted on sysctl mount point %s (%s:%d)' % (mp, rel, ln),
                                 'per_netns': False, 'namespace': 'user (binfmt_misc may be per-user-ns in 6.7+)' if False else None,
                                 'configs': kb['configs'] or ['BINFMT_MISC'], 'module': kb['module'] if self.kconfig.get(objcfg) == 'tristate' else None,
                                 'module_capable': self.kconfig.get(objcfg) == 'tristate', 'note': 'only present when binfmt_misc fs is mounted at /proc/sys/fs/binfmt_misc'})
        return recs

    # -- .config evaluation ----------------------------------------------------
    def expected(self, conds, kb, rel=''):
        cfg = self.config
        am = re.match(r'arch/(\w+)/', rel)
        if am and am.group(1) != 'x86' and cfg.get('X86') == 'y':
            return 'no (arch/%s)' % am.group(1)
        for c in kb['configs']:
            if cfg.get(c) not in ('y', 'm'):
                return 'no (Kbuild CONFIG_%s not set)' % c
        for c in conds:
            v = eval_cond(c, cfg)
            if v is False:
                return 'no (#if %s)' % c
        objcfg = kb['obj_config']
        if objcfg and cfg.get(objcfg) == 'm':
            return 'module'
        return 'yes'


def load_config(path):
    cfg = {}
    for ln in open(path):
        m = re.match(r'CONFIG_(\w+)=(.*)', ln.strip())
        if m:
            cfg[m.group(1)] = m.group(2).strip('"')
    return cfg


def eval_cond(c, cfg):
    """Evaluate a preprocessor condition against a .config; None if unknown."""
    e = c
    def val(name, mode):
        v = cfg.get(name)
        if mode == 'defined':
            return '1' if v in ('y',) or (v not in (None, 'n', 'm') and v is not None) else '0'
        if mode == 'enabled':
            return '1' if v in ('y', 'm') else '0'
        if mode == 'builtin':
            return '1' if v == 'y' else '0'
        if mode == 'module':
            return '1' if v == 'm' else '0'
        if mode == 'reachable':
            return '1' if v in ('y', 'm') else '0'
        return '0'
    e = re.sub(r'defined\s*\(?\s*CONFIG_(\w+)_MODULE\s*\)?', lambda m: val(m.group(1), 'module'), e)
    e = re.sub(r'defined\s*\(?\s*CONFIG_(\w+)\s*\)?', lambda m: val(m.group(1), 'defined'), e)
    e = re.sub(r'IS_ENABLED\s*\(\s*CONFIG_(\w+)\s*\)', lambda m: val(m.group(1), 'enabled'), e)
    e = re.sub(r'IS_REACHABLE\s*\(\s*CONFIG_(\w+)\s*\)', lambda m: val(m.group(1), 'reachable'), e)
    e = re.sub(r'IS_BUILTIN\s*\(\s*CONFIG_(\w+)\s*\)', lambda m: val(m.group(1), 'builtin'), e)
    e = re.sub(r'IS_MODULE\s*\(\s*CONFIG_(\w+)\s*\)', lambda m: val(m.group(1), 'module'), e)
    def bare(m):
        v = cfg.get(m.group(1))
        if v is None or v == 'n':
            return '0'
        if v == 'y':
            return '1'
        if re.fullmatch(r'-?\d+|0x[0-9a-fA-F]+', v):
            return v
        return '0'
    e = re.sub(r'\bCONFIG_(\w+)', bare, e)
    if re.search(r'[A-Za-z_]', e.replace('x', '')):
        return None
    e = e.replace('&&', ' and ').replace('||', ' or ')
    e = re.sub(r'!(?!=)', ' not ', e)
    try:
        return bool(eval(e, {'__builtins__': {}}))
    except Exception:
        return None


def placeholder_name(fmt, pos, val):
    before = fmt[:pos]
    if before.endswith('/conf/') or before.endswith('/neigh/') or 'dev' in val:
        return 'iface'
    comp = before.rstrip('/').rsplit('/', 1)[-1]
    v = re.findall(r'\w+', val)
    return (v[-1] if v else comp or 'name')


def main():
    import argparse
    ap = argparse.ArgumentParser()
    ap.add_argument('src')
    ap.add_argument('-o', '--out')
    ap.add_argument('--config')
    ap.add_argument('--stats')
    ap.add_argument('--problems')
    ap.add_argument('--release', help="the release the records name, where "
                    "the tree's Makefile does not say it (a distribution's "
                    "build: 3.10.0-1160.el7.x86_64); its numbers must agree")
    a = ap.parse_args()
    cfg = load_config(a.config) if a.config else None
    g = Generator(a.src, cfg)
    recs = g.run()
    release = g.version
    if a.release:
        if '.'.join(a.release.split('.')[:2]) != '.'.join(g.version.split('.')[:2]):
            sys.exit('gen: --release %s is not the tree\'s %s' % (a.release, g.version))
        release = a.release
    out = open(a.out, 'w') if a.out else sys.stdout
    for r in sorted(recs, key=lambda r: (r['key'], r['file'])):
        r['kernel'] = release
        out.write(json.dumps(r, sort_keys=False) + '\n')
    st = dict(g.stats)
    st['records'] = len(recs)
    st['unique_keys'] = len(set(r['key'] for r in recs))
    st['typed'] = sum(1 for r in recs if r.get('type'))
    st['minmax_records'] = sum(1 for r in recs if r.get('bounds') and r['bounds'] != 'extra1/extra2 not used as min/max by handler (or unknown handler)')
    st['minmax_fully_resolved'] = sum(1 for r in recs if r.get('bounds') and 'not used' not in r['bounds'] and (r.get('extra1') is None or r.get('min') is not None) and (r.get('extra2') is None or r.get('max') is not None))
    st['version'] = g.version
    if a.stats:
        json.dump(st, open(a.stats, 'w'), indent=1)
    if a.problems:
        open(a.problems, 'w').write('\n'.join(g.problems) + '\n')
    sys.stderr.write(json.dumps(st) + '\n')


if __name__ == '__main__':
    main()
