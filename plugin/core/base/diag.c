/*
 * diag.c - see diag.h. A growable array of diagnostics, each message
 * formatted once into its own allocation: adding one is amortised O(1),
 * counting by severity is linear. No limit but memory.
 */
#include "diag.h"
#include "util.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int sg_diag_add(struct sg_diags *d, enum sg_severity sev, const char *code,
                const char *file, unsigned line, const char *fmt, ...)
{
    struct sg_diag g = {.severity = sev, .line = line};
    va_list ap;

    va_start(ap, fmt);
    g.message = sg_strdup_vprintf(fmt, ap);
    va_end(ap);
    g.code = strdup(code);
    g.file = file ? strdup(file) : NULL;
    /* On success the vector owns g's strings. */
    if (!g.message || !g.code || (file && !g.file) || SG_PUSH(*d, g) < 0) {
        free(g.message);
        free(g.code);
        free(g.file);
        return -ENOMEM;
    }
    // cppcheck-suppress memleak ; g was copied into d by SG_PUSH
    return 0;
}

size_t sg_diag_count(const struct sg_diags *d, enum sg_severity min)
{
    size_t c = 0;
    for (size_t i = 0; i < d->n; i++)
        c += d->v[i].severity >= min;
    return c;
}

void sg_diags_free(struct sg_diags *d)
{
    for (size_t i = 0; i < d->n; i++) {
        free(d->v[i].code);
        free(d->v[i].file);
        free(d->v[i].message);
    }
    free(d->v);
    d->v = NULL;
    d->n = d->cap = 0;
}

static const char *const severity_names[] = {
    [SG_SEV_INFO] = "info",
    [SG_SEV_WARNING] = "warning",
    [SG_SEV_ERROR] = "error",
};

const char *sg_severity_name(enum sg_severity s)
{
    return severity_names[s];
}

int sg_severity_of(const char *s)
{
    for (size_t i = 0; i < sizeof(severity_names) / sizeof(*severity_names);
         i++)
        if (strcmp(s, severity_names[i]) == 0)
            return (int)i;
    return -1;
}

int sg_severity_parse(const char *s, enum sg_severity *out)
{
    int v = sg_severity_of(s);
    if (v < 0)
        return -EINVAL;
    *out = (enum sg_severity)v;
    return 0;
}
