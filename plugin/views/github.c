/*
 * github.c - the GitHub Actions view: one workflow command per finding and
 * per diagnostic, "::error file=F,line=N,title=T::message", which the
 * runner turns into an annotation on the file and line of a pull request
 * (no SARIF upload, so also for private repositories without code
 * scanning). Severities: error is "error", warning "warning", info
 * "notice". Escaped as the runner reads them (actions/toolkit
 * command.ts): in the message "%", CR and LF become %25, %0D, %0A; in a
 * property also ":" and "," (%3A, %2C). One line per annotation, linear
 * in the findings.
 */
#include "views.h"
#include "../core/base/util.h"

#include <stdlib.h>
#include <string.h>

/* S escaped as a workflow command's message (PROPERTY: as a property). */
static void put_escaped(FILE *out, const char *s, bool property)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '%' || c == '\r' || c == '\n' ||
            (property && (c == ':' || c == ',')))
            fprintf(out, "%%%02X", c);
        else
            fputc(c, out);
    }
}

static const char *level(enum sg_severity s)
{
    return s == SG_SEV_ERROR     ? "error"
           : s == SG_SEV_WARNING ? "warning"
                                 : "notice";
}

static void annotate(FILE *out, enum sg_severity sev, const char *file,
                     unsigned line, const char *title, const char *message)
{
    fprintf(out, "::%s ", level(sev));
    if (file) {
        /* Paths as given: relative to the checkout for a relative --root
         * or FILE, which is what the runner matches against. */
        fputs("file=", out);
        put_escaped(out, file, true);
        if (line)
            fprintf(out, ",line=%u", line);
        fputc(',', out);
    }
    fputs("title=", out);
    put_escaped(out, title, true);
    fputs("::", out);
    put_escaped(out, message, false);
    fputc('\n', out);
}

int sg_view_github_check(FILE *out, const struct sg_result *res,
                         const struct sg_view_opts *vo)
{
    const struct sg_report *r = &res->report;
    (void)vo;
    for (size_t i = 0; i < r->diags.n; i++) {
        const struct sg_diag *d = &r->diags.v[i];
        if (!sg_diag_shown(r, d))
            continue;
        char *p = d->file ? sg_repo_path(r, d->file) : NULL;
        annotate(out, d->severity, p, d->line, d->code, d->message);
        free(p);
    }
    struct sg_message msg = {0};
    for (size_t i = 0; i < r->findings.n; i++) {
        const struct sg_finding *f = &r->findings.v[i];
        if (f->suppressed)
            continue;
        char *p = f->file ? sg_repo_path(r, f->file) : NULL;
        char *title = sg_strdup_printf("%s: %s", f->rule->id, f->rule->title);
        annotate(out, f->severity, p, f->line, title ? title : f->rule->id,
                 sg_finding_message(f, &msg));
        free(title);
        free(p);
    }
    sg_message_free(&msg);
    return 0;
}
