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

/* Row R from the fields F of line LINE; NULL on success, else why not.
 * *LAST is the previous row's series and version (rows come grouped by
 * version: one lookup a version). */
static const char *parse_row(const struct sg_catalog *c, char **f,
                             struct sg_relrow *r, const char **last,
                             int *last_v)
{
    int v = *last && strcmp(*last, f[0]) == 0 ? *last_v : version_of(c, f[0]);
    *last = f[0];
    *last_v = v;
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

/* Version, then key, then the order of the lines (each row's key points
 * into the text, in line order, wherever qsort moves the row). */
static int row_order(const void *pa, const void *pb)
{
    const struct sg_relrow *a = pa, *b = pb;
    int k = strcmp(a->key, b->key);
    if (a->version != b->version)
        return a->version < b->version ? -1 : 1;
    if (k)
        return k;
    return (uintptr_t)a->key < (uintptr_t)b->key   ? -1
           : (uintptr_t)a->key > (uintptr_t)b->key ? 1
                                                   : 0;
}

/* Whether C's rows come grouped by version and sorted by key, as
 * relations.py writes them (versions in any order). */
static bool grouped(const struct sg_catalog *c)
{
    bool seen[SG_CATALOG_MAX_VERSIONS] = {0};
    for (size_t i = 0; i < c->n_rel; i++) {
        unsigned v = c->rel[i].version;
        if (i == 0 || c->rel[i - 1].version != v) {
            if (seen[v])
                return false;
            seen[v] = true;
        } else if (strcmp(c->rel[i - 1].key, c->rel[i].key) > 0) {
            return false;
        }
    }
    return true;
}

/* rel_from and rel_to (catalog.h) for C's rows, sorting them first when
 * a hand-made file has them in another order, and rel_keys: the other
 * keys, for a query by the other key alone. 0 or -ENOMEM. */
static int index_rows(struct sg_catalog *c)
{
    if (!grouped(c)) {
        if (!c->own_rel) { /* the binary's rows: sorted in a copy */
            c->own_rel = malloc((c->n_rel ? c->n_rel : 1) * sizeof(*c->rel));
            if (!c->own_rel)
                return -ENOMEM;
            memcpy(c->own_rel, c->rel, c->n_rel * sizeof(*c->rel));
            c->rel = c->own_rel;
        }
        qsort(c->own_rel, c->n_rel, sizeof(*c->own_rel), row_order);
    }
    memset(c->rel_from, 0, sizeof(c->rel_from));
    memset(c->rel_to, 0, sizeof(c->rel_to));
    for (size_t i = 0; i < c->n_rel; i++) {
        const struct sg_relrow *r = &c->rel[i], *prev = i ? r - 1 : NULL;
        size_t old;
        if (!prev || prev->version != r->version)
            c->rel_from[r->version] = i;
        c->rel_to[r->version] = i + 1;
        if (r->kind != SG_REL_NAMES && r->other &&
            (!prev || !prev->other || strcmp(prev->other, r->other) != 0) &&
            sg_strmap_put(&c->rel_keys, r->other, i, &old) < 0)
            return -ENOMEM;
    }
    return 0;
}

int sg_relations_builtin(struct sg_catalog *c, const struct sg_relrow *rows,
                         size_t n)
{
    sg_relations_free(c);
    c->rel = rows; /* read-only data of the binary: no copy */
    c->n_rel = n;
    int r = index_rows(c);
    if (r < 0)
        sg_relations_free(c);
    return r;
}

/* The rows of version V whose key is KEY (NULL: all of V's) lie in
 * [*LO, *HI): a binary search of V's rows, which are sorted by key. */
static void span(const struct sg_catalog *c, unsigned v, const char *key,
                 size_t *lo, size_t *hi)
{
    size_t a = c->rel_from[v], b = c->rel_to[v];
    if (key) {
        size_t l = a, h = b;
        while (l < h) { /* the first row whose key is not below KEY */
            size_t m = l + (h - l) / 2;
            if (strcmp(c->rel[m].key, key) < 0)
                l = m + 1;
            else
                h = m;
        }
        a = l;
        for (b = a; b < c->rel_to[v] && strcmp(c->rel[b].key, key) == 0; b++)
            ;
    }
    *lo = a;
    *hi = b;
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
    int r = 0, last_v = -1;
    const char *last_series = NULL;
    /* one allocation: a row a line at most */
    for (const char *p = c->rel_text; (p = strchr(p, '\n')); p++)
        cap++;
    cap++;
    c->rel = c->own_rel = malloc(cap * sizeof(*c->own_rel));
    if (!c->own_rel) {
        sg_relations_free(c);
        return -ENOMEM;
    }
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
            why = n == SG_REL_FIELDS && !q
                      ? parse_row(c, f, &row, &last_series, &last_v)
                      : "not six fields";
            if (!why && r == 0)
                c->own_rel[c->n_rel++] = row;
        }
        if (why)
            r = bad(d, name, line, why);
        p = nl ? nl + 1 : p + strlen(p);
    }
    if (r == 0)
        r = index_rows(c);
    if (r < 0)
        sg_relations_free(c);
    return r;
}

void sg_relations_free(struct sg_catalog *c)
{
    sg_strmap_free(&c->rel_keys);
    free(c->rel_text);
    free(c->own_rel);
    c->rel_text = NULL;
    c->rel = c->own_rel = NULL;
    c->n_rel = 0;
    memset(c->rel_from, 0, sizeof(c->rel_from));
    memset(c->rel_to, 0, sizeof(c->rel_to));
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
    size_t lo, hi;
    span(c, v, r->key, &lo, &hi);
    for (size_t i = lo; i < hi; i++)
        if (c->rel[i].version == v && same_relation(&c->rel[i], r))
            return true;
    return false;
}

void sg_relations_window(const struct sg_catalog *c, const struct sg_kver *k,
                         struct sg_relwin *w)
{
    sg_catalog_around(c, k, &w->below, &w->above);
    w->use = sg_catalog_usable(c, k);
    w->build = sg_kver_build(k);
}

size_t sg_relations_find(const struct sg_catalog *c, const struct sg_kver *k,
                         enum sg_rel_kind kind, const char *key,
                         const char *other, const struct sg_relrow **out,
                         size_t max)
{
    struct sg_relwin w;
    sg_relations_window(c, k, &w);
    return sg_relations_find_in(c, &w, kind, key, other, out, max);
}

bool sg_relations_names(const struct sg_catalog *c, const char *key)
{
    /* as another key's other: the hash; as a row's key: each version's
     * rows, a binary search (asked once a key: nothing built for it) */
    if (sg_strmap_get(&c->rel_keys, key) != SIZE_MAX)
        return true;
    for (unsigned v = 0; v < c->n_versions; v++) {
        size_t lo, hi;
        span(c, v, key, &lo, &hi);
        if (lo < hi)
            return true;
    }
    return false;
}

size_t sg_relations_find_in(const struct sg_catalog *c,
                            const struct sg_relwin *w, enum sg_rel_kind kind,
                            const char *key, const char *other,
                            const struct sg_relrow **out, size_t max)
{
    int below = w->below, above = w->above;
    if (below < 0 ||
        (!key && other && sg_strmap_get(&c->rel_keys, other) == SIZE_MAX))
        return 0; /* a key no relation names: most lines */
    size_t n = 0, lo, hi;
    span(c, (unsigned)below, key, &lo, &hi);
    for (size_t i = lo; i < hi && n < max; i++) {
        const struct sg_relrow *r = &c->rel[i];
        if (r->kind != kind ||
            (other && (!r->other || strcmp(r->other, other) != 0)))
            continue;
        bool holds = above >= 0 ? version_has(c, (unsigned)above, r) : true;
        for (size_t v = 0; above < 0 && holds && v < c->n_versions; v++)
            if (w->use & (1u << v))
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
    size_t lo = 0, hi = 0;
    if (v >= 0)
        span(c, (unsigned)v, key, &lo, &hi);
    for (size_t i = lo; i < hi; i++) {
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
    struct sg_relwin w;
    sg_relations_window(c, k, &w);
    return sg_relations_name_in(c, &w, key, name, row);
}

int sg_relations_name_in(const struct sg_catalog *c, const struct sg_relwin *w,
                         const char *key, const char *name,
                         const struct sg_relrow **row)
{
    int below = w->below, above = w->above;
    *row = NULL;
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
    return c->builds[rb->version] == w->build ? 0 : -1;
}
