/* Kernel release strings: every distribution string of facts.md parses,
 * numbers compare, junk is refused. */
#include "check.h"
#include "kver.h"

static int cmp(const char *a, const char *b)
{
    struct sg_kver x, y;
    if (sg_kver_parse(a, &x) < 0 || sg_kver_parse(b, &y) < 0)
        return 99;
    return sg_kver_cmp(&x, &y);
}

int main(void)
{
    static const struct {
        const char *s;
        unsigned maj, min, patch;
    } ok[] = {
        {"3.10.0-1160.el7.x86_64", 3, 10, 0},
        {"4.18.0-193.el8.x86_64", 4, 18, 0},
        {"5.14.0-162.23.1.el9_1.x86_64", 5, 14, 0},
        {"4.15.0-30-generic", 4, 15, 0},
        {"5.4.0-150-generic", 5, 4, 0},
        {"5.15.0-91-generic", 5, 15, 0},
        {"6.8.0-31-generic", 6, 8, 0},
        {"4.19.0-26-amd64", 4, 19, 0},
        {"5.10.0-23-amd64", 5, 10, 0},
        {"6.1.0-13-amd64", 6, 1, 0},
        {"6.12.38+deb13-amd64", 6, 12, 38},
        {"4.12", 4, 12, 0},
        {"6.14.0", 6, 14, 0},
        {"6.18.44-fc-v669", 6, 18, 44},
    };
    for (size_t i = 0; i < sizeof(ok) / sizeof(*ok); i++) {
        struct sg_kver k;
        CHECK(sg_kver_parse(ok[i].s, &k) == 0);
        CHECK(k.major == ok[i].maj && k.minor == ok[i].min &&
              k.patch == ok[i].patch);
        CHECK_STR(k.release, ok[i].s);
    }
    /* A leading "v" (git's tags) is dropped (issue 29). */
    struct sg_kver v;
    CHECK(sg_kver_parse("v6.1.55", &v) == 0 && v.major == 6 &&
          v.minor == 1 && v.patch == 55);
    CHECK_STR(v.release, "6.1.55");
    static const char *const bad[] = {"",     "6",         "linux-6.1",
                                      "6.x",  "6.1x",      "v",
                                      "vv6.1", "6..1", "1234567.1", NULL};
    for (size_t i = 0; bad[i]; i++) {
        struct sg_kver k;
        CHECK(sg_kver_parse(bad[i], &k) < 0);
    }
    CHECK(cmp("4.11.12", "4.12") < 0);
    CHECK(cmp("4.12.0-1", "4.12") == 0);
    CHECK(cmp("4.18.0-193.el8.x86_64", "4.12") > 0);
    CHECK(cmp("3.10.0-1160.el7.x86_64", "4.12") < 0);
    CHECK(cmp("6.12.38+deb13-amd64", "6.14") < 0);
    CHECK(cmp("10.0", "9.99") > 0);

    /* Whose build a release is (issue 25): the catalog's rows are
     * evidence only for their own build. */
    static const struct {
        const char *s;
        enum sg_kbuild b;
    } builds[] = {
        {"6.1", SG_KB_PLAIN},
        {"6.1.55", SG_KB_PLAIN},
        {"v6.8-rc3", SG_KB_PLAIN},
        {"4.19.0-26-amd64", SG_KB_DEBIAN},
        {"6.1.0-13-cloud-arm64", SG_KB_DEBIAN},
        {"6.12.38+deb13-amd64", SG_KB_DEBIAN},
        {"6.1.0-0.deb11.17-amd64", SG_KB_DEBIAN},
        {"5.10.0-0.bpo.15-amd64", SG_KB_DEBIAN},
        {"4.15.0-213-generic", SG_KB_UBUNTU},
        {"5.15.0-1051-aws", SG_KB_UBUNTU},
        {"6.8.0-31-lowlatency", SG_KB_UBUNTU},
        {"3.10.0-1160.el7.x86_64", SG_KB_RHEL},
        {"5.14.0-162.23.1.el9_1.x86_64", SG_KB_RHEL},
        {"5.15.0-200.131.27.el8uek.x86_64", SG_KB_RHEL},
        {"6.5.6-300.fc39.x86_64", SG_KB_OTHER},
        {"6.6.1-arch1-1", SG_KB_OTHER},
        {"5.14.21-150400.24.97-default", SG_KB_OTHER},
        {"6.8.12-4-pve", SG_KB_OTHER},
        {"6.1.0-13-custom", SG_KB_OTHER},
    };
    for (size_t i = 0; i < sizeof(builds) / sizeof(*builds); i++) {
        struct sg_kver k;
        CHECK(sg_kver_parse(builds[i].s, &k) == 0);
        if (sg_kver_build(&k) != builds[i].b)
            fprintf(stderr, "build of %s: %s\n", builds[i].s,
                    sg_kbuild_name(sg_kver_build(&k)));
        CHECK(sg_kver_build(&k) == builds[i].b);
    }
    return check_done("kver");
}
