/*
 * catalog.h - what each kernel version has: its sysctl keys, how the
 * kernel parses and bounds their values, and how they changed.
 *
 * Two files (catalog/README.md): keys.tsv, generated from kernel sources
 * by scripts/catalog (one row per key and set of facts, with the
 * catalogued versions that have the key with them), and history.tsv, the
 * changes whose release and commit are known (added, removed, no effect).
 *
 * A version between two catalogued ones is not guessed: a key is present
 * or absent there only when the catalogued versions (and the history)
 * around it agree, else its state is unknown; no fact about its value is
 * used then either. A catalogued version stands for its whole series
 * (6.1 for 6.1.y). Template rows ("net.ipv4.conf.<iface>.rp_filter")
 * match any one component where the placeholder is.
 */
#ifndef SG_CATALOG_H
#define SG_CATALOG_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

#include "../base/diag.h"
#include "../base/util.h"
#include "kver.h"

#define SG_CATALOG_MAX_VERSIONS 32
/* The longest key (and catalogued key) the did-you-mean search compares */
#define SG_SUGGEST_MAX_LEN 128

enum sg_ctype {
    SG_CT_UNKNOWN,
    SG_CT_INT,
    SG_CT_UINT,
    SG_CT_U8,
    SG_CT_ULONG,
    SG_CT_BOOL,
    SG_CT_STRING,
    SG_CT_BITMAP,
};

enum sg_caccess { SG_CA_UNKNOWN, SG_CA_RW, SG_CA_RO, SG_CA_WO };

/* One row of keys.tsv. Strings point into the catalog. */
struct sg_catrow {
    const char *key;
    unsigned versions; /* bit i: version i has the key with these facts */
    enum sg_ctype type;
    unsigned n; /* values in a vector (1 for a scalar) */
    bool has_min, has_max;
    long long min, max;
    enum sg_caccess access;
    const char *netns;  /* "net", "init" (init_net only), "ipc", "user", "-" */
    const char *module; /* where the distribution builds it as one, or "-" */
    const char *source; /* file:line in the newest version's tree */
    bool templated;     /* the key has a <placeholder> component */
    /* "?": the handler enforces a bound the generator could not read (a
     * config option of a tree without a config, a variable the kernel
     * sets at boot, an expression of struct sizes); has_min/has_max are
     * then false, and the row says nothing of values on that side. */
    bool unk_min, unk_max;
    size_t key_len; /* strlen(key): the did-you-mean search's filter */
};

/* SG_H_VARIES: the key's bounds or mode are not constants of the source
 * (a config option, HZ, another key's value, a change at boot): the
 * catalog's bounds and access are never judged for it. */
enum sg_hkind { SG_H_ADDED, SG_H_REMOVED, SG_H_NO_EFFECT, SG_H_VARIES };

/* One row of history.tsv. */
struct sg_hist {
    const char *key;
    enum sg_hkind kind;
    struct sg_kver version;
    const char *commit, *what;
};

struct sg_catalog {
    char *keys_text, *hist_text; /* the files, owned */
    struct sg_kver versions[SG_CATALOG_MAX_VERSIONS];
    char series[SG_CATALOG_MAX_VERSIONS][24]; /* "6.1" */
    size_t series_len[SG_CATALOG_MAX_VERSIONS];
    /* Whose source each version's rows were read from ("# builds" line;
     * kernel.org when the file has none): evidence for that build. */
    enum sg_kbuild builds[SG_CATALOG_MAX_VERSIONS];
    size_t n_versions;
    /* sorted by key (strcmp): the built-in catalog's rows where they are
     * (read-only data, no copy), or own_rows, read from keys.tsv */
    const struct sg_catrow *rows;
    struct sg_catrow *own_rows;
    size_t n_rows;
    const struct sg_catrow **templates; /* the templated rows, in key order */
    size_t n_templates;
    struct sg_tgroup {      /* templates sharing the text before */
        const char *prefix; /* their first placeholder */
        size_t len, first, n;
    } * tgroups;
    size_t n_tgroups;
    /* The did-you-mean search's index (suggest.c), made by the first
     * search (NULL until then). Each template's shape: bit j of PH, its
     * component j is a placeholder (one starting with "<"); FIXED, the
     * bytes of its other components and of its dots, or SIZE_MAX with a
     * placeholder past the 64th component (no key the search takes has
     * that many). The first row of each plain (untemplated) key of at
     * most SG_SUGGEST_MAX_LEN bytes, by length, then in key order:
     * by_len[len_from[l] .. len_from[l + 1]) are the rows of keys l bytes
     * long; by_chars[i], the characters of by_len[i]'s key as a set of
     * bits, a bound checked before the letter-bag distance. */
    struct sg_tshape {
        uint64_t ph;
        size_t fixed;
    } * tshapes;
    uint32_t *by_len;
    uint64_t *by_chars;
    uint32_t len_from[SG_SUGGEST_MAX_LEN + 2];
    struct sg_hist *hist;
    size_t n_hist;
    /* relations.tsv (relations.h, which loads it): the text, owned, and
     * its rows; sg_catalog_free frees them. */
    char *rel_text;
    const struct sg_relrow *rel; /* the binary's own, or own_rel */
    struct sg_relrow *own_rel;
    size_t n_rel;
    struct sg_strmap rel_keys; /* every other key a relation row names */
    /* Version v's rows are rel[rel_from[v] .. rel_to[v]), in key order
     * (relations.tsv as relations.py writes it; another order is sorted
     * when it is read): a query searches them. */
    size_t rel_from[SG_CATALOG_MAX_VERSIONS], rel_to[SG_CATALOG_MAX_VERSIONS];
    /* defaults.tsv (defaults.h, which loads it): likewise. */
    char *def_text;
    const struct sg_defrow *def; /* the binary's own, or own_def */
    struct sg_defrow *own_def;
    size_t n_def;
};

/* Load DIR/keys.tsv and DIR/history.tsv. A malformed line is a diagnostic
 * with its file and line, and the return is -EINVAL; -ENOMEM; -errno when
 * a file cannot be read. */
int sg_catalog_load(const char *dir, struct sg_catalog *out,
                    struct sg_diags *diags);
/* The same from texts in memory (copied); NAMEs are for diagnostics. */
int sg_catalog_parse(const char *keys, size_t keys_len, const char *kname,
                     const char *hist, size_t hist_len, const char *hname,
                     struct sg_catalog *out, struct sg_diags *diags);
/* The catalog from rows already parsed (the binary's own: tsv2c.awk),
 * used where they are (they outlive OUT; each row's key_len is its key's
 * length, or -EINVAL), the history from its text; BUILDS names each
 * version's build (NULL: kernel.org). Returns 0, -EINVAL, -ENOMEM. */
int sg_catalog_builtin(const char *const *versions, const char *const *builds,
                       size_t n_versions, const struct sg_catrow *rows,
                       size_t n_rows, const char *hist, size_t hist_len,
                       const char *hname, struct sg_catalog *out,
                       struct sg_diags *diags);
void sg_catalog_free(struct sg_catalog *c);

enum sg_kstate { SG_KS_UNKNOWN, SG_KS_PRESENT, SG_KS_ABSENT };

/* What the catalog says about canonical KEY (no glob) on kernel K. */
struct sg_catinfo {
    enum sg_kstate state;
    /* The facts that hold on K (present, and every catalogued version
     * around K that has the key agrees), else NULL. */
    const struct sg_catrow *row;
    /* The history rows that decided the state, or NULL. */
    const struct sg_hist *added, *removed;
    const struct sg_hist *no_effect; /* in effect on K, or NULL */
    const struct sg_hist *varies;    /* bounds not constant, or NULL */
    /* The catalogued versions (indexes into versions[]) of K's series,
     * and the nearest older and newer ones; -1 where there is none. What
     * decided, and so whose build the word is for (builds[]). */
    int at, older, newer;
};

void sg_catalog_lookup(const struct sg_catalog *c, const char *key,
                       const struct sg_kver *k, struct sg_catinfo *out);

/* The versions (bit i: versions[i]) that speak for kernel K: kernel.org's
 * and Debian's, and those of K's own distribution where the catalog has
 * such builds (RHEL's, Ubuntu's), each replacing the others of its own
 * series; another distribution's build never does. */
unsigned sg_catalog_usable(const struct sg_catalog *c, const struct sg_kver *k);

/* The versions S names, a comma-separated list of the catalog's series
 * names oldest first ("5.10,6.1", "3.10-rhel"), as bits into *OUT; false
 * when one is not the catalog's, is out of order or the list is empty.
 * Every table of the catalog (keys, relations, defaults) names its
 * versions so. */
bool sg_catalog_series(const struct sg_catalog *c, const char *s,
                       unsigned *out);

/* Among the versions that speak for K (sg_catalog_usable; the catalog
 * keeps its versions oldest first): the newest of a series at or below K's and
 * the oldest at or above it (the same one when K's series is catalogued); -1
 * where there is none. */
void sg_catalog_around(const struct sg_catalog *c, const struct sg_kver *k,
                       int *below, int *above);

/* The kernel.org or Debian version of K's series, else the nearest older
 * one, else -1: what a distribution's build of K's series started from. */
int sg_catalog_base_of(const struct sg_catalog *c, const struct sg_kver *k);

/* Whether any catalogued version or the history knows KEY; a glob is
 * known when it matches a key some version has. */
bool sg_catalog_knows(const struct sg_catalog *c, const char *key);

/* The out-of-tree patch set that adds KEY (BFS's rr_interval, RHEL 6's
 * exec-shield), or NULL. */
const char *sg_catalog_patch_set(const char *key);

/* The known key nearest to the unknown KEY (same first component, at most
 * a third of its last component's length in edits), or NULL. Allocated.
 * The first call makes the search's index in C (a search of one key
 * costs less than the index, which most runs never need). */
char *sg_catalog_suggest(struct sg_catalog *c, const char *key);

/* Why the kernel's handler rejects VALUE for ROW, into BUF ("above the
 * maximum 100"), or NULL when it accepts it as far as the catalog knows.
 * With VARIES (sg_catinfo.varies) only the type is judged.
 * Numbers are read as the kernel reads them (proc_get_long: blanks, an
 * optional "-", base 0, a blank or the end after each). */
const char *sg_catalog_rejects(const struct sg_catrow *row, const char *value,
                               char *buf, size_t len);
const char *sg_catalog_rejects_varies(const struct sg_catrow *row,
                                      const struct sg_hist *varies,
                                      const char *value, char *buf, size_t len);

/* A sentence on when KEY came and went, for K ("added in 4.19, commit
 * 30aba6656f61 (...)"; "the catalogued kernels that have it: 6.1.192,
 * 6.12.117"), allocated; NULL on ENOMEM. */
char *sg_catalog_history(const struct sg_catalog *c, const char *key,
                         const struct sg_kver *k);

/* Every row for KEY (exact, then templates), in version order: calls FN
 * until it returns false. */
void sg_catalog_rows(const struct sg_catalog *c, const char *key,
                     bool (*fn)(const struct sg_catrow *, void *), void *arg);

/* The row catalogued version I (an index into versions[]) has for KEY,
 * or NULL when that version lacks the key. */
const struct sg_catrow *sg_catalog_row_at(const struct sg_catalog *c,
                                          const char *key, int i);

/* Whether history row H is about KEY (its key, or a template of it). */
bool sg_catalog_hist_applies(const struct sg_hist *h, const char *key);

const char *sg_ctype_name(enum sg_ctype t);

/* Whether the running kernel's text LIVE for KEY (as /proc/sys prints it)
 * is what a file's VALUE writes, compared the way the key's handler reads
 * (C, the catalog, may be NULL: the type is then told from LIVE): numbers
 * field by field as the kernel parses them (leading blanks, a sign, 0x
 * and 0 prefixes; the fields VALUE gives, up to those LIVE has; what
 * follows the numbers, an inline "# comment", is not read), a string
 * exactly (LIVE without its newline). */
bool sg_catalog_live_same(const struct sg_catalog *c, const struct sg_kver *k,
                          const char *key, const char *value, const char *live);

#endif
