/*
 * suggest.c - a catalogued key for a typo ("did you mean", catalog.h
 * sg_catalog_suggest), and where a key no catalogued kernel has comes
 * from when a known patch set adds it (sg_catalog_patch_set).
 * Costs: only the rows whose key is as long as the edits allowed permit
 * (the catalog's index by length) and begins with the same component (a
 * binary search in each length's keys) are scored, by a letter-bag
 * distance first (one pass over each key), and the bounded edit distance
 * is computed only when that bound can still win; templates only of the
 * key's first component (a binary search), each measured by its shape
 * before it is filled in. Paid only for an unknown key.
 */
#include "catalog.h"
#include "../base/util.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Keys that out-of-tree patch sets add, which no catalogued kernel has:
 * where such a key comes from, so that key-unknown says it instead of a
 * far-fetched "did you mean". Sources: Con Kolivas's BFS and MuQSS
 * documentation (Documentation/scheduler/sched-BFS.txt, sched-MuQSS.txt of
 * the -ck patches: rr_interval, iso_cpu); Red Hat Enterprise Linux 5 and
 * 6 (exec-shield, removed in RHEL 7; shared/facts.md); grsecurity and
 * PaX (their kernel.grsecurity and kernel.pax sysctl trees). */
static const struct {
    const char *key; /* a key, or a prefix ending in "." */
    const char *from;
} patch_keys[] = {
    {"kernel.rr_interval",
     "the BFS and MuQSS scheduler patch sets (-ck kernels)"},
    {"kernel.iso_cpu", "the BFS and MuQSS scheduler patch sets (-ck kernels)"},
    {"kernel.exec-shield", "Red Hat's exec-shield patch (RHEL 5 and 6)"},
    {"kernel.exec-shield-randomize",
     "Red Hat's exec-shield patch (RHEL 5 and 6)"},
    {"kernel.grsecurity.", "the grsecurity patch set"},
    {"kernel.pax.", "the PaX patch set (grsecurity)"},
};

const char *sg_catalog_patch_set(const char *key)
{
    for (size_t i = 0; i < sizeof(patch_keys) / sizeof(*patch_keys); i++) {
        const char *k = patch_keys[i].key;
        size_t n = strlen(k);
        if (k[n - 1] == '.' ? strncmp(key, k, n) == 0 : strcmp(key, k) == 0)
            return patch_keys[i].from;
    }
    return NULL;
}

/* A lower bound of the edit distance of A and B (bag distance: the
 * characters one has more often than the other), in one pass over B:
 * LEFT, A's letter counts (HIST, LA long) copied afresh, is spent. */
static size_t bag_distance(unsigned char *left, const unsigned char *hist,
                           size_t la, const char *b)
{
    size_t matched = 0, lb = 0;
    memcpy(left, hist, 256);
    for (const unsigned char *p = (const unsigned char *)b; *p; p++, lb++) {
        unsigned char has = left[*p] != 0;
        left[*p] -= has;
        matched += has;
    }
    return la - matched > lb - matched ? la - matched : lb - matched;
}

/* The edit distance of A and B, or SIZE_MAX when it is more than LIMIT
 * (each row's least value bounds it from below on the way: the search
 * stops at the first row above LIMIT). */
static size_t edits(const char *a, const char *b, size_t limit)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > SG_SUGGEST_MAX_LEN || lb > SG_SUGGEST_MAX_LEN ||
        (la > lb ? la - lb : lb - la) > limit)
        return SIZE_MAX;
    size_t row[SG_SUGGEST_MAX_LEN + 1];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0], best = row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t v = diag + (a[i - 1] != b[j - 1]);
            if (row[j - 1] + 1 < v)
                v = row[j - 1] + 1;
            if (up + 1 < v)
                v = up + 1;
            row[j] = v;
            diag = up;
            if (v < best)
                best = v;
        }
        if (best > limit)
            return SIZE_MAX;
    }
    return row[lb] <= limit ? row[lb] : SIZE_MAX;
}

/* The lengths of KEY's dot-separated components (KL, at most
 * SG_SUGGEST_PARTS): how many, or 0 when there are more. */
#define SG_SUGGEST_PARTS 32
static size_t key_parts(const char *key, size_t *kl)
{
    size_t n = 0;
    for (;;) {
        size_t l = strcspn(key, ".");
        if (n == SG_SUGGEST_PARTS)
            return 0;
        kl[n++] = l;
        if (!key[l])
            return n;
        key += l + 1;
    }
}

/* The length of what a template of shape S becomes with each placeholder
 * taking the key's component at its place (KL[0..KC), KC at most
 * SG_SUGGEST_PARTS), or SIZE_MAX when the key has no such component or an
 * empty one there: from the shape, without a walk over the template (that
 * walk, for each template of the key's first component, was most of a
 * search). */
static size_t filled_len(const struct sg_tshape *s, const size_t *kl, size_t kc)
{
    if (s->fixed == SIZE_MAX || (s->ph >> kc) != 0)
        return SIZE_MAX;
    size_t n = s->fixed;
    for (uint64_t ph = s->ph; ph; ph &= ph - 1) {
        size_t j = (size_t)__builtin_ctzll(ph);
        if (kl[j] == 0)
            return SIZE_MAX;
        n += kl[j];
    }
    return n;
}

/* The key of the I-th of a run of keys in key order: row BY_LEN[I], or
 * with BY_LEN NULL template I. */
static const char *run_key(const struct sg_catalog *c, const uint32_t *by_len,
                           size_t i)
{
    return by_len ? c->rows[by_len[i]].key : c->templates[i]->key;
}

/* Of the keys in [FROM, TO) (run_key, in key order), the run that begins
 * with the N bytes of KEY (its NUL among them when KEY is that short):
 * its first index, and its end in *END. Two binary searches. */
static size_t prefix_run(const struct sg_catalog *c, const uint32_t *by_len,
                         size_t from, size_t to, const char *key, size_t n,
                         size_t *end)
{
    size_t lo = from, hi = to;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strncmp(run_key(c, by_len, mid), key, n) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t first = lo;
    hi = to;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strncmp(run_key(c, by_len, mid), key, n) <= 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    *end = lo;
    return first;
}

char *sg_catalog_suggest(const struct sg_catalog *c, const char *key)
{
    size_t first = strcspn(key, "."), len = strlen(key);
    /* Edits in proportion to the last component, the name itself, not to
     * the whole key: "net.ipv4.tcp_nodelay" is no typo of tcp_dsack, nor
     * "kernel.rr_interval" of printk_delay (issue 25). */
    const char *dot = strrchr(key, '.');
    size_t last = dot ? len - (size_t)(dot + 1 - key) : len;
    size_t limit = last / 3 > 1 ? last / 3 : 1, best = SIZE_MAX;
    const char *pick = NULL;
    char *tpick = NULL;
    unsigned char hist[256] = {0}, left[256];

    if (len > SG_SUGGEST_MAX_LEN)
        return NULL;
    for (const unsigned char *p = (const unsigned char *)key; *p; p++)
        hist[*p]++;

    /* Only keys whose length is within the edits allowed (the catalog's
     * index by length, each key once): the nearest, and of the nearest
     * the first in key order, as a walk over all rows would pick. */
    size_t pick_row = SIZE_MAX;
    for (size_t cl = len > limit ? len - limit : 0;
         cl <= len + limit && cl <= SG_SUGGEST_MAX_LEN; cl++) {
        /* a length's keys are in key order: those with the key's first
         * component (and the separator after it) are one run of them */
        size_t end;
        size_t j = prefix_run(c, c->by_len, c->len_from[cl],
                              c->len_from[cl + 1], key, first + 1, &end);
        for (; j < end; j++) {
            size_t i = c->by_len[j], lim = best < limit ? best : limit;
            const char *cand = c->rows[i].key;
            if ((cl > len ? cl - len : len - cl) > lim ||
                bag_distance(left, hist, len, cand) > lim)
                continue;
            size_t e = edits(key, cand, lim);
            if (e < best || (e == best && e != SIZE_MAX && i < pick_row)) {
                best = e;
                pick = cand;
                pick_row = i;
            }
        }
    }
    /* A key with an interface in it: compare with the templates, each
     * placeholder taking the key's component at its place. */
    char cand[256];
    size_t parts[SG_SUGGEST_PARTS], kc = key_parts(key, parts);
    /* the templates of the key's first component (and the separator
     * after it), a run of them in key order */
    size_t hi, lo = prefix_run(c, NULL, 0, c->n_templates, key, first + 1, &hi);
    for (size_t i = lo; i < hi; i++) {
        const char *t = c->templates[i]->key, *kp = key;
        size_t n = 0;
        bool ok = true;
        /* the candidate's length, before it is made: one too far from
         * the key's is too many edits (the bag distance says so too) */
        size_t want = ok && kc ? filled_len(&c->tshapes[i], parts, kc) : 0,
               lim = best < limit ? best : limit;
        if (ok && kc &&
            (want == SIZE_MAX || (want > len ? want - len : len - want) > lim))
            continue;
        while (ok && *t) {
            size_t tl = strcspn(t, "."), kl = strcspn(kp, ".");
            const char *src = t[0] == '<' ? kp : t;
            size_t sl = t[0] == '<' ? kl : tl;
            if (n + sl + 2 > sizeof(cand) || (t[0] == '<' && !kl)) {
                ok = false;
                break;
            }
            memcpy(cand + n, src, sl);
            n += sl;
            t += tl;
            kp += kl;
            if (*t)
                cand[n++] = *t++;
            if (*kp)
                kp++;
        }
        if (!ok)
            continue;
        cand[n] = '\0';
        if (bag_distance(left, hist, len, cand) > (best < limit ? best : limit))
            continue;
        size_t e = edits(key, cand, best < limit ? best : limit);
        if (e < best && e > 0) {
            best = e;
            pick = NULL;
            free(tpick);
            tpick = strdup(cand);
        }
    }
    if (tpick && !pick)
        return tpick;
    free(tpick);
    return pick ? strdup(pick) : NULL;
}
