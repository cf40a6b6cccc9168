/*
 * cmd_fix.c - `sysctl-guard fix`: apply the fix-ups of `check` in place
 * (--dry-run: a preview, the unified diff instead), then check again.
 *
 * Exit: 0 when nothing is left to fix, 1 when fixable findings remain or
 * a finding no fix-up changes is left at or over --fail-on (with
 * --dry-run: when there is something to change), 2 on usage or input
 * errors or when a file could not be written (it is then unchanged).
 * With --format salt or stateful the answer is on stdout and a dry run
 * exits 0: Salt reads what would change from the output, not the status.
 */
#include "cli.h"

#include <signal.h>
#include <stdlib.h>

int sg_cmd_fix(struct sg_cli *cli)
{
    struct sg_policies ps;
    struct sg_run_opts o;
    struct sg_view_opts vo;
    struct sg_result res;
    const struct sg_view *v = sg_cli_view(cli);
    char *err = NULL, *name = NULL;
    int r;

    if (cli->n_args && cli->root) {
        fprintf(stderr, "%s fix: give --root or FILE arguments, not both\n",
                cli->prog);
        return SG_EXIT_ERROR;
    }
    /* A full disk or a file size limit must fail the write, not kill us
     * half-way: the write then fails and the old file stays. */
    signal(SIGXFSZ, SIG_IGN);
    r = sg_cli_load_policies(cli, cli->policies, cli->n_policies, &ps);
    if (r != 0)
        return r;
    sg_cli_run_opts(cli, cli->dry_run ? SG_RUN_PREVIEW : SG_RUN_FIX, &o);
    if (sg_run(&o, &ps, &res, &err) < 0) {
        fprintf(stderr, "%s fix: %s\n", cli->prog, err);
        r = SG_EXIT_ERROR;
    } else {
        sg_cli_view_opts(cli, &vo, &name);
        /* Salt's views: the answer is in the output (result.h). */
        r = v->fix(stdout, &res, &vo) < 0
                ? SG_EXIT_ERROR
                : sg_result_exit(&res, v->answer_in_output);
    }
    free(name);
    free(err);
    sg_result_free(&res);
    sg_policies_free(&ps);
    return r;
}
