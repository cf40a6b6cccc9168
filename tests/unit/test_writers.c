/* Who else writes /proc/sys (writers.h): each writer's file read as it
 * reads it, with the line that says so; the tree scan of writers that
 * are disabled, protected or absent finds nothing. */
#include "writers.h"
#include "rootfs.h"
#include "check.h"
#include "tree.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void texts(void)
{
    struct sg_writers w = {0};
    CHECK(sg_writers_text("ufw-sysctl",
                          "# ufw\n\nnet/ipv4/ip_forward=0\n"
                          "  net.ipv4.conf.all.accept_redirects = 1 \n"
                          "no equals sign\n=1\n",
                          &w) == 0);
    CHECK(w.n == 2 && strcmp(w.v[0].key, "net.ipv4.ip_forward") == 0 &&
          strcmp(w.v[0].value, "0") == 0 && w.v[0].line == 3 &&
          strcmp(w.v[1].key, "net.ipv4.conf.all.accept_redirects") == 0 &&
          strcmp(w.v[1].value, "1") == 0 && w.v[1].line == 4);
    sg_writers_free(&w);
    /* tuned: only [sysctl], ${variables} not guessed */
    CHECK(sg_writers_text("tuned",
                          "[main]\ninclude=x\n[sysctl]\nvm.swappiness=10\n"
                          "kernel.x=${f:cpulist}\n[vm]\nvm.dirty_ratio=1\n",
                          &w) == 0);
    CHECK(w.n == 1 && strcmp(w.v[0].key, "vm.swappiness") == 0 &&
          w.v[0].line == 4);
    sg_writers_free(&w);
    CHECK(sg_writers_text("ufw-default", "IPV6=yes\nIPT_SYSCTL=\"/etc/x\"\n",
                          &w) == 0);
    CHECK(w.n == 1 && strcmp(w.v[0].value, "/etc/x") == 0);
    sg_writers_free(&w);
    CHECK(sg_writers_text("daemon.json", "{ \"ip-forward\" : false }", &w) ==
              0 &&
          w.n == 0);
    CHECK(sg_writers_text("daemon.json", "{ \"ip-forward\": true }", &w) == 0 &&
          w.n == 1);
    sg_writers_free(&w);
    CHECK(sg_writers_text("kubelet", "protectKernelDefaults: true\n", &w) ==
              0 &&
          w.n == 0);
    CHECK(sg_writers_text("kubelet", "protectKernelDefaults: false\n", &w) ==
              0 &&
          w.n == 1);
    sg_writers_free(&w);
    CHECK(sg_writers_text("nmconnection",
                          "[connection]\ninterface-name=eth0\n[ipv6]\n"
                          "ip6-privacy=-1\n",
                          &w) == 0 &&
          w.n == 0); /* -1: NetworkManager's default, nothing set */
    CHECK(sg_writers_text("network",
                          "[Match]\nName=eth0\n\n[Network]\n"
                          "IPv6PrivacyExtensions=prefer-public\n",
                          &w) == 0 &&
          w.n == 1 && strcmp(w.v[0].value, "1") == 0 && w.v[0].line == 5);
    sg_writers_free(&w);
    CHECK(sg_writers_text("tuned-main", "reapply_sysctl = 1\n", &w) == 0 &&
          w.n == 0);
    CHECK(sg_writers_text("tuned-main", "daemon = 1\nreapply_sysctl = 0\n",
                          &w) == 0 &&
          w.n == 1);
    sg_writers_free(&w);
}

/* A tree: ufw enabled with its own IPT_SYSCTL, tuned reapplying the files,
 * Docker not enabled. */
static void scan(void)
{
    char *dir = tree_new("writers");
    tree_mkdir(dir, "etc");
    tree_mkdir(dir, "etc/ufw");
    tree_mkdir(dir, "etc/default");
    tree_mkdir(dir, "etc/tuned");
    tree_mkdir(dir, "etc/tuned/p");
    tree_put(dir, "etc/ufw/ufw.conf", "ENABLED=yes\n");
    tree_put(dir, "etc/default/ufw", "IPT_SYSCTL=/etc/ufw/mine.conf\n");
    tree_put(dir, "etc/ufw/mine.conf", "net/ipv4/ip_forward=1\n");
    tree_put(dir, "etc/ufw/sysctl.conf", "net/ipv4/ip_forward=0\n");
    tree_put(dir, "etc/tuned/active_profile", "p\n");
    tree_put(dir, "etc/tuned/p/tuned.conf", "[sysctl]\nvm.swappiness=1\n");
    int fd = sg_root_open(dir);
    struct sg_writers w = {0};
    CHECK(fd >= 0 && sg_writers_scan(fd, &w) == 0);
    CHECK(w.scanned && w.n == 1 && strcmp(w.v[0].writer, "ufw") == 0 &&
          strcmp(w.v[0].value, "1") == 0 &&
          strcmp(w.v[0].file, "/etc/ufw/mine.conf") == 0);
    sg_writers_free(&w);
    if (fd >= 0)
        close(fd);
    tree_remove(dir);
}

/* tuned profiles that include themselves many times: read a bounded
 * number of times (before the bound: 40^5 reads, a hang). */
static void tuned_loop(void)
{
    char *dir = tree_new("writers-loop");
    tree_mkdir(dir, "etc");
    tree_mkdir(dir, "etc/tuned");
    tree_mkdir(dir, "etc/tuned/p");
    tree_put(dir, "etc/tuned/tuned-main.conf", "reapply_sysctl = 0\n");
    tree_put(dir, "etc/tuned/active_profile", "p\n");
    char inc[512] = "[main]\ninclude=p";
    for (int i = 0; i < 39; i++)
        strcat(inc, ",p");
    strcat(inc, "\n[sysctl]\nvm.swappiness=1\n");
    tree_put(dir, "etc/tuned/p/tuned.conf", inc);
    int fd = sg_root_open(dir);
    struct sg_writers w = {0};
    CHECK(fd >= 0 && sg_writers_scan(fd, &w) == 0);
    CHECK(w.n >= 1 && w.n <= 32 && strcmp(w.v[0].writer, "tuned") == 0);
    sg_writers_free(&w);
    if (fd >= 0)
        close(fd);
    tree_remove(dir);
}

/* An initramfs image's stale copy: its lines (a "-" line's key without
 * the "-") as early boot's, put before the writers found later, so that a
 * later writer of the same value is the one named. */
static void boot_copies(void)
{
    struct sg_writers first = {0}, w = {0};
    CHECK(sg_writers_copy(&first, "/boot/initrd.img-6.1",
                          "/etc/sysctl.d/10-net.conf",
                          "# old\n\nnet.ipv4.ip_forward = 1\n"
                          "-vm.swappiness=5\n") == 0);
    CHECK(first.n == 2 &&
          strcmp(first.v[0].file,
                 "/boot/initrd.img-6.1: /etc/sysctl.d/10-net.conf") == 0 &&
          first.v[0].line == 3 &&
          strcmp(first.v[1].key, "vm.swappiness") == 0 &&
          strcmp(first.v[1].writer, SG_WRITER_INITRAMFS) == 0);
    CHECK(sg_writers_text("ufw-sysctl", "net/ipv4/ip_forward=1\n", &w) == 0);
    CHECK(sg_writers_prepend(&w, &first) == 0 && first.n == 0 && w.n == 3 &&
          strcmp(w.v[0].writer, SG_WRITER_INITRAMFS) == 0 &&
          strcmp(w.v[2].writer, "ufw") == 0);
    const struct sg_write *by =
        sg_writers_find(&w, NULL, NULL, "net.ipv4.ip_forward", "1\n");
    CHECK(by && strcmp(by->writer, "ufw") == 0);
    by = sg_writers_find(&w, NULL, NULL, "vm.swappiness", "5");
    CHECK(by && strcmp(by->writer, SG_WRITER_INITRAMFS) == 0);
    CHECK(sg_writers_prepend(&w, &first) == 0 && w.n == 3);
    sg_writers_free(&w);
}

int main(void)
{
    texts();
    boot_copies();
    scan();
    tuned_loop();
    return check_done("writers");
}
