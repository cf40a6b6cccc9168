/*
 * save.c - see save.h. Every system call here is relative to the locked
 * directory descriptor: a directory of the path swapped for a symlink
 * after sg_save_begin cannot redirect a write. A sweep for leftovers
 * costs one listing of the directory; the lock is taken, and each entry
 * looked at, only when a name matches.
 */
#include "save.h"
#include "../core/tree/leftover.h"
#include "../core/tree/rootfs.h"
#include "../core/base/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

/* A temporary file's name (core/leftover.h). */
#define TEMP_PREFIX SG_TEMP_PREFIX
#define TEMP_SUFFIX SG_TEMP_SUFFIX
#define TEMP_HEX SG_TEMP_HEX

static int fail(char **why, int err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(char **why, int err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    free(*why);
    *why = sg_strdup_vprintf(fmt, ap);
    va_end(ap);
    return err > 0 ? -err : err ? err : -EIO;
}

/* flock(LOCK_EX) on FD, waiting at most SG_SAVE_LOCK_WAIT_MS. */
static int lock_dir(int fd)
{
    struct timespec nap = {0, 10 * 1000 * 1000};
    for (int waited = 0;; waited += 10) {
        if (flock(fd, LOCK_EX | LOCK_NB) == 0)
            return 0;
        if (errno != EWOULDBLOCK && errno != EINTR)
            return -errno;
        if (waited >= SG_SAVE_LOCK_WAIT_MS)
            return -EWOULDBLOCK;
        nanosleep(&nap, NULL);
    }
}

/* The directory of a fragment PATH as given, and its last component. */
static int open_fragment_dir(const char *path, const char **base)
{
    const char *slash = strrchr(path, '/');
    char *dir = slash ? strndup(path, (size_t)(slash - path)) : strdup(".");
    int fd;

    *base = slash ? slash + 1 : path;
    if (!dir)
        return -ENOMEM;
    fd = open(*dir ? dir : "/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    free(dir);
    return fd < 0 ? -errno : fd;
}

/* Whether the text of a file can have changed between two stats: size
 * and mtime (the ctime changes when the rename takes the old file's name
 * away, so it cannot tell). */
static bool same_text(const struct stat *a, const struct stat *b)
{
    return sg_same_file(a, b) && a->st_size == b->st_size &&
           a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
           a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

/* ... and before the rename, whether anything about it changed. */
static bool same_state(const struct stat *a, const struct stat *b)
{
    return same_text(a, b) && a->st_ctim.tv_sec == b->st_ctim.tv_sec &&
           a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

/* Open S->base for reading and check it: a regular file with one name,
 * not a symlink; its text in *TEXT. */
static int open_existing(struct sg_save *s, char **text, size_t *len,
                         char **why)
{
    int pfd = openat(s->dirfd, s->base, O_PATH | O_NOFOLLOW | O_CLOEXEC);
    enum sg_read_status rs = SG_READ_OK;
    int err = 0, r;

    if (pfd < 0)
        return fail(why, errno, "cannot open it: %s", strerror(errno));
    if (fstat(pfd, &s->st) < 0) {
        r = fail(why, errno, "cannot stat it: %s", strerror(errno));
        close(pfd);
        return r;
    }
    if (S_ISLNK(s->st.st_mode)) {
        char target[4096];
        ssize_t tl = readlinkat(pfd, "", target, sizeof(target) - 1);
        close(pfd);
        target[tl > 0 ? tl : 0] = '\0';
        return s->fragment
                   ? fail(why, ELOOP,
                          "is a symlink (to %s): not edited, as the link "
                          "would become a copy; fix its target instead",
                          target)
                   : fail(why, ELOOP,
                          "no longer resolves to itself inside the root (a "
                          "symlink now): not edited");
    }
    if (S_ISREG(s->st.st_mode) && s->st.st_nlink > 1) {
        close(pfd);
        return fail(why, EMLINK,
                    "has %lu hard links: not edited (the other names would "
                    "keep the old text)",
                    (unsigned long)s->st.st_nlink);
    }
    r = sg_reopen_regular(pfd, &s->st, &s->fd, &rs, &err);
    if (r > 0) {
        struct stat st2;
        s->fd =
            openat(s->dirfd, s->base,
                   O_RDONLY | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
        if (s->fd >= 0 &&
            (fstat(s->fd, &st2) < 0 || !sg_same_file(&s->st, &st2))) {
            close(s->fd);
            s->fd = -1;
            errno = EAGAIN;
        }
        r = s->fd >= 0 ? 0 : -1;
        err = errno;
        rs = SG_READ_ERRNO;
    }
    close(pfd);
    if (r < 0)
        return rs == SG_READ_NOT_FILE
                   ? fail(why, EINVAL, "is not a regular file: not edited")
                   : fail(why, err, "cannot open it: %s", strerror(err));
    rs = sg_read_fd(s->fd, &s->st, text, len, &err);
    if (rs != SG_READ_OK)
        return fail(why, rs == SG_READ_ERRNO ? err : EINVAL,
                    "cannot read it again: %s",
                    rs == SG_READ_ERRNO ? strerror(err) : "not a text file");
    return 0;
}

int sg_save_begin(int rootfd, const char *path, const char *before,
                  struct sg_save *s, char **why)
{
    const char *base = NULL;
    int r;

    memset(s, 0, sizeof(*s));
    s->fd = -1;
    s->fragment = rootfd < 0;
    *why = NULL;
    s->dirfd = s->fragment ? open_fragment_dir(path, &base)
                           : sg_root_open_parent(rootfd, path, !before, &base);
    if (s->dirfd < 0) {
        r = s->dirfd;
        s->dirfd = -1;
        if (r == -ELOOP && !s->fragment)
            return fail(why, r,
                        "no longer resolves to itself inside the "
                        "root (a symlink is on its path now): not "
                        "edited");
        return fail(why, r, "cannot open its directory%s: %s",
                    s->fragment ? "" : " inside the root", strerror(-r));
    }
    if (!(s->base = strdup(base)))
        return -ENOMEM;
    r = lock_dir(s->dirfd);
    if (r < 0)
        return fail(why, r,
                    r == -EWOULDBLOCK
                        ? "its directory is locked by another process "
                          "(flock) for over %d s: not edited"
                        : "cannot lock its directory: not edited (%d)",
                    r == -EWOULDBLOCK ? SG_SAVE_LOCK_WAIT_MS / 1000 : -r);
    if (!before) {
        struct stat st;
        if (fstatat(s->dirfd, s->base, &st, AT_SYMLINK_NOFOLLOW) == 0 ||
            errno != ENOENT)
            return fail(why, EEXIST,
                        "changed since it was read (it exists "
                        "now): not edited");
        return 0;
    }
    char *now = NULL;
    size_t len = 0;
    r = open_existing(s, &now, &len, why);
    if (r == 0 && (len != strlen(before) || memcmp(now, before, len) != 0))
        r = fail(why, EAGAIN, "changed since it was read: not edited");
    free(now);
    return r;
}

/* Give the new file TMP (descriptor FD) the metadata of the old one: the
 * owner (refused rather than changed), the mode, then every extended
 * attribute, the POSIX ACL last but one of them all (setting it sets the
 * group bits from its mask, which the mode alone cannot express). */
static int copy_xattrs(int from, int to, char **why)
{
    char *names = NULL, *have = NULL, *val = NULL;
    ssize_t nl = flistxattr(from, NULL, 0), hl;
    int r = 0;

    if (nl < 0)
        return errno == ENOTSUP ? 0
                                : fail(why, errno,
                                       "cannot list its "
                                       "extended attributes: %s",
                                       strerror(errno));
    if (nl > 0 && (!(names = malloc((size_t)nl)) ||
                   (nl = flistxattr(from, names, (size_t)nl)) < 0)) {
        r = fail(why, names ? errno : ENOMEM,
                 "cannot list its extended "
                 "attributes");
        goto out;
    }
    for (ssize_t i = 0; i < nl; i += (ssize_t)strlen(names + i) + 1) {
        ssize_t vl = fgetxattr(from, names + i, NULL, 0);
        char *nv = vl >= 0 ? realloc(val, (size_t)vl + 1) : NULL;
        if (!nv || (vl = fgetxattr(from, names + i, nv, (size_t)vl)) < 0 ||
            fsetxattr(to, names + i, nv, (size_t)vl, 0) < 0) {
            val = nv ? nv : val;
            r = fail(why, errno ? errno : ENOMEM,
                     "cannot keep its extended attribute %s (%s): not edited",
                     names + i, strerror(errno ? errno : ENOMEM));
            goto out;
        }
        val = nv;
    }
    /* What the new file got from its directory (a default ACL) and the old
     * one did not have goes. */
    hl = flistxattr(to, NULL, 0);
    if (hl > 0 && (have = malloc((size_t)hl)) &&
        (hl = flistxattr(to, have, (size_t)hl)) > 0)
        for (ssize_t i = 0; i < hl; i += (ssize_t)strlen(have + i) + 1) {
            bool kept = false;
            for (ssize_t j = 0; j < nl && !kept;
                 j += (ssize_t)strlen(names + j) + 1)
                kept = strcmp(have + i, names + j) == 0;
            if (!kept && fremovexattr(to, have + i) < 0 && errno != ENODATA) {
                r = fail(why, errno,
                         "cannot drop the inherited attribute "
                         "%s: not edited",
                         have + i);
                goto out;
            }
        }
out:
    free(names);
    free(have);
    free(val);
    return r;
}

static int write_all(int fd, const char *buf, size_t len)
{
    for (size_t off = 0; off < len;) {
        ssize_t w = write(fd, buf + off, len - off);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        off += (size_t)w;
    }
    return 0;
}

/* Write BUF to a new temporary file beside S->base, with the metadata of
 * the file S->fd (or 0644 for a new file); its name in TMP. */
static int write_temp(struct sg_save *s, const char *buf, size_t len,
                      char tmp[static 64], char **why)
{
    int fd = -1, r;

    for (int tries = 0; fd < 0 && tries < 100; tries++) {
        unsigned long long rnd = 0;
        if (getrandom(&rnd, sizeof(rnd), GRND_NONBLOCK) < 0)
            rnd = (unsigned long long)getpid() * 2654435761u + (unsigned)tries;
        snprintf(tmp, 64, TEMP_PREFIX "%016llx" TEMP_SUFFIX, rnd);
        fd = openat(s->dirfd, tmp,
                    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd < 0 && errno != EEXIST)
            break;
    }
    if (fd < 0)
        return fail(why, errno,
                    "cannot write (no new file can be made beside it): %s",
                    strerror(errno));
    r = write_all(fd, buf, len);
    if (r < 0) {
        fail(why, r, "cannot write: %s", strerror(-r));
        goto fail;
    }
    if (s->fd >= 0) {
        if (fchown(fd, s->st.st_uid, s->st.st_gid) < 0) {
            r = fail(why, errno, "cannot keep its owner %u:%u (%s): not edited",
                     (unsigned)s->st.st_uid, (unsigned)s->st.st_gid,
                     strerror(errno));
            goto fail;
        }
        if (fchmod(fd, s->st.st_mode & 07777) < 0) {
            r = fail(why, errno, "cannot keep its mode: %s", strerror(errno));
            goto fail;
        }
        if ((r = copy_xattrs(s->fd, fd, why)) < 0)
            goto fail;
    } else if (fchmod(fd, 0644) < 0) {
        r = fail(why, errno, "cannot set its mode: %s", strerror(errno));
        goto fail;
    }
    if (fsync(fd) < 0) {
        r = fail(why, errno, "cannot write: %s", strerror(errno));
        goto fail;
    }
    if (close(fd) < 0) {
        fd = -1;
        r = fail(why, errno, "cannot write: %s", strerror(errno));
        goto fail;
    }
    return 0;
fail:
    if (fd >= 0)
        close(fd);
    unlinkat(s->dirfd, tmp, 0);
    return r;
}

int sg_save_backup(struct sg_save *s, const char *buf, size_t len, char **why)
{
    char tmp[64];
    char *bak = sg_strdup_printf("%s.bak", s->base);
    int r;

    if (!bak)
        return -ENOMEM;
    r = write_temp(s, buf, len, tmp, why);
    if (r == 0 && renameat(s->dirfd, tmp, s->dirfd, bak) < 0) {
        r = fail(why, errno, "cannot write %s: %s", bak, strerror(errno));
        unlinkat(s->dirfd, tmp, 0);
    }
    free(bak);
    return r;
}

/* Whether the name and the old file are still as checked. */
static bool unchanged(const struct sg_save *s)
{
    struct stat now, at;
    if (s->fd < 0)
        return fstatat(s->dirfd, s->base, &at, AT_SYMLINK_NOFOLLOW) < 0 &&
               errno == ENOENT;
    return fstat(s->fd, &now) == 0 && same_state(&now, &s->st) &&
           fstatat(s->dirfd, s->base, &at, AT_SYMLINK_NOFOLLOW) == 0 &&
           sg_same_file(&at, &s->st);
}

/* The read lease (fcntl F_SETLEASE) that keeps unlocked writers out of
 * the old file while it is replaced. The kernel grants it only while no
 * other process has the file open for writing; a process that opens it
 * for writing later waits in open(2) until the lease goes, and the lease
 * then answers F_GETLEASE with F_UNLCK: the replacement can tell that a
 * writer holds the old file and give it back its name before the writer
 * writes. The kernel tells the holder with SIGIO, blocked meanwhile. */
struct lease {
    int fd[2];       /* the old file, the new one (-1: none) */
    sigset_t mask;   /* the signal mask before */
    bool sigio_free; /* SIGIO was not blocked before */
};

#define SG_SAVE_LEASE_WAIT_MS 2000

static void lease_block_sigio(struct lease *l)
{
    sigset_t io;
    sigemptyset(&io);
    sigaddset(&io, SIGIO);
    sigprocmask(SIG_BLOCK, &io, &l->mask);
    l->sigio_free = !sigismember(&l->mask, SIGIO);
    l->fd[0] = l->fd[1] = -1;
}

/* Take the lease on FD: 0, -EAGAIN when a writer kept the file open for
 * SG_SAVE_LEASE_WAIT_MS, or another negative errno when leases are not to
 * be had here (not the owner and no CAP_LEASE, a file system without
 * them, fs.leases-enable = 0). */
static int lease_take(struct lease *l, int slot, int fd)
{
    struct timespec nap = {0, 500 * 1000};
    for (int waited = 0;; waited++) {
        if (fcntl(fd, F_SETLEASE, F_RDLCK) == 0) {
            l->fd[slot] = fd;
            return 0;
        }
        if (errno != EAGAIN || waited >= SG_SAVE_LEASE_WAIT_MS * 2)
            return -errno;
        nanosleep(&nap, NULL);
    }
}

/* Whether a writer opened the leased file of SLOT. */
static bool lease_broken(const struct lease *l, int slot)
{
    return l->fd[slot] >= 0 && fcntl(l->fd[slot], F_GETLEASE) != F_RDLCK;
}

/* Release the leases (the writers waiting in open(2) go on), close the
 * new file's descriptor, swallow the SIGIO the writers sent, and restore
 * the signal mask. */
static void lease_release(struct lease *l)
{
    sigset_t io;
    struct timespec zero = {0, 0};

    for (int i = 0; i < 2; i++)
        if (l->fd[i] >= 0)
            fcntl(l->fd[i], F_SETLEASE, F_UNLCK);
    if (l->fd[1] >= 0)
        close(l->fd[1]);
    sigemptyset(&io);
    sigaddset(&io, SIGIO);
    if (l->sigio_free)
        while (sigtimedwait(&io, NULL, &zero) == SIGIO)
            ;
    sigprocmask(SIG_SETMASK, &l->mask, NULL);
}

/* The save under the lease: exchange the names of the new and the old
 * file (renameat2 RENAME_EXCHANGE), so that the old file keeps a name,
 * TMP, until no writer can reach it; wait a moment for a writer that
 * looked the name up before the exchange to reach open(2)'s wait; then
 * drop the old file, or, when a writer opened it, exchange back; all
 * before the caller releases the leases. Returns 1 when the exchange is
 * not to be had, so the caller renames instead. */
static int commit_leased(struct sg_save *s, struct lease *l, char tmp[64],
                         char **why)
{
    struct timespec grace = {0, 2 * 1000 * 1000};
    int nfd, r = 0;

    if (!unchanged(s)) {
        unlinkat(s->dirfd, tmp, 0);
        return fail(why, EAGAIN,
                    "changed while it was being fixed: not edited");
    }
    /* The new file under the lease too: a writer that opens it by its
     * name after the exchange must not be dropped with it by an exchange
     * back. */
    nfd = openat(s->dirfd, tmp, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (nfd >= 0 && lease_take(l, 1, nfd) < 0)
        close(nfd);
    if (renameat2(s->dirfd, tmp, s->dirfd, s->base, RENAME_EXCHANGE) < 0) {
        int err = errno;
        if (err == EINVAL || err == ENOSYS || err == EOPNOTSUPP)
            return 1;
        unlinkat(s->dirfd, tmp, 0);
        return fail(why, err, "cannot write: %s", strerror(err));
    }
    nanosleep(&grace, NULL);
    if (!lease_broken(l, 0)) {
        unlinkat(s->dirfd, tmp, 0); /* the old file */
        fsync(s->dirfd);
    } else if (!lease_broken(l, 1)) {
        if (renameat2(s->dirfd, tmp, s->dirfd, s->base, RENAME_EXCHANGE) == 0)
            unlinkat(s->dirfd, tmp, 0); /* the new text */
        r = fail(why, EAGAIN,
                 "opened for writing by another process (one that took no "
                 "lock) while it was replaced: left as it was, not edited");
    } else {
        /* Under a name of its own, which no sweep takes for a leftover
         * and a listing shows (a file that is not *.conf). */
        char *kept = sg_strdup_printf("%s.%.*s.kept", s->base, TEMP_HEX,
                                      tmp + strlen(TEMP_PREFIX));
        bool moved = kept && renameat2(s->dirfd, tmp, s->dirfd, kept,
                                       RENAME_NOREPLACE) == 0;
        r = fail(why, EAGAIN,
                 "opened for writing by two other processes (that took no "
                 "lock) while it was replaced: the new text is in place and "
                 "the old one, with what was written to it, is kept as %s",
                 moved ? kept : tmp);
        free(kept);
    }
    return r;
}

int sg_save_commit(struct sg_save *s, const char *buf, size_t len, char **why)
{
    char tmp[64];
    struct stat now;
    int r = write_temp(s, buf, len, tmp, why);

    if (r < 0)
        return r;
    if (s->fd >= 0) {
        struct lease l;
        lease_block_sigio(&l);
        int lr = lease_take(&l, 0, s->fd);
        r = lr == 0 ? commit_leased(s, &l, tmp, why) : 1;
        lease_release(&l);
        if (r <= 0)
            return r;
        if (lr == -EAGAIN) {
            unlinkat(s->dirfd, tmp, 0);
            return fail(why, EAGAIN,
                        "is held open for writing by another process (for "
                        "over %d s): not edited",
                        SG_SAVE_LEASE_WAIT_MS / 1000);
        }
    }
    /* No lease to be had: check, rename, and look at the old file after. */
    if (!unchanged(s)) {
        unlinkat(s->dirfd, tmp, 0);
        return fail(why, EAGAIN,
                    "changed while it was being fixed: not "
                    "edited");
    }
    r = s->fd < 0
            ? renameat2(s->dirfd, tmp, s->dirfd, s->base, RENAME_NOREPLACE)
            : renameat(s->dirfd, tmp, s->dirfd, s->base);
    if (r < 0) {
        r = fail(why, errno,
                 errno == EEXIST ? "changed since it was read (it exists "
                                   "now): not edited"
                                 : "cannot write: %s",
                 strerror(errno));
        unlinkat(s->dirfd, tmp, 0);
        return r;
    }
    /* A writer that took no lock and wrote to the old file between the
     * last check and the rename: give the name its text back. */
    if (s->fd >= 0 && (fstat(s->fd, &now) < 0 || !same_text(&now, &s->st))) {
        char *text = NULL, *ignored = NULL;
        size_t tl = 0;
        int err = 0;
        r = -EAGAIN;
        if (lseek(s->fd, 0, SEEK_SET) == 0 &&
            sg_read_fd(s->fd, &now, &text, &tl, &err) == SG_READ_OK &&
            write_temp(s, text, tl, tmp, &ignored) == 0 &&
            renameat(s->dirfd, tmp, s->dirfd, s->base) < 0)
            unlinkat(s->dirfd, tmp, 0);
        free(text);
        free(ignored);
        return fail(why, r,
                    "changed while it was being written (another "
                    "writer took no lock): its text was put back, "
                    "not edited");
    }
    fsync(s->dirfd); /* make the rename itself durable */
    return 0;
}

void sg_save_end(struct sg_save *s)
{
    if (s->fd >= 0)
        close(s->fd);
    if (s->dirfd >= 0)
        close(s->dirfd); /* releases the lock */
    free(s->base);
    memset(s, 0, sizeof(*s));
    s->fd = s->dirfd = -1;
}
