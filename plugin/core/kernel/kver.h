/*
 * kver.h - Linux kernel release strings: parse and compare.
 *
 * A release is major.minor(.patch) followed by anything at all
 * ("3.10.0-1160.el7.x86_64", "6.12.38+deb13-amd64"; a leading "v", as in
 * git's tags, is dropped): the numbers are
 * compared, the rest is kept verbatim for comparison, because
 * enterprise kernels backport and their suffixes promise nothing about
 * versions. The suffix does say whose build it is (sg_kver_build): the
 * catalog's facts are evidence only for the build they were read from.
 */
#ifndef SG_KVER_H
#define SG_KVER_H

struct sg_kver {
    unsigned major, minor, patch;
    char release[128]; /* the string as given, truncated */
};

/* Whose build a release is, from its suffix. */
enum sg_kbuild {
    SG_KB_PLAIN, /* numbers only ("6.1", "6.1.55", "6.8-rc3"): no build named */
    SG_KB_KERNELORG, /* a kernel.org tree (the catalog's own rows) */
    SG_KB_DEBIAN,    /* "-amd64", "-cloud-arm64", "+deb13-amd64", "~bpo11" */
    SG_KB_UBUNTU,    /* "-NN-generic", "-aws", "-lowlatency", ... */
    SG_KB_RHEL,      /* ".el7", ".el9_1", Oracle's "uek": RHEL and rebuilds */
    SG_KB_OTHER,     /* any other suffix: a build the catalog does not cover */
};

/* Parse S; returns 0, or -EINVAL when it does not start with N.N. */
int sg_kver_parse(const char *s, struct sg_kver *out);

/* The running kernel (uname -r); returns 0 or a negative errno. */
int sg_kver_running(struct sg_kver *out);

/* The build K names (a release of kver_parse). */
enum sg_kbuild sg_kver_build(const struct sg_kver *k);

/* "Debian", "Ubuntu", "RHEL", "kernel.org", "unnamed", "distribution". */
const char *sg_kbuild_name(enum sg_kbuild b);

/* A catalog's name for the build of its rows ("kernel.org", "debian",
 * "ubuntu", "rhel"): 0 and *OUT, or -EINVAL. */
int sg_kbuild_parse(const char *name, enum sg_kbuild *out);

/* <0, 0, >0 as A is older than, the same as, newer than B (numbers only). */
int sg_kver_cmp(const struct sg_kver *a, const struct sg_kver *b);

#endif
