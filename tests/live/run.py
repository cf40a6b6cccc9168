#!/usr/bin/env python3
"""check --live against a real kernel's reading of real values (issue 28:
"zero false drift on the values of files in the wild").

Each net.* line of a corpus is written, byte for byte as it stands after
the "=", to the running kernel inside a network namespace of the test's
own (unshare -Urn: a user namespace too, so a write that would reach a
value of this machine's, outside the namespace, is refused by the kernel
instead); each key is read back right after its write (a later write of a
coupled key, all.forwarding setting every interface's, is not this
line's doing). A tree is then made of
the corpus lines (the last line of each key, as written in its file) and
a <root>/proc/sys holding what the kernel printed, and `check --live` on
it must report no drift: the kernel's text ("1024\t65000", "60", "8")
and the file's ("1024 65000 # range", "0x3c", "010") are the same value
as the key's handler reads it.

The corpus: tests/live/wild.conf (the shapes operators write: inline
comments with # and ;, tabs and runs of blanks between fields, trailing
blanks and CR, hex and octal numbers, a sign), every sysctl file of the
case trees and example roots, and this machine's own sysctl files. Lines
for an interface (net.ipv4.conf.eth0...) get a veth pair of that name in
the namespace.

A control shows the check can fail: the same tree with one value the
kernel does not hold (its read-back plus one, for an integer key) gives
exactly that drift.

Usage: run.py BINARY [BINARY...]
"""
import glob
import json
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
from sgtest import CASES, ENV, TOP, Tally  # noqa: E402

T = Tally()
HERE = os.path.dirname(os.path.abspath(__file__))

# Run inside the namespace: make the interfaces, write every value in
# order, each read back right after it is written. Input and output as JSON
# (values as Latin-1 text: the bytes as they stand).
IN_NETNS = r"""
import json, os, subprocess, sys
plan = json.load(sys.stdin)
for i in plan["ifaces"]:
    subprocess.run(["ip", "link", "add", i, "type", "veth", "peer", "name",
                    "sgpeer" + str(abs(hash(i)) % 100000)],
                   capture_output=True)
out = {"writes": [], "read": []}
for path, value in plan["writes"]:
    try:
        fd = os.open(path, os.O_WRONLY)
        try:
            os.write(fd, value.encode("latin-1"))
        finally:
            os.close(fd)
        out["writes"].append(0)
    except OSError as e:
        out["writes"].append(e.errno)
    # read back at once: a later write of a coupled key (all.forwarding
    # sets every interface's) must not be taken for this line's value
    try:
        with open(path, "rb") as f:
            out["read"].append(f.read().decode("latin-1"))
    except OSError:
        out["read"].append(None)
json.dump(out, sys.stdout)
"""

LINE = re.compile(rb"^[ \t]*(-?)([A-Za-z0-9_./*-]+?)[ \t]*=[ \t]*(.*?)[ \t]*"
                  rb"\r?$")


def corpus_files():
    files = [os.path.join(HERE, "wild.conf")]
    for base in [os.path.join(CASES, "*", "root"),
                 os.path.join(TOP, "examples", "roots", "*")]:
        for root in sorted(glob.glob(base)):
            for pat in ("etc/sysctl.conf", "etc/sysctl.d/*.conf",
                        "usr/lib/sysctl.d/*.conf", "run/sysctl.d/*.conf",
                        "lib/sysctl.d/*.conf"):
                files += sorted(glob.glob(os.path.join(root, pat)))
    for pat in ("/etc/sysctl.conf", "/etc/sysctl.d/*.conf",
                "/usr/lib/sysctl.d/*.conf", "/run/sysctl.d/*.conf"):
        files += sorted(glob.glob(pat))
    return [f for f in files if os.path.isfile(f)]


def corpus_lines(files):
    """[(file, line number, key in dot form, raw line bytes, value bytes)]
    of every plain net.* assignment (no glob, no ignore-failure prefix)."""
    out = []
    for path in files:
        with open(path, "rb") as f:
            data = f.read()
        for n, raw in enumerate(data.split(b"\n"), 1):
            m = LINE.match(raw)
            if not m or m.group(1) or raw.lstrip()[:1] in (b"#", b";"):
                continue
            key = m.group(2).decode("latin-1")
            if "/" in key:  # slash form: a dot in a slash key is literal
                key = key.replace(".", "\0").replace("/", ".")
                key = key.replace("\0", "/")
            key = ".".join(c for c in key.split(".") if c)  # a//b, a..b
            if not key.startswith("net.") or "*" in key or "/" in key:
                continue
            out.append((path, n, key, raw, m.group(3)))
    return out


def proc_path(key):
    return "/proc/sys/" + key.replace(".", "/")


def in_netns(lines):
    ifaces = sorted({k.split(".")[3] for _, _, k, _, _ in lines
                     if re.match(r"net\.ipv[46]\.(conf|neigh)\.", k) and
                     k.split(".")[3] not in ("all", "default", "lo")
                     and re.fullmatch(r"[a-z][a-z0-9]{0,9}", k.split(".")[3])})
    plan = {"ifaces": ifaces,
            "writes": [[proc_path(k), v.decode("latin-1") + "\n"]
                       for _, _, k, _, v in lines]}
    r = subprocess.run(["unshare", "-Urn", sys.executable, "-c", IN_NETNS],
                       input=json.dumps(plan), capture_output=True,
                       text=True, timeout=300)
    T.ok(r.returncode == 0, "the corpus written in a network namespace of "
         "the test's own (unshare -Urn): rc %d %s" % (r.returncode,
                                                    r.stderr[-300:]))
    return json.loads(r.stdout) if r.returncode == 0 else None


def make_tree(root, taken, live):
    """A tree whose /etc/sysctl.d/60-corpus.conf holds the line TAKEN[key]
    of each key, as written, and whose proc/sys holds LIVE[key]."""
    os.makedirs(os.path.join(root, "etc", "sysctl.d"))
    with open(os.path.join(root, "etc", "sysctl.d", "60-corpus.conf"),
              "wb") as f:
        for key in sorted(taken):
            f.write(taken[key].rstrip(b"\r") + b"\n")
    for key, text in live.items():
        p = os.path.join(root, proc_path(key).lstrip("/"))
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "wb") as f:
            f.write(text.encode("latin-1"))


def drifts(binary, root):
    r = subprocess.run([binary, "check", "--live", "--format", "json",
                        "--kernel", os.uname().release, "--root", root],
                       capture_output=True, env=ENV, timeout=300)
    try:
        doc = json.loads(r.stdout)
    except ValueError:
        T.ok(False, "check --live gives JSON: rc %d %s"
             % (r.returncode, r.stderr[-300:]))
        return None
    return sorted(f["key"] for f in doc["findings"]
                  if f["rule"] == "live-drift")


def main():
    bins = [os.path.abspath(b) for b in sys.argv[1:]]
    if not bins:
        print(__doc__)
        return 2
    lines = corpus_lines(corpus_files())
    res = in_netns(lines)
    if res is None:
        return T.done("live")
    # A key counts when its last write was taken: the kernel holds that
    # line's value (a refused last write leaves an earlier one: real
    # drift, not this test's).
    last = {}
    for (path, n, k, raw, v), e, back in zip(lines, res["writes"],
                                             res["read"]):
        last[k] = (e, raw, path, n, v, back)
    refused = sorted(k for k, x in last.items() if x[0])
    taken, spelled, live = {}, {}, {}
    for k, (e, raw, path, n, v, back) in last.items():
        if e or back is None:
            continue
        taken[k] = raw
        spelled[k] = (path, n, v)
        live[k] = back
    shapes = {
        "an inline comment": lambda v: b"#" in v or b";" in v,
        "a tab": lambda v: b"\t" in v,
        "a run of blanks inside": lambda v: b"  " in v.strip(),
        "hex or octal": lambda v: re.match(rb"^\+?0[0-7x]", v) is not None,
        "a CR at the end": lambda raw: raw.endswith(b"\r"),
    }
    for name, test in shapes.items():
        n = sum(test(taken[k] if name.startswith("a CR") else v)
                for k, (_, _, v) in spelled.items())
        T.ok(n >= 1, "the corpus the kernel took has values with %s: %d"
             % (name, n))
    T.ok(len(taken) >= 40, "keys the kernel took from the corpus: %d of %d "
         "(last write refused: %s)" % (len(taken), len(last), refused[:8]))
    for binary in bins:
        with tempfile.TemporaryDirectory() as tmp:
            root = os.path.join(tmp, "root")
            make_tree(root, taken, live)
            got = drifts(binary, root)
            T.ok(got == [], "%s: no drift where the kernel holds what the "
                 "files say: %r (%s)" % (
                     os.path.basename(binary), got,
                     ["%s:%d %r -> kernel %r" % (
                         os.path.relpath(spelled[k][0], TOP), spelled[k][1],
                         spelled[k][2], live[k]) for k in (got or [])][:6]))
            # The control: one integer key one more than the kernel holds.
            k = next(k for k in sorted(live)
                     if re.fullmatch(r"\d+\n?", live[k]) and
                     re.fullmatch(rb"\d+", spelled[k][2].strip()))
            live2 = dict(live, **{k: str(int(live[k]) + 1) + "\n"})
            root2 = os.path.join(tmp, "root2")
            make_tree(root2, taken, live2)
            T.ok(drifts(binary, root2) == [k], "%s: the control, %s one "
                 "more in proc/sys than the kernel printed, is the one "
                 "drift" % (os.path.basename(binary), k))
    return T.done("live")


if __name__ == "__main__":
    sys.exit(main())
