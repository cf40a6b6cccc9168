/*
 * leftover.h - the temporary files of interrupted saves (remedy/save.h):
 * their name, ".sysctl-guard.<16 lowercase hex digits>.tmp", and the
 * sweep that reading a tree does of the directories it reads. Here, not
 * in remedy/, because finding them is reading the tree: check warns of
 * them, fix removes them before it plans.
 */
#ifndef SG_LEFTOVER_H
#define SG_LEFTOVER_H

#include <stdbool.h>

#include "../base/diag.h"

#define SG_TEMP_PREFIX ".sysctl-guard."
#define SG_TEMP_SUFFIX ".tmp"
#define SG_TEMP_HEX 16

/* Whether NAME is a save's temporary file's name, exactly. */
bool sg_leftover_is_temp(const char *name);

/* Remove the leftovers of interrupted saves from the directory DIR (a
 * resolved target path, opened beneath ROOTFD as rootfs.h opens it):
 * with the directory's lock taken at once (a save that holds it is
 * alive, and its file no leftover: nothing is done), each regular file
 * of that name owned by the running user is unlinked, when REMOVE (a run
 * that writes: fix); without it (check, a preview) each is a warning
 * "save-leftover" saying the next fix removes it. Each one left (of
 * another user, not a regular file, not removable) is a warning
 * "save-leftover" in DIAGS; a missing directory has none. Linear in the
 * directory's entries. Returns 0 or -ENOMEM. */
int sg_leftover_sweep(int rootfd, const char *dir, bool remove,
                      struct sg_diags *diags);

#endif
