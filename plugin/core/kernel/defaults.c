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
#include <stdlib.h>
#include <string.h>

static int bad(struct sg_diags *d, const char *name, unsigned line,
               const char *what)
{
    int r = sg_diag_add(d, SG_SEV_ERROR, "catalog", name, line,
                        "malformed defaults line: %s", what);
    return r < 0 ? r : -EINVAL;
}

/* The versions SERIES names (a comma-separated list), or 0 when one is
 * not the catalog's. */
static unsigned series_mask(const struct sg_catalog *c, const char *series)
{
    unsigned mask = 0;
    for (const char *p = series; *p;) {
        size_t n = strcspn(p, ","), i;
        for (i = 0; i < c->n_versions; i++)
            if (c->series_len[i] == n && strncmp(p, c->series[i], n) == 0)
                break;
        if (i == c->n_versions || n == 0)
            return 0;
        mask |= 1u << i;
        p += n + (p[n] == ',');
    }
    return mask;
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
                if (!last_series || strcmp(last_series, t1 + 1) != 0)
                    mask = series_mask(c, t1 + 1);
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
                struct sg_defrow *v = realloc(c->def, cap * sizeof(*v));
                if (!v)
                    r = -ENOMEM;
                else
                    c->def = v;
            }
            if (r == 0)
                c->def[c->n_def++] = row;
        }
        p = nl ? nl + 1 : p + strlen(p);
    }
    if (r < 0)
        sg_defaults_free(c);
    return r;
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
    free(c->def);
    c->def_text = NULL;
    c->def = NULL;
    c->n_def = 0;
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
    size_t lo = 0, hi = c->n_def;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(c->def[mid].key, key) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (; lo < c->n_def && strcmp(c->def[lo].key, key) == 0; lo++)
        if (c->def[lo].versions & (1u << at))
            return c->def[lo].value;
    return NULL;
}
