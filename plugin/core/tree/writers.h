/*
 * writers.h - who else writes /proc/sys after systemd-sysctl, read from
 * each writer's own configuration in the tree (issue 28): what they set,
 * so that drift (live.xml live-drift) can name its writer, and say
 * nothing where no writer's configuration shows one.
 *
 * Writers read:
 * - ufw: when /etc/ufw/ufw.conf says ENABLED=yes, the file
 *   /etc/default/ufw's IPT_SYSCTL names (default /etc/ufw/sysctl.conf),
 *   which ufw applies when it starts (key=value lines, slash or dot keys);
 * - Docker: when dockerd is enabled (docker.service or docker.socket
 *   wanted by a target under /etc/systemd/system), net.ipv4.ip_forward = 1,
 *   unless /etc/docker/daemon.json says "ip-forward": false;
 * - the kubelet: when kubelet.service is enabled and its configuration
 *   (/var/lib/kubelet/config.yaml) does not say protectKernelDefaults:
 *   true, the six keys it sets at start (setupKernelTunables);
 * - tuned: the active profile (/etc/tuned/active_profile) and the
 *   profiles it includes, their [sysctl] sections, when
 *   /etc/tuned/tuned-main.conf says reapply_sysctl = 0 (by default tuned
 *   applies the sysctl.d files again after its own, and they win);
 * - NetworkManager, when enabled: a connection's ip6-privacy, or where it
 *   is unset NetworkManager.conf's [connection] default (use_tempaddr of
 *   its interface-name);
 * - systemd-networkd, when enabled: for the one interface a .network
 *   file's [Match] Name= names, accept_ra = 0 and IPv6PrivacyExtensions=;
 *   from systemd 256 networkd.conf's IPv4Forwarding=/IPv6Forwarding=
 *   (default's and all's forwarding) and each interface's own (or
 *   IPMasquerade='s); before 256 IPForward= and IPMasquerade= (ip_forward
 *   and IPv6's all forwarding on); the release from libsystemd-shared;
 * - the kernel command line (source.h: what the input sources read), for
 *   a value the kernel applies.
 * Each entry keeps the file and line that says so.
 */
#ifndef SG_WRITERS_H
#define SG_WRITERS_H

#include <stdbool.h>
#include <stddef.h>

#include "source.h"

struct sg_write {
    char *key;          /* canonical dot form */
    char *value;        /* as the writer writes it */
    const char *writer; /* "ufw", "Docker", "the kubelet", "tuned" */
    char *file;         /* what says so, in the tree */
    unsigned line;      /* its line, or 0 (the writer's built-in value) */
};

struct sg_writers {
    bool scanned;
    struct sg_write *v;
    size_t n, cap;
};

/* Read the writers' configurations of the tree ROOTFD (rootfs.h); 0 or
 * -ENOMEM. Unreadable or absent files are no writer. */
int sg_writers_scan(int rootfd, struct sg_writers *out);
void sg_writers_free(struct sg_writers *w);
/* The writer of an initramfs image's stale copy of a sysctl file. */
#define SG_WRITER_INITRAMFS "the initramfs image"
/* Add the lines of TEXT, IMAGE's copy of the sysctl file PATH, as what
 * early boot applied ("IMAGE: PATH" and its line): 0 or -ENOMEM. */
int sg_writers_copy(struct sg_writers *w, const char *image, const char *path,
                    const char *text);
/* Put FIRST's entries before W's (FIRST is left empty): 0 or -ENOMEM. */
int sg_writers_prepend(struct sg_writers *w, struct sg_writers *first);
/* Add the values of the input sources L (the kernel command line) that
 * the kernel applies: 0 or -ENOMEM. */
int sg_writers_sourced(struct sg_writers *w, const struct sg_sourced_list *l);
/* One writer's file TEXT as WHAT reads it, for tests and fuzzing:
 * "ufw-sysctl" (ufw's key=value lines), "tuned" (a profile's [sysctl]),
 * "ufw-default" (IPT_SYSCTL, added as the key x.ipt_sysctl),
 * "nmconnection", "network" (a use_tempaddr entry, as x.use_tempaddr),
 * "daemon.json", "kubelet" (a configuration: one entry unless it protects
 * the kernel's defaults), "tuned-main" (one entry unless tuned applies
 * the files again). 0 or -ENOMEM. */
int sg_writers_text(const char *what, const char *text, struct sg_writers *out);

struct sg_catalog;
struct sg_kver;
/* The writer whose configuration sets KEY to what the kernel holds (LIVE,
 * compared as the key's handler reads: sg_catalog_live_same with CAT,
 * which may be NULL, for kernel K): the last such entry, or NULL. */
const struct sg_write *sg_writers_find(const struct sg_writers *w,
                                       const struct sg_catalog *cat,
                                       const struct sg_kver *k, const char *key,
                                       const char *live);

#endif
