/*
 * session.h - one run of check, of fix's plan, or of fix over a tree or
 * over fragment files (each on its own), as data: the findings, the
 * diagnostics, the files read, and for fix the changes, what they do to
 * each key, and the findings a fix could still change. Nothing is
 * printed here; the front ends (check, fix, the Ansible module) run a
 * session and choose what to print and which exit code to use.
 */
#ifndef SG_SESSION_H
#define SG_SESSION_H

#include "emit.h"
#include "../core/fix.h"

enum sg_session_mode {
    SG_SESSION_CHECK, /* findings only */
    SG_SESSION_PLAN,  /* findings and the changes fix would make */
    SG_SESSION_FIX,   /* make the changes, then the findings left */
};

struct sg_session {
    struct sg_report report;   /* findings: after the fix when it ran */
    struct sg_diags fix_diags; /* from planning and writing */
    struct sg_changes changes; /* planned; after a fix each says whether
                                  it was written */
    struct sg_effects effects; /* per key: effective value before, after */
    struct sg_findings left;   /* findings with a fix, after the fix (a
                                  plan: as it would leave them), each
                                  saying why it is left (why_left) */
    int status;                /* the exit code the run amounts to */
    bool applied;              /* SG_SESSION_FIX: changes were written */
};

/* Run MODE over the command line's tree or fragments with policies PS.
 * Returns 0, or -1 after *ERR (allocated) says what stopped the run (no
 * memory, no lens, a kernel string that does not parse). Diagnostics about
 * the input are data in S, and count in S->status:
 *   check: 2 on an input error, 1 on a finding at or over --fail-on;
 *   plan:  2 on an input error, 1 when there is something to change;
 *   fix:   2 on an input or write error, 1 when fixable findings remain. */
int sg_session_run(const struct sg_cli *cli, const struct sg_policies *ps,
                   enum sg_session_mode mode, struct sg_session *s, char **err);
void sg_session_free(struct sg_session *s);

/* Whether change C counts as done: planned (check mode, dry run) or
 * written (fix). What every front end reports as fixed or changed. */
bool sg_change_counts(const struct sg_session *s, const struct sg_change *c);
/* How many changes count. */
size_t sg_session_changed(const struct sg_session *s);

#endif
