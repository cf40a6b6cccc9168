/*
 * policy_image.c - the build's generator of the policy image
 * (plugin/core/judge/policy_image.h): loads the shipped policies with the
 * loader the binary runs, as a set (validated against the schema, every
 * check across the files) and each file alone (what the image holds of
 * it), and writes what it built. Any problem fails the build: the binary
 * reads the image without checking what the loader would have said.
 *
 * Usage: policy_image OUT SCHEMA POLICYDIR
 */
#include "diag.h"
#include "policy.h"
#include "policy_image.h"
#include "util.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: %s OUT SCHEMA POLICYDIR\n", argv[0]);
        return 2;
    }
    const char *paths[] = {argv[3]};
    struct sg_policies ps;
    struct sg_diags d = {0};
    int r = sg_policies_load(paths, 1, argv[2], &ps, &d);
    for (size_t i = 0; i < d.n; i++)
        fprintf(stderr, "%s:%u: %s\n", d.v[i].file ? d.v[i].file : "-",
                d.v[i].line, d.v[i].message);
    if (r != 0 || d.n) {
        sg_policies_free(&ps);
        sg_diags_free(&d);
        return 1;
    }
    char **files = NULL;
    size_t n = 0;
    struct sg_policies *parts = NULL;
    if (sg_policies_files(paths, 1, &files, &n) != 0 || n != ps.n_files ||
        !(parts = calloc(n, sizeof(*parts))))
        r = -1;
    for (size_t i = 0; r == 0 && i < n; i++) {
        r = sg_policies_load_part(files[i], argv[2], &parts[i], &d);
        for (size_t j = 0; j < d.n; j++)
            fprintf(stderr, "%s:%u: %s\n", d.v[j].file ? d.v[j].file : "-",
                    d.v[j].line, d.v[j].message);
        r = r == 0 && d.n == 0 ? 0 : -1;
    }
    bool parsed = r == 0; /* else no image */
    if (!parsed && d.n == 0)
        fprintf(stderr, "%s: cannot load each file of %s alone\n", argv[0],
                argv[3]);
    char *tmp = parsed ? sg_strdup_printf("%s.tmp", argv[1]) : NULL;
    FILE *f = tmp ? fopen(tmp, "wb") : NULL;
    r = f ? sg_policy_image_write(f, parts, n) : -1;
    if (f && fclose(f) != 0)
        r = -1;
    if (r == 0 && rename(tmp, argv[1]) != 0)
        r = -1;
    if (r != 0 && parsed) {
        fprintf(stderr, "%s: cannot write %s\n", argv[0], argv[1]);
        if (tmp)
            remove(tmp);
    }
    free(tmp);
    for (size_t i = 0; parts && i < n; i++)
        sg_policies_free(&parts[i]);
    free(parts);
    sg_policies_files_free(files, n);
    sg_policies_free(&ps);
    sg_diags_free(&d);
    return r == 0 ? 0 : 1;
}
