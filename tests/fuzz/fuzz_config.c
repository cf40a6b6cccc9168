/*
 * fuzz_config.c - libFuzzer target: arbitrary bytes as a project
 * configuration (.sysctl-guard.json) through the parser, and, when they
 * parse, the per-path overrides for a few paths.
 * Build and run: make fuzz.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char *const paths[] = {
    "hosts/el7/a.conf",  "a.conf", "/etc/sysctl.d/x.conf", "", "hosts",
    "../outside/b.conf",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct sg_config c;
    char *err = NULL;
    char *text = malloc(size + 1);

    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    if (sg_config_parse(text, "fuzz.json", "/nonexistent", &c, &err) == 0) {
        for (size_t i = 0; i < sizeof(paths) / sizeof(*paths); i++) {
            struct sg_settings s;
            sg_config_for(&c, paths[i], &s);
            for (size_t k = 0; k < s.n_profiles; k++)
                (void)strlen(s.profiles[k]);
            for (size_t k = 0; k < s.n_disabled; k++)
                (void)strlen(s.disabled[k]);
            if (s.kernel)
                (void)strlen(s.kernel);
        }
    } else if (!err) {
        abort(); /* a failure always says why */
    }
    free(err);
    sg_config_free(&c);
    free(text);
    return 0;
}
