/*
 * keys.c - see keys.h. Every function is one pass over its strings, but
 * glob matching, which is fnmatch(3) with FNM_PATHNAME on the path forms
 * of pattern and key (so "*" stays inside one component).
 */
#include "keys.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

static void swap_separators(char *s)
{
    for (; *s; s++) {
        if (*s == '.')
            *s = '/';
        else if (*s == '/')
            *s = '.';
    }
}

size_t sg_key_normalize_into(const char *raw, size_t len, char *out)
{
    const char *first = memchr(raw, '/', len), *dot = memchr(raw, '.', len);
    bool swap = first && (!dot || first < dot);
    char *o = out;
    /* Drop empty components: "net..ipv4." -> "net.ipv4". */
    for (size_t i = 0; i < len; i++) {
        char ch = raw[i];
        if (swap && (ch == '.' || ch == '/'))
            ch = ch == '.' ? '/' : '.';
        if (ch == '.' && (o == out || o[-1] == '.'))
            continue;
        *o++ = ch;
    }
    if (o > out && o[-1] == '.')
        o--;
    *o = '\0';
    return (size_t)(o - out);
}

char *sg_key_normalize(const char *raw)
{
    size_t len = strlen(raw);
    char *s = malloc(len + 1);
    if (s)
        sg_key_normalize_into(raw, len, s);
    return s;
}

char *sg_key_to_path(const char *key)
{
    char *s = strdup(key);
    if (s)
        swap_separators(s);
    return s;
}

bool sg_key_is_glob(const char *key)
{
    return strpbrk(key, "*?[") != NULL;
}

bool sg_key_glob_match(const char *pattern, const char *key)
{
    char *p = sg_key_to_path(pattern), *k = sg_key_to_path(key);
    bool m = p && k && fnmatch(p, k, FNM_PATHNAME) == 0;

    free(p);
    free(k);
    return m;
}
