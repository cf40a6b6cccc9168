/*
 * cmd_fix.c - `sysctl-guard fix`: apply the fix-ups of `check` in place
 * (--dry-run: print the unified diff instead), then check again.
 *
 * Exit: 0 when nothing is left to fix, 1 when fixable findings remain (or,
 * with --dry-run, when there is something to change), 2 on usage or input
 * errors or when a file could not be written (it is then unchanged).
 * With --format salt or stateful the answer is on stdout and a dry run
 * exits 0: Salt reads what would change from the output, not the status.
 */
#include "cli.h"
#include "session.h"
#include "../core/util.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>

static void print_diags(const struct sg_diags *d, bool color)
{
    for (size_t i = 0; i < d->n; i++)
        if (d->v[i].severity > SG_SEV_INFO)
            sg_print_diag(stderr, &d->v[i], color);
}

/* For people: the diff (--dry-run), or what was fixed and what is left. */
static void print_text(const struct sg_cli *cli, const struct sg_session *s)
{
    if (sg_diag_count(&s->report.diags, SG_SEV_ERROR) > 0)
        print_diags(&s->report.diags, cli->color);
    print_diags(&s->fix_diags, cli->color);
    if (sg_fix_blocked(s)) {
        struct sg_buf b = {0};
        sg_fix_headline(&b, s, cli->dry_run);
        fprintf(stderr, "%s fix: %s\n", cli->prog, b.v ? b.v : "");
        free(b.v);
    }
    sg_print_changes(cli, s);
    /* What is left, and why (a package's file, ...). */
    struct sg_buf line = {0};
    for (size_t i = 0; sg_left_next(s, &i, &line);)
        fprintf(stderr, "%s\n", sg_vis(line.v));
    free(line.v);
}

int sg_cmd_fix(struct sg_cli *cli)
{
    struct sg_policies ps;
    struct sg_session s;
    char *err = NULL;
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
    if (sg_session_run(cli, &ps,
                       cli->dry_run ? SG_SESSION_PLAN : SG_SESSION_FIX, &s,
                       &err) < 0) {
        fprintf(stderr, "%s fix: %s\n", cli->prog, err);
        r = SG_EXIT_ERROR;
    } else if (cli->format == SG_FMT_TEXT) {
        print_text(cli, &s);
        r = s.status;
    } else {
        sg_emit_fix(cli, &s);
        r = s.status;
        if (cli->dry_run && r == SG_EXIT_FINDINGS)
            r = SG_EXIT_OK;
    }
    free(err);
    sg_session_free(&s);
    sg_policies_free(&ps);
    return r;
}
