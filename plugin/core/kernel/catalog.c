/*
 * catalog.c - the kernel key catalog (catalog.h): load it, look a key up,
 * judge a value against a row, tell a key's history (suggest.c: a key
 * for a typo, and the patch sets that add keys no kernel.org tree has).
 * Over 900 lines for one reason: these four share the row format and its
 * matching rules, and a reader who changes one needs the others.
 *
 * Data: the two texts as loaded (keys.tsv, history.tsv: owned, the rows
 * point into them, no copy per row); `rows`, one per key and version
 * range, sorted by key (strcmp); `templates`, the rows whose key has a
 * "<...>" component (an interface, a device), in key order and grouped by
 * the text before their first placeholder (`tgroups`).
 * Costs: loading is one pass over each text and one sort, O(n log n) in
 * rows; a plain key is a binary search (lower_bound) plus its run of
 * rows, O(log n); a key that may match a template also walks the one
 * group whose prefix it starts with. Limits: SG_CATALOG_MAX_VERSIONS versions
 * (catalog.h); a key component of 255 bytes at most for glob matching.
 */
#include "catalog.h"
#include "../base/util.h"

#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- loading ---- */

/* Split LINE (NUL-terminated, modified) at tabs into at most MAX fields. */
static size_t split_tabs(char *line, char **f, size_t max)
{
    size_t n = 0;
    for (char *p = line; n < max;) {
        f[n++] = p;
        p = strchr(p, '\t');
        if (!p)
            break;
        *p++ = '\0';
    }
    return n;
}

static bool parse_ll(const char *s, long long *out)
{
    char *end;
    if (!*s || (!isdigit((unsigned char)*s) && *s != '-'))
        return false;
    errno = 0;
    *out = strtoll(s, &end, 10);
    return errno == 0 && *end == '\0';
}

static const struct {
    const char *name;
    enum sg_ctype t;
} ctypes[] = {
    {"-", SG_CT_UNKNOWN},     {"int", SG_CT_INT},       {"uint", SG_CT_UINT},
    {"u8", SG_CT_U8},         {"ulong", SG_CT_ULONG},   {"bool", SG_CT_BOOL},
    {"string", SG_CT_STRING}, {"bitmap", SG_CT_BITMAP},
};

const char *sg_ctype_name(enum sg_ctype t)
{
    for (size_t i = 0; i < sizeof(ctypes) / sizeof(*ctypes); i++)
        if (ctypes[i].t == t)
            return ctypes[i].name;
    return "-";
}

static bool parse_type(char *s, struct sg_catrow *r)
{
    char *star = strchr(s, '*');
    long long n = 1;
    if (star) {
        *star = '\0';
        if (!parse_ll(star + 1, &n) || n < 2 || n > 64)
            return false;
    }
    r->n = (unsigned)n;
    for (size_t i = 0; i < sizeof(ctypes) / sizeof(*ctypes); i++)
        if (strcmp(s, ctypes[i].name) == 0) {
            r->type = ctypes[i].t;
            return true;
        }
    return false;
}

/* "5.10,6.1": the versions as bits. The series names are compared as
 * text (a row names them as the versions line's MAJOR.MINOR). */
bool sg_catalog_series(const struct sg_catalog *c, const char *s, unsigned *out)
{
    size_t i = 0; /* the generator lists them oldest first */
    *out = 0;
    for (const char *t = s; *t;) {
        const char *comma = strchr(t, ',');
        size_t n = comma ? (size_t)(comma - t) : strlen(t);
        while (i < c->n_versions &&
               (c->series_len[i] != n || memcmp(c->series[i], t, n) != 0))
            i++;
        if (i == c->n_versions)
            return false;
        *out |= 1u << i++;
        t += n + (comma != NULL);
    }
    return *out != 0;
}

static bool valid_key(const char *k)
{
    if (!*k)
        return false;
    for (const unsigned char *p = (const unsigned char *)k; *p; p++)
        if (*p <= 0x20 || *p >= 0x7f)
            return false;
    return true;
}

static int bad(struct sg_diags *d, const char *file, unsigned line,
               const char *what)
{
    int r = sg_diag_add(d, SG_SEV_ERROR, "catalog", file, line,
                        "malformed catalog line: %s", what);
    return r < 0 ? r : -EINVAL;
}

/* The name rows give version I: its series ("6.1"), and its distribution
 * where the catalog keeps that build beside the series' own ("3.10-rhel",
 * "4.15-ubuntu"; scripts/catalog/build.py token()). */
static void name_series(struct sg_catalog *c, size_t i)
{
    const struct sg_kver *k = &c->versions[i];
    enum sg_kbuild b = c->builds[i];
    int n = snprintf(c->series[i], sizeof(c->series[i]), "%u.%u%s", k->major,
                     k->minor,
                     b == SG_KB_RHEL     ? "-rhel"
                     : b == SG_KB_UBUNTU ? "-ubuntu"
                                         : "");
    c->series_len[i] = n > 0 ? (size_t)n : 0;
}

static int parse_header(struct sg_catalog *c, char *line, const char *file,
                        unsigned ln, struct sg_diags *d)
{
    char *f[SG_CATALOG_MAX_VERSIONS + 2];
    size_t n = split_tabs(line, f, SG_CATALOG_MAX_VERSIONS + 2);
    if (n < 2 || n > SG_CATALOG_MAX_VERSIONS + 1)
        return bad(d, file, ln, "a versions line names 1 to 32 versions");
    for (size_t i = 1; i < n; i++) {
        struct sg_kver *k = &c->versions[i - 1];
        if (sg_kver_parse(f[i], k) < 0 ||
            (i > 1 && sg_kver_cmp(&c->versions[i - 2], k) >= 0))
            return bad(d, file, ln, "versions must be releases, oldest first");
        c->builds[i - 1] = SG_KB_KERNELORG;
        name_series(c, i - 1);
    }
    c->n_versions = n - 1;
    return 0;
}

static int index_rows(struct sg_catalog *c, const char *file,
                      struct sg_diags *d);

/* "# builds<TAB>kernel.org<TAB>debian...": one per version, after them. */
static int parse_builds(struct sg_catalog *c, char *line, const char *file,
                        unsigned ln, struct sg_diags *d)
{
    char *f[SG_CATALOG_MAX_VERSIONS + 2];
    size_t n = split_tabs(line, f, SG_CATALOG_MAX_VERSIONS + 2);
    if (c->n_versions == 0 || n != c->n_versions + 1)
        return bad(d, file, ln,
                   "a builds line names the build of each version");
    for (size_t i = 1; i < n; i++) {
        if (sg_kbuild_parse(f[i], &c->builds[i - 1]) < 0)
            return bad(d, file, ln,
                       "a build is kernel.org, debian, ubuntu or rhel");
        name_series(c, i - 1);
    }
    return 0;
}

static int parse_keys(struct sg_catalog *c, const char *file,
                      struct sg_diags *d)
{
    size_t cap = 1;
    unsigned ln = 0;

    for (const char *p = c->keys_text; (p = strchr(p, '\n')); p++)
        cap++;
    c->rows = c->own_rows = calloc(cap, sizeof(*c->own_rows));
    if (!c->own_rows)
        return -ENOMEM;
    for (char *line = c->keys_text, *next; line && *line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        ln++;
        if (!*line)
            continue;
        if (strncmp(line, "# versions\t", 11) == 0) {
            int r = parse_header(c, line, file, ln, d);
            if (r < 0)
                return r;
            continue;
        }
        if (strncmp(line, "# builds\t", 9) == 0) {
            int r = parse_builds(c, line, file, ln, d);
            if (r < 0)
                return r;
            continue;
        }
        if (line[0] == '#')
            continue;
        if (c->n_versions == 0)
            return bad(d, file, ln, "a row before the versions line");
        char *f[10];
        struct sg_catrow r = {0};
        if (split_tabs(line, f, 10) != 9)
            return bad(d, file, ln, "a row has 9 tab-separated fields");
        for (size_t i = 0; i < 9; i++)
            if (!*f[i]) /* "-" says none; an empty module was a module "" */
                return bad(d, file, ln, "a field is empty (\"-\" for none)");
        r.key = f[0];
        if (!valid_key(r.key) || !sg_catalog_series(c, f[1], &r.versions) ||
            !parse_type(f[2], &r))
            return bad(d, file, ln, "bad key, versions or type");
        r.unk_min = strcmp(f[3], "?") == 0;
        r.unk_max = strcmp(f[4], "?") == 0;
        r.has_min = strcmp(f[3], "-") != 0 && !r.unk_min;
        r.has_max = strcmp(f[4], "-") != 0 && !r.unk_max;
        if ((r.has_min && !parse_ll(f[3], &r.min)) ||
            (r.has_max && !parse_ll(f[4], &r.max)))
            return bad(d, file, ln,
                       "a bound is a decimal number, \"-\" or \"?\"");
        r.access = strcmp(f[5], "rw") == 0   ? SG_CA_RW
                   : strcmp(f[5], "ro") == 0 ? SG_CA_RO
                   : strcmp(f[5], "wo") == 0 ? SG_CA_WO
                                             : SG_CA_UNKNOWN;
        r.netns = f[6];
        r.module = f[7];
        r.source = f[8];
        r.templated = strchr(r.key, '<') != NULL;
        r.key_len = strlen(r.key);
        c->own_rows[c->n_rows++] = r;
    }
    if (c->n_versions == 0)
        return bad(d, file, 0, "no versions line");
    return index_rows(c, file, d);
}

/* Check the order of the rows and index the templates. */
static int index_rows(struct sg_catalog *c, const char *file,
                      struct sg_diags *d)
{
    size_t cap = 0;
    /* Stable: the rows of one key stay in the file's (version) order. */
    for (size_t i = 1; i < c->n_rows; i++)
        if (strcmp(c->rows[i - 1].key, c->rows[i].key) > 0)
            return bad(d, file, 0, "rows are not sorted by key");
    for (size_t i = 0; i < c->n_rows; i++) {
        if (c->rows[i].key_len != strlen(c->rows[i].key))
            return bad(d, file, 0, "a row's key length is not its key's");
        if (!c->rows[i].templated)
            continue;
        if (sg_grow((void **)&c->templates, sizeof(*c->templates),
                    c->n_templates + 1, &cap) < 0)
            return -ENOMEM;
        c->templates[c->n_templates++] = &c->rows[i];
    }
    /* Groups of templates by the text before the first placeholder: a key
     * is matched only against the groups whose text it starts with. */
    for (size_t i = 0; i < c->n_templates; i++) {
        const char *k = c->templates[i]->key;
        size_t len = (size_t)(strchr(k, '<') - k);
        struct sg_tgroup *g =
            c->n_tgroups ? &c->tgroups[c->n_tgroups - 1] : NULL;
        if (g && g->len == len && memcmp(g->prefix, k, len) == 0) {
            g->n++;
            continue;
        }
        struct sg_tgroup *ng =
            realloc(c->tgroups, (c->n_tgroups + 1) * sizeof(*ng));
        if (!ng)
            return -ENOMEM;
        c->tgroups = ng;
        c->tgroups[c->n_tgroups++] = (struct sg_tgroup){k, len, i, 1};
    }
    return 0;
}

static int parse_hist(struct sg_catalog *c, const char *file,
                      struct sg_diags *d)
{
    size_t cap = 0;
    unsigned ln = 0;
    char *save = NULL;

    for (char *line = strtok_r(c->hist_text, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save)) {
        ln++;
        if (line[0] == '#')
            continue;
        char *f[6];
        struct sg_hist h = {0};
        if (split_tabs(line, f, 6) != 5)
            return bad(d, file, ln, "a history row has 5 tab-separated fields");
        h.key = f[0];
        if (strcmp(f[1], "added") == 0)
            h.kind = SG_H_ADDED;
        else if (strcmp(f[1], "removed") == 0)
            h.kind = SG_H_REMOVED;
        else if (strcmp(f[1], "no-effect") == 0)
            h.kind = SG_H_NO_EFFECT;
        else if (strcmp(f[1], "varies") == 0)
            h.kind = SG_H_VARIES;
        else
            return bad(d, file, ln,
                       "the change is added, removed, no-effect or varies");
        size_t cl = strlen(f[3]);
        if (!valid_key(h.key) || sg_kver_parse(f[2], &h.version) < 0 ||
            cl < 12 || cl > 40 || strspn(f[3], "0123456789abcdef") != cl ||
            !*f[4])
            return bad(d, file, ln, "bad key, version, commit or text");
        h.commit = f[3];
        h.what = f[4];
        if (sg_grow((void **)&c->hist, sizeof(*c->hist), c->n_hist + 1, &cap) <
            0)
            return -ENOMEM;
        c->hist[c->n_hist++] = h;
    }
    return 0;
}

int sg_catalog_parse(const char *keys, size_t keys_len, const char *kname,
                     const char *hist, size_t hist_len, const char *hname,
                     struct sg_catalog *out, struct sg_diags *d)
{
    memset(out, 0, sizeof(*out));
    out->keys_text = strndup(keys, keys_len);
    out->hist_text = strndup(hist ? hist : "", hist ? hist_len : 0);
    if (!out->keys_text || !out->hist_text) {
        sg_catalog_free(out);
        return -ENOMEM;
    }
    if (strlen(out->keys_text) != keys_len ||
        (hist && strlen(out->hist_text) != hist_len)) {
        int r = bad(d, strlen(out->keys_text) != keys_len ? kname : hname, 0,
                    "a NUL byte");
        sg_catalog_free(out);
        return r;
    }
    int r = parse_keys(out, kname, d);
    if (r == 0)
        r = parse_hist(out, hname, d);
    if (r < 0)
        sg_catalog_free(out);
    return r;
}

int sg_catalog_builtin(const char *const *versions, const char *const *builds,
                       size_t n_versions, const struct sg_catrow *rows,
                       size_t n_rows, const char *hist, size_t hist_len,
                       const char *hname, struct sg_catalog *out,
                       struct sg_diags *d)
{
    memset(out, 0, sizeof(*out));
    int r = n_versions && n_versions <= SG_CATALOG_MAX_VERSIONS ? 0 : -EINVAL;
    for (size_t i = 0; r == 0 && i < n_versions; i++) {
        struct sg_kver *k = &out->versions[i];
        if (sg_kver_parse(versions[i], k) < 0)
            r = -EINVAL;
        out->builds[i] = SG_KB_KERNELORG;
        if (builds && sg_kbuild_parse(builds[i], &out->builds[i]) < 0)
            r = -EINVAL;
        name_series(out, i);
    }
    out->n_versions = n_versions;
    out->hist_text = strndup(hist ? hist : "", hist ? hist_len : 0);
    out->rows = rows; /* read-only data of the binary: no copy */
    if (r == 0 && !out->hist_text)
        r = -ENOMEM;
    if (r == 0) {
        out->n_rows = n_rows;
        r = index_rows(out, "(built in)", d);
    }
    if (r == 0)
        r = parse_hist(out, hname, d);
    if (r < 0)
        sg_catalog_free(out);
    return r;
}

static int read_one(const char *dir, const char *name, char **path, char **buf,
                    size_t *len, struct sg_diags *d)
{
    int err = 0;
    *path = sg_strdup_printf("%s/%s", dir, name);
    if (!*path)
        return -ENOMEM;
    enum sg_read_status st = sg_read_file(*path, buf, len, &err);
    if (st == SG_READ_OK)
        return 0;
    int r = sg_diag_add(d, SG_SEV_ERROR, "catalog", *path, 0,
                        "cannot read the kernel key catalog: %s",
                        st == SG_READ_ERRNO ? strerror(err) : "not a file");
    return r < 0 ? r : -(st == SG_READ_ERRNO && err ? err : EINVAL);
}

int sg_catalog_load(const char *dir, struct sg_catalog *out, struct sg_diags *d)
{
    char *kp = NULL, *hp = NULL, *kb = NULL, *hb = NULL;
    size_t kl = 0, hl = 0;
    int r = read_one(dir, "keys.tsv", &kp, &kb, &kl, d);
    if (r == 0)
        r = read_one(dir, "history.tsv", &hp, &hb, &hl, d);
    if (r == 0)
        r = sg_catalog_parse(kb, kl, kp, hb, hl, hp, out, d);
    else
        memset(out, 0, sizeof(*out));
    free(kp);
    free(hp);
    free(kb);
    free(hb);
    return r;
}

void sg_catalog_free(struct sg_catalog *c)
{
    if (!c)
        return;
    free(c->keys_text);
    free(c->hist_text);
    free(c->own_rows);
    free(c->templates);
    free(c->tshapes);
    free(c->tgroups);
    free(c->by_len);
    free(c->by_chars);
    free(c->hist);
    free(c->rel_text); /* relations.h's, freed here with the rest */
    free(c->own_rel);
    sg_strmap_free(&c->rel_keys);
    free(c->def_text); /* defaults.h's */
    free(c->own_def);
    memset(c, 0, sizeof(*c));
}

/* ---- matching keys ---- */

/* Whether the template (or plain) row key T matches KEY, component by
 * component; a "<...>" component matches any one component. With GLOB,
 * KEY's components are fnmatch(3) patterns ("*", "?", "[...]"), as
 * systemd-sysctl's glob over /proc/sys matches them. */
static bool key_match(const char *t, const char *key, bool glob)
{
    while (*t && *key) {
        size_t tl = strcspn(t, "."), kl = strcspn(key, ".");
        bool any = tl >= 2 && t[0] == '<' && t[tl - 1] == '>';
        if (!any && glob) {
            char pat[256], text[256];
            if (kl >= sizeof(pat) || tl >= sizeof(text))
                return false;
            memcpy(pat, key, kl);
            pat[kl] = '\0';
            memcpy(text, t, tl);
            text[tl] = '\0';
            if (fnmatch(pat, text, 0) != 0)
                return false;
        } else if (!any && (tl != kl || memcmp(t, key, tl) != 0))
            return false;
        t += tl;
        key += kl;
        if (*t != *key)
            return false;
        if (*t) {
            t++;
            key++;
        }
    }
    return !*t && !*key;
}

/* Whether template or key T's last name cannot match LAST (the key's
 * last name with its dot, or NULL): T's is no placeholder and differs. A
 * cheap test before key_match. */
static bool last_differs(const char *t, const char *last)
{
    const char *tl = last ? strrchr(t, '.') : NULL;
    return tl && tl[1] != '<' && strcmp(tl, last) != 0;
}

static size_t lower_bound(const struct sg_catalog *c, const char *key)
{
    return sg_sorted_lower(c->rows, c->n_rows, sizeof(*c->rows),
                           offsetof(struct sg_catrow, key), key);
}

void sg_catalog_rows(const struct sg_catalog *c, const char *key,
                     bool (*fn)(const struct sg_catrow *, void *), void *arg)
{
    for (size_t i = lower_bound(c, key);
         i < c->n_rows && strcmp(c->rows[i].key, key) == 0; i++)
        if (!fn(&c->rows[i], arg))
            return;
    /* a template's last name, when it is no placeholder, must be the
     * key's: most of a group's templates fail that cheaply */
    const char *last = strrchr(key, '.');
    for (size_t g = 0; g < c->n_tgroups; g++) {
        const struct sg_tgroup *tg = &c->tgroups[g];
        if (strncmp(key, tg->prefix, tg->len) != 0)
            continue;
        for (size_t i = tg->first; i < tg->first + tg->n; i++)
            if (!last_differs(c->templates[i]->key, last) &&
                key_match(c->templates[i]->key, key, false) &&
                !fn(c->templates[i], arg))
                return;
    }
}

bool sg_catalog_hist_applies(const struct sg_hist *h, const char *key)
{
    return key_match(h->key, key, false);
}

static bool has_hist(const struct sg_catalog *c, const char *key)
{
    const char *last = strrchr(key, '.');
    for (size_t i = 0; i < c->n_hist; i++)
        if (!last_differs(c->hist[i].key, last) &&
            key_match(c->hist[i].key, key, false))
            return true;
    return false;
}

static bool any_row(const struct sg_catrow *r, void *arg)
{
    (void)r;
    *(bool *)arg = true;
    return false;
}

bool sg_catalog_knows(const struct sg_catalog *c, const char *key)
{
    bool found = false;
    if (!strpbrk(key, "*?[")) {
        sg_catalog_rows(c, key, any_row, &found);
        return found || has_hist(c, key);
    }
    /* a glob whose last name is plain: that name must match first */
    const char *last = strrchr(key, '.');
    if (last && strpbrk(last, "*?["))
        last = NULL;
    for (size_t i = 0; i < c->n_rows; i++)
        if (!last_differs(c->rows[i].key, last) &&
            key_match(c->rows[i].key, key, true))
            return true;
    for (size_t i = 0; i < c->n_hist; i++)
        if (!last_differs(c->hist[i].key, last) &&
            key_match(c->hist[i].key, key, true))
            return true;
    return false;
}

/* ---- versions ---- */

static int series_cmp(const struct sg_kver *a, const struct sg_kver *b)
{
    if (a->major != b->major)
        return a->major < b->major ? -1 : 1;
    return a->minor < b->minor ? -1 : a->minor > b->minor;
}

/* A known state at a version: the state just before it and at it. */
struct point {
    const struct sg_kver *v;
    enum sg_kstate before, at;
    const struct sg_hist *h; /* or NULL: a catalogued version */
};

struct rows_acc {
    unsigned versions; /* versions that have the key */
    const struct sg_catalog *c;
};

static bool acc_rows(const struct sg_catrow *r, void *arg)
{
    ((struct rows_acc *)arg)->versions |= r->versions;
    return true;
}

struct row_at {
    unsigned bit;
    const struct sg_catrow *row;
};

static bool find_row_at(const struct sg_catrow *r, void *arg)
{
    struct row_at *a = arg;
    if (!(r->versions & a->bit))
        return true;
    a->row = r;
    return false;
}

const struct sg_catrow *sg_catalog_row_at(const struct sg_catalog *c,
                                          const char *key, int i)
{
    struct row_at a = {0, NULL};
    if (i < 0 || (size_t)i >= c->n_versions)
        return NULL;
    a.bit = 1u << i;
    sg_catalog_rows(c, key, find_row_at, &a);
    return a.row;
}

struct facts_acc {
    unsigned want; /* versions whose facts must agree */
    const struct sg_catrow *row;
    bool differ;
};

static bool same_facts(const struct sg_catrow *a, const struct sg_catrow *b)
{
    return a->type == b->type && a->n == b->n && a->has_min == b->has_min &&
           a->has_max == b->has_max && (!a->has_min || a->min == b->min) &&
           (!a->has_max || a->max == b->max) && a->unk_min == b->unk_min &&
           a->unk_max == b->unk_max && a->access == b->access &&
           strcmp(a->module, b->module) == 0;
}

static bool acc_facts(const struct sg_catrow *r, void *arg)
{
    struct facts_acc *f = arg;
    if (!(r->versions & f->want))
        return true;
    if (!f->row)
        f->row = r;
    else if (f->row != r && !same_facts(f->row, r))
        f->differ = true;
    return true;
}

unsigned sg_catalog_usable(const struct sg_catalog *c, const struct sg_kver *k)
{
    enum sg_kbuild b = sg_kver_build(k);
    unsigned use = 0, own = 0;
    for (size_t i = 0; i < c->n_versions; i++) {
        enum sg_kbuild vb = c->builds[i];
        if (vb == SG_KB_KERNELORG || vb == SG_KB_DEBIAN || vb == b)
            use |= 1u << i;
        if (vb == b && vb != SG_KB_KERNELORG && vb != SG_KB_DEBIAN)
            own |= 1u << i;
    }
    /* A version of the target's own build replaces the others of its
     * series, the target's and the neighbours' alike. */
    for (size_t i = 0; own && i < c->n_versions; i++)
        for (size_t j = 0; j < c->n_versions; j++)
            if ((own & (1u << j)) && !(own & (1u << i)) &&
                series_cmp(&c->versions[i], &c->versions[j]) == 0)
                use &= ~(1u << i);
    return use;
}

void sg_catalog_around(const struct sg_catalog *c, const struct sg_kver *k,
                       int *below, int *above)
{
    unsigned use = sg_catalog_usable(c, k);
    *below = *above = -1;
    for (size_t i = 0; i < c->n_versions; i++) {
        if (!(use & (1u << i)))
            continue;
        int d = series_cmp(&c->versions[i], k);
        if (d <= 0)
            *below = (int)i;
        if (d >= 0 && *above < 0)
            *above = (int)i;
    }
}

int sg_catalog_base_of(const struct sg_catalog *c, const struct sg_kver *k)
{
    int at = -1;
    for (size_t i = 0; i < c->n_versions; i++)
        if ((c->builds[i] == SG_KB_KERNELORG || c->builds[i] == SG_KB_DEBIAN) &&
            series_cmp(&c->versions[i], k) <= 0)
            at = (int)i;
    return at;
}

void sg_catalog_lookup(const struct sg_catalog *c, const char *key,
                       const struct sg_kver *k, struct sg_catinfo *out)
{
    struct point pts[SG_CATALOG_MAX_VERSIONS + 16];
    size_t np = 0;
    struct rows_acc acc = {0, c};

    memset(out, 0, sizeof(*out));
    out->at = out->older = out->newer = -1;
    unsigned usable = sg_catalog_usable(c, k);
    for (size_t i = 0; i < c->n_versions; i++) {
        if (!(usable & (1u << i)))
            continue;
        int cmp = series_cmp(&c->versions[i], k);
        if (cmp == 0)
            out->at = (int)i;
        else if (cmp < 0)
            out->older = (int)i;
        else if (out->newer < 0)
            out->newer = (int)i;
    }
    sg_catalog_rows(c, key, acc_rows, &acc);
    for (size_t i = 0; i < c->n_versions; i++) {
        if (!(usable & (1u << i)))
            continue;
        enum sg_kstate s =
            acc.versions & (1u << i) ? SG_KS_PRESENT : SG_KS_ABSENT;
        pts[np++] = (struct point){&c->versions[i], s, s, NULL};
    }
    const char *last = strrchr(key, '.');
    for (size_t i = 0; i < c->n_hist && np < sizeof(pts) / sizeof(*pts); i++) {
        const struct sg_hist *h = &c->hist[i];
        if (last_differs(h->key, last) || !key_match(h->key, key, false))
            continue;
        if (h->kind == SG_H_NO_EFFECT) {
            if (series_cmp(&h->version, k) <= 0)
                out->no_effect = h;
            continue;
        }
        /* Whatever the release: stable updates carry such bounds back
         * (netdev_budget_usecs's reached 6.1.y), and the rows say where
         * a bound is at all. */
        if (h->kind == SG_H_VARIES) {
            out->varies = h;
            continue;
        }
        bool add = h->kind == SG_H_ADDED;
        pts[np++] =
            (struct point){&h->version, add ? SG_KS_ABSENT : SG_KS_PRESENT,
                           add ? SG_KS_PRESENT : SG_KS_ABSENT, h};
    }
    /* The state at K: a catalogued version of K's series says it; else a
     * change in K's series; else the points around K must agree. */
    const struct point *lo = NULL, *hi = NULL, *at = NULL;
    for (size_t i = 0; i < np; i++) {
        int cmp = series_cmp(pts[i].v, k);
        if (cmp == 0 && (!at || (at->h && !pts[i].h)))
            at = &pts[i];
        else if (cmp < 0 && (!lo || series_cmp(pts[i].v, lo->v) >= 0))
            lo = &pts[i];
        else if (cmp > 0 && (!hi || series_cmp(pts[i].v, hi->v) < 0))
            hi = &pts[i];
    }
    if (at)
        out->state = at->at;
    else if (lo && hi)
        out->state = lo->at == hi->before ? lo->at : SG_KS_UNKNOWN;
    else if (lo)
        out->state = lo->at; /* newer than every version known */
    else if (hi)
        /* Older than every version known: a key that some later version
         * added was not there; one that was there may be older still. */
        out->state = hi->before == SG_KS_ABSENT ? SG_KS_ABSENT : SG_KS_UNKNOWN;
    for (size_t i = 0; i < np; i++)
        if (pts[i].h && pts[i].h->kind == SG_H_ADDED &&
            series_cmp(pts[i].v, k) > 0)
            out->added = pts[i].h; /* the state's reason, when absent */
        else if (pts[i].h && pts[i].h->kind == SG_H_REMOVED &&
                 series_cmp(pts[i].v, k) <= 0)
            out->removed = pts[i].h;
    if (out->state != SG_KS_PRESENT)
        return;
    /* The facts: those of K's series; else those the nearest catalogued
     * versions on both sides agree on; else, for K newer than every
     * catalogued version, those of the newest. */
    int below = out->older, above = out->newer, same = out->at;
    struct facts_acc f = {0};
    if (same >= 0)
        f.want = 1u << same;
    else if (below >= 0 && (acc.versions & (1u << below)) &&
             (above < 0 || (acc.versions & (1u << above))))
        f.want = (1u << below) | (above >= 0 ? 1u << above : 0);
    else
        return;
    sg_catalog_rows(c, key, acc_facts, &f);
    if (!f.differ)
        out->row = f.row;
}

/* ---- values ---- */

/* One number as proc_get_long reads it; *P advances. Returns false when
 * the text there is no number the kernel takes. */
static bool kernel_number(const char **p, bool *neg, unsigned long long *v)
{
    const char *s = *p;
    char *end;
    *neg = *s == '-';
    if (*neg)
        s++;
    if (!isdigit((unsigned char)*s))
        return false;
    errno = 0;
    *v = strtoull(s, &end, 0);
    if (errno == ERANGE)
        return false;
    if (*end && !strchr(" \t\n", *end))
        return false;
    *p = end;
    return true;
}

const char *sg_catalog_rejects_varies(const struct sg_catrow *row,
                                      const struct sg_hist *varies,
                                      const char *value, char *buf, size_t len)
{
    if (!row || !varies)
        return sg_catalog_rejects(row, value, buf, len);
    struct sg_catrow typed = *row;
    typed.has_min = typed.has_max = false;
    typed.access = SG_CA_UNKNOWN;
    return sg_catalog_rejects(&typed, value, buf, len);
}

const char *sg_catalog_rejects(const struct sg_catrow *row, const char *value,
                               char *buf, size_t len)
{
    if (!row || !value)
        return NULL;
    if (row->access == SG_CA_RO) {
        snprintf(buf, len, "the key is read-only: writing it fails");
        return buf;
    }
    long long tmin, tmax;
    unsigned long long umax;
    bool sign = true;
    switch (row->type) {
    case SG_CT_INT:
    case SG_CT_BOOL:
        tmin = INT_MIN, tmax = INT_MAX, umax = INT_MAX;
        break;
    case SG_CT_UINT:
        tmin = 0, tmax = LLONG_MAX, umax = UINT_MAX, sign = false;
        break;
    case SG_CT_U8:
        tmin = 0, tmax = LLONG_MAX, umax = 255, sign = false;
        break;
    case SG_CT_ULONG:
        tmin = 0, tmax = LLONG_MAX, umax = ULLONG_MAX, sign = false;
        break;
    default:
        return NULL; /* strings and bitmaps: the catalog does not judge */
    }
    const char *p = value;
    for (unsigned i = 0; i < row->n; i++) {
        while (*p == ' ' || *p == '\t' || *p == '\n')
            p++;
        if (!*p) {
            if (i > 0)
                break; /* fewer values than the vector holds: accepted */
            snprintf(buf, len, "an empty value is no number");
            return buf;
        }
        bool neg;
        unsigned long long v;
        const char *at = p;
        if (!kernel_number(&p, &neg, &v)) {
            snprintf(buf, len, "\"%.*s\" is not a number the kernel reads",
                     (int)strcspn(at, " \t\n"), at);
            return buf;
        }
        if (neg && !sign) {
            snprintf(buf, len, "a %s takes no negative number",
                     row->type == SG_CT_ULONG ? "unsigned long" : "unsigned");
            return buf;
        }
        /* As a signed value where it fits, for the bounds. */
        bool big = !neg && v > (unsigned long long)LLONG_MAX;
        long long sv = neg   ? (v > (unsigned long long)LLONG_MAX ? LLONG_MIN
                                                                  : -(long long)v)
                       : big ? LLONG_MAX
                             : (long long)v;
        if ((neg && sv < tmin) || (!neg && v > umax) || (!big && sv > tmax)) {
            snprintf(buf, len, "%s%llu is out of the range of a%s %s",
                     neg ? "-" : "", v, row->type == SG_CT_INT ? "n" : "",
                     row->type == SG_CT_U8 ? "u8 (0 to 255)"
                                           : sg_ctype_name(row->type));
            return buf;
        }
        if (row->has_min && (sv < row->min)) {
            snprintf(buf, len, "%s%llu is below the minimum %lld",
                     neg ? "-" : "", v, row->min);
            return buf;
        }
        if (row->has_max && (big || sv > row->max)) {
            snprintf(buf, len, "%s%llu is above the maximum %lld",
                     neg ? "-" : "", v, row->max);
            return buf;
        }
    }
    return NULL;
}

/* ---- sentences ---- */

static const char *hist_commit(const struct sg_hist *h, char *buf, size_t len)
{
    snprintf(buf, len, "%.12s", h->commit);
    return buf;
}

/* "5.10.223, 6.1.192 and 6.12.117" for the versions in (or not in) SET. */
static int add_versions(struct sg_buf *b, const struct sg_catalog *c,
                        unsigned set, bool in)
{
    size_t n = 0, total = 0;
    for (size_t i = 0; i < c->n_versions; i++)
        total += !(set & (1u << i)) == !in;
    for (size_t i = 0; i < c->n_versions; i++) {
        if (!(set & (1u << i)) != !in)
            continue;
        n++;
        int r = sg_buf_printf(b, "%s%s",
                              n == 1       ? ""
                              : n == total ? " and "
                                           : ", ",
                              c->versions[i].release);
        if (r < 0)
            return r;
    }
    return 0;
}

char *sg_catalog_history(const struct sg_catalog *c, const char *key,
                         const struct sg_kver *k)
{
    struct sg_buf b = {0};
    struct rows_acc acc = {0, c};
    struct sg_catinfo in;
    char cm[16];
    int r = 0;
    unsigned all = c->n_versions >= 32 ? ~0u : (1u << c->n_versions) - 1;

    sg_catalog_lookup(c, key, k, &in);
    sg_catalog_rows(c, key, acc_rows, &acc);
    const struct sg_hist *h = in.added ? in.added : in.removed;
    if (h)
        r = sg_buf_printf(&b, "Linux %s it in %u.%u, commit %s \"%s\"; ",
                          h == in.added ? "added" : "removed", h->version.major,
                          h->version.minor, hist_commit(h, cm, sizeof(cm)),
                          h->what);
    if (r == 0 && acc.versions == 0) {
        /* not every one of them by name: the range and the count */
        r = sg_buf_printf(&b,
                          "none of the %zu catalogued kernels (%s to %s) "
                          "has it",
                          c->n_versions, c->versions[0].release,
                          c->versions[c->n_versions - 1].release);
        if (r < 0 || !b.v) {
            free(b.v);
            return NULL;
        }
        return b.v;
    } else if (r == 0 && acc.versions == all)
        r = sg_buf_printf(&b, "all the catalogued kernels, ");
    else if (r == 0) {
        r = sg_buf_printf(&b, "of the catalogued kernels, ");
        if (r == 0)
            r = add_versions(&b, c, acc.versions, true);
        if (r == 0)
            r = sg_buf_printf(&b, " %s it and ",
                              __builtin_popcount(acc.versions) > 1 ? "have"
                                                                   : "has");
        if (r == 0)
            r = add_versions(&b, c, acc.versions, false);
        if (r == 0)
            r = sg_buf_printf(
                &b, " %s not",
                __builtin_popcount(all & ~acc.versions) > 1 ? "do" : "does");
    }
    if (r == 0 && (acc.versions == 0 || acc.versions == all)) {
        r = add_versions(&b, c, all, true);
        if (r == 0)
            r = sg_buf_printf(&b, ", %s it", acc.versions ? "have" : "has");
    }
    if (r < 0 || !b.v) {
        free(b.v);
        return NULL;
    }
    return b.v;
}

/* Whether S holds blank-separated numbers and nothing else. */
static bool all_numbers(const char *s)
{
    unsigned long long f[64];
    size_t n = sg_leading_fields(s, false, f, 64);
    const char *p = s;
    for (size_t i = 0; i < n; i++) {
        p += strspn(p, " \t\n");
        p += strcspn(p, " \t\n");
    }
    return n > 0 && !p[strspn(p, " \t\n")];
}

bool sg_catalog_live_same(const struct sg_catalog *c, const struct sg_kver *k,
                          const char *key, const char *value, const char *live)
{
    enum sg_ctype t = SG_CT_UNKNOWN;
    if (c && !strpbrk(key, "*?[")) {
        struct sg_catinfo in;
        sg_catalog_lookup(c, key, k, &in);
        if (in.row)
            t = in.row->type;
    }
    bool numeric = t == SG_CT_INT || t == SG_CT_UINT || t == SG_CT_U8 ||
                   t == SG_CT_ULONG || t == SG_CT_BOOL;
    if (t == SG_CT_UNKNOWN)
        numeric = all_numbers(live);
    if (numeric) {
        bool u = t == SG_CT_UINT || t == SG_CT_U8 || t == SG_CT_ULONG;
        unsigned long long want[64], have[64];
        size_t nw = sg_leading_fields(value, u, want, 64),
               nh = sg_leading_fields(live, u, have, 64);
        if (nw > 0 && nh > 0) {
            for (size_t i = 0; i < nw && i < nh; i++)
                if (want[i] != have[i])
                    return false;
            return true;
        }
    }
    size_t ll = strlen(live);
    while (ll && (live[ll - 1] == '\n'))
        ll--;
    return strlen(value) == ll && strncmp(value, live, ll) == 0;
}
