/* fix: a file changed, or a symlink swapped in, between reading and
 * writing is refused and left as it is; a new drop-in is created with its
 * directory. The end-to-end fix tests are tests/fix/run.py. */
#include "check.h"
#include "eval.h"
#include "fix.h"
#include "tree.h"
#include "util.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char *root;
static const char *kernel = "6.1.0-13-amd64"; /* of the tree evaluated */

static void put(const char *rel, const char *text)
{
    tree_put(root, rel, text);
}

static char *get(const char *rel)
{
    char *p = sg_path_join(root, rel), *buf = NULL;
    size_t len;
    int err;
    sg_read_file(p, &buf, &len, &err);
    free(p);
    return buf;
}

static const char *lensdir(void)
{
    const char *ld = getenv("SYSCTL_GUARD_LENSDIR");
    return ld ? ld : "lenses";
}

/* Model and findings for the tree as it is now. */
static struct sg_model *evaluate(struct sg_policies *ps, struct sg_findings *fs)
{
    struct sg_model_opts o = {
        .root = root, .lensdir = lensdir(), .kernel = kernel};
    struct sg_model *m = NULL;
    struct sg_settings eo = {0};
    char *err = NULL;
    if (sg_model_load(&o, &m, &err) < 0 || sg_evaluate(m, ps, &eo, fs) < 0)
        exit(1);
    return m;
}

/* ... and the changes that fix them. */
static struct sg_model *plan(struct sg_policies *ps, struct sg_changes *cs)
{
    struct sg_findings fs = {0};
    struct sg_model *m = evaluate(ps, &fs);
    struct sg_settings eo = {0};
    if (sg_fix_plan(m, ps, &eo, &fs, lensdir(), NULL, cs, NULL, &m->diags) < 0)
        exit(1);
    sg_findings_free(&fs);
    return m;
}

/* Whether the spans of C's operations (each distinct span once, last
 * first) turn its text before into its text after, and every finding C
 * fixes is fixed by one of them. */
static bool spans_rebuild(const struct sg_change *c)
{
    const char *before = c->before ? c->before : "";
    struct sg_buf b = {0};
    size_t at = 0;
    bool ok = true;
    for (size_t i = 0; i < c->n_ops; i++) {
        const struct sg_span *sp = &c->ops[i].span;
        if (i > 0 && !memcmp(sp, &c->ops[i - 1].span, sizeof(*sp)))
            continue;
        ok = ok && sp->at >= at && c->ops[i].n_why > 0;
        if (!ok)
            break;
        sg_buf_add(&b, before + at, sp->at - at);
        sg_buf_add(&b, c->after + sp->to, sp->to_len);
        at = sp->at + sp->len;
    }
    sg_buf_add(&b, before + at, strlen(before) - at);
    ok = ok && b.v && strcmp(b.v, c->after) == 0;
    free(b.v);
    for (size_t f = 0; ok && f < c->n_fixes; f++) {
        bool found = false;
        for (size_t i = 0; i < c->n_ops && !found; i++)
            for (size_t w = 0; w < c->ops[i].n_why && !found; w++)
                found = strcmp(c->ops[i].why[w], c->fixes[f]) == 0;
        ok = found;
    }
    return ok;
}

/* sg_finding_same_id is equal for two findings exactly when
 * sg_finding_same says they are the same (the judge's index rests on it):
 * every pair of a set that differs in each compared field, NULL against
 * "", and texts that would run together without the lengths. */
static void same_id_agrees(void)
{
    struct sg_rule lines = {.id = "a", .on_lines = true}, value = {.id = "b"};
    const struct sg_rule *rules[] = {&lines, &value};
    const char *keys[] = {NULL, "k", "k1"};
    const char *vals[] = {NULL, "", "1:2", "1"};
    const char *files[] = {NULL, "/f", "2:/f"};
    const char *msgs[] = {"m", "m2"};
    struct sg_finding v[2 * 3 * 4 * 3 * 2];
    size_t n = 0;
    for (size_t a = 0; a < 2; a++)
        for (size_t b = 0; b < 3; b++)
            for (size_t c = 0; c < 4; c++)
                for (size_t d = 0; d < 3; d++)
                    for (size_t e = 0; e < 2; e++)
                        v[n++] =
                            (struct sg_finding){.rule = rules[a],
                                                .key = (char *)keys[b],
                                                .value = (char *)vals[c],
                                                .file = (char *)files[d],
                                                .message = (char *)msgs[e]};
    size_t bad = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) {
            char *x = sg_finding_same_id(&v[i]), *y = sg_finding_same_id(&v[j]);
            bad +=
                x && y && (strcmp(x, y) == 0) != sg_finding_same(&v[i], &v[j]);
            free(x);
            free(y);
        }
    CHECK(bad == 0);
}

/* sg_findings_sort: any order comes out in sg_finding_cmp's, the same
 * findings; findings in order already, ties included, stay where they
 * are; one pair out of order anywhere, the last included, is noticed. */
static void findings_sort(void)
{
    struct sg_rule ra = {.id = "a"}, rb = {.id = "b"};
    char *files[] = {NULL, "/etc/sysctl.d/1.conf", "/etc/sysctl.d/2.conf"};
    struct sg_finding v[60];
    size_t n = 0;
    for (unsigned k = 0; k < 60; k++) /* a scrambled order, ties in it */
        v[n++] = (struct sg_finding){.rule = (k * 7) % 3 ? &ra : &rb,
                                     .file = files[(k * 11) % 3],
                                     .line = (k * 13) % 5,
                                     .message = (char *)(uintptr_t)(k + 1)};
    struct sg_findings fs = {.v = v, .n = n};
    sg_findings_sort(&fs);
    size_t bad = 0, sum = 0;
    for (size_t i = 0; i < n; i++) {
        bad += i > 0 && sg_finding_cmp(&v[i - 1], &v[i]) > 0;
        sum += (uintptr_t)v[i].message;
    }
    CHECK(bad == 0 && sum == 60 * 61 / 2);
    /* sorted: stays as it is, ties in their order */
    struct sg_finding before[60];
    memcpy(before, v, sizeof(v));
    sg_findings_sort(&fs);
    CHECK(memcmp(before, v, sizeof(v)) == 0);
    /* one pair out of order, at each place */
    for (size_t at = 1; at < n; at++) {
        memcpy(v, before, sizeof(v));
        if (sg_finding_cmp(&v[at - 1], &v[at]) == 0)
            continue;
        struct sg_finding t = v[at - 1];
        v[at - 1] = v[at];
        v[at] = t;
        sg_findings_sort(&fs);
        for (size_t i = 1; i < n; i++)
            bad += sg_finding_cmp(&v[i - 1], &v[i]) > 0;
    }
    CHECK(bad == 0);
    /* the last pair the only one out of order */
    struct sg_finding w[3] = {{.rule = &ra, .file = files[1], .line = 1},
                              {.rule = &ra, .file = files[1], .line = 3},
                              {.rule = &ra, .file = files[1], .line = 2}};
    sg_findings_sort(&(struct sg_findings){.v = w, .n = 3});
    CHECK(w[0].line == 1 && w[1].line == 2 && w[2].line == 3);
}

/* sg_finding_texts: the message and each of key, value and file there
 * or not, as given; a copy has them too, apart from the original. */
static void finding_texts(void)
{
    struct sg_rule r = {.id = "a"};
    for (unsigned m = 0; m < 8; m++) {
        struct sg_finding f = {.rule = &r}, c;
        const char *k = m & 1 ? "net.k" : NULL, *v = m & 2 ? "" : NULL,
                   *fl = m & 4 ? "/etc/sysctl.d/a.conf" : NULL;
        CHECK(sg_finding_texts(&f, "message text", 7, k, v, fl) == 0);
        CHECK_STR(f.message, "message");
        CHECK_STR(f.key, k);
        CHECK_STR(f.value, v);
        CHECK_STR(f.file, fl);
        CHECK(sg_finding_copy(&f, &c) == 0);
        CHECK(c.message != f.message && !strcmp(c.message, "message"));
        CHECK_STR(c.key, k);
        CHECK_STR(c.value, v);
        CHECK_STR(c.file, fl);
        sg_finding_clear(&f);
        sg_finding_clear(&c);
    }
}

/* sg_finding_parts and sg_finding_message: a finding kept as the fills of
 * its rule's placeholders reads as the template filled in, each fill the
 * key, the value, the file or its own text (empty, or what an unknown
 * placeholder and "{}" render), with the template's text between, and a
 * "{" that opens nothing as text; a copy reads the same from memory of its
 * own. */
static void finding_parts(void)
{
    struct sg_rule r = {.id = "a",
                        .title = "T",
                        .message = "Line sets {key} = {value} ({file}); "
                                   "{history}.{suggestion} {} end {"};
    static const char parts[] = "k"
                                "v"
                                "f"
                                "tnone has it\0"
                                "t\0"
                                "t(unknown)\0";
    const char *want = "Line sets net.k = 1 (/etc/a.conf); none has it. "
                       "(unknown) end {";
    struct sg_finding f = {.rule = &r}, c;
    struct sg_message b = {0};
    CHECK(sg_finding_parts(&f, parts, sizeof(parts), "net.k", "1",
                           "/etc/a.conf") == 0);
    CHECK(f.message == NULL && f.parts != NULL);
    CHECK_STR(f.key, "net.k");
    CHECK_STR(f.value, "1");
    CHECK_STR(f.file, "/etc/a.conf");
    CHECK_STR(sg_finding_message(&f, &b), want);
    CHECK(sg_finding_copy(&f, &c) == 0);
    sg_finding_clear(&f);
    CHECK(c.message == NULL && c.parts != NULL);
    CHECK_STR(sg_finding_message(&c, &b), want);
    CHECK_STR(c.file, "/etc/a.conf");
    /* one message buffer for findings of two rules in turn: each read
     * with its own rule's template */
    struct sg_rule r2 = {.id = "b", .title = "U", .message = "{value}!{key}"};
    struct sg_finding g = {.rule = &r2};
    CHECK(sg_finding_parts(&g, "vk", 3, "net.g", "7", NULL) == 0);
    for (int i = 0; i < 2; i++) {
        CHECK_STR(sg_finding_message(&g, &b), "7!net.g");
        CHECK_STR(sg_finding_message(&c, &b), want);
    }
    sg_finding_clear(&g);
    sg_finding_clear(&c);
    /* a finding with its message reads as it */
    CHECK(sg_finding_texts(&f, "whole", 5, "net.k", NULL, NULL) == 0);
    CHECK_STR(sg_finding_message(&f, &b), "whole");
    sg_finding_clear(&f);
    sg_message_free(&b);
}

int main(void)
{
    same_id_agrees();
    finding_texts();
    finding_parts();
    findings_sort();
    const char *pd = getenv("SYSCTL_GUARD_POLICYDIR");
    char *schema = sg_strdup_printf("%s/policy.rng", pd ? pd : "policies");
    const char *paths[] = {pd ? pd : "policies"};
    struct sg_policies ps;
    struct sg_changes cs = {0};
    struct sg_diags d = {0};
    root = tree_new("fix");
    if (sg_policies_load(paths, 1, schema, &ps, &d) < 0)
        return 1;

    tree_mkdir(root, "/etc");
    tree_mkdir(root, "/etc/sysctl.d");
    put("/etc/sysctl.d/50-a.conf", "# keep\nnet.ipv4.tcp_tw_recycle = 1\n");

    /* Changed between reading and planning: the edits would address the
     * wrong lines, so nothing is planned and the file stays. */
    {
        struct sg_findings fs = {0};
        struct sg_model *m0 = evaluate(&ps, &fs);
        put("/etc/sysctl.d/50-a.conf", "# new first line\n"
                                       "net.ipv4.tcp_tw_recycle = 1\n");
        CHECK(fs.n == 1 &&
              sg_fix_plan(m0, &ps, &(struct sg_settings){0}, &fs, lensdir(),
                          NULL, &cs, NULL, &m0->diags) == 0);
        CHECK(cs.n == 0 && sg_diag_count(&m0->diags, SG_SEV_ERROR) == 1);
        sg_changes_free(&cs);
        sg_findings_free(&fs);
        sg_model_free(m0);
        put("/etc/sysctl.d/50-a.conf", "# keep\nnet.ipv4.tcp_tw_recycle = 1\n");
    }

    /* Changed between planning and writing: refused, left as it is. */
    struct sg_model *m = plan(&ps, &cs);
    CHECK(cs.n == 1);
    put("/etc/sysctl.d/50-a.conf", "# changed by someone else\n");
    CHECK(sg_fix_apply(m, &cs, false, &m->diags) == -EAGAIN);
    char *now = get("/etc/sysctl.d/50-a.conf");
    CHECK_STR(now, "# changed by someone else\n");
    free(now);
    sg_changes_free(&cs);
    sg_model_free(m);

    /* A symlink swapped in for the directory: refused. */
    put("/etc/sysctl.d/50-a.conf", "net.ipv4.tcp_tw_recycle = 1\n");
    m = plan(&ps, &cs);
    CHECK(cs.n == 1);
    char *dir = sg_path_join(root, "/etc/sysctl.d");
    char *moved = sg_path_join(root, "/etc/elsewhere");
    CHECK(rename(dir, moved) == 0 && symlink("elsewhere", dir) == 0);
    CHECK(sg_fix_apply(m, &cs, false, &m->diags) == -ELOOP);
    now = get("/etc/elsewhere/50-a.conf");
    CHECK_STR(now, "net.ipv4.tcp_tw_recycle = 1\n");
    free(now);
    unlink(dir);
    CHECK(rename(moved, dir) == 0);
    free(dir);
    free(moved);
    sg_changes_free(&cs);
    sg_model_free(m);

    /* A set rewrites its line in place; --backup keeps the old text. */
    put("/etc/sysctl.d/50-a.conf", "net.ipv4.tcp_tw_reuse = 1 # note\n");
    m = plan(&ps, &cs);
    CHECK(cs.n == 1 && cs.v[0].before != NULL);
    CHECK(sg_fix_apply(m, &cs, true, &m->diags) == 0);
    now = get("/etc/sysctl.d/50-a.conf");
    CHECK_STR(now, "# note\nnet.ipv4.tcp_tw_reuse = 1\n");
    free(now);
    now = get("/etc/sysctl.d/50-a.conf.bak");
    CHECK_STR(now, "net.ipv4.tcp_tw_reuse = 1 # note\n");
    free(now);
    sg_changes_free(&cs);
    sg_model_free(m);

    /* One remedy: each change carries its operations, in line order, each
     * with the findings it fixes and where it landed, so that SARIF's
     * replacements and the effects are read from the plan, not planned
     * again. Two findings on one line share its operation. */
    put("/etc/sysctl.d/50-a.conf", "# a\r\nnet.ipv4.tcp_tw_recycle = 1\r\n"
                                   "net.ipv4.tcp_tw_reuse = 1 # note\r\n"
                                   "vm.swappiness = 10");
    m = plan(&ps, &cs);
    CHECK(cs.n == 1 && cs.v[0].n_ops >= 2 && !cs.v[0].modules);
    CHECK(cs.n == 1 && spans_rebuild(&cs.v[0]));
    CHECK(cs.n == 1 && cs.v[0].n_ops >= 2 && cs.v[0].ops[0].line == 2 &&
          cs.v[0].ops[1].line == 3 && cs.v[0].ops[0].span.at == 5 &&
          cs.v[0].ops[0].span.len == 29);
    sg_changes_free(&cs);
    sg_model_free(m);
    /* A new drop-in: every operation makes the whole file. */
    put("/etc/sysctl.d/50-a.conf", "# none\n");
    tree_mkdir(root, "/usr");
    tree_mkdir(root, "/usr/lib");
    tree_mkdir(root, "/usr/lib/sysctl.d");
    tree_put(root, "/usr/lib/sysctl.d/50-w.conf",
             "net.ipv4.tcp_tw_recycle = 1\n");
    kernel = "4.9.0"; /* the key is there, set 0 in a drop-in */
    m = plan(&ps, &cs);
    kernel = "6.1.0-13-amd64";
    for (size_t i = 0; i < cs.n; i++) {
        CHECK(spans_rebuild(&cs.v[i]));
        for (size_t j = 0; !cs.v[i].before && j < cs.v[i].n_ops; j++)
            CHECK(cs.v[i].ops[j].span.at == 0 &&
                  cs.v[i].ops[j].span.to_len == strlen(cs.v[i].after));
    }
    CHECK(cs.n == 1 && !cs.v[0].before && cs.v[0].n_ops == 1);
    sg_changes_free(&cs);
    sg_model_free(m);
    char *w = sg_path_join(root, "/usr/lib/sysctl.d/50-w.conf");
    CHECK(w && unlink(w) == 0);
    free(w);

    /* The drop-in's path is taken by something that was not read (here a
     * directory): nothing is written there. The set comes from an inline
     * comment in a package's file, which is never edited itself. */
    tree_mkdir(root, "/usr");
    tree_mkdir(root, "/usr/lib");
    tree_mkdir(root, "/usr/lib/sysctl.d");
    tree_put(root, "/usr/lib/sysctl.d/50-v.conf",
             "net.core.somaxconn = 8192 # vendor\n");
    tree_mkdir(root, SG_DROPIN);
    m = plan(&ps, &cs);
    /* (The directory is an error of its own when the tree is read.) */
    CHECK(cs.n == 0 && sg_diag_count(&m->diags, SG_SEV_ERROR) == 2);
    for (size_t i = 0; i < m->diags.n; i++)
        if (m->diags.v[i].severity == SG_SEV_ERROR)
            CHECK_STR(m->diags.v[i].file, SG_DROPIN);
    sg_changes_free(&cs);
    sg_model_free(m);

    /* What planned ops do to each key's effective value (Salt's and the
     * module's changes): replayed over the key's assignments in order. */
    put("/etc/sysctl.d/10-a.conf", "kernel.pid_max = 100\nvm.swappiness = 10\n"
                                   "fs.file-max = 5\n");
    put("/etc/sysctl.d/20-b.conf", "kernel.pid_max = 200\nvm.swappiness = 20\n"
                                   "fs.file-max = 6\n");
    {
        struct sg_findings fs = {0};
        struct sg_effects fx;
        m = evaluate(&ps, &fs);
        struct sg_fix_op v[] = {
            {.op = SG_LINE_REMOVE,
             .file = "/etc/sysctl.d/20-b.conf",
             .line = 1,
             .key = "kernel.pid_max"},
            {.op = SG_LINE_SET,
             .file = "/etc/sysctl.d/20-b.conf",
             .line = 2,
             .key = "vm.swappiness",
             .value = "30"},
            {.op = SG_LINE_COMMENT,
             .file = "/etc/sysctl.d/10-a.conf",
             .line = 3,
             .key = "fs.file-max"},
            {.op = SG_LINE_REMOVE,
             .file = "/etc/sysctl.d/20-b.conf",
             .line = 3,
             .key = "fs.file-max"},
            {.op = SG_LINE_APPEND,
             .file = SG_DROPIN,
             .key = "net.ipv4.tcp_fin_timeout",
             .value = "30"},
        };
        struct sg_fix_ops ops = {.v = v, .n = sizeof(v) / sizeof(*v)};
        CHECK(sg_fix_effects(m, &ops, &fx) == 0 && fx.n == 4);
        /* key order: fs, kernel, net, vm */
        CHECK_STR(fx.v[0].key, "fs.file-max");
        CHECK_STR(fx.v[0].old_value, "6");
        CHECK(fx.v[0].new_value == NULL);
        CHECK_STR(fx.v[1].key, "kernel.pid_max");
        CHECK_STR(fx.v[1].old_value, "200");
        CHECK_STR(fx.v[1].new_value, "100");
        CHECK_STR(fx.v[2].key, "net.ipv4.tcp_fin_timeout");
        CHECK(fx.v[2].old_value == NULL);
        CHECK_STR(fx.v[2].new_value, "30");
        CHECK_STR(fx.v[3].key, "vm.swappiness");
        CHECK_STR(fx.v[3].old_value, "20");
        CHECK_STR(fx.v[3].new_value, "30");
        sg_effects_free(&fx);
        sg_findings_free(&fs);
        sg_model_free(m);
    }

    sg_policies_free(&ps);
    sg_diags_free(&d);
    free(schema);
    tree_remove(root);
    return check_done("fix");
}
