/* The model through its API: fragment mode and effective values. The tree
 * semantics are covered table-driven in tests/cases/. */
#include "check.h"
#include "model.h"
#include "tree.h"

#include <errno.h>
#include <string.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static const char *value_of(const struct sg_model *m, const char *key)
{
    const struct sg_assignment *a = sg_model_effective(m, key);
    return a ? a->value : "(unset)";
}

/* sg_model_derive: the tree as a fix would leave it, from texts. */
static void test_derive(const char *lensdir, enum sg_semantics sem)
{
    char *root = tree_new("derive");
    tree_mkdir(root, "etc");
    tree_mkdir(root, "etc/sysctl.d");
    tree_mkdir(root, "usr");
    tree_mkdir(root, "usr/lib");
    tree_mkdir(root, "usr/lib/sysctl.d");
    tree_put(root, "usr/lib/sysctl.d/50-vendor.conf",
             "net.core.somaxconn = 256\nvm.swappiness = 10\n");
    tree_put(root, "usr/lib/sysctl.d/99-zz-late.conf", "kernel.x = 1\n");
    tree_put(root, "etc/sysctl.d/60-op.conf",
             "# keep me\nnet.core.somaxconn = 1024\n");
    tree_put(root, "etc/sysctl.conf", "vm.swappiness = 30\n");
    struct sg_model_opts o = {
        .root = root, .lensdir = lensdir, .kernel = "6.1", .semantics = sem};
    struct sg_model *m = NULL, *d = NULL;
    struct sg_parser *p = NULL;
    char *err = NULL;
    CHECK(sg_model_load(&o, &m, &err) == 0 && m);
    CHECK(sg_parser_new(lensdir, &p, &err) == 0 && p);
    if (!m || !p)
        exit(1);
    CHECK_STR(value_of(m, "net.core.somaxconn"), "1024");

    /* The operator's line removed: the vendor's 256 is what is left. A new
     * drop-in sorts among the others by name (before 99-zz-late, which it
     * hides when the name is the same), and before procps' sysctl.conf. */
    const char *paths[] = {"/etc/sysctl.d/60-op.conf",
                           "/etc/sysctl.d/70-new.conf",
                           "/etc/sysctl.d/99-zz-late.conf"};
    const char *texts[] = {"# keep me\n", "vm.swappiness = 5\nkernel.y = 2\n",
                           "kernel.x = 3\n"};
    CHECK(sg_model_derive(m, p, paths, texts, 3, &d) == 0 && d);
    if (d) {
        CHECK_STR(value_of(d, "net.core.somaxconn"), "256");
        CHECK_STR(value_of(d, "kernel.y"), "2");
        CHECK_STR(value_of(d, "kernel.x"), "3");
        /* systemd: sysctl.conf is not read (no link), so 70-new wins;
         * procps: sysctl.conf still comes last. */
        CHECK_STR(value_of(d, "vm.swappiness"),
                  sem == SG_SEM_PROCPS ? "30" : "5");
        CHECK(d->n_applied == m->n_applied + 1);
        const struct sg_setting *s = sg_model_get(d, "net.core.somaxconn");
        CHECK(s && s->n_overridden == 0 &&
              strcmp(s->winner->file, "/usr/lib/sysctl.d/50-vendor.conf") == 0);
        /* M itself is untouched. */
        CHECK_STR(value_of(m, "net.core.somaxconn"), "1024");
        CHECK_STR(value_of(m, "kernel.x"), "1");
        sg_model_free(d);
    }
    /* A text the lens cannot read: -EINVAL, and the model says why. */
    const char *bad[] = {"a = \003\n"};
    d = NULL;
    CHECK(sg_model_derive(m, p, paths, bad, 1, &d) == -EINVAL && d &&
          sg_diag_count(&d->diags, SG_SEV_ERROR) > 0);
    sg_model_free(d);
    sg_parser_free(p);
    sg_model_free(m);
    tree_remove(root);
}

/* One key set N times: the last line wins and every other is overridden
 * once, in order, also under procps, which applies sysctl.conf twice
 * (through 99-sysctl.conf, then last): no line overrides itself and none
 * is listed twice. */
static void test_many(const char *lensdir, enum sg_semantics sem)
{
    enum { N = 3000 };
    char *root = tree_new("many");
    struct sg_buf b = {0};
    tree_mkdir(root, "etc");
    tree_mkdir(root, "etc/sysctl.d");
    for (unsigned i = 1; i <= N; i++)
        sg_buf_printf(&b, "%snet.core.somaxconn = %u\n",
                      i % 3 == 0 ? "# a comment\n" : "", i);
    tree_put(root, "etc/sysctl.conf", b.v);
    tree_link(root, "../sysctl.conf", "etc/sysctl.d/99-sysctl.conf");
    tree_put(root, "etc/sysctl.d/10-early.conf", "net.core.somaxconn = 1\n");
    free(b.v);
    struct sg_model_opts o = {
        .root = root, .lensdir = lensdir, .kernel = "6.1", .semantics = sem};
    struct sg_model *m = NULL;
    char *err = NULL;
    CHECK(sg_model_load(&o, &m, &err) == 0 && m);
    const struct sg_setting *s =
        m ? sg_model_get(m, "net.core.somaxconn") : NULL;
    CHECK(s && strcmp(s->winner->value, "3000") == 0 &&
          strcmp(s->winner->file, "/etc/sysctl.conf") == 0);
    CHECK(s && s->n_overridden == N);
    size_t bad = 0;
    for (size_t i = 0; s && i < s->n_overridden; i++) {
        const struct sg_assignment *a = s->overridden[i];
        char want[24]; /* line I of sysctl.conf sets I; first, 10-early's */
        snprintf(want, sizeof(want), "%zu", i ? i : 1);
        bad += strcmp(a->file, i ? "/etc/sysctl.conf"
                                 : "/etc/sysctl.d/10-early.conf") != 0 ||
               strcmp(a->value, want) != 0;
    }
    CHECK(bad == 0);
    sg_model_free(m);
    tree_remove(root);
}

/* sg_model_file_text gives the text only while the file still holds what
 * the model was read from: one byte changed anywhere (the length kept)
 * and it says no. Fixes rely on it (fix.c) to never edit lines of a text
 * they did not see. */
static void test_still_holds(const char *lensdir)
{
    char *root = tree_new("holds");
    static const char text[] = "# a comment line of some length\n"
                               "net.core.somaxconn = 1024\n"
                               "vm.swappiness = 10\n";
    tree_mkdir(root, "etc");
    tree_mkdir(root, "etc/sysctl.d");
    tree_put(root, "etc/sysctl.d/60-op.conf", text);
    struct sg_model_opts o = {
        .root = root, .lensdir = lensdir, .kernel = "6.1"};
    struct sg_model *m = NULL;
    char *err = NULL;
    CHECK(sg_model_load(&o, &m, &err) == 0 && m);
    if (!m)
        exit(1);
    const char *path = "/etc/sysctl.d/60-op.conf";
    char *now = sg_model_file_text(m, path);
    CHECK(now && strcmp(now, text) == 0);
    free(now);
    size_t n = sizeof(text) - 1, missed = 0;
    for (size_t i = 0; i < n; i++) {
        char changed[sizeof(text)];
        memcpy(changed, text, sizeof(text));
        changed[i] = changed[i] == 'x' ? 'y' : 'x';
        tree_put(root, "etc/sysctl.d/60-op.conf", changed);
        now = sg_model_file_text(m, path);
        missed += now != NULL;
        free(now);
    }
    CHECK(missed == 0);
    tree_put(root, "etc/sysctl.d/60-op.conf", text);
    now = sg_model_file_text(m, path);
    CHECK(now && strcmp(now, text) == 0);
    free(now);
    sg_model_free(m);
    tree_remove(root);
}

int main(void)
{
    char path[] = "/tmp/sg-frag-XXXXXX";
    int fd = mkstemp(path);
    const char *text = "net.ipv4.tcp_tw_recycle = 1\n"
                       "net.ipv4.conf.*.rp_filter = 2\n"
                       "-net.ipv4.conf.lo.rp_filter\n"
                       "net.ipv4.tcp_tw_recycle = 0\n";
    if (fd < 0 || write(fd, text, strlen(text)) < 0)
        return 1;
    close(fd);

    const char *dir = getenv("SYSCTL_GUARD_LENSDIR");
    struct sg_model_opts o = {.fragment = path,
                              .lensdir = dir ? dir : "lenses",
                              .kernel = "5.15.0-91-generic"};
    struct sg_model *m = NULL;
    char *err = NULL;
    CHECK(sg_model_load(&o, &m, &err) == 0);
    if (!m) {
        fprintf(stderr, "load: %s\n", err ? err : "?");
        return 1;
    }
    CHECK(m->fragment && m->n_applied == 1);
    CHECK_STR(m->applied[0].file->path, path);
    CHECK(m->kernel.major == 5 && m->kernel.minor == 15);

    const struct sg_setting *s = sg_model_get(m, "net.ipv4.tcp_tw_recycle");
    CHECK(s && s->winner->line == 4 && s->n_overridden == 1);
    if (s && s->n_overridden == 1)
        CHECK(s->overridden[0]->line == 1);

    const struct sg_assignment *a =
        sg_model_effective(m, "net.ipv4.conf.eth0.rp_filter");
    CHECK(a && a->line == 2);
    CHECK(sg_model_effective(m, "net.ipv4.conf.lo.rp_filter") == NULL);
    CHECK(sg_model_effective(m, "net.core.somaxconn") == NULL);
    sg_model_free(m);

    /* A kernel string that does not parse stops the load with a reason. */
    o.kernel = "not-a-kernel";
    CHECK(sg_model_load(&o, &m, &err) < 0 && m == NULL && err != NULL);
    free(err);
    err = NULL;

    /* A fragment that does not exist is a diagnostic, not a failure. */
    o.kernel = "6.1";
    o.fragment = "/nonexistent/x.conf";
    CHECK(sg_model_load(&o, &m, &err) == 0);
    if (m) {
        CHECK(m->n_applied == 0 && m->diags.n == 1);
        CHECK(m->diags.n == 1 && m->diags.v[0].severity == SG_SEV_ERROR);
        sg_model_free(m);
    }
    unlink(path);
    test_derive(dir ? dir : "lenses", SG_SEM_SYSTEMD);
    test_derive(dir ? dir : "lenses", SG_SEM_PROCPS);
    test_many(dir ? dir : "lenses", SG_SEM_SYSTEMD);
    test_many(dir ? dir : "lenses", SG_SEM_PROCPS);
    test_still_holds(dir ? dir : "lenses");
    return check_done("model");
}
