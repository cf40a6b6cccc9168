/*
 * kver.c - see kver.h. One pass over the release string; a number of more
 * than 6 digits does not parse (no overflow), and the string is kept up
 * to the struct's fixed buffer (127 bytes).
 */
#include "kver.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

/* Parse a decimal number of at most 6 digits at *P, advancing it. */
static int parse_num(const char **p, unsigned *out)
{
    unsigned v = 0;
    int digits = 0;

    while (isdigit((unsigned char)**p)) {
        if (++digits > 6)
            return -EINVAL;
        v = v * 10 + (unsigned)(**p - '0');
        (*p)++;
    }
    if (!digits)
        return -EINVAL;
    *out = v;
    return 0;
}

int sg_kver_parse(const char *s, struct sg_kver *out)
{
    const char *p = s;
    struct sg_kver k = {0};

    /* "v6.1", as git tags name releases. */
    if (p && (*p == 'v' || *p == 'V') && isdigit((unsigned char)p[1]))
        s = ++p;
    if (!s || parse_num(&p, &k.major) < 0 || *p++ != '.' ||
        parse_num(&p, &k.minor) < 0)
        return -EINVAL;
    if (*p == '.') {
        const char *q = p + 1;
        if (parse_num(&q, &k.patch) == 0)
            p = q;
    }
    /* What follows the numbers must not continue them: "5.15x" is no
     * release, "5.15.0-91-generic" and "6.12.38+deb13" are. */
    if (*p && isalnum((unsigned char)*p))
        return -EINVAL;
    snprintf(k.release, sizeof(k.release), "%s", s);
    *out = k;
    return 0;
}

int sg_kver_running(struct sg_kver *out)
{
    struct utsname u;

    if (uname(&u) < 0)
        return -errno;
    return sg_kver_parse(u.release, out);
}

static int cmp_u(unsigned a, unsigned b)
{
    return (a > b) - (a < b);
}

int sg_kver_cmp(const struct sg_kver *a, const struct sg_kver *b)
{
    int c = cmp_u(a->major, b->major);
    if (!c)
        c = cmp_u(a->minor, b->minor);
    if (!c)
        c = cmp_u(a->patch, b->patch);
    return c;
}
