#!/usr/bin/env python3
"""Salt integration: real Salt 3006 where it is here (test_real_salt:
../shared/salt-3006, which CI always has; the suite says plainly when it
is not there), and Salt's documented contracts checked over every case
tree, where running Salt per tree would add nothing:

- `--format salt` is a state return: exactly name, changes, result,
  comment; changes {key: {old, new}} (a modules-load.d list by its path,
  with the modules it names); result None only for a dry run (test
  mode) with changes. For every case tree: check never reports changes,
  its result is its exit status; fix --dry-run predicts exactly the
  changes fix then makes, writing nothing; fix's new values are what
  `show` reads afterwards; a second fix has no changes.
- `--format stateful` for cmd.run/cmd.script `stateful: True`: the last
  non-empty line is parsed as the Salt docs describe it (shlex, then each
  word split at "=" into exactly one key and one value; changed is
  yes/no/true/false), also when paths hold quotes and "=".
- plugin/salt/_states/sysctl_guard.py is loaded with the smallest honest
  harness: the dunders Salt injects (__salt__['cmd.run_all'] running the
  real binary, __opts__['test']).
- examples/salt/*.sls are rendered with Jinja2 as Salt renders them
  (pillar.get, grains), parsed as YAML, every state checked against the
  state's documented or actual parameters and its requisites, and run
  through the harness: sysctl_guard.* by the state module, cmd.run with
  stateful by sh (test_name in test mode). `sysctl --system` is not run.
Usage: salt.py BINARY
"""
import importlib.util
import inspect
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from salt_harness import Harness  # noqa: E402
from sgtest import CASES, ENV, TOP, Tally, snapshot, tree_args  # noqa: E402

TALLY = Tally()
ok = TALLY.ok
BIN = os.path.abspath(sys.argv[1])
STATE_KEYS = {"name", "changes", "result", "comment"}
KERNEL = "6.1.0-13-amd64"


def salt_text(data):
    """Command output as Salt's cmd module decodes it (cmdmod._run): UTF-8,
    and when that fails, again with errors="replace" (and an error in the
    minion's log). A fix's diff shows a file's bytes as they are."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("utf-8", errors="replace")


def sg(args, env=ENV):
    r = subprocess.run([BIN] + args, capture_output=True, env=env)
    r.raw = r.stdout
    r.stdout, r.stderr = salt_text(r.stdout), salt_text(r.stderr)
    return r


def state(args):
    """A --format salt run: (exit status, the state return). The return is
    JSON, so it must be UTF-8 whatever bytes the files hold."""
    r = sg(args)
    try:
        return r.returncode, json.loads(r.raw.decode("utf-8"))
    except ValueError:  # UnicodeDecodeError is one
        return r.returncode, {}


def stateful_line(stdout):
    """The stateful protocol as Salt's cmd state documents it: the last
    non-empty line, split with shlex, each word "key=value" with exactly
    one "=" (a second one makes Salt fail the state)."""
    lines = [ln for ln in stdout.splitlines() if ln.strip()]
    data = {}
    for word in shlex.split(lines[-1]):
        key, val = word.split("=")  # ValueError, as in Salt, on a 2nd "="
        data[key] = val
    if data.get("changed", "no").lower() not in ("yes", "no", "true",
                                                  "false"):
        raise ValueError("changed=" + data["changed"])
    data["changed"] = data.get("changed", "no").lower() in ("yes", "true")
    return data


def is_state(d):
    """A state return as salt/state.py verify_ret requires it (the four
    keys present; others are passed on, as Salt's JSON output shows them):
    a check's carries the check's JSON as "sysctl_guard", for report."""
    extra = set(d) - STATE_KEYS
    if extra and (extra != {"sysctl_guard"} or d["sysctl_guard"].get(
            "format") != "sysctl-guard/1"):
        return False
    return (STATE_KEYS <= set(d) and isinstance(d["changes"], dict) and
            d["result"] in (True, False, None) and
            isinstance(d["comment"], str) and all(
                set(v) == {"old", "new"} for v in d["changes"].values()))


def effective(root, extra, key):
    # show reads the tree; the rules' options (--profile, --policy) are not
    # its own and are a usage error there.
    tree = []
    for i, a in enumerate(extra):
        if a in ("--kernel", "--semantics"):
            tree += extra[i:i + 2]
        elif a == "--live":
            tree.append(a)
    r = sg(["show", "--format", "json", "--root", root] + tree + [key])
    if r.returncode != 0:
        raise RuntimeError("show: %s" % r.stderr)
    s = json.loads(r.stdout).get("settings", [])
    return s[0]["value"] if s else None


def test_case(tmp, name, extra):
    root = os.path.join(tmp, name)
    shutil.copytree(os.path.join(CASES, name, "root"), root, symlinks=True)
    rc, st = state(["check", "--format", "salt", "--root", root] + extra)
    ok(is_state(st) and st["changes"] == {} and st["name"] == root and
       st["result"] == (rc == 0), "%s: check --format salt" % name)
    r = sg(["check", "--format", "stateful", "--root", root] + extra)
    line = stateful_line(r.stdout)
    ok(line["changed"] is False and r.returncode == rc,
       "%s: check --format stateful" % name)

    text_rc = sg(["fix", "--dry-run", "--root", root] + extra).returncode
    would = text_rc == 1
    # A tree that did not read cleanly (an unreadable file, not a file):
    # nothing is planned, and the state fails, in test mode too.
    broken = text_rc == 2
    before = snapshot(root)
    rc, dry = state(["fix", "--dry-run", "--format", "salt", "--root",
                     root] + extra)
    ok(rc == (2 if broken else 0) and is_state(dry) and
       dry["result"] == (False if broken else None if would else True) and
       bool(dry["changes"]) == would, "%s: fix --dry-run --format salt" % name)
    r = sg(["fix", "--dry-run", "--format", "stateful", "--root", root] +
           extra)
    ok(r.returncode == (2 if broken else 0) and
       stateful_line(r.stdout)["changed"] == would,
       "%s: fix --dry-run --format stateful" % name)
    ok(snapshot(root) == before, "%s: dry runs wrote nothing" % name)

    rc, done = state(["fix", "--format", "salt", "--root", root] + extra)
    ok(is_state(done) and done["changes"] == dry["changes"] and
       done["result"] is (rc == 0), "%s: fix makes the predicted changes"
       % name)
    for key, ch in done["changes"].items():
        if key.startswith("/"):  # a modules-load.d list: the modules it names
            with open(os.path.join(root, key.lstrip("/"))) as f:
                named = [l.strip() for l in f if l.strip()[:1] not in
                         ("", "#", ";")]
            ok(" ".join(named) == ch["new"], "%s: %s names %r" %
               (name, key, ch["new"]))
        elif "*" not in key:
            ok(effective(root, extra, key) == ch["new"],
               "%s: %s is now %r" % (name, key, ch["new"]))
    rc, again = state(["fix", "--format", "salt", "--root", root] + extra)
    # ... and fails as the first did when a fix leaves findings.
    ok(is_state(again) and again["changes"] == {} and
       again["result"] is done["result"],
       "%s: a second fix changes nothing" % name)


def test_quoting(tmp):
    root = os.path.join(tmp, "quotes")
    shutil.copytree(os.path.join(TOP, "examples", "roots",
                                 "time-wait-advice"), root, symlinks=True)
    os.mkfifo(os.path.join(root, "etc", "sysctl.d", "x='y=z.conf"))
    r = sg(["check", "--format", "stateful", "--root", root, "--kernel",
            KERNEL])
    try:
        line = stateful_line(r.stdout)
    except ValueError as e:
        line = {"error": str(e)}
    # Two errors: the example's tw-recycle-removed, and the FIFO, a
    # not-a-file finding (input.xml) whose words are in the comment.
    ok("x:'y:z.conf" in line.get("comment", "") and
       line.get("errors") == "2", "stateful comment with ' and = parses: %r"
       % line)


def test_state_module(tmp, env):
    path = os.path.join(TOP, "plugin", "salt", "_states", "sysctl_guard.py")
    h = Harness(path, env)
    ok(h.mod.__virtual__() == "sysctl_guard", "__virtual__ loads")

    root = os.path.join(tmp, "state-module")
    shutil.copytree(os.path.join(TOP, "examples", "roots",
                                 "time-wait-advice"), root, symlinks=True)
    # A binary that is not on the minion's PATH: the state fails, names it,
    # and nothing runs; given by its full path, it runs.
    old = os.environ["PATH"]
    os.environ["PATH"] = os.path.join(tmp, "empty")
    try:
        ret = h.call("checked", name=root, kernel=KERNEL)
        ok(is_state(ret) and ret["result"] is False and
           "'sysctl-guard' is not an executable" in ret["comment"],
           "checked without the binary on PATH: %r" % ret)
        ret = h.call("checked", name=root, kernel=KERNEL, binary=BIN)
        ok(is_state(ret) and "tw-recycle-removed" in ret["comment"],
           "checked with binary: a full path and no PATH: %r" % ret)
        ret = h.call("enforced", name=root, kernel=KERNEL,
                     binary=os.path.join(tmp, "no-such-binary"))
        ok(is_state(ret) and ret["result"] is False and
           "no-such-binary" in ret["comment"],
           "enforced with a binary: that does not exist: %r" % ret)
    finally:
        os.environ["PATH"] = old
    before = snapshot(root)
    ret = h.call("checked", name=root, kernel=KERNEL, profile="server")
    ok(is_state(ret) and ret["result"] is False and ret["changes"] == {} and
       "tw-recycle-removed" in ret["comment"], "checked: fails, no changes")
    # live: drift is a finding (issue 28), as in check --live
    droot = os.path.join(tmp, "state-drift")
    shutil.copytree(os.path.join(CASES, "rule-live-drift", "root"), droot,
                    symlinks=True)
    ret = h.call("checked", name=droot, kernel=KERNEL, live=True)
    calm = h.call("checked", name=droot, kernel=KERNEL)
    ok(is_state(ret) and ret["result"] is False and
       ret["comment"].count("[live-drift]") == 3 and
       any("running kernel has 1" in f["message"]
           for f in ret.get("sysctl_guard", {}).get("findings", [])) and
       "live-drift" not in calm["comment"],
       "checked, live: the drift as findings: %r / %r" % (ret, calm))
    ret = h.call("checked", name=root, kernel=KERNEL, fail_on="error",
                 policies=[os.path.join(TOP, "policies",
                                        "listen-backlog.xml")])
    ok(is_state(ret) and ret["result"] is True,
       "checked: passes with fail_on=error and a policy without errors")
    # disable: rule ids turned off (a string or a list, as Salt passes
    # them); an unknown one fails the state, naming it.
    ret = h.call("checked", name=root, kernel=KERNEL,
                 disable="tw-recycle-removed")
    ok(is_state(ret) and "tw-recycle-removed" not in ret["comment"],
       "checked, disable: the rule finds nothing: %r" % ret)
    ret = h.call("checked", name=root, kernel=KERNEL,
                 disable=["tw-recycle-removd"])
    ok(is_state(ret) and ret["result"] is False and
       "tw-recycle-removd: the loaded policies have no such rule" in
       ret["comment"], "checked, disable of an unknown rule fails: %r" % ret)
    ret = h.call("enforced", test=True, name=root, kernel=KERNEL,
                 disable=["tw-recycle-removed"])
    ok(is_state(ret) and "net.ipv4.tcp_tw_recycle" not in ret["changes"] and
       snapshot(root) == before,
       "enforced, test=True, disable: that rule's fix is not planned: %r"
       % ret)
    ret = h.call("enforced", name=root, kernel=KERNEL, fail_on="error")
    ok(is_state(ret) and ret["result"] is False and
       "fail_on means nothing for enforced" in ret["comment"] and
       snapshot(root) == before,
       "enforced refuses fail_on, nothing written: %r" % ret)
    ret = h.call("enforced", test=True, name=root, kernel=KERNEL)
    ok(is_state(ret) and ret["result"] is None and
       "net.ipv4.tcp_tw_recycle" in ret["changes"] and
       snapshot(root) == before, "enforced, test=True: None, nothing written")
    ret = h.call("enforced", name=root, kernel=KERNEL)
    ok(is_state(ret) and ret["result"] is True and
       ret["changes"]["net.ipv4.tcp_tw_recycle"] == {"old": "1", "new": None},
       "enforced: fixed, changes {key: {old, new}}")
    ret = h.call("enforced", name=root, kernel=KERNEL)
    ok(is_state(ret) and ret["result"] is True and ret["changes"] == {},
       "enforced again: no changes")
    ret = h.call("checked", name=os.path.join(tmp, "missing"))
    ok(ret["result"] is False and "sysctl-guard failed" in ret["comment"],
       "checked on a missing root: result False, says why")
    # A project configuration in the minion's working directory is not the
    # state's (issue 23): a broken one there changes nothing.
    cwd = os.getcwd()
    broken = os.path.join(tmp, "broken-config")
    os.makedirs(broken)
    with open(os.path.join(broken, ".sysctl-guard.json"), "w") as f:
        f.write("{not json")
    os.chdir(broken)
    try:
        ret = h.call("checked", name=root, kernel=KERNEL, fail_on="error")
    finally:
        os.chdir(cwd)
    ok(is_state(ret) and ret["result"] is True and
       ".sysctl-guard.json" not in ret["comment"],
       "checked with a broken .sysctl-guard.json in the working directory: "
       "not read: %r" % ret)
    # Salt always passes name (the state ID): the tree is root=, and a name
    # that is no absolute path never becomes one.
    fresh = os.path.join(tmp, "state-module-root")
    shutil.copytree(os.path.join(TOP, "examples", "roots",
                                 "time-wait-advice"), fresh, symlinks=True)
    ret = h.call("checked", name="sysctl audit", root=fresh, kernel=KERNEL)
    ok(ret["name"] == "sysctl audit" and "tw-recycle-removed" in
       ret["comment"], "checked with root=, name the state ID: %r" % ret)
    ret = h.call("enforced", test=True, name="sysctl remediation",
                 root=fresh, kernel=KERNEL)
    ok(ret["result"] is None and "net.ipv4.tcp_tw_recycle" in ret["changes"],
       "enforced test=True with root=: predicts: %r" % ret)
    ok(h.mod._tree("sysctl audit", None) == "/" and
       h.mod._tree("/srv/x", None) == "/srv/x" and
       h.mod._tree("ignored", "/srv/y") == "/srv/y",
       "the tree: root=, else an absolute name, else /")
    # An unquoted kernel: 5.10 arrives as 5.1: refused, with how to quote.
    before = snapshot(fresh)
    for fun in ("checked", "enforced"):
        ret = h.call(fun, name="x", root=fresh, kernel=5.1)
        ok(is_state(ret) and ret["result"] is False and "quote it" in
           ret["comment"] and snapshot(fresh) == before,
           "%s with kernel 5.1 (a float): refused: %r" % (fun, ret))
    return h


# Documented parameters of cmd.run (Salt's cmd state) used by the SLS.
CMD_RUN = {"name", "stateful", "onchanges", "require", "cwd", "env",
           "runas", "shell", "unless", "onlyif", "creates"}
REQUISITES = {"require", "onchanges", "watch"}


def render_sls(path, root):
    """Render as Salt's Jinja renderer does, with the filters the examples
    use from Salt's own set (quote: shlex.quote, salt/utils/jinja.py)."""
    import jinja2
    import shlex
    import yaml
    env = jinja2.Environment()
    env.filters["quote"] = shlex.quote
    with open(path) as f:
        tpl = env.from_string(f.read())
    text = tpl.render(salt={"pillar.get": lambda k, d=None: root},
                      grains={"kernelrelease": KERNEL})
    return yaml.safe_load(text)


def params(args):
    out = {}
    for a in args:
        out.update(a)
    return out


def run_sls(h, name, sls, test, bindir):
    """Run the states of SLS in order; {id: return}."""
    rets = {}
    for sid, body in sls.items():
        (fun, args), = body.items()
        p = params(args)
        mod = fun.split(".")[0]
        for req in REQUISITES & set(p):
            for r in p[req]:
                (rmod, rid), = r.items()
                ok(rid in sls and list(sls[rid])[0].split(".")[0] == rmod,
                   "%s: %s %s -> %s exists" % (name, sid, req, rid))
        if mod == "sysctl_guard":
            sig = inspect.signature(getattr(h.mod, fun.split(".")[1]))
            extra = set(p) - set(sig.parameters) - REQUISITES
            ok(not extra, "%s: %s: parameters %s" % (name, sid, extra))
            kw = {k: v for k, v in p.items() if k not in REQUISITES}
            kw.setdefault("name", sid)  # as Salt does: name is the state ID
            rets[sid] = h.call(fun.split(".")[1], test=test, **kw)
        elif fun == "cmd.run":
            ok(set(p) <= CMD_RUN, "%s: %s: cmd.run parameters" % (name, sid))
            if "stateful" not in p:
                continue  # e.g. sysctl --system: not run here
            cmd = p["name"]
            if test:
                cmd = params(p["stateful"])["test_name"]
            env = dict(h.env, PATH=bindir + os.pathsep + h.env["PATH"])
            r = subprocess.run(cmd, shell=True, capture_output=True,
                               text=True, env=env)
            line = stateful_line(r.stdout)
            rets[sid] = {"result": r.returncode == 0,
                         "changed": line["changed"],
                         "comment": line.get("comment", "")}
        else:
            ok(False, "%s: %s: unexpected state %s" % (name, sid, fun))
    return rets


def salt_json(minion, ret, n=0):
    """{minion: {state key: return}} as Salt's json outputter prints a
    highstate (salt/output/json_out.py: indent 4), with the keys
    salt/state.py adds to a return."""
    key = "sysctl_guard_|-sysctl audit_|-sysctl audit_|-checked"
    ret = dict(ret, __id__="sysctl audit", __run_num__=n, __sls__="audit",
               start_time="10:00:00.000000", duration=12.5)
    motd = {"name": "/etc/motd", "changes": {}, "result": True,
            "comment": "File /etc/motd is in the correct state",
            "__id__": "/etc/motd", "__run_num__": n + 1, "__sls__": "audit"}
    return {minion: {key: ret, "file_|-/etc/motd_|-/etc/motd_|-managed":
                     motd}}


def test_report(tmp, env):
    """The report of Salt's JSON output, as examples/salt/report.sh makes
    it: salt --static (one document), salt without --static (one per
    minion) and salt-call (minion "local", named by the id the state
    passes), each from the state module's real return; report.sh itself
    with a stand-in salt first on PATH."""
    h = Harness(os.path.join(TOP, "plugin", "salt", "_states",
                             "sysctl_guard.py"), env)
    root = os.path.join(tmp, "report-root")
    shutil.copytree(os.path.join(TOP, "examples", "roots",
                                 "time-wait-advice"), root, symlinks=True)
    h.mod.__opts__["id"] = "web1"
    r1 = h.call("checked", name="sysctl audit", root=root, kernel=KERNEL)
    h.mod.__opts__["id"] = "web2"
    r2 = h.call("checked", name="sysctl audit", root=root, kernel=KERNEL,
                disable=["tw-recycle-removed"])
    h.mod.__opts__["id"] = "minion1"
    ok(r1["sysctl_guard"].get("host") == "web1",
       "checked: the check in the return names the minion id")
    want = {"web1": r1["sysctl_guard"]["findings"],
            "web2": r2["sysctl_guard"]["findings"]}
    d = os.path.join(tmp, "salt-report")
    os.makedirs(d)
    static = dict(salt_json("web1", r1), **salt_json("web2", r2))
    streams = {
        "static.json": json.dumps(static, indent=4),
        "stream.json": json.dumps(salt_json("web1", r1), indent=4) + "\n" +
        json.dumps(salt_json("web2", r2), indent=4) + "\n",
    }
    for n, text in streams.items():
        p = os.path.join(d, n)
        with open(p, "w") as f:
            f.write(text)
        r = sg(["report", "--format", "json", p])
        rep = json.loads(r.stdout) if r.stdout.startswith("{") else {}
        got = {x["name"]: x for x in rep.get("hosts", [])}
        ok(r.returncode == 1 and sorted(got) == ["web1", "web2"] and all(
            sorted((f["rule"], f["line"]) for f in got[m]["findings"]) ==
            sorted((f["rule"], f["line"]) for f in want[m]
                   if "suppressed" not in f) for m in got),
           "report of salt --out=json (%s): a host per minion, its "
           "findings: %r %s" % (n, sorted(got), r.stderr[-200:]))
    # salt-call on a minion: "local", named by the check's host.
    p = os.path.join(d, "minion-file-name.json")
    with open(p, "w") as f:
        json.dump(salt_json("local", r1), f, indent=4)
    r = sg(["report", "--format", "json", p])
    rep = json.loads(r.stdout) if r.stdout.startswith("{") else {}
    ok([x["name"] for x in rep.get("hosts", [])] == ["web1"],
       "report of salt-call --out=json: the minion id, not 'local'")
    # examples/salt/report.sh, with a salt that prints what Salt would.
    bindir = os.path.join(tmp, "salt-bin")
    os.makedirs(bindir)
    with open(os.path.join(d, "static.json")) as f:
        static_text = f.read()
    fake = os.path.join(bindir, "salt")
    with open(fake, "w") as f:
        f.write("#!/bin/sh\n"
                "[ \"$*\" = \"--out=json --static * state.apply audit\" ] || "
                "{ echo \"salt: unexpected $*\" >&2; exit 9; }\n"
                "cat <<'EOF'\n%s\nEOF\nexit 1\n" % static_text)
    os.chmod(fake, 0o755)
    os.symlink(BIN, os.path.join(bindir, "sysctl-guard"))
    out = os.path.join(tmp, "sysctl-report")
    r = subprocess.run(["sh", os.path.join(TOP, "examples", "salt",
                                           "report.sh"), "*", out],
                       capture_output=True, text=True,
                       env=dict(env, PATH=bindir + ":" + env["PATH"]))
    ok(r.returncode == 1 and "2 hosts" in r.stdout and
       os.path.isfile(os.path.join(out, "report.html")) and
       "web2" in open(os.path.join(out, "report.html")).read(),
       "examples/salt/report.sh: the report of every minion: %d %s %s"
       % (r.returncode, r.stdout[:200], r.stderr[-300:]))


def test_sls(tmp, h, bindir):
    sdir = os.path.join(TOP, "examples", "salt")
    # An image root is never reloaded into this kernel; the machine's own
    # root (/) is, the way boot does; a root with a space is one word.
    for name in ("enforce.sls", "enforce-cmd.sls"):
        for root, want in (("/", True), ("/srv/images/web 1", False)):
            sls = render_sls(os.path.join(sdir, name), root)
            reloads = [params(a)["name"] for b in sls.values()
                       for f, a in b.items() if f == "cmd.run" and
                       "onchanges" in params(a)]
            ok(reloads == (["systemctl restart systemd-sysctl.service"]
                           if want else []),
               "%s, root %r: reloads %s" % (name, root, reloads))
            if name == "enforce-cmd.sls":
                cmd = params(sls["sysctl remediation"]["cmd.run"])["name"]
                words = shlex.split(cmd)
                ok(words[words.index("--root") + 1] == root,
                   "%s: the root %r is one shell word: %s" % (name, root, cmd))
    for name in ("audit.sls", "enforce.sls", "enforce-cmd.sls"):
        root = os.path.join(tmp, "sls-" + name)
        shutil.copytree(os.path.join(TOP, "examples", "roots",
                                     "time-wait-advice"), root, symlinks=True)
        sls = render_sls(os.path.join(sdir, name), root)
        before = snapshot(root)
        test_rets = run_sls(h, name, sls, True, bindir)
        ok(snapshot(root) == before, "%s test=True wrote nothing" % name)
        rets = run_sls(h, name, sls, False, bindir)
        again = run_sls(h, name, sls, False, bindir)
        first = list(rets.values())[0]
        if name == "audit.sls":
            ok(first["result"] is False and first["changes"] == {},
               "audit.sls: the error is reported, nothing changes")
        elif name == "enforce.sls":
            ok(list(test_rets.values())[0]["result"] is None and
               first["result"] is True and first["changes"] and
               list(again.values())[0]["changes"] == {},
               "enforce.sls: test None, then fixed, then no changes")
        else:
            ok(list(test_rets.values())[0]["changed"] and first["changed"] and
               first["result"] and not list(again.values())[0]["changed"],
               "enforce-cmd.sls: stateful changed=yes, then changed=no")
        ok(sg(["fix", "--dry-run", "--root", root, "--kernel",
               KERNEL]).returncode == (1 if name == "audit.sls" else 0),
           "%s: what is left to fix" % name)


def real_states(ret):
    """A state run's return (salt-call's "local") as {state id: return};
    Salt's render errors (a list) fail loudly."""
    if not isinstance(ret, dict):
        raise RuntimeError("Salt did not run the states: %r" % (ret,))
    return {k.split("_|-")[1]: v for k, v in ret.items()}


def test_real_salt(tmp, bindir):
    """The same through real Salt 3006 (tests/lib/salt_real.py): the state
    module synced to a masterless minion (checked; enforced in test mode,
    then for real, then again), the example SLS files (audit, enforce,
    enforce-cmd's cmd.run stateful with test_name), and salt-call
    --out=json of an audit into `report`. A stand-in sysctl and systemctl
    are first on PATH; the roots are copies."""
    import salt_real
    why = salt_real.missing()
    if why:
        print("salt: REAL SALT IS NOT HERE (%s): only the contract harness "
              "ran" % why)
        ok(not os.environ.get("CI"), "CI has no real Salt: %s" % why)
        return
    print("salt: real Salt 3006 (%s)" % salt_real.SALT_DIR)
    env = dict(ENV, PATH=bindir + os.pathsep + os.environ["PATH"])
    with salt_real.Minion(kernel=KERNEL, env=env) as m:
        os.makedirs(os.path.join(m.srv, "_states"))
        shutil.copy(os.path.join(TOP, "plugin", "salt", "_states",
                                 "sysctl_guard.py"),
                    os.path.join(m.srv, "_states"))
        for name in ("audit.sls", "enforce.sls", "enforce-cmd.sls"):
            shutil.copy(os.path.join(TOP, "examples", "salt", name), m.srv)
        synced = m.call("saltutil.sync_states")
        ok("states.sysctl_guard" in synced, "saltutil.sync_states: %r" %
           synced)
        root = os.path.join(tmp, "real-state")
        shutil.copytree(os.path.join(TOP, "examples", "roots",
                                     "time-wait-advice"), root, symlinks=True)
        before = snapshot(root)

        def single(fun, test=False, **kw):
            ret = real_states(m.call("state.single", "sysctl_guard." + fun,
                                     name=root, kernel=KERNEL, test=test,
                                     **kw))
            (r,) = ret.values()
            return r
        r = single("checked")
        ok(r["result"] is False and r["changes"] == {} and
           "tw-recycle-removed" in r["comment"] and
           r["sysctl_guard"]["host"] == "minion" and snapshot(root) == before,
           "real salt: checked fails on the famous advice, names the minion, "
           "changes nothing: %r" % r)
        pred = single("enforced", test=True)
        ok(pred["result"] is None and "net.ipv4.tcp_tw_recycle" in
           pred["changes"] and snapshot(root) == before,
           "real salt: enforced test=True predicts, writes nothing: %r" %
           pred)
        first = single("enforced")
        ok(first["result"] is True and first["changes"] == pred["changes"],
           "real salt: enforced makes the changes test mode predicted: "
           "%r %r" % (first["changes"], pred["changes"]))
        again = single("enforced")
        ok(again["result"] is True and again["changes"] == {},
           "real salt: enforced again: no changes: %r" % again)
        r = single("checked", fail_on="error")
        ok(r["result"] is True, "real salt: checked after the fix passes")
        # The examples, with their root from the pillar.
        for name in ("audit", "enforce", "enforce-cmd"):
            sroot = os.path.join(tmp, "real-sls-" + name)
            shutil.copytree(os.path.join(TOP, "examples", "roots",
                                         "time-wait-advice"), sroot,
                            symlinks=True)
            pillar = {"sysctl_guard": {"root": sroot}}
            before = snapshot(sroot)
            runs = []
            for test in (True, False, False):
                runs.append(real_states(m.call("state.apply", name,
                                               pillar=pillar, test=test)))
            t, first, again = (list(x.values())[0] for x in runs)
            if name == "audit":
                ok(first["result"] is False and first["changes"] == {} and
                   snapshot(sroot) == before,
                   "real salt, audit.sls: the error is reported, nothing "
                   "changes: %r" % first)
            else:
                ok(t["result"] is None and t["changes"] and
                   first["result"] is True and first["changes"] and
                   again["result"] is True and not again["changes"],
                   "real salt, %s.sls: test None with changes, then fixed, "
                   "then no changes: %r / %r / %r" % (name, t, first, again))
            ok(len(runs[0]) == len(runs[1]) and m.calls() == [],
               "real salt, %s.sls: no reload for an image root: %r" %
               (name, m.calls()))
            ok(sg(["fix", "--dry-run", "--root", sroot, "--kernel",
                   KERNEL]).returncode == (1 if name == "audit" else 0),
               "real salt, %s.sls: what is left to fix" % name)
        # salt-call --out=json of the audit, into the report.
        sroot = os.path.join(tmp, "real-report")
        shutil.copytree(os.path.join(TOP, "examples", "roots",
                                     "time-wait-advice"), sroot,
                        symlinks=True)
        r = subprocess.run(
            [os.path.join(salt_real.SALT_DIR, "salt-call"), "--out=json",
             "state.apply", "audit",
             "pillar=" + json.dumps({"sysctl_guard": {"root": sroot}})],
            capture_output=True, text=True,
            env=dict(env, SALT_WORK=m.work,
                     PATH=os.path.join(m.work, "bin") + os.pathsep +
                     env["PATH"]))
        out = os.path.join(tmp, "salt-call.json")
        with open(out, "w") as f:
            f.write(r.stdout)
        rep = sg(["report", "--format", "json", out])
        hosts = json.loads(rep.stdout).get("hosts", []) \
            if rep.stdout.startswith("{") else []
        ok(r.stdout.lstrip().startswith("{") and
           [h["name"] for h in hosts] == ["minion"] and
           any(f["rule"] == "tw-recycle-removed"
               for f in hosts[0]["findings"]),
           "real salt-call --out=json into report: the minion and its "
           "findings: %r %s" % ([h.get("name") for h in hosts],
                                rep.stderr[-300:]))


def main():
    with tempfile.TemporaryDirectory() as tmp:
        n = 0
        for name in sorted(os.listdir(CASES)):
            case = os.path.join(CASES, name)
            args = tree_args(case) if os.path.isdir(case) else None
            if args is None or "--live" in args:
                continue
            test_case(tmp, name, args)
            n += 1
        ok(n >= 20, "ran %d case trees" % n)
        test_quoting(tmp)
        # The binary on PATH, as on a minion with sysctl-guard installed.
        bindir = os.path.join(tmp, "bin")
        os.makedirs(bindir)
        os.symlink(BIN, os.path.join(bindir, "sysctl-guard"))
        os.environ["PATH"] = bindir + os.pathsep + os.environ["PATH"]
        h = test_state_module(tmp, dict(ENV, PATH=os.environ["PATH"]))
        test_report(tmp, dict(ENV, PATH=os.environ["PATH"]))
        test_sls(tmp, h, bindir)
        test_real_salt(tmp, bindir)
    return TALLY.done("salt")


if __name__ == "__main__":
    sys.exit(main())
