/*
 * fix.h - fix-ups that land where they win.
 *
 * From the findings of a model, the edits that fix them: remove or
 * comment out every offending line; set a value on the line that wins,
 * or, when no file the operator owns sets the key, append it to a drop-in
 * that sorts after every other sysctl.d file (layout.h SG_DROPIN); list a
 * key's module in a modules-load.d file (layout.h SG_MODLOAD_DROPIN). Files
 * a package or the running system owns (layout.h) are never edited.
 * Edits go through the lens (parse.h sg_parse_edit), so every line not
 * edited stays byte for byte; a file is written atomically (temporary file
 * in the same directory, fsync, rename, fsync of the directory), keeping
 * owner, group and mode, and only if it still holds what was read.
 *
 * One remedy, computed once per run (sg_fix_plan), and everything else
 * read from it. The words, from the finding to the bytes written:
 *   sg_line_edit one operation on one line (remove, comment out, set,
 *                append), as parse.h applies it to a text;
 *   sg_fix_op    that operation as planned: its file, key and value, the
 *                findings it fixes, and where it landed (its span of the
 *                text before and after);
 *   sg_change    a file's text before and after all of its operations,
 *                with those operations: what fix writes, what plans
 *                carry, what diffs and Ansible's diff show; what a fix
 *                does to each key (sg_changes_effects) is told from its
 *                operations, and SARIF's replacements are their spans;
 *   sg_edit      (run.h) a span as a SARIF replacement, per finding.
 */
#ifndef SG_FIX_H
#define SG_FIX_H

#include <stdbool.h>

#include "../core/judge/eval.h"
#include "../core/judge/finding.h"
#include "../core/tree/model.h"
#include "../core/tree/parse.h"

/* One operation of a change. Its SPAN: the bytes of the change's text
 * before that became which bytes after (parse.h sg_span); an edited line
 * is the whole line with its end, the appends to a file share one span,
 * and in a new file every operation's span is the whole file. */
/* The lines of the header a copy that masks a package's file opens with
 * (fix.c): judging maps the copy's lines back to the package's. */
#define SG_FIX_MASK_HEADER_LINES 5

struct sg_fix_op {
    enum sg_line_op op;
    char *file;    /* target path */
    unsigned line; /* 0 for an append */
    char *key;     /* canonical; in a modules-load.d list, a module */
    char *value;   /* SET and APPEND */
    char **why;    /* "rule file:line" of each finding it fixes */
    size_t n_why;
    struct sg_span span;
};

struct sg_fix_ops {
    struct sg_fix_op *v;
    size_t n, cap;
};

struct sg_change {
    char *path;   /* target path */
    char *before; /* NULL: a new file */
    char *after;
    char **fixes; /* "rule file:line" of each finding it fixes */
    size_t n_fixes;
    struct sg_fix_op *ops; /* what makes AFTER of BEFORE, in line order */
    size_t n_ops;
    bool modules; /* a modules-load.d list (its ops name modules) */
    /* A copy of a package's file that masks it (sysctl.d(5)): the
     * package's file and the text it was copied from; NULL otherwise. */
    char *copy_of, *copy_text;
    bool written;    /* sg_fix_apply wrote it */
    bool unwritable; /* sg_fix_predict: the run could not write it */
};

struct sg_changes {
    struct sg_change *v;
    size_t n, cap;
};

/* The changes that fix FS in model M (one per file, in path order),
 * judged by what they leave (sg_fix_judge) against the policies PS with
 * settings EO. Findings that cannot be fixed here, and fixes taken back,
 * become diagnostics. AFTER (may be NULL): the findings of the tree as
 * the changes would leave it, those with a fix saying why they are left.
 * P: a parser the caller keeps, or NULL: one is made from LENSDIR when a
 * finding has a fix (a tree with nothing to fix never starts Augeas). */
int sg_fix_plan(const struct sg_model *m, const struct sg_policies *ps,
                const struct sg_settings *eo, const struct sg_findings *fs,
                const char *lensdir, struct sg_parser *p,
                struct sg_changes *out, struct sg_findings *after,
                struct sg_diags *diags);
/* The changes for FS as they are, not judged, with a parser the caller
 * keeps (one Augeas for many plans). */
int sg_fix_plan_with(const struct sg_model *m, const struct sg_findings *fs,
                     struct sg_parser *p, struct sg_changes *out,
                     struct sg_diags *diags);

/* Judge the changes CS that fix FS in M by what they leave: M as it would
 * be after them (model.h sg_model_derive), evaluated with the same
 * policies PS and settings EO. A fix is taken back when what it leaves is
 * worse by those rules: a finding the tree did not have, or the finding
 * it was to fix still there. Its finding gets a warning in DIAGS naming
 * what it would have left, and CS is planned again without it (P: the
 * parser), until nothing left is worse than before. *AFTER: the findings
 * of the tree as CS leaves it, those with a fix saying why they are left
 * (sg_fix_why_left). Returns 0 or a negative errno. */
int sg_fix_judge(const struct sg_model *m, const struct sg_policies *ps,
                 const struct sg_settings *eo, const struct sg_findings *fs,
                 struct sg_parser *p, struct sg_changes *cs,
                 struct sg_findings *after, struct sg_diags *diags);

/* Whether one of CS fixes F. */
bool sg_changes_fix(const struct sg_changes *cs, const struct sg_finding *f);

/* For each finding of AFTER that has a fix: why it is still there (its
 * why_left), from what DIAGS (planning and writing) say about the same
 * finding in BEFORE: its line there, else its file. CS (or NULL): the
 * changes between the two, through which a finding is known by its line.
 * Returns 0 or -ENOMEM. */
int sg_fix_why_left(const struct sg_findings *before, struct sg_findings *after,
                    const struct sg_changes *cs, const struct sg_diags *diags);

/* What sg_fix_apply would say of CS without writing (predict.c): a
 * "not-fixed" error in D for each file the effective user could not
 * write (its directory not writable, a read-only mount, another user's
 * file it could not keep the owner of), and that change marked
 * unwritable. 0, or -ENOMEM. */
int sg_fix_predict(const struct sg_model *m, struct sg_changes *cs,
                   struct sg_diags *d);

/* Write the changes under M's root (fragments: as given) as save.h says,
 * marking each change written or not. BACKUP keeps the old text as
 * FILE.bak. Returns 0, or a negative errno after a diagnostic naming the
 * file; files already written stay written, the failing one is untouched. */
int sg_fix_apply(const struct sg_model *m, struct sg_changes *cs, bool backup,
                 struct sg_diags *diags);

void sg_changes_free(struct sg_changes *cs);

/* What OPS do to the effective value of each key they touch (Salt's
 * changes, {key: {old, new}}): the value now and the value after; NULL
 * when nothing sets the key (the kernel's default applies). One entry
 * per key, in key order. */
struct sg_effect {
    char *key;
    char *old_value;
    char *new_value;
};

struct sg_effects {
    struct sg_effect *v;
    size_t n, cap;
};

int sg_fix_effects(const struct sg_model *m, const struct sg_fix_ops *ops,
                   struct sg_effects *out);
/* What the changes CS (WRITTEN: only those written) do: the effects of
 * their operations on the keys of M, in key order, then each
 * modules-load.d list they change (sg_fix_list_effect). */
int sg_changes_effects(const struct sg_model *m, const struct sg_changes *cs,
                       bool written, struct sg_effects *out);
/* The effect of change C when it is a modules-load.d list (modload.h):
 * *OUT gets its path as the key and the modules the text names before
 * and after, one space between (NULL: none). Returns 1 when it is one, 0
 * when C is a sysctl file, or -ENOMEM. */
int sg_fix_list_effect(const struct sg_change *c, struct sg_effect *out);
void sg_effects_free(struct sg_effects *fx);

#endif
