/*
 * defaults.h - the value each key has when a Debian kernel boots, before
 * any sysctl.d file (catalog/defaults.tsv, booted under QEMU on a small
 * and a large machine by scripts/catalog/defaults.sh; only where the two
 * boots agree, so never a value scaled from memory or CPUs).
 *
 * Rows belong to the catalog (struct sg_catalog: def_text, def, n_def),
 * sorted by key as the file is; a value speaks for a Debian build of a
 * booted series only (another build may follow another config option).
 */
#ifndef SG_DEFAULTS_H
#define SG_DEFAULTS_H

#include <stddef.h>

#include "../base/diag.h"
#include "kver.h"

struct sg_catalog;

struct sg_defrow {
    const char *key;
    unsigned versions; /* bit i: the catalog's version i booted with it */
    const char *value;
};

/* Parse TEXT (LEN bytes; NAME for diagnostics) into C's defaults; its
 * series must be C's. A malformed line is a diagnostic with its line and
 * -EINVAL; -ENOMEM. */
int sg_defaults_parse(struct sg_catalog *c, const char *text, size_t len,
                      const char *name, struct sg_diags *d);
/* C's defaults from ROWS (N of them, copied; the strings stay ROWS'), as
 * parsed at build time (build/catalog_defaults.inc,
 * scripts/catalog/def2c.awk): 0, -EINVAL when they are not sorted by
 * key, or -ENOMEM. */
int sg_defaults_builtin(struct sg_catalog *c, const struct sg_defrow *rows,
                        size_t n);
/* The same from DIR/defaults.tsv when DIR has one. */
int sg_defaults_load(struct sg_catalog *c, const char *dir, struct sg_diags *d);
void sg_defaults_free(struct sg_catalog *c);

/* KEY's rows (one per distinct value; *N of them), or NULL. O(log n). */
const struct sg_defrow *sg_defaults_of(const struct sg_catalog *c,
                                       const char *key, size_t *n);
/* KEY's value at boot on kernel K: only for a Debian build of a booted
 * series; else NULL. O(log n). */
const char *sg_defaults_at_boot(const struct sg_catalog *c, const char *key,
                                const struct sg_kver *k);

#endif
