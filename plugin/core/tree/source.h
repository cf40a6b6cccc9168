/*
 * source.h - where else a tree sets keys, besides its sysctl files: the
 * input sources of the model, each with its place in the boot, its
 * provenance, and whether fix may edit it.
 *
 * A source reads the tree (through its descriptor, as the files are read)
 * and yields values: key, value, the file and line that write it. The
 * model keeps them beside the files' settings (model.h `sourced`): every
 * source here is applied before systemd-sysctl and `sysctl --system`, so
 * a file's line for the same key overrides it, and `show` says which.
 * No source is editable: fix and plans never touch what they read.
 *
 * Sources (one file and one row of the table in source.c each):
 * - the kernel command line (source_cmdline.c): `sysctl.KEY=VALUE` (or
 * `sysctl/KEY`) and the kernel's four aliases (hung_task_panic, ...), as the
 * kernel's process_sysctl_arg() in fs/proc/proc_sysctl.c takes them at boot
 *   (from Linux 5.8; absent in the 5.4 trees and RHEL 8's 4.18), and the
 *   dotted parameters without that prefix, which set nothing; read
 *   from /proc/cmdline (the boot the tree runs, when it has one),
 *   /etc/kernel/cmdline (kernel-install), GRUB_CMDLINE_LINUX and
 *   GRUB_CMDLINE_LINUX_DEFAULT of /etc/default/grub and of
 *   /etc/default/grub.d/NAME.cfg (which update-grub reads after it), and
 *   the `options`
 *   lines of /boot/loader/entries/NAME.conf (Boot Loader Specification).
 *
 * Costs: one read of each of those small files; nothing when absent.
 */
#ifndef SG_SOURCE_H
#define SG_SOURCE_H

#include <stdbool.h>
#include <stddef.h>

#include "../kernel/kver.h"

/* One value a source sets. */
struct sg_sourced {
    const char *source; /* the source's name (static): "kernel command line" */
    const char *when;   /* when it is applied (static text) */
    char *key;          /* canonical */
    char *value;
    char *file; /* target path of the file that writes it */
    unsigned line;
    /* 1: the target's kernel applies it; 0: it does not (too old, or
     * unprefixed); -1: not known for this version */
    int applied;
    /* A dotted command-line parameter without the "sysctl." prefix
     * ("kernel.panic=10"): KEY is its name, which may be no sysctl key at
     * all ("net.ifnames"); the kernel takes it for a module's parameter
     * and sets nothing. What a sysctl view lists leaves these out. */
    bool unprefixed;
};

struct sg_sourced_list {
    struct sg_sourced *v;
    size_t n;
};

/* Every value the sources of the tree ROOTFD set, source by source, in
 * each source's file order; K is the target's kernel. Returns 0 or
 * -ENOMEM (a missing or unreadable file sets nothing). */
int sg_sources_read(int rootfd, const struct sg_kver *k,
                    struct sg_sourced_list *out);
void sg_sourced_free(struct sg_sourced_list *l);
/* Append S (its strings now the list's) to L: for the readers. 0 or
 * -ENOMEM (S's strings are then still the caller's). */
int sg_sourced_push(struct sg_sourced_list *l, const struct sg_sourced *s);

/* The readers, one file each: append what the source sets in the tree
 * ROOTFD for kernel K to OUT. 0 or -ENOMEM. */
int sg_source_cmdline_read(int rootfd, const struct sg_kver *k,
                           struct sg_sourced_list *out);
/* A copy of FROM into TO (a derived model's: model.h). 0 or -ENOMEM. */
int sg_sourced_copy(const struct sg_sourced_list *from,
                    struct sg_sourced_list *to);

/* The sysctl values of TEXT read as the tree's file FILE is read: the
 * GRUB_CMDLINE_LINUX* assignments of /etc/default/grub, the `options`
 * lines of a /boot/loader/entries file, else a command line; appended to
 * OUT. 0 or -ENOMEM (tests, the fuzzer, and the reader itself). */
int sg_source_cmdline_text(const char *text, const char *file,
                           const struct sg_kver *k,
                           struct sg_sourced_list *out);

/* One parameter of a kernel command line, as the kernel's next_arg()
 * splits it: NAME (N bytes, an opening '"' dropped), its value (VN bytes,
 * surrounding quotes dropped; VALUE NULL with no '='), and the line the
 * word starts on. */
struct sg_cmdline_word {
    const char *name, *value;
    size_t n, vn;
    unsigned line;
    bool dashdash; /* the word "--": the kernel's own part ends there */
};

/* The next word at *P (advanced past it; *LINE counts the newlines
 * passed) into W: true, or false at the end of the text. The kernel
 * stops at "--" (the rest is init's); a reader for userspace need not. */
bool sg_cmdline_next(const char **p, unsigned *line, struct sg_cmdline_word *w);

/* The kernel command line's sysctl values in TEXT (FILE, the text's first
 * line numbered LINE), appended to OUT: for tests and the readers. */
int sg_source_cmdline_words(const char *text, const char *file, unsigned line,
                            const struct sg_kver *k,
                            struct sg_sourced_list *out);

#endif
