/* sg_chase: symlinks resolved inside the root, never out of it. */
#include "check.h"
#include "rootfs.h"
#include "tree.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static char *root;

static void put(const char *rel, const char *text)
{
    tree_put(root, rel, text);
}

static void link_(const char *target, const char *rel)
{
    tree_link(root, target, rel);
}

static void mkd(const char *rel)
{
    tree_mkdir(root, rel);
}

static void chase(const char *path, int want_r, const char *want)
{
    char *res = NULL;
    int r = sg_chase(root, path, &res);
    CHECK(r == want_r);
    if (r != want_r)
        fprintf(stderr, "  chase %s: %d, wanted %d\n", path, r, want_r);
    CHECK_STR(res, want);
    free(res);
}

int main(void)
{
    root = tree_new("rootfs");
    mkd("etc");
    mkd("etc/sysctl.d");
    put("etc/sysctl.conf", "a = 1\n");
    link_("../sysctl.conf", "etc/sysctl.d/99-sysctl.conf");
    link_("/etc/sysctl.conf", "etc/sysctl.d/abs.conf");
    link_("/dev/null", "etc/sysctl.d/masked.conf");
    link_("../../../../../../etc/sysctl.conf", "etc/sysctl.d/dotdot.conf");
    link_("/../../tmp/outside.conf", "etc/sysctl.d/escape.conf");
    link_("loop-b.conf", "etc/sysctl.d/loop-a.conf");
    link_("loop-a.conf", "etc/sysctl.d/loop-b.conf");
    link_("missing.conf", "etc/sysctl.d/dangling.conf");
    link_("sysctl.d", "etc/alias.d");

    chase("/etc/sysctl.conf", 0, "/etc/sysctl.conf");
    chase("/etc/sysctl.d/99-sysctl.conf", 0, "/etc/sysctl.conf");
    chase("/etc/sysctl.d/abs.conf", 0, "/etc/sysctl.conf");
    chase("/etc/sysctl.d/dotdot.conf", 0, "/etc/sysctl.conf");
    chase("/etc/alias.d/99-sysctl.conf", 0, "/etc/sysctl.conf");
    chase("/etc/sysctl.d/masked.conf", -ENOENT, "/dev/null");
    chase("/etc/sysctl.d/escape.conf", -ENOENT, "/tmp/outside.conf");
    chase("/etc/sysctl.d/dangling.conf", -ENOENT, "/etc/sysctl.d/missing.conf");
    chase("/etc/sysctl.d/loop-a.conf", -ELOOP, NULL);
    chase("/", 0, "/");

    tree_remove(root);
    return check_done("rootfs");
}
