/*
 * finding.h - what a policy rule says about a configuration: the rule,
 * where (target path and 1-based line, or nowhere for a key that is not
 * configured), the message with its placeholders filled in (for a finding
 * about a key, the fills alone: views put the message together with
 * sg_finding_message), and the fix. Findings are data (finding.c); the
 * views in plugin/views/ only read them.
 */
#ifndef SG_FINDING_H
#define SG_FINDING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../base/diag.h"
#include "policy.h"

struct sg_buf;

/* One replacement of a finding's fix: LEN bytes at AT of file FILE's text
 * as it was read (a target path; remedy/result.h keeps the text) become
 * INSERT. A finding's spans are those of the operations of the run's
 * plan (remedy/fix.h) that fix it, in plan order, each once: what SARIF
 * gives as the finding's fix. */
struct sg_fix_span {
    char *file;
    size_t at, len;
    char *insert;
};

/* Who wrote the running value a finding about drift (a rule whose message
 * says {writer}) is about: a writer whose configuration in the tree sets
 * it (NAME "ufw", "Docker", ...; VALUE, FILE and LINE, 0 for a built-in
 * value, say where), a module loaded after systemd-sysctl (MODULE), or
 * neither (nothing the tree shows: no guess). */
struct sg_finding_writer {
    char *name;  /* the writer, "module M" for a late module, or NULL */
    char *value; /* what the writer writes, or NULL */
    char *file;  /* target path of its configuration, or NULL */
    unsigned line;
    char *module; /* the late module, or NULL */
};

struct sg_finding {
    const struct sg_rule *rule;
    enum sg_severity severity;
    char *key;     /* NULL for findings about files (diagnostic rules) */
    char *value;   /* the value the rule looked at, or NULL */
    char *file;    /* target path, or NULL */
    unsigned line; /* 1-based; 0 with no file */
    char *message; /* for people, or NULL when PARTS stands for it: read
                      it with sg_finding_message. With key, value and
                      file in one allocation (sg_finding_texts), freed
                      through it. Never NULL for a finding without a key */
    char *parts;   /* with MESSAGE NULL: the fills of the placeholders of
                      rule->message, in the template's order (sg_finding_
                      parts), with key, value and file in one allocation,
                      freed through it; else NULL */
    enum sg_fix_action fix;
    char *fix_key, *fix_value, *fix_file;
    char *why_left;   /* left after a fix: why it was not fixed, or NULL
                         (fix.h sg_fix_why_left) */
    char *suppressed; /* a suppression comment's reason ("" for none
                         given) when one suppresses it (suppress.h), or
                         NULL: counted, failed on and fixed only if NULL */
    struct sg_fix_span *spans; /* asked for (run.h opts.edits), or none */
    size_t n_spans;
    struct sg_finding_writer *writer; /* for drift, or NULL */
    char *source; /* its line as written, for people (run.h opts.quote),
                     or NULL */
};

struct sg_findings {
    struct sg_finding *v;
    size_t n, cap;
};

void sg_findings_free(struct sg_findings *fs);
/* Give F its MESSAGE (ML bytes), KEY, VALUE and FILE (each NULL for
 * none), copied into one allocation. 0 or -ENOMEM (F unchanged). */
int sg_finding_texts(struct sg_finding *f, const char *message, size_t ml,
                     const char *key, const char *value, const char *file);
/* Give F, a finding about KEY, the fills of its rule's message's
 * placeholders instead of the message: PARTS (PL bytes), each fill a tag
 * byte, "k", "v" or "f" for the fill that is KEY, VALUE or FILE, or "t"
 * and the text and a NUL; a NUL tag ends them. Copied into one allocation
 * with KEY, VALUE and FILE (VALUE and FILE NULL for none). 0 or -ENOMEM
 * (F unchanged). */
int sg_finding_parts(struct sg_finding *f, const char *parts, size_t pl,
                     const char *key, const char *value, const char *file);
/* Add REP (N bytes), the next fill, to PARTS being made for a finding
 * with KEY, VALUE and FILE: the tag of one of those three when REP is
 * that string itself (as the placeholders {key}, {value} and {file} give
 * them), else "t" and the text. The caller ends them with a NUL tag. 0 or
 * -ENOMEM. */
int sg_finding_part(struct sg_buf *parts, const char *rep, size_t n,
                    const char *key, const char *value, const char *file);
/* Where sg_finding_message puts messages together: the text, and the
 * last template it cut (findings of one rule come one after another, so a
 * template is cut once a run of them). The caller's, zeroed at first;
 * freed with sg_message_free. */
struct sg_message_seg {
    const char *p; /* text, or the placeholder's name */
    size_t len;
    bool ph;
};
struct sg_message {
    char *text;
    size_t cap_text;
    const char *tmpl; /* the template cut into V, or NULL */
    struct sg_message_seg *v;
    size_t n, cap;
    size_t text_len; /* of the template's text segments */
};
/* F's message: F->message, or its rule's template with F->parts filled in,
 * put together in M (valid until M is used again). Never NULL: without
 * memory for it, the rule's title. */
const char *sg_finding_message(const struct sg_finding *f,
                               struct sg_message *m);
/* Free what M holds and zero it. */
void sg_message_free(struct sg_message *m);
/* Free what F holds (F itself is the caller's) and zero it. */
void sg_finding_clear(struct sg_finding *f);
/* Add span SP (its strings copied) to F's fix. 0 or -ENOMEM. */
int sg_finding_add_span(struct sg_finding *f, const struct sg_fix_span *sp);
/* A deep copy of F into OUT. Returns 0 or -ENOMEM. */
int sg_finding_copy(const struct sg_finding *f, struct sg_finding *out);
/* Whether A and B are the same finding in two states of one tree: the
 * same rule about the same key (for rules on lines, the same value in the
 * same file; for rules about diagnostics, the same file and message),
 * wherever the lines moved. */
bool sg_finding_same(const struct sg_finding *a, const struct sg_finding *b);
/* What sg_finding_same compares, as a string (each field length-prefixed,
 * "-" for none): equal for two findings exactly when they are the same.
 * For an index of many findings. A new string, or NULL without memory. */
char *sg_finding_same_id(const struct sg_finding *f);
/* qsort order: by file (findings without one last), line, rule id. */
int sg_finding_cmp(const void *a, const void *b);
/* FS in sg_finding_cmp's order; findings in that order already (a run's
 * second sort, or one rule's findings made line by line) are left as
 * they are after one pass over them. */
void sg_findings_sort(struct sg_findings *fs);
/* Findings of severity SEV that are not suppressed. */
size_t sg_findings_count(const struct sg_findings *fs, enum sg_severity sev);
/* How many are suppressed. */
size_t sg_findings_suppressed(const struct sg_findings *fs);
/* Whether a finding that is not suppressed has severity LEVEL or higher
 * (--fail-on). */
bool sg_findings_reach(const struct sg_findings *fs, enum sg_severity level);
/* The name of a finding in fixes and their diagnostics, "rule file:line"
 * ("rule -:0" when it is about no line), into BUF. */
const char *sg_finding_why(const struct sg_finding *f, char *buf, size_t len);

/* A finding's identity across runs and hosts: sg_hash("RULE|FILE|KEY|
 * VALUE") of the text as JSON carries it (stable when lines move). SARIF's
 * partialFingerprints, the module's result and the fleet report all give
 * this one. */
uint64_t sg_fingerprint(const char *rule, const char *file, const char *key,
                        const char *value);
/* F's fingerprint as 16 hex digits into OUT. */
void sg_finding_fingerprint(const struct sg_finding *f, char out[17]);

#endif
