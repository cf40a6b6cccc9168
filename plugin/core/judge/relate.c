/*
 * relate.c - see relate.h. The index of a file's last lines is one pass
 * over its assignments, backwards (the first key put is its last line),
 * kept while the evaluator walks that file and rebuilt for the next. The
 * catalog's relations are few (a handful of keys a version): each
 * question scans them (relations.h) and follows one write per key.
 */
#include "relate.h"
#include "../kernel/defaults.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* At most this many relations of one kind name one key: the kernels have
 * one (a pair's other key). */
#define SG_REL_MAX 8

/* Whether A and B hold the same fields (the kernel's handlers split a
 * value at blanks and tabs: "32768\t60999" and "32768 60999" are one). */
static bool same_fields(const char *a, const char *b)
{
    for (;;) {
        a += strspn(a, " \t");
        b += strspn(b, " \t");
        size_t la = strcspn(a, " \t"), lb = strcspn(b, " \t");
        if (la != lb || memcmp(a, b, la) != 0)
            return false;
        if (la == 0)
            return true;
        a += la;
        b += lb;
    }
}

/* Index F's last line of each key (explicit keys with a value). */
static int index_file(struct sg_relate *r, const struct sg_file *f)
{
    sg_strmap_free(&r->last);
    r->file = f;
    if (sg_strmap_reserve(&r->last, f->assignments.n) < 0) {
        r->file = NULL;
        return -1;
    }
    for (size_t i = f->assignments.n; i-- > 0;) {
        const struct sg_assignment *a = &f->assignments.v[i];
        size_t old;
        if (a->glob || !a->value)
            continue;
        if (sg_strmap_put(&r->last, a->key, i, &old) < 0) {
            sg_strmap_free(&r->last);
            r->file = NULL;
            return -1;
        }
    }
    return 0;
}

const struct sg_assignment *sg_relate_again(struct sg_relate *r,
                                            const struct sg_model *m,
                                            const struct sg_assignment *a)
{
    if (!a || a->glob || !a->value)
        return NULL;
    /* a line's file is the path its file holds: the file indexed last,
     * most often, found without a search */
    const struct sg_file *f = r->file && r->file->path == a->file
                                  ? r->file
                                  : sg_model_file(m, a->file);
    if (!f)
        return NULL;
    if (r->file != f && index_file(r, f) < 0) {
        r->oom = true;
        return NULL;
    }
    size_t i = sg_strmap_get(&r->last, a->key);
    if (i == SIZE_MAX)
        return NULL;
    const struct sg_assignment *b = &f->assignments.v[i];
    return b->line > a->line && !same_fields(a->value, b->value) ? b : NULL;
}

const struct sg_assignment *sg_relate_file_over(const struct sg_model *m,
                                                const struct sg_sourced *v)
{
    const struct sg_assignment *a =
        v->unprefixed ? NULL : sg_model_effective(m, v->key);
    return a && a->value && !same_fields(a->value, v->value) ? a : NULL;
}

/* ---- the catalog's relations ---- */

/* Where W's write falls among the writes: its setting's seq. Not certain
 * (false) under systemd-sysctl when the line before it set the same
 * value: systemd keeps the key where that value first appeared. */
static bool order_of(const struct sg_model *m, const struct sg_assignment *w,
                     size_t *seq)
{
    const struct sg_setting *st = sg_model_get(m, w->key);
    if (!st || st->winner != w)
        return false;
    if (m->semantics == SG_SEM_SYSTEMD && st->n_overridden) {
        const struct sg_assignment *p = st->overridden[st->n_overridden - 1];
        if (p->value && strcmp(p->value, w->value) == 0)
            return false;
    }
    *seq = st->seq;
    return true;
}

/* sg_relations_find for X's kernel. */
static size_t find(const struct sg_relctx *x, enum sg_rel_kind kind,
                   const char *key, const char *other,
                   const struct sg_relrow **out, size_t max)
{
    return x->win ? sg_relations_find_in(x->cat, x->win, kind, key, other, out,
                                         max)
                  : sg_relations_find(x->cat, &x->m->kernel, kind, key, other,
                                      out, max);
}

static const struct sg_relrow *relation(const struct sg_relctx *x,
                                        enum sg_rel_kind kind, const char *key,
                                        const char *other)
{
    const struct sg_relrow *r = NULL;
    return find(x, kind, key, other, &r, 1) ? r : NULL;
}

static bool init_of(const struct sg_relctx *x, const char *key, long long *v)
{
    const struct sg_relrow *r = relation(x, SG_REL_INIT, key, NULL);
    if (r)
        *v = r->value;
    return r != NULL;
}

/* The line that sets KEY, when the kernel takes its value and it is a
 * number (*V); NULL when nothing sets KEY or the kernel refuses it. *SURE
 * is false when a line sets it with something that is no number. */
static const struct sg_assignment *
written(const struct sg_relctx *x, const char *key, long long *v, bool *sure)
{
    const struct sg_assignment *w = sg_model_effective(x->m, key);
    *sure = true;
    if (!w || !w->value || x->refused(x->arg, key, w->value))
        return NULL;
    if (!sg_leading_ll(w->value, v)) {
        *sure = false;
        return NULL;
    }
    return w;
}

/* Whether the later write of another key sets A's key (A written, value
 * AV) to 0: 1 yes (*BY, *ROW), 0 no, -1 not certain. */
static int reset_of(const struct sg_relctx *x, const struct sg_assignment *a,
                    long long av, const struct sg_assignment **by,
                    const struct sg_relrow **row)
{
    const struct sg_relrow *zs[SG_REL_MAX];
    size_t aseq, n = find(x, SG_REL_ZEROES, NULL, a->key, zs, SG_REL_MAX);
    if (n && !order_of(x->m, a, &aseq))
        return -1;
    int verdict = 0;
    for (size_t i = 0; i < n; i++) {
        const struct sg_relrow *z = zs[i];
        long long pv, cur, ainit;
        size_t pseq;
        bool sure;
        const struct sg_assignment *p = written(x, z->key, &pv, &sure);
        if (!sure || (p && !order_of(x->m, p, &pseq))) {
            verdict = -1;
            continue;
        }
        if (!p || pseq <= aseq)
            continue;
        if (z->on_change) {
            /* P's key before P's write: 0 when A's write zeroed it. */
            const struct sg_relrow *rev =
                relation(x, SG_REL_ZEROES, a->key, z->key);
            bool zeroed = rev && !rev->on_change;
            if (rev && rev->on_change) {
                if (!init_of(x, a->key, &ainit)) {
                    verdict = -1;
                    continue;
                }
                zeroed = ainit != av;
            }
            if (zeroed)
                cur = 0;
            else if (!init_of(x, z->key, &cur)) {
                verdict = -1;
                continue;
            }
            if (pv == cur)
                continue; /* the write changed nothing: no zeroing */
        }
        *by = p;
        *row = z;
        return 1;
    }
    return verdict;
}

bool sg_relate_reset(const struct sg_relctx *x, const struct sg_assignment *a,
                     const struct sg_assignment **by,
                     const struct sg_relrow **row)
{
    long long av;
    if (!x->cat || !a || a->glob || !a->value ||
        sg_model_effective(x->m, a->key) != a ||
        !sg_leading_ll(a->value, &av) || x->refused(x->arg, a->key, a->value))
        return false;
    return reset_of(x, a, av, by, row) == 1;
}

/* The value KEY ends with, as the kernel holds it: its line's, 0 when a
 * later write of another key zeroed it, else its initial value unless
 * another key's write zeroed that. false when not certain. */
static bool final_of(const struct sg_relctx *x, const char *key, long long *v,
                     const struct sg_assignment **at)
{
    bool sure;
    const struct sg_assignment *by;
    const struct sg_relrow *row;
    const struct sg_assignment *w = written(x, key, v, &sure);
    *at = w;
    if (!sure)
        return false;
    if (w) {
        int r = reset_of(x, w, *v, &by, &row);
        if (r == 1)
            *v = 0;
        return r >= 0;
    }
    if (!init_of(x, key, v))
        return false;
    const struct sg_relrow *zs[SG_REL_MAX];
    size_t n = find(x, SG_REL_ZEROES, NULL, key, zs, SG_REL_MAX);
    for (size_t i = 0; i < n; i++) {
        long long pv, pinit;
        const struct sg_assignment *p = written(x, zs[i]->key, &pv, &sure);
        if (!sure || (p && zs[i]->on_change && !init_of(x, zs[i]->key, &pinit)))
            return false;
        if (p && (!zs[i]->on_change || pv != pinit))
            *v = 0;
    }
    return true;
}

bool sg_relate_clamped(const struct sg_relctx *x, const struct sg_assignment *a,
                       struct sg_clamp *out)
{
    if (!x->cat || !a || !a->value || sg_model_effective(x->m, a->key) != a)
        return false;
    const struct sg_relrow *cs[SG_REL_MAX];
    size_t n = find(x, SG_REL_CLAMP_HALF, a->key, NULL, cs, SG_REL_MAX);
    n += find(x, SG_REL_CLAMP_HALF, NULL, a->key, cs + n, SG_REL_MAX - n);
    for (size_t i = 0; i < n; i++) {
        struct sg_clamp c = {.row = cs[i]};
        if (strcmp(a->key, c.row->key) != 0 &&
            strcmp(a->key, c.row->other) != 0)
            continue;
        /* Both nonzero: the pair the kernel uses (of each exclusive pair
         * only one is nonzero once written), in the same unit. */
        if (!final_of(x, c.row->key, &c.bg, &c.bg_at) ||
            !final_of(x, c.row->other, &c.fg, &c.fg_at) || c.bg == 0 ||
            c.fg == 0 || c.bg < c.fg)
            continue;
        if ((c.bg_at ? c.bg_at : c.fg_at) != a)
            continue; /* said on the background key's line when it is set */
        *out = c;
        return true;
    }
    return false;
}

#define CONF_ALL "net.ipv4.conf.all."

/* KEY's value where the tree sets it (a line, or a glob over it), else
 * what a Debian kernel of the target's series boots with; false when
 * neither is known or the value is no number. *AT: the line or NULL. */
static bool value_of(const struct sg_relctx *x, const char *key, long long *v,
                     const struct sg_assignment **at)
{
    bool sure;
    *at = written(x, key, v, &sure);
    if (*at || !sure)
        return *at != NULL;
    /* not set, or refused: the boot value stays */
    const char *d = sg_defaults_at_boot(x->cat, key, &x->m->kernel);
    return d && sg_leading_ll(d, v);
}

/* Whether interface value V overrules all's A under HOW. */
static bool overrules(const char *how, long long a, long long v)
{
    return strcmp(how, "or") == 0    ? a == 0 && v != 0
           : strcmp(how, "and") == 0 ? a != 0 && v == 0
                                     : v > a;
}

/* Whether the host forwards IPv4: ip_forward and all.forwarding set every
 * interface's forwarding, and the later line decides. *KEY: the key that
 * did; false when neither value is known. */
static bool forwarding_of(const struct sg_relctx *x, const char **key,
                          long long *fwd)
{
    static const char *const fk[] = {"net.ipv4.ip_forward",
                                     CONF_ALL "forwarding"};
    size_t best = 0, seq;
    bool have = false;
    for (size_t i = 0; i < 2; i++) {
        const struct sg_assignment *at;
        long long v;
        if (value_of(x, fk[i], &v, &at) &&
            (!have || (at && order_of(x->m, at, &seq) && seq > best))) {
            *key = fk[i];
            *fwd = v;
            have = true;
            if (at && order_of(x->m, at, &seq))
                best = seq;
        }
    }
    return have;
}

/* A glob over the interfaces (systemd's 50-default.conf:
 * net.ipv4.conf.*.rp_filter = 2) whose value overrules all's AV under
 * OUT->how: systemd-sysctl and procps 4 write it to the own value of each
 * interface there when the files are applied (procps 3 writes nothing for
 * a glob). Only a glob of the interface alone, ending in NAME. */
static bool overruled_by_glob(const struct sg_relctx *x, const char *name,
                              long long av, struct sg_overrule *out)
{
    size_t nl = strlen(name);
    if (x->m->semantics != SG_SEM_SYSTEMD && x->m->procps < 4)
        return false;
    for (size_t i = 0; i < x->m->n_settings; i++) {
        const struct sg_setting *st = &x->m->settings[i];
        const char *k = st->key, *iface = k + 14, *dot;
        size_t kl = strlen(k);
        long long v;
        if (!st->winner->glob || st->winner->exclude || !st->winner->value ||
            strncmp(k, "net.ipv4.conf.", 14) != 0 || kl < 14 + nl + 2 ||
            strcmp(k + kl - nl, name) != 0 || k[kl - nl - 1] != '.' ||
            !(dot = strchr(iface, '.')) || dot != k + kl - nl - 1 ||
            !memchr(iface, '*', (size_t)(dot - iface)) ||
            !sg_leading_ll(st->winner->value, &v) ||
            !overrules(out->how, av, v))
            continue;
        out->over_key = strdup(k);
        out->over = v;
        out->over_at = st->winner;
        return out->over_key != NULL;
    }
    return false;
}

bool sg_relate_overruled(const struct sg_relctx *x,
                         const struct sg_assignment *a, struct sg_overrule *out)
{
    long long av;
    size_t pre = sizeof(CONF_ALL) - 1;
    *out = (struct sg_overrule){0};
    if (!x->cat || !a || a->glob || !a->value ||
        strncmp(a->key, CONF_ALL, pre) != 0 || strchr(a->key + pre, '.') ||
        sg_model_effective(x->m, a->key) != a ||
        !sg_leading_ll(a->value, &av) || x->refused(x->arg, a->key, a->value))
        return false;
    const char *name = a->key + pre;
    char *tmpl = sg_strdup_printf("net.ipv4.conf.<iface>.%s", name);
    const struct sg_relrow *row =
        tmpl ? relation(x, SG_REL_COMBINE, tmpl, "all") : NULL;
    free(tmpl);
    if (!row)
        return false;
    out->row = row;
    out->how = row->detail;
    if (strcmp(row->detail, "forwarding") == 0) {
        if (!forwarding_of(x, &out->fwd_key, &out->fwd))
            return false;
        out->how = out->fwd ? "and" : "or";
    }
    /* the value new interfaces take, then each interface the tree names */
    char *dkey = sg_strdup_printf("net.ipv4.conf.default.%s", name);
    long long v;
    const struct sg_assignment *at;
    if (dkey && value_of(x, dkey, &v, &at) && overrules(out->how, av, v)) {
        out->over_key = dkey;
        out->over = v;
        out->over_at = at;
        return true;
    }
    free(dkey);
    size_t nl = strlen(name);
    for (size_t i = 0; i < x->m->n_settings; i++) {
        const struct sg_setting *st = &x->m->settings[i];
        const char *k = st->key, *dot;
        size_t kl = strlen(k);
        if (st->winner->glob || strncmp(k, "net.ipv4.conf.", 14) != 0 ||
            kl < 14 + nl + 2 || strcmp(k + kl - nl, name) != 0 ||
            k[kl - nl - 1] != '.' || !(dot = strchr(k + 14, '.')) ||
            dot != k + kl - nl - 1 || strncmp(k + 14, "all.", 4) == 0 ||
            strncmp(k + 14, "default.", 8) == 0)
            continue;
        bool sure;
        if (written(x, k, &v, &sure) == st->winner &&
            overrules(out->how, av, v)) {
            out->over_key = strdup(k);
            out->over = v;
            out->over_at = st->winner;
            return out->over_key != NULL;
        }
    }
    return overruled_by_glob(x, name, av, out);
}

#define V6_CONF "net.ipv6.conf."

bool sg_relate_all_ignored(const struct sg_relctx *x,
                           const struct sg_assignment *a,
                           const struct sg_relrow **row)
{
    size_t pre = sizeof(V6_CONF "all.") - 1;
    *row = NULL;
    if (!x->cat || !a || a->glob || !a->value ||
        strncmp(a->key, V6_CONF "all.", pre) != 0 ||
        strchr(a->key + pre, '.') || sg_model_effective(x->m, a->key) != a ||
        x->refused(x->arg, a->key, a->value))
        return false;
    const char *name = a->key + pre;
    char *tmpl = sg_strdup_printf(V6_CONF "<iface>.%s", name);
    const struct sg_relrow *r =
        tmpl ? relation(x, SG_REL_ALL, tmpl, "all") : NULL;
    free(tmpl);
    if (!r || strcmp(r->detail, "ignored") != 0)
        return false;
    /* default, an interface, or a glob over them says what the operator
     * meant for the interfaces: this line is then only redundant */
    size_t nl = strlen(name), vl = sizeof(V6_CONF) - 1;
    for (size_t i = 0; i < x->m->n_settings; i++) {
        const char *k = x->m->settings[i].key;
        size_t kl = strlen(k);
        if (kl > vl + nl + 1 && strncmp(k, V6_CONF, vl) == 0 &&
            strcmp(k + kl - nl, name) == 0 && k[kl - nl - 1] == '.' &&
            strcmp(k, a->key) != 0)
            return false;
    }
    *row = r;
    return true;
}

bool sg_relate_iface(const struct sg_relctx *x, const char *key,
                     struct sg_iface_value *out)
{
    *out = (struct sg_iface_value){0};
    bool v4 = strncmp(key, "net.ipv4.conf.", 14) == 0;
    if (!x->cat || (!v4 && strncmp(key, V6_CONF, sizeof(V6_CONF) - 1) != 0))
        return false;
    const char *iface = key + 14, *dot = strchr(iface, '.');
    if (!dot || strchr(dot + 1, '.') || strncmp(iface, "all.", 4) == 0)
        return false;
    const char *name = dot + 1;
    char *tmpl =
        sg_strdup_printf("net.ipv%c.conf.<iface>.%s", v4 ? '4' : '6', name);
    char *all = sg_strdup_printf("net.ipv%c.conf.all.%s", v4 ? '4' : '6', name);
    const struct sg_relrow *row =
        tmpl && all ? relation(x, v4 ? SG_REL_COMBINE : SG_REL_ALL, tmpl, "all")
                    : NULL;
    bool ok = row && value_of(x, key, &out->own, &out->own_at);
    if (ok && !v4) {
        /* IPv6: only where all's value is never read */
        ok = strcmp(row->detail, "ignored") == 0;
        out->value = out->own;
    } else if (ok) {
        out->how = row->detail;
        if (strcmp(row->detail, "forwarding") == 0) {
            ok = forwarding_of(x, &out->fwd_key, &out->fwd);
            out->how = out->fwd ? "and" : "or";
        }
        ok = ok && value_of(x, all, &out->all, &out->all_at);
        if (ok)
            out->value = strcmp(out->how, "or") == 0 ? out->all || out->own
                         : strcmp(out->how, "and") == 0
                             ? out->all && out->own
                             : (out->all > out->own ? out->all : out->own);
    }
    free(tmpl);
    free(all);
    out->row = ok ? row : NULL;
    return ok;
}

void sg_relate_free(struct sg_relate *r)
{
    sg_strmap_free(&r->last);
    *r = (struct sg_relate){0};
}
