/*
 * emit.h - a check report (findings, diagnostics, the files read) and its
 * views: text for people, JSON (format "sysctl-guard/1"), gcc. A new
 * format is one function here and one line in emit.c's table.
 */
#ifndef SG_EMIT_H
#define SG_EMIT_H

#include "cli.h"
#include "../core/finding.h"
#include "../core/policy.h"

struct sg_report {
    const struct sg_policies *ps; /* rules on diagnostics replace them */
    const char *root;             /* NULL in fragment mode */
    enum sg_semantics semantics;
    char kernel[128];
    char **files;
    size_t n_files;
    struct sg_findings findings;
    struct sg_diags diags;
};

int sg_report_add_file(struct sg_report *r, const char *path);
void sg_report_sort(struct sg_report *r);
void sg_report_free(struct sg_report *r);

void sg_emit_report(const struct sg_cli *cli, const struct sg_report *r);

#endif
