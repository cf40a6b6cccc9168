/*
 * data.h - where the product's data is, and loading it: the lens, the
 * default policies and their schema, the kernel key catalog. Each front
 * end (the command line, the Ansible module) finds them the same way and
 * loads policies the same way; none of it knows a command line.
 *
 * A directory is $SYSCTL_GUARD_LENSDIR / _POLICYDIR when set; else the
 * installed one (policies: when it exists, as an operator may have added
 * their own there); else the source tree beside the binary; else the
 * copies built into the binary (embedded.c), written out once per run.
 * The catalog is the binary's unless $SYSCTL_GUARD_CATALOGDIR names one.
 */
#ifndef SG_DATA_H
#define SG_DATA_H

#include <stdbool.h>
#include <stddef.h>

#include "../core/base/diag.h"

struct sg_catalog;
struct sg_policies;

struct sg_data {
    char *lensdir;
    char *policydir;   /* the default policies and the schema */
    char *catalogdir;  /* NULL: the catalog built into the binary */
    bool validate_all; /* validate even the shipped policies (policy
                          validate); else their built-in bytes are trusted */
    char *problem;     /* why a directory could not be found: the built-in
                          copies could not be written (TMPDIR), or NULL */
};

/* Find the directories. 0, or -1: out of memory, or D->problem says why
 * (the built-in data could not be written out: where, and the error). */
int sg_data_find(struct sg_data *d);
void sg_data_free(struct sg_data *d);

/* The schema's path (allocated), or NULL. */
char *sg_data_schema(const struct sg_data *d);
/* The catalog. 0 or a negative errno, with diagnostics in DIAGS. */
int sg_data_catalog(const struct sg_data *d, struct sg_catalog *out,
                    struct sg_diags *diags);
/* Load the policies at PATHS (none: the default directory), the catalog
 * when one of them asks for it, and check that every one of PROFILES is
 * declared by them (a typo selects nothing, silently). 0, or -1 with the
 * problems as diagnostics in DIAGS and nothing loaded. */
int sg_data_policies(const struct sg_data *d, const char *const *paths,
                     size_t n, const char *const *profiles, size_t n_profiles,
                     struct sg_policies *ps, struct sg_diags *diags);

/* Whether every one of PROFILES (given as OPTION) is declared by PS. 0,
 * or -1 with an error naming the first unknown one in DIAGS. */
int sg_data_check_profiles(const struct sg_policies *ps, const char *option,
                           const char *const *profiles, size_t n_profiles,
                           struct sg_diags *d);
/* Whether every one of IDS (given as OPTION, "--disable") names a rule
 * of PS: a typo would turn nothing off, silently. 0, or -1 with an error
 * naming the first unknown one in DIAGS. */
int sg_data_check_rules(const struct sg_policies *ps, const char *option,
                        const char *const *ids, size_t n,
                        struct sg_diags *diags);

/* The built-in lens and policies, written to a private directory (with
 * subdirectories lenses/ and policies/) the first time this is called and
 * removed at exit (embedded.c); NULL if that failed. */
const char *sg_embedded_datadir(void);
/* Why sg_embedded_datadir failed ("cannot create a directory in
 * /nonexistent (TMPDIR): No such file or directory"), or NULL. */
const char *sg_embedded_error(void);

/* The bytes of a file built into the binary (not NUL-terminated), or
 * NULL. */
const char *sg_embedded_text(const char *dir, const char *name, size_t *len);
/* Whether BUF is, byte for byte, the shipped policy named as PATH's last
 * component: the build validated those bytes against the schema
 * (Makefile: xmllint before they are built in). */
bool sg_embedded_trusted(const char *path, const char *buf, size_t len);
/* The shipped policies as the loader left them (policy_image.h), built
 * into the binary: its bytes, *LEN long. */
const unsigned char *sg_embedded_policy_image(size_t *len);
/* The catalog built into the binary. 0 or a negative errno. */
int sg_embedded_catalog(struct sg_catalog *out, struct sg_diags *d);

#endif
