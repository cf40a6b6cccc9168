#!/usr/bin/env python3
"""The fleet report (sysctl-guard report), against the per-host results it
is made of:

- every case tree's `check --format json` output as one host each: every
  finding accounted for (host, rule, file, line, key, value), counts per
  host, per rule, per kernel and over the fleet equal to what the hosts'
  own JSON gives; the text, Markdown and HTML views name every host;
- the Ansible module's result (run directly) and the same inside the json
  callback's layout, and Salt's salt-call --out=json layout: one host each,
  named as they name it, with the module's fingerprints;
- a baseline: a fleet of real trees checked, half of it fixed with `fix`,
  a line moved down on a host left alone, a new finding on another: the
  report says exactly what was fixed, what is new and what remains, by
  fingerprint, and the exit status follows the new findings only;
- examples/report/fleet.sh: the sample fleet's report equals its hosts'
  checks for the kernels and profiles the inventory gives them;
- malformed inputs (truncated JSON, another format version, 100 MB of
  noise, a result with a broken finding, a file that is no result, a
  missing file, a broken baseline): each refused naming it, exit 2, and
  every good input still in the report; --output writes it atomically;
- hostile inputs (issue 23): a FIFO or a device named *.json, as an input
  or the baseline, refused naming it and never waited on (under a
  timeout); file names that are no UTF-8, of an input and of the baseline:
  every view complete and valid UTF-8; one host read from three inputs
  (and twice in a json callback output) is one host, its findings once,
  and inputs that disagree about it are a problem; --output keeps the
  mode (and, as root, the owner) of the file it replaces;
- who wrote the running values (issue 28): hosts checked with --live (one
  through the Ansible module's live: true), the report's writers equal to
  their findings' writers, each host once, in every view.

Usage: run.py [--valgrind] BINARY [BINARY...]
Every check runs with every binary; with --valgrind, every `report` runs
under valgrind too (an error there exits 9, which no check accepts).
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from html import unescape

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
from sgtest import CASES, ENV, TOP, Tally, fingerprint, write_files  # noqa: E402

T = Tally()
BIN = None
WRAP = []
VALGRIND = ["valgrind", "-q", "--error-exitcode=9", "--leak-check=full",
            "--errors-for-leak-kinds=definite"]


def run(args, **kw):
    wrap = WRAP if args and args[0] == "report" else []
    return subprocess.run(wrap + [BIN] + args, capture_output=True,
                          text=True, env=ENV, timeout=600, **kw)


def run_bytes(args, timeout):
    """RUN with bytes out (the output of a name that is no UTF-8 must be
    checked, not decoded away), or None when it outlasts TIMEOUT seconds
    (then killed: a hang is a failure, never a hung suite)."""
    wrap = WRAP if args and args[0] == "report" else []
    try:
        return subprocess.run(wrap + [BIN] + args, capture_output=True,
                              env=ENV, timeout=timeout * (10 if wrap else 1))
    except subprocess.TimeoutExpired:
        return None


def report_json(args):
    r = run(["report", "--format", "json"] + args)
    try:
        return r, json.loads(r.stdout)
    except ValueError:
        return r, {}


def live(findings):
    return [f for f in findings if "suppressed" not in f]


def key_of(f):
    return (f["rule"], f.get("file", ""), f.get("line", 0), f.get("key", ""),
            f.get("value", ""))


# ---- the case trees as a fleet ----

def case_results(tmp):
    """Every case's expected check --format json, one file per host (the
    case's name); {host: result}."""
    d = os.path.join(tmp, "cases")
    os.makedirs(d)
    hosts = {}
    for name in sorted(os.listdir(CASES)):
        p = os.path.join(CASES, name, "expected.json")
        if not os.path.isfile(p):
            continue
        with open(p) as f:
            doc = json.load(f)
        if not (isinstance(doc, dict) and
                doc.get("format") == "sysctl-guard/1" and
                isinstance(doc.get("findings"), list)):
            continue
        hosts[name] = doc
        with open(os.path.join(d, name + ".json"), "w") as f:
            json.dump(doc, f)
    return d, hosts


def test_cases(tmp):
    d, hosts = case_results(tmp)
    T.ok(len(hosts) >= 80, "the case trees give at least 80 hosts (%d)"
         % len(hosts))
    r, rep = report_json([d])
    any_error = any(f["severity"] == "error"
                    for h in hosts.values() for f in live(h["findings"]))
    T.ok(r.returncode == (1 if any_error else 0) and not r.stderr,
         "report of the case trees: exit %d, stderr %r"
         % (r.returncode, r.stderr[-300:]))
    got = {h["name"]: h for h in rep.get("hosts", [])}
    T.ok(sorted(got) == sorted(hosts), "every case tree is a host")
    bad = []
    for name, doc in hosts.items():
        h = got.get(name, {})
        want = live(doc["findings"])
        counts = {s: sum(f["severity"] == s for f in want)
                  for s in ("error", "warning", "info")}
        if (h.get("kernel") != doc["kernel"] or h.get("summary") != counts or
                h.get("summary") != doc["summary"] or
                h.get("diagnostics") != len(doc.get("diagnostics", [])) or
                sorted(key_of(f) for f in h.get("findings", [])) !=
                sorted(key_of(f) for f in want) or
                any(f["fingerprint"] != fingerprint(f)
                    for f in h.get("findings", []))):
            bad.append(name)
    T.ok(not bad, "hosts whose findings, counts, kernel or fingerprints "
         "differ from their check JSON: %r" % bad[:5])
    # Per rule: its hosts, its findings, its kernels.
    bad = []
    for rule in rep.get("rules", []):
        hs = [n for n, doc in hosts.items()
              if any(f["rule"] == rule["id"] for f in live(doc["findings"]))]
        n = sum(f["rule"] == rule["id"]
                for doc in hosts.values() for f in live(doc["findings"]))
        ks = {}
        for x in hs:
            ks[hosts[x]["kernel"]] = ks.get(hosts[x]["kernel"], 0) + 1
        if sorted(rule["hosts"]) != sorted(hs) or rule["findings"] != n or \
                rule["kernels"] != ks:
            bad.append(rule["id"])
    rules = {f["rule"] for doc in hosts.values() for f in live(doc["findings"])}
    T.ok(not bad and sorted(r["id"] for r in rep.get("rules", [])) ==
         sorted(rules), "rules whose hosts, counts or kernels differ: %r"
         % bad[:5])
    ks = {}
    for doc in hosts.values():
        ks[doc["kernel"]] = ks.get(doc["kernel"], 0) + 1
    T.ok({k["kernel"]: k["hosts"] for k in rep.get("kernels", [])} == ks,
         "hosts per kernel")
    total = {s: sum(f["severity"] == s for doc in hosts.values()
                    for f in live(doc["findings"]))
             for s in ("error", "warning", "info")}
    s = rep.get("summary", {})
    T.ok(s.get("hosts") == len(hosts) and s.get("findings") == total and
         s.get("inputs") == len(hosts) and
         s.get("hosts_with_errors") == sum(
             any(f["severity"] == "error" for f in live(doc["findings"]))
             for doc in hosts.values()),
         "the fleet's summary: %r" % s)
    # Worst first: errors, then warnings, then info, then name.
    order = [h["name"] for h in rep.get("hosts", [])]
    want = sorted(hosts, key=lambda n: (
        -got[n]["summary"]["error"], -got[n]["summary"]["warning"],
        -got[n]["summary"]["info"], n))
    T.ok(order == want, "hosts worst first")
    for fmt in ("text", "markdown", "html"):
        r = run(["report", "--format", fmt, d])
        T.ok(r.returncode in (0, 1) and all(n in r.stdout for n in hosts) and
             all(x in r.stdout for x in rules),
             "report --format %s names every host and rule" % fmt)
    # The page shows each finding of each host where it is, file:line.
    html = run(["report", "--format", "html", d]).stdout
    missing = [(n, f["file"], f["line"]) for n, doc in hosts.items()
               for f in live(doc["findings"])
               if f.get("file") and f.get("line") and
               "<code>%s:%d</code>" % (f["file"], f["line"]) not in html]
    T.ok(not missing, "the HTML gives every finding's file:line: %r"
         % missing[:3])
    # The same files given one by one, in another order: the same report.
    files = sorted((os.path.join(d, n + ".json") for n in hosts),
                   reverse=True)
    r2, rep2 = report_json(files)
    def norm(rules):
        return [dict(x, hosts=sorted(x["hosts"])) for x in rules or []]
    T.ok(norm(rep2.get("rules")) == norm(rep.get("rules")) and
         rep2.get("summary")["findings"] == rep.get("summary")["findings"],
         "files given one by one, in another order: the same report")


# ---- the module, the json callback, Salt ----

def module_result(tmp, root, host=None, kernel="6.1.0-13-amd64"):
    args = {"root": root, "kernel": kernel,
            "_ansible_check_mode": False}
    if host:
        args["host"] = host
    p = os.path.join(tmp, "args.json")
    with open(p, "w") as f:
        json.dump(args, f)
    r = subprocess.run([BIN, p], capture_output=True, text=True, env=ENV)
    return json.loads(r.stdout)


def test_module_and_callback(tmp):
    root = os.path.join(TOP, "examples", "roots", "time-wait-advice")
    res = module_result(tmp, root, host="web1")
    T.ok(res.get("host") == "web1" and res["findings"] and
         all(f.get("fingerprint") == fingerprint(f) for f in res["findings"])
         and isinstance(res.get("diagnostics"), list),
         "the module's result: host, fingerprints, diagnostics: %r"
         % {k: res.get(k) for k in ("host", "diagnostics")})
    plain = module_result(tmp, root)
    T.ok(plain.get("host") == os.uname().nodename,
         "without host: the module names the target's node name")
    d = os.path.join(tmp, "module")
    os.makedirs(d)
    # Saved as the play saves it, under another name: the result's host
    # wins over the file's name.
    with open(os.path.join(d, "saved.json"), "w") as f:
        json.dump(res, f, indent=4)
    r, rep = report_json([d])
    h = rep.get("hosts", [{}])[0]
    T.ok(r.returncode == 1 and [x["name"] for x in rep.get("hosts", [])] ==
         ["web1"] and sorted(key_of(f) for f in h.get("findings", [])) ==
         sorted(key_of(f) for f in live(res["findings"])) and
         [f["fingerprint"] for f in h["findings"]] ==
         [f["fingerprint"] for f in live(res["findings"])],
         "a saved module result is its host's findings, fingerprints as the "
         "module gave them")
    # Ansible's json callback: plays[].tasks[].hosts{inventory name: result}.
    cb = {"plays": [{"play": {"name": "audit"}, "tasks": [
        {"task": {"name": "Gather"}, "hosts": {"a": {"changed": False}}},
        {"task": {"name": "Check"}, "hosts": {"a": res, "b": plain}}]}],
          "stats": {}}
    p = os.path.join(tmp, "callback.json")
    with open(p, "w") as f:
        json.dump(cb, f)
    r, rep = report_json([p])
    T.ok(r.returncode == 1 and
         sorted(x["name"] for x in rep.get("hosts", [])) == ["a", "b"] and
         rep["summary"]["inputs"] == 1,
         "the json callback's output: a host per inventory name: %r"
         % [x["name"] for x in rep.get("hosts", [])])
    # Salt: salt-call --out=json, {minion: {state id: return}}, a checked
    # state's return carrying the check as "sysctl_guard".
    c = run(["check", "--format", "json", "--kernel", "6.1.0-13-amd64",
             "--root", root])
    check = json.loads(c.stdout)
    salt = {"minion1": {
        "sysctl_guard_|-audit_|-%s_|-checked" % root: {
            "name": root, "result": False, "comment": "1 error",
            "changes": {}, "sysctl_guard": check, "__run_num__": 0},
        "file_|-motd_|-/etc/motd_|-managed": {
            "name": "/etc/motd", "result": True, "comment": "",
            "changes": {}, "__run_num__": 1}},
        "minion2": {"sysctl_guard_|-audit_|-/_|-checked": {
            "name": "/", "result": True, "comment": "no findings",
            "changes": {}, "sysctl_guard": dict(check, findings=[],
                                                summary={"error": 0,
                                                         "warning": 0,
                                                         "info": 0}),
            "__run_num__": 0}}}
    p = os.path.join(tmp, "salt.json")
    with open(p, "w") as f:
        json.dump(salt, f)
    r, rep = report_json([p])
    got = {x["name"]: x for x in rep.get("hosts", [])}
    T.ok(r.returncode == 1 and sorted(got) == ["minion1", "minion2"] and
         sorted(key_of(f) for f in got["minion1"]["findings"]) ==
         sorted(key_of(f) for f in live(check["findings"])) and
         got["minion2"]["findings"] == [],
         "Salt's JSON output: a host per minion: %r" % sorted(got))


# ---- baseline ----

TUNING = ("# tuning from a blog post\n"
          "net.ipv4.tcp_tw_recycle = 1\n"
          "net.ipv4.tcp_tw_reuse = 1\n"
          "net.ipv4.tcp_fin_timeout = 15\n")


def check_into(root, host, d):
    r = run(["check", "--format", "json", "--kernel", "6.1.0-13-amd64",
             "--host", host, "--root", root])
    with open(os.path.join(d, host + ".json"), "w") as f:
        f.write(r.stdout)
    return json.loads(r.stdout)


def pairs(hosts):
    """{(host, fingerprint)} of {host: check result}, and the lines."""
    out = {}
    for h, doc in hosts.items():
        for f in live(doc["findings"]):
            out[(h, fingerprint(f))] = f.get("line", 0)
    return out


def test_baseline(tmp):
    base = os.path.join(tmp, "bl")
    old_d, new_d = os.path.join(base, "old"), os.path.join(base, "new")
    os.makedirs(old_d)
    os.makedirs(new_d)
    names = ["h%02d" % i for i in range(8)]
    roots = {}
    for n in names:
        roots[n] = os.path.join(base, "roots", n)
        write_files(roots[n], {"etc/sysctl.d/60-tuning.conf": TUNING})
    old = {n: check_into(roots[n], n, old_d) for n in names}
    r, old_rep = report_json([old_d])
    T.ok(r.returncode == 1 and len(old_rep.get("hosts", [])) == 8,
         "baseline: the old fleet has error findings")
    old_json = os.path.join(base, "old-report.json")
    with open(old_json, "w") as f:
        f.write(r.stdout)
    # Half the fleet fixed; on h05 a line moved down (two comment lines
    # above it); h07 gets a new finding.
    for n in names[:4]:
        f = run(["fix", "--kernel", "6.1.0-13-amd64", "--root", roots[n]])
        T.ok(f.returncode == 0, "fix %s: %s" % (n, f.stderr[-200:]))
    p = os.path.join(roots["h05"], "etc", "sysctl.d", "60-tuning.conf")
    with open(p, "w") as f:
        f.write("# moved\n# down\n" + TUNING)
    with open(os.path.join(roots["h07"], "etc", "sysctl.d",
                           "70-more.conf"), "w") as f:
        f.write("net.ipv4.ip_local_port_range = 61000 60000\n")
    new = {n: check_into(roots[n], n, new_d) for n in names}
    then, now = pairs(old), pairs(new)
    want_fixed = sorted(set(then) - set(now))
    want_new = sorted(set(now) - set(then))
    T.ok(len(want_fixed) >= 4 and len(want_new) >= 1,
         "baseline: the fixture fixes findings and adds one (%d, %d)"
         % (len(want_fixed), len(want_new)))
    moved = [k for k in now if k[0] == "h05"]
    T.ok(moved and all(now[k] == then[k] + 2 for k in moved),
         "baseline: h05's findings moved two lines down")
    r, rep = report_json(["--baseline", old_json, new_d])
    b = rep.get("baseline", {})
    got_fixed = sorted((x["host"], x["fingerprint"]) for x in b.get("fixed", []))
    got_new = sorted((x["host"], x["fingerprint"]) for x in b.get("new", []))
    T.ok(got_fixed == want_fixed, "baseline: exactly the fixed findings: "
         "%r, want %r" % (got_fixed[:4], want_fixed[:4]))
    T.ok(got_new == want_new, "baseline: exactly the new findings: %r, want "
         "%r" % (got_new, want_new))
    T.ok(b.get("unchanged") == len(set(now) & set(then)),
         "baseline: the remaining findings are unchanged (%r of %d)"
         % (b.get("unchanged"), len(set(now) & set(then))))
    T.ok(not any(h == "h05" for h, _ in got_fixed + got_new),
         "baseline: a line moved down keeps its fingerprint")
    # The exit status follows what is new: h07's is an error, so 1; with
    # --fail-on over it (the new one is a warning or error) and without it.
    sev = {(x["host"], x["fingerprint"]): x["severity"]
           for x in b.get("new", [])}
    T.ok(r.returncode == 1, "baseline: a new finding fails the report (%d)"
         % r.returncode)
    # Without h07's new file: nothing new, exit 0 though errors remain.
    os.unlink(os.path.join(roots["h07"], "etc", "sysctl.d", "70-more.conf"))
    check_into(roots["h07"], "h07", new_d)
    r, rep = report_json(["--baseline", old_json, new_d])
    T.ok(r.returncode == 0 and rep["baseline"]["new"] == [] and
         rep["summary"]["findings"]["error"] > 0,
         "baseline: remaining errors and nothing new: exit 0 (%d)"
         % r.returncode)
    T.ok(all(s in ("error", "warning", "info") for s in sev.values()),
         "baseline: new findings carry their severity")
    for fmt, word in (("text", "fixed"), ("markdown", "fixed"),
                      ("html", "Fixed")):
        t = run(["report", "--format", fmt, "--baseline", old_json, new_d])
        T.ok(t.returncode == 0 and word in t.stdout,
             "baseline in --format %s" % fmt)
    # A baseline that is no report: exit 2, named.
    bad = os.path.join(base, "bad-baseline.json")
    with open(bad, "w") as f:
        f.write('{"format": "sysctl-guard/1", "findings": [], "kernel": "6.1"}')
    r, rep = report_json(["--baseline", bad, new_d])
    T.ok(r.returncode == 2 and bad in r.stderr,
         "a baseline that is no report is an error naming it: %r"
         % r.stderr[-300:])


# ---- malformed inputs ----

def test_malformed(tmp):
    d = os.path.join(tmp, "bad")
    os.makedirs(d)
    root = os.path.join(TOP, "examples", "roots", "time-wait-advice")
    good = run(["check", "--format", "json", "--kernel", "6.1.0-13-amd64",
                "--root", root]).stdout
    doc = json.loads(good)
    files = {
        "good.json": good,
        "truncated.json": good[:len(good) // 2],
        "v2.json": json.dumps(dict(doc, format="sysctl-guard/2")),
        "report.json": json.dumps({"format": "sysctl-guard-report/1",
                                   "hosts": []}),
        "empty.json": "",
        "nothing.json": '{"plays_": 1}',
        "array.json": "[1, 2, 3]",
        "partial.json": json.dumps(dict(doc, findings=doc["findings"] +
                                        [42, {"rule": "x"}])),
        "nul.json": good.replace("{", "{\0", 1),
        # Documents one after another (salt --out=json without --static),
        # the last cut short: the first is kept.
        "stream-cut.json": good + "\n" + good[:100],
    }
    for n, text in files.items():
        with open(os.path.join(d, n), "w") as f:
            f.write(text)
    noise = os.path.join(d, "noise.json")
    with open(noise, "wb") as f:
        for _ in range(100):
            f.write(os.urandom(1 << 20))
    deep = os.path.join(d, "deep.json")
    with open(deep, "w") as f:
        f.write("[" * 100000)
    missing = os.path.join(tmp, "no-such.json")
    r, rep = report_json([d, missing])
    T.ok(r.returncode == 2, "malformed inputs: exit 2 (%d)" % r.returncode)
    named = [n for n in list(files) + ["noise.json", "deep.json"]
             if n != "good.json"]
    lines = r.stderr.splitlines()
    T.ok(all(any(os.path.join(d, n) in ln for ln in lines) for n in named) and
         any(missing in ln for ln in lines),
         "every malformed input is named: %r" % [
             n for n in named
             if not any(os.path.join(d, n) in ln for ln in lines)])
    T.ok(len(lines) == len(named) + 1,
         "one line per malformed input (%d for %d): %r"
         % (len(lines), len(named) + 1, lines))
    hosts = sorted(x["name"] for x in rep.get("hosts", []))
    T.ok(hosts == ["good", "partial", "stream-cut"],
         "the good inputs are still in the report: %r" % hosts)
    T.ok(any("stream-cut.json" in ln and "the rest of it" in ln
             for ln in lines), "a stream cut short keeps what came before")
    by = {x["name"]: x for x in rep.get("hosts", [])}
    T.ok(by.get("partial", {}).get("findings") ==
         by.get("good", {}).get("findings"),
         "a result with broken findings keeps its good ones")
    T.ok(len(rep.get("problems", [])) == len(named) + 1 and
         rep["summary"]["inputs"] == len(files) + 3,
         "the report lists the problems and counts the inputs: %r"
         % rep.get("summary"))
    # --output: the report of the rest is written, atomically, exit 2.
    out = os.path.join(tmp, "out.html")
    with open(out, "w") as f:
        f.write("old")
    r = run(["report", "--format", "html", "--output", out, d])
    with open(out) as f:
        html = f.read()
    T.ok(r.returncode == 2 and html.startswith("<!DOCTYPE html>") and
         "good" in html and not [x for x in os.listdir(tmp)
                                 if x.startswith(".sysctl-guard-report")],
         "--output with a malformed input: the report of the rest, "
         "renamed into place")
    r = run(["report", "--output", os.path.join(tmp, "no-dir", "r.txt"), d])
    T.ok(r.returncode == 2 and "no-dir" in r.stderr,
         "--output into a missing directory is an error naming it")
    r = run(["report"])
    T.ok(r.returncode == 2 and "usage" in r.stderr, "report without input")
    empty = os.path.join(tmp, "empty-dir")
    os.makedirs(empty)
    r, rep = report_json([empty])
    T.ok(r.returncode == 2 and empty in r.stderr,
         "a directory without results is an error naming it: %r"
         % r.stderr[-200:])


# ---- hostile inputs (issue 23) ----

def check_result(host=None):
    """check --format json of the sample root, as a dict (host: --host)."""
    root = os.path.join(TOP, "examples", "roots", "time-wait-advice")
    args = ["check", "--format", "json", "--kernel", "6.1.0-13-amd64"]
    if host:
        args += ["--host", host]
    return json.loads(run(args + ["--root", root]).stdout)


def test_fifo(tmp):
    """A FIFO named *.json in a directory blocks a reader that opens it
    until a writer comes; a device never ends: both refused naming them,
    in time. A FIFO named on the command line (a shell's <(...)) is read
    as a stream: at once to its end when no writer comes, else what the
    writer writes."""
    d = os.path.join(tmp, "special")
    os.makedirs(d)
    with open(os.path.join(d, "good.json"), "w") as f:
        json.dump(check_result("good"), f)
    fifo = os.path.join(d, "pipe.json")
    os.mkfifo(fifo)
    os.symlink("/dev/zero", os.path.join(d, "zero.json"))
    r = run_bytes(["report", "--format", "json", d], 30)
    T.ok(r is not None, "report of a directory holding a FIFO returns "
         "(killed after 30 s)")
    if r is not None:
        err = r.stderr.decode(errors="replace")
        rep = json.loads(r.stdout or b"{}")
        T.ok(r.returncode == 2 and
             any("pipe.json" in ln and "FIFO" in ln
                 for ln in err.splitlines()) and
             any("zero.json" in ln and "device" in ln
                 for ln in err.splitlines()) and
             [h["name"] for h in rep.get("hosts", [])] == ["good"],
             "a FIFO and a device named *.json: each a problem naming it, "
             "the good input reported: %d %r" % (r.returncode, err[-300:]))
    r = run_bytes(["report", fifo], 30)
    T.ok(r is not None and r.returncode == 2 and fifo.encode() in r.stderr,
         "a FIFO given as an input, no writer: a problem naming it, in "
         "time: %r" % (r and r.stderr[-200:]))
    r = run_bytes(["report", "--baseline", fifo,
                   os.path.join(d, "good.json")], 30)
    T.ok(r is not None and r.returncode == 2 and fifo.encode() in r.stderr,
         "a FIFO given as the baseline, no writer: a problem naming it, in "
         "time: %r" % (r and r.stderr[-200:]))
    # As bash's <(cat good.json): a writer on the other end.
    r = subprocess.run(["bash", "-c", 'exec "$@" <(cat "$0")',
                        os.path.join(d, "good.json")] + WRAP +
                       [BIN, "report", "--format", "json"],
                       capture_output=True, text=True, env=ENV, timeout=300)
    T.ok(r.returncode == 1 and
         [h["name"] for h in json.loads(r.stdout or "{}").get("hosts", [])]
         == ["good"], "report <(cat RESULT): read as a stream: %d %r"
         % (r.returncode, r.stderr[-200:]))


def utf8(b):
    try:
        return b.decode("utf-8")
    except UnicodeDecodeError:
        return None


def test_names(tmp):
    """Names that are no UTF-8 (a Latin-1 file name, a stray byte): every
    view complete, valid UTF-8, the name shown with U+FFFD."""
    d = os.path.join(tmp, "names").encode()
    os.makedirs(d)
    doc = check_result()
    doc.pop("host", None)  # named by its file: caf\xe9
    good = os.path.join(d, b"caf\xe9.json")
    with open(good, "w") as f:
        json.dump(doc, f)
    with open(os.path.join(d, b"bad\xff.json"), "w") as f:
        f.write("not a result")
    for fmt in ("html", "json", "markdown", "text"):
        r = run_bytes(["report", "--format", fmt, d], 120)
        out = utf8(r.stdout) if r else None
        # The page may write U+FFFD as &#65533;; text lists no problems.
        seen = unescape(out) if fmt == "html" and out else out or ""
        T.ok(r is not None and r.returncode == 2 and out is not None and
             "caf\ufffd" in seen and
             (fmt == "text" or "bad\ufffd.json" in seen) and
             (fmt != "html" or out.rstrip().endswith("</html>")),
             "--format %s with file names that are no UTF-8: complete, "
             "valid UTF-8, naming them (%s; ends %r)" % (
                 fmt, r and r.returncode, r and r.stdout[-40:]))
        if r is not None and fmt == "json" and out is not None:
            rep = json.loads(out)
            T.ok([h["name"] for h in rep["hosts"]] == ["caf\ufffd"] and
                 rep["problems"][0]["file"].endswith("bad\ufffd.json"),
                 "the JSON names the host and the problem: %r"
                 % rep["problems"])
    base = os.path.join(tmp.encode(), b"base\xff.json")
    with open(base, "wb") as f:
        f.write(run_bytes(["report", "--format", "json", good], 120).stdout)
    for fmt, end in (("html", "</html>"), ("json", "}"),
                     ("markdown", "unchanged."), ("text", "")):
        r = run_bytes(["report", "--format", fmt, "--baseline", base, good],
                      120)
        out = utf8(r.stdout) if r else None
        T.ok(r is not None and r.returncode == 0 and out is not None and
             out.rstrip().endswith(end) and "unchanged" in out,
             "--format %s with a baseline named with no UTF-8: complete (%s, "
             "%d bytes, ends %r)" % (fmt, r and r.returncode,
                                      len(r.stdout) if r else 0,
                                      r and r.stdout[-40:]))
        if fmt == "json" and out is not None:
            T.ok(json.loads(out)["baseline"]["file"].endswith(
                "base\ufffd.json"), "the JSON names the baseline")


def test_same_host(tmp):
    """One host in three inputs (a directory of two copies, and a file):
    one host, each finding once; the json callback with it in two tasks
    likewise; inputs that disagree about it are a problem naming them, and
    its findings are those of both, each once."""
    doc = check_result("web1")
    want = live(doc["findings"])
    d = os.path.join(tmp, "dup")
    os.makedirs(d)
    for n in ("a.json", "b.json"):
        with open(os.path.join(d, n), "w") as f:
            json.dump(doc, f)
    c = os.path.join(tmp, "c.json")
    with open(c, "w") as f:
        json.dump(doc, f)
    r, rep = report_json([d, c])
    hosts = rep.get("hosts", [])
    T.ok(r.returncode == 1 and not r.stderr and
         [h["name"] for h in hosts] == ["web1"] and
         rep["summary"]["hosts"] == 1 and rep["summary"]["inputs"] == 3 and
         sorted(key_of(f) for f in hosts[0]["findings"]) ==
         sorted(key_of(f) for f in want) and
         rep["summary"]["findings"] == doc["summary"] and
         all(x["findings"] == sum(f["rule"] == x["id"] for f in want) and
             x["hosts"] == ["web1"] for x in rep["rules"]),
         "one host in three inputs: one host, each finding once: %d %r %r"
         % (r.returncode, [h["name"] for h in hosts], rep.get("summary")))
    cb = {"plays": [{"play": {"name": "audit"}, "tasks": [
        {"task": {"name": "Check"}, "hosts": {"web1": doc}},
        {"task": {"name": "Again"}, "hosts": {"web1": doc}}]}]}
    p = os.path.join(tmp, "callback.json")
    with open(p, "w") as f:
        json.dump(cb, f)
    r, rep = report_json([p])
    T.ok(r.returncode == 1 and not r.stderr and
         [h["name"] for h in rep.get("hosts", [])] == ["web1"] and
         rep["summary"]["findings"] == doc["summary"],
         "a host in two tasks of a json callback output: one host: %r"
         % rep.get("summary"))
    # Another run of web1: a line moved, a finding gone, another kernel.
    other = dict(doc, kernel="5.10.0-23-amd64",
                 findings=[dict(want[0], line=want[0].get("line", 0) + 2)] +
                 want[2:])
    o = os.path.join(tmp, "other.json")
    with open(o, "w") as f:
        json.dump(other, f)
    r, rep = report_json([c, o])
    union = {key_of(f) + (f["severity"],) for f in want + other["findings"]}
    got = rep.get("hosts", [{}])
    T.ok(r.returncode == 2 and len(got) == 1 and
         sorted(key_of(f) + (f["severity"],)
                for f in got[0].get("findings", [])) == sorted(union) and
         got[0].get("kernel") == doc["kernel"] and
         sum(rep["summary"]["findings"].values()) == len(union),
         "two different results of one host: one host with the findings of "
         "both, each once (%d; %d findings, want %d)"
         % (r.returncode, len(got[0].get("findings", [])), len(union)))
    T.ok(any(o in ln and "web1" in ln and c in ln and "5.10.0-23-amd64" in ln
             for ln in r.stderr.splitlines()),
         "... and a problem naming both inputs and the kernels: %r"
         % r.stderr[-300:])


# ---- who wrote the running values (issue 28) ----

def writer_of(f):
    """(writer, key, value) of a drift finding's "writer", as the report
    groups it: None for no writer known."""
    w = f["writer"]
    return (w.get("name") if w.get("known") else None, f["key"],
            w.get("value"))


def test_writers(tmp):
    """Hosts checked with --live on the drift case trees (ufw, a module
    loaded late, no known writer), one of them as the Ansible module's
    live: true result and one read from two inputs: the report's writers
    are exactly the hosts' findings' writers, each host counted once, and
    every view says them."""
    d = os.path.join(tmp, "fleet")
    os.makedirs(d)
    cases = {"u1": ("rule-live-drift-ufw", "5.15.0-91-generic"),
             "u2": ("rule-live-drift-ufw", "5.15.0-91-generic"),
             "u3": ("rule-live-drift-ufw", "6.1.0-13-amd64"),
             "k1": ("rule-live-drift-unknown-writer", "6.1.0-13-amd64"),
             "m1": ("rule-live-drift-module", "6.1.0-13-amd64"),
             "n1": ("rule-live-drift-not", "6.1.0-13-amd64")}
    hosts = {}
    for host, (case, kernel) in sorted(cases.items()):
        root = os.path.join(CASES, case, "root")
        if host == "u3":
            # The Ansible module, live: true, as the play saves it.
            p = os.path.join(tmp, "args.json")
            with open(p, "w") as f:
                json.dump({"root": root, "kernel": kernel, "live": True,
                           "host": host, "_ansible_check_mode": False}, f)
            r = subprocess.run([BIN, p], capture_output=True, text=True,
                               env=ENV)
        else:
            r = run(["check", "--format", "json", "--live", "--kernel",
                     kernel, "--host", host, "--root", root])
        hosts[host] = json.loads(r.stdout)
        with open(os.path.join(d, host + ".json"), "w") as f:
            f.write(r.stdout)
    # u1 again, from a second input: still one host.
    again = os.path.join(tmp, "u1-again.json")
    shutil.copy(os.path.join(d, "u1.json"), again)
    want = {}
    for host, doc in hosts.items():
        for f in live(doc["findings"]):
            if "writer" in f:
                want.setdefault(writer_of(f), set()).add(host)
    T.ok(("ufw", "net.ipv4.ip_forward", "0") in want and
         ("module br_netfilter", "net.bridge.bridge-nf-call-iptables", "0")
         in want and any(w[0] is None for w in want) and
         not any("n1" in h for h in want.values()),
         "the hosts' drift findings name ufw, a late module and no known "
         "writer (and nothing on the case without drift): %r" % sorted(
             want, key=str))
    r, rep = report_json([d, again])
    got = {(w["writer"], w["key"], w.get("value")): w["hosts"]
           for w in rep.get("writers", [])}
    T.ok(r.returncode in (0, 1) and not r.stderr and
         {k: sorted(v) for k, v in got.items()} ==
         {k: sorted(v) for k, v in want.items()} and
         all(len(v) == len(set(v)) for v in got.values()),
         "the report's writers are the hosts' findings' writers, each host "
         "once (u1 read twice): %r" % got)
    counts = [len(w["hosts"]) for w in rep.get("writers", [])]
    T.ok(counts == sorted(counts, reverse=True),
         "writers with the most hosts first: %r" % counts)
    text = run(["report", d, again]).stdout
    T.ok("      3  ufw sets net.ipv4.ip_forward = 0\n" in text and
         "module br_netfilter (loaded after systemd-sysctl) sets "
         "net.bridge.bridge-nf-call-iptables = 0" in text and
         "vm.swappiness = 60: written after boot by something not known"
         in text, "the text view: 'ufw sets net.ipv4.ip_forward = 0' on 3 "
         "hosts, the module, the unknown writer:\n%s" % text)
    md = run(["report", "--format", "markdown", d]).stdout
    T.ok("| ufw | net.ipv4.ip\\_forward | 0 | 3 |" in md and
         "| not known | vm.swappiness | 60 | 1 |" in md,
         "the Markdown view's table of writers")
    page = re.sub(r">\s+<", "><",
                  unescape(run(["report", "--format", "html", d]).stdout))
    T.ok('id="writers"' in page and
         "<td>ufw</td><td><code>net.ipv4.ip_forward</code></td><td>0</td>"
         '<td class="n">3</td>' in page,
         "the HTML page's table of writers")
    # Without --live, no writer: no such section anywhere.
    plain = os.path.join(tmp, "plain")
    os.makedirs(plain)
    r = run(["check", "--format", "json", "--kernel", "6.1.0-13-amd64",
             "--root", os.path.join(CASES, "rule-live-drift-ufw", "root")])
    with open(os.path.join(plain, "h.json"), "w") as f:
        f.write(r.stdout)
    r, rep = report_json([plain])
    T.ok(rep.get("writers") == [] and "who wrote" not in
         run(["report", plain]).stdout and "Who wrote" not in
         run(["report", "--format", "html", plain]).stdout,
         "a fleet checked without --live has no writers")


# ---- a page a newcomer reads (issue 29) ----

def test_page(tmp):
    """The page says when and by what it was made (a fixed
    SOURCE_DATE_EPOCH gives its date), names a whole-file finding as such
    (no "=" in the key = value column), carries each finding's message
    (the did-you-mean), gives kernels that all have as many hosts as a
    table, not bars of one length, and shows a long reference by its host
    and last part (the whole URL its href and title). Markdown and JSON
    say when and by what too."""
    import re
    d = os.path.join(tmp, "page")
    os.makedirs(d)
    typo = os.path.join(tmp, "typo")
    write_files(typo, {"etc/sysctl.d/50-x.conf": "net.ipv4.tcp_fooo = 1\n"})
    for host, root, kernel in (
            ("a", typo, "6.1.0-13-amd64"),
            ("b", os.path.join(CASES, "rule-file-hidden", "root"),
             "5.15.0-91-generic"),
            ("c", os.path.join(TOP, "examples", "roots",
                               "time-wait-advice"), "6.12.38+deb13-amd64")):
        r = run(["check", "--format", "json", "--kernel", kernel, "--host",
                 host, "--root", root])
        with open(os.path.join(d, host + ".json"), "w") as f:
            f.write(r.stdout)
    env = dict(ENV, SOURCE_DATE_EPOCH="1765000000")  # 2025-12-06 05:46 UTC
    page = subprocess.run(WRAP + [BIN, "report", "--format", "html", d],
                          capture_output=True, text=True, env=env).stdout
    text = unescape(re.sub(r"<[^>]+>", " ", page))
    T.ok("Made by sysctl-guard " in text and "on 2025-12-06 05:46 UTC from "
         "3 inputs" in text, "the page says when and by what it was made")
    T.ok("(the whole file)" in text and not re.search(
        r"<code>\s*=\s*</code>|<code> = ", page),
         "a whole-file finding is named so, no bare '='")
    T.ok(re.search(r"Did you mean net\.ipv4\.tcp_\w+\?", text),
         "the finding's message (the did-you-mean) is on the page")
    T.ok('id="kernels"' in page and "Hosts per kernel" in text and
         page.count("<svg") == 1,
         "three kernels of one host each: a table, not three equal bars")
    links = re.findall(r'<a href="(https?://[^"]+)" title="([^"]+)">'
                       r'([^<]+)</a>', page)
    T.ok(links and all(h == t for h, t, _ in links) and
         all(len(x) <= 60 for _, _, x in links) and
         any("\u2026" in x for _, _, x in links),
         "long references shown by host and last part: %r" % links[:3])
    md = subprocess.run(WRAP + [BIN, "report", "--format", "markdown", d],
                        capture_output=True, text=True, env=env).stdout
    js = json.loads(subprocess.run(WRAP + [BIN, "report", "--format", "json",
                                           d], capture_output=True,
                                   text=True, env=env).stdout)
    T.ok("on 2025-12-06 05:46 UTC" in md and js.get("made") == {
        "tool": js["made"]["tool"], "at": "2025-12-06T05:46:40Z"} and
         js["made"]["tool"].startswith("sysctl-guard "),
         "Markdown and JSON say when and by what: %r" % js.get("made"))


def test_output_mode(tmp):
    """--output over an existing file keeps its mode (and, as root, its
    owner and group); a new file is 0644."""
    doc = os.path.join(tmp, "web1.json")
    with open(doc, "w") as f:
        json.dump(check_result("web1"), f)
    for mode in (0o600, 0o640):
        out = os.path.join(tmp, "r-%o.html" % mode)
        with open(out, "w") as f:
            f.write("old")
        os.chmod(out, mode)
        owner = (os.stat(out).st_uid, os.stat(out).st_gid)
        if os.geteuid() == 0:
            os.chown(out, 65534, 65534)
            owner = (65534, 65534)
        r = run(["report", "--format", "html", "--output", out, doc])
        st = os.stat(out)
        with open(out) as f:
            page = f.read()
        T.ok(r.returncode == 1 and page.startswith("<!DOCTYPE") and
             st.st_mode & 0o7777 == mode and (st.st_uid, st.st_gid) == owner,
             "--output over a %o file keeps it %o, owner %r (now %o, %r)"
             % (mode, mode, owner, st.st_mode & 0o7777,
                (st.st_uid, st.st_gid)))
    new = os.path.join(tmp, "new.html")
    run(["report", "--format", "html", "--output", new, doc])
    T.ok(os.stat(new).st_mode & 0o7777 == 0o644, "a new --output is 0644")


def test_fleet_sh(tmp):
    """examples/report/fleet.sh: the sample fleet of examples/ansible, each
    host for the kernel and profile its inventory gives, in one report."""
    import yaml
    with open(os.path.join(TOP, "examples", "ansible", "inventory",
                           "hosts.yml")) as f:
        inv = yaml.safe_load(f)["fleet"]["hosts"]
    out = os.path.join(tmp, "fleet")
    r = subprocess.run(["sh", os.path.join(TOP, "examples", "report",
                                           "fleet.sh"), BIN, out],
                       capture_output=True, text=True, env=ENV)
    T.ok(r.returncode == 1 and "5 hosts" in r.stdout and
         os.path.isfile(os.path.join(out, "report.html")),
         "fleet.sh: the report of the sample fleet (%d) %s"
         % (r.returncode, r.stderr[-300:]))
    _, rep = report_json([os.path.join(out, "results")])
    got = {h["name"]: h for h in rep.get("hosts", [])}
    T.ok(sorted(got) == sorted(inv), "fleet.sh: the inventory's hosts: %r"
         % sorted(got))
    for h, v in inv.items():
        args = ["check", "--format", "json", "--kernel",
                v["sysctl_guard_kernel"]]
        for p in v.get("sysctl_guard_profile", []):
            args += ["--profile", p]
        c = run(args + ["--root", os.path.join(TOP, "examples", "ansible",
                                               "roots", h)])
        want = live(json.loads(c.stdout)["findings"])
        x = got.get(h, {})
        T.ok(x.get("kernel") == v["sysctl_guard_kernel"] and
             sorted(key_of(f) for f in x.get("findings", [])) ==
             sorted(key_of(f) for f in want),
             "fleet.sh: %s as the inventory's kernel and profile give it" % h)


def main():
    global BIN, WRAP
    bins = sys.argv[1:]
    if bins and bins[0] == "--valgrind":
        WRAP = VALGRIND
        bins = bins[1:]
    if not bins:
        print(__doc__)
        return 2
    for b in bins:
        BIN = os.path.abspath(b)
        with tempfile.TemporaryDirectory() as tmp:
            for t in (test_cases, test_module_and_callback, test_baseline,
                      test_malformed, test_fifo, test_names, test_same_host,
                      test_writers, test_page, test_output_mode,
                      test_fleet_sh):
                sub = os.path.join(tmp, t.__name__)
                os.makedirs(sub)
                t(sub)
                shutil.rmtree(sub, ignore_errors=True)
    return T.done("report")


if __name__ == "__main__":
    sys.exit(main())
