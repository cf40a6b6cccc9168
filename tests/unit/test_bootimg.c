/* The sysctl copies an initramfs image carries (bootimg.h): newc cpio
 * archives one after another, the padding between them, only sysctl
 * files kept, and broken input refused with a reason, never read past. */
#include "bootimg.h"
#include "check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One newc entry of NAME (mode MODE) holding DATA, appended at *P. */
static void entry(char **p, const char *name, unsigned mode, const char *data)
{
    size_t nl = strlen(name) + 1, dl = strlen(data);
    *p += sprintf(*p,
                  "070701%08X%08X%08X%08X%08X%08X%08zX%08X%08X%08X%08X"
                  "%08zX%08X",
                  1u, mode, 0u, 0u, 1u, 0u, dl, 0u, 0u, 0u, 0u, nl, 0u);
    memcpy(*p, name, nl);
    *p += nl;
    while ((size_t)(*p) % 4)
        *(*p)++ = '\0';
    memcpy(*p, data, dl);
    *p += dl;
    while ((size_t)(*p) % 4)
        *(*p)++ = '\0';
}

int main(void)
{
    static char img[8192] __attribute__((aligned(4)));
    char *p = img;
    entry(&p, "kernel/x86/microcode/GenuineIntel.bin", 0100644, "ucode");
    entry(&p, "TRAILER!!!", 0, "");
    memset(p, 0, 512); /* padding between the archives */
    p += 512;
    entry(&p, ".", 040755, "");
    entry(&p, "etc/sysctl.d/10-x.conf", 0100644, "vm.swappiness = 1\n");
    entry(&p, "./usr/lib/sysctl.d/50-y.conf", 0100644, "kernel.panic = 0\n");
    entry(&p, "etc/sysctl.d/link.conf", 0120777, "10-x.conf");
    entry(&p, "etc/hostname", 0100644, "box\n");
    entry(&p, "TRAILER!!!", 0, "");
    size_t len = (size_t)(p - img);

    struct sg_bootimg b;
    const char *why = NULL;
    CHECK(sg_bootimg_parse((unsigned char *)img, len, &b, &why) == 0);
    CHECK(b.n == 2);
    CHECK(b.n == 2 && strcmp(b.v[0].path, "/etc/sysctl.d/10-x.conf") == 0 &&
          strcmp(b.v[0].text, "vm.swappiness = 1\n") == 0 &&
          strcmp(b.v[1].path, "/usr/lib/sysctl.d/50-y.conf") == 0);
    sg_bootimg_free(&b);
    /* cut anywhere: refused or read as far as it goes, never past */
    for (size_t cut = 1; cut < len; cut += 7) {
        char *copy = malloc(cut);
        memcpy(copy, img, cut);
        int r = sg_bootimg_parse((unsigned char *)copy, cut, &b, &why);
        CHECK(r == 0 || (r == -22 && why));
        sg_bootimg_free(&b);
        free(copy);
    }
    /* not hexadecimal; nothing at all */
    char bad[200];
    memset(bad, 'z', sizeof(bad));
    memcpy(bad, "070701", 6);
    CHECK(sg_bootimg_parse((unsigned char *)bad, sizeof(bad), &b, &why) ==
              -22 &&
          why);
    CHECK(sg_bootimg_parse((unsigned char *)"", 0, &b, &why) == -22);
    CHECK(sg_bootimg_is_sysctl("/etc/sysctl.conf") &&
          sg_bootimg_is_sysctl("/run/sysctl.d/a.conf") &&
          !sg_bootimg_is_sysctl("/etc/sysctl.d/a.txt") &&
          !sg_bootimg_is_sysctl("/etc/sysctl.d/sub/a.conf"));
    return check_done("bootimg");
}
