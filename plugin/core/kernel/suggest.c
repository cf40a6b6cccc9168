/*
 * suggest.c - a catalogued key for a typo ("did you mean", catalog.h
 * sg_catalog_suggest), and where a key no catalogued kernel has comes
 * from when a known patch set adds it (sg_catalog_patch_set).
 * Costs: only the rows whose key is as long as the edits allowed permit
 * (the catalog's index by length) and begins with the same component (a
 * binary search in each length's keys) are scored: by the characters
 * each has (a set of 64 bits, made with that index by the first search:
 * two words compared), then by a letter-bag distance (one pass over the
 * key), and the bounded edit distance is computed only when those bounds
 * can still win; templates only of the key's first component (a binary
 * search), each measured by its shape before it is filled in. Paid only
 * for an unknown key.
 */
#include "catalog.h"
#include "../base/util.h"

#include <errno.h>
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

/* The characters of KEY as a set of 64 bits (a-z, 0-9, "_-./" each a bit
 * of its own, the rest sharing the others): what the search compares
 * first. */
static uint64_t key_chars(const char *key)
{
    uint64_t set = 0;
    for (const unsigned char *p = (const unsigned char *)key; *p; p++) {
        unsigned ch = *p, bit = ch >= 'a' && ch <= 'z'   ? ch - 'a'
                                : ch >= '0' && ch <= '9' ? 26 + (ch - '0')
                                : ch == '_'              ? 36
                                : ch == '-'              ? 37
                                : ch == '.'              ? 38
                                : ch == '/'              ? 39
                                                         : 40 + ch % 24;
        set |= (uint64_t)1 << bit;
    }
    return set;
}

/* The search's index of the plain keys (catalog.h by_len, by_chars): a
 * counting sort of the rows by their key's length, two passes over the
 * rows. */
static int index_lengths(struct sg_catalog *c)
{
    uint32_t *from = c->len_from;
    memset(c->len_from, 0, sizeof(c->len_from));
    for (size_t pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < c->n_rows; i++) {
            const struct sg_catrow *r = &c->rows[i];
            if (r->templated || r->key_len > SG_SUGGEST_MAX_LEN ||
                (i > 0 && strcmp(r->key, c->rows[i - 1].key) == 0))
                continue;
            if (pass == 0)
                from[r->key_len + 1]++;
            else {
                c->by_chars[from[r->key_len]] = key_chars(r->key);
                c->by_len[from[r->key_len]++] = (uint32_t)i;
            }
        }
        if (pass == 0) {
            for (size_t l = 1; l <= SG_SUGGEST_MAX_LEN + 1; l++)
                from[l] += from[l - 1];
            size_t n = from[SG_SUGGEST_MAX_LEN + 1] + 1;
            c->by_len = malloc(n * sizeof(*c->by_len));
            c->by_chars = malloc(n * sizeof(*c->by_chars));
            if (!c->by_len || !c->by_chars)
                return -ENOMEM;
        }
    }
    /* the second pass moved each start to the next length's */
    memmove(from + 1, from, (SG_SUGGEST_MAX_LEN + 1) * sizeof(*from));
    from[0] = 0;
    return 0;
}

/* Template T's shape (catalog.h struct sg_tshape). */
static struct sg_tshape shape_of(const char *t)
{
    struct sg_tshape s = {0, 0};
    for (size_t j = 0; *t; j++) {
        const char *b = t;
        while (*t && *t != '.')
            t++;
        if (*b == '<') {
            if (j >= 64)
                return (struct sg_tshape){0, SIZE_MAX};
            s.ph |= (uint64_t)1 << j;
        } else
            s.fixed += (size_t)(t - b);
        if (*t) {
            t++;
            s.fixed++;
        }
    }
    return s;
}

/* The search's index, made on the first search (most runs make none): 0,
 * or -ENOMEM with none made. */
static int suggest_index(struct sg_catalog *c)
{
    if (c->by_len)
        return 0;
    c->tshapes =
        malloc((c->n_templates ? c->n_templates : 1) * sizeof(*c->tshapes));
    if (c->tshapes && index_lengths(c) == 0) {
        for (size_t i = 0; i < c->n_templates; i++)
            c->tshapes[i] = shape_of(c->templates[i]->key);
        return 0;
    }
    free(c->tshapes);
    free(c->by_len);
    free(c->by_chars);
    c->tshapes = NULL;
    c->by_len = NULL;
    c->by_chars = NULL;
    return -ENOMEM;
}

/* Whether the set A of a key's characters (key_chars) shows
 * more than LIMIT edits to a key whose set is B: every occurrence of a
 * character one has and the other lacks must be edited away, and an edit
 * takes away at most one character of the one and brings at most one of
 * the other, so there are at least as many edits as either has bits the
 * other lacks (characters sharing a bit only weaken the bound). Weaker
 * than the bag distance, but two words and no pass over the key: most
 * candidates fail it. (The bits are counted up to LIMIT + 1 only: x86-64
 * without POPCNT makes __builtin_popcountll a call.) */
static bool chars_exceed(uint64_t a, uint64_t b, size_t limit)
{
    uint64_t x = a & ~b, y = b & ~a;
    for (size_t n = 0; n <= limit; n++) {
        if (!x && !y)
            return false;
        x &= x - 1;
        y &= y - 1;
    }
    return true;
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

char *sg_catalog_suggest(struct sg_catalog *c, const char *key)
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
    uint64_t chars = key_chars(key);

    if (len > SG_SUGGEST_MAX_LEN || suggest_index(c) < 0)
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
                chars_exceed(chars, c->by_chars[j], lim) ||
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
