/*
 * procps.h - which procps a tree's `sysctl --system` is: 3.3 or 4.
 *
 * The two read the same files in the same order but do not apply them
 * alike (procps sysctl.c, tags v3.3.17 and v4.0.2): 3.3 writes each line
 * as it reads it, so a glob key ("net.ipv4.conf.*.rp_filter") is written
 * to a path with a literal "*", the stat fails and --system ignores it,
 * and "-key" without "=" is "invalid syntax"; 4 collects every line
 * first, applies globs to the keys no explicit or excluding line names,
 * and writes after. Debian 11 and Ubuntu 22.04 ship 3.3.17, RHEL 7 to 9
 * 3.3.10 to 3.3.17; Debian 12 and Ubuntu 24.04 ship 4.0.
 */
#ifndef SG_PROCPS_H
#define SG_PROCPS_H

/* The tree's procps major version (3 or 4), from its os-release, else
 * from the procps package in its dpkg status; 4 when neither says. *WHY,
 * when not NULL, says which (static text). */
int sg_procps_major(int rootfd, const char **why);

/* The same from the texts of a dpkg status file and an os-release file
 * (either NULL; the status decides when both are given): 3, 4, or 0 when
 * they do not say. */
int sg_procps_major_of(const char *dpkg_status, const char *os_release,
                       const char **why);

#endif
