/*
 * plan.h - what the plan engines share (plan.c): the files of a plan with
 * their digests, what the target's sysctl.d directories must hold, the
 * kernel window, the header every plan opens with, and quoting for YAML,
 * Jinja and sh. Each engine is one file (ansible.c, salt.c, sh.c,
 * patch.c) and one row of plan.c's engine table; each prints to the FILE it is
 * given (out.c: stdout, --output FILE, or for Salt a directory).
 */
#ifndef SG_PLAN_H
#define SG_PLAN_H

#include "../../core/tree/layout.h"
#include "../../core/tree/model.h"
#include "../../core/judge/policy.h"
#include "../../core/base/version.h"
#include "../../remedy/fix.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* One file of the plan, with its digests: the first ones are written (C
 * is their change), the others were only read (C is NULL; before and
 * after are the same): the plan's decisions rest on them too (a package's
 * value the drop-in overrides), so a target must hold them as well. */
struct sg_plan_file {
    const char *path;
    const struct sg_change *c;
    char before[65]; /* sha256 of the text read, or "absent" */
    char after[65];
    bool not_utf8;
};

/* What a sysctl.d directory held (its *.conf names, fileset.h
 * sg_fileset_list, joined by "/", which no name holds) and what the plan
 * leaves there (with the drop-in it adds): a target holding other names
 * (another host's file, which could win over the plan's) is refused. */
struct sg_plan_dir {
    const char *dir;
    char *before, *after;
};

/* What a plan checks on its target beside the files: the directories'
 * names, and (for the root "/") that the running kernel is one the
 * policies decide for as for the plan's (policy.h sg_policies_window). */
struct sg_plan_ctx {
    struct sg_plan_dir dirs[SG_N_SYSCTL_DIRS];
    struct sg_krange win;
    bool modules; /* it writes a modules-load.d list */
};

/* What an engine is given: the model, the NW files to write followed by
 * the others read (N in all), and what the target is checked against. */
struct sg_plan {
    const struct sg_model *m;
    const struct sg_plan_file *fs;
    size_t nw, n;
    const struct sg_plan_ctx *x;
};

/* The column YAML plans fold at: ansible-lint's line-length, and the
 * project's .yamllint. */
#define SG_PLAN_WIDTH 160
/* TEXT (YAML, Jinja first when JINJA_FIRST) to OUT with every line longer
 * than WIDTH folded where YAML reads the same value: a double-quoted
 * scalar at an escaped line break, plain and folded text and comments at
 * a blank; never inside Jinja that is rendered before the YAML is read,
 * never a literal block. A line with no such place stays long. */
void sg_plan_yaml_fold(FILE *out, const char *text, bool jinja_first,
                       int width);

/* The engines, one file each and one row of sg_plan_engines: --emit
 * KIND's name, its --help gloss, and how its text is finished. A new
 * engine is one file and one row. */
struct sg_plan_engine {
    const char *name;
    const char *gloss; /* in --help after the name, or NULL */
    /* Prints the plan; 0, or -ENOMEM (the text is then not used). */
    int (*emit)(FILE *out, const struct sg_plan *p);
    int yaml; /* 0: not YAML; 1: YAML; 2: Jinja rendered to YAML (Salt) */
    /* Writes a directory, and needs --output DIR: what it writes (after
     * "--emit NAME "), or NULL for a file or stdout. */
    const char *directory;
};
extern const struct sg_plan_engine sg_plan_engines[]; /* a NULL name ends it */
#define SG_PLAN_MAX_ENGINES 8

int sg_plan_emit_ansible(FILE *out, const struct sg_plan *p);
int sg_plan_emit_ansible_tasks(FILE *out, const struct sg_plan *p);
int sg_plan_emit_salt(FILE *out, const struct sg_plan *p);
int sg_plan_emit_sh(FILE *out, const struct sg_plan *p);
int sg_plan_emit_patch(FILE *out, const struct sg_plan *p);

/* The directories' names before and after the plan (OUT has
 * SG_N_SYSCTL_DIRS rows); 0 or a negative errno. */
int sg_plan_dirs(const struct sg_model *m, const struct sg_changes *cs,
                 struct sg_plan_dir *out);
void sg_plan_dirs_free(struct sg_plan_dir *d);
/* The files of the plan: CS's changes, then every other file M read, with
 * the digest M kept of it (M loaded with model.h opts.digests). *N counts
 * them all; NULL without memory. */
struct sg_plan_file *sg_plan_files(const struct sg_model *m,
                                   const struct sg_changes *cs, size_t *n);

/* A kernel version as the plans compare them: major * 1000000 + minor *
 * 1000 + patch (what kver_num in sh and the Jinja of the others compute
 * from a release string). */
unsigned long sg_plan_kver_num(const struct sg_kver *k);
/* The window as a comment: ">= 4.12.0, < 5.8.0" ("any" when open). */
void sg_plan_window(FILE *out, const struct sg_krange *w);
/* The Jinja expression that is false when kernel number KN (a Jinja
 * expression) is outside the window. */
void sg_plan_jinja_in_window(FILE *out, const struct sg_krange *w,
                             const char *kn);
/* Jinja: the kernel number of release expression K. */
#define JINJA_KN(k)                                                            \
    "((" k " ~ '.0.0').replace('-', '.').replace('+', '.').split('.')[0] | "   \
    "int) * 1000000 + ((" k " ~ '.0.0').replace('-', '.').replace('+', "       \
    "'.').split('.')[1] | int) * 1000 + ((" k " ~ '.0.0').replace('-', "       \
    "'.').replace('+', '.').split('.')[2] | int)"

/* The reload as boot does it, as a sh command line, and as a YAML flow
 * sequence ("[systemctl, restart, ...]"). */
const char *sg_plan_reload_cmd(const struct sg_model *m,
                               const struct sg_plan_ctx *x);
void sg_plan_reload_argv(FILE *out, const struct sg_model *m,
                         const struct sg_plan_ctx *x);
/* The comment lines that open a plan: version, kernel, root, and each
 * file with its digests and the findings its new text fixes; JINJA: the
 * comments are rendered as Jinja (Salt); END follows the kernel. */
void sg_plan_header(FILE *out, const struct sg_plan *p, bool jinja,
                    const char *end);
/* The comment line naming the findings change C fixes, indented by IN. */
void sg_plan_fixes(FILE *out, const struct sg_change *c, const char *in,
                   bool jinja);

/* What a person reviewing a plan reads: change C as a unified diff in
 * comment lines, indented by IN (the bytes themselves travel exactly
 * elsewhere in the plan). A control character, a byte that is not UTF-8,
 * a Unicode line break (U+0085, U+2028, U+2029) and a bidi control print
 * escaped ("\r", "\x0c", "\xe9", "\u0085"): YAML would read them as
 * line breaks, or a terminal would act on them. */
void sg_plan_diff_comment(FILE *out, const struct sg_change *c, const char *in,
                          bool jinja);

/* A Salt plan is a directory: init.sls, and files/ with the text of each
 * file it writes, which file.managed copies byte for byte (salt://):
 * the name of written file I (0-based) there, "1-60-tuning.conf" (bytes
 * of the base name other than [A-Za-z0-9._-] as "_"), into BUF. */
void sg_plan_salt_name(char *buf, size_t size, size_t i, const char *path);

/* Deliver the plan TEXT (LEN bytes) of P: to stdout when OUTPUT is NULL,
 * else atomically to the file OUTPUT, or for Salt (SALT) as the directory
 * OUTPUT (out.c). 0, or -errno with *WHAT the path it failed on. */
int sg_plan_deliver(const char *output, bool salt, const struct sg_plan *p,
                    const char *text, size_t len, const char **what);

/* Quoting. S inside a YAML double-quoted scalar (the quotes not printed):
 * "\", the quote and control characters escaped, every "{" as Jinja's
 * {{ '{' }} when JINJA, each byte as its own code point when LATIN1. */
void sg_plan_yq_as(FILE *out, const char *s, bool jinja, bool latin1);
void sg_plan_yq_body(FILE *out, const char *s); /* jinja, not latin1 */
void sg_plan_yq(FILE *out, const char *s);      /* the same, in quotes */
void sg_plan_shq(FILE *out, const char *s);     /* a single-quoted shell word */
void sg_plan_base64(FILE *out, const char *s);
/* S as text of a comment line: a control character prints as "?". */
void sg_plan_comment(FILE *out, const char *s, bool jinja);

#endif
