/*
 * out.c - where a plan goes: stdout, --output FILE (util.h
 * sg_write_whole: whole or not at all, mode and owner kept), or for Salt
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
        e = f ? sg_write_whole(f, c->after, strlen(c->after), 0644) : -ENOMEM;
        free(f);
    }
    if (!e)
        e = prune(files, names, p->nw);
    if (!e)
        e = sg_write_whole(init, sls, len, 0644);
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
                : sg_write_whole(output, text, len, 0644);
}
