/*
 * policies.c - the command line's view of policies: where they are, and
 * `sysctl-guard policy validate FILE...`.
 */
#include "cli.h"
#include "../core/catalog.h"
#include "../core/policy.h"
#include "../core/util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int sg_cli_catalog(const struct sg_cli *cli, struct sg_catalog *out,
                   struct sg_diags *d)
{
    return cli->catalogdir ? sg_catalog_load(cli->catalogdir, out, d)
                           : sg_embedded_catalog(out, d);
}

char *sg_cli_schema(const struct sg_cli *cli)
{
    return sg_strdup_printf("%s/policy.rng", cli->policydir);
}

/* A --profile the loaded policies do not declare (a typo: "serverr")
 * would select nothing, silently: a usage error naming the ones there are. */
static int check_profiles(const struct sg_cli *cli,
                          const struct sg_policies *ps, struct sg_diags *d)
{
    for (size_t i = 0; i < cli->n_profiles; i++) {
        if (sg_policies_profile(ps, cli->profiles[i]))
            continue;
        struct sg_buf known = {0};
        for (size_t j = 0; j < ps->n_profiles; j++)
            sg_buf_printf(&known, "%s%s", j ? ", " : "", ps->profiles[j].name);
        sg_diag_add(d, SG_SEV_ERROR, "usage", NULL, 0,
                    "--profile %s: the loaded policies declare no such "
                    "profile (they declare: %s)",
                    sg_vis(cli->profiles[i]), known.v ? known.v : "none");
        free(known.v);
        return -1;
    }
    return 0;
}

int sg_cli_policies(const struct sg_cli *cli, const char *const *paths,
                    size_t n, struct sg_policies *ps, struct sg_diags *d)
{
    char *schema = sg_cli_schema(cli);
    const char *dflt[] = {cli->policydir};
    int r;

    if (!schema) {
        memset(ps, 0, sizeof(*ps));
        return -1;
    }
    if (n == 0) {
        paths = dflt;
        n = 1;
    }
    r = sg_policies_load_trusting(
        paths, n, schema, cli->validate_all ? NULL : sg_embedded_trusted, ps,
        d);
    if (r == 0 && ps->wants_catalog) {
        /* Only policies that ask for it pay for reading it. */
        struct sg_catalog *c = calloc(1, sizeof(*c));
        r = c ? sg_cli_catalog(cli, c, d) : -ENOMEM;
        if (r == 0)
            sg_policies_set_catalog(ps, c);
        else
            free(c);
    }
    if (r == 0 && ps->n_rules == 0) {
        sg_diag_add(d, SG_SEV_ERROR, "policy", paths[0], 0,
                    "no policy rules found");
        r = -1;
    }
    if (r == 0)
        r = check_profiles(cli, ps, d);
    free(schema);
    if (r < 0) {
        sg_policies_free(ps);
        return -1;
    }
    return 0;
}

int sg_cli_load_policies(const struct sg_cli *cli, const char *const *paths,
                         size_t n, struct sg_policies *ps)
{
    struct sg_diags d = {0};
    int r = sg_cli_policies(cli, paths, n, ps, &d);

    for (size_t i = 0; i < d.n; i++)
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
    cli->validate_all = true;
    int r = sg_cli_load_policies(cli, (const char *const *)cli->args + 1,
                                 (size_t)cli->n_args - 1, &ps);
    if (r != 0)
        return r;
    printf("%zu polic%s, %zu rules, %zu keys: valid\n", ps.n_files,
           ps.n_files == 1 ? "y" : "ies", ps.n_rules, ps.n_keys);
    sg_policies_free(&ps);
    return SG_EXIT_OK;
}
