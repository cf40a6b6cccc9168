/*
 * fuzz_report.c - libFuzzer target: arbitrary bytes as one input of
 * `sysctl-guard report` (sg_fleet_read_text: check JSON, a module result,
 * Ansible's json callback output, Salt's JSON output), read as two hosts'
 * files, merged, rendered in every format; then the JSON report of it as
 * a baseline of the same input, which must find nothing new and nothing
 * fixed. Build and run: make fuzz.
 */
#include "report.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int read_two(struct sg_fleet *f, const uint8_t *data, size_t size)
{
    static const char *const names[] = {"fuzz/a.json", "fuzz/b.json"};
    for (size_t i = 0; i < 2; i++) {
        char *text = malloc(size + 1);
        if (!text)
            return -1;
        memcpy(text, data, size);
        text[size] = '\0';
        int r = sg_fleet_read_text(f, names[i], text, size);
        free(text);
        if (r < 0)
            return r;
    }
    return sg_fleet_finish(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct sg_fleet f = {0}, g = {0};
    static char path[] = "/tmp/fuzz_report.XXXXXX";
    static int fd = -1;

    if (fd < 0 && (fd = mkstemp(path)) < 0)
        abort();
    if (read_two(&f, data, size) < 0)
        goto out; /* out of memory */
    FILE *null = fopen("/dev/null", "w");
    if (!null)
        abort();
    if (sg_fleet_text(null, &f) < 0 || sg_fleet_markdown(null, &f) < 0 ||
        sg_fleet_html(null, &f) < 0)
        abort();
    fclose(null);
    /* Every problem names its input. */
    for (size_t i = 0; i < f.problems.n; i++)
        if (!f.problems.v[i].file || strncmp(f.problems.v[i].file, "fuzz/", 5))
            abort();
    FILE *j = fopen(path, "w");
    if (!j || sg_fleet_json(j, &f) < 0 || fclose(j) != 0)
        abort();
    if (read_two(&g, data, size) < 0)
        goto out;
    if (sg_fleet_baseline(&g, path) < 0) {
        if (!g.problems.n)
            goto out; /* out of memory */
        abort();      /* its own report is a baseline */
    }
    if (g.n_added || g.n_fixed || g.n_gone ||
        g.n_unchanged != sg_fleet_count(&g, SG_SEV_INFO) +
                             sg_fleet_count(&g, SG_SEV_WARNING) +
                             sg_fleet_count(&g, SG_SEV_ERROR))
        abort(); /* nothing changed since itself */
out:
    sg_fleet_free(&f);
    sg_fleet_free(&g);
    return 0;
}
