/*
 * cmd_report.c - `sysctl-guard report [OPTIONS] RESULT...`: many hosts'
 * results into one report (plugin/report/report.h), in the --format the
 * views table gives, to stdout or to --output FILE, whole or not at all
 * (keeping the mode, and as root the owner, of the file it replaces). Exit 0; 1
 * when a finding (with --baseline: a new one) is at or over --fail-on; 2
 * when an input could not be read (the report of the rest is written
 * all the same) or on a usage error.
 */
#include "cli.h"
#include "../core/base/util.h"
#include "../report/report.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The report in view V to PATH (util.h sg_write_whole: whole or not at
 * all, the mode and owner of the file it replaces kept). 0, or -1 after
 * saying why. */
static int write_output(const struct sg_cli *cli, const struct sg_view *v,
                        const struct sg_fleet *f, const char *path)
{
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    int e = !mem || v->report(mem, f) < 0 ? -ENOMEM : 0;
    if (mem && fclose(mem) != 0 && !e)
        e = -ENOMEM;
    if (!e)
        e = sg_write_whole(path, text, len, 0644);
    if (e)
        fprintf(stderr, "%s report: --output %s: %s\n", cli->prog, sg_vis(path),
                strerror(-e));
    free(text);
    return e ? -1 : 0;
}

int sg_cmd_report(struct sg_cli *cli)
{
    struct sg_fleet f = {0};
    const struct sg_view *v = sg_cli_view(cli);
    int r = 0;

    if (cli->n_args < 1) {
        fprintf(stderr,
                "usage: %s report [OPTIONS] RESULT...\n(a RESULT is a file "
                "or a directory of *.json)\n",
                cli->prog);
        return SG_EXIT_ERROR;
    }
    for (int i = 0; r == 0 && i < cli->n_args; i++)
        r = sg_fleet_read(&f, cli->args[i]);
    if (r == 0)
        r = sg_fleet_finish(&f);
    if (r == 0 && cli->baseline && sg_fleet_baseline(&f, cli->baseline) < 0 &&
        !f.problems.n)
        r = -ENOMEM;
    if (r < 0) {
        fprintf(stderr, "%s report: out of memory\n", cli->prog);
        sg_fleet_free(&f);
        return SG_EXIT_ERROR;
    }
    for (size_t i = 0; i < f.problems.n; i++)
        sg_print_diag(stderr, &f.problems.v[i], false);
    int w = cli->output ? write_output(cli, v, &f, cli->output)
                        : v->report(stdout, &f);
    int status = w < 0 || f.problems.n              ? SG_EXIT_ERROR
                 : sg_fleet_fails(&f, cli->fail_on) ? SG_EXIT_FINDINGS
                                                    : SG_EXIT_OK;
    sg_fleet_free(&f);
    return status;
}
