/*
 * cmd_check.c - `sysctl-guard check`: load the policies, run a check of
 * the tree (or of each FILE argument on its own, as pre-commit passes
 * them), show the result in the chosen view.
 *
 * Exit: 0 clean, 1 a finding at or over --fail-on, 2 usage or input
 * error (a policy that does not load, a file that cannot be read).
 */
#include "cli.h"

#include <stdlib.h>

int sg_cmd_check(struct sg_cli *cli)
{
    struct sg_policies ps;
    struct sg_run_opts o;
    struct sg_view_opts vo;
    struct sg_result res;
    char *err = NULL, *name = NULL;
    int r;

    if (cli->n_args && cli->root) {
        fprintf(stderr, "%s check: give --root or FILE arguments, not both\n",
                cli->prog);
        return SG_EXIT_ERROR;
    }
    r = sg_cli_load_policies(cli, cli->policies, cli->n_policies, &ps);
    if (r != 0)
        return r;
    sg_cli_run_opts(cli, SG_RUN_CHECK, &o);
    if (sg_run(&o, &ps, &res, &err) < 0) {
        fprintf(stderr, "%s check: %s\n", cli->prog, err);
        r = SG_EXIT_ERROR;
    } else {
        sg_cli_view_opts(cli, &vo, &name);
        r = sg_cli_view(cli)->check(stdout, &res, &vo) < 0 ? SG_EXIT_ERROR
                                                           : res.status;
    }
    free(name);
    free(err);
    sg_result_free(&res);
    sg_policies_free(&ps);
    return r;
}
