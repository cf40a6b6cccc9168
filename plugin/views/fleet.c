/*
 * fleet.c - the fleet report (report/report.h) as text (for a terminal or a
 * mail), JSON (format "sysctl-guard-report/1", what --baseline reads) and
 * Markdown (for a merge request or a wiki page). Each walks the merged fleet
 * once; nothing is recomputed per host, and a rule's kernels cost its hosts
 * (sg_fleet_rule_kernel_list), so every view grows with its output.
 */
#include "views.h"
#include "../report/report.h"
#include "../core/base/util.h"
#include "../core/base/version.h"

#include <cjson/cJSON.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static const char *sev_name(enum sg_severity s)
{
    return sg_severity_name(s);
}

static void fp_hex(char out[17], uint64_t fp)
{
    snprintf(out, 17, "%016" PRIx64, fp);
}

/* ---- text ---- */

/* Writer W's line: "ufw sets net.ipv4.ip_forward = 1", "module br_netfilter
 * (loaded after systemd-sysctl) sets KEY = V", "KEY = V: written after
 * boot by something not known". */
static void writer_line(FILE *out, const struct sg_rep_writer *w)
{
    if (!w->name) {
        fprintf(out, "%s%s%s: written after boot by something not known",
                sg_vis(w->key), w->value ? " = " : "",
                w->value ? sg_vis(w->value) : "");
        return;
    }
    fprintf(out, "%s%s sets %s", sg_vis(w->name),
            strncmp(w->name, "module ", 7) == 0
                ? " (loaded after systemd-sysctl)"
                : "",
            sg_vis(w->key));
    if (w->value)
        fprintf(out, " = %s", sg_vis(w->value));
}

static void text_delta(FILE *out, const char *what,
                       const struct sg_rep_delta *v, size_t n)
{
    fprintf(out, "\n%s since the baseline: %zu\n", what, n);
    for (size_t i = 0; i < n; i++)
        fprintf(out, "  %s %s:%u: %s [%s] %s = %s\n", sg_vis(v[i].host),
                sg_vis(v[i].file), v[i].line, sev_name(v[i].severity),
                sg_vis(v[i].rule), sg_vis(v[i].key), sg_vis(v[i].value));
}

int sg_fleet_text(FILE *out, const struct sg_fleet *f)
{
    size_t nk;
    struct sg_rep_kernel *k = sg_fleet_kernels(f, &nk);

    fprintf(out,
            "sysctl-guard report: %zu host%s, %zu with errors; findings: %zu "
            "error%s, %zu warning%s, %zu info\n",
            f->n_hosts, f->n_hosts == 1 ? "" : "s",
            sg_fleet_hosts_with(f, SG_SEV_ERROR),
            sg_fleet_count(f, SG_SEV_ERROR),
            sg_fleet_count(f, SG_SEV_ERROR) == 1 ? "" : "s",
            sg_fleet_count(f, SG_SEV_WARNING),
            sg_fleet_count(f, SG_SEV_WARNING) == 1 ? "" : "s",
            sg_fleet_count(f, SG_SEV_INFO));
    fprintf(out, "\nby finding (hosts):\n");
    for (size_t i = 0; i < f->n_rules; i++) {
        const struct sg_rep_rule *r = &f->rules[i];
        char *ks = sg_fleet_rule_kernels(f, r);
        fprintf(out, "  %5zu  %-7s %s: %s\n         kernels: %s\n", r->n_hosts,
                sev_name(r->severity), sg_vis(r->id), sg_vis(r->title),
                ks ? sg_vis(ks) : "");
        free(ks);
    }
    fprintf(out, "\nby kernel (hosts):\n");
    for (size_t i = 0; i < nk; i++)
        fprintf(out, "  %5zu  %s\n", k[i].n_hosts, sg_vis(k[i].kernel));
    free(k);
    if (f->n_writers)
        fprintf(out, "\nwho wrote the running values that differ from the "
                     "files (hosts):\n");
    for (size_t i = 0; i < f->n_writers; i++) {
        const struct sg_rep_writer *w = &f->writers[f->writer_order[i]];
        fprintf(out, "  %5zu  ", w->n_hosts);
        writer_line(out, w);
        fputc('\n', out);
    }
    fprintf(out, "\nby host (errors, warnings, info):\n");
    for (size_t i = 0; i < f->n_hosts; i++) {
        const struct sg_rep_host *h = &f->hosts[f->order[i]];
        fprintf(out, "  %-24s %-28s %3zu %3zu %3zu\n", sg_vis(h->name),
                sg_vis(h->kernel), h->counts[SG_SEV_ERROR],
                h->counts[SG_SEV_WARNING], h->counts[SG_SEV_INFO]);
    }
    if (f->has_baseline) {
        text_delta(out, "new", f->added, f->n_added);
        text_delta(out, "fixed", f->fixed, f->n_fixed);
        fprintf(out, "\nunchanged since the baseline: %zu\n", f->n_unchanged);
        if (f->n_gone)
            fprintf(out, "\nnot in this report (in the baseline): %zu\n",
                    f->n_gone);
        for (size_t i = 0; i < f->n_gone; i++)
            fprintf(out, "  %s\n", sg_vis(f->gone[i]));
    }
    return 0;
}

/* ---- JSON ---- */

static cJSON *deltas_json(const struct sg_rep_delta *v, size_t n)
{
    cJSON *a = cJSON_CreateArray();
    char hex[17];
    for (size_t i = 0; i < n; i++) {
        cJSON *o = cJSON_CreateObject();
        fp_hex(hex, v[i].fp);
        cJSON_AddStringToObject(o, "host", v[i].host);
        cJSON_AddStringToObject(o, "fingerprint", hex);
        cJSON_AddStringToObject(o, "rule", v[i].rule);
        cJSON_AddStringToObject(o, "severity", sev_name(v[i].severity));
        cJSON_AddStringToObject(o, "file", v[i].file);
        if (v[i].line)
            cJSON_AddNumberToObject(o, "line", v[i].line);
        cJSON_AddStringToObject(o, "key", v[i].key);
        cJSON_AddStringToObject(o, "value", v[i].value);
        cJSON_AddItemToArray(a, o);
    }
    return a;
}

static cJSON *counts_json(const size_t *c)
{
    cJSON *o = cJSON_CreateObject();
    for (int s = SG_SEV_ERROR; s >= SG_SEV_INFO; s--)
        cJSON_AddNumberToObject(o, sev_name((enum sg_severity)s), (double)c[s]);
    return o;
}

/* V printed on one line, as UTF-8 (the fleet's texts are already: then
 * no copy is made): 0, or -1 without memory. */
static int put(FILE *out, const cJSON *v)
{
    char *s = cJSON_PrintUnformatted(v);
    if (s && !sg_utf8_valid(s)) {
        char *u = sg_utf8_repair(s);
        free(s);
        s = u;
    }
    if (!s)
        return -1;
    fputs(s, out);
    free(s);
    return 0;
}

/* One rule of the report: its findings, hosts, their kernels, the fix. */
static cJSON *rule_json(const struct sg_fleet *f, const struct sg_rep_rule *r)
{
    cJSON *j = cJSON_CreateObject(), *hs = cJSON_CreateArray();
    cJSON *refs = cJSON_CreateArray();
    cJSON_AddStringToObject(j, "id", r->id);
    cJSON_AddStringToObject(j, "severity", sev_name(r->severity));
    cJSON_AddStringToObject(j, "title", r->title);
    cJSON_AddNumberToObject(j, "findings", (double)r->n_findings);
    for (size_t k = 0; k < r->n_hosts; k++)
        cJSON_AddItemToArray(hs,
                             cJSON_CreateString(f->hosts[r->hosts[k]].name));
    cJSON_AddItemToObject(j, "hosts", hs);
    /* The kernels of its hosts: {kernel: hosts}, most hosts first. */
    cJSON *ks = cJSON_CreateObject();
    size_t nk;
    struct sg_rep_kernel *k = sg_fleet_rule_kernel_list(f, r, &nk);
    for (size_t i = 0; i < nk; i++)
        cJSON_AddNumberToObject(ks, k[i].kernel, (double)k[i].n_hosts);
    cJSON_AddItemToObject(j, "kernels", ks);
    if (!k) {
        cJSON_Delete(j);
        return NULL;
    }
    free(k);
    if (r->fix)
        cJSON_AddStringToObject(j, "fix", r->fix);
    else if (r->fix_varies)
        cJSON_AddStringToObject(j, "fix", "differs by finding");
    for (size_t x = 0; x < r->n_refs; x++)
        cJSON_AddItemToArray(refs, cJSON_CreateString(r->refs[x]));
    cJSON_AddItemToObject(j, "references", refs);
    return j;
}

/* Who wrote a running value: writer (null: none known), key, value, hosts. */
static cJSON *writer_json(const struct sg_fleet *f,
                          const struct sg_rep_writer *w)
{
    cJSON *j = cJSON_CreateObject(), *hs = cJSON_CreateArray();
    if (w->name)
        cJSON_AddStringToObject(j, "writer", w->name);
    else
        cJSON_AddNullToObject(j, "writer");
    cJSON_AddStringToObject(j, "key", w->key);
    if (w->value)
        cJSON_AddStringToObject(j, "value", w->value);
    for (size_t k = 0; k < w->n_hosts; k++)
        cJSON_AddItemToArray(hs,
                             cJSON_CreateString(f->hosts[w->hosts[k]].name));
    cJSON_AddItemToObject(j, "hosts", hs);
    return j;
}

/* One host of the report: name, kernel, input, counts, its findings. */
static cJSON *host_json(const struct sg_fleet *f, const struct sg_rep_host *h)
{
    char hex[17];
    cJSON *j = cJSON_CreateObject(), *fs = cJSON_CreateArray();
    cJSON_AddStringToObject(j, "name", h->name);
    cJSON_AddStringToObject(j, "kernel", h->kernel);
    cJSON_AddStringToObject(j, "source", h->source);
    cJSON_AddItemToObject(j, "summary", counts_json(h->counts));
    cJSON_AddNumberToObject(j, "diagnostics", (double)h->n_diags);
    for (size_t x = 0; x < h->n_hits; x++) {
        const struct sg_rep_finding *d = &f->findings[h->hits[x].finding];
        cJSON *fo = cJSON_CreateObject();
        fp_hex(hex, d->fp);
        cJSON_AddStringToObject(fo, "fingerprint", hex);
        cJSON_AddStringToObject(fo, "rule", d->rule);
        cJSON_AddStringToObject(fo, "severity", sev_name(d->severity));
        cJSON_AddStringToObject(fo, "file", d->file);
        if (h->hits[x].line)
            cJSON_AddNumberToObject(fo, "line", h->hits[x].line);
        cJSON_AddStringToObject(fo, "key", d->key);
        cJSON_AddStringToObject(fo, "value", d->value);
        cJSON_AddItemToArray(fs, fo);
    }
    cJSON_AddItemToObject(j, "findings", fs);
    return j;
}

int sg_fleet_json(FILE *out, const struct sg_fleet *f)
{
    cJSON *o = cJSON_CreateObject(), *sum = cJSON_CreateObject();
    cJSON *kernels = cJSON_CreateArray(), *problems = cJSON_CreateArray();
    size_t counts[3] = {sg_fleet_count(f, SG_SEV_INFO),
                        sg_fleet_count(f, SG_SEV_WARNING),
                        sg_fleet_count(f, SG_SEV_ERROR)};

    cJSON_AddStringToObject(o, "format", SG_REPORT_FORMAT);
    cJSON *made = cJSON_CreateObject();
    char at[64];
    sg_fleet_when_iso(at, sizeof(at));
    cJSON_AddStringToObject(made, "tool", "sysctl-guard " SG_VERSION);
    cJSON_AddStringToObject(made, "at", at);
    cJSON_AddItemToObject(o, "made", made);
    cJSON_AddNumberToObject(sum, "hosts", (double)f->n_hosts);
    cJSON_AddNumberToObject(sum, "hosts_with_errors",
                            (double)sg_fleet_hosts_with(f, SG_SEV_ERROR));
    cJSON_AddItemToObject(sum, "findings", counts_json(counts));
    cJSON_AddNumberToObject(sum, "inputs", (double)f->n_inputs);
    cJSON_AddItemToObject(o, "summary", sum);
    size_t nk;
    struct sg_rep_kernel *k = sg_fleet_kernels(f, &nk);
    for (size_t i = 0; i < nk; i++) {
        cJSON *j = cJSON_CreateObject();
        cJSON_AddStringToObject(j, "kernel", k[i].kernel);
        cJSON_AddNumberToObject(j, "hosts", (double)k[i].n_hosts);
        cJSON_AddItemToArray(kernels, j);
    }
    free(k);
    cJSON_AddItemToObject(o, "kernels", kernels);
    cJSON *writers = cJSON_CreateArray();
    for (size_t i = 0; i < f->n_writers; i++)
        cJSON_AddItemToArray(writers,
                             writer_json(f, &f->writers[f->writer_order[i]]));
    cJSON_AddItemToObject(o, "writers", writers);
    for (size_t i = 0; i < f->problems.n; i++) {
        cJSON *j = cJSON_CreateObject();
        cJSON_AddStringToObject(j, "file", f->problems.v[i].file);
        cJSON_AddStringToObject(j, "message", f->problems.v[i].message);
        cJSON_AddItemToArray(problems, j);
    }
    cJSON_AddItemToObject(o, "problems", problems);
    if (f->has_baseline) {
        cJSON *b = cJSON_CreateObject();
        cJSON_AddStringToObject(b, "file", f->baseline);
        cJSON_AddItemToObject(b, "new", deltas_json(f->added, f->n_added));
        cJSON_AddItemToObject(b, "fixed", deltas_json(f->fixed, f->n_fixed));
        cJSON_AddNumberToObject(b, "unchanged", (double)f->n_unchanged);
        cJSON *g = cJSON_CreateArray();
        for (size_t i = 0; i < f->n_gone; i++)
            cJSON_AddItemToArray(g, cJSON_CreateString(f->gone[i]));
        cJSON_AddItemToObject(b, "gone", g);
        cJSON_AddItemToObject(o, "baseline", b);
    }
    /* A member a line; the rules (after the summary) and the hosts (after
     * the kernels) one at a time, so that a fleet is never one tree. */
    int r = 0;
    const cJSON *c;
    fputc('{', out);
    cJSON_ArrayForEach(c, o)
    {
        fprintf(out, "%s\n\"%s\": ", c == o->child ? "" : ",", c->string);
        r |= put(out, c);
        if (strcmp(c->string, "summary") == 0) {
            /* The rules one at a time: each lists its hosts. */
            fputs(",\n\"rules\": [", out);
            for (size_t i = 0; r == 0 && i < f->n_rules; i++) {
                cJSON *x = rule_json(f, &f->rules[i]);
                fputs(i ? ",\n" : "\n", out);
                r |= x ? put(out, x) : -1;
                cJSON_Delete(x);
            }
            fputs("\n]", out);
        }
        if (strcmp(c->string, "kernels") != 0)
            continue;
        fputs(",\n\"hosts\": [", out);
        for (size_t i = 0; r == 0 && i < f->n_hosts; i++) {
            cJSON *h = host_json(f, &f->hosts[f->order[i]]);
            fputs(i ? ",\n" : "\n", out);
            r |= h ? put(out, h) : -1;
            cJSON_Delete(h);
        }
        fputs("\n]", out);
    }
    fputs("\n}\n", out);
    cJSON_Delete(o);
    return r;
}

/* ---- Markdown ---- */

/* S in a Markdown table cell: "|", "\", "`", "*", "_", "<", "[" and "]"
 * escaped, a line break or a control byte as a space. */
static void md(FILE *out, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p < 0x20 || *p == 0x7f)
            fputc(' ', out);
        else if (strchr("|\\`*_<>[]#", *p))
            fprintf(out, "\\%c", *p);
        else
            fputc(*p, out);
    }
}

int sg_fleet_markdown(FILE *out, const struct sg_fleet *f)
{
    size_t nk;
    struct sg_rep_kernel *k = sg_fleet_kernels(f, &nk);

    char made[96];
    sg_fleet_when(made, sizeof(made));
    fprintf(out,
            "# sysctl-guard fleet report\n\nMade by sysctl-guard %s on "
            "%s from %zu input%s.\n\n",
            SG_VERSION, made, f->n_inputs, f->n_inputs == 1 ? "" : "s");
    fprintf(out,
            "| hosts | with errors | errors | warnings | info |\n"
            "|---:|---:|---:|---:|---:|\n| %zu | %zu | %zu | %zu | %zu |\n",
            f->n_hosts, sg_fleet_hosts_with(f, SG_SEV_ERROR),
            sg_fleet_count(f, SG_SEV_ERROR), sg_fleet_count(f, SG_SEV_WARNING),
            sg_fleet_count(f, SG_SEV_INFO));
    fprintf(out, "\n## By finding\n\n| rule | severity | title | hosts | "
                 "kernels | fix |\n|---|---|---|---:|---|---|\n");
    for (size_t i = 0; i < f->n_rules; i++) {
        const struct sg_rep_rule *r = &f->rules[i];
        char *ks = sg_fleet_rule_kernels(f, r);
        fputs("| ", out);
        md(out, r->id);
        fprintf(out, " | %s | ", sev_name(r->severity));
        md(out, r->title);
        fprintf(out, " | %zu | ", r->n_hosts);
        md(out, ks ? ks : "");
        fputs(" | ", out);
        md(out, r->fix ? r->fix : r->fix_varies ? "differs by finding" : "");
        fputs(" |\n", out);
        free(ks);
    }
    fprintf(out, "\n## By kernel\n\n| kernel | hosts |\n|---|---:|\n");
    for (size_t i = 0; i < nk; i++) {
        fputs("| ", out);
        md(out, k[i].kernel);
        fprintf(out, " | %zu |\n", k[i].n_hosts);
    }
    free(k);
    if (f->n_writers)
        fprintf(out, "\n## Who wrote the running values\n\nKeys whose "
                     "running value differs from the files (check --live), "
                     "by what wrote it.\n\n| writer | key | value | hosts "
                     "|\n|---|---|---|---:|\n");
    for (size_t i = 0; i < f->n_writers; i++) {
        const struct sg_rep_writer *w = &f->writers[f->writer_order[i]];
        fputs("| ", out);
        md(out, w->name ? w->name : "not known");
        fputs(" | ", out);
        md(out, w->key);
        fputs(" | ", out);
        md(out, w->value ? w->value : "");
        fprintf(out, " | %zu |\n", w->n_hosts);
    }
    fprintf(out, "\n## By host\n\n| host | kernel | errors | warnings | info "
                 "|\n|---|---|---:|---:|---:|\n");
    for (size_t i = 0; i < f->n_hosts; i++) {
        const struct sg_rep_host *h = &f->hosts[f->order[i]];
        fputs("| ", out);
        md(out, h->name);
        fputs(" | ", out);
        md(out, h->kernel);
        fprintf(out, " | %zu | %zu | %zu |\n", h->counts[SG_SEV_ERROR],
                h->counts[SG_SEV_WARNING], h->counts[SG_SEV_INFO]);
    }
    if (f->has_baseline)
        fprintf(out,
                "\n## Since the baseline\n\n%zu new, %zu fixed, %zu "
                "unchanged.\n",
                f->n_added, f->n_fixed, f->n_unchanged);
    if (f->has_baseline && f->n_gone) {
        fprintf(out, "\nNot in this report (in the baseline):");
        for (size_t i = 0; i < f->n_gone; i++) {
            fputs(i ? ", " : " ", out);
            md(out, f->gone[i]);
        }
        fputs(".\n", out);
    }
    if (f->problems.n) {
        fprintf(out, "\n## Inputs not read\n\n");
        for (size_t i = 0; i < f->problems.n; i++) {
            fputs("- ", out);
            md(out, f->problems.v[i].file ? f->problems.v[i].file : "");
            fputs(": ", out);
            md(out, f->problems.v[i].message);
            fputc('\n', out);
        }
    }
    return 0;
}
