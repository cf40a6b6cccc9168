/*
 * fuzz_module_args.c - libFuzzer target: arbitrary bytes as the arguments
 * file Ansible hands the binary module (plugin/ansible/module.c): detection,
 * cJSON, the parameter checks and conversions, then a check-mode run over
 * a small tree with whatever parameters survive. Nothing is ever written
 * and nothing but the scratch tree is read, by construction: every run has
 * the harness's own root and check mode. An input that is a JSON object is
 * decoded here with the module's own parser (cJSON, so "fixe\u0064" is
 * "fixed" here too), every "root" and "_ansible_check_mode" in it is
 * replaced by the harness's, and the module gets that object re-encoded;
 * any other input becomes the value of one more key after the harness's
 * root and check mode (the module takes the first of repeated keys).
 * Built with the command-line sources, main() renamed. Run: make fuzz.
 */
#include "../../plugin/ansible/module.h"

#include <cjson/cJSON.h>

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
        cJSON *o = cJSON_ParseWithLength((const char *)data, size);
        if (!cJSON_IsObject(o)) {
            cJSON_Delete(o);
            fclose(f);
            return 0; /* the module would refuse it before running */
        }
        for (cJSON *k = o->child, *next; k; k = next) {
            next = k->next; /* K may go */
            if (k->string && (strcmp(k->string, "root") == 0 ||
                              strcmp(k->string, "_ansible_check_mode") == 0))
                cJSON_Delete(cJSON_DetachItemViaPointer(o, k));
        }
        cJSON_AddStringToObject(o, "root", root);
        cJSON_AddTrueToObject(o, "_ansible_check_mode");
        char *text = cJSON_PrintUnformatted(o);
        cJSON_Delete(o);
        if (!text)
            abort();
        fputs(text, f);
        free(text);
    } else {
        fwrite(prefix, 1, (size_t)n, f);
        fwrite(data, 1, size, f);
        fputc('}', f);
    }
    fclose(f);
    if (sg_ansible_args_file(args))
        sg_ansible_main(args);
    return 0;
}
