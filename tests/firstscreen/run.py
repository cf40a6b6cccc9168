#!/usr/bin/env python3
"""The README's first screen, run as a newcomer runs it (issue 29): the
Quick start's shell block, line by line, as root in a fresh Debian 12
(bookworm) made with debootstrap, from a clone of this repository.

- The base system is debootstrap --variant=minbase bookworm, kept as a
  tarball in $SG_DEB12_CACHE (default /var/cache/sysctl-guard-test/
  deb12.tar, a directory only root can write: a tarball another user could
  plant is never run) so that a second run does not download it again;
  every run unpacks a fresh copy and throws it away.
- The chroot runs in a mount namespace of the test's own (unshare -m):
  /dev, /proc and /sys are mounted there, and this machine's resolv.conf
  is copied in for apt; nothing of this machine changes.
- REPOSITORY in the block is this checkout (a clone of it, under /root);
  the inputs the block names (/srv/img, roles/.../60-tuning.conf) are made
  from examples/roots/time-wait-advice first.
- Each line must exit as a person would expect: the set-up lines 0, check
  and fix --dry-run 0 or 1 (findings are what they are for), explain 0;
  then sysctl-guard is on PATH (/usr/local/bin), its man page installed,
  and check of the image names tw-recycle-removed.

Usage: run.py   (needs root, debootstrap and the Debian archive)
"""
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.normpath(os.path.join(HERE, "..", ".."))
CACHE = os.environ.get("SG_DEB12_CACHE",
                       "/var/cache/sysctl-guard-test/deb12.tar")
passed = failed = 0


def ok(cond, what):
    global passed, failed
    if cond:
        passed += 1
        print("ok   " + what)
    else:
        failed += 1
        print("FAIL " + what)
    return cond


def quick_start():
    """The shell lines of the README's Quick start block."""
    with open(os.path.join(TOP, "README.md")) as f:
        text = f.read()
    sec = text.split("## Quick start", 1)[1]
    block = re.search(r"```sh\n(.*?)```", sec, re.S).group(1)
    lines = []
    for raw in block.splitlines():
        line = re.sub(r"(^|\s)#.*$", "", raw).strip()  # its comment off
        if line:
            lines.append(line)
    return lines


def trusted(path):
    """PATH (and its directory) root's, and writable by nobody else: the
    tarball is run as root in the chroot, so one another user could have
    put there would steer this test."""
    import stat
    for p in (path, os.path.dirname(path)):
        st = os.lstat(p)
        if st.st_uid != 0 or st.st_mode & (stat.S_IWGRP | stat.S_IWOTH) or \
                stat.S_ISLNK(st.st_mode):
            return False
    return True


def base_tarball():
    os.makedirs(os.path.dirname(CACHE), mode=0o700, exist_ok=True)
    if os.path.isfile(CACHE):
        if trusted(CACHE):
            return CACHE
        ok(False, "%s is not root's alone: not used (remove it)" % CACHE)
        return None
    with tempfile.TemporaryDirectory(prefix="sg-deb12-") as d:
        root = os.path.join(d, "root")
        r = subprocess.run(["debootstrap", "--variant=minbase", "bookworm",
                            root, "http://deb.debian.org/debian"],
                           capture_output=True, text=True, timeout=1800)
        if not ok(r.returncode == 0, "debootstrap bookworm: %s"
                  % r.stderr[-500:]):
            return None
        tmp = CACHE + ".part"
        subprocess.run(["tar", "-C", root, "-cf", tmp, "."], check=True)
        os.replace(tmp, CACHE)
    return CACHE


def main():
    if os.geteuid() != 0:
        ok(False, "this test needs root (make test runs as root)")
        return 1
    lines = quick_start()
    ok(lines[:3] and lines[0].startswith("apt-get") and
       "git clone REPOSITORY" in lines[1] and lines[2].startswith("make"),
       "the Quick start begins with what a fresh machine lacks: %r"
       % lines[:3])
    tar = base_tarball()
    if not tar:
        return 1
    with tempfile.TemporaryDirectory(prefix="sg-first-screen-") as d:
        root = os.path.join(d, "root")
        os.makedirs(root)
        subprocess.run(["tar", "-C", root, "-xf", tar], check=True)
        # REPOSITORY: a clone of this checkout, reachable in the chroot.
        subprocess.run(["git", "clone", "-q", "--no-hardlinks", TOP,
                        os.path.join(root, "srv", "repository.git")],
                       check=True)
        # The inputs the block names.
        img = os.path.join(root, "srv", "img")
        shutil.copytree(os.path.join(TOP, "examples", "roots",
                                     "time-wait-advice"), img, symlinks=True)
        conf = os.path.join(root, "root", "sysctl-guard", "roles", "net",
                            "files", "sysctl.d")
        script = ["set -x", "export DEBIAN_FRONTEND=noninteractive",
                  "cd /root"]
        for line in lines:
            line = line.replace("REPOSITORY", "/srv/repository.git")
            script.append("( %s ); echo \"sg-status $? %s\""
                          % (line, shlex.quote(line).replace('"', '\\"')))
            if line.startswith("git clone"):
                # after the clone: the file the check line names, and the
                # block goes on in the checkout as a person's shell would
                script.append("cd /root/sysctl-guard && mkdir -p %s && cp "
                              "/srv/img/etc/sysctl.d/60-tuning.conf %s/"
                              % (conf[len(root):], conf[len(root):]))
        script += ["command -v sysctl-guard; echo \"sg-status $? which\"",
                   "test -f /usr/local/share/man/man1/sysctl-guard.1; "
                   "echo \"sg-status $? man\"",
                   "sysctl-guard check --format json --kernel 6.1 --root "
                   "/srv/img | grep -c tw-recycle-removed; "
                   "echo \"sg-status $? image\""]
        body = "\n".join(script)
        outer = ("set -e; r=%s; mount --rbind /dev $r/dev; "
                 "mount -t proc proc $r/proc; mount --rbind /sys $r/sys; "
                 "cp /etc/resolv.conf $r/etc/resolv.conf; "
                 "chroot $r /bin/sh -c %s" % (shlex.quote(root),
                                               shlex.quote(body)))
        r = subprocess.run(["unshare", "-m", "--propagation", "private",
                            "sh", "-c", outer], capture_output=True,
                           text=True, timeout=3600)
        status = {}
        for m in re.finditer(r"^sg-status (\d+) (.*)$", r.stdout, re.M):
            status[m.group(2).strip("'")] = int(m.group(1))
        for line in lines:
            line = line.replace("REPOSITORY", "/srv/repository.git")
            got = status.get(line)
            want = (0, 1) if line.startswith(("sysctl-guard check",
                                              "sysctl-guard fix")) else (0,)
            ok(got in want, "in a fresh Debian 12: %r exits %s (want %s)%s"
               % (line, got, want, "" if got in want else
                  "\n" + r.stdout[-1500:] + r.stderr[-1500:]))
        ok(status.get("which") == 0, "sysctl-guard is on PATH after the "
           "first screen")
        ok(status.get("man") == 0, "its man page is installed")
        ok(status.get("image") == 0, "check of the image names "
           "tw-recycle-removed")
    print("first-screen: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
