/*
 * fuzz_source.c - libFuzzer target: arbitrary bytes as each file the
 * kernel command line source reads (source.h): a command line
 * (/proc/cmdline, /etc/kernel/cmdline), /etc/default/grub's shell
 * assignments, a Boot Loader Specification entry. Every value read must
 * have a non-empty key and value. The same bytes as each file the
 * writers of /proc/sys read (writers.h): ufw's sysctl.conf and
 * /etc/default/ufw, a tuned profile and tuned-main.conf, Docker's
 * daemon.json, the kubelet's configuration; every entry has a key, a
 * value and a file. And as an initramfs image (bootimg.h): cpio archives,
 * uncompressed or compressed; every copy kept is a sysctl file's.
 * Build and run: make fuzz.
 */
#include "bootimg.h"
#include "source.h"
#include "writers.h"

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
    static const char *const writers[] = {
        "ufw-sysctl",  "ufw-default", "tuned",        "tuned-main",
        "daemon.json", "kubelet",     "nmconnection", "network"};
    for (size_t i = 0; i < sizeof(writers) / sizeof(*writers); i++) {
        struct sg_writers w = {0};
        if (sg_writers_text(writers[i], text, &w) == 0)
            for (size_t j = 0; j < w.n; j++)
                if (!w.v[j].key || !w.v[j].value || !w.v[j].file)
                    abort();
        sg_writers_free(&w);
    }
    struct sg_bootimg b;
    const char *why;
    if (sg_bootimg_parse(data, size, &b, &why) == 0)
        for (size_t i = 0; i < b.n; i++)
            if (!sg_bootimg_is_sysctl(b.v[i].path) || !b.v[i].text)
                abort();
    sg_bootimg_free(&b);
    free(text);
    return 0;
}
