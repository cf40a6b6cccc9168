/*
 * text.c - the text views, for people: a check's findings with their
 * why, fix and references, and a summary line; a fix's diff (preview) or
 * the findings it fixed, with what is left on the error stream. Every
 * name and value is printed through sg_vis (a control character in a file
 * name never reaches the terminal).
 */
#include "views.h"
#include "../core/base/util.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

static const char *sev_color(enum sg_severity s)
{
    return s == SG_SEV_ERROR     ? "\033[1;31m"
           : s == SG_SEV_WARNING ? "\033[1;33m"
                                 : "\033[1;36m";
}

int sg_view_text_check(FILE *out, const struct sg_result *res,
                       const struct sg_view_opts *vo)
{
    const struct sg_report *r = &res->report;
    bool c = vo->color;
    int width = vo->width > 0 ? vo->width : 80;

    for (size_t i = 0; i < r->findings.n; i++) {
        const struct sg_finding *f = &r->findings.v[i];
        if (f->suppressed)
            continue; /* counted in the summary, shown in JSON and SARIF */
        /* "file:line: severity: title [rule]", the title wrapped (the
         * lines after the first indented by 2, the message's by 4). */
        char at[32] = "";
        int col = 0;
        if (f->line)
            snprintf(at, sizeof(at), "%u:", f->line);
        if (f->file) {
            fprintf(out, "%s%s:%s%s ", sg_c(c, "\033[1m"), sg_vis(f->file), at,
                    sg_c(c, "\033[0m"));
            col = sg_columns(sg_vis(f->file)) + 1 + (int)strlen(at) + 1;
        }
        fprintf(out, "%s%s%s: ", sg_c(c, sev_color(f->severity)),
                sg_severity_name(f->severity), sg_c(c, "\033[0m"));
        col += (int)strlen(sg_severity_name(f->severity)) + 2;
        /* --quiet: a line a finding, whatever its length (for grep). */
        int w = vo->quiet ? INT_MAX / 2 : width;
        col = sg_wrap_on(out, col, 2, w, sg_vis(f->rule->title));
        if (col + 3 + (int)strlen(f->rule->id) > w)
            fputs("\n ", out);
        fprintf(out, " %s[%s]%s\n", sg_c(c, "\033[2m"), sg_vis(f->rule->id),
                sg_c(c, "\033[0m"));
        if (vo->quiet)
            continue;
        fputs("    ", out);
        sg_wrap(out, 4, 4, width, sg_vis(f->message));
        if (f->fix != SG_FIX_NONE) {
            /* "fix: what", wrapped under what. */
            struct sg_buf b = {0};
            const char *where =
                f->fix_file ? sg_vis(f->fix_file) : "every file that sets it";
            /* A package's line: a copy of its file, without the line,
             * masks it (fix.c). */
            bool mask = (f->fix == SG_FIX_REMOVE || f->fix == SG_FIX_COMMENT) &&
                        f->file && f->fix_file && strcmp(f->file, f->fix_file);
            if (mask)
                sg_buf_printf(&b, "%s this line in a copy of %s at %s, which "
                                  "masks the package's file (its package's "
                                  "later updates of it no longer apply)",
                              f->fix == SG_FIX_REMOVE ? "remove"
                                                      : "comment out",
                              sg_vis(f->file), sg_vis(f->fix_file));
            else switch (f->fix) {
            case SG_FIX_REMOVE:
                sg_buf_printf(&b, "remove %s", sg_vis(f->fix_key));
                sg_buf_printf(&b, " from %s", where);
                break;
            case SG_FIX_COMMENT:
                sg_buf_printf(&b, "comment out %s", sg_vis(f->fix_key));
                sg_buf_printf(&b, " in %s", where);
                break;
            case SG_FIX_SET:
                sg_buf_printf(&b, "set %s", sg_vis(f->fix_key));
                sg_buf_printf(&b, " = %s",
                              sg_vis(f->fix_value ? f->fix_value : ""));
                sg_buf_printf(&b, " in %s", sg_vis(f->fix_file));
                break;
            case SG_FIX_LOAD_MODULE:
                sg_buf_printf(&b, "load %s at boot",
                              sg_vis(f->fix_value ? f->fix_value : ""));
                sg_buf_printf(&b, ": add it to %s", sg_vis(f->fix_file));
                break;
            case SG_FIX_NONE:
                break;
            }
            fprintf(out, "    %sfix:%s ", sg_c(c, "\033[32m"),
                    sg_c(c, "\033[0m"));
            sg_wrap(out, 9, 9, width, b.v ? b.v : "");
            free(b.v);
        }
        for (size_t j = 0; j < f->rule->n_refs; j++)
            fprintf(out, "    see: %s\n", f->rule->refs[j].href);
    }
    size_t shown = 0; /* diagnostics no rule made a finding of */
    for (size_t i = 0; i < r->diags.n; i++)
        if (sg_diag_shown(r, &r->diags.v[i])) {
            sg_print_diag(vo->err, &r->diags.v[i], c);
            shown++;
        }
    size_t e = sg_findings_count(&r->findings, SG_SEV_ERROR),
           w = sg_findings_count(&r->findings, SG_SEV_WARNING),
           n = sg_findings_count(&r->findings, SG_SEV_INFO);
    /* The summary counts everything printed: findings, then diagnostics,
     * and says how many were suppressed (not printed). */
    size_t sup = sg_findings_suppressed(&r->findings), shown_f = e + w + n;
    char diags[96] = "";
    int dl = 0;
    if (shown)
        dl = snprintf(diags, sizeof(diags), "%s%zu diagnostic%s",
                      shown_f ? ", " : "", shown, shown == 1 ? "" : "s");
    if (sup && dl >= 0 && (size_t)dl < sizeof(diags))
        snprintf(diags + dl, sizeof(diags) - (size_t)dl, "%s%zu suppressed",
                 shown_f || shown ? ", " : "", sup);
    if (vo->quiet && shown_f == 0 && shown == 0)
        return 0; /* nothing to say */
    struct sg_buf sum = {0};
    if (shown_f == 0)
        sg_buf_printf(&sum, "sysctl-guard: %s%s (kernel %s, %zu file%s)",
                      diags[0] ? "no findings; " : "no findings", diags,
                      sg_vis(r->kernel), r->n_files,
                      r->n_files == 1 ? "" : "s");
    else
        sg_buf_printf(&sum,
                      "sysctl-guard: %zu error%s, %zu warning%s, %zu info%s "
                      "(kernel %s, %zu file%s)",
                      e, e == 1 ? "" : "s", w, w == 1 ? "" : "s", n, diags,
                      sg_vis(r->kernel), r->n_files,
                      r->n_files == 1 ? "" : "s");
    sg_wrap(out, 0, 2, width, sum.v ? sum.v : "sysctl-guard: out of memory");
    free(sum.v);
    return 0;
}

static void print_diags(FILE *err, const struct sg_diags *d, bool color)
{
    for (size_t i = 0; i < d->n; i++)
        if (d->v[i].severity > SG_SEV_INFO)
            sg_print_diag(err, &d->v[i], color);
}

/* For people: the diff of a preview, or what was fixed; on opts->err the
 * problems and what is left. */
int sg_view_text_fix(FILE *out, const struct sg_result *s,
                     const struct sg_view_opts *vo)
{
    if (sg_diag_count(&s->report.diags, SG_SEV_ERROR) > 0)
        print_diags(vo->err, &s->report.diags, vo->color);
    print_diags(vo->err, &s->fix_diags, vo->color);
    if (sg_fix_blocked(s)) {
        struct sg_buf b = {0};
        sg_fix_headline(&b, s);
        fprintf(vo->err, "%s fix: %s\n", vo->prog, b.v ? sg_vis(b.v) : "");
        free(b.v);
    }
    sg_print_changes(out, s, vo->color);
    /* What is left, and why (a package's file, ...); then what no fix-up
     * changes, which needs a person. */
    struct sg_buf line = {0};
    for (size_t i = 0; sg_left_next(s, &i, &line);)
        fprintf(vo->err, "%s\n", sg_vis(line.v));
    free(line.v);
    const struct sg_findings *fs = &s->unfixed;
    size_t person = fs->n;
    for (size_t i = 0; i < fs->n; i++) {
        const struct sg_finding *f = &fs->v[i];
        fprintf(vo->err, "%s", sg_vis(f->file ? f->file : "-"));
        if (f->line)
            fprintf(vo->err, ":%u", f->line);
        /* The message, not the title: it says what to do ("did you
         * mean ..."). */
        fprintf(vo->err, ": %s: left: %s [%s]: no fix-up; needs a person "
                         "(sysctl-guard explain %s)\n",
                sg_severity_name(f->severity),
                sg_vis(f->message ? f->message : f->rule->title),
                sg_vis(f->rule->id), sg_vis(f->rule->id));
    }
    if (s->left.n || person)
        fprintf(vo->err, "%s fix: %s %zu finding%s a fix could change, %zu "
                         "that need%s a person\n",
                vo->prog, s->mode == SG_RUN_PREVIEW ? "would leave" : "left",
                s->left.n, s->left.n == 1 ? "" : "s", person,
                person == 1 ? "s" : "");
    return 0;
}

/* ---- list-rules: one rule a line, in columns ---- */

int sg_view_text_rules(FILE *out, const struct sg_policies *ps,
                       const struct sg_view_opts *vo)
{
    size_t wid = 4, wpack = 4;
    char pack[128];
    (void)vo;
    for (size_t i = 0; i < ps->n_rules; i++) {
        size_t n = strlen(ps->rules[i].id);
        size_t p = strlen(sg_rule_pack(&ps->rules[i], pack, sizeof(pack)));
        wid = n > wid ? n : wid;
        wpack = p > wpack ? p : wpack;
    }
    fprintf(out, "%-*s  %-8s  %-*s  %s\n", (int)wid, "RULE", "SEVERITY",
            (int)wpack, "PACK", "TITLE");
    for (size_t i = 0; i < ps->n_rules; i++) {
        const struct sg_rule *r = &ps->rules[i];
        fprintf(out, "%-*s  %-8s  %-*s  %s\n", (int)wid, sg_vis(r->id),
                sg_severity_name(r->severity), (int)wpack,
                sg_vis(sg_rule_pack(r, pack, sizeof(pack))), sg_vis(r->title));
    }
    return 0;
}
