/*
 * cmd_show.c - `sysctl-guard show`: the effective configuration with
 * provenance (the views are views/show.c).
 */
#include "cli.h"
#include "../core/catalog.h"

#include <stdlib.h>
#include <string.h>

int sg_cmd_show(struct sg_cli *cli)
{
    struct sg_model_opts o;
    struct sg_model *m = NULL;
    char *err = NULL;

    sg_cli_model_opts(cli, &o);
    int r = sg_model_load(&o, &m, &err);
    if (r < 0) {
        fprintf(stderr, "%s show: %s\n", cli->prog, err ? err : strerror(-r));
        free(err);
        return SG_EXIT_ERROR;
    }
    struct sg_catalog cat;
    struct sg_diags cd = {0};
    const struct sg_catalog *marks =
        sg_data_catalog(&cli->data, &cat, &cd) == 0 ? &cat : NULL;
    sg_diags_free(&cd);
    struct sg_view_opts vo;
    char *name = NULL;
    sg_cli_view_opts(cli, &vo, &name);
    vo.marks = marks;
    r = sg_cli_view(cli)->show(stdout, m, &vo) < 0 ? SG_EXIT_ERROR : 0;
    free(name);
    if (marks)
        sg_catalog_free(&cat);
    if (r == 0 && sg_diag_count(&m->diags, SG_SEV_ERROR) > 0)
        r = SG_EXIT_ERROR;
    sg_model_free(m);
    return r;
}
