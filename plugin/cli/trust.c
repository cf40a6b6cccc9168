/*
 * trust.c - see trust.h.
 */
#include "trust.h"
#include "../core/base/util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

bool sg_trusted_uid(uid_t uid)
{
    if (uid == 0 || uid == geteuid())
        return true;
    /* sudo's user, as git reads it: only when root runs, and SUDO_UID is
     * what sudo set (root's environment, nobody else's). */
    const char *s = geteuid() == 0 ? getenv("SUDO_UID") : NULL;
    char *end;
    if (!s || !*s)
        return false;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    return !errno && !*end && v == (unsigned long)uid;
}

/* Why ST (of PATH, the last component when LAST, its directory when
 * PARENT) makes PATH untrusted, or NULL. */
static char *judge(const char *path, const struct stat *st, bool last,
                   bool parent, bool dir)
{
    if (!sg_trusted_uid(st->st_uid))
        return sg_strdup_printf("%s is owned by uid %u, not by you or root",
                                sg_vis(path), (unsigned)st->st_uid);
    if (last && dir && !S_ISDIR(st->st_mode))
        return sg_strdup_printf("%s is not a directory", sg_vis(path));
    if (last && !dir && !S_ISREG(st->st_mode))
        return sg_strdup_printf("%s is not a regular file", sg_vis(path));
    if (!(st->st_mode & (S_IWGRP | S_IWOTH)))
        return NULL;
    if (last)
        return sg_strdup_printf("%s is writable by other users (mode %04o)",
                                sg_vis(path), (unsigned)(st->st_mode & 07777));
    if (parent)
        return sg_strdup_printf("it sits in %s, a directory other users can "
                                "write (mode %04o)",
                                sg_vis(path), (unsigned)(st->st_mode & 07777));
    if (st->st_mode & S_ISVTX)
        return NULL; /* /tmp above: nobody else can rename what is in it */
    return sg_strdup_printf("%s, above it, is writable by other users "
                            "(mode %04o)",
                            sg_vis(path), (unsigned)(st->st_mode & 07777));
}

char *sg_untrusted(const char *path, bool dir)
{
    char abs[PATH_MAX];
    struct stat st;

    if (!realpath(path, abs))
        return sg_strdup_printf("%s: %s", sg_vis(path), strerror(errno));
    /* "/", then "/a", "/a/b", ... down to the path itself. */
    size_t len = strlen(abs);
    size_t last_dir = 0; /* where the last component starts */
    for (size_t i = 0; i < len; i++)
        if (abs[i] == '/')
            last_dir = i;
    for (size_t end = 0;;) {
        char save = abs[end ? end : 1];
        abs[end ? end : 1] = '\0';
        bool last = end == len || (end == 0 && len == 1);
        bool parent = !last && end == last_dir;
        char *why =
            lstat(abs, &st) < 0
                ? sg_strdup_printf("%s: %s", sg_vis(abs), strerror(errno))
                : judge(abs, &st, last, parent, dir);
        abs[end ? end : 1] = save;
        if (why || last)
            return why;
        const char *next = strchr(abs + end + 1, '/');
        end = next ? (size_t)(next - abs) : len;
    }
}

int sg_trusted_read(const char *path, char **text, size_t *len, char **why)
{
    char abs[PATH_MAX];
    struct stat st;
    int e = 0;

    *text = NULL;
    if (!realpath(path, abs)) {
        *why = sg_strdup_printf("cannot read it: %s", strerror(errno));
        return -2;
    }
    *why = sg_untrusted(abs, false);
    if (*why)
        return -1;
    int fd =
        open(abs, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0 || fstat(fd, &st) < 0) {
        *why = sg_strdup_printf("cannot read it: %s", strerror(errno));
        if (fd >= 0)
            close(fd);
        return -2;
    }
    /* What was opened is what is read: judged again by its descriptor. */
    *why = judge(path, &st, true, false, false);
    enum sg_read_status r =
        *why ? SG_READ_OK : sg_read_fd(fd, &st, text, len, &e);
    close(fd);
    if (*why)
        return -1;
    if (r != SG_READ_OK) {
        *why = sg_strdup_printf("cannot read it: %s",
                                r == SG_READ_ERRNO     ? strerror(e)
                                : r == SG_READ_TOO_BIG ? "too big"
                                                       : "not a text file");
        free(*text);
        *text = NULL;
        return -2;
    }
    return 0;
}
