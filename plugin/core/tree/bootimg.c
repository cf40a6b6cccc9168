/*
 * bootimg.c - see bootimg.h. The uncompressed cpio archives at the front
 * are walked here (the newc header is 110 bytes of ASCII hex fields, the
 * name and the data each padded to 4 bytes); the first archive that does
 * not start with a newc magic is handed to libarchive, which detects its
 * compression. Only regular files whose name sysctl reads are kept.
 */
#include "bootimg.h"
#include "../base/util.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define NEWC_HDR 110

bool sg_bootimg_is_sysctl(const char *path)
{
    static const char *const pats[] = {
        "/etc/sysctl.conf",         "/etc/sysctl.d/*.conf",
        "/run/sysctl.d/*.conf",     "/usr/local/lib/sysctl.d/*.conf",
        "/usr/lib/sysctl.d/*.conf", "/lib/sysctl.d/*.conf",
    };
    for (size_t i = 0; i < sizeof(pats) / sizeof(*pats); i++)
        if (fnmatch(pats[i], path, FNM_PATHNAME | FNM_PERIOD) == 0)
            return true;
    return false;
}

/* NAME as an absolute path ("./etc/x" and "etc/x" are "/etc/x"); NULL
 * on ENOMEM. */
static char *absolute(const char *name)
{
    while (name[0] == '.' && name[1] == '/')
        name += 2;
    while (*name == '/')
        name++;
    return sg_strdup_printf("/%s", name);
}

static int keep(struct sg_bootimg *out, const char *name, const char *data,
                size_t len)
{
    char *path = absolute(name);
    if (!path)
        return -ENOMEM;
    if (!sg_bootimg_is_sysctl(path) || len > SG_BOOTIMG_FILE_MAX) {
        free(path);
        return 0;
    }
    char *text = strndup(data, len);
    if (!text ||
        sg_grow((void **)&out->v, sizeof(*out->v), out->n + 1, &out->cap) < 0) {
        free(path);
        free(text);
        return -ENOMEM;
    }
    out->v[out->n++] = (struct sg_bootfile){path, text};
    return 0;
}

/* Eight hex digits at P, or -1. */
static long long hex8(const unsigned char *p)
{
    long long v = 0;
    for (int i = 0; i < 8; i++) {
        int c = p[i], d = c >= '0' && c <= '9'   ? c - '0'
                          : c >= 'a' && c <= 'f' ? c - 'a' + 10
                          : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                                 : -1;
        if (d < 0)
            return -1;
        v = v * 16 + d;
    }
    return v;
}

static bool newc_magic(const unsigned char *p, size_t left)
{
    return left >= 6 &&
           (memcmp(p, "070701", 6) == 0 || memcmp(p, "070702", 6) == 0);
}

/* One uncompressed archive from *POS, to just past its trailer. */
static int walk_newc(const unsigned char *buf, size_t len, size_t *pos,
                     struct sg_bootimg *out, const char **why)
{
    size_t p = *pos;
    for (;;) {
        if (len - p < NEWC_HDR || !newc_magic(buf + p, len - p)) {
            *why = "a cpio archive that is cut short or broken";
            return -EINVAL;
        }
        long long mode = hex8(buf + p + 14), size = hex8(buf + p + 54),
                  namesize = hex8(buf + p + 94);
        if (mode < 0 || size < 0 || namesize < 1) {
            *why = "a cpio header that is not hexadecimal";
            return -EINVAL;
        }
        size_t name = p + NEWC_HDR;
        size_t data = (name + (size_t)namesize + 3) & ~(size_t)3;
        if ((size_t)namesize > len - name || data > len ||
            (size_t)size > len - data || buf[name + namesize - 1] != '\0') {
            *why = "a cpio entry that runs past the image";
            return -EINVAL;
        }
        const char *n = (const char *)buf + name;
        if (strcmp(n, "TRAILER!!!") == 0) {
            *pos = (data + (size_t)size + 3) & ~(size_t)3;
            if (*pos > len)
                *pos = len;
            return 0;
        }
        if (S_ISREG((mode_t)mode)) {
            int r = keep(out, n, (const char *)buf + data, (size_t)size);
            if (r < 0)
                return r;
        }
        p = (data + (size_t)size + 3) & ~(size_t)3;
        if (p > len) {
            *why = "a cpio entry that runs past the image";
            return -EINVAL;
        }
    }
}

/* The compressed archive at BUF (LEN bytes), through libarchive. */
static int read_compressed(const unsigned char *buf, size_t len,
                           struct sg_bootimg *out, const char **why)
{
    struct archive *a = archive_read_new();
    struct archive_entry *e;
    int r = 0;
    if (!a)
        return -ENOMEM;
    archive_read_support_filter_all(a);
    archive_read_support_format_cpio(a);
    if (archive_read_open_memory(a, buf, len) != ARCHIVE_OK) {
        *why = "no cpio archive libarchive can read";
        archive_read_free(a);
        return -EINVAL;
    }
    char *data = NULL;
    size_t entries = 0;
    for (int s;
         r == 0 && (s = archive_read_next_header(a, &e)) != ARCHIVE_EOF;) {
        /* a bound on the work: what an image unpacks to, its entries */
        if (++entries > SG_BOOTIMG_MAX_ENTRIES ||
            archive_filter_bytes(a, 0) > (la_int64_t)SG_BOOTIMG_MAX_UNPACKED) {
            *why = "an image that unpacks to more than this reads";
            r = -EINVAL;
            break;
        }
        if (s != ARCHIVE_OK && s != ARCHIVE_WARN) {
            *why = "a compressed cpio archive that is cut short or broken";
            r = -EINVAL;
            break;
        }
        const char *name = archive_entry_pathname(e);
        la_int64_t size = archive_entry_size(e);
        char *path = name ? absolute(name) : NULL;
        if (name && !path) {
            r = -ENOMEM;
            break;
        }
        bool want = path && archive_entry_filetype(e) == AE_IFREG &&
                    sg_bootimg_is_sysctl(path) && size >= 0 &&
                    size <= (la_int64_t)SG_BOOTIMG_FILE_MAX;
        free(path);
        if (!want)
            continue; /* the next header skips its data */
        free(data);
        data = malloc((size_t)size + 1);
        if (!data) {
            r = -ENOMEM;
            break;
        }
        la_ssize_t got = archive_read_data(a, data, (size_t)size);
        if (got != (la_ssize_t)size) {
            *why = "a compressed cpio archive that is cut short or broken";
            r = -EINVAL;
            break;
        }
        r = keep(out, name, data, (size_t)size);
    }
    free(data);
    archive_read_free(a);
    return r;
}

int sg_bootimg_parse(const unsigned char *buf, size_t len,
                     struct sg_bootimg *out, const char **why)
{
    size_t pos = 0;
    *out = (struct sg_bootimg){0};
    *why = NULL;
    int r = 0;
    while (r == 0 && pos < len) {
        while (pos < len && buf[pos] == 0)
            pos++; /* the padding between archives */
        if (pos >= len)
            break;
        if (newc_magic(buf + pos, len - pos)) {
            r = walk_newc(buf, len, &pos, out, why);
            continue;
        }
        r = read_compressed(buf + pos, len - pos, out, why);
        break;
    }
    if (r == 0 && pos == 0 && len == 0) {
        *why = "an empty file";
        r = -EINVAL;
    }
    if (r < 0)
        sg_bootimg_free(out);
    return r;
}

void sg_bootimg_free(struct sg_bootimg *b)
{
    for (size_t i = 0; i < b->n; i++) {
        free(b->v[i].path);
        free(b->v[i].text);
    }
    free(b->v);
    *b = (struct sg_bootimg){0};
}
