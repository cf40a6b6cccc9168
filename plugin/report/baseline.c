/*
 * baseline.c - the fleet against an earlier report (report.h): each
 * (host, fingerprint) pair of the baseline's JSON and of the fleet, both
 * sorted, then merged in one pass: new, fixed, unchanged; a host of the
 * baseline that the fleet lacks is listed as gone, and none of its pairs
 * counts as fixed. O((pairs) log (pairs)); the baseline's JSON tree is
 * held whole while compared (about 8 times the file).
 */
#include "report.h"
#include "jsonmem.h"
#include "../core/base/util.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define PUSH(vec, n, cap, item)                                                \
    ((n) < (cap) || sg_grow((void **)&(vec), sizeof(*(vec)), (n), &(cap)) == 0 \
         ? ((vec)[(n)++] = (item), 0)                                          \
         : -ENOMEM)

static const char *str(const cJSON *o, const char *key)
{
    const char *s =
        cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, key));
    return s ? s : "";
}

static int delta_push(struct sg_rep_delta **v, size_t *n, size_t *cap,
                      const char *host, const char *rule, const char *file,
                      const char *key, const char *value, int sev, uint64_t fp,
                      uint32_t line)
{
    struct sg_rep_delta d = {sg_utf8_repair(host),
                             sg_utf8_repair(rule),
                             sg_utf8_repair(file),
                             sg_utf8_repair(key),
                             sg_utf8_repair(value),
                             (enum sg_severity)(sev < 0 ? 0 : sev),
                             fp,
                             line};
    if (!d.host || !d.rule || !d.file || !d.key || !d.value ||
        PUSH(*v, *n, *cap, d) < 0) {
        free(d.host), free(d.rule), free(d.file), free(d.key), free(d.value);
        return -ENOMEM;
    }
    return 0;
}
/* A (host, fingerprint) pair, for sorting and looking up. */
struct pair {
    const char *host;
    uint64_t fp;
    const cJSON *then;                /* the baseline's finding, or NULL */
    const struct sg_rep_finding *now; /* ... or the current one */
    uint32_t line;
};

static int pair_cmp(const void *a, const void *b)
{
    const struct pair *x = a, *y = b;
    int c = strcmp(x->host, y->host);
    return c ? c : x->fp < y->fp ? -1 : x->fp > y->fp;
}

int sg_fleet_baseline(struct sg_fleet *f, const char *path)
{
    char *text = NULL;
    size_t len = 0;
    const char *why = NULL;
    int e = sg_rep_slurp(path, true, &text, &len, &why);
    if (e == -ENOMEM)
        return e;
    if (e < 0) {
        sg_rep_problem(f, path, "the baseline cannot be read: %s", why);
        return -1;
    }
    e = sg_fleet_baseline_text(f, path, text, len);
    free(text);
    return e;
}

/* The one JSON document of the LEN bytes at TEXT, in M, or NULL. */
static cJSON *parse_whole(struct sg_blocks *m, const char *text, size_t len)
{
    const char *end = NULL;
    cJSON *j = sg_jsonmem_parse(m, text, len, &end);
    while (j && end && end < text + len &&
           (*end == ' ' || *end == '\t' || *end == '\n' || *end == '\r'))
        end++;
    return j && end == text + len ? j : NULL; /* not: something after it */
}

int sg_fleet_baseline_text(struct sg_fleet *f, const char *name,
                           const char *text, size_t len)
{
    size_t cap_a = 0, cap_f = 0;
    int r = 0;
    struct sg_blocks mem = {0};
    cJSON *j = parse_whole(&mem, text, len);
    const char *format =
        cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, "format"));
    if (!j || !format || strcmp(format, SG_REPORT_FORMAT) != 0) {
        sg_rep_problem(f, name,
                       "the baseline is not a report (%s): write one with "
                       "report --format json",
                       j ? (format ? format : "no format") : "not JSON");
        sg_blocks_free(&mem);
        return -1;
    }
    /* Every pair of then and of now, sorted; a merge tells them apart. */
    struct pair *then = NULL, *now = NULL;
    size_t nt = 0, ct = 0, nn = 0, cn = 0;
    const cJSON *h, *x;
    cJSON_ArrayForEach(h, cJSON_GetObjectItemCaseSensitive(j, "hosts"))
    {
        const char *hn = str(h, "name");
        cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(h, "findings"))
        {
            const char *fps = str(x, "fingerprint");
            struct pair p = {hn, strtoull(fps, NULL, 16), x, NULL, 0};
            if (PUSH(then, nt, ct, p) < 0)
                r = -ENOMEM;
        }
    }
    for (size_t i = 0; r == 0 && i < f->n_hosts; i++)
        for (size_t k = 0; r == 0 && k < f->hosts[i].n_hits; k++) {
            const struct sg_rep_finding *fd =
                &f->findings[f->hosts[i].hits[k].finding];
            struct pair p = {f->hosts[i].name, fd->fp, NULL, fd,
                             f->hosts[i].hits[k].line};
            if (PUSH(now, nn, cn, p) < 0)
                r = -ENOMEM;
        }
    if (nt)
        qsort(then, nt, sizeof(*then), pair_cmp);
    if (nn)
        qsort(now, nn, sizeof(*now), pair_cmp);
    /* The hosts of now, sorted by name: a baseline host not among them
     * was not checked this time, and nothing of it is fixed. */
    const char **names = malloc((f->n_hosts ? f->n_hosts : 1) * sizeof(*names));
    if (!names)
        r = -ENOMEM;
    for (size_t i = 0; r == 0 && i < f->n_hosts; i++)
        names[i] = f->hosts[i].name;
    if (r == 0 && f->n_hosts)
        qsort(names, f->n_hosts, sizeof(*names), sg_strp_cmp);
    size_t a = 0, b = 0, cap_g = 0;
    cJSON_ArrayForEach(h, cJSON_GetObjectItemCaseSensitive(j, "hosts"))
    {
        const char *hn = str(h, "name");
        char *g = NULL;
        if (r == 0 &&
            !bsearch(&hn, names, f->n_hosts, sizeof(*names), sg_strp_cmp) &&
            (!(g = sg_utf8_repair(hn)) ||
             PUSH(f->gone, f->n_gone, cap_g, g) < 0)) {
            free(g);
            r = -ENOMEM;
        }
    }
    while (r == 0 && (a < nt || b < nn)) {
        int c = a == nt ? 1 : b == nn ? -1 : pair_cmp(&then[a], &now[b]);
        if (c < 0 && !bsearch(&then[a].host, names, f->n_hosts, sizeof(*names),
                              sg_strp_cmp)) {
            a++; /* a host not checked this time (in F->gone) */
        } else if (c == 0) {
            f->n_unchanged++;
            a++, b++;
        } else if (c < 0) { /* in the baseline, not now: fixed */
            const cJSON *t = then[a].then;
            const cJSON *ln = cJSON_GetObjectItemCaseSensitive(t, "line");
            r = delta_push(&f->fixed, &f->n_fixed, &cap_f, then[a].host,
                           str(t, "rule"), str(t, "file"), str(t, "key"),
                           str(t, "value"), sg_severity_of(str(t, "severity")),
                           then[a].fp,
                           cJSON_IsNumber(ln) ? (uint32_t)ln->valuedouble : 0);
            a++;
        } else { /* new */
            const struct sg_rep_finding *d = now[b].now;
            r = delta_push(&f->added, &f->n_added, &cap_a, now[b].host, d->rule,
                           d->file, d->key, d->value, d->severity, d->fp,
                           now[b].line);
            b++;
        }
    }
    free(names);
    free(then);
    free(now);
    sg_blocks_free(&mem); /* J is gone */
    if (r < 0)
        return r;
    f->has_baseline = true;
    f->baseline = sg_utf8_repair(name);
    return f->baseline ? 0 : -ENOMEM;
}

bool sg_fleet_fails(const struct sg_fleet *f, enum sg_severity fail_on)
{
    if (f->has_baseline) {
        for (size_t i = 0; i < f->n_added; i++)
            if (f->added[i].severity >= fail_on)
                return true;
        return false;
    }
    for (size_t s = fail_on; s <= SG_SEV_ERROR; s++)
        if (sg_fleet_count(f, (enum sg_severity)s))
            return true;
    return false;
}
