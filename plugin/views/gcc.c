/*
 * gcc.c - the gcc view: "file:line:col: severity: message [rule]" per
 * finding and per diagnostic, the form editors and CI annotate. A line
 * never starts with "::" (after blanks), which the GitHub Actions runner
 * reads as a workflow command (pre-commit's output lands in its log): a
 * file name that begins with ":" or a blank is printed as "./NAME".
 */
#include "views.h"
#include "../core/base/util.h"

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

/* ---- gcc: file:line:col: severity: message [rule] ---- */

int sg_view_gcc_check(FILE *out, const struct sg_result *res,
                      const struct sg_view_opts *vo)
{
    const struct sg_report *r = &res->report;
    (void)vo;
    for (size_t i = 0; i < r->diags.n; i++) {
        const struct sg_diag *d = &r->diags.v[i];
        if (!sg_diag_shown(r, d))
            continue;
        fprintf(
            out, "%s%s:%u:1: %s: %s [%s]\n", d->file ? gcc_prefix(d->file) : "",
            d->file ? sg_vis(d->file) : "sysctl-guard", d->line ? d->line : 1,
            sg_severity_name(d->severity), sg_vis(d->message), d->code);
    }
    for (size_t i = 0; i < r->findings.n; i++) {
        const struct sg_finding *f = &r->findings.v[i];
        if (f->suppressed)
            continue;
        /* gcc's "info" is "note". */
        const char *sev =
            f->severity == SG_SEV_INFO ? "note" : sg_severity_name(f->severity);
        if (f->file)
            fprintf(out, "%s%s:%u:1: %s: %s [%s]\n", gcc_prefix(f->file),
                    sg_vis(f->file), f->line ? f->line : 1, sev,
                    sg_vis(f->message), f->rule->id);
        else
            fprintf(out, "sysctl-guard: %s: %s [%s]\n", sev, sg_vis(f->message),
                    f->rule->id);
    }
    return 0;
}
