/*
 * gcc.c - the gcc view: "file:line:col: severity: message [rule]" per
 * finding and per diagnostic, the form editors and CI annotate.
 */
#include "views.h"
#include "../core/util.h"

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
        fprintf(out, "%s:%u:1: %s: %s [%s]\n",
                d->file ? sg_vis(d->file) : "sysctl-guard",
                d->line ? d->line : 1, sg_severity_name(d->severity),
                sg_vis(d->message), d->code);
    }
    for (size_t i = 0; i < r->findings.n; i++) {
        const struct sg_finding *f = &r->findings.v[i];
        if (f->suppressed)
            continue;
        /* gcc's "info" is "note". */
        const char *sev =
            f->severity == SG_SEV_INFO ? "note" : sg_severity_name(f->severity);
        if (f->file)
            fprintf(out, "%s:%u:1: %s: %s [%s]\n", sg_vis(f->file),
                    f->line ? f->line : 1, sev, sg_vis(f->message),
                    f->rule->id);
        else
            fprintf(out, "sysctl-guard: %s: %s [%s]\n", sev, sg_vis(f->message),
                    f->rule->id);
    }
    return 0;
}
