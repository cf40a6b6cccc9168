/* rootfs: sg_chase resolves symlinks inside the root, never out of it;
 * sg_root_openat opens a resolved path beneath the root and refuses any
 * symlink on it, with openat2 and with the O_NOFOLLOW walk alike;
 * sg_root_open_parent creates missing directories inside the root only;
 * sg_read_at never opens a FIFO. */
#include "check.h"
#include "rootfs.h"
#include "tree.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
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

    int rootfd = sg_root_open(root);
    CHECK(rootfd >= 0);
    mkd("outside-dir");
    link_("/outside-dir", "etc/swapped.d");
    for (int walk = 0; walk < 2; walk++) {
        sg_rootfs_force_walk = walk;
        int fd = sg_root_openat(rootfd, "/etc/sysctl.conf", O_RDONLY);
        CHECK(fd >= 0);
        if (fd >= 0)
            close(fd);
        fd = sg_root_openat(rootfd, "/", O_PATH | O_DIRECTORY);
        CHECK(fd >= 0);
        if (fd >= 0)
            close(fd);
        /* A symlink anywhere on the path: refused, not followed. */
        CHECK(sg_root_openat(rootfd, "/etc/sysctl.d/99-sysctl.conf",
                             O_RDONLY) == -ELOOP);
        CHECK(sg_root_openat(rootfd, "/etc/sysctl.d/99-sysctl.conf", O_PATH) ==
              -ELOOP);
        CHECK(sg_root_openat(rootfd, "/etc/alias.d/99-sysctl.conf", O_RDONLY) <
              0);
        CHECK(sg_root_openat(rootfd, "/etc/../../etc/sysctl.conf", O_RDONLY) <
              0);
        CHECK(sg_root_openat(rootfd, "/etc/nope", O_RDONLY) == -ENOENT);
        const char *base = NULL;
        CHECK(sg_root_open_parent(rootfd, "/etc/swapped.d/x.conf", true,
                                  &base) == -ELOOP);
        fd = sg_root_open_parent(
            rootfd, walk ? "/new1/a/b.conf" : "/new0/a/b.conf", true, &base);
        CHECK(fd >= 0 && strcmp(base, "b.conf") == 0);
        if (fd >= 0)
            close(fd);
    }
    sg_rootfs_force_walk = false;
    struct stat st;
    char *made = sg_path_join(root, "/new1/a");
    CHECK(stat(made, &st) == 0 && S_ISDIR(st.st_mode));
    free(made);
    /* Nothing was created through the link. */
    char *out = sg_path_join(root, "/outside-dir/x.conf");
    CHECK(lstat(out, &st) < 0);
    free(out);
    /* A FIFO is not a file to read, and is never opened. */
    char *fifo = sg_path_join(root, "/etc/fifo.conf");
    CHECK(mkfifo(fifo, 0600) == 0);
    free(fifo);
    char *buf = NULL;
    size_t len;
    int err = 0;
    CHECK(sg_read_at(rootfd, "/etc/fifo.conf", &buf, &len, &err) ==
          SG_READ_NOT_FILE);
    CHECK(sg_read_at(rootfd, "/etc/sysctl.conf", &buf, &len, &err) ==
          SG_READ_OK);
    CHECK_STR(buf, "a = 1\n");
    free(buf);
    close(rootfd);

    tree_remove(root);
    return check_done("rootfs");
}
