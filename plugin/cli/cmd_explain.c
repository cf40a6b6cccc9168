/*
 * cmd_explain.c - `sysctl-guard explain KEY|RULE`: the guidance the loaded
 * policies hold, across kernel versions, with references. Readable in a
 * terminal; no model is built.
 */
#include "cli.h"
#include "../core/keys.h"
#include "../core/policy.h"

#include <stdlib.h>
#include <string.h>

static void print_range(const struct sg_krange *r)
{
    if (r->has_from && r->has_before)
        printf("Linux %s to before %s", r->from.release, r->before.release);
    else if (r->has_from)
        printf("Linux %s and later", r->from.release);
    else if (r->has_before)
        printf("before Linux %s", r->before.release);
    else
        printf("all kernels");
}

static bool cond_mentions(const struct sg_cond *c, const char *key)
{
    if (c->kind == SG_COND_CHECK)
        return (c->check.key && strcmp(c->check.key, key) == 0) ||
               (c->check.than_key && strcmp(c->check.than_key, key) == 0);
    for (size_t i = 0; i < c->n_kids; i++)
        if (cond_mentions(&c->kids[i], key))
            return true;
    return false;
}

static void print_rule(const struct sg_cli *cli, const struct sg_rule *r)
{
    bool c = cli->color;

    printf("\n%s%s%s  %s [%s", sg_c(c, "\033[1m"), r->id, sg_c(c, "\033[0m"),
           r->title, sg_severity_name(r->severity));
    if (r->has_ignored_severity)
        printf(", %s with \"-\"", sg_severity_name(r->ignored_severity));
    printf("]\n  applies to: ");
    print_range(&r->kernel);
    if (r->n_profiles) {
        printf("; profiles%s", r->profiles_not ? " other than" : "");
        for (size_t i = 0; i < r->n_profiles; i++)
            printf(" %s", r->profiles[i]);
    }
    if (r->key)
        printf("; %s %s", r->on_lines ? "every line setting" : "the value of",
               r->key);
    else
        printf("; diagnostic %s", r->diagnostic);
    printf("\n  why: %s\n", r->rationale);
    if (r->fix != SG_FIX_NONE)
        printf("  fix: %s%s%s\n", sg_fix_name(r->fix), r->fix_value ? " " : "",
               r->fix_value ? r->fix_value : "");
    for (size_t i = 0; i < r->n_refs; i++)
        printf("  see: %s\n       %s\n", r->refs[i].text, r->refs[i].href);
}

static void print_key(const struct sg_keyinfo *k)
{
    printf("%s\n", k->name);
    if (k->doc)
        printf("  %s\n", k->doc);
    if (k->exists.has_from || k->exists.has_before) {
        printf("  exists: ");
        print_range(&k->exists);
        printf("\n");
    }
    for (size_t i = 0; i < k->n_defaults; i++) {
        printf("  default %s: ", k->defaults[i].value);
        print_range(&k->defaults[i].range);
        printf("\n");
    }
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
    if (k) {
        print_key(k);
        shown++;
    }
    for (size_t i = 0; i < ps.n_rules; i++) {
        const struct sg_rule *rule = &ps.rules[i];
        bool about = strcmp(rule->id, cli->args[0]) == 0 ||
                     (key && rule->key && strcmp(rule->key, key) == 0) ||
                     (key && cond_mentions(&rule->when, key));
        if (about) {
            print_rule(cli, rule);
            shown++;
        }
    }
    free(key);
    sg_policies_free(&ps);
    if (!shown) {
        fprintf(stderr, "%s explain: no key or rule \"%s\" in the policies\n",
                cli->prog, cli->args[0]);
        return SG_EXIT_ERROR;
    }
    return SG_EXIT_OK;
}
