/*
 * kver.h - Linux kernel release strings: parse and compare.
 *
 * A release is major.minor(.patch) followed by anything at all
 * ("3.10.0-1160.el7.x86_64", "6.12.38+deb13-amd64"; a leading "v", as in
 * git's tags, is dropped): the numbers are
 * compared, the rest is kept verbatim and never interpreted, because
 * enterprise kernels backport and their suffixes promise nothing.
 */
#ifndef SG_KVER_H
#define SG_KVER_H

struct sg_kver {
    unsigned major, minor, patch;
    char release[128]; /* the string as given, truncated */
};

/* Parse S; returns 0, or -EINVAL when it does not start with N.N. */
int sg_kver_parse(const char *s, struct sg_kver *out);

/* The running kernel (uname -r); returns 0 or a negative errno. */
int sg_kver_running(struct sg_kver *out);

/* <0, 0, >0 as A is older than, the same as, newer than B (numbers only). */
int sg_kver_cmp(const struct sg_kver *a, const struct sg_kver *b);

#endif
