/*
 * run.h - one run as data: what to run (struct sg_run_opts: the tree or
 * the fragments, the kernel, the semantics, live or not, the profiles,
 * the mode) and what came of it (remedy/result.h struct sg_result: the
 * report, the changes and what they do to each key, what was written,
 * what is left, the exit status). Every front end -- check, fix, plan, the
 * Ansible module -- fills the options and reads the result; nothing here
 * prints, and nothing here knows the command line.
 *
 * A run loads one model per tree or fragment (each fragment on its own,
 * all through one parser: the lens is compiled once), evaluates it, and
 * for a preview or a fix plans the changes (fix.h sg_fix_plan: judged by
 * what they leave); a fix writes them and evaluates again.
 */
#ifndef SG_RUN_H
#define SG_RUN_H

#include "../core/tree/model.h"
#include "../core/judge/policy.h"
#include "../remedy/result.h"

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
    /* how live values compare (model.h): the policies' catalog when NULL */
    const struct sg_catalog *catalog;
    const char *lensdir;
    enum sg_severity fail_on; /* check, fix: findings at or over it fail */
    bool backup;              /* fix: keep FILE.bak */
    bool edits;               /* check: each finding's fix as spans
                                 (finding.h), the texts in the report */
    bool keep_model;          /* a tree's model stays in the result */
    bool quote; /* check: each finding's line as written (finding.h
                   source), for a view people read */
    bool digests; /* the model keeps each file's SHA-256 (a plan states
                     them: model.h opts.digests) */
};

/* Run O with policies PS. Returns 0, or -1 after *ERR (allocated) says
 * what stopped the run (no memory, no lens, a kernel string that does not
 * parse). Diagnostics about the input are data in R, and count in
 * R->status:
 *   load:    2 on an input error;
 *   check:   2 on an input error, 1 on a finding at or over fail_on;
 *   preview: 2 on an input error, 1 when there is something to change;
 *   fix:     2 on an input or write error, 1 when fixable findings remain
 *            or a finding no fix-up changes is left at or over fail_on
 *            (result.h sg_result_exit: what a front end exits with). */
int sg_run(const struct sg_run_opts *o, const struct sg_policies *ps,
           struct sg_result *r, char **err);

#endif
