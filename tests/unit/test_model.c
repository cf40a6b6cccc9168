/* The model through its API: fragment mode and effective values. The tree
 * semantics are covered table-driven in tests/cases/. */
#include "check.h"
#include "model.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(void)
{
    char path[] = "/tmp/sg-frag-XXXXXX";
    int fd = mkstemp(path);
    const char *text = "net.ipv4.tcp_tw_recycle = 1\n"
                       "net.ipv4.conf.*.rp_filter = 2\n"
                       "-net.ipv4.conf.lo.rp_filter\n"
                       "net.ipv4.tcp_tw_recycle = 0\n";
    if (fd < 0 || write(fd, text, strlen(text)) < 0)
        return 1;
    close(fd);

    const char *dir = getenv("SYSCTL_GUARD_LENSDIR");
    struct sg_model_opts o = {.fragment = path,
                              .lensdir = dir ? dir : "lenses",
                              .kernel = "5.15.0-91-generic"};
    struct sg_model *m = NULL;
    char *err = NULL;
    CHECK(sg_model_load(&o, &m, &err) == 0);
    if (!m) {
        fprintf(stderr, "load: %s\n", err ? err : "?");
        return 1;
    }
    CHECK(m->fragment && m->n_applied == 1);
    CHECK_STR(m->applied[0].file->path, path);
    CHECK(m->kernel.major == 5 && m->kernel.minor == 15);

    const struct sg_setting *s = sg_model_get(m, "net.ipv4.tcp_tw_recycle");
    CHECK(s && s->winner->line == 4 && s->n_overridden == 1);
    if (s && s->n_overridden == 1)
        CHECK(s->overridden[0]->line == 1);

    const struct sg_assignment *a =
        sg_model_effective(m, "net.ipv4.conf.eth0.rp_filter");
    CHECK(a && a->line == 2);
    CHECK(sg_model_effective(m, "net.ipv4.conf.lo.rp_filter") == NULL);
    CHECK(sg_model_effective(m, "net.core.somaxconn") == NULL);
    sg_model_free(m);

    /* A kernel string that does not parse stops the load with a reason. */
    o.kernel = "not-a-kernel";
    CHECK(sg_model_load(&o, &m, &err) < 0 && m == NULL && err != NULL);
    free(err);
    err = NULL;

    /* A fragment that does not exist is a diagnostic, not a failure. */
    o.kernel = "6.1";
    o.fragment = "/nonexistent/x.conf";
    CHECK(sg_model_load(&o, &m, &err) == 0);
    if (m) {
        CHECK(m->n_applied == 0 && m->diags.n == 1);
        CHECK(m->diags.n == 1 && m->diags.v[0].severity == SG_SEV_ERROR);
        sg_model_free(m);
    }
    unlink(path);
    return check_done("model");
}
