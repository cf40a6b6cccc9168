/*
 * modload.h - what loads kernel modules before systemd-sysctl applies the
 * sysctl.d files, so that the keys those modules provide exist by then.
 *
 * systemd-sysctl.service runs after systemd-modules-load.service, which
 * loads the modules named in modules-load.d(5): *.conf files of
 *   /etc/modules-load.d  /run/modules-load.d  /usr/local/lib/modules-load.d
 *   /usr/lib/modules-load.d  /lib/modules-load.d
 * (a name in a higher directory hides the same name below, a symlink to
 * /dev/null masks; one module name a line, "#" and ";" comments) and on
 * the kernel command line ("modules-load=a,b", "rd.modules-load="). A
 * module loaded later gets its keys set by a udev rule that runs
 * "systemd-sysctl --prefix=..." when it appears (sysctl.d(5), example 3).
 * Module names compare with "-" and "_" alike, as modprobe does.
 */
#ifndef SG_MODLOAD_H
#define SG_MODLOAD_H

#include <stdbool.h>
#include <stddef.h>

struct sg_modload {
    bool scanned;   /* a tree was looked at (not fragments) */
    char **modules; /* normalised names */
    size_t n_modules;
    char **prefixes; /* systemd-sysctl --prefix of udev rules: key prefixes
                        in canonical dot form */
    size_t n_prefixes;
};

/* The modules-load.d list a fix writes: layout.h SG_MODLOAD_DROPIN. */

/* Read the lists of the tree ROOTFD (rootfs.h) and its /proc/cmdline.
 * Returns 0 or -ENOMEM; unreadable files are skipped. */
int sg_modload_scan(int rootfd, struct sg_modload *out);
/* Whether target PATH is a list of a modules-load.d directory. */
bool sg_modload_is_list(const char *path);
/* Add the modules a list's TEXT names (what a fix writes); 0 or -ENOMEM. */
int sg_modload_add_list(struct sg_modload *ml, const char *text);
/* A deep copy; 0 or -ENOMEM. */
int sg_modload_copy(const struct sg_modload *from, struct sg_modload *to);
void sg_modload_free(struct sg_modload *ml);

/* Whether MODULE is loaded before systemd-sysctl. */
bool sg_modload_loads(const struct sg_modload *ml, const char *module);
/* Whether a udev rule applies canonical KEY when its module appears. */
bool sg_modload_udev_applies(const struct sg_modload *ml, const char *key);

#endif
