/*
 * trust.h - whether a file the run did not get from its own command line
 * may steer it: the project configuration and the policies it names. A
 * file another user can write must never steer a run as root (the models:
 * git's safe.directory, sshd's StrictModes, sudo's sudoers checks).
 *
 * A path is trusted when every directory from / down to it, and the path
 * itself, is owned by a trusted user and writable by no one else: no
 * group or other write bit (an ACL that grants another user write shows
 * in the group bits, its mask). A sticky directory (/tmp) is allowed
 * above the last directory only: nobody else can rename what is in it,
 * but anyone can create the file itself there. Trusted users are root,
 * the effective user and, when root runs under sudo, the user who ran
 * sudo (SUDO_UID, as git reads it).
 *
 * Cost: one lstat(2) per path component.
 */
#ifndef SG_TRUST_H
#define SG_TRUST_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

bool sg_trusted_uid(uid_t uid);

/* NULL when PATH is trusted (a directory when DIR, else a regular file);
 * else why not, allocated ("/tmp is writable by other users"). PATH is
 * resolved first (realpath), so a symlink is judged by what it names. */
char *sg_untrusted(const char *path, bool dir);

/* Read the trusted regular file PATH (NUL-terminated, at most
 * SG_MAX_FILE_SIZE) into *TEXT and *LEN. 0; -1 with *WHY allocated: why
 * it is not trusted; -2 with *WHY: why it cannot be read ("cannot read
 * it: No such file or directory"). The file is opened
 * without following a last symlink and judged by its descriptor, so what
 * is read is what was judged. */
int sg_trusted_read(const char *path, char **text, size_t *len, char **why);

#endif
