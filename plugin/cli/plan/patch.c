/*
 * patch.c - `plan --emit patch`: the plan as a patch for a repository that
 * holds the root's files (a configuration checkout, an image's source
 * tree): `git apply` in that checkout, or `patch -p1`, makes the changes
 * `fix` would. It reloads nothing: a checkout is no running host.
 *
 * The text before the first diff, which both tools skip, says what the
 * plan was computed from: the kernel, the root, each file's sha256 then
 * and after, the findings each change fixes, the files only read. One
 * "diff --git" section per file written, in path order: a new file with
 * "new file mode 100644" and /dev/null as its old side. A name holding a
 * byte git would quote (a control character, '"', '\') is written quoted
 * as git writes it, which git apply and GNU patch both read. git apply
 * takes no fuzz: a file whose lines around a change differ from the ones
 * here is refused, and then nothing of the patch is applied.
 */
#include "plan.h"
#include "../../remedy/diff.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Whether git quotes NAME (quote.c sq_must_quote without core.quotePath:
 * control characters, DEL, '"' and '\'). */
static bool must_quote(const char *name)
{
    for (const unsigned char *p = (const unsigned char *)name; *p; p++)
        if (*p < 0x20 || *p == 0x7f || *p == '"' || *p == '\\')
            return true;
    return false;
}

/* PREFIX then PATH (which starts with "/", dropped: "a/etc/x"), quoted as
 * git quotes a name when it must be. */
static void name(FILE *out, const char *prefix, const char *path)
{
    const char *rel = path[0] == '/' ? path + 1 : path;
    if (!must_quote(rel)) {
        fprintf(out, "%s/%s", prefix, rel);
        return;
    }
    fprintf(out, "\"%s/", prefix);
    for (const unsigned char *p = (const unsigned char *)rel; *p; p++) {
        const char *esc = *p == '"'    ? "\\\""
                          : *p == '\\' ? "\\\\"
                          : *p == '\t' ? "\\t"
                          : *p == '\n' ? "\\n"
                          : *p == '\r' ? "\\r"
                                       : NULL;
        if (esc)
            fputs(esc, out);
        else if (*p < 0x20 || *p == 0x7f)
            fprintf(out, "\\%03o", *p);
        else
            fputc(*p, out);
    }
    fputc('"', out);
}

static void header(FILE *out, const struct sg_plan *p)
{
    fprintf(out, "# sysctl-guard %s plan: %zu file%s to change for kernel ",
            SG_VERSION, p->nw, p->nw == 1 ? "" : "s");
    sg_plan_comment(out, p->m->kernel.release, false);
    fprintf(out, ".\n# Computed from the root ");
    sg_plan_comment(out, p->m->root, false);
    fprintf(out,
            " (--semantics %s). Apply it in a checkout\n"
            "# of that root: `git apply FILE` (or `patch -p1 < FILE`). It "
            "reloads nothing.\n"
            "# git apply refuses a file whose lines around a change differ, "
            "and then\n# applies nothing. The files as the plan read them "
            "(sha256) and as it\n# leaves them:\n",
            sg_semantics_name(p->m->semantics));
    if (!p->nw)
        fprintf(out, "# Nothing to change: `git apply --allow-empty` takes "
                     "this patch as it is.\n");
    for (size_t i = 0; i < p->n; i++) {
        const struct sg_plan_file *f = &p->fs[i];
        fprintf(out, "#   ");
        sg_plan_comment(out, f->path, false);
        if (!f->c) {
            fprintf(out, " (read, not changed)\n#     sha256 %s\n", f->before);
            continue;
        }
        fprintf(out, "\n#     before %s\n#     after  %s\n", f->before,
                f->after);
        for (size_t j = 0; j < f->c->n_fixes; j++) {
            fprintf(out, "#     fixes ");
            sg_plan_comment(out, f->c->fixes[j], false);
            fprintf(out, "\n");
        }
    }
}

int sg_plan_emit_patch(FILE *out, const struct sg_plan *p)
{
    header(out, p);
    for (size_t i = 0; i < p->nw; i++) {
        const struct sg_change *c = p->fs[i].c;
        char *d = sg_diff_unified(c->path, c->before, c->after);
        if (!d)
            return -ENOMEM;
        /* The hunks: what follows diff.c's two header lines ("--- a" or
         * "--- /dev/null", "+++ b", each with the path as it is), whose
         * names are written here as git writes them. */
        size_t head = strlen(c->before ? "--- a" : "--- /dev/null") +
                      (c->before ? strlen(c->path) : 0) + strlen("\n+++ b") +
                      strlen(c->path) + 1;
        if (strlen(d) <= head) {
            free(d);
            continue; /* the texts are the same */
        }
        const char *h = d + head - 1;
        fprintf(out, "diff --git ");
        name(out, "a", c->path);
        fputc(' ', out);
        name(out, "b", c->path);
        fprintf(out, "\n%s--- ", c->before ? "" : "new file mode 100644\n");
        if (c->before)
            name(out, "a", c->path);
        else
            fputs("/dev/null", out);
        fprintf(out, "\n+++ ");
        name(out, "b", c->path);
        fprintf(out, "\n%s", h + 1);
        free(d);
    }
    return 0;
}
