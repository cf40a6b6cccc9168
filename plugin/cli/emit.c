/*
 * emit.c - see emit.h.
 */
#include "emit.h"
#include "session.h"
#include "../core/diff.h"
#include "../core/util.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

int sg_report_add_file(struct sg_report *r, const char *path)
{
    char **nf = realloc(r->files, (r->n_files + 1) * sizeof(*nf));
    if (!nf)
        return -1;
    r->files = nf;
    if (!(r->files[r->n_files] = strdup(path)))
        return -1;
    r->n_files++;
    return 0;
}

void sg_report_sort(struct sg_report *r)
{
    if (r->findings.n)
        qsort(r->findings.v, r->findings.n, sizeof(*r->findings.v),
              sg_finding_cmp);
}

void sg_report_free(struct sg_report *r)
{
    for (size_t i = 0; i < r->n_files; i++)
        free(r->files[i]);
    free(r->files);
    sg_findings_free(&r->findings);
    sg_diags_free(&r->diags);
    for (size_t i = 0; i < r->edits.n; i++) {
        free(r->edits.v[i].why);
        free(r->edits.v[i].file);
        free(r->edits.v[i].insert);
    }
    free(r->edits.v);
}

/* ---- JSON ---- */

cJSON *sg_json_finding(const struct sg_finding *f)
{
    cJSON *o = cJSON_CreateObject(), *refs = cJSON_CreateArray();

    cJSON_AddStringToObject(o, "rule", f->rule->id);
    cJSON_AddStringToObject(o, "severity", sg_severity_name(f->severity));
    cJSON_AddStringToObject(o, "title", f->rule->title);
    if (f->key)
        cJSON_AddStringToObject(o, "key", f->key);
    if (f->value)
        cJSON_AddStringToObject(o, "value", f->value);
    if (f->file)
        cJSON_AddStringToObject(o, "file", f->file);
    if (f->file && f->line)
        cJSON_AddNumberToObject(o, "line", f->line);
    cJSON_AddStringToObject(o, "message", f->message);
    for (size_t i = 0; i < f->rule->n_refs; i++)
        cJSON_AddItemToArray(refs, cJSON_CreateString(f->rule->refs[i].href));
    cJSON_AddItemToObject(o, "references", refs);
    if (f->fix != SG_FIX_NONE) {
        cJSON *fx = cJSON_CreateObject();
        cJSON_AddStringToObject(fx, "action", sg_fix_name(f->fix));
        cJSON_AddStringToObject(fx, "key", f->fix_key);
        if (f->fix_value)
            cJSON_AddStringToObject(fx, "value", f->fix_value);
        if (f->fix_file)
            cJSON_AddStringToObject(fx, "file", f->fix_file);
        cJSON_AddItemToObject(o, "fix", fx);
    }
    return o;
}

int sg_json_print(cJSON *o)
{
    char *raw = cJSON_Print(o);
    /* JSON is UTF-8; files may hold Latin-1 values and comments. */
    char *s = raw ? sg_utf8_repair(raw) : NULL;
    free(raw);
    cJSON_Delete(o);
    if (!s) {
        fputs("sysctl-guard: out of memory\n", stderr);
        return -1;
    }
    puts(s);
    free(s);
    return 0;
}

cJSON *sg_json_summary(const struct sg_findings *fs)
{
    cJSON *sum = cJSON_CreateObject();
    for (int s = SG_SEV_ERROR; s >= SG_SEV_INFO; s--)
        cJSON_AddNumberToObject(
            sum, sg_severity_name((enum sg_severity)s),
            (double)sg_findings_count(fs, (enum sg_severity)s));
    return sum;
}

cJSON *sg_json_effects(const struct sg_effects *fx)
{
    cJSON *o = cJSON_CreateObject();
    for (size_t i = 0; i < fx->n; i++) {
        const struct sg_effect *e = &fx->v[i];
        cJSON *kv = cJSON_CreateObject();
        cJSON_AddItemToObject(kv, "old",
                              e->old_value ? cJSON_CreateString(e->old_value)
                                           : cJSON_CreateNull());
        cJSON_AddItemToObject(kv, "new",
                              e->new_value ? cJSON_CreateString(e->new_value)
                                           : cJSON_CreateNull());
        cJSON_AddItemToObject(o, e->key, kv);
    }
    return o;
}

void sg_print_changes(const struct sg_cli *cli, const struct sg_session *s)
{
    for (size_t i = 0; i < s->changes.n; i++) {
        const struct sg_change *c = &s->changes.v[i];
        if (cli->dry_run) {
            /* A patch: the lines as they are (as diff(1) prints them), the
             * file name on one line. */
            char *d = sg_diff_unified(sg_vis(c->path), c->before, c->after);
            fputs(d ? d : "", stdout);
            free(d);
            continue;
        }
        for (size_t j = 0; c->written && j < c->n_fixes; j++)
            printf("fixed %s: %s\n", sg_vis(c->path), sg_vis(c->fixes[j]));
    }
}

bool sg_left_next(const struct sg_session *s, size_t *i, struct sg_buf *line)
{
    if (*i >= s->left.n)
        return false;
    const struct sg_finding *f = &s->left.v[(*i)++];
    const char *why = f->why_left;
    line->n = 0;
    sg_buf_printf(line, "%s:%u: left to fix: %s [%s]%s%s",
                  f->file ? f->file : "-", f->line, f->rule->title, f->rule->id,
                  why ? ": " : "", why ? why : "");
    return line->v != NULL;
}

void sg_left_lines(struct sg_buf *b, const struct sg_session *s,
                   const char *sep)
{
    struct sg_buf line = {0};
    for (size_t i = 0; sg_left_next(s, &i, &line);)
        sg_buf_printf(b, "%s%s", sep, line.v);
    free(line.v);
}

size_t sg_fix_blocked(const struct sg_session *s)
{
    size_t fixable = 0;
    if (s->changes.n || sg_diag_count(&s->report.diags, SG_SEV_ERROR) == 0)
        return 0;
    for (size_t i = 0; i < s->report.findings.n; i++)
        fixable += s->report.findings.v[i].fix != SG_FIX_NONE;
    return fixable;
}

void sg_error_lines(struct sg_buf *b, const struct sg_diags *d, const char *sep)
{
    for (size_t i = 0; i < d->n; i++) {
        if (d->v[i].severity != SG_SEV_ERROR)
            continue;
        sg_buf_printf(b, "%s%s", sep, d->v[i].file ? d->v[i].file : "-");
        if (d->v[i].line)
            sg_buf_printf(b, ":%u", d->v[i].line);
        sg_buf_printf(b, ": error: %s", d->v[i].message);
    }
}

void sg_fix_headline(struct sg_buf *b, const struct sg_session *s, bool would)
{
    size_t n = 0, files = sg_session_changed(s);
    for (size_t i = 0; i < s->changes.n; i++)
        if (sg_change_counts(s, &s->changes.v[i]))
            n += s->changes.v[i].n_fixes;
    size_t fixable = sg_fix_blocked(s);
    if (fixable)
        sg_buf_printf(b,
                      "nothing fixed: %zu finding%s could be, but the input "
                      "has errors, and a tree that does not read cleanly is "
                      "never edited",
                      fixable, fixable == 1 ? "" : "s");
    else if (!s->changes.n)
        sg_buf_printf(b, "nothing to fix");
    else if (!files)
        sg_buf_printf(b, "fixed nothing: no file could be written");
    else
        sg_buf_printf(b, "%s %zu finding%s in %zu file%s",
                      would ? "would fix" : "fixed", n, n == 1 ? "" : "s",
                      files, files == 1 ? "" : "s");
    if (files && files < s->changes.n)
        sg_buf_printf(b, " (%zu file%s could not be written)",
                      s->changes.n - files,
                      s->changes.n - files == 1 ? "" : "s");
}

void sg_summary_line(const struct sg_findings *fs, char *buf, size_t len)
{
    size_t e = sg_findings_count(fs, SG_SEV_ERROR),
           w = sg_findings_count(fs, SG_SEV_WARNING),
           n = sg_findings_count(fs, SG_SEV_INFO);
    snprintf(buf, len, "%zu error%s, %zu warning%s, %zu info", e,
             e == 1 ? "" : "s", w, w == 1 ? "" : "s", n);
}

static void emit_json(const struct sg_cli *cli, const struct sg_report *r)
{
    cJSON *o = cJSON_CreateObject(), *tool = cJSON_CreateObject();
    cJSON *files = cJSON_CreateArray(), *fs = cJSON_CreateArray();
    cJSON *diags = cJSON_CreateArray();
    cJSON *profiles = cJSON_CreateArray();

    cJSON_AddStringToObject(o, "format", "sysctl-guard/1");
    cJSON_AddStringToObject(tool, "name", "sysctl-guard");
    cJSON_AddStringToObject(tool, "version", SG_VERSION);
    cJSON_AddItemToObject(o, "tool", tool);
    if (r->root)
        cJSON_AddStringToObject(o, "root", r->root);
    else
        cJSON_AddNullToObject(o, "root");
    cJSON_AddStringToObject(o, "kernel", r->kernel);
    cJSON_AddStringToObject(o, "semantics", sg_semantics_name(r->semantics));
    for (size_t i = 0; i < cli->n_profiles; i++)
        cJSON_AddItemToArray(profiles, cJSON_CreateString(cli->profiles[i]));
    cJSON_AddItemToObject(o, "profiles", profiles);
    for (size_t i = 0; i < r->n_files; i++)
        cJSON_AddItemToArray(files, cJSON_CreateString(r->files[i]));
    cJSON_AddItemToObject(o, "files", files);
    for (size_t i = 0; i < r->findings.n; i++)
        cJSON_AddItemToArray(fs, sg_json_finding(&r->findings.v[i]));
    cJSON_AddItemToObject(o, "findings", fs);
    cJSON_AddItemToObject(o, "summary", sg_json_summary(&r->findings));
    for (size_t i = 0; i < r->diags.n; i++) {
        const struct sg_diag *d = &r->diags.v[i];
        cJSON *e = cJSON_CreateObject();
        cJSON_AddStringToObject(e, "severity", sg_severity_name(d->severity));
        cJSON_AddStringToObject(e, "code", d->code);
        if (d->file)
            cJSON_AddStringToObject(e, "file", d->file);
        if (d->line)
            cJSON_AddNumberToObject(e, "line", d->line);
        cJSON_AddStringToObject(e, "message", d->message);
        cJSON_AddItemToArray(diags, e);
    }
    cJSON_AddItemToObject(o, "diagnostics", diags);
    sg_json_print(o);
}

/* Diagnostics worth printing next to findings: not mere information, and
 * not one a rule already turned into a finding. */
static bool print_diag(const struct sg_report *r, const struct sg_diag *d)
{
    if (d->severity == SG_SEV_INFO)
        return false;
    for (size_t i = 0; r->ps && i < r->ps->n_rules; i++)
        if (r->ps->rules[i].diagnostic &&
            strcmp(r->ps->rules[i].diagnostic, d->code) == 0)
            return false;
    return true;
}

/* ---- gcc: file:line:col: severity: message [rule] ---- */

static void emit_gcc(const struct sg_cli *cli, const struct sg_report *r)
{
    (void)cli;
    for (size_t i = 0; i < r->diags.n; i++) {
        const struct sg_diag *d = &r->diags.v[i];
        if (!print_diag(r, d))
            continue;
        printf("%s:%u:1: %s: %s [%s]\n",
               d->file ? sg_vis(d->file) : "sysctl-guard",
               d->line ? d->line : 1, sg_severity_name(d->severity),
               sg_vis(d->message), d->code);
    }
    for (size_t i = 0; i < r->findings.n; i++) {
        const struct sg_finding *f = &r->findings.v[i];
        /* gcc's "info" is "note". */
        const char *sev =
            f->severity == SG_SEV_INFO ? "note" : sg_severity_name(f->severity);
        if (f->file)
            printf("%s:%u:1: %s: %s [%s]\n", sg_vis(f->file),
                   f->line ? f->line : 1, sev, sg_vis(f->message), f->rule->id);
        else
            printf("sysctl-guard: %s: %s [%s]\n", sev, sg_vis(f->message),
                   f->rule->id);
    }
}

/* ---- text, for people ---- */

static const char *sev_color(enum sg_severity s)
{
    return s == SG_SEV_ERROR     ? "\033[1;31m"
           : s == SG_SEV_WARNING ? "\033[1;33m"
                                 : "\033[1;36m";
}

static void emit_text(const struct sg_cli *cli, const struct sg_report *r)
{
    bool c = cli->color;

    for (size_t i = 0; i < r->findings.n; i++) {
        const struct sg_finding *f = &r->findings.v[i];
        if (f->file && f->line)
            printf("%s%s:%u:%s ", sg_c(c, "\033[1m"), sg_vis(f->file), f->line,
                   sg_c(c, "\033[0m"));
        else if (f->file)
            printf("%s%s:%s ", sg_c(c, "\033[1m"), sg_vis(f->file),
                   sg_c(c, "\033[0m"));
        printf("%s%s%s: %s %s[%s]%s\n", sg_c(c, sev_color(f->severity)),
               sg_severity_name(f->severity), sg_c(c, "\033[0m"),
               f->rule->title, sg_c(c, "\033[2m"), f->rule->id,
               sg_c(c, "\033[0m"));
        printf("    %s\n", sg_vis(f->message));
        switch (f->fix) {
        case SG_FIX_REMOVE:
            printf("    %sfix:%s remove %s from %s\n", sg_c(c, "\033[32m"),
                   sg_c(c, "\033[0m"), sg_vis(f->fix_key),
                   f->fix_file ? sg_vis(f->fix_file)
                               : "every file that sets it");
            break;
        case SG_FIX_COMMENT:
            printf("    %sfix:%s comment out %s in %s\n", sg_c(c, "\033[32m"),
                   sg_c(c, "\033[0m"), sg_vis(f->fix_key),
                   f->fix_file ? sg_vis(f->fix_file)
                               : "every file that sets it");
            break;
        case SG_FIX_SET:
            printf("    %sfix:%s set %s = %s in %s\n", sg_c(c, "\033[32m"),
                   sg_c(c, "\033[0m"), sg_vis(f->fix_key),
                   sg_vis(f->fix_value ? f->fix_value : ""),
                   sg_vis(f->fix_file));
            break;
        case SG_FIX_LOAD_MODULE:
            printf("    %sfix:%s load %s at boot: add it to %s\n",
                   sg_c(c, "\033[32m"), sg_c(c, "\033[0m"),
                   sg_vis(f->fix_value ? f->fix_value : ""),
                   sg_vis(f->fix_file));
            break;
        case SG_FIX_NONE:
            break;
        }
        for (size_t j = 0; j < f->rule->n_refs; j++)
            printf("    see: %s\n", f->rule->refs[j].href);
    }
    for (size_t i = 0; i < r->diags.n; i++)
        if (print_diag(r, &r->diags.v[i]))
            sg_print_diag(stderr, &r->diags.v[i], c);
    size_t e = sg_findings_count(&r->findings, SG_SEV_ERROR),
           w = sg_findings_count(&r->findings, SG_SEV_WARNING),
           n = sg_findings_count(&r->findings, SG_SEV_INFO);
    if (r->findings.n == 0)
        printf("sysctl-guard: no findings (kernel %s, %zu file%s)\n",
               sg_vis(r->kernel), r->n_files, r->n_files == 1 ? "" : "s");
    else
        printf("sysctl-guard: %zu error%s, %zu warning%s, %zu info "
               "(kernel %s, %zu file%s)\n",
               e, e == 1 ? "" : "s", w, w == 1 ? "" : "s", n, sg_vis(r->kernel),
               r->n_files, r->n_files == 1 ? "" : "s");
}

/* ---- the table ---- */

static void (*const emitters[])(const struct sg_cli *,
                                const struct sg_report *) = {
    [SG_FMT_TEXT] = emit_text,    [SG_FMT_JSON] = emit_json,
    [SG_FMT_GCC] = emit_gcc,      [SG_FMT_SARIF] = sg_emit_sarif,
    [SG_FMT_SALT] = sg_emit_salt, [SG_FMT_STATEFUL] = sg_emit_stateful,
};

void sg_emit_report(const struct sg_cli *cli, const struct sg_report *r)
{
    emitters[cli->format](cli, r);
}
