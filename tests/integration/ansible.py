#!/usr/bin/env python3
"""Ansible integration: the binary as the `sysctl_guard` module, run by the
real ansible-playbook (JSON callback, so every host's module result is
read back and compared with `sysctl-guard check --format json`).

- ansible-doc renders the adjacent sysctl_guard.yml;
- examples/ansible (a copy): audit.yml on each sample host gives the
  findings `check` gives, fails where an error is found, and runs the
  ansible_facts.kernel task on this machine; remediate.yml in check+diff
  mode predicts `changed` as `fix --dry-run` does, shows before/after and
  writes nothing; for real it fixes (nothing left to fix, no error left),
  and a second run reports changed=0;
- a fleet of every case tree with a kernel (>= 20 hosts, forks=8): each
  host's findings equal the case's expected.json; fixed, then changed=0;
- bad parameters fail the task with AnsibleModule's messages;
- direct: the args files Ansible would never write (an empty key, a list,
  not JSON, a repeated key) get a JSON failure or a usage error, no crash
  (also run with the ASan binary: `--direct-only`);
- the module's header in a TMPDIR another user can write (issue 23): a
  user racing to swap the binary never gets root to run theirs.
Usage: ansible.py BINARY [--direct-only] [--module MODULE]
(--module: only the TMPDIR race, on that built module, e.g. an old one.)
"""
import json
import os
import re
import platform
import shutil
import subprocess
import sys
import tempfile
import time
import yaml

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from sgtest import (CASES, ENV, TOP, Tally, fingerprint, snapshot,  # noqa: E402
                    tree_args)

TALLY = Tally()
ok = TALLY.ok
BIN = os.path.abspath(sys.argv[1])
DIRECT_ONLY = "--direct-only" in sys.argv[2:]
MODULE = (os.path.abspath(sys.argv[sys.argv.index("--module") + 1])
          if "--module" in sys.argv[2:] else None)


def module_dir(tmp):
    """The module built around the binary under test (scripts/module.sh, as
    the Makefile builds it), its docs beside it."""
    d = os.path.join(tmp, "library")
    os.makedirs(d)
    yml = os.path.join(TOP, "plugin", "ansible", "sysctl_guard.yml")
    subprocess.run(["sh", os.path.join(TOP, "scripts", "module.sh"),
                    os.path.join(TOP, "plugin", "ansible", "sysctl_guard.sh"),
                    yml, BIN, os.path.join(d, "sysctl_guard")], check=True)
    shutil.copy(yml, d)
    return d


def playbook(cwd, lib, args, env_extra=None, alone=False):
    """Run ansible-playbook with the JSON callback; (rc, parsed output).
    ALONE: no SYSCTL_GUARD_* variables, as on a host where nothing but the
    module Ansible copies is there (it uses its built-in lens and policies)."""
    env = dict(ENV, ANSIBLE_LIBRARY=lib, ANSIBLE_STDOUT_CALLBACK="json",
               ANSIBLE_RETRY_FILES_ENABLED="False")
    if alone:
        env = {k: v for k, v in env.items()
               if not k.startswith("SYSCTL_GUARD_")}
    env.update(env_extra or {})
    r = subprocess.run(["ansible-playbook"] + args, cwd=cwd, env=env,
                       capture_output=True, text=True, timeout=900)
    try:
        out = json.loads(r.stdout)
    except ValueError:
        print(r.stdout[-3000:], r.stderr[-3000:])
        out = {"plays": [], "stats": {}}
    return r.returncode, out


BAD_FINGERPRINTS = []
FINGERPRINTS = [0]
CHECKED = {}  # id -> the finding, kept alive so that no id is reused


def strip_fingerprints(res):
    """The module's findings carry their fingerprint, check's do not: check
    it and take it off, so that the two compare."""
    for f in res.get("findings", []) if isinstance(res, dict) else []:
        if not isinstance(f, dict) or id(f) in CHECKED:
            continue  # results() may see one result twice
        CHECKED[id(f)] = f
        FINGERPRINTS[0] += 1
        if f.pop("fingerprint", None) != fingerprint(f):
            BAD_FINGERPRINTS.append(f)
    return res


def results(out, task_name):
    """{host: module result} of the task named TASK_NAME (fingerprints
    checked and taken off)."""
    res = {}
    for play in out["plays"]:
        for task in play["tasks"]:
            if task["task"]["name"] == task_name:
                res.update(task["hosts"])
    for r in res.values():
        strip_fingerprints(r)
    return res


def check_json(root, args):
    r = subprocess.run([BIN, "check", "--format", "json", "--root", root] +
                       args, capture_output=True, text=True, env=ENV)
    return r.returncode, json.loads(r.stdout) if r.stdout else {}


def sg_rc(args):
    return subprocess.run([BIN] + args, capture_output=True, text=True,
                          env=ENV).returncode


def host_args(inv_host):
    a = ["--kernel", inv_host["sysctl_guard_kernel"]]
    for p in inv_host.get("sysctl_guard_profile", []):
        a += ["--profile", p]
    return a


def test_doc(lib):
    r = subprocess.run(["ansible-doc", "-M", lib, "sysctl_guard"],
                       capture_output=True, text=True, env=ENV)
    ok(r.returncode == 0, "ansible-doc sysctl_guard: rc %d %s" %
       (r.returncode, r.stderr[-500:]))
    for want in ("choices: [checked, fixed]", "fail_on", "EXAMPLES",
                 "RETURN VALUES", "ansible_facts.kernel"):
        ok(want in r.stdout, "ansible-doc shows %r" % want)
    # The list reads the module file itself as UTF-8 text (2.14's
    # read_docstub): its header has the stub, the binary comes after.
    r = subprocess.run(["ansible-doc", "-t", "module", "-l", "-M", lib],
                       capture_output=True, text=True, env=ENV)
    line = [l for l in r.stdout.splitlines() if "sysctl_guard" in l]
    ok(r.returncode == 0 and line and "Check and fix the persistent" in
       line[0] and "sysctl_guard" not in r.stderr,
       "ansible-doc -l -M lists the module, with no warning: %r %r" %
       (line, r.stderr[-300:]))
    with open(os.path.join(lib, "sysctl_guard"), "rb") as f:
        head = f.read(16384)
    ok(head.startswith(b"#!/bin/sh\n") and b"WANT_JSON" in head and
       head.decode("utf-8", "strict") is not None,
       "the module's first 16 KiB are a UTF-8 shell header")


def example_hosts(ex):
    import yaml
    with open(os.path.join(ex, "inventory", "hosts.yml")) as f:
        return yaml.safe_load(f)["fleet"]["hosts"]


def test_examples(tmp, lib):
    ex = os.path.join(tmp, "ex")
    shutil.copytree(os.path.join(TOP, "examples", "ansible"), ex,
                    symlinks=True)
    # The examples run as on hosts with nothing installed: the module
    # brings its lens and policies and leaves no scratch directory behind.
    scratch = os.path.join(tmp, "host-tmp")
    os.makedirs(scratch)
    alone = {"TMPDIR": scratch}
    hosts = example_hosts(ex)
    ok(len(hosts) >= 5, "the example inventory has several hosts")

    # Copied out of the checkout: the ansible.cfg also searches the
    # installed module's directories (issue 29: library pointed at
    # ../../build/ansible only), as ansible-config itself reads it.
    cfg = subprocess.run(["ansible-config", "dump", "--only-changed"],
                         cwd=ex, capture_output=True, text=True,
                         env={k: v for k, v in ENV.items()
                              if k != "ANSIBLE_LIBRARY"})
    ok(re.search(r"^DEFAULT_MODULE_PATH\(.*\) = \[.*"
                 r"'/usr/local/share/sysctl-guard/ansible', "
                 r"'/usr/share/sysctl-guard/ansible'\]", cfg.stdout, re.M),
       "examples/ansible copied out: library includes the installed "
       "module's directories: %r" % cfg.stdout[-400:])
    # ... and the report is built with the sysctl-guard on PATH (no -e).
    onpath = os.path.join(tmp, "onpath")
    os.makedirs(onpath)
    os.symlink(BIN, os.path.join(onpath, "sysctl-guard"))
    rc, out = playbook(ex, lib, ["audit.yml"],
                       dict(alone, PATH=onpath + ":" + ENV["PATH"]), True)
    ok(not results(out, "Check /etc/sysctl.conf and every sysctl.d "
                        "directory"),
       "audit.yml does not audit the controller's own / unless asked")
    got = results(out, "Check the sysctl files against the policies")
    # The fleet report, built on the controller from the saved results.
    saved = sorted(os.listdir(os.path.join(ex, "reports"))) \
        if os.path.isdir(os.path.join(ex, "reports")) else []
    ok(saved == sorted(h + ".json" for h in hosts),
       "audit: every host's result saved on the controller: %r" % saved)
    r = subprocess.run([BIN, "report", "--format", "json",
                        os.path.join(ex, "reports")], capture_output=True,
                       text=True, env=ENV)
    rep = json.loads(r.stdout) if r.stdout.startswith("{") else {}
    by_host = {x["name"]: x for x in rep.get("hosts", [])}
    for h, inv in hosts.items():
        _, want = check_json(os.path.join(ex, "roots", h), host_args(inv))
        live = [f for f in want["findings"] if "suppressed" not in f]
        x = by_host.get(h, {})
        ok(x.get("kernel") == inv["sysctl_guard_kernel"] and
           x.get("summary") == want["summary"] and
           sorted((f["rule"], f["file"], f.get("line", 0))
                  for f in x.get("findings", [])) ==
           sorted((f["rule"], f["file"], f.get("line", 0)) for f in live),
           "report of the fleet: %s's findings and counts as check gives "
           "them" % h)
    # The same report from the json callback's own output of the play.
    cb = os.path.join(tmp, "audit-callback.json")
    with open(cb, "w") as f:
        json.dump(out, f)
    r = subprocess.run([BIN, "report", "--format", "json", cb],
                       capture_output=True, text=True, env=ENV)
    rep2 = json.loads(r.stdout) if r.stdout.startswith("{") else {}
    fleet = [x for x in rep2.get("hosts", []) if x["name"] in hosts]
    ok(r.returncode in (0, 1) and
       sorted((x["name"], x["kernel"], json.dumps(x["summary"]),
               json.dumps(x["findings"])) for x in fleet) ==
       sorted((x["name"], x["kernel"], json.dumps(x["summary"]),
               json.dumps(x["findings"])) for x in rep.get("hosts", [])),
       "report of the json callback's output: the fleet as from the saved "
       "results (rc %d, %s)" % (r.returncode, r.stderr[-300:]))
    for h in hosts:
        with open(os.path.join(ex, "reports", h + ".json")) as f:
            ok(json.load(f).get("host") == h,
               "the saved result of %s names its host" % h)
    html = os.path.join(ex, "report.html")
    ok(os.path.isfile(html) and all(
        h in open(html).read() for h in hosts),
       "audit.yml wrote report.html naming every host")
    for h, inv in hosts.items():
        root = os.path.join(ex, "roots", h)
        crc, want = check_json(root, host_args(inv))
        res = got.get(h, {})
        ok(res.get("findings") == want.get("findings"),
           "audit %s: findings as check gives them" % h)
        ok(res.get("summary") == want.get("summary"), "audit %s: summary" % h)
        ok(res.get("kernel") == inv["sysctl_guard_kernel"],
           "audit %s: kernel" % h)
        ok(res.get("failed", False) == (want["summary"]["error"] > 0),
           "audit %s: failed iff an error (fail_on=error)" % h)
        ok(res.get("changed") is False, "audit %s: changed=false" % h)
    rc, out = playbook(ex, lib, ["audit.yml", "--tags", "controller"],
                       alone, True)
    local = results(out, "Check /etc/sysctl.conf and every sysctl.d directory")
    ok(local.get("localhost", {}).get("kernel") == platform.release() and
       not results(out, "Check the sysctl files against the policies"),
       "audit --tags controller: the controller alone, ansible_facts.kernel "
       "reaching the module")

    # Check mode with diff: predicted, shown, nothing written.
    before = snapshot(os.path.join(ex, "roots"))
    rc, out = playbook(ex, lib, ["remediate.yml", "--check", "--diff"],
                       alone, True)
    got = results(out, "Fix the sysctl files")
    for h, inv in hosts.items():
        root = os.path.join(ex, "roots", h)
        would = sg_rc(["fix", "--dry-run", "--root", root] +
                      host_args(inv)) == 1
        res = got.get(h, {})
        ok(res.get("changed") == would,
           "check mode %s: changed=%s predicted" % (h, would))
        diff = res.get("diff") or []
        ok(bool(diff) == would and all(
            d["before"] != d["after"] and d["after_header"].startswith("/etc/")
            for d in diff), "diff mode %s: before/after per file" % h)
    ok(any(r.get("changed") for r in got.values()),
       "check mode: some sample host has something to fix")
    ok(snapshot(os.path.join(ex, "roots")) == before,
       "check mode wrote nothing")

    # For real, then again. `check` is clean afterwards wherever every
    # warning or error had a fix (Debian 13's sysctl.conf that nothing
    # reads at boot has none: moving settings is the operator's call).
    unfixable = {}
    for h, inv in hosts.items():
        _, before_fix = check_json(os.path.join(ex, "roots", h),
                                   host_args(inv))
        unfixable[h] = [f["rule"] for f in before_fix["findings"]
                        if f["severity"] != "info" and "fix" not in f]
    ok(sum(1 for v in unfixable.values() if not v) >= 3,
       "most sample hosts can be fixed clean")
    rc, out = playbook(ex, lib, ["remediate.yml"], alone, True)
    ok(rc == 0, "remediate.yml: rc %d" % rc)
    got = results(out, "Fix the sysctl files")
    for h, inv in hosts.items():
        root = os.path.join(ex, "roots", h)
        ok(sg_rc(["fix", "--dry-run", "--root", root] + host_args(inv)) == 0,
           "remediate %s: nothing left to fix" % h)
        ok(sg_rc(["check", "--fail-on", "error", "--root", root] +
                 host_args(inv)) == 0, "remediate %s: no error left" % h)
        if not unfixable[h]:
            ok(sg_rc(["check", "--root", root] + host_args(inv)) == 0,
               "remediate %s: check is clean" % h)
        ok(h in got and not got[h].get("failed", False),
           "remediate %s: ok" % h)
    rc, out = playbook(ex, lib, ["remediate.yml"], alone, True)
    ok(rc == 0 and all(s["changed"] == 0 for s in out["stats"].values()),
       "remediate.yml again: changed=0 on every host")
    left = [n for n in os.listdir(scratch) if n.startswith("sysctl-guard-")]
    ok(not left, "the module removed its scratch directories: %s" % left)


def write_fleet(tmp):
    """Every case tree with a kernel as a host: its own root copy."""
    import yaml
    hosts, expect = {}, {}
    for name in sorted(os.listdir(CASES)):
        case = os.path.join(CASES, name)
        args = tree_args(case) if os.path.isdir(case) else None
        if args is None or "--live" in args or not os.path.exists(
                os.path.join(case, "expected.json")):
            continue  # the module reads no /proc/sys: --live is not in it
        root = os.path.join(tmp, "fleet", name, "root")
        shutil.copytree(os.path.join(case, "root"), root, symlinks=True)
        if os.path.exists(os.path.join(case, "setup.sh")):
            # What git cannot hold (a directory named *.conf, a NUL byte),
            # made in the copy as run.py makes it.
            subprocess.run(["sh", os.path.join(case, "setup.sh")],
                           cwd=os.path.dirname(root), check=True)
        h = {"root": root, "kernel": args[args.index("--kernel") + 1]}
        # A tree that does not read cleanly: nothing is fixed in it.
        h["broken"] = False
        if os.path.exists(os.path.join(case, "exit")):
            with open(os.path.join(case, "exit")) as f:
                h["broken"] = f.read().strip() == "2"
        h["profile"] = [args[i + 1] for i, a in enumerate(args)
                        if a == "--profile"]
        h["semantics"] = (args[args.index("--semantics") + 1]
                          if "--semantics" in args else "systemd")
        h["policies"] = [args[i + 1] for i, a in enumerate(args)
                         if a == "--policy"]
        hosts[name] = h
        with open(os.path.join(case, "expected.json")) as f:
            expect[name] = json.loads(f.read().replace(
                "{root}", root.replace("\\", "\\\\").replace('"', '\\"')))
    inv = {"fleet": {"hosts": {n: {"sg_root": h["root"],
                                   "sg_kernel": h["kernel"],
                                   "sg_profile": h["profile"],
                                   "sg_semantics": h["semantics"],
                                   "sg_policies": h["policies"]}
                               for n, h in hosts.items()},
                     "vars": {"ansible_connection": "local"}}}
    with open(os.path.join(tmp, "fleet.yml"), "w") as f:
        yaml.safe_dump(inv, f)
    with open(os.path.join(tmp, "fleet-play.yml"), "w") as f:
        f.write("""- hosts: fleet
  gather_facts: false
  tasks:
    - name: sysctl_guard
      sysctl_guard:
        root: "{{ sg_root }}"
        kernel: "{{ sg_kernel }}"
        profile: "{{ sg_profile }}"
        semantics: "{{ sg_semantics }}"
        policies: "{{ sg_policies if sg_policies else omit }}"
        state: "{{ sg_state }}"
        fail_on: info
      ignore_errors: true
""")
    return hosts, expect


def test_fleet(tmp, lib):
    hosts, expect = write_fleet(tmp)
    ok(len(hosts) >= 20, "fleet of %d hosts (>= 20)" % len(hosts))
    base = ["-i", "fleet.yml", "fleet-play.yml", "--forks", "8"]
    rc, out = playbook(tmp, lib, base + ["-e", "sg_state=checked"])
    got = results(out, "sysctl_guard")
    ok(len(got) == len(hosts), "fleet: every host answered")
    for n in hosts:
        res = got.get(n, {})
        ok(res.get("findings") == expect[n]["findings"],
           "fleet %s: findings equal expected.json" % n)
        # fail_on=info: failed exactly when there is a finding (or an input
        # error, which a case tree with expected.json has not).
        ok(res.get("failed", False) == any(
            "suppressed" not in f for f in expect[n]["findings"]),
           "fleet %s: failed iff a finding reaches fail_on (a suppressed "
           "one does not)" % n)
    rc, out = playbook(tmp, lib, base + ["-e", "sg_state=fixed"])
    got = results(out, "sysctl_guard")
    ok(any(r.get("changed") for r in got.values()), "fleet: fixes applied")
    for n, h in hosts.items():
        args = ["--kernel", h["kernel"], "--semantics", h["semantics"]] + sum(
            (["--profile", p] for p in h["profile"]), []) + sum(
            (["--policy", p] for p in h["policies"]), [])
        ok(sg_rc(["fix", "--dry-run", "--root", h["root"]] + args) ==
           (2 if h["broken"] else 0), "fleet %s: nothing left to fix" % n)
    rc, out = playbook(tmp, lib, base + ["-e", "sg_state=fixed"])
    ok(all(s["changed"] == 0 for s in out["stats"].values()) and
       len(out["stats"]) == len(hosts), "fleet again: changed=0 everywhere")


BAD = [
    ({"root": "{root}", "bogus": 1, "other": "x"},
     "Unsupported parameters for (sysctl_guard) module: bogus, other. "
     "Supported parameters include: disable, fail_on, host, kernel, live, policies, "
     "profile, root, semantics, state."),
    ({"root": "{root}", "state": "wrong"},
     "value of state must be one of: checked, fixed, got: wrong"),
    ({"root": "{root}", "fail_on": "fatal"},
     "value of fail_on must be one of: error, warning, info, got: fatal"),
    ({"root": "{root}", "profile": [{"a": 1}]},
     "Elements value for option 'profile' is of type dict"),
    ({"root": "{root}/missing"}, "No such file or directory"),
    ({"root": "{root}", "kernel": "not-a-kernel"}, "not-a-kernel"),
    ({"root": "{root}", "live": "maybe"},
     "argument 'live' is of type str and we were unable to convert to bool"),
]


def test_bad_params(tmp, lib):
    root = os.path.join(tmp, "bad-root")
    shutil.copytree(os.path.join(TOP, "examples", "roots",
                                 "time-wait-advice"), root, symlinks=True)
    tasks = []
    for i, (params, _) in enumerate(BAD):
        p = json.loads(json.dumps(params).replace("{root}", root))
        tasks.append({"name": "bad%d" % i, "sysctl_guard": p,
                      "ignore_errors": True})
    play = [{"hosts": "localhost", "gather_facts": False, "tasks": tasks}]
    with open(os.path.join(tmp, "bad.yml"), "w") as f:
        json.dump(play, f)  # JSON is YAML
    rc, out = playbook(tmp, lib, ["-i", "localhost,", "-c", "local",
                                  "bad.yml"])
    for i, (_, msg) in enumerate(BAD):
        res = results(out, "bad%d" % i).get("localhost", {})
        ok(res.get("failed") is True and msg in res.get("msg", ""),
           "bad parameters %d: failed with %r (got %r)" %
           (i, msg, res.get("msg")))
        ok("module_args" in res.get("invocation", {}),
           "bad parameters %d: the invocation is returned" % i)
    # A kernel as a YAML number is refused, saying to quote it: YAML
    # reads `kernel: 5.10` as 5.1, which would check the wrong kernel.
    with open(os.path.join(tmp, "num.yml"), "w") as f:
        f.write("""- hosts: localhost
  gather_facts: false
  tasks:
    - name: num
      sysctl_guard: {root: "%s", kernel: 6.1, fail_on: error}
      ignore_errors: true
""" % root)
    rc, out = playbook(tmp, lib, ["-i", "localhost,", "-c", "local",
                                  "num.yml"])
    res = results(out, "num").get("localhost", {})
    ok(res.get("failed") and "quote it" in res.get("msg", ""),
       "kernel: 6.1 (a YAML number) is refused, saying to quote it: %r" %
       res.get("msg"))
    # live: the running kernel's values under the root (a case tree with
    # a proc/sys of its own), as `check --live` reports them; "yes" is a
    # boolean as AnsibleModule reads one.
    live = os.path.join(tmp, "live-root")
    shutil.copytree(os.path.join(CASES, "rule-tw-buckets-lowered", "root"),
                    live, symlinks=True)
    with open(os.path.join(tmp, "live.yml"), "w") as f:
        f.write("""- hosts: localhost
  gather_facts: false
  tasks:
    - name: live
      sysctl_guard: {root: "%s", kernel: "6.1.0-13-amd64", live: "yes"}
      ignore_errors: true
    - name: files
      sysctl_guard: {root: "%s", kernel: "6.1.0-13-amd64"}
      ignore_errors: true
""" % (live, live))
    rc, out = playbook(tmp, lib, ["-i", "localhost,", "-c", "local",
                                  "live.yml"])
    res = results(out, "live").get("localhost", {})
    files = results(out, "files").get("localhost", {})
    _, want = check_json(live, ["--kernel", "6.1.0-13-amd64", "--live"])
    ok(res.get("findings") == want["findings"] and want["findings"] and
       files.get("findings") == [] and
       res.get("invocation", {}).get("module_args", {}).get("live") is True,
       "live: yes: the findings of check --live: %r / %r" % (
           res.get("findings"), want["findings"]))
    ok(files.get("invocation", {}).get("module_args", {}).get("live") is
       False, "live defaults to false")
    # live: drift is a finding, the same as check --live's (issue 28)
    drift = os.path.join(tmp, "live-drift-root")
    shutil.copytree(os.path.join(CASES, "rule-live-drift", "root"), drift,
                    symlinks=True)
    with open(os.path.join(tmp, "drift.yml"), "w") as f:
        f.write("""- hosts: localhost
  gather_facts: false
  tasks:
    - name: drift
      sysctl_guard: {root: "%s", kernel: "6.1.0-13-amd64", live: true}
      ignore_errors: true
""" % drift)
    rc, out = playbook(tmp, lib, ["-i", "localhost,", "-c", "local",
                                  "drift.yml"])
    res = results(out, "drift").get("localhost", {})
    _, want = check_json(drift, ["--kernel", "6.1.0-13-amd64", "--live"])
    rules = sorted(f["rule"] for f in res.get("findings") or [])
    ok(res.get("findings") == want["findings"] and
       rules.count("live-drift") == 3,
       "live: true: the drift of check --live: %r" % rules)
    # live: the running kernel is the catalog of that kernel: a key its
    # /proc/sys lacks is missing there, whatever the catalogued versions say.
    live2 = os.path.join(tmp, "live-catalog-root")
    shutil.copytree(os.path.join(CASES, "rule-key-missing-live", "root"),
                    live2, symlinks=True)
    with open(os.path.join(tmp, "live2.yml"), "w") as f:
        f.write("""- hosts: localhost
  gather_facts: false
  tasks:
    - name: live2
      sysctl_guard: {root: "%s", kernel: "6.1.0-13-amd64", live: true}
      ignore_errors: true
""" % live2)
    rc, out = playbook(tmp, lib, ["-i", "localhost,", "-c", "local",
                                  "live2.yml"])
    res = results(out, "live2").get("localhost", {})
    _, want = check_json(live2, ["--kernel", "6.1.0-13-amd64", "--live"])
    missing = [f for f in res.get("findings", [])
               if f.get("rule") == "key-missing"]
    ok(res.get("findings") == want["findings"] and len(missing) == 1 and
       "the running kernel" in missing[0].get("message", ""),
       "live: the running kernel's keys decide key-missing: %r" %
       res.get("findings"))
    # Paths as operators write them (type path): ~ and variables of the
    # task's environment, expanded on the managed host.
    home = os.path.join(tmp, "home-play")
    shutil.copytree(root, os.path.join(home, "images", "web"), symlinks=True)
    with open(os.path.join(tmp, "paths.yml"), "w") as f:
        f.write("""- hosts: localhost
  gather_facts: false
  environment: {HOME: "%s", SG_IMAGES: "%s/images"}
  tasks:
    - name: tilde
      sysctl_guard: {root: "~/images/web", kernel: "6.1"}
      ignore_errors: true
    - name: variable
      sysctl_guard:
        root: "${SG_IMAGES}/web"
        kernel: "6.1"
        policies: "$SG_POLICIES/time-wait.xml,$SG_POLICIES/listen-backlog.xml"
      ignore_errors: true
""" % (home, home))
    rc, out = playbook(tmp, lib, ["-i", "localhost,", "-c", "local",
                                  "paths.yml"],
                       env_extra={"SG_POLICIES":
                                  os.path.join(TOP, "policies")})
    want = check_json(root, ["--kernel", "6.1"])[1].get("findings")
    for task in ("tilde", "variable"):
        res = results(out, task).get("localhost", {})
        used = res.get("invocation", {}).get("module_args", {})
        ok(want and res.get("findings") == want and
           used.get("root") == os.path.join(home, "images", "web"),
           "root as written in a play (%s): expanded, same findings as "
           "check (got %r, %r)" % (task, used.get("root"), res.get("msg")))
    used = results(out, "variable").get("localhost", {}).get(
        "invocation", {}).get("module_args", {})
    ok(used.get("policies") == [os.path.join(TOP, "policies", p) for p in
                                ("time-wait.xml", "listen-backlog.xml")],
       "policies as written in a play: a list of expanded paths (got %r)"
       % used.get("policies"))


DIRECT = [
    ('{"": 1}', 1, "Unsupported parameters for (sysctl_guard) module: ."),
    ('{"state": "fixed", "_ansible_check_mode": true, "root": "{root}",'
     ' "kernel": "6.1", "profile": "server,,nat,"}', 0, "would fix"),
    # A repeated key: the first counts (root exists; its error fails).
    ('{"root": "{root}", "root": "/nonexistent", "kernel": "6.1"}', 1,
     "1 error, 3 warnings, 3 info (kernel 6.1)"),
    ('{"policies": "/nonexistent", "root": "{root}"}', 1,
     "cannot load the policies"),
    ('{"root": "{root}", "kernel": true}', 1, "argument 'kernel' is of type"),
]


# Paths as a task may write them, expanded as AnsibleModule expands type
# path (os.path.expanduser(os.path.expandvars(value))); the expected value
# is what Python itself makes of each under the same environment.
PATHS = ["~/r", "~", "~/", "$SGT_HOME/r", "${SGT_HOME}/r", "${SGT_HOME}r",
         "$SGT_UNSET/r", "${SGT_UNSET}/r", "~sg-no-such-user/r", "${}/r",
         "$/r", "${SGT_HOME/r", "$SGT_HOME$SGT_HOME", "~root/r", "a$b~/r",
         "$SGT_TILDE/r"]


def run_module(path, text, env):
    """The module on an args file holding TEXT: (rc, result, stderr)."""
    with open(path, "w") as f:
        f.write(text)
    r = subprocess.run([BIN, path], capture_output=True, text=True, env=env)
    try:
        res = strip_fingerprints(json.loads(r.stdout))
    except ValueError:
        res = {}
    return r.returncode, res, r.stderr


def python_expand(path, env):
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    try:
        return os.path.expanduser(os.path.expandvars(path))
    finally:
        os.environ.clear()
        os.environ.update(saved)


def test_paths(tmp):
    home = os.path.join(tmp, "home")
    os.makedirs(home, exist_ok=True)
    env = dict(ENV, HOME=home, SGT_HOME=home, SGT_TILDE="~")
    env.pop("SGT_UNSET", None)
    path = os.path.join(tmp, "args")
    for p in PATHS:
        want = python_expand(p, env)
        rc, res, _ = run_module(path, json.dumps(
            {"root": "/", "kernel": "6.1", "policies": [p, p]}), env)
        # No policies there: the message names the path as expanded.
        ok(rc == 1 and (want + ": ") in res.get("msg", ""),
           "path %r is expanded as AnsibleModule would: %r (got %r)" %
           (p, want, res.get("msg")))
    # The root too, and the invocation shows what was used.
    root = os.path.join(home, "r")
    shutil.copytree(os.path.join(TOP, "examples", "roots",
                                 "time-wait-advice"), root, symlinks=True)
    for p in ("~/r", "$SGT_HOME/r", "${SGT_HOME}/r"):
        _, res, _ = run_module(path, json.dumps({"root": p, "kernel": "6.1"}),
                               env)
        args = res.get("invocation", {}).get("module_args", {})
        ok(args.get("root") == root and res.get("findings"),
           "root %r: evaluated as %s (got %r, %r)" %
           (p, root, args.get("root"), res.get("msg")))


def test_direct(tmp):
    root = os.path.join(tmp, "direct-root")
    shutil.copytree(os.path.join(TOP, "examples", "roots",
                                 "time-wait-advice"), root, symlinks=True)
    before = snapshot(root)
    path = os.path.join(tmp, "args")
    for text, rc, msg in DIRECT:
        got, res, err = run_module(path, text.replace("{root}", root), ENV)
        ok(got == rc and msg in res.get("msg", ""),
           "direct %s: rc %d, msg %r (got %d %r %s)" %
           (text, rc, msg, got, res.get("msg"), err[-300:]))
        # As AnsibleModule's fail_json: the parameters as used, always.
        ok("module_args" in res.get("invocation", {}),
           "direct %s: the result has the invocation" % text)
    for text in ("[1]", "not json", ""):
        with open(path, "w") as f:
            f.write(text)
        r = subprocess.run([BIN, path], capture_output=True, text=True,
                           env=ENV)
        ok(r.returncode == 2 and "unknown command" in r.stderr,
           "direct %r: not an args file, a usage error" % text)
    ok(snapshot(root) == before, "direct: check mode wrote nothing")

    # The parameter table (plugin/ansible/params.c) is what sysctl_guard.yml
    # documents: the same names, types, choices and defaults, as the
    # invocation of a run given none shows them.
    with open(os.path.join(TOP, "plugin", "ansible", "sysctl_guard.yml")) as f:
        doc = yaml.safe_load(f)["DOCUMENTATION"]["options"]
    _, res, _ = run_module(path, json.dumps({"root": root, "kernel": "6.1"}),
                           ENV)
    used = res.get("invocation", {}).get("module_args", {})
    ok(sorted(used) == sorted(doc),
       "module parameters %s, documented %s" % (sorted(used), sorted(doc)))
    for name, o in doc.items():
        want = o.get("default")
        if name in ("root", "kernel"):
            continue  # given above
        got = used.get(name)
        ok(got == want or (want is None and got is None),
           "parameter %s: default %r, documented %r" % (name, got, want))
    for name, o in doc.items():
        if "choices" not in o:
            continue
        _, res, _ = run_module(path, json.dumps(
            {"root": root, "kernel": "6.1", name: "no-such-choice"}), ENV)
        msg = res.get("msg", "")
        listed = msg.split("must be one of: ", 1)[-1].rsplit(", got:", 1)[0]
        ok(listed.split(", ") == [str(c) for c in o["choices"]],
           "parameter %s: the choices %s are the documented ones: %r" %
           (name, o["choices"], msg))

    # The module's result is check --format json's data plus its own keys:
    # every key check prints, with the same value, for a check, a preview
    # and a profile (fingerprints checked and taken off above).
    own = {"changed", "changes", "diff", "failed", "msg", "warnings",
           "invocation"}
    for extra, cargs in (({}, []),
                         ({"profile": ["server"]}, ["--profile", "server"]),
                         ({"state": "fixed", "_ansible_check_mode": True},
                          [])):
        a = dict({"root": root, "kernel": "6.1", "host": "h1"}, **extra)
        _, res, _ = run_module(path, json.dumps(a), ENV)
        _, want = check_json(root, ["--kernel", "6.1", "--host", "h1"] +
                             cargs)
        missing = [k for k in want if res.get(k) != want[k]]
        ok(want and not missing,
           "module %s: check --format json's data, key for key (differs: "
           "%s)" % (extra, missing))
        ok(set(res) - set(want) <= own,
           "module %s: its own keys only besides (%s)" %
           (extra, sorted(set(res) - set(want) - own)))

    # The binary alone (as Ansible copies it), nothing installed, no
    # variables: the built-in lens and policies, the same findings.
    alone = os.path.join(tmp, "alone")
    os.makedirs(os.path.join(alone, "tmp"))
    shutil.copy(BIN, os.path.join(alone, "sysctl_guard"))
    env = {k: v for k, v in ENV.items() if not k.startswith("SYSCTL_GUARD_")}
    env["TMPDIR"] = os.path.join(alone, "tmp")
    with open(path, "w") as f:
        json.dump({"root": root, "kernel": "6.1"}, f)
    r = subprocess.run([os.path.join(alone, "sysctl_guard"), path],
                       capture_output=True, text=True, env=env)
    want = subprocess.run([BIN, "check", "--format", "json", "--root", root,
                           "--kernel", "6.1"], capture_output=True,
                          text=True, env=ENV)
    try:
        got = strip_fingerprints(json.loads(r.stdout)).get("findings")
    except ValueError:
        got = None
    ok(got and got == json.loads(want.stdout)["findings"],
       "the binary alone: built-in lens and policies, same findings (%s)"
       % r.stderr[-300:])
    ok(os.listdir(os.path.join(alone, "tmp")) == [],
       "the binary alone: its scratch directory is gone")


def test_input(tmp):
    """Broken input fails the task like any finding (issue 14): a line
    that is no assignment, a root with no sysctl configuration; msg names
    the findings after the counts; a diagnostic no rule covers (policies
    without input.xml) is a [WARNING]."""
    path = os.path.join(tmp, "args")
    broken = os.path.join(tmp, "broken")
    os.makedirs(os.path.join(broken, "etc", "sysctl.d"))
    with open(os.path.join(broken, "etc", "sysctl.d", "60-a.conf"), "w") as f:
        f.write("net.ipv4.tcp_fin_timeout 30\n")
    empty = os.path.join(tmp, "wrong-root")
    os.makedirs(os.path.join(empty, "etc"))
    for root, rule, where in ((broken, "syntax-not-assignment",
                               " /etc/sysctl.d/60-a.conf:1"),
                              (empty, "no-configuration", "")):
        rc, res, err = run_module(path, json.dumps(
            {"root": root, "kernel": "6.1"}), ENV)
        ok(rc == 1 and res.get("failed") and
           [f["rule"] for f in res.get("findings", [])] == [rule] and
           ("findings: " + rule + where) in res.get("msg", ""),
           "module on %s: fails with %s named in msg (got %d %r)" %
           (os.path.basename(root), rule, rc, res.get("msg")))
    quiet = os.path.join(tmp, "suppressed")
    os.makedirs(os.path.join(quiet, "etc", "sysctl.d"))
    with open(os.path.join(quiet, "etc", "sysctl.d", "60-a.conf"), "w") as f:
        f.write("# sysctl-guard: disable=somaxconn-below-default -- sized "
                "for the proxy\nnet.core.somaxconn = 1024\n")
    rc, res, err = run_module(path, json.dumps(
        {"root": quiet, "kernel": "6.1"}), ENV)
    ok(rc == 0 and not res.get("failed") and
       res.get("findings", [{}])[0].get("suppressed") ==
       {"reason": "sized for the proxy"} and
       not any("somaxconn" in w for w in res.get("warnings", [])) and
       "somaxconn-below-default" not in res.get("msg", ""),
       "module: a suppressed finding does not fail, is no [WARNING] (it "
       "silences, as noqa does) and stays in the findings with its reason "
       "(got %d %r %r)" % (rc, res.get("msg"), res.get("warnings")))
    # An unquoted `kernel: 5.10` arrives as the number 5.1: refused.
    rc, res, err = run_module(path, '{"root": %s, "kernel": 5.10}' %
                              json.dumps(quiet), ENV)
    ok(rc == 1 and res.get("failed") and "quote it" in res.get("msg", "") and
       "5.1" in res.get("msg", ""),
       "module: a kernel given as a number is refused, saying to quote it "
       "(got %d %r)" % (rc, res.get("msg")))
    # A finding about a whole file has no line: no ":0" in msg.
    whole = os.path.join(tmp, "whole-file")
    os.makedirs(os.path.join(whole, "etc", "sysctl.d"))
    with open(os.path.join(whole, "etc", "sysctl.conf"), "w") as f:
        f.write("net.ipv4.tcp_syncookies = 1\n")
    rc, res, err = run_module(path, json.dumps(
        {"root": whole, "kernel": "6.1", "fail_on": "info"}), ENV)
    ok("sysctl-conf-not-read /etc/sysctl.conf" in res.get("msg", "") and
       ":0" not in res.get("msg", ""),
       "module: a whole-file finding is named without a line 0: %r" %
       res.get("msg"))
    # disable: turns a rule off; an unknown one fails the task.
    rc, res, err = run_module(path, json.dumps(
        {"root": quiet, "kernel": "6.1", "disable": "somaxconn-below-default"}),
        ENV)
    ok(rc == 0 and res.get("findings") == [],
       "module disable: the rule finds nothing (got %d %r)" % (rc, res))
    rc, res, err = run_module(path, json.dumps(
        {"root": quiet, "kernel": "6.1", "disable": ["somaxconn-below"]}), ENV)
    ok(rc == 1 and res.get("failed") and "disable somaxconn-below: the loaded "
       "policies have no such rule" in res.get("msg", ""),
       "module disable of an unknown rule fails (got %d %r)"
       % (rc, res.get("msg")))
    only = os.path.join(tmp, "time-wait.xml")
    shutil.copy(os.path.join(TOP, "policies", "time-wait.xml"), only)
    rc, res, err = run_module(path, json.dumps(
        {"root": broken, "kernel": "6.1", "policies": [only]}), ENV)
    ok(any("60-a.conf:1: warning: line is not an assignment" in w and
           "[not-assignment]" in w for w in res.get("warnings", [])),
       "module: an uncovered diagnostic is a warning (got %r)"
       % res.get("warnings"))


def test_noexec(tmp, lib):
    """A remote tmp on a noexec mount: the module's header runs the binary
    from $TMPDIR instead; when that is noexec too, the task fails saying
    so (not "MODULE FAILURE"). The mount is a tmpfs in a mount namespace of
    the test's own (unshare -m), so nothing of this machine changes."""
    nx = os.path.join(tmp, "noexec")
    os.makedirs(nx)
    root = os.path.join(TOP, "examples", "roots", "time-wait-advice")
    pb = os.path.join(tmp, "noexec.yml")
    with open(pb, "w") as f:
        f.write("- hosts: localhost\n  gather_facts: false\n  tasks:\n"
                "    - name: Check\n      sysctl_guard:\n"
                "        root: %s\n        kernel: \"6.1\"\n"
                "      environment: \"{{ env | default({}) }}\"\n"
                "      ignore_errors: true\n" % root)
    env = dict(ENV, ANSIBLE_LIBRARY=lib, ANSIBLE_STDOUT_CALLBACK="json",
               ANSIBLE_REMOTE_TMP=nx, ANSIBLE_RETRY_FILES_ENABLED="False")
    script = ('mount -t tmpfs -o noexec tmpfs "$1" || exit 99; shift; '
              'exec ansible-playbook "$@"')
    for extra, want in (([], "ok"), (["-e", '{"env": {"TMPDIR": "%s"}}' % nx],
                                     "noexec")):
        r = subprocess.run(["unshare", "-m", "sh", "-c", script, "sh", nx,
                            "-i", "localhost,", "-c", "local", pb] + extra,
                           env=env, capture_output=True, text=True,
                           timeout=300)
        ok(r.returncode != 99, "unshare -m and a tmpfs mount (needs root): "
           "%r" % r.stderr[-300:])
        try:
            res = results(json.loads(r.stdout), "Check").get("localhost", {})
        except ValueError:
            res = {}
        if want == "ok":
            ok("findings: tw-recycle-removed" in res.get("msg", "") and
               res.get("summary", {}).get("error") == 1,
               "noexec remote tmp: the module runs from /tmp: %r" %
               (res.get("msg"),))
        else:
            ok(res.get("failed") and "allows exec" in res.get("msg", "") and
               nx in res.get("msg", ""),
               "noexec remote tmp and TMPDIR: the task says why: %r" %
               res.get("msg"))


# uid 65534 in a directory it can write: whenever an entry of the
# module's header appears, rename a payload of its own over it (a file),
# or move it away and put its own in its place (a directory), again and
# again for a while, so that whatever the header does by name next, a
# chmod or the exec, finds the payload. The payload records who ran it.
RACER = r"""
import os, sys, time
ww, until, mark = sys.argv[1], float(sys.argv[2]), sys.argv[3]
payload = b"#!/bin/sh\nid -u >" + mark.encode() + b"\n"
n = 0
def fresh():
    global n
    n += 1
    p = os.path.join(ww, "payload-%d" % n)
    with open(p, "wb") as f:
        f.write(payload)
    os.chmod(p, 0o755)
    return p
while time.time() < until:
    try:
        names = [x for x in os.listdir(ww) if x.startswith(".sysctl-guard.")]
    except OSError:
        continue
    for name in names:
        victim = os.path.join(ww, name)
        for _ in range(300):
            try:
                if os.path.isdir(victim) and not os.path.islink(victim):
                    if os.stat(victim).st_uid != os.getuid():
                        os.rename(victim, victim + ".moved-%d" % n)
                        os.makedirs(os.path.join(victim, "bin"))
                        os.rename(fresh(), os.path.join(victim, "bin",
                                                        "sysctl_guard"))
                else:
                    os.rename(fresh(), victim)
            except OSError:
                break
"""


def test_tmpdir_race(module):
    """The remote tmp unusable (a noexec tmpfs, in a mount namespace of
    the test's own), TMPDIR a directory everyone may write, not sticky:
    uid 65534 races to swap what the header writes there (RACER) for
    30 runs or 60 s. Root must never run the payload; the header refuses
    such a TMPDIR, saying why. A sticky one, or one of root's own, is used
    as before; one owned by another user is refused."""
    base = tempfile.mkdtemp(prefix="sg-race-")
    try:
        os.chmod(base, 0o755)
        ww, nx, mark = (os.path.join(base, n) for n in ("ww", "nx", "mark"))
        os.makedirs(nx)
        os.makedirs(ww)
        args = os.path.join(base, "args")
        with open(args, "w") as f:
            json.dump({"root": os.path.join(TOP, "examples", "roots",
                                            "time-wait-advice"),
                       "kernel": "6.1"}, f)
        script = ('mount -t tmpfs -o noexec tmpfs "$1" || exit 99; '
                  'cp "$2" "$1/sysctl_guard" || exit 99; '
                  'exec sh "$1/sysctl_guard" "$3"')

        def once(tmpdir):
            r = subprocess.run(["unshare", "-m", "sh", "-c", script, "sh", nx,
                                module, args], env=dict(ENV, TMPDIR=tmpdir),
                               capture_output=True, text=True, timeout=120)
            ok(r.returncode != 99, "TMPDIR race: unshare -m and a tmpfs "
               "mount (needs root): %r" % r.stderr[-300:])
            try:
                return json.loads(r.stdout)
            except ValueError:
                return {"stdout": r.stdout[-200:], "stderr": r.stderr[-200:]}

        for mode, refused in ((0o777, True), (0o1777, False)):
            os.chmod(ww, mode)
            until = time.time() + 60
            racer = subprocess.Popen(
                ["/usr/bin/python3", "-c", RACER, ww, str(until), mark],
                preexec_fn=lambda: (os.setgid(65534), os.setuid(65534)))
            runs, results = 0, []
            while runs < 30 and time.time() < until and \
                    not os.path.exists(mark):
                results.append(once(ww))
                runs += 1
            racer.kill()
            racer.wait()
            ran = open(mark).read().strip() if os.path.exists(mark) else None
            ok(ran is None, "TMPDIR %o: uid 65534 swapped the binary and "
               "uid %s ran its payload (run %d of %d)" % (mode, ran, runs, 30))
            if refused:
                ok(all(x.get("failed") and ww in x.get("msg", "") and
                       "writable by other users and is not sticky" in
                       x.get("msg", "") for x in results),
                   "TMPDIR %o: refused, saying why: %r" % (mode, results[-1:]))
            else:
                ok(all("findings" in x for x in results),
                   "TMPDIR %o: the module ran: %r" % (mode, results[-1:]))
            mine = [n for n in os.listdir(ww)
                    if os.lstat(os.path.join(ww, n)).st_uid == 0]
            ok(not mine, "TMPDIR %o: root left %r" % (mode, mine))
            print("TMPDIR %o: %d runs against a racing uid 65534" %
                  (mode, runs))
            if ran:
                os.unlink(mark)
            subprocess.run(["find", ww, "-mindepth", "1", "-delete"])
        # A directory of another user's (0700): refused too.
        os.chown(ww, 65534, 65534)
        os.chmod(ww, 0o700)
        res = once(ww)
        ok(res.get("failed") and "is owned by uid 65534" in
           res.get("msg", ""), "TMPDIR of another user: refused, saying "
           "why: %r" % (res.get("msg") or res)[-300:])
    finally:
        shutil.rmtree(base, ignore_errors=True)


def main():
    if MODULE:
        test_tmpdir_race(MODULE)
        return TALLY.done("ansible (TMPDIR race)")
    if DIRECT_ONLY:
        with tempfile.TemporaryDirectory() as tmp:
            test_input(tmp)
            test_direct(tmp)
            test_paths(tmp)
        return TALLY.done("ansible (direct)")
    if not shutil.which("ansible-playbook"):
        print("ansible: ansible-playbook is not installed (make deps)")
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        lib = module_dir(tmp)
        test_doc(lib)
        test_noexec(tmp, lib)
        test_tmpdir_race(os.path.join(lib, "sysctl_guard"))
        test_examples(tmp, lib)
        test_fleet(tmp, lib)
        test_bad_params(tmp, lib)
        test_input(tmp)
        test_direct(tmp)
        test_paths(tmp)
    ok(FINGERPRINTS[0] > 100 and not BAD_FINGERPRINTS,
       "every finding of every module result (%d) carries its fingerprint: "
       "%r" % (FINGERPRINTS[0], BAD_FINGERPRINTS[:3]))
    return TALLY.done("ansible")


if __name__ == "__main__":
    sys.exit(main())
