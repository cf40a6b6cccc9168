/*
 * json.c - the JSON view (format "sysctl-guard/1", README "check --format
 * json") and the JSON pieces every view that carries findings uses.
 */
#include "views.h"
#include "../core/base/util.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

/* ---- JSON ---- */

cJSON *sg_json_finding(const struct sg_finding *f)
{
    cJSON *o = cJSON_CreateObject(), *refs = cJSON_CreateArray();

    cJSON_AddStringToObject(o, "rule", f->rule->id);
    cJSON_AddStringToObject(o, "severity", sg_severity_name(f->severity));
    cJSON_AddStringToObject(o, "title", f->rule->title);
    if (f->key)
        cJSON_AddStringToObject(o, "key", f->key);
    if (f->value)
        cJSON_AddStringToObject(o, "value", f->value);
    if (f->file)
        cJSON_AddStringToObject(o, "file", f->file);
    if (f->file && f->line)
        cJSON_AddNumberToObject(o, "line", f->line);
    cJSON_AddStringToObject(o, "message", f->message);
    for (size_t i = 0; i < f->rule->n_refs; i++)
        cJSON_AddItemToArray(refs, cJSON_CreateString(f->rule->refs[i].href));
    cJSON_AddItemToObject(o, "references", refs);
    if (f->fix != SG_FIX_NONE) {
        cJSON *fx = cJSON_CreateObject();
        cJSON_AddStringToObject(fx, "action", sg_fix_name(f->fix));
        cJSON_AddStringToObject(fx, "key", f->fix_key);
        if (f->fix_value)
            cJSON_AddStringToObject(fx, "value", f->fix_value);
        if (f->fix_file)
            cJSON_AddStringToObject(fx, "file", f->fix_file);
        cJSON_AddItemToObject(o, "fix", fx);
    }
    /* Who wrote the running value (drift): "known" false when the tree
     * shows no writer. */
    if (f->writer) {
        const struct sg_finding_writer *w = f->writer;
        cJSON *wo = cJSON_CreateObject();
        cJSON_AddBoolToObject(wo, "known", w->name != NULL);
        if (w->name)
            cJSON_AddStringToObject(wo, "name", w->name);
        if (w->module)
            cJSON_AddStringToObject(wo, "module", w->module);
        if (w->file)
            cJSON_AddStringToObject(wo, "file", w->file);
        if (w->file && w->line)
            cJSON_AddNumberToObject(wo, "line", w->line);
        if (w->value)
            cJSON_AddStringToObject(wo, "value", w->value);
        cJSON_AddItemToObject(o, "writer", wo);
    }
    /* Kept, with why (suppress.h); the summary does not count it. */
    if (f->suppressed) {
        cJSON *sp = cJSON_CreateObject();
        cJSON_AddStringToObject(sp, "reason", f->suppressed);
        cJSON_AddItemToObject(o, "suppressed", sp);
    }
    return o;
}

int sg_json_print(FILE *out, FILE *err, cJSON *o)
{
    char *raw = cJSON_Print(o);
    /* JSON is UTF-8; files may hold Latin-1 values and comments: those
     * are repaired (a copy), valid text is printed as it is. */
    char *s = raw && !sg_utf8_valid(raw) ? sg_utf8_repair(raw) : raw;
    if (s != raw)
        free(raw);
    cJSON_Delete(o);
    if (!s) {
        fputs("sysctl-guard: out of memory\n", err);
        return -1;
    }
    fputs(s, out);
    fputc('\n', out);
    free(s);
    return 0;
}

cJSON *sg_json_diags(const struct sg_diags *d)
{
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; i < d->n; i++) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "severity",
                                sg_severity_name(d->v[i].severity));
        cJSON_AddStringToObject(o, "code", d->v[i].code);
        if (d->v[i].file)
            cJSON_AddStringToObject(o, "file", d->v[i].file);
        if (d->v[i].line)
            cJSON_AddNumberToObject(o, "line", d->v[i].line);
        cJSON_AddStringToObject(o, "message", d->v[i].message);
        cJSON_AddItemToArray(a, o);
    }
    return a;
}

cJSON *sg_json_summary(const struct sg_findings *fs)
{
    cJSON *sum = cJSON_CreateObject();
    for (int s = SG_SEV_ERROR; s >= SG_SEV_INFO; s--)
        cJSON_AddNumberToObject(
            sum, sg_severity_name((enum sg_severity)s),
            (double)sg_findings_count(fs, (enum sg_severity)s));
    return sum;
}

cJSON *sg_json_effects(const struct sg_effects *fx)
{
    cJSON *o = cJSON_CreateObject();
    for (size_t i = 0; i < fx->n; i++) {
        const struct sg_effect *e = &fx->v[i];
        cJSON *kv = cJSON_CreateObject();
        cJSON_AddItemToObject(kv, "old",
                              e->old_value ? cJSON_CreateString(e->old_value)
                                           : cJSON_CreateNull());
        cJSON_AddItemToObject(kv, "new",
                              e->new_value ? cJSON_CreateString(e->new_value)
                                           : cJSON_CreateNull());
        cJSON_AddItemToObject(o, e->key, kv);
    }
    return o;
}

cJSON *sg_json_check(const struct sg_result *res, const struct sg_view_opts *vo)
{
    const struct sg_report *r = &res->report;
    cJSON *o = cJSON_CreateObject(), *tool = cJSON_CreateObject();
    cJSON *files = cJSON_CreateArray(), *fs = cJSON_CreateArray();
    cJSON *profiles = cJSON_CreateArray();

    cJSON_AddStringToObject(o, "format", "sysctl-guard/1");
    cJSON_AddStringToObject(tool, "name", "sysctl-guard");
    cJSON_AddStringToObject(tool, "version", SG_VERSION);
    cJSON_AddItemToObject(o, "tool", tool);
    if (vo->host)
        cJSON_AddStringToObject(o, "host", vo->host);
    if (r->root)
        cJSON_AddStringToObject(o, "root", r->root);
    else
        cJSON_AddNullToObject(o, "root");
    cJSON_AddStringToObject(o, "kernel", r->kernel);
    cJSON_AddStringToObject(o, "semantics", sg_semantics_name(r->semantics));
    /* which procps `sysctl --system` is, where it is the one modelled */
    if (r->semantics == SG_SEM_PROCPS && r->procps)
        cJSON_AddStringToObject(o, "procps", r->procps == 3 ? "3.3" : "4");
    for (size_t i = 0; i < vo->n_profiles; i++)
        cJSON_AddItemToArray(profiles, cJSON_CreateString(vo->profiles[i]));
    cJSON_AddItemToObject(o, "profiles", profiles);
    for (size_t i = 0; i < r->n_files; i++)
        cJSON_AddItemToArray(files, cJSON_CreateString(r->files[i]));
    cJSON_AddItemToObject(o, "files", files);
    for (size_t i = 0; i < r->findings.n; i++)
        cJSON_AddItemToArray(fs, sg_json_finding(&r->findings.v[i]));
    cJSON_AddItemToObject(o, "findings", fs);
    cJSON_AddItemToObject(o, "summary", sg_json_summary(&r->findings));
    cJSON_AddItemToObject(o, "diagnostics", sg_json_diags(&r->diags));
    return o;
}

int sg_view_json_check(FILE *out, const struct sg_result *res,
                       const struct sg_view_opts *vo)
{
    return sg_json_print(out, vo->err, sg_json_check(res, vo));
}

/* ---- list-rules ---- */

int sg_view_json_rules(FILE *out, const struct sg_policies *ps,
                       const struct sg_view_opts *vo)
{
    cJSON *o = cJSON_CreateObject(), *rules = cJSON_CreateArray();
    char pack[128];

    cJSON_AddStringToObject(o, "format", "sysctl-guard/1");
    for (size_t i = 0; i < ps->n_rules; i++) {
        const struct sg_rule *r = &ps->rules[i];
        cJSON *j = cJSON_CreateObject(), *refs = cJSON_CreateArray();
        cJSON_AddStringToObject(j, "id", r->id);
        cJSON_AddStringToObject(j, "severity", sg_severity_name(r->severity));
        cJSON_AddStringToObject(j, "pack", sg_rule_pack(r, pack, sizeof(pack)));
        cJSON_AddStringToObject(j, "title", r->title);
        if (r->key)
            cJSON_AddStringToObject(j, "key", r->key);
        if (r->diagnostic)
            cJSON_AddStringToObject(j, "diagnostic", r->diagnostic);
        for (size_t k = 0; k < r->n_refs; k++)
            cJSON_AddItemToArray(refs, cJSON_CreateString(r->refs[k].href));
        cJSON_AddItemToObject(j, "references", refs);
        cJSON_AddItemToArray(rules, j);
    }
    cJSON_AddItemToObject(o, "rules", rules);
    return sg_json_print(out, vo->err, o);
}
