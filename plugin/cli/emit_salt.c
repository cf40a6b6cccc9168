/*
 * emit_salt.c - the views Salt reads.
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
#include "emit.h"
#include "session.h"
#include "../core/util.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

/* The state's name: the root, or the fragments checked. */
static char *state_name(const struct sg_cli *cli, const struct sg_report *r)
{
    struct sg_buf b = {0};
    if (r->root)
        sg_buf_printf(&b, "%s", r->root);
    for (int i = 0; !r->root && i < cli->n_args; i++)
        sg_buf_printf(&b, "%s%s", i ? " " : "", cli->args[i]);
    return b.v ? b.v : strdup("");
}

static void finding_line(struct sg_buf *b, const struct sg_finding *f)
{
    if (f->file)
        sg_buf_printf(b, "%s:%u: ", sg_vis(f->file), f->line);
    sg_buf_printf(b, "%s: %s [%s]\n", sg_severity_name(f->severity),
                  f->rule->title, f->rule->id);
}

static void print_state(const char *name, cJSON *changes, int result,
                        const char *comment)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "name", name);
    cJSON_AddItemToObject(o, "changes", changes);
    if (result < 0)
        cJSON_AddNullToObject(o, "result");
    else
        cJSON_AddBoolToObject(o, "result", result);
    cJSON_AddStringToObject(o, "comment", comment);
    sg_json_print(o);
}

/* COMMENT as one shlex word holding no "=" and no line break. */
static void print_quoted_comment(const char *comment)
{
    fputs("comment='", stdout);
    for (const char *p = comment; *p; p++) {
        if (*p == '\'')
            fputs("'\"'\"'", stdout);
        else if (*p == '=')
            putchar(':');
        else if ((unsigned char)*p < 0x20 || *p == 0x7f)
            putchar(' '); /* a line break would end the state line */
        else
            putchar(*p);
    }
    putchar('\'');
}

static void print_stateful_line(bool changed, const char *comment,
                                const struct sg_findings *fs)
{
    /* An empty line first: the state line must be the last one even when
     * what precedes it does not end a line. */
    printf("\nchanged=%s ", changed ? "yes" : "no");
    print_quoted_comment(comment);
    printf(" errors=%zu warnings=%zu info=%zu\n",
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
        sg_buf_printf(&b, "\n");
        finding_line(&b, &r->findings.v[i]);
        b.n--; /* no final newline */
        b.v[b.n] = '\0';
    }
    return b.v ? b.v : strdup("");
}

void sg_emit_salt(const struct sg_cli *cli, const struct sg_report *r)
{
    char *name = state_name(cli, r), *comment = check_comment(r, false);
    bool ok = sg_diag_count(&r->diags, SG_SEV_ERROR) == 0 &&
              !sg_findings_reach(&r->findings, cli->fail_on);

    print_state(name ? name : "", cJSON_CreateObject(), ok,
                comment ? comment : "");
    free(name);
    free(comment);
}

void sg_emit_stateful(const struct sg_cli *cli, const struct sg_report *r)
{
    struct sg_buf b = {0};
    char *comment = check_comment(r, true);

    (void)cli;
    for (size_t i = 0; i < r->findings.n; i++)
        finding_line(&b, &r->findings.v[i]);
    fputs(b.v ? b.v : "", stdout);
    print_stateful_line(false, comment ? comment : "", &r->findings);
    free(b.v);
    free(comment);
}

/* ---- fix ---- */

/* What the fix did (or, in a dry run, would do), the findings a fix could
 * still change, and the errors. */
static char *fix_comment(const struct sg_cli *cli, const struct sg_session *s,
                         bool one_line)
{
    struct sg_buf b = {0};
    const char *sep = one_line ? "; " : "\n";

    sg_fix_headline(&b, s, cli->dry_run);
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

void sg_emit_fix(const struct sg_cli *cli, const struct sg_session *s)
{
    /* Test mode with nothing to change but findings a fix leaves: the
     * real run fails, so the prediction does. */
    bool failed = s->status == SG_EXIT_ERROR ||
                  (!cli->dry_run && s->status != SG_EXIT_OK) ||
                  (cli->dry_run && !s->changes.n && s->left.n);
    char *comment = fix_comment(cli, s, cli->format == SG_FMT_STATEFUL);

    if (cli->format == SG_FMT_SALT) {
        char *name = state_name(cli, &s->report);
        int result = failed ? 0 : cli->dry_run && s->changes.n ? -1 : 1;
        print_state(name ? name : "", sg_json_effects(&s->effects), result,
                    comment ? comment : "");
        free(name);
    } else {
        /* For people (Salt shows it as the changes' stdout). */
        sg_print_changes(cli, s);
        print_stateful_line(sg_session_changed(s) > 0, comment ? comment : "",
                            &s->report.findings);
    }
    free(comment);
}
