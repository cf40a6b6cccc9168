/* The catalog's relations (relations.h): parsing, malformed lines named
 * with their line, and a relation holding on a kernel only when the
 * catalogued versions around it agree. */
#include "catalog.h"
#include "relations.h"
#include "check.h"

#include <stdlib.h>
#include <string.h>

static const char keys[] =
    "# versions\t4.19.1\t5.10.1\t6.1.2\n"
    "# builds\tkernel.org\tdebian\tdebian\n"
    "vm.dirty_bytes\t4.19,5.10,6.1\tulong\t8192\t-\trw\t-\t-\tm.c:1\n"
    "vm.dirty_ratio\t4.19,5.10,6.1\tint\t0\t100\trw\t-\t-\tm.c:2\n";

/* 4.19 and 6.1 zero "on change", 5.10 always: between 5.10 and 6.1 the
 * versions disagree. */
static const char rel[] =
    "# series\tkey\trelation\tother\tdetail\tsource\n"
    "4.19\tvm.dirty_ratio\tzeroes\tvm.dirty_bytes\tchanged\tmm/a.c:1\n"
    "5.10\tvm.dirty_ratio\tzeroes\tvm.dirty_bytes\talways\tmm/a.c:2\n"
    "6.1\tvm.dirty_ratio\tzeroes\tvm.dirty_bytes\tchanged\tmm/a.c:3\n"
    "4.19\tvm.dirty_ratio\tinit\t-\t20\tmm/a.c:4\n"
    "5.10\tvm.dirty_ratio\tinit\t-\t20\tmm/a.c:5\n"
    "6.1\tvm.dirty_ratio\tinit\t-\t20\tmm/a.c:6\n"
    "4.19\tnet.ipv4.tcp_congestion_control\tnames\tcubic\t-\tc.c:1\n"
    "5.10\tnet.ipv4.tcp_congestion_control\tnames\tcubic\tbuiltin\tc.c:1\n"
    "6.1\tnet.ipv4.tcp_congestion_control\tnames\tcubic\tbuiltin\tc.c:1\n"
    "5.10\tnet.ipv4.tcp_congestion_control\tnames\tvegas\tabsent\tv.c:1\n"
    "6.1\tnet.ipv4.tcp_congestion_control\tnames\tvegas\tabsent\tv.c:1\n"
    "6.1\tnet.ipv4.tcp_congestion_control\tnames\tbbr\tmodule:tcp_bbr\tb.c:1\n";

static size_t find(const struct sg_catalog *c, const char *k,
                   enum sg_rel_kind kind, const struct sg_relrow **r)
{
    struct sg_kver v;
    sg_kver_parse(k, &v);
    return sg_relations_find(c, &v, kind, "vm.dirty_ratio", NULL, r, 1);
}

static void parse(void)
{
    struct sg_catalog c;
    struct sg_diags d = {0};
    const struct sg_relrow *r = NULL;

    CHECK(sg_catalog_parse(keys, strlen(keys), "k", "", 0, "h", &c, &d) == 0);
    CHECK(sg_relations_parse(&c, rel, strlen(rel), "r", &d) == 0);
    CHECK(c.n_rel == 12 && d.n == 0);
    /* the keys rows name, as their key or only as their other: a key
     * none names has no rows to look up (eval.c asks this first) */
    CHECK(sg_relations_names(&c, "vm.dirty_ratio") &&
          sg_relations_names(&c, "vm.dirty_bytes") &&
          sg_relations_names(&c, "net.ipv4.tcp_congestion_control") &&
          !sg_relations_names(&c, "vm.swappiness") &&
          !sg_relations_names(&c, "vm.dirty"));
    /* a catalogued series: its own row */
    CHECK(find(&c, "6.1.0-13-amd64", SG_REL_ZEROES, &r) == 1 && r->on_change &&
          strcmp(r->source, "mm/a.c:3") == 0 &&
          strcmp(r->other, "vm.dirty_bytes") == 0);
    CHECK(find(&c, "5.10.0-32-amd64", SG_REL_ZEROES, &r) == 1 && !r->on_change);
    /* between two versions that disagree: no claim */
    CHECK(find(&c, "5.15.0", SG_REL_ZEROES, &r) == 0);
    CHECK(find(&c, "4.20.0", SG_REL_ZEROES, &r) == 0);
    /* newer than every version: only what every version says */
    CHECK(find(&c, "7.0.0", SG_REL_ZEROES, &r) == 0);
    CHECK(find(&c, "7.0.0", SG_REL_INIT, &r) == 1 && r->value == 20);
    /* older than every version: nothing */
    CHECK(find(&c, "4.14.0", SG_REL_INIT, &r) == 0);
    /* rows written by key, not by version, are read into version order,
     * each version's rows by key, the lines' order kept among equals */
    size_t seen = 0;
    for (unsigned v = 0; v < c.n_versions; v++) {
        for (size_t i = c.rel_from[v]; i < c.rel_to[v]; i++) {
            CHECK(c.rel[i].version == v);
            CHECK(i == c.rel_from[v] ||
                  strcmp(c.rel[i - 1].key, c.rel[i].key) <= 0);
        }
        seen += c.rel_to[v] - c.rel_from[v];
    }
    CHECK(seen == c.n_rel);
    CHECK(strcmp(c.rel[c.rel_from[2]].key, "net.ipv4.tcp_congestion_control") ==
              0 &&
          strcmp(c.rel[c.rel_from[2]].other, "cubic") == 0 &&
          strcmp(c.rel[c.rel_from[2] + 1].other, "vegas") == 0);
    sg_catalog_free(&c);
    sg_diags_free(&d);
}

static int name(const struct sg_catalog *c, const char *k, const char *n,
                const struct sg_relrow **r)
{
    struct sg_kver v;
    sg_kver_parse(k, &v);
    return sg_relations_name(c, &v, "net.ipv4.tcp_congestion_control", n, r);
}

/* Names a key takes: had, left out by the config, defined nowhere, and
 * what is not known. */
static void names(void)
{
    struct sg_catalog c;
    struct sg_diags d = {0};
    const struct sg_relrow *r = NULL;
    CHECK(sg_catalog_parse(keys, strlen(keys), "k", "", 0, "h", &c, &d) == 0);
    CHECK(sg_relations_parse(&c, rel, strlen(rel), "r", &d) == 0);
    CHECK(name(&c, "6.1.0-13-amd64", "cubic", &r) == 1 &&
          strcmp(r->detail, "builtin") == 0);
    CHECK(name(&c, "6.1.0-13-amd64", "bbr", &r) == 1 &&
          strcmp(r->detail, "module:tcp_bbr") == 0);
    CHECK(name(&c, "6.1.0-13-amd64", "vegas", &r) == 0 && r);
    /* Debian's config leaves vegas out: nothing said of another build */
    CHECK(name(&c, "6.1.55", "vegas", &r) == -1);
    CHECK(name(&c, "6.1.0-1-custom", "vegas", &r) == -1);
    CHECK(name(&c, "6.1.0-13-amd64", "tsunami", &r) == 0 && !r);
    /* bbr: 6.1 has it, 5.10 not: between them not known */
    CHECK(name(&c, "5.15.0", "bbr", &r) == -1);
    CHECK(name(&c, "5.15.0", "tsunami", &r) == 0);
    /* 4.19 has no config: a name it defines is not known to be built */
    CHECK(name(&c, "4.19.0", "cubic", &r) == -1);
    /* newer than every version, and a key without names */
    CHECK(name(&c, "7.0.0", "tsunami", &r) == -1);
    struct sg_kver v;
    sg_kver_parse("6.1.0-13-amd64", &v);
    CHECK(sg_relations_name(&c, &v, "vm.swappiness", "x", &r) == -1);
    sg_catalog_free(&c);
    sg_diags_free(&d);
}

static void malformed(void)
{
    static const char *const bad[] = {
        "6.1\tvm.dirty_ratio\tzeroes\tvm.dirty_bytes\tchanged\n", /* 5 */
        "7.7\tvm.dirty_ratio\tinit\t-\t20\tm.c:1\n",              /* series */
        "6.1\tvm.dirty_ratio\tswaps\tvm.x\t-\tm.c:1\n",           /* relation */
        "6.1\tvm.dirty_ratio\tinit\t-\ttwenty\tm.c:1\n",          /* number */
        "6.1\tvm.dirty_ratio\tzeroes\t-\tchanged\tm.c:1\n",       /* no other */
        "6.1\tvm.dirty_ratio\tzeroes\tvm.x\tsometimes\tm.c:1\n",
        "6.1\t\tinit\t-\t1\tm.c:1\n",
        "6.1\tnet.x\tnames\t\tbuiltin\tm.c:1\n",    /* no name */
        "6.1\tnet.x\tcombine\tall\txor\tm.c:1\n",   /* how */
        "6.1\tnet.x\tall\tall\tsometimes\tm.c:1\n", /* all's use */
        "6.1\tnet.x\tall\tdefault\tused\tm.c:1\n",  /* not all */
        "6.1\tkernel.sem\tfield-max\t4\tclamped:9\tm.c:1\n",
        "6.1\tkernel.sem\tfield-max\t0\trefused:9\tm.c:1\n", /* field */
        "6.1\tkernel.sem\tfield-max\t17\trefused:9\tm.c:1\n",
        "6.1\tkernel.sem\tfield-max\t4\trefused:x\tm.c:1\n",
        "6.1\tkernel.sem\tfield-max\t4\trefused:-1\tm.c:1\n",
        "6.1\tkernel.sem\tfield-max-extended\t4\t\tm.c:1\n",
        "6.1\tvm.dirty_ratio\tinit\t-\t20\tm.c:1\tx\n", /* seven fields */
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
        struct sg_catalog c;
        struct sg_diags d = {0};
        char text[256];
        snprintf(text, sizeof(text), "# ok\n%s", bad[i]);
        CHECK(sg_catalog_parse(keys, strlen(keys), "k", "", 0, "h", &c, &d) ==
              0);
        CHECK(sg_relations_parse(&c, text, strlen(text), "r.tsv", &d) < 0);
        /* said with the file and the line */
        CHECK(d.n == 1 && d.v[0].line == 2 &&
              strcmp(d.v[0].file, "r.tsv") == 0);
        CHECK(c.n_rel == 0 && !c.rel_text);
        sg_catalog_free(&c);
        sg_diags_free(&d);
    }
    /* a NUL byte */
    struct sg_catalog c;
    struct sg_diags d = {0};
    CHECK(sg_catalog_parse(keys, strlen(keys), "k", "", 0, "h", &c, &d) == 0);
    CHECK(sg_relations_parse(&c, "6.1\0x", 5, "r.tsv", &d) < 0 && d.n == 1);
    sg_catalog_free(&c);
    sg_diags_free(&d);
}

/* IPv6's all (used or ignored) and a field's limit, agreed on or not by
 * the versions around a kernel. */
static void fields_and_all(void)
{
    static const char text[] =
        "4.19\tnet.ipv6.conf.<iface>.accept_dad\tall\tall\tused\ta.c:1\n"
        "5.10\tnet.ipv6.conf.<iface>.accept_dad\tall\tall\tused\ta.c:2\n"
        "6.1\tnet.ipv6.conf.<iface>.accept_dad\tall\tall\tused\ta.c:3\n"
        "4.19\tnet.ipv6.conf.<iface>.accept_ra\tall\tall\tignored\ta.c:4\n"
        "5.10\tnet.ipv6.conf.<iface>.accept_ra\tall\tall\tignored\ta.c:5\n"
        "6.1\tnet.ipv6.conf.<iface>.accept_ra\tall\tall\tignored\ta.c:6\n"
        "4.19\tkernel.sem\tfield-max\t4\tcapped:32768\tu.c:1\n"
        "5.10\tkernel.sem\tfield-max\t4\trefused:32768\tu.h:2\n"
        "5.10\tkernel.sem\tfield-max-extended\t4\t16777216\ti.c:3\n"
        "6.1\tkernel.sem\tfield-max\t4\trefused:32768\tu.h:4\n"
        "6.1\tkernel.sem\tfield-max-extended\t4\t16777216\ti.c:5\n";
    struct sg_catalog c;
    struct sg_diags d = {0};
    const struct sg_relrow *r = NULL;
    struct sg_kver v;
    CHECK(sg_catalog_parse(keys, strlen(keys), "k", "", 0, "h", &c, &d) == 0);
    CHECK(sg_relations_parse(&c, text, strlen(text), "r", &d) == 0);
    CHECK(c.n_rel == 11 && d.n == 0);
    sg_kver_parse("6.1.0-13-amd64", &v);
    CHECK(sg_relations_find(&c, &v, SG_REL_ALL,
                            "net.ipv6.conf.<iface>.accept_ra", "all", &r,
                            1) == 1 &&
          strcmp(r->detail, "ignored") == 0);
    CHECK(sg_relations_find(&c, &v, SG_REL_FIELD_MAX, "kernel.sem", NULL, &r,
                            1) == 1 &&
          r->refuses && r->value == 32768 && strcmp(r->other, "4") == 0);
    CHECK(sg_relations_find(&c, &v, SG_REL_FIELD_MAX_EXT, "kernel.sem", "4", &r,
                            1) == 1 &&
          r->value == 16777216);
    /* 4.19 caps, 5.10 refuses: between them, nothing */
    sg_kver_parse("4.19.0-26-amd64", &v);
    CHECK(sg_relations_find(&c, &v, SG_REL_FIELD_MAX, "kernel.sem", NULL, &r,
                            1) == 1 &&
          !r->refuses);
    sg_kver_parse("5.2.0", &v);
    CHECK(sg_relations_find(&c, &v, SG_REL_FIELD_MAX, "kernel.sem", NULL, &r,
                            1) == 0);
    /* built in (rel2c.awk's rows, their strings its own; any order): the
     * same answers */
    static const struct sg_relrow rows[] = {
        {2, SG_REL_FIELD_MAX, "kernel.sem", "4", false, 32768, true,
         "refused:32768", "u.h:4"},
        {0, SG_REL_FIELD_MAX, "kernel.sem", "4", false, 32768, false,
         "capped:32768", "u.c:1"},
        {1, SG_REL_FIELD_MAX, "kernel.sem", "4", false, 32768, true,
         "refused:32768", "u.h:2"},
    };
    CHECK(sg_relations_builtin(&c, rows, 3) == 0 && c.n_rel == 3);
    CHECK(c.rel == rows); /* grouped by version: read where they are */
    sg_kver_parse("6.1.0-13-amd64", &v);
    CHECK(sg_relations_find(&c, &v, SG_REL_FIELD_MAX, "kernel.sem", NULL, &r,
                            1) == 1 &&
          r->refuses && strcmp(r->source, "u.h:4") == 0);
    sg_kver_parse("4.19.0-26-amd64", &v);
    CHECK(sg_relations_find(&c, &v, SG_REL_FIELD_MAX, "kernel.sem", NULL, &r,
                            1) == 1 &&
          !r->refuses);
    /* not grouped: sorted in a copy, the binary's rows left as they are */
    static const struct sg_relrow mixed[] = {
        {0, SG_REL_FIELD_MAX, "kernel.sem", "4", false, 32768, false,
         "capped:32768", "u.c:1"},
        {2, SG_REL_FIELD_MAX, "kernel.sem", "4", false, 32768, true,
         "refused:32768", "u.h:4"},
        {0, SG_REL_FIELD_MAX, "kernel.msgmni", "4", false, 32768, false,
         "capped:32768", "u.c:2"},
    };
    CHECK(sg_relations_builtin(&c, mixed, 3) == 0 && c.n_rel == 3);
    CHECK(c.rel != mixed && mixed[1].version == 2 &&
          strcmp(mixed[2].key, "kernel.msgmni") == 0);
    sg_kver_parse("6.1.0-13-amd64", &v);
    CHECK(sg_relations_find(&c, &v, SG_REL_FIELD_MAX, "kernel.sem", NULL, &r,
                            1) == 1 &&
          strcmp(r->source, "u.h:4") == 0);
    sg_kver_parse("4.19.0-26-amd64", &v);
    CHECK(sg_relations_find(&c, &v, SG_REL_FIELD_MAX, "kernel.msgmni", NULL, &r,
                            1) == 1 &&
          strcmp(r->source, "u.c:2") == 0);
    sg_catalog_free(&c);
    sg_diags_free(&d);
}

int main(void)
{
    parse();
    names();
    fields_and_all();
    malformed();
    return check_done("relations");
}
