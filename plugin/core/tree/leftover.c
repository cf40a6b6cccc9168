/*
 * leftover.c - what interrupted saves leave in a tree's directories, and
 * their removal (leftover.h). Reading the tree finds them; the save
 * (remedy/save.c) names its temporary files by the same rule.
 */
#include "leftover.h"
#include "rootfs.h"
#include "../base/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

bool sg_leftover_is_temp(const char *name)
{
    size_t np = strlen(SG_TEMP_PREFIX);

    if (strlen(name) != np + SG_TEMP_HEX + strlen(SG_TEMP_SUFFIX) ||
        strncmp(name, SG_TEMP_PREFIX, np) != 0 ||
        strcmp(name + np + SG_TEMP_HEX, SG_TEMP_SUFFIX) != 0)
        return false;
    for (size_t i = np; i < np + SG_TEMP_HEX; i++)
        if (!((name[i] >= '0' && name[i] <= '9') ||
              (name[i] >= 'a' && name[i] <= 'f')))
            return false;
    return true;
}

/* The leftover NAME of the directory DFD (DIR), whose lock is held (or,
 * when LOCKED is false, could not be taken for the reason NOLOCK):
 * removed when it is a regular file of the running user, else a
 * diagnostic says why not. 0 or -ENOMEM. */
static int sweep_one(int dfd, const char *dir, const char *name, bool locked,
                     int nolock, bool remove, struct sg_diags *diags)
{
    char *path = sg_strdup_printf("%s/%s", strcmp(dir, "/") ? dir : "", name);
    struct stat st;
    int r = 0;

    if (!path)
        return -ENOMEM;
    if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
        if (errno != ENOENT) /* gone meanwhile: nothing to say */
            r = sg_diag_add(diags, SG_SEV_WARNING, "save-leftover", path, 0,
                            "has the name of a sysctl-guard temporary file "
                            "and cannot be looked at (%s): not removed",
                            strerror(errno));
    } else if (!S_ISREG(st.st_mode))
        r = sg_diag_add(diags, SG_SEV_WARNING, "save-leftover", path, 0,
                        "has the name of a sysctl-guard temporary file but "
                        "is not a regular file: not removed");
    else if (!locked)
        r = sg_diag_add(diags, SG_SEV_WARNING, "save-leftover", path, 0,
                        "is a sysctl-guard temporary file, and its "
                        "directory cannot be locked to tell whether a save "
                        "still uses it (%s): not removed",
                        strerror(nolock));
    else if (st.st_uid != geteuid())
        r = sg_diag_add(diags, SG_SEV_WARNING, "save-leftover", path, 0,
                        "is left by an interrupted sysctl-guard save and "
                        "owned by uid %u, not by this user (uid %u): not "
                        "removed",
                        (unsigned)st.st_uid, (unsigned)geteuid());
    else if (!remove)
        r = sg_diag_add(diags, SG_SEV_WARNING, "save-leftover", path, 0,
                        "is left by an interrupted sysctl-guard save (no "
                        "save holds its directory): the next fix removes "
                        "it");
    else if (unlinkat(dfd, name, 0) < 0 && errno != ENOENT)
        r = sg_diag_add(diags, SG_SEV_WARNING, "save-leftover", path, 0,
                        "is left by an interrupted sysctl-guard save and "
                        "cannot be removed: %s",
                        strerror(errno));
    free(path);
    return r;
}

int sg_leftover_sweep(int rootfd, const char *dir, bool remove,
                      struct sg_diags *diags)
{
    int dfd = sg_root_openat(rootfd, dir, O_RDONLY | O_DIRECTORY);
    DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
    struct dirent *de;
    struct {
        char **v;
        size_t n, cap;
    } names = {0};
    int r = 0;

    if (!d) {
        if (dfd >= 0)
            close(dfd);
        return dfd == -ENOMEM ? -ENOMEM : 0; /* the listing says why */
    }
    while (r == 0 && (de = readdir(d))) {
        char *n;
        if (!sg_leftover_is_temp(de->d_name))
            continue;
        if (!(n = strdup(de->d_name)) || SG_PUSH(names, n) < 0) {
            free(n);
            r = -ENOMEM;
        }
    }
    if (r == 0 && names.n) {
        bool locked = flock(dirfd(d), LOCK_EX | LOCK_NB) == 0;
        int nolock = locked ? 0 : errno;
        /* Locked by a save now: its temporary file is no leftover, and
         * any other is one for the next run. */
        bool busy = nolock == EWOULDBLOCK || nolock == EINTR;
        qsort(names.v, names.n, sizeof(*names.v), sg_strp_cmp);
        for (size_t i = 0; i < names.n && r == 0 && !busy; i++)
            r = sweep_one(dirfd(d), dir, names.v[i], locked, nolock, remove,
                          diags);
    }
    for (size_t i = 0; i < names.n; i++)
        free(names.v[i]);
    free(names.v);
    closedir(d); /* releases the lock */
    return r;
}
