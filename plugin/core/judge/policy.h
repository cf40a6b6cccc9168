/*
 * policy.h - XML policies: kernel-tuning guidance as data.
 *
 * A policy file (namespace urn:sysctl-guard:policy:1, schema
 * policies/policy.rng) declares keys (the kernels that have them, their
 * defaults per kernel version) and rules. Loading is safe for untrusted
 * files: no network, no DTD (so no entities, no XXE, no entity expansion),
 * no XInclude, at most 1 MiB; the document is validated against the RELAX
 * NG schema with libxml2 and then checked for meaning (duplicate rule ids,
 * checks on undeclared keys, overlapping default ranges, bad regular
 * expressions, unknown placeholders). Every problem is a diagnostic with
 * the policy file and line.
 */
#ifndef SG_POLICY_H
#define SG_POLICY_H

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>

#include "../base/diag.h"
#include "../kernel/kver.h"

/* A kernel version range [from, before); either end may be open. */
struct sg_krange {
    bool has_from, has_before;
    struct sg_kver from, before;
};

bool sg_krange_contains(const struct sg_krange *r, const struct sg_kver *k);

struct sg_default {
    struct sg_krange range;
    char *value;
};

struct sg_keyinfo {
    char *name;              /* canonical dot form */
    struct sg_krange exists; /* since = from, until = before */
    char *doc;
    struct sg_default *defaults;
    size_t n_defaults;
    const char *file;
    unsigned line;
};

enum sg_op {
    SG_OP_ABSENT,
    SG_OP_PRESENT,
    SG_OP_NOT_IN_KERNEL,
    SG_OP_EQ,
    SG_OP_NE,
    SG_OP_LT,
    SG_OP_LE,
    SG_OP_GT,
    SG_OP_GE,
    SG_OP_IN,
    SG_OP_NOT_IN,
    SG_OP_MATCHES,
    /* Lines together (relate.h): */
    SG_OP_SET_AGAIN,     /* a later line of the same file sets the key again */
    SG_OP_SYSTEMD_SHIPS, /* the tree has systemd's sysctl.d file VALUE */
    /* Values of the input sources (rules on="sourced"): */
    SG_OP_OVERRIDDEN_BY_FILE, /* a sysctl file sets the key later, otherwise */
    SG_OP_NOT_APPLIED,        /* this kernel does not apply the source */
    SG_OP_UNPREFIXED,         /* a dotted parameter without "sysctl." */
    /* The kernel key catalog (catalog.h) decides these: */
    SG_OP_UNKNOWN_KEY, /* no kernel version has the key */
    SG_OP_MISSING_KEY, /* some versions have it, this kernel does not */
    SG_OP_REJECTED,    /* this kernel's handler rejects the value */
    SG_OP_NO_EFFECT,   /* the key is there and does nothing on this kernel */
    SG_OP_MODULE_NOT_LOADED, /* a module's key, and nothing loads the
                                module before systemd-sysctl (modload.h) */
    /* ... and its relations (kernel/relations.h, judge/relate.h): */
    SG_OP_RESET_BY_OTHER, /* a later write of another key sets it to 0 */
    SG_OP_HALVED,         /* a threshold the kernel halves */
    SG_OP_MODULE_KEY,     /* a module registers the key */
    SG_OP_EXTRA_FIELDS,   /* more numbers than the key holds */
    SG_OP_BOOT_DEFAULT,   /* the value the kernel boots with anyway */
    SG_OP_UNKNOWN_NAME,   /* a value that names nothing this build has */
    SG_OP_OVERRULED,      /* conf.all's value the interfaces' overrule */
    SG_OP_ALL_IGNORED,    /* an IPv6 conf.all value no interface reads */
    SG_OP_FIELD_OVER,     /* a field above the limit the kernel keeps */
    SG_OP_NAMES_MODULE,   /* a value that names a module of the build */
    SG_OP_MODULE_MISSING, /* ... one the tree has not installed */
    SG_OP_DRIFT,          /* the running kernel (--live) holds another value */
};

/* What of a value a check looks at. */
enum sg_of { SG_OF_VALUE, SG_OF_FIELD, SG_OF_SPAN, SG_OF_PARITY };

/* What a comparison compares with. */
enum sg_than {
    SG_THAN_LITERAL,
    SG_THAN_DEFAULT,
    SG_THAN_LIVE,
    SG_THAN_FIELD,
    SG_THAN_KEY,
};

struct sg_check {
    char *key; /* NULL: the rule's subject */
    enum sg_of of;
    int field; /* 1-based, for SG_OF_FIELD */
    enum sg_op op;
    char *value; /* literal operand; space-separated list for in/not-in */
    enum sg_than than;
    int than_field;
    char *than_key;
    regex_t re;
    bool has_re;
    unsigned line;
};

enum sg_cond_kind { SG_COND_ALL, SG_COND_ANY, SG_COND_NOT, SG_COND_CHECK };

struct sg_cond {
    enum sg_cond_kind kind;
    struct sg_cond *kids;
    size_t n_kids;
    struct sg_check check;
};

enum sg_fix_action {
    SG_FIX_NONE,
    SG_FIX_REMOVE,
    SG_FIX_SET,
    SG_FIX_COMMENT,
    SG_FIX_LOAD_MODULE, /* list the key's module in modules-load.d */
};

struct sg_reference {
    char *href;
    char *text;
};

struct sg_rule {
    char *id;
    enum sg_severity severity;
    bool has_ignored_severity; /* severity for lines with the "-" flag */
    enum sg_severity ignored_severity;
    char *key;        /* subject key or glob, or NULL */
    char *diagnostic; /* subject: a model diagnostic code, or NULL */
    bool on_lines;    /* every line that sets the key, not the winner */
    /* every value an input source sets (source.h), not the files' lines;
     * such a rule is also on_lines: its findings are told apart by value
     * and file as a line's are, and fix never edits a source */
    bool on_sourced;
    char *title, *message, *rationale;
    struct sg_krange kernel;
    char **profiles;
    size_t n_profiles;
    bool profiles_not;   /* applies unless one of the profiles is given */
    struct sg_cond when; /* SG_COND_ALL, possibly empty */
    struct sg_reference *refs;
    size_t n_refs;
    enum sg_fix_action fix;
    char *fix_value;
    const char *file; /* policy file */
    unsigned line;
};

struct sg_catalog;

/* A host role (--profile) a policy declares: the rules' <profiles> name
 * only declared ones, and an undeclared --profile is a usage error. */
struct sg_profile {
    char *name;
    char *doc;
};

struct sg_policies {
    char **files;
    size_t n_files;
    struct sg_profile *profiles; /* each name once */
    size_t n_profiles;
    struct sg_rule *rules;
    size_t n_rules;
    struct sg_keyinfo *keys;
    size_t n_keys;
    bool wants_catalog;         /* a check uses the catalog */
    struct sg_catalog *catalog; /* owned; NULL: catalog checks never hold */
};

/* Load the policy files or directories (every *.xml in it, sorted) in
 * PATHS, validating each against the schema SCHEMA. Problems become
 * diagnostics; the return is 0 when every file loaded and meant something,
 * -EINVAL when one did not (see DIAGS), -ENOMEM. */
int sg_policies_load(const char *const *paths, size_t n, const char *schema,
                     struct sg_policies *out, struct sg_diags *diags);
/* The same, with what the build vouches for (NULL: nothing). VOUCH is
 * asked of each file read (PATH, its LEN bytes BUF): SG_VOUCH_NONE, a file
 * to validate and parse; SG_VOUCH_VALID, bytes the build validated
 * against the same schema (a shipped policy), parsed without validating;
 * SG_VOUCH_TAKEN, and VOUCH appended to PS what loading the file leaves
 * (kept by the build: file *INDEX of the N_SET files it checked as a
 * set), nothing parsed; or a negative errno (-EINVAL: what VOUCH keeps is
 * damaged). Every check across the files still runs, unless the files
 * were all taken and are the build's set, in its order. The schema is
 * parsed only when a file needs it. */
enum sg_vouch { SG_VOUCH_NONE, SG_VOUCH_VALID, SG_VOUCH_TAKEN };
struct sg_policy_trust {
    int (*vouch)(const struct sg_policy_trust *t, const char *path,
                 const char *buf, size_t len, struct sg_policies *ps,
                 size_t *index);
    size_t n_set;
    const void *data; /* VOUCH's own (the binary's image) */
    size_t len;
};
int sg_policies_load_trusting(const char *const *paths, size_t n,
                              const char *schema,
                              const struct sg_policy_trust *trust,
                              struct sg_policies *out, struct sg_diags *diags);
/* The one file PATH, validated, without the checks across a set's files
 * (a key or profile another file declares, an id twice): one file's part
 * of a set, as the policy image holds it (the image's generator loads the
 * whole set too, with every check). 0, -EINVAL (see DIAGS), -ENOMEM. */
int sg_policies_load_part(const char *path, const char *schema,
                          struct sg_policies *out, struct sg_diags *diags);
/* PATH appended to PS's files: the kept copy, which the file's keys and
 * rules point at, or NULL without memory (PS unchanged). The loader's,
 * and the policy image's when it appends a file's part. */
const char *sg_policies_add_file(struct sg_policies *ps, const char *path);
/* The files PATHS stand for, in the order loading reads them (a directory:
 * its *.xml files in name order; anything else: itself), as a new array
 * of new strings (sg_policies_files_free). 0, -ENOMEM, or -errno when a
 * directory cannot be opened (*FILES then empty). */
int sg_policies_files(const char *const *paths, size_t n, char ***files,
                      size_t *nfiles);
void sg_policies_files_free(char **files, size_t n);
void sg_policies_free(struct sg_policies *ps);

/* Whether condition C reads KEY (a check's key or its than-key, at any
 * depth): what explain lists a rule under, and what fix asks of a
 * finding its change may have caused. */
bool sg_cond_reads(const struct sg_cond *c, const char *key);
/* Give PS the catalog its catalog checks consult (PS frees it). */
void sg_policies_set_catalog(struct sg_policies *ps, struct sg_catalog *c);

const struct sg_keyinfo *sg_policies_key(const struct sg_policies *ps,
                                         const char *name);
/* The declared profile NAME, or NULL. */
const struct sg_profile *sg_policies_profile(const struct sg_policies *ps,
                                             const char *name);
/* The default of KEY for kernel K, or NULL. */
/* The kernel versions around K for which PS decides exactly as for K:
 * the nearest version at or below K, and the nearest above it, where a
 * rule, a key's existence or a default begins or ends (an open end: none
 * on that side). A plan made for K holds for a kernel in it. */
void sg_policies_window(const struct sg_policies *ps, const struct sg_kver *k,
                        struct sg_krange *out);

const char *sg_policies_default(const struct sg_policies *ps, const char *key,
                                const struct sg_kver *k);

const char *sg_fix_name(enum sg_fix_action a);

/* At most this many profiles, policies, disabled rules, config entries
 * and overrides one source of settings gives (one limit, one name). */
#define SG_MAX_LIST 32

/* What one tree or fragment is judged with -- one shape from the project
 * configuration and its per-path overrides through the command line and
 * the Ansible module to the run and the evaluator: the kernel named
 * (NULL: the running kernel), the profiles, the rules turned off (a
 * configuration's and the command line's: twice the limit). The storage
 * is the struct's own; the strings belong to whoever filled it. */
struct sg_settings {
    const char *kernel;
    const char *profiles[SG_MAX_LIST];
    size_t n_profiles;
    const char *disabled[2 * SG_MAX_LIST];
    size_t n_disabled;
};

/* Turn rule ID off in S (once; silently not beyond the storage). */
void sg_settings_disable(struct sg_settings *s, const char *id);

/* Whether RULE applies to kernel K with S's profiles, and S does not turn
 * it off (S NULL: every profile-free rule in range). */
bool sg_rule_applies(const struct sg_rule *r, const struct sg_kver *k,
                     const struct sg_settings *s);

#endif
