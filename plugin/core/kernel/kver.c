/*
 * kver.c - see kver.h. One pass over the release string; a number of more
 * than 6 digits does not parse (no overflow), and the string is kept up
 * to the struct's fixed buffer (127 bytes).
 */
#include "kver.h"

#include <ctype.h>
#include <stdbool.h>
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

/* Debian's and Ubuntu's flavours, as the last components of "-ABI-FLAVOUR"
 * (Debian: linux debian/config/<arch>/defines, "flavours"; Ubuntu:
 * debian.master/etc/getabis and the derivative kernels' names). */
static const char *const debian_flavours[] = {
    "amd64",       "arm64",       "686",        "686-pae",    "cloud-amd64",
    "cloud-arm64", "rt-amd64",    "rt-arm64",   "rt-686-pae", "armmp",
    "armmp-lpae",  "powerpc64le", "s390x",      "marvell",    "rpi",
    "riscv64",     "loong64",     "4kc-malta",  "5kc-malta",  "octeon",
    "loongson-3",  "mips32r2el",  "mips64r2el", "mips64r6el", "arm64-16k",
    "armel",       "armhf",       "i386",       "mips64el",   "ppc64el",
};
static const char *const ubuntu_flavours[] = {
    "generic",
    "generic-lpae",
    "generic-64k",
    "lowlatency",
    "lowlatency-64k",
    "aws",
    "azure",
    "gcp",
    "gke",
    "gkeop",
    "kvm",
    "oracle",
    "oem",
    "raspi",
    "raspi-nolpae",
    "ibm",
    "nvidia",
    "nvidia-64k",
    "realtime",
    "intel-iotg",
    "virtual",
    "fips",
    "aws-fips",
    "azure-fips",
    "gcp-fips",
    "xilinx-zynqmp",
    "bluefield",
    "oem-osp1",
    "snapdragon",
    "euclid",
};

static bool in_list(const char *s, const char *const *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(s, v[i]) == 0)
            return true;
    return false;
}

/* After the numbers: "-" digits "-" FLAVOUR (Debian 10-12, Ubuntu). */
static const char *flavour_after_abi(const char *p)
{
    if (*p != '-' || !isdigit((unsigned char)p[1]))
        return NULL;
    for (p++; isdigit((unsigned char)*p) || *p == '.'; p++)
        ;
    return *p == '-' && p[1] ? p + 1 : NULL;
}

enum sg_kbuild sg_kver_build(const struct sg_kver *k)
{
    const char *r = k->release, *p = r;

    /* Skip "v", then the numbers kver_parse read. */
    if (*p == 'v' || *p == 'V')
        p++;
    while (isdigit((unsigned char)*p) || *p == '.')
        p++;
    if (!*p || strncmp(p, "-rc", 3) == 0)
        return SG_KB_PLAIN;
    for (const char *e = r; (e = strstr(e, "el")) != NULL; e += 2)
        if (e > r && strchr(".-_", e[-1]) && isdigit((unsigned char)e[2]))
            return SG_KB_RHEL;
    if (strstr(p, "uek"))
        return SG_KB_RHEL;
    /* "+deb13", "~deb12u1", ".deb11.17" (a backport), "bpo" */
    for (const char *e = p; (e = strstr(e, "deb")) != NULL; e += 3)
        if (strchr("+~.", e[-1]) && isdigit((unsigned char)e[3]))
            return SG_KB_DEBIAN;
    if (strstr(p, "bpo"))
        return SG_KB_DEBIAN;
    const char *fl = flavour_after_abi(p);
    if (fl && in_list(fl, ubuntu_flavours,
                      sizeof(ubuntu_flavours) / sizeof(*ubuntu_flavours)))
        return SG_KB_UBUNTU;
    if (fl && in_list(fl, debian_flavours,
                      sizeof(debian_flavours) / sizeof(*debian_flavours)))
        return SG_KB_DEBIAN;
    return SG_KB_OTHER;
}

const char *sg_kbuild_name(enum sg_kbuild b)
{
    switch (b) {
    case SG_KB_PLAIN:
        return "unnamed";
    case SG_KB_KERNELORG:
        return "kernel.org";
    case SG_KB_DEBIAN:
        return "Debian";
    case SG_KB_UBUNTU:
        return "Ubuntu";
    case SG_KB_RHEL:
        return "RHEL";
    case SG_KB_OTHER:
        break;
    }
    return "distribution";
}

int sg_kbuild_parse(const char *name, enum sg_kbuild *out)
{
    static const struct {
        const char *name;
        enum sg_kbuild b;
    } names[] = {{"kernel.org", SG_KB_KERNELORG},
                 {"debian", SG_KB_DEBIAN},
                 {"ubuntu", SG_KB_UBUNTU},
                 {"rhel", SG_KB_RHEL}};
    for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++)
        if (strcmp(name, names[i].name) == 0) {
            *out = names[i].b;
            return 0;
        }
    return -EINVAL;
}
