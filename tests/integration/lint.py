#!/usr/bin/env python3
"""Lint-clean output: every YAML file the project ships (git ls-files) and
every YAML it emits -- plan --emit ansible and ansible-tasks, plan --emit
salt and examples/salt/*.sls as Salt's Jinja renders them -- passes
yamllint with the project's .yamllint; the Ansible examples and the plans
pass ansible-lint --profile production (the Debian package ansible-lint).
The plans are made for the example fleet's roots, a tree whose fix loads a
kernel module, a bare root that gets a new drop-in, and a clean tree (an
empty plan), so that every task kind a plan writes is linted. The shell
scripts shipped for people to run pass shellcheck.
Usage: lint.py BINARY
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
from sgtest import ENV, TOP, Tally  # noqa: E402

T = Tally()
BIN = os.path.abspath(sys.argv[1])
YAMLLINT = os.path.join(TOP, ".yamllint")


def sg(args):
    return subprocess.run([BIN] + args, capture_output=True, text=True,
                          env=ENV)


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def salt_render(text, kernel, base):
    """TEXT rendered as Salt's Jinja renderer renders an SLS (the functions
    and filters it calls, as tests/plan implements them after Salt's)."""
    sys.path.insert(0, os.path.join(TOP, "tests", "plan"))
    import importlib
    plan = importlib.import_module("run")
    import shlex
    env = plan.salt_jinja(kernel)
    # salt/utils/jinja.py registers shlex's quote as the filter "quote".
    env.filters["quote"] = shlex.quote
    out = env.from_string(text).render(salt=plan.salt_functions(base),
                                       pillar={}, tpldir="plan")
    # salt/utils/templates.py render_jinja_tmpl gives back the final
    # newline Jinja takes away.
    return out + "\n" if text.endswith("\n") else out


def trees(tmp):
    """(name, root, kernel, extra args) of the trees plans are made for."""
    ex = os.path.join(TOP, "examples", "ansible")
    import yaml
    with open(os.path.join(ex, "inventory", "hosts.yml")) as f:
        hosts = yaml.safe_load(f)["fleet"]["hosts"]
    out = []
    for h, v in sorted(hosts.items()):
        extra = []
        for p in v.get("sysctl_guard_profile", []):
            extra += ["--profile", p]
        out.append((h, os.path.join(ex, "roots", h),
                    v["sysctl_guard_kernel"], extra))
    k8s = os.path.join(tmp, "trees", "k8s")
    write(os.path.join(k8s, "etc", "sysctl.d", "50-k8s.conf"),
          "net.bridge.bridge-nf-call-iptables = 1\n")
    out.append(("modules", k8s, "6.1", []))
    bare = os.path.join(tmp, "trees", "bare")
    write(os.path.join(bare, "etc", "sysctl.d", "10-ports.conf"),
          "net.ipv4.ip_local_port_range = 32768 32769\n")
    out.append(("drop-in", bare, "6.1", []))
    clean = os.path.join(tmp, "trees", "clean")
    write(os.path.join(clean, "etc", "sysctl.d", "10-ok.conf"),
          "vm.swappiness = 10\n")
    out.append(("clean", clean, "6.1", []))
    return out


def main():
    for tool in ("yamllint", "ansible-lint"):
        T.ok(shutil.which(tool), "%s is not installed (make deps)" % tool)
    with tempfile.TemporaryDirectory(prefix="sg-lint-") as tmp:
        plays = os.path.join(tmp, "plans")
        shipped = [os.path.join(TOP, f) for f in subprocess.run(
            ["git", "-C", TOP, "ls-files", "*.yml", "*.yaml", ".yamllint"],
            capture_output=True, text=True).stdout.split()
            if not f.startswith("tests/")]
        T.ok(len(shipped) >= 6, "the shipped YAML files: %r" % shipped)
        emitted, kinds = [], set()
        for name, root, kernel, extra in trees(tmp):
            base = ["plan", "--kernel", kernel, "--root", root] + extra
            for emit, path in (
                    ("ansible", os.path.join(plays, name + ".yml")),
                    ("ansible-tasks",
                     os.path.join(plays, "tasks", name + ".yml"))):
                r = sg(base + ["--emit", emit])
                T.ok(r.returncode == 0 and r.stdout,
                     "plan --emit %s for %s: %s" % (emit, name, r.stderr))
                write(path, r.stdout)
                emitted.append(path)
                for kind in ("ansible.builtin.copy", "ansible.builtin.file",
                             "modules-load.d", "tasks: []"):
                    if kind in r.stdout:
                        kinds.add(kind)
            sdir = os.path.join(tmp, "salt-plans", name)
            os.makedirs(os.path.dirname(sdir), exist_ok=True)
            r = sg(base + ["--emit", "salt", "--output", sdir])
            T.ok(r.returncode == 0, "plan --emit salt for %s: %s" %
                 (name, r.stderr))
            with open(os.path.join(sdir, "init.sls")) as f:
                sls = f.read()
            path = os.path.join(tmp, "salt", name + ".sls.yml")
            write(path, salt_render(sls, kernel, root))
            emitted.append(path)
        T.ok(kinds == {"ansible.builtin.copy", "ansible.builtin.file",
                       "modules-load.d", "tasks: []"},
             "the plans write every kind of task: %r" % sorted(kinds))
        for sls in sorted(x for x in os.listdir(os.path.join(
                TOP, "examples", "salt")) if x.endswith(".sls")):
            with open(os.path.join(TOP, "examples", "salt", sls)) as f:
                text = f.read()
            path = os.path.join(tmp, "salt", "example-" + sls + ".yml")
            write(path, salt_render(text, "6.1.0-13-amd64", "/"))
            emitted.append(path)
        r = subprocess.run(["yamllint", "--strict", "-f", "parsable", "-c",
                            YAMLLINT] + shipped + emitted,
                           capture_output=True, text=True)
        T.ok(r.returncode == 0,
             "yamllint --strict -c .yamllint, %d shipped and %d emitted "
             "files:\n%s" % (len(shipped), len(emitted), r.stdout[-3000:]))
        # ansible-lint: the examples where their ansible.cfg finds the
        # module (make builds it), the plans where they were written.
        env = dict(ENV, ANSIBLE_LOCAL_TEMP=os.path.join(tmp, "ansible-tmp"),
                   NO_COLOR="1")
        ex = os.path.join(TOP, "examples", "ansible")
        for cwd, files in (
                (ex, ["audit.yml", "remediate.yml"]),
                (plays, sorted(os.path.relpath(p, plays) for p in emitted
                               if p.startswith(plays)))):
            r = subprocess.run(["ansible-lint", "--nocolor", "--offline",
                                "--profile", "production"] + files, cwd=cwd,
                               env=env, capture_output=True, text=True,
                               timeout=600)
            T.ok(r.returncode == 0 and "Passed with production profile" in
                 (r.stdout + r.stderr),
                 "ansible-lint --profile production in %s (%d files): %s" %
                 (os.path.relpath(cwd, TOP) if cwd.startswith(TOP) else
                  "the plans", len(files), (r.stdout + r.stderr)[-3000:]))
    # The shell scripts the project ships for people to run or read.
    scripts = [os.path.join(TOP, p) for p in (
        "examples/report/fleet.sh", "examples/salt/report.sh",
        "plugin/ansible/sysctl_guard.sh", "scripts/deps.sh",
        "scripts/module.sh")]
    r = subprocess.run(["shellcheck", "-s", "sh"] + scripts,
                       capture_output=True, text=True)
    T.ok(r.returncode == 0, "shellcheck of the shipped scripts: %s"
         % r.stdout[-2000:])
    return T.done("lint")


if __name__ == "__main__":
    sys.exit(main())
