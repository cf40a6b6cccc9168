/* Which procps a tree's `sysctl --system` is (procps.h): from dpkg's
 * status, else os-release, else nothing said. */
#include "check.h"
#include "fileset.h"
#include "procps.h"
#include "rootfs.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static void put(const char *dir, const char *rel, const char *text)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", dir, rel);
    FILE *f = fopen(path, "w");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

int main(void)
{
    const char *why = NULL;
    static const char status[] =
        "Package: procps-extra\nVersion: 4.0.0\n\n"
        "Package: libc6\nStatus: install ok installed\nVersion: 2.36-9\n\n"
        "Package: procps\nStatus: install ok installed\nPriority: important\n"
        "Version: 2:3.3.17-5\nDescription: /proc file system utilities\n";
    CHECK(sg_procps_major_of(status, NULL, &why) == 3);
    CHECK(why && strstr(why, "dpkg"));
    CHECK(sg_procps_major_of("Package: procps\nVersion: 2:4.0.2-3\n", NULL,
                             NULL) == 4);
    /* a Version in the next paragraph is not procps's */
    CHECK(sg_procps_major_of("Package: procps\nStatus: x\n\nVersion: 3.3\n",
                             NULL, NULL) == 0);
    static const struct {
        const char *os;
        int want;
    } os[] = {
        {"ID=debian\nVERSION_ID=\"11\"\n", 3},
        {"ID=debian\nVERSION_ID=\"12\"\n", 4},
        {"NAME=\"Ubuntu\"\nVERSION_ID=\"22.04\"\nID=ubuntu\nID_LIKE=debian\n",
         3},
        {"ID=ubuntu\nVERSION_ID=\"24.04\"\n", 4},
        {"ID=\"rhel\"\nVERSION_ID=\"9.4\"\n", 3},
        {"ID=\"rocky\"\nID_LIKE=\"rhel centos fedora\"\nVERSION_ID=\"8.10\"\n",
         3},
        {"ID=\"almalinux\"\nVERSION_ID=\"10.0\"\n", 4},
        {"ID=\"mydistro\"\nID_LIKE=\"rhel fedora\"\nVERSION_ID=\"9\"\n", 3},
        {"ID=arch\n", 0},
        {"ID=debian\n", 0}, /* sid: no VERSION_ID */
        {"ID=linuxmint\nID_LIKE=ubuntu\nVERSION_ID=\"21.3\"\n", 0},
    };
    for (size_t i = 0; i < sizeof(os) / sizeof(*os); i++) {
        int got = sg_procps_major_of(NULL, os[i].os, NULL);
        if (got != os[i].want)
            fprintf(stderr, "os-release %zu: %d, not %d\n", i, got, os[i].want);
        CHECK(got == os[i].want);
    }
    /* dpkg wins over os-release */
    CHECK(sg_procps_major_of("Package: procps\nVersion: 2:4.0.2-3\n",
                             "ID=debian\nVERSION_ID=\"11\"\n", NULL) == 4);
    /* A tree: os-release first (dpkg's status is megabytes on a host),
     * the status when os-release does not say. */
    char dir[] = "/tmp/sg-procps-XXXXXX";
    if (mkdtemp(dir)) {
        char sub[600];
        snprintf(sub, sizeof(sub), "%s/etc", dir);
        mkdir(sub, 0755);
        snprintf(sub, sizeof(sub), "%s/var", dir);
        mkdir(sub, 0755);
        snprintf(sub, sizeof(sub), "%s/var/lib", dir);
        mkdir(sub, 0755);
        snprintf(sub, sizeof(sub), "%s/var/lib/dpkg", dir);
        mkdir(sub, 0755);
        put(dir, "etc/os-release", "ID=debian\nVERSION_ID=\"12\"\n");
        put(dir, "var/lib/dpkg/status",
            "Package: procps\nVersion: 2:3.3.17-5\n");
        int fd = sg_root_open(dir);
        CHECK(fd >= 0 && sg_procps_major(fd, &why) == 4 &&
              strstr(why, "os-release"));
        put(dir, "etc/os-release", "ID=arch\n");
        CHECK(sg_procps_major(fd, &why) == 3 && strstr(why, "dpkg"));
        if (fd >= 0)
            close(fd);
        char cmd[700];
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
        CHECK(system(cmd) == 0);
    }
    /* The semantics as a front end names it: the version with it or not. */
    static const struct {
        const char *name;
        int rc, sem, procps;
    } sem[] = {
        {"systemd", 0, SG_SEM_SYSTEMD, 0},
        {"procps", 0, SG_SEM_PROCPS, 0},
        {"procps-3.3", 0, SG_SEM_PROCPS, 3},
        {"procps-4", 0, SG_SEM_PROCPS, 4},
        {"procps-3", -EINVAL, 0, 0},
        {"procps-", -EINVAL, 0, 0},
        {"", -EINVAL, 0, 0},
    };
    for (size_t i = 0; i < sizeof(sem) / sizeof(*sem); i++) {
        enum sg_semantics s = SG_SEM_SYSTEMD;
        int v = -1;
        int rc = sg_semantics_parse(sem[i].name, &s, &v);
        CHECK(rc == sem[i].rc);
        CHECK(rc || ((int)s == sem[i].sem && v == sem[i].procps));
    }
    /* no tree: the default, said */
    CHECK(sg_procps_major(-1, &why) == 4 && strstr(why, "default"));
    return check_done("procps");
}
