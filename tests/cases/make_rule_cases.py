#!/usr/bin/env python3
"""Writes the rule case trees: for every shipped rule, a tree that triggers
it and one that must not, across the distribution kernels of facts.md.
Run it after changing the table, then `run.py BINARY --update --only NAME`
and review the expected.json it writes before committing. The name states
the intent (run.py checks it, --update or not): rule-RULE[-variant] fires
RULE, a "-not" variant must not; a case that means otherwise has an
`intent` file ("+RULE", "-RULE").

Each row: name, kernel, extra arguments, {path: text} (text "@TARGET": a
symlink), and optionally {"setup": sh run in the copy's directory first
(for what git cannot hold: a directory, a NUL byte, a huge file),
"exit": the status}.
"""
import os
import shutil

HERE = os.path.dirname(os.path.abspath(__file__))
D = "etc/sysctl.d/50-tuning.conf"

CASES = [
    # tcp_tw_recycle
    ("rule-tw-recycle-removed", "5.15.0-91-generic", [],
     {D: "net.ipv4.tcp_tw_recycle = 1\nnet.ipv4.tcp_tw_recycle = 0\n"}),
    ("rule-tw-recycle-removed-dash", "6.1.0-13-amd64", [],
     {D: "-net.ipv4.tcp_tw_recycle = 0\n"}),
    ("rule-tw-recycle-removed-not", "3.10.0-1160.el7.x86_64", [],
     {D: "net.ipv4.tcp_tw_recycle = 0\n"}),
    ("rule-tw-recycle-nat", "3.10.0-1160.el7.x86_64", ["--profile", "nat"],
     {D: "net.ipv4.tcp_tw_recycle = 1\n"}),
    # without timestamps recycling drops nothing: said so, not a NAT error
    ("rule-tw-recycle-no-timestamps", "3.10.0-1160.el7.x86_64",
     ["--profile", "nat"],
     {D: "net.ipv4.tcp_tw_recycle = 1\nnet.ipv4.tcp_timestamps = 0\n"}),
    ("rule-timestamps-off-reuse-default", "6.1.0-13-amd64", [],
     {D: "net.ipv4.tcp_timestamps = 0\n"}),
    # before 4.18 reuse defaults to 0: nothing to turn off
    ("rule-timestamps-off-reuse-default-not", "4.15.0-213-generic", [],
     {D: "net.ipv4.tcp_timestamps = 0\n"}),
    ("rule-tw-recycle-enabled", "3.10.0-1160.el7.x86_64", ["--profile", "client"],
     {D: "net.ipv4.tcp_tw_recycle = 1\n"}),
    ("rule-tw-recycle-enabled-not", "3.10.0-1160.el7.x86_64", [],
     {D: "net.ipv4.tcp_tw_recycle = 0\n"}),
    # tcp_tw_reuse
    ("rule-tw-reuse-delay-missing", "6.8.0-31-generic", [],
     {D: "net.ipv4.tcp_tw_reuse_delay = 100\n"}),
    ("rule-tw-reuse-delay-missing-not", "6.14.0", [],
     {D: "net.ipv4.tcp_tw_reuse_delay = 100\n"}),
    ("rule-tw-reuse-server", "6.1.0-13-amd64", ["--profile", "server"],
     {D: "net.ipv4.tcp_tw_reuse = 1\n"}),
    ("rule-tw-reuse-outgoing-only", "5.4.0-150-generic", ["--profile", "client"],
     {D: "net.ipv4.tcp_tw_reuse = 1\n"}),
    ("rule-tw-reuse-outgoing-only-not", "5.4.0-150-generic", [],
     {D: "net.ipv4.tcp_tw_reuse = 0\n"}),
    ("rule-tw-reuse-default", "4.18.0-193.el8.x86_64", [],
     {D: "net.ipv4.tcp_tw_reuse = 2\n"}),
    ("rule-tw-reuse-2-boolean", "4.15.0-30-generic", [],
     {D: "net.ipv4.tcp_tw_reuse = 2\n"}),
    ("rule-tw-reuse-no-timestamps", "6.12.38+deb13-amd64", [],
     {D: "net.ipv4.tcp_tw_reuse = 1\nnet.ipv4.tcp_timestamps = 0\n"}),
    ("rule-tw-reuse-no-timestamps-not", "6.12.38+deb13-amd64", [],
     {D: "net.ipv4.tcp_tw_reuse = 2\nnet.ipv4.tcp_timestamps = 1\n"}),
    # the ephemeral port range
    ("rule-port-range-inverted", "5.10.0-23-amd64", [],
     {D: "net.ipv4.ip_local_port_range = 61001 32768\n"}),
    # inverted and both ends even: rejected, so neither narrow nor parity
    ("rule-port-range-inverted-parity", "5.10.0-23-amd64", [],
     {D: "net.ipv4.ip_local_port_range = 60000 32768\n"}),
    ("rule-port-range-privileged", "5.14.0-162.23.1.el9_1.x86_64", [],
     {D: "net.ipv4.ip_local_port_range = 80 65001\n"}),
    ("rule-port-range-privileged-not", "5.14.0-162.23.1.el9_1.x86_64", [],
     {D: "net.ipv4.ip_unprivileged_port_start = 80\n"
         "net.ipv4.ip_local_port_range = 80 65001\n"}),
    ("rule-port-range-narrow", "6.1.0-13-amd64", [],
     {D: "net.ipv4.ip_local_port_range = 40000 50001\n"}),
    ("rule-port-range-narrow-not", "6.1.0-13-amd64", [],
     {D: "net.ipv4.ip_local_port_range = 1024 65001\n"}),
    # one number moves the first port only: said so, and no span or parity
    ("rule-port-range-one-port", "6.1.0-13-amd64", [],
     {D: "net.ipv4.ip_local_port_range = 40000\n"}),
    ("rule-port-range-one-port-not", "6.1.0-13-amd64", [],
     {D: "net.ipv4.ip_local_port_range = 32768\t60999\n"}),
    # 3.10 has neither the parity preference nor the 60999 default
    ("rule-port-range-parity-old", "3.10.0-1160.el7.x86_64", [],
     {D: "net.ipv4.ip_local_port_range = 40000 50000\n"}),
    ("rule-port-range-parity", "6.1.0-13-amd64", [],
     {D: "net.ipv4.ip_local_port_range = 1024 65000\n"}),
    # other folklore
    ("rule-tw-buckets-lowered", "6.1.0-13-amd64", ["--live"],
     {D: "net.ipv4.tcp_max_tw_buckets = 5000\n",
      "proc/sys/net/ipv4/tcp_max_tw_buckets": "262144\n"}),
    ("rule-tw-buckets-lowered-not", "6.1.0-13-amd64", [],
     {D: "net.ipv4.tcp_max_tw_buckets = 5000\n"}),
    ("rule-fin-timeout-not-time-wait", "6.1.0-13-amd64", [],
     {D: "net.ipv4.tcp_fin_timeout = 15\n"}),
    ("rule-fin-timeout-not-time-wait-not", "6.1.0-13-amd64", [],
     {D: "net.ipv4.tcp_fin_timeout = 120\n"}),
    ("rule-inline-comment", "6.1.0-13-amd64", [],
     {D: "kernel.core_pattern = core # keep it short\n"
         "vm.swappiness = 10 ; low\n"}),
    ("rule-inline-comment-not", "6.1.0-13-amd64", [],
     {D: "# a comment of its own\nvm.swappiness = 10\n"
         "kernel.core_pattern = |/usr/lib/x#y %p\n"}),
    # how the files are read
    ("rule-sysctl-conf-not-read", "6.12.38+deb13-amd64", [],
     {"etc/sysctl.conf": "vm.swappiness = 10\n"}),
    ("rule-sysctl-conf-not-read-not", "6.12.38+deb13-amd64", [],
     {"etc/sysctl.conf": "# comments only, as Debian 13 ships it\n"}),
    ("rule-semantics-disagree", "6.1.0-13-amd64", [],
     {"etc/sysctl.conf": "vm.swappiness = 10\n",
      "etc/sysctl.d/99-sysctl.conf": "@../sysctl.conf",
      "etc/sysctl.d/99-zz-late.conf": "vm.swappiness = 30\n"}),
    ("rule-semantics-disagree-not", "6.1.0-13-amd64", [],
     {"etc/sysctl.conf": "vm.swappiness = 10\n",
      "etc/sysctl.d/99-sysctl.conf": "@../sysctl.conf",
      "etc/sysctl.d/10-early.conf": "vm.swappiness = 30\n"}),
    # listen-backlog
    ("rule-somaxconn-below-default", "5.15.0-91-generic", [],
     {D: "net.core.somaxconn = 1024\n"}),
    ("rule-somaxconn-below-default-not", "4.19.0-26-amd64", [],
     {D: "net.core.somaxconn = 1024\n"}),
    ("rule-somaxconn-default", "6.8.0-31-generic", [],
     {D: "net.core.somaxconn = 4096\n"}),
    # the kernel key catalog (policies/kernel.xml)
    ("rule-key-unknown", "6.1.0-13-amd64", [],
     {D: "net.ipv4_timestamps = 1\nkernel.shmax = 68719476736\n"
         "-kernel.exec-shield = 1\nnet.ipv4.conf.eth0.rp_filer = 1\n"
         "net.ipv4.nothing.*.x = 1\n"}),
    # an old kernel: a key that came after the oldest catalogued version
    # a bare version: judged by the kernel.org row of its series (an error)
    ("rule-key-missing-old", "4.19", [],
     {D: "vm.percpu_pagelist_high_fraction = 8\nvm.percpu_pagelist_fraction = 8\n"}),
    # templates, globs, keys only some versions have, a policy's own keys
    ("rule-key-unknown-not", "6.1.0-13-amd64", [],
     {D: "net.ipv4.conf.eth0/100.rp_filter = 1\nnet.ipv4.conf.*.rp_filter = 2\n"
         "net.ipv6.conf.ens3.accept_ra = 0\nnet.ipv4.neigh.default.gc_thresh3 = 8192\n"
         "sysctl -w net.core.rmem_default = 1\n"}),
    # the running kernel decides: a key the catalog has never seen exists
    ("rule-key-unknown-live", "6.1.0-13-amd64", ["--live"],
     {D: "kernel.vendor_knob = 1\n",
      "proc/sys/kernel/vendor_knob": "1\n"}),
    ("rule-key-missing", "6.1.0-13-amd64", [],
     {D: "kernel.sched_min_granularity_ns = 1000000\n"
         "-kernel.sched_latency_ns = 6000000\nvm.percpu_pagelist_fraction = 8\n"}),
    # 5.17 lies between 5.15 (has it) and 6.1 (has not), and no history
    # says when it went: unknown, silent; the same for 5.0 between 4.19
    # (has not) and 5.4 (has); a RHEL release backports, its number says
    # nothing
    ("rule-key-missing-not", "5.17.0-1-amd64", [],
     {D: "fscache.object_max_active = 12\n"}),
    ("rule-key-missing-not-between", "5.0.0-13-generic", [],
     {D: "net.ipv4.tcp_mtu_probe_floor = 48\n"}),
    # the history pins it: sched_min_granularity_ns went in 5.13
    ("rule-key-missing-history", "5.13.0-52-generic", [],
     {D: "kernel.sched_min_granularity_ns = 1000000\n"}),
    ("rule-key-missing-backport", "4.18.0-553.el8_10.x86_64", [],
     {D: "vm.percpu_pagelist_high_fraction = 8\n"}),
    # with live reading, the running kernel's /proc/sys says what is missing
    ("rule-key-missing-live", "6.1.0-13-amd64", ["--live"],
     {D: "vm.swappiness = 10\nnet.ipv4.tcp_ecn = 1\n",
      "proc/sys/vm/swappiness": "60\n"}),
    ("rule-key-no-effect", "6.12.38+deb13-amd64", [],
     {D: "net.ipv4.tcp_low_latency = 1\nnet.ipv4.tcp_adv_win_scale = 2\n"
         "net.ipv4.ipfrag_low_thresh = 196608\n"}),
    # before the commits that made them so, they did something
    ("rule-key-no-effect-not", "4.9.0-13-amd64", [],
     {D: "net.ipv4.tcp_low_latency = 1\nnet.ipv4.tcp_adv_win_scale = 2\n"}),
    # keys of modules: nothing loads them before systemd-sysctl
    ("rule-key-module-not-loaded", "6.1.0-13-amd64", [],
     {D: "net.bridge.bridge-nf-call-iptables = 1\n"
         "net.netfilter.nf_conntrack_max = 1048576\nvm.swappiness = 10\n"}),
    # modules-load.d (names with - or _), the kernel command line
    ("rule-key-module-not-loaded-not", "6.1.0-13-amd64", [],
     {D: "net.bridge.bridge-nf-call-iptables = 1\n"
         "net.netfilter.nf_conntrack_max = 1048576\n",
      "usr/lib/modules-load.d/k8s.conf": "# for the bridge\nbr-netfilter\n",
      "proc/cmdline": "BOOT_IMAGE=/vmlinuz quiet modules-load=nf_conntrack,dummy\n"}),
    # a udev rule that runs systemd-sysctl --prefix (sysctl.d(5) example 2)
    ("rule-key-module-not-loaded-udev", "6.1.0-13-amd64", [],
     {D: "net.bridge.bridge-nf-call-iptables = 1\n",
      "etc/udev/rules.d/99-bridge.rules":
          'ACTION=="add", SUBSYSTEM=="module", KERNEL=="br_netfilter", '
          'RUN+="/usr/lib/systemd/systemd-sysctl --prefix=/net/bridge"\n'}),
    # an /etc entry masking the vendor list: nothing loads it
    ("rule-key-module-not-loaded-masked", "6.1.0-13-amd64", [],
     {D: "net.bridge.bridge-nf-call-iptables = 1\n",
      "usr/lib/modules-load.d/k8s.conf": "br_netfilter\n",
      "etc/modules-load.d/k8s.conf": "@/dev/null"}),
    ("rule-value-rejected", "6.1.0-13-amd64", [],
     {D: "vm.swappiness = 201\nvm.dirty_bytes = 0\n"
         "net.ipv4.ip_local_port_range = 32768 65536\n"
         "net.ipv4.tcp_timestamps = abc\nnet.ipv4.tcp_timestamps = 256\n"
         "fs.protected_fifos = 3\nnet.core.somaxconn = -1\nkernel.pid_max = 08\n"
         "fs.file-nr = 0\n"}),
    # what the handlers take: a blank and text after the number, base 0,
    # fewer values than a vector holds, strings
    ("rule-value-rejected-not", "6.1.0-13-amd64", [],
     {D: "vm.swappiness = 180\nvm.dirty_bytes = 8192\n"
         "net.ipv4.tcp_timestamps = 1 # on\nnet.core.somaxconn = 0x1000\n"
         "kernel.pid_max = 010000000\n"
         "net.ipv4.ip_local_port_range = 1024 65535\n"
         "kernel.core_pattern = |/bin/false %p\nfs.protected_fifos = 2\n"}),
    # the input itself (input.xml): what the reader could not use
    ("rule-syntax-not-assignment", "6.1.0-13-amd64", [],
     {D: "# too many TIME_WAIT sockets?\nnet.ipv4.tcp_fin_timeout 30\n"},
     {"exit": 1}),
    ("rule-syntax-not-assignment-not", "6.1.0-13-amd64", [],
     {D: "# net.ipv4.tcp_fin_timeout 30\n; a comment\n\n"
         "net.ipv4.tcp_fin_timeout = 30\n"}),
    # a file that is no sysctl file (notes dropped in sysctl.d as .conf):
    # said once with its first five lines, its KEY = VALUE lines unjudged
    ("rule-not-sysctl-file", "6.1.0-13-amd64", [],
     {D: "net.ipv4.tcp_fin_timeout = 30\n",
      "etc/sysctl.d/60-notes.conf":
      "".join("Step %d: raise the limits before the migration\n" % i
              for i in range(1, 21)) +
      "net.ipv4.tcp_tw_recycle = 1\nthe key with a blank = 2\n"},
     {"exit": 2}),
    # 19 such lines, or fewer than its assignments: each said, line by line
    ("rule-not-sysctl-file-not", "6.1.0-13-amd64", [],
     {D: "".join("note %d\n" % i for i in range(19)) +
         "net.ipv4.tcp_fin_timeout = 30\n"},
     {"exit": 1}),
    # (git keeps no empty directory: setup.sh makes it)
    ("rule-not-a-file", "6.1.0-13-amd64", [],
     {D: "net.ipv4.tcp_fin_timeout = 30\n"},
     {"setup": "mkdir root/etc/sysctl.d/60-dir.conf\n", "exit": 2}),
    ("rule-unreadable", "6.1.0-13-amd64", [],
     {D: "net.ipv4.tcp_fin_timeout = 30\n",
      "etc/sysctl.d/60-gone.conf": "@/usr/lib/sysctl.d/60-gone.conf"},
     {"exit": 2}),
    ("rule-not-text", "6.1.0-13-amd64", [],
     {D: "net.ipv4.tcp_fin_timeout = 30\n"},
     {"setup": "printf 'vm.swappiness = 1\\000\\n' "
               ">root/etc/sysctl.d/60-nul.conf\n", "exit": 2}),
    ("rule-file-too-big", "6.1.0-13-amd64", [],
     {D: "net.ipv4.tcp_fin_timeout = 30\n"},
     {"setup": "truncate -s 17M root/etc/sysctl.d/60-huge.conf\n",
      "exit": 2}),
    # (a tree, but not one with sysctl configuration: a wrong --root)
    ("rule-no-configuration", "6.1.0-13-amd64", [], {"etc/hostname": "web1\n"},
     {"exit": 1}),
    ("rule-no-configuration-not", "6.1.0-13-amd64", [],
     {D: "# nothing set here\n"}),
    # --live on a tree that is no running system: said once, a warning
    ("rule-live-unavailable", "6.1.0-13-amd64", ["--live"],
     {D: "net.ipv4.tcp_fin_timeout = 30\n"}, {"exit": 1}),
    ("rule-live-unavailable-not", "6.1.0-13-amd64", ["--live"],
     {D: "net.ipv4.tcp_fin_timeout = 30\n",
      "proc/sys/net/ipv4/tcp_fin_timeout": "30\n"}),
    ("rule-ignored-not-conf", "6.1.0-13-amd64", [],
     {D: "net.ipv4.tcp_fin_timeout = 30\n",
      "etc/sysctl.d/50-tuning.conf.bak": "net.ipv4.tcp_fin_timeout = 15\n"}),
    ("rule-file-masked", "6.1.0-13-amd64", [],
     {D: "@/dev/null",
      "usr/lib/sysctl.d/50-tuning.conf": "net.ipv4.tcp_fin_timeout = 30\n"}),
    ("rule-file-hidden", "6.1.0-13-amd64", [],
     {D: "net.ipv4.tcp_fin_timeout = 30\n",
      "usr/lib/sysctl.d/50-tuning.conf": "net.ipv4.tcp_fin_timeout = 15\n"}),
    # a save killed mid-way leaves its temporary file (remedy/save.h): the
    # next fix removes its own (tests/fix/attack.py), check says what it
    # found (the next fix removes it; another user's it cannot); made by
    # setup.sh, as git keeps no owner and no run may touch the source tree
    ("rule-save-leftover", "6.1.0-13-amd64", [],
     {D: "net.ipv4.tcp_fin_timeout = 30\n"},
     {"setup": "f=root/etc/sysctl.d/.sysctl-guard.5eed5eed5eed5eed.tmp\n"
               "printf 'net.ipv4.tcp_fin_timeout = 15\\n' >\"$f\"\n"
               "chown 65534:65534 \"$f\"\n", "exit": 1}),
    ("rule-save-leftover-own", "6.1.0-13-amd64", [],
     {D: "net.ipv4.tcp_fin_timeout = 30\n"},
     {"setup": "printf 'net.ipv4.tcp_fin_timeout = 15\\n' "
               ">root/etc/sysctl.d/.sysctl-guard.5eed5eed5eed5eed.tmp\n",
      "exit": 1}),
    # suppression comments (suppress.h): kept, judged, and said when idle
    ("rule-suppression-unused", "6.1.0-13-amd64", [],
     {D: "# sysctl-guard: disable=somaxconn-below-default -- stale\n"
         "net.ipv4.tcp_fin_timeout = 30\n"}),
    ("rule-suppression-unused-not", "6.1.0-13-amd64", [],
     {D: "# sysctl-guard: disable=fin-timeout-not-time-wait -- known\n"
         "net.ipv4.tcp_fin_timeout = 30\n"}),
    # a rule that does not apply to this kernel: the comment may be for
    # the fleet's other hosts, not an unused one
    ("rule-suppression-unused-not-other-kernel", "6.1.0-13-amd64", [],
     {D: "# sysctl-guard: disable=tw-recycle-enabled -- the 3.10 hosts\n"
         "net.ipv4.tcp_fin_timeout = 30\n"}),
    ("rule-suppression-no-reason", "6.1.0-13-amd64", [],
     {D: "# sysctl-guard: disable=fin-timeout-not-time-wait\n"
         "net.ipv4.tcp_fin_timeout = 30\n"}),
    ("rule-suppression-invalid", "6.1.0-13-amd64", [],
     {D: "# sysctl-guard: disabel=fin-timeout-not-time-wait -- typo\n"
         "; sysctl-guard: disable=no-such-rule -- a rule that is not there\n"
         "net.ipv4.tcp_fin_timeout = 30\n"}),
    # written the shellcheck way, without the colon: a comment, said so,
    # and the finding it meant to silence still counts; a comment that
    # merely names the tool is none
    ("rule-suppression-invalid-no-colon", "6.1.0-13-amd64", [],
     {D: "# sysctl-guard disable=fin-timeout-not-time-wait -- proxy\n"
         "net.ipv4.tcp_fin_timeout = 30\n"
         "# sysctl-guard keeps this file honest\n"
         "vm.swappiness = 10\n"}),
    # the next entry line, through comments and blank lines, and file-wide;
    # both on the same line of a CRLF file
    ("suppress-next-line", "6.1.0-13-amd64", ["--profile", "client"],
     {D: "# sysctl-guard: disable=port-range-narrow,port-range-parity "
         "\u2014 the proxy needs only these\r\n"
         "# (a comment between)\r\n\r\n"
         "net.ipv4.ip_local_port_range = 40000 50000\r\n"
         "net.ipv4.tcp_tw_reuse = 1\r\n"}),
    ("suppress-file", "6.1.0-13-amd64", [],
     {D: "# sysctl-guard: disable-file=somaxconn-below-default: on purpose\n"
         "net.ipv4.tcp_fin_timeout = 30\nnet.core.somaxconn = 1024\n",
      "etc/sysctl.d/40-other.conf": "net.core.somaxconn = 512\n"}),
    # more numbers than a key holds: the kernel reads what it holds
    ("rule-value-extra-fields", "6.1.0-13-amd64", [],
     {D: "kernel.yama.ptrace_scope = 1 2 3\n"
         "net.ipv4.tcp_rmem = 4096 87380 6291456 8388608\n"}),
    ("rule-value-extra-fields-el7", "3.10.0-1160.el7.x86_64", [],
     {D: "kernel.sem = 250 32000 100 128 64\nkernel.kptr_restrict = 1 1\n"}),
    # an inline comment is no number; a vector given what it holds; a
    # string key takes the whole text
    ("rule-value-extra-fields-not", "5.15.0-91-generic", [],
     {D: "net.ipv4.tcp_timestamps = 1 # on\n"
         "net.ipv4.ip_local_port_range = 32768 60999\n"
         "kernel.sem = 250 32000 100 128\n"
         "kernel.core_pattern = core %e %p\n"}),
    # values that name things: congestion control, qdiscs
    ("rule-value-unknown-name", "6.1.0-13-amd64", [],
     {D: "net.ipv4.tcp_congestion_control = tsunami\n"
         "net.core.default_qdisc = fq_codel # the default\n"}),
    # RHEL 9's config leaves vegas and pie out
    ("rule-value-unknown-name-el9", "5.14.0-570.32.1.el9_6.x86_64", [],
     {D: "net.ipv4.tcp_congestion_control = vegas\n"
         "net.core.default_qdisc = pie\n"}),
    ("rule-value-unknown-name-not", "6.12.38+deb13-amd64", [],
     {D: "net.ipv4.tcp_congestion_control = bbr\nnet.core.default_qdisc = fq\n"}),
    # Debian's 7.2 config leaves dualpi2 out: said of Debian's build only
    ("rule-value-unknown-name-debian", "7.2.13+deb14-amd64", [],
     {D: "net.core.default_qdisc = dualpi2\n"}),
    ("rule-value-unknown-name-not-other", "7.2.0", [],
     {D: "net.core.default_qdisc = dualpi2\n"}),
    # newer than every catalogued version: its names are not known
    ("rule-value-unknown-name-not-newer", "7.9.1", [],
     {D: "net.ipv4.tcp_congestion_control = tsunami\n"}),
    # the value a Debian kernel boots with anyway (catalog/defaults.tsv)
    ("rule-value-is-boot-default", "6.1.0-13-amd64", [],
     {D: "vm.swappiness = 60\nnet.ipv4.tcp_timestamps = 1\n"
         "net.core.somaxconn = 0x1000\n"}),
    ("rule-value-is-boot-default-trixie", "6.12.38+deb13-amd64", [],
     {D: "vm.swappiness = 60\n"}),
    # a package's line; a line that undoes an earlier one; a value scaled
    # from memory (no boot value); another value
    ("rule-value-is-boot-default-not", "6.1.0-13-amd64", [],
     {"usr/lib/sysctl.d/50-pkg.conf": "net.ipv4.tcp_timestamps = 1\n",
      "etc/sysctl.d/40-a.conf": "vm.swappiness = 10\n",
      "etc/sysctl.d/60-b.conf": "vm.swappiness = 60\nfs.file-max = 9223372036854775807\n"
                                "net.core.somaxconn = 8192\n"}),
    # Ubuntu's build may follow other config options: not judged
    ("rule-value-is-boot-default-not-ubuntu", "6.8.0-31-generic", [],
     {D: "vm.swappiness = 60\n"}),
    # relations: a later line of the same file sets the key again (the
    # same on every kernel: systemd-sysctl keeps the last line of a key)
    ("rule-key-set-again", "6.1.0-13-amd64", [],
     {D: "vm.swappiness = 10\nnet.ipv4.ip_local_port_range = 32768\t60999\n"
         "vm.swappiness = 60\nnet.ipv4.ip_local_port_range = 32768 60999\n"
         "net.ipv4.conf.*.rp_filter = 1\nnet.ipv4.conf.*.rp_filter = 2\n"
         }),
    ("rule-key-set-again-el8", "4.18.0-553.66.1.el8_10.x86_64", [],
     {D: "net.core.somaxconn = 4096\nnet.core.somaxconn = 1024\n"}),
    # the same value twice, a key set in two files (the later file wins:
    # no line of one file undoes another), and procps, which writes the
    # earlier line and keeps it when the kernel refuses the later one
    ("rule-key-set-again-not", "5.15.0-91-generic", [],
     {D: "vm.swappiness = 10\nvm.swappiness = 10\n",
      "etc/sysctl.d/60-late.conf": "vm.swappiness = 30\n"}),
    ("rule-key-set-again-not-procps", "6.1.0-13-amd64",
     ["--semantics", "procps-4"],
     {"etc/sysctl.conf": "vm.swappiness = 10\nvm.swappiness = 201\n"}),
    # a later write of another key zeroes this one (catalog/relations.tsv)
    ("rule-key-reset-by-other", "6.1.0-13-amd64", [],
     {D: "vm.dirty_bytes = 67108864\nvm.dirty_ratio = 15\n"
         "vm.dirty_background_ratio = 5\n"
         "vm.dirty_background_bytes = 16777216\n"
         "vm.overcommit_kbytes = 1048576\nvm.overcommit_ratio = 80\n"}),
    ("rule-key-reset-by-other-el7", "3.10.0-1160.el7.x86_64", [],
     {D: "vm.dirty_ratio = 10\nvm.overcommit_ratio = 80\n",
      "etc/sysctl.d/60-late.conf": "vm.dirty_bytes = 33554432\n"
                                   "vm.overcommit_kbytes = 1048576\n"}),
    # a write that changes nothing zeroes nothing (dirty_ratio 0 after
    # dirty_bytes zeroed it); a refused write (dirty_background_bytes has a
    # minimum of 1) neither; systemd-sysctl keeps a key set again to the
    # same value where it first stood: the order is not certain
    ("rule-key-reset-by-other-not", "5.15.0-91-generic", [],
     {D: "vm.dirty_bytes = 67108864\nvm.dirty_ratio = 0\n"
         "vm.dirty_background_ratio = 5\nvm.dirty_background_bytes = 0\n"
         "vm.overcommit_ratio = 80\n",
      "etc/sysctl.d/60-b.conf": "vm.overcommit_kbytes = 1048576\n",
      "etc/sysctl.d/70-c.conf": "vm.overcommit_ratio = 80\n"}),
    # 3.10's overcommit_ratio zeroes nothing: overcommit_kbytes came in 3.14
    ("rule-key-reset-by-other-not-old", "3.10", [],
     {D: "vm.overcommit_ratio = 80\nvm.overcommit_kbytes = 1048576\n"}),
    # the kernel halves a background threshold at or above the dirty one
    ("rule-dirty-background-halved", "6.12.38+deb13-amd64", [],
     {D: "# the background ratio stays at its initial 10\n"
         "vm.dirty_ratio = 10\n"}),
    ("rule-dirty-background-halved-el8", "4.18.0-553.66.1.el8_10.x86_64", [],
     {D: "vm.dirty_bytes = 268435456\n"
         "vm.dirty_background_bytes = 268435456\n"}),
    ("rule-dirty-background-halved-not", "6.1.0-13-amd64", [],
     {D: "vm.dirty_background_ratio = 5\nvm.dirty_ratio = 10\n"}),
    # a byte count against a ratio depends on the memory: not judged
    ("rule-dirty-background-halved-not-units", "5.10.0-32-amd64", [],
     {D: "vm.dirty_background_bytes = 536870912\n"}),
    # the kernel command line (cmdline.xml)
    ("rule-cmdline-overridden", "6.1.0-13-amd64", [],
     {"etc/default/grub": "GRUB_DEFAULT=0\n"
      "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet sysctl.vm.swappiness=10 "
      "sysctl.kernel.panic=5\"\n",
      D: "vm.swappiness = 60\nkernel.panic = 5\n"}),
    ("rule-cmdline-overridden-el9", "5.14.0-570.32.1.el9_6.x86_64", [],
     {"boot/loader/entries/abc-5.14.0.conf":
          "title AlmaLinux\nlinux /vmlinuz-5.14.0\n"
          "options root=/dev/vda1 ro sysctl.net.core.somaxconn=1024\n",
      D: "net.core.somaxconn = 4096\n"}),
    ("rule-cmdline-overridden-not", "6.12.38+deb13-amd64", [],
     {"etc/kernel/cmdline": "root=/dev/vda1 ro sysctl.vm.swappiness=10\n",
      D: "kernel.panic = 5\n"}),
    ("rule-cmdline-not-applied", "5.4.0-150-generic", [],
     {"etc/default/grub": "GRUB_CMDLINE_LINUX=\"sysctl.vm.swappiness=10\"\n",
      D: "vm.swappiness = 60\n"}),
    ("rule-cmdline-not-applied-el8", "4.18.0-553.66.1.el8_10.x86_64", [],
     {"boot/loader/entries/abc-4.18.0.conf":
          "title AlmaLinux\noptions root=/dev/vda1 sysctl.kernel.panic=10\n",
      D: "vm.swappiness = 10\n"}),
    # a build of an older series the catalog does not cover (SUSE's 5.3)
    # may carry it back: not known, nothing claimed
    ("rule-cmdline-not-applied-not-other", "5.3.18-150300.59.93-default", [],
     {"etc/default/grub": "GRUB_CMDLINE_LINUX=\"sysctl.kernel.panic=10\"\n",
      D: "vm.swappiness = 10\n"}),
    ("rule-cmdline-not-applied-not", "5.10.0-32-amd64", [],
     {"etc/default/grub": "GRUB_CMDLINE_LINUX=\"sysctl.kernel.panic=10\"\n",
      D: "vm.swappiness = 10\n"}),
    ("rule-cmdline-module-key", "6.1.0-13-amd64", [],
     {"etc/default/grub": "GRUB_CMDLINE_LINUX=\"quiet "
      "sysctl.net.bridge.bridge-nf-call-iptables=0 "
      "sysctl.net.netfilter.nf_conntrack_max=262144\"\n",
      D: "vm.swappiness = 10\n"}),
    ("rule-cmdline-module-key-ubuntu", "5.15.0-91-generic", [],
     {"etc/kernel/cmdline": "ro sysctl.net.netfilter.nf_conntrack_max=262144\n",
      D: "vm.swappiness = 10\n"}),
    ("rule-cmdline-module-key-not", "6.1.0-13-amd64", [],
     {"etc/kernel/cmdline": "ro sysctl.net.core.somaxconn=4096\n",
      D: "vm.swappiness = 10\n"}),
    # dotted names without the prefix set nothing (the kernel takes them
    # for a module's parameters); names no kernel has as a sysctl are
    # other programs' (udev's net.ifnames, dracut's rd.timeout)
    ("rule-cmdline-no-sysctl-prefix", "5.14.0-570.32.1.el9_6.x86_64", [],
     {"proc/cmdline": "BOOT_IMAGE=/boot/vmlinuz-5.14.0 root=UUID=e29 "
      "rd.timeout=60 quiet net.ifnames=0 fips=1 vm.panic_on_oom=0 "
      "vm.overcommit_memory=1 kernel.panic=10\n",
      D: "vm.swappiness = 10\n"}),
    ("rule-cmdline-no-sysctl-prefix-debian", "6.12.38+deb13-amd64", [],
     {"etc/default/grub": "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet kernel.sysrq=1\"\n",
      D: "vm.swappiness = 10\n"}),
    ("rule-cmdline-no-sysctl-prefix-not", "6.1.0-13-amd64", [],
     {"etc/default/grub": "GRUB_CMDLINE_LINUX=\"net.ifnames=0 rd.timeout=60 "
      "systemd.unified_cgroup_hierarchy=1 sysctl.kernel.sysrq=1\"\n",
      D: "vm.swappiness = 10\n"}),
    # net.ipv4.conf.all against the interfaces' own values (IN_DEV_*)
    ("rule-conf-all-overruled", "6.1.0-13-amd64", [],
     {D: "net.ipv4.conf.all.send_redirects = 0\n"
         "net.ipv4.conf.all.accept_redirects = 0\n"
         "net.ipv4.conf.all.rp_filter = 0\nnet.ipv4.conf.eth0.rp_filter = 2\n"}),
    # a forwarding host: accept_redirects is AND-ed
    ("rule-conf-all-overruled-forwarding", "6.12.38+deb13-amd64", [],
     {D: "net.ipv4.ip_forward = 1\nnet.ipv4.conf.all.accept_redirects = 1\n"
         "net.ipv4.conf.default.accept_redirects = 0\n"
         "net.ipv4.conf.all.send_redirects = 0\n"
         "net.ipv4.conf.default.send_redirects = 0\n"}),
    ("rule-conf-all-overruled-not", "5.10.0-32-amd64", [],
     {D: "net.ipv4.conf.all.send_redirects = 0\n"
         "net.ipv4.conf.default.send_redirects = 0\n"
         "net.ipv4.conf.all.rp_filter = 2\n"
         "net.ipv4.conf.all.accept_source_route = 0\n"}),
    # a vendor glob left each interface at 2: all = 0 lowers nothing there
    ("rule-conf-all-overruled-glob", "6.1.0-13-amd64", [],
     {"usr/lib/sysctl.d/50-default.conf":
      "-net.ipv4.conf.all.rp_filter\nnet.ipv4.conf.*.rp_filter = 2\n",
      D: "net.ipv4.conf.all.rp_filter = 0\nnet.ipv4.conf.default.rp_filter = 0\n"}),
    ("rule-conf-all-overruled-glob-procps4", "6.12.38+deb13-amd64",
     ["--semantics", "procps-4"],
     {"usr/lib/sysctl.d/50-default.conf":
      "-net.ipv4.conf.all.rp_filter\nnet.ipv4.conf.*.rp_filter = 2\n",
      D: "net.ipv4.conf.all.rp_filter = 0\nnet.ipv4.conf.default.rp_filter = 0\n"}),
    # procps 3.3's sysctl --system writes nothing for a glob
    ("rule-conf-all-overruled-not-glob-procps3", "5.15.0-91-generic",
     ["--semantics", "procps-3.3"],
     {"usr/lib/sysctl.d/50-default.conf":
      "-net.ipv4.conf.all.rp_filter\nnet.ipv4.conf.*.rp_filter = 2\n",
      D: "net.ipv4.conf.all.rp_filter = 0\nnet.ipv4.conf.default.rp_filter = 0\n"}),
    # RHEL 8's boot values are not catalogued: no claim about default's
    ("rule-conf-all-overruled-not-el8", "4.18.0-553.66.1.el8_10.x86_64", [],
     {D: "net.ipv4.conf.all.send_redirects = 0\n"}),
    # net.ipv6.conf.all: most keys no interface reads (relations.tsv `all`)
    ("rule-ipv6-conf-all-ignored", "6.1.0-13-amd64", [],
     {D: "net.ipv6.conf.all.accept_ra = 0\n"
         "net.ipv6.conf.all.use_tempaddr = 2\n"
         "net.ipv6.conf.all.disable_ipv6 = 0\n"
         "net.ipv6.conf.all.forwarding = 0\n"}),
    ("rule-ipv6-conf-all-ignored-el7", "3.10.0-1160.el7.x86_64", [],
     {D: "net.ipv6.conf.all.autoconf = 0\nnet.ipv6.conf.all.proxy_ndp = 1\n"}),
    # default, an interface or a glob says it for the interfaces
    ("rule-ipv6-conf-all-ignored-not", "5.15.0-91-generic", [],
     {D: "net.ipv6.conf.all.accept_ra = 0\n"
         "net.ipv6.conf.default.accept_ra = 0\n"
         "net.ipv6.conf.all.autoconf = 0\nnet.ipv6.conf.*.autoconf = 0\n"
         "net.ipv6.conf.all.use_tempaddr = 2\n"
         "net.ipv6.conf.eth0.use_tempaddr = 2\n"
         "net.ipv6.conf.all.accept_dad = 0\n"}),
    # accept_dad: all's value is read from 4.14 on (and in RHEL 7), not
    # before
    ("rule-ipv6-conf-all-ignored-old", "4.9.0-19-amd64", [],
     {D: "net.ipv6.conf.all.accept_dad = 0\n"}),
    # newer than every catalogued version: every one of them agrees
    ("rule-ipv6-conf-all-ignored-newer", "7.9.1", [],
     {D: "net.ipv6.conf.all.accept_ra = 0\n"}),
    # a module the tree's lib/modules for the kernel does not list
    ("rule-value-module-missing", "6.1.0-13-amd64", [],
     {D: "net.ipv4.tcp_congestion_control = bbr\nnet.core.default_qdisc = fq\n",
      "usr/lib/modules/6.1.0-13-amd64/modules.dep":
      "kernel/net/ipv4/tcp_cubic.ko.xz:\nkernel/net/sched/sch_fq_codel.ko.xz:\n"
      "kernel/net/ipv4/tcp_bbr2.ko.xz:\n",
      "usr/lib/modules/6.1.0-13-amd64/modules.builtin":
      "kernel/net/sched/sch_fq_pie.ko\n",
      "lib": "@usr/lib"}),
    ("rule-value-module-missing-not", "6.1.0-13-amd64", [],
     {D: "net.ipv4.tcp_congestion_control = bbr\nnet.core.default_qdisc = fq\n",
      "lib/modules/6.1.0-13-amd64/modules.dep":
      "kernel/net/ipv4/tcp_bbr.ko.xz:\nkernel/net/sched/sch_fq.ko: kernel/x.ko\n"}),
    # the tree has modules for another release only: not known
    ("rule-value-module-missing-not-release", "6.1.0-13-amd64", [],
     {D: "net.ipv4.tcp_congestion_control = bbr\n",
      "lib/modules/6.1.0-99-amd64/modules.dep": "kernel/net/ipv4/tcp_cubic.ko:\n"}),
    # a field above what the kernel keeps (kernel.sem's semmni, IPCMNI)
    ("rule-value-field-over", "6.1.0-13-amd64", [],
     {D: "kernel.sem = 250 256000 32 40000\n"}),
    ("rule-value-field-over-el7", "3.10.0-1160.el7.x86_64", [],
     {D: "kernel.sem = 250 256000 32 65536\n"}),
    # kernel.org 3.10 takes it and never allocates more
    ("rule-value-field-over-capped", "3.10.108", [],
     {D: "kernel.sem = 250 256000 32 65536\n"}),
    ("rule-value-field-over-not", "5.15.0-91-generic", [],
     {D: "kernel.sem = 250 256000 32 32768\n"}),
    # between 4.19 (capped) and 5.4 (refused) the catalog does not know
    ("rule-value-field-over-not-between", "5.2.0", [],
     {D: "kernel.sem = 250 256000 32 40000\n"}),
    # a name the build has as a module: the write loads it
    ("rule-value-names-module", "6.1.0-13-amd64", [],
     {D: "net.ipv4.tcp_congestion_control = bbr\n"
         "net.core.default_qdisc = fq\n",
      "etc/modules-load.d/bbr.conf": "tcp_bbr\n"}),
    ("rule-value-names-module-el9", "5.14.0-570.32.1.el9_6.x86_64", [],
     {D: "net.ipv4.tcp_congestion_control = htcp\n"}),
    # built in; newer than every catalogued version
    ("rule-value-names-module-not", "6.1.0-13-amd64", [],
     {D: "net.ipv4.tcp_congestion_control = cubic\n"
         "net.core.default_qdisc = fq_codel\n"}),
    # Debian's config makes bbr a module: nothing said of another build
    ("rule-value-names-module-not-other", "6.1.55", [],
     {D: "net.ipv4.tcp_congestion_control = bbr\n"}),
    ("rule-value-names-module-not-newer", "7.9.1", [],
     {D: "net.ipv4.tcp_congestion_control = bbr\n"}),
    # what systemd sets itself: known by the 50-pid-max.conf it ships (243)
    ("rule-file-max-below-systemd", "6.1.0-13-amd64", [],
     {"usr/lib/sysctl.d/50-pid-max.conf": "kernel.pid_max = 4194304\n",
      D: "fs.file-max = 65535\n"}),
    ("rule-file-max-below-systemd-not", "5.15.0-91-generic", [],
     {D: "fs.file-max = 65535\n"}),
    # before 5.2 the kernel did not take systemd's LONG_MAX
    ("rule-file-max-below-systemd-not-old", "4.19.0-26-amd64", [],
     {"usr/lib/sysctl.d/50-pid-max.conf": "kernel.pid_max = 4194304\n",
      D: "fs.file-max = 65535\n"}),
    ("rule-nr-open-below-systemd", "6.12.38+deb13-amd64", [],
     {"usr/lib/sysctl.d/50-pid-max.conf": "kernel.pid_max = 4194304\n",
      D: "fs.nr_open = 1048576\n"}),
    ("rule-nr-open-below-systemd-not", "6.1.0-13-amd64", [],
     {"usr/lib/sysctl.d/50-pid-max.conf": "kernel.pid_max = 4194304\n",
      D: "fs.nr_open = 1073741816\n"}),
    # the running kernel (a proc/sys under the root) against the files
    ("rule-live-drift", "6.1.0-13-amd64", ["--live"],
     {D: "net.ipv4.ip_forward = 0\nkernel.core_pattern = core\n"
         "net.ipv4.tcp_rmem = 4096 131072 6291456\n"
         "net.ipv4.tcp_syncookies = 1\n",
      "proc/sys/net/ipv4/ip_forward": "1\n",
      "proc/sys/kernel/core_pattern": "|/usr/lib/systemd/systemd-coredump %P\n",
      "proc/sys/net/ipv4/tcp_rmem": "4096\t131072\t33554432\n",
      "proc/sys/net/ipv4/tcp_syncookies": "1\n"}),
    # read as the handlers read: an inline comment after a number, tabs or
    # runs of blanks in a vector, 0x and a sign; a string exactly; a key
    # not in the catalog told by the running text
    ("rule-live-drift-not", "6.1.0-13-amd64", ["--live"],
     {D: "net.ipv4.tcp_sack = 1    # Turn on\n"
         "net.ipv4.ip_local_port_range = 1024\t65000\n"
         "net.ipv4.tcp_rmem = 4096  87380   6291456 # more\n"
         "kernel.sysrq = 0x10\nvm.swappiness=10\n"
         "kernel.core_pattern = core.%e.%p\n"
         "net.ipv4.tcp_congestion_control = cubic\n"
         "kernel.printk = 4\t4 1 7\n",
      "proc/sys/net/ipv4/tcp_sack": "1\n",
      "proc/sys/net/ipv4/ip_local_port_range": "1024\t65000\n",
      "proc/sys/net/ipv4/tcp_rmem": "4096\t87380\t6291456\n",
      "proc/sys/kernel/sysrq": "16\n",
      "proc/sys/vm/swappiness": "10\n",
      "proc/sys/kernel/core_pattern": "core.%e.%p\n",
      "proc/sys/net/ipv4/tcp_congestion_control": "cubic\n",
      "proc/sys/kernel/printk": "4\t4\t1\t7\n"}),
    # who wrote a drifting value: each writer's own configuration
    ("rule-live-drift-ufw", "5.15.0-91-generic", ["--live"],
     {D: "net.ipv4.ip_forward = 1\nnet.ipv4.conf.all.accept_redirects = 1\n",
      "etc/ufw/ufw.conf": "# managed by ufw\nENABLED=yes\nLOGLEVEL=low\n",
      "etc/default/ufw": "IPV6=yes\nIPT_SYSCTL=/etc/ufw/sysctl.conf\n",
      "etc/ufw/sysctl.conf": "# ufw's\n\nnet/ipv4/ip_forward=0\n"
                             "net/ipv4/conf/all/accept_redirects=0\n",
      "proc/sys/net/ipv4/ip_forward": "0\n",
      "proc/sys/net/ipv4/conf/all/accept_redirects": "0\n"}),
    ("rule-live-drift-docker", "6.1.0-13-amd64", ["--live"],
     {D: "net.ipv4.ip_forward = 0\n",
      "lib/systemd/system/docker.service": "[Service]\nExecStart=/usr/bin/dockerd\n",
      "etc/systemd/system/multi-user.target.wants/docker.service":
      "@/lib/systemd/system/docker.service",
      "proc/sys/net/ipv4/ip_forward": "1\n"}),
    ("rule-live-drift-kubelet", "6.1.0-13-amd64", ["--live"],
     {D: "vm.overcommit_memory = 0\nkernel.panic = 0\n",
      "lib/systemd/system/kubelet.service": "[Service]\nExecStart=/usr/bin/kubelet\n",
      "etc/systemd/system/multi-user.target.wants/kubelet.service":
      "@/lib/systemd/system/kubelet.service",
      "var/lib/kubelet/config.yaml": "kind: KubeletConfiguration\n"
                                     "protectKernelDefaults: false\n",
      "proc/sys/vm/overcommit_memory": "1\n", "proc/sys/kernel/panic": "10\n"}),
    ("rule-live-drift-tuned", "5.14.0-570.32.1.el9_6.x86_64", ["--live"],
     {D: "vm.swappiness = 30\nvm.dirty_ratio = 20\n",
      "etc/tuned/active_profile": "my-db\n",
      "etc/tuned/tuned-main.conf": "daemon = 1\nreapply_sysctl = 0\n",
      "etc/tuned/my-db/tuned.conf": "[main]\ninclude=throughput-performance\n\n"
                                    "[sysctl]\nvm.swappiness=5\n",
      "usr/lib/tuned/throughput-performance/tuned.conf":
      "[main]\nsummary=x\n[cpu]\ngovernor=performance\n[sysctl]\n"
      "vm.dirty_ratio = 40\nvm.swappiness=10\n",
      "proc/sys/vm/swappiness": "5\n", "proc/sys/vm/dirty_ratio": "40\n"}),
    ("rule-live-drift-networkmanager", "6.1.0-13-amd64", ["--live"],
     {D: "net.ipv6.conf.eth0.use_tempaddr = 0\n",
      "etc/NetworkManager/system-connections/wired.nmconnection":
      "[connection]\nid=wired\ntype=ethernet\ninterface-name=eth0\n\n"
      "[ipv6]\nmethod=auto\nip6-privacy=2\n",
      "lib/systemd/system/NetworkManager.service": "[Service]\n",
      "etc/systemd/system/multi-user.target.wants/NetworkManager.service":
      "@/lib/systemd/system/NetworkManager.service",
      "proc/sys/net/ipv6/conf/eth0/use_tempaddr": "2\n"}),
    # a connection that leaves ip6-privacy unset takes NetworkManager.conf's
    # default: /etc's conf.d after the main file, and a name there hiding
    # the same in /usr/lib; a connection with its own value keeps it
    ("rule-live-drift-networkmanager-default", "6.1.0-13-amd64", ["--live"],
     {D: "net.ipv6.conf.eth0.use_tempaddr = 0\n"
         "net.ipv6.conf.wlan0.use_tempaddr = 2\n",
      "etc/NetworkManager/system-connections/wired.nmconnection":
      "[connection]\nid=wired\ntype=ethernet\ninterface-name=eth0\n\n"
      "[ipv6]\nmethod=auto\n",
      "etc/NetworkManager/system-connections/wifi.nmconnection":
      "[connection]\nid=wifi\ntype=wifi\ninterface-name=wlan0\n\n"
      "[ipv6]\nmethod=auto\nip6-privacy=0\n",
      "etc/NetworkManager/NetworkManager.conf":
      "[main]\nplugins=ifupdown,keyfile\n\n[connection]\n"
      "ipv6.ip6-privacy=1\n",
      "etc/NetworkManager/conf.d/90-privacy.conf":
      "[connection]\nipv6.ip6-privacy=2\n",
      "usr/lib/NetworkManager/conf.d/90-privacy.conf":
      "[connection]\nipv6.ip6-privacy=0\n",
      "usr/lib/NetworkManager/conf.d/10-vendor.conf":
      "[connection]\nipv6.ip6-privacy=0\n",
      "lib/systemd/system/NetworkManager.service": "[Service]\n",
      "etc/systemd/system/multi-user.target.wants/NetworkManager.service":
      "@/lib/systemd/system/NetworkManager.service",
      "proc/sys/net/ipv6/conf/eth0/use_tempaddr": "2\n",
      "proc/sys/net/ipv6/conf/wlan0/use_tempaddr": "0\n"}),
    # NetworkManager not enabled: its connection names nobody
    ("rule-live-drift-networkmanager-not-enabled", "6.1.0-13-amd64",
     ["--live"],
     {D: "net.ipv6.conf.eth0.use_tempaddr = 0\n",
      "etc/NetworkManager/system-connections/wired.nmconnection":
      "[connection]\nid=wired\ntype=ethernet\ninterface-name=eth0\n\n"
      "[ipv6]\nmethod=auto\nip6-privacy=2\n",
      "proc/sys/net/ipv6/conf/eth0/use_tempaddr": "2\n"}),
    # systemd 252 (Debian 12's): IPForward= turns ip_forward on, every
    # interface networkd configures gets accept_ra = 0
    ("rule-live-drift-networkd", "6.12.38+deb13-amd64", ["--live"],
     {D: "net.ipv6.conf.enp1s0.use_tempaddr = 0\nnet.ipv4.ip_forward = 0\n"
         "net.ipv6.conf.enp1s0.accept_ra = 2\n",
      "etc/systemd/network/10-wan.network":
      "[Match]\nName=enp1s0\n\n[Network]\nDHCP=yes\n"
      "IPv6PrivacyExtensions=prefer-public\nIPForward=yes\n",
      "lib/systemd/system/systemd-networkd.service": "[Service]\n",
      "etc/systemd/system/multi-user.target.wants/systemd-networkd.service":
      "@/lib/systemd/system/systemd-networkd.service",
      "usr/lib/x86_64-linux-gnu/systemd/libsystemd-shared-252.so": "",
      "proc/sys/net/ipv6/conf/enp1s0/use_tempaddr": "1\n",
      "proc/sys/net/ipv6/conf/enp1s0/accept_ra": "0\n",
      "proc/sys/net/ipv4/ip_forward": "1\n"}),
    # .network files as networkd reads them: a name in /etc hides the same
    # in /usr/lib, and an interface takes the first file (by name) whose
    # Name= globs match it, so 20-eth1.network never applies to eth1
    ("rule-live-drift-networkd-first-match", "6.12.38+deb13-amd64",
     ["--live"],
     {D: "net.ipv6.conf.enp1s0.use_tempaddr = 0\n"
         "net.ipv6.conf.eth1.use_tempaddr = 0\n"
         "net.ipv6.conf.enp1s0.accept_ra = 2\n",
      "usr/lib/systemd/network/30-enp.network":
      "[Match]\nName=enp1s0\n\n[Network]\nIPv6PrivacyExtensions=yes\n",
      "etc/systemd/network/30-enp.network":
      "[Match]\nName=enp1s0\n\n[Network]\nIPv6PrivacyExtensions=no\n",
      "etc/systemd/network/05-lan.network":
      "[Match]\nName=eth* wlan0\n\n[Network]\nDHCP=yes\n",
      "etc/systemd/network/20-eth1.network":
      "[Match]\nName=eth1\n\n[Network]\nIPv6PrivacyExtensions=yes\n",
      "lib/systemd/system/systemd-networkd.service": "[Service]\n",
      "etc/systemd/system/multi-user.target.wants/systemd-networkd.service":
      "@/lib/systemd/system/systemd-networkd.service",
      "usr/lib/x86_64-linux-gnu/systemd/libsystemd-shared-252.so": "",
      "proc/sys/net/ipv6/conf/enp1s0/use_tempaddr": "2\n",
      "proc/sys/net/ipv6/conf/eth1/use_tempaddr": "2\n",
      "proc/sys/net/ipv6/conf/enp1s0/accept_ra": "0\n"}),
    # the same files with networkd not enabled: nobody named
    ("rule-live-drift-networkd-not-enabled", "6.12.38+deb13-amd64", ["--live"],
     {D: "net.ipv6.conf.enp1s0.use_tempaddr = 0\nnet.ipv4.ip_forward = 0\n",
      "etc/systemd/network/10-wan.network":
      "[Match]\nName=enp1s0\n\n[Network]\nDHCP=yes\n"
      "IPv6PrivacyExtensions=prefer-public\nIPForward=yes\n",
      "usr/lib/x86_64-linux-gnu/systemd/libsystemd-shared-252.so": "",
      "proc/sys/net/ipv6/conf/enp1s0/use_tempaddr": "1\n",
      "proc/sys/net/ipv4/ip_forward": "1\n"}),
    # systemd 256: networkd.conf's IPv4Forwarding= (a drop-in beating the
    # main file) sets default's and all's forwarding, so ip_forward; a
    # .network's IPv6Forwarding= its interface's; IPForward= is ignored
    ("rule-live-drift-networkd-256", "6.12.38+deb13-amd64", ["--live"],
     {D: "net.ipv4.ip_forward = 0\nnet.ipv6.conf.enp1s0.forwarding = 0\n"
         "net.ipv6.conf.all.forwarding = 0\n"
         "net.ipv4.conf.enp1s0.forwarding = 0\n",
      "etc/systemd/networkd.conf": "[Network]\nIPv4Forwarding=no\n",
      "usr/lib/systemd/networkd.conf.d/50-router.conf":
      "[Network]\nIPv4Forwarding=yes\n",
      "etc/systemd/network/10-wan.network":
      "[Match]\nName=enp1s0\n\n[Network]\nDHCP=yes\n"
      "IPv6Forwarding=yes\nIPForward=ipv6\n",
      "usr/lib/systemd/system/systemd-networkd.service": "[Service]\n",
      "etc/systemd/system/multi-user.target.wants/systemd-networkd.service":
      "@/usr/lib/systemd/system/systemd-networkd.service",
      "usr/lib/systemd/libsystemd-shared-256.so": "",
      "proc/sys/net/ipv4/ip_forward": "1\n",
      "proc/sys/net/ipv4/conf/enp1s0/forwarding": "1\n",
      "proc/sys/net/ipv6/conf/enp1s0/forwarding": "1\n",
      "proc/sys/net/ipv6/conf/all/forwarding": "1\n"}),
    # systemd 257: IPMasquerade=both implies forwarding on the interface
    # for both families, and IPv4Forwarding= for the host
    ("rule-live-drift-networkd-masquerade", "6.12.38+deb13-amd64", ["--live"],
     {D: "net.ipv4.conf.all.forwarding = 0\n"
         "net.ipv6.conf.eth1.forwarding = 0\n",
      "etc/systemd/network/20-lan.network":
      "[Match]\nName=eth1\n\n[Network]\nAddress=10.0.0.1/24\n"
      "IPMasquerade=both\n",
      "usr/lib/systemd/system/systemd-networkd.service": "[Service]\n",
      "etc/systemd/system/multi-user.target.wants/systemd-networkd.service":
      "@/usr/lib/systemd/system/systemd-networkd.service",
      "usr/lib/x86_64-linux-gnu/systemd/libsystemd-shared-257.so": "",
      "proc/sys/net/ipv4/conf/all/forwarding": "1\n",
      "proc/sys/net/ipv6/conf/eth1/forwarding": "1\n"}),
    # the command line's value, where the files' was not applied after it
    # a kernel newer or older than every catalogued one: said once
    ("rule-kernel-uncatalogued", "7.5.0", [],
     {D: "vm.swappiness = 10\n"}),
    ("rule-kernel-uncatalogued-old", "2.6.32", [],
     {D: "vm.swappiness = 10\n"}),
    ("rule-kernel-uncatalogued-not", "6.12.38+deb13-amd64", [],
     {D: "vm.swappiness = 10\n"}),
    ("rule-live-drift-cmdline", "6.1.0-13-amd64", ["--live"],
     {D: "kernel.panic = 0\n",
      "etc/default/grub": "GRUB_CMDLINE_LINUX=\"quiet sysctl.kernel.panic=30\"\n",
      "proc/sys/kernel/panic": "30\n"}),
    # a module nothing loads before systemd-sysctl: its key is the module's
    ("rule-live-drift-module", "6.1.0-13-amd64", ["--live"],
     {D: "net.bridge.bridge-nf-call-iptables = 1\n",
      "proc/sys/net/bridge/bridge-nf-call-iptables": "0\n"}),
    # the writers' configurations say they write nothing, or another value:
    # drift with no writer named
    ("rule-live-drift-unknown-writer", "6.1.0-13-amd64", ["--live"],
     {D: "net.ipv4.ip_forward = 0\nvm.swappiness = 30\nkernel.panic = 0\n",
      "etc/ufw/ufw.conf": "ENABLED=no\n",
      "etc/ufw/sysctl.conf": "net/ipv4/ip_forward=1\n",
      "lib/systemd/system/docker.service": "[Service]\n",
      "etc/systemd/system/multi-user.target.wants/docker.service":
      "@/lib/systemd/system/docker.service",
      "etc/docker/daemon.json": "{\n  \"ip-forward\": false\n}\n",
      "lib/systemd/system/kubelet.service": "[Service]\n",
      "etc/systemd/system/multi-user.target.wants/kubelet.service":
      "@/lib/systemd/system/kubelet.service",
      "var/lib/kubelet/config.yaml": "protectKernelDefaults: true\n",
      "etc/tuned/active_profile": "balanced\n",
      "usr/lib/tuned/balanced/tuned.conf": "[sysctl]\nvm.swappiness=60\n",
      "proc/sys/net/ipv4/ip_forward": "1\n", "proc/sys/vm/swappiness": "60\n",
      "proc/sys/kernel/panic": "10\n"}),
    # the mission's example, everything at once, on a modern kernel
    ("check-famous-advice", "6.1.0-13-amd64", ["--profile", "server"],
     {D: "# too many TIME_WAIT sockets?\nnet.ipv4.tcp_tw_recycle = 1\n"
         "net.ipv4.tcp_tw_reuse = 1\n"}),
]


def main():
    for row in CASES:
        name, kernel, extra, files = row[:4]
        more = row[4] if len(row) > 4 else {}
        case = os.path.join(HERE, name)
        # the tree and the arguments are rewritten; expected output stays
        shutil.rmtree(os.path.join(case, "root"), ignore_errors=True)
        os.makedirs(case, exist_ok=True)
        for path, text in files.items():
            p = os.path.join(case, "root", path)
            os.makedirs(os.path.dirname(p), exist_ok=True)
            if text.startswith("@"):
                os.symlink(text[1:], p)
            else:
                with open(p, "w") as f:
                    f.write(text)
        args = ["check", "--format", "json", "--kernel", kernel] + extra + [
            "--root", "{root}"]
        with open(os.path.join(case, "args"), "w") as f:
            f.write("\n".join(args) + "\n")
        for what in ("setup", "exit"):
            if what in more:
                path = os.path.join(case,
                                    "setup.sh" if what == "setup" else what)
                with open(path, "w") as f:
                    f.write(str(more[what]) + ("" if what == "setup" else "\n"))


if __name__ == "__main__":
    main()
