/*
 * views.c - the table of views (views.h) and what the views share: the
 * lines a fix result is told in, the summary, diagnostics for people.
 */
#include "views.h"
#include "../remedy/diff.h"
#include "../core/base/util.h"

#include <stdlib.h>
#include <string.h>

const struct sg_view sg_views[] = {
    {.name = "text",
     .quote = true,
     .check = sg_view_text_check,
     .fix = sg_view_text_fix,
     .show = sg_view_text_show,
     .rules = sg_view_text_rules,
     .report = sg_fleet_text},
    {.name = "json",
     .check = sg_view_json_check,
     .show = sg_view_json_show,
     .rules = sg_view_json_rules,
     .report = sg_fleet_json},
    {.name = "gcc",
     .gloss = "path:line:col: severity: title [rule]",
     .check = sg_view_gcc_check},
    {.name = "sarif",
     .gloss = "SARIF 2.1.0",
     .spans = true,
     .check = sg_view_sarif_check},
    {.name = "github",
     .gloss = "GitHub Actions annotations",
     .check = sg_view_github_check},
    {.name = "gitlab",
     .gloss = "a GitLab Code Quality report",
     .check = sg_view_gitlab_check},
    {.name = "salt",
     .gloss = "a Salt state return",
     .answer_in_output = true,
     .check = sg_view_salt_check,
     .fix = sg_view_salt_fix},
    {.name = "stateful",
     .gloss = "Salt cmd.run's stateful line",
     .answer_in_output = true,
     .check = sg_view_stateful_check,
     .fix = sg_view_stateful_fix},
    {.name = "markdown", .report = sg_fleet_markdown},
    {.name = "html",
     .gloss = "one self-contained page",
     .report = sg_fleet_html},
    {.name = NULL},
};

char *sg_repo_path(const struct sg_report *r, const char *file)
{
    if (!r->root || strcmp(r->root, "/") == 0)
        return strdup(file);
    size_t n = strlen(r->root);
    while (n > 1 && r->root[n - 1] == '/')
        n--; /* "bad/" and "/etc/x": "bad/etc/x" */
    return sg_strdup_printf("%.*s%s", (int)n, r->root, file);
}

const char *sg_rule_pack(const struct sg_rule *r, char *buf, size_t len)
{
    const char *base = r->file ? strrchr(r->file, '/') : NULL;
    base = base ? base + 1 : r->file ? r->file : "";
    size_t n = strlen(base);
    if (n > 4 && strcmp(base + n - 4, ".xml") == 0)
        n -= 4;
    snprintf(buf, len, "%.*s", (int)n, base);
    return buf;
}

const struct sg_view *sg_view_find(const char *name)
{
    for (const struct sg_view *v = sg_views; v->name; v++)
        if (strcmp(v->name, name) == 0)
            return v;
    return NULL;
}

/* Diagnostics worth printing next to findings: not mere information, and
 * not one a rule already turned into a finding. */
bool sg_diag_shown(const struct sg_report *r, const struct sg_diag *d)
{
    if (d->severity == SG_SEV_INFO)
        return false;
    for (size_t i = 0; r->ps && i < r->ps->n_rules; i++)
        if (r->ps->rules[i].diagnostic &&
            strcmp(r->ps->rules[i].diagnostic, d->code) == 0)
            return false;
    return true;
}

const char *sg_c(bool color, const char *code)
{
    return color ? code : "";
}

void sg_print_diag(FILE *f, const struct sg_diag *d, bool color)
{
    static const char *const sev_color[] = {
        [SG_SEV_INFO] = "\033[36m",
        [SG_SEV_WARNING] = "\033[33m",
        [SG_SEV_ERROR] = "\033[31m",
    };

    if (d->file && d->line)
        fprintf(f, "%s:%u: ", sg_vis(d->file), d->line);
    else if (d->file)
        fprintf(f, "%s: ", sg_vis(d->file));
    fprintf(f, "%s%s%s: %s [%s]\n", sg_c(color, sev_color[d->severity]),
            sg_severity_name(d->severity), sg_c(color, "\033[0m"),
            sg_vis(d->message), d->code);
}

/* Columns TEXT[0..N) takes: UTF-8 characters. */
static int columns(const char *text, size_t n)
{
    int w = 0;
    for (size_t i = 0; i < n; i++)
        w += ((unsigned char)text[i] & 0xC0) != 0x80;
    return w;
}

int sg_wrap_on(FILE *out, int col, int indent, int width, const char *text)
{
    bool first = true;
    if (width <= indent + 10)
        width = indent + 10; /* a line holds something */
    text += strspn(text, " ");
    while (*text) {
        size_t n = strcspn(text, " \n");
        int w = columns(text, n);
        if (!first && col + 1 + w > width) {
            fprintf(out, "\n%*s", indent, "");
            col = indent;
        } else if (!first) {
            fputc(' ', out);
            col++;
        }
        fwrite(text, 1, n, out);
        col += w;
        first = false;
        text += n;
        if (*text == '\n') { /* a line break of the text's own */
            fprintf(out, "\n%*s", indent, "");
            col = indent;
            first = true;
            text++;
        }
        text += strspn(text, " ");
    }
    return col;
}

void sg_wrap(FILE *out, int col, int indent, int width, const char *text)
{
    sg_wrap_on(out, col, indent, width, text);
    fputc('\n', out);
}

int sg_columns(const char *text)
{
    return columns(text, strlen(text));
}

/* A unified diff D, a line at a time, coloured as git diff colours it. */
static void print_diff(FILE *out, const char *d, bool color)
{
    while (*d) {
        size_t n = strcspn(d, "\n");
        const char *code =
            !color ? ""
            : strncmp(d, "--- ", 4) == 0 || strncmp(d, "+++ ", 4) == 0
                ? "\033[1m"
            : d[0] == '@' ? "\033[36m"
            : d[0] == '-' ? "\033[31m"
            : d[0] == '+' ? "\033[32m"
                          : "";
        fprintf(out, "%s%.*s%s\n", code, (int)n, d, *code ? "\033[0m" : "");
        d += n + (d[n] == '\n');
    }
}

void sg_print_changes(FILE *out, const struct sg_result *s, bool color)
{
    for (size_t i = 0; i < s->changes.n; i++) {
        const struct sg_change *c = &s->changes.v[i];
        if (s->mode == SG_RUN_PREVIEW) {
            /* A patch: the lines as they are (as diff(1) prints them), the
             * file name on one line. */
            char *d = sg_diff_unified(sg_vis(c->path), c->before, c->after);
            if (color)
                print_diff(out, d ? d : "", true);
            else
                fputs(d ? d : "", out);
            free(d);
            continue;
        }
        for (size_t j = 0; c->written && j < c->n_fixes; j++)
            fprintf(out, "fixed %s: %s\n", sg_vis(c->path),
                    sg_vis(c->fixes[j]));
    }
}

bool sg_left_next(const struct sg_result *s, size_t *i, struct sg_buf *line)
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

void sg_left_lines(struct sg_buf *b, const struct sg_result *s, const char *sep)
{
    struct sg_buf line = {0};
    for (size_t i = 0; sg_left_next(s, &i, &line);)
        sg_buf_printf(b, "%s%s", sep, line.v);
    free(line.v);
}

size_t sg_fix_blocked(const struct sg_result *s)
{
    size_t fixable = 0;
    if (s->changes.n || sg_diag_count(&s->report.diags, SG_SEV_ERROR) == 0)
        return 0;
    for (size_t i = 0; i < s->report.findings.n; i++)
        fixable += s->report.findings.v[i].fix != SG_FIX_NONE &&
                   !s->report.findings.v[i].suppressed;
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

void sg_fix_headline(struct sg_buf *b, const struct sg_result *s)
{
    bool would = s->mode == SG_RUN_PREVIEW;
    size_t n = 0, files = sg_result_changed(s);
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
        sg_buf_printf(b, "%s nothing: no file could be written",
                      would ? "would fix" : "fixed");
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
