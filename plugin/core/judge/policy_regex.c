/*
 * policy_regex.c - see policy_regex.h. One pass over the pattern with a stack
 * of groups: each keeps the expanded size of what it holds so far and of its
 * last atom, so that a bounded repetition multiplies exactly what it
 * applies to (an atom, a bracket expression or a whole group).
 */
#include "policy_regex.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct group {
    unsigned long size; /* expanded size of the group's content so far */
    unsigned long last; /* of its last atom (what a quantifier applies to) */
};

static int refuse(char *why, size_t len, const char *msg, const char *at,
                  const char *pattern)
{
    snprintf(why, len, "%s (at offset %td)", msg, at - pattern);
    return -1;
}

/* Skip the bracket expression starting at P ("[" ...): the first "]"
 * after "[", "[^" is literal, "[:class:]" "[.x.]" "[=x=]" are whole. */
static const char *skip_bracket(const char *p)
{
    p++;
    if (*p == '^')
        p++;
    if (*p == ']')
        p++;
    while (*p && *p != ']') {
        if (*p == '[' && (p[1] == ':' || p[1] == '.' || p[1] == '=')) {
            char end = p[1];
            const char *q = p + 2;
            while (*q && !(q[0] == end && q[1] == ']'))
                q++;
            p = *q ? q + 2 : q;
            continue;
        }
        p++;
    }
    return *p ? p + 1 : p;
}

/* Parse "{m}", "{m,}" or "{m,n}" at P; *MAX is the count that bounds the
 * expansion (n, or m when unbounded). Returns the end, or NULL when P
 * holds no interval (regcomp then says what is wrong). */
static const char *interval(const char *p, unsigned long *min,
                            unsigned long *max)
{
    char *e;
    if (!isdigit((unsigned char)p[1]))
        return NULL;
    *min = *max = strtoul(p + 1, &e, 10);
    if (*e == ',') {
        if (isdigit((unsigned char)e[1]))
            *max = strtoul(e + 1, &e, 10);
        else
            e++;
    }
    return *e == '}' ? e + 1 : NULL;
}

int sg_regex_check(const char *pattern, char *why, size_t len)
{
    struct group st[SG_RE_MAX_DEPTH + 1] = {{0, 0}};
    int depth = 0;
    const char *p = pattern;

    if (strlen(pattern) > SG_RE_MAX_LEN)
        return refuse(why, len, "longer than 256 bytes", pattern + 256,
                      pattern);
    while (*p) {
        struct group *g = &st[depth];
        const char *at = p;
        unsigned long min, max;
        switch (*p) {
        case '\\':
            if (p[1] >= '1' && p[1] <= '9')
                return refuse(why, len,
                              "back-references are not allowed (they cannot "
                              "be matched in bounded time)",
                              at, pattern);
            p += p[1] ? 2 : 1;
            g->last = 1;
            g->size += 1;
            continue;
        case '[':
            p = skip_bracket(p);
            g->last = 1;
            g->size += 1;
            continue;
        case '(':
            if (depth == SG_RE_MAX_DEPTH)
                return refuse(why, len, "groups nested more than 8 deep", at,
                              pattern);
            st[++depth] = (struct group){0, 0};
            p++;
            continue;
        case ')':
            if (depth == 0) {
                g->last = 1;
                g->size += 1;
                p++;
                continue;
            }
            depth--;
            st[depth].last = g->size ? g->size : 1;
            st[depth].size += st[depth].last;
            p++;
            continue;
        case '|':
            p++;
            g->last = 0;
            continue;
        case '{': {
            const char *e = interval(p, &min, &max);
            if (!e) {
                p++;
                continue;
            }
            if (min > SG_RE_MAX_REPEAT || max > SG_RE_MAX_REPEAT)
                return refuse(why, len,
                              "a repetition bound over 64 is not allowed", at,
                              pattern);
            /* The atom is there once already: add max - 1 more copies. */
            unsigned long more = g->last * (max ? max - 1 : 0);
            g->size += more;
            g->last += more;
            if (g->size > SG_RE_MAX_EXPANDED)
                return refuse(why, len,
                              "bounded repetitions expand to over 1024 "
                              "atoms (nested ones multiply)",
                              at, pattern);
            p = e;
            continue;
        }
        default:
            p++;
            g->last = 1;
            g->size += 1;
            continue;
        }
    }
    for (int d = depth; d >= 0; d--)
        if (st[d].size > SG_RE_MAX_EXPANDED)
            return refuse(why, len,
                          "bounded repetitions expand to over 1024 "
                          "atoms",
                          p, pattern);
    return 0;
}
