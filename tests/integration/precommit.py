#!/usr/bin/env python3
"""pre-commit integration: the repository's .pre-commit-hooks.yaml under the
real `pre-commit try-repo`, in a temporary git repository with a bad and a
good sysctl file (language: system, with the binary under test first on
PATH). The lint hook fails and names the bad file's line and passes the
good one; the fix hook rewrites the bad file; then the lint hook passes.
Files the `files` pattern does not match are never passed. The manifest
and examples/pre-commit-config.yaml pass pre-commit's own validators.
Usage: precommit.py BINARY
"""
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from sgtest import ENV, TOP, Tally  # noqa: E402

TALLY = Tally()
ok = TALLY.ok
BIN = os.path.abspath(sys.argv[1])

BAD = ("# from a blog\n"
       "net.ipv4.tcp_tw_recycle = 1\n"
       "net.ipv4.tcp_tw_reuse = 1\n")
GOOD = "# wider ephemeral port range\nnet.ipv4.ip_local_port_range = 15000 64001\n"


def run(cmd, cwd, env):
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=600)


def try_repo(repo, hook, env):
    return run(["pre-commit", "try-repo", TOP, hook, "--all-files",
                "--verbose", "--color", "never"], repo, env)


def main():
    if not shutil.which("pre-commit"):
        print("precommit: pre-commit is not installed (make deps)")
        return 1
    r = run(["pre-commit", "validate-manifest", ".pre-commit-hooks.yaml"],
            TOP, ENV)
    ok(r.returncode == 0, "validate-manifest: " + r.stdout + r.stderr)
    r = run(["pre-commit", "validate-config",
             "examples/pre-commit-config.yaml"], TOP, ENV)
    ok(r.returncode == 0, "validate-config: " + r.stdout + r.stderr)

    with tempfile.TemporaryDirectory() as tmp:
        bindir = os.path.join(tmp, "bin")
        os.makedirs(bindir)
        os.symlink(BIN, os.path.join(bindir, "sysctl-guard"))
        env = dict(ENV, PATH=bindir + os.pathsep + ENV["PATH"],
                   PRE_COMMIT_HOME=os.path.join(tmp, "cache"),
                   GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.invalid",
                   GIT_COMMITTER_NAME="t",
                   GIT_COMMITTER_EMAIL="t@example.invalid")
        repo = os.path.join(tmp, "repo")
        files = {
            "roles/net/files/sysctl.d/60-tuning.conf": BAD,
            "roles/net/files/sysctl.d/50-ports.conf": GOOD,
            # Not sysctl files by name: never passed to the hook.
            "docs/sysctl-advice.txt": BAD,
            "roles/net/files/sysctl.d/README": BAD,
        }
        for path, text in files.items():
            p = os.path.join(repo, path)
            os.makedirs(os.path.dirname(p), exist_ok=True)
            with open(p, "w") as f:
                f.write(text)
        run(["git", "init", "-q"], repo, env)
        run(["git", "add", "."], repo, env)
        run(["git", "commit", "-qm", "sysctl files"], repo, env)

        r = try_repo(repo, "sysctl-guard", env)
        out = r.stdout + r.stderr
        ok(r.returncode == 1, "lint hook fails on the bad file (rc %d)"
           % r.returncode)
        ok("roles/net/files/sysctl.d/60-tuning.conf:2:1: error:" in out,
           "lint hook names the bad file's line:\n" + out[-2000:])
        ok("[tw-recycle-removed]" in out, "lint hook names the rule")
        ok("50-ports.conf" not in out, "the good file has no finding")
        ok("sysctl-advice.txt" not in out and "README" not in out,
           "files outside the pattern are not checked")

        # The example configuration, copied as it is into the repository
        # (issue 29: it named a tag no repository provides).
        shutil.copy(os.path.join(TOP, "examples", "pre-commit-config.yaml"),
                    os.path.join(repo, ".pre-commit-config.yaml"))
        r = run(["pre-commit", "run", "--all-files", "--color", "never"],
                repo, env)
        out = r.stdout + r.stderr
        ok(r.returncode == 1 and
           "roles/net/files/sysctl.d/60-tuning.conf:2:1: error:" in out and
           "50-ports.conf" not in out and "README" not in out,
           "examples/pre-commit-config.yaml copied as it is: the lint hook "
           "runs and fails on the bad file (rc %d):\n%s" %
           (r.returncode, out[-2000:]))
        os.remove(os.path.join(repo, ".pre-commit-config.yaml"))

        r = try_repo(repo, "sysctl-guard-fix", env)
        out = r.stdout + r.stderr
        ok(r.returncode == 1 and "files were modified by this hook" in out,
           "fix hook rewrites the bad file (rc %d)" % r.returncode)
        with open(os.path.join(repo, "roles/net/files/sysctl.d/"
                               "60-tuning.conf")) as f:
            fixed = f.read()
        ok("tcp_tw_recycle" not in fixed and "# from a blog" in fixed,
           "fix hook removed tcp_tw_recycle and kept the comment")
        with open(os.path.join(repo, "docs/sysctl-advice.txt")) as f:
            ok(f.read() == BAD, "fix hook left unmatched files alone")

        run(["git", "add", "-A"], repo, env)
        r = try_repo(repo, "sysctl-guard", env)
        ok(r.returncode == 0 and "Passed" in r.stdout,
           "lint hook passes once fixed (rc %d):\n%s" %
           (r.returncode, r.stdout[-2000:]))

        # A broken line (no "=") is a finding of its own, so the hook
        # fails on it (issue 14: it was a warning on stderr, exit 0).
        broken = os.path.join(repo, "roles/net/files/sysctl.d/70-typo.conf")
        with open(broken, "w") as f:
            f.write("# pasted from a runbook\nnet.ipv4.tcp_fin_timeout 30\n")
        run(["git", "add", "-A"], repo, env)
        r = try_repo(repo, "sysctl-guard", env)
        out = r.stdout + r.stderr
        ok(r.returncode == 1 and
           "roles/net/files/sysctl.d/70-typo.conf:2:1: error:" in out and
           "[syntax-not-assignment]" in out,
           "lint hook fails on a line that is no assignment (rc %d):\n%s"
           % (r.returncode, out[-2000:]))
    return TALLY.done("precommit")


if __name__ == "__main__":
    sys.exit(main())
