/* The input sources besides the sysctl files (source.h): the kernel
 * command line's sysctl values as the kernel splits them, from each of
 * the files a tree keeps them in, with provenance. */
#include "check.h"
#include "modload.h"
#include "rootfs.h"
#include "source.h"
#include "tree.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct sg_kver kv(const char *s)
{
    struct sg_kver k;
    sg_kver_parse(s, &k);
    return k;
}

/* The value KEY has in L's entry number I, checked with its file:line. */
static void entry(const struct sg_sourced_list *l, size_t i, const char *key,
                  const char *value, const char *file, unsigned line)
{
    CHECK(i < l->n);
    if (i >= l->n)
        return;
    CHECK_STR(l->v[i].key, key);
    CHECK_STR(l->v[i].value, value);
    CHECK_STR(l->v[i].file, file);
    CHECK(l->v[i].line == line);
    CHECK_STR(l->v[i].source, "kernel command line");
}

static void words(void)
{
    struct sg_sourced_list l = {0};
    struct sg_kver k = kv("6.1.0-13-amd64");
    /* as the kernel's next_arg(): quotes around a value or the whole
     * word, both separators, the aliases, "--" ending the kernel's part;
     * no value, an empty one, another parameter and "sysctlfoo" set
     * nothing */
    CHECK(sg_source_cmdline_words(
              "BOOT_IMAGE=/vmlinuz ro quiet sysctl.vm.swappiness=10\n"
              "sysctl.kernel.printk=\"4 4 1 7\" \"sysctl.kernel.panic=5\" "
              "sysctl/net/ipv4/ip_forward=1 "
              "sysctl.net.ipv4.conf.eth0/rp_filter=2 "
              "hung_task_panic=1 sysctl.kernel.sysrq sysctl.vm.x= sysctlfoo=1 "
              "sysctl..vm..y=3 sysctl..=4 sysctl./=5 -- sysctl.init.z=1",
              "/proc/cmdline", 1, &k, &l) == 0);
    CHECK(l.n == 7);
    entry(&l, 0, "vm.swappiness", "10", "/proc/cmdline", 1);
    entry(&l, 1, "kernel.printk", "4 4 1 7", "/proc/cmdline", 2);
    entry(&l, 2, "kernel.panic", "5", "/proc/cmdline", 2);
    entry(&l, 3, "net.ipv4.ip_forward", "1", "/proc/cmdline", 2);
    entry(&l, 4, "net.ipv4.conf.eth0.rp_filter", "2", "/proc/cmdline", 2);
    entry(&l, 5, "kernel.hung_task_panic", "1", "/proc/cmdline", 2);
    entry(&l, 6, "vm.y", "3", "/proc/cmdline", 2);
    CHECK(l.n && l.v[0].applied == 1);
    sg_sourced_free(&l);
    /* a quoted value over two lines: the word's line is where it starts,
     * and the next word's is counted on from its end */
    CHECK(sg_source_cmdline_words("a sysctl.kernel.x=\"1\n2\"\nsysctl.vm.y=3",
                                  "/etc/kernel/cmdline", 1, &k, &l) == 0);
    CHECK(l.n == 2);
    entry(&l, 0, "kernel.x", "1\n2", "/etc/kernel/cmdline", 1);
    entry(&l, 1, "vm.y", "3", "/etc/kernel/cmdline", 3);
    sg_sourced_free(&l);
    /* which kernels apply them: from 5.8 (3db978d480e2); 5.4's trees and
     * RHEL 8's 4.18 have no process_sysctl_arg() */
    static const struct {
        const char *k;
        int applied;
    } when[] = {{"5.10.0-32-amd64", 1},
                {"5.4.0-150-generic", 0},
                {"4.18.0-553.el8_10.x86_64", 0},
                {"5.7.19", 0},
                /* a build the catalog does not cover (SUSE's 5.3) */
                {"5.3.18-150300.59.93-default", -1},
                {"5.8", 1},
                {"7.2", 1}};
    for (size_t i = 0; i < sizeof(when) / sizeof(*when); i++) {
        struct sg_kver w = kv(when[i].k);
        CHECK(sg_source_cmdline_words("sysctl.a.b=1", "f", 1, &w, &l) == 0);
        CHECK(l.n == 1 && l.v[0].applied == when[i].applied);
        sg_sourced_free(&l);
    }
}

/* A dotted parameter without "sysctl.": kept as unprefixed (it sets
 * nothing, and may name no sysctl at all); others are not. */
static void unprefixed(void)
{
    struct sg_kver k = kv("6.1.0-13-amd64");
    struct sg_sourced_list l = {0};
    CHECK(sg_source_cmdline_words("BOOT_IMAGE=/vmlinuz kernel.panic=10 "
                                  "net.ifnames=0 quiet a.=1 .b=1 x/y.z=1 "
                                  "vm.x= sysctl.vm.swappiness=10 -- init.z=1",
                                  "/proc/cmdline", 1, &k, &l) == 0);
    CHECK(l.n == 3);
    entry(&l, 0, "kernel.panic", "10", "/proc/cmdline", 1);
    entry(&l, 1, "net.ifnames", "0", "/proc/cmdline", 1);
    entry(&l, 2, "vm.swappiness", "10", "/proc/cmdline", 1);
    CHECK(l.n == 3 && l.v[0].unprefixed && l.v[0].applied == 0 &&
          l.v[1].unprefixed && !l.v[2].unprefixed && l.v[2].applied == 1);
    sg_sourced_free(&l);
}

static void tree(void)
{
    char *root = tree_new("source");
    tree_mkdir(root, "etc");
    tree_mkdir(root, "etc/default");
    tree_mkdir(root, "etc/kernel");
    tree_mkdir(root, "boot");
    tree_mkdir(root, "boot/loader");
    tree_mkdir(root, "boot/loader/entries");
    tree_put(root, "etc/default/grub",
             "# comment sysctl.a.b=1\n"
             "GRUB_DEFAULT=0\n"
             "GRUB_CMDLINE_LINUX_DEFAULT='quiet sysctl.vm.swappiness=10'\n"
             "GRUB_CMDLINE_LINUX=\"$GRUB_CMDLINE_LINUX "
             "sysctl.kernel.printk=\\\"4 4 1 7\\\"\"\n"
             "GRUB_CMDLINE_LINUX_EXTRA=\"sysctl.not.grub=1\"\n");
    tree_put(root, "etc/kernel/cmdline",
             "root=/dev/sda1 sysctl.kernel.sysrq=0\n");
    tree_mkdir(root, "etc/default/grub.d");
    tree_put(root, "etc/default/grub.d/50-cloudimg-settings.cfg",
             "# cloud\nGRUB_CMDLINE_LINUX_DEFAULT=\"console=tty1 "
             "sysctl.vm.overcommit_memory=1\"\n");
    tree_put(root, "boot/loader/entries/b.conf",
             "title B\noptions ro sysctl.vm.dirty_ratio=15\n");
    tree_put(root, "boot/loader/entries/a.conf",
             "title A\n  options\tsysctl.kernel.panic=5\n");
    tree_put(root, "boot/loader/entries/a.txt", "options sysctl.not.bls=1\n");
    int fd = sg_root_open(root);
    CHECK(fd >= 0);
    struct sg_kver k = kv("6.12.117+deb13-amd64");
    struct sg_sourced_list l = {0};
    CHECK(sg_sources_read(fd, &k, &l) == 0);
    /* no /proc in the tree: nothing from /proc/cmdline; the files in
     * their order, entries by name */
    CHECK(l.n == 6);
    entry(&l, 0, "kernel.sysrq", "0", "/etc/kernel/cmdline", 1);
    entry(&l, 1, "vm.swappiness", "10", "/etc/default/grub", 3);
    entry(&l, 2, "kernel.printk", "4 4 1 7", "/etc/default/grub", 4);
    entry(&l, 3, "vm.overcommit_memory", "1",
          "/etc/default/grub.d/50-cloudimg-settings.cfg", 2);
    entry(&l, 4, "kernel.panic", "5", "/boot/loader/entries/a.conf", 2);
    entry(&l, 5, "vm.dirty_ratio", "15", "/boot/loader/entries/b.conf", 2);
    struct sg_sourced_list c;
    CHECK(sg_sourced_copy(&l, &c) == 0 && c.n == l.n &&
          strcmp(c.v[5].file, l.v[5].file) == 0 && c.v[5].file != l.v[5].file);
    sg_sourced_free(&c);
    sg_sourced_free(&l);
    if (fd >= 0)
        close(fd);
    tree_remove(root);
}

/* The modules a command line loads are read with the same word
 * splitting: a quoted word, rd. and a word after "--" (systemd reads
 * the whole line). */
static void modules(void)
{
    char *root = tree_new("modcmd");
    tree_mkdir(root, "proc");
    tree_put(root, "proc/cmdline",
             "ro \"modules-load=br_netfilter,nf_conntrack\" "
             "rd.modules-load=dummy -- modules-load=veth\n");
    int fd = sg_root_open(root);
    struct sg_modload ml;
    CHECK(fd >= 0 && sg_modload_scan(fd, &ml) == 0);
    CHECK(ml.n_modules == 4);
    for (size_t i = 0; i < ml.n_modules && i < 4; i++)
        CHECK_STR(ml.modules[i],
                  ((const char *[]){"br_netfilter", "nf_conntrack", "dummy",
                                    "veth"})[i]);
    sg_modload_free(&ml);
    if (fd >= 0)
        close(fd);
    tree_remove(root);
}

int main(void)
{
    words();
    modules();
    unprefixed();
    tree();
    return check_done("source");
}
