/*
 * jsonw.c - see jsonw.h. The stream's layout follows cJSON 1.7's
 * print_object, print_array and print_string_ptr: "{\n", each member on
 * its own line indented by the depth in tabs, "\"key\":\tvalue", a ","
 * before every member but the first, then "\n" and the closing "}"
 * indented one tab less; "[" items separated by ", " "]"; in strings '"',
 * '\\', \b \f \n \r \t escaped by name, other bytes below 0x20 as \u00XX,
 * everything else as it is (here: UTF-8 repaired). Integers print as
 * "%d" while they fit an int, as cJSON prints a whole number.
 */
#include "jsonw.h"
#include "../core/base/util.h"

#include <cjson/cJSON.h>
#include <float.h>
#include <limits.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>

void sg_jw_stream(struct sg_jw *w, FILE *out)
{
    memset(w, 0, sizeof(*w));
    w->out = out;
}

void sg_jw_tree(struct sg_jw *w)
{
    memset(w, 0, sizeof(*w));
}

static void flush(struct sg_jw *w)
{
    if (w->n)
        fwrite(w->buf, 1, w->n, w->out);
    w->n = 0;
}

static void put(struct sg_jw *w, const char *p, size_t n)
{
    if (n > sizeof(w->buf) - w->n) {
        flush(w);
        if (n >= sizeof(w->buf)) {
            fwrite(p, 1, n, w->out);
            return;
        }
    }
    memcpy(w->buf + w->n, p, n);
    w->n += n;
}

static void put_c(struct sg_jw *w, char c)
{
    if (w->n == sizeof(w->buf))
        flush(w);
    w->buf[w->n++] = c;
}

static void put_s(struct sg_jw *w, const char *s)
{
    put(w, s, strlen(s));
}

/* 1 for the bytes a string cannot hold as they are (escaped, or checked
 * as UTF-8): below 0x20, '"', '\\', 0x80 and up. */
static const unsigned char special[256] = {
    [0 ... 0x1f] = 1, ['"'] = 1, ['\\'] = 1, [0x80 ... 0xff] = 1};

/* The letter after the backslash of the escapes JSON names. */
static const unsigned char escape[256] = {
    ['"'] = '"',  ['\\'] = '\\', ['\b'] = 'b', ['\f'] = 'f',
    ['\n'] = 'n', ['\r'] = 'r',  ['\t'] = 't'};

/* Whether one of the 16 bytes at P is special, all at once (util.h
 * sg_v16): a byte outside 0x20..0x7f (as a signed byte, below 0x20: one
 * comparison), '"' or '\\'. */
static bool block_special(const unsigned char *p)
{
    sg_v16 x = sg_v16_load(p);
    return sg_v16_any((x < 0x20) | (x == '"') | (x == '\\'));
}

/* S (LEN bytes) quoted, at once, when it holds no special byte: written
 * straight into the buffer (a short one padded with plain bytes to one
 * block there, a longer one block by block, its last block the string's
 * last 16 bytes). False when it holds one, or is longer than the buffer:
 * then the opening quote and the *DONE plain bytes before the block that
 * holds it are written, for the caller to go on from there. */
static bool put_plain(struct sg_jw *w, const char *s, size_t len, size_t *done)
{
    const unsigned char *p = (const unsigned char *)s;
    *done = 0;
    if (sizeof(w->buf) - w->n < len + 18) {
        if (len + 18 > sizeof(w->buf)) {
            put_c(w, '"');
            return false;
        }
        flush(w);
    }
    char *o = w->buf + w->n;
    o[0] = '"';
    if (len < 16) {
        memset(o + 1, 'a', 16);
        memcpy(o + 1, p, len);
        if (block_special((const unsigned char *)o + 1)) {
            w->n++;
            return false;
        }
    } else {
        for (size_t i = 0; i + 16 <= len; i += 16) {
            if (block_special(p + i)) {
                *done = i;
                w->n += 1 + i;
                return false;
            }
            memcpy(o + 1 + i, p + i, 16);
        }
        if (len % 16) {
            if (block_special(p + len - 16)) {
                *done = len / 16 * 16;
                w->n += 1 + *done;
                return false;
            }
            memcpy(o + 1 + len - 16, p + len - 16, 16);
        }
    }
    o[len + 1] = '"';
    w->n += len + 2;
    return true;
}

/* S (LEN bytes) as a JSON string. */
static void put_string(struct sg_jw *w, const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + len;
    size_t done;
    if (put_plain(w, s, len, &done))
        return;
    p += done;
    for (;;) {
        /* plain blocks go straight into the buffer; the last few bytes,
         * padded with plain ones, are one block more; then the bytes
         * before the special one of a block */
        while (end - p >= 16 && !block_special(p)) {
            if (sizeof(w->buf) - w->n < 16)
                flush(w);
            memcpy(w->buf + w->n, p, 16);
            w->n += 16;
            p += 16;
        }
        if (end - p < 16) {
            unsigned char tail[16];
            memset(tail, 'a', sizeof(tail));
            memcpy(tail, p, (size_t)(end - p));
            if (!block_special(tail)) {
                put(w, (const char *)p, (size_t)(end - p));
                break;
            }
        }
        const unsigned char *run = p;
        while (p < end && !special[*p])
            p++;
        if (p > run)
            put(w, (const char *)run, (size_t)(p - run));
        if (p == end)
            break;
        char u[8];
        if (escape[*p]) {
            u[0] = '\\';
            u[1] = (char)escape[*p];
            put(w, u, 2);
        } else if (*p < 0x20) {
            snprintf(u, sizeof(u), "\\u%04x", *p);
            put(w, u, 6);
        } else {
            size_t n = sg_utf8_seq(p);
            if (n > 0) {
                put(w, (const char *)p, n);
                p += n;
                continue;
            }
            put(w, "\xEF\xBF\xBD", 3); /* a byte that starts no sequence */
        }
        p++;
    }
    put_c(w, '"');
}

static void tabs(struct sg_jw *w, int n)
{
    while (n-- > 0)
        put_c(w, '\t');
}

/* Start an item (a member KEY of an open object) in the stream. */
static void stream_item(struct sg_jw *w, const char *key)
{
    int d = w->depth;
    if (d == 0)
        return;
    if (w->array[d - 1]) {
        if (w->items[d - 1])
            put_s(w, ", ");
    } else {
        if (!key) { /* a member needs a name: the caller's mistake */
            w->failed = true;
            key = "";
        }
        /* ",\n", the indentation (at most SG_JW_DEPTH tabs, written as
         * one block), then the name and ":\t" */
        static const char indent[SG_JW_DEPTH] = {[0 ... SG_JW_DEPTH - 1] =
                                                     '\t'};
        if (sizeof(w->buf) - w->n < SG_JW_DEPTH + 2)
            flush(w);
        char *o = w->buf + w->n;
        if (w->items[d - 1]) {
            *o++ = ',';
            *o++ = '\n';
        }
        memcpy(o, indent, SG_JW_DEPTH);
        w->n = (size_t)(o + d - w->buf);
        put_string(w, key, strlen(key));
        if (sizeof(w->buf) - w->n < 2)
            flush(w);
        w->buf[w->n++] = ':';
        w->buf[w->n++] = '\t';
    }
    w->items[d - 1] = true;
}

/* Attach ITEM (a member KEY of an open object) to the tree. */
static void tree_item(struct sg_jw *w, const char *key, cJSON *item)
{
    int d = w->depth;
    if (!item) {
        w->failed = true;
        return;
    }
    if (d == 0) {
        if (w->root)
            cJSON_Delete(w->root);
        w->root = item;
    } else if (w->array[d - 1]
                   ? !cJSON_AddItemToArray(w->open[d - 1], item)
                   : !cJSON_AddItemToObject(w->open[d - 1], key, item)) {
        cJSON_Delete(item);
        w->failed = true;
    }
}

static void open_container(struct sg_jw *w, const char *key, bool array)
{
    if (w->depth == SG_JW_DEPTH) {
        w->failed = true;
        return;
    }
    if (w->out) {
        stream_item(w, key);
        put_s(w, array ? "[" : "{\n");
    } else {
        cJSON *c = array ? cJSON_CreateArray() : cJSON_CreateObject();
        tree_item(w, key, c);
        w->open[w->depth] = w->failed ? NULL : c;
    }
    w->array[w->depth] = array;
    w->items[w->depth] = false;
    w->depth++;
}

void sg_jw_object(struct sg_jw *w, const char *key)
{
    open_container(w, key, false);
}

void sg_jw_array(struct sg_jw *w, const char *key)
{
    open_container(w, key, true);
}

void sg_jw_end(struct sg_jw *w)
{
    if (w->depth == 0) {
        w->failed = true;
        return;
    }
    int d = --w->depth;
    if (!w->out)
        return;
    if (w->array[d]) {
        put_c(w, ']');
        return;
    }
    if (w->items[d])
        put_c(w, '\n');
    tabs(w, d);
    put_c(w, '}');
}

void sg_jw_str(struct sg_jw *w, const char *key, const char *s)
{
    if (!s)
        return;
    if (w->out) {
        stream_item(w, key);
        put_string(w, s, strlen(s));
    } else
        tree_item(w, key, cJSON_CreateString(s));
}

/* cJSON's compare_double: equal within the larger one's DBL_EPSILON */
static bool same_double(double a, double b)
{
    double fa = a < 0 ? -a : a, fb = b < 0 ? -b : b, diff = a - b;
    return (diff < 0 ? -diff : diff) <= (fa > fb ? fa : fb) * DBL_EPSILON;
}

void sg_jw_int(struct sg_jw *w, const char *key, long long v)
{
    if (w->out) {
        stream_item(w, key);
        char num[32];
        double d = (double)v, back = 0;
        /* cJSON: "%d" for what an int holds, else "%1.15g", or
         * "%1.17g" when that does not read back as (about) the same */
        if (v >= INT_MIN && v <= INT_MAX) {
            /* "%d", without printf's cost (a line number per value) */
            char *e = num + sizeof(num), *q = e;
            unsigned long long u =
                v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
            do
                *--q = (char)('0' + u % 10);
            while (u /= 10);
            if (v < 0)
                *--q = '-';
            put(w, q, (size_t)(e - q));
            return;
        }
        if (snprintf(num, sizeof(num), "%1.15g", d) > 0 &&
            (sscanf(num, "%lg", &back) != 1 || !same_double(back, d)))
            snprintf(num, sizeof(num), "%1.17g", d);
        put_s(w, num);
    } else
        tree_item(w, key, cJSON_CreateNumber((double)v));
}

void sg_jw_bool(struct sg_jw *w, const char *key, bool v)
{
    if (w->out) {
        stream_item(w, key);
        put_s(w, v ? "true" : "false");
    } else
        tree_item(w, key, cJSON_CreateBool(v));
}

void sg_jw_null(struct sg_jw *w, const char *key)
{
    if (w->out) {
        stream_item(w, key);
        put_s(w, "null");
    } else
        tree_item(w, key, cJSON_CreateNull());
}

int sg_jw_finish(struct sg_jw *w)
{
    if (w->depth != 0)
        w->failed = true;
    if (w->out) {
        put_c(w, '\n');
        flush(w);
        return w->failed ? -1 : 0;
    }
    if (w->failed) {
        cJSON_Delete(w->root);
        w->root = NULL;
        return -1;
    }
    return 0;
}
