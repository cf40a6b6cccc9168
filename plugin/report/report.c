/*
 * report.c - see report.h: the merged fleet. What input.c reads of each
 * host becomes a host (found by name), distinct findings, rules and
 * kernels here; sg_fleet_finish counts and orders them for the views.
 *
 * Structures: the distinct findings, rules, kernels and hosts are arrays
 * in the order read, each with a table (open addressing, grown at half
 * load, struct sg_rep_table) from its key to its index: per finding of a
 * host, one lookup, amortised O(1). The tables hash with a per-fleet random
 * seed mixed in (splitmix64's finaliser over FNV-1a): FNV-1a's low bits
 * depend on the key's low bits alone, so without it an input could make
 * every key collide. A host read again (another input, another task) is
 * found by name, and its findings join those read before, a (finding,
 * line) once: the set of those of such hosts (struct sg_rep_seen) is
 * filled the first time a host is read again, so each hit enters it once.
 * What counts hosts (per finding, per rule, per host) runs once, in
 * sg_fleet_finish, so that a host read again is never counted twice.
 * Over 600 lines: the tables, the merge they serve and the counts over
 * the merged fleet are one structure; reading is input.c, the baseline
 * baseline.c.
 */
#include "report.h"
#include "../core/judge/finding.h"
#include "../core/judge/policy.h"
#include "../core/base/util.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#define PUSH(arr, n, cap, item)                                                \
    ((n) < (cap) || sg_grow((void **)&(arr), sizeof(*(arr)), (n), &(cap)) == 0 \
         ? ((arr)[(n)++] = (item), 0)                                          \
         : -ENOMEM)

#define EMPTY UINT32_MAX /* an empty slot; no index reaches it */

static const char *str(const cJSON *o, const char *key)
{
    const char *s =
        cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, key));
    return s ? s : "";
}

/* S as valid UTF-8 (a result may hold Latin-1 values), allocated. */
static char *valid_dup(const char *s)
{
    return sg_utf8_repair(s ? s : "");
}

/* S when it is valid UTF-8, else its repair in *OWN (NULL: no memory). */
static const char *valid(const char *s, char **own)
{
    *own = NULL;
    return sg_utf8_valid(s) ? s : (*own = sg_utf8_repair(s));
}

int sg_rep_problem(struct sg_fleet *f, const char *file, const char *fmt,
                   const char *what)
{
    char *fu = NULL, *wu = NULL;
    const char *fv = valid(file, &fu), *wv = what ? valid(what, &wu) : "";
    int r = fv && wv ? sg_diag_add(&f->problems, SG_SEV_ERROR, "report-input",
                                   fv, 0, fmt, sg_vis(wv))
                     : -ENOMEM;
    free(fu);
    free(wu);
    return r;
}

/* ---- the tables: key -> index ---- */

/* The tables' hash of H (an FNV-1a): splitmix64's finaliser over H and
 * the fleet's seed, so that keys chosen to collide spread all the same. */
static uint64_t mix(const struct sg_fleet *f, uint64_t h)
{
    h ^= f->seed;
    h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9ull;
    h = (h ^ (h >> 27)) * 0x94d049bb133111ebull;
    return h ^ (h >> 31);
}

static uint64_t mix_str(const struct sg_fleet *f, const char *s)
{
    return mix(f, sg_hash(s, strlen(s)));
}

static void seed(struct sg_fleet *f)
{
    if (f->seeded)
        return;
    if (getrandom(&f->seed, sizeof(f->seed), GRND_NONBLOCK) !=
        (ssize_t)sizeof(f->seed)) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        f->seed = (uint64_t)ts.tv_nsec ^ (uint64_t)ts.tv_sec << 32 ^
                  (uint64_t)(uintptr_t)f ^ (uint64_t)getpid();
    }
    f->seeded = true;
}

/* Whether entry IX of a fleet's array is KEY. */
typedef bool same_fn(const struct sg_fleet *f, uint32_t ix, const void *key);

/* Room in T for one more entry: 0 or -ENOMEM. */
static int table_room(struct sg_rep_table *t)
{
    if ((t->n + 1) * 2 <= t->cap)
        return 0;
    size_t nc = t->cap ? t->cap * 2 : 64;
    struct sg_rep_slot *v = malloc(nc * sizeof(*v));
    if (!v)
        return -ENOMEM;
    for (size_t i = 0; i < nc; i++)
        v[i].ix = EMPTY;
    for (size_t i = 0; i < t->cap; i++) {
        if (t->v[i].ix == EMPTY)
            continue;
        size_t j = t->v[i].hash & (nc - 1);
        while (v[j].ix != EMPTY)
            j = (j + 1) & (nc - 1);
        v[j] = t->v[i];
    }
    free(t->v);
    t->v = v;
    t->cap = nc;
    return 0;
}

/* The slot of T (which has room) holding KEY (hash H), or the empty slot
 * where it goes: fill it with table_set. */
static struct sg_rep_slot *table_slot(const struct sg_fleet *f,
                                      const struct sg_rep_table *t, uint64_t h,
                                      same_fn *same, const void *key)
{
    for (size_t i = h & (t->cap - 1);; i = (i + 1) & (t->cap - 1)) {
        struct sg_rep_slot *s = &t->v[i];
        if (s->ix == EMPTY || (s->hash == h && same(f, s->ix, key)))
            return s;
    }
}

static void table_set(struct sg_rep_table *t, struct sg_rep_slot *s, uint64_t h,
                      size_t ix)
{
    s->hash = h;
    s->ix = (uint32_t)ix;
    t->n++;
}

/* ---- the set of (host, finding, line) of hosts read again ---- */

static uint64_t seen_hash(const struct sg_fleet *f,
                          const struct sg_rep_seen_key *k)
{
    return mix(f, mix(f, (uint64_t)k->host << 32 | k->finding) ^ k->line);
}

/* Add K: 1 when it was there, 0 when added, or -ENOMEM. */
static int seen_add(struct sg_fleet *f, struct sg_rep_seen_key k)
{
    struct sg_rep_seen *s = &f->seen;
    if ((s->n + 1) * 2 > s->cap) {
        size_t nc = s->cap ? s->cap * 2 : 64;
        struct sg_rep_seen_key *v = malloc(nc * sizeof(*v));
        if (!v)
            return -ENOMEM;
        for (size_t i = 0; i < nc; i++)
            v[i].host = EMPTY;
        for (size_t i = 0; i < s->cap; i++) {
            if (s->v[i].host == EMPTY)
                continue;
            size_t j = seen_hash(f, &s->v[i]) & (nc - 1);
            while (v[j].host != EMPTY)
                j = (j + 1) & (nc - 1);
            v[j] = s->v[i];
        }
        free(s->v);
        s->v = v;
        s->cap = nc;
    }
    size_t i = seen_hash(f, &k) & (s->cap - 1);
    for (; s->v[i].host != EMPTY; i = (i + 1) & (s->cap - 1))
        if (s->v[i].host == k.host && s->v[i].finding == k.finding &&
            s->v[i].line == k.line)
            return 1;
    s->v[i] = k;
    s->n++;
    return 0;
}

/* ---- distinct findings, rules, kernels ---- */

struct finding_key {
    const char *rule, *file, *key, *value; /* valid UTF-8 */
    int severity;
};

static bool same_finding(const struct sg_fleet *f, uint32_t ix, const void *key)
{
    const struct sg_rep_finding *x = &f->findings[ix];
    const struct finding_key *k = key;
    return (int)x->severity == k->severity && strcmp(x->rule, k->rule) == 0 &&
           strcmp(x->file, k->file) == 0 && strcmp(x->key, k->key) == 0 &&
           strcmp(x->value, k->value) == 0;
}

static bool same_rule(const struct sg_fleet *f, uint32_t ix, const void *key)
{
    return strcmp(f->rules[ix].id, key) == 0;
}

static bool same_kernel(const struct sg_fleet *f, uint32_t ix, const void *key)
{
    return strcmp(f->kernels[ix], key) == 0;
}

static bool same_host(const struct sg_fleet *f, uint32_t ix, const void *key)
{
    return strcmp(f->hosts[ix].name, key) == 0;
}

/* The rule of the new finding X, added when new; NULL without memory. */
static struct sg_rep_rule *rule_of(struct sg_fleet *f,
                                   const struct sg_rep_finding *x)
{
    uint64_t h = mix_str(f, x->rule);
    if (table_room(&f->by_id) < 0)
        return NULL;
    struct sg_rep_slot *s = table_slot(f, &f->by_id, h, same_rule, x->rule);
    if (s->ix != EMPTY) {
        /* A rule is as severe as its most severe finding. */
        struct sg_rep_rule *r = &f->rules[s->ix];
        if (x->severity > r->severity)
            r->severity = x->severity;
        /* One fix for the rule only when its findings share it. */
        if (!r->fix_varies &&
            (!r->fix != !x->fix || (r->fix && strcmp(r->fix, x->fix) != 0))) {
            r->fix = NULL;
            r->fix_varies = true;
        }
        return r;
    }
    struct sg_rep_rule r = {.id = x->rule,
                            .title = x->title,
                            .fix = x->fix,
                            .severity = x->severity,
                            .refs = x->refs,
                            .n_refs = x->n_refs};
    if (PUSH(f->rules, f->n_rules, f->cap_rules, r) < 0)
        return NULL;
    table_set(&f->by_id, s, h, f->n_rules - 1);
    return &f->rules[f->n_rules - 1];
}

/* ---- writers of running values ---- */

struct writer_key {
    const char *name, *key, *value; /* valid UTF-8; name, value may be NULL */
};

static bool same_str(const char *a, const char *b)
{
    return a && b ? strcmp(a, b) == 0 : a == b;
}

static bool same_writer(const struct sg_fleet *f, uint32_t ix, const void *key)
{
    const struct sg_rep_writer *w = &f->writers[ix];
    const struct writer_key *k = key;
    return same_str(w->name, k->name) && strcmp(w->key, k->key) == 0 &&
           same_str(w->value, k->value);
}

/* The fleet's writer of the finding X's "writer" object W: its index, -1
 * when W says nothing usable (no object, no key), -ENOMEM. */
static long writer_of(struct sg_fleet *f, const cJSON *x, const cJSON *w)
{
    if (!cJSON_IsObject(w) || !str(x, "key")[0])
        return -1;
    bool known = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(w, "known"));
    const char *nm = known ? str(w, "name") : "";
    const char *vl =
        cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(w, "value"));
    if (known && !nm[0])
        return -1; /* known, but not said who */
    char *own[3] = {0};
    struct writer_key k = {nm[0] ? valid(nm, &own[0]) : NULL,
                           valid(str(x, "key"), &own[1]),
                           vl ? valid(vl, &own[2]) : NULL};
    long r = -ENOMEM;
    struct sg_rep_slot *s = NULL;
    uint64_t h = 0;
    if ((!nm[0] || k.name) && k.key && (!vl || k.value) &&
        table_room(&f->by_writer) == 0) {
        h = mix_str(f, k.key) ^ mix_str(f, k.name ? k.name : "") * 31 ^
            mix_str(f, k.value ? k.value : "") * 961;
        s = table_slot(f, &f->by_writer, h, same_writer, &k);
    }
    if (s && s->ix != EMPTY)
        r = s->ix;
    else if (s) {
        struct sg_rep_writer n = {.name = k.name ? strdup(k.name) : NULL,
                                  .key = strdup(k.key),
                                  .value = k.value ? strdup(k.value) : NULL};
        if ((k.name && !n.name) || !n.key || (k.value && !n.value) ||
            PUSH(f->writers, f->n_writers, f->cap_writers, n) < 0)
            free(n.name), free(n.key), free(n.value);
        else {
            table_set(&f->by_writer, s, h, f->n_writers - 1);
            r = (long)f->n_writers - 1;
        }
    }
    free(own[0]), free(own[1]), free(own[2]);
    return r;
}

/* S as valid UTF-8 among the fleet's texts (a result may hold Latin-1
 * values), or NULL without memory. */
static char *text_of(struct sg_fleet *f, const char *s)
{
    char *own;
    const char *v = valid(s ? s : "", &own);
    char *d = v ? sg_blocks_dup(&f->texts, v) : NULL;
    free(own);
    return d;
}

/* The distinct finding K (of the finding J) as a new entry: 0, -ENOMEM.
 * Its texts are the fleet's (blocks.h): what a failure leaves of them is
 * given back with the fleet. */
static int finding_new(struct sg_fleet *f, const struct finding_key *k,
                       uint64_t fp, const cJSON *j)
{
    struct sg_rep_finding n = {.fp = fp,
                               .rule = sg_blocks_dup(&f->texts, k->rule),
                               .title = text_of(f, str(j, "title")),
                               .file = sg_blocks_dup(&f->texts, k->file),
                               .key = sg_blocks_dup(&f->texts, k->key),
                               .value = sg_blocks_dup(&f->texts, k->value),
                               .message = text_of(f, str(j, "message")),
                               .last_host = EMPTY,
                               .severity = (enum sg_severity)k->severity};
    /* The fix as a person reads it: "remove KEY from FILE". */
    const cJSON *fx = cJSON_GetObjectItemCaseSensitive(j, "fix");
    if (cJSON_IsObject(fx)) {
        const char *a = str(fx, "action"), *fk = str(fx, "key"),
                   *fv = str(fx, "value");
        /* The file is the finding's, shown beside it. */
        char *t = strcmp(a, "set") == 0
                      ? sg_strdup_printf("set %s = %s", fk, fv)
                  : strcmp(a, "load-module") == 0
                      ? sg_strdup_printf("load %s at boot", fv)
                      : sg_strdup_printf("%s %s", a, fk);
        n.fix = t ? text_of(f, t) : NULL;
        free(t);
    }
    const cJSON *refs = cJSON_GetObjectItemCaseSensitive(j, "references"), *r;
    size_t nr = (size_t)cJSON_GetArraySize(refs);
    n.refs = nr ? sg_blocks_take(&f->texts, nr * sizeof(*n.refs)) : NULL;
    bool lost = nr && !n.refs;
    cJSON_ArrayForEach(r, refs)
    {
        char *d = n.refs && cJSON_IsString(r) && n.n_refs < nr
                      ? text_of(f, r->valuestring)
                      : NULL;
        if (d)
            n.refs[n.n_refs++] = d;
        else
            lost |= n.refs && cJSON_IsString(r);
    }
    if (!n.rule || !n.title || !n.file || !n.key || !n.value || !n.message ||
        lost || (cJSON_IsObject(fx) && !n.fix) || f->n_findings >= EMPTY - 1 ||
        PUSH(f->findings, f->n_findings, f->cap_findings, n) < 0)
        return -ENOMEM;
    struct sg_rep_finding *x = &f->findings[f->n_findings - 1];
    struct sg_rep_rule *rr = rule_of(f, x);
    if (!rr) {
        f->n_findings--;
        return -ENOMEM;
    }
    x->rule_ix = (uint32_t)(rr - f->rules);
    return 0;
}

/* The index of the distinct finding J describes, added when new; or -1
 * without memory. */
static long finding_of(struct sg_fleet *f, const cJSON *j)
{
    char *own[4];
    /* The severity is part of what a host has (a "-" line's may be
     * lower), not of the fingerprint. */
    struct finding_key k = {
        valid(str(j, "rule"), &own[0]), valid(str(j, "file"), &own[1]),
        valid(str(j, "key"), &own[2]), valid(str(j, "value"), &own[3]),
        sg_severity_of(str(j, "severity"))};
    long ix = -1;
    if (k.rule && k.file && k.key && k.value && table_room(&f->by_fp) == 0) {
        uint64_t fp = sg_fingerprint(k.rule, k.file, k.key, k.value);
        uint64_t h = mix(f, fp);
        struct sg_rep_slot *s = table_slot(f, &f->by_fp, h, same_finding, &k);
        if (s->ix != EMPTY)
            ix = s->ix;
        else if (finding_new(f, &k, fp, j) == 0) {
            ix = (long)(f->n_findings - 1);
            table_set(&f->by_fp, s, h, (size_t)ix);
        }
    }
    for (size_t i = 0; i < 4; i++)
        free(own[i]);
    return ix;
}

/* The index of the kernel KV (as read), added when new; -1 without
 * memory. */
static long kernel_of(struct sg_fleet *f, const char *kv)
{
    char *own;
    const char *k = valid(kv, &own);
    long ix = -1;
    if (k && table_room(&f->by_kernel) == 0) {
        uint64_t h = mix_str(f, k);
        struct sg_rep_slot *s = table_slot(f, &f->by_kernel, h, same_kernel, k);
        char *c = NULL;
        if (s->ix != EMPTY)
            ix = s->ix;
        else if (f->n_kernels < EMPTY - 1 && (c = strdup(k)) &&
                 PUSH(f->kernels, f->n_kernels, f->cap_kernels, c) == 0) {
            ix = (long)(f->n_kernels - 1);
            table_set(&f->by_kernel, s, h, (size_t)ix);
        } else
            free(c);
    }
    free(own);
    return ix;
}

/* ---- one host's result ---- */

/* The input SOURCE as the fleet keeps it, once (inputs are read one at a
 * time: the last one kept, or a new one); NULL without memory. */
static const char *source_of(struct sg_fleet *f, const char *source)
{
    char *own;
    const char *s = valid(source, &own);
    if (s && f->n_sources && strcmp(f->sources[f->n_sources - 1], s) == 0) {
        free(own);
        return f->sources[f->n_sources - 1];
    }
    char *c = own ? own : s ? strdup(s) : NULL;
    if (!c || PUSH(f->sources, f->n_sources, f->cap_sources, c) < 0) {
        free(c);
        return NULL;
    }
    return c;
}

/* The host named NAME, added (with SOURCE and kernel K) when new; or -1
 * without memory. */
static long host_of(struct sg_fleet *f, const char *name, const char *source,
                    uint32_t k)
{
    char *n = valid_dup(name);
    if (!n || table_room(&f->by_name) < 0) {
        free(n);
        return -1;
    }
    uint64_t h = mix_str(f, n);
    struct sg_rep_slot *s = table_slot(f, &f->by_name, h, same_host, n);
    if (s->ix != EMPTY) {
        free(n);
        return s->ix;
    }
    struct sg_rep_host nh = {.name = n,
                             .source = source_of(f, source),
                             .kernel = f->kernels[k],
                             .kernel_ix = k};
    if (!nh.source || f->n_hosts >= EMPTY - 1 ||
        PUSH(f->hosts, f->n_hosts, f->cap_hosts, nh) < 0) {
        free(n);
        return -1;
    }
    table_set(&f->by_name, s, h, f->n_hosts - 1);
    return (long)(f->n_hosts - 1);
}

/* A host read again from SOURCE: a problem unless it is the same result
 * (KERNEL, and ADDED new and KEPT known findings of the OLD it had). */
static int host_again(struct sg_fleet *f, const struct sg_rep_host *h,
                      const char *source, uint32_t kernel, size_t old,
                      size_t added, size_t kept)
{
    if (h->kernel_ix == kernel && !added && kept == old)
        return 0; /* the same result twice: nothing to say */
    char *what =
        h->kernel_ix != kernel
            ? sg_strdup_printf("host %s is also in %s, with kernel %s (here "
                               "%s)",
                               h->name, h->source, h->kernel,
                               f->kernels[kernel])
            : sg_strdup_printf("host %s is also in %s, with other findings",
                               h->name, h->source);
    if (!what)
        return -ENOMEM;
    int r = sg_rep_problem(
        f, source,
        "%s: the report holds the findings of both, and the kernel read "
        "first (give one result per host)",
        what);
    free(what);
    return r;
}

int sg_rep_add_host(struct sg_fleet *f, const char *name, const char *source,
                    const struct cJSON *j)
{
    seed(f);
    long k = kernel_of(f, str(j, "kernel"));
    long hi = k < 0 ? -1 : host_of(f, name, source, (uint32_t)k);
    if (hi < 0)
        return -ENOMEM;
    struct sg_rep_host *h = &f->hosts[hi];
    /* Read before: what it has enters the set, once. */
    for (size_t i = 0; h->n_inputs == 1 && i < h->n_hits; i++)
        if (seen_add(f,
                     (struct sg_rep_seen_key){(uint32_t)hi, h->hits[i].finding,
                                              h->hits[i].line}) < 0)
            return -ENOMEM;
    bool again = h->n_inputs++ > 0;
    size_t old = h->n_hits, kept = 0, i = 0, bad = 0, first_bad = 0;
    const cJSON *x;
    cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(j, "findings"))
    {
        i++;
        if (!cJSON_IsObject(x) ||
            sg_severity_of(str(x, "rule")[0] ? str(x, "severity") : "") < 0) {
            if (!bad++)
                first_bad = i;
            continue; /* not a finding: a problem, below */
        }
        if (cJSON_GetObjectItemCaseSensitive(x, "suppressed"))
            continue; /* accepted on purpose, in the file */
        long fi = finding_of(f, x);
        if (fi < 0)
            return -ENOMEM;
        /* Who wrote the running value: counted once per host (count). */
        const cJSON *wr = cJSON_GetObjectItemCaseSensitive(x, "writer");
        long wi = wr ? writer_of(f, x, wr) : -1;
        if (wi == -ENOMEM)
            return -ENOMEM;
        if (wi >= 0 &&
            PUSH(h->wrote, h->n_wrote, h->cap_wrote, (uint32_t)wi) < 0)
            return -ENOMEM;
        const cJSON *ln = cJSON_GetObjectItemCaseSensitive(x, "line");
        double line = cJSON_IsNumber(ln) ? ln->valuedouble : 0;
        struct sg_rep_hit hit = {(uint32_t)fi,
                                 line > 0 && line < 4e9 ? (uint32_t)line : 0};
        int s =
            again ? seen_add(f, (struct sg_rep_seen_key){(uint32_t)hi,
                                                         hit.finding, hit.line})
                  : 0;
        if (s < 0)
            return -ENOMEM;
        if (s > 0) {
            kept++;
            continue; /* an earlier input of the host had it */
        }
        if (PUSH(h->hits, h->n_hits, h->cap, hit) < 0)
            return -ENOMEM;
    }
    size_t nd = (size_t)cJSON_GetArraySize(
        cJSON_GetObjectItemCaseSensitive(j, "diagnostics"));
    h->n_diags = nd > h->n_diags ? nd : h->n_diags;
    if (again &&
        host_again(f, h, source, (uint32_t)k, old, h->n_hits - old, kept) < 0)
        return -ENOMEM;
    if (bad) {
        char *what = sg_strdup_printf("host %s: %zu of its findings (the "
                                      "first: number %zu)",
                                      h->name, bad, first_bad);
        if (!what)
            return -ENOMEM;
        int r = sg_rep_problem(
            f, source,
            "%s are not findings (an object with a rule and a severity): "
            "the rest of it is in the report",
            what);
        free(what);
        return r;
    }
    return 0;
}

/* ---- counts and order ---- */

static int rule_cmp(const void *a, const void *b, void *ctx)
{
    const struct sg_rep_rule *rules = ctx, *x = &rules[*(const uint32_t *)a],
                             *y = &rules[*(const uint32_t *)b];
    if (x->severity != y->severity)
        return x->severity > y->severity ? -1 : 1;
    if (x->n_hosts != y->n_hosts)
        return x->n_hosts > y->n_hosts ? -1 : 1;
    return strcmp(x->id, y->id);
}

/* Sort the rules, and make the findings' and the table's indices of them
 * follow: 0 or -ENOMEM. */
static int sort_rules(struct sg_fleet *f)
{
    size_t n = f->n_rules;
    uint32_t *to = malloc((n ? n : 1) * sizeof(*to)),
             *from = malloc((n ? n : 1) * sizeof(*from));
    struct sg_rep_rule *sorted = malloc((n ? n : 1) * sizeof(*sorted));
    if (!to || !from || !sorted) {
        free(to), free(from), free(sorted);
        return -ENOMEM;
    }
    for (size_t i = 0; i < n; i++)
        from[i] = (uint32_t)i;
    qsort_r(from, n, sizeof(*from), rule_cmp, f->rules);
    for (size_t i = 0; i < n; i++) {
        sorted[i] = f->rules[from[i]];
        to[from[i]] = (uint32_t)i;
    }
    for (size_t i = 0; i < f->n_findings; i++)
        f->findings[i].rule_ix = to[f->findings[i].rule_ix];
    for (size_t i = 0; i < f->by_id.cap; i++)
        if (f->by_id.v[i].ix != EMPTY)
            f->by_id.v[i].ix = to[f->by_id.v[i].ix];
    free(f->rules);
    f->rules = sorted;
    f->cap_rules = n ? n : 1;
    free(to);
    free(from);
    return 0;
}

static int worst_first(const void *a, const void *b, void *ctx)
{
    const struct sg_rep_host *hosts = ctx, *x = &hosts[*(const uint32_t *)a],
                             *y = &hosts[*(const uint32_t *)b];
    for (int s = SG_SEV_ERROR; s >= SG_SEV_INFO; s--)
        if (x->counts[s] != y->counts[s])
            return x->counts[s] > y->counts[s] ? -1 : 1;
    return strcmp(x->name, y->name);
}

/* Each host's counts, each finding's and rule's hosts: one pass over the
 * hits, hosts in the order read. 0 or -ENOMEM. */
static int count(struct sg_fleet *f)
{
    for (size_t i = 0; i < f->n_findings; i++) {
        f->findings[i].n_hosts = 0;
        f->findings[i].last_host = EMPTY;
    }
    for (size_t i = 0; i < f->n_rules; i++)
        f->rules[i].n_hosts = f->rules[i].n_findings = 0;
    for (size_t hi = 0; hi < f->n_hosts; hi++) {
        struct sg_rep_host *h = &f->hosts[hi];
        memset(h->counts, 0, sizeof(h->counts));
        for (size_t i = 0; i < h->n_hits; i++) {
            struct sg_rep_finding *fd = &f->findings[h->hits[i].finding];
            h->counts[fd->severity]++;
            if (fd->last_host != hi) {
                fd->last_host = (uint32_t)hi;
                fd->n_hosts++;
            }
            struct sg_rep_rule *r = &f->rules[fd->rule_ix];
            r->n_findings++;
            if ((!r->n_hosts || r->hosts[r->n_hosts - 1] != hi) &&
                PUSH(r->hosts, r->n_hosts, r->cap, (uint32_t)hi) < 0)
                return -ENOMEM;
        }
        for (size_t i = 0; i < h->n_wrote; i++) {
            struct sg_rep_writer *w = &f->writers[h->wrote[i]];
            if ((!w->n_hosts || w->hosts[w->n_hosts - 1] != hi) &&
                PUSH(w->hosts, w->n_hosts, w->cap, (uint32_t)hi) < 0)
                return -ENOMEM;
        }
    }
    return 0;
}

/* Writers with the most hosts first; a known writer before none known;
 * then by writer, key, value. */
static int writer_cmp(const void *a, const void *b, void *ctx)
{
    const struct sg_rep_writer *ws = ctx, *x = &ws[*(const uint32_t *)a],
                               *y = &ws[*(const uint32_t *)b];
    if (x->n_hosts != y->n_hosts)
        return x->n_hosts > y->n_hosts ? -1 : 1;
    if (!x->name != !y->name)
        return x->name ? -1 : 1;
    int c = x->name ? strcmp(x->name, y->name) : 0;
    if (!c)
        c = strcmp(x->key, y->key);
    if (!c && x->value != y->value)
        c = !x->value ? -1 : !y->value ? 1 : strcmp(x->value, y->value);
    return c;
}

int sg_fleet_finish(struct sg_fleet *f)
{
    for (size_t i = 0; i < f->n_writers; i++)
        f->writers[i].n_hosts = 0;
    if (count(f) < 0 || sort_rules(f) < 0)
        return -ENOMEM;
    free(f->writer_order);
    f->writer_order =
        malloc((f->n_writers ? f->n_writers : 1) * sizeof(*f->writer_order));
    if (!f->writer_order)
        return -ENOMEM;
    for (size_t i = 0; i < f->n_writers; i++)
        f->writer_order[i] = (uint32_t)i;
    qsort_r(f->writer_order, f->n_writers, sizeof(*f->writer_order), writer_cmp,
            f->writers);
    free(f->order);
    f->order = malloc((f->n_hosts ? f->n_hosts : 1) * sizeof(*f->order));
    if (!f->order)
        return -ENOMEM;
    for (size_t i = 0; i < f->n_hosts; i++)
        f->order[i] = (uint32_t)i;
    qsort_r(f->order, f->n_hosts, sizeof(*f->order), worst_first, f->hosts);
    return 0;
}

size_t sg_fleet_hosts_with(const struct sg_fleet *f, enum sg_severity s)
{
    size_t n = 0;
    for (size_t i = 0; i < f->n_hosts; i++)
        n += f->hosts[i].counts[s] > 0;
    return n;
}

size_t sg_fleet_count(const struct sg_fleet *f, enum sg_severity s)
{
    size_t n = 0;
    for (size_t i = 0; i < f->n_hosts; i++)
        n += f->hosts[i].counts[s];
    return n;
}

/* ---- when ---- */

static struct tm *made_at(struct tm *tm)
{
    const char *e = getenv("SOURCE_DATE_EPOCH");
    char *end;
    long long s = e && *e ? strtoll(e, &end, 10) : -1;
    time_t t = s >= 0 && e && !*end ? (time_t)s : time(NULL);
    return gmtime_r(&t, tm);
}

void sg_fleet_when(char *buf, size_t len)
{
    struct tm tm;
    if (!made_at(&tm) || !strftime(buf, len, "%Y-%m-%d %H:%M UTC", &tm))
        snprintf(buf, len, "an unknown date");
}

void sg_fleet_when_iso(char *buf, size_t len)
{
    struct tm tm;
    if (!made_at(&tm) || !strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm))
        snprintf(buf, len, "unknown");
}

/* ---- kernels ---- */

static int kernel_cmp(const void *a, const void *b)
{
    const struct sg_rep_kernel *x = a, *y = b;
    if (x->n_hosts != y->n_hosts)
        return x->n_hosts > y->n_hosts ? -1 : 1;
    return strcmp(x->kernel, y->kernel);
}

static int u32_cmp(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* The kernels of the hosts HOSTS[0..NH) (every host when HOSTS is NULL),
 * with their counts, most hosts first: the hosts' kernel indices sorted
 * and counted in runs. */
static struct sg_rep_kernel *kernels_of(const struct sg_fleet *f,
                                        const uint32_t *hosts, size_t nh,
                                        size_t *n)
{
    uint32_t *ix = malloc((nh ? nh : 1) * sizeof(*ix));
    struct sg_rep_kernel *k = malloc((nh ? nh : 1) * sizeof(*k));
    *n = 0;
    if (!ix || !k) {
        free(ix), free(k);
        return NULL;
    }
    for (size_t i = 0; i < nh; i++)
        ix[i] = f->hosts[hosts ? hosts[i] : i].kernel_ix;
    qsort(ix, nh, sizeof(*ix), u32_cmp);
    for (size_t i = 0; i < nh; i++) {
        if (*n && i && ix[i] == ix[i - 1])
            k[*n - 1].n_hosts++;
        else
            k[(*n)++] = (struct sg_rep_kernel){f->kernels[ix[i]], 1};
    }
    free(ix);
    qsort(k, *n, sizeof(*k), kernel_cmp);
    return k;
}

struct sg_rep_kernel *sg_fleet_kernels(const struct sg_fleet *f, size_t *n)
{
    return kernels_of(f, NULL, f->n_hosts, n);
}

struct sg_rep_kernel *sg_fleet_rule_kernel_list(const struct sg_fleet *f,
                                                const struct sg_rep_rule *r,
                                                size_t *n)
{
    return kernels_of(f, r->hosts, r->n_hosts, n);
}

char *sg_fleet_rule_kernels(const struct sg_fleet *f,
                            const struct sg_rep_rule *r)
{
    size_t n;
    struct sg_rep_kernel *k = sg_fleet_rule_kernel_list(f, r, &n);
    struct sg_buf b = {0};
    for (size_t i = 0; i < n; i++)
        sg_buf_printf(&b, "%s%s (%zu)", i ? ", " : "", k[i].kernel,
                      k[i].n_hosts);
    free(k);
    return b.v ? b.v : strdup("");
}

static void deltas_free(struct sg_rep_delta *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(v[i].host), free(v[i].rule), free(v[i].file);
        free(v[i].key), free(v[i].value);
    }
    free(v);
}

void sg_fleet_free(struct sg_fleet *f)
{
    for (size_t i = 0; i < f->n_hosts; i++)
        free(f->hosts[i].name), free(f->hosts[i].hits), free(f->hosts[i].wrote);
    free(f->hosts);
    free(f->order);
    free(f->findings);
    for (size_t i = 0; i < f->n_rules; i++)
        free(f->rules[i].hosts);
    free(f->rules);
    for (size_t i = 0; i < f->n_kernels; i++)
        free(f->kernels[i]);
    free(f->kernels);
    for (size_t i = 0; i < f->n_sources; i++)
        free(f->sources[i]);
    free(f->sources);
    free(f->by_name.v), free(f->by_fp.v), free(f->by_id.v);
    free(f->by_kernel.v), free(f->seen.v), free(f->by_writer.v);
    for (size_t i = 0; i < f->n_writers; i++) {
        free(f->writers[i].name), free(f->writers[i].key);
        free(f->writers[i].value), free(f->writers[i].hosts);
    }
    free(f->writers);
    free(f->writer_order);
    sg_diags_free(&f->problems);
    free(f->baseline);
    deltas_free(f->added, f->n_added);
    deltas_free(f->fixed, f->n_fixed);
    for (size_t i = 0; i < f->n_gone; i++)
        free(f->gone[i]);
    free(f->gone);
    sg_blocks_free(&f->texts); /* the findings' texts, the rules' */
    memset(f, 0, sizeof(*f));
}
