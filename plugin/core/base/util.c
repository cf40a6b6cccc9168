/*
 * util.c - see util.h. Arrays grow by doubling (amortised O(1) pushes);
 * the string and integer maps are open addressing with linear probing,
 * kept at most half full (O(1) expected get and put), and start at 8
 * slots (there is a map per file or per directive: small ones stay
 * small); files are read in one pass and refused beyond SG_MAX_FILE_SIZE
 * (16 MiB).
 */
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int sg_grow(void **v, size_t es, size_t n, size_t *cap)
{
    if (n < *cap)
        return 0;
    size_t ncap = *cap ? *cap * 2 : 8;
    if (ncap > ((size_t)-1) / es)
        return -ENOMEM;
    void *nv = realloc(*v, ncap * es);
    if (!nv)
        return -ENOMEM;
    *v = nv;
    *cap = ncap;
    return 0;
}

char *sg_strdup_vprintf(const char *fmt, va_list ap)
{
    char *s = NULL;
    if (vasprintf(&s, fmt, ap) < 0)
        s = NULL;
    return s;
}

char *sg_strdup_printf(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    char *s = sg_strdup_vprintf(fmt, ap);
    va_end(ap);
    return s;
}

int sg_buf_reserve(struct sg_buf *buf, size_t len)
{
    size_t need = buf->n + len + 1;
    if (need > buf->cap) {
        size_t cap = buf->cap ? buf->cap : 64;
        while (cap < need)
            cap *= 2;
        char *nv = realloc(buf->v, cap);
        if (!nv)
            return -ENOMEM;
        buf->v = nv;
        buf->cap = cap;
    }
    return 0;
}

int sg_buf_add(struct sg_buf *buf, const char *s, size_t len)
{
    if (sg_buf_reserve(buf, len) < 0)
        return -ENOMEM;
    memcpy(buf->v + buf->n, s, len);
    buf->n += len;
    buf->v[buf->n] = '\0';
    return 0;
}

int sg_buf_printf(struct sg_buf *buf, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = sg_strdup_vprintf(fmt, ap);
    va_end(ap);
    int r = s ? sg_buf_add(buf, s, strlen(s)) : -ENOMEM;
    free(s);
    return r;
}

/* The length of the valid UTF-8 sequence at S, or 0 if there is none. The
 * tests stop at the first byte out of range, so S's NUL is never passed. */
size_t sg_utf8_seq(const unsigned char *s)
{
    unsigned char c = s[0], lo, hi;

    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        return (s[1] & 0xC0) == 0x80 ? 2 : 0;
    if (c >= 0xE0 && c <= 0xEF) {
        lo = c == 0xE0 ? 0xA0 : 0x80; /* no overlong forms */
        hi = c == 0xED ? 0x9F : 0xBF; /* no surrogates */
        return s[1] >= lo && s[1] <= hi && (s[2] & 0xC0) == 0x80 ? 3 : 0;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        lo = c == 0xF0 ? 0x90 : 0x80; /* no overlong forms */
        hi = c == 0xF4 ? 0x8F : 0xBF; /* nothing past U+10FFFF */
        return s[1] >= lo && s[1] <= hi && (s[2] & 0xC0) == 0x80 &&
                       (s[3] & 0xC0) == 0x80
                   ? 4
                   : 0;
    }
    return 0;
}

/* The first byte from P on that is the NUL or starts no valid sequence:
 * ASCII, nearly all of the text, is skipped a byte at a time without a
 * call. */
static const unsigned char *utf8_span(const unsigned char *p)
{
    for (;;) {
        size_t n;
        while (*p && *p < 0x80)
            p++;
        if (!*p || (n = sg_utf8_seq(p)) == 0)
            return p;
        p += n;
    }
}

bool sg_utf8_valid(const char *s)
{
    return sg_utf8_valid_len(s, strlen(s));
}

/* Whether the 16 bytes at P are ASCII and none is NUL: exactly then each
 * is above 0 as a signed byte. */
static bool block_ascii(const unsigned char *p)
{
    return !sg_v16_any(sg_v16_load(p) < 1);
}

bool sg_utf8_valid_len(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + len;
    while (end - p >= 16 && block_ascii(p))
        p += 16;
    while (p < end) {
        uint64_t w;
        if (end - p >= 16 && block_ascii(p)) {
            p += 16;
            continue;
        }
        if (end - p >= 8) { /* eight ASCII bytes (not NUL) at a time */
            memcpy(&w, p, 8);
            if (!(((w - 0x0101010101010101ULL) | w) & 0x8080808080808080ULL)) {
                p += 8;
                continue;
            }
        }
        size_t n = *p ? sg_utf8_seq(p) : 0;
        if (n == 0 || n > (size_t)(end - p))
            return false;
        p += n;
    }
    return true;
}

char *sg_utf8_repair(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    struct sg_buf b = {0};

    for (;;) {
        const unsigned char *run = p;
        p = utf8_span(p);
        if (!*p && !b.v)
            return strdup(s); /* valid throughout: the usual case */
        if (sg_buf_add(&b, (const char *)run, (size_t)(p - run)) < 0 ||
            (*p && sg_buf_add(&b, "\xEF\xBF\xBD", 3) < 0)) {
            free(b.v);
            return NULL;
        }
        if (!*p++)
            return b.v;
    }
}

/* Whether the character at P (*LEN bytes) must reach no terminal as it
 * is: a C0 control but the tab, DEL, a C1 control (U+0080-U+009F, or a
 * byte 0x80-0x9F that starts no UTF-8 sequence: in Latin-1, 0x9B is CSI),
 * or a bidi embedding, override or isolate (U+202A-U+202E, U+2066-U+2069:
 * they make a line read in another order than its bytes). */
static bool vis_control(const unsigned char *p, size_t *len)
{
    size_t n = sg_utf8_seq(p);

    *len = n ? n : 1;
    switch (n) {
    case 0:
        return p[0] >= 0x80 && p[0] <= 0x9f;
    case 1:
        return (p[0] < 0x20 && p[0] != '\t') || p[0] == 0x7f;
    case 2:
        return p[0] == 0xc2 && p[1] <= 0x9f;
    case 3:
        return p[0] == 0xe2 &&
               ((p[1] == 0x80 && p[2] >= 0xaa && p[2] <= 0xae) ||
                (p[1] == 0x81 && p[2] >= 0xa6 && p[2] <= 0xa9));
    default:
        return false;
    }
}

const char *sg_vis(const char *s)
{
    static char *ring[8];
    static unsigned next;
    const unsigned char *p = (const unsigned char *)s;
    struct sg_buf b = {0};
    size_t len = 0;

    if (!s)
        return "(null)"; /* as printf's %s prints it: never a crash */
    for (;;) {
        while (*p >= 0x20 && *p < 0x7f) /* printable ASCII: most text */
            p++;
        if (!*p || vis_control(p, &len))
            break;
        p += len;
    }
    if (!*p)
        return s;
    p = (const unsigned char *)s;
    while (*p) {
        bool ctl = vis_control(p, &len);
        for (size_t i = 0; i < len; i++)
            if (ctl ? sg_buf_printf(&b, "\\x%02x", p[i]) < 0
                    : sg_buf_add(&b, (const char *)p + i, 1) < 0) {
                free(b.v);
                return "?";
            }
        p += len;
    }
    free(ring[next]);
    ring[next] = b.v;
    next = (next + 1) % 8;
    return b.v;
}

char *sg_path_join(const char *root, const char *path)
{
    size_t rl = strlen(root);

    while (rl > 0 && root[rl - 1] == '/')
        rl--;
    while (*path == '/')
        path++;
    return sg_strdup_printf("%.*s/%s", (int)rl, root, path);
}

uint64_t sg_hash_key(const void *p, size_t len)
{
    const unsigned char *b = p;
    uint64_t h = 0x9e3779b97f4a7c15ull ^ len, w;
    for (; len >= 8; b += 8, len -= 8) {
        memcpy(&w, b, 8);
        h = (h ^ w) * 0xbf58476d1ce4e5b9ull;
        h ^= h >> 29;
    }
    w = 0;
    memcpy(&w, b, len);
    h ^= w; /* then splitmix64's finaliser: every bit moves every bit */
    h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9ull;
    h = (h ^ (h >> 27)) * 0x94d049bb133111ebull;
    return h ^ (h >> 31);
}

uint64_t sg_hash(const void *p, size_t len)
{
    const unsigned char *b = p;
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < len; i++)
        h = (h ^ b[i]) * 1099511628211ull;
    return h;
}

bool sg_str_has_suffix(const char *s, const char *suffix)
{
    size_t sl = strlen(s), fl = strlen(suffix);
    return sl >= fl && memcmp(s + sl - fl, suffix, fl) == 0;
}

enum sg_read_status sg_read_fd(int fd, const struct stat *st, char **buf,
                               size_t *len, int *err)
{
    char *b = NULL;
    size_t n = 0;

    if ((unsigned long long)st->st_size > SG_MAX_FILE_SIZE)
        return SG_READ_TOO_BIG;
    /* Read up to one byte past the size: the file may grow under us. Files
     * of procfs say size 0, and a sysctl's gives its value in the first
     * read only (at a later offset the handler returns nothing): ask for
     * plenty at once. */
    size_t cap = st->st_size ? (size_t)st->st_size + 1 : 65536;
    b = malloc(cap + 1);
    if (!b) {
        *err = ENOMEM;
        return SG_READ_ERRNO;
    }
    for (;;) {
        if (n == cap) {
            if (cap > SG_MAX_FILE_SIZE) {
                free(b);
                return SG_READ_TOO_BIG;
            }
            size_t ncap =
                cap * 2 > SG_MAX_FILE_SIZE + 1 ? SG_MAX_FILE_SIZE + 1 : cap * 2;
            char *nb = realloc(b, ncap + 1);
            if (!nb) {
                free(b);
                *err = ENOMEM;
                return SG_READ_ERRNO;
            }
            b = nb;
            cap = ncap;
        }
        ssize_t r = read(fd, b + n, cap - n);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            *err = errno;
            free(b);
            return SG_READ_ERRNO;
        }
        if (r == 0)
            break;
        n += (size_t)r;
    }
    if (n > SG_MAX_FILE_SIZE) {
        free(b);
        return SG_READ_TOO_BIG;
    }
    b[n] = '\0';
    const char *nul = memchr(b, '\0', n);
    if (nul) {
        int line = 1;
        for (const char *p = b; p < nul; p++)
            line += *p == '\n';
        *err = line;
        free(b);
        return SG_READ_NUL;
    }
    *buf = b;
    *len = n;
    return SG_READ_OK;
}

int sg_reopen_regular(int pfd, struct stat *st, int *fd,
                      enum sg_read_status *why, int *err)
{
    char proc[64];

    *fd = -1;
    if (fstat(pfd, st) < 0) {
        *err = errno;
        *why = SG_READ_ERRNO;
        return -1;
    }
    if (!S_ISREG(st->st_mode)) {
        *why = SG_READ_NOT_FILE;
        return -1;
    }
    snprintf(proc, sizeof(proc), "/proc/self/fd/%d", pfd);
    *fd = open(proc, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (*fd >= 0)
        return 0;
    *err = errno;
    *why = SG_READ_ERRNO;
    return errno == ENOENT ? 1 : -1; /* 1: no /proc, open by name */
}

bool sg_same_file(const struct stat *a, const struct stat *b)
{
    return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

enum sg_read_status sg_read_reopened(int pfd, int (*open_again)(void *),
                                     void *ctx, char **buf, size_t *len,
                                     int *err)
{
    struct stat st, st2;
    enum sg_read_status why = SG_READ_OK;
    int fd;

    *buf = NULL;
    *len = 0;
    int r = sg_reopen_regular(pfd, &st, &fd, &why, err);
    if (r > 0) {
        /* No /proc: open by name again, and make sure it is the file that
         * was looked at (O_NONBLOCK | O_NOCTTY: no side effects if a
         * device was swapped in meanwhile; it is refused unread). */
        fd = open_again(ctx);
        if (fd < 0) {
            *err = -fd;
            return SG_READ_ERRNO;
        }
        if (fstat(fd, &st2) < 0 || !sg_same_file(&st, &st2)) {
            close(fd);
            *err = EAGAIN;
            return SG_READ_ERRNO;
        }
    } else if (r < 0)
        return why;
    why = sg_read_fd(fd, &st, buf, len, err);
    close(fd);
    return why;
}

static int open_path_again(void *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    return fd < 0 ? -errno : fd;
}

enum sg_read_status sg_read_file(const char *path, char **buf, size_t *len,
                                 int *err)
{
    int pfd = open(path, O_PATH | O_CLOEXEC);

    *buf = NULL;
    *len = 0;
    if (pfd < 0) {
        *err = errno;
        return SG_READ_ERRNO;
    }
    enum sg_read_status st =
        sg_read_reopened(pfd, open_path_again, (void *)path, buf, len, err);
    close(pfd);
    return st;
}

bool sg_leading_ll(const char *s, long long *out)
{
    char *end;
    s += strspn(s, " \t");
    if (!*s || !strchr("+-0123456789", *s))
        return false;
    errno = 0;
    long long v = strtoll(s, &end, 0);
    if (end == s || errno)
        return false;
    *out = v;
    return true;
}

size_t sg_leading_fields(const char *s, bool is_unsigned, unsigned long long *f,
                         size_t max)
{
    size_t n = 0;
    while (n < max) {
        s += strspn(s, " \t\n");
        char *end;
        errno = 0;
        unsigned long long v = is_unsigned
                                   ? strtoull(s, &end, 0)
                                   : (unsigned long long)strtoll(s, &end, 0);
        if (end == s || errno || (*end && !strchr(" \t\n", *end)) ||
            (is_unsigned && *s == '-'))
            break;
        f[n++] = v;
        s = end;
    }
    return n;
}

size_t sg_sorted_lower(const void *v, size_t n, size_t size, size_t key_off,
                       const char *key)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const char *k;
        memcpy(&k, (const char *)v + mid * size + key_off, sizeof(k));
        if (strcmp(k, key) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* ---- a map of borrowed strings to indices ---- */

static uint32_t strmap_hash(const char *key)
{
    return (uint32_t)sg_hash_key(key, strlen(key));
}

static int strmap_resize(struct sg_strmap *m, size_t ns)
{
    struct sg_strmap_slot *v = calloc(ns, sizeof(*v));

    if (!v)
        return -ENOMEM;
    for (size_t i = 0; i < m->nslots; i++) {
        if (!m->v[i].key)
            continue;
        size_t h = m->v[i].hash & (ns - 1);
        while (v[h].key)
            h = (h + 1) & (ns - 1);
        v[h] = m->v[i];
    }
    free(m->v);
    m->v = v;
    m->nslots = ns;
    return 0;
}

static int strmap_grow(struct sg_strmap *m)
{
    return strmap_resize(m, m->nslots ? m->nslots * 2 : 8);
}

int sg_strmap_reserve(struct sg_strmap *m, size_t n)
{
    size_t ns = m->nslots ? m->nslots : 8;
    while (ns / 2 < n) {
        if (ns > SIZE_MAX / 4 / sizeof(*m->v))
            return -ENOMEM;
        ns *= 2;
    }
    return ns == m->nslots ? 0 : strmap_resize(m, ns);
}

size_t sg_strmap_get(const struct sg_strmap *m, const char *key)
{
    if (!m->nslots)
        return SIZE_MAX;
    uint32_t hash = strmap_hash(key);
    size_t h = hash & (m->nslots - 1);
    while (m->v[h].key) {
        if (m->v[h].hash == hash && strcmp(m->v[h].key, key) == 0)
            return m->v[h].val;
        h = (h + 1) & (m->nslots - 1);
    }
    return SIZE_MAX;
}

int sg_strmap_put(struct sg_strmap *m, const char *key, size_t val, size_t *old)
{
    *old = SIZE_MAX;
    if (val >= UINT32_MAX)
        return -EOVERFLOW;
    if ((m->n + 1) * 2 > m->nslots && strmap_grow(m) < 0)
        return -ENOMEM;
    uint32_t hash = strmap_hash(key);
    size_t h = hash & (m->nslots - 1);
    while (m->v[h].key) {
        if (m->v[h].hash == hash && strcmp(m->v[h].key, key) == 0) {
            *old = m->v[h].val;
            return 0;
        }
        h = (h + 1) & (m->nslots - 1);
    }
    m->v[h] = (struct sg_strmap_slot){key, hash, (uint32_t)val};
    m->n++;
    return 0;
}

void sg_strmap_free(struct sg_strmap *m)
{
    free(m->v);
    memset(m, 0, sizeof(*m));
}

/* ---- a map of integers to indices ---- */

/* splitmix64's finaliser: consecutive line numbers and aligned pointers
 * spread over every slot. */
static size_t u64_slot(uint64_t k, size_t nslots)
{
    k ^= k >> 30;
    k *= 0xbf58476d1ce4e5b9ull;
    k ^= k >> 27;
    k *= 0x94d049bb133111ebull;
    k ^= k >> 31;
    return (size_t)k & (nslots - 1);
}

static int u64map_grow(struct sg_u64map *m)
{
    size_t ns = m->nslots ? m->nslots * 2 : 8;
    struct sg_u64map_slot *v = calloc(ns, sizeof(*v));

    if (!v)
        return -ENOMEM;
    for (size_t i = 0; i < m->nslots; i++) {
        if (!m->v[i].val1)
            continue;
        size_t h = u64_slot(m->v[i].key, ns);
        while (v[h].val1)
            h = (h + 1) & (ns - 1);
        v[h] = m->v[i];
    }
    free(m->v);
    m->v = v;
    m->nslots = ns;
    return 0;
}

/* The slot of KEY, or the empty slot where it would go. */
static struct sg_u64map_slot *u64map_find(const struct sg_u64map *m,
                                          uint64_t key)
{
    size_t h = u64_slot(key, m->nslots);
    while (m->v[h].val1 && m->v[h].key != key)
        h = (h + 1) & (m->nslots - 1);
    return &m->v[h];
}

size_t sg_u64map_get(const struct sg_u64map *m, uint64_t key)
{
    if (!m->nslots)
        return SIZE_MAX;
    const struct sg_u64map_slot *s = u64map_find(m, key);
    return s->val1 ? s->val1 - 1 : SIZE_MAX;
}

int sg_u64map_put(struct sg_u64map *m, uint64_t key, size_t val, size_t *old)
{
    *old = SIZE_MAX;
    if ((m->n + 1) * 2 > m->nslots && u64map_grow(m) < 0)
        return -ENOMEM;
    struct sg_u64map_slot *s = u64map_find(m, key);
    if (s->val1) {
        *old = s->val1 - 1;
        return 0;
    }
    s->key = key;
    s->val1 = val + 1;
    m->n++;
    return 0;
}

int sg_u64map_set(struct sg_u64map *m, uint64_t key, size_t val)
{
    size_t old;
    int r = sg_u64map_put(m, key, val, &old);
    if (r == 0 && old != SIZE_MAX)
        u64map_find(m, key)->val1 = val + 1;
    return r;
}

void sg_u64map_free(struct sg_u64map *m)
{
    free(m->v);
    memset(m, 0, sizeof(*m));
}

int sg_strp_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int sg_write_whole(const char *path, const char *data, size_t len, mode_t mode)
{
    const char *slash = strrchr(path, '/');
    char *tmp = slash ? sg_strdup_printf("%.*s/.%s.XXXXXX", (int)(slash - path),
                                         path, slash + 1)
                      : sg_strdup_printf(".%s.XXXXXX", path);
    struct stat st;
    int fd, e = 0;

    if (!tmp)
        return -ENOMEM;
    if ((fd = mkstemp(tmp)) < 0) {
        e = -errno;
        free(tmp);
        return e;
    }
    bool old = stat(path, &st) == 0 && S_ISREG(st.st_mode);
    if (old)
        mode = st.st_mode & 07777;
    /* Root keeps the replaced file's owner and group (only root may give
     * a file away); anyone else keeps its group when a member of it. */
    if (old && geteuid() == 0 && fchown(fd, st.st_uid, st.st_gid) < 0)
        e = -errno;
    else if (old && geteuid() != 0 && st.st_gid != getegid() &&
             fchown(fd, (uid_t)-1, st.st_gid) < 0) {
        /* not a member of its group: ours, as for a new file */
    }
    for (size_t off = 0; !e && off < len;) {
        ssize_t w = write(fd, data + off, len - off);
        if (w < 0 && errno != EINTR)
            e = -errno;
        else if (w > 0)
            off += (size_t)w;
    }
    if (!e && (fchmod(fd, mode) < 0 || fsync(fd) < 0))
        e = -errno;
    if (close(fd) < 0 && !e)
        e = -errno;
    if (!e && rename(tmp, path) < 0)
        e = -errno;
    if (e)
        unlink(tmp);
    free(tmp);
    return e;
}
