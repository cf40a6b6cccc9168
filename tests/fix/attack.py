#!/usr/bin/env python3
"""The confinement and data guarantees, under attack (issue 10).

Each part builds a hostile tree next to a canary directory outside it and
checks that nothing outside the root is read or written, and that no fix
loses data:
1. Confinement, for show/check/fix (--live, --backup, fragments): symlinks
   out of the tree in proc/sys, in sysctl.d and as FILE.bak; keys with
   "..". The canary's content must not reach the output, its bytes and
   mtime must not change, its atime must not move (it is set to the epoch,
   so a read under relatime would update it), and strace must show no
   open of it.
2. Special files named x.conf (a FIFO, a device): never opened for
   reading (strace), reported, no hang.
3. Races: a directory of the path, and the file itself, swapped for a
   symlink out of the tree while fix runs, in a bounded loop: the canary
   never changes.
4. Concurrency: a writer appending to the file while fix runs (opening
   it for each line, or holding it open while it waits), a writer that
   keeps it open throughout, and two fix runs with different policies at
   once: no appended line is lost, and both edits land or a run fails
   with an error; never a silent loss.
5. Metadata: an ACL, user.* and security.* xattrs kept; a hard-linked
   file refused; as nobody, a file owned by root refused, not given away;
   "fixed" printed only for what was written.
6. Leftovers (issue 23): a fix killed between the exchange and the unlink
   leaves .sysctl-guard.<hex>.tmp with the old text; the next run removes
   it; one it may not remove (another user's, a directory it cannot
   write) is a save-leftover finding; one in a directory a live save has
   locked is neither touched nor reported, nor one outside the tree
   that symlinks in it point to.
Usage: attack.py BINARY [--quick] [--only PART] [--runs N]
(--only appender_race --runs 1000 measures a rare race on its own.)
"""
import json
import os
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
from sgtest import ENV, Tally, as_nobody  # noqa: E402

T = Tally()
ok = T.ok
BIN = None
QUICK = "--quick" in sys.argv


def option(name, default):
    return sys.argv[sys.argv.index(name) + 1] if name in sys.argv else default


ONLY = option("--only", None)
RUNS = option("--runs", None)
SECRET = "canary-7f3e9a-outside-the-root"
BAD = "net.ipv4.tcp_tw_recycle = 1\n"
ARGS = ["--kernel", "6.1"]
# LeakSanitizer cannot run under ptrace: the ASan build keeps its other
# checks under strace.
TRACED = dict(ENV, ASAN_OPTIONS="detect_leaks=0")


def run(args, **kw):
    return subprocess.run([BIN] + args, capture_output=True, text=True,
                          env=kw.pop("env", ENV), timeout=kw.pop("timeout", 60),
                          errors="replace", **kw)


class Canary:
    """A directory outside the root with a secret file, watched."""

    def __init__(self, base):
        self.dir = os.path.join(base, "outside")
        os.makedirs(self.dir)
        self.file = os.path.join(self.dir, "secret.conf")
        with open(self.file, "w") as f:
            f.write("# %s\n%s" % (SECRET, BAD))
        self.reset()

    def reset(self):
        os.utime(self.file, (0, os.stat(self.file).st_mtime))
        self.state = self.look()

    def look(self):
        st = os.stat(self.file)
        with open(self.file, "rb") as f:
            data = f.read()
        os.utime(self.file, (st.st_atime, st.st_mtime))  # our own read
        return (data, st.st_mtime_ns, st.st_mode, st.st_uid,
                sorted(os.listdir(self.dir)))

    def untouched(self):
        st = os.stat(self.file)
        return self.look() == self.state and st.st_atime == 0


def tree(base, files):
    root = os.path.join(base, "root")
    os.makedirs(os.path.join(root, "etc", "sysctl.d"), exist_ok=True)
    for rel, text in files.items():
        p = os.path.join(root, rel.lstrip("/"))
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "w") as f:
            f.write(text)
    return root


def straced(args, canary, what):
    """Run under strace; no open/stat of anything in the canary's
    directory, and the canary untouched."""
    with tempfile.NamedTemporaryFile(prefix="sg-strace-") as log:
        r = subprocess.run(["strace", "-f", "-qq", "-o", log.name, "-e",
                            "trace=%file", BIN] + args, capture_output=True,
                           text=True, env=TRACED, timeout=120,
                           errors="replace")
        trace = open(log.name, errors="replace").read()
    # readlinkat prints the link's own text (inside the tree): not a look
    # at its target.
    seen = [l for l in trace.splitlines()
            if canary.dir in l and "readlink" not in l]
    ok(not seen, "%s: strace shows the canary's directory:\n%s"
       % (what, "\n".join(seen)))
    ok(SECRET not in r.stdout + r.stderr, "%s: the canary's text reached "
       "the output" % what)
    ok(canary.untouched(), "%s: the canary was read or changed" % what)
    canary.reset()
    return r


def confinement():
    with tempfile.TemporaryDirectory(prefix="sg-conf-") as base:
        c = Canary(base)
        root = tree(base, {"/etc/sysctl.d/10-a.conf":
                           "kernel.secret = x\n"
                           "net/../../../../%s = y\n" % c.file.lstrip("/") +
                           "kernel.status = z\n" + BAD})
        os.makedirs(os.path.join(root, "proc", "sys"))
        # proc/sys/kernel -> the outside directory; kernel.secret.conf
        # would be its file. A link to /proc/self/status.
        os.symlink(c.dir, os.path.join(root, "proc", "sys", "kernel"))
        os.makedirs(os.path.join(root, "proc", "sys", "net"))
        with open(os.path.join(c.dir, "secret"), "w") as f:
            f.write(SECRET + "\n")
        c.reset()
        sd = os.path.join(root, "etc", "sysctl.d")
        os.symlink(c.file, os.path.join(sd, "20-abs.conf"))
        os.symlink(os.path.relpath(c.file, sd), os.path.join(sd, "21-rel.conf"))
        for cmd in (["show", "--live", "--format", "json"],
                    ["check", "--live", "--format", "json"],
                    ["check", "--format", "sarif"],
                    ["fix", "--dry-run", "--format", "salt"],
                    ["plan", "--emit", "sh"]):
            r = straced(cmd + ["--root", root] + ARGS, c, " ".join(cmd))
            # Links out of the root are input errors (exit 2); the views
            # still print their JSON, a plan prints nothing.
            ok(r.returncode == 2 and
               (r.stdout[:1] == "{" if cmd[0] != "plan" else not r.stdout),
               "%s: %d %s" % (cmd, r.returncode, r.stderr[-300:]))
        r = run(["show", "--live", "--root", root] + ARGS)
        ok("not read: /proc/sys has a symlink" in r.stdout,
           "--live names a symlink for what it is: %s" % r.stdout[-400:])
    # fix, with --backup, where the backup's name is a link out.
    with tempfile.TemporaryDirectory(prefix="sg-conf-") as base:
        c = Canary(base)
        root = tree(base, {"/etc/sysctl.d/10-a.conf": "# keep\n" + BAD})
        sd = os.path.join(root, "etc", "sysctl.d")
        os.symlink(c.file, os.path.join(sd, "10-a.conf.bak"))
        r = straced(["fix", "--backup", "--root", root] + ARGS, c,
                    "fix --backup")
        bak = os.path.join(sd, "10-a.conf.bak")
        ok(not os.path.islink(bak) and BAD in open(bak).read(),
           "the backup replaced the link, with the old text")
        ok(r.returncode == 0 and
           BAD not in open(os.path.join(sd, "10-a.conf")).read(),
           "fix --backup fixed the file: %s" % r.stderr)
        # Fragments: a symlink given as FILE is refused, never replaced;
        # its target keeps its text.
        target = os.path.join(base, "target.conf")
        with open(target, "w") as f:
            f.write(BAD)
        link = os.path.join(base, "link.conf")
        os.symlink(target, link)
        r = straced(["fix", link] + ARGS, c, "fix FILE-that-is-a-link")
        ok(r.returncode == 2 and "is a symlink" in r.stderr and
           os.path.islink(link) and open(target).read() == BAD,
           "fix on a symlinked fragment refused: %d %s"
           % (r.returncode, r.stderr))


def special_files():
    with tempfile.TemporaryDirectory(prefix="sg-special-") as base:
        root = tree(base, {"/etc/sysctl.d/10-a.conf": BAD})
        sd = os.path.join(root, "etc", "sysctl.d")
        os.mkfifo(os.path.join(sd, "20-fifo.conf"))
        os.mknod(os.path.join(sd, "30-dev.conf"), 0o600 | 0o020000,
                 os.makedev(1, 3))  # a character device (null)
        os.makedirs(os.path.join(root, "proc", "sys", "net", "ipv4"))
        os.mkfifo(os.path.join(root, "proc", "sys", "net", "ipv4",
                               "tcp_tw_recycle"))
        for cmd in (["check"], ["show", "--live"], ["fix"]):
            with tempfile.NamedTemporaryFile(prefix="sg-strace-") as log:
                try:
                    r = subprocess.run(
                        ["strace", "-f", "-qq", "-o", log.name, "-e",
                         "trace=open,openat,openat2", BIN] + cmd +
                        ["--root", root] + ARGS, capture_output=True,
                        text=True, env=TRACED, timeout=30)
                except subprocess.TimeoutExpired:
                    ok(False, "%s on a FIFO hangs" % cmd)
                    continue
                trace = open(log.name).read().splitlines()
            opened = [l for l in trace
                      if ("fifo" in l or "30-dev" in l or "tcp_tw_recycle" in l)
                      and "O_PATH" not in l]
            ok(not opened, "%s opened a special file: %s" % (cmd, opened))
            ok("not a regular file" in r.stderr + r.stdout,
               "%s reports the special files: %s" % (cmd, r.stderr))
        r = run(["show", "--live", "--root", root] + ARGS)
        ok("/proc/sys has a FIFO there" in r.stdout,
           "--live on a FIFO says so: %s" % r.stdout[-300:])


def swapper(stop, victim, target, counts):
    """Swap VICTIM between its real self and a symlink to TARGET."""
    real = victim + ".real"
    while not stop.is_set():
        try:
            os.rename(victim, real)
            os.symlink(target, victim)
            time.sleep(0.0002)
            os.unlink(victim)
            os.rename(real, victim)
            counts[0] += 1
        except OSError:
            pass
        time.sleep(0.0001)


def races():
    n = 60 if QUICK else 250
    for what in ("directory", "file"):
        with tempfile.TemporaryDirectory(prefix="sg-race-") as base:
            c = Canary(base)
            root = tree(base, {})
            sd = os.path.join(root, "etc", "sysctl.d")
            p = os.path.join(sd, "secret.conf")
            victim, target = (sd, c.dir) if what == "directory" else (p, c.file)
            stop, counts = threading.Event(), [0]
            results = {}
            deadline = time.monotonic() + (20 if QUICK else 60)
            runs = 0
            while runs < n and time.monotonic() < deadline:
                with open(p, "w") as f:
                    f.write("# inside\n" + BAD)
                stop.clear()
                t = threading.Thread(target=swapper,
                                     args=(stop, victim, target, counts))
                t.start()
                cmd = ["fix", "--backup"] if runs % 2 else ["check"]
                r = run(cmd + ["--root", root] + ARGS)
                stop.set()
                t.join()
                for leftover in (victim + ".real",):
                    if os.path.lexists(leftover):
                        if os.path.islink(victim):
                            os.unlink(victim)
                        os.rename(leftover, victim)
                results[r.returncode] = results.get(r.returncode, 0) + 1
                runs += 1
                if not ok(c.untouched() and SECRET not in r.stdout + r.stderr,
                          "race on the %s: the canary was reached (run %d, "
                          "exit %d)" % (what, runs, r.returncode)):
                    break
            ok(counts[0] > runs, "race on the %s: the swapper ran (%d swaps "
               "in %d runs)" % (what, counts[0], runs))
            print("race on the %s: %d runs, %d swaps, exits %s" %
                  (what, runs, counts[0], results))


def appender_race():
    """A shell appending numbered lines as fast as it can (no lock, as
    `echo >> FILE` in a cron job) while fix runs: the numbers in the file
    must run without a gap, whatever fix answered."""
    n = int(RUNS) if RUNS else 20 if QUICK else 40
    lost_runs = fixed = 0
    with tempfile.TemporaryDirectory(prefix="sg-append-") as base:
        root = tree(base, {})
        p = os.path.join(root, "etc", "sysctl.d", "50-a.conf")
        for i in range(n):
            # From one line per 2 ms to one per 20: fast enough to hit
            # every step of a fix, slow enough to let some fixes through.
            delay = "%.3f" % (0.002 + 0.018 * (i % 5) / 4)
            with open(p, "w") as f:
                f.write("# fix me\n" + BAD)
            # Every other run the writer holds the file open while it
            # waits, as a program that keeps a log open does: its open
            # descriptor outlives any check of the old file.
            # The number of the last line written goes to a file of its
            # own, so that lines lost at the end count too.
            script = ('k=0; while :; do echo "# appended $k" >>"$1"; echo $k >"$3"; '
                      'sleep "$2"; k=$((k+1)); done') if i % 2 else (
                      'k=0; while :; do exec 3>>"$1"; sleep "$2"; '
                      'echo "# appended $k" >&3; exec 3>&-; echo $k >"$3"; '
                      'sleep "$2"; k=$((k+1)); done')
            last = os.path.join(base, "last")
            with open(last, "w") as f:
                f.write("-1\n")
            app = subprocess.Popen(["sh", "-c", script, "sh", p, delay, last])
            time.sleep(0.005)
            r = run(["fix", "--root", root] + ARGS)
            time.sleep(0.005)
            app.kill()
            app.wait()
            text = open(p).read()
            nums = [int(l.split()[2]) for l in text.splitlines()
                    if l.startswith("# appended ")]
            written = max(nums + [int(open(last).read() or -1)])
            gaps = sorted(set(range(written + 1)) - set(nums))
            if gaps:
                lost_runs += 1
            ok(not gaps and written >= 0, "appender: run %d (exit %d) lost %d lines "
               "(first %s): %s" % (i, r.returncode, len(gaps), gaps[:3],
                                   (r.stdout + r.stderr)[-300:]))
            ok(r.returncode in (0, 2) and (r.returncode == 0) ==
               (BAD not in text), "appender: exit %d matches the file: %s"
               % (r.returncode, r.stderr[-300:]))
            fixed += r.returncode == 0
    print("appender: %d runs, %d fixed, %d lost lines" % (n, fixed, lost_runs))


def held_open():
    """A process that keeps the file open for writing the whole time (a
    lease cannot be had): fix waits, then refuses and leaves the file as
    it was; one that keeps it open only for reading does not stop it."""
    with tempfile.TemporaryDirectory(prefix="sg-held-") as base:
        root = tree(base, {"etc/sysctl.d/50-a.conf": "# fix me\n" + BAD})
        p = os.path.join(root, "etc", "sysctl.d", "50-a.conf")
        with open(p, "a") as w:
            r = run(["fix", "--root", root] + ARGS)
            w.write("# written while fix ran\n")
        text = open(p).read()
        ok(r.returncode == 2 and "held open for writing" in r.stderr,
           "held open: a writer's open file is refused: exit %d %s"
           % (r.returncode, r.stderr[-300:]))
        ok(text == "# fix me\n" + BAD + "# written while fix ran\n",
           "held open: the file is as the writer left it: %r" % text)
        with open(p) as reader:
            r = run(["fix", "--root", root] + ARGS)
            reader.read()
        ok(r.returncode == 0 and BAD not in open(p).read(),
           "held open: a reader does not stop the fix: exit %d %s"
           % (r.returncode, r.stderr[-300:]))


POLICY = """<?xml version="1.0" encoding="UTF-8"?>
<policy xmlns="urn:sysctl-guard:policy:1" id="race-%(n)s">
  <title>Test: remove one key</title>
  <key name="%(key)s"><doc>A test key.</doc></key>
  <rule id="race-%(n)s" severity="warning" key="%(key)s" on="lines">
    <title>remove %(key)s</title>
    <when><check op="present"/></when>
    <message>This line sets {key} = {value}: remove it.</message>
    <rationale>A test of two fixes at once.</rationale>
    <reference href="https://docs.kernel.org/admin-guide/sysctl/">sysctl</reference>
    <fix action="remove"/>
  </rule>
</policy>
"""


def concurrent_fixes():
    n = 20 if QUICK else 60
    with tempfile.TemporaryDirectory(prefix="sg-twofix-") as base:
        root = tree(base, {})
        p = os.path.join(root, "etc", "sysctl.d", "50-a.conf")
        pols = []
        for k, key in (("a", "kernel.race_a"), ("b", "kernel.race_b")):
            pp = os.path.join(base, "%s.xml" % k)
            with open(pp, "w") as f:
                f.write(POLICY % {"n": k, "key": key})
            pols.append(pp)
        both = errors = 0
        for i in range(n):
            with open(p, "w") as f:
                f.write("kernel.race_a = 1\nkernel.race_b = 1\n# keep\n")
            procs = [subprocess.Popen([BIN, "fix", "--root", root, "--policy",
                                       pp] + ARGS, stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE, text=True,
                                      env=ENV) for pp in pols]
            outs = [pr.communicate(timeout=60) for pr in procs]
            codes = [pr.returncode for pr in procs]
            text = open(p).read()
            done = ["kernel.race_a" not in text, "kernel.race_b" not in text]
            for code, d, (out, err) in zip(codes, done, outs):
                # exit 0 claims the edit: it must be in the file.
                ok(code != 0 or d, "two fixes: run %d claimed a fix that "
                   "was lost (exits %s): %s" % (i, codes, out + err))
                ok(code in (0, 2) and (code == 0 or "not edited" in err),
                   "two fixes: run %d exit %d without a clear error: %s"
                   % (i, code, err))
            ok("# keep" in text, "two fixes: a line was lost")
            both += all(done)
            errors += codes.count(2)
        print("two fixes: %d runs, both edits in %d, %d runs refused with "
              "an error" % (n, both, errors))


def xattr(path, name):
    try:
        return os.getxattr(path, name).rstrip(b"\0")
    except OSError:
        return None


def metadata():
    with tempfile.TemporaryDirectory(prefix="sg-meta-") as base:
        os.chmod(base, 0o755)
        root = tree(base, {"/etc/sysctl.d/50-a.conf": "# keep\n" + BAD})
        sd = os.path.join(root, "etc", "sysctl.d")
        p = os.path.join(sd, "50-a.conf")
        subprocess.run(["setfacl", "-m", "g:adm:r--", p], check=True)
        os.setxattr(p, "user.origin", b"ansible")
        os.setxattr(p, "security.selinux", b"system_u:object_r:etc_t:s0\0")
        acl_before = subprocess.run(["getfacl", "-c", p], capture_output=True,
                                    text=True).stdout
        mode_before = os.stat(p).st_mode
        r = run(["fix", "--root", root] + ARGS)
        ok(r.returncode == 0 and BAD not in open(p).read(),
           "metadata: fixed: %s" % r.stderr)
        acl_after = subprocess.run(["getfacl", "-c", p], capture_output=True,
                                   text=True).stdout
        ok(acl_after == acl_before, "metadata: ACL kept:\n%s\n---\n%s"
           % (acl_before, acl_after))
        ok(os.stat(p).st_mode == mode_before, "metadata: mode kept")
        ok(xattr(p, "user.origin") == b"ansible", "metadata: user.* kept")
        ok(xattr(p, "security.selinux") == b"system_u:object_r:etc_t:s0",
           "metadata: security.selinux kept")
        # A default ACL on the directory is not added to a file without one.
        q = os.path.join(sd, "60-b.conf")
        with open(q, "w") as f:
            f.write(BAD)
        subprocess.run(["setfacl", "-d", "-m", "u:nobody:rwx", sd], check=True)
        r = run(["fix", "--root", root] + ARGS)
        ok("user:nobody" not in subprocess.run(["getfacl", "-c", q],
           capture_output=True, text=True).stdout,
           "metadata: no ACL inherited by the new file")
        subprocess.run(["setfacl", "-k", sd], check=True)
        # Hard links: refused, both names keep their text.
        with open(p, "w") as f:
            f.write(BAD)
        other = os.path.join(base, "other-name.conf")
        os.link(p, other)
        r = run(["fix", "--root", root] + ARGS)
        ok(r.returncode == 2 and "hard links" in r.stderr and
           open(p).read() == BAD and os.stat(p).st_nlink == 2,
           "metadata: a hard-linked file is refused: %d %s"
           % (r.returncode, r.stderr))
        ok("fixed " not in r.stdout, "metadata: 'fixed' printed for a file "
           "that was not written: %s" % r.stdout)
        os.unlink(other)
        # As nobody, in a directory nobody may write: a root-owned file is
        # refused, not given to nobody.
        os.chmod(sd, 0o777)
        os.chown(p, 0, 0)
        nobin, noenv = as_nobody(BIN, base)
        r = subprocess.run([nobin, "fix", "--root", root] + ARGS,
                           capture_output=True, text=True, env=noenv,
                           timeout=60, errors="replace",
                           preexec_fn=lambda: (os.setgid(65534),
                                               os.setuid(65534)))
        st = os.stat(p)
        ok(r.returncode == 2 and "cannot keep its owner" in r.stderr and
           st.st_uid == 0 and open(p).read() == BAD,
           "metadata: nobody cannot take a root file: %d uid %d %s"
           % (r.returncode, st.st_uid, r.stderr))
        ok([n for n in os.listdir(sd) if n.startswith(".")] == [],
           "metadata: no temporary file left")
        ok("fixed " not in r.stdout, "metadata: 'fixed' printed as nobody")
        # What Salt and the stateful protocol are told: nothing changed.
        for fmt in ("salt", "stateful"):
            r = subprocess.run([nobin, "fix", "--format", fmt, "--root", root]
                               + ARGS, capture_output=True, text=True,
                               env=noenv, timeout=60, errors="replace",
                               preexec_fn=lambda: (os.setgid(65534),
                                                   os.setuid(65534)))
            if fmt == "salt":
                out = json.loads(r.stdout or "{}")
                ok(out.get("changes") == {} and out.get("result") is False and
                   "cannot keep its owner" in out.get("comment", ""),
                   "metadata: Salt told of changes not written: %s"
                   % r.stdout[-400:])
            else:
                last = r.stdout.strip().splitlines()[-1] if r.stdout else ""
                ok("changed=no" in last, "metadata: stateful says changed "
                   "for a file not written: %s" % last)


def killed_after_exchange(root, p, owner):
    """Fix P (owned by OWNER) and kill the fix just before it unlinks the
    old file under its temporary name (strace fault injection): the
    leftover's name, or None."""
    cmd = [BIN, "fix", "--root", root] + ARGS
    with open(p, "w") as f:
        f.write("# keep\n" + BAD)
    os.chown(p, owner, owner)
    with tempfile.NamedTemporaryFile(prefix="sg-strace-") as log:
        subprocess.run(["strace", "-f", "-qq", "-o", log.name, "-e",
                        "trace=renameat2,unlinkat"] + cmd,
                       capture_output=True, env=TRACED, timeout=60)
        calls = [l for l in open(log.name).read().splitlines()
                 if "unlinkat(" in l or "RENAME_EXCHANGE" in l]
    # Undo the fix that ran to the end, then kill at the unlinkat after
    # the exchange.
    with open(p, "w") as f:
        f.write("# keep\n" + BAD)
    os.chown(p, owner, owner)
    nth = ex = 0
    for l in calls:
        ex = ex or "RENAME_EXCHANGE" in l
        nth += "unlinkat(" in l
        if ex and "unlinkat(" in l:
            break
    if not ok(ex and nth, "leftovers: the trace shows no exchange and "
              "unlink: %r" % calls):
        return None
    sd = os.path.dirname(p)
    there = set(os.listdir(sd))
    r = subprocess.run(["strace", "-f", "-qq", "-o", "/dev/null", "-e",
                        "trace=unlinkat", "-e",
                        "inject=unlinkat:signal=KILL:when=%d" % nth] + cmd,
                       capture_output=True, env=TRACED, timeout=60)
    left = [n for n in os.listdir(sd)
            if n.startswith(".sysctl-guard.") and n not in there]
    ok(r.returncode in (137, -9) and len(left) == 1 and
       BAD not in open(p).read() and
       open(os.path.join(sd, left[0])).read() == "# keep\n" + BAD,
       "leftovers: killed after the exchange, the new text is in place and "
       "the old one left beside it: exit %d %r" % (r.returncode, left))
    return left[0] if len(left) == 1 else None


def leftover_findings(root, as_user=None):
    """check --format json on ROOT (as nobody when AS_USER): the
    save-leftover findings' files."""
    if as_user:
        nobin, noenv = as_user
        r = subprocess.run([nobin, "check", "--format", "json", "--root",
                            root] + ARGS, capture_output=True, text=True,
                           env=noenv, timeout=60, errors="replace",
                           preexec_fn=lambda: (os.setgid(65534),
                                               os.setuid(65534)))
    else:
        r = run(["check", "--format", "json", "--root", root] + ARGS)
    try:
        doc = json.loads(r.stdout)
    except ValueError:
        ok(False, "leftovers: check printed no JSON: %s" % r.stderr[-300:])
        return None
    return [(f.get("file"), f.get("message", "")) for f in doc["findings"]
            if f["rule"] == "save-leftover"]


def sweep(root, as_user=None):
    """A fix of ROOT (as nobody when AS_USER), the run that removes its
    own leftovers: what it said on stderr."""
    if as_user:
        nobin, noenv = as_user
        r = subprocess.run([nobin, "fix", "--root", root] + ARGS,
                           capture_output=True, text=True, env=noenv,
                           timeout=60, errors="replace",
                           preexec_fn=lambda: (os.setgid(65534),
                                               os.setuid(65534)))
    else:
        r = run(["fix", "--root", root] + ARGS)
    return r.stderr


def leftovers():
    import fcntl
    with tempfile.TemporaryDirectory(prefix="sg-left-") as base:
        os.chmod(base, 0o755)
        root = tree(base, {"/etc/sysctl.d/50-a.conf": "# keep\n" + BAD})
        sd = os.path.join(root, "etc", "sysctl.d")
        p = os.path.join(sd, "50-a.conf")
        rel = "/etc/sysctl.d/"
        # Root's own leftover: a check says the next fix removes it and
        # removes nothing (it only reads); the next fix removes it.
        name = killed_after_exchange(root, p, 0)
        if not name:
            return
        got = leftover_findings(root)
        ok(os.path.exists(os.path.join(sd, name)) and
           [f for f, _ in got] == [rel + name] and
           "the next fix removes it" in got[0][1],
           "leftovers: check names its leftover %s and removes nothing: %r"
           % (name, got))
        sweep(root)
        got = leftover_findings(root)
        ok(not os.path.exists(os.path.join(sd, name)) and got == [],
           "leftovers: the next fix removed its own leftover %s: still "
           "there: %s, findings %r" % (name, os.path.exists(
               os.path.join(sd, name)), got))
        # While a save holds the directory's lock, a temporary file is
        # that save's: left alone, not reported.
        with open(os.path.join(sd, ".sysctl-guard.00000000000000aa.tmp"),
                  "w") as f:
            f.write("a live save's\n")
        lockfd = os.open(sd, os.O_RDONLY | os.O_DIRECTORY)
        fcntl.flock(lockfd, fcntl.LOCK_EX)
        got = leftover_findings(root)
        os.close(lockfd)
        ok(os.path.exists(os.path.join(sd, ".sysctl-guard.00000000000000aa"
                                           ".tmp")) and got == [],
           "leftovers: a locked directory's temporary file is a live save's: "
           "neither removed nor reported: %r" % got)
        sweep(root)
        got = leftover_findings(root)
        ok(not [n for n in os.listdir(sd) if n.startswith(".sysctl-guard.")]
           and got == [], "leftovers: once the lock is gone it is a "
           "leftover, removed by the next fix: %r" % os.listdir(sd))
        # A file of nobody's fixed by root: its temporary files are
        # nobody's (the owner is kept). Not root's to remove: reported.
        name = killed_after_exchange(root, p, 65534)
        if not name:
            return
        got = leftover_findings(root)
        ok(os.path.exists(os.path.join(sd, name)) and
           got and got[0][0] == rel + name and "uid 65534" in got[0][1],
           "leftovers: another user's leftover is kept and reported: %r"
           % got)
        # nobody's own, in a directory nobody cannot write: reported.
        nobody = as_nobody(BIN, base)
        said = sweep(root, nobody)
        ok(os.path.exists(os.path.join(sd, name)) and
           rel + name in said and "cannot be removed" in said,
           "leftovers: one its owner cannot remove is reported: %r" % said)
        # ... and where it may: removed.
        os.chmod(sd, 0o777)
        sweep(root, nobody)
        got = leftover_findings(root, nobody)
        ok(not os.path.exists(os.path.join(sd, name)) and got == [],
           "leftovers: nobody removes its own: %r" % got)
        # One outside the tree, where symlinks in it point (a sysctl.d
        # directory, a file's, absolute and relative): never touched.
        out = os.path.join(base, "outside")
        os.makedirs(out)
        far = os.path.join(out, ".sysctl-guard.00000000000000bb.tmp")
        with open(far, "w") as f:
            f.write("not the tree's\n")
        with open(os.path.join(out, "x.conf"), "w") as f:
            f.write(BAD)
        os.makedirs(os.path.join(root, "run"), exist_ok=True)
        os.symlink(out, os.path.join(root, "run", "sysctl.d"))
        os.symlink(os.path.join(out, "x.conf"), os.path.join(sd, "70-x.conf"))
        os.symlink(os.path.relpath(os.path.join(out, "x.conf"), sd),
                   os.path.join(sd, "71-x.conf"))
        got = leftover_findings(root)
        ok(os.path.exists(far) and got == [], "leftovers: one outside the "
           "tree, behind symlinks, was touched or reported: %r" % got)
        for n in ("70-x.conf", "71-x.conf"):
            os.unlink(os.path.join(sd, n))
        # Names that only look like one, and what is not a file, are
        # never removed.
        os.chmod(sd, 0o755)
        keep = (".sysctl-guard.0123456789ABCDEF.tmp",
                ".sysctl-guard.0123.tmp",
                ".sysctl-guard.0123456789abcdef.tmpx",
                "x.sysctl-guard.0123456789abcdef.tmp")
        for n in keep:
            with open(os.path.join(sd, n), "w") as f:
                f.write("mine\n")
        os.mkdir(os.path.join(sd, ".sysctl-guard.0123456789abcdef.tmp"))
        got = leftover_findings(root)
        ok(all(os.path.exists(os.path.join(sd, n)) for n in keep) and
           os.path.isdir(os.path.join(sd, ".sysctl-guard.0123456789abcdef"
                                          ".tmp")) and
           [f for f, _ in got] == [rel + ".sysctl-guard.0123456789abcdef.tmp"],
           "leftovers: other names kept, a directory reported: %r" % got)


def main():
    global BIN
    BIN = os.path.abspath(sys.argv[1])
    if os.geteuid() != 0:
        print("attack.py: must run as root (mknod, setuid, other users)")
        return 2
    parts = (confinement, special_files, metadata, races, appender_race,
             held_open, concurrent_fixes, leftovers)
    if ONLY and ONLY not in [p.__name__ for p in parts]:
        print("attack.py: no part %s" % ONLY)
        return 2
    for part in parts:
        if ONLY in (None, part.__name__):
            part()
    return T.done("attack")


if __name__ == "__main__":
    sys.exit(main())
