/*
 * fileset.h - which sysctl files apply at boot, and in which order.
 *
 * systemd-sysctl (sysctl.d(5)) and procps "sysctl --system" agree on the
 * directories and on "first of a name wins": *.conf files in
 *   /etc/sysctl.d  /run/sysctl.d  /usr/local/lib/sysctl.d  /usr/lib/sysctl.d
 *   /lib/sysctl.d (only where it is not the same directory as /usr/lib's)
 * are collected; a name in a higher directory hides the same name below;
 * a symlink to /dev/null masks; the survivors apply sorted by file name
 * across directories. They differ on /etc/sysctl.conf: systemd reads it
 * only through a sysctl.d symlink (distributions ship
 * 99-sysctl.conf -> ../sysctl.conf), procps always applies it last.
 *
 * A survivor that is a symlink is applied, reported and edited at its
 * resolved path inside the root; the link is kept as "via".
 */
#ifndef SG_FILESET_H
#define SG_FILESET_H

#include <stdbool.h>
#include <stddef.h>

#include "../base/diag.h"
#include "layout.h"

enum sg_semantics { SG_SEM_SYSTEMD, SG_SEM_PROCPS };

const char *sg_semantics_name(enum sg_semantics s);
/* "systemd", "procps" (the tree's own procps: *PROCPS 0), "procps-3.3"
 * or "procps-4" (*PROCPS 3 or 4); -EINVAL for anything else. */
int sg_semantics_parse(const char *s, enum sg_semantics *out, int *procps);

struct sg_source {
    char *path; /* target path the text is read from (resolved) */
    char *via;  /* the sysctl.d entry, when it is a symlink; else NULL */
};

struct sg_sources {
    struct sg_source *v;
    size_t n, cap;
};

struct sg_fileset {
    struct sg_sources systemd; /* application order, systemd-sysctl */
    struct sg_sources procps;  /* application order, sysctl --system */
    bool sysctl_conf_exists;   /* /etc/sysctl.conf is there */
    bool sysctl_conf_linked;   /* ... and a sysctl.d entry leads to it */
};

/* Scan the tree opened as ROOTFD (rootfs.h; "/" for this machine). Files
 * that do not count (hidden, masked, not *.conf, directories, dangling
 * links) produce diagnostics. The leftovers of interrupted saves
 * (remedy/save.h) in the directories a fix writes to are removed when
 * SWEEP (a run that writes: fix), else each is a warning saying the next
 * fix removes it. Returns 0 or -ENOMEM. */
int sg_fileset_scan(int rootfd, bool sweep, struct sg_fileset *fs,
                    struct sg_diags *diags);

/* The sysctl.d directories: layout.h sg_layout_dirs. */

/* The names in directory DIR (a target path, resolved inside the tree
 * ROOTFD) that a sysctl.d reader looks at: "*.conf", not hidden, of any
 * type, sorted bytewise (what a plan's target must still have: plan
 * --emit). A missing directory has none. Returns 0 or -ENOMEM. */
int sg_fileset_list(int rootfd, const char *dir, char ***names, size_t *n);
/* The same for the names ending in SUFFIX (".rules", ...). */
int sg_fileset_list_suffix(int rootfd, const char *dir, const char *suffix,
                           char ***names, size_t *n);
/* The files named *SUFFIX of the directories DIRS (target paths, the one
 * that wins a name first), a name in a higher directory hiding the same
 * name below, as target paths sorted by file name across the
 * directories: how systemd reads a configuration's directories
 * (modules-load.d, networkd's .network files, *.conf.d drop-ins). Into
 * *PATHS (*N), each allocated. Returns 0 or -ENOMEM. */
int sg_fileset_union(int rootfd, const char *const *dirs, size_t ndirs,
                     const char *suffix, char ***paths, size_t *n);
void sg_fileset_free(struct sg_fileset *fs);

#endif
