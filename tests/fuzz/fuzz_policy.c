/*
 * fuzz_policy.c - libFuzzer target: arbitrary bytes as a policy file
 * through the loader (size and DOCTYPE checks, libxml2, RELAX NG schema,
 * meaning checks) and, when they load, through evaluation against a small
 * model. Build and run: make fuzz.
 */
#include "eval.h"
#include "model.h"
#include "policy.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char policy[] = "/tmp/sg-fuzz-policy-XXXXXX";
static struct sg_model *model;
static char *schema;

/* libFuzzer ends with exit(): the scratch file goes then. */
static void remove_scratch(void)
{
    unlink(policy);
}

static void setup(void)
{
    const char *pd = getenv("SYSCTL_GUARD_POLICYDIR");
    const char *ld = getenv("SYSCTL_GUARD_LENSDIR");
    char conf[] = "/tmp/sg-fuzz-conf-XXXXXX";
    int fd = mkstemp(conf), pfd = mkstemp(policy);
    const char *text = "net.ipv4.tcp_tw_recycle = 1\n"
                       "-net.ipv4.tcp_tw_reuse = 1 # x\n"
                       "net.ipv4.ip_local_port_range = 61000 32768\n"
                       "net.core.somaxconn = 1024\n";
    if (fd < 0 || pfd < 0 || write(fd, text, strlen(text)) < 0)
        abort();
    close(fd);
    close(pfd);
    atexit(remove_scratch);
    struct sg_model_opts o = {.fragment = conf,
                              .lensdir = ld ? ld : "lenses",
                              .kernel = "5.15.0-91-generic"};
    char *err = NULL;
    if (sg_model_load(&o, &model, &err) < 0)
        abort();
    unlink(conf);
    if (asprintf(&schema, "%s/policy.rng", pd ? pd : "policies") < 0)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!model)
        setup();
    FILE *f = fopen(policy, "wb");
    if (!f)
        return 0;
    fwrite(data, 1, size, f);
    fclose(f);

    const char *paths[] = {policy};
    struct sg_policies ps;
    struct sg_diags d = {0};
    if (sg_policies_load(paths, 1, schema, &ps, &d) == 0) {
        const char *profiles[] = {"server"};
        struct sg_eval_opts eo = {.profiles = profiles, .n_profiles = 1};
        struct sg_findings fs = {0};
        sg_evaluate(model, &ps, &eo, &fs);
        sg_findings_free(&fs);
    }
    sg_policies_free(&ps);
    sg_diags_free(&d);
    return 0;
}
