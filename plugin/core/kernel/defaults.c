/*
 * defaults.c - see defaults.h. The text is kept and split in place; rows
 * are in the file's order, which is by key (bytewise: scripts/catalog/
 * defaults.py writes it sorted), so a key is a binary search. Format:
 * `#` lines are comments; every other line is KEY, SERIES (comma
 * separated, the catalog's series names), VALUE.
 */
#include "defaults.h"
#include "catalog.h"
#include "../base/util.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

static int bad(struct sg_diags *d, const char *name, unsigned line,
               const char *what)
{
    int r = sg_diag_add(d, SG_SEV_ERROR, "catalog", name, line,
                        "malformed defaults line: %s", what);
    return r < 0 ? r : -EINVAL;
}

int sg_defaults_parse(struct sg_catalog *c, const char *text, size_t len,
                      const char *name, struct sg_diags *d)
{
    sg_defaults_free(c);
    c->def_text = strndup(text, len);
    if (!c->def_text)
        return -ENOMEM;
    if (strlen(c->def_text) != len) {
        sg_defaults_free(c);
        return bad(d, name, 0, "a NUL byte");
    }
    size_t cap = 0;
    unsigned line = 0, mask = 0;
    const char *last_series = NULL; /* most rows share their series list */
    int r = 0;
    for (char *p = c->def_text; *p && r == 0;) {
        char *nl = strchr(p, '\n');
        if (nl)
            *nl = '\0';
        line++;
        if (*p && *p != '#') {
            char *t1 = strchr(p, '\t'), *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
            struct sg_defrow row = {.key = p};
            if (!t2 || t1 == p || strchr(t2 + 1, '\t'))
                r = bad(d, name, line, "not three fields");
            else {
                *t1 = *t2 = '\0';
                if ((!last_series || strcmp(last_series, t1 + 1) != 0) &&
                    !sg_catalog_series(c, t1 + 1, &mask))
                    mask = 0;
                last_series = t1 + 1;
                row.versions = mask;
                row.value = t2 + 1;
                if (!row.versions)
                    r = bad(d, name, line,
                            "a series the catalog does not have");
                else if (c->n_def && strcmp(c->def[c->n_def - 1].key, p) > 0)
                    r = bad(d, name, line, "not sorted by key");
            }
            if (r == 0 && c->n_def == cap) {
                cap = cap ? 2 * cap : 256;
                struct sg_defrow *v = realloc(c->own_def, cap * sizeof(*v));
                if (!v)
                    r = -ENOMEM;
                else
                    c->def = c->own_def = v;
            }
            if (r == 0)
                c->own_def[c->n_def++] = row;
        }
        p = nl ? nl + 1 : p + strlen(p);
    }
    if (r < 0)
        sg_defaults_free(c);
    return r;
}

int sg_defaults_builtin(struct sg_catalog *c, const struct sg_defrow *rows,
                        size_t n)
{
    sg_defaults_free(c);
    for (size_t i = 1; i < n; i++)
        if (strcmp(rows[i - 1].key, rows[i].key) > 0)
            return -EINVAL; /* def2c.awk keeps the file's order */
    c->def = rows;          /* read-only data of the binary: no copy */
    c->n_def = n;
    return 0;
}

int sg_defaults_load(struct sg_catalog *c, const char *dir, struct sg_diags *d)
{
    char *path = sg_strdup_printf("%s/defaults.tsv", dir), *text = NULL;
    size_t len = 0;
    int err = 0, r = path ? 0 : -ENOMEM;
    if (path && sg_read_file(path, &text, &len, &err) == SG_READ_OK)
        r = sg_defaults_parse(c, text, len, path, d);
    free(path);
    free(text);
    return r;
}

void sg_defaults_free(struct sg_catalog *c)
{
    free(c->def_text);
    free(c->own_def);
    c->def_text = NULL;
    c->def = c->own_def = NULL;
    c->n_def = 0;
}

const struct sg_defrow *sg_defaults_of(const struct sg_catalog *c,
                                       const char *key, size_t *n)
{
    size_t lo = sg_sorted_lower(c->def, c->n_def, sizeof(*c->def),
                                offsetof(struct sg_defrow, key), key);
    *n = 0;
    while (lo + *n < c->n_def && strcmp(c->def[lo + *n].key, key) == 0)
        (*n)++;
    return *n ? &c->def[lo] : NULL;
}

const char *sg_defaults_at_boot(const struct sg_catalog *c, const char *key,
                                const struct sg_kver *k)
{
    if (sg_kver_build(k) != SG_KB_DEBIAN || !c->n_def)
        return NULL;
    int at = sg_catalog_base_of(c, k);
    if (at < 0 || c->builds[at] != SG_KB_DEBIAN ||
        c->versions[at].major != k->major || c->versions[at].minor != k->minor)
        return NULL;
    size_t n;
    const struct sg_defrow *r = sg_defaults_of(c, key, &n);
    for (size_t i = 0; i < n; i++)
        if (r[i].versions & (1u << at))
            return r[i].value;
    return NULL;
}
