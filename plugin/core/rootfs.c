/*
 * rootfs.c - see rootfs.h. Resolution is done by hand, component by
 * component, with lstat/readlink on ROOT + prefix, because realpath(3)
 * would follow absolute links out of the root.
 */
#include "rootfs.h"
#include "util.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SG_MAX_LINKS 40

/* Drop the last component of the target path DONE ("" is the root). */
static void pop_component(char *done)
{
    char *slash = strrchr(done, '/');
    if (slash)
        *slash = '\0';
}

int sg_chase(const char *root, const char *path, char **resolved)
{
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
            pop_component(done);
            continue;
        }
        char *cand = sg_strdup_printf("%s/%s", done, comp);
        char *host = cand ? sg_path_join(root, cand) : NULL;
        struct stat st;
        if (!host) {
            free(cand);
            r = -ENOMEM;
            goto out;
        }
        if (lstat(host, &st) < 0) {
            r = -errno;
            free(host);
            if (r == -ENOENT || r == -ENOTDIR) {
                /* Report the path that was looked for, rest included. */
                *resolved = *rest ? sg_strdup_printf("%s/%s", cand, rest)
                                  : strdup(cand);
                r = -ENOENT;
                size_t rl = *resolved ? strlen(*resolved) : 0;
                while (rl > 1 && (*resolved)[rl - 1] == '/')
                    (*resolved)[--rl] = '\0';
            }
            free(cand);
            goto out;
        }
        if (!S_ISLNK(st.st_mode)) {
            free(host);
            free(done);
            done = cand;
            continue;
        }
        if (++links > SG_MAX_LINKS) {
            free(host);
            free(cand);
            r = -ELOOP;
            goto out;
        }
        char target[PATH_MAX];
        ssize_t tl = readlink(host, target, sizeof(target) - 1);
        free(host);
        free(cand);
        if (tl < 0) {
            r = -errno;
            goto out;
        }
        target[tl] = '\0';
        if (target[0] == '/')
            done[0] = '\0';
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
    free(todo);
    free(done);
    return r;
}
