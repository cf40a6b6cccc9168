/*
 * emit.h - a check report (findings, diagnostics, the files read) and its
 * views: text for people, JSON (format "sysctl-guard/1"), gcc, SARIF
 * 2.1.0 (emit_sarif.c), a Salt state return and Salt's stateful line
 * (emit_salt.c). A new format is one function and one line in emit.c's
 * table.
 */
#ifndef SG_EMIT_H
#define SG_EMIT_H

#include "cli.h"
#include "../core/finding.h"
#include "../core/policy.h"

/* One replacement that fixes a finding (SARIF's fixes): in FILE (target
 * path), LENGTH characters at OFFSET become INSERT (counted in UTF-16
 * code units, as SARIF's columnKind utf16CodeUnits says). WHY names the finding
 * as fix.h does: "rule file:line". */
struct sg_edit {
    char *why;
    char *file;
    size_t offset, length;
    char *insert;
};

struct sg_edits {
    struct sg_edit *v;
    size_t n, cap;
};

struct sg_report {
    const struct sg_policies *ps; /* rules on diagnostics replace them */
    const char *root;             /* NULL in fragment mode */
    enum sg_semantics semantics;
    char kernel[128];
    char **files;
    size_t n_files;
    struct sg_findings findings;
    struct sg_diags diags;
    struct sg_edits edits; /* filled for views that show fixes as edits */
};

int sg_report_add_file(struct sg_report *r, const char *path);
void sg_report_sort(struct sg_report *r);
void sg_report_free(struct sg_report *r);

void sg_emit_report(const struct sg_cli *cli, const struct sg_report *r);

/* The emitters of other files, for emit.c's table. */
void sg_emit_sarif(const struct sg_cli *cli, const struct sg_report *r);
void sg_emit_salt(const struct sg_cli *cli, const struct sg_report *r);
void sg_emit_stateful(const struct sg_cli *cli, const struct sg_report *r);

/* A finding and a summary as JSON (format "sysctl-guard/1"), for every
 * view that carries findings (JSON, the Ansible module). */
struct cJSON;
struct cJSON *sg_json_finding(const struct sg_finding *f);
/* Print O (indented) and free it; -1 (said on stderr) without memory. */
int sg_json_print(struct cJSON *o);
struct cJSON *sg_json_summary(const struct sg_findings *fs);
/* What a fix does to each key: {key: {old, new}}, null for "not set". */
struct sg_effects;
struct cJSON *sg_json_effects(const struct sg_effects *fx);

/* The result of `fix` (emit_salt.c): a Salt state return or the stateful
 * line; a dry run is Salt's test mode. */
struct sg_session;
void sg_emit_fix(const struct sg_cli *cli, const struct sg_session *s);

/* The changes of a fix for people: the unified diff of a dry run, or a
 * "fixed PATH: rule file:line" line per finding fixed. */
void sg_print_changes(const struct sg_cli *cli, const struct sg_session *s);

/* Each error of D, as "SEP file:line: error: message", onto B. */
struct sg_buf;
struct sg_session;
/* After a fix, each finding whose fix is left undone, as "SEP file:line:
 * left to fix: title [rule]: why" (why: the warning that says why the fix
 * could not be made there, e.g. a package's file), onto B. */
void sg_left_lines(struct sg_buf *b, const struct sg_session *s,
                   const char *sep);
/* The same one at a time: the next such finding from *I on, into *LINE
 * (its text replaced); false when there is none left. */
bool sg_left_next(const struct sg_session *s, size_t *i, struct sg_buf *line);
/* How many findings a fix could have fixed but did not touch because the
 * input has errors (a tree that does not read cleanly is never edited). */
size_t sg_fix_blocked(const struct sg_session *s);
void sg_error_lines(struct sg_buf *b, const struct sg_diags *d,
                    const char *sep);

/* "fixed N findings in M files" ("would fix" when WOULD, "nothing to fix"
 * without changes), onto B. */
void sg_fix_headline(struct sg_buf *b, const struct sg_session *s, bool would);

/* "N errors, M warnings, K info" for FS, into BUF. */
void sg_summary_line(const struct sg_findings *fs, char *buf, size_t len);

#endif
