/* A tree large enough to be parsed on two cores gives exactly the model a
 * single process gives: files, assignments, settings and diagnostics in
 * the same order. Also: the hand-back format refuses truncated input. */
#include "check.h"
#include "model.h"
#include "tree.h"
#include "util.h"
#include "wire.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>

static char *root;

static void write_tree(void)
{
    char *d = sg_path_join(root, "/etc");
    mkdir(d, 0755);
    free(d);
    d = sg_path_join(root, "/etc/sysctl.d");
    mkdir(d, 0755);
    for (int i = 0; i < 60; i++) {
        char *p = sg_strdup_printf("%s/%02d-gen.conf", d, i);
        FILE *f = fopen(p, "w");
        for (int j = 0; f && j < 60; j++)
            fprintf(f, "# comment %d\nnet.core.k%d = %d\n", j, j % 17, i * j);
        if (f && i == 45) /* something to report, in the second half */
            fprintf(f, "kernel.sysrq\n# f\xfcr (Latin-1)\n");
        if (f)
            fclose(f);
        free(p);
    }
    char *nul = sg_strdup_printf("%s/50-nul.conf", d);
    FILE *f = fopen(nul, "w");
    if (f) {
        fputs("a = 1\n\0\n", f);
        fwrite("x\0y\n", 1, 4, f);
        fclose(f);
    }
    free(nul);
    free(d);
}

static struct sg_model *load(bool serial)
{
    const char *dir = getenv("SYSCTL_GUARD_LENSDIR");
    struct sg_model_opts o = {.root = root,
                              .lensdir = dir ? dir : "lenses",
                              .kernel = "6.1",
                              .serial = serial};
    struct sg_model *m = NULL;
    char *err = NULL;
    if (sg_model_load(&o, &m, &err) < 0) {
        fprintf(stderr, "load: %s\n", err ? err : "?");
        exit(1);
    }
    return m;
}

int main(void)
{
    root = tree_new("par");
    write_tree();
    struct sg_model *a = load(true), *b = load(false);

    CHECK(a->n_files == 61 && b->n_files == a->n_files);
    for (size_t i = 0; i < a->n_files && i < b->n_files; i++) {
        CHECK_STR(b->files[i]->path, a->files[i]->path);
        CHECK(b->files[i]->assignments.n == a->files[i]->assignments.n);
        CHECK(b->files[i]->readable == a->files[i]->readable);
        CHECK(b->files[i]->not_utf8 == a->files[i]->not_utf8);
    }
    for (size_t i = 0; i < b->n_files; i++)
        CHECK(b->files[i]->not_utf8 ==
              (strstr(b->files[i]->path, "45-gen") != NULL));
    CHECK(a->n_settings == 17 && b->n_settings == a->n_settings);
    for (size_t i = 0; i < a->n_settings && i < b->n_settings; i++) {
        CHECK_STR(b->settings[i].key, a->settings[i].key);
        CHECK_STR(b->settings[i].winner->value, a->settings[i].winner->value);
        CHECK_STR(b->settings[i].winner->file, a->settings[i].winner->file);
        CHECK(b->settings[i].winner->line == a->settings[i].winner->line);
        CHECK(b->settings[i].n_overridden == a->settings[i].n_overridden);
    }
    CHECK(a->diags.n == 2 && b->diags.n == a->diags.n);
    for (size_t i = 0; i < a->diags.n && i < b->diags.n; i++) {
        CHECK_STR(b->diags.v[i].message, a->diags.v[i].message);
        CHECK_STR(b->diags.v[i].file, a->diags.v[i].file);
        CHECK(b->diags.v[i].line == a->diags.v[i].line);
    }

    /* Every truncation of a valid encoding is refused, nothing appended. */
    char *buf = NULL;
    size_t len = 0;
    CHECK(sg_wire_encode(a->files, 3, &a->diags, 0, &buf, &len) == 0);
    struct sg_file **files = NULL;
    size_t nfiles = 0;
    struct sg_diags d = {0};
    int refused = 0;
    for (size_t cut = 0; cut < len; cut += 7)
        refused += sg_wire_decode(buf, cut, &files, &nfiles, &d) == -EBADMSG;
    CHECK(refused == (int)((len + 6) / 7) && nfiles == 0 && d.n == 0);
    CHECK(sg_wire_decode(buf, len, &files, &nfiles, &d) == 0);
    CHECK(nfiles == 3 && d.n == a->diags.n);
    if (nfiles == 3)
        CHECK_STR(files[2]->assignments.v[0].key,
                  a->files[2]->assignments.v[0].key);
    for (size_t i = 0; i < nfiles; i++)
        sg_file_free(files[i]);
    free(files);
    sg_diags_free(&d);
    free(buf);

    sg_model_free(a);
    sg_model_free(b);
    tree_remove(root);
    return check_done("parallel");
}
