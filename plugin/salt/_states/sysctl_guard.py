"""
State module for sysctl-guard: check or enforce a machine's persistent
sysctl configuration against the sysctl-guard policies.

Copy this file to the ``_states`` directory of the Salt file roots (and
run ``saltutil.sync_states``); ``sysctl-guard`` must be installed on the
minion, on its PATH or named by the ``binary`` parameter (a state whose
binary is missing fails and says so). Both states run the binary, which prints the state return itself
(``--format salt``): ``name``, ``changes`` as ``{key: {old, new}}`` of
effective values (a modules-load.d list the fix writes: ``{path: {old,
new}}`` of the modules it names), ``result`` and ``comment``.

.. code-block:: yaml

    sysctl audit:
      sysctl_guard.checked:
        - root: /
        - kernel: "{{ grains['kernelrelease'] }}"
        - profile: [server]

    sysctl remediation:
      sysctl_guard.enforced:
        - root: /srv/images/web

The tree is ``root`` (default ``/``). Salt always passes ``name`` (the
state ID when the SLS gives none), so ``name`` is the tree only when
``root`` is not given and ``name`` is an absolute path (``- name: /``, the
older form). Quote ``kernel``: YAML reads an unquoted ``5.10`` as the
number 5.1, which the state refuses rather than check the wrong kernel.

``checked`` changes nothing; its result is False when a finding reaches
``fail_on``. ``enforced`` applies the fix-ups; with ``test=True`` it
changes nothing and returns result None with the changes it would make.
"""

import json
import shutil

__virtualname__ = "sysctl_guard"


def __virtual__():
    # Always loads: the binary is a parameter, so whether it is there is
    # told per state, by name, in the state's comment (see _run).
    return __virtualname__


def _command(verb, name, kernel, profile, policies, semantics, fail_on,
             binary, disable=None):
    # --no-config: a state takes its settings as parameters; a
    # .sysctl-guard.json in the minion's working directory is not its.
    cmd = [binary, verb, "--format", "salt", "--no-color", "--no-config",
           "--root", name]
    if kernel:
        cmd += ["--kernel", str(kernel)]
    if isinstance(profile, str):
        profile = [profile]
    for p in profile or []:
        cmd += ["--profile", p]
    if isinstance(policies, str):
        policies = [policies]
    for p in policies or []:
        cmd += ["--policy", p]
    if isinstance(disable, str):
        disable = [disable]
    for d in disable or []:
        cmd += ["--disable", str(d)]
    if semantics:
        cmd += ["--semantics", semantics]
    if fail_on:
        cmd += ["--fail-on", fail_on]
    return cmd


def _tree(name, root):
    """The tree to evaluate: ROOT, else NAME when it is an absolute path
    (Salt fills NAME with the state ID), else "/"."""
    if root is not None:
        return str(root)
    return name if isinstance(name, str) and name.startswith("/") else "/"


def _bad_kernel(name, kernel):
    """A kernel that YAML turned into a number: refuse it, say why."""
    if isinstance(kernel, bool) or isinstance(kernel, float):
        return {
            "name": name,
            "changes": {},
            "result": False,
            "comment": "sysctl-guard: kernel {!r} arrived as a {} (YAML reads "
                       "an unquoted 5.10 as 5.1): quote it, kernel: "
                       "\"5.10\"".format(kernel, type(kernel).__name__),
        }
    return None


def _flag(value):
    """A boolean parameter as Salt's states take one: True, or a string
    such as "yes" or "true" (salt.utils.data.is_true)."""
    if isinstance(value, str):
        return value.strip().lower() in ("1", "yes", "true", "on", "y")
    return bool(value) and not isinstance(value, float)


def _run(name, cmd):
    if not shutil.which(cmd[0]):
        return {
            "name": name,
            "changes": {},
            "result": False,
            "comment": "sysctl-guard: {!r} is not an executable on the "
                       "minion's PATH (set binary: to its full path)".format(
                           cmd[0]),
        }
    out = __salt__["cmd.run_all"](cmd, python_shell=False, ignore_retcode=True)
    try:
        ret = json.loads(out.get("stdout") or "")
    except ValueError:
        ret = None
    if not isinstance(ret, dict) or not {"changes", "result",
                                         "comment"} <= set(ret):
        return {
            "name": name,
            "changes": {},
            "result": False,
            "comment": "sysctl-guard failed (exit {}): {}".format(
                out.get("retcode"), (out.get("stderr") or "").strip()),
        }
    ret["name"] = name
    stderr = (out.get("stderr") or "").strip()
    if stderr:
        ret["comment"] = "{}\n{}".format(ret["comment"], stderr).strip()
    return ret


def _state(verb, name, root, kernel, profile, policies, semantics, fail_on,
           binary, live, extra=(), disable=None):
    """One state: VERB over the tree, with the options as the binary's."""
    bad = _bad_kernel(name, kernel)
    if bad:
        return bad
    cmd = _command(verb, _tree(name, root), kernel, profile, policies,
                   semantics, fail_on, binary, disable)
    if _flag(live):
        cmd.append("--live")
    return _run(name, cmd + list(extra))


def checked(name="/", kernel=None, profile=None, policies=None,
            semantics=None, fail_on=None, binary="sysctl-guard", root=None,
            live=False, disable=None):
    """
    Report the findings for the tree ``root`` (default ``/``; see the
    module's text for ``name``); fail when one reaches ``fail_on`` (error,
    warning (default) or info). ``live: True`` also reads the running
    kernel's values (``root``/proc/sys: on the minion, with ``root: /``,
    the minion's own kernel): drift and keys the kernel lacks. Never
    changes anything, in test mode or not. ``disable``: rule ids to turn
    off (``sysctl-guard list-rules``); an unknown one fails the state.
    """
    # The return carries the check as "sysctl_guard" for sysctl-guard
    # report, named by the minion's id (salt-call's output says "local").
    minion = __opts__.get("id")
    host = ["--host", minion] if isinstance(minion, str) and minion else []
    return _state("check", name, root, kernel, profile, policies, semantics,
                  fail_on, binary, live, host, disable=disable)


def enforced(name="/", kernel=None, profile=None, policies=None,
             semantics=None, fail_on=None, binary="sysctl-guard", root=None,
             live=False, disable=None):
    """
    Apply the fix-ups to the tree ``root`` (default ``/``; see the module's
    text for ``name``): remove ``tcp_tw_recycle`` and the other fixable
    findings, in place (``live``: as for ``checked``, rules that compare
    with the running kernel see it). In test mode, report what would change
    (result None; False when nothing would and findings a fix cannot
    remove are left) and write nothing.
    """
    if fail_on is not None:
        # Accepted only to say so: a fix fails when a finding it should
        # remove is left, whatever its severity.
        return {
            "name": name,
            "changes": {},
            "result": False,
            "comment": "sysctl-guard: fail_on means nothing for enforced "
                       "(an option of checked): a fix fails when a finding "
                       "it should remove is left",
        }
    return _state("fix", name, root, kernel, profile, policies, semantics,
                  None, binary, live,
                  ["--dry-run"] if __opts__.get("test") else [],
                  disable=disable)
