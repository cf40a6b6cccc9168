/* The sysctl copies an initramfs image carries (bootimg.h): newc cpio
 * archives one after another, the padding between them, only sysctl
 * files kept, read as the kernel reads them (init/initramfs.c) in the
 * uncompressed part and in what libarchive unpacks alike, and broken
 * input refused with a reason, never read past. */
#include "bootimg.h"
#include "check.h"

#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define NEWC_HEADER 110

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

/* DATA (LEN bytes, below 64 KiB) as gzip with one stored deflate block:
 * what libarchive's gzip filter reads, made without a compressor. */
static size_t gzip_stored(const char *data, size_t len, unsigned char *out)
{
    static const unsigned char head[10] = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3};
    uint32_t crc = 0xffffffffu;
    for (size_t i = 0; i < len; i++) {
        crc ^= (unsigned char)data[i];
        for (int k = 0; k < 8; k++)
            crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
    }
    crc ^= 0xffffffffu;
    unsigned char *o = out;
    memcpy(o, head, sizeof(head));
    o += sizeof(head);
    *o++ = 1; /* the final block, stored */
    uint16_t n = (uint16_t)len, nn = (uint16_t)~n;
    *o++ = n & 0xff, *o++ = n >> 8, *o++ = nn & 0xff, *o++ = nn >> 8;
    memcpy(o, data, len);
    o += len;
    uint32_t tail[2] = {crc, (uint32_t)len};
    for (int w = 0; w < 2; w++)
        for (int k = 0; k < 4; k++)
            *o++ = (unsigned char)(tail[w] >> (8 * k));
    return (size_t)(o - out);
}

/* A compressed archive after the microcode's: read with libarchive, which
 * is loaded then; a host without it is told so, and nothing is read. */
static void compressed(void)
{
    static char cpio[4096] __attribute__((aligned(4)));
    static unsigned char img[8192] __attribute__((aligned(4)));
    char *p = cpio;
    entry(&p, "etc/sysctl.d/10-x.conf", 0100644, "vm.swappiness = 1\n");
    entry(&p, "TRAILER!!!", 0, "");
    char *u = (char *)img;
    entry(&u, "kernel/x86/microcode/AuthenticAMD.bin", 0100644, "ucode");
    entry(&u, "TRAILER!!!", 0, "");
    size_t pre = (size_t)(u - (char *)img);
    size_t len = pre + gzip_stored(cpio, (size_t)(p - cpio), img + pre);

    struct sg_bootimg b;
    const char *why = NULL;
    CHECK(sg_bootimg_parse(img, len, &b, &why) == 0 && b.n == 1 &&
          strcmp(b.v[0].path, "/etc/sysctl.d/10-x.conf") == 0 &&
          strcmp(b.v[0].text, "vm.swappiness = 1\n") == 0);
    sg_bootimg_free(&b);
    sg_bootimg_archive_lib("libsysctl-guard-absent.so.0");
    why = NULL;
    CHECK(sg_bootimg_parse(img, len, &b, &why) == -22 && b.n == 0 && why &&
          strstr(why, "libarchive") != NULL);
    sg_bootimg_free(&b);
    sg_bootimg_archive_lib("libarchive.so.13");
    CHECK(sg_bootimg_parse(img, len, &b, &why) == 0 && b.n == 1);
    sg_bootimg_free(&b);
}

/* CPIO (LEN bytes) gzipped after nothing: what sg_bootimg_parse says,
 * the files in *B. */
static int parse_gzipped(const char *cpio, size_t len, struct sg_bootimg *b,
                         const char **why)
{
    static unsigned char img[16384];
    size_t n = gzip_stored(cpio, len, img);
    *why = NULL;
    return sg_bootimg_parse(img, n, b, why);
}

/* What libarchive unpacks is walked as the kernel walks it
 * (init/initramfs.c): archives one after another in one compressed stream
 * (libarchive's cpio reader stopped at the first trailer), an entry whose
 * name is longer than PATH_MAX passed over, a name length of ~3.7 GB
 * (fuzz_source: libarchive allocated that much) refused when the stream
 * ends first, zero padding between entries passed over and a missing
 * last trailer accepted, padding off a 4-byte boundary refused, and a
 * stream cut anywhere refused or read as far as it goes. */
static void unpacked(void)
{
    static char cpio[12288] __attribute__((aligned(4)));
    struct sg_bootimg b;
    const char *why;
    char *p = cpio;
    entry(&p, "etc/sysctl.d/10-x.conf", 0100644, "vm.swappiness = 1\n");
    entry(&p, "TRAILER!!!", 0, "");
    memset(p, 0, 64);
    p += 64;
    entry(&p, "usr/lib/sysctl.d/50-y.conf", 0100644, "kernel.panic = 0\n");
    entry(&p, "TRAILER!!!", 0, "");
    size_t len = (size_t)(p - cpio);
    CHECK(parse_gzipped(cpio, len, &b, &why) == 0 && b.n == 2 &&
          strcmp(b.v[1].path, "/usr/lib/sysctl.d/50-y.conf") == 0);
    sg_bootimg_free(&b);
    for (size_t cut = 1; cut < len; cut += 5) {
        int r = parse_gzipped(cpio, cut, &b, &why);
        CHECK(r == 0 || (r == -22 && why));
        sg_bootimg_free(&b);
    }

    p = cpio;
    char longname[5001];
    memset(longname, 'n', sizeof(longname) - 1);
    longname[sizeof(longname) - 1] = '\0';
    entry(&p, longname, 0100644, "ignored");
    entry(&p, "etc/sysctl.d/10-x.conf", 0100644, "vm.swappiness = 1\n");
    entry(&p, "TRAILER!!!", 0, "");
    CHECK(parse_gzipped(cpio, (size_t)(p - cpio), &b, &why) == 0 && b.n == 1 &&
          strcmp(b.v[0].path, "/etc/sysctl.d/10-x.conf") == 0);
    sg_bootimg_free(&b);

    char huge[NEWC_HEADER + 16];
    memset(huge, 'D', sizeof(huge));
    memcpy(huge, "070701", 6);
    CHECK(parse_gzipped(huge, sizeof(huge), &b, &why) == -22 && why &&
          b.n == 0);
    sg_bootimg_free(&b);

    /* zero padding between entries, and no trailer at the end: the
     * kernel reads both files (do_reset after every entry; the trailer is
     * optional) */
    p = cpio;
    entry(&p, "etc/sysctl.d/10-x.conf", 0100644, "vm.swappiness = 1\n");
    memset(p, 0, 8);
    p += 8;
    entry(&p, "etc/sysctl.d/20-y.conf", 0100644, "kernel.panic = 0\n");
    CHECK(parse_gzipped(cpio, (size_t)(p - cpio), &b, &why) == 0 && b.n == 2 &&
          strcmp(b.v[1].path, "/etc/sysctl.d/20-y.conf") == 0);
    sg_bootimg_free(&b);
    /* padding that does not end on a 4-byte boundary: refused, as the
     * kernel's "broken padding" */
    p = cpio;
    entry(&p, "etc/sysctl.d/10-x.conf", 0100644, "vm.swappiness = 1\n");
    memset(p, 0, 2);
    p += 2;
    memcpy(p, "070701", 6);
    p += 6;
    CHECK(parse_gzipped(cpio, (size_t)(p - cpio), &b, &why) == -22 && why);
    sg_bootimg_free(&b);
}

/* The uncompressed part is read as the kernel reads it too
 * (unpack_to_rootfs, do_reset): zero padding between any two entries, a
 * trailer that may be missing before the compressed part or at the end,
 * and padding that ends off a 4-byte boundary refused ("broken
 * padding"), before a header or before the compressed part. */
static void uncompressed(void)
{
    static char img[8192] __attribute__((aligned(4)));
    static char cpio[4096] __attribute__((aligned(4)));
    struct sg_bootimg b;
    const char *why = NULL;
    char *p = img;
    entry(&p, "etc/sysctl.d/10-x.conf", 0100644, "vm.swappiness = 1\n");
    memset(p, 0, 12);
    p += 12;
    entry(&p, "etc/sysctl.d/20-y.conf", 0100644, "kernel.panic = 0\n");
    CHECK(sg_bootimg_parse((unsigned char *)img, (size_t)(p - img), &b, &why) ==
              0 &&
          b.n == 2 && strcmp(b.v[1].path, "/etc/sysctl.d/20-y.conf") == 0);
    sg_bootimg_free(&b);

    /* no trailer, then the compressed part */
    char *c = cpio;
    entry(&c, "usr/lib/sysctl.d/50-z.conf", 0100644, "fs.file-max = 9\n");
    entry(&c, "TRAILER!!!", 0, "");
    size_t len = (size_t)(p - img);
    len += gzip_stored(cpio, (size_t)(c - cpio), (unsigned char *)img + len);
    CHECK(sg_bootimg_parse((unsigned char *)img, len, &b, &why) == 0 &&
          b.n == 3 && strcmp(b.v[2].path, "/usr/lib/sysctl.d/50-z.conf") == 0);
    sg_bootimg_free(&b);

    /* two bytes of padding after an entry, before a header or before
     * the compressed part */
    p = img;
    entry(&p, "etc/sysctl.d/10-x.conf", 0100644, "vm.swappiness = 1\n");
    memset(p, 0, 2);
    p += 2;
    char *after = p;
    entry(&p, "etc/sysctl.d/20-y.conf", 0100644, "kernel.panic = 0\n");
    why = NULL;
    CHECK(sg_bootimg_parse((unsigned char *)img, (size_t)(p - img), &b, &why) ==
              -22 &&
          why && strstr(why, "broken padding") && b.n == 0);
    sg_bootimg_free(&b);
    len = (size_t)(after - img);
    len += gzip_stored(cpio, (size_t)(c - cpio), (unsigned char *)img + len);
    why = NULL;
    CHECK(sg_bootimg_parse((unsigned char *)img, len, &b, &why) == -22 && why &&
          strstr(why, "broken padding") && b.n == 0);
    sg_bootimg_free(&b);
}

int main(void)
{
    uncompressed();
    compressed();
    unpacked();
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
