/*
 * tree.h - a scratch tree for the unit tests: files, directories and
 * symlinks under a temporary root, and its removal.
 */
#ifndef SG_TEST_TREE_H
#define SG_TEST_TREE_H

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

/* "/tmp/sg-NAME-XXXXXX", created; exits when it cannot be. */
static inline char *tree_new(const char *name)
{
    char *root = sg_strdup_printf("/tmp/sg-%s-XXXXXX", name);
    if (!root || !mkdtemp(root))
        exit(1);
    return root;
}

static inline void tree_put(const char *root, const char *rel, const char *text)
{
    char *p = sg_path_join(root, rel);
    FILE *f = p ? fopen(p, "w") : NULL;
    if (f) {
        fputs(text, f);
        fclose(f);
    }
    free(p);
}

static inline void tree_mkdir(const char *root, const char *rel)
{
    char *p = sg_path_join(root, rel);
    if (p)
        mkdir(p, 0755);
    free(p);
}

static inline void tree_link(const char *root, const char *target,
                             const char *rel)
{
    char *p = sg_path_join(root, rel);
    if (p && symlink(target, p) < 0)
        perror(p);
    free(p);
}

static inline void tree_remove(char *root)
{
    char *cmd = sg_strdup_printf("rm -rf '%s'", root);
    if (!cmd || system(cmd) != 0)
        fprintf(stderr, "cleanup of %s failed\n", root);
    free(cmd);
    free(root);
}

#endif
