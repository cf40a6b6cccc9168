/*
 * cmd_report.c - `sysctl-guard report [OPTIONS] RESULT...`: many hosts'
 * results into one report (plugin/report/report.h), in the --format the
 * views table gives, to stdout or atomically to --output FILE (keeping the
 * mode, and as root the owner, of the file it replaces). Exit 0; 1
 * when a finding (with --baseline: a new one) is at or over --fail-on; 2
 * when an input could not be read (the report of the rest is written
 * all the same) or on a usage error.
 */
#include "cli.h"
#include "../core/base/util.h"
#include "../report/report.h"

#include <errno.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Give FD the permission bits of the file OLD stood for (0644 for a new
 * one) and, as root, its owner and group; others keep its group when they
 * may. 0, or -1 with errno. */
static int keep_mode(int fd, const struct stat *old)
{
    if (!old)
        return fchmod(fd, 0644);
    if (geteuid() == 0) {
        if (fchown(fd, old->st_uid, old->st_gid) != 0)
            return -1;
    } else if (old->st_gid != getegid() &&
               fchown(fd, (uid_t)-1, old->st_gid) != 0) {
        /* Not a member of its group: ours, as for a new file. */
    }
    return fchmod(fd, old->st_mode & 0777);
}

/* Write the report to PATH through a temporary file beside it, renamed
 * over it when complete, with the mode (and owner, as root) of the file it
 * replaces. 0, or -1 after saying why. */
static int write_atomically(const struct sg_cli *cli, const struct sg_view *v,
                            const struct sg_fleet *f, const char *path)
{
    char *copy = strdup(path), *tmp = NULL;
    int fd = -1, r = -1;
    FILE *out = NULL;
    struct stat old;
    bool exists = stat(path, &old) == 0 && S_ISREG(old.st_mode);

    if (!copy)
        goto out;
    tmp =
        sg_strdup_printf("%s/.%s.XXXXXX", dirname(copy), "sysctl-guard-report");
    if (!tmp || (fd = mkstemp(tmp)) < 0 || !(out = fdopen(fd, "w"))) {
        fprintf(stderr, "%s report: --output %s: %s\n", cli->prog, sg_vis(path),
                strerror(errno));
        if (fd >= 0)
            close(fd);
        goto out_unlink;
    }
    errno = 0;
    if (v->report(out, f) < 0 || fflush(out) != 0 ||
        keep_mode(fd, exists ? &old : NULL) != 0 || fsync(fd) != 0) {
        fprintf(stderr, "%s report: --output %s: %s\n", cli->prog, sg_vis(path),
                errno ? strerror(errno) : "out of memory");
        fclose(out);
        goto out_unlink;
    }
    if (fclose(out) != 0 || rename(tmp, path) != 0) {
        fprintf(stderr, "%s report: --output %s: %s\n", cli->prog, sg_vis(path),
                strerror(errno));
        goto out_unlink;
    }
    r = 0;
    goto out;
out_unlink:
    if (tmp && fd >= 0)
        unlink(tmp);
out:
    free(copy);
    free(tmp);
    return r;
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
    int w = cli->output ? write_atomically(cli, v, &f, cli->output)
                        : v->report(stdout, &f);
    int status = w < 0 || f.problems.n              ? SG_EXIT_ERROR
                 : sg_fleet_fails(&f, cli->fail_on) ? SG_EXIT_FINDINGS
                                                    : SG_EXIT_OK;
    sg_fleet_free(&f);
    return status;
}
