/*
 * cmd_check.c - `sysctl-guard check`: load the policies, build the model
 * of the tree (or of each FILE argument on its own, as pre-commit passes
 * them), evaluate, print the findings in the chosen format.
 *
 * Exit: 0 clean, 1 a finding at or over --fail-on, 2 usage or input
 * error (a policy that does not load, a file that cannot be read).
 */
#include "cli.h"
#include "session.h"

#include <stdlib.h>

int sg_cmd_check(struct sg_cli *cli)
{
    struct sg_policies ps;
    struct sg_session s;
    char *err = NULL;
    int r;

    if (cli->n_args && cli->root) {
        fprintf(stderr, "%s check: give --root or FILE arguments, not both\n",
                cli->prog);
        return SG_EXIT_ERROR;
    }
    r = sg_cli_load_policies(cli, cli->policies, cli->n_policies, &ps);
    if (r != 0)
        return r;
    if (sg_session_run(cli, &ps, SG_SESSION_CHECK, &s, &err) < 0) {
        fprintf(stderr, "%s check: %s\n", cli->prog, err);
        r = SG_EXIT_ERROR;
    } else {
        sg_emit_report(cli, &s.report);
        r = s.status;
    }
    free(err);
    sg_session_free(&s);
    sg_policies_free(&ps);
    return r;
}
