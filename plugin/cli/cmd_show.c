/*
 * cmd_show.c - `sysctl-guard show`: the effective configuration with
 * provenance: a run that loads the model (run.h SG_RUN_LOAD), shown by
 * the views of views/show.c.
 */
#include "cli.h"
#include "../core/kernel/catalog.h"
#include "../core/judge/policy.h"

#include <stdlib.h>
#include <string.h>

int sg_cmd_show(struct sg_cli *cli)
{
    struct sg_run_opts ro;
    struct sg_result res;
    char *err = NULL;

    struct sg_catalog cat;
    struct sg_diags cd = {0};
    const struct sg_catalog *marks =
        sg_data_catalog(&cli->data, &cat, &cd) == 0 ? &cat : NULL;
    sg_diags_free(&cd);
    /* The same run as every command's, which only loads the model. */
    sg_cli_run_opts(cli, SG_RUN_LOAD, &ro);
    ro.fragments = NULL; /* show's arguments are keys */
    ro.n_fragments = 0;
    ro.keep_model = true;
    ro.catalog = marks; /* how --live compares */
    if (sg_run(&ro, NULL, &res, &err) < 0) {
        fprintf(stderr, "%s show: %s\n", cli->prog, err ? err : "failed");
        free(err);
        sg_result_free(&res);
        if (marks)
            sg_catalog_free(&cat);
        return SG_EXIT_ERROR;
    }
    /* A diagnostic is said with the severity the policies' rule on it
     * gives (a key with a blank: an error, as check says), so that show
     * and check agree; the policies are read only when there is one. */
    struct sg_diags *ds = &res.model->diags;
    bool any = false;
    for (size_t i = 0; i < ds->n && !any; i++)
        any = ds->v[i].severity > SG_SEV_INFO;
    struct sg_policies ps;
    if (any &&
        sg_cli_load_policies(cli, cli->policies, cli->n_policies, &ps) == 0) {
        for (size_t i = 0; i < ds->n; i++)
            for (size_t j = 0; j < ps.n_rules; j++)
                if (ps.rules[j].diagnostic &&
                    strcmp(ps.rules[j].diagnostic, ds->v[i].code) == 0 &&
                    sg_rule_applies(&ps.rules[j], &res.model->kernel,
                                    &cli->set))
                    ds->v[i].severity = ps.rules[j].severity;
        sg_policies_free(&ps);
    }
    struct sg_view_opts vo;
    char *name = NULL;
    sg_cli_view_opts(cli, &vo, &name);
    vo.marks = marks;
    int r = sg_cli_view(cli)->show(stdout, res.model, &vo) < 0 ? SG_EXIT_ERROR
                                                               : res.status;
    free(name);
    if (marks)
        sg_catalog_free(&cat);
    sg_result_free(&res);
    return r;
}
