/*
 * relate.h - what the kernel makes of lines together (issue 27), as the
 * evaluator asks it of one line: a later line of the same file that sets
 * the key again; a later write of another key that zeroes this one, and a
 * threshold the kernel halves (the catalog's relations, kernel/
 * relations.h, on the model's kernel). Every question is answered from
 * the model as read; the indexes it keeps (struct sg_relate) are built
 * once per file, so a rule on every line of a file of N lines costs O(N),
 * not O(N^2). Where the order of two writes or a value is not certain
 * (systemd-sysctl keeps a key where its value first appeared; a value
 * that is no number), the answer is "no": a relation is claimed only
 * when it holds.
 */
#ifndef SG_RELATE_H
#define SG_RELATE_H

#include "../base/util.h"
#include "../kernel/catalog.h"
#include "../kernel/relations.h"
#include "../tree/model.h"
#include "../tree/source.h"

/* The evaluator's memory of the relations it asked about: owned by one
 * evaluation, freed with sg_relate_free. Zero-initialised is empty. */
struct sg_relate {
    const struct sg_file *file; /* the file LAST indexes */
    struct sg_strmap last;      /* key -> index of its last line there */
    bool oom;                   /* an index could not be built */
};

/* The last line of A's own file that sets A's key (not as a glob) after A,
 * when its value differs from A's (fields compared as the kernel splits
 * them: blanks and tabs alike). Under systemd-sysctl the later line
 * replaces A before anything is written; `sysctl -p` writes both, A first.
 * Either way A does nothing. NULL when there is none, A is a glob or an
 * exclusion, or memory ran out (R->oom). */
const struct sg_assignment *sg_relate_again(struct sg_relate *r,
                                            const struct sg_model *m,
                                            const struct sg_assignment *a);

/* The file line that sets what source value V sets, later (every sysctl
 * file is applied after the kernel command line) and to another value:
 * the key's setting, else the last glob that matches it. NULL when none
 * does, or V is a parameter that sets nothing (unprefixed). */
const struct sg_assignment *sg_relate_file_over(const struct sg_model *m,
                                                const struct sg_sourced *v);

/* Whether the kernel refuses VALUE for KEY (the write changes nothing):
 * the evaluator's catalog judgement, passed in. */
typedef bool sg_refused_fn(const void *arg, const char *key, const char *value);

/* What the kernel's relations do on model M's kernel, with catalog CAT. */
struct sg_relctx {
    const struct sg_model *m;
    const struct sg_catalog *cat;
    /* the catalog's versions for m's kernel (relations.h), or NULL: each
     * query works them out */
    const struct sg_relwin *win;
    sg_refused_fn *refused;
    const void *arg;
};

/* A line A (its key's winner, a number) that a later write of another key
 * sets to 0: *BY is that later line and *ROW the relation (its source).
 * false when there is none or it is not certain. */
bool sg_relate_reset(const struct sg_relctx *x, const struct sg_assignment *a,
                     const struct sg_assignment **by,
                     const struct sg_relrow **row);

/* A threshold the kernel halves: A is the winning line of one key of a
 * clamp-half relation (the background key's, or the other's when the
 * background key is not set), and the values the keys end with, as the
 * kernel reads them, put the background one at or above the other. *ROW
 * is the relation, BG and FG the two values, *BG_AT and *FG_AT their lines
 * (NULL: the kernel's initial value). Keys whose values count in
 * different units (bytes against a ratio) are never compared. */
struct sg_clamp {
    const struct sg_relrow *row;
    long long bg, fg;
    const struct sg_assignment *bg_at, *fg_at;
};
bool sg_relate_clamped(const struct sg_relctx *x, const struct sg_assignment *a,
                       struct sg_clamp *out);

/* A net.ipv4.conf.all.NAME line A whose value the kernel overrules: it
 * combines each interface's own value with all's (relations.tsv
 * `combine`: OR, AND, MAX, or for accept_redirects AND on a forwarding
 * host and OR otherwise), and the value new interfaces take
 * (net.ipv4.conf.default.NAME, set or the boot value) or a named
 * interface's own wins over A's: OR with A 0 and it not, AND with A not
 * 0 and it 0, MAX with it larger. */
struct sg_overrule {
    const struct sg_relrow *row;
    const char *how;     /* "or", "and", "max" as applied */
    const char *fwd_key; /* for "forwarding": the key that decided */
    long long fwd;       /* ... and its value */
    char *over_key;      /* the interface key that wins (allocated) */
    long long over;      /* its value */
    const struct sg_assignment *over_at; /* its line, or NULL: boot value */
};
bool sg_relate_overruled(const struct sg_relctx *x,
                         const struct sg_assignment *a,
                         struct sg_overrule *out);

/* A net.ipv6.conf.all.NAME line A (its key's winner, a value the kernel
 * takes) that changes no interface: the kernel never reads all's NAME
 * (relations.tsv `all` ignored: only each interface's own value counts,
 * and a write to all is not copied to them), and no other line of the
 * tree sets NAME for default, an interface or a glob over them. *ROW: the
 * relation (its source). */
bool sg_relate_all_ignored(const struct sg_relctx *x,
                           const struct sg_assignment *a,
                           const struct sg_relrow **row);

/* The value an interface's conf KEY takes effect with
 * (net.ipv4.conf.IFACE.NAME, IFACE "default" for the interfaces created
 * later): IPv4 combines all's value with the interface's own by the
 * relation (OR, AND, MAX; accept_redirects AND when the host forwards),
 * IPv6 takes the interface's own where all's is never read. Each value is
 * the tree's line, or the boot value of a Debian kernel of the target's
 * series. false when a value or the relation is not known. */
struct sg_iface_value {
    const struct sg_relrow *row;
    const char *how;     /* "or", "and", "max" as applied; NULL: own only */
    const char *fwd_key; /* "forwarding": the key that decided, or NULL */
    long long fwd, all, own, value;
    const struct sg_assignment *all_at, *own_at; /* NULL: the boot value */
};
bool sg_relate_iface(const struct sg_relctx *x, const char *key,
                     struct sg_iface_value *out);

void sg_relate_free(struct sg_relate *r);

#endif
