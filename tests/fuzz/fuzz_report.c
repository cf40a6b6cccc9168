/*
 * fuzz_report.c - libFuzzer target: arbitrary bytes as one input of
 * `sysctl-guard report` (sg_fleet_read_text: check JSON, a module result,
 * Ansible's json callback output, Salt's JSON output), read as two hosts'
 * files (one host when the input names it: merged), merged; its JSON
 * report, in memory, as its own baseline, which must find nothing new,
 * fixed or gone; then every view, with the baseline's parts. Everything
 * stays in memory (the views write to /dev/null and to an open_memstream):
 * no file is written, so nothing is left in /tmp, and an input costs no
 * file system round trip. Build and run: make fuzz.
 */
#include "report.h"
#include "../../plugin/views/views.h" /* the fleet views */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int read_two(struct sg_fleet *f, const uint8_t *data, size_t size)
{
    static const char *const names[] = {"fuzz/a.json", "fuzz/b.json"};
    for (size_t i = 0; i < 2; i++) {
        int r = sg_fleet_read_text(f, names[i], (const char *)data, size);
        if (r < 0)
            return r;
    }
    return sg_fleet_finish(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct sg_fleet f = {0};
    static FILE *null;
    char *json = NULL;
    size_t len = 0;

    if (!null && !(null = fopen("/dev/null", "w")))
        abort();
    if (read_two(&f, data, size) < 0)
        goto out; /* out of memory */
    /* Every problem names its input. */
    for (size_t i = 0; i < f.problems.n; i++)
        if (!f.problems.v[i].file || strncmp(f.problems.v[i].file, "fuzz/", 5))
            abort();
    FILE *j = open_memstream(&json, &len);
    if (!j || sg_fleet_json(j, &f) < 0 || fclose(j) != 0)
        abort();
    /* Its own report as its baseline: nothing new, fixed or gone. */
    size_t n = f.problems.n;
    if (sg_fleet_baseline_text(&f, "fuzz/report.json", json, len) < 0) {
        if (f.problems.n == n)
            goto out; /* out of memory */
        abort();      /* its own report is a baseline */
    }
    if (f.n_added || f.n_fixed || f.n_gone ||
        f.n_unchanged != sg_fleet_count(&f, SG_SEV_INFO) +
                             sg_fleet_count(&f, SG_SEV_WARNING) +
                             sg_fleet_count(&f, SG_SEV_ERROR))
        abort(); /* nothing changed since itself */
    /* The views, the baseline's parts included. */
    if (sg_fleet_text(null, &f) < 0 || sg_fleet_markdown(null, &f) < 0 ||
        sg_fleet_html(null, &f) < 0)
        abort();
out:
    free(json);
    sg_fleet_free(&f);
    return 0;
}
