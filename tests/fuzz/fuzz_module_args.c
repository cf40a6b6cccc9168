/*
 * fuzz_module_args.c - libFuzzer target: arbitrary bytes as the arguments
 * file Ansible hands the binary module (plugin/cli/ansible.c): detection,
 * cJSON, the parameter checks and conversions, then a check-mode run over
 * a small tree with whatever parameters survive (state=fixed only plans:
 * check mode is forced, so nothing is written). Built with the command-line
 * sources, main() renamed. Build and run: make fuzz.
 */
#include "../../plugin/cli/cli.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char args[] = "/tmp/sg-fuzz-args-XXXXXX";
static char root[] = "/tmp/sg-fuzz-root-XXXXXX";

static void remove_scratch(void)
{
    char p[256];
    unlink(args);
    snprintf(p, sizeof(p), "%s/etc/sysctl.d/60-t.conf", root);
    unlink(p);
    snprintf(p, sizeof(p), "%s/etc/sysctl.d", root);
    rmdir(p);
    snprintf(p, sizeof(p), "%s/etc", root);
    rmdir(p);
    rmdir(root);
}

static void setup(void)
{
    char p[256];
    int fd = mkstemp(args);
    if (fd < 0 || !mkdtemp(root))
        abort();
    close(fd);
    snprintf(p, sizeof(p), "%s/etc", root);
    mkdir(p, 0755);
    snprintf(p, sizeof(p), "%s/etc/sysctl.d", root);
    mkdir(p, 0755);
    snprintf(p, sizeof(p), "%s/etc/sysctl.d/60-t.conf", root);
    FILE *f = fopen(p, "w");
    if (!f)
        abort();
    fputs("net.ipv4.tcp_tw_recycle = 1\nnet.core.somaxconn = 1024\n", f);
    fclose(f);
    atexit(remove_scratch);
    /* The module prints one JSON object per run: not wanted here. */
    if (!freopen("/dev/null", "w", stdout))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int ready;
    char prefix[512];

    if (!ready) {
        setup();
        ready = 1;
    }
    /* Most inputs become the value of one more key after root and check
     * mode (cJSON's lookup finds the first of repeated keys, so these
     * stay in force); an input that is an object is used as it is. */
    int n = snprintf(prefix, sizeof(prefix),
                     "{\"root\": \"%s\", \"_ansible_check_mode\": true, "
                     "\"_ansible_diff\": true, \"x\": ",
                     root);
    FILE *f = fopen(args, "w");
    if (!f)
        abort();
    if (size && data[0] == '{') {
        fwrite(data, 1, size, f); /* the raw bytes, as given */
    } else {
        fwrite(prefix, 1, (size_t)n, f);
        fwrite(data, 1, size, f);
        fputc('}', f);
    }
    fclose(f);
    if (sg_ansible_args_file(args)) {
        /* A raw object without root would check "/": fine, read-only
         * unless it asks state=fixed without check mode, so force it. */
        if (size && data[0] == '{' && (memmem(data, size, "fixed", 5)))
            return 0;
        sg_ansible_main(args);
    }
    return 0;
}
