/*
 * cmd_show.c - `sysctl-guard show`: the effective configuration with
 * provenance: a run that loads the model (run.h SG_RUN_LOAD), shown by
 * the views of views/show.c.
 */
#include "cli.h"
#include "../core/kernel/catalog.h"

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
