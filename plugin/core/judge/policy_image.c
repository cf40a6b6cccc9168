/*
 * policy_image.c - see policy_image.h. The writer walks each file's
 * struct sg_policies field by field, the reader appends it back in the
 * same order: every item is pushed zeroed first and filled in place, so
 * that whatever a failed read leaves, sg_policies_free frees. A field
 * added to one of these structs must be added to both (the static
 * asserts below name the structs whose size would change).
 */
#include "policy_image.h"
#include "../base/util.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MAGIC "sysctl-guard policy image 2\n"
#define NUL32 0xffffffffu

#if defined(__x86_64__) && defined(__GLIBC__)
/* A new field in one of these is a field the image must carry. */
_Static_assert(sizeof(struct sg_rule) == 576, "policy image: sg_rule");
_Static_assert(sizeof(struct sg_cond) == 144, "policy image: sg_cond");
_Static_assert(sizeof(struct sg_check) == 120, "policy image: sg_check");
_Static_assert(sizeof(struct sg_keyinfo) == 336, "policy image: sg_keyinfo");
_Static_assert(sizeof(struct sg_default) == 296, "policy image: sg_default");
_Static_assert(sizeof(struct sg_profile) == 16, "policy image: sg_profile");
_Static_assert(sizeof(struct sg_reference) == 16, "policy image: sg_reference");
_Static_assert(sizeof(struct sg_policies) == 80, "policy image: sg_policies");
#endif

/* ---- writing ---- */

struct out {
    FILE *f;
    bool bad;
};

static void put_u32(struct out *o, uint32_t v)
{
    unsigned char b[4] = {(unsigned char)v, (unsigned char)(v >> 8),
                          (unsigned char)(v >> 16), (unsigned char)(v >> 24)};
    o->bad |= fwrite(b, 1, 4, o->f) != 4;
}

static void put_str(struct out *o, const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n >= NUL32) {
        o->bad = true;
        return;
    }
    put_u32(o, s ? (uint32_t)n : NUL32);
    o->bad |= n && fwrite(s, 1, n, o->f) != n;
}

static void put_range(struct out *o, const struct sg_krange *r)
{
    put_str(o, r->has_from ? r->from.release : NULL);
    put_str(o, r->has_before ? r->before.release : NULL);
}

static void put_cond(struct out *o, const struct sg_cond *c)
{
    put_u32(o, c->kind);
    put_u32(o, (uint32_t)c->n_kids);
    for (size_t i = 0; i < c->n_kids; i++)
        put_cond(o, &c->kids[i]);
    if (c->kind != SG_COND_CHECK)
        return;
    const struct sg_check *k = &c->check;
    put_str(o, k->key);
    put_u32(o, k->of);
    put_u32(o, (uint32_t)k->field);
    put_u32(o, k->op);
    put_str(o, k->value);
    put_u32(o, k->than);
    put_u32(o, (uint32_t)k->than_field);
    put_str(o, k->than_key);
    put_u32(o, k->has_re);
    put_u32(o, k->line);
}

static void put_rule(struct out *o, const struct sg_rule *r)
{
    put_str(o, r->id);
    put_u32(o, r->severity);
    put_u32(o, r->has_ignored_severity);
    put_u32(o, r->ignored_severity);
    put_str(o, r->key);
    put_str(o, r->diagnostic);
    put_u32(o, r->on_lines);
    put_u32(o, r->on_sourced);
    put_str(o, r->title);
    put_str(o, r->message);
    put_str(o, r->rationale);
    put_range(o, &r->kernel);
    put_u32(o, (uint32_t)r->n_profiles);
    for (size_t i = 0; i < r->n_profiles; i++)
        put_str(o, r->profiles[i]);
    put_u32(o, r->profiles_not);
    put_cond(o, &r->when);
    put_u32(o, (uint32_t)r->n_refs);
    for (size_t i = 0; i < r->n_refs; i++) {
        put_str(o, r->refs[i].href);
        put_str(o, r->refs[i].text);
    }
    put_u32(o, r->fix);
    put_str(o, r->fix_value);
    put_u32(o, r->line);
}

/* A file's policies (PS, loaded alone): its profiles as it declares
 * them, its keys, its rules, whether they ask for the catalog. */
static void put_part(struct out *o, const struct sg_policies *ps)
{
    put_u32(o, (uint32_t)ps->n_profiles);
    for (size_t i = 0; i < ps->n_profiles; i++) {
        put_str(o, ps->profiles[i].name);
        put_str(o, ps->profiles[i].doc);
    }
    put_u32(o, (uint32_t)ps->n_keys);
    for (size_t i = 0; i < ps->n_keys; i++) {
        const struct sg_keyinfo *k = &ps->keys[i];
        put_str(o, k->name);
        put_range(o, &k->exists);
        put_str(o, k->doc);
        put_u32(o, (uint32_t)k->n_defaults);
        for (size_t j = 0; j < k->n_defaults; j++) {
            put_range(o, &k->defaults[j].range);
            put_str(o, k->defaults[j].value);
        }
        put_u32(o, k->line);
    }
    put_u32(o, (uint32_t)ps->n_rules);
    for (size_t i = 0; i < ps->n_rules; i++)
        put_rule(o, &ps->rules[i]);
    put_u32(o, ps->wants_catalog);
}

int sg_policy_image_write(FILE *f, const struct sg_policies *parts, size_t n)
{
    struct out o = {.f = f};
    o.bad = fputs(MAGIC, f) == EOF;
    put_u32(&o, (uint32_t)n);
    for (size_t i = 0; i < n && !o.bad; i++) {
        const struct sg_policies *ps = &parts[i];
        char *body = NULL;
        size_t len = 0;
        FILE *m = ps->n_files == 1 ? open_memstream(&body, &len) : NULL;
        struct out ob = {.f = m, .bad = !m};
        if (m) {
            put_part(&ob, ps);
            ob.bad |= fclose(m) != 0;
        }
        if (ob.bad || len >= NUL32) {
            free(body);
            return -EIO;
        }
        const char *base = strrchr(ps->files[0], '/');
        put_str(&o, base ? base + 1 : ps->files[0]);
        put_u32(&o, (uint32_t)len);
        o.bad |= len && fwrite(body, 1, len, f) != len;
        free(body);
    }
    return o.bad || fflush(f) == EOF ? -EIO : 0;
}

/* ---- reading ---- */

struct in {
    const unsigned char *p, *end;
    struct sg_policies *ps;
    const char *file; /* PS's copy of the path the part is read for */
    int err;          /* the first: -EINVAL (the image) or -ENOMEM */
};

static void fail(struct in *in, int err)
{
    if (!in->err)
        in->err = err;
    in->p = in->end; /* nothing more is read */
}

static uint32_t get_u32(struct in *in)
{
    if (in->end - in->p < 4) {
        fail(in, -EINVAL);
        return 0;
    }
    const unsigned char *b = in->p;
    in->p += 4;
    return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
           (uint32_t)b[3] << 24;
}

/* A count of items, each at least MIN bytes: no more than the image can
 * hold (a damaged count allocates nothing large). */
static size_t get_count(struct in *in, size_t min)
{
    uint32_t n = get_u32(in);
    if ((size_t)(in->end - in->p) / min < n) {
        fail(in, -EINVAL);
        return 0;
    }
    return n;
}

static bool get_bool(struct in *in)
{
    return get_u32(in) != 0;
}

/* A new string, or NULL (the image's NULL, or a failure: IN says). */
static char *get_str(struct in *in)
{
    uint32_t n = get_u32(in);
    if (n == NUL32 || in->err)
        return NULL;
    if ((size_t)(in->end - in->p) < n || memchr(in->p, '\0', n)) {
        fail(in, -EINVAL);
        return NULL;
    }
    char *s = strndup((const char *)in->p, n);
    if (!s)
        fail(in, -ENOMEM);
    in->p += n;
    return s;
}

/* Storage for N items of ES bytes, zeroed; NULL for none or a failure. */
static void *get_array(struct in *in, size_t n, size_t es)
{
    if (n == 0 || in->err)
        return NULL;
    void *v = calloc(n, es);
    if (!v)
        fail(in, -ENOMEM);
    return v;
}

static void get_kver(struct in *in, bool *has, struct sg_kver *k)
{
    char *s = get_str(in);
    *has = s && sg_kver_parse(s, k) == 0;
    if (s && !*has)
        fail(in, -EINVAL);
    free(s);
}

static void get_range(struct in *in, struct sg_krange *r)
{
    get_kver(in, &r->has_from, &r->from);
    get_kver(in, &r->has_before, &r->before);
}

static void get_cond(struct in *in, struct sg_cond *c, unsigned depth)
{
    c->kind = (enum sg_cond_kind)get_u32(in);
    size_t n = get_count(in, 8);
    if (depth > 64 || c->kind > SG_COND_CHECK) {
        fail(in, -EINVAL);
        return;
    }
    if ((c->kids = get_array(in, n, sizeof(*c->kids))))
        c->n_kids = n;
    for (size_t i = 0; i < c->n_kids; i++)
        get_cond(in, &c->kids[i], depth + 1);
    if (c->kind != SG_COND_CHECK)
        return;
    struct sg_check *k = &c->check;
    k->key = get_str(in);
    k->of = (enum sg_of)get_u32(in);
    k->field = (int)get_u32(in);
    k->op = (enum sg_op)get_u32(in);
    k->value = get_str(in);
    k->than = (enum sg_than)get_u32(in);
    k->than_field = (int)get_u32(in);
    k->than_key = get_str(in);
    bool has_re = get_bool(in);
    k->line = get_u32(in);
    /* compiled again, as the loader compiled it */
    if (has_re && !in->err) {
        if (!k->value ||
            regcomp(&k->re, k->value, REG_EXTENDED | REG_NOSUB) != 0)
            fail(in, -EINVAL);
        else
            k->has_re = true;
    }
}

static void get_rule(struct in *in, struct sg_rule *r)
{
    r->id = get_str(in);
    r->severity = (enum sg_severity)get_u32(in);
    r->has_ignored_severity = get_bool(in);
    r->ignored_severity = (enum sg_severity)get_u32(in);
    r->key = get_str(in);
    r->diagnostic = get_str(in);
    r->on_lines = get_bool(in);
    r->on_sourced = get_bool(in);
    r->title = get_str(in);
    r->message = get_str(in);
    r->rationale = get_str(in);
    get_range(in, &r->kernel);
    size_t n = get_count(in, 4);
    if ((r->profiles = get_array(in, n, sizeof(*r->profiles))))
        r->n_profiles = n;
    for (size_t i = 0; i < r->n_profiles; i++)
        r->profiles[i] = get_str(in);
    r->profiles_not = get_bool(in);
    get_cond(in, &r->when, 0);
    n = get_count(in, 8);
    if ((r->refs = get_array(in, n, sizeof(*r->refs))))
        r->n_refs = n;
    for (size_t i = 0; i < r->n_refs; i++) {
        r->refs[i].href = get_str(in);
        r->refs[i].text = get_str(in);
    }
    r->fix = (enum sg_fix_action)get_u32(in);
    r->fix_value = get_str(in);
    r->file = in->file;
    r->line = get_u32(in);
}

/* N more items of ES bytes at the end of *V (*COUNT of them), zeroed
 * and counted: the first of them, or NULL for none or a failure. */
static void *push_zeroed(struct in *in, void **v, size_t *count, size_t n,
                         size_t es)
{
    if (n == 0 || in->err)
        return NULL;
    char *nv = realloc(*v, (*count + n) * es);
    if (!nv) {
        fail(in, -ENOMEM);
        return NULL;
    }
    *v = nv;
    memset(nv + *count * es, 0, n * es);
    *count += n;
    return nv + (*count - n) * es;
}

/* A file's part (put_part) appended to IN's policies: a profile already
 * declared is kept once, as the loader keeps it. */
static void get_part(struct in *in)
{
    struct sg_policies *ps = in->ps;
    size_t c = get_count(in, 8);
    for (size_t i = 0; i < c && !in->err; i++) {
        char *name = get_str(in), *doc = get_str(in);
        struct sg_profile *p =
            name && doc && !sg_policies_profile(ps, name)
                ? push_zeroed(in, (void **)&ps->profiles, &ps->n_profiles, 1,
                              sizeof(*ps->profiles))
                : NULL;
        if (!p) {
            if (!in->err && (!name || !doc))
                fail(in, -EINVAL);
            free(name);
            free(doc);
            continue;
        }
        p->name = name;
        p->doc = doc;
    }
    c = get_count(in, 8);
    struct sg_keyinfo *keys =
        push_zeroed(in, (void **)&ps->keys, &ps->n_keys, c, sizeof(*ps->keys));
    for (size_t i = 0; keys && i < c && !in->err; i++) {
        struct sg_keyinfo *k = &keys[i];
        k->name = get_str(in);
        get_range(in, &k->exists);
        k->doc = get_str(in);
        size_t d = get_count(in, 12);
        if ((k->defaults = get_array(in, d, sizeof(*k->defaults))))
            k->n_defaults = d;
        for (size_t j = 0; j < k->n_defaults; j++) {
            get_range(in, &k->defaults[j].range);
            k->defaults[j].value = get_str(in);
        }
        k->file = in->file;
        k->line = get_u32(in);
        if (!k->name)
            fail(in, -EINVAL);
    }
    c = get_count(in, 8);
    struct sg_rule *rules = push_zeroed(in, (void **)&ps->rules, &ps->n_rules,
                                        c, sizeof(*ps->rules));
    for (size_t i = 0; rules && i < c && !in->err; i++) {
        get_rule(in, &rules[i]);
        if (!rules[i].id)
            fail(in, -EINVAL);
    }
    ps->wants_catalog |= get_bool(in);
    if (in->p != in->end)
        fail(in, -EINVAL);
}

/* The image's sections, the first after the magic and the count: 0, or
 * -EINVAL. */
static int sections(const unsigned char *img, size_t len,
                    const unsigned char **first, size_t *n)
{
    size_t ml = sizeof(MAGIC) - 1;
    if (len < ml || memcmp(img, MAGIC, ml) != 0)
        return -EINVAL;
    struct in in = {.p = img + ml, .end = img + len};
    *n = get_count(&in, 8);
    *first = in.p;
    return in.err;
}

/* The section IN is at (its name in *NAME, *NL bytes; its body in
 * [*BODY, *END)): 1, with IN moved past it; -EINVAL when the image ends
 * inside it. */
static int next_section(struct in *in, const unsigned char **name, size_t *nl,
                        const unsigned char **body, const unsigned char **end)
{
    uint32_t n = get_u32(in);
    if (in->err || n == NUL32 || (size_t)(in->end - in->p) < n)
        return -EINVAL;
    *name = in->p;
    *nl = n;
    in->p += n;
    uint32_t bl = get_u32(in);
    if (in->err || (size_t)(in->end - in->p) < bl)
        return -EINVAL;
    *body = in->p;
    *end = in->p += bl;
    return 1;
}

size_t sg_policy_image_count(const unsigned char *img, size_t len)
{
    const unsigned char *first;
    size_t n = 0;
    return sections(img, len, &first, &n) == 0 ? n : 0;
}

int sg_policy_image_append(const unsigned char *img, size_t len,
                           const char *path, struct sg_policies *ps,
                           size_t *index)
{
    const unsigned char *first, *name, *body, *end;
    size_t n, nl;
    int r = sections(img, len, &first, &n);
    if (r < 0)
        return r;
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    struct in walk = {.p = first, .end = img + len};
    for (size_t i = 0; i < n; i++) {
        if ((r = next_section(&walk, &name, &nl, &body, &end)) < 0)
            return r;
        if (nl != strlen(base) || memcmp(name, base, nl) != 0)
            continue;
        const char *copy = sg_policies_add_file(ps, path);
        if (!copy)
            return -ENOMEM;
        struct in in = {.p = body, .end = end, .ps = ps, .file = copy};
        get_part(&in);
        *index = i;
        return in.err ? in.err : 1;
    }
    return 0;
}
