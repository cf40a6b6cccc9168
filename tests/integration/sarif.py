#!/usr/bin/env python3
"""SARIF 2.1.0 output (`check --format sarif`), for code scanning.

Checked against the required properties and enumerations of the SARIF
2.1.0 JSON schema (sarif-schema-2.1.0.json: sarifLog, run, tool,
toolComponent, reportingDescriptor, result, message, location,
physicalLocation, region, fix, artifactChange, replacement, invocation,
notification; written out below, as no schema validator or schema copy
is installable here), for every case tree and for fragments:
- one result per finding of --format json, same rule, level and line;
  ruleIndex points at the rule with that id; every rule has short and full
  description, help, helpUri and a default level;
- locations relative to the current directory (uriBaseId %SRCROOT%) for
  a relative --root or fragment path, file:// URIs for absolute ones;
- partialFingerprints survive lines moving;
- the fixes, applied to the files, give what `fix` writes.
Usage: sarif.py BINARY
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from sgtest import CASES, ENV, TOP, Tally, tree_args  # noqa: E402

TALLY = Tally()
ok = TALLY.ok
BIN = os.path.abspath(sys.argv[1])
LEVELS = {"none", "note", "warning", "error"}
SEV = {"error": "error", "warning": "warning", "info": "note"}
COMPARED = []  # case trees whose SARIF fixes were compared with fix
SUPPRESSED = []  # case trees with a suppressed finding


def sg(args, cwd):
    return subprocess.run([BIN] + args, capture_output=True, text=True,
                          env=ENV, cwd=cwd)


def need(obj, keys, what):
    missing = [k for k in keys if k not in obj]
    ok(not missing, "%s: missing %s" % (what, missing))


def message(m, what):
    ok(isinstance(m, dict) and ("text" in m or "id" in m),
       what + ": message has text or id")


def region(r, what):
    ok(r.get("startLine", 1) >= 1 and r.get("charOffset", 0) >= 0 and
       r.get("charLength", 0) >= 0, what + ": region bounds")


def artifact_location(a, what):
    ok(isinstance(a.get("uri"), str) and " " not in a["uri"],
       what + ": artifactLocation.uri")


def validate(log, what):
    """The SARIF 2.1.0 schema's required properties and enums."""
    need(log, ["version", "runs"], what)
    ok(log.get("version") == "2.1.0" and "$schema" in log,
       what + ": version 2.1.0 and $schema")
    for run in log["runs"]:
        need(run, ["tool"], what + " run")
        need(run["tool"], ["driver"], what + " tool")
        drv = run["tool"]["driver"]
        need(drv, ["name"], what + " driver")
        for rule in drv.get("rules", []):
            need(rule, ["id", "shortDescription", "fullDescription", "help",
                        "helpUri", "defaultConfiguration"], what + " rule")
            for k in ("shortDescription", "fullDescription", "help"):
                need(rule[k], ["text"], what + " rule " + k)
            ok(rule["defaultConfiguration"].get("level") in LEVELS,
               what + ": rule level")
        for base in run.get("originalUriBaseIds", {}).values():
            ok(base["uri"].endswith("/"), what + ": base URI ends with /")
        for inv in run.get("invocations", []):
            need(inv, ["executionSuccessful"], what + " invocation")
            for n in inv.get("toolExecutionNotifications", []):
                message(n.get("message"), what + " notification")
        for res in run.get("results", []):
            need(res, ["message", "ruleId", "ruleIndex", "level",
                       "partialFingerprints"], what + " result")
            message(res["message"], what + " result")
            ok(res["level"] in LEVELS, what + ": result level")
            ok(drv["rules"][res["ruleIndex"]]["id"] == res["ruleId"],
               what + ": ruleIndex points at ruleId")
            for loc in res.get("locations", []):
                phys = loc["physicalLocation"]
                artifact_location(phys["artifactLocation"], what)
                region(phys.get("region", {}), what)
            for fx in res.get("fixes", []):
                need(fx, ["artifactChanges"], what + " fix")
                ok(len(fx["artifactChanges"]) >= 1, what + ": fix changes")
                for ch in fx["artifactChanges"]:
                    need(ch, ["artifactLocation", "replacements"],
                         what + " artifactChange")
                    artifact_location(ch["artifactLocation"], what)
                    for rep in ch["replacements"]:
                        need(rep, ["deletedRegion"], what + " replacement")
                        region(rep["deletedRegion"], what)


def host_path(uri, cwd):
    if uri.startswith("file://"):
        from urllib.parse import unquote
        return unquote(uri[len("file://"):])
    from urllib.parse import unquote
    return os.path.join(cwd, unquote(uri))


def apply_fixes(log, cwd):
    """Apply every fix's replacements, offsets in UTF-16 code units (the
    run's columnKind) of the file as it is, "\r" included (read without
    newline translation). Returns {path: text}, or None when two overlap."""
    edits = {}
    for res in log["runs"][0]["results"]:
        for fx in res.get("fixes", []):
            for ch in fx["artifactChanges"]:
                p = host_path(ch["artifactLocation"]["uri"], cwd)
                for rep in ch["replacements"]:
                    d = rep["deletedRegion"]
                    edits.setdefault(p, []).append(
                        (d["charOffset"], d["charLength"],
                         rep.get("insertedContent", {}).get("text", "")))
    out = {}
    for p, es in edits.items():
        try:
            with open(p, newline="") as f:
                text = f.read()
        except FileNotFoundError:
            text = ""
        t16 = text.encode("utf-16-le")
        end = len(t16) // 2 + 1
        for off, ln, ins in sorted(set(es), reverse=True):
            if off + ln > end:
                return None  # overlapping fixes: not comparable
            t16 = t16[:2 * off] + ins.encode("utf-16-le") + t16[2 * (off + ln):]
            end = off
        out[p] = t16.decode("utf-16-le")
    return out


def test_case(tmp, name, args):
    work = os.path.join(tmp, name)
    shutil.copytree(os.path.join(CASES, name, "root"),
                    os.path.join(work, "root"), symlinks=True)
    rel = ["--root", "root"] + args
    r = sg(["check", "--format", "sarif"] + rel, work)
    log = json.loads(r.stdout)
    validate(log, name)
    js = json.loads(sg(["check", "--format", "json"] + rel, work).stdout)
    res = log["runs"][0]["results"]
    ok([(x["ruleId"], SEV[f["severity"]] == x["level"],
         f.get("line")) for x, f in zip(res, js["findings"])] ==
       [(f["rule"], True, f.get("line")) for f in js["findings"]] and
       len(res) == len(js["findings"]), name + ": one result per finding")
    for x, f in zip(res, js["findings"]):
        # A suppression comment: a SARIF suppression, with its reason.
        sup = f.get("suppressed")
        ok((x.get("suppressions") is None) if sup is None else
           (len(x.get("suppressions", [])) == 1 and
            x["suppressions"][0]["kind"] == "inSource" and
            x["suppressions"][0].get("justification") ==
            (sup["reason"] or None)),
           name + ": suppressions as the JSON says (%r, %r)" %
           (sup, x.get("suppressions")))
        if sup is not None:
            SUPPRESSED.append(name)
        if "file" in f:
            loc = x["locations"][0]["physicalLocation"]
            ok(loc["artifactLocation"] == {"uri": "root" + f["file"],
                                           "uriBaseId": "%SRCROOT%"} and
               loc.get("region", {}).get("startLine") == f.get("line"),
               name + ": location relative to the repository")
    fixed = apply_fixes(log, work)
    if any(x.get("fixes") for x in res):
        # One plan, each operation's span once: fixes never overlap.
        ok(fixed is not None, name + ": the fixes do not overlap")
    if fixed:
        if sg(["fix"] + rel, work).returncode != 2:
            COMPARED.append(name)
            for p, text in fixed.items():
                with open(p, newline="") as f:
                    ok(f.read() == text,
                       "%s: SARIF fixes give what fix writes (%s)" % (name, p))
    return log


def test_moves(tmp):
    work = os.path.join(tmp, "moves")
    shutil.copytree(os.path.join(TOP, "examples", "roots",
                                 "time-wait-advice"), work, symlinks=True)
    conf = os.path.join(work, "etc", "sysctl.d", "60-tuning.conf")
    args = ["check", "--format", "sarif", "--kernel", "6.1", "--root", work]
    a = json.loads(sg(args, tmp).stdout)["runs"][0]["results"]
    with open(conf) as f:
        text = f.read()
    with open(conf, "w") as f:
        f.write("# a new first line\n\n" + text)
    b = json.loads(sg(args, tmp).stdout)["runs"][0]["results"]
    ok([x["partialFingerprints"] for x in a] ==
       [x["partialFingerprints"] for x in b] and
       [x["locations"][0]["physicalLocation"]["region"]["startLine"] + 2
        for x in a] ==
       [x["locations"][0]["physicalLocation"]["region"]["startLine"]
        for x in b], "fingerprints stay when lines move")
    ok(b[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
       == "file://" + conf, "absolute --root: file:// URI")


def test_fragments(tmp):
    work = os.path.join(tmp, "frag")
    d = os.path.join(work, "roles", "net", "files", "sysctl.d")
    os.makedirs(d)
    with open(os.path.join(d, "60 tuning.conf"), "w", encoding="utf-8") as f:
        f.write("# réglage ≥ 4.12 \U0001F680 from a blog\n"
                "net.ipv4.tcp_tw_recycle = 1\n"
                "net.core.somaxconn = 1024\n")
    r = sg(["check", "--format", "sarif", "--kernel", "6.1",
            "roles/net/files/sysctl.d/60 tuning.conf"], work)
    log = json.loads(r.stdout)
    validate(log, "fragment")
    loc = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    ok(loc["artifactLocation"] == {
        "uri": "roles/net/files/sysctl.d/60%20tuning.conf",
        "uriBaseId": "%SRCROOT%"}, "fragment: path as given, percent-encoded")
    ok(log["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"] ==
       "file://" + work + "/", "%SRCROOT% is the current directory")
    fixed = apply_fixes(log, work)
    sg(["fix", "--kernel", "6.1", "roles/net/files/sysctl.d/60 tuning.conf"],
       work)
    for p, text in fixed.items():
        with open(p, encoding="utf-8", newline="") as f:
            got = f.read()
        ok(got == text and "tcp_tw_recycle" not in got and "\U0001F680" in got,
           "fragment with non-ASCII text: the fixes give what fix writes")


def test_latin1(tmp):
    """A file that is not UTF-8: the log still is (JSON), the finding is
    there, and no fix is offered, since SARIF's offsets and replacement
    text are Unicode and could not give the file's own bytes back."""
    work = os.path.join(tmp, "latin1")
    d = os.path.join(work, "sysctl.d")
    os.makedirs(d)
    conf = os.path.join(d, "60-web.conf")
    with open(conf, "wb") as f:
        f.write(b"# f\xfcr den Webserver\n"
                b"net.core.somaxconn = 8192 # f\xfcr nginx\n"
                b"net.ipv4.tcp_tw_recycle = 1\n")
    r = subprocess.run([BIN, "check", "--format", "sarif", "--kernel", "6.1",
                        "sysctl.d/60-web.conf"], cwd=work, env=ENV,
                       capture_output=True)
    try:
        log = json.loads(r.stdout.decode("utf-8"))
    except ValueError:
        log = None
    ok(log is not None, "Latin-1 file: the SARIF log is UTF-8 JSON")
    if log is None:
        return
    validate(log, "latin1")
    res = log["runs"][0]["results"]
    ok(sorted(x["ruleId"] for x in res) ==
       ["inline-comment", "tw-recycle-removed"] and
       "f\ufffdr nginx" in res[0]["message"]["text"] + res[1]["message"]["text"],
       "Latin-1 file: the findings, the byte shown as U+FFFD")
    ok(not any(x.get("fixes") for x in res),
       "Latin-1 file: no SARIF fixes (fix edits it: %s)" %
       [x.get("fixes") for x in res])


def main():
    with tempfile.TemporaryDirectory() as tmp:
        n = 0
        for name in sorted(os.listdir(CASES)):
            case = os.path.join(CASES, name)
            args = tree_args(case) if os.path.isdir(case) else None
            if args is None:
                continue
            test_case(tmp, name, args)
            n += 1
        ok(n >= 20, "ran %d case trees" % n)
        ok(len(COMPARED) >= 10, "SARIF fixes compared with fix on %d trees"
           % len(COMPARED))
        ok("suppress-next-line" in SUPPRESSED and "suppress-file" in SUPPRESSED,
           "suppressed findings seen in %r" % sorted(set(SUPPRESSED)))
        test_moves(tmp)
        test_fragments(tmp)
        test_latin1(tmp)
    return TALLY.done("sarif")


if __name__ == "__main__":
    sys.exit(main())
