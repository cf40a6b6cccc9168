/*
 * save.h - replacing one file's text safely, while others may be writing.
 *
 * A save is: open the file's directory (beneath the tree's descriptor, or
 * as given for a fragment) and take flock(LOCK_EX) on that directory;
 * open the file without following a symlink and check that it is a
 * regular file with one name that still holds exactly the text that was
 * read; write the new text to a temporary file in the same directory
 * (owner, group, mode and every extended attribute, POSIX ACLs and
 * SELinux labels included, copied from the old file; fsync); take a read
 * lease (fcntl F_SETLEASE) on the old file and on the new one; check
 * again, under the lock, that neither the name nor the old file changed;
 * exchange the two names (renameat2 RENAME_EXCHANGE); after a moment,
 * remove the old file under its temporary name; fsync the directory. A
 * new file: renameat2 RENAME_NOREPLACE.
 *
 * Cooperating writers take the same lock (flock(1) on the directory:
 * `flock /etc/sysctl.d sh -c '...'`), so two fixes, or a fix and a
 * cooperating writer, never interleave: the second sees a changed file
 * and refuses with an error. Writers that take no lock (`echo >> FILE`
 * from cron) are kept out by the lease: the kernel grants it only while
 * no other process has the file open for writing (a save waits up to two
 * seconds for that, then refuses), and a process that opens it for
 * writing afterwards waits in open(2) until the lease goes. When one did
 * that for the old file during the exchange, the names are exchanged
 * back before it goes on, so what it writes lands in the file, and the
 * save fails. One window stays: a writer that looked the name up before
 * the exchange and reaches open(2) over two milliseconds later.
 *
 * Where no lease can be had (a file system without them, not the file's
 * owner and no CAP_LEASE, fs.leases-enable = 0) or no exchange, a save
 * renames over the file and then looks at the old one: text appended to
 * it after the last check and before the rename is put back and the save
 * fails; a writer that still has the old file open after that look loses
 * what it writes then. Every failure leaves the file as it was and says
 * why in *WHY.
 *
 * Leftovers. The temporary file is ".sysctl-guard.<16 hex digits>.tmp"
 * (core/leftover.h). A save killed after writing it and before its
 * rename, or after the exchange and before the unlink, leaves it behind
 * with a whole text: the new one never put in place, or the old one
 * already replaced. Nothing reads it (the name is hidden and not *.conf),
 * and a save holds the directory's lock for as long as its temporary
 * file can exist, so one found while that lock can be had belongs to no
 * live save: sg_leftover_sweep removes those of the running user and says
 * why it leaves any other. When two writers held the old file through an
 * exchange, the old file, with what they wrote, is kept under a visible
 * name instead (FILE.<hex>.kept), never swept.
 */
#ifndef SG_SAVE_H
#define SG_SAVE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

#include "../core/base/diag.h"

/* How long a save waits for another holder of the directory's lock. */
#define SG_SAVE_LOCK_WAIT_MS 10000

struct sg_save {
    int dirfd; /* the file's directory, locked */
    char *base;
    int fd;         /* the file as read; -1 for a new file */
    struct stat st; /* its stat when its text was checked */
    bool fragment;
};

/* Begin saving PATH: a target path of the tree ROOTFD, or, when ROOTFD is
 * -1, a fragment's path as given. BEFORE is the text it must hold (NULL:
 * it must not exist; its directories are then created). Returns 0, or a
 * negative errno with *WHY (allocated) saying what is wrong. */
int sg_save_begin(int rootfd, const char *path, const char *before,
                  struct sg_save *s, char **why);

/* Write BUF as FILE.bak beside it, with the file's metadata (any old .bak,
 * a symlink included, is replaced, never followed). */
int sg_save_backup(struct sg_save *s, const char *buf, size_t len, char **why);

/* Replace the file's text by BUF. */
int sg_save_commit(struct sg_save *s, const char *buf, size_t len, char **why);

/* Release the lock and the descriptors. */
void sg_save_end(struct sg_save *s);

#endif
