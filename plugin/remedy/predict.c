/*
 * predict.c - whether `fix` could write what a preview plans (fix.h
 * sg_fix_predict), told without writing anything: the checks a save
 * would fail (save.c), asked of the kernel as the effective user.
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
#include "../core/util.h"

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

/* Why the save of C would fail, or NULL (allocated). */
static char *would_fail(int dirfd, const char *rel, const struct sg_change *c)
{
    char *dir = strdup(rel);
    struct stat st;
    if (!dir)
        return NULL;
    /* The directory, or the nearest that exists (a new file's are
     * created). */
    for (;;) {
        char *slash = strrchr(dir, '/');
        if (!slash) {
            strcpy(dir, ".");
        } else if (slash == dir) {
            dir[1] = '\0';
        } else {
            *slash = '\0';
        }
        if (fstatat(dirfd, dir, &st, 0) == 0 || strcmp(dir, ".") == 0 ||
            strcmp(dir, "/") == 0)
            break;
    }
    char *why = NULL;
    if (faccessat(dirfd, dir, W_OK | X_OK, AT_EACCESS) < 0)
        why = sg_strdup_printf(
            "cannot write (no new file can be made beside it): %s",
            strerror(errno));
    else if (c->before && geteuid() != 0 &&
             fstatat(dirfd, rel, &st, 0) == 0 &&
             (st.st_uid != geteuid() || !in_group(st.st_gid)))
        why = sg_strdup_printf("cannot keep its owner %u:%u (%s): not edited",
                               (unsigned)st.st_uid, (unsigned)st.st_gid,
                               strerror(EPERM));
    free(dir);
    return why;
}

int sg_fix_predict(const struct sg_model *m, struct sg_changes *cs,
                   struct sg_diags *d)
{
    for (size_t i = 0; i < cs->n; i++) {
        struct sg_change *c = &cs->v[i];
        /* Beneath the root: its path without the leading "/"; a fragment
         * as given. */
        int dirfd = m->fragment ? AT_FDCWD : m->rootfd;
        const char *rel = c->path;
        while (!m->fragment && *rel == '/')
            rel++;
        char *why = would_fail(dirfd, *rel ? rel : ".", c);
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
