/*
 * fuzz_policy.c - libFuzzer target: arbitrary bytes as a policy file
 * through the loader (size and DOCTYPE checks, libxml2, RELAX NG schema,
 * meaning checks) and, when they load, through evaluation against a small
 * model. The policy and the model's fragment are memfds, named
 * /proc/self/fd/N: no file is written per input, and nothing is left in
 * /tmp, even after a crash. Build and run: make fuzz.
 */
#include "eval.h"
#include "model.h"
#include "policy.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static int policy_fd = -1;
static char policy[64]; /* "/proc/self/fd/N" */
static struct sg_model *model;
static char *schema;

/* A memfd holding LEN bytes of TEXT, its path in PATH. */
static int memfd_with(const char *name, const void *text, size_t len,
                      char path[static 64])
{
    int fd = memfd_create(name, MFD_CLOEXEC);
    if (fd < 0 || ftruncate(fd, 0) < 0)
        abort();
    for (size_t off = 0; off < len;) {
        ssize_t w = pwrite(fd, (const char *)text + off, len - off, (off_t)off);
        if (w <= 0)
            abort();
        off += (size_t)w;
    }
    snprintf(path, 64, "/proc/self/fd/%d", fd);
    return fd;
}

static void setup(void)
{
    const char *pd = getenv("SYSCTL_GUARD_POLICYDIR");
    const char *ld = getenv("SYSCTL_GUARD_LENSDIR");
    char conf[64];
    const char *text = "net.ipv4.tcp_tw_recycle = 1\n"
                       "-net.ipv4.tcp_tw_reuse = 1 # x\n"
                       "net.ipv4.ip_local_port_range = 61000 32768\n"
                       "net.core.somaxconn = 1024\n";
    int fd = memfd_with("sg-fuzz-conf", text, strlen(text), conf);
    policy_fd = memfd_with("sg-fuzz-policy", "", 0, policy);
    struct sg_model_opts o = {.fragment = conf,
                              .lensdir = ld ? ld : SG_SRCDIR "/lenses",
                              .kernel = "5.15.0-91-generic"};
    char *err = NULL;
    if (sg_model_load(&o, &model, &err) < 0)
        abort();
    close(fd);
    if (asprintf(&schema, "%s/policy.rng", pd ? pd : SG_SRCDIR "/policies") < 0)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!model)
        setup();
    if (ftruncate(policy_fd, 0) < 0)
        abort();
    for (size_t off = 0; off < size;) {
        ssize_t w = pwrite(policy_fd, data + off, size - off, (off_t)off);
        if (w <= 0)
            abort();
        off += (size_t)w;
    }

    const char *paths[] = {policy};
    struct sg_policies ps;
    struct sg_diags d = {0};
    if (sg_policies_load(paths, 1, schema, &ps, &d) == 0) {
        struct sg_settings eo = {.profiles = {"server"}, .n_profiles = 1};
        struct sg_findings fs = {0};
        sg_evaluate(model, &ps, &eo, &fs);
        sg_findings_free(&fs);
    }
    sg_policies_free(&ps);
    sg_diags_free(&d);
    return 0;
}
