/*
 * relate.h - what the kernel makes of lines together (issue 27), as the
 * evaluator asks it of one line: a later line of the same file that sets
 * the key again. Every question is answered from the model as read; the
 * indexes it keeps (struct sg_relate) are built once per file, so a rule
 * on every line of a file of N lines costs O(N), not O(N^2).
 */
#ifndef SG_RELATE_H
#define SG_RELATE_H

#include "../base/util.h"
#include "../tree/model.h"

/* The evaluator's memory of the relations it asked about: owned by one
 * evaluation, freed with sg_relate_free. Zero-initialised is empty. */
struct sg_relate {
    const struct sg_file *file; /* the file LAST indexes */
    struct sg_strmap last;      /* key -> index of its last line there */
    bool oom;                   /* an index could not be built */
};

/* The last line of A's own file that sets A's key (not as a glob) after A,
 * when its value differs from A's (fields compared as the kernel splits
 * them: blanks and tabs alike). Under systemd-sysctl the later line
 * replaces A before anything is written; `sysctl -p` writes both, A first.
 * Either way A does nothing. NULL when there is none, A is a glob or an
 * exclusion, or memory ran out (R->oom). */
const struct sg_assignment *sg_relate_again(struct sg_relate *r,
                                            const struct sg_model *m,
                                            const struct sg_assignment *a);

void sg_relate_free(struct sg_relate *r);

#endif
