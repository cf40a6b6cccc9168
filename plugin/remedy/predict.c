/*
 * predict.c - whether `fix` could write what a preview plans (fix.h
 * sg_fix_predict), told without writing anything: the checks a save
 * would fail (save.c), asked of the kernel as the effective user.
 *
 * Every path is opened beneath the root as the save opens it (rootfs.h),
 * so a symlink in an image never makes the answer the host's.
 *
 * A save makes a temporary file beside the file and renames it over it,
 * keeping the old file's owner, group and mode. So it fails when the
 * directory (or, for a new file, the nearest directory that exists) is
 * not writable and searchable by the effective user (faccessat(2) with
 * AT_EACCESS: a read-only mount says EROFS), and, for a user other than
 * root, when the file belongs to another user or to a group the user is
 * not in (chown(2) would say EPERM). Check mode (Ansible), test mode
 * (Salt) and fix --dry-run then say what the run would say, instead of
 * promising changes it cannot make.
 *
 * Cost: a few system calls per changed file.
 */
#include "fix.h"
#include "../core/tree/rootfs.h"
#include "../core/base/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Whether the effective user is in group GID. */
static bool in_group(gid_t gid)
{
    gid_t groups[256];
    int n = getgroups(256, groups);
    if (gid == getegid())
        return true;
    for (int i = 0; i < n; i++)
        if (groups[i] == gid)
            return true;
    return false;
}

/* Open DIR, or the nearest directory above it that exists (a new file's
 * are created): beneath ROOTFD as the save opens it (rootfs.h: no symlink
 * may lead out of the tree), or, for a fragment (ROOTFD -1), as given. A
 * descriptor, or a negative errno. */
static int open_dir(int rootfd, char *dir)
{
    for (;;) {
        int fd = rootfd >= 0
                     ? sg_root_openat(rootfd, *dir ? dir : "/",
                                      O_RDONLY | O_DIRECTORY)
                     : open(*dir ? dir : ".",
                            O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0 && rootfd < 0)
            fd = -errno;
        char *slash = strrchr(dir, '/');
        if (fd != -ENOENT || !*dir || (!slash && rootfd >= 0))
            return fd;
        if (slash)
            *slash = '\0';
        else
            dir[0] = '\0';
    }
}

/* Why the save of C would fail, or NULL (allocated). ROOTFD: the tree's
 * descriptor, or -1 for a fragment. */
static char *would_fail(int rootfd, const struct sg_change *c)
{
    char *dir = strdup(c->path);
    char *slash = dir ? strrchr(dir, '/') : NULL;
    struct stat st;
    if (!dir)
        return NULL;
    if (slash)
        *(slash == dir && rootfd >= 0 ? slash + 1 : slash) = '\0';
    else
        dir[0] = '\0';
    int dfd = open_dir(rootfd, dir);
    free(dir);
    char *why = NULL;
    if (dfd < 0 || faccessat(dfd, ".", W_OK | X_OK, AT_EACCESS) < 0)
        why = sg_strdup_printf(
            "cannot write (no new file can be made beside it): %s",
            strerror(dfd < 0 ? -dfd : errno));
    if (dfd >= 0)
        close(dfd);
    if (why || !c->before || geteuid() == 0)
        return why;
    int fd = rootfd >= 0 ? sg_root_openat(rootfd, c->path, O_PATH)
                         : open(c->path, O_PATH | O_CLOEXEC);
    if (fd >= 0 && fstat(fd, &st) == 0 &&
        (st.st_uid != geteuid() || !in_group(st.st_gid)))
        why = sg_strdup_printf("cannot keep its owner %u:%u (%s): not edited",
                               (unsigned)st.st_uid, (unsigned)st.st_gid,
                               strerror(EPERM));
    if (fd >= 0)
        close(fd);
    return why;
}

int sg_fix_predict(const struct sg_model *m, struct sg_changes *cs,
                   struct sg_diags *d)
{
    for (size_t i = 0; i < cs->n; i++) {
        struct sg_change *c = &cs->v[i];
        char *why = would_fail(m->fragment ? -1 : m->rootfd, c);
        c->unwritable = why != NULL;
        if (why &&
            sg_diag_add(d, SG_SEV_ERROR, "not-fixed", c->path, 0,
                        "%s (the file is unchanged)", why) < 0) {
            free(why);
            return -ENOMEM;
        }
        free(why);
    }
    return 0;
}
