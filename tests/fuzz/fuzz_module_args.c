/*
 * fuzz_module_args.c - libFuzzer target: arbitrary bytes as the arguments
 * file Ansible hands the binary module (plugin/ansible/module.c): detection,
 * cJSON, the parameter checks and conversions, then a check-mode run over
 * a small tree with whatever parameters survive. Nothing is ever written
 * and nothing but the sample tree is read, by construction: every run has
 * the harness's own root (examples/roots/time-wait-advice, read only) and
 * check mode. An input that is a JSON object is decoded here with the
 * module's own parser (cJSON, so "fixe\u0064" is "fixed" here too), every
 * "root" and "_ansible_check_mode" in it is replaced by the harness's, and
 * the module gets that object re-encoded; any other input becomes the
 * value of one more key after the harness's root and check mode (the
 * module takes the first of repeated keys).
 *
 * Costs: the arguments file is a memfd, rewritten per input and named
 * /proc/self/fd/N (a file in /tmp, truncated and rewritten per input,
 * made the file system write back on every close: most of an input's
 * time); the lens and policies come from the source tree (unless
 * SYSCTL_GUARD_LENSDIR / _POLICYDIR say otherwise), never as the
 * binary's built-in copies written out per run. Nothing is left in /tmp,
 * even after a crash. A run that gets as far as the tree paid 19 ms
 * under ASan, two thirds of it loading the same default policies again
 * and compiling the same lens again: the build links this harness with
 * -Wl,--wrap for sg_data_policies, sg_policies_free, sg_parser_new and
 * sg_parser_free (Makefile), and the wrappers below keep one loaded set
 * of default policies (a run only reads it: sg_run takes it const; the
 * profiles are still checked per run, as sg_data_policies does) and one
 * parser (as a run of many files shares one). Other policy paths and
 * another lens directory go to the real functions. ASan records no stack
 * per allocation, as in fuzz_parse.c.
 * Built with the command-line sources, main() renamed. Run: make fuzz.
 */
#include "../../plugin/ansible/module.h"
#include "../../plugin/data/data.h"
#include "parse.h"
#include "policy.h"

#include <cjson/cJSON.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define ROOT SG_SRCDIR "/examples/roots/time-wait-advice"

static int args_fd = -1;
static char args[64]; /* "/proc/self/fd/N": the memfd by a path */

const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
    return "malloc_context_size=0";
}

/* ---- what every run would load again the same way ---- */

int __real_sg_data_policies(const struct sg_data *d, const char *const *paths,
                            size_t n, const char *const *profiles,
                            size_t n_profiles, struct sg_policies *ps,
                            struct sg_diags *diags);
int __wrap_sg_data_policies(const struct sg_data *d, const char *const *paths,
                            size_t n, const char *const *profiles,
                            size_t n_profiles, struct sg_policies *ps,
                            struct sg_diags *diags);
void __real_sg_policies_free(struct sg_policies *ps);
void __wrap_sg_policies_free(struct sg_policies *ps);
int __real_sg_parser_new(const char *lensdir, struct sg_parser **out,
                         char **errmsg);
int __wrap_sg_parser_new(const char *lensdir, struct sg_parser **out,
                         char **errmsg);
void __real_sg_parser_free(struct sg_parser *p);
void __wrap_sg_parser_free(struct sg_parser *p);

static struct sg_policies dflt;  /* the default policies, once loaded */
static char *dflt_dir;           /* ... from this directory */
static struct sg_parser *parser; /* the parser, once made */
static char *parser_dir;         /* ... with this lens directory */

int __wrap_sg_data_policies(const struct sg_data *d, const char *const *paths,
                            size_t n, const char *const *profiles,
                            size_t n_profiles, struct sg_policies *ps,
                            struct sg_diags *diags)
{
    if (n == 0 && !dflt_dir) {
        if (__real_sg_data_policies(d, NULL, 0, NULL, 0, &dflt, diags) < 0)
            return -1;
        if (!(dflt_dir = strdup(d->policydir)))
            abort();
    }
    if (n != 0 || strcmp(d->policydir, dflt_dir) != 0)
        return __real_sg_data_policies(d, paths, n, profiles, n_profiles, ps,
                                       diags);
    if (sg_data_check_profiles(&dflt, "--profile", profiles, n_profiles,
                               diags) < 0)
        return -1;
    *ps = dflt;
    return 0;
}

void __wrap_sg_policies_free(struct sg_policies *ps)
{
    if (dflt_dir && ps->rules == dflt.rules)
        memset(ps, 0, sizeof(*ps)); /* the kept set: not this run's */
    else
        __real_sg_policies_free(ps);
}

int __wrap_sg_parser_new(const char *lensdir, struct sg_parser **out,
                         char **errmsg)
{
    if (!parser_dir) {
        int r = __real_sg_parser_new(lensdir, &parser, errmsg);
        if (r < 0)
            return r;
        if (!(parser_dir = strdup(lensdir)))
            abort();
    }
    if (strcmp(lensdir, parser_dir) != 0)
        return __real_sg_parser_new(lensdir, out, errmsg);
    *errmsg = NULL;
    *out = parser;
    return 0;
}

void __wrap_sg_parser_free(struct sg_parser *p)
{
    if (p != parser)
        __real_sg_parser_free(p);
}

/* ---- the harness ---- */

static void setup(void)
{
    setenv("SYSCTL_GUARD_LENSDIR", SG_SRCDIR "/lenses", 0);
    setenv("SYSCTL_GUARD_POLICYDIR", SG_SRCDIR "/policies", 0);
    args_fd = memfd_create("sg-fuzz-args", MFD_CLOEXEC);
    if (args_fd < 0)
        abort();
    snprintf(args, sizeof(args), "/proc/self/fd/%d", args_fd);
    /* The module prints one JSON object per run: not wanted here. */
    if (!freopen("/dev/null", "w", stdout))
        abort();
}

/* Append LEN bytes of BUF to the arguments file at *OFF. */
static void put(const void *buf, size_t len, off_t *off)
{
    for (size_t done = 0; done < len;) {
        ssize_t w = pwrite(args_fd, (const char *)buf + done, len - done,
                           *off + (off_t)done);
        if (w <= 0)
            abort();
        done += (size_t)w;
    }
    *off += (off_t)len;
}

/* The arguments file for an input that is a JSON object: the module's
 * root and check mode in place of its own. False: not an object (the
 * module would refuse it before running). */
static bool object_args(const uint8_t *data, size_t size, off_t *off)
{
    cJSON *o = cJSON_ParseWithLength((const char *)data, size);
    if (!cJSON_IsObject(o)) {
        cJSON_Delete(o);
        return false;
    }
    for (cJSON *k = o->child, *next; k; k = next) {
        next = k->next; /* K may go */
        if (k->string && (strcmp(k->string, "root") == 0 ||
                          strcmp(k->string, "_ansible_check_mode") == 0))
            cJSON_Delete(cJSON_DetachItemViaPointer(o, k));
    }
    cJSON_AddStringToObject(o, "root", ROOT);
    cJSON_AddTrueToObject(o, "_ansible_check_mode");
    char *text = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    if (!text)
        abort();
    put(text, strlen(text), off);
    free(text);
    return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* Most inputs become the value of one more key after root and check
     * mode (cJSON's lookup finds the first of repeated keys, so these
     * stay in force); an input that is an object is used as it is. */
    static const char prefix[] =
        "{\"root\": \"" ROOT "\", \"_ansible_check_mode\": true, "
        "\"_ansible_diff\": true, \"x\": ";
    off_t off = 0;

    if (args_fd < 0)
        setup();
    if (ftruncate(args_fd, 0) < 0)
        abort();
    if (size && data[0] == '{') {
        if (!object_args(data, size, &off))
            return 0;
    } else {
        put(prefix, sizeof(prefix) - 1, &off);
        put(data, size, &off);
        put("}", 1, &off);
    }
    if (sg_ansible_args_file(args))
        sg_ansible_main(args);
    return 0;
}
