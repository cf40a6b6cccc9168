/*
 * salt.c - the views Salt reads.
 *
 * A state return (--format salt): one JSON object {name, changes, result,
 * comment} as a state function returns it. `changes` is {key: {old, new}}
 * of effective values (null: the key is no longer set and the kernel's
 * default applies), and for a modules-load.d list a fix writes, {path:
 * {old, new}} of the modules it names; `result` is true, false, or null when a
 * dry run (Salt's test mode) has changes to make. `check` changes nothing: its
 * result says whether any finding reaches --fail-on.
 *
 * The stateful line (--format stateful), for cmd.run/cmd.script with
 * `stateful: True`: what happened for people, then as the last line
 * `changed=yes|no comment='...'` plus counts. Salt splits that line with
 * shlex and each word at "=", so a word holding a second "=" fails the
 * state: the comment carries none (each "=" becomes ":").
 */
#include "views.h"
#include "../core/base/util.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

static void finding_line(struct sg_buf *b, const struct sg_finding *f)
{
    if (f->file)
        sg_buf_printf(b, "%s:%u: ", sg_vis(f->file), f->line);
    sg_buf_printf(b, "%s: %s [%s]\n", sg_severity_name(f->severity),
                  f->rule->title, f->rule->id);
}

static int print_state(FILE *out, FILE *err, const char *name, cJSON *changes,
                       int result, const char *comment, cJSON *check)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "name", name);
    cJSON_AddItemToObject(o, "changes", changes);
    if (result < 0)
        cJSON_AddNullToObject(o, "result");
    else
        cJSON_AddBoolToObject(o, "result", result);
    cJSON_AddStringToObject(o, "comment", comment);
    /* A key of its own beside Salt's four: the check as JSON, which
     * Salt's JSON output passes on and report reads. */
    if (check)
        cJSON_AddItemToObject(o, "sysctl_guard", check);
    return sg_json_print(out, err, o);
}

/* COMMENT as one shlex word holding no "=" and no line break. */
static void print_quoted_comment(FILE *out, const char *comment)
{
    fputs("comment='", out);
    for (const char *p = comment; *p; p++) {
        if (*p == '\'')
            fputs("'\"'\"'", out);
        else if (*p == '=')
            fputc(':', out);
        else if ((unsigned char)*p < 0x20 || *p == 0x7f)
            fputc(' ', out); /* a line break would end the state line */
        else
            fputc(*p, out);
    }
    fputc('\'', out);
}

static void print_stateful_line(FILE *out, bool changed, const char *comment,
                                const struct sg_findings *fs)
{
    /* An empty line first: the state line must be the last one even when
     * what precedes it does not end a line. */
    fprintf(out, "\nchanged=%s ", changed ? "yes" : "no");
    print_quoted_comment(out, comment);
    fprintf(out, " errors=%zu warnings=%zu info=%zu\n",
            sg_findings_count(fs, SG_SEV_ERROR),
            sg_findings_count(fs, SG_SEV_WARNING),
            sg_findings_count(fs, SG_SEV_INFO));
}

/* The comment of a check: the summary, then a line per finding and per
 * error. */
static char *check_comment(const struct sg_report *r, bool one_line)
{
    struct sg_buf b = {0};
    char sum[128];

    sg_summary_line(&r->findings, sum, sizeof(sum));
    sg_buf_printf(&b, "%s (kernel %s, %zu file%s)", sum, r->kernel, r->n_files,
                  r->n_files == 1 ? "" : "s");
    sg_error_lines(&b, &r->diags, one_line ? "; " : "\n");
    for (size_t i = 0; !one_line && i < r->findings.n; i++) {
        if (r->findings.v[i].suppressed)
            continue;
        sg_buf_printf(&b, "\n");
        finding_line(&b, &r->findings.v[i]);
        b.n--; /* no final newline */
        b.v[b.n] = '\0';
    }
    return b.v ? b.v : strdup("");
}

int sg_view_salt_check(FILE *out, const struct sg_result *res,
                       const struct sg_view_opts *vo)
{
    const struct sg_report *r = &res->report;
    char *comment = check_comment(r, false);
    bool ok = sg_diag_count(&r->diags, SG_SEV_ERROR) == 0 &&
              !sg_findings_reach(&r->findings, vo->fail_on);

    int ret = print_state(out, vo->err, vo->name ? vo->name : "",
                          cJSON_CreateObject(), ok, comment ? comment : "",
                          sg_json_check(res, vo));
    free(comment);
    return ret;
}

int sg_view_stateful_check(FILE *out, const struct sg_result *res,
                           const struct sg_view_opts *vo)
{
    const struct sg_report *r = &res->report;
    struct sg_buf b = {0};
    char *comment = check_comment(r, true);

    (void)vo;
    for (size_t i = 0; i < r->findings.n; i++)
        if (!r->findings.v[i].suppressed)
            finding_line(&b, &r->findings.v[i]);
    fputs(b.v ? b.v : "", out);
    print_stateful_line(out, false, comment ? comment : "", &r->findings);
    free(b.v);
    free(comment);
    return 0;
}

/* ---- fix ---- */

/* What the fix did (or, in a dry run, would do), the findings a fix could
 * still change, and the errors. */
static char *fix_comment(const struct sg_result *s, bool one_line)
{
    struct sg_buf b = {0};
    const char *sep = one_line ? "; " : "\n";

    sg_fix_headline(&b, s);
    for (size_t i = 0; !one_line && i < s->changes.n; i++)
        for (size_t j = 0; sg_change_counts(s, &s->changes.v[i]) &&
                           j < s->changes.v[i].n_fixes;
             j++)
            sg_buf_printf(&b, "%s%s: %s", sep, s->changes.v[i].path,
                          s->changes.v[i].fixes[j]);
    if (s->left.n)
        sg_buf_printf(&b, "%s%zu left to fix", sep, s->left.n);
    if (!one_line)
        sg_left_lines(&b, s, sep);
    sg_error_lines(&b, &s->report.diags, sep);
    sg_error_lines(&b, &s->fix_diags, sep);
    return b.v ? b.v : strdup("");
}

/* Test mode with nothing to change but findings a fix leaves: the real
 * run fails, so the prediction does. */
static bool fix_failed(const struct sg_result *s)
{
    bool preview = s->mode == SG_RUN_PREVIEW;
    return sg_result_exit(s, true) != SG_EXIT_OK ||
           (preview && !s->changes.n && s->left.n);
}

int sg_view_salt_fix(FILE *out, const struct sg_result *s,
                     const struct sg_view_opts *vo)
{
    char *comment = fix_comment(s, false);
    int result = fix_failed(s)                               ? 0
                 : s->mode == SG_RUN_PREVIEW && s->changes.n ? -1
                                                             : 1;
    int r = print_state(out, vo->err, vo->name ? vo->name : "",
                        sg_json_effects(&s->effects), result,
                        comment ? comment : "", NULL);
    free(comment);
    return r;
}

int sg_view_stateful_fix(FILE *out, const struct sg_result *s,
                         const struct sg_view_opts *vo)
{
    char *comment = fix_comment(s, true);

    (void)vo;
    /* For people (Salt shows it as the changes' stdout). */
    sg_print_changes(out, s, false);
    print_stateful_line(out, sg_result_changed(s) > 0, comment ? comment : "",
                        &s->report.findings);
    free(comment);
    return 0;
}
