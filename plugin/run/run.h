/*
 * run.h - one run as data: what to run (struct sg_run_opts: the tree or
 * the fragments, the kernel, the semantics, live or not, the profiles,
 * the mode) and what came of it (struct sg_result: the report, the
 * changes and what they do to each key, what was written, what is left,
 * the exit status). Every front end -- check, fix, plan, the Ansible
 * module -- fills the options and reads the result; nothing here prints,
 * and nothing here knows the command line.
 *
 * A run loads one model per tree or fragment (each fragment on its own,
 * all through one parser: the lens is compiled once), evaluates it, and
 * for a preview or a fix plans the changes (fix.h sg_fix_plan: judged by
 * what they leave); a fix writes them and evaluates again.
 */
#ifndef SG_RUN_H
#define SG_RUN_H

#include "../core/diag.h"
#include "../core/finding.h"
#include "../remedy/fix.h"
#include "../core/model.h"
#include "../core/policy.h"

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

struct sg_run_opts {
    enum sg_run_mode mode;
    const char *root;       /* the tree; NULL: "/" */
    char *const *fragments; /* instead of the tree: these files */
    size_t n_fragments;
    /* What the tree, or each fragment, is judged with (policy.h): SET,
     * or EACH[i] (NULL, or one per fragment: a project configuration's
     * per-path overrides). */
    struct sg_settings set;
    const struct sg_settings *each;
    enum sg_semantics semantics;
    int procps; /* 3 or 4 (procps.h); 0: the tree's own */
    bool live;  /* also read <root>/proc/sys */
    const char *lensdir;
    enum sg_severity fail_on; /* check: findings at or over it fail */
    bool backup;              /* fix: keep FILE.bak */
    bool edits;               /* check: each finding's fix as edits */
    bool keep_model;          /* a tree's model stays in the result */
};

/* One replacement that fixes a finding (SARIF's fixes): in FILE (target
 * path), LENGTH characters at OFFSET become INSERT (counted in UTF-16
 * code units, as SARIF's columnKind utf16CodeUnits says): the span of an
 * operation of the run's plan (fix.h sg_fix_op). WHY names the finding as
 * fix.h does: "rule file:line". */
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
    struct sg_edits edits; /* with opts.edits */
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

/* Run O with policies PS. Returns 0, or -1 after *ERR (allocated) says
 * what stopped the run (no memory, no lens, a kernel string that does not
 * parse). Diagnostics about the input are data in R, and count in
 * R->status:
 *   load:    2 on an input error;
 *   check:   2 on an input error, 1 on a finding at or over fail_on;
 *   preview: 2 on an input error, 1 when there is something to change;
 *   fix:     2 on an input or write error, 1 when fixable findings remain. */
int sg_run(const struct sg_run_opts *o, const struct sg_policies *ps,
           struct sg_result *r, char **err);
void sg_result_free(struct sg_result *r);

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

int sg_report_add_file(struct sg_report *r, const char *path);
void sg_report_sort(struct sg_report *r);
void sg_report_free(struct sg_report *r);

#endif
