/*
 * source.c - see source.h: the table of input sources (a new one is a
 * reader in a file of its own and a row here) and the list they fill.
 */
#include "source.h"
#include "../base/util.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

int sg_sourced_push(struct sg_sourced_list *l, const struct sg_sourced *s)
{
    struct sg_sourced *nv = realloc(l->v, (l->n + 1) * sizeof(*nv));
    if (!nv)
        return -ENOMEM;
    l->v = nv;
    l->v[l->n++] = *s;
    return 0;
}

void sg_sourced_free(struct sg_sourced_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->v[i].key);
        free(l->v[i].value);
        free(l->v[i].file);
    }
    free(l->v);
    l->v = NULL;
    l->n = 0;
}

int sg_sourced_copy(const struct sg_sourced_list *from,
                    struct sg_sourced_list *to)
{
    to->v = NULL;
    to->n = 0;
    for (size_t i = 0; i < from->n; i++) {
        struct sg_sourced s = from->v[i];
        s.key = strdup(s.key);
        s.value = strdup(s.value);
        s.file = strdup(s.file);
        if (!s.key || !s.value || !s.file || sg_sourced_push(to, &s) < 0) {
            free(s.key);
            free(s.value);
            free(s.file);
            sg_sourced_free(to);
            return -ENOMEM;
        }
    }
    return 0;
}

/* ---- the table ---- */

/* The readers, in the order their values are listed (each value names
 * its source: struct sg_sourced). */
static int (*const sources[])(int rootfd, const struct sg_kver *k,
                              struct sg_sourced_list *out) = {
    sg_source_cmdline_read,
};

int sg_sources_read(int rootfd, const struct sg_kver *k,
                    struct sg_sourced_list *out)
{
    int r = 0;
    out->v = NULL;
    out->n = 0;
    for (size_t i = 0; i < sizeof(sources) / sizeof(*sources) && r == 0; i++)
        r = sources[i](rootfd, k, out);
    if (r < 0)
        sg_sourced_free(out);
    return r;
}
