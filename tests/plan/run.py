#!/usr/bin/env python3
"""plan tests: the emitted remediation, applied by the real engines.

For every case tree under tests/cases/ with fixable findings:
- sh: `plan --emit sh` passes shellcheck, `sh` applies it to a copy with
  SYSCTL_GUARD_ROOT=COPY SYSCTL_GUARD_RELOAD=0, after which `fix --dry-run`
  finds nothing left to change; a second run changes no byte.
- ansible: the playbook and the task list parsed as YAML write exactly
  the files and bytes fix writes. For the cases of ANSIBLE_RUN (one per
  path of the engine), `plan --emit ansible` applied by the real
  `ansible-playbook -i localhost, -c local -e sysctl_guard_root=COPY -e
  sysctl_guard_reload=false` leaves nothing to fix; a second run reports
  changed=0. The tasks-only form runs from a wrapper play the same way.
- salt: `plan --emit salt --output DIR` (an SLS and the files it copies)
  applied by real Salt 3006 (../shared/salt-3006; tests/lib/salt_real.py
  keeps one masterless minion loaded): test mode first (nothing written,
  the changes it predicts are the ones the run makes), then the run
  (the bytes fix writes, owner and mode kept, nothing left to fix), then
  again (no changes). With the reload asked for, test mode predicts it and
  the stand-in systemctl records it once. Plans for another host are
  refused by Salt before anything changes. What real Salt cannot be
  pointed at here (the root / of this machine: its grains and files) is
  rendered with Jinja2 as Salt renders it. Without real Salt the suite
  says so and checks only that render.
- patch: `plan --emit patch` applied by real `git apply` and GNU `patch
  -p1` in a copy ends where fix does; git apply refuses, whole, a copy
  whose changed file holds other lines.
Usage: run.py BINARY
"""
import base64
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

import yaml

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from sgtest import CASES, ENV, TOP, Tally, snapshot, tree_args  # noqa: E402

TALLY = Tally()
ok = TALLY.ok

# Real Salt, when it runs here (main() starts it): the minion, or why not.
SALT = None
SALT_WHY = None
# The states a plan may use.
SALT_STATES = {"file.managed", "cmd.run", "test.fail_without_changes"}


def salt_to_bool(val):
    """Salt's to_bool Jinja filter (salt/utils/jinja.py)."""
    if val is None:
        return False
    if isinstance(val, bool):
        return val
    if isinstance(val, (int, float)):
        return val > 0
    if isinstance(val, str):
        return val.lower() in ("yes", "1", "true")
    return len(val) > 0


def salt_jinja(kernel=None):
    """Jinja as Salt's renderer sets it up, as far as the SLS uses it; the
    minion's grains say it runs KERNEL (default: this machine's)."""
    import base64
    import platform
    import jinja2
    env = jinja2.Environment()
    env.globals["grains"] = {"kernelrelease": kernel or platform.release()}
    env.filters["to_bool"] = salt_to_bool
    # salt/utils/jinja.py base64_encode: salt.utils.hashutils.base64_b64encode
    env.filters["base64_encode"] = lambda s: base64.b64encode(
        s.encode("utf-8", "surrogateescape")).decode()
    return env


def salt_functions(base=""):
    """The execution functions the SLS calls while it is rendered, as
    Salt's file module implements them (salt/modules/file.py): is_link
    (os.path.islink), file_exists (os.path.isfile), get_hash (hashlib over
    the file's bytes, hex digest)."""
    import hashlib

    def get_hash(path, form="sha256"):
        with open(path, "rb") as f:
            return hashlib.new(form, f.read()).hexdigest()
    def find(path, maxdepth=None):
        """file.find (salt/utils/find.py Finder) with maxdepth=1 as the
        SLS uses it: PATH itself, then its entries of any type (hidden
        ones too), as paths; nothing for a missing directory."""
        assert maxdepth == 1
        top = base + path
        if not os.path.isdir(top):
            return []
        return [path] + [path + "/" + n for n in os.listdir(top)]
    # BASE: where "/" is for the render (a copy standing in for a host).
    return {"pillar.get": lambda key, default=None: default,
            "file.find": find,
            "file.is_link": lambda p: os.path.islink(base + p),
            "file.file_exists": lambda p: os.path.isfile(base + p),
            "file.get_hash": lambda p, form="sha256": get_hash(base + p,
                                                               form)}


def salt_args(args):
    out = {}
    for a in args:
        out.update(a)
    return out


PLAN_NO = [0]


def salt_plan(binary, args):
    """`plan --emit salt --output DIR` with ARGS: (the process, the SLS's
    text, its name in the real minion's file root or None). DIR is in the
    minion's file root when real Salt runs here, else a scratch one."""
    PLAN_NO[0] += 1
    sls = "plan_%d" % PLAN_NO[0]
    top = SALT.srv if SALT else tempfile.mkdtemp(prefix="sg-salt-plan-")
    out = os.path.join(top, sls)
    r = sg(binary, ["plan", "--emit", "salt", "--output", out] + args)
    text = ""
    if os.path.exists(os.path.join(out, "init.sls")):
        with open(os.path.join(out, "init.sls"), encoding="utf-8") as f:
            text = f.read()
    if not SALT:
        shutil.rmtree(top, ignore_errors=True)
    return r, text, sls if SALT else None


def salt_run(sls, root, test=False, reload=False, kernel=None):
    """Real Salt applies plan SLS to ROOT (the pillar's
    sysctl_guard_root): {state id: (function, state return)}. Every file
    state's name lies under ROOT."""
    import salt_real
    pillar = {"sysctl_guard_root": root + "/", "sysctl_guard_reload": reload}
    if kernel:
        pillar["sysctl_guard_kernel"] = kernel
    ret = SALT.call("state.apply", sls, pillar=pillar, test=test)
    if not isinstance(ret, dict):
        raise RuntimeError("Salt did not run %s: %r" % (sls, ret))
    out = {}
    for k, v in ret.items():
        mod, sid, name, fun = k.split("_|-")
        fn = "%s.%s" % (mod, fun)
        if fn not in SALT_STATES:
            raise RuntimeError("%s uses %s" % (sid, fn))
        if mod == "file" and not name.startswith(root + "/"):
            raise RuntimeError("%s: %s is not under %s" % (sid, name, root))
        out[sid] = (fn, v)
    salt_real.states(ret)
    return out


def salt_changed(run):
    """The states of RUN that changed (or in test mode would)."""
    return sorted(sid for sid, (fn, v) in run.items()
                  if v["changes"] or v["result"] is None)


def sg(binary, args):
    """Run BINARY; its output as text, bytes that are not UTF-8 (a sh plan
    holds a Latin-1 file's text as it is) kept as surrogates, which
    write_text() turns back into the same bytes."""
    r = subprocess.run([binary] + args, capture_output=True, env=ENV)
    # Decoded by hand: text=True would turn a CRLF file's "\r\n" into "\n".
    r.stdout = r.stdout.decode("utf-8", "surrogateescape")
    r.stderr = r.stderr.decode("utf-8", "surrogateescape")
    return r


def write_text(path, text):
    with open(path, "w", encoding="utf-8", errors="surrogateescape",
              newline="") as f:
        f.write(text)




def copy_tree(case, tmp, name):
    """A copy of the case's tree whose files under etc/ have an owner and
    a mode of their own (0640, uid/gid 4321 when run as root), which every
    engine must keep."""
    root = os.path.join(tmp, name)
    shutil.copytree(os.path.join(case, "root"), root, symlinks=True)
    for dp, _, fns in os.walk(os.path.join(root, "etc")):
        for n in fns:
            p = os.path.join(dp, n)
            if os.path.isfile(p) and not os.path.islink(p):
                os.chmod(p, 0o640)
                if os.geteuid() == 0:
                    os.chown(p, 4321, 4321)
    return root


def kept_lines(name, how, before, root):
    """Every comment and blank line of every file still there, in order
    (a step may add lines, e.g. "# " before a line it comments out), and
    every file keeps its mode and owner."""
    after = snapshot(root)
    for rel, item in before.items():
        if item[0] != "file":
            continue
        ok(after.get(rel, item)[2:] == item[2:], "%s: %s changed mode or "
           "owner of %s: %r -> %r" % (name, how, rel, item[2:],
                                      after.get(rel, item)[2:]))
        want = [x for x in item[1].split(b"\n")
                if not x.strip() or x.lstrip()[:1] in (b"#", b";")]
        got = iter(after.get(rel, ("file", b""))[1].split(b"\n"))
        ok(all(any(x == y for y in got) for x in want),
           "%s: %s lost comment or blank lines of %s" % (name, how, rel))


def left_to_fix(binary, root, extra):
    r = sg(binary, ["fix", "--dry-run", "--root", root] + extra)
    return r.returncode, r.stdout


def changed_files(before, after):
    """The files whose bytes differ between two snapshots, or that are new."""
    return sorted(rel for rel, v in after.items() if v[0] == "file" and
                  (rel not in before or before[rel][1] != v[1]))


def fix_result(binary, case, extra, tmp):
    """Every file's bytes after `fix` of a copy of the case: where every
    engine must end."""
    root = copy_tree(case, tmp, "fixed")
    sg(binary, ["fix", "--root", root] + extra)
    return {rel: v[1] for rel, v in snapshot(root).items() if v[0] == "file"}


def same_as_fix(name, how, root, want):
    got = {rel: v[1] for rel, v in snapshot(root).items() if v[0] == "file"}
    ok(got == want, "%s: %s ended elsewhere than fix: %s" % (
        name, how, sorted(k for k in set(got) | set(want)
                          if got.get(k) != want.get(k))))


def test_sh(binary, name, case, extra, tmp, want):
    root = copy_tree(case, tmp, "sh")
    script = sg(binary, ["plan", "--emit", "sh", "--root", root] + extra)
    if not ok(script.returncode == 0, "%s: plan sh exit %d %s" % (
            name, script.returncode, script.stderr)):
        return
    path = os.path.join(tmp, "plan.sh")
    write_text(path, script.stdout)
    # shellcheck is a dependency (scripts/deps.sh): missing is a failure.
    sc = subprocess.run(["shellcheck", "-s", "sh", path],
                        capture_output=True, text=True) \
        if shutil.which("shellcheck") else None
    ok(sc is not None and sc.returncode == 0, "%s: shellcheck: %s" % (
        name, sc.stdout if sc else "not installed (make deps)"))
    env = dict(ENV, SYSCTL_GUARD_ROOT=root, SYSCTL_GUARD_RELOAD="0")
    before = snapshot(root)
    # The dry run first: it names the files the real run then writes.
    dry = subprocess.run(["sh", path], capture_output=True, text=True,
                         env=dict(env, SYSCTL_GUARD_DRY_RUN="1"))
    would = dry.stdout.count("would write ")
    ok(dry.returncode == 0 and snapshot(root) == before and would,
       "%s: sh dry run: %d %s" % (name, dry.returncode, dry.stderr))
    run = subprocess.run(["sh", path], capture_output=True, text=True, env=env)
    ok(run.returncode == 0, "%s: sh plan failed: %s" % (name, run.stderr))
    kept_lines(name, "sh", before, root)
    # (Names are matched whole: one may hold a line break.)
    wrote = changed_files(before, snapshot(root))
    ok(would == len(wrote) and all("would write %s/%s\n" % (root, rel) in
                                   dry.stdout for rel in wrote),
       "%s: sh dry run said %r, the run wrote %s" % (
           name, dry.stdout, wrote))
    # The real run says what it wrote, as the dry run says what it would
    # (issue 29: it said nothing)
    ok(run.stdout.count("wrote ") == len(wrote) and
       all("wrote %s/%s\n" % (root, rel) in run.stdout for rel in wrote),
       "%s: the sh run said %r, and wrote %s" % (name, run.stdout, wrote))
    same_as_fix(name, "sh", root, want)
    rc, diff = left_to_fix(binary, root, extra)
    ok(rc == 0 and not diff, "%s: left to fix after sh:\n%s" % (name, diff))
    snap = snapshot(root)
    again = subprocess.run(["sh", path], capture_output=True, text=True,
                           env=env)
    ok(snapshot(root) == snap and again.stdout ==
       "nothing to change: the files are as the plan makes them\n",
       "%s: second sh run changed files, or said %r" % (name, again.stdout))


def test_patch(binary, name, case, extra, tmp, want):
    """plan --emit patch, applied by the real tools in a copy of the tree:
    `git apply` and GNU `patch -p1` end where fix does; a copy whose
    changed file holds other lines is refused by git apply, whole."""
    plan = sg(binary, ["plan", "--emit", "patch", "--root",
                       copy_tree(case, tmp, "patch-probe")] + extra)
    if not ok(plan.returncode == 0 and plan.stdout.startswith("# "),
              "%s: plan patch exit %d %s" % (name, plan.returncode,
                                             plan.stderr)):
        return
    path = os.path.join(tmp, "plan.patch")
    write_text(path, plan.stdout)
    # Outside any repository: git apply works relative to the directory.
    env = dict(ENV, GIT_CEILING_DIRECTORIES=tmp)
    for tool, argv in (("git apply", ["git", "apply", path]),
                       ("patch -p1", ["patch", "-p1", "--batch",
                                      "--no-backup-if-mismatch", "-i", path])):
        root = copy_tree(case, tmp, "patch-" + tool.split()[0])
        r = subprocess.run(argv, cwd=root, capture_output=True, env=env)
        if ok(r.returncode == 0, "%s: %s failed: %s" % (
                name, tool, r.stderr.decode(errors="replace")[-500:])):
            same_as_fix(name, tool, root, want)
    # A target that is not what the plan was made from: refused, and
    # nothing of the patch applied (git apply is all or nothing).
    root = copy_tree(case, tmp, "patch-other")
    before = snapshot(root)
    changed = [rel for rel in sorted(want) if rel in before and
               before[rel][0] == "file" and before[rel][1] != want[rel]]
    if not changed:
        return
    with open(os.path.join(root, changed[-1]), "wb") as f:
        f.write(b"net.core.somaxconn = 1\n")
    other = snapshot(root)
    r = subprocess.run(["git", "apply", path], cwd=root, capture_output=True,
                       env=env)
    ok(r.returncode != 0 and snapshot(root) == other,
       "%s: git apply took a patch for other files (exit %d)" % (
           name, r.returncode))


def recap_changed(out):
    for line in out.splitlines():
        if "changed=" in line and "ok=" in line:
            return int(line.split("changed=")[1].split()[0])
    return -1


def test_ansible(binary, name, case, extra, tmp, tasks_only, want):
    root = copy_tree(case, tmp, "ansible-tasks" if tasks_only else "ansible")
    kind = "ansible-tasks" if tasks_only else "ansible"
    plan = sg(binary, ["plan", "--emit", kind, "--root", root] + extra)
    if not ok(plan.returncode == 0, "%s: plan %s exit %d" % (
            name, kind, plan.returncode)):
        return
    play = os.path.join(tmp, kind + ".yml")
    if tasks_only:
        with open(os.path.join(tmp, "tasks.yml"), "w") as f:
            f.write(plan.stdout)
        with open(play, "w") as f:
            f.write("- hosts: all\n  gather_facts: false\n  vars:\n"
                    "    sysctl_guard_root: /\n    sysctl_guard_reload: true\n"
                    "  tasks:\n    - ansible.builtin.import_tasks: tasks.yml\n")
    else:
        with open(play, "w") as f:
            f.write(plan.stdout)
    cmd = ["ansible-playbook", "-i", "localhost,", "-c", "local",
           "-e", "sysctl_guard_root=" + root,
           "-e", "sysctl_guard_reload=false", play]
    before = snapshot(root)
    # The tasks-only form holds the same tasks: it is run once (from a
    # wrapper play); the playbook gets check mode and a second run too.
    if not tasks_only:
        # Check mode with --diff first: it writes nothing and predicts the
        # changed count that the real run then makes.
        pred = subprocess.run(cmd + ["--check", "--diff"],
                              capture_output=True, text=True, env=ENV,
                              cwd=tmp)
        ok(pred.returncode == 0 and snapshot(root) == before,
           "%s: %s --check --diff: %s" % (name, kind, pred.stdout[-2000:]))
    first = subprocess.run(cmd, capture_output=True, text=True, env=ENV,
                           cwd=tmp)
    kept_lines(name, kind, before, root)
    if not tasks_only:
        ok(recap_changed(pred.stdout) == recap_changed(first.stdout) > 0,
           "%s: %s check mode predicted changed=%d, the run changed=%d" % (
               name, kind, recap_changed(pred.stdout),
               recap_changed(first.stdout)))
    same_as_fix(name, kind, root, want)
    if not ok(first.returncode == 0, "%s: ansible-playbook (%s) failed:\n%s"
              % (name, kind, first.stdout[-3000:] + first.stderr[-2000:])):
        return
    rc, diff = left_to_fix(binary, root, extra)
    ok(rc == 0 and not diff, "%s: left to fix after %s:\n%s" % (
        name, kind, diff))
    # A sysctl.d directory that is simply absent (a stock host lacks some)
    # is no warning (issue 24: find warned for each, on every run).
    ok("[WARNING]" not in first.stdout + first.stderr,
       "%s: %s warns:\n%s" % (name, kind, first.stderr[-2000:]))
    if tasks_only:
        return
    second = subprocess.run(cmd, capture_output=True, text=True, env=ENV,
                            cwd=tmp)
    ok(second.returncode == 0 and recap_changed(second.stdout) == 0,
       "%s: second %s run not changed=0:\n%s" % (name, kind, second.stdout))


# The case trees whose Ansible plans the real ansible-playbook applies
# (check mode, a run, a second run; and the tasks-only form): one per path
# of the Ansible engine. Every other fixable case gets ansible_static: the
# playbook and task list parsed as YAML, each file's content decoded and
# compared with what fix writes. ansible-playbook takes ~4 s a run, and
# every case runs the same tasks.
ANSIBLE_RUN = {
    "check-famous-advice": "files edited in place, owner and mode kept",
    "plan-edits": "several edits to several files",
    "plan-edits-latin1": "a text that is not UTF-8",
    "fix-vendor-winner": "a new drop-in, its directory made",
    "rule-key-module-not-loaded": "a modules-load.d list written",
    "check-crlf-inline": "CRLF line ends kept",
    "fix-vendor-missing-key": "a package's file masked by a copy without "
                              "the line the kernel lacks",
    "plan-odd-bytes": "a form feed and U+0085 in comments, CRLF, Latin-1, "
                      "no final newline",
}


def ansible_writes(text):
    """{target path: bytes} of the copy tasks of an Ansible plan (a
    playbook or a task list), from its YAML."""
    doc = yaml.safe_load(text) or []
    tasks = doc[0]["tasks"] if doc and "hosts" in doc[0] else doc
    out = {}
    for t in tasks or []:
        copy = t.get("ansible.builtin.copy")
        if not copy:
            continue
        dest = re.sub(r"^\{\{.*?\}\}", "", copy["dest"])
        m = re.fullmatch(r"\{\{ '([A-Za-z0-9+/=]*)' \| b64decode \}\}",
                         copy["content"])
        out[dest] = base64.b64decode(m.group(1)) if m else None
    return out


def ansible_static(binary, name, case, extra, tmp, want):
    """The Ansible plans of a case write exactly what fix writes: every
    file fix changes, with the same bytes, and no other."""
    root = copy_tree(case, tmp, "ansible-static")
    before = {rel: v[1] for rel, v in snapshot(root).items()
              if v[0] == "file"}
    changed = {"/" + rel: data for rel, data in want.items()
               if before.get(rel) != data}
    for kind in ("ansible", "ansible-tasks"):
        plan = sg(binary, ["plan", "--emit", kind, "--root", root] + extra)
        if not ok(plan.returncode == 0, "%s: plan %s exit %d %s" % (
                name, kind, plan.returncode, plan.stderr)):
            continue
        try:
            got = ansible_writes(plan.stdout)
        except (yaml.YAMLError, KeyError, TypeError, IndexError) as e:
            ok(False, "%s: plan %s is no Ansible YAML: %s" % (name, kind, e))
            continue
        ok(got == changed, "%s: plan %s writes other files or bytes than "
           "fix: %s" % (name, kind, sorted(k for k in set(got) | set(changed)
                                             if got.get(k) != changed.get(k))))


def salt_render(name, text, root, kernel=None, **ctx):
    """The SLS TEXT rendered with Jinja2 as Salt renders it, for a host
    whose / is ROOT: where real Salt cannot go (this machine's /), and all
    that is checked without real Salt. The states as {id: (fn, args)}."""
    import jinja2
    import yaml
    try:
        doc = yaml.safe_load(salt_jinja(kernel).from_string(text).render(
            salt=salt_functions(root), **ctx)) or {}
    except (jinja2.TemplateError, yaml.YAMLError) as e:
        ok(False, "%s: the SLS does not render: %s" % (name, e))
        return {}
    out = {}
    for sid, body in doc.items():
        (fn, args), = body.items()
        ok(fn in SALT_STATES, "%s: %s uses %s" % (name, sid, fn))
        out[sid] = (fn, salt_args(args))
    return out


def test_salt(binary, name, case, extra, tmp, want):
    """Real Salt applies the plan: test mode predicts, the run writes what
    fix writes, a second run changes nothing."""
    root = copy_tree(case, tmp, "salt")
    plan, text, sls = salt_plan(binary, ["--root", root] + extra)
    if not ok(plan.returncode == 0, "%s: plan salt exit %d %s" % (
            name, plan.returncode, plan.stderr)):
        return
    kernel = extra[extra.index("--kernel") + 1] if "--kernel" in extra \
        else None
    # The root / of a host that is the copy: the reload is there by
    # default, and nothing is refused.
    doc = salt_render(name, text, root, kernel)
    ok("sysctl-guard-refused" not in doc and
       any(k.startswith("sysctl-guard-reload") for k in doc),
       "%s: rendered for its own host: no refusal, one reload: %s" %
       (name, list(doc)))
    if not SALT:
        return
    # With the reload asked for: test mode predicts it with the writes,
    # the run reloads once (the stand-in systemctl or sysctl records it),
    # a second run changes nothing and reloads nothing.
    try:
        before = snapshot(root)
        open(SALT.log, "w").close()
        pred = salt_run(sls, root, test=True, reload=True)
        ok(snapshot(root) == before, "%s: salt test mode wrote" % name)
        ok(all(v["result"] in (True, None) for _, v in pred.values()),
           "%s: salt test mode failed: %s" % (name, pred))
        ok("sysctl-guard-reload" in salt_changed(pred),
           "%s: salt test mode does not predict the reload: %s" % (
               name, salt_changed(pred)))
        first = salt_run(sls, root, reload=True)
        ok(all(v["result"] is True for _, v in first.values()),
           "%s: salt run failed: %s" % (name, first))
        ok(salt_changed(pred) == salt_changed(first),
           "%s: salt test mode predicted %s, did %s" % (
               name, salt_changed(pred), salt_changed(first)))
        ok(len(SALT.calls()) == 1 and SALT.calls()[0].startswith(
            ("systemctl restart", "sysctl --system")),
           "%s: the run reloads once: %s" % (name, SALT.calls()))
        kept_lines(name, "salt", before, root)
        same_as_fix(name, "salt", root, want)
        rc, diff = left_to_fix(binary, root, extra)
        ok(rc == 0 and not diff, "%s: left to fix after salt:\n%s" % (
            name, diff))
        snap = snapshot(root)
        open(SALT.log, "w").close()
        again = salt_run(sls, root, reload=True)
        ok(not salt_changed(again) and snapshot(root) == snap and
           all(v["result"] is True for _, v in again.values()) and
           SALT.calls() == [],
           "%s: second salt run: %s %s" % (name, again, SALT.calls()))
    except (RuntimeError, KeyError) as e:
        ok(False, "%s: salt plan: %s" % (name, e))


# A file name that is hard to quote: a quote of each kind, a backslash, a
# "#" after a blank (a YAML comment), Jinja's {{ and {%, shell command
# substitutions, and a line break.
ODD_NAME = ("50-it's #1 \"q\" \\x {{a}} {%b%} $(touch PWNED);"
            "`touch PWNED2`\nz.conf")


def test_odd_names(binary, have_ansible):
    """Every engine applies a plan for a file with ODD_NAME (and an odd
    --kernel) as it does for any other file, and no part of the name runs
    as a command."""
    with tempfile.TemporaryDirectory(prefix="sg-plan-odd-") as tmp:
        case = os.path.join(tmp, "case")
        d = os.path.join(case, "root", "etc", "sysctl.d")
        os.makedirs(d)
        with open(os.path.join(d, ODD_NAME), "w") as f:
            f.write("# tuning\nnet.ipv4.tcp_tw_recycle = 1\n"
                    "net.core.somaxconn = 1024\n")
        # The kernel release is the operator's text and goes into each
        # plan's first comment line.
        extra = ["--kernel", "6.1.0-13-amd64\n{{a}} {%b%} $(touch PWNED3)"]
        work = os.path.join(tmp, "work")
        os.makedirs(work)
        cwd = os.getcwd()
        os.chdir(work)
        try:
            want = fix_result(binary, case, extra, work)
            test_sh(binary, "odd-name", case, extra, work, want)
            test_patch(binary, "odd-name", case, extra, work, want)
            test_salt(binary, "odd-name", case, extra, work, want)
            if have_ansible:
                test_ansible(binary, "odd-name", case, extra, work, False,
                             want)
                test_ansible(binary, "odd-name", case, extra, work, True,
                             want)
        finally:
            os.chdir(cwd)
        ran = [os.path.join(dp, n) for top in (tmp, cwd)
               for dp, _, fns in os.walk(top) for n in fns
               if n.startswith("PWNED")]
        ok(not ran, "odd-name: a part of the name ran: %s" % ran)


STANDIN = """#!/bin/sh
# A stand-in for %(name)s: records the call, touches no kernel.
echo "%(name)s $*" >> "$SG_STANDIN_LOG"
exit "${SG_STANDIN_EXIT:-0}"
"""
# mv that fails for one file: a step that fails half-way.
FAILING_MV = """#!/bin/sh
for a in "$@"; do last=$a; done
if [ -n "${SG_FAIL_MV:-}" ]; then
    case $last in *"$SG_FAIL_MV"*) echo "mv: refused (test)" >&2; exit 1;; esac
fi
exec /bin/mv "$@"
"""


def standins(tmp):
    """A directory of stand-ins for systemctl, sysctl and systemd-sysctl,
    first on PATH, and the log they write."""
    d = os.path.join(tmp, "bin")
    os.makedirs(d)
    for name in ("systemctl", "sysctl", "systemd-sysctl"):
        with open(os.path.join(d, name), "w") as f:
            f.write(STANDIN % {"name": name})
        os.chmod(os.path.join(d, name), 0o755)
    with open(os.path.join(d, "mv"), "w") as f:
        f.write(FAILING_MV)
    os.chmod(os.path.join(d, "mv"), 0o755)
    log = os.path.join(tmp, "standin.log")
    open(log, "w").close()
    env = dict(ENV, PATH=d + os.pathsep + os.environ["PATH"],
               SG_STANDIN_LOG=log)
    return env, log


def calls(log):
    with open(log) as f:
        lines = f.read().splitlines()
    open(log, "w").close()
    return lines


TWO_FILES = {"10-a.conf": "# a\nnet.ipv4.tcp_tw_recycle = 1\n",
             "20-b.conf": "# b\nnet.ipv4.tcp_tw_recycle = 1\n"}


def two_file_tree(tmp, name):
    root = os.path.join(tmp, name)
    d = os.path.join(root, "etc", "sysctl.d")
    os.makedirs(d)
    for n, text in TWO_FILES.items():
        with open(os.path.join(d, n), "w") as f:
            f.write(text)
    return root


def recycle_left(root):
    d = os.path.join(root, "etc", "sysctl.d")
    return [n for n in sorted(os.listdir(d))
            if "tcp_tw_recycle" in open(os.path.join(d, n)).read()]


def test_reloads(binary, have_ansible):
    """No engine reloads a kernel for a root that is not /, unless asked;
    when it does, it is once, the way boot does it (stand-ins record the
    calls: the real sysctl and systemctl are never run); a failing step
    does not stop the others (sh); the Ansible plan takes its root from
    the inventory alone."""
    extra = ["--kernel", "6.1"]
    with tempfile.TemporaryDirectory(prefix="sg-plan-reload-") as tmp:
        env, log = standins(tmp)
        # sh
        root = two_file_tree(tmp, "sh")
        plan = sg(binary, ["plan", "--emit", "sh", "--root", root] + extra)
        path = os.path.join(tmp, "plan.sh")
        write_text(path, plan.stdout)
        r = subprocess.run(["sh", path], capture_output=True, text=True,
                           env=dict(env, SYSCTL_GUARD_ROOT=root))
        ok(r.returncode == 0 and recycle_left(root) == [] and
           calls(log) == [], "sh, image root: edited, no reload: %d %s"
           % (r.returncode, r.stderr))
        root = two_file_tree(tmp, "sh-reload")
        r = subprocess.run(["sh", path], capture_output=True, text=True,
                           env=dict(env, SYSCTL_GUARD_ROOT=root,
                                    SYSCTL_GUARD_RELOAD="1"))
        ok(r.returncode == 0 and calls(log) ==
           ["systemctl restart systemd-sysctl.service"] and
           r.stdout.endswith("reloaded the kernel (systemctl restart "
                             "systemd-sysctl.service)\n"),
           "sh, reload asked: once, as boot does, and said: %s %r"
           % (r.stderr, r.stdout))
        root = two_file_tree(tmp, "sh-fail")
        r = subprocess.run(["sh", path], capture_output=True, text=True,
                           env=dict(env, SYSCTL_GUARD_ROOT=root,
                                    SYSCTL_GUARD_RELOAD="1",
                                    SG_FAIL_MV="10-a.conf",
                                    SG_STANDIN_EXIT="1"))
        ok(r.returncode == 1 and recycle_left(root) == ["10-a.conf"] and
           "write /etc/sysctl.d/10-a.conf" in r.stderr and
           "reload the kernel" in r.stderr and
           "reloaded" not in r.stdout,
           "sh: a failing step and a failing reload do not stop the rest, "
           "and are reported: %d %s %s" % (r.returncode, recycle_left(root),
                                           r.stderr))
        calls(log)
        procps = sg(binary, ["plan", "--emit", "sh", "--semantics", "procps",
                             "--root", root] + extra).stdout
        ok("sysctl --system" in procps and "sysctl -p" not in procps,
           "sh, procps semantics: reloads with sysctl --system")
        # Salt: the reload state exists only for the root / (or when
        # asked). A host whose / is the copy, rendered (real Salt would
        # read this machine's /); a copy as sysctl_guard_root, by real
        # Salt in test mode.
        root = two_file_tree(tmp, "salt")
        _, sls, name = salt_plan(binary, ["--root", root] + extra)
        kernel = extra[extra.index("--kernel") + 1]
        for ctx, want in (({}, True), ({"sysctl_guard_reload": "false"},
                                       False)):
            doc = salt_render("reloads", sls, root, kernel, **ctx)
            ok("sysctl-guard-refused" not in doc, "salt %s: rendered for "
               "the copy" % ctx)
            rl = doc.get("sysctl-guard-reload")
            ok(bool(rl) == want and (not rl or rl[1]["name"] ==
                                     "systemctl restart "
                                     "systemd-sysctl.service"),
               "salt %s: reload state %s" % (ctx, rl))
        for reload, want in ((False, False), (True, True)):
            if not SALT:
                break
            run = salt_run(name, root, test=True, reload=reload)
            rl = run.get("sysctl-guard-reload")
            ok("sysctl-guard-refused" not in run and bool(rl) == want and
               (not rl or rl[1]["name"] ==
                "systemctl restart systemd-sysctl.service"),
               "real salt, sysctl_guard_root the copy, reload %s: reload "
               "state %s" % (reload, rl))
        # The root / on a minion whose grains say it runs another kernel
        # (4.19, outside the plan's window): only the refusal, saying so.
        doc = salt_render("reloads", sls, root, "4.19.0")
        ok(list(doc) == ["sysctl-guard-refused"] and "kernel 4.19.0" in
           doc["sysctl-guard-refused"][1]["comment"],
           "salt, root / on a 4.19 minion: refused for its kernel: %s" % doc)
        if not have_ansible:
            return
        # Ansible: the root only in the inventory, as a host var.
        root = two_file_tree(tmp, "ansible")
        play = os.path.join(tmp, "plan.yml")
        with open(play, "w") as f:
            f.write(sg(binary, ["plan", "--emit", "ansible", "--root", root] +
                       extra).stdout)
        inv = os.path.join(tmp, "hosts.yml")
        with open(inv, "w") as f:
            f.write("all:\n  hosts:\n    target:\n      ansible_connection: "
                    "local\n      sysctl_guard_root: %s\n" % json.dumps(root))
        base = ["ansible-playbook", "-i", inv, play]
        before = snapshot(root)
        r = subprocess.run(base + ["--check", "--diff"], capture_output=True,
                           text=True, env=env, cwd=tmp)
        ok(r.returncode == 0 and snapshot(root) == before and
           recap_changed(r.stdout) > 0 and calls(log) == [],
           "ansible --check --diff, root from inventory: predicts, changes "
           "nothing:\n%s" % r.stdout[-2000:])
        r = subprocess.run(base, capture_output=True, text=True, env=env,
                           cwd=tmp)
        ok(r.returncode == 0 and recycle_left(root) == [] and
           calls(log) == [], "ansible, root from inventory: edited there, "
           "no reload:\n%s" % r.stdout[-2000:])
        root2 = two_file_tree(tmp, "ansible-reload")
        with open(inv, "w") as f:
            f.write("all:\n  hosts:\n    target:\n      ansible_connection: "
                    "local\n      sysctl_guard_root: %s\n"
                    "      sysctl_guard_reload: true\n" % json.dumps(root2))
        with open(play, "w") as f:
            f.write(sg(binary, ["plan", "--emit", "ansible", "--root", root2] +
                       extra).stdout)
        r = subprocess.run(base, capture_output=True, text=True, env=env,
                           cwd=tmp)
        ok(r.returncode == 0 and calls(log) ==
           ["systemctl restart systemd-sysctl.service"],
           "ansible, reload asked in the inventory: once, as boot does:\n%s"
           % r.stdout[-2000:])
        r = subprocess.run(base, capture_output=True, text=True, env=env,
                           cwd=tmp)
        ok(r.returncode == 0 and recap_changed(r.stdout) == 0 and
           calls(log) == [], "ansible, second run: nothing, no reload")


MODULE_KEYS = "net.bridge.bridge-nf-call-iptables = 1\n"
MODULES_LOAD = "/etc/modules-load.d/sysctl-guard.conf"
BOTH_UNITS = ("systemctl restart systemd-modules-load.service "
              "systemd-sysctl.service")


def module_tree(tmp, name):
    root = os.path.join(tmp, name)
    os.makedirs(os.path.join(root, "etc", "sysctl.d"))
    write_text(os.path.join(root, "etc", "sysctl.d", "50-k8s.conf"),
               MODULE_KEYS)
    return root


def lists_module(root):
    p = os.path.join(root, MODULES_LOAD.lstrip("/"))
    return os.path.isfile(p) and "br_netfilter" in open(p).read().split()


def test_module_reload(binary, have_ansible):
    """A plan that lists a module in modules-load.d (key-module-not-loaded)
    writes the list under the root, and its reload loads the modules
    before the sysctl.d files are applied: systemd-modules-load and
    systemd-sysctl in one systemctl call, which orders them as boot does
    (stand-ins record the call)."""
    extra = ["--kernel", "6.1"]
    with tempfile.TemporaryDirectory(prefix="sg-plan-modules-") as tmp:
        env, log = standins(tmp)
        root = module_tree(tmp, "sh")
        plan = sg(binary, ["plan", "--emit", "sh", "--root", root] + extra)
        path = os.path.join(tmp, "plan.sh")
        write_text(path, plan.stdout)
        r = subprocess.run(["sh", path], capture_output=True, text=True,
                           env=dict(env, SYSCTL_GUARD_ROOT=root,
                                    SYSCTL_GUARD_RELOAD="1"))
        ok(r.returncode == 0 and lists_module(root) and
           calls(log) == [BOTH_UNITS],
           "sh, module list: written, modules loaded before the reload: "
           "%d %s" % (r.returncode, r.stderr))
        root = module_tree(tmp, "salt")
        _, sls, name = salt_plan(binary, ["--root", root] + extra)
        doc = salt_render("modules", sls, root, "6.1.0")
        rl = doc.get("sysctl-guard-reload")
        ok(rl and rl[1]["name"] == BOTH_UNITS,
           "salt, module list: the reload loads the modules first: %s" % (rl,))
        if SALT:
            open(SALT.log, "w").close()
            salt_run(name, root, reload=True)
            ok(lists_module(root) and SALT.calls() == [BOTH_UNITS],
               "real salt, module list: written, modules loaded before the "
               "reload: %s" % SALT.calls())
        procps = sg(binary, ["plan", "--emit", "sh", "--semantics", "procps",
                             "--root", module_tree(tmp, "procps")] +
                    extra).stdout
        ok(MODULES_LOAD not in procps, "sh, procps semantics: no module "
           "list (no systemd-modules-load reads it)")
        if not have_ansible:
            return
        root = module_tree(tmp, "ansible")
        play = os.path.join(tmp, "plan.yml")
        write_text(play, sg(binary, ["plan", "--emit", "ansible", "--root",
                                     root] + extra).stdout)
        r = subprocess.run(["ansible-playbook", "-i", "localhost,", "-c",
                            "local", "-e", "sysctl_guard_root=" + root,
                            "-e", "sysctl_guard_reload=true", play],
                           capture_output=True, text=True, env=env, cwd=tmp)
        ok(r.returncode == 0 and lists_module(root) and
           calls(log) == [BOTH_UNITS],
           "ansible, module list: written, modules loaded before the "
           "reload:\n%s" % r.stdout[-2000:])


def test_other_host(binary, have_ansible):
    """A plan computed from host A's files, applied to host B whose files
    differ (another comment; a drop-in B has and A had not; a vendor file
    the plan only read): every engine refuses before changing anything."""
    extra = ["--kernel", "6.1"]
    with tempfile.TemporaryDirectory(prefix="sg-plan-other-") as tmp:
        env, log = standins(tmp)
        a = two_file_tree(tmp, "a")
        with open(os.path.join(a, "etc", "sysctl.d", "30-c.conf"), "w") as f:
            f.write("vm.swappiness = 60\n")
        # A vendor file whose value the drop-in overrides: A's plan creates
        # the drop-in.
        os.makedirs(os.path.join(a, "usr", "lib", "sysctl.d"))
        with open(os.path.join(a, "usr", "lib", "sysctl.d", "50-v.conf"),
                  "w") as f:
            f.write("net.core.somaxconn = 512\n")
        plans = {e: sg(binary, ["plan", "--emit", e, "--root", a, "--kernel",
                                "5.15.0-91-generic"]).stdout
                 for e in ("sh", "ansible")}
        _, plans["salt"], salt_sls = salt_plan(
            binary, ["--root", a, "--kernel", "5.15.0-91-generic"])
        ok("99-zz-sysctl-guard.conf" in plans["sh"],
           "other host: A's plan creates the drop-in")
        for what in ("comment", "drop-in", "vendor", "extra", "extra-vendor",
                     "kernel"):
            b = os.path.join(tmp, "b-" + what)
            shutil.copytree(a, b, symlinks=True)
            if what == "comment":
                with open(os.path.join(b, "etc", "sysctl.d", "10-a.conf"),
                          "a") as f:
                    f.write("# host b\n")
            elif what == "drop-in":
                with open(os.path.join(b, "etc", "sysctl.d",
                                       "99-zz-sysctl-guard.conf"), "w") as f:
                    f.write("kernel.pid_max = 99999\n")
            elif what == "kernel":
                pass  # the same files; B runs 4.19, outside the window
            elif what.startswith("extra"):
                # A file A had not, which the plan neither reads nor
                # writes: it could win over what the plan sets.
                d = ("usr/lib/sysctl.d" if what == "extra-vendor" else
                     "etc/sysctl.d")
                with open(os.path.join(b, d, "95-b.conf"), "w") as f:
                    f.write("vm.swappiness = 1\n")
            else:
                # Only a file the plan reads and never writes differs: the
                # value it decided on came from A's vendor file.
                with open(os.path.join(b, "usr", "lib", "sysctl.d",
                                       "50-v.conf"), "w") as f:
                    f.write("net.core.somaxconn = 8192\n")
            before = snapshot(b)
            path = os.path.join(tmp, "plan.sh")
            write_text(path, plans["sh"])
            kernel = {"SYSCTL_GUARD_KERNEL": "4.19.0"} if what == "kernel" \
                else {}
            r = subprocess.run(["sh", path], capture_output=True, text=True,
                               env=dict(env, SYSCTL_GUARD_ROOT=b, **kernel))
            why = ("holds other *.conf files" if what.startswith("extra")
                   else "the target runs kernel 4.19.0; this plan was made "
                   "for 5.15.0-91-generic (the same decisions for >= 5.15.0, "
                   "< 5.16.0)" if what == "kernel"
                   else "not the file this plan was computed from")
            ok(r.returncode == 3 and why in r.stderr and
               snapshot(b) == before and
               calls(log) == [], "other host (%s), sh: refused, nothing "
               "changed: %d %s" % (what, r.returncode, r.stderr))
            ctx = {"sysctl_guard_kernel": "4.19.0"} if what == "kernel" \
                else {}
            doc = salt_render("other host", plans["salt"], "",
                              sysctl_guard_root=b, **ctx)
            ok(list(doc) == ["sysctl-guard-refused"],
               "other host (%s), salt: only the refusal: %s" % (what,
                                                               list(doc)))
            if SALT:
                try:
                    open(SALT.log, "w").close()
                    run = salt_run(salt_sls, b, kernel=ctx.get(
                        "sysctl_guard_kernel"))
                    fn, v = run.get("sysctl-guard-refused", (None, {}))
                    why = v.get("comment", "")
                    ok(list(run) == ["sysctl-guard-refused"] and
                       v["result"] is False and
                       "not the files this plan was computed from" in why and
                       ("other *.conf files" in why) ==
                       what.startswith("extra") and
                       ("kernel 4.19.0 (this plan is for >= 5.15.0, < "
                        "5.16.0)" in why) == (what == "kernel") and
                       snapshot(b) == before and SALT.calls() == [],
                       "other host (%s), real salt: refused, saying why in "
                       "its comment, nothing changed: %s" % (what, run))
                except (RuntimeError, KeyError) as e:
                    ok(False, "other host (%s), real salt: %s" % (what, e))
            if not have_ansible:
                continue
            play = os.path.join(tmp, "plan.yml")
            with open(play, "w") as f:
                f.write(plans["ansible"])
            inv = os.path.join(tmp, "hosts.yml")
            with open(inv, "w") as f:
                f.write("all:\n  hosts:\n    b:\n      ansible_connection: "
                        "local\n      sysctl_guard_root: %s\n%s"
                        % (json.dumps(b), "      sysctl_guard_kernel: "
                           "'4.19.0'\n" if what == "kernel" else ""))
            r = subprocess.run(["ansible-playbook", "-i", inv, play],
                               capture_output=True, text=True, env=env,
                               cwd=tmp)
            why = ("directories hold other *.conf files than this plan" if
                   what.startswith("extra") else
                   "the host runs kernel 4.19.0; this plan was made for "
                   "kernel 5.15.0-91-generic" if what == "kernel" else
                   "differs from the file this plan was")
            ok(r.returncode != 0 and why in r.stdout and
               snapshot(b) == before and calls(log) == [],
               "other host (%s), ansible: refused, nothing changed:\n%s"
               % (what, r.stdout[-1500:]))


def test_kernel_window(binary):
    """A kernel the policies decide for as for the plan's is accepted by
    every engine: the sh plan runs (SYSCTL_GUARD_KERNEL), the Salt plan
    renders its writes (sysctl_guard_kernel); one outside is refused
    (test_other_host). 5.15 is a catalogued series, so the window is the
    series: 5.15.140 is in it, 6.1 not."""
    import yaml
    with tempfile.TemporaryDirectory(prefix="sg-plan-kernel-") as tmp:
        env, log = standins(tmp)
        a = two_file_tree(tmp, "a")
        args = ["--root", a, "--kernel", "5.15.0-91-generic"]
        sh_plan = sg(binary, ["plan", "--emit", "sh"] + args).stdout
        _, sls, name = salt_plan(binary, args)
        path = os.path.join(tmp, "plan.sh")
        write_text(path, sh_plan)
        doc = salt_render("kernel window", sls, "", sysctl_guard_root=a,
                          sysctl_guard_kernel="5.15.0-140-generic")
        ok("sysctl-guard-refused" not in doc and doc,
           "kernel in the window, salt: %s" % list(doc))
        if SALT:
            run = salt_run(name, a, test=True, kernel="5.15.0-140-generic")
            ok("sysctl-guard-refused" not in run and salt_changed(run),
               "kernel in the window, real salt: %s" % list(run))
        r = subprocess.run(["sh", path], capture_output=True, text=True,
                           env=dict(env, SYSCTL_GUARD_ROOT=a,
                                    SYSCTL_GUARD_KERNEL="5.15.0-140-generic"))
        ok(r.returncode == 0 and recycle_left(a) == [],
           "kernel in the window, sh: applied: %d %s" % (r.returncode,
                                                         r.stderr))


def test_functions_file(binary):
    """The functions every sh plan defines are a data file of their own,
    linted as it is, and printed whole (after its header) by every plan."""
    path = os.path.join(TOP, "plugin", "cli", "plan", "functions.sh")
    sc = subprocess.run(["shellcheck", "-s", "sh", path],
                        capture_output=True, text=True) \
        if shutil.which("shellcheck") else None
    ok(sc is not None and sc.returncode == 0, "functions.sh: shellcheck: %s"
       % (sc.stdout if sc else "not installed (make deps)"))
    with open(path) as f:
        body = f.read().split("\n\n", 1)[1]
    root = os.path.join(CASES, "check-famous-advice", "root")
    script = sg(binary, ["plan", "--emit", "sh", "--root", root, "--kernel",
                         "6.1"]).stdout
    ok(body in script and "# functions.sh" not in script,
       "plan --emit sh does not print functions.sh's body (only)")


def test_salt_dir(binary):
    """plan --emit salt is a directory: without --output a usage error
    saying so; with it, init.sls and files/N-NAME holding each file's new
    text, readable as it will be; a later plan into the same directory
    leaves only its own files there (a file of the operator's is kept)."""
    with tempfile.TemporaryDirectory(prefix="sg-plan-dir-") as tmp:
        a = two_file_tree(tmp, "a")
        r = sg(binary, ["plan", "--emit", "salt", "--root", a, "--kernel",
                        "6.1"])
        ok(r.returncode == 2 and "give --output DIR" in r.stderr and
           not r.stdout, "plan --emit salt without --output: %d %r" %
           (r.returncode, r.stderr))
        out = os.path.join(tmp, "plan")
        r = sg(binary, ["plan", "--emit", "salt", "--root", a, "--kernel",
                        "6.1", "--output", out])
        files = sorted(os.listdir(os.path.join(out, "files")))
        ok(r.returncode == 0 and r.stdout == "" and
           files == ["1-10-a.conf", "2-20-b.conf"] and
           open(os.path.join(out, "files", "1-10-a.conf")).read() == "# a\n"
           and "salt://{{ tpldir }}/files/2-20-b.conf" in
           open(os.path.join(out, "init.sls")).read(),
           "plan --emit salt --output DIR: init.sls and the new texts: %r %s"
           % (files, r.stderr))
        mine = os.path.join(out, "files", "README")
        write_text(mine, "notes\n")
        init = os.path.join(out, "init.sls")
        os.chmod(init, 0o640)
        if os.geteuid() == 0:
            os.chown(init, 4321, 4321)
        os.remove(os.path.join(a, "etc", "sysctl.d", "10-a.conf"))
        r = sg(binary, ["plan", "--emit", "salt", "--root", a, "--kernel",
                        "6.1", "--output", out])
        ok(r.returncode == 0 and sorted(os.listdir(os.path.join(
            out, "files"))) == ["1-20-b.conf", "README"],
           "a second plan into DIR: only its files, and the operator's: %r"
           % sorted(os.listdir(os.path.join(out, "files"))))
        st = os.stat(init)
        ok(st.st_mode & 0o7777 == 0o640 and (os.geteuid() != 0 or
                                             st.st_uid == 4321),
           "the replaced init.sls keeps its mode and owner: %o %d" %
           (st.st_mode & 0o7777, st.st_uid))


def start_salt():
    """Real Salt for the Salt plans, or say plainly that only the render
    is checked. CI always has it: there, its absence fails."""
    global SALT, SALT_WHY
    import salt_real
    SALT_WHY = salt_real.missing()
    if SALT_WHY is None:
        SALT = salt_real.Minion(env=ENV)
        print("plan: Salt plans applied by real Salt 3006 (%s)" %
              salt_real.SALT_DIR)
    else:
        print("plan: REAL SALT IS NOT HERE (%s): the Salt plans were only "
              "rendered with Jinja2, not applied" % SALT_WHY)
        ok(not os.environ.get("CI"), "CI has no real Salt: %s" % SALT_WHY)


def main():
    binary = os.path.abspath(sys.argv[1])
    have_ansible = shutil.which("ansible-playbook") is not None
    ok(have_ansible, "ansible-playbook is not installed (make deps)")
    start_salt()
    try:
        run_all(binary, have_ansible)
    finally:
        if SALT:
            SALT.close()


def run_all(binary, have_ansible):
    test_functions_file(binary)
    test_reloads(binary, have_ansible)
    test_module_reload(binary, have_ansible)
    test_other_host(binary, have_ansible)
    test_kernel_window(binary)
    test_salt_dir(binary)
    if "--reloads-only" in sys.argv:
        sys.exit(TALLY.done("plan"))
    ran = set()
    for name in sorted(os.listdir(CASES)):
        case = os.path.join(CASES, name)
        extra = tree_args(case) if os.path.exists(
            os.path.join(case, "args")) else None
        if extra is None or os.path.exists(os.path.join(case, "setup.sh")):
            continue
        with tempfile.TemporaryDirectory(prefix="sg-plan-") as tmp:
            root = copy_tree(case, tmp, "probe")
            r = sg(binary, ["check", "--format", "json", "--root", root] +
                   extra)
            try:
                fixes = [f for f in json.loads(r.stdout)["findings"]
                         if "fix" in f and "suppressed" not in f]
            except ValueError:
                # Said, never skipped silently.
                ok(False, "%s: check --format json printed no JSON: %s%s"
                   % (name, r.stdout[-500:], r.stderr[-500:]))
                continue
            if not fixes:
                continue
            want = fix_result(binary, case, extra, tmp)
            test_sh(binary, name, case, extra, tmp, want)
            test_patch(binary, name, case, extra, tmp, want)
            test_salt(binary, name, case, extra, tmp, want)
            ansible_static(binary, name, case, extra, tmp, want)
            if have_ansible and name in ANSIBLE_RUN:
                test_ansible(binary, name, case, extra, tmp, False, want)
                test_ansible(binary, name, case, extra, tmp, True, want)
                ran.add(name)
    # A curated case renamed or no longer fixable must not drop its path.
    ok(ran == set(ANSIBLE_RUN), "ansible-playbook did not run %s"
       % sorted(set(ANSIBLE_RUN) - ran))
    test_odd_names(binary, have_ansible)
    sys.exit(TALLY.done("plan"))


if __name__ == "__main__":
    main()
