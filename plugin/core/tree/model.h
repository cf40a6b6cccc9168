/*
 * model.h - the config model: what the kernel will be told at boot.
 *
 * Built from a tree (--root, default "/") or from one fragment file (a
 * file checked on its own, as pre-commit passes them, reported as given):
 * - files: every file applied, in order, with the symlink it came through;
 * - assignments: every line that carries a key, with file and line;
 * - settings: per canonical key, the assignment that wins and the ones it
 *   overrode (earliest first); glob keys are settings of their own;
 * - diagnostics about the input.
 * The other semantics (systemd vs procps) is evaluated too, and every key
 * on which the two end differently becomes a diagnostic.
 *
 * Invariants: the model owns all memory it points to; assignments never
 * move once the model is built; settings are sorted by key.
 */
#ifndef SG_MODEL_H
#define SG_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../base/diag.h"
#include "fileset.h"
#include "../kernel/kver.h"
#include "modload.h"
#include "writers.h"
#include "parse.h"
#include "source.h"
#include "../base/util.h"

struct sg_catalog;

struct sg_model_opts {
    const char *root;     /* tree evaluated as "/"; NULL = "/" */
    const char *fragment; /* instead of a tree: this one file, as given */
    enum sg_semantics semantics;
    const char *lensdir;
    const char *kernel; /* release string; NULL = the running kernel */
    bool live;          /* also read <root>/proc/sys */
    /* With live: the kernel key catalog that says how each key's handler
     * reads a value (sg_catalog_live_same), borrowed; NULL: told from
     * the running value's text. */
    const struct sg_catalog *catalog;
    bool sweep;   /* remove the leftovers of interrupted saves (a fix) */
    bool digests; /* keep each file's SHA-256 as read (a plan states them) */
    /* procps's major version (3 or 4: procps.h) for its semantics; 0:
     * the tree's own (sg_procps_major). */
    int procps;
    /* Borrowed, or NULL for one of its own: a run that loads several
     * models (FILE arguments, a fix checked again) compiles the lens once. */
    struct sg_parser *parser;
};

/* One file as read. */
struct sg_file {
    char *path;         /* target path (fragments: as given) */
    char *via;          /* symlink it was reached through, or NULL */
    bool readable;      /* false: see diagnostics */
    bool not_utf8;      /* holds bytes that are not UTF-8 (Latin-1 text) */
    size_t text_len;    /* what was read, so that fix can tell */
    uint64_t text_hash; /* whether the file still holds it (sg_hash_key) */
    char sha256[65];    /* with opts.digests: of the text read; else "" */
    struct sg_assignments assignments;
    struct sg_directives directives; /* "# sysctl-guard: ..." comments */
};

/* One application of a file, in order (procps applies sysctl.conf twice
 * when 99-sysctl.conf links to it). */
struct sg_applied {
    struct sg_file *file;
    char *via;  /* owned: the link this application came through, or NULL */
    bool first; /* the first application of FILE (walk each file once) */
};

enum sg_live_state {
    SG_LIVE_UNCHECKED = 0,
    SG_LIVE_SAME,       /* running value equals the configured one */
    SG_LIVE_DRIFT,      /* running value differs */
    SG_LIVE_MISSING,    /* the running kernel has no such key */
    SG_LIVE_UNREADABLE, /* write-only or permission denied */
    SG_LIVE_NOT_SYSCTL  /* no sysctl file there: live_what says what */
};

struct sg_setting {
    const char *key;
    const struct sg_assignment *winner;
    const struct sg_assignment **overridden; /* earliest first */
    size_t n_overridden;
    size_t seq; /* position of the winner's application: later wins */
    enum sg_live_state live;
    char *live_value;
    const char *live_what; /* SG_LIVE_NOT_SYSCTL: "a directory", ... */
};

struct sg_model {
    char *root;
    int rootfd; /* the tree, opened once (rootfs.h); -1: fragment or none */
    enum sg_semantics semantics;
    int procps;             /* 3 or 4: how `sysctl --system` applies */
    const char *procps_why; /* what said so (static text) */
    bool fragment;
    bool digests; /* opts.digests */
    struct sg_kver kernel;
    struct sg_file **files; /* unique files, in first-application order */
    size_t n_files;
    struct sg_applied *applied;
    size_t n_applied;
    struct sg_setting *settings;
    size_t n_settings;
    struct sg_diags diags;
    struct sg_strmap file_index; /* path -> index into files */
    struct sg_modload modload;   /* what loads modules before sysctl */
    struct sg_writers writers;   /* with live: who else writes /proc/sys */
    /* the stale copies of the target's initramfs image (read when a file
     * is newer than it): what early boot applied, ahead of the writers */
    struct sg_writers boot_copies;
    /* What the tree's other input sources set (source.h): the kernel
     * command line, applied before the files, which override it. A tree
     * only; never edited. */
    struct sg_sourced_list sourced;
};

/* Build a model. Input problems are diagnostics, not failures; the return
 * is 0, or a negative errno for what stops everything (no memory, no
 * lens, a kernel string that does not parse), with *ERRMSG saying why. */
int sg_model_load(const struct sg_model_opts *opts, struct sg_model **out,
                  char **errmsg);
void sg_model_free(struct sg_model *m);

/* The model M would be if the files at PATHS held TEXTS instead: what a
 * fix leaves, judged before it is written (fix.h sg_fix_judge). A path M
 * did not read is a new file of /etc/sysctl.d, applied at its name's place
 * in the order (hiding a same-named file below it). Nothing is read from
 * the tree: the other files, the diagnostics about them and the live
 * values are M's. Returns 0; -EINVAL when a text does not parse (OUT's
 * diagnostics say why, *OUT is still built); -ENOMEM. */
int sg_model_derive(const struct sg_model *m, struct sg_parser *p,
                    const char *const *paths, const char *const *texts,
                    size_t n, struct sg_model **out);

/* The file at target PATH that M read, or NULL. */
struct sg_file *sg_model_file(const struct sg_model *m, const char *path);
/* The text of PATH, a file of M, read again as the model read it, when it
 * is still the text the model was built from (its length and hash): for
 * quoting its lines to people. Allocated, or NULL (gone, changed, not
 * readable, no memory). */
char *sg_model_file_text(const struct sg_model *m, const char *path);

/* Where a copy of the package's file PATH (one M applies, from a sysctl.d
 * directory the operator does not own) masks it: SG_MASK_DIR and the
 * name of its sysctl.d entry (allocated). NULL for a file the operator
 * owns, a fragment, a file M does not apply from a sysctl.d entry of its
 * own (/etc/sysctl.conf), or when a file of that name is there already. */
char *sg_model_mask_path(const struct sg_model *m, const char *path);

/* The setting for canonical KEY as written (glob keys by pattern), or NULL. */
const struct sg_setting *sg_model_get(const struct sg_model *m,
                                      const char *key);

/* The value the kernel ends with for the concrete KEY: an explicit setting,
 * else the last glob that matches it (as systemd-sysctl applies globs to
 * keys not set explicitly). NULL when nothing sets it. */
/* The same, given KEY's setting S (sg_model_get's, or NULL): for a caller
 * that has it already. */
const struct sg_assignment *sg_setting_effective(const struct sg_model *m,
                                                 const struct sg_setting *s,
                                                 const char *key);
const struct sg_assignment *sg_model_effective(const struct sg_model *m,
                                               const char *key);

#endif
