/*
 * save.h - replacing one file's text safely, while others may be writing.
 *
 * A save is: open the file's directory (beneath the tree's descriptor, or
 * as given for a fragment) and take flock(LOCK_EX) on that directory;
 * open the file without following a symlink and check that it is a
 * regular file with one name that still holds exactly the text that was
 * read; write the new text to a temporary file in the same directory
 * (owner, group, mode and every extended attribute, POSIX ACLs and
 * SELinux labels included, copied from the old file; fsync); check again,
 * under the lock, that neither the name nor the old file changed; rename
 * over it (a new file: renameat2 RENAME_NOREPLACE); fsync the directory.
 *
 * Cooperating writers take the same lock (flock(1) on the directory:
 * `flock /etc/sysctl.d sh -c '...'`), so two fixes, or a fix and a
 * cooperating writer, never interleave: the second sees a changed file
 * and refuses with an error. A writer that takes no lock and appends to
 * the old file after the last check and before the rename is caught by a
 * look at the old file after the rename: its text (with the appended
 * lines) is put back and the save fails. Every failure leaves the file
 * as it was and says why in *WHY.
 */
#ifndef SG_SAVE_H
#define SG_SAVE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

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
