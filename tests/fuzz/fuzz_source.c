/*
 * fuzz_source.c - libFuzzer target: arbitrary bytes as each file the
 * kernel command line source reads (source.h): a command line
 * (/proc/cmdline, /etc/kernel/cmdline), /etc/default/grub's shell
 * assignments, a Boot Loader Specification entry. Every value read must
 * have a non-empty key and value. Build and run: make fuzz.
 */
#include "source.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char *const files[] = {
    "/proc/cmdline",
    "/etc/default/grub",
    "/boot/loader/entries/a.conf",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    struct sg_kver k;
    sg_kver_parse("6.1.0-13-amd64", &k);
    for (size_t i = 0; i < sizeof(files) / sizeof(*files); i++) {
        struct sg_sourced_list l = {0};
        if (sg_source_cmdline_text(text, files[i], &k, &l) == 0)
            for (size_t j = 0; j < l.n; j++)
                if (!*l.v[j].value || !*l.v[j].key || !l.v[j].line)
                    abort();
        sg_sourced_free(&l);
    }
    free(text);
    return 0;
}
