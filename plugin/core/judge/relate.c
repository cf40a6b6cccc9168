/*
 * relate.c - see relate.h. The index of a file's last lines is one pass
 * over its assignments, backwards (the first key put is its last line),
 * kept while the evaluator walks that file and rebuilt for the next.
 */
#include "relate.h"

#include <string.h>

/* Whether A and B hold the same fields (the kernel's handlers split a
 * value at blanks and tabs: "32768\t60999" and "32768 60999" are one). */
static bool same_fields(const char *a, const char *b)
{
    for (;;) {
        a += strspn(a, " \t");
        b += strspn(b, " \t");
        size_t la = strcspn(a, " \t"), lb = strcspn(b, " \t");
        if (la != lb || memcmp(a, b, la) != 0)
            return false;
        if (la == 0)
            return true;
        a += la;
        b += lb;
    }
}

/* Index F's last line of each key (explicit keys with a value). */
static int index_file(struct sg_relate *r, const struct sg_file *f)
{
    sg_strmap_free(&r->last);
    r->file = f;
    for (size_t i = f->assignments.n; i-- > 0;) {
        const struct sg_assignment *a = &f->assignments.v[i];
        size_t old;
        if (a->glob || !a->value)
            continue;
        if (sg_strmap_put(&r->last, a->key, i, &old) < 0) {
            sg_strmap_free(&r->last);
            r->file = NULL;
            return -1;
        }
    }
    return 0;
}

const struct sg_assignment *sg_relate_again(struct sg_relate *r,
                                            const struct sg_model *m,
                                            const struct sg_assignment *a)
{
    if (!a || a->glob || !a->value)
        return NULL;
    const struct sg_file *f = sg_model_file(m, a->file);
    if (!f)
        return NULL;
    if (r->file != f && index_file(r, f) < 0) {
        r->oom = true;
        return NULL;
    }
    size_t i = sg_strmap_get(&r->last, a->key);
    if (i == SIZE_MAX)
        return NULL;
    const struct sg_assignment *b = &f->assignments.v[i];
    return b->line > a->line && !same_fields(a->value, b->value) ? b : NULL;
}

void sg_relate_free(struct sg_relate *r)
{
    sg_strmap_free(&r->last);
    *r = (struct sg_relate){0};
}
