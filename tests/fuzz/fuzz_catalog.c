/*
 * fuzz_catalog.c - libFuzzer target: arbitrary bytes as the catalog's
 * keys.tsv (the first third) and history.tsv (the second) through the
 * loader, and, when they load, every lookup a rule makes: states across
 * versions, templates and globs, values judged, suggestions, sentences;
 * then the last third as relations.tsv (relations.h) and every
 * kind of relation asked of each key on each kernel, and as defaults.tsv
 * (defaults.h) with each key's boot value asked.
 * Build and run: make fuzz.
 */
#include "catalog.h"
#include "defaults.h"
#include "relations.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char *const keys[] = {
    "net.ipv4.tcp_timestamps",
    "net.ipv4.conf.eth0.rp_filter",
    "net.ipv4.conf.*.rp_filter",
    "kernel.shmax",
    "vm.swappiness",
    "a",
    "kernel.sem",
    "net.ipv6.conf.<iface>.accept_ra",
    "x.y.z.w.v",
    "net.ipv4.conf.e[a-z]h0.rp_filter",
};
static const char *const values[] = {
    "1",
    "-1",
    "0x10",
    "08",
    "1 2 3",
    "",
    "  7 # x",
    "99999999999999999999",
    "-9223372036854775808",
    "abc",
};
static const char *const kernels[] = {"3.10", "5.15.3", "6.1", "99.99",
                                      "6.1.0-13-amd64"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct sg_catalog c;
    struct sg_diags d = {0};
    size_t third = size / 3;

    if (sg_catalog_parse((const char *)data, third, "keys.tsv",
                         (const char *)data + third, third, "history.tsv", &c,
                         &d) == 0) {
        for (size_t i = 0; i < sizeof(keys) / sizeof(*keys); i++) {
            char buf[200];
            free(sg_catalog_suggest(&c, keys[i]));
            (void)sg_catalog_knows(&c, keys[i]);
            for (size_t j = 0; j < sizeof(kernels) / sizeof(*kernels); j++) {
                struct sg_kver k;
                struct sg_catinfo in;
                sg_kver_parse(kernels[j], &k);
                sg_catalog_lookup(&c, keys[i], &k, &in);
                free(sg_catalog_history(&c, keys[i], &k));
                for (size_t v = 0;
                     in.row && v < sizeof(values) / sizeof(*values); v++)
                    (void)sg_catalog_rejects(in.row, values[v], buf,
                                             sizeof(buf));
            }
        }
        if (sg_relations_parse(&c, (const char *)data + 2 * third,
                               size - 2 * third, "relations.tsv", &d) == 0)
            for (size_t i = 0; i < sizeof(keys) / sizeof(*keys); i++)
                for (size_t j = 0; j < sizeof(kernels) / sizeof(*kernels);
                     j++) {
                    const struct sg_relrow *r[4];
                    struct sg_kver k;
                    sg_kver_parse(kernels[j], &k);
                    for (int kind = SG_REL_ZEROES; kind <= SG_REL_FIELD_MAX_EXT;
                         kind++)
                        if (sg_relations_find(&c, &k, kind, keys[i], NULL, r,
                                              4) > 4 ||
                            sg_relations_find(&c, &k, kind, NULL, keys[i], r,
                                              4) > 4)
                            abort();
                }
        if (sg_defaults_parse(&c, (const char *)data + 2 * third,
                              size - 2 * third, "defaults.tsv", &d) == 0)
            for (size_t i = 0; i < sizeof(keys) / sizeof(*keys); i++)
                for (size_t j = 0; j < sizeof(kernels) / sizeof(*kernels);
                     j++) {
                    struct sg_kver k;
                    sg_kver_parse(kernels[j], &k);
                    (void)sg_defaults_at_boot(&c, keys[i], &k);
                }
        sg_catalog_free(&c);
    }
    sg_diags_free(&d);
    return 0;
}
