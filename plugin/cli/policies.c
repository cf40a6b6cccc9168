/*
 * policies.c - the command line's view of policies: loading them with
 * the problems printed (data.h), and `sysctl-guard policy validate
 * FILE...`.
 */
#include "cli.h"
#include "../core/judge/policy.h"
#include "../core/base/util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int sg_cli_load_policies(const struct sg_cli *cli, const char *const *paths,
                         size_t n, struct sg_policies *ps)
{
    struct sg_diags d = {0};
    const struct sg_config *cf = &cli->config;
    /* Profiles the configuration gave are checked below, naming it. */
    int r = sg_data_policies(
        &cli->data, paths, n, cli->set.profiles,
        cli->profiles_from_config ? 0 : cli->set.n_profiles, ps, &d);
    bool loaded = r == 0;
    if (r == 0 && (sg_data_check_rules(ps, "--disable", cli->disabled,
                                       cli->n_disabled, &d) < 0 ||
                   sg_data_check_rules(ps, "--enable", cli->enabled,
                                       cli->n_enabled, &d) < 0))
        r = -1;
    for (size_t i = 0; r == 0 && cf->path && i <= cf->n_overrides; i++) {
        const struct sg_settings *s =
            i == 0 ? &cf->set : &cf->overrides[i - 1].set;
        char *what = i == 0
                         ? sg_strdup_printf("%s:", cf->path)
                         : sg_strdup_printf("%s: override %zu:", cf->path, i);
        char *pw = what ? sg_strdup_printf("%s \"profile\"", what) : NULL;
        char *dw = what ? sg_strdup_printf("%s \"disable\"", what) : NULL;
        if (!pw || !dw ||
            sg_data_check_profiles(ps, pw, s->profiles, s->n_profiles, &d) <
                0 ||
            sg_data_check_rules(ps, dw, s->disabled, s->n_disabled, &d) < 0)
            r = -1;
        free(what);
        free(pw);
        free(dw);
    }
    if (r < 0 && loaded)
        sg_policies_free(ps);

    /* A usage error in the form of every other ("sysctl-guard check:
     * ..., Try ..."); what the policies themselves say as diagnostics. */
    for (size_t i = 0; i < d.n; i++)
        if (strcmp(d.v[i].code, "usage") == 0)
            fprintf(stderr, "%s %s: %s\nTry '%s %s --help'.\n", cli->prog,
                    cli->cmd ? cli->cmd : "", d.v[i].message, cli->prog,
                    cli->cmd ? cli->cmd : "");
        else
            sg_print_diag(stderr, &d.v[i], false);
    if (r < 0 && d.n == 0)
        fprintf(stderr, "%s: out of memory\n", cli->prog);
    sg_diags_free(&d);
    return r < 0 ? SG_EXIT_ERROR : 0;
}

int sg_cmd_policy(struct sg_cli *cli)
{
    struct sg_policies ps;

    if (cli->n_args < 2 || strcmp(cli->args[0], "validate") != 0) {
        fprintf(stderr, "usage: %s policy validate FILE...\n", cli->prog);
        return SG_EXIT_ERROR;
    }
    cli->data.validate_all = true;
    int r = sg_cli_load_policies(cli, (const char *const *)cli->args + 1,
                                 (size_t)cli->n_args - 1, &ps);
    if (r != 0)
        return r;
    printf("%zu polic%s, %zu rules, %zu keys: valid\n", ps.n_files,
           ps.n_files == 1 ? "y" : "ies", ps.n_rules, ps.n_keys);
    sg_policies_free(&ps);
    return SG_EXIT_OK;
}

int sg_cmd_list_rules(struct sg_cli *cli)
{
    struct sg_policies ps;
    struct sg_view_opts vo;
    char *name = NULL;
    int r = sg_cli_load_policies(cli, cli->policies, cli->n_policies, &ps);

    if (r != 0)
        return r;
    sg_cli_view_opts(cli, &vo, &name);
    r = sg_cli_view(cli)->rules(stdout, &ps, &vo) < 0 ? SG_EXIT_ERROR
                                                      : SG_EXIT_OK;
    free(name);
    sg_policies_free(&ps);
    return r;
}
