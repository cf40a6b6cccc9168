(*
Module: Test_Sysctl_Guard
  augparse tests for the Sysctl_Guard lens: every syntax rule of sysctl.d(5)
  as systemd-sysctl and procps read it, in both directions, plus the stock
  files shipped by systemd, Debian and Ubuntu.
  Run: augparse -I lenses tests/lens/test_sysctl_guard.aug
*)
module Test_Sysctl_Guard =

let lns = Sysctl_Guard.lns

(* Test: entries, the loader's lens for entry lines alone: the nodes lns
   makes of them, every form of entry; blank and comment lines are none
   of its *)
test Sysctl_Guard.entries get "a.b = 1\n  -c.d=2\n-e.f\ng.h\n= 3\nk =\n" =
  { "1" { "key" = "a.b" } { "value" = "1" } }
  { "2" { "ignore_failure" } { "key" = "c.d" } { "value" = "2" } }
  { "3" { "ignore_failure" } { "key" = "e.f" } }
  { "4" { "key" = "g.h" } }
  { "5" { "key" } { "value" = "3" } }
  { "6" { "key" = "k" } { "value" } }
test Sysctl_Guard.entries get "a = 1\n# c\n" = *
test Sysctl_Guard.entries get "a = 1\n\n" = *
test Sysctl_Guard.entries put "a.b = 1\n-c = 2\n" after
  set "/1/value" "3" = "a.b = 3\n-c = 2\n"

(* Test: plain assignments, blanks around "=" optional, inner blanks kept *)
test lns get "a.b = 1\nc.d=2\n  e.f\t=\t32768\t60999  \n" =
  { "1" { "key" = "a.b" } { "value" = "1" } }
  { "2" { "key" = "c.d" } { "value" = "2" } }
  { "3" { "key" = "e.f" } { "value" = "32768\t60999  " } }

(* Test: whole-line comments only; an inline "#" belongs to the value *)
test lns get "# one\n  ; two\nnet.ipv4.tcp_tw_reuse = 1 # only for the proxy\n" =
  { "#comment" = "# one" }
  { "#comment" = "  ; two" }
  { "1" { "key" = "net.ipv4.tcp_tw_reuse" }
        { "value" = "1 # only for the proxy" } }

(* Test: blank lines are nodes too, so node position = line number *)
test lns get "\n   \n\t\na = 1\n" =
  { } { } { }
  { "1" { "key" = "a" } { "value" = "1" } }

(* Test: "-" marks ignore-failure and is not part of the key *)
test lns get "-net.ipv4.ping_group_range = 0 2147483647\n- kernel.x = 1\n" =
  { "1" { "ignore_failure" } { "key" = "net.ipv4.ping_group_range" }
        { "value" = "0 2147483647" } }
  { "2" { "ignore_failure" } { "key" = "kernel.x" } { "value" = "1" } }

(* Test: "-key" without "=" is a glob exclusion: "-" and no value node *)
test lns get "net.ipv4.conf.*.rp_filter = 2\n-net.ipv4.conf.lo.rp_filter\n" =
  { "1" { "key" = "net.ipv4.conf.*.rp_filter" } { "value" = "2" } }
  { "2" { "ignore_failure" } { "key" = "net.ipv4.conf.lo.rp_filter" } }

(* Test: slash keys, and dots inside a slash key (interface eth0.100) *)
test lns get "net/ipv4/conf/eth0.100/rp_filter = 0\nnet.ipv4.conf.eth0/100.rp_filter=0\n" =
  { "1" { "key" = "net/ipv4/conf/eth0.100/rp_filter" } { "value" = "0" } }
  { "2" { "key" = "net.ipv4.conf.eth0/100.rp_filter" } { "value" = "0" } }

(* Test: glob keys with * ? [ ] and ":" never make a file unreadable *)
test lns get "net.ipv4.conf.[ab]*.x? = 1\nnet.ipv4.conf.ib0:0.arp_filter = 1\n" =
  { "1" { "key" = "net.ipv4.conf.[ab]*.x?" } { "value" = "1" } }
  { "2" { "key" = "net.ipv4.conf.ib0:0.arp_filter" } { "value" = "1" } }

(* Test: CRLF line ends; the "\r" is a trailing blank the loader trims *)
test lns get "# dos\r\na = 1\r\n\r\nb =\r\n" =
  { "#comment" = "# dos\r" }
  { "1" { "key" = "a" } { "value" = "1\r" } }
  { }
  { "2" { "key" = "b" } { "value" } }

(* Test: an empty value is a value node without a value *)
test lns get "kernel.x =\nkernel.y=   \n" =
  { "1" { "key" = "kernel.x" } { "value" } }
  { "2" { "key" = "kernel.y" } { "value" } }

(* Test: "=" inside the value stays; only the first "=" separates *)
test lns get "kernel.core_pattern = |/bin/x a=b\n" =
  { "1" { "key" = "kernel.core_pattern" } { "value" = "|/bin/x a=b" } }

(* Test: lines without "=" (and no "-") are keys without value: the loader
   reports them as no assignment; nothing is ever fatal *)
test lns get "kernel.sysrq\nx\n  a b c  \n" =
  { "1" { "key" = "kernel.sysrq" } }
  { "2" { "key" = "x" } }
  { "3" { "key" = "a b c" } }

(* Test: a missing key still parses; the loader reports the line *)
test lns get "= 1\n- = 2\n-\n-  \n" =
  { "1" { "key" } { "value" = "1" } }
  { "2" { "ignore_failure" } { "key" } { "value" = "2" } }
  { "3" { "ignore_failure" } { "key" } }
  { "4" { "ignore_failure" } { "key" } }

(* Test: a last line without "\n" is the loader's job (see the lens) *)
test lns get "a = 1" = *

(* Group: the put direction *)

(* Test: an unchanged tree is written back byte for byte *)
test lns put "  # c\r\n a\t=  1 # x  \r\n-b\n;\n\nz\n" after
  insa "dummy" "/1" ; rm "/dummy" = "  # c\r\n a\t=  1 # x  \r\n-b\n;\n\nz\n"

(* Test: changing a value keeps the layout around it *)
test lns put "a\t=\t1\n" after set "/1/value" "0" = "a\t=\t0\n"

(* Test: a new entry gets "key = value" *)
test lns put "# head\n" after
  set "/01/key" "net.ipv4.tcp_tw_reuse" ;
  set "/01/value" "2" = "# head\nnet.ipv4.tcp_tw_reuse = 2\n"

(* Test: removing an entry removes its whole line, nothing else *)
test lns put "# keep\nnet.ipv4.tcp_tw_recycle = 1\nb = 2\n" after
  rm "/1" = "# keep\nb = 2\n"

(* Test: commenting an entry out: the comment holds the old line *)
test lns put "a = 1\nnet.ipv4.tcp_tw_recycle = 1\n" after
  insb "#comment" "/2" ;
  set "/#comment" "# net.ipv4.tcp_tw_recycle = 1" ;
  rm "/2" = "a = 1\n# net.ipv4.tcp_tw_recycle = 1\n"

(* Test: a changed line keeps the text after it *)
test lns put "a\n-b\n" after set "/1/key" "c" = "c\n-b\n"

(* Test: the ignore-failure flag can be added and dropped *)
test lns put "a = 1\n-b = 2\n" after
  insb "ignore_failure" "/1/key" ; rm "/2/ignore_failure"
  = "-a = 1\nb = 2\n"

(* Group: stock files *)

(* Variable: systemd_50_default
   systemd's sysctl.d/50-default.conf (v250-era) *)
let systemd_50_default = "#  This file is part of systemd.
#
#  systemd is free software; you can redistribute it and/or modify it
#  under the terms of the GNU Lesser General Public License as published by
#  the Free Software Foundation; either version 2.1 of the License, or
#  (at your option) any later version.

# See sysctl.d(5) and core(5) for documentation.

# System Request functionality of the kernel (SYNC)
kernel.sysrq = 16

# Append the PID to the core filename
kernel.core_uses_pid = 1

# Source route verification
net.ipv4.conf.default.rp_filter = 2
net.ipv4.conf.*.rp_filter = 2
-net.ipv4.conf.all.rp_filter

# Do not accept source routing
net.ipv4.conf.default.accept_source_route = 0
net.ipv4.conf.*.accept_source_route = 0
-net.ipv4.conf.all.accept_source_route

# ping(8) without CAP_NET_ADMIN and CAP_NET_RAW
-net.ipv4.ping_group_range = 0 2147483647

# Fair Queue CoDel packet scheduler to fight bufferbloat
-net.core.default_qdisc = fq_codel

# Enable hard and soft link protection
fs.protected_hardlinks = 1
fs.protected_symlinks = 1

# Enable regular file and FIFO protection
fs.protected_regular = 1
fs.protected_fifos = 1
"

test lns get systemd_50_default =
  { "#comment" = "#  This file is part of systemd." }
  { "#comment" = "#" }
  { "#comment" = "#  systemd is free software; you can redistribute it and/or modify it" }
  { "#comment" = "#  under the terms of the GNU Lesser General Public License as published by" }
  { "#comment" = "#  the Free Software Foundation; either version 2.1 of the License, or" }
  { "#comment" = "#  (at your option) any later version." }
  { }
  { "#comment" = "# See sysctl.d(5) and core(5) for documentation." }
  { }
  { "#comment" = "# System Request functionality of the kernel (SYNC)" }
  { "1" { "key" = "kernel.sysrq" } { "value" = "16" } }
  { }
  { "#comment" = "# Append the PID to the core filename" }
  { "2" { "key" = "kernel.core_uses_pid" } { "value" = "1" } }
  { }
  { "#comment" = "# Source route verification" }
  { "3" { "key" = "net.ipv4.conf.default.rp_filter" } { "value" = "2" } }
  { "4" { "key" = "net.ipv4.conf.*.rp_filter" } { "value" = "2" } }
  { "5" { "ignore_failure" } { "key" = "net.ipv4.conf.all.rp_filter" } }
  { }
  { "#comment" = "# Do not accept source routing" }
  { "6" { "key" = "net.ipv4.conf.default.accept_source_route" } { "value" = "0" } }
  { "7" { "key" = "net.ipv4.conf.*.accept_source_route" } { "value" = "0" } }
  { "8" { "ignore_failure" } { "key" = "net.ipv4.conf.all.accept_source_route" } }
  { }
  { "#comment" = "# ping(8) without CAP_NET_ADMIN and CAP_NET_RAW" }
  { "9" { "ignore_failure" } { "key" = "net.ipv4.ping_group_range" } { "value" = "0 2147483647" } }
  { }
  { "#comment" = "# Fair Queue CoDel packet scheduler to fight bufferbloat" }
  { "10" { "ignore_failure" } { "key" = "net.core.default_qdisc" } { "value" = "fq_codel" } }
  { }
  { "#comment" = "# Enable hard and soft link protection" }
  { "11" { "key" = "fs.protected_hardlinks" } { "value" = "1" } }
  { "12" { "key" = "fs.protected_symlinks" } { "value" = "1" } }
  { }
  { "#comment" = "# Enable regular file and FIFO protection" }
  { "13" { "key" = "fs.protected_regular" } { "value" = "1" } }
  { "14" { "key" = "fs.protected_fifos" } { "value" = "1" } }

(* Variable: debian_protect_links
   Debian's /usr/lib/sysctl.d/99-protect-links.conf (procps) *)
let debian_protect_links = "###################################################################
# Protected links
#
# Protects against creating or following links under certain conditions
# Debian kernels have both set to 1 (restricted) 
# See https://www.kernel.org/doc/Documentation/sysctl/fs.txt
fs.protected_fifos = 1
fs.protected_hardlinks = 1
fs.protected_regular = 2
fs.protected_symlinks = 1
"

test lns get debian_protect_links =
  { "#comment" = "###################################################################" }
  { "#comment" = "# Protected links" }
  { "#comment" = "#" }
  { "#comment" = "# Protects against creating or following links under certain conditions" }
  { "#comment" = "# Debian kernels have both set to 1 (restricted) " }
  { "#comment" = "# See https://www.kernel.org/doc/Documentation/sysctl/fs.txt" }
  { "1" { "key" = "fs.protected_fifos" } { "value" = "1" } }
  { "2" { "key" = "fs.protected_hardlinks" } { "value" = "1" } }
  { "3" { "key" = "fs.protected_regular" } { "value" = "2" } }
  { "4" { "key" = "fs.protected_symlinks" } { "value" = "1" } }

(* Variable: ubuntu_network_security
   Ubuntu's /etc/sysctl.d/10-network-security.conf (procps) *)
let ubuntu_network_security = "
# Turn on Source Address Verification in all interfaces to
# prevent some spoofing attacks.
net.ipv4.conf.default.rp_filter=2
net.ipv4.conf.all.rp_filter=2
"

test lns get ubuntu_network_security =
  { }
  { "#comment" = "# Turn on Source Address Verification in all interfaces to" }
  { "#comment" = "# prevent some spoofing attacks." }
  { "1" { "key" = "net.ipv4.conf.default.rp_filter" } { "value" = "2" } }
  { "2" { "key" = "net.ipv4.conf.all.rp_filter" } { "value" = "2" } }

(* Variable: ubuntu_console_messages
   Ubuntu's /etc/sysctl.d/10-console-messages.conf *)
let ubuntu_console_messages = "# the following stops low-level messages on console
kernel.printk = 4 4 1 7
"

test lns get ubuntu_console_messages =
  { "#comment" = "# the following stops low-level messages on console" }
  { "1" { "key" = "kernel.printk" } { "value" = "4 4 1 7" } }
