/*
 * cmd_explain.c - `sysctl-guard explain KEY|RULE`: the guidance the loaded
 * policies hold, across kernel versions, with references, and what the
 * kernel key catalog knows of a key (its type and bounds per version, its
 * history). Readable in a terminal; no model is built.
 */
#include "cli.h"
#include "../core/base/near.h"
#include "../core/kernel/catalog.h"
#include "../core/kernel/defaults.h"
#include "../core/kernel/keys.h"
#include "../core/kernel/relations.h"
#include "../core/judge/policy.h"

#include "../core/base/util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* "INDENT LABEL TEXT": the label coloured on a terminal, TEXT wrapped at
 * the terminal's width under itself (no label: under INDENT). */
static void say(const struct sg_cli *cli, int indent, const char *label,
                const char *text)
{
    int col = indent;
    printf("%*s", indent, "");
    if (label) {
        printf("%s%s%s ", sg_c(cli->color, "\033[36m"), label,
               sg_c(cli->color, "\033[0m"));
        col += sg_columns(label) + 1;
    }
    sg_wrap(stdout, col, col, cli->width > 0 ? cli->width : 80, text);
}

static void print_range(struct sg_buf *b, const struct sg_krange *r)
{
    if (r->has_from && r->has_before)
        sg_buf_printf(b, "Linux %s to before %s", r->from.release,
                      r->before.release);
    else if (r->has_from)
        sg_buf_printf(b, "Linux %s and later", r->from.release);
    else if (r->has_before)
        sg_buf_printf(b, "before Linux %s", r->before.release);
    else
        sg_buf_printf(b, "all kernels");
}

static void print_rule(const struct sg_cli *cli, const struct sg_rule *r)
{
    bool c = cli->color;
    struct sg_buf b = {0};

    printf("\n%s%s%s  ", sg_c(c, "\033[1m"), sg_vis(r->id), sg_c(c, "\033[0m"));
    sg_buf_printf(&b, "%s [%s", sg_vis(r->title),
                  sg_severity_name(r->severity));
    if (r->has_ignored_severity)
        sg_buf_printf(&b, ", %s with \"-\"",
                      sg_severity_name(r->ignored_severity));
    sg_buf_printf(&b, "]");
    sg_wrap(stdout, sg_columns(r->id) + 2, 2, cli->width, b.v ? b.v : "");
    b.n = 0;
    print_range(&b, &r->kernel);
    if (r->n_profiles) {
        sg_buf_printf(&b, "; profiles%s", r->profiles_not ? " other than" : "");
        for (size_t i = 0; i < r->n_profiles; i++)
            sg_buf_printf(&b, " %s", sg_vis(r->profiles[i]));
    }
    if (r->key)
        sg_buf_printf(&b, "; %s %s",
                      r->on_sourced ? "every kernel command line value of"
                      : r->on_lines ? "every line setting"
                                    : "the value of",
                      sg_vis(r->key));
    else
        sg_buf_printf(&b, "; diagnostic %s", sg_vis(r->diagnostic));
    say(cli, 2, "applies to:", b.v ? b.v : "");
    say(cli, 2, "why:", sg_vis(r->rationale));
    if (r->fix != SG_FIX_NONE) {
        b.n = 0;
        sg_buf_printf(&b, "%s%s%s", sg_fix_name(r->fix),
                      r->fix_value ? " " : "",
                      r->fix_value ? sg_vis(r->fix_value) : "");
        say(cli, 2, "fix:", b.v ? b.v : "");
    }
    for (size_t i = 0; i < r->n_refs; i++) {
        say(cli, 2, "see:", sg_vis(r->refs[i].text));
        printf("       %s\n", sg_vis(r->refs[i].href));
    }
    free(b.v);
}

static void print_key(const struct sg_cli *cli, const struct sg_keyinfo *k)
{
    struct sg_buf b = {0};
    printf("%s%s%s\n", sg_c(cli->color, "\033[1m"), sg_vis(k->name),
           sg_c(cli->color, "\033[0m"));
    if (k->doc)
        say(cli, 2, NULL, sg_vis(k->doc));
    if (k->exists.has_from || k->exists.has_before) {
        print_range(&b, &k->exists);
        say(cli, 2, "exists:", b.v ? b.v : "");
    }
    for (size_t i = 0; i < k->n_defaults; i++) {
        char label[160];
        snprintf(label, sizeof(label),
                 "default %s:", sg_vis(k->defaults[i].value));
        b.n = 0;
        print_range(&b, &k->defaults[i].range);
        say(cli, 2, label, b.v ? b.v : "");
    }
    free(b.v);
}

static const char *access_name(enum sg_caccess a)
{
    return a == SG_CA_RW   ? "read-write"
           : a == SG_CA_RO ? "read-only"
           : a == SG_CA_WO ? "write-only"
                           : "access unknown";
}

struct rows_ctx {
    const struct sg_cli *cli;
    const struct sg_catalog *c;
    int n;
    const char *first_key; /* the first row's key (a template, maybe) */
};

/* The next line of the built-in catalog file NAME whose first field is
 * KEY, from *AT on: the rest of it after the tab in [*REST, *END); *AT
 * moves past it. False when there is none. */
static bool tsv_next(const char *name, const char *key, size_t *at,
                     const char **rest, const char **end)
{
    size_t len, kl = strlen(key);
    const char *t = sg_embedded_text("catalog", name, &len);
    for (const char *p = t ? t + *at : NULL; p && p < t + len; p = *end + 1) {
        *end = memchr(p, '\n', (size_t)(t + len - p));
        if (!*end)
            *end = t + len;
        *at = (size_t)(*end - t) + 1;
        if ((size_t)(*end - p) > kl + 1 && memcmp(p, key, kl) == 0 &&
            p[kl] == '\t') {
            *rest = p + kl + 1;
            return true;
        }
    }
    return false;
}

/* The kernel's documentation of the catalog key ROWKEY (catalog/docs.tsv,
 * built in): "file<TAB>text" of its line, printed; nothing when none. */
static void print_docs(const struct sg_cli *cli, const struct sg_catalog *c,
                       const char *rowkey)
{
    size_t at = 0;
    const char *f, *end, *tab;
    if (!tsv_next("docs.tsv", rowkey, &at, &f, &end) ||
        !(tab = memchr(f, '\t', (size_t)(end - f))))
        return;
    char *head = sg_strdup_printf("(%.*s, Linux %s):", (int)(tab - f), f,
                                  c->versions[c->n_versions - 1].release);
    char *text = strndup(tab + 1, (size_t)(end - tab - 1));
    say(cli, 2, "kernel documentation", head ? head : "");
    say(cli, 4, NULL, text ? sg_vis(text) : "?");
    free(head);
    free(text);
}

/* KEY's value at boot on the Debian kernels booted for catalog/defaults.tsv
 * (the catalog's: kernel/defaults.h), one line per distinct value;
 * nothing when the boots do not agree on one (it depends on the machine)
 * or the key is not a literal one there. */
static void print_defaults(const struct sg_cli *cli, const struct sg_catalog *c,
                           const char *key)
{
    size_t n;
    const struct sg_defrow *r = sg_defaults_of(c, key, &n);
    struct sg_buf b = {0};
    if (n)
        say(cli, 2, NULL,
            "default at boot on Debian's kernels (no "
            "sysctl.d file applied; the same on a small and a large "
            "machine):");
    for (size_t i = 0; i < n; i++) {
        b.n = 0;
        for (size_t v = 0; v < c->n_versions; v++)
            if (r[i].versions & (1u << v))
                sg_buf_printf(&b, "%s%.*s", b.n ? ", " : "",
                              (int)c->series_len[v], c->series[v]);
        sg_buf_printf(&b, ": %s", sg_vis(r[i].value));
        say(cli, 4, NULL, b.v ? b.v : "");
    }
    free(b.v);
}

/* How the kernel takes an interface key with all's (relations.tsv
 * `combine` and `all`, per version), one line per distinct way: for
 * net.ipv4.conf.X.NAME and net.ipv6.conf.X.NAME. */
static void print_combine(const struct sg_cli *cli, const struct sg_catalog *c,
                          const char *key)
{
    const char *dot;
    bool v4 = strncmp(key, "net.ipv4.conf.", 14) == 0;
    if ((!v4 && strncmp(key, "net.ipv6.conf.", 14) != 0) ||
        !(dot = strchr(key + 14, '.')))
        return;
    char *tmpl = sg_strdup_printf("%.14s<iface>%s", key, dot);
    enum sg_rel_kind kind = v4 ? SG_REL_COMBINE : SG_REL_ALL;
    struct sg_buf b = {0};
    bool head = false;
    unsigned done = 0; /* versions already printed */
    for (size_t i = 0; tmpl && i < c->n_rel; i++) {
        const struct sg_relrow *r = &c->rel[i];
        if (r->kind != kind || strcmp(r->key, tmpl) != 0 ||
            (done & (1u << r->version)))
            continue;
        if (!head)
            say(cli, 2, NULL,
                v4 ? "all and each interface's own value, as the kernel "
                     "combines them (include/linux/inetdevice.h):"
                   : "all's value (net/ipv6: read by the kernel, or each "
                     "interface's own alone):");
        head = true;
        b.n = 0;
        const struct sg_relrow *last = r;
        for (size_t j = i; j < c->n_rel; j++) {
            const struct sg_relrow *q = &c->rel[j];
            if (q->kind == kind && strcmp(q->key, tmpl) == 0 &&
                strcmp(q->detail, r->detail) == 0) {
                sg_buf_printf(&b, "%s%.*s", b.n ? ", " : "",
                              (int)c->series_len[q->version],
                              c->series[q->version]);
                done |= 1u << q->version;
                last = q;
            }
        }
        const char *how =
            !v4 ? (strcmp(r->detail, "used") == 0 ? "read" : "ignored")
            : strcmp(r->detail, "or") == 0  ? "OR"
            : strcmp(r->detail, "and") == 0 ? "AND"
            : strcmp(r->detail, "max") == 0 ? "the larger"
                                            : "AND when the host forwards, "
                                              "else OR";
        sg_buf_printf(&b, ": %s (%s in %.*s)", how, last->source,
                      (int)c->series_len[last->version],
                      c->series[last->version]);
        say(cli, 4, NULL, b.v ? b.v : "");
    }
    free(b.v);
    free(tmpl);
}

static bool print_row(const struct sg_catrow *r, void *arg)
{
    struct rows_ctx *x = arg;
    struct sg_buf b = {0};
    const char *sep = "";
    if (!x->first_key)
        x->first_key = r->key;
    const char *label = x->n++ ? "and:" : "kernel:";
    for (size_t i = 0; i < x->c->n_versions; i++)
        if (r->versions & (1u << i)) {
            sg_buf_printf(&b, "%s%s", sep, x->c->versions[i].release);
            sep = ", ";
        }
    sg_buf_printf(&b, " (%s)", r->key);
    say(x->cli, 2, label, b.v ? b.v : "");
    b.n = 0;
    sg_buf_printf(&b, "%s", sg_ctype_name(r->type));
    if (r->n > 1)
        sg_buf_printf(&b, ", a vector of %u", r->n);
    if (r->has_min || r->has_max) {
        sg_buf_printf(&b, ", ");
        if (r->has_min)
            sg_buf_printf(&b, "at least %lld", r->min);
        if (r->has_min && r->has_max)
            sg_buf_printf(&b, " and ");
        if (r->has_max)
            sg_buf_printf(&b, "at most %lld", r->max);
    }
    if (r->unk_min || r->unk_max)
        sg_buf_printf(&b, ", with a %s the catalog could not read",
                      r->unk_min && r->unk_max ? "minimum and a maximum"
                      : r->unk_min             ? "minimum"
                                               : "maximum");
    sg_buf_printf(&b, ", %s", access_name(r->access));
    if (strcmp(r->netns, "net") == 0)
        sg_buf_printf(&b, ", per network namespace");
    else if (strcmp(r->netns, "init") == 0)
        sg_buf_printf(&b, ", in the initial network namespace only");
    if (strcmp(r->module, "-") != 0)
        sg_buf_printf(&b, ", module %s (on Debian's kernels)", r->module);
    say(x->cli, 4, NULL, b.v ? b.v : "");
    say(x->cli, 4, "source:", r->source);
    free(b.v);
    return true;
}

/* The page of the kernel's documentation that describes KEY's directory. */
static const char *doc_page(const char *key)
{
    static const struct {
        const char *prefix, *page;
    } pages[] = {
        {"net.ipv4.", "networking/ip-sysctl.html"},
        {"net.ipv6.", "networking/ip-sysctl.html"},
        {"net.netfilter.nf_conntrack", "networking/nf_conntrack-sysctl.html"},
        {"net.mptcp.", "networking/mptcp-sysctl.html"},
        {"net.core.", "admin-guide/sysctl/net.html"},
        {"net.unix.", "admin-guide/sysctl/net.html"},
        {"kernel.", "admin-guide/sysctl/kernel.html"},
        {"vm.", "admin-guide/sysctl/vm.html"},
        {"fs.", "admin-guide/sysctl/fs.html"},
        {"user.", "admin-guide/sysctl/user.html"},
        {"abi.", "admin-guide/sysctl/abi.html"},
    };
    for (size_t i = 0; i < sizeof(pages) / sizeof(*pages); i++)
        if (strncmp(key, pages[i].prefix, strlen(pages[i].prefix)) == 0)
            return pages[i].page;
    return NULL;
}

/* What the catalog knows of KEY; 1 when it knows it, else 0. */
static int print_catalog(const struct sg_cli *cli, const struct sg_catalog *c,
                         const char *key, bool header)
{
    struct rows_ctx x = {cli, c, 0, NULL};
    if (!sg_catalog_knows(c, key))
        return 0;
    if (header)
        printf("%s%s%s\n", sg_c(cli->color, "\033[1m"), sg_vis(key),
               sg_c(cli->color, "\033[0m"));
    sg_catalog_rows(c, key, print_row, &x);
    for (size_t i = 0; i < c->n_hist; i++) {
        const struct sg_hist *h = &c->hist[i];
        if (!sg_catalog_hist_applies(h, key))
            continue;
        char *t = sg_strdup_printf("commit %s (%s)", h->commit, h->what);
        char label[64];
        snprintf(label, sizeof(label), "%s Linux %u.%u:",
                 h->kind == SG_H_ADDED     ? "added in"
                 : h->kind == SG_H_REMOVED ? "removed in"
                 : h->kind == SG_H_VARIES  ? "bounds vary, from"
                                           : "no effect since",
                 h->version.major, h->version.minor);
        say(cli, 2, label, t ? t : "");
        free(t);
    }
    print_defaults(cli, c, key);
    print_combine(cli, c, key);
    if (x.first_key)
        print_docs(cli, c, x.first_key);
    const char *page = doc_page(key);
    if (page) {
        char *u = sg_strdup_printf("https://docs.kernel.org/%s", page);
        say(cli, 2, "docs:", u ? u : "");
        free(u);
    }
    struct sg_kver k;
    if (cli->set.kernel && sg_kver_parse(cli->set.kernel, &k) == 0) {
        struct sg_catinfo in;
        char label[160];
        sg_catalog_lookup(c, key, &k, &in);
        snprintf(label, sizeof(label), "on %s:", k.release);
        say(cli, 2, label,
            in.state == SG_KS_PRESENT  ? "present"
            : in.state == SG_KS_ABSENT ? "absent"
                                       : "unknown (the catalogued versions "
                                         "around it disagree)");
    }
    return 1;
}

int sg_cmd_explain(struct sg_cli *cli)
{
    struct sg_policies ps;
    int shown = 0;

    if (cli->n_args != 1) {
        fprintf(stderr, "usage: %s explain KEY|RULE\n", cli->prog);
        return SG_EXIT_ERROR;
    }
    int r = sg_cli_load_policies(cli, cli->policies, cli->n_policies, &ps);
    if (r != 0)
        return r;
    char *key = sg_key_normalize(cli->args[0]);
    const struct sg_keyinfo *k = key ? sg_policies_key(&ps, key) : NULL;
    /* A rule: its key's history (existence, defaults) comes first. */
    for (size_t i = 0; !k && i < ps.n_rules; i++)
        if (strcmp(ps.rules[i].id, cli->args[0]) == 0 && ps.rules[i].key)
            k = sg_policies_key(&ps, ps.rules[i].key);
    struct sg_catalog own = {0};
    struct sg_catalog *cat = ps.catalog;
    struct sg_diags cd = {0};
    if (!cat && sg_data_catalog(&cli->data, &own, &cd) == 0)
        cat = &own;
    sg_diags_free(&cd);
    if (k) {
        print_key(cli, k);
        if (cat && !sg_key_is_glob(k->name))
            print_catalog(cli, cat, k->name, false);
        shown++;
    } else if (key && cat && !sg_key_is_glob(key) &&
               print_catalog(cli, cat, key, true))
        shown++;
    for (size_t i = 0; i < ps.n_rules; i++) {
        const struct sg_rule *rule = &ps.rules[i];
        bool about = strcmp(rule->id, cli->args[0]) == 0 ||
                     (key && rule->key && strcmp(rule->key, key) == 0) ||
                     (key && sg_cond_reads(&rule->when, key));
        if (about) {
            print_rule(cli, rule);
            shown++;
        }
    }
    char *near = !shown && key && cat ? sg_catalog_suggest(cat, key) : NULL;
    /* Not a key: perhaps a rule id mistyped. */
    if (!shown && !near) {
        const char *best = NULL;
        size_t limit = sg_near_limit(strlen(cli->args[0])), bd = limit + 1;
        for (size_t i = 0; i < ps.n_rules; i++) {
            size_t d = sg_near_distance(cli->args[0], ps.rules[i].id, limit);
            if (d < bd) {
                bd = d;
                best = ps.rules[i].id;
            }
        }
        near = best ? strdup(best) : NULL;
    }
    free(key);
    sg_catalog_free(&own);
    sg_policies_free(&ps);
    if (!shown) {
        fprintf(stderr,
                "%s explain: no key or rule \"%s\" in the policies or the "
                "kernel key catalog%s%s%s\n",
                cli->prog, cli->args[0], near ? "; did you mean " : "",
                near ? near : "", near ? "?" : "");
        free(near);
        return SG_EXIT_ERROR;
    }
    return SG_EXIT_OK;
}
