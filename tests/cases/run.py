#!/usr/bin/env python3
"""Table-driven case tests: each directory under tests/cases/ is a tree and
the output the CLI must print for it.

A case directory holds:
  root/          the tree, evaluated with --root (copied first: setup may
                 add files git cannot hold, and nothing may touch the source)
  args           the command line, one argument per line ("{root}" = the copy)
  expected.json  the JSON the command prints, "root" given as "{root}"
  exit           the expected exit status (default 0; --update records a
                 change between 0 and 1, never an exit 2)
  setup.sh       optional: run in the copy's directory before the command
  stderr         optional: text stderr must contain (then expected.json
                 may be absent: nothing is printed on stdout; with
                 expected.txt, both are checked)
  expected.txt   instead of expected.json: the exact text printed (for the
                 gcc and text formats)
  intent         optional: "+RULE" (the rule must find something) and
                 "-RULE" (it must not), with "#" comments

A rule case (rule-RULE[-variant]) states its intent apart from the golden
output, checked with --update too: RULE must fire, and must not when the
variant is "-not" or "-not-..."; an intent file says it otherwise (a
negative case named for why: -backport, -udev, ...).

Usage: run.py BINARY [BINARY...] [--update] [--only NAME]
Every case runs with every binary (the plain and the ASan/UBSan build).
"""
import json
import re
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
LENSDIR = os.path.join(HERE, "..", "..", "lenses")
POLICYDIR = os.path.join(HERE, "..", "..", "policies")


def normalise(doc, root):
    """Make output comparable: the temporary root and the version vary."""
    text = json.dumps(doc)
    text = text.replace(root, "{root}")
    doc = json.loads(text)
    if isinstance(doc, dict) and "tool" in doc:
        doc["tool"]["version"] = "*"
    return doc


def rule_ids():
    ids = set()
    for f in os.listdir(POLICYDIR):
        if f.endswith(".xml"):
            with open(os.path.join(POLICYDIR, f)) as fh:
                ids |= set(re.findall(r'<rule\b[^>]*\bid="([^"]+)"', fh.read()))
    return ids


RULE_IDS = None


def intent(case, name):
    """What a rule case is for, stated apart from its golden output:
    [(rule, must_fire)]. From the case's `intent` file ("+RULE": the rule
    must find something, "-RULE": it must not; "#" comments), else from
    its name: rule-RULE[-variant] must fire RULE, and a variant "-not" or
    "-not-..." must not. Not a rule case: []."""
    global RULE_IDS
    path = os.path.join(case, "intent")
    if os.path.exists(path):
        with open(path) as f:
            return [(l[1:].split()[0], l[0] == "+") for l in
                    (l.strip() for l in f) if l[:1] in ("+", "-")]
    if not name.startswith("rule-"):
        return []
    RULE_IDS = RULE_IDS or rule_ids()
    rest = name[5:]
    ids = [i for i in RULE_IDS if rest == i or rest.startswith(i + "-")]
    if not ids:
        return [(None, True)]
    rule = max(ids, key=len)
    variant = rest[len(rule):]
    return [(rule, not (variant == "-not" or variant.startswith("-not-")))]


def check_intent(case, name, doc):
    problems = []
    fired = {f.get("rule") for f in doc.get("findings", [])}
    for rule, must in intent(case, name):
        if rule is None:
            problems.append("intent: the name names no shipped rule (write "
                            "an intent file)")
        elif must and rule not in fired:
            problems.append("intent: %s must find something, found %s"
                            % (rule, sorted(fired)))
        elif not must and rule in fired:
            problems.append("intent: %s must find nothing here" % rule)
    return problems


def run_case(binary, name, update):
    case = os.path.join(HERE, name)
    with tempfile.TemporaryDirectory(prefix="sg-case-") as tmp:
        root = os.path.join(tmp, "root")
        if os.path.isdir(os.path.join(case, "root")):
            shutil.copytree(os.path.join(case, "root"), root, symlinks=True)
        else:
            os.mkdir(root)
        for extra in os.listdir(case):
            if extra.startswith("outside"):
                shutil.copy(os.path.join(case, extra), tmp)
        if os.path.exists(os.path.join(case, "setup.sh")):
            subprocess.run(["sh", os.path.join(case, "setup.sh")], cwd=tmp,
                           check=True)
        with open(os.path.join(case, "args")) as f:
            args = [a.replace("{root}", root).replace("{case}", case)
                    for a in f.read().splitlines() if a]
        env = dict(os.environ, SYSCTL_GUARD_LENSDIR=LENSDIR,
                   SYSCTL_GUARD_POLICYDIR=POLICYDIR, NO_COLOR="1")
        env.pop("COLUMNS", None)  # text wraps at 80 off a terminal
        p = subprocess.run([binary] + args, capture_output=True, text=True,
                           env=env, timeout=120)
        want_exit = 0
        if os.path.exists(os.path.join(case, "exit")):
            with open(os.path.join(case, "exit")) as f:
                want_exit = int(f.read())
        problems = []
        if p.returncode != want_exit:
            problems.append("exit %d, expected %d" % (p.returncode, want_exit))
        if "Sanitizer" in p.stderr or "runtime error" in p.stderr:
            problems.append("sanitizer report:\n" + p.stderr)
        exit_path = os.path.join(case, "exit")
        # --update records a change between 0 and 1 (findings or none); an
        # error exit (2) is never recorded, nor one taken away: a case that
        # starts or stops failing on its input is a finding for a person,
        # who writes the exit file by hand.
        recordable = p.returncode in (0, 1) and want_exit in (0, 1)
        if update and recordable and p.returncode != 0 and \
                not os.path.exists(os.path.join(case, "stderr")):
            with open(exit_path, "w") as f:
                f.write("%d\n" % p.returncode)
        elif update and recordable and os.path.exists(exit_path) and \
                p.returncode == 0:
            os.unlink(exit_path)
        if update and recordable:
            problems = [pr for pr in problems if not pr.startswith("exit ")]
        stderr_path = os.path.join(case, "stderr")
        if os.path.exists(stderr_path):
            with open(stderr_path) as f:
                want_err = f.read().strip().replace("{root}", root)
            if want_err not in p.stderr:
                problems.append("stderr lacks %r:\n%s" % (want_err, p.stderr))
        txt_path = os.path.join(case, "expected.txt")
        if os.path.exists(txt_path):
            got_txt = p.stdout.replace(root, "{root}")
            if update:
                with open(txt_path, "w") as f:
                    f.write(got_txt)
            else:
                with open(txt_path) as f:
                    want_txt = f.read()
                if got_txt != want_txt:
                    problems.append("output differs:\n--- expected\n%s--- got\n%s"
                                    % (want_txt, got_txt))
            return problems
        if os.path.exists(stderr_path):
            if not os.path.exists(os.path.join(case, "expected.json")):
                if p.stdout:
                    problems.append("unexpected output:\n" + p.stdout)
                return problems
        try:
            got = normalise(json.loads(p.stdout), root)
        except ValueError as e:
            return ["output is not JSON (%s):\n%s%s" % (e, p.stdout, p.stderr)]
        problems += check_intent(case, name, got)
        exp_path = os.path.join(case, "expected.json")
        if update:
            with open(exp_path, "w") as f:
                json.dump(got, f, indent=2, sort_keys=True)
                f.write("\n")
            return problems
        with open(exp_path) as f:
            want = json.load(f)
        if got != want:
            problems.append("output differs:\n--- expected\n%s\n--- got\n%s" % (
                json.dumps(want, indent=2, sort_keys=True),
                json.dumps(got, indent=2, sort_keys=True)))
        return problems


def main():
    argv = sys.argv[1:]
    update = "--update" in argv
    only = None
    if "--only" in argv:
        only = argv[argv.index("--only") + 1]
        argv.remove("--only")
        argv.remove(only)
    binaries = [a for a in argv if not a.startswith("--")]
    cases = sorted(d for d in os.listdir(HERE)
                   if os.path.isdir(os.path.join(HERE, d))
                   and os.path.exists(os.path.join(HERE, d, "args")))
    if only:
        cases = [c for c in cases if c == only]
    passed = failed = 0
    for binary in binaries:
        for name in cases:
            problems = run_case(binary, name, update)
            if problems:
                failed += 1
                print("FAIL %s [%s]" % (name, os.path.basename(
                    os.path.dirname(binary)) or binary))
                for pr in problems:
                    print("  " + pr.replace("\n", "\n  "))
            else:
                passed += 1
                print("ok   %s [%s]" % (name, binary))
        if update:
            break
    print("cases: %d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed or not passed else 0)


if __name__ == "__main__":
    main()
