/*
 * gcc.c - the gcc view: "path:line:col: severity: title [rule]" per
 * finding and per diagnostic, the form editors and CI annotate. A line
 * never starts with "::" (after blanks), which the GitHub Actions runner
 * reads as a workflow command (pre-commit's output lands in its log): a
 * file name that begins with ":" or a blank is printed as "./NAME".
 */
#include "views.h"
#include "../core/base/util.h"

#include <stdlib.h>
#include <string.h>

/* "./" when the file name P, at the start of a line, could make the line
 * a workflow command: the runner trims leading white space (.NET's, which
 * has Unicode's spaces) and then looks for "::". */
static const char *gcc_prefix(const char *p)
{
    static const char *const spaces[] = {
        "\xc2\xa0",     "\xe1\x9a\x80", "\xe2\x80\x80", "\xe2\x80\x81",
        "\xe2\x80\x82", "\xe2\x80\x83", "\xe2\x80\x84", "\xe2\x80\x85",
        "\xe2\x80\x86", "\xe2\x80\x87", "\xe2\x80\x88", "\xe2\x80\x89",
        "\xe2\x80\x8a", "\xe2\x80\xa8", "\xe2\x80\xa9", "\xe2\x80\xaf",
        "\xe2\x81\x9f", "\xe3\x80\x80"};

    if (*p == ':' || *p == ' ' || *p == '\t')
        return "./";
    for (size_t i = 0; i < sizeof(spaces) / sizeof(*spaces); i++)
        if (strncmp(p, spaces[i], strlen(spaces[i])) == 0)
            return "./";
    return "";
}

/* ---- gcc: path:line:col: severity: title [rule] ---- */

int sg_view_gcc_check(FILE *out, const struct sg_result *res,
                      const struct sg_view_opts *vo)
{
    const struct sg_report *r = &res->report;
    (void)vo;
    for (size_t i = 0; i < r->diags.n; i++) {
        const struct sg_diag *d = &r->diags.v[i];
        if (!sg_diag_shown(r, d))
            continue;
        char *path = d->file ? sg_repo_path(r, d->file) : NULL;
        fprintf(out, "%s%s:%u:1: %s: %s [%s]\n", path ? gcc_prefix(path) : "",
                path ? sg_vis(path) : "sysctl-guard", d->line ? d->line : 1,
                sg_severity_name(d->severity), sg_vis(d->message), d->code);
        free(path);
    }
    struct sg_message whole = {0}; /* a message kept as parts, put together */
    for (size_t i = 0; i < r->findings.n; i++) {
        const struct sg_finding *f = &r->findings.v[i];
        if (f->suppressed)
            continue;
        /* gcc's "info" is "note". */
        const char *sev =
            f->severity == SG_SEV_INFO ? "note" : sg_severity_name(f->severity);
        /* one short sentence, as gcc and shellcheck print: the rule's
         * title, and the finding's own "did you mean" */
        struct sg_buf msg = {0};
        sg_buf_printf(&msg, "%s", f->rule->title);
        size_t n;
        const char *dym =
            sg_message_suggestion(sg_finding_message(f, &whole), &n);
        if (dym) /* "; did you mean X?" */
            sg_buf_printf(&msg, "; d%.*s", (int)n - 1, dym + 1);
        const char *text = msg.v ? msg.v : f->rule->title;
        /* the path from where the command ran: under --root as given */
        char *path = f->file ? sg_repo_path(r, f->file) : NULL;
        if (path)
            fprintf(out, "%s%s:%u:1: %s: %s [%s]\n", gcc_prefix(path),
                    sg_vis(path), f->line ? f->line : 1, sev, sg_vis(text),
                    f->rule->id);
        else
            fprintf(out, "sysctl-guard: %s: %s [%s]\n", sev, sg_vis(text),
                    f->rule->id);
        free(path);
        free(msg.v);
    }
    sg_message_free(&whole);
    return 0;
}
