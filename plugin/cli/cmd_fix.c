/*
 * cmd_fix.c - `sysctl-guard fix`: apply the fix-ups of `check` in place
 * (--dry-run: print the unified diff instead), then check again.
 *
 * Exit: 0 when nothing is left to fix, 1 when fixable findings remain (or,
 * with --dry-run, when there is something to change), 2 on usage or input
 * errors or when a file could not be written (it is then unchanged).
 */
#include "cli.h"
#include "../core/diff.h"
#include "../core/eval.h"
#include "../core/fix.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>

/* Findings with a fix, for model options O. -1 on failure. */
static int fixable(struct sg_cli *cli, const struct sg_model_opts *o,
                   const struct sg_policies *ps, struct sg_model **mout,
                   struct sg_findings *fs)
{
    struct sg_eval_opts eo = {.profiles = cli->profiles,
                              .n_profiles = cli->n_profiles};
    char *err = NULL;
    int n = 0;

    if (sg_model_load(o, mout, &err) < 0) {
        fprintf(stderr, "%s fix: %s\n", cli->prog, err ? err : "failed");
        free(err);
        return -1;
    }
    if (sg_evaluate(*mout, ps, &eo, fs) < 0)
        return -1;
    for (size_t i = 0; i < fs->n; i++)
        n += fs->v[i].fix != SG_FIX_NONE;
    return n;
}

static void print_diags(const struct sg_diags *d, size_t from, bool color)
{
    for (size_t i = from; i < d->n; i++)
        if (d->v[i].severity > SG_SEV_INFO)
            sg_print_diag(stderr, &d->v[i], color);
}

/* Fix one tree or fragment. Returns an exit status. */
static int fix_one(struct sg_cli *cli, const struct sg_model_opts *o,
                   const struct sg_policies *ps)
{
    struct sg_model *m = NULL;
    struct sg_findings fs = {0};
    struct sg_changes cs = {0};
    int r = SG_EXIT_OK;

    int n = fixable(cli, o, ps, &m, &fs);
    if (n < 0) {
        r = SG_EXIT_ERROR;
        goto out;
    }
    size_t d0 = m->diags.n;
    if (sg_diag_count(&m->diags, SG_SEV_ERROR) > 0) {
        print_diags(&m->diags, 0, cli->color);
        r = SG_EXIT_ERROR;
        goto out;
    }
    if (sg_fix_plan(m, &fs, cli->lensdir, &cs, &m->diags) < 0) {
        print_diags(&m->diags, d0, cli->color);
        r = SG_EXIT_ERROR;
        goto out;
    }
    print_diags(&m->diags, d0, cli->color);
    /* A file that could not be planned (changed since read, ...) is an
     * error even when the others are fixed. */
    bool plan_errors = sg_diag_count(&m->diags, SG_SEV_ERROR) > 0;
    for (size_t i = 0; i < cs.n; i++) {
        const struct sg_change *c = &cs.v[i];
        if (cli->dry_run) {
            char *d = sg_diff_unified(c->path, c->before, c->after);
            fputs(d ? d : "", stdout);
            free(d);
        }
    }
    if (cli->dry_run) {
        r = cs.n ? SG_EXIT_FINDINGS : SG_EXIT_OK;
        goto out;
    }
    size_t d1 = m->diags.n;
    int ar = sg_fix_apply(m, &cs, cli->backup, &m->diags);
    print_diags(&m->diags, d1, cli->color);
    for (size_t i = 0; i < cs.n; i++)
        for (size_t j = 0; j < cs.v[i].n_fixes; j++)
            printf("fixed %s: %s\n", cs.v[i].path, cs.v[i].fixes[j]);
    if (ar < 0) {
        r = SG_EXIT_ERROR;
        goto out;
    }
    /* Check again: what is left that a fix could change? */
    sg_findings_free(&fs);
    sg_model_free(m);
    m = NULL;
    n = fixable(cli, o, ps, &m, &fs);
    if (n < 0)
        r = SG_EXIT_ERROR;
    else if (n > 0) {
        for (size_t i = 0; i < fs.n; i++)
            if (fs.v[i].fix != SG_FIX_NONE)
                fprintf(stderr, "%s:%u: left to fix: %s [%s]\n",
                        fs.v[i].file ? fs.v[i].file : "-", fs.v[i].line,
                        fs.v[i].rule->title, fs.v[i].rule->id);
        r = SG_EXIT_FINDINGS;
    }
    if (plan_errors)
        r = SG_EXIT_ERROR;
out:
    sg_changes_free(&cs);
    sg_findings_free(&fs);
    sg_model_free(m);
    return r;
}

int sg_cmd_fix(struct sg_cli *cli)
{
    struct sg_policies ps;
    struct sg_model_opts o;
    int r, worst = SG_EXIT_OK;

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
    sg_cli_model_opts(cli, &o);
    for (int i = 0; i < (cli->n_args ? cli->n_args : 1); i++) {
        o.fragment = cli->n_args ? cli->args[i] : NULL;
        r = fix_one(cli, &o, &ps);
        if (r > worst)
            worst = r;
    }
    sg_policies_free(&ps);
    return worst;
}
