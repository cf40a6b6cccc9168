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

/* 1 for the bytes a string cannot hold as they are (escaped, or checked
 * as UTF-8): below 0x20, '"', '\\', 0x80 and up. */
static const unsigned char special[256] = {
    [0 ... 0x1f] = 1, ['"'] = 1, ['\\'] = 1, [0x80 ... 0xff] = 1};

static void put_string(FILE *f, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    putc_unlocked('"', f);
    for (;;) {
        const unsigned char *run = p;
        while (!special[*p])
            p++;
        if (p > run)
            fwrite_unlocked(run, 1, (size_t)(p - run), f);
        if (!*p)
            break;
        size_t n;
        switch (*p) {
        case '"':
            fputs_unlocked("\\\"", f);
            break;
        case '\\':
            fputs_unlocked("\\\\", f);
            break;
        case '\b':
            fputs_unlocked("\\b", f);
            break;
        case '\f':
            fputs_unlocked("\\f", f);
            break;
        case '\n':
            fputs_unlocked("\\n", f);
            break;
        case '\r':
            fputs_unlocked("\\r", f);
            break;
        case '\t':
            fputs_unlocked("\\t", f);
            break;
        default:
            if (*p < 0x20) {
                fprintf(f, "\\u%04x", *p);
                break;
            }
            n = sg_utf8_seq(p);
            if (n == 0) { /* U+FFFD for a byte that starts no sequence */
                fputs_unlocked("\xEF\xBF\xBD", f);
                break;
            }
            fwrite_unlocked(p, 1, n, f);
            p += n;
            continue;
        }
        p++;
    }
    putc_unlocked('"', f);
}

static void tabs(FILE *f, int n)
{
    while (n-- > 0)
        putc_unlocked('\t', f);
}

/* Start an item (a member KEY of an open object) in the stream. */
static void stream_item(struct sg_jw *w, const char *key)
{
    int d = w->depth;
    if (d == 0)
        return;
    if (w->array[d - 1]) {
        if (w->items[d - 1])
            fputs_unlocked(", ", w->out);
    } else {
        if (w->items[d - 1])
            fputs_unlocked(",\n", w->out);
        tabs(w->out, d);
        put_string(w->out, key);
        fputs_unlocked(":\t", w->out);
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
        fputs_unlocked(array ? "[" : "{\n", w->out);
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
        putc_unlocked(']', w->out);
        return;
    }
    if (w->items[d])
        putc_unlocked('\n', w->out);
    tabs(w->out, d);
    putc_unlocked('}', w->out);
}

void sg_jw_str(struct sg_jw *w, const char *key, const char *s)
{
    if (!s)
        return;
    if (w->out) {
        stream_item(w, key);
        put_string(w->out, s);
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
            fwrite_unlocked(q, 1, (size_t)(e - q), w->out);
            return;
        }
        if (snprintf(num, sizeof(num), "%1.15g", d) > 0 &&
            (sscanf(num, "%lg", &back) != 1 || !same_double(back, d)))
            snprintf(num, sizeof(num), "%1.17g", d);
        fputs_unlocked(num, w->out);
    } else
        tree_item(w, key, cJSON_CreateNumber((double)v));
}

void sg_jw_bool(struct sg_jw *w, const char *key, bool v)
{
    if (w->out) {
        stream_item(w, key);
        fputs_unlocked(v ? "true" : "false", w->out);
    } else
        tree_item(w, key, cJSON_CreateBool(v));
}

void sg_jw_null(struct sg_jw *w, const char *key)
{
    if (w->out) {
        stream_item(w, key);
        fputs_unlocked("null", w->out);
    } else
        tree_item(w, key, cJSON_CreateNull());
}

int sg_jw_finish(struct sg_jw *w)
{
    if (w->depth != 0)
        w->failed = true;
    if (w->out) {
        putc_unlocked('\n', w->out);
        return w->failed ? -1 : 0;
    }
    if (w->failed) {
        cJSON_Delete(w->root);
        w->root = NULL;
        return -1;
    }
    return 0;
}
