/*
 * fuzz_parse.c - libFuzzer target: arbitrary bytes through the loader and
 * the lens (get, and put via a round trip that must give the bytes back),
 * then through the model as a fragment file; and the UTF-8 repair JSON
 * output applies to such bytes.
 *
 * What an input costs, and why it is shaped so: one parser (one Augeas
 * handle, the lens compiled once) serves every input, the model's load
 * included (sg_model_opts.parser), as a run that checks many files
 * shares one; a parser per input cost 15 ms of the 21 a small input
 * took. Augeas frees the lens's compiled regular expressions after every
 * put (lens_release), and the next call compiled all 45 again, most of
 * an input's time under ASan: regex_memo.c, linked in by the Makefile,
 * keeps one compiled copy of each for the run. An input makes four lens
 * calls, not five: the text is parsed once, inside the model (a fragment the
 * model reads is the same bytes, parsed by the same sg_parse_batch as
 * sg_parse_text), and on its own only when the model did not read it
 * (a NUL or another control byte, which the reader refuses); then the
 * round trip (a store and a retrieve), and the whole text stored once more
 * to hold each line's node to the kind reading gives it without the lens
 * (sg_parse_check_kinds). ASan records no stack per
 * allocation (__asan_default_options): reports lose the allocation's
 * stack, not a finding; ASAN_OPTIONS=malloc_context_size=30 brings it
 * back to reproduce one. The fragment is a memfd, rewritten per input
 * and read through /proc/self/fd/N: nothing touches a disk, and nothing
 * is left in /tmp, even after a crash.
 * Build and run: make fuzz (FUZZ_SECS=N).
 */
#include "eval.h"
#include "model.h"
#include "parse.h"
#include "suppress.h"
#include "util.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
    return "malloc_context_size=0";
}

static struct sg_parser *parser;
static int frag_fd = -1;
static char frag[64]; /* "/proc/self/fd/N": the memfd by a path */

static const char *lensdir(void)
{
    const char *d = getenv("SYSCTL_GUARD_LENSDIR");
    return d ? d : SG_SRCDIR "/lenses";
}

static void setup(void)
{
    char *err = NULL;

    if (sg_parser_new(lensdir(), &parser, &err) < 0) {
        fprintf(stderr, "fuzz: %s\n", err ? err : "no lens");
        abort();
    }
    frag_fd = memfd_create("sg-fuzz-fragment", MFD_CLOEXEC);
    if (frag_fd < 0)
        abort();
    snprintf(frag, sizeof(frag), "/proc/self/fd/%d", frag_fd);
}

/* The fragment's bytes become DATA. */
static bool write_fragment(const uint8_t *data, size_t size)
{
    if (ftruncate(frag_fd, 0) < 0)
        return false;
    for (size_t off = 0; off < size;) {
        ssize_t w = pwrite(frag_fd, data + off, size - off, (off_t)off);
        if (w <= 0)
            return false;
        off += (size_t)w;
    }
    return true;
}

/* Its suppression comments (suppress.h), against a finding on every
 * line and a policy set with one rule. */
static void suppressions(struct sg_model *m)
{
    struct sg_rule rule = {.id = "r"};
    struct sg_policies ps = {.rules = &rule, .n_rules = 1};
    struct sg_finding fv[4] = {0};
    struct sg_findings fs = {.v = fv, .n = 0};
    for (unsigned l = 1; l <= 4; l++)
        fv[fs.n++] =
            (struct sg_finding){.rule = &rule, .file = frag, .line = l};
    struct sg_diags said = {0};
    struct sg_settings eo = {0};
    if (sg_suppress(m, &ps, &eo, &fs, &said) < 0)
        abort();
    for (size_t i = 0; i < fs.n; i++)
        free(fv[i].suppressed);
    sg_diags_free(&said);
}

/* Every assignment has a key and a line. */
static void check_assignments(const struct sg_assignments *as)
{
    for (size_t i = 0; i < as->n; i++)
        if (!as->v[i].key || as->v[i].line == 0)
            abort();
}

/* TEXT through the lens on its own; whether it parsed. */
static bool parse_alone(const char *text)
{
    struct sg_assignments as = {0};
    struct sg_diags d = {0};
    bool parsed = sg_parse_text(parser, "/fuzz.conf", text, &as, &d) == 0;

    if (parsed)
        check_assignments(&as);
    sg_assignments_free(&as);
    sg_diags_free(&d);
    return parsed;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *err = NULL;
    bool parsed = false;

    if (!parser)
        setup();
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

    /* The bytes as a fragment file through the whole model, with the
     * same parser; a file it read is TEXT, parsed. */
    if (write_fragment(data, size)) {
        struct sg_model_opts o = {.fragment = frag,
                                  .lensdir = lensdir(),
                                  .kernel = "6.1.0",
                                  .parser = parser};
        struct sg_model *m = NULL;
        if (sg_model_load(&o, &m, &err) == 0) {
            if (m->n_files == 1 && m->files[0]->readable) {
                check_assignments(&m->files[0]->assignments);
                parsed = true;
            }
            suppressions(m);
            sg_model_free(m);
        }
        free(err);
    }
    if (parsed || parse_alone(text)) {
        char *out = NULL;
        if (sg_parse_roundtrip(parser, text, &out) == 0 &&
            strcmp(out, text) != 0)
            abort(); /* put of an unchanged tree must rewrite nothing */
        free(out);
        /* Reading sends only entry lines to Augeas, telling the others
         * by their first byte: the lens's tree of the whole text agrees */
        if (sg_parse_check_kinds(parser, text) == -EDOM)
            abort();
    }
    free(text);
    return 0;
}
