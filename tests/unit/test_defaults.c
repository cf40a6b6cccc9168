/* The boot values of catalog/defaults.tsv (defaults.h): parsing,
 * malformed lines named with their line, and a value only for a Debian
 * build of a booted series. */
#include "catalog.h"
#include "check.h"
#include "defaults.h"

#include <stdlib.h>
#include <errno.h>
#include <string.h>

static const char keys[] =
    "# versions\t5.15.1\t6.1.2\t6.8.0\n"
    "# builds\tkernel.org\tdebian\tubuntu\n"
    "vm.swappiness\t5.15,6.1,6.8-ubuntu\tint\t0\t200\trw\t-\t-\tm.c:1\n";

static const char defaults[] = "# booted\t6.1\t6.1.0-57-amd64\n"
                               "kernel.a\t6.1\t1\n"
                               "vm.swappiness\t6.1\t60\n";

static const char *at(const struct sg_catalog *c, const char *key,
                      const char *k)
{
    struct sg_kver v;
    sg_kver_parse(k, &v);
    return sg_defaults_at_boot(c, key, &v);
}

int main(void)
{
    struct sg_catalog c;
    struct sg_diags d = {0};
    CHECK(sg_catalog_parse(keys, strlen(keys), "k", "", 0, "h", &c, &d) == 0);
    CHECK(sg_defaults_parse(&c, defaults, strlen(defaults), "d", &d) == 0);
    CHECK(c.n_def == 2 && d.n == 0);
    CHECK_STR(at(&c, "vm.swappiness", "6.1.0-13-amd64"), "60");
    CHECK_STR(at(&c, "kernel.a", "6.1.0-13-amd64"), "1");
    CHECK(at(&c, "kernel.b", "6.1.0-13-amd64") == NULL);
    /* not a Debian build, not a booted series */
    CHECK(at(&c, "vm.swappiness", "6.1.55") == NULL);
    CHECK(at(&c, "vm.swappiness", "6.8.0-31-generic") == NULL);
    /* the same rows as def2c.awk writes them: copied, sorted or refused */
    {
        static const struct sg_defrow rows[] = {{"kernel.a", 2u, "1"},
                                                {"vm.swappiness", 2u, "60"}},
                                      unsorted[] = {rows[1], rows[0]};
        CHECK(sg_defaults_builtin(&c, rows, 2) == 0 && c.n_def == 2 &&
              c.def == rows);
        CHECK_STR(at(&c, "vm.swappiness", "6.1.0-13-amd64"), "60");
        CHECK(sg_defaults_builtin(&c, unsorted, 2) == -EINVAL && c.n_def == 0);
        CHECK(at(&c, "vm.swappiness", "6.1.0-13-amd64") == NULL);
    }
    CHECK(at(&c, "vm.swappiness", "6.2.0-1-amd64") == NULL);
    CHECK(at(&c, "vm.swappiness", "5.15.0-1-amd64") == NULL);
    sg_catalog_free(&c);
    sg_diags_free(&d);

    static const char *const bad[] = {
        "vm.swappiness\t6.1\n",        /* two fields */
        "vm.swappiness\t6.1\t60\tx\n", /* four fields */
        "vm.swappiness\t9.9\t60\n",    /* a series the catalog lacks */
        "vm.swappiness\t6.1,,6.1\t60\n",  "\t6.1\t60\n", /* no key */
        "zz\t6.1\t1\nkernel.a\t6.1\t1\n",                /* not sorted */
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
        char text[128];
        snprintf(text, sizeof(text), "# x\n%s", bad[i]);
        CHECK(sg_catalog_parse(keys, strlen(keys), "k", "", 0, "h", &c, &d) ==
              0);
        CHECK(sg_defaults_parse(&c, text, strlen(text), "d.tsv", &d) < 0);
        CHECK(d.n == 1 && d.v[0].line >= 2 &&
              strcmp(d.v[0].file, "d.tsv") == 0);
        CHECK(c.n_def == 0 && !c.def_text);
        sg_catalog_free(&c);
        sg_diags_free(&d);
    }
    return check_done("defaults");
}
