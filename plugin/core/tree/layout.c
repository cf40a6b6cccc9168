/*
 * layout.c - see layout.h. Constant tables; an owner lookup is a scan of
 * the few directories (prefix compare), O(1) in practice.
 */
#include "layout.h"

#include <string.h>

const struct sg_layout_dir sg_layout_dirs[SG_N_SYSCTL_DIRS] = {
    {"/etc/sysctl.d", SG_OWNER_OPERATOR},
    {"/run/sysctl.d", SG_OWNER_RUNTIME},
    {"/usr/local/lib/sysctl.d", SG_OWNER_PACKAGE},
    {"/usr/lib/sysctl.d", SG_OWNER_PACKAGE},
    {"/lib/sysctl.d", SG_OWNER_PACKAGE},
};

/* Outside the sysctl.d directories: by the tree a path is in. */
static const struct sg_layout_dir trees[] = {
    {"/usr", SG_OWNER_PACKAGE},
    {"/lib", SG_OWNER_PACKAGE},
    {"/run", SG_OWNER_RUNTIME},
};

static bool under(const char *path, const char *dir)
{
    size_t n = strlen(dir);
    return strncmp(path, dir, n) == 0 && path[n] == '/';
}

enum sg_owner sg_layout_owner(const char *path)
{
    for (size_t i = 0; i < SG_N_SYSCTL_DIRS; i++)
        if (under(path, sg_layout_dirs[i].path))
            return sg_layout_dirs[i].owner;
    for (size_t i = 0; i < sizeof(trees) / sizeof(*trees); i++)
        if (under(path, trees[i].path))
            return trees[i].owner;
    return SG_OWNER_OPERATOR;
}

bool sg_operator_owns(const char *path)
{
    return sg_layout_owner(path) == SG_OWNER_OPERATOR;
}
