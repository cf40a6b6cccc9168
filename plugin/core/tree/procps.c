/*
 * procps.c - see procps.h. Two small text scans: the "Package: procps"
 * paragraph of dpkg's status (its Version's major, after any epoch), and
 * os-release's ID, ID_LIKE and VERSION_ID against the releases known to
 * ship 3.3. Both files come from the tree being checked: they are read
 * through the tree's descriptor, bounded like every file (rootfs.h), and
 * what they say only picks one of two models.
 */
#include "procps.h"
#include "rootfs.h"
#include "../base/util.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* The value of field NAME in the line-oriented TEXT from P on, up to the
 * end of its paragraph (a blank line), into BUF; or NULL. */
static const char *field(const char *p, const char *name, bool paragraph,
                         char *buf, size_t len)
{
    size_t n = strlen(name);
    for (; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
        if (paragraph && *p == '\n')
            return NULL;
        if (strncmp(p, name, n) != 0 || p[n] != (paragraph ? ':' : '='))
            continue;
        const char *v = p + n + 1;
        while (*v == ' ' || *v == '\t' || *v == '"' || *v == '\'')
            v++;
        size_t l = strcspn(v, "\"'\n");
        if (l >= len)
            l = len - 1;
        memcpy(buf, v, l);
        buf[l] = '\0';
        return buf;
    }
    return NULL;
}

static int from_dpkg(const char *status)
{
    char v[64];
    for (const char *p = status; p && *p;) {
        if (strncmp(p, "Package: procps\n", 16) == 0 &&
            field(p, "Version", true, v, sizeof(v))) {
            const char *num = strchr(v, ':') ? strchr(v, ':') + 1 : v;
            long major = strtol(num, NULL, 10);
            return major == 3 || major == 4 ? (int)major : 0;
        }
        const char *blank = strstr(p, "\n\n");
        p = blank ? blank + 2 : NULL;
    }
    return 0;
}

/* os-release: the distributions whose releases before a version ship
 * procps 3.3 (Debian before 12, Ubuntu before 24.04, RHEL and its
 * rebuilds before 10). */
static int from_os_release(const char *text)
{
    static const struct {
        const char *id;
        double first4;
    } known[] = {{"debian", 12}, {"ubuntu", 24.04}, {"rhel", 10},
                 {"centos", 10}, {"rocky", 10},     {"almalinux", 10},
                 {"ol", 10}};
    char id[64], like[128], ver[32];
    if (!field(text, "VERSION_ID", false, ver, sizeof(ver)) ||
        !isdigit((unsigned char)ver[0]))
        return 0;
    double v = strtod(ver, NULL);
    const char *i = field(text, "ID", false, id, sizeof(id));
    const char *l = field(text, "ID_LIKE", false, like, sizeof(like));
    for (size_t k = 0; k < sizeof(known) / sizeof(*known); k++)
        if (i && strcmp(i, known[k].id) == 0)
            return v < known[k].first4 ? 3 : 4;
    /* A derivative numbers its own releases: only RHEL-likes are known. */
    if (l && strstr(l, "rhel"))
        return v < 10 ? 3 : 4;
    return 0;
}

int sg_procps_major_of(const char *dpkg_status, const char *os_release,
                       const char **why)
{
    int m = dpkg_status ? from_dpkg(dpkg_status) : 0;
    if (m) {
        if (why)
            *why = "the procps package in /var/lib/dpkg/status";
        return m;
    }
    m = os_release ? from_os_release(os_release) : 0;
    if (m && why)
        *why = "/etc/os-release";
    return m;
}

/* os-release first: a few hundred bytes, where dpkg's status is megabytes
 * that every check of a host would read (issue 30's budget); the status
 * decides only for a release os-release does not name. */
int sg_procps_major(int rootfd, const char **why)
{
    char *os = NULL, *status = NULL;
    int m = 0;
    if (rootfd >= 0) {
        os = sg_root_read_text(rootfd, "/etc/os-release");
        if (!os)
            os = sg_root_read_text(rootfd, "/usr/lib/os-release");
        m = sg_procps_major_of(NULL, os, why);
    }
    if (!m && rootfd >= 0) {
        status = sg_root_read_text(rootfd, "/var/lib/dpkg/status");
        m = sg_procps_major_of(status, NULL, why);
    }
    free(status);
    free(os);
    if (!m) {
        if (why)
            *why = "the default (neither dpkg nor os-release says)";
        m = 4;
    }
    return m;
}
