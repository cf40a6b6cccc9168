/*
 * policy.c - see policy.h. Three passes: read and validate each file
 * (bytes -> libxml2 tree -> RELAX NG), build rules and keys from the tree,
 * then check the whole set for meaning.
 *
 * Data: `rules`, every rule of every file in file order (a rule owns its
 * strings, its condition tree and its compiled regular expressions);
 * `keys`, the key declarations (defaults per kernel range); `profiles`,
 * each declared profile once. The XML trees are freed once a file's rules
 * are built. Costs: the schema is parsed once per load, and only when a
 * file needs validating (the shipped files' bytes are vouched for:
 * sg_policies_load_trusting, which takes what they build from the build:
 * policy_image.h); building is linear in the elements; the
 * meaning checks (duplicate ids and keys, overlapping defaults) compare
 * pairs: quadratic in rules and keys, which a policy set holds hundreds
 * of, not thousands. A policy file is read whole, at most
 * SG_MAX_FILE_SIZE bytes (util.h). Also here: the settings a tree is
 * judged with (sg_settings) and whether a rule applies under them.
 */
#include "policy.h"
#include "placeholder.h"
#include "../kernel/catalog.h"
#include "policy_regex.h"
#include "../kernel/keys.h"
#include "../base/util.h"

#include <dirent.h>
#include <errno.h>
#include <libxml/parser.h>
#include <libxml/relaxng.h>
#include <libxml/xmlerror.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define SG_MAX_POLICY_SIZE (1024u * 1024u)

bool sg_krange_contains(const struct sg_krange *r, const struct sg_kver *k)
{
    return (!r->has_from || sg_kver_cmp(k, &r->from) >= 0) &&
           (!r->has_before || sg_kver_cmp(k, &r->before) < 0);
}

static const char *const op_names[] = {
    [SG_OP_ABSENT] = "absent",
    [SG_OP_PRESENT] = "present",
    [SG_OP_NOT_IN_KERNEL] = "not-in-kernel",
    [SG_OP_EQ] = "eq",
    [SG_OP_NE] = "ne",
    [SG_OP_LT] = "lt",
    [SG_OP_LE] = "le",
    [SG_OP_GT] = "gt",
    [SG_OP_GE] = "ge",
    [SG_OP_IN] = "in",
    [SG_OP_NOT_IN] = "not-in",
    [SG_OP_MATCHES] = "matches",
    [SG_OP_SET_AGAIN] = "set-again",
    [SG_OP_SYSTEMD_SHIPS] = "systemd-ships",
    [SG_OP_OVERRIDDEN_BY_FILE] = "overridden-by-file",
    [SG_OP_NOT_APPLIED] = "not-applied",
    [SG_OP_UNPREFIXED] = "unprefixed",
    [SG_OP_UNKNOWN_KEY] = "unknown-key",
    [SG_OP_MISSING_KEY] = "missing-key",
    [SG_OP_REJECTED] = "rejected",
    [SG_OP_NO_EFFECT] = "no-effect",
    [SG_OP_MODULE_NOT_LOADED] = "module-not-loaded",
    [SG_OP_RESET_BY_OTHER] = "reset-by-other",
    [SG_OP_HALVED] = "halved",
    [SG_OP_MODULE_KEY] = "module-key",
    [SG_OP_EXTRA_FIELDS] = "extra-fields",
    [SG_OP_BOOT_DEFAULT] = "boot-default",
    [SG_OP_UNKNOWN_NAME] = "unknown-name",
    [SG_OP_OVERRULED] = "overruled",
    [SG_OP_ALL_IGNORED] = "all-ignored",
    [SG_OP_FIELD_OVER] = "field-over",
    [SG_OP_NAMES_MODULE] = "names-module",
    [SG_OP_MODULE_MISSING] = "module-missing",
    [SG_OP_DRIFT] = "drift",
};

static const char *const fix_names[] = {
    [SG_FIX_NONE] = "none",
    [SG_FIX_REMOVE] = "remove",
    [SG_FIX_SET] = "set",
    [SG_FIX_COMMENT] = "comment",
    [SG_FIX_LOAD_MODULE] = "load-module",
};

const char *sg_fix_name(enum sg_fix_action a)
{
    return fix_names[a];
}

/* ---- the loading context: where diagnostics go ---- */

struct loader {
    struct sg_policies *ps;
    struct sg_diags *diags;
    const char *file; /* policy file being read */
    int errors;
    int oom;
    /* The schema, parsed when the first file not vouched for needs it. */
    const char *schema_path;
    xmlRelaxNGPtr schema;
    bool schema_failed;
    const struct sg_policy_trust *trust; /* or NULL */
    /* files the trust took, each at its place in the build's set */
    size_t from_image;
    bool in_order;
};

static void problem(struct loader *l, unsigned line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void xml_error(void *ctx, xmlErrorPtr e);

/* The schema, parsed once, the first time a file is validated; NULL (said
 * once) when it does not load. */
static xmlRelaxNGPtr schema_of(struct loader *l)
{
    if (l->schema || l->schema_failed)
        return l->schema;
    const char *file = l->file;
    int before = l->errors;
    l->file = l->schema_path;
    xmlRelaxNGParserCtxtPtr pc = xmlRelaxNGNewParserCtxt(l->schema_path);
    if (pc) {
        xmlRelaxNGSetParserStructuredErrors(pc, xml_error, l);
        l->schema = xmlRelaxNGParse(pc);
        xmlRelaxNGFreeParserCtxt(pc);
    }
    if (!l->schema) {
        l->schema_failed = true;
        if (l->errors == before)
            problem(l, 0, "cannot load the policy schema");
    }
    l->file = file;
    return l->schema;
}

static void problem(struct loader *l, unsigned line, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    char *msg = sg_strdup_vprintf(fmt, ap);
    va_end(ap);
    l->errors++;
    if (!msg || sg_diag_add(l->diags, SG_SEV_ERROR, "policy", l->file, line,
                            "%s", msg) < 0)
        l->oom = 1;
    free(msg);
}

/* libxml2 reports parse and validation errors here. */
static void xml_error(void *ctx, xmlErrorPtr e)
{
    struct loader *l = ctx;
    char *m = e && e->message ? strdup(e->message) : NULL;
    size_t n = m ? strlen(m) : 0;

    while (n > 0 && (m[n - 1] == '\n' || m[n - 1] == ' '))
        m[--n] = '\0';
    if (e && e->level >= XML_ERR_ERROR)
        problem(l, e ? (unsigned)(e->line > 0 ? e->line : 0) : 0, "%s",
                m ? m : "XML error");
    free(m);
}

/* ---- small XML helpers ---- */

#define NS "urn:sysctl-guard:policy:1"

static bool is_el(xmlNodePtr n, const char *name)
{
    return n && n->type == XML_ELEMENT_NODE && n->ns &&
           xmlStrEqual(n->ns->href, BAD_CAST NS) &&
           xmlStrEqual(n->name, BAD_CAST name);
}

static unsigned line_of(xmlNodePtr n)
{
    long l = xmlGetLineNo(n);
    return l > 0 ? (unsigned)l : 0;
}

/* An attribute's value as a malloc'd string, or NULL. */
static char *attr(struct loader *l, xmlNodePtr n, const char *name)
{
    xmlChar *v = xmlGetProp(n, BAD_CAST name);
    char *s = NULL;
    if (v) {
        s = strdup((const char *)v);
        if (!s)
            l->oom = 1;
        xmlFree(v);
    }
    return s;
}

/* Element text with blank runs collapsed: policies are pretty-printed. */
static char *text_of(struct loader *l, xmlNodePtr n)
{
    xmlChar *v = xmlNodeGetContent(n);
    char *s = v ? strdup((const char *)v) : NULL, *o = s;
    bool blank = false;

    if (v)
        xmlFree(v);
    if (!s) {
        l->oom = 1;
        return NULL;
    }
    for (const char *p = s; *p; p++) {
        if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n') {
            blank = o != s;
            continue;
        }
        if (blank)
            *o++ = ' ';
        blank = false;
        *o++ = *p;
    }
    *o = '\0';
    return s;
}

static void kver_attr(struct loader *l, xmlNodePtr n, const char *name,
                      bool *has, struct sg_kver *k)
{
    char *v = attr(l, n, name);
    if (v) {
        *has = sg_kver_parse(v, k) == 0;
        if (!*has)
            problem(l, line_of(n), "%s=\"%s\" is no kernel version", name, v);
    }
    free(v);
}

static void range_attrs(struct loader *l, xmlNodePtr n, const char *from,
                        const char *before, struct sg_krange *r)
{
    kver_attr(l, n, from, &r->has_from, &r->from);
    kver_attr(l, n, before, &r->has_before, &r->before);
    if (r->has_from && r->has_before && sg_kver_cmp(&r->from, &r->before) >= 0)
        problem(l, line_of(n), "empty kernel range: %s is not before %s",
                r->from.release, r->before.release);
}

static int severity_attr(struct loader *l, xmlNodePtr n, const char *name,
                         enum sg_severity *out)
{
    char *v = attr(l, n, name);
    int r = v ? sg_severity_parse(v, out) : -ENOENT;
    if (v && r < 0)
        problem(l, line_of(n), "unknown severity \"%s\"", v);
    free(v);
    return r;
}

/* ---- profiles ---- */

const struct sg_profile *sg_policies_profile(const struct sg_policies *ps,
                                             const char *name)
{
    for (size_t i = 0; i < ps->n_profiles; i++)
        if (strcmp(ps->profiles[i].name, name) == 0)
            return &ps->profiles[i];
    return NULL;
}

/* A <profile>: kept once (two policies may declare the same role). */
static void load_profile(struct loader *l, xmlNodePtr n)
{
    char *name = attr(l, n, "name"), *doc = text_of(l, n);
    if (name && doc && !sg_policies_profile(l->ps, name)) {
        struct sg_profile *np =
            realloc(l->ps->profiles, (l->ps->n_profiles + 1) * sizeof(*np));
        if (np) {
            l->ps->profiles = np;
            l->ps->profiles[l->ps->n_profiles++] =
                (struct sg_profile){.name = name, .doc = doc};
            return;
        }
        l->oom = 1;
    }
    free(name);
    free(doc);
}

/* ---- keys ---- */

static void load_key(struct loader *l, xmlNodePtr n)
{
    struct sg_keyinfo k = {.file = l->file, .line = line_of(n)};
    char *name = attr(l, n, "name");

    k.name = name ? sg_key_normalize(name) : NULL;
    free(name);
    range_attrs(l, n, "since", "until", &k.exists);
    for (xmlNodePtr c = n->children; c; c = c->next) {
        if (is_el(c, "doc")) {
            free(k.doc);
            k.doc = text_of(l, c);
        } else if (is_el(c, "default")) {
            struct sg_default d = {.value = attr(l, c, "value")};
            range_attrs(l, c, "from", "before", &d.range);
            struct sg_default *nd =
                realloc(k.defaults, (k.n_defaults + 1) * sizeof(*k.defaults));
            if (!nd) {
                free(d.value);
                l->oom = 1;
                continue;
            }
            k.defaults = nd;
            k.defaults[k.n_defaults++] = d;
        }
    }
    struct sg_keyinfo *nk =
        realloc(l->ps->keys, (l->ps->n_keys + 1) * sizeof(*nk));
    if (!k.name || !nk) {
        l->oom = 1;
        if (nk)
            l->ps->keys = nk;
        free(k.name);
        free(k.doc);
        for (size_t i = 0; i < k.n_defaults; i++)
            free(k.defaults[i].value);
        free(k.defaults);
        return;
    }
    l->ps->keys = nk;
    l->ps->keys[l->ps->n_keys++] = k;
}

/* ---- conditions ---- */

static int field_number(const char *s)
{
    if (strncmp(s, "field", 5) != 0 || s[5] < '1' || s[5] > '9' || s[6])
        return 0;
    return s[5] - '0';
}

static void load_check(struct loader *l, xmlNodePtr n, struct sg_check *c)
{
    char *key = attr(l, n, "key"), *of = attr(l, n, "of"),
         *op = attr(l, n, "op"), *than = attr(l, n, "than");

    c->line = line_of(n);
    c->key = key ? sg_key_normalize(key) : NULL;
    if (key && !c->key)
        l->oom = 1;
    c->value = attr(l, n, "value");
    c->of = SG_OF_VALUE;
    if (of && strcmp(of, "span") == 0)
        c->of = SG_OF_SPAN;
    else if (of && strcmp(of, "parity") == 0)
        c->of = SG_OF_PARITY;
    else if (of && (c->field = field_number(of)) > 0)
        c->of = SG_OF_FIELD;
    for (size_t i = 0; op && i < sizeof(op_names) / sizeof(*op_names); i++)
        if (strcmp(op, op_names[i]) == 0)
            c->op = (enum sg_op)i;
    if (c->op >= SG_OP_UNKNOWN_KEY)
        l->ps->wants_catalog = true;
    c->than = SG_THAN_LITERAL;
    if (than && strcmp(than, "default") == 0)
        c->than = SG_THAN_DEFAULT;
    else if (than && strcmp(than, "live") == 0)
        c->than = SG_THAN_LIVE;
    else if (than && (c->than_field = field_number(than)) > 0)
        c->than = SG_THAN_FIELD;
    else if (than) {
        c->than = SG_THAN_KEY;
        c->than_key = sg_key_normalize(than);
        if (!c->than_key)
            l->oom = 1;
    }
    char rwhy[160];
    if (c->op == SG_OP_MATCHES && c->value &&
        sg_regex_check(c->value, rwhy, sizeof(rwhy)) < 0) {
        problem(l, c->line, "regular expression \"%s\" not allowed: %s",
                c->value, rwhy);
    } else if (c->op == SG_OP_MATCHES && c->value) {
        int e = regcomp(&c->re, c->value, REG_EXTENDED | REG_NOSUB);
        if (e) {
            char buf[128];
            regerror(e, &c->re, buf, sizeof(buf));
            problem(l, c->line, "bad regular expression \"%s\": %s", c->value,
                    buf);
        } else {
            c->has_re = true;
        }
    }
    free(key);
    free(of);
    free(op);
    free(than);
}

static void load_cond(struct loader *l, xmlNodePtr n, struct sg_cond *c);

static void load_kids(struct loader *l, xmlNodePtr n, struct sg_cond *c)
{
    for (xmlNodePtr k = n->children; k; k = k->next) {
        if (k->type != XML_ELEMENT_NODE)
            continue;
        struct sg_cond *nk =
            realloc(c->kids, (c->n_kids + 1) * sizeof(*c->kids));
        if (!nk) {
            l->oom = 1;
            return;
        }
        c->kids = nk;
        memset(&c->kids[c->n_kids], 0, sizeof(*c->kids));
        load_cond(l, k, &c->kids[c->n_kids++]);
    }
}

static void load_cond(struct loader *l, xmlNodePtr n, struct sg_cond *c)
{
    if (is_el(n, "check")) {
        c->kind = SG_COND_CHECK;
        load_check(l, n, &c->check);
        return;
    }
    c->kind = is_el(n, "any")   ? SG_COND_ANY
              : is_el(n, "not") ? SG_COND_NOT
                                : SG_COND_ALL;
    load_kids(l, n, c);
}

/* ---- rules ---- */

static void cond_free(struct sg_cond *c)
{
    for (size_t i = 0; i < c->n_kids; i++)
        cond_free(&c->kids[i]);
    free(c->kids);
    if (c->kind == SG_COND_CHECK) {
        free(c->check.key);
        free(c->check.value);
        free(c->check.than_key);
        if (c->check.has_re)
            regfree(&c->check.re);
    }
}

static void rule_free(struct sg_rule *r)
{
    free(r->id);
    free(r->key);
    free(r->diagnostic);
    free(r->title);
    free(r->message);
    free(r->rationale);
    for (size_t j = 0; j < r->n_profiles; j++)
        free(r->profiles[j]);
    free(r->profiles);
    cond_free(&r->when);
    for (size_t j = 0; j < r->n_refs; j++) {
        free(r->refs[j].href);
        free(r->refs[j].text);
    }
    free(r->refs);
    free(r->fix_value);
}

static void load_rule(struct loader *l, xmlNodePtr n)
{
    struct sg_rule r = {.file = l->file, .line = line_of(n)};
    char *key = attr(l, n, "key"), *on = attr(l, n, "on");

    r.id = attr(l, n, "id");
    severity_attr(l, n, "severity", &r.severity);
    r.has_ignored_severity =
        severity_attr(l, n, "ignored-severity", &r.ignored_severity) == 0;
    r.key = key ? sg_key_normalize(key) : NULL;
    r.diagnostic = attr(l, n, "diagnostic");
    r.on_sourced = on && strcmp(on, "sourced") == 0;
    r.on_lines = r.on_sourced || (on && strcmp(on, "lines") == 0);
    r.when.kind = SG_COND_ALL;
    free(key);
    free(on);
    for (xmlNodePtr c = n->children; c; c = c->next) {
        if (is_el(c, "title"))
            r.title = text_of(l, c);
        else if (is_el(c, "message"))
            r.message = text_of(l, c);
        else if (is_el(c, "rationale"))
            r.rationale = text_of(l, c);
        else if (is_el(c, "kernel"))
            range_attrs(l, c, "from", "before", &r.kernel);
        else if (is_el(c, "when"))
            load_kids(l, c, &r.when);
        else if (is_el(c, "profiles")) {
            char *nt = attr(l, c, "not"), *list = text_of(l, c);
            r.profiles_not = nt != NULL;
            free(nt);
            for (char *save = NULL,
                      *t = list ? strtok_r(list, " ", &save) : NULL;
                 t; t = strtok_r(NULL, " ", &save)) {
                char **np =
                    realloc(r.profiles, (r.n_profiles + 1) * sizeof(char *));
                if (!np || !(np[r.n_profiles] = strdup(t))) {
                    if (np)
                        r.profiles = np;
                    l->oom = 1;
                    break;
                }
                r.profiles = np;
                r.n_profiles++;
            }
            free(list);
        } else if (is_el(c, "reference")) {
            struct sg_reference ref = {.href = attr(l, c, "href"),
                                       .text = text_of(l, c)};
            struct sg_reference *nr =
                realloc(r.refs, (r.n_refs + 1) * sizeof(*nr));
            if (!nr) {
                free(ref.href);
                free(ref.text);
                l->oom = 1;
                continue;
            }
            r.refs = nr;
            r.refs[r.n_refs++] = ref;
        } else if (is_el(c, "fix")) {
            char *a = attr(l, c, "action");
            r.fix = !a                              ? SG_FIX_NONE
                    : strcmp(a, "remove") == 0      ? SG_FIX_REMOVE
                    : strcmp(a, "comment") == 0     ? SG_FIX_COMMENT
                    : strcmp(a, "load-module") == 0 ? SG_FIX_LOAD_MODULE
                                                    : SG_FIX_SET;
            r.fix_value = attr(l, c, "value");
            free(a);
        }
    }
    struct sg_rule *nr =
        realloc(l->ps->rules, (l->ps->n_rules + 1) * sizeof(*nr));
    if (!nr) {
        l->oom = 1;
        rule_free(&r);
        return;
    }
    l->ps->rules = nr;
    l->ps->rules[l->ps->n_rules++] = r;
}

/* ---- one file ---- */

static bool has_doctype(struct loader *l, const char *buf)
{
    const char *d = strstr(buf, "<!DOCTYPE");
    if (!d)
        return false;
    unsigned line = 1;
    for (const char *p = buf; p < d; p++)
        line += *p == '\n';
    problem(l, line,
            "a DOCTYPE is not allowed in a policy (no DTDs, no entities)");
    return true;
}

/* What the trust says of PATH (its LEN bytes BUF): SG_VOUCH_TAKEN (or a
 * failure, said) when nothing is left to do, else whether the bytes are
 * vouched for. */
static int vouched(struct loader *l, const char *path, const char *buf,
                   size_t len)
{
    const struct sg_policy_trust *t = l->trust;
    size_t at = 0, before = l->ps->n_files;
    int v = t ? t->vouch(t, path, buf, len, l->ps, &at) : SG_VOUCH_NONE;
    if (v == -ENOMEM)
        l->oom = 1;
    else if (v < 0)
        problem(l, 0, "the policies built into this binary are damaged");
    else if (v == SG_VOUCH_TAKEN) {
        l->from_image++;
        l->in_order = l->in_order && at == before;
    }
    return v < 0 ? SG_VOUCH_TAKEN : v;
}

static void load_file(struct loader *l, const char *path)
{
    char *buf = NULL;
    size_t len = 0;
    int err = 0;

    l->file = path;
    enum sg_read_status st = sg_read_file(path, &buf, &len, &err);
    if (st == SG_READ_OK && len > SG_MAX_POLICY_SIZE) {
        problem(l, 0, "larger than %u KiB: not a policy",
                SG_MAX_POLICY_SIZE >> 10);
        free(buf);
        return;
    }
    if (st != SG_READ_OK) {
        problem(l, st == SG_READ_NUL ? (unsigned)err : 0, "cannot read: %s",
                st == SG_READ_ERRNO      ? strerror(err)
                : st == SG_READ_NOT_FILE ? "not a regular file"
                : st == SG_READ_TOO_BIG  ? "too large"
                                         : "contains a NUL byte");
        return;
    }
    /* Bytes the build validated (the shipped policies) are not validated
     * again: most of what loading them cost; and what loading them leaves
     * the build keeps: no XML parsed at all. */
    int vouch = vouched(l, path, buf, len);
    if (vouch == SG_VOUCH_TAKEN) {
        free(buf);
        return;
    }
    bool trusted = vouch == SG_VOUCH_VALID;
    if (has_doctype(l, buf)) {
        free(buf);
        return;
    }
    int before = l->errors;
    /* ... nor kept with their layout's blank text nodes, nor each small
     * text in a node of its own (the loader reads elements and their
     * whole text) */
    xmlDocPtr doc = xmlReadMemory(
        buf, (int)len, path, NULL,
        XML_PARSE_NONET | XML_PARSE_NOCDATA |
            (trusted ? XML_PARSE_NOBLANKS | XML_PARSE_COMPACT : 0));
    free(buf);
    if (!doc || l->errors > before) {
        if (doc)
            xmlFreeDoc(doc);
        else if (l->errors == before)
            problem(l, 0, "not well-formed XML");
        return;
    }
    if (doc->intSubset || doc->extSubset) {
        problem(l, 0, "a DOCTYPE is not allowed in a policy");
        xmlFreeDoc(doc);
        return;
    }
    xmlRelaxNGPtr schema = trusted ? NULL : schema_of(l);
    if (!trusted && !schema) {
        xmlFreeDoc(doc);
        return;
    }
    xmlRelaxNGValidCtxtPtr v = trusted ? NULL : xmlRelaxNGNewValidCtxt(schema);
    if (!trusted && !v) {
        l->oom = 1;
        xmlFreeDoc(doc);
        return;
    }
    int bad = 0;
    if (v) {
        xmlRelaxNGSetValidStructuredErrors(v, xml_error, l);
        bad = xmlRelaxNGValidateDoc(v, doc);
        xmlRelaxNGFreeValidCtxt(v);
    }
    if (bad != 0) {
        if (l->errors == before)
            problem(l, 0, "does not follow the policy schema");
        xmlFreeDoc(doc);
        return;
    }
    const char *copy = sg_policies_add_file(l->ps, path);
    if (!copy) {
        l->oom = 1;
        xmlFreeDoc(doc);
        return;
    }
    l->file = copy; /* rules and keys point at the kept copy */
    for (xmlNodePtr c = xmlDocGetRootElement(doc)->children; c; c = c->next) {
        if (is_el(c, "key"))
            load_key(l, c);
        else if (is_el(c, "profile"))
            load_profile(l, c);
        else if (is_el(c, "rule"))
            load_rule(l, c);
    }
    xmlFreeDoc(doc);
}

/* The files PATH stands for, appended to NAMES: a directory its *.xml
 * files, in name order; anything else itself. false when a directory
 * cannot be opened (errno) or memory runs out (*OOM set). */
struct names {
    char **v;
    size_t n, cap;
};

static bool list_path(const char *path, struct names *names, int *oom)
{
    struct stat st;
    char *p;
    if (stat(path, &st) < 0 || !S_ISDIR(st.st_mode)) {
        if (!(p = strdup(path)) || SG_PUSH(*names, p) < 0) {
            free(p);
            *oom = 1;
            return false;
        }
        return true;
    }
    DIR *d = opendir(path);
    if (!d)
        return false;
    size_t from = names->n;
    for (struct dirent *de; (de = readdir(d));) {
        if (de->d_name[0] == '.' || !sg_str_has_suffix(de->d_name, ".xml"))
            continue;
        p = sg_strdup_printf("%s/%s", path, de->d_name);
        if (!p || SG_PUSH(*names, p) < 0) {
            free(p);
            *oom = 1;
            break;
        }
    }
    closedir(d);
    if (names->n > from)
        qsort(names->v + from, names->n - from, sizeof(*names->v), sg_strp_cmp);
    return !*oom;
}

static void names_free(struct names *names)
{
    for (size_t i = 0; i < names->n; i++)
        free(names->v[i]);
    free(names->v);
}

static void load_path(struct loader *l, const char *path)
{
    struct names names = {0};
    if (!list_path(path, &names, &l->oom) && !l->oom) {
        l->file = path;
        problem(l, 0, "cannot open directory: %s", strerror(errno));
    }
    for (size_t i = 0; i < names.n; i++)
        load_file(l, names.v[i]);
    names_free(&names);
}

int sg_policies_files(const char *const *paths, size_t n, char ***files,
                      size_t *nfiles)
{
    struct names names = {0};
    int r = 0, oom = 0;
    for (size_t i = 0; i < n && r == 0; i++)
        if (!list_path(paths[i], &names, &oom))
            r = oom ? -ENOMEM : -errno;
    if (r < 0) {
        names_free(&names);
        names = (struct names){0};
    }
    *files = names.v;
    *nfiles = names.n;
    return r;
}

void sg_policies_files_free(char **files, size_t n)
{
    struct names names = {.v = files, .n = n};
    names_free(&names);
}

/* ---- meaning ---- */

static bool ranges_overlap(const struct sg_krange *a, const struct sg_krange *b)
{
    /* [a.from, a.before) and [b.from, b.before) intersect unless one ends
     * before the other starts. */
    if (a->has_before && b->has_from && sg_kver_cmp(&a->before, &b->from) <= 0)
        return false;
    if (b->has_before && a->has_from && sg_kver_cmp(&b->before, &a->from) <= 0)
        return false;
    return true;
}

static void check_placeholders(struct loader *l, const struct sg_rule *r,
                               const char *text)
{
    for (const char *p = text ? strchr(text, '{') : NULL; p;
         p = strchr(p + 1, '{')) {
        const char *e = strchr(p, '}');
        if (!e)
            break;
        if (!sg_placeholder_known(p + 1, (size_t)(e - p - 1)))
            problem(l, r->line, "rule %s: unknown placeholder %.*s", r->id,
                    (int)(e - p + 1), p);
    }
}

static void check_cond_keys(struct loader *l, const struct sg_rule *r,
                            const struct sg_cond *c)
{
    for (size_t i = 0; i < c->n_kids; i++)
        check_cond_keys(l, r, &c->kids[i]);
    if (c->kind != SG_COND_CHECK)
        return;
    const struct sg_check *k = &c->check;
    const char *names[2] = {k->key, k->than_key};
    for (size_t i = 0; i < 2; i++)
        if (names[i] && !sg_policies_key(l->ps, names[i]))
            problem(l, k->line, "rule %s: key %s is not declared by any <key>",
                    r->id, names[i]);
    if (!k->key && !r->key)
        problem(l, k->line, "rule %s: a check without key= needs a rule key",
                r->id);
    if ((k->than == SG_THAN_DEFAULT || k->op == SG_OP_NOT_IN_KERNEL) &&
        !sg_policies_key(l->ps, k->key   ? k->key
                                : r->key ? r->key
                                         : ""))
        problem(
            l, k->line, "rule %s: %s needs the key declared by a <key>", r->id,
            k->op == SG_OP_NOT_IN_KERNEL ? "not-in-kernel" : "than=default");
}

static bool is_ident(const char *s)
{
    if (!s || !*s || !strchr("abcdefghijklmnopqrstuvwxyz0123456789", *s))
        return false;
    return strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-") == strlen(s);
}

static void check_names(struct loader *l, const struct sg_rule *r)
{
    if (!is_ident(r->id))
        problem(l, r->line, "rule id \"%s\" is not [a-z0-9][a-z0-9-]*",
                r->id ? r->id : "");
    if (r->diagnostic && !is_ident(r->diagnostic))
        problem(l, r->line, "diagnostic \"%s\" is not [a-z0-9][a-z0-9-]*",
                r->diagnostic);
    for (size_t i = 0; i < r->n_profiles; i++)
        if (!is_ident(r->profiles[i]))
            problem(l, r->line, "profile \"%s\" is not [a-z0-9][a-z0-9-]*",
                    r->profiles[i]);
    if (r->key && (!*r->key || strpbrk(r->key, " \t=")))
        problem(l, r->line, "\"%s\" is no sysctl key", r->key);
    if (!r->title || !*r->title || !r->message || !*r->message ||
        !r->rationale || !*r->rationale)
        problem(l, r->line,
                "rule %s: title, message and rationale must not "
                "be empty",
                r->id ? r->id : "");
}

static void check_meaning(struct loader *l)
{
    struct sg_policies *ps = l->ps;

    for (size_t i = 0; i < ps->n_keys; i++) {
        const struct sg_keyinfo *k = &ps->keys[i];
        l->file = k->file;
        for (size_t j = 0; j < i; j++)
            if (strcmp(ps->keys[j].name, k->name) == 0)
                problem(l, k->line, "key %s is declared twice (also %s:%u)",
                        k->name, ps->keys[j].file, ps->keys[j].line);
        for (size_t a = 0; a < k->n_defaults; a++)
            for (size_t b = 0; b < a; b++)
                if (ranges_overlap(&k->defaults[a].range,
                                   &k->defaults[b].range))
                    problem(l, k->line,
                            "key %s: defaults \"%s\" and \"%s\" have "
                            "overlapping kernel ranges",
                            k->name, k->defaults[b].value,
                            k->defaults[a].value);
    }
    for (size_t i = 0; i < ps->n_rules; i++) {
        const struct sg_rule *r = &ps->rules[i];
        l->file = r->file;
        for (size_t j = 0; j < i; j++)
            if (strcmp(ps->rules[j].id, r->id) == 0)
                problem(l, r->line, "duplicate rule id %s (also %s:%u)", r->id,
                        ps->rules[j].file, ps->rules[j].line);
        check_names(l, r);
        if (r->key && !sg_key_is_glob(r->key) && !sg_policies_key(ps, r->key))
            problem(l, r->line, "rule %s: key %s is not declared by any <key>",
                    r->id, r->key);
        for (size_t j = 0; j < r->n_profiles; j++)
            if (!sg_policies_profile(ps, r->profiles[j]))
                problem(l, r->line,
                        "rule %s: profile %s is not declared by any <profile>",
                        r->id, r->profiles[j]);
        check_cond_keys(l, r, &r->when);
        check_placeholders(l, r, r->message);
        check_placeholders(l, r, r->fix_value);
    }
}

int sg_policies_load(const char *const *paths, size_t n, const char *schema,
                     struct sg_policies *out, struct sg_diags *diags)
{
    return sg_policies_load_trusting(paths, n, schema, NULL, out, diags);
}

int sg_policies_load_trusting(const char *const *paths, size_t n,
                              const char *schema,
                              const struct sg_policy_trust *trust,
                              struct sg_policies *out, struct sg_diags *diags)
{
    struct loader l = {.ps = out,
                       .diags = diags,
                       .file = schema,
                       .schema_path = schema,
                       .trust = trust,
                       .in_order = true};

    memset(out, 0, sizeof(*out));
    xmlSetStructuredErrorFunc(&l, xml_error);
    for (size_t i = 0; i < n && !l.schema_failed; i++)
        load_path(&l, paths[i]);
    if (l.schema)
        xmlRelaxNGFree(l.schema);
    /* the shipped set, file for file: the build checked it as a set */
    bool checked = l.from_image > 0 && l.in_order &&
                   l.from_image == out->n_files && l.from_image == trust->n_set;
    if (!l.schema_failed && !checked)
        check_meaning(&l);
    xmlSetStructuredErrorFunc(NULL, NULL);
    if (l.oom)
        return -ENOMEM;
    return l.errors ? -EINVAL : 0;
}

int sg_policies_load_part(const char *path, const char *schema,
                          struct sg_policies *out, struct sg_diags *diags)
{
    struct loader l = {
        .ps = out, .diags = diags, .file = schema, .schema_path = schema};

    memset(out, 0, sizeof(*out));
    xmlSetStructuredErrorFunc(&l, xml_error);
    load_file(&l, path);
    if (l.schema)
        xmlRelaxNGFree(l.schema);
    xmlSetStructuredErrorFunc(NULL, NULL);
    if (l.oom)
        return -ENOMEM;
    return l.errors || out->n_files != 1 ? -EINVAL : 0;
}

const char *sg_policies_add_file(struct sg_policies *ps, const char *path)
{
    char *copy = strdup(path);
    char **nf =
        copy ? realloc(ps->files, (ps->n_files + 1) * sizeof(*nf)) : NULL;
    if (!nf) {
        free(copy);
        return NULL;
    }
    ps->files = nf;
    ps->files[ps->n_files++] = copy;
    return copy;
}

/* ---- lookup and freeing ---- */

const struct sg_keyinfo *sg_policies_key(const struct sg_policies *ps,
                                         const char *name)
{
    for (size_t i = 0; i < ps->n_keys; i++)
        if (strcmp(ps->keys[i].name, name) == 0)
            return &ps->keys[i];
    return NULL;
}

const char *sg_policies_default(const struct sg_policies *ps, const char *key,
                                const struct sg_kver *k)
{
    const struct sg_keyinfo *ki = sg_policies_key(ps, key);
    for (size_t i = 0; ki && i < ki->n_defaults; i++)
        if (sg_krange_contains(&ki->defaults[i].range, k))
            return ki->defaults[i].value;
    return NULL;
}

/* Narrow WIN (containing K) by the ends of range R. */
static void narrow(struct sg_krange *win, const struct sg_krange *r,
                   const struct sg_kver *k)
{
    const struct sg_kver *ends[2] = {r->has_from ? &r->from : NULL,
                                     r->has_before ? &r->before : NULL};
    for (size_t i = 0; i < 2; i++) {
        const struct sg_kver *e = ends[i];
        if (!e)
            continue;
        if (sg_kver_cmp(e, k) <= 0) {
            if (!win->has_from || sg_kver_cmp(e, &win->from) > 0) {
                win->from = *e;
                win->has_from = true;
            }
        } else if (!win->has_before || sg_kver_cmp(e, &win->before) < 0) {
            win->before = *e;
            win->has_before = true;
        }
    }
}

/* A series boundary MAJOR.MINOR.0 as a one-ended range, for narrow(). */
static void narrow_at(struct sg_krange *win, unsigned major, unsigned minor,
                      const struct sg_kver *k)
{
    struct sg_krange r = {.has_from = true};
    r.from.major = major;
    r.from.minor = minor;
    snprintf(r.from.release, sizeof(r.from.release), "%u.%u.0", major, minor);
    narrow(win, &r, k);
}

void sg_policies_window(const struct sg_policies *ps, const struct sg_kver *k,
                        struct sg_krange *out)
{
    memset(out, 0, sizeof(*out));
    /* The catalog decides per series: a catalogued series is its own
     * window; between two of them, and at each change of the history,
     * what the catalog knows changes. */
    const struct sg_catalog *c = ps->wants_catalog ? ps->catalog : NULL;
    for (size_t i = 0; c && i < c->n_versions; i++) {
        narrow_at(out, c->versions[i].major, c->versions[i].minor, k);
        narrow_at(out, c->versions[i].major, c->versions[i].minor + 1, k);
    }
    for (size_t i = 0; c && i < c->n_hist; i++)
        narrow_at(out, c->hist[i].version.major, c->hist[i].version.minor, k);
    for (size_t i = 0; i < ps->n_rules; i++)
        narrow(out, &ps->rules[i].kernel, k);
    for (size_t i = 0; i < ps->n_keys; i++) {
        narrow(out, &ps->keys[i].exists, k);
        for (size_t j = 0; j < ps->keys[i].n_defaults; j++)
            narrow(out, &ps->keys[i].defaults[j].range, k);
    }
}

void sg_policies_set_catalog(struct sg_policies *ps, struct sg_catalog *c)
{
    if (ps->catalog) {
        sg_catalog_free(ps->catalog);
        free(ps->catalog);
    }
    ps->catalog = c;
}

void sg_policies_free(struct sg_policies *ps)
{
    sg_policies_set_catalog(ps, NULL);
    for (size_t i = 0; i < ps->n_rules; i++) {
        rule_free(&ps->rules[i]);
    }
    free(ps->rules);
    for (size_t i = 0; i < ps->n_keys; i++) {
        struct sg_keyinfo *k = &ps->keys[i];
        free(k->name);
        free(k->doc);
        for (size_t j = 0; j < k->n_defaults; j++)
            free(k->defaults[j].value);
        free(k->defaults);
    }
    free(ps->keys);
    for (size_t i = 0; i < ps->n_profiles; i++) {
        free(ps->profiles[i].name);
        free(ps->profiles[i].doc);
    }
    free(ps->profiles);
    for (size_t i = 0; i < ps->n_files; i++)
        free(ps->files[i]);
    free(ps->files);
    memset(ps, 0, sizeof(*ps));
}

bool sg_cond_reads(const struct sg_cond *c, const char *key)
{
    if (c->kind == SG_COND_CHECK)
        return (c->check.key && strcmp(c->check.key, key) == 0) ||
               (c->check.than_key && strcmp(c->check.than_key, key) == 0);
    for (size_t i = 0; i < c->n_kids; i++)
        if (sg_cond_reads(&c->kids[i], key))
            return true;
    return false;
}

void sg_settings_disable(struct sg_settings *s, const char *id)
{
    for (size_t i = 0; i < s->n_disabled; i++)
        if (strcmp(s->disabled[i], id) == 0)
            return;
    if (s->n_disabled < sizeof(s->disabled) / sizeof(*s->disabled))
        s->disabled[s->n_disabled++] = id;
}

bool sg_rule_applies(const struct sg_rule *r, const struct sg_kver *k,
                     const struct sg_settings *s)
{
    if (!sg_krange_contains(&r->kernel, k))
        return false;
    for (size_t i = 0; s && i < s->n_disabled; i++)
        if (strcmp(s->disabled[i], r->id) == 0)
            return false;
    if (r->n_profiles == 0)
        return true;
    bool any = false;
    for (size_t i = 0; i < r->n_profiles && !any; i++)
        for (size_t j = 0; s && j < s->n_profiles && !any; j++)
            any = strcmp(r->profiles[i], s->profiles[j]) == 0;
    return r->profiles_not ? !any : any;
}
