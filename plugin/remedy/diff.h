/*
 * diff.h - a unified diff of two texts, the same text `fix --dry-run`
 * prints and Ansible's diff mode will show.
 */
#ifndef SG_DIFF_H
#define SG_DIFF_H

/* "--- a/PATH\n+++ b/PATH\n@@ ... @@" hunks with 3 lines of context;
 * BEFORE NULL means the file is new. Returns NULL on ENOMEM, "" when the
 * texts are equal. */
char *sg_diff_unified(const char *path, const char *before, const char *after);

#endif
