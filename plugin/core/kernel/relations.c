/*
 * relations.c - see relations.h. The text is kept and split in place:
 * each row's strings point into it. Format (catalog/README.md): `#` lines
 * are comments; every other line is SERIES, KEY, RELATION, OTHER,
 * DETAIL, SOURCE, tab-separated, SERIES one of the catalog's series names
 * ("6.1", "4.18-rhel").
 */
#include "relations.h"
#include "catalog.h"
#include "../base/util.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define SG_REL_FIELDS 6

static int bad(struct sg_diags *d, const char *name, unsigned line,
               const char *what)
{
    int r = sg_diag_add(d, SG_SEV_ERROR, "catalog", name, line,
                        "malformed relations line: %s", what);
    return r < 0 ? r : -EINVAL;
}

/* The one version SERIES names, or -1. */
static int version_of(const struct sg_catalog *c, const char *series)
{
    unsigned mask;
    if (strchr(series, ',') || !sg_catalog_series(c, series, &mask))
        return -1;
    return __builtin_ctz(mask);
}

/* Row R from the fields F of line LINE; NULL on success, else why not. */
static const char *parse_row(const struct sg_catalog *c, char **f,
                             struct sg_relrow *r)
{
    int v = version_of(c, f[0]);
    if (v < 0)
        return "a series the catalog does not have";
    *r = (struct sg_relrow){
        .version = (unsigned)v, .key = f[1], .other = f[3], .source = f[5]};
    if (!*f[1] || !*f[5])
        return "an empty key or source";
    if (strcmp(f[2], "zeroes") == 0 || strcmp(f[2], "clamp-half") == 0) {
        r->kind = f[2][0] == 'z' ? SG_REL_ZEROES : SG_REL_CLAMP_HALF;
        if (!*f[3] || strcmp(f[3], "-") == 0)
            return "no other key";
        if (r->kind == SG_REL_ZEROES && strcmp(f[4], "changed") != 0 &&
            strcmp(f[4], "always") != 0)
            return "a zeroing neither \"changed\" nor \"always\"";
        r->on_change = strcmp(f[4], "changed") == 0;
        return NULL;
    }
    if (strcmp(f[2], "combine") == 0) {
        static const char *const how[] = {"or", "and", "max", "forwarding"};
        r->kind = SG_REL_COMBINE;
        r->detail = f[4];
        for (size_t i = 0; i < sizeof(how) / sizeof(*how); i++)
            if (strcmp(f[4], how[i]) == 0)
                return *f[3] ? NULL : "no other key";
        return "a combination neither or, and, max nor forwarding";
    }
    if (strcmp(f[2], "names") == 0) {
        r->kind = SG_REL_NAMES;
        r->detail = f[4];
        if (!*f[3] || !*f[4])
            return "an empty name or detail";
        return NULL;
    }
    if (strcmp(f[2], "all") == 0) {
        r->kind = SG_REL_ALL;
        r->detail = f[4];
        if (strcmp(f[3], "all") != 0)
            return "an \"all\" relation to another key than all";
        return strcmp(f[4], "used") == 0 || strcmp(f[4], "ignored") == 0
                   ? NULL
                   : "an \"all\" relation neither used nor ignored";
    }
    if (strcmp(f[2], "field-max") == 0 ||
        strcmp(f[2], "field-max-extended") == 0) {
        char *end;
        const char *num = f[4];
        r->kind = f[2][9] ? SG_REL_FIELD_MAX_EXT : SG_REL_FIELD_MAX;
        if (r->kind == SG_REL_FIELD_MAX) {
            r->refuses = strncmp(f[4], "refused:", 8) == 0;
            if (!r->refuses && strncmp(f[4], "capped:", 7) != 0)
                return "a field limit neither refused nor capped";
            num = strchr(f[4], ':') + 1;
        }
        r->detail = f[4];
        errno = 0;
        long field = strtol(f[3], &end, 10);
        if (errno || end == f[3] || *end || field < 1 || field > 16)
            return "a field number not from 1 to 16";
        errno = 0;
        r->value = strtoll(num, &end, 10);
        return errno || end == num || *end || r->value < 0
                   ? "a field limit that is not a number"
                   : NULL;
    }
    if (strcmp(f[2], "init") == 0) {
        char *end;
        errno = 0;
        r->kind = SG_REL_INIT;
        r->other = NULL;
        r->value = strtoll(f[4], &end, 10);
        return errno || end == f[4] || *end ? "an initial value that is not "
                                              "a number"
                                            : NULL;
    }
    return "an unknown relation";
}

int sg_relations_parse(struct sg_catalog *c, const char *text, size_t len,
                       const char *name, struct sg_diags *d)
{
    sg_relations_free(c);
    c->rel_text = strndup(text, len);
    if (!c->rel_text)
        return -ENOMEM;
    if (strlen(c->rel_text) != len) {
        sg_relations_free(c);
        return bad(d, name, 0, "a NUL byte");
    }
    size_t cap = 0;
    unsigned line = 0;
    int r = 0;
    for (char *p = c->rel_text; *p && r == 0;) {
        char *nl = strchr(p, '\n');
        if (nl)
            *nl = '\0';
        line++;
        char *f[SG_REL_FIELDS];
        size_t n = 0;
        char *q = p;
        for (; n < SG_REL_FIELDS && q; n++) {
            f[n] = q;
            q = strchr(q, '\t');
            if (q)
                *q++ = '\0';
        }
        const char *why = NULL;
        if (*p && *p != '#') {
            struct sg_relrow row;
            why = n == SG_REL_FIELDS && !q ? parse_row(c, f, &row)
                                           : "not six fields";
            if (!why && c->n_rel == cap) {
                cap = cap ? 2 * cap : 64;
                struct sg_relrow *v = realloc(c->rel, cap * sizeof(*v));
                if (!v)
                    r = -ENOMEM;
                else
                    c->rel = v;
            }
            /* rows come grouped by key: index a key when it changes */
            if (!why && r == 0) {
                size_t old;
                const struct sg_relrow *prev =
                    c->n_rel ? &c->rel[c->n_rel - 1] : NULL;
                bool new_key = !prev || strcmp(prev->key, row.key) != 0;
                bool new_other = row.kind != SG_REL_NAMES && row.other &&
                                 (!prev || !prev->other ||
                                  strcmp(prev->other, row.other) != 0);
                if ((new_key && sg_strmap_put(&c->rel_keys, row.key, c->n_rel,
                                              &old) < 0) ||
                    (new_other && sg_strmap_put(&c->rel_keys, row.other,
                                                c->n_rel, &old) < 0))
                    r = -ENOMEM;
            }
            if (!why && r == 0)
                c->rel[c->n_rel++] = row;
        }
        if (why)
            r = bad(d, name, line, why);
        p = nl ? nl + 1 : p + strlen(p);
    }
    if (r < 0)
        sg_relations_free(c);
    return r;
}

void sg_relations_free(struct sg_catalog *c)
{
    sg_strmap_free(&c->rel_keys);
    free(c->rel_text);
    free(c->rel);
    c->rel_text = NULL;
    c->rel = NULL;
    c->n_rel = 0;
}

int sg_relations_load(struct sg_catalog *c, const char *dir, struct sg_diags *d)
{
    char *path = sg_strdup_printf("%s/relations.tsv", dir), *text = NULL;
    size_t len = 0;
    int err = 0, r = path ? 0 : -ENOMEM;
    if (path && sg_read_file(path, &text, &len, &err) == SG_READ_OK)
        r = sg_relations_parse(c, text, len, path, d);
    free(path);
    free(text);
    return r;
}

static bool same_str(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

static bool same_relation(const struct sg_relrow *a, const struct sg_relrow *b)
{
    return a->kind == b->kind && strcmp(a->key, b->key) == 0 &&
           same_str(a->other, b->other) && a->on_change == b->on_change &&
           a->value == b->value && same_str(a->detail, b->detail);
}

/* Whether version V has a row the same as R. */
static bool version_has(const struct sg_catalog *c, unsigned v,
                        const struct sg_relrow *r)
{
    for (size_t i = 0; i < c->n_rel; i++)
        if (c->rel[i].version == v && same_relation(&c->rel[i], r))
            return true;
    return false;
}

size_t sg_relations_find(const struct sg_catalog *c, const struct sg_kver *k,
                         enum sg_rel_kind kind, const char *key,
                         const char *other, const struct sg_relrow **out,
                         size_t max)
{
    int below, above;
    if ((key && sg_strmap_get(&c->rel_keys, key) == SIZE_MAX) ||
        (other && sg_strmap_get(&c->rel_keys, other) == SIZE_MAX))
        return 0; /* a key no relation names: most lines */
    sg_catalog_around(c, k, &below, &above);
    if (below < 0)
        return 0;
    unsigned use = sg_catalog_usable(c, k);
    size_t n = 0;
    for (size_t i = 0; i < c->n_rel && n < max; i++) {
        const struct sg_relrow *r = &c->rel[i];
        if (r->version != (unsigned)below || r->kind != kind ||
            (key && strcmp(r->key, key) != 0) ||
            (other && (!r->other || strcmp(r->other, other) != 0)))
            continue;
        bool holds = above >= 0 ? version_has(c, (unsigned)above, r) : true;
        for (size_t v = 0; above < 0 && holds && v < c->n_versions; v++)
            if (use & (1u << v))
                holds = version_has(c, (unsigned)v, r);
        if (holds)
            out[n++] = r;
    }
    return n;
}

/* Version V's `names` row of KEY for NAME (NAME NULL: any row of KEY). */
static const struct sg_relrow *name_row(const struct sg_catalog *c, int v,
                                        const char *key, const char *name)
{
    for (size_t i = 0; v >= 0 && i < c->n_rel; i++) {
        const struct sg_relrow *r = &c->rel[i];
        if (r->version == (unsigned)v && r->kind == SG_REL_NAMES &&
            strcmp(r->key, key) == 0 && (!name || strcmp(r->other, name) == 0))
            return r;
    }
    return NULL;
}

int sg_relations_name(const struct sg_catalog *c, const struct sg_kver *k,
                      const char *key, const char *name,
                      const struct sg_relrow **row)
{
    int below, above;
    *row = NULL;
    if (sg_strmap_get(&c->rel_keys, key) == SIZE_MAX)
        return -1;
    sg_catalog_around(c, k, &below, &above);
    if (below < 0 || above < 0 || !name_row(c, below, key, NULL) ||
        !name_row(c, above, key, NULL))
        return -1;
    const struct sg_relrow *rb = name_row(c, below, key, name),
                           *ra = name_row(c, above, key, name);
    if (!rb && !ra)
        return 0;
    if (!rb || !ra || !same_relation(rb, ra) || strcmp(rb->detail, "-") == 0)
        return -1;
    *row = rb;
    if (strcmp(rb->detail, "absent") != 0)
        return 1;
    /* a config leaves it out: a fact of that build only (Debian's config
     * says nothing of SUSE's, or of a kernel built from kernel.org) */
    return c->builds[rb->version] == sg_kver_build(k) ? 0 : -1;
}
