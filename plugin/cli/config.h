/*
 * config.h - the project configuration file, found the way .shellcheckrc
 * and .yamllint are: `--config FILE`, else `.sysctl-guard.json` in the
 * current directory or the nearest one above it, up to the repository
 * root (the first directory holding .git) or /. JSON, read with cJSON:
 *
 *   {
 *     "kernel": "6.1.0-13-amd64",          the default --kernel
 *     "profile": ["server"],               the default --profile
 *     "disable": ["tw-reuse-outgoing-only"],  rules turned off
 *     "fail-on": "warning",                the default --fail-on
 *     "policy": ["policies/local"],        extra policies, besides the
 *                                          shipped ones
 *     "overrides": [                       per path, in order, the later
 *       {"files": "hosts/el7/...",         winning: a glob (fnmatch; a
 *        "kernel": "3.10.0-1160.el7.x86_64",  star crosses "/") against
 *        "profile": ["nat"],               each FILE argument, or the
 *        "disable": ["..."]}               --root (as DIR and DIR/),
 *     ]                                    relative to the file's
 *                                          directory
 *   }
 *
 * Paths in the file are relative to its directory, and a policy path
 * must lie inside the configuration's own repository (the first
 * directory above it holding .git, else its own directory). What the
 * command line gives wins: --kernel, --profile, --fail-on and --policy replace
 * the file's (and its overrides'); --disable adds to its list, --enable takes
 * a rule back out. A key the format does not have, a value of the wrong
 * type or a file that is not JSON is an error naming the file (and the
 * line, for JSON syntax).
 *
 * Trust (trust.h): a configuration, and every policy it names, must be
 * writable by no one but root and the invoking user, in directories no
 * one else can write. One found by searching governs only the FILE
 * arguments below its directory (linting a checkout); a run on a root
 * (--root, /, --live, plan, show) reads only --config FILE. A found one
 * that may not be read is skipped with a note saying why; a --config
 * FILE that may not be read is an error.
 */
#ifndef SG_CONFIG_H
#define SG_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "../core/judge/policy.h" /* struct sg_settings, SG_MAX_LIST */

#define SG_CONFIG_NAME ".sysctl-guard.json"

struct cJSON;

struct sg_config_override {
    const char *files; /* the glob */
    struct sg_settings set;
};

struct sg_config {
    char *path; /* the file read; NULL: none was found */
    char *dir;  /* its directory, absolute */
    struct cJSON *doc;
    struct sg_settings set;
    const char *fail_on;         /* or NULL */
    char *policies[SG_MAX_LIST]; /* absolute (owned) */
    size_t n_policies;
    struct sg_config_override overrides[SG_MAX_LIST];
    size_t n_overrides;
};

/* Which configuration a run may read. */
struct sg_config_find {
    const char *explicit_path; /* --config FILE, or NULL */
    /* Search from the current directory up: the run lints FILES (or
     * takes none: explain, list-rules); false for a run on a root, which
     * reads only EXPLICIT_PATH. */
    bool search;
    char *const *files;
    size_t n_files;
};

/* Read the configuration F allows. 0 (with OUT->path NULL when none is
 * read, and *NOTE allocated when one was found and skipped: why), or -1
 * after *ERR (allocated) says what is wrong, naming the file. */
int sg_config_load(const struct sg_config_find *f, struct sg_config *out,
                   char **err, char **note);
/* The same for TEXT (NUL-terminated) as read from PATH in directory DIR
 * (absolute): what sg_config_load does once it has the bytes. */
int sg_config_parse(const char *text, const char *path, const char *dir,
                    struct sg_config *out, char **err);
void sg_config_free(struct sg_config *c);

/* The overrides' settings for PATH (a FILE argument or the root, as
 * given) over the file's own, into OUT: later overrides win, lists
 * replace ("disable" lists add up). */
void sg_config_for(const struct sg_config *c, const char *path,
                   struct sg_settings *out);

#endif
