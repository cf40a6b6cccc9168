/*
 * out.c - where a plan goes: stdout, --output FILE (written through a
 * temporary file beside it, renamed over it, its mode kept, and its
 * owner when root writes it), or for Salt
 * the directory --output DIR: DIR/init.sls and DIR/files/N-NAME, the text
 * of each file the plan writes (salt.c's file.managed states copy them).
 * Files under DIR/files that an earlier plan left and this one does not
 * write are removed, so that the directory is exactly this plan.
 */
#include "plan.h"
#include "../../core/base/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* LEN bytes of DATA to PATH atomically, with the mode of the file it
 * replaces (MODE when new). 0, or -errno. */
static int write_atomic(const char *path, const char *data, size_t len,
                        mode_t mode)
{
    struct stat st;
    char *tmp = sg_strdup_printf("%s.XXXXXX", path);
    int fd = tmp ? mkstemp(tmp) : -1, e = 0;

    if (!tmp)
        return -ENOMEM;
    if (fd < 0) {
        e = -errno;
        free(tmp);
        return e;
    }
    bool old = stat(path, &st) == 0;
    if (old)
        mode = st.st_mode & 07777;
    /* The replaced file's owner too, as report --output keeps it (only
     * root may give a file away; anyone else's copy stays theirs). */
    if (old && geteuid() == 0 && fchown(fd, st.st_uid, st.st_gid) < 0)
        e = -errno;
    for (size_t off = 0; !e && off < len;) {
        ssize_t w = write(fd, data + off, len - off);
        if (w < 0 && errno != EINTR)
            e = -errno;
        else if (w > 0)
            off += (size_t)w;
    }
    if (!e && (fchmod(fd, mode) < 0 || fsync(fd) < 0))
        e = -errno;
    if (close(fd) < 0 && !e)
        e = -errno;
    if (!e && rename(tmp, path) < 0)
        e = -errno;
    if (e)
        unlink(tmp);
    free(tmp);
    return e;
}

/* Remove from DIR the files an earlier plan wrote ("N-NAME") that KEEP
 * (N names) does not hold. */
static int prune(const char *dir, char names[][96], size_t n)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    int e = 0;

    if (!d)
        return -errno;
    while (!e && (de = readdir(d))) {
        const char *p = de->d_name;
        size_t digits = strspn(p, "0123456789");
        struct stat st;
        bool ours = digits > 0 && p[digits] == '-' &&
                    fstatat(dirfd(d), p, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
                    S_ISREG(st.st_mode);
        bool kept = false;
        for (size_t i = 0; i < n && !kept; i++)
            kept = strcmp(names[i], p) == 0;
        if (ours && !kept && unlinkat(dirfd(d), p, 0) < 0)
            e = -errno;
    }
    closedir(d);
    return e;
}

/* The Salt plan: SLS (LEN bytes) as DIR/init.sls, after the files. */
static int write_salt_dir(const char *dir, const struct sg_plan *p,
                          const char *sls, size_t len)
{
    char(*names)[96] = calloc(p->nw + 1, sizeof(*names));
    char *files = sg_strdup_printf("%s/files", dir);
    char *init = sg_strdup_printf("%s/init.sls", dir);
    int e = names && files && init ? 0 : -ENOMEM;

    if (!e && mkdir(dir, 0755) < 0 && errno != EEXIST)
        e = -errno;
    if (!e && mkdir(files, 0755) < 0 && errno != EEXIST)
        e = -errno;
    for (size_t i = 0; !e && i < p->nw; i++) {
        const struct sg_change *c = p->fs[i].c;
        sg_plan_salt_name(names[i], sizeof(*names), i, c->path);
        char *f = sg_strdup_printf("%s/%s", files, names[i]);
        e = f ? write_atomic(f, c->after, strlen(c->after), 0644) : -ENOMEM;
        free(f);
    }
    if (!e)
        e = prune(files, names, p->nw);
    if (!e)
        e = write_atomic(init, sls, len, 0644);
    free(names);
    free(files);
    free(init);
    return e;
}

int sg_plan_deliver(const char *output, bool salt, const struct sg_plan *p,
                    const char *text, size_t len, const char **what)
{
    *what = output;
    if (!output)
        return fwrite(text, 1, len, stdout) == len && fflush(stdout) == 0
                   ? 0
                   : -EIO;
    return salt ? write_salt_dir(output, p, text, len)
                : write_atomic(output, text, len, 0644);
}
