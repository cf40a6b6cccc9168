/*
 * fuzz_parse.c - libFuzzer target: arbitrary bytes through the loader and
 * the lens (get, and put via a round trip that must give the bytes back),
 * then through the model as a fragment file; and the UTF-8 repair JSON
 * output applies to such bytes.
 * Build and run: make fuzz (FUZZ_SECS=N).
 */
#include "eval.h"
#include "model.h"
#include "parse.h"
#include "suppress.h"
#include "util.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct sg_parser *parser;
static char frag[] = "/tmp/sg-fuzz-XXXXXX";

/* libFuzzer ends with exit(): the scratch file goes then. */
static void remove_scratch(void)
{
    unlink(frag);
}

static const char *lensdir(void)
{
    const char *d = getenv("SYSCTL_GUARD_LENSDIR");
    return d ? d : "lenses";
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *err = NULL;

    if (!parser) {
        if (sg_parser_new(lensdir(), &parser, &err) < 0) {
            fprintf(stderr, "fuzz: %s\n", err ? err : "no lens");
            abort();
        }
        int fd = mkstemp(frag);
        if (fd < 0)
            abort();
        close(fd);
        atexit(remove_scratch);
    }
    /* The loader refuses NUL bytes before parsing: stop at the first. */
    char *text = strndup((const char *)data, size);
    if (!text)
        return 0;

    /* What JSON output does with the file's bytes: valid UTF-8 after,
     * and nothing touched that was valid before. */
    char *fixed = sg_utf8_repair(text);
    if (fixed && (!sg_utf8_valid(fixed) ||
                  (sg_utf8_valid(text) && strcmp(fixed, text) != 0)))
        abort();
    free(fixed);

    struct sg_assignments as = {0};
    struct sg_diags d = {0};
    if (sg_parse_text(parser, "/fuzz.conf", text, &as, &d) == 0) {
        for (size_t i = 0; i < as.n; i++)
            if (!as.v[i].key || as.v[i].line == 0)
                abort();
        char *out = NULL;
        if (sg_parse_roundtrip(parser, text, &out) == 0 &&
            strcmp(out, text) != 0)
            abort(); /* put of an unchanged tree must rewrite nothing */
        free(out);
    }
    sg_assignments_free(&as);
    sg_diags_free(&d);

    /* The same bytes as a fragment file through the whole model. */
    FILE *f = fopen(frag, "wb");
    if (f) {
        fwrite(data, 1, size, f);
        fclose(f);
        struct sg_model_opts o = {
            .fragment = frag, .lensdir = lensdir(), .kernel = "6.1.0"};
        struct sg_model *m = NULL;
        if (sg_model_load(&o, &m, &err) == 0) {
            /* Its suppression comments (suppress.h), against a finding on
             * every line and a policy set with one rule. */
            struct sg_rule rule = {.id = "r"};
            struct sg_policies ps = {.rules = &rule, .n_rules = 1};
            struct sg_finding fv[4] = {0};
            struct sg_findings fs = {.v = fv, .n = 0};
            for (unsigned l = 1; l <= 4; l++)
                fv[fs.n++] = (struct sg_finding){
                    .rule = &rule, .file = (char *)frag, .line = l};
            struct sg_diags said = {0};
            struct sg_eval_opts eo = {0};
            if (sg_suppress(m, &ps, &eo, &fs, &said) < 0)
                abort();
            for (size_t i = 0; i < fs.n; i++)
                free(fv[i].suppressed);
            sg_diags_free(&said);
            sg_model_free(m);
        }
        free(err);
    }
    free(text);
    return 0;
}
