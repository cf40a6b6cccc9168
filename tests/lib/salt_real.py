"""Real Salt 3006 for the tests: where it is, and a minion kept loaded
(salt_session.py) that the tests call as salt-call would be called.

Salt is not in Debian's archive; the project's shared folder carries
upstream v3006.0 (../shared/salt-3006 beside the checkout; CI always has
it). It runs on Debian's /usr/bin/python3 with the packages `make deps`
installs. When it is not there, the suites say so plainly and only the
contract harness runs.
"""
import json
import os
import shutil
import subprocess
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.abspath(os.path.join(HERE, "..", ".."))
SALT_DIR = os.environ.get("SYSCTL_GUARD_SALT",
                          os.path.join(TOP, "..", "shared", "salt-3006"))
PYTHON = "/usr/bin/python3"


def missing():
    """None when real Salt can run here, else why not."""
    if not os.path.isfile(os.path.join(SALT_DIR, "lib", "salt",
                                       "__init__.py")):
        return "no Salt 3006 at %s" % SALT_DIR
    if not os.access(PYTHON, os.X_OK):
        return "no %s" % PYTHON
    r = subprocess.run([PYTHON, "-c", "import msgpack, zmq, Cryptodome, "
                        "jinja2, yaml, distro, looseversion, psutil"],
                       env=dict(os.environ,
                                PYTHONPATH=os.path.join(SALT_DIR, "lib")),
                       capture_output=True, text=True)
    if r.returncode:
        return "Salt's Python packages are missing (make deps): %s" % \
            r.stderr.strip().splitlines()[-1:]
    return None


def standins(bindir, log):
    """A stand-in sysctl and systemctl in BINDIR, first on PATH for every
    Salt call: they log their arguments to LOG and change nothing.
    systemctl --version prints the two lines Salt's grains read."""
    os.makedirs(bindir, exist_ok=True)
    for name in ("sysctl", "systemctl"):
        path = os.path.join(bindir, name)
        with open(path, "w") as f:
            f.write("#!/bin/sh\n")
            if name == "systemctl":
                f.write('if [ "$1" = --version ]; then echo "systemd 252 '
                        '(252.39-1~deb12u1)"; echo "+PAM +AUDIT"; exit 0; '
                        'fi\n')
            f.write('echo "%s $*" >>"%s"\n' % (name, log))
        os.chmod(path, 0o755)
    return bindir


class Minion:
    """A real masterless minion: WORK/srv is its file root. call() runs
    an execution function as `salt-call --local FUN ARGS` does and
    returns what salt-call would print under "local"."""

    def __init__(self, work=None, kernel=None, env=None):
        self.work = work or tempfile.mkdtemp(prefix="sg-salt-")
        self.srv = os.path.join(self.work, "srv")
        self.log = os.path.join(self.work, "calls.log")
        bindir = standins(os.path.join(self.work, "bin"), self.log)
        e = dict(env or os.environ)
        e["PATH"] = bindir + os.pathsep + e.get("PATH", "/usr/bin:/bin")
        e["PYTHONPATH"] = os.path.join(SALT_DIR, "lib")
        argv = [PYTHON, "-W", "ignore", os.path.join(HERE, "salt_session.py"),
                os.path.join(SALT_DIR, "lib"), self.work]
        if kernel:
            argv.append(kernel)
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, text=True,
                                     env=e, cwd=self.work)
        first = self.proc.stdout.readline()
        if not first or not json.loads(first).get("ready"):
            raise RuntimeError("the Salt minion did not start")

    def call(self, fun, *args, **kwargs):
        self.proc.stdin.write(json.dumps({"fun": fun, "args": list(args),
                                          "kwargs": kwargs}) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError("the Salt minion died")
        reply = json.loads(line)
        if "error" in reply:
            raise RuntimeError(reply["error"])
        return reply["ret"]

    def calls(self):
        """What the stand-in sysctl and systemctl were asked to do."""
        if not os.path.exists(self.log):
            return []
        with open(self.log) as f:
            return [ln for ln in f.read().splitlines()
                    if not ln.startswith("systemctl --version")]

    def close(self):
        if self.proc.poll() is None:
            self.proc.stdin.close()
            self.proc.wait(timeout=30)
        shutil.rmtree(self.work, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def states(ret):
    """A state run's return as {state id: state return}; a list (Salt's
    render or compile errors) raises with what Salt said."""
    if not isinstance(ret, dict):
        raise RuntimeError("Salt did not run the states: %r" % (ret,))
    return {k.split("_|-")[1]: v for k, v in ret.items()}
