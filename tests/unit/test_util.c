/* Helpers of util.c: UTF-8 repair for JSON output; control bytes made
 * visible for terminals and one-line formats; the integer map; reading
 * procfs. */
#include "check.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void repair(const char *in, const char *want)
{
    char *got = sg_utf8_repair(in);
    CHECK_STR(got, want);
    free(got);
}

#define FFFD "\xEF\xBF\xBD"

/* A sysctl file of the running kernel, read whole: procfs says size 0,
 * and an integer handler gives nothing at a non-zero offset. */
static void proc_file(const char *path)
{
    char want[4096], *got = NULL;
    size_t len = 0;
    int fd = open(path, O_RDONLY), err = 0;
    ssize_t n = fd >= 0 ? read(fd, want, sizeof(want) - 1) : -1;

    if (fd >= 0)
        close(fd);
    CHECK(n > 1);
    want[n > 0 ? n : 0] = '\0';
    CHECK(sg_read_file(path, &got, &len, &err) == SG_READ_OK);
    CHECK_STR(got, want);
    CHECK(len == (size_t)n);
    free(got);
}

/* sg_u64map: what is put is got, the first value stays (set replaces
 * it), through growth, for keys that are small, large and zero. */
static void u64map(void)
{
    struct sg_u64map m = {0};
    size_t old = 0;

    CHECK(sg_u64map_get(&m, 7) == SIZE_MAX);
    size_t bad = 0;
    for (uint64_t k = 0; k < 5000; k++)
        bad += sg_u64map_put(&m, k * 0x100000001ull, (size_t)k, &old) != 0 ||
               old != SIZE_MAX;
    CHECK(bad == 0 && m.n == 5000);
    CHECK(sg_u64map_put(&m, 3 * 0x100000001ull, 9, &old) == 0 && old == 3);
    CHECK(sg_u64map_get(&m, 3 * 0x100000001ull) == 3);
    CHECK(sg_u64map_set(&m, 3 * 0x100000001ull, 9) == 0);
    CHECK(sg_u64map_get(&m, 3 * 0x100000001ull) == 9 && m.n == 5000);
    CHECK(sg_u64map_get(&m, 0) == 0 && sg_u64map_get(&m, 4999) == SIZE_MAX);
    for (uint64_t k = 0; k < 5000; k++)
        bad += k != 3 && sg_u64map_get(&m, k * 0x100000001ull) != k;
    CHECK(bad == 0);
    sg_u64map_free(&m);
    CHECK(m.v == NULL && m.n == 0 && sg_u64map_get(&m, 0) == SIZE_MAX);
}

/* sg_strmap_reserve: room made at once, no rehash while that many keys
 * are put, and what is put is got. */
static void strmap_reserve(void)
{
    static char keys[1000][8];
    struct sg_strmap m = {0};
    size_t old, bad = 0;
    CHECK(sg_strmap_reserve(&m, 1000) == 0 && m.nslots >= 2000);
    size_t slots = m.nslots;
    for (size_t i = 0; i < 1000; i++) {
        snprintf(keys[i], sizeof(keys[i]), "k%zu", i);
        bad += sg_strmap_put(&m, keys[i], i, &old) != 0 || old != SIZE_MAX;
    }
    CHECK(bad == 0 && m.n == 1000 && m.nslots == slots);
    for (size_t i = 0; i < 1000; i++)
        bad += sg_strmap_get(&m, keys[i]) != i;
    CHECK(bad == 0 && sg_strmap_get(&m, "k1000") == SIZE_MAX);
    /* reserving less than it holds changes nothing */
    CHECK(sg_strmap_reserve(&m, 10) == 0 && m.nslots == slots);
    sg_strmap_free(&m);
}

/* sg_strmap grown key by key from empty (nine doublings) and then
 * reserved for more: every key found at its value after each move, a
 * key put again keeps its first value, an absent one is absent; a value
 * too large for a slot is refused. */
static void strmap_grow(void)
{
    static char keys[3000][12];
    struct sg_strmap m = {0};
    size_t old, bad = 0;
    for (size_t i = 0; i < 3000; i++) {
        snprintf(keys[i], sizeof(keys[i]), "net.k%zu", i);
        bad += sg_strmap_put(&m, keys[i], i, &old) != 0 || old != SIZE_MAX;
    }
    CHECK(bad == 0 && m.n == 3000 && m.nslots >= 6000);
    for (size_t i = 0; i < 3000; i++)
        bad += sg_strmap_get(&m, keys[i]) != i;
    CHECK(bad == 0);
    CHECK(sg_strmap_reserve(&m, 20000) == 0 && m.nslots >= 40000);
    for (size_t i = 0; i < 3000; i++)
        bad += sg_strmap_get(&m, keys[i]) != i;
    CHECK(bad == 0 && sg_strmap_get(&m, "net.k3000") == SIZE_MAX);
    char again[12];
    snprintf(again, sizeof(again), "net.k%d", 17); /* another pointer */
    CHECK(sg_strmap_put(&m, again, 99, &old) == 0 && old == 17 &&
          sg_strmap_get(&m, again) == 17 && m.n == 3000);
    CHECK(sg_strmap_put(&m, "big", UINT32_MAX, &old) == -EOVERFLOW &&
          sg_strmap_get(&m, "big") == SIZE_MAX);
    sg_strmap_free(&m);
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Two keys whose slots keep the same hash (32 bits: found among 2^18
 * keys, where a pair is all but sure): each is its own key, not the
 * other's. */
static void strmap_same_hash(void)
{
    enum { N = 1 << 18 };
    uint64_t *h = malloc(N * sizeof(*h)); /* hash << 32 | key number */
    char a[16], b[16];
    size_t found = 0;
    for (size_t i = 0; h && i < N; i++) {
        snprintf(a, sizeof(a), "c%zu", i);
        h[i] = (uint64_t)(uint32_t)sg_hash_key(a, strlen(a)) << 32 | i;
    }
    if (h)
        qsort(h, N, sizeof(*h), cmp_u64);
    for (size_t i = 1; h && i < N && !found; i++)
        if (h[i] >> 32 == h[i - 1] >> 32) {
            snprintf(a, sizeof(a), "c%u", (unsigned)(h[i - 1] & 0xffffffffu));
            snprintf(b, sizeof(b), "c%u", (unsigned)(h[i] & 0xffffffffu));
            found = 1;
        }
    CHECK(found);
    struct sg_strmap m = {0};
    size_t old;
    CHECK(found && sg_strmap_put(&m, a, 1, &old) == 0 && old == SIZE_MAX &&
          sg_strmap_get(&m, b) == SIZE_MAX);
    CHECK(found && sg_strmap_put(&m, b, 2, &old) == 0 && old == SIZE_MAX &&
          sg_strmap_get(&m, a) == 1 && sg_strmap_get(&m, b) == 2);
    sg_strmap_free(&m);
    free(h);
}

static void vis(const char *in, const char *want)
{
    const char *got = sg_vis(in);
    CHECK_STR(got, want);
}

/* Numbers as the kernel's integer handlers read a vector. */
static void leading_fields(void)
{
    unsigned long long f[4];
    CHECK(sg_leading_fields("4096\t87380  6291456 # more", false, f, 4) == 3 &&
          f[0] == 4096 && f[2] == 6291456);
    CHECK(sg_leading_fields(" 0x10 010 -1", false, f, 4) == 3 && f[0] == 16 &&
          f[1] == 8 && (long long)f[2] == -1);
    CHECK(sg_leading_fields("-1", true, f, 4) == 0);
    CHECK(sg_leading_fields("18446744073709551615", true, f, 4) == 1 &&
          f[0] == 18446744073709551615ull);
    CHECK(sg_leading_fields("1x 2", false, f, 4) == 0);
    CHECK(sg_leading_fields("1 2 3 4 5", false, f, 2) == 2);
}

/* sg_utf8_valid_len, sixteen and eight bytes at a time (and sg_utf8_valid
 * through it), says what sg_utf8_repair says (a text it leaves as it is)
 * of every byte sequence placed at every offset of two blocks: a bad byte
 * or a sequence across a block's or a word's edge, cut short by the end,
 * or a NUL before the end. */
static void utf8_valid_len(void)
{
    static const char *const seqs[] = {
        "a",        "\xC3\xA9",     "\xE2\x82\xAC",     "\xF0\x9F\x98\x80",
        "\x80",     "\xC3",         "\xE2\x82",         "\xF0\x9F\x98",
        "\xC0\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xFF"};
    char buf[64];
    size_t bad = 0, runs = 0;
    for (size_t i = 0; i < sizeof(seqs) / sizeof(*seqs); i++)
        for (size_t pre = 0; pre < 33; pre++)
            for (size_t post = 0; post < 18; post++) {
                size_t n = strlen(seqs[i]);
                memset(buf, 'x', pre);
                memcpy(buf + pre, seqs[i], n);
                memset(buf + pre + n, 'y', post);
                buf[pre + n + post] = '\0';
                char *fixed = sg_utf8_repair(buf);
                bool intact = fixed && strcmp(fixed, buf) == 0;
                free(fixed);
                bad += sg_utf8_valid_len(buf, pre + n + post) != intact ||
                       sg_utf8_valid(buf) != intact;
                runs++;
            }
    CHECK(bad == 0 && runs == 12 * 33 * 18);
    for (size_t at = 0; at < 40; at++) { /* a NUL at each place */
        memset(buf, 'z', 40);
        buf[at] = '\0';
        bad += sg_utf8_valid_len(buf, 40);
    }
    CHECK(bad == 0);
    CHECK(sg_utf8_valid_len("abcdefghij\xC3\xA9", 12));
    CHECK(!sg_utf8_valid_len("abcdefghij\xC3", 11));
    CHECK(!sg_utf8_valid_len("abcdefgh\0ijklmnop", 17)); /* a NUL inside */
    CHECK(sg_utf8_valid_len("", 0));
}

/* sg_hash_key reads every byte of LEN and none after: strings of every
 * length to 40 with one byte changed at each place all hash apart, and
 * bytes past LEN change nothing. */
static void hash_key(void)
{
    static uint64_t h[41 * 41];
    size_t n = 0, same = 0;
    char a[48], b[48];
    for (size_t len = 0; len <= 40; len++) {
        memset(a, 'k', sizeof(a));
        h[n++] = sg_hash_key(a, len);
        for (size_t at = 0; at < len; at++) {
            memset(a, 'k', sizeof(a));
            a[at] = 'K';
            h[n++] = sg_hash_key(a, len);
        }
        memset(a, 'k', sizeof(a));
        memset(b, 'k', sizeof(b));
        b[len] = 'x';
        same += sg_hash_key(a, len) == sg_hash_key(b, len);
    }
    qsort(h, n, sizeof(*h), cmp_u64);
    size_t dup = 0;
    for (size_t i = 1; i < n; i++)
        dup += h[i] == h[i - 1];
    CHECK(n == 41 + 40 * 41 / 2 && dup == 0 && same == 41);
    /* a table's slots (the low bits) of keys that differ only at their
     * end fill about as a random function's would: 50,000 keys take
     * 41,500 of 2^17 slots on average */
    static unsigned char used[1 << 17];
    size_t taken = 0;
    for (unsigned k = 0; k < 50000; k++) {
        int l = snprintf(a, sizeof(a), "net.ipv4.tcp_fin_timeout.k%u", k);
        size_t slot = sg_hash_key(a, (size_t)l) & ((1u << 17) - 1);
        taken += !used[slot];
        used[slot] = 1;
    }
    CHECK(taken > 40000);
}

int main(void)
{
    utf8_valid_len();
    hash_key();
    strmap_reserve();
    strmap_grow();
    strmap_same_hash();
    leading_fields();
    /* sg_vis: text without control bytes is returned as it is */
    const char *plain = "/etc/sysctl.d/50-caf\xC3\xA9 #1.conf";
    CHECK(sg_vis(plain) == plain);
    vis("32768\t60999", "32768\t60999");
    vis("a\nb", "a\\x0ab");
    vis("\x1b]0;owned\x07x\r", "\\x1b]0;owned\\x07x\\x0d");
    vis("\x7f\x01", "\\x7f\\x01");
    vis("ok\x7f", "ok\\x7f"); /* DEL the only one, after text */
    vis("ok \x1f", "ok \\x1f");
    /* C1 controls: as UTF-8 (U+009B, CSI; U+0085, NEL) and as a Latin-1
     * byte that starts no UTF-8 sequence (a Latin-1 terminal's CSI) */
    vis("a\xC2\x9B"
        "2Jb",
        "a\\xc2\\x9b2Jb");
    vis("\xC2\x80\xC2\x85\xC2\x9F", "\\xc2\\x80\\xc2\\x85\\xc2\\x9f");
    vis("x\x9B"
        "2J\x80",
        "x\\x9b2J\\x80");
    /* bidi embeddings, overrides and isolates (U+202A-U+202E,
     * U+2066-U+2069): a line that reads in another order than it is */
    vis("50-a\xE2\x80\xAE"
        "fnoc.x",
        "50-a\\xe2\\x80\\xaefnoc.x");
    vis("\xE2\x80\xAA\xE2\x81\xA6\xE2\x81\xA9",
        "\\xe2\\x80\\xaa\\xe2\\x81\\xa6\\xe2\\x81\\xa9");
    /* their neighbours are text: U+00A0, U+201B (its last byte is 0x9B),
     * U+202F, U+2065, U+206A; Latin-1 letters (0xA0-0xFF) stay too */
    const char *near = "\xC2\xA0\xE2\x80\x9B\xE2\x80\xAF\xE2\x81\xA5"
                       "\xE2\x81\xAA caf\xE9";
    CHECK(sg_vis(near) == near);
    CHECK_STR(sg_vis(NULL), "(null)");
    /* eight results live at once: one printf may take several */
    const char *ring[8];
    for (int i = 0; i < 8; i++)
        ring[i] = sg_vis(i % 2 ? "odd\n" : "even\n");
    for (int i = 0; i < 8; i++)
        CHECK_STR(ring[i], i % 2 ? "odd\\x0a" : "even\\x0a");

    u64map();
    proc_file("/proc/sys/kernel/pid_max");
    proc_file("/proc/sys/net/ipv4/ip_local_port_range");

    /* valid text is unchanged, whatever its script */
    repair("", "");
    repair("net.core.somaxconn = 4096", "net.core.somaxconn = 4096");
    repair("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x90\xA7", /* café € penguin */
           "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x90\xA7");
    repair("\xED\x9F\xBF \xEF\xBF\xBF \xF4\x8F\xBF\xBF", /* U+D7FF U+FFFF max */
           "\xED\x9F\xBF \xEF\xBF\xBF \xF4\x8F\xBF\xBF");
    /* Latin-1: one replacement per byte */
    repair("caf\xE9", "caf" FFFD);
    repair("\xDC"
           "berwachung",
           FFFD "berwachung");
    repair("\xFF\xFE", FFFD FFFD);
    /* overlong forms, surrogates, past U+10FFFF, stray continuations */
    repair("\xC0\xAF", FFFD FFFD);
    repair("\xC1\xBF", FFFD FFFD);
    repair("\xE0\x80\xAF", FFFD FFFD FFFD);
    repair("\xF0\x80\x80\xAF", FFFD FFFD FFFD FFFD);
    repair("\xED\xA0\x80", FFFD FFFD FFFD);
    repair("\xF4\x90\x80\x80", FFFD FFFD FFFD FFFD);
    repair("\xF5\x80\x80\x80", FFFD FFFD FFFD FFFD);
    repair("a\x80"
           "b",
           "a" FFFD "b");
    /* a sequence cut by the end of the string, or by ASCII */
    repair("x\xE2\x82", "x" FFFD FFFD);
    repair("\xF0\x9F\x90", FFFD FFFD FFFD);
    repair("\xC3"
           "A",
           FFFD "A");
    repair("\xE2\x82"
           "1\xC3\xA9",
           FFFD FFFD "1\xC3\xA9");
    return check_done("util");
}
