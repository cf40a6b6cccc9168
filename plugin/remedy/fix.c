/*
 * fix.c - see fix.h. Planning: each finding with a fix finds its line by
 * binary search in its file's assignments and adds an edit to that
 * file's list (an earlier edit of the same line, or append of the same
 * key, is found through an index: a key set on every line of a file of N
 * lines is N edits, never N² comparisons); each file is then read
 * again, checked against the hash it was read with, and edited in one
 * pass (parse.h sg_parse_edit_spans). Judging re-evaluates the tree as
 * the changes leave it (model.h sg_model_derive) once per round, with an
 * index of the findings (struct same_index) and of the fixes (mark_fixed)
 * so a round is linear in them; a round that takes a fix back plans again
 * without it. What the operations do to each key (sg_fix_effects) and why
 * a finding is left (why_left) are looked up the same way (struct
 * ops_index, struct diag_index).
 */
#include "fix.h"
#include "../core/judge/eval.h"
#include "../core/kernel/keys.h"
#include "../core/tree/modload.h"
#include "../core/tree/parse.h"
#include "../core/tree/rootfs.h"
#include "../core/base/sha256.h"
#include "save.h"
#include "../core/base/util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define DROPIN_HEADER                                                          \
    "# Written by sysctl-guard fix. This file sorts after the other\n"         \
    "# sysctl.d files, so the settings here win at boot.\n"

/* Opens a copy of a package's file that masks it; %s the package's file,
 * %s its sha256. */
#define MASK_HEADER                                                            \
    "# Written by sysctl-guard fix: a copy of %s\n"                            \
    "# (sha256 %s)\n"                                                          \
    "# without the lines this kernel cannot take. A file of this name here\n"  \
    "# masks the package's (sysctl.d(5)): later updates of it by its "         \
    "package\n"                                                                \
    "# no longer apply; compare them with this copy.\n"
#define MASK_HEADER_LINES 5

#define MODLOAD_HEADER                                                         \
    "# Written by sysctl-guard fix: modules loaded at boot before\n"           \
    "# systemd-sysctl applies the sysctl.d files, so that the keys they\n"     \
    "# provide exist by then (sysctl.d(5), modules-load.d(5)).\n"

/* The findings an edit fixes, "rule file:line" each (owned). */
struct whys {
    char **v;
    size_t n, cap;
};

/* The edits planned for one file. */
struct pending {
    char *path;
    char *copy_of; /* a package's file this one copies, to mask it */
    struct sg_line_edit *v;
    size_t n, cap;
    struct whys *whys; /* per edit */
    size_t whys_cap;
    char **fixes; /* every finding fixed in this file (owned) */
    size_t n_fixes, fixes_cap;
    struct sg_u64map at_line; /* line -> its edit (not an append) */
    struct sg_strmap appends; /* key -> its append */
};

static int whys_add(struct whys *w, const char *why)
{
    for (size_t i = 0; i < w->n; i++)
        if (strcmp(w->v[i], why) == 0)
            return 0;
    char *c = strdup(why);
    if (!c || SG_PUSH(*w, c) < 0) {
        free(c);
        return -ENOMEM;
    }
    return 0;
}

static void whys_free(struct whys *w)
{
    for (size_t i = 0; i < w->n; i++)
        free(w->v[i]);
    free(w->v);
    memset(w, 0, sizeof(*w));
}

struct plan {
    struct pending *v;
    size_t n, cap;
    struct sg_strmap files; /* path -> index into v */
};

static bool editable(const struct sg_model *m, const char *path)
{
    return m->fragment || sg_operator_owns(path);
}

static struct pending *pending_for(struct plan *pl, const char *path)
{
    size_t i = sg_strmap_get(&pl->files, path), old;
    if (i != SIZE_MAX)
        return &pl->v[i];
    struct pending p = {.path = strdup(path)};
    if (!p.path || SG_PUSH(*pl, p) < 0) {
        free(p.path);
        return NULL;
    }
    if (sg_strmap_put(&pl->files, pl->v[pl->n - 1].path, pl->n - 1, &old) < 0)
        return NULL; /* the pending stays, for plan_free */
    return &pl->v[pl->n - 1];
}

/* The assignment on LINE of FILE: a binary search, as a file's
 * assignments are in line order. */
static const struct sg_assignment *
assignment_at(const struct sg_model *m, const char *file, unsigned line)
{
    const struct sg_file *f = sg_model_file(m, file);
    size_t lo = 0, hi = f ? f->assignments.n : 0;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        unsigned l = f->assignments.v[mid].line;
        if (l == line)
            return &f->assignments.v[mid];
        if (l < line)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

static int strength(enum sg_line_op op)
{
    return op == SG_LINE_REMOVE ? 3 : op == SG_LINE_COMMENT ? 2 : 1;
}

/* Add OP for assignment A (or an append when A is NULL) to FILE; of two
 * edits of one line the stronger stays (remove > comment out > set). */
static int add_edit(struct plan *pl, const char *file, enum sg_line_op op,
                    const struct sg_assignment *a, const char *key,
                    const char *value, const char *why)
{
    struct pending *p = pending_for(pl, file);
    size_t i, old;
    if (!p)
        return -ENOMEM;
    i = a ? sg_u64map_get(&p->at_line, a->line)
          : sg_strmap_get(&p->appends, key);
    if (i != SIZE_MAX) {
        struct sg_line_edit *e = &p->v[i];
        if (strength(op) >= strength(e->op)) {
            e->op = op;
            e->value = value;
        }
        if (whys_add(&p->whys[i], why) < 0)
            return -ENOMEM;
    } else {
        struct sg_line_edit e = {.op = op,
                                 .line = a ? a->line : 0,
                                 .key = a && !key ? a->key : key,
                                 .value = value};
        if (sg_grow((void **)&p->whys, sizeof(*p->whys), p->n, &p->whys_cap) <
            0)
            return -ENOMEM;
        memset(&p->whys[p->n], 0, sizeof(p->whys[p->n]));
        if (whys_add(&p->whys[p->n], why) < 0)
            return -ENOMEM;
        if (SG_PUSH(*p, e) < 0) {
            whys_free(&p->whys[p->n]);
            return -ENOMEM;
        }
        if ((a ? sg_u64map_put(&p->at_line, a->line, p->n - 1, &old)
               : sg_strmap_put(&p->appends, key, p->n - 1, &old)) < 0)
            return -ENOMEM;
    }
    if (sg_grow((void **)&p->fixes, sizeof(*p->fixes), p->n_fixes,
                &p->fixes_cap) < 0 ||
        !(p->fixes[p->n_fixes] = strdup(why)))
        return -ENOMEM;
    p->n_fixes++;
    return 0;
}

static int cannot(struct sg_diags *d, const struct sg_finding *f,
                  const char *file, unsigned line)
{
    return sg_diag_add(d, SG_SEV_WARNING, "not-fixable", file, line,
                       "%s: not fixed here: %s belongs to a package (never "
                       "edited); override it in /etc/sysctl.d",
                       f->rule->id, file);
}

/* Remove or comment out every line that sets KEY with a value. */
static int every_line(const struct sg_model *m, struct plan *pl,
                      const struct sg_finding *f, enum sg_line_op op,
                      const char *why, struct sg_diags *d)
{
    int r = 0;
    for (size_t i = 0; i < m->n_applied && r == 0; i++) {
        const struct sg_file *file = m->applied[i].file;
        bool seen = !m->applied[i].first;
        for (size_t j = 0; !seen && j < file->assignments.n && r == 0; j++) {
            const struct sg_assignment *a = &file->assignments.v[j];
            if (!a->value || strcmp(a->key, f->fix_key) != 0)
                continue;
            r = editable(m, a->file)
                    ? add_edit(pl, a->file, op, a, NULL, NULL, why)
                    : cannot(d, f, a->file, a->line);
        }
    }
    return r;
}

/* The line A of a package's file goes with a copy of that file, without
 * it, which masks the package's (sg_model_mask_path); where no copy can
 * mask it, the line is not fixed here. */
static int mask_edit(const struct sg_model *m, struct plan *pl,
                     const struct sg_finding *f, const struct sg_assignment *a,
                     enum sg_line_op op, const char *why, struct sg_diags *d)
{
    char *mask = sg_model_mask_path(m, a->file);
    if (!mask)
        return cannot(d, f, a->file, a->line);
    struct pending *p = pending_for(pl, mask);
    int r = p ? 0 : -ENOMEM;
    if (r == 0 && !p->copy_of && !(p->copy_of = strdup(a->file)))
        r = -ENOMEM;
    if (r == 0 && strcmp(p->copy_of, a->file) != 0)
        r = cannot(d, f, a->file, a->line); /* two packages' files, one name */
    else if (r == 0)
        r = add_edit(pl, mask, op, a, NULL, NULL, why);
    free(mask);
    return r;
}

static int plan_finding(const struct sg_model *m, struct plan *pl,
                        const struct sg_finding *f, struct sg_diags *d)
{
    char why[512];
    const struct sg_assignment *a =
        f->file ? assignment_at(m, f->file, f->line) : NULL;

    sg_finding_why(f, why, sizeof(why));
    if (f->fix == SG_FIX_LOAD_MODULE) /* an append of the module's name */
        return add_edit(pl, f->fix_file, SG_LINE_APPEND, NULL, f->fix_value,
                        NULL, why);
    if (f->fix == SG_FIX_SET) {
        if (a && f->fix_file && strcmp(f->fix_file, a->file) == 0)
            return add_edit(pl, a->file, SG_LINE_SET, a, f->fix_key,
                            f->fix_value, why);
        if (!f->fix_file)
            return cannot(d, f, f->file ? f->file : "-", f->line);
        return add_edit(pl, f->fix_file, SG_LINE_APPEND, NULL, f->fix_key,
                        f->fix_value, why);
    }
    enum sg_line_op op =
        f->fix == SG_FIX_REMOVE ? SG_LINE_REMOVE : SG_LINE_COMMENT;
    if (f->rule->on_lines) {
        if (!a)
            return 0;
        if (editable(m, a->file))
            return add_edit(pl, a->file, op, a, NULL, NULL, why);
        return mask_edit(m, pl, f, a, op, why, d);
    }
    return every_line(m, pl, f, op, why, d);
}

static int cmp_change(const void *a, const void *b)
{
    return strcmp(((const struct sg_change *)a)->path,
                  ((const struct sg_change *)b)->path);
}

static void op_clear(struct sg_fix_op *op)
{
    free(op->file);
    free(op->key);
    free(op->value);
    for (size_t i = 0; i < op->n_why; i++)
        free(op->why[i]);
    free(op->why);
}

static void change_clear(struct sg_change *c)
{
    free(c->path);
    free(c->before);
    free(c->after);
    free(c->copy_of);
    free(c->copy_text);
    for (size_t j = 0; j < c->n_fixes; j++)
        free(c->fixes[j]);
    free(c->fixes);
    for (size_t j = 0; j < c->n_ops; j++)
        op_clear(&c->ops[j]);
    free(c->ops);
    memset(c, 0, sizeof(*c));
}

/* Operations in line order, the appends (line 0) last. */
static int cmp_op(const void *x, const void *y)
{
    const struct sg_fix_op *a = x, *b = y;
    unsigned la = a->line ? a->line : UINT_MAX,
             lb = b->line ? b->line : UINT_MAX;
    return (la > lb) - (la < lb);
}

/* Record change C (its before and after set) with PD's path, fixes and
 * operations, each landing where SPANS say (NULL: a new file, made whole
 * by each of them). */
static int push_change(struct pending *pd, struct sg_change *c,
                       const struct sg_span *spans, struct sg_changes *out)
{
    int r = 0;

    c->path = strdup(pd->path);
    c->ops = calloc(pd->n ? pd->n : 1, sizeof(*c->ops));
    if (!c->path || !c->ops)
        r = -ENOMEM;
    for (size_t i = 0; r == 0 && i < pd->n; i++) {
        const struct sg_line_edit *e = &pd->v[i];
        struct sg_fix_op *op = &c->ops[c->n_ops++];
        op->op = e->op;
        op->line = e->line;
        op->file = strdup(pd->path);
        op->key = e->key ? strdup(e->key) : NULL;
        op->value = e->value ? strdup(e->value) : NULL;
        op->why = pd->whys[i].v; /* now the operation's */
        op->n_why = pd->whys[i].n;
        memset(&pd->whys[i], 0, sizeof(pd->whys[i]));
        op->span =
            spans ? spans[i] : (struct sg_span){.to_len = strlen(c->after)};
        if (!op->file || (e->key && !op->key) || (e->value && !op->value))
            r = -ENOMEM;
    }
    if (r == 0 && c->n_ops > 1)
        qsort(c->ops, c->n_ops, sizeof(*c->ops), cmp_op);
    if (r == 0) {
        c->fixes = pd->fixes; /* now the change's */
        c->n_fixes = pd->n_fixes;
        pd->fixes = NULL;
        pd->n_fixes = pd->fixes_cap = 0;
        r = SG_PUSH(*out, *c);
    }
    if (r < 0)
        change_clear(c);
    return r;
}

/* A modules-load.d list: its text beneath the root (or a header, for a
 * new one) and a line for each module it does not name yet, in the line
 * ending its lines have. Not through the lens: one name a line is all
 * there is to the format (modules-load.d(5)). */
static int realise_list(const struct sg_model *m, struct pending *pd,
                        struct sg_changes *out, struct sg_diags *d)
{
    struct sg_change c = {0};
    struct sg_modload have = {0};
    struct sg_buf b = {0};
    char *res = NULL;
    size_t len = 0;
    int err = 0, r = sg_chase_at(m->rootfd, pd->path, &res);

    if ((r == 0 || r == -ENOENT) && res && strcmp(res, pd->path) != 0) {
        r = sg_diag_add(d, SG_SEV_ERROR, "not-fixable", pd->path, 0,
                        "is a symlink (to %s): not edited, as the link "
                        "would become a copy",
                        res);
        free(res);
        return r;
    }
    free(res);
    if (r == 0 &&
        sg_read_at(m->rootfd, pd->path, &c.before, &len, &err) != SG_READ_OK)
        return sg_diag_add(d, SG_SEV_ERROR, "not-fixable", pd->path, 0,
                           "cannot read it to add a module to it: not "
                           "edited");
    if (r < 0 && r != -ENOENT) /* -ENOENT: a new file */
        return r == -ENOMEM
                   ? r
                   : sg_diag_add(d, SG_SEV_ERROR, "not-fixable", pd->path, 0,
                                 "cannot look it up inside the "
                                 "root: not edited");
    const char *eol = c.before && strstr(c.before, "\r\n") ? "\r\n" : "\n";
    r = c.before ? sg_modload_add_list(&have, c.before) : 0;
    if (r == 0)
        r = sg_buf_printf(&b, "%s", c.before ? c.before : MODLOAD_HEADER);
    /* Every module's line is in one span: what follows the old text. */
    struct sg_span added = {.at = len, .to = b.n};
    if (r == 0 && len && c.before[len - 1] != '\n')
        r = sg_buf_printf(&b, "%s", eol);
    for (size_t i = 0; r == 0 && i < pd->n; i++)
        if (!sg_modload_loads(&have, pd->v[i].key))
            r = sg_buf_printf(&b, "%s%s", pd->v[i].key, eol);
    sg_modload_free(&have);
    c.after = b.v ? b.v : strdup("");
    if (r < 0 || !c.after || (c.before && strcmp(c.before, c.after) == 0)) {
        free(c.before);
        free(c.after);
        return r < 0 ? r : c.after ? 0 : -ENOMEM;
    }
    struct sg_span *spans = calloc(pd->n, sizeof(*spans));
    if (!spans) {
        free(c.before);
        free(c.after);
        return -ENOMEM;
    }
    added.to_len = b.n - added.to;
    for (size_t i = 0; i < pd->n; i++)
        spans[i] = added;
    c.modules = true;
    r = push_change(pd, &c, c.before ? spans : NULL, out);
    free(spans);
    return r;
}

/* A copy of the package's file PD->copy_of, its lines edited, as the new
 * file PD->path that masks it: the header says what it copies. Its spans
 * are of the package's text (shifted by the header), so that a finding
 * on the copy is known by the package's line (sg_fix_judge). */
static int realise_copy(const struct sg_model *m, struct sg_parser *p,
                        struct pending *pd, struct sg_changes *out,
                        struct sg_diags *d)
{
    const struct sg_file *f = sg_model_file(m, pd->copy_of);
    struct sg_change c = {0};
    char *body = NULL, hex[65];
    size_t len = 0;
    int err = 0, r;
    int fd = sg_root_openat(m->rootfd, pd->path, O_PATH);

    if (fd >= 0 || fd == -ELOOP) {
        if (fd >= 0)
            close(fd);
        return sg_diag_add(d, SG_SEV_ERROR, "not-fixable", pd->path, 0,
                           "exists but was not read: not written");
    }
    if (!f || !f->readable ||
        sg_read_at(m->rootfd, pd->copy_of, &c.copy_text, &len, &err) !=
            SG_READ_OK ||
        len != f->text_len || sg_hash(c.copy_text, len) != f->text_hash) {
        free(c.copy_text);
        return sg_diag_add(d, SG_SEV_ERROR, "not-fixed", pd->copy_of, 0,
                           "changed since it was read: not copied");
    }
    struct sg_span *spans = calloc(pd->n ? pd->n : 1, sizeof(*spans));
    r = spans ? sg_parse_edit_spans(p, c.copy_text, pd->v, pd->n, &body, spans)
              : -ENOMEM;
    if (r < 0) {
        free(spans);
        free(c.copy_text);
        return r == -ENOMEM
                   ? r
                   : sg_diag_add(d, SG_SEV_ERROR, "not-fixable", pd->path, 0,
                                 "the lens could not make the edit");
    }
    sg_sha256_hex(c.copy_text, len, hex);
    char *head = sg_strdup_printf(MASK_HEADER, pd->copy_of, hex);
    c.after = head ? sg_strdup_printf("%s%s", head, body) : NULL;
    c.copy_of = strdup(pd->copy_of);
    free(head);
    free(body);
    free(spans);
    if (!c.after || !c.copy_of) {
        free(c.after);
        free(c.copy_of);
        free(c.copy_text);
        return -ENOMEM;
    }
    /* A new file: each op makes it whole (SARIF creates it). */
    return push_change(pd, &c, NULL, out);
}

/* Turn one file's edits into its new text. */
static int realise(const struct sg_model *m, struct sg_parser *p,
                   struct pending *pd, struct sg_changes *out,
                   struct sg_diags *d)
{
    const struct sg_file *f = sg_model_file(m, pd->path);
    struct sg_change c = {0};
    int err = 0, r;
    size_t len;
    struct stat st;

    if (!m->fragment && sg_modload_is_list(pd->path))
        return realise_list(m, pd, out, d);
    if (pd->copy_of)
        return realise_copy(m, p, pd, out, d);
    if (m->fragment && lstat(pd->path, &st) == 0 && S_ISLNK(st.st_mode))
        return sg_diag_add(d, SG_SEV_ERROR, "not-fixable", pd->path, 0,
                           "is a symlink: not edited, as the link would "
                           "become a copy; fix its target instead");
    if (f) {
        enum sg_read_status rs =
            m->fragment
                ? sg_read_file(pd->path, &c.before, &len, &err)
                : sg_read_at(m->rootfd, pd->path, &c.before, &len, &err);
        if (rs != SG_READ_OK || !f->readable) {
            free(c.before);
            return sg_diag_add(d, SG_SEV_ERROR, "not-fixable", pd->path, 0,
                               "cannot read it again to edit it");
        }
        /* The edits address lines of the text the model was built from:
         * on any other text they would hit the wrong lines. */
        if (len != f->text_len || sg_hash(c.before, len) != f->text_hash) {
            free(c.before);
            return sg_diag_add(d, SG_SEV_ERROR, "not-fixed", pd->path, 0,
                               "changed since it was read: not edited");
        }
    } else {
        int fd = m->fragment ? -1 : sg_root_openat(m->rootfd, pd->path, O_PATH);
        if (m->fragment || fd >= 0 || fd == -ELOOP) {
            if (fd >= 0)
                close(fd);
            /* It exists but was not read (not *.conf, hidden ...). */
            return sg_diag_add(d, SG_SEV_ERROR, "not-fixable", pd->path, 0,
                               "exists but was not read: not edited");
        }
    }
    struct sg_span *spans = calloc(pd->n ? pd->n : 1, sizeof(*spans));
    r = spans ? sg_parse_edit_spans(p, c.before ? c.before : DROPIN_HEADER,
                                    pd->v, pd->n, &c.after, spans)
              : -ENOMEM;
    if (r < 0) {
        free(spans);
        free(c.before);
        return r == -ENOMEM
                   ? r
                   : sg_diag_add(d, SG_SEV_ERROR, "not-fixable", pd->path, 0,
                                 "the lens could not make the edit");
    }
    if (c.before && strcmp(c.before, c.after) == 0) {
        free(spans);
        free(c.before);
        free(c.after);
        return 0;
    }
    /* A new file's spans are of its header: each op makes it whole. */
    r = push_change(pd, &c, c.before ? spans : NULL, out);
    free(spans);
    return r;
}

static void plan_free(struct plan *pl)
{
    for (size_t i = 0; i < pl->n; i++) {
        free(pl->v[i].path);
        free(pl->v[i].copy_of);
        for (size_t j = 0; j < pl->v[i].n; j++)
            whys_free(&pl->v[i].whys[j]);
        free(pl->v[i].whys);
        free(pl->v[i].v);
        for (size_t j = 0; j < pl->v[i].n_fixes; j++)
            free(pl->v[i].fixes[j]);
        free(pl->v[i].fixes);
        sg_u64map_free(&pl->v[i].at_line);
        sg_strmap_free(&pl->v[i].appends);
    }
    free(pl->v);
    sg_strmap_free(&pl->files);
    memset(pl, 0, sizeof(*pl));
}

static int build_plan(const struct sg_model *m, const struct sg_findings *fs,
                      struct plan *pl, struct sg_diags *diags)
{
    int r = 0;
    for (size_t i = 0; i < fs->n && r == 0; i++)
        /* A suppressed finding was judged and accepted: not fixed. */
        if (fs->v[i].fix != SG_FIX_NONE && !fs->v[i].suppressed)
            r = plan_finding(m, pl, &fs->v[i], diags);
    return r;
}

int sg_fix_plan_with(const struct sg_model *m, const struct sg_findings *fs,
                     struct sg_parser *p, struct sg_changes *out,
                     struct sg_diags *diags)
{
    struct plan pl = {0};
    int r = build_plan(m, fs, &pl, diags);

    memset(out, 0, sizeof(*out));
    for (size_t i = 0; i < pl.n && r == 0; i++)
        r = realise(m, p, &pl.v[i], out, diags);
    plan_free(&pl);
    if (out->n)
        qsort(out->v, out->n, sizeof(*out->v), cmp_change);
    return r;
}

static int copy_findings(const struct sg_findings *fs, struct sg_findings *out)
{
    memset(out, 0, sizeof(*out));
    for (size_t i = 0; i < fs->n; i++) {
        struct sg_finding c;
        if (sg_finding_copy(&fs->v[i], &c) < 0)
            return -ENOMEM;
        if (SG_PUSH(*out, c) < 0) {
            sg_finding_clear(&c);
            return -ENOMEM;
        }
    }
    return 0;
}

int sg_fix_plan(const struct sg_model *m, const struct sg_policies *ps,
                const struct sg_settings *eo, const struct sg_findings *fs,
                const char *lensdir, struct sg_parser *p,
                struct sg_changes *out, struct sg_findings *after,
                struct sg_diags *diags)
{
    struct sg_findings mine = {0};
    struct sg_parser *own = NULL;
    char *err = NULL;
    bool any = false;
    int r = 0;

    memset(out, 0, sizeof(*out));
    for (size_t i = 0; i < fs->n && !any; i++)
        any = fs->v[i].fix != SG_FIX_NONE && !fs->v[i].suppressed;
    if (any && !p && (r = sg_parser_new(lensdir, &own, &err)) < 0) {
        sg_diag_add(diags, SG_SEV_ERROR, "lens", lensdir, 0, "%s",
                    err ? err : "cannot load the lens");
        free(err);
        return r;
    }
    p = p ? p : own;
    if (any)
        r = sg_fix_plan_with(m, fs, p, out, diags);
    after = after ? after : &mine;
    if (r == 0 && out->n) {
        r = sg_fix_judge(m, ps, eo, fs, p, out, after, diags);
    } else if (r == 0) {
        /* Nothing changes: what is left is what is there. */
        r = copy_findings(fs, after);
        if (r == 0)
            r = sg_fix_why_left(fs, after, NULL, diags);
    }
    sg_findings_free(&mine);
    sg_parser_free(own);
    return r;
}

/* Write one change (save.h), refusing when the file is not what was
 * read; C->written says whether it was. */
static int apply_one(const struct sg_model *m, struct sg_change *c, bool backup,
                     struct sg_diags *d)
{
    struct sg_save sv;
    char *why = NULL;
    int r = sg_save_begin(m->fragment ? -1 : m->rootfd, c->path, c->before, &sv,
                          &why);

    if (r == 0 && backup && c->before)
        r = sg_save_backup(&sv, c->before, strlen(c->before), &why);
    if (r == 0)
        r = sg_save_commit(&sv, c->after, strlen(c->after), &why);
    sg_save_end(&sv);
    c->written = r == 0;
    if (r < 0 && (why || r != -ENOMEM))
        sg_diag_add(d, SG_SEV_ERROR, "not-fixed", c->path, 0,
                    "%s (the file is unchanged)", why ? why : strerror(-r));
    free(why);
    return r;
}

int sg_fix_apply(const struct sg_model *m, struct sg_changes *cs, bool backup,
                 struct sg_diags *diags)
{
    int first = 0;
    for (size_t i = 0; i < cs->n; i++) {
        int r = apply_one(m, &cs->v[i], backup, diags);
        if (r == -ENOMEM)
            return r;
        if (r < 0 && !first)
            first = r;
    }
    return first;
}

void sg_changes_free(struct sg_changes *cs)
{
    for (size_t i = 0; i < cs->n; i++)
        change_clear(&cs->v[i]);
    free(cs->v);
    memset(cs, 0, sizeof(*cs));
}

/* Where the operations of a sg_fix_ops are, so that telling their
 * effects is linear in them and in the lines of the keys they touch. */
struct ops_index {
    struct sg_strmap files;   /* file -> its number */
    struct sg_u64map at;      /* number << 32 | line -> the first op there */
    struct sg_strmap appends; /* key -> the last append of it */
};

static void ops_index_free(struct ops_index *ix)
{
    sg_strmap_free(&ix->files);
    sg_u64map_free(&ix->at);
    sg_strmap_free(&ix->appends);
}

static int ops_index_build(const struct sg_fix_ops *ops, struct ops_index *ix)
{
    int r = 0;
    memset(ix, 0, sizeof(*ix));
    for (size_t i = 0; i < ops->n && r == 0; i++) {
        const struct sg_fix_op *op = &ops->v[i];
        size_t old;
        if (op->op == SG_LINE_APPEND)
            continue;
        r = sg_strmap_put(&ix->files, op->file, ix->files.n, &old);
        size_t fno = old == SIZE_MAX ? ix->files.n - 1 : old;
        if (r == 0)
            r = sg_u64map_put(&ix->at, (uint64_t)fno << 32 | op->line, i, &old);
    }
    for (size_t i = ops->n; i-- > 0 && r == 0;) {
        size_t old;
        if (ops->v[i].op == SG_LINE_APPEND && ops->v[i].key)
            r = sg_strmap_put(&ix->appends, ops->v[i].key, i, &old);
    }
    if (r < 0)
        ops_index_free(ix);
    return r;
}

/* The op of OPS on line LINE of FILE, or NULL. */
static const struct sg_fix_op *op_at(const struct ops_index *ix,
                                     const struct sg_fix_ops *ops,
                                     const char *file, unsigned line)
{
    size_t fno = sg_strmap_get(&ix->files, file);
    size_t i = fno == SIZE_MAX
                   ? SIZE_MAX
                   : sg_u64map_get(&ix->at, (uint64_t)fno << 32 | line);
    return i == SIZE_MAX ? NULL : &ops->v[i];
}

/* The effective value of KEY once OPS are applied: replay its
 * assignments in order, skipping removed and commented lines, taking a
 * set's new value; an append lands in the drop-in, which sorts last. */
static const char *value_after(const struct sg_setting *s,
                               const struct ops_index *ix,
                               const struct sg_fix_ops *ops, const char *key)
{
    const char *v = NULL;
    for (size_t i = 0; s && i <= s->n_overridden; i++) {
        const struct sg_assignment *a =
            i < s->n_overridden ? s->overridden[i] : s->winner;
        const struct sg_fix_op *op = op_at(ix, ops, a->file, a->line);
        if (!op) {
            if (a->value) /* not a "-key" exclusion */
                v = a->value;
        } else if (op->op == SG_LINE_SET)
            v = op->value;
    }
    size_t last = sg_strmap_get(&ix->appends, key);
    return last == SIZE_MAX ? v : ops->v[last].value;
}

static int cmp_effect(const void *a, const void *b)
{
    return strcmp(((const struct sg_effect *)a)->key,
                  ((const struct sg_effect *)b)->key);
}

int sg_fix_effects(const struct sg_model *m, const struct sg_fix_ops *ops,
                   struct sg_effects *out)
{
    struct ops_index ix;
    struct sg_strmap done = {0}; /* keys told */
    int r = ops_index_build(ops, &ix);

    memset(out, 0, sizeof(*out));
    for (size_t i = 0; i < ops->n && r == 0; i++) {
        const char *key = ops->v[i].key;
        size_t seen;
        if (!key || (r = sg_strmap_put(&done, key, 0, &seen)) < 0 ||
            seen != SIZE_MAX)
            continue;
        const struct sg_setting *s = sg_model_get(m, key);
        const char *old = s && s->winner ? s->winner->value : NULL;
        const char *nv = value_after(s, &ix, ops, key);
        struct sg_effect e = {.key = strdup(key),
                              .old_value = old ? strdup(old) : NULL,
                              .new_value = nv ? strdup(nv) : NULL};
        if (!e.key || (old && !e.old_value) || (nv && !e.new_value) ||
            SG_PUSH(*out, e) < 0) {
            free(e.key);
            free(e.old_value);
            free(e.new_value);
            r = -ENOMEM;
        }
    }
    ops_index_free(&ix); /* zeroed when building it failed */
    sg_strmap_free(&done);
    if (r < 0) {
        sg_effects_free(out);
        return r;
    }
    if (out->n)
        qsort(out->v, out->n, sizeof(*out->v), cmp_effect);
    return 0;
}

/* The modules TEXT names, one space between, or NULL. */
static int list_names(const char *text, char **out)
{
    struct sg_modload ml = {0};
    struct sg_buf b = {0};
    int r = text ? sg_modload_add_list(&ml, text) : 0;
    for (size_t i = 0; r == 0 && i < ml.n_modules; i++)
        r = sg_buf_printf(&b, "%s%s", i ? " " : "", ml.modules[i]);
    sg_modload_free(&ml);
    *out = r == 0 ? b.v : NULL;
    if (r < 0)
        free(b.v);
    return r;
}

int sg_fix_list_effect(const struct sg_change *c, struct sg_effect *out)
{
    memset(out, 0, sizeof(*out));
    if (!sg_modload_is_list(c->path))
        return 0;
    if (!(out->key = strdup(c->path)) ||
        list_names(c->before, &out->old_value) < 0 ||
        list_names(c->after, &out->new_value) < 0) {
        free(out->key);
        free(out->old_value);
        memset(out, 0, sizeof(*out));
        return -ENOMEM;
    }
    return 1;
}

static bool counts(const struct sg_change *c, bool written)
{
    return written ? c->written : !c->unwritable;
}

int sg_changes_effects(const struct sg_model *m, const struct sg_changes *cs,
                       bool written, struct sg_effects *out)
{
    struct sg_fix_ops ops = {0};
    size_t n = 0;
    int r;

    memset(out, 0, sizeof(*out));
    /* WRITTEN: what was written; else what a run would write (not what
     * sg_fix_predict says it could not). */
    for (size_t i = 0; i < cs->n; i++)
        if (!cs->v[i].modules && counts(&cs->v[i], written))
            n += cs->v[i].n_ops;
    if (!(ops.v = calloc(n ? n : 1, sizeof(*ops.v))))
        return -ENOMEM;
    for (size_t i = 0; i < cs->n; i++)
        for (size_t j = 0; !cs->v[i].modules && counts(&cs->v[i], written) &&
                           j < cs->v[i].n_ops;
             j++) {
            ops.v[ops.n] = cs->v[i].ops[j]; /* borrowed */
            /* A masking copy's lines are its package file's: its ops do
             * to the effective values what they would do there. */
            if (cs->v[i].copy_of)
                ops.v[ops.n].file = cs->v[i].copy_of;
            ops.n++;
        }
    r = sg_fix_effects(m, &ops, out);
    free(ops.v);
    for (size_t i = 0; r == 0 && i < cs->n; i++) {
        struct sg_effect e;
        if (!counts(&cs->v[i], written))
            continue;
        r = sg_fix_list_effect(&cs->v[i], &e);
        if (r == 1 && (r = SG_PUSH(*out, e)) < 0) {
            free(e.key);
            free(e.old_value);
            free(e.new_value);
        }
        r = r < 0 ? r : 0;
    }
    if (r < 0)
        sg_effects_free(out);
    return r;
}

void sg_effects_free(struct sg_effects *fx)
{
    for (size_t i = 0; i < fx->n; i++) {
        free(fx->v[i].key);
        free(fx->v[i].old_value);
        free(fx->v[i].new_value);
    }
    free(fx->v);
    memset(fx, 0, sizeof(*fx));
}

/* ---- judging a plan by what it leaves ---- */

bool sg_changes_fix(const struct sg_changes *cs, const struct sg_finding *f)
{
    char why[512];
    sg_finding_why(f, why, sizeof(why));
    for (size_t i = 0; i < cs->n; i++)
        for (size_t j = 0; j < cs->v[i].n_fixes; j++)
            if (strcmp(cs->v[i].fixes[j], why) == 0)
                return true;
    return false;
}

/* Whether condition C reads KEY. */
/* Whether fixing F can have made the finding A: it touches A's key or a
 * key A's rule reads. */
static bool may_cause(const struct sg_finding *f, const struct sg_finding *a)
{
    const char *keys[] = {f->key, f->fix_key};
    for (size_t i = 0; i < 2; i++)
        if (keys[i] && ((a->key && strcmp(keys[i], a->key) == 0) ||
                        sg_cond_reads(&a->rule->when, keys[i])))
            return true;
    return false;
}

/* Where a line of a changed file was before the change: the start of
 * each line of the text after and before it, and the operations' spans
 * in order with the growth they add up to, built once per file a
 * finding is looked up in. */
struct line_map {
    size_t *after, n_after;   /* offset of each line's start */
    size_t *before, n_before; /* the same, of the text before */
    long *delta;              /* growth of the text after ops 0..i */
};

static size_t *line_starts(const char *t, size_t *n)
{
    size_t cap = 16, k = 0;
    size_t *v = malloc(cap * sizeof(*v));
    for (size_t i = 0; v;) {
        if (k == cap) {
            size_t *nv = realloc(v, (cap *= 2) * sizeof(*v));
            if (!nv) {
                free(v);
                return NULL;
            }
            v = nv;
        }
        v[k++] = i;
        const char *nl = strchr(t + i, '\n');
        if (!nl)
            break;
        i = (size_t)(nl - t) + 1;
    }
    *n = k;
    return v;
}

/* Line LINE of a copy that masks a package's file, as a line of that
 * file: past the header, and past each line the copy left out (its
 * operations remove or comment out whole lines, in line order). */
static unsigned line_of_copy(const struct sg_change *c, unsigned line)
{
    if (line <= MASK_HEADER_LINES)
        return line;
    unsigned v = line - MASK_HEADER_LINES;
    for (size_t i = 0; i < c->n_ops; i++)
        if (c->ops[i].op == SG_LINE_REMOVE && c->ops[i].line &&
            c->ops[i].line <= v)
            v++;
    return v;
}

/* Line LINE of what change C leaves, as a line of the text before it (a
 * copy's: of the package's file): an edited line is its operation's
 * first line. LINE itself for a new file, or without memory. */
static unsigned line_before(const struct sg_change *c, struct line_map *lm,
                            unsigned line)
{
    if (c->copy_of)
        return line ? line_of_copy(c, line) : line;
    const char *before = c->before;
    if (!before || !line)
        return line;
    if (!lm->after) {
        lm->after = line_starts(c->after, &lm->n_after);
        lm->before = line_starts(before, &lm->n_before);
        lm->delta = calloc(c->n_ops + 1, sizeof(*lm->delta));
        for (size_t i = 0; lm->delta && i < c->n_ops; i++)
            lm->delta[i] = (i ? lm->delta[i - 1] : 0) +
                           (long)c->ops[i].span.to_len -
                           (long)c->ops[i].span.len;
    }
    if (!lm->after || !lm->before || !lm->delta || line > lm->n_after)
        return line;
    size_t x = lm->after[line - 1], lo = 0, hi = c->n_ops;
    /* The first operation whose span does not end before X. */
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        const struct sg_span *s = &c->ops[mid].span;
        if (s->to + s->to_len <= x)
            lo = mid + 1;
        else
            hi = mid;
    }
    long bx;
    if (lo < c->n_ops && c->ops[lo].span.to <= x)
        bx = (long)c->ops[lo].span.at; /* inside an edit */
    else
        bx = (long)x - (lo ? lm->delta[lo - 1] : 0);
    /* The line of the text before that holds BX. */
    lo = 0, hi = lm->n_before;
    while (lo + 1 < hi) {
        size_t mid = (lo + hi) / 2;
        if ((long)lm->before[mid] <= bx)
            lo = mid;
        else
            hi = mid;
    }
    return (unsigned)lo + 1;
}

/* An index of findings by where they are, so that judging a plan is
 * linear in the findings (a tree of unknown keys has one per line), and
 * a finding is known by its line across a fix, not by its text (moving
 * an inline comment off a line changes its value, not the line): the
 * rule, the key, and for a rule on lines the file and line (for a rule
 * on the effective value, the key is all; for a diagnostic's, the file
 * and the message). With CS, a finding looked up is first placed where
 * it was before CS (a masking copy's line: the package's). */
struct same_index {
    const struct sg_findings *fs;
    struct sg_strmap map;
    char **ids;
    const struct sg_changes *cs;
    struct sg_strmap paths; /* path of a change -> its index */
    struct line_map *lm;    /* per change */
    size_t n_lm;            /* CS->n when LM was made (CS is re-planned) */
};

static char *place_id(const struct sg_finding *f, const char *file,
                      unsigned line)
{
    if (!f->key)
        return sg_strdup_printf("%p\x1f\x1f%s\x1f%s", (const void *)f->rule,
                                file ? file : "", f->message ? f->message : "");
    if (!f->rule->on_lines)
        return sg_strdup_printf("%p\x1f%s", (const void *)f->rule, f->key);
    return sg_strdup_printf("%p\x1f%s\x1f%s\x1f%u", (const void *)f->rule,
                            f->key, file ? file : "", line);
}

/* F's id, placed before IX's changes. */
static char *same_id(struct same_index *ix, const struct sg_finding *f)
{
    const char *file = f->file;
    unsigned line = f->line;
    size_t i = ix->cs && file ? sg_strmap_get(&ix->paths, file) : SIZE_MAX;
    if (i != SIZE_MAX) {
        const struct sg_change *c = &ix->cs->v[i];
        line = line_before(c, &ix->lm[i], line);
        if (c->copy_of)
            file = c->copy_of;
    }
    return place_id(f, file, line);
}

/* Forget IX's changes: their line maps and paths. */
static void same_index_forget(struct same_index *ix)
{
    for (size_t i = 0; ix->lm && i < ix->n_lm; i++) {
        free(ix->lm[i].after);
        free(ix->lm[i].before);
        free(ix->lm[i].delta);
    }
    free(ix->lm);
    sg_strmap_free(&ix->paths);
    ix->lm = NULL;
    ix->n_lm = 0;
    ix->cs = NULL;
}

static void same_index_free(struct same_index *ix)
{
    for (size_t i = 0; ix->ids && i < ix->fs->n; i++)
        free(ix->ids[i]);
    free(ix->ids);
    sg_strmap_free(&ix->map);
    same_index_forget(ix);
    ix->ids = NULL;
}

static int same_index_build(const struct sg_findings *fs, struct same_index *ix)
{
    size_t old;
    int r = 0;
    memset(ix, 0, sizeof(*ix));
    ix->fs = fs;
    if (!(ix->ids = calloc(fs->n + 1, sizeof(*ix->ids))))
        return -ENOMEM;
    for (size_t i = 0; i < fs->n && r == 0; i++)
        r = (ix->ids[i] = place_id(&fs->v[i], fs->v[i].file, fs->v[i].line))
                ? sg_strmap_put(&ix->map, ix->ids[i], i, &old) /* the first */
                : -ENOMEM;
    if (r < 0)
        same_index_free(ix);
    return r;
}

/* Look findings up as they were before CS (sg_fix_judge's changes, or
 * those a fix wrote); a change's line map is built on first need. */
static int same_index_changes(struct same_index *ix,
                              const struct sg_changes *cs)
{
    size_t old;
    int r = 0;
    same_index_forget(ix);
    ix->cs = cs;
    if (!(ix->lm = calloc(cs->n + 1, sizeof(*ix->lm))))
        return -ENOMEM;
    ix->n_lm = cs->n;
    for (size_t i = 0; i < cs->n && r == 0; i++)
        r = sg_strmap_put(&ix->paths, cs->v[i].path, i, &old);
    return r;
}

/* The first finding of the index that is the same as A (its index in
 * *AT), or NULL; -ENOMEM in *R without memory. */
static const struct sg_finding *
find_same(struct same_index *ix, const struct sg_finding *a, size_t *at, int *r)
{
    char *id = same_id(ix, a);
    size_t i = id ? sg_strmap_get(&ix->map, id) : SIZE_MAX;
    if (!id)
        *r = -ENOMEM;
    free(id);
    if (i == SIZE_MAX)
        return NULL;
    *at = i;
    return &ix->fs->v[i];
}

/* Where a finding's fix diagnostics are: its line, or (a key no file
 * sets) the file its fix goes to. */
static const char *diag_file(const struct sg_finding *f)
{
    return f->file ? f->file : f->fix_file;
}

static int take_back(const struct sg_finding *f, const struct sg_finding *a,
                     struct sg_diags *diags)
{
    const char *v = f->fix_value ? f->fix_value : "";
    const char *what = f->fix == SG_FIX_REMOVE    ? "removing the line"
                       : f->fix == SG_FIX_COMMENT ? "commenting it out"
                                                  : NULL;
    if (f->fix == SG_FIX_LOAD_MODULE)
        return sg_diag_add(diags, SG_SEV_WARNING, "not-fixed", diag_file(f),
                           f->line,
                           "not fixed: loading %s at boot would leave what "
                           "%s says: %s",
                           v, a->rule->id, a->message);
    if (!what)
        return sg_diag_add(diags, SG_SEV_WARNING, "not-fixed", diag_file(f),
                           f->line,
                           "not fixed: setting %s = %s would leave what "
                           "%s says: %s",
                           f->fix_key, v, a->rule->id, a->message);
    return sg_diag_add(diags, SG_SEV_WARNING, "not-fixed", diag_file(f),
                       f->line, "not fixed: %s would leave what %s says: %s",
                       what, a->rule->id, a->message);
}

static int why_left(struct same_index *ix, const struct sg_findings *before,
                    struct sg_findings *after, const struct sg_diags *diags);

/* FIXED[j]: whether one of CS fixes finding J of FS (sg_changes_fix for
 * every finding, through an index of the fixes rather than a walk of
 * them per finding). Returns 0 or -ENOMEM. */
static int mark_fixed(const struct sg_changes *cs, const struct sg_findings *fs,
                      bool *fixed)
{
    struct sg_strmap ix = {0};
    char why[512];
    size_t old;
    int r = 0;

    for (size_t i = 0; i < cs->n && r == 0; i++)
        for (size_t j = 0; j < cs->v[i].n_fixes && r == 0; j++)
            r = sg_strmap_put(&ix, cs->v[i].fixes[j], 0, &old);
    for (size_t j = 0; j < fs->n && r == 0; j++)
        fixed[j] = sg_strmap_get(&ix, sg_finding_why(&fs->v[j], why,
                                                     sizeof(why))) != SIZE_MAX;
    sg_strmap_free(&ix);
    return r;
}

int sg_fix_judge(const struct sg_model *m, const struct sg_policies *ps,
                 const struct sg_settings *eo, const struct sg_findings *fs,
                 struct sg_parser *p, struct sg_changes *cs,
                 struct sg_findings *after, struct sg_diags *diags)
{
    bool *dropped = calloc(fs->n + 1, sizeof(*dropped));
    bool *fixed = calloc(fs->n + 1, sizeof(*fixed)); /* by CS, this round */
    struct sg_findings sub = {.v = calloc(fs->n + 1, sizeof(*sub.v))};
    struct same_index ix = {0};
    int r = dropped && fixed && sub.v ? same_index_build(fs, &ix) : -ENOMEM;

    memset(after, 0, sizeof(*after));
    while (r == 0) {
        const char **paths = calloc(cs->n + 1, sizeof(*paths));
        const char **texts = calloc(cs->n + 1, sizeof(*texts));
        struct sg_model *d = NULL;
        if (!paths || !texts)
            r = -ENOMEM;
        for (size_t i = 0; r == 0 && i < cs->n; i++) {
            paths[i] = cs->v[i].path;
            texts[i] = cs->v[i].after;
        }
        if (r == 0)
            r = sg_model_derive(m, p, paths, texts, cs->n, &d);
        free(paths);
        free(texts);
        if (r == -EINVAL) /* the lens wrote what it cannot read */
            r = sg_diag_add(diags, SG_SEV_ERROR, "not-fixable", NULL, 0,
                            "an edited file would not read back: nothing "
                            "is fixed");
        if (r == 0 && d)
            r = sg_evaluate(d, ps, eo, after);
        sg_model_free(d);
        if (r == 0)
            r = mark_fixed(cs, fs, fixed);
        if (r == 0) /* the after findings are placed where they were */
            r = same_index_changes(&ix, cs);
        if (r < 0)
            break;
        /* What is worse than before, and which fixes may have made it. */
        size_t taken = 0;
        for (size_t i = 0; i < after->n; i++) {
            const struct sg_finding *a = &after->v[i];
            size_t at = 0;
            const struct sg_finding *b = find_same(&ix, a, &at, &r);
            if (r < 0)
                break;
            if (b && (dropped[at] || !fixed[at]))
                continue; /* was there, and no fix was to change that */
            /* A fix is worse when it leaves its own finding, or a new one
             * as grave as the one it removes (an error traded for a
             * warning is progress: the warning is then reported). */
            size_t before = taken;
            for (size_t j = 0; j < fs->n && r == 0; j++)
                if (!dropped[j] && fixed[j] &&
                    (b || a->severity >= fs->v[j].severity) &&
                    may_cause(&fs->v[j], a)) {
                    dropped[j] = true;
                    taken++;
                    r = take_back(&fs->v[j], a, diags);
                }
            /* Nothing it reads was fixed (a glob, ...): take all back. */
            for (size_t j = 0; taken == before && j < fs->n && r == 0; j++)
                if (!dropped[j] && fixed[j] &&
                    (b || a->severity >= fs->v[j].severity)) {
                    dropped[j] = true;
                    taken++;
                    r = take_back(&fs->v[j], a, diags);
                }
        }
        if (r < 0 || !taken)
            break;
        sg_findings_free(after);
        sub.n = 0;
        for (size_t j = 0; j < fs->n; j++)
            if (!dropped[j])
                sub.v[sub.n++] = fs->v[j]; /* borrowed */
        struct sg_diags quiet = {0};       /* said by the first plan */
        sg_changes_free(cs);
        r = sg_fix_plan_with(m, &sub, p, cs, &quiet);
        sg_diags_free(&quiet);
    }
    if (r == 0)
        r = why_left(&ix, fs, after, diags);
    if (ix.ids)
        same_index_free(&ix);
    free(sub.v);
    free(fixed);
    free(dropped);
    return r;
}

/* The diagnostics by where they are: the first of each file, and of each
 * line of a file, so that telling why each finding is left is one lookup. */
struct diag_index {
    struct sg_strmap files; /* file -> its first diagnostic */
    struct sg_u64map lines; /* first of file << 32 | line -> the first there */
};

static int diag_index_build(const struct sg_diags *diags, struct diag_index *dx)
{
    int r = 0;
    for (size_t j = 0; j < diags->n && r == 0; j++) {
        const struct sg_diag *d = &diags->v[j];
        size_t first;
        if (!d->file)
            continue;
        r = sg_strmap_put(&dx->files, d->file, j, &first);
        first = first == SIZE_MAX ? j : first;
        if (r == 0)
            r = sg_u64map_put(&dx->lines, (uint64_t)first << 32 | d->line, j,
                              &first);
    }
    return r;
}

/* What DIAGS say about the place of finding B: its line, else its file;
 * or NULL. */
static const char *diag_about(const struct diag_index *dx,
                              const struct sg_diags *diags,
                              const struct sg_finding *b)
{
    size_t first =
        diag_file(b) ? sg_strmap_get(&dx->files, diag_file(b)) : SIZE_MAX;
    if (first == SIZE_MAX)
        return NULL;
    size_t at = sg_u64map_get(&dx->lines, (uint64_t)first << 32 | b->line);
    return diags->v[at == SIZE_MAX ? first : at].message;
}

/* sg_fix_why_left with the index IX of BEFORE (built on first need when
 * IX has none). */
static int why_left(struct same_index *ix, const struct sg_findings *before,
                    struct sg_findings *after, const struct sg_diags *diags)
{
    struct diag_index dx = {0};
    bool indexed = false;
    int r = 0;
    for (size_t i = 0; i < after->n && r == 0; i++) {
        struct sg_finding *a = &after->v[i];
        size_t at = 0;
        if (a->fix == SG_FIX_NONE)
            continue;
        if (!ix->ids && (r = same_index_build(before, ix)) < 0)
            break;
        if (!indexed && (r = diag_index_build(diags, &dx)) < 0)
            break;
        indexed = true;
        const struct sg_finding *b = find_same(ix, a, &at, &r);
        const char *why = diag_about(&dx, diags, b ? b : a);
        free(a->why_left);
        a->why_left = why ? strdup(why) : NULL;
        if (why && !a->why_left)
            r = -ENOMEM;
    }
    sg_strmap_free(&dx.files);
    sg_u64map_free(&dx.lines);
    return r;
}

int sg_fix_why_left(const struct sg_findings *before, struct sg_findings *after,
                    const struct sg_changes *cs, const struct sg_diags *diags)
{
    struct same_index ix = {0};
    int r = same_index_build(before, &ix);
    if (r == 0 && cs)
        r = same_index_changes(&ix, cs);
    if (r == 0)
        r = why_left(&ix, before, after, diags);
    if (ix.ids)
        same_index_free(&ix);
    return r;
}
