"""Shared by the Python test drivers: the environment that points the binary
at this tree's lens and policies, and the case-tree helpers."""
import os

TOP = os.path.normpath(os.path.join(os.path.dirname(__file__), "..", ".."))
CASES = os.path.join(TOP, "tests", "cases")
ENV = dict(os.environ, SYSCTL_GUARD_LENSDIR=os.path.join(TOP, "lenses"),
           SYSCTL_GUARD_POLICYDIR=os.path.join(TOP, "policies"), NO_COLOR="1",
           ANSIBLE_NOCOLOR="1", ANSIBLE_LOCALHOST_WARNING="False",
           ANSIBLE_INVENTORY_UNPARSED_WARNING="False")
ENV.pop("COLUMNS", None)  # off a terminal, text wraps at 80 unless asked


def tree_args(case):
    """The kernel/profile/policy arguments of a `check --root` or `fix
    --root` case, or None ("{case}" stands for the case's directory, as in
    cases/run.py)."""
    path = os.path.join(case, "args")
    if not os.path.exists(path):
        return None
    with open(path) as f:
        args = [a.replace("{case}", os.path.abspath(case))
                for a in f.read().splitlines() if a]
    if not args or args[0] not in ("check", "fix") or "--root" not in args:
        return None
    keep, skip = [], False
    for a in args[1:]:
        if skip:
            skip = False
        elif a in ("--format", "--root", "--fail-on"):
            skip = True
        elif a in ("--dry-run", "--backup"):
            continue
        else:
            keep.append(a)
    return keep


def write_files(root, files):
    """Write FILES ({path under ROOT: text}) below ROOT, making the
    directories: a tree for one test."""
    for rel, text in files.items():
        path = os.path.join(root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(text)


def snapshot(root):
    """Every file and symlink under ROOT: content, mode, owner; link target."""
    out = {}
    for dp, dns, fns in os.walk(root):
        for n in fns + dns:
            p = os.path.join(dp, n)
            rel = os.path.relpath(p, root)
            st = os.lstat(p)
            if os.path.islink(p):
                out[rel] = ("link", os.readlink(p))
            elif os.path.isfile(p):
                with open(p, "rb") as f:
                    out[rel] = ("file", f.read(), st.st_mode, st.st_uid,
                                st.st_gid)
    return out


def fingerprint(f):
    """A finding's fingerprint as SARIF, the module and the report give it:
    FNV-1a 64 of "rule|file|key|value", 16 hex digits."""
    h = 1469598103934665603
    for b in ("%s|%s|%s|%s" % (f["rule"], f.get("file", ""), f.get("key", ""),
                               f.get("value", ""))).encode():
        h = ((h ^ b) * 1099511628211) & 0xFFFFFFFFFFFFFFFF
    return "%016x" % h


class Tally:
    """Counts checks; prints what failed; ends with "NAME: N passed, N
    failed" (the line CI reads) and the exit status."""

    def __init__(self):
        self.passed = self.failed = 0

    def ok(self, cond, what):
        if cond:
            self.passed += 1
        else:
            self.failed += 1
            print("FAIL " + what)
        return cond

    def done(self, name):
        print("%s: %d passed, %d failed" % (name, self.passed, self.failed))
        return 1 if self.failed else 0


def as_nobody(binary, tmp):
    """BINARY as the user nobody can run it: a copy in TMP/nobody-bin (the
    checkout may be where nobody cannot go, /root is 0700 on Debian), with
    the data built into it (the source tree's lens and policies may be
    unreadable too) written to a scratch directory nobody owns. Returns the
    copy's path and the environment to run it with."""
    import shutil
    bindir = os.path.join(tmp, "nobody-bin")
    scratch = os.path.join(tmp, "nobody-tmp")
    os.makedirs(bindir, exist_ok=True)
    os.makedirs(scratch, exist_ok=True)
    for d in (tmp, bindir):
        os.chmod(d, os.stat(d).st_mode | 0o755)
    os.chown(scratch, 65534, 65534)
    copy = os.path.join(bindir, os.path.basename(binary))
    shutil.copy(binary, copy)
    env = {k: v for k, v in ENV.items()
           if k not in ("SYSCTL_GUARD_LENSDIR", "SYSCTL_GUARD_POLICYDIR",
                        "SYSCTL_GUARD_CATALOGDIR")}
    env["TMPDIR"] = scratch
    return copy, env
