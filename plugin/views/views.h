/*
 * views.h - the ways a result is shown: one table (views.c) whose rows
 * name a format and give its function per command (check, fix, show); a
 * NULL function means the format is not one of that command's, and
 * --format's validation and --help are derived from the table (main.c).
 * A new format is one file and one row.
 *
 * A view writes to the streams it is given (opts.err for what goes to
 * stderr) and reads only the result and struct sg_view_opts, never the
 * command line: views are tested on memory streams (tests/unit).
 */
#ifndef SG_VIEWS_H
#define SG_VIEWS_H

#include <stdbool.h>
#include <stdio.h>

#include "../core/kernel/catalog.h"
#include "../core/base/version.h"
#include "../remedy/result.h"

/* The fleet report's data (report/report.h): its views are rows of the
 * same table, given the fleet the report command merged. */
struct sg_fleet;

/* What a view is told beside the result. */
struct sg_view_opts {
    FILE *err;        /* diagnostics for people */
    bool color;       /* terminal colour escapes */
    int width;        /* text: wrap at this many columns (0: 80) */
    bool quiet;       /* text: a finding's first line only; no summary when
                         there is nothing to say */
    bool verbose;     /* text: each finding's whole message and references */
    const char *host; /* json: the host's name (check --host), or NULL */
    bool preview;     /* fix --dry-run (Salt's test mode) */
    enum sg_severity fail_on;    /* check: a Salt state's result */
    const char *const *profiles; /* check: JSON "profiles" */
    size_t n_profiles;
    const char *name; /* a Salt state's name (the root, or the
                         fragments) */
    const char *prog; /* "sysctl-guard" */
    /* show: the keys asked for (none: all), the catalog that marks keys
     * the kernel lacks (or NULL). */
    char *const *keys;
    size_t n_keys;
    const struct sg_catalog *marks;
};

struct sg_view {
    const char *name;
    const char *gloss; /* for --help, or NULL */
    /* A program reads the answer from the output (Salt): a preview exits
     * 0, what would change is in what was printed. */
    bool answer_in_output;
    /* It shows each finding's fix as spans (finding.h): the run plans
     * them (run.h opts.edits) for a check. */
    bool spans;
    /* It quotes each finding's line (finding.h source): the run reads
     * it (run.h opts.quote) for a check. */
    bool quote;
    /* Each returns 0, or -1 after saying on opts->err why (no memory). */
    int (*check)(FILE *out, const struct sg_result *r,
                 const struct sg_view_opts *o);
    int (*fix)(FILE *out, const struct sg_result *r,
               const struct sg_view_opts *o);
    int (*show)(FILE *out, const struct sg_model *m,
                const struct sg_view_opts *o);
    int (*rules)(FILE *out, const struct sg_policies *ps,
                 const struct sg_view_opts *o);         /* list-rules */
    int (*report)(FILE *out, const struct sg_fleet *f); /* report */
};

/* The table, ending with a row whose name is NULL; the default is the
 * first row. */
extern const struct sg_view sg_views[];
const struct sg_view *sg_view_find(const char *name);

/* The views, one file each. */
int sg_view_text_check(FILE *out, const struct sg_result *r,
                       const struct sg_view_opts *o);
int sg_view_text_fix(FILE *out, const struct sg_result *r,
                     const struct sg_view_opts *o);
int sg_view_text_show(FILE *out, const struct sg_model *m,
                      const struct sg_view_opts *o);
int sg_view_json_check(FILE *out, const struct sg_result *r,
                       const struct sg_view_opts *o);
int sg_view_json_show(FILE *out, const struct sg_model *m,
                      const struct sg_view_opts *o);
int sg_view_gcc_check(FILE *out, const struct sg_result *r,
                      const struct sg_view_opts *o);
int sg_view_text_rules(FILE *out, const struct sg_policies *ps,
                       const struct sg_view_opts *o);
int sg_view_json_rules(FILE *out, const struct sg_policies *ps,
                       const struct sg_view_opts *o);
/* The pack a rule comes from: its policy file's name without ".xml"
 * (the policy's id, for the shipped ones), into BUF. */
const char *sg_rule_pack(const struct sg_rule *r, char *buf, size_t len);
int sg_view_github_check(FILE *out, const struct sg_result *r,
                         const struct sg_view_opts *o);
int sg_view_gitlab_check(FILE *out, const struct sg_result *r,
                         const struct sg_view_opts *o);
int sg_view_sarif_check(FILE *out, const struct sg_result *r,
                        const struct sg_view_opts *o);
int sg_view_salt_check(FILE *out, const struct sg_result *r,
                       const struct sg_view_opts *o);
int sg_view_salt_fix(FILE *out, const struct sg_result *r,
                     const struct sg_view_opts *o);
int sg_view_stateful_check(FILE *out, const struct sg_result *r,
                           const struct sg_view_opts *o);
int sg_view_stateful_fix(FILE *out, const struct sg_result *r,
                         const struct sg_view_opts *o);

/* The fleet report's views (fleet.c, fleet_html.c). */
int sg_fleet_text(FILE *out, const struct sg_fleet *f);
int sg_fleet_json(FILE *out, const struct sg_fleet *f);
int sg_fleet_markdown(FILE *out, const struct sg_fleet *f);
int sg_fleet_html(FILE *out, const struct sg_fleet *f);

/* ---- shared by the views and the Ansible module ---- */

/* The path target path FILE has in the repository a CI job checks out:
 * under the --root as given (relative, as a job gives it, so that the CI
 * finds the file), or as given for a fragment. Allocated, or NULL. */
char *sg_repo_path(const struct sg_report *r, const char *file);

/* A check's result as check --format json prints it (format
 * "sysctl-guard/1"), as a tree, for callers that add to it. */
struct cJSON;
struct cJSON *sg_json_check(const struct sg_result *r,
                            const struct sg_view_opts *o);
/* Diagnostics as [{severity, code, file, line, message}], member KEY of
 * W's open object (jsonw.h). */
struct sg_jw;
void sg_jw_diags(struct sg_jw *w, const char *key, const struct sg_diags *d);
/* What a fix does to each key: {key: {old, new}}, null for "not set". */
struct cJSON *sg_json_effects(const struct sg_effects *fx);
/* Print O (indented, UTF-8) and a newline to OUT, and free it; -1 (said
 * on ERR) without memory. */
int sg_json_print(FILE *out, FILE *err, struct cJSON *o);

/* Whether diagnostic D is printed next to the findings: not mere
 * information, and not one a rule of R's policies turns into a finding. */
bool sg_diag_shown(const struct sg_report *r, const struct sg_diag *d);
/* A diagnostic as "file:line: severity: message [code]". */
void sg_print_diag(FILE *f, const struct sg_diag *d, bool color);
/* Colour escape CODE, or "" when colour is off. */
const char *sg_c(bool color, const char *code);

/* TEXT after COL columns already on the line, wrapped at WIDTH columns
 * (UTF-8 characters) with the lines after the first indented by INDENT,
 * and a newline: breaks at spaces only, so a word longer than a line (a
 * URL, a path) stays whole. */
void sg_wrap(FILE *out, int col, int indent, int width, const char *text);
/* The same without the newline: returns the column it ends on. */
int sg_wrap_on(FILE *out, int col, int indent, int width, const char *text);
/* The columns TEXT takes (its UTF-8 characters). */
int sg_columns(const char *text);
/* The "Did you mean ...?" sentence of a finding's message MSG (the
 * finding's own suggestion, which a short view keeps), with its length
 * in *LEN, or NULL. */
const char *sg_message_suggestion(const char *msg, size_t *len);

/* The changes of a fix for people: the unified diff of a preview (in
 * colour with COLOR: headers bold, hunks cyan, lines removed red, added
 * green), or a "fixed PATH: rule file:line" line per finding fixed. */
void sg_print_changes(FILE *out, const struct sg_result *r, bool color);

struct sg_buf;
/* Each error of D, as "SEP file:line: error: message", onto B. */
void sg_error_lines(struct sg_buf *b, const struct sg_diags *d,
                    const char *sep);
/* After a fix, each finding whose fix is left undone, as "SEP file:line:
 * left to fix: title [rule]: why" (why: the warning that says why the fix
 * could not be made there, e.g. a package's file), onto B. */
void sg_left_lines(struct sg_buf *b, const struct sg_result *r,
                   const char *sep);
/* The same one at a time: the next such finding from *I on, into *LINE
 * (its text replaced); false when there is none left. */
bool sg_left_next(const struct sg_result *r, size_t *i, struct sg_buf *line);
/* How many findings a fix could have fixed but did not touch because the
 * input has errors (a tree that does not read cleanly is never edited). */
size_t sg_fix_blocked(const struct sg_result *r);
/* "fixed N findings in M files" ("would fix" for a preview, "nothing to
 * fix" without changes), onto B. */
void sg_fix_headline(struct sg_buf *b, const struct sg_result *r);
/* "N errors, M warnings, K info" for FS, into BUF. */
void sg_summary_line(const struct sg_findings *fs, char *buf, size_t len);

#endif
