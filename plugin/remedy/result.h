/*
 * result.h - what a run came to, as data every view and front end reads:
 * the report of a check (findings, diagnostics, the files read) and what
 * a fix or a preview makes of it (the changes, their effect on each key,
 * the findings left), with the exit status it amounts to. run/ fills it
 * (run.h sg_run); views/ and the front ends only read it. Here, below
 * both, so that no view includes the run.
 */
#ifndef SG_RESULT_H
#define SG_RESULT_H

#include "../core/base/diag.h"
#include "../core/judge/finding.h"
#include "../core/tree/model.h"
#include "../core/judge/policy.h"
#include "fix.h"

enum sg_run_mode {
    SG_RUN_CHECK,   /* findings only */
    SG_RUN_PREVIEW, /* findings and the changes fix would make */
    SG_RUN_FIX,     /* make the changes, then the findings left */
    SG_RUN_LOAD,    /* the model only, kept (show): no policies needed */
};

/* The exit status a run amounts to (the front ends' only source). */
#define SG_EXIT_OK 0
#define SG_EXIT_FINDINGS 1
#define SG_EXIT_ERROR 2

/* The text of a file as the run read it ("" for a file a fix creates):
 * what a finding's fix spans (finding.h) count their bytes in. */
struct sg_text {
    char *path; /* target path */
    char *text;
};

struct sg_texts {
    struct sg_text *v;
    size_t n, cap;
};

/* The text of PATH in TS, or NULL. */
const char *sg_texts_get(const struct sg_texts *ts, const char *path);

/* What a check found: findings, diagnostics, the files read. */
struct sg_report {
    const struct sg_policies *ps; /* rules on diagnostics replace them */
    const char *root;             /* NULL in fragment mode */
    enum sg_semantics semantics;
    int procps; /* the procps modelled: 3 or 4 (0: none read) */
    char kernel[128];
    char **files;
    size_t n_files;
    struct sg_findings findings;
    struct sg_diags diags;
    /* With run.h's opts.edits: the text of each file a finding's fix
     * spans are in (finding.h), as read. */
    struct sg_texts texts;
};

struct sg_result {
    enum sg_run_mode mode;
    struct sg_report report;    /* findings: after the fix when it ran */
    struct sg_diags fix_diags;  /* from planning and writing */
    struct sg_changes changes;  /* planned; after a fix each says whether
                                   it was written */
    struct sg_effects effects;  /* per key: effective value before, after */
    struct sg_findings left;    /* findings with a fix, after the fix (a
                                   preview: as it would leave them), each
                                   saying why it is left (why_left) */
    struct sg_findings unfixed; /* findings no fix-up changes (no fix: a
                                   person must), left the same way */
    struct sg_model *model;     /* with opts.keep_model, for a tree */
    int status;                 /* SG_EXIT_*: what the run amounts to */
};

/* Whether change C counts as done: planned (a preview) or written (a
 * fix). What every front end reports as fixed or changed. */
bool sg_change_counts(const struct sg_result *r, const struct sg_change *c);
/* How many changes count. */
size_t sg_result_changed(const struct sg_result *r);
/* Whether a finding no fix-up changes (UNFIXED: no fix at all, a typo
 * key, a value only a person can choose) is left at or over FAIL_ON,
 * after a fix or (a preview) after the fix it plans: what `fix` ends
 * with besides what a fix could change (LEFT). */
bool sg_result_unfixed_reach(const struct sg_result *r,
                             enum sg_severity fail_on);

/* The exit status R amounts to for a front end: R->status, except for a
 * front end whose answer is its output (ANSWER_IN_OUTPUT: Salt's states,
 * the Ansible module), where a preview succeeds unless the run has an
 * error (what would change is in the output), and a fix fails only on
 * what it should have fixed and left (findings no fix-up changes are
 * said, not failed on). Every front end asks here; none decides again. */
int sg_result_exit(const struct sg_result *r, bool answer_in_output);

void sg_result_free(struct sg_result *r);

int sg_report_add_file(struct sg_report *r, const char *path);
void sg_report_sort(struct sg_report *r);
void sg_report_free(struct sg_report *r);

#endif
