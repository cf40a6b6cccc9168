/*
 * policy_image.c - see policy_image.h. The writer walks struct
 * sg_policies field by field, the reader builds it back in the same
 * order: every item is pushed zeroed first and filled in place, so that
 * whatever a failed read leaves, sg_policies_free frees. A field added
 * to one of these structs must be added to both (the static asserts
 * below name the structs whose size would change).
 */
#include "policy_image.h"
#include "../base/util.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MAGIC "sysctl-guard policy image 1\n"
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
    const struct sg_policies *ps;
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

/* The index of FILE among the policies' files. */
static void put_file(struct out *o, const char *file)
{
    for (size_t i = 0; i < o->ps->n_files; i++)
        if (o->ps->files[i] == file) {
            put_u32(o, (uint32_t)i);
            return;
        }
    o->bad = true;
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
    put_file(o, r->file);
    put_u32(o, r->line);
}

int sg_policy_image_write(FILE *f, const struct sg_policies *ps)
{
    struct out o = {.f = f, .ps = ps};
    o.bad = fputs(MAGIC, f) == EOF;
    put_u32(&o, (uint32_t)ps->n_files);
    for (size_t i = 0; i < ps->n_files; i++) {
        const char *base = strrchr(ps->files[i], '/');
        put_str(&o, base ? base + 1 : ps->files[i]);
    }
    put_u32(&o, (uint32_t)ps->n_profiles);
    for (size_t i = 0; i < ps->n_profiles; i++) {
        put_str(&o, ps->profiles[i].name);
        put_str(&o, ps->profiles[i].doc);
    }
    put_u32(&o, (uint32_t)ps->n_keys);
    for (size_t i = 0; i < ps->n_keys; i++) {
        const struct sg_keyinfo *k = &ps->keys[i];
        put_str(&o, k->name);
        put_range(&o, &k->exists);
        put_str(&o, k->doc);
        put_u32(&o, (uint32_t)k->n_defaults);
        for (size_t j = 0; j < k->n_defaults; j++) {
            put_range(&o, &k->defaults[j].range);
            put_str(&o, k->defaults[j].value);
        }
        put_file(&o, k->file);
        put_u32(&o, k->line);
    }
    put_u32(&o, (uint32_t)ps->n_rules);
    for (size_t i = 0; i < ps->n_rules; i++)
        put_rule(&o, &ps->rules[i]);
    put_u32(&o, ps->wants_catalog);
    return o.bad || fflush(f) == EOF ? -EIO : 0;
}

/* ---- reading ---- */

struct in {
    const unsigned char *p, *end;
    struct sg_policies *ps;
    int err; /* the first: -EINVAL (the image) or -ENOMEM */
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

static const char *get_file(struct in *in)
{
    uint32_t i = get_u32(in);
    if (i >= in->ps->n_files) {
        fail(in, -EINVAL);
        return NULL;
    }
    return in->ps->files[i];
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
    r->file = get_file(in);
    r->line = get_u32(in);
}

/* Whether the image's files are FILES[0..N), by name; IN past them. */
static bool same_files(struct in *in, char *const *files, size_t n)
{
    size_t m = get_count(in, 4);
    bool same = m == n;
    for (size_t i = 0; i < m && !in->err; i++) {
        char *name = get_str(in);
        const char *base = i < n ? strrchr(files[i], '/') : NULL;
        base = base ? base + 1 : i < n ? files[i] : NULL;
        same = same && name && base && strcmp(name, base) == 0;
        free(name);
    }
    return same && !in->err;
}

static void get_policies(struct in *in, char *const *files, size_t n)
{
    struct sg_policies *ps = in->ps;
    if ((ps->files = get_array(in, n, sizeof(*ps->files))))
        for (; ps->n_files < n && !in->err; ps->n_files++)
            if (!(ps->files[ps->n_files] = strdup(files[ps->n_files])))
                fail(in, -ENOMEM);
    size_t c = get_count(in, 8);
    if ((ps->profiles = get_array(in, c, sizeof(*ps->profiles))))
        ps->n_profiles = c;
    for (size_t i = 0; i < ps->n_profiles; i++) {
        ps->profiles[i].name = get_str(in);
        ps->profiles[i].doc = get_str(in);
    }
    c = get_count(in, 8);
    if ((ps->keys = get_array(in, c, sizeof(*ps->keys))))
        ps->n_keys = c;
    for (size_t i = 0; i < ps->n_keys; i++) {
        struct sg_keyinfo *k = &ps->keys[i];
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
        k->file = get_file(in);
        k->line = get_u32(in);
        if (!k->name)
            fail(in, -EINVAL);
    }
    c = get_count(in, 8);
    if ((ps->rules = get_array(in, c, sizeof(*ps->rules))))
        ps->n_rules = c;
    for (size_t i = 0; i < ps->n_rules; i++) {
        get_rule(in, &ps->rules[i]);
        if (!ps->rules[i].id)
            fail(in, -EINVAL);
    }
    ps->wants_catalog = get_bool(in);
    if (in->p != in->end)
        fail(in, -EINVAL);
}

int sg_policy_image_read(const unsigned char *img, size_t len,
                         char *const *files, size_t n, struct sg_policies *ps)
{
    size_t ml = sizeof(MAGIC) - 1;
    memset(ps, 0, sizeof(*ps));
    if (len < ml || memcmp(img, MAGIC, ml) != 0)
        return -EINVAL;
    struct in in = {.p = img + ml, .end = img + len, .ps = ps};
    if (!same_files(&in, files, n))
        return in.err;
    get_policies(&in, files, n);
    if (in.err) {
        sg_policies_free(ps);
        return in.err;
    }
    return 1;
}
