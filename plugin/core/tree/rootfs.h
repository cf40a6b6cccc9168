/*
 * rootfs.h - a target tree that is mounted somewhere else, reached only
 * through file descriptors inside it.
 *
 * With --root DIR the tree under DIR is evaluated as if it were "/": a
 * symlink "/etc/sysctl.d/99-sysctl.conf -> ../sysctl.conf" or "-> /dev/null"
 * is resolved inside DIR, and nothing, not even "../../..", escapes DIR.
 * Paths handed around are target paths ("/etc/sysctl.conf").
 *
 * The tree is untrusted and may change while we look at it (a directory
 * swapped for a symlink to "/" between two system calls). So DIR is opened
 * once (sg_root_open) and every later lookup is relative to a descriptor
 * obtained inside it:
 * - names are resolved (sg_chase_at) one component at a time with
 *   openat(O_PATH|O_NOFOLLOW) and readlinkat on the component's own
 *   descriptor, never through a host path;
 * - a resolved path is opened (sg_root_openat) with openat2(2)
 *   RESOLVE_BENEATH|RESOLVE_NO_SYMLINKS, or, on kernels before 5.6, an
 *   O_NOFOLLOW walk: a symlink swapped into a resolved path makes the open
 *   fail (-ELOOP) instead of leading out of the tree;
 * - a file is only read after fstat says it is a regular file (sg_read_at):
 *   a FIFO or a device named x.conf is never opened for reading.
 * Writes go through the directory descriptor of sg_root_open_parent
 * (remedy/save.c: temporary file, fsync, renameat, all relative to it).
 */
#ifndef SG_ROOTFS_H
#define SG_ROOTFS_H

#include <stdbool.h>
#include <stddef.h>

#include "../base/util.h"

/* Open the tree ROOT (a host path). Returns a descriptor (O_PATH) or a
 * negative errno. */
int sg_root_open(const char *root);

/* Resolve the absolute target path PATH inside the tree ROOTFD, following
 * symlinks as the target would. Returns 0 with *RESOLVED set to the target
 * path of the object reached, -ENOENT when a component is missing (then
 * *RESOLVED is the path that was looked for, so a dangling "-> /dev/null"
 * can still be recognised), -ELOOP after 40 symlinks, or another negative
 * errno. The caller frees *RESOLVED, which is NULL on errors other than
 * -ENOENT. */
int sg_chase_at(int rootfd, const char *path, char **resolved);
/* The same with the tree given by its host path. */
int sg_chase(const char *root, const char *path, char **resolved);

/* Open the target path RESOLVED (absolute, no "." or "..", no symlink on
 * it: what sg_chase_at gives) beneath ROOTFD with open(2) FLAGS (O_NOFOLLOW
 * and O_CLOEXEC are added). A symlink on the way is -ELOOP; "/" is the
 * tree itself. Returns a descriptor or a negative errno. */
int sg_root_openat(int rootfd, const char *resolved, int flags);

/* Open the directory that holds RESOLVED, beneath ROOTFD (O_RDONLY |
 * O_DIRECTORY, so that it can be locked and fsynced); with MKDIRS the
 * missing directories are created (0755), each relative to its parent's
 * descriptor. *BASE points at RESOLVED's last component. Returns a
 * descriptor or a negative errno. */
int sg_root_open_parent(int rootfd, const char *resolved, bool mkdirs,
                        const char **base);

/* Read the regular file RESOLVED of the tree ROOTFD (as sg_read_file). */
enum sg_read_status sg_read_at(int rootfd, const char *resolved, char **buf,
                               size_t *len, int *err);

/* The text of target PATH in the tree ROOTFD (symlinks chased within it),
 * or NULL: missing, masked (a link to /dev/null), not a regular file, too
 * big or unreadable. For small files the run only consults
 * (/proc/cmdline, os-release, dpkg's status). */
char *sg_root_read_text(int rootfd, const char *path);

/* Whether the kernel has openat2(2) (else the O_NOFOLLOW walk is used).
 * FORCE_WALK (tests) makes sg_root_openat take the walk anyway. */
bool sg_rootfs_have_openat2(void);
extern bool sg_rootfs_force_walk;

#endif
