/*
 * util.h - small helpers shared by the core library: growable arrays,
 * formatted string allocation, bounded file reading.
 *
 * Contract: nothing here prints or exits; allocation failure is reported
 * as NULL or -ENOMEM and the caller decides.
 */
#ifndef SG_UTIL_H
#define SG_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <stdint.h>

/* Largest configuration file we read: anything bigger is not a config. */
#define SG_MAX_FILE_SIZE (16u * 1024u * 1024u)

/* Grow *V (element size ES, count *N, capacity *CAP) to hold one more.
 * Returns 0, or -ENOMEM with nothing changed. */
int sg_grow(void **v, size_t es, size_t n, size_t *cap);

/* Append element E to a vector declared as { T *v; size_t n, cap; }. */
#define SG_PUSH(vec, e)                                                        \
    (sg_grow((void **)&(vec).v, sizeof(*(vec).v), (vec).n, &(vec).cap) < 0     \
         ? -12 /* -ENOMEM */                                                   \
         : ((vec).v[(vec).n++] = (e), 0))

char *sg_strdup_printf(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));
char *sg_strdup_vprintf(const char *fmt, va_list ap)
    __attribute__((format(printf, 1, 0)));

/* A growing, always NUL-terminated text. */
struct sg_buf {
    char *v;
    size_t n, cap;
};

/* Room for LEN more bytes and the NUL after them; returns 0 or -ENOMEM
 * (BUF unchanged). */
int sg_buf_reserve(struct sg_buf *buf, size_t len);
/* Append LEN bytes of S; returns 0 or -ENOMEM (BUF unchanged). */
int sg_buf_add(struct sg_buf *buf, const char *s, size_t len);
/* Append formatted text; returns 0 or -ENOMEM (BUF unchanged). */
int sg_buf_printf(struct sg_buf *buf, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* S with every byte that does not start a valid UTF-8 sequence (RFC 3629:
 * no overlong forms, surrogates or code points past U+10FFFF) replaced by
 * U+FFFD, for output that must be UTF-8 (JSON): config files may hold
 * Latin-1 text. A new string, or NULL without memory. */
char *sg_utf8_repair(const char *s);
/* The length of the valid UTF-8 sequence S starts with (1 for ASCII), or
 * 0 when S does not start one (S is NUL-terminated). */
size_t sg_utf8_seq(const unsigned char *s);
/* Whether S is valid UTF-8 throughout. */
bool sg_utf8_valid(const char *s);
/* The same for the LEN bytes of the string S (S[LEN] is its NUL; a NUL
 * before it is not valid). */
bool sg_utf8_valid_len(const char *s, size_t len);

/* Sixteen bytes as one vector (GCC's and clang's vector extension: SSE2
 * on x86-64, NEON on arm64, a loop elsewhere), compared all at once: a
 * comparison gives -1 in each byte where it holds, 0 where not. The
 * text scans (UTF-8 here, JSON's strings) take a block at a time. */
typedef signed char sg_v16 __attribute__((vector_size(16)));

static inline sg_v16 sg_v16_load(const void *p)
{
    sg_v16 x;
    __builtin_memcpy(&x, p, sizeof(x));
    return x;
}

/* Whether a byte of V is not 0. */
static inline bool sg_v16_any(sg_v16 v)
{
    uint64_t lo, hi;
    __builtin_memcpy(&lo, &v, 8);
    __builtin_memcpy(&hi, (const char *)&v + 8, 8);
    return (lo | hi) != 0;
}

/* S as a terminal or a one-line format (gcc) may show it: every control
 * character but the tab (a line break or an escape sequence in a file
 * name or a value: C0, DEL, C1 as U+0080-U+009F or as a lone byte
 * 0x80-0x9F) and every bidi embedding, override and isolate
 * (U+202A-U+202E, U+2066-U+2069) as "\xNN" per byte; other text, UTF-8
 * or not, as it is. S itself when it holds none (the usual case); else a
 * copy that lives until eight later calls have been made (a ring, so that
 * one printf can take several), or "?" without memory; "(null)" for
 * NULL, as printf prints it. */
const char *sg_vis(const char *s);

/* Join ROOT and the absolute target path PATH ("/" root yields PATH). */
char *sg_path_join(const char *root, const char *path);

/* Why a file could not be read, for diagnostics. */
enum sg_read_status {
    SG_READ_OK = 0,
    SG_READ_ERRNO,    /* open/read failed, errno in *err */
    SG_READ_NOT_FILE, /* a directory, device, fifo ... */
    SG_READ_TOO_BIG,  /* over SG_MAX_FILE_SIZE */
    SG_READ_NUL,      /* contains a NUL byte, at line *err */
};

/* Read the regular file PATH (following symlinks) into a NUL-terminated
 * buffer. On SG_READ_OK, *buf and *len hold the bytes. The file's type is
 * checked before it is opened for reading (through an O_PATH descriptor):
 * a FIFO or a device is SG_READ_NOT_FILE, never opened. */
enum sg_read_status sg_read_file(const char *path, char **buf, size_t *len,
                                 int *err);

struct stat;
/* The regular file behind the O_PATH descriptor PFD, opened for reading as
 * *FD (through /proc/self/fd, the very inode). Returns 0; 1 when /proc is
 * not there (the caller opens it by name and compares with *ST); -1 with
 * *WHY (and *ERR) when it is no regular file or cannot be opened. */
int sg_reopen_regular(int pfd, struct stat *st, int *fd,
                      enum sg_read_status *why, int *err);
/* Read the regular file behind PFD; OPEN_AGAIN(CTX) opens it by name
 * (descriptor or -errno) when /proc is missing. */
enum sg_read_status sg_read_reopened(int pfd, int (*open_again)(void *),
                                     void *ctx, char **buf, size_t *len,
                                     int *err);
/* Read the open descriptor FD of a regular file whose fstat is ST. */
enum sg_read_status sg_read_fd(int fd, const struct stat *st, char **buf,
                               size_t *len, int *err);
/* Whether two stats are of the same inode. */
bool sg_same_file(const struct stat *a, const struct stat *b);

/* LEN bytes of DATA as the file PATH (of the machine, not of a tree),
 * whole or not at all: written to a hidden temporary file beside it
 * (".NAME.XXXXXX"), synced, renamed over it. It keeps the permission bits
 * of the file it replaces (MODE for a new one) and, written by root, its
 * owner and group; anyone else keeps its group when a member of it. What
 * report --output and plan --output write (a tree's files go through
 * remedy/save.h, locked). 0 or -errno. */
int sg_write_whole(const char *path, const char *data, size_t len, mode_t mode);

bool sg_str_has_suffix(const char *s, const char *suffix);
/* The leading integer of S after blanks and tabs, base 0, as the kernel's
 * proc_get_long reads a sysctl value ("0x10", "010", "-1"); false when S
 * starts with no number or it overflows. */
bool sg_leading_ll(const char *s, long long *out);
/* The leading blank-separated numbers of S as the kernel's integer
 * handlers read a vector (each as sg_leading_ll; UNSIGNED: as the
 * unsigned handlers, no sign), at most MAX into F (a signed value stored
 * as its bits: cast back); how many, up to the first that is no number
 * or is not followed by a blank or the end. */
size_t sg_leading_fields(const char *s, bool is_unsigned, unsigned long long *f,
                         size_t max);
/* The first index of the array V (N elements of SIZE bytes, sorted by the
 * string pointer at KEY_OFF bytewise) whose string is not below KEY: a
 * binary search, O(log N). */
size_t sg_sorted_lower(const void *v, size_t n, size_t size, size_t key_off,
                       const char *key);
/* qsort comparison of two char * (bytewise, as strcmp). */
int sg_strp_cmp(const void *a, const void *b);

/* FNV-1a over LEN bytes: fingerprints (stored across runs and hosts: they
 * must not change). */
uint64_t sg_hash(const void *p, size_t len);
/* A hash of the LEN bytes at P, eight bytes at a time (FNV-1a's
 * byte-at-a-time multiply chain was most of a lookup of a 30-byte key, and
 * 1 % of a check of 4 MB of files): hash tables' slots, and whether a file
 * still holds the text read earlier in the run. No stored value depends
 * on it. */
uint64_t sg_hash_key(const void *p, size_t len);

/* A map from strings owned elsewhere (they must outlive it) to indices:
 * open addressing, O(1) per lookup, for the tables that grow with the
 * number of files of a tree or the lines of a file. Each slot keeps its
 * key's hash (32 bits of sg_hash_key): a probe reads another key only
 * when the hashes agree, and growing moves slots without reading a key,
 * which for a table larger than the caches was most of its cost. */
struct sg_strmap_slot {
    const char *key;
    uint32_t hash;
    uint32_t val;
};
struct sg_strmap {
    struct sg_strmap_slot *v;
    size_t nslots, n;
};

/* KEY's value, or SIZE_MAX. */
size_t sg_strmap_get(const struct sg_strmap *m, const char *key);
/* Map KEY to VAL (below UINT32_MAX) unless it is there (*OLD: its value,
 * else SIZE_MAX). Returns 0, -ENOMEM, or -EOVERFLOW for a larger VAL. */
int sg_strmap_put(struct sg_strmap *m, const char *key, size_t val,
                  size_t *old);
/* Room for N keys in all without a rehash. 0 or -ENOMEM. */
int sg_strmap_reserve(struct sg_strmap *m, size_t n);
void sg_strmap_free(struct sg_strmap *m);

/* The same for integer keys (a line number, a pointer as uintptr_t, two
 * numbers in one): whatever grows with the lines of one file is looked up
 * through one of these, never by a scan. */
struct sg_u64map_slot {
    uint64_t key;
    size_t val1; /* value + 1; 0: an empty slot */
};
struct sg_u64map {
    struct sg_u64map_slot *v;
    size_t nslots, n;
};

/* KEY's value, or SIZE_MAX. */
size_t sg_u64map_get(const struct sg_u64map *m, uint64_t key);
/* Map KEY to VAL (below SIZE_MAX) unless it is there (*OLD: its value,
 * else SIZE_MAX). Returns 0 or -ENOMEM. */
int sg_u64map_put(struct sg_u64map *m, uint64_t key, size_t val, size_t *old);
/* Map KEY to VAL, whether or not it was there. Returns 0 or -ENOMEM. */
int sg_u64map_set(struct sg_u64map *m, uint64_t key, size_t val);
void sg_u64map_free(struct sg_u64map *m);

#endif
