/*
 * effects.c - what a fix does to each key (fix.h sg_fix_effects,
 * sg_changes_effects): the operations replayed over the model's settings,
 * looked up through an index of them (struct ops_index: by file and line,
 * and appends by key), so telling the effects is linear in the operations
 * and in the lines of the keys they touch.
 */
#include "fix.h"
#include "../core/tree/modload.h"
#include "../core/base/util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

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
