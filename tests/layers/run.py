#!/usr/bin/env python3
"""The house's shape, checked: every #include of plugin/ runs down the
flow, front ends (cli, ansible) -> run -> views -> remedy, report, data ->
core (judge -> tree -> kernel -> base), never against it, and no two
modules (a .c with its .h) include each other, directly or round a longer
circle.

Usage: run.py [PLUGIN_DIR]
"""
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
PLUGIN = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "..",
                                                           "plugin")
# Lower numbers lie below; a folder may include its own and lower ones.
TIER = {"core/base": 0, "core/kernel": 1, "core/tree": 2, "core/judge": 3,
        "remedy": 4, "report": 4, "data": 4, "views": 5, "run": 6,
        "cli": 7, "cli/plan": 7, "ansible": 7}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def modules():
    """{module: set of modules its .c and .h include}; a module is
    "folder/name" (cli/plan/ansible, core/eval)."""
    deps = {}
    for dp, _, fns in os.walk(PLUGIN):
        for fn in fns:
            if not fn.endswith((".c", ".h")):
                continue
            path = os.path.join(dp, fn)
            folder = os.path.relpath(dp, PLUGIN)
            mod = folder + "/" + fn[:-2]
            with open(path, encoding="utf-8", errors="replace") as f:
                text = f.read()
            for inc in INCLUDE.findall(text):
                target = os.path.normpath(os.path.join(folder, inc))
                if not target.endswith(".h") or not os.path.exists(
                        os.path.join(PLUGIN, target)):
                    continue  # build/, generated
                deps.setdefault(mod, set()).add(target[:-2])
            deps.setdefault(mod, set())
    return deps


def main():
    deps = modules()
    bad = []
    for mod, targets in sorted(deps.items()):
        here = TIER.get(os.path.dirname(mod))
        for t in sorted(targets):
            there = TIER.get(os.path.dirname(t))
            if here is None or there is None:
                bad.append("%s: folder not in the tiers (%s)" % (mod, t))
            elif there > here:
                bad.append("%s includes %s: against the flow" % (mod, t))
    # Circles: a depth-first search over module -> module (itself left out).
    state, stack, circles = {}, [], []

    def visit(m):
        state[m] = 1
        stack.append(m)
        for t in sorted(deps.get(m, ())):
            if t == m:
                continue
            if state.get(t) == 1:
                circles.append(stack[stack.index(t):] + [t])
            elif not state.get(t):
                visit(t)
        stack.pop()
        state[m] = 2

    for m in sorted(deps):
        if not state.get(m):
            visit(m)
    bad += ["circle: " + " -> ".join(c) for c in circles]
    for b in bad:
        print("FAIL " + b)
    n = sum(len(t) for t in deps.values())
    print("layers: %d modules, %d includes, %d problems" % (len(deps), n,
                                                            len(bad)))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
