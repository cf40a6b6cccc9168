/*
 * bootimg.c - see bootimg.h. An image's entries are walked here by one
 * reader (walk: the newc header is 110 bytes of ASCII hex fields, the
 * name and the data each padded to 4 bytes) over two sources: the
 * uncompressed part at the front, in memory, and what libarchive unpacks
 * of the compressed part that follows (the first byte at an entry
 * boundary that is neither zero padding nor a header's '0'), as it
 * streams past. The kernel reads both the same way (init/initramfs.c):
 * zero padding between any two entries, the trailer optional, an entry
 * whose name is longer than PATH_MAX passed over, and so does walk.
 * libarchive's own cpio reader is not used: it takes a header's name
 * length on trust and allocates that much (a 3.7 GB malloc for 262 bytes
 * of gzip, found by fuzz_source). Only regular files whose name sysctl
 * reads are kept.
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
#include <limits.h>
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
    int (*support_format_raw)(struct archive *);
    int (*open_memory)(struct archive *, const void *, size_t);
    int (*next_header)(struct archive *, struct archive_entry **);
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
        bool all = SYM(read_new, "archive_read_new") &&
                   SYM(support_filter_all, "archive_read_support_filter_all") &&
                   SYM(support_format_raw, "archive_read_support_format_raw") &&
                   SYM(open_memory, "archive_read_open_memory") &&
                   SYM(next_header, "archive_read_next_header") &&
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

/* Where the entries come from, read in order: the image's uncompressed
 * part in memory (BUF, LEN bytes), or what libarchive unpacks of its
 * compressed part (A), at most SG_BOOTIMG_MAX_UNPACKED in all. */
struct source {
    const unsigned char *buf; /* NULL: A */
    size_t len;
    struct archive *a;
    unsigned long long off; /* bytes read so far */
    bool eof;
};

/* How many of N bytes came into DST (passed over with DST NULL): fewer
 * only at the end, -1 with *WHY on a failure. */
static long long pull(struct source *s, void *dst, size_t n, const char **why)
{
    if (s->buf) {
        size_t got = n < s->len - s->off ? n : (size_t)(s->len - s->off);
        if (dst)
            memcpy(dst, s->buf + s->off, got);
        s->off += got;
        return (long long)got;
    }
    unsigned char skip[4096];
    size_t got = 0;
    while (got < n && !s->eof) {
        size_t want = n - got;
        if (!dst && want > sizeof(skip))
            want = sizeof(skip);
        if (s->off + want > SG_BOOTIMG_MAX_UNPACKED) {
            *why = "an image that unpacks to more than this reads";
            return -1;
        }
        la_ssize_t r = la.read_data(
            s->a, dst ? (void *)((char *)dst + got) : (void *)skip, want);
        if (r < 0) {
            *why = "a compressed archive that is cut short or broken";
            return -1;
        }
        s->eof = r == 0;
        got += (size_t)r;
        s->off += (unsigned long long)r;
    }
    return (long long)got;
}

/* Exactly N bytes (DST NULL: passed over), else -EINVAL with *WHY. */
static int pull_all(struct source *s, void *dst, size_t n, const char **why)
{
    long long got = pull(s, dst, n, why);
    if (got >= 0 && (size_t)got != n)
        *why = "a cpio archive that is cut short or broken";
    return got >= 0 && (size_t)got == n ? 0 : -EINVAL;
}

/* The next header's first four bytes into H, past the padding before it:
 * 4 when they came, 0 at the end, 1 when the uncompressed part ends and
 * the compressed one starts at S->off, -EINVAL with *WHY. As the kernel
 * (init/initramfs.c): in memory, zero bytes are passed over one by one
 * (unpack_to_rootfs), a header starts with '0' on a 4-byte boundary and
 * any other byte starts the compressed part; zeros that end off a 4-byte
 * boundary after an entry are "broken padding" (do_reset). In what
 * libarchive unpacks, zero padding comes in 4-byte steps (flush_buffer,
 * do_reset: a header off the boundary is no header). */
static int next_header(struct source *s, unsigned char *h, bool after_entry,
                       const char **why)
{
    if (s->buf) {
        while (s->off < s->len && s->buf[s->off] == 0)
            s->off++;
        if (s->off == s->len)
            return 0;
        if (s->off % 4 && (after_entry || s->buf[s->off] == '0')) {
            *why = "a cpio header off a 4-byte boundary (the kernel's "
                   "\"broken padding\")";
            return -EINVAL;
        }
        if (s->buf[s->off] != '0')
            return 1;
        long long got = pull(s, h, 4, why);
        return got == 4 ? 4
                        : (*why = "a cpio archive that is cut short", -EINVAL);
    }
    long long got;
    do
        got = pull(s, h, 4, why);
    while (got == 4 && memcmp(h, "\0\0\0\0", 4) == 0);
    if (got < 0 || (got > 0 && got < 4)) {
        if (got > 0)
            *why = "a compressed cpio archive that is cut short";
        return -EINVAL;
    }
    return (int)got;
}

/* The newc archives S holds, entry by entry, as the kernel reads them:
 * a trailer that may be missing at the end (the kernel frees its
 * hard-link state "without optional TRAILER!!!"), an entry whose name
 * is longer than PATH_MAX passed over (do_header), only a kept file's
 * data held. 0 at S's end, 1 when the uncompressed part ends and the
 * compressed one starts at S->off (memory only), -errno with *WHY.
 * *ENTRIES counts the entries of every part (SG_BOOTIMG_MAX_ENTRIES in
 * all); a compressed part must hold one of its own. */
static int walk(struct source *s, struct sg_bootimg *out, size_t *entries,
                const char **why)
{
    unsigned char h[NEWC_HDR];
    char name[PATH_MAX + 1];
    size_t here = 0;
    for (;;) {
        int got = next_header(s, h, here > 0, why);
        if (got < 0 || got == 1)
            return got;
        if (got == 0 && (here > 0 || s->buf))
            return 0;
        if (got == 0) {
            *why = "a compressed file that holds no cpio archive";
            return -EINVAL;
        }
        here++;
        if (pull_all(s, h + 4, NEWC_HDR - 4, why) < 0 ||
            !newc_magic(h, NEWC_HDR)) {
            *why = s->buf ? "a cpio archive that is cut short or broken"
                          : "a compressed file that holds no newc cpio "
                            "archive, or one cut short";
            return -EINVAL;
        }
        if (++*entries > SG_BOOTIMG_MAX_ENTRIES) {
            *why = "an image that unpacks to more than this reads";
            return -EINVAL;
        }
        long long mode = hex8(h + 14), size = hex8(h + 54),
                  namesize = hex8(h + 94);
        if (mode < 0 || size < 0 || namesize < 1) {
            *why = "a cpio header that is not hexadecimal";
            return -EINVAL;
        }
        size_t pad = (size_t)(-size & 3),
               name_pad = (size_t)(-(NEWC_HDR + namesize) & 3);
        if (namesize > PATH_MAX) { /* the kernel passes over it too */
            if (pull_all(s, NULL,
                         (size_t)namesize + name_pad + (size_t)size + pad,
                         why) < 0)
                return -EINVAL;
            continue;
        }
        if (pull_all(s, name, (size_t)namesize, why) < 0 ||
            pull_all(s, NULL, name_pad, why) < 0)
            return -EINVAL;
        if (name[namesize - 1] != '\0') {
            *why = "a cpio entry whose name does not end";
            return -EINVAL;
        }
        char *path = absolute(name);
        if (!path)
            return -ENOMEM;
        bool want = strcmp(name, "TRAILER!!!") != 0 && S_ISREG((mode_t)mode) &&
                    sg_bootimg_is_sysctl(path) &&
                    size <= (long long)SG_BOOTIMG_FILE_MAX;
        free(path);
        char *data = want ? malloc((size_t)size + 1) : NULL;
        if (want && !data)
            return -ENOMEM;
        int r = pull_all(s, data, (size_t)size, why);
        if (r == 0 && want)
            r = keep(out, name, data, (size_t)size);
        free(data);
        if (r < 0 || pull_all(s, NULL, pad, why) < 0)
            return r < 0 ? r : -EINVAL;
    }
}

/* The compressed archives at BUF (LEN bytes): libarchive unpacks them
 * (its raw format: the bytes as they are), walk reads them. */
static int read_compressed(const unsigned char *buf, size_t len,
                           struct sg_bootimg *out, size_t *entries,
                           const char **why)
{
    if (!archive_loaded(why))
        return -EINVAL;
    struct archive *a = la.read_new();
    struct archive_entry *e;
    if (!a)
        return -ENOMEM;
    la.support_filter_all(a);
    la.support_format_raw(a);
    int r = -EINVAL;
    if (la.open_memory(a, buf, len) != ARCHIVE_OK ||
        la.next_header(a, &e) != ARCHIVE_OK)
        *why = "no archive libarchive can read";
    else {
        struct source s = {.a = a};
        r = walk(&s, out, entries, why);
    }
    la.read_free(a);
    return r;
}

int sg_bootimg_parse(const unsigned char *buf, size_t len,
                     struct sg_bootimg *out, const char **why)
{
    struct source s = {.buf = buf, .len = len};
    size_t entries = 0;
    *out = (struct sg_bootimg){0};
    *why = NULL;
    int r = len ? walk(&s, out, &entries, why) : -EINVAL;
    if (r == 1)
        r = read_compressed(buf + s.off, len - (size_t)s.off, out, &entries,
                            why);
    if (len == 0)
        *why = "an empty file";
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
