/*
 * relations.h - what the kernel does to one key when another is written
 * (issue 27): catalog/relations.tsv, generated from each catalogued tree
 * by scripts/catalog/relations.py, each row with the file:line of the
 * statement that makes it so in that version's source.
 *
 * Rows belong to the catalog (struct sg_catalog: rel_text, rel, n_rel);
 * a row speaks for one catalogued version, and a relation holds on a
 * kernel only when the versions around it agree (sg_relations_find).
 * Rows are kept grouped by version and sorted by key, so a query by key
 * is a binary search of one version's rows (about 150); a query by the
 * other key alone first asks a hash of them (rel_keys).
 */
#ifndef SG_RELATIONS_H
#define SG_RELATIONS_H

#include <stdbool.h>
#include <stddef.h>

#include "../base/diag.h"
#include "kver.h"

struct sg_catalog;

enum sg_rel_kind {
    SG_REL_ZEROES,     /* writing KEY stores 0 in OTHER */
    SG_REL_CLAMP_HALF, /* KEY's threshold at or above OTHER's is halved */
    SG_REL_INIT,       /* KEY's variable starts at VALUE */
    SG_REL_NAMES,      /* KEY takes the name OTHER (DETAIL: how it is built) */
    SG_REL_COMBINE,    /* an interface's KEY combined with OTHER ("all") by
                          DETAIL: "or", "and", "max", "forwarding" */
    SG_REL_ALL,        /* an IPv6 interface's KEY: whether the kernel reads
                          OTHER ("all")'s value at all, DETAIL "used" or
                          "ignored" */
    SG_REL_FIELD_MAX,  /* field OTHER (1-based) of KEY at most VALUE: above
                          it the write is refused (REFUSES) or the kernel
                          acts as if it were VALUE */
    SG_REL_FIELD_MAX_EXT, /* the same limit raised to VALUE by the
                             ipcmni_extend boot parameter */
};

struct sg_relrow {
    unsigned version; /* index into the catalog's versions */
    enum sg_rel_kind kind;
    const char *key;
    const char *other;  /* NULL for SG_REL_INIT */
    bool on_change;     /* SG_REL_ZEROES: only when the write changed KEY */
    long long value;    /* SG_REL_INIT, SG_REL_FIELD_MAX(_EXT): the number */
    bool refuses;       /* SG_REL_FIELD_MAX: "refused", else "capped" */
    const char *detail; /* SG_REL_NAMES: "builtin", "module:NAME", "absent"
                           (the build's config leaves it out), "-" */
    const char *source; /* file:line in that version's tree */
};

/* Parse TEXT (LEN bytes; NAME for diagnostics) into C's relations: its
 * series must be C's. A malformed line is a diagnostic with its line and
 * -EINVAL; -ENOMEM. */
int sg_relations_parse(struct sg_catalog *c, const char *text, size_t len,
                       const char *name, struct sg_diags *d);
/* C's relations from ROWS (N of them, copied), as parsed at build time
 * (build/catalog_relations.inc, scripts/catalog/rel2c.awk): 0 or
 * -ENOMEM. The strings stay ROWS'. */
int sg_relations_builtin(struct sg_catalog *c, const struct sg_relrow *rows,
                         size_t n);
void sg_relations_free(struct sg_catalog *c);
/* The same from DIR/relations.tsv when DIR has one (a catalog directory
 * without one says nothing of relations): 0, or as above. */
int sg_relations_load(struct sg_catalog *c, const char *dir,
                      struct sg_diags *d);

/* The catalogued versions that speak for a kernel (sg_catalog_around,
 * sg_catalog_usable) and its build: what every query below needs, worked
 * out once for a run's kernel by sg_relations_window. */
struct sg_relwin {
    int below, above;
    unsigned use;
    enum sg_kbuild build;
};
void sg_relations_window(const struct sg_catalog *c, const struct sg_kver *k,
                         struct sg_relwin *w);

/* The rows of KIND that hold on kernel K, with KEY and OTHER where they
 * are not NULL, at most MAX of them into OUT; returns how many. A row
 * holds when the catalogued version at or below K has it and so does the
 * one at or above (the newest alone when K is newer than every one, if
 * every version that speaks for K has it). The rows returned are those of
 * the version at or below K. */
size_t sg_relations_find(const struct sg_catalog *c, const struct sg_kver *k,
                         enum sg_rel_kind kind, const char *key,
                         const char *other, const struct sg_relrow **out,
                         size_t max);
/* The same for the kernel of window W. */
size_t sg_relations_find_in(const struct sg_catalog *c,
                            const struct sg_relwin *w, enum sg_rel_kind kind,
                            const char *key, const char *other,
                            const struct sg_relrow **out, size_t max);

/* What the catalogued versions around kernel K say of NAME as a value of
 * KEY (a key whose values name things: relations.tsv `names` rows): 1
 * when the build has it (*ROW says how), 0 when it has not (*ROW: the
 * row of a name its config leaves out, said only for a target of the
 * build whose config that is; or NULL for a name no source around K
 * defines), -1 when that is not known (no list for KEY around K, the
 * versions disagree, K is newer than every version, the version's config
 * does not say, or it is another build's config). */
int sg_relations_name(const struct sg_catalog *c, const struct sg_kver *k,
                      const char *key, const char *name,
                      const struct sg_relrow **row);
int sg_relations_name_in(const struct sg_catalog *c, const struct sg_relwin *w,
                         const char *key, const char *name,
                         const struct sg_relrow **row);

/* Whether a row of any version has KEY as its key, or as the other key
 * of a relation between keys (not a name's): a key none names (most
 * lines) has no relation to look up. */
bool sg_relations_names(const struct sg_catalog *c, const char *key);

#endif
