#!/usr/bin/env python3
"""Unit tests of the catalog generator (scripts/catalog/gen.py) and of the
merge (build.py) on small synthetic kernel trees: every handler kind,
extra1/extra2 bounds (constants, variables, #defines), vectors, modes,
per-network-namespace registration (and init_net only), #ifdef CONFIG_*,
Kbuild/Kconfig module detection, .child trees and ctl_path registration;
and of the boot defaults (defaults.py) on synthetic console logs.

Usage: test_gen.py   (exit 0 when every check passed)
"""
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPTS = os.path.join(HERE, "..", "..", "scripts", "catalog")
sys.path.insert(0, SCRIPTS)
import gen  # noqa: E402

FAILED = []
PASSED = [0]


def check(cond, what):
    if cond:
        PASSED[0] += 1
    else:
        FAILED.append(what)
        print("FAIL: " + what, file=sys.stderr)


TREE = {
    "Makefile": "VERSION = 6\nPATCHLEVEL = 1\nSUBLEVEL = 99\n"
                "obj-y += kernel/ mm/ ipc/\nobj-$(CONFIG_NET) += net/\n",
    "include/linux/sysctl.h": """
#define SYSCTL_ZERO	((void *)&sysctl_vals[0])
#define SYSCTL_ONE	((void *)&sysctl_vals[1])
#define SYSCTL_TWO_HUNDRED	((void *)&sysctl_vals[2])
""",
    "kernel/Makefile": "obj-y += sysctl.o vec.o pid.o\n",
    # A bound behind a macro continued over lines, with sizeof, `?:` and a
    # config option (include/linux/threads.h, kernel/pid.c).
    "include/linux/threads.h": """
#define PID_MAX_DEFAULT (CONFIG_BASE_SMALL ? 0x1000 : 0x8000)
#define PID_MAX_LIMIT (CONFIG_BASE_SMALL ? PAGE_SIZE * 8 : \\
	(sizeof(long) > 4 ? 4 * 1024 * 1024 : PID_MAX_DEFAULT))
""",
    "kernel/pid.c": """
#include <linux/threads.h>
static int pid_max_min = 301;
static int pid_max_max = PID_MAX_LIMIT;
static int zero = 0,
	   lim = 255;
static int shadow(int lim)
{
	lim = 3;	/* the parameter, not the file's lim */
	return lim;
}
static struct ctl_table pid_table[] = {
	{
		.procname	= "pid_max",
		.data		= &pid_max,
		.maxlen		= sizeof(int),
		.mode		= 0644,
		.proc_handler	= proc_dointvec_minmax,
		.extra1		= &pid_max_min,
		.extra2		= &pid_max_max,
	},
	{
		.procname	= "lim",
		.data		= &lim_v,
		.maxlen		= sizeof(int),
		.mode		= 0644,
		.proc_handler	= proc_dointvec_minmax,
		.extra1		= &zero,
		.extra2		= &lim,
	},
	{ }
};
static int __init pid_sysctl_init(void)
{
	/* a bound raised at boot is no constant */
	pid_max_min = max_t(int, pid_max_min, 8 * num_possible_cpus());
	register_sysctl_init("kernel", pid_table);
	return 0;
}
""",
    "kernel/sysctl.c": """
const int sysctl_vals[] = { 0, 1, 200 };
static int min_dirty = 2 * 4096;
#define MAX_THING 500
static unsigned long ul_max = 1000;
static unsigned long wr_max = (u32)~0;
static unsigned long ul_all = ~0UL;
static int range_min[] = { 1, 1 }, range_max[] = { 65535, 65535 };
static struct ctl_table kern_table[] = {
	{
		.procname	= "plain_int",
		.data		= &plain_int,
		.maxlen		= sizeof(int),
		.mode		= 0644,
		.proc_handler	= proc_dointvec,
	},
	{
		.procname	= "bounded",
		.data		= &bounded,
		.maxlen		= sizeof(int),
		.mode		= 0644,
		.proc_handler	= proc_dointvec_minmax,
		.extra1		= SYSCTL_ZERO,
		.extra2		= SYSCTL_TWO_HUNDRED,
	},
	{
		.procname	= "var_min",
		.data		= &var_min,
		.maxlen		= sizeof(int),
		.mode		= 0644,
		.proc_handler	= proc_dointvec_minmax,
		.extra1		= &min_dirty,
	},
	{
		.procname	= "define_max",
		.data		= &define_max,
		.maxlen		= sizeof(unsigned int),
		.mode		= 0644,
		.proc_handler	= proc_douintvec_minmax,
		.extra1		= SYSCTL_ONE,
		.extra2		= &define_max_val,
	},
	{
		.procname	= "ulong_key",
		.data		= &ulong_key,
		.maxlen		= sizeof(unsigned long),
		.mode		= 0644,
		.proc_handler	= proc_doulongvec_minmax,
		.extra2		= &ul_max,
	},
	{
		.procname	= "wr_max",
		.data		= &wr_max_v,
		.maxlen		= sizeof(unsigned long),
		.mode		= 0644,
		.proc_handler	= proc_doulongvec_minmax,
		.extra2		= &wr_max,
	},
	{
		.procname	= "ul_all",
		.data		= &ul_all_v,
		.maxlen		= sizeof(unsigned long),
		.mode		= 0644,
		.proc_handler	= proc_doulongvec_minmax,
		.extra2		= &ul_all,
	},
	{
		.procname	= "small",
		.data		= &small,
		.maxlen		= sizeof(u8),
		.mode		= 0644,
		.proc_handler	= proc_dou8vec_minmax,
	},
	{
		.procname	= "flag",
		.data		= &flag,
		.maxlen		= sizeof(bool),
		.mode		= 0644,
		.proc_handler	= proc_dobool,
	},
	{
		.procname	= "name",
		.data		= name_buf,
		.maxlen		= 64,
		.mode		= 0644,
		.proc_handler	= proc_dostring,
	},
	{
		.procname	= "pair",
		.data		= &pair,
		.maxlen		= 2 * sizeof(int),
		.mode		= 0644,
		.proc_handler	= proc_dointvec_minmax,
		.extra1		= &range_min,
		.extra2		= &range_max,
	},
	{
		.procname	= "readonly",
		.data		= &readonly,
		.maxlen		= sizeof(int),
		.mode		= 0444,
		.proc_handler	= proc_dointvec,
	},
	{
		.procname	= "writeonly",
		.data		= &writeonly,
		.maxlen		= sizeof(int),
		.mode		= 0200,
		.proc_handler	= proc_dointvec,
	},
#ifdef CONFIG_SCHED_DEBUG
	{
		.procname	= "sched_debug_knob",
		.data		= &sched_debug_knob,
		.maxlen		= sizeof(int),
		.mode		= 0644,
		.proc_handler	= proc_dointvec,
	},
#endif
	{
		.procname	= "jit",
		.data		= &jit,
		.maxlen		= sizeof(int),
		.mode		= 0644,
		.proc_handler	= proc_dointvec_minmax,
# ifdef CONFIG_JIT_ALWAYS_ON
		.extra1		= SYSCTL_ONE,
		.extra2		= SYSCTL_ONE,
# else
		.extra1		= SYSCTL_ZERO,
		.extra2		= SYSCTL_TWO_HUNDRED,
# endif
	},
	{
		.procname	= "unused_extra",
		.data		= &unused_extra,
		.maxlen		= sizeof(int),
		.mode		= 0644,
		.proc_handler	= proc_dointvec,
		.extra1		= SYSCTL_ONE,
	},
	{ }
};
static const char flush_name[] = "flush";
static struct ctl_table vm_table[] = {
	{
		.procname	= flush_name,
		.maxlen		= sizeof(int),
		.mode		= 0200,
		.proc_handler	= flush_handler,
	},
	{
		.procname	= "swappy",
		.data		= &swappy,
		.maxlen		= sizeof(int),
		.mode		= 0644,
		.proc_handler	= proc_dointvec_minmax,
		.extra1		= SYSCTL_ZERO,
		.extra2		= SYSCTL_TWO_HUNDRED,
	},
	{ }
};
static int __init sysctl_init(void)
{
	register_sysctl_init("kernel", kern_table);
	register_sysctl_init("vm", vm_table);
	return 0;
}
""",
    # A vector whose array is declared extern in a header and defined in
    # another file (sysctl_tcp_mem[3] in include/net/tcp.h), and test code
    # that registers keys no running kernel has (issue 25).
    "include/net/vecish.h": "extern long sysctl_vec_mem[3];\n",
    "kernel/vec.c": """
#include <net/vecish.h>
static struct ctl_table vec_table[] = {
	{
		.procname	= "huge_pages",
		.data		= NULL,
		.maxlen		= sizeof(unsigned long),
		.mode		= 0644,
		.proc_handler	= hugetlb_sysctl_handler,
	},
	{
		.procname	= "vec_mem",
		.data		= &sysctl_vec_mem,
		.maxlen		= sizeof(sysctl_vec_mem),
		.mode		= 0644,
		.proc_handler	= proc_doulongvec_minmax,
	},
	{ }
};
static int __init vec_init(void)
{
	register_sysctl_init("kernel", vec_table);
	return 0;
}
""",
    "arch/arm64/kernel/Makefile": "obj-$(CONFIG_ARMV8_DEPRECATED) += armv8_deprecated.o\n",
    "arch/arm64/kernel/armv8_deprecated.c": """
static struct insn_emulation insn_swp = {
	.name = "swp",
};
static struct insn_emulation insn_cp15_barrier = {
	.name = "cp15_barrier",
};
static void register_insn_emulation(struct insn_emulation *insn)
{
	struct ctl_table *sysctl = &insn->sysctl;
	sysctl->proc_handler = emulation_proc_handler;
	register_sysctl_sz("abi", sysctl, 1);
}
""",
    "ipc/Makefile": "obj-y += ipc_sysctl.o\n",
    "ipc/ipc_sysctl.c": """
static struct ctl_table ipc_kern_table[] = {
	{
		.procname	= "shmmni",
		.data		= &init_ipc_ns.shm_ctlmni,
		.maxlen		= sizeof(init_ipc_ns.shm_ctlmni),
		.mode		= 0644,
		.proc_handler	= proc_ipc_dointvec_minmax,
	},
	{ }
};
static int __init ipc_sysctl_init(void)
{
	register_sysctl_init("kernel", ipc_kern_table);
	return 0;
}
""",
    "lib/Makefile": "obj-$(CONFIG_TEST_SYSCTL) += test_sysctl.o\n",
    "lib/test_sysctl.c": """
static struct ctl_table test_table[] = {
	{
		.procname	= "int_0001",
		.data		= &int_0001,
		.maxlen		= sizeof(int),
		.mode		= 0644,
		.proc_handler	= proc_dointvec,
	},
	{ }
};
static int __init test_init(void)
{
	register_sysctl("debug/test_sysctl", test_table);
	return 0;
}
""",
    "net/Makefile": "obj-$(CONFIG_FOO) += foo/\nobj-y += core/\n",
    "net/Kconfig": "config FOO\n\ttristate \"foo\"\n",
    "net/foo/Makefile": "obj-$(CONFIG_FOO) += foo.o\n",
    "net/foo/foo.c": """
static struct ctl_table foo_table[] = {
	{
		.procname	= "foo_max",
		.data		= &init_net.foo.max,
		.maxlen		= sizeof(int),
		.mode		= 0644,
		.proc_handler	= proc_dointvec,
	},
	{ }
};
static int __net_init foo_net_init(struct net *net)
{
	net->foo.hdr = register_net_sysctl(net, "net/foo", foo_table);
	return 0;
}
""",
    "net/core/Makefile": "obj-y += core.o neigh.o\n",
    # Handlers that call *_minmax on a table of their own: a copy with
    # extra1/extra2 assigned (net/core/neighbour.c), an initialised one
    # whose bounds are arrays behind a header macro (ipv4_ping_group_range).
    "include/net/ping.h": "#define GID_T_MAX (((gid_t)~0U) - 1)\n",
    "net/core/neigh.c": """
#include <net/ping.h>
static int int_max = INT_MAX;
static unsigned long pr_min[] = { 0, 0 };
static unsigned long pr_max[] = { GID_T_MAX, GID_T_MAX };
static int neigh_zero_intmax(struct ctl_table *ctl, int write,
			     void *buffer, size_t *lenp, loff_t *ppos)
{
	struct ctl_table tmp = *ctl;
	int ret;

	tmp.extra1 = SYSCTL_ZERO;
	tmp.extra2 = &int_max;
	ret = proc_dointvec_minmax(&tmp, write, buffer, lenp, ppos);
	return ret;
}
static int group_range(struct ctl_table *table, int write,
		       void *buffer, size_t *lenp, loff_t *ppos)
{
	unsigned long urange[2];
	struct ctl_table tmp = {
		.data = &urange,
		.maxlen = sizeof(urange),
		.mode = table->mode,
		.extra1 = &pr_min,
		.extra2 = &pr_max,
	};
	return proc_doulongvec_minmax(&tmp, write, buffer, lenp, ppos);
}
static struct ctl_table neigh_table[] = {
	{
		.procname	= "solicit",
		.data		= &solicit,
		.maxlen		= sizeof(int),
		.mode		= 0644,
		.proc_handler	= neigh_zero_intmax,
	},
	{
		.procname	= "group_range",
		.data		= &init_net.group_range,
		.maxlen		= sizeof(init_net.group_range),
		.mode		= 0644,
		.proc_handler	= group_range,
	},
	{ }
};
static __net_init int neigh_net_init(struct net *net)
{
	register_net_sysctl(net, "net/core", neigh_table);
	return 0;
}
""",
    "net/core/core.c": """
static struct ctl_table core_init_table[] = {
	{
		.procname	= "only_init",
		.data		= &only_init,
		.maxlen		= sizeof(int),
		.mode		= 0644,
		.proc_handler	= proc_dointvec,
	},
	{ }
};
static __net_init int core_net_init(struct net *net)
{
	if (net_eq(net, &init_net)) {
		register_net_sysctl(net, "net/core", core_init_table);
	}
	return 0;
}
""",
    "mm/Makefile": "obj-y += old.o\n",
    "mm/old.c": """
static struct ctl_table old_child[] = {
	{
		.procname	= "leaf",
		.data		= &leaf,
		.maxlen		= sizeof(int),
		.mode		= 0644,
		.proc_handler	= proc_dointvec,
	},
	{ }
};
static struct ctl_table old_dir[] = {
	{
		.procname	= "olddir",
		.mode		= 0555,
		.child		= old_child,
	},
	{ }
};
static struct ctl_path old_path[] = {
	{ .procname = "fs", },
	{ }
};
static int __init old_init(void)
{
	register_sysctl_paths(old_path, old_dir);
	return 0;
}
""",
}


def build(tree, root):
    for path, text in tree.items():
        p = os.path.join(root, path)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "w") as f:
            f.write(text)


# What writing one key does to another (relations.py): a pair of keys
# whose handlers zero each other (one only on a change), a third whose
# handler zeroes its own variable (no relation), the background clamp,
# and the variables' initial values (one without an initializer).
REL_TREE = {
    "Makefile": "VERSION = 6\nPATCHLEVEL = 1\nSUBLEVEL = 1\nobj-y += mm/\n",
    "mm/Makefile": "obj-y += page-writeback.o\n",
    "mm/page-writeback.c": """
static int dirty_background_ratio = 10;
unsigned long dirty_background_bytes;
static int vm_dirty_ratio = 20;
static unsigned long vm_dirty_bytes;
static int own_zero;

static void domain_dirty_limits(void)
{
	unsigned long bytes = vm_dirty_bytes, bg_bytes = dirty_background_bytes;
	unsigned long ratio = vm_dirty_ratio, bg_ratio = dirty_background_ratio;
	unsigned long thresh = bytes ? bytes : ratio;
	unsigned long bg_thresh = bg_bytes ? bg_bytes : bg_ratio;
	/* the clamp */
	if (bg_thresh >= thresh)
		bg_thresh = thresh / 2;
}

static int dirty_background_ratio_handler(struct ctl_table *table, int write,
		void *buffer, size_t *lenp, loff_t *ppos)
{
	int ret = proc_dointvec_minmax(table, write, buffer, lenp, ppos);
	if (ret == 0 && write)
		dirty_background_bytes = 0;
	return ret;
}

static int dirty_background_bytes_handler(struct ctl_table *table, int write,
		void *buffer, size_t *lenp, loff_t *ppos)
{
	int ret = proc_doulongvec_minmax(table, write, buffer, lenp, ppos);
	if (ret == 0 && write) {
		dirty_background_ratio = 0;
	}
	return ret;
}

static int dirty_ratio_handler(struct ctl_table *table, int write, void *buffer,
		size_t *lenp, loff_t *ppos)
{
	int old_ratio = vm_dirty_ratio;
	int ret = proc_dointvec_minmax(table, write, buffer, lenp, ppos);
	if (ret == 0 && write && vm_dirty_ratio != old_ratio) {
		vm_dirty_bytes = 0;
	}
	return ret;
}

static int own_zero_handler(struct ctl_table *table, int write, void *buffer,
		size_t *lenp, loff_t *ppos)
{
	int ret = proc_dointvec(table, write, buffer, lenp, ppos);
	own_zero = 0;
	return ret;
}

static struct ctl_table vm_table[] = {
	{ .procname = "dirty_background_ratio", .data = &dirty_background_ratio,
	  .maxlen = sizeof(int), .mode = 0644,
	  .proc_handler = dirty_background_ratio_handler, },
	{ .procname = "dirty_background_bytes", .data = &dirty_background_bytes,
	  .maxlen = sizeof(unsigned long), .mode = 0644,
	  .proc_handler = dirty_background_bytes_handler, },
	{ .procname = "dirty_ratio", .data = &vm_dirty_ratio,
	  .maxlen = sizeof(int), .mode = 0644,
	  .proc_handler = dirty_ratio_handler, },
	{ .procname = "dirty_bytes", .data = &vm_dirty_bytes,
	  .maxlen = sizeof(unsigned long), .mode = 0644,
	  .proc_handler = proc_doulongvec_minmax, },
	{ .procname = "own_zero", .data = &own_zero,
	  .maxlen = sizeof(int), .mode = 0644,
	  .proc_handler = own_zero_handler, },
	{ }
};

static int __init init(void)
{
	register_sysctl_init("vm", vm_table);
	return 0;
}
""",
}


def relations():
    with tempfile.TemporaryDirectory(prefix="sg-rel-") as tmp:
        src = os.path.join(tmp, "linux")
        build(REL_TREE, src)
        recs = gen.Generator(src, {"SYSCTL": "y"}).run()
        jsonl = os.path.join(tmp, "r.jsonl")
        with open(jsonl, "w") as f:
            for r in recs:
                f.write(json.dumps(r) + "\n")
        out = subprocess.run([sys.executable,
                              os.path.join(SCRIPTS, "relations.py"), src,
                              jsonl, "6.1"], capture_output=True, text=True)
        rows = [l.split("\t")[1:5] + [l.split("\t")[5].split(":")[1]]
                for l in out.stdout.splitlines()]
        want = [
            ["vm.dirty_background_bytes", "clamp-half", "vm.dirty_bytes",
             "-", "15"],
            ["vm.dirty_background_bytes", "init", "-", "0", "3"],
            ["vm.dirty_background_bytes", "zeroes",
             "vm.dirty_background_ratio", "always", "33"],
            ["vm.dirty_background_ratio", "clamp-half", "vm.dirty_ratio",
             "-", "15"],
            ["vm.dirty_background_ratio", "init", "-", "10", "2"],
            ["vm.dirty_background_ratio", "zeroes",
             "vm.dirty_background_bytes", "always", "24"],
            ["vm.dirty_bytes", "init", "-", "0", "5"],
            ["vm.dirty_ratio", "init", "-", "20", "4"],
            ["vm.dirty_ratio", "zeroes", "vm.dirty_bytes", "changed", "44"],
        ]
        check(out.returncode == 0 and rows == want,
              "relations: zeroing handlers (on change or always), the clamp, "
              "initial values, no relation of a key with itself: %r %s"
              % (rows, out.stderr[-300:]))


def names():
    """relations.py's names rows: each algorithm's .name and how the
    config builds it (y, m, "is not set", not listed)."""
    import relations
    tree = {
        "Makefile": "VERSION = 6\nPATCHLEVEL = 1\nSUBLEVEL = 1\n",
        "net/Makefile": "obj-$(CONFIG_NET) += ipv4/\n",
        "net/ipv4/Makefile": "obj-y += tcp_cong.o\n"
                             "obj-$(CONFIG_TCP_CONG_BBR) += tcp_bbr.o\n"
                             "obj-$(CONFIG_TCP_CONG_VEGAS) += tcp_vegas.o\n"
                             "obj-$(CONFIG_TCP_CONG_NV) += tcp_nv.o\n",
    }
    for name, var in (("cong", "reno"), ("bbr", "bbr"), ("vegas", "vegas"),
                      ("nv", "nv")):
        tree["net/ipv4/tcp_%s.c" % name] = (
            "static struct tcp_congestion_ops x_%s __read_mostly = {\n"
            "\t.ssthresh = f,\n\t.name\t= \"%s\",\n};\n" % (var, var))
    with tempfile.TemporaryDirectory(prefix="sg-names-") as tmp:
        build(tree, tmp)
        cfg = os.path.join(tmp, "config")
        with open(cfg, "w") as f:
            f.write("CONFIG_NET=y\nCONFIG_TCP_CONG_BBR=m\n"
                    "# CONFIG_TCP_CONG_VEGAS is not set\n")
        files = {}

        def src(rel):
            return files.setdefault(rel, gen.SrcFile(tmp, rel))
        rows = sorted((r[2], r[3]) for r in relations.names(
            tmp, relations.read_config(cfg), src,
            {"net.ipv4.tcp_congestion_control"}))
        check(rows == [("bbr", "module:tcp_bbr"), ("nv", "-"),
                       ("reno", "builtin"), ("vegas", "absent")],
              "names: built in, a module, left out, not listed: %r" % rows)
        rows = relations.names(tmp, None, src, {"vm.x"})
        check(rows == set(), "names: only for a key the tree has: %r" % rows)


def combine():
    """relations.py's combine rows: OR, AND, MAX, accept_redirects' AND
    when forwarding and OR otherwise, an attribute read from the
    interface alone (none), a macro over lines."""
    import relations
    tree = {
        "include/linux/inetdevice.h":
            "#define IN_DEV_FORWARD(in_dev)\tIN_DEV_CONF_GET((in_dev), FORWARDING)\n"
            "#define IN_DEV_RPFILTER(in_dev)\tIN_DEV_MAXCONF((in_dev), RP_FILTER)\n"
            "#define IN_DEV_SOURCE_ROUTE(in_dev)\tIN_DEV_ANDCONF((in_dev), \\\n"
            "\t\t\t\t\t\t ACCEPT_SOURCE_ROUTE)\n"
            "#define IN_DEV_TX_REDIRECTS(in_dev)\tIN_DEV_ORCONF((in_dev), SEND_REDIRECTS)\n"
            "#define IN_DEV_RX_REDIRECTS(in_dev) \\\n"
            "\t((IN_DEV_FORWARD(in_dev) && \\\n"
            "\t  IN_DEV_ANDCONF((in_dev), ACCEPT_REDIRECTS)) \\\n"
            "\t || (!IN_DEV_FORWARD(in_dev) && \\\n"
            "\t  IN_DEV_ORCONF((in_dev), ACCEPT_REDIRECTS)))\n",
        "net/ipv4/devinet.c":
            "DEVINET_SYSCTL_RW_ENTRY(RP_FILTER, \"rp_filter\"),\n"
            "DEVINET_SYSCTL_RW_ENTRY(ACCEPT_SOURCE_ROUTE,\n\t\"accept_source_route\"),\n"
            "DEVINET_SYSCTL_RW_ENTRY(SEND_REDIRECTS, \"send_redirects\"),\n"
            "DEVINET_SYSCTL_RW_ENTRY(ACCEPT_REDIRECTS, \"accept_redirects\"),\n"
            "DEVINET_SYSCTL_COMPLEX_ENTRY(FORWARDING, \"forwarding\", f),\n",
    }
    with tempfile.TemporaryDirectory(prefix="sg-comb-") as tmp:
        build(tree, tmp)
        files = {}

        def src(rel):
            return files.setdefault(rel, gen.SrcFile(tmp, rel))
        keys = {"net.ipv4.conf.<iface>.%s" % k for k in (
            "rp_filter", "accept_source_route", "send_redirects",
            "accept_redirects", "forwarding")}
        rows = sorted((r[0].split(".")[-1], r[3], r[4].split(":")[1])
                      for r in relations.combine(tmp, src, keys))
        check(rows == [("accept_redirects", "forwarding", "6"),
                       ("accept_source_route", "and", "3"),
                       ("rp_filter", "max", "2"),
                       ("send_redirects", "or", "5")],
              "combine: the IN_DEV_* macros per attribute: %r" % rows)


def ipv6_all():
    """relations.py's all rows: a field some source reads from devconf_all
    (or ipv6_devconf outside a ctl_table row) is used, at its first net/
    line; one only a ctl_table row names is ignored; read-only keys have
    none."""
    import relations
    tree = {
        "net/ipv6/addrconf.c":
            "static int fixup(int *p)\n{\n"
            "\tif (p == &net->ipv6.devconf_all->forwarding)\n\t\treturn 1;\n"
            "\treturn ipv6_devconf.hop_limit;\n}\n"
            "static struct ctl_table t[] = {\n"
            "\t{ .procname = \"accept_ra\",\n"
            "\t  .data = &ipv6_devconf.accept_ra, },\n"
            "\t{ .procname = \"forwarding\",\n"
            "\t  .data =\n\t\t&ipv6_devconf.forwarding, },\n};\n",
        "drivers/x.c": "int a = net->ipv6.devconf_all->forwarding;\n",
    }
    recs = [{"key": "net.ipv6.conf.<iface>.%s" % k, "access": acc,
             "data": "&ipv6_devconf.%s" % k, "file": "net/ipv6/addrconf.c",
             "line": 9} for k, acc in (("accept_ra", "rw"),
                                       ("forwarding", "rw"),
                                       ("hop_limit", "rw"),
                                       ("mc_forwarding", "ro"))]
    with tempfile.TemporaryDirectory(prefix="sg-v6-") as tmp:
        build(tree, tmp)
        rows = sorted((r[0].split(".")[-1], r[3], r[4])
                      for r in relations.ipv6_all(tmp, recs))
        check(rows == [("accept_ra", "ignored", "net/ipv6/addrconf.c:9"),
                       ("forwarding", "used", "net/ipv6/addrconf.c:3"),
                       ("hop_limit", "used", "net/ipv6/addrconf.c:5")],
              "ipv6_all: used, ignored, read-only left out: %r" % rows)


def sem_fields():
    """relations.py's field-max rows: semmni refused above IPCMNI where
    the handler checks it (with ipcmni_extend's limit), capped where
    ipc_addid does, nothing without either."""
    import relations
    base = {"ipc/sem.c": "#define sc_semmni\tsem_ctls[3]\n"}
    new = dict(base, **{
        "ipc/util.h": "#define IPCMNI_SHIFT\t\t15\n"
                      "#define IPCMNI_EXTEND_SHIFT\t24\n"
                      "#define IPCMNI\t\t\t(1 << IPCMNI_SHIFT)\n"
                      "#define IPCMNI_EXTEND\t\t(1 << IPCMNI_EXTEND_SHIFT)\n"
                      "static inline int sem_check_semmni(struct ns *ns) {\n"
                      "\treturn ((ns->sem_ctls[3] < 0) || "
                      "(ns->sem_ctls[3] > ipc_mni))\n\t\t? -ERANGE : 0;\n}\n",
        "ipc/ipc_sysctl.c": "int x;\nearly_param(\"ipcmni_extend\", f);\n",
        "ipc/util.c": "int y;\n"})
    old = dict(base, **{
        "include/linux/ipc.h": "#define IPCMNI 32768  /* <= MAX_INT */\n",
        "ipc/util.c": "int ipc_addid(int size)\n{\n"
                      "\tif (size > IPCMNI)\n\t\tsize = IPCMNI;\n}\n"})
    none = dict(base, **{"include/linux/ipc.h": "#define IPCMNI 32768\n",
                         "ipc/util.c": "int z;\n"})
    want = {
        "new": [("field-max", "4", "refused:32768", "ipc/util.h:6"),
                ("field-max-extended", "4", "16777216", "ipc/ipc_sysctl.c:2")],
        "old": [("field-max", "4", "capped:32768", "ipc/util.c:3")],
        "none": []}
    for name, tree in (("new", new), ("old", old), ("none", none)):
        with tempfile.TemporaryDirectory(prefix="sg-sem-") as tmp:
            build(tree, tmp)
            files = {}

            def src(rel):
                return files.setdefault(rel, gen.SrcFile(tmp, rel))
            rows = sorted(r[1:] for r in relations.sem_fields(tmp, src))
            check(rows == want[name],
                  "sem_fields %s: %r" % (name, rows))


def boot_log(path, release, before, after):
    """A console log as scripts/catalog/verify/init.sh prints it."""
    with open(path, "w") as f:
        f.write("noise\r\n\x1bc\x1b[2J@@UNAME %s\r\n" % release)
        for name, vals in (("before", before), ("after-extra", after)):
            f.write("@@BEGIN values-%s\r\n" % name)
            for k, v in vals.items():
                f.write("/proc/sys/%s\t%s \r\n" % (k.replace(".", "/"), v))
            f.write("@@END values-%s\r\n" % name)


def defaults():
    """defaults.py keeps what two boots (small, large) agree on and what
    the modules did not move; drops what the /init writes and one
    device's keys; groups the series that have the same value."""
    same = {"vm.swappiness": "60", "kernel.printk": "1 4 1 7",
            "net.ipv4.ip_local_port_range": "32768  60999",
            "net.ipv4.conf.all.rp_filter": "0",
            "net.ipv4.conf.lo.rp_filter": "0", "net.ipv4.neigh.default.x": "1"}
    with tempfile.TemporaryDirectory() as tmp:
        logs = []
        for release, swap in (("5.10.0-32-amd64", "60"),
                              ("6.1.0-57-amd64", "61")):
            small = dict(same, **{"vm.swappiness": swap,
                                  "kernel.pid_max": "32768",
                                  "kernel.ns_last_pid": "90"})
            large = dict(same, **{"vm.swappiness": swap,
                                  "kernel.pid_max": "36864",
                                  "kernel.ns_last_pid": "90"})
            after = {"net.netfilter.nf_conntrack_acct": "0"}
            a = os.path.join(tmp, release + "-small.log")
            b = os.path.join(tmp, release + "-large.log")
            boot_log(a, release, small, dict(small, **after,
                                             **{"kernel.ns_last_pid": "120"}))
            boot_log(b, release, large, dict(large, **after,
                                             **{"kernel.ns_last_pid": "120"}))
            logs.append(a + "," + b)
        out = os.path.join(tmp, "defaults.tsv")
        subprocess.run([sys.executable, os.path.join(SCRIPTS, "defaults.py"),
                        out] + logs, check=True)
        text = open(out).read()
        rows = [l.split("\t") for l in text.splitlines()
                if not l.startswith("#")]
        check(rows == [
            ["net.ipv4.conf.all.rp_filter", "5.10,6.1", "0"],
            ["net.ipv4.ip_local_port_range", "5.10,6.1", "32768 60999"],
            ["net.ipv4.neigh.default.x", "5.10,6.1", "1"],
            ["net.netfilter.nf_conntrack_acct", "5.10,6.1", "0"],
            ["vm.swappiness", "5.10", "60"],
            ["vm.swappiness", "6.1", "61"]],
            "defaults: the values both boots agree on: %r" % rows)
        check("# booted\t5.10\t5.10.0-32-amd64\n" in text,
              "defaults: the booted releases are named")
        bad = os.path.join(tmp, "bad.log")
        with open(bad, "w") as f:
            f.write("@@UNAME 6.1.0\n")
        r = subprocess.run([sys.executable, os.path.join(SCRIPTS,
                            "defaults.py"), out, bad + "," + bad],
                           capture_output=True, text=True)
        check(r.returncode != 0 and "bad.log" in r.stderr,
              "defaults: an incomplete log is refused, named: %s" % r.stderr)


def main():
    with tempfile.TemporaryDirectory(prefix="sg-gen-") as tmp:
        src = os.path.join(tmp, "linux")
        build(TREE, src)
        for name, cfg in (("with", {"NET": "y", "FOO": "m", "SCHED_DEBUG": "y",
                                     "SYSCTL": "y"}),
                          ("without", {"NET": "y", "SYSCTL": "y"})):
            g = gen.Generator(src, cfg)
            recs = {r["key"]: r for r in g.run()}
            check(g.version == "6.1.99", "version from the Makefile")
            k = recs.get
            for key in ("kernel.plain_int", "kernel.bounded", "vm.swappy",
                        "vm.flush",
                        "net.foo.foo_max", "net.core.only_init",
                        "fs.olddir.leaf"):
                check(key in recs, "%s: %s found" % (name, key))
            check(k("kernel.vec_mem", {}).get("type") ==
                  "vector of 3 unsigned long",
                  "%s: a vector sized by a header's extern array: %r"
                  % (name, k("kernel.vec_mem", {}).get("type")))
            check(k("kernel.huge_pages", {}).get("type") == "unsigned long",
                  "%s: a handler of its own known by its type: %r"
                  % (name, k("kernel.huge_pages", {}).get("type")))
            check(k("abi.cp15_barrier", {}).get("type") == "int" and
                  "abi.swp" in recs,
                  "%s: arm64's run-time abi keys (issue 25: abi.cp15_barrier "
                  "was key-unknown)" % name)
            check((k("kernel.shmmni", {}).get("namespace") or "").startswith("ipc"),
                  "%s: an IPC key before 6.1 is per IPC namespace (its "
                  "handler reads the current one): %r"
                  % (name, k("kernel.shmmni", {}).get("namespace")))
            check(k("kernel.pid_max", {}).get("min") is None and
                  "run time" in (k("kernel.pid_max", {}).get("min_src") or ""),
                  "%s: a bound variable the code changes at boot is no "
                  "constant: %r" % (name, k("kernel.pid_max", {}).get("min")))
            check((k("kernel.lim", {}).get("min"), k("kernel.lim", {}).get("max"))
                  == (0, 255),
                  "%s: a declaration list over lines and a parameter of the "
                  "same name are no run-time change: %r"
                  % (name, (k("kernel.lim", {}).get("min"), k("kernel.lim", {}).get("max"))))
            check(k("kernel.pid_max", {}).get("max") == 4194304,
                  "%s: a bound behind a macro over two lines, sizeof(long), "
                  "?: and CONFIG_BASE_SMALL (unset: 0): %r"
                  % (name, k("kernel.pid_max", {}).get("max")))
            r = k("net.core.solicit", {})
            check((r.get("min"), r.get("max")) == (0, 2**31 - 1) and
                  r.get("type") == "int",
                  "%s: bounds a handler assigns to its copy of the table: %r"
                  % (name, (r.get("type"), r.get("min"), r.get("max"))))
            r = k("net.core.group_range", {})
            check(r.get("type") == "vector of 2 unsigned long" and
                  (r.get("min"), r.get("max")) == (0, 2**32 - 2),
                  "%s: a handler's own initialised table: its vector and "
                  "the ~0U bound of a header macro: %r"
                  % (name, (r.get("type"), r.get("min"), r.get("max"))))
            check("debug.test_sysctl.int_0001" not in recs,
                  "%s: test code is not catalogued" % name)
            if name == "with":
                r = k("kernel.plain_int", {})
                check(r.get("type") == "int" and r.get("min") is None and
                      r.get("max") is None and r.get("access") == "rw",
                      "plain int: no bounds, rw")
                r = k("kernel.bounded", {})
                check((r.get("min"), r.get("max")) == (0, 200) and
                      r.get("bounds") == "enforced",
                      "SYSCTL_* bounds from sysctl_vals[]: %r" % ((r.get("min"), r.get("max")),))
                check(k("kernel.var_min", {}).get("min") == 8192,
                      "a bound in a static variable with arithmetic")
                r = k("kernel.ulong_key", {})
                check(r.get("type") == "unsigned long" and r.get("max") == 1000,
                      "proc_doulongvec_minmax: unsigned long, max 1000")
                check(k("kernel.wr_max", {}).get("max") == 2**32 - 1,
                      "(u32)~0 is all ones of 32 bits, not -1: %r"
                      % k("kernel.wr_max", {}).get("max"))
                check(k("kernel.define_max", {}).get("type") == "unsigned int",
                      "proc_douintvec_minmax: unsigned int")
                check(k("kernel.small", {}).get("type") == "u8", "proc_dou8vec_minmax: u8")
                check(k("kernel.flag", {}).get("type") == "bool", "proc_dobool: bool")
                check(k("kernel.name", {}).get("type", "").startswith("string"),
                      "proc_dostring: string")
                r = k("kernel.pair", {})
                check(r.get("type") == "vector of 2 int" and
                      (r.get("min"), r.get("max")) == (1, 65535),
                      "a vector of two with array bounds: %r" % r.get("type"))
                check(k("kernel.readonly", {}).get("access") == "ro", "mode 0444: ro")
                check(k("kernel.writeonly", {}).get("access") == "wo", "mode 0200: wo")
                check("kernel.sched_debug_knob" in recs and
                      "SCHED_DEBUG" in (k("kernel.sched_debug_knob")["configs"] or []),
                      "an entry under #ifdef CONFIG_X carries X")
                check(k("kernel.sched_debug_knob")["expected"] == "yes",
                      "...and is expected when X is set")
                r = k("kernel.jit", {})
                check((r.get("min"), r.get("max")) == (0, 200),
                      "#ifdef alternatives of two fields: the built one's "
                      "bounds: %r" % ((r.get("min"), r.get("max")),))
                r = k("kernel.unused_extra", {})
                check(r.get("min") is None and "not used" in (r.get("bounds") or ""),
                      "extra1 with proc_dointvec is no bound")
                r = k("net.foo.foo_max", {})
                check(r.get("per_netns") is True and r.get("namespace") == "net",
                      "register_net_sysctl: per network namespace")
                check(r.get("module") == "foo" and r.get("module_capable") is True
                      and r.get("expected") == "module",
                      "a tristate object: module foo, expected as a module: %r"
                      % ((r.get("module"), r.get("expected")),))
                r = k("net.core.only_init", {})
                check((r.get("namespace") or "").startswith("init_net only"),
                      "registered under net_eq(net, &init_net): init_net only")
            else:
                check(k("kernel.sched_debug_knob")["expected"].startswith("no"),
                      "without CONFIG_SCHED_DEBUG the entry is not expected")
                check(k("net.foo.foo_max")["expected"].startswith("no"),
                      "without CONFIG_FOO the module's key is not expected")
            with open(os.path.join(tmp, name + ".jsonl"), "w") as f:
                for r in recs.values():
                    r["kernel"] = g.version
                    f.write(json.dumps(r) + "\n")

        # Without a config (a kernel.org tree) a bound that needs one is
        # unknown, not guessed.
        recs = {r["key"]: r for r in gen.Generator(src, None).run()}
        check(recs.get("kernel.pid_max", {}).get("max") is None,
              "no config: CONFIG_BASE_SMALL unknown, pid_max's max too: %r"
              % recs.get("kernel.pid_max", {}).get("max"))

        # build.py: the merged, compact catalog of two "versions"
        other = os.path.join(tmp, "other.jsonl")
        with open(os.path.join(tmp, "with.jsonl")) as f, open(other, "w") as o:
            for line in f:
                r = json.loads(line)
                r["kernel"] = "6.12.1"
                if r["key"] == "kernel.bounded":
                    r["max"] = 100
                if r["key"] != "kernel.sched_debug_knob":
                    o.write(json.dumps(r) + "\n")
        out = os.path.join(tmp, "keys.tsv")
        sources = os.path.join(tmp, "sources.txt")
        with open(sources, "w") as f:
            f.write("# series source config\n6.1\ttree=6.1.99\t-\n"
                    "6.12\tlinux-source-6.12=6.12.1-1\t-\n")
        subprocess.run([sys.executable, os.path.join(SCRIPTS, "build.py"),
                        "-o", out, "--sources", sources,
                        os.path.join(tmp, "with.jsonl"), other],
                       check=True, stderr=subprocess.DEVNULL)
        rows = [l.rstrip("\n").split("\t") for l in open(out)
                if not l.startswith("#")]
        by = {}
        for r in rows:
            by.setdefault(r[0], []).append(r)
        check(open(out).read().splitlines()[1] == "# versions\t6.1.99\t6.12.1",
              "the versions line")
        check(open(out).read().splitlines()[2] ==
              "# builds\tkernel.org\tdebian",
              "the builds line: whose source each version was read from")
        check(all(len(r) == 9 for r in rows), "nine fields a row")
        check([r[0] for r in rows] == sorted(r[0] for r in rows), "sorted by key")
        check(by["kernel.plain_int"] == [["kernel.plain_int", "6.1,6.12", "int",
                                          "-", "-", "rw", "-", "-",
                                          "kernel/sysctl.c:10"]],
              "one row for facts both versions share: %r" % by["kernel.plain_int"])
        check([r[1:5] for r in by["kernel.bounded"]] ==
              [["6.1", "int", "0", "200"], ["6.12", "int", "0", "100"]],
              "a row per set of facts: %r" % by["kernel.bounded"])
        check(by["kernel.sched_debug_knob"][0][1] == "6.1", "a key one version has")
        check(by["kernel.pair"][0][2:5] == ["int*2", "1", "65535"], "vector type")
        check(by["net.foo.foo_max"][0][6:8] == ["net", "foo"], "netns and module")
        check(by["net.core.only_init"][0][6] == "init", "init_net only")
        check(by["kernel.unused_extra"][0][3] == "-", "no unenforced bound")
        check(by["kernel.pid_max"][0][3:5] == ["?", "4194304"],
              "a bound the generator could not read is \"?\", not none: %r"
              % by["kernel.pid_max"][0][3:5])
        check(by["kernel.ul_all"][0][4] == "-" and
              by["kernel.wr_max"][0][4] == "4294967295",
              "ULONG_MAX is the type's own limit, no bound; (u32)~0 is: %r"
              % [by["kernel.ul_all"][0][4], by["kernel.wr_max"][0][4]])
        check(all(all(f != "" for f in r) for r in rows),
              "no empty field (a module nobody says is \"-\")")
        # a distribution's build beside its series' (issue 25), and the
        # other versions kept from the catalog built above (--keep)
        rhel = os.path.join(tmp, "rhel.jsonl")
        with open(other) as f, open(rhel, "w") as o:
            for line in f:
                r = json.loads(line)
                r["kernel"] = "6.12.0-55.el10.x86_64"
                r.pop("expected", None)  # generated without a config
                if r["key"] == "kernel.bounded":
                    r["max"] = 50
                o.write(json.dumps(r) + "\n")
                if r["key"] == "kernel.plain_int":
                    r["key"] = "kernel.rhel_only"
                    o.write(json.dumps(r) + "\n")
        with open(sources, "a") as f:
            f.write("6.12-rhel\trhel:o/r@c:6.12.0-55.el10.x86_64\t-\n")
        out2 = os.path.join(tmp, "keys2.tsv")
        subprocess.run([sys.executable, os.path.join(SCRIPTS, "build.py"),
                        "-o", out2, "--sources", sources, "--keep", out, rhel],
                       check=True, stderr=subprocess.DEVNULL)
        head = open(out2).read().splitlines()
        check(head[1] == "# versions\t6.1.99\t6.12.0-55.el10.x86_64\t6.12.1",
              "the distribution's release sorts among the others: %r" % head[1])
        check(head[2] == "# builds\tkernel.org\trhel\tdebian", head[2])
        only = [l.split("\t") for l in head if l.startswith("kernel.rhel_only\t")]
        check(len(only) == 1 and only[0][7] == "-",
              "a key no config speaks of has no module (\"-\"): %r" % only)
        bounded = [l.split("\t")[1:5] for l in head
                   if l.startswith("kernel.bounded\t")]
        check(bounded == [["6.1", "int", "0", "200"], ["6.12-rhel", "int", "0", "50"],
                          ["6.12", "int", "0", "100"]],
              "rows name the distribution's build: %r" % bounded)
        # --keep alone rebuilds the catalog it keeps, byte for byte
        out3 = os.path.join(tmp, "keys3.tsv")
        subprocess.run([sys.executable, os.path.join(SCRIPTS, "build.py"),
                        "-o", out3, "--sources", sources, "--keep", out2],
                       check=True, stderr=subprocess.DEVNULL)
        check(open(out3).read() == open(out2).read(), "--keep is lossless")
        # docs.py: the kernel's documentation of the catalog's keys
        doc = os.path.join(tmp, "doc")
        build({"Documentation/admin-guide/sysctl/vm.rst":
               "===\nvm\n===\n\nswappy\n======\n\nHow much to swap,\n"
               "from 0 to 200.\n\nSecond paragraph.\n\nnot_in_catalog\n"
               "==============\n\nText.\n",
               "Documentation/networking/ip-sysctl.rst":
               "/proc/sys/net/ipv4/* Variables\n==============\n\n"
               "rp_filter - INTEGER\n\tReverse path filter.\n\n"
               "/proc/sys/net/bridge/* Variables:\n\n"
               "rp_filter - INTEGER\n\tNot ipv4.\n"}, doc)
        keys = os.path.join(tmp, "k.tsv")
        with open(keys, "w") as f:
            f.write("# versions\t6.1.1\nvm.swappy\t6.1\tint\t-\t-\trw\t-\t-\tx\n"
                    "net.ipv4.conf.<iface>.rp_filter\t6.1\tint\t-\t-\trw\tnet"
                    "\t-\tx\n")
        out = os.path.join(tmp, "docs.tsv")
        subprocess.run([sys.executable, os.path.join(SCRIPTS, "docs.py"), doc,
                        keys, "-o", out], check=True, stderr=subprocess.DEVNULL)
        rows = [l.rstrip("\n").split("\t") for l in open(out)
                if not l.startswith("#")]
        check(rows == [["net.ipv4.conf.<iface>.rp_filter",
                        "Documentation/networking/ip-sysctl.rst",
                        "Reverse path filter."],
                       ["vm.swappy", "Documentation/admin-guide/sysctl/vm.rst",
                        "How much to swap, from 0 to 200."]],
              "docs: first paragraphs of the catalog's keys: %r" % rows)
    defaults()
    relations()
    names()
    combine()
    ipv6_all()
    sem_fields()
    print("gen: %d passed, %d failed" % (PASSED[0], len(FAILED)))
    return 1 if FAILED else 0


if __name__ == "__main__":
    sys.exit(main())
