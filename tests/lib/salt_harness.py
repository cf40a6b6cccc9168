"""Salt's loader as far as the sysctl_guard state module needs it: the
module loaded from its file with the dunders Salt gives a state module
(__salt__ with cmd.run_all as salt/modules/cmdmod.py runs a command list
without a shell, __opts__ with test and id, the minion's id), and nothing
else."""
import importlib.util
import os
import subprocess

STATE_MODULE = os.path.normpath(os.path.join(
    os.path.dirname(__file__), "..", "..", "plugin", "salt", "_states",
    "sysctl_guard.py"))


class Harness:
    """The dunders Salt's loader gives a state module, and nothing else."""

    def __init__(self, path, env):
        spec = importlib.util.spec_from_file_location("sysctl_guard", path)
        self.mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(self.mod)
        self.env = env
        self.mod.__salt__ = {"cmd.run_all": self.run_all}
        self.mod.__opts__ = {"test": False, "id": "minion1"}

    def run_all(self, cmd, python_shell=False, ignore_retcode=False):
        assert python_shell is False and isinstance(cmd, list)
        r = subprocess.run(cmd, capture_output=True, text=True, env=self.env)
        return {"retcode": r.returncode, "stdout": r.stdout,
                "stderr": r.stderr, "pid": 0}

    def call(self, fun, test=False, **kw):
        self.mod.__opts__["test"] = test
        return getattr(self.mod, fun)(**kw)
