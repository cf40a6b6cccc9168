/*
 * rootfs.h - paths of a target tree that is mounted somewhere else.
 *
 * With --root DIR the tree under DIR is evaluated as if it were "/": a
 * symlink "/etc/sysctl.d/99-sysctl.conf -> ../sysctl.conf" or "-> /dev/null"
 * is resolved inside DIR, and nothing, not even "../../..", escapes DIR.
 * Paths handed around are target paths ("/etc/sysctl.conf"); host paths
 * (DIR + target path) exist only at the moment a file is touched.
 */
#ifndef SG_ROOTFS_H
#define SG_ROOTFS_H

/* Resolve the absolute target path PATH inside ROOT, following symlinks.
 * Returns 0 with *RESOLVED set to the target path of the object reached,
 * -ENOENT when a component is missing (then *RESOLVED is the path that was
 * looked for, so a dangling "-> /dev/null" can still be recognised),
 * -ELOOP after 40 symlinks, or another negative errno. The caller frees
 * *RESOLVED, which is NULL on errors other than -ENOENT. */
int sg_chase(const char *root, const char *path, char **resolved);

#endif
