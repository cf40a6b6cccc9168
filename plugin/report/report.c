/*
 * report.c - see report.h. Each input is parsed with cJSON and walked
 * once; its findings are merged into a table of distinct findings (open
 * addressing on the 64-bit fingerprint, grown at half load) and into the
 * rules, and the tree is freed before the next input. Per finding of a
 * host: a hash lookup, amortised O(1); a rule's host list is appended to
 * only when the host is not its last entry (hosts are read one at a time).
 */
#include "report.h"
#include "../core/finding.h"
#include "../core/policy.h"
#include "../core/util.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define PUSH(arr, n, cap, item)                                                \
    ((n) < (cap) || grow((void **)&(arr), &(cap), sizeof(*(arr))) == 0         \
         ? ((arr)[(n)++] = (item), 0)                                          \
         : -ENOMEM)

static int grow(void **v, size_t *cap, size_t size)
{
    size_t nc = *cap ? *cap * 2 : 8;
    void *nv = realloc(*v, nc * size);
    if (!nv)
        return -ENOMEM;
    *v = nv;
    *cap = nc;
    return 0;
}

static const char *str(const cJSON *o, const char *key)
{
    const char *s =
        cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, key));
    return s ? s : "";
}

/* S as valid UTF-8 (a result may hold Latin-1 values), allocated. */
static char *dup(const char *s)
{
    return sg_utf8_repair(s ? s : "");
}

static int severity(const char *s)
{
    return strcmp(s, "error") == 0     ? SG_SEV_ERROR
           : strcmp(s, "warning") == 0 ? SG_SEV_WARNING
           : strcmp(s, "info") == 0    ? SG_SEV_INFO
                                       : -1;
}

uint64_t sg_rep_fingerprint(const char *rule, const char *file, const char *key,
                            const char *value)
{
    struct sg_buf b = {0};
    /* As sarif.c's partialFingerprints: stable when lines move. Of the
     * text as JSON carries it (bytes that are no UTF-8 repaired), so that
     * the report, reading JSON, finds the module's and SARIF's. */
    sg_buf_printf(&b, "%s|%s|%s|%s", rule, file, key, value);
    char *u = b.v && !sg_utf8_valid(b.v) ? sg_utf8_repair(b.v) : NULL;
    uint64_t h =
        u ? sg_hash(u, strlen(u)) : sg_hash(b.v ? b.v : "", b.v ? b.n : 0);
    free(u);
    free(b.v);
    return h;
}

void sg_rep_finding_hex(const struct sg_finding *f, char out[17])
{
    snprintf(out, 17, "%016" PRIx64,
             sg_rep_fingerprint(f->rule->id, f->file ? f->file : "",
                                f->key ? f->key : "",
                                f->value ? f->value : ""));
}

/* ---- the table of distinct findings ---- */

static int index_grow(struct sg_fleet *f)
{
    size_t nc = f->index_cap ? f->index_cap * 2 : 1024;
    uint32_t *ni = malloc(nc * sizeof(*ni));
    if (!ni)
        return -ENOMEM;
    memset(ni, 0xff, nc * sizeof(*ni));
    for (size_t i = 0; i < f->n_findings; i++) {
        size_t h = (size_t)f->findings[i].fp & (nc - 1);
        while (ni[h] != UINT32_MAX)
            h = (h + 1) & (nc - 1);
        ni[h] = (uint32_t)i;
    }
    free(f->index);
    f->index = ni;
    f->index_cap = nc;
    return 0;
}

static struct sg_rep_rule *rule_of(struct sg_fleet *f,
                                   const struct sg_rep_finding *x);

/* The index of the distinct finding J describes, added when new; or -1
 * without memory. */
static long finding_of(struct sg_fleet *f, const cJSON *j)
{
    const char *rule = str(j, "rule"), *file = str(j, "file"),
               *key = str(j, "key"), *value = str(j, "value");
    uint64_t fp = sg_rep_fingerprint(rule, file, key, value);
    /* The severity is part of what a host has (a "-" line's may be
     * lower), not of the fingerprint. */
    int sev = severity(str(j, "severity"));

    if ((f->n_findings + 1) * 2 > f->index_cap && index_grow(f) < 0)
        return -1;
    size_t h = (size_t)fp & (f->index_cap - 1);
    for (; f->index[h] != UINT32_MAX; h = (h + 1) & (f->index_cap - 1)) {
        const struct sg_rep_finding *x = &f->findings[f->index[h]];
        if (x->fp == fp && strcmp(x->rule, rule) == 0 &&
            strcmp(x->file, file) == 0 && strcmp(x->key, key) == 0 &&
            strcmp(x->value, value) == 0 && (int)x->severity == sev)
            return f->index[h];
    }
    struct sg_rep_finding n = {.fp = fp,
                               .rule = dup(rule),
                               .title = dup(str(j, "title")),
                               .file = dup(file),
                               .key = dup(key),
                               .value = dup(value),
                               .last_host = UINT32_MAX,
                               .severity = (enum sg_severity)sev};
    /* The fix as a person reads it: "remove KEY from FILE". */
    const cJSON *fx = cJSON_GetObjectItemCaseSensitive(j, "fix");
    if (cJSON_IsObject(fx)) {
        const char *a = str(fx, "action"), *fk = str(fx, "key"),
                   *fv = str(fx, "value"), *ff = str(fx, "file");
        (void)ff; /* the file is the finding's, shown beside it */
        n.fix = strcmp(a, "set") == 0 ? sg_strdup_printf("set %s = %s", fk, fv)
                : strcmp(a, "load-module") == 0
                    ? sg_strdup_printf("load %s at boot", fv)
                    : sg_strdup_printf("%s %s", a, fk);
    }
    const cJSON *refs = cJSON_GetObjectItemCaseSensitive(j, "references"), *r;
    size_t nr = (size_t)cJSON_GetArraySize(refs);
    n.refs = nr ? calloc(nr, sizeof(*n.refs)) : NULL;
    cJSON_ArrayForEach(r, refs)
    {
        if (n.refs && cJSON_IsString(r))
            n.refs[n.n_refs++] = dup(r->valuestring);
    }
    if (!n.rule || !n.title || !n.file || !n.key || !n.value ||
        (nr && !n.refs) || (cJSON_IsObject(fx) && !n.fix) ||
        f->n_findings >= UINT32_MAX - 1) {
        free(n.rule), free(n.title), free(n.file), free(n.key), free(n.value);
        free(n.fix);
        for (size_t i = 0; i < n.n_refs; i++)
            free(n.refs[i]);
        free(n.refs);
        return -1;
    }
    if (PUSH(f->findings, f->n_findings, f->cap_findings, n) < 0)
        return -1;
    f->index[h] = (uint32_t)(f->n_findings - 1);
    struct sg_rep_rule *rr = rule_of(f, &f->findings[f->n_findings - 1]);
    if (!rr)
        return -1;
    f->findings[f->n_findings - 1].rule_ix = (size_t)(rr - f->rules);
    return (long)(f->n_findings - 1);
}

static struct sg_rep_rule *rule_of(struct sg_fleet *f,
                                   const struct sg_rep_finding *x)
{
    for (size_t i = f->n_rules; i-- > 0;)
        if (strcmp(f->rules[i].id, x->rule) == 0) {
            /* A rule is as severe as its most severe finding. */
            struct sg_rep_rule *r = &f->rules[i];
            if (x->severity > r->severity)
                r->severity = x->severity;
            /* One fix for the rule only when its findings share it. */
            if (!r->fix_varies && (!r->fix != !x->fix ||
                                   (r->fix && strcmp(r->fix, x->fix) != 0))) {
                free(r->fix);
                r->fix = NULL;
                r->fix_varies = true;
            }
            return r;
        }
    struct sg_rep_rule r = {.id = dup(x->rule),
                            .title = dup(x->title),
                            .fix = x->fix ? dup(x->fix) : NULL,
                            .severity = x->severity,
                            .refs = x->refs,
                            .n_refs = x->n_refs};
    if (!r.id || !r.title || PUSH(f->rules, f->n_rules, f->cap_rules, r) < 0) {
        free(r.id), free(r.title), free(r.fix);
        return NULL;
    }
    return &f->rules[f->n_rules - 1];
}

/* ---- one host's result ---- */

static void problem(struct sg_fleet *f, const char *file, const char *fmt,
                    const char *what)
{
    sg_diag_add(&f->problems, SG_SEV_ERROR, "report-input", file, 0, fmt,
                what ? sg_vis(what) : "");
}

/* Whether J is one host's result: findings (an array) and a kernel. */
static bool is_result(const cJSON *j)
{
    return cJSON_IsObject(j) &&
           cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(j, "findings")) &&
           cJSON_IsString(cJSON_GetObjectItemCaseSensitive(j, "kernel"));
}

/* Merge the result J of host NAME read from SOURCE. */
static int add_host(struct sg_fleet *f, const char *name, const char *source,
                    const cJSON *j)
{
    const cJSON *x;
    struct sg_rep_host h = {.name = dup(name),
                            .kernel = dup(str(j, "kernel")),
                            .source = dup(source)};
    if (!h.name || !h.kernel || !h.source)
        goto nomem;
    size_t i = 0, bad = 0, first_bad = 0;
    cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(j, "findings"))
    {
        i++;
        if (!cJSON_IsObject(x) ||
            severity(str(x, "rule")[0] ? str(x, "severity") : "") < 0) {
            if (!bad++)
                first_bad = i;
            continue; /* not a finding: a problem, below */
        }
        if (cJSON_GetObjectItemCaseSensitive(x, "suppressed"))
            continue; /* accepted on purpose, in the file */
        long k = finding_of(f, x);
        if (k < 0)
            goto nomem;
        const cJSON *ln = cJSON_GetObjectItemCaseSensitive(x, "line");
        double line = cJSON_IsNumber(ln) ? ln->valuedouble : 0;
        struct sg_rep_hit hit = {(uint32_t)k,
                                 line > 0 && line < 4e9 ? (uint32_t)line : 0};
        if (PUSH(h.hits, h.n_hits, h.cap, hit) < 0)
            goto nomem;
        h.counts[f->findings[k].severity]++;
    }
    h.n_diags = (size_t)cJSON_GetArraySize(
        cJSON_GetObjectItemCaseSensitive(j, "diagnostics"));
    uint32_t hi = (uint32_t)f->n_hosts;
    if (PUSH(f->hosts, f->n_hosts, f->cap_hosts, h) < 0)
        goto nomem;
    /* Each distinct finding and rule counts the host once. */
    const struct sg_rep_host *ph = &f->hosts[hi];
    for (i = 0; i < ph->n_hits; i++) {
        struct sg_rep_finding *fd = &f->findings[ph->hits[i].finding];
        if (fd->last_host != hi) {
            fd->last_host = hi;
            fd->n_hosts++;
        }
        struct sg_rep_rule *r = &f->rules[fd->rule_ix];
        r->n_findings++;
        if ((!r->n_hosts || r->hosts[r->n_hosts - 1] != hi) &&
            PUSH(r->hosts, r->n_hosts, r->cap, hi) < 0)
            return -ENOMEM;
    }
    if (bad) {
        char *what = sg_strdup_printf("host %s: %zu of its findings (the "
                                      "first: number %zu)",
                                      name, bad, first_bad);
        if (!what)
            return -ENOMEM;
        problem(f, source,
                "%s are not findings (an object with a rule and a severity): "
                "the rest of it is in the report",
                what);
        free(what);
    }
    return 0;
nomem:
    free(h.name), free(h.kernel), free(h.source), free(h.hits);
    return -ENOMEM;
}

/* The host name NAME gives: its last component without ".json". */
static char *host_from_name(const char *name)
{
    const char *b = strrchr(name, '/');
    b = b ? b + 1 : name;
    size_t n = strlen(b);
    if (n > 5 && strcmp(b + n - 5, ".json") == 0)
        n -= 5;
    return strndup(b, n);
}

/* Ansible's json callback: plays[].tasks[].hosts{name: result}. */
static int add_ansible(struct sg_fleet *f, const char *source, const cJSON *j,
                       size_t *found)
{
    const cJSON *play, *task, *host;
    cJSON_ArrayForEach(play, cJSON_GetObjectItemCaseSensitive(j, "plays"))
    {
        cJSON_ArrayForEach(task,
                           cJSON_GetObjectItemCaseSensitive(play, "tasks"))
        {
            cJSON_ArrayForEach(host,
                               cJSON_GetObjectItemCaseSensitive(task, "hosts"))
            {
                if (!is_result(host) || !host->string)
                    continue;
                if (add_host(f, host->string, source, host) < 0)
                    return -ENOMEM;
                (*found)++;
            }
        }
    }
    return 0;
}

/* Salt's JSON output: {minion: {state id: return}}, or {"local": ...};
 * a sysctl_guard state's return carries the check as "sysctl_guard". */
static int add_salt(struct sg_fleet *f, const char *source, const cJSON *j,
                    size_t *found)
{
    const cJSON *minion, *st;
    cJSON_ArrayForEach(minion, j)
    {
        cJSON_ArrayForEach(st, minion)
        {
            const cJSON *c =
                cJSON_GetObjectItemCaseSensitive(st, "sysctl_guard");
            if (!is_result(c) || !minion->string)
                continue;
            /* salt-call names its minion "local": then the check's host
             * (the state passes the minion id), or the file's name. */
            const char *h = minion->string;
            char *own = NULL;
            if (strcmp(h, "local") == 0) {
                const char *ch = str(c, "host");
                own = *ch ? strdup(ch) : host_from_name(source);
                if (!own)
                    return -ENOMEM;
                h = own;
            }
            int r = add_host(f, h, source, c);
            free(own);
            if (r < 0)
                return -ENOMEM;
            (*found)++;
        }
    }
    return 0;
}

/* One JSON document J of the input NAME: 0 or -ENOMEM; *FOUND counts the
 * hosts found, *BAD whether it was a problem already. */
static int read_doc(struct sg_fleet *f, const char *name, const cJSON *j,
                    size_t *found, bool *bad)
{
    const char *format =
        cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, "format"));
    if (format && strcmp(format, "sysctl-guard/1") != 0) {
        problem(f, name,
                "format \"%s\": not sysctl-guard/1 (a check --format json "
                "of this version), so nothing of it is in the report",
                format);
        *bad = true;
        return 0;
    }
    if (is_result(j)) {
        /* One host: check --format json, or a registered module result. */
        const char *h =
            cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, "host"));
        char *host = h && *h ? strdup(h) : host_from_name(name);
        int r = host ? add_host(f, host, name, j) : -ENOMEM;
        free(host);
        (*found)++;
        return r;
    }
    if (cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(j, "plays")))
        return add_ansible(f, name, j, found);
    if (cJSON_IsObject(j))
        return add_salt(f, name, j, found);
    return 0;
}

int sg_fleet_read_text(struct sg_fleet *f, const char *name, char *text,
                       size_t len)
{
    size_t found = 0, docs = 0;
    bool bad = false;
    int r = 0;

    f->n_inputs++;
    if (strlen(text) != len) {
        problem(f, name, "not JSON: it holds a NUL byte%s", NULL);
        return 0;
    }
    /* One JSON document, or several one after another: `salt --out=json`
     * without --static prints one per minion. */
    for (const char *p = text; r == 0;) {
        while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
            p++;
        if (!*p && docs)
            break;
        const char *end = NULL;
        cJSON *j = cJSON_ParseWithOpts(p, &end, false);
        if (!j) {
            const char *at = cJSON_GetErrorPtr();
            unsigned line = 1;
            for (const char *q = text; at && q < at && *q; q++)
                line += *q == '\n';
            char *where =
                sg_strdup_printf("%u: %s", line,
                                 docs ? "the rest of it is not in the report"
                                      : "nothing of it is in the report");
            if (!where)
                return -ENOMEM;
            problem(f, name, "not JSON (truncated, or not a result) at line %s",
                    where);
            free(where);
            return 0;
        }
        docs++;
        r = read_doc(f, name, j, &found, &bad);
        cJSON_Delete(j);
        p = end;
    }
    if (r == 0 && !found && !bad)
        problem(f, name,
                "%sholds no sysctl-guard result (check --format json, the "
                "Ansible module's result, Ansible's json callback output or "
                "Salt's JSON output)",
                NULL);
    return r;
}

/* The bytes of PATH, NUL-terminated, in *TEXT (*LEN without the NUL): 0,
 * -ENOMEM, -EFBIG over SG_REPORT_MAX_INPUT, or -errno. One reader for the
 * results and the baseline. */
static int slurp(const char *path, char **text, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    struct stat st;
    *text = NULL;
    *len = 0;
    if (!fp)
        return -errno;
    if (fstat(fileno(fp), &st) == 0 && st.st_size > SG_REPORT_MAX_INPUT) {
        fclose(fp);
        return -EFBIG;
    }
    size_t cap = st.st_size > 0 ? (size_t)st.st_size + 1 : 4096, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        size_t got = fread(buf + n, 1, cap - n - 1, fp);
        n += got;
        if (got == 0)
            break;
        if (n + 1 == cap) {
            if (cap > SG_REPORT_MAX_INPUT)
                break;
            char *nb = realloc(buf, cap * 2);
            if (!nb) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
            cap *= 2;
        }
    }
    int err = ferror(fp);
    fclose(fp);
    if (!buf)
        return -ENOMEM;
    buf[n] = '\0';
    if (err || n > SG_REPORT_MAX_INPUT) {
        free(buf);
        return err ? -EIO : -EFBIG;
    }
    *text = buf;
    *len = n;
    return 0;
}

static int read_file(struct sg_fleet *f, const char *path)
{
    char *buf;
    size_t n;
    int e = slurp(path, &buf, &n);
    if (e == -ENOMEM)
        return e;
    if (e < 0) {
        f->n_inputs++;
        if (e == -EFBIG)
            problem(f, path, "%s: over 512 MiB, not read", "too big");
        else
            problem(f, path, "cannot read it: %s", strerror(-e));
        return 0;
    }
    int r = sg_fleet_read_text(f, path, buf, n);
    free(buf);
    return r;
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int sg_fleet_read(struct sg_fleet *f, const char *path)
{
    struct stat st;
    if (stat(path, &st) < 0) {
        f->n_inputs++;
        problem(f, path, "cannot read it: %s", strerror(errno));
        return 0;
    }
    if (!S_ISDIR(st.st_mode))
        return read_file(f, path);
    DIR *d = opendir(path);
    if (!d) {
        f->n_inputs++;
        problem(f, path, "cannot read the directory: %s", strerror(errno));
        return 0;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    int r = 0;
    for (struct dirent *e; r == 0 && (e = readdir(d));) {
        size_t l = strlen(e->d_name);
        if (e->d_name[0] == '.' || l < 6 ||
            strcmp(e->d_name + l - 5, ".json") != 0)
            continue;
        char *p = sg_strdup_printf(
            "%s%s%s", path, sg_str_has_suffix(path, "/") ? "" : "/", e->d_name);
        if (!p || PUSH(names, n, cap, p) < 0) {
            free(p);
            r = -ENOMEM;
        }
    }
    closedir(d);
    if (r == 0 && !n) {
        /* An empty report would look like a clean fleet. */
        f->n_inputs++;
        problem(f, path, "%sthe directory holds no *.json result", NULL);
    }
    if (n)
        qsort(names, n, sizeof(*names), name_cmp);
    for (size_t i = 0; i < n; i++) {
        if (r == 0)
            r = read_file(f, names[i]);
        free(names[i]);
    }
    free(names);
    return r;
}

/* ---- order, counts ---- */

static int rule_cmp(const void *a, const void *b)
{
    const struct sg_rep_rule *x = a, *y = b;
    if (x->severity != y->severity)
        return x->severity > y->severity ? -1 : 1;
    if (x->n_hosts != y->n_hosts)
        return x->n_hosts > y->n_hosts ? -1 : 1;
    return strcmp(x->id, y->id);
}

static const struct sg_rep_host *order_hosts; /* qsort has no context */

static int worst_first(const void *a, const void *b)
{
    const struct sg_rep_host *x = &order_hosts[*(const uint32_t *)a],
                             *y = &order_hosts[*(const uint32_t *)b];
    for (int s = SG_SEV_ERROR; s >= SG_SEV_INFO; s--)
        if (x->counts[s] != y->counts[s])
            return x->counts[s] > y->counts[s] ? -1 : 1;
    return strcmp(x->name, y->name);
}

int sg_fleet_finish(struct sg_fleet *f)
{
    if (f->n_rules)
        qsort(f->rules, f->n_rules, sizeof(*f->rules), rule_cmp);
    free(f->order);
    f->order = malloc((f->n_hosts ? f->n_hosts : 1) * sizeof(*f->order));
    if (!f->order)
        return -ENOMEM;
    for (size_t i = 0; i < f->n_hosts; i++)
        f->order[i] = (uint32_t)i;
    order_hosts = f->hosts;
    if (f->n_hosts)
        qsort(f->order, f->n_hosts, sizeof(*f->order), worst_first);
    order_hosts = NULL;
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

static int kernel_cmp(const void *a, const void *b)
{
    const struct sg_rep_kernel *x = a, *y = b;
    if (x->n_hosts != y->n_hosts)
        return x->n_hosts > y->n_hosts ? -1 : 1;
    return strcmp(x->kernel, y->kernel);
}

/* The kernels of the hosts HOSTS[0..N) (all hosts when HOSTS is NULL). */
static struct sg_rep_kernel *kernels_of(const struct sg_fleet *f,
                                        const uint32_t *hosts, size_t nh,
                                        size_t *n)
{
    struct sg_rep_kernel *k = NULL;
    size_t cap = 0;
    *n = 0;
    for (size_t i = 0; i < nh; i++) {
        const char *kv = f->hosts[hosts ? hosts[i] : i].kernel;
        size_t j = 0;
        while (j < *n && strcmp(k[j].kernel, kv) != 0)
            j++;
        if (j < *n) {
            k[j].n_hosts++;
            continue;
        }
        struct sg_rep_kernel nk = {kv, 1};
        if (PUSH(k, *n, cap, nk) < 0) {
            free(k);
            *n = 0;
            return NULL;
        }
    }
    if (*n)
        qsort(k, *n, sizeof(*k), kernel_cmp);
    return k;
}

struct sg_rep_kernel *sg_fleet_kernels(const struct sg_fleet *f, size_t *n)
{
    return kernels_of(f, NULL, f->n_hosts, n);
}

char *sg_fleet_rule_kernels(const struct sg_fleet *f,
                            const struct sg_rep_rule *r)
{
    size_t n;
    struct sg_rep_kernel *k = kernels_of(f, r->hosts, r->n_hosts, &n);
    struct sg_buf b = {0};
    for (size_t i = 0; i < n; i++)
        sg_buf_printf(&b, "%s%s (%zu)", i ? ", " : "", k[i].kernel,
                      k[i].n_hosts);
    free(k);
    return b.v ? b.v : strdup("");
}

/* ---- baseline ---- */

static int delta_push(struct sg_rep_delta **v, size_t *n, size_t *cap,
                      const char *host, const char *rule, const char *file,
                      const char *key, const char *value, int sev, uint64_t fp,
                      uint32_t line)
{
    struct sg_rep_delta d = {dup(host),  dup(rule),
                             dup(file),  dup(key),
                             dup(value), (enum sg_severity)(sev < 0 ? 0 : sev),
                             fp,         line};
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
    size_t len = 0, cap_a = 0, cap_f = 0;
    int e = 0, r = 0;

    if ((e = slurp(path, &text, &len)) < 0) {
        if (e == -ENOMEM)
            return e;
        problem(f, path, "the baseline cannot be read: %s",
                e == -EFBIG ? "over 512 MiB" : strerror(-e));
        return -1;
    }
    cJSON *j = cJSON_ParseWithOpts(text, NULL, true);
    free(text);
    const char *format =
        cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, "format"));
    if (!j || !format || strcmp(format, SG_REPORT_FORMAT) != 0) {
        problem(f, path,
                "the baseline is not a report (%s): write one with report "
                "--format json",
                j ? (format ? format : "no format") : "not JSON");
        cJSON_Delete(j);
        return -1;
    }
    /* Every pair of then and of now, sorted; a merge tells them apart. */
    struct pair *then = NULL, *now = NULL;
    size_t nt = 0, ct = 0, nn = 0, cn = 0;
    const cJSON *h, *x;
    cJSON_ArrayForEach(h, cJSON_GetObjectItemCaseSensitive(j, "hosts"))
    {
        cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(h, "findings"))
        {
            const char *fps = str(x, "fingerprint");
            struct pair p = {str(h, "name"), strtoull(fps, NULL, 16), x, NULL,
                             0};
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
        qsort(names, f->n_hosts, sizeof(*names), name_cmp);
    size_t a = 0, b = 0, cap_g = 0;
    cJSON_ArrayForEach(h, cJSON_GetObjectItemCaseSensitive(j, "hosts"))
    {
        const char *hn = str(h, "name");
        char *g = NULL;
        if (r == 0 &&
            !bsearch(&hn, names, f->n_hosts, sizeof(*names), name_cmp) &&
            (!(g = dup(hn)) || PUSH(f->gone, f->n_gone, cap_g, g) < 0)) {
            free(g);
            r = -ENOMEM;
        }
    }
    while (r == 0 && (a < nt || b < nn)) {
        int c = a == nt ? 1 : b == nn ? -1 : pair_cmp(&then[a], &now[b]);
        if (c < 0 && !bsearch(&then[a].host, names, f->n_hosts, sizeof(*names),
                              name_cmp)) {
            a++; /* a host not checked this time (in F->gone) */
        } else if (c == 0) {
            f->n_unchanged++;
            a++, b++;
        } else if (c < 0) { /* in the baseline, not now: fixed */
            const cJSON *t = then[a].then;
            const cJSON *ln = cJSON_GetObjectItemCaseSensitive(t, "line");
            r = delta_push(&f->fixed, &f->n_fixed, &cap_f, then[a].host,
                           str(t, "rule"), str(t, "file"), str(t, "key"),
                           str(t, "value"), severity(str(t, "severity")),
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
    cJSON_Delete(j);
    if (r < 0)
        return r;
    f->has_baseline = true;
    f->baseline = strdup(path);
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
    for (size_t i = 0; i < f->n_hosts; i++) {
        free(f->hosts[i].name), free(f->hosts[i].kernel);
        free(f->hosts[i].source), free(f->hosts[i].hits);
    }
    free(f->hosts);
    free(f->order);
    for (size_t i = 0; i < f->n_findings; i++) {
        struct sg_rep_finding *x = &f->findings[i];
        free(x->rule), free(x->title), free(x->file), free(x->key);
        free(x->value), free(x->fix);
        for (size_t k = 0; k < x->n_refs; k++)
            free(x->refs[k]);
        free(x->refs);
    }
    free(f->findings);
    free(f->index);
    for (size_t i = 0; i < f->n_rules; i++) {
        free(f->rules[i].id), free(f->rules[i].title), free(f->rules[i].fix);
        free(f->rules[i].hosts);
    }
    free(f->rules);
    sg_diags_free(&f->problems);
    free(f->baseline);
    deltas_free(f->added, f->n_added);
    deltas_free(f->fixed, f->n_fixed);
    for (size_t i = 0; i < f->n_gone; i++)
        free(f->gone[i]);
    free(f->gone);
    memset(f, 0, sizeof(*f));
}
