/*
 * bootimg.c - see bootimg.h. The uncompressed cpio archives at the front
 * are walked here (the newc header is 110 bytes of ASCII hex fields, the
 * name and the data each padded to 4 bytes); the first archive that does
 * not start with a newc magic is handed to libarchive, which detects its
 * compression. Only regular files whose name sysctl reads are kept.
 *
 * libarchive is loaded (dlopen) the first time a compressed archive is
 * read, not linked: it brings eight more libraries that every run would
 * load and relocate (0.6 ms and 1.9M instructions at each start, issue 30)
 * while an image is read only when a sysctl file is newer than it.
 */
#include "bootimg.h"
#include "../base/util.h"

#include <archive.h>
#include <archive_entry.h>
#include <dlfcn.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define NEWC_HDR 110

/* libarchive 3's soname (since 3.0.0): the library the headers describe */
#if ARCHIVE_VERSION_NUMBER < 3000000 || ARCHIVE_VERSION_NUMBER >= 4000000
#error "bootimg.c loads libarchive.so.13: the headers are another major's"
#endif
static const char *archive_lib = "libarchive.so.13";

/* The functions read_compressed calls, from the loaded library. */
static struct {
    bool tried;
    void *handle;
    struct archive *(*read_new)(void);
    int (*support_filter_all)(struct archive *);
    int (*support_format_cpio)(struct archive *);
    int (*open_memory)(struct archive *, const void *, size_t);
    int (*next_header)(struct archive *, struct archive_entry **);
    la_int64_t (*filter_bytes)(struct archive *, int);
    const char *(*pathname)(struct archive_entry *);
    la_int64_t (*size)(struct archive_entry *);
    __LA_MODE_T (*filetype)(struct archive_entry *);
    la_ssize_t (*read_data)(struct archive *, void *, size_t);
    int (*read_free)(struct archive *);
} la;

void sg_bootimg_archive_lib(const char *soname)
{
    if (la.handle)
        dlclose(la.handle);
    la = (typeof(la)){0};
    archive_lib = soname;
}

/* Load libarchive once; false (with *WHY) when it cannot be. */
static bool archive_loaded(const char **why)
{
    if (!la.tried) {
        la.tried = true;
        la.handle = dlopen(archive_lib, RTLD_NOW | RTLD_LOCAL);
        void *h = la.handle;
#define SYM(f, name) (h && (*(void **)&la.f = dlsym(h, name)) != NULL)
        bool all =
            SYM(read_new, "archive_read_new") &&
            SYM(support_filter_all, "archive_read_support_filter_all") &&
            SYM(support_format_cpio, "archive_read_support_format_cpio") &&
            SYM(open_memory, "archive_read_open_memory") &&
            SYM(next_header, "archive_read_next_header") &&
            SYM(filter_bytes, "archive_filter_bytes") &&
            SYM(pathname, "archive_entry_pathname") &&
            SYM(size, "archive_entry_size") &&
            SYM(filetype, "archive_entry_filetype") &&
            SYM(read_data, "archive_read_data") &&
            SYM(read_free, "archive_read_free");
#undef SYM
        if (!all && h) {
            dlclose(h);
            la.handle = NULL;
        }
    }
    if (!la.handle)
        *why = "a compressed archive, and libarchive (libarchive.so.13, "
               "Debian's libarchive13) cannot be loaded to read it";
    return la.handle != NULL;
}

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
    if (!archive_loaded(why))
        return -EINVAL;
    struct archive *a = la.read_new();
    struct archive_entry *e;
    int r = 0;
    if (!a)
        return -ENOMEM;
    la.support_filter_all(a);
    la.support_format_cpio(a);
    if (la.open_memory(a, buf, len) != ARCHIVE_OK) {
        *why = "no cpio archive libarchive can read";
        la.read_free(a);
        return -EINVAL;
    }
    char *data = NULL;
    size_t entries = 0;
    for (int s; r == 0 && (s = la.next_header(a, &e)) != ARCHIVE_EOF;) {
        /* a bound on the work: what an image unpacks to, its entries */
        if (++entries > SG_BOOTIMG_MAX_ENTRIES ||
            la.filter_bytes(a, 0) > (la_int64_t)SG_BOOTIMG_MAX_UNPACKED) {
            *why = "an image that unpacks to more than this reads";
            r = -EINVAL;
            break;
        }
        if (s != ARCHIVE_OK && s != ARCHIVE_WARN) {
            *why = "a compressed cpio archive that is cut short or broken";
            r = -EINVAL;
            break;
        }
        const char *name = la.pathname(e);
        la_int64_t size = la.size(e);
        char *path = name ? absolute(name) : NULL;
        if (name && !path) {
            r = -ENOMEM;
            break;
        }
        bool want = path && la.filetype(e) == AE_IFREG &&
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
        la_ssize_t got = la.read_data(a, data, (size_t)size);
        if (got != (la_ssize_t)size) {
            *why = "a compressed cpio archive that is cut short or broken";
            r = -EINVAL;
            break;
        }
        r = keep(out, name, data, (size_t)size);
    }
    free(data);
    la.read_free(a);
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
