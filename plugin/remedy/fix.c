/*
 * fix.c - see fix.h. Planning: each finding with a fix finds its line by
 * binary search in its file's assignments and adds an edit to that
 * file's list (an earlier edit of the same line, or append of the same
 * key, is found through an index: a key set on every line of a file of N
 * lines is N edits, never N² comparisons); each file is then read
 * again, checked against the hash it was read with, and edited in one
 * pass (parse.h sg_parse_edit_spans). Judging the plan is judge.c, what
 * it does to each key effects.c.
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
 * %s its sha256. Its lines: SG_FIX_MASK_HEADER_LINES (fix.h). */
#define MASK_HEADER                                                            \
    "# Written by sysctl-guard fix: a copy of %s\n"                            \
    "# (sha256 %s)\n"                                                          \
    "# without the lines this kernel cannot take. A file of this name here\n"  \
    "# masks the package's (sysctl.d(5)): later updates of it by its "         \
    "package\n"                                                                \
    "# no longer apply; compare them with this copy.\n"

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
        len != f->text_len || sg_hash_key(c.copy_text, len) != f->text_hash) {
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
        if (len != f->text_len || sg_hash_key(c.before, len) != f->text_hash) {
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
