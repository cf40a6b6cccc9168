/*
 * eval.c - see eval.h. Per rule in range (kernel, profiles), its subject's
 * effective value comes from the model's sorted settings (model.h
 * sg_model_get, a binary search); a rule on lines walks the applied files
 * once, and a rule on a diagnostic code the model's diagnostics once.
 * What the catalog says of a key is worked out once per run and kept in a
 * hash (struct catcache); each line keeps its entry's index once a rule
 * has asked, so the rules after it on that line hash nothing, and a key
 * no relation names skips the relation lookups. Findings are sorted once
 * at the end: O(r * s log k + f log f) for r rules, s subjects each, k
 * keys, f findings; what lines do together (relate.h) indexes each file
 * once per rule that asks. Values longer than SG_MAX_MATCHED_VALUE are never
 * matched against a regular expression.
 */
#include "eval.h"
#include "../kernel/catalog.h"
#include "../kernel/defaults.h"
#include "../kernel/relations.h"
#include "suppress.h"
#include "placeholder.h"
#include "policy_regex.h"
#include "relate.h"
#include "../kernel/keys.h"
#include "../tree/rootfs.h"
#include "../base/util.h"

#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What a rule is looking at. */
struct subject {
    const char *key;
    const char *value;              /* configured or default; NULL: none */
    bool configured;                /* set by a file (not a default) */
    const struct sg_assignment *at; /* the line, when configured */
    const struct sg_sourced *src;   /* rules on a source's values */
    const char *diag_message;       /* diagnostic rules */
    const char *diag_file;
    unsigned diag_line;
};

/* What the catalog says of one key, worked out once per evaluation: many
 * rules ask about every line. */
struct catmemo {
    const char *key;
    bool known;
    struct sg_catinfo in;
    const char *module; /* or NULL */
    char *suggestion;   /* " Did you mean K?", when a message needs it */
    bool suggested;
    char *history; /* {history}, computed when a message needs it */
    /* What the rules ask of the key besides the catalog, once: */
    bool glob, blank; /* a glob; a key with a blank */
    bool policy_key;  /* a policy declares it */
    bool related;     /* a relation row names it (relations.h) */
    const struct sg_setting *setting; /* the model's, or NULL */
    bool declares_kernels;            /* ... with the kernels that have it */
    enum sg_live_state live;          /* the running kernel's word */
};

struct catcache {
    struct sg_strmap index; /* key -> index into v; v[i].key is the map's
                               key, a copy the cache owns (a caller's key
                               may be a string it frees: relate.c's) */
    struct catmemo *v;
    size_t n, cap;
    size_t last; /* the entry asked for last, when below n: a line's
                    rules ask for its key ten times in a row */
    /* The line a rule on lines is at (eval_lines): its key's string, and
     * where its entry's index is kept for the next rules on that line
     * (SIZE_MAX: not yet asked), so that a line's key is hashed once a
     * run, not once a rule. */
    const char *pin_key;
    size_t *pin_slot;
    size_t **slots; /* per applied file (n_slots), per line; NULL: none */
    size_t n_slots;
    struct catmemo scratch; /* when memory runs out: not kept */
    /* lib/modules/RELEASE/modules.dep and modules.builtin of the tree,
     * read when a value first names a module (cat_module_installed) */
    char *moddep, *modbuiltin;
    bool mod_read;
};

/* The lines whose key the catalog cannot judge on the target's build
 * (issue 25): said once, by the rule on diagnostic "kernel-unjudged". */
struct unjudged {
    struct sg_strmap seen; /* key -> index into v */
    struct {
        const char *key;
        const struct sg_assignment *at;
    } * v;
    size_t n, cap;
};

struct ctx {
    const struct sg_model *m;
    const struct sg_policies *ps;
    const struct sg_settings *o;
    struct sg_findings *out;
    struct catcache *cache; /* NULL without a catalog */
    struct unjudged *unjudged;
    struct sg_relate *relate; /* lines together: relate.h */
    struct sg_relwin win;     /* the catalog's versions for m's kernel */
    struct segs *segs;        /* per rule, its message's (render) */
    struct sg_buf *scratch;   /* render's, reused: each text is copied out
                                 at its length (70,000 messages allocated
                                 at their template's size were a third
                                 more memory); no placeholder renders, so
                                 one text is made at a time */
    struct sg_buf *parts;     /* render's: the fills of a message's
                                 placeholders, which a finding keeps
                                 instead of the message (finding.h) */
};

/* ---- values as the kernel reads them ---- */

/* The leading blank-separated integers of S (at most 16), as the kernel
 * reads them (sg_leading_fields). */
static size_t int_fields(const char *s, long long *f)
{
    unsigned long long u[16];
    size_t n = sg_leading_fields(s, false, u, 16);
    for (size_t i = 0; i < n; i++)
        f[i] = (long long)u[i];
    return n;
}

/* The number a check looks at in VALUE, per its "of". */
static bool part_of(const char *value, enum sg_of of, int field, long long *out)
{
    long long f[16];
    size_t n;

    if (!value)
        return false;
    if (of == SG_OF_VALUE)
        return sg_leading_ll(value, out);
    n = int_fields(value, f);
    switch (of) {
    case SG_OF_FIELD:
        if ((size_t)field > n)
            return false;
        *out = f[field - 1];
        return true;
    /* Span and parity compare the last field with the first: a value with
     * one field has neither ("ip_local_port_range = 32768" moves the first
     * port only; the kernel keeps the last). */
    case SG_OF_SPAN:
        if (n < 2)
            return false;
        *out = f[n - 1] - f[0];
        return true;
    case SG_OF_PARITY:
        if (n < 2)
            return false;
        *out = llabs(f[n - 1] - f[0]) % 2;
        return true;
    default:
        return false;
    }
}

/* The effective value of KEY: configured, else the declared default. */
static const char *value_of(const struct ctx *c, const char *key,
                            bool *configured)
{
    const struct sg_assignment *a = sg_model_effective(c->m, key);
    *configured = a != NULL;
    if (a)
        return a->value;
    return sg_policies_default(c->ps, key, &c->m->kernel);
}

static const char *live_of(const struct ctx *c, const char *key)
{
    const struct sg_setting *s = sg_model_get(c->m, key);
    return s && (s->live == SG_LIVE_SAME || s->live == SG_LIVE_DRIFT)
               ? s->live_value
               : NULL;
}

static bool not_in_kernel(const struct ctx *c, const char *key)
{
    const struct sg_setting *s = sg_model_get(c->m, key);
    if (s && s->live == SG_LIVE_MISSING)
        return true; /* the running kernel says so: trust it over versions */
    if (s && (s->live == SG_LIVE_SAME || s->live == SG_LIVE_DRIFT))
        return false;
    const struct sg_keyinfo *k = sg_policies_key(c->ps, key);
    return k && (k->exists.has_from || k->exists.has_before) &&
           !sg_krange_contains(&k->exists, &c->m->kernel);
}

/* ---- what the kernel key catalog says ---- */

static bool first_row(const struct sg_catrow *r, void *arg)
{
    *(const struct sg_catrow **)arg = r;
    return false;
}

static void memo_fill(const struct ctx *c, const char *key, struct catmemo *e)
{
    const struct sg_catalog *cat = c->ps->catalog;
    const struct sg_catrow *r = NULL;
    const struct sg_keyinfo *pk = sg_policies_key(c->ps, key);
    const struct sg_setting *st = sg_model_get(c->m, key);
    memset(e, 0, sizeof(*e));
    e->key = key;
    e->glob = sg_key_is_glob(key);
    e->blank = strpbrk(key, " \t") != NULL;
    e->policy_key = pk != NULL;
    e->declares_kernels = pk && (pk->exists.has_from || pk->exists.has_before);
    e->setting = st;
    e->live = st ? st->live : SG_LIVE_UNCHECKED;
    e->known = sg_catalog_knows(cat, key);
    e->related = sg_relations_names(cat, key);
    if (e->glob)
        return;
    sg_catalog_lookup(cat, key, &c->m->kernel, &e->in);
    sg_catalog_rows(cat, key, first_row, &r);
    e->module = r && strcmp(r->module, "-") != 0 ? r->module : NULL;
}

/* The catalog's word on KEY (the catalog is there: C->cache). */
static struct catmemo *memo_of(const struct ctx *c, const char *key)
{
    struct catcache *cc = c->cache;
    bool pinned = key == cc->pin_key;
    if (pinned && *cc->pin_slot < cc->n)
        return &cc->v[cc->last = *cc->pin_slot];
    if (cc->last < cc->n && strcmp(cc->v[cc->last].key, key) == 0)
        return &cc->v[cc->last];
    size_t i = sg_strmap_get(&cc->index, key), old;
    if (i != SIZE_MAX) {
        if (pinned)
            *cc->pin_slot = i;
        return &cc->v[cc->last = i];
    }
    char *own = strdup(key);
    if (!own ||
        sg_grow((void **)&cc->v, sizeof(*cc->v), cc->n + 1, &cc->cap) < 0 ||
        sg_strmap_put(&cc->index, own, cc->n, &old) < 0) {
        free(own);
        free(cc->scratch.suggestion);
        free(cc->scratch.history);
        memo_fill(c, key, &cc->scratch);
        return &cc->scratch;
    }
    memo_fill(c, own, &cc->v[cc->n]);
    cc->last = cc->n;
    if (pinned)
        *cc->pin_slot = cc->n;
    return &cc->v[cc->n++];
}

/* The slots of applied file I's N lines (catcache.pin_slot), made the
 * first time; NULL without memory (nothing is pinned then). */
static size_t *line_slots(const struct ctx *c, size_t i, size_t n)
{
    struct catcache *cc = c->cache;
    if (!cc || n == 0)
        return NULL;
    if (!cc->slots) {
        cc->slots = calloc(c->m->n_applied, sizeof(*cc->slots));
        if (!cc->slots)
            return NULL;
        cc->n_slots = c->m->n_applied;
    }
    if (!cc->slots[i] && (cc->slots[i] = malloc(n * sizeof(size_t))))
        memset(cc->slots[i], 0xff, n * sizeof(size_t)); /* SIZE_MAX each */
    return cc->slots[i];
}

static void cache_free(struct catcache *cc)
{
    for (size_t i = 0; i < cc->n; i++) {
        free(cc->v[i].suggestion);
        free(cc->v[i].history);
        free((char *)cc->v[i].key); /* memo_of's copy */
    }
    free(cc->v);
    free(cc->scratch.suggestion);
    free(cc->scratch.history);
    free(cc->moddep);
    free(cc->modbuiltin);
    sg_strmap_free(&cc->index);
    for (size_t i = 0; i < cc->n_slots; i++)
        free(cc->slots[i]);
    free(cc->slots);
}

/* The model's setting of KEY (sg_model_get), from its memo when there is
 * one: a line's rules ask it without a search. */
static const struct sg_setting *setting_of(const struct ctx *c, const char *key)
{
    return c->cache ? memo_of(c, key)->setting : sg_model_get(c->m, key);
}

/* sg_model_effective(KEY), its setting from the memo. */
static const struct sg_assignment *effective_of(const struct ctx *c,
                                                const char *key)
{
    return sg_setting_effective(c->m, setting_of(c, key), key);
}

/* Whether a relation may name KEY: false only when none does, and a
 * lookup of KEY's rows would find nothing. */
static bool cat_related(const struct ctx *c, const char *key)
{
    return c->ps->catalog && memo_of(c, key)->related;
}

static bool memo_live_has(const struct catmemo *e)
{
    return e->live == SG_LIVE_SAME || e->live == SG_LIVE_DRIFT ||
           e->live == SG_LIVE_UNREADABLE;
}

/* A key with a blank is key-has-blank's: no kernel key has one. A glob
 * that matches nothing sets nothing, and the tools say nothing. */
static bool cat_unknown_key(const struct ctx *c, const char *key)
{
    if (!c->ps->catalog)
        return false;
    const struct catmemo *e = memo_of(c, key);
    return !e->blank && !e->glob && !e->policy_key && !memo_live_has(e) &&
           !e->known;
}

/* The module that provides KEY (the catalog's, the same in every row),
 * or NULL. */
static const char *cat_module(const struct ctx *c, const char *key)
{
    return c->ps->catalog ? memo_of(c, key)->module : NULL;
}

/* A module's key on a kernel that has it, and nothing loads the module
 * before systemd-sysctl (modload.h); only for a tree (not fragments). */
static bool cat_module_not_loaded(const struct ctx *c, const char *key)
{
    if (!c->ps->catalog || !c->m->modload.scanned)
        return false;
    const struct catmemo *e = memo_of(c, key);
    return e->module && e->in.state == SG_KS_PRESENT &&
           !sg_modload_loads(&c->m->modload, e->module) &&
           !sg_modload_udev_applies(&c->m->modload, key);
}

static bool own_evidence(const struct ctx *c, const struct catmemo *e,
                         enum sg_op op, const char *value);

/* Remember that the catalog cannot judge KEY (set at AT) on the target. */
static void unjudged_add(const struct ctx *c, const char *key,
                         const struct sg_assignment *at)
{
    struct unjudged *u = c->unjudged;
    size_t old;
    if (!u || sg_strmap_get(&u->seen, key) != SIZE_MAX)
        return;
    /* Out of memory: the notice lists fewer keys, nothing else changes. */
    if (sg_grow((void **)&u->v, sizeof(*u->v), u->n + 1, &u->cap) < 0 ||
        sg_strmap_put(&u->seen, key, u->n, &old) < 0)
        return;
    u->v[u->n].key = key;
    u->v[u->n++].at = at;
}

/* A key the target's kernel lacks, as far as the evidence for its build
 * goes; a key whose state is unknown there (catalogued versions around
 * it disagree, or only another build's absence speaks) is noted for the
 * unjudged notice instead (AT: the line). */
static bool cat_missing_key(const struct ctx *c, const char *key,
                            const struct sg_assignment *at)
{
    if (!c->ps->catalog)
        return false;
    const struct catmemo *e = memo_of(c, key);
    if (e->glob || e->declares_kernels || !e->known)
        return false; /* the policy's own rule on it speaks instead */
    /* A module's key the running kernel lacks while its version has it:
     * the module is not loaded (module-not-loaded says so). */
    if (e->live == SG_LIVE_MISSING)
        return !(e->in.state == SG_KS_PRESENT && e->module);
    if (memo_live_has(e) || e->in.state == SG_KS_PRESENT)
        return false;
    if (e->in.state == SG_KS_UNKNOWN ||
        !own_evidence(c, e, SG_OP_MISSING_KEY, NULL)) {
        unjudged_add(c, key, at);
        return false;
    }
    return true;
}

/* Why this kernel rejects VALUE for KEY, into BUF, or NULL. */
static const char *cat_rejection(const struct ctx *c, const char *key,
                                 const char *value, char *buf, size_t len)
{
    if (!c->ps->catalog || !value)
        return NULL;
    const struct catmemo *e = memo_of(c, key);
    return !e->glob && e->live != SG_LIVE_MISSING &&
                   e->in.state == SG_KS_PRESENT
               ? sg_catalog_rejects_varies(e->in.row, e->in.varies, value, buf,
                                           len)
               : NULL;
}

static const struct sg_hist *cat_no_effect(const struct ctx *c, const char *key)
{
    if (!c->ps->catalog)
        return NULL;
    const struct catmemo *e = memo_of(c, key);
    return !e->glob && e->in.state != SG_KS_ABSENT ? e->in.no_effect : NULL;
}

/* Whether VALUE gives KEY more numbers than its catalog row holds (a
 * scalar is a vector of 1): the handler reads as many as it holds and
 * the rest is no part of this value. Only when the next field is a number
 * too ("1 2 3"; an inline "# comment" is no field the operator meant),
 * the key is numeric on this kernel, and the kernel takes the value.
 * *HOLDS is how many the key holds. */
static bool cat_extra_fields(const struct ctx *c, const char *key,
                             const char *value, unsigned *holds)
{
    char why[160];
    long long f[17];
    if (!c->ps->catalog || !value ||
        cat_rejection(c, key, value, why, sizeof(why)))
        return false;
    const struct catmemo *e = memo_of(c, key);
    const struct sg_catrow *row = e->in.row;
    if (e->glob || e->in.state != SG_KS_PRESENT || !row || row->n == 0 ||
        row->n > 16 ||
        (row->type != SG_CT_INT && row->type != SG_CT_UINT &&
         row->type != SG_CT_U8 && row->type != SG_CT_ULONG &&
         row->type != SG_CT_BOOL))
        return false;
    *holds = row->n;
    return int_fields(value, f) > row->n;
}

/* The value kernel K boots with, when line A of the operator's sets just
 * that and nothing else needs it: A is its key's winner, no earlier line
 * and no command-line value sets the key otherwise (A would undo them),
 * the kernel takes A's value, and it equals the boot value
 * (defaults.h: a Debian build of a booted series) field by field. Not
 * for a key without effect or one a policy declares (its default, what
 * systemd sets at boot: policies/systemd.xml),
 * nor for a key of a per-device table (net.ipv4.conf.<iface>.*: writing
 * ip_forward resets all.accept_redirects, interfaces copy default's), nor
 * a module's key (the value its module starts with, loaded later). */
static const char *cat_boot_default(const struct ctx *c,
                                    const struct sg_assignment *a)
{
    char why[160];
    long long f[17], g[17];
    if (!c->ps->catalog || !a || a->glob || !a->value ||
        !sg_operator_owns(a->file) || effective_of(c, a->key) != a)
        return NULL;
    const struct catmemo *e = memo_of(c, a->key);
    if (e->glob || !e->in.row || e->in.row->templated ||
        cat_rejection(c, a->key, a->value, why, sizeof(why)) ||
        cat_no_effect(c, a->key) || cat_module(c, a->key) ||
        sg_policies_key(c->ps, a->key))
        return NULL; /* a policy's own key: its rules speak of it */
    const char *dflt =
        sg_defaults_at_boot(c->ps->catalog, a->key, &c->m->kernel);
    size_t n = dflt ? int_fields(dflt, f) : 0;
    if (!n || n != int_fields(a->value, g) || memcmp(f, g, n * sizeof(*f)))
        return NULL;
    const struct sg_setting *st = setting_of(c, a->key);
    for (size_t i = 0; st && i < st->n_overridden; i++) {
        const char *v = st->overridden[i]->value;
        if (!v || int_fields(v, g) != n || memcmp(f, g, n * sizeof(*f)))
            return NULL;
    }
    for (size_t i = 0; i < c->m->sourced.n; i++) {
        const struct sg_sourced *v = &c->m->sourced.v[i];
        if (!v->unprefixed && v->applied != 0 && strcmp(v->key, a->key) == 0)
            return NULL;
    }
    return dflt;
}

/* Whether VALUE, for a key whose values name things (a congestion control
 * algorithm, a qdisc), names nothing the target's build has: the whole
 * value is the name (the handler copies the string). *ROW: the row of a
 * name the build's config leaves out, or NULL for none defined. */
static bool cat_unknown_name(const struct ctx *c, const char *key,
                             const char *value, const struct sg_relrow **row)
{
    return value && cat_related(c, key) &&
           sg_relations_name_in(c->ps->catalog, &c->win, key, value, row) == 0;
}

/* Whether module file list LIST (modules.dep or modules.builtin: a line
 * a module, its path first) has MODULE: ".../MODULE.ko" then ':', '.' (a
 * compressed one) or the line's end. */
static bool lists_module(const char *list, const char *module)
{
    size_t n = strlen(module);
    for (const char *p = list; (p = strstr(p, module)); p += n) {
        if (p == list || p[-1] != '/' || strncmp(p + n, ".ko", 3) != 0)
            continue;
        char after = p[n + 3];
        if (after == ':' || after == '.' || after == '\n' || !after)
            return true;
    }
    return false;
}

/* Whether the tree has MODULE for the target's release: 1 listed in its
 * lib/modules/RELEASE/modules.dep (or modules.builtin), 0 the tree has
 * that modules.dep and it lists no such module, -1 not known (fragments,
 * no modules.dep for that release: a container, another kernel). */
static int cat_module_installed(const struct ctx *c, const char *module)
{
    struct catcache *cc = c->cache;
    if (c->m->rootfd < 0 || !cc)
        return -1;
    if (!cc->mod_read) {
        char *p = sg_strdup_printf("/lib/modules/%s/modules.dep",
                                   c->m->kernel.release);
        char *b = sg_strdup_printf("/lib/modules/%s/modules.builtin",
                                   c->m->kernel.release);
        cc->moddep = p && !strchr(c->m->kernel.release, '/')
                         ? sg_root_read_text(c->m->rootfd, p)
                         : NULL;
        cc->modbuiltin =
            cc->moddep && b ? sg_root_read_text(c->m->rootfd, b) : NULL;
        cc->mod_read = true;
        free(p);
        free(b);
    }
    if (!cc->moddep)
        return -1;
    return lists_module(cc->moddep, module) ||
           (cc->modbuiltin && lists_module(cc->modbuiltin, module));
}

/* The module VALUE names for KEY on the target's build (a `names` row
 * "module:NAME" the versions around it agree on, read in the config of
 * the target's own build): NAME, or NULL. */
static const char *cat_names_module(const struct ctx *c, const char *key,
                                    const char *value,
                                    const struct sg_relrow **row)
{
    if (!value || !cat_related(c, key) ||
        sg_relations_name_in(c->ps->catalog, &c->win, key, value, row) != 1)
        return NULL;
    /* a module of that build's config: said of that build only (a kernel
     * built from kernel.org's 6.1 may have it built in, or not at all) */
    return strncmp((*row)->detail, "module:", 7) == 0 &&
                   c->ps->catalog->builds[(*row)->version] == c->win.build
               ? (*row)->detail + 7
               : NULL;
}

/* The field of VALUE above the limit the target's kernel keeps for it
 * (relations.tsv `field-max`: kernel.sem's semmni): *ROW the limit, *FIELD
 * the number written; false when none is, or the versions disagree. */
static bool cat_field_over(const struct ctx *c, const char *key,
                           const char *value, const struct sg_relrow **row,
                           long long *field)
{
    const struct sg_relrow *rows[4];
    long long f[17];
    if (!value || !cat_related(c, key))
        return false;
    size_t n = sg_relations_find_in(c->ps->catalog, &c->win, SG_REL_FIELD_MAX,
                                    key, NULL, rows, 4);
    size_t have = n ? int_fields(value, f) : 0;
    for (size_t i = 0; i < n; i++) {
        long idx = strtol(rows[i]->other, NULL, 10);
        if (idx >= 1 && (size_t)idx <= have && f[idx - 1] > rows[i]->value) {
            *row = rows[i];
            *field = f[idx - 1];
            return true;
        }
    }
    return false;
}

/* Whether model M read a file named NAME from a directory the vendor
 * owns (a package's sysctl.d file, not the operator's). */
static bool ships(const struct sg_model *m, const char *name)
{
    for (size_t i = 0; i < m->n_files; i++) {
        const char *p = m->files[i]->path, *base = strrchr(p, '/');
        if (base && strcmp(base + 1, name) == 0 && !sg_operator_owns(p))
            return true;
    }
    return false;
}

/* Whether the kernel refuses VALUE for KEY: relate.h's callback. */
static bool refused(const void *arg, const char *key, const char *value)
{
    char why[160];
    return cat_rejection(arg, key, value, why, sizeof(why)) != NULL;
}

static struct sg_relctx relctx(const struct ctx *c)
{
    return (struct sg_relctx){.m = c->m,
                              .cat = c->ps->catalog,
                              .win = &c->win,
                              .refused = refused,
                              .arg = c};
}

/* The later line of A's file that undoes A (relate.h), unless A still
 * does something: `sysctl -p` writes A first, and A's value stays when
 * the kernel refuses the later one (systemd-sysctl never writes A). */
static const struct sg_assignment *set_again(const struct ctx *c,
                                             const struct sg_assignment *a)
{
    /* every line with a value that sets a key is in its setting: a key
     * set once is set again nowhere */
    const struct sg_setting *st = a && a->value ? setting_of(c, a->key) : NULL;
    if (st && st->n_overridden == 0)
        return NULL;
    const struct sg_assignment *b = sg_relate_again(c->relate, c->m, a);
    if (b && c->m->semantics != SG_SEM_SYSTEMD && c->cache &&
        refused(c, b->key, b->value))
        return NULL;
    return b;
}

/* The first check of a rule's condition whose op is one of OPS (ending
 * in SG_OP_ABSENT), or SG_OP_ABSENT when it makes none. */
static enum sg_op first_op(const struct sg_cond *cond, const enum sg_op *ops)
{
    if (cond->kind == SG_COND_CHECK) {
        for (; *ops != SG_OP_ABSENT; ops++)
            if (cond->check.op == *ops)
                return *ops;
        return SG_OP_ABSENT;
    }
    for (size_t i = 0; i < cond->n_kids; i++) {
        enum sg_op op = first_op(&cond->kids[i], ops);
        if (op != SG_OP_ABSENT)
            return op;
    }
    return SG_OP_ABSENT;
}

/* The catalog check a rule's condition makes (the first), or
 * SG_OP_ABSENT when it makes none. */
static enum sg_op catalog_op(const struct sg_cond *cond)
{
    static const enum sg_op ops[] = {SG_OP_UNKNOWN_KEY, SG_OP_MISSING_KEY,
                                     SG_OP_REJECTED, SG_OP_ABSENT};
    return first_op(cond, ops);
}

/* Whether A and B are the same point release of a series: the same
 * patch level, and for a distribution's build (whose patch level stays 0:
 * "3.10.0-1160.el7", "4.15.0-213-generic") the same build number. */
static bool same_point(const struct sg_kver *a, const struct sg_kver *b)
{
    if (a->patch != b->patch)
        return false;
    const char *x = strchr(a->release, '-'), *y = strchr(b->release, '-');
    if (!x && !y)
        return true;
    return x && y && strtoul(x + 1, NULL, 10) == strtoul(y + 1, NULL, 10);
}

/* Whether the rejection of VALUE holds at every point release of the
 * target's series: the catalogued point release is the target's, or the
 * nearest older catalogued version rejects VALUE too or lacks the key
 * (the key came with its bound). A bound that appears between the two
 * may have reached the series late through its stable updates (issue
 * 25: netdev_budget_usecs's minimum reached 6.1.y in 2025). */
static bool bound_predates(const struct ctx *c, const struct catmemo *e,
                           const char *value)
{
    const struct sg_catalog *cat = c->ps->catalog;
    char why[160];
    if (e->in.at >= 0 && same_point(&cat->versions[e->in.at], &c->m->kernel))
        return true;
    const struct sg_catrow *old = sg_catalog_row_at(cat, e->key, e->in.older);
    return e->in.older >= 0 &&
           (!old || sg_catalog_rejects_varies(old, e->in.varies, value, why,
                                              sizeof(why)));
}

/* Whether the catalog's word (check OP) on KEY holds for the build the
 * target runs (issue 25): the running kernel said it; or the history
 * pins a removal, which every later build inherits; or the target names
 * no build (a bare version is judged against the build catalogued for
 * it, and the finding names that build); or the version that decided
 * was read from the target's own distribution's source. A key no
 * catalogued kernel has is unknown for certain only to a build whose
 * distribution the catalog covers (its own patches are in its rows).
 * Otherwise a distribution's patches and backports may differ, and only
 * --live on the target can say. */
static bool own_evidence(const struct ctx *c, const struct catmemo *e,
                         enum sg_op op, const char *value)
{
    const struct sg_catalog *cat = c->ps->catalog;
    enum sg_kbuild b = sg_kver_build(&c->m->kernel);
    if (e->live == SG_LIVE_MISSING)
        return true;
    if (op == SG_OP_REJECTED && !bound_predates(c, e, value))
        return false;
    /* A later point release than the catalogued one (4.19.300 against
     * 4.19.108) may have a key a stable update carried back from a newer
     * series (oops_limit reached 4.19.y in 2023). */
    if (op == SG_OP_MISSING_KEY && !e->in.removed && e->in.at >= 0 &&
        c->m->kernel.patch > cat->versions[e->in.at].patch &&
        sg_catalog_row_at(cat, e->key, e->in.newer))
        return false;
    if (b == SG_KB_PLAIN)
        return true;
    if (op == SG_OP_UNKNOWN_KEY) {
        for (size_t i = 0; i < cat->n_versions; i++)
            if (cat->builds[i] == b)
                return true;
        return false;
    }
    if (op == SG_OP_MISSING_KEY && e->in.removed)
        return true;
    if (e->in.at < 0 || cat->builds[e->in.at] != b)
        return false;
    /* A distribution's row of another build than the target's: a key its
     * series started with may have gone only in between (RHEL 9 dropped
     * tcp_rx_skb_cache in a minor release), so its absence speaks for
     * the builds from that one on; a key the series never had cannot
     * have come and gone. */
    if (op == SG_OP_MISSING_KEY && b != SG_KB_DEBIAN &&
        !same_point(&cat->versions[e->in.at], &c->m->kernel) &&
        sg_catalog_row_at(cat, e->key, sg_catalog_base_of(cat, &c->m->kernel)))
        return false;
    return true;
}

/* Whether rule R's finding on S rests on catalog facts of another build
 * than the target's (own_evidence). */
static bool unsure(const struct ctx *c, const struct sg_rule *r,
                   const struct subject *s)
{
    enum sg_op op = catalog_op(&r->when);
    if (op == SG_OP_ABSENT || !c->ps->catalog || !s->key)
        return false;
    const struct catmemo *e = memo_of(c, s->key);
    return !e->glob && !own_evidence(c, e, op, s->value);
}

static bool compare(enum sg_op op, long long a, long long b)
{
    switch (op) {
    case SG_OP_EQ:
        return a == b;
    case SG_OP_NE:
        return a != b;
    case SG_OP_LT:
        return a < b;
    case SG_OP_LE:
        return a <= b;
    case SG_OP_GT:
        return a > b;
    case SG_OP_GE:
        return a >= b;
    default:
        return false;
    }
}

static bool in_list(const char *list, const char *value, long long num,
                    bool numeric)
{
    char *copy = strdup(list ? list : "");
    bool found = false;
    for (char *save = NULL, *t = copy ? strtok_r(copy, " \t", &save) : NULL;
         t && !found; t = strtok_r(NULL, " \t", &save)) {
        long long x;
        found =
            numeric && sg_leading_ll(t, &x) ? x == num : strcmp(t, value) == 0;
    }
    free(copy);
    return found;
}

static bool check(const struct ctx *c, const struct subject *s,
                  const struct sg_check *k)
{
    const char *key = k->key ? k->key : s->key;
    bool configured = s->configured;
    const char *value = s->value;

    if (k->key && (!s->key || strcmp(k->key, s->key) != 0))
        value = value_of(c, key, &configured);
    switch (k->op) {
    case SG_OP_ABSENT:
        return !configured;
    case SG_OP_PRESENT:
        return configured;
    case SG_OP_NOT_IN_KERNEL:
        return not_in_kernel(c, key);
    case SG_OP_UNKNOWN_KEY:
        return cat_unknown_key(c, key);
    case SG_OP_MISSING_KEY:
        /* a source's subject lives on eval_sourced's stack: the notice the
         * unjudged keys make later must not keep it */
        return cat_missing_key(c, key, key == s->key && !s->src ? s->at : NULL);
    case SG_OP_REJECTED: {
        char why[160];
        return cat_rejection(c, key, value, why, sizeof(why)) != NULL;
    }
    case SG_OP_NO_EFFECT:
        return cat_no_effect(c, key) != NULL;
    case SG_OP_MODULE_NOT_LOADED:
        return cat_module_not_loaded(c, key);
    case SG_OP_SET_AGAIN:
        return key == s->key && !s->src && set_again(c, s->at) != NULL;
    case SG_OP_SYSTEMD_SHIPS:
        return c->m->semantics == SG_SEM_SYSTEMD && k->value &&
               ships(c->m, k->value);
    case SG_OP_OVERRIDDEN_BY_FILE:
        return key == s->key && s->src && sg_relate_file_over(c->m, s->src);
    case SG_OP_NOT_APPLIED:
        return key == s->key && s->src && !s->src->unprefixed &&
               s->src->applied == 0;
    case SG_OP_UNPREFIXED:
        return key == s->key && s->src && s->src->unprefixed;
    case SG_OP_BOOT_DEFAULT:
        return key == s->key && !s->src && cat_boot_default(c, s->at);
    case SG_OP_UNKNOWN_NAME: {
        const struct sg_relrow *row;
        return cat_unknown_name(c, key, value, &row);
    }
    case SG_OP_OVERRULED: {
        struct sg_overrule o;
        struct sg_relctx x = relctx(c);
        bool yes =
            key == s->key && !s->src && sg_relate_overruled(&x, s->at, &o);
        free(o.over_key);
        return yes;
    }
    case SG_OP_EXTRA_FIELDS: {
        unsigned holds;
        return cat_extra_fields(c, key, value, &holds);
    }
    case SG_OP_ALL_IGNORED: {
        const struct sg_relrow *row;
        struct sg_relctx x = relctx(c);
        return key == s->key && !s->src &&
               sg_relate_all_ignored(&x, s->at, &row);
    }
    case SG_OP_FIELD_OVER: {
        const struct sg_relrow *row;
        long long v;
        return cat_field_over(c, key, value, &row, &v);
    }
    case SG_OP_NAMES_MODULE: {
        /* the operator's lines: a package's (systemd's fq_codel) is the
         * distribution's word on its own kernel */
        const struct sg_relrow *row;
        const char *mod;
        return key == s->key && !s->src && s->at &&
               sg_operator_owns(s->at->file) &&
               (mod = cat_names_module(c, key, value, &row)) != NULL &&
               cat_module_installed(c, mod) != 0;
    }
    case SG_OP_MODULE_MISSING: {
        const struct sg_relrow *row;
        const char *mod = cat_names_module(c, key, value, &row);
        return mod && cat_module_installed(c, mod) == 0;
    }
    case SG_OP_DRIFT: {
        const struct sg_setting *st = sg_model_get(c->m, key);
        return key == s->key && !s->src && st && st->winner == s->at &&
               st->live == SG_LIVE_DRIFT;
    }
    case SG_OP_MODULE_KEY:
        return key == s->key && s->src && !s->src->unprefixed &&
               cat_module(c, key) != NULL;
    case SG_OP_RESET_BY_OTHER: {
        const struct sg_assignment *by;
        const struct sg_relrow *row;
        struct sg_relctx x = relctx(c);
        return key == s->key && !s->src && cat_related(c, key) &&
               sg_relate_reset(&x, s->at, &by, &row);
    }
    case SG_OP_HALVED: {
        struct sg_clamp cl;
        struct sg_relctx x = relctx(c);
        return key == s->key && !s->src && cat_related(c, key) &&
               sg_relate_clamped(&x, s->at, &cl);
    }
    case SG_OP_MATCHES:
        /* Bounded: the pattern by policy_regex.h, the value by procps's
         * 4096 bytes (a longer one is no value any tool writes). */
        return value && k->has_re && strlen(value) <= SG_MAX_MATCHED_VALUE &&
               regexec(&k->re, value, 0, NULL, 0) == 0;
    default:
        break;
    }
    if (!value)
        return false;
    long long a;
    bool numeric = part_of(value, k->of, k->field, &a);
    if (k->op == SG_OP_IN || k->op == SG_OP_NOT_IN)
        return in_list(k->value, value, a, numeric) == (k->op == SG_OP_IN);
    const char *other = NULL;
    long long b;
    bool ok = false, dummy;
    switch (k->than) {
    case SG_THAN_LITERAL:
        other = k->value;
        break;
    case SG_THAN_DEFAULT:
        other = sg_policies_default(c->ps, key, &c->m->kernel);
        break;
    case SG_THAN_LIVE:
        other = live_of(c, key);
        break;
    case SG_THAN_KEY:
        other = value_of(c, k->than_key, &dummy);
        break;
    case SG_THAN_FIELD:
        ok = numeric && part_of(value, SG_OF_FIELD, k->than_field, &b);
        return ok && compare(k->op, a, b);
    }
    if (!other)
        return false;
    if (numeric && sg_leading_ll(other, &b))
        return compare(k->op, a, b);
    /* Not numbers: only equality means something. */
    if (k->op == SG_OP_EQ)
        return strcmp(value, other) == 0;
    if (k->op == SG_OP_NE)
        return strcmp(value, other) != 0;
    return false;
}

static bool holds(const struct ctx *c, const struct subject *s,
                  const struct sg_cond *cond)
{
    switch (cond->kind) {
    case SG_COND_CHECK:
        return check(c, s, &cond->check);
    case SG_COND_NOT:
        return cond->n_kids == 0 || !holds(c, s, &cond->kids[0]);
    case SG_COND_ANY:
        for (size_t i = 0; i < cond->n_kids; i++)
            if (holds(c, s, &cond->kids[i]))
                return true;
        return false;
    case SG_COND_ALL:
        break;
    }
    for (size_t i = 0; i < cond->n_kids; i++)
        if (!holds(c, s, &cond->kids[i]))
            return false;
    return true;
}

/* ---- findings ---- */

/* The value with an inline "comment" cut off: what the operator meant. */
static char *uncommented(const char *v)
{
    const char *p = v;
    size_t n = strlen(v);
    for (; *p; p++)
        if ((*p == '#' || *p == ';') && p > v && strchr(" \t", p[-1])) {
            n = (size_t)(p - v);
            break;
        }
    while (n > 0 && strchr(" \t", v[n - 1]))
        n--;
    return strndup(v, n);
}

/* "Debian 6.1.192": catalogued version I and whose build it is. */
static const char *version_name(const struct sg_catalog *cat, int i, char *buf,
                                size_t len)
{
    snprintf(buf, len, "%s %s", sg_kbuild_name(cat->builds[i]),
             cat->versions[i].release);
    return buf;
}

/* {source}: what decided, and only that: the running kernel, the
 * history's commit, or the one catalogued tree (and its file:line) that
 * speaks for the target's series, or the two around it. */
static char *source_text(const struct ctx *c, const struct subject *s)
{
    const struct sg_catalog *cat = c->ps->catalog;
    const struct catmemo *e = memo_of(c, s->key);
    char a[64], b[64];
    if (e->live == SG_LIVE_MISSING)
        return strdup("the running kernel (/proc/sys)");
    if (e->in.state == SG_KS_ABSENT && e->in.removed)
        return sg_strdup_printf(
            "the catalog's history: Linux %u.%u removed it, commit %.12s",
            e->in.removed->version.major, e->in.removed->version.minor,
            e->in.removed->commit);
    if (e->in.state == SG_KS_PRESENT && e->in.row && e->in.at >= 0)
        return sg_strdup_printf("the catalog's %s row (%s)",
                                version_name(cat, e->in.at, a, sizeof(a)),
                                e->in.row->source);
    if (e->in.state == SG_KS_PRESENT && e->in.row && e->in.older >= 0 &&
        e->in.newer >= 0)
        return sg_strdup_printf(
            "the catalog's %s and %s rows, which agree (%s)",
            version_name(cat, e->in.older, a, sizeof(a)),
            version_name(cat, e->in.newer, b, sizeof(b)), e->in.row->source);
    if (e->in.state == SG_KS_PRESENT && e->in.row && e->in.older >= 0)
        return sg_strdup_printf("the catalog's %s row, the newest (%s)",
                                version_name(cat, e->in.older, a, sizeof(a)),
                                e->in.row->source);
    if (e->in.at >= 0)
        return sg_strdup_printf("the catalog's %s tree, which has no such key",
                                version_name(cat, e->in.at, a, sizeof(a)));
    if (e->in.older >= 0 && e->in.newer >= 0) {
        bool o = sg_catalog_row_at(cat, e->key, e->in.older) != NULL;
        bool n = sg_catalog_row_at(cat, e->key, e->in.newer) != NULL;
        if (!o && !n)
            return sg_strdup_printf(
                "the catalog's %s and %s trees, neither of which has it",
                version_name(cat, e->in.older, a, sizeof(a)),
                version_name(cat, e->in.newer, b, sizeof(b)));
        return sg_strdup_printf("the catalog's %s tree %s it, its %s tree %s",
                                version_name(cat, e->in.older, a, sizeof(a)),
                                o ? "has" : "lacks",
                                version_name(cat, e->in.newer, b, sizeof(b)),
                                n ? "has it" : "does not");
    }
    int i = e->in.older >= 0 ? e->in.older : e->in.newer;
    return i >= 0 ? sg_strdup_printf("the catalog's %s tree",
                                     version_name(cat, i, a, sizeof(a)))
                  : strdup("the key catalog");
}

/* {evidence}: nothing when the facts are the target build's own, else
 * why the finding is only a warning and what settles it. */
static char *evidence_text(const struct ctx *c, const struct sg_rule *r,
                           const struct subject *s)
{
    if (!unsure(c, r, s))
        return strdup("");
    const struct sg_kver *k = &c->m->kernel;
    const struct sg_catalog *cat = c->ps->catalog;
    const struct catmemo *e = memo_of(c, s->key);
    if (catalog_op(&r->when) == SG_OP_REJECTED &&
        !bound_predates(c, e, s->value)) {
        char a[64], b[64];
        if (e->in.older < 0 || e->in.at < 0)
            return strdup(" No older catalogued kernel shows whether every "
                          "build of this series has that bound, so this is "
                          "a warning, not an error; `sysctl-guard check "
                          "--live` on the host settles it.");
        const struct sg_catrow *old =
            sg_catalog_row_at(cat, e->key, e->in.older);
        if (old && (old->unk_min || old->unk_max))
            return sg_strdup_printf(
                " The catalog's %s has a bound here it could not read (a "
                "config option its tree does not say, a value the kernel "
                "sets at boot, or an expression of the build), so whether "
                "every %u.%u build refuses the value is "
                "not known: this is a warning, not an error; `sysctl-guard "
                "check --live` on the host settles it.",
                version_name(cat, e->in.older, a, sizeof(a)), k->major,
                k->minor);
        return sg_strdup_printf(
            " The catalog's %s accepts the value: the bound came between it "
            "and %s, perhaps through a stable update that not every %u.%u "
            "build has, so this is a warning, not an error; `sysctl-guard "
            "check --live` on the host settles it.",
            version_name(cat, e->in.older, a, sizeof(a)),
            version_name(cat, e->in.at, b, sizeof(b)), k->major, k->minor);
    }
    enum sg_kbuild b = sg_kver_build(k);
    char what[48];
    if (b == SG_KB_OTHER)
        snprintf(what, sizeof(what), "this build's %u.%u", k->major, k->minor);
    else
        snprintf(what, sizeof(what), "%s's %u.%u", sg_kbuild_name(b), k->major,
                 k->minor);
    return sg_strdup_printf(
        " The catalog has no rows read from %s source: that is what "
        "another build says, and a distribution's kernel carries its own "
        "patches and backports, so this is a warning, not an error; "
        "`sysctl-guard check --live` on the host settles it.",
        what);
}

/* The catalog placeholders made anew for each finding: {rejection} (why
 * the handler rejects the value), {no-effect} (since when, and the
 * commit), {evidence}, {verdict}, {source} (what said so: the running
 * kernel or the catalog). */
static char *catalog_made(const struct ctx *c, const struct sg_rule *r,
                          const struct subject *s, const char *name, size_t len,
                          char *buf, size_t buflen)
{
    const char *key = s->key;
    if (len == 9 && strncmp(name, "rejection", 9) == 0) {
        const char *why = cat_rejection(c, key, s->value, buf, buflen);
        return strdup(why ? why : "");
    }
    if (len == 9 && strncmp(name, "no-effect", 9) == 0) {
        const struct sg_hist *h = cat_no_effect(c, key);
        return h ? sg_strdup_printf("since Linux %u.%u, commit %.12s \"%s\"",
                                    h->version.major, h->version.minor,
                                    h->commit, h->what)
                 : strdup("");
    }
    if (len == 8 && strncmp(name, "evidence", 8) == 0)
        return evidence_text(c, r, s);
    if (len == 7 && strncmp(name, "verdict", 7) == 0) {
        /* what the finding claims of the target's kernel, as firmly as
         * the evidence allows */
        bool sure = !unsure(c, r, s);
        bool rej = catalog_op(&r->when) == SG_OP_REJECTED;
        return sg_strdup_printf(
            "kernel %s %s", c->m->kernel.release,
            rej ? (sure ? "refuses" : "may refuse")
                : (sure ? "does not have" : "may not have"));
    }
    return source_text(c, s);
}

/* {history} and {suggestion} are the same for every line of a key: made
 * once, kept in its memo and lent (NULL: out of memory). */
static const char *cat_history(const struct ctx *c, const char *key)
{
    struct catmemo *e = memo_of(c, key);
    if (!e->history)
        e->history = sg_catalog_history(c->ps->catalog, key, &c->m->kernel);
    return e->history;
}

static const char *cat_suggestion(const struct ctx *c, const char *key)
{
    struct catmemo *e = memo_of(c, key);
    if (!e->suggested) {
        const char *from = sg_catalog_patch_set(key);
        char *k = from ? NULL : sg_catalog_suggest(c->ps->catalog, key);
        e->suggestion =
            from ? sg_strdup_printf(" The key comes from %s, which no "
                                    "catalogued kernel carries.",
                                    from)
            : k  ? sg_strdup_printf(" Did you mean %s?", k)
                 : strdup("");
        e->suggested = e->suggestion != NULL;
        free(k);
    }
    return e->suggestion;
}

/* A catalog placeholder's text: {history} (when the key came and went)
 * and {suggestion} (" Did you mean K?" or nothing) lent from the key's
 * memo; the others made and put in *OWN for the caller to free. NULL: out
 * of memory. */
static const char *catalog_text(const struct ctx *c, const struct sg_rule *r,
                                const struct subject *s, const char *name,
                                size_t len, char **own)
{
    const struct sg_catalog *cat = c->ps->catalog;
    const char *key = s->key;
    char buf[200];
    if (!cat || !key)
        return "";
    if (len == 7 && strncmp(name, "history", 7) == 0)
        return cat_history(c, key);
    if (len == 10 && strncmp(name, "suggestion", 10) == 0)
        return cat_suggestion(c, key);
    *own = catalog_made(c, r, s, name, len, buf, sizeof(buf));
    return *own;
}

/* The relation check a rule's condition makes (the first), or
 * SG_OP_ABSENT. */
static enum sg_op relation_op(const struct sg_cond *cond)
{
    /* every op relation_text() words */
    static const enum sg_op ops[] = {
        SG_OP_SET_AGAIN,    SG_OP_RESET_BY_OTHER,
        SG_OP_HALVED,       SG_OP_OVERRIDDEN_BY_FILE,
        SG_OP_EXTRA_FIELDS, SG_OP_BOOT_DEFAULT,
        SG_OP_UNKNOWN_NAME, SG_OP_OVERRULED,
        SG_OP_ALL_IGNORED,  SG_OP_FIELD_OVER,
        SG_OP_NAMES_MODULE, SG_OP_MODULE_MISSING,
        SG_OP_ABSENT};
    return first_op(cond, ops);
}

/* Where a relation comes from: "mm/page-writeback.c:562 in the catalog's
 * 6.1 source". */
static char *relation_source(const struct ctx *c, const struct sg_relrow *row)
{
    const struct sg_catalog *cat = c->ps->catalog;
    return sg_strdup_printf("%s in the catalog's %.*s source", row->source,
                            (int)cat->series_len[row->version],
                            cat->series[row->version]);
}

/* "the key holds 1 number: the kernel takes 1 and ignores 2 3", from
 * VALUE's fields. */
static char *extra_text(const char *value, unsigned holds)
{
    const char *p = value;
    for (unsigned i = 0; i < holds; i++) {
        p += strspn(p, " \t");
        p += strcspn(p, " \t");
    }
    const char *rest = p + strspn(p, " \t");
    return sg_strdup_printf("the key holds %u number%s: the kernel takes "
                            "%.*s and ignores %s",
                            holds, holds == 1 ? "" : "s",
                            (int)(p - value - strspn(value, " \t")),
                            value + strspn(value, " \t"), rest);
}

/* "FILE:LINE", or what the kernel starts with when no line sets it. */
static void where_set(const struct sg_assignment *a, char *buf, size_t len)
{
    if (a)
        snprintf(buf, len, "%s:%u", a->file, a->line);
    else
        snprintf(buf, len, "the kernel's initial value");
}

/* What the lines together make of S's line, for {relation}, per rule R's
 * relation check: the later line that sets its key again; the later write
 * that zeroes it; the threshold the kernel halves. */
static char *relation_text(const struct ctx *c, const struct sg_rule *r,
                           const struct subject *s)
{
    struct sg_relctx x = relctx(c);
    const struct sg_assignment *by;
    const struct sg_relrow *row;
    struct sg_clamp cl;
    char *src = NULL, *t = NULL;

    unsigned holds;
    switch (relation_op(&r->when)) {
    case SG_OP_OVERRULED: {
        struct sg_overrule o;
        char at[PATH_MAX + 32], fwd[200] = "";
        if (!sg_relate_overruled(&x, s->at, &o) ||
            !(src = relation_source(c, o.row))) {
            free(o.over_key);
            return NULL;
        }
        where_set(o.over_at, at, sizeof(at));
        if (o.fwd_key)
            snprintf(fwd, sizeof(fwd), "on a host that %s (%s = %lld), ",
                     o.fwd ? "forwards" : "does not forward", o.fwd_key, o.fwd);
        t = sg_strdup_printf(
            "%sthe kernel takes %s (%s), and %s = %lld (%s) %s", fwd,
            strcmp(o.how, "max") == 0
                ? "the larger of each interface's own value and all's"
            : strcmp(o.how, "and") == 0 ? "each interface's own value AND all's"
                                        : "each interface's own value OR all's",
            src, o.over_key, o.over, at,
            strncmp(o.over_key, "net.ipv4.conf.default.", 22) == 0
                ? "is what new interfaces take"
            : o.over_at && o.over_at->glob
                ? "is the own value it gives each interface there when the "
                  "files are applied"
                : "is that interface's own");
        free(o.over_key);
        break;
    }
    case SG_OP_ALL_IGNORED:
        if (!sg_relate_all_ignored(&x, s->at, &row) ||
            !(src = relation_source(c, row)))
            return NULL;
        const char *name = s->key + sizeof("net.ipv6.conf.all.") - 1;
        t = sg_strdup_printf("on kernel %s no interface reads all's %s: the "
                             "kernel looks only at each interface's own "
                             "value, and a write to all is not copied to "
                             "them (%s); no line sets "
                             "net.ipv6.conf.default.%s, an interface's, or "
                             "a glob such as net.ipv6.conf.*.%s",
                             c->m->kernel.release, name, src, name, name);
        break;
    case SG_OP_FIELD_OVER: {
        long long v;
        const struct sg_relrow *ext[1];
        if (!cat_field_over(c, s->key, s->value, &row, &v) ||
            !(src = relation_source(c, row)))
            return NULL;
        char more[200] = "";
        if (row->refuses &&
            sg_relations_find_in(c->ps->catalog, &c->win, SG_REL_FIELD_MAX_EXT,
                                 s->key, row->other, ext, 1))
            snprintf(more, sizeof(more),
                     "; a kernel booted with ipcmni_extend takes up to %lld "
                     "(%s)",
                     ext[0]->value, ext[0]->source);
        t = row->refuses
                ? sg_strdup_printf(
                      "field %s is %lld, and kernel %s refuses it above %lld "
                      "(%s): the write fails with ERANGE, which sysctl and "
                      "systemd-sysctl report, and the field keeps its old "
                      "value%s",
                      row->other, v, c->m->kernel.release, row->value, src,
                      more)
                : sg_strdup_printf(
                      "field %s is %lld, and kernel %s takes it but never "
                      "allocates more than %lld (%s)",
                      row->other, v, c->m->kernel.release, row->value, src);
        break;
    }
    case SG_OP_MODULE_MISSING: {
        const char *mod = cat_names_module(c, s->key, s->value, &row);
        if (!mod || !(src = relation_source(c, row)))
            return NULL;
        t = sg_strdup_printf("kernel %s has %s as the module %s (%s), and "
                             "this tree's /lib/modules/%s/modules.dep lists "
                             "no %s: the module is not installed",
                             c->m->kernel.release, s->value, mod, src,
                             c->m->kernel.release, mod);
        break;
    }
    case SG_OP_NAMES_MODULE: {
        const char *mod = cat_names_module(c, s->key, s->value, &row);
        if (!mod || !(src = relation_source(c, row)))
            return NULL;
        t = sg_strdup_printf(
            "kernel %s has %s as the module %s (%s)%s", c->m->kernel.release,
            s->value, mod, src,
            c->m->modload.scanned && sg_modload_loads(&c->m->modload, mod)
                ? ", and modules-load.d loads it before systemd-sysctl runs"
                : "");
        break;
    }
    case SG_OP_UNKNOWN_NAME:
        if (!cat_unknown_name(c, s->key, s->value, &row))
            return NULL;
        if (!row)
            return sg_strdup_printf("no source the catalog has around kernel "
                                    "%s defines that name for %s",
                                    c->m->kernel.release, s->key);
        if (!(src = relation_source(c, row)))
            return NULL;
        t = sg_strdup_printf("the source defines it (%s) and the build's "
                             "config leaves it out",
                             src);
        break;
    case SG_OP_BOOT_DEFAULT: {
        const char *dflt = cat_boot_default(c, s->at);
        return dflt ? sg_strdup_printf("kernel %s boots with %s = %s, as "
                                       "Debian's %d.%d kernels do without a "
                                       "sysctl.d file",
                                       c->m->kernel.release, s->key, dflt,
                                       (int)c->m->kernel.major,
                                       (int)c->m->kernel.minor)
                    : NULL;
    }
    case SG_OP_EXTRA_FIELDS:
        if (!cat_extra_fields(c, s->key, s->value, &holds))
            return NULL;
        return extra_text(s->value, holds);
    case SG_OP_OVERRIDDEN_BY_FILE:
        by = s->src ? sg_relate_file_over(c->m, s->src) : NULL;
        if (!by)
            return NULL;
        return by->glob
                   ? sg_strdup_printf("%s:%u sets it to %s after it, "
                                      "through the glob %s",
                                      by->file, by->line, by->value, by->key)
                   : sg_strdup_printf("%s:%u sets it to %s after it", by->file,
                                      by->line, by->value);
    case SG_OP_SET_AGAIN:
        by = set_again(c, s->at);
        return by ? sg_strdup_printf("line %u of this file sets it again, "
                                     "to %s",
                                     by->line, by->value)
                  : NULL;
    case SG_OP_RESET_BY_OTHER:
        if (!sg_relate_reset(&x, s->at, &by, &row) ||
            !(src = relation_source(c, row)))
            return NULL;
        t = sg_strdup_printf(
            "%s = %s is written after it (%s:%u), and the kernel sets %s to "
            "0 when %s is written%s (%s)",
            by->key, by->value, by->file, by->line, row->other, row->key,
            row->on_change ? " with a new value" : "", src);
        break;
    case SG_OP_HALVED:
        if (!sg_relate_clamped(&x, s->at, &cl) ||
            !(src = relation_source(c, cl.row)))
            return NULL;
        char bg[PATH_MAX + 32], fg[PATH_MAX + 32];
        where_set(cl.bg_at, bg, sizeof(bg));
        where_set(cl.fg_at, fg, sizeof(fg));
        t = sg_strdup_printf(
            "%s ends at %lld (%s) and %s at %lld (%s): when the background "
            "threshold is at or above the other, the kernel uses half of "
            "the other instead (%s)",
            cl.row->key, cl.bg, bg, cl.row->other, cl.fg, fg, src);
        break;
    default:
        return NULL;
    }
    free(src);
    return t;
}

/* Who wrote the running value of S's key: the last writer whose
 * configuration in the tree sets the key to what the kernel holds
 * (model.h writers, compared as the handler reads), else the key's module
 * when nothing loads it before systemd-sysctl (loaded later, the key
 * started at the module's own value), else nobody known (both NULL). */
static const struct sg_write *who_wrote(const struct ctx *c,
                                        const struct subject *s,
                                        const char **late_module)
{
    const struct sg_setting *st = s->key ? sg_model_get(c->m, s->key) : NULL;
    const struct sg_write *by =
        st ? sg_writers_find(&c->m->writers, c->ps->catalog, &c->m->kernel,
                             s->key, st->live_value)
           : NULL;
    *late_module =
        !by && c->ps->catalog && s->key && cat_module_not_loaded(c, s->key)
            ? cat_module(c, s->key)
            : NULL;
    return by;
}

/* who_wrote as the finding's data (finding.h), or NULL without memory. */
static struct sg_finding_writer *writer_of(const struct ctx *c,
                                           const struct subject *s)
{
    const char *mod;
    const struct sg_write *by = who_wrote(c, s, &mod);
    struct sg_finding_writer *w = calloc(1, sizeof(*w));
    if (!w)
        return NULL;
    bool ok = true;
    if (by) {
        w->name = strdup(by->writer);
        w->value = strdup(by->value);
        w->file = strdup(by->file);
        w->line = by->line;
        ok = w->name && w->value && w->file;
    } else {
        /* what the kernel holds is what the unnamed writer wrote */
        const struct sg_setting *st = sg_model_get(c->m, s->key);
        w->value = st && st->live_value ? strdup(st->live_value) : NULL;
        ok = !(st && st->live_value) || w->value;
    }
    if (ok && mod) {
        w->name = sg_strdup_printf("module %s", mod);
        w->module = strdup(mod);
        ok = w->name && w->module;
    }
    if (!ok) {
        free(w->name);
        free(w->value);
        free(w->file);
        free(w->module);
        free(w);
        return NULL;
    }
    return w;
}

/* who_wrote for {writer}: a sentence. */
static char *writer_text(const struct ctx *c, const struct subject *s)
{
    const char *mod;
    const struct sg_write *by = who_wrote(c, s, &mod);
    if (mod)
        return sg_strdup_printf(
            "the module %s provides it and nothing loads %s before "
            "systemd-sysctl (modules-load.d, the kernel command line), so "
            "it was loaded later and the key started at the module's own "
            "value; the files' line was never written. List %s in "
            "/etc/modules-load.d",
            mod, mod, mod);
    if (!by)
        return strdup("written after boot by something this tool does not "
                      "know (no writer's configuration in the tree sets "
                      "that value), or the files changed since they were "
                      "applied; `sysctl --system` applies them again");
    char at[2 * PATH_MAX + 16];
    if (by->line)
        snprintf(at, sizeof(at), "%s:%u", by->file, by->line);
    else
        snprintf(at, sizeof(at), "%s", by->file);
    if (strcmp(by->writer, SG_WRITER_INITRAMFS) == 0)
        return sg_strdup_printf(
            "the value of the stale copy the initramfs image carries (%s): "
            "early boot applied it, and the files changed after the boot "
            "applied them; `sysctl --system` applies them now, and building "
            "the image again makes the next boot agree",
            at);
    return sg_strdup_printf("%s sets it to %s%s (%s). Set the value there, "
                            "or make the files agree with it",
                            by->writer, by->value,
                            by->line ? "" : " when it starts", at);
}

/* The text for placeholder PH (named NAME, LEN bytes): never NULL. NUM is
 * scratch space; *OWN is set when the text was allocated for the caller. */
static const char *placeholder(const struct ctx *c, const struct sg_rule *r,
                               const struct subject *s, enum sg_ph ph,
                               const char *name, size_t len, char num[32],
                               char **own)
{
    const char *rep = NULL;
    switch (ph) {
    case SG_PH_KEY:
        rep = s->key ? s->key : "";
        break;
    case SG_PH_VALUE:
        rep = s->value ? s->value : "(not set)";
        break;
    case SG_PH_KERNEL:
        rep = c->m->kernel.release;
        break;
    case SG_PH_RULE:
        rep = r->id;
        break;
    case SG_PH_DIAGNOSTIC:
        rep = s->diag_message ? s->diag_message : "";
        break;
    case SG_PH_FILE:
        rep = s->at          ? s->at->file
              : s->diag_file ? s->diag_file
                             : "(not configured)";
        break;
    case SG_PH_LINE:
        snprintf(num, 32, "%u", s->at ? s->at->line : s->diag_line);
        rep = num;
        break;
    case SG_PH_DEFAULT:
        rep = s->key ? sg_policies_default(c->ps, s->key, &c->m->kernel) : NULL;
        break;
    case SG_PH_UNCOMMENTED:
        rep = *own = s->value ? uncommented(s->value) : NULL;
        break;
    case SG_PH_MODULE:
        rep = s->key ? cat_module(c, s->key) : NULL;
        break;
    case SG_PH_RELATION:
        rep = *own = relation_text(c, r, s);
        break;
    case SG_PH_WRITER:
        rep = *own = writer_text(c, s);
        break;
    case SG_PH_LIVE: {
        const struct sg_setting *st = s->key ? setting_of(c, s->key) : NULL;
        rep = st && st->live_value ? st->live_value : NULL;
        break;
    }
    case SG_PH_CATALOG:
        rep = catalog_text(c, r, s, name, len, own);
        break;
    case SG_PH_FIELD: {
        long long f;
        if (part_of(s->value, SG_OF_FIELD, name[5] - '0', &f)) {
            snprintf(num, 32, "%lld", f);
            rep = num;
        }
        break;
    }
    case SG_PH_TEXT:
    case SG_PH_UNKNOWN:
        break;
    }
    return rep ? rep : "(unknown)";
}

/* A template cut into its text and its placeholders, once a rule. */
struct seg {
    enum sg_ph ph;
    const char *p; /* the text, or the placeholder's name */
    size_t len;
};

struct segs {
    struct seg *v;
    size_t n, cap;
    size_t bytes; /* the template's length */
    bool writer;  /* it says "{writer}" */
    bool valid;   /* its text is UTF-8 (a policy's XML is, once read) */
};

/* TMPL's segments into OUT, as sg_template_cut cuts it: 0 or -ENOMEM. A
 * "{name}" whose name no placeholder has stands for "(unknown)". */
static int segs_of(const char *tmpl, struct segs *out)
{
    size_t tlen = strlen(tmpl);
    const char *end = tmpl + tlen;
    *out = (struct segs){.bytes = tlen,
                         .writer = strstr(tmpl, "{writer}") != NULL,
                         .valid = sg_utf8_valid_len(tmpl, tlen)};
    for (const char *p = tmpl; p < end;) {
        bool ph;
        struct seg g;
        p = sg_template_cut(p, end, &ph, &g.p, &g.len);
        g.ph = ph ? sg_placeholder_of(g.p, g.len) : SG_PH_TEXT;
        if (SG_PUSH(*out, g) < 0) {
            free(out->v);
            *out = (struct segs){0};
            return -ENOMEM;
        }
    }
    return 0;
}

/* The segments of TMPL, R's message (kept for the run in C's table), or
 * made for this once (*TMP, for the caller to free). NULL: no memory. */
static const struct segs *segs_for(const struct ctx *c, const struct sg_rule *r,
                                   const char *tmpl, struct segs *tmp)
{
    size_t i = (size_t)(r - c->ps->rules);
    if (tmpl == r->message && c->segs && i < c->ps->n_rules) {
        if (!c->segs[i].v && c->segs[i].bytes == 0 && *tmpl &&
            segs_of(tmpl, &c->segs[i]) < 0)
            return NULL;
        return &c->segs[i];
    }
    return segs_of(tmpl, tmp) < 0 ? NULL : tmp;
}

/* Whether R's message says "{writer}" (from its segments once cut). */
static bool names_writer(const struct ctx *c, const struct sg_rule *r)
{
    size_t i = (size_t)(r - c->ps->rules);
    if (c->segs && i < c->ps->n_rules && c->segs[i].v)
        return c->segs[i].writer;
    return r->message && strstr(r->message, "{writer}") != NULL;
}

/* TMPL with its placeholders filled in, into SB (sized for the template
 * and the usual fills at once; kept from one text to the next by the
 * caller). 0 or -ENOMEM. */
static int render_into(const struct ctx *c, const struct sg_rule *r,
                       const struct subject *s, const char *tmpl,
                       struct sg_buf *sb)
{
    struct segs tmp = {0};
    const struct segs *g = segs_for(c, r, tmpl ? tmpl : "", &tmp);
    if (!g)
        return -ENOMEM;
    struct sg_buf b = *sb;
    char num[32];
    int rc = 0;
    b.n = 0;
    if (b.cap < g->bytes + 256) {
        char *v = realloc(b.v, g->bytes + 256);
        if (v) {
            b.v = v;
            b.cap = g->bytes + 256;
        } else
            rc = -ENOMEM;
    }
    if (rc == 0)
        b.v[0] = '\0';
    for (size_t i = 0; i < g->n && rc == 0; i++) {
        const struct seg *e = &g->v[i];
        char *own = NULL;
        if (e->ph == SG_PH_TEXT)
            rc = sg_buf_add(&b, e->p, e->len);
        else {
            const char *rep =
                placeholder(c, r, s, e->ph, e->p, e->len, num, &own);
            rc = sg_buf_add(&b, rep, strlen(rep));
        }
        free(own);
    }
    free(tmp.v);
    *sb = b;
    return rc;
}

/* The fills of R's message's placeholders for S, into PARTS as a finding
 * with S's key and value and FILE keeps them (sg_finding_part); *KEPT false,
 * PARTS unfinished, if the template or a fill is not valid UTF-8 (the
 * message is made whole then, and repaired). Text that is valid UTF-8 in
 * each piece is in the whole: no message is put together here. 0 or
 * -ENOMEM. */
static int render_parts(const struct ctx *c, const struct sg_rule *r,
                        const struct subject *s, struct sg_buf *parts,
                        const char *file, bool *kept)
{
    struct segs tmp = {0};
    const struct segs *g = segs_for(c, r, r->message, &tmp);
    if (!g)
        return -ENOMEM;
    char num[32];
    int rc = 0;
    parts->n = 0;
    *kept = g->valid;
    for (size_t i = 0; i < g->n && rc == 0 && *kept; i++) {
        const struct seg *e = &g->v[i];
        if (e->ph == SG_PH_TEXT)
            continue;
        char *own = NULL;
        const char *rep = placeholder(c, r, s, e->ph, e->p, e->len, num, &own);
        size_t n = strlen(rep);
        *kept = sg_utf8_valid_len(rep, n);
        if (*kept)
            rc = sg_finding_part(parts, rep, n, s->key, s->value, file);
        free(own);
    }
    if (rc == 0 && *kept) /* the end */
        rc = sg_buf_add(parts, "", 1);
    free(tmp.v);
    return rc;
}

/* render_into C's scratch buffer (sg_evaluate's, for the whole run), then
 * a new string of it; its length in *LEN. NULL: no memory. */
static char *render(const struct ctx *c, const struct sg_rule *r,
                    const struct subject *s, const char *tmpl, size_t *len)
{
    struct sg_buf *sb = c->scratch;
    char *out = render_into(c, r, s, tmpl, sb) == 0 ? malloc(sb->n + 1) : NULL;
    if (out) {
        memcpy(out, sb->v, sb->n + 1);
        if (len)
            *len = sb->n;
    }
    return out;
}

/* Whether a file the operator does not own sets KEY with a value, as the
 * winner or under it. */
static bool package_sets(const struct sg_model *m, const char *key)
{
    const struct sg_setting *st = sg_model_get(m, key);
    for (size_t i = 0; st && i <= st->n_overridden; i++) {
        const struct sg_assignment *a =
            i < st->n_overridden ? st->overridden[i] : st->winner;
        if (a->value && !sg_operator_owns(a->file))
            return true;
    }
    return false;
}

/* The operator's own value of S's key where a package's wins over it: the
 * last line of a file the operator owns that sets it, when that value
 * would satisfy rule R (R does not hold for it). A fix in the drop-in
 * then makes the operator's value win, not the policy's. NULL if none. */
static const char *operator_value(const struct ctx *c, const struct sg_rule *r,
                                  const struct subject *s)
{
    const struct sg_setting *st = s->key ? sg_model_get(c->m, s->key) : NULL;
    const struct sg_assignment *mine = NULL;
    if (!st || !st->winner || sg_operator_owns(st->winner->file))
        return NULL;
    for (size_t i = 0; i < st->n_overridden; i++) {
        const struct sg_assignment *a = st->overridden[i];
        if (a->value && !a->glob && sg_operator_owns(a->file))
            mine = a;
    }
    if (!mine || strchr(mine->value, '#')) /* an inline "comment": unclear */
        return NULL;
    struct subject t = {
        .key = s->key, .value = mine->value, .configured = true, .at = mine};
    return holds(c, &t, &r->when) ? NULL : mine->value;
}

static int add_finding(const struct ctx *c, const struct sg_rule *r,
                       const struct subject *s)
{
    struct sg_finding f = {.rule = r, .severity = r->severity};
    /* no source is editable (source.h): a finding on one has no fix */
    enum sg_fix_action fix = s->key && !s->src ? r->fix : SG_FIX_NONE;
    const char *dflt = NULL;

    if (fix != SG_FIX_NONE && fix != SG_FIX_SET && !r->on_lines &&
        !c->m->fragment && package_sets(c->m, s->key)) {
        /* Removing the operator's lines cannot undo a package's (the
         * package's would win, or come back from under them): the fix
         * that wins is the kernel's default in the drop-in, or none. */
        dflt = sg_policies_default(c->ps, s->key, &c->m->kernel);
        fix = dflt ? SG_FIX_SET : SG_FIX_NONE;
        /* The default is what the kernel gets already (the drop-in that
         * overrides the package says so): the rule's remedy is in place. */
        if (dflt && s->value && strcmp(dflt, s->value) == 0)
            return 0;
    }
    /* A module's key: the module goes in a modules-load.d list, which
     * systemd-modules-load reads before systemd-sysctl runs. */
    if (fix == SG_FIX_LOAD_MODULE &&
        (c->m->fragment || c->m->semantics != SG_SEM_SYSTEMD ||
         !cat_module(c, s->key)))
        fix = SG_FIX_NONE;
    if (s->at && s->at->ignore_failure && r->has_ignored_severity)
        f.severity = r->ignored_severity;
    /* An error is a claim about the target's build: facts read from
     * another build's source make a warning at most (own_evidence). */
    if (f.severity == SG_SEV_ERROR && unsure(c, r, s))
        f.severity = SG_SEV_WARNING;
    f.line = s->at ? s->at->line : s->diag_file ? s->diag_line : 0;
    /* Prose for people and for every output format: valid UTF-8 even when
     * the value quoted in it is Latin-1 (the value itself stays as read).
     * With the key, the value and the file, one allocation. A finding
     * about a key keeps the fills of its rule's placeholders rather than
     * the message (a quarter of the size for a message about an unknown
     * key: 70,000 of them were 25 MB), which views put together again
     * (sg_finding_message); one whose message had to be repaired keeps the
     * message. */
    const char *where = s->at          ? s->at->file
                        : s->diag_file ? s->diag_file
                                       : NULL;
    bool kept = false;
    int rc = s->key && r->message
                 ? render_parts(c, r, s, c->parts, where, &kept)
                 : 0;
    if (rc == 0 && kept)
        rc = sg_finding_parts(&f, c->parts->v, c->parts->n, s->key, s->value,
                              where);
    char *fixed = NULL;
    if (rc == 0 && !kept) {
        struct sg_buf *sb = c->scratch;
        rc = render_into(c, r, s, r->message, sb);
        bool valid = rc == 0 && sg_utf8_valid_len(sb->v, sb->n);
        fixed = rc == 0 && !valid ? sg_utf8_repair(sb->v) : NULL;
        if (rc == 0 && (valid || fixed))
            rc = sg_finding_texts(&f, fixed ? fixed : sb->v,
                                  fixed ? strlen(fixed) : sb->n, s->key,
                                  s->value, where);
        else
            rc = -ENOMEM;
    }
    free(fixed);
    if (rc < 0)
        return rc;
    /* A finding that names who wrote the running value carries it as
     * data too: a fleet report counts the hosts each writer's value is on. */
    if (s->key && names_writer(c, r) && !(f.writer = writer_of(c, s))) {
        sg_finding_clear(&f);
        return -ENOMEM;
    }
    f.fix = fix;
    /* The operator's value, where it satisfies the rule, over the
     * policy's (issue 24: 8192 in /etc lost to a package's 512, and the
     * fix wrote the default 4096). */
    const char *mine =
        f.fix == SG_FIX_SET && !c->m->fragment ? operator_value(c, r, s) : NULL;
    if (f.fix != SG_FIX_NONE) {
        f.fix_key = strdup(s->key);
        if (mine)
            f.fix_value = strdup(mine);
        else if (dflt)
            f.fix_value = strdup(dflt);
        else if (f.fix == SG_FIX_LOAD_MODULE)
            f.fix_value = strdup(cat_module(c, s->key));
        else if (r->fix_value)
            f.fix_value = render(c, r, s, r->fix_value, NULL);
        const char *file = s->at ? s->at->file : NULL;
        char *mask = NULL;
        if (f.fix == SG_FIX_SET && !c->m->fragment &&
            (!file || !sg_operator_owns(file)))
            file = SG_DROPIN;
        /* A package's line goes with a copy of its file, without it, that
         * masks the package's (fix.c). */
        if ((f.fix == SG_FIX_REMOVE || f.fix == SG_FIX_COMMENT) &&
            r->on_lines && (mask = sg_model_mask_path(c->m, file)))
            file = mask;
        if (f.fix == SG_FIX_LOAD_MODULE)
            file = SG_MODLOAD_DROPIN;
        f.fix_file = file ? strdup(file) : NULL;
        free(mask);
    }
    if ((!f.message && !f.parts) || SG_PUSH(*c->out, f) < 0) {
        sg_finding_clear(&f);
        return -ENOMEM;
    }
    // cppcheck-suppress memleak ; f was copied into the findings by SG_PUSH
    return 0;
}

/* A rule's key pattern, read once a rule: most rules say "*", and a
 * pattern's plain text before its first wildcard must begin a key
 * (unless it escapes something) before fnmatch is asked. */
struct keymatch {
    const char *pattern;
    size_t lit;  /* bytes before the first wildcard */
    bool any;    /* "*" */
    bool glob;   /* a wildcard in it */
    bool escape; /* a "\\" before the first wildcard */
};

static struct keymatch keymatch_of(const char *pattern)
{
    size_t lit = strcspn(pattern, "*?[");
    return (struct keymatch){.pattern = pattern,
                             .lit = lit,
                             .any =
                                 lit == 0 && pattern[0] == '*' && !pattern[1],
                             .glob = pattern[lit] != '\0',
                             .escape = memchr(pattern, '\\', lit) != NULL};
}

/* Whether the pattern K takes KEY. */
static bool key_matches(const struct keymatch *k, const char *key)
{
    if (k->any)
        return true;
    if (!k->glob)
        return strcmp(k->pattern, key) == 0;
    if (!k->escape && strncmp(k->pattern, key, k->lit) != 0)
        return false;
    return fnmatch(k->pattern, key, 0) == 0;
}

static int eval_lines(const struct ctx *c, const struct sg_rule *r)
{
    const struct sg_model *m = c->m;
    const struct keymatch km = keymatch_of(r->key);
    int rc = 0;

    for (size_t i = 0; i < m->n_applied && rc == 0; i++) {
        const struct sg_file *f = m->applied[i].file;
        bool seen = !m->applied[i].first;
        size_t *slots = seen ? NULL : line_slots(c, i, f->assignments.n);
        for (size_t j = 0; !seen && j < f->assignments.n && rc == 0; j++) {
            const struct sg_assignment *a = &f->assignments.v[j];
            if (!a->value || !key_matches(&km, a->key))
                continue;
            if (slots) {
                c->cache->pin_key = a->key;
                c->cache->pin_slot = &slots[j];
            }
            struct subject s = {
                .key = a->key, .value = a->value, .configured = true, .at = a};
            if (holds(c, &s, &r->when))
                rc = add_finding(c, r, &s);
        }
    }
    if (c->cache)
        c->cache->pin_key = NULL;
    return rc;
}

/* Every value an input source sets (source.h) that rule R's key names,
 * as a line of its file: its findings name that file and line. */
static int eval_sourced(const struct ctx *c, const struct sg_rule *r)
{
    const struct keymatch km = keymatch_of(r->key);
    int rc = 0;
    for (size_t i = 0; i < c->m->sourced.n && rc == 0; i++) {
        const struct sg_sourced *v = &c->m->sourced.v[i];
        if (!key_matches(&km, v->key))
            continue;
        struct sg_assignment at = {.file = v->file,
                                   .line = v->line,
                                   .raw_key = v->key,
                                   .key = v->key,
                                   .value = v->value};
        struct subject s = {.key = v->key,
                            .value = v->value,
                            .configured = true,
                            .at = &at,
                            .src = v};
        if (holds(c, &s, &r->when))
            rc = add_finding(c, r, &s);
    }
    return rc;
}

static int eval_effective(const struct ctx *c, const struct sg_rule *r)
{
    if (!sg_key_is_glob(r->key)) {
        struct subject s = {.key = r->key};
        s.at = sg_model_effective(c->m, r->key);
        s.configured = s.at != NULL;
        s.value = s.at ? s.at->value
                       : sg_policies_default(c->ps, r->key, &c->m->kernel);
        return holds(c, &s, &r->when) ? add_finding(c, r, &s) : 0;
    }
    const struct keymatch km = keymatch_of(r->key);
    int rc = 0;
    for (size_t i = 0; i < c->m->n_settings && rc == 0; i++) {
        const struct sg_setting *st = &c->m->settings[i];
        if (st->winner->glob || !st->winner->value ||
            !key_matches(&km, st->key))
            continue;
        struct subject s = {.key = st->key,
                            .value = st->winner->value,
                            .configured = true,
                            .at = st->winner};
        if (holds(c, &s, &r->when))
            rc = add_finding(c, r, &s);
    }
    return rc;
}

static int eval_diagnostic(const struct ctx *c, const struct sg_rule *r,
                           const struct sg_diags *diags)
{
    int rc = 0;
    for (size_t i = 0; i < diags->n && rc == 0; i++) {
        const struct sg_diag *d = &diags->v[i];
        if (strcmp(d->code, r->diagnostic) != 0)
            continue;
        struct subject s = {.diag_message = d->message,
                            .diag_file = d->file,
                            .diag_line = d->line};
        rc = add_finding(c, r, &s);
    }
    return rc;
}

/* The unjudged notice: one diagnostic naming every key the catalog
 * could not judge, where it is set and what the catalog has of it. */
static int unjudged_notice(const struct ctx *c, struct sg_diags *d)
{
    const struct unjudged *u = c->unjudged;
    const struct sg_kver *k = &c->m->kernel;
    enum sg_kbuild b = sg_kver_build(k);
    struct sg_buf t = {0};
    int r = sg_buf_printf(
        &t,
        "The catalog cannot say whether kernel %s (%s) has %s: ", k->release,
        b == SG_KB_PLAIN   ? "no build named"
        : b == SG_KB_OTHER ? "a build the catalog does not cover"
                           : sg_kbuild_name(b),
        u->n == 1 ? "this key" : "these keys");
    for (size_t i = 0; i < u->n && r == 0; i++) {
        struct subject s = {.key = u->v[i].key};
        char *why = source_text(c, &s);
        const struct sg_assignment *a = u->v[i].at;
        r = why ? 0 : -ENOMEM;
        if (r == 0 && a)
            r = sg_buf_printf(&t, "%s%s (%s:%u; %s)", i ? ", " : "",
                              u->v[i].key, a->file, a->line, why);
        else if (r == 0)
            r = sg_buf_printf(&t, "%s%s (%s)", i ? ", " : "", u->v[i].key, why);
        free(why);
    }
    if (r == 0)
        r = sg_buf_printf(&t, ". `sysctl-guard check --live` on the host "
                              "settles it");
    if (r == 0)
        r = sg_diag_add(d, SG_SEV_INFO, "kernel-unjudged", NULL, 0, "%s", t.v);
    free(t.v);
    return r < 0 ? -ENOMEM : 0;
}

/* A kernel older or newer than every catalogued one: what the catalog
 * says of it is its nearest version's, said once (kernel.xml's
 * kernel-uncatalogued), not silently. */
static int uncatalogued_notice(const struct ctx *c, struct sg_diags *d)
{
    const struct sg_catalog *cat = c->ps->catalog;
    const struct sg_kver *k = &c->m->kernel;
    int below, above;
    if (!cat || !cat->n_versions)
        return 0;
    sg_catalog_around(cat, k, &below, &above);
    if ((below >= 0) == (above >= 0))
        return 0; /* within the catalog, or no version speaks for it */
    /* the nearest of the versions that speak for it (above or below is
     * the index the catalog found) */
    const struct sg_kver *edge = &cat->versions[below < 0 ? above : below];
    return sg_diag_add(d, SG_SEV_INFO, "kernel-uncatalogued", NULL, 0,
                       "kernel %s is %s than every kernel the catalog has "
                       "(the %s: %s): what it says of keys and values is "
                       "%s's, which may not hold for %s. `sysctl-guard "
                       "check --live` on a host running it settles it",
                       k->release, below < 0 ? "older" : "newer",
                       below < 0 ? "oldest" : "newest", edge->release,
                       edge->release, k->release) < 0
               ? -ENOMEM
               : 0;
}

int sg_evaluate(const struct sg_model *m, const struct sg_policies *ps,
                const struct sg_settings *o, struct sg_findings *out)
{
    struct catcache cache = {0};
    struct unjudged unjudged = {0};
    struct sg_relate relate = {0};
    struct sg_buf scratch = {0}, parts = {0};
    struct ctx c = {.m = m,
                    .ps = ps,
                    .o = o,
                    .out = out,
                    .cache = ps->catalog ? &cache : NULL,
                    .unjudged = &unjudged,
                    .relate = &relate,
                    .scratch = &scratch,
                    .parts = &parts,
                    /* without memory, each message is cut as it is made */
                    .segs =
                        calloc(ps->n_rules ? ps->n_rules : 1, sizeof(*c.segs))};
    int rc = 0;

    if (ps->catalog)
        sg_relations_window(ps->catalog, &m->kernel, &c.win);
    for (size_t i = 0; i < ps->n_rules && rc == 0; i++) {
        const struct sg_rule *r = &ps->rules[i];
        if (!sg_rule_applies(r, &m->kernel, o))
            continue;
        rc = r->diagnostic   ? eval_diagnostic(&c, r, &m->diags)
             : r->on_sourced ? eval_sourced(&c, r)
             : r->on_lines   ? eval_lines(&c, r)
                             : eval_effective(&c, r);
    }
    /* Suppression comments, then what is wrong with them: diagnostics of
     * their own, for the rules on them (input.xml); and what the catalog
     * could not judge (kernel.xml). */
    struct sg_diags said = {0};
    if (rc == 0)
        rc = sg_suppress(m, ps, o, out, &said);
    if (rc == 0 && unjudged.n)
        rc = unjudged_notice(&c, &said);
    if (rc == 0 && ps->wants_catalog)
        rc = uncatalogued_notice(&c, &said);
    for (size_t i = 0; i < ps->n_rules && rc == 0 && said.n; i++) {
        const struct sg_rule *r = &ps->rules[i];
        if (r->diagnostic && sg_rule_applies(r, &m->kernel, o))
            rc = eval_diagnostic(&c, r, &said);
    }
    sg_diags_free(&said);
    free(unjudged.v);
    sg_strmap_free(&unjudged.seen);
    if (rc == 0 && relate.oom)
        rc = -ENOMEM;
    sg_relate_free(&relate);
    cache_free(&cache);
    for (size_t i = 0; c.segs && i < ps->n_rules; i++)
        free(c.segs[i].v);
    free(c.segs);
    free(scratch.v);
    free(parts.v);
    sg_findings_sort(out);
    return rc;
}
