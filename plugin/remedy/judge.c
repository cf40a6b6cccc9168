/*
 * judge.c - a plan judged by what it leaves (fix.h sg_fix_judge,
 * sg_fix_why_left): the tree is evaluated again as the changes would
 * leave it (model.h sg_model_derive) once per round, with an index of the
 * findings (struct same_index) and of the fixes (mark_fixed), so a round
 * is linear in them; a round that takes a fix back plans again without
 * it. Why a finding is left is looked up the same way (struct
 * diag_index).
 */
#include "fix.h"
#include "../core/judge/eval.h"
#include "../core/base/util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

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
    if (line <= SG_FIX_MASK_HEADER_LINES)
        return line;
    unsigned v = line - SG_FIX_MASK_HEADER_LINES;
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
    struct sg_message b = {0};
    const char *says = sg_finding_message(a, &b);
    int r;
    if (f->fix == SG_FIX_LOAD_MODULE)
        r = sg_diag_add(diags, SG_SEV_WARNING, "not-fixed", diag_file(f),
                        f->line,
                        "not fixed: loading %s at boot would leave what "
                        "%s says: %s",
                        v, a->rule->id, says);
    else if (!what)
        r = sg_diag_add(diags, SG_SEV_WARNING, "not-fixed", diag_file(f),
                        f->line,
                        "not fixed: setting %s = %s would leave what "
                        "%s says: %s",
                        f->fix_key, v, a->rule->id, says);
    else
        r = sg_diag_add(diags, SG_SEV_WARNING, "not-fixed", diag_file(f),
                        f->line, "not fixed: %s would leave what %s says: %s",
                        what, a->rule->id, says);
    sg_message_free(&b);
    return r;
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
