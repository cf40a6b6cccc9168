/*
 * report.h - the fleet report: many hosts' results merged in one pass
 * (report.c), then shown by finding, by kernel and by host, and compared
 * with an earlier report (render.c: text, JSON, Markdown; html.c: one
 * self-contained HTML page built with libxml2's tree).
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
 * noise) is a problem naming it; the rest is still read.
 *
 * Memory: each distinct finding (fingerprint: rule, file, key, value, as
 * SARIF's partialFingerprints) is kept once, with its texts; a host keeps
 * its name, kernel, counts and, per finding it has, an index and a line
 * (8 bytes). An input's JSON tree is freed before the next is read.
 */
#ifndef SG_REPORT_H
#define SG_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../core/diag.h"

#define SG_REPORT_FORMAT "sysctl-guard-report/1"
#define SG_REPORT_MAX_INPUT (512u << 20) /* bytes of one input file */

/* One distinct finding of the fleet: a fingerprint with a severity (a
 * "-" line may lower it on some hosts). */
struct sg_rep_finding {
    uint64_t fp; /* sg_hash("rule|file|key|value") */
    char *rule, *title, *file, *key, *value, *fix;
    enum sg_severity severity;
    char **refs;
    size_t n_refs;
    size_t n_hosts;     /* how many hosts have it */
    uint32_t last_host; /* the last host counted in n_hosts */
    size_t rule_ix;     /* its rule's index while reading (rules are sorted
                           after) */
};

/* One finding of one host: which distinct one, and on which line. */
struct sg_rep_hit {
    uint32_t finding;
    uint32_t line;
};

struct sg_rep_host {
    char *name, *kernel, *source; /* source: the input file */
    size_t counts[3];             /* by severity: info, warning, error */
    size_t n_diags;               /* diagnostics about its input */
    struct sg_rep_hit *hits;
    size_t n_hits, cap;
};

/* A rule across the fleet: the hosts that have one of its findings. */
struct sg_rep_rule {
    char *id, *title, *fix; /* fix: its findings' one fix, or NULL when
                               they differ (fix_varies) or have none */
    bool fix_varies;
    enum sg_severity severity;
    char **refs; /* borrowed from a finding of the rule */
    size_t n_refs;
    uint32_t *hosts; /* host indices, each once, in input order */
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

struct sg_fleet {
    struct sg_rep_host *hosts;
    size_t n_hosts, cap_hosts;
    struct sg_rep_finding *findings;
    size_t n_findings, cap_findings;
    uint32_t *index; /* open addressing over findings, by fp */
    size_t index_cap;
    struct sg_rep_rule *rules;
    size_t n_rules, cap_rules;
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
};

/* A finding's fingerprint: sg_hash("RULE|FILE|KEY|VALUE"), as SARIF's
 * partialFingerprints, the module and the report give it. */
uint64_t sg_rep_fingerprint(const char *rule, const char *file, const char *key,
                            const char *value);
/* A finding's fingerprint as 16 hex digits, as SARIF, the module and the
 * report print it. */
struct sg_finding;
void sg_rep_finding_hex(const struct sg_finding *f, char out[17]);

/* Read the file or directory PATH into F. 0, or -ENOMEM; a file that
 * cannot be used is a problem in F->problems and the rest goes on. */
int sg_fleet_read(struct sg_fleet *f, const char *path);
/* The same for the bytes of one input (NUL-terminated), named NAME (the
 * host when the input does not name it). What the fuzz target drives. */
int sg_fleet_read_text(struct sg_fleet *f, const char *name, char *text,
                       size_t len);
/* Sort the rules (severity, then hosts, then id) and order the hosts
 * worst first (errors, warnings, info, then name) in F->order: the order
 * every view shows. 0, or -ENOMEM. */
int sg_fleet_finish(struct sg_fleet *f);
/* Compare with the report (--format json) at PATH: new, fixed and
 * unchanged (host, fingerprint) pairs, over the hosts of both (a host
 * only in the baseline is in F->gone). 0, -1 after a problem naming it,
 * or -ENOMEM. */
int sg_fleet_baseline(struct sg_fleet *f, const char *path);
/* Whether a finding new since the baseline (or, without one, any
 * finding) is at or over FAIL_ON. */
bool sg_fleet_fails(const struct sg_fleet *f, enum sg_severity fail_on);
/* Hosts with an error finding, and findings by severity. */
size_t sg_fleet_hosts_with(const struct sg_fleet *f, enum sg_severity s);
size_t sg_fleet_count(const struct sg_fleet *f, enum sg_severity s);
void sg_fleet_free(struct sg_fleet *f);

/* The views (render.c, html.c). 0, or -1 without memory. */
int sg_fleet_text(FILE *out, const struct sg_fleet *f);
int sg_fleet_json(FILE *out, const struct sg_fleet *f);
int sg_fleet_markdown(FILE *out, const struct sg_fleet *f);
int sg_fleet_html(FILE *out, const struct sg_fleet *f);

/* The kernels of the fleet with their host counts, most hosts first
 * (allocated; the strings are the hosts'). */
struct sg_rep_kernel {
    const char *kernel;
    size_t n_hosts;
};
struct sg_rep_kernel *sg_fleet_kernels(const struct sg_fleet *f, size_t *n);
/* The kernels of the hosts of rule R, "6.1.0 (3), 3.10.0 (1)". */
char *sg_fleet_rule_kernels(const struct sg_fleet *f,
                            const struct sg_rep_rule *r);

#endif
