/*
 * output.c - printing helpers shared by the subcommands.
 */
#include "cli.h"
#include "../core/util.h"

const char *sg_c(bool color, const char *code)
{
    return color ? code : "";
}

void sg_print_diag(FILE *f, const struct sg_diag *d, bool color)
{
    static const char *const sev_color[] = {
        [SG_SEV_INFO] = "\033[36m",
        [SG_SEV_WARNING] = "\033[33m",
        [SG_SEV_ERROR] = "\033[31m",
    };

    if (d->file && d->line)
        fprintf(f, "%s:%u: ", sg_vis(d->file), d->line);
    else if (d->file)
        fprintf(f, "%s: ", sg_vis(d->file));
    fprintf(f, "%s%s%s: %s [%s]\n", sg_c(color, sev_color[d->severity]),
            sg_severity_name(d->severity), sg_c(color, "\033[0m"),
            sg_vis(d->message), d->code);
}
