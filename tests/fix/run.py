#!/usr/bin/env python3
"""fix tests with the real binary.

1. Every case tree under tests/cases/ that has fixable findings: copy it,
   run `fix`; then `fix --dry-run` has nothing left to change, a second
   `fix` changes no byte, comment and blank lines are all still there in
   order, lines of keys no fix touches are unchanged, owner and mode kept,
   and a symlink that led to an edited file is still a symlink.
2. Faults: a read-only directory (run as nobody), a file size limit
   (ulimit -f): exit 2, the file untouched and nothing else left behind.
   The process killed before each system call of its save (strace's
   fault injection): the file is the old one or the new one, never a mix.
Usage: run.py BINARY
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from salt_harness import STATE_MODULE, Harness  # noqa: E402
from sgtest import CASES, ENV, Tally, as_nobody, snapshot, tree_args  # noqa: E402

TALLY = Tally()
ok = TALLY.ok

def line_key(line):
    """The key of an assignment line in the dot form the tool reports it
    in, for any spelling the parser accepts ("/net/core//somaxconn/",
    "net..ipv4...x"): separators collapsed, none at either end."""
    key = line.split("=", 1)[0].strip().lstrip("-").strip()
    return re.sub(r"[./]+", ".", key).strip(".")


def run(binary, args, **kw):
    return subprocess.run([binary] + args, capture_output=True, text=True,
                          errors="surrogateescape", env=kw.pop("env", ENV),
                          **kw)






def blank_or_comment(line):
    s = line.strip()
    return not s or s[0] in "#;"


def is_subsequence(small, big):
    it = iter(big)
    return all(any(x == y for y in it) for x in small)


def module_params(extra):
    """The Ansible module's parameters for a case's command-line options."""
    p = {}
    i = 0
    while i < len(extra):
        a = extra[i]
        v = extra[i + 1] if i + 1 < len(extra) else None
        i += 2
        if a == "--kernel":
            p["kernel"] = v
        elif a == "--semantics":
            p["semantics"] = v
        elif a == "--profile":
            p.setdefault("profile", []).append(v)
        elif a == "--policy":
            p.setdefault("policies", []).append(v)
        elif a == "--live":
            p["live"] = True
            i -= 1
        else:
            raise ValueError("no module parameter for %s" % a)
    return p


def contents(snap):
    return {rel: v[1] for rel, v in snap.items() if v[0] == "file"}


def same_ends(binary, name, case, extra, tmp, fixed, left):
    """The other front ends over the same tree end where `fix` ended (the
    same bytes in every file), and their predictions are what they then
    do: the Ansible module's check+diff mode gives each file's text after,
    and Salt's test mode (fix --dry-run --format salt) the same changes as
    the real run."""
    want = contents(fixed)
    hows = ["module", "salt", "state"]
    try:
        params = module_params(extra)
    except ValueError as e:
        # Said, not skipped silently: the module has no such parameter.
        print("%s: module and state not run: %s" % (name, e))
        hows.remove("module")
        hows.remove("state")
    for how in hows:
        root = os.path.join(tmp, how)
        shutil.copytree(os.path.join(case, "root"), root, symlinks=True)
        if os.path.exists(os.path.join(case, "setup.sh")):
            return  # files git cannot hold: fix's own run covers them
        if how == "module":
            args = os.path.join(tmp, "args.json")
            with open(args, "w") as f:
                json.dump(dict(params, root=root, state="fixed",
                               _ansible_check_mode=True, _ansible_diff=True), f)
            pred = json.loads(run(binary, [args]).stdout or "{}")
            with open(args, "w") as f:
                json.dump(dict(params, root=root, state="fixed",
                               _ansible_diff=True), f)
            real = json.loads(run(binary, [args]).stdout or "{}")
            after = contents(snapshot(root))
            # Findings a fix leaves fail the task; check mode says so
            # (warnings) without failing.
            ok(bool(real.get("failed")) == bool(left) and
               real.get("changed") and pred.get("changed") and
               not pred.get("failed") and
               pred.get("warnings", []) == real.get("warnings", []) and
               len(real.get("warnings", [])) == len(left),
               "%s: module: %s / %s" % (name, pred.get("msg"),
                                        real.get("msg")))
            for d in pred.get("diff", []):
                rel = d["after_header"].lstrip("/")
                ok(after.get(rel, b"").decode(errors="replace") == d["after"],
                   "%s: module check mode predicted another %s" % (name, rel))
            ok(pred.get("changes") == real.get("changes"),
               "%s: module check mode predicted changes %s, did %s" % (
                   name, pred.get("changes"), real.get("changes")))
        elif how == "state":
            # The Salt state module, loaded as Salt loads it, test mode
            # first: sysctl_guard.enforced with root= (the state ID is the
            # name) and the case's options as the state's parameters.
            h = Harness(STATE_MODULE, ENV)
            kw = dict(params, root=root, binary=binary,
                      name="sysctl remediation")
            pred = h.call("enforced", test=True, **kw)
            real = h.call("enforced", **kw)
            after = contents(snapshot(root))
            ok(pred.get("result") is None and
               real.get("result") is (not left) and
               pred.get("changes") == real.get("changes") and
               real.get("name") == "sysctl remediation" and
               all(x in real.get("comment", "") for x in left) and
               all(x in pred.get("comment", "") for x in left),
               "%s: salt state module: test mode %r, then %r" % (
                   name, pred, real))
        else:
            pred = json.loads(run(binary, ["fix", "--dry-run", "--format",
                                           "salt", "--root", root] +
                                  extra).stdout or "{}")
            real = json.loads(run(binary, ["fix", "--format", "salt",
                                           "--root", root] + extra).stdout
                              or "{}")
            after = contents(snapshot(root))
            ok(pred.get("result") is None and
               real.get("result") is (not left) and
               pred.get("changes") == real.get("changes") and
               all(x in real.get("comment", "") for x in left),
               "%s: salt test mode predicted %s, did %s (%s)" % (
                   name, pred.get("changes"), real.get("changes"),
                   real.get("comment")))
        ok(after == want, "%s: %s ended elsewhere than fix: %s" % (
            name, how, sorted(k for k in set(after) | set(want)
                              if after.get(k) != want.get(k))))


def check_case(binary, name):
    case = os.path.join(CASES, name)
    extra = tree_args(case)
    if extra is None:
        return
    with tempfile.TemporaryDirectory(prefix="sg-fix-") as tmp:
        root = os.path.join(tmp, "root")
        shutil.copytree(os.path.join(case, "root"), root, symlinks=True)
        if os.path.exists(os.path.join(case, "setup.sh")):
            subprocess.run(["sh", os.path.join(case, "setup.sh")], cwd=tmp,
                           check=True)
        before = run(binary, ["check", "--format", "json", "--root", root]
                     + extra)
        try:
            findings = json.loads(before.stdout)["findings"]
        except ValueError:
            # Said, never skipped silently.
            ok(False, "%s: check --format json printed no JSON: %s%s" % (
                name, before.stdout, before.stderr))
            return
        # A suppressed finding is not fixed (suppress.h).
        fixes = [f["fix"] for f in findings
                 if "fix" in f and "suppressed" not in f]
        if not fixes:
            return
        # owner and mode must survive
        for f in fixes:
            p = os.path.join(root, f.get("file", "/").lstrip("/"))
            if os.path.isfile(p) and not os.path.islink(p):
                os.chmod(p, 0o640)
                os.chown(p, 1234, 2345)
        snap0 = snapshot(root)
        # What a fix leaves (fixes judged and taken back), as the dry run
        # predicts it: the real run must leave exactly that.
        pred = run(binary, ["fix", "--dry-run", "--root", root] + extra)
        left = [l.split(": left to fix: ", 1)[1] for l in
                pred.stderr.splitlines() if ": left to fix: " in l]
        # And what no fix-up changes, at or over --fail-on: a run that
        # leaves it exits 1 too.
        fail_on = extra[extra.index("--fail-on") + 1] \
            if "--fail-on" in extra else "warning"
        levels = {"info": "error|warning|info", "warning": "error|warning",
                  "error": "error"}[fail_on]
        person = [l for l in pred.stderr.splitlines()
                  if re.search(r": (%s): left: " % levels, l)]
        r1 = run(binary, ["fix", "--root", root] + extra)
        ok(r1.returncode == (1 if left or person else 0),
           "%s: fix exit %d: %s%s" % (name, r1.returncode, r1.stdout,
                                      r1.stderr))
        ok([l.split(": left to fix: ", 1)[1] for l in r1.stderr.splitlines()
            if ": left to fix: " in l] == left,
           "%s: fix left other findings than the dry run said:\n%s\n%s" %
           (name, pred.stderr, r1.stderr))
        snap1 = snapshot(root)
        dry = run(binary, ["fix", "--dry-run", "--root", root] + extra)
        ok(dry.returncode == 0 and dry.stdout == "",
           "%s: dry-run after fix still changes: %s" % (name, dry.stdout))
        r2 = run(binary, ["fix", "--root", root] + extra)
        ok(r2.returncode == r1.returncode and snapshot(root) == snap1,
           "%s: a second fix changed something" % name)
        same_ends(binary, name, case, extra, tmp, snap1, left)
        # No effective value got worse: a finding the tree did not have
        # before the fix is only one less grave than a finding the fix took
        # away on the same key (an error traded for a warning).
        after = json.loads(run(binary, ["check", "--format", "json",
                                        "--root", root] + extra).stdout)
        grave = {"info": 0, "warning": 1, "error": 2}
        had = {(f["rule"], f.get("key")) for f in findings}
        for f in after["findings"]:
            if (f["rule"], f.get("key")) in had:
                continue
            # A package's file masked by the copy the fix wrote (issue 24)
            # is hidden by it, as it should be: said, as info.
            m = re.match(r"hidden by (\S+) ", f.get("message", ""))
            copy = os.path.join(root, m.group(1).lstrip("/")) if m else None
            if f["rule"] == "file-hidden" and copy and \
                    os.path.isfile(copy) and open(copy, "rb").read().startswith(
                        b"# Written by sysctl-guard fix: a copy of "):
                continue
            ok(any(b.get("key") == f.get("key") and
                   grave[b["severity"]] > grave[f["severity"]] and
                   (b["rule"], b.get("key")) not in
                   {(x["rule"], x.get("key")) for x in after["findings"]}
                   for b in findings),
               "%s: the fix left a new finding as grave as what it fixed: "
               "%s" % (name, f))
        fixed_keys = {f["key"] for f in fixes}
        for rel, v in snap0.items():
            if v[0] == "link":
                ok(snap1.get(rel) == v, "%s: symlink %s replaced" % (name, rel))
                continue
            if rel not in snap1:
                ok(False, "%s: %s disappeared" % (name, rel))
                continue
            old = v[1].decode(errors="replace").splitlines()
            new = snap1[rel][1].decode(errors="replace").splitlines()
            ok(snap1[rel][2:] == v[2:],
               "%s: %s owner or mode changed" % (name, rel))
            ok(is_subsequence([l for l in old if blank_or_comment(l)], new),
               "%s: %s lost comments or blank lines" % (name, rel))
            untouched = [l for l in old if not blank_or_comment(l) and
                         not any(k in line_key(l) for k in fixed_keys)]
            ok(is_subsequence(untouched, new),
               "%s: %s changed lines no fix is about" % (name, rel))


def fault_tree(tmp, size_lines=20):
    root = os.path.join(tmp, "root")
    d = os.path.join(root, "etc", "sysctl.d")
    os.makedirs(d)
    p = os.path.join(d, "50-tuning.conf")
    with open(p, "w") as f:
        for i in range(size_lines):
            f.write("# padding line %d to make the file larger\n" % i)
        f.write("net.ipv4.tcp_tw_recycle = 1\n")
    with open(p, "rb") as f:
        return root, p, f.read()


def unpriv(binary, tmp, root, p, old, nobin, noenv, args):
    """As the user nobody, who cannot write the tree: fix --dry-run, the
    module's check mode, Salt's test mode and ansible-playbook --check each
    predict what the run then does: the same errors, no change promised."""
    def nobody(argv, **kw):
        return subprocess.run(argv, capture_output=True, text=True,
                              env=kw.pop("env", noenv),
                              preexec_fn=lambda: (os.setgid(65534),
                                                  os.setuid(65534)), **kw)

    def errors(text):
        return sorted(ln for ln in text.splitlines()
                      if "error: cannot write" in ln)
    dry = nobody([nobin, "fix", "--dry-run", "--root", root] + args)
    real = nobody([nobin, "fix", "--root", root] + args)
    ok(dry.returncode == real.returncode == 2 and errors(dry.stderr) and
       errors(dry.stderr) == errors(real.stderr) and
       open(p, "rb").read() == old,
       "as nobody, fix --dry-run says what fix then says: %d %r / %d %r" %
       (dry.returncode, dry.stderr, real.returncode, real.stderr))
    sdry = nobody([nobin, "fix", "--dry-run", "--format", "salt", "--root",
                   root] + args)
    sreal = nobody([nobin, "fix", "--format", "salt", "--root", root] + args)
    try:
        a, b = json.loads(sdry.stdout), json.loads(sreal.stdout)
        ok(a["result"] is False and b["result"] is False and
           a["changes"] == b["changes"] == {} and
           errors(a["comment"]) == errors(b["comment"]) != [],
           "as nobody, Salt's test mode predicts the failed run: %r / %r" %
           (a, b))
    except (ValueError, KeyError) as e:
        ok(False, "as nobody, salt: %s %r %r" % (e, sdry.stdout, sreal.stdout))
    res = {}
    for check in (True, False):
        argsf = os.path.join(tmp, "nobody-tmp", "args-%s.json" % check)
        with open(argsf, "w") as f:
            json.dump({"root": root, "kernel": args[1], "state": "fixed",
                       "_ansible_check_mode": check}, f)
        os.chmod(argsf, 0o644)
        r = nobody([nobin, argsf])
        res[check] = json.loads(r.stdout) if r.stdout.startswith("{") else {}
    ok(res[True].get("failed") is True and res[False].get("failed") is True
       and res[True].get("changed") is False and
       res[False].get("changed") is False and
       errors(res[True].get("msg", "").replace("; ", "\n")) ==
       errors(res[False].get("msg", "").replace("; ", "\n")) != [],
       "as nobody, the module's check mode predicts the failed run: %r / %r"
       % (res[True], res[False]))
    module = os.path.join(os.path.dirname(binary), "ansible", "sysctl_guard")
    if not os.path.exists(module) or not shutil.which("ansible-playbook"):
        return
    # The real ansible-playbook, run by nobody: --check, then the run.
    lib = os.path.join(tmp, "nobody-lib")
    os.makedirs(lib)
    shutil.copy(module, os.path.join(lib, "sysctl_guard"))
    os.chmod(lib, 0o755)
    play = os.path.join(lib, "play.yml")
    with open(play, "w") as f:
        f.write("- hosts: all\n  gather_facts: false\n  tasks:\n"
                "    - sysctl_guard:\n        root: %s\n        kernel: "
                "'%s'\n        state: fixed\n" % (json.dumps(root), args[1]))
    home = os.path.join(tmp, "nobody-tmp")
    env = dict(noenv, HOME=home, ANSIBLE_LOCAL_TEMP=home + "/at",
               ANSIBLE_REMOTE_TEMP=home + "/rt", ANSIBLE_LIBRARY=lib,
               ANSIBLE_NOCOLOR="1")
    out = {}
    for extra in (["--check"], []):
        r = nobody(["ansible-playbook", "-i", "localhost,", "-c", "local",
                    play] + extra, env=env, cwd=home)
        out[bool(extra)] = r
    recap = [re.search(r"ok=\d+\s+changed=(\d+).*failed=(\d+)",
                       out[k].stdout) for k in (True, False)]
    ok(all(recap) and recap[0].groups() == recap[1].groups() == ("0", "1")
       and "Permission denied" in out[True].stdout and
       open(p, "rb").read() == old,
       "as nobody, ansible-playbook --check fails as the run fails: %s / %s"
       % (out[True].stdout[-1500:], out[False].stdout[-800:]))


def faults(binary):
    args = ["--kernel", "6.1.0-13-amd64"]
    def refused(what, r, p, old):
        """A fix that could not write: exit 2, said why, nothing touched."""
        ok(r.returncode == 2 and "cannot write" in r.stderr,
           "%s: exit %d %s" % (what, r.returncode, r.stderr))
        ok(open(p, "rb").read() == old, "%s: file changed" % what)
        ok(os.listdir(os.path.dirname(p)) == ["50-tuning.conf"],
           "%s: left files behind" % what)

    # A directory the user cannot write to.
    with tempfile.TemporaryDirectory(prefix="sg-ro-") as tmp:
        os.chmod(tmp, 0o755)
        root, p, old = fault_tree(tmp)
        nobin, noenv = as_nobody(binary, tmp)
        refused("read-only dir", run(
            nobin, ["fix", "--root", root] + args, env=noenv,
            preexec_fn=lambda: (os.setgid(65534), os.setuid(65534))), p, old)
    # Every preview says what the run would (issue 24: check mode said
    # "would fix" and the run failed with Permission denied).
    with tempfile.TemporaryDirectory(prefix="sg-ro-preview-") as tmp:
        os.chmod(tmp, 0o755)
        root, p, old = fault_tree(tmp)
        nobin, noenv = as_nobody(binary, tmp)
        unpriv(binary, tmp, root, p, old, nobin, noenv, args)
    # A file size limit (a full disk looks the same to write(2)).
    with tempfile.TemporaryDirectory(prefix="sg-fsize-") as tmp:
        root, p, old = fault_tree(tmp, 2000)
        refused("ulimit -f", subprocess.run(
            ["sh", "-c", 'ulimit -f 16; exec "$@"', "sh", binary, "fix",
             "--root", root] + args, capture_output=True, text=True, env=ENV),
            p, old)
    killed_mid_save(binary, args)


# The system calls of a save, each a moment at which a fix is killed.
SAVE_CALLS = ("openat", "write", "pwrite64", "writev", "ftruncate", "fsync",
              "fdatasync", "fchown", "fchmod", "fsetxattr", "renameat2",
              "rename", "renameat", "unlinkat", "linkat", "close")


def killed_mid_save(binary, args):
    """Killed before each system call a fix makes from the moment it opens
    a file to write (strace -e inject=CALL:signal=KILL:when=N: the N-th
    CALL is never made): the file is the old text or the new one, never a
    mix, an empty or a cut one; nothing named *.conf is left beside it; a
    run that exits 0 fixed it. Time-based kills rarely land in the write
    itself (the model takes most of a fix), so an in-place writer (open
    with O_TRUNC, write) passed them; this one does not (see the note on
    issue 13)."""
    strace = shutil.which("strace")
    ok(strace is not None, "killed_mid_save: strace is not installed")
    if not strace:
        return
    with tempfile.TemporaryDirectory(prefix="sg-kill-") as tmp:
        root, p, old = fault_tree(tmp, 5000)
        new = old.replace(b"net.ipv4.tcp_tw_recycle = 1\n", b"")
        trace = os.path.join(tmp, "trace")
        cmd = [binary, "fix", "--root", root] + args
        # LeakSanitizer cannot run under ptrace; the other suites run the
        # ASan binary's leak checks.
        env = dict(ENV, ASAN_OPTIONS="detect_leaks=0")
        r = subprocess.run([strace, "-f", "-qq", "-o", trace, "-e",
                            "trace=" + ",".join(SAVE_CALLS)] + cmd,
                           capture_output=True, env=env)
        ok(r.returncode == 0 and open(p, "rb").read() == new,
           "kill: a fix left alone did not finish: exit %d %s"
           % (r.returncode, r.stderr))
        # Number each call by name from the first open for writing on: the
        # moments of the save (and of what the fix prints after it).
        seen, moments, saving = {}, [], False
        with open(trace) as f:
            for line in f:
                m = re.match(r"\d+ +(\w+)\(", line)
                if not m:
                    continue
                name = m.group(1)
                seen[name] = seen.get(name, 0) + 1
                saving = saving or (name == "openat" and "O_WRONLY" in line)
                if saving:
                    moments.append((name, seen[name]))
        ok(len(moments) >= 6 and any(n == "renameat2" or n == "rename"
                                     for n, _ in moments),
           "kill: the trace shows no save: %r" % moments)
        finished = killed = 0
        for name, nth in moments:
            with open(p, "wb") as f:
                f.write(old)
            for left in os.listdir(os.path.dirname(p)):
                if left != os.path.basename(p):
                    os.unlink(os.path.join(os.path.dirname(p), left))
            r = subprocess.run([strace, "-f", "-qq", "-o", "/dev/null", "-e",
                                "trace=" + name, "-e",
                                "inject=%s:signal=KILL:when=%d" % (name, nth)]
                               + cmd, capture_output=True, env=env)
            # strace exits with the tracee's status: 128 + 9 when killed.
            was_killed = r.returncode in (137, -9)
            killed += was_killed
            finished += not was_killed
            now = open(p, "rb").read()
            ok(now in (old, new), "kill before %s #%d: the file is neither "
               "old nor new (%d bytes)" % (name, nth, len(now)))
            ok(was_killed or r.returncode != 0 or now == new,
               "kill before %s #%d: exit 0 but not fixed" % (name, nth))
            stray = [n for n in os.listdir(os.path.dirname(p))
                     if n.endswith(".conf") and n != os.path.basename(p)]
            ok(not stray, "kill before %s #%d: left %r" % (name, nth, stray))
        ok(killed >= len(moments) - 2, "kill: %d of %d moments killed the "
           "fix" % (killed, len(moments)))


def fragments(binary):
    """pre-commit --fix style: files given as arguments, each on its own."""
    with tempfile.TemporaryDirectory(prefix="sg-frag-") as tmp:
        a = os.path.join(tmp, "a.conf")
        b = os.path.join(tmp, "b.conf")
        with open(a, "w") as f:
            f.write("# a\nnet.ipv4.tcp_tw_recycle = 1\nvm.swappiness = 10 # low\n")
        with open(b, "w") as f:
            f.write("vm.swappiness = 10\n")
        b0 = open(b, "rb").read()
        args = ["--kernel", "6.1.0-13-amd64"]
        dry = run(binary, ["fix", "--dry-run", a, b] + args)
        ok(dry.returncode == 1 and "--- a" + a in dry.stdout and b not in
           dry.stdout, "fragments: dry-run %d %s" % (dry.returncode,
                                                     dry.stdout))
        r = run(binary, ["fix", a, b] + args)
        ok(r.returncode == 0, "fragments: fix exit %d %s" % (r.returncode,
                                                             r.stderr))
        ok(open(a).read() == "# a\n# low\nvm.swappiness = 10\n",
           "fragments: a.conf is %r" % open(a).read())
        ok(open(b, "rb").read() == b0, "fragments: b.conf changed")
        c = run(binary, ["check", a, b] + args)
        ok(c.returncode == 0, "fragments: check after fix exit %d" %
           c.returncode)


def module_lists(binary):
    """key-module-not-loaded: the module goes in
    /etc/modules-load.d/sysctl-guard.conf, made with mode 0644 or added to
    with its line ends kept (CRLF, no newline at the end), once per
    module, and the finding is gone; a symlink in its place is refused and
    left as it is."""
    args = ["--kernel", "6.1.0-13-amd64"]
    keys = ("net.bridge.bridge-nf-call-iptables = 1\n"
            "net.bridge.bridge-nf-call-ip6tables = 1\n"
            "net.netfilter.nf_conntrack_max = 262144\n")
    with tempfile.TemporaryDirectory(prefix="sg-modlist-") as tmp:
        def tree(name, listed=None):
            root = os.path.join(tmp, name)
            os.makedirs(os.path.join(root, "etc", "sysctl.d"))
            with open(os.path.join(root, "etc", "sysctl.d", "50-k8s.conf"),
                      "w") as f:
                f.write(keys)
            lst = os.path.join(root, "etc", "modules-load.d",
                               "sysctl-guard.conf")
            if listed is not None:
                os.makedirs(os.path.dirname(lst))
                with open(lst, "wb") as f:
                    f.write(listed)
            return root, lst

        root, lst = tree("new")
        r = run(binary, ["fix", "--root", root] + args)
        text = open(lst).read() if os.path.exists(lst) else ""
        names = [l for l in text.splitlines() if l and l[0] != "#"]
        ok(r.returncode == 0 and names == ["br_netfilter", "nf_conntrack"]
           and os.stat(lst).st_mode & 0o7777 == 0o644,
           "module list: made with each module once: %d %r %s"
           % (r.returncode, text, r.stderr))
        c = run(binary, ["check", "--format", "json", "--root", root] + args)
        ok(c.returncode == 0 and json.loads(c.stdout)["findings"] == [],
           "module list: nothing left after the fix: %s" % c.stdout[-500:])
        again = run(binary, ["fix", "--root", root] + args)
        ok(again.returncode == 0 and open(lst).read() == text,
           "module list: a second fix changes nothing")

        root, lst = tree("crlf", b"# mine\r\noverlay")
        r = run(binary, ["fix", "--root", root] + args)
        got = open(lst, "rb").read()
        ok(r.returncode == 0 and got ==
           b"# mine\r\noverlay\r\nbr_netfilter\r\nnf_conntrack\r\n",
           "module list: added to, CRLF kept: %r %s" % (got, r.stderr))

        root, lst = tree("listed", b"nf-conntrack\n")
        r = run(binary, ["fix", "--root", root] + args)
        got = open(lst, "rb").read()
        ok(r.returncode == 0 and got == b"nf-conntrack\nbr_netfilter\n",
           "module list: a module already named (with '-') is not added "
           "again: %r" % got)

        root, lst = tree("link")
        os.makedirs(os.path.dirname(lst))
        os.symlink("/dev/null", lst)
        r = run(binary, ["fix", "--root", root] + args)
        ok(r.returncode == 2 and "symlink" in r.stderr and
           os.readlink(lst) == "/dev/null",
           "module list: a symlink in its place is refused, kept: %d %s"
           % (r.returncode, r.stderr))


def main():
    binary = os.path.abspath(sys.argv[1])
    fragments(binary)
    module_lists(binary)
    for name in sorted(os.listdir(CASES)):
        if os.path.exists(os.path.join(CASES, name, "args")):
            check_case(binary, name)
    # The fault tests switch to nobody for the read-only directory: they
    # need root, which `make test` has (README). Not root is a failure.
    if ok(os.geteuid() == 0, "fault tests need root (they run a part as "
          "nobody): run make test as root"):
        faults(binary)
    sys.exit(TALLY.done("fix"))


if __name__ == "__main__":
    main()
