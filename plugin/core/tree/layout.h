/*
 * layout.h - where sysctl configuration lives, as data: the sysctl.d
 * directories in precedence order (sysctl.d(5); systemd-sysctl and procps
 * agree on them), who owns each (the operator, a package, the running
 * system), /etc/sysctl.conf, and where a fix puts what no file of the
 * operator's can hold. The file set (fileset.c), the evaluator's fix
 * intent (eval.c), the remedy (fix.c) and plans (cli/plan) read it here.
 */
#ifndef SG_LAYOUT_H
#define SG_LAYOUT_H

#include <stdbool.h>

enum sg_owner {
    SG_OWNER_OPERATOR, /* /etc: edited in place */
    SG_OWNER_PACKAGE,  /* /usr, /lib: a package's; overridden, not edited */
    SG_OWNER_RUNTIME,  /* /run: made at boot; overridden, not edited */
};

struct sg_layout_dir {
    const char *path;
    enum sg_owner owner;
};

/* The sysctl.d directories, highest precedence first. /lib/sysctl.d
 * counts only where it is not /usr/lib/sysctl.d (merged /usr). Files
 * under /usr/local are locally installed software's, not configuration,
 * and are overridden like a package's. */
#define SG_N_SYSCTL_DIRS 5
extern const struct sg_layout_dir sg_layout_dirs[SG_N_SYSCTL_DIRS];

#define SG_SYSCTL_CONF "/etc/sysctl.conf"
/* Where a "set" fix goes when no file the operator owns sets the key: it
 * sorts after every other sysctl.d file, so it wins at boot. */
#define SG_DROPIN "/etc/sysctl.d/99-zz-sysctl-guard.conf"
/* Where the operator's copy of a package's file goes: a file of the same
 * name there masks it (sysctl.d(5)). */
#define SG_MASK_DIR "/etc/sysctl.d"

/* The modules-load.d list a fix writes (policy action "load-module",
 * modload.h): in /etc, the operator's, so that it loads before
 * systemd-sysctl on every boot; the name hides a same-named list of a
 * package's directory. */
#define SG_MODLOAD_DROPIN "/etc/modules-load.d/sysctl-guard.conf"

/* Who owns the target path PATH: its sysctl.d directory's owner, else by
 * where it is (a symlink's target may be anywhere in the tree). */
enum sg_owner sg_layout_owner(const char *path);
/* Whether the operator may edit PATH (sg_layout_owner is the operator). */
bool sg_operator_owns(const char *path);

#endif
