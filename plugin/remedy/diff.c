/*
 * diff.c - see diff.h. Lines are compared after trimming the common head
 * and tail; the middle, small for the edits fix makes, goes through a
 * longest-common-subsequence table (bounded: past 4M cells the middle is
 * shown as one replacement, still a correct diff).
 */
#include "diff.h"
#include "../core/base/util.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct lines {
    const char **v; /* start of each line */
    size_t *len;    /* its length, "\n" included */
    size_t n;
};

static int split(const char *s, struct lines *l)
{
    size_t cap = 16;
    l->n = 0;
    l->v = malloc(cap * sizeof(*l->v));
    l->len = malloc(cap * sizeof(*l->len));
    if (!l->v || !l->len)
        return -1;
    for (const char *p = s ? s : ""; *p;) {
        const char *e = strchr(p, '\n');
        size_t n = e ? (size_t)(e - p) + 1 : strlen(p);
        if (l->n == cap) {
            cap *= 2;
            const char **nv = realloc(l->v, cap * sizeof(*nv));
            if (nv)
                l->v = nv;
            size_t *nl = realloc(l->len, cap * sizeof(*nl));
            if (nl)
                l->len = nl;
            if (!nv || !nl)
                return -1;
        }
        l->v[l->n] = p;
        l->len[l->n++] = n;
        p += n;
    }
    return 0;
}

static bool same(const struct lines *a, size_t i, const struct lines *b,
                 size_t j)
{
    return a->len[i] == b->len[j] && memcmp(a->v[i], b->v[j], a->len[i]) == 0;
}

/* One edit script entry: ' ' keep, '-' delete from A, '+' insert from B. */
struct op {
    char kind;
    size_t a, b;
};

static int put_line(struct sg_buf *t, char kind, const char *s, size_t n)
{
    int r = sg_buf_add(t, &kind, 1);
    if (r == 0)
        r = sg_buf_add(t, s, n);
    if (r == 0 && (n == 0 || s[n - 1] != '\n'))
        r = sg_buf_printf(t, "\n\\ No newline at end of file\n");
    return r;
}

/* The edit script for A -> B. */
static struct op *script(const struct lines *a, const struct lines *b,
                         size_t *nops)
{
    size_t head = 0, tail = 0;
    while (head < a->n && head < b->n && same(a, head, b, head))
        head++;
    while (tail < a->n - head && tail < b->n - head &&
           same(a, a->n - 1 - tail, b, b->n - 1 - tail))
        tail++;
    size_t na = a->n - head - tail, nb = b->n - head - tail;
    struct op *ops = malloc((a->n + b->n + 1) * sizeof(*ops));
    size_t n = 0;
    if (!ops)
        return NULL;
    for (size_t i = 0; i < head; i++)
        ops[n++] = (struct op){' ', i, i};
    unsigned *t = NULL;
    if (na && nb && (na + 1) * (nb + 1) <= 4u * 1024 * 1024)
        t = calloc((na + 1) * (nb + 1), sizeof(*t));
    if (t) {
        /* t[i][j] = LCS length of a[head+i..] and b[head+j..] */
        for (size_t i = na; i-- > 0;)
            for (size_t j = nb; j-- > 0;)
                t[i * (nb + 1) + j] =
                    same(a, head + i, b, head + j)
                        ? t[(i + 1) * (nb + 1) + j + 1] + 1
                    : t[(i + 1) * (nb + 1) + j] > t[i * (nb + 1) + j + 1]
                        ? t[(i + 1) * (nb + 1) + j]
                        : t[i * (nb + 1) + j + 1];
        size_t i = 0, j = 0;
        while (i < na || j < nb) {
            if (i < na && j < nb && same(a, head + i, b, head + j)) {
                ops[n++] = (struct op){' ', head + i++, head + j++};
            } else if (i < na && (j == nb || t[(i + 1) * (nb + 1) + j] >=
                                                 t[i * (nb + 1) + j + 1])) {
                ops[n++] = (struct op){'-', head + i++, head + j};
            } else {
                ops[n++] = (struct op){'+', head + i, head + j++};
            }
        }
        free(t);
    } else {
        for (size_t i = 0; i < na; i++)
            ops[n++] = (struct op){'-', head + i, head};
        for (size_t j = 0; j < nb; j++)
            ops[n++] = (struct op){'+', head + na, head + j};
    }
    for (size_t i = 0; i < tail; i++)
        ops[n++] = (struct op){' ', head + na + i, head + nb + i};
    *nops = n;
    return ops;
}

char *sg_diff_unified(const char *path, const char *before, const char *after)
{
    struct lines a = {0}, b = {0};
    struct sg_buf out = {0};
    struct op *ops = NULL;
    size_t nops = 0;
    int r = 0;

    if (split(before, &a) < 0 || split(after, &b) < 0 ||
        !(ops = script(&a, &b, &nops)))
        goto fail;
    char *hdr =
        sg_strdup_printf("--- %s%s\n+++ b%s\n", before ? "a" : "/dev/null",
                         before ? path : "", path);
    bool changed = false;
    for (size_t i = 0; i < nops && !changed; i++)
        changed = ops[i].kind != ' ';
    if (!hdr)
        goto fail;
    if (changed)
        r = sg_buf_add(&out, hdr, strlen(hdr));
    free(hdr);
    /* Hunks: runs of changes with 3 lines of context around them. */
    for (size_t i = 0; changed && r == 0 && i < nops;) {
        if (ops[i].kind == ' ') {
            i++;
            continue;
        }
        size_t start = i > 3 ? i - 3 : 0, end = i;
        for (size_t k = i; k < nops; k++) {
            if (ops[k].kind != ' ')
                end = k;
            else if (k - end > 6)
                break;
        }
        end = end + 4 < nops ? end + 4 : nops;
        size_t la = 0, lb = 0;
        for (size_t k = start; k < end; k++) {
            la += ops[k].kind != '+';
            lb += ops[k].kind != '-';
        }
        char h[96];
        snprintf(h, sizeof(h), "@@ -%zu,%zu +%zu,%zu @@\n",
                 la ? ops[start].a + 1 : ops[start].a, la,
                 lb ? ops[start].b + 1 : ops[start].b, lb);
        r = sg_buf_add(&out, h, strlen(h));
        for (size_t k = start; r == 0 && k < end; k++) {
            const struct op *o = &ops[k];
            r = o->kind == '+'
                    ? put_line(&out, '+', b.v[o->b], b.len[o->b])
                    : put_line(&out, o->kind, a.v[o->a], a.len[o->a]);
        }
        i = end;
    }
    if (r < 0)
        goto fail;
    free(ops);
    free(a.v);
    free(a.len);
    free(b.v);
    free(b.len);
    return out.v ? out.v : strdup("");
fail:
    free(ops);
    free(a.v);
    free(a.len);
    free(b.v);
    free(b.len);
    free(out.v);
    return NULL;
}
