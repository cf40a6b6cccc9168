/*
 * wire.c - see wire.h.
 */
#include "wire.h"
#include "util.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define WIRE_MAGIC 0x53475731u /* "SGW1" */
#define WIRE_END 0x454e4421u
#define NULL_LEN UINT32_MAX

struct wbuf {
    char *v;
    size_t n, cap;
    int err;
};

static void put(struct wbuf *w, const void *p, size_t len)
{
    if (w->err)
        return;
    while (w->n + len > w->cap) {
        size_t ncap = w->cap ? w->cap * 2 : 4096;
        char *nv = realloc(w->v, ncap);
        if (!nv) {
            w->err = -ENOMEM;
            return;
        }
        w->v = nv;
        w->cap = ncap;
    }
    memcpy(w->v + w->n, p, len);
    w->n += len;
}

static void put_u32(struct wbuf *w, uint32_t x)
{
    put(w, &x, sizeof(x));
}

static void put_str(struct wbuf *w, const char *s)
{
    if (!s) {
        put_u32(w, NULL_LEN);
        return;
    }
    size_t l = strlen(s);
    if (l >= NULL_LEN) {
        w->err = -E2BIG;
        return;
    }
    put_u32(w, (uint32_t)l);
    put(w, s, l);
}

int sg_wire_encode(struct sg_file *const *f, size_t n, const struct sg_diags *d,
                   size_t d0, char **buf, size_t *len)
{
    struct wbuf w = {0};

    put_u32(&w, WIRE_MAGIC);
    put_u32(&w, (uint32_t)n);
    for (size_t i = 0; i < n; i++) {
        put_str(&w, f[i]->path);
        put_str(&w, f[i]->via);
        put_u32(&w, (uint32_t)f[i]->readable | (uint32_t)f[i]->not_utf8 << 1);
        put(&w, &f[i]->text_len, sizeof(f[i]->text_len));
        put(&w, &f[i]->text_hash, sizeof(f[i]->text_hash));
        put_u32(&w, (uint32_t)f[i]->assignments.n);
        for (size_t j = 0; j < f[i]->assignments.n; j++) {
            const struct sg_assignment *a = &f[i]->assignments.v[j];
            put_u32(&w, a->line);
            put_u32(&w, (uint32_t)a->ignore_failure |
                            (uint32_t)a->exclude << 1 | (uint32_t)a->glob << 2);
            put_str(&w, a->raw_key);
            put_str(&w, a->key);
            put_str(&w, a->value);
        }
    }
    put_u32(&w, (uint32_t)(d->n - d0));
    for (size_t i = d0; i < d->n; i++) {
        put_u32(&w, (uint32_t)d->v[i].severity);
        put_u32(&w, d->v[i].line);
        put_str(&w, d->v[i].code);
        put_str(&w, d->v[i].file);
        put_str(&w, d->v[i].message);
    }
    put_u32(&w, WIRE_END);
    if (w.err) {
        free(w.v);
        return w.err;
    }
    *buf = w.v;
    *len = w.n;
    return 0;
}

struct rbuf {
    const char *p;
    size_t left;
    int err;
};

static uint32_t get_u32(struct rbuf *r)
{
    uint32_t x = 0;
    if (r->err || r->left < sizeof(x)) {
        r->err = -EBADMSG;
        return 0;
    }
    memcpy(&x, r->p, sizeof(x));
    r->p += sizeof(x);
    r->left -= sizeof(x);
    return x;
}

/* A fresh copy of the next string; NULL for a NULL string or on error
 * (then r->err is set). */
static char *get_str(struct rbuf *r)
{
    uint32_t l = get_u32(r);
    if (r->err || l == NULL_LEN)
        return NULL;
    if (l > r->left) {
        r->err = -EBADMSG;
        return NULL;
    }
    char *s = strndup(r->p, l);
    if (!s)
        r->err = -ENOMEM;
    r->p += l;
    r->left -= l;
    return s;
}

void sg_file_free(struct sg_file *f)
{
    if (!f)
        return;
    sg_assignments_free(&f->assignments);
    free(f->path);
    free(f->via);
    free(f);
}

static struct sg_file *get_file(struct rbuf *r)
{
    struct sg_file *f = calloc(1, sizeof(*f));
    if (!f) {
        r->err = -ENOMEM;
        return NULL;
    }
    f->path = get_str(r);
    f->via = get_str(r);
    uint32_t flags = get_u32(r);
    f->readable = flags & 1;
    f->not_utf8 = flags >> 1 & 1;
    if (r->left < sizeof(f->text_len) + sizeof(f->text_hash))
        r->err = -EBADMSG;
    if (!r->err) {
        memcpy(&f->text_len, r->p, sizeof(f->text_len));
        memcpy(&f->text_hash, r->p + sizeof(f->text_len), sizeof(f->text_hash));
        r->p += sizeof(f->text_len) + sizeof(f->text_hash);
        r->left -= sizeof(f->text_len) + sizeof(f->text_hash);
    }
    uint32_t na = get_u32(r);
    if (!f->path && !r->err)
        r->err = -EBADMSG;
    for (uint32_t j = 0; j < na && !r->err; j++) {
        struct sg_assignment a = {.file = f->path};
        a.line = get_u32(r);
        uint32_t af = get_u32(r);
        a.ignore_failure = af & 1;
        a.exclude = af & 2;
        a.glob = af & 4;
        a.raw_key = get_str(r);
        a.key = get_str(r);
        a.value = get_str(r);
        if (!r->err && (!a.raw_key || !a.key))
            r->err = -EBADMSG;
        if (r->err || SG_PUSH(f->assignments, a) < 0) {
            sg_assignment_clear(&a);
            if (!r->err)
                r->err = -ENOMEM;
        }
    }
    if (r->err) {
        sg_file_free(f);
        return NULL;
    }
    return f;
}

int sg_wire_decode(const char *buf, size_t len, struct sg_file ***files,
                   size_t *nfiles, struct sg_diags *d)
{
    struct rbuf r = {.p = buf, .left = len};
    struct sg_file **nf = NULL;
    struct sg_diags nd = {0};
    uint32_t n = 0, i;

    if (get_u32(&r) != WIRE_MAGIC)
        return -EBADMSG;
    n = get_u32(&r);
    if (!r.err && n > len / 8) /* each file takes more than 8 bytes */
        r.err = -EBADMSG;
    if (!r.err && !(nf = calloc(n ? n : 1, sizeof(*nf))))
        r.err = -ENOMEM;
    for (i = 0; i < n && !r.err; i++)
        nf[i] = get_file(&r);
    uint32_t ndiag = get_u32(&r);
    for (uint32_t k = 0; k < ndiag && !r.err; k++) {
        uint32_t sev = get_u32(&r), line = get_u32(&r);
        char *code = get_str(&r), *file = get_str(&r), *msg = get_str(&r);
        if (!r.err && (!code || !msg || sev > SG_SEV_ERROR))
            r.err = -EBADMSG;
        if (!r.err)
            r.err = sg_diag_add(&nd, (enum sg_severity)sev, code, file, line,
                                "%s", msg);
        free(code);
        free(file);
        free(msg);
    }
    if (!r.err && (get_u32(&r) != WIRE_END || r.left != 0))
        r.err = -EBADMSG;
    struct sg_file **grown =
        r.err ? NULL : realloc(*files, (*nfiles + n) * sizeof(**files));
    if (!r.err && !grown)
        r.err = -ENOMEM;
    if (r.err) {
        for (uint32_t k = 0; nf && k < n; k++)
            sg_file_free(nf[k]);
        free(nf);
        sg_diags_free(&nd);
        return r.err;
    }
    *files = grown;
    memcpy(*files + *nfiles, nf, n * sizeof(*nf));
    *nfiles += n;
    free(nf);
    for (size_t k = 0; k < nd.n; k++) {
        if (SG_PUSH(*d, nd.v[k]) < 0) {
            /* Out of memory now: drop the rest, they are only words. */
            for (size_t q = k; q < nd.n; q++) {
                free(nd.v[q].code);
                free(nd.v[q].file);
                free(nd.v[q].message);
            }
            break;
        }
    }
    free(nd.v);
    return 0;
}
