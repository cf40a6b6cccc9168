/*
 * report.h - the fleet report: many hosts' results merged in one pass
 * (report.c), compared with an earlier report (baseline.c): the data the
 * fleet views show by finding, by kernel, by writer of drifting running
 * values and by host (views/fleet.c: text, JSON, Markdown;
 * views/fleet_html.c: one self-contained HTML page built with libxml2's
 * tree).
 *
 * An input is a file or a directory of them (*.json, in name order):
 *   - `check --format json` of one host ("format": "sysctl-guard/1"); the
 *     host is its "host" (check --host) or the file's name without .json;
 *   - the Ansible module's registered result of one host (saved on the
 *     controller, one file per host); the host as above;
 *   - the output of Ansible's json stdout callback: every host of every
 *     task whose result holds sysctl-guard findings, named as the
 *     inventory names it;
 *   - Salt's JSON output of state.apply (salt-call --out=json, salt
 *     --out=json): every sysctl_guard state return, which carries the
 *     check's JSON as "sysctl_guard", named by its minion.
 * A file that is none of these (truncated JSON, another format version,
 * noise), or that is no regular file (a FIFO, a device: never opened for
 * reading), is a problem naming it; the rest is still read. A host read
 * from several inputs is one host: its findings are those of every input,
 * a finding (fingerprint, severity, line) that an earlier input of it gave
 * counted once; inputs that disagree on its kernel are a problem.
 *
 * Memory: each distinct finding (fingerprint: rule, file, key, value, as
 * SARIF's partialFingerprints), rule and kernel is kept once, with its
 * texts; a host keeps its name, counts and, per finding it has, an index
 * and a line (8 bytes). An input's JSON tree is freed before the next is
 * read. Time: every lookup (finding, rule, host, kernel) is a hash table's,
 * amortised O(1), so reading grows with the input and the views with the
 * output, whatever its shape (many kernels, many rules, many documents).
 * Every text the fleet holds is valid UTF-8 (bytes that are none are
 * U+FFFD), file names included, so that every view can print it.
 */
#ifndef SG_REPORT_H
#define SG_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../core/base/diag.h"
#include "blocks.h"

#define SG_REPORT_FORMAT "sysctl-guard-report/1"
#define SG_REPORT_MAX_INPUT (512u << 20) /* bytes of one input file */

/* One distinct finding of the fleet: a fingerprint with a severity (a
 * "-" line may lower it on some hosts). */
struct sg_rep_finding {
    uint64_t fp; /* sg_hash("rule|file|key|value") */
    /* Its texts (and REFS) among the fleet's texts: freed with it */
    char *rule, *title, *file, *key, *value, *fix;
    char *message; /* the first host's message of it ("" for none) */
    enum sg_severity severity;
    char **refs;
    size_t n_refs;
    size_t n_hosts;     /* how many hosts have it (sg_fleet_finish) */
    uint32_t last_host; /* the last host counted in n_hosts */
    uint32_t rule_ix;   /* its rule in the fleet's rules */
};

/* Who wrote the running value of a key that drifts from the files (a
 * finding's "writer", check --live), across the fleet: one per writer,
 * key and the value it writes, with the hosts it is on. */
struct sg_rep_writer {
    char *name;      /* "ufw", "module br_netfilter", ...; NULL: none known */
    char *key;       /* the drifting key */
    char *value;     /* what the writer writes, or NULL (not said) */
    uint32_t *hosts; /* host indices, each once, in input order
                        (sg_fleet_finish) */
    size_t n_hosts, cap;
};

/* One finding of one host: which distinct one, and on which line. */
struct sg_rep_hit {
    uint32_t finding;
    uint32_t line;
};

struct sg_rep_host {
    char *name;
    const char *source; /* the (first) input file: the fleet's sources[] */
    const char *kernel; /* the fleet's kernels[kernel_ix] */
    uint32_t kernel_ix;
    size_t counts[3]; /* by severity: info, warning, error
                         (sg_fleet_finish) */
    size_t n_diags;   /* diagnostics about its input (the most any of
                         its inputs gave) */
    size_t n_inputs;  /* results of it read (over 1: merged) */
    struct sg_rep_hit *hits;
    size_t n_hits, cap;
    uint32_t *wrote; /* the fleet's writers of its drifting keys */
    size_t n_wrote, cap_wrote;
};

/* A rule across the fleet: the hosts that have one of its findings. */
struct sg_rep_rule {
    /* Borrowed from its first finding, as REFS; fix: its findings' one
     * fix, or NULL when they differ (fix_varies) or have none */
    const char *id, *title, *fix;
    bool fix_varies;
    enum sg_severity severity;
    char **refs; /* borrowed from a finding of the rule */
    size_t n_refs;
    uint32_t *hosts; /* host indices, each once, in input order
                        (sg_fleet_finish) */
    size_t n_hosts, cap;
    size_t n_findings; /* findings of the rule over every host */
};

/* A baseline comparison: each (host, fingerprint) of now and of then. */
struct sg_rep_delta {
    char *host, *rule, *file, *key, *value;
    enum sg_severity severity;
    uint64_t fp;
    uint32_t line;
};

/* An open-addressing table of indices into one of the fleet's arrays, by
 * a seeded hash of the key (report.c); grown at half load. */
struct sg_rep_slot {
    uint64_t hash;
    uint32_t ix; /* UINT32_MAX: empty */
};
struct sg_rep_table {
    struct sg_rep_slot *v;
    size_t cap, n;
};
/* The set of (host, finding, line) of hosts read more than once. */
struct sg_rep_seen {
    struct sg_rep_seen_key {
        uint32_t host, finding, line; /* host UINT32_MAX: empty */
    } * v;
    size_t cap, n;
};

struct sg_fleet {
    struct sg_rep_host *hosts;
    size_t n_hosts, cap_hosts;
    struct sg_rep_finding *findings;
    size_t n_findings, cap_findings;
    struct sg_rep_rule *rules;
    size_t n_rules, cap_rules;
    char **kernels; /* distinct, in the order read */
    size_t n_kernels, cap_kernels;
    char **sources; /* the inputs hosts were read from, each once */
    size_t n_sources, cap_sources;
    struct sg_rep_writer *writers; /* in the order read */
    size_t n_writers, cap_writers;
    uint32_t *writer_order; /* most hosts first, then writer, key
                               (sg_fleet_finish) */
    /* Lookups while reading: by name, fingerprint, rule id, kernel,
     * writer. */
    struct sg_rep_table by_name, by_fp, by_id, by_kernel, by_writer;
    struct sg_rep_seen seen;
    uint64_t seed; /* of the tables' hash: inputs cannot choose collisions */
    bool seeded;
    uint32_t *order;          /* hosts worst first (sg_fleet_finish) */
    struct sg_diags problems; /* inputs that could not be read */
    size_t n_inputs;          /* files read */
    /* After sg_fleet_baseline: */
    bool has_baseline;
    char *baseline;
    struct sg_rep_delta *added, *fixed;
    size_t n_added, n_fixed, n_unchanged;
    /* Hosts of the baseline this report lacks: their findings are
     * neither fixed nor unchanged (the host was not checked). */
    char **gone;
    size_t n_gone;
    struct sg_blocks texts; /* the distinct findings' texts (blocks.h) */
};

/* Read the file or directory PATH into F. 0, or -ENOMEM; a file that
 * cannot be used is a problem in F->problems and the rest goes on. */
int sg_fleet_read(struct sg_fleet *f, const char *path);
/* The same for the LEN bytes of one input at TEXT (no NUL needed after
 * them), named NAME (the host when the input does not name it). What the
 * fuzz target drives. */
int sg_fleet_read_text(struct sg_fleet *f, const char *name, const char *text,
                       size_t len);
/* Count each host's findings, each finding's and rule's hosts, sort the
 * rules (severity, then hosts, then id) and order the hosts worst first
 * (errors, warnings, info, then name) in F->order: the order every view
 * shows. Once reading is done, before any view; again after more is read.
 * 0, or -ENOMEM. */
int sg_fleet_finish(struct sg_fleet *f);
/* Compare with the report (--format json) at PATH: new, fixed and
 * unchanged (host, fingerprint) pairs, over the hosts of both (a host
 * only in the baseline is in F->gone). 0, -1 after a problem naming it,
 * or -ENOMEM. */
int sg_fleet_baseline(struct sg_fleet *f, const char *path);
/* The same for the LEN bytes at TEXT, named NAME. */
int sg_fleet_baseline_text(struct sg_fleet *f, const char *name,
                           const char *text, size_t len);
/* Whether a finding new since the baseline (or, without one, any
 * finding) is at or over FAIL_ON. */
bool sg_fleet_fails(const struct sg_fleet *f, enum sg_severity fail_on);
/* Hosts with an error finding, and findings by severity. */
size_t sg_fleet_hosts_with(const struct sg_fleet *f, enum sg_severity s);
size_t sg_fleet_count(const struct sg_fleet *f, enum sg_severity s);
void sg_fleet_free(struct sg_fleet *f);

/* The kernels of the fleet with their host counts, most hosts first, then
 * by name (allocated; the strings are the fleet's). O(hosts + kernels log
 * kernels). */
struct sg_rep_kernel {
    const char *kernel;
    size_t n_hosts;
};
struct sg_rep_kernel *sg_fleet_kernels(const struct sg_fleet *f, size_t *n);
/* The same over the hosts of rule R: O(its hosts log its hosts). */
struct sg_rep_kernel *sg_fleet_rule_kernel_list(const struct sg_fleet *f,
                                                const struct sg_rep_rule *r,
                                                size_t *n);
/* The kernels of the hosts of rule R, "6.1.0 (3), 3.10.0 (1)". */
char *sg_fleet_rule_kernels(const struct sg_fleet *f,
                            const struct sg_rep_rule *r);

/* When the report is made, "2026-12-07 14:20 UTC" into BUF (LEN bytes;
 * ISO: "2026-12-07T14:20:00Z" into ISO when not NULL): now, or
 * $SOURCE_DATE_EPOCH (seconds) when set, as reproducible builds fix a
 * date. */
void sg_fleet_when(char *buf, size_t len);
void sg_fleet_when_iso(char *buf, size_t len);

/* Shared by report.c, input.c and baseline.c. */
/* The bytes of the regular file PATH, NUL-terminated, in *TEXT (*LEN
 * without the NUL): 0, -ENOMEM, or -1 with *WHY saying why ("over 512
 * MiB", "a device, not a regular file", strerror's text). A device is
 * never opened; a FIFO only when STREAM (a path the user named, such as
 * a shell's <(...)), and then without waiting for a writer: it is read
 * to its end. */
int sg_rep_slurp(const char *path, bool stream, char **text, size_t *len,
                 const char **why);
/* An error about the input FILE in F->problems: FMT with WHAT (as %s).
 * File and message kept as valid UTF-8. 0 or -ENOMEM. */
int sg_rep_problem(struct sg_fleet *f, const char *file, const char *fmt,
                   const char *what);
/* Merge the result J (a check --format json object) of host NAME, read
 * from SOURCE, into F: 0 or -ENOMEM. */
struct cJSON;
int sg_rep_add_host(struct sg_fleet *f, const char *name, const char *source,
                    const struct cJSON *j);

#endif
