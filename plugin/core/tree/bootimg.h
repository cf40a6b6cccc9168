/*
 * bootimg.h - the sysctl files an initramfs image of the tree carries
 * (issue 28). dracut's systemd-sysctl module copies the sysctl.d files
 * into the image and applies them in early boot; a copy made before the
 * files changed applies the old values until the real root's
 * systemd-sysctl runs (dracut-ng #2571), and keys nothing sets later keep
 * them. model.c compares each copy with the tree's file (a diagnostic
 * "initramfs-stale", policies/boot.xml) when a file or a sysctl.d
 * directory of the tree is newer than the image (an image built after
 * every change is not read at all).
 *
 * An image is one or more cpio archives in the "newc" format, one after
 * another: uncompressed ones first (early microcode), then a compressed
 * part (gzip, zstd, xz, lz4, bzip2, lzma: libarchive unpacks it) holding
 * one or more archives.
 */
#ifndef SG_BOOTIMG_H
#define SG_BOOTIMG_H

#include <stdbool.h>
#include <stddef.h>

/* Largest image read (bigger ones are said to be too big, not read). */
#define SG_BOOTIMG_MAX (512u * 1024u * 1024u)
/* What a compressed archive may unpack to, and hold, before reading it
 * stops (a hostile image is no decompression bomb). */
#define SG_BOOTIMG_MAX_UNPACKED (4ull * 1024u * 1024u * 1024u)
#define SG_BOOTIMG_MAX_ENTRIES 500000u
/* Largest sysctl file kept from an image. */
#define SG_BOOTIMG_FILE_MAX (1024u * 1024u)

struct sg_bootfile {
    char *path; /* inside the image, absolute: "/etc/sysctl.d/10-x.conf" */
    char *text;
};

struct sg_bootimg {
    struct sg_bootfile *v;
    size_t n, cap;
};

/* Whether PATH (absolute) is a file systemd-sysctl or procps reads. */
bool sg_bootimg_is_sysctl(const char *path);

/* The sysctl files of the image in BUF (LEN bytes) into OUT: 0, -ENOMEM,
 * or -EINVAL with *WHY (static text) when it is no image this reads. */
int sg_bootimg_parse(const unsigned char *buf, size_t len,
                     struct sg_bootimg *out, const char **why);
void sg_bootimg_free(struct sg_bootimg *b);

/* Tests only: the library loaded for compressed archives (its soname,
 * "libarchive.so.13"), to see what a host without it is told. */
void sg_bootimg_archive_lib(const char *soname);

#endif
