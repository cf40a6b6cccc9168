/*
 * rootfs.c - see rootfs.h. A lookup costs one openat per path component
 * (and a readlinkat per symlink, at most SG_MAX_LINKS of them); opens use
 * openat2(RESOLVE_BENEATH) where the kernel has it (5.6+), else a
 * component-by-component O_NOFOLLOW walk.
 */
#include "rootfs.h"
#include "../base/util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define SG_MAX_LINKS 40

bool sg_rootfs_force_walk;

int sg_root_open(const char *root)
{
    int fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
    return fd < 0 ? -errno : fd;
}

struct dirstack {
    int *v;
    size_t n, cap;
};

static void stack_clear(struct dirstack *s)
{
    for (size_t i = 0; i < s->n; i++)
        close(s->v[i]);
    s->n = 0;
}

/* Drop the last component of the target path DONE ("" is the root). */
static void pop_component(char *done, struct dirstack *s)
{
    char *slash = strrchr(done, '/');
    if (slash)
        *slash = '\0';
    if (s->n)
        close(s->v[--s->n]);
}

/* The path that was looked for: CAND, then the rest REST. */
static char *looked_for(const char *cand, const char *rest)
{
    char *p = *rest ? sg_strdup_printf("%s/%s", cand, rest) : strdup(cand);
    size_t l = p ? strlen(p) : 0;
    while (l > 1 && p[l - 1] == '/')
        p[--l] = '\0';
    return p;
}

int sg_chase_at(int rootfd, const char *path, char **resolved)
{
    struct dirstack st = {0};
    char *todo = strdup(path);
    char *done = calloc(1, 1);
    int links = 0, r = 0;

    *resolved = NULL;
    if (!todo || !done) {
        r = -ENOMEM;
        goto out;
    }
    char *rest = todo;
    while (*rest) {
        char *comp = rest;
        size_t cl = strcspn(comp, "/");
        rest = comp + cl + (comp[cl] == '/');
        comp[cl] = '\0';
        if (cl == 0 || strcmp(comp, ".") == 0)
            continue;
        if (strcmp(comp, "..") == 0) {
            pop_component(done, &st);
            continue;
        }
        int dir = st.n ? st.v[st.n - 1] : rootfd;
        char *cand = sg_strdup_printf("%s/%s", done, comp);
        if (!cand) {
            r = -ENOMEM;
            goto out;
        }
        int fd = openat(dir, comp, O_PATH | O_NOFOLLOW | O_CLOEXEC);
        struct stat sb;
        if (fd < 0 || fstat(fd, &sb) < 0) {
            r = -errno;
            if (fd >= 0)
                close(fd);
            if (r == -ENOENT || r == -ENOTDIR) {
                /* Report the path that was looked for, rest included. */
                *resolved = looked_for(cand, rest);
                r = -ENOENT;
            }
            free(cand);
            goto out;
        }
        if (!S_ISLNK(sb.st_mode)) {
            if (sg_grow((void **)&st.v, sizeof(*st.v), st.n, &st.cap) < 0) {
                close(fd);
                free(cand);
                r = -ENOMEM;
                goto out;
            }
            st.v[st.n++] = fd;
            free(done);
            done = cand;
            continue;
        }
        free(cand);
        if (++links > SG_MAX_LINKS) {
            close(fd);
            r = -ELOOP;
            goto out;
        }
        char target[PATH_MAX];
        ssize_t tl = readlinkat(fd, "", target, sizeof(target) - 1);
        close(fd);
        if (tl < 0) {
            r = -errno;
            goto out;
        }
        target[tl] = '\0';
        if (target[0] == '/') {
            done[0] = '\0';
            stack_clear(&st);
        }
        char *ntodo =
            *rest ? sg_strdup_printf("%s/%s", target, rest) : strdup(target);
        if (!ntodo) {
            r = -ENOMEM;
            goto out;
        }
        free(todo);
        todo = rest = ntodo;
    }
    *resolved = done[0] ? strdup(done) : strdup("/");
    if (!*resolved)
        r = -ENOMEM;
out:
    stack_clear(&st);
    free(st.v);
    free(todo);
    free(done);
    return r;
}

int sg_chase(const char *root, const char *path, char **resolved)
{
    int rootfd = sg_root_open(root);

    *resolved = NULL;
    if (rootfd < 0)
        return rootfd == -ENOTDIR ? -ENOENT : rootfd;
    int r = sg_chase_at(rootfd, path, resolved);
    close(rootfd);
    return r;
}

/* RESOLVED without its leading slashes: "." for the tree itself. */
static const char *relative(const char *resolved)
{
    while (*resolved == '/')
        resolved++;
    return *resolved ? resolved : ".";
}

static int openat2_beneath(int rootfd, const char *rel, int flags)
{
    struct open_how how = {
        .flags = (unsigned long long)(flags | O_NOFOLLOW | O_CLOEXEC),
        .resolve =
            RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
    };
    long fd;

    do
        fd = syscall(SYS_openat2, rootfd, rel, &how, sizeof(how));
    while (fd < 0 && errno == EAGAIN); /* a rename raced the lookup */
    return fd < 0 ? -errno : (int)fd;
}

/* The walk: each directory with O_PATH|O_DIRECTORY|O_NOFOLLOW relative to
 * the one before, the last component with FLAGS|O_NOFOLLOW. */
static int walk_beneath(int rootfd, const char *rel, int flags)
{
    char *copy = strdup(rel), *p = copy;
    int dir = rootfd, r;

    if (!copy)
        return -ENOMEM;
    for (;;) {
        char *slash = strchr(p, '/');
        if (slash)
            *slash = '\0';
        if (strcmp(p, "..") == 0) {
            r = -EXDEV;
            break;
        }
        int f = slash ? O_PATH | O_DIRECTORY : flags;
        r = openat(dir, *p ? p : ".", f | O_NOFOLLOW | O_CLOEXEC);
        if (r < 0)
            r = -errno;
        if (dir != rootfd)
            close(dir);
        if (r < 0 || !slash)
            break;
        dir = r;
        p = slash + 1;
    }
    /* O_PATH|O_NOFOLLOW opens a symlink itself: a resolved path has none. */
    struct stat sb;
    if (r >= 0 && (flags & O_PATH) && fstat(r, &sb) == 0 &&
        S_ISLNK(sb.st_mode)) {
        close(r);
        r = -ELOOP;
    }
    free(copy);
    return r == -ENOTDIR && (flags & O_DIRECTORY) == 0 ? -ENOENT : r;
}

bool sg_rootfs_have_openat2(void)
{
    static int have = -1;
    if (have < 0) {
        struct open_how how = {.flags = O_PATH | O_CLOEXEC};
        long fd = syscall(SYS_openat2, AT_FDCWD, "/", &how, sizeof(how));
        have = fd >= 0;
        if (fd >= 0)
            close((int)fd);
    }
    return have;
}

int sg_root_openat(int rootfd, const char *resolved, int flags)
{
    const char *rel = relative(resolved);

    if (!sg_rootfs_force_walk && sg_rootfs_have_openat2()) {
        int fd = openat2_beneath(rootfd, rel, flags);
        /* O_PATH|O_NOFOLLOW gives the symlink itself as the last one. */
        struct stat sb;
        if (fd >= 0 && (flags & O_PATH) && fstat(fd, &sb) == 0 &&
            S_ISLNK(sb.st_mode)) {
            close(fd);
            return -ELOOP;
        }
        return fd;
    }
    return walk_beneath(rootfd, rel, flags);
}

int sg_root_open_parent(int rootfd, const char *resolved, bool mkdirs,
                        const char **base)
{
    const char *slash = strrchr(resolved, '/');
    char *dir, *p;
    int fd;

    *base = slash ? slash + 1 : resolved;
    if (!**base)
        return -EISDIR;
    dir = slash ? strndup(resolved, (size_t)(slash - resolved)) : strdup("");
    if (!dir)
        return -ENOMEM;
    fd = sg_root_openat(rootfd, dir, O_RDONLY | O_DIRECTORY);
    if (fd == -ENOTDIR) {
        /* O_DIRECTORY|O_NOFOLLOW on a symlink says ENOTDIR: say ELOOP. */
        int pfd = sg_root_openat(rootfd, dir, O_PATH);
        if (pfd == -ELOOP)
            fd = pfd;
        else if (pfd >= 0)
            close(pfd);
    }
    if (fd != -ENOENT || !mkdirs) {
        free(dir);
        return fd;
    }
    /* Create what is missing, one directory at a time, each relative to
     * the descriptor of its parent. */
    int cur = openat(rootfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    p = dir;
    while (cur >= 0 && *p) {
        while (*p == '/')
            p++;
        if (!*p)
            break;
        size_t cl = strcspn(p, "/");
        char c = p[cl];
        p[cl] = '\0';
        if (strcmp(p, ".") == 0 || strcmp(p, "..") == 0) {
            close(cur);
            cur = -1;
            errno = EXDEV;
            break;
        }
        if (mkdirat(cur, p, 0755) < 0 && errno != EEXIST) {
            close(cur);
            cur = -1;
            break;
        }
        int next =
            openat(cur, p, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        int e = errno;
        close(cur);
        cur = next;
        errno = e;
        p[cl] = c;
        p += cl;
    }
    fd = cur < 0 ? -errno : cur;
    free(dir);
    return fd;
}

struct again {
    int rootfd;
    const char *resolved;
};

static int open_at_again(void *ctx)
{
    const struct again *a = ctx;
    return sg_root_openat(a->rootfd, a->resolved,
                          O_RDONLY | O_NOCTTY | O_NONBLOCK);
}

enum sg_read_status sg_read_at(int rootfd, const char *resolved, char **buf,
                               size_t *len, int *err)
{
    struct again a = {rootfd, resolved};
    int pfd = sg_root_openat(rootfd, resolved, O_PATH);

    *buf = NULL;
    *len = 0;
    if (pfd < 0) {
        *err = -pfd;
        return SG_READ_ERRNO;
    }
    enum sg_read_status st =
        sg_read_reopened(pfd, open_at_again, &a, buf, len, err);
    close(pfd);
    return st;
}

char *sg_root_read_text(int rootfd, const char *path)
{
    char *res = NULL, *buf = NULL;
    size_t len;
    int err;
    if (sg_chase_at(rootfd, path, &res) == 0 && strcmp(res, "/dev/null") &&
        sg_read_at(rootfd, res, &buf, &len, &err) != SG_READ_OK)
        buf = NULL;
    free(res);
    return buf;
}
