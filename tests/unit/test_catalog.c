/* The kernel key catalog: loading, states between versions, templates,
 * values as the kernel's handlers judge them, suggestions; and the
 * shipped catalog loads and knows the keys it must. */
#include "catalog.h"
#include "check.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char keys[] =
    "# test catalog\n"
    "# versions\t5.10.1\t6.1.2\t6.12.3\n"
    "# key\tversions\ttype\tmin\tmax\taccess\tnetns\tmodule\tsource\n"
    "fs.protected_fifos\t5.10,6.1,6.12\tint\t0\t2\trw\t-\t-\tfs/namei.c:1\n"
    "kernel.gone\t5.10\tint\t-\t-\trw\t-\t-\tk.c:1\n"
    "kernel.moved_max\t5.10\tint\t0\t100\trw\t-\t-\tk.c:2\n"
    "kernel.moved_max\t6.1,6.12\tint\t0\t200\trw\t-\t-\tk.c:3\n"
    "kernel.new\t6.12\tulong\t8192\t-\trw\t-\t-\tk.c:4\n"
    "kernel.ro\t5.10,6.1,6.12\tint\t-\t-\tro\t-\t-\tk.c:5\n"
    "net.bridge.bridge-nf-call-iptables\t5.10,6.1,6.12\tint\t-\t-\trw\tnet\t"
    "br_netfilter\tb.c:1\n"
    "net.ipv4.conf.<iface>.rp_filter\t5.10,6.1,6.12\tint\t-\t-\trw\tnet\t-\t"
    "d.c:1\n"
    "net.ipv4.ip_local_port_range\t5.10,6.1,6.12\tint*2\t1\t65535\trw\tnet\t-"
    "\ts.c:1\n"
    "net.ipv4.tcp_timestamps\t5.10,6.1,6.12\tu8\t-\t-\trw\tnet\t-\ts.c:2\n"
    "vm.unsigned\t5.10,6.1,6.12\tuint\t-\t-\trw\t-\t-\tv.c:1\n";

static const char hist[] =
    "# key\tchange\tversion\tcommit\twhat\n"
    "kernel.gone\tremoved\t5.13\t8a99b6833c88\tmoved to debugfs\n"
    "net.old\tremoved\t4.12\t4396e46187ca\tgone\n"
    "net.ipv4.tcp_low_latency\tno-effect\t4.14\te7942d0633c4\tno prequeue\n";

static struct sg_kver kv(const char *s)
{
    struct sg_kver k;
    sg_kver_parse(s, &k);
    return k;
}

static enum sg_kstate state(const struct sg_catalog *c, const char *key,
                            const char *k)
{
    struct sg_catinfo in;
    struct sg_kver v = kv(k);
    sg_catalog_lookup(c, key, &v, &in);
    return in.state;
}

static const struct sg_catrow *row(const struct sg_catalog *c, const char *key,
                                   const char *k)
{
    struct sg_catinfo in;
    struct sg_kver v = kv(k);
    sg_catalog_lookup(c, key, &v, &in);
    return in.row;
}

static const char *rej(const struct sg_catalog *c, const char *key,
                       const char *k, const char *value)
{
    static char buf[200];
    return sg_catalog_rejects(row(c, key, k), value, buf, sizeof(buf));
}

static void malformed(const char *text, const char *want_in_message)
{
    struct sg_catalog c;
    struct sg_diags d = {0};
    int r =
        sg_catalog_parse(text, strlen(text), "k.tsv", "", 0, "h.tsv", &c, &d);
    CHECK(r < 0);
    CHECK(d.n == 1 && d.v[0].file && strcmp(d.v[0].file, "k.tsv") == 0);
    CHECK(d.n == 1 && strstr(d.v[0].message, want_in_message));
    sg_diags_free(&d);
}

static void synthetic(void)
{
    struct sg_catalog c;
    struct sg_diags d = {0};
    CHECK(sg_catalog_parse(keys, strlen(keys), "k", hist, strlen(hist), "h", &c,
                           &d) == 0);
    CHECK(d.n == 0);
    CHECK(c.n_versions == 3 && c.n_hist == 3);

    /* a catalogued series decides; 6.1.99 is 6.1 */
    CHECK(state(&c, "fs.protected_fifos", "6.1.99") == SG_KS_PRESENT);
    CHECK(state(&c, "kernel.new", "6.1") == SG_KS_ABSENT);
    CHECK(state(&c, "kernel.new", "6.12.40") == SG_KS_PRESENT);
    /* between two catalogued versions that disagree: unknown */
    CHECK(state(&c, "kernel.new", "6.6") == SG_KS_UNKNOWN);
    /* ... that agree: their state */
    CHECK(state(&c, "fs.protected_fifos", "5.15") == SG_KS_PRESENT);
    CHECK(state(&c, "kernel.new", "5.15") == SG_KS_ABSENT);
    /* the history pins a change between two catalogued versions */
    CHECK(state(&c, "kernel.gone", "5.12") == SG_KS_PRESENT);
    CHECK(state(&c, "kernel.gone", "5.13") == SG_KS_ABSENT);
    CHECK(state(&c, "kernel.gone", "5.15") == SG_KS_ABSENT);
    /* older than everything: a key added later was absent; one present
     * in the oldest may be older still */
    CHECK(state(&c, "kernel.new", "4.19") == SG_KS_ABSENT);
    CHECK(state(&c, "fs.protected_fifos", "4.4") == SG_KS_UNKNOWN);
    /* only history: removed in 4.12, unknown before */
    CHECK(state(&c, "net.old", "4.12") == SG_KS_ABSENT);
    CHECK(state(&c, "net.old", "5.10") == SG_KS_ABSENT);
    CHECK(state(&c, "net.old", "4.9") == SG_KS_UNKNOWN);
    /* newer than everything: the newest's state and facts */
    CHECK(state(&c, "kernel.new", "7.2") == SG_KS_PRESENT);
    CHECK(row(&c, "kernel.new", "7.2") != NULL);

    /* templates */
    CHECK(state(&c, "net.ipv4.conf.eth0.rp_filter", "6.1") == SG_KS_PRESENT);
    CHECK(state(&c, "net.ipv4.conf.eth0/100.rp_filter", "6.1") ==
          SG_KS_PRESENT);
    CHECK(!sg_catalog_knows(&c, "net.ipv4.conf.eth0.rp_filter.x"));
    CHECK(!sg_catalog_knows(&c, "net.ipv4.conf.rp_filter"));
    CHECK(sg_catalog_knows(&c, "net.ipv4.conf.*.rp_filter"));
    CHECK(sg_catalog_knows(&c, "net.ipv4.conf.e[a-z]h0.rp_filter"));
    CHECK(sg_catalog_knows(&c, "kernel.*"));
    CHECK(!sg_catalog_knows(&c, "kernel.nothing*"));
    CHECK(sg_catalog_knows(&c, "net.old")); /* history alone */
    /* the last name first: plain, a pattern, a placeholder's */
    CHECK(sg_catalog_knows(&c, "net.ipv4.conf.*.rp_filte?"));
    CHECK(!sg_catalog_knows(&c, "net.ipv4.conf.*.rp_filterx"));
    CHECK(sg_catalog_knows(&c, "net.*"));
    CHECK(sg_catalog_knows(&c, "net.ol?"));
    CHECK(!sg_catalog_knows(&c, "net.olde"));
    CHECK(!sg_catalog_knows(&c, "net.ipv4_timestamps"));

    /* facts between versions: only where both sides agree */
    CHECK(row(&c, "kernel.moved_max", "5.10") &&
          row(&c, "kernel.moved_max", "5.10")->max == 100);
    CHECK(row(&c, "kernel.moved_max", "6.6") &&
          row(&c, "kernel.moved_max", "6.6")->max == 200);
    CHECK(row(&c, "kernel.moved_max", "5.15") == NULL);

    /* values as the handlers read them */
    CHECK(rej(&c, "kernel.moved_max", "5.10", "100") == NULL);
    CHECK(strstr(rej(&c, "kernel.moved_max", "5.10", "180"), "maximum 100"));
    CHECK(rej(&c, "kernel.moved_max", "6.1", "180") == NULL);
    CHECK(strstr(rej(&c, "kernel.moved_max", "6.1", "-1"), "minimum 0"));
    CHECK(rej(&c, "kernel.moved_max", "6.1", "0x10") == NULL); /* base 0 */
    CHECK(rej(&c, "kernel.moved_max", "6.1", "010") == NULL);  /* octal */
    CHECK(rej(&c, "kernel.moved_max", "6.1", "08") != NULL);   /* not octal */
    CHECK(rej(&c, "kernel.moved_max", "6.1", "1 # note") == NULL);
    CHECK(rej(&c, "kernel.moved_max", "6.1", "1#note") != NULL);
    CHECK(rej(&c, "kernel.moved_max", "6.1", "1.5") != NULL);
    CHECK(rej(&c, "kernel.moved_max", "6.1", "yes") != NULL);
    CHECK(rej(&c, "kernel.moved_max", "6.1", "") != NULL);
    CHECK(rej(&c, "kernel.moved_max", "5.15", "180") == NULL); /* unknown */
    CHECK(strstr(rej(&c, "kernel.new", "6.12", "0"), "minimum 8192"));
    CHECK(rej(&c, "kernel.new", "6.12", "18446744073709551615") == NULL);
    CHECK(rej(&c, "kernel.new", "6.12", "18446744073709551616") != NULL);
    CHECK(rej(&c, "kernel.new", "6.12", "-8192") != NULL);
    CHECK(rej(&c, "vm.unsigned", "6.1", "4294967295") == NULL);
    CHECK(rej(&c, "vm.unsigned", "6.1", "4294967296") != NULL);
    CHECK(rej(&c, "fs.protected_fifos", "6.1", "2147483648") != NULL);
    CHECK(rej(&c, "fs.protected_fifos", "6.1", "3") != NULL);
    CHECK(rej(&c, "net.ipv4.tcp_timestamps", "6.1", "255") == NULL);
    CHECK(strstr(rej(&c, "net.ipv4.tcp_timestamps", "6.1", "256"), "u8"));
    CHECK(strstr(rej(&c, "kernel.ro", "6.1", "1"), "read-only"));
    /* a vector: every value is judged; fewer values are taken */
    CHECK(rej(&c, "net.ipv4.ip_local_port_range", "6.1", "32768 60999") ==
          NULL);
    CHECK(rej(&c, "net.ipv4.ip_local_port_range", "6.1", "1024") == NULL);
    CHECK(strstr(rej(&c, "net.ipv4.ip_local_port_range", "6.1", "32768 65536"),
                 "maximum 65535"));
    CHECK(rej(&c, "net.ipv4.ip_local_port_range", "6.1", "0 100") != NULL);

    /* suggestions */
    char *s = sg_catalog_suggest(&c, "net.ipv4.tcp_timestamp");
    CHECK_STR(s, "net.ipv4.tcp_timestamps");
    free(s);
    s = sg_catalog_suggest(&c, "net.ipv4.conf.eth0.rp_filer");
    CHECK_STR(s, "net.ipv4.conf.eth0.rp_filter");
    free(s);
    s = sg_catalog_suggest(&c, "vm.nothing_like_it_at_all");
    CHECK_STR(s, NULL);
    free(s);

    /* sentences */
    struct sg_kver k = kv("6.1");
    char *h = sg_catalog_history(&c, "kernel.gone", &k);
    CHECK(h && strstr(h, "removed it in 5.13, commit 8a99b6833c88 \"moved"));
    CHECK(h && strstr(h, "5.10.1 has it and 6.1.2 and 6.12.3 do not"));
    free(h);
    h = sg_catalog_history(&c, "fs.protected_fifos", &k);
    CHECK_STR(h, "all the catalogued kernels, 5.10.1, 6.1.2 and 6.12.3, "
                 "have it");
    free(h);
    struct sg_catinfo in;
    sg_catalog_lookup(&c, "net.ipv4.tcp_low_latency", &k, &in);
    CHECK(in.no_effect && strcmp(in.no_effect->commit, "e7942d0633c4") == 0);
    k = kv("4.9");
    sg_catalog_lookup(&c, "net.ipv4.tcp_low_latency", &k, &in);
    CHECK(in.no_effect == NULL);
    sg_catalog_free(&c);

    malformed("kernel.x\t5.10\tint\t-\t-\trw\t-\t-\tx\n", "versions line");
    malformed("# versions\t5.10\n"
              "kernel.x\t5.10\tint\t-\t-\trw\t-\t-\n",
              "9 tab-separated");
    malformed("# versions\t5.10\n"
              "kernel.x\t4.4\tint\t-\t-\trw\t-\t-\tx\n",
              "versions or type");
    malformed("# versions\t5.10\n"
              "kernel.x\t5.10\tint\t1e3\t-\trw\t-\t-\tx\n",
              "bound");
    malformed("# versions\t5.10\n"
              "kernel.y\t5.10\tint\t-\t-\trw\t-\t-\tx\n"
              "kernel.x\t5.10\tint\t-\t-\trw\t-\t-\tx\n",
              "not sorted");
    malformed("# versions\t6.1\t5.10\n", "oldest first");
    malformed("# versions\t5.10\n"
              "kernel.x\t5.10\tint\t-\t-\trw\t-\t\tx\n",
              "empty");
    malformed("# versions\t5.10\t6.1\n# builds\tdebian\n", "each version");
    malformed("# versions\t5.10\n# builds\tfedora\n", "a build is");
    malformed("# builds\tdebian\n# versions\t5.10\n", "each version");
}

/* Whose build each version is: the "# builds" line, kernel.org without
 * one; and the versions around a kernel that lookup reports. */
static void builds(void)
{
    static const char text[] = "# versions\t5.10.1\t6.1.2\t6.12.3\n"
                               "# builds\tkernel.org\tdebian\tdebian\n"
                               "kernel.x\t6.1,6.12\tint\t-\t-\trw\t-\t-\tx\n";
    struct sg_catalog c;
    struct sg_diags d = {0};
    CHECK(sg_catalog_parse(text, strlen(text), "k", "", 0, "h", &c, &d) == 0);
    CHECK(c.builds[0] == SG_KB_KERNELORG && c.builds[1] == SG_KB_DEBIAN &&
          c.builds[2] == SG_KB_DEBIAN);
    struct sg_catinfo in;
    struct sg_kver k = kv("6.1.0-13-amd64");
    sg_catalog_lookup(&c, "kernel.x", &k, &in);
    CHECK(in.at == 1 && in.older == 0 && in.newer == 2);
    k = kv("6.6");
    sg_catalog_lookup(&c, "kernel.x", &k, &in);
    CHECK(in.at == -1 && in.older == 1 && in.newer == 2);
    CHECK(sg_catalog_row_at(&c, "kernel.x", 0) == NULL);
    CHECK(sg_catalog_row_at(&c, "kernel.x", 2) != NULL);
    CHECK(sg_catalog_row_at(&c, "kernel.x", 7) == NULL);
    sg_catalog_free(&c);
    sg_diags_free(&d);
    /* A distribution's own build beside its series' (issue 25): it
     * speaks for that distribution's kernels only, and replaces the
     * series' row for them. */
    static const char distro[] =
        "# versions\t3.10.0-1160.el7.x86_64\t3.10.108\t4.15.0-213-generic\t"
        "4.19.1\n"
        "# builds\trhel\tkernel.org\tubuntu\tkernel.org\n"
        "kernel.backported\t3.10-rhel,4.15-ubuntu,4.19\tint\t0\t2\trw\t-\t-"
        "\tx\n"
        "kernel.old\t3.10,4.15-ubuntu,4.19\tint\t-\t-\trw\t-\t-\tx\n";
    CHECK(sg_catalog_parse(distro, strlen(distro), "k", "", 0, "h", &c, &d) ==
          0);
    CHECK(strcmp(c.series[0], "3.10-rhel") == 0 &&
          strcmp(c.series[2], "4.15-ubuntu") == 0);
    k = kv("3.10.0-957.el7.x86_64");
    CHECK(sg_catalog_usable(&c, &k) == (1u | 8u)); /* RHEL's, not 3.10.108 */
    sg_catalog_lookup(&c, "kernel.backported", &k, &in);
    CHECK(in.at == 0 && in.state == SG_KS_PRESENT);
    sg_catalog_lookup(&c, "kernel.old", &k, &in);
    CHECK(in.at == 0 && in.state == SG_KS_ABSENT);
    /* ... and its neighbour's: RHEL's 3.10, not kernel.org's, is older */
    k = kv("4.2.0-1.el7.x86_64");
    CHECK(sg_catalog_usable(&c, &k) == (1u | 8u));
    sg_catalog_lookup(&c, "kernel.backported", &k, &in);
    CHECK(in.older == 0 && in.newer == 3 && in.state == SG_KS_PRESENT);
    k = kv("3.10");
    CHECK(sg_catalog_usable(&c, &k) == (2u | 8u));
    sg_catalog_lookup(&c, "kernel.backported", &k, &in);
    CHECK(in.at == 1 && in.state == SG_KS_ABSENT);
    k = kv("4.15.0-20-generic");
    CHECK(sg_catalog_usable(&c, &k) == (2u | 4u | 8u)); /* never RHEL's */
    sg_catalog_lookup(&c, "kernel.backported", &k, &in);
    CHECK(in.at == 2 && in.older == 1 && in.state == SG_KS_PRESENT);
    k = kv("4.16");
    sg_catalog_lookup(&c, "kernel.backported", &k, &in);
    CHECK(in.older == 1 && in.newer == 3 && in.state == SG_KS_UNKNOWN);
    sg_catalog_free(&c);
    sg_diags_free(&d);
    static const char plain[] = "# versions\t5.10.1\n"
                                "kernel.x\t5.10\tint\t-\t-\trw\t-\t-\tx\n";
    CHECK(sg_catalog_parse(plain, strlen(plain), "k", "", 0, "h", &c, &d) == 0);
    CHECK(c.builds[0] == SG_KB_KERNELORG);
    sg_catalog_free(&c);
    sg_diags_free(&d);
}

/* "?": a bound the handler takes that the generator could not read. The
 * row says nothing of values on that side, and differs in its facts
 * from a row without the bound. */
static void unknown_bound(void)
{
    static const char text[] = "# versions\t5.10.1\t6.1.2\n"
                               "kernel.p\t5.10\tint\t301\t?\trw\t-\t-\tp\n"
                               "kernel.p\t6.1\tint\t301\t4194304\trw\t-\t-\tp\n"
                               "kernel.q\t5.10,6.1\tint\t?\t-\trw\t-\t-\tq\n";
    struct sg_catalog c;
    struct sg_diags d = {0};
    CHECK(sg_catalog_parse(text, strlen(text), "k", "", 0, "h", &c, &d) == 0);
    const struct sg_catrow *r = row(&c, "kernel.p", "5.10.1");
    CHECK(r && r->unk_max && !r->has_max && r->has_min && !r->unk_min);
    CHECK(rej(&c, "kernel.p", "5.10.1", "5000000") == NULL);
    CHECK(rej(&c, "kernel.p", "5.10.1", "300") != NULL);
    CHECK(rej(&c, "kernel.p", "6.1.2", "5000000") != NULL);
    r = row(&c, "kernel.q", "6.1.2");
    CHECK(r && r->unk_min && !r->has_min);
    CHECK(rej(&c, "kernel.q", "6.1.2", "-5") == NULL);
    /* between 5.10 and 6.1 the facts differ: not one row's */
    struct sg_catinfo in;
    struct sg_kver k = kv("5.15");
    sg_catalog_lookup(&c, "kernel.p", &k, &in);
    CHECK(in.row == NULL);
    sg_catalog_free(&c);
    sg_diags_free(&d);
    malformed("# versions\t5.10.1\nkernel.p\t5.10\tint\t??\t-\trw\t-\t-\tp\n",
              "\"?\"");
}

/* The catalog the binary ships: it loads, and the facts every rule on it
 * stands on are there. */
static void shipped(void)
{
    struct sg_catalog c;
    struct sg_diags d = {0};
    const char *dir = getenv("SYSCTL_GUARD_CATALOGDIR");
    CHECK(sg_catalog_load(dir ? dir : "catalog", &c, &d) == 0);
    CHECK(d.n == 0);
    CHECK(c.n_versions >= 11 && c.n_rows > 1500);
    /* Debian's own source for 6.1, kernel.org's for 4.19 (issue 25) */
    struct sg_catinfo in;
    struct sg_kver k61 = kv("6.1.0-13-amd64"), k419 = kv("4.19.0-26-amd64");
    sg_catalog_lookup(&c, "vm.swappiness", &k61, &in);
    CHECK(in.at >= 0 && c.builds[in.at] == SG_KB_DEBIAN);
    sg_catalog_lookup(&c, "vm.swappiness", &k419, &in);
    CHECK(in.at >= 0 && c.builds[in.at] == SG_KB_KERNELORG);
    /* the oldest catalogued kernels, and the history between them */
    CHECK(state(&c, "net.ipv4.tcp_tw_recycle", "4.11") == SG_KS_PRESENT);
    CHECK(state(&c, "net.ipv4.tcp_tw_recycle", "3.10") == SG_KS_PRESENT);
    CHECK(state(&c, "fs.protected_fifos", "4.14") == SG_KS_ABSENT);
    CHECK(state(&c, "fs.protected_fifos", "4.19") == SG_KS_PRESENT);
    CHECK(state(&c, "kernel.sched_min_granularity_ns", "5.12") ==
          SG_KS_PRESENT);
    CHECK(state(&c, "kernel.sched_min_granularity_ns", "5.13") == SG_KS_ABSENT);
    CHECK(rej(&c, "vm.swappiness", "5.4", "180") != NULL);
    CHECK(rej(&c, "vm.swappiness", "5.10", "180") == NULL);
    CHECK(rej(&c, "vm.swappiness", "5.8", "180") == NULL); /* unknown */
    CHECK(state(&c, "net.ipv6.conf.eth0.accept_untracked_na", "5.18") ==
          SG_KS_ABSENT);
    CHECK(state(&c, "net.ipv4.tcp_tw_recycle", "6.1") == SG_KS_ABSENT);
    CHECK(state(&c, "net.ipv4.tcp_tw_recycle", "4.12") == SG_KS_ABSENT);
    CHECK(state(&c, "net.ipv4.tcp_tw_reuse_delay", "6.12") == SG_KS_ABSENT);
    CHECK(state(&c, "net.ipv4.tcp_tw_reuse_delay", "6.14") == SG_KS_PRESENT);
    CHECK(state(&c, "kernel.sched_min_granularity_ns", "6.1") == SG_KS_ABSENT);
    CHECK(state(&c, "net.ipv4.conf.eth0.rp_filter", "6.1") == SG_KS_PRESENT);
    CHECK(state(&c, "vm.swappiness", "6.12") == SG_KS_PRESENT);
    CHECK(rej(&c, "vm.swappiness", "6.1", "201") != NULL);
    CHECK(rej(&c, "vm.dirty_bytes", "6.1", "0") != NULL);
    CHECK(rej(&c, "net.ipv4.ip_local_port_range", "6.1", "32768 65536"));
    const struct sg_catrow *r =
        row(&c, "net.bridge.bridge-nf-call-iptables", "6.1");
    CHECK(r && strcmp(r->module, "br_netfilter") == 0);
    char *s = sg_catalog_suggest(&c, "kernel.shmax");
    CHECK_STR(s, "kernel.shmmax");
    free(s);
    /* far for the name's length: no suggestion (issue 25) */
    CHECK(sg_catalog_suggest(&c, "net.ipv4.tcp_nodelay") == NULL);
    CHECK(sg_catalog_suggest(&c, "kernel.rr_interval") == NULL);
    CHECK(sg_catalog_patch_set("kernel.rr_interval") != NULL);
    CHECK(sg_catalog_patch_set("kernel.grsecurity.chroot_deny_mount") != NULL);
    CHECK(sg_catalog_patch_set("kernel.grsecurity") == NULL);
    CHECK(sg_catalog_patch_set("kernel.shmmax") == NULL);
    sg_catalog_free(&c);
}

/* A running value against a file's, as the key's handler reads it. */
static void live_same(void)
{
    struct sg_catalog c;
    struct sg_diags d = {0};
    struct sg_kver k = kv("6.1.0-13-amd64");
    CHECK(sg_catalog_parse(keys, strlen(keys), "k", hist, strlen(hist), "h", &c,
                           &d) == 0);
    const char *r = "net.ipv4.ip_local_port_range";
    CHECK(sg_catalog_live_same(&c, &k, r, "1024\t65000", "1024\t65000\n"));
    CHECK(sg_catalog_live_same(&c, &k, r, "1024   65000 # wide",
                               "1024\t65000\n"));
    CHECK(!sg_catalog_live_same(&c, &k, r, "1024 65001", "1024\t65000\n"));
    /* one field given: the kernel reads that one */
    CHECK(sg_catalog_live_same(&c, &k, r, "1024", "1024\t65000\n"));
    CHECK(sg_catalog_live_same(&c, &k, "fs.protected_fifos", "0x2", "2\n"));
    CHECK(sg_catalog_live_same(&c, &k, "fs.protected_fifos", "1 # on", "1\n"));
    CHECK(!sg_catalog_live_same(&c, &k, "fs.protected_fifos", "1", "2\n"));
    CHECK(sg_catalog_live_same(&c, &k, "vm.unsigned", "4294967295",
                               "4294967295\n"));
    /* no number at all: the write failed; the text decides */
    CHECK(!sg_catalog_live_same(&c, &k, "fs.protected_fifos", "on", "1\n"));
    /* a key the catalog lacks: numbers when the running text is numbers,
     * else the string exactly */
    CHECK(sg_catalog_live_same(&c, &k, "kernel.printk", "4 4 1 7",
                               "4\t4\t1\t7\n"));
    CHECK(sg_catalog_live_same(&c, &k, "kernel.core_pattern", "core.%p",
                               "core.%p\n"));
    CHECK(!sg_catalog_live_same(&c, &k, "kernel.core_pattern", "core  %p",
                                "core %p\n"));
    CHECK(sg_catalog_live_same(NULL, &k, "x.y", "1 # c", "1\n"));
    sg_catalog_free(&c);
    sg_diags_free(&d);
}

/* The edit distance of A and B, the textbook table. */
static size_t levenshtein(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b), d[64][64];
    for (size_t i = 0; i <= la; i++)
        d[i][0] = i;
    for (size_t j = 0; j <= lb; j++)
        d[0][j] = j;
    for (size_t i = 1; i <= la; i++)
        for (size_t j = 1; j <= lb; j++) {
            size_t v = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
            if (d[i - 1][j] + 1 < v)
                v = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < v)
                v = d[i][j - 1] + 1;
            d[i][j] = v;
        }
    return d[la][lb];
}

/* What sg_catalog_suggest says of plain keys, the slow way: of the keys
 * with KEY's first component, the nearest within a third of KEY's last
 * component's length (at least 1), the first in key order of the
 * nearest. */
static const char *suggest_ref(char (*names)[48], size_t n, const char *key)
{
    size_t first = strcspn(key, "."), len = strlen(key);
    const char *dot = strrchr(key, '.');
    size_t last = dot ? len - (size_t)(dot + 1 - key) : len;
    size_t limit = last / 3 > 1 ? last / 3 : 1, best = (size_t)-1;
    const char *pick = NULL;
    for (size_t i = 0; i < n; i++) {
        if (strncmp(names[i], key, first) != 0 || names[i][first] != key[first])
            continue;
        size_t e = levenshtein(key, names[i]);
        if (e <= limit && e < best) {
            best = e;
            pick = names[i];
        }
    }
    return pick;
}

static int cmp_key(const void *a, const void *b)
{
    return strcmp(a, b);
}

/* Suggestions from a catalog of many near keys (names of a small
 * alphabet, so many ties at several lengths; some keys on two rows)
 * agree with the slow way for typos of each key and for other names. */
static void suggest_agrees(void)
{
    static const char *const tops[] = {"fs.", "kernel.", "net.ipv4.", "vm."};
    static char names[600][48];
    size_t n = 0;
    unsigned seed = 11;
#define RND() ((seed = seed * 1103515245u + 12345u) >> 16)
    for (size_t i = 0; i < 600; i++) {
        size_t at = (size_t)snprintf(names[i], 48, "%s", tops[RND() % 4]);
        size_t l = 1 + RND() % 12;
        for (size_t k = 0; k < l; k++)
            names[i][at++] = "abcd_"[RND() % 5];
        names[i][at] = '\0';
    }
    /* a tie: both one edit from "abi.abb", the longer first in order */
    snprintf(names[0], 48, "abi.aab");
    snprintf(names[1], 48, "abi.ab");
    qsort(names, 600, sizeof(*names), cmp_key);
    for (size_t i = 0; i < 600; i++)
        if (n == 0 || strcmp(names[n - 1], names[i]) != 0)
            memmove(names[n++], names[i], 48);
    struct sg_buf text = {0};
    sg_buf_printf(&text, "# versions\t5.10.1\t6.1.2\n");
    for (size_t i = 0; i < n; i++) {
        if (i % 7 == 0) /* a key on two rows */
            sg_buf_printf(&text, "%s\t5.10\tint\t-\t-\trw\t-\t-\tx.c:1\n",
                          names[i]);
        sg_buf_printf(&text, "%s\t%s\tint\t-\t-\trw\t-\t-\tx.c:2\n", names[i],
                      i % 7 == 0 ? "6.1" : "5.10,6.1");
    }
    struct sg_catalog c;
    struct sg_diags d = {0};
    CHECK(text.v &&
          sg_catalog_parse(text.v, text.n, "k", "", 0, "h", &c, &d) == 0);
    for (size_t i = 0; i < d.n; i++)
        fprintf(stderr, "%s:%u: %s\n", d.v[i].file, d.v[i].line,
                d.v[i].message);
    size_t bad = 0, asked = 0, found = 0;
    for (size_t i = 0; i < n && d.n == 0; i++)
        for (unsigned m = 0; m < 6; m++) {
            char key[64];
            size_t l = strlen(names[i]), at = RND() % l;
            memcpy(key, names[i], l + 1);
            if (m == 1) /* a letter dropped */
                memmove(key + at, key + at + 1, l - at);
            else if (m == 2) { /* a letter added */
                memmove(key + at + 1, key + at, l - at + 1);
                key[at] = "abcde"[RND() % 5];
            } else if (m == 3) /* a letter changed */
                key[at] = "abcde"[RND() % 5];
            else if (m >= 4) /* two changes */
            {
                size_t other = RND() % l;
                key[at] = "abcde"[RND() % 5];
                key[other] = "abcde"[RND() % 5];
            }
            char *got = sg_catalog_suggest(&c, key);
            const char *want = suggest_ref(names, n, key);
            asked++;
            found += want != NULL;
            if (!(got == NULL ? want == NULL : want && !strcmp(got, want))) {
                if (bad++ < 5)
                    fprintf(stderr, "suggest %s: %s, want %s\n", key,
                            got ? got : "none", want ? want : "none");
            }
            free(got);
        }
#undef RND
    CHECK(d.n == 0 && asked > 1000 && found > asked / 2 && bad == 0);
    char *tie = sg_catalog_suggest(&c, "abi.abb");
    CHECK_STR(tie, suggest_ref(names, n, "abi.abb"));
    CHECK_STR(tie, "abi.aab");
    free(tie);
    sg_catalog_free(&c);
    sg_diags_free(&d);
    free(text.v);
}

/* What sg_catalog_suggest says of a key with templates in the catalog,
 * the slow way: the plain keys' pick (suggest_ref), then each template of
 * KEY's first component, in key order, each placeholder taking KEY's
 * component at its place (none there, or an empty one: the template is
 * no candidate), when it is nearer than the best so far and not KEY
 * itself. Allocated, or NULL. */
static char *suggest_tref(char (*names)[48], size_t n, char (*tmpls)[48],
                          size_t nt, const char *key)
{
    size_t first = strcspn(key, "."), len = strlen(key);
    const char *dot = strrchr(key, '.');
    size_t last = dot ? len - (size_t)(dot + 1 - key) : len;
    size_t limit = last / 3 > 1 ? last / 3 : 1, best = (size_t)-1;
    const char *plain = suggest_ref(names, n, key);
    char *pick = plain ? strdup(plain) : NULL;
    if (plain)
        best = levenshtein(key, plain);
    char comps[40][48];
    size_t kc = 0;
    for (const char *k = key;; kc++) {
        size_t l = strcspn(k, ".");
        snprintf(comps[kc], 48, "%.*s", (int)l, k);
        if (!k[l])
            break;
        k += l + 1;
    }
    kc++;
    for (size_t i = 0; i < nt; i++) {
        const char *t = tmpls[i];
        if (strncmp(t, key, first) != 0 || t[first] != key[first])
            continue;
        char cand[256] = "";
        bool ok = true;
        for (size_t j = 0; *t && ok; j++) {
            size_t l = strcspn(t, ".");
            if (*t == '<')
                ok = j < kc && comps[j][0];
            if (ok)
                snprintf(cand + strlen(cand), sizeof(cand) - strlen(cand),
                         "%s%.*s", j ? "." : "", (int)(*t == '<' ? 47 : l),
                         *t == '<' ? comps[j] : t);
            t += l + (t[l] == '.');
        }
        size_t e = ok ? levenshtein(key, cand) : (size_t)-1;
        if (ok && e <= limit && e < best && e > 0) {
            best = e;
            free(pick);
            pick = strdup(cand);
        }
    }
    return pick;
}

/* Suggestions from a catalog of plain keys and templates (placeholders at
 * the first to the fourth component, one or two of them) agree with the
 * slow way for typos of filled-in templates, keys with fewer components
 * than a template's placeholder, and keys with an empty component. */
static void suggest_templates_agree(void)
{
    static const char *const comps[] = {"ab", "abc", "b_d", "ca", "conf", "d"};
    static char names[80][48], tmpls[120][48];
    size_t n = 0, nt = 0;
    unsigned seed = 7;
#define RND() ((seed = seed * 1103515245u + 12345u) >> 16)
    for (size_t i = 0; i < 80; i++) {
        const char *a = comps[RND() % 6];
        snprintf(names[i], 48, "net.%s.%s", a, comps[RND() % 6]);
    }
    for (size_t i = 0; i < 120; i++) {
        size_t parts = 2 + RND() % 3;
        size_t at = (size_t)snprintf(tmpls[i], 48, "net");
        size_t ph = 1 + RND() % parts;
        size_t ph2 = RND() % 3 ? 0 : 1 + RND() % parts;
        for (size_t j = 1; j <= parts; j++)
            at += (size_t)snprintf(tmpls[i] + at, 48 - at, ".%s",
                                   j == ph || j == ph2 ? "<x>"
                                                       : comps[RND() % 6]);
    }
    qsort(names, 80, sizeof(*names), cmp_key);
    qsort(tmpls, 120, sizeof(*tmpls), cmp_key);
    for (size_t i = 0; i < 80; i++)
        if (n == 0 || strcmp(names[n - 1], names[i]) != 0)
            memmove(names[n++], names[i], 48);
    for (size_t i = 0; i < 120; i++)
        if (nt == 0 || strcmp(tmpls[nt - 1], tmpls[i]) != 0)
            memmove(tmpls[nt++], tmpls[i], 48);
    /* the rows in key order, plain and templated together */
    char(*all)[48] = calloc(n + nt, 48);
    memcpy(all, names, n * 48);
    memcpy(all + n, tmpls, nt * 48);
    qsort(all, n + nt, 48, cmp_key);
    struct sg_buf text = {0};
    sg_buf_printf(&text, "# versions\t6.1.2\n");
    for (size_t i = 0; i < n + nt; i++)
        sg_buf_printf(&text, "%s\t6.1\tint\t-\t-\trw\t-\t-\tx.c:1\n", all[i]);
    struct sg_catalog c;
    struct sg_diags d = {0};
    CHECK(text.v &&
          sg_catalog_parse(text.v, text.n, "k", "", 0, "h", &c, &d) == 0);
    CHECK(d.n == 0 && c.n_templates == nt);
    size_t bad = 0, asked = 0, from_tmpl = 0;
    for (size_t i = 0; i < nt && d.n == 0; i++)
        for (unsigned m = 0; m < 8; m++) {
            char key[64];
            size_t at = 0;
            /* the template filled in, then changed as M says */
            for (const char *t = tmpls[i]; *t;) {
                size_t l = strcspn(t, ".");
                const char *fill = m == 6 ? "" : comps[RND() % 6];
                at += (size_t)snprintf(key + at, sizeof(key) - at, "%s%.*s",
                                       at ? "." : "", (int)(*t == '<' ? 9 : l),
                                       *t == '<' ? fill : t);
                t += l + (t[l] == '.');
            }
            size_t l = strlen(key), p = 4 + RND() % (l - 4);
            if (m == 1) /* a letter dropped */
                memmove(key + p, key + p + 1, l - p);
            else if (m == 2) { /* a letter added */
                memmove(key + p + 1, key + p, l - p + 1);
                key[p] = "abcd"[RND() % 4];
            } else if (m == 3 || m == 4) /* a letter changed */
                key[p] = "abcd_"[RND() % 5];
            else if (m == 5) /* the last component gone */
                *strrchr(key, '.') = '\0';
            char *got = sg_catalog_suggest(&c, key);
            char *want = suggest_tref(names, n, tmpls, nt, key);
            asked++;
            from_tmpl +=
                want && strchr(want, '.') && !suggest_ref(names, n, key);
            if (!(got == NULL ? want == NULL : want && !strcmp(got, want))) {
                if (bad++ < 5)
                    fprintf(stderr, "suggest %s: %s, want %s\n", key,
                            got ? got : "none", want ? want : "none");
            }
            free(got);
            free(want);
        }
#undef RND
    CHECK(asked > 500 && from_tmpl > asked / 4 && bad == 0);
    sg_catalog_free(&c);
    sg_diags_free(&d);
    free(text.v);
    free(all);
}

/* A built-in catalog's rows are used where they are, not copied; a row
 * whose key length is not its key's (a generator's mistake) is refused. */
static void builtin_rows(void)
{
    static const char *const versions[] = {"6.1.2"};
    static const struct sg_catrow rows[] = {
        {.key = "kernel.a", .versions = 1, .n = 1, .key_len = 8},
        {.key = "vm.b", .versions = 1, .n = 1, .key_len = 4}};
    struct sg_catalog c;
    struct sg_diags d = {0};
    CHECK(sg_catalog_builtin(versions, NULL, 1, rows, 2, "", 0, "h", &c, &d) ==
          0);
    CHECK(c.rows == rows && c.n_rows == 2 && d.n == 0);
    sg_catalog_free(&c);
    static const struct sg_catrow bad_rows[] = {
        {.key = "kernel.a", .versions = 1, .n = 1, .key_len = 8},
        {.key = "vm.b", .versions = 1, .n = 1, .key_len = 5}};
    CHECK(sg_catalog_builtin(versions, NULL, 1, bad_rows, 2, "", 0, "h", &c,
                             &d) < 0);
    CHECK(d.n == 1 && strstr(d.v[0].message, "key length"));
    sg_diags_free(&d);
}

int main(void)
{
    synthetic();
    builtin_rows();
    suggest_agrees();
    suggest_templates_agree();
    live_same();
    builds();
    unknown_bound();
    shipped();
    return check_done("catalog");
}
