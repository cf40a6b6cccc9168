/*
 * cmd_check.c - `sysctl-guard check`: load the policies, build the model
 * of the tree (or of each FILE argument on its own, as pre-commit passes
 * them), evaluate, print the findings in the chosen format.
 *
 * Exit: 0 clean, 1 a finding at or over --fail-on, 2 usage or input
 * error (a policy that does not load, a file that cannot be read).
 */
#include "cli.h"
#include "emit.h"
#include "../core/eval.h"
#include "../core/util.h"

#include <stdlib.h>
#include <string.h>

/* Evaluate one model into the report; diagnostics are copied over. */
static int check_model(struct sg_cli *cli, const struct sg_model_opts *o,
                       const struct sg_policies *ps, struct sg_report *rep)
{
    struct sg_model *m = NULL;
    char *err = NULL;
    struct sg_eval_opts eo = {.profiles = cli->profiles,
                              .n_profiles = cli->n_profiles};

    if (sg_model_load(o, &m, &err) < 0) {
        fprintf(stderr, "%s check: %s\n", cli->prog, err ? err : "failed");
        free(err);
        return SG_EXIT_ERROR;
    }
    int r = sg_evaluate(m, ps, &eo, &rep->findings);
    for (size_t i = 0; r == 0 && i < m->n_applied; i++)
        r = sg_report_add_file(rep, m->applied[i].file->path);
    for (size_t i = 0; r == 0 && i < m->diags.n; i++) {
        const struct sg_diag *d = &m->diags.v[i];
        r = sg_diag_add(&rep->diags, d->severity, d->code, d->file, d->line,
                        "%s", d->message);
    }
    if (!rep->kernel[0])
        snprintf(rep->kernel, sizeof(rep->kernel), "%s", m->kernel.release);
    sg_model_free(m);
    if (r < 0) {
        fprintf(stderr, "%s check: out of memory\n", cli->prog);
        return SG_EXIT_ERROR;
    }
    return 0;
}

int sg_cmd_check(struct sg_cli *cli)
{
    struct sg_policies ps;
    struct sg_report rep = {.root = cli->n_args ? NULL
                                    : cli->root ? cli->root
                                                : "/",
                            .semantics = cli->semantics};
    struct sg_model_opts o;
    int r;

    if (cli->n_args && cli->root) {
        fprintf(stderr, "%s check: give --root or FILE arguments, not both\n",
                cli->prog);
        return SG_EXIT_ERROR;
    }
    r = sg_cli_load_policies(cli, cli->policies, cli->n_policies, &ps);
    if (r != 0)
        return r;
    rep.ps = &ps;
    sg_cli_model_opts(cli, &o);
    if (cli->n_args == 0)
        r = check_model(cli, &o, &ps, &rep);
    for (int i = 0; r == 0 && i < cli->n_args; i++) {
        o.fragment = cli->args[i];
        r = check_model(cli, &o, &ps, &rep);
    }
    if (r == 0) {
        sg_report_sort(&rep);
        sg_emit_report(cli, &rep);
        if (sg_diag_count(&rep.diags, SG_SEV_ERROR) > 0)
            r = SG_EXIT_ERROR;
        else
            for (size_t i = 0; i < rep.findings.n && r == 0; i++)
                if (rep.findings.v[i].severity >= cli->fail_on)
                    r = SG_EXIT_FINDINGS;
    }
    sg_report_free(&rep);
    sg_policies_free(&ps);
    return r;
}
